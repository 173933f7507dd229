//! Peppol BIS Billing 3.0 rules: PEPPOL-EN16931-R*, -CL*, -P*, PEPPOL-COMMON-R*, and the
//! national rules of the Peppol schematron (DE, DK, GR, IS, IT, NL, NO, SE).
//!
//! The specification is OpenPEPPOL/peppol-bis-invoice-3 `rules/sch/PEPPOL-EN16931-UBL.sch`
//! (release 3.0.19). Each rule is its assertion's test, checked wherever its context
//! exists, with the `XPath` semantics that decide edge cases ([`xpath`]): `normalize-space`
//! where the test normalizes and exact comparison where it does not, `xs:decimal`
//! arithmetic, `XPath` `round()`, general comparisons over every matching node.
//!
//! The syntax-level rules read what the model keeps of a UBL document beside the business
//! terms: the `ChargeIndicator` text (`R043`, `R044`, and the contexts of `CL002`,
//! `CL003` and `R120`, which select allowances and charges by that text), every project
//! reference (`R080`), every line `DocumentReference` (`R100`, `R101`) and the dates that
//! are not dates (`F001`). Those texts are trimmed by the reader, so where a test compares
//! a text exactly (`cbc:ChargeIndicator = 'false'`, `string-length(text()) = 10`),
//! whitespace around it is not seen.

mod common;
mod de;
mod dk;
mod empty;
mod gr;
mod is;
mod it;
mod nl;
mod no;
mod se;
#[cfg(test)]
mod tests;
mod xpath;

use std::fmt;

use rust_decimal::Decimal;

use super::{Findings, Rule, Severity};
use crate::document::code_lists;
use crate::document::model::{
    AllowanceCharge, Amount, Document, DocumentKind, Line, Party, Period,
};

/// A fatal rule.
const fn fatal(id: &'static str, text: &'static str) -> Rule {
    Rule {
        id,
        severity: Severity::Fatal,
        text,
    }
}

/// A warning.
const fn warning(id: &'static str, text: &'static str) -> Rule {
    Rule {
        id,
        severity: Severity::Warning,
        text,
    }
}

