//! EN 16931 code list rules BR-CL-*, as the CEN UBL schematron states them: each applies to
//! every element of its kind (every `currencyID`, every `unitCode`, every `schemeID` of the
//! listed identifiers, ...). A code is compared after `normalize-space` (BR-CL-22 also after
//! `upper-case`, BR-CL-24 verbatim), so a code with inner white space is never in a list.
//! Where the CEN schematron's list differs from the one Peppol publishes, [`cen`] keeps the
//! CEN list.

mod cen;

use super::{Findings, Rule, Severity, trim_xml_space};
use crate::document::code_lists::{
    ISO_3166_ALPHA2, MIME_CODES, UNCL_1153, UNCL_2005, UNCL_4461, UNCL_5189, UNCL_5305, UNCL_7143,
    UNCL_7161, UNECE_REC20_REC21, contains,
};
use crate::document::model::{
    AllowanceCharge, Amount, Document, DocumentKind, Identifier, Party, Period,
};

const CL_01: Rule = Rule {
    id: "BR-CL-01",
    severity: Severity::Fatal,
    text: "The document type code MUST be coded by the invoice and credit note related code lists of UNTDID 1001.",
};
const CL_03: Rule = Rule {
    id: "BR-CL-03",
    severity: Severity::Fatal,
    text: "currencyID MUST be coded using ISO code list 4217 alpha-3",
};
const CL_04: Rule = Rule {
    id: "BR-CL-04",
    severity: Severity::Fatal,
    text: "Invoice currency code MUST be coded using ISO code list 4217 alpha-3",
};
const CL_05: Rule = Rule {
    id: "BR-CL-05",
    severity: Severity::Fatal,
    text: "Tax currency code MUST be coded using ISO code list 4217 alpha-3",
};
const CL_06: Rule = Rule {
    id: "BR-CL-06",
    severity: Severity::Fatal,
    text: "Value added tax point date code MUST be coded using a restriction of UNTDID 2005.",
};
const CL_07: Rule = Rule {
    id: "BR-CL-07",
    severity: Severity::Fatal,
    text: "Object identifier identification scheme identifier MUST be coded using a restriction of UNTDID 1153.",
};
const CL_08: Rule = Rule {
    id: "BR-CL-08",
    severity: Severity::Fatal,
    text: "Invoiced note subject code shall be coded using UNCL4451",
};
const CL_10: Rule = Rule {
    id: "BR-CL-10",
    severity: Severity::Fatal,
    text: "Any identifier identification scheme identifier MUST be coded using one of the ISO 6523 ICD list.",
};
const CL_11: Rule = Rule {
    id: "BR-CL-11",
    severity: Severity::Fatal,
    text: "Any registration identifier identification scheme identifier MUST be coded using one of the ISO 6523 ICD list.",
};
const CL_13: Rule = Rule {
    id: "BR-CL-13",
    severity: Severity::Fatal,
    text: "Item classification identifier identification scheme identifier MUST be coded using one of the UNTDID 7143 list.",
};
const CL_14: Rule = Rule {
    id: "BR-CL-14",
    severity: Severity::Fatal,
    text: "Country codes in an invoice MUST be coded using ISO code list 3166-1",
};
const CL_15: Rule = Rule {
    id: "BR-CL-15",
    severity: Severity::Fatal,
    text: "Country codes in an invoice MUST be coded using ISO code list 3166-1",
};
const CL_16: Rule = Rule {
    id: "BR-CL-16",
    severity: Severity::Fatal,
    text: "Payment means in an invoice MUST be coded using UNCL4461 code list",
};
const CL_17: Rule = Rule {
    id: "BR-CL-17",
    severity: Severity::Fatal,
    text: "Invoice tax categories MUST be coded using UNCL5305 code list",
};
const CL_18: Rule = Rule {
    id: "BR-CL-18",
    severity: Severity::Fatal,
    text: "Invoice tax categories MUST be coded using UNCL5305 code list",
};
const CL_19: Rule = Rule {
    id: "BR-CL-19",
    severity: Severity::Fatal,
    text: "Coded allowance reasons MUST belong to the UNCL 5189 code list",
};
const CL_20: Rule = Rule {
    id: "BR-CL-20",
    severity: Severity::Fatal,
    text: "Coded charge reasons MUST belong to the UNCL 7161 code list",
};
const CL_21: Rule = Rule {
    id: "BR-CL-21",
    severity: Severity::Fatal,
    text: "Item standard identifier scheme identifier MUST belong to the ISO 6523 ICD code list",
};
const CL_22: Rule = Rule {
    id: "BR-CL-22",
    severity: Severity::Fatal,
    text: "Tax exemption reason code identifier scheme identifier MUST belong to the CEF VATEX code list",
};
const CL_23: Rule = Rule {
    id: "BR-CL-23",
    severity: Severity::Fatal,
    text: "Unit code MUST be coded according to the UN/ECE Recommendation 20 with Rec 21 extension",
};
const CL_24: Rule = Rule {
    id: "BR-CL-24",
    severity: Severity::Fatal,
    text: "For Mime code in attribute use MIMEMediaType.",
};
const CL_25: Rule = Rule {
    id: "BR-CL-25",
    severity: Severity::Fatal,
    text: "Endpoint identifier scheme identifier MUST belong to the CEF EAS code list",
};
const CL_26: Rule = Rule {
    id: "BR-CL-26",
    severity: Severity::Fatal,
    text: "Delivery location identifier scheme identifier MUST belong to the ISO 6523 ICD code list",
};

