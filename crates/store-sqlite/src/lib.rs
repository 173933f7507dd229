//! The SQLite adapter of the gateway's store ports, the embedded default: one
//! [`SqliteStore`] implements [`TenantStore`], [`ApiKeyStore`], [`LegalEntityStore`],
//! [`EventLog`] and the job queue ([`JobQueue`]) on one database file.
//!
//! ```no_run
//! # async fn wire() -> Result<(), Box<dyn std::error::Error>> {
//! use std::path::Path;
//! use std::sync::Arc;
//!
//! use einvoice_domain::ports::Store;
//! use einvoice_store_sqlite::SqliteStore;
//!
//! let store = SqliteStore::open(Path::new("gateway.db")).await?;
//! store.migrate().await?; // explicit: `open` never changes the schema
//! let store: Arc<dyn Store> = Arc::new(store);
//! # Ok(())
//! # }
//! ```
//!
//! # Decisions
//!
//! - **Runtime queries.** SQL is written as runtime `sqlx::query(...).bind(...)` (and
//!   `QueryBuilder` for the lists' optional filters), not the compile-time checked
//!   `query!` macros: no `.sqlx/` offline data to keep in sync and no database at build
//!   time. The contract suite (`tests/contract.rs`) is what checks the SQL.
//! - **Rows are local.** Each table has a row struct in this crate, converted to the
//!   domain type with `TryFrom` through the domain's own constructors
//!   (`CompanyName::parse`, `ParticipantId::new`, `LegalEntityStatus::from_parts`, ...).
//!   A stored value that no longer parses is a [`StoreError::Unexpected`] naming the
//!   table, the row and the column.
//! - **One transaction per port call.** Every method that takes `events` writes the
//!   change and the events in one transaction. Writes begin with `BEGIN IMMEDIATE`, so
//!   a writer takes the write lock up front (waiting up to the busy timeout) instead of
//!   failing with `SQLITE_BUSY` when upgrading a read lock; lists read their page and
//!   their total in one snapshot.
//! - **Uniqueness in the database.** Tenant codes and participant ids are unique
//!   indexes; their violations are mapped to [`StoreError::Duplicate`] here, by the
//!   index SQLite names, so the domain never sees a driver error.
//! - **Optimistic concurrency.** Legal entities are updated `WHERE id = ? AND version =
//!   ?`; when no row matches, a second look tells [`StoreError::Conflict`] from
//!   [`StoreError::NotFound`].
//! - **Storage formats.** UUIDs as hyphenated TEXT, timestamps as INTEGER unix
//!   microseconds (read back in UTC), text in SQLite's BINARY collation (code point
//!   order); see `migrations/0001_initial.sql`.
//! - **Jobs.** Enqueued in the transaction of the change that carries them; claimed in a
//!   `BEGIN IMMEDIATE` transaction (the write lock is the claim lock, also across
//!   processes on one file); every later call on a job is fenced by its lease token
//!   (`src/jobs.rs`, `migrations/0002_jobs.sql`).
//! - **Never secrets.** API keys are stored as the token's SHA-256 and the sealed
//!   signing secret; nothing here logs row contents.
//!
//! [`TenantStore`]: einvoice_domain::ports::TenantStore
//! [`ApiKeyStore`]: einvoice_domain::ports::ApiKeyStore
//! [`LegalEntityStore`]: einvoice_domain::ports::LegalEntityStore
//! [`EventLog`]: einvoice_domain::ports::EventLog
//! [`JobQueue`]: einvoice_domain::ports::JobQueue
//! [`StoreError::Unexpected`]: einvoice_domain::ports::StoreError::Unexpected
//! [`StoreError::Duplicate`]: einvoice_domain::ports::StoreError::Duplicate
//! [`StoreError::Conflict`]: einvoice_domain::ports::StoreError::Conflict
//! [`StoreError::NotFound`]: einvoice_domain::ports::StoreError::NotFound

