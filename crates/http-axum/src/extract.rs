//! Extractors: the authenticated caller, the tenant a request acts for, JSON:API bodies
//! parsed with a pointer to the first syntax or type error, and path ids.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use einvoice_domain::ids::TenantId;
use einvoice_domain::service::{Acting, Caller};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::{ApiError, Source};

/// The header a partner sends to act for one of its tenants.
pub const TENANT_HEADER: &str = "x-tenant-id";

/// The authenticated caller (any valid key).
#[derive(Debug, Clone)]
pub struct Authenticated(pub Caller);

impl<S> FromRequestParts<S> for Authenticated
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // The guard (`security::protect`) authenticated the request and left the caller
        // here; a route outside the guard cannot authenticate at all.
        parts
            .extensions
            .get::<Caller>()
            .map(|caller| Self(caller.clone()))
            .ok_or_else(|| {
                ApiError::internal("a route that needs a caller is not behind the security guard")
            })
    }
}

/// The caller and the tenant the request acts for (`X-Tenant-Id`, partners only).
#[derive(Debug, Clone)]
pub struct Tenancy(pub Acting);

impl<S> FromRequestParts<S> for Tenancy
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Authenticated(caller) = Authenticated::from_request_parts(parts, state).await?;
        let tenant = match parts.headers.get(TENANT_HEADER) {
            None => None,
            Some(value) => {
                let parsed = value
                    .to_str()
                    .ok()
                    .and_then(|text| TenantId::parse(text.trim()).ok());
                Some(parsed.ok_or_else(|| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_header",
                        "X-Tenant-Id must be a tenant id (UUID)",
                        Some(Source::Header("X-Tenant-Id".to_owned())),
                    )
                })?)
            }
        };
        let state = AppState::from_ref(state);
        let acting = state
            .api_keys
            .act_for(caller, tenant)
            .await
            .map_err(|error| match error {
                einvoice_domain::service::ServiceError::NotFound(_) => ApiError::new(
                    StatusCode::NOT_FOUND,
                    "tenant_not_found",
                    "the tenant named by X-Tenant-Id was not found",
                    Some(Source::Header("X-Tenant-Id".to_owned())),
                ),
                other => other.into(),
            })?;
        Ok(Self(acting))
    }
}

/// A JSON request body: `application/json` or `application/vnd.api+json`, at most the
/// configured size, parsed with unknown fields refused; errors point at the field.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json_bytes(request, state).await?;
        parse_json(&bytes).map(Self)
    }
}

/// The raw bytes of a JSON request body (`application/json` or
/// `application/vnd.api+json`, at most the route's size limit), for handlers that parse
/// it themselves.
#[derive(Debug, Clone)]
pub struct JsonBytes(pub Bytes);

impl<S> FromRequest<S> for JsonBytes
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        json_bytes(request, state).await.map(Self)
    }
}

/// Checks the content type and reads the body.
async fn json_bytes<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    if !matches!(
        content_type.as_deref(),
        Some("application/json" | "application/vnd.api+json")
    ) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as application/json or application/vnd.api+json",
            Some(Source::Header("Content-Type".to_owned())),
        ));
    }
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(|rejection| match rejection {
            BytesRejection::FailedToBufferBody(_) => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "the request body is larger than the gateway accepts",
                None,
            ),
            other => ApiError::new(
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                other.body_text(),
                None,
            ),
        })?;
    Ok(bytes)
}

/// Parses `bytes` as `T`, pointing at the offending field on failure.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let pointer = json_pointer(error.path());
        let inner = error.inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("the body is not valid JSON: {inner}"),
                None,
            )
        } else {
            let message = without_position(&inner.to_string());
            if let Some(missing) = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                return ApiError::invalid(
                    format!("{pointer}/{missing}"),
                    "required",
                    message.clone(),
                );
            }
            let code = if unknown_field_name(&message).is_some() {
                "unknown_field"
            } else {
                "invalid_field"
            };
            ApiError::invalid(pointer, code, message)
        }
    })
}

/// serde_json appends " at line L column C" to messages; the pointer says where.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

/// serde reports unknown fields as "unknown field `name`, expected ...".
fn unknown_field_name(message: &str) -> Option<&str> {
    message.strip_prefix("unknown field `")?.split('`').next()
}

fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => pointer.push('?'),
        }
    }
    pointer
}

/// Parses a path id; a malformed id is simply not found.
pub fn path_id<T>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, einvoice_domain::ids::IdError>,
    what: &str,
) -> Result<T, ApiError> {
    parse(text).map_err(|_| ApiError::not_found(what))
}
