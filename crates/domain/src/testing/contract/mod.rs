//! The store contract: one suite, run against every adapter of the store ports.
//!
//! Each function takes a fresh, empty store. `store_contract!` expands one
//! `#[tokio::test]` per function in the adapter's own test crate, so no adapter can
//! silently skip a case:
//!
//! ```text
//! // crates/store-sqlite/tests/contract.rs
//! einvoice_domain::store_contract!(support::fresh_store().await); // a Box or guard
//! ```

mod jobs;

pub use jobs::*;

use time::Duration;

use crate::api_key::ApiKeyStatus;
use crate::environment::Environment;
use crate::event::{EventRecord, TenantChange};
use crate::legal_entity::{LegalEntityStatus, StatusName, Trigger, VerificationFailure};
use crate::metadata::Metadata;
use crate::ports::{
    ApiKeyQuery, ApiKeySort, Direction, EventQuery, LegalEntityFilter, LegalEntityQuery,
    LegalEntitySort, ListQuery, PageRequest, SortKey, Store, StoreError, TenantFilter,
    TenantInsert, TenantQuery, TenantSort, Uniqueness, VersionedEntity,
};
use crate::tenant::{Tenant, TenantCode};
use crate::text::{CompanyName, ExternalId};

use super::fixtures::{self, T0};

mod documents;
mod webhooks;
pub use documents::*;
pub use webhooks::*;

/// Expands the whole store contract as `#[tokio::test]`s. `$store` is an expression
/// (it may `.await`) that yields a pointer to a fresh, empty store: a `Box`, an `Arc`,
/// or a guard that derefs to the store and keeps its resources (a temporary
/// directory, a database) alive for the test.
#[macro_export]
macro_rules! store_contract {
    ($store:expr) => {
        $crate::store_contract!(@each $store;
            tenant_round_trips,
            tenant_insert_appends_its_events,
            tenant_insert_saves_entity_and_key_with_it,
            duplicate_tenant_code_under_one_partner_writes_nothing,
            same_tenant_code_under_two_partners_is_allowed,
            deleted_tenant_frees_its_code,
            taken_participant_id_fails_the_whole_tenant_insert,
            list_tenants_returns_only_the_partners_children,
            list_tenants_pages_sorts_and_filters,
            update_tenant_persists_and_checks_code,
            update_of_unknown_tenant_is_not_found,
            update_tenant_saves_new_entities_atomically,
            delete_tenant_hides_it_and_archives_its_entities,
            delete_tenant_with_stale_entity_changes_nothing,
            count_partners_counts_partners_only,
            api_key_round_trips_and_is_found_by_hash,
            api_key_is_scoped_by_tenant,
            latest_api_key_skips_revoked_keys,
            list_api_keys_pages_and_sorts,
            update_api_key_persists_status,
            update_of_unknown_api_key_is_not_found,
            api_key_use_is_recorded,
            legal_entity_round_trips_with_status_data,
            legal_entity_is_scoped_by_tenant_and_environment,
            participant_id_is_unique_per_environment,
            derived_vat_id_counts_for_uniqueness,
            archiving_frees_participant_ids,
            legal_entity_is_found_by_participant_id,
            stale_legal_entity_update_conflicts,
            list_legal_entities_filters_sorts_and_pages,
            live_legal_entities_skip_archived,
            events_are_ordered_and_scoped_by_partner,
            events_filter_by_tenant_and_environment,
            documents_round_trip_with_content_and_events,
            documents_are_scoped_by_tenant_and_environment,
            document_insert_is_atomic,
            document_updates_check_the_version,
            list_documents_filters_sorts_and_pages,
            webhooks_round_trip_scope_update_and_delete,
            list_webhooks_pages_and_sorts,
            enqueued_job_is_claimed_once_under_a_lease,
            claim_takes_ready_jobs_in_order_up_to_the_limit,
            jobs_commit_with_their_state_change,
            dedupe_key_makes_enqueue_idempotent,
            completion_commits_its_effect_once,
            expired_lease_is_reclaimed_and_the_old_holder_fenced,
            heartbeat_extends_the_lease,
            failures_back_off_then_dead_letter,
            permanent_failure_is_dead_at_once,
            lease_expiry_after_the_last_attempt_is_dead,
            release_requeues_without_counting_the_attempt,
            concurrent_claims_never_share_a_job,
        );
    };
    (@each $store:expr; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                let store = $store;
                $crate::testing::contract::$name(&*store).await;
            }
        )*
    };
}

fn page(number: u32, size: u32) -> PageRequest {
    PageRequest::new(number, size).expect("valid page")
}

fn tenant_query(
    sort: Vec<SortKey<TenantSort>>,
    filter: TenantFilter,
    page: PageRequest,
) -> TenantQuery {
    ListQuery { page, sort, filter }
}

