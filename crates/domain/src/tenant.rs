//! Tenants: partners and the child tenants they create.

use std::fmt;

use time::OffsetDateTime;

use crate::codes::{CountryCode, LanguageCode};
use crate::environment::Environment;
use crate::ids::TenantId;
use crate::metadata::Metadata;
use crate::participant::VatNumber;
use crate::text::TradeRegisterNumber;
use crate::text::{City, CompanyName, EmailAddress, PersonName, PhoneNumber, PostalCode, Street};

/// How a child tenant is billed (seed 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BillingModel {
    /// A fixed monthly fee per legal entity.
    Seats,
    /// A fee per document sent or received.
    Flow,
}

/// Why a billing model name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a billing model (expected SEATS or FLOW)")]
pub struct BillingModelError(pub String);

impl BillingModel {
    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Seats => "SEATS",
            Self::Flow => "FLOW",
        }
    }

    /// Parses `SEATS` or `FLOW`.
    pub fn parse(text: &str) -> Result<Self, BillingModelError> {
        match text {
            "SEATS" => Ok(Self::Seats),
            "FLOW" => Ok(Self::Flow),
            other => Err(BillingModelError(other.to_owned())),
        }
    }
}

/// The non-empty set of billing models a partner may give its child tenants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BillingModels {
    seats: bool,
    flow: bool,
}

impl BillingModels {
    /// Both models.
    pub const ALL: Self = Self {
        seats: true,
        flow: true,
    };

    /// The set of the given models; `None` when empty.
    pub fn from_models(models: &[BillingModel]) -> Option<Self> {
        let set = Self {
            seats: models.contains(&BillingModel::Seats),
            flow: models.contains(&BillingModel::Flow),
        };
        (set.seats || set.flow).then_some(set)
    }

    /// Whether `model` is in the set.
    pub const fn allows(self, model: BillingModel) -> bool {
        match model {
            BillingModel::Seats => self.seats,
            BillingModel::Flow => self.flow,
        }
    }

    /// The models, in a stable order.
    pub fn models(self) -> Vec<BillingModel> {
        let mut models = Vec::with_capacity(2);
        if self.seats {
            models.push(BillingModel::Seats);
        }
        if self.flow {
            models.push(BillingModel::Flow);
        }
        models
    }
}

/// A tenant's unique code, upper-case letters, digits and single hyphens (e.g.
/// `KUNDE-GMBH`), unique among one partner's tenants.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantCode(String);

/// Why a tenant code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenantCodeError {
    #[error("must be 2 to {max} characters of A-Z, 0-9 and single inner hyphens", max = TenantCode::MAX_CHARS)]
    Format,
    #[error("no tenant code can be derived from the company name; give one")]
    NotDerivable,
}

impl TenantCode {
    /// The longest code accepted.
    pub const MAX_CHARS: usize = 50;

    /// Accepts an explicit code.
    pub fn parse(text: &str) -> Result<Self, TenantCodeError> {
        let ok = (2..=Self::MAX_CHARS).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
            && !text.starts_with('-')
            && !text.ends_with('-')
            && !text.contains("--");
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(TenantCodeError::Format)
        }
    }

    /// Derives a code from a company name: transliterated to ASCII, upper-cased, every
    /// run of other characters replaced by one hyphen (`Kunde GmbH` -> `KUNDE-GMBH`,
    /// `Müller & Söhne` -> `MULLER-SOHNE`).
    pub fn derive(company_name: &CompanyName) -> Result<Self, TenantCodeError> {
        let ascii = deunicode::deunicode(company_name.as_str()).to_ascii_uppercase();
        let mut code = String::with_capacity(ascii.len());
        for c in ascii.chars() {
            if c.is_ascii_alphanumeric() {
                code.push(c);
            } else if !code.is_empty() && !code.ends_with('-') {
                code.push('-');
            }
        }
        let mut code = code.trim_end_matches('-').to_owned();
        if code.len() > Self::MAX_CHARS {
            code.truncate(Self::MAX_CHARS);
            code = code.trim_end_matches('-').to_owned();
        }
        Self::parse(&code).map_err(|_| TenantCodeError::NotDerivable)
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAddress {
    /// Street and number.
    pub street: Street,
    /// Postal code.
    pub postal_code: PostalCode,
    /// City.
    pub city: City,
    /// Country.
    pub country: CountryCode,
}

/// Who to contact at a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    /// Contact person.
    pub name: Option<PersonName>,
    /// E-mail address.
    pub email: Option<EmailAddress>,
    /// Telephone number.
    pub phone: Option<PhoneNumber>,
}

