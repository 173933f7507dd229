//! The document use case over the in-memory store and the real parser and renderer:
//! the events of a submission, a failing store, and the routing table.

use std::sync::Arc;

use einvoice_domain::environment::Environment;
use einvoice_domain::event::EventRecord;
use einvoice_domain::ports::{
    DocumentStore, EventLog as _, EventQuery, LegalEntityStore as _, Renderer, StoreError,
    TenantInsert, TenantStore as _,
};
use einvoice_domain::rendition::{DocumentStatusName, Format, Target};
use einvoice_domain::service::{Acting, Caller, DocumentService, ServiceError};
use einvoice_domain::testing::{InMemoryStore, ManualClock, MockDocumentStore, fixtures};
use einvoice_render_ubl::UblRenderer;

fn invoice() -> einvoice_domain::document::Document {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/04-be-zero-rated-newspapers.json");
    einvoice_document_json::parse_document(&std::fs::read(path).expect("corpus")).expect("parses")
}

/// A child tenant, its sandbox key and the legal entity of the corpus seller.
async fn world(store: &InMemoryStore) -> Acting {
    let partner = fixtures::partner("Partner");
    let child = fixtures::child(&partner, "Mediahuis", fixtures::T0);
    for tenant in [&partner, &child] {
        store
            .insert_tenant(&TenantInsert {
                tenant: tenant.clone(),
                legal_entity: None,
                api_key: None,
                events: Vec::new(),
                jobs: Vec::new(),
            })
            .await
            .expect("tenant");
    }
    let mut entity = fixtures::legal_entity(&child, Environment::Sandbox, 0, "Mediahuis");
    entity.identifier =
        einvoice_domain::participant::ParticipantId::new("0208", "0476543281").expect("valid");
    store
        .insert_legal_entity(
            &entity,
            &[EventRecord::legal_entity_created(&entity, &child)],
            &[],
        )
        .await
        .expect("entity");
    let key = fixtures::api_key(&child, Environment::Sandbox, "key", fixtures::T0);
    Acting {
        caller: Caller {
            key,
            tenant: child.clone(),
        },
        tenant: child,
    }
}

fn service(documents: Arc<dyn DocumentStore>, store: Arc<InMemoryStore>) -> DocumentService {
    let renderer: Arc<dyn Renderer> = Arc::new(UblRenderer);
    DocumentService::new(
        documents,
        store,
        vec![renderer],
        Arc::new(ManualClock::new(fixtures::T0)),
    )
}

#[tokio::test]
async fn a_submission_records_every_status_it_reached() {
    let store = Arc::new(InMemoryStore::new());
    let acting = world(&store).await;
    let service = service(store.clone(), store.clone());
    let submission = service.submit(&acting, invoice()).await.expect("accepted");
    assert_eq!(submission.renditions.len(), 1);
    let rendition = &submission.renditions[0].rendition;
    assert_eq!(
        rendition.status().name(),
        DocumentStatusName::QueuedForValidation
    );
    let events = store
        .events(EventQuery::partner(acting.tenant.partner_id(), 0, 100))
        .await
        .expect("events");
    let document_events: Vec<(String, serde_json::Value)> = events
        .iter()
        .filter(|event| event.record.event_type.starts_with("document."))
        .map(|event| {
            (
                event.record.event_type.clone(),
                event.record.data["previousStatus"].clone(),
            )
        })
        .collect();
    assert_eq!(
        document_events,
        [
            ("document.accepted".to_owned(), serde_json::Value::Null),
            (
                "document.queued_for_validation".to_owned(),
                serde_json::json!("ACCEPTED")
            ),
        ]
    );
    let stored = store
        .document_content(acting.tenant.id, Environment::Sandbox, rendition.id)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored, submission.renditions[0].content);
}

#[tokio::test]
async fn a_store_failure_is_an_unexpected_error() {
    let store = Arc::new(InMemoryStore::new());
    let acting = world(&store).await;
    let mut failing = MockDocumentStore::new();
    failing
        .expect_insert_documents()
        .times(1)
        .returning(|_, _, _| Err(StoreError::Unexpected("disk full".to_owned())));
    let service = service(Arc::new(failing), store.clone());
    let error = service
        .submit(&acting, invoice())
        .await
        .expect_err("the store failed");
    assert_eq!(error, ServiceError::Unexpected("disk full".to_owned()));
}

#[tokio::test]
async fn every_document_goes_to_peppol_as_ubl_for_now() {
    let valid = einvoice_domain::document::check(invoice()).expect("valid");
    assert_eq!(
        einvoice_domain::service::routes(&valid),
        [(Format::UblPeppolBis3, Target::Peppol)]
    );
}
