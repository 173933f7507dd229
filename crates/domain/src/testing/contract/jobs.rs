//! The job queue part of the store contract ([`crate::ports::JobQueue`] and the `jobs`
//! parameters of the state-changing methods). Time is a [`ManualClock`], so leases and
//! backoff are checked exactly, without sleeping.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use time::Duration;

use crate::clock::Clock;
use crate::environment::Environment;
use crate::ids::JobId;
use crate::job::{
    ClaimRequest, ClaimedJob, DedupeKey, JobEffect, JobFailure, JobKind, JobListQuery, JobPayload,
    JobState, NewJob, Probe, ProbeCounter, RetryPolicy, WorkerId,
};
use crate::legal_entity::Trigger;
use crate::ports::{Store, StoreError, TenantInsert, Uniqueness};
use crate::testing::ManualClock;

use super::super::fixtures::{self, T0};

const LEASE: Duration = Duration::seconds(30);

fn counter(name: &str) -> ProbeCounter {
    ProbeCounter::parse(name).expect("valid counter")
}

fn probe(name: &str) -> JobPayload {
    JobPayload::Probe(Probe {
        counter: counter(name),
        work_ms: 0,
        fail_attempts: 0,
    })
}

fn request(worker: &str, limit: u32, clock: &ManualClock) -> ClaimRequest {
    ClaimRequest {
        worker: WorkerId::new(worker),
        kinds: vec![JobKind::Probe],
        limit,
        now: clock.now(),
        lease_for: LEASE,
    }
}

async fn claim_one<S: Store>(store: &S, worker: &str, clock: &ManualClock) -> Option<ClaimedJob> {
    let mut claimed = store
        .claim(&request(worker, 1, clock))
        .await
        .expect("claim");
    assert!(claimed.len() <= 1, "claimed more than the limit");
    claimed.pop()
}

async fn state_of<S: Store>(store: &S, id: JobId) -> JobState {
    store.job(id).await.expect("job").expect("job exists").state
}

fn all(state: Option<JobState>) -> JobListQuery {
    JobListQuery { state, limit: 1000 }
}

/// Polls every future concurrently on the caller's task (the domain has no runtime to
/// spawn on); each future's awaits interleave with the others'.
async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|context| {
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none()
                && let Poll::Ready(value) = future.as_mut().poll(context)
            {
                *output = Some(value);
            }
        }
        if outputs.iter().all(Option::is_some) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

/// An enqueued job is claimed once, with its payload, attempt 1 and a lease; while the
/// lease runs no other claim gets it.
pub async fn enqueued_job_is_claimed_once_under_a_lease<S: Store>(store: &S) {
    let clock = ManualClock::new(T0);
    let job = NewJob::new(probe("a"), clock.now());
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    let stored = store.job(job.id).await.unwrap().expect("stored");
    assert_eq!(
        (stored.state, stored.attempts, stored.max_attempts),
        (JobState::Queued, 0, 5)
    );
    assert_eq!(
        (stored.payload, stored.created_at),
        (job.payload.clone(), T0)
    );

    let claimed = claim_one(store, "w1", &clock).await.expect("a job");
    assert_eq!(claimed.id(), job.id);
    assert_eq!(claimed.payload, job.payload);
    assert_eq!((claimed.attempt, claimed.reclaimed), (1, false));
    assert_eq!(claimed.lease.expires_at, T0 + LEASE);
    assert_eq!(claimed.lease.worker, WorkerId::new("w1"));

    clock.advance(LEASE - Duration::microseconds(1));
    assert_eq!(claim_one(store, "w2", &clock).await, None);
    let running = store.job(job.id).await.unwrap().expect("stored");
    assert_eq!(running.state, JobState::Running);
    assert_eq!(running.worker, Some(WorkerId::new("w1")));
    assert_eq!(running.lease_expires_at, Some(T0 + LEASE));
    assert_eq!(running.attempts, 1);
}

