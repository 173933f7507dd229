//! Writing the document model as Peppol BIS Billing 3.0 UBL 2.1.
//!
//! Every element follows the order of the UBL 2.1 schemas (`UBL-Invoice-2.1.xsd`,
//! `UBL-CreditNote-2.1.xsd` and their common aggregates) and the Peppol syntax binding
//! (OpenPEPPOL/peppol-bis-invoice-3 `structure/syntax/ubl-invoice.xml`,
//! `ubl-creditnote.xml`). The output is UTF-8 with an XML declaration, two-space
//! indentation (one element per line, text kept on its element's line), deterministic
//! (the same model gives the same bytes) and holds no empty element: an absent or blank
//! term is not written, and an aggregate left without content is removed. Escaping is
//! described in [`xml`].
//!
//! Mapping decisions beyond the binding's one-to-one terms:
//!
//! - `CustomizationID` and `ProfileID` default to Peppol BIS Billing 3.0 when the model
//!   has none.
//! - Amounts carry `currencyID` = the amount's own currency, else the document currency
//!   (BT-5); decimals are written with the scale the model carries (never via `f64`).
//! - BT-21 is written into its note as `#CODE#text` (the EN 16931 UBL binding).
//! - BT-31 is the `PartyTaxScheme` whose `TaxScheme/ID` is `VAT`; BT-32 is a second one
//!   with `TaxScheme/ID` `TAX`, as the Peppol examples and rules use.
//! - BT-13: when only a sales order reference (BT-14) is given, `OrderReference/ID` is
//!   `NA`, as the Peppol binding prescribes (`ID` is mandatory in UBL).
//! - BT-18 is an `AdditionalDocumentReference` with `DocumentTypeCode` `130`; in a
//!   credit note (which has no `ProjectReference`) BT-11 is one with `DocumentTypeCode`
//!   `50`. Every project reference of the model is written (one `ProjectReference` or
//!   `AdditionalDocumentReference` each; one without `ID` only in a credit note).
//! - A line's other document references (besides BT-128) follow BT-128's, with their
//!   `ID` and `DocumentTypeCode`.
//! - `ChargeIndicator` is the model's `charge_indicator_text` when it has one (a UBL
//!   document's `1`, `0`, ..., which breaks PEPPOL-EN16931-R043 or R044: written as read,
//!   so that the model survives a round trip; none when it is blank), else `true` or
//!   `false`.
//! - BG-16: a payment means with several accounts (BG-17) becomes one `PaymentMeans` per
//!   account, repeating the code and remittance information (BT-81, BT-83); the text
//!   (BT-82, `PaymentMeansCode/@name`), the card (BG-18) and the mandate (BG-19) are
//!   written once, in the first. In a credit note BT-9 is
//!   `PaymentMeans/PaymentDueDate` of the first payment means (there is nowhere else to
//!   put it: without a payment means it is not written).
//! - BT-90 (bank assigned creditor identifier) is a `PartyIdentification/ID` with
//!   `schemeID="SEPA"` of the payee when there is one, else of the seller.
//! - BT-147 / BT-148 are `Price/AllowanceCharge` (`ChargeIndicator` `false`, `Amount`,
//!   `BaseAmount`); with a gross price but no discount the `Amount` (mandatory in UBL) is
//!   zero, at the gross price's scale.
//! - The model's unparsed values (`Document::unparsed`) are not written: they are what a
//!   source document had in place of a date or a decimal, and the writer writes only
//!   typed values.
//! - `TaxCategory/Percent` is not written for category `O` (BR-O-05, BR-O-06, BR-O-10);
//!   `TaxScheme/ID` is `VAT` everywhere.
//! - `TaxTotal`: one per model entry, in model order, each with its subtotals (BT-110
//!   with the BG-23 breakdown, BT-111 in the tax currency without).
//! - Terms the model keeps that UBL has no place for are not written: the line period's
//!   BT-8 code (document level only), and a buyer's BT-32 / BT-33 (seller only).

mod xml;

use einvoice_domain::document::model::{
    Address, AllowanceCharge, Amount, Attachment, Contact, DocumentKind, Identifier, Line, Party,
    PaymentMeans, Period, TaxTotal, VatBreakdown,
};
use einvoice_domain::document::{Document, ValidDocument};
use rust_decimal::Decimal;

use self::xml::{Tag, Xml, attribute, is_blank, tag};

/// Peppol BIS Billing 3.0 specification identifier (BT-24), used when the model has none.
const PEPPOL_CUSTOMIZATION_ID: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
/// Peppol BIS Billing 3.0 business process (BT-23), used when the model has none.
const PEPPOL_PROFILE_ID: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/// The namespace declarations of an `Invoice`.
const INVOICE_NAMESPACES: &str = concat!(
    " xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"",
    " xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\"",
    " xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\"",
);
/// The namespace declarations of a `CreditNote`.
const CREDIT_NOTE_NAMESPACES: &str = concat!(
    " xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\"",
    " xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\"",
    " xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\"",
);

