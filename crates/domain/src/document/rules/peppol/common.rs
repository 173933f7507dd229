//! `PEPPOL-COMMON-R040` to `R050`: the format and check digits of identifiers in the
//! schemes Peppol checks, wherever an electronic address (`cbc:EndpointID`), a party
//! identifier (`cac:PartyIdentification/cbc:ID`) or a legal registration identifier
//! (`cbc:CompanyID`) names one of them in its `schemeID`.
//!
//! Where the participant module checks a scheme exactly as the schematron does
//! ([`ParticipantId::new`] on the normalized value: `0088`, `0192`, `0208`, `0201`,
//! `0007`, `0151`), it is reused; the schematron's checks of `0184` (on the raw value,
//! `DK` in upper case only), `0210`/`9907` (`u:checkCF`, whose digit groups are
//! `castable as xs:integer`) and `0211` (`u:checkPIVAseIT`, which accepts any value not
//! prefixed `IT`/`it`) differ from the participant module's and are written here.

use super::xpath;
use super::{Findings, Rule, fatal, warning};
use crate::document::model::{Document, Party};
use crate::participant::ParticipantId;

pub(super) const R040: Rule = fatal(
    "PEPPOL-COMMON-R040",
    "GLN must have a valid format according to GS1 rules.",
);
pub(super) const R041: Rule = fatal(
    "PEPPOL-COMMON-R041",
    "Norwegian organization number MUST be stated in the correct format.",
);
pub(super) const R042: Rule = fatal(
    "PEPPOL-COMMON-R042",
    "Danish organization number (CVR) MUST be stated in the correct format.",
);
pub(super) const R043: Rule = fatal(
    "PEPPOL-COMMON-R043",
    "Belgian enterprise number MUST be stated in the correct format.",
);
pub(super) const R044: Rule = warning(
    "PEPPOL-COMMON-R044",
    "IPA Code (Codice Univoco Unità Organizzativa) must be stated in the correct format",
);
pub(super) const R045: Rule = warning(
    "PEPPOL-COMMON-R045",
    "Tax Code (Codice Fiscale) must be stated in the correct format",
);
pub(super) const R046: Rule = warning(
    "PEPPOL-COMMON-R046",
    "Tax Code (Codice Fiscale) must be stated in the correct format",
);
pub(super) const R047: Rule = warning(
    "PEPPOL-COMMON-R047",
    "Italian VAT Code (Partita Iva) must be stated in the correct format",
);
pub(super) const R049: Rule = fatal(
    "PEPPOL-COMMON-R049",
    "Swedish organization number MUST be stated in the correct format.",
);
pub(super) const R050: Rule = fatal(
    "PEPPOL-COMMON-R050",
    "Australian Business Number (ABN) MUST be stated in the correct format.",
);

/// The element an identifier is in: the rules' contexts differ (`R046` is on electronic
/// addresses only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    /// `cbc:EndpointID`.
    Endpoint,
    /// `cac:PartyIdentification/cbc:ID`.
    PartyIdentification,
    /// `cac:PartyLegalEntity/cbc:CompanyID`.
    CompanyId,
}

/// Checks every identifier of `document` whose scheme Peppol checks.
pub(super) fn check(document: &Document, findings: &mut Findings) {
    party(&document.seller, "/seller", findings);
    party(&document.buyer, "/buyer", findings);
    if let Some(payee) = &document.payee {
        if let Some(identifier) = &payee.identifier
            && let Some(scheme) = identifier.scheme_id.as_deref()
        {
            identifier_rule(
                Element::PartyIdentification,
                scheme,
                &identifier.id,
                findings,
                || "/payee/identifier/id".to_owned(),
            );
        }
        if let (Some(id), Some(scheme)) = (
            payee.legal_registration_id.as_deref(),
            payee.legal_registration_scheme_id.as_deref(),
        ) {
            identifier_rule(Element::CompanyId, scheme, id, findings, || {
                "/payee/legalRegistrationId".to_owned()
            });
        }
    }
}

fn party(party: &Party, pointer: &str, findings: &mut Findings) {
    if let (Some(address), Some(scheme)) = (
        party.electronic_address.as_deref(),
        party.electronic_address_scheme_id.as_deref(),
    ) {
        identifier_rule(Element::Endpoint, scheme, address, findings, || {
            format!("{pointer}/electronicAddress")
        });
    }
    for (index, identifier) in party.identifiers.iter().enumerate() {
        if let Some(scheme) = identifier.scheme_id.as_deref() {
            identifier_rule(
                Element::PartyIdentification,
                scheme,
                &identifier.id,
                findings,
                || format!("{pointer}/identifiers/{index}/id"),
            );
        }
    }
    if let (Some(id), Some(scheme)) = (
        party.legal_registration_id.as_deref(),
        party.legal_registration_scheme_id.as_deref(),
    ) {
        identifier_rule(Element::CompanyId, scheme, id, findings, || {
            format!("{pointer}/legalRegistrationId")
        });
    }
}

