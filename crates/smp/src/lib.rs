//! The gateway's Peppol SMP 1.x adapter.
//!
//! - [`write`]: ServiceGroup, ServiceMetadata and business card XML;
//! - [`sign`]: the enveloped XML signature of ServiceMetadata, and its verification;
//! - [`identity`]: the SMP's RSA key and certificate (generated self-signed for sandbox);
//! - [`read`]: reading SMP answers (ours or another SMP's) back into the domain's
//!   capabilities, with size and depth limits.

pub mod identity;
pub mod read;
pub mod sign;
pub mod write;

pub use identity::{IdentityError, SmpIdentity, certificate_from_pem, certificate_validity};
pub use sign::{SignError, Signer, VerifyError};
pub use write::EndpointSettings;