/// Renders a valid document as UBL 2.1 (Peppol BIS Billing 3.0).
pub fn render(document: &ValidDocument) -> String {
    render_document(document.document())
}

/// Renders any document, valid or not (tests, round trips, diagnostics); the gateway
/// sends only what [`render`] produced. A document that breaks the rules may give
/// schema-invalid UBL (a mandatory element is missing when its term is), but never
/// malformed XML nor an empty element.
pub fn render_document(document: &Document) -> String {
    let mut writer = Writer {
        xml: Xml::with_capacity(estimated_size(document)),
        currency: document.currency.as_deref(),
        kind: document.kind,
    };
    writer.document(document);
    writer.xml.finish()
}

/// A generous estimate of the output size, so that the output is allocated once.
fn estimated_size(document: &Document) -> usize {
    let attachments: usize = document
        .attachments
        .iter()
        .map(|attachment| {
            attachment
                .content
                .as_ref()
                .map_or(0, |content| content.len() / 3 * 4 + 4)
                + 512
        })
        .sum();
    let notes: usize = document.notes.iter().map(|note| note.text.len() + 32).sum();
    6 * 1024 + document.lines.len() * 1536 + attachments + notes
}

fn text(value: Option<&String>) -> Option<&str> {
    value.map(String::as_str)
}

fn present(value: Option<&String>) -> bool {
    value.is_some_and(|value| !is_blank(value))
}

struct Writer<'a> {
    xml: Xml,
    /// The document currency (BT-5), for amounts that carry none.
    currency: Option<&'a str>,
    kind: DocumentKind,
}

impl<'a> Writer<'a> {
    fn invoice(&self) -> bool {
        self.kind == DocumentKind::Invoice
    }

    fn amount(&mut self, name: Tag, amount: Option<&Amount>) {
        if let Some(amount) = amount {
            let currency = amount.currency.as_deref().or(self.currency);
            self.xml.decimal_with(
                name,
                &[(attribute!("currencyID"), currency)],
                Some(amount.value),
            );
        }
    }

    fn identifier(&mut self, name: Tag, identifier: Option<&Identifier>) {
        if let Some(identifier) = identifier {
            self.xml.text_with(
                name,
                &[(attribute!("schemeID"), identifier.scheme_id.as_deref())],
                Some(&identifier.id),
            );
        }
    }

    /// `<aggregate><cbc:ID>value</cbc:ID></aggregate>`, unless `value` is blank.
    fn id_in(&mut self, aggregate: Tag, value: Option<&String>) {
        if present(value) {
            let mark = self.xml.start(aggregate);
            self.xml.text(tag!("cbc:ID"), text(value));
            self.xml.end(aggregate, mark);
        }
    }

