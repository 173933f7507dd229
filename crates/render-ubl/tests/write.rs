//! The UBL writer: golden files, element order, escaping, no empty elements, and schema
//! validity of every rendered document against the OASIS UBL 2.1 XSD (`xmllint`, from
//! Debian's `libxml2-utils`: the schema tests FAIL when it is missing).
//!
//! Set `UBL_OUT_DIR` to also write every complete rendered document there (then run
//! `.ci/validate-ubl.py` on that directory for the official Peppol/CEN rules); set
//! `UPDATE_GOLDEN=1` to rewrite the golden files in `tests/fixtures/`.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use einvoice_domain::document::calculation::complete;
use einvoice_domain::document::model::{
    Account, Address, AllowanceCharge, Amount, Attachment, Card, Classification, Contact, Delivery,
    DirectDebit, Document, DocumentKind, Identifier, ItemAttribute, Line, Note, Party, Payee,
    PaymentMeans, Period, PrecedingInvoice, Price, TaxRepresentative, TaxTotal, VatBreakdown,
};
use einvoice_domain::document::{Severity, validate};
use einvoice_render_ubl::{render, render_document};
use proptest::prelude::*;
use quick_xml::events::Event;
use rust_decimal::Decimal;
use time::macros::date;

// ---------------------------------------------------------------------------------------
// Building documents
// ---------------------------------------------------------------------------------------

fn dec(text: &str) -> Decimal {
    text.parse().expect("decimal literal")
}

fn eur(text: &str) -> Amount {
    Amount::new(dec(text), "EUR")
}

#[expect(
    clippy::unnecessary_wraps,
    reason = "the model's optional terms are Option<String>: keeps the builders short"
)]
fn some(text: &str) -> Option<String> {
    Some(text.to_owned())
}

fn identifier(id: &str, scheme: &str) -> Identifier {
    Identifier {
        id: id.to_owned(),
        scheme_id: some(scheme),
    }
}

fn address(street: &str, city: &str, post_code: &str, country: &str) -> Address {
    Address {
        street1: some(street),
        city: some(city),
        post_code: some(post_code),
        country_code: some(country),
        ..Address::default()
    }
}

/// The seller of seed 004 (a Luxembourg company).
fn vigasoft() -> Party {
    Party {
        name: some("Vigasoft S.à r.l.-S."),
        vat_id: some("LU12345678"),
        electronic_address: some("LU12345678"),
        electronic_address_scheme_id: some("9938"),
        address: Some(address(
            "9, rue Marcel Schintgen",
            "Lamadelaine",
            "L-4889",
            "LU",
        )),
        ..Party::default()
    }
}

/// The buyer of seed 004 (a Belgian company).
fn acme_belgium() -> Party {
    Party {
        name: some("ACME Belgium SA"),
        vat_id: some("BE0123456789"),
        electronic_address: some("BE0123456789"),
        electronic_address_scheme_id: some("9925"),
        address: Some(address("Avenue Louise 100", "Bruxelles", "1050", "BE")),
        ..Party::default()
    }
}

fn line(id: &str, quantity: &str, price: &str, category: &str, rate: &str, name: &str) -> Line {
    Line {
        id: some(id),
        quantity: Some(dec(quantity)),
        unit_code: some("C62"),
        price: Some(Price {
            net_amount: Some(eur(price)),
            ..Price::default()
        }),
        vat_category_code: some(category),
        vat_rate: Some(dec(rate)),
        item_name: some(name),
        ..Line::default()
    }
}

fn sepa_transfer(remittance: &str) -> PaymentMeans {
    PaymentMeans {
        code: some("58"),
        remittance_information: some(remittance),
        accounts: vec![Account {
            iban: some("LU000000000000000000"),
            account_name: some("Vigasoft"),
            bic: some("BCEELULL"),
        }],
        ..PaymentMeans::default()
    }
}

/// Seed 004: LU seller, BE buyer, 10 × 100.00 EUR at 21 % S, SEPA credit transfer.
fn seed_invoice() -> Document {
    let mut document = Document::empty(DocumentKind::Invoice);
    document.number = some("INV-2026-00042");
    document.issue_date = Some(date!(2026 - 05 - 05));
    document.type_code = some("380");
    document.currency = some("EUR");
    document.due_date = Some(date!(2026 - 06 - 04));
    document.buyer_reference = some("PO-7788");
    document.payment_terms = some("Net 30 days");
    document.seller = vigasoft();
    document.buyer = acme_belgium();
    document.payment_means.push(sepa_transfer("INV-2026-00042"));
    document.tax_totals.push(TaxTotal {
        tax_amount: None,
        subtotals: vec![VatBreakdown {
            category_code: some("S"),
            rate: Some(dec("21.00")),
            taxable_amount: Some(eur("1000.00")),
            ..VatBreakdown::default()
        }],
    });
    document
        .lines
        .push(line("1", "10", "100.00", "S", "21.00", "Widget"));
    complete(&mut document);
    document
}

/// A credit note for part of seed 004's invoice, with an exempt line and a tax point date.
fn credit_note() -> Document {
    let mut document = Document::empty(DocumentKind::CreditNote);
    document.number = some("CN-2026-00007");
    document.issue_date = Some(date!(2026 - 05 - 15));
    document.type_code = some("381");
    document.currency = some("EUR");
    document.tax_point_date = Some(date!(2026 - 05 - 15));
    document.buyer_reference = some("PO-7788");
    document.payment_terms = some("Refund within 14 days");
    document.preceding_invoices.push(PrecedingInvoice {
        number: some("INV-2026-00042"),
        issue_date: Some(date!(2026 - 05 - 05)),
    });
    document.seller = vigasoft();
    document.buyer = acme_belgium();
    document.project_references = vec![some("PRJ-17")];
    document.payment_means.push(sepa_transfer("CN-2026-00007"));
    document
        .lines
        .push(line("1", "2", "100.00", "S", "21.00", "Widget (returned)"));
    document
        .lines
        .push(line("2", "1", "35.50", "E", "0", "Training voucher"));
    complete(&mut document);
    for entry in &mut document.tax_totals[0].subtotals {
        if entry.category_code.as_deref() == Some("E") {
            entry.exemption_reason_code = some("VATEX-EU-132");
            entry.exemption_reason =
                some("Exempt based on article 132 of Council Directive 2006/112/EC");
        }
    }
    document
}

