-- Request security of the partner API: the signing-required flag of API keys, request
-- signatures already seen (replay protection shared by every gateway process),
-- idempotency keys with their stored responses, and the refresh tokens of the token
-- exchange. Timestamps are unix microseconds, as in 0001.

-- Signing is required by default, for keys created before this migration too; a key
-- can be created without it (`signingRequired: false`).
ALTER TABLE api_keys ADD COLUMN signing_required INTEGER NOT NULL DEFAULT 1
    CHECK (signing_required IN (0, 1));

-- One row per accepted signature (its MAC), kept until its timestamp window has passed.
CREATE TABLE seen_signatures (
    api_key_id  TEXT    NOT NULL,
    mac         BLOB    NOT NULL CHECK (length(mac) = 32),
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (api_key_id, mac)
) WITHOUT ROWID;

CREATE INDEX seen_signatures_expiry_idx ON seen_signatures (expires_at);

-- One row per idempotency key of a tenant and environment: in flight while `status` is
-- NULL (until `expires_at`, the lock), then the response kept for replay (until
-- `expires_at`, the retention).
CREATE TABLE idempotency_keys (
    tenant_id        TEXT    NOT NULL,
    environment      TEXT    NOT NULL CHECK (environment IN ('sandbox', 'production')),
    idempotency_key  TEXT    NOT NULL,
    request_hash     BLOB    NOT NULL CHECK (length(request_hash) = 32),
    status           INTEGER,
    headers          TEXT,
    body             BLOB,
    expires_at       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, environment, idempotency_key),
    CHECK ((status IS NULL) = (body IS NULL) AND (status IS NULL) = (headers IS NULL))
) WITHOUT ROWID;

CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at);

-- Refresh tokens by SHA-256; `used_at` set when used (once); a family is one chain of
-- rotations.
CREATE TABLE refresh_tokens (
    hash        BLOB    NOT NULL PRIMARY KEY CHECK (length(hash) = 32),
    family      TEXT    NOT NULL,
    api_key_id  TEXT    NOT NULL,
    tenant_id   TEXT    NOT NULL,
    issued_at   INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family);
CREATE INDEX refresh_tokens_expiry_idx ON refresh_tokens (expires_at);
