//! What the contract cannot see: migrations, schemas, reconnecting, concurrent writers on
//! a pool, the event feed under concurrent writes, collations, secrets at rest, stored
//! values that no longer parse, and connection errors.
//!
//! Like the contract, these run against the database named by
//! `EINVOICE_TEST_DATABASE_URL`, each in a fresh schema, and are skipped (with a line on
//! standard error) when it is not set, unless `EINVOICE_REQUIRE_POSTGRES=1`.

use std::collections::BTreeSet;

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
use einvoice_store_postgres::testing::{self, TestSchema};
use einvoice_store_postgres::{PgStore, PgStoreError};
use sqlx::{Connection as _, PgConnection};

/// A fresh schema, or `None` when the tests are skipped.
async fn fresh_schema() -> Option<TestSchema> {
    let url = testing::database_url()?;
    Some(
        TestSchema::create(&url)
            .await
            .expect("create a test schema"),
    )
}

/// A migrated store on `schema`.
async fn connect_migrated(schema: &TestSchema) -> PgStore {
    let store = PgStore::connect(schema.url()).await.expect("connect");
    store.migrate().await.expect("migrate");
    store
}

/// A raw connection to `schema`, to look under the adapter.
async fn raw_connection(schema: &TestSchema) -> PgConnection {
    PgConnection::connect(schema.url())
        .await
        .expect("raw connection")
}

async fn insert_tenant(store: &PgStore, tenant: &Tenant) {
    let insert = TenantInsert {
        tenant: tenant.clone(),
        legal_entity: None,
        api_key: None,
        events: vec![fixtures::created_event(tenant)],
        jobs: Vec::new(),
    };
    store.insert_tenant(&insert).await.expect("insert tenant");
}

async fn all_events(store: &PgStore, partner: &Tenant) -> Vec<u64> {
    let query = EventQuery::partner(partner.id, 0, 10_000);
    store
        .events(query)
        .await
        .expect("events")
        .into_iter()
        .map(|event| event.sequence)
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut text, byte| {
        let _infallible = write!(text, "{byte:02x}");
        text
    })
}

#[tokio::test]
async fn migrations_are_idempotent() {
    let Some(schema) = fresh_schema().await else {
        return;
    };
    let store = PgStore::connect(schema.url()).await.unwrap();
    assert!(!store.is_migrated().await.unwrap());
    store.migrate().await.unwrap();
    assert!(store.is_migrated().await.unwrap());
    store.migrate().await.unwrap();
    assert!(store.is_migrated().await.unwrap());
    store.ping().await.unwrap();
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_migrations_of_one_schema_both_succeed() {
    let Some(schema) = fresh_schema().await else {
        return;
    };
    let first = PgStore::connect(schema.url()).await.unwrap();
    let second = PgStore::connect(schema.url()).await.unwrap();
    let (one, two) = tokio::join!(first.migrate(), second.migrate());
    one.unwrap();
    two.unwrap();
    assert!(first.is_migrated().await.unwrap());
}

#[tokio::test]
async fn migrations_create_the_tables_in_the_urls_schema_only() {
    let Some(schema) = fresh_schema().await else {
        return;
    };
    let store = connect_migrated(&schema).await;
    let mut raw = raw_connection(&schema).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = $1 ORDER BY table_name",
    )
    .bind(schema.name())
    .fetch_all(&mut raw)
    .await
    .unwrap();
    assert_eq!(
        tables,
        [
            "_sqlx_migrations",
            "api_keys",
            "documents",
            "events",
            "job_probe_counts",
            "jobs",
            "legal_entities",
            "legal_entity_participant_ids",
            "tenants",
            "webhook_endpoints"
        ]
    );
    store.close().await;
}

