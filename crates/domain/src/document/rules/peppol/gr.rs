//! Greece (`GR-R-*`, `GR-S-*`): for a seller whose `$supplierCountry` is `GR` or `EL`, some
//! only when the buyer's `$customerCountry` is too.

use super::{Country, Findings, Rule, Vars, fatal, warning, xpath};
use crate::document::model::{Document, Party};

pub(super) const R001_1: Rule = fatal(
    "GR-R-001-1",
    "When the Supplier is Greek, the Invoice Id should consist of 6 segments",
);
pub(super) const R001_2: Rule = fatal(
    "GR-R-001-2",
    "When the Supplier is Greek, the Invoice Id first segment must be a valid TIN Number and match either the Supplier's or the Tax Representative's Tin Number",
);
pub(super) const R001_3: Rule = fatal(
    "GR-R-001-3",
    "When the Supplier is Greek, the Invoice Id second segment must be a valid Date that matches the invoice Issue Date",
);
pub(super) const R001_4: Rule = fatal(
    "GR-R-001-4",
    "When Supplier is Greek, the Invoice Id third segment must be a positive integer",
);
pub(super) const R001_5: Rule = fatal(
    "GR-R-001-5",
    "When Supplier is Greek, the Invoice Id in the fourth segment must be a valid greek document type",
);
pub(super) const R001_6: Rule = fatal(
    "GR-R-001-6",
    "When Supplier is Greek, the Invoice Id fifth segment must not be empty",
);
pub(super) const R001_7: Rule = fatal(
    "GR-R-001-7",
    "When Supplier is Greek, the Invoice Id sixth segment must not be empty",
);
pub(super) const R002: Rule = fatal(
    "GR-R-002",
    "Greek Suppliers must provide their full name as they are registered in the Greek Business Registry (G.E.MH.) as a legal entity or in the Tax Registry as a natural person",
);
pub(super) const S011: Rule = warning(
    "GR-S-011",
    "Greek suppliers must provide their Seller Tax Registration Number, prefixed by the country code",
);
pub(super) const R003: Rule = fatal(
    "GR-R-003",
    "For the Greek Suppliers, the VAT must start with 'EL' and must be a valid TIN number",
);
pub(super) const R004_1: Rule = fatal(
    "GR-R-004-1",
    "When Supplier is Greek, there must be one MARK Number",
);
pub(super) const S008_1: Rule = warning(
    "GR-S-008-1",
    "When Supplier is Greek, there should be one invoice url",
);
pub(super) const R008_2: Rule = fatal(
    "GR-R-008-2",
    "When Supplier is Greek, there should be no more than one invoice url",
);
pub(super) const R004_2: Rule = fatal(
    "GR-R-004-2",
    "When Supplier is Greek, the MARK Number must be a positive integer",
);
pub(super) const R008_3: Rule = fatal(
    "GR-R-008-3",
    "When Supplier is Greek and the INVOICE URL Document reference exists, the External Reference URI should be present",
);
pub(super) const R005: Rule = fatal(
    "GR-R-005",
    "Greek Suppliers must provide the full name of the buyer",
);
pub(super) const R009: Rule = fatal(
    "GR-R-009",
    "Greek suppliers that send an invoice through the PEPPOL network must use a correct TIN number as an electronic address according to PEPPOL Electronic Address Identifier scheme (schemeID 9933).",
);
pub(super) const R006: Rule = fatal(
    "GR-R-006",
    "Greek Suppliers must provide the VAT number of the buyer, if the buyer is Greek",
);
pub(super) const R010: Rule = fatal(
    "GR-R-010",
    "Greek Suppliers that send an invoice through the PEPPOL network to a greek buyer must use a correct TIN number as an electronic address according to PEPPOL Electronic Address Identifier scheme (SchemeID 9933)",
);

/// The `DocumentDescription` of the MARK reference.
const MARK: &str = "##M.AR.K##";

/// The `DocumentDescription` of the invoice URL reference.
const INVOICE_URL: &str = "##INVOICE|URL##";

/// The Greek document types of the invoice number's fourth segment.
const DOCUMENT_TYPES: [&str; 6] = ["1.1", "1.6", "2.1", "2.4", "5.1", "5.2"];

fn greek(country: Country<'_>) -> bool {
    country.is("GR") || country.is("EL")
}

