//! Model → UBL → model is lossless: for any renderable [`Document`],
//! `read_document(render_document(document)) == document`, exactly (decimals keep their
//! scale and sign, which `Decimal`'s `==` does not look at, so the `Debug` forms are
//! compared too).
//!
//! The generators exercise every field of the model: text with XML's special characters,
//! inner whitespace (tab, line feed, carriage return) and non-Latin scripts (including
//! characters outside the Basic Multilingual Plane), decimals with scales 0 to 4, dates
//! from year 1 to 9999, optional groups present and absent, several lines, allowances and
//! charges on both levels, tax totals with and without the tax currency, attachments with
//! content and with a URI, invoices and credit notes.
//!
//! What the generators do not produce is what the writer deliberately cannot carry, or
//! what the reader reads differently by design: [`renderable`] lists each such constraint
//! with its reason (see also the module documentation of `write.rs` and `read.rs`).
//! Strings are trimmed and non-empty (the reader trims, and the writer leaves blank terms
//! out) and hold no character XML 1.0 forbids (the writer replaces those with U+FFFD).
//! `Document::unparsed` stays empty: it holds what a source document had in place of a
//! date or a decimal, which the writer (writing typed values only) never writes.

use einvoice_domain::document::model::{
    Account, Address, AllowanceCharge, Amount, Attachment, Card, Classification, Contact, Delivery,
    DirectDebit, Document, DocumentKind, DocumentReference, Identifier, ItemAttribute, Line, Note,
    Party, Payee, PaymentMeans, Period, PrecedingInvoice, Price, TaxRepresentative, TaxTotal,
    Totals, VatBreakdown,
};
use einvoice_render_ubl::{read_document, render_document};
use proptest::collection::vec;
use proptest::option::weighted;
use proptest::prelude::*;
use proptest::sample::select;
use rust_decimal::Decimal;
use time::Date;

// ---------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------

/// Pieces of text: ASCII, XML's special characters and what looks like markup, whitespace
/// kept inside a value, characters Rust's `trim` strips at the ends (no-break space,
/// ideographic space), and non-Latin scripts.
const PIECES: &[&str] = &[
    "a",
    "Z",
    "0",
    "9",
    "-",
    ".",
    ":",
    "/",
    "%",
    "€",
    "#",
    ";",
    " ",
    "  ",
    "&",
    "<",
    ">",
    "\"",
    "'",
    "&amp;",
    "&#65;",
    "<b>",
    "]]>",
    "<!--",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\u{A0}",
    "\u{3000}",
    "é",
    "ß",
    "Ελληνικά",
    "Кириллица",
    "漢字",
    "日本語",
    "العربية",
    "עברית",
    "हिन्दी",
    "🧾",
    "𝄞",
    "\u{FFFD}",
    "\u{200B}",
    "\u{FEFF}",
];

/// A trimmed, non-empty text (the reader trims, and a blank term is not written).
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        "[A-Za-z0-9][A-Za-z0-9 ./-]{0,14}[A-Za-z0-9]|[A-Za-z0-9]",
        vec(select(PIECES), 1..8).prop_map(|pieces| pieces.concat()),
    ]
    .prop_filter_map("blank text", |text| {
        let trimmed = text.trim();
        (!trimmed.is_empty()).then(|| trimmed.to_owned())
    })
    .boxed()
}

/// A code: usually one of a list's codes, sometimes any text (the raw model keeps codes
/// as sent).
fn code() -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(&["380", "381", "S", "E", "O", "AE", "EUR", "USD", "C62", "0088", "9930", "58", "VATEX-EU-132", "application/pdf"][..])
            .prop_map(str::to_owned),
        1 => text(),
    ]
    .boxed()
}

fn some<T: std::fmt::Debug>(
    strategy: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    weighted(0.6, strategy)
}

/// A decimal with a scale from 0 to 4, of either sign, zero (and negative zero,
/// written `-0.00`) included.
fn decimal() -> BoxedStrategy<Decimal> {
    (
        prop_oneof![
            -1_000_i64..1_000,
            any::<i64>().prop_map(|value| value % 1_000_000_000_000),
        ],
        0_u32..=4,
        prop::bool::weighted(0.05),
    )
        .prop_map(|(mantissa, scale, negative_zero)| {
            let mut value = Decimal::new(if negative_zero { 0 } else { mantissa }, scale);
            if negative_zero {
                value.set_sign_negative(true);
            }
            value
        })
        .boxed()
}

