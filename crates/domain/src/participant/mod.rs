//! Peppol participant identifiers (`scheme:value`), their schemes and check digits, VAT
//! numbers, and the derivation of VAT participant identifiers.

mod check_digits;
mod schemes;
#[cfg(test)]
mod tests;
mod vat;

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use self::check_digits::{
    abn, gs1, is_digits, is_n_digits, luhn, mod11_no, mod97_10, mod97_be, siret,
};
use self::schemes::{SCHEMES, SchemeEntry};
use self::vat::{Failure, checked};
pub use self::vat::{VatNumber, VatNumberError};
use crate::codes::CountryCode;

/// An ICD/EAS participant identifier scheme known to Peppol (e.g. `0208`).
///
/// The known schemes are the union of the ISO 6523 ICD code list and the Peppol Electronic
/// Address Scheme (EAS) code list, embedded from the Peppol BIS Billing 3.0 code lists. Only
/// EAS schemes ([`Scheme::is_eas`]) may address a Peppol endpoint; ICD-only schemes appear in
/// party and legal entity identifiers.
#[derive(Clone, Copy)]
pub struct Scheme(&'static SchemeEntry);

impl Scheme {
    /// Looks up a four-digit scheme code (e.g. `0208`).
    pub fn parse(code: &str) -> Result<Self, ParticipantIdError> {
        SCHEMES
            .binary_search_by(|entry| entry.code.cmp(code))
            .map(|index| Self(&SCHEMES[index]))
            .map_err(|_| ParticipantIdError::UnknownScheme(code.to_owned()))
    }

    /// The four-digit code.
    pub fn code(&self) -> &'static str {
        self.0.code
    }

    /// The name the code list gives the scheme.
    pub fn name(&self) -> &'static str {
        self.0.name
    }

    /// Whether the scheme is in the Electronic Address Scheme list, i.e. may be used for a
    /// Peppol endpoint (`cbc:EndpointID/@schemeID`, rule `PEPPOL-EN16931-CL008`).
    pub fn is_eas(&self) -> bool {
        self.0.eas
    }

    /// Whether the scheme is in the ISO 6523 ICD list.
    pub fn is_icd(&self) -> bool {
        self.0.icd
    }

    /// For an EAS scheme whose values are VAT numbers (e.g. `9925`, `0211`), the country of
    /// those VAT numbers.
    pub fn vat_country(&self) -> Option<CountryCode> {
        self.0
            .vat_country
            .and_then(|code| CountryCode::parse(code).ok())
    }

    /// The EAS scheme whose values are the VAT numbers of `country`, if the EAS list has one.
    pub fn for_vat_country(country: CountryCode) -> Option<Self> {
        SCHEMES
            .iter()
            .find(|entry| entry.eas && entry.vat_country == Some(country.as_str()))
            .map(Self)
    }

    /// Every known scheme, in code order.
    pub fn all() -> impl Iterator<Item = Self> {
        SCHEMES.iter().map(Self)
    }
}

impl fmt::Debug for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Scheme").field(&self.0.code).finish()
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.code)
    }
}

impl PartialEq for Scheme {
    fn eq(&self, other: &Self) -> bool {
        self.0.code == other.0.code
    }
}
impl Eq for Scheme {}

impl Hash for Scheme {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.code.hash(state);
    }
}

impl PartialOrd for Scheme {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheme {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.code.cmp(other.0.code)
    }
}

/// Why a participant identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParticipantIdError {
    /// The text has no `:` between scheme and value.
    #[error("participant id `{0}` is not of the form scheme:value")]
    Malformed(String),
    /// The scheme is in neither the ICD nor the EAS code list.
    #[error("scheme `{0}` is not a known Peppol participant identifier scheme")]
    UnknownScheme(String),
    /// The value is empty, too long, has characters other than printable ASCII, or does not
    /// have the format of its scheme.
    #[error("`{value}` is not a valid identifier of scheme {scheme}")]
    InvalidValue {
        /// The scheme code.
        scheme: String,
        /// The refused value.
        value: String,
    },
    /// The value has the format of its scheme but its check digits are wrong.
    #[error("`{value}` fails the check digits of scheme {scheme}")]
    CheckDigits {
        /// The scheme code.
        scheme: String,
        /// The refused value.
        value: String,
    },
}