fn entity_query(filter: LegalEntityFilter) -> LegalEntityQuery {
    ListQuery {
        page: PageRequest::default(),
        sort: Vec::new(),
        filter,
    }
}

async fn insert_tenant<S: Store>(store: &S, tenant: &Tenant) {
    let insert = TenantInsert {
        tenant: tenant.clone(),
        legal_entity: None,
        api_key: None,
        events: vec![fixtures::created_event(tenant)],
        jobs: Vec::new(),
    };
    store.insert_tenant(&insert).await.expect("insert tenant");
}

async fn partner_with_child<S: Store>(store: &S) -> (Tenant, Tenant) {
    let partner = fixtures::partner("Partner One");
    insert_tenant(store, &partner).await;
    let child = fixtures::child(&partner, "Kunde GmbH", T0);
    insert_tenant(store, &child).await;
    (partner, child)
}

async fn all_events<S: Store>(store: &S, partner: &Tenant) -> Vec<EventRecord> {
    let query = EventQuery::partner(partner.id, 0, 1000);
    store
        .events(query)
        .await
        .expect("events")
        .into_iter()
        .map(|event| event.record)
        .collect()
}

/// A tenant reads back equal to what was written.
pub async fn tenant_round_trips<S: Store>(store: &S) {
    let mut partner = fixtures::partner("Partner One");
    partner.production_enabled_at = Some(T0);
    partner.metadata =
        Metadata::parse([("crm".to_owned(), "42".to_owned())].into()).expect("valid");
    insert_tenant(store, &partner).await;
    let mut child = fixtures::child(&partner, "Kunde GmbH", T0);
    child.profile.vat_number =
        Some(crate::participant::VatNumber::parse("LU12345613").expect("valid vat"));
    insert_tenant(store, &child).await;
    assert_eq!(store.tenant(partner.id).await.unwrap(), Some(partner));
    assert_eq!(store.tenant(child.id).await.unwrap(), Some(child));
    assert_eq!(
        store.tenant(crate::ids::TenantId::new()).await.unwrap(),
        None
    );
}

/// The events given with an insert are in the log, in order.
pub async fn tenant_insert_appends_its_events<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let events: Vec<(String, String)> = all_events(store, &partner)
        .await
        .into_iter()
        .map(|event| (event.event_type, event.subject.id()))
        .collect();
    let expected = [partner.id, child.id].map(|id| ("tenant.created".to_owned(), id.to_string()));
    assert_eq!(events, expected);
}

/// A tenant's default legal entity and first key are saved with it.
pub async fn tenant_insert_saves_entity_and_key_with_it<S: Store>(store: &S) {
    let partner = fixtures::partner("Partner One");
    let entity = fixtures::legal_entity(&partner, Environment::Sandbox, 1, "Partner One SA");
    let key = fixtures::api_key(&partner, Environment::Sandbox, "initial", T0);
    let insert = TenantInsert {
        tenant: partner.clone(),
        legal_entity: Some(entity.clone()),
        api_key: Some(key.clone()),
        events: vec![fixtures::created_event(&partner)],
        jobs: Vec::new(),
    };
    store.insert_tenant(&insert).await.unwrap();
    assert_eq!(
        store
            .legal_entity(partner.id, Environment::Sandbox, entity.id)
            .await
            .unwrap(),
        Some(entity)
    );
    assert_eq!(store.api_key_by_hash(&key.hash).await.unwrap(), Some(key));
}

