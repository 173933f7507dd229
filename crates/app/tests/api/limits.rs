//! Limits on every input: a length limit on every string field of every request body
//! (an audit of the existing endpoints), the body size limit on the signed path, and
//! the request timeout.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::helpers::{TestGateway, enterprise_number, legal_entity_body, tenant_body};

const LONG: usize = 10_000;

fn long() -> String {
    "A".repeat(LONG)
}

/// Sets `/data/attributes/<path>` (slash-separated) in `body` to a very long string.
fn with_long(body: &Value, path: &str) -> Value {
    let mut body = body.clone();
    let mut target = &mut body["data"]["attributes"];
    for segment in path.split('/') {
        target = &mut target[segment];
    }
    *target = json!(long());
    body
}

fn refused_at(reply: &crate::helpers::Reply, pointer: &str) -> bool {
    reply.status == StatusCode::UNPROCESSABLE_ENTITY
        && reply.body["errors"].as_array().is_some_and(|errors| {
            errors
                .iter()
                .any(|error| error["source"]["pointer"] == pointer)
        })
}

#[tokio::test]
async fn every_string_field_of_every_body_has_a_length_limit() {
    let gateway = TestGateway::spawn().await;
    let tenant_fields = [
        "companyName",
        "addressStreet",
        "addressPostalCode",
        "addressCity",
        "addressCountry",
        "contactEmail",
        "contactName",
        "contactPhone",
        "billingModel",
        "vatNumber",
        "tradeRegisterNumber",
        "defaultLanguage",
        "tenantCode",
    ];
    let tenant = tenant_body("Kunde GmbH", &json!({}));
    for field in tenant_fields {
        let reply = gateway
            .post(
                "/api/v1/tenants",
                &gateway.partner_key,
                with_long(&tenant, field),
            )
            .await;
        assert!(
            refused_at(&reply, &format!("/data/attributes/{field}")),
            "POST /tenants {field}: {reply:?}"
        );
    }
    let child = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let patch = json!({ "data": { "type": "tenants", "attributes": {} } });
    for field in tenant_fields {
        let reply = gateway
            .patch(
                &format!("/api/v1/tenants/{child}"),
                &gateway.partner_key,
                with_long(&patch, field),
            )
            .await;
        assert!(
            refused_at(&reply, &format!("/data/attributes/{field}")),
            "PATCH /tenants {field}: {reply:?}"
        );
    }

    let entity = legal_entity_body("Kunde Belgium SA", &enterprise_number(7));
    for field in [
        "companyName",
        "country",
        "identifier/scheme",
        "identifier/value",
        "externalId",
    ] {
        let reply = gateway
            .post(
                "/api/v1/legal-entities",
                &gateway.partner_key,
                with_long(&entity, field),
            )
            .await;
        assert!(
            refused_at(&reply, &format!("/data/attributes/{field}")),
            "POST /legal-entities {field}: {reply:?}"
        );
    }
    let created = gateway
        .post("/api/v1/legal-entities", &gateway.partner_key, entity)
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let patch = json!({ "data": { "type": "legal-entities", "attributes": {} } });
    for field in ["companyName", "externalId"] {
        let reply = gateway
            .patch(
                &format!("/api/v1/legal-entities/{}", created.id()),
                &gateway.partner_key,
                with_long(&patch, field),
            )
            .await;
        assert!(
            refused_at(&reply, &format!("/data/attributes/{field}")),
            "PATCH /legal-entities {field}: {reply:?}"
        );
    }

    let keys = format!("/api/v1/tenants/{child}/api-keys");
    let key = json!({ "data": { "type": "api-keys", "attributes": { "name": "erp" } } });
    for field in ["name", "description", "environment", "expiresAt"] {
        let reply = gateway
            .post(&keys, &gateway.partner_key, with_long(&key, field))
            .await;
        assert!(
            refused_at(&reply, &format!("/data/attributes/{field}")),
            "POST /api-keys {field}: {reply:?}"
        );
    }
    let (key_id, _) = gateway.create_key(&gateway.partner_key, &child, None).await;
    let patch = json!({ "data": { "type": "api-keys", "attributes": {} } });
    for field in ["name", "description", "status", "expiresAt"] {
        let reply = gateway
            .patch(
                &format!("{keys}/{key_id}"),
                &gateway.partner_key,
                with_long(&patch, field),
            )
            .await;
        assert!(
            refused_at(&reply, &format!("/data/attributes/{field}")),
            "PATCH /api-keys {field}: {reply:?}"
        );
    }

    let environments =
        json!({ "data": { "type": "environments", "attributes": { "environment": long() } } });
    let reply = gateway
        .post(
            &format!("/api/v1/tenants/{child}/environments"),
            &gateway.partner_key,
            environments,
        )
        .await;
    assert!(
        refused_at(&reply, "/data/attributes/environment"),
        "{reply:?}"
    );

    for field in ["apiKey", "apiSecret", "refreshToken"] {
        let body = json!({ "data": { "type": "tokens", "attributes": { field: long() } } });
        let reply = gateway
            .send(
                reqwest::Method::POST,
                "/api/v1/auth/token",
                None,
                &[("Content-Type".to_owned(), "application/json".to_owned())],
                Some(body.to_string().into_bytes()),
            )
            .await;
        assert!(
            refused_at(&reply, &format!("/data/attributes/{field}")),
            "POST /auth/token {field}: {reply:?}"
        );
    }
}

#[tokio::test]
async fn a_stalled_body_is_answered_408_after_the_request_timeout() {
    let gateway = TestGateway::spawn_with(|settings| settings.request_timeout_secs = 1).await;
    let address = gateway.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/tenants HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{",
        gateway.partner_key
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0_u8; 1024];
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("answered before the test gives up")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}
