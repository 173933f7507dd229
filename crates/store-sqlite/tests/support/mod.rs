//! Fresh, migrated stores for the tests.

use einvoice_store_sqlite::SqliteStore;
use tempfile::TempDir;

/// A fresh, migrated in-memory store.
pub(crate) async fn fresh_in_memory_store() -> Box<SqliteStore> {
    let store = SqliteStore::in_memory().await.expect("in-memory store");
    store.migrate().await.expect("migrate");
    Box::new(store)
}

/// A migrated store on a database file (WAL mode, a pool of connections) in a
/// temporary directory that lives, and is removed, with the store.
#[derive(Debug)]
pub(crate) struct FileStore {
    store: SqliteStore,
    _dir: TempDir,
}

/// A fresh, migrated store on a new database file.
pub(crate) async fn fresh_file_store() -> FileStore {
    let dir = TempDir::new().expect("temporary directory");
    let store = SqliteStore::open(&dir.path().join("gateway.db"))
        .await
        .expect("open store");
    store.migrate().await.expect("migrate");
    FileStore { store, _dir: dir }
}

impl std::ops::Deref for FileStore {
    type Target = SqliteStore;

    fn deref(&self) -> &SqliteStore {
        &self.store
    }
}