fn currency() -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(&["EUR", "SEK", "NOK", "USD"][..]).prop_map(str::to_owned),
        1 => text(),
    ]
    .boxed()
}

fn amount() -> BoxedStrategy<Amount> {
    (decimal(), some(currency()))
        .prop_map(|(value, currency)| Amount { value, currency })
        .boxed()
}

/// A date from 0001-01-01 to 9999-12-31, mostly recent.
fn date() -> BoxedStrategy<Date> {
    let day = |year: i32| {
        Date::from_calendar_date(year, time::Month::January, 1)
            .expect("a valid date")
            .to_julian_day()
    };
    prop_oneof![day(2000)..day(2040), day(1)..=day(9999) + 364,]
        .prop_map(|julian| Date::from_julian_day(julian).expect("in range"))
        .boxed()
}

/// A `ChargeIndicator` as a UBL document may have it besides `true` and `false`: usually
/// none (the canonical form), else `1`, `0`, other text, or `""` (no element).
fn indicator_text() -> BoxedStrategy<Option<String>> {
    prop_oneof![
        6 => Just(None),
        2 => select(&["1", "0", "", "TRUE", "False", "yes"][..]).prop_map(|text| Some(text.to_owned())),
        1 => text().prop_map(Some),
    ]
    .boxed()
}

fn identifier() -> BoxedStrategy<Identifier> {
    (text(), some(code()))
        .prop_map(|(id, scheme_id)| Identifier { id, scheme_id })
        .boxed()
}

// ---------------------------------------------------------------------------------------
// Groups
// ---------------------------------------------------------------------------------------

fn note() -> BoxedStrategy<Note> {
    prop_oneof![
        // BT-21 is written into the note as `#CODE#text`, and read back from a note whose
        // first `#`-delimited token has three characters.
        (
            "[A-Z]{3}|[ΑΒΓ漢字]{3}",
            prop_oneof![Just(String::new()), text()],
        )
            .prop_map(|(code, text)| Note {
                subject_code: Some(code),
                text,
            }),
        // A note without a subject code must not start with `#` (it could read as one).
        text()
            .prop_filter("starts like a coded note", |text| !text.starts_with('#'))
            .prop_map(|text| Note {
                subject_code: None,
                text,
            }),
    ]
    .boxed()
}

prop_compose! {
    fn period()(
        start_date in some(date()),
        end_date in some(date()),
        description_code in some(code()),
    ) -> Period {
        Period { start_date, end_date, description_code }
    }
}

prop_compose! {
    fn address()(
        street1 in some(text()),
        street2 in some(text()),
        additional_street in some(text()),
        city in some(text()),
        post_code in some(text()),
        country_subdivision in some(text()),
        country_code in some(code()),
    ) -> Address {
        Address { street1, street2, additional_street, city, post_code, country_subdivision, country_code }
    }
}

prop_compose! {
    fn contact()(name in some(text()), phone in some(text()), email in some(text())) -> Contact {
        Contact { name, phone, email }
    }
}

prop_compose! {
    fn party()(
        (name, trading_name, identifiers, legal_registration_id, legal_registration_scheme_id) in (
            some(text()), some(text()), vec(identifier(), 0..3), some(text()), some(code()),
        ),
        (vat_id, tax_registration_id, legal_form, electronic_address, electronic_address_scheme_id) in (
            some(text()), some(text()), some(text()), some(text()), some(code()),
        ),
        address in some(address().boxed()),
        contact in some(contact().boxed()),
    ) -> Party {
        Party {
            name,
            trading_name,
            identifiers,
            legal_registration_id,
            legal_registration_scheme_id,
            vat_id,
            tax_registration_id,
            legal_form,
            electronic_address,
            electronic_address_scheme_id,
            address,
            contact,
        }
    }
}

prop_compose! {
    fn payee()(
        name in some(text()),
        identifier in some(identifier()),
        legal_registration_id in some(text()),
        legal_registration_scheme_id in some(code()),
    ) -> Payee {
        Payee { name, identifier, legal_registration_id, legal_registration_scheme_id }
    }
}

prop_compose! {
    fn tax_representative()(
        name in some(text()),
        vat_id in some(text()),
        address in some(address().boxed()),
    ) -> TaxRepresentative {
        TaxRepresentative { name, vat_id, address }
    }
}

prop_compose! {
    fn delivery()(
        party_name in some(text()),
        location_identifier in some(text()),
        location_identifier_scheme_id in some(code()),
        delivery_date in some(date()),
        address in some(address().boxed()),
    ) -> Delivery {
        Delivery { party_name, location_identifier, location_identifier_scheme_id, delivery_date, address }
    }
}