    fn document(&mut self, document: &'a Document) {
        let (root, namespaces) = if self.invoice() {
            (tag!("Invoice"), INVOICE_NAMESPACES)
        } else {
            (tag!("CreditNote"), CREDIT_NOTE_NAMESPACES)
        };
        self.xml.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        let root_mark = self.xml.start_root(root, namespaces);

        let customization = document
            .customization_id
            .as_deref()
            .filter(|value| !is_blank(value));
        self.xml.text(
            tag!("cbc:CustomizationID"),
            Some(customization.unwrap_or(PEPPOL_CUSTOMIZATION_ID)),
        );
        let profile = document
            .profile_id
            .as_deref()
            .filter(|value| !is_blank(value));
        self.xml.text(
            tag!("cbc:ProfileID"),
            Some(profile.unwrap_or(PEPPOL_PROFILE_ID)),
        );
        self.xml
            .text(tag!("cbc:ID"), text(document.number.as_ref()));
        self.xml.date(tag!("cbc:IssueDate"), document.issue_date);
        if self.invoice() {
            self.xml.date(tag!("cbc:DueDate"), document.due_date);
            self.xml.text(
                tag!("cbc:InvoiceTypeCode"),
                text(document.type_code.as_ref()),
            );
            self.notes(document);
            self.xml
                .date(tag!("cbc:TaxPointDate"), document.tax_point_date);
        } else {
            self.xml
                .date(tag!("cbc:TaxPointDate"), document.tax_point_date);
            self.xml.text(
                tag!("cbc:CreditNoteTypeCode"),
                text(document.type_code.as_ref()),
            );
            self.notes(document);
        }
        self.xml.text(
            tag!("cbc:DocumentCurrencyCode"),
            text(document.currency.as_ref()),
        );
        self.xml.text(
            tag!("cbc:TaxCurrencyCode"),
            text(document.tax_currency.as_ref()),
        );
        self.xml.text(
            tag!("cbc:AccountingCost"),
            text(document.accounting_cost.as_ref()),
        );
        self.xml.text(
            tag!("cbc:BuyerReference"),
            text(document.buyer_reference.as_ref()),
        );
        self.period(document.invoice_period.as_ref(), true);
        self.order_reference(document);
        for preceding in &document.preceding_invoices {
            let billing = self.xml.start(tag!("cac:BillingReference"));
            let reference = self.xml.start(tag!("cac:InvoiceDocumentReference"));
            self.xml
                .text(tag!("cbc:ID"), text(preceding.number.as_ref()));
            self.xml.date(tag!("cbc:IssueDate"), preceding.issue_date);
            self.xml
                .end(tag!("cac:InvoiceDocumentReference"), reference);
            self.xml.end(tag!("cac:BillingReference"), billing);
        }
        self.id_in(
            tag!("cac:DespatchDocumentReference"),
            document.despatch_advice_reference.as_ref(),
        );
        self.id_in(
            tag!("cac:ReceiptDocumentReference"),
            document.receiving_advice_reference.as_ref(),
        );
        if self.invoice() {
            self.id_in(
                tag!("cac:OriginatorDocumentReference"),
                document.tender_reference.as_ref(),
            );
            self.id_in(
                tag!("cac:ContractDocumentReference"),
                document.contract_reference.as_ref(),
            );
            self.additional_documents(document);
            for project in &document.project_references {
                self.id_in(tag!("cac:ProjectReference"), project.as_ref());
            }
        } else {
            self.id_in(
                tag!("cac:ContractDocumentReference"),
                document.contract_reference.as_ref(),
            );
            self.additional_documents(document);
            self.id_in(
                tag!("cac:OriginatorDocumentReference"),
                document.tender_reference.as_ref(),
            );
        }

        let creditor_id = document
            .payment_means
            .iter()
            .find_map(|means| means.direct_debit.as_ref()?.creditor_id.as_ref())
            .map(String::as_str)
            .filter(|creditor| !is_blank(creditor));
        let (seller_creditor, payee_creditor) = if document.payee.is_some() {
            (None, creditor_id)
        } else {
            (creditor_id, None)
        };

        let supplier = self.xml.start(tag!("cac:AccountingSupplierParty"));
        self.party(&document.seller, true, seller_creditor);
        self.xml.end(tag!("cac:AccountingSupplierParty"), supplier);
        let customer = self.xml.start(tag!("cac:AccountingCustomerParty"));
        self.party(&document.buyer, false, None);
        self.xml.end(tag!("cac:AccountingCustomerParty"), customer);
        self.payee(document, payee_creditor);
        self.tax_representative(document);
        self.delivery(document);
        self.payment_means(document);
        if present(document.payment_terms.as_ref()) {
            let terms = self.xml.start(tag!("cac:PaymentTerms"));
            self.xml
                .text(tag!("cbc:Note"), text(document.payment_terms.as_ref()));
            self.xml.end(tag!("cac:PaymentTerms"), terms);
        }
        for item in &document.allowance_charges {
            self.allowance_charge(item, true);
        }
        for total in &document.tax_totals {
            self.tax_total(total);
        }
        self.monetary_total(document);
        for line in &document.lines {
            self.line(line);
        }
        self.xml.end(root, root_mark);
    }

    fn notes(&mut self, document: &Document) {
        for note in &document.notes {
            self.xml
                .coded_note(tag!("cbc:Note"), note.subject_code.as_deref(), &note.text);
        }
    }

    /// BG-14 (document, with BT-8) or BG-26 (line, without).
    fn period(&mut self, period: Option<&Period>, document_level: bool) {
        let Some(period) = period else {
            return;
        };
        let mark = self.xml.start(tag!("cac:InvoicePeriod"));
        self.xml.date(tag!("cbc:StartDate"), period.start_date);
        self.xml.date(tag!("cbc:EndDate"), period.end_date);
        if document_level {
            self.xml.text(
                tag!("cbc:DescriptionCode"),
                text(period.description_code.as_ref()),
            );
        }
        self.xml.end(tag!("cac:InvoicePeriod"), mark);
    }

    fn order_reference(&mut self, document: &Document) {
        let order = present(document.order_reference.as_ref());
        let sales_order = present(document.sales_order_reference.as_ref());
        if !order && !sales_order {
            return;
        }
        let mark = self.xml.start(tag!("cac:OrderReference"));
        let id = if order {
            text(document.order_reference.as_ref())
        } else {
            Some("NA")
        };
        self.xml.text(tag!("cbc:ID"), id);
        self.xml.text(
            tag!("cbc:SalesOrderID"),
            text(document.sales_order_reference.as_ref()),
        );
        self.xml.end(tag!("cac:OrderReference"), mark);
    }