/// The descriptive fields of a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantProfile {
    /// Company name.
    pub company_name: CompanyName,
    /// Postal address (required for child tenants, optional for partners).
    pub address: Option<PostalAddress>,
    /// Contact details.
    pub contact: Contact,
    /// VAT number, with its country prefix.
    pub vat_number: Option<VatNumber>,
    /// Trade register number.
    pub trade_register_number: Option<TradeRegisterNumber>,
    /// Default language of documents and messages.
    pub default_language: LanguageCode,
}

/// Whether a tenant is a partner or a partner's child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantKind {
    /// A partner: may create and manage child tenants.
    Partner {
        /// The billing models its children may have.
        billing_models: BillingModels,
    },
    /// A child tenant of a partner.
    Child {
        /// The owning partner.
        partner: TenantId,
        /// How the child is billed.
        billing_model: BillingModel,
    },
}

/// A tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    /// Identifier.
    pub id: TenantId,
    /// Partner or child.
    pub kind: TenantKind,
    /// Unique code within the partner.
    pub code: TenantCode,
    /// Descriptive fields.
    pub profile: TenantProfile,
    /// Inactive tenants cannot use their keys.
    pub active: bool,
    /// When production was enabled, if it was (irreversible).
    pub production_enabled_at: Option<OffsetDateTime>,
    /// Caller-defined metadata.
    pub metadata: Metadata,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// Time of the last change.
    pub updated_at: OffsetDateTime,
    /// Soft-deletion time; a deleted tenant is invisible and its keys are refused.
    pub deleted_at: Option<OffsetDateTime>,
}

impl Tenant {
    /// Whether this tenant is a partner.
    pub const fn is_partner(&self) -> bool {
        matches!(self.kind, TenantKind::Partner { .. })
    }

    /// The partner that owns this tenant: itself for a partner.
    pub const fn partner_id(&self) -> TenantId {
        match self.kind {
            TenantKind::Partner { .. } => self.id,
            TenantKind::Child { partner, .. } => partner,
        }
    }

    /// Whether `environment` is enabled: sandbox always, production once enabled.
    pub const fn has_environment(&self, environment: Environment) -> bool {
        match environment {
            Environment::Sandbox => true,
            Environment::Production => self.production_enabled_at.is_some(),
        }
    }

    /// The enabled environments, sandbox first.
    pub fn environments(&self) -> Vec<Environment> {
        Environment::ALL
            .into_iter()
            .filter(|env| self.has_environment(*env))
            .collect()
    }

    /// Whether the tenant was soft-deleted.
    pub const fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn derive(name: &str) -> Result<TenantCode, TenantCodeError> {
        TenantCode::derive(&CompanyName::parse(name).unwrap())
    }

    #[test]
    fn code_is_derived_from_the_company_name() {
        assert_eq!(derive("Kunde GmbH").unwrap().as_str(), "KUNDE-GMBH");
    }

    #[test]
    fn derived_code_transliterates_accents_and_collapses_punctuation() {
        assert_eq!(
            derive("  Müller & Söhne, S.à r.l. ").unwrap().as_str(),
            "MULLER-SOHNE-S-A-R-L"
        );
    }

    #[test]
    fn derived_code_is_cut_to_the_limit_without_a_trailing_hyphen() {
        let code = derive(&format!("{} b", "a".repeat(49))).unwrap();
        assert_eq!(code.as_str().len(), 49);
    }

    #[test]
    fn name_without_letters_derives_no_code() {
        assert_eq!(derive("***"), Err(TenantCodeError::NotDerivable));
    }

    #[test]
    fn lower_case_code_is_refused() {
        assert_eq!(TenantCode::parse("kunde"), Err(TenantCodeError::Format));
    }

    #[test]
    fn double_hyphen_code_is_refused() {
        assert_eq!(TenantCode::parse("A--B"), Err(TenantCodeError::Format));
    }

    #[test]
    fn billing_models_need_one_model() {
        assert_eq!(BillingModels::from_models(&[]), None);
        let seats = BillingModels::from_models(&[BillingModel::Seats]).unwrap();
        assert!(seats.allows(BillingModel::Seats));
        assert!(!seats.allows(BillingModel::Flow));
    }
}
