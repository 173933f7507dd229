//! Hand-built documents against the Peppol rules, mirroring the official unit tests
//! (`rules/unit-UBL-PEPPOL` and the national `rules/unit-UBL-*` of
//! OpenPEPPOL/peppol-bis-invoice-3).

use rust_decimal::Decimal;
use time::macros::date;

use super::super::Violation;
use super::*;
use crate::document::model::{
    Account, Address, AllowanceCharge, Attachment, Contact, Delivery, DirectDebit,
    DocumentReference, Identifier, Note, PaymentMeans, Period, PrecedingInvoice, Price,
    TaxRepresentative, TaxTotal, Unparsed, VatBreakdown,
};

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[expect(clippy::unnecessary_wraps, reason = "fills an optional model field")]
fn eur(text: &str) -> Option<Amount> {
    Some(Amount::new(dec(text), "EUR"))
}

#[expect(clippy::unnecessary_wraps, reason = "fills an optional model field")]
fn text(value: &str) -> Option<String> {
    Some(value.to_owned())
}

#[expect(clippy::unnecessary_wraps, reason = "fills an optional model field")]
fn address(country: &str) -> Option<Address> {
    Some(Address {
        street1: text("Main street 1"),
        city: text("City"),
        post_code: text("1000"),
        country_code: text(country),
        ..Address::default()
    })
}

/// A complete invoice that breaks no rule of this family.
fn valid() -> Document {
    let mut document = Document::empty(DocumentKind::Invoice);
    document.customization_id = text(CUSTOMIZATION_PREFIX);
    document.profile_id = text("urn:fdc:peppol.eu:2017:poacc:billing:01:1.0");
    document.number = text("INV-1");
    document.issue_date = Some(date!(2026 - 05 - 05));
    document.type_code = text("380");
    document.currency = text("EUR");
    document.buyer_reference = text("PO-1");
    document.seller = Party {
        name: text("Seller SA"),
        vat_id: text("BE0123456749"),
        electronic_address: text("0123456749"),
        electronic_address_scheme_id: text("0208"),
        address: address("BE"),
        ..Party::default()
    };
    document.buyer = Party {
        name: text("Buyer SA"),
        electronic_address: text("9429041098400"),
        electronic_address_scheme_id: text("0088"),
        address: address("BE"),
        ..Party::default()
    };
    document.tax_totals.push(TaxTotal {
        tax_amount: eur("21.00"),
        subtotals: vec![VatBreakdown {
            taxable_amount: eur("100.00"),
            tax_amount: eur("21.00"),
            category_code: text("S"),
            rate: Some(dec("21")),
            ..VatBreakdown::default()
        }],
    });
    document.totals.line_extension_amount = eur("100.00");
    document.totals.tax_exclusive_amount = eur("100.00");
    document.totals.tax_inclusive_amount = eur("121.00");
    document.totals.payable_amount = eur("121.00");
    document.lines.push(Line {
        id: text("1"),
        quantity: Some(dec("1")),
        unit_code: text("C62"),
        line_extension_amount: eur("100.00"),
        price: Some(Price {
            net_amount: eur("100.00"),
            ..Price::default()
        }),
        vat_category_code: text("S"),
        vat_rate: Some(dec("21")),
        item_name: text("Widget"),
        ..Line::default()
    });
    document
}

fn violations(document: &Document) -> Vec<Violation> {
    let mut findings = Findings::default();
    check(document, &mut findings);
    findings.0
}

fn fired(document: &Document, rule: &str) -> bool {
    violations(document)
        .iter()
        .any(|violation| violation.rule == rule)
}

#[track_caller]
fn fires(document: &Document, rule: &str) {
    assert!(
        fired(document, rule),
        "{rule} should fire: {:#?}",
        violations(document)
    );
}

#[track_caller]
fn passes(document: &Document, rule: &str) {
    assert!(
        !fired(document, rule),
        "{rule} should not fire: {:#?}",
        violations(document)
    );
}

