//! Business documents: submission (seed 004's response), validation only, reading back
//! (metadata, status, content), lists and filters, every refusal with its pointer, and
//! tenant scoping.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestGateway, legal_entity_body};

/// A corpus document (the repository's `tests/corpus`), as sent over HTTP.
fn corpus(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus")
        .join(name);
    serde_json::from_slice(&std::fs::read(&path).expect("corpus document")).expect("JSON")
}

/// The Belgian zero-rated invoice: seller 0208:0476543281, buyer 0208:0812345603.
fn belgian_invoice() -> Value {
    corpus("04-be-zero-rated-newspapers.json")
}

const SELLER: &str = "0476543281";

/// A child tenant with a key and the legal entity of the corpus seller.
async fn sender(gateway: &TestGateway, name: &str) -> (String, String, String) {
    let tenant = gateway.create_tenant(&gateway.partner_key, name).await;
    let (_, key) = gateway
        .create_key(&gateway.partner_key, &tenant, None)
        .await;
    let entity = gateway
        .post(
            "/api/v1/legal-entities",
            &key,
            legal_entity_body("Mediahuis Distributie NV", SELLER),
        )
        .await;
    assert_eq!(entity.status, StatusCode::CREATED, "{entity:?}");
    (tenant, key, entity.id())
}

async fn document_count(gateway: &TestGateway, key: &str) -> u64 {
    let reply = gateway.get("/api/v1/documents", key).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    reply.body["meta"]["totalElements"].as_u64().expect("total")
}