prop_compose! {
    fn payment_means()(
        code in some(code()),
        text in some(text()),
        remittance_information in some(text()),
        accounts in vec(
            (some(text()), some(text()), some(text()))
                .prop_map(|(iban, account_name, bic)| Account { iban, account_name, bic }),
            0..=1,
        ),
        card in some(
            (some(text()), some(text()), some(text())).prop_map(
                |(account_number, network_id, holder_name)| Card { account_number, network_id, holder_name },
            ),
        ),
        direct_debit in some(
            (some(text()), some(text())).prop_map(|(mandate_reference, debited_account)| DirectDebit {
                mandate_reference,
                creditor_id: None,
                debited_account,
            }),
        ),
    ) -> PaymentMeans {
        PaymentMeans { code, text, remittance_information, accounts, card, direct_debit }
    }
}

prop_compose! {
    fn allowance_charge()(
        charge_indicator in any::<bool>(),
        charge_indicator_text in indicator_text(),
        amount in some(amount()),
        base_amount in some(amount()),
        percentage in some(decimal()),
        reason_code in some(code()),
        reason in some(text()),
        vat_category_code in some(code()),
        vat_rate in some(decimal()),
    ) -> AllowanceCharge {
        AllowanceCharge {
            charge_indicator,
            charge_indicator_text,
            amount,
            base_amount,
            percentage,
            reason_code,
            reason,
            vat_category_code,
            vat_rate,
        }
    }
}

prop_compose! {
    fn vat_breakdown()(
        taxable_amount in some(amount()),
        tax_amount in some(amount()),
        category_code in some(code()),
        rate in some(decimal()),
        exemption_reason in some(text()),
        exemption_reason_code in some(code()),
    ) -> VatBreakdown {
        VatBreakdown { taxable_amount, tax_amount, category_code, rate, exemption_reason, exemption_reason_code }
    }
}

/// BT-110 with its breakdown, and (sometimes) BT-111 in the tax currency.
fn tax_totals() -> impl Strategy<Value = Vec<TaxTotal>> {
    (
        some(amount()),
        vec(vat_breakdown().boxed(), 0..4),
        some(amount()),
    )
        .prop_map(|(tax_amount, subtotals, in_tax_currency)| {
            let mut totals = vec![TaxTotal {
                tax_amount,
                subtotals,
            }];
            totals.extend(in_tax_currency.map(|amount| TaxTotal {
                tax_amount: Some(amount),
                subtotals: Vec::new(),
            }));
            totals
        })
}

prop_compose! {
    fn totals()(
        (line_extension_amount, tax_exclusive_amount, tax_inclusive_amount, allowance_total_amount) in
            (some(amount()), some(amount()), some(amount()), some(amount())),
        (charge_total_amount, prepaid_amount, rounding_amount, payable_amount) in
            (some(amount()), some(amount()), some(amount()), some(amount())),
    ) -> Totals {
        Totals {
            line_extension_amount,
            tax_exclusive_amount,
            tax_inclusive_amount,
            allowance_total_amount,
            charge_total_amount,
            prepaid_amount,
            rounding_amount,
            payable_amount,
        }
    }
}

prop_compose! {
    fn attachment()(
        id in some(text()),
        description in some(text()),
        uri in some(text()),
        content in some(vec(any::<u8>(), 1..48)),
        mime_code in some(code()),
        filename in some(text()),
    ) -> Attachment {
        Attachment { id, description, uri, content, mime_code, filename }
    }
}

prop_compose! {
    fn price()(
        net_amount in some(amount()),
        discount in some(amount()),
        gross_amount in some(amount()),
        base_quantity in some(decimal()),
        base_quantity_unit_code in some(code()),
        charge_indicator_text in indicator_text(),
    ) -> Price {
        Price { net_amount, discount, gross_amount, base_quantity, base_quantity_unit_code, charge_indicator_text }
    }
}

