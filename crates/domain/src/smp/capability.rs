//! What a participant can receive, and the port that finds it out.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::legal_entity::LegalEntity;
use crate::participant::ParticipantId;

use super::identifiers::{DocumentTypeId, ProcessId, TransportProfile};

/// Where and how a receiver's access point takes a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Transport profile (`peppol-transport-as4-v2_0`).
    pub transport_profile: TransportProfile,
    /// The access point URL.
    pub address: String,
    /// The access point's certificate (DER).
    pub certificate_der: Vec<u8>,
    /// From when the endpoint may be used.
    pub activation: Option<OffsetDateTime>,
    /// Until when the endpoint may be used.
    pub expiration: Option<OffsetDateTime>,
    /// Free text describing the service.
    pub description: String,
    /// Technical contact (URL or e-mail address).
    pub technical_contact: String,
}

impl Endpoint {
    /// Whether `at` lies within the activation and expiration dates.
    pub fn is_valid_at(&self, at: OffsetDateTime) -> bool {
        self.activation.is_none_or(|from| from <= at)
            && self.expiration.is_none_or(|until| at < until)
    }
}

/// One process of a document type, with its endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The process.
    pub process: ProcessId,
    /// Its endpoints, one per transport profile.
    pub endpoints: Vec<Endpoint>,
}

/// What a participant publishes for one document type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capability {
    /// The document type.
    pub document_type: DocumentTypeId,
    /// Its processes.
    pub routes: Vec<Route>,
}

/// Everything a participant can receive, as its SMP publishes it (signature verified,
/// endpoints outside their activation period left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    /// The participant.
    pub participant: ParticipantId,
    /// One entry per document type.
    pub documents: Vec<Capability>,
}

impl Capabilities {
    /// The document types the participant receives.
    pub fn document_types(&self) -> impl Iterator<Item = &DocumentTypeId> {
        self.documents
            .iter()
            .map(|capability| &capability.document_type)
    }

    /// The endpoint for `document_type` with `transport_profile`, in any process.
    pub fn endpoint(
        &self,
        document_type: &DocumentTypeId,
        transport_profile: &TransportProfile,
    ) -> Option<&Endpoint> {
        self.documents
            .iter()
            .filter(|capability| &capability.document_type == document_type)
            .flat_map(|capability| &capability.routes)
            .flat_map(|route| &route.endpoints)
            .find(|endpoint| &endpoint.transport_profile == transport_profile)
    }
}

/// Why a participant's capabilities are not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// The SML has no record of the participant.
    #[error("participant {0} is not registered in the SML")]
    NotRegistered(String),
    /// The participant's SMP does not publish it (HTTP 404).
    #[error("participant {0} is not published by its SMP")]
    NotPublished(String),
    /// The SMP answered something unusable: malformed XML, a bad or missing signature,
    /// an answer for another participant, an oversized answer.
    #[error("the SMP answer is not acceptable: {0}")]
    Invalid(String),
    /// DNS or the SMP could not be reached in time.
    #[error("the capability lookup failed: {0}")]
    Unavailable(String),
}

/// Finds out what a participant outside this gateway can receive (the SML and its SMP).
#[cfg_attr(feature = "testing", mockall::automock)]
#[async_trait]
pub trait CapabilityLookup: Send + Sync {
    /// The participant's capabilities.
    async fn capabilities(&self, participant: &ParticipantId) -> Result<Capabilities, LookupError>;
}

/// Where a document for a receiver goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receiver {
    /// The receiver is a legal entity published by this gateway.
    Hosted(Box<LegalEntity>),
    /// The receiver is reached through another access point.
    Remote(Endpoint),
}