/// Checks the Greek rules.
pub(super) fn check(vars: &Vars<'_>, findings: &mut Findings) {
    let document = vars.document;
    let accounting_supplier_country = Country::new(
        super::vat_prefix(document.seller.vat_id.as_deref())
            .or_else(|| super::address_country(&document.seller)),
    );
    if greek(accounting_supplier_country)
        && let Some(endpoint) = document.seller.electronic_address.as_deref()
        && !greek_endpoint(&document.seller, endpoint)
    {
        findings.fail(&R009, "/seller/electronicAddress");
    }
    if !greek(vars.supplier_country) {
        return;
    }
    if let Some(number) = document.number.as_deref() {
        invoice_number(document, number, findings);
    }
    let seller = &document.seller;
    if seller.trading_name.as_deref().is_none_or(str::is_empty) {
        findings.fail(&R002, "/seller/tradingName");
    }
    if !greek_vat(seller.vat_id.as_deref()) {
        findings.fail(&S011, "/seller/vatId");
        if seller.vat_id.is_some() {
            findings.fail(&R003, "/seller/vatId");
        }
    }
    if document
        .buyer
        .trading_name
        .as_deref()
        .is_none_or(str::is_empty)
    {
        findings.fail(&R005, "/buyer/tradingName");
    }
    references(document, findings);
    if greek(vars.customer_country) {
        if !greek_vat(document.buyer.vat_id.as_deref()) {
            findings.fail(&R006, "/buyer/vatId");
        }
        if let Some(endpoint) = document.buyer.electronic_address.as_deref()
            && !greek_endpoint(&document.buyer, endpoint)
        {
            findings.fail(&R010, "/buyer/electronicAddress");
        }
    }
}

/// A VAT identifier `EL` + a valid TIN (`u:TinVerification(substring(., 3))`).
fn greek_vat(vat: Option<&str>) -> bool {
    vat.is_some_and(|vat| xpath::substring(vat, 1, 2) == "EL" && tin(xpath::substring_from(vat, 3)))
}

/// An electronic address in scheme 9933 whose value is a valid TIN.
fn greek_endpoint(party: &Party, endpoint: &str) -> bool {
    party.electronic_address_scheme_id.as_deref() == Some("9933") && tin(endpoint)
}

/// `u:TinVerification`: the first eight characters are digits weighted 256, 128, ..., 2,
/// and the sum modulo 11 modulo 10 is the ninth.
fn tin(value: &str) -> bool {
    let mut digits = value.chars().map(|c| c.to_digit(10));
    let mut sum = 0;
    for weight in [256, 128, 64, 32, 16, 8, 4, 2] {
        match digits.next().flatten() {
            Some(digit) => sum += digit * weight,
            None => return false,
        }
    }
    digits.next().flatten() == Some(sum % 11 % 10)
}

/// `GR-R-001-*`: the invoice number is `TIN|DD/MM/YYYY|number|type|x|y`.
fn invoice_number(document: &Document, number: &str, findings: &mut Findings) {
    let segment = |index: usize| {
        if number.is_empty() {
            None
        } else {
            number.split('|').nth(index)
        }
    };
    let count = if number.is_empty() {
        0
    } else {
        number.split('|').count()
    };
    if count != 6 {
        findings.fail(&R001_1, "/documentId");
    }
    let tin_segment = segment(0).unwrap_or("");
    let of_party =
        |vat: Option<&str>| vat.is_some_and(|vat| xpath::substring(vat, 3, 9) == tin_segment);
    let representative_vat = document
        .tax_representative
        .as_ref()
        .and_then(|party| party.vat_id.as_deref());
    let valid_tin = xpath::normalized_len(tin_segment) == 9
        && tin(tin_segment)
        && (of_party(document.seller.vat_id.as_deref()) || of_party(representative_vat));
    if !valid_tin {
        findings.fail(&R001_2, "/documentId");
    }
    if !issue_date_segment(document, segment(1).unwrap_or("")) {
        findings.fail(&R001_3, "/documentId");
    }
    let sequence = segment(2).unwrap_or("");
    let positive = !xpath::is_blank(sequence)
        && xpath::is_integer(sequence)
        && !xpath::trim(sequence)
            .strip_prefix('-')
            .is_some_and(|digits| digits.bytes().any(|b| b != b'0'));
    if !positive {
        findings.fail(&R001_4, "/documentId");
    }
    let kind = segment(3).unwrap_or("");
    if xpath::is_blank(kind) || !DOCUMENT_TYPES.contains(&kind) {
        findings.fail(&R001_5, "/documentId");
    }
    if segment(4).unwrap_or("").is_empty() {
        findings.fail(&R001_6, "/documentId");
    }
    if segment(5).unwrap_or("").is_empty() {
        findings.fail(&R001_7, "/documentId");
    }
}

