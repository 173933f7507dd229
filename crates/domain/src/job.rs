//! Durable jobs: work that must happen after a state change commits (verify a legal
//! entity, send a document, deliver a webhook), kept in the database next to that state.
//!
//! - A job is enqueued **in the same transaction** as the state change that needs it
//!   (a transactional outbox): the store methods that take `events` also take `jobs`
//!   ([`NewJob`]), so a change never commits without its follow-up work, nor the work
//!   without the change.
//! - Workers **claim** ready jobs with a **lease** ([`JobLease`]): until the lease
//!   expires no other worker gets the job. A worker extends its lease with heartbeats;
//!   a crashed worker stops heartbeating and its jobs are claimed again after the lease
//!   expires.
//! - A failed attempt is retried after an exponential backoff with jitter
//!   ([`RetryPolicy`]); after the last attempt the job is **dead**: kept, listed for
//!   operators, and retried only when an operator says so.
//! - Completion is fenced by the lease: a worker whose lease was taken over cannot
//!   complete the job. A handler's effect is committed **with** the completion
//!   ([`JobEffect`]) or is a check-and-set on its target state, so a job that runs twice
//!   has its effect once (see `docs/DECISIONS.md`, "Durable jobs").
//!
//! Job kinds are one enum ([`JobPayload`]) whose payloads are serde types: the stored
//! JSON is the job's contract between the process that enqueues and the one that runs
//! it, possibly of another version. A new kind is a new variant with its payload type,
//! a [`JobKind`], a default [`RetryPolicy`] and a handler registered with the workers.

use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::ids::JobId;

/// The kinds of job. Stored as [`JobKind::as_str`]; workers claim only the kinds they
/// have handlers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobKind {
    /// `probe`: an operator's end-to-end check of the workers (see [`Probe`]).
    Probe,
}

impl JobKind {
    /// Every kind.
    pub const ALL: [Self; 1] = [Self::Probe];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Probe => "probe",
        }
    }

    /// The kind with this stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// How jobs of this kind are retried unless the enqueuer says otherwise.
    pub const fn retry_policy(self) -> RetryPolicy {
        match self {
            Self::Probe => RetryPolicy {
                max_attempts: 5,
                base: Duration::seconds(1),
                cap: Duration::minutes(5),
            },
        }
    }
}

impl fmt::Display for JobKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a job does, with its data. Serialised as `{"kind": ..., "payload": ...}`; stores
/// keep the kind and the payload in two columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum JobPayload {
    /// An operator's probe.
    Probe(Probe),
}

/// Why a stored payload could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("job payload of kind `{kind}` cannot be read: {message}")]
pub struct PayloadError {
    /// The stored kind.
    pub kind: String,
    /// What is wrong.
    pub message: String,
}

impl JobPayload {
    /// The kind.
    pub const fn kind(&self) -> JobKind {
        match self {
            Self::Probe(_) => JobKind::Probe,
        }
    }

    /// The payload alone, as stored next to the kind.
    pub fn payload_json(&self) -> serde_json::Value {
        match self {
            Self::Probe(probe) => serde_json::to_value(probe),
        }
        .unwrap_or(serde_json::Value::Null)
    }

    /// Reads a stored kind and payload back.
    pub fn from_stored(kind: &str, payload: &serde_json::Value) -> Result<Self, PayloadError> {
        let error = |message: String| PayloadError {
            kind: kind.to_owned(),
            message,
        };
        if JobKind::parse(kind).is_none() {
            return Err(error(
                "unknown kind (written by a newer version?)".to_owned(),
            ));
        }
        serde_json::from_value(serde_json::json!({ "kind": kind, "payload": payload }))
            .map_err(|cause| error(cause.to_string()))
    }
}

/// The name of a probe counter: 1 to 64 characters of `a-z`, `0-9`, `-`, `_`, `.`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProbeCounter(String);

/// Why a probe counter name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a probe counter is 1 to 64 characters of a-z, 0-9, '-', '_' and '.'")]
pub struct ProbeCounterError;

