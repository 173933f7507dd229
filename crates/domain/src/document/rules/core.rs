//! EN 16931 core rules BR-01 to BR-65: presence, cardinality and consistency of terms.
//!
//! Each rule follows the CEN UBL schematron (ConnectingEurope/eInvoicing-EN16931,
//! `ubl/schematron/preprocessed/EN16931-UBL-validation-preprocessed.sch`): it fires when
//! its context exists in the document and its test is false. Where the test checks
//! `exists(x)`, an element that was present but empty (an empty string in the model)
//! satisfies it; where it tests `normalize-space(x) != ''`, it does not.
//!
//! The model cannot tell a missing `cac:LegalMonetaryTotal` or
//! `cac:AccountingSupplierParty` from an empty one: both are treated as present, so
//! BR-12 to BR-15 fire when the totals are absent.

use rust_decimal::Decimal;

use super::{Findings, Rule, Severity};
use crate::document::model::{
    Address, AllowanceCharge, Document, DocumentKind, Line, Party, PaymentMeans, Period, TaxTotal,
};

const BR_01: Rule = Rule {
    id: "BR-01",
    severity: Severity::Fatal,
    text: "An Invoice shall have a Specification identifier (BT-24).",
};
const BR_02: Rule = Rule {
    id: "BR-02",
    severity: Severity::Fatal,
    text: "An Invoice shall have an Invoice number (BT-1).",
};
const BR_03: Rule = Rule {
    id: "BR-03",
    severity: Severity::Fatal,
    text: "An Invoice shall have an Invoice issue date (BT-2).",
};
const BR_04: Rule = Rule {
    id: "BR-04",
    severity: Severity::Fatal,
    text: "An Invoice shall have an Invoice type code (BT-3).",
};
const BR_05: Rule = Rule {
    id: "BR-05",
    severity: Severity::Fatal,
    text: "An Invoice shall have an Invoice currency code (BT-5).",
};
const BR_06: Rule = Rule {
    id: "BR-06",
    severity: Severity::Fatal,
    text: "An Invoice shall contain the Seller name (BT-27).",
};
const BR_07: Rule = Rule {
    id: "BR-07",
    severity: Severity::Fatal,
    text: "An Invoice shall contain the Buyer name (BT-44).",
};
const BR_08: Rule = Rule {
    id: "BR-08",
    severity: Severity::Fatal,
    text: "An Invoice shall contain the Seller postal address.",
};
const BR_09: Rule = Rule {
    id: "BR-09",
    severity: Severity::Fatal,
    text: "The Seller postal address (BG-5) shall contain a Seller country code (BT-40).",
};
const BR_10: Rule = Rule {
    id: "BR-10",
    severity: Severity::Fatal,
    text: "An Invoice shall contain the Buyer postal address (BG-8).",
};
const BR_11: Rule = Rule {
    id: "BR-11",
    severity: Severity::Fatal,
    text: "The Buyer postal address shall contain a Buyer country code (BT-55).",
};
const BR_12: Rule = Rule {
    id: "BR-12",
    severity: Severity::Fatal,
    text: "An Invoice shall have the Sum of Invoice line net amount (BT-106).",
};
const BR_13: Rule = Rule {
    id: "BR-13",
    severity: Severity::Fatal,
    text: "An Invoice shall have the Invoice total amount without VAT (BT-109).",
};
const BR_14: Rule = Rule {
    id: "BR-14",
    severity: Severity::Fatal,
    text: "An Invoice shall have the Invoice total amount with VAT (BT-112).",
};
const BR_15: Rule = Rule {
    id: "BR-15",
    severity: Severity::Fatal,
    text: "An Invoice shall have the Amount due for payment (BT-115).",
};
const BR_16: Rule = Rule {
    id: "BR-16",
    severity: Severity::Fatal,
    text: "An Invoice shall have at least one Invoice line (BG-25)",
};
const BR_17: Rule = Rule {
    id: "BR-17",
    severity: Severity::Fatal,
    text: "The Payee name (BT-59) shall be provided in the Invoice, if the Payee (BG-10) is different from the Seller (BG-4)",
};
const BR_18: Rule = Rule {
    id: "BR-18",
    severity: Severity::Fatal,
    text: "The Seller tax representative name (BT-62) shall be provided in the Invoice, if the Seller (BG-4) has a Seller tax representative party (BG-11)",
};
const BR_19: Rule = Rule {
    id: "BR-19",
    severity: Severity::Fatal,
    text: "The Seller tax representative postal address (BG-12) shall be provided in the Invoice, if the Seller (BG-4) has a Seller tax representative party (BG-11).",
};
const BR_20: Rule = Rule {
    id: "BR-20",
    severity: Severity::Fatal,
    text: "The Seller tax representative postal address (BG-12) shall contain a Tax representative country code (BT-69), if the Seller (BG-4) has a Seller tax representative party (BG-11).",
};
const BR_21: Rule = Rule {
    id: "BR-21",
    severity: Severity::Fatal,
    text: "Each Invoice line (BG-25) shall have an Invoice line identifier (BT-126).",
};
const BR_22: Rule = Rule {
    id: "BR-22",
    severity: Severity::Fatal,
    text: "Each Invoice line (BG-25) shall have an Invoiced quantity (BT-129).",
};
const BR_23: Rule = Rule {
    id: "BR-23",
    severity: Severity::Fatal,
    text: "An Invoice line (BG-25) shall have an Invoiced quantity unit of measure code (BT-130).",
};
const BR_24: Rule = Rule {
    id: "BR-24",
    severity: Severity::Fatal,
    text: "Each Invoice line (BG-25) shall have an Invoice line net amount (BT-131).",
};
const BR_25: Rule = Rule {
    id: "BR-25",
    severity: Severity::Fatal,
    text: "Each Invoice line (BG-25) shall contain the Item name (BT-153).",
};
const BR_26: Rule = Rule {
    id: "BR-26",
    severity: Severity::Fatal,
    text: "Each Invoice line (BG-25) shall contain the Item net price (BT-146).",
};
const BR_27: Rule = Rule {
    id: "BR-27",
    severity: Severity::Fatal,
    text: "The Item net price (BT-146) shall NOT be negative.",
};
const BR_28: Rule = Rule {
    id: "BR-28",
    severity: Severity::Fatal,
    text: "The Item gross price (BT-148) shall NOT be negative.",
};
const BR_29: Rule = Rule {
    id: "BR-29",
    severity: Severity::Fatal,
    text: "If both Invoicing period start date (BT-73) and Invoicing period end date (BT-74) are given then the Invoicing period end date (BT-74) shall be later or equal to the Invoicing period start date (BT-73).",
};
const BR_30: Rule = Rule {
    id: "BR-30",
    severity: Severity::Fatal,
    text: "If both Invoice line period start date (BT-134) and Invoice line period end date (BT-135) are given then the Invoice line period end date (BT-135) shall be later or equal to the Invoice line period start date (BT-134).",
};
const BR_31: Rule = Rule {
    id: "BR-31",
    severity: Severity::Fatal,
    text: "Each Document level allowance (BG-20) shall have a Document level allowance amount (BT-92).",
};
const BR_32: Rule = Rule {
    id: "BR-32",
    severity: Severity::Fatal,
    text: "Each Document level allowance (BG-20) shall have a Document level allowance VAT category code (BT-95).",
};
const BR_33: Rule = Rule {
    id: "BR-33",
    severity: Severity::Fatal,
    text: "Each Document level allowance (BG-20) shall have a Document level allowance reason (BT-97) or a Document level allowance reason code (BT-98).",
};
const BR_36: Rule = Rule {
    id: "BR-36",
    severity: Severity::Fatal,
    text: "Each Document level charge (BG-21) shall have a Document level charge amount (BT-99).",
};
const BR_37: Rule = Rule {
    id: "BR-37",
    severity: Severity::Fatal,
    text: "Each Document level charge (BG-21) shall have a Document level charge VAT category code (BT-102).",
};
const BR_38: Rule = Rule {
    id: "BR-38",
    severity: Severity::Fatal,
    text: "Each Document level charge (BG-21) shall have a Document level charge reason (BT-104) or a Document level charge reason code (BT-105).",
};
const BR_41: Rule = Rule {
    id: "BR-41",
    severity: Severity::Fatal,
    text: "Each Invoice line allowance (BG-27) shall have an Invoice line allowance amount (BT-136).",
};
const BR_42: Rule = Rule {
    id: "BR-42",
    severity: Severity::Fatal,
    text: "Each Invoice line allowance (BG-27) shall have an Invoice line allowance reason (BT-139) or an Invoice line allowance reason code (BT-140).",
};
const BR_43: Rule = Rule {
    id: "BR-43",
    severity: Severity::Fatal,
    text: "Each Invoice line charge (BG-28) shall have an Invoice line charge amount (BT-141).",
};
const BR_44: Rule = Rule {
    id: "BR-44",
    severity: Severity::Fatal,
    text: "Each Invoice line charge shall have an Invoice line charge reason or an invoice line allowance reason code.",
};
const BR_45: Rule = Rule {
    id: "BR-45",
    severity: Severity::Fatal,
    text: "Each VAT breakdown (BG-23) shall have a VAT category taxable amount (BT-116).",
};
const BR_46: Rule = Rule {
    id: "BR-46",
    severity: Severity::Fatal,
    text: "Each VAT breakdown (BG-23) shall have a VAT category tax amount (BT-117).",
};
const BR_47: Rule = Rule {
    id: "BR-47",
    severity: Severity::Fatal,
    text: "Each VAT breakdown (BG-23) shall be defined through a VAT category code (BT-118).",
};
const BR_48: Rule = Rule {
    id: "BR-48",
    severity: Severity::Fatal,
    text: "Each VAT breakdown (BG-23) shall have a VAT category rate (BT-119), except if the Invoice is not subject to VAT.",
};
const BR_49: Rule = Rule {
    id: "BR-49",
    severity: Severity::Fatal,
    text: "A Payment instruction (BG-16) shall specify the Payment means type code (BT-81).",
};
const BR_50: Rule = Rule {
    id: "BR-50",
    severity: Severity::Fatal,
    text: "A Payment account identifier (BT-84) shall be present if Credit transfer (BG-17) information is provided in the Invoice.",
};
const BR_51: Rule = Rule {
    id: "BR-51",
    severity: Severity::Warning,
    text: "In accordance with card payments security standards an invoice should never include a full card primary account number (BT-87). At the moment PCI Security Standards Council has defined that the first 6 digits and last 4 digits are the maximum number of digits to be shown.",
};
const BR_52: Rule = Rule {
    id: "BR-52",
    severity: Severity::Fatal,
    text: "Each Additional supporting document (BG-24) shall contain a Supporting document reference (BT-122).",
};
const BR_53: Rule = Rule {
    id: "BR-53",
    severity: Severity::Fatal,
    text: "If the VAT accounting currency code (BT-6) is present, then the Invoice total VAT amount in accounting currency (BT-111) shall be provided.",
};
const BR_54: Rule = Rule {
    id: "BR-54",
    severity: Severity::Fatal,
    text: "Each Item attribute (BG-32) shall contain an Item attribute name (BT-160) and an Item attribute value (BT-161).",
};
const BR_55: Rule = Rule {
    id: "BR-55",
    severity: Severity::Fatal,
    text: "Each Preceding Invoice reference (BG-3) shall contain a Preceding Invoice reference (BT-25).",
};
const BR_56: Rule = Rule {
    id: "BR-56",
    severity: Severity::Fatal,
    text: "Each Seller tax representative party (BG-11) shall have a Seller tax representative VAT identifier (BT-63).",
};
const BR_57: Rule = Rule {
    id: "BR-57",
    severity: Severity::Fatal,
    text: "Each Deliver to address (BG-15) shall contain a Deliver to country code (BT-80).",
};
const BR_61: Rule = Rule {
    id: "BR-61",
    severity: Severity::Fatal,
    text: "If the Payment means type code (BT-81) means SEPA credit transfer, Local credit transfer or Non-SEPA international credit transfer, the Payment account identifier (BT-84) shall be present.",
};
const BR_62: Rule = Rule {
    id: "BR-62",
    severity: Severity::Fatal,
    text: "The Seller electronic address (BT-34) shall have a Scheme identifier.",
};
const BR_63: Rule = Rule {
    id: "BR-63",
    severity: Severity::Fatal,
    text: "The Buyer electronic address (BT-49) shall have a Scheme identifier.",
};
const BR_64: Rule = Rule {
    id: "BR-64",
    severity: Severity::Fatal,
    text: "The Item standard identifier (BT-157) shall have a Scheme identifier.",
};
const BR_65: Rule = Rule {
    id: "BR-65",
    severity: Severity::Fatal,
    text: "The Item classification identifier (BT-158) shall have a Scheme identifier.",
};