const R001: Rule = fatal("PEPPOL-EN16931-R001", "Business process MUST be provided.");
const R002: Rule = fatal(
    "PEPPOL-EN16931-R002",
    "No more than one note is allowed on document level, unless both the buyer and seller are German organizations.",
);
const R003: Rule = fatal(
    "PEPPOL-EN16931-R003",
    "A buyer reference or purchase order reference MUST be provided.",
);
const R004: Rule = fatal(
    "PEPPOL-EN16931-R004",
    "Specification identifier MUST have the value 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0'.",
);
const R005: Rule = fatal(
    "PEPPOL-EN16931-R005",
    "VAT accounting currency code MUST be different from invoice currency code when provided.",
);
const R007: Rule = fatal(
    "PEPPOL-EN16931-R007",
    "Business process MUST be in the format 'urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0' where NN indicates the process number.",
);
const R010: Rule = fatal(
    "PEPPOL-EN16931-R010",
    "Buyer electronic address MUST be provided",
);
const R020: Rule = fatal(
    "PEPPOL-EN16931-R020",
    "Seller electronic address MUST be provided",
);
const R040: Rule = fatal(
    "PEPPOL-EN16931-R040",
    "Allowance/charge amount must equal base amount * percentage/100 if base amount and percentage exists",
);
const R041: Rule = fatal(
    "PEPPOL-EN16931-R041",
    "Allowance/charge base amount MUST be provided when allowance/charge percentage is provided.",
);
const R042: Rule = fatal(
    "PEPPOL-EN16931-R042",
    "Allowance/charge percentage MUST be provided when allowance/charge base amount is provided.",
);
const R043: Rule = fatal(
    "PEPPOL-EN16931-R043",
    "Allowance/charge ChargeIndicator value MUST equal 'true' or 'false'",
);
const R044: Rule = fatal(
    "PEPPOL-EN16931-R044",
    "Charge on price level is NOT allowed. Only value 'false' allowed.",
);
const R046: Rule = fatal(
    "PEPPOL-EN16931-R046",
    "Item net price MUST equal (Gross price - Allowance amount) when gross price is provided.",
);
const R051: Rule = fatal(
    "PEPPOL-EN16931-R051",
    "All currencyID attributes must have the same value as the invoice currency code (BT-5), except for the invoice total VAT amount in accounting currency (BT-111).",
);
const R053: Rule = fatal(
    "PEPPOL-EN16931-R053",
    "Only one tax total with tax subtotals MUST be provided.",
);
const R054: Rule = fatal(
    "PEPPOL-EN16931-R054",
    "Only one tax total without tax subtotals MUST be provided when tax currency code is provided.",
);
const R055: Rule = fatal(
    "PEPPOL-EN16931-R055",
    "Invoice total VAT amount and Invoice total VAT amount in accounting currency MUST have the same operational sign",
);
const R061: Rule = fatal(
    "PEPPOL-EN16931-R061",
    "Mandate reference MUST be provided for direct debit.",
);
const R080: Rule = fatal(
    "PEPPOL-EN16931-R080",
    "Only one project reference is allowed on document level",
);
const R100: Rule = fatal(
    "PEPPOL-EN16931-R100",
    "Only one invoiced object is allowed pr line",
);
const R101: Rule = fatal(
    "PEPPOL-EN16931-R101",
    "Element Document reference can only be used for Invoice line object",
);
const R110: Rule = fatal(
    "PEPPOL-EN16931-R110",
    "Start date of line period MUST be within invoice period.",
);
const R111: Rule = fatal(
    "PEPPOL-EN16931-R111",
    "End date of line period MUST be within invoice period.",
);
const R120: Rule = fatal(
    "PEPPOL-EN16931-R120",
    "Invoice line net amount MUST equal (Invoiced quantity * (Item net price/item price base quantity) + Sum of invoice line charge amount - sum of invoice line allowance amount",
);
const R121: Rule = fatal(
    "PEPPOL-EN16931-R121",
    "Base quantity MUST be a positive number above zero.",
);
const R130: Rule = fatal(
    "PEPPOL-EN16931-R130",
    "Unit code of price base quantity MUST be same as invoiced quantity.",
);
const CL001: Rule = fatal(
    "PEPPOL-EN16931-CL001",
    "Mime code must be according to subset of IANA code list.",
);
const CL002: Rule = fatal(
    "PEPPOL-EN16931-CL002",
    "Reason code MUST be according to subset of UNCL 5189 D.16B.",
);
const CL003: Rule = fatal(
    "PEPPOL-EN16931-CL003",
    "Reason code MUST be according to UNCL 7161 D.16B.",
);
const CL006: Rule = fatal(
    "PEPPOL-EN16931-CL006",
    "Invoice period description code must be according to UNCL 2005 D.16B.",
);
const CL007: Rule = fatal(
    "PEPPOL-EN16931-CL007",
    "Currency code must be according to ISO 4217:2005",
);
const CL008: Rule = fatal(
    "PEPPOL-EN16931-CL008",
    r#"Electronic address identifier scheme must be from the codelist "Electronic Address Identifier Scheme""#,
);
const F001: Rule = fatal(
    "PEPPOL-EN16931-F001",
    "A date MUST be formatted YYYY-MM-DD.",
);
const P0100: Rule = fatal(
    "PEPPOL-EN16931-P0100",
    "Invoice type code MUST be set according to the profile.",
);
const P0101: Rule = fatal(
    "PEPPOL-EN16931-P0101",
    "Credit note type code MUST be set according to the profile.",
);
const P0104: Rule = fatal(
    "PEPPOL-EN16931-P0104",
    "Tax Category G MUST be used when exemption reason code is VATEX-EU-G",
);
const P0105: Rule = fatal(
    "PEPPOL-EN16931-P0105",
    "Tax Category O MUST be used when exemption reason code is VATEX-EU-O",
);
const P0106: Rule = fatal(
    "PEPPOL-EN16931-P0106",
    "Tax Category K MUST be used when exemption reason code is VATEX-EU-IC",
);
const P0107: Rule = fatal(
    "PEPPOL-EN16931-P0107",
    "Tax Category AE MUST be used when exemption reason code is VATEX-EU-AE",
);
const P0108: Rule = fatal(
    "PEPPOL-EN16931-P0108",
    "Tax Category E MUST be used when exemption reason code is VATEX-EU-D",
);
const P0109: Rule = fatal(
    "PEPPOL-EN16931-P0109",
    "Tax Category E MUST be used when exemption reason code is VATEX-EU-F",
);
const P0110: Rule = fatal(
    "PEPPOL-EN16931-P0110",
    "Tax Category E MUST be used when exemption reason code is VATEX-EU-I",
);
const P0111: Rule = fatal(
    "PEPPOL-EN16931-P0111",
    "Tax Category E MUST be used when exemption reason code is VATEX-EU-J",
);
const P0112: Rule = fatal(
    "PEPPOL-EN16931-P0112",
    "Invoice type code 326 or 384 are only allowed when both buyer and seller are German organizations",
);

/// The rules of this family.
#[rustfmt::skip]
pub(super) const RULES: &[Rule] = &[
    R001, R002, R003, R004, R005, R007, empty::R008, R010, R020, R040, R041, R042, R043, R044, R046,
    R051, R053, R054, R055, R061, R080, R100, R101, R110, R111, R120, R121, R130, CL001, CL002,
    CL003, CL006, CL007, CL008, F001, P0100, P0101, P0104, P0105, P0106, P0107, P0108, P0109,
    P0110, P0111, P0112,
    common::R040, common::R041, common::R042, common::R043, common::R044, common::R045,
    common::R046, common::R047, common::R049, common::R050,
    de::R001, de::R002, de::R003, de::R004, de::R005, de::R006, de::R007, de::R008, de::R009,
    de::R010, de::R011, de::R014, de::R015, de::R016, de::R017, de::R018, de::R019, de::R020,
    de::R022, de::R023_1, de::R023_2, de::R024_1, de::R024_2, de::R025_1, de::R025_2, de::R026,
    de::R027, de::R028, de::R030, de::R031,
    dk::R002, dk::R003, dk::R004, dk::R005, dk::R006, dk::R007, dk::R008, dk::R009, dk::R010,
    dk::R011, dk::R013, dk::R014, dk::R016,
    gr::R001_1, gr::R001_2, gr::R001_3, gr::R001_4, gr::R001_5, gr::R001_6, gr::R001_7, gr::R002,
    gr::R003, gr::R004_1, gr::R004_2, gr::R005, gr::R006, gr::R008_2, gr::R008_3, gr::R009,
    gr::R010, gr::S008_1, gr::S011,
    is::R001, is::R002, is::R003, is::R004, is::R005, is::R006, is::R007, is::R008, is::R009,
    is::R010,
    it::R001, it::R002, it::R003, it::R004,
    nl::R001, nl::R002, nl::R003, nl::R004, nl::R005, nl::R006, nl::R007, nl::R008, nl::R009,
    no::R001, no::R002,
    se::R001, se::R002, se::R003, se::R004, se::R005, se::R006, se::R007, se::R008, se::R009,
    se::R010, se::R011, se::R012, se::R013,
];