impl ProbeCounter {
    /// Checks the name.
    pub fn parse(text: &str) -> Result<Self, ProbeCounterError> {
        let valid = (1..=64).contains(&text.len())
            && text.bytes().all(|byte| {
                byte.is_ascii_lowercase() || byte.is_ascii_digit() || b"-_.".contains(&byte)
            });
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(ProbeCounterError)
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ProbeCounter {
    type Error = ProbeCounterError;

    fn try_from(text: String) -> Result<Self, ProbeCounterError> {
        Self::parse(&text)
    }
}

impl From<ProbeCounter> for String {
    fn from(counter: ProbeCounter) -> Self {
        counter.0
    }
}

impl fmt::Display for ProbeCounter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A probe: a real job with a counted effect. Its handler waits `work_ms`, fails its
/// first `fail_attempts` attempts, and then completes by adding one to the counter
/// named `counter` **in the completion's transaction** ([`JobEffect::CountProbe`]).
/// Operators enqueue probes (`einvoice-gateway jobs probe`) to check that workers run;
/// the crash and multi-process tests count exactly-once completion with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Probe {
    /// The counter its completion increments.
    pub counter: ProbeCounter,
    /// Milliseconds of simulated work per attempt.
    #[serde(default)]
    pub work_ms: u32,
    /// How many attempts fail before one succeeds.
    #[serde(default)]
    pub fail_attempts: u32,
}

/// The lifecycle of a job.
///
/// ```text
/// queued ──claim──▶ running ──complete──▶ done
///   ▲                 │ │ fail (attempts left: run_at = now + backoff)
///   └─────────────────┘ │ release (shutdown) / lease expired (claimed again)
///   ▲                   └─fail (last attempt, or permanent)──▶ dead
///   └──────────────── operator retry ──────────────────────────┘
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobState {
    /// Waiting for `run_at`.
    Queued,
    /// Claimed by a worker, under a lease.
    Running,
    /// Completed; its effect is committed.
    Done,
    /// Failed its last attempt (or failed permanently); waits for an operator.
    Dead,
}

impl JobState {
    /// Every state.
    pub const ALL: [Self; 4] = [Self::Queued, Self::Running, Self::Done, Self::Dead];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }

    /// The state with this stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A key that makes enqueueing idempotent: a second job of the same kind with the same
/// key is not enqueued (whatever the first one's state). 1 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DedupeKey(String);

/// Why a dedupe key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a dedupe key is 1 to 200 characters")]
pub struct DedupeKeyError;

impl DedupeKey {
    /// Checks the key.
    pub fn parse(text: &str) -> Result<Self, DedupeKeyError> {
        if (1..=200).contains(&text.chars().count()) {
            Ok(Self(text.to_owned()))
        } else {
            Err(DedupeKeyError)
        }
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// Its id.
    pub id: JobId,
    /// What to do.
    pub payload: JobPayload,
    /// Not before.
    pub run_at: OffsetDateTime,
    /// Attempts before it is dead (at least 1).
    pub max_attempts: u32,
    /// Makes the enqueue idempotent.
    pub dedupe_key: Option<DedupeKey>,
    /// When it was enqueued.
    pub created_at: OffsetDateTime,
}

impl NewJob {
    /// A job to run as soon as possible, with its kind's retry policy.
    pub fn new(payload: JobPayload, now: OffsetDateTime) -> Self {
        let max_attempts = payload.kind().retry_policy().max_attempts;
        Self {
            id: JobId::new(),
            payload,
            run_at: now,
            max_attempts,
            dedupe_key: None,
            created_at: now,
        }
    }

    /// With at most `max_attempts` attempts (at least 1).
    #[must_use]
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Not before `run_at`.
    #[must_use]
    pub fn with_run_at(mut self, run_at: OffsetDateTime) -> Self {
        self.run_at = run_at;
        self
    }

    /// Enqueued only if no job of its kind has `key`.
    #[must_use]
    pub fn with_dedupe_key(mut self, key: DedupeKey) -> Self {
        self.dedupe_key = Some(key);
        self
    }
}

/// Names a worker (process and slot) in leases and logs: up to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkerId(String);

impl WorkerId {
    /// A worker id; longer text is cut to 200 characters.
    pub fn new(text: &str) -> Self {
        Self(text.chars().take(200).collect())
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WorkerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Proof that a worker holds a job: the store accepts a heartbeat, completion, failure
/// or release only with the token of the job's current claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLease {
    /// The job.
    pub job_id: JobId,
    /// This claim's token (new at every claim).
    pub token: Uuid,
    /// The holder.
    pub worker: WorkerId,
    /// Until when no other worker may claim the job.
    pub expires_at: OffsetDateTime,
}

/// A job a worker claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    /// What to do.
    pub payload: JobPayload,
    /// This attempt's number, from 1.
    pub attempt: u32,
    /// The job's attempt limit.
    pub max_attempts: u32,
    /// Whether this claim took the job over from a worker whose lease had expired.
    pub reclaimed: bool,
    /// The lease.
    pub lease: JobLease,
}

impl ClaimedJob {
    /// The job's id.
    pub fn id(&self) -> JobId {
        self.lease.job_id
    }

