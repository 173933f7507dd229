//! What the gateway's SMP publishes, and where documents for a receiver go.

use std::sync::Arc;

use crate::environment::Environment;
use crate::legal_entity::{LegalEntity, StatusName};
use crate::participant::ParticipantId;
use crate::ports::{LegalEntityStore, StoreError, TenantStore};
use crate::smp::{CapabilityLookup, DocumentTypeId, LookupError, Receiver, TransportProfile};
use crate::tenant::Contact;

/// A legal entity as the SMP publishes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    /// The entity (status `active`).
    pub entity: LegalEntity,
    /// The owning tenant's contact, for the business card.
    pub contact: Contact,
    /// The document types it receives.
    pub document_types: Vec<DocumentTypeId>,
}

/// The SMP's view of the store: the `active` legal entities of one environment. One SMP
/// serves one environment, because production and test SMPs are registered in different
/// SMLs with certificates of different Peppol PKIs.
#[derive(Clone)]
pub struct PublishingService {
    legal_entities: Arc<dyn LegalEntityStore>,
    tenants: Arc<dyn TenantStore>,
    environment: Environment,
}

impl std::fmt::Debug for PublishingService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublishingService")
            .field("environment", &self.environment)
            .finish_non_exhaustive()
    }
}

impl PublishingService {
    /// The service over its ports, publishing `environment`.
    pub fn new(
        legal_entities: Arc<dyn LegalEntityStore>,
        tenants: Arc<dyn TenantStore>,
        environment: Environment,
    ) -> Self {
        Self {
            legal_entities,
            tenants,
            environment,
        }
    }

    /// The environment published.
    pub const fn environment(&self) -> Environment {
        self.environment
    }

    /// The publication of `participant`, if an `active` legal entity of the published
    /// environment holds it; `None` otherwise (unknown, not yet active, archived).
    pub async fn publication(
        &self,
        participant: &ParticipantId,
    ) -> Result<Option<Publication>, StoreError> {
        let Some(entity) = self
            .legal_entities
            .legal_entity_by_participant(self.environment, participant)
            .await?
            .filter(|entity| entity.status().name() == StatusName::Active)
        else {
            return Ok(None);
        };
        let Some(tenant) = self
            .tenants
            .tenant(entity.tenant_id)
            .await?
            .filter(|tenant| tenant.deleted_at.is_none() && tenant.active)
        else {
            return Ok(None);
        };
        Ok(Some(Publication {
            entity,
            contact: tenant.profile.contact,
            document_types: DocumentTypeId::supported().to_vec(),
        }))
    }
}

/// Why no route to a receiver was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    /// Neither this gateway nor the Peppol network knows the receiver.
    #[error("receiver {0} is unknown on the Peppol network")]
    UnknownReceiver(String),
    /// The receiver exists but does not receive this document type over AS4.
    #[error("receiver {receiver} does not receive {document_type}")]
    DocumentTypeNotSupported {
        /// The receiver.
        receiver: String,
        /// The document type.
        document_type: String,
    },
    /// The lookup failed for a reason other than the receiver being unknown.
    #[error(transparent)]
    Lookup(LookupError),
    /// Reading our own store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Decides where a document goes: receivers hosted here are answered from our own
/// store, all others through the capability lookup.
#[derive(Clone)]
pub struct RoutingService {
    publishing: PublishingService,
    lookup: Arc<dyn CapabilityLookup>,
}

impl std::fmt::Debug for RoutingService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoutingService").finish_non_exhaustive()
    }
}

impl RoutingService {
    /// Routing over our own publications and a lookup of the same environment.
    pub fn new(publishing: PublishingService, lookup: Arc<dyn CapabilityLookup>) -> Self {
        Self { publishing, lookup }
    }

    /// Where a document of `document_type` for `receiver` goes.
    pub async fn route(
        &self,
        receiver: &ParticipantId,
        document_type: &DocumentTypeId,
    ) -> Result<Receiver, RoutingError> {
        let unsupported = || RoutingError::DocumentTypeNotSupported {
            receiver: receiver.to_string(),
            document_type: document_type.to_string(),
        };
        if let Some(publication) = self.publishing.publication(receiver).await? {
            return if publication.document_types.contains(document_type) {
                Ok(Receiver::Hosted(Box::new(publication.entity)))
            } else {
                Err(unsupported())
            };
        }
        match self.lookup.capabilities(receiver).await {
            Ok(capabilities) => capabilities
                .endpoint(document_type, &TransportProfile::peppol_as4())
                .cloned()
                .map(Receiver::Remote)
                .ok_or_else(unsupported),
            Err(LookupError::NotRegistered(_) | LookupError::NotPublished(_)) => {
                Err(RoutingError::UnknownReceiver(receiver.to_string()))
            }
            Err(error) => Err(RoutingError::Lookup(error)),
        }
    }
}
