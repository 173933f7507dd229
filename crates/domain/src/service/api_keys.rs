//! API keys: partners provision them for themselves and their tenants; every request
//! authenticates with one.

use std::sync::Arc;

use time::{Duration, OffsetDateTime};

use crate::api_key::{ApiKey, ApiKeyStatus, IssuedApiKey, KeyUnusable, NewApiKey, PresentedToken};
use crate::clock::Clock;
use crate::event::{ApiKeyChange, EventRecord};
use crate::ids::{ApiKeyId, TenantId};
use crate::ports::{ApiKeyQuery, ApiKeyStore, Page, TenantStore};
use crate::secret::MasterKey;
use crate::tenant::Tenant;
use crate::text::{Description, KeyName};

use super::tenants::TenantService;
use super::{Acting, AuthError, Caller, Denial, Field, Resource, ServiceError, Violation};

/// `last_used_at` is written at most this often per key.
const LAST_USED_GRANULARITY: Duration = Duration::minutes(1);

/// Changes to a key: `None` leaves a field alone; `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiKeyPatch {
    /// New name.
    pub name: Option<KeyName>,
    /// New or cleared description.
    pub description: Option<Option<Description>>,
    /// Enable (`true`) or disable (`false`).
    pub enabled: Option<bool>,
    /// New or cleared expiry.
    pub expires_at: Option<Option<OffsetDateTime>>,
}

/// Key provisioning and request authentication.
#[derive(Clone)]
pub struct ApiKeyService {
    api_keys: Arc<dyn ApiKeyStore>,
    tenants: Arc<dyn TenantStore>,
    tenant_service: TenantService,
    clock: Arc<dyn Clock>,
    master_key: MasterKey,
}

impl std::fmt::Debug for ApiKeyService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyService").finish_non_exhaustive()
    }
}

impl ApiKeyService {
    /// The service over its ports.
    pub fn new(
        api_keys: Arc<dyn ApiKeyStore>,
        tenants: Arc<dyn TenantStore>,
        tenant_service: TenantService,
        clock: Arc<dyn Clock>,
        master_key: MasterKey,
    ) -> Self {
        Self {
            api_keys,
            tenants,
            tenant_service,
            clock,
            master_key,
        }
    }

    /// Authenticates a bearer token: the key must exist and be usable, and its tenant
    /// (and that tenant's partner) must exist, be active and have the key's environment.
    pub async fn authenticate(&self, token: &str) -> Result<Caller, AuthError> {
        let presented = PresentedToken::parse(token).map_err(|_| AuthError::Malformed)?;
        let unexpected = |error: crate::ports::StoreError| AuthError::Unexpected(error.to_string());
        let key = self
            .api_keys
            .api_key_by_hash(&presented.hash())
            .await
            .map_err(unexpected)?
            .ok_or(AuthError::UnknownKey)?;
        let now = self.clock.now();
        key.usable_at(now).map_err(|reason| match reason {
            KeyUnusable::Disabled => AuthError::Disabled,
            KeyUnusable::Revoked => AuthError::Revoked,
            KeyUnusable::Expired => AuthError::Expired,
        })?;
        let tenant = self
            .tenants
            .tenant(key.tenant_id)
            .await
            .map_err(unexpected)?
            .ok_or(AuthError::TenantDeleted)?;
        if !tenant.is_partner() {
            let partner = self
                .tenants
                .tenant(tenant.partner_id())
                .await
                .map_err(unexpected)?
                .ok_or(AuthError::TenantDeleted)?;
            if !partner.active {
                return Err(AuthError::TenantInactive);
            }
        }
        if !tenant.active {
            return Err(AuthError::TenantInactive);
        }
        if !tenant.has_environment(key.environment) {
            return Err(AuthError::EnvironmentNotEnabled);
        }
        let stale = key
            .last_used_at
            .is_none_or(|last| now - last >= LAST_USED_GRANULARITY);
        if stale {
            self.api_keys
                .record_api_key_use(key.id, now)
                .await
                .map_err(unexpected)?;
        }
        Ok(Caller { key, tenant })
    }

    /// The tenant a request acts for: the caller's own, or, for a partner sending
    /// `X-Tenant-Id`, one of its children (which must have the key's environment).
    pub async fn act_for(
        &self,
        caller: Caller,
        tenant: Option<TenantId>,
    ) -> Result<Acting, ServiceError> {
        let Some(id) = tenant.filter(|id| *id != caller.tenant.id) else {
            let tenant = caller.tenant.clone();
            return Ok(Acting { caller, tenant });
        };
        if !caller.is_partner() {
            return Err(ServiceError::Forbidden(Denial::CannotActForOthers));
        }
        let tenant = self.tenant_service.get(&caller, id).await?;
        if !tenant.active {
            return Err(ServiceError::Forbidden(Denial::TenantInactive));
        }
        if !tenant.has_environment(caller.environment()) {
            return Err(ServiceError::Forbidden(Denial::EnvironmentNotEnabled));
        }
        Ok(Acting { caller, tenant })
    }