/// Claims take ready jobs of the requested kinds only, oldest `run_at` first, up to
/// the limit.
pub async fn claim_takes_ready_jobs_in_order_up_to_the_limit<S: Store>(store: &S) {
    let clock = ManualClock::new(T0);
    let later = NewJob::new(probe("later"), T0).with_run_at(T0 + Duration::seconds(10));
    let second = NewJob::new(probe("second"), T0).with_run_at(T0 - Duration::seconds(1));
    let first = NewJob::new(probe("first"), T0).with_run_at(T0 - Duration::seconds(2));
    let third = NewJob::new(probe("third"), T0);
    store
        .enqueue(&[later.clone(), third.clone(), second.clone(), first.clone()])
        .await
        .unwrap();

    let none = ClaimRequest {
        kinds: Vec::new(),
        ..request("w", 10, &clock)
    };
    assert_eq!(store.claim(&none).await.unwrap(), Vec::new());

    let ids: Vec<JobId> = store
        .claim(&request("w", 2, &clock))
        .await
        .unwrap()
        .iter()
        .map(ClaimedJob::id)
        .collect();
    assert_eq!(ids, [first.id, second.id]);
    let ids: Vec<JobId> = store
        .claim(&request("w", 10, &clock))
        .await
        .unwrap()
        .iter()
        .map(ClaimedJob::id)
        .collect();
    assert_eq!(ids, [third.id], "the later job is not ready yet");
    clock.advance(Duration::seconds(10));
    let ids: Vec<JobId> = store
        .claim(&request("w", 10, &clock))
        .await
        .unwrap()
        .iter()
        .map(ClaimedJob::id)
        .collect();
    assert_eq!(ids, [later.id]);
}

/// Jobs given to a state change commit with it, and not at all when it fails.
pub async fn jobs_commit_with_their_state_change<S: Store>(store: &S) {
    let partner = fixtures::partner("Partner One");
    let partner_job = NewJob::new(probe("tenant"), T0);
    let insert = TenantInsert {
        tenant: partner.clone(),
        legal_entity: None,
        api_key: None,
        events: vec![fixtures::created_event(&partner)],
        jobs: vec![partner_job.clone()],
    };
    store.insert_tenant(&insert).await.unwrap();

    let entity = fixtures::legal_entity(&partner, Environment::Sandbox, 1, "One SA");
    let entity_job = NewJob::new(probe("entity"), T0);
    store
        .insert_legal_entity(&entity, &[], std::slice::from_ref(&entity_job))
        .await
        .unwrap();

    let twin = fixtures::legal_entity(&partner, Environment::Sandbox, 1, "Twin SA");
    let lost_job = NewJob::new(probe("lost"), T0);
    assert_eq!(
        store
            .insert_legal_entity(&twin, &[], std::slice::from_ref(&lost_job))
            .await,
        Err(StoreError::Duplicate(Uniqueness::ParticipantId))
    );

    let mut changed = entity.clone();
    changed.apply(Trigger::StartVerification, T0).unwrap();
    let update_job = NewJob::new(probe("update"), T0);
    store
        .update_legal_entity(
            &changed,
            entity.version(),
            &[],
            std::slice::from_ref(&update_job),
        )
        .await
        .unwrap();
    let stale_job = NewJob::new(probe("stale"), T0);
    assert_eq!(
        store
            .update_legal_entity(
                &changed,
                entity.version(),
                &[],
                std::slice::from_ref(&stale_job)
            )
            .await,
        Err(StoreError::Conflict)
    );

    let tenant_job = NewJob::new(probe("tenant-update"), T0);
    store
        .update_tenant(&partner, &[], &[], std::slice::from_ref(&tenant_job))
        .await
        .unwrap();
    let missing = fixtures::partner("Nobody");
    let missing_job = NewJob::new(probe("missing"), T0);
    assert_eq!(
        store
            .update_tenant(&missing, &[], &[], std::slice::from_ref(&missing_job))
            .await,
        Err(StoreError::NotFound)
    );

    let mut stored: Vec<JobId> = store
        .list_jobs(&all(None))
        .await
        .unwrap()
        .iter()
        .map(|job| job.id)
        .collect();
    stored.sort();
    let mut expected = vec![partner_job.id, entity_job.id, update_job.id, tenant_job.id];
    expected.sort();
    assert_eq!(stored, expected);
    for lost in [lost_job.id, stale_job.id, missing_job.id] {
        assert_eq!(store.job(lost).await.unwrap(), None);
    }
}

