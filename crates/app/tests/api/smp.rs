//! The gateway's SMP end to end: what it publishes follows the legal entity's status,
//! identifiers are accepted raw, percent-encoded and in any case, the ServiceMetadata
//! is signed with the SMP certificate, and an independent SMP client (`PyPI` peppol-py)
//! finds the endpoint.

use std::path::{Path, PathBuf};
use std::process::Command;

use einvoice_app::wiring::Stores;
use einvoice_domain::environment::Environment;
use einvoice_domain::legal_entity::Trigger;
use einvoice_domain::participant::ParticipantId;
use einvoice_domain::ports::LegalEntityStore;
use einvoice_domain::smp::DocumentTypeId;
use einvoice_smp::read::{self, ServiceMetadata};
use einvoice_smp::write::path_segment;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestGateway, enterprise_number, legal_entity_body};

async fn apply<S: LegalEntityStore + ?Sized>(
    store: &S,
    participant: &ParticipantId,
    triggers: &[Trigger],
) {
    let mut entity = store
        .legal_entity_by_participant(Environment::Sandbox, participant)
        .await
        .expect("store answers")
        .expect("entity exists");
    for trigger in triggers {
        let version = entity.version();
        entity
            .apply(*trigger, einvoice_domain::testing::fixtures::T0)
            .expect("lifecycle allows it");
        store
            .update_legal_entity(&entity, version, &[], &[])
            .await
            .expect("saved");
    }
}

/// Moves the sandbox entity holding `participant` to `active`, as provisioning will.
async fn activate(gateway: &TestGateway, participant: &ParticipantId) {
    let triggers = [
        Trigger::StartVerification,
        Trigger::VerificationPassed,
        Trigger::StartProvisioning,
        Trigger::ProvisioningSucceeded,
    ];
    match einvoice_app::wiring::open_store(&gateway.global)
        .await
        .expect("store")
    {
        Stores::Sqlite(store) => apply(&*store, participant, &triggers).await,
        Stores::Postgres(store) => apply(&*store, participant, &triggers).await,
    }
}

