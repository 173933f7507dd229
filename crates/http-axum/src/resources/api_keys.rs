//! `/api/v1/tenants/{id}/api-keys`: partners provision keys for themselves and their
//! tenants (seed 001). The token and signing secret appear once, in the create response.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use einvoice_domain::api_key::{ApiKey, ApiKeyStatus, IssuedApiKey, NewApiKey};
use einvoice_domain::environment::Environment;
use einvoice_domain::ids::{ApiKeyId, TenantId};
use einvoice_domain::ports::ApiKeySort;
use einvoice_domain::service::ApiKeyPatch;
use einvoice_domain::text::{Description, KeyName};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Document, Problems, ResourceObject, SelfLink, nullable, rfc3339};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Authenticated, JsonBody, path_id};
use crate::query::{ListSpec, RawQuery, page_links, parse_list};

const TYPE: &str = "api-keys";

/// Key fields as sent on create.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiKeyCreateAttributes {
    name: Option<String>,
    description: Option<String>,
    environment: Option<String>,
    expires_at: Option<String>,
    signing_required: Option<bool>,
}

/// Key fields as sent on update.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiKeyPatchAttributes {
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    description: Option<Option<String>>,
    status: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    expires_at: Option<Option<String>>,
}

/// Key fields in responses.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyAttributes {
    tenant_id: String,
    name: String,
    description: Option<String>,
    environment: &'static str,
    status: &'static str,
    prefix: String,
    created_at: String,
    updated_at: String,
    last_used_at: Option<String>,
    expires_at: Option<String>,
    revoked_at: Option<String>,
    /// Whether requests authenticated by the key must be signed.
    signing_required: bool,
    /// The bearer token: only in the create response.
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    /// The request-signing secret: only in the create response.
    #[serde(skip_serializing_if = "Option::is_none")]
    signing_secret: Option<String>,
}

fn api_key_resource(
    base_url: &str,
    key: &ApiKey,
    issued: Option<&IssuedApiKey>,
) -> ResourceObject<ApiKeyAttributes> {
    let revoked_at = match key.status {
        ApiKeyStatus::Revoked { at } => Some(rfc3339(at)),
        _ => None,
    };
    ResourceObject {
        kind: TYPE,
        id: key.id.to_string(),
        attributes: ApiKeyAttributes {
            tenant_id: key.tenant_id.to_string(),
            name: key.name.as_str().to_owned(),
            description: key.description.as_ref().map(|d| d.as_str().to_owned()),
            environment: key.environment.as_str(),
            status: key.status.as_str(),
            prefix: key.prefix.clone(),
            created_at: rfc3339(key.created_at),
            updated_at: rfc3339(key.updated_at),
            last_used_at: key.last_used_at.map(rfc3339),
            expires_at: key.expires_at.map(rfc3339),
            revoked_at,
            signing_required: key.signing_required,
            key: issued.map(|issued| issued.token.expose().to_owned()),
            signing_secret: issued.map(|issued| issued.signing_secret.expose().to_owned()),
        },
        relationships: None,
        links: SelfLink::new(
            base_url,
            &format!("/api/v1/tenants/{}/api-keys/{}", key.tenant_id, key.id),
        ),
    }
}

fn parse_time(text: &str) -> Result<OffsetDateTime, &'static str> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map(|at| einvoice_domain::clock::truncate_to_micros(at.to_offset(time::UtcOffset::UTC)))
        .map_err(|_| "must be an RFC 3339 date-time such as 2026-12-31T23:59:59Z")
}

fn document(base_url: &str, key: &ApiKey) -> Response {
    Json(serde_json::json!({ "data": api_key_resource(base_url, key, None) })).into_response()
}

/// The sort fields of key lists.
pub const LIST_SPEC: ListSpec<ApiKeySort> = ListSpec {
    sort_fields: &[
        ("createdAt", ApiKeySort::CreatedAt),
        ("name", ApiKeySort::Name),
    ],
    filters: &[],
};

