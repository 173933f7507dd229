-- The initial schema of the PostgreSQL store: tenants, API keys, legal entities and their
-- participant identifiers, and the event log. The same model as the SQLite store
-- (crates/store-sqlite/migrations/0001_initial.sql), in PostgreSQL's own types.
--
-- Conventions (every table):
-- - Identifiers are `uuid`. PostgreSQL compares them bytewise, which is the order of the
--   domain's `Uuid`, so `id ASC` breaks ties exactly as the in-memory reference store
--   does; and a malformed id cannot be stored at all.
-- - Timestamps are `timestamptz`: microsecond precision, which is the domain clock's, so
--   a value reads back equal to what was written (in UTC). Native rather than integer
--   microseconds so that operators can read and query them in psql.
-- - Text that a list sorts on is `COLLATE "C"`: code point order, the order the API
--   promises (`alpha` after `Delta`), whatever the database's default collation. Text
--   that is only compared for equality keeps the default collation (deterministic, so
--   equality is bytewise either way).
-- - Enumerations are text holding the domain's wire names (`sandbox`, `SEATS`,
--   `verification_failed`...) with CHECK constraints rather than enum types: a CHECK is
--   changed like any constraint in a transactional migration, and a stray value is
--   refused at write time.
-- - Metadata and event data are `jsonb` (never queried inside yet; jsonb keeps them
--   queryable and refuses anything that is not JSON).
-- - The token hash and the sealed signing secret are `bytea`.
-- - Uniqueness lives in the database (unique indexes and constraints), not in
--   read-then-write checks, so concurrent writers cannot both pass. PostgreSQL reports
--   the violated constraint's name; the adapter maps `tenants_code_unique` and
--   `legal_entity_participant_ids_unique` to the domain's uniqueness rules
--   (`src/error.rs`): keep the names in sync.
-- - Every list is scoped (a partner, or a tenant and an environment) and every filter
--   and sort key of a list has an index that starts with that scope and ends with `id`,
--   the tie-breaker of every sort.
--
-- The adapter writes in READ COMMITTED transactions: a conditional UPDATE re-checks its
-- WHERE clause on the newest row version after waiting for a concurrent writer, which
-- is what optimistic concurrency (`WHERE version = $n`) needs, and unique indexes make a
-- second inserter wait for the first and then fail.

CREATE TABLE tenants (
    id                      uuid        NOT NULL PRIMARY KEY,
    -- A partner has allowed billing models and no partner; a child has a partner and
    -- one billing model. The CHECK below keeps the two shapes apart.
    kind                    text        NOT NULL CHECK (kind IN ('partner', 'child')),
    partner_id              uuid        REFERENCES tenants (id),
    billing_model           text        CHECK (billing_model IN ('SEATS', 'FLOW')),
    -- The partner's non-empty set of models, comma-separated in the domain's stable order.
    billing_models          text        CHECK (billing_models IN ('SEATS', 'FLOW', 'SEATS,FLOW')),
    code                    text        COLLATE "C" NOT NULL,
    company_name            text        COLLATE "C" NOT NULL,
    -- The postal address is all four columns or none.
    street                  text,
    postal_code             text,
    city                    text,
    country                 text,
    contact_name            text,
    contact_email           text,
    contact_phone           text,
    vat_number              text,
    trade_register_number   text,
    default_language        text        NOT NULL,
    active                  boolean     NOT NULL,
    production_enabled_at   timestamptz,
    metadata                jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL,
    -- Soft deletion: a deleted tenant stays (its events and entities refer to it) but is
    -- invisible and frees its code.
    deleted_at              timestamptz,
    CONSTRAINT tenants_kind_shape CHECK (
        (kind = 'partner' AND partner_id IS NULL AND billing_model IS NULL AND billing_models IS NOT NULL)
        OR (kind = 'child' AND partner_id IS NOT NULL AND billing_model IS NOT NULL AND billing_models IS NULL)
    ),
    CONSTRAINT tenants_address_complete CHECK (
        (street IS NULL AND postal_code IS NULL AND city IS NULL AND country IS NULL)
        OR (street IS NOT NULL AND postal_code IS NOT NULL AND city IS NOT NULL AND country IS NOT NULL)
    )
);

