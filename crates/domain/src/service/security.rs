//! The cross-cutting request security use cases: request signatures with replay
//! protection, the token exchange, and idempotency keys.

use std::sync::Arc;

use sha2::{Digest as _, Sha256};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::api_key::ApiKey;
use crate::clock::Clock;
use crate::idempotency::{IdempotencyScope, RETENTION, Reservation, StoredResponse};
use crate::ports::{IdempotencyStore, RefreshTokenStore, SeenSignatureStore, StoreError};
use crate::secret::{MasterKey, Redacted};
use crate::signature::{self, SignatureError, SignatureHeader, SignedRequest};
use crate::token::{
    AccessClaims, AccessTokenCodec, AccessTokenError, RefreshToken, RefreshUse, TokenHash,
};

use super::{ApiKeyService, AuthError, Caller};

#[allow(clippy::needless_pass_by_value)] // used as `map_err(unexpected)`
fn unexpected(error: StoreError) -> AuthError {
    AuthError::Unexpected(error.to_string())
}

/// Verifies request signatures and refuses replays.
#[derive(Clone)]
pub struct SignatureService {
    seen: Arc<dyn SeenSignatureStore>,
    clock: Arc<dyn Clock>,
    master_key: MasterKey,
}

impl std::fmt::Debug for SignatureService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignatureService").finish_non_exhaustive()
    }
}

impl SignatureService {
    /// The service over its ports.
    pub fn new(
        seen: Arc<dyn SeenSignatureStore>,
        clock: Arc<dyn Clock>,
        master_key: MasterKey,
    ) -> Self {
        Self {
            seen,
            clock,
            master_key,
        }
    }

    /// Checks the signature header (`None` when absent) of a request authenticated by
    /// `key`: shape, timestamp window, MAC, and that it was not used before (the MAC
    /// is remembered in the store until the window has passed, so every process
    /// sharing the store refuses the replay).
    pub async fn verify(
        &self,
        key: &ApiKey,
        header: Option<&str>,
        request: SignedRequest<'_>,
    ) -> Result<(), AuthError> {
        let header = SignatureHeader::parse(header.ok_or(SignatureError::Missing)?)?;
        let secret = key
            .signing_secret(&self.master_key)
            .map_err(|error| AuthError::Unexpected(error.to_string()))?;
        let now = self.clock.now();
        signature::verify(&header, secret.expose(), request, now)?;
        // A timestamp is accepted until TOLERANCE after it: remember the MAC that long.
        let signed_at = OffsetDateTime::from_unix_timestamp(header.timestamp)
            .map_err(|_| SignatureError::Timestamp)?;
        let expires_at = signed_at + signature::TOLERANCE + Duration::SECOND;
        let first = self
            .seen
            .remember_signature(key.id, &header.mac, expires_at, now)
            .await
            .map_err(unexpected)?;
        if first {
            Ok(())
        } else {
            Err(SignatureError::Replay.into())
        }
    }

    /// Forgets signatures whose window has passed.
    pub async fn purge(&self) -> Result<u64, StoreError> {
        self.seen.purge_signatures(self.clock.now()).await
    }
}

/// Lifetimes of the tokens the exchange issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenLifetimes {
    /// Access tokens (minutes).
    pub access: Duration,
    /// Refresh tokens.
    pub refresh: Duration,
}

impl Default for TokenLifetimes {
    fn default() -> Self {
        Self {
            access: Duration::minutes(5),
            refresh: Duration::hours(24),
        }
    }
}

/// What the token exchange hands out.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    /// The access token (a bearer).
    pub access_token: Redacted,
    /// Its claims.
    pub claims: AccessClaims,
    /// The refresh token (used once).
    pub refresh_token: Redacted,
    /// When the refresh token expires.
    pub refresh_expires_at: OffsetDateTime,
}

/// The token exchange: key and secret for an access and a refresh token; refresh
/// rotation; access-token authentication.
#[derive(Clone)]
pub struct TokenService {
    api_keys: ApiKeyService,
    refresh: Arc<dyn RefreshTokenStore>,
    codec: Arc<dyn AccessTokenCodec>,
    clock: Arc<dyn Clock>,
    master_key: MasterKey,
    lifetimes: TokenLifetimes,
}

impl std::fmt::Debug for TokenService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenService")
            .field("lifetimes", &self.lifetimes)
            .finish_non_exhaustive()
    }
}

/// Access token lifetimes are whole seconds (JWT `iat` and `exp`).
fn whole_seconds(at: OffsetDateTime) -> OffsetDateTime {
    at.replace_nanosecond(0).unwrap_or(at)
}

impl TokenService {
    /// The service over its ports.
    pub fn new(
        api_keys: ApiKeyService,
        refresh: Arc<dyn RefreshTokenStore>,
        codec: Arc<dyn AccessTokenCodec>,
        clock: Arc<dyn Clock>,
        master_key: MasterKey,
        lifetimes: TokenLifetimes,
    ) -> Self {
        Self {
            api_keys,
            refresh,
            codec,
            clock,
            master_key,
            lifetimes,
        }
    }

