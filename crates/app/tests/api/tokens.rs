//! The token exchange: key and secret for an access token (a bearer that needs no
//! signature) and a refresh token; rotation; revocation; tokens across processes.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Reply, TestGateway};

const TOKEN_PATH: &str = "/api/v1/auth/token";

async fn exchange(gateway: &TestGateway, key: &str, secret: &str) -> Reply {
    token_request(gateway, json!({ "apiKey": key, "apiSecret": secret })).await
}

async fn refresh(gateway: &TestGateway, token: &str) -> Reply {
    token_request(gateway, json!({ "refreshToken": token })).await
}

async fn token_request(gateway: &TestGateway, attributes: Value) -> Reply {
    let body = json!({ "data": { "type": "tokens", "attributes": attributes } });
    gateway
        .send(
            Method::POST,
            TOKEN_PATH,
            None,
            &[("Content-Type".to_owned(), "application/json".to_owned())],
            Some(body.to_string().into_bytes()),
        )
        .await
}

fn text(reply: &Reply, name: &str) -> String {
    reply.attributes()[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {reply:?}"))
        .to_owned()
}

/// An unsigned request with `bearer`.
async fn unsigned(
    gateway: &TestGateway,
    method: Method,
    path: &str,
    bearer: &str,
    body: Option<Value>,
) -> Reply {
    let mut headers = Vec::new();
    if body.is_some() {
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    }
    gateway
        .send(
            method,
            path,
            Some(bearer),
            &headers,
            body.map(|body| body.to_string().into_bytes()),
        )
        .await
}

#[tokio::test]
async fn key_and_secret_exchange_for_a_short_lived_bearer_that_needs_no_signature() {
    let gateway = TestGateway::spawn().await;
    let reply = exchange(&gateway, &gateway.partner_key, &gateway.partner_secret).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.headers["cache-control"], "no-store");
    assert_eq!(reply.body["data"]["type"], "tokens");
    let attributes = reply.attributes();
    assert_eq!(attributes["tokenType"], "Bearer");
    assert_eq!(attributes["accessTokenExpiresIn"], 300);
    assert_eq!(attributes["refreshTokenExpiresIn"], 86_400);
    let claims = &attributes["accessTokenClaims"];
    assert_eq!(claims["iss"], "einvoice-gateway");
    assert_eq!(claims["tid"], gateway.partner_id.as_str());
    assert_eq!(claims["env"], "sandbox");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        300
    );
    assert_eq!(claims["jti"], reply.body["data"]["id"]);
    assert!(
        attributes["accessTokenExpiresAt"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert!(text(&reply, "refreshToken").starts_with("eig_refresh_"));

    let access = text(&reply, "accessToken");
    assert_eq!(access.split('.').count(), 3, "a JWT");
    let listed = unsigned(&gateway, Method::GET, "/api/v1/tenants", &access, None).await;
    assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
    let created = unsigned(
        &gateway,
        Method::POST,
        "/api/v1/tenants",
        &access,
        Some(crate::helpers::tenant_body("Kunde GmbH", &json!({}))),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    // Rate limits apply to the key behind the token.
    assert!(created.headers.contains_key("ratelimit"));
}

#[tokio::test]
async fn wrong_credentials_and_bad_tokens_are_401_with_their_codes() {
    let gateway = TestGateway::spawn().await;
    for (key, secret) in [
        (gateway.partner_key.as_str(), "eig_secret_wrong"),
        (
            "eig_sandbox_00000000000000000000000000000000",
            gateway.partner_secret.as_str(),
        ),
        ("not-a-key", "x"),
    ] {
        let reply = exchange(&gateway, key, secret).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::UNAUTHORIZED, "credentials_invalid"),
            "{reply:?}"
        );
    }
    let missing = token_request(&gateway, json!({ "apiKey": gateway.partner_key })).await;
    assert_eq!(
        (missing.status, missing.code(), missing.pointer()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "required",
            "/data/attributes/apiSecret"
        )
    );
    let both = token_request(
        &gateway,
        json!({ "apiKey": "a", "apiSecret": "b", "refreshToken": "c" }),
    )
    .await;
    assert_eq!(both.code(), "conflicting_credentials", "{both:?}");
    let unknown_refresh = refresh(&gateway, "eig_refresh_nope").await;
    assert_eq!(unknown_refresh.code(), "refresh_token_invalid");
    let forged = unsigned(
        &gateway,
        Method::GET,
        "/api/v1/tenants",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
        None,
    )
    .await;
    assert_eq!(
        (forged.status, forged.code()),
        (StatusCode::UNAUTHORIZED, "access_token_invalid")
    );
}