    /// BT-18, BG-24 and (credit notes) BT-11.
    fn additional_documents(&mut self, document: &Document) {
        if let Some(object) = &document.invoiced_object_identifier
            && !is_blank(&object.id)
        {
            let mark = self.xml.start(tag!("cac:AdditionalDocumentReference"));
            self.identifier(tag!("cbc:ID"), Some(object));
            self.xml.text(tag!("cbc:DocumentTypeCode"), Some("130"));
            self.xml.end(tag!("cac:AdditionalDocumentReference"), mark);
        }
        for attachment in &document.attachments {
            self.attachment(attachment);
        }
        if !self.invoice() {
            // A reference without `ID` is written with its type code alone; a blank `ID`
            // is not written, as every blank term.
            let projects = document
                .project_references
                .iter()
                .filter(|project| project.as_deref().is_none_or(|id| !is_blank(id)));
            for project in projects {
                let mark = self.xml.start(tag!("cac:AdditionalDocumentReference"));
                self.xml.text(tag!("cbc:ID"), text(project.as_ref()));
                self.xml.text(tag!("cbc:DocumentTypeCode"), Some("50"));
                self.xml.end(tag!("cac:AdditionalDocumentReference"), mark);
            }
        }
    }

    fn attachment(&mut self, attachment: &Attachment) {
        let mark = self.xml.start(tag!("cac:AdditionalDocumentReference"));
        self.xml.text(tag!("cbc:ID"), text(attachment.id.as_ref()));
        self.xml.text(
            tag!("cbc:DocumentDescription"),
            text(attachment.description.as_ref()),
        );
        let inner = self.xml.start(tag!("cac:Attachment"));
        if let Some(content) = &attachment.content {
            self.xml.base64_with(
                tag!("cbc:EmbeddedDocumentBinaryObject"),
                &[
                    (attribute!("mimeCode"), text(attachment.mime_code.as_ref())),
                    (attribute!("filename"), text(attachment.filename.as_ref())),
                ],
                content,
            );
        }
        if present(attachment.uri.as_ref()) {
            let external = self.xml.start(tag!("cac:ExternalReference"));
            self.xml
                .text(tag!("cbc:URI"), text(attachment.uri.as_ref()));
            self.xml.end(tag!("cac:ExternalReference"), external);
        }
        self.xml.end(tag!("cac:Attachment"), inner);
        self.xml.end(tag!("cac:AdditionalDocumentReference"), mark);
    }

    fn party_identification(&mut self, identifier: &Identifier) {
        if is_blank(&identifier.id) {
            return;
        }
        let mark = self.xml.start(tag!("cac:PartyIdentification"));
        self.identifier(tag!("cbc:ID"), Some(identifier));
        self.xml.end(tag!("cac:PartyIdentification"), mark);
    }

    fn creditor_identification(&mut self, creditor_id: Option<&str>) {
        if let Some(creditor_id) = creditor_id {
            let mark = self.xml.start(tag!("cac:PartyIdentification"));
            self.xml.text_with(
                tag!("cbc:ID"),
                &[(attribute!("schemeID"), Some("SEPA"))],
                Some(creditor_id),
            );
            self.xml.end(tag!("cac:PartyIdentification"), mark);
        }
    }

    fn party_name(&mut self, name: Option<&String>) {
        if present(name) {
            let mark = self.xml.start(tag!("cac:PartyName"));
            self.xml.text(tag!("cbc:Name"), text(name));
            self.xml.end(tag!("cac:PartyName"), mark);
        }
    }

    fn party_tax_scheme(&mut self, company_id: Option<&String>, scheme: &str) {
        if present(company_id) {
            let mark = self.xml.start(tag!("cac:PartyTaxScheme"));
            self.xml.text(tag!("cbc:CompanyID"), text(company_id));
            let tax_scheme = self.xml.start(tag!("cac:TaxScheme"));
            self.xml.text(tag!("cbc:ID"), Some(scheme));
            self.xml.end(tag!("cac:TaxScheme"), tax_scheme);
            self.xml.end(tag!("cac:PartyTaxScheme"), mark);
        }
    }

