//! The SMP's signing identity: an RSA private key and its X.509 certificate.

use std::fmt;

use rcgen::{
    CertificateParams, DistinguishedName, DnType, KeyIdMethod, KeyUsagePurpose, PublicKeyData,
    SerialNumber, SignatureAlgorithm, SigningKey,
};
use rsa::pkcs1::EncodeRsaPublicKey as _;
use rsa::pkcs1v15;
use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, EncodePublicKey as _, LineEnding};
use rsa::signature::{SignatureEncoding as _, Signer as _};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::{Digest as _, Sha256};
use time::{Duration, OffsetDateTime};

/// Why an SMP identity cannot be loaded or made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The private key is not an RSA PKCS#8 PEM key.
    #[error("the SMP private key is not an RSA PKCS#8 PEM key: {0}")]
    Key(String),
    /// The certificate is not a PEM X.509 certificate.
    #[error("the SMP certificate is not a PEM certificate: {0}")]
    Certificate(String),
    /// The certificate could not be made.
    #[error("cannot generate the SMP certificate: {0}")]
    Generate(String),
}

/// The RSA key and certificate the SMP signs its ServiceMetadata with.
#[derive(Clone)]
pub struct SmpIdentity {
    key_pem: String,
    certificate_der: Vec<u8>,
}

impl fmt::Debug for SmpIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmpIdentity")
            .field("key_pem", &"<redacted>")
            .field("certificate_der_len", &self.certificate_der.len())
            .finish()
    }
}

impl SmpIdentity {
    /// Loads a PKCS#8 PEM RSA key and its PEM certificate.
    pub fn from_pem(key_pem: &str, certificate_pem: &str) -> Result<Self, IdentityError> {
        RsaPrivateKey::from_pkcs8_pem(key_pem)
            .map_err(|error| IdentityError::Key(error.to_string()))?;
        Ok(Self {
            key_pem: key_pem.to_owned(),
            certificate_der: certificate_from_pem(certificate_pem)?,
        })
    }

    /// Generates a 2048-bit RSA key and a self-signed certificate for `common_name`,
    /// valid from `not_before` for `days` days (for sandbox SMPs: the Peppol network
    /// accepts only certificates of its own PKI).
    pub fn generate_self_signed(
        common_name: &str,
        not_before: OffsetDateTime,
        days: i64,
    ) -> Result<Self, IdentityError> {
        let generate = |error: &dyn fmt::Display| IdentityError::Generate(error.to_string());
        let private = RsaPrivateKey::new(&mut rand_core::OsRng, 2048).map_err(|e| generate(&e))?;
        let key = RsaKey::new(private).map_err(|e| generate(&e))?;
        let mut params = CertificateParams::default();
        let mut name = DistinguishedName::new();
        name.push(DnType::CommonName, common_name);
        name.push(
            DnType::OrganizationalUnitName,
            "einvoice-gateway sandbox SMP",
        );
        params.distinguished_name = name;
        params.not_before = not_before;
        params.not_after = not_before + Duration::days(days);
        let mut serial = [0_u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut serial);
        serial[0] &= 0x7f;
        params.serial_number = Some(SerialNumber::from_slice(&serial));
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        let spki = key.subject_public_key_info();
        params.key_identifier_method =
            KeyIdMethod::PreSpecified(Sha256::digest(&spki)[..20].to_vec());
        let certificate = params.self_signed(&key).map_err(|e| generate(&e))?;
        let key_pem = key
            .private
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| generate(&e))?
            .to_string();
        Ok(Self {
            key_pem,
            certificate_der: certificate.der().to_vec(),
        })
    }

    /// The private key, PKCS#8 PEM.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The certificate, DER.
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// The certificate, PEM.
    pub fn certificate_pem(&self) -> String {
        pem::encode(&pem::Pem::new("CERTIFICATE", self.certificate_der.clone()))
    }

    /// The public key, SubjectPublicKeyInfo PEM.
    pub fn public_key_pem(&self) -> Result<String, IdentityError> {
        let private = RsaPrivateKey::from_pkcs8_pem(&self.key_pem)
            .map_err(|error| IdentityError::Key(error.to_string()))?;
        RsaPublicKey::from(&private)
            .to_public_key_pem(LineEnding::LF)
            .map_err(|error| IdentityError::Key(error.to_string()))
    }
}

/// An RSA key as rcgen's signer (PKCS#1 v1.5 with SHA-256).
struct RsaKey {
    private: RsaPrivateKey,
    public_der: Vec<u8>,
}

impl RsaKey {
    fn new(private: RsaPrivateKey) -> Result<Self, rsa::pkcs1::Error> {
        let public_der = RsaPublicKey::from(&private)
            .to_pkcs1_der()?
            .as_bytes()
            .to_vec();
        Ok(Self {
            private,
            public_der,
        })
    }
}

impl PublicKeyData for RsaKey {
    fn der_bytes(&self) -> &[u8] {
        &self.public_der
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

impl SigningKey for RsaKey {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        let signer = pkcs1v15::SigningKey::<Sha256>::new(self.private.clone());
        Ok(signer.sign(msg).to_vec())
    }
}

/// The validity period (not before, not after) of a DER certificate.
pub fn certificate_validity(
    certificate_der: &[u8],
) -> Result<(OffsetDateTime, OffsetDateTime), IdentityError> {
    use x509_cert::der::Decode as _;
    let certificate = x509_cert::Certificate::from_der(certificate_der)
        .map_err(|error| IdentityError::Certificate(error.to_string()))?;
    let validity = certificate.tbs_certificate.validity;
    let at = |time: x509_cert::time::Time| {
        let seconds = i64::try_from(time.to_unix_duration().as_secs())
            .map_err(|error| IdentityError::Certificate(error.to_string()))?;
        OffsetDateTime::from_unix_timestamp(seconds)
            .map_err(|error| IdentityError::Certificate(error.to_string()))
    };
    Ok((at(validity.not_before)?, at(validity.not_after)?))
}

/// Reads a PEM certificate into DER.
pub fn certificate_from_pem(certificate_pem: &str) -> Result<Vec<u8>, IdentityError> {
    let certificate = pem::parse(certificate_pem)
        .map_err(|error| IdentityError::Certificate(error.to_string()))?;
    if certificate.tag() == "CERTIFICATE" {
        Ok(certificate.into_contents())
    } else {
        Err(IdentityError::Certificate(format!(
            "expected a CERTIFICATE block, found {}",
            certificate.tag()
        )))
    }
}
