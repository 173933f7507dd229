-- The durable job queue (einvoice_domain::job, the JobQueue port) and the counters of
-- probe jobs; the same model as crates/store-sqlite/migrations/0002_jobs.sql.
-- Conventions as in 0001_initial.sql.
--
-- A job is `queued` (waiting for `run_at`), `running` (claimed: `lease_token`,
-- `worker` and `lease_expires_at` say by whom and until when), `done` or `dead`.
-- Workers claim with `SELECT ... FOR UPDATE SKIP LOCKED` inside an UPDATE: concurrent
-- claimers (connections, processes, hosts) skip each other's rows instead of waiting,
-- and a row is re-checked after it is locked, so no two claims take one job.
-- Heartbeats, completions, failures and releases match the claim's `lease_token`, so a
-- worker whose lease was taken over changes nothing.

CREATE TABLE jobs (
    id               uuid        NOT NULL PRIMARY KEY,
    kind             text        NOT NULL,
    payload          jsonb       NOT NULL,   -- the kind's payload type
    state            text        NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts         integer     NOT NULL CHECK (attempts >= 0),
    max_attempts     integer     NOT NULL CHECK (max_attempts >= 1),
    run_at           timestamptz NOT NULL,
    dedupe_key       text,
    lease_token      uuid,
    worker           text,
    lease_expires_at timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    finished_at      timestamptz,
    CHECK ((state = 'running') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL))
);

-- A second enqueue with the same kind and dedupe key is skipped (ON CONFLICT DO NOTHING).
CREATE UNIQUE INDEX jobs_dedupe_unique ON jobs (kind, dedupe_key) WHERE dedupe_key IS NOT NULL;
-- What claims scan: ready queued jobs, and running jobs whose lease expired.
CREATE INDEX jobs_queued ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE state = 'running';
-- Operators' lists (`jobs list --state dead`).
CREATE INDEX jobs_by_state ON jobs (state, created_at, id);

-- The effect of probe jobs, incremented in the transaction that completes each one.
CREATE TABLE job_probe_counts (
    counter     text   NOT NULL PRIMARY KEY,
    completions bigint NOT NULL CHECK (completions >= 0)
);
