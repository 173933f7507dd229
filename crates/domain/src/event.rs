//! Domain events. Every state change appends one in the same transaction (an outbox);
//! webhooks and the event feed deliver them. The event's `data` is the published
//! contract of the event, built here once so that every store and every delivery
//! channel carries the same payload.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::api_key::ApiKey;
use crate::environment::Environment;
use crate::ids::{ApiKeyId, DocumentId, EventId, LegalEntityId, TenantId};
use crate::legal_entity::{LegalEntity, LegalEntityStatus};
use crate::rendition::{self, DocumentStatus, Rendition};
use crate::tenant::Tenant;
use crate::text::ExternalId;

/// What an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A tenant.
    Tenant(TenantId),
    /// A legal entity.
    LegalEntity(LegalEntityId),
    /// An API key.
    ApiKey(ApiKeyId),
    /// A stored document (one rendition).
    Document(DocumentId),
}

impl Subject {
    /// The JSON:API resource type of the subject.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Tenant(_) => "tenants",
            Self::LegalEntity(_) => "legal-entities",
            Self::ApiKey(_) => "api-keys",
            Self::Document(_) => "documents",
        }
    }

    /// The subject's id as text.
    pub fn id(&self) -> String {
        match self {
            Self::Tenant(id) => id.to_string(),
            Self::LegalEntity(id) => id.to_string(),
            Self::ApiKey(id) => id.to_string(),
            Self::Document(id) => id.to_string(),
        }
    }
}

/// One domain event, in its stored and published form.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    /// Identifier (also the webhook delivery's idempotency key).
    pub id: EventId,
    /// Dotted type, e.g. `legal_entity.verified`.
    pub event_type: String,
    /// When it happened.
    pub occurred_at: OffsetDateTime,
    /// The partner whose scope the event belongs to.
    pub partner_id: TenantId,
    /// The tenant the event is about or happened in.
    pub tenant_id: TenantId,
    /// The environment, for environment-bound objects.
    pub environment: Option<Environment>,
    /// What it is about.
    pub subject: Subject,
    /// The payload.
    pub data: Value,
}

/// An event read back from the log, with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Position in the log, strictly increasing in commit order of one store.
    pub sequence: u64,
    /// The event.
    pub record: EventRecord,
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

fn legal_entity_data(entity: &LegalEntity) -> Value {
    let status = entity.status();
    json!({
        "id": entity.id.to_string(),
        "tenantId": entity.tenant_id.to_string(),
        "environment": entity.environment.as_str(),
        "companyName": entity.company_name.as_str(),
        "country": entity.country.as_str(),
        "identifier": {
            "scheme": entity.identifier.scheme().code(),
            "value": entity.identifier.value(),
        },
        "participantIds": entity.participant_ids().iter().map(ToString::to_string).collect::<Vec<_>>(),
        "externalId": entity.external_id.as_ref().map(ExternalId::as_str),
        "status": status.name().as_str(),
        "verificationDetail": status.verification_failure().map(|reason| json!({ "reason": reason.as_str() })),
        "attestationExpiresAt": status.attestation_expires_at().map(rfc3339),
        "version": entity.version(),
    })
}

fn document_data(document: &Rendition) -> Value {
    let facts = &document.facts;
    let status = document.status();
    json!({
        "id": document.id.to_string(),
        "processId": facts.process_id.to_string(),
        "tenantId": facts.tenant_id.to_string(),
        "environment": facts.environment.as_str(),
        "direction": facts.flow.as_str(),
        "documentType": rendition::kind_name(facts.kind),
        "format": facts.format.as_str(),
        "target": facts.target.as_str(),
        "legalEntityId": facts.legal_entity_id.map(|id| id.to_string()),
        "documentNumber": facts.document_number,
        "sender": facts.sender.as_ref().map(ToString::to_string),
        "receiver": facts.receiver.as_ref().map(ToString::to_string),
        "status": status.name().as_str(),
        "statusReason": status.reason().map(|reason| json!({ "code": reason.code(), "message": reason.message() })),
        "version": document.version(),
    })
}

fn tenant_data(tenant: &Tenant) -> Value {
    json!({
        "id": tenant.id.to_string(),
        "tenantCode": tenant.code.as_str(),
        "companyName": tenant.profile.company_name.as_str(),
        "active": tenant.active,
        "environments": tenant.environments().iter().map(|env| env.as_str()).collect::<Vec<_>>(),
    })
}

