//! Rate limits per API key (`RateLimit-Policy`, `RateLimit`, 429 with `Retry-After`) and
//! failed authentications per client address.

use std::num::NonZeroU32;

use reqwest::{Method, StatusCode};

use crate::helpers::TestGateway;

fn limit(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

#[tokio::test]
async fn a_key_over_its_quota_gets_429_with_retry_after() {
    let gateway = TestGateway::spawn_with(|settings| {
        settings.rate_limit_per_minute = limit(3);
        settings.rate_limit_per_hour = limit(1000);
    })
    .await;
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let reply = gateway.get("/api/v1/tenants", &gateway.partner_key).await;
        assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
        assert_eq!(
            reply.headers["ratelimit-policy"],
            "\"minute\";q=3;w=60, \"hour\";q=1000;w=3600"
        );
        remaining.push(reply.headers["ratelimit"].to_str().unwrap().to_owned());
    }
    assert!(
        remaining[0].starts_with("\"minute\";r=2;t=20, \"hour\";r=999;t="),
        "{remaining:?}"
    );
    assert!(
        remaining[2].starts_with("\"minute\";r=0;t=60, \"hour\";r=997;t="),
        "{remaining:?}"
    );

    let refused = gateway.get("/api/v1/tenants", &gateway.partner_key).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    let retry_after: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    assert!(
        refused.headers["ratelimit"]
            .to_str()
            .unwrap()
            .starts_with("\"minute\";r=0;"),
        "{refused:?}"
    );

    // Another key has its own quota.
    let tenant_key = {
        // The partner key is limited: create the other key through the services.
        let services = gateway.services().await;
        let caller = services
            .api_keys
            .authenticate(&gateway.partner_key)
            .await
            .unwrap();
        let issued = services
            .api_keys
            .create(
                &caller,
                caller.tenant.id,
                einvoice_domain::api_key::NewApiKey {
                    name: einvoice_domain::text::KeyName::parse("other").unwrap(),
                    description: None,
                    environment: einvoice_domain::environment::Environment::Sandbox,
                    expires_at: None,
                    signing_required: true,
                },
            )
            .await
            .unwrap();
        gateway.learn_secret(issued.token.expose(), issued.signing_secret.expose());
        issued.token.expose().to_owned()
    };
    let other = gateway.get("/api/v1/tenants", &tenant_key).await;
    assert_eq!(other.status, StatusCode::OK, "{other:?}");
}

#[tokio::test]
async fn repeated_failed_authentication_blocks_the_client_address() {
    let gateway =
        TestGateway::spawn_with(|settings| settings.auth_failures_per_minute = limit(3)).await;
    let bad = "eig_sandbox_00000000000000000000000000000000";
    for _ in 0..3 {
        let reply = gateway
            .send(Method::GET, "/api/v1/tenants", Some(bad), &[], None)
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    // The fourth failure uses up the allowance: from now on the address is refused,
    // even with a valid key and on the token endpoint.
    let reply = gateway
        .send(Method::GET, "/api/v1/tenants", Some(bad), &[], None)
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let blocked = gateway.get("/api/v1/tenants", &gateway.partner_key).await;
    assert_eq!(
        (blocked.status, blocked.code()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_failed_authentications"
        )
    );
    assert!(blocked.headers.contains_key("retry-after"));
    let token = gateway
        .send(
            Method::POST,
            "/api/v1/auth/token",
            None,
            &[("Content-Type".to_owned(), "application/json".to_owned())],
            Some(br#"{"data":{"attributes":{"apiKey":"x","apiSecret":"y"}}}"#.to_vec()),
        )
        .await;
    assert_eq!(token.status, StatusCode::TOO_MANY_REQUESTS);
}