#[tokio::test]
async fn schemas_are_isolated() {
    let (Some(first_schema), Some(second_schema)) = (fresh_schema().await, fresh_schema().await)
    else {
        return;
    };
    let first = connect_migrated(&first_schema).await;
    let second = connect_migrated(&second_schema).await;
    let partner = fixtures::partner("Partner One");
    insert_tenant(&first, &partner).await;
    assert!(first.tenant(partner.id).await.unwrap().is_some());
    assert_eq!(second.tenant(partner.id).await.unwrap(), None);
    assert_eq!(second.count_partners().await.unwrap(), 0);
}

#[tokio::test]
async fn sorted_text_columns_sort_by_code_point() {
    let Some(schema) = fresh_schema().await else {
        return;
    };
    let _store = connect_migrated(&schema).await;
    let mut raw = raw_connection(&schema).await;
    // Whatever the database's default collation, every column a list sorts on compares
    // by code point (the contract checks the order itself; this checks it does not
    // depend on how the database was created).
    let columns: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, collation_name::text \
         FROM information_schema.columns WHERE table_schema = $1 AND (table_name, column_name) IN \
         (('tenants', 'code'), ('tenants', 'company_name'), ('api_keys', 'name'), \
          ('legal_entities', 'company_name'), ('legal_entities', 'status')) \
         ORDER BY table_name, column_name",
    )
    .bind(schema.name())
    .fetch_all(&mut raw)
    .await
    .unwrap();
    assert_eq!(columns.len(), 5, "{columns:?}");
    for (table, column, collation) in columns {
        assert_eq!(collation.as_deref(), Some("C"), "{table}.{column}");
    }
}

