-- The initial schema of the SQLite store: tenants, API keys, legal entities and their
-- participant identifiers, and the event log.
--
-- Conventions (every table):
-- - Identifiers are UUIDs as TEXT in the hyphenated lower-case form the domain prints.
--   That form sorts like the UUID bytes, so `id ASC` breaks ties exactly as the
--   in-memory reference store does.
-- - Timestamps are INTEGER unix microseconds (UTC). The domain's clock truncates to
--   microseconds, so a value reads back equal to what was written, and integers sort
--   chronologically.
-- - Enumerations are TEXT holding the domain's wire names (`sandbox`, `SEATS`,
--   `verification_failed`...) with CHECK constraints: readable in a shell, and a stray
--   value is refused at write time rather than discovered at read time.
-- - Text keeps SQLite's default BINARY collation: UTF-8 bytes compare in code point
--   order, which is the order the API promises for text sorts (`alpha` after `Delta`).
-- - Metadata is a JSON object (TEXT) of string values; it is never queried inside.
-- - Uniqueness lives in the database (unique indexes), not in read-then-write checks,
--   so concurrent writers cannot both pass. The adapter recognises each violation by
--   the index it names in SQLite's message (see `src/error.rs`): keep those in sync.
-- - Booleans are INTEGER 0/1.
--
-- The adapter writes with `BEGIN IMMEDIATE` transactions (one writer at a time, no
-- read-to-write lock upgrades), so `events.sequence` grows in commit order.

CREATE TABLE tenants (
    id                      TEXT    NOT NULL PRIMARY KEY,
    -- A partner has allowed billing models and no partner; a child has a partner and
    -- one billing model. The CHECK below keeps the two shapes apart.
    kind                    TEXT    NOT NULL CHECK (kind IN ('partner', 'child')),
    partner_id              TEXT    REFERENCES tenants (id),
    billing_model           TEXT    CHECK (billing_model IN ('SEATS', 'FLOW')),
    -- The partner's non-empty set of models, comma-separated in the domain's stable order.
    billing_models          TEXT    CHECK (billing_models IN ('SEATS', 'FLOW', 'SEATS,FLOW')),
    code                    TEXT    NOT NULL,
    company_name            TEXT    NOT NULL,
    -- The postal address is all four columns or none.
    street                  TEXT,
    postal_code             TEXT,
    city                    TEXT,
    country                 TEXT,
    contact_name            TEXT,
    contact_email           TEXT,
    contact_phone           TEXT,
    vat_number              TEXT,
    trade_register_number   TEXT,
    default_language        TEXT    NOT NULL,
    active                  INTEGER NOT NULL CHECK (active IN (0, 1)),
    production_enabled_at   INTEGER,
    metadata                TEXT    NOT NULL DEFAULT '{}',
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL,
    -- Soft deletion: a deleted tenant stays (its events and entities refer to it) but is
    -- invisible and frees its code.
    deleted_at              INTEGER,
    CHECK (
        (kind = 'partner' AND partner_id IS NULL AND billing_model IS NULL AND billing_models IS NOT NULL)
        OR (kind = 'child' AND partner_id IS NOT NULL AND billing_model IS NOT NULL AND billing_models IS NULL)
    ),
    CHECK (
        (street IS NULL AND postal_code IS NULL AND city IS NULL AND country IS NULL)
        OR (street IS NOT NULL AND postal_code IS NOT NULL AND city IS NOT NULL AND country IS NOT NULL)
    )
);

-- A tenant code is unique within its scope among non-deleted tenants: the partner for
-- a child, and one constant scope ('') shared by all partners. The scope is an
-- expression rather than a column so that no write can get it wrong; being an
-- expression index, it also makes SQLite name it in the violation message
-- ("UNIQUE constraint failed: index 'tenants_code_unique'"), which the adapter maps
-- to `Uniqueness::TenantCode`.
CREATE UNIQUE INDEX tenants_code_unique
    ON tenants (COALESCE(partner_id, ''), code)
    WHERE deleted_at IS NULL;

-- A partner's children (list_tenants filters by partner, sorts by creation by default).
CREATE INDEX tenants_partner_idx ON tenants (partner_id, created_at);

CREATE TABLE api_keys (
    id                      TEXT    NOT NULL PRIMARY KEY,
    tenant_id               TEXT    NOT NULL REFERENCES tenants (id),
    environment             TEXT    NOT NULL CHECK (environment IN ('sandbox', 'production')),
    name                    TEXT    NOT NULL,
    description             TEXT,
    -- `revoked` carries its time; the other statuses have none.
    status                  TEXT    NOT NULL CHECK (status IN ('enabled', 'disabled', 'revoked')),
    revoked_at              INTEGER,
    -- The visible start of the token (e.g. `eig_live_a1B2c3`), never the token itself.
    prefix                  TEXT    NOT NULL,
    -- SHA-256 of the token: the lookup key of authentication.
    hash                    BLOB    NOT NULL UNIQUE CHECK (length(hash) = 32),
    -- The signing secret, AES-256-GCM-sealed with the master key (which never enters
    -- the database) and bound to the key id.
    sealed_signing_secret   BLOB    NOT NULL,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL,
    last_used_at            INTEGER,
    expires_at              INTEGER,
    CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);

