//! The durable job queue across real processes of the `einvoice-gateway` binary:
//!
//! - crash test: worker-only processes share a queue of probe jobs; one is killed with
//!   SIGKILL while it holds jobs; every job still completes exactly once (the probe
//!   counter, incremented in each completion's transaction, equals the number of jobs),
//!   none is lost or dead, and the killed worker's jobs are taken over after their
//!   leases expire;
//! - two `serve` processes (API and workers) on one database process one shared queue
//!   without duplicates.
//!
//! Each runs on a SQLite file (several processes on one file) and on PostgreSQL (a
//! fresh schema in the database named by `EINVOICE_TEST_DATABASE_URL`; skipped with a
//! message when it is not set, failed when `EINVOICE_REQUIRE_POSTGRES=1`).

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use einvoice_app::config::{GlobalSettings, LogFormat};
use einvoice_app::wiring::{self, Stores};
use einvoice_domain::job::{Job, JobCounts, JobListQuery, JobState, ProbeCounter, WorkerId};
use einvoice_store_postgres::testing::{self, TestSchema};

/// Where the processes of one test keep their data.
struct Database {
    dir: tempfile::TempDir,
    url: Option<String>,
    _schema: Option<TestSchema>,
}

impl Database {
    fn sqlite() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
            url: None,
            _schema: None,
        }
    }

    async fn postgres() -> Option<Self> {
        let base = testing::database_url()?;
        let schema = TestSchema::create(&base)
            .await
            .expect("create a test schema");
        Some(Self {
            dir: tempfile::tempdir().expect("temp dir"),
            url: Some(schema.url().to_owned()),
            _schema: Some(schema),
        })
    }

    fn global(&self) -> GlobalSettings {
        GlobalSettings {
            data_dir: self.dir.path().to_path_buf(),
            database_url: self.url.clone(),
            master_key: None,
            log_format: LogFormat::Json,
            log: "warn".to_owned(),
        }
    }

    /// The binary with this database.
    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_einvoice-gateway"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("EINVOICE_DATA_DIR", self.dir.path())
            .env("EINVOICE_LOG_FORMAT", "json")
            .env("EINVOICE_LOG", "info");
        if let Some(url) = &self.url {
            command.env("EINVOICE_DATABASE_URL", url);
        }
        command
    }

    /// Runs a command of the binary to completion; its standard output.
    fn run(&self, args: &[&str]) -> String {
        let output = self.command().args(args).output().expect("binary runs");
        assert!(
            output.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("utf-8")
    }

    async fn store(&self) -> Stores {
        wiring::open_store(&self.global()).await.expect("store")
    }
}

/// A running `serve` process.
struct Process {
    child: Child,
    worker: WorkerId,
    addr: Option<String>,
    log: PathBuf,
}

