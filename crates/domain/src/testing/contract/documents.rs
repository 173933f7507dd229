//! The document part of the store contract (see the module above).

use time::Duration;
use time::macros::date;

use crate::document::model::DocumentKind;
use crate::environment::Environment;
use crate::event::EventRecord;
use crate::ids::{DocumentId, ProcessId};
use crate::ports::{
    Direction, DocumentFilter, DocumentQuery, DocumentSort, ListQuery, PageRequest, SortKey, Store,
    StoreError,
};
use crate::rendition::{
    DocumentStatus, DocumentStatusName, DocumentTrigger, Flow, Format, NewRendition, Rendition,
    RenditionFacts, StatusReason, Target,
};
use crate::tenant::Tenant;

use super::super::fixtures::{self, T0};
use super::{all_events, partner_with_child};

/// A queued rendition of `tenant`, created at `T0 + minutes`.
fn rendition(
    tenant: &Tenant,
    environment: Environment,
    process_id: ProcessId,
    minutes: i64,
) -> Rendition {
    let facts = RenditionFacts {
        process_id,
        tenant_id: tenant.id,
        environment,
        flow: Flow::Outbound,
        kind: DocumentKind::Invoice,
        format: Format::UblPeppolBis3,
        target: Target::Peppol,
        legal_entity_id: None,
        document_number: format!("INV-{minutes}"),
        issue_date: date!(2026 - 05 - 01),
        sender: Some(fixtures::participant_id(1)),
        receiver: Some(fixtures::participant_id(2)),
    };
    let mut document = Rendition::accept(facts, T0 + Duration::minutes(minutes));
    document
        .apply(DocumentTrigger::QueueValidation, document.created_at)
        .expect("allowed");
    document
}

fn new(document: &Rendition) -> NewRendition {
    NewRendition {
        rendition: document.clone(),
        content: format!("<Invoice id=\"{}\"/>", document.id).into_bytes(),
    }
}

fn query(filter: DocumentFilter) -> DocumentQuery {
    ListQuery {
        page: PageRequest::default(),
        sort: Vec::new(),
        filter,
    }
}

fn ids(documents: &[Rendition]) -> Vec<DocumentId> {
    documents.iter().map(|document| document.id).collect()
}

/// The renditions of a submission read back equal, with their content and events.
pub async fn documents_round_trip_with_content_and_events<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let process = ProcessId::new();
    let mut first = rendition(&child, Environment::Sandbox, process, 1);
    first.facts.legal_entity_id = Some(crate::ids::LegalEntityId::new());
    let mut second = rendition(&child, Environment::Sandbox, process, 1);
    second.facts.kind = DocumentKind::CreditNote;
    second.facts.sender = None;
    let events: Vec<EventRecord> = [&first, &second]
        .iter()
        .map(|document| EventRecord::document_status(document, None, partner.id))
        .collect();
    store
        .insert_documents(&[new(&first), new(&second)], &events, &[])
        .await
        .expect("insert");
    for document in [&first, &second] {
        let read = store
            .document(child.id, Environment::Sandbox, document.id)
            .await
            .unwrap();
        assert_eq!(read.as_ref(), Some(document));
        let content = store
            .document_content(child.id, Environment::Sandbox, document.id)
            .await
            .unwrap();
        assert_eq!(content, Some(new(document).content));
    }
    let types: Vec<String> = all_events(store, &partner)
        .await
        .into_iter()
        .map(|event| event.event_type)
        .filter(|kind| kind.starts_with("document."))
        .collect();
    assert_eq!(
        types,
        [
            "document.queued_for_validation",
            "document.queued_for_validation"
        ]
    );
}

/// Another tenant's or another environment's documents are never returned.
pub async fn documents_are_scoped_by_tenant_and_environment<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let other = fixtures::child(&partner, "Other BV", T0);
    super::insert_tenant(store, &other).await;
    let document = rendition(&child, Environment::Sandbox, ProcessId::new(), 1);
    store
        .insert_documents(&[new(&document)], &[], &[])
        .await
        .unwrap();

    for (tenant, environment) in [
        (other.id, Environment::Sandbox),
        (child.id, Environment::Production),
    ] {
        assert_eq!(
            store
                .document(tenant, environment, document.id)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .document_content(tenant, environment, document.id)
                .await
                .unwrap(),
            None
        );
        let page = store
            .list_documents(tenant, environment, &query(DocumentFilter::default()))
            .await
            .unwrap();
        assert_eq!((page.total, page.items.len()), (0, 0));
    }
}

/// A failing insert writes none of the submission's renditions and no event.
pub async fn document_insert_is_atomic<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let process = ProcessId::new();
    let existing = rendition(&child, Environment::Sandbox, process, 1);
    store
        .insert_documents(&[new(&existing)], &[], &[])
        .await
        .unwrap();
    let before = all_events(store, &partner).await.len();

    let fresh = rendition(&child, Environment::Sandbox, process, 2);
    let event = EventRecord::document_status(&fresh, None, partner.id);
    let result = store
        .insert_documents(&[new(&fresh), new(&existing)], &[event], &[])
        .await;
    assert!(result.is_err(), "a duplicate document id must fail");
    assert_eq!(
        store
            .document(child.id, Environment::Sandbox, fresh.id)
            .await
            .unwrap(),
        None
    );
    assert_eq!(all_events(store, &partner).await.len(), before);
}

