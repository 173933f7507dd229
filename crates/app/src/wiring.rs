//! Composition: the only place that names concrete adapters. `main` and the end-to-end
//! tests both go through [`start`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use einvoice_document_json::ParseLimits;
use einvoice_domain::api_key::IssuedApiKey;
use einvoice_domain::clock::{Clock, SystemClock};
use einvoice_domain::environment::Environment;
use einvoice_domain::job::JobKind;
use einvoice_domain::ports::{JobQueue, Store};
use einvoice_domain::secret::MasterKey;
use einvoice_domain::service::{
    ApiKeyService, DocumentService, EventService, LegalEntityService, PartnerService,
    PublishingService, TenantService, WebhookService,
};
use einvoice_domain::tenant::Tenant;
use einvoice_http_axum::{AppState, HttpSettings};
use einvoice_store_postgres::PgStore;
use einvoice_store_sqlite::SqliteStore;
use einvoice_worker::{Handlers, ProbeHandler, WorkerSettings, Workers};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::{GlobalSettings, Role, ServeSettings};

/// Why the gateway could not start.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The database URL's scheme is not one this build supports (only the scheme is
    /// kept: the rest of a URL may hold a password).
    #[error(
        "unsupported database URL scheme `{0}`: this build supports sqlite://PATH and postgres://... (or postgresql://...)"
    )]
    UnsupportedDatabase(String),
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Database(String),
    /// The master key is malformed or its file unusable.
    #[error("master key: {0}")]
    MasterKey(String),
    /// The listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// A domain use case failed during start-up.
    #[error("start-up: {0}")]
    Startup(String),
    /// The SMP cannot be set up.
    #[error("SMP: {0}")]
    Smp(String),
}

/// Which database the configuration names.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite database file (the default: `DATA_DIR/einvoice.db`).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl std::fmt::Debug for Database {
    /// Redacting: a PostgreSQL URL may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Self::Postgres(_) => f.write_str("Postgres(<url redacted>)"),
        }
    }
}

/// The database of `global`: `EINVOICE_DATABASE_URL` when set (`sqlite://PATH`,
/// `sqlite:PATH`, `postgres://...` or `postgresql://...`), else the SQLite file in the data
/// directory.
pub fn database(global: &GlobalSettings) -> Result<Database, BuildError> {
    let Some(url) = &global.database_url else {
        return Ok(Database::Sqlite(global.data_dir.join("einvoice.db")));
    };
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Database::Postgres(url.clone()));
    }
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .filter(|path| !path.is_empty())
        .map(|path| Database::Sqlite(PathBuf::from(path)))
        .ok_or_else(|| {
            let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
            BuildError::UnsupportedDatabase(scheme.to_owned())
        })
}

/// The store the configuration selects, opened once and shared by every service. Cheap
/// to clone.
#[derive(Debug, Clone)]
pub enum Stores {
    /// The embedded SQLite store.
    Sqlite(Arc<SqliteStore>),
    /// The PostgreSQL store.
    Postgres(Arc<PgStore>),
}

impl Stores {
    /// Applies the store's embedded migrations; idempotent.
    pub async fn migrate(&self) -> Result<(), BuildError> {
        let result = match self {
            Self::Sqlite(store) => store.migrate().await.map_err(|error| error.to_string()),
            Self::Postgres(store) => store.migrate().await.map_err(|error| error.to_string()),
        };
        result.map_err(BuildError::Database)
    }

    /// Whether every migration has been applied (a readiness check).
    pub async fn is_migrated(&self) -> Result<bool, BuildError> {
        let result = match self {
            Self::Sqlite(store) => store.is_migrated().await.map_err(|error| error.to_string()),
            Self::Postgres(store) => store.is_migrated().await.map_err(|error| error.to_string()),
        };
        result.map_err(BuildError::Database)
    }

    /// Checks that the database answers (a liveness check).
    pub async fn ping(&self) -> Result<(), BuildError> {
        let result = match self {
            Self::Sqlite(store) => store.ping().await.map_err(|error| error.to_string()),
            Self::Postgres(store) => store.ping().await.map_err(|error| error.to_string()),
        };
        result.map_err(BuildError::Database)
    }

    /// The job queue port of the store.
    pub fn job_queue(&self) -> Arc<dyn JobQueue> {
        match self {
            Self::Sqlite(store) => store.clone(),
            Self::Postgres(store) => store.clone(),
        }
    }

