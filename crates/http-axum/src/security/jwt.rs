//! Access tokens as JWTs (HS256, `jsonwebtoken`), signed with a key derived from the
//! master key: every gateway process with the same master key accepts the tokens of
//! the others, and a restart keeps them valid.

use einvoice_domain::environment::Environment;
use einvoice_domain::ids::{ApiKeyId, TenantId};
use einvoice_domain::secret::MasterKey;
use einvoice_domain::token::{AccessClaims, AccessTokenCodec, AccessTokenError};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// The `iss` of every access token.
pub const ISSUER: &str = "einvoice-gateway";

/// The purpose label of the derived signing key (changing it invalidates every token).
const KEY_PURPOSE: &str = "einvoice-gateway/access-token/hs256/v1";

/// The claims as they appear in the JWT (and in the token response).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwtClaims {
    /// Issuer: always [`ISSUER`].
    pub iss: String,
    /// Subject: the API key id.
    pub sub: String,
    /// The key's tenant id.
    pub tid: String,
    /// The key's environment (`sandbox` or `production`).
    pub env: String,
    /// Issued at (unix seconds).
    pub iat: i64,
    /// Expires at (unix seconds).
    pub exp: i64,
    /// Token id.
    pub jti: String,
}

impl From<&AccessClaims> for JwtClaims {
    fn from(claims: &AccessClaims) -> Self {
        Self {
            iss: ISSUER.to_owned(),
            sub: claims.api_key_id.to_string(),
            tid: claims.tenant_id.to_string(),
            env: claims.environment.as_str().to_owned(),
            iat: claims.issued_at.unix_timestamp(),
            exp: claims.expires_at.unix_timestamp(),
            jti: claims.token_id.to_string(),
        }
    }
}

impl JwtClaims {
    fn into_domain(self) -> Option<AccessClaims> {
        Some(AccessClaims {
            token_id: Uuid::parse_str(&self.jti).ok()?,
            api_key_id: ApiKeyId::parse(&self.sub).ok()?,
            tenant_id: TenantId::parse(&self.tid).ok()?,
            environment: Environment::parse(&self.env).ok()?,
            issued_at: OffsetDateTime::from_unix_timestamp(self.iat).ok()?,
            expires_at: OffsetDateTime::from_unix_timestamp(self.exp).ok()?,
        })
    }
}

/// The JWT codec of access tokens.
#[derive(Clone)]
pub struct JwtCodec {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for JwtCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtCodec([redacted])")
    }
}

impl JwtCodec {
    /// The codec with the signing key derived from `master_key`.
    pub fn new(master_key: &MasterKey) -> Self {
        let secret = master_key.derive(KEY_PURPOSE);
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "sub"]);
        // Expiry is checked against the domain's clock in `decode`.
        validation.validate_exp = false;
        validation.leeway = 0;
        Self {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
            validation,
        }
    }
}

impl AccessTokenCodec for JwtCodec {
    fn encode(&self, claims: &AccessClaims) -> Result<String, String> {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &JwtClaims::from(claims),
            &self.encoding,
        )
        .map_err(|error| format!("cannot sign an access token: {error}"))
    }

    fn decode(&self, token: &str, now: OffsetDateTime) -> Result<AccessClaims, AccessTokenError> {
        let data = jsonwebtoken::decode::<JwtClaims>(token, &self.decoding, &self.validation)
            .map_err(|_| AccessTokenError::Invalid)?;
        let claims = data.claims.into_domain().ok_or(AccessTokenError::Invalid)?;
        if now >= claims.expires_at {
            return Err(AccessTokenError::Expired);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(now: OffsetDateTime) -> AccessClaims {
        AccessClaims {
            token_id: Uuid::new_v4(),
            api_key_id: ApiKeyId::new(),
            tenant_id: TenantId::new(),
            environment: Environment::Sandbox,
            issued_at: now.replace_nanosecond(0).unwrap(),
            expires_at: now.replace_nanosecond(0).unwrap() + time::Duration::minutes(5),
        }
    }

    fn master() -> MasterKey {
        MasterKey::from_base64(&MasterKey::generate_base64()).unwrap()
    }

    #[test]
    fn round_trip_until_expiry() {
        let codec = JwtCodec::new(&master());
        let now = OffsetDateTime::now_utc();
        let claims = claims(now);
        let token = codec.encode(&claims).unwrap();
        assert_eq!(codec.decode(&token, now), Ok(claims.clone()));
        assert_eq!(
            codec.decode(&token, claims.expires_at),
            Err(AccessTokenError::Expired)
        );
    }

    #[test]
    fn same_master_key_shares_tokens_other_keys_refuse_them() {
        let text = MasterKey::generate_base64();
        let one = JwtCodec::new(&MasterKey::from_base64(&text).unwrap());
        let two = JwtCodec::new(&MasterKey::from_base64(&text).unwrap());
        let other = JwtCodec::new(&master());
        let now = OffsetDateTime::now_utc();
        let token = one.encode(&claims(now)).unwrap();
        assert!(two.decode(&token, now).is_ok());
        assert_eq!(other.decode(&token, now), Err(AccessTokenError::Invalid));
    }

    #[test]
    fn tampered_or_unsigned_tokens_are_invalid() {
        let codec = JwtCodec::new(&master());
        let now = OffsetDateTime::now_utc();
        let token = codec.encode(&claims(now)).unwrap();
        let mut parts: Vec<&str> = token.split('.').collect();
        let other = codec.encode(&claims(now)).unwrap();
        let other_payload = other.split('.').nth(1).unwrap().to_owned();
        parts[1] = &other_payload;
        assert_eq!(
            codec.decode(&parts.join("."), now),
            Err(AccessTokenError::Invalid)
        );
        // alg "none"
        let unsigned = format!(
            "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.",
            token.split('.').nth(1).unwrap()
        );
        assert_eq!(codec.decode(&unsigned, now), Err(AccessTokenError::Invalid));
        assert_eq!(
            codec.decode("not.a.jwt", now),
            Err(AccessTokenError::Invalid)
        );
    }
}