fn spawn_serve(database: &Database, name: &str, args: &[&str]) -> Process {
    let log = database.dir.path().join(format!("{name}.log"));
    let mut child = database
        .command()
        .arg("serve")
        .env("EINVOICE_LISTEN", "127.0.0.1:0")
        .env("EINVOICE_SHUTDOWN_GRACE_SECS", "10")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("binary starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut worker = None;
    let mut addr = None;
    let worker_only = args.contains(&"--worker-only");
    while worker.is_none() || (addr.is_none() && !worker_only) {
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("{name} stopped early: {}", read(&log)))
            .expect("utf-8");
        if let Some(rest) = line.strip_prefix("einvoice-gateway job workers running as ") {
            let id = rest.split_whitespace().next().expect("worker id");
            worker = Some(WorkerId::new(id));
        } else if let Some(rest) = line.strip_prefix("einvoice-gateway listening on ") {
            addr = Some(rest.to_owned());
        }
    }
    // Keep draining standard output so the process never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Process {
        child,
        worker: worker.expect("worker id"),
        addr,
        log,
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Sends SIGTERM and waits; the process must exit successfully.
fn terminate(mut process: Process) {
    let status = Command::new("kill")
        .arg("-TERM")
        .arg(process.child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(status.success());
    let exit = process.child.wait().expect("exits");
    assert!(
        exit.success(),
        "{} exited with {exit}: {}",
        process.worker,
        read(&process.log)
    );
}

async fn counts(store: &Stores) -> JobCounts {
    store.job_queue().job_counts().await.expect("counts")
}

async fn jobs(store: &Stores, state: Option<JobState>) -> Vec<Job> {
    store
        .job_queue()
        .list_jobs(&JobListQuery {
            state,
            limit: 10_000,
        })
        .await
        .expect("jobs")
}

/// Polls until `done` jobs are done (or panics after `timeout`).
async fn wait_until_done(store: &Stores, done: u64, timeout: Duration) -> JobCounts {
    let started = Instant::now();
    loop {
        let counts = counts(store).await;
        if counts.done >= done {
            return counts;
        }
        assert!(
            started.elapsed() < timeout,
            "only {counts:?} after {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const WORKER_ARGS: [&str; 7] = [
    "--worker-only",
    "--worker-concurrency",
    "3",
    "--job-lease-secs",
    "2",
    "--job-poll-ms",
    "50",
];

async fn crash_test(database: Database) {
    const JOBS: u64 = 90;
    let store = database.store().await;
    database.run(&["migrate"]);
    let enqueued = database.run(&[
        "jobs",
        "probe",
        "--count",
        &JOBS.to_string(),
        "--counter",
        "crash",
        "--work-ms",
        "800",
    ]);
    assert_eq!(enqueued.trim(), "enqueued 90 probe jobs (counter crash)");

    let survivors = [
        spawn_serve(&database, "survivor-1", &WORKER_ARGS),
        spawn_serve(&database, "survivor-2", &WORKER_ARGS),
    ];
    // Kill a victim with SIGKILL once jobs are being completed and it holds some. A job
    // it held when looked at may finish before the signal lands (a slow machine): then
    // the kill proves nothing, and a new victim is started and killed the same way.
    let started = Instant::now();
    let mut attempt = 0;
    let (victim, orphans) = loop {
        attempt += 1;
        assert!(
            attempt <= 5,
            "no victim was ever killed while holding a job"
        );
        let mut victim = spawn_serve(&database, &format!("victim-{attempt}"), &WORKER_ARGS);
        let orphans: Vec<Job> = loop {
            assert!(
                started.elapsed() < Duration::from_mins(2),
                "the victim never held a job"
            );
            let held = jobs(&store, Some(JobState::Running))
                .await
                .into_iter()
                .any(|job| job.worker.as_ref() == Some(&victim.worker));
            if held && counts(&store).await.done >= 9 {
                victim.child.kill().expect("SIGKILL");
                victim.child.wait().expect("reaped");
                break jobs(&store, Some(JobState::Running))
                    .await
                    .into_iter()
                    .filter(|job| job.worker.as_ref() == Some(&victim.worker))
                    .collect();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        if !orphans.is_empty() {
            break (victim, orphans);
        }
    };

    let counts = wait_until_done(&store, JOBS, Duration::from_mins(2)).await;
    assert_eq!(
        counts,
        JobCounts {
            queued: 0,
            running: 0,
            done: JOBS,
            dead: 0
        }
    );
    // Exactly once: each completion adds one in its own transaction, and a job is
    // completed at most once (its lease fences every other holder).
    let counter = ProbeCounter::parse("crash").unwrap();
    assert_eq!(store.job_queue().probe_count(&counter).await.unwrap(), JOBS);
    // The killed worker's jobs were taken over by survivors after their leases expired.
    for orphan in &orphans {
        let job = store
            .job_queue()
            .job(orphan.id)
            .await
            .unwrap()
            .expect("job");
        assert_eq!(job.state, JobState::Done);
        assert!(job.attempts >= 2, "{job:?}");
        assert_ne!(job.worker.as_ref(), Some(&victim.worker));
    }
    let logs: String = survivors.iter().map(|process| read(&process.log)).collect();
    assert!(
        logs.contains("claimed a job whose previous holder's lease expired"),
        "{logs}"
    );
    for survivor in survivors {
        terminate(survivor);
    }
    store.close().await;
}

async fn two_gateways_share_one_queue(database: Database) {
    const JOBS: u64 = 120;
    let store = database.store().await;
    let serve_args = ["--worker-concurrency", "4", "--job-poll-ms", "50"];
    let first = spawn_serve(&database, "gateway-1", &serve_args);
    let second = spawn_serve(&database, "gateway-2", &serve_args);
    for gateway in [&first, &second] {
        let addr = gateway.addr.as_deref().expect("serves the API");
        let health = reqwest::get(format!("{addr}/healthz"))
            .await
            .expect("health");
        assert!(health.status().is_success());
    }
    database.run(&[
        "jobs",
        "probe",
        "--count",
        &JOBS.to_string(),
        "--counter",
        "shared",
        "--work-ms",
        "30",
    ]);
    wait_until_done(&store, JOBS, Duration::from_mins(1)).await;
    let counter = ProbeCounter::parse("shared").unwrap();
    assert_eq!(store.job_queue().probe_count(&counter).await.unwrap(), JOBS);
    let done = jobs(&store, Some(JobState::Done)).await;
    assert_eq!(done.len(), 120);
    assert!(done.iter().all(|job| job.attempts == 1), "no job ran twice");
    for gateway in [&first, &second] {
        let share = done
            .iter()
            .filter(|job| job.worker.as_ref() == Some(&gateway.worker))
            .count();
        assert!(share > 0, "{} completed no job", gateway.worker);
    }
    let completions: usize = [&first, &second]
        .iter()
        .map(|gateway| read(&gateway.log).matches("\"job completed\"").count())
        .sum();
    assert_eq!(completions, 120, "each job completed by one process once");
    terminate(first);
    terminate(second);
    assert_eq!(counts(&store).await.running, 0);
    store.close().await;
}

/// SIGTERM: running jobs get the grace period, then are released (queued, attempt not
/// counted) for other workers; the process exits successfully.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_releases_jobs_that_outlive_the_grace_period() {
    let database = Database::sqlite();
    let store = database.store().await;
    database.run(&["migrate"]);
    database.run(&[
        "jobs",
        "probe",
        "--count",
        "2",
        "--counter",
        "slow",
        "--work-ms",
        "600000",
    ]);
    let worker = spawn_serve(
        &database,
        "worker",
        &[
            "--worker-only",
            "--job-poll-ms",
            "50",
            "--shutdown-grace-secs",
            "1",
        ],
    );
    let started = Instant::now();
    while counts(&store).await.running < 2 {
        assert!(started.elapsed() < Duration::from_secs(30), "never claimed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let log = worker.log.clone();
    terminate(worker);
    let queued = jobs(&store, Some(JobState::Queued)).await;
    assert_eq!(queued.len(), 2);
    assert!(queued.iter().all(|job| job.attempts == 0), "{queued:?}");
    assert_eq!(read(&log).matches("released the unfinished job").count(), 2);
    store.close().await;
}

/// `jobs list --dead` shows a dead letter and `jobs retry` queues it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operators_list_and_retry_dead_jobs() {
    let database = Database::sqlite();
    let store = database.store().await;
    database.run(&["migrate"]);
    database.run(&[
        "jobs",
        "probe",
        "--counter",
        "doomed",
        "--fail-attempts",
        "1",
        "--max-attempts",
        "1",
    ]);
    let worker = spawn_serve(
        &database,
        "worker",
        &["--worker-only", "--job-poll-ms", "50"],
    );
    let started = Instant::now();
    while counts(&store).await.dead < 1 {
        assert!(started.elapsed() < Duration::from_secs(30), "never dead");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    terminate(worker);
    let listed = database.run(&["jobs", "list", "--dead"]);
    let mut lines = listed.lines();
    assert_eq!(lines.next(), Some("queued 0, running 0, done 0, dead 1"));
    let dead = lines.next().expect("the dead job");
    assert!(dead.contains(" probe dead attempts 1/1 "), "{dead}");
    assert!(
        dead.ends_with(r#"last_error "probe fails attempt 1 of its first 1""#),
        "{dead}"
    );
    let id = dead.split_whitespace().next().expect("id");
    assert_eq!(
        database.run(&["jobs", "retry", id]).trim(),
        format!("job {id} is queued again")
    );
    let output = database
        .command()
        .args(["jobs", "retry", id])
        .output()
        .unwrap();
    assert!(!output.status.success(), "only dead jobs can be retried");
    let worker = spawn_serve(
        &database,
        "worker-2",
        &["--worker-only", "--job-poll-ms", "50"],
    );
    wait_until_done(&store, 1, Duration::from_secs(30)).await;
    terminate(worker);
    let listed = database.run(&["jobs", "list", "--counter", "doomed"]);
    assert!(listed.contains("probe counter doomed: 1"), "{listed}");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_test_on_sqlite() {
    crash_test(Database::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_test_on_postgres() {
    let Some(database) = Database::postgres().await else {
        return;
    };
    crash_test(database).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateways_share_one_queue_on_sqlite() {
    let database = Database::sqlite();
    database.run(&["migrate"]);
    two_gateways_share_one_queue(database).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateways_share_one_queue_on_postgres() {
    let Some(database) = Database::postgres().await else {
        return;
    };
    database.run(&["migrate"]);
    two_gateways_share_one_queue(database).await;
}
