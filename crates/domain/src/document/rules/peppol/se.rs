//! Sweden (`SE-R-*`): for a seller whose postal address is in `SE` (the raw country code).

use rust_decimal::Decimal;

use super::{Findings, Rule, Vars, fatal, payment_pointer, warning, xpath};
use crate::document::model::Party;

pub(super) const R001: Rule = fatal(
    "SE-R-001",
    "For Swedish suppliers, Swedish VAT-numbers must consist of 14 characters.",
);
pub(super) const R002: Rule = fatal(
    "SE-R-002",
    "For Swedish suppliers, the Swedish VAT-numbers must have the trailing 12 characters in numeric form",
);
pub(super) const R003: Rule = fatal(
    "SE-R-003",
    "Swedish organisation numbers should be numeric.",
);
pub(super) const R004: Rule = fatal(
    "SE-R-004",
    "Swedish organisation numbers consist of 10 characters.",
);
pub(super) const R013: Rule = fatal(
    "SE-R-013",
    "The last digit of a Swedish organization number must be valid according to the Luhn algorithm.",
);
pub(super) const R005: Rule = fatal(
    "SE-R-005",
    "For Swedish suppliers, when using Seller tax registration identifier, 'Godkänd för F-skatt' must be stated",
);
pub(super) const R006: Rule = fatal(
    "SE-R-006",
    "For Swedish suppliers, only standard VAT rate of 6, 12 or 25 are used",
);
pub(super) const R007: Rule = warning(
    "SE-R-007",
    "For Swedish suppliers using Plusgiro, the Account ID must be numeric",
);
pub(super) const R010: Rule = warning(
    "SE-R-010",
    "For Swedish suppliers using Plusgiro, the Account ID must have 2-8 characters",
);
pub(super) const R008: Rule = warning(
    "SE-R-008",
    "For Swedish suppliers using Bankgiro, the Account ID must be numeric",
);
pub(super) const R009: Rule = warning(
    "SE-R-009",
    "For Swedish suppliers using Bankgiro, the Account ID must have 7-8 characters",
);
pub(super) const R011: Rule = warning(
    "SE-R-011",
    "For Swedish suppliers using Swedish Bankgiro or Plusgiro, the proper way to indicate this is to use Code 30 for PaymentMeans and FinancialInstitutionBranch ID with code SE:BANKGIRO or SE:PLUSGIRO",
);
pub(super) const R012: Rule = warning(
    "SE-R-012",
    r#"For domestic transactions between Swedish trading partners, credit transfer should be indicated by PaymentMeansCode="30""#,
);

fn swedish(party: &Party) -> bool {
    super::address_country(party) == Some("SE")
}

/// Checks the Swedish rules.
pub(super) fn check(vars: &Vars<'_>, findings: &mut Findings) {
    let document = vars.document;
    let seller = &document.seller;
    if !swedish(seller) {
        return;
    }
    let swedish_vat = seller
        .vat_id
        .as_deref()
        .filter(|vat| xpath::substring(vat, 1, 2) == "SE");
    if let Some(vat) = swedish_vat {
        if xpath::normalized_len(vat) != 14 {
            findings.fail(&R001, "/seller/vatId");
        }
        if !xpath::is_number(xpath::substring(vat, 3, 12)) {
            findings.fail(&R002, "/seller/vatId");
        }
        standard_rates(vars, findings);
    }
    if let Some(id) = seller.legal_registration_id.as_deref() {
        if !xpath::is_number(id) {
            findings.fail(&R003, "/seller/legalRegistrationId");
        }
        if xpath::normalized_len(id) != 10 {
            findings.fail(&R004, "/seller/legalRegistrationId");
        }
        if !organisation_number(&xpath::normalize(id)) {
            findings.fail(&R013, "/seller/legalRegistrationId");
        }
        if let Some(tax_registration) = seller.tax_registration_id.as_deref()
            && !xpath::upper_norm_eq(tax_registration, "GODKÄND FÖR F-SKATT")
        {
            findings.fail(&R005, "/seller/taxRegistrationId");
        }
    }
    let domestic = swedish(&document.buyer);
    for (index, means) in document.payment_means.iter().enumerate() {
        let code = means.code.as_deref().unwrap_or("");
        if xpath::norm_eq(code, "30") {
            for (account_index, account) in means.accounts.iter().enumerate() {
                let (Some(id), Some(branch)) = (account.iban.as_deref(), account.bic.as_deref())
                else {
                    continue;
                };
                let pointer = || payment_pointer(index, &format!("accounts/{account_index}/iban"));
                let length = xpath::normalized_len(id);
                if xpath::norm_eq(branch, "SE:PLUSGIRO") {
                    if !xpath::is_number(id) {
                        findings.fail(&R007, pointer());
                    }
                    if !(2..=8).contains(&length) {
                        findings.fail(&R010, pointer());
                    }
                } else if xpath::norm_eq(branch, "SE:BANKGIRO") {
                    if !xpath::is_number(id) {
                        findings.fail(&R008, pointer());
                    }
                    if !(7..=8).contains(&length) {
                        findings.fail(&R009, pointer());
                    }
                }
            }
        }
        if code == "50" || code == "56" {
            findings.fail(&R011, payment_pointer(index, "paymentMeansCode"));
        }
        if domestic && code == "31" {
            findings.fail(&R012, payment_pointer(index, "paymentMeansCode"));
        }
    }
}

/// `SE-R-006`: every VAT category `S` (breakdown, document-level allowances and charges,
/// lines) has the rate 25, 12 or 6.
fn standard_rates(vars: &Vars<'_>, findings: &mut Findings) {
    let document = vars.document;
    let standard = |rate: Option<Decimal>| {
        rate.is_some_and(|rate| {
            [25, 12, 6]
                .into_iter()
                .any(|allowed| rate == Decimal::from(allowed))
        })
    };
    let is_s = |code: Option<&String>| code.is_some_and(|code| code == "S");
    for total in &document.tax_totals {
        for (index, entry) in total.subtotals.iter().enumerate() {
            if is_s(entry.category_code.as_ref()) && !standard(entry.rate) {
                findings.fail(&R006, format!("/taxBreakdown/{index}/rate"));
            }
        }
    }
    for (index, item) in document.allowance_charges.iter().enumerate() {
        if is_s(item.vat_category_code.as_ref()) && !standard(item.vat_rate) {
            findings.fail(&R006, format!("/allowanceCharges/{index}/vatRate"));
        }
    }
    for (index, line) in document.lines.iter().enumerate() {
        if is_s(line.vat_category_code.as_ref()) && !standard(line.vat_rate) {
            findings.fail(&R006, format!("/lines/{index}/vatRate"));
        }
    }
}

/// `u:checkSEOrgnr`: digits only, and the tenth digit is the Luhn check digit of the first
/// nine.
fn organisation_number(number: &str) -> bool {
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits = number.as_bytes();
    let Some(&check) = digits.get(9) else {
        return false;
    };
    let sum: u32 = digits[..9]
        .iter()
        .rev()
        .enumerate()
        .map(|(position, &digit)| {
            let digit = u32::from(digit - b'0');
            if position % 2 == 0 {
                (digit * 2) % 10 + (digit * 2) / 10
            } else {
                digit
            }
        })
        .sum();
    (10 - sum % 10) % 10 == u32::from(check - b'0')
}
