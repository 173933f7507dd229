//! Partners manage their child tenants.

use std::sync::Arc;

use crate::clock::Clock;
use crate::codes::{CountryCode, LanguageCode};
use crate::environment::Environment;
use crate::event::{EventRecord, TenantChange};
use crate::ids::TenantId;
use crate::legal_entity::{LegalEntity, NewLegalEntity, Trigger};
use crate::metadata::Metadata;
use crate::participant::{VatNumber, participant_ids_for_vat};
use crate::ports::{
    LegalEntityStore, Page, StoreError, TenantInsert, TenantQuery, TenantStore, Uniqueness,
    VersionedEntity,
};
use crate::tenant::{
    BillingModel, Contact, PostalAddress, Tenant, TenantCode, TenantKind, TenantProfile,
};
use crate::text::TradeRegisterNumber;
use crate::text::{City, CompanyName, EmailAddress, PersonName, PhoneNumber, PostalCode, Street};

use super::{Caller, Denial, Field, Resource, ServiceError, Violation};

/// A new child tenant, parsed at the edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTenant {
    /// Descriptive fields (the address is required for child tenants).
    pub company_name: CompanyName,
    /// Postal address.
    pub address: PostalAddress,
    /// Contact details.
    pub contact: Contact,
    /// VAT number; when given, the default legal entity is derived from it.
    pub vat_number: Option<VatNumber>,
    /// Trade register number.
    pub trade_register_number: Option<TradeRegisterNumber>,
    /// Default language; French when not given.
    pub default_language: Option<LanguageCode>,
    /// Billing model; must be one the partner allows.
    pub billing_model: BillingModel,
    /// Explicit code; derived from the company name when not given.
    pub code: Option<TenantCode>,
    /// Caller-defined metadata.
    pub metadata: Metadata,
}

/// Parts of a postal address to change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressPatch {
    /// New street.
    pub street: Option<Street>,
    /// New postal code.
    pub postal_code: Option<PostalCode>,
    /// New city.
    pub city: Option<City>,
    /// New country.
    pub country: Option<CountryCode>,
}

/// Changes to a tenant: `None` leaves a field alone; `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TenantPatch {
    /// New company name.
    pub company_name: Option<CompanyName>,
    /// Address changes.
    pub address: AddressPatch,
    /// New or cleared contact name.
    pub contact_name: Option<Option<PersonName>>,
    /// New or cleared contact e-mail.
    pub contact_email: Option<Option<EmailAddress>>,
    /// New or cleared contact phone.
    pub contact_phone: Option<Option<PhoneNumber>>,
    /// New or cleared VAT number (the default legal entity is not changed).
    pub vat_number: Option<Option<VatNumber>>,
    /// New or cleared trade register number.
    pub trade_register_number: Option<Option<TradeRegisterNumber>>,
    /// New default language.
    pub default_language: Option<LanguageCode>,
    /// New billing model.
    pub billing_model: Option<BillingModel>,
    /// New code.
    pub code: Option<TenantCode>,
    /// Activate or deactivate.
    pub active: Option<bool>,
    /// Replacement metadata.
    pub metadata: Option<Metadata>,
}

/// Partner use cases about child tenants.
#[derive(Clone)]
pub struct TenantService {
    tenants: Arc<dyn TenantStore>,
    legal_entities: Arc<dyn LegalEntityStore>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for TenantService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantService").finish_non_exhaustive()
    }
}

fn require_partner(caller: &Caller) -> Result<TenantId, ServiceError> {
    if caller.is_partner() {
        Ok(caller.tenant.id)
    } else {
        Err(ServiceError::Forbidden(Denial::NotAPartner))
    }
}

/// The default legal entity of a tenant in `environment`, derived from its VAT number.
fn default_legal_entity(
    tenant: &Tenant,
    environment: Environment,
    at: time::OffsetDateTime,
) -> Option<LegalEntity> {
    let vat = tenant.profile.vat_number.as_ref()?;
    let identifier = participant_ids_for_vat(vat).into_iter().next()?;
    let fields = NewLegalEntity {
        company_name: tenant.profile.company_name.clone(),
        country: vat.country(),
        identifier,
        external_id: None,
        metadata: Metadata::default(),
    };
    Some(LegalEntity::create(tenant.id, environment, fields, at))
}

fn vat_taken() -> ServiceError {
    ServiceError::Conflict(Violation::new(
        Field::VatNumber,
        "participant_id_taken",
        "the participant identifier derived from this VAT number is already registered by another legal entity",
    ))
}