/// A Peppol participant identifier: a known scheme and a value valid for it.
///
/// # Values
///
/// Nothing is trimmed or rewritten. Every value must be 1 or more printable US-ASCII
/// characters (no whitespace, no control or non-ASCII characters, as Peppol identifiers are
/// US-ASCII), and the whole `scheme:value` must be at most [`ParticipantId::MAX_LEN`] (50)
/// characters (Peppol Policy for use of Identifiers), so a value has at most 45.
///
/// Values compare case-insensitively (`iso6523-actorid-upis` is a case-insensitive scheme):
/// [`PartialEq`] and [`Hash`] agree, and [`ParticipantId::canonical`] gives the lower-case
/// form for storage. Letters in checked values may be of either case.
///
/// # Checked schemes
///
/// Where the Peppol BIS Billing 3.0 schematron checks a scheme, the same rule is applied
/// (rule ids `PEPPOL-COMMON-R0xx`):
///
/// | scheme | rule | format | check digits |
/// | --- | --- | --- | --- |
/// | `0088` GLN | R040 | digits | GS1 mod 10 (`u:gln`) |
/// | `0192` NO organisation number | R041 | 9 digits | mod 11 (`u:mod11`), not 0 |
/// | `0184` DK CVR | R042 | 8 digits, or `DK` + 8 digits | |
/// | `0208` BE enterprise number | R043 | 10 digits | 97 − first 8 mod 97 (`u:mod97-0208`) |
/// | `0201` IT IPA code | R044 | 6 letters or digits | |
/// | `0210` IT codice fiscale | R045 | 16 characters `LLLLLLDDLDD???DL`, or 11 digits | |
/// | `0211` IT partita IVA | R047 | 11 digits, optionally after `IT` | Luhn (`u:checkPIVA`) |
/// | `0007` SE organisation number | R049 | 10 digits | Luhn (`u:checkSEOrgnr`) |
/// | `0151` AU ABN | R050 | 11 digits | weighted mod 89 (`u:abn`) |
///
/// (The schematron only warns for R044, R045 and R047; they are refused here all the same.
/// It accepts any `0211` value not starting with `IT`; here the bare form must be 11 digits.)
///
/// Other schemes whose published structure is checkable:
///
/// | scheme | format | check digits |
/// | --- | --- | --- |
/// | `0002` FR SIRENE | 9 digits (SIREN) or 14 (SIRET) | Luhn (La Poste SIRETs: digit sum mod 5) |
/// | `0009` FR SIRET | 14 digits | Luhn, except La Poste (SIREN 356000000): digit sum mod 5 |
/// | `0060` DUNS | 9 digits | |
/// | `0106` NL `KvK` | 8 digits | |
/// | `0199` LEI | 18 letters or digits + 2 digits | ISO 7064 MOD 97-10 (ISO 17442) |
/// | EAS VAT schemes (`9914`, `9920`, `9925`…`9957`, `0211`, `0213`, `9910`) | a VAT number of the scheme's country, with or without its prefix (`9925:BE0123456749`; `9933` takes the bare Greek TIN) | as [`VatNumber`] |
///
/// VAT schemes of countries whose format [`VatNumber`] does not know (Andorra, Albania, Bosnia
/// and Herzegovina, Liechtenstein, Monaco, Montenegro, North Macedonia, Serbia, San Marino,
/// Turkey, Vatican) and all the other schemes accept any value of allowed characters.
#[derive(Debug, Clone)]
pub struct ParticipantId {
    scheme: Scheme,
    value: String,
}

impl ParticipantId {
    /// The Peppol identifier scheme of participant identifiers, which prefixes their URI form.
    pub const IDENTIFIER_SCHEME: &'static str = "iso6523-actorid-upis";

    /// The longest `scheme:value`, in characters.
    pub const MAX_LEN: usize = 50;

