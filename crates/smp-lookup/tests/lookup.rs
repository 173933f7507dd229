//! The lookup adapter end to end: a local DNS stub answers the SML's NAPTR queries with
//! the gateway's own SMP (or a forging one), and the lookup reads, verifies and dates
//! what the gateway publishes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use einvoice_app::config::{GlobalSettings, LogFormat, ServeSettings, SmpSettings};
use einvoice_app::wiring::{self, Running, Stores};
use einvoice_domain::environment::Environment;
use einvoice_domain::legal_entity::Trigger;
use einvoice_domain::participant::ParticipantId;
use einvoice_domain::ports::LegalEntityStore;
use einvoice_domain::service::{RoutingError, RoutingService};
use einvoice_domain::smp::sml::{self, SmlZone};
use einvoice_domain::smp::{
    CapabilityLookup, DocumentTypeId, LookupError, Receiver, TransportProfile,
};
use einvoice_domain::testing::ManualClock;
use einvoice_domain::testing::fixtures::{T0, belgian_enterprise_number};
use einvoice_smp_lookup::{LookupSettings, SmpLookup};
use hickory_resolver::proto::op::{Message, MessageType, ResponseCode};
use hickory_resolver::proto::rr::rdata::NAPTR;
use hickory_resolver::proto::rr::{Name, RData, Record};
use serde_json::{Value, json};
use time::macros::datetime;
use tokio::net::UdpSocket;

// Not a special-use domain (`.invalid`, `.test`, `.localhost`): resolvers answer those
// themselves without asking any server.
const ZONE: &str = "sml.einvoice-stub.internal";

/// A DNS server on loopback that answers NAPTR queries for the names it knows with
/// a `Meta:SMP` record, and NXDOMAIN for every other name.
async fn dns_stub(records: Vec<(String, String)>) -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").await.expect("binds");
    let addr = socket.local_addr().expect("bound");
    tokio::spawn(async move {
        let mut buffer = [0_u8; 4096];
        loop {
            let Ok((len, peer)) = socket.recv_from(&mut buffer).await else {
                return;
            };
            let Ok(query) = Message::from_vec(&buffer[..len]) else {
                continue;
            };
            let mut response = Message::new();
            response.set_id(query.id());
            response.set_message_type(MessageType::Response);
            response.set_op_code(query.op_code());
            response.set_recursion_desired(query.recursion_desired());
            response.set_authoritative(true);
            response.add_queries(query.queries().to_vec());
            let asked = query
                .queries()
                .first()
                .map(|q| q.name().to_ascii().trim_end_matches('.').to_lowercase())
                .unwrap_or_default();
            match records
                .iter()
                .find(|(name, _)| name.to_lowercase() == asked)
            {
                Some((name, url)) => {
                    let naptr = NAPTR::new(
                        100,
                        10,
                        b"U".to_vec().into_boxed_slice(),
                        b"Meta:SMP".to_vec().into_boxed_slice(),
                        format!("!^.*$!{url}!").into_bytes().into_boxed_slice(),
                        Name::root(),
                    );
                    let name = Name::from_ascii(format!("{name}.")).expect("DNS name");
                    response.add_answer(Record::from_rdata(name, 60, RData::NAPTR(naptr)));
                }
                None => {
                    response.set_response_code(ResponseCode::NXDomain);
                }
            }
            let bytes = response.to_vec().expect("serialises");
            let _ = socket.send_to(&bytes, peer).await;
        }
    });
    addr
}

struct Gateway {
    base: String,
    key: String,
    global: GlobalSettings,
    running: Running,
    _dir: tempfile::TempDir,
}

async fn gateway(adjust: impl FnOnce(&mut SmpSettings)) -> Gateway {
    let dir = tempfile::tempdir().expect("temporary directory");
    let global = GlobalSettings {
        data_dir: dir.path().to_path_buf(),
        database_url: None,
        master_key: None,
        log_format: LogFormat::Human,
        log: "warn".to_owned(),
    };
    let mut smp = SmpSettings::default();
    adjust(&mut smp);
    let settings = ServeSettings {
        shutdown_grace_secs: 5,
        smp,
        ..ServeSettings::loopback_defaults()
    };
    let running = wiring::start(&global, &settings).await.expect("starts");
    let key = running
        .bootstrap
        .as_ref()
        .expect("sandbox partner")
        .key
        .token
        .expose()
        .to_owned();
    Gateway {
        base: format!("http://{}", running.addr.expect("the API listens")),
        key,
        global,
        running,
        _dir: dir,
    }
}

