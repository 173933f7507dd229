-- The durable job queue (einvoice_domain::job, the JobQueue port) and the counters of
-- probe jobs. Conventions as in 0001_initial.sql.
--
-- A job is `queued` (waiting for `run_at`), `running` (claimed: `lease_token`,
-- `worker` and `lease_expires_at` say by whom and until when), `done` or `dead`.
-- Claims, heartbeats, completions, failures and releases run in `BEGIN IMMEDIATE`
-- transactions (or single statements), so one writer at a time changes the queue: no
-- two claims can take the same job, in one process or several on the same file.
-- Completion and failure match the claim's `lease_token`, so a worker whose lease was
-- taken over changes nothing.

CREATE TABLE jobs (
    id               TEXT    NOT NULL PRIMARY KEY,
    kind             TEXT    NOT NULL,
    payload          TEXT    NOT NULL,   -- JSON: the kind's payload type
    state            TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts         INTEGER NOT NULL CHECK (attempts >= 0),
    max_attempts     INTEGER NOT NULL CHECK (max_attempts >= 1),
    run_at           INTEGER NOT NULL,
    dedupe_key       TEXT,
    lease_token      TEXT,
    worker           TEXT,
    lease_expires_at INTEGER,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    finished_at      INTEGER,
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
    counter     TEXT    NOT NULL PRIMARY KEY,
    completions INTEGER NOT NULL CHECK (completions >= 0)
);
