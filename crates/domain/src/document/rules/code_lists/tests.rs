use rust_decimal::Decimal;

use super::super::Findings;
use super::{check, exemption_code_listed, subject_code_listed};
use crate::document::model::{
    AllowanceCharge, Amount, Attachment, Delivery, Document, DocumentKind, Identifier, Line, Note,
    Payee, PaymentMeans, Price, TaxTotal, VatBreakdown,
};

fn fired(document: &Document) -> Vec<(&'static str, String)> {
    let mut findings = Findings::default();
    check(document, &mut findings);
    findings
        .0
        .into_iter()
        .map(|violation| (violation.rule, violation.pointer))
        .collect()
}

fn amount(currency: Option<&str>) -> Amount {
    Amount {
        value: Decimal::ONE,
        currency: currency.map(str::to_owned),
    }
}

fn invoice() -> Document {
    let mut document = Document::empty(DocumentKind::Invoice);
    document.type_code = Some("380".to_owned());
    document.currency = Some("EUR".to_owned());
    document
}

#[test]
fn a_document_with_known_codes_passes() {
    let mut document = invoice();
    document.tax_currency = Some(" SEK ".to_owned());
    document.seller.identifiers.push(Identifier {
        id: "x".to_owned(),
        scheme_id: Some("SEPA".to_owned()),
    });
    document.seller.electronic_address_scheme_id = Some("EM".to_owned());
    document.lines.push(Line {
        unit_code: Some("C62".to_owned()),
        vat_category_code: Some("S".to_owned()),
        line_extension_amount: Some(amount(Some("EUR"))),
        ..Line::default()
    });
    document.notes.push(Note {
        subject_code: None,
        text: "#AAI#free text".to_owned(),
    });
    assert_eq!(fired(&document), []);
}

#[test]
fn type_codes_follow_the_document_kind() {
    let mut document = invoice();
    document.type_code = Some("381".to_owned());
    assert_eq!(fired(&document), [("BR-CL-01", "/typeCode".to_owned())]);
    document.kind = DocumentKind::CreditNote;
    assert_eq!(fired(&document), []);
}

#[test]
fn every_amount_needs_a_known_currency() {
    let mut document = invoice();
    document.allowance_charges.push(AllowanceCharge {
        amount: Some(amount(None)),
        ..AllowanceCharge::default()
    });
    document.tax_totals.push(TaxTotal {
        tax_amount: Some(amount(Some("EUR"))),
        subtotals: vec![VatBreakdown {
            taxable_amount: Some(amount(Some("XYZ"))),
            ..VatBreakdown::default()
        }],
    });
    document.tax_totals.push(TaxTotal {
        tax_amount: Some(amount(Some("EURO"))),
        subtotals: Vec::new(),
    });
    document.lines.push(Line {
        price: Some(Price {
            gross_amount: Some(amount(Some(""))),
            ..Price::default()
        }),
        ..Line::default()
    });
    assert_eq!(
        fired(&document),
        [
            ("BR-CL-03", "/allowanceCharges/0/amount/currency".to_owned()),
            (
                "BR-CL-03",
                "/taxBreakdown/0/taxableAmount/currency".to_owned()
            ),
            ("BR-CL-03", "/taxTotalInTaxCurrency/currency".to_owned()),
            ("BR-CL-03", "/lines/0/grossUnitPrice/currency".to_owned()),
        ]
    );
}

#[test]
fn the_cen_currency_list_differs_from_peppols() {
    let mut document = invoice();
    document.currency = Some("CNH".to_owned());
    document.tax_currency = Some("BGN".to_owned());
    assert_eq!(fired(&document), [("BR-CL-05", "/taxCurrency".to_owned())]);
}

#[test]
fn note_subject_codes_between_the_first_two_hashes() {
    let mut document = invoice();
    for text in [
        "#ABX#",
        "#XYZ#text",
        "no code",
        "#TOOLONG#",
        "#AAI",
        "AB#AAA#",
    ] {
        document.notes.push(Note {
            subject_code: None,
            text: text.to_owned(),
        });
    }
    document.notes.push(Note {
        subject_code: Some("QQQ".to_owned()),
        text: String::new(),
    });
    assert_eq!(
        fired(&document),
        [
            ("BR-CL-08", "/notes/1/subjectCode".to_owned()),
            ("BR-CL-08", "/notes/6/subjectCode".to_owned())
        ]
    );
}

#[test]
fn subject_code_is_a_substring_of_the_list() {
    assert!(subject_code_listed("AAI"));
    assert!(!subject_code_listed("AAH "));
    assert!(subject_code_listed(" AA"));
    assert!(subject_code_listed("AA "));
    assert!(subject_code_listed("A A"));
    assert!(!subject_code_listed("Q Q"));
    assert!(!subject_code_listed("aai"));
}

