//! The use cases over the in-memory store and a manual clock, one behaviour per test.

use std::sync::Arc;

use einvoice_domain::api_key::{ApiKey, ApiKeyStatus, IssuedApiKey, KeyHash, NewApiKey};
use einvoice_domain::clock::Clock as _;
use einvoice_domain::codes::CountryCode;
use einvoice_domain::environment::Environment::{self, Production, Sandbox};
use einvoice_domain::event::StoredEvent;
use einvoice_domain::ids::{LegalEntityId, TenantId};
use einvoice_domain::legal_entity::{
    LegalEntity, LegalEntityStatus, NewLegalEntity, StatusName, TransitionError, Trigger,
    VerificationFailure,
};
use einvoice_domain::metadata::Metadata;
use einvoice_domain::participant::VatNumber;
use einvoice_domain::ports::{
    ApiKeyQuery, ApiKeyStore as _, EventLog as _, EventQuery, LegalEntityQuery,
    LegalEntityStore as _, StoreError, TenantQuery, TenantStore as _,
};
use einvoice_domain::service::{
    Acting, ApiKeyPatch, ApiKeyService, AuthError, Caller, Denial, Field, LegalEntityPatch,
    LegalEntityService, NewPartner, NewTenant, PartnerService, Resource, ServiceError, TenantPatch,
    TenantService,
};
use einvoice_domain::tenant::{
    BillingModel, BillingModels, Contact, PostalAddress, Tenant, TenantCode, TenantKind,
};
use einvoice_domain::testing::{
    InMemoryStore, ManualClock, MockApiKeyStore, MockLegalEntityStore, MockTenantStore, fixtures,
};
use einvoice_domain::text::{
    City, CompanyName, EmailAddress, ExternalId, KeyName, PostalCode, Street,
};
use time::{Duration, OffsetDateTime};

/// A Belgian VAT number (enterprise number `0123456749`, mod 97).
const BE_VAT: &str = "BE0123456749";
/// A Luxembourg VAT number: `150274 % 89 == 42`.
const LU_VAT: &str = "LU15027442";

/// Every service over one in-memory store and one manual clock.
struct World {
    store: Arc<InMemoryStore>,
    clock: Arc<ManualClock>,
    partners: PartnerService,
    tenants: TenantService,
    keys: ApiKeyService,
    entities: LegalEntityService,
}

impl World {
    fn new() -> Self {
        let store = Arc::new(InMemoryStore::new());
        let clock = Arc::new(ManualClock::new(fixtures::T0));
        let tenants = TenantService::new(store.clone(), store.clone(), clock.clone());
        let keys = ApiKeyService::new(
            store.clone(),
            store.clone(),
            tenants.clone(),
            clock.clone(),
            fixtures::master_key(),
        );
        let partners = PartnerService::new(store.clone(), clock.clone(), fixtures::master_key());
        let entities = LegalEntityService::new(store.clone(), clock.clone());
        Self {
            store,
            clock,
            partners,
            tenants,
            keys,
            entities,
        }
    }

    fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// A new partner, logged in with its first key (in `environment`).
    async fn partner(&self, name: &str, environment: Environment) -> Caller {
        let new = NewPartner {
            company_name: company(name),
            environment,
            billing_models: BillingModels::ALL,
        };
        let (_, issued) = self.partners.create_partner(new).await.unwrap();
        self.login(&issued).await
    }

    async fn login(&self, issued: &IssuedApiKey) -> Caller {
        self.keys.authenticate(issued.token.expose()).await.unwrap()
    }

    async fn refusal(&self, issued: &IssuedApiKey) -> AuthError {
        self.keys
            .authenticate(issued.token.expose())
            .await
            .unwrap_err()
    }

    /// A child tenant of `partner`, without VAT number.
    async fn child(&self, partner: &Caller, name: &str) -> Tenant {
        self.tenants
            .create(partner, new_tenant(name))
            .await
            .unwrap()
            .0
    }

    /// A child tenant of `partner` and its default sandbox legal entity.
    async fn child_with_vat(
        &self,
        partner: &Caller,
        name: &str,
        vat: &str,
    ) -> (Tenant, LegalEntity) {
        let (tenant, entity) = self
            .tenants
            .create(partner, with_vat(name, vat))
            .await
            .unwrap();
        (
            tenant,
            entity.expect("a VAT number gives a default legal entity"),
        )
    }

    async fn issue(
        &self,
        partner: &Caller,
        tenant: TenantId,
        environment: Environment,
    ) -> IssuedApiKey {
        self.keys
            .create(partner, tenant, key_fields("ci", environment))
            .await
            .unwrap()
    }

    /// A caller with a fresh key of `tenant`, issued by `partner`.
    async fn caller_of(
        &self,
        partner: &Caller,
        tenant: TenantId,
        environment: Environment,
    ) -> Caller {
        let issued = self.issue(partner, tenant, environment).await;
        self.login(&issued).await
    }

    async fn acting(&self, caller: &Caller, tenant: TenantId) -> Acting {
        self.keys
            .act_for(caller.clone(), Some(tenant))
            .await
            .unwrap()
    }

    async fn stored_key(&self, key: &ApiKey) -> ApiKey {
        self.store
            .api_key(key.tenant_id, key.id)
            .await
            .unwrap()
            .unwrap()
    }

    async fn stored_entity(&self, entity: &LegalEntity) -> LegalEntity {
        self.store
            .legal_entity(entity.tenant_id, entity.environment, entity.id)
            .await
            .unwrap()
            .unwrap()
    }

    /// The events in `partner`'s scope about (or in) `tenant`, in order.
    async fn events(&self, partner: &Caller, tenant: TenantId) -> Vec<StoredEvent> {
        let query = EventQuery::partner(partner.tenant.id, 0, 1_000);
        let events = self.store.events(query).await.unwrap();
        events
            .into_iter()
            .filter(|event| event.record.tenant_id == tenant)
            .collect()
    }

    async fn event_types(&self, partner: &Caller, tenant: TenantId) -> Vec<String> {
        let events = self.events(partner, tenant).await;
        events
            .into_iter()
            .map(|event| event.record.event_type)
            .collect()
    }

    async fn entity_event_types(&self, acting: &Acting, entity: LegalEntityId) -> Vec<String> {
        let events = self.events(&acting.caller, acting.tenant.id).await;
        events
            .into_iter()
            .filter(|event| event.record.subject.id() == entity.to_string())
            .map(|event| event.record.event_type)
            .collect()
    }
}

fn company(name: &str) -> CompanyName {
    CompanyName::parse(name).unwrap()
}

fn new_tenant(name: &str) -> NewTenant {
    NewTenant {
        company_name: company(name),
        address: PostalAddress {
            street: Street::parse("2 rue de la Gare").unwrap(),
            postal_code: PostalCode::parse("L-1611").unwrap(),
            city: City::parse("Luxembourg").unwrap(),
            country: CountryCode::parse("LU").unwrap(),
        },
        contact: Contact {
            name: None,
            email: Some(EmailAddress::parse("max@kunde.lu").unwrap()),
            phone: None,
        },
        vat_number: None,
        trade_register_number: None,
        default_language: None,
        billing_model: BillingModel::Seats,
        code: None,
        metadata: Metadata::default(),
    }
}

fn with_vat(name: &str, vat: &str) -> NewTenant {
    NewTenant {
        vat_number: Some(VatNumber::parse(vat).unwrap()),
        ..new_tenant(name)
    }
}