    /// Exchanges an API key and its secret (the signing secret shown with the key) for
    /// tokens. The key must be usable, exactly as for a request.
    pub async fn exchange(&self, key: &str, secret: &str) -> Result<IssuedTokens, AuthError> {
        let caller = self
            .api_keys
            .authenticate(key)
            .await
            .map_err(|error| match error {
                AuthError::Malformed | AuthError::UnknownKey => AuthError::CredentialsInvalid,
                other => other,
            })?;
        let stored = caller
            .key
            .signing_secret(&self.master_key)
            .map_err(|error| AuthError::Unexpected(error.to_string()))?;
        // Comparing digests: the time taken tells nothing about the secret.
        if Sha256::digest(stored.expose().as_bytes()) != Sha256::digest(secret.as_bytes()) {
            return Err(AuthError::CredentialsInvalid);
        }
        self.issue(&caller, Uuid::new_v4()).await
    }

    /// Uses a refresh token once and issues a new pair in its chain. A token used
    /// before revokes its whole chain.
    pub async fn refresh(&self, refresh_token: &str) -> Result<IssuedTokens, AuthError> {
        let now = self.clock.now();
        let used = self
            .refresh
            .use_refresh_token(&TokenHash::of(refresh_token), now)
            .await
            .map_err(unexpected)?;
        let record = match used {
            RefreshUse::Valid(record) => record,
            RefreshUse::Reused => return Err(AuthError::RefreshTokenReused),
            RefreshUse::Unknown => return Err(AuthError::RefreshTokenInvalid),
        };
        let caller = self
            .api_keys
            .authenticate_key_id(record.tenant_id, record.api_key_id)
            .await
            .map_err(|error| match error {
                AuthError::TokenInvalid => AuthError::RefreshTokenInvalid,
                other => other,
            })?;
        self.issue(&caller, record.family).await
    }

    async fn issue(&self, caller: &Caller, family: Uuid) -> Result<IssuedTokens, AuthError> {
        let now = self.clock.now();
        let issued_at = whole_seconds(now);
        let mut expires_at = issued_at + self.lifetimes.access;
        if let Some(key_expiry) = caller.key.expires_at {
            expires_at = expires_at.min(whole_seconds(key_expiry));
        }
        let claims = AccessClaims {
            token_id: Uuid::new_v4(),
            api_key_id: caller.key.id,
            tenant_id: caller.tenant.id,
            environment: caller.key.environment,
            issued_at,
            expires_at,
        };
        let access_token = self.codec.encode(&claims).map_err(AuthError::Unexpected)?;
        let mut refresh_expires_at = now + self.lifetimes.refresh;
        if let Some(key_expiry) = caller.key.expires_at {
            refresh_expires_at = refresh_expires_at.min(key_expiry);
        }
        let (record, refresh_token) = RefreshToken::issue(
            family,
            caller.key.id,
            caller.tenant.id,
            now,
            refresh_expires_at,
        );
        self.refresh
            .insert_refresh_token(&record)
            .await
            .map_err(unexpected)?;
        Ok(IssuedTokens {
            access_token: Redacted::new(access_token),
            claims,
            refresh_token,
            refresh_expires_at,
        })
    }

    /// Authenticates an access token: its signature and expiry, then its key and
    /// tenant as they are now (a revoked or disabled key's tokens stop at once).
    pub async fn authenticate(&self, token: &str) -> Result<Caller, AuthError> {
        let claims = self
            .codec
            .decode(token, self.clock.now())
            .map_err(|error| match error {
                AccessTokenError::Invalid => AuthError::TokenInvalid,
                AccessTokenError::Expired => AuthError::TokenExpired,
            })?;
        let caller = self
            .api_keys
            .authenticate_key_id(claims.tenant_id, claims.api_key_id)
            .await?;
        if caller.key.environment != claims.environment {
            return Err(AuthError::TokenInvalid);
        }
        Ok(caller)
    }

    /// Forgets expired refresh tokens.
    pub async fn purge(&self) -> Result<u64, StoreError> {
        self.refresh.purge_refresh_tokens(self.clock.now()).await
    }
}

/// Idempotency keys: reservation before a request runs, its response after.
#[derive(Clone)]
pub struct IdempotencyService {
    store: Arc<dyn IdempotencyStore>,
    clock: Arc<dyn Clock>,
    lock: Duration,
}

impl std::fmt::Debug for IdempotencyService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdempotencyService")
            .field("lock", &self.lock)
            .finish_non_exhaustive()
    }
}

impl IdempotencyService {
    /// The service; a reservation whose request never finishes (a crashed process)
    /// can be taken over after `lock` (longer than the request timeout).
    pub fn new(store: Arc<dyn IdempotencyStore>, clock: Arc<dyn Clock>, lock: Duration) -> Self {
        Self { store, clock, lock }
    }

    /// Reserves the key for a request with fingerprint `request_hash`, or says why not.
    pub async fn begin(
        &self,
        scope: &IdempotencyScope,
        request_hash: &[u8; 32],
    ) -> Result<Reservation, StoreError> {
        let now = self.clock.now();
        self.store
            .reserve_idempotency_key(scope, request_hash, now, now + self.lock)
            .await
    }

    /// Keeps the response of a reserved request for [`RETENTION`].
    pub async fn finish(
        &self,
        scope: &IdempotencyScope,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        let expires_at = self.clock.now() + RETENTION;
        self.store
            .complete_idempotency_key(scope, response, expires_at)
            .await
    }

    /// Frees a reservation so the request can be retried (its response was a server
    /// failure, which is not replayed).
    pub async fn abandon(&self, scope: &IdempotencyScope) -> Result<(), StoreError> {
        self.store.release_idempotency_key(scope).await
    }

    /// Forgets expired keys.
    pub async fn purge(&self) -> Result<u64, StoreError> {
        self.store.purge_idempotency_keys(self.clock.now()).await
    }
}