#[test]
fn the_family_declares_every_implemented_rule() {
    for rule in RULES {
        assert!(!rule.text.is_empty(), "{}", rule.id);
    }
    assert_eq!(RULES.len(), 156);
}

#[test]
fn a_complete_invoice_passes() {
    assert_eq!(violations(&valid()), Vec::new());
}

#[test]
fn business_process() {
    let mut document = valid();
    document.profile_id = Some(String::new());
    passes(&document, "PEPPOL-EN16931-R001");
    fires(&document, "PEPPOL-EN16931-R007");
    document.profile_id = None;
    fires(&document, "PEPPOL-EN16931-R001");
    fires(&document, "PEPPOL-EN16931-R007");
    document.profile_id = text("urn:fdc:peppol.eu:2017:NOT:CORRECT:AT:ALL:01:1.0");
    fires(&document, "PEPPOL-EN16931-R007");
    document.profile_id = text(" urn:fdc:peppol.eu:2017:poacc:billing:02:1.0 ");
    passes(&document, "PEPPOL-EN16931-R007");
}

#[test]
fn specification_identifier() {
    let mut document = valid();
    document.customization_id = text(&format!(
        "{CUSTOMIZATION_PREFIX}#compliant#urn:www.difi.no:ehf:ver3.0"
    ));
    passes(&document, "PEPPOL-EN16931-R004");
    document.customization_id =
        text("urn:cen.eu:en16931:2017#compliant#compliant#urn:www.difi.no:ehf:ver3.0");
    fires(&document, "PEPPOL-EN16931-R004");
}

#[test]
fn notes_and_references() {
    let mut document = valid();
    document.notes = vec![Note::default(), Note::default()];
    fires(&document, "PEPPOL-EN16931-R002");
    for party in [&mut document.seller, &mut document.buyer] {
        party.address = address("de");
    }
    passes(&document, "PEPPOL-EN16931-R002");
    document.buyer_reference = None;
    fires(&document, "PEPPOL-EN16931-R003");
    document.order_reference = Some(String::new());
    passes(&document, "PEPPOL-EN16931-R003");
}

#[test]
fn tax_totals_and_currencies() {
    let mut document = valid();
    document.tax_currency = text("EUR");
    fires(&document, "PEPPOL-EN16931-R005");
    fires(&document, "PEPPOL-EN16931-R054");
    document.tax_currency = text("SEK");
    passes(&document, "PEPPOL-EN16931-R005");
    document.tax_totals.push(TaxTotal {
        tax_amount: Some(Amount::new(dec("-100"), "SEK")),
        subtotals: Vec::new(),
    });
    passes(&document, "PEPPOL-EN16931-R054");
    passes(&document, "PEPPOL-EN16931-R051");
    fires(&document, "PEPPOL-EN16931-R055");
    document.tax_totals[1].tax_amount = Some(Amount::new(dec("100"), "SEK"));
    passes(&document, "PEPPOL-EN16931-R055");
    document.tax_totals.push(document.tax_totals[0].clone());
    fires(&document, "PEPPOL-EN16931-R053");
    document.tax_totals.clear();
    fires(&document, "PEPPOL-EN16931-R053");
}

#[test]
fn currency_of_every_amount() {
    let mut document = valid();
    document.lines[0].price = Some(Price {
        net_amount: Some(Amount::new(dec("100"), "NOK")),
        ..Price::default()
    });
    fires(&document, "PEPPOL-EN16931-R051");
    passes(&document, "PEPPOL-EN16931-CL007");
    document.totals.payable_amount = Some(Amount::new(dec("121.00"), "FRF"));
    fires(&document, "PEPPOL-EN16931-CL007");
    document.totals.payable_amount = Some(Amount {
        value: dec("121.00"),
        currency: None,
    });
    fires(&document, "PEPPOL-EN16931-CL007");
}

