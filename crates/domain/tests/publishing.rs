//! What the SMP publishes and where routing sends a document, over the in-memory store
//! and a mocked capability lookup.

use std::sync::Arc;

use einvoice_domain::environment::Environment::{Production, Sandbox};
use einvoice_domain::legal_entity::{LegalEntity, Trigger};
use einvoice_domain::participant::ParticipantId;
use einvoice_domain::ports::{LegalEntityStore as _, TenantInsert, TenantStore as _};
use einvoice_domain::service::{PublishingService, RoutingError, RoutingService};
use einvoice_domain::smp::{
    Capabilities, Capability, DocumentTypeId, Endpoint, LookupError, ProcessId, Receiver, Route,
    TransportProfile,
};
use einvoice_domain::tenant::Tenant;
use einvoice_domain::testing::fixtures::{self, T0};
use einvoice_domain::testing::{InMemoryStore, MockCapabilityLookup};

async fn tenant(store: &InMemoryStore) -> Tenant {
    let partner = fixtures::partner("Partner");
    let child = fixtures::child(&partner, "Kunde GmbH", T0);
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
            .expect("inserted");
    }
    child
}

async fn entity(
    store: &InMemoryStore,
    tenant: &Tenant,
    seed: u32,
    triggers: &[Trigger],
) -> LegalEntity {
    let mut entity = fixtures::legal_entity(tenant, Sandbox, seed, "Kunde GmbH");
    store
        .insert_legal_entity(&entity, &[], &[])
        .await
        .expect("inserted");
    for trigger in triggers {
        let version = entity.version();
        entity.apply(*trigger, T0).expect("allowed");
        store
            .update_legal_entity(&entity, version, &[], &[])
            .await
            .expect("saved");
    }
    entity
}

const ACTIVATE: [Trigger; 4] = [
    Trigger::StartVerification,
    Trigger::VerificationPassed,
    Trigger::StartProvisioning,
    Trigger::ProvisioningSucceeded,
];

#[tokio::test]
async fn only_active_entities_of_the_published_environment_are_published() {
    let store = Arc::new(InMemoryStore::new());
    let tenant = tenant(&store).await;
    let active = entity(&store, &tenant, 1, &ACTIVATE).await;
    let provisioning = entity(&store, &tenant, 2, &ACTIVATE[..3]).await;
    let sandbox = PublishingService::new(store.clone(), store.clone(), Sandbox);
    let production = PublishingService::new(store.clone(), store.clone(), Production);

    for id in active.participant_ids() {
        let publication = sandbox.publication(&id).await.unwrap().expect("published");
        assert_eq!(publication.entity, active);
        assert_eq!(publication.contact, tenant.profile.contact);
        assert_eq!(
            publication.document_types,
            DocumentTypeId::supported().to_vec()
        );
        assert_eq!(production.publication(&id).await.unwrap(), None);
    }
    assert_eq!(
        sandbox.publication(&provisioning.identifier).await.unwrap(),
        None
    );

    let mut archived = active.clone();
    let version = archived.version();
    archived.apply(Trigger::Archive, T0).unwrap();
    store
        .update_legal_entity(&archived, version, &[], &[])
        .await
        .unwrap();
    assert_eq!(sandbox.publication(&active.identifier).await.unwrap(), None);
}

fn endpoint() -> Endpoint {
    Endpoint {
        transport_profile: TransportProfile::peppol_as4(),
        address: "https://ap.example.com/as4".to_owned(),
        certificate_der: vec![1, 2, 3],
        activation: None,
        expiration: None,
        description: String::new(),
        technical_contact: String::new(),
    }
}

#[tokio::test]
async fn routing_prefers_our_store_then_the_lookup_and_names_unknown_receivers() {
    let store = Arc::new(InMemoryStore::new());
    let tenant = tenant(&store).await;
    let hosted = entity(&store, &tenant, 11, &ACTIVATE).await;
    let remote = fixtures::participant_id(12);
    let unknown = fixtures::participant_id(13);
    let broken = fixtures::participant_id(14);
    let invoice = DocumentTypeId::bis_billing_invoice();

    let mut lookup = MockCapabilityLookup::new();
    let (remote_id, unknown_id, broken_id) = (remote.clone(), unknown.clone(), broken.clone());
    let invoice_type = invoice.clone();
    lookup
        .expect_capabilities()
        .returning(move |participant: &ParticipantId| {
            if participant == &remote_id {
                Ok(Capabilities {
                    participant: participant.clone(),
                    documents: vec![Capability {
                        document_type: invoice_type.clone(),
                        routes: vec![Route {
                            process: ProcessId::bis_billing(),
                            endpoints: vec![endpoint()],
                        }],
                    }],
                })
            } else if participant == &unknown_id {
                Err(LookupError::NotRegistered(participant.to_string()))
            } else if participant == &broken_id {
                Err(LookupError::Invalid("bad signature".to_owned()))
            } else {
                panic!("the lookup is not asked about hosted receivers: {participant}")
            }
        });
    let routing = RoutingService::new(
        PublishingService::new(store.clone(), store.clone(), Sandbox),
        Arc::new(lookup),
    );

    assert_eq!(
        routing.route(&hosted.identifier, &invoice).await,
        Ok(Receiver::Hosted(Box::new(hosted.clone())))
    );
    assert_eq!(
        routing.route(&remote, &invoice).await,
        Ok(Receiver::Remote(endpoint()))
    );
    assert!(matches!(
        routing
            .route(&remote, &DocumentTypeId::bis_billing_credit_note())
            .await,
        Err(RoutingError::DocumentTypeNotSupported { .. })
    ));
    assert_eq!(
        routing.route(&unknown, &invoice).await,
        Err(RoutingError::UnknownReceiver(unknown.to_string()))
    );
    assert_eq!(
        routing.route(&broken, &invoice).await,
        Err(RoutingError::Lookup(LookupError::Invalid(
            "bad signature".to_owned()
        )))
    );
}