prop_compose! {
    fn line()(
        (id, note, object_identifier, quantity, unit_code, line_extension_amount) in (
            some(text()), some(text()), some(identifier()), some(decimal()), some(code()), some(amount()),
        ),
        document_references in vec(
            (
                some(identifier()),
                some(prop_oneof![Just("130".to_owned()), code()]),
            )
                .prop_map(|(id, type_code)| DocumentReference { id, type_code }),
            0..3,
        ),
        (order_line_reference, accounting_cost, invoice_period, allowance_charges, price) in (
            some(text()), some(text()), some(period().boxed()), vec(allowance_charge().boxed(), 0..3), some(price().boxed()),
        ),
        (vat_category_code, vat_rate, item_name, item_description, sellers_item_id, buyers_item_id) in (
            some(code()), some(decimal()), some(text()), some(text()), some(text()), some(text()),
        ),
        (standard_item_id, classifications, origin_country, attributes) in (
            some(identifier()),
            vec(
                (text(), some(code()), some(text()))
                    .prop_map(|(code, list_id, list_version_id)| Classification { code, list_id, list_version_id }),
                0..3,
            ),
            some(code()),
            vec(
                (some(text()), some(text())).prop_map(|(name, value)| ItemAttribute { name, value }),
                0..3,
            ),
        ),
    ) -> Line {
        Line {
            id,
            note,
            object_identifier,
            document_references,
            quantity,
            unit_code,
            line_extension_amount,
            order_line_reference,
            accounting_cost,
            invoice_period,
            allowance_charges,
            price,
            vat_category_code,
            vat_rate,
            item_name,
            item_description,
            sellers_item_id,
            buyers_item_id,
            standard_item_id,
            classifications,
            origin_country,
            attributes,
        }
    }
}

fn kind() -> impl Strategy<Value = DocumentKind> {
    prop_oneof![Just(DocumentKind::Invoice), Just(DocumentKind::CreditNote)]
}

prop_compose! {
    /// The header terms (BT-1 to BT-10, BT-19, BT-23, BT-24, BG-1).
    fn header(kind: DocumentKind)(
        customization_id in prop_oneof![
            Just(einvoice_domain::document::PEPPOL_BIS_CUSTOMIZATION_ID.to_owned()),
            text(),
        ],
        profile_id in prop_oneof![
            Just(einvoice_domain::document::PEPPOL_BIS_PROFILE_ID.to_owned()),
            text(),
        ],
        number in some(text()),
        (issue_date, due_date, tax_point_date) in (some(date()), some(date()), some(date())),
        type_code in some(code()),
        notes in vec(note(), 0..3),
        currency in some(currency()),
        tax_currency in some(currency()),
        accounting_cost in some(text()),
        buyer_reference in some(text()),
    ) -> Document {
        let mut document = Document::empty(kind);
        document.customization_id = Some(customization_id);
        document.profile_id = Some(profile_id);
        document.number = number;
        document.issue_date = issue_date;
        document.due_date = due_date;
        document.type_code = type_code;
        document.notes = notes;
        document.tax_point_date = tax_point_date;
        document.currency = currency;
        document.tax_currency = tax_currency;
        document.accounting_cost = accounting_cost;
        document.buyer_reference = buyer_reference;
        document
    }
}

prop_compose! {
    /// The references (BG-3, BG-14, BG-24, BT-11 to BT-18).
    fn references(kind: DocumentKind)(
        invoice_period in some(period().boxed()),
        (order_reference, sales_order_reference) in (some(text()), some(text())),
        preceding_invoices in vec(
            (some(text()), some(date())).prop_map(|(number, issue_date)| PrecedingInvoice { number, issue_date }),
            0..3,
        ),
        (despatch_advice_reference, receiving_advice_reference, tender_reference, contract_reference) in
            (some(text()), some(text()), some(text()), some(text())),
        invoiced_object_identifier in some(identifier()),
        attachments in vec(attachment().boxed(), 0..3),
        project_references in vec(weighted(0.8, text()), 0..3),
    ) -> Document {
        let mut document = Document::empty(kind);
        document.invoice_period = invoice_period;
        document.order_reference = order_reference;
        document.sales_order_reference = sales_order_reference;
        document.preceding_invoices = preceding_invoices;
        document.despatch_advice_reference = despatch_advice_reference;
        document.receiving_advice_reference = receiving_advice_reference;
        document.tender_reference = tender_reference;
        document.contract_reference = contract_reference;
        document.invoiced_object_identifier = invoiced_object_identifier;
        document.attachments = attachments;
        document.project_references = project_references;
        document
    }
}

