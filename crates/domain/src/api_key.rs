//! API keys: `eig_sandbox_...` / `eig_live_...` bearer tokens, shown once, stored as a
//! SHA-256 hash plus a short visible prefix, each with a signing secret for request
//! signatures that is stored sealed with the master key.

use rand::Rng as _;
use rand::distr::Alphanumeric;
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;

use crate::environment::Environment;
use crate::ids::{ApiKeyId, TenantId};
use crate::secret::{MasterKey, Redacted, SecretError};
use crate::text::{Description, KeyName};

const TOKEN_RANDOM_CHARS: usize = 32;
const SECRET_RANDOM_CHARS: usize = 43;
/// Characters of the random part kept in the visible prefix.
const PREFIX_RANDOM_CHARS: usize = 6;

/// The token prefix of an environment's keys.
pub const fn token_prefix(environment: Environment) -> &'static str {
    match environment {
        Environment::Sandbox => "eig_sandbox_",
        Environment::Production => "eig_live_",
    }
}

fn random_alphanumeric(len: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// The SHA-256 digest under which a key is stored and looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyHash([u8; 32]);

impl KeyHash {
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

/// A presented bearer token whose shape is right (`eig_<env>_<32 alphanumerics>`).
#[derive(Debug, Clone)]
pub struct PresentedToken {
    environment: Environment,
    hash: KeyHash,
}

/// Why a presented token is not even shaped like a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the bearer token is not an einvoice-gateway API key")]
pub struct MalformedToken;

impl PresentedToken {
    /// Checks the shape of a presented token.
    pub fn parse(token: &str) -> Result<Self, MalformedToken> {
        let environment = Environment::ALL
            .into_iter()
            .find(|env| token.starts_with(token_prefix(*env)))
            .ok_or(MalformedToken)?;
        let random = &token[token_prefix(environment).len()..];
        if random.len() != TOKEN_RANDOM_CHARS || !random.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(MalformedToken);
        }
        Ok(Self {
            environment,
            hash: KeyHash::of(token),
        })
    }

    /// The environment the token names.
    pub const fn environment(&self) -> Environment {
        self.environment
    }

    /// The lookup hash.
    pub const fn hash(&self) -> KeyHash {
        self.hash
    }
}

/// Whether a key can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyStatus {
    /// Usable (until `expires_at`, if set).
    Enabled,
    /// Temporarily unusable; can be enabled again.
    Disabled,
    /// Permanently unusable.
    Revoked {
        /// When it was revoked.
        at: OffsetDateTime,
    },
}

impl ApiKeyStatus {
    /// The wire and storage name.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
            Self::Revoked { .. } => "revoked",
        }
    }
}

/// An API key as stored: never the token or the signing secret in plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Identifier.
    pub id: ApiKeyId,
    /// The tenant the key acts as.
    pub tenant_id: TenantId,
    /// The environment the key sees.
    pub environment: Environment,
    /// Short name.
    pub name: KeyName,
    /// What it is for.
    pub description: Option<Description>,
    /// Enabled, disabled or revoked.
    pub status: ApiKeyStatus,
    /// The visible start of the token, e.g. `eig_live_a1B2c3`, to recognise a key.
    pub prefix: String,
    /// SHA-256 of the token.
    pub hash: KeyHash,
    /// The signing secret, sealed with the master key and bound to the key id.
    pub sealed_signing_secret: Vec<u8>,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// Time of the last change.
    pub updated_at: OffsetDateTime,
    /// When the key last authenticated a request (to the minute).
    pub last_used_at: Option<OffsetDateTime>,
    /// When the key stops working on its own (rotation overlap).
    pub expires_at: Option<OffsetDateTime>,
    /// Whether every request authenticated by this key must carry an `X-Signature`
    /// (the default; access tokens from the token exchange never need one).
    pub signing_required: bool,
}

/// A key just created: the only time its token and signing secret exist in clear.
#[derive(Debug, Clone)]
pub struct IssuedApiKey {
    /// The stored form.
    pub key: ApiKey,
    /// The bearer token (`eig_sandbox_...`).
    pub token: Redacted,
    /// The signing secret for `X-Signature`.
    pub signing_secret: Redacted,
}

/// The caller-chosen fields of a new key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey {
    /// Short name.
    pub name: KeyName,
    /// What it is for.
    pub description: Option<Description>,
    /// Environment; the caller's own when not given.
    pub environment: Environment,
    /// When the key stops working on its own.
    pub expires_at: Option<OffsetDateTime>,
    /// Whether requests must be signed (true unless the creator opts out).
    pub signing_required: bool,
}

/// Why a key cannot authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUnusable {
    /// Disabled by its owner.
    Disabled,
    /// Revoked.
    Revoked,
    /// Past `expires_at`.
    Expired,
}