/// A sandbox legal entity `0208:<seed>` of a new tenant; returns (participant, entity
/// id, tenant id).
async fn provisioned_entity(gateway: &TestGateway, seed: u32) -> (ParticipantId, String, String) {
    let key = gateway.partner_key.clone();
    let tenant = gateway
        .create_tenant(&key, &format!("SMP Kunde {seed}"))
        .await;
    let number = enterprise_number(seed);
    let reply = gateway
        .request(
            reqwest::Method::POST,
            "/api/v1/legal-entities",
            Some(&key),
            Some(&tenant),
            Some(legal_entity_body("Kunde SMP SA", &number)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
    let participant = ParticipantId::new("0208", &number).expect("valid");
    (participant, reply.id(), tenant)
}

async fn get(gateway: &TestGateway, path: &str) -> (StatusCode, String) {
    let response = reqwest::get(format!("{}{path}", gateway.base))
        .await
        .expect("answered");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

fn smp_certificate(gateway: &TestGateway) -> Vec<u8> {
    let pem = std::fs::read_to_string(gateway.global.data_dir.join("smp/certificate.pem"))
        .expect("sandbox SMP certificate generated");
    einvoice_smp::certificate_from_pem(&pem).expect("PEM certificate")
}

#[tokio::test]
async fn smp_publishes_active_entities_only_and_signs_their_metadata() {
    let gateway = TestGateway::spawn().await;
    let (participant, entity_id, tenant) = provisioned_entity(&gateway, 501).await;
    let uri = participant.to_uri();

    let (status, _) = get(&gateway, &format!("/smp/{uri}")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a pending entity is not published"
    );

    activate(&gateway, &participant).await;
    let raw = format!("/smp/{uri}");
    let encoded = format!("/smp/{}", path_segment(&uri));
    let upper = format!("/smp/{}", uri.to_uppercase());
    let mut groups = Vec::new();
    for path in [&raw, &encoded, &upper] {
        let (status, body) = get(&gateway, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        groups.push(body);
    }
    let group = read::service_group(&groups[0]).expect("a ServiceGroup");
    assert_eq!(group.participant, participant.to_string());
    assert_eq!(group.references.len(), 2);

    let trusted = vec![smp_certificate(&gateway)];
    for (reference, document_type) in group.references.iter().zip(DocumentTypeId::supported()) {
        let prefix = format!("{}/smp/", gateway.base);
        assert!(reference.starts_with(&prefix), "{reference}");
        let path = &reference[gateway.base.len()..];
        let (status, xml) = get(&gateway, path).await;
        assert_eq!(status, StatusCode::OK, "{xml}");
        einvoice_smp::sign::verify(&xml, &trusted).expect("signed with the SMP certificate");
        let ServiceMetadata::Information {
            participant: published,
            capability,
        } = read::signed_service_metadata(&xml).expect("SignedServiceMetadata")
        else {
            panic!("no redirect expected");
        };
        assert_eq!(published, participant.to_string());
        assert_eq!(capability.document_type, document_type);
        let endpoint = &capability.routes[0].endpoints[0];
        assert_eq!(
            endpoint.transport_profile.as_str(),
            "peppol-transport-as4-v2_0"
        );
        assert_eq!(endpoint.address, format!("{}/as4", gateway.base));
        assert_eq!(
            endpoint.certificate_der, trusted[0],
            "sandbox: the AP certificate is the SMP's"
        );
        assert!(endpoint.activation.is_some() && endpoint.expiration.is_some());
        // The raw, unencoded document type identifier is accepted too.
        let raw_path = format!(
            "/smp/{uri}/services/{}",
            document_type.to_uri().replace('#', "%23")
        );
        assert_eq!(get(&gateway, &raw_path).await.0, StatusCode::OK);
    }

    let (status, card) = get(&gateway, &format!("/smp/businesscard/{uri}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(card.contains("<Name>Kunde SMP SA</Name>"), "{card}");
    assert!(card.contains("<Email>max@kunde.lu</Email>"), "{card}");

    let unknown_type = format!(
        "/smp/{uri}/services/{}",
        path_segment(
            "busdox-docid-qns::urn:oasis:names:specification:ubl:schema:xsd:Order-2::Order##urn:fdc:peppol.eu:poacc:trns:order:3::2.1"
        )
    );
    assert_eq!(get(&gateway, &unknown_type).await.0, StatusCode::NOT_FOUND);
    let unknown = ParticipantId::new("0208", &enterprise_number(502)).expect("valid");
    assert_eq!(
        get(&gateway, &format!("/smp/{}", unknown.to_uri())).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&gateway, "/smp/not-an-identifier").await.0,
        StatusCode::NOT_FOUND
    );

    let peppol_py = run_peppol_py(&gateway, &participant).await;
    let archived = gateway
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/legal-entities/{entity_id}"),
            Some(&gateway.partner_key),
            Some(&tenant),
            None,
        )
        .await;
    assert_eq!(archived.status, StatusCode::OK, "{archived:?}");
    for path in [&raw, &format!("/smp/businesscard/{uri}")] {
        assert_eq!(
            get(&gateway, path).await.0,
            StatusCode::NOT_FOUND,
            "{path} after archiving"
        );
    }
    if let Some(found) = peppol_py {
        assert_peppol_py_found(&found, &gateway, &trusted[0]);
        let gone = run_peppol_py(&gateway, &participant)
            .await
            .expect("python ran before");
        assert_eq!(gone["found"], Value::Bool(false), "{gone}");
        assert_eq!(gone["code"], "not-found", "{gone}");
    }
}

#[tokio::test]
async fn smp_prefix_and_own_listener_are_configurable() {
    let gateway = TestGateway::spawn_with(|settings| {
        settings.smp.path_prefix = "/peppol/smp/".to_owned();
    })
    .await;
    let (participant, _, _) = provisioned_entity(&gateway, 503).await;
    activate(&gateway, &participant).await;
    let uri = participant.to_uri();
    assert_eq!(
        get(&gateway, &format!("/peppol/smp/{uri}")).await.0,
        StatusCode::OK
    );
    assert_eq!(
        get(&gateway, &format!("/smp/{uri}")).await.0,
        StatusCode::NOT_FOUND
    );

    let own = TestGateway::spawn_with(|settings| {
        settings.smp.listen = Some("127.0.0.1:0".parse().expect("address"));
    })
    .await;
    let (participant, _, _) = provisioned_entity(&own, 504).await;
    activate(&own, &participant).await;
    let smp = own.smp_addr().expect("SMP listener bound");
    let response = reqwest::get(format!("http://{smp}/{}", participant.to_uri()))
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::OK);
    let group = read::service_group(&response.text().await.expect("body")).expect("group");
    assert!(group.references[0].starts_with(&format!("http://{smp}/iso6523-actorid-upis")));
    assert_eq!(
        get(&own, &format!("/smp/{}", participant.to_uri())).await.0,
        StatusCode::NOT_FOUND
    );
}

/// Whether `.ci/run` requires the Python tools.
fn tools_required() -> bool {
    std::env::var_os("EINVOICE_REQUIRE_SMP_TOOLS").is_some_and(|value| value == "1")
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci/smp/peppol_py_lookup.py")
}

/// Runs the peppol-py lookup on a blocking thread (the gateway serves on this test's
/// runtime meanwhile).
async fn run_peppol_py(gateway: &TestGateway, participant: &ParticipantId) -> Option<Value> {
    let base = format!("{}/smp", gateway.base);
    let participant = participant.to_string();
    tokio::task::spawn_blocking(move || run_peppol_py_blocking(&base, &participant))
        .await
        .expect("lookup thread")
}

fn run_peppol_py_blocking(base: &str, participant: &str) -> Option<Value> {
    let python = match std::env::var_os("EINVOICE_SMP_PYTHON") {
        Some(python) => python,
        None if tools_required() => panic!("EINVOICE_SMP_PYTHON is not set"),
        None => {
            println!("SKIPPED peppol-py: EINVOICE_SMP_PYTHON is not set (.ci/run sets it)");
            return None;
        }
    };
    let output = Command::new(python)
        .arg(script())
        .arg(base)
        .arg(participant)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "peppol-py lookup failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).expect("one JSON line"))
}

fn assert_peppol_py_found(found: &Value, gateway: &TestGateway, certificate: &[u8]) {
    assert_eq!(found["found"], Value::Bool(true), "{found}");
    let documents = found["documents"].as_object().expect("documents");
    assert_eq!(documents.len(), 2);
    for document_type in DocumentTypeId::supported() {
        let document = &documents[document_type.as_str()];
        assert_eq!(document["transportProfile"], "peppol-transport-as4-v2_0");
        assert_eq!(document["endpoint"], format!("{}/as4", gateway.base));
        let pem = document["certificate"].as_str().expect("certificate");
        assert_eq!(
            einvoice_smp::certificate_from_pem(pem).expect("peppol-py's PEM parses"),
            certificate
        );
    }
}

#[tokio::test]
async fn a_production_smp_needs_its_key_and_certificates() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let global = einvoice_app::config::GlobalSettings {
        data_dir: dir.path().to_path_buf(),
        database_url: None,
        master_key: None,
        log_format: einvoice_app::config::LogFormat::Human,
        log: "warn".to_owned(),
    };
    let mut settings = einvoice_app::config::ServeSettings {
        shutdown_grace_secs: 5,
        ..einvoice_app::config::ServeSettings::loopback_defaults()
    };
    settings.smp.environment = "production".to_owned();
    let error = einvoice_app::wiring::start(&global, &settings)
        .await
        .expect_err("no production identity");
    assert!(error.to_string().contains("--smp-key-file"), "{error}");
    assert!(
        !dir.path().join("smp").exists(),
        "nothing generated for production"
    );

    settings.smp.environment = "staging".to_owned();
    assert!(
        einvoice_app::wiring::start(&global, &settings)
            .await
            .is_err()
    );
}
