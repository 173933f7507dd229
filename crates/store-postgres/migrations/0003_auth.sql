-- Request security of the partner API: the signing-required flag of API keys, request
-- signatures already seen (replay protection shared by every gateway process),
-- idempotency keys with their stored responses, and the refresh tokens of the token
-- exchange.

-- Signing is required by default, for keys created before this migration too; a key
-- can be created without it (`signingRequired: false`).
ALTER TABLE api_keys ADD COLUMN signing_required boolean NOT NULL DEFAULT true;

-- One row per accepted signature (its MAC), kept until its timestamp window has passed.
CREATE TABLE seen_signatures (
    api_key_id  uuid        NOT NULL,
    mac         bytea       NOT NULL CHECK (octet_length(mac) = 32),
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (api_key_id, mac)
);

CREATE INDEX seen_signatures_expiry_idx ON seen_signatures (expires_at);

-- One row per idempotency key of a tenant and environment: in flight while `status` is
-- NULL (until `expires_at`, the lock), then the response kept for replay (until
-- `expires_at`, the retention).
CREATE TABLE idempotency_keys (
    tenant_id        uuid        NOT NULL,
    environment      text        NOT NULL CHECK (environment IN ('sandbox', 'production')),
    idempotency_key  text        COLLATE "C" NOT NULL,
    request_hash     bytea       NOT NULL CHECK (octet_length(request_hash) = 32),
    status           integer,
    headers          jsonb,
    body             bytea,
    expires_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, environment, idempotency_key),
    CHECK ((status IS NULL) = (body IS NULL) AND (status IS NULL) = (headers IS NULL))
);

CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at);

-- Refresh tokens by SHA-256; `used_at` set when used (once); a family is one chain of
-- rotations.
CREATE TABLE refresh_tokens (
    hash        bytea       NOT NULL PRIMARY KEY CHECK (octet_length(hash) = 32),
    family      uuid        NOT NULL,
    api_key_id  uuid        NOT NULL,
    tenant_id   uuid        NOT NULL,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);

CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family);
CREATE INDEX refresh_tokens_expiry_idx ON refresh_tokens (expires_at);
