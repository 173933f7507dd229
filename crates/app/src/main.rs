//! `einvoice-gateway`: serve the gateway, migrate its database, create partners, check
//! and render business documents offline.

use std::process::ExitCode;

// mimalloc: the document pipeline allocates many small strings; it measured 10-55 %
// faster than the system allocator (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser as _;
use einvoice_app::config::{
    BillingModelArg, Cli, Command, DocumentCommand, EnvironmentArg, JobStateArg, JobsCommand,
    PartnerCommand, RenderFormat, ServeSettings,
};
use einvoice_app::documents;
use einvoice_app::wiring::{self, BuildError};
use einvoice_domain::clock::{Clock as _, SystemClock};
use einvoice_domain::environment::Environment;
use einvoice_domain::ids::JobId;
use einvoice_domain::job::{Job, JobListQuery, JobPayload, JobState, NewJob, Probe, ProbeCounter};
use einvoice_domain::ports::StoreError;
use einvoice_domain::service::NewPartner;
use einvoice_domain::tenant::{BillingModel, BillingModels};
use einvoice_domain::text::CompanyName;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    einvoice_app::telemetry::init(cli.global.log_format, &cli.global.log);
    let result = match cli.command {
        None => serve(&cli.global, &ServeSettings::default_from_env()).await,
        Some(Command::Serve(settings)) => serve(&cli.global, &settings).await,
        Some(Command::Migrate) => migrate(&cli.global).await,
        Some(Command::Partner(PartnerCommand::Create(args))) => {
            create_partner(&cli.global, args).await
        }
        Some(Command::Document(command)) => return document(command),
        Some(Command::Jobs(command)) => jobs(&cli.global, command).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "einvoice-gateway failed");
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(
    global: &einvoice_app::config::GlobalSettings,
    settings: &ServeSettings,
) -> Result<(), BuildError> {
    let running = wiring::start(global, settings).await?;
    let shutdown = shutdown_signal()?;
    if let Some(credentials) = &running.bootstrap {
        println!("A sandbox partner was created for you; these credentials are shown only once.");
        println!("partner id: {}", credentials.partner.id);
        println!("partner key: {}", credentials.key.token.expose());
        println!(
            "signing secret: {}",
            credentials.key.signing_secret.expose()
        );
    }
    if let Some(workers) = &running.workers {
        println!(
            "einvoice-gateway job workers running as {} (concurrency {})",
            workers.worker_id(),
            settings.worker_concurrency
        );
    }
    if let Some(addr) = running.addr {
        println!("einvoice-gateway listening on http://{addr}");
    }
    shutdown.await;
    tracing::info!("shutdown requested; finishing in-flight requests and running jobs");
    running.shutdown().await;
    Ok(())
}

/// Registers the SIGINT and SIGTERM handlers at once (before the gateway says it is
/// listening, so a signal sent right after that line is never missed) and returns a
/// future that completes on the first of them.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, BuildError> {
    use tokio::signal::unix::{SignalKind, signal};
    let register = |kind: SignalKind| {
        signal(kind)
            .map_err(|error| BuildError::Startup(format!("cannot listen for signals: {error}")))
    };
    let mut interrupt = register(SignalKind::interrupt())?;
    let mut terminate = register(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
    })
}

async fn migrate(global: &einvoice_app::config::GlobalSettings) -> Result<(), BuildError> {
    let store = wiring::open_store(global).await?;
    wiring::migrate(&store).await?;
    store.close().await;
    println!("migrations applied");
    Ok(())
}

async fn create_partner(
    global: &einvoice_app::config::GlobalSettings,
    args: einvoice_app::config::PartnerCreate,
) -> Result<(), BuildError> {
    let company_name = CompanyName::parse(&args.name)
        .map_err(|error| BuildError::Startup(format!("--name {error}")))?;
    let models: Vec<BillingModel> = args
        .billing_models
        .iter()
        .map(|model| match model {
            BillingModelArg::Seats => BillingModel::Seats,
            BillingModelArg::Flow => BillingModel::Flow,
        })
        .collect();
    let billing_models = BillingModels::from_models(&models).ok_or_else(|| {
        BuildError::Startup("--billing-models needs at least one model".to_owned())
    })?;
    let environment = match args.environment {
        EnvironmentArg::Sandbox => Environment::Sandbox,
        EnvironmentArg::Production => Environment::Production,
    };
    let store = wiring::open_store(global).await?;
    wiring::migrate(&store).await?;
    let services = wiring::services(&store, wiring::master_key(global)?);
    let (partner, key) = services
        .partners
        .create_partner(NewPartner {
            company_name,
            environment,
            billing_models,
        })
        .await
        .map_err(|error| BuildError::Startup(error.to_string()))?;
    store.close().await;
    println!("partner id: {}", partner.id);
    println!("partner key: {}", key.token.expose());
    println!("signing secret: {}", key.signing_secret.expose());
    Ok(())
}

async fn jobs(
    global: &einvoice_app::config::GlobalSettings,
    command: JobsCommand,
) -> Result<(), BuildError> {
    let store = wiring::open_store(global).await?;
    let result = jobs_on(&store, command).await;
    store.close().await;
    result
}

fn startup(error: impl std::fmt::Display) -> BuildError {
    BuildError::Startup(error.to_string())
}