/// A second child with the same code under one partner is refused, and neither it, its
/// legal entity nor its events are written.
pub async fn duplicate_tenant_code_under_one_partner_writes_nothing<S: Store>(store: &S) {
    let (partner, _) = partner_with_child(store).await;
    let twin = fixtures::child(&partner, "Kunde GmbH", T0);
    let entity = fixtures::legal_entity(&twin, Environment::Sandbox, 7, "Kunde GmbH");
    let insert = TenantInsert {
        tenant: twin.clone(),
        legal_entity: Some(entity.clone()),
        api_key: None,
        events: vec![fixtures::created_event(&twin)],
        jobs: Vec::new(),
    };
    assert_eq!(
        store.insert_tenant(&insert).await,
        Err(StoreError::Duplicate(Uniqueness::TenantCode))
    );
    assert_eq!(store.tenant(twin.id).await.unwrap(), None);
    assert_eq!(
        store
            .legal_entity(twin.id, Environment::Sandbox, entity.id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(all_events(store, &partner).await.len(), 2);
}

/// Codes are unique within a partner, not across partners.
pub async fn same_tenant_code_under_two_partners_is_allowed<S: Store>(store: &S) {
    partner_with_child(store).await;
    let other = fixtures::partner("Partner Two");
    insert_tenant(store, &other).await;
    let child = fixtures::child(&other, "Kunde GmbH", T0);
    insert_tenant(store, &child).await;
    assert!(store.tenant(child.id).await.unwrap().is_some());
}

/// A deleted tenant's code can be given to a new tenant.
pub async fn deleted_tenant_frees_its_code<S: Store>(store: &S) {
    let (partner, mut child) = partner_with_child(store).await;
    child.deleted_at = Some(T0 + Duration::seconds(1));
    store.delete_tenant(&child, &[], &[]).await.unwrap();
    let successor = fixtures::child(&partner, "Kunde GmbH", T0);
    insert_tenant(store, &successor).await;
    assert!(store.tenant(successor.id).await.unwrap().is_some());
}

/// A default legal entity whose participant id is taken fails the whole insert.
pub async fn taken_participant_id_fails_the_whole_tenant_insert<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let entity = fixtures::legal_entity(&child, Environment::Sandbox, 5, "Kunde GmbH");
    store.insert_legal_entity(&entity, &[], &[]).await.unwrap();
    let newcomer = fixtures::child(&partner, "Newcomer SA", T0);
    let clash = fixtures::legal_entity(&newcomer, Environment::Sandbox, 5, "Newcomer SA");
    let insert = TenantInsert {
        tenant: newcomer.clone(),
        legal_entity: Some(clash),
        api_key: None,
        events: vec![fixtures::created_event(&newcomer)],
        jobs: Vec::new(),
    };
    assert_eq!(
        store.insert_tenant(&insert).await,
        Err(StoreError::Duplicate(Uniqueness::ParticipantId))
    );
    assert_eq!(store.tenant(newcomer.id).await.unwrap(), None);
}

/// A partner lists its children: never itself, never another partner's tenants.
pub async fn list_tenants_returns_only_the_partners_children<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let other = fixtures::partner("Partner Two");
    insert_tenant(store, &other).await;
    insert_tenant(store, &fixtures::child(&other, "Foreign Child", T0)).await;
    let page = store
        .list_tenants(partner.id, &TenantQuery::first_page())
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items, vec![child]);
}

/// Pages hold `size` items and the total counts all matches; sort keys and the
/// `active` filter apply before paging.
pub async fn list_tenants_pages_sorts_and_filters<S: Store>(store: &S) {
    let partner = fixtures::partner("Partner One");
    insert_tenant(store, &partner).await;
    let names = ["Delta", "alpha", "Charlie", "Bravo", "Echo"];
    for (offset, name) in names.iter().enumerate() {
        let mut child = fixtures::child(
            &partner,
            name,
            T0 + Duration::seconds(i64::try_from(offset).unwrap()),
        );
        child.active = *name != "Echo";
        insert_tenant(store, &child).await;
    }
    let by_creation = store
        .list_tenants(
            partner.id,
            &tenant_query(Vec::new(), TenantFilter::default(), page(2, 2)),
        )
        .await
        .unwrap();
    assert_eq!(by_creation.total, 5);
    let second_page: Vec<&str> = by_creation
        .items
        .iter()
        .map(|t| t.profile.company_name.as_str())
        .collect();
    assert_eq!(second_page, ["Charlie", "Bravo"]);

    let by_name_desc = store
        .list_tenants(
            partner.id,
            &tenant_query(
                vec![SortKey {
                    field: TenantSort::CompanyName,
                    direction: Direction::Descending,
                }],
                TenantFilter { active: Some(true) },
                page(1, 10),
            ),
        )
        .await
        .unwrap();
    let names: Vec<&str> = by_name_desc
        .items
        .iter()
        .map(|t| t.profile.company_name.as_str())
        .collect();
    // Text sorts by code point: lower-case `alpha` after upper-case names.
    assert_eq!(names, ["alpha", "Delta", "Charlie", "Bravo"]);
    assert_eq!(by_name_desc.total, 4);

    let beyond = store
        .list_tenants(
            partner.id,
            &tenant_query(Vec::new(), TenantFilter::default(), page(9, 10)),
        )
        .await
        .unwrap();
    assert!(beyond.items.is_empty());
    assert_eq!(beyond.total, 5);
}

/// Changes persist; a code taken by a sibling is refused.
pub async fn update_tenant_persists_and_checks_code<S: Store>(store: &S) {
    let (partner, mut child) = partner_with_child(store).await;
    let sibling = fixtures::child(&partner, "Sibling SA", T0);
    insert_tenant(store, &sibling).await;
    child.profile.company_name = CompanyName::parse("Kunde AG").unwrap();
    child.active = false;
    child.updated_at = T0 + Duration::minutes(5);
    let event = EventRecord::tenant(TenantChange::Updated, &child, child.updated_at);
    store
        .update_tenant(&child, &[], std::slice::from_ref(&event), &[])
        .await
        .unwrap();
    assert_eq!(store.tenant(child.id).await.unwrap(), Some(child.clone()));
    assert_eq!(all_events(store, &partner).await.last(), Some(&event));

    child.code = TenantCode::parse("SIBLING-SA").unwrap();
    assert_eq!(
        store.update_tenant(&child, &[], &[], &[]).await,
        Err(StoreError::Duplicate(Uniqueness::TenantCode))
    );
}