/// The rules of this family.
pub(super) const RULES: &[Rule] = &[
    BR_01, BR_02, BR_03, BR_04, BR_05, BR_06, BR_07, BR_08, BR_09, BR_10, BR_11, BR_12, BR_13,
    BR_14, BR_15, BR_16, BR_17, BR_18, BR_19, BR_20, BR_21, BR_22, BR_23, BR_24, BR_25, BR_26,
    BR_27, BR_28, BR_29, BR_30, BR_31, BR_32, BR_33, BR_36, BR_37, BR_38, BR_41, BR_42, BR_43,
    BR_44, BR_45, BR_46, BR_47, BR_48, BR_49, BR_50, BR_51, BR_52, BR_53, BR_54, BR_55, BR_56,
    BR_57, BR_61, BR_62, BR_63, BR_64, BR_65,
];

/// Checks `document` against this family's rules.
pub(super) fn check(document: &Document, findings: &mut Findings) {
    check_header(document, findings);
    check_parties(document, findings);
    check_payment_means(&document.payment_means, findings);
    check_allowance_charges(&document.allowance_charges, findings);
    check_totals(document, findings);
    for total in &document.tax_totals {
        check_tax_subtotals(total, findings);
    }
    for (index, line) in document.lines.iter().enumerate() {
        check_line(index, line, findings);
    }
}

