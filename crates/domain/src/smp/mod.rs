//! Peppol capability publishing and discovery, without syntax: the identifiers an SMP
//! publishes (document types, processes, transport profiles), SML DNS naming, and the
//! [`CapabilityLookup`] port through which routing learns where a receiver is.
//!
//! The SMP XML, its signature and the DNS/HTTP client live in adapter crates.

mod capability;
mod identifiers;
pub mod sml;

#[cfg(feature = "testing")]
pub use capability::MockCapabilityLookup;
pub use capability::{
    Capabilities, Capability, CapabilityLookup, Endpoint, LookupError, Receiver, Route,
};
pub use identifiers::{
    BIS_BILLING_PROCESS, DocumentTypeId, DocumentTypeIdError, PROCESS_SCHEME, ProcessId,
    TRANSPORT_PROFILE_AS4, TransportProfile,
};