-- A tenant's keys (list and latest, by creation).
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at);

CREATE TABLE legal_entities (
    id                      TEXT    NOT NULL PRIMARY KEY,
    tenant_id               TEXT    NOT NULL REFERENCES tenants (id),
    environment             TEXT    NOT NULL CHECK (environment IN ('sandbox', 'production')),
    company_name            TEXT    NOT NULL,
    country                 TEXT    NOT NULL,
    -- The primary participant identifier as declared (value case kept); its canonical
    -- forms, with the derived VAT id, live in legal_entity_participant_ids.
    identifier_scheme       TEXT    NOT NULL,
    identifier_value        TEXT    NOT NULL,
    external_id             TEXT,
    metadata                TEXT    NOT NULL DEFAULT '{}',
    -- The status is its name plus the data only some statuses carry, in their own
    -- columns, present exactly in the status that has them.
    status                  TEXT    NOT NULL CHECK (status IN (
                                'pending', 'verifying', 'verified', 'verification_failed',
                                'awaiting_authz', 'expired', 'attested', 'provisioning',
                                'active', 'provisioning_failed', 'archived')),
    verification_reason     TEXT    CHECK (verification_reason IN ('name_mismatch', 'not_found')),
    attestation_expires_at  INTEGER,
    -- Optimistic concurrency: updates are `WHERE id = ? AND version = ?`.
    version                 INTEGER NOT NULL CHECK (version >= 1),
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL,
    CHECK ((status = 'verification_failed') = (verification_reason IS NOT NULL)),
    CHECK ((status = 'awaiting_authz') = (attestation_expires_at IS NOT NULL))
);

-- list_legal_entities is always scoped by tenant and environment; one index per
-- filter, and creation order for the default sort and live_legal_entities.
CREATE INDEX legal_entities_tenant_idx ON legal_entities (tenant_id, environment, created_at);
CREATE INDEX legal_entities_status_idx ON legal_entities (tenant_id, environment, status);
CREATE INDEX legal_entities_country_idx ON legal_entities (tenant_id, environment, country);
CREATE INDEX legal_entities_external_id_idx ON legal_entities (tenant_id, environment, external_id);

-- The participant identifiers held by NON-archived entities: the primary one and the
-- VAT one derived from it (`LegalEntity::participant_ids()`), in canonical lower-case
-- `scheme:value` form. The rows of an entity are rewritten with it and removed when it
-- is archived, so the UNIQUE constraint below is exactly "one live entity per
-- participant id per environment", across all tenants. The adapter maps its violation
-- ("UNIQUE constraint failed: legal_entity_participant_ids.environment,
-- legal_entity_participant_ids.participant_id") to `Uniqueness::ParticipantId`.
CREATE TABLE legal_entity_participant_ids (
    legal_entity_id         TEXT    NOT NULL REFERENCES legal_entities (id) ON DELETE CASCADE,
    environment             TEXT    NOT NULL CHECK (environment IN ('sandbox', 'production')),
    participant_id          TEXT    NOT NULL,
    PRIMARY KEY (legal_entity_id, participant_id),
    UNIQUE (environment, participant_id)
);

-- The append-only event log (an outbox: events are written in the transaction of the
-- change they describe). AUTOINCREMENT guarantees a sequence number is never reused,
-- even after the newest rows were removed, so consumers can resume `after` it.
-- No foreign keys: the log records what happened and must never refuse or lose an
-- event because of the state of the tables it talks about.
CREATE TABLE events (
    sequence                INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    id                      TEXT    NOT NULL UNIQUE,
    event_type              TEXT    NOT NULL,
    occurred_at             INTEGER NOT NULL,
    partner_id              TEXT    NOT NULL,
    tenant_id               TEXT    NOT NULL,
    environment             TEXT    CHECK (environment IN ('sandbox', 'production')),
    subject_type            TEXT    NOT NULL CHECK (subject_type IN ('tenants', 'legal-entities', 'api-keys')),
    subject_id              TEXT    NOT NULL,
    -- The event's published payload, as JSON.
    data                    TEXT    NOT NULL
);

-- The feed: one partner's events after a sequence number.
CREATE INDEX events_partner_idx ON events (partner_id, sequence);
