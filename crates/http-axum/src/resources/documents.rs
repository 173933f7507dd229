//! `/api/v1/documents`: business documents in (seed 004), their renditions out.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use einvoice_document_json::{JsonProblem, ParseLimits, parse_resource_with};
use einvoice_domain::document::model::DocumentKind;
use einvoice_domain::document::{Document, Violation};
use einvoice_domain::ids::{DocumentId, LegalEntityId, ProcessId};
use einvoice_domain::ports::{DocumentFilter, DocumentSort};
use einvoice_domain::rendition::{self, DocumentStatus, DocumentStatusName, Flow, Rendition};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{SelfLink, rfc3339};
use crate::AppState;
use crate::error::{ApiError, Source, severity_name};
use crate::extract::{JsonBytes, Tenancy, path_id};
use crate::query::{ListSpec, RawQuery, page_links, parse_list};

/// The JSON:API type of a rendition: `invoices` or `credit-notes` (seed 004).
const fn resource_type(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Invoice => "invoices",
        DocumentKind::CreditNote => "credit-notes",
    }
}

/// A rendition's fields in responses.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentAttributes {
    process_id: String,
    format: &'static str,
    target: &'static str,
    status: &'static str,
    status_reason: Option<serde_json::Value>,
    direction: &'static str,
    document_type: &'static str,
    document_number: String,
    issue_date: String,
    legal_entity_id: Option<String>,
    sender: Option<String>,
    receiver: Option<String>,
    environment: &'static str,
    created_at: String,
    updated_at: String,
    /// The rendition itself, in the submission's response only (seed 004).
    #[serde(skip_serializing_if = "Option::is_none")]
    xml: Option<String>,
}

/// A rendition's resource object.
#[derive(Debug, Serialize)]
pub struct DocumentResource {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    attributes: DocumentAttributes,
    links: DocumentLinks,
}

/// `self`, `status` and `content` links.
#[derive(Debug, Serialize)]
pub struct DocumentLinks {
    #[serde(rename = "self")]
    this: String,
    status: String,
    content: String,
}

/// `{"code", "message"}` of an `INVALID` or `FAILED` rendition.
fn status_reason(status: &DocumentStatus) -> Option<serde_json::Value> {
    status
        .reason()
        .map(|reason| serde_json::json!({ "code": reason.code(), "message": reason.message() }))
}

fn iso_date(date: time::Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(&format).unwrap_or_default()
}

/// The resource object of `document`, with its content when given.
pub fn document_resource(
    base_url: &str,
    document: &Rendition,
    content: Option<&[u8]>,
) -> DocumentResource {
    let facts = &document.facts;
    let status = document.status();
    let this = format!("{base_url}/api/v1/documents/{}", document.id);
    DocumentResource {
        kind: resource_type(facts.kind),
        id: document.id.to_string(),
        attributes: DocumentAttributes {
            process_id: facts.process_id.to_string(),
            format: facts.format.as_str(),
            target: facts.target.as_str(),
            status: status.name().as_str(),
            status_reason: status_reason(status),
            direction: facts.flow.as_str(),
            document_type: rendition::kind_name(facts.kind),
            document_number: facts.document_number.clone(),
            issue_date: iso_date(facts.issue_date),
            legal_entity_id: facts.legal_entity_id.map(|id| id.to_string()),
            sender: facts.sender.as_ref().map(ToString::to_string),
            receiver: facts.receiver.as_ref().map(ToString::to_string),
            environment: facts.environment.as_str(),
            created_at: rfc3339(document.created_at),
            updated_at: rfc3339(document.updated_at),
            xml: content.map(|bytes| String::from_utf8_lossy(bytes).into_owned()),
        },
        links: DocumentLinks {
            status: format!("{this}/status"),
            content: format!("{this}/content"),
            this,
        },
    }
}

fn warnings(violations: &[Violation]) -> Vec<serde_json::Value> {
    violations
        .iter()
        .map(|violation| {
            serde_json::json!({
                "rule": violation.rule,
                "severity": severity_name(violation.severity),
                "pointer": format!("/data/attributes{}", violation.pointer),
                "message": violation.message,
            })
        })
        .collect()
}

/// The 422 of a body that is not a business document.
fn json_problems(problems: Vec<JsonProblem>) -> ApiError {
    ApiError::many(
        StatusCode::UNPROCESSABLE_ENTITY,
        problems
            .into_iter()
            .map(|problem| {
                (
                    problem.code.to_owned(),
                    problem.message,
                    Some(Source::Pointer(problem.pointer)),
                )
            })
            .collect(),
    )
}

/// Parses a request body into a business document (every problem listed).
fn parse(limits: &ParseLimits, body: &[u8]) -> Result<Document, ApiError> {
    parse_resource_with(body, limits).map_err(json_problems)
}

/// `POST /api/v1/documents/business-documents`: checks, routes, renders and stores a
/// document; the response lists its renditions (seed 004).
pub async fn submit(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    let document = parse(&state.document_limits, &body)?;
    let submission = state.documents.submit(&acting, document).await?;
    tracing::info!(
        process.id = %submission.process_id,
        tenant.id = %acting.tenant.id,
        renditions = submission.renditions.len(),
        warnings = submission.document.warnings().len(),
        "business document accepted"
    );
    let data: Vec<DocumentResource> = submission
        .renditions
        .iter()
        .map(|new| document_resource(&state.base_url, &new.rendition, Some(&new.content)))
        .collect();
    let meta = serde_json::json!({
        "processId": submission.process_id.to_string(),
        "warnings": warnings(submission.document.warnings()),
    });
    Ok(Json(serde_json::json!({ "data": data, "meta": meta })).into_response())
}