/// `POST /api/v1/tenants/{id}/api-keys`
pub async fn create(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(tenant): Path<String>,
    JsonBody(body): JsonBody<Document<ApiKeyCreateAttributes>>,
) -> Result<Response, ApiError> {
    let tenant = path_id(&tenant, TenantId::parse, "tenant")?;
    body.data.check(TYPE, None)?;
    let attributes = body.data.attributes;
    let mut problems = Problems::default();
    let name = problems.parse_required(
        "name",
        "invalid_name",
        attributes.name.as_deref(),
        KeyName::parse,
    );
    let description = problems.parse(
        "description",
        "invalid_description",
        attributes.description.as_deref(),
        Description::parse,
    );
    let environment = problems.parse(
        "environment",
        "invalid_environment",
        attributes.environment.as_deref(),
        Environment::parse,
    );
    let expires_at = problems.parse(
        "expiresAt",
        "invalid_date_time",
        attributes.expires_at.as_deref(),
        parse_time,
    );
    problems.finish()?;
    let fields = NewApiKey {
        name: name.expect("required field checked"),
        description,
        environment: environment.unwrap_or_else(|| caller.environment()),
        expires_at,
        signing_required: attributes.signing_required.unwrap_or(true),
    };
    let issued = state.api_keys.create(&caller, tenant, fields).await?;
    tracing::info!(api_key.id = %issued.key.id, tenant.id = %tenant, environment = %issued.key.environment, "API key created");
    let body = serde_json::json!({ "data": api_key_resource(&state.base_url, &issued.key, Some(&issued)) });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `GET /api/v1/tenants/{id}/api-keys`
pub async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(tenant): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let tenant = path_id(&tenant, TenantId::parse, "tenant")?;
    let raw = RawQuery::from_uri(&uri)?;
    let params = parse_list(&raw, &LIST_SPEC)?;
    let page_request = params.page;
    let page = state
        .api_keys
        .list(&caller, tenant, &params.into_query(()))
        .await?;
    let (links, meta) = page_links(&state.base_url, &uri, &raw, page_request, &page);
    let data: Vec<_> = page
        .items
        .iter()
        .map(|key| api_key_resource(&state.base_url, key, None))
        .collect();
    Ok(Json(serde_json::json!({ "data": data, "links": links, "meta": meta })).into_response())
}

/// `GET /api/v1/tenants/{id}/api-keys/latest`
pub async fn latest(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(tenant): Path<String>,
) -> Result<Response, ApiError> {
    let tenant = path_id(&tenant, TenantId::parse, "tenant")?;
    let key = state.api_keys.latest(&caller, tenant).await?;
    Ok(document(&state.base_url, &key))
}

/// `GET /api/v1/tenants/{id}/api-keys/{keyId}`
pub async fn get(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path((tenant, key)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let tenant = path_id(&tenant, TenantId::parse, "tenant")?;
    let key = path_id(&key, ApiKeyId::parse, "API key")?;
    let key = state.api_keys.get(&caller, tenant, key).await?;
    Ok(document(&state.base_url, &key))
}

/// `PATCH /api/v1/tenants/{id}/api-keys/{keyId}`
pub async fn update(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path((tenant, key_text)): Path<(String, String)>,
    JsonBody(body): JsonBody<Document<ApiKeyPatchAttributes>>,
) -> Result<Response, ApiError> {
    let tenant = path_id(&tenant, TenantId::parse, "tenant")?;
    let key = path_id(&key_text, ApiKeyId::parse, "API key")?;
    body.data.check(TYPE, Some(&key_text))?;
    let attributes = body.data.attributes;
    let mut problems = Problems::default();
    let name = problems.parse(
        "name",
        "invalid_name",
        attributes.name.as_deref(),
        KeyName::parse,
    );
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
    let enabled = problems.parse(
        "status",
        "invalid_status",
        attributes.status.as_deref(),
        |text| match text {
            "enabled" => Ok(true),
            "disabled" => Ok(false),
            _ => Err("must be enabled or disabled (revoke with DELETE)"),
        },
    );
    let expires_at = match attributes.expires_at {
        None => None,
        Some(None) => Some(None),
        Some(Some(text)) => problems
            .parse("expiresAt", "invalid_date_time", Some(&text), parse_time)
            .map(Some),
    };
    problems.finish()?;
    let patch = ApiKeyPatch {
        name,
        description,
        enabled,
        expires_at,
    };
    let key = state.api_keys.update(&caller, tenant, key, patch).await?;
    tracing::info!(api_key.id = %key.id, status = key.status.as_str(), "API key updated");
    Ok(document(&state.base_url, &key))
}

/// `DELETE /api/v1/tenants/{id}/api-keys/{keyId}`: revokes the key for good and returns it.
pub async fn revoke(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path((tenant, key)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let tenant = path_id(&tenant, TenantId::parse, "tenant")?;
    let key = path_id(&key, ApiKeyId::parse, "API key")?;
    let key = state.api_keys.revoke(&caller, tenant, key).await?;
    tracing::info!(api_key.id = %key.id, "API key revoked");
    Ok(document(&state.base_url, &key))
}