/// Status changes persist with their reason; a stale version conflicts; an unknown
/// document is not found.
pub async fn document_updates_check_the_version<S: Store>(store: &S) {
    let (partner, child) = partner_with_child(store).await;
    let mut document = rendition(&child, Environment::Sandbox, ProcessId::new(), 1);
    store
        .insert_documents(&[new(&document)], &[], &[])
        .await
        .unwrap();
    let stale = document.clone();

    let read_version = document.version();
    document
        .apply(DocumentTrigger::ValidationPassed, T0 + Duration::minutes(5))
        .unwrap();
    document
        .apply(DocumentTrigger::QueueSending, T0 + Duration::minutes(5))
        .unwrap();
    document
        .apply(DocumentTrigger::Submit, T0 + Duration::minutes(6))
        .unwrap();
    let previous = document
        .apply(
            DocumentTrigger::Fail(StatusReason::new("receiver_unknown", "no SMP entry")),
            T0 + Duration::minutes(7),
        )
        .unwrap();
    let event = EventRecord::document_status(&document, Some(&previous), partner.id);
    store
        .update_document(&document, read_version, &[event], &[])
        .await
        .expect("update");
    let read = store
        .document(child.id, Environment::Sandbox, document.id)
        .await
        .unwrap()
        .expect("found");
    assert_eq!(read, document);
    assert_eq!(
        read.status(),
        &DocumentStatus::Failed(StatusReason::new("receiver_unknown", "no SMP entry"))
    );
    assert_eq!(
        all_events(store, &partner)
            .await
            .last()
            .map(|event| event.event_type.clone()),
        Some("document.failed".to_owned())
    );

    let mut late = stale.clone();
    late.apply(DocumentTrigger::ValidationPassed, T0 + Duration::minutes(9))
        .unwrap();
    assert_eq!(
        store
            .update_document(&late, stale.version(), &[], &[])
            .await,
        Err(StoreError::Conflict)
    );
    let unknown = rendition(&child, Environment::Sandbox, ProcessId::new(), 1);
    assert_eq!(
        store
            .update_document(&unknown, unknown.version(), &[], &[])
            .await,
        Err(StoreError::NotFound)
    );
}

/// Every filter narrows the list; sorting and pages are stable.
pub async fn list_documents_filters_sorts_and_pages<S: Store>(store: &S) {
    let (_, child) = partner_with_child(store).await;
    let entity = crate::ids::LegalEntityId::new();
    let process = ProcessId::new();
    let mut all = Vec::new();
    for minutes in 0..6_i64 {
        let mut document = rendition(
            &child,
            Environment::Sandbox,
            if minutes < 2 {
                process
            } else {
                ProcessId::new()
            },
            minutes,
        );
        document.facts.issue_date = date!(2026 - 05 - 01) - Duration::days(minutes);
        if minutes % 2 == 0 {
            document.facts.legal_entity_id = Some(entity);
        }
        if minutes == 5 {
            document.facts.flow = Flow::Inbound;
        }
        if minutes >= 3 {
            document
                .apply(DocumentTrigger::ValidationPassed, document.created_at)
                .unwrap();
        }
        store
            .insert_documents(&[new(&document)], &[], &[])
            .await
            .unwrap();
        all.push(document);
    }
    let list = |filter: DocumentFilter| async {
        let page = store
            .list_documents(child.id, Environment::Sandbox, &query(filter))
            .await
            .unwrap();
        assert_eq!(page.total, page.items.len() as u64);
        ids(&page.items)
    };
    let pick = |indexes: &[usize]| indexes.iter().map(|&i| all[i].id).collect::<Vec<_>>();

    assert_eq!(
        list(DocumentFilter::default()).await,
        pick(&[0, 1, 2, 3, 4, 5])
    );
    assert_eq!(
        list(DocumentFilter {
            process_id: Some(process),
            ..DocumentFilter::default()
        })
        .await,
        pick(&[0, 1])
    );
    assert_eq!(
        list(DocumentFilter {
            status: Some(DocumentStatusName::Valid),
            ..DocumentFilter::default()
        })
        .await,
        pick(&[3, 4, 5])
    );
    assert_eq!(
        list(DocumentFilter {
            flow: Some(Flow::Inbound),
            ..DocumentFilter::default()
        })
        .await,
        pick(&[5])
    );
    assert_eq!(
        list(DocumentFilter {
            legal_entity_id: Some(entity),
            ..DocumentFilter::default()
        })
        .await,
        pick(&[0, 2, 4])
    );
    assert_eq!(
        list(DocumentFilter {
            created_from: Some(T0 + Duration::minutes(2)),
            created_to: Some(T0 + Duration::minutes(4)),
            ..DocumentFilter::default()
        })
        .await,
        pick(&[2, 3])
    );
    assert_eq!(
        list(DocumentFilter {
            status: Some(DocumentStatusName::Valid),
            legal_entity_id: Some(entity),
            ..DocumentFilter::default()
        })
        .await,
        pick(&[4])
    );

    let sorted = store
        .list_documents(
            child.id,
            Environment::Sandbox,
            &ListQuery {
                page: PageRequest::new(2, 2).unwrap(),
                sort: vec![SortKey {
                    field: DocumentSort::IssueDate,
                    direction: Direction::Ascending,
                }],
                filter: DocumentFilter::default(),
            },
        )
        .await
        .unwrap();
    assert_eq!(sorted.total, 6);
    assert_eq!(ids(&sorted.items), pick(&[3, 2]));
    let newest_first = store
        .list_documents(
            child.id,
            Environment::Sandbox,
            &ListQuery {
                page: PageRequest::new(1, 1).unwrap(),
                sort: vec![SortKey {
                    field: DocumentSort::CreatedAt,
                    direction: Direction::Descending,
                }],
                filter: DocumentFilter::default(),
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&newest_first.items), pick(&[5]));
}