/// A second job of the same kind and dedupe key is not enqueued, even after the first
/// one is done; other keys and other jobs are.
pub async fn dedupe_key_makes_enqueue_idempotent<S: Store>(store: &S) {
    let clock = ManualClock::new(T0);
    let key = DedupeKey::parse("entity-1:verify").unwrap();
    let first = NewJob::new(probe("d"), T0).with_dedupe_key(key.clone());
    store.enqueue(std::slice::from_ref(&first)).await.unwrap();
    let claimed = claim_one(store, "w", &clock).await.expect("job");
    store
        .complete(&claimed.lease, &JobEffect::None, clock.now())
        .await
        .unwrap();
    let again = NewJob::new(probe("d"), T0).with_dedupe_key(key);
    let other = NewJob::new(probe("d"), T0).with_dedupe_key(DedupeKey::parse("other").unwrap());
    let plain = NewJob::new(probe("d"), T0);
    store
        .enqueue(&[again.clone(), other.clone(), plain.clone()])
        .await
        .unwrap();
    assert_eq!(store.job(again.id).await.unwrap(), None);
    assert_eq!(state_of(store, other.id).await, JobState::Queued);
    assert_eq!(state_of(store, plain.id).await, JobState::Queued);
    let stored = store.job(other.id).await.unwrap().unwrap();
    assert_eq!(
        stored.dedupe_key.as_ref().map(DedupeKey::as_str),
        Some("other")
    );
}

/// Completion commits the effect; a second completion with the same lease is refused
/// and counts nothing.
pub async fn completion_commits_its_effect_once<S: Store>(store: &S) {
    let clock = ManualClock::new(T0);
    let job = NewJob::new(probe("once"), T0);
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    let claimed = claim_one(store, "w", &clock).await.expect("job");
    let effect = JobEffect::CountProbe(counter("once"));
    clock.advance(Duration::seconds(1));
    store
        .complete(&claimed.lease, &effect, clock.now())
        .await
        .unwrap();
    assert_eq!(
        store.complete(&claimed.lease, &effect, clock.now()).await,
        Err(StoreError::Conflict)
    );
    assert_eq!(store.probe_count(&counter("once")).await.unwrap(), 1);
    assert_eq!(store.probe_count(&counter("never")).await.unwrap(), 0);
    let done = store.job(job.id).await.unwrap().unwrap();
    assert_eq!(done.state, JobState::Done);
    assert_eq!(done.finished_at, Some(T0 + Duration::seconds(1)));
    assert_eq!(done.lease_expires_at, None);
    assert_eq!(claim_one(store, "w", &clock).await, None);
    clock.advance(LEASE * 2);
    assert_eq!(
        claim_one(store, "w", &clock).await,
        None,
        "done jobs are never claimed"
    );
}

