//! The cross-cutting request security of `/api/v1`: one guard in front of every
//! route (present and future), in this order:
//!
//! 1. a client address that failed authentication too often is refused (429);
//! 2. authentication: an API key (`eig_...`) or an access token (JWT) as the bearer;
//!    every failure is 401 with a code naming the check, and counts against the
//!    client address;
//! 3. request signature (`X-Signature` or `X-Bizzlink-Signature`) for keys that
//!    require it, with replay protection through the store (access tokens need none);
//! 4. rate limits per API key (429 with `Retry-After`; `RateLimit-Policy` and
//!    `RateLimit` on every answer);
//! 5. `Idempotency-Key` on POST: replay, 409 in flight, 422 on another body.
//!
//! Handlers find the caller in the request extensions (`extract::Authenticated`); a
//! handler outside the guard cannot authenticate, so no route can skip these checks.

pub mod jwt;
pub mod rate_limit;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, OriginalUri, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use einvoice_domain::idempotency::{IdempotencyKey, IdempotencyScope, request_fingerprint};
use einvoice_domain::ports::{Reservation, StoredResponse};
use einvoice_domain::service::{AuthError, Caller};
use einvoice_domain::signature::SignedRequest;

use self::rate_limit::RateLimits;
use crate::AppState;
use crate::error::{ApiError, Source};
use crate::extract::TENANT_HEADER;

/// The signature header of this gateway.
pub const SIGNATURE_HEADER: HeaderName = HeaderName::from_static("x-signature");
/// The signature header of seeds 000 and 004, accepted as well.
pub const BIZZLINK_SIGNATURE_HEADER: HeaderName = HeaderName::from_static("x-bizzlink-signature");
/// The idempotency key header.
pub const IDEMPOTENCY_KEY_HEADER: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on a response replayed for an idempotency key.
pub const REPLAYED_HEADER: HeaderName = HeaderName::from_static("idempotent-replayed");

/// Response headers kept with an idempotent response.
const REPLAYED_HEADERS: [HeaderName; 2] = [header::CONTENT_TYPE, header::LOCATION];

/// What the guard needs besides the services.
#[derive(Debug, Clone)]
pub struct Guard {
    /// The services.
    pub state: AppState,
    /// The limiters (shared by every request of this process).
    pub limits: Arc<RateLimits>,
    /// Largest request body (the signature and idempotency checks read the body).
    pub body_limit: usize,
    /// Take the client address from the last `X-Forwarded-For` entry (behind a
    /// trusted reverse proxy).
    pub trust_forwarded_for: bool,
}

/// The client address: the connection's peer, or behind a trusted proxy the address
/// the proxy appended to `X-Forwarded-For`.
fn client_address(request: &Request, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for {
        let forwarded = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .last()
            .and_then(|last| last.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())
}

fn too_many_failures(seconds: u64) -> Response {
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_failed_authentications",
        "too many failed authentications from this address; wait before trying again",
        None,
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// Refuses addresses with too many failed authentications and counts every 401 the
/// wrapped route answers (the token endpoint, which is outside [`protect`]).
pub async fn limit_failed_authentication(
    State(guard): State<Guard>,
    request: Request,
    next: Next,
) -> Response {
    let address = client_address(&request, guard.trust_forwarded_for);
    if let Some(seconds) = address.and_then(|address| guard.limits.blocked_for(address)) {
        return too_many_failures(seconds);
    }
    let response = next.run(request).await;
    if response.status() == StatusCode::UNAUTHORIZED
        && let Some(address) = address
    {
        guard.limits.record_failure(address);
    }
    response
}

/// Reads the whole body within the limit.
async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "the request body is larger than the gateway accepts",
            None,
        )
    })
}

/// The path and query the client sent (nesting strips `/api/v1` from the URI).
fn sent_path_and_query(request: &Request) -> String {
    let uri = request
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| request.uri(), |OriginalUri(uri)| uri);
    uri.path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned())
}

fn bearer(headers: &HeaderMap) -> Result<&str, AuthError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(AuthError::Missing)?;
    let value = value.to_str().map_err(|_| AuthError::Malformed)?;
    let (scheme, token) = value.split_once(' ').ok_or(AuthError::Malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::Malformed);
    }
    Ok(token.trim())
}

fn signature_header(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(SIGNATURE_HEADER)
        .or_else(|| headers.get(BIZZLINK_SIGNATURE_HEADER))
        .and_then(|value| value.to_str().ok())
}

fn signature_error(error: AuthError, headers: &HeaderMap) -> ApiError {
    let mut api_error = ApiError::from(error);
    let name = if headers.contains_key(SIGNATURE_HEADER)
        || !headers.contains_key(BIZZLINK_SIGNATURE_HEADER)
    {
        "X-Signature"
    } else {
        "X-Bizzlink-Signature"
    };
    api_error.set_source(&Source::Header(name.to_owned()));
    api_error
}