/// White space as `normalize-space` sees it: what it removes.
fn is_xml_space(character: char) -> bool {
    matches!(character, ' ' | '\t' | '\n' | '\r')
}

/// `normalize-space(text) != ''` for a term that may be absent.
fn has_text(text: Option<&str>) -> bool {
    text.is_some_and(|text| !text.chars().all(is_xml_space))
}

/// `string-length(normalize-space(text))`.
fn normalized_length(text: &str) -> usize {
    let mut words: usize = 0;
    let mut characters = 0;
    for word in text.split(is_xml_space).filter(|word| !word.is_empty()) {
        words += 1;
        characters += word.chars().count();
    }
    characters + words.saturating_sub(1)
}

/// `normalize-space(code) = expected` for a code that may be absent (`normalize-space(())`
/// is the empty string).
fn code_is(code: Option<&str>, expected: &str) -> bool {
    super::trim_xml_space(code.unwrap_or_default()) == expected
}

fn check_header(document: &Document, findings: &mut Findings) {
    if !has_text(document.customization_id.as_deref()) {
        findings.fail(&BR_01, "/customizationId");
    }
    if !has_text(document.number.as_deref()) {
        findings.fail(&BR_02, "/documentId");
    }
    // `normalize-space(cbc:IssueDate) != ''`: a date that is not a date is still given.
    if document.issue_date.is_none() && !has_text(document.unparsed_text("/issueDate")) {
        findings.fail(&BR_03, "/issueDate");
    }
    if !has_text(document.type_code.as_deref()) {
        findings.fail(&BR_04, "/typeCode");
    }
    if !has_text(document.currency.as_deref()) {
        findings.fail(&BR_05, "/currency");
    }
    if document.lines.is_empty() {
        findings.fail(&BR_16, "/lines");
    }
    // BR-53: every TaxCurrencyCode has a TaxTotal/TaxAmount in that currency (BT-111).
    if let Some(tax_currency) = document.tax_currency.as_deref() {
        let provided = document.tax_totals.iter().any(|total| {
            total
                .tax_amount
                .as_ref()
                .and_then(|amount| amount.currency.as_deref())
                == Some(tax_currency)
        });
        if !provided {
            findings.fail(&BR_53, "/taxTotalInTaxCurrency");
        }
    }
    // BR-52: the context is every cac:AdditionalDocumentReference, which also carries
    // the invoiced object identifier (BT-18) and, in a credit note, the project
    // reference (BT-11).
    if let Some(identifier) = &document.invoiced_object_identifier
        && !has_text(Some(&identifier.id))
    {
        findings.fail(&BR_52, "/invoicedObjectIdentifier/id");
    }
    if document.kind == DocumentKind::CreditNote {
        for (index, project) in document.project_references.iter().enumerate() {
            if !has_text(project.as_deref()) {
                findings.fail(&BR_52, project_pointer(index));
            }
        }
    }
    for (index, attachment) in document.attachments.iter().enumerate() {
        if !has_text(attachment.id.as_deref()) {
            findings.fail(&BR_52, format!("/attachments/{index}/id"));
        }
    }
    for (index, preceding) in document.preceding_invoices.iter().enumerate() {
        if preceding.number.is_none() {
            findings.fail(&BR_55, format!("/precedingInvoices/{index}/number"));
        }
    }
    if let Some(period) = &document.invoice_period
        && ends_before_start(period)
    {
        findings.fail(&BR_29, "/invoicePeriod/endDate");
    }
}

/// The pointer of project reference `index` (BT-11 is the first).
fn project_pointer(index: usize) -> String {
    if index == 0 {
        "/projectReference".to_owned()
    } else {
        format!("/projectReferences/{index}")
    }
}

/// BR-29 / BR-30: both dates given and the end before the start.
fn ends_before_start(period: &Period) -> bool {
    matches!((period.start_date, period.end_date), (Some(start), Some(end)) if end < start)
}

/// `normalize-space(cac:Country/cbc:IdentificationCode) != ''`.
fn has_country(address: &Address) -> bool {
    has_text(address.country_code.as_deref())
}