/// The invoice type codes profile 01 allows (`PEPPOL-EN16931-P0100`), sorted.
const PROFILE_01_INVOICE_TYPES: &[&str] = &[
    "102", "218", "219", "326", "331", "380", "382", "383", "384", "386", "388", "393", "395",
    "553", "575", "623", "71", "780", "80", "817", "82", "84", "870", "875", "876", "877",
];

/// The credit note type codes profile 01 allows (`PEPPOL-EN16931-P0101`), sorted.
const PROFILE_01_CREDIT_NOTE_TYPES: &[&str] = &["381", "396", "532", "81", "83"];

/// `PEPPOL-EN16931-P0104` to `P0111`: an exemption reason code and the category it needs.
const EXEMPTION_CATEGORIES: [(&Rule, &str, &str); 8] = [
    (&P0104, "VATEX-EU-G", "G"),
    (&P0105, "VATEX-EU-O", "O"),
    (&P0106, "VATEX-EU-IC", "K"),
    (&P0107, "VATEX-EU-AE", "AE"),
    (&P0108, "VATEX-EU-D", "E"),
    (&P0109, "VATEX-EU-F", "E"),
    (&P0110, "VATEX-EU-I", "E"),
    (&P0111, "VATEX-EU-J", "E"),
];

/// The prefix `PEPPOL-EN16931-R004` wants of the specification identifier.
const CUSTOMIZATION_PREFIX: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";

/// `$profile`'s pattern `urn:fdc:peppol.eu:2017:poacc:billing:([0-9]{2}):1.0`, with `?`
/// for the regular expression's `.` (any character but a line break) and `#` for `[0-9]`.
const PROFILE_PATTERN: &str = "urn:fdc:peppol?eu:2017:poacc:billing:##:1?0";

/// Checks `document` against this family's rules.
pub(super) fn check(document: &Document, findings: &mut Findings) {
    let vars = Vars::new(document);
    document_level(&vars, findings);
    allowance_charges(document, findings);
    currencies(document, findings);
    lines(document, findings);
    codes(&vars, findings);
    dates(document, findings);
    common::check(document, findings);
    empty::check(document, findings);
    de::check(&vars, findings);
    dk::check(&vars, findings);
    gr::check(&vars, findings);
    is::check(&vars, findings);
    it::check(&vars, findings);
    nl::check(&vars, findings);
    no::check(&vars, findings);
    se::check(&vars, findings);
}

/// The schematron's global variables (`$profile`, `$supplierCountry`, ...), computed once
/// per document.
struct Vars<'a> {
    document: &'a Document,
    /// `$profile = '01'`.
    profile_01: bool,
    /// `$profile != 'Unknown'`.
    profile_known: bool,
    /// `$supplierCountry`.
    supplier_country: Country<'a>,
    /// `$customerCountry`.
    customer_country: Country<'a>,
    /// `$supplierCountryIsDE and $customerCountryIsDE`.
    german_parties: bool,
}

impl<'a> Vars<'a> {
    fn new(document: &'a Document) -> Self {
        let (profile_01, profile_known) = document
            .profile_id
            .as_deref()
            .map_or((false, false), profile);
        let tax_representative_vat = document
            .tax_representative
            .as_ref()
            .and_then(|party| party.vat_id.as_deref());
        let supplier_country = Country::new(
            vat_prefix(document.seller.vat_id.as_deref())
                .or_else(|| vat_prefix(tax_representative_vat))
                .or_else(|| address_country(&document.seller)),
        );
        let customer_country = Country::new(
            vat_prefix(document.buyer.vat_id.as_deref())
                .or_else(|| address_country(&document.buyer)),
        );
        let german = |party: &Party| Country::new(address_country(party)).is("DE");
        Self {
            document,
            profile_01,
            profile_known,
            supplier_country,
            customer_country,
            german_parties: german(&document.seller) && german(&document.buyer),
        }
    }
}

/// A country variable of the schematron: computed from a text, then upper-cased and
/// normalized, or `'XX'` when there is no text.
#[derive(Debug, Clone, Copy)]
enum Country<'a> {
    /// The text normalizes to two ASCII letters, here upper-cased.
    Code([u8; 2]),
    /// Any other text.
    Text(&'a str),
    /// No text: `'XX'`.
    Unknown,
}

impl<'a> Country<'a> {
    fn new(text: Option<&'a str>) -> Self {
        let Some(text) = text else {
            return Self::Unknown;
        };
        match xpath::trim(text).as_bytes() {
            &[first, second] if first.is_ascii_alphabetic() && second.is_ascii_alphabetic() => {
                Self::Code([first.to_ascii_uppercase(), second.to_ascii_uppercase()])
            }
            _ => Self::Text(text),
        }
    }

    /// Whether the variable equals `code` (an upper-case code).
    fn is(self, code: &str) -> bool {
        match self {
            Self::Code(letters) => letters == code.as_bytes(),
            Self::Text(text) => xpath::upper_norm_eq(text, code),
            Self::Unknown => code == "XX",
        }
    }
}