/// Entities created with a tenant change are saved with it; a taken participant id
/// fails the whole change.
pub async fn update_tenant_saves_new_entities_atomically<S: Store>(store: &S) {
    let (partner, mut child) = partner_with_child(store).await;
    child.production_enabled_at = Some(T0 + Duration::hours(1));
    let entity = fixtures::legal_entity(&child, Environment::Production, 50, "Kunde GmbH");
    let events = [EventRecord::legal_entity_created(&entity, &child)];
    store
        .update_tenant(&child, std::slice::from_ref(&entity), &events, &[])
        .await
        .unwrap();
    assert_eq!(store.tenant(child.id).await.unwrap(), Some(child.clone()));
    assert_eq!(
        store
            .legal_entity(child.id, Environment::Production, entity.id)
            .await
            .unwrap(),
        Some(entity)
    );

    let sibling = fixtures::child(&partner, "Sibling SA", T0);
    insert_tenant(store, &sibling).await;
    let mut changed = sibling.clone();
    changed.production_enabled_at = Some(T0 + Duration::hours(2));
    let clash = fixtures::legal_entity(&sibling, Environment::Production, 50, "Sibling SA");
    let before = all_events(store, &partner).await.len();
    let result = store
        .update_tenant(
            &changed,
            std::slice::from_ref(&clash),
            &[EventRecord::legal_entity_created(&clash, &sibling)],
            &[],
        )
        .await;
    assert_eq!(
        result,
        Err(StoreError::Duplicate(Uniqueness::ParticipantId))
    );
    assert_eq!(store.tenant(sibling.id).await.unwrap(), Some(sibling));
    assert_eq!(all_events(store, &partner).await.len(), before);
}

/// Updating a tenant that does not exist is `NotFound`.
pub async fn update_of_unknown_tenant_is_not_found<S: Store>(store: &S) {
    let partner = fixtures::partner("Ghost");
    assert_eq!(
        store.update_tenant(&partner, &[], &[], &[]).await,
        Err(StoreError::NotFound)
    );
}

/// A deleted tenant is invisible; its archived entities and the events are saved.
pub async fn delete_tenant_hides_it_and_archives_its_entities<S: Store>(store: &S) {
    let (partner, mut child) = partner_with_child(store).await;
    let entity = fixtures::legal_entity(&child, Environment::Sandbox, 3, "Kunde GmbH");
    store.insert_legal_entity(&entity, &[], &[]).await.unwrap();
    let mut archived = entity.clone();
    let later = T0 + Duration::hours(1);
    let previous = archived.apply(Trigger::Archive, later).unwrap();
    child.deleted_at = Some(later);
    let events = vec![
        EventRecord::legal_entity_transition(&archived, previous, &child),
        EventRecord::tenant(TenantChange::Deleted, &child, later),
    ];
    let versioned = [VersionedEntity {
        entity: archived.clone(),
        expected_version: entity.version(),
    }];
    store
        .delete_tenant(&child, &versioned, &events)
        .await
        .unwrap();
    assert_eq!(store.tenant(child.id).await.unwrap(), None);
    let page = store
        .list_tenants(partner.id, &TenantQuery::first_page())
        .await
        .unwrap();
    assert_eq!(page.total, 0);
    let stored = store
        .legal_entity(child.id, Environment::Sandbox, entity.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status(), LegalEntityStatus::Archived);
    let log = all_events(store, &partner).await;
    assert_eq!(&log[log.len() - 2..], events.as_slice());
}

/// If an entity changed since it was read, the delete changes nothing.
pub async fn delete_tenant_with_stale_entity_changes_nothing<S: Store>(store: &S) {
    let (partner, mut child) = partner_with_child(store).await;
    let entity = fixtures::legal_entity(&child, Environment::Sandbox, 3, "Kunde GmbH");
    store.insert_legal_entity(&entity, &[], &[]).await.unwrap();
    let mut concurrently = entity.clone();
    concurrently.apply(Trigger::StartVerification, T0).unwrap();
    store
        .update_legal_entity(&concurrently, entity.version(), &[], &[])
        .await
        .unwrap();

    let mut archived = entity.clone();
    archived.apply(Trigger::Archive, T0).unwrap();
    child.deleted_at = Some(T0);
    let events_before = all_events(store, &partner).await.len();
    let versioned = [VersionedEntity {
        entity: archived,
        expected_version: entity.version(),
    }];
    assert_eq!(
        store
            .delete_tenant(&child, &versioned, &[fixtures::created_event(&child)])
            .await,
        Err(StoreError::Conflict)
    );
    assert!(store.tenant(child.id).await.unwrap().is_some());
    let stored = store
        .legal_entity(child.id, Environment::Sandbox, entity.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status(), LegalEntityStatus::Verifying);
    assert_eq!(all_events(store, &partner).await.len(), events_before);
}