/// The rules of this family.
pub(super) const RULES: &[Rule] = &[
    CL_01, CL_03, CL_04, CL_05, CL_06, CL_07, CL_08, CL_10, CL_11, CL_13, CL_14, CL_15, CL_16,
    CL_17, CL_18, CL_19, CL_20, CL_21, CL_22, CL_23, CL_24, CL_25, CL_26,
];

/// Checks `document` against this family's rules.
pub(super) fn check(document: &Document, findings: &mut Findings) {
    if let Some(code) = &document.type_code {
        let list = match document.kind {
            DocumentKind::Invoice => cen::UNCL_1001_INVOICE,
            DocumentKind::CreditNote => cen::UNCL_1001_CREDIT_NOTE,
        };
        if !listed(list, code) {
            findings.fail(&CL_01, "/typeCode");
        }
    }
    currencies(document, findings);
    periods(document, findings);
    object_identifiers(document, findings);
    notes(document, findings);
    parties(document, findings);
    lines(document, findings);
    countries(document, findings);
    for (index, means) in document.payment_means.iter().enumerate() {
        if means
            .code
            .as_ref()
            .is_some_and(|code| !listed(UNCL_4461, code))
        {
            let pointer = if index == 0 {
                "/payment/paymentMeansCode".to_owned()
            } else {
                format!("/paymentMeans/{index}/paymentMeansCode")
            };
            findings.fail(&CL_16, pointer);
        }
    }
    tax_categories(document, findings);
    allowance_charge_reasons(document, findings);
    for (index, attachment) in document.attachments.iter().enumerate() {
        // `@mimeCode = '...'`: compared verbatim.
        if attachment
            .mime_code
            .as_deref()
            .is_some_and(|code| !contains(MIME_CODES, code))
        {
            findings.fail(&CL_24, format!("/attachments/{index}/contentType"));
        }
    }
    if let Some(delivery) = &document.delivery
        && delivery
            .location_identifier_scheme_id
            .as_ref()
            .is_some_and(|scheme| !listed(cen::ICD, scheme))
    {
        findings.fail(&CL_26, "/delivery/locationIdentifierSchemeId");
    }
}

/// The XML white space that `normalize-space` strips.
const XML_WHITESPACE: [char; 4] = [' ', '\t', '\r', '\n'];

/// `not(contains(normalize-space(.), ' ')) and contains(' list ', concat(' ',
/// normalize-space(.), ' '))`: the trimmed code is one of the list's codes.
fn listed(list: &[&str], code: &str) -> bool {
    contains(list, trim_xml_space(code))
}

/// A code list whose codes have one to three characters `0-9` or `A-Z`, as a bitmap built at
/// compile time: [`listed`] in constant time, for the lists that every amount (currencies)
/// and every line (units) looks up.
pub(super) struct ShortCodes([u64; SHORT_CODE_WORDS]);

/// Codes of up to three characters, each `0-9`, `A-Z` or absent (at the end): 37³ indices.
const SHORT_CODE_WORDS: usize = (37 * 37 * 37_usize).div_ceil(64);