#[test]
fn electronic_addresses() {
    let mut document = valid();
    document.buyer.electronic_address = None;
    fires(&document, "PEPPOL-EN16931-R010");
    document.seller.electronic_address = None;
    fires(&document, "PEPPOL-EN16931-R020");
    document.seller.electronic_address_scheme_id = text("9958");
    fires(&document, "PEPPOL-EN16931-CL008");
    document.seller.electronic_address_scheme_id = text("0209");
    passes(&document, "PEPPOL-EN16931-CL008");
}

fn allowance(
    percentage: Option<&str>,
    base: Option<&str>,
    amount: Option<&str>,
) -> AllowanceCharge {
    AllowanceCharge {
        percentage: percentage.map(dec),
        base_amount: base.and_then(eur),
        amount: amount.and_then(eur),
        ..AllowanceCharge::default()
    }
}

#[test]
fn allowance_charge_amounts() {
    for (amount, fire) in [
        ("100", false),
        ("100.02", false),
        ("100.03", true),
        ("99.98", false),
        ("99.97", true),
    ] {
        let mut document = valid();
        document
            .allowance_charges
            .push(allowance(Some("200"), Some("50"), Some(amount)));
        assert_eq!(fired(&document, "PEPPOL-EN16931-R040"), fire, "{amount}");
        let mut document = valid();
        document.lines[0]
            .allowance_charges
            .push(allowance(Some("200"), Some("50"), Some(amount)));
        assert_eq!(
            fired(&document, "PEPPOL-EN16931-R040"),
            fire,
            "line {amount}"
        );
    }
    let mut document = valid();
    document
        .allowance_charges
        .push(allowance(Some("100"), None, None));
    fires(&document, "PEPPOL-EN16931-R041");
    document.allowance_charges[0] = allowance(None, Some("100"), None);
    fires(&document, "PEPPOL-EN16931-R042");
    passes(&document, "PEPPOL-EN16931-R041");
}

#[test]
fn reason_codes() {
    let mut document = valid();
    let mut item = allowance(None, None, Some("1"));
    item.reason_code = text("95");
    document.allowance_charges.push(item.clone());
    passes(&document, "PEPPOL-EN16931-CL002");
    document.allowance_charges[0].reason_code = text("40");
    fires(&document, "PEPPOL-EN16931-CL002");
    item.charge_indicator = true;
    item.reason_code = text("HAA");
    document.allowance_charges[0] = item;
    passes(&document, "PEPPOL-EN16931-CL003");
    document.allowance_charges[0].reason_code = text("TOS");
    fires(&document, "PEPPOL-EN16931-CL003");
    // `cac:AllowanceCharge[cbc:ChargeIndicator = 'true']`: `1` is not `true`, and R043
    // says so instead.
    document.allowance_charges[0].charge_indicator_text = text("1");
    passes(&document, "PEPPOL-EN16931-CL003");
    passes(&document, "PEPPOL-EN16931-CL002");
}

#[test]
fn charge_indicators() {
    let mut document = valid();
    let mut item = allowance(None, None, Some("1"));
    item.reason = text("Discount");
    document.allowance_charges.push(item.clone());
    document.lines[0].allowance_charges.push(item);
    passes(&document, "PEPPOL-EN16931-R043");
    for indicator in ["0", "1", "", "TRUE"] {
        document.allowance_charges[0].charge_indicator_text = text(indicator);
        document.lines[0].allowance_charges[0].charge_indicator_text = text(indicator);
        let pointers: Vec<_> = violations(&document)
            .into_iter()
            .filter(|violation| violation.rule == "PEPPOL-EN16931-R043")
            .map(|violation| violation.pointer)
            .collect();
        assert_eq!(
            pointers,
            [
                "/allowanceCharges/0/chargeIndicator",
                "/lines/0/allowanceCharges/0/chargeIndicator"
            ],
            "{indicator:?}"
        );
    }
    passes(&document, "PEPPOL-EN16931-R044");
    for indicator in ["true", "0", ""] {
        document.lines[0]
            .price
            .as_mut()
            .unwrap()
            .charge_indicator_text = text(indicator);
        fires(&document, "PEPPOL-EN16931-R044");
    }
}