fn key_fields(name: &str, environment: Environment) -> NewApiKey {
    NewApiKey {
        name: KeyName::parse(name).unwrap(),
        description: None,
        environment,
        expires_at: None,
    }
}

/// A Belgian legal entity with participant id `0208:<seed>`.
fn entity_fields(seed: u32) -> NewLegalEntity {
    NewLegalEntity {
        company_name: company("Entity SRL"),
        country: CountryCode::parse("BE").unwrap(),
        identifier: fixtures::participant_id(seed),
        external_id: None,
        metadata: Metadata::default(),
    }
}

fn participant_ids(entity: &LegalEntity) -> Vec<String> {
    entity
        .participant_ids()
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The field and code of a single violation (`Invalid` with one entry, or `Conflict`).
fn violation<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> (Field, &'static str) {
    match result {
        Err(ServiceError::Conflict(violation)) => (violation.field, violation.code),
        Err(ServiceError::Invalid(violations)) => match violations.as_slice() {
            [violation] => (violation.field, violation.code),
            other => panic!("expected one violation, got {other:?}"),
        },
        other => panic!("expected a violation, got {other:?}"),
    }
}

// ---- partners ----------------------------------------------------------------------

#[tokio::test]
async fn bootstrap_creates_a_sandbox_partner_with_a_usable_key() {
    let world = World::new();
    let (partner, issued) = world
        .partners
        .bootstrap()
        .await
        .unwrap()
        .expect("empty store");
    assert!(partner.is_partner());
    assert_eq!(partner.code.as_str(), "SANDBOX-PARTNER");
    assert_eq!(partner.environments(), [Sandbox]);
    assert_eq!(issued.key.environment, Sandbox);
    let caller = world.login(&issued).await;
    assert_eq!(caller.tenant, partner);
    assert_eq!(
        world.event_types(&caller, partner.id).await,
        ["tenant.created", "api_key.created"]
    );
}

#[tokio::test]
async fn bootstrap_does_nothing_once_a_partner_exists() {
    let world = World::new();
    world
        .partners
        .bootstrap()
        .await
        .unwrap()
        .expect("empty store");
    let second = world.partners.bootstrap().await.unwrap();
    assert_eq!(second.map(|(tenant, _)| tenant.id), None);
}

#[tokio::test]
async fn partner_created_in_production_has_production_and_a_live_key() {
    let world = World::new();
    let new = NewPartner {
        company_name: company("Live Partner"),
        environment: Production,
        billing_models: BillingModels::ALL,
    };
    let (partner, issued) = world.partners.create_partner(new).await.unwrap();
    assert_eq!(partner.production_enabled_at, Some(fixtures::T0));
    assert_eq!(partner.environments(), [Sandbox, Production]);
    assert!(issued.token.expose().starts_with("eig_live_"));
    assert_eq!(world.login(&issued).await.environment(), Production);
}

// ---- authentication ----------------------------------------------------------------

#[tokio::test]
async fn valid_token_authenticates_its_key_and_tenant() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let child = world.child(&partner, "Kunde GmbH").await;
    let issued = world.issue(&partner, child.id, Sandbox).await;
    let caller = world.login(&issued).await;
    assert_eq!(caller.key.id, issued.key.id);
    assert_eq!(caller.tenant, child);
    assert_eq!(caller.environment(), Sandbox);
    assert!(!caller.is_partner());
}

#[tokio::test]
async fn token_of_the_wrong_shape_is_malformed() {
    let world = World::new();
    world.partner("Acme", Sandbox).await;
    for token in [
        "",
        "sk_live_123",
        "eig_sandbox_short",
        &format!("eig_test_{}", "a".repeat(32)),
    ] {
        assert_eq!(
            world.keys.authenticate(token).await.unwrap_err(),
            AuthError::Malformed,
            "{token}"
        );
    }
}

#[tokio::test]
async fn well_formed_unknown_token_is_unknown() {
    let world = World::new();
    world.partner("Acme", Sandbox).await;
    let token = format!("eig_sandbox_{}", "a".repeat(32));
    assert_eq!(
        world.keys.authenticate(&token).await.unwrap_err(),
        AuthError::UnknownKey
    );
}

#[tokio::test]
async fn revoked_key_is_refused() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let issued = world.issue(&partner, partner.tenant.id, Sandbox).await;
    world
        .keys
        .revoke(&partner, partner.tenant.id, issued.key.id)
        .await
        .unwrap();
    assert_eq!(world.refusal(&issued).await, AuthError::Revoked);
}

#[tokio::test]
async fn disabled_key_is_refused_until_enabled_again() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let issued = world.issue(&partner, partner.tenant.id, Sandbox).await;
    let (tenant, id) = (partner.tenant.id, issued.key.id);
    let disable = ApiKeyPatch {
        enabled: Some(false),
        ..ApiKeyPatch::default()
    };
    world
        .keys
        .update(&partner, tenant, id, disable)
        .await
        .unwrap();
    assert_eq!(world.refusal(&issued).await, AuthError::Disabled);
    let enable = ApiKeyPatch {
        enabled: Some(true),
        ..ApiKeyPatch::default()
    };
    world
        .keys
        .update(&partner, tenant, id, enable)
        .await
        .unwrap();
    assert_eq!(world.login(&issued).await.key.id, id);
}

#[tokio::test]
async fn key_is_refused_from_its_expiry_on() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let fields = NewApiKey {
        expires_at: Some(world.now() + Duration::hours(1)),
        ..key_fields("rotating", Sandbox)
    };
    let issued = world
        .keys
        .create(&partner, partner.tenant.id, fields)
        .await
        .unwrap();
    world
        .clock
        .advance(Duration::hours(1) - Duration::microseconds(1));
    world.login(&issued).await;
    world.clock.advance(Duration::microseconds(1));
    assert_eq!(world.refusal(&issued).await, AuthError::Expired);
}

#[tokio::test]
async fn key_of_a_deleted_tenant_is_refused() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let child = world.child(&partner, "Kunde GmbH").await;
    let issued = world.issue(&partner, child.id, Sandbox).await;
    world.tenants.delete(&partner, child.id).await.unwrap();
    assert_eq!(world.refusal(&issued).await, AuthError::TenantDeleted);
}

#[tokio::test]
async fn key_of_an_inactive_tenant_is_refused() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let child = world.child(&partner, "Kunde GmbH").await;
    let issued = world.issue(&partner, child.id, Sandbox).await;
    let deactivate = TenantPatch {
        active: Some(false),
        ..TenantPatch::default()
    };
    world
        .tenants
        .update(&partner, child.id, deactivate)
        .await
        .unwrap();
    assert_eq!(world.refusal(&issued).await, AuthError::TenantInactive);
}

#[tokio::test]
async fn key_of_a_child_of_an_inactive_partner_is_refused() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let child = world.child(&partner, "Kunde GmbH").await;
    let issued = world.issue(&partner, child.id, Sandbox).await;
    // No use case deactivates a partner: the operator does it in the store.
    let inactive = Tenant {
        active: false,
        ..partner.tenant.clone()
    };
    world
        .store
        .update_tenant(&inactive, &[], &[], &[])
        .await
        .unwrap();
    assert_eq!(world.refusal(&issued).await, AuthError::TenantInactive);
}

