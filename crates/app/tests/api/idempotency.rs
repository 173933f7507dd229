//! `Idempotency-Key` on POST: replays, mismatches, requests in flight, scoping, and
//! concurrent duplicates that must not create two resources.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use einvoice_domain::environment::Environment;
use einvoice_domain::idempotency::{IdempotencyKey, IdempotencyScope, request_fingerprint};
use einvoice_domain::ids::TenantId;
use einvoice_domain::ports::Reservation;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Reply, TestGateway, tenant_body};

const PATH: &str = "/api/v1/tenants";

async fn post_with_key(gateway: &TestGateway, bearer: &str, key: &str, body: &Value) -> Reply {
    let text = body.to_string();
    let mut headers = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Idempotency-Key".to_owned(), key.to_owned()),
    ];
    if let Some(secret) = gateway.secret_of(bearer) {
        headers.push((
            "X-Signature".to_owned(),
            gateway.fresh_signature(&secret, "POST", PATH, text.as_bytes()),
        ));
    }
    gateway
        .send(
            Method::POST,
            PATH,
            Some(bearer),
            &headers,
            Some(text.into_bytes()),
        )
        .await
}

async fn tenant_count(gateway: &TestGateway) -> u64 {
    gateway
        .get("/api/v1/tenants?page%5Bsize%5D=1", &gateway.partner_key)
        .await
        .body["meta"]["totalElements"]
        .as_u64()
        .expect("totalElements")
}

#[tokio::test]
async fn same_key_and_body_replays_the_stored_response() {
    let gateway = TestGateway::spawn().await;
    let body = tenant_body("Kunde GmbH", &json!({}));
    let first = post_with_key(&gateway, &gateway.partner_key, "order-1", &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    assert!(first.headers.get("idempotent-replayed").is_none());
    let again = post_with_key(&gateway, &gateway.partner_key, "order-1", &body).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.headers["content-type"], "application/vnd.api+json");
    assert_eq!(again.body, first.body);
    assert!(again.headers.contains_key("ratelimit"));
    assert_eq!(tenant_count(&gateway).await, 1);

    // A refused request is replayed too (it did not reach a server failure).
    let invalid = tenant_body("Kunde GmbH", &json!({ "addressCountry": "XX" }));
    let refused = post_with_key(&gateway, &gateway.partner_key, "order-2", &invalid).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let again = post_with_key(&gateway, &gateway.partner_key, "order-2", &invalid).await;
    assert_eq!(
        (
            again.status,
            again.headers["idempotent-replayed"].to_str().unwrap()
        ),
        (StatusCode::UNPROCESSABLE_ENTITY, "true")
    );
}

#[tokio::test]
async fn same_key_with_another_body_is_422() {
    let gateway = TestGateway::spawn().await;
    let first = post_with_key(
        &gateway,
        &gateway.partner_key,
        "k",
        &tenant_body("Kunde GmbH", &json!({})),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let other = post_with_key(
        &gateway,
        &gateway.partner_key,
        "k",
        &tenant_body("Other GmbH", &json!({})),
    )
    .await;
    assert_eq!(
        (other.status, other.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );
    assert_eq!(
        other.body["errors"][0]["source"]["header"],
        "Idempotency-Key"
    );
    assert_eq!(tenant_count(&gateway).await, 1);
}

#[tokio::test]
async fn a_key_still_in_flight_is_409_and_bad_keys_are_400() {
    let gateway = TestGateway::spawn().await;
    let body = tenant_body("Kunde GmbH", &json!({}));
    // Another process holds the reservation of this exact request.
    let services = gateway.services().await;
    let scope = IdempotencyScope {
        tenant: TenantId::parse(&gateway.partner_id).unwrap(),
        environment: Environment::Sandbox,
        key: IdempotencyKey::parse("busy").unwrap(),
    };
    let fingerprint = request_fingerprint("POST", PATH, None, body.to_string().as_bytes());
    assert_eq!(
        services
            .idempotency
            .begin(&scope, &fingerprint)
            .await
            .unwrap(),
        Reservation::Reserved
    );
    let reply = post_with_key(&gateway, &gateway.partner_key, "busy", &body).await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::CONFLICT, "idempotency_key_in_use"),
        "{reply:?}"
    );
    assert_eq!(tenant_count(&gateway).await, 0);

    for bad in ["", &"k".repeat(256), "with space"] {
        let reply = post_with_key(&gateway, &gateway.partner_key, bad, &body).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::BAD_REQUEST, "invalid_header"),
            "{bad:?}"
        );
    }
}