#[test]
fn project_references_of_a_credit_note() {
    let mut document = valid();
    document.kind = DocumentKind::CreditNote;
    document.type_code = text("381");
    document.project_references = vec![None];
    passes(&document, "PEPPOL-EN16931-R080");
    document.project_references.push(text("PRJ-2"));
    fires(&document, "PEPPOL-EN16931-R080");
    // An invoice's `ProjectReference`s are not what the rule counts.
    document.kind = DocumentKind::Invoice;
    document.type_code = text("380");
    passes(&document, "PEPPOL-EN16931-R080");
}

#[test]
fn line_document_references() {
    let mut document = valid();
    let reference = |type_code: &str| DocumentReference {
        id: None,
        type_code: text(type_code),
    };
    document.lines[0].document_references.push(reference("130"));
    passes(&document, "PEPPOL-EN16931-R100");
    passes(&document, "PEPPOL-EN16931-R101");
    document.lines[0].document_references[0] = reference("122");
    passes(&document, "PEPPOL-EN16931-R100");
    fires(&document, "PEPPOL-EN16931-R101");
    // BT-128 is a reference of type 130.
    document.lines[0].object_identifier = Some(Identifier {
        id: "METER-1".to_owned(),
        scheme_id: None,
    });
    passes(&document, "PEPPOL-EN16931-R101");
    fires(&document, "PEPPOL-EN16931-R100");
    document.lines[0].document_references.clear();
    passes(&document, "PEPPOL-EN16931-R100");
}

#[test]
fn dates_are_formatted_yyyy_mm_dd() {
    let mut document = valid();
    document.due_date = Some(date!(2026 - 06 - 04));
    document.tax_point_date = Some(date!(2026 - 05 - 05));
    document.invoice_period = Some(Period {
        start_date: Some(date!(0001 - 01 - 01)),
        end_date: Some(date!(9999 - 12 - 31)),
        description_code: None,
    });
    document.preceding_invoices.push(PrecedingInvoice {
        number: text("INV-0"),
        issue_date: Some(date!(2026 - 01 - 01)),
    });
    document.delivery = Some(Delivery {
        delivery_date: Some(date!(2026 - 05 - 01)),
        ..Delivery::default()
    });
    passes(&document, "PEPPOL-EN16931-F001");
    // Year 0 is not an `xs:date`; a year past 9999 does not have four digits.
    document.lines[0].invoice_period = Some(Period {
        start_date: Some(date!(0000 - 12 - 31)),
        ..Period::default()
    });
    let f001 = |document: &Document| -> Vec<String> {
        violations(document)
            .into_iter()
            .filter(|violation| violation.rule == "PEPPOL-EN16931-F001")
            .map(|violation| violation.pointer)
            .collect()
    };
    assert_eq!(f001(&document), ["/lines/0/invoicePeriod/startDate"]);
    document.lines[0].invoice_period = None;
    // Values that are not dates are judged on their text.
    for (pointer, text) in [
        ("/issueDate", "2017-01-00"),
        ("/dueDate", "2018-01-01T20:00:00"),
        ("/taxPointDate", "2017-09-31"),
        ("/delivery/deliveryDate", "18-10-01"),
        ("/precedingInvoices/0/issueDate", ""),
        ("/lines/0/quantity", "1,5"),
    ] {
        document.unparsed.push(Unparsed {
            pointer: pointer.to_owned(),
            text: text.to_owned(),
        });
    }
    assert_eq!(
        f001(&document),
        [
            "/issueDate",
            "/dueDate",
            "/taxPointDate",
            "/delivery/deliveryDate",
            "/precedingInvoices/0/issueDate"
        ]
    );
    // A credit note's BT-9 is `cbc:PaymentDueDate`, which the rule does not look at.
    document.kind = DocumentKind::CreditNote;
    assert!(!f001(&document).contains(&"/dueDate".to_owned()));
}

