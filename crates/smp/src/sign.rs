//! The enveloped XML signature of ServiceMetadata (RSA-SHA256, SHA-256 digest,
//! exclusive canonicalisation, the certificate in `KeyInfo`), made and checked with the
//! pure-Rust `xml-sec` crate.

use xml_sec::c14n::{C14nAlgorithm, C14nMode};
use xml_sec::policy::PolicyViolation;
use xml_sec::xmldsig::{
    DefaultKeyResolver, DigestAlgorithm, DsigError, DsigStatus, KeyResolverConfig,
    KeyTrustEvidence, ReferenceBuilder, RsaSigningKey, SignContext, SignatureAlgorithm,
    SignatureBuilder, Transform, VerifyContext, X509CertificateKeyInfoWriter, mutation,
};

use crate::identity::SmpIdentity;

/// Why a document could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot sign the ServiceMetadata: {0}")]
pub struct SignError(String);

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The document or its signature could not be processed.
    #[error("the signature cannot be processed: {0}")]
    Malformed(String),
    /// The signature or a digest does not match.
    #[error("the signature is invalid: {0}")]
    Invalid(String),
    /// The signing certificate does not chain to a trusted certificate.
    #[error("the signing certificate is not trusted")]
    Untrusted,
}

/// A signer that holds the parsed key.
pub struct Signer {
    key: RsaSigningKey,
    certificate_der: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").finish_non_exhaustive()
    }
}

impl Signer {
    /// The signer of `identity`.
    pub fn new(identity: &SmpIdentity) -> Result<Self, SignError> {
        let key = RsaSigningKey::from_pkcs8_pem(identity.key_pem())
            .map_err(|error| SignError(error.to_string()))?;
        Ok(Self {
            key,
            certificate_der: identity.certificate_der().to_vec(),
        })
    }

    /// Appends an enveloped signature of the whole document (`URI=""`) to its root.
    pub fn sign(&self, xml: &str) -> Result<String, SignError> {
        let fail = |error: &dyn std::fmt::Display| SignError(error.to_string());
        let c14n = C14nAlgorithm::new(C14nMode::Exclusive1_0, false);
        let template = SignatureBuilder::new(c14n.clone(), SignatureAlgorithm::RsaSha256)
            .add_reference(
                ReferenceBuilder::new(DigestAlgorithm::Sha256)
                    .uri("")
                    .transform(Transform::Enveloped)
                    .transform(Transform::C14n(c14n)),
            )
            .key_info(true)
            .build_template()
            .map_err(|e| fail(&e))?;
        let key_info =
            X509CertificateKeyInfoWriter::from_der(&self.certificate_der).map_err(|e| fail(&e))?;
        let unsigned = mutation::append_signature_to_root(xml, &template).map_err(|e| fail(&e))?;
        SignContext::new(&self.key)
            .key_info_writer(&key_info)
            .sign_template(&unsigned)
            .map_err(|e| fail(&e))
    }
}

/// Verifies the one signature of `xml` with the certificate it carries, which must
/// chain to one of `trusted_certificates` (DER): the Peppol SMP CA, or the certificate
/// itself for a pinned (self-signed) SMP.
pub fn verify(xml: &str, trusted_certificates: &[Vec<u8>]) -> Result<(), VerifyError> {
    let resolver = DefaultKeyResolver::new(KeyResolverConfig {
        trusted_certs: trusted_certificates.to_vec(),
        ..KeyResolverConfig::default()
    });
    let result = match VerifyContext::new().key_resolver(&resolver).verify(xml) {
        Ok(result) => result,
        Err(DsigError::Policy(PolicyViolation::KeyTrust { .. })) => {
            return Err(VerifyError::Untrusted);
        }
        Err(error) => return Err(VerifyError::Malformed(error.to_string())),
    };
    match result.status {
        DsigStatus::Valid => {}
        DsigStatus::Invalid(reason) => return Err(VerifyError::Invalid(format!("{reason:?}"))),
        other => return Err(VerifyError::Invalid(format!("{other:?}"))),
    }
    match result.key_trust {
        KeyTrustEvidence::ValidatedX509(_) | KeyTrustEvidence::CallerTrusted => Ok(()),
        _ => Err(VerifyError::Untrusted),
    }
}
