//! The PostgreSQL adapter of the gateway's store ports: one [`PgStore`] implements
//! [`TenantStore`], [`ApiKeyStore`], [`LegalEntityStore`], [`EventLog`] and the job queue
//! ([`JobQueue`]) on one database (or one schema of it), for deployments that share a database server between
//! replicas.
//!
//! ```no_run
//! # async fn wire() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//!
//! use einvoice_domain::ports::Store;
//! use einvoice_store_postgres::PgStore;
//!
//! // `?options=-c%20search_path%3Deinvoice` would put the tables in schema `einvoice`.
//! let store = PgStore::connect("postgres://gateway@db.internal/einvoice").await?;
//! store.migrate().await?; // explicit: `connect` never changes the schema
//! let store: Arc<dyn Store> = Arc::new(store);
//! # Ok(())
//! # }
//! ```
//!
//! # Decisions
//!
//! - **Runtime queries.** SQL is written as runtime `sqlx::query(...).bind(...)` (and
//!   `QueryBuilder` for the lists' optional filters), like the SQLite adapter: no
//!   `.sqlx/` offline data and no database at build time. The contract suite
//!   (`tests/contract.rs`), run against a real server, is what checks the SQL.
//! - **Native types.** `uuid` ids, `timestamptz` timestamps (microseconds, as the
//!   domain's clock), `jsonb` metadata and event data, `bytea` hashes and sealed
//!   secrets, text sorted `COLLATE "C"` (code point order, whatever the database's
//!   collation); see `migrations/0001_initial.sql`.
//! - **Rows are local.** Each table has a row struct in this crate, converted to the
//!   domain type with `TryFrom` through the domain's own constructors
//!   (`CompanyName::parse`, `ParticipantId::new`, `LegalEntityStatus::from_parts`, ...).
//!   A stored value that no longer parses is a [`StoreError::Unexpected`] naming the
//!   table, the row and the column.
//! - **One transaction per port call.** Every method that takes `events` writes the
//!   change and the events in one READ COMMITTED transaction, rolled back explicitly on
//!   any error (so no connection goes back to the pool holding locks). Appending events
//!   takes `LOCK TABLE events IN EXCLUSIVE MODE` until commit, so sequence numbers are
//!   handed out in commit order and a feed reader that resumes `after` a number never
//!   misses an event committed later with a smaller one. Lists read their page and
//!   their total in one REPEATABLE READ, READ ONLY transaction (one snapshot).
//! - **Uniqueness in the database.** Tenant codes and participant ids are unique
//!   indexes; their violations are mapped to [`StoreError::Duplicate`] by the
//!   constraint name PostgreSQL reports, so the domain never sees a driver error.
//! - **Optimistic concurrency.** Legal entities are updated `WHERE id = $1 AND version =
//!   $n`: a concurrent writer makes the second wait, then its WHERE clause is re-checked
//!   on the new row version and matches nothing; a second look tells
//!   [`StoreError::Conflict`] from [`StoreError::NotFound`].
//! - **Scoped queries.** Every statement that has a tenant (or partner) in hand filters
//!   by it, updates included.
//! - **Jobs.** Enqueued in the transaction of the change that carries them (before its
//!   events, whose lock is held until commit); claimed with `FOR UPDATE SKIP LOCKED`, so
//!   workers of many processes never wait for or double-claim each other; every later
//!   call on a job is fenced by its lease token (`src/jobs.rs`,
//!   `migrations/0002_jobs.sql`).
//! - **Never secrets.** API keys are stored as the token's SHA-256 and the sealed
//!   signing secret; nothing here logs row contents, and connection errors name the
//!   server and database but never the URL (which may hold a password).
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
#[cfg(feature = "testing")]
pub mod testing;
mod webhooks;

use std::time::Duration;

use einvoice_domain::ports::StoreError;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions as _, Connection as _, Postgres, Transaction};

use crate::error::store_error;

/// The embedded migrations (`migrations/`). Never edit an applied migration: sqlx
/// refuses to run when an applied migration's checksum changed; add a new one.
static MIGRATOR: Migrator = sqlx::migrate!();

