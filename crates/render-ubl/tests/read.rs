//! The UBL reader: the official Peppol examples, the mapping of individual terms, the
//! limits, and random input.

use std::path::PathBuf;
use std::str::FromStr;

use einvoice_domain::document::Document;
use einvoice_domain::document::model::{
    Amount, DocumentKind, DocumentReference, Identifier, Unparsed,
};
use einvoice_render_ubl::{ReadError, ReadLimits, read_document, read_document_with_limits};
use proptest::prelude::*;
use rust_decimal::Decimal;
use time::macros::date;

const EXAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/conformance/peppol/examples"
);

const NAMESPACES: &str = r#"xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2""#;

fn example(name: &str) -> Vec<u8> {
    let path = PathBuf::from(EXAMPLES).join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn read_example(name: &str) -> Document {
    read_document(&example(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// Reads `body` inside a UBL `Invoice` root.
fn invoice(body: &str) -> Document {
    let xml = format!(
        r#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" {NAMESPACES}>{body}</Invoice>"#
    );
    read_document(xml.as_bytes()).unwrap_or_else(|error| panic!("{error}: {xml}"))
}

/// Reads `body` inside a UBL `CreditNote` root.
fn credit_note(body: &str) -> Document {
    let xml = format!(
        r#"<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2" {NAMESPACES}>{body}</CreditNote>"#
    );
    read_document(xml.as_bytes()).unwrap_or_else(|error| panic!("{error}: {xml}"))
}

fn decimal(lexical: &str) -> Decimal {
    Decimal::from_str(lexical).unwrap()
}

fn eur(lexical: &str) -> Amount {
    Amount::new(decimal(lexical), "EUR")
}

// --- the official examples -------------------------------------------------------------

#[test]
fn every_official_example_reads() {
    let mut names: Vec<_> = std::fs::read_dir(EXAMPLES)
        .unwrap_or_else(|error| panic!("{EXAMPLES}: {error}"))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "xml"))
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 9, "the Peppol examples: {names:?}");
    for name in &names {
        let document = read_example(name);
        assert!(document.number.is_some(), "{name}: BT-1");
        assert!(document.issue_date.is_some(), "{name}: BT-2");
        assert!(document.seller.name.is_some(), "{name}: BT-27");
        assert!(document.buyer.name.is_some(), "{name}: BT-44");
        assert!(!document.lines.is_empty(), "{name}: BG-25");
        assert!(!document.vat_breakdown().is_empty(), "{name}: BG-23");
        let currency = document.currency.clone();
        assert!(currency.is_some(), "{name}: BT-5");
        let payable = document.totals.payable_amount.as_ref().expect("BT-115");
        assert_eq!(payable.currency, currency, "{name}: BT-115 currency");
        for line in &document.lines {
            assert!(line.quantity.is_some(), "{name}: BT-129");
            assert!(line.vat_category_code.is_some(), "{name}: BT-151");
            let net = line.line_extension_amount.as_ref().expect("BT-131");
            assert_eq!(net.currency, currency, "{name}: BT-131 currency");
        }
    }
}

#[test]
fn base_example_is_read_in_full() {
    let document = read_example("base-example.xml");
    assert_eq!(document.kind, DocumentKind::Invoice);
    assert_eq!(
        document.customization_id.as_deref(),
        Some("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0")
    );
    assert_eq!(
        document.profile_id.as_deref(),
        Some("urn:fdc:peppol.eu:2017:poacc:billing:01:1.0")
    );
    assert_eq!(document.number.as_deref(), Some("Snippet1"));
    assert_eq!(document.issue_date, Some(date!(2017 - 11 - 13)));
    assert_eq!(document.due_date, Some(date!(2017 - 12 - 01)));
    assert_eq!(document.type_code.as_deref(), Some("380"));
    assert_eq!(document.currency.as_deref(), Some("EUR"));
    assert_eq!(document.accounting_cost.as_deref(), Some("4025:123:4343"));
    assert_eq!(document.buyer_reference.as_deref(), Some("0150abc"));

    let seller = &document.seller;
    assert_eq!(seller.name.as_deref(), Some("SupplierOfficialName Ltd"));
    assert_eq!(
        seller.trading_name.as_deref(),
        Some("SupplierTradingName Ltd.")
    );
    assert_eq!(
        seller.electronic_address.as_deref(),
        Some("9482348239847239874")
    );
    assert_eq!(seller.electronic_address_scheme_id.as_deref(), Some("0088"));
    assert_eq!(
        seller.identifiers,
        [Identifier {
            id: "99887766".into(),
            scheme_id: None
        }]
    );
    assert_eq!(seller.vat_id.as_deref(), Some("GB1232434"));
    assert_eq!(seller.legal_registration_id.as_deref(), Some("GB983294"));
    let address = seller.address.as_ref().expect("BG-5");
    assert_eq!(address.street1.as_deref(), Some("Main street 1"));
    assert_eq!(address.street2.as_deref(), Some("Postbox 123"));
    assert_eq!(address.city.as_deref(), Some("London"));
    assert_eq!(address.post_code.as_deref(), Some("GB 123 EW"));
    assert_eq!(address.country_code.as_deref(), Some("GB"));
    assert_eq!(document.buyer.name.as_deref(), Some("Buyer Official Name"));
    assert_eq!(
        document.buyer.identifiers,
        [Identifier {
            id: "FR23342".into(),
            scheme_id: Some("0002".into())
        }]
    );

    assert_eq!(document.lines.len(), 2);
    assert_eq!(document.tax_totals.len(), 1);
    assert_eq!(
        document
            .vat_total()
            .and_then(|total| total.tax_amount.clone()),
        Some(eur("331.25"))
    );
    let breakdown = document.vat_breakdown();
    assert_eq!(breakdown.len(), 1);
    assert_eq!(breakdown[0].taxable_amount, Some(eur("1325")));
    assert_eq!(breakdown[0].tax_amount, Some(eur("331.25")));
    assert_eq!(breakdown[0].category_code.as_deref(), Some("S"));
    assert_eq!(breakdown[0].rate, Some(decimal("25")));
    assert_eq!(document.totals.tax_exclusive_amount, Some(eur("1325")));
    assert_eq!(document.totals.payable_amount, Some(eur("1656.25")));
}

#[test]
fn allowance_example_is_read_in_full() {
    let document = read_example("Allowance-example.xml");
    assert_eq!(document.tax_currency.as_deref(), Some("SEK"));
    assert_eq!(document.tax_point_date, Some(date!(2017 - 12 - 01)));
    assert_eq!(document.notes.len(), 1);
    assert_eq!(
        document.notes[0].text,
        "Please note we have a new phone number: 22 22 22 22"
    );
    let period = document.invoice_period.as_ref().expect("BG-14");
    assert_eq!(period.start_date, Some(date!(2017 - 12 - 01)));
    assert_eq!(period.end_date, Some(date!(2017 - 12 - 31)));
    assert_eq!(
        document.contract_reference.as_deref(),
        Some("framework no 1")
    );
    assert_eq!(
        document.invoiced_object_identifier,
        Some(Identifier {
            id: "DR35141".into(),
            scheme_id: Some("ABT".into())
        })
    );
    assert_eq!(document.attachments.len(), 1);
    assert_eq!(document.attachments[0].id.as_deref(), Some("ts12345"));
    assert_eq!(
        document.attachments[0].description.as_deref(),
        Some("Technical specification")
    );
    assert_eq!(
        document.attachments[0].uri.as_deref(),
        Some("www.techspec.no")
    );
    assert_eq!(
        document.seller.legal_form.as_deref(),
        Some("AdditionalLegalInformation")
    );
    assert_eq!(
        document.buyer.legal_registration_scheme_id.as_deref(),
        Some("0183")
    );
    let contact = document.buyer.contact.as_ref().expect("BG-9");
    assert_eq!(contact.name.as_deref(), Some("Lisa Johnson"));
    assert_eq!(contact.email.as_deref(), Some("lj@buyer.se"));

    let delivery = document.delivery.as_ref().expect("BG-13");
    assert_eq!(delivery.delivery_date, Some(date!(2017 - 11 - 01)));
    assert_eq!(
        delivery.location_identifier.as_deref(),
        Some("7300010000001")
    );
    assert_eq!(
        delivery.location_identifier_scheme_id.as_deref(),
        Some("0088")
    );
    assert_eq!(delivery.party_name.as_deref(), Some("Delivery party Name"));
    let delivery_address = delivery.address.as_ref().expect("BG-15");
    assert_eq!(
        delivery_address.additional_street.as_deref(),
        Some("Gate 15")
    );
    assert_eq!(
        delivery_address.country_subdivision.as_deref(),
        Some("Södermalm")
    );

    assert_eq!(document.payment_means.len(), 1);
    let means = &document.payment_means[0];
    assert_eq!(means.code.as_deref(), Some("30"));
    assert_eq!(means.text.as_deref(), Some("Credit transfer"));
    assert_eq!(means.remittance_information.as_deref(), Some("Snippet1"));
    assert_eq!(means.accounts.len(), 1);
    assert_eq!(means.accounts[0].iban.as_deref(), Some("IBAN32423940"));
    assert_eq!(
        means.accounts[0].account_name.as_deref(),
        Some("AccountName")
    );
    assert_eq!(means.accounts[0].bic.as_deref(), Some("BIC324098"));
    assert_eq!(
        document.payment_terms.as_deref(),
        Some("Payment within 10 days, 2% discount")
    );

    assert_eq!(document.allowance_charges.len(), 2);
    let charge = &document.allowance_charges[0];
    assert!(charge.charge_indicator);
    assert_eq!(charge.reason_code.as_deref(), Some("CG"));
    assert_eq!(charge.reason.as_deref(), Some("Cleaning"));
    assert_eq!(charge.percentage, Some(decimal("20")));
    assert_eq!(charge.amount, Some(eur("200")));
    assert_eq!(charge.base_amount, Some(eur("1000")));
    assert_eq!(charge.vat_category_code.as_deref(), Some("S"));
    assert_eq!(charge.vat_rate, Some(decimal("25")));
    assert!(!document.allowance_charges[1].charge_indicator);

    // BT-110 with its breakdown, then BT-111 in the tax currency.
    assert_eq!(document.tax_totals.len(), 2);
    assert_eq!(document.vat_breakdown().len(), 2);
    let exempt = &document.vat_breakdown()[1];
    assert_eq!(exempt.category_code.as_deref(), Some("E"));
    assert_eq!(
        exempt.exemption_reason.as_deref(),
        Some("Reason for tax exempt")
    );
    assert_eq!(
        exempt
            .taxable_amount
            .as_ref()
            .map(|amount| amount.value.scale()),
        Some(1)
    );
    assert_eq!(
        document.vat_total_in_tax_currency(),
        Some(&Amount::new(decimal("9324.00"), "SEK"))
    );
    assert_eq!(document.totals.allowance_total_amount, Some(eur("200")));
    assert_eq!(document.totals.charge_total_amount, Some(eur("200")));
    assert_eq!(document.totals.prepaid_amount, Some(eur("1000")));
    assert_eq!(
        document
            .totals
            .payable_amount
            .as_ref()
            .map(|amount| amount.value.scale()),
        Some(2)
    );

    assert_eq!(document.lines.len(), 3);
    let first = &document.lines[0];
    assert_eq!(first.id.as_deref(), Some("1"));
    assert_eq!(first.note.as_deref(), Some("Testing note on line level"));
    assert_eq!(first.quantity, Some(decimal("10")));
    assert_eq!(first.unit_code.as_deref(), Some("C62"));
    assert_eq!(first.line_extension_amount, Some(eur("4000.00")));
    assert_eq!(first.accounting_cost.as_deref(), Some("Konteringsstreng"));
    assert_eq!(first.allowance_charges.len(), 2);
    assert!(first.allowance_charges[0].charge_indicator);
    assert_eq!(first.allowance_charges[0].vat_category_code, None);
    assert_eq!(first.item_name.as_deref(), Some("item name"));
    assert_eq!(
        first.item_description.as_deref(),
        Some("Description of item")
    );
    assert_eq!(first.sellers_item_id.as_deref(), Some("97iugug876"));
    assert_eq!(first.origin_country.as_deref(), Some("NO"));
    assert_eq!(first.classifications.len(), 1);
    assert_eq!(first.classifications[0].code, "09348023");
    assert_eq!(first.classifications[0].list_id.as_deref(), Some("SRV"));
    assert_eq!(first.vat_category_code.as_deref(), Some("S"));
    assert_eq!(first.vat_rate, Some(decimal("25.0")));
    let price = first.price.as_ref().expect("BG-29");
    assert_eq!(price.net_amount, Some(eur("410")));
    assert_eq!(price.base_quantity, Some(decimal("1")));
    assert_eq!(price.base_quantity_unit_code.as_deref(), Some("C62"));
    assert_eq!(price.discount, Some(eur("40")));
    assert_eq!(price.gross_amount, Some(eur("450")));

    let second = &document.lines[1];
    let line_period = second.invoice_period.as_ref().expect("BG-26");
    assert_eq!(line_period.start_date, Some(date!(2017 - 12 - 01)));
    assert_eq!(line_period.end_date, Some(date!(2017 - 12 - 05)));
    assert_eq!(second.order_line_reference.as_deref(), Some("124"));
    assert_eq!(second.attributes.len(), 1);
    assert_eq!(
        second.attributes[0].name.as_deref(),
        Some("AdditionalItemName")
    );
    assert_eq!(
        second.attributes[0].value.as_deref(),
        Some("AdditionalItemValue")
    );
}

#[test]
fn credit_note_example_is_read_as_a_credit_note() {
    let document = read_example("base-creditnote-correction.xml");
    assert_eq!(document.kind, DocumentKind::CreditNote);
    assert_eq!(document.type_code.as_deref(), Some("381"));
    assert_eq!(document.preceding_invoices.len(), 1);
    assert_eq!(
        document.preceding_invoices[0].number.as_deref(),
        Some("Snippet1")
    );
    assert_eq!(document.lines.len(), 2);
    assert!(
        document
            .lines
            .iter()
            .all(|line| line.quantity.is_some() && line.unit_code.is_some())
    );
    assert_eq!(document.totals.payable_amount, Some(eur("1656.25")));
}

#[test]
fn negative_amounts_keep_their_sign() {
    let document = read_example("base-negative-inv-correction.xml");
    assert_eq!(document.totals.payable_amount, Some(eur("-1656.25")));
    assert_eq!(
        document.vat_breakdown()[0].taxable_amount,
        Some(eur("-1325"))
    );
}

#[test]
fn exempt_and_outside_scope_examples_keep_their_categories() {
    let exempt = read_example("vat-category-E.xml");
    assert_eq!(exempt.currency.as_deref(), Some("GBP"));
    assert_eq!(
        exempt.vat_breakdown()[0].category_code.as_deref(),
        Some("E")
    );
    assert_eq!(
        exempt.vat_breakdown()[0].tax_amount,
        Some(Amount::new(decimal("0.00"), "GBP"))
    );
    let outside = read_example("vat-category-O.xml");
    assert_eq!(
        outside.vat_breakdown()[0].category_code.as_deref(),
        Some("O")
    );
    assert_eq!(
        outside.totals.payable_amount,
        Some(Amount::new(decimal("3200.00"), "SEK"))
    );
}

// --- individual terms ------------------------------------------------------------------

#[test]
fn an_empty_root_reads_as_an_empty_document() {
    assert_eq!(invoice(""), Document::empty(DocumentKind::Invoice));
    assert_eq!(credit_note(""), Document::empty(DocumentKind::CreditNote));
}

#[test]
fn prefixes_do_not_matter_only_namespaces_do() {
    let xml = br#"<?xml version="1.0"?>
        <ubl:Invoice xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
            xmlns:a="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
            xmlns:b="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
            xmlns:x="urn:example:other">
          <b:ID>42</b:ID>
          <x:ID>not the number</x:ID>
          <a:AccountingSupplierParty><a:Party><a:PartyLegalEntity>
            <b:RegistrationName>Seller</b:RegistrationName>
          </a:PartyLegalEntity></a:Party></a:AccountingSupplierParty>
        </ubl:Invoice>"#;
    let document = read_document(xml).unwrap();
    assert_eq!(document.number.as_deref(), Some("42"));
    assert_eq!(document.seller.name.as_deref(), Some("Seller"));
}

#[test]
fn an_element_in_the_wrong_namespace_is_skipped() {
    let document = invoice("<cac:ID>1</cac:ID><cbc:InvoicePeriod/><ID>2</ID>");
    assert_eq!(document.number, None);
    assert_eq!(document.invoice_period, None);
}

#[test]
fn text_is_trimmed_and_unescaped() {
    let document = invoice(
        "<cbc:ID>\n  A&amp;B &#x41;&#66; <![CDATA[<c>]]>  </cbc:ID><cbc:BuyerReference> </cbc:BuyerReference>",
    );
    assert_eq!(document.number.as_deref(), Some("A&B AB <c>"));
    // Present but empty is not absent.
    assert_eq!(document.buyer_reference.as_deref(), Some(""));
}

#[test]
fn an_empty_identifier_keeps_its_scheme() {
    let document = invoice(
        r#"<cac:AccountingSupplierParty><cac:Party><cac:PartyIdentification><cbc:ID schemeID=" 0088 "/></cac:PartyIdentification></cac:Party></cac:AccountingSupplierParty>"#,
    );
    assert_eq!(
        document.seller.identifiers,
        [Identifier {
            id: String::new(),
            scheme_id: Some("0088".into())
        }]
    );
}

#[test]
fn dates_must_be_calendar_dates_in_iso_form() {
    let document = invoice(
        "<cbc:IssueDate> 2024-02-29 </cbc:IssueDate><cbc:DueDate>2023-02-29</cbc:DueDate><cbc:TaxPointDate>2024-1-01</cbc:TaxPointDate>",
    );
    assert_eq!(document.issue_date, Some(date!(2024 - 02 - 29)));
    assert_eq!(document.due_date, None);
    assert_eq!(document.tax_point_date, None);
    for lexical in [
        "2018-01-01T20:00:00",
        "18-10-01",
        "2019-00-01",
        "2018-05-32",
        "+018-01-01",
    ] {
        let document = invoice(&format!("<cbc:IssueDate>{lexical}</cbc:IssueDate>"));
        assert_eq!(document.issue_date, None, "{lexical}");
    }
}

#[test]
fn amounts_keep_currency_and_scale_and_invalid_ones_are_absent() {
    let document = invoice(
        r#"<cac:LegalMonetaryTotal>
             <cbc:LineExtensionAmount currencyID=" EUR ">100.000</cbc:LineExtensionAmount>
             <cbc:TaxExclusiveAmount>100</cbc:TaxExclusiveAmount>
             <cbc:PayableAmount currencyID="EUR">1e3</cbc:PayableAmount>
           </cac:LegalMonetaryTotal>"#,
    );
    let line_extension = document.totals.line_extension_amount.unwrap();
    assert_eq!(line_extension.currency.as_deref(), Some("EUR"));
    assert_eq!(line_extension.value.scale(), 3);
    assert_eq!(document.totals.tax_exclusive_amount.unwrap().currency, None);
    assert_eq!(document.totals.payable_amount, None);
}

#[test]
fn the_note_subject_code_is_split_off() {
    let document =
        invoice("<cbc:Note>#AAI#Free text</cbc:Note><cbc:Note>No code # here</cbc:Note>");
    assert_eq!(document.notes.len(), 2);
    assert_eq!(document.notes[0].subject_code.as_deref(), Some("AAI"));
    assert_eq!(document.notes[0].text, "Free text");
    assert_eq!(document.notes[1].subject_code, None);
    assert_eq!(document.notes[1].text, "No code # here");
}

#[test]
fn charge_indicator_is_a_boolean() {
    let document = invoice(
        "<cac:AllowanceCharge><cbc:ChargeIndicator> true </cbc:ChargeIndicator></cac:AllowanceCharge>
         <cac:AllowanceCharge><cbc:ChargeIndicator>1</cbc:ChargeIndicator></cac:AllowanceCharge>
         <cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator></cac:AllowanceCharge>
         <cac:AllowanceCharge><cbc:ChargeIndicator>TRUE</cbc:ChargeIndicator></cac:AllowanceCharge>
         <cac:AllowanceCharge/>",
    );
    let indicators: Vec<_> = document
        .allowance_charges
        .iter()
        .map(|item| (item.charge_indicator, item.charge_indicator_text.as_deref()))
        .collect();
    // The text is kept when it is not `true` or `false` (PEPPOL-EN16931-R043).
    assert_eq!(
        indicators,
        [
            (true, None),
            (true, Some("1")),
            (false, None),
            (false, Some("TRUE")),
            (false, Some(""))
        ]
    );
}

#[test]
fn the_price_allowance_keeps_an_indicator_that_is_not_false() {
    let document = invoice(
        r#"<cac:InvoiceLine><cac:Price><cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator></cac:AllowanceCharge></cac:Price></cac:InvoiceLine>
           <cac:InvoiceLine><cac:Price><cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator><cbc:Amount currencyID="EUR">1</cbc:Amount></cac:AllowanceCharge></cac:Price></cac:InvoiceLine>
           <cac:InvoiceLine><cac:Price><cac:AllowanceCharge><cbc:Amount currencyID="EUR">1</cbc:Amount></cac:AllowanceCharge></cac:Price></cac:InvoiceLine>
           <cac:InvoiceLine><cac:Price><cbc:PriceAmount currencyID="EUR">1</cbc:PriceAmount></cac:Price></cac:InvoiceLine>"#,
    );
    let indicators: Vec<_> = document
        .lines
        .iter()
        .map(|line| {
            line.price
                .as_ref()
                .unwrap()
                .charge_indicator_text
                .as_deref()
        })
        .collect();
    assert_eq!(indicators, [None, Some("true"), Some(""), None]);
}

#[test]
fn values_that_are_not_of_their_type_are_kept_as_unparsed() {
    let document = invoice(
        r#"<cbc:IssueDate>123</cbc:IssueDate><cbc:DueDate/>
           <cac:InvoicePeriod><cbc:StartDate>2024-1-1</cbc:StartDate><cbc:EndDate>2024-01-31</cbc:EndDate></cac:InvoicePeriod>
           <cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>1</cbc:ID><cbc:IssueDate>yesterday</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference>
           <cac:Delivery><cbc:ActualDeliveryDate>01.02.2024</cbc:ActualDeliveryDate></cac:Delivery>
           <cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:Amount currencyID="EUR">ten</cbc:Amount>
             <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21%</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:AllowanceCharge>
           <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">1e2</cbc:TaxAmount>
             <cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">1 000</cbc:TaxableAmount></cac:TaxSubtotal></cac:TaxTotal>
           <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">-</cbc:PayableAmount></cac:LegalMonetaryTotal>
           <cac:InvoiceLine><cbc:InvoicedQuantity unitCode="C62">1,5</cbc:InvoicedQuantity>
             <cac:InvoicePeriod><cbc:EndDate>2024-02-30</cbc:EndDate></cac:InvoicePeriod>
             <cac:Price><cbc:PriceAmount currencyID="EUR">NaN</cbc:PriceAmount><cbc:BaseQuantity>x</cbc:BaseQuantity></cac:Price></cac:InvoiceLine>"#,
    );
    let unparsed: Vec<(&str, &str)> = document
        .unparsed
        .iter()
        .map(|Unparsed { pointer, text }| (pointer.as_str(), text.as_str()))
        .collect();
    assert_eq!(
        unparsed,
        [
            ("/issueDate", "123"),
            ("/dueDate", ""),
            ("/invoicePeriod/startDate", "2024-1-1"),
            ("/precedingInvoices/0/issueDate", "yesterday"),
            ("/delivery/deliveryDate", "01.02.2024"),
            ("/allowanceCharges/0/amount", "ten"),
            ("/allowanceCharges/0/vatRate", "21%"),
            ("/totals/taxAmount", "1e2"),
            ("/taxBreakdown/0/taxableAmount", "1 000"),
            ("/totals/payableAmount", "-"),
            ("/lines/0/quantity", "1,5"),
            ("/lines/0/invoicePeriod/endDate", "2024-02-30"),
            ("/lines/0/netUnitPrice", "NaN"),
            ("/lines/0/priceBaseQuantity/quantity", "x"),
        ]
    );
    assert_eq!(document.issue_date, None);
    assert_eq!(document.unparsed.iter().filter(|u| u.is_date()).count(), 6);
    assert_eq!(document.unparsed_text("/lines/0/quantity"), Some("1,5"));
    // A credit note's BT-9 is the payment means' due date.
    let credit = credit_note(
        "<cac:PaymentMeans><cbc:PaymentDueDate>soon</cbc:PaymentDueDate></cac:PaymentMeans>",
    );
    assert_eq!(credit.unparsed_text("/dueDate"), Some("soon"));
}

#[test]
fn every_embedded_binary_object_is_an_attachment() {
    let document = invoice(
        r#"<cac:ContractDocumentReference><cbc:ID>C-1</cbc:ID><cac:Attachment>
             <cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="contract.pdf">aGVsbG8=</cbc:EmbeddedDocumentBinaryObject>
           </cac:Attachment></cac:ContractDocumentReference>
           <cac:AdditionalDocumentReference><cbc:ID>A-1</cbc:ID><cac:Attachment>
             <cbc:EmbeddedDocumentBinaryObject mimeCode="text/csv" filename="a.csv">YQ==</cbc:EmbeddedDocumentBinaryObject>
             <cbc:EmbeddedDocumentBinaryObject mimeCode="image/png" filename="second.png">Yg==</cbc:EmbeddedDocumentBinaryObject>
           </cac:Attachment></cac:AdditionalDocumentReference>
           <cbc:EmbeddedDocumentBinaryObject mimeCode="image/tiff"/>"#,
    );
    let attachments: Vec<_> = document
        .attachments
        .iter()
        .map(|attachment| {
            (
                attachment.id.as_deref(),
                attachment.mime_code.as_deref(),
                attachment.filename.as_deref(),
            )
        })
        .collect();
    // The reference's own object first, then every other one in document order.
    assert_eq!(
        attachments,
        [
            (Some("A-1"), Some("text/csv"), Some("a.csv")),
            (None, Some("application/pdf"), Some("contract.pdf")),
            (None, Some("image/png"), Some("second.png")),
            (None, Some("image/tiff"), None),
        ]
    );
    assert_eq!(
        document.attachments[1].content.as_deref(),
        Some(&b"hello"[..])
    );
    assert_eq!(document.contract_reference.as_deref(), Some("C-1"));
}

#[test]
fn every_project_reference_is_read() {
    let credit = credit_note(
        "<cac:AdditionalDocumentReference><cbc:DocumentTypeCode>50</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>
         <cac:AdditionalDocumentReference><cbc:ID>PRJ-2</cbc:ID><cbc:DocumentTypeCode>50</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>",
    );
    assert_eq!(credit.project_references, [None, Some("PRJ-2".to_owned())]);
    assert_eq!(credit.project_reference(), None);
    let invoice = invoice(
        "<cac:ProjectReference><cbc:ID>PRJ-1</cbc:ID></cac:ProjectReference>
         <cac:ProjectReference><cbc:ID>PRJ-2</cbc:ID></cac:ProjectReference>",
    );
    assert_eq!(
        invoice.project_references,
        [Some("PRJ-1".to_owned()), Some("PRJ-2".to_owned())]
    );
    assert_eq!(invoice.project_reference(), Some("PRJ-1"));
}

#[test]
fn negative_zero_keeps_its_sign() {
    let document = invoice(
        r#"<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">-0.00</cbc:PayableAmount></cac:LegalMonetaryTotal>"#,
    );
    let payable = document.totals.payable_amount.unwrap().value;
    assert_eq!(payable.to_string(), "-0.00");
}

#[test]
fn vat_category_prefers_the_vat_scheme_and_ignores_others() {
    let document = invoice(
        "<cac:InvoiceLine><cac:Item>
           <cac:ClassifiedTaxCategory><cbc:ID>X</cbc:ID><cac:TaxScheme><cbc:ID>GST</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
           <cac:ClassifiedTaxCategory><cbc:ID>Z</cbc:ID></cac:ClassifiedTaxCategory>
           <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>vat</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
         </cac:Item></cac:InvoiceLine>
         <cac:InvoiceLine><cac:Item>
           <cac:ClassifiedTaxCategory><cbc:ID>X</cbc:ID><cac:TaxScheme><cbc:ID>GST</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
           <cac:ClassifiedTaxCategory><cbc:ID>Z</cbc:ID></cac:ClassifiedTaxCategory>
         </cac:Item></cac:InvoiceLine>
         <cac:InvoiceLine><cac:Item>
           <cac:ClassifiedTaxCategory><cbc:ID>X</cbc:ID><cac:TaxScheme><cbc:ID>GST</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
         </cac:Item></cac:InvoiceLine>",
    );
    let categories: Vec<_> = document
        .lines
        .iter()
        .map(|line| line.vat_category_code.as_deref())
        .collect();
    assert_eq!(categories, [Some("S"), Some("Z"), None]);
    assert_eq!(document.lines[0].vat_rate, Some(decimal("21")));
}

#[test]
fn party_tax_schemes_split_into_vat_and_tax_registration() {
    let document = invoice(
        "<cac:AccountingSupplierParty><cac:Party>
           <cac:PartyTaxScheme><cbc:CompanyID>Foretaksregisteret</cbc:CompanyID><cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
           <cac:PartyTaxScheme><cbc:CompanyID>NO999999999MVA</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
         </cac:Party></cac:AccountingSupplierParty>
         <cac:AccountingCustomerParty><cac:Party>
           <cac:PartyTaxScheme><cbc:CompanyID>not a VAT id</cbc:CompanyID></cac:PartyTaxScheme>
           <cac:PartyLegalEntity><cbc:CompanyLegalForm>not a buyer term</cbc:CompanyLegalForm></cac:PartyLegalEntity>
         </cac:Party></cac:AccountingCustomerParty>
         <cac:TaxRepresentativeParty>
           <cac:PartyName><cbc:Name>Representative</cbc:Name></cac:PartyName>
           <cac:PartyTaxScheme><cbc:CompanyID>EL9999</cbc:CompanyID><cac:TaxScheme><cbc:ID>COM</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
         </cac:TaxRepresentativeParty>",
    );
    assert_eq!(document.seller.vat_id.as_deref(), Some("NO999999999MVA"));
    assert_eq!(
        document.seller.tax_registration_id.as_deref(),
        Some("Foretaksregisteret")
    );
    assert_eq!(document.buyer.vat_id, None);
    assert_eq!(document.buyer.tax_registration_id, None);
    assert_eq!(document.buyer.legal_form, None);
    let representative = document.tax_representative.unwrap();
    assert_eq!(representative.name.as_deref(), Some("Representative"));
    assert_eq!(representative.vat_id, None);
}

#[test]
fn additional_document_references_split_by_type_code() {
    let references = r#"
        <cac:AdditionalDocumentReference><cbc:ID schemeID="AUN">OBJ-1</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>
        <cac:AdditionalDocumentReference><cbc:ID>PRJ-1</cbc:ID><cbc:DocumentTypeCode>50</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>
        <cac:AdditionalDocumentReference><cbc:ID>DOC-1</cbc:ID><cac:Attachment>
          <cbc:EmbeddedDocumentBinaryObject mimeCode="text/plain" filename="hello.txt">
            aGVs
            bG8=
          </cbc:EmbeddedDocumentBinaryObject>
        </cac:Attachment></cac:AdditionalDocumentReference>"#;
    let credit = credit_note(references);
    assert_eq!(
        credit.invoiced_object_identifier,
        Some(Identifier {
            id: "OBJ-1".into(),
            scheme_id: Some("AUN".into())
        })
    );
    assert_eq!(credit.project_references, [Some("PRJ-1".to_owned())]);
    assert_eq!(credit.attachments.len(), 1);
    let attachment = &credit.attachments[0];
    assert_eq!(attachment.id.as_deref(), Some("DOC-1"));
    assert_eq!(attachment.content.as_deref(), Some(&b"hello"[..]));
    assert_eq!(attachment.mime_code.as_deref(), Some("text/plain"));
    assert_eq!(attachment.filename.as_deref(), Some("hello.txt"));

    // An invoice has `ProjectReference`; a type code 50 there is an ordinary document.
    let invoice = invoice(&format!(
        "{references}<cac:ProjectReference><cbc:ID>PRJ-2</cbc:ID></cac:ProjectReference>"
    ));
    assert_eq!(invoice.project_references, [Some("PRJ-2".to_owned())]);
    assert_eq!(invoice.attachments.len(), 2);
}

#[test]
fn document_references_are_read() {
    let document = invoice(
        "<cac:OrderReference><cbc:ID>PO-1</cbc:ID><cbc:SalesOrderID>SO-1</cbc:SalesOrderID></cac:OrderReference>
         <cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>INV-0</cbc:ID><cbc:IssueDate>2020-01-31</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference>
         <cac:BillingReference/>
         <cac:DespatchDocumentReference><cbc:ID>DESP</cbc:ID></cac:DespatchDocumentReference>
         <cac:ReceiptDocumentReference><cbc:ID>RECV</cbc:ID></cac:ReceiptDocumentReference>
         <cac:OriginatorDocumentReference><cbc:ID>TENDER</cbc:ID></cac:OriginatorDocumentReference>
         <cac:ContractDocumentReference><cbc:ID>CONTRACT</cbc:ID></cac:ContractDocumentReference>",
    );
    assert_eq!(document.order_reference.as_deref(), Some("PO-1"));
    assert_eq!(document.sales_order_reference.as_deref(), Some("SO-1"));
    assert_eq!(document.preceding_invoices.len(), 2);
    assert_eq!(
        document.preceding_invoices[0].number.as_deref(),
        Some("INV-0")
    );
    assert_eq!(
        document.preceding_invoices[0].issue_date,
        Some(date!(2020 - 01 - 31))
    );
    assert_eq!(document.preceding_invoices[1].number, None);
    assert_eq!(document.despatch_advice_reference.as_deref(), Some("DESP"));
    assert_eq!(document.receiving_advice_reference.as_deref(), Some("RECV"));
    assert_eq!(document.tender_reference.as_deref(), Some("TENDER"));
    assert_eq!(document.contract_reference.as_deref(), Some("CONTRACT"));
}

#[test]
fn invoice_period_carries_the_tax_point_date_code() {
    let document = invoice(
        "<cac:InvoicePeriod><cbc:DescriptionCode>35</cbc:DescriptionCode></cac:InvoicePeriod>
         <cac:InvoiceLine><cac:InvoicePeriod><cbc:StartDate>2020-01-01</cbc:StartDate><cbc:DescriptionCode>3</cbc:DescriptionCode></cac:InvoicePeriod></cac:InvoiceLine>",
    );
    assert_eq!(
        document
            .invoice_period
            .and_then(|period| period.description_code)
            .as_deref(),
        Some("35")
    );
    let line_period = document.lines[0].invoice_period.clone().unwrap();
    assert_eq!(line_period.start_date, Some(date!(2020 - 01 - 01)));
    assert_eq!(line_period.description_code, None);
}

#[test]
fn credit_note_due_date_is_the_payment_due_date() {
    let document = credit_note(
        "<cbc:DueDate>2020-01-01</cbc:DueDate>
         <cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode></cac:PaymentMeans>
         <cac:PaymentMeans><cbc:PaymentDueDate>2018-08-08</cbc:PaymentDueDate></cac:PaymentMeans>
         <cac:CreditNoteLine><cbc:CreditedQuantity unitCode=\"H87\">-2.5</cbc:CreditedQuantity></cac:CreditNoteLine>
         <cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>",
    );
    assert_eq!(document.due_date, Some(date!(2018 - 08 - 08)));
    assert_eq!(document.type_code.as_deref(), Some("381"));
    assert_eq!(document.lines.len(), 1);
    assert_eq!(document.lines[0].quantity, Some(decimal("-2.5")));
    assert_eq!(document.lines[0].unit_code.as_deref(), Some("H87"));
    // In an invoice `PaymentDueDate` is not BT-9.
    let invoice = invoice(
        "<cac:PaymentMeans><cbc:PaymentDueDate>2018-08-08</cbc:PaymentDueDate></cac:PaymentMeans>",
    );
    assert_eq!(invoice.due_date, None);
}

#[test]
fn payment_card_and_direct_debit_are_read_with_the_creditor_id() {
    let document = invoice(
        r#"<cac:AccountingSupplierParty><cac:Party>
             <cac:PartyIdentification><cbc:ID>SELLER-1</cbc:ID></cac:PartyIdentification>
             <cac:PartyIdentification><cbc:ID schemeID="SEPA">DE98ZZZ09999999999</cbc:ID></cac:PartyIdentification>
           </cac:Party></cac:AccountingSupplierParty>
           <cac:PaymentMeans>
             <cbc:PaymentMeansCode>59</cbc:PaymentMeansCode>
             <cac:PaymentMandate><cbc:ID>MANDATE-1</cbc:ID>
               <cac:PayerFinancialAccount><cbc:ID>DE75512108001245126199</cbc:ID></cac:PayerFinancialAccount>
             </cac:PaymentMandate>
           </cac:PaymentMeans>
           <cac:PaymentMeans>
             <cbc:PaymentMeansCode>54</cbc:PaymentMeansCode>
             <cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID>
               <cbc:NetworkID>VISA</cbc:NetworkID><cbc:HolderName>Holder</cbc:HolderName></cac:CardAccount>
           </cac:PaymentMeans>"#,
    );
    let debit = document.payment_means[0].direct_debit.as_ref().unwrap();
    assert_eq!(debit.mandate_reference.as_deref(), Some("MANDATE-1"));
    assert_eq!(debit.creditor_id.as_deref(), Some("DE98ZZZ09999999999"));
    assert_eq!(
        debit.debited_account.as_deref(),
        Some("DE75512108001245126199")
    );
    // BT-90 went to the direct debit: it is not also a seller identifier (BT-29).
    assert_eq!(
        document.seller.identifiers,
        [Identifier {
            id: "SELLER-1".into(),
            scheme_id: None
        }]
    );
    let card = document.payment_means[1].card.as_ref().unwrap();
    assert_eq!(card.account_number.as_deref(), Some("1234"));
    assert_eq!(card.network_id.as_deref(), Some("VISA"));
    assert_eq!(card.holder_name.as_deref(), Some("Holder"));
}

#[test]
fn a_sepa_identification_without_a_direct_debit_stays_a_seller_identifier() {
    let document = invoice(
        r#"<cac:AccountingSupplierParty><cac:Party>
             <cac:PartyIdentification><cbc:ID schemeID="SEPA">DE98ZZZ09999999999</cbc:ID></cac:PartyIdentification>
           </cac:Party></cac:AccountingSupplierParty>"#,
    );
    assert_eq!(
        document.seller.identifiers,
        [Identifier {
            id: "DE98ZZZ09999999999".into(),
            scheme_id: Some("SEPA".into())
        }]
    );
}

#[test]
fn payee_is_read_and_its_sepa_identification_is_the_creditor_id() {
    let document = invoice(
        r#"<cac:PayeeParty>
             <cac:PartyIdentification><cbc:ID schemeID="SEPA">CREDITOR</cbc:ID></cac:PartyIdentification>
             <cac:PartyIdentification><cbc:ID schemeID="0088">PAYEE-1</cbc:ID></cac:PartyIdentification>
             <cac:PartyName><cbc:Name>Payee</cbc:Name></cac:PartyName>
             <cac:PartyLegalEntity><cbc:CompanyID schemeID="0002">LEGAL</cbc:CompanyID></cac:PartyLegalEntity>
           </cac:PayeeParty>
           <cac:PaymentMeans><cac:PaymentMandate><cbc:ID>M</cbc:ID></cac:PaymentMandate></cac:PaymentMeans>"#,
    );
    let payee = document.payee.unwrap();
    assert_eq!(payee.name.as_deref(), Some("Payee"));
    assert_eq!(
        payee.identifier,
        Some(Identifier {
            id: "PAYEE-1".into(),
            scheme_id: Some("0088".into())
        })
    );
    assert_eq!(payee.legal_registration_id.as_deref(), Some("LEGAL"));
    assert_eq!(payee.legal_registration_scheme_id.as_deref(), Some("0002"));
    let debit = document.payment_means[0].direct_debit.as_ref().unwrap();
    assert_eq!(debit.creditor_id.as_deref(), Some("CREDITOR"));
}

#[test]
fn line_references_and_item_identifiers_are_read() {
    let document = invoice(
        r#"<cac:InvoiceLine>
             <cac:DocumentReference><cbc:ID schemeID="XXA">NOT-AN-OBJECT</cbc:ID></cac:DocumentReference>
             <cac:DocumentReference><cbc:ID schemeID="ABZ">OBJ</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:DocumentReference>
             <cac:Item>
               <cac:BuyersItemIdentification><cbc:ID>B-1</cbc:ID></cac:BuyersItemIdentification>
               <cac:StandardItemIdentification><cbc:ID schemeID="0160">10986700</cbc:ID></cac:StandardItemIdentification>
               <cac:CommodityClassification><cbc:ItemClassificationCode listID="STI" listVersionID="19.05.01">9873242</cbc:ItemClassificationCode></cac:CommodityClassification>
             </cac:Item>
           </cac:InvoiceLine>"#,
    );
    let line = &document.lines[0];
    assert_eq!(
        line.object_identifier,
        Some(Identifier {
            id: "OBJ".into(),
            scheme_id: Some("ABZ".into())
        })
    );
    // The other document references are kept (PEPPOL-EN16931-R100, R101).
    assert_eq!(
        line.document_references,
        [DocumentReference {
            id: Some(Identifier {
                id: "NOT-AN-OBJECT".into(),
                scheme_id: Some("XXA".into())
            }),
            type_code: None,
        }]
    );
    assert_eq!(line.buyers_item_id.as_deref(), Some("B-1"));
    assert_eq!(
        line.standard_item_id,
        Some(Identifier {
            id: "10986700".into(),
            scheme_id: Some("0160".into())
        })
    );
    assert_eq!(
        line.classifications[0].list_version_id.as_deref(),
        Some("19.05.01")
    );
}

#[test]
fn the_line_object_identifier_is_the_first_reference_of_type_130_with_an_id() {
    let document = invoice(
        "<cac:InvoiceLine>
             <cac:DocumentReference><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:DocumentReference>
             <cac:DocumentReference><cbc:ID>OBJ-2</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:DocumentReference>
           </cac:InvoiceLine>",
    );
    let line = &document.lines[0];
    assert_eq!(
        line.object_identifier.as_ref().map(|id| id.id.as_str()),
        Some("OBJ-2")
    );
    assert_eq!(
        line.document_references,
        [DocumentReference {
            id: None,
            type_code: Some("130".into())
        }]
    );
}

// --- limits and refusals ---------------------------------------------------------------

#[test]
fn a_document_over_max_bytes_is_too_large() {
    let xml = example("base-example.xml");
    let limits = ReadLimits {
        max_bytes: xml.len() - 1,
        ..ReadLimits::default()
    };
    assert_eq!(
        read_document_with_limits(&xml, limits),
        Err(ReadError::TooLarge { max: xml.len() - 1 })
    );
    let limits = ReadLimits {
        max_bytes: xml.len(),
        ..ReadLimits::default()
    };
    assert!(read_document_with_limits(&xml, limits).is_ok());
}

#[test]
fn nesting_deeper_than_max_depth_is_too_deep() {
    let nested = |depth: usize| {
        format!(
            r#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">{}{}</Invoice>"#,
            "<x>".repeat(depth - 1),
            "</x>".repeat(depth - 1)
        )
    };
    let limits = ReadLimits {
        max_depth: 10,
        ..ReadLimits::default()
    };
    assert!(read_document_with_limits(nested(10).as_bytes(), limits).is_ok());
    assert_eq!(
        read_document_with_limits(nested(11).as_bytes(), limits),
        Err(ReadError::TooDeep { max: 10 })
    );
    // An empty element counts as a level too.
    let empty = r#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><a><b/></a></Invoice>"#;
    let limits = ReadLimits {
        max_depth: 2,
        ..ReadLimits::default()
    };
    assert_eq!(
        read_document_with_limits(empty.as_bytes(), limits),
        Err(ReadError::TooDeep { max: 2 })
    );
    // The default limit holds a billion laughs' worth of nesting back.
    let deep = nested(100_000);
    assert_eq!(
        read_document(deep.as_bytes()),
        Err(ReadError::TooDeep { max: 64 })
    );
}

#[test]
fn a_doctype_is_malformed() {
    let xml = br#"<?xml version="1.0"?>
        <!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><cbc:ID xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">&xxe;</cbc:ID></Invoice>"#;
    assert!(
        matches!(read_document(xml), Err(ReadError::Malformed(_))),
        "{:?}",
        read_document(xml)
    );
}

#[test]
fn an_undefined_entity_is_malformed() {
    let xml = br#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&nbsp;</Invoice>"#;
    assert!(matches!(read_document(xml), Err(ReadError::Malformed(_))));
}

#[test]
fn a_root_that_is_not_ubl_is_refused() {
    for xml in [
        r#"<Invoice xmlns="urn:example:not-ubl"/>"#,
        "<Invoice/>",
        r#"<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>"#,
        r#"<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><cbc:ID/></Order>"#,
    ] {
        assert!(
            matches!(read_document(xml.as_bytes()), Err(ReadError::NotUbl(_))),
            "{xml}: {:?}",
            read_document(xml.as_bytes())
        );
    }
}

#[test]
fn xml_that_is_not_well_formed_is_malformed() {
    let root = r#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">"#;
    for xml in [
        String::new(),
        "not xml".to_owned(),
        root.to_owned(),
        format!("{root}<a></b></Invoice>"),
        format!("{root}</Invoice><Invoice/>"),
        format!("{root}</Invoice>trailing"),
        format!("{root}<p:a/></Invoice>"),
        format!("{root}<a x='1' x='2'/></Invoice>"),
        format!("{root}& </Invoice>"),
    ] {
        assert!(
            matches!(read_document(xml.as_bytes()), Err(ReadError::Malformed(_))),
            "{xml:?}: {:?}",
            read_document(xml.as_bytes())
        );
    }
    let mut latin1 = format!("{root}<cbc:ID xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">").into_bytes();
    latin1.extend_from_slice(b"\xE9</cbc:ID></Invoice>");
    assert!(matches!(
        read_document(&latin1),
        Err(ReadError::Malformed(_))
    ));
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let mut xml = b"\xEF\xBB\xBF".to_vec();
    xml.extend_from_slice(&example("base-example.xml"));
    assert_eq!(
        read_document(&xml).unwrap().number.as_deref(),
        Some("Snippet1")
    );
}

// --- random input ----------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        // Integration tests have no `lib.rs` to put a regressions file next to.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read_document(&bytes);
    }

    #[test]
    fn random_xml_like_text_never_panics(text in r#"(<[a-z:]{0,6}( [a-z:]{1,6}="[^"<]{0,6}")?/?>|</[a-z:]{0,6}>|[^<]{0,8}|&[a-z#0-9]{0,5};?){0,40}"#) {
        let xml = format!(
            r#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" {NAMESPACES}>{text}</Invoice>"#
        );
        let _ = read_document(xml.as_bytes());
    }

    #[test]
    fn mutated_examples_never_panic(
        name in proptest::sample::select(vec!["base-example.xml", "Allowance-example.xml", "base-creditnote-correction.xml"]),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
    ) {
        let mut xml = example(name);
        for (index, byte) in edits {
            let position = index.index(xml.len());
            xml[position] = byte;
        }
        let _ = read_document(&xml);
    }

    #[test]
    fn truncated_examples_never_panic(cut in any::<prop::sample::Index>()) {
        let xml = example("Allowance-example.xml");
        let _ = read_document(&xml[..cut.index(xml.len())]);
    }
}