#[tokio::test]
async fn keys_are_scoped_by_the_api_keys_tenant() {
    let gateway = TestGateway::spawn().await;
    let (_, other_partner) = gateway
        .second_partner("Other Partner", Environment::Sandbox)
        .await;
    let body = tenant_body("Kunde GmbH", &json!({}));
    let mine = post_with_key(&gateway, &gateway.partner_key, "shared", &body).await;
    let theirs = post_with_key(&gateway, &other_partner, "shared", &body).await;
    assert_eq!(
        (mine.status, theirs.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert!(theirs.headers.get("idempotent-replayed").is_none());
    assert_ne!(mine.id(), theirs.id());
}

#[tokio::test]
async fn concurrent_duplicates_create_each_resource_once() {
    let gateway = Arc::new(TestGateway::spawn().await);
    // An access token: the duplicates are byte-identical requests, which a signature
    // would refuse as replays.
    let exchange = gateway
        .send(
            Method::POST,
            "/api/v1/auth/token",
            None,
            &[("Content-Type".to_owned(), "application/json".to_owned())],
            Some(
                json!({ "data": { "type": "tokens", "attributes": {
                    "apiKey": gateway.partner_key, "apiSecret": gateway.partner_secret } } })
                .to_string()
                .into_bytes(),
            ),
        )
        .await;
    let access = exchange.attributes()["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut tasks = tokio::task::JoinSet::new();
    for attempt in 0..200 {
        let gateway = gateway.clone();
        let access = access.clone();
        tasks.spawn(async move {
            let key = attempt % 20;
            let body = tenant_body(&format!("Kunde {key}"), &json!({}));
            let reply = post_with_key(&gateway, &access, &format!("key-{key}"), &body).await;
            (key, reply)
        });
    }
    let mut ids: HashMap<i32, HashSet<String>> = HashMap::new();
    let mut in_flight = 0;
    while let Some(result) = tasks.join_next().await {
        let (key, reply) = result.unwrap();
        match reply.status {
            StatusCode::CREATED => {
                ids.entry(key).or_default().insert(reply.id());
            }
            StatusCode::CONFLICT => {
                assert_eq!(reply.code(), "idempotency_key_in_use");
                in_flight += 1;
            }
            other => panic!("unexpected {other}: {reply:?}"),
        }
    }
    assert!(ids.values().all(|ids| ids.len() == 1), "{ids:?}");
    assert_eq!(tenant_count(&gateway).await, 20);
    println!("200 concurrent POSTs over 20 keys: 20 tenants, {in_flight} answered 409 in flight");
}

/// The guard covers endpoints added later (here the documents API) without any wiring
/// of their own: signatures are required and idempotency keys work.
#[tokio::test]
async fn document_submissions_are_signed_and_idempotent_too() {
    let gateway = TestGateway::spawn().await;
    // The seller of the seed invoice is the default legal entity of a tenant with its VAT
    // number.
    let tenant = gateway
        .post(
            PATH,
            &gateway.partner_key,
            tenant_body("Vigasoft", &json!({ "vatNumber": "LU15027442" })),
        )
        .await;
    assert_eq!(tenant.status, StatusCode::CREATED, "{tenant:?}");
    let (_, key) = gateway
        .create_key(&gateway.partner_key, &tenant.id(), None)
        .await;
    let invoice: Value =
        serde_json::from_str(include_str!("../../../../tests/clients/seed-invoice.json"))
            .expect("seed invoice");
    let path = "/api/v1/documents/business-documents";
    let text = invoice.to_string();

    let unsigned = gateway
        .send(
            Method::POST,
            path,
            Some(&key),
            &[("Content-Type".to_owned(), "application/json".to_owned())],
            Some(text.clone().into_bytes()),
        )
        .await;
    assert_eq!(unsigned.code(), "signature_missing");

    let secret = gateway.secret_of(&key).expect("secret");
    let mut replies = Vec::new();
    for _ in 0..2 {
        let headers = vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("Idempotency-Key".to_owned(), "invoice-42".to_owned()),
            (
                "X-Signature".to_owned(),
                gateway.fresh_signature(&secret, "POST", path, text.as_bytes()),
            ),
        ];
        replies.push(
            gateway
                .send(
                    Method::POST,
                    path,
                    Some(&key),
                    &headers,
                    Some(text.clone().into_bytes()),
                )
                .await,
        );
    }
    assert!(replies[0].status.is_success(), "{:?}", replies[0]);
    assert!(replies[0].headers.get("idempotent-replayed").is_none());
    assert_eq!(replies[1].status, replies[0].status);
    assert_eq!(replies[1].headers["idempotent-replayed"], "true");
    assert_eq!(replies[1].body, replies[0].body);
    let listed = gateway.get("/api/v1/documents", &key).await;
    assert_eq!(listed.body["meta"]["totalElements"], 1, "{listed:?}");
}
