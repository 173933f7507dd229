//! The gateway's HTTP adapter: the partner JSON:API on axum.
//!
//! [`router`] builds the whole HTTP surface from the domain services in [`AppState`];
//! the `app` crate serves it, and tests call it in-process with `tower::ServiceExt`.

pub mod error;
pub mod extract;
pub mod query;
pub mod resources;
mod router;
pub mod smp;

pub use router::{HttpSettings, router, smp_router};

use einvoice_document_json::ParseLimits;
use einvoice_domain::service::{
    ApiKeyService, DocumentService, EventService, LegalEntityService, TenantService, WebhookService,
};

/// A readiness check for `GET /readyz`: `Ok` when the gateway can serve (its store is
/// reachable and migrated), otherwise the reason. The `app` crate supplies it.
pub type ReadinessCheck = std::sync::Arc<
    dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>>
        + Send
        + Sync,
>;

/// The JSON:API media type, used for every `/api/v1` response.
pub const JSON_API_MEDIA_TYPE: &str = "application/vnd.api+json";

/// What handlers need: the domain services and the public base URL for links.
#[derive(Clone)]
pub struct AppState {
    /// Tenant use cases.
    pub tenants: TenantService,
    /// API key use cases and authentication.
    pub api_keys: ApiKeyService,
    /// Legal entity use cases.
    pub legal_entities: LegalEntityService,
    /// Business document use cases.
    pub documents: DocumentService,
    /// The event feed.
    pub events: EventService,
    /// Webhook endpoint use cases.
    pub webhooks: WebhookService,
    /// Limits on the business documents the API parses.
    pub document_limits: ParseLimits,
    /// The gateway's public base URL without a trailing slash, e.g. `https://gw.example.com`.
    pub base_url: String,
    /// What `GET /readyz` checks.
    pub readiness: ReadinessCheck,
    /// The SMP, when it is served on this listener, with its path prefix (`/smp`).
    pub smp: Option<(String, smp::SmpState)>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}
