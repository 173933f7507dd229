//! Legal entities: creation with checked participant ids, scoping, filters, archiving.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestGateway, enterprise_number, legal_entity_body};

async fn tenant_key(gateway: &TestGateway) -> String {
    let tenant = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    gateway
        .create_key(&gateway.partner_key, &tenant, None)
        .await
        .1
}

#[tokio::test]
async fn created_entity_is_pending_with_derived_vat_id() {
    let gateway = TestGateway::spawn().await;
    let key = tenant_key(&gateway).await;
    let mut body = legal_entity_body("Kunde Belgium SA", "0123456749");
    body["data"]["attributes"]["externalId"] = json!("customer_8412");
    body["data"]["attributes"]["metadata"] = json!({ "crm": "8412" });
    let reply = gateway.post("/api/v1/legal-entities", &key, body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
    let attributes = reply.attributes();
    assert_eq!(attributes["status"], "pending");
    assert_eq!(
        attributes["identifier"],
        json!({ "scheme": "0208", "value": "0123456749" })
    );
    assert_eq!(
        attributes["participantIds"],
        json!(["0208:0123456749", "9925:BE0123456749"])
    );
    assert_eq!(attributes["externalId"], "customer_8412");
    assert_eq!(attributes["verificationDetail"], serde_json::Value::Null);
    assert_eq!(reply.body["data"]["type"], "legal-entities");
    let fetched = gateway
        .get(&format!("/api/v1/legal-entities/{}", reply.id()), &key)
        .await;
    assert_eq!(fetched.body["data"], reply.body["data"]);
}

#[tokio::test]
async fn seed_example_id_fails_its_check_digits() {
    let gateway = TestGateway::spawn().await;
    let key = tenant_key(&gateway).await;
    let reply = gateway
        .post(
            "/api/v1/legal-entities",
            &key,
            legal_entity_body("Kunde SA", "0123456789"),
        )
        .await;
    assert_eq!(
        (reply.status, reply.code(), reply.pointer()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "check_digits",
            "/data/attributes/identifier/value"
        )
    );
}

#[tokio::test]
async fn unknown_scheme_and_missing_fields_are_all_reported() {
    let gateway = TestGateway::spawn().await;
    let key = tenant_key(&gateway).await;
    let body = json!({ "data": { "attributes": { "identifier": { "scheme": "1234", "value": "x" }, "country": "Belgium" } } });
    let reply = gateway.post("/api/v1/legal-entities", &key, body).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut found: Vec<(&str, &str)> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["source"]["pointer"].as_str().unwrap(),
                e["code"].as_str().unwrap(),
            )
        })
        .collect();
    found.sort_unstable();
    assert_eq!(
        found,
        [
            ("/data/attributes/companyName", "required"),
            ("/data/attributes/country", "invalid_country"),
            ("/data/attributes/identifier/scheme", "unknown_scheme"),
        ]
    );
}