#[tokio::test]
async fn reconnected_store_sees_the_data() {
    let Some(schema) = fresh_schema().await else {
        return;
    };
    let store = connect_migrated(&schema).await;
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

    let reconnected = PgStore::connect(schema.url()).await.unwrap();
    assert!(reconnected.is_migrated().await.unwrap());
    let tenant = reconnected
        .tenant(partner.id)
        .await
        .unwrap()
        .expect("tenant persisted");
    assert_eq!(tenant, partner);
    assert!(tenant.created_at.offset().is_utc());
    assert_eq!(
        reconnected
            .legal_entity(partner.id, Environment::Sandbox, entity.id)
            .await
            .unwrap(),
        Some(entity.clone())
    );
    assert_eq!(
        reconnected.api_key_by_hash(&key.hash).await.unwrap(),
        Some(key)
    );
    assert_eq!(all_events(&reconnected, &partner).await.len(), 2);

    // The participant id is still held after reconnecting.
    let clash = fixtures::legal_entity(&partner, Environment::Sandbox, 1, "Clash SA");
    assert_eq!(
        reconnected.insert_legal_entity(&clash, &[], &[]).await,
        Err(StoreError::Duplicate(Uniqueness::ParticipantId))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_inserts_of_one_participant_id_let_exactly_one_win() {
    let Some(schema) = fresh_schema().await else {
        return;
    };
    let store = connect_migrated(&schema).await;
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
    assert_eq!(all_events(&store, &partner).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_inserts_of_one_tenant_code_let_exactly_one_win() {
    let Some(schema) = fresh_schema().await else {
        return;
    };
    let store = connect_migrated(&schema).await;
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
    assert_eq!(all_events(&store, &partner).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_updates_of_one_version_let_exactly_one_win() {
    let Some(schema) = fresh_schema().await else {
        return;
    };
    let store = connect_migrated(&schema).await;
    let partner = fixtures::partner("Partner One");
    insert_tenant(&store, &partner).await;
    let entity = fixtures::legal_entity(&partner, Environment::Sandbox, 43, "Partner One SA");
    store.insert_legal_entity(&entity, &[], &[]).await.unwrap();

    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let store = store.clone();
            let mut changed = entity.clone();
            let partner = partner.clone();
            tokio::spawn(async move {
                let expected_version = changed.version();
                let previous = changed
                    .apply(Trigger::StartVerification, T0)
                    .expect("allowed");
                let event = EventRecord::legal_entity_transition(&changed, previous, &partner);
                store
                    .update_legal_entity(&changed, expected_version, &[event], &[])
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
    // One transition event: the partner's creation and the winner's.
    assert_eq!(all_events(&store, &partner).await.len(), 2);
}

/// A feed reader that resumes `after` the last sequence it saw, while writers commit
/// concurrently, sees every event exactly once: numbers are handed out in commit order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn feed_reader_during_concurrent_writes_misses_nothing() {
    const WRITERS: u32 = 6;
    const ENTITIES_PER_WRITER: u32 = 8;
    const LIMIT: u32 = 5;
    let Some(schema) = fresh_schema().await else {
        return;
    };
    let store = connect_migrated(&schema).await;
    let partner = fixtures::partner("Partner One");
    insert_tenant(&store, &partner).await;

    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let store = store.clone();
            let partner = partner.clone();
            tokio::spawn(async move {
                for index in 0..ENTITIES_PER_WRITER {
                    let seed = 1000 + writer * ENTITIES_PER_WRITER + index;
                    let entity = fixtures::legal_entity(
                        &partner,
                        Environment::Sandbox,
                        seed,
                        &format!("Writer {writer} entity {index}"),
                    );
                    let event = EventRecord::legal_entity_created(&entity, &partner);
                    store
                        .insert_legal_entity(&entity, &[event], &[])
                        .await
                        .expect("insert");
                }
            })
        })
        .collect();

    let mut seen = Vec::new();
    let mut after = 0;
    // Bounded: the writers finish in well under this many polls.
    for _ in 0..100_000 {
        // Sampled before the poll: a finished writer's events are all committed.
        let writers_done = writers.iter().all(tokio::task::JoinHandle::is_finished);
        let batch = store
            .events(EventQuery::partner(partner.id, after, LIMIT))
            .await
            .unwrap();
        let caught_up = batch.len() < usize::try_from(LIMIT).unwrap();
        if let Some(last) = batch.last() {
            after = last.sequence;
        }
        seen.extend(batch.into_iter().map(|event| event.sequence));
        if writers_done && caught_up {
            break;
        }
        tokio::task::yield_now().await;
    }
    for writer in writers {
        writer.await.expect("writer");
    }
    let everything = all_events(&store, &partner).await;
    let expected = 1 + usize::try_from(WRITERS * ENTITIES_PER_WRITER).unwrap();
    assert_eq!(everything.len(), expected);
    assert_eq!(
        seen, everything,
        "the polling reader missed or repeated events"
    );
    let unique: BTreeSet<u64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len());
}

#[tokio::test]
async fn no_secret_is_stored_in_plain_text() {
    let Some(schema) = fresh_schema().await else {
        return;
    };
    let store = connect_migrated(&schema).await;
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

    // Every row of every table as text (bytea columns appear as hex there), and the
    // raw bytes of the bytea columns.
    let mut raw = raw_connection(&schema).await;
    let mut stored: Vec<(String, Vec<u8>)> = Vec::new();
    for table in ["tenants", "api_keys", "legal_entities", "events"] {
        let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT t::text FROM {table} t"))
            .fetch_all(&mut raw)
            .await
            .unwrap();
        stored.extend(
            rows.into_iter()
                .map(|row| (table.to_owned(), row.into_bytes())),
        );
    }
    let columns: Vec<(Vec<u8>, Vec<u8>)> =
        sqlx::query_as("SELECT hash, sealed_signing_secret FROM api_keys")
            .fetch_all(&mut raw)
            .await
            .unwrap();
    for (hash, sealed) in columns {
        stored.push(("api_keys.hash".to_owned(), hash));
        stored.push(("api_keys.sealed_signing_secret".to_owned(), sealed));
    }

    let token = issued.token.expose().as_bytes();
    let secret = issued.signing_secret.expose().as_bytes();
    // The key was written: its visible prefix is there...
    assert!(
        stored
            .iter()
            .any(|(_, bytes)| contains(bytes, issued.key.prefix.as_bytes()))
    );
    // ...but neither the token nor the signing secret, raw or hex-encoded.
    for (place, bytes) in &stored {
        for (what, needle) in [("token", token), ("signing secret", secret)] {
            assert!(!contains(bytes, needle), "the {what} is in {place}");
            assert!(
                !contains(bytes, hex(needle).as_bytes()),
                "the {what} is hex-encoded in {place}"
            );
        }
    }
    // And the signing secret still opens from what was stored.
    let stored_key = store
        .api_key_by_hash(&issued.key.hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored_key.signing_secret(&fixtures::master_key()).unwrap(),
        issued.signing_secret
    );
}

#[tokio::test]
async fn unparsable_stored_value_is_unexpected() {
    let Some(schema) = fresh_schema().await else {
        return;
    };
    let store = connect_migrated(&schema).await;
    let partner = fixtures::partner("Partner One");
    insert_tenant(&store, &partner).await;
    let entity = fixtures::legal_entity(&partner, Environment::Sandbox, 44, "Partner One SA");
    store.insert_legal_entity(&entity, &[], &[]).await.unwrap();

    let mut raw = raw_connection(&schema).await;
    sqlx::query("UPDATE legal_entities SET company_name = ' ' WHERE id = $1")
        .bind(entity.id.as_uuid())
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

#[tokio::test]
async fn unparsable_metadata_is_unexpected() {
    let Some(schema) = fresh_schema().await else {
        return;
    };
    let store = connect_migrated(&schema).await;
    let partner = fixtures::partner("Partner One");
    insert_tenant(&store, &partner).await;

    let mut raw = raw_connection(&schema).await;
    sqlx::query("UPDATE tenants SET metadata = '{\"crm\": 42}' WHERE id = $1")
        .bind(partner.id.as_uuid())
        .execute(&mut raw)
        .await
        .unwrap();

    let error = store.tenant(partner.id).await.unwrap_err();
    let StoreError::Unexpected(message) = error else {
        panic!("expected unexpected, got {error:?}")
    };
    assert!(message.contains("tenants.metadata"), "{message}");
    assert!(message.contains(&partner.id.to_string()), "{message}");
}

#[tokio::test]
async fn unreachable_server_is_a_connect_error_without_the_password() {
    // Port 1 on the loopback: nothing listens there; no test database is needed.
    let error = PgStore::connect("postgres://gateway:hunter2@127.0.0.1:1/einvoice")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, PgStoreError::Connect { target, .. } if target == "127.0.0.1:1/einvoice"),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with("cannot connect to postgresql at 127.0.0.1:1/einvoice: "),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
}

#[tokio::test]
async fn malformed_url_is_an_invalid_url_error() {
    let error = PgStore::connect("postgres://gateway@[::1/einvoice")
        .await
        .unwrap_err();
    assert!(matches!(error, PgStoreError::InvalidUrl(_)), "{error:?}");
}

/// The lease test: 4 stores (pools of their own, as 4 gateway processes) with 4 tasks
/// each on a multi-threaded runtime claim 300 jobs at once through `FOR UPDATE SKIP
/// LOCKED`; no job is ever held by two workers, and each completes exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_workers_on_many_connections_never_hold_the_same_job() {
    use std::collections::HashSet;
    use std::sync::{Arc, Mutex};

    use einvoice_domain::job::ProbeCounter;
    use einvoice_domain::ports::JobQueue;
    use einvoice_domain::testing::contract::{exclusive_worker, ready_probes};

    let Some(schema) = fresh_schema().await else {
        return;
    };
    let first = connect_migrated(&schema).await;
    first.enqueue(&ready_probes("lease", 300)).await.unwrap();
    let held = Arc::new(Mutex::new(std::collections::BTreeSet::new()));
    let mut tasks = Vec::new();
    let mut stores = Vec::new();
    for process in 0..4 {
        let store = Arc::new(PgStore::connect(schema.url()).await.expect("connect"));
        stores.push(store.clone());
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
    for store in stores {
        store.close().await;
    }
    first.close().await;
}