#[tokio::test]
async fn live_key_of_a_tenant_without_production_is_refused() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let child = world.child(&partner, "Kunde GmbH").await;
    // The service refuses to issue it; a key left over in the store must still be refused.
    let issued = ApiKey::issue(
        child.id,
        key_fields("live", Production),
        &fixtures::master_key(),
        world.now(),
    );
    world.store.insert_api_key(&issued.key, &[]).await.unwrap();
    assert_eq!(
        world.refusal(&issued).await,
        AuthError::EnvironmentNotEnabled
    );
}

#[tokio::test]
async fn last_use_is_recorded_at_most_once_a_minute() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let issued = world.issue(&partner, partner.tenant.id, Sandbox).await;
    assert_eq!(world.stored_key(&issued.key).await.last_used_at, None);
    let first = world.now();
    world.login(&issued).await;
    assert_eq!(
        world.stored_key(&issued.key).await.last_used_at,
        Some(first)
    );
    world.clock.advance(Duration::seconds(59));
    world.login(&issued).await;
    assert_eq!(
        world.stored_key(&issued.key).await.last_used_at,
        Some(first)
    );
    world.clock.advance(Duration::seconds(1));
    world.login(&issued).await;
    assert_eq!(
        world.stored_key(&issued.key).await.last_used_at,
        Some(first + Duration::minutes(1))
    );
}

// ---- acting for a tenant -----------------------------------------------------------

#[tokio::test]
async fn caller_acts_for_itself_without_a_tenant_id() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let acting = world.keys.act_for(partner.clone(), None).await.unwrap();
    assert_eq!(acting.tenant, partner.tenant);
    let acting = world
        .keys
        .act_for(partner.clone(), Some(partner.tenant.id))
        .await
        .unwrap();
    assert_eq!(acting.tenant, partner.tenant);
}

#[tokio::test]
async fn partner_acts_for_its_child() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let child = world.child(&partner, "Kunde GmbH").await;
    let acting = world
        .keys
        .act_for(partner.clone(), Some(child.id))
        .await
        .unwrap();
    assert_eq!(acting.tenant, child);
    assert_eq!(acting.caller, partner);
    assert_eq!(acting.environment(), Sandbox);
}

#[tokio::test]
async fn partner_cannot_act_for_another_partners_child() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let other = world.partner("Other Partner", Sandbox).await;
    let foreign = world.child(&other, "Kunde GmbH").await;
    let result = world.keys.act_for(partner, Some(foreign.id)).await;
    assert_eq!(
        result.unwrap_err(),
        ServiceError::NotFound(Resource::Tenant)
    );
}

#[tokio::test]
async fn child_key_cannot_act_for_another_tenant() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let child = world.child(&partner, "Kunde GmbH").await;
    let sibling = world.child(&partner, "Sibling SA").await;
    let caller = world.caller_of(&partner, child.id, Sandbox).await;
    for other in [sibling.id, partner.tenant.id] {
        let result = world.keys.act_for(caller.clone(), Some(other)).await;
        assert_eq!(
            result.unwrap_err(),
            ServiceError::Forbidden(Denial::CannotActForOthers)
        );
    }
    assert_eq!(world.acting(&caller, child.id).await.tenant, child);
}

#[tokio::test]
async fn live_partner_key_cannot_act_for_a_child_without_production() {
    let world = World::new();
    let partner = world.partner("Acme", Production).await;
    let child = world.child(&partner, "Kunde GmbH").await;
    let result = world.keys.act_for(partner, Some(child.id)).await;
    assert_eq!(
        result.unwrap_err(),
        ServiceError::Forbidden(Denial::EnvironmentNotEnabled)
    );
}

#[tokio::test]
async fn partner_cannot_act_for_an_inactive_child() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let child = world.child(&partner, "Kunde GmbH").await;
    let deactivate = TenantPatch {
        active: Some(false),
        ..TenantPatch::default()
    };
    world
        .tenants
        .update(&partner, child.id, deactivate)
        .await
        .unwrap();
    let result = world.keys.act_for(partner, Some(child.id)).await;
    assert_eq!(
        result.unwrap_err(),
        ServiceError::Forbidden(Denial::TenantInactive)
    );
}

// ---- tenants -----------------------------------------------------------------------

#[tokio::test]
async fn belgian_vat_number_gives_a_sandbox_default_legal_entity() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let (tenant, entity) = world.child_with_vat(&partner, "Kunde GmbH", BE_VAT).await;
    assert_eq!(tenant.environments(), [Sandbox]);
    assert_eq!(entity.tenant_id, tenant.id);
    assert_eq!(entity.environment, Sandbox);
    assert_eq!(entity.status(), LegalEntityStatus::Pending);
    assert_eq!(entity.version(), 1);
    assert_eq!(entity.company_name.as_str(), "Kunde GmbH");
    assert_eq!(entity.country.as_str(), "BE");
    assert_eq!(entity.identifier.to_string(), "0208:0123456749");
    assert_eq!(
        participant_ids(&entity),
        ["0208:0123456749", "9925:BE0123456749"]
    );
    assert_eq!(world.stored_entity(&entity).await, entity);
    assert_eq!(
        world.event_types(&partner, tenant.id).await,
        ["tenant.created", "legal_entity.created"]
    );
}

#[tokio::test]
async fn luxembourg_vat_number_gives_a_9938_legal_entity() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let (_, entity) = world.child_with_vat(&partner, "Kunde GmbH", LU_VAT).await;
    assert_eq!(entity.country.as_str(), "LU");
    assert_eq!(entity.identifier.to_string(), "9938:LU15027442");
    assert_eq!(participant_ids(&entity), ["9938:LU15027442"]);
}

#[tokio::test]
async fn tenant_without_vat_number_has_no_legal_entity() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let (tenant, entity) = world
        .tenants
        .create(&partner, new_tenant("Kunde GmbH"))
        .await
        .unwrap();
    assert_eq!(entity, None);
    assert_eq!(
        world.event_types(&partner, tenant.id).await,
        ["tenant.created"]
    );
}

#[tokio::test]
async fn new_tenant_has_defaults_and_a_derived_code() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let tenant = world.child(&partner, "Kunde GmbH").await;
    assert_eq!(tenant.code.as_str(), "KUNDE-GMBH");
    assert_eq!(tenant.partner_id(), partner.tenant.id);
    assert_eq!(tenant.profile.default_language.as_str(), "fr");
    assert!(tenant.active);
    assert_eq!(tenant.production_enabled_at, None);
    assert_eq!(
        (tenant.created_at, tenant.updated_at),
        (fixtures::T0, fixtures::T0)
    );
    assert_eq!(
        world.tenants.get(&partner, tenant.id).await.unwrap(),
        tenant
    );
}

#[tokio::test]
async fn explicit_tenant_code_is_kept() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let new = NewTenant {
        code: Some(TenantCode::parse("KD-42").unwrap()),
        ..new_tenant("Kunde GmbH")
    };
    let (tenant, _) = world.tenants.create(&partner, new).await.unwrap();
    assert_eq!(tenant.code.as_str(), "KD-42");
}