/// `GR-R-001-3`: the segment matches the date pattern and its `/`-separated parts are the
/// day, month and year of the issue date (as written, `YYYY-MM-DD`).
fn issue_date_segment(document: &Document, segment: &str) -> bool {
    let Some(issue_date) = document.issue_date else {
        return false;
    };
    if xpath::is_blank(segment) || !matches_greek_date(segment.as_bytes()) {
        return false;
    }
    let mut parts = segment.split('/');
    let mut part = |length: usize| {
        parts
            .next()
            .filter(|part| part.len() == length && part.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|part| part.parse::<i32>().ok())
    };
    part(2) == Some(i32::from(issue_date.day()))
        && part(2) == Some(i32::from(u8::from(issue_date.month())))
        && part(4) == Some(issue_date.year())
}

/// `matches(text, '^(0?[1-9]|[12][0-9]|3[01])[-\\/ ]?(0?[1-9]|1[0-2])[-\\/ ]?(19|20)[0-9]{2}')`.
fn matches_greek_date(text: &[u8]) -> bool {
    let at = |index: usize| text.get(index).copied().unwrap_or(0);
    let nonzero = |b: u8| (b'1'..=b'9').contains(&b);
    // The lengths the day (or month) alternatives can match at `index`.
    let day_lengths = |index: usize| {
        let (first, second) = (at(index), at(index + 1));
        [
            nonzero(first).then_some(1),
            (first == b'0' && nonzero(second)).then_some(2),
            (matches!(first, b'1' | b'2') && second.is_ascii_digit()).then_some(2),
            (first == b'3' && matches!(second, b'0' | b'1')).then_some(2),
        ]
    };
    let month_lengths = |index: usize| {
        let (first, second) = (at(index), at(index + 1));
        [
            nonzero(first).then_some(1),
            (first == b'0' && nonzero(second)).then_some(2),
            (first == b'1' && matches!(second, b'0'..=b'2')).then_some(2),
        ]
    };
    let separators = |index: usize| {
        [
            Some(index),
            matches!(at(index), b'-' | b'\\' | b'/' | b' ').then_some(index + 1),
        ]
    };
    let year = |index: usize| {
        matches!((at(index), at(index + 1)), (b'1', b'9') | (b'2', b'0'))
            && at(index + 2).is_ascii_digit()
            && at(index + 3).is_ascii_digit()
    };
    day_lengths(0).into_iter().flatten().any(|day| {
        separators(day).into_iter().flatten().any(|month_start| {
            month_lengths(month_start)
                .into_iter()
                .flatten()
                .any(|month| {
                    separators(month_start + month)
                        .into_iter()
                        .flatten()
                        .any(year)
                })
        })
    })
}

/// The MARK and invoice URL references (`GR-R-004-*`, `GR-R-008-*`, `GR-S-008-1`).
fn references(document: &Document, findings: &mut Findings) {
    let described = |description: &'static str| {
        document
            .attachments
            .iter()
            .enumerate()
            .filter(move |(_, attachment)| attachment.description.as_deref() == Some(description))
    };
    if super::address_country(&document.seller) == Some("GR") {
        if described(MARK).count() != 1 {
            findings.fail(&R004_1, "/attachments");
        }
        let urls = described(INVOICE_URL).count();
        if urls != 1 {
            findings.fail(&S008_1, "/attachments");
        }
        if urls > 1 {
            findings.fail(&R008_2, "/attachments");
        }
        for (index, attachment) in described(MARK) {
            let positive = |id: &String| {
                id.bytes()
                    .next()
                    .is_some_and(|b| (b'1'..=b'9').contains(&b))
            };
            if attachment.id.as_ref().is_some_and(|id| !positive(id)) {
                findings.fail(&R004_2, format!("/attachments/{index}/id"));
            }
        }
    }
    for (index, attachment) in described(INVOICE_URL) {
        if !xpath::has_text(attachment.uri.as_deref()) {
            findings.fail(&R008_3, format!("/attachments/{index}/uri"));
        }
    }
}