#[test]
fn gross_price() {
    let mut document = valid();
    let price = document.lines[0].price.as_mut().unwrap();
    price.net_amount = eur("90");
    price.discount = eur("10");
    price.gross_amount = eur("100");
    passes(&document, "PEPPOL-EN16931-R046");
    document.lines[0].price.as_mut().unwrap().net_amount = eur("90.01");
    fires(&document, "PEPPOL-EN16931-R046");
    // Without a discount, the written `Amount` is 0.
    let price = document.lines[0].price.as_mut().unwrap();
    price.discount = None;
    price.net_amount = eur("100");
    passes(&document, "PEPPOL-EN16931-R046");
}

#[test]
fn line_net_amount() {
    let line =
        |quantity: Option<&str>, amount: Option<&str>, price: &str, base: Option<&str>| Line {
            quantity: quantity.map(dec),
            line_extension_amount: amount.and_then(eur),
            price: Some(Price {
                net_amount: eur(price),
                base_quantity: base.map(dec),
                ..Price::default()
            }),
            ..Line::default()
        };
    let charge = |charge_indicator: bool, amount: &str| AllowanceCharge {
        charge_indicator,
        amount: eur(amount),
        ..AllowanceCharge::default()
    };
    let cases = [
        ("90.02", "10", None, false),
        ("89.98", "10", None, false),
        ("90.03", "10", None, true),
        ("89.97", "10", None, true),
        ("90", "20", Some("2"), false),
    ];
    for (amount, price, base, fire) in cases {
        let mut document = valid();
        let mut item = line(Some("10"), Some(amount), price, base);
        item.allowance_charges = vec![charge(false, "30"), charge(true, "10"), charge(true, "10")];
        document.lines = vec![item];
        assert_eq!(fired(&document, "PEPPOL-EN16931-R120"), fire, "{amount}");
    }
    let mut document = valid();
    document.lines = vec![line(None, None, "20", Some("2"))];
    fires(&document, "PEPPOL-EN16931-R120");
}

#[test]
fn base_quantity() {
    let mut document = valid();
    document.lines[0].price.as_mut().unwrap().base_quantity = Some(Decimal::ZERO);
    fires(&document, "PEPPOL-EN16931-R121");
    let price = document.lines[0].price.as_mut().unwrap();
    price.base_quantity = Some(Decimal::ONE);
    price.base_quantity_unit_code = text("C62");
    passes(&document, "PEPPOL-EN16931-R121");
    passes(&document, "PEPPOL-EN16931-R130");
    document.lines[0]
        .price
        .as_mut()
        .unwrap()
        .base_quantity_unit_code = text("AA");
    fires(&document, "PEPPOL-EN16931-R130");
}

#[test]
fn line_periods() {
    let mut document = valid();
    document.invoice_period = Some(Period {
        start_date: Some(date!(2017 - 10 - 01)),
        end_date: Some(date!(2017 - 10 - 31)),
        description_code: None,
    });
    document.lines[0].invoice_period = Some(Period {
        start_date: Some(date!(2017 - 10 - 01)),
        end_date: Some(date!(2017 - 10 - 31)),
        description_code: None,
    });
    passes(&document, "PEPPOL-EN16931-R110");
    passes(&document, "PEPPOL-EN16931-R111");
    let period = document.lines[0].invoice_period.as_mut().unwrap();
    period.start_date = Some(date!(2017 - 09 - 30));
    period.end_date = Some(date!(2017 - 11 - 01));
    fires(&document, "PEPPOL-EN16931-R110");
    fires(&document, "PEPPOL-EN16931-R111");
}