fn api_key_data(key: &ApiKey) -> Value {
    json!({
        "id": key.id.to_string(),
        "tenantId": key.tenant_id.to_string(),
        "environment": key.environment.as_str(),
        "name": key.name.as_str(),
        "prefix": key.prefix,
        "status": key.status.as_str(),
    })
}

/// What happened to a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantChange {
    /// `tenant.created`
    Created,
    /// `tenant.updated`
    Updated,
    /// `tenant.deleted`
    Deleted,
    /// `tenant.production_enabled`
    ProductionEnabled,
}

/// What happened to an API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyChange {
    /// `api_key.created`
    Created,
    /// `api_key.updated`
    Updated,
    /// `api_key.revoked`
    Revoked,
}

impl EventRecord {
    /// A tenant event.
    pub fn tenant(change: TenantChange, tenant: &Tenant, at: OffsetDateTime) -> Self {
        let event_type = match change {
            TenantChange::Created => "tenant.created",
            TenantChange::Updated => "tenant.updated",
            TenantChange::Deleted => "tenant.deleted",
            TenantChange::ProductionEnabled => "tenant.production_enabled",
        };
        Self {
            id: EventId::new(),
            event_type: event_type.to_owned(),
            occurred_at: at,
            partner_id: tenant.partner_id(),
            tenant_id: tenant.id,
            environment: None,
            subject: Subject::Tenant(tenant.id),
            data: tenant_data(tenant),
        }
    }

    /// An API-key event. `owner` is the key's tenant.
    pub fn api_key(change: ApiKeyChange, key: &ApiKey, owner: &Tenant, at: OffsetDateTime) -> Self {
        let event_type = match change {
            ApiKeyChange::Created => "api_key.created",
            ApiKeyChange::Updated => "api_key.updated",
            ApiKeyChange::Revoked => "api_key.revoked",
        };
        Self {
            id: EventId::new(),
            event_type: event_type.to_owned(),
            occurred_at: at,
            partner_id: owner.partner_id(),
            tenant_id: key.tenant_id,
            environment: Some(key.environment),
            subject: Subject::ApiKey(key.id),
            data: api_key_data(key),
        }
    }

    /// `legal_entity.created`.
    pub fn legal_entity_created(entity: &LegalEntity, owner: &Tenant) -> Self {
        Self::legal_entity(
            "legal_entity.created".to_owned(),
            entity,
            owner,
            Value::Null,
        )
    }

    /// `legal_entity.updated` (descriptive fields changed).
    pub fn legal_entity_updated(entity: &LegalEntity, owner: &Tenant) -> Self {
        Self::legal_entity(
            "legal_entity.updated".to_owned(),
            entity,
            owner,
            Value::Null,
        )
    }

    /// `legal_entity.<new status>`, e.g. `legal_entity.verified`, for a lifecycle transition.
    pub fn legal_entity_transition(
        entity: &LegalEntity,
        previous: LegalEntityStatus,
        owner: &Tenant,
    ) -> Self {
        Self::legal_entity(
            format!("legal_entity.{}", entity.status().name().as_str()),
            entity,
            owner,
            Value::String(previous.name().as_str().to_owned()),
        )
    }

    /// `document.<status>` (e.g. `document.queued_for_validation`): a rendition reached
    /// its current status, from `previous` (`None` for a new rendition).
    pub fn document_status(
        document: &Rendition,
        previous: Option<&DocumentStatus>,
        partner_id: TenantId,
    ) -> Self {
        let mut data = document_data(document);
        if let Some(previous) = previous {
            data["previousStatus"] = Value::String(previous.name().as_str().to_owned());
        }
        Self {
            id: EventId::new(),
            event_type: format!(
                "document.{}",
                document.status().name().as_str().to_ascii_lowercase()
            ),
            occurred_at: document.updated_at,
            partner_id,
            tenant_id: document.facts.tenant_id,
            environment: Some(document.facts.environment),
            subject: Subject::Document(document.id),
            data,
        }
    }

    fn legal_entity(
        event_type: String,
        entity: &LegalEntity,
        owner: &Tenant,
        previous_status: Value,
    ) -> Self {
        let mut data = legal_entity_data(entity);
        if !previous_status.is_null() {
            data["previousStatus"] = previous_status;
        }
        Self {
            id: EventId::new(),
            event_type,
            occurred_at: entity.updated_at,
            partner_id: owner.partner_id(),
            tenant_id: entity.tenant_id,
            environment: Some(entity.environment),
            subject: Subject::LegalEntity(entity.id),
            data,
        }
    }
}
