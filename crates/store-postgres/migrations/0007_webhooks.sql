-- Webhook endpoints: where a tenant's (or a partner's) events are delivered. Conventions
-- as in 0001_initial.sql.

CREATE TABLE webhook_endpoints (
    id              uuid        NOT NULL PRIMARY KEY,
    tenant_id       uuid        NOT NULL REFERENCES tenants (id),
    environment     text        NOT NULL CHECK (environment IN ('sandbox', 'production')),
    url             text        NOT NULL,
    -- The event type patterns, a JSON array of strings.
    events          jsonb       NOT NULL CHECK (jsonb_typeof(events) = 'array'),
    scope           text        NOT NULL CHECK (scope IN ('partner', 'tenant', 'legal-entity')),
    legal_entity_id uuid,
    description     text,
    enabled         boolean     NOT NULL,
    -- The whsec_ signing secret sealed with the master key (never in clear).
    sealed_secret   bytea       NOT NULL,
    version         bigint      NOT NULL CHECK (version >= 1),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CHECK ((scope = 'legal-entity') = (legal_entity_id IS NOT NULL))
);

CREATE INDEX webhook_endpoints_created_idx ON webhook_endpoints (tenant_id, environment, created_at, id);
CREATE INDEX webhook_endpoints_updated_idx ON webhook_endpoints (tenant_id, environment, updated_at, id);
