//! Denmark (`DK-R-*`): for a seller whose postal address is in `DK` (the raw country code,
//! `$DKSupplierCountry`), some only when the buyer's is too.

use rust_decimal::Decimal;

use super::{Findings, Rule, Vars, each_allowance_charge, fatal, payment_pointer, warning, xpath};
use crate::document::model::{DocumentKind, Party};

pub(super) const R002: Rule = fatal(
    "DK-R-002",
    "Danish suppliers MUST provide legal entity (CVR-number)",
);
pub(super) const R014: Rule = fatal(
    "DK-R-014",
    r#"For Danish Suppliers it is mandatory to specify schemeID as "0184" (DK CVR-number) when PartyLegalEntity/CompanyID is used for AccountingSupplierParty"#,
);
pub(super) const R016: Rule = fatal(
    "DK-R-016",
    "For Danish Suppliers, a Credit note cannot have a negative total (PayableAmount)",
);
pub(super) const R013: Rule = fatal(
    "DK-R-013",
    "For Danish Suppliers it is mandatory to use schemeID when PartyIdentification/ID is used for AccountingCustomerParty or AccountingSupplierParty",
);
pub(super) const R005: Rule = fatal(
    "DK-R-005",
    "For Danish suppliers the following Payment means codes are allowed: 1, 10, 31, 42, 48, 49, 50, 58, 59, 93 and 97",
);
pub(super) const R006: Rule = fatal(
    "DK-R-006",
    "For Danish suppliers bank account and registration account is mandatory if payment means is 31 or 42",
);
pub(super) const R007: Rule = fatal(
    "DK-R-007",
    "For Danish suppliers PaymentMandate/ID and PayerFinancialAccount/ID are mandatory when payment means is 49",
);
pub(super) const R008: Rule = fatal(
    "DK-R-008",
    "For Danish Suppliers PaymentID is mandatory and MUST start with 01#, 04# or 15# (kortartkode), and PayeeFinancialAccount/ID (Giro kontonummer) is mandatory and must be 7 or 8 numerical characters long, when payment means equals 50 (Giro)",
);
pub(super) const R009: Rule = fatal(
    "DK-R-009",
    r#"For Danish Suppliers if the PaymentID is prefixed with 04# or 15# the 16 digits instruction Id must be added to the PaymentID eg. "04#1234567890123456" when Payment means equals 50 (Giro)"#,
);
pub(super) const R010: Rule = fatal(
    "DK-R-010",
    "For Danish Suppliers the PaymentID is mandatory and MUST start with 71#, 73# or 75# (kortartkode) and CreditAccount/AccountID (Kreditornummer) is mandatory and MUST be exactly 8 characters long, when Payment means equals 93 (FIK)",
);
pub(super) const R011: Rule = fatal(
    "DK-R-011",
    r#"For Danish Suppliers if the PaymentID is prefixed with 71# or 75# the 15-16 digits instruction Id must be added to the PaymentID eg. "71#1234567890123456" when payment Method equals 93 (FIK)"#,
);
pub(super) const R003: Rule = warning(
    "DK-R-003",
    "If ItemClassification is provided from Danish suppliers, UNSPSC version 19.05.01 or 26.08.01 should be used.",
);
pub(super) const R004: Rule = fatal(
    "DK-R-004",
    r#"When specifying non-VAT Taxes for Danish customers, Danish suppliers MUST use the AllowanceChargeReasonCode="ZZZ" and MUST be specified in AllowanceChargeReason; Either as the 4-digit Tax category or must include a #, but the # is not allowed as first and last character"#,
);

/// The payment means codes Danish suppliers may use (`DK-R-005`), spaced for
/// `contains(' 1 10 ... ', concat(' ', code, ' '))`.
const PAYMENT_MEANS_CODES: &str = " 1 10 31 42 48 49 50 58 59 93 97 ";

/// The UNSPSC versions `DK-R-003` accepts.
const UNSPSC_VERSIONS: [&str; 4] = ["19.05.01", "19.0501", "26.08.01", "26.0801"];

/// The raw postal country code of `party` is `DK`.
fn danish(party: &Party) -> bool {
    super::address_country(party) == Some("DK")
}