async fn jobs_on(store: &wiring::Stores, command: JobsCommand) -> Result<(), BuildError> {
    if !store.is_migrated().await? {
        return Err(BuildError::Database(
            "the database is not migrated: run `einvoice-gateway migrate` first".to_owned(),
        ));
    }
    let queue = store.job_queue();
    match command {
        JobsCommand::List(args) => {
            let state = if args.dead {
                Some(JobState::Dead)
            } else {
                args.state.map(|state| match state {
                    JobStateArg::Queued => JobState::Queued,
                    JobStateArg::Running => JobState::Running,
                    JobStateArg::Done => JobState::Done,
                    JobStateArg::Dead => JobState::Dead,
                })
            };
            let counts = queue.job_counts().await.map_err(startup)?;
            println!(
                "queued {}, running {}, done {}, dead {}",
                counts.queued, counts.running, counts.done, counts.dead
            );
            if let Some(counter) = args.counter {
                let counter = ProbeCounter::parse(&counter)
                    .map_err(|error| startup(format!("--counter: {error}")))?;
                let count = queue.probe_count(&counter).await.map_err(startup)?;
                println!("probe counter {counter}: {count}");
            }
            let query = JobListQuery {
                state,
                limit: args.limit,
            };
            for job in queue.list_jobs(&query).await.map_err(startup)? {
                println!("{}", job_line(&job));
            }
            Ok(())
        }
        JobsCommand::Retry(args) => {
            let id = JobId::parse(&args.id).map_err(startup)?;
            match queue.retry_dead_job(id, SystemClock.now()).await {
                Ok(()) => {
                    println!("job {id} is queued again");
                    Ok(())
                }
                Err(StoreError::NotFound) => Err(startup(format!("no dead job has id {id}"))),
                Err(error) => Err(startup(error)),
            }
        }
        JobsCommand::Probe(args) => {
            let counter = ProbeCounter::parse(&args.counter)
                .map_err(|error| startup(format!("--counter: {error}")))?;
            let now = SystemClock.now();
            let jobs: Vec<NewJob> = (0..args.count)
                .map(|_| {
                    let job = NewJob::new(
                        JobPayload::Probe(Probe {
                            counter: counter.clone(),
                            work_ms: args.work_ms,
                            fail_attempts: args.fail_attempts,
                        }),
                        now,
                    );
                    match args.max_attempts {
                        Some(max) => job.with_max_attempts(max),
                        None => job,
                    }
                })
                .collect();
            for chunk in jobs.chunks(500) {
                queue.enqueue(chunk).await.map_err(startup)?;
            }
            println!("enqueued {} probe jobs (counter {counter})", jobs.len());
            Ok(())
        }
    }
}

/// One line of `jobs list`.
fn job_line(job: &Job) -> String {
    use time::format_description::well_known::Rfc3339;
    let at = |at: time::OffsetDateTime| at.format(&Rfc3339).unwrap_or_default();
    let mut parts = vec![
        job.id.to_string(),
        job.payload.kind().to_string(),
        job.state.to_string(),
        format!("attempts {}/{}", job.attempts, job.max_attempts),
        format!("created {}", at(job.created_at)),
    ];
    match job.state {
        JobState::Queued => parts.push(format!("run_at {}", at(job.run_at))),
        JobState::Running => {
            if let (Some(worker), Some(until)) = (&job.worker, job.lease_expires_at) {
                parts.push(format!("worker {worker} lease_until {}", at(until)));
            }
        }
        JobState::Done | JobState::Dead => {
            if let Some(finished) = job.finished_at {
                parts.push(format!("finished {}", at(finished)));
            }
        }
    }
    if let Some(error) = &job.last_error {
        parts.push(format!("last_error {error:?}"));
    }
    parts.join(" ")
}

/// Exit codes of the document commands: 0 valid, 1 invalid, 2 unusable input.
fn document(command: DocumentCommand) -> ExitCode {
    let path = match &command {
        DocumentCommand::Validate(args) => &args.file,
        DocumentCommand::Render(args) => &args.file,
    };
    let input = if path.as_os_str() == "-" {
        let mut buffer = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buffer).map(|_| buffer)
    } else {
        std::fs::read(path)
    };
    let json = match input {
        Ok(json) => json,
        Err(error) => {
            eprintln!("error: cannot read {}: {error}", path.display());
            return ExitCode::from(2);
        }
    };
    match command {
        DocumentCommand::Validate(_) => match documents::check_json(&json) {
            Ok(valid) => {
                let warnings = documents::warnings(&valid);
                if !warnings.is_empty() {
                    println!("{warnings}");
                }
                println!("valid");
                ExitCode::SUCCESS
            }
            Err(refusal) => {
                println!("{}", documents::report(&refusal));
                println!("invalid");
                ExitCode::from(1)
            }
        },
        DocumentCommand::Render(args) => {
            let RenderFormat::Ubl = args.format;
            match documents::render_ubl(&json) {
                Ok((valid, xml)) => {
                    let warnings = documents::warnings(&valid);
                    if !warnings.is_empty() {
                        eprintln!("{warnings}");
                    }
                    match args.out {
                        Some(out) => {
                            if let Err(error) = std::fs::write(&out, xml) {
                                eprintln!("error: cannot write {}: {error}", out.display());
                                return ExitCode::from(2);
                            }
                        }
                        None => print!("{xml}"),
                    }
                    ExitCode::SUCCESS
                }
                Err(refusal) => {
                    eprintln!("{}", documents::report(&refusal));
                    eprintln!("invalid: nothing rendered");
                    ExitCode::from(1)
                }
            }
        }
    }
}
