//! The durable job queue: enqueued inside the other ports' transactions (and by
//! `JobQueue::enqueue`), claimed under leases by workers.
//!
//! SQLite has one writer at a time: a claim is a `BEGIN IMMEDIATE` transaction that
//! takes the write lock first, then reads the ready jobs and leases them. No other
//! connection (of this process or another one on the same file) can claim in between,
//! which is the single-process equivalent of PostgreSQL's `FOR UPDATE SKIP LOCKED`.

use async_trait::async_trait;
use einvoice_domain::ids::JobId;
use einvoice_domain::job::{
    ClaimRequest, ClaimedJob, DedupeKey, Job, JobCounts, JobEffect, JobFailure, JobKind, JobLease,
    JobListQuery, JobPayload, JobState, NewJob, ProbeCounter, WorkerId, stored_error,
};
use einvoice_domain::ports::{JobQueue, StoreError};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::convert::{RowContext, micros, micros_opt};
use crate::error::store_error;
use crate::{SqliteStore, commit};

const COLUMNS: &str = "id, kind, payload, state, attempts, max_attempts, run_at, dedupe_key, \
     worker, lease_expires_at, last_error, created_at, updated_at, finished_at";

/// One row of `jobs` (without the lease token, which never leaves the store but in a
/// [`JobLease`]).
#[derive(Debug, sqlx::FromRow)]
struct JobRow {
    id: String,
    kind: String,
    payload: String,
    state: String,
    attempts: i64,
    max_attempts: i64,
    run_at: i64,
    dedupe_key: Option<String>,
    worker: Option<String>,
    lease_expires_at: Option<i64>,
    last_error: Option<String>,
    created_at: i64,
    updated_at: i64,
    finished_at: Option<i64>,
}

fn payload(context: RowContext<'_>, kind: &str, json: &str) -> Result<JobPayload, StoreError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|error| context.invalid("payload", error))?;
    JobPayload::from_stored(kind, &value).map_err(|error| context.invalid("payload", error))
}

fn count(context: RowContext<'_>, column: &str, value: i64) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|error| context.invalid(column, error))
}

impl TryFrom<JobRow> for Job {
    type Error = StoreError;

    fn try_from(row: JobRow) -> Result<Self, StoreError> {
        let context = RowContext::new("jobs", &row.id);
        Ok(Self {
            id: context.parse("id", &row.id, JobId::parse)?,
            payload: payload(context, &row.kind, &row.payload)?,
            state: context.parse("state", &row.state, |text| {
                JobState::parse(text).ok_or("unknown state")
            })?,
            attempts: count(context, "attempts", row.attempts)?,
            max_attempts: count(context, "max_attempts", row.max_attempts)?,
            run_at: context.timestamp("run_at", row.run_at)?,
            dedupe_key: context.parse_opt(
                "dedupe_key",
                row.dedupe_key.as_deref(),
                DedupeKey::parse,
            )?,
            worker: row.worker.as_deref().map(WorkerId::new),
            lease_expires_at: context.timestamp_opt("lease_expires_at", row.lease_expires_at)?,
            last_error: row.last_error,
            created_at: context.timestamp("created_at", row.created_at)?,
            updated_at: context.timestamp("updated_at", row.updated_at)?,
            finished_at: context.timestamp_opt("finished_at", row.finished_at)?,
        })
    }
}

