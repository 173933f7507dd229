//! Fresh, migrated stores for the tests.

use async_trait::async_trait;
use einvoice_domain::api_key::{ApiKey, KeyHash};
use einvoice_domain::environment::Environment;
use einvoice_domain::event::{EventRecord, StoredEvent};
use einvoice_domain::ids::{ApiKeyId, LegalEntityId, TenantId};
use einvoice_domain::legal_entity::LegalEntity;
use einvoice_domain::ports::{
    ApiKeyQuery, ApiKeyStore, EventLog, EventQuery, LegalEntityQuery, LegalEntityStore, Page,
    StoreError, TenantInsert, TenantQuery, TenantStore, VersionedEntity,
};
use einvoice_domain::tenant::Tenant;
use einvoice_store_sqlite::SqliteStore;
use tempfile::TempDir;
use time::OffsetDateTime;

/// A fresh, migrated in-memory store.
pub(crate) async fn fresh_in_memory_store() -> SqliteStore {
    let store = SqliteStore::in_memory().await.expect("in-memory store");
    store.migrate().await.expect("migrate");
    store
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

// The contract takes a `Store`; a `FileStore` is one by delegation, so the temporary
// directory lives exactly as long as the test's store.

#[async_trait]
impl TenantStore for FileStore {
    async fn insert_tenant(&self, insert: &TenantInsert) -> Result<(), StoreError> {
        self.store.insert_tenant(insert).await
    }

    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        self.store.tenant(id).await
    }

    async fn list_tenants(
        &self,
        partner: TenantId,
        query: &TenantQuery,
    ) -> Result<Page<Tenant>, StoreError> {
        self.store.list_tenants(partner, query).await
    }

    async fn update_tenant(
        &self,
        tenant: &Tenant,
        events: &[EventRecord],
    ) -> Result<(), StoreError> {
        self.store.update_tenant(tenant, events).await
    }

    async fn delete_tenant(
        &self,
        tenant: &Tenant,
        archived: &[VersionedEntity],
        events: &[EventRecord],
    ) -> Result<(), StoreError> {
        self.store.delete_tenant(tenant, archived, events).await
    }

    async fn count_partners(&self) -> Result<u64, StoreError> {
        self.store.count_partners().await
    }
}

#[async_trait]
impl ApiKeyStore for FileStore {
    async fn insert_api_key(&self, key: &ApiKey, events: &[EventRecord]) -> Result<(), StoreError> {
        self.store.insert_api_key(key, events).await
    }

    async fn api_key_by_hash(&self, hash: &KeyHash) -> Result<Option<ApiKey>, StoreError> {
        self.store.api_key_by_hash(hash).await
    }

    async fn api_key(&self, tenant: TenantId, id: ApiKeyId) -> Result<Option<ApiKey>, StoreError> {
        self.store.api_key(tenant, id).await
    }

    async fn list_api_keys(
        &self,
        tenant: TenantId,
        query: &ApiKeyQuery,
    ) -> Result<Page<ApiKey>, StoreError> {
        self.store.list_api_keys(tenant, query).await
    }

    async fn latest_api_key(&self, tenant: TenantId) -> Result<Option<ApiKey>, StoreError> {
        self.store.latest_api_key(tenant).await
    }

    async fn update_api_key(&self, key: &ApiKey, events: &[EventRecord]) -> Result<(), StoreError> {
        self.store.update_api_key(key, events).await
    }

    async fn record_api_key_use(&self, id: ApiKeyId, at: OffsetDateTime) -> Result<(), StoreError> {
        self.store.record_api_key_use(id, at).await
    }
}

#[async_trait]
impl LegalEntityStore for FileStore {
    async fn insert_legal_entity(
        &self,
        entity: &LegalEntity,
        events: &[EventRecord],
    ) -> Result<(), StoreError> {
        self.store.insert_legal_entity(entity, events).await
    }

    async fn legal_entity(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: LegalEntityId,
    ) -> Result<Option<LegalEntity>, StoreError> {
        self.store.legal_entity(tenant, environment, id).await
    }

    async fn list_legal_entities(
        &self,
        tenant: TenantId,
        environment: Environment,
        query: &LegalEntityQuery,
    ) -> Result<Page<LegalEntity>, StoreError> {
        self.store
            .list_legal_entities(tenant, environment, query)
            .await
    }

    async fn live_legal_entities(&self, tenant: TenantId) -> Result<Vec<LegalEntity>, StoreError> {
        self.store.live_legal_entities(tenant).await
    }

    async fn update_legal_entity(
        &self,
        entity: &LegalEntity,
        expected_version: u64,
        events: &[EventRecord],
    ) -> Result<(), StoreError> {
        self.store
            .update_legal_entity(entity, expected_version, events)
            .await
    }
}

#[async_trait]
impl EventLog for FileStore {
    async fn events(&self, query: EventQuery) -> Result<Vec<StoredEvent>, StoreError> {
        self.store.events(query).await
    }
}