    /// Checks `value` against `scheme`.
    pub fn new(scheme: &str, value: &str) -> Result<Self, ParticipantIdError> {
        let scheme = Scheme::parse(scheme)?;
        let invalid = |failure| match failure {
            Failure::Format => ParticipantIdError::InvalidValue {
                scheme: scheme.code().to_owned(),
                value: value.to_owned(),
            },
            Failure::CheckDigits => ParticipantIdError::CheckDigits {
                scheme: scheme.code().to_owned(),
                value: value.to_owned(),
            },
        };
        let allowed = !value.is_empty()
            && scheme.code().len() + 1 + value.len() <= Self::MAX_LEN
            && value.bytes().all(|b| b.is_ascii_graphic());
        if !allowed {
            return Err(invalid(Failure::Format));
        }
        check_value(scheme, value).map_err(invalid)?;
        Ok(Self {
            scheme,
            value: value.to_owned(),
        })
    }

    /// Parses `scheme:value`, optionally prefixed by `iso6523-actorid-upis::` (in any case).
    pub fn parse(text: &str) -> Result<Self, ParticipantIdError> {
        const URI_PREFIX: &str = "iso6523-actorid-upis::";
        let rest = text
            .get(..URI_PREFIX.len())
            .filter(|head| head.eq_ignore_ascii_case(URI_PREFIX))
            .map_or(text, |_| &text[URI_PREFIX.len()..]);
        let (scheme, value) = rest
            .split_once(':')
            .ok_or_else(|| ParticipantIdError::Malformed(text.to_owned()))?;
        Self::new(scheme, value)
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The value, as given.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The lower-case `scheme:value`, identical for all identifiers that are equal: the form
    /// to store and index for uniqueness.
    pub fn canonical(&self) -> String {
        format!("{}:{}", self.scheme.code(), self.value.to_ascii_lowercase())
    }

    /// The URI form, `iso6523-actorid-upis::scheme:value`, the value as given.
    pub fn to_uri(&self) -> String {
        format!("{}::{self}", Self::IDENTIFIER_SCHEME)
    }
}

impl PartialEq for ParticipantId {
    fn eq(&self, other: &Self) -> bool {
        self.scheme == other.scheme && self.value.eq_ignore_ascii_case(&other.value)
    }
}
impl Eq for ParticipantId {}

impl Hash for ParticipantId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.scheme.hash(state);
        for b in self.value.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
        state.write_usize(self.value.len());
    }
}

impl fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.scheme.code(), self.value)
    }
}

impl std::str::FromStr for ParticipantId {
    type Err = ParticipantIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// Checks the format and check digits of `value` (printable ASCII, length checked) for
/// `scheme`; see [`ParticipantId`] for the rules.
fn check_value(scheme: Scheme, value: &str) -> Result<(), Failure> {
    let upper = value.to_ascii_uppercase();
    match scheme.code() {
        "0002" => checked(is_n_digits(value, 9) || is_n_digits(value, 14), || {
            if value.len() == 9 {
                luhn(value)
            } else {
                siret(value)
            }
        }),
        "0007" => checked(is_n_digits(value, 10), || luhn(value)),
        "0009" => checked(is_n_digits(value, 14), || siret(value)),
        "0060" => checked(is_n_digits(value, 9), || true),
        "0088" => checked(is_digits(value), || gs1(value)),
        "0106" => checked(is_n_digits(value, 8), || true),
        "0151" => checked(is_n_digits(value, 11), || abn(value)),
        "0184" => checked(
            is_n_digits(value, 8)
                || (upper.len() == 10 && upper.starts_with("DK") && is_digits(&upper[2..])),
            || true,
        ),
        "0192" => checked(is_n_digits(value, 9), || mod11_no(value)),
        "0199" => checked(
            upper.len() == 20
                && upper[..18].bytes().all(|b| b.is_ascii_alphanumeric())
                && is_digits(&upper[18..]),
            || mod97_10(&upper),
        ),
        "0201" => checked(
            value.len() == 6 && value.bytes().all(|b| b.is_ascii_alphanumeric()),
            || true,
        ),
        "0208" => checked(is_n_digits(value, 10), || mod97_be(value)),
        "0210" => checked(is_codice_fiscale(value), || true),
        _ => match scheme.vat_country() {
            Some(country) => check_vat_value(country, &upper),
            None => Ok(()),
        },
    }
}

/// Codice fiscale as the schematron's `u:checkCF`: 11 digits (legal persons), or 16
/// characters shaped `LLLLLLDDLDD???DL` (L a letter, D a digit) for natural persons.
fn is_codice_fiscale(value: &str) -> bool {
    let bytes = value.as_bytes();
    let letters = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_alphabetic);
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    is_n_digits(value, 11)
        || (bytes.len() == 16
            && letters(0..6)
            && digits(6..8)
            && letters(8..9)
            && digits(9..11)
            && digits(14..15)
            && letters(15..16))
}