/// A minimal, well-formed one-page PDF.
fn pdf_bytes() -> Vec<u8> {
    let mut pdf = Vec::new();
    pdf.extend_from_slice(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    pdf.extend_from_slice(b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
    pdf.extend_from_slice(b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
    pdf.extend_from_slice(
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n",
    );
    pdf.extend_from_slice(b"trailer << /Root 1 0 R >>\n%%EOF\n");
    pdf
}

/// An invoice with every optional business term the model has (BT-8 rather than BT-7,
/// which exclude each other), non-Latin text, a tax currency with BT-111, a payee who
/// collects by SEPA direct debit, allowances and charges on both levels, and attachments.
fn full_invoice() -> Document {
    let mut document = Document::empty(DocumentKind::Invoice);
    document.customization_id =
        some("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0");
    document.profile_id = some("urn:fdc:peppol.eu:2017:poacc:billing:01:1.0");
    document.number = some("FULL-2026-0001");
    document.issue_date = Some(date!(2026 - 05 - 05));
    document.due_date = Some(date!(2026 - 06 - 04));
    document.type_code = some("380");
    document.notes.push(Note {
        subject_code: some("AAI"),
        text: "Ευχαριστούμε! 感谢您的订单 🧾 — terms & conditions <apply>".to_owned(),
    });
    document.currency = some("EUR");
    document.tax_currency = some("SEK");
    document.accounting_cost = some("4025:123:4343");
    document.buyer_reference = some("PO-7788");
    document.invoice_period = Some(Period {
        start_date: Some(date!(2026 - 04 - 01)),
        end_date: Some(date!(2026 - 04 - 30)),
        description_code: some("3"),
    });
    document.order_reference = some("PO-7788-A");
    document.sales_order_reference = some("SO-991");
    document.preceding_invoices.push(PrecedingInvoice {
        number: some("INV-2026-00017"),
        issue_date: Some(date!(2026 - 03 - 31)),
    });
    document.despatch_advice_reference = some("DESADV-55");
    document.receiving_advice_reference = some("RECADV-56");
    document.tender_reference = some("TENDER-2026-3");
    document.contract_reference = some("CONTRACT-12");
    document.invoiced_object_identifier = Some(identifier("OBJ-4711", "ABZ"));
    document.attachments.push(Attachment {
        id: some("ATT-1"),
        description: some("Timesheet April 2026"),
        content: Some(pdf_bytes()),
        mime_code: some("application/pdf"),
        filename: some("timesheet-2026-04.pdf"),
        ..Attachment::default()
    });
    document.attachments.push(Attachment {
        id: some("ATT-2"),
        description: some("Delivery note"),
        uri: some("https://documents.example.com/delivery?note=DN-77&format=pdf"),
        ..Attachment::default()
    });
    document.project_references = vec![some("PRJ-17")];
    document.seller = Party {
        name: some("Vigasoft S.à r.l.-S."),
        trading_name: some("Vigasoft Ελλάς"),
        identifiers: vec![identifier("5790000435951", "0088")],
        legal_registration_id: some("123456789"),
        legal_registration_scheme_id: some("0060"),
        vat_id: some("LU12345678"),
        tax_registration_id: some("LU-TAX-998877"),
        legal_form: some("Société à responsabilité limitée simplifiée, capital 1 EUR"),
        electronic_address: some("LU12345678"),
        electronic_address_scheme_id: some("9938"),
        address: Some(Address {
            street1: some("9, rue Marcel Schintgen"),
            street2: some("Bâtiment B"),
            additional_street: some("3e étage"),
            city: some("Lamadelaine"),
            post_code: some("L-4889"),
            country_subdivision: some("Pétange"),
            country_code: some("LU"),
        }),
        contact: Some(Contact {
            name: some("Γιώργος Παπαδόπουλος"),
            phone: some("+352 123 456"),
            email: some("billing@vigasoft.example"),
        }),
    };
    document.buyer = Party {
        name: some("株式会社 ACME ベルギー"),
        trading_name: some("ACME Belgium"),
        identifiers: vec![identifier("0412345614", "0208")],
        legal_registration_id: some("0412345614"),
        legal_registration_scheme_id: some("0208"),
        vat_id: some("BE0412345614"),
        electronic_address: some("0412345614"),
        electronic_address_scheme_id: some("0208"),
        address: Some(Address {
            street1: some("Avenue Louise 100"),
            street2: some("Boîte 4"),
            additional_street: some("Tour Nord"),
            city: some("Bruxelles"),
            post_code: some("1050"),
            country_subdivision: some("Région de Bruxelles-Capitale"),
            country_code: some("BE"),
        }),
        contact: Some(Contact {
            name: some("Accounts payable"),
            phone: some("+32 2 555 01 02"),
            email: some("ap@acme.example"),
        }),
        ..Party::default()
    };
    document.payee = Some(Payee {
        name: some("Factor Finance SA"),
        identifier: Some(identifier("5400000000010", "0088")),
        legal_registration_id: some("0876543270"),
        legal_registration_scheme_id: some("0208"),
    });
    document.tax_representative = Some(TaxRepresentative {
        name: some("Fiscal Representative BVBA"),
        vat_id: some("BE0876543270"),
        address: Some(Address {
            street1: some("Meir 1"),
            street2: some("Bus 2"),
            additional_street: some("Verdieping 3"),
            city: some("Antwerpen"),
            post_code: some("2000"),
            country_subdivision: some("Vlaanderen"),
            country_code: some("BE"),
        }),
    });
    document.delivery = Some(Delivery {
        party_name: some("ACME Warehouse Zaventem"),
        location_identifier: some("5400000000027"),
        location_identifier_scheme_id: some("0088"),
        delivery_date: Some(date!(2026 - 04 - 28)),
        address: Some(Address {
            street1: some("Leuvensesteenweg 500"),
            street2: some("Dock 7"),
            additional_street: some("Gate C"),
            city: some("Zaventem"),
            post_code: some("1930"),
            country_subdivision: some("Vlaams-Brabant"),
            country_code: some("BE"),
        }),
    });
    document.payment_means.push(PaymentMeans {
        code: some("59"),
        text: some("SEPA direct debit"),
        remittance_information: some("FULL-2026-0001"),
        accounts: Vec::new(),
        card: None,
        direct_debit: Some(DirectDebit {
            mandate_reference: some("MANDATE-2026-001"),
            creditor_id: some("LU98ZZZ0000000000123456789"),
            debited_account: some("BE68539007547034"),
        }),
    });
    document.payment_terms = some("Direct debit on the due date; 2 % late payment interest");
    document.allowance_charges.push(AllowanceCharge {
        charge_indicator: false,
        base_amount: Some(eur("1000.00")),
        percentage: Some(dec("5")),
        reason_code: some("95"),
        reason: some("Loyalty discount"),
        vat_category_code: some("S"),
        vat_rate: Some(dec("21.00")),
        ..AllowanceCharge::default()
    });
    document.allowance_charges.push(AllowanceCharge {
        charge_indicator: true,
        amount: Some(eur("25.00")),
        reason_code: some("FC"),
        reason: some("Freight"),
        vat_category_code: some("S"),
        vat_rate: Some(dec("21.00")),
        ..AllowanceCharge::default()
    });
    document.lines.push(Line {
        id: some("1"),
        line_extension_amount: None,
        note: some("Delivered in two parts"),
        object_identifier: Some(identifier("METER-0815", "ABZ")),
        document_references: Vec::new(),
        quantity: Some(dec("10")),
        unit_code: some("C62"),
        order_line_reference: some("7"),
        accounting_cost: some("4025:123"),
        invoice_period: Some(Period {
            start_date: Some(date!(2026 - 04 - 01)),
            end_date: Some(date!(2026 - 04 - 15)),
            description_code: None,
        }),
        allowance_charges: vec![
            AllowanceCharge {
                charge_indicator: false,
                base_amount: Some(eur("1000.00")),
                percentage: Some(dec("2.5")),
                reason_code: some("95"),
                reason: some("Volume discount"),
                ..AllowanceCharge::default()
            },
            AllowanceCharge {
                charge_indicator: true,
                amount: Some(eur("10.00")),
                reason_code: some("ABL"),
                reason: some("Additional packaging"),
                ..AllowanceCharge::default()
            },
        ],
        price: Some(Price {
            net_amount: None,
            discount: Some(eur("20.00")),
            gross_amount: Some(eur("120.00")),
            base_quantity: Some(dec("1")),
            base_quantity_unit_code: some("C62"),
            charge_indicator_text: None,
        }),
        vat_category_code: some("S"),
        vat_rate: Some(dec("21.00")),
        item_name: some("Widget Δέλτα 三号"),
        item_description: some("Stainless widget, 40 mm"),
        sellers_item_id: some("W-40"),
        buyers_item_id: some("ACME-778"),
        standard_item_id: Some(identifier("4006381333931", "0160")),
        classifications: vec![
            Classification {
                code: "31161700".to_owned(),
                list_id: some("STI"),
                list_version_id: some("19.05.01"),
            },
            Classification {
                code: "8484.20".to_owned(),
                list_id: some("HS"),
                list_version_id: None,
            },
        ],
        origin_country: some("DE"),
        attributes: vec![
            ItemAttribute {
                name: some("Colour"),
                value: some("Silver"),
            },
            ItemAttribute {
                name: some("Size"),
                value: some("40 mm"),
            },
        ],
    });
    document.lines.push(Line {
        id: some("2"),
        quantity: Some(dec("3")),
        unit_code: some("HUR"),
        price: Some(Price {
            net_amount: Some(eur("80.00")),
            base_quantity: Some(dec("1")),
            base_quantity_unit_code: some("HUR"),
            ..Price::default()
        }),
        vat_category_code: some("S"),
        vat_rate: Some(dec("21.00")),
        item_name: some("Installation"),
        ..Line::default()
    });
    document.totals.prepaid_amount = Some(eur("100.00"));
    document.totals.rounding_amount = Some(eur("0.01"));
    complete(&mut document);
    let vat = document.tax_totals[0]
        .tax_amount
        .as_ref()
        .expect("VAT total")
        .value;
    document.tax_totals.push(TaxTotal {
        tax_amount: Some(Amount::new(
            einvoice_domain::document::calculation::round2(vat * dec("11.2345")),
            "SEK",
        )),
        subtotals: Vec::new(),
    });
    document
}

/// A credit note that is refunded to a card, with line allowances, a zero price
/// discount, a tax point date and a project reference (an `AdditionalDocumentReference`
/// with `DocumentTypeCode` 50 in a credit note).
fn full_credit_note() -> Document {
    let mut document = full_invoice();
    document.kind = DocumentKind::CreditNote;
    document.number = some("FULL-CN-2026-0001");
    document.type_code = some("381");
    document.due_date = None;
    document
        .invoice_period
        .as_mut()
        .expect("period")
        .description_code = None;
    document.tax_point_date = Some(date!(2026 - 04 - 30));
    document.payment_means = vec![PaymentMeans {
        code: some("48"),
        text: some("Card refund"),
        remittance_information: some("FULL-CN-2026-0001"),
        card: Some(Card {
            account_number: some("1234"),
            network_id: some("VISA"),
            holder_name: some("J. Peeters"),
        }),
        ..PaymentMeans::default()
    }];
    document.payment_terms = some("Refunded to the card used for payment");
    // The payee held the creditor identifier of the direct debit; keep it simple here.
    document.payee.as_mut().expect("payee").identifier = Some(identifier("5400000000034", "0088"));
    if let Some(price) = document.lines[0].price.as_mut() {
        price.discount = Some(eur("0.00"));
        price.gross_amount = Some(eur("100.00"));
        price.net_amount = Some(eur("100.00"));
    }
    document.lines[0].line_extension_amount = None;
    document.tax_totals.clear();
    document.totals = einvoice_domain::document::model::Totals {
        prepaid_amount: Some(eur("0.00")),
        ..Default::default()
    };
    complete(&mut document);
    document.tax_totals.push(TaxTotal {
        tax_amount: Some(Amount::new(dec("3120.55"), "SEK")),
        subtotals: Vec::new(),
    });
    document
}

/// The credit note with a payment due date (BT-9), which UBL puts in
/// `PaymentMeans/PaymentDueDate`: accepted by the official rules, refused by the
/// gateway's own GW-03.
fn credit_note_with_due_date() -> Document {
    let mut document = credit_note();
    document.number = some("CN-2026-00008");
    document.due_date = Some(date!(2026 - 05 - 30));
    document
}

/// A domestic sale outside the scope of VAT (category `O`): no VAT identifiers, no
/// `Percent` anywhere.
fn not_subject_to_vat() -> Document {
    let mut document = Document::empty(DocumentKind::Invoice);
    document.number = some("O-2026-1");
    document.issue_date = Some(date!(2026 - 05 - 05));
    document.due_date = Some(date!(2026 - 06 - 04));
    document.type_code = some("380");
    document.currency = some("EUR");
    document.buyer_reference = some("REF-O");
    document.seller = Party {
        name: some("Vigasoft S.à r.l.-S."),
        identifiers: vec![identifier("5790000435951", "0088")],
        electronic_address: some("5790000435951"),
        electronic_address_scheme_id: some("0088"),
        address: Some(address(
            "9, rue Marcel Schintgen",
            "Lamadelaine",
            "L-4889",
            "LU",
        )),
        ..Party::default()
    };
    document.buyer = Party {
        name: some("ACME Belgium SA"),
        electronic_address: some("0412345614"),
        electronic_address_scheme_id: some("0208"),
        address: Some(address("Avenue Louise 100", "Bruxelles", "1050", "BE")),
        ..Party::default()
    };
    let mut item = line("1", "1", "500.00", "O", "0", "Membership fee");
    item.vat_rate = None;
    document.lines.push(item);
    document.allowance_charges.push(AllowanceCharge {
        charge_indicator: true,
        amount: Some(eur("12.50")),
        reason: some("Handling"),
        vat_category_code: some("O"),
        ..AllowanceCharge::default()
    });
    complete(&mut document);
    let entry = &mut document.tax_totals[0].subtotals[0];
    entry.exemption_reason_code = some("VATEX-EU-O");
    entry.exemption_reason = some("Not subject to VAT");
    document
}

/// Seed 004 with XML special characters and non-Latin text in names, note and item.
fn special_characters() -> Document {
    let mut document = seed_invoice();
    document.number = some("INV-<&>-\"quoted\"-'single'");
    document.seller.name = some("Ελληνικά & Σία <ΑΕ> \"Δ\" 'Ε'");
    document.seller.trading_name = some("漢字カンパニー & Co. 🧾");
    document.buyer.name = some("株式会社テスト <script>alert('x')</script>");
    document.notes.push(Note {
        subject_code: None,
        text: "Line one & two\nLine <three> ]]> 👍 Ωμέγα 中文".to_owned(),
    });
    document.lines[0].item_name = some("Widget <b>bold</b> & \"more\" 😀");
    document.payment_means[0].accounts[0].account_name = some("Vigasoft \"Main\" <EUR> & Co");
    document
}

/// Every complete document of this suite, by file name.
fn complete_documents() -> Vec<(&'static str, Document)> {
    vec![
        ("seed-004-invoice", seed_invoice()),
        ("credit-note", credit_note()),
        ("full-invoice", full_invoice()),
        ("full-credit-note", full_credit_note()),
        ("credit-note-with-due-date", credit_note_with_due_date()),
        ("not-subject-to-vat", not_subject_to_vat()),
        ("special-characters", special_characters()),
    ]
}

// ---------------------------------------------------------------------------------------
// Reading the output back
// ---------------------------------------------------------------------------------------

/// One element of the output: its name, attributes, text and children.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|child| child.name == name)
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |child| child.name == name)
    }

    /// The first element down `path` (`cac:A/cac:B/cbc:C`), or a panic naming the path.
    fn at(&self, path: &str) -> &Element {
        let mut element = self;
        for step in path.split('/') {
            element = element
                .child(step)
                .unwrap_or_else(|| panic!("no {step} (of {path}) under {}", element.name));
        }
        element
    }

    fn text_at(&self, path: &str) -> &str {
        &self.at(path).text
    }

    /// The `Amount` and `BaseAmount` of an allowance or charge.
    fn clone_text(&self) -> (String, String) {
        (
            self.text_at("cbc:Amount").to_owned(),
            self.text_at("cbc:BaseAmount").to_owned(),
        )
    }

    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn child_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for child in &self.children {
            if names.last() != Some(&child.name.as_str()) {
                names.push(&child.name);
            }
        }
        names
    }

    fn visit(&self, visitor: &mut impl FnMut(&Element)) {
        visitor(self);
        for child in &self.children {
            child.visit(visitor);
        }
    }
}

