//! HMAC request signatures: which checks refuse what, the ±300 s window, replays (also
//! across two gateway processes on one database), keys that do not require signing,
//! and a property test over mutated requests.

use proptest::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Reply, TestGateway, sign_at, unix_now};

const PATH: &str = "/api/v1/tenants";

fn header(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

async fn get_with(gateway: &TestGateway, signature: Option<&str>) -> Reply {
    let headers: Vec<_> = signature
        .map(|value| header("X-Signature", value))
        .into_iter()
        .collect();
    gateway
        .send(
            Method::GET,
            PATH,
            Some(&gateway.partner_key),
            &headers,
            None,
        )
        .await
}

fn assert_refused(reply: &Reply, code: &str) {
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::UNAUTHORIZED, code),
        "{reply:?}"
    );
}

#[tokio::test]
async fn each_failed_check_has_its_own_code() {
    let gateway = TestGateway::spawn().await;
    let missing = get_with(&gateway, None).await;
    assert_refused(&missing, "signature_missing");
    assert_eq!(
        missing.body["errors"][0]["source"]["header"], "X-Signature",
        "{missing:?}"
    );
    assert_eq!(missing.headers["www-authenticate"], "Bearer");

    for malformed in ["", "t=abc,v1=00", "v1=abcd", "t=1700000000", "t=1,v1=xyz"] {
        assert_refused(
            &get_with(&gateway, Some(malformed)).await,
            "signature_malformed",
        );
    }

    let wrong_secret = sign_at("eig_secret_wrong", unix_now(), "GET", PATH, b"");
    assert_refused(
        &get_with(&gateway, Some(&wrong_secret)).await,
        "signature_mismatch",
    );
    let wrong_method = sign_at(&gateway.partner_secret, unix_now(), "POST", PATH, b"");
    assert_refused(
        &get_with(&gateway, Some(&wrong_method)).await,
        "signature_mismatch",
    );
    let old = sign_at(&gateway.partner_secret, unix_now() - 3600, "GET", PATH, b"");
    assert_refused(&get_with(&gateway, Some(&old)).await, "signature_timestamp");

    let good = sign_at(&gateway.partner_secret, unix_now(), "GET", PATH, b"");
    assert_eq!(get_with(&gateway, Some(&good)).await.status, StatusCode::OK);
    assert_refused(&get_with(&gateway, Some(&good)).await, "signature_replayed");
}

/// Sends a GET signed `offset` seconds away from now; retried when the clock ticked
/// during the request (the gateway's "now" would then differ from the test's).
async fn with_offset(gateway: &TestGateway, offset: i64) -> Reply {
    loop {
        let before = unix_now();
        let signature = sign_at(&gateway.partner_secret, before + offset, "GET", PATH, b"");
        let reply = get_with(gateway, Some(&signature)).await;
        if unix_now() == before {
            return reply;
        }
    }
}

#[tokio::test]
async fn timestamps_within_300_seconds_either_way_are_accepted() {
    let gateway = TestGateway::spawn().await;
    for offset in [-299, 299] {
        let reply = with_offset(&gateway, offset).await;
        assert_eq!(reply.status, StatusCode::OK, "{offset}: {reply:?}");
    }
    for offset in [-301, 301] {
        assert_refused(&with_offset(&gateway, offset).await, "signature_timestamp");
    }
}