#[tokio::test]
async fn billing_model_outside_the_partners_subscription_is_invalid() {
    let world = World::new();
    let new = NewPartner {
        company_name: company("Seats Only"),
        environment: Sandbox,
        billing_models: BillingModels::from_models(&[BillingModel::Seats]).unwrap(),
    };
    let (_, issued) = world.partners.create_partner(new).await.unwrap();
    let partner = world.login(&issued).await;
    let flow = NewTenant {
        billing_model: BillingModel::Flow,
        ..new_tenant("Kunde GmbH")
    };
    let result = world.tenants.create(&partner, flow).await;
    assert_eq!(
        violation(result),
        (Field::BillingModel, "billing_model_not_allowed")
    );
    let listed = world
        .tenants
        .list(&partner, &TenantQuery::first_page())
        .await
        .unwrap();
    assert_eq!(listed.total, 0);
}

#[tokio::test]
async fn every_violation_of_a_new_tenant_is_listed() {
    let world = World::new();
    let new = NewPartner {
        company_name: company("Seats Only"),
        environment: Sandbox,
        billing_models: BillingModels::from_models(&[BillingModel::Seats]).unwrap(),
    };
    let (_, issued) = world.partners.create_partner(new).await.unwrap();
    let partner = world.login(&issued).await;
    let bad = NewTenant {
        billing_model: BillingModel::Flow,
        ..new_tenant("***")
    };
    let Err(ServiceError::Invalid(violations)) = world.tenants.create(&partner, bad).await else {
        panic!("expected Invalid");
    };
    let found: Vec<(Field, &str)> = violations.iter().map(|v| (v.field, v.code)).collect();
    assert_eq!(
        found,
        [
            (Field::BillingModel, "billing_model_not_allowed"),
            (Field::TenantCode, "tenant_code_not_derivable")
        ]
    );
}

#[tokio::test]
async fn tenant_code_is_unique_per_partner() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    world.child(&partner, "Kunde GmbH").await;
    let result = world
        .tenants
        .create(&partner, new_tenant("Kunde  GMBH"))
        .await;
    assert_eq!(violation(result), (Field::TenantCode, "tenant_code_taken"));
    let other = world.partner("Other Partner", Sandbox).await;
    assert_eq!(
        world.child(&other, "Kunde GmbH").await.code.as_str(),
        "KUNDE-GMBH"
    );
}

#[tokio::test]
async fn vat_number_of_a_live_legal_entity_cannot_be_reused() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    world.child_with_vat(&partner, "Kunde GmbH", BE_VAT).await;
    let result = world
        .tenants
        .create(&partner, with_vat("Other Name", BE_VAT))
        .await;
    assert_eq!(
        violation(result),
        (Field::VatNumber, "participant_id_taken")
    );
}

#[tokio::test]
async fn child_key_cannot_manage_tenants() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let child = world.child(&partner, "Kunde GmbH").await;
    let caller = world.caller_of(&partner, child.id, Sandbox).await;
    let forbidden = ServiceError::Forbidden(Denial::NotAPartner);
    let created = world
        .tenants
        .create(&caller, new_tenant("Grandchild"))
        .await;
    assert_eq!(created.unwrap_err(), forbidden);
    assert_eq!(
        world.tenants.get(&caller, child.id).await.unwrap_err(),
        forbidden
    );
    let listed = world
        .tenants
        .list(&caller, &TenantQuery::first_page())
        .await;
    assert_eq!(listed.unwrap_err(), forbidden);
}

#[tokio::test]
async fn another_partners_child_is_not_found_and_untouched() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let other = world.partner("Other Partner", Sandbox).await;
    let foreign = world.child(&other, "Kunde GmbH").await;
    let not_found = ServiceError::NotFound(Resource::Tenant);
    assert_eq!(
        world.tenants.get(&partner, foreign.id).await.unwrap_err(),
        not_found
    );
    let rename = TenantPatch {
        company_name: Some(company("Hijacked")),
        ..TenantPatch::default()
    };
    let updated = world.tenants.update(&partner, foreign.id, rename).await;
    assert_eq!(updated.unwrap_err(), not_found);
    assert_eq!(
        world
            .tenants
            .delete(&partner, foreign.id)
            .await
            .unwrap_err(),
        not_found
    );
    assert_eq!(
        world.store.tenant(foreign.id).await.unwrap(),
        Some(foreign.clone())
    );
    assert_eq!(
        world.event_types(&other, foreign.id).await,
        ["tenant.created"]
    );
}

#[tokio::test]
async fn partner_is_not_its_own_child() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let result = world.tenants.get(&partner, partner.tenant.id).await;
    assert_eq!(
        result.unwrap_err(),
        ServiceError::NotFound(Resource::Tenant)
    );
}

#[tokio::test]
async fn update_changes_the_given_fields_and_emits_tenant_updated() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let tenant = world.child(&partner, "Kunde GmbH").await;
    world.clock.advance(Duration::minutes(5));
    let patch = TenantPatch {
        company_name: Some(company("Kunde AG")),
        billing_model: Some(BillingModel::Flow),
        contact_email: Some(None),
        ..TenantPatch::default()
    };
    let updated = world
        .tenants
        .update(&partner, tenant.id, patch)
        .await
        .unwrap();
    assert_eq!(updated.profile.company_name.as_str(), "Kunde AG");
    assert_eq!(updated.profile.contact.email, None);
    assert_eq!(updated.code, tenant.code);
    assert!(matches!(
        updated.kind,
        TenantKind::Child {
            billing_model: BillingModel::Flow,
            ..
        }
    ));
    assert_eq!(updated.updated_at, fixtures::T0 + Duration::minutes(5));
    assert_eq!(
        world.tenants.get(&partner, tenant.id).await.unwrap(),
        updated
    );
    assert_eq!(
        world.event_types(&partner, tenant.id).await,
        ["tenant.created", "tenant.updated"]
    );
}

#[tokio::test]
async fn update_to_a_taken_code_is_a_conflict() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    world.child(&partner, "Kunde GmbH").await;
    let other = world.child(&partner, "Other SA").await;
    let patch = TenantPatch {
        code: Some(TenantCode::parse("KUNDE-GMBH").unwrap()),
        ..TenantPatch::default()
    };
    let result = world.tenants.update(&partner, other.id, patch).await;
    assert_eq!(violation(result), (Field::TenantCode, "tenant_code_taken"));
    assert_eq!(world.tenants.get(&partner, other.id).await.unwrap(), other);
}

