//! The worker runtime of the durable job queue ([`einvoice_domain::job`]): claims jobs
//! of the kinds it has handlers for, runs each under a lease that it extends with
//! heartbeats, and completes, retries (exponential backoff with jitter) or dead-letters
//! it with what the handler returns. Shutdown stops claiming, lets running jobs finish
//! for a grace period, and releases the jobs that did not finish, so another worker
//! takes them at once rather than after their leases expire.
//!
//! ```no_run
//! # async fn wire(store: std::sync::Arc<einvoice_domain::testing::InMemoryStore>) {
//! use std::sync::Arc;
//!
//! use einvoice_domain::clock::SystemClock;
//! use einvoice_domain::job::JobKind;
//! use einvoice_worker::{Handlers, ProbeHandler, WorkerSettings, Workers};
//!
//! let handlers = Handlers::new().with(JobKind::Probe, Arc::new(ProbeHandler));
//! let workers = Workers::start(store, Arc::new(SystemClock), handlers, WorkerSettings::default());
//! // ... on SIGTERM:
//! workers.shutdown().await;
//! # }
//! ```
//!
//! Every claim, retry, reclaim, lost lease, release and dead letter is logged with the
//! job's id, kind, attempt and the worker's id.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use einvoice_domain::clock::Clock;
use einvoice_domain::job::{
    ClaimRequest, ClaimedJob, HandlerError, JobEffect, JobFailure, JobHandler, JobKind, JobPayload,
    JobState, WorkerId,
};
use einvoice_domain::ports::{JobQueue, StoreError};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tracing::Instrument as _;

/// How workers run.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Names this process's workers in leases and logs (the process id is added).
    pub name: String,
    /// Jobs run at once by this process.
    pub concurrency: usize,
    /// How long a claim (and each heartbeat) holds a job.
    pub lease: Duration,
    /// How often a running job's lease is extended (well below `lease`).
    pub heartbeat_every: Duration,
    /// How long to wait before claiming again when no job was ready.
    pub poll_interval: Duration,
    /// How long running jobs may finish after shutdown begins; the rest are released.
    pub shutdown_grace: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            name: "worker".to_owned(),
            concurrency: 4,
            lease: Duration::from_secs(30),
            heartbeat_every: Duration::from_secs(10),
            poll_interval: Duration::from_millis(500),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// The handlers, one per job kind; workers claim only these kinds.
#[derive(Clone, Default)]
pub struct Handlers(BTreeMap<JobKind, Arc<dyn JobHandler>>);

impl std::fmt::Debug for Handlers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl Handlers {
    /// No handlers.
    pub fn new() -> Self {
        Self::default()
    }

    /// With `handler` running the jobs of `kind` (replacing an earlier one).
    #[must_use]
    pub fn with(mut self, kind: JobKind, handler: Arc<dyn JobHandler>) -> Self {
        self.0.insert(kind, handler);
        self
    }

    /// The kinds handled.
    pub fn kinds(&self) -> Vec<JobKind> {
        self.0.keys().copied().collect()
    }
}

/// Runs probe jobs ([`einvoice_domain::job::Probe`]): waits `work_ms`, fails the first
/// `fail_attempts` attempts, then completes with the counted effect.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProbeHandler;

#[async_trait]
impl JobHandler for ProbeHandler {
    async fn run(&self, job: &ClaimedJob) -> Result<JobEffect, HandlerError> {
        let JobPayload::Probe(probe) = &job.payload;
        tokio::time::sleep(Duration::from_millis(u64::from(probe.work_ms))).await;
        if job.attempt <= probe.fail_attempts {
            return Err(HandlerError::transient(format!(
                "probe fails attempt {} of its first {}",
                job.attempt, probe.fail_attempts
            )));
        }
        Ok(JobEffect::CountProbe(probe.counter.clone()))
    }
}

/// The workers of one process, running in the background.
#[derive(Debug)]
pub struct Workers {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    worker: WorkerId,
}