/// Parses `xml` (well-formedness is checked by quick-xml) into its root element; panics on
/// a self-closing element, a comment, a CDATA section or a processing instruction.
fn parse(xml: &str) -> Element {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => {
                let name = String::from_utf8(start.name().as_ref().to_vec()).expect("UTF-8 name");
                let attributes = start
                    .attributes()
                    .map(|attribute| {
                        let attribute = attribute.expect("well-formed attribute");
                        let key =
                            String::from_utf8(attribute.key.as_ref().to_vec()).expect("UTF-8");
                        let value = attribute
                            .unescape_value()
                            .expect("attribute value")
                            .into_owned();
                        (key, value)
                    })
                    .collect();
                stack.push(Element {
                    name,
                    attributes,
                    ..Element::default()
                });
            }
            Event::End(_) => {
                let element = stack.pop().expect("open element");
                stack.last_mut().expect("parent").children.push(element);
            }
            Event::Text(text) => {
                let decoded = text.decode().expect("UTF-8 text");
                stack.last_mut().expect("element").text.push_str(&decoded);
            }
            Event::GeneralRef(reference) => {
                let resolved = if let Some(character) =
                    reference.resolve_char_ref().expect("character reference")
                {
                    character
                } else {
                    let name = reference.decode().expect("entity name");
                    let entity = quick_xml::escape::resolve_predefined_entity(&name)
                        .unwrap_or_else(|| panic!("unknown entity &{name};"));
                    entity.chars().next().expect("one character")
                };
                stack.last_mut().expect("element").text.push(resolved);
            }
            Event::Decl(_) => {}
            Event::Eof => break,
            other => panic!("unexpected XML event {other:?}"),
        }
    }
    let mut document = stack.pop().expect("document");
    assert!(stack.is_empty(), "unclosed elements");
    assert_eq!(document.children.len(), 1, "one root element");
    document.children.pop().expect("root")
}