#[test]
fn exemption_codes_are_compared_in_upper_case() {
    assert!(exemption_code_listed(" vatex-eu-ae "));
    assert!(exemption_code_listed("VATEX-EU-135-1"));
    assert!(!exemption_code_listed("VATEX-EU"));
}

#[test]
fn sepa_identifies_sellers_and_payees_only() {
    let mut document = invoice();
    let sepa = Identifier {
        id: "x".to_owned(),
        scheme_id: Some("SEPA".to_owned()),
    };
    document.buyer.identifiers.push(sepa.clone());
    document.payee = Some(Payee {
        identifier: Some(sepa),
        ..Payee::default()
    });
    assert_eq!(
        fired(&document),
        [("BR-CL-10", "/buyer/identifiers/0/schemeId".to_owned())]
    );
}

#[test]
fn schemes_and_codes_on_lines_and_elsewhere() {
    let mut document = invoice();
    document.seller.legal_registration_scheme_id = Some("0249".to_owned());
    document.buyer.electronic_address_scheme_id = Some("0001".to_owned());
    document.payment_means.push(PaymentMeans {
        code: Some("31".to_owned()),
        ..PaymentMeans::default()
    });
    document.payment_means.push(PaymentMeans {
        code: Some("99".to_owned()),
        ..PaymentMeans::default()
    });
    document.attachments.push(Attachment {
        mime_code: Some("image/gif".to_owned()),
        ..Attachment::default()
    });
    document.lines.push(Line {
        unit_code: Some("XXX".to_owned()),
        vat_category_code: Some("X".to_owned()),
        origin_country: Some("XX".to_owned()),
        allowance_charges: vec![AllowanceCharge {
            charge_indicator: true,
            reason_code: Some("95".to_owned()),
            ..AllowanceCharge::default()
        }],
        ..Line::default()
    });
    assert_eq!(
        fired(&document),
        [
            ("BR-CL-11", "/seller/legalRegistrationSchemeId".to_owned()),
            ("BR-CL-25", "/buyer/electronicAddressSchemeId".to_owned()),
            ("BR-CL-15", "/lines/0/originCountry".to_owned()),
            ("BR-CL-18", "/lines/0/vatCategoryCode".to_owned()),
            ("BR-CL-23", "/lines/0/unitCode".to_owned()),
            ("BR-CL-16", "/paymentMeans/1/paymentMeansCode".to_owned()),
            (
                "BR-CL-20",
                "/lines/0/allowanceCharges/0/reasonCode".to_owned()
            ),
            ("BR-CL-24", "/attachments/0/contentType".to_owned()),
        ]
    );
}

#[test]
fn delivery_location_and_exemption_codes() {
    let mut document = invoice();
    document.delivery = Some(Delivery {
        location_identifier_scheme_id: Some("9930".to_owned()),
        ..Delivery::default()
    });
    document.tax_totals.push(TaxTotal {
        tax_amount: None,
        subtotals: vec![VatBreakdown {
            exemption_reason_code: Some("VATEX-EU-X".to_owned()),
            ..VatBreakdown::default()
        }],
    });
    assert_eq!(
        fired(&document),
        [
            ("BR-CL-22", "/taxBreakdown/0/exemptionReasonCode".to_owned()),
            (
                "BR-CL-26",
                "/delivery/locationIdentifierSchemeId".to_owned()
            ),
        ]
    );
}

#[test]
fn short_code_sets_are_their_lists() {
    use super::{CURRENCIES, UNITS, cen, listed};
    use crate::document::code_lists::UNECE_REC20_REC21;

    let alphabet: Vec<char> = " \t0189AKZaz-".chars().collect();
    let mut codes = vec![String::new()];
    for length in 1..=4 {
        let mut next = Vec::new();
        for code in codes
            .iter()
            .filter(|code| code.chars().count() == length - 1)
        {
            for character in &alphabet {
                next.push(format!("{code}{character}"));
            }
        }
        codes.extend(next);
    }
    codes.extend(
        cen::ISO_4217
            .iter()
            .chain(UNECE_REC20_REC21)
            .flat_map(|code| {
                [
                    (*code).to_owned(),
                    format!(" {code}\n"),
                    code.to_lowercase(),
                ]
            }),
    );
    for code in &codes {
        assert_eq!(
            CURRENCIES.listed(code),
            listed(cen::ISO_4217, code),
            "{code:?}"
        );
        assert_eq!(
            UNITS.listed(code),
            listed(UNECE_REC20_REC21, code),
            "{code:?}"
        );
    }
}