/// `substring(VAT CompanyID, 1, 2)` when it is not empty.
fn vat_prefix(vat: Option<&str>) -> Option<&str> {
    vat.map(|vat| xpath::substring(vat, 1, 2))
        .filter(|prefix| !prefix.is_empty())
}

/// `cac:PostalAddress/cac:Country/cbc:IdentificationCode` of `party`.
fn address_country(party: &Party) -> Option<&str> {
    party
        .address
        .as_ref()
        .and_then(|address| address.country_code.as_deref())
}

/// `$profile = '01'` and `$profile != 'Unknown'` for a given `ProfileID`. `$profile` is
/// the seventh `:`-separated token of the normalized `ProfileID` when that matches the
/// Peppol pattern, else `'Unknown'`.
fn profile(profile_id: &str) -> (bool, bool) {
    const PREFIX: &str = "urn:fdc:peppol.eu:2017:poacc:billing:";
    let bytes = profile_id.as_bytes();
    // The usual `urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0`, exactly.
    if bytes.len() == PREFIX.len() + 6
        && profile_id.starts_with(PREFIX)
        && profile_id.ends_with(":1.0")
        && bytes[PREFIX.len()].is_ascii_digit()
        && bytes[PREFIX.len() + 1].is_ascii_digit()
    {
        return (&bytes[PREFIX.len()..PREFIX.len() + 2] == b"01", true);
    }
    let normalized = xpath::normalize(profile_id);
    if !matches_profile_pattern(&normalized) {
        return (false, false);
    }
    let token = normalized.split(':').nth(6).unwrap_or("");
    (token == "01", token != "Unknown")
}

/// `matches(profile, 'urn:fdc:peppol.eu:2017:poacc:billing:([0-9]{2}):1.0')`: the pattern
/// anywhere in `profile`.
fn matches_profile_pattern(profile: &str) -> bool {
    let literal_start = &PROFILE_PATTERN[..PROFILE_PATTERN.find('?').unwrap_or(0)];
    profile.match_indices(literal_start).any(|(start, _)| {
        let mut chars = profile[start..].chars();
        PROFILE_PATTERN
            .chars()
            .all(|expected| match (expected, chars.next()) {
                (_, None) => false,
                ('?', Some(c)) => c != '\n' && c != '\r',
                ('#', Some(c)) => c.is_ascii_digit(),
                (expected, Some(c)) => expected == c,
            })
    })
}

/// The JSON pointer of `field` of payment instructions `index` (the JSON has one,
/// `/payment`; a UBL document may have more).
fn payment_pointer(index: usize, field: &str) -> String {
    if index == 0 {
        format!("/payment/{field}")
    } else {
        format!("/paymentMeans/{index}/{field}")
    }
}

/// The document-level rules: business process, specification identifier, notes,
/// references, VAT totals and currencies, electronic addresses, direct debit mandates.
fn document_level(vars: &Vars<'_>, findings: &mut Findings) {
    let document = vars.document;
    if document.profile_id.is_none() {
        findings.fail(&R001, "/profileId");
    }
    if !vars.profile_known {
        findings.fail(&R007, "/profileId");
    }
    if document.notes.len() > 1 && !vars.german_parties {
        findings.fail(&R002, "/notes/1");
    }
    // A sales order reference alone is written with `OrderReference/ID` `NA`.
    let order = document.order_reference.is_some() || document.sales_order_reference.is_some();
    if document.buyer_reference.is_none() && !order {
        findings.fail(&R003, "/buyerReference");
    }
    let customization = document.customization_id.as_deref().map_or("", xpath::trim);
    if !customization.starts_with(CUSTOMIZATION_PREFIX) {
        findings.fail(&R004, "/customizationId");
    }
    let with_subtotals = document
        .tax_totals
        .iter()
        .filter(|total| !total.subtotals.is_empty())
        .count();
    if with_subtotals != 1 {
        findings.fail(&R053, "/taxBreakdown");
    }
    let without_subtotals = document.tax_totals.len() - with_subtotals;
    if without_subtotals != usize::from(document.tax_currency.is_some()) {
        findings.fail(&R054, "/taxTotalInTaxCurrency");
    }
    if let Some(tax_currency) = document.tax_currency.as_deref() {
        if !same_sign_totals(document, tax_currency) {
            findings.fail(&R055, "/taxTotalInTaxCurrency");
        }
        let currency = document.currency.as_deref().unwrap_or("");
        if xpath::normalized(tax_currency).eq(xpath::normalized(currency)) {
            findings.fail(&R005, "/taxCurrency");
        }
    }
    // `count(cac:AdditionalDocumentReference[cbc:DocumentTypeCode='50']) <= 1`, in a credit
    // note (where those references are BT-11).
    if document.kind == DocumentKind::CreditNote && document.project_references.len() > 1 {
        findings.fail(&R080, "/projectReferences/1");
    }
    if document.buyer.electronic_address.is_none() {
        findings.fail(&R010, "/buyer/electronicAddress");
    }
    if document.seller.electronic_address.is_none() {
        findings.fail(&R020, "/seller/electronicAddress");
    }
    for (index, means) in document.payment_means.iter().enumerate() {
        let direct_debit = means
            .code
            .as_deref()
            .is_some_and(|code| xpath::norm_in(code, &["49", "59"]));
        let mandate = means
            .direct_debit
            .as_ref()
            .and_then(|debit| debit.mandate_reference.as_ref());
        if direct_debit && mandate.is_none() {
            findings.fail(
                &R061,
                payment_pointer(index, "directDebit/mandateReference"),
            );
        }
    }
}