prop_compose! {
    /// Parties, delivery and payment (BG-4 to BG-19, BT-20).
    fn parties(kind: DocumentKind)(
        (seller, buyer) in (party().boxed(), party().boxed()),
        payee in some(payee().boxed()),
        tax_representative in some(tax_representative().boxed()),
        delivery in some(delivery().boxed()),
        payment_means in vec(payment_means().boxed(), 0..3),
        creditor_id in some(text()),
        payment_terms in some(text()),
    ) -> Document {
        let mut document = Document::empty(kind);
        document.seller = seller;
        document.buyer = buyer;
        document.payee = payee;
        document.tax_representative = tax_representative;
        document.delivery = delivery;
        document.payment_means = payment_means;
        for debit in document.payment_means.iter_mut().filter_map(|means| means.direct_debit.as_mut()) {
            debit.creditor_id.clone_from(&creditor_id);
        }
        document.payment_terms = payment_terms;
        document
    }
}

prop_compose! {
    /// Allowances and charges, VAT, totals and lines (BG-20 to BG-25).
    fn amounts(kind: DocumentKind)(
        allowance_charges in vec(allowance_charge().boxed(), 0..3),
        tax_totals in tax_totals().boxed(),
        totals in totals().boxed(),
        lines in vec(line().boxed(), 0..4),
    ) -> Document {
        let mut document = Document::empty(kind);
        document.allowance_charges = allowance_charges;
        document.tax_totals = tax_totals;
        document.totals = totals;
        document.lines = lines;
        document
    }
}

prop_compose! {
    fn document()(kind in kind())(
        header in header(kind).boxed(),
        references in references(kind).boxed(),
        parties in parties(kind).boxed(),
        amounts in amounts(kind).boxed(),
    ) -> Document {
        let mut document = header;
        document.invoice_period = references.invoice_period;
        document.order_reference = references.order_reference;
        document.sales_order_reference = references.sales_order_reference;
        document.preceding_invoices = references.preceding_invoices;
        document.despatch_advice_reference = references.despatch_advice_reference;
        document.receiving_advice_reference = references.receiving_advice_reference;
        document.tender_reference = references.tender_reference;
        document.contract_reference = references.contract_reference;
        document.invoiced_object_identifier = references.invoiced_object_identifier;
        document.attachments = references.attachments;
        document.project_references = references.project_references;
        document.seller = parties.seller;
        document.buyer = parties.buyer;
        document.payee = parties.payee;
        document.tax_representative = parties.tax_representative;
        document.delivery = parties.delivery;
        document.payment_means = parties.payment_means;
        document.payment_terms = parties.payment_terms;
        document.allowance_charges = amounts.allowance_charges;
        document.tax_totals = amounts.tax_totals;
        document.totals = amounts.totals;
        document.lines = amounts.lines;
        renderable(document)
    }
}

// ---------------------------------------------------------------------------------------
// What the writer cannot carry
// ---------------------------------------------------------------------------------------