#[tokio::test]
async fn delete_archives_the_legal_entities_and_hides_the_tenant() {
    let world = World::new();
    let partner = world.partner("Acme", Production).await;
    let (tenant, sandbox_entity) = world.child_with_vat(&partner, "Kunde GmbH", BE_VAT).await;
    world.clock.advance(Duration::minutes(1));
    world
        .tenants
        .enable_production(&partner, tenant.id)
        .await
        .unwrap();
    let sandbox = world
        .acting(&partner_in(&world, &partner, Sandbox).await, tenant.id)
        .await;
    world
        .entities
        .transition(&sandbox, sandbox_entity.id, Trigger::StartVerification)
        .await
        .unwrap();
    world.clock.advance(Duration::hours(1));

    world.tenants.delete(&partner, tenant.id).await.unwrap();

    assert_eq!(
        world.tenants.get(&partner, tenant.id).await.unwrap_err(),
        ServiceError::NotFound(Resource::Tenant)
    );
    assert_eq!(world.store.tenant(tenant.id).await.unwrap(), None);
    assert_eq!(
        world.store.live_legal_entities(tenant.id).await.unwrap(),
        Vec::new()
    );
    assert_eq!(
        world.stored_entity(&sandbox_entity).await.status(),
        LegalEntityStatus::Archived
    );
    let events = world.events(&partner, tenant.id).await;
    let last: Vec<(&str, Option<&str>)> = events[events.len() - 3..]
        .iter()
        .map(|event| {
            (
                event.record.event_type.as_str(),
                event.record.data["previousStatus"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        last,
        [
            ("legal_entity.archived", Some("verifying")),
            ("legal_entity.archived", Some("pending")),
            ("tenant.deleted", None)
        ]
    );
}

#[tokio::test]
async fn deleted_tenant_frees_its_code_and_vat_number() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let (tenant, _) = world.child_with_vat(&partner, "Kunde GmbH", BE_VAT).await;
    world.tenants.delete(&partner, tenant.id).await.unwrap();
    let (again, entity) = world.child_with_vat(&partner, "Kunde GmbH", BE_VAT).await;
    assert_eq!(again.code.as_str(), "KUNDE-GMBH");
    assert_eq!(entity.identifier.to_string(), "0208:0123456749");
}

#[tokio::test]
async fn keys_of_a_deleted_tenant_stop_authenticating() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let (tenant, _) = world.child_with_vat(&partner, "Kunde GmbH", BE_VAT).await;
    let first = world.issue(&partner, tenant.id, Sandbox).await;
    let second = world.issue(&partner, tenant.id, Sandbox).await;
    world.login(&first).await;
    world.tenants.delete(&partner, tenant.id).await.unwrap();
    assert_eq!(world.refusal(&first).await, AuthError::TenantDeleted);
    assert_eq!(world.refusal(&second).await, AuthError::TenantDeleted);
}

#[tokio::test]
async fn production_cannot_be_enabled_by_a_partner_without_it() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let tenant = world.child(&partner, "Kunde GmbH").await;
    let result = world.tenants.enable_production(&partner, tenant.id).await;
    assert_eq!(
        result.unwrap_err(),
        ServiceError::Forbidden(Denial::PartnerProductionNotEnabled)
    );
    assert_eq!(
        world
            .tenants
            .get(&partner, tenant.id)
            .await
            .unwrap()
            .environments(),
        [Sandbox]
    );
}

#[tokio::test]
async fn enabling_production_is_idempotent() {
    let world = World::new();
    let partner = world.partner("Acme", Production).await;
    let tenant = world.child(&partner, "Kunde GmbH").await;
    world.clock.advance(Duration::minutes(1));
    let enabled = world
        .tenants
        .enable_production(&partner, tenant.id)
        .await
        .unwrap();
    assert_eq!(
        enabled.production_enabled_at,
        Some(fixtures::T0 + Duration::minutes(1))
    );
    assert_eq!(enabled.environments(), [Sandbox, Production]);
    world.clock.advance(Duration::minutes(1));
    let again = world
        .tenants
        .enable_production(&partner, tenant.id)
        .await
        .unwrap();
    assert_eq!(again, enabled);
    assert_eq!(
        world.event_types(&partner, tenant.id).await,
        ["tenant.created", "tenant.production_enabled"]
    );
}

#[tokio::test]
async fn enabling_production_creates_the_production_default_legal_entity() {
    let world = World::new();
    let partner = world.partner("Acme", Production).await;
    let (tenant, sandbox_entity) = world.child_with_vat(&partner, "Kunde GmbH", BE_VAT).await;
    world
        .tenants
        .enable_production(&partner, tenant.id)
        .await
        .unwrap();
    let live = world.acting(&partner, tenant.id).await;
    let listed = world
        .entities
        .list(&live, &LegalEntityQuery::first_page())
        .await
        .unwrap();
    let [entity] = listed.items.as_slice() else {
        panic!("one production entity: {listed:?}")
    };
    assert_ne!(entity.id, sandbox_entity.id);
    assert_eq!(entity.environment, Production);
    assert_eq!(entity.status(), LegalEntityStatus::Pending);
    assert_eq!(participant_ids(entity), participant_ids(&sandbox_entity));
    assert_eq!(
        world.event_types(&partner, tenant.id).await,
        [
            "tenant.created",
            "legal_entity.created",
            "tenant.production_enabled",
            "legal_entity.created"
        ]
    );
}

#[tokio::test]
async fn production_keys_need_production_enabled_first() {
    let world = World::new();
    let partner = world.partner("Acme", Production).await;
    let tenant = world.child(&partner, "Kunde GmbH").await;
    let refused = world
        .keys
        .create(&partner, tenant.id, key_fields("live", Production))
        .await;
    assert_eq!(
        violation(refused),
        (Field::Environment, "environment_not_enabled")
    );
    world
        .tenants
        .enable_production(&partner, tenant.id)
        .await
        .unwrap();
    let issued = world.issue(&partner, tenant.id, Production).await;
    let caller = world.login(&issued).await;
    assert_eq!(caller.environment(), Production);
    assert_eq!(caller.tenant.id, tenant.id);
}

#[tokio::test]
async fn failed_enable_production_changes_nothing_and_a_retry_completes_it() {
    let world = World::new();
    let partner = world.partner("Acme", Production).await;
    let (tenant, _) = world.child_with_vat(&partner, "Kunde GmbH", BE_VAT).await;
    // A tenant store that reads the real tenant but fails the write.
    let mut failing = MockTenantStore::new();
    let stored = world.store.tenant(tenant.id).await.unwrap().unwrap();
    failing
        .expect_tenant()
        .returning(move |_| Ok(Some(stored.clone())));
    failing
        .expect_update_tenant()
        .times(1)
        .returning(|_, _, _, _| Err(StoreError::Unexpected("connection reset".to_owned())));
    let flaky = TenantService::new(Arc::new(failing), world.store.clone(), world.clock.clone());
    let first = flaky.enable_production(&partner, tenant.id).await;
    assert_eq!(
        first.unwrap_err(),
        ServiceError::Unexpected("connection reset".to_owned())
    );
    let unchanged = world.store.tenant(tenant.id).await.unwrap().unwrap();
    assert!(
        !unchanged.has_environment(Production),
        "nothing was written"
    );

    world
        .tenants
        .enable_production(&partner, tenant.id)
        .await
        .unwrap();
    let live = world.acting(&partner, tenant.id).await;
    let listed = world
        .entities
        .list(&live, &LegalEntityQuery::first_page())
        .await
        .unwrap();
    assert_eq!(
        listed.total, 1,
        "the production default legal entity exists"
    );
}

/// The partner of `caller` logged in with a new key in `environment`.
async fn partner_in(world: &World, caller: &Caller, environment: Environment) -> Caller {
    world.caller_of(caller, caller.tenant.id, environment).await
}

// ---- API keys ----------------------------------------------------------------------

#[tokio::test]
async fn token_and_signing_secret_are_never_stored() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let issued = world.issue(&partner, partner.tenant.id, Sandbox).await;
    let (token, secret) = (issued.token.expose(), issued.signing_secret.expose());
    let stored = world.stored_key(&issued.key).await;
    assert_eq!(stored, issued.key);
    assert!(token.starts_with(&stored.prefix));
    assert_eq!(stored.prefix.len(), "eig_sandbox_".len() + 6);
    assert_eq!(stored.hash, KeyHash::of(token));
    let hidden = &token[stored.prefix.len()..];
    let dump = format!("{stored:?}");
    assert!(!dump.contains(hidden), "token in {dump}");
    assert!(!dump.contains(secret), "signing secret in {dump}");
    let sealed = &stored.sealed_signing_secret;
    assert!(
        !sealed
            .windows(secret.len())
            .any(|window| window == secret.as_bytes())
    );
    let events = world.events(&partner, partner.tenant.id).await;
    let payloads = format!(
        "{:?}",
        events
            .iter()
            .map(|event| &event.record.data)
            .collect::<Vec<_>>()
    );
    assert!(!payloads.contains(hidden) && !payloads.contains(secret));
    assert_eq!(
        world.keys.signing_secret(&stored).unwrap(),
        issued.signing_secret
    );
}