/// Checks the value of a VAT scheme of `country` (upper-cased): a VAT number of that country,
/// with its prefix or without.
fn check_vat_value(country: CountryCode, upper: &str) -> Result<(), Failure> {
    let prefixes: &[&str] = match country.as_str() {
        "GR" => &["EL"],
        "GB" => &["GB", "XI"],
        other => &[other],
    };
    if !vat::has_format(prefixes[0]) {
        return Ok(());
    }
    let of_country = |vat: VatNumber| {
        if vat.country() == country {
            Ok(())
        } else {
            Err(Failure::Format)
        }
    };
    let as_written = if prefixes.iter().any(|prefix| upper.starts_with(prefix)) {
        VatNumber::from_normalized(upper).and_then(of_country)
    } else {
        Err(Failure::Format)
    };
    match as_written {
        Err(Failure::Format) => {
            VatNumber::from_normalized(&format!("{}{upper}", prefixes[0])).and_then(of_country)
        }
        other => other,
    }
}

/// The participant identifiers of a company known by its VAT number: the primary one,
/// and the VAT one when it differs.
///
/// - `BE`: `0208:<10 digits>` and `9925:BE<10 digits>`;
/// - `SE`: `0007:<first 10 digits>` (the EAS list no longer has a Swedish VAT scheme);
/// - `NO`: `0192:<9 digits>` (no Norwegian VAT scheme either);
/// - `EL` (Greece): `9933:<9 digits>`, without prefix, as rule `GR-R-009` wants it;
/// - other countries: `<the country's EAS VAT scheme>:<VAT number with prefix>` (e.g.
///   `9938:LU12345678`, `0211:IT…`, `9957:FR…`), or nothing when the EAS list has no VAT
///   scheme for the country (e.g. `DK`).
pub fn participant_ids_for_vat(vat: &VatNumber) -> Vec<ParticipantId> {
    let national = vat.national();
    let primary = match vat.prefix() {
        "BE" => ParticipantId::new("0208", national).ok(),
        "SE" => national
            .get(..10)
            .and_then(|number| ParticipantId::new("0007", number).ok()),
        "NO" => national
            .get(..9)
            .and_then(|number| ParticipantId::new("0192", number).ok()),
        _ => None,
    };
    let vat_id = Scheme::for_vat_country(vat.country()).and_then(|scheme| {
        let value = if vat.prefix() == "EL" {
            national
        } else {
            vat.as_str()
        };
        ParticipantId::new(scheme.code(), value).ok()
    });
    primary.into_iter().chain(vat_id).collect()
}

/// The VAT participant identifier provably derived from a registry identifier.
///
/// - `0208:<enterprise number>` gives `9925:BE<enterprise number>`;
/// - `0007:<organisation number>` would give the Swedish VAT scheme with
///   `SE<organisation number>01`, but the EAS list no longer has one (`9955` was removed), so
///   it gives `None`;
/// - anything else gives `None`.
pub fn derive_vat_participant_id(primary: &ParticipantId) -> Option<ParticipantId> {
    let vat = match primary.scheme().code() {
        "0208" => format!("BE{}", primary.value()),
        "0007" => format!("SE{}01", primary.value()),
        _ => return None,
    };
    let vat = VatNumber::parse(&vat).ok()?;
    participant_ids_for_vat(&vat)
        .into_iter()
        .find(|id| id.scheme().vat_country().is_some())
}