/// Only partners count, deleted ones included.
pub async fn count_partners_counts_partners_only<S: Store>(store: &S) {
    assert_eq!(store.count_partners().await.unwrap(), 0);
    partner_with_child(store).await;
    insert_tenant(store, &fixtures::partner("Partner Two")).await;
    assert_eq!(store.count_partners().await.unwrap(), 2);
}

/// A key reads back equal, by id and by hash.
pub async fn api_key_round_trips_and_is_found_by_hash<S: Store>(store: &S) {
    let (_, child) = partner_with_child(store).await;
    let mut key = fixtures::api_key(&child, Environment::Production, "ci", T0);
    key.expires_at = Some(T0 + Duration::days(30));
    key.description = Some(crate::text::Description::parse("for CI").unwrap());
    store.insert_api_key(&key, &[]).await.unwrap();
    assert_eq!(
        store.api_key(child.id, key.id).await.unwrap(),
        Some(key.clone())
    );
    assert_eq!(store.api_key_by_hash(&key.hash).await.unwrap(), Some(key));
    assert_eq!(
        store
            .api_key_by_hash(&crate::api_key::KeyHash::of("nope"))
            .await
            .unwrap(),
        None
    );
}

/// A key is not visible under another tenant.
pub async fn api_key_is_scoped_by_tenant<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let key = fixtures::api_key(&child, Environment::Sandbox, "ci", T0);
    store.insert_api_key(&key, &[]).await.unwrap();
    assert_eq!(store.api_key(partner.id, key.id).await.unwrap(), None);
    let keys = store
        .list_api_keys(partner.id, &ApiKeyQuery::first_page())
        .await
        .unwrap();
    assert_eq!(keys.total, 0);
}

/// `latest` is the newest key that is not revoked.
pub async fn latest_api_key_skips_revoked_keys<S: Store>(store: &S) {
    let (_, child) = partner_with_child(store).await;
    assert_eq!(store.latest_api_key(child.id).await.unwrap(), None);
    let older = fixtures::api_key(&child, Environment::Sandbox, "older", T0);
    let mut newer = fixtures::api_key(
        &child,
        Environment::Sandbox,
        "newer",
        T0 + Duration::seconds(1),
    );
    store.insert_api_key(&older, &[]).await.unwrap();
    store.insert_api_key(&newer, &[]).await.unwrap();
    assert_eq!(
        store.latest_api_key(child.id).await.unwrap(),
        Some(newer.clone())
    );
    newer.status = ApiKeyStatus::Revoked {
        at: T0 + Duration::seconds(2),
    };
    store.update_api_key(&newer, &[]).await.unwrap();
    assert_eq!(store.latest_api_key(child.id).await.unwrap(), Some(older));
}

/// Keys page and sort like every list.
pub async fn list_api_keys_pages_and_sorts<S: Store>(store: &S) {
    let (_, child) = partner_with_child(store).await;
    for (offset, name) in ["b", "c", "a"].iter().enumerate() {
        let key = fixtures::api_key(
            &child,
            Environment::Sandbox,
            name,
            T0 + Duration::seconds(i64::try_from(offset).unwrap()),
        );
        store.insert_api_key(&key, &[]).await.unwrap();
    }
    let query = ApiKeyQuery {
        page: page(1, 2),
        sort: vec![SortKey {
            field: ApiKeySort::Name,
            direction: Direction::Ascending,
        }],
        filter: (),
    };
    let keys = store.list_api_keys(child.id, &query).await.unwrap();
    let names: Vec<&str> = keys.items.iter().map(|key| key.name.as_str()).collect();
    assert_eq!((names, keys.total), (vec!["a", "b"], 3));
}

/// Status changes persist, revocation time included.
pub async fn update_api_key_persists_status<S: Store>(store: &S) {
    let (_, child) = partner_with_child(store).await;
    let mut key = fixtures::api_key(&child, Environment::Sandbox, "ci", T0);
    store.insert_api_key(&key, &[]).await.unwrap();
    key.status = ApiKeyStatus::Disabled;
    store.update_api_key(&key, &[]).await.unwrap();
    assert_eq!(
        store.api_key(child.id, key.id).await.unwrap(),
        Some(key.clone())
    );
    key.status = ApiKeyStatus::Revoked {
        at: T0 + Duration::hours(2),
    };
    store.update_api_key(&key, &[]).await.unwrap();
    assert_eq!(store.api_key(child.id, key.id).await.unwrap(), Some(key));
}

/// Updating a key that does not exist is `NotFound`.
pub async fn update_of_unknown_api_key_is_not_found<S: Store>(store: &S) {
    let (_, child) = partner_with_child(store).await;
    let key = fixtures::api_key(&child, Environment::Sandbox, "ci", T0);
    assert_eq!(
        store.update_api_key(&key, &[]).await,
        Err(StoreError::NotFound)
    );
}