/// `POST /api/v1/documents/validate`: the checks of a submission; stores nothing.
pub async fn validate(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    let document = parse(&state.document_limits, &body)?;
    let valid = state.documents.validate(&acting, document).await?;
    Ok(Json(serde_json::json!({
        "meta": { "valid": true, "warnings": warnings(valid.warnings()) }
    }))
    .into_response())
}

/// The sort fields and filters of document lists.
pub const LIST_SPEC: ListSpec<DocumentSort> = ListSpec {
    sort_fields: &[
        ("createdAt", DocumentSort::CreatedAt),
        ("updatedAt", DocumentSort::UpdatedAt),
        ("issueDate", DocumentSort::IssueDate),
    ],
    filters: &[
        "processId",
        "status",
        "direction",
        "legalEntity",
        "createdFrom",
        "createdTo",
    ],
};

fn bad_filter(name: &str, detail: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_filter",
        detail,
        Some(Source::Parameter(format!("filter[{name}]"))),
    )
}

/// A filter value parsed by `parse`, or a 400 naming the filter.
fn filter<T>(
    value: Option<&str>,
    name: &str,
    expected: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    value
        .map(|text| {
            parse(text).ok_or_else(|| bad_filter(name, format!("filter[{name}] {expected}")))
        })
        .transpose()
}

/// An instant: RFC 3339, or a date (its midnight UTC).
fn instant(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok().or_else(|| {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(text, &format)
            .ok()
            .map(|date| date.midnight().assume_utc())
    })
}

/// `GET /api/v1/documents`: the acting tenant's documents. Filters as `filter[name]`;
/// seed 004's `?processId=` is accepted too.
pub async fn list(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let raw = RawQuery::from_uri(&uri)?;
    let mut normalised = raw.clone();
    for (key, _) in &mut normalised.0 {
        if key == "processId" {
            "filter[processId]".clone_into(key);
        }
    }
    let params = parse_list(&normalised, &LIST_SPEC)?;
    let filter = DocumentFilter {
        process_id: filter(
            params.filter("processId"),
            "processId",
            "must be a process id (UUID)",
            |text| ProcessId::parse(text).ok(),
        )?,
        status: filter(
            params.filter("status"),
            "status",
            "must be a document status such as QUEUED_FOR_SENDING or DELIVERED",
            DocumentStatusName::parse,
        )?,
        flow: filter(
            params.filter("direction"),
            "direction",
            "must be outbound or inbound",
            Flow::parse,
        )?,
        legal_entity_id: filter(
            params.filter("legalEntity"),
            "legalEntity",
            "must be a legal entity id (UUID)",
            |text| LegalEntityId::parse(text).ok(),
        )?,
        created_from: filter(
            params.filter("createdFrom"),
            "createdFrom",
            "must be an RFC 3339 instant or a YYYY-MM-DD date",
            instant,
        )?,
        created_to: filter(
            params.filter("createdTo"),
            "createdTo",
            "must be an RFC 3339 instant or a YYYY-MM-DD date",
            instant,
        )?,
    };
    let page_request = params.page;
    let page = state
        .documents
        .list(&acting, &params.into_query(filter))
        .await?;
    let (links, meta) = page_links(&state.base_url, &uri, &raw, page_request, &page);
    let data: Vec<_> = page
        .items
        .iter()
        .map(|document| document_resource(&state.base_url, document, None))
        .collect();
    Ok(Json(serde_json::json!({ "data": data, "links": links, "meta": meta })).into_response())
}

/// `GET /api/v1/documents/{id}`
pub async fn get(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id, DocumentId::parse, "document")?;
    let document = state.documents.get(&acting, id).await?;
    Ok(Json(serde_json::json!({
        "data": document_resource(&state.base_url, &document, None)
    }))
    .into_response())
}

/// `GET /api/v1/documents/{id}/status`: the lifecycle position of one rendition.
pub async fn status(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id, DocumentId::parse, "document")?;
    let document = state.documents.get(&acting, id).await?;
    let status = document.status();
    let this = format!("{}/api/v1/documents/{id}", state.base_url);
    Ok(Json(serde_json::json!({
        "data": {
            "type": "document-statuses",
            "id": id.to_string(),
            "attributes": {
                "status": status.name().as_str(),
                "statusReason": status_reason(status),
                "terminal": status.name().is_terminal(),
                "updatedAt": rfc3339(document.updated_at),
            },
            "links": SelfLink::new(&state.base_url, &format!("/api/v1/documents/{id}/status")),
            "relationships": { "document": { "links": { "related": this } } },
        }
    }))
    .into_response())
}

/// `GET /api/v1/documents/{id}/content`: the rendition itself, in its media type.
pub async fn content(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id, DocumentId::parse, "document")?;
    let (document, content) = state.documents.content(&acting, id).await?;
    let media_type = HeaderValue::from_static(document.facts.format.media_type());
    let disposition = HeaderValue::from_str(&format!("inline; filename=\"{}.xml\"", document.id))
        .map_err(|error| ApiError::internal(&error.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, media_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        content,
    )
        .into_response())
}