    /// BG-4 (`seller`) or BG-7, inside `cac:Party`.
    fn party(&mut self, party: &Party, seller: bool, creditor_id: Option<&str>) {
        let mark = self.xml.start(tag!("cac:Party"));
        self.xml.text_with(
            tag!("cbc:EndpointID"),
            &[(
                attribute!("schemeID"),
                text(party.electronic_address_scheme_id.as_ref()),
            )],
            text(party.electronic_address.as_ref()),
        );
        for identifier in &party.identifiers {
            self.party_identification(identifier);
        }
        self.creditor_identification(creditor_id);
        self.party_name(party.trading_name.as_ref());
        self.address(tag!("cac:PostalAddress"), party.address.as_ref());
        self.party_tax_scheme(party.vat_id.as_ref(), "VAT");
        if seller {
            self.party_tax_scheme(party.tax_registration_id.as_ref(), "TAX");
        }
        let legal = self.xml.start(tag!("cac:PartyLegalEntity"));
        self.xml
            .text(tag!("cbc:RegistrationName"), text(party.name.as_ref()));
        self.xml.text_with(
            tag!("cbc:CompanyID"),
            &[(
                attribute!("schemeID"),
                text(party.legal_registration_scheme_id.as_ref()),
            )],
            text(party.legal_registration_id.as_ref()),
        );
        if seller {
            self.xml.text(
                tag!("cbc:CompanyLegalForm"),
                text(party.legal_form.as_ref()),
            );
        }
        self.xml.end(tag!("cac:PartyLegalEntity"), legal);
        self.contact(party.contact.as_ref());
        self.xml.end(tag!("cac:Party"), mark);
    }

    fn address(&mut self, name: Tag, address: Option<&Address>) {
        let Some(address) = address else {
            return;
        };
        let mark = self.xml.start(name);
        self.xml
            .text(tag!("cbc:StreetName"), text(address.street1.as_ref()));
        self.xml.text(
            tag!("cbc:AdditionalStreetName"),
            text(address.street2.as_ref()),
        );
        self.xml
            .text(tag!("cbc:CityName"), text(address.city.as_ref()));
        self.xml
            .text(tag!("cbc:PostalZone"), text(address.post_code.as_ref()));
        self.xml.text(
            tag!("cbc:CountrySubentity"),
            text(address.country_subdivision.as_ref()),
        );
        if present(address.additional_street.as_ref()) {
            let line = self.xml.start(tag!("cac:AddressLine"));
            self.xml
                .text(tag!("cbc:Line"), text(address.additional_street.as_ref()));
            self.xml.end(tag!("cac:AddressLine"), line);
        }
        if present(address.country_code.as_ref()) {
            let country = self.xml.start(tag!("cac:Country"));
            self.xml.text(
                tag!("cbc:IdentificationCode"),
                text(address.country_code.as_ref()),
            );
            self.xml.end(tag!("cac:Country"), country);
        }
        self.xml.end(name, mark);
    }

    fn contact(&mut self, contact: Option<&Contact>) {
        let Some(contact) = contact else {
            return;
        };
        let mark = self.xml.start(tag!("cac:Contact"));
        self.xml.text(tag!("cbc:Name"), text(contact.name.as_ref()));
        self.xml
            .text(tag!("cbc:Telephone"), text(contact.phone.as_ref()));
        self.xml
            .text(tag!("cbc:ElectronicMail"), text(contact.email.as_ref()));
        self.xml.end(tag!("cac:Contact"), mark);
    }

    /// BG-10.
    fn payee(&mut self, document: &Document, creditor_id: Option<&str>) {
        let Some(payee) = &document.payee else {
            return;
        };
        let mark = self.xml.start(tag!("cac:PayeeParty"));
        if let Some(identifier) = &payee.identifier {
            self.party_identification(identifier);
        }
        self.creditor_identification(creditor_id);
        self.party_name(payee.name.as_ref());
        if present(payee.legal_registration_id.as_ref()) {
            let legal = self.xml.start(tag!("cac:PartyLegalEntity"));
            self.xml.text_with(
                tag!("cbc:CompanyID"),
                &[(
                    attribute!("schemeID"),
                    text(payee.legal_registration_scheme_id.as_ref()),
                )],
                text(payee.legal_registration_id.as_ref()),
            );
            self.xml.end(tag!("cac:PartyLegalEntity"), legal);
        }
        self.xml.end(tag!("cac:PayeeParty"), mark);
    }

    /// BG-11.
    fn tax_representative(&mut self, document: &Document) {
        let Some(representative) = &document.tax_representative else {
            return;
        };
        let mark = self.xml.start(tag!("cac:TaxRepresentativeParty"));
        self.party_name(representative.name.as_ref());
        self.address(tag!("cac:PostalAddress"), representative.address.as_ref());
        self.party_tax_scheme(representative.vat_id.as_ref(), "VAT");
        self.xml.end(tag!("cac:TaxRepresentativeParty"), mark);
    }

