//! Authentication and who may reach what: 401 for bad keys, 403 for the wrong kind of
//! caller, 404 (never a leak) for other partners' and tenants' objects.

use einvoice_domain::environment::Environment;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestGateway, enterprise_number, legal_entity_body, tenant_body};

#[tokio::test]
async fn missing_key_is_401_with_a_bearer_challenge() {
    let gateway = TestGateway::spawn().await;
    let reply = gateway
        .request(Method::GET, "/api/v1/tenants", None, None, None)
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.code(), "api_key_missing");
    assert_eq!(reply.headers["www-authenticate"], "Bearer");
    assert_eq!(reply.body["errors"][0]["source"]["header"], "Authorization");
}

#[tokio::test]
async fn malformed_and_unknown_keys_are_401() {
    let gateway = TestGateway::spawn().await;
    let malformed = gateway.get("/api/v1/tenants", "sk_live_whatever").await;
    assert_eq!(
        (malformed.status, malformed.code()),
        (StatusCode::UNAUTHORIZED, "api_key_malformed")
    );
    let unknown = gateway
        .get(
            "/api/v1/tenants",
            &format!("eig_sandbox_{}", "a".repeat(32)),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::UNAUTHORIZED, "api_key_invalid")
    );
}

#[tokio::test]
async fn revoked_and_disabled_keys_are_401() {
    let gateway = TestGateway::spawn().await;
    let tenant = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let (key_id, token) = gateway
        .create_key(&gateway.partner_key, &tenant, None)
        .await;
    let path = format!("/api/v1/tenants/{tenant}/api-keys/{key_id}");
    let disable = json!({ "data": { "type": "api-keys", "attributes": { "status": "disabled" } } });
    assert_eq!(
        gateway
            .patch(&path, &gateway.partner_key, disable)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        gateway.get("/api/v1/legal-entities", &token).await.code(),
        "api_key_disabled"
    );
    assert_eq!(
        gateway.delete(&path, &gateway.partner_key).await.status,
        StatusCode::OK
    );
    let reply = gateway.get("/api/v1/legal-entities", &token).await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::UNAUTHORIZED, "api_key_revoked")
    );
}

#[tokio::test]
async fn tenant_key_on_partner_endpoints_is_403() {
    let gateway = TestGateway::spawn().await;
    let tenant = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let (_, token) = gateway
        .create_key(&gateway.partner_key, &tenant, None)
        .await;
    for reply in [
        gateway.get("/api/v1/tenants", &token).await,
        gateway
            .post(
                "/api/v1/tenants",
                &token,
                tenant_body("Sneaky SA", &json!({})),
            )
            .await,
        gateway
            .get(&format!("/api/v1/tenants/{tenant}"), &token)
            .await,
        gateway
            .get(&format!("/api/v1/tenants/{tenant}/api-keys"), &token)
            .await,
    ] {
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::FORBIDDEN, "not_a_partner"),
            "{reply:?}"
        );
    }
}

#[tokio::test]
async fn another_partners_tenant_is_404_and_stays_unchanged() {
    let gateway = TestGateway::spawn().await;
    let theirs = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let (_, intruder) = gateway
        .second_partner("Intruder Ltd", Environment::Sandbox)
        .await;
    let path = format!("/api/v1/tenants/{theirs}");
    assert_eq!(
        gateway.get(&path, &intruder).await.status,
        StatusCode::NOT_FOUND
    );
    let rename =
        json!({ "data": { "type": "tenants", "attributes": { "companyName": "Hijacked" } } });
    assert_eq!(
        gateway.patch(&path, &intruder, rename).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        gateway.delete(&path, &intruder).await.status,
        StatusCode::NOT_FOUND
    );
    let keys = format!("{path}/api-keys");
    let key_body = json!({ "data": { "attributes": { "name": "stolen" } } });
    assert_eq!(
        gateway.post(&keys, &intruder, key_body).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        gateway.get(&keys, &intruder).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        gateway
            .get(&format!("{keys}/latest"), &intruder)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let enable = json!({ "data": { "attributes": { "environment": "production" } } });
    assert_eq!(
        gateway
            .post(&format!("{path}/environments"), &intruder, enable)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let listed = gateway.get("/api/v1/tenants", &intruder).await;
    assert_eq!(listed.body["meta"]["totalElements"], 0);

    let owner_view = gateway.get(&path, &gateway.partner_key).await;
    assert_eq!(owner_view.status, StatusCode::OK);
    assert_eq!(owner_view.attributes()["companyName"], "Kunde GmbH");
}

#[tokio::test]
async fn acting_for_another_partners_tenant_is_404() {
    let gateway = TestGateway::spawn().await;
    let theirs = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let (_, intruder) = gateway
        .second_partner("Intruder Ltd", Environment::Sandbox)
        .await;
    let reply = gateway
        .request(
            Method::GET,
            "/api/v1/legal-entities",
            Some(&intruder),
            Some(&theirs),
            None,
        )
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::NOT_FOUND, "tenant_not_found")
    );
    assert_eq!(reply.body["errors"][0]["source"]["header"], "X-Tenant-Id");
}

