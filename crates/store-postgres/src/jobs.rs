//! The durable job queue: enqueued inside the other ports' transactions (and by
//! `JobQueue::enqueue`), claimed under leases by workers of any number of processes.
//!
//! A claim is one `UPDATE ... FROM (SELECT ... FOR UPDATE SKIP LOCKED)`: each claimer
//! locks the rows it picks and skips rows another claimer has locked, and PostgreSQL
//! re-checks a locked row against the WHERE clause, so a job that another transaction
//! claimed a moment ago no longer qualifies. No two claims return the same job, and
//! claimers never wait for each other.

use async_trait::async_trait;
use einvoice_domain::ids::JobId;
use einvoice_domain::job::{
    ClaimRequest, ClaimedJob, DedupeKey, Job, JobCounts, JobEffect, JobFailure, JobKind, JobLease,
    JobListQuery, JobPayload, JobState, NewJob, ProbeCounter, WorkerId, stored_error,
};
use einvoice_domain::ports::{JobQueue, StoreError};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::convert::RowContext;
use crate::error::store_error;
use crate::{PgStore, finish};

const COLUMNS: &str = "id, kind, payload, state, attempts, max_attempts, run_at, dedupe_key, \
     worker, lease_expires_at, last_error, created_at, updated_at, finished_at";

/// One row of `jobs` (without the lease token, which leaves the store only in a
/// [`JobLease`]).
#[derive(Debug, sqlx::FromRow)]
struct JobRow {
    id: Uuid,
    kind: String,
    payload: serde_json::Value,
    state: String,
    attempts: i32,
    max_attempts: i32,
    run_at: OffsetDateTime,
    dedupe_key: Option<String>,
    worker: Option<String>,
    lease_expires_at: Option<OffsetDateTime>,
    last_error: Option<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    finished_at: Option<OffsetDateTime>,
}

/// One row a claim returns.
#[derive(Debug, sqlx::FromRow)]
struct ClaimedRow {
    id: Uuid,
    kind: String,
    payload: serde_json::Value,
    attempts: i32,
    max_attempts: i32,
    run_at: OffsetDateTime,
    previous_state: String,
}

fn payload(
    context: RowContext,
    kind: &str,
    json: &serde_json::Value,
) -> Result<JobPayload, StoreError> {
    JobPayload::from_stored(kind, json).map_err(|error| context.invalid("payload", error))
}

fn count(context: RowContext, column: &str, value: i32) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|error| context.invalid(column, error))
}

fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

impl TryFrom<JobRow> for Job {
    type Error = StoreError;

    fn try_from(row: JobRow) -> Result<Self, StoreError> {
        let context = RowContext::new("jobs", row.id);
        Ok(Self {
            id: JobId::from_uuid(row.id),
            payload: payload(context, &row.kind, &row.payload)?,
            state: context.parse("state", &row.state, |text| {
                JobState::parse(text).ok_or("unknown state")
            })?,
            attempts: count(context, "attempts", row.attempts)?,
            max_attempts: count(context, "max_attempts", row.max_attempts)?,
            run_at: row.run_at,
            dedupe_key: context.parse_opt(
                "dedupe_key",
                row.dedupe_key.as_deref(),
                DedupeKey::parse,
            )?,
            worker: row.worker.as_deref().map(WorkerId::new),
            lease_expires_at: row.lease_expires_at,
            last_error: row.last_error,
            created_at: row.created_at,
            updated_at: row.updated_at,
            finished_at: row.finished_at,
        })
    }
}

/// Enqueues `jobs` on `connection` (inside the caller's transaction, before its events:
/// appending events takes the events lock until commit); a job whose kind and dedupe
/// key are taken is skipped.
pub(crate) async fn enqueue_jobs(
    connection: &mut PgConnection,
    jobs: &[NewJob],
) -> Result<(), StoreError> {
    for job in jobs {
        sqlx::query(
            "INSERT INTO jobs (id, kind, payload, state, attempts, max_attempts, run_at, \
             dedupe_key, created_at, updated_at) \
             VALUES ($1, $2, $3, 'queued', 0, $4, $5, $6, $7, $7) ON CONFLICT DO NOTHING",
        )
        .bind(job.id.as_uuid())
        .bind(job.payload.kind().as_str())
        .bind(job.payload.payload_json())
        .bind(to_i32(job.max_attempts.max(1)))
        .bind(job.run_at)
        .bind(job.dedupe_key.as_ref().map(DedupeKey::as_str))
        .bind(job.created_at)
        .execute(&mut *connection)
        .await
        .map_err(store_error)?;
    }
    Ok(())
}