    /// The signing secret of the caller's key (to verify request signatures).
    pub fn signing_secret(&self, key: &ApiKey) -> Result<crate::secret::Redacted, ServiceError> {
        key.signing_secret(&self.master_key)
            .map_err(|error| ServiceError::Unexpected(error.to_string()))
    }

    async fn owner(&self, caller: &Caller, tenant: TenantId) -> Result<Tenant, ServiceError> {
        self.tenant_service.get_manageable(caller, tenant).await
    }

    /// Issues a key for the partner itself or one of its tenants; the token and signing
    /// secret are in the result and nowhere else.
    pub async fn create(
        &self,
        caller: &Caller,
        tenant: TenantId,
        fields: NewApiKey,
    ) -> Result<IssuedApiKey, ServiceError> {
        let owner = self.owner(caller, tenant).await?;
        if !owner.has_environment(fields.environment) {
            return Err(ServiceError::Conflict(Violation::new(
                Field::Environment,
                "environment_not_enabled",
                format!(
                    "the tenant has not enabled {}; enable it first",
                    fields.environment
                ),
            )));
        }
        let now = self.clock.now();
        if fields.expires_at.is_some_and(|at| at <= now) {
            return Err(ServiceError::invalid(
                Field::ExpiresAt,
                "expiry_in_the_past",
                "expiresAt must be in the future",
            ));
        }
        let issued = ApiKey::issue(owner.id, fields, &self.master_key, now);
        let event = EventRecord::api_key(ApiKeyChange::Created, &issued.key, &owner, now);
        self.api_keys.insert_api_key(&issued.key, &[event]).await?;
        Ok(issued)
    }

    /// A tenant's keys (never their tokens).
    pub async fn list(
        &self,
        caller: &Caller,
        tenant: TenantId,
        query: &ApiKeyQuery,
    ) -> Result<Page<ApiKey>, ServiceError> {
        let owner = self.owner(caller, tenant).await?;
        Ok(self.api_keys.list_api_keys(owner.id, query).await?)
    }

    /// The tenant's most recently created key that is not revoked.
    pub async fn latest(&self, caller: &Caller, tenant: TenantId) -> Result<ApiKey, ServiceError> {
        let owner = self.owner(caller, tenant).await?;
        self.api_keys
            .latest_api_key(owner.id)
            .await?
            .ok_or(ServiceError::NotFound(Resource::ApiKey))
    }

    /// One key.
    pub async fn get(
        &self,
        caller: &Caller,
        tenant: TenantId,
        id: ApiKeyId,
    ) -> Result<ApiKey, ServiceError> {
        let owner = self.owner(caller, tenant).await?;
        self.api_keys
            .api_key(owner.id, id)
            .await?
            .ok_or(ServiceError::NotFound(Resource::ApiKey))
    }

    /// Renames, describes, enables/disables or sets the expiry of a key. Revoked keys
    /// cannot change.
    pub async fn update(
        &self,
        caller: &Caller,
        tenant: TenantId,
        id: ApiKeyId,
        patch: ApiKeyPatch,
    ) -> Result<ApiKey, ServiceError> {
        let owner = self.owner(caller, tenant).await?;
        let mut key = self
            .api_keys
            .api_key(owner.id, id)
            .await?
            .ok_or(ServiceError::NotFound(Resource::ApiKey))?;
        if matches!(key.status, ApiKeyStatus::Revoked { .. }) {
            return Err(ServiceError::Conflict(Violation::new(
                Field::Status,
                "api_key_revoked",
                "a revoked key cannot be changed",
            )));
        }
        let now = self.clock.now();
        if let Some(Some(at)) = patch.expires_at
            && at <= now
        {
            return Err(ServiceError::invalid(
                Field::ExpiresAt,
                "expiry_in_the_past",
                "expiresAt must be in the future",
            ));
        }
        if let Some(name) = patch.name {
            key.name = name;
        }
        if let Some(description) = patch.description {
            key.description = description;
        }
        if let Some(enabled) = patch.enabled {
            key.status = if enabled {
                ApiKeyStatus::Enabled
            } else {
                ApiKeyStatus::Disabled
            };
        }
        if let Some(expires_at) = patch.expires_at {
            key.expires_at = expires_at;
        }
        key.updated_at = now;
        let event = EventRecord::api_key(ApiKeyChange::Updated, &key, &owner, now);
        self.api_keys.update_api_key(&key, &[event]).await?;
        Ok(key)
    }

    /// Revokes a key for good; revoking a revoked key changes nothing.
    pub async fn revoke(
        &self,
        caller: &Caller,
        tenant: TenantId,
        id: ApiKeyId,
    ) -> Result<ApiKey, ServiceError> {
        let owner = self.owner(caller, tenant).await?;
        let mut key = self
            .api_keys
            .api_key(owner.id, id)
            .await?
            .ok_or(ServiceError::NotFound(Resource::ApiKey))?;
        if matches!(key.status, ApiKeyStatus::Revoked { .. }) {
            return Ok(key);
        }
        let now = self.clock.now();
        key.status = ApiKeyStatus::Revoked { at: now };
        key.updated_at = now;
        let event = EventRecord::api_key(ApiKeyChange::Revoked, &key, &owner, now);
        self.api_keys.update_api_key(&key, &[event]).await?;
        Ok(key)
    }
}