/// Applies the constraints under which the writer is lossless; each is a deliberate
/// decision of the writer (or a fact of UBL), documented in `write.rs`.
///
/// Beyond these, the generators never give a party identifier (BT-29, BT-60) the scheme
/// `SEPA`: a `PartyIdentification` with that scheme is the bank assigned creditor
/// identifier (BT-90), which the writer puts there and the reader takes from there.
/// Every direct debit of a document has the same BT-90 for the same reason (it is
/// written once, and read into every `PaymentMandate`).
fn renderable(mut document: Document) -> Document {
    let currency = document.currency.clone();
    let kind = document.kind;

    // An amount without a currency is written with the document currency (BT-5): only
    // without a document currency does it stay without one.
    if let Some(currency) = &currency {
        for amount in amounts_mut(&mut document) {
            if amount.currency.is_none() {
                amount.currency = Some(currency.clone());
            }
        }
    }

    // BT-13: a sales order reference alone is written with `OrderReference/ID` `NA` (the
    // ID is mandatory in UBL), which reads back as a purchase order reference.
    if document.sales_order_reference.is_some() && document.order_reference.is_none() {
        document.order_reference = Some("PO-1".to_owned());
    }
    if let Some(period) = &mut document.invoice_period {
        nonempty_period(period, true);
    }
    // A preceding invoice reference without number and date would be an empty
    // `BillingReference`, which is never written.
    for preceding in &mut document.preceding_invoices {
        if preceding.number.is_none() && preceding.issue_date.is_none() {
            preceding.number = Some("INV-0".to_owned());
        }
    }
    for attachment in &mut document.attachments {
        renderable_attachment(attachment);
    }
    // An invoice's BT-11 is `ProjectReference/ID`: a reference without `ID` would be an
    // empty `ProjectReference` (a credit note writes it as an `AdditionalDocumentReference`
    // with type code 50 alone).
    if kind == DocumentKind::Invoice {
        for project in &mut document.project_references {
            project.get_or_insert_with(|| "PRJ-1".to_owned());
        }
    }

    // BT-32 and BT-33 are seller terms: UBL has no place for a buyer's.
    document.buyer.tax_registration_id = None;
    document.buyer.legal_form = None;
    renderable_party(&mut document.seller);
    renderable_party(&mut document.buyer);
    if let Some(payee) = &mut document.payee {
        // The legal registration scheme is an attribute of the identifier.
        if payee.legal_registration_id.is_none() {
            payee.legal_registration_scheme_id = None;
        }
        // An empty `PayeeParty` is not written.
        if *payee == Payee::default() {
            payee.name = Some("Payee".to_owned());
        }
    }
    if let Some(representative) = &mut document.tax_representative {
        if let Some(address) = &mut representative.address {
            nonempty_address(address);
        }
        if *representative == TaxRepresentative::default() {
            representative.name = Some("Representative".to_owned());
        }
    }
    if let Some(delivery) = &mut document.delivery {
        // The scheme is an attribute of the location identifier.
        if delivery.location_identifier.is_none() {
            delivery.location_identifier_scheme_id = None;
        }
        if let Some(address) = &mut delivery.address {
            nonempty_address(address);
        }
        if *delivery == Delivery::default() {
            delivery.party_name = Some("Deliver-to".to_owned());
        }
    }

    for means in &mut document.payment_means {
        // BT-82 is the `name` attribute of `PaymentMeansCode`, so it needs BT-81 (which
        // BR-49 makes mandatory anyway); with it no `PaymentMeans` is empty.
        if means.code.is_none() {
            means.code = Some("30".to_owned());
        }
        // An empty `PayeeFinancialAccount` is not written.
        for account in &mut means.accounts {
            if *account == Account::default() {
                account.iban = Some("IBAN-1".to_owned());
            }
        }
        // An empty `CardAccount` is not written.
        if let Some(card) = &mut means.card
            && *card == Card::default()
        {
            card.network_id = Some("VISA".to_owned());
        }
        // A `PaymentMandate` with neither BT-89 nor BT-91 would be empty (BT-90 is a
        // party identification, not part of it).
        if let Some(debit) = &mut means.direct_debit
            && debit.mandate_reference.is_none()
            && debit.debited_account.is_none()
        {
            debit.mandate_reference = Some("MANDATE-1".to_owned());
        }
    }
    // In a credit note BT-9 is `PaymentMeans/PaymentDueDate`: without a payment means
    // there is nowhere to write it.
    if kind == DocumentKind::CreditNote && document.payment_means.is_empty() {
        document.due_date = None;
    }

    for item in &mut document.allowance_charges {
        renderable_allowance_charge(item);
        without_rate_for_category_o(item.vat_category_code.as_deref(), &mut item.vat_rate);
    }
    for total in &mut document.tax_totals {
        for entry in &mut total.subtotals {
            without_rate_for_category_o(entry.category_code.as_deref(), &mut entry.rate);
            // The exemption reasons are inside `TaxCategory`, which is written only with a
            // category code or a rate.
            if entry.category_code.is_none() && entry.rate.is_none() {
                entry.category_code = Some("E".to_owned());
            }
        }
        // An empty `TaxTotal` is not written.
        if total.tax_amount.is_none() && total.subtotals.is_empty() {
            total.tax_amount = Some(Amount {
                value: Decimal::ZERO,
                currency: currency.clone(),
            });
        }
    }

    for line in &mut document.lines {
        renderable_line(line);
    }
    document
}

/// Every amount of the document.
fn amounts_mut(document: &mut Document) -> Vec<&mut Amount> {
    let mut all = Vec::new();
    for item in &mut document.allowance_charges {
        all.extend(item.amount.as_mut());
        all.extend(item.base_amount.as_mut());
    }
    for total in &mut document.tax_totals {
        all.extend(total.tax_amount.as_mut());
        for entry in &mut total.subtotals {
            all.extend(entry.taxable_amount.as_mut());
            all.extend(entry.tax_amount.as_mut());
        }
    }
    let totals = &mut document.totals;
    all.extend(
        [
            &mut totals.line_extension_amount,
            &mut totals.tax_exclusive_amount,
            &mut totals.tax_inclusive_amount,
            &mut totals.allowance_total_amount,
            &mut totals.charge_total_amount,
            &mut totals.prepaid_amount,
            &mut totals.rounding_amount,
            &mut totals.payable_amount,
        ]
        .into_iter()
        .filter_map(Option::as_mut),
    );
    for line in &mut document.lines {
        all.extend(line.line_extension_amount.as_mut());
        for item in &mut line.allowance_charges {
            all.extend(item.amount.as_mut());
            all.extend(item.base_amount.as_mut());
        }
        if let Some(price) = &mut line.price {
            all.extend(price.net_amount.as_mut());
            all.extend(price.discount.as_mut());
            all.extend(price.gross_amount.as_mut());
        }
    }
    all
}

