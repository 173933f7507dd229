//! What the contract cannot see: migrations, persistence across restarts, concurrent
//! writers on a real file, secrets at rest, and stored values that no longer parse.

use std::path::{Path, PathBuf};

use einvoice_domain::api_key::{ApiKey, NewApiKey};
use einvoice_domain::environment::Environment;
use einvoice_domain::event::{EventRecord, TenantChange};
use einvoice_domain::legal_entity::Trigger;
use einvoice_domain::ports::{
    ApiKeyStore, EventLog, EventQuery, LegalEntityStore, StoreError, TenantInsert, TenantStore,
    Uniqueness,
};
use einvoice_domain::tenant::Tenant;
use einvoice_domain::testing::fixtures::{self, T0};
use einvoice_domain::text::KeyName;
use einvoice_store_sqlite::{SqliteStore, SqliteStoreError};
use sqlx::Connection as _;
use tempfile::TempDir;

/// The database file in `dir`.
fn database(dir: &TempDir) -> PathBuf {
    dir.path().join("gateway.db")
}

/// A migrated store on the database file in `dir`.
async fn open_migrated(dir: &TempDir) -> SqliteStore {
    let store = SqliteStore::open(&database(dir)).await.expect("open");
    store.migrate().await.expect("migrate");
    store
}

async fn insert_tenant(store: &SqliteStore, tenant: &Tenant) {
    let insert = TenantInsert {
        tenant: tenant.clone(),
        legal_entity: None,
        api_key: None,
        events: vec![fixtures::created_event(tenant)],
        jobs: Vec::new(),
    };
    store.insert_tenant(&insert).await.expect("insert tenant");
}

async fn event_count(store: &SqliteStore, partner: &Tenant) -> usize {
    let query = EventQuery::partner(partner.id, 0, 1000);
    store.events(query).await.expect("events").len()
}

/// Every byte of every file in `dir` (the database, and its WAL if one is left).
fn bytes_of_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|entry| {
            let path = entry.expect("dir entry").path();
            let bytes = std::fs::read(&path).expect("read file");
            (path, bytes)
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[tokio::test]
async fn migrations_are_idempotent() {
    let dir = TempDir::new().unwrap();
    let store = SqliteStore::open(&database(&dir)).await.unwrap();
    assert!(!store.is_migrated().await.unwrap());
    store.migrate().await.unwrap();
    assert!(store.is_migrated().await.unwrap());
    store.migrate().await.unwrap();
    assert!(store.is_migrated().await.unwrap());
    store.ping().await.unwrap();
}

#[tokio::test]
async fn in_memory_migrations_are_idempotent() {
    let store = SqliteStore::in_memory().await.unwrap();
    assert!(!store.is_migrated().await.unwrap());
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    assert!(store.is_migrated().await.unwrap());
}

#[tokio::test]
async fn in_memory_stores_are_isolated() {
    let first = SqliteStore::in_memory().await.unwrap();
    let second = SqliteStore::in_memory().await.unwrap();
    first.migrate().await.unwrap();
    second.migrate().await.unwrap();
    let partner = fixtures::partner("Partner One");
    insert_tenant(&first, &partner).await;
    assert!(first.tenant(partner.id).await.unwrap().is_some());
    assert_eq!(second.tenant(partner.id).await.unwrap(), None);
}

#[tokio::test]
async fn unopenable_path_is_an_open_error() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("missing-directory").join("gateway.db");
    let error = SqliteStore::open(&path).await.unwrap_err();
    assert!(
        matches!(&error, SqliteStoreError::Open { path: failed, .. } if *failed == path),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("cannot open the sqlite database at "),
        "{error}"
    );
}