/// Connections per store (per gateway process).
const MAX_CONNECTIONS: u32 = 10;

/// How long a caller waits for a free connection, and a new connection for the server.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a store could not be connected, migrated or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PgStoreError {
    /// The URL is not a PostgreSQL connection URL.
    #[error("invalid postgresql url: {0}")]
    InvalidUrl(String),
    /// The server could not be reached or refused the connection.
    #[error("cannot connect to postgresql at {target}: {message}")]
    Connect {
        /// `host:port/database` (never the password).
        target: String,
        /// The driver's message.
        message: String,
    },
    /// The embedded migrations could not be applied.
    #[error("cannot migrate the postgresql database: {0}")]
    Migrate(String),
    /// A query failed.
    #[error("postgresql query failed: {0}")]
    Query(String),
}

/// Every store port on one PostgreSQL database. Cheap to clone: clones share the pool.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB`,
    /// or `postgresql://`, with libpq-style parameters such as `sslmode=require` or
    /// `options=-c%20search_path%3DSCHEMA`), with a pool of up to 10 connections. One
    /// connection is opened now, so a wrong URL or an unreachable server fails here.
    ///
    /// Does not migrate: call [`PgStore::migrate`] (or check [`PgStore::is_migrated`])
    /// before use.
    pub async fn connect(url: &str) -> Result<Self, PgStoreError> {
        let options: PgConnectOptions = url
            .parse()
            .map_err(|error: sqlx::Error| PgStoreError::InvalidUrl(error.to_string()))?;
        let target = format!(
            "{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options
                .get_database()
                .unwrap_or_else(|| options.get_username())
        );
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await;
        match pool {
            Ok(pool) => Ok(Self { pool }),
            Err(error) => {
                // The pool retries until its timeout and then only says it timed out;
                // one direct attempt tells why (refused, unknown host, bad password...).
                let message = match options.connect().await {
                    Err(cause) => cause.to_string(),
                    Ok(connection) => {
                        drop(connection.close().await);
                        error.to_string()
                    }
                };
                Err(PgStoreError::Connect { target, message })
            }
        }
    }

    /// Applies the embedded migrations that are not applied yet; idempotent. Safe to run
    /// from several processes at once: sqlx serialises them with an advisory lock.
    #[tracing::instrument(skip_all)]
    pub async fn migrate(&self) -> Result<(), PgStoreError> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|error| PgStoreError::Migrate(error.to_string()))
    }

    /// Whether every embedded migration has been applied successfully in the schema the
    /// connection uses (a readiness check; it changes nothing).
    pub async fn is_migrated(&self) -> Result<bool, PgStoreError> {
        let query_error = |error: sqlx::Error| PgStoreError::Query(error.to_string());
        let has_table: bool =
            sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                .fetch_one(&self.pool)
                .await
                .map_err(query_error)?;
        if !has_table {
            return Ok(false);
        }
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await
                .map_err(query_error)?;
        Ok(MIGRATOR
            .iter()
            .filter(|migration| !migration.migration_type.is_down_migration())
            .all(|migration| applied.contains(&migration.version)))
    }

    /// Checks that the database answers (a liveness check).
    pub async fn ping(&self) -> Result<(), PgStoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|error| PgStoreError::Query(error.to_string()))
    }

    /// Closes every connection, waiting for those in use to be returned. Every later
    /// call on this store (or its clones) fails.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A write transaction (READ COMMITTED, the server's default).
    async fn write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool.begin().await.map_err(store_error)
    }

    /// A read transaction: its statements see one snapshot.
    async fn read(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await
            .map_err(store_error)
    }
}

/// Ends a transaction: commits when `result` is a success, rolls back now otherwise (so
/// the connection goes back to the pool without locks), and returns `result`.
async fn finish<T>(
    transaction: Transaction<'static, Postgres>,
    result: Result<T, StoreError>,
) -> Result<T, StoreError> {
    match result {
        Ok(value) => {
            transaction.commit().await.map_err(store_error)?;
            Ok(value)
        }
        Err(error) => {
            if let Err(rollback) = transaction.rollback().await {
                tracing::warn!(error = %rollback, "rollback failed");
            }
            Err(error)
        }
    }
}