/// Asserts that every element has non-blank text or child elements, and that no
/// element mixes both.
fn assert_no_empty_elements(xml: &str) {
    assert!(!xml.contains("/>"), "self-closing element in:\n{xml}");
    parse(xml).visit(&mut |element| {
        let has_text = !element.text.trim().is_empty();
        assert!(
            has_text || !element.children.is_empty(),
            "empty element <{}> in:\n{xml}",
            element.name
        );
        assert!(
            !has_text || element.children.is_empty(),
            "mixed content in <{}>",
            element.name
        );
    });
}

// ---------------------------------------------------------------------------------------
// Schema validation, golden files, output directory
// ---------------------------------------------------------------------------------------

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
}

/// Whether `xmllint` can run. Without it (a fresh machine) the schema checks are
/// skipped with a message, unless `EINVOICE_REQUIRE_XMLLINT=1` (set by `.ci/run`, which
/// installs it) makes its absence a failure.
fn xmllint_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let found = Command::new("xmllint")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if !found {
            assert!(
                std::env::var_os("EINVOICE_REQUIRE_XMLLINT").is_none(),
                "EINVOICE_REQUIRE_XMLLINT is set but xmllint could not be started: install it \
                 (Debian: `apt-get install -y libxml2-utils`)"
            );
            eprintln!(
                "UBL schema checks SKIPPED: xmllint is not installed (Debian: `apt-get install \
                 -y libxml2-utils`; .ci/run installs it and requires them)"
            );
        }
        found
    })
}

/// Validates `xml` against the UBL 2.1 XSD of its kind with `xmllint`; fails the test
/// with the findings. Skipped when `xmllint` is not installed (see [`xmllint_available`]).
fn assert_schema_valid(name: &str, kind: DocumentKind, xml: &str) {
    if !xmllint_available() {
        return;
    }
    let schema = conformance_dir().join(match kind {
        DocumentKind::Invoice => "ubl-xsd/maindoc/UBL-Invoice-2.1.xsd",
        DocumentKind::CreditNote => "ubl-xsd/maindoc/UBL-CreditNote-2.1.xsd",
    });
    assert!(
        schema.exists(),
        "UBL 2.1 schema not found at {}",
        schema.display()
    );
    let child = Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(&schema)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => panic!(
            "xmllint could not be started ({error}): install it (Debian: \
             `apt-get install -y libxml2-utils`); the UBL schema tests need it"
        ),
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(xml.as_bytes())
        .expect("write to xmllint");
    let output = child.wait_with_output().expect("xmllint output");
    assert!(
        output.status.success(),
        "{name} is not valid UBL 2.1 ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
        numbered(xml)
    );
}

fn numbered(xml: &str) -> String {
    let mut numbered = String::with_capacity(xml.len() * 2);
    for (index, line) in xml.lines().enumerate() {
        writeln!(numbered, "{:4} {line}", index + 1).expect("writing to a String");
    }
    numbered
}

/// Writes `xml` to `$UBL_OUT_DIR/{name}.xml` when `UBL_OUT_DIR` is set.
fn write_out(name: &str, xml: &str) {
    if let Some(directory) = std::env::var_os("UBL_OUT_DIR") {
        let directory = PathBuf::from(directory);
        std::fs::create_dir_all(&directory).expect("create UBL_OUT_DIR");
        std::fs::write(directory.join(format!("{name}.xml")), xml).expect("write rendered UBL");
    }
}

/// Compares `actual` with the golden file `tests/fixtures/{name}.xml`
/// (`UPDATE_GOLDEN=1` rewrites it).
fn check(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}.xml"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("fixtures")).expect("create fixtures");
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error} (UPDATE_GOLDEN=1 creates it)", path.display()));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(expected, actual)| expected != actual)
            .map_or(
                expected.lines().count().min(actual.lines().count()),
                |index| index,
            );
        panic!(
            "{name} differs from {} from line {}:\nexpected: {:?}\nactual:   {:?}\n\
             (UPDATE_GOLDEN=1 rewrites the golden file)",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line),
        );
    }
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[test]
fn every_complete_document_is_schema_valid_and_has_no_empty_element() {
    for (name, document) in complete_documents() {
        let xml = render_document(&document);
        write_out(name, &xml);
        assert_no_empty_elements(&xml);
        assert_schema_valid(name, document.kind, &xml);
    }
}

#[test]
fn seed_invoice_matches_its_golden_file() {
    check("seed-004-invoice", &render_document(&seed_invoice()));
}

#[test]
fn credit_note_matches_its_golden_file() {
    check("credit-note", &render_document(&credit_note()));
}

#[test]
fn render_of_the_validated_seed_equals_render_document() {
    let expected = render_document(&seed_invoice());
    // The gateway sets BT-24 and BT-23 before the rules run; they equal the defaults.
    let mut document = seed_invoice();
    document.customization_id =
        some("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0");
    document.profile_id = some("urn:fdc:peppol.eu:2017:poacc:billing:01:1.0");
    let valid = validate(document)
        .unwrap_or_else(|violations| panic!("seed 004 breaks fatal rules: {violations:#?}"));
    assert_eq!(render(&valid), expected);
}

#[test]
fn complete_documents_pass_the_gateway_rules() {
    for (name, mut document) in complete_documents() {
        // The gateway sets BT-24 and BT-23 before the rules run.
        document.customization_id.get_or_insert_with(|| {
            "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0".to_owned()
        });
        document
            .profile_id
            .get_or_insert_with(|| "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0".to_owned());
        let fatal: Vec<&str> = match validate(document) {
            Ok(_) => Vec::new(),
            Err(violations) => violations
                .iter()
                .filter(|violation| violation.severity == Severity::Fatal)
                .map(|violation| violation.rule)
                .collect(),
        };
        let expected: &[&str] = if name == "credit-note-with-due-date" {
            &["GW-03"]
        } else {
            &[]
        };
        assert_eq!(
            fatal, expected,
            "{name}: fatal findings of the gateway's rules"
        );
    }
}

#[test]
fn output_is_deterministic() {
    for (name, document) in complete_documents() {
        let first = render_document(&document);
        let second = render_document(&document.clone());
        assert_eq!(first, second, "{name} rendered twice differs");
    }
}

#[test]
fn output_starts_with_the_declaration_and_the_namespaces() {
    let xml = render_document(&seed_invoice());
    assert!(xml.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Invoice \
         xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\" \
         xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" \
         xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">\n"
    ));
    let credit = render_document(&credit_note());
    assert!(credit.contains(
        "<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\""
    ));
    assert!(credit.ends_with("</CreditNote>\n"));
}