-- A tenant code is unique within its scope among non-deleted tenants: the partner for
-- a child, and one constant scope (the nil UUID, never a tenant id) shared by all
-- partners. The scope is an expression rather than a column so that no write can get
-- it wrong (and it works on every PostgreSQL version, unlike NULLS NOT DISTINCT).
-- Mapped to `Uniqueness::TenantCode`.
CREATE UNIQUE INDEX tenants_code_unique
    ON tenants (COALESCE(partner_id, '00000000-0000-0000-0000-000000000000'::uuid), code)
    WHERE deleted_at IS NULL;

-- list_tenants: a partner's live children, filtered by `active`, sorted by one of four
-- keys. These also serve the foreign key of `partner_id`.
CREATE INDEX tenants_children_created_idx ON tenants (partner_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tenants_children_updated_idx ON tenants (partner_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX tenants_children_name_idx ON tenants (partner_id, company_name, id) WHERE deleted_at IS NULL;
CREATE INDEX tenants_children_code_idx ON tenants (partner_id, code, id) WHERE deleted_at IS NULL;
CREATE INDEX tenants_children_active_idx ON tenants (partner_id, active, created_at, id) WHERE deleted_at IS NULL;

-- count_partners (at every start).
CREATE INDEX tenants_partners_idx ON tenants (id) WHERE kind = 'partner';

CREATE TABLE api_keys (
    id                      uuid        NOT NULL PRIMARY KEY,
    tenant_id               uuid        NOT NULL REFERENCES tenants (id),
    environment             text        NOT NULL CHECK (environment IN ('sandbox', 'production')),
    name                    text        COLLATE "C" NOT NULL,
    description             text,
    -- `revoked` carries its time; the other statuses have none.
    status                  text        NOT NULL CHECK (status IN ('enabled', 'disabled', 'revoked')),
    revoked_at              timestamptz,
    -- The visible start of the token (e.g. `eig_live_a1B2c3`), never the token itself.
    prefix                  text        NOT NULL,
    -- SHA-256 of the token: the lookup key of authentication.
    hash                    bytea       NOT NULL CHECK (octet_length(hash) = 32),
    -- The signing secret, AES-256-GCM-sealed with the master key (which never enters
    -- the database) and bound to the key id.
    sealed_signing_secret   bytea       NOT NULL,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL,
    last_used_at            timestamptz,
    expires_at              timestamptz,
    CONSTRAINT api_keys_hash_unique UNIQUE (hash),
    CONSTRAINT api_keys_revoked_at CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);

-- A tenant's keys: listed by creation (also `latest`, scanned backwards) or by name.
CREATE INDEX api_keys_tenant_created_idx ON api_keys (tenant_id, created_at, id);
CREATE INDEX api_keys_tenant_name_idx ON api_keys (tenant_id, name, id);

CREATE TABLE legal_entities (
    id                      uuid        NOT NULL PRIMARY KEY,
    tenant_id               uuid        NOT NULL REFERENCES tenants (id),
    environment             text        NOT NULL CHECK (environment IN ('sandbox', 'production')),
    company_name            text        COLLATE "C" NOT NULL,
    country                 text        NOT NULL,
    -- The primary participant identifier as declared (value case kept); its canonical
    -- forms, with the derived VAT id, live in legal_entity_participant_ids.
    identifier_scheme       text        NOT NULL,
    identifier_value        text        NOT NULL,
    external_id             text,
    metadata                jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    -- The status is its name plus the data only some statuses carry, in their own
    -- columns, present exactly in the status that has them.
    status                  text        COLLATE "C" NOT NULL CHECK (status IN (
                                'pending', 'verifying', 'verified', 'verification_failed',
                                'awaiting_authz', 'expired', 'attested', 'provisioning',
                                'active', 'provisioning_failed', 'archived')),
    verification_reason     text        CHECK (verification_reason IN ('name_mismatch', 'not_found')),
    attestation_expires_at  timestamptz,
    -- Optimistic concurrency: updates are `WHERE id = $1 AND version = $n`.
    version                 bigint      NOT NULL CHECK (version >= 1),
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL,
    -- The target of the participant ids' foreign key, which carries the environment.
    CONSTRAINT legal_entities_id_environment UNIQUE (id, environment),
    CONSTRAINT legal_entities_verification_reason CHECK ((status = 'verification_failed') = (verification_reason IS NOT NULL)),
    CONSTRAINT legal_entities_attestation_expiry CHECK ((status = 'awaiting_authz') = (attestation_expires_at IS NOT NULL))
);

-- list_legal_entities is always scoped by tenant and environment: one index per sort key
-- and per filter (status doubles as a sort key), each ending with the default order.
CREATE INDEX legal_entities_created_idx ON legal_entities (tenant_id, environment, created_at, id);
CREATE INDEX legal_entities_updated_idx ON legal_entities (tenant_id, environment, updated_at, id);
CREATE INDEX legal_entities_name_idx ON legal_entities (tenant_id, environment, company_name, id);
CREATE INDEX legal_entities_status_idx ON legal_entities (tenant_id, environment, status, created_at, id);
CREATE INDEX legal_entities_country_idx ON legal_entities (tenant_id, environment, country, created_at, id);
CREATE INDEX legal_entities_external_id_idx ON legal_entities (tenant_id, environment, external_id, created_at, id)
    WHERE external_id IS NOT NULL;
-- live_legal_entities: a tenant's non-archived entities in every environment.
CREATE INDEX legal_entities_live_idx ON legal_entities (tenant_id, created_at, id) WHERE status <> 'archived';

-- The participant identifiers held by NON-archived entities: the primary one and the
-- VAT one derived from it (`LegalEntity::participant_ids()`), in canonical lower-case
-- `scheme:value` form. The rows of an entity are rewritten with it and removed when it
-- is archived, so the unique constraint below is exactly "one live entity per
-- participant id per environment", across all tenants (a partial unique index on
-- legal_entities could not cover the derived VAT id). Mapped to
-- `Uniqueness::ParticipantId`.
CREATE TABLE legal_entity_participant_ids (
    legal_entity_id         uuid        NOT NULL,
    environment             text        NOT NULL,
    participant_id          text        NOT NULL,
    PRIMARY KEY (legal_entity_id, participant_id),
    CONSTRAINT legal_entity_participant_ids_unique UNIQUE (environment, participant_id),
    -- The environment is the entity's own: a row cannot claim an id in the other one.
    CONSTRAINT legal_entity_participant_ids_entity
        FOREIGN KEY (legal_entity_id, environment) REFERENCES legal_entities (id, environment)
        ON DELETE CASCADE
);

-- The append-only event log (an outbox: events are written in the transaction of the
-- change they describe). The identity column never reuses a number, even after a
-- rollback, so consumers can resume `after` one. The adapter takes
-- `LOCK TABLE events IN EXCLUSIVE MODE` before appending (readers are not blocked), so
-- numbers are also handed out in commit order: a reader that has seen N never later
-- finds a smaller number committed.
-- No foreign keys: the log records what happened and must never refuse or lose an
-- event because of the state of the tables it talks about.
CREATE TABLE events (
    sequence                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                      uuid        NOT NULL UNIQUE,
    event_type              text        NOT NULL,
    occurred_at             timestamptz NOT NULL,
    partner_id              uuid        NOT NULL,
    tenant_id               uuid        NOT NULL,
    environment             text        CHECK (environment IN ('sandbox', 'production')),
    subject_type            text        NOT NULL CHECK (subject_type IN ('tenants', 'legal-entities', 'api-keys')),
    subject_id              uuid        NOT NULL,
    -- The event's published payload.
    data                    jsonb       NOT NULL
);

-- The feed: one partner's events after a sequence number.
CREATE INDEX events_partner_idx ON events (partner_id, sequence);
