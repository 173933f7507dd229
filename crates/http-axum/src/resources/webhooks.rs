//! `/api/v1/webhooks`: where events are delivered (configuration; delivery is the
//! lifecycle issue's).

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use einvoice_domain::ids::{LegalEntityId, WebhookId};
use einvoice_domain::ports::WebhookSort;
use einvoice_domain::service::WebhookPatch;
use einvoice_domain::webhook::{
    Description, EventSelector, NewWebhook, WebhookEndpoint, WebhookScope, WebhookUrl,
};
use serde::{Deserialize, Serialize};

use super::{Document, Problems, ResourceObject, SelfLink, nullable, rfc3339};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{JsonBody, Tenancy, path_id};
use crate::query::{ListSpec, RawQuery, page_links, parse_list};

const TYPE: &str = "webhooks";

/// Endpoint fields as sent on create.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookCreateAttributes {
    url: Option<String>,
    events: Option<Vec<String>>,
    description: Option<String>,
    scope: Option<String>,
    legal_entity_id: Option<String>,
}

/// Endpoint fields as sent on update.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookPatchAttributes {
    url: Option<String>,
    events: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    description: Option<Option<String>>,
    enabled: Option<bool>,
}

/// Endpoint fields in responses.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookAttributes {
    url: String,
    events: Vec<String>,
    scope: &'static str,
    legal_entity_id: Option<String>,
    description: Option<String>,
    enabled: bool,
    tenant_id: String,
    environment: &'static str,
    created_at: String,
    updated_at: String,
    /// The signing secret, in the create response only.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

fn resource(
    base_url: &str,
    endpoint: &WebhookEndpoint,
    secret: Option<String>,
) -> ResourceObject<WebhookAttributes> {
    ResourceObject {
        kind: TYPE,
        id: endpoint.id.to_string(),
        attributes: WebhookAttributes {
            url: endpoint.url.as_str().to_owned(),
            events: endpoint.events.patterns().to_vec(),
            scope: endpoint.scope.as_str(),
            legal_entity_id: match endpoint.scope {
                WebhookScope::LegalEntity(id) => Some(id.to_string()),
                WebhookScope::Partner | WebhookScope::Tenant => None,
            },
            description: endpoint
                .description
                .as_ref()
                .map(|description| description.as_str().to_owned()),
            enabled: endpoint.enabled,
            tenant_id: endpoint.tenant_id.to_string(),
            environment: endpoint.environment.as_str(),
            created_at: rfc3339(endpoint.created_at),
            updated_at: rfc3339(endpoint.updated_at),
            secret,
        },
        relationships: None,
        links: SelfLink::new(base_url, &format!("/api/v1/webhooks/{}", endpoint.id)),
    }
}

fn one(base_url: &str, endpoint: &WebhookEndpoint) -> Response {
    Json(serde_json::json!({ "data": resource(base_url, endpoint, None) })).into_response()
}

fn parse_events(problems: &mut Problems, events: Option<Vec<String>>) -> Option<EventSelector> {
    match EventSelector::parse(&events?) {
        Ok(selector) => Some(selector),
        Err(error) => {
            problems.push("events", "invalid_events", format!("events: {error}"));
            None
        }
    }
}

/// The scope named by `scope` and `legalEntityId` (a legal entity id alone means the
/// legal-entity scope; nothing means the tenant scope).
fn parse_scope(
    problems: &mut Problems,
    scope: Option<&str>,
    legal_entity_id: Option<&str>,
) -> Option<WebhookScope> {
    let entity = problems.parse(
        "legalEntityId",
        "invalid_legal_entity_id",
        legal_entity_id,
        LegalEntityId::parse,
    );
    match (scope, legal_entity_id) {
        (None | Some("tenant"), None) => Some(WebhookScope::Tenant),
        (Some("partner"), None) => Some(WebhookScope::Partner),
        (None | Some("legal-entity"), Some(_)) => entity.map(WebhookScope::LegalEntity),
        (Some("legal-entity"), None) => {
            problems.push(
                "legalEntityId",
                "required",
                "legalEntityId is required for the legal-entity scope",
            );
            None
        }
        (Some("partner" | "tenant"), Some(_)) => {
            problems.push(
                "legalEntityId",
                "not_allowed",
                "legalEntityId is only allowed with the legal-entity scope",
            );
            None
        }
        (Some(_), _) => {
            problems.push(
                "scope",
                "invalid_scope",
                "scope must be partner, tenant or legal-entity",
            );
            None
        }
    }
}