/// After its lease expires a job is claimed again (attempt 2, `reclaimed`); the first
/// holder can no longer heartbeat, fail, release or complete it, and its completion's
/// effect is not committed.
pub async fn expired_lease_is_reclaimed_and_the_old_holder_fenced<S: Store>(store: &S) {
    let clock = ManualClock::new(T0);
    let job = NewJob::new(probe("fence"), T0);
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    let first = claim_one(store, "crashed", &clock).await.expect("job");
    clock.advance(LEASE);
    let second = claim_one(store, "rescuer", &clock)
        .await
        .expect("reclaimed");
    assert_eq!(second.id(), job.id);
    assert_eq!((second.attempt, second.reclaimed), (2, true));
    assert_ne!(second.lease.token, first.lease.token);

    let effect = JobEffect::CountProbe(counter("fence"));
    let now = clock.now();
    assert_eq!(
        store.heartbeat(&first.lease, now + LEASE).await,
        Err(StoreError::Conflict)
    );
    assert_eq!(
        store.complete(&first.lease, &effect, now).await,
        Err(StoreError::Conflict)
    );
    let failure = JobFailure {
        error: "late".to_owned(),
        retry_at: Some(now),
    };
    assert_eq!(
        store.fail(&first.lease, &failure, now).await,
        Err(StoreError::Conflict)
    );
    assert_eq!(
        store.release(&first.lease, now).await,
        Err(StoreError::Conflict)
    );
    assert_eq!(store.probe_count(&counter("fence")).await.unwrap(), 0);

    store.complete(&second.lease, &effect, now).await.unwrap();
    assert_eq!(store.probe_count(&counter("fence")).await.unwrap(), 1);
    let done = store.job(job.id).await.unwrap().unwrap();
    assert_eq!((done.state, done.attempts), (JobState::Done, 2));
    assert_eq!(done.worker, Some(WorkerId::new("rescuer")));
}

/// A heartbeat extends the lease: the job is not reclaimed until the new expiry. A
/// holder whose lease expired but was not taken over may still heartbeat.
pub async fn heartbeat_extends_the_lease<S: Store>(store: &S) {
    let clock = ManualClock::new(T0);
    let job = NewJob::new(probe("beat"), T0);
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    let claimed = claim_one(store, "w1", &clock).await.expect("job");
    clock.advance(Duration::seconds(20));
    let extended = store
        .heartbeat(&claimed.lease, clock.now() + LEASE)
        .await
        .unwrap();
    assert_eq!(extended.expires_at, T0 + Duration::seconds(50));
    assert_eq!(extended.token, claimed.lease.token);
    clock.advance(Duration::seconds(29));
    assert_eq!(claim_one(store, "w2", &clock).await, None);
    assert_eq!(
        store.job(job.id).await.unwrap().unwrap().lease_expires_at,
        Some(T0 + Duration::seconds(50))
    );
    clock.advance(Duration::seconds(5));
    let late = store
        .heartbeat(&extended, clock.now() + LEASE)
        .await
        .expect("not taken over yet");
    clock.advance(LEASE);
    let reclaimed = claim_one(store, "w2", &clock).await.expect("reclaimed");
    assert!(reclaimed.reclaimed);
    assert_eq!(
        store.heartbeat(&late, clock.now() + LEASE).await,
        Err(StoreError::Conflict)
    );
}