/// Runs one statement that must match the claim's row; none matched is a lost lease.
fn matched(rows: u64) -> Result<(), StoreError> {
    if rows == 0 {
        Err(StoreError::Conflict)
    } else {
        Ok(())
    }
}

#[async_trait]
impl JobQueue for PgStore {
    #[tracing::instrument(skip_all, fields(jobs = jobs.len()))]
    async fn enqueue(&self, jobs: &[NewJob]) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        let result = enqueue_jobs(&mut transaction, jobs).await;
        finish(transaction, result).await
    }

    #[tracing::instrument(skip_all, fields(worker = %request.worker, limit = request.limit))]
    async fn claim(&self, request: &ClaimRequest) -> Result<Vec<ClaimedJob>, StoreError> {
        if request.kinds.is_empty() || request.limit == 0 {
            return Ok(Vec::new());
        }
        let kinds: Vec<&str> = request
            .kinds
            .iter()
            .map(|kind| JobKind::as_str(*kind))
            .collect();
        let token = Uuid::new_v4();
        let expires_at = request.now + request.lease_for;
        let mut transaction = self.write().await?;
        let result = async {
            sqlx::query(
                "UPDATE jobs SET state = 'dead', \
                 last_error = 'the lease of worker ' || coalesce(worker, '?') || ' expired during the last attempt', \
                 lease_token = NULL, lease_expires_at = NULL, finished_at = $1, updated_at = $1 \
                 WHERE id IN (SELECT id FROM jobs WHERE state = 'running' \
                   AND lease_expires_at <= $1 AND attempts >= max_attempts \
                   FOR UPDATE SKIP LOCKED)",
            )
            .bind(request.now)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
            sqlx::query_as::<_, ClaimedRow>(
                "WITH picked AS ( \
                   SELECT id, state AS previous_state FROM jobs \
                   WHERE kind = ANY($1) \
                     AND ((state = 'queued' AND run_at <= $2) \
                       OR (state = 'running' AND lease_expires_at <= $2 AND attempts < max_attempts)) \
                   ORDER BY run_at, id LIMIT $3 \
                   FOR UPDATE SKIP LOCKED) \
                 UPDATE jobs SET state = 'running', attempts = jobs.attempts + 1, \
                   lease_token = $4, worker = $5, lease_expires_at = $6, updated_at = $2 \
                 FROM picked WHERE jobs.id = picked.id \
                 RETURNING jobs.id, jobs.kind, jobs.payload, jobs.attempts, jobs.max_attempts, \
                   jobs.run_at, picked.previous_state",
            )
            .bind(&kinds)
            .bind(request.now)
            .bind(i64::from(request.limit))
            .bind(token)
            .bind(request.worker.as_str())
            .bind(expires_at)
            .fetch_all(&mut *transaction)
            .await
            .map_err(store_error)
        }
        .await;
        let mut rows = finish(transaction, result).await?;
        rows.sort_by(|a, b| a.run_at.cmp(&b.run_at).then(a.id.cmp(&b.id)));
        rows.into_iter()
            .map(|row| {
                let context = RowContext::new("jobs", row.id);
                Ok(ClaimedJob {
                    payload: payload(context, &row.kind, &row.payload)?,
                    attempt: count(context, "attempts", row.attempts)?,
                    max_attempts: count(context, "max_attempts", row.max_attempts)?,
                    reclaimed: row.previous_state == "running",
                    lease: JobLease {
                        job_id: JobId::from_uuid(row.id),
                        token,
                        worker: request.worker.clone(),
                        expires_at,
                    },
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(job.id = %lease.job_id))]
    async fn heartbeat(
        &self,
        lease: &JobLease,
        until: OffsetDateTime,
    ) -> Result<JobLease, StoreError> {
        let updated = sqlx::query(
            "UPDATE jobs SET lease_expires_at = $1 \
             WHERE id = $2 AND lease_token = $3 AND state = 'running'",
        )
        .bind(until)
        .bind(lease.job_id.as_uuid())
        .bind(lease.token)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        matched(updated.rows_affected())?;
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
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        let result = async {
            let updated = sqlx::query(
                "UPDATE jobs SET state = 'done', lease_token = NULL, lease_expires_at = NULL, \
                 finished_at = $1, updated_at = $1 \
                 WHERE id = $2 AND lease_token = $3 AND state = 'running'",
            )
            .bind(now)
            .bind(lease.job_id.as_uuid())
            .bind(lease.token)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
            matched(updated.rows_affected())?;
            match effect {
                JobEffect::None => Ok(()),
                JobEffect::CountProbe(counter) => sqlx::query(
                    "INSERT INTO job_probe_counts (counter, completions) VALUES ($1, 1) \
                     ON CONFLICT (counter) DO UPDATE \
                     SET completions = job_probe_counts.completions + 1",
                )
                .bind(counter.as_str())
                .execute(&mut *transaction)
                .await
                .map(|_| ())
                .map_err(store_error),
            }
        }
        .await;
        finish(transaction, result).await
    }

    #[tracing::instrument(skip_all, fields(job.id = %lease.job_id))]
    async fn fail(
        &self,
        lease: &JobLease,
        failure: &JobFailure,
        now: OffsetDateTime,
    ) -> Result<JobState, StoreError> {
        let state: Option<String> = sqlx::query_scalar(
            "UPDATE jobs SET \
             state = CASE WHEN $1::timestamptz IS NOT NULL AND attempts < max_attempts \
               THEN 'queued' ELSE 'dead' END, \
             run_at = CASE WHEN $1::timestamptz IS NOT NULL AND attempts < max_attempts \
               THEN $1 ELSE run_at END, \
             finished_at = CASE WHEN $1::timestamptz IS NOT NULL AND attempts < max_attempts \
               THEN NULL ELSE $2 END, \
             last_error = $3, lease_token = NULL, lease_expires_at = NULL, updated_at = $2 \
             WHERE id = $4 AND lease_token = $5 AND state = 'running' RETURNING state",
        )
        .bind(failure.retry_at)
        .bind(now)
        .bind(stored_error(&failure.error))
        .bind(lease.job_id.as_uuid())
        .bind(lease.token)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        let state = state.ok_or(StoreError::Conflict)?;
        JobState::parse(&state)
            .ok_or_else(|| StoreError::Unexpected(format!("unknown job state `{state}`")))
    }

    #[tracing::instrument(skip_all, fields(job.id = %lease.job_id))]
    async fn release(&self, lease: &JobLease, now: OffsetDateTime) -> Result<(), StoreError> {
        let updated = sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = GREATEST(attempts - 1, 0), \
             run_at = $1, lease_token = NULL, lease_expires_at = NULL, updated_at = $1 \
             WHERE id = $2 AND lease_token = $3 AND state = 'running'",
        )
        .bind(now)
        .bind(lease.job_id.as_uuid())
        .bind(lease.token)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        matched(updated.rows_affected())
    }

    #[tracing::instrument(skip_all, fields(job.id = %id))]
    async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        let row: Option<JobRow> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM jobs WHERE id = $1"))
                .bind(id.as_uuid())
                .fetch_optional(&self.pool)
                .await
                .map_err(store_error)?;
        row.map(Job::try_from).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn list_jobs(&self, query: &JobListQuery) -> Result<Vec<Job>, StoreError> {
        let rows: Vec<JobRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM jobs WHERE ($1::text IS NULL OR state = $1) \
             ORDER BY created_at, id LIMIT $2"
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
    async fn retry_dead_job(&self, id: JobId, now: OffsetDateTime) -> Result<(), StoreError> {
        let updated = sqlx::query(
            "UPDATE jobs SET state = 'queued', max_attempts = GREATEST(max_attempts, attempts + 1), run_at = $1, finished_at = NULL, \
             updated_at = $1 WHERE id = $2 AND state = 'dead'",
        )
        .bind(now)
        .bind(id.as_uuid())
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn probe_count(&self, counter: &ProbeCounter) -> Result<u64, StoreError> {
        let count: Option<i64> =
            sqlx::query_scalar("SELECT completions FROM job_probe_counts WHERE counter = $1")
                .bind(counter.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(store_error)?;
        Ok(count.map_or(0, |count| u64::try_from(count).unwrap_or(0)))
    }
}