impl ShortCodes {
    /// The set of `list`'s codes; fails to compile when one is not a short code.
    const fn of(list: &[&str]) -> Self {
        let mut bits = [0; SHORT_CODE_WORDS];
        let mut position = 0;
        while position < list.len() {
            let Some(index) = short_code_index(list[position].as_bytes()) else {
                panic!("not a code of one to three characters 0-9 or A-Z");
            };
            bits[index / 64] |= 1 << (index % 64);
            position += 1;
        }
        Self(bits)
    }

    /// [`listed`]: the trimmed `code` is one of the codes.
    pub(super) fn listed(&self, code: &str) -> bool {
        short_code_index(trim_xml_space(code).as_bytes())
            .is_some_and(|index| self.0[index / 64] & (1 << (index % 64)) != 0)
    }
}

/// The index of a code of one to three characters `0-9` or `A-Z` (a different one for every
/// such code), `None` for any other text (which no [`ShortCodes`] list holds).
const fn short_code_index(code: &[u8]) -> Option<usize> {
    if code.is_empty() || code.len() > 3 {
        return None;
    }
    let mut index = 0;
    let mut position = 0;
    while position < 3 {
        let digit = if position < code.len() {
            match code[position] {
                byte @ b'0'..=b'9' => byte - b'0' + 1,
                byte @ b'A'..=b'Z' => byte - b'A' + 11,
                _ => return None,
            }
        } else {
            0
        };
        index = index * 37 + digit as usize;
        position += 1;
    }
    Some(index)
}

/// BR-CL-03 to BR-CL-05: ISO 4217 alpha-3 currency codes.
pub(super) static CURRENCIES: ShortCodes = ShortCodes::of(cen::ISO_4217);
/// BR-CL-23: UN/ECE Recommendation 20 with Rec 21 unit codes.
pub(super) static UNITS: ShortCodes = ShortCodes::of(UNECE_REC20_REC21);