/// `last_used_at` is written by `record_api_key_use`.
pub async fn api_key_use_is_recorded<S: Store>(store: &S) {
    let (_, child) = partner_with_child(store).await;
    let key = fixtures::api_key(&child, Environment::Sandbox, "ci", T0);
    store.insert_api_key(&key, &[]).await.unwrap();
    let used = T0 + Duration::minutes(3);
    store.record_api_key_use(key.id, used).await.unwrap();
    assert_eq!(
        store
            .api_key(child.id, key.id)
            .await
            .unwrap()
            .unwrap()
            .last_used_at,
        Some(used)
    );
}

/// Entities read back equal, including the data that lives inside a status.
pub async fn legal_entity_round_trips_with_status_data<S: Store>(store: &S) {
    let (_, mut child) = partner_with_child(store).await;
    child.production_enabled_at = Some(T0);
    let mut entity = fixtures::legal_entity(&child, Environment::Production, 11, "Kunde GmbH");
    entity.external_id = Some(ExternalId::parse("customer_8412").unwrap());
    entity.metadata = Metadata::parse([("k".to_owned(), "v".to_owned())].into()).unwrap();
    store.insert_legal_entity(&entity, &[], &[]).await.unwrap();
    assert_eq!(
        store
            .legal_entity(child.id, Environment::Production, entity.id)
            .await
            .unwrap(),
        Some(entity.clone())
    );

    let steps = [
        Trigger::StartVerification,
        Trigger::VerificationFailed(VerificationFailure::NameMismatch),
        Trigger::StartVerification,
        Trigger::VerificationPassed,
        Trigger::RequestAttestation {
            expires_at: T0 + Duration::days(7),
        },
    ];
    for trigger in steps {
        let expected_version = entity.version();
        entity.apply(trigger, T0).unwrap();
        store
            .update_legal_entity(&entity, expected_version, &[], &[])
            .await
            .unwrap();
        let stored = store
            .legal_entity(child.id, Environment::Production, entity.id)
            .await
            .unwrap();
        assert_eq!(stored.as_ref(), Some(&entity), "after {}", trigger.as_str());
    }
}

/// Entities are invisible to other tenants and to the other environment.
pub async fn legal_entity_is_scoped_by_tenant_and_environment<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let entity = fixtures::legal_entity(&child, Environment::Sandbox, 12, "Kunde GmbH");
    store.insert_legal_entity(&entity, &[], &[]).await.unwrap();
    assert_eq!(
        store
            .legal_entity(partner.id, Environment::Sandbox, entity.id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .legal_entity(child.id, Environment::Production, entity.id)
            .await
            .unwrap(),
        None
    );
    let query = entity_query(LegalEntityFilter::default());
    assert_eq!(
        store
            .list_legal_entities(child.id, Environment::Production, &query)
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(
        store
            .list_legal_entities(partner.id, Environment::Sandbox, &query)
            .await
            .unwrap()
            .total,
        0
    );
}

/// One live entity per participant id and environment, across all tenants.
pub async fn participant_id_is_unique_per_environment<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let first = fixtures::legal_entity(&child, Environment::Sandbox, 13, "Kunde GmbH");
    store.insert_legal_entity(&first, &[], &[]).await.unwrap();
    let clash = fixtures::legal_entity(&partner, Environment::Sandbox, 13, "Other SA");
    let events_before = all_events(store, &partner).await.len();
    let event = EventRecord::legal_entity_created(&clash, &partner);
    assert_eq!(
        store.insert_legal_entity(&clash, &[event], &[]).await,
        Err(StoreError::Duplicate(Uniqueness::ParticipantId))
    );
    assert_eq!(all_events(store, &partner).await.len(), events_before);
    let production = fixtures::legal_entity(&partner, Environment::Production, 13, "Other SA");
    store
        .insert_legal_entity(&production, &[], &[])
        .await
        .unwrap();
}

/// The VAT id derived from a primary id (BE 0208 -> 9925) is also unique.
pub async fn derived_vat_id_counts_for_uniqueness<S: Store>(store: &S) {
    let (_, child) = partner_with_child(store).await;
    let first = fixtures::legal_entity(&child, Environment::Sandbox, 14, "Kunde GmbH");
    store.insert_legal_entity(&first, &[], &[]).await.unwrap();
    let derived = first
        .participant_ids()
        .into_iter()
        .nth(1)
        .expect("BE ids derive a VAT id");
    let mut clash = fixtures::legal_entity(&child, Environment::Sandbox, 99, "Kunde VAT");
    clash.identifier = derived;
    assert_eq!(
        store.insert_legal_entity(&clash, &[], &[]).await,
        Err(StoreError::Duplicate(Uniqueness::ParticipantId))
    );
}