#[test]
fn direct_debit_mandate() {
    let mut document = valid();
    document.payment_means.push(PaymentMeans {
        code: text("49"),
        ..PaymentMeans::default()
    });
    fires(&document, "PEPPOL-EN16931-R061");
    document.payment_means[0].direct_debit = Some(DirectDebit {
        mandate_reference: Some(String::new()),
        ..DirectDebit::default()
    });
    passes(&document, "PEPPOL-EN16931-R061");
}

#[test]
fn code_lists() {
    let mut document = valid();
    document.attachments.push(Attachment {
        mime_code: text("image/tiff"),
        ..Attachment::default()
    });
    fires(&document, "PEPPOL-EN16931-CL001");
    document.attachments[0].mime_code = text("text/csv");
    passes(&document, "PEPPOL-EN16931-CL001");
    document.invoice_period = Some(Period {
        description_code: text("35"),
        ..Period::default()
    });
    passes(&document, "PEPPOL-EN16931-CL006");
    document.invoice_period = Some(Period {
        description_code: text("ZZZ"),
        ..Period::default()
    });
    fires(&document, "PEPPOL-EN16931-CL006");
}

#[test]
fn self_billing_is_refused_by_the_profile_rules() {
    let mut document = valid();
    document.type_code = text("389");
    fires(&document, "PEPPOL-EN16931-P0100");
    document.type_code = text("381");
    fires(&document, "PEPPOL-EN16931-P0100");
    document.type_code = text("780");
    passes(&document, "PEPPOL-EN16931-P0100");
    document.type_code = text("389");
    document.profile_id = text("urn:fdc:peppol.eu:2017:poacc:billing:02:1.0");
    passes(&document, "PEPPOL-EN16931-P0100");
    let mut credit_note = valid();
    credit_note.kind = DocumentKind::CreditNote;
    credit_note.type_code = text("261");
    fires(&credit_note, "PEPPOL-EN16931-P0101");
    credit_note.type_code = text("380");
    fires(&credit_note, "PEPPOL-EN16931-P0101");
    credit_note.type_code = text("83");
    passes(&credit_note, "PEPPOL-EN16931-P0101");
}

#[test]
fn corrected_invoices_between_germans_only() {
    let mut document = valid();
    document.type_code = text("384");
    fires(&document, "PEPPOL-EN16931-P0112");
    for party in [&mut document.seller, &mut document.buyer] {
        party.address = address("DE");
    }
    passes(&document, "PEPPOL-EN16931-P0112");
}

#[test]
fn exemption_reasons_and_categories() {
    for (code, category, rule) in [
        ("VATEX-EU-G", "G", "P0104"),
        ("vatex-eu-o", "O", "P0105"),
        ("VATEX-EU-IC", "K", "P0106"),
        ("VATEX-EU-AE", "AE", "P0107"),
        ("VATEX-EU-D", "E", "P0108"),
        ("VATEX-EU-F", "E", "P0109"),
        ("VATEX-EU-I", "E", "P0110"),
        ("VATEX-EU-J", "E", "P0111"),
    ] {
        let rule = format!("PEPPOL-EN16931-{rule}");
        let mut document = valid();
        let entry = &mut document.tax_totals[0].subtotals[0];
        entry.exemption_reason_code = text(code);
        entry.category_code = text(category);
        passes(&document, &rule);
        document.tax_totals[0].subtotals[0].category_code = text("S");
        fires(&document, &rule);
    }
}