#[test]
fn seed_invoice_has_the_peppol_defaults_and_its_terms_in_order() {
    let root = parse(&render_document(&seed_invoice()));
    assert_eq!(root.name, "Invoice");
    assert_eq!(
        root.child_names(),
        [
            "cbc:CustomizationID",
            "cbc:ProfileID",
            "cbc:ID",
            "cbc:IssueDate",
            "cbc:DueDate",
            "cbc:InvoiceTypeCode",
            "cbc:DocumentCurrencyCode",
            "cbc:BuyerReference",
            "cac:AccountingSupplierParty",
            "cac:AccountingCustomerParty",
            "cac:PaymentMeans",
            "cac:PaymentTerms",
            "cac:TaxTotal",
            "cac:LegalMonetaryTotal",
            "cac:InvoiceLine",
        ]
    );
    assert_eq!(
        root.text_at("cbc:CustomizationID"),
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    );
    assert_eq!(
        root.text_at("cbc:ProfileID"),
        "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    );
    assert_eq!(root.text_at("cbc:IssueDate"), "2026-05-05");
    assert_eq!(root.text_at("cbc:DueDate"), "2026-06-04");
    let seller = root.at("cac:AccountingSupplierParty/cac:Party");
    assert_eq!(
        seller.child_names(),
        [
            "cbc:EndpointID",
            "cac:PostalAddress",
            "cac:PartyTaxScheme",
            "cac:PartyLegalEntity"
        ]
    );
    assert_eq!(
        seller.at("cbc:EndpointID").attribute("schemeID"),
        Some("9938")
    );
    assert_eq!(
        seller.text_at("cac:PartyLegalEntity/cbc:RegistrationName"),
        "Vigasoft S.à r.l.-S."
    );
    assert_eq!(
        seller.text_at("cac:PartyTaxScheme/cbc:CompanyID"),
        "LU12345678"
    );
    assert_eq!(
        seller.text_at("cac:PartyTaxScheme/cac:TaxScheme/cbc:ID"),
        "VAT"
    );
    assert_eq!(
        seller.at("cac:PostalAddress").child_names(),
        [
            "cbc:StreetName",
            "cbc:CityName",
            "cbc:PostalZone",
            "cac:Country"
        ]
    );
    let means = root.at("cac:PaymentMeans");
    assert_eq!(means.text_at("cbc:PaymentMeansCode"), "58");
    assert_eq!(means.text_at("cbc:PaymentID"), "INV-2026-00042");
    assert_eq!(
        means.text_at("cac:PayeeFinancialAccount/cbc:ID"),
        "LU000000000000000000"
    );
    assert_eq!(
        means.text_at("cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID"),
        "BCEELULL"
    );
    let tax_total = root.at("cac:TaxTotal");
    assert_eq!(tax_total.text_at("cbc:TaxAmount"), "210.00");
    assert_eq!(
        tax_total.at("cbc:TaxAmount").attribute("currencyID"),
        Some("EUR")
    );
    assert_eq!(
        tax_total.text_at("cac:TaxSubtotal/cbc:TaxableAmount"),
        "1000.00"
    );
    assert_eq!(
        tax_total.text_at("cac:TaxSubtotal/cac:TaxCategory/cbc:Percent"),
        "21.00"
    );
    let totals = root.at("cac:LegalMonetaryTotal");
    assert_eq!(
        totals.child_names(),
        [
            "cbc:LineExtensionAmount",
            "cbc:TaxExclusiveAmount",
            "cbc:TaxInclusiveAmount",
            "cbc:PayableAmount"
        ]
    );
    assert_eq!(totals.text_at("cbc:PayableAmount"), "1210.00");
    let line = root.at("cac:InvoiceLine");
    assert_eq!(
        line.child_names(),
        [
            "cbc:ID",
            "cbc:InvoicedQuantity",
            "cbc:LineExtensionAmount",
            "cac:Item",
            "cac:Price"
        ]
    );
    assert_eq!(line.text_at("cbc:InvoicedQuantity"), "10");
    assert_eq!(
        line.at("cbc:InvoicedQuantity").attribute("unitCode"),
        Some("C62")
    );
    assert_eq!(line.text_at("cac:Item/cbc:Name"), "Widget");
    assert_eq!(
        line.text_at("cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
        "S"
    );
    assert_eq!(line.text_at("cac:Price/cbc:PriceAmount"), "100.00");
}

#[test]
fn customization_and_profile_from_the_model_are_kept() {
    let mut document = seed_invoice();
    document.customization_id = some("urn:cen.eu:en16931:2017#compliant#urn:example:cius");
    document.profile_id = some("urn:fdc:peppol.eu:2017:poacc:billing:42:1.0");
    let root = parse(&render_document(&document));
    assert_eq!(
        root.text_at("cbc:CustomizationID"),
        "urn:cen.eu:en16931:2017#compliant#urn:example:cius"
    );
    assert_eq!(
        root.text_at("cbc:ProfileID"),
        "urn:fdc:peppol.eu:2017:poacc:billing:42:1.0"
    );
}

#[test]
fn credit_note_uses_credit_note_elements() {
    let document = credit_note_with_due_date();
    let xml = render_document(&document);
    let root = parse(&xml);
    assert_eq!(root.name, "CreditNote");
    let names = root.child_names();
    let position = |name: &str| names.iter().position(|candidate| *candidate == name);
    assert!(
        position("cbc:TaxPointDate") < position("cbc:CreditNoteTypeCode"),
        "{names:?}"
    );
    assert_eq!(root.text_at("cbc:CreditNoteTypeCode"), "381");
    assert!(root.child("cbc:DueDate").is_none());
    assert!(root.child("cbc:InvoiceTypeCode").is_none());
    assert!(root.child("cac:InvoiceLine").is_none());
    assert!(root.child("cac:ProjectReference").is_none());
    assert_eq!(
        root.text_at("cac:PaymentMeans/cbc:PaymentDueDate"),
        "2026-05-30"
    );
    let project = root
        .children_named("cac:AdditionalDocumentReference")
        .find(|reference| reference.text_at("cbc:DocumentTypeCode") == "50")
        .expect("project reference");
    assert_eq!(project.text_at("cbc:ID"), "PRJ-17");
    let lines: Vec<_> = root.children_named("cac:CreditNoteLine").collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].text_at("cbc:CreditedQuantity"), "2");
    assert_eq!(
        lines[0].at("cbc:CreditedQuantity").attribute("unitCode"),
        Some("C62")
    );
    let reference = root.at("cac:BillingReference/cac:InvoiceDocumentReference");
    assert_eq!(reference.text_at("cbc:ID"), "INV-2026-00042");
    assert_eq!(reference.text_at("cbc:IssueDate"), "2026-05-05");
    let exempt = root
        .at("cac:TaxTotal")
        .children_named("cac:TaxSubtotal")
        .map(|subtotal| subtotal.at("cac:TaxCategory"))
        .find(|category| category.text_at("cbc:ID") == "E")
        .expect("exempt subtotal");
    assert_eq!(
        exempt.child_names(),
        [
            "cbc:ID",
            "cbc:Percent",
            "cbc:TaxExemptionReasonCode",
            "cbc:TaxExemptionReason",
            "cac:TaxScheme"
        ]
    );
    assert_schema_valid("credit note with due date", DocumentKind::CreditNote, &xml);
}

#[test]
fn credit_note_due_date_without_payment_means_is_not_written() {
    let mut document = credit_note();
    document.due_date = Some(date!(2026 - 05 - 30));
    document.payment_means.clear();
    let xml = render_document(&document);
    assert!(!xml.contains("2026-05-30"));
    assert_schema_valid(
        "credit note without payment means",
        DocumentKind::CreditNote,
        &xml,
    );
}

#[test]
fn full_invoice_has_every_header_element_in_schema_order() {
    let root = parse(&render_document(&full_invoice()));
    assert_eq!(
        root.child_names(),
        [
            "cbc:CustomizationID",
            "cbc:ProfileID",
            "cbc:ID",
            "cbc:IssueDate",
            "cbc:DueDate",
            "cbc:InvoiceTypeCode",
            "cbc:Note",
            "cbc:DocumentCurrencyCode",
            "cbc:TaxCurrencyCode",
            "cbc:AccountingCost",
            "cbc:BuyerReference",
            "cac:InvoicePeriod",
            "cac:OrderReference",
            "cac:BillingReference",
            "cac:DespatchDocumentReference",
            "cac:ReceiptDocumentReference",
            "cac:OriginatorDocumentReference",
            "cac:ContractDocumentReference",
            "cac:AdditionalDocumentReference",
            "cac:ProjectReference",
            "cac:AccountingSupplierParty",
            "cac:AccountingCustomerParty",
            "cac:PayeeParty",
            "cac:TaxRepresentativeParty",
            "cac:Delivery",
            "cac:PaymentMeans",
            "cac:PaymentTerms",
            "cac:AllowanceCharge",
            "cac:TaxTotal",
            "cac:LegalMonetaryTotal",
            "cac:InvoiceLine",
        ]
    );
    assert_eq!(
        root.text_at("cbc:Note"),
        "#AAI#Ευχαριστούμε! 感谢您的订单 🧾 — terms & conditions <apply>"
    );
    assert_eq!(root.text_at("cac:InvoicePeriod/cbc:DescriptionCode"), "3");
    assert_eq!(root.text_at("cac:OrderReference/cbc:ID"), "PO-7788-A");
    assert_eq!(
        root.text_at("cac:OrderReference/cbc:SalesOrderID"),
        "SO-991"
    );
    assert_eq!(
        root.text_at("cac:OriginatorDocumentReference/cbc:ID"),
        "TENDER-2026-3"
    );
    assert_eq!(root.text_at("cac:ProjectReference/cbc:ID"), "PRJ-17");
    let tax_totals: Vec<_> = root.children_named("cac:TaxTotal").collect();
    assert_eq!(tax_totals.len(), 2);
    assert!(tax_totals[0].child("cac:TaxSubtotal").is_some());
    assert_eq!(
        tax_totals[1].at("cbc:TaxAmount").attribute("currencyID"),
        Some("SEK")
    );
    assert!(tax_totals[1].child("cac:TaxSubtotal").is_none());
    let totals = root.at("cac:LegalMonetaryTotal");
    assert_eq!(
        totals.child_names(),
        [
            "cbc:LineExtensionAmount",
            "cbc:TaxExclusiveAmount",
            "cbc:TaxInclusiveAmount",
            "cbc:AllowanceTotalAmount",
            "cbc:ChargeTotalAmount",
            "cbc:PrepaidAmount",
            "cbc:PayableRoundingAmount",
            "cbc:PayableAmount",
        ]
    );
    assert_eq!(totals.text_at("cbc:PrepaidAmount"), "100.00");
    assert_eq!(totals.text_at("cbc:PayableRoundingAmount"), "0.01");
}

