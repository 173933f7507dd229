//! The Netherlands (`NL-R-*`): for a seller whose postal address is in `NL`, some only when
//! the buyer's (or the tax representative's) is too.

use rust_decimal::Decimal;

use super::{Findings, Rule, Vars, fatal, payment_pointer, xpath};
use crate::document::model::{Address, DocumentKind, Party, Totals};

pub(super) const R001: Rule = fatal(
    "NL-R-001",
    "[NL-R-001] For suppliers in the Netherlands, if the document is a creditnote, the document MUST contain an invoice reference (cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID)",
);
pub(super) const R002: Rule = fatal(
    "NL-R-002",
    "[NL-R-002] For suppliers in the Netherlands the supplier's address (cac:AccountingSupplierParty/cac:Party/cac:PostalAddress) MUST contain street name (cbc:StreetName), city (cbc:CityName) and post code (cbc:PostalZone)",
);
pub(super) const R003: Rule = fatal(
    "NL-R-003",
    "[NL-R-003] For suppliers in the Netherlands, the legal entity identifier MUST be either a KVK or OIN number (schemeID 0106 or 0190)",
);
pub(super) const R004: Rule = fatal(
    "NL-R-004",
    "[NL-R-004] For suppliers in the Netherlands, if the customer is in the Netherlands, the customer address (cac:AccountingCustomerParty/cac:Party/cac:PostalAddress) MUST contain the street name (cbc:StreetName), the city (cbc:CityName) and post code (cbc:PostalZone)",
);
pub(super) const R005: Rule = fatal(
    "NL-R-005",
    "[NL-R-005] For suppliers in the Netherlands, if the customer is in the Netherlands, the customer's legal entity identifier MUST be either a KVK or OIN number (schemeID 0106 or 0190)",
);
pub(super) const R006: Rule = fatal(
    "NL-R-006",
    "[NL-R-006] For suppliers in the Netherlands, if the fiscal representative is in the Netherlands, the representative's address (cac:TaxRepresentativeParty/cac:PostalAddress) MUST contain street name (cbc:StreetName), city (cbc:CityName) and post code (cbc:PostalZone)",
);
pub(super) const R007: Rule = fatal(
    "NL-R-007",
    "[NL-R-007] For suppliers in the Netherlands, the supplier MUST provide a means of payment (cac:PaymentMeans) if the payment is from customer to supplier",
);
pub(super) const R008: Rule = fatal(
    "NL-R-008",
    "[NL-R-008] For suppliers in the Netherlands, if the customer is in the Netherlands, the payment means code (cac:PaymentMeans/cbc:PaymentMeansCode) MUST be one of 30, 48, 49, 57, 58 or 59",
);
pub(super) const R009: Rule = fatal(
    "NL-R-009",
    "[NL-R-009] For suppliers in the Netherlands, if an order line reference (cac:OrderLineReference/cbc:LineID) is used, there must be an order reference on the document level (cac:OrderReference/cbc:ID)",
);

/// `upper-case(normalize-space(country code)) = 'NL'`.
fn dutch(address: Option<&Address>) -> bool {
    address
        .and_then(|address| address.country_code.as_deref())
        .is_some_and(|code| xpath::upper_norm_eq(code, "NL"))
}

/// Street name, city and post code are given.
fn complete(address: &Address) -> bool {
    address.street1.is_some() && address.city.is_some() && address.post_code.is_some()
}

/// A legal registration identifier in scheme `0106` (`KvK`) or `0190` (OIN), not blank.
fn kvk_or_oin(party: &Party) -> bool {
    let scheme = party.legal_registration_scheme_id.as_deref().unwrap_or("");
    let known = scheme
        .split(' ')
        .any(|token| token == "0106" || token == "0190");
    known && xpath::has_text(party.legal_registration_id.as_deref())
}

/// Checks the Dutch rules.
pub(super) fn check(vars: &Vars<'_>, findings: &mut Findings) {
    let document = vars.document;
    if !dutch(document.seller.address.as_ref()) {
        return;
    }
    let domestic = dutch(document.buyer.address.as_ref());
    if document.kind == DocumentKind::CreditNote
        && document.type_code.is_some()
        && !document
            .preceding_invoices
            .iter()
            .any(|preceding| preceding.number.is_some())
    {
        findings.fail(&R001, "/precedingInvoices");
    }
    if document
        .seller
        .address
        .as_ref()
        .is_some_and(|address| !complete(address))
    {
        findings.fail(&R002, "/seller/address");
    }
    if document.seller.legal_registration_id.is_some() && !kvk_or_oin(&document.seller) {
        findings.fail(&R003, "/seller/legalRegistrationSchemeId");
    }
    if domestic {
        if document
            .buyer
            .address
            .as_ref()
            .is_some_and(|address| !complete(address))
        {
            findings.fail(&R004, "/buyer/address");
        }
        if document.buyer.legal_registration_id.is_some() && !kvk_or_oin(&document.buyer) {
            findings.fail(&R005, "/buyer/legalRegistrationSchemeId");
        }
    }
    if let Some(address) = document
        .tax_representative
        .as_ref()
        .and_then(|p| p.address.as_ref())
        && dutch(Some(address))
        && !complete(address)
    {
        findings.fail(&R006, "/taxRepresentative/address");
    }
    if document.totals != Totals::default() {
        let payable = document
            .totals
            .payable_amount
            .as_ref()
            .map(|amount| amount.value);
        let no_payment_due = payable.is_some_and(|payable| match document.kind {
            DocumentKind::Invoice => payable <= Decimal::ZERO,
            DocumentKind::CreditNote => payable >= Decimal::ZERO,
        });
        if !no_payment_due && document.payment_means.is_empty() {
            findings.fail(&R007, "/payment");
        }
    }
    if domestic {
        for (index, means) in document.payment_means.iter().enumerate() {
            let code = means.code.as_deref().unwrap_or("");
            if !xpath::norm_in(code, &["30", "48", "49", "57", "58", "59"]) {
                findings.fail(&R008, payment_pointer(index, "paymentMeansCode"));
            }
        }
    }
    if document.order_reference.is_none() {
        for (index, line) in document.lines.iter().enumerate() {
            if line.order_line_reference.is_some() {
                findings.fail(&R009, format!("/lines/{index}/orderLineReference"));
            }
        }
    }
}
