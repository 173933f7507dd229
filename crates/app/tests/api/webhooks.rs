//! Webhook endpoints: the secret shown once (and never stored in clear), validation with
//! pointers, scopes, updates, deletion and tenant scoping.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestGateway, enterprise_number, legal_entity_body};

fn body(attributes: &Value) -> Value {
    json!({ "data": { "type": "webhooks", "attributes": attributes } })
}

async fn tenant_key(gateway: &TestGateway, name: &str) -> String {
    let tenant = gateway.create_tenant(&gateway.partner_key, name).await;
    gateway
        .create_key(&gateway.partner_key, &tenant, None)
        .await
        .1
}

#[tokio::test]
async fn an_endpoint_lives_from_creation_to_deletion() {
    let gateway = TestGateway::spawn().await;
    let key = tenant_key(&gateway, "Kunde GmbH").await;
    let created = gateway
        .post(
            "/api/v1/webhooks",
            &key,
            body(&json!({
                "url": "https://erp.example.com/hooks",
                "events": ["document.*", "legal_entity.active"],
                "description": "ERP inbox",
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let attributes = created.attributes();
    assert_eq!(attributes["scope"], "tenant");
    assert_eq!(attributes["enabled"], true);
    assert_eq!(
        attributes["events"],
        json!(["document.*", "legal_entity.active"])
    );
    let secret = attributes["secret"].as_str().expect("secret shown once");
    assert!(secret.starts_with("whsec_"), "{secret}");
    let id = created.id();
    let path = format!("/api/v1/webhooks/{id}");

    let fetched = gateway.get(&path, &key).await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert!(fetched.attributes().get("secret").is_none());
    let listed = gateway.get("/api/v1/webhooks", &key).await;
    assert_eq!(listed.body["meta"]["totalElements"], 1);
    assert_eq!(listed.body["data"][0]["id"], id.as_str());
    assert!(listed.body["data"][0]["attributes"].get("secret").is_none());

    let patched = gateway
        .patch(
            &path,
            &key,
            json!({ "data": { "type": "webhooks", "id": id, "attributes": {
                "enabled": false, "events": ["*"], "description": null } } }),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{patched:?}");
    assert_eq!(patched.attributes()["enabled"], false);
    assert_eq!(patched.attributes()["events"], json!(["*"]));
    assert_eq!(patched.attributes()["description"], Value::Null);
    assert_eq!(patched.attributes()["url"], "https://erp.example.com/hooks");

    // The secret is not in the database in clear.
    if gateway.global.database_url.is_none() {
        let mut stored = std::fs::read(gateway.global.data_dir.join("einvoice.db")).unwrap();
        if let Ok(wal) = std::fs::read(gateway.global.data_dir.join("einvoice.db-wal")) {
            stored.extend(wal);
        }
        let needle = secret.as_bytes();
        assert!(!stored.windows(needle.len()).any(|window| window == needle));
        let random = &needle[6..];
        assert!(!stored.windows(random.len()).any(|window| window == random));
    }

    let other = tenant_key(&gateway, "Other BV").await;
    assert_eq!(
        gateway.get(&path, &other).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        gateway.delete(&path, &other).await.status,
        StatusCode::NOT_FOUND
    );
    let deleted = gateway.delete(&path, &key).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{deleted:?}");
    assert_eq!(gateway.get(&path, &key).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_problem_is_reported_with_its_pointer() {
    let gateway = TestGateway::spawn().await;
    let key = tenant_key(&gateway, "Kunde GmbH").await;
    let reply = gateway
        .post(
            "/api/v1/webhooks",
            &key,
            body(&json!({
                "url": "ftp://erp.example.com/hooks",
                "events": ["Document.*"],
                "description": "x".repeat(501),
                "scope": "everyone",
            })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{reply:?}");
    let mut found: Vec<(&str, &str)> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| {
            (
                error["code"].as_str().unwrap(),
                error["source"]["pointer"].as_str().unwrap(),
            )
        })
        .collect();
    found.sort_unstable();
    assert_eq!(
        found,
        [
            ("invalid_description", "/data/attributes/description"),
            ("invalid_events", "/data/attributes/events"),
            ("invalid_scope", "/data/attributes/scope"),
            ("invalid_url", "/data/attributes/url"),
        ]
    );
    let missing = gateway
        .post("/api/v1/webhooks", &key, body(&json!({})))
        .await;
    let pointers: Vec<&str> = missing.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["source"]["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        ["/data/attributes/url", "/data/attributes/events"]
    );
    let unknown = gateway
        .post(
            "/api/v1/webhooks",
            &key,
            body(&json!({ "url": "https://a.example/", "events": ["*"], "secret": "mine" })),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.code(), unknown.pointer()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_field",
            "/data/attributes/secret"
        )
    );
}

#[tokio::test]
async fn scopes_follow_who_is_asking() {
    let gateway = TestGateway::spawn().await;
    let key = tenant_key(&gateway, "Kunde GmbH").await;
    let hook = |attributes: Value| body(&attributes);

    let partner_scope = json!({ "url": "https://a.example/", "events": ["*"], "scope": "partner" });
    let refused = gateway
        .post("/api/v1/webhooks", &key, hook(partner_scope.clone()))
        .await;
    assert_eq!(
        (refused.status, refused.code(), refused.pointer()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "partner_scope_not_allowed",
            "/data/attributes/scope"
        )
    );
    let partner = gateway
        .post(
            "/api/v1/webhooks",
            &gateway.partner_key,
            hook(partner_scope),
        )
        .await;
    assert_eq!(partner.status, StatusCode::CREATED, "{partner:?}");
    assert_eq!(partner.attributes()["scope"], "partner");

    let unknown_entity = gateway
        .post(
            "/api/v1/webhooks",
            &key,
            hook(json!({ "url": "https://a.example/", "events": ["*"],
                "legalEntityId": "0196a1b2-0000-7000-8000-000000000000" })),
        )
        .await;
    assert_eq!(
        (
            unknown_entity.status,
            unknown_entity.code(),
            unknown_entity.pointer()
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "legal_entity_not_found",
            "/data/attributes/legalEntityId"
        )
    );
    let entity = gateway
        .post(
            "/api/v1/legal-entities",
            &key,
            legal_entity_body("Kunde SA", &enterprise_number(3)),
        )
        .await;
    assert_eq!(entity.status, StatusCode::CREATED, "{entity:?}");
    let scoped = gateway
        .post(
            "/api/v1/webhooks",
            &key,
            hook(
                json!({ "url": "https://a.example/", "events": ["legal_entity.*"],
                "scope": "legal-entity", "legalEntityId": entity.id() }),
            ),
        )
        .await;
    assert_eq!(scoped.status, StatusCode::CREATED, "{scoped:?}");
    assert_eq!(scoped.attributes()["scope"], "legal-entity");
    assert_eq!(scoped.attributes()["legalEntityId"], entity.id().as_str());
}
