//! Tenants: create, read, update, delete, and the validation of every field.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestGateway, tenant_body};

#[tokio::test]
async fn created_tenant_has_a_derived_code_and_a_default_legal_entity() {
    let gateway = TestGateway::spawn().await;
    let reply = gateway
        .post(
            "/api/v1/tenants",
            &gateway.partner_key,
            tenant_body(
                "Kunde GmbH",
                &json!({ "vatNumber": "BE 0123.456.749", "contactName": "Max Müller" }),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
    let attributes = reply.attributes();
    assert_eq!(attributes["tenantCode"], "KUNDE-GMBH");
    assert_eq!(attributes["vatNumber"], "BE0123456749");
    assert_eq!(attributes["defaultLanguage"], "fr");
    assert_eq!(attributes["billingModel"], "SEATS");
    assert_eq!(attributes["active"], true);
    assert_eq!(attributes["environments"], json!(["sandbox"]));
    assert_eq!(reply.body["data"]["type"], "tenants");
    let entity = &reply.body["included"][0];
    assert_eq!(
        reply.body["data"]["relationships"]["defaultLegalEntity"]["data"]["id"],
        entity["id"]
    );
    assert_eq!(
        entity["attributes"]["participantIds"],
        json!(["0208:0123456749", "9925:BE0123456749"])
    );
    assert_eq!(entity["attributes"]["status"], "pending");
    assert_eq!(entity["attributes"]["environment"], "sandbox");

    let fetched = gateway
        .get(
            &format!("/api/v1/tenants/{}", reply.id()),
            &gateway.partner_key,
        )
        .await;
    assert_eq!(
        fetched.body["data"],
        reply.body["data"]
            .as_object()
            .map(|data| {
                let mut data = data.clone();
                data.remove("relationships");
                serde_json::Value::Object(data)
            })
            .unwrap()
    );
    assert_eq!(fetched.headers["content-type"], "application/vnd.api+json");
}

#[tokio::test]
async fn every_invalid_field_is_reported_with_its_pointer() {
    let gateway = TestGateway::spawn().await;
    let body = json!({ "data": { "type": "tenants", "attributes": {
        "companyName": "",
        "addressCountry": "XX",
        "contactEmail": "not-an-email",
        "billingModel": "MONTHLY",
        "defaultLanguage": "french",
        "vatNumber": "BE0123456789",
        "tenantCode": "lower-case",
    } } });
    let reply = gateway
        .post("/api/v1/tenants", &gateway.partner_key, body)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut found: Vec<(String, String)> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| {
            (
                error["source"]["pointer"].as_str().unwrap().to_owned(),
                error["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    let expected = [
        ("/data/attributes/addressCity", "required"),
        ("/data/attributes/addressCountry", "invalid_country"),
        ("/data/attributes/addressPostalCode", "required"),
        ("/data/attributes/addressStreet", "required"),
        ("/data/attributes/billingModel", "invalid_billing_model"),
        ("/data/attributes/companyName", "invalid_company_name"),
        ("/data/attributes/contactEmail", "invalid_email"),
        ("/data/attributes/defaultLanguage", "invalid_language"),
        ("/data/attributes/tenantCode", "invalid_tenant_code"),
        ("/data/attributes/vatNumber", "invalid_vat_number"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(found, expected);
    assert!(
        reply.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|error| error["status"] == "422" && error["detail"].is_string())
    );
    let listed = gateway.get("/api/v1/tenants", &gateway.partner_key).await;
    assert_eq!(
        listed.body["meta"]["totalElements"], 0,
        "nothing is created"
    );
}

#[tokio::test]
async fn unknown_fields_are_refused_with_their_pointer() {
    let gateway = TestGateway::spawn().await;
    let reply = gateway
        .post(
            "/api/v1/tenants",
            &gateway.partner_key,
            tenant_body("Kunde GmbH", &json!({ "favouriteColour": "blue" })),
        )
        .await;
    assert_eq!(
        (reply.status, reply.code(), reply.pointer()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_field",
            "/data/attributes/favouriteColour"
        )
    );
}

#[tokio::test]
async fn wrongly_typed_field_points_at_it() {
    let gateway = TestGateway::spawn().await;
    let reply = gateway
        .post(
            "/api/v1/tenants",
            &gateway.partner_key,
            tenant_body("Kunde GmbH", &json!({ "companyName": 42 })),
        )
        .await;
    assert_eq!(
        (reply.status, reply.code(), reply.pointer()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "/data/attributes/companyName"
        )
    );
}

#[tokio::test]
async fn missing_attributes_object_is_required() {
    let gateway = TestGateway::spawn().await;
    let reply = gateway
        .post(
            "/api/v1/tenants",
            &gateway.partner_key,
            json!({ "data": { "type": "tenants" } }),
        )
        .await;
    assert_eq!(
        (reply.status, reply.code(), reply.pointer()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "required",
            "/data/attributes"
        )
    );
}

#[tokio::test]
async fn wrong_resource_type_is_409() {
    let gateway = TestGateway::spawn().await;
    let mut body = tenant_body("Kunde GmbH", &json!({}));
    body["data"]["type"] = json!("invoices");
    let reply = gateway
        .post("/api/v1/tenants", &gateway.partner_key, body)
        .await;
    assert_eq!(
        (reply.status, reply.code(), reply.pointer()),
        (StatusCode::CONFLICT, "type_mismatch", "/data/type")
    );
}

#[tokio::test]
async fn malformed_json_is_400_and_wrong_media_type_is_415() {
    let gateway = TestGateway::spawn().await;
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/tenants", gateway.base);
    let broken = client
        .post(&url)
        .bearer_auth(&gateway.partner_key)
        .header("Content-Type", "application/json")
        .body("{\"data\":")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    let text = client
        .post(&url)
        .bearer_auth(&gateway.partner_key)
        .header("Content-Type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: serde_json::Value = text.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "unsupported_media_type");
}

#[tokio::test]
async fn oversized_body_is_413() {
    let gateway = TestGateway::spawn_with(|settings| settings.body_limit_bytes = 4096).await;
    let body = tenant_body(
        "Kunde GmbH",
        &json!({ "metadata": { "blob": "x".repeat(5000) } }),
    );
    let reply = gateway
        .post("/api/v1/tenants", &gateway.partner_key, body)
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
    );
}

#[tokio::test]
async fn metadata_limits_point_at_the_offending_key() {
    let gateway = TestGateway::spawn().await;
    let long_key = "k".repeat(41);
    let reply = gateway
        .post(
            "/api/v1/tenants",
            &gateway.partner_key,
            tenant_body(
                "Kunde GmbH",
                &json!({ "metadata": { long_key.clone(): "v", "note": "x".repeat(501) } }),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let pointers: Vec<&str> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"]["pointer"].as_str().unwrap())
        .collect();
    assert!(
        pointers.contains(&format!("/data/attributes/metadata/{long_key}").as_str()),
        "{pointers:?}"
    );
    assert!(
        pointers.contains(&"/data/attributes/metadata/note"),
        "{pointers:?}"
    );
    let many: serde_json::Map<String, serde_json::Value> =
        (0..21).map(|i| (format!("k{i}"), json!("v"))).collect();
    let reply = gateway
        .post(
            "/api/v1/tenants",
            &gateway.partner_key,
            tenant_body("Kunde GmbH", &json!({ "metadata": many })),
        )
        .await;
    assert_eq!(
        (reply.code(), reply.pointer()),
        ("metadata_too_many_keys", "/data/attributes/metadata")
    );
}

#[tokio::test]
async fn duplicate_tenant_code_is_409() {
    let gateway = TestGateway::spawn().await;
    gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let reply = gateway
        .post(
            "/api/v1/tenants",
            &gateway.partner_key,
            tenant_body("Kunde  GmbH", &json!({})),
        )
        .await;
    assert_eq!(
        (reply.status, reply.code(), reply.pointer()),
        (
            StatusCode::CONFLICT,
            "tenant_code_taken",
            "/data/attributes/tenantCode"
        )
    );
    let explicit = gateway
        .post(
            "/api/v1/tenants",
            &gateway.partner_key,
            tenant_body("Kunde GmbH", &json!({ "tenantCode": "KUNDE-2" })),
        )
        .await;
    assert_eq!(explicit.status, StatusCode::CREATED);
}

#[tokio::test]
async fn billing_model_outside_the_partners_subscription_is_422() {
    let gateway = TestGateway::spawn().await;
    let (_, seats_only) = gateway
        .second_partner(
            "Seats Only",
            einvoice_domain::environment::Environment::Sandbox,
        )
        .await;
    let reply = gateway
        .post(
            "/api/v1/tenants",
            &seats_only,
            tenant_body("Kunde GmbH", &json!({ "billingModel": "FLOW" })),
        )
        .await;
    assert_eq!(
        (reply.status, reply.code(), reply.pointer()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "billing_model_not_allowed",
            "/data/attributes/billingModel"
        )
    );
}

#[tokio::test]
async fn patch_changes_given_fields_and_null_clears_optional_ones() {
    let gateway = TestGateway::spawn().await;
    let created = gateway
        .post(
            "/api/v1/tenants",
            &gateway.partner_key,
            tenant_body(
                "Kunde GmbH",
                &json!({ "contactName": "Max", "contactPhone": "+352 123 456" }),
            ),
        )
        .await;
    let path = format!("/api/v1/tenants/{}", created.id());
    let changes = json!({ "data": { "type": "tenants", "id": created.id(), "attributes": {
        "companyName": "Kunde AG", "contactName": null, "addressCity": "Esch-sur-Alzette", "billingModel": "FLOW", "metadata": { "crm": "42" }
    } } });
    let reply = gateway.patch(&path, &gateway.partner_key, changes).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let attributes = reply.attributes();
    assert_eq!(attributes["companyName"], "Kunde AG");
    assert_eq!(attributes["contactName"], serde_json::Value::Null);
    assert_eq!(attributes["contactPhone"], "+352 123 456");
    assert_eq!(attributes["addressCity"], "Esch-sur-Alzette");
    assert_eq!(attributes["addressStreet"], "1 rue de la Gare");
    assert_eq!(attributes["billingModel"], "FLOW");
    assert_eq!(attributes["metadata"], json!({ "crm": "42" }));
    assert_eq!(
        attributes["tenantCode"], "KUNDE-GMBH",
        "the code does not follow the name"
    );
    assert_ne!(attributes["updatedAt"], created.attributes()["updatedAt"]);
    assert_eq!(
        gateway.get(&path, &gateway.partner_key).await.attributes(),
        attributes
    );
}

#[tokio::test]
async fn patch_with_another_id_in_the_body_is_409() {
    let gateway = TestGateway::spawn().await;
    let tenant = gateway
        .create_tenant(&gateway.partner_key, "Kunde GmbH")
        .await;
    let patch = json!({ "data": { "type": "tenants", "id": "01a20119-4da1-7521-a122-5f94c6a417f0", "attributes": { "companyName": "X" } } });
    let reply = gateway
        .patch(
            &format!("/api/v1/tenants/{tenant}"),
            &gateway.partner_key,
            patch,
        )
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::CONFLICT, "id_mismatch")
    );
}

#[tokio::test]
async fn delete_soft_deletes_and_archives_legal_entities() {
    let gateway = TestGateway::spawn().await;
    let created = gateway
        .post(
            "/api/v1/tenants",
            &gateway.partner_key,
            tenant_body("Kunde GmbH", &json!({ "vatNumber": "LU26375245" })),
        )
        .await;
    let tenant = created.id();
    let entity = created.body["included"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/tenants/{tenant}");
    let deleted = gateway.delete(&path, &gateway.partner_key).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        gateway.get(&path, &gateway.partner_key).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        gateway.delete(&path, &gateway.partner_key).await.status,
        StatusCode::NOT_FOUND
    );
    // The code is free again, and so is the participant id of the archived entity.
    let successor = gateway
        .post(
            "/api/v1/tenants",
            &gateway.partner_key,
            tenant_body("Kunde GmbH", &json!({ "vatNumber": "LU26375245" })),
        )
        .await;
    assert_eq!(successor.status, StatusCode::CREATED, "{successor:?}");
    assert_ne!(
        successor.body["included"][0]["id"].as_str().unwrap(),
        entity
    );
}

#[tokio::test]
async fn taken_vat_participant_id_is_409_on_the_vat_number() {
    let gateway = TestGateway::spawn().await;
    gateway
        .post(
            "/api/v1/tenants",
            &gateway.partner_key,
            tenant_body("Kunde GmbH", &json!({ "vatNumber": "LU26375245" })),
        )
        .await;
    let reply = gateway
        .post(
            "/api/v1/tenants",
            &gateway.partner_key,
            tenant_body("Other SA", &json!({ "vatNumber": "LU26375245" })),
        )
        .await;
    assert_eq!(
        (reply.status, reply.code(), reply.pointer()),
        (
            StatusCode::CONFLICT,
            "participant_id_taken",
            "/data/attributes/vatNumber"
        )
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json_errors() {
    let gateway = TestGateway::spawn().await;
    let missing = gateway
        .get("/api/v1/nothing-here", &gateway.partner_key)
        .await;
    assert_eq!(
        (missing.status, missing.code()),
        (StatusCode::NOT_FOUND, "route_not_found")
    );
    let wrong = gateway
        .request(
            Method::PUT,
            "/api/v1/tenants",
            Some(&gateway.partner_key),
            None,
            None,
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    let garbage_id = gateway
        .get("/api/v1/tenants/not-a-uuid", &gateway.partner_key)
        .await;
    assert_eq!(garbage_id.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn healthz_answers_without_a_key() {
    let gateway = TestGateway::spawn().await;
    let reply = gateway
        .request(Method::GET, "/healthz", None, None, None)
        .await;
    assert_eq!(
        (reply.status, &reply.body),
        (StatusCode::OK, &json!({ "status": "ok" }))
    );
}

#[tokio::test]
async fn readyz_checks_the_store_and_its_migrations() {
    use sqlx::Connection as _;

    let gateway = TestGateway::spawn().await;
    let ready = gateway
        .request(Method::GET, "/readyz", None, None, None)
        .await;
    assert_eq!(
        (ready.status, &ready.body),
        (StatusCode::OK, &json!({ "status": "ready" }))
    );
    // Forget the newest migration, as if the binary were newer than the schema.
    let forget =
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)";
    if let Some(url) = &gateway.global.database_url {
        let mut connection = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::query(forget)
            .execute(&mut connection)
            .await
            .expect("delete");
    } else {
        let path = gateway.global.data_dir.join("einvoice.db");
        let url = format!("sqlite://{}", path.display());
        let mut connection = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("connect");
        sqlx::query(forget)
            .execute(&mut connection)
            .await
            .expect("delete");
    }
    let not_ready = gateway
        .request(Method::GET, "/readyz", None, None, None)
        .await;
    assert_eq!(not_ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        not_ready.body,
        json!({ "status": "not_ready", "reason": "the database migrations are not applied" })
    );
}