/// Archiving an entity lets another entity take its participant ids.
pub async fn archiving_frees_participant_ids<S: Store>(store: &S) {
    let (_, child) = partner_with_child(store).await;
    let mut first = fixtures::legal_entity(&child, Environment::Sandbox, 15, "Kunde GmbH");
    store.insert_legal_entity(&first, &[], &[]).await.unwrap();
    let expected_version = first.version();
    first.apply(Trigger::Archive, T0).unwrap();
    store
        .update_legal_entity(&first, expected_version, &[], &[])
        .await
        .unwrap();
    let successor = fixtures::legal_entity(&child, Environment::Sandbox, 15, "Kunde GmbH");
    store
        .insert_legal_entity(&successor, &[], &[])
        .await
        .unwrap();
}

/// An entity is found by its primary or derived participant id, in any case, in its
/// environment only, and no longer once archived.
pub async fn legal_entity_is_found_by_participant_id<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let mut entity = fixtures::legal_entity(&child, Environment::Sandbox, 16, "Kunde GmbH");
    store.insert_legal_entity(&entity, &[], &[]).await.unwrap();
    let other = fixtures::legal_entity(&partner, Environment::Sandbox, 17, "Other SA");
    store.insert_legal_entity(&other, &[], &[]).await.unwrap();
    let ids = entity.participant_ids();
    assert_eq!(ids.len(), 2, "a Belgian id derives a VAT id");
    for id in &ids {
        let upper = crate::participant::ParticipantId::parse(&id.to_string().to_uppercase())
            .expect("upper case is the same id");
        for wanted in [id, &upper] {
            let found = store
                .legal_entity_by_participant(Environment::Sandbox, wanted)
                .await
                .unwrap();
            assert_eq!(found.as_ref(), Some(&entity), "{wanted}");
        }
        assert_eq!(
            store
                .legal_entity_by_participant(Environment::Production, id)
                .await
                .unwrap(),
            None
        );
    }
    let unknown = fixtures::participant_id(18);
    assert_eq!(
        store
            .legal_entity_by_participant(Environment::Sandbox, &unknown)
            .await
            .unwrap(),
        None
    );
    let expected_version = entity.version();
    entity.apply(Trigger::Archive, T0).unwrap();
    store
        .update_legal_entity(&entity, expected_version, &[], &[])
        .await
        .unwrap();
    assert_eq!(
        store
            .legal_entity_by_participant(Environment::Sandbox, &ids[0])
            .await
            .unwrap(),
        None
    );
}

/// A write based on an old version is refused and writes no event.
pub async fn stale_legal_entity_update_conflicts<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let entity = fixtures::legal_entity(&child, Environment::Sandbox, 16, "Kunde GmbH");
    store.insert_legal_entity(&entity, &[], &[]).await.unwrap();
    let mut first = entity.clone();
    first.apply(Trigger::StartVerification, T0).unwrap();
    store
        .update_legal_entity(&first, entity.version(), &[], &[])
        .await
        .unwrap();
    let mut second = entity.clone();
    second.apply(Trigger::Archive, T0).unwrap();
    let before = all_events(store, &partner).await.len();
    let event = EventRecord::legal_entity_transition(&second, entity.status(), &child);
    assert_eq!(
        store
            .update_legal_entity(&second, entity.version(), &[event], &[])
            .await,
        Err(StoreError::Conflict)
    );
    assert_eq!(all_events(store, &partner).await.len(), before);
    let unknown = fixtures::legal_entity(&child, Environment::Sandbox, 17, "Nobody");
    assert_eq!(
        store.update_legal_entity(&unknown, 1, &[], &[]).await,
        Err(StoreError::NotFound)
    );
}

