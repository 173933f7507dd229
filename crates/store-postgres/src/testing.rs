//! Test support (feature `testing`): which server the PostgreSQL tests use, and a fresh
//! schema per test.
//!
//! The tests read the database URL from `EINVOICE_TEST_DATABASE_URL` (for example
//! `postgres://postgres@127.0.0.1:5432/einvoice_ci`). When it is not set, each test
//! prints one line saying so and passes without running, so that `cargo test` works on a
//! machine without PostgreSQL; with `EINVOICE_REQUIRE_POSTGRES=1` (as CI sets it) a
//! missing URL fails the tests instead, so they cannot be skipped silently.
//!
//! Each test gets its own schema in that database ([`TestSchema`]): tests run in
//! parallel without seeing each other's rows, and the schema is dropped when the test
//! ends.

use std::io::Write as _;

use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;

use crate::PgStoreError;

/// The variable naming the test database.
pub const DATABASE_URL_VARIABLE: &str = "EINVOICE_TEST_DATABASE_URL";

/// The variable that turns a missing test database into a failure (`1`).
pub const REQUIRE_VARIABLE: &str = "EINVOICE_REQUIRE_POSTGRES";

/// What a test prints when it does not run.
pub const SKIPPED: &str =
    "skipped: EINVOICE_TEST_DATABASE_URL is not set; PostgreSQL tests did not run";

/// The test database URL from [`DATABASE_URL_VARIABLE`].
///
/// When it is not set (or empty), prints [`SKIPPED`] to standard error (past the test
/// harness's capture, so it shows in a normal `cargo test` run) and returns `None`.
///
/// # Panics
/// When it is not set and [`REQUIRE_VARIABLE`] is `1`.
pub fn database_url() -> Option<String> {
    match std::env::var(DATABASE_URL_VARIABLE) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var(REQUIRE_VARIABLE).as_deref() != Ok("1"),
                "{REQUIRE_VARIABLE}=1 but {DATABASE_URL_VARIABLE} is not set: \
                 the PostgreSQL tests cannot run"
            );
            // `eprintln!` would be captured (and hidden) for a passing test.
            let _unwritable = writeln!(std::io::stderr(), "{SKIPPED}");
            None
        }
    }
}

/// A new, empty schema in a test database, with a URL that makes it the connection's
/// `search_path`. Dropped (`CASCADE`) with the guard; if that fails (it is logged to
/// standard error), dropping the database cleans up.
#[derive(Debug)]
pub struct TestSchema {
    name: String,
    base_url: String,
    url: String,
}

impl TestSchema {
    /// Creates a uniquely named schema (`einvoice_test_<uuid>`) in the database at
    /// `base_url`.
    pub async fn create(base_url: &str) -> Result<Self, PgStoreError> {
        let name = format!("einvoice_test_{}", Uuid::now_v7().simple());
        let mut connection = admin_connection(base_url).await?;
        sqlx::query(&format!("CREATE SCHEMA \"{name}\""))
            .execute(&mut connection)
            .await
            .map_err(|error| PgStoreError::Query(error.to_string()))?;
        drop(connection.close().await);
        let separator = if base_url.contains('?') { '&' } else { '?' };
        // libpq's `options` parameter, percent-encoded: `-c search_path=<name>`. A
        // later `-c` wins, so this overrides any search_path already in `base_url`.
        let url = format!("{base_url}{separator}options=-c%20search_path%3D{name}");
        Ok(Self {
            name,
            base_url: base_url.to_owned(),
            url,
        })
    }

    /// The schema's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The database URL with this schema as its `search_path`: what a store (or the
    /// gateway's `EINVOICE_DATABASE_URL`) connects with.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        let name = self.name.clone();
        let base_url = self.base_url.clone();
        // `Drop` cannot await, and the test's runtime may be single-threaded: drop the
        // schema on a thread of its own. The adapter rolls back failed transactions at
        // once, so the test's idle connections hold no lock that would block this.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| error.to_string())?;
            runtime
                .block_on(drop_schema(&base_url, &name))
                .map_err(|error| error.to_string())
        })
        .join();
        let failure = match dropped {
            Ok(Ok(())) => return,
            Ok(Err(message)) => message,
            Err(_) => "the cleanup thread panicked".to_owned(),
        };
        let _unwritable = writeln!(
            std::io::stderr(),
            "warning: test schema {} was not dropped ({failure}); dropping the database removes it",
            self.name
        );
    }
}

/// A single connection to the test database itself (not to a test schema).
async fn admin_connection(base_url: &str) -> Result<PgConnection, PgStoreError> {
    PgConnection::connect(base_url)
        .await
        .map_err(|error| PgStoreError::Connect {
            target: DATABASE_URL_VARIABLE.to_owned(),
            message: error.to_string(),
        })
}

async fn drop_schema(base_url: &str, name: &str) -> Result<(), PgStoreError> {
    let query_error = |error: sqlx::Error| PgStoreError::Query(error.to_string());
    let mut connection = admin_connection(base_url).await?;
    // Never hang a test run on a lock: give up and leave the schema to the database drop.
    sqlx::query("SET lock_timeout = '10s'")
        .execute(&mut connection)
        .await
        .map_err(query_error)?;
    sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"))
        .execute(&mut connection)
        .await
        .map_err(query_error)?;
    drop(connection.close().await);
    Ok(())
}