#[tokio::test]
async fn refresh_rotates_and_reuse_of_an_old_refresh_token_revokes_the_chain() {
    let gateway = TestGateway::spawn().await;
    let first = exchange(&gateway, &gateway.partner_key, &gateway.partner_secret).await;
    let first_refresh = text(&first, "refreshToken");
    let second = refresh(&gateway, &first_refresh).await;
    assert_eq!(second.status, StatusCode::OK, "{second:?}");
    let second_refresh = text(&second, "refreshToken");
    assert_ne!(second_refresh, first_refresh);
    assert_ne!(text(&second, "accessToken"), text(&first, "accessToken"));
    let access = text(&second, "accessToken");
    assert_eq!(
        unsigned(&gateway, Method::GET, "/api/v1/tenants", &access, None)
            .await
            .status,
        StatusCode::OK
    );

    let reused = refresh(&gateway, &first_refresh).await;
    assert_eq!(
        (reused.status, reused.code()),
        (StatusCode::UNAUTHORIZED, "refresh_token_reused")
    );
    let after_reuse = refresh(&gateway, &second_refresh).await;
    assert_eq!(
        after_reuse.code(),
        "refresh_token_invalid",
        "the chain is revoked"
    );

    // A fresh exchange starts a new chain.
    let fresh = exchange(&gateway, &gateway.partner_key, &gateway.partner_secret).await;
    assert_eq!(
        refresh(&gateway, &text(&fresh, "refreshToken"))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn disabling_or_revoking_the_key_stops_its_tokens_at_once() {
    let gateway = TestGateway::spawn().await;
    let keys = format!("/api/v1/tenants/{}/api-keys", gateway.partner_id);
    let created = gateway
        .post(
            &keys,
            &gateway.partner_key,
            json!({ "data": { "type": "api-keys", "attributes": { "name": "erp" } } }),
        )
        .await;
    let key_id = created.id();
    let token = text(&created, "key");
    let secret = text(&created, "signingSecret");
    let tokens = exchange(&gateway, &token, &secret).await;
    let access = text(&tokens, "accessToken");
    let refresh_token = text(&tokens, "refreshToken");

    let disable = gateway
        .patch(
            &format!("{keys}/{key_id}"),
            &gateway.partner_key,
            json!({ "data": { "type": "api-keys", "attributes": { "status": "disabled" } } }),
        )
        .await;
    assert_eq!(disable.status, StatusCode::OK, "{disable:?}");
    let refused = unsigned(&gateway, Method::GET, "/api/v1/tenants", &access, None).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNAUTHORIZED, "api_key_disabled")
    );
    gateway
        .patch(
            &format!("{keys}/{key_id}"),
            &gateway.partner_key,
            json!({ "data": { "type": "api-keys", "attributes": { "status": "enabled" } } }),
        )
        .await;
    assert_eq!(
        unsigned(&gateway, Method::GET, "/api/v1/tenants", &access, None)
            .await
            .status,
        StatusCode::OK
    );

    let revoked = gateway
        .delete(&format!("{keys}/{key_id}"), &gateway.partner_key)
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    let refused = unsigned(&gateway, Method::GET, "/api/v1/tenants", &access, None).await;
    assert_eq!(refused.code(), "api_key_revoked");
    let refused = refresh(&gateway, &refresh_token).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNAUTHORIZED, "api_key_revoked")
    );
}

#[tokio::test]
async fn tokens_work_on_every_process_with_the_same_master_key() {
    let gateway = TestGateway::spawn().await;
    let tokens = exchange(&gateway, &gateway.partner_key, &gateway.partner_secret).await;
    let (other, _process) = gateway.another_process().await;
    let reply = gateway
        .send_at(
            &other,
            Method::GET,
            "/api/v1/tenants",
            Some(&text(&tokens, "accessToken")),
            &[],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
}

#[tokio::test]
async fn expired_access_tokens_are_refused() {
    let gateway = TestGateway::spawn_with(|settings| settings.access_token_ttl_secs = 1).await;
    let tokens = exchange(&gateway, &gateway.partner_key, &gateway.partner_secret).await;
    assert_eq!(tokens.attributes()["accessTokenExpiresIn"], 1);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let reply = unsigned(
        &gateway,
        Method::GET,
        "/api/v1/tenants",
        &text(&tokens, "accessToken"),
        None,
    )
    .await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::UNAUTHORIZED, "access_token_expired")
    );
    let renewed = refresh(&gateway, &text(&tokens, "refreshToken")).await;
    assert_eq!(renewed.status, StatusCode::OK, "{renewed:?}");
}