#[tokio::test]
async fn keys_are_listed_per_tenant() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let child = world.child(&partner, "Kunde GmbH").await;
    let first = world.issue(&partner, child.id, Sandbox).await;
    world.clock.advance(Duration::seconds(1));
    let second = world.issue(&partner, child.id, Sandbox).await;
    let page = world
        .keys
        .list(&partner, child.id, &ApiKeyQuery::first_page())
        .await
        .unwrap();
    let ids: Vec<_> = page.items.iter().map(|key| key.id).collect();
    assert_eq!(ids, [first.key.id, second.key.id]);
    assert_eq!(page.total, 2);
    let own = world
        .keys
        .list(&partner, partner.tenant.id, &ApiKeyQuery::first_page())
        .await
        .unwrap();
    assert_eq!(
        own.items.iter().map(|key| key.id).collect::<Vec<_>>(),
        [partner.key.id]
    );
}

#[tokio::test]
async fn key_is_found_only_under_its_own_tenant() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let child = world.child(&partner, "Kunde GmbH").await;
    let issued = world.issue(&partner, child.id, Sandbox).await;
    assert_eq!(
        world
            .keys
            .get(&partner, child.id, issued.key.id)
            .await
            .unwrap(),
        issued.key
    );
    let result = world
        .keys
        .get(&partner, partner.tenant.id, issued.key.id)
        .await;
    assert_eq!(
        result.unwrap_err(),
        ServiceError::NotFound(Resource::ApiKey)
    );
}

#[tokio::test]
async fn keys_of_another_partners_child_are_not_found() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let other = world.partner("Other Partner", Sandbox).await;
    let foreign = world.child(&other, "Kunde GmbH").await;
    let issued = world.issue(&other, foreign.id, Sandbox).await;
    let not_found = ServiceError::NotFound(Resource::Tenant);
    let created = world
        .keys
        .create(&partner, foreign.id, key_fields("x", Sandbox))
        .await;
    assert_eq!(created.unwrap_err(), not_found);
    let revoked = world.keys.revoke(&partner, foreign.id, issued.key.id).await;
    assert_eq!(revoked.unwrap_err(), not_found);
    assert_eq!(
        world.stored_key(&issued.key).await.status,
        ApiKeyStatus::Enabled
    );
}

#[tokio::test]
async fn child_key_cannot_manage_keys() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let child = world.child(&partner, "Kunde GmbH").await;
    let caller = world.caller_of(&partner, child.id, Sandbox).await;
    let result = world
        .keys
        .create(&caller, child.id, key_fields("mine", Sandbox))
        .await;
    assert_eq!(
        result.unwrap_err(),
        ServiceError::Forbidden(Denial::NotAPartner)
    );
}

#[tokio::test]
async fn revoked_key_cannot_be_updated() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let issued = world.issue(&partner, partner.tenant.id, Sandbox).await;
    let (tenant, id) = (partner.tenant.id, issued.key.id);
    let revoked = world.keys.revoke(&partner, tenant, id).await.unwrap();
    let enable = ApiKeyPatch {
        enabled: Some(true),
        ..ApiKeyPatch::default()
    };
    let result = world.keys.update(&partner, tenant, id, enable).await;
    assert_eq!(violation(result), (Field::Status, "api_key_revoked"));
    assert_eq!(world.stored_key(&issued.key).await, revoked);
}

#[tokio::test]
async fn revoking_twice_changes_nothing_the_second_time() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let issued = world.issue(&partner, partner.tenant.id, Sandbox).await;
    let (tenant, id) = (partner.tenant.id, issued.key.id);
    let revoked_at = world.now();
    let first = world.keys.revoke(&partner, tenant, id).await.unwrap();
    assert_eq!(first.status, ApiKeyStatus::Revoked { at: revoked_at });
    world.clock.advance(Duration::hours(1));
    let second = world.keys.revoke(&partner, tenant, id).await.unwrap();
    assert_eq!(second, first);
    let revocations = world
        .event_types(&partner, tenant)
        .await
        .into_iter()
        .filter(|kind| kind == "api_key.revoked")
        .count();
    assert_eq!(revocations, 1);
}

#[tokio::test]
async fn latest_key_skips_revoked_keys() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let child = world.child(&partner, "Kunde GmbH").await;
    let older = world.issue(&partner, child.id, Sandbox).await;
    world.clock.advance(Duration::seconds(1));
    let newer = world.issue(&partner, child.id, Sandbox).await;
    assert_eq!(
        world.keys.latest(&partner, child.id).await.unwrap().id,
        newer.key.id
    );
    world
        .keys
        .revoke(&partner, child.id, newer.key.id)
        .await
        .unwrap();
    assert_eq!(
        world.keys.latest(&partner, child.id).await.unwrap().id,
        older.key.id
    );
    world
        .keys
        .revoke(&partner, child.id, older.key.id)
        .await
        .unwrap();
    let result = world.keys.latest(&partner, child.id).await;
    assert_eq!(
        result.unwrap_err(),
        ServiceError::NotFound(Resource::ApiKey)
    );
}

#[tokio::test]
async fn expiry_must_be_in_the_future() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let tenant = partner.tenant.id;
    for expires_at in [world.now(), world.now() - Duration::days(1)] {
        let fields = NewApiKey {
            expires_at: Some(expires_at),
            ..key_fields("late", Sandbox)
        };
        let result = world.keys.create(&partner, tenant, fields).await;
        assert_eq!(violation(result), (Field::ExpiresAt, "expiry_in_the_past"));
        let patch = ApiKeyPatch {
            expires_at: Some(Some(expires_at)),
            ..ApiKeyPatch::default()
        };
        let result = world
            .keys
            .update(&partner, tenant, partner.key.id, patch)
            .await;
        assert_eq!(violation(result), (Field::ExpiresAt, "expiry_in_the_past"));
    }
    let page = world
        .keys
        .list(&partner, tenant, &ApiKeyQuery::first_page())
        .await
        .unwrap();
    assert_eq!(page.items, [world.stored_key(&partner.key).await]);
    assert_eq!(page.items[0].expires_at, None);
}

#[tokio::test]
async fn update_renames_and_clears_the_expiry() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let fields = NewApiKey {
        expires_at: Some(world.now() + Duration::hours(1)),
        ..key_fields("old", Sandbox)
    };
    let issued = world
        .keys
        .create(&partner, partner.tenant.id, fields)
        .await
        .unwrap();
    let patch = ApiKeyPatch {
        name: Some(KeyName::parse("new").unwrap()),
        expires_at: Some(None),
        ..ApiKeyPatch::default()
    };
    let updated = world
        .keys
        .update(&partner, partner.tenant.id, issued.key.id, patch)
        .await
        .unwrap();
    assert_eq!(updated.name.as_str(), "new");
    assert_eq!(updated.expires_at, None);
    assert_eq!(world.stored_key(&issued.key).await, updated);
    world.clock.advance(Duration::days(30));
    world.login(&issued).await;
}

