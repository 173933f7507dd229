//! A tenant's legal entities.

use std::sync::Arc;

use crate::clock::Clock;
use crate::event::EventRecord;
use crate::ids::LegalEntityId;
use crate::legal_entity::{LegalEntity, NewLegalEntity, Trigger};
use crate::metadata::Metadata;
use crate::ports::{LegalEntityQuery, LegalEntityStore, Page};
use crate::text::{CompanyName, ExternalId};

use super::{Acting, Field, Resource, ServiceError, Violation};

/// Changes to a legal entity's descriptive fields. The identifier and country are
/// fixed at creation: a different company is a new legal entity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LegalEntityPatch {
    /// New company name.
    pub company_name: Option<CompanyName>,
    /// New or cleared external id.
    pub external_id: Option<Option<ExternalId>>,
    /// Replacement metadata.
    pub metadata: Option<Metadata>,
}

/// Use cases about a tenant's legal entities, always in the request's environment.
#[derive(Clone)]
pub struct LegalEntityService {
    legal_entities: Arc<dyn LegalEntityStore>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for LegalEntityService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LegalEntityService").finish_non_exhaustive()
    }
}

impl LegalEntityService {
    /// The service over its ports.
    pub fn new(legal_entities: Arc<dyn LegalEntityStore>, clock: Arc<dyn Clock>) -> Self {
        Self {
            legal_entities,
            clock,
        }
    }

    /// Creates a legal entity in `pending`.
    pub async fn create(
        &self,
        acting: &Acting,
        fields: NewLegalEntity,
    ) -> Result<LegalEntity, ServiceError> {
        let entity = LegalEntity::create(
            acting.tenant.id,
            acting.environment(),
            fields,
            self.clock.now(),
        );
        let event = EventRecord::legal_entity_created(&entity, &acting.tenant);
        self.legal_entities
            .insert_legal_entity(&entity, &[event], &[])
            .await?;
        Ok(entity)
    }

    /// One legal entity of the acting tenant.
    pub async fn get(
        &self,
        acting: &Acting,
        id: LegalEntityId,
    ) -> Result<LegalEntity, ServiceError> {
        self.legal_entities
            .legal_entity(acting.tenant.id, acting.environment(), id)
            .await?
            .ok_or(ServiceError::NotFound(Resource::LegalEntity))
    }

    /// The acting tenant's legal entities.
    pub async fn list(
        &self,
        acting: &Acting,
        query: &LegalEntityQuery,
    ) -> Result<Page<LegalEntity>, ServiceError> {
        Ok(self
            .legal_entities
            .list_legal_entities(acting.tenant.id, acting.environment(), query)
            .await?)
    }

    /// Changes descriptive fields.
    pub async fn update(
        &self,
        acting: &Acting,
        id: LegalEntityId,
        patch: LegalEntityPatch,
    ) -> Result<LegalEntity, ServiceError> {
        let mut entity = self.get(acting, id).await?;
        if entity.is_archived() {
            return Err(ServiceError::Conflict(Violation::new(
                Field::Status,
                "legal_entity_archived",
                "an archived legal entity cannot be changed",
            )));
        }
        let expected_version = entity.version();
        if let Some(name) = patch.company_name {
            entity.company_name = name;
        }
        if let Some(external_id) = patch.external_id {
            entity.external_id = external_id;
        }
        if let Some(metadata) = patch.metadata {
            entity.metadata = metadata;
        }
        entity.touch(self.clock.now());
        let event = EventRecord::legal_entity_updated(&entity, &acting.tenant);
        self.legal_entities
            .update_legal_entity(&entity, expected_version, &[event], &[])
            .await?;
        Ok(entity)
    }

    /// Applies a lifecycle trigger (the state machine decides whether it is allowed).
    pub async fn transition(
        &self,
        acting: &Acting,
        id: LegalEntityId,
        trigger: Trigger,
    ) -> Result<LegalEntity, ServiceError> {
        let mut entity = self.get(acting, id).await?;
        let expected_version = entity.version();
        let previous = entity.apply(trigger, self.clock.now())?;
        let event = EventRecord::legal_entity_transition(&entity, previous, &acting.tenant);
        self.legal_entities
            .update_legal_entity(&entity, expected_version, &[event], &[])
            .await?;
        Ok(entity)
    }

    /// Archives (off-boards) a legal entity.
    pub async fn archive(
        &self,
        acting: &Acting,
        id: LegalEntityId,
    ) -> Result<LegalEntity, ServiceError> {
        self.transition(acting, id, Trigger::Archive).await
    }
}