impl Workers {
    /// Starts claiming and running jobs on the current runtime.
    pub fn start(
        queue: Arc<dyn JobQueue>,
        clock: Arc<dyn Clock>,
        handlers: Handlers,
        settings: WorkerSettings,
    ) -> Self {
        let worker = WorkerId::new(&format!(
            "{}-{}-{}",
            settings.name,
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        ));
        let (stop, stopped) = watch::channel(false);
        let runtime = Runtime {
            queue,
            clock,
            handlers,
            settings,
            worker: worker.clone(),
        };
        let task = tokio::spawn(runtime.run(stopped));
        Self { stop, task, worker }
    }

    /// The id this process's workers claim with.
    pub fn worker_id(&self) -> &WorkerId {
        &self.worker
    }

    /// Stops claiming, waits up to the grace period for running jobs, releases the
    /// others, and returns when every job is completed, failed or released.
    pub async fn shutdown(self) {
        let _already_stopped = self.stop.send(true);
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the worker loop failed");
        }
    }
}

struct Runtime {
    queue: Arc<dyn JobQueue>,
    clock: Arc<dyn Clock>,
    handlers: Handlers,
    settings: WorkerSettings,
    worker: WorkerId,
}

/// One running job's surroundings.
#[derive(Clone)]
struct Attempt {
    queue: Arc<dyn JobQueue>,
    clock: Arc<dyn Clock>,
    handler: Arc<dyn JobHandler>,
    lease_for: time::Duration,
    heartbeat_every: Duration,
}

fn time_duration(duration: Duration) -> time::Duration {
    time::Duration::try_from(duration).unwrap_or(time::Duration::MAX)
}

impl Runtime {
    async fn run(self, mut stop: watch::Receiver<bool>) {
        let kinds = self.handlers.kinds();
        let concurrency = self.settings.concurrency.max(1);
        tracing::info!(worker = %self.worker, concurrency, kinds = ?kinds, "workers started");
        // Set when the grace period is over: running jobs are released.
        let (abort, aborted) = watch::channel(false);
        let mut running = JoinSet::new();
        // Stops on `true`, and when the `Workers` handle is dropped without a shutdown.
        let mut stopping = *stop.borrow();
        while !stopping {
            while running.try_join_next().is_some() {}
            let free = concurrency.saturating_sub(running.len());
            if free > 0 {
                let request = ClaimRequest {
                    worker: self.worker.clone(),
                    kinds: kinds.clone(),
                    limit: u32::try_from(free).unwrap_or(u32::MAX),
                    now: self.clock.now(),
                    lease_for: time_duration(self.settings.lease),
                };
                match self.queue.claim(&request).await {
                    Ok(jobs) => {
                        for job in jobs {
                            self.spawn(&mut running, job, aborted.clone());
                        }
                    }
                    Err(error) => tracing::warn!(%error, "claiming jobs failed; trying again"),
                }
            }
            // Claim again when a slot frees up, or after the poll interval.
            tokio::select! {
                changed = stop.changed() => stopping = changed.is_err() || *stop.borrow(),
                Some(_) = running.join_next(), if !running.is_empty() => {}
                () = tokio::time::sleep(self.settings.poll_interval) => {}
            }
        }
        if !running.is_empty() {
            tracing::info!(
                running = running.len(),
                grace_secs = self.settings.shutdown_grace.as_secs_f64(),
                "shutting down: letting running jobs finish"
            );
        }
        let drained = tokio::time::timeout(self.settings.shutdown_grace, async {
            while running.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                running = running.len(),
                "grace period over: releasing the unfinished jobs"
            );
            let _receivers_gone = abort.send(true);
            while running.join_next().await.is_some() {}
        }
        tracing::info!(worker = %self.worker, "workers stopped");
    }