impl ApiKey {
    /// Generates a key with a fresh token and signing secret.
    pub fn issue(
        tenant_id: TenantId,
        fields: NewApiKey,
        master_key: &MasterKey,
        at: OffsetDateTime,
    ) -> IssuedApiKey {
        let id = ApiKeyId::new();
        let token = format!(
            "{}{}",
            token_prefix(fields.environment),
            random_alphanumeric(TOKEN_RANDOM_CHARS)
        );
        let signing_secret = format!("eig_secret_{}", random_alphanumeric(SECRET_RANDOM_CHARS));
        let prefix =
            token[..token_prefix(fields.environment).len() + PREFIX_RANDOM_CHARS].to_owned();
        let key = Self {
            id,
            tenant_id,
            environment: fields.environment,
            name: fields.name,
            description: fields.description,
            status: ApiKeyStatus::Enabled,
            prefix,
            hash: KeyHash::of(&token),
            sealed_signing_secret: master_key
                .seal(id.as_uuid().as_bytes(), signing_secret.as_bytes()),
            created_at: at,
            updated_at: at,
            last_used_at: None,
            expires_at: fields.expires_at,
            signing_required: fields.signing_required,
        };
        IssuedApiKey {
            key,
            token: Redacted::new(token),
            signing_secret: Redacted::new(signing_secret),
        }
    }

    /// Whether the key may authenticate a request at `at`.
    pub fn usable_at(&self, at: OffsetDateTime) -> Result<(), KeyUnusable> {
        match self.status {
            ApiKeyStatus::Revoked { .. } => Err(KeyUnusable::Revoked),
            ApiKeyStatus::Disabled => Err(KeyUnusable::Disabled),
            ApiKeyStatus::Enabled => match self.expires_at {
                Some(expires_at) if at >= expires_at => Err(KeyUnusable::Expired),
                _ => Ok(()),
            },
        }
    }

    /// Opens the signing secret (to verify a request signature).
    pub fn signing_secret(&self, master_key: &MasterKey) -> Result<Redacted, SecretError> {
        let bytes = master_key.open(self.id.as_uuid().as_bytes(), &self.sealed_signing_secret)?;
        String::from_utf8(bytes)
            .map(Redacted::new)
            .map_err(|_| SecretError::Unsealable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock as _, SystemClock};

    fn issue(environment: Environment) -> (IssuedApiKey, MasterKey) {
        let master = MasterKey::from_base64(&MasterKey::generate_base64()).unwrap();
        let fields = NewApiKey {
            name: KeyName::parse("ci").unwrap(),
            description: None,
            environment,
            expires_at: None,
            signing_required: true,
        };
        (
            ApiKey::issue(TenantId::new(), fields, &master, SystemClock.now()),
            master,
        )
    }

    #[test]
    fn sandbox_tokens_have_the_sandbox_prefix() {
        let (issued, _) = issue(Environment::Sandbox);
        assert!(issued.token.expose().starts_with("eig_sandbox_"));
        assert_eq!(issued.token.expose().len(), "eig_sandbox_".len() + 32);
    }

    #[test]
    fn live_tokens_have_the_live_prefix() {
        let (issued, _) = issue(Environment::Production);
        assert!(issued.token.expose().starts_with("eig_live_"));
        assert!(issued.key.prefix.starts_with("eig_live_"));
    }

    #[test]
    fn presented_token_finds_the_stored_hash() {
        let (issued, _) = issue(Environment::Sandbox);
        let presented = PresentedToken::parse(issued.token.expose()).unwrap();
        assert_eq!(presented.hash(), issued.key.hash);
        assert_eq!(presented.environment(), Environment::Sandbox);
    }

    #[test]
    fn foreign_token_is_malformed() {
        assert!(PresentedToken::parse("sk_live_123").is_err());
        assert!(PresentedToken::parse("eig_live_short").is_err());
    }

    #[test]
    fn signing_secret_opens_with_the_master_key() {
        let (issued, master) = issue(Environment::Sandbox);
        assert_eq!(
            issued.key.signing_secret(&master).unwrap(),
            issued.signing_secret
        );
    }

    #[test]
    fn revoked_key_is_unusable() {
        let (mut issued, _) = issue(Environment::Sandbox);
        let now = SystemClock.now();
        issued.key.status = ApiKeyStatus::Revoked { at: now };
        assert_eq!(issued.key.usable_at(now), Err(KeyUnusable::Revoked));
    }

    #[test]
    fn key_past_its_expiry_is_unusable() {
        let (mut issued, _) = issue(Environment::Sandbox);
        let now = SystemClock.now();
        issued.key.expires_at = Some(now);
        assert_eq!(issued.key.usable_at(now), Err(KeyUnusable::Expired));
        assert_eq!(issued.key.usable_at(now - time::Duration::SECOND), Ok(()));
    }
}