/// A failed attempt is retried no sooner than its backoff; the last failure makes the
/// job dead, listed for operators with its error; an operator retry queues it again
/// for one more attempt.
pub async fn failures_back_off_then_dead_letter<S: Store>(store: &S) {
    let clock = ManualClock::new(T0);
    let policy = RetryPolicy {
        max_attempts: 3,
        base: Duration::seconds(10),
        cap: Duration::minutes(10),
    };
    let job = NewJob::new(probe("flaky"), T0).with_max_attempts(policy.max_attempts);
    let bystander = NewJob::new(probe("bystander"), T0).with_run_at(T0 + Duration::days(1));
    store
        .enqueue(&[job.clone(), bystander.clone()])
        .await
        .unwrap();
    for attempt in 1..=3 {
        let claimed = claim_one(store, "w", &clock).await.expect("ready");
        assert_eq!((claimed.id(), claimed.attempt), (job.id, attempt));
        assert_eq!(claimed.is_last_attempt(), attempt == 3);
        let delay = policy.backoff(attempt, 0.5);
        let failure = JobFailure {
            error: format!("attempt {attempt} failed"),
            retry_at: Some(clock.now() + delay),
        };
        let state = store
            .fail(&claimed.lease, &failure, clock.now())
            .await
            .unwrap();
        if attempt == 3 {
            assert_eq!(state, JobState::Dead);
            break;
        }
        assert_eq!(state, JobState::Queued);
        let queued = store.job(job.id).await.unwrap().unwrap();
        assert_eq!(queued.run_at, clock.now() + delay);
        assert_eq!(queued.last_error.as_deref(), Some(&*failure.error));
        clock.advance(delay - Duration::microseconds(1));
        assert_eq!(claim_one(store, "w", &clock).await, None, "backing off");
        clock.advance(Duration::microseconds(1));
    }
    let dead = store.list_jobs(&all(Some(JobState::Dead))).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, job.id);
    assert_eq!(dead[0].attempts, 3);
    assert_eq!(dead[0].last_error.as_deref(), Some("attempt 3 failed"));
    assert_eq!(dead[0].finished_at, Some(clock.now()));
    let counts = store.job_counts().await.unwrap();
    assert_eq!(
        (counts.dead, counts.queued, counts.running, counts.done),
        (1, 1, 0, 0)
    );
    clock.advance(Duration::hours(1));
    assert_eq!(claim_one(store, "w", &clock).await, None, "dead jobs wait");

    assert_eq!(
        store.retry_dead_job(bystander.id, clock.now()).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.retry_dead_job(JobId::new(), clock.now()).await,
        Err(StoreError::NotFound)
    );
    store.retry_dead_job(job.id, clock.now()).await.unwrap();
    let queued = store.job(job.id).await.unwrap().unwrap();
    assert_eq!(
        (queued.state, queued.attempts, queued.max_attempts),
        (JobState::Queued, 3, 4)
    );
    assert_eq!(queued.finished_at, None);
    assert_eq!(queued.run_at, clock.now());
    let claimed = claim_one(store, "w", &clock).await.expect("retried");
    assert_eq!((claimed.id(), claimed.attempt), (job.id, 4));
    assert!(claimed.is_last_attempt());
}

/// A permanent failure (no `retry_at`) makes the job dead at once.
pub async fn permanent_failure_is_dead_at_once<S: Store>(store: &S) {
    let clock = ManualClock::new(T0);
    let job = NewJob::new(probe("bad"), T0);
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    let claimed = claim_one(store, "w", &clock).await.expect("job");
    let failure = JobFailure {
        error: "x".repeat(5_000),
        retry_at: None,
    };
    assert_eq!(
        store.fail(&claimed.lease, &failure, clock.now()).await,
        Ok(JobState::Dead)
    );
    let dead = store.job(job.id).await.unwrap().unwrap();
    assert_eq!((dead.state, dead.attempts), (JobState::Dead, 1));
    assert_eq!(dead.last_error.map(|error| error.len()), Some(2_000));
}

/// A job whose lease expired during its last attempt is dead, not claimed again.
pub async fn lease_expiry_after_the_last_attempt_is_dead<S: Store>(store: &S) {
    let clock = ManualClock::new(T0);
    let job = NewJob::new(probe("last"), T0).with_max_attempts(1);
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    claim_one(store, "crashed", &clock).await.expect("job");
    clock.advance(LEASE);
    assert_eq!(claim_one(store, "w", &clock).await, None);
    let dead = store.job(job.id).await.unwrap().unwrap();
    assert_eq!(dead.state, JobState::Dead);
    assert!(
        dead.last_error
            .as_deref()
            .is_some_and(|error| error.contains("crashed")),
        "{:?}",
        dead.last_error
    );
}