/// The reader derives `charge_indicator` from the text (`1` is a charge, other text an
/// allowance) and keeps no text for `true` and `false`; an allowance or charge without a
/// `ChargeIndicator` and without anything else would be an empty element.
fn renderable_allowance_charge(item: &mut AllowanceCharge) {
    match item.charge_indicator_text.as_deref() {
        Some("true") => item.charge_indicator_text = None,
        Some("false") => {
            item.charge_indicator_text = None;
            item.charge_indicator = false;
        }
        Some(text) => item.charge_indicator = text == "1",
        None => {}
    }
    if item.charge_indicator_text.as_deref() == Some("") && item.reason.is_none() {
        item.reason = Some("Reason".to_owned());
    }
}

/// `TaxCategory/Percent` is not written for category `O` (BR-O-05, BR-O-06, BR-O-10).
fn without_rate_for_category_o(code: Option<&str>, rate: &mut Option<Decimal>) {
    if code.is_some_and(|code| code.trim() == "O") {
        *rate = None;
    }
}

/// An empty `InvoicePeriod` is not written; BT-8 exists on document level only.
fn nonempty_period(period: &mut Period, document_level: bool) {
    if !document_level {
        period.description_code = None;
    }
    if *period == Period::default() {
        period.start_date =
            Some(Date::from_calendar_date(2026, time::Month::January, 1).expect("a valid date"));
    }
}

/// An empty address aggregate is not written.
fn nonempty_address(address: &mut Address) {
    if *address == Address::default() {
        address.city = Some("City".to_owned());
    }
}

fn renderable_party(party: &mut Party) {
    // Schemes are attributes of their identifiers.
    if party.electronic_address.is_none() {
        party.electronic_address_scheme_id = None;
    }
    if party.legal_registration_id.is_none() {
        party.legal_registration_scheme_id = None;
    }
    if let Some(address) = &mut party.address {
        nonempty_address(address);
    }
    // An empty `Contact` is not written.
    if let Some(contact) = &mut party.contact
        && *contact == Contact::default()
    {
        contact.name = Some("Contact".to_owned());
    }
}

fn renderable_attachment(attachment: &mut Attachment) {
    // BT-125-1 and BT-125-2 are attributes of the embedded object.
    if attachment.content.is_none() {
        attachment.mime_code = None;
        attachment.filename = None;
    }
    // An empty `AdditionalDocumentReference` is not written.
    if *attachment == Attachment::default() {
        attachment.id = Some("ATT-1".to_owned());
    }
}

fn renderable_line(line: &mut Line) {
    // BT-130 is an attribute of the quantity.
    if line.quantity.is_none() {
        line.unit_code = None;
    }
    if let Some(period) = &mut line.invoice_period {
        nonempty_period(period, false);
    }
    // A line-level allowance or charge has no VAT category in UBL (BT-95/BT-96 and
    // BT-102/BT-103 are document-level terms).
    for item in &mut line.allowance_charges {
        renderable_allowance_charge(item);
        item.vat_category_code = None;
        item.vat_rate = None;
    }
    for reference in &mut line.document_references {
        // BT-128 is the first reference with type code 130 and an `ID`: without BT-128, such
        // a reference would read back as BT-128.
        if line.object_identifier.is_none() && reference.type_code.as_deref() == Some("130") {
            reference.id = None;
        }
        // A reference without `ID` and type code would be an empty element.
        if *reference == DocumentReference::default() {
            reference.type_code = Some("916".to_owned());
        }
    }
    if let Some(price) = &mut line.price {
        // BT-150 is an attribute of the base quantity.
        if price.base_quantity.is_none() {
            price.base_quantity_unit_code = None;
        }
        // The price's `ChargeIndicator` text is kept only when it is not `false`; without
        // BT-147 and BT-148, a blank one would leave an empty `AllowanceCharge`.
        if price.charge_indicator_text.as_deref() == Some("false")
            || (price.charge_indicator_text.as_deref() == Some("")
                && price.discount.is_none()
                && price.gross_amount.is_none())
        {
            price.charge_indicator_text = None;
        }
        // With a gross price but no discount, the discount `Amount` (mandatory in UBL)
        // is written as zero at the gross price's scale.
        if let (Some(gross), None) = (&price.gross_amount, &price.discount) {
            price.discount = Some(Amount {
                value: Decimal::new(0, gross.value.scale()),
                currency: gross.currency.clone(),
            });
        }
        // An empty `Price` is not written.
        if *price == Price::default() {
            price.base_quantity = Some(Decimal::ONE);
        }
    }
    without_rate_for_category_o(line.vat_category_code.as_deref(), &mut line.vat_rate);
    // An `AdditionalItemProperty` without name and value is empty.
    for attribute in &mut line.attributes {
        if *attribute == ItemAttribute::default() {
            attribute.name = Some("Attribute".to_owned());
        }
    }
    // A line without any term would be an empty line element.
    if *line == Line::default() {
        line.id = Some("1".to_owned());
    }
}

