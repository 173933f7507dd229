//! API keys: shown once, stored hashed, listed without secrets, rotated and revoked.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestGateway;

fn key_body(name: &str) -> serde_json::Value {
    json!({ "data": { "type": "api-keys", "attributes": { "name": name, "description": "ERP integration" } } })
}

#[tokio::test]
async fn key_and_signing_secret_are_shown_once() {
    let gateway = TestGateway::spawn().await;
    let tenant = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let path = format!("/api/v1/tenants/{tenant}/api-keys");
    let created = gateway
        .post(&path, &gateway.partner_key, key_body("erp"))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let attributes = created.attributes();
    let token = attributes["key"].as_str().unwrap();
    assert!(
        token.starts_with("eig_sandbox_") && token.len() == "eig_sandbox_".len() + 32,
        "{token}"
    );
    assert!(
        attributes["signingSecret"]
            .as_str()
            .unwrap()
            .starts_with("eig_secret_")
    );
    assert_eq!(attributes["prefix"].as_str().unwrap(), &token[..18]);
    assert_eq!(attributes["status"], "enabled");
    assert_eq!(attributes["environment"], "sandbox");
    assert_eq!(attributes["tenantId"], tenant.as_str());

    let fetched = gateway
        .get(&format!("{path}/{}", created.id()), &gateway.partner_key)
        .await;
    assert!(fetched.attributes().get("key").is_none());
    assert!(fetched.attributes().get("signingSecret").is_none());
    let listed = gateway.get(&path, &gateway.partner_key).await;
    assert_eq!(listed.body["meta"]["totalElements"], 1);
    assert!(!listed.body.to_string().contains(token));
    // The new key works, and its use is recorded.
    assert_eq!(
        gateway.get("/api/v1/legal-entities", token).await.status,
        StatusCode::OK
    );
    let used = gateway
        .get(&format!("{path}/{}", created.id()), &gateway.partner_key)
        .await;
    assert!(used.attributes()["lastUsedAt"].is_string());
}

#[tokio::test]
async fn latest_is_the_newest_unrevoked_key() {
    let gateway = TestGateway::spawn().await;
    let tenant = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let path = format!("/api/v1/tenants/{tenant}/api-keys");
    assert_eq!(
        gateway
            .get(&format!("{path}/latest"), &gateway.partner_key)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let first = gateway
        .post(&path, &gateway.partner_key, key_body("first"))
        .await
        .id();
    let second = gateway
        .post(&path, &gateway.partner_key, key_body("second"))
        .await
        .id();
    assert_eq!(
        gateway
            .get(&format!("{path}/latest"), &gateway.partner_key)
            .await
            .id(),
        second
    );
    gateway
        .delete(&format!("{path}/{second}"), &gateway.partner_key)
        .await;
    assert_eq!(
        gateway
            .get(&format!("{path}/latest"), &gateway.partner_key)
            .await
            .id(),
        first
    );
}

#[tokio::test]
async fn rotation_with_an_expiry_overlap() {
    let gateway = TestGateway::spawn().await;
    let tenant = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let (old_id, old_token) = gateway
        .create_key(&gateway.partner_key, &tenant, None)
        .await;
    let (_, new_token) = gateway
        .create_key(&gateway.partner_key, &tenant, None)
        .await;
    let path = format!("/api/v1/tenants/{tenant}/api-keys/{old_id}");
    let expire = json!({ "data": { "type": "api-keys", "attributes": { "expiresAt": "2099-01-01T00:00:00Z", "name": "old erp" } } });
    let reply = gateway.patch(&path, &gateway.partner_key, expire).await;
    assert_eq!(reply.attributes()["expiresAt"], "2099-01-01T00:00:00Z");
    assert_eq!(reply.attributes()["name"], "old erp");
    assert_eq!(
        gateway
            .get("/api/v1/legal-entities", &old_token)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        gateway
            .get("/api/v1/legal-entities", &new_token)
            .await
            .status,
        StatusCode::OK
    );
    let past = json!({ "data": { "attributes": { "expiresAt": "2001-01-01T00:00:00Z" } } });
    let refused = gateway.patch(&path, &gateway.partner_key, past).await;
    assert_eq!(
        (refused.status, refused.code(), refused.pointer()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "expiry_in_the_past",
            "/data/attributes/expiresAt"
        )
    );
    let malformed = gateway
        .patch(
            &path,
            &gateway.partner_key,
            json!({ "data": { "attributes": { "expiresAt": "tomorrow" } } }),
        )
        .await;
    assert_eq!(
        (malformed.code(), malformed.pointer()),
        ("invalid_date_time", "/data/attributes/expiresAt")
    );
}

#[tokio::test]
async fn revoked_key_cannot_change_and_revoking_again_is_harmless() {
    let gateway = TestGateway::spawn().await;
    let tenant = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let (key, _) = gateway
        .create_key(&gateway.partner_key, &tenant, None)
        .await;
    let path = format!("/api/v1/tenants/{tenant}/api-keys/{key}");
    let revoked = gateway.delete(&path, &gateway.partner_key).await;
    assert_eq!(revoked.attributes()["status"], "revoked");
    assert!(revoked.attributes()["revokedAt"].is_string());
    let again = gateway.delete(&path, &gateway.partner_key).await;
    assert_eq!(
        (again.status, &again.attributes()["revokedAt"]),
        (StatusCode::OK, &revoked.attributes()["revokedAt"])
    );
    let enable = json!({ "data": { "attributes": { "status": "enabled" } } });
    let reply = gateway.patch(&path, &gateway.partner_key, enable).await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::CONFLICT, "api_key_revoked")
    );
    let bad_status = gateway
        .patch(
            &path,
            &gateway.partner_key,
            json!({ "data": { "attributes": { "status": "revoked" } } }),
        )
        .await;
    assert_eq!(
        (bad_status.status, bad_status.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_status")
    );
}

#[tokio::test]
async fn partner_manages_its_own_keys() {
    let gateway = TestGateway::spawn().await;
    let path = format!("/api/v1/tenants/{}/api-keys", gateway.partner_id);
    let created = gateway
        .post(&path, &gateway.partner_key, key_body("second partner key"))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let token = created.attributes()["key"].as_str().unwrap();
    assert_eq!(
        gateway.get("/api/v1/tenants", token).await.status,
        StatusCode::OK
    );
    assert_eq!(
        gateway.get(&path, &gateway.partner_key).await.body["meta"]["totalElements"],
        2
    );
}

#[tokio::test]
async fn key_name_is_required_and_bounded() {
    let gateway = TestGateway::spawn().await;
    let tenant = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let path = format!("/api/v1/tenants/{tenant}/api-keys");
    let missing = gateway
        .post(
            &path,
            &gateway.partner_key,
            json!({ "data": { "attributes": {} } }),
        )
        .await;
    assert_eq!(
        (missing.status, missing.code(), missing.pointer()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "required",
            "/data/attributes/name"
        )
    );
    let long = gateway
        .post(&path, &gateway.partner_key, key_body(&"n".repeat(101)))
        .await;
    assert_eq!(
        (long.code(), long.pointer()),
        ("invalid_name", "/data/attributes/name")
    );
    let env = gateway
        .post(
            &path,
            &gateway.partner_key,
            json!({ "data": { "attributes": { "name": "x", "environment": "staging" } } }),
        )
        .await;
    assert_eq!(
        (env.code(), env.pointer()),
        ("invalid_environment", "/data/attributes/environment")
    );
}