    /// Whether this is the job's last attempt.
    pub fn is_last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }
}

/// What a worker asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRequest {
    /// Who claims.
    pub worker: WorkerId,
    /// Only these kinds (the worker's handlers).
    pub kinds: Vec<JobKind>,
    /// At most this many jobs.
    pub limit: u32,
    /// The current time.
    pub now: OffsetDateTime,
    /// The lease's length.
    pub lease_for: Duration,
}

/// A failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFailure {
    /// Why it failed, for operators (cut to 2,000 characters by the store).
    pub error: String,
    /// When to try again; `None` for a permanent failure (the job dies now). Ignored
    /// after the last attempt.
    pub retry_at: Option<OffsetDateTime>,
}

/// An effect committed in the transaction that completes a job, so that it happens
/// exactly when the completion does. Kinds whose effect is a change of a domain object
/// add a variant here (that change with its events and its follow-up jobs) or make the
/// change with a check-and-set on the object's state before completing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEffect {
    /// Nothing beyond the completion.
    None,
    /// Adds one to a probe counter.
    CountProbe(ProbeCounter),
}

/// A job as operators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Its id.
    pub id: JobId,
    /// What it does.
    pub payload: JobPayload,
    /// Where it is.
    pub state: JobState,
    /// Attempts started so far.
    pub attempts: u32,
    /// Its attempt limit.
    pub max_attempts: u32,
    /// Not before (for queued jobs).
    pub run_at: OffsetDateTime,
    /// The idempotency key of its enqueue.
    pub dedupe_key: Option<DedupeKey>,
    /// The worker that holds (or last held) it.
    pub worker: Option<WorkerId>,
    /// Until when the current lease runs (running jobs).
    pub lease_expires_at: Option<OffsetDateTime>,
    /// The last failure.
    pub last_error: Option<String>,
    /// Enqueued.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
    /// Done or dead since.
    pub finished_at: Option<OffsetDateTime>,
}

/// Which jobs to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobListQuery {
    /// Only jobs in this state.
    pub state: Option<JobState>,
    /// At most this many (the oldest first).
    pub limit: u32,
}

/// How many jobs are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    /// Queued.
    pub queued: u64,
    /// Running.
    pub running: u64,
    /// Done.
    pub done: u64,
    /// Dead.
    pub dead: u64,
}

/// The longest stored error text, in characters.
pub const MAX_ERROR_CHARS: usize = 2_000;

/// `error` cut to [`MAX_ERROR_CHARS`].
pub fn stored_error(error: &str) -> String {
    error.chars().take(MAX_ERROR_CHARS).collect()
}

/// How a kind of job is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts before the job is dead.
    pub max_attempts: u32,
    /// The first retry's nominal delay.
    pub base: Duration,
    /// The longest nominal delay.
    pub cap: Duration,
}

impl RetryPolicy {
    /// The delay before the retry that follows failed attempt number `attempt` (from
    /// 1): exponential with "equal jitter".
    ///
    /// The nominal delay is `min(cap, base * 2^(attempt-1))`; the actual delay is half
    /// of it plus `jitter` (in `[0, 1]`, clamped) times the other half. So retries
    /// spread out (no thundering herd after an outage) yet never come sooner than half
    /// the nominal delay.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let nominal = self
            .base
            .checked_mul(1_i32 << exponent)
            .unwrap_or(self.cap)
            .min(self.cap);
        let half = nominal / 2;
        half + half * jitter.clamp(0.0, 1.0)
    }
}

/// Why a handler's attempt failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct HandlerError {
    /// What went wrong, for operators.
    pub message: String,
    /// Whether retrying cannot help (the job dies at once).
    pub permanent: bool,
}

