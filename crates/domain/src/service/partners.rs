//! Partners: created by the operator (CLI, or the first start of an empty store).

use std::sync::Arc;

use crate::api_key::{ApiKey, IssuedApiKey, NewApiKey};
use crate::clock::Clock;
use crate::codes::LanguageCode;
use crate::environment::Environment;
use crate::event::{ApiKeyChange, EventRecord, TenantChange};
use crate::ids::TenantId;
use crate::metadata::Metadata;
use crate::ports::{TenantInsert, TenantStore};
use crate::secret::MasterKey;
use crate::tenant::{BillingModels, Contact, Tenant, TenantCode, TenantKind, TenantProfile};
use crate::text::{CompanyName, KeyName};

use super::{Field, ServiceError};

/// What the operator gives to create a partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPartner {
    /// Company name.
    pub company_name: CompanyName,
    /// The environment of the first key; production also enables production.
    pub environment: Environment,
    /// The billing models the partner's tenants may have.
    pub billing_models: BillingModels,
}

/// Operator use cases about partners.
#[derive(Clone)]
pub struct PartnerService {
    tenants: Arc<dyn TenantStore>,
    clock: Arc<dyn Clock>,
    master_key: MasterKey,
}

impl std::fmt::Debug for PartnerService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartnerService").finish_non_exhaustive()
    }
}

impl PartnerService {
    /// The service over its ports.
    pub fn new(
        tenants: Arc<dyn TenantStore>,
        clock: Arc<dyn Clock>,
        master_key: MasterKey,
    ) -> Self {
        Self {
            tenants,
            clock,
            master_key,
        }
    }

    /// Creates a partner and its first API key (shown once).
    pub async fn create_partner(
        &self,
        new: NewPartner,
    ) -> Result<(Tenant, IssuedApiKey), ServiceError> {
        let now = self.clock.now();
        let code = TenantCode::derive(&new.company_name).map_err(|error| {
            ServiceError::invalid(
                Field::CompanyName,
                "tenant_code_not_derivable",
                error.to_string(),
            )
        })?;
        let tenant = Tenant {
            id: TenantId::new(),
            kind: TenantKind::Partner {
                billing_models: new.billing_models,
            },
            code,
            profile: TenantProfile {
                company_name: new.company_name,
                address: None,
                contact: Contact::default(),
                vat_number: None,
                trade_register_number: None,
                default_language: LanguageCode::FRENCH,
            },
            active: true,
            production_enabled_at: (new.environment == Environment::Production).then_some(now),
            metadata: Metadata::default(),
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        let fields = NewApiKey {
            name: KeyName::parse("initial").expect("constant key name is valid"),
            description: None,
            environment: new.environment,
            expires_at: None,
            signing_required: true,
        };
        let issued = ApiKey::issue(tenant.id, fields, &self.master_key, now);
        let events = vec![
            EventRecord::tenant(TenantChange::Created, &tenant, now),
            EventRecord::api_key(ApiKeyChange::Created, &issued.key, &tenant, now),
        ];
        let insert = TenantInsert {
            tenant,
            legal_entity: None,
            api_key: Some(issued.key.clone()),
            events,
            jobs: Vec::new(),
        };
        self.tenants.insert_tenant(&insert).await?;
        Ok((insert.tenant, issued))
    }

    /// On a store with no partner at all, creates a sandbox partner so a new user can
    /// start at once; returns it with its key, or `None` when a partner exists.
    pub async fn bootstrap(&self) -> Result<Option<(Tenant, IssuedApiKey)>, ServiceError> {
        if self.tenants.count_partners().await? > 0 {
            return Ok(None);
        }
        let new = NewPartner {
            company_name: CompanyName::parse("Sandbox Partner").expect("constant name is valid"),
            environment: Environment::Sandbox,
            billing_models: BillingModels::ALL,
        };
        self.create_partner(new).await.map(Some)
    }
}
