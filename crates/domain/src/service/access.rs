//! Who is calling, and for which tenant.

use crate::api_key::ApiKey;
use crate::environment::Environment;
use crate::tenant::Tenant;

/// An authenticated caller: a usable API key and the live tenant it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The key that authenticated the request.
    pub key: ApiKey,
    /// The key's tenant.
    pub tenant: Tenant,
}

impl Caller {
    /// The environment the caller sees.
    pub const fn environment(&self) -> Environment {
        self.key.environment
    }

    /// Whether the caller is a partner.
    pub const fn is_partner(&self) -> bool {
        self.tenant.is_partner()
    }
}

/// A caller acting for one tenant: itself, or (partners only) one of its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    /// Who is calling.
    pub caller: Caller,
    /// The tenant the request acts for.
    pub tenant: Tenant,
}

impl Acting {
    /// The environment of the request (the key's).
    pub const fn environment(&self) -> Environment {
        self.caller.key.environment
    }
}

/// Why a request could not be authenticated (401), or its tenant may not use the API
/// (403 for [`AuthError::TenantInactive`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization: Bearer` header.
    #[error("no API key: send `Authorization: Bearer <api key>`")]
    Missing,
    /// The bearer token is not shaped like a key.
    #[error("the bearer token is not an einvoice-gateway API key")]
    Malformed,
    /// No key has this token.
    #[error("the API key is not valid")]
    UnknownKey,
    /// The key was revoked.
    #[error("the API key was revoked")]
    Revoked,
    /// The key is disabled.
    #[error("the API key is disabled")]
    Disabled,
    /// The key is past its expiry.
    #[error("the API key has expired")]
    Expired,
    /// The key's tenant was deleted.
    #[error("the API key's tenant no longer exists")]
    TenantDeleted,
    /// The key's tenant (or its partner) is deactivated.
    #[error("the API key's tenant is deactivated")]
    TenantInactive,
    /// The key's environment is not enabled for its tenant.
    #[error("the API key's environment is not enabled for its tenant")]
    EnvironmentNotEnabled,
    /// The bearer token is not a valid access token.
    #[error("the access token is not valid")]
    TokenInvalid,
    /// The access token has expired.
    #[error("the access token has expired; use the refresh token or exchange the API key again")]
    TokenExpired,
    /// The token exchange was given an unknown key or a wrong secret.
    #[error("the API key or its secret is not valid")]
    CredentialsInvalid,
    /// The refresh token is unknown, revoked or expired.
    #[error("the refresh token is not valid")]
    RefreshTokenInvalid,
    /// The refresh token was used before; every token of its chain is now revoked.
    #[error(
        "the refresh token was already used; its chain of tokens is revoked, exchange the API key again"
    )]
    RefreshTokenReused,
    /// The request signature was refused.
    #[error("{0}")]
    Signature(#[from] crate::signature::SignatureError),
    /// The store failed.
    #[error("unexpected failure: {0}")]
    Unexpected(String),
}

impl AuthError {
    /// Stable error code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Missing => "api_key_missing",
            Self::Malformed => "api_key_malformed",
            Self::UnknownKey => "api_key_invalid",
            Self::Revoked => "api_key_revoked",
            Self::Disabled => "api_key_disabled",
            Self::Expired => "api_key_expired",
            Self::TenantDeleted => "tenant_deleted",
            Self::TenantInactive => "tenant_inactive",
            Self::EnvironmentNotEnabled => "environment_not_enabled",
            Self::TokenInvalid => "access_token_invalid",
            Self::TokenExpired => "access_token_expired",
            Self::CredentialsInvalid => "credentials_invalid",
            Self::RefreshTokenInvalid => "refresh_token_invalid",
            Self::RefreshTokenReused => "refresh_token_reused",
            Self::Signature(error) => error.code(),
            Self::Unexpected(_) => "internal_error",
        }
    }
}