#[test]
fn identifiers() {
    let cases = [
        (
            "0088",
            "9429041098400",
            "9429041098401",
            "PEPPOL-COMMON-R040",
        ),
        ("0192", "745707327", "745707328", "PEPPOL-COMMON-R041"),
        ("0184", "DK12345678", "DK1234567", "PEPPOL-COMMON-R042"),
        ("0208", "0739484052", "0739484059", "PEPPOL-COMMON-R043"),
        ("0201", "F7VRDL", "F7VRDLF7VRDLF7VRDL", "PEPPOL-COMMON-R044"),
        ("0210", "97735020584", "ABC", "PEPPOL-COMMON-R045"),
        ("9907", "97735020584", "ABC", "PEPPOL-COMMON-R046"),
        ("0211", "IT02985591201", "ITABC", "PEPPOL-COMMON-R047"),
        ("0007", "2021005489", "556622-1100", "PEPPOL-COMMON-R049"),
        ("0151", "51824753556", "51824753550", "PEPPOL-COMMON-R050"),
    ];
    for (scheme, good, bad, rule) in cases {
        let mut document = valid();
        document.buyer.electronic_address_scheme_id = text(scheme);
        document.buyer.electronic_address = text(good);
        passes(&document, rule);
        document.buyer.electronic_address = text(bad);
        fires(&document, rule);
        let mut document = valid();
        document.seller.legal_registration_scheme_id = text(scheme);
        document.seller.legal_registration_id = text(bad);
        assert_eq!(
            fired(&document, rule),
            scheme != "9907",
            "{rule} on a CompanyID"
        );
        let mut document = valid();
        document.buyer.identifiers.push(Identifier {
            id: bad.to_owned(),
            scheme_id: text(scheme),
        });
        assert_eq!(
            fired(&document, rule),
            scheme != "9907",
            "{rule} on a PartyIdentification"
        );
    }
}

#[test]
fn empty_elements() {
    let mut document = valid();
    document.buyer_reference = Some(" \n".to_owned());
    document.lines[0].item_name = Some(String::new());
    let empty: Vec<_> = violations(&document)
        .into_iter()
        .filter(|violation| violation.rule == "PEPPOL-EN16931-R008")
        .map(|violation| violation.pointer)
        .collect();
    assert_eq!(empty, ["/buyerReference", "/lines/0/itemName"]);
    let mut document = valid();
    document.project_references = vec![text(" ")];
    document.lines[0]
        .document_references
        .push(DocumentReference {
            id: Some(Identifier::default()),
            type_code: text(""),
        });
    document.unparsed.push(Unparsed {
        pointer: "/lines/0/quantity".to_owned(),
        text: String::new(),
    });
    let empty: Vec<_> = violations(&document)
        .into_iter()
        .filter(|violation| violation.rule == "PEPPOL-EN16931-R008")
        .map(|violation| violation.pointer)
        .collect();
    assert_eq!(
        empty,
        [
            "/projectReference",
            "/lines/0/documentReferences/0/id",
            "/lines/0/documentReferences/0/typeCode",
            "/lines/0/quantity"
        ]
    );
}

#[test]
fn norway() {
    let mut document = valid();
    document.seller.vat_id = text("NO745707327MVA");
    document.seller.tax_registration_id = text("Foretaksregisteret");
    passes(&document, "NO-R-001");
    passes(&document, "NO-R-002");
    document.seller.vat_id = text("NO745707328MVA");
    document.seller.tax_registration_id = None;
    fires(&document, "NO-R-001");
    fires(&document, "NO-R-002");
}

#[test]
fn denmark() {
    let mut document = valid();
    for party in [&mut document.seller, &mut document.buyer] {
        party.address = address("DK");
    }
    fires(&document, "DK-R-002");
    document.seller.legal_registration_id = text("12345678");
    fires(&document, "DK-R-014");
    document.seller.legal_registration_scheme_id = text("0184");
    passes(&document, "DK-R-002");
    passes(&document, "DK-R-014");
    document.payment_means.push(PaymentMeans {
        code: text("30"),
        ..PaymentMeans::default()
    });
    fires(&document, "DK-R-005");
    document.payment_means[0].code = text("93");
    document.payment_means[0].remittance_information = text("71#1234567890123456");
    fires(&document, "DK-R-010");
    passes(&document, "DK-R-011");
}

