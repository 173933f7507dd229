//! A tenant's business documents: submit (check, route, render, store), validate only,
//! and read back.

use std::sync::Arc;

use crate::clock::Clock;
use crate::document::model::Party;
use crate::document::{self, Document, ValidDocument};
use crate::event::EventRecord;
use crate::ids::{DocumentId, ProcessId};
use crate::legal_entity::LegalEntity;
use crate::participant::ParticipantId;
use crate::ports::{DocumentQuery, DocumentStore, LegalEntityStore, Page, Renderer};
use crate::rendition::{
    DocumentTrigger, Flow, Format, NewRendition, Rendition, RenditionFacts, Target,
};

use super::{Acting, Field, Resource, ServiceError, Violation};

/// Where the renditions of a document go: the formats and targets routing picked, in
/// response order.
pub fn routes(_document: &ValidDocument) -> Vec<(Format, Target)> {
    // Every receiver is reached through Peppol for now; FatturaPA for Italian receivers
    // arrives with its renderer.
    vec![(Format::UblPeppolBis3, Target::Peppol)]
}

/// The outcome of a submission: its process id and its renditions with their content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// Shared by every rendition.
    pub process_id: ProcessId,
    /// The renditions, in route order, with their content.
    pub renditions: Vec<NewRendition>,
    /// The document as checked, with the warnings the rules raised.
    pub document: ValidDocument,
}

