//! The worker runtime against the in-memory reference store, in real (short) time:
//! completion with the counted effect, retries, dead letters, and both ways a shutdown
//! ends a running job.

use std::sync::Arc;
use std::time::Duration;

use einvoice_domain::clock::{Clock as _, SystemClock};
use einvoice_domain::ids::JobId;
use einvoice_domain::job::{JobKind, JobPayload, JobState, NewJob, Probe, ProbeCounter};
use einvoice_domain::ports::JobQueue;
use einvoice_domain::testing::InMemoryStore;
use einvoice_worker::{Handlers, ProbeHandler, WorkerSettings, Workers};

fn probe(counter: &str, work_ms: u32, fail_attempts: u32) -> NewJob {
    let payload = JobPayload::Probe(Probe {
        counter: ProbeCounter::parse(counter).unwrap(),
        work_ms,
        fail_attempts,
    });
    NewJob::new(payload, SystemClock.now())
}

fn settings(grace: Duration) -> WorkerSettings {
    WorkerSettings {
        name: "test".to_owned(),
        concurrency: 4,
        lease: Duration::from_secs(5),
        heartbeat_every: Duration::from_millis(100),
        poll_interval: Duration::from_millis(20),
        shutdown_grace: grace,
    }
}

fn start(store: &Arc<InMemoryStore>, settings: WorkerSettings) -> Workers {
    let handlers = Handlers::new().with(JobKind::Probe, Arc::new(ProbeHandler));
    Workers::start(store.clone(), Arc::new(SystemClock), handlers, settings)
}

async fn wait_for_state(store: &InMemoryStore, id: JobId, state: JobState) {
    for _ in 0..400 {
        if store.job(id).await.unwrap().unwrap().state == state {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("job {id} never reached {state}: {:?}", store.job(id).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_complete_every_job_once_with_its_effect() {
    let store = Arc::new(InMemoryStore::new());
    let jobs: Vec<NewJob> = (0..25).map(|_| probe("runtime", 5, 0)).collect();
    store.enqueue(&jobs).await.unwrap();
    let workers = start(&store, settings(Duration::from_secs(5)));
    for job in &jobs {
        wait_for_state(&store, job.id, JobState::Done).await;
    }
    workers.shutdown().await;
    let counter = ProbeCounter::parse("runtime").unwrap();
    assert_eq!(store.probe_count(&counter).await.unwrap(), 25);
    for job in &jobs {
        assert_eq!(store.job(job.id).await.unwrap().unwrap().attempts, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_attempt_is_retried_after_its_backoff() {
    let store = Arc::new(InMemoryStore::new());
    let job = probe("retried", 0, 1);
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    let started = SystemClock.now();
    let workers = start(&store, settings(Duration::from_secs(5)));
    wait_for_state(&store, job.id, JobState::Done).await;
    workers.shutdown().await;
    let done = store.job(job.id).await.unwrap().unwrap();
    assert_eq!(done.attempts, 2);
    assert_eq!(
        done.last_error.as_deref(),
        Some("probe fails attempt 1 of its first 1")
    );
    // The probe kind's first backoff is half to all of one second.
    let waited = done.finished_at.unwrap() - started;
    assert!(waited >= time::Duration::milliseconds(500), "{waited}");
    let counter = ProbeCounter::parse("retried").unwrap();
    assert_eq!(store.probe_count(&counter).await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_failed_attempt_dead_letters_the_job() {
    let store = Arc::new(InMemoryStore::new());
    let job = probe("doomed", 0, 100).with_max_attempts(2);
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    let workers = start(&store, settings(Duration::from_secs(5)));
    wait_for_state(&store, job.id, JobState::Dead).await;
    workers.shutdown().await;
    let dead = store.job(job.id).await.unwrap().unwrap();
    assert_eq!(dead.attempts, 2);
    assert_eq!(
        dead.last_error.as_deref(),
        Some("probe fails attempt 2 of its first 100")
    );
    let counter = ProbeCounter::parse("doomed").unwrap();
    assert_eq!(store.probe_count(&counter).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_a_running_job_finish_within_the_grace_period() {
    let store = Arc::new(InMemoryStore::new());
    let job = probe("finishes", 300, 0);
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    let workers = start(&store, settings(Duration::from_secs(10)));
    wait_for_state(&store, job.id, JobState::Running).await;
    workers.shutdown().await;
    assert_eq!(state(&store, job.id).await, JobState::Done);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_releases_a_job_that_outlives_the_grace_period() {
    let store = Arc::new(InMemoryStore::new());
    let job = probe("slow", 60_000, 0);
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    let workers = start(&store, settings(Duration::from_millis(100)));
    wait_for_state(&store, job.id, JobState::Running).await;
    workers.shutdown().await;
    let released = store.job(job.id).await.unwrap().unwrap();
    assert_eq!((released.state, released.attempts), (JobState::Queued, 0));
    let counter = ProbeCounter::parse("slow").unwrap();
    assert_eq!(store.probe_count(&counter).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_keep_a_long_job_from_being_reclaimed() {
    let store = Arc::new(InMemoryStore::new());
    // Work lasts three leases; without heartbeats a second worker would take it over.
    let job = probe("long", 900, 0);
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    let short_lease = WorkerSettings {
        lease: Duration::from_millis(300),
        heartbeat_every: Duration::from_millis(50),
        ..settings(Duration::from_secs(5))
    };
    let first = start(&store, short_lease.clone());
    wait_for_state(&store, job.id, JobState::Running).await;
    let second = start(&store, short_lease);
    wait_for_state(&store, job.id, JobState::Done).await;
    first.shutdown().await;
    second.shutdown().await;
    let done = store.job(job.id).await.unwrap().unwrap();
    assert_eq!(done.attempts, 1, "never reclaimed");
    let counter = ProbeCounter::parse("long").unwrap();
    assert_eq!(store.probe_count(&counter).await.unwrap(), 1);
}

async fn state(store: &InMemoryStore, id: JobId) -> JobState {
    store.job(id).await.unwrap().unwrap().state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_handle_stops_claiming() {
    let store = Arc::new(InMemoryStore::new());
    let workers = start(&store, settings(Duration::from_secs(5)));
    drop(workers);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let job = probe("after-drop", 0, 0);
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(state(&store, job.id).await, JobState::Queued);
}
