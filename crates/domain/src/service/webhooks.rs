//! Webhook endpoints of a tenant (or of a partner, for its whole scope).

use std::sync::Arc;

use crate::clock::Clock;
use crate::ids::WebhookId;
use crate::ports::{LegalEntityStore, Page, WebhookQuery, WebhookStore};
use crate::secret::MasterKey;
use crate::webhook::{
    CreatedWebhook, Description, EventSelector, NewWebhook, WebhookEndpoint, WebhookScope,
    WebhookUrl,
};

use super::{Acting, Field, Resource, ServiceError};

/// Changes to an endpoint; `None` keeps a field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookPatch {
    /// New URL.
    pub url: Option<WebhookUrl>,
    /// New event patterns.
    pub events: Option<EventSelector>,
    /// New or cleared description.
    pub description: Option<Option<Description>>,
    /// Enable or disable deliveries.
    pub enabled: Option<bool>,
}

/// Use cases about webhook endpoints, always in the request's environment.
#[derive(Clone)]
pub struct WebhookService {
    webhooks: Arc<dyn WebhookStore>,
    legal_entities: Arc<dyn LegalEntityStore>,
    clock: Arc<dyn Clock>,
    master_key: MasterKey,
}

impl std::fmt::Debug for WebhookService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookService").finish_non_exhaustive()
    }
}

impl WebhookService {
    /// The service over its ports.
    pub fn new(
        webhooks: Arc<dyn WebhookStore>,
        legal_entities: Arc<dyn LegalEntityStore>,
        clock: Arc<dyn Clock>,
        master_key: MasterKey,
    ) -> Self {
        Self {
            webhooks,
            legal_entities,
            clock,
            master_key,
        }
    }

    /// Creates an endpoint; its secret is in the result, and nowhere else in clear.
    ///
    /// # Errors
    /// [`ServiceError::Invalid`] for a partner scope asked by anyone but a partner acting
    /// for itself, or a legal-entity scope naming no entity of the tenant here.
    pub async fn create(
        &self,
        acting: &Acting,
        fields: NewWebhook,
    ) -> Result<CreatedWebhook, ServiceError> {
        match fields.scope {
            WebhookScope::Partner => {
                let partner_itself =
                    acting.caller.is_partner() && acting.tenant.id == acting.caller.tenant.id;
                if !partner_itself {
                    return Err(ServiceError::invalid(
                        Field::WebhookScope,
                        "partner_scope_not_allowed",
                        "the partner scope is for partner keys acting for the partner itself; \
                         use tenant or legal-entity",
                    ));
                }
            }
            WebhookScope::LegalEntity(id) => {
                let found = self
                    .legal_entities
                    .legal_entity(acting.tenant.id, acting.environment(), id)
                    .await?;
                if found.is_none() {
                    return Err(ServiceError::invalid(
                        Field::WebhookLegalEntity,
                        "legal_entity_not_found",
                        "no legal entity of this tenant in this environment has this id",
                    ));
                }
            }
            WebhookScope::Tenant => {}
        }
        let created = WebhookEndpoint::create(
            acting.tenant.id,
            acting.environment(),
            fields,
            &self.master_key,
            self.clock.now(),
        );
        self.webhooks.insert_webhook(&created.endpoint).await?;
        Ok(created)
    }

    /// One endpoint of the acting tenant.
    pub async fn get(
        &self,
        acting: &Acting,
        id: WebhookId,
    ) -> Result<WebhookEndpoint, ServiceError> {
        self.webhooks
            .webhook(acting.tenant.id, acting.environment(), id)
            .await?
            .ok_or(ServiceError::NotFound(Resource::Webhook))
    }

    /// The acting tenant's endpoints.
    pub async fn list(
        &self,
        acting: &Acting,
        query: &WebhookQuery,
    ) -> Result<Page<WebhookEndpoint>, ServiceError> {
        Ok(self
            .webhooks
            .list_webhooks(acting.tenant.id, acting.environment(), query)
            .await?)
    }

    /// Changes an endpoint.
    pub async fn update(
        &self,
        acting: &Acting,
        id: WebhookId,
        patch: WebhookPatch,
    ) -> Result<WebhookEndpoint, ServiceError> {
        let mut endpoint = self.get(acting, id).await?;
        let expected_version = endpoint.version;
        if let Some(url) = patch.url {
            endpoint.url = url;
        }
        if let Some(events) = patch.events {
            endpoint.events = events;
        }
        if let Some(description) = patch.description {
            endpoint.description = description;
        }
        if let Some(enabled) = patch.enabled {
            endpoint.enabled = enabled;
        }
        endpoint.version += 1;
        endpoint.updated_at = self.clock.now();
        self.webhooks
            .update_webhook(&endpoint, expected_version)
            .await?;
        Ok(endpoint)
    }

    /// Deletes an endpoint.
    pub async fn delete(&self, acting: &Acting, id: WebhookId) -> Result<(), ServiceError> {
        match self
            .webhooks
            .delete_webhook(acting.tenant.id, acting.environment(), id)
            .await
        {
            Err(crate::ports::StoreError::NotFound) => {
                Err(ServiceError::NotFound(Resource::Webhook))
            }
            other => Ok(other?),
        }
    }
}