    /// BG-13.
    fn delivery(&mut self, document: &Document) {
        let Some(delivery) = &document.delivery else {
            return;
        };
        let mark = self.xml.start(tag!("cac:Delivery"));
        self.xml
            .date(tag!("cbc:ActualDeliveryDate"), delivery.delivery_date);
        let location = self.xml.start(tag!("cac:DeliveryLocation"));
        self.xml.text_with(
            tag!("cbc:ID"),
            &[(
                attribute!("schemeID"),
                text(delivery.location_identifier_scheme_id.as_ref()),
            )],
            text(delivery.location_identifier.as_ref()),
        );
        self.address(tag!("cac:Address"), delivery.address.as_ref());
        self.xml.end(tag!("cac:DeliveryLocation"), location);
        if present(delivery.party_name.as_ref()) {
            let party = self.xml.start(tag!("cac:DeliveryParty"));
            self.party_name(delivery.party_name.as_ref());
            self.xml.end(tag!("cac:DeliveryParty"), party);
        }
        self.xml.end(tag!("cac:Delivery"), mark);
    }

    /// BG-16 with BG-17, BG-18 and BG-19.
    fn payment_means(&mut self, document: &Document) {
        let mut due_date = if self.invoice() {
            None
        } else {
            document.due_date
        };
        for means in &document.payment_means {
            let elements = means.accounts.len().max(1);
            for index in 0..elements {
                self.one_payment_means(means, index, due_date.take());
            }
        }
    }

    fn one_payment_means(
        &mut self,
        means: &PaymentMeans,
        index: usize,
        due_date: Option<time::Date>,
    ) {
        let first = index == 0;
        let mark = self.xml.start(tag!("cac:PaymentMeans"));
        let name = if first {
            text(means.text.as_ref())
        } else {
            None
        };
        self.xml.text_with(
            tag!("cbc:PaymentMeansCode"),
            &[(attribute!("name"), name)],
            text(means.code.as_ref()),
        );
        self.xml.date(tag!("cbc:PaymentDueDate"), due_date);
        self.xml.text(
            tag!("cbc:PaymentID"),
            text(means.remittance_information.as_ref()),
        );
        if let Some(card) = means.card.as_ref().filter(|_| first) {
            let card_mark = self.xml.start(tag!("cac:CardAccount"));
            self.xml.text(
                tag!("cbc:PrimaryAccountNumberID"),
                text(card.account_number.as_ref()),
            );
            self.xml
                .text(tag!("cbc:NetworkID"), text(card.network_id.as_ref()));
            self.xml
                .text(tag!("cbc:HolderName"), text(card.holder_name.as_ref()));
            self.xml.end(tag!("cac:CardAccount"), card_mark);
        }
        if let Some(account) = means.accounts.get(index) {
            let account_mark = self.xml.start(tag!("cac:PayeeFinancialAccount"));
            self.xml.text(tag!("cbc:ID"), text(account.iban.as_ref()));
            self.xml
                .text(tag!("cbc:Name"), text(account.account_name.as_ref()));
            self.id_in(tag!("cac:FinancialInstitutionBranch"), account.bic.as_ref());
            self.xml
                .end(tag!("cac:PayeeFinancialAccount"), account_mark);
        }
        if let Some(debit) = means.direct_debit.as_ref().filter(|_| first) {
            let mandate = self.xml.start(tag!("cac:PaymentMandate"));
            self.xml
                .text(tag!("cbc:ID"), text(debit.mandate_reference.as_ref()));
            self.id_in(
                tag!("cac:PayerFinancialAccount"),
                debit.debited_account.as_ref(),
            );
            self.xml.end(tag!("cac:PaymentMandate"), mandate);
        }
        self.xml.end(tag!("cac:PaymentMeans"), mark);
    }

    /// BG-20 / BG-21 (`document_level`, with the VAT category) or BG-27 / BG-28.
    fn allowance_charge(&mut self, item: &AllowanceCharge, document_level: bool) {
        let mark = self.xml.start(tag!("cac:AllowanceCharge"));
        let canonical = if item.charge_indicator {
            "true"
        } else {
            "false"
        };
        self.xml.text(
            tag!("cbc:ChargeIndicator"),
            Some(item.charge_indicator_text.as_deref().unwrap_or(canonical)),
        );
        self.xml.text(
            tag!("cbc:AllowanceChargeReasonCode"),
            text(item.reason_code.as_ref()),
        );
        self.xml.text(
            tag!("cbc:AllowanceChargeReason"),
            text(item.reason.as_ref()),
        );
        self.xml
            .decimal_with(tag!("cbc:MultiplierFactorNumeric"), &[], item.percentage);
        self.amount(tag!("cbc:Amount"), item.amount.as_ref());
        self.amount(tag!("cbc:BaseAmount"), item.base_amount.as_ref());
        if document_level {
            self.tax_category(
                tag!("cac:TaxCategory"),
                item.vat_category_code.as_ref(),
                item.vat_rate,
                None,
            );
        }
        self.xml.end(tag!("cac:AllowanceCharge"), mark);
    }

