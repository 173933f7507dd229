//! Idempotency keys (`Idempotency-Key`, IETF draft-ietf-httpapi-idempotency-key-header,
//! with Stripe's behaviour): a retried POST with the same key and the same request gets
//! the first response again instead of a second resource.

use sha2::{Digest as _, Sha256};
use time::Duration;

use crate::environment::Environment;
use crate::ids::TenantId;

/// How long a completed key is kept (at least 24 hours, as Stripe).
pub const RETENTION: Duration = Duration::hours(24);

/// An `Idempotency-Key` value: 1 to 255 visible ASCII characters (a UUID is typical).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

/// Why an `Idempotency-Key` value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Idempotency-Key must be 1 to 255 visible ASCII characters")]
pub struct InvalidIdempotencyKey;

impl IdempotencyKey {
    /// The longest key accepted.
    pub const MAX_CHARS: usize = 255;

    /// Parses a header value.
    pub fn parse(value: &str) -> Result<Self, InvalidIdempotencyKey> {
        // The draft sends the key as a structured-field string: accept it quoted too.
        let value = value
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or(value);
        if value.is_empty()
            || value.len() > Self::MAX_CHARS
            || !value.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(InvalidIdempotencyKey);
        }
        Ok(Self(value.to_owned()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where an idempotency key is unique: the API key's tenant and environment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyScope {
    /// The tenant of the API key that sent the request.
    pub tenant: TenantId,
    /// The environment of that key.
    pub environment: Environment,
    /// The client's key.
    pub key: IdempotencyKey,
}

/// The fingerprint of a request: what must be equal for a retry to be "the same
/// request" (method, path and query, the tenant acted for, the body).
pub fn request_fingerprint(
    method: &str,
    path_and_query: &str,
    acting_for: Option<&str>,
    body: &[u8],
) -> [u8; 32] {
    let mut digest = Sha256::new();
    for part in [
        method.as_bytes(),
        path_and_query.as_bytes(),
        acting_for.unwrap_or_default().as_bytes(),
    ] {
        digest.update((part.len() as u64).to_be_bytes());
        digest.update(part);
    }
    digest.update(Sha256::digest(body));
    digest.finalize().into()
}

/// A response kept for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status.
    pub status: u16,
    /// The headers worth replaying (content type, location), name and value.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// What a reservation attempt found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// The key is now reserved for this request: run it.
    Reserved,
    /// The key is reserved by a request with the same fingerprint that has not finished.
    InFlight,
    /// The key was used with a different request.
    Mismatch,
    /// The key's request finished: here is its response.
    Completed(StoredResponse),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_visible_ascii() {
        assert!(IdempotencyKey::parse("a").is_ok());
        assert_eq!(
            IdempotencyKey::parse("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"")
                .unwrap()
                .as_str(),
            "8e03978e-40d5-43e8-bc93-6894a57f9324"
        );
        assert!(IdempotencyKey::parse(&"k".repeat(255)).is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("with space").is_err());
        assert!(IdempotencyKey::parse("é").is_err());
    }

    #[test]
    fn fingerprints_differ_by_every_part() {
        let base = request_fingerprint("POST", "/a", None, b"{}");
        assert_eq!(base, request_fingerprint("POST", "/a", None, b"{}"));
        assert_ne!(base, request_fingerprint("PUT", "/a", None, b"{}"));
        assert_ne!(base, request_fingerprint("POST", "/b", None, b"{}"));
        assert_ne!(base, request_fingerprint("POST", "/a", Some("t"), b"{}"));
        assert_ne!(base, request_fingerprint("POST", "/a", None, b"{ }"));
        // Length prefixes keep parts from sliding into each other.
        assert_ne!(
            request_fingerprint("POST", "/ab", None, b""),
            request_fingerprint("POST", "/a", Some("b"), b"")
        );
    }
}