fn check_parties(document: &Document, findings: &mut Findings) {
    let seller = &document.seller;
    let buyer = &document.buyer;
    if !has_text(seller.name.as_deref()) {
        findings.fail(&BR_06, "/seller/name");
    }
    if !has_text(buyer.name.as_deref()) {
        findings.fail(&BR_07, "/buyer/name");
    }
    match &seller.address {
        None => findings.fail(&BR_08, "/seller/address"),
        Some(address) if !has_country(address) => {
            findings.fail(&BR_09, "/seller/address/countryCode");
        }
        Some(_) => {}
    }
    match &buyer.address {
        None => findings.fail(&BR_10, "/buyer/address"),
        Some(address) if !has_country(address) => {
            findings.fail(&BR_11, "/buyer/address/countryCode");
        }
        Some(_) => {}
    }
    if lacks_address_scheme(seller) {
        findings.fail(&BR_62, "/seller/electronicAddressSchemeId");
    }
    if lacks_address_scheme(buyer) {
        findings.fail(&BR_63, "/buyer/electronicAddressSchemeId");
    }
    if let Some(payee) = &document.payee {
        // BR-17: a payee name that is not the seller's (trading) name, and no payee
        // identifier equal to one of the seller's.
        let same_name = payee.name.is_some() && payee.name == seller.trading_name;
        let same_identifier = payee.identifier.as_ref().is_some_and(|payee_id| {
            seller
                .identifiers
                .iter()
                .any(|seller_id| seller_id.id == payee_id.id)
        });
        if payee.name.is_none() || same_name || same_identifier {
            findings.fail(&BR_17, "/payee/name");
        }
    }
    if let Some(representative) = &document.tax_representative {
        if !has_text(representative.name.as_deref()) {
            findings.fail(&BR_18, "/taxRepresentative/name");
        }
        match &representative.address {
            None => findings.fail(&BR_19, "/taxRepresentative/address"),
            Some(address) if !has_country(address) => {
                findings.fail(&BR_20, "/taxRepresentative/address/countryCode");
            }
            Some(_) => {}
        }
        if representative.vat_id.is_none() {
            findings.fail(&BR_56, "/taxRepresentative/vatId");
        }
    }
    let delivery_address = document
        .delivery
        .as_ref()
        .and_then(|delivery| delivery.address.as_ref());
    if delivery_address.is_some_and(|address| address.country_code.is_none()) {
        findings.fail(&BR_57, "/delivery/address/countryCode");
    }
}

/// BR-62 / BR-63: an electronic address without its scheme.
fn lacks_address_scheme(party: &Party) -> bool {
    party.electronic_address.is_some() && party.electronic_address_scheme_id.is_none()
}

fn check_payment_means(payment_means: &[PaymentMeans], findings: &mut Findings) {
    // The JSON carries one payment (`/payment`); every UBL PaymentMeans is reported there.
    for means in payment_means {
        let code = means.code.as_deref();
        if code.is_none() {
            findings.fail(&BR_49, "/payment/paymentMeansCode");
        }
        let credit_transfer = code_is(code, "30") || code_is(code, "58");
        if credit_transfer && means.accounts.iter().all(|account| account.iban.is_none()) {
            findings.fail(&BR_61, "/payment/accounts");
        }
        // BR-50's context predicate compares the code without normalizing it.
        if matches!(code, Some("30" | "58")) {
            for (index, account) in means.accounts.iter().enumerate() {
                if !has_text(account.iban.as_deref()) {
                    findings.fail(&BR_50, format!("/payment/accounts/{index}/iban"));
                }
            }
        }
        let card_number = means
            .card
            .as_ref()
            .and_then(|card| card.account_number.as_deref());
        if card_number.is_some_and(|number| normalized_length(number) > 10) {
            findings.fail(&BR_51, "/payment/card/accountNumber");
        }
    }
}

/// BR-33 / BR-38 / BR-42 / BR-44: a reason or a reason code (`exists`, so an empty one
/// counts).
fn has_reason(item: &AllowanceCharge) -> bool {
    item.reason.is_some() || item.reason_code.is_some()
}

fn check_allowance_charges(items: &[AllowanceCharge], findings: &mut Findings) {
    for (index, item) in items.iter().enumerate() {
        let (amount, category, reason) = if item.charge_indicator {
            (&BR_36, &BR_37, &BR_38)
        } else {
            (&BR_31, &BR_32, &BR_33)
        };
        if item.amount.is_none() {
            findings.fail(amount, format!("/allowanceCharges/{index}/amount"));
        }
        if item.vat_category_code.is_none() {
            findings.fail(
                category,
                format!("/allowanceCharges/{index}/vatCategoryCode"),
            );
        }
        if !has_reason(item) {
            findings.fail(reason, format!("/allowanceCharges/{index}/reason"));
        }
    }
}

fn check_totals(document: &Document, findings: &mut Findings) {
    let totals = &document.totals;
    if totals.line_extension_amount.is_none() {
        findings.fail(&BR_12, "/totals/lineExtensionAmount");
    }
    if totals.tax_exclusive_amount.is_none() {
        findings.fail(&BR_13, "/totals/taxExclusiveAmount");
    }
    if totals.tax_inclusive_amount.is_none() {
        findings.fail(&BR_14, "/totals/taxInclusiveAmount");
    }
    if totals.payable_amount.is_none() {
        findings.fail(&BR_15, "/totals/payableAmount");
    }
}

/// BR-45 to BR-48, for every `cac:TaxTotal/cac:TaxSubtotal` (reported under
/// `/taxBreakdown` with the subtotal's index in its `TaxTotal`).
fn check_tax_subtotals(total: &TaxTotal, findings: &mut Findings) {
    for (index, subtotal) in total.subtotals.iter().enumerate() {
        if subtotal.taxable_amount.is_none() {
            findings.fail(&BR_45, format!("/taxBreakdown/{index}/taxableAmount"));
        }
        if subtotal.tax_amount.is_none() {
            findings.fail(&BR_46, format!("/taxBreakdown/{index}/taxAmount"));
        }
        if subtotal.category_code.is_none() {
            findings.fail(&BR_47, format!("/taxBreakdown/{index}/categoryCode"));
        }
        if subtotal.rate.is_none() && !code_is(subtotal.category_code.as_deref(), "O") {
            findings.fail(&BR_48, format!("/taxBreakdown/{index}/rate"));
        }
    }
}