/// `POST /api/v1/webhooks`
pub async fn create(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    JsonBody(body): JsonBody<Document<WebhookCreateAttributes>>,
) -> Result<Response, ApiError> {
    body.data.check(TYPE, None)?;
    let attributes = body.data.attributes;
    let mut problems = Problems::default();
    let url = problems.parse_required(
        "url",
        "invalid_url",
        attributes.url.as_deref(),
        WebhookUrl::parse,
    );
    let events = problems.required("events", attributes.events);
    let events = parse_events(&mut problems, events);
    let description = problems.parse(
        "description",
        "invalid_description",
        attributes.description.as_deref(),
        Description::parse,
    );
    let scope = parse_scope(
        &mut problems,
        attributes.scope.as_deref(),
        attributes.legal_entity_id.as_deref(),
    );
    problems.finish()?;
    let (Some(url), Some(events), Some(scope)) = (url, events, scope) else {
        unreachable!("required fields were checked by Problems::finish");
    };
    let created = state
        .webhooks
        .create(
            &acting,
            NewWebhook {
                url,
                events,
                scope,
                description,
            },
        )
        .await?;
    tracing::info!(webhook.id = %created.endpoint.id, tenant.id = %acting.tenant.id, scope = created.endpoint.scope.as_str(), "webhook endpoint created");
    let body = serde_json::json!({
        "data": resource(
            &state.base_url,
            &created.endpoint,
            Some(created.secret.expose().to_owned()),
        )
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The sort fields of endpoint lists.
pub const LIST_SPEC: ListSpec<WebhookSort> = ListSpec {
    sort_fields: &[
        ("createdAt", WebhookSort::CreatedAt),
        ("updatedAt", WebhookSort::UpdatedAt),
    ],
    filters: &[],
};

/// `GET /api/v1/webhooks`
pub async fn list(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let raw = RawQuery::from_uri(&uri)?;
    let params = parse_list(&raw, &LIST_SPEC)?;
    let page_request = params.page;
    let page = state.webhooks.list(&acting, &params.into_query(())).await?;
    let (links, meta) = page_links(&state.base_url, &uri, &raw, page_request, &page);
    let data: Vec<_> = page
        .items
        .iter()
        .map(|endpoint| resource(&state.base_url, endpoint, None))
        .collect();
    Ok(Json(serde_json::json!({ "data": data, "links": links, "meta": meta })).into_response())
}

/// `GET /api/v1/webhooks/{id}`
pub async fn get(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id, WebhookId::parse, "webhook endpoint")?;
    let endpoint = state.webhooks.get(&acting, id).await?;
    Ok(one(&state.base_url, &endpoint))
}

/// `PATCH /api/v1/webhooks/{id}`
pub async fn update(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    Path(id_text): Path<String>,
    JsonBody(body): JsonBody<Document<WebhookPatchAttributes>>,
) -> Result<Response, ApiError> {
    let id = path_id(&id_text, WebhookId::parse, "webhook endpoint")?;
    body.data.check(TYPE, Some(&id_text))?;
    let attributes = body.data.attributes;
    let mut problems = Problems::default();
    let url = problems.parse(
        "url",
        "invalid_url",
        attributes.url.as_deref(),
        WebhookUrl::parse,
    );
    let events = parse_events(&mut problems, attributes.events);
    let description = match attributes.description {
        None => None,
        Some(None) => Some(None),
        Some(Some(text)) => problems
            .parse(
                "description",
                "invalid_description",
                Some(&text),
                Description::parse,
            )
            .map(Some),
    };
    problems.finish()?;
    let endpoint = state
        .webhooks
        .update(
            &acting,
            id,
            WebhookPatch {
                url,
                events,
                description,
                enabled: attributes.enabled,
            },
        )
        .await?;
    tracing::info!(webhook.id = %endpoint.id, enabled = endpoint.enabled, "webhook endpoint updated");
    Ok(one(&state.base_url, &endpoint))
}

/// `DELETE /api/v1/webhooks/{id}`: 204.
pub async fn delete(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id, WebhookId::parse, "webhook endpoint")?;
    state.webhooks.delete(&acting, id).await?;
    tracing::info!(webhook.id = %id, "webhook endpoint deleted");
    Ok(StatusCode::NO_CONTENT.into_response())
}