#[tokio::test]
async fn tenant_key_cannot_act_for_another_tenant() {
    let gateway = TestGateway::spawn().await;
    let first = gateway
        .create_tenant(&gateway.partner_key, "First SA")
        .await;
    let second = gateway
        .create_tenant(&gateway.partner_key, "Second SA")
        .await;
    let (_, token) = gateway.create_key(&gateway.partner_key, &first, None).await;
    let reply = gateway
        .request(
            Method::GET,
            "/api/v1/legal-entities",
            Some(&token),
            Some(&second),
            None,
        )
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::FORBIDDEN, "cannot_act_for_other_tenants")
    );
}

#[tokio::test]
async fn malformed_tenant_header_is_400() {
    let gateway = TestGateway::spawn().await;
    let reply = gateway
        .request(
            Method::GET,
            "/api/v1/legal-entities",
            Some(&gateway.partner_key),
            Some("not-a-uuid"),
            None,
        )
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::BAD_REQUEST, "invalid_header")
    );
}

#[tokio::test]
async fn another_tenants_legal_entity_is_404_and_stays_unchanged() {
    let gateway = TestGateway::spawn().await;
    let first = gateway
        .create_tenant(&gateway.partner_key, "First SA")
        .await;
    let second = gateway
        .create_tenant(&gateway.partner_key, "Second SA")
        .await;
    let (_, first_key) = gateway.create_key(&gateway.partner_key, &first, None).await;
    let (_, second_key) = gateway
        .create_key(&gateway.partner_key, &second, None)
        .await;
    let created = gateway
        .post(
            "/api/v1/legal-entities",
            &first_key,
            legal_entity_body("First SA", &enterprise_number(1)),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let path = format!("/api/v1/legal-entities/{}", created.id());
    assert_eq!(
        gateway.get(&path, &second_key).await.status,
        StatusCode::NOT_FOUND
    );
    let rename = json!({ "data": { "attributes": { "companyName": "Hijacked" } } });
    assert_eq!(
        gateway.patch(&path, &second_key, rename).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        gateway.delete(&path, &second_key).await.status,
        StatusCode::NOT_FOUND
    );
    // The partner itself (without X-Tenant-Id) acts as the partner tenant: not the child's.
    assert_eq!(
        gateway.get(&path, &gateway.partner_key).await.status,
        StatusCode::NOT_FOUND
    );
    let owner_view = gateway.get(&path, &first_key).await;
    assert_eq!(owner_view.attributes()["companyName"], "First SA");
    assert_eq!(owner_view.attributes()["status"], "pending");
}

#[tokio::test]
async fn partner_acts_for_its_tenant_with_the_tenant_header() {
    let gateway = TestGateway::spawn().await;
    let tenant = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let body = legal_entity_body("Kunde GmbH", &enterprise_number(2));
    let created = gateway
        .request(
            Method::POST,
            "/api/v1/legal-entities",
            Some(&gateway.partner_key),
            Some(&tenant),
            Some(body),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    assert_eq!(created.attributes()["tenantId"], tenant.as_str());
    let (_, token) = gateway
        .create_key(&gateway.partner_key, &tenant, None)
        .await;
    let seen = gateway
        .get(&format!("/api/v1/legal-entities/{}", created.id()), &token)
        .await;
    assert_eq!(seen.status, StatusCode::OK);
}

#[tokio::test]
async fn deleted_tenants_keys_stop_working() {
    let gateway = TestGateway::spawn().await;
    let tenant = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let (_, token) = gateway
        .create_key(&gateway.partner_key, &tenant, None)
        .await;
    assert_eq!(
        gateway
            .delete(&format!("/api/v1/tenants/{tenant}"), &gateway.partner_key)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let reply = gateway.get("/api/v1/legal-entities", &token).await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::UNAUTHORIZED, "tenant_deleted")
    );
}

#[tokio::test]
async fn deactivated_tenants_keys_are_403() {
    let gateway = TestGateway::spawn().await;
    let tenant = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let (_, token) = gateway
        .create_key(&gateway.partner_key, &tenant, None)
        .await;
    let deactivate = json!({ "data": { "type": "tenants", "attributes": { "active": false } } });
    assert_eq!(
        gateway
            .patch(
                &format!("/api/v1/tenants/{tenant}"),
                &gateway.partner_key,
                deactivate
            )
            .await
            .status,
        StatusCode::OK
    );
    let reply = gateway.get("/api/v1/legal-entities", &token).await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::FORBIDDEN, "tenant_inactive")
    );
}