    /// A `TaxCategory` / `ClassifiedTaxCategory`: code, rate (not for category `O`),
    /// exemption reason (BG-23 only) and the VAT scheme; nothing without code and rate.
    fn tax_category(
        &mut self,
        name: Tag,
        code: Option<&String>,
        rate: Option<Decimal>,
        exemption: Option<&VatBreakdown>,
    ) {
        if !present(code) && rate.is_none() {
            return;
        }
        let mark = self.xml.start(name);
        self.xml.text(tag!("cbc:ID"), text(code));
        let not_subject = code.is_some_and(|code| code.trim() == "O");
        if !not_subject {
            self.xml.decimal_with(tag!("cbc:Percent"), &[], rate);
        }
        if let Some(entry) = exemption {
            self.xml.text(
                tag!("cbc:TaxExemptionReasonCode"),
                text(entry.exemption_reason_code.as_ref()),
            );
            self.xml.text(
                tag!("cbc:TaxExemptionReason"),
                text(entry.exemption_reason.as_ref()),
            );
        }
        let scheme = self.xml.start(tag!("cac:TaxScheme"));
        self.xml.text(tag!("cbc:ID"), Some("VAT"));
        self.xml.end(tag!("cac:TaxScheme"), scheme);
        self.xml.end(name, mark);
    }

    fn tax_total(&mut self, total: &TaxTotal) {
        let mark = self.xml.start(tag!("cac:TaxTotal"));
        self.amount(tag!("cbc:TaxAmount"), total.tax_amount.as_ref());
        for entry in &total.subtotals {
            let subtotal = self.xml.start(tag!("cac:TaxSubtotal"));
            self.amount(tag!("cbc:TaxableAmount"), entry.taxable_amount.as_ref());
            self.amount(tag!("cbc:TaxAmount"), entry.tax_amount.as_ref());
            self.tax_category(
                tag!("cac:TaxCategory"),
                entry.category_code.as_ref(),
                entry.rate,
                Some(entry),
            );
            self.xml.end(tag!("cac:TaxSubtotal"), subtotal);
        }
        self.xml.end(tag!("cac:TaxTotal"), mark);
    }

    /// BG-22.
    fn monetary_total(&mut self, document: &Document) {
        let totals = &document.totals;
        let mark = self.xml.start(tag!("cac:LegalMonetaryTotal"));
        self.amount(
            tag!("cbc:LineExtensionAmount"),
            totals.line_extension_amount.as_ref(),
        );
        self.amount(
            tag!("cbc:TaxExclusiveAmount"),
            totals.tax_exclusive_amount.as_ref(),
        );
        self.amount(
            tag!("cbc:TaxInclusiveAmount"),
            totals.tax_inclusive_amount.as_ref(),
        );
        self.amount(
            tag!("cbc:AllowanceTotalAmount"),
            totals.allowance_total_amount.as_ref(),
        );
        self.amount(
            tag!("cbc:ChargeTotalAmount"),
            totals.charge_total_amount.as_ref(),
        );
        self.amount(tag!("cbc:PrepaidAmount"), totals.prepaid_amount.as_ref());
        self.amount(
            tag!("cbc:PayableRoundingAmount"),
            totals.rounding_amount.as_ref(),
        );
        self.amount(tag!("cbc:PayableAmount"), totals.payable_amount.as_ref());
        self.xml.end(tag!("cac:LegalMonetaryTotal"), mark);
    }

    /// BG-25.
    fn line(&mut self, line: &Line) {
        let (name, quantity) = if self.invoice() {
            (tag!("cac:InvoiceLine"), tag!("cbc:InvoicedQuantity"))
        } else {
            (tag!("cac:CreditNoteLine"), tag!("cbc:CreditedQuantity"))
        };
        let mark = self.xml.start(name);
        self.xml.text(tag!("cbc:ID"), text(line.id.as_ref()));
        self.xml.text(tag!("cbc:Note"), text(line.note.as_ref()));
        self.xml.decimal_with(
            quantity,
            &[(attribute!("unitCode"), text(line.unit_code.as_ref()))],
            line.quantity,
        );
        self.amount(
            tag!("cbc:LineExtensionAmount"),
            line.line_extension_amount.as_ref(),
        );
        self.xml.text(
            tag!("cbc:AccountingCost"),
            text(line.accounting_cost.as_ref()),
        );
        self.period(line.invoice_period.as_ref(), false);
        if present(line.order_line_reference.as_ref()) {
            let reference = self.xml.start(tag!("cac:OrderLineReference"));
            self.xml
                .text(tag!("cbc:LineID"), text(line.order_line_reference.as_ref()));
            self.xml.end(tag!("cac:OrderLineReference"), reference);
        }
        if let Some(object) = line
            .object_identifier
            .as_ref()
            .filter(|object| !is_blank(&object.id))
        {
            let reference = self.xml.start(tag!("cac:DocumentReference"));
            self.identifier(tag!("cbc:ID"), Some(object));
            self.xml.text(tag!("cbc:DocumentTypeCode"), Some("130"));
            self.xml.end(tag!("cac:DocumentReference"), reference);
        }
        for other in &line.document_references {
            let reference = self.xml.start(tag!("cac:DocumentReference"));
            if let Some(id) = other.id.as_ref().filter(|id| !is_blank(&id.id)) {
                self.identifier(tag!("cbc:ID"), Some(id));
            }
            self.xml
                .text(tag!("cbc:DocumentTypeCode"), text(other.type_code.as_ref()));
            self.xml.end(tag!("cac:DocumentReference"), reference);
        }
        for item in &line.allowance_charges {
            self.allowance_charge(item, false);
        }
        self.item(line);
        self.price(line);
        self.xml.end(name, mark);
    }