/// Status, country and external-id filters; sorting; paging.
pub async fn list_legal_entities_filters_sorts_and_pages<S: Store>(store: &S) {
    let (_, child) = partner_with_child(store).await;
    let mut created = Vec::new();
    for (seed, name) in [(20, "Bravo"), (21, "Alpha"), (22, "Charlie")] {
        let mut entity = fixtures::legal_entity(&child, Environment::Sandbox, seed, name);
        entity.external_id = Some(ExternalId::parse(&format!("ext-{seed}")).unwrap());
        store.insert_legal_entity(&entity, &[], &[]).await.unwrap();
        created.push(entity);
    }
    let mut verifying = created[2].clone();
    verifying.apply(Trigger::StartVerification, T0).unwrap();
    store
        .update_legal_entity(&verifying, created[2].version(), &[], &[])
        .await
        .unwrap();

    let by_status = store
        .list_legal_entities(
            child.id,
            Environment::Sandbox,
            &entity_query(LegalEntityFilter {
                status: Some(StatusName::Verifying),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(by_status.items, vec![verifying]);

    let by_external = store
        .list_legal_entities(
            child.id,
            Environment::Sandbox,
            &entity_query(LegalEntityFilter {
                external_id: Some(ExternalId::parse("ext-21").unwrap()),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(by_external.items, vec![created[1].clone()]);

    let by_country = store
        .list_legal_entities(
            child.id,
            Environment::Sandbox,
            &entity_query(LegalEntityFilter {
                country: Some(crate::codes::CountryCode::parse("LU").unwrap()),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(by_country.total, 0);

    let sorted = store
        .list_legal_entities(
            child.id,
            Environment::Sandbox,
            &LegalEntityQuery {
                page: page(1, 2),
                sort: vec![SortKey {
                    field: LegalEntitySort::CompanyName,
                    direction: Direction::Ascending,
                }],
                filter: LegalEntityFilter::default(),
            },
        )
        .await
        .unwrap();
    let names: Vec<&str> = sorted
        .items
        .iter()
        .map(|entity| entity.company_name.as_str())
        .collect();
    assert_eq!((names, sorted.total), (vec!["Alpha", "Bravo"], 3));
}

/// `live_legal_entities` spans environments and skips archived entities.
pub async fn live_legal_entities_skip_archived<S: Store>(store: &S) {
    let (_, child) = partner_with_child(store).await;
    let sandbox = fixtures::legal_entity(&child, Environment::Sandbox, 30, "Kunde GmbH");
    let production = fixtures::legal_entity(&child, Environment::Production, 31, "Kunde GmbH");
    let mut archived = fixtures::legal_entity(&child, Environment::Sandbox, 32, "Old GmbH");
    for entity in [&sandbox, &production, &archived] {
        store.insert_legal_entity(entity, &[], &[]).await.unwrap();
    }
    let version = archived.version();
    archived.apply(Trigger::Archive, T0).unwrap();
    store
        .update_legal_entity(&archived, version, &[], &[])
        .await
        .unwrap();
    let mut live: Vec<_> = store
        .live_legal_entities(child.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    live.sort();
    let mut expected = vec![sandbox.id, production.id];
    expected.sort();
    assert_eq!(live, expected);
}

/// Sequence numbers increase; `after` and `limit` page through one partner's events.
pub async fn events_are_ordered_and_scoped_by_partner<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let other = fixtures::partner("Partner Two");
    insert_tenant(store, &other).await;
    let entity = fixtures::legal_entity(&child, Environment::Sandbox, 40, "Kunde GmbH");
    store
        .insert_legal_entity(
            &entity,
            &[EventRecord::legal_entity_created(&entity, &child)],
            &[],
        )
        .await
        .unwrap();

    let first = store
        .events(EventQuery::partner(partner.id, 0, 2))
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    assert!(first[0].sequence < first[1].sequence);
    let rest = store
        .events(EventQuery::partner(partner.id, first[1].sequence, 10))
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].record.event_type, "legal_entity.created");
    assert!(rest[0].sequence > first[1].sequence);
    let others = store
        .events(EventQuery::partner(other.id, 0, 10))
        .await
        .unwrap();
    assert_eq!(others.len(), 1);
    assert_eq!(others[0].record.tenant_id, other.id);
}

/// The feed narrows to one tenant and one environment (events of no environment, a
/// tenant's own, are in every environment's feed).
pub async fn events_filter_by_tenant_and_environment<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let sibling = fixtures::child(&partner, "Sibling BV", T0);
    insert_tenant(store, &sibling).await;
    for (tenant, environment, seed) in [
        (&child, Environment::Sandbox, 50),
        (&child, Environment::Production, 51),
        (&sibling, Environment::Sandbox, 52),
    ] {
        let entity = fixtures::legal_entity(tenant, environment, seed, "Kunde GmbH");
        store
            .insert_legal_entity(
                &entity,
                &[EventRecord::legal_entity_created(&entity, tenant)],
                &[],
            )
            .await
            .unwrap();
    }
    let feed = |tenant: Option<&Tenant>, environment: Option<Environment>| {
        let query = EventQuery {
            tenant_id: tenant.map(|tenant| tenant.id),
            environment,
            ..EventQuery::partner(partner.id, 0, 100)
        };
        async move {
            store
                .events(query)
                .await
                .unwrap()
                .into_iter()
                .map(|event| (event.record.tenant_id, event.record.environment))
                .collect::<Vec<_>>()
        }
    };
    // partner created, child created, sibling created, three entities.
    assert_eq!(feed(None, None).await.len(), 6);
    assert_eq!(
        feed(Some(&child), None).await,
        [
            (child.id, None),
            (child.id, Some(Environment::Sandbox)),
            (child.id, Some(Environment::Production)),
        ]
    );
    assert_eq!(
        feed(Some(&child), Some(Environment::Production)).await,
        [(child.id, None), (child.id, Some(Environment::Production))]
    );
    assert_eq!(
        feed(None, Some(Environment::Sandbox)).await,
        [
            (partner.id, None),
            (child.id, None),
            (sibling.id, None),
            (child.id, Some(Environment::Sandbox)),
            (sibling.id, Some(Environment::Sandbox)),
        ]
    );
}