impl TenantService {
    /// The service over its ports.
    pub fn new(
        tenants: Arc<dyn TenantStore>,
        legal_entities: Arc<dyn LegalEntityStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            tenants,
            legal_entities,
            clock,
        }
    }

    /// The child tenant `id` of the calling partner, or `NotFound`.
    async fn child(&self, caller: &Caller, id: TenantId) -> Result<Tenant, ServiceError> {
        let partner = require_partner(caller)?;
        match self.tenants.tenant(id).await? {
            Some(tenant) if tenant.partner_id() == partner && tenant.id != partner => Ok(tenant),
            _ => Err(ServiceError::NotFound(Resource::Tenant)),
        }
    }

    /// A tenant the partner may manage keys and environments of: a child, or itself.
    pub async fn get_manageable(
        &self,
        caller: &Caller,
        id: TenantId,
    ) -> Result<Tenant, ServiceError> {
        let partner = require_partner(caller)?;
        if id == partner {
            return self
                .tenants
                .tenant(id)
                .await?
                .ok_or(ServiceError::NotFound(Resource::Tenant));
        }
        self.child(caller, id).await
    }

    /// Creates a child tenant of the calling partner; with a VAT number, also its
    /// default legal entity in sandbox (the only environment a new tenant has), which
    /// starts its lifecycle in `pending`.
    pub async fn create(
        &self,
        caller: &Caller,
        new: NewTenant,
    ) -> Result<(Tenant, Option<LegalEntity>), ServiceError> {
        let partner = require_partner(caller)?;
        let TenantKind::Partner { billing_models } = caller.tenant.kind else {
            return Err(ServiceError::Forbidden(Denial::NotAPartner));
        };
        let mut violations = Vec::new();
        if !billing_models.allows(new.billing_model) {
            violations.push(Violation::new(
                Field::BillingModel,
                "billing_model_not_allowed",
                format!(
                    "the partner's subscription does not include the {} billing model",
                    new.billing_model.as_str()
                ),
            ));
        }
        let code = match new.code {
            Some(code) => Some(code),
            None => match TenantCode::derive(&new.company_name) {
                Ok(code) => Some(code),
                Err(error) => {
                    violations.push(Violation::new(
                        Field::TenantCode,
                        "tenant_code_not_derivable",
                        error.to_string(),
                    ));
                    None
                }
            },
        };
        let (Some(code), true) = (code, violations.is_empty()) else {
            return Err(ServiceError::Invalid(violations));
        };
        let now = self.clock.now();
        let tenant = Tenant {
            id: TenantId::new(),
            kind: TenantKind::Child {
                partner,
                billing_model: new.billing_model,
            },
            code,
            profile: TenantProfile {
                company_name: new.company_name,
                address: Some(new.address),
                contact: new.contact,
                vat_number: new.vat_number,
                trade_register_number: new.trade_register_number,
                default_language: new.default_language.unwrap_or(LanguageCode::FRENCH),
            },
            active: true,
            production_enabled_at: None,
            metadata: new.metadata,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        let legal_entity = default_legal_entity(&tenant, Environment::Sandbox, now);
        let mut events = vec![EventRecord::tenant(TenantChange::Created, &tenant, now)];
        events.extend(
            legal_entity
                .iter()
                .map(|entity| EventRecord::legal_entity_created(entity, &tenant)),
        );
        let insert = TenantInsert {
            tenant,
            legal_entity,
            api_key: None,
            events,
            jobs: Vec::new(),
        };
        match self.tenants.insert_tenant(&insert).await {
            Ok(()) => Ok((insert.tenant, insert.legal_entity)),
            Err(StoreError::Duplicate(Uniqueness::ParticipantId)) => Err(vat_taken()),
            Err(error) => Err(error.into()),
        }
    }

    /// One of the calling partner's child tenants.
    pub async fn get(&self, caller: &Caller, id: TenantId) -> Result<Tenant, ServiceError> {
        self.child(caller, id).await
    }

    /// The calling partner's child tenants.
    pub async fn list(
        &self,
        caller: &Caller,
        query: &TenantQuery,
    ) -> Result<Page<Tenant>, ServiceError> {
        let partner = require_partner(caller)?;
        Ok(self.tenants.list_tenants(partner, query).await?)
    }

    /// Changes a child tenant.
    pub async fn update(
        &self,
        caller: &Caller,
        id: TenantId,
        patch: TenantPatch,
    ) -> Result<Tenant, ServiceError> {
        let mut tenant = self.child(caller, id).await?;
        let TenantKind::Partner { billing_models } = caller.tenant.kind else {
            return Err(ServiceError::Forbidden(Denial::NotAPartner));
        };
        let mut violations = Vec::new();
        if let Some(model) = patch.billing_model {
            if billing_models.allows(model) {
                if let TenantKind::Child { partner, .. } = tenant.kind {
                    tenant.kind = TenantKind::Child {
                        partner,
                        billing_model: model,
                    };
                }
            } else {
                violations.push(Violation::new(
                    Field::BillingModel,
                    "billing_model_not_allowed",
                    format!(
                        "the partner's subscription does not include the {} billing model",
                        model.as_str()
                    ),
                ));
            }
        }
        let profile = &mut tenant.profile;
        let address_patch = patch.address;
        let touches_address = address_patch != AddressPatch::default();
        match (&mut profile.address, touches_address) {
            (Some(address), true) => {
                if let Some(street) = address_patch.street {
                    address.street = street;
                }
                if let Some(postal_code) = address_patch.postal_code {
                    address.postal_code = postal_code;
                }
                if let Some(city) = address_patch.city {
                    address.city = city;
                }
                if let Some(country) = address_patch.country {
                    address.country = country;
                }
            }
            (None, true) => match address_patch {
                AddressPatch {
                    street: Some(street),
                    postal_code: Some(postal_code),
                    city: Some(city),
                    country: Some(country),
                } => {
                    profile.address = Some(PostalAddress {
                        street,
                        postal_code,
                        city,
                        country,
                    });
                }
                _ => violations.push(Violation::new(
                    Field::Address,
                    "address_incomplete",
                    "give street, postal code, city and country together",
                )),
            },
            (_, false) => {}
        }
        if !violations.is_empty() {
            return Err(ServiceError::Invalid(violations));
        }
        if let Some(name) = patch.company_name {
            profile.company_name = name;
        }
        if let Some(name) = patch.contact_name {
            profile.contact.name = name;
        }
        if let Some(email) = patch.contact_email {
            profile.contact.email = email;
        }
        if let Some(phone) = patch.contact_phone {
            profile.contact.phone = phone;
        }
        if let Some(vat) = patch.vat_number {
            profile.vat_number = vat;
        }
        if let Some(number) = patch.trade_register_number {
            profile.trade_register_number = number;
        }
        if let Some(language) = patch.default_language {
            profile.default_language = language;
        }
        if let Some(code) = patch.code {
            tenant.code = code;
        }
        if let Some(active) = patch.active {
            tenant.active = active;
        }
        if let Some(metadata) = patch.metadata {
            tenant.metadata = metadata;
        }
        let now = self.clock.now();
        tenant.updated_at = now;
        let event = EventRecord::tenant(TenantChange::Updated, &tenant, now);
        self.tenants
            .update_tenant(&tenant, &[], &[event], &[])
            .await?;
        Ok(tenant)
    }

    /// Soft-deletes a child tenant and archives its legal entities.
    pub async fn delete(&self, caller: &Caller, id: TenantId) -> Result<(), ServiceError> {
        let mut tenant = self.child(caller, id).await?;
        let now = self.clock.now();
        let mut archived = Vec::new();
        let mut events = Vec::new();
        for mut entity in self.legal_entities.live_legal_entities(tenant.id).await? {
            let expected_version = entity.version();
            let previous = entity.apply(Trigger::Archive, now)?;
            events.push(EventRecord::legal_entity_transition(
                &entity, previous, &tenant,
            ));
            archived.push(VersionedEntity {
                entity,
                expected_version,
            });
        }
        tenant.deleted_at = Some(now);
        tenant.updated_at = now;
        events.push(EventRecord::tenant(TenantChange::Deleted, &tenant, now));
        self.tenants
            .delete_tenant(&tenant, &archived, &events)
            .await?;
        Ok(())
    }

    /// Enables production for a child tenant (or the partner itself, when it already
    /// has production): irreversible and idempotent. With a VAT number, the tenant's
    /// default legal entity is created in production as well.
    pub async fn enable_production(
        &self,
        caller: &Caller,
        id: TenantId,
    ) -> Result<Tenant, ServiceError> {
        let mut tenant = self.get_manageable(caller, id).await?;
        if !caller.tenant.has_environment(Environment::Production) {
            return Err(ServiceError::Forbidden(Denial::PartnerProductionNotEnabled));
        }
        if tenant.has_environment(Environment::Production) {
            return Ok(tenant);
        }
        let now = self.clock.now();
        tenant.production_enabled_at = Some(now);
        tenant.updated_at = now;
        let enabled = EventRecord::tenant(TenantChange::ProductionEnabled, &tenant, now);
        let Some(entity) = default_legal_entity(&tenant, Environment::Production, now) else {
            self.tenants
                .update_tenant(&tenant, &[], &[enabled], &[])
                .await?;
            return Ok(tenant);
        };
        let created = EventRecord::legal_entity_created(&entity, &tenant);
        match self
            .tenants
            .update_tenant(
                &tenant,
                std::slice::from_ref(&entity),
                &[enabled.clone(), created],
                &[],
            )
            .await
        {
            Ok(()) => {}
            // Another tenant already holds the derived participant id in production:
            // production is enabled all the same, without a default entity; the partner
            // can create the tenant's entities explicitly.
            Err(StoreError::Duplicate(Uniqueness::ParticipantId)) => {
                self.tenants
                    .update_tenant(&tenant, &[], &[enabled], &[])
                    .await?;
            }
            Err(error) => return Err(error.into()),
        }
        Ok(tenant)
    }
}