/// `PEPPOL-EN16931-R055`: some `TaxTotal/TaxAmount` in the tax currency and some in the
/// document currency are both `<= 0`, or both `>= 0` (general comparisons).
fn same_sign_totals(document: &Document, tax_currency: &str) -> bool {
    let document_currency = document.currency.as_deref().unwrap_or("");
    let any = |currency: &str, test: fn(Decimal) -> bool| {
        document
            .tax_totals
            .iter()
            .filter_map(|total| total.tax_amount.as_ref())
            .filter(|amount| {
                amount
                    .currency
                    .as_deref()
                    .is_some_and(|code| xpath::normalized(currency).eq(code.chars()))
            })
            .any(|amount| test(amount.value))
    };
    let not_positive = |value: Decimal| value <= Decimal::ZERO;
    let not_negative = |value: Decimal| value >= Decimal::ZERO;
    (any(tax_currency, not_positive) && any(document_currency, not_positive))
        || (any(tax_currency, not_negative) && any(document_currency, not_negative))
}

/// Where an allowance or charge is.
#[derive(Debug, Clone, Copy)]
enum AllowanceChargeAt {
    /// BG-20 / BG-21 `index`.
    Document(usize),
    /// BG-27 / BG-28 `index` of line `line`.
    Line(usize, usize),
}

impl AllowanceChargeAt {
    fn pointer(self, field: &str) -> String {
        match self {
            Self::Document(index) => format!("/allowanceCharges/{index}/{field}"),
            Self::Line(line, index) => format!("/lines/{line}/allowanceCharges/{index}/{field}"),
        }
    }
}

/// Every document-level and line-level allowance and charge, with where it is.
fn each_allowance_charge(
    document: &Document,
) -> impl Iterator<Item = (AllowanceChargeAt, &AllowanceCharge)> {
    let on_document = document
        .allowance_charges
        .iter()
        .enumerate()
        .map(|(index, item)| (AllowanceChargeAt::Document(index), item));
    let on_lines = document.lines.iter().enumerate().flat_map(|(line, item)| {
        item.allowance_charges
            .iter()
            .enumerate()
            .map(move |(index, item)| (AllowanceChargeAt::Line(line, index), item))
    });
    on_document.chain(on_lines)
}

/// `PEPPOL-EN16931-R040` to `R042` and the reason code lists (`CL002`, `CL003`) on every
/// document-level and line-level allowance and charge.
fn allowance_charges(document: &Document, findings: &mut Findings) {
    let slack = Decimal::new(2, 2);
    for (at, item) in each_allowance_charge(document) {
        match (item.percentage, &item.base_amount) {
            (Some(percentage), Some(base)) => {
                let amount = item
                    .amount
                    .as_ref()
                    .map_or(Decimal::ZERO, |amount| amount.value);
                let consistent = base
                    .value
                    .checked_mul(percentage)
                    .and_then(|product| product.checked_div(Decimal::ONE_HUNDRED))
                    .is_some_and(|expected| xpath::slack(amount, expected, slack));
                if !consistent {
                    findings.fail(&R040, at.pointer("amount"));
                }
            }
            (Some(_), None) => findings.fail(&R041, at.pointer("baseAmount")),
            (None, Some(_)) => findings.fail(&R042, at.pointer("percentage")),
            (None, None) => {}
        }
        if item.charge_indicator_text.is_some() {
            findings.fail(&R043, at.pointer("chargeIndicator"));
        }
        // The contexts are `cac:AllowanceCharge[cbc:ChargeIndicator = 'false']` and
        // `[... = 'true']`: neither applies to another indicator (`0`, `1`, none).
        if let (Some(code), Some(charge)) = (item.reason_code.as_deref(), indicator(item)) {
            let (rule, list) = if charge {
                (&CL003, code_lists::UNCL_7161)
            } else {
                (&CL002, code_lists::UNCL_5189)
            };
            if !xpath::norm_in_list(code, list) {
                findings.fail(rule, at.pointer("reasonCode"));
            }
        }
    }
}

/// `normalize-space(cbc:ChargeIndicator)`: `Some(true)` for `true`, `Some(false)` for
/// `false`, `None` for any other text (`1`, `0`, ...) or none.
fn indicator(item: &AllowanceCharge) -> Option<bool> {
    item.charge_indicator_text
        .is_none()
        .then_some(item.charge_indicator)
}