#[tokio::test]
async fn bizzlink_header_name_is_accepted_and_covers_query_and_body() {
    let gateway = TestGateway::spawn().await;
    let path = "/api/v1/tenants?page%5Bsize%5D=5&sort=-createdAt";
    let signature = sign_at(&gateway.partner_secret, unix_now(), "GET", path, b"");
    let reply = gateway
        .send(
            Method::GET,
            path,
            Some(&gateway.partner_key),
            &[header("X-Bizzlink-Signature", &signature)],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.body["meta"]["size"], 5);

    // The body is covered: the same signature over another body is refused.
    let body = crate::helpers::tenant_body("Kunde GmbH", &json!({})).to_string();
    let signature = sign_at(
        &gateway.partner_secret,
        unix_now(),
        "POST",
        PATH,
        body.as_bytes(),
    );
    let tampered = body.replace("Kunde GmbH", "Kunde GmbX");
    let reply = gateway
        .send(
            Method::POST,
            PATH,
            Some(&gateway.partner_key),
            &[
                header("X-Bizzlink-Signature", &signature),
                header("Content-Type", "application/json"),
            ],
            Some(tampered.into_bytes()),
        )
        .await;
    assert_refused(&reply, "signature_mismatch");
    assert_eq!(
        reply.body["errors"][0]["source"]["header"],
        "X-Bizzlink-Signature"
    );
    let reply = gateway
        .send(
            Method::POST,
            PATH,
            Some(&gateway.partner_key),
            &[
                header("X-Bizzlink-Signature", &signature),
                header("Content-Type", "application/json"),
            ],
            Some(body.into_bytes()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
}

#[tokio::test]
async fn a_replay_is_refused_by_another_gateway_process_on_the_same_database() {
    let gateway = TestGateway::spawn().await;
    let (other, _process) = gateway.another_process().await;
    let signature = sign_at(&gateway.partner_secret, unix_now(), "GET", PATH, b"");
    let headers = [header("X-Signature", &signature)];
    let first = gateway
        .send_at(
            &other,
            Method::GET,
            PATH,
            Some(&gateway.partner_key),
            &headers,
            None,
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{first:?}");
    let replayed = gateway
        .send(
            Method::GET,
            PATH,
            Some(&gateway.partner_key),
            &headers,
            None,
        )
        .await;
    assert_refused(&replayed, "signature_replayed");
}

#[tokio::test]
async fn keys_created_without_signing_work_unsigned_and_signing_is_the_default() {
    let gateway = TestGateway::spawn().await;
    let path = format!("/api/v1/tenants/{}/api-keys", gateway.partner_id);
    let unsigned_key = gateway
        .post(
            &path,
            &gateway.partner_key,
            json!({ "data": { "type": "api-keys", "attributes": {
                "name": "legacy", "signingRequired": false } } }),
        )
        .await;
    assert_eq!(unsigned_key.status, StatusCode::CREATED, "{unsigned_key:?}");
    assert_eq!(unsigned_key.attributes()["signingRequired"], false);
    let token = unsigned_key.attributes()["key"].as_str().unwrap();
    let reply = gateway
        .send(Method::GET, PATH, Some(token), &[], None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");

    let default_key = gateway
        .post(
            &path,
            &gateway.partner_key,
            json!({ "data": { "type": "api-keys", "attributes": { "name": "default" } } }),
        )
        .await;
    assert_eq!(default_key.attributes()["signingRequired"], true);
    let token = default_key.attributes()["key"].as_str().unwrap();
    assert_refused(
        &gateway
            .send(Method::GET, PATH, Some(token), &[], None)
            .await,
        "signature_missing",
    );
    let listed = gateway.get(&path, &gateway.partner_key).await;
    assert!(
        listed.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|key| key["attributes"]["signingRequired"].is_boolean())
    );
}

/// One part of a request to change after signing it.
#[derive(Debug, Clone)]
enum Mutation {
    Method,
    Path,
    Query(String),
    Body(Vec<u8>),
    Timestamp(i64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Method),
        Just(Mutation::Path),
        "[a-z0-9]{1,8}".prop_map(Mutation::Query),
        proptest::collection::vec(any::<u8>(), 1..32).prop_map(Mutation::Body),
        prop_oneof![-2000_i64..=-1, 1_i64..=2000].prop_map(Mutation::Timestamp),
    ]
}

#[derive(Debug, Clone)]
struct Signed {
    method: Method,
    path: &'static str,
    query: String,
    body: Vec<u8>,
}

impl Signed {
    fn target(&self) -> String {
        if self.query.is_empty() {
            self.path.to_owned()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }
}

fn signed_request() -> impl Strategy<Value = Signed> {
    (
        prop_oneof![Just(Method::GET), Just(Method::POST)],
        prop_oneof![Just("/api/v1/tenants"), Just("/api/v1/legal-entities")],
        "(filter%5Bfoo%5D=[a-z]{1,6})?",
        proptest::collection::vec(any::<u8>(), 0..48),
    )
        .prop_map(|(method, path, query, body)| Signed {
            method,
            path,
            query,
            body,
        })
}

async fn send_signed(gateway: &TestGateway, request: &Signed, signature: &str) -> Reply {
    gateway
        .send(
            request.method.clone(),
            &request.target(),
            Some(&gateway.partner_key),
            &[
                header("X-Signature", signature),
                header("Content-Type", "application/json"),
            ],
            Some(request.body.clone()),
        )
        .await
}

/// Any change to a signed request after signing is refused (`signature_mismatch`, or
/// `signature_timestamp` when the changed timestamp leaves the window); the request as
/// signed is accepted once and then refused as a replay.
#[test]
fn mutated_requests_are_refused_and_the_original_works_once() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let gateway = runtime.block_on(TestGateway::spawn());
    let config = ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(request in signed_request(), change in mutation())| {
        runtime.block_on(async {
            let now = unix_now();
            // Identical requests of two cases within one second would share a signature
            // (a replay): the helper signs such a repeat with a later timestamp.
            let signature = gateway.fresh_signature(
                &gateway.partner_secret,
                request.method.as_str(),
                &gateway.sent_path(&request.target()),
                &request.body,
            );
            let signed_at: i64 = signature
                .strip_prefix("t=")
                .and_then(|rest| rest.split(',').next())
                .and_then(|t| t.parse().ok())
                .expect("t");
            let mut mutated = request.clone();
            let mut mutated_signature = signature.clone();
            let mut expected = "signature_mismatch";
            match &change {
                Mutation::Method => {
                    mutated.method = if request.method == Method::GET { Method::POST } else { Method::GET };
                }
                Mutation::Path => {
                    mutated.path = if request.path == "/api/v1/tenants" { "/api/v1/legal-entities" } else { "/api/v1/tenants" };
                }
                Mutation::Query(extra) => {
                    mutated.query = if request.query.is_empty() {
                        format!("filter%5Bx%5D={extra}")
                    } else {
                        format!("{}{extra}", request.query)
                    };
                }
                Mutation::Body(extra) => mutated.body.extend_from_slice(extra),
                Mutation::Timestamp(shift) => {
                    let mac = signature.split_once(",v1=").unwrap().1;
                    let mut shifted = signed_at + shift;
                    // Keep clear of the window's edge, where a clock tick decides.
                    if ((shifted - now).abs() - 300).abs() <= 2 {
                        shifted += 10 * shift.signum();
                    }
                    mutated_signature = format!("t={shifted},v1={mac}");
                    if (shifted - now).abs() > 300 {
                        expected = "signature_timestamp";
                    }
                }
            }
            let refused = send_signed(&gateway, &mutated, &mutated_signature).await;
            prop_assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{:?} {:?}", change, refused);
            prop_assert_eq!(refused.code(), expected);

            let accepted = send_signed(&gateway, &request, &signature).await;
            prop_assert_ne!(accepted.status, StatusCode::UNAUTHORIZED, "{:?}", accepted);
            let replayed = send_signed(&gateway, &request, &signature).await;
            prop_assert_eq!(replayed.code(), "signature_replayed");
            Ok(())
        })?;
    });
}