impl Gateway {
    async fn post(&self, path: &str, tenant: Option<&str>, body: Value) -> Value {
        let mut request = reqwest::Client::new()
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .header("Content-Type", "application/vnd.api+json")
            .body(body.to_string());
        if let Some(tenant) = tenant {
            request = request.header("X-Tenant-Id", tenant);
        }
        let response = request.send().await.expect("answered");
        assert!(response.status().is_success(), "{}", response.status());
        response.json().await.expect("JSON")
    }

    /// A sandbox legal entity `0208:<seed>` in status `active`.
    async fn active_entity(&self, seed: u32) -> ParticipantId {
        let tenant = self
            .post(
                "/api/v1/tenants",
                None,
                json!({ "data": { "type": "tenants", "attributes": {
                    "companyName": format!("Lookup {seed}"), "addressStreet": "1 rue de la Gare",
                    "addressPostalCode": "L-1611", "addressCity": "Luxembourg",
                    "addressCountry": "LU", "contactEmail": "max@kunde.lu",
                    "billingModel": "SEATS" } } }),
            )
            .await;
        let tenant = tenant["data"]["id"].as_str().expect("id").to_owned();
        let number = belgian_enterprise_number(seed);
        self.post(
            "/api/v1/legal-entities",
            Some(&tenant),
            json!({ "data": { "type": "legal-entities", "attributes": {
                "companyName": "Lookup SA", "country": "BE",
                "identifier": { "scheme": "0208", "value": number } } } }),
        )
        .await;
        let participant = ParticipantId::new("0208", &number).expect("valid");
        self.apply(
            &participant,
            &[
                Trigger::StartVerification,
                Trigger::VerificationPassed,
                Trigger::StartProvisioning,
                Trigger::ProvisioningSucceeded,
            ],
        )
        .await;
        participant
    }

    async fn apply(&self, participant: &ParticipantId, triggers: &[Trigger]) {
        match wiring::open_store(&self.global).await.expect("store") {
            Stores::Sqlite(store) => apply(&*store, participant, triggers).await,
            Stores::Postgres(store) => apply(&*store, participant, triggers).await,
        }
    }

    fn certificate(&self) -> Vec<u8> {
        let pem = std::fs::read_to_string(self.global.data_dir.join("smp/certificate.pem"))
            .expect("generated");
        einvoice_smp::certificate_from_pem(&pem).expect("PEM")
    }
}

async fn apply<S: LegalEntityStore + ?Sized>(
    store: &S,
    participant: &ParticipantId,
    triggers: &[Trigger],
) {
    let mut entity = store
        .legal_entity_by_participant(Environment::Sandbox, participant)
        .await
        .expect("store answers")
        .expect("entity");
    for trigger in triggers {
        let version = entity.version();
        entity.apply(*trigger, T0).expect("allowed");
        store
            .update_legal_entity(&entity, version, &[], &[])
            .await
            .expect("saved");
    }
}

fn record(participant: &ParticipantId, smp_url: &str) -> (String, String) {
    (
        sml::naptr_name(participant, &SmlZone::Custom(ZONE.to_owned())),
        smp_url.to_owned(),
    )
}

fn settings(dns: SocketAddr, trusted: Vec<u8>) -> LookupSettings {
    let mut settings = LookupSettings::new(SmlZone::Custom(ZONE.to_owned()), vec![trusted]);
    settings.dns_server = Some(dns);
    settings.timeout = Duration::from_secs(5);
    settings
}

fn clock_at(at: time::OffsetDateTime) -> Arc<ManualClock> {
    Arc::new(ManualClock::new(at))
}