impl HandlerError {
    /// A failure worth retrying.
    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: false,
        }
    }

    /// A failure no retry can fix.
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: true,
        }
    }
}

/// Runs the jobs of one kind. The worker runtime claims, heartbeats, and completes or
/// fails the job with what `run` returns.
///
/// A handler MUST be idempotent: the same job may run again (after a crash, or when a
/// lease expired while it was still running). Either return its effect as a
/// [`JobEffect`], which the store commits with the completion (and discards when the
/// lease was lost), or make the change with a check-and-set on the target object (an
/// expected version, a status precondition) so that the second run finds it done.
#[async_trait]
pub trait JobHandler: Send + Sync {
    /// Runs one attempt.
    async fn run(&self, job: &ClaimedJob) -> Result<JobEffect, HandlerError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        max_attempts: 5,
        base: Duration::seconds(2),
        cap: Duration::seconds(60),
    };

    #[test]
    fn backoff_doubles_from_half_the_nominal_delay() {
        assert_eq!(POLICY.backoff(1, 0.0), Duration::seconds(1));
        assert_eq!(POLICY.backoff(1, 1.0), Duration::seconds(2));
        assert_eq!(POLICY.backoff(2, 0.0), Duration::seconds(2));
        assert_eq!(POLICY.backoff(3, 0.5), Duration::seconds(6));
        assert_eq!(POLICY.backoff(4, 1.0), Duration::seconds(16));
    }

    #[test]
    fn backoff_is_capped_and_never_overflows() {
        assert_eq!(POLICY.backoff(6, 1.0), Duration::seconds(60));
        assert_eq!(POLICY.backoff(u32::MAX, 0.0), Duration::seconds(30));
        assert_eq!(POLICY.backoff(7, 7.0), Duration::seconds(60));
        assert_eq!(POLICY.backoff(7, -1.0), Duration::seconds(30));
    }

    #[test]
    fn payload_round_trips_through_its_stored_form() {
        let payload = JobPayload::Probe(Probe {
            counter: ProbeCounter::parse("crash-test").unwrap(),
            work_ms: 20,
            fail_attempts: 1,
        });
        let json = payload.payload_json();
        assert_eq!(
            json,
            serde_json::json!({"counter": "crash-test", "workMs": 20, "failAttempts": 1})
        );
        assert_eq!(
            JobPayload::from_stored(payload.kind().as_str(), &json),
            Ok(payload)
        );
    }

    #[test]
    fn unknown_kinds_and_bad_payloads_are_refused() {
        let json = serde_json::json!({"counter": "x"});
        assert!(JobPayload::from_stored("launch_rocket", &json).is_err());
        assert!(
            JobPayload::from_stored("probe", &serde_json::json!({"counter": "UPPER"})).is_err()
        );
        assert!(JobPayload::from_stored("probe", &serde_json::json!({"count": 1})).is_err());
        assert!(JobPayload::from_stored("probe", &json).is_ok());
    }

    #[test]
    fn names_round_trip() {
        for kind in JobKind::ALL {
            assert_eq!(JobKind::parse(kind.as_str()), Some(kind));
        }
        for state in JobState::ALL {
            assert_eq!(JobState::parse(state.as_str()), Some(state));
        }
        assert_eq!(JobState::parse("Done"), None);
    }

    #[test]
    fn probe_counters_and_dedupe_keys_are_checked() {
        assert!(ProbeCounter::parse("a.b-c_9").is_ok());
        assert!(ProbeCounter::parse("").is_err());
        assert!(ProbeCounter::parse("Caps").is_err());
        assert!(ProbeCounter::parse(&"x".repeat(65)).is_err());
        assert!(DedupeKey::parse("le:1:v2").is_ok());
        assert!(DedupeKey::parse("").is_err());
        assert!(DedupeKey::parse(&"é".repeat(201)).is_err());
    }

    #[test]
    fn new_jobs_take_their_kinds_policy() {
        let payload = JobPayload::Probe(Probe {
            counter: ProbeCounter::parse("p").unwrap(),
            work_ms: 0,
            fail_attempts: 0,
        });
        let at = OffsetDateTime::UNIX_EPOCH;
        let job = NewJob::new(payload, at);
        assert_eq!(job.max_attempts, 5);
        assert_eq!(job.run_at, at);
        assert_eq!(job.with_max_attempts(0).max_attempts, 1);
    }
}