#[test]
fn invoiced_object_and_attachments_are_additional_document_references() {
    let root = parse(&render_document(&full_invoice()));
    let references: Vec<_> = root
        .children_named("cac:AdditionalDocumentReference")
        .collect();
    assert_eq!(references.len(), 3);
    assert_eq!(
        references[0].child_names(),
        ["cbc:ID", "cbc:DocumentTypeCode"]
    );
    assert_eq!(references[0].text_at("cbc:ID"), "OBJ-4711");
    assert_eq!(
        references[0].at("cbc:ID").attribute("schemeID"),
        Some("ABZ")
    );
    assert_eq!(references[0].text_at("cbc:DocumentTypeCode"), "130");

    assert_eq!(
        references[1].child_names(),
        ["cbc:ID", "cbc:DocumentDescription", "cac:Attachment"]
    );
    let embedded = references[1].at("cac:Attachment/cbc:EmbeddedDocumentBinaryObject");
    assert_eq!(embedded.attribute("mimeCode"), Some("application/pdf"));
    assert_eq!(
        embedded.attribute("filename"),
        Some("timesheet-2026-04.pdf")
    );
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(&embedded.text)
        .expect("base64");
    assert_eq!(decoded, pdf_bytes());

    assert_eq!(references[2].text_at("cbc:ID"), "ATT-2");
    assert_eq!(
        references[2].text_at("cac:Attachment/cac:ExternalReference/cbc:URI"),
        "https://documents.example.com/delivery?note=DN-77&format=pdf"
    );
    assert!(
        references[2]
            .at("cac:Attachment")
            .child("cbc:EmbeddedDocumentBinaryObject")
            .is_none()
    );
}

#[test]
fn parties_carry_every_identifier() {
    let root = parse(&render_document(&full_invoice()));
    let seller = root.at("cac:AccountingSupplierParty/cac:Party");
    assert_eq!(
        seller.child_names(),
        [
            "cbc:EndpointID",
            "cac:PartyIdentification",
            "cac:PartyName",
            "cac:PostalAddress",
            "cac:PartyTaxScheme",
            "cac:PartyLegalEntity",
            "cac:Contact",
        ]
    );
    // No payee-less creditor: the SEPA creditor identifier (BT-90) goes to the payee.
    assert_eq!(seller.children_named("cac:PartyIdentification").count(), 1);
    let schemes: Vec<(&str, &str)> = seller
        .children_named("cac:PartyTaxScheme")
        .map(|scheme| {
            (
                scheme.text_at("cbc:CompanyID"),
                scheme.text_at("cac:TaxScheme/cbc:ID"),
            )
        })
        .collect();
    assert_eq!(schemes, [("LU12345678", "VAT"), ("LU-TAX-998877", "TAX")]);
    let legal = seller.at("cac:PartyLegalEntity");
    assert_eq!(
        legal.child_names(),
        [
            "cbc:RegistrationName",
            "cbc:CompanyID",
            "cbc:CompanyLegalForm"
        ]
    );
    assert_eq!(
        legal.at("cbc:CompanyID").attribute("schemeID"),
        Some("0060")
    );
    let address = seller.at("cac:PostalAddress");
    assert_eq!(
        address.child_names(),
        [
            "cbc:StreetName",
            "cbc:AdditionalStreetName",
            "cbc:CityName",
            "cbc:PostalZone",
            "cbc:CountrySubentity",
            "cac:AddressLine",
            "cac:Country",
        ]
    );
    assert_eq!(address.text_at("cac:AddressLine/cbc:Line"), "3e étage");
    assert_eq!(
        seller.at("cac:Contact").child_names(),
        ["cbc:Name", "cbc:Telephone", "cbc:ElectronicMail"]
    );

    let payee = root.at("cac:PayeeParty");
    assert_eq!(
        payee.child_names(),
        [
            "cac:PartyIdentification",
            "cac:PartyName",
            "cac:PartyLegalEntity"
        ]
    );
    let payee_ids: Vec<(&str, Option<&str>)> = payee
        .children_named("cac:PartyIdentification")
        .map(|identification| {
            let id = identification.at("cbc:ID");
            (id.text.as_str(), id.attribute("schemeID"))
        })
        .collect();
    assert_eq!(
        payee_ids,
        [
            ("5400000000010", Some("0088")),
            ("LU98ZZZ0000000000123456789", Some("SEPA"))
        ]
    );
    let representative = root.at("cac:TaxRepresentativeParty");
    assert_eq!(
        representative.child_names(),
        ["cac:PartyName", "cac:PostalAddress", "cac:PartyTaxScheme"]
    );
    assert_eq!(
        representative.text_at("cac:PartyTaxScheme/cac:TaxScheme/cbc:ID"),
        "VAT"
    );
    let delivery = root.at("cac:Delivery");
    assert_eq!(
        delivery.child_names(),
        [
            "cbc:ActualDeliveryDate",
            "cac:DeliveryLocation",
            "cac:DeliveryParty"
        ]
    );
    assert_eq!(
        delivery
            .at("cac:DeliveryLocation/cbc:ID")
            .attribute("schemeID"),
        Some("0088")
    );
    assert_eq!(
        delivery.text_at("cac:DeliveryParty/cac:PartyName/cbc:Name"),
        "ACME Warehouse Zaventem"
    );
}

#[test]
fn creditor_identifier_goes_to_the_seller_without_payee() {
    let mut document = full_invoice();
    document.payee = None;
    let root = parse(&render_document(&document));
    let ids: Vec<Option<&str>> = root
        .at("cac:AccountingSupplierParty/cac:Party")
        .children_named("cac:PartyIdentification")
        .map(|identification| identification.at("cbc:ID").attribute("schemeID"))
        .collect();
    assert_eq!(ids, [Some("0088"), Some("SEPA")]);
}

