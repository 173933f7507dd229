-- Seeds the scale benchmark's tenants and legal entities (run by `benches/scale.rs seed`
-- on one connection, after the store's migrations). The documents are inserted by
-- `scale-seed-documents.sql`, in batches. Every row is what the adapter writes: the
-- same columns, statuses, reasons, versions, UUIDv7 ids and participant identifiers
-- that read back through `PgStore` (`benches/scale.rs check` verifies a sample).
--
-- Placeholders replaced by the bench: __TENANTS__ (child tenants, at least 4).
-- Tenant 1 is the "big" tenant, tenants 2 and 3 the "medium" ones (see the documents
-- script); all others are ordinary.

-- A UUIDv7 for instant `at` (48 bits of milliseconds, version 7, variant 10), with the
-- random bits taken from md5(salt): deterministic, unique per salt.
CREATE FUNCTION pg_temp.uuid7(at timestamptz, salt text) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$
    SELECT (lpad(to_hex(floor(extract(epoch FROM at) * 1000)::bigint), 12, '0')
            || '7' || substr(h, 1, 3) || '8' || substr(h, 4, 15))::uuid
    FROM md5(salt) AS h
$$;

-- A deterministic pseudo-random number in [0, n) for key `k` and stream `seed`.
CREATE FUNCTION pg_temp.pick(k bigint, seed bigint, n bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
    SELECT (hashint8extended(k, seed) & 9223372036854775807) % n
$$;

-- Ten partners, created 400 days before the documents start.
CREATE TEMP TABLE seed_partners AS
SELECT p, pg_temp.uuid7(created, 'partner' || p) AS id, created
FROM (SELECT p, timestamptz '2025-11-01 00:00:00+00' - interval '400 days'
                + p * interval '1 minute' AS created
      FROM generate_series(1, 10) AS p) AS partners;

INSERT INTO tenants (id, kind, partner_id, billing_model, billing_models, code, company_name,
                     default_language, active, production_enabled_at, metadata, created_at,
                     updated_at)
SELECT id, 'partner', NULL, NULL, 'SEATS,FLOW', 'PARTNER-' || lpad(p::text, 2, '0'),
       'Bench Partner ' || p, 'en', true, created, '{}', created, created
FROM seed_partners;

-- The child tenants, spread over the partners; `entities` is the number of production
-- legal entities (ten for the big tenant, four for the medium ones, two otherwise);
-- every tenant also has one sandbox entity.
CREATE TEMP TABLE seed_tenants AS
SELECT n,
       pg_temp.uuid7(timestamptz '2025-11-01 00:00:00+00' - interval '30 days'
                     + n * interval '100 milliseconds', 'tenant' || n) AS id,
       timestamptz '2025-11-01 00:00:00+00' - interval '30 days' + n * interval '100 milliseconds' AS created,
       (n % 10) + 1 AS partner,
       CASE WHEN n = 1 THEN 10 WHEN n <= 3 THEN 4 ELSE 2 END AS entities
FROM generate_series(1, __TENANTS__) AS n;
CREATE UNIQUE INDEX ON seed_tenants (n);

INSERT INTO tenants (id, kind, partner_id, billing_model, billing_models, code, company_name,
                     street, postal_code, city, country, contact_email, default_language,
                     active, production_enabled_at, metadata, created_at, updated_at)
SELECT t.id, 'child', p.id, CASE WHEN t.n % 3 = 0 THEN 'FLOW' ELSE 'SEATS' END, NULL,
       'T-' || lpad(t.n::text, 6, '0'), 'Bench Customer ' || t.n,
       t.n || ' rue de la Gare', 'L-1611', 'Luxembourg', 'LU',
       'billing-' || t.n || '@customer.example', 'en', true, t.created, '{}', t.created,
       t.created
FROM seed_tenants AS t JOIN seed_partners AS p ON p.p = t.partner;

CREATE TEMP TABLE seed_entities AS
SELECT t.n AS tenant, t.id AS tenant_id, e.environment, e.idx,
       pg_temp.uuid7(t.created + interval '1 hour', 'entity' || t.n || e.environment || e.idx) AS id,
       t.created + interval '1 hour' AS created,
       row_number() OVER (ORDER BY t.n, e.environment, e.idx) AS number
FROM seed_tenants AS t
CROSS JOIN LATERAL (
    SELECT 'production' AS environment, i AS idx FROM generate_series(0, t.entities - 1) AS i
    UNION ALL
    SELECT 'sandbox', 0
) AS e;
CREATE UNIQUE INDEX ON seed_entities (tenant, environment, idx);

-- Active entities identified by DUNS numbers (`0060`, nine digits, no check digit).
INSERT INTO legal_entities (id, tenant_id, environment, company_name, country,
                            identifier_scheme, identifier_value, metadata, status, version,
                            created_at, updated_at)
SELECT id, tenant_id, environment, 'Bench Entity ' || tenant || '-' || idx, 'LU', '0060',
       lpad(number::text, 9, '0'), '{}', 'active', 5, created, created + interval '1 day'
FROM seed_entities;

INSERT INTO legal_entity_participant_ids (legal_entity_id, environment, participant_id)
SELECT id, environment, '0060:' || lpad(number::text, 9, '0')
FROM seed_entities;