/// Enqueues `jobs` on `connection` (inside the caller's transaction); a job whose kind
/// and dedupe key are taken is skipped.
pub(crate) async fn enqueue_jobs(
    connection: &mut SqliteConnection,
    jobs: &[NewJob],
) -> Result<(), StoreError> {
    for job in jobs {
        let payload = serde_json::to_string(&job.payload.payload_json()).map_err(|error| {
            StoreError::Unexpected(format!("job payload cannot be serialised: {error}"))
        })?;
        sqlx::query(
            "INSERT INTO jobs (id, kind, payload, state, attempts, max_attempts, run_at, \
             dedupe_key, created_at, updated_at) VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(job.id.to_string())
        .bind(job.payload.kind().as_str())
        .bind(payload)
        .bind(i64::from(job.max_attempts.max(1)))
        .bind(micros(job.run_at)?)
        .bind(job.dedupe_key.as_ref().map(DedupeKey::as_str))
        .bind(micros(job.created_at)?)
        .bind(micros(job.created_at)?)
        .execute(&mut *connection)
        .await
        .map_err(store_error)?;
    }
    Ok(())
}

fn kinds_json(kinds: &[JobKind]) -> String {
    let names: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
    serde_json::Value::from(names).to_string()
}

#[async_trait]
impl JobQueue for SqliteStore {
    #[tracing::instrument(skip_all, fields(jobs = jobs.len()))]
    async fn enqueue(&self, jobs: &[NewJob]) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        enqueue_jobs(&mut transaction, jobs).await?;
        commit(transaction).await
    }

    #[tracing::instrument(skip_all, fields(worker = %request.worker, limit = request.limit))]
    async fn claim(&self, request: &ClaimRequest) -> Result<Vec<ClaimedJob>, StoreError> {
        if request.kinds.is_empty() || request.limit == 0 {
            return Ok(Vec::new());
        }
        let now = micros(request.now)?;
        let expires_at = request.now + request.lease_for;
        let mut transaction = self.write().await?;
        sqlx::query(
            "UPDATE jobs SET state = 'dead', \
             last_error = 'the lease of worker ' || coalesce(worker, '?') || ' expired during the last attempt', \
             lease_token = NULL, lease_expires_at = NULL, finished_at = ?1, updated_at = ?1 \
             WHERE state = 'running' AND lease_expires_at <= ?1 AND attempts >= max_attempts",
        )
        .bind(now)
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?;
        let ready: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, state FROM jobs \
             WHERE kind IN (SELECT value FROM json_each(?1)) \
             AND ((state = 'queued' AND run_at <= ?2) \
               OR (state = 'running' AND lease_expires_at <= ?2)) \
             ORDER BY run_at, id LIMIT ?3",
        )
        .bind(kinds_json(&request.kinds))
        .bind(now)
        .bind(i64::from(request.limit))
        .fetch_all(&mut *transaction)
        .await
        .map_err(store_error)?;
        let token = Uuid::new_v4();
        let mut claimed = Vec::with_capacity(ready.len());
        for (id, previous_state) in ready {
            let (kind, json, attempts, max_attempts): (String, String, i64, i64) = sqlx::query_as(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_token = ?, \
                 worker = ?, lease_expires_at = ?, updated_at = ? WHERE id = ? \
                 RETURNING kind, payload, attempts, max_attempts",
            )
            .bind(token.to_string())
            .bind(request.worker.as_str())
            .bind(micros(expires_at)?)
            .bind(now)
            .bind(&id)
            .fetch_one(&mut *transaction)
            .await
            .map_err(store_error)?;
            let context = RowContext::new("jobs", &id);
            claimed.push(ClaimedJob {
                payload: payload(context, &kind, &json)?,
                attempt: count(context, "attempts", attempts)?,
                max_attempts: count(context, "max_attempts", max_attempts)?,
                reclaimed: previous_state == "running",
                lease: JobLease {
                    job_id: context.parse("id", &id, JobId::parse)?,
                    token,
                    worker: request.worker.clone(),
                    expires_at,
                },
            });
        }
        commit(transaction).await?;
        Ok(claimed)
    }

    #[tracing::instrument(skip_all, fields(job.id = %lease.job_id))]
    async fn heartbeat(
        &self,
        lease: &JobLease,
        until: time::OffsetDateTime,
    ) -> Result<JobLease, StoreError> {
        let mut transaction = self.write().await?;
        let updated = sqlx::query(
            "UPDATE jobs SET lease_expires_at = ? \
             WHERE id = ? AND lease_token = ? AND state = 'running'",
        )
        .bind(micros(until)?)
        .bind(lease.job_id.to_string())
        .bind(lease.token.to_string())
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        commit(transaction).await?;
        Ok(JobLease {
            expires_at: until,
            ..lease.clone()
        })
    }

    #[tracing::instrument(skip_all, fields(job.id = %lease.job_id))]
    async fn complete(
        &self,
        lease: &JobLease,
        effect: &JobEffect,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        let now = micros(now)?;
        let updated = sqlx::query(
            "UPDATE jobs SET state = 'done', lease_token = NULL, lease_expires_at = NULL, \
             finished_at = ?1, updated_at = ?1 \
             WHERE id = ?2 AND lease_token = ?3 AND state = 'running'",
        )
        .bind(now)
        .bind(lease.job_id.to_string())
        .bind(lease.token.to_string())
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        match effect {
            JobEffect::None => {}
            JobEffect::CountProbe(counter) => {
                sqlx::query(
                    "INSERT INTO job_probe_counts (counter, completions) VALUES (?, 1) \
                     ON CONFLICT (counter) DO UPDATE SET completions = completions + 1",
                )
                .bind(counter.as_str())
                .execute(&mut *transaction)
                .await
                .map_err(store_error)?;
            }
        }
        commit(transaction).await
    }

    #[tracing::instrument(skip_all, fields(job.id = %lease.job_id))]
    async fn fail(
        &self,
        lease: &JobLease,
        failure: &JobFailure,
        now: time::OffsetDateTime,
    ) -> Result<JobState, StoreError> {
        let mut transaction = self.write().await?;
        let state: Option<String> = sqlx::query_scalar(
            "UPDATE jobs SET \
             state = CASE WHEN ?1 IS NOT NULL AND attempts < max_attempts THEN 'queued' ELSE 'dead' END, \
             run_at = CASE WHEN ?1 IS NOT NULL AND attempts < max_attempts THEN ?1 ELSE run_at END, \
             finished_at = CASE WHEN ?1 IS NOT NULL AND attempts < max_attempts THEN NULL ELSE ?2 END, \
             last_error = ?3, lease_token = NULL, lease_expires_at = NULL, updated_at = ?2 \
             WHERE id = ?4 AND lease_token = ?5 AND state = 'running' RETURNING state",
        )
        .bind(micros_opt(failure.retry_at)?)
        .bind(micros(now)?)
        .bind(stored_error(&failure.error))
        .bind(lease.job_id.to_string())
        .bind(lease.token.to_string())
        .fetch_optional(&mut *transaction)
        .await
        .map_err(store_error)?;
        let state = state.ok_or(StoreError::Conflict)?;
        commit(transaction).await?;
        JobState::parse(&state)
            .ok_or_else(|| StoreError::Unexpected(format!("unknown job state `{state}`")))
    }

    #[tracing::instrument(skip_all, fields(job.id = %lease.job_id))]
    async fn release(&self, lease: &JobLease, now: time::OffsetDateTime) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        let updated = sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = max(attempts - 1, 0), run_at = ?1, \
             lease_token = NULL, lease_expires_at = NULL, updated_at = ?1 \
             WHERE id = ?2 AND lease_token = ?3 AND state = 'running'",
        )
        .bind(micros(now)?)
        .bind(lease.job_id.to_string())
        .bind(lease.token.to_string())
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        commit(transaction).await
    }

    #[tracing::instrument(skip_all, fields(job.id = %id))]
    async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        let row: Option<JobRow> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM jobs WHERE id = ?"))
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(store_error)?;
        row.map(Job::try_from).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn list_jobs(&self, query: &JobListQuery) -> Result<Vec<Job>, StoreError> {
        let rows: Vec<JobRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM jobs WHERE (?1 IS NULL OR state = ?1) \
             ORDER BY created_at, id LIMIT ?2"
        ))
        .bind(query.state.map(JobState::as_str))
        .bind(i64::from(query.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(Job::try_from).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn job_counts(&self) -> Result<JobCounts, StoreError> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, COUNT(*) FROM jobs GROUP BY state")
                .fetch_all(&self.pool)
                .await
                .map_err(store_error)?;
        let mut counts = JobCounts::default();
        for (state, count) in rows {
            let count = u64::try_from(count).unwrap_or(0);
            match JobState::parse(&state) {
                Some(JobState::Queued) => counts.queued = count,
                Some(JobState::Running) => counts.running = count,
                Some(JobState::Done) => counts.done = count,
                Some(JobState::Dead) => counts.dead = count,
                None => {
                    return Err(StoreError::Unexpected(format!(
                        "unknown job state `{state}`"
                    )));
                }
            }
        }
        Ok(counts)
    }

    #[tracing::instrument(skip_all, fields(job.id = %id))]
    async fn retry_dead_job(&self, id: JobId, now: time::OffsetDateTime) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        let updated = sqlx::query(
            "UPDATE jobs SET state = 'queued', max_attempts = max(max_attempts, attempts + 1), run_at = ?1, finished_at = NULL, \
             updated_at = ?1 WHERE id = ?2 AND state = 'dead'",
        )
        .bind(micros(now)?)
        .bind(id.to_string())
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        commit(transaction).await
    }

    #[tracing::instrument(skip_all)]
    async fn probe_count(&self, counter: &ProbeCounter) -> Result<u64, StoreError> {
        let count: Option<i64> =
            sqlx::query_scalar("SELECT completions FROM job_probe_counts WHERE counter = ?")
                .bind(counter.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(store_error)?;
        Ok(count.map_or(0, |count| u64::try_from(count).unwrap_or(0)))
    }
}