mod api_keys;
mod convert;
mod documents;
mod error;
mod events;
mod jobs;
mod legal_entities;
mod list;
mod tenants;
mod webhooks;

use std::path::{Path, PathBuf};
use std::time::Duration;

use einvoice_domain::ports::StoreError;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use crate::error::store_error;

/// The embedded migrations (`migrations/`). Never edit an applied migration: sqlx
/// refuses to run when an applied migration's checksum changed; add a new one.
static MIGRATOR: Migrator = sqlx::migrate!();

/// How long a statement waits for another connection's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections of a file-backed store: SQLite has one writer at a time anyway, and WAL
/// lets a few readers run beside it.
const MAX_CONNECTIONS: u32 = 4;

/// Why a store could not be opened, migrated or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SqliteStoreError {
    /// The database file could not be opened or created.
    #[error("cannot open the sqlite database at {}: {message}", .path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// The driver's message.
        message: String,
    },
    /// The embedded migrations could not be applied.
    #[error("cannot migrate the sqlite database: {0}")]
    Migrate(String),
    /// A query failed.
    #[error("sqlite query failed: {0}")]
    Query(String),
}

/// Every store port on one SQLite database. Cheap to clone: clones share the pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens the database file at `path`, creating it when missing, with WAL journal
    /// mode, foreign keys on, a busy timeout of 5 s, `synchronous = NORMAL` (durable
    /// with WAL except for the last commits on a power loss) and a pool of up to 4
    /// connections.
    ///
    /// Does not migrate: call [`SqliteStore::migrate`] (or check
    /// [`SqliteStore::is_migrated`]) before use.
    pub async fn open(path: &Path) -> Result<Self, SqliteStoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(|error| SqliteStoreError::Open {
                path: path.to_owned(),
                message: error.to_string(),
            })?;
        Ok(Self { pool })
    }

    /// A new, private, empty in-memory database (for tests), not migrated.
    ///
    /// The database lives in the pool's single connection, which is never recycled;
    /// it disappears with the store. One connection also means one caller at a time.
    pub async fn in_memory() -> Result<Self, SqliteStoreError> {
        let options = SqliteConnectOptions::new()
            .in_memory(true)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(|error| SqliteStoreError::Open {
                path: PathBuf::from(":memory:"),
                message: error.to_string(),
            })?;
        Ok(Self { pool })
    }

    /// Applies the embedded migrations that are not applied yet; idempotent.
    #[tracing::instrument(skip_all)]
    pub async fn migrate(&self) -> Result<(), SqliteStoreError> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|error| SqliteStoreError::Migrate(error.to_string()))
    }

    /// Whether every embedded migration has been applied successfully (a readiness
    /// check; it changes nothing).
    pub async fn is_migrated(&self) -> Result<bool, SqliteStoreError> {
        let query_error = |error: sqlx::Error| SqliteStoreError::Query(error.to_string());
        let has_table: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(query_error)?;
        if !has_table {
            return Ok(false);
        }
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1")
                .fetch_all(&self.pool)
                .await
                .map_err(query_error)?;
        Ok(MIGRATOR
            .iter()
            .filter(|migration| !migration.migration_type.is_down_migration())
            .all(|migration| applied.contains(&migration.version)))
    }

    /// Checks that the database answers (a liveness check).
    pub async fn ping(&self) -> Result<(), SqliteStoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|error| SqliteStoreError::Query(error.to_string()))
    }

    /// Closes every connection, waiting for those in use to be returned. When the last
    /// connection to a file closes, SQLite checkpoints the WAL into the database file.
    /// Every later call on this store (or its clones) fails.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A write transaction that holds the database's write lock from its first
    /// statement (`BEGIN IMMEDIATE`).
    async fn write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(store_error)
    }

    /// A read transaction: its statements see one snapshot.
    async fn read(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool.begin().await.map_err(store_error)
    }
}

/// Commits a transaction, mapping the error.
async fn commit(transaction: Transaction<'static, Sqlite>) -> Result<(), StoreError> {
    transaction.commit().await.map_err(store_error)
}
