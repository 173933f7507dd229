//! Page-based pagination with the links and meta of seed 000, and list parameters.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestGateway;

async fn five_tenants(gateway: &TestGateway) {
    for name in ["Alpha SA", "Bravo SA", "Charlie SA", "Delta SA", "Echo SA"] {
        gateway.create_tenant(&gateway.partner_key, name).await;
    }
}

#[tokio::test]
async fn middle_page_has_every_link_and_keeps_other_parameters() {
    let gateway = TestGateway::spawn().await;
    five_tenants(&gateway).await;
    let reply = gateway
        .get(
            "/api/v1/tenants?page[number]=2&page[size]=2&sort=-companyName",
            &gateway.partner_key,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let names: Vec<&str> = reply.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["attributes"]["companyName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Charlie SA", "Bravo SA"]);
    let base = format!("{}/api/v1/tenants?", gateway.base);
    let link =
        |number: u32| format!("{base}page%5Bnumber%5D={number}&page%5Bsize%5D=2&sort=-companyName");
    assert_eq!(
        reply.body["links"],
        json!({
            "first": link(1), "last": link(3), "next": link(3), "prev": link(1), "self": link(2),
        })
    );
    assert_eq!(
        reply.body["meta"],
        json!({ "page": 2, "size": 2, "totalElements": 5, "totalPages": 3 })
    );
}

#[tokio::test]
async fn first_and_last_pages_have_null_prev_and_next() {
    let gateway = TestGateway::spawn().await;
    five_tenants(&gateway).await;
    let first = gateway
        .get("/api/v1/tenants?page[size]=2", &gateway.partner_key)
        .await;
    assert_eq!(first.body["links"]["prev"], serde_json::Value::Null);
    assert!(
        first.body["links"]["next"]
            .as_str()
            .unwrap()
            .contains("page%5Bnumber%5D=2")
    );
    let last = gateway
        .get(
            "/api/v1/tenants?page[size]=2&page[number]=3",
            &gateway.partner_key,
        )
        .await;
    assert_eq!(last.body["links"]["next"], serde_json::Value::Null);
    assert_eq!(last.body["data"].as_array().unwrap().len(), 1);
    let default = gateway.get("/api/v1/tenants", &gateway.partner_key).await;
    assert_eq!(
        default.body["meta"],
        json!({ "page": 1, "size": 20, "totalElements": 5, "totalPages": 1 })
    );
}

#[tokio::test]
async fn empty_list_has_one_page_of_links_and_zero_pages() {
    let gateway = TestGateway::spawn().await;
    let reply = gateway.get("/api/v1/tenants", &gateway.partner_key).await;
    assert_eq!(reply.body["data"], json!([]));
    assert_eq!(reply.body["meta"]["totalPages"], 0);
    assert_eq!(reply.body["links"]["last"], reply.body["links"]["first"]);
}

#[tokio::test]
async fn invalid_list_parameters_are_400_naming_the_parameter() {
    let gateway = TestGateway::spawn().await;
    let cases = [
        ("page[size]=101", "invalid_page_size", "page[size]"),
        ("page[size]=0", "invalid_page_size", "page[size]"),
        ("page[number]=0", "invalid_page", "page[number]"),
        ("page[number]=abc", "invalid_page", "page[number]"),
        ("sort=favouriteColour", "invalid_sort", "sort"),
        ("colour=blue", "unknown_parameter", "colour"),
        ("filter[colour]=blue", "unknown_parameter", "filter[colour]"),
        ("filter[active]=maybe", "invalid_filter", "filter[active]"),
    ];
    for (query, code, parameter) in cases {
        let reply = gateway
            .get(&format!("/api/v1/tenants?{query}"), &gateway.partner_key)
            .await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::BAD_REQUEST, code),
            "{query}: {reply:?}"
        );
        assert_eq!(
            reply.body["errors"][0]["source"]["parameter"], parameter,
            "{query}"
        );
    }
}

#[tokio::test]
async fn active_filter_selects_tenants() {
    let gateway = TestGateway::spawn().await;
    five_tenants(&gateway).await;
    let listed = gateway
        .get(
            "/api/v1/tenants?sort=companyName&page[size]=1",
            &gateway.partner_key,
        )
        .await;
    let first = listed.body["data"][0]["id"].as_str().unwrap().to_owned();
    let deactivate = json!({ "data": { "attributes": { "active": false } } });
    gateway
        .patch(
            &format!("/api/v1/tenants/{first}"),
            &gateway.partner_key,
            deactivate,
        )
        .await;
    let inactive = gateway
        .get("/api/v1/tenants?filter[active]=false", &gateway.partner_key)
        .await;
    assert_eq!(inactive.body["meta"]["totalElements"], 1);
    assert_eq!(inactive.body["data"][0]["id"], first.as_str());
    let active = gateway
        .get("/api/v1/tenants?filter[active]=true", &gateway.partner_key)
        .await;
    assert_eq!(active.body["meta"]["totalElements"], 4);
}