/// Where an amount sits, for the pointer of its currency.
#[derive(Debug, Clone, Copy)]
enum AmountAt {
    /// A document-level pointer.
    Document(&'static str),
    /// `/allowanceCharges/{index}/{field}`
    AllowanceCharge(usize, &'static str),
    /// `/taxBreakdown/{index}/{field}`
    Breakdown(usize, &'static str),
    /// `/lines/{index}/{field}`
    Line(usize, &'static str),
    /// `/lines/{line}/allowanceCharges/{index}/{field}`
    LineAllowanceCharge(usize, usize, &'static str),
}

impl AmountAt {
    fn currency_pointer(self) -> String {
        match self {
            AmountAt::Document(pointer) => format!("{pointer}/currency"),
            AmountAt::AllowanceCharge(index, field) => {
                format!("/allowanceCharges/{index}/{field}/currency")
            }
            AmountAt::Breakdown(index, field) => format!("/taxBreakdown/{index}/{field}/currency"),
            AmountAt::Line(index, field) => format!("/lines/{index}/{field}/currency"),
            AmountAt::LineAllowanceCharge(line, index, field) => {
                format!("/lines/{line}/allowanceCharges/{index}/{field}/currency")
            }
        }
    }
}

/// BR-CL-03 on one amount: a missing `currencyID` is not in the list either.
fn currency_of(amount: Option<&Amount>, at: AmountAt, findings: &mut Findings) {
    if let Some(amount) = amount
        && !amount
            .currency
            .as_ref()
            .is_some_and(|currency| CURRENCIES.listed(currency))
    {
        findings.fail(&CL_03, at.currency_pointer());
    }
}

/// BR-CL-03 (every amount), BR-CL-04 and BR-CL-05.
fn currencies(document: &Document, findings: &mut Findings) {
    if document
        .currency
        .as_ref()
        .is_some_and(|code| !CURRENCIES.listed(code))
    {
        findings.fail(&CL_04, "/currency");
    }
    if document
        .tax_currency
        .as_ref()
        .is_some_and(|code| !CURRENCIES.listed(code))
    {
        findings.fail(&CL_05, "/taxCurrency");
    }
    for (index, item) in document.allowance_charges.iter().enumerate() {
        currency_of(
            item.amount.as_ref(),
            AmountAt::AllowanceCharge(index, "amount"),
            findings,
        );
        currency_of(
            item.base_amount.as_ref(),
            AmountAt::AllowanceCharge(index, "baseAmount"),
            findings,
        );
    }
    let vat_total = document.vat_total();
    let mut entry = 0;
    for total in &document.tax_totals {
        let pointer = if vat_total.is_some_and(|vat_total| std::ptr::eq(vat_total, total)) {
            "/totals/taxAmount"
        } else {
            "/taxTotalInTaxCurrency"
        };
        currency_of(
            total.tax_amount.as_ref(),
            AmountAt::Document(pointer),
            findings,
        );
        for subtotal in &total.subtotals {
            currency_of(
                subtotal.taxable_amount.as_ref(),
                AmountAt::Breakdown(entry, "taxableAmount"),
                findings,
            );
            currency_of(
                subtotal.tax_amount.as_ref(),
                AmountAt::Breakdown(entry, "taxAmount"),
                findings,
            );
            entry += 1;
        }
    }
    let totals = &document.totals;
    for (amount, pointer) in [
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
    ] {
        currency_of(amount.as_ref(), AmountAt::Document(pointer), findings);
    }
    for (index, line) in document.lines.iter().enumerate() {
        currency_of(
            line.line_extension_amount.as_ref(),
            AmountAt::Line(index, "lineExtensionAmount"),
            findings,
        );
        for (item_index, item) in line.allowance_charges.iter().enumerate() {
            currency_of(
                item.amount.as_ref(),
                AmountAt::LineAllowanceCharge(index, item_index, "amount"),
                findings,
            );
            currency_of(
                item.base_amount.as_ref(),
                AmountAt::LineAllowanceCharge(index, item_index, "baseAmount"),
                findings,
            );
        }
        if let Some(price) = &line.price {
            currency_of(
                price.net_amount.as_ref(),
                AmountAt::Line(index, "netUnitPrice"),
                findings,
            );
            currency_of(
                price.discount.as_ref(),
                AmountAt::Line(index, "priceDiscount"),
                findings,
            );
            currency_of(
                price.gross_amount.as_ref(),
                AmountAt::Line(index, "grossUnitPrice"),
                findings,
            );
        }
    }
}

/// BR-CL-06: `cac:InvoicePeriod/cbc:DescriptionCode`, of the document and of the lines.
fn periods(document: &Document, findings: &mut Findings) {
    let broken = |period: Option<&Period>| {
        period
            .and_then(|period| period.description_code.as_ref())
            .is_some_and(|code| !listed(UNCL_2005, code))
    };
    if broken(document.invoice_period.as_ref()) {
        findings.fail(&CL_06, "/invoicePeriod/descriptionCode");
    }
    for (index, line) in document.lines.iter().enumerate() {
        if broken(line.invoice_period.as_ref()) {
            findings.fail(
                &CL_06,
                format!("/lines/{index}/invoicePeriod/descriptionCode"),
            );
        }
    }
}

/// BR-CL-07: the scheme of the invoiced object identifier (a document reference of type
/// 130) and of the lines' object identifiers (every line `DocumentReference` of type 130).
fn object_identifiers(document: &Document, findings: &mut Findings) {
    let broken = |identifier: Option<&Identifier>| {
        identifier
            .and_then(|identifier| identifier.scheme_id.as_ref())
            .is_some_and(|scheme| !listed(UNCL_1153, scheme))
    };
    if broken(document.invoiced_object_identifier.as_ref()) {
        findings.fail(&CL_07, "/invoicedObjectIdentifier/schemeId");
    }
    for (index, line) in document.lines.iter().enumerate() {
        if broken(line.object_identifier.as_ref()) {
            findings.fail(&CL_07, format!("/lines/{index}/objectIdentifier/schemeId"));
        }
        for (position, reference) in line.document_references.iter().enumerate() {
            if reference.type_code.as_deref() == Some("130") && broken(reference.id.as_ref()) {
                findings.fail(
                    &CL_07,
                    format!("/lines/{index}/documentReferences/{position}/id/schemeId"),
                );
            }
        }
    }
}

/// BR-CL-08: a note's subject code, the text between its first two `#`, is checked when it
/// is three characters long. The subject code is the model's, or else is read from the
/// note's text.
fn notes(document: &Document, findings: &mut Findings) {
    for (index, note) in document.notes.iter().enumerate() {
        let code = note.subject_code.as_deref().or_else(|| {
            let (_, after) = note.text.split_once('#')?;
            after.split_once('#').map(|(code, _)| code)
        });
        if code.is_some_and(|code| code.chars().count() == 3 && !subject_code_listed(code)) {
            findings.fail(&CL_08, format!("/notes/{index}/subjectCode"));
        }
    }
}

/// `contains(' AAA AAB ... ZZZ ', $code)` for a three-character code: a substring of the
/// space-separated list, so a code with a space may straddle two list entries.
fn subject_code_listed(code: &str) -> bool {
    let list = cen::UNCL_4451;
    match code.as_bytes() {
        [b' ', first, second] => list
            .iter()
            .any(|entry| entry.as_bytes()[..2] == [*first, *second]),
        [first, second, b' '] => list
            .iter()
            .any(|entry| entry.as_bytes()[1..] == [*first, *second]),
        [end, b' ', start] => list
            .windows(2)
            .any(|pair| pair[0].as_bytes()[2] == *end && pair[1].as_bytes()[0] == *start),
        _ => contains(list, code),
    }
}

/// BR-CL-10, BR-CL-11 and BR-CL-25 on the seller, the buyer and the payee.
fn parties(document: &Document, findings: &mut Findings) {
    party(&document.seller, "/seller", true, findings);
    party(&document.buyer, "/buyer", false, findings);
    if let Some(payee) = &document.payee {
        if payee
            .identifier
            .as_ref()
            .is_some_and(|identifier| !identifier_scheme_listed(identifier, true))
        {
            findings.fail(&CL_10, "/payee/identifier/schemeId");
        }
        if payee
            .legal_registration_scheme_id
            .as_ref()
            .is_some_and(|scheme| !listed(cen::ICD, scheme))
        {
            findings.fail(&CL_11, "/payee/legalRegistrationSchemeId");
        }
    }
}

/// BR-CL-10: an ICD code; `SEPA` too for the seller and the payee.
fn identifier_scheme_listed(identifier: &Identifier, sepa_allowed: bool) -> bool {
    identifier.scheme_id.as_ref().is_none_or(|scheme| {
        listed(cen::ICD, scheme) || (sepa_allowed && scheme.trim_matches(XML_WHITESPACE) == "SEPA")
    })
}

fn party(party: &Party, at: &str, sepa_allowed: bool, findings: &mut Findings) {
    for (index, identifier) in party.identifiers.iter().enumerate() {
        if !identifier_scheme_listed(identifier, sepa_allowed) {
            findings.fail(&CL_10, format!("{at}/identifiers/{index}/schemeId"));
        }
    }
    if party
        .legal_registration_scheme_id
        .as_ref()
        .is_some_and(|scheme| !listed(cen::ICD, scheme))
    {
        findings.fail(&CL_11, format!("{at}/legalRegistrationSchemeId"));
    }
    if party
        .electronic_address_scheme_id
        .as_ref()
        .is_some_and(|scheme| !listed(cen::EAS, scheme))
    {
        findings.fail(&CL_25, format!("{at}/electronicAddressSchemeId"));
    }
}

/// BR-CL-13, BR-CL-15, BR-CL-18, BR-CL-21 and BR-CL-23 on the lines.
fn lines(document: &Document, findings: &mut Findings) {
    for (index, line) in document.lines.iter().enumerate() {
        for (position, classification) in line.classifications.iter().enumerate() {
            if classification
                .list_id
                .as_ref()
                .is_some_and(|list| !listed(UNCL_7143, list))
            {
                findings.fail(
                    &CL_13,
                    format!("/lines/{index}/classifications/{position}/listId"),
                );
            }
        }
        if line
            .origin_country
            .as_ref()
            .is_some_and(|country| !listed(ISO_3166_ALPHA2, country))
        {
            findings.fail(&CL_15, format!("/lines/{index}/originCountry"));
        }
        if line
            .vat_category_code
            .as_ref()
            .is_some_and(|code| !listed(UNCL_5305, code))
        {
            findings.fail(&CL_18, format!("/lines/{index}/vatCategoryCode"));
        }
        let standard_scheme = line
            .standard_item_id
            .as_ref()
            .and_then(|id| id.scheme_id.as_ref());
        if standard_scheme.is_some_and(|scheme| !listed(cen::ICD, scheme)) {
            findings.fail(&CL_21, format!("/lines/{index}/standardItemId/schemeId"));
        }
        if line
            .unit_code
            .as_ref()
            .is_some_and(|unit| !UNITS.listed(unit))
        {
            findings.fail(&CL_23, format!("/lines/{index}/unitCode"));
        }
        let base_unit = line
            .price
            .as_ref()
            .and_then(|price| price.base_quantity_unit_code.as_ref());
        if base_unit.is_some_and(|unit| !UNITS.listed(unit)) {
            findings.fail(&CL_23, format!("/lines/{index}/priceBaseQuantity/unitCode"));
        }
    }
}

/// BR-CL-14: `cac:Country/cbc:IdentificationCode` of every address.
fn countries(document: &Document, findings: &mut Findings) {
    let addresses = [
        (
            "/seller/address/countryCode",
            document.seller.address.as_ref(),
        ),
        (
            "/buyer/address/countryCode",
            document.buyer.address.as_ref(),
        ),
        (
            "/taxRepresentative/address/countryCode",
            document
                .tax_representative
                .as_ref()
                .and_then(|representative| representative.address.as_ref()),
        ),
        (
            "/delivery/address/countryCode",
            document
                .delivery
                .as_ref()
                .and_then(|delivery| delivery.address.as_ref()),
        ),
    ];
    for (pointer, address) in addresses {
        let country = address.and_then(|address| address.country_code.as_ref());
        if country.is_some_and(|country| !listed(ISO_3166_ALPHA2, country)) {
            findings.fail(&CL_14, pointer);
        }
    }
}

/// BR-CL-17 (`cac:TaxCategory/cbc:ID`: breakdown, allowances and charges) and BR-CL-22.
fn tax_categories(document: &Document, findings: &mut Findings) {
    let entries = document
        .tax_totals
        .iter()
        .flat_map(|total| &total.subtotals)
        .enumerate();
    for (index, entry) in entries.clone() {
        if entry
            .category_code
            .as_ref()
            .is_some_and(|code| !listed(UNCL_5305, code))
        {
            findings.fail(&CL_17, format!("/taxBreakdown/{index}/categoryCode"));
        }
    }
    for (index, item) in document.allowance_charges.iter().enumerate() {
        if item
            .vat_category_code
            .as_ref()
            .is_some_and(|code| !listed(UNCL_5305, code))
        {
            findings.fail(&CL_17, format!("/allowanceCharges/{index}/vatCategoryCode"));
        }
    }
    for (line_index, line) in document.lines.iter().enumerate() {
        for (index, item) in line.allowance_charges.iter().enumerate() {
            if item
                .vat_category_code
                .as_ref()
                .is_some_and(|code| !listed(UNCL_5305, code))
            {
                findings.fail(
                    &CL_17,
                    format!("/lines/{line_index}/allowanceCharges/{index}/vatCategoryCode"),
                );
            }
        }
    }
    for (index, entry) in entries {
        if entry
            .exemption_reason_code
            .as_ref()
            .is_some_and(|code| !exemption_code_listed(code))
        {
            findings.fail(&CL_22, format!("/taxBreakdown/{index}/exemptionReasonCode"));
        }
    }
}

/// BR-CL-22: `normalize-space(upper-case(.))` is a VATEX code.
fn exemption_code_listed(code: &str) -> bool {
    let code = code.trim_matches(XML_WHITESPACE);
    cen::VATEX
        .binary_search_by(|entry| entry.chars().cmp(code.chars().flat_map(char::to_uppercase)))
        .is_ok()
}

/// BR-CL-19 and BR-CL-20: allowance reasons (UNCL 5189) and charge reasons (UNCL 7161), on
/// the document and on the lines.
fn allowance_charge_reasons(document: &Document, findings: &mut Findings) {
    let broken = |item: &AllowanceCharge| {
        let list = if item.charge_indicator {
            UNCL_7161
        } else {
            UNCL_5189
        };
        let rule = if item.charge_indicator {
            &CL_20
        } else {
            &CL_19
        };
        item.reason_code
            .as_ref()
            .is_some_and(|code| !listed(list, code))
            .then_some(rule)
    };
    for (index, item) in document.allowance_charges.iter().enumerate() {
        if let Some(rule) = broken(item) {
            findings.fail(rule, format!("/allowanceCharges/{index}/reasonCode"));
        }
    }
    for (line_index, line) in document.lines.iter().enumerate() {
        for (index, item) in line.allowance_charges.iter().enumerate() {
            if let Some(rule) = broken(item) {
                findings.fail(
                    rule,
                    format!("/lines/{line_index}/allowanceCharges/{index}/reasonCode"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