#[tokio::test]
async fn reopened_store_sees_the_data() {
    let dir = TempDir::new().unwrap();
    let store = open_migrated(&dir).await;
    let partner = fixtures::partner("Partner One");
    let entity = fixtures::legal_entity(&partner, Environment::Sandbox, 1, "Partner One SA");
    let key = fixtures::api_key(&partner, Environment::Sandbox, "initial", T0);
    let insert = TenantInsert {
        tenant: partner.clone(),
        legal_entity: Some(entity.clone()),
        api_key: Some(key.clone()),
        events: vec![
            fixtures::created_event(&partner),
            EventRecord::legal_entity_created(&entity, &partner),
        ],
        jobs: Vec::new(),
    };
    store.insert_tenant(&insert).await.unwrap();
    store.close().await;

    let reopened = SqliteStore::open(&database(&dir)).await.unwrap();
    assert!(reopened.is_migrated().await.unwrap());
    let tenant = reopened
        .tenant(partner.id)
        .await
        .unwrap()
        .expect("tenant persisted");
    assert_eq!(tenant, partner);
    assert!(tenant.created_at.offset().is_utc());
    assert_eq!(
        reopened
            .legal_entity(partner.id, Environment::Sandbox, entity.id)
            .await
            .unwrap(),
        Some(entity.clone())
    );
    assert_eq!(
        reopened.api_key_by_hash(&key.hash).await.unwrap(),
        Some(key)
    );
    assert_eq!(event_count(&reopened, &partner).await, 2);

    // The participant id is still held after the restart.
    let clash = fixtures::legal_entity(&partner, Environment::Sandbox, 1, "Clash SA");
    assert_eq!(
        reopened.insert_legal_entity(&clash, &[], &[]).await,
        Err(StoreError::Duplicate(Uniqueness::ParticipantId))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_inserts_of_one_participant_id_let_exactly_one_win() {
    let dir = TempDir::new().unwrap();
    let store = open_migrated(&dir).await;
    let partner = fixtures::partner("Partner One");
    insert_tenant(&store, &partner).await;

    let tasks: Vec<_> = (0..20)
        .map(|attempt| {
            let store = store.clone();
            let partner = partner.clone();
            tokio::spawn(async move {
                let entity = fixtures::legal_entity(
                    &partner,
                    Environment::Sandbox,
                    42,
                    &format!("Racer {attempt}"),
                );
                let event = EventRecord::legal_entity_created(&entity, &partner);
                store.insert_legal_entity(&entity, &[event], &[]).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task"));
    }

    let won = results.iter().filter(|result| result.is_ok()).count();
    let duplicates = results
        .iter()
        .filter(|result| **result == Err(StoreError::Duplicate(Uniqueness::ParticipantId)))
        .count();
    assert_eq!((won, duplicates), (1, 19), "{results:?}");
    // The losers' events were rolled back with their entities.
    assert_eq!(event_count(&store, &partner).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_inserts_of_one_tenant_code_let_exactly_one_win() {
    let dir = TempDir::new().unwrap();
    let store = open_migrated(&dir).await;
    let partner = fixtures::partner("Partner One");
    insert_tenant(&store, &partner).await;

    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            let child = fixtures::child(&partner, "Kunde GmbH", T0);
            tokio::spawn(async move {
                let insert = TenantInsert {
                    events: vec![fixtures::created_event(&child)],
                    tenant: child,
                    legal_entity: None,
                    api_key: None,
                    jobs: Vec::new(),
                };
                store.insert_tenant(&insert).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task"));
    }

    let won = results.iter().filter(|result| result.is_ok()).count();
    let duplicates = results
        .iter()
        .filter(|result| **result == Err(StoreError::Duplicate(Uniqueness::TenantCode)))
        .count();
    assert_eq!((won, duplicates), (1, 19), "{results:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_updates_of_one_version_let_exactly_one_win() {
    let dir = TempDir::new().unwrap();
    let store = open_migrated(&dir).await;
    let partner = fixtures::partner("Partner One");
    insert_tenant(&store, &partner).await;
    let entity = fixtures::legal_entity(&partner, Environment::Sandbox, 43, "Partner One SA");
    store.insert_legal_entity(&entity, &[], &[]).await.unwrap();

    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let store = store.clone();
            let mut changed = entity.clone();
            tokio::spawn(async move {
                let expected_version = changed.version();
                changed
                    .apply(Trigger::StartVerification, T0)
                    .expect("allowed");
                store
                    .update_legal_entity(&changed, expected_version, &[], &[])
                    .await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task"));
    }

    let won = results.iter().filter(|result| result.is_ok()).count();
    let conflicts = results
        .iter()
        .filter(|result| **result == Err(StoreError::Conflict))
        .count();
    assert_eq!((won, conflicts), (1, 9), "{results:?}");
    let stored = store
        .legal_entity(partner.id, Environment::Sandbox, entity.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version(), entity.version() + 1);
}

#[tokio::test]
async fn no_secret_is_stored_in_plain_text() {
    let dir = TempDir::new().unwrap();
    let store = open_migrated(&dir).await;
    let partner = fixtures::partner("Partner One");
    insert_tenant(&store, &partner).await;
    let fields = NewApiKey {
        name: KeyName::parse("ci").unwrap(),
        description: None,
        environment: Environment::Production,
        expires_at: None,
    };
    let issued = ApiKey::issue(partner.id, fields, &fixtures::master_key(), T0);
    let event = EventRecord::tenant(TenantChange::Updated, &partner, T0);
    store.insert_api_key(&issued.key, &[event]).await.unwrap();
    assert_eq!(
        store.api_key_by_hash(&issued.key.hash).await.unwrap(),
        Some(issued.key.clone())
    );
    store.close().await;

    let files = bytes_of_files(dir.path());
    let token = issued.token.expose().as_bytes();
    let secret = issued.signing_secret.expose().as_bytes();
    // The key was written: its visible prefix is there...
    assert!(
        files
            .iter()
            .any(|(_, bytes)| contains(bytes, issued.key.prefix.as_bytes()))
    );
    // ...but neither the token nor the signing secret, in any file.
    for (path, bytes) in &files {
        assert!(
            !contains(bytes, token),
            "the token is in {}",
            path.display()
        );
        assert!(
            !contains(bytes, secret),
            "the signing secret is in {}",
            path.display()
        );
    }
    // And the signing secret still opens from what was stored.
    let reopened = SqliteStore::open(&database(&dir)).await.unwrap();
    let stored = reopened
        .api_key_by_hash(&issued.key.hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.signing_secret(&fixtures::master_key()).unwrap(),
        issued.signing_secret
    );
}

#[tokio::test]
async fn unparsable_stored_value_is_unexpected() {
    let dir = TempDir::new().unwrap();
    let store = open_migrated(&dir).await;
    let partner = fixtures::partner("Partner One");
    insert_tenant(&store, &partner).await;
    let entity = fixtures::legal_entity(&partner, Environment::Sandbox, 44, "Partner One SA");
    store.insert_legal_entity(&entity, &[], &[]).await.unwrap();

    let url = format!("sqlite://{}", database(&dir).display());
    let mut raw = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("UPDATE legal_entities SET company_name = ' ' WHERE id = ?")
        .bind(entity.id.to_string())
        .execute(&mut raw)
        .await
        .unwrap();
    raw.close().await.unwrap();

    let error = store
        .legal_entity(partner.id, Environment::Sandbox, entity.id)
        .await
        .unwrap_err();
    let StoreError::Unexpected(message) = error else {
        panic!("expected unexpected, got {error:?}")
    };
    assert!(message.contains("legal_entities.company_name"), "{message}");
    assert!(message.contains(&entity.id.to_string()), "{message}");
}

/// The lease test: 4 stores on one file (as 4 processes would open it), 4 tasks each on
/// a multi-threaded runtime, claim 300 jobs at once; no job is ever held by two workers,
/// and each completes exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_workers_never_hold_the_same_job() {
    use std::collections::HashSet;
    use std::sync::{Arc, Mutex};

    use einvoice_domain::job::ProbeCounter;
    use einvoice_domain::ports::JobQueue;
    use einvoice_domain::testing::contract::{exclusive_worker, ready_probes};

    let dir = TempDir::new().unwrap();
    let first = open_migrated(&dir).await;
    first.enqueue(&ready_probes("lease", 300)).await.unwrap();
    let held = Arc::new(Mutex::new(std::collections::BTreeSet::new()));
    let mut tasks = Vec::new();
    for process in 0..4 {
        let store = Arc::new(SqliteStore::open(&database(&dir)).await.expect("open"));
        for task in 0..4 {
            let (store, held) = (store.clone(), held.clone());
            tasks.push(tokio::spawn(async move {
                exclusive_worker(&*store, &format!("p{process}-t{task}"), 3, &held).await
            }));
        }
    }
    let mut completed = Vec::new();
    for task in tasks {
        completed.extend(task.await.expect("worker"));
    }
    let unique: HashSet<_> = completed.iter().collect();
    assert_eq!((completed.len(), unique.len()), (300, 300));
    let counter = ProbeCounter::parse("lease").unwrap();
    assert_eq!(first.probe_count(&counter).await.unwrap(), 300);
    assert_eq!(first.job_counts().await.unwrap().done, 300);
}