/// Authenticates the request (and checks its signature when needed); the request comes
/// back with its body buffered when it had to be read.
async fn authenticate(guard: &Guard, request: Request) -> Result<(Caller, Request), ApiError> {
    let token = bearer(request.headers())?;
    // Access tokens (JWTs) have dots; API keys never do.
    if token.contains('.') {
        let caller = guard.state.tokens.authenticate(token).await?;
        return Ok((caller, request));
    }
    let caller = guard.state.api_keys.authenticate(token).await?;
    if !caller.key.signing_required {
        return Ok((caller, request));
    }
    let path_and_query = sent_path_and_query(&request);
    let (parts, body) = request.into_parts();
    let bytes = read_body(body, guard.body_limit).await?;
    let signed = SignedRequest {
        method: parts.method.as_str(),
        path_and_query: &path_and_query,
        body: &bytes,
    };
    guard
        .state
        .signatures
        .verify(&caller.key, signature_header(&parts.headers), signed)
        .await
        .map_err(|error| signature_error(error, &parts.headers))?;
    Ok((caller, Request::from_parts(parts, Body::from(bytes))))
}

/// The guard of every `/api/v1` route but the token exchange.
pub async fn protect(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let address = client_address(&request, guard.trust_forwarded_for);
    if let Some(seconds) = address.and_then(|address| guard.limits.blocked_for(address)) {
        return too_many_failures(seconds);
    }
    let (caller, mut request) = match authenticate(&guard, request).await {
        Ok(authenticated) => authenticated,
        Err(error) => {
            if error.status() == StatusCode::UNAUTHORIZED
                && let Some(address) = address
            {
                guard.limits.record_failure(address);
            }
            return error.into_response();
        }
    };
    tracing::Span::current().record("tenant.id", tracing::field::display(caller.tenant.id));
    tracing::Span::current().record("api_key.id", tracing::field::display(caller.key.id));

    let decision = guard.limits.check(caller.key.id);
    if !decision.allowed() {
        let mut response = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "this API key sent too many requests; see Retry-After and the RateLimit header",
            None,
        )
        .into_response();
        guard.limits.annotate(response.headers_mut(), &decision);
        return response;
    }
    request.extensions_mut().insert(caller.clone());

    let mut response = if request.method() == Method::POST
        && request.headers().contains_key(IDEMPOTENCY_KEY_HEADER)
    {
        match idempotent(&guard, &caller, request, next).await {
            Ok(response) | Err(response) => response,
        }
    } else {
        next.run(request).await
    };
    guard.limits.annotate(response.headers_mut(), &decision);
    response
}

fn idempotency_error(status: StatusCode, code: &str, detail: &str) -> Response {
    ApiError::new(
        status,
        code,
        detail,
        Some(Source::Header("Idempotency-Key".to_owned())),
    )
    .into_response()
}

/// Runs a POST under its idempotency key.
async fn idempotent(
    guard: &Guard,
    caller: &Caller,
    request: Request,
    next: Next,
) -> Result<Response, Response> {
    let key = request
        .headers()
        .get(IDEMPOTENCY_KEY_HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| IdempotencyKey::parse(value.trim()).ok())
        .ok_or_else(|| {
            idempotency_error(
                StatusCode::BAD_REQUEST,
                "invalid_header",
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
            )
        })?;
    let scope = IdempotencyScope {
        tenant: caller.key.tenant_id,
        environment: caller.key.environment,
        key,
    };
    let path_and_query = sent_path_and_query(&request);
    let (parts, body) = request.into_parts();
    let bytes = read_body(body, guard.body_limit)
        .await
        .map_err(IntoResponse::into_response)?;
    let acting_for = parts
        .headers
        .get(TENANT_HEADER)
        .and_then(|value| value.to_str().ok());
    let fingerprint =
        request_fingerprint(parts.method.as_str(), &path_and_query, acting_for, &bytes);
    let internal = |error: einvoice_domain::ports::StoreError| {
        ApiError::internal(&error.to_string()).into_response()
    };
    match guard
        .state
        .idempotency
        .begin(&scope, &fingerprint)
        .await
        .map_err(internal)?
    {
        Reservation::Reserved => {}
        Reservation::InFlight => {
            return Err(idempotency_error(
                StatusCode::CONFLICT,
                "idempotency_key_in_use",
                "a request with this Idempotency-Key is still being processed; retry later",
            ));
        }
        Reservation::Mismatch => {
            return Err(idempotency_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used with a different request (method, path, X-Tenant-Id or body)",
            ));
        }
        Reservation::Completed(stored) => return Ok(replay(stored)),
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if response.status().is_server_error() {
        guard
            .state
            .idempotency
            .abandon(&scope)
            .await
            .map_err(internal)?;
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|error| ApiError::internal(&error.to_string()).into_response())?;
    let stored = StoredResponse {
        status: parts.status.as_u16(),
        headers: REPLAYED_HEADERS
            .iter()
            .filter_map(|name| {
                let value = parts.headers.get(name)?.to_str().ok()?;
                Some((name.as_str().to_owned(), value.to_owned()))
            })
            .collect(),
        body: body.to_vec(),
    };
    if let Err(error) = guard.state.idempotency.finish(&scope, &stored).await {
        // The resource exists; only the replay record is missing. Answer the client,
        // and let a retry be refused as in flight until the lock lapses.
        tracing::error!(%error, "the response of an idempotent request could not be stored");
    }
    Ok(Response::from_parts(parts, Body::from(body)))
}

/// The stored response, marked as replayed.
fn replay(stored: StoredResponse) -> Response {
    let mut response = Response::new(Body::from(stored.body));
    *response.status_mut() = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    for (name, value) in stored.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
        .headers_mut()
        .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    response
}