#[tokio::test]
async fn finds_the_gateways_own_endpoints_through_the_sml() {
    let gateway = gateway(|smp| {
        smp.activation_date = Some("2026-01-01T00:00:00Z".to_owned());
        smp.expiration_date = Some("2027-01-01T00:00:00Z".to_owned());
    })
    .await;
    let active = gateway.active_entity(601).await;
    let pending_number = belgian_enterprise_number(602);
    let pending = ParticipantId::new("0208", &pending_number).expect("valid");
    let unknown = ParticipantId::new("0208", &belgian_enterprise_number(603)).expect("valid");
    let smp_url = format!("{}/smp", gateway.base);
    let dns = dns_stub(vec![record(&active, &smp_url), record(&pending, &smp_url)]).await;
    let clock = clock_at(datetime!(2026-06-01 00:00:00 UTC));
    let lookup =
        SmpLookup::new(settings(dns, gateway.certificate()), clock.clone()).expect("lookup builds");

    let capabilities = lookup.capabilities(&active).await.expect("found");
    assert_eq!(capabilities.participant, active);
    let types: Vec<_> = capabilities.document_types().cloned().collect();
    assert_eq!(types, DocumentTypeId::supported().to_vec());
    for document_type in DocumentTypeId::supported() {
        let endpoint = capabilities
            .endpoint(&document_type, &TransportProfile::peppol_as4())
            .expect("AS4 endpoint");
        assert_eq!(endpoint.address, format!("{}/as4", gateway.base));
        assert_eq!(endpoint.certificate_der, gateway.certificate());
    }

    assert_eq!(
        lookup.capabilities(&unknown).await,
        Err(LookupError::NotRegistered(unknown.to_string()))
    );
    assert_eq!(
        lookup.capabilities(&pending).await,
        Err(LookupError::NotPublished(pending.to_string()))
    );

    // Answers are cached: archiving is seen only once the cached answer expires, or at
    // once by a lookup whose cache has no room.
    let mut no_room = settings(dns, gateway.certificate());
    no_room.max_cached = 0;
    let no_room = SmpLookup::new(no_room, clock.clone()).expect("builds");
    assert!(no_room.capabilities(&active).await.is_ok());
    gateway.apply(&active, &[Trigger::Archive]).await;
    assert!(lookup.capabilities(&active).await.is_ok(), "cached");
    assert_eq!(
        no_room.capabilities(&active).await,
        Err(LookupError::NotPublished(active.to_string())),
        "nothing cached"
    );
    let mut uncached = settings(dns, gateway.certificate());
    uncached.cache_ttl = Duration::ZERO;
    let fresh = SmpLookup::new(uncached, clock.clone()).expect("builds");
    assert_eq!(
        fresh.capabilities(&active).await,
        Err(LookupError::NotPublished(active.to_string()))
    );
    gateway.running.shutdown().await;
}

#[tokio::test]
async fn endpoints_outside_their_activation_period_are_dropped() {
    let gateway = gateway(|smp| {
        smp.activation_date = Some("2026-01-01T00:00:00Z".to_owned());
        smp.expiration_date = Some("2027-01-01T00:00:00Z".to_owned());
    })
    .await;
    let participant = gateway.active_entity(611).await;
    let dns = dns_stub(vec![record(&participant, &format!("{}/smp", gateway.base))]).await;
    for (at, expected) in [
        (datetime!(2025-12-31 23:59:59 UTC), 0),
        (datetime!(2026-01-01 00:00:00 UTC), 2),
        (datetime!(2026-12-31 23:59:59 UTC), 2),
        (datetime!(2027-01-01 00:00:00 UTC), 0),
    ] {
        let clock = clock_at(at);
        let lookup =
            SmpLookup::new(settings(dns, gateway.certificate()), clock.clone()).expect("builds");
        let capabilities = lookup.capabilities(&participant).await.expect("answered");
        assert_eq!(capabilities.documents.len(), expected, "at {at}");
    }
    gateway.running.shutdown().await;
}

#[tokio::test]
async fn untrusted_forged_and_oversized_answers_are_refused() {
    let gateway = gateway(|_| {}).await;
    let participant = gateway.active_entity(621).await;
    let dns = dns_stub(vec![record(&participant, &format!("{}/smp", gateway.base))]).await;
    let clock = clock_at(datetime!(2026-11-01 00:00:00 UTC));

    let stranger =
        einvoice_smp::SmpIdentity::generate_self_signed("stranger", T0, 365).expect("generates");
    let untrusted = SmpLookup::new(
        settings(dns, stranger.certificate_der().to_vec()),
        clock.clone(),
    )
    .expect("builds");
    assert!(matches!(
        untrusted.capabilities(&participant).await,
        Err(LookupError::Invalid(reason)) if reason.contains("not trusted")
    ));

    let mut small = settings(dns, gateway.certificate());
    small.max_answer_bytes = 2000;
    let small = SmpLookup::new(small, clock.clone()).expect("builds");
    assert!(matches!(
        small.capabilities(&participant).await,
        Err(LookupError::Invalid(reason)) if reason.contains("exceeds 2000 bytes")
    ));

    // A forging SMP: the gateway's signed answer with another endpoint address.
    let forged = forging_smp(&gateway, &participant).await;
    let dns = dns_stub(vec![record(&participant, &forged)]).await;
    let lookup =
        SmpLookup::new(settings(dns, gateway.certificate()), clock.clone()).expect("builds");
    assert!(matches!(
        lookup.capabilities(&participant).await,
        Err(LookupError::Invalid(reason)) if reason.contains("invalid")
    ));
    gateway.running.shutdown().await;
}