fn errors(reply: &crate::helpers::Reply) -> Vec<(String, String)> {
    reply.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|error| {
            (
                error["code"].as_str().unwrap_or_default().to_owned(),
                error["source"]["pointer"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn submission_returns_its_renditions_and_stores_them() {
    let gateway = TestGateway::spawn().await;
    let (_, key, entity) = sender(&gateway, "Mediahuis").await;
    let reply = gateway
        .post(
            "/api/v1/documents/business-documents",
            &key,
            belgian_invoice(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let data = reply.body["data"]
        .as_array()
        .expect("an array of renditions");
    assert_eq!(data.len(), 1);
    let rendition = &data[0];
    assert_eq!(rendition["type"], "invoices");
    let attributes = &rendition["attributes"];
    assert_eq!(attributes["format"], "UBL_PEPPOL_BIS_3");
    assert_eq!(attributes["target"], "PEPPOL");
    assert_eq!(attributes["status"], "QUEUED_FOR_VALIDATION");
    assert_eq!(attributes["direction"], "outbound");
    assert_eq!(attributes["legalEntityId"], entity.as_str());
    assert_eq!(attributes["sender"], format!("0208:{SELLER}"));
    assert_eq!(attributes["receiver"], "0208:0812345603");
    assert_eq!(
        attributes["documentNumber"],
        belgian_invoice()["data"]["attributes"]["documentId"]
    );
    assert_eq!(attributes["processId"], reply.body["meta"]["processId"]);
    assert!(reply.body["meta"]["warnings"].is_array());
    let xml = attributes["xml"].as_str().expect("xml");
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains(&format!(
        "<cbc:EndpointID schemeID=\"0208\">{SELLER}</cbc:EndpointID>"
    )));

    let id = rendition["id"].as_str().expect("id");
    let fetched = gateway.get(&format!("/api/v1/documents/{id}"), &key).await;
    assert_eq!(fetched.status, StatusCode::OK, "{fetched:?}");
    let mut expected = rendition.clone();
    expected["attributes"]
        .as_object_mut()
        .expect("attributes")
        .remove("xml");
    assert_eq!(fetched.body["data"], expected);

    let status = gateway
        .get(&format!("/api/v1/documents/{id}/status"), &key)
        .await;
    assert_eq!(status.status, StatusCode::OK, "{status:?}");
    assert_eq!(status.attributes()["status"], "QUEUED_FOR_VALIDATION");
    assert_eq!(status.attributes()["terminal"], false);

    let content = gateway
        .client()
        .get(format!("{}/api/v1/documents/{id}/content", gateway.base))
        .bearer_auth(&key)
        .send()
        .await
        .expect("answered");
    assert_eq!(content.status(), StatusCode::OK);
    assert_eq!(
        content.headers()["content-type"].to_str().unwrap(),
        "application/xml"
    );
    assert_eq!(content.text().await.unwrap(), xml);

    let events = gateway.get("/api/v1/events", &key).await;
    let documents: Vec<(&str, &str)> = events.body["data"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|event| event["attributes"]["subject"]["type"] == "documents")
        .map(|event| {
            assert_eq!(event["attributes"]["subject"]["id"], id);
            (
                event["attributes"]["eventType"].as_str().unwrap(),
                event["attributes"]["data"]["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        documents,
        [
            ("document.accepted", "ACCEPTED"),
            ("document.queued_for_validation", "QUEUED_FOR_VALIDATION")
        ]
    );
}

#[tokio::test]
async fn credit_notes_are_credit_note_resources() {
    let gateway = TestGateway::spawn().await;
    let (_, key, _) = sender(&gateway, "Mediahuis").await;
    let mut body = belgian_invoice();
    let attributes = &mut body["data"]["attributes"];
    attributes["@type"] = json!("CreditNoteDocument");
    attributes["typeCode"] = json!("CREDIT_NOTE");
    attributes["precedingInvoices"] =
        json!([{ "number": "NP-2026-0001", "issueDate": "2026-01-02" }]);
    attributes
        .as_object_mut()
        .expect("attributes")
        .remove("dueDate");
    let reply = gateway
        .post("/api/v1/documents/business-documents", &key, body)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.body["data"][0]["type"], "credit-notes");
    assert_eq!(
        reply.body["data"][0]["attributes"]["documentType"],
        "credit_note"
    );
}

#[tokio::test]
async fn rule_violations_are_all_listed_with_pointers_and_nothing_is_stored() {
    let gateway = TestGateway::spawn().await;
    let (_, key, _) = sender(&gateway, "Mediahuis").await;
    let mut body = belgian_invoice();
    let attributes = body["data"]["attributes"]
        .as_object_mut()
        .expect("attributes");
    attributes.remove("documentId");
    attributes.remove("issueDate");
    let reply = gateway
        .post("/api/v1/documents/business-documents", &key, body)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{reply:?}");
    let found = errors(&reply);
    for expected in [
        ("BR-02", "/data/attributes/documentId"),
        ("BR-03", "/data/attributes/issueDate"),
    ] {
        assert!(
            found.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} not in {found:?}"
        );
    }
    assert_eq!(reply.body["errors"][0]["meta"]["severity"], "fatal");
    assert_eq!(document_count(&gateway, &key).await, 0);
}

#[tokio::test]
async fn malformed_documents_point_at_the_field() {
    let gateway = TestGateway::spawn().await;
    let (_, key, _) = sender(&gateway, "Mediahuis").await;
    let mut body = belgian_invoice();
    body["data"]["attributes"]["colour"] = json!("blue");
    body["data"]["attributes"]["lines"][0]["quantity"] = json!("ten");
    let reply = gateway
        .post("/api/v1/documents/business-documents", &key, body)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{reply:?}");
    let mut found = errors(&reply);
    found.sort();
    assert_eq!(
        found,
        [
            (
                "invalid_decimal".to_owned(),
                "/data/attributes/lines/0/quantity".to_owned()
            ),
            (
                "unknown_field".to_owned(),
                "/data/attributes/colour".to_owned()
            ),
        ]
    );
    let bare = belgian_invoice()["data"]["attributes"].clone();
    let reply = gateway
        .post("/api/v1/documents/business-documents", &key, bare)
        .await;
    assert_eq!(
        (reply.status, reply.code(), reply.pointer()),
        (StatusCode::UNPROCESSABLE_ENTITY, "required", "/data")
    );
    assert_eq!(document_count(&gateway, &key).await, 0);
}

#[tokio::test]
async fn the_seller_must_be_a_legal_entity_of_the_tenant() {
    let gateway = TestGateway::spawn().await;
    let tenant = gateway.create_tenant(&gateway.partner_key, "Other").await;
    let (_, key) = gateway
        .create_key(&gateway.partner_key, &tenant, None)
        .await;
    for path in [
        "/api/v1/documents/business-documents",
        "/api/v1/documents/validate",
    ] {
        let reply = gateway.post(path, &key, belgian_invoice()).await;
        assert_eq!(
            (reply.status, reply.code(), reply.pointer()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "sender_not_a_legal_entity",
                "/data/attributes/seller/electronicAddress"
            ),
            "{path}: {reply:?}"
        );
    }
    assert_eq!(document_count(&gateway, &key).await, 0);
}

#[tokio::test]
async fn validation_checks_everything_and_stores_nothing() {
    let gateway = TestGateway::spawn().await;
    let (_, key, _) = sender(&gateway, "Mediahuis").await;
    let reply = gateway
        .post("/api/v1/documents/validate", &key, belgian_invoice())
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.body["meta"]["valid"], true);
    assert!(reply.body["meta"]["warnings"].is_array());
    let mut invalid = belgian_invoice();
    invalid["data"]["attributes"]["currency"] = json!("EURO");
    let reply = gateway
        .post("/api/v1/documents/validate", &key, invalid)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{reply:?}");
    assert!(
        errors(&reply).contains(&(
            "BR-CL-04".to_owned(),
            "/data/attributes/currency".to_owned()
        )),
        "{reply:?}"
    );
    assert_eq!(document_count(&gateway, &key).await, 0);
}

#[tokio::test]
async fn lists_filter_by_process_status_direction_entity_and_date() {
    let gateway = TestGateway::spawn().await;
    let (_, key, entity) = sender(&gateway, "Mediahuis").await;
    let mut processes = Vec::new();
    for number in ["NP-1", "NP-2", "NP-3"] {
        let mut body = belgian_invoice();
        body["data"]["attributes"]["documentId"] = json!(number);
        let reply = gateway
            .post("/api/v1/documents/business-documents", &key, body)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
        processes.push(reply.body["meta"]["processId"].as_str().unwrap().to_owned());
    }
    let count = |query: String| {
        let gateway = &gateway;
        let key = &key;
        async move {
            let reply = gateway
                .get(&format!("/api/v1/documents?{query}"), key)
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{query}: {reply:?}");
            reply.body["meta"]["totalElements"].as_u64().unwrap()
        }
    };
    assert_eq!(count(format!("processId={}", processes[1])).await, 1);
    assert_eq!(
        count(format!("filter[processId]={}", processes[2])).await,
        1
    );
    assert_eq!(
        count("filter[status]=QUEUED_FOR_VALIDATION".to_owned()).await,
        3
    );
    assert_eq!(count("filter[status]=DELIVERED".to_owned()).await, 0);
    assert_eq!(count("filter[direction]=outbound".to_owned()).await, 3);
    assert_eq!(count("filter[direction]=inbound".to_owned()).await, 0);
    assert_eq!(count(format!("filter[legalEntity]={entity}")).await, 3);
    assert_eq!(count("filter[createdFrom]=2000-01-01".to_owned()).await, 3);
    assert_eq!(
        count("filter[createdTo]=2000-01-01T00:00:00Z".to_owned()).await,
        0
    );

    let sorted = gateway
        .get("/api/v1/documents?sort=-createdAt&page[size]=2", &key)
        .await;
    let numbers: Vec<&str> = sorted.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["attributes"]["documentNumber"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["NP-3", "NP-2"]);
    assert!(sorted.body["data"][0]["attributes"].get("xml").is_none());
    assert!(sorted.body["links"]["next"].is_string());

    for (query, parameter) in [
        ("filter[status]=SENT", "filter[status]"),
        ("filter[direction]=up", "filter[direction]"),
        ("filter[processId]=nope", "filter[processId]"),
        ("filter[createdFrom]=yesterday", "filter[createdFrom]"),
        ("filter[colour]=blue", "filter[colour]"),
    ] {
        let reply = gateway
            .get(&format!("/api/v1/documents?{query}"), &key)
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}: {reply:?}");
        assert_eq!(
            reply.body["errors"][0]["source"]["parameter"], parameter,
            "{query}"
        );
    }
}

#[tokio::test]
async fn other_tenants_never_see_a_document() {
    let gateway = TestGateway::spawn().await;
    let (owner, key, _) = sender(&gateway, "Mediahuis").await;
    let reply = gateway
        .post(
            "/api/v1/documents/business-documents",
            &key,
            belgian_invoice(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let id = reply.body["data"][0]["id"].as_str().unwrap().to_owned();
    let other = gateway.create_tenant(&gateway.partner_key, "Other").await;
    let (_, other_key) = gateway.create_key(&gateway.partner_key, &other, None).await;
    for suffix in ["", "/status", "/content"] {
        let path = format!("/api/v1/documents/{id}{suffix}");
        let reply = gateway.get(&path, &other_key).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{path}"
        );
        // The partner sees it when acting for the owner.
        let reply = gateway
            .request(
                reqwest::Method::GET,
                &path,
                Some(&gateway.partner_key),
                Some(&owner),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {reply:?}");
    }
    assert_eq!(document_count(&gateway, &other_key).await, 0);
    let reply = gateway.get("/api/v1/documents/not-a-uuid", &key).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{reply:?}");
}

#[tokio::test]
async fn large_documents_fit_the_document_body_limit() {
    let gateway = TestGateway::spawn().await;
    let (_, key, _) = sender(&gateway, "Mediahuis").await;
    let mut body = corpus("24-one-thousand-lines.json");
    body["data"]["attributes"]["seller"] =
        belgian_invoice()["data"]["attributes"]["seller"].clone();
    for line in body["data"]["attributes"]["lines"]
        .as_array_mut()
        .expect("lines")
    {
        line["itemDescription"] = json!("x".repeat(1000));
    }
    assert!(
        body.to_string().len() > 1024 * 1024,
        "bigger than the default limit"
    );
    let reply = gateway
        .post("/api/v1/documents/business-documents", &key, body)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let tiny = TestGateway::spawn_with(|settings| settings.document_body_limit_bytes = 2048).await;
    let (_, key, _) = sender(&tiny, "Mediahuis").await;
    let reply = tiny
        .post(
            "/api/v1/documents/business-documents",
            &key,
            belgian_invoice(),
        )
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
    );
}