// ---------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------

fn assert_round_trips(document: &Document) -> Result<(), TestCaseError> {
    let xml = render_document(document);
    let read = read_document(xml.as_bytes())
        .map_err(|error| TestCaseError::fail(format!("{error}\n{xml}")))?;
    // `Decimal`'s `==` ignores scale and the sign of zero; the `Debug` form does not.
    let (expected, actual) = (format!("{document:#?}"), format!("{read:#?}"));
    if read != *document || actual != expected {
        return Err(TestCaseError::fail(format!(
            "the document read back differs:\n{}\n{xml}",
            differences(&expected, &actual)
        )));
    }
    Ok(())
}

/// Line `index` of `lines`, trimmed.
fn line_at<'a>(lines: &[&'a str], index: usize) -> &'a str {
    lines.get(index).map_or("(nothing)", |line| line.trim())
}

/// The first line of two `Debug` forms that differs, with the line before it.
fn differences(expected: &str, actual: &str) -> String {
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let Some(index) = (0..expected.len().max(actual.len()))
        .find(|&index| expected.get(index) != actual.get(index))
    else {
        return String::new();
    };
    format!(
        "  after `{}`:\n    written {}\n    read    {}\n",
        index
            .checked_sub(1)
            .map_or("", |before| line_at(&expected, before)),
        line_at(&expected, index),
        line_at(&actual, index),
    )
}

/// Cases per run: 48 keeps `cargo test --workspace` quick in debug builds (each case is a
/// whole document); `ROUND_TRIP_CASES=20000` runs a deep search.
fn round_trip_config() -> ProptestConfig {
    let cases = std::env::var("ROUND_TRIP_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(48);
    ProptestConfig::with_cases(cases)
}

proptest! {
    #![proptest_config(round_trip_config())]

    #[test]
    fn model_to_ubl_to_model_is_lossless(document in document()) {
        assert_round_trips(&document)?;
    }
}

#[test]
fn the_generators_reach_every_group() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = document();
    let mut seen = [false; 16];
    for _ in 0..256 {
        let document = strategy.new_tree(&mut runner).expect("a value").current();
        let checks = [
            document.kind == DocumentKind::Invoice,
            document.kind == DocumentKind::CreditNote,
            document.attachments.iter().any(|a| a.content.is_some()),
            document.attachments.iter().any(|a| a.uri.is_some()),
            document.tax_totals.len() == 2,
            document.tax_totals.len() == 1,
            document.lines.len() >= 2,
            document.payee.is_some(),
            document
                .payment_means
                .iter()
                .any(|m| m.direct_debit.is_some()),
            document
                .lines
                .iter()
                .any(|l| !l.allowance_charges.is_empty()),
            document.notes.iter().any(|n| n.subject_code.is_some()),
            document.kind == DocumentKind::CreditNote && document.due_date.is_some(),
            document.project_references.len() >= 2,
            document
                .lines
                .iter()
                .any(|l| !l.document_references.is_empty()),
            document
                .allowance_charges
                .iter()
                .any(|a| a.charge_indicator_text.is_some()),
            document
                .lines
                .iter()
                .filter_map(|l| l.price.as_ref())
                .any(|p| p.charge_indicator_text.is_some()),
        ];
        for (seen, check) in seen.iter_mut().zip(checks) {
            *seen |= check;
        }
    }
    assert_eq!(seen, [true; 16], "a group the generators never produce");
}