/// Releasing (a worker shutting down) queues the job again, ready now, without
/// counting the interrupted attempt.
pub async fn release_requeues_without_counting_the_attempt<S: Store>(store: &S) {
    let clock = ManualClock::new(T0);
    let job = NewJob::new(probe("rel"), T0);
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    let claimed = claim_one(store, "leaving", &clock).await.expect("job");
    clock.advance(Duration::seconds(3));
    store.release(&claimed.lease, clock.now()).await.unwrap();
    let queued = store.job(job.id).await.unwrap().unwrap();
    assert_eq!((queued.state, queued.attempts), (JobState::Queued, 0));
    assert_eq!(queued.run_at, T0 + Duration::seconds(3));
    let again = claim_one(store, "next", &clock).await.expect("ready now");
    assert_eq!((again.attempt, again.reclaimed), (1, false));
}

/// Many workers claiming at once never get the same job: every job is claimed exactly
/// once while leases run, and all are claimed.
pub async fn concurrent_claims_never_share_a_job<S: Store>(store: &S) {
    let clock = ManualClock::new(T0);
    let jobs: Vec<NewJob> = (0..60)
        .map(|index| NewJob::new(probe("many"), T0).with_run_at(T0 - Duration::milliseconds(index)))
        .collect();
    store.enqueue(&jobs).await.unwrap();
    let clock = &clock;
    let workers = (0..8).map(|worker| async move {
        let mut mine = Vec::new();
        loop {
            let claimed = store
                .claim(&request(&format!("w{worker}"), 3, clock))
                .await
                .expect("claim");
            if claimed.is_empty() {
                return mine;
            }
            for job in claimed {
                store
                    .complete(
                        &job.lease,
                        &JobEffect::CountProbe(counter("many")),
                        clock.now(),
                    )
                    .await
                    .expect("the only holder completes");
                mine.push(job.id());
            }
        }
    });
    let claimed: Vec<JobId> = join_all(workers.collect()).await.concat();
    let unique: HashSet<JobId> = claimed.iter().copied().collect();
    assert_eq!(claimed.len(), 60, "every job claimed once");
    assert_eq!(unique.len(), 60);
    assert_eq!(store.probe_count(&counter("many")).await.unwrap(), 60);
    assert_eq!(store.job_counts().await.unwrap().done, 60);
}

/// Probe jobs for the lease tests: `count` jobs of counter `name`, ready at `T0`.
pub fn ready_probes(name: &str, count: usize) -> Vec<NewJob> {
    (0..count).map(|_| NewJob::new(probe(name), T0)).collect()
}

/// One worker of the adapters' lease tests (run many on threads, connections or
/// processes against one store): claims `batch` probe jobs at a time under a long
/// lease until none is left, marks each claimed job in `held` while it works on it
/// (panicking if another worker holds it at that moment), and completes it with its
/// counted effect. Returns the ids it completed.
///
/// # Panics
/// When a job it claimed is held by another worker, or a store call fails.
pub async fn exclusive_worker<S: Store + ?Sized>(
    store: &S,
    worker: &str,
    batch: u32,
    held: &std::sync::Mutex<std::collections::BTreeSet<JobId>>,
) -> Vec<JobId> {
    let clock = crate::clock::SystemClock;
    let mut done = Vec::new();
    loop {
        let request = ClaimRequest {
            worker: WorkerId::new(worker),
            kinds: vec![JobKind::Probe],
            limit: batch,
            now: clock.now(),
            lease_for: Duration::minutes(5),
        };
        let claimed = store.claim(&request).await.expect("claim");
        if claimed.is_empty() {
            return done;
        }
        for job in claimed {
            let JobPayload::Probe(probe) = &job.payload;
            assert!(
                held.lock().expect("held").insert(job.id()),
                "job {} claimed by {worker} while another worker holds it",
                job.id()
            );
            // The "work": a round trip to the store while the job is held.
            let stored = store.job(job.id()).await.expect("read").expect("exists");
            assert_eq!(stored.worker, Some(WorkerId::new(worker)));
            held.lock().expect("held").remove(&job.id());
            store
                .complete(
                    &job.lease,
                    &JobEffect::CountProbe(probe.counter.clone()),
                    clock.now(),
                )
                .await
                .expect("the only holder completes");
            done.push(job.id());
        }
    }
}