/// Applies the rule of `scheme` (compared exactly, as `@schemeID = '0088'`) to `value`.
fn identifier_rule(
    element: Element,
    scheme: &str,
    value: &str,
    findings: &mut Findings,
    pointer: impl FnOnce() -> String,
) {
    let Ok(code) = <[u8; 4]>::try_from(scheme.as_bytes()) else {
        return;
    };
    let (rule, valid) = match &code {
        b"0088" => (&R040, participant(scheme, value)),
        b"0192" => (&R041, participant(scheme, value)),
        b"0184" => (&R042, danish_cvr(value)),
        b"0208" => (&R043, participant(scheme, value)),
        b"0201" => (&R044, participant(scheme, value)),
        b"0210" => (&R045, codice_fiscale(&xpath::normalize(value))),
        b"9907" if element == Element::Endpoint => {
            (&R046, codice_fiscale(&xpath::normalize(value)))
        }
        b"0211" => (&R047, partita_iva(&xpath::normalize(value))),
        b"0007" => (&R049, participant(scheme, value)),
        b"0151" => (&R050, participant(scheme, value)),
        _ => return,
    };
    if !valid {
        findings.fail(rule, pointer());
    }
}

/// The participant module's check of `scheme` on `normalize-space(value)`, which for these
/// schemes is the schematron's (format, then `u:gln`, `u:mod11`, `u:mod97-0208`,
/// `u:checkCodiceIPA`, `u:checkSEOrgnr`, `u:abn`).
fn participant(scheme: &str, value: &str) -> bool {
    ParticipantId::new(scheme, &xpath::normalize(value)).is_ok()
}

/// `PEPPOL-COMMON-R042` on the raw value: `DK` and 8 digits, or 8 digits.
fn danish_cvr(value: &str) -> bool {
    let digits = |text: &str| text.chars().all(|c| c.is_ascii_digit());
    match xpath::string_length(value) {
        10 => value.starts_with("DK") && digits(&value[2..]),
        8 => digits(value),
        _ => false,
    }
}

/// `u:checkCF`: 16 characters shaped as a natural person's codice fiscale
/// (`u:checkCF16`), or 11 characters castable as `xs:integer`.
fn codice_fiscale(value: &str) -> bool {
    match xpath::string_length(value) {
        16 => {
            let letters = |start, length| {
                xpath::substring(value, start, length)
                    .chars()
                    .all(|c| c.is_ascii_alphabetic())
            };
            let integer = |start, length| xpath::is_integer(xpath::substring(value, start, length));
            letters(1, 6)
                && integer(7, 2)
                && letters(9, 1)
                && integer(10, 2)
                && integer(15, 1)
                && letters(16, 1)
        }
        11 => xpath::is_integer(value),
        _ => false,
    }
}

/// `u:checkPIVAseIT`: a value prefixed `IT` or `it` must continue with 11 digits whose
/// `u:addPIVA` sum (every second digit doubled, its digits added) is a multiple of 10;
/// any other value passes.
fn partita_iva(value: &str) -> bool {
    let country = xpath::substring(value, 1, 2);
    if country != "IT" && country != "it" {
        return true;
    }
    let number = &value[2..];
    if number.len() != 11 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = number
        .bytes()
        .map(|b| u32::from(b - b'0'))
        .enumerate()
        .map(|(index, digit)| {
            if index % 2 == 1 {
                (digit * 2) / 10 + (digit * 2) % 10
            } else {
                digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvr() {
        assert!(danish_cvr("12345678"));
        assert!(danish_cvr("DK12345678"));
        assert!(!danish_cvr("dk12345678"));
        assert!(!danish_cvr("DK1234567"));
        assert!(!danish_cvr("1234567"));
    }

    #[test]
    fn codice_fiscale_shapes() {
        assert!(codice_fiscale("97735020584"));
        assert!(codice_fiscale("RSSMRA85T10A562S"));
        assert!(codice_fiscale("RSSMRA+5T10A562S"));
        assert!(!codice_fiscale("9773502058497735020584"));
        assert!(!codice_fiscale("ABC"));
    }

    #[test]
    fn partita_iva_checks() {
        assert!(partita_iva("IT02985591201"));
        assert!(!partita_iva("IT02985591202"));
        assert!(!partita_iva("IT1"));
        assert!(!partita_iva("ITABC"));
        assert!(partita_iva("ABC"));
    }
}