#[test]
fn payment_means_carry_mandate_card_and_one_element_per_account() {
    let root = parse(&render_document(&full_invoice()));
    let means = root.at("cac:PaymentMeans");
    assert_eq!(
        means.child_names(),
        [
            "cbc:PaymentMeansCode",
            "cbc:PaymentID",
            "cac:PaymentMandate"
        ]
    );
    assert_eq!(
        means.at("cbc:PaymentMeansCode").attribute("name"),
        Some("SEPA direct debit")
    );
    assert_eq!(
        means.text_at("cac:PaymentMandate/cbc:ID"),
        "MANDATE-2026-001"
    );
    assert_eq!(
        means.text_at("cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID"),
        "BE68539007547034"
    );

    let mut document = full_credit_note();
    document.due_date = Some(date!(2026 - 05 - 20));
    let root = parse(&render_document(&document));
    let means = root.at("cac:PaymentMeans");
    assert_eq!(
        means.child_names(),
        [
            "cbc:PaymentMeansCode",
            "cbc:PaymentDueDate",
            "cbc:PaymentID",
            "cac:CardAccount"
        ]
    );
    assert_eq!(
        means.at("cac:CardAccount").child_names(),
        [
            "cbc:PrimaryAccountNumberID",
            "cbc:NetworkID",
            "cbc:HolderName"
        ]
    );

    let mut document = seed_invoice();
    document.payment_means[0].text = some("Credit transfer");
    document.payment_means[0].accounts.push(Account {
        iban: some("BE68539007547034"),
        account_name: None,
        bic: None,
    });
    let xml = render_document(&document);
    let root = parse(&xml);
    let all: Vec<_> = root.children_named("cac:PaymentMeans").collect();
    assert_eq!(all.len(), 2);
    assert_eq!(
        all[0].at("cbc:PaymentMeansCode").attribute("name"),
        Some("Credit transfer")
    );
    assert_eq!(all[1].at("cbc:PaymentMeansCode").attribute("name"), None);
    assert_eq!(all[1].text_at("cbc:PaymentMeansCode"), "58");
    assert_eq!(all[1].text_at("cbc:PaymentID"), "INV-2026-00042");
    assert_eq!(
        all[1].text_at("cac:PayeeFinancialAccount/cbc:ID"),
        "BE68539007547034"
    );
    assert_schema_valid("two accounts", DocumentKind::Invoice, &xml);
}

#[test]
fn allowances_and_charges_on_both_levels() {
    let root = parse(&render_document(&full_invoice()));
    let document_level: Vec<_> = root.children_named("cac:AllowanceCharge").collect();
    assert_eq!(document_level.len(), 2);
    assert_eq!(
        document_level[0].child_names(),
        [
            "cbc:ChargeIndicator",
            "cbc:AllowanceChargeReasonCode",
            "cbc:AllowanceChargeReason",
            "cbc:MultiplierFactorNumeric",
            "cbc:Amount",
            "cbc:BaseAmount",
            "cac:TaxCategory",
        ]
    );
    assert_eq!(document_level[0].text_at("cbc:ChargeIndicator"), "false");
    assert_eq!(
        document_level[0].text_at("cbc:MultiplierFactorNumeric"),
        "5"
    );
    assert_eq!(document_level[0].text_at("cbc:Amount"), "50.00");
    assert_eq!(document_level[1].text_at("cbc:ChargeIndicator"), "true");
    assert_eq!(
        document_level[1].text_at("cac:TaxCategory/cac:TaxScheme/cbc:ID"),
        "VAT"
    );

    let line = root.at("cac:InvoiceLine");
    let line_level: Vec<_> = line.children_named("cac:AllowanceCharge").collect();
    assert_eq!(line_level.len(), 2);
    assert!(
        line_level
            .iter()
            .all(|item| item.child("cac:TaxCategory").is_none())
    );
    assert_eq!(line_level[0].text_at("cbc:Amount"), "25.00");
    assert_eq!(line_level[0].text_at("cbc:BaseAmount"), "1000.00");
}

#[test]
fn full_line_has_every_element_in_schema_order() {
    let root = parse(&render_document(&full_invoice()));
    let line = root.at("cac:InvoiceLine");
    assert_eq!(
        line.child_names(),
        [
            "cbc:ID",
            "cbc:Note",
            "cbc:InvoicedQuantity",
            "cbc:LineExtensionAmount",
            "cbc:AccountingCost",
            "cac:InvoicePeriod",
            "cac:OrderLineReference",
            "cac:DocumentReference",
            "cac:AllowanceCharge",
            "cac:Item",
            "cac:Price",
        ]
    );
    assert_eq!(
        line.text_at("cac:DocumentReference/cbc:DocumentTypeCode"),
        "130"
    );
    assert_eq!(
        line.at("cac:DocumentReference/cbc:ID")
            .attribute("schemeID"),
        Some("ABZ")
    );
    let item = line.at("cac:Item");
    assert_eq!(
        item.child_names(),
        [
            "cbc:Description",
            "cbc:Name",
            "cac:BuyersItemIdentification",
            "cac:SellersItemIdentification",
            "cac:StandardItemIdentification",
            "cac:OriginCountry",
            "cac:CommodityClassification",
            "cac:ClassifiedTaxCategory",
            "cac:AdditionalItemProperty",
        ]
    );
    let classification = item.at("cac:CommodityClassification/cbc:ItemClassificationCode");
    assert_eq!(classification.attribute("listID"), Some("STI"));
    assert_eq!(classification.attribute("listVersionID"), Some("19.05.01"));
    assert_eq!(item.children_named("cac:AdditionalItemProperty").count(), 2);
    let price = line.at("cac:Price");
    assert_eq!(
        price.child_names(),
        ["cbc:PriceAmount", "cbc:BaseQuantity", "cac:AllowanceCharge"]
    );
    assert_eq!(price.text_at("cbc:PriceAmount"), "100.00");
    assert_eq!(
        price.at("cbc:BaseQuantity").attribute("unitCode"),
        Some("C62")
    );
    let discount = price.at("cac:AllowanceCharge");
    assert_eq!(
        discount.child_names(),
        ["cbc:ChargeIndicator", "cbc:Amount", "cbc:BaseAmount"]
    );
    assert_eq!(discount.text_at("cbc:ChargeIndicator"), "false");
    assert_eq!(discount.text_at("cbc:Amount"), "20.00");
    assert_eq!(discount.text_at("cbc:BaseAmount"), "120.00");
}

#[test]
fn gross_price_without_discount_writes_a_zero_discount() {
    let mut document = full_credit_note();
    document.lines[0].price.as_mut().expect("price").discount = None;
    let xml = render_document(&document);
    let discount = parse(&xml)
        .at("cac:CreditNoteLine/cac:Price/cac:AllowanceCharge")
        .clone_text();
    assert_eq!(discount, ("0.00".to_owned(), "100.00".to_owned()));
    assert_schema_valid(
        "gross price without discount",
        DocumentKind::CreditNote,
        &xml,
    );
}

#[test]
fn category_o_has_no_percent() {
    let xml = render_document(&not_subject_to_vat());
    assert!(!xml.contains("cbc:Percent"), "{xml}");
    let root = parse(&xml);
    assert_eq!(
        root.at("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory")
            .child_names(),
        [
            "cbc:ID",
            "cbc:TaxExemptionReasonCode",
            "cbc:TaxExemptionReason",
            "cac:TaxScheme"
        ]
    );
}

#[test]
fn decimals_keep_their_scale_and_amounts_their_currency() {
    let mut document = seed_invoice();
    document.lines[0].quantity = Some(dec("10.000"));
    document.lines[0].price.as_mut().expect("price").net_amount = Some(Amount {
        value: dec("100.1000"),
        currency: None,
    });
    document.totals.prepaid_amount = Some(Amount::new(dec("-0.50"), "EUR"));
    let root = parse(&render_document(&document));
    let line = root.at("cac:InvoiceLine");
    assert_eq!(line.text_at("cbc:InvoicedQuantity"), "10.000");
    let price = line.at("cac:Price/cbc:PriceAmount");
    assert_eq!(price.text, "100.1000");
    assert_eq!(
        price.attribute("currencyID"),
        Some("EUR"),
        "document currency by default"
    );
    assert_eq!(
        root.text_at("cac:LegalMonetaryTotal/cbc:PrepaidAmount"),
        "-0.50"
    );
}

#[test]
fn sales_order_without_purchase_order_gets_na() {
    let mut document = seed_invoice();
    document.sales_order_reference = some("SO-1");
    let root = parse(&render_document(&document));
    assert_eq!(root.text_at("cac:OrderReference/cbc:ID"), "NA");
    assert_eq!(root.text_at("cac:OrderReference/cbc:SalesOrderID"), "SO-1");
}

#[test]
fn special_characters_are_escaped_and_read_back_unchanged() {
    let document = special_characters();
    let xml = render_document(&document);
    assert!(xml.contains(
        "<cbc:RegistrationName>Ελληνικά &amp; Σία &lt;ΑΕ&gt; \"Δ\" 'Ε'</cbc:RegistrationName>"
    ));
    assert!(xml.contains("]]&gt;"));
    let root = parse(&xml);
    assert_eq!(root.text_at("cbc:ID"), "INV-<&>-\"quoted\"-'single'");
    assert_eq!(
        root.text_at(
            "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"
        ),
        "Ελληνικά & Σία <ΑΕ> \"Δ\" 'Ε'"
    );
    assert_eq!(
        root.text_at("cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name"),
        "漢字カンパニー & Co. 🧾"
    );
    assert_eq!(
        root.text_at(
            "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"
        ),
        "株式会社テスト <script>alert('x')</script>"
    );
    assert_eq!(
        root.text_at("cbc:Note"),
        "Line one & two\nLine <three> ]]> 👍 Ωμέγα 中文"
    );
    assert_eq!(
        root.text_at("cac:InvoiceLine/cac:Item/cbc:Name"),
        "Widget <b>bold</b> & \"more\" 😀"
    );
}