// ---- legal entities ----------------------------------------------------------------

/// A production partner, a child with production, and acting for it in `environment`.
async fn tenant_in_both(world: &World) -> (Acting, Acting) {
    let partner = world.partner("Acme", Production).await;
    let tenant = world.child(&partner, "Kunde GmbH").await;
    world
        .tenants
        .enable_production(&partner, tenant.id)
        .await
        .unwrap();
    let sandbox = partner_in(world, &partner, Sandbox).await;
    (
        world.acting(&sandbox, tenant.id).await,
        world.acting(&partner, tenant.id).await,
    )
}

#[tokio::test]
async fn legal_entity_is_created_pending_in_the_acting_environment() {
    let world = World::new();
    let (_, live) = tenant_in_both(&world).await;
    let entity = world
        .entities
        .create(&live, entity_fields(1))
        .await
        .unwrap();
    assert_eq!(entity.environment, Production);
    assert_eq!(entity.tenant_id, live.tenant.id);
    assert_eq!(
        (entity.status(), entity.version()),
        (LegalEntityStatus::Pending, 1)
    );
    assert_eq!(world.entities.get(&live, entity.id).await.unwrap(), entity);
    let events = world.events(&live.caller, live.tenant.id).await;
    let created = events.last().unwrap();
    assert_eq!(created.record.event_type, "legal_entity.created");
    assert_eq!(created.record.environment, Some(Production));
}

#[tokio::test]
async fn sandbox_never_sees_production_legal_entities() {
    let world = World::new();
    let (sandbox, live) = tenant_in_both(&world).await;
    let entity = world
        .entities
        .create(&live, entity_fields(1))
        .await
        .unwrap();
    let not_found = ServiceError::NotFound(Resource::LegalEntity);
    assert_eq!(
        world.entities.get(&sandbox, entity.id).await.unwrap_err(),
        not_found
    );
    let listed = world
        .entities
        .list(&sandbox, &LegalEntityQuery::first_page())
        .await
        .unwrap();
    assert_eq!(listed.total, 0);
    let patch = LegalEntityPatch {
        company_name: Some(company("Renamed")),
        ..LegalEntityPatch::default()
    };
    assert_eq!(
        world
            .entities
            .update(&sandbox, entity.id, patch)
            .await
            .unwrap_err(),
        not_found
    );
    assert_eq!(
        world
            .entities
            .archive(&sandbox, entity.id)
            .await
            .unwrap_err(),
        not_found
    );
    assert_eq!(world.stored_entity(&entity).await, entity);
}

#[tokio::test]
async fn legal_entity_of_another_tenant_is_not_found() {
    let world = World::new();
    let partner = world.partner("Acme", Sandbox).await;
    let first = world.child(&partner, "Kunde GmbH").await;
    let second = world.child(&partner, "Other SA").await;
    let first = world.acting(&partner, first.id).await;
    let second = world.acting(&partner, second.id).await;
    let entity = world
        .entities
        .create(&first, entity_fields(1))
        .await
        .unwrap();
    let result = world.entities.get(&second, entity.id).await;
    assert_eq!(
        result.unwrap_err(),
        ServiceError::NotFound(Resource::LegalEntity)
    );
}

#[tokio::test]
async fn participant_id_is_unique_among_live_entities_of_an_environment() {
    let world = World::new();
    let (sandbox, live) = tenant_in_both(&world).await;
    let first = world
        .entities
        .create(&sandbox, entity_fields(7))
        .await
        .unwrap();
    let duplicate = world.entities.create(&sandbox, entity_fields(7)).await;
    assert_eq!(
        violation(duplicate),
        (Field::Identifier, "participant_id_taken")
    );
    // The derived VAT identifier counts too.
    let vat = NewLegalEntity {
        identifier: first.participant_ids()[1].clone(),
        ..entity_fields(7)
    };
    assert_eq!(
        violation(world.entities.create(&sandbox, vat).await),
        (Field::Identifier, "participant_id_taken")
    );
    // Another environment, or after archiving, is fine.
    world
        .entities
        .create(&live, entity_fields(7))
        .await
        .unwrap();
    world.entities.archive(&sandbox, first.id).await.unwrap();
    world
        .entities
        .create(&sandbox, entity_fields(7))
        .await
        .unwrap();
}

#[tokio::test]
async fn update_changes_descriptive_fields_and_bumps_the_version() {
    let world = World::new();
    let (sandbox, _) = tenant_in_both(&world).await;
    let entity = world
        .entities
        .create(&sandbox, entity_fields(1))
        .await
        .unwrap();
    world.clock.advance(Duration::minutes(3));
    let patch = LegalEntityPatch {
        company_name: Some(company("Renamed SRL")),
        external_id: Some(Some(ExternalId::parse("customer_8412").unwrap())),
        ..LegalEntityPatch::default()
    };
    let updated = world
        .entities
        .update(&sandbox, entity.id, patch)
        .await
        .unwrap();
    assert_eq!(updated.company_name.as_str(), "Renamed SRL");
    assert_eq!(
        updated.external_id.as_ref().map(ExternalId::as_str),
        Some("customer_8412")
    );
    assert_eq!(
        (updated.version(), updated.status()),
        (2, LegalEntityStatus::Pending)
    );
    assert_eq!(updated.updated_at, fixtures::T0 + Duration::minutes(3));
    assert_eq!(world.stored_entity(&entity).await, updated);
    assert_eq!(
        world.entity_event_types(&sandbox, entity.id).await,
        ["legal_entity.created", "legal_entity.updated"]
    );
}

#[tokio::test]
async fn archived_legal_entity_cannot_be_updated() {
    let world = World::new();
    let (sandbox, _) = tenant_in_both(&world).await;
    let entity = world
        .entities
        .create(&sandbox, entity_fields(1))
        .await
        .unwrap();
    let archived = world.entities.archive(&sandbox, entity.id).await.unwrap();
    let patch = LegalEntityPatch {
        company_name: Some(company("Renamed")),
        ..LegalEntityPatch::default()
    };
    let result = world.entities.update(&sandbox, entity.id, patch).await;
    assert_eq!(violation(result), (Field::Status, "legal_entity_archived"));
    assert_eq!(world.stored_entity(&entity).await, archived);
}

#[tokio::test]
async fn archive_emits_the_previous_status() {
    let world = World::new();
    let (sandbox, _) = tenant_in_both(&world).await;
    let entity = world
        .entities
        .create(&sandbox, entity_fields(1))
        .await
        .unwrap();
    world
        .entities
        .transition(&sandbox, entity.id, Trigger::StartVerification)
        .await
        .unwrap();
    let archived = world.entities.archive(&sandbox, entity.id).await.unwrap();
    assert_eq!(
        (archived.status(), archived.version()),
        (LegalEntityStatus::Archived, 3)
    );
    let events = world.events(&sandbox.caller, sandbox.tenant.id).await;
    let last = &events.last().unwrap().record;
    assert_eq!(last.event_type, "legal_entity.archived");
    assert_eq!(last.data["previousStatus"], "verifying");
    assert_eq!(last.data["status"], "archived");
    assert_eq!(last.data["version"], 3);
    let again = world.entities.archive(&sandbox, entity.id).await;
    assert!(matches!(
        again,
        Err(ServiceError::Transition(TransitionError::NotAllowed {
            from: StatusName::Archived,
            ..
        }))
    ));
}

