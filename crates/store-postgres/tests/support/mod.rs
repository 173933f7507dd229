//! Fresh, migrated stores for the tests, each in a schema of its own in the database
//! named by `EINVOICE_TEST_DATABASE_URL` (see `einvoice_store_postgres::testing`).

use einvoice_store_postgres::PgStore;
use einvoice_store_postgres::testing::{self, TestSchema};

/// A migrated store on a fresh schema; the schema is dropped with it.
#[derive(Debug)]
pub(crate) struct TestStore {
    // Field order is drop order: the pool goes before its schema.
    store: PgStore,
    _schema: TestSchema,
}

impl std::ops::Deref for TestStore {
    type Target = PgStore;

    fn deref(&self) -> &PgStore {
        &self.store
    }
}

/// A fresh, migrated store; `None` (after printing why) when no test database is
/// configured.
///
/// # Panics
/// When the test database is configured but unusable, or required but not configured.
pub(crate) async fn fresh_store() -> Option<TestStore> {
    let url = testing::database_url()?;
    let schema = TestSchema::create(&url)
        .await
        .expect("create a test schema");
    let store = PgStore::connect(schema.url()).await.expect("connect");
    store.migrate().await.expect("migrate");
    Some(TestStore {
        store,
        _schema: schema,
    })
}
