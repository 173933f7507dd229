//! Secrets at rest: the master key that seals API-key signing secrets (AES-256-GCM), and
//! a redacting wrapper for secrets in memory.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use rand::RngCore as _;
use sha2::Sha256;

/// A secret string whose `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(String);

impl Redacted {
    /// Wraps a secret.
    pub fn new(secret: String) -> Self {
        Self(secret)
    }

    /// The secret itself: call only where it must leave the process (a response shown
    /// once, a signature computation).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The 256-bit key that seals secrets the server must read back (API-key signing
/// secrets). It comes from configuration and never enters the database.
#[derive(Clone)]
pub struct MasterKey {
    cipher: Aes256Gcm,
    /// HMAC-SHA256 keyed with the master key: derives purpose-bound subkeys.
    derivation: Hmac<Sha256>,
}

/// Why a master key or a sealed secret was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// The master key is not 32 bytes of standard base64.
    #[error("the master key must be 32 bytes, base64-encoded")]
    BadMasterKey,
    /// The sealed bytes were not produced by this master key for this owner.
    #[error("a sealed secret could not be opened with the configured master key")]
    Unsealable,
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

const NONCE_LEN: usize = 12;

impl MasterKey {
    /// A fresh random key, base64-encoded (for first-start generation).
    pub fn generate_base64() -> String {
        let mut bytes = [0_u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        BASE64.encode(bytes)
    }

    /// Reads a base64-encoded 32-byte key.
    pub fn from_base64(text: &str) -> Result<Self, SecretError> {
        let bytes = BASE64
            .decode(text.trim())
            .map_err(|_| SecretError::BadMasterKey)?;
        let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| SecretError::BadMasterKey)?;
        let derivation =
            <Hmac<Sha256> as Mac>::new_from_slice(&bytes).map_err(|_| SecretError::BadMasterKey)?;
        Ok(Self { cipher, derivation })
    }

    /// A 256-bit key for one purpose, derived from the master key (HMAC-SHA256 of the
    /// purpose label, as HKDF-Expand does for one block): every process with the same
    /// master key derives the same key, and the master key itself is never used twice.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut mac = self.derivation.clone();
        mac.update(purpose.as_bytes());
        mac.update(&[1]);
        mac.finalize().into_bytes().into()
    }

    /// Encrypts `plaintext`, binding it to `owner` (e.g. the API key id) so a sealed
    /// value copied to another row does not open. Output: nonce || ciphertext || tag.
    pub fn seal(&self, owner: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0_u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: owner,
                },
            )
            .expect("AES-GCM encryption of a short secret cannot fail");
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// Decrypts what [`Self::seal`] produced for the same `owner`.
    pub fn open(&self, owner: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SecretError> {
        if sealed.len() < NONCE_LEN {
            return Err(SecretError::Unsealable);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: owner,
                },
            )
            .map_err(|_| SecretError::Unsealable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secret_opens_for_its_owner() {
        let key = MasterKey::from_base64(&MasterKey::generate_base64()).unwrap();
        let sealed = key.seal(b"owner", b"secret");
        assert_eq!(key.open(b"owner", &sealed).unwrap(), b"secret");
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
    }

    #[test]
    fn sealed_secret_does_not_open_for_another_owner() {
        let key = MasterKey::from_base64(&MasterKey::generate_base64()).unwrap();
        let sealed = key.seal(b"owner", b"secret");
        assert_eq!(key.open(b"other", &sealed), Err(SecretError::Unsealable));
    }

    #[test]
    fn sealed_secret_does_not_open_with_another_key() {
        let key = MasterKey::from_base64(&MasterKey::generate_base64()).unwrap();
        let other = MasterKey::from_base64(&MasterKey::generate_base64()).unwrap();
        assert_eq!(
            other.open(b"o", &key.seal(b"o", b"s")),
            Err(SecretError::Unsealable)
        );
    }

    #[test]
    fn derived_keys_depend_on_master_and_purpose() {
        let text = MasterKey::generate_base64();
        let key = MasterKey::from_base64(&text).unwrap();
        let again = MasterKey::from_base64(&text).unwrap();
        let other = MasterKey::from_base64(&MasterKey::generate_base64()).unwrap();
        assert_eq!(key.derive("jwt"), again.derive("jwt"));
        assert_ne!(key.derive("jwt"), key.derive("other"));
        assert_ne!(key.derive("jwt"), other.derive("jwt"));
    }

    #[test]
    fn short_master_key_is_refused() {
        assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
    }

    #[test]
    fn redacted_never_prints() {
        let secret = Redacted::new("hunter2".into());
        assert_eq!(format!("{secret:?} {secret}"), "[redacted] [redacted]");
    }
}
