//! The use cases. Each service takes its ports as `Arc<dyn Port>`, checks who may do
//! what (scoping by partner, tenant and environment is decided here, not in handlers),
//! lets the entities and the state machine decide transitions, and saves each state
//! change with its event in one store call.

mod access;
mod api_keys;
mod documents;
mod events;
mod legal_entities;
mod partners;
mod publishing;
mod tenants;
mod webhooks;

pub use access::{Acting, AuthError, Caller};
pub use api_keys::{ApiKeyPatch, ApiKeyService};
pub use documents::{DocumentService, Submission, routes};
pub use events::EventService;
pub use legal_entities::{LegalEntityPatch, LegalEntityService};
pub use partners::{NewPartner, PartnerService};
pub use publishing::{Publication, PublishingService, RoutingError, RoutingService};
pub use tenants::{AddressPatch, NewTenant, TenantPatch, TenantService};
pub use webhooks::{WebhookPatch, WebhookService};

use crate::legal_entity::TransitionError;
use crate::ports::{StoreError, Uniqueness};

/// The kinds of object a caller can fail to find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// A tenant.
    Tenant,
    /// A legal entity.
    LegalEntity,
    /// An API key.
    ApiKey,
    /// A document.
    Document,
    /// A webhook endpoint.
    Webhook,
}

impl Resource {
    /// Lower-case name for messages.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Tenant => "tenant",
            Self::LegalEntity => "legal entity",
            Self::ApiKey => "API key",
            Self::Document => "document",
            Self::Webhook => "webhook endpoint",
        }
    }
}

/// Why an authenticated caller may not do something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// Only partner keys may call this.
    NotAPartner,
    /// A tenant key cannot act for another tenant (`X-Tenant-Id`).
    CannotActForOthers,
    /// The tenant has not enabled the environment of the key.
    EnvironmentNotEnabled,
    /// The partner itself has not enabled production.
    PartnerProductionNotEnabled,
    /// The tenant is deactivated.
    TenantInactive,
}

impl Denial {
    /// Stable error code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::NotAPartner => "not_a_partner",
            Self::CannotActForOthers => "cannot_act_for_other_tenants",
            Self::EnvironmentNotEnabled => "environment_not_enabled",
            Self::PartnerProductionNotEnabled => "partner_production_not_enabled",
            Self::TenantInactive => "tenant_inactive",
        }
    }

    /// Human explanation.
    pub const fn message(self) -> &'static str {
        match self {
            Self::NotAPartner => "only partner API keys may use this endpoint",
            Self::CannotActForOthers => {
                "only partner API keys may act for another tenant with X-Tenant-Id"
            }
            Self::EnvironmentNotEnabled => {
                "the tenant has not enabled the environment of this API key"
            }
            Self::PartnerProductionNotEnabled => {
                "the partner must have production enabled before enabling it for its tenants"
            }
            Self::TenantInactive => "the tenant is deactivated",
        }
    }
}

/// An input field a business rule is about. The HTTP adapter maps each to its JSON
/// pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The tenant's billing model.
    BillingModel,
    /// The tenant code.
    TenantCode,
    /// The tenant's company name (when a code is derived from it).
    CompanyName,
    /// The tenant's VAT number.
    VatNumber,
    /// The tenant's address (all parts are needed together).
    Address,
    /// An environment.
    Environment,
    /// A legal entity's participant identifier.
    Identifier,
    /// An API key's expiry.
    ExpiresAt,
    /// An API key's status.
    Status,
    /// A document's seller electronic address (BT-34), which names the sending legal
    /// entity.
    SellerEndpoint,
    /// A document's buyer electronic address (BT-49), the receiver.
    BuyerEndpoint,
    /// A webhook endpoint's scope.
    WebhookScope,
    /// The legal entity of a webhook endpoint's scope.
    WebhookLegalEntity,
}

/// A business-rule violation about one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The field.
    pub field: Field,
    /// Stable code.
    pub code: &'static str,
    /// Human explanation.
    pub message: String,
}

impl Violation {
    /// A violation.
    pub fn new(field: Field, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            code,
            message: message.into(),
        }
    }
}

/// Why a use case failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// Unknown, or not visible to the caller (existence is never leaked).
    #[error("{} not found", .0.as_str())]
    NotFound(Resource),
    /// The caller is known but may not do this.
    #[error("{}", .0.message())]
    Forbidden(Denial),
    /// Business rules refused the input; every violation is listed.
    #[error("the request breaks {} rule(s)", .0.len())]
    Invalid(Vec<Violation>),
    /// The input conflicts with existing state (duplicate, concurrent change).
    #[error("{}", .0.message)]
    Conflict(Violation),
    /// A business document breaks EN 16931 / Peppol BIS rules; every violation (fatal
    /// and warnings) is listed, with its rule id and JSON pointer.
    #[error("the document breaks {} rule(s)", .0.len())]
    Rejected(Vec<crate::document::Violation>),
    /// The lifecycle does not allow this now.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A document's lifecycle does not allow this now.
    #[error(transparent)]
    DocumentTransition(#[from] crate::rendition::DocumentTransitionError),
    /// The object was changed concurrently; retry.
    #[error("the object was changed by another request; retry")]
    ConcurrentChange,
    /// A failure that is not the caller's fault.
    #[error("unexpected failure: {0}")]
    Unexpected(String),
}

impl ServiceError {
    pub(crate) fn invalid(field: Field, code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![Violation::new(field, code, message)])
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Duplicate(Uniqueness::TenantCode) => Self::Conflict(Violation::new(
                Field::TenantCode,
                "tenant_code_taken",
                "a tenant with this tenant code already exists",
            )),
            StoreError::Duplicate(Uniqueness::ParticipantId) => Self::Conflict(Violation::new(
                Field::Identifier,
                "participant_id_taken",
                "this participant identifier is already registered by another legal entity",
            )),
            StoreError::Conflict => Self::ConcurrentChange,
            StoreError::NotFound => {
                Self::Unexpected("object vanished during the request".to_owned())
            }
            StoreError::Unexpected(message) => Self::Unexpected(message),
        }
    }
}
