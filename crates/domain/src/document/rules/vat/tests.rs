use rust_decimal::Decimal;

use super::super::{Findings, Violation};
use super::check;
use crate::document::model::{
    Address, AllowanceCharge, Amount, Delivery, Document, DocumentKind, Line, TaxTotal,
    VatBreakdown,
};

fn unparsed(pointer: &str, text: &str) -> crate::document::model::Unparsed {
    crate::document::model::Unparsed {
        pointer: pointer.to_owned(),
        text: text.to_owned(),
    }
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn eur(text: &str) -> Amount {
    Amount::new(dec(text), "EUR")
}

fn line(category: &str, rate: Option<&str>, net: &str) -> Line {
    Line {
        vat_category_code: Some(category.to_owned()),
        vat_rate: rate.map(dec),
        line_extension_amount: Some(eur(net)),
        ..Line::default()
    }
}

fn entry(category: &str, rate: Option<&str>, taxable: &str, tax: &str) -> VatBreakdown {
    VatBreakdown {
        taxable_amount: Some(eur(taxable)),
        tax_amount: Some(eur(tax)),
        category_code: Some(category.to_owned()),
        rate: rate.map(dec),
        ..VatBreakdown::default()
    }
}

fn allowance_charge(
    charge: bool,
    category: &str,
    rate: Option<&str>,
    amount: &str,
) -> AllowanceCharge {
    AllowanceCharge {
        charge_indicator: charge,
        amount: Some(eur(amount)),
        vat_category_code: Some(category.to_owned()),
        vat_rate: rate.map(dec),
        ..AllowanceCharge::default()
    }
}

fn document(lines: Vec<Line>, breakdown: Vec<VatBreakdown>) -> Document {
    let mut document = Document::empty(DocumentKind::Invoice);
    document.currency = Some("EUR".to_owned());
    document.seller.vat_id = Some("BE0123456789".to_owned());
    document.lines = lines;
    document.tax_totals.push(TaxTotal {
        tax_amount: Some(eur("0")),
        subtotals: breakdown,
    });
    document
}

fn run(document: &Document) -> Vec<Violation> {
    let mut findings = Findings::default();
    check(document, &mut findings);
    findings.0
}

/// The (rule, pointer) pairs that fired.
fn fired(document: &Document) -> Vec<(&'static str, String)> {
    run(document)
        .into_iter()
        .map(|violation| (violation.rule, violation.pointer))
        .collect()
}

fn fires(document: &Document, rule: &str) -> bool {
    run(document).iter().any(|violation| violation.rule == rule)
}

#[test]
fn a_consistent_standard_rated_invoice_passes() {
    let document = document(
        vec![
            line("S", Some("25"), "100.00"),
            line("S", Some("25"), "50.00"),
        ],
        vec![entry("S", Some("25"), "150.00", "37.50")],
    );
    assert_eq!(fired(&document), []);
}

#[test]
fn standard_rate_must_be_positive_and_present() {
    let document = document(
        vec![line("S", Some("0"), "100.00"), line("S", None, "100.00")],
        vec![entry("S", Some("0"), "100.00", "0")],
    );
    let fired = fired(&document);
    assert!(
        fired.contains(&("BR-S-05", "/lines/0/vatRate".to_owned())),
        "{fired:?}"
    );
    assert!(
        fired.contains(&("BR-S-05", "/lines/1/vatRate".to_owned())),
        "{fired:?}"
    );
}

#[test]
fn standard_taxable_amount_is_checked_per_rate_within_one() {
    let mut document = document(
        vec![
            line("S", Some("25"), "100.00"),
            line("S", Some("12"), "10.00"),
        ],
        vec![
            entry("S", Some("25"), "100.99", "25.25"),
            entry("S", Some("12"), "11.00", "1.32"),
        ],
    );
    // 10.00 against 11.00: a difference of exactly 1 is not within the tolerance.
    assert_eq!(
        fired(&document),
        [("BR-S-08", "/taxBreakdown/1/taxableAmount".to_owned())]
    );
    document.tax_totals[0].subtotals[1].taxable_amount = Some(eur("10.50"));
    document.tax_totals[0].subtotals[1].tax_amount = Some(eur("1.26"));
    assert_eq!(fired(&document), []);
}

#[test]
fn standard_taxable_amount_without_rate_is_not_checked() {
    let document = document(
        vec![line("S", Some("25"), "100.00")],
        vec![entry("S", None, "7.00", "0")],
    );
    assert!(!fires(&document, "BR-S-08"));
    assert!(fires(&document, "BR-S-09"));
}

#[test]
fn standard_rate_of_the_breakdown_must_be_used() {
    let document = document(
        vec![line("S", Some("25"), "100.00")],
        vec![entry("S", Some("20"), "100.00", "20.00")],
    );
    assert!(fires(&document, "BR-S-08"));
}

#[test]
fn standard_allowances_and_charges_count_toward_their_rate() {
    let mut document = document(
        vec![line("S", Some("25"), "100.00")],
        vec![entry("S", Some("25"), "90.00", "22.50")],
    );
    document
        .allowance_charges
        .push(allowance_charge(false, "S", Some("25.00"), "15.00"));
    document
        .allowance_charges
        .push(allowance_charge(true, "S", Some("25"), "5.00"));
    assert_eq!(fired(&document), []);
}

#[test]
fn standard_tax_amount_rounds_half_up_with_a_tolerance_of_one() {
    let mut document = document(
        vec![line("S", Some("25"), "0.02")],
        vec![entry("S", Some("25"), "0.02", "1.00")],
    );
    // 0.02 * 25% = 0.005, rounded to 0.01; 1.00 is not within 1 of it.
    assert!(!fires(&document, "BR-S-09"));
    document.tax_totals[0].subtotals[0].tax_amount = Some(eur("1.01"));
    assert!(fires(&document, "BR-S-09"));
    document.tax_totals[0].subtotals[0].tax_amount = Some(eur("-1.00"));
    assert!(
        !fires(&document, "BR-S-09"),
        "the schematron compares absolute values"
    );
}

#[test]
fn standard_breakdown_needs_an_entry_and_no_exemption_reason() {
    let mut document = document(vec![line("S", Some("25"), "100.00")], vec![]);
    assert_eq!(fired(&document), [("BR-S-01", "/taxBreakdown".to_owned())]);
    let mut standard = entry(" S ", Some("25"), "100.00", "25.00");
    standard.exemption_reason = Some("none".to_owned());
    document.tax_totals[0].subtotals.push(standard);
    assert_eq!(
        fired(&document),
        [("BR-S-10", "/taxBreakdown/0/exemptionReason".to_owned())]
    );
}

#[test]
fn seller_identifiers_are_required_for_standard_rated_lines() {
    let mut document = document(
        vec![line("S", Some("25"), "100.00")],
        vec![entry("S", Some("25"), "100.00", "25.00")],
    );
    document.seller.vat_id = None;
    document
        .allowance_charges
        .push(allowance_charge(true, "S", Some("25"), "0"));
    let fired = fired(&document);
    assert!(
        fired.contains(&("BR-S-02", "/seller/vatId".to_owned())),
        "{fired:?}"
    );
    assert!(
        fired.contains(&("BR-S-04", "/seller/vatId".to_owned())),
        "{fired:?}"
    );
    assert!(
        !fired.iter().any(|(rule, _)| *rule == "BR-S-03"),
        "{fired:?}"
    );
    document.seller.tax_registration_id = Some("NO123456789".to_owned());
    assert!(!fires(&document, "BR-S-02"));
}

#[test]
fn zero_rated_breakdown_must_be_exactly_one() {
    let document = document(
        vec![line("Z", Some("0"), "100.00")],
        vec![
            entry("Z", Some("0"), "60.00", "0"),
            entry("Z", Some("0"), "40.00", "0"),
        ],
    );
    let fired = fired(&document);
    assert!(
        fired.contains(&("BR-Z-01", "/taxBreakdown".to_owned())),
        "{fired:?}"
    );
    assert!(
        fired.contains(&("BR-Z-08", "/taxBreakdown/0/taxableAmount".to_owned())),
        "{fired:?}"
    );
}

#[test]
fn zero_rated_taxable_amount_is_exact_and_needs_lines() {
    let mut document = document(
        vec![line("Z", Some("0"), "100.00")],
        vec![entry("Z", Some("0"), "100.01", "0")],
    );
    assert!(fires(&document, "BR-Z-08"));
    document.tax_totals[0].subtotals[0].taxable_amount = Some(eur("100"));
    assert!(!fires(&document, "BR-Z-08"));
    document.lines.clear();
    assert!(fires(&document, "BR-Z-08"));
}

#[test]
fn exempt_breakdown_needs_a_reason_and_zero_tax() {
    let document = document(
        vec![line("E", Some("0"), "100.00")],
        vec![entry("E", Some("0"), "100.00", "1.00")],
    );
    assert_eq!(
        fired(&document),
        [
            ("BR-E-09", "/taxBreakdown/0/taxAmount".to_owned()),
            ("BR-E-10", "/taxBreakdown/0/exemptionReason".to_owned()),
        ]
    );
}

#[test]
fn reverse_charge_needs_a_buyer_identifier() {
    let mut document = document(vec![line("AE", Some("0"), "100.00")], vec![]);
    let mut reverse = entry("AE", Some("0"), "100.00", "0");
    reverse.exemption_reason_code = Some("VATEX-EU-AE".to_owned());
    document.tax_totals[0].subtotals.push(reverse);
    assert_eq!(fired(&document), [("BR-AE-02", "/buyer/vatId".to_owned())]);
    document.buyer.legal_registration_id = Some("123".to_owned());
    assert_eq!(fired(&document), []);
}

#[test]
fn intra_community_supply_needs_delivery_facts() {
    let mut document = document(vec![line("K", Some("0"), "100.00")], vec![]);
    let mut supply = entry("K", Some("0"), "100.00", "0");
    supply.exemption_reason = Some("Intra-community supply".to_owned());
    document.tax_totals[0].subtotals.push(supply);
    assert!(fires(&document, "BR-IC-02"));
    document.buyer.vat_id = Some("SE123456789001".to_owned());
    assert_eq!(
        fired(&document),
        [
            ("BR-IC-11", "/delivery/deliveryDate".to_owned()),
            ("BR-IC-12", "/delivery/address/countryCode".to_owned()),
        ]
    );
    // `string-length(cac:Delivery/cbc:ActualDeliveryDate) > 1`: a date that is not a date
    // counts from two characters on.
    document
        .unparsed
        .push(unparsed("/delivery/deliveryDate", "x"));
    assert!(fires(&document, "BR-IC-11"));
    document.unparsed[0].text = "31.01.2024".to_owned();
    assert!(!fires(&document, "BR-IC-11"));
    document.unparsed.clear();
    document.delivery = Some(Delivery {
        delivery_date: Some(time::macros::date!(2024 - 01 - 31)),
        address: Some(Address {
            country_code: Some("SE".to_owned()),
            ..Address::default()
        }),
        ..Delivery::default()
    });
    assert_eq!(fired(&document), []);
    document.tax_totals[0].subtotals[0].exemption_reason = None;
    assert_eq!(
        fired(&document),
        [("BR-IC-10", "/taxBreakdown/0/exemptionReason".to_owned())]
    );
}

#[test]
fn not_subject_to_vat_excludes_rates_identifiers_and_other_categories() {
    let mut document = document(
        vec![
            line("O", Some("0"), "100.00"),
            line("S", Some("25"), "10.00"),
        ],
        vec![
            entry("O", None, "100.00", "0"),
            entry("S", Some("25"), "10.00", "2.50"),
        ],
    );
    document.tax_totals[0].subtotals[0].exemption_reason = Some("Not subject to VAT".to_owned());
    document
        .allowance_charges
        .push(allowance_charge(false, "Z", Some("0"), "0"));
    let fired = fired(&document);
    for expected in [
        ("BR-O-02", "/seller/vatId"),
        ("BR-O-05", "/lines/0/vatRate"),
        ("BR-O-11", "/taxBreakdown/1/categoryCode"),
        ("BR-O-12", "/lines/1/vatCategoryCode"),
        ("BR-O-13", "/allowanceCharges/0/vatCategoryCode"),
    ] {
        assert!(
            fired.contains(&(expected.0, expected.1.to_owned())),
            "{expected:?} in {fired:?}"
        );
    }
    assert!(
        !fired.iter().any(|(rule, _)| *rule == "BR-O-14"),
        "{fired:?}"
    );
}

#[test]
fn igic_charges_are_checked_only_when_coded_verbatim() {
    let mut document = document(vec![], vec![entry("L", Some("7"), "0", "0")]);
    document.seller.vat_id = None;
    document
        .allowance_charges
        .push(allowance_charge(true, " L", Some("7"), "10.00"));
    assert!(!fires(&document, "BR-AF-04"));
    document.allowance_charges[0].vat_category_code = Some("L".to_owned());
    assert!(fires(&document, "BR-AF-04"));
}

#[test]
fn igic_breakdown_code_is_compared_verbatim_when_used() {
    let document = document(
        vec![line("L", Some("7"), "100.00")],
        vec![entry(" L", Some("7"), "100.00", "7.00")],
    );
    assert_eq!(fired(&document), [("BR-AF-01", "/taxBreakdown".to_owned())]);
}

#[test]
fn split_payment_is_domestic_italian_and_excludes_standard_rate() {
    let mut document = document(
        vec![
            line("B", Some("22"), "100.00"),
            line("S", Some("22"), "100.00"),
        ],
        vec![
            entry("B", Some("22"), "100.00", "22.00"),
            entry("S", Some("22"), "100.00", "22.00"),
        ],
    );
    document.seller.address = Some(Address {
        country_code: Some("IT".to_owned()),
        ..Address::default()
    });
    document.buyer.address = Some(Address {
        country_code: Some("FR".to_owned()),
        ..Address::default()
    });
    let fired = fired(&document);
    assert!(
        fired.contains(&("BR-B-01", "/buyer/address/countryCode".to_owned())),
        "{fired:?}"
    );
    assert!(
        fired.contains(&("BR-B-02", "/taxBreakdown".to_owned())),
        "{fired:?}"
    );
}

#[test]
fn a_document_without_categories_passes() {
    let document = Document::empty(DocumentKind::CreditNote);
    assert_eq!(fired(&document), []);
}