    /// Closes the store's connections; later calls fail.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(store) => store.close().await,
            Self::Postgres(store) => store.close().await,
        }
    }
}

/// Opens the configured store: the SQLite file (creating its directory and the file if
/// needed), or a pool of connections to PostgreSQL. Does not migrate.
pub async fn open_store(global: &GlobalSettings) -> Result<Stores, BuildError> {
    match database(global)? {
        Database::Sqlite(path) => open_sqlite(&path).await,
        Database::Postgres(url) => {
            let store = PgStore::connect(&url)
                .await
                .map_err(|error| BuildError::Database(error.to_string()))?;
            tracing::info!("PostgreSQL store connected");
            Ok(Stores::Postgres(Arc::new(store)))
        }
    }
}

async fn open_sqlite(path: &Path) -> Result<Stores, BuildError> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|error| {
            BuildError::Database(format!("cannot create {}: {error}", parent.display()))
        })?;
    }
    let store = SqliteStore::open(path)
        .await
        .map_err(|error| BuildError::Database(error.to_string()))?;
    tracing::info!(path = %path.display(), "SQLite store opened");
    Ok(Stores::Sqlite(Arc::new(store)))
}

/// Applies migrations.
pub async fn migrate(store: &Stores) -> Result<(), BuildError> {
    store.migrate().await?;
    tracing::info!("database migrations applied");
    Ok(())
}

/// The master key: from configuration, or from `DATA_DIR/master.key`, generated there
/// (mode 0600) on first use.
pub fn master_key(global: &GlobalSettings) -> Result<MasterKey, BuildError> {
    if let Some(text) = &global.master_key {
        return MasterKey::from_base64(text)
            .map_err(|error| BuildError::MasterKey(error.to_string()));
    }
    let path = global.data_dir.join("master.key");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            create_master_key_file(&path)?
        }
        Err(error) => {
            return Err(BuildError::MasterKey(format!(
                "cannot read {}: {error}",
                path.display()
            )));
        }
    };
    MasterKey::from_base64(&text)
        .map_err(|error| BuildError::MasterKey(format!("{}: {error}", path.display())))
}

fn create_master_key_file(path: &Path) -> Result<String, BuildError> {
    use std::io::Write as _;
    let fail = |error: std::io::Error| {
        BuildError::MasterKey(format!("cannot create {}: {error}", path.display()))
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let text = MasterKey::generate_base64();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(fail)?;
    tracing::warn!(path = %path.display(), "generated a new master key; back it up: without it no API-key signing secret can be read");
    Ok(text)
}

/// The domain services over one store.
#[derive(Debug, Clone)]
pub struct Services {
    /// Partner (operator) use cases.
    pub partners: PartnerService,
    /// Tenant use cases.
    pub tenants: TenantService,
    /// API key use cases.
    pub api_keys: ApiKeyService,
    /// Legal entity use cases.
    pub legal_entities: LegalEntityService,
    /// Business document use cases.
    pub documents: DocumentService,
    /// The event feed.
    pub events: EventService,
    /// Webhook endpoint use cases.
    pub webhooks: WebhookService,
}

/// Wires the services to `store`.
pub fn services(store: &Stores, master_key: MasterKey) -> Services {
    match store {
        Stores::Sqlite(store) => services_over(store, master_key),
        Stores::Postgres(store) => services_over(store, master_key),
    }
}

/// What the SMP of `environment` publishes, read from `store`.
pub fn publishing(store: &Stores, environment: Environment) -> PublishingService {
    match store {
        Stores::Sqlite(store) => PublishingService::new(store.clone(), store.clone(), environment),
        Stores::Postgres(store) => {
            PublishingService::new(store.clone(), store.clone(), environment)
        }
    }
}

/// Wires the services to one concrete store, which serves every port.
fn services_over<S: Store + 'static>(store: &Arc<S>, master_key: MasterKey) -> Services {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let tenants = TenantService::new(store.clone(), store.clone(), clock.clone());
    Services {
        partners: PartnerService::new(store.clone(), clock.clone(), master_key.clone()),
        api_keys: ApiKeyService::new(
            store.clone(),
            store.clone(),
            tenants.clone(),
            clock.clone(),
            master_key.clone(),
        ),
        legal_entities: LegalEntityService::new(store.clone(), clock.clone()),
        documents: DocumentService::new(
            store.clone(),
            store.clone(),
            vec![Arc::new(einvoice_render_ubl::UblRenderer)],
            clock.clone(),
        ),
        events: EventService::new(store.clone()),
        webhooks: WebhookService::new(store.clone(), store.clone(), clock, master_key),
        tenants,
    }
}