#[tokio::test]
async fn sandbox_and_live_keys_see_only_their_environment() {
    let gateway = TestGateway::spawn().await;
    let (partner, live_partner_key) = gateway
        .second_partner("Live Partner", Environment::Production)
        .await;
    let tenant = gateway.create_tenant(&live_partner_key, "Kunde GmbH").await;
    // A new tenant has sandbox only: no live key yet.
    let refused = gateway
        .post(
            &format!("/api/v1/tenants/{tenant}/api-keys"),
            &live_partner_key,
            json!({ "data": { "attributes": { "name": "live", "environment": "production" } } }),
        )
        .await;
    assert_eq!(
        (refused.status, refused.code(), refused.pointer()),
        (
            StatusCode::CONFLICT,
            "environment_not_enabled",
            "/data/attributes/environment"
        )
    );
    let enable = json!({ "data": { "type": "environments", "attributes": { "environment": "production" } } });
    let enabled = gateway
        .post(
            &format!("/api/v1/tenants/{tenant}/environments"),
            &live_partner_key,
            enable,
        )
        .await;
    assert_eq!(
        enabled.attributes()["environments"],
        json!(["sandbox", "production"]),
        "{enabled:?}"
    );
    let (_, live) = gateway
        .create_key(&live_partner_key, &tenant, Some("production"))
        .await;
    assert!(live.starts_with("eig_live_"));
    let (_, sandbox) = gateway
        .create_key(&live_partner_key, &tenant, Some("sandbox"))
        .await;

    let created = gateway
        .post(
            "/api/v1/legal-entities",
            &live,
            legal_entity_body("Kunde GmbH", &enterprise_number(3)),
        )
        .await;
    assert_eq!(created.attributes()["environment"], "production");
    let path = format!("/api/v1/legal-entities/{}", created.id());
    assert_eq!(
        gateway.get(&path, &sandbox).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        gateway.get("/api/v1/legal-entities", &sandbox).await.body["meta"]["totalElements"],
        0
    );
    assert_eq!(gateway.get(&path, &live).await.status, StatusCode::OK);
    let _ = partner;
}

#[tokio::test]
async fn sandbox_only_partner_cannot_enable_production() {
    let gateway = TestGateway::spawn().await;
    let tenant = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let enable = json!({ "data": { "type": "environments", "attributes": { "environment": "production" } } });
    let reply = gateway
        .post(
            &format!("/api/v1/tenants/{tenant}/environments"),
            &gateway.partner_key,
            enable,
        )
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::FORBIDDEN, "partner_production_not_enabled")
    );
}

#[tokio::test]
async fn request_id_is_echoed_or_generated() {
    let gateway = TestGateway::spawn().await;
    let client = reqwest::Client::new();
    let echoed = client
        .get(format!("{}/healthz", gateway.base))
        .header("X-Request-ID", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "abc-123");
    let generated = client
        .get(format!("{}/healthz", gateway.base))
        .send()
        .await
        .unwrap();
    let id = generated.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(uuid_like(&id), "{id}");
    let hostile = client
        .get(format!("{}/healthz", gateway.base))
        .header("X-Request-ID", "x".repeat(300))
        .send()
        .await
        .unwrap();
    assert!(uuid_like(
        hostile.headers()["x-request-id"].to_str().unwrap()
    ));
}

fn uuid_like(text: &str) -> bool {
    text.len() == 36 && text.chars().filter(|c| *c == '-').count() == 4
}