#[test]
fn greece() {
    let mut document = valid();
    document.issue_date = Some(date!(2010 - 10 - 01));
    document.number = text("061828591|01/10/2010|0|1.1|0|1");
    document.seller.vat_id = text("EL061828591");
    document.seller.address = address("GR");
    document.seller.trading_name = text("Supplier");
    document.seller.electronic_address = text("061828591");
    document.seller.electronic_address_scheme_id = text("9933");
    document.buyer.trading_name = text("Buyer");
    document.attachments.push(Attachment {
        id: text("123"),
        description: text(MARK_DESCRIPTION),
        ..Attachment::default()
    });
    for rule in [
        "GR-R-001-1",
        "GR-R-001-2",
        "GR-R-001-3",
        "GR-R-001-4",
        "GR-R-001-5",
        "GR-R-001-6",
        "GR-R-001-7",
        "GR-R-002",
        "GR-R-003",
        "GR-S-011",
        "GR-R-004-1",
        "GR-R-004-2",
        "GR-R-005",
        "GR-R-009",
    ] {
        passes(&document, rule);
    }
    document.number = text("061828592|02/10/2010|-1|9.9||");
    for rule in [
        "GR-R-001-2",
        "GR-R-001-3",
        "GR-R-001-4",
        "GR-R-001-5",
        "GR-R-001-6",
        "GR-R-001-7",
    ] {
        fires(&document, rule);
    }
    passes(&document, "GR-R-001-1");
    document.seller.trading_name = None;
    fires(&document, "GR-R-002");
}

const MARK_DESCRIPTION: &str = "##M.AR.K##";

#[test]
fn sweden() {
    let mut document = valid();
    document.seller.address = address("SE");
    document.seller.vat_id = text("SE556732170701");
    document.seller.legal_registration_id = text("5567321707");
    document.seller.tax_registration_id = text("Godkänd för F-skatt");
    document.tax_totals[0].subtotals[0].rate = Some(dec("25"));
    document.lines[0].vat_rate = Some(dec("25.00"));
    for rule in [
        "SE-R-001", "SE-R-002", "SE-R-003", "SE-R-004", "SE-R-005", "SE-R-006", "SE-R-013",
    ] {
        passes(&document, rule);
    }
    document.seller.legal_registration_id = text("5567321708");
    fires(&document, "SE-R-013");
    document.lines[0].vat_rate = Some(dec("21"));
    fires(&document, "SE-R-006");
}

#[test]
fn netherlands_and_italy() {
    let mut document = valid();
    document.seller.address = Some(Address {
        country_code: text("NL"),
        ..Address::default()
    });
    fires(&document, "NL-R-002");
    fires(&document, "NL-R-007");
    document.seller.address = Some(Address {
        country_code: text("IT"),
        ..Address::default()
    });
    document.seller.vat_id = None;
    fires(&document, "IT-R-002");
    fires(&document, "IT-R-003");
    fires(&document, "IT-R-004");
}

#[test]
fn germany() {
    let mut document = valid();
    for party in [&mut document.seller, &mut document.buyer] {
        party.address = address("DE");
    }
    document.seller.contact = Some(Contact {
        name: text("Sachbearbeiter"),
        phone: text("+49(0)1234-0"),
        email: text("info@seller.de"),
    });
    document.payment_means.push(PaymentMeans {
        code: text("58"),
        accounts: vec![Account {
            iban: text("DE75512108001245126199"),
            ..Default::default()
        }],
        ..PaymentMeans::default()
    });
    document.payment_terms = text("#SKONTO#TAGE=7#PROZENT=2.00#\n");
    let german: Vec<_> = violations(&document)
        .into_iter()
        .filter(|violation| violation.rule.starts_with("DE-"))
        .collect();
    assert_eq!(german, Vec::new());
    document.payment_terms = text("#SKONTO#TAGE=7#PROZENT=2.00#");
    fires(&document, "DE-R-018");
    document.tax_representative = Some(TaxRepresentative::default());
    document.seller.contact = None;
    fires(&document, "DE-R-002");
}