/// `GET /readyz`: the store answers and every embedded migration is applied.
fn readiness(store: Stores) -> einvoice_http_axum::ReadinessCheck {
    Arc::new(move || {
        let store = store.clone();
        Box::pin(async move {
            match store.is_migrated().await {
                Ok(true) => Ok(()),
                Ok(false) => Err("the database migrations are not applied".to_owned()),
                Err(error) => Err(format!("the store is unreachable: {error}")),
            }
        })
    })
}

/// Credentials shown once.
#[derive(Debug)]
pub struct Credentials {
    /// The partner.
    pub partner: Tenant,
    /// Its key.
    pub key: IssuedApiKey,
}

/// The HTTP server of a running gateway.
#[derive(Debug)]
struct Server {
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    /// The SMP's own listener, when it has one: how to stop it and its task.
    smp: Option<(oneshot::Sender<()>, JoinHandle<std::io::Result<()>>)>,
    smp_addr: Option<SocketAddr>,
}

/// A gateway serving (and, depending on its role, running jobs) in the background.
#[derive(Debug)]
pub struct Running {
    /// The bound address (useful with port 0); `None` for a worker-only process.
    pub addr: Option<SocketAddr>,
    /// The sandbox partner created on the first start of an empty store.
    pub bootstrap: Option<Credentials>,
    /// The SMP's own listener, when it has one.
    pub smp_addr: Option<SocketAddr>,
    /// The job workers; `None` for an API-only process.
    pub workers: Option<Workers>,
    server: Option<Server>,
    store: Stores,
    grace: Duration,
}

impl Running {
    /// Stops accepting connections and claiming jobs, lets in-flight requests and
    /// running jobs finish (up to the grace period; unfinished jobs are released for
    /// other workers), and closes the store.
    pub async fn shutdown(mut self) {
        let grace = self.grace;
        let server = async {
            let Some(mut server) = self.server.take() else {
                return;
            };
            let _receiver_gone = server.shutdown.send(());
            if let Some((sender, smp)) = server.smp.take() {
                let _receiver_gone = sender.send(());
                match tokio::time::timeout(grace, smp).await {
                    Ok(Ok(Ok(()))) => {}
                    Ok(Ok(Err(error))) => tracing::error!(%error, "SMP server failed"),
                    Ok(Err(error)) => tracing::error!(%error, "SMP server task failed"),
                    Err(_) => tracing::warn!("SMP requests did not finish within the grace period"),
                }
            }
            match tokio::time::timeout(grace, &mut server.task).await {
                Ok(Ok(Ok(()))) => tracing::info!("server stopped"),
                Ok(Ok(Err(error))) => tracing::error!(%error, "server failed"),
                Ok(Err(error)) => tracing::error!(%error, "server task failed"),
                Err(_) => {
                    tracing::warn!("in-flight requests did not finish within the grace period");
                    server.task.abort();
                }
            }
        };
        let workers = async {
            if let Some(workers) = self.workers.take() {
                workers.shutdown().await;
            }
        };
        tokio::join!(server, workers);
        self.store.close().await;
    }
}

/// The handlers of every job kind this build runs.
pub fn job_handlers() -> Handlers {
    let mut handlers = Handlers::new();
    for kind in JobKind::ALL {
        handlers = match kind {
            JobKind::Probe => handlers.with(kind, Arc::new(ProbeHandler)),
        };
    }
    handlers
}

/// The worker settings of `settings`.
pub fn worker_settings(settings: &ServeSettings) -> WorkerSettings {
    let lease = Duration::from_secs(settings.job_lease_secs);
    WorkerSettings {
        name: "einvoice".to_owned(),
        concurrency: usize::try_from(settings.worker_concurrency).unwrap_or(1),
        lease,
        heartbeat_every: lease / 3,
        poll_interval: Duration::from_millis(settings.job_poll_ms),
        shutdown_grace: Duration::from_secs(settings.shutdown_grace_secs),
    }
}