#[test]
fn attribute_values_are_escaped() {
    let mut document = seed_invoice();
    document.seller.electronic_address_scheme_id = some("a\"b<c>&d'e\tf\ng");
    let xml = render_document(&document);
    assert!(
        xml.contains("schemeID=\"a&quot;b&lt;c&gt;&amp;d'e&#9;f&#10;g\""),
        "{xml}"
    );
    let root = parse(&xml);
    assert_eq!(
        root.at("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID")
            .attribute("schemeID"),
        Some("a\"b<c>&d'e\tf\ng")
    );
}

#[test]
fn characters_xml_cannot_carry_are_replaced() {
    let mut document = seed_invoice();
    document.seller.name = some("Bell\u{7}Escape\u{1B}Null\u{0}Nonchar\u{FFFF}");
    let xml = render_document(&document);
    let root = parse(&xml);
    assert_eq!(
        root.text_at(
            "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"
        ),
        "Bell\u{FFFD}Escape\u{FFFD}Null\u{FFFD}Nonchar\u{FFFD}"
    );
    assert_schema_valid("replaced characters", DocumentKind::Invoice, &xml);
}

#[test]
fn carriage_returns_survive_parsing() {
    let mut document = seed_invoice();
    document.payment_terms = some("line 1\r\nline 2");
    let root = parse(&render_document(&document));
    assert_eq!(
        root.text_at("cac:PaymentTerms/cbc:Note"),
        "line 1\r\nline 2"
    );
}

/// A document whose every text term is blank and whose aggregates are empty.
fn blank_document(kind: DocumentKind) -> Document {
    let blank = || some(" \t ");
    let blank_address = Address {
        street1: blank(),
        street2: blank(),
        additional_street: blank(),
        city: blank(),
        post_code: blank(),
        country_subdivision: blank(),
        country_code: blank(),
    };
    let blank_party = Party {
        name: blank(),
        trading_name: blank(),
        identifiers: vec![Identifier {
            id: "  ".to_owned(),
            scheme_id: blank(),
        }],
        legal_registration_id: blank(),
        legal_registration_scheme_id: blank(),
        vat_id: blank(),
        tax_registration_id: blank(),
        legal_form: blank(),
        electronic_address: blank(),
        electronic_address_scheme_id: blank(),
        address: Some(blank_address.clone()),
        contact: Some(Contact {
            name: blank(),
            phone: blank(),
            email: blank(),
        }),
    };
    let mut document = Document::empty(kind);
    document.customization_id = blank();
    document.number = blank();
    document.type_code = blank();
    document.notes.push(Note {
        subject_code: blank(),
        text: "  ".to_owned(),
    });
    document.currency = blank();
    document.tax_currency = blank();
    document.accounting_cost = blank();
    document.buyer_reference = blank();
    document.invoice_period = Some(Period::default());
    document.order_reference = blank();
    document.sales_order_reference = blank();
    document
        .preceding_invoices
        .push(PrecedingInvoice::default());
    document.despatch_advice_reference = blank();
    document.receiving_advice_reference = blank();
    document.tender_reference = blank();
    document.contract_reference = blank();
    document.invoiced_object_identifier = Some(Identifier {
        id: " ".to_owned(),
        scheme_id: blank(),
    });
    document.attachments.push(Attachment {
        id: blank(),
        description: blank(),
        uri: blank(),
        content: Some(Vec::new()),
        mime_code: blank(),
        filename: blank(),
    });
    document.project_references = vec![blank()];
    document.seller = blank_party.clone();
    document.buyer = blank_party;
    document.payee = Some(Payee {
        name: blank(),
        identifier: Some(Identifier::default()),
        legal_registration_id: blank(),
        legal_registration_scheme_id: blank(),
    });
    document.tax_representative = Some(TaxRepresentative {
        name: blank(),
        vat_id: blank(),
        address: Some(blank_address.clone()),
    });
    document.delivery = Some(Delivery {
        party_name: blank(),
        location_identifier: blank(),
        location_identifier_scheme_id: blank(),
        delivery_date: None,
        address: Some(blank_address),
    });
    document.payment_means.push(PaymentMeans {
        code: blank(),
        text: blank(),
        remittance_information: blank(),
        accounts: vec![Account {
            iban: blank(),
            account_name: blank(),
            bic: blank(),
        }],
        card: Some(Card {
            account_number: blank(),
            network_id: blank(),
            holder_name: blank(),
        }),
        direct_debit: Some(DirectDebit {
            mandate_reference: blank(),
            creditor_id: blank(),
            debited_account: blank(),
        }),
    });
    document.payment_terms = blank();
    document.tax_totals.push(TaxTotal {
        tax_amount: None,
        subtotals: vec![VatBreakdown::default()],
    });
    document.lines.push(Line {
        id: blank(),
        note: blank(),
        object_identifier: Some(Identifier::default()),
        unit_code: blank(),
        order_line_reference: blank(),
        accounting_cost: blank(),
        invoice_period: Some(Period::default()),
        price: Some(Price::default()),
        vat_category_code: blank(),
        item_name: blank(),
        item_description: blank(),
        sellers_item_id: blank(),
        buyers_item_id: blank(),
        standard_item_id: Some(Identifier::default()),
        classifications: vec![Classification::default()],
        origin_country: blank(),
        attributes: vec![ItemAttribute {
            name: blank(),
            value: blank(),
        }],
        ..Line::default()
    });
    document
}

#[test]
fn blank_terms_and_empty_aggregates_are_not_written() {
    for kind in [DocumentKind::Invoice, DocumentKind::CreditNote] {
        let xml = render_document(&blank_document(kind));
        assert_no_empty_elements(&xml);
        let root = parse(&xml);
        // Only the Peppol defaults remain: the blank CustomizationID falls back too.
        assert_eq!(
            root.child_names(),
            ["cbc:CustomizationID", "cbc:ProfileID"],
            "{xml}"
        );
    }
}

#[test]
fn an_empty_document_renders_only_the_defaults() {
    let xml = render_document(&Document::empty(DocumentKind::Invoice));
    assert_no_empty_elements(&xml);
    let names: HashSet<_> = parse(&xml)
        .child_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        names,
        HashSet::from(["cbc:CustomizationID".to_owned(), "cbc:ProfileID".to_owned()])
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any text survives rendering and parsing: unchanged when XML can carry it, with
    /// U+FFFD in place of what it cannot, and not written at all when blank.
    #[test]
    fn any_text_round_trips(name in any::<String>(), scheme in any::<String>()) {
        let mut document = seed_invoice();
        document.seller.name = Some(name.clone());
        document.seller.electronic_address_scheme_id = Some(scheme.clone());
        let xml = render_document(&document);
        assert_no_empty_elements(&xml);
        let root = parse(&xml);
        let party = root.at("cac:AccountingSupplierParty/cac:Party");
        let expected = |text: &str| -> String {
            text.chars()
                .map(|character| match character {
                    '\t' | '\n' | '\r' => character,
                    '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => '\u{FFFD}',
                    other => other,
                })
                .collect()
        };
        let written = party.child("cac:PartyLegalEntity").and_then(|legal| legal.child("cbc:RegistrationName"));
        if name.trim().is_empty() {
            prop_assert!(written.is_none());
        } else {
            prop_assert_eq!(&written.expect("registration name").text, &expected(&name));
        }
        let scheme_written = party.at("cbc:EndpointID").attribute("schemeID");
        if scheme.trim().is_empty() {
            prop_assert!(scheme_written.is_none());
        } else {
            let expected_scheme = expected(&scheme);
            prop_assert_eq!(scheme_written, Some(expected_scheme.as_str()));
        }
    }
}