    fn spawn(&self, running: &mut JoinSet<()>, job: ClaimedJob, aborted: watch::Receiver<bool>) {
        let Some(handler) = self.handlers.0.get(&job.payload.kind()) else {
            // Claims ask only for handled kinds; a store that ignored that is a bug.
            tracing::error!(job.id = %job.id(), kind = %job.payload.kind(), "claimed a job of an unhandled kind");
            return;
        };
        let attempt = Attempt {
            queue: self.queue.clone(),
            clock: self.clock.clone(),
            handler: handler.clone(),
            lease_for: time_duration(self.settings.lease),
            heartbeat_every: self.settings.heartbeat_every,
        };
        let span = tracing::info_span!(
            "job",
            job.id = %job.id(),
            job.kind = %job.payload.kind(),
            job.attempt = job.attempt,
            worker = %job.lease.worker,
        );
        running.spawn(attempt.run(job, aborted).instrument(span));
    }
}

impl Attempt {
    async fn run(self, job: ClaimedJob, mut aborted: watch::Receiver<bool>) {
        if job.reclaimed {
            tracing::warn!(
                max_attempts = job.max_attempts,
                "claimed a job whose previous holder's lease expired (crashed or stalled worker)"
            );
        } else {
            tracing::info!(max_attempts = job.max_attempts, "claimed job");
        }
        let mut lease = job.lease.clone();
        let work = self.handler.run(&job);
        tokio::pin!(work);
        let abort = async move {
            let sender_gone = aborted.wait_for(|aborted| *aborted).await.is_err();
            if sender_gone {
                std::future::pending::<()>().await;
            }
        };
        tokio::pin!(abort);
        let mut heartbeat = tokio::time::interval_at(
            tokio::time::Instant::now() + self.heartbeat_every,
            self.heartbeat_every,
        );
        let outcome = loop {
            tokio::select! {
                outcome = &mut work => break Some(outcome),
                _ = heartbeat.tick() => {
                    match self.queue.heartbeat(&lease, self.clock.now() + self.lease_for).await {
                        Ok(extended) => lease = extended,
                        Err(StoreError::Conflict) => {
                            tracing::warn!("lease lost (another worker holds the job now): abandoning this attempt");
                            return;
                        }
                        Err(error) => tracing::warn!(%error, "heartbeat failed; trying again at the next beat"),
                    }
                }
                () = &mut abort => break None,
            }
        };
        let now = self.clock.now();
        match outcome {
            None => match self.queue.release(&lease, now).await {
                Ok(()) => tracing::info!("released the unfinished job for another worker"),
                Err(error) => {
                    tracing::warn!(%error, "could not release the job; it is claimed again when its lease expires");
                }
            },
            Some(Ok(effect)) => match self.queue.complete(&lease, &effect, now).await {
                Ok(()) => tracing::info!("job completed"),
                Err(StoreError::Conflict) => tracing::warn!(
                    "lease lost before completion: the effect was not committed; the new holder runs the job"
                ),
                Err(error) => tracing::error!(
                    %error,
                    "completing the job failed; it is claimed again when its lease expires"
                ),
            },
            Some(Err(failure)) => self.fail(&job, &lease, &failure, now).await,
        }
    }

    async fn fail(
        &self,
        job: &ClaimedJob,
        lease: &einvoice_domain::job::JobLease,
        failure: &HandlerError,
        now: time::OffsetDateTime,
    ) {
        let retry_at = (!failure.permanent && !job.is_last_attempt()).then(|| {
            let policy = job.payload.kind().retry_policy();
            now + policy.backoff(job.attempt, rand::random::<f64>())
        });
        let recorded = JobFailure {
            error: failure.message.clone(),
            retry_at,
        };
        match self.queue.fail(lease, &recorded, now).await {
            Ok(JobState::Queued) => tracing::warn!(
                error = %failure.message,
                retry_at = ?retry_at,
                "attempt failed; retrying after backoff"
            ),
            Ok(_) => tracing::error!(
                error = %failure.message,
                attempts = job.attempt,
                permanent = failure.permanent,
                "job is dead (dead letter): `einvoice-gateway jobs list --dead` shows it, `jobs retry ID` queues it again"
            ),
            Err(StoreError::Conflict) => {
                tracing::warn!(
                    "lease lost before the failure was recorded; the new holder runs the job"
                );
            }
            Err(error) => tracing::error!(
                %error,
                "recording the failure failed; the job is claimed again when its lease expires"
            ),
        }
    }
}