/// Checks the Danish rules.
pub(super) fn check(vars: &Vars<'_>, findings: &mut Findings) {
    let document = vars.document;
    if !danish(&document.seller) {
        return;
    }
    let seller = &document.seller;
    if !xpath::has_text(seller.legal_registration_id.as_deref()) {
        findings.fail(&R002, "/seller/legalRegistrationId");
    }
    if seller.legal_registration_id.is_some()
        && !seller
            .legal_registration_scheme_id
            .as_deref()
            .is_some_and(|s| xpath::norm_eq(s, "0184"))
    {
        findings.fail(&R014, "/seller/legalRegistrationSchemeId");
    }
    let domestic = danish(&document.buyer);
    if document.kind == DocumentKind::CreditNote && domestic {
        let payable = document.totals.payable_amount.as_ref();
        if payable.is_some_and(|amount| amount.value < Decimal::ZERO) {
            findings.fail(&R016, "/totals/payableAmount");
        }
    }
    if !domestic {
        return;
    }
    for (party, pointer) in [(seller, "/seller"), (&document.buyer, "/buyer")] {
        for (index, identifier) in party.identifiers.iter().enumerate() {
            if identifier.scheme_id.as_deref().is_none_or(xpath::is_blank) {
                findings.fail(&R013, format!("{pointer}/identifiers/{index}/schemeId"));
            }
        }
    }
    if document.kind == DocumentKind::Invoice {
        payment_means(vars, findings);
    }
    for (index, line) in document.lines.iter().enumerate() {
        let tst = line
            .classifications
            .iter()
            .any(|c| c.list_id.as_deref() == Some("TST"));
        let version = line.classifications.iter().any(|c| {
            c.list_version_id
                .as_deref()
                .is_some_and(|v| UNSPSC_VERSIONS.contains(&v))
        });
        if tst && !version {
            findings.fail(&R003, format!("/lines/{index}/classifications"));
        }
    }
    for (at, item) in each_allowance_charge(document) {
        if item.reason_code.as_deref() == Some("ZZZ") && !tax_reason(item.reason.as_deref()) {
            findings.fail(&R004, at.pointer("reason"));
        }
    }
}

/// `DK-R-004`'s reason for a non-VAT tax: a 4-character number from 0 to 9999, or a text
/// with a `#` that neither starts nor ends it.
fn tax_reason(reason: Option<&str>) -> bool {
    let Some(reason) = reason else { return false };
    let number = xpath::number(reason);
    let category = xpath::normalized_len(reason) == 4 && (0.0..=9999.0).contains(&number);
    let hashed = reason.contains('#') && !reason.starts_with('#') && !reason.ends_with('#');
    category || hashed
}

/// `DK-R-005` to `DK-R-011` on the payment means of an invoice between Danish parties.
fn payment_means(vars: &Vars<'_>, findings: &mut Findings) {
    for (index, means) in vars.document.payment_means.iter().enumerate() {
        let code = means.code.as_deref().unwrap_or("");
        if !xpath::contains_spaced(PAYMENT_MEANS_CODES, code) {
            findings.fail(&R005, payment_pointer(index, "paymentMeansCode"));
        }
        // The writer renders one `PaymentMeans` per account (BG-17): every account must pass.
        let every_account = |test: &dyn Fn(Option<&str>, Option<&str>) -> bool| {
            if means.accounts.is_empty() {
                test(None, None)
            } else {
                means
                    .accounts
                    .iter()
                    .all(|account| test(account.iban.as_deref(), account.bic.as_deref()))
            }
        };
        let payment_id = means.remittance_information.as_deref().unwrap_or("");
        let prefix = xpath::substring(payment_id, 1, 3);
        let payment_id_length = xpath::string_length(payment_id);
        match code {
            "31" | "42"
                if !every_account(&|id, bic| xpath::has_text(id) && xpath::has_text(bic)) =>
            {
                findings.fail(&R006, payment_pointer(index, "accounts"));
            }
            "49" => {
                let debit = means.direct_debit.as_ref();
                let mandate = xpath::has_text(debit.and_then(|d| d.mandate_reference.as_deref()))
                    && xpath::has_text(debit.and_then(|d| d.debited_account.as_deref()));
                if !mandate {
                    findings.fail(&R007, payment_pointer(index, "directDebit"));
                }
            }
            "50" => {
                let giro_account = every_account(&|id, _| {
                    id.is_some_and(|id| {
                        (7..=8).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
                    })
                });
                if !(["01#", "04#", "15#"].contains(&prefix) && giro_account) {
                    findings.fail(&R008, payment_pointer(index, "remittanceInformation"));
                }
                if ["04#", "15#"].contains(&prefix) && payment_id_length != 19 {
                    findings.fail(&R009, payment_pointer(index, "remittanceInformation"));
                }
            }
            "93" => {
                let creditor =
                    every_account(&|id, _| id.is_some_and(|id| xpath::string_length(id) == 8));
                if !(["71#", "73#", "75#"].contains(&prefix) && creditor) {
                    findings.fail(&R010, payment_pointer(index, "remittanceInformation"));
                }
                if ["71#", "75#"].contains(&prefix) && !(18..=19).contains(&payment_id_length) {
                    findings.fail(&R011, payment_pointer(index, "remittanceInformation"));
                }
            }
            _ => {}
        }
    }
}
