//! Ready-made valid objects for tests.

use time::OffsetDateTime;
use time::macros::datetime;

use crate::api_key::{ApiKey, NewApiKey};
use crate::codes::{CountryCode, LanguageCode};
use crate::environment::Environment;
use crate::event::{EventRecord, TenantChange};
use crate::ids::TenantId;
use crate::legal_entity::{LegalEntity, NewLegalEntity};
use crate::metadata::Metadata;
use crate::participant::ParticipantId;
use crate::secret::MasterKey;
use crate::tenant::{
    BillingModel, BillingModels, Contact, PostalAddress, Tenant, TenantCode, TenantKind,
    TenantProfile,
};
use crate::text::{City, CompanyName, EmailAddress, KeyName, PostalCode, Street};

/// A fixed instant, whole microseconds.
pub const T0: OffsetDateTime = datetime!(2026-01-01 09:00:00.123456 UTC);

/// A fixed master key for tests.
pub fn master_key() -> MasterKey {
    MasterKey::from_base64("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
        .expect("32-byte test key")
}

/// A valid Belgian enterprise number (mod 97) built from `seed` (`0..10_000_000`).
pub fn belgian_enterprise_number(seed: u32) -> String {
    let base = seed % 10_000_000;
    format!("0{base:07}{:02}", 97 - base % 97)
}

/// `0208:<valid enterprise number>` for `seed`.
pub fn participant_id(seed: u32) -> ParticipantId {
    ParticipantId::new("0208", &belgian_enterprise_number(seed))
        .expect("generated number passes mod 97")
}

/// A partner tenant with both billing models, sandbox only, named `name`.
pub fn partner(name: &str) -> Tenant {
    let company_name = CompanyName::parse(name).expect("valid name");
    Tenant {
        id: TenantId::new(),
        kind: TenantKind::Partner {
            billing_models: BillingModels::ALL,
        },
        code: TenantCode::derive(&company_name).expect("derivable code"),
        profile: TenantProfile {
            company_name,
            address: None,
            contact: Contact::default(),
            vat_number: None,
            trade_register_number: None,
            default_language: LanguageCode::FRENCH,
        },
        active: true,
        production_enabled_at: None,
        metadata: Metadata::default(),
        created_at: T0,
        updated_at: T0,
        deleted_at: None,
    }
}

/// A child tenant of `partner`, named `name`, created at `at`.
pub fn child(partner: &Tenant, name: &str, at: OffsetDateTime) -> Tenant {
    let company_name = CompanyName::parse(name).expect("valid name");
    Tenant {
        id: TenantId::new(),
        kind: TenantKind::Child {
            partner: partner.id,
            billing_model: BillingModel::Seats,
        },
        code: TenantCode::derive(&company_name).expect("derivable code"),
        profile: TenantProfile {
            company_name,
            address: Some(PostalAddress {
                street: Street::parse("Avenue Louise 100").expect("valid"),
                postal_code: PostalCode::parse("1050").expect("valid"),
                city: City::parse("Bruxelles").expect("valid"),
                country: CountryCode::parse("BE").expect("valid"),
            }),
            contact: Contact {
                name: None,
                email: Some(EmailAddress::parse("ops@example.com").expect("valid")),
                phone: None,
            },
            vat_number: None,
            trade_register_number: None,
            default_language: LanguageCode::FRENCH,
        },
        active: true,
        production_enabled_at: None,
        metadata: Metadata::default(),
        created_at: at,
        updated_at: at,
        deleted_at: None,
    }
}

/// A pending legal entity of `tenant` with participant id `0208:<seed>`.
pub fn legal_entity(
    tenant: &Tenant,
    environment: Environment,
    seed: u32,
    name: &str,
) -> LegalEntity {
    let fields = NewLegalEntity {
        company_name: CompanyName::parse(name).expect("valid name"),
        country: CountryCode::parse("BE").expect("valid"),
        identifier: participant_id(seed),
        external_id: None,
        metadata: Metadata::default(),
    };
    LegalEntity::create(tenant.id, environment, fields, T0)
}

/// An API key of `tenant`.
pub fn api_key(
    tenant: &Tenant,
    environment: Environment,
    name: &str,
    at: OffsetDateTime,
) -> ApiKey {
    let fields = NewApiKey {
        name: KeyName::parse(name).expect("valid name"),
        description: None,
        environment,
        expires_at: None,
        signing_required: true,
    };
    ApiKey::issue(tenant.id, fields, &master_key(), at).key
}

/// The `tenant.created` event of `tenant`.
pub fn created_event(tenant: &Tenant) -> EventRecord {
    EventRecord::tenant(TenantChange::Created, tenant, tenant.created_at)
}
