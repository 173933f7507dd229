//! The event feed: commit order, cursors, and who sees what.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestGateway, enterprise_number, legal_entity_body};

fn types(reply: &crate::helpers::Reply) -> Vec<String> {
    reply.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|event| {
            event["attributes"]["eventType"]
                .as_str()
                .expect("eventType")
                .to_owned()
        })
        .collect()
}

fn tenant_ids(reply: &crate::helpers::Reply) -> Vec<String> {
    reply.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|event| event["attributes"]["tenantId"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_feed_pages_with_a_cursor_in_commit_order() {
    let gateway = TestGateway::spawn().await;
    let tenant = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let (_, key) = gateway
        .create_key(&gateway.partner_key, &tenant, None)
        .await;
    let entity = gateway
        .post(
            "/api/v1/legal-entities",
            &key,
            legal_entity_body("Kunde SA", &enterprise_number(7)),
        )
        .await;
    assert_eq!(entity.status, StatusCode::CREATED, "{entity:?}");

    let all = gateway.get("/api/v1/events", &gateway.partner_key).await;
    assert_eq!(all.status, StatusCode::OK, "{all:?}");
    let all_types = types(&all);
    assert!(
        all_types.contains(&"tenant.created".to_owned()),
        "{all_types:?}"
    );
    assert!(
        all_types.contains(&"api_key.created".to_owned()),
        "{all_types:?}"
    );
    assert_eq!(
        all_types.last().map(String::as_str),
        Some("legal_entity.created")
    );
    let sequences: Vec<u64> = all.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| {
            event["attributes"]["sequence"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(
        sequences.windows(2).all(|pair| pair[0] < pair[1]),
        "{sequences:?}"
    );
    let last = all.body["data"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["attributes"]["subject"]["type"], "legal-entities");
    assert_eq!(last["attributes"]["subject"]["id"], entity.id().as_str());
    assert_eq!(last["attributes"]["data"]["status"], "pending");

    // Two at a time, following `links.next`, gives the same events.
    let mut paged: Vec<Value> = Vec::new();
    let mut path = "/api/v1/events?limit=2".to_owned();
    loop {
        let page = gateway.get(&path, &gateway.partner_key).await;
        assert_eq!(page.status, StatusCode::OK, "{page:?}");
        let items = page.body["data"].as_array().unwrap().clone();
        let next = page.body["links"]["next"].as_str().unwrap();
        path = next.trim_start_matches(&gateway.base).to_owned();
        if items.is_empty() {
            assert_eq!(
                page.body["meta"]["cursor"],
                all.body["data"].as_array().unwrap().last().unwrap()["attributes"]["sequence"]
            );
            break;
        }
        assert!(items.len() <= 2);
        paged.extend(items);
    }
    assert_eq!(&paged, all.body["data"].as_array().unwrap());
}

#[tokio::test]
async fn tenants_see_their_own_events_only() {
    let gateway = TestGateway::spawn().await;
    let first = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let second = gateway
        .create_tenant(&gateway.partner_key, "Other BV")
        .await;
    let (_, first_key) = gateway.create_key(&gateway.partner_key, &first, None).await;
    gateway
        .create_key(&gateway.partner_key, &second, None)
        .await;

    let own = gateway.get("/api/v1/events", &first_key).await;
    assert_eq!(own.status, StatusCode::OK, "{own:?}");
    assert!(!own.body["data"].as_array().unwrap().is_empty());
    assert!(tenant_ids(&own).iter().all(|id| *id == first), "{own:?}");

    let acting = gateway
        .request(
            reqwest::Method::GET,
            "/api/v1/events",
            Some(&gateway.partner_key),
            Some(&second),
            None,
        )
        .await;
    assert_eq!(acting.status, StatusCode::OK, "{acting:?}");
    assert!(
        tenant_ids(&acting).iter().all(|id| *id == second),
        "{acting:?}"
    );
    assert!(!tenant_ids(&acting).is_empty());

    let partner_wide = gateway.get("/api/v1/events", &gateway.partner_key).await;
    let ids = tenant_ids(&partner_wide);
    assert!(ids.contains(&first) && ids.contains(&second), "{ids:?}");

    let (_, other_partner_key) = gateway
        .second_partner(
            "Other Partner",
            einvoice_domain::environment::Environment::Sandbox,
        )
        .await;
    let other = gateway.get("/api/v1/events", &other_partner_key).await;
    let other_ids = tenant_ids(&other);
    assert!(
        !other_ids.contains(&first) && !other_ids.contains(&second),
        "{other_ids:?}"
    );
}

#[tokio::test]
async fn bad_cursors_and_limits_name_the_parameter() {
    let gateway = TestGateway::spawn().await;
    for (query, parameter) in [
        ("after=-1", "after"),
        ("after=abc", "after"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("since=1", "since"),
    ] {
        let reply = gateway
            .get(&format!("/api/v1/events?{query}"), &gateway.partner_key)
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}: {reply:?}");
        assert_eq!(reply.body["errors"][0]["source"]["parameter"], parameter);
    }
    let unauthenticated = gateway
        .request(reqwest::Method::GET, "/api/v1/events", None, None, None)
        .await;
    assert_eq!(unauthenticated.status, StatusCode::UNAUTHORIZED);
}
