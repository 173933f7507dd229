//! Composition: the only place that names concrete adapters. `main` and the end-to-end
//! tests both go through [`start`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use einvoice_domain::api_key::IssuedApiKey;
use einvoice_domain::clock::{Clock, SystemClock};
use einvoice_domain::secret::MasterKey;
use einvoice_domain::service::{ApiKeyService, LegalEntityService, PartnerService, TenantService};
use einvoice_domain::tenant::Tenant;
use einvoice_http_axum::{AppState, HttpSettings};
use einvoice_store_sqlite::SqliteStore;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::{GlobalSettings, ServeSettings};

/// Why the gateway could not start.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The database URL is not one this build supports.
    #[error("unsupported database URL `{0}`: this build supports sqlite://PATH")]
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
}

/// Where the SQLite database lives.
pub fn database_path(global: &GlobalSettings) -> Result<PathBuf, BuildError> {
    match &global.database_url {
        None => Ok(global.data_dir.join("einvoice.db")),
        Some(url) => url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .filter(|path| !path.is_empty())
            .map(PathBuf::from)
            .ok_or_else(|| BuildError::UnsupportedDatabase(url.clone())),
    }
}

/// Opens the store (creating the data directory and database file if needed).
pub async fn open_store(global: &GlobalSettings) -> Result<Arc<SqliteStore>, BuildError> {
    let path = database_path(global)?;
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|error| {
            BuildError::Database(format!("cannot create {}: {error}", parent.display()))
        })?;
    }
    let store = SqliteStore::open(&path)
        .await
        .map_err(|error| BuildError::Database(error.to_string()))?;
    tracing::info!(path = %path.display(), "SQLite store opened");
    Ok(Arc::new(store))
}

/// Applies migrations.
pub async fn migrate(store: &SqliteStore) -> Result<(), BuildError> {
    store
        .migrate()
        .await
        .map_err(|error| BuildError::Database(error.to_string()))?;
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
}

/// Wires the services to `store`.
pub fn services(store: &Arc<SqliteStore>, master_key: MasterKey) -> Services {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let tenants = TenantService::new(store.clone(), store.clone(), clock.clone());
    Services {
        partners: PartnerService::new(store.clone(), clock.clone(), master_key.clone()),
        api_keys: ApiKeyService::new(
            store.clone(),
            store.clone(),
            tenants.clone(),
            clock.clone(),
            master_key,
        ),
        legal_entities: LegalEntityService::new(store.clone(), clock),
        tenants,
    }
}

/// Credentials shown once.
#[derive(Debug)]
pub struct Credentials {
    /// The partner.
    pub partner: Tenant,
    /// Its key.
    pub key: IssuedApiKey,
}

/// A gateway serving in the background.
#[derive(Debug)]
pub struct Running {
    /// The bound address (useful with port 0).
    pub addr: SocketAddr,
    /// The sandbox partner created on the first start of an empty store.
    pub bootstrap: Option<Credentials>,
    shutdown: Option<oneshot::Sender<()>>,
    server: JoinHandle<std::io::Result<()>>,
    store: Arc<SqliteStore>,
    grace: Duration,
}

impl Running {
    /// Stops accepting connections, lets in-flight requests finish (up to the grace
    /// period), and closes the store.
    pub async fn shutdown(mut self) {
        if let Some(sender) = self.shutdown.take() {
            let _receiver_gone = sender.send(());
        }
        match tokio::time::timeout(self.grace, &mut self.server).await {
            Ok(Ok(Ok(()))) => tracing::info!("server stopped"),
            Ok(Ok(Err(error))) => tracing::error!(%error, "server failed"),
            Ok(Err(error)) => tracing::error!(%error, "server task failed"),
            Err(_) => {
                tracing::warn!("in-flight requests did not finish within the grace period");
                self.server.abort();
            }
        }
        self.store.close().await;
    }
}

/// Opens the store, migrates it (when configured), creates the first partner on an
/// empty store, binds the listener and serves in the background.
pub async fn start(
    global: &GlobalSettings,
    settings: &ServeSettings,
) -> Result<Running, BuildError> {
    let store = open_store(global).await?;
    if settings.migrate_on_start {
        migrate(&store).await?;
    }
    let master_key = master_key(global)?;
    let services = services(&store, master_key);
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
    let state = AppState {
        tenants: services.tenants,
        api_keys: services.api_keys,
        legal_entities: services.legal_entities,
        base_url,
    };
    let http = HttpSettings {
        body_limit_bytes: settings.body_limit_bytes,
        request_timeout: Duration::from_secs(settings.request_timeout_secs),
    };
    let router = einvoice_http_axum::router(state, http);
    let (shutdown, signal) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                drop(signal.await);
            })
            .await
    });
    tracing::info!(%addr, "listening");
    Ok(Running {
        addr,
        bootstrap,
        shutdown: Some(shutdown),
        server,
        store,
        grace: Duration::from_secs(settings.shutdown_grace_secs),
    })
}