fn check_line(index: usize, line: &Line, findings: &mut Findings) {
    if !has_text(line.id.as_deref()) {
        findings.fail(&BR_21, format!("/lines/{index}/id"));
    }
    if line.quantity.is_none() {
        findings.fail(&BR_22, format!("/lines/{index}/quantity"));
    }
    if line.unit_code.is_none() {
        findings.fail(&BR_23, format!("/lines/{index}/unitCode"));
    }
    if line.line_extension_amount.is_none() {
        findings.fail(&BR_24, format!("/lines/{index}/lineExtensionAmount"));
    }
    if !has_text(line.item_name.as_deref()) {
        findings.fail(&BR_25, format!("/lines/{index}/itemName"));
    }
    let price = line.price.as_ref();
    let net_price = price.and_then(|price| price.net_amount.as_ref());
    if net_price.is_none() {
        findings.fail(&BR_26, format!("/lines/{index}/netUnitPrice"));
    }
    // `(cac:Price/cbc:PriceAmount) >= 0` is false when the price is absent.
    if net_price.is_none_or(|amount| amount.value < Decimal::ZERO) {
        findings.fail(&BR_27, format!("/lines/{index}/netUnitPrice"));
    }
    let gross_price = price.and_then(|price| price.gross_amount.as_ref());
    if gross_price.is_some_and(|amount| amount.value < Decimal::ZERO) {
        findings.fail(&BR_28, format!("/lines/{index}/grossUnitPrice"));
    }
    if line.invoice_period.as_ref().is_some_and(ends_before_start) {
        findings.fail(&BR_30, format!("/lines/{index}/invoicePeriod/endDate"));
    }
    for (item_index, item) in line.allowance_charges.iter().enumerate() {
        let (amount, reason) = if item.charge_indicator {
            (&BR_43, &BR_44)
        } else {
            (&BR_41, &BR_42)
        };
        if item.amount.is_none() {
            findings.fail(
                amount,
                format!("/lines/{index}/allowanceCharges/{item_index}/amount"),
            );
        }
        if !has_reason(item) {
            findings.fail(
                reason,
                format!("/lines/{index}/allowanceCharges/{item_index}/reason"),
            );
        }
    }
    for (attribute_index, attribute) in line.attributes.iter().enumerate() {
        if attribute.name.is_none() {
            findings.fail(
                &BR_54,
                format!("/lines/{index}/attributes/{attribute_index}/name"),
            );
        } else if attribute.value.is_none() {
            findings.fail(
                &BR_54,
                format!("/lines/{index}/attributes/{attribute_index}/value"),
            );
        }
    }
    if line
        .standard_item_id
        .as_ref()
        .is_some_and(|identifier| identifier.scheme_id.is_none())
    {
        findings.fail(&BR_64, format!("/lines/{index}/standardItemId/schemeId"));
    }
    for (classification_index, classification) in line.classifications.iter().enumerate() {
        if classification.list_id.is_none() {
            findings.fail(
                &BR_65,
                format!("/lines/{index}/classifications/{classification_index}/listId"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::document::model::{
        Account, Amount, Attachment, Card, Classification, Delivery, Identifier, ItemAttribute,
        Payee, PrecedingInvoice, Price, TaxRepresentative, VatBreakdown,
    };

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[expect(clippy::unnecessary_wraps, reason = "fills an optional model field")]
    fn amount(text: &str) -> Option<Amount> {
        Some(Amount::new(dec(text), "EUR"))
    }

    #[expect(clippy::unnecessary_wraps, reason = "fills an optional model field")]
    fn text(value: &str) -> Option<String> {
        Some(value.to_owned())
    }

    fn invoice() -> Document {
        Document::empty(DocumentKind::Invoice)
    }

    /// The pointers at which `rule` fires on `document`.
    fn pointers(document: &Document, rule: &str) -> Vec<String> {
        let mut findings = Findings::default();
        check(document, &mut findings);
        findings
            .0
            .into_iter()
            .filter(|v| v.rule == rule)
            .map(|v| v.pointer)
            .collect()
    }

    fn fires(document: &Document, rule: &str) -> bool {
        !pointers(document, rule).is_empty()
    }

    #[test]
    fn br_01_specification_identifier() {
        let mut document = invoice();
        assert_eq!(pointers(&document, "BR-01"), ["/customizationId"]);
        document.customization_id = text(" \t");
        assert!(fires(&document, "BR-01"));
        document.customization_id = text("urn:cen.eu:en16931:2017");
        assert!(!fires(&document, "BR-01"));
    }

    #[test]
    fn br_02_invoice_number() {
        let mut document = invoice();
        assert_eq!(pointers(&document, "BR-02"), ["/documentId"]);
        document.number = text("");
        assert!(fires(&document, "BR-02"));
        document.number = text("INV-1");
        assert!(!fires(&document, "BR-02"));
    }

    #[test]
    fn br_03_issue_date() {
        let mut document = invoice();
        assert_eq!(pointers(&document, "BR-03"), ["/issueDate"]);
        document.issue_date = Some(date!(2026 - 05 - 05));
        assert!(!fires(&document, "BR-03"));
        // `normalize-space(cbc:IssueDate) != ''`: a value that is not a date is given, an
        // empty one is not.
        document.issue_date = None;
        document.unparsed.push(unparsed("/issueDate", "123"));
        assert!(!fires(&document, "BR-03"));
        document.unparsed[0].text = String::new();
        assert!(fires(&document, "BR-03"));
    }

    fn unparsed(pointer: &str, text: &str) -> crate::document::model::Unparsed {
        crate::document::model::Unparsed {
            pointer: pointer.to_owned(),
            text: text.to_owned(),
        }
    }

    #[test]
    fn br_04_type_code() {
        let mut document = invoice();
        assert_eq!(pointers(&document, "BR-04"), ["/typeCode"]);
        document.type_code = text("380");
        assert!(!fires(&document, "BR-04"));
    }

    #[test]
    fn br_05_currency() {
        let mut document = invoice();
        assert_eq!(pointers(&document, "BR-05"), ["/currency"]);
        document.currency = text("EUR");
        assert!(!fires(&document, "BR-05"));
    }

    #[test]
    fn br_06_and_br_07_party_names() {
        let mut document = invoice();
        assert_eq!(pointers(&document, "BR-06"), ["/seller/name"]);
        assert_eq!(pointers(&document, "BR-07"), ["/buyer/name"]);
        document.seller.name = text("Seller");
        document.buyer.name = text("Buyer");
        assert!(!fires(&document, "BR-06"));
        assert!(!fires(&document, "BR-07"));
    }

    #[test]
    fn br_08_to_br_11_party_addresses() {
        let mut document = invoice();
        assert_eq!(pointers(&document, "BR-08"), ["/seller/address"]);
        assert_eq!(pointers(&document, "BR-10"), ["/buyer/address"]);
        assert!(!fires(&document, "BR-09"));
        assert!(!fires(&document, "BR-11"));
        document.seller.address = Some(Address::default());
        document.buyer.address = Some(Address {
            country_code: text(""),
            ..Address::default()
        });
        assert!(!fires(&document, "BR-08"));
        assert!(!fires(&document, "BR-10"));
        assert_eq!(
            pointers(&document, "BR-09"),
            ["/seller/address/countryCode"]
        );
        assert_eq!(pointers(&document, "BR-11"), ["/buyer/address/countryCode"]);
        document.seller.address = Some(Address {
            country_code: text("LU"),
            ..Address::default()
        });
        document.buyer.address = Some(Address {
            country_code: text("BE"),
            ..Address::default()
        });
        assert!(!fires(&document, "BR-09"));
        assert!(!fires(&document, "BR-11"));
    }

    #[test]
    fn br_12_to_br_15_totals() {
        let mut document = invoice();
        assert_eq!(
            pointers(&document, "BR-12"),
            ["/totals/lineExtensionAmount"]
        );
        assert_eq!(pointers(&document, "BR-13"), ["/totals/taxExclusiveAmount"]);
        assert_eq!(pointers(&document, "BR-14"), ["/totals/taxInclusiveAmount"]);
        assert_eq!(pointers(&document, "BR-15"), ["/totals/payableAmount"]);
        document.totals.line_extension_amount = amount("100");
        document.totals.tax_exclusive_amount = amount("100");
        document.totals.tax_inclusive_amount = amount("121");
        document.totals.payable_amount = amount("121");
        for rule in ["BR-12", "BR-13", "BR-14", "BR-15"] {
            assert!(!fires(&document, rule), "{rule}");
        }
    }

    #[test]
    fn br_16_at_least_one_line() {
        let mut document = invoice();
        assert_eq!(pointers(&document, "BR-16"), ["/lines"]);
        document.lines.push(Line::default());
        assert!(!fires(&document, "BR-16"));
    }

    #[test]
    fn br_17_payee_name() {
        let mut document = invoice();
        assert!(!fires(&document, "BR-17"));
        document.payee = Some(Payee::default());
        assert_eq!(pointers(&document, "BR-17"), ["/payee/name"]);
        document.payee = Some(Payee {
            name: text("Factor"),
            ..Payee::default()
        });
        assert!(!fires(&document, "BR-17"));
        document.seller.trading_name = text("Factor");
        assert!(fires(&document, "BR-17"), "same name as the seller");
        document.seller.trading_name = text("Seller");
        document.seller.identifiers.push(Identifier {
            id: "123".to_owned(),
            scheme_id: None,
        });
        document.payee = Some(Payee {
            name: text("Factor"),
            identifier: Some(Identifier {
                id: "123".to_owned(),
                scheme_id: text("SEPA"),
            }),
            ..Payee::default()
        });
        assert!(fires(&document, "BR-17"), "same identifier as the seller");
    }

    #[test]
    fn br_18_to_br_20_and_br_56_tax_representative() {
        let mut document = invoice();
        document.tax_representative = Some(TaxRepresentative::default());
        assert_eq!(pointers(&document, "BR-18"), ["/taxRepresentative/name"]);
        assert_eq!(pointers(&document, "BR-19"), ["/taxRepresentative/address"]);
        assert!(!fires(&document, "BR-20"));
        assert_eq!(pointers(&document, "BR-56"), ["/taxRepresentative/vatId"]);
        document.tax_representative = Some(TaxRepresentative {
            name: text("Representative"),
            vat_id: text("NO999999999"),
            address: Some(Address::default()),
        });
        assert!(!fires(&document, "BR-18"));
        assert!(!fires(&document, "BR-19"));
        assert_eq!(
            pointers(&document, "BR-20"),
            ["/taxRepresentative/address/countryCode"]
        );
        assert!(!fires(&document, "BR-56"));
        if let Some(representative) = &mut document.tax_representative {
            representative.address = Some(Address {
                country_code: text("NO"),
                ..Address::default()
            });
        }
        assert!(!fires(&document, "BR-20"));
    }

    #[test]
    fn br_21_to_br_25_line_terms() {
        let mut document = invoice();
        document.lines.push(Line::default());
        assert_eq!(pointers(&document, "BR-21"), ["/lines/0/id"]);
        assert_eq!(pointers(&document, "BR-22"), ["/lines/0/quantity"]);
        assert_eq!(pointers(&document, "BR-23"), ["/lines/0/unitCode"]);
        assert_eq!(
            pointers(&document, "BR-24"),
            ["/lines/0/lineExtensionAmount"]
        );
        assert_eq!(pointers(&document, "BR-25"), ["/lines/0/itemName"]);
        document.lines[0] = Line {
            id: text("1"),
            quantity: Some(dec("1")),
            unit_code: text("C62"),
            line_extension_amount: amount("10"),
            item_name: text("Widget"),
            ..Line::default()
        };
        for rule in ["BR-21", "BR-22", "BR-23", "BR-24", "BR-25"] {
            assert!(!fires(&document, rule), "{rule}");
        }
    }

    #[test]
    fn br_26_and_br_27_net_price() {
        let mut document = invoice();
        document.lines.push(Line::default());
        assert_eq!(pointers(&document, "BR-26"), ["/lines/0/netUnitPrice"]);
        assert_eq!(
            pointers(&document, "BR-27"),
            ["/lines/0/netUnitPrice"],
            "absent is not >= 0"
        );
        document.lines[0].price = Some(Price {
            net_amount: amount("-1"),
            ..Price::default()
        });
        assert!(!fires(&document, "BR-26"));
        assert!(fires(&document, "BR-27"));
        document.lines[0].price = Some(Price {
            net_amount: amount("0"),
            ..Price::default()
        });
        assert!(!fires(&document, "BR-27"));
    }

    #[test]
    fn br_28_gross_price() {
        let mut document = invoice();
        document.lines.push(Line::default());
        assert!(!fires(&document, "BR-28"));
        document.lines[0].price = Some(Price {
            gross_amount: amount("-1"),
            ..Price::default()
        });
        assert_eq!(pointers(&document, "BR-28"), ["/lines/0/grossUnitPrice"]);
        document.lines[0].price = Some(Price {
            gross_amount: amount("0"),
            ..Price::default()
        });
        assert!(!fires(&document, "BR-28"));
    }

    #[test]
    fn br_29_and_br_30_periods() {
        let mut document = invoice();
        let backwards = Period {
            start_date: Some(date!(2013 - 06 - 01)),
            end_date: Some(date!(2013 - 05 - 01)),
            description_code: None,
        };
        document.invoice_period = Some(backwards.clone());
        document.lines.push(Line {
            invoice_period: Some(backwards),
            ..Line::default()
        });
        assert_eq!(pointers(&document, "BR-29"), ["/invoicePeriod/endDate"]);
        assert_eq!(
            pointers(&document, "BR-30"),
            ["/lines/0/invoicePeriod/endDate"]
        );
        let same_day = Period {
            start_date: Some(date!(2013 - 06 - 01)),
            end_date: Some(date!(2013 - 06 - 01)),
            description_code: None,
        };
        document.invoice_period = Some(same_day.clone());
        document.lines[0].invoice_period = Some(same_day);
        assert!(!fires(&document, "BR-29"));
        assert!(!fires(&document, "BR-30"));
    }

    #[test]
    fn br_31_to_br_33_document_allowance() {
        let mut document = invoice();
        document.allowance_charges.push(AllowanceCharge::default());
        assert_eq!(pointers(&document, "BR-31"), ["/allowanceCharges/0/amount"]);
        assert_eq!(
            pointers(&document, "BR-32"),
            ["/allowanceCharges/0/vatCategoryCode"]
        );
        assert_eq!(pointers(&document, "BR-33"), ["/allowanceCharges/0/reason"]);
        assert!(!fires(&document, "BR-36"));
        document.allowance_charges[0] = AllowanceCharge {
            amount: amount("10"),
            vat_category_code: text("S"),
            reason_code: text("95"),
            ..AllowanceCharge::default()
        };
        for rule in ["BR-31", "BR-32", "BR-33"] {
            assert!(!fires(&document, rule), "{rule}");
        }
    }

    #[test]
    fn br_36_to_br_38_document_charge() {
        let mut document = invoice();
        document.allowance_charges.push(AllowanceCharge {
            charge_indicator: true,
            ..AllowanceCharge::default()
        });
        assert_eq!(pointers(&document, "BR-36"), ["/allowanceCharges/0/amount"]);
        assert_eq!(
            pointers(&document, "BR-37"),
            ["/allowanceCharges/0/vatCategoryCode"]
        );
        assert_eq!(pointers(&document, "BR-38"), ["/allowanceCharges/0/reason"]);
        assert!(!fires(&document, "BR-31"));
        document.allowance_charges[0] = AllowanceCharge {
            charge_indicator: true,
            amount: amount("10"),
            vat_category_code: text("S"),
            reason: text("Freight"),
            ..AllowanceCharge::default()
        };
        for rule in ["BR-36", "BR-37", "BR-38"] {
            assert!(!fires(&document, rule), "{rule}");
        }
    }

    #[test]
    fn br_41_to_br_44_line_allowances_and_charges() {
        let mut document = invoice();
        let charge = AllowanceCharge {
            charge_indicator: true,
            ..AllowanceCharge::default()
        };
        document.lines.push(Line {
            allowance_charges: vec![AllowanceCharge::default(), charge],
            ..Line::default()
        });
        assert_eq!(
            pointers(&document, "BR-41"),
            ["/lines/0/allowanceCharges/0/amount"]
        );
        assert_eq!(
            pointers(&document, "BR-42"),
            ["/lines/0/allowanceCharges/0/reason"]
        );
        assert_eq!(
            pointers(&document, "BR-43"),
            ["/lines/0/allowanceCharges/1/amount"]
        );
        assert_eq!(
            pointers(&document, "BR-44"),
            ["/lines/0/allowanceCharges/1/reason"]
        );
        for item in &mut document.lines[0].allowance_charges {
            item.amount = amount("1");
            item.reason = text("");
        }
        for rule in ["BR-41", "BR-42", "BR-43", "BR-44"] {
            assert!(!fires(&document, rule), "{rule}");
        }
    }

    #[test]
    fn br_45_to_br_48_vat_breakdown() {
        let mut document = invoice();
        document.tax_totals.push(TaxTotal {
            tax_amount: amount("0"),
            subtotals: vec![VatBreakdown::default()],
        });
        assert_eq!(
            pointers(&document, "BR-45"),
            ["/taxBreakdown/0/taxableAmount"]
        );
        assert_eq!(pointers(&document, "BR-46"), ["/taxBreakdown/0/taxAmount"]);
        assert_eq!(
            pointers(&document, "BR-47"),
            ["/taxBreakdown/0/categoryCode"]
        );
        assert_eq!(pointers(&document, "BR-48"), ["/taxBreakdown/0/rate"]);
        document.tax_totals[0].subtotals[0] = VatBreakdown {
            taxable_amount: amount("100"),
            tax_amount: amount("0"),
            category_code: text("O"),
            ..VatBreakdown::default()
        };
        for rule in ["BR-45", "BR-46", "BR-47", "BR-48"] {
            assert!(!fires(&document, rule), "{rule}");
        }
        document.tax_totals[0].subtotals[0].category_code = text("S");
        assert!(
            fires(&document, "BR-48"),
            "only category O may leave out the rate"
        );
        document.tax_totals[0].subtotals[0].rate = Some(dec("25"));
        assert!(!fires(&document, "BR-48"));
    }

    #[test]
    fn br_49_payment_means_code() {
        let mut document = invoice();
        document.payment_means.push(PaymentMeans::default());
        assert_eq!(pointers(&document, "BR-49"), ["/payment/paymentMeansCode"]);
        document.payment_means[0].code = text("31");
        assert!(!fires(&document, "BR-49"));
    }

    #[test]
    fn br_50_account_identifier() {
        let mut document = invoice();
        document.payment_means.push(PaymentMeans {
            code: text("30"),
            accounts: vec![Account::default()],
            ..PaymentMeans::default()
        });
        assert_eq!(pointers(&document, "BR-50"), ["/payment/accounts/0/iban"]);
        document.payment_means[0].code = text("31");
        assert!(!fires(&document, "BR-50"));
        document.payment_means[0].code = text("58");
        document.payment_means[0].accounts[0].iban = text("NO9386011117947");
        assert!(!fires(&document, "BR-50"));
    }

    #[test]
    fn br_51_card_number() {
        let mut document = invoice();
        let card = |number: &str| Card {
            account_number: text(number),
            ..Card::default()
        };
        document.payment_means.push(PaymentMeans {
            card: Some(card("12345678901")),
            ..PaymentMeans::default()
        });
        assert_eq!(
            pointers(&document, "BR-51"),
            ["/payment/card/accountNumber"]
        );
        document.payment_means[0].card = Some(card("  1234  5678 "));
        assert!(!fires(&document, "BR-51"), "normalized, ten characters");
    }

    #[test]
    fn br_52_supporting_document_reference() {
        let mut document = invoice();
        document.attachments.push(Attachment::default());
        document.invoiced_object_identifier = Some(Identifier::default());
        assert_eq!(
            pointers(&document, "BR-52"),
            ["/invoicedObjectIdentifier/id", "/attachments/0/id"]
        );
        let mut credit_note = Document::empty(DocumentKind::CreditNote);
        credit_note.project_references = vec![text(""), None, text("PRJ-1")];
        assert_eq!(
            pointers(&credit_note, "BR-52"),
            ["/projectReference", "/projectReferences/1"],
            "a credit note's project references are `AdditionalDocumentReference`s"
        );
        document.project_references = vec![text("")];
        assert_eq!(
            pointers(&document, "BR-52").len(),
            2,
            "an invoice's is a ProjectReference"
        );
        document.attachments[0].id = text("Doc1");
        document.invoiced_object_identifier = Some(Identifier {
            id: "AB-123".to_owned(),
            scheme_id: text("AAB"),
        });
        assert!(!fires(&document, "BR-52"));
    }

    #[test]
    fn br_53_total_in_tax_currency() {
        let mut document = invoice();
        document.currency = text("EUR");
        document.tax_currency = text("NOK");
        document.tax_totals.push(TaxTotal {
            tax_amount: amount("100"),
            subtotals: Vec::new(),
        });
        assert_eq!(pointers(&document, "BR-53"), ["/taxTotalInTaxCurrency"]);
        document.tax_totals.push(TaxTotal {
            tax_amount: Some(Amount::new(dec("800"), "NOK")),
            subtotals: Vec::new(),
        });
        assert!(!fires(&document, "BR-53"));
    }

    #[test]
    fn br_54_item_attribute() {
        let mut document = invoice();
        document.lines.push(Line {
            attributes: vec![
                ItemAttribute {
                    name: None,
                    value: text("Black"),
                },
                ItemAttribute {
                    name: text("Color"),
                    value: None,
                },
                ItemAttribute {
                    name: text("Color"),
                    value: text("Black"),
                },
            ],
            ..Line::default()
        });
        assert_eq!(
            pointers(&document, "BR-54"),
            ["/lines/0/attributes/0/name", "/lines/0/attributes/1/value"]
        );
    }

    #[test]
    fn br_55_preceding_invoice_reference() {
        let mut document = invoice();
        document
            .preceding_invoices
            .push(PrecedingInvoice::default());
        assert_eq!(
            pointers(&document, "BR-55"),
            ["/precedingInvoices/0/number"]
        );
        document.preceding_invoices[0].number = text("INV-1");
        assert!(!fires(&document, "BR-55"));
    }

    #[test]
    fn br_57_deliver_to_country() {
        let mut document = invoice();
        document.delivery = Some(Delivery::default());
        assert!(!fires(&document, "BR-57"));
        document.delivery = Some(Delivery {
            address: Some(Address::default()),
            ..Delivery::default()
        });
        assert_eq!(
            pointers(&document, "BR-57"),
            ["/delivery/address/countryCode"]
        );
        document.delivery = Some(Delivery {
            address: Some(Address {
                country_code: text("NO"),
                ..Address::default()
            }),
            ..Delivery::default()
        });
        assert!(!fires(&document, "BR-57"));
    }

    #[test]
    fn br_61_credit_transfer_account() {
        let mut document = invoice();
        document.payment_means.push(PaymentMeans {
            code: text("58"),
            ..PaymentMeans::default()
        });
        assert_eq!(pointers(&document, "BR-61"), ["/payment/accounts"]);
        document.payment_means[0].accounts.push(Account {
            iban: text(""),
            ..Account::default()
        });
        assert!(
            !fires(&document, "BR-61"),
            "exists(ID) holds for an empty ID"
        );
        document.payment_means[0] = PaymentMeans {
            code: text("49"),
            ..PaymentMeans::default()
        };
        assert!(!fires(&document, "BR-61"));
    }

    #[test]
    fn br_62_and_br_63_electronic_address_scheme() {
        let mut document = invoice();
        assert!(!fires(&document, "BR-62"));
        document.seller.electronic_address = text("123456785");
        document.buyer.electronic_address = text("123456785");
        assert_eq!(
            pointers(&document, "BR-62"),
            ["/seller/electronicAddressSchemeId"]
        );
        assert_eq!(
            pointers(&document, "BR-63"),
            ["/buyer/electronicAddressSchemeId"]
        );
        document.seller.electronic_address_scheme_id = text("0192");
        document.buyer.electronic_address_scheme_id = text("0192");
        assert!(!fires(&document, "BR-62"));
        assert!(!fires(&document, "BR-63"));
    }

    #[test]
    fn br_64_standard_identifier_scheme() {
        let mut document = invoice();
        document.lines.push(Line {
            standard_item_id: Some(Identifier {
                id: "1234567890125".to_owned(),
                scheme_id: None,
            }),
            ..Line::default()
        });
        assert_eq!(
            pointers(&document, "BR-64"),
            ["/lines/0/standardItemId/schemeId"]
        );
        document.lines[0].standard_item_id = Some(Identifier {
            id: "1234567890125".to_owned(),
            scheme_id: text("0160"),
        });
        assert!(!fires(&document, "BR-64"));
    }

    #[test]
    fn br_65_classification_scheme() {
        let mut document = invoice();
        document.lines.push(Line {
            classifications: vec![
                Classification {
                    code: "65434567".to_owned(),
                    list_id: text("STI"),
                    list_version_id: None,
                },
                Classification {
                    code: "65434567".to_owned(),
                    list_id: None,
                    list_version_id: None,
                },
            ],
            ..Line::default()
        });
        assert_eq!(
            pointers(&document, "BR-65"),
            ["/lines/0/classifications/1/listId"]
        );
    }

    #[test]
    fn normalized_length_collapses_white_space() {
        assert_eq!(normalized_length(""), 0);
        assert_eq!(normalized_length(" \t\n"), 0);
        assert_eq!(normalized_length(" ab  cd "), 5);
        assert_eq!(normalized_length("éé"), 2);
    }
}