/// Opens the store, migrates it (when configured), and, as the role says, creates the
/// first partner on an empty store, binds the listener and serves, and starts the job
/// workers, all in the background.
pub async fn start(
    global: &GlobalSettings,
    settings: &ServeSettings,
) -> Result<Running, BuildError> {
    let role = settings.effective_role();
    let store = open_store(global).await?;
    if settings.migrate_on_start {
        migrate(&store).await?;
    }
    let (addr, bootstrap, server) = if role == Role::Worker {
        (None, None, None)
    } else {
        let (addr, bootstrap, server) = serve_api(global, settings, &store).await?;
        (Some(addr), bootstrap, Some(server))
    };
    let smp_addr = server.as_ref().and_then(|server| server.smp_addr);
    let workers = (role != Role::Api).then(|| {
        let workers = Workers::start(
            store.job_queue(),
            Arc::new(SystemClock),
            job_handlers(),
            worker_settings(settings),
        );
        tracing::info!(worker = %workers.worker_id(), concurrency = settings.worker_concurrency, "job workers started");
        workers
    });
    Ok(Running {
        addr,
        bootstrap,
        smp_addr,
        workers,
        server,
        store,
        grace: Duration::from_secs(settings.shutdown_grace_secs),
    })
}

async fn serve_api(
    global: &GlobalSettings,
    settings: &ServeSettings,
    store: &Stores,
) -> Result<(SocketAddr, Option<Credentials>, Server), BuildError> {
    let master_key = master_key(global)?;
    let services = services(store, master_key);
    let bootstrap = services
        .partners
        .bootstrap()
        .await
        .map_err(|error| BuildError::Startup(error.to_string()))?
        .map(|(partner, key)| {
            tracing::info!(tenant.id = %partner.id, "created the first partner (sandbox); its credentials are printed once");
            Credentials { partner, key }
        });
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|source| BuildError::Listen {
            addr: settings.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| BuildError::Listen {
        addr: settings.listen,
        source,
    })?;
    let base_url = settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_owned();
    let http = HttpSettings {
        body_limit_bytes: settings.body_limit_bytes,
        document_body_limit_bytes: settings.document_body_limit_bytes,
        request_timeout: Duration::from_secs(settings.request_timeout_secs),
    };
    let mut smp = None;
    let mut smp_server = None;
    let mut smp_addr = None;
    if settings.smp.enabled {
        let publishing = publishing(store, crate::smp::environment(&settings.smp)?);
        if let Some(listen) = settings.smp.listen {
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .map_err(|source| BuildError::Listen {
                    addr: listen,
                    source,
                })?;
            let addr = listener.local_addr().map_err(|source| BuildError::Listen {
                addr: listen,
                source,
            })?;
            let smp_url = settings
                .smp
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{addr}"));
            let state = crate::smp::state(global, &settings.smp, publishing, &base_url, &smp_url)?;
            let router = einvoice_http_axum::smp_router(state, http);
            let (stop, signal) = oneshot::channel::<()>();
            let server = tokio::spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        drop(signal.await);
                    })
                    .await
            });
            tracing::info!(%addr, "SMP listening");
            smp_server = Some((stop, server));
            smp_addr = Some(addr);
        } else {
            let prefix = format!("/{}", settings.smp.path_prefix.trim_matches('/'));
            let smp_url = settings
                .smp
                .public_url
                .clone()
                .unwrap_or_else(|| format!("{base_url}{}", prefix.trim_end_matches('/')));
            let state = crate::smp::state(global, &settings.smp, publishing, &base_url, &smp_url)?;
            smp = Some((prefix, state));
        }
    }
    let state = AppState {
        tenants: services.tenants,
        api_keys: services.api_keys,
        legal_entities: services.legal_entities,
        documents: services.documents,
        events: services.events,
        webhooks: services.webhooks,
        document_limits: ParseLimits::default(),
        base_url,
        readiness: readiness(store.clone()),
        smp,
    };
    let router = einvoice_http_axum::router(state, http);
    let (shutdown, signal) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                drop(signal.await);
            })
            .await
    });
    tracing::info!(%addr, "listening");
    Ok((
        addr,
        bootstrap,
        Server {
            shutdown,
            task,
            smp: smp_server,
            smp_addr,
        },
    ))
}