#[tokio::test]
async fn production_lifecycle_through_the_service() {
    let world = World::new();
    let (_, live) = tenant_in_both(&world).await;
    let entity = world
        .entities
        .create(&live, entity_fields(1))
        .await
        .unwrap();
    let expires_at = world.now() + Duration::days(7);
    let path = [
        Trigger::StartVerification,
        Trigger::VerificationPassed,
        Trigger::RequestAttestation { expires_at },
        Trigger::Attest,
        Trigger::StartProvisioning,
        Trigger::ProvisioningFailed,
        Trigger::StartProvisioning,
        Trigger::ProvisioningSucceeded,
    ];
    for trigger in path {
        world.clock.advance(Duration::hours(1));
        world
            .entities
            .transition(&live, entity.id, trigger)
            .await
            .unwrap();
    }
    let active = world.entities.get(&live, entity.id).await.unwrap();
    assert_eq!(
        (active.status(), active.version()),
        (LegalEntityStatus::Active, 9)
    );
    assert_eq!(active.updated_at, fixtures::T0 + Duration::hours(8));
    assert_eq!(
        world.entity_event_types(&live, entity.id).await,
        [
            "legal_entity.created",
            "legal_entity.verifying",
            "legal_entity.verified",
            "legal_entity.awaiting_authz",
            "legal_entity.attested",
            "legal_entity.provisioning",
            "legal_entity.provisioning_failed",
            "legal_entity.provisioning",
            "legal_entity.active",
        ]
    );
}

#[tokio::test]
async fn sandbox_lifecycle_through_the_service() {
    let world = World::new();
    let (sandbox, _) = tenant_in_both(&world).await;
    let entity = world
        .entities
        .create(&sandbox, entity_fields(1))
        .await
        .unwrap();
    let path = [
        Trigger::StartVerification,
        Trigger::VerificationFailed(VerificationFailure::NameMismatch),
        Trigger::StartVerification,
        Trigger::VerificationPassed,
        Trigger::StartProvisioning,
        Trigger::ProvisioningSucceeded,
    ];
    for trigger in path {
        world
            .entities
            .transition(&sandbox, entity.id, trigger)
            .await
            .unwrap();
    }
    let events = world.events(&sandbox.caller, sandbox.tenant.id).await;
    let failed = events
        .iter()
        .find(|e| e.record.event_type == "legal_entity.verification_failed");
    assert_eq!(
        failed.unwrap().record.data["verificationDetail"]["reason"],
        "name_mismatch"
    );
    assert_eq!(
        world.entity_event_types(&sandbox, entity.id).await,
        [
            "legal_entity.created",
            "legal_entity.verifying",
            "legal_entity.verification_failed",
            "legal_entity.verifying",
            "legal_entity.verified",
            "legal_entity.provisioning",
            "legal_entity.active",
        ]
    );
}

#[tokio::test]
async fn refused_transition_changes_nothing() {
    let world = World::new();
    let (sandbox, _) = tenant_in_both(&world).await;
    let entity = world
        .entities
        .create(&sandbox, entity_fields(1))
        .await
        .unwrap();
    let request = Trigger::RequestAttestation {
        expires_at: world.now() + Duration::days(1),
    };
    let result = world
        .entities
        .transition(&sandbox, entity.id, request)
        .await;
    assert_eq!(
        result.unwrap_err(),
        ServiceError::Transition(TransitionError::AttestationInSandbox)
    );
    assert_eq!(world.stored_entity(&entity).await, entity);
    assert_eq!(
        world.entity_event_types(&sandbox, entity.id).await,
        ["legal_entity.created"]
    );
}

#[tokio::test]
async fn attestation_lapses_with_the_clock() {
    let world = World::new();
    let (_, live) = tenant_in_both(&world).await;
    let entity = world
        .entities
        .create(&live, entity_fields(1))
        .await
        .unwrap();
    let expires_at = world.now() + Duration::hours(1);
    for trigger in [
        Trigger::StartVerification,
        Trigger::VerificationPassed,
        Trigger::RequestAttestation { expires_at },
    ] {
        world
            .entities
            .transition(&live, entity.id, trigger)
            .await
            .unwrap();
    }
    let early = world
        .entities
        .transition(&live, entity.id, Trigger::ExpireAttestation)
        .await;
    assert_eq!(
        early.unwrap_err(),
        ServiceError::Transition(TransitionError::AttestationNotExpired { expires_at })
    );
    world.clock.advance(Duration::hours(1));
    let late = world
        .entities
        .transition(&live, entity.id, Trigger::Attest)
        .await;
    assert_eq!(
        late.unwrap_err(),
        ServiceError::Transition(TransitionError::AttestationExpired { expires_at })
    );
    let expired = world
        .entities
        .transition(&live, entity.id, Trigger::ExpireAttestation)
        .await
        .unwrap();
    assert_eq!(expired.status(), LegalEntityStatus::Expired);
}

// ---- store failures ----------------------------------------------------------------

fn partner_caller() -> Caller {
    let partner = fixtures::partner("Acme");
    Caller {
        key: fixtures::api_key(&partner, Sandbox, "ci", fixtures::T0),
        tenant: partner,
    }
}

#[tokio::test]
async fn store_failure_is_an_unexpected_service_error() {
    let mut tenants = MockTenantStore::new();
    tenants
        .expect_tenant()
        .returning(|_| Err(StoreError::Unexpected("disk full".to_owned())));
    let service = TenantService::new(
        Arc::new(tenants),
        Arc::new(InMemoryStore::new()),
        Arc::new(ManualClock::new(fixtures::T0)),
    );
    let result = service.get(&partner_caller(), TenantId::new()).await;
    assert_eq!(
        result.unwrap_err(),
        ServiceError::Unexpected("disk full".to_owned())
    );
}

#[tokio::test]
async fn store_failure_while_saving_is_an_unexpected_service_error() {
    let mut entities = MockLegalEntityStore::new();
    entities
        .expect_insert_legal_entity()
        .returning(|_, _, _| Err(StoreError::Unexpected("connection reset".to_owned())));
    let service =
        LegalEntityService::new(Arc::new(entities), Arc::new(ManualClock::new(fixtures::T0)));
    let caller = partner_caller();
    let acting = Acting {
        tenant: caller.tenant.clone(),
        caller,
    };
    let result = service.create(&acting, entity_fields(1)).await;
    assert_eq!(
        result.unwrap_err(),
        ServiceError::Unexpected("connection reset".to_owned())
    );
}

#[tokio::test]
async fn store_failure_during_authentication_is_an_unexpected_auth_error() {
    let mut keys = MockApiKeyStore::new();
    keys.expect_api_key_by_hash()
        .returning(|_| Err(StoreError::Unexpected("timeout".to_owned())));
    let store = Arc::new(InMemoryStore::new());
    let clock = Arc::new(ManualClock::new(fixtures::T0));
    let tenants = TenantService::new(store.clone(), store.clone(), clock.clone());
    let service = ApiKeyService::new(
        Arc::new(keys),
        store,
        tenants,
        clock,
        fixtures::master_key(),
    );
    let token = format!("eig_sandbox_{}", "a".repeat(32));
    let error = service.authenticate(&token).await.unwrap_err();
    assert_eq!(
        error,
        AuthError::Unexpected("store failure: timeout".to_owned())
    );
    assert_eq!(error.code(), "internal_error");
}
