//! The token exchange (seed 003): an API key and its secret are exchanged for a
//! short-lived access token (a JWT, accepted as a bearer without request signatures)
//! and a refresh token, which is used once and rotated.

use rand::Rng as _;
use rand::distr::Alphanumeric;
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::environment::Environment;
use crate::ids::{ApiKeyId, TenantId};
use crate::secret::Redacted;

/// The prefix of refresh tokens.
pub const REFRESH_PREFIX: &str = "eig_refresh_";
const REFRESH_RANDOM_CHARS: usize = 43;

/// The SHA-256 of a refresh token: how it is stored and found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// Hashes a presented token.
    pub fn of(token: &str) -> Self {
        Self(Sha256::digest(token.as_bytes()).into())
    }

    /// Wraps stored bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The digest bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// A stored refresh token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    /// SHA-256 of the token.
    pub hash: TokenHash,
    /// The chain of rotations it belongs to; reuse of a used token revokes the family.
    pub family: Uuid,
    /// The key it was issued for.
    pub api_key_id: ApiKeyId,
    /// That key's tenant.
    pub tenant_id: TenantId,
    /// When it was issued.
    pub issued_at: OffsetDateTime,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
}

impl RefreshToken {
    /// A fresh token in `family`: the stored record and the token in clear.
    pub fn issue(
        family: Uuid,
        api_key_id: ApiKeyId,
        tenant_id: TenantId,
        issued_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> (Self, Redacted) {
        let random: String = rand::rng()
            .sample_iter(Alphanumeric)
            .take(REFRESH_RANDOM_CHARS)
            .map(char::from)
            .collect();
        let token = format!("{REFRESH_PREFIX}{random}");
        let record = Self {
            hash: TokenHash::of(&token),
            family,
            api_key_id,
            tenant_id,
            issued_at,
            expires_at,
        };
        (record, Redacted::new(token))
    }
}

/// The result of using a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshUse {
    /// It was valid and is now used.
    Valid(RefreshToken),
    /// It had been used already; its family is revoked.
    Reused,
    /// Unknown, revoked or expired.
    Unknown,
}

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    /// Token id (`jti`).
    pub token_id: Uuid,
    /// The key it stands for (`sub`).
    pub api_key_id: ApiKeyId,
    /// The key's tenant (`tid`).
    pub tenant_id: TenantId,
    /// The key's environment (`env`).
    pub environment: Environment,
    /// Issued at (`iat`), whole seconds.
    pub issued_at: OffsetDateTime,
    /// Expires at (`exp`), whole seconds.
    pub expires_at: OffsetDateTime,
}

/// Why an access token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccessTokenError {
    /// Not a token this gateway signed (bad shape, signature, issuer, claims).
    #[error("the access token is not valid")]
    Invalid,
    /// Past its `exp`.
    #[error("the access token has expired; exchange the refresh token for a new one")]
    Expired,
}

/// Signs and checks access tokens (the HTTP adapter implements it with JWTs).
pub trait AccessTokenCodec: Send + Sync {
    /// The signed token for `claims`.
    fn encode(&self, claims: &AccessClaims) -> Result<String, String>;
    /// The claims of a token this codec signed, if it has not expired at `now`.
    fn decode(&self, token: &str, now: OffsetDateTime) -> Result<AccessClaims, AccessTokenError>;
}