/// Where an amount is, for its JSON pointer.
#[derive(Debug, Clone, Copy)]
enum AmountAt {
    /// A field of document-level allowance or charge `index`.
    AllowanceCharge(usize, &'static str),
    /// A `TaxTotal/TaxAmount`: BT-110 (with subtotals) or BT-111.
    TaxTotal { with_subtotals: bool },
    /// A field of VAT breakdown entry `index`.
    Subtotal(usize, &'static str),
    /// A document total, by its pointer.
    Total(&'static str),
    /// A field of line `line`.
    Line(usize, &'static str),
    /// A field of allowance or charge `index` of line `line`.
    LineAllowanceCharge(usize, usize, &'static str),
}

impl fmt::Display for AmountAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::AllowanceCharge(index, field) => write!(f, "/allowanceCharges/{index}/{field}"),
            Self::TaxTotal {
                with_subtotals: true,
            } => f.write_str("/totals/taxAmount"),
            Self::TaxTotal {
                with_subtotals: false,
            } => f.write_str("/taxTotalInTaxCurrency"),
            Self::Subtotal(index, field) => write!(f, "/taxBreakdown/{index}/{field}"),
            Self::Total(pointer) => f.write_str(pointer),
            Self::Line(line, field) => write!(f, "/lines/{line}/{field}"),
            Self::LineAllowanceCharge(line, index, field) => {
                write!(f, "/lines/{line}/allowanceCharges/{index}/{field}")
            }
        }
    }
}

/// Calls `visit` with every amount of `document` (every element with a `currencyID`).
fn each_amount(document: &Document, mut visit: impl FnMut(AmountAt, &Amount)) {
    for (index, item) in document.allowance_charges.iter().enumerate() {
        if let Some(amount) = &item.amount {
            visit(AmountAt::AllowanceCharge(index, "amount"), amount);
        }
        if let Some(amount) = &item.base_amount {
            visit(AmountAt::AllowanceCharge(index, "baseAmount"), amount);
        }
    }
    for total in &document.tax_totals {
        if let Some(amount) = &total.tax_amount {
            visit(
                AmountAt::TaxTotal {
                    with_subtotals: !total.subtotals.is_empty(),
                },
                amount,
            );
        }
        for (index, entry) in total.subtotals.iter().enumerate() {
            if let Some(amount) = &entry.taxable_amount {
                visit(AmountAt::Subtotal(index, "taxableAmount"), amount);
            }
            if let Some(amount) = &entry.tax_amount {
                visit(AmountAt::Subtotal(index, "taxAmount"), amount);
            }
        }
    }
    let totals = &document.totals;
    let document_totals = [
        (&totals.line_extension_amount, "/totals/lineExtensionAmount"),
        (&totals.tax_exclusive_amount, "/totals/taxExclusiveAmount"),
        (&totals.tax_inclusive_amount, "/totals/taxInclusiveAmount"),
        (
            &totals.allowance_total_amount,
            "/totals/allowanceTotalAmount",
        ),
        (&totals.charge_total_amount, "/totals/chargeTotalAmount"),
        (&totals.prepaid_amount, "/prepaidAmount"),
        (&totals.rounding_amount, "/roundingAmount"),
        (&totals.payable_amount, "/totals/payableAmount"),
    ];
    for (amount, pointer) in document_totals {
        if let Some(amount) = amount {
            visit(AmountAt::Total(pointer), amount);
        }
    }
    for (line_index, line) in document.lines.iter().enumerate() {
        if let Some(amount) = &line.line_extension_amount {
            visit(AmountAt::Line(line_index, "lineExtensionAmount"), amount);
        }
        for (index, item) in line.allowance_charges.iter().enumerate() {
            if let Some(amount) = &item.amount {
                visit(
                    AmountAt::LineAllowanceCharge(line_index, index, "amount"),
                    amount,
                );
            }
            if let Some(amount) = &item.base_amount {
                visit(
                    AmountAt::LineAllowanceCharge(line_index, index, "baseAmount"),
                    amount,
                );
            }
        }
        if let Some(price) = &line.price {
            let price_amounts = [
                (&price.net_amount, "netUnitPrice"),
                (&price.discount, "priceDiscount"),
                (&price.gross_amount, "grossUnitPrice"),
            ];
            for (amount, field) in price_amounts {
                if let Some(amount) = amount {
                    visit(AmountAt::Line(line_index, field), amount);
                }
            }
        }
    }
}

/// `PEPPOL-EN16931-R051` (every amount but BT-111 in the document currency) and `CL007`
/// (every currency an ISO 4217 code).
fn currencies(document: &Document, findings: &mut Findings) {
    let document_currency = document.currency.as_deref();
    let known = |code: &str| xpath::in_list(code_lists::ISO_4217, code);
    let document_currency_known = document_currency.is_some_and(known);
    each_amount(document, |at, amount| {
        let currency = amount.currency.as_deref();
        // Almost every amount is in the document currency: compare it once.
        let in_document_currency = currency.is_some() && same(currency, document_currency);
        let tax_currency_total = matches!(
            at,
            AmountAt::TaxTotal {
                with_subtotals: false
            }
        );
        if !tax_currency_total && !in_document_currency {
            findings.fail(&R051, format!("{at}/currency"));
        }
        let known = if in_document_currency {
            document_currency_known
        } else {
            currency.is_some_and(known)
        };
        if !known {
            findings.fail(&CL007, format!("{at}/currency"));
        }
    });
}

/// Equality of two short optional texts (currency codes), without a call to `memcmp`.
fn same(left: Option<&str>, right: Option<&str>) -> bool {
    match (left, right) {
        (Some(left), Some(right)) => {
            left.len() == right.len() && left.bytes().zip(right.bytes()).all(|(l, r)| l == r)
        }
        (None, None) => true,
        _ => false,
    }
}

/// The line rules: net price from gross price (`R046`), line periods within the invoice
/// period (`R110`, `R111`), line net amount (`R120`), base quantity (`R121`, `R130`).
fn lines(document: &Document, findings: &mut Findings) {
    let period = document.invoice_period.as_ref();
    let start = period.and_then(|period| period.start_date);
    let end = period.and_then(|period| period.end_date);
    for (index, line) in document.lines.iter().enumerate() {
        let line_period = line.invoice_period.as_ref();
        if let (Some(start), Some(line_start)) = (start, line_period.and_then(|p| p.start_date))
            && line_start < start
        {
            findings.fail(&R110, format!("/lines/{index}/invoicePeriod/startDate"));
        }
        if let (Some(end), Some(line_end)) = (end, line_period.and_then(|p| p.end_date))
            && line_end > end
        {
            findings.fail(&R111, format!("/lines/{index}/invoicePeriod/endDate"));
        }
        if !line_net_amount_agrees(line) {
            findings.fail(&R120, format!("/lines/{index}/lineExtensionAmount"));
        }
        // `count(cac:DocumentReference) <= 1`, and `not(cac:DocumentReference) or
        // (cac:DocumentReference/cbc:DocumentTypeCode='130')`: BT-128 is one with code 130.
        let references =
            usize::from(line.object_identifier.is_some()) + line.document_references.len();
        if references > 1 {
            findings.fail(&R100, format!("/lines/{index}/documentReferences"));
        }
        let invoiced_object = line.object_identifier.is_some()
            || line
                .document_references
                .iter()
                .any(|reference| reference.type_code.as_deref() == Some(INVOICED_OBJECT_TYPE));
        if references > 0 && !invoiced_object {
            findings.fail(
                &R101,
                format!("/lines/{index}/documentReferences/0/typeCode"),
            );
        }
        let Some(price) = &line.price else { continue };
        // `normalize-space(cbc:ChargeIndicator) = 'false'` on `cac:Price/cac:AllowanceCharge`.
        if price.charge_indicator_text.is_some() {
            findings.fail(&R044, format!("/lines/{index}/priceDiscount"));
        }
        if let Some(gross) = &price.gross_amount {
            // Without a discount, the price allowance is written with `Amount` 0 (UBL
            // requires it), as the calculation also takes it.
            let discount = price
                .discount
                .as_ref()
                .map_or(Decimal::ZERO, |amount| amount.value);
            let agrees = price.net_amount.as_ref().is_some_and(|net| {
                gross
                    .value
                    .checked_sub(discount)
                    .is_some_and(|expected| expected == net.value)
            });
            if !agrees {
                findings.fail(&R046, format!("/lines/{index}/netUnitPrice"));
            }
        }
        if let Some(base_quantity) = price.base_quantity {
            if base_quantity <= Decimal::ZERO {
                findings.fail(&R121, format!("/lines/{index}/priceBaseQuantity/quantity"));
            }
            if let Some(unit) = price.base_quantity_unit_code.as_deref()
                && line.quantity.is_some()
                && line.unit_code.as_deref() != Some(unit)
            {
                findings.fail(&R130, format!("/lines/{index}/priceBaseQuantity/unitCode"));
            }
        }
    }
}

/// `PEPPOL-EN16931-R120`: the line net amount (0 when absent) within 0.02 of quantity (1
/// when absent) × (net price (0 when absent) / base quantity (1 when absent or 0)) + the
/// charges − the allowances, each sum rounded to two decimals by `XPath` `round`.
fn line_net_amount_agrees(line: &Line) -> bool {
    let line_extension = line
        .line_extension_amount
        .as_ref()
        .map_or(Decimal::ZERO, |a| a.value);
    let quantity = line.quantity.unwrap_or(Decimal::ONE);
    let price = line.price.as_ref();
    let net_price = price
        .and_then(|p| p.net_amount.as_ref())
        .map_or(Decimal::ZERO, |a| a.value);
    let base_quantity = price
        .and_then(|p| p.base_quantity)
        .filter(|base| !base.is_zero());
    let unit_price = match base_quantity {
        Some(base) if base != Decimal::ONE => net_price.checked_div(base),
        _ => Some(net_price),
    };
    let rounded_sum = |charges: bool| -> Option<Decimal> {
        let mut items = line
            .allowance_charges
            .iter()
            .filter(|item| indicator(item) == Some(charges));
        let mut sum = Decimal::ZERO;
        let mut any = false;
        for item in items.by_ref() {
            any = true;
            if let Some(amount) = &item.amount {
                sum = sum.checked_add(amount.value)?;
            }
        }
        if !any {
            return Some(Decimal::ZERO);
        }
        xpath::round(sum.checked_mul(Decimal::ONE_HUNDRED)?)?.checked_div(Decimal::ONE_HUNDRED)
    };
    let mut expected = unit_price.and_then(|unit| quantity.checked_mul(unit));
    if !line.allowance_charges.is_empty() {
        expected = expected
            .zip(rounded_sum(true).zip(rounded_sum(false)))
            .and_then(|(amount, (charges, allowances))| {
                amount.checked_add(charges)?.checked_sub(allowances)
            });
    }
    expected.is_some_and(|expected| xpath::slack(line_extension, expected, Decimal::new(2, 2)))
}

/// The document type code of the reference that carries an invoiced object identifier
/// (BT-18, BT-128).
const INVOICED_OBJECT_TYPE: &str = "130";

/// `PEPPOL-EN16931-F001`: `string-length(text()) = 10 and (string(.) castable as
/// xs:date)` on every `cbc:IssueDate`, `cbc:DueDate`, `cbc:TaxPointDate`,
/// `cbc:StartDate`, `cbc:EndDate` and `cbc:ActualDeliveryDate`. A parsed date is written
/// `YYYY-MM-DD`, which is such a date for the years 1 to 9999; a value that was not read as
/// a date is judged on its text. A credit note's BT-9 is `cbc:PaymentDueDate`, which the
/// rule does not look at.
fn dates(document: &Document, findings: &mut Findings) {
    let invoice = document.kind == DocumentKind::Invoice;
    let mut parsed = |date: Option<time::Date>, pointer: &dyn Fn() -> String| {
        if date.is_some_and(|date| !(1..=9999).contains(&date.year())) {
            findings.fail(&F001, pointer());
        }
    };
    parsed(document.issue_date, &|| "/issueDate".to_owned());
    if invoice {
        parsed(document.due_date, &|| "/dueDate".to_owned());
    }
    parsed(document.tax_point_date, &|| "/taxPointDate".to_owned());
    if let Some(period) = &document.invoice_period {
        parsed(period.start_date, &|| "/invoicePeriod/startDate".to_owned());
        parsed(period.end_date, &|| "/invoicePeriod/endDate".to_owned());
    }
    for (index, preceding) in document.preceding_invoices.iter().enumerate() {
        parsed(preceding.issue_date, &|| {
            format!("/precedingInvoices/{index}/issueDate")
        });
    }
    if let Some(delivery) = &document.delivery {
        parsed(delivery.delivery_date, &|| {
            "/delivery/deliveryDate".to_owned()
        });
    }
    for (index, line) in document.lines.iter().enumerate() {
        if let Some(period) = &line.invoice_period {
            parsed(period.start_date, &|| {
                format!("/lines/{index}/invoicePeriod/startDate")
            });
            parsed(period.end_date, &|| {
                format!("/lines/{index}/invoicePeriod/endDate")
            });
        }
    }
    for unparsed in &document.unparsed {
        let judged = unparsed.is_date() && (invoice || unparsed.pointer != "/dueDate");
        if judged && !(xpath::string_length(&unparsed.text) == 10 && xpath::is_date(&unparsed.text))
        {
            findings.fail(&F001, unparsed.pointer.clone());
        }
    }
}

/// BT-8 of `period`.
fn description_code(period: Option<&Period>) -> Option<&str> {
    period.and_then(|period| period.description_code.as_deref())
}

/// The code rules: MIME codes (`CL001`), invoice period description codes (`CL006`),
/// electronic address schemes (`CL008`), type codes by profile (`P0100`, `P0101`,
/// `P0112`) and exemption reasons by category (`P0104` to `P0111`).
fn codes(vars: &Vars<'_>, findings: &mut Findings) {
    let document = vars.document;
    for (index, attachment) in document.attachments.iter().enumerate() {
        if let Some(mime) = attachment.mime_code.as_deref()
            && !xpath::in_list(code_lists::MIME_CODES, mime)
        {
            findings.fail(&CL001, format!("/attachments/{index}/contentType"));
        }
    }
    if let Some(code) = description_code(document.invoice_period.as_ref())
        && !xpath::norm_in_list(code, code_lists::UNCL_2005)
    {
        findings.fail(&CL006, "/invoicePeriod/descriptionCode");
    }
    for (index, line) in document.lines.iter().enumerate() {
        if let Some(code) = description_code(line.invoice_period.as_ref())
            && !xpath::norm_in_list(code, code_lists::UNCL_2005)
        {
            findings.fail(
                &CL006,
                format!("/lines/{index}/invoicePeriod/descriptionCode"),
            );
        }
    }
    for (party, pointer) in [(&document.seller, "/seller"), (&document.buyer, "/buyer")] {
        if let Some(scheme) = party.electronic_address_scheme_id.as_deref()
            && !xpath::in_list(code_lists::EAS, scheme)
        {
            findings.fail(&CL008, format!("{pointer}/electronicAddressSchemeId"));
        }
    }
    // EndpointIDs outside the seller and buyer carry no business term (UBL input only):
    // reported on the document as a whole.
    for other in &document.other_electronic_addresses {
        if let Some(scheme) = other.scheme_id.as_deref()
            && !xpath::in_list(code_lists::EAS, scheme)
        {
            findings.fail(&CL008, "");
        }
    }
    if let Some(code) = document.type_code.as_deref() {
        match document.kind {
            DocumentKind::Invoice => {
                if vars.profile_01 && !xpath::norm_in_list(code, PROFILE_01_INVOICE_TYPES) {
                    findings.fail(&P0100, "/typeCode");
                }
                if xpath::norm_in(code, &["326", "384"]) && !vars.german_parties {
                    findings.fail(&P0112, "/typeCode");
                }
            }
            DocumentKind::CreditNote => {
                if vars.profile_01 && !xpath::norm_in_list(code, PROFILE_01_CREDIT_NOTE_TYPES) {
                    findings.fail(&P0101, "/typeCode");
                }
            }
        }
    }
    for total in &document.tax_totals {
        for (index, entry) in total.subtotals.iter().enumerate() {
            let Some(reason) = entry.exemption_reason_code.as_deref() else {
                continue;
            };
            for (rule, code, category) in EXEMPTION_CATEGORIES {
                if xpath::upper_eq(reason, code)
                    && !entry
                        .category_code
                        .as_deref()
                        .is_some_and(|c| xpath::norm_eq(c, category))
                {
                    findings.fail(rule, format!("/taxBreakdown/{index}/categoryCode"));
                }
            }
        }
    }
}