/// Use cases about a tenant's documents, always in the request's environment.
#[derive(Clone)]
pub struct DocumentService {
    documents: Arc<dyn DocumentStore>,
    legal_entities: Arc<dyn LegalEntityStore>,
    renderers: Vec<Arc<dyn Renderer>>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for DocumentService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentService")
            .field(
                "formats",
                &self
                    .renderers
                    .iter()
                    .map(|renderer| renderer.format())
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl DocumentService {
    /// The service over its ports; `renderers` has one renderer per format it can write.
    pub fn new(
        documents: Arc<dyn DocumentStore>,
        legal_entities: Arc<dyn LegalEntityStore>,
        renderers: Vec<Arc<dyn Renderer>>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            documents,
            legal_entities,
            renderers,
            clock,
        }
    }

    /// Checks a document as [`Self::submit`] would, and stores nothing: the rules, then
    /// the sender and receiver.
    pub async fn validate(
        &self,
        acting: &Acting,
        document: Document,
    ) -> Result<ValidDocument, ServiceError> {
        let valid = document::check(document).map_err(ServiceError::Rejected)?;
        self.parties(acting, &valid).await?;
        Ok(valid)
    }

    /// Checks a document, picks its renditions, renders and stores them, each queued for
    /// validation, with one event per status reached, in one store call.
    ///
    /// # Errors
    /// [`ServiceError::Rejected`] with every rule violation; [`ServiceError::Invalid`]
    /// when the seller is not one of the tenant's legal entities in this environment,
    /// or a party's electronic address is not a participant identifier.
    pub async fn submit(
        &self,
        acting: &Acting,
        document: Document,
    ) -> Result<Submission, ServiceError> {
        let valid = document::check(document).map_err(ServiceError::Rejected)?;
        let (sender, entity, receiver) = self.parties(acting, &valid).await?;
        let model = valid.document();
        let (Some(number), Some(issue_date)) = (model.number.clone(), model.issue_date) else {
            return Err(ServiceError::Unexpected(
                "a valid document lacks its number or issue date".to_owned(),
            ));
        };
        let process_id = ProcessId::new();
        let now = self.clock.now();
        let partner_id = acting.tenant.partner_id();
        let mut renditions = Vec::new();
        let mut events = Vec::new();
        for (format, target) in routes(&valid) {
            let renderer = self
                .renderers
                .iter()
                .find(|renderer| renderer.format() == format)
                .ok_or_else(|| {
                    ServiceError::Unexpected(format!("no renderer for {}", format.as_str()))
                })?;
            let facts = RenditionFacts {
                process_id,
                tenant_id: acting.tenant.id,
                environment: acting.environment(),
                flow: Flow::Outbound,
                kind: model.kind,
                format,
                target,
                legal_entity_id: Some(entity.id),
                document_number: number.clone(),
                issue_date,
                sender: Some(sender.clone()),
                receiver: Some(receiver.clone()),
            };
            let mut rendition = Rendition::accept(facts, now);
            events.push(EventRecord::document_status(&rendition, None, partner_id));
            let previous = rendition.apply(DocumentTrigger::QueueValidation, now)?;
            events.push(EventRecord::document_status(
                &rendition,
                Some(&previous),
                partner_id,
            ));
            renditions.push(NewRendition {
                content: renderer.render(&valid),
                rendition,
            });
        }
        self.documents
            .insert_documents(&renditions, &events, &[])
            .await?;
        Ok(Submission {
            process_id,
            renditions,
            document: valid,
        })
    }

    /// One document of the acting tenant.
    pub async fn get(&self, acting: &Acting, id: DocumentId) -> Result<Rendition, ServiceError> {
        self.documents
            .document(acting.tenant.id, acting.environment(), id)
            .await?
            .ok_or(ServiceError::NotFound(Resource::Document))
    }

    /// The content of one document of the acting tenant.
    pub async fn content(
        &self,
        acting: &Acting,
        id: DocumentId,
    ) -> Result<(Rendition, Vec<u8>), ServiceError> {
        let rendition = self.get(acting, id).await?;
        let content = self
            .documents
            .document_content(acting.tenant.id, acting.environment(), id)
            .await?
            .ok_or(ServiceError::NotFound(Resource::Document))?;
        Ok((rendition, content))
    }

    /// The acting tenant's documents.
    pub async fn list(
        &self,
        acting: &Acting,
        query: &DocumentQuery,
    ) -> Result<Page<Rendition>, ServiceError> {
        Ok(self
            .documents
            .list_documents(acting.tenant.id, acting.environment(), query)
            .await?)
    }

    /// The sender (one of the tenant's live legal entities in this environment) and the
    /// receiver of a valid document.
    async fn parties(
        &self,
        acting: &Acting,
        valid: &ValidDocument,
    ) -> Result<(ParticipantId, LegalEntity, ParticipantId), ServiceError> {
        let model = valid.document();
        let sender = endpoint(&model.seller, Field::SellerEndpoint);
        let receiver = endpoint(&model.buyer, Field::BuyerEndpoint);
        let (sender, receiver) = match (sender, receiver) {
            (Ok(sender), Ok(receiver)) => (sender, receiver),
            (sender, receiver) => {
                return Err(ServiceError::Invalid(
                    [sender.err(), receiver.err()]
                        .into_iter()
                        .flatten()
                        .collect(),
                ));
            }
        };
        let environment = acting.environment();
        let entity = self
            .legal_entities
            .live_legal_entities(acting.tenant.id)
            .await?
            .into_iter()
            .find(|entity| {
                entity.environment == environment && entity.participant_ids().contains(&sender)
            })
            .ok_or_else(|| {
                ServiceError::invalid(
                    Field::SellerEndpoint,
                    "sender_not_a_legal_entity",
                    format!(
                        "the seller's electronic address {sender} is not a legal entity of \
                         this tenant in {}: create it with POST /api/v1/legal-entities first",
                        environment.as_str()
                    ),
                )
            })?;
        Ok((sender, entity, receiver))
    }
}

/// A party's electronic address (BT-34 / BT-49) as a participant identifier.
fn endpoint(party: &Party, field: Field) -> Result<ParticipantId, Violation> {
    let (Some(scheme), Some(value)) = (
        party.electronic_address_scheme_id.as_deref(),
        party.electronic_address.as_deref(),
    ) else {
        return Err(Violation::new(
            field,
            "electronic_address_required",
            "the electronic address and its scheme are required to route the document",
        ));
    };
    ParticipantId::new(scheme.trim(), value.trim()).map_err(|error| {
        Violation::new(
            field,
            "invalid_participant_id",
            format!("the electronic address is not a Peppol participant identifier: {error}"),
        )
    })
}
