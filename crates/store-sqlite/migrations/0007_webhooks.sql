-- Webhook endpoints: where a tenant's (or a partner's) events are delivered. Conventions
-- as in 0001_initial.sql.

CREATE TABLE webhook_endpoints (
    id              TEXT    NOT NULL PRIMARY KEY,
    tenant_id       TEXT    NOT NULL REFERENCES tenants (id),
    environment     TEXT    NOT NULL CHECK (environment IN ('sandbox', 'production')),
    url             TEXT    NOT NULL,
    -- The event type patterns, a JSON array of strings.
    events          TEXT    NOT NULL,
    scope           TEXT    NOT NULL CHECK (scope IN ('partner', 'tenant', 'legal-entity')),
    legal_entity_id TEXT,
    description     TEXT,
    enabled         INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    -- The whsec_ signing secret sealed with the master key (never in clear).
    sealed_secret   BLOB    NOT NULL,
    version         INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK ((scope = 'legal-entity') = (legal_entity_id IS NOT NULL))
);

CREATE INDEX webhook_endpoints_created_idx ON webhook_endpoints (tenant_id, environment, created_at, id);
CREATE INDEX webhook_endpoints_updated_idx ON webhook_endpoints (tenant_id, environment, updated_at, id);