#[tokio::test]
async fn participant_id_is_taken_once_per_environment() {
    let gateway = TestGateway::spawn().await;
    let key = tenant_key(&gateway).await;
    let number = enterprise_number(77);
    let first = gateway
        .post(
            "/api/v1/legal-entities",
            &key,
            legal_entity_body("First SA", &number),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let other_tenant = gateway
        .create_tenant(&gateway.partner_key, "Other SA")
        .await;
    let (_, other_key) = gateway
        .create_key(&gateway.partner_key, &other_tenant, None)
        .await;
    let clash = gateway
        .post(
            "/api/v1/legal-entities",
            &other_key,
            legal_entity_body("Second SA", &number),
        )
        .await;
    assert_eq!(
        (clash.status, clash.code(), clash.pointer()),
        (
            StatusCode::CONFLICT,
            "participant_id_taken",
            "/data/attributes/identifier"
        )
    );
    // Archiving frees it.
    let archived = gateway
        .delete(&format!("/api/v1/legal-entities/{}", first.id()), &key)
        .await;
    assert_eq!(archived.attributes()["status"], "archived");
    let retry = gateway
        .post(
            "/api/v1/legal-entities",
            &other_key,
            legal_entity_body("Second SA", &number),
        )
        .await;
    assert_eq!(retry.status, StatusCode::CREATED);
}

#[tokio::test]
async fn list_filters_by_status_country_and_external_id() {
    let gateway = TestGateway::spawn().await;
    let key = tenant_key(&gateway).await;
    for seed in 1..=3 {
        let mut body = legal_entity_body(&format!("Entity {seed}"), &enterprise_number(seed));
        body["data"]["attributes"]["externalId"] = json!(format!("ext-{seed}"));
        gateway.post("/api/v1/legal-entities", &key, body).await;
    }
    let all = gateway.get("/api/v1/legal-entities", &key).await;
    let first_id = all.body["data"][0]["id"].as_str().unwrap().to_owned();
    gateway
        .delete(&format!("/api/v1/legal-entities/{first_id}"), &key)
        .await;

    let archived = gateway
        .get("/api/v1/legal-entities?filter[status]=archived", &key)
        .await;
    assert_eq!(archived.body["meta"]["totalElements"], 1);
    assert_eq!(archived.body["data"][0]["id"], first_id.as_str());
    let pending = gateway
        .get(
            "/api/v1/legal-entities?filter%5Bstatus%5D=pending&filter[country]=BE",
            &key,
        )
        .await;
    assert_eq!(pending.body["meta"]["totalElements"], 2);
    let by_external = gateway
        .get("/api/v1/legal-entities?filter[externalId]=ext-2", &key)
        .await;
    assert_eq!(
        by_external.body["data"][0]["attributes"]["companyName"],
        "Entity 2"
    );
    let bad = gateway
        .get("/api/v1/legal-entities?filter[status]=happy", &key)
        .await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::BAD_REQUEST, "invalid_filter")
    );
    assert_eq!(
        bad.body["errors"][0]["source"]["parameter"],
        "filter[status]"
    );
    let sorted = gateway
        .get("/api/v1/legal-entities?sort=-companyName", &key)
        .await;
    let names: Vec<&str> = sorted.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["attributes"]["companyName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Entity 3", "Entity 2", "Entity 1"]);
}

#[tokio::test]
async fn patch_updates_descriptive_fields_and_archived_entities_are_frozen() {
    let gateway = TestGateway::spawn().await;
    let key = tenant_key(&gateway).await;
    let created = gateway
        .post(
            "/api/v1/legal-entities",
            &key,
            legal_entity_body("Kunde SA", &enterprise_number(9)),
        )
        .await;
    let path = format!("/api/v1/legal-entities/{}", created.id());
    let changes = json!({ "data": { "type": "legal-entities", "attributes": { "companyName": "Kunde NV", "externalId": "crm-9" } } });
    let reply = gateway.patch(&path, &key, changes).await;
    assert_eq!(reply.attributes()["companyName"], "Kunde NV");
    assert_eq!(reply.attributes()["externalId"], "crm-9");
    let clear = gateway
        .patch(
            &path,
            &key,
            json!({ "data": { "attributes": { "externalId": null } } }),
        )
        .await;
    assert_eq!(clear.attributes()["externalId"], serde_json::Value::Null);
    let identifier = gateway.patch(&path, &key, json!({ "data": { "attributes": { "identifier": { "scheme": "0208", "value": "0123456749" } } } })).await;
    assert_eq!(
        (identifier.status, identifier.code(), identifier.pointer()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_field",
            "/data/attributes/identifier"
        )
    );
    gateway.delete(&path, &key).await;
    let frozen = gateway
        .patch(
            &path,
            &key,
            json!({ "data": { "attributes": { "companyName": "Zombie" } } }),
        )
        .await;
    assert_eq!(
        (frozen.status, frozen.code()),
        (StatusCode::CONFLICT, "legal_entity_archived")
    );
    let twice = gateway.delete(&path, &key).await;
    assert_eq!(
        (twice.status, twice.code()),
        (StatusCode::CONFLICT, "transition_not_allowed")
    );
}