    /// BG-31 with BG-30 and BG-32.
    fn item(&mut self, line: &Line) {
        let mark = self.xml.start(tag!("cac:Item"));
        self.xml.text(
            tag!("cbc:Description"),
            text(line.item_description.as_ref()),
        );
        self.xml
            .text(tag!("cbc:Name"), text(line.item_name.as_ref()));
        self.id_in(
            tag!("cac:BuyersItemIdentification"),
            line.buyers_item_id.as_ref(),
        );
        self.id_in(
            tag!("cac:SellersItemIdentification"),
            line.sellers_item_id.as_ref(),
        );
        if let Some(standard) = line
            .standard_item_id
            .as_ref()
            .filter(|standard| !is_blank(&standard.id))
        {
            let identification = self.xml.start(tag!("cac:StandardItemIdentification"));
            self.identifier(tag!("cbc:ID"), Some(standard));
            self.xml
                .end(tag!("cac:StandardItemIdentification"), identification);
        }
        if present(line.origin_country.as_ref()) {
            let origin = self.xml.start(tag!("cac:OriginCountry"));
            self.xml.text(
                tag!("cbc:IdentificationCode"),
                text(line.origin_country.as_ref()),
            );
            self.xml.end(tag!("cac:OriginCountry"), origin);
        }
        for classification in &line.classifications {
            let commodity = self.xml.start(tag!("cac:CommodityClassification"));
            self.xml.text_with(
                tag!("cbc:ItemClassificationCode"),
                &[
                    (attribute!("listID"), text(classification.list_id.as_ref())),
                    (
                        attribute!("listVersionID"),
                        text(classification.list_version_id.as_ref()),
                    ),
                ],
                Some(&classification.code),
            );
            self.xml.end(tag!("cac:CommodityClassification"), commodity);
        }
        self.tax_category(
            tag!("cac:ClassifiedTaxCategory"),
            line.vat_category_code.as_ref(),
            line.vat_rate,
            None,
        );
        for attribute in &line.attributes {
            let property = self.xml.start(tag!("cac:AdditionalItemProperty"));
            self.xml
                .text(tag!("cbc:Name"), text(attribute.name.as_ref()));
            self.xml
                .text(tag!("cbc:Value"), text(attribute.value.as_ref()));
            self.xml.end(tag!("cac:AdditionalItemProperty"), property);
        }
        self.xml.end(tag!("cac:Item"), mark);
    }

    /// BG-29.
    fn price(&mut self, line: &Line) {
        let Some(price) = &line.price else {
            return;
        };
        let mark = self.xml.start(tag!("cac:Price"));
        self.amount(tag!("cbc:PriceAmount"), price.net_amount.as_ref());
        self.xml.decimal_with(
            tag!("cbc:BaseQuantity"),
            &[(
                attribute!("unitCode"),
                text(price.base_quantity_unit_code.as_ref()),
            )],
            price.base_quantity,
        );
        if price.discount.is_some()
            || price.gross_amount.is_some()
            || price.charge_indicator_text.is_some()
        {
            let discount = self.xml.start(tag!("cac:AllowanceCharge"));
            self.xml.text(
                tag!("cbc:ChargeIndicator"),
                Some(price.charge_indicator_text.as_deref().unwrap_or("false")),
            );
            match (&price.discount, &price.gross_amount) {
                (Some(discount), _) => self.amount(tag!("cbc:Amount"), Some(discount)),
                (None, Some(gross)) => {
                    let zero = Amount {
                        value: Decimal::new(0, gross.value.scale()),
                        currency: gross.currency.clone(),
                    };
                    self.amount(tag!("cbc:Amount"), Some(&zero));
                }
                (None, None) => {}
            }
            self.amount(tag!("cbc:BaseAmount"), price.gross_amount.as_ref());
            self.xml.end(tag!("cac:AllowanceCharge"), discount);
        }
        self.xml.end(tag!("cac:Price"), mark);
    }
}