/// Serves the gateway's ServiceGroup and ServiceMetadata with the endpoint address
/// changed after signing; returns its base URL.
async fn forging_smp(gateway: &Gateway, participant: &ParticipantId) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let base = format!("http://{}", listener.local_addr().expect("bound"));
    let get = |url: String| async move {
        reqwest::get(url)
            .await
            .expect("answered")
            .text()
            .await
            .expect("body")
    };
    let group_path = format!(
        "/{}",
        einvoice_smp::write::path_segment(&participant.to_uri())
    );
    let group = get(format!("{}/smp{group_path}", gateway.base)).await;
    let original = einvoice_smp::read::service_group(&group).expect("group");
    let mut pages = vec![(
        group_path.clone(),
        group.replace(&format!("{}/smp", gateway.base), &base),
    )];
    for reference in &original.references {
        let metadata = get(reference.clone()).await;
        let path = reference[format!("{}/smp", gateway.base).len()..].to_owned();
        pages.push((
            path,
            metadata.replace(
                &format!("{}/as4", gateway.base),
                "http://attacker.invalid/as4",
            ),
        ));
    }
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let pages = pages.clone();
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
                let mut buffer = vec![0_u8; 8192];
                let Ok(len) = stream.read(&mut buffer).await else {
                    return;
                };
                let request = String::from_utf8_lossy(&buffer[..len]).into_owned();
                let path = request.split_whitespace().nth(1).unwrap_or("").to_owned();
                let response = match pages.iter().find(|(page, _)| *page == path) {
                    Some((_, body)) => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    ),
                    None => {
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_owned()
                    }
                };
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    base
}

#[tokio::test]
async fn routing_answers_hosted_receivers_from_the_store_and_others_through_the_lookup() {
    let ours = gateway(|_| {}).await;
    let theirs = gateway(|_| {}).await;
    let hosted = ours.active_entity(631).await;
    let remote = theirs.active_entity(632).await;
    let unknown = ParticipantId::new("0208", &belgian_enterprise_number(633)).expect("valid");
    let dns = dns_stub(vec![record(&remote, &format!("{}/smp", theirs.base))]).await;
    // The generated sandbox certificates, whose validity the endpoints take, start now.
    let clock = clock_at(einvoice_domain::clock::truncate_to_micros(
        time::OffsetDateTime::now_utc(),
    ));
    let lookup =
        SmpLookup::new(settings(dns, theirs.certificate()), clock.clone()).expect("builds");
    let store = wiring::open_store(&ours.global).await.expect("store");
    let routing = RoutingService::new(
        wiring::publishing(&store, Environment::Sandbox),
        Arc::new(lookup),
    );
    let invoice = DocumentTypeId::bis_billing_invoice();

    match routing.route(&hosted, &invoice).await.expect("routed") {
        Receiver::Hosted(entity) => assert_eq!(entity.identifier, hosted),
        Receiver::Remote(endpoint) => panic!("a hosted receiver went remote: {endpoint:?}"),
    }
    match routing.route(&remote, &invoice).await.expect("routed") {
        Receiver::Remote(endpoint) => assert_eq!(endpoint.address, format!("{}/as4", theirs.base)),
        Receiver::Hosted(_) => panic!("a remote receiver is not hosted here"),
    }
    assert_eq!(
        routing.route(&unknown, &invoice).await,
        Err(RoutingError::UnknownReceiver(unknown.to_string()))
    );
    let order = DocumentTypeId::parse(
        "urn:oasis:names:specification:ubl:schema:xsd:Order-2::Order##urn:fdc:peppol.eu:poacc:trns:order:3::2.1",
    )
    .expect("well formed");
    assert!(matches!(
        routing.route(&remote, &order).await,
        Err(RoutingError::DocumentTypeNotSupported { .. })
    ));
    ours.running.shutdown().await;
    theirs.running.shutdown().await;
}
