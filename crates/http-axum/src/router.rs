//! Routes and the middleware stack.

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::ApiError;
use crate::resources::{api_keys, documents, events, legal_entities, tenants, webhooks};
use crate::{AppState, JSON_API_MEDIA_TYPE};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Limits of the HTTP layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    /// Largest request body accepted (413 above).
    pub body_limit_bytes: usize,
    /// Largest business document body accepted (`/documents`; attachments make them
    /// larger than other requests).
    pub document_body_limit_bytes: usize,
    /// Time after which a request is answered 408 and abandoned.
    pub request_timeout: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            body_limit_bytes: 1024 * 1024,
            document_body_limit_bytes: 32 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// The whole HTTP surface.
pub fn router(state: AppState, settings: HttpSettings) -> Router {
    let document_routes = Router::new()
        .route("/documents/business-documents", post(documents::submit))
        .route("/documents/validate", post(documents::validate))
        .route("/documents", get(documents::list))
        .route("/documents/{id}", get(documents::get))
        .route("/documents/{id}/status", get(documents::status))
        .route("/documents/{id}/content", get(documents::content))
        .layer(DefaultBodyLimit::max(settings.document_body_limit_bytes));
    let api = Router::new()
        .route("/tenants", post(tenants::create).get(tenants::list))
        .route(
            "/tenants/{id}",
            get(tenants::get)
                .patch(tenants::update)
                .delete(tenants::delete),
        )
        .route(
            "/tenants/{id}/environments",
            post(tenants::enable_environment),
        )
        .route(
            "/tenants/{id}/api-keys",
            post(api_keys::create).get(api_keys::list),
        )
        .route("/tenants/{id}/api-keys/latest", get(api_keys::latest))
        .route(
            "/tenants/{id}/api-keys/{key}",
            get(api_keys::get)
                .patch(api_keys::update)
                .delete(api_keys::revoke),
        )
        .route(
            "/legal-entities",
            post(legal_entities::create).get(legal_entities::list),
        )
        .route(
            "/legal-entities/{id}",
            get(legal_entities::get)
                .patch(legal_entities::update)
                .delete(legal_entities::archive),
        )
        .route("/events", get(events::feed))
        .route("/webhooks", post(webhooks::create).get(webhooks::list))
        .route(
            "/webhooks/{id}",
            get(webhooks::get)
                .patch(webhooks::update)
                .delete(webhooks::delete),
        )
        .merge(document_routes)
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::map_response(json_api_content_type));

    let smp = state.smp.clone();
    let mut router = Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .fallback(route_not_found)
        .with_state(state);
    if let Some((prefix, smp)) = smp {
        let smp = crate::smp::router(smp);
        router = match prefix.trim_end_matches('/') {
            "" => router.merge(smp),
            prefix => router.nest(prefix, smp),
        };
    }
    with_middleware(router, settings)
}

/// The SMP alone, at the root of a listener of its own, with the same middleware.
pub fn smp_router(smp: crate::smp::SmpState, settings: HttpSettings) -> Router {
    with_middleware(crate::smp::router(smp).fallback(route_not_found), settings)
}

fn with_middleware(router: Router, settings: HttpSettings) -> Router {
    router
        .layer(DefaultBodyLimit::max(settings.body_limit_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            settings.request_timeout,
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(log_response),
        )
        .layer(middleware::from_fn(validate_request_id))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Replaces a client-sent `X-Request-ID` that is not a short token with a fresh one,
/// so logs never carry arbitrary client text.
async fn validate_request_id(mut request: Request, next: Next) -> Response {
    let acceptable = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|id| {
            (1..=128).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        });
    if !acceptable {
        let id = uuid::Uuid::new_v4().to_string();
        let value = HeaderValue::from_str(&id).expect("a UUID is a valid header value");
        request.headers_mut().insert(REQUEST_ID, value.clone());
        request.extensions_mut().insert(RequestId::new(value));
    }
    next.run(request).await
}

fn request_span(request: &Request) -> tracing::Span {
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
        tenant.id = tracing::field::Empty,
        api_key.id = tracing::field::Empty,
    )
}

fn log_response(response: &Response, latency: Duration, _span: &tracing::Span) {
    let status = response.status().as_u16();
    let latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
    if status >= 500 {
        tracing::error!(status, latency_ms, "request answered");
    } else {
        tracing::info!(status, latency_ms, "request answered");
    }
}

async fn json_api_content_type(mut response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if is_json {
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(JSON_API_MEDIA_TYPE),
        );
    }
    response
}

async fn route_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "route_not_found",
        "no such endpoint",
        None,
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not support this method",
        None,
    )
}

/// 200 when the store is reachable and migrated; 503 with the reason otherwise (a load
/// balancer takes the process out of rotation; the reason is logged).
async fn readyz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    match (state.readiness)().await {
        Ok(()) => axum::Json(serde_json::json!({ "status": "ready" })).into_response(),
        Err(reason) => {
            tracing::warn!(reason = %reason, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({ "status": "not_ready", "reason": reason })),
            )
                .into_response()
        }
    }
}

async fn healthz() -> Response {
    axum::Json(serde_json::json!({ "status": "ok" })).into_response()
}
