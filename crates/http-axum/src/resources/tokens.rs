//! `POST /api/v1/auth/token`: the token exchange of seed 003. An API key and its secret
//! (the signing secret shown with the key), or a refresh token, for a short-lived
//! access token (a JWT bearer that needs no request signature) and a new refresh token.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use einvoice_domain::service::IssuedTokens;
use serde::{Deserialize, Serialize};

use super::{Document, Problems, rfc3339};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::security::jwt::JwtClaims;

const TYPE: &str = "tokens";

/// The longest credential accepted in a token request.
const MAX_CREDENTIAL_CHARS: usize = 200;

/// What a client sends: `apiKey` and `apiSecret`, or `refreshToken`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenRequestAttributes {
    api_key: Option<String>,
    api_secret: Option<String>,
    refresh_token: Option<String>,
}

/// The token response (seed 003's fields, in this API's camel case).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenAttributes {
    token_type: &'static str,
    access_token: String,
    access_token_claims: JwtClaims,
    access_token_expires_in: i64,
    access_token_expires_at: String,
    refresh_token: String,
    refresh_token_expires_in: i64,
    refresh_token_expires_at: String,
}

fn credential(value: &str) -> Result<String, &'static str> {
    if value.is_empty() || value.chars().count() > MAX_CREDENTIAL_CHARS {
        return Err("must be a non-empty credential of at most 200 characters");
    }
    Ok(value.to_owned())
}

/// `POST /api/v1/auth/token`
pub async fn create(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<Document<TokenRequestAttributes>>,
) -> Result<Response, ApiError> {
    body.data.check(TYPE, None)?;
    let attributes = body.data.attributes;
    let mut problems = Problems::default();
    let issued = if attributes.refresh_token.is_some() {
        for (name, given) in [
            ("apiKey", attributes.api_key.is_some()),
            ("apiSecret", attributes.api_secret.is_some()),
        ] {
            if given {
                problems.push(
                    name,
                    "conflicting_credentials",
                    "send either refreshToken, or apiKey and apiSecret",
                );
            }
        }
        let refresh = problems.parse_required(
            "refreshToken",
            "invalid_credential",
            attributes.refresh_token.as_deref(),
            credential,
        );
        problems.finish()?;
        state
            .tokens
            .refresh(&refresh.expect("required field checked"))
            .await?
    } else {
        let key = problems.parse_required(
            "apiKey",
            "invalid_credential",
            attributes.api_key.as_deref(),
            credential,
        );
        let secret = problems.parse_required(
            "apiSecret",
            "invalid_credential",
            attributes.api_secret.as_deref(),
            credential,
        );
        problems.finish()?;
        state
            .tokens
            .exchange(
                &key.expect("required field checked"),
                &secret.expect("required field checked"),
            )
            .await?
    };
    tracing::info!(api_key.id = %issued.claims.api_key_id, "access token issued");
    Ok(token_response(&issued))
}

fn token_response(issued: &IssuedTokens) -> Response {
    let claims = &issued.claims;
    let issued_at = claims.issued_at;
    let attributes = TokenAttributes {
        token_type: "Bearer",
        access_token: issued.access_token.expose().to_owned(),
        access_token_claims: JwtClaims::from(claims),
        access_token_expires_in: (claims.expires_at - issued_at).whole_seconds(),
        access_token_expires_at: rfc3339(claims.expires_at),
        refresh_token: issued.refresh_token.expose().to_owned(),
        refresh_token_expires_in: (issued.refresh_expires_at - issued_at).whole_seconds(),
        refresh_token_expires_at: rfc3339(issued.refresh_expires_at),
    };
    let body = serde_json::json!({ "data": {
        "type": TYPE,
        "id": claims.token_id.to_string(),
        "attributes": attributes,
    } });
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
