//! The element tree of a UBL `Invoice` or `CreditNote` to the EN 16931 model, following the
//! Peppol BIS Billing 3.0 syntax binding (`structure/syntax/ubl-invoice.xml` and
//! `ubl-creditnote.xml` in OpenPEPPOL/peppol-bis-invoice-3). Paths are relative to the
//! root unless said otherwise.

use std::str::FromStr;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use einvoice_domain::document::model::{
    Account, Address, AllowanceCharge, Amount, Attachment, Card, Classification, Contact, Delivery,
    DirectDebit, Document, DocumentKind, DocumentReference, Identifier, ItemAttribute, Line, Note,
    Party, Payee, PaymentMeans, Period, PrecedingInvoice, Price, TaxRepresentative, TaxTotal,
    Totals, Unparsed, VatBreakdown,
};
use rust_decimal::Decimal;
use time::Date;
use time::macros::format_description;

use super::tree::{Element, Namespace};

/// `cbc:DocumentTypeCode` of the `AdditionalDocumentReference` that carries BT-18.
const INVOICED_OBJECT: &str = "130";
/// `cbc:DocumentTypeCode` of the `AdditionalDocumentReference` that carries BT-11 in a
/// credit note (UBL 2.1 `CreditNote` has no `ProjectReference`).
const PROJECT_REFERENCE: &str = "50";
/// `schemeID` of a `PartyIdentification` that is the bank assigned creditor id (BT-90).
const SEPA: &str = "SEPA";

/// The values read so far that are present but not of their term's type.
#[derive(Debug, Default)]
struct Cx {
    unparsed: Vec<Unparsed>,
}

impl Cx {
    /// Keeps `element`'s text as unparsed at `pointer`.
    fn keep(&mut self, element: &Element, pointer: impl FnOnce() -> String) {
        self.unparsed.push(Unparsed {
            pointer: pointer(),
            text: element.text().to_owned(),
        });
    }

    /// A `YYYY-MM-DD` date; kept as unparsed at `pointer` when present but not such a date.
    fn date(
        &mut self,
        element: Option<&Element>,
        pointer: impl FnOnce() -> String,
    ) -> Option<Date> {
        let element = element?;
        let date = date(element.text());
        if date.is_none() {
            self.keep(element, pointer);
        }
        date
    }

    /// An `xs:decimal`; kept as unparsed at `pointer` when present but not a decimal.
    fn decimal(
        &mut self,
        element: Option<&Element>,
        pointer: impl FnOnce() -> String,
    ) -> Option<Decimal> {
        let element = element?;
        let value = parse_decimal(element.text());
        if value.is_none() {
            self.keep(element, pointer);
        }
        value
    }

    /// An amount with its `currencyID`; kept as unparsed at `pointer` when present but not
    /// a decimal.
    fn amount(
        &mut self,
        element: Option<&Element>,
        pointer: impl FnOnce() -> String,
    ) -> Option<Amount> {
        let value = self.decimal(element, pointer)?;
        Some(Amount {
            value,
            currency: attribute(element, "currencyID"),
        })
    }
}

/// Maps the root element (already known to be a UBL `Invoice` or `CreditNote`).
/// Every `cbc:EndpointID` outside the seller's and the buyer's party (those are BT-34
/// and BT-49), wherever it stands, for PEPPOL-EN16931-CL008.
fn other_endpoints(element: &Element, found: &mut Vec<Identifier>) {
    for child in element.children() {
        match (child.namespace(), child.name()) {
            (Namespace::Cac, "AccountingSupplierParty" | "AccountingCustomerParty") => {}
            (Namespace::Cbc, "EndpointID") => {
                if let Some(identifier) = identifier(Some(child)) {
                    found.push(identifier);
                }
            }
            _ => other_endpoints(child, found),
        }
    }
}

pub(super) fn document(root: &Element) -> Document {
    let kind = if root.namespace() == Namespace::CreditNote {
        DocumentKind::CreditNote
    } else {
        DocumentKind::Invoice
    };
    let mut cx = Cx::default();
    let mut document = Document::empty(kind);
    document.customization_id = cbc_text(root, "CustomizationID");
    document.profile_id = cbc_text(root, "ProfileID");
    document.number = cbc_text(root, "ID");
    document.issue_date = cx.date(root.cbc("IssueDate"), || "/issueDate".to_owned());
    let due_date = match kind {
        DocumentKind::Invoice => root.cbc("DueDate"),
        DocumentKind::CreditNote => root
            .all_cac("PaymentMeans")
            .find_map(|means| means.cbc("PaymentDueDate")),
    };
    document.due_date = cx.date(due_date, || "/dueDate".to_owned());
    // BT-3: the element of the document's kind, else the other kind's (the CEN rules
    // read `cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode`).
    let (own_type_code, other_type_code) = match kind {
        DocumentKind::Invoice => ("InvoiceTypeCode", "CreditNoteTypeCode"),
        DocumentKind::CreditNote => ("CreditNoteTypeCode", "InvoiceTypeCode"),
    };
    document.type_code = text(
        root.cbc(own_type_code)
            .or_else(|| root.cbc(other_type_code)),
    );
    document.notes = root.all_cbc("Note").map(note).collect();
    document.tax_point_date = cx.date(root.cbc("TaxPointDate"), || "/taxPointDate".to_owned());
    document.currency = cbc_text(root, "DocumentCurrencyCode");
    document.tax_currency = cbc_text(root, "TaxCurrencyCode");
    document.accounting_cost = cbc_text(root, "AccountingCost");
    document.buyer_reference = cbc_text(root, "BuyerReference");
    document.invoice_period = root
        .cac("InvoicePeriod")
        .map(|element| period(element, "/invoicePeriod", &mut cx));
    if let Some(order) = root.cac("OrderReference") {
        document.order_reference = cbc_text(order, "ID");
        document.sales_order_reference = cbc_text(order, "SalesOrderID");
    }
    document.preceding_invoices = root
        .all_cac("BillingReference")
        .enumerate()
        .map(|(index, element)| preceding_invoice(element, index, &mut cx))
        .collect();
    document.despatch_advice_reference = reference_id(root, "DespatchDocumentReference");
    document.receiving_advice_reference = reference_id(root, "ReceiptDocumentReference");
    document.tender_reference = reference_id(root, "OriginatorDocumentReference");
    document.contract_reference = reference_id(root, "ContractDocumentReference");
    document.project_references = root
        .all_cac("ProjectReference")
        .map(|reference| cbc_text(reference, "ID"))
        .collect();
    read_additional_documents(root, &mut document);

    document.seller = root
        .cac("AccountingSupplierParty")
        .and_then(|supplier| supplier.cac("Party"))
        .map_or_else(Party::default, |party_element| {
            party(party_element, Role::Seller)
        });
    document.buyer = root
        .cac("AccountingCustomerParty")
        .and_then(|customer| customer.cac("Party"))
        .map_or_else(Party::default, |party_element| {
            party(party_element, Role::Buyer)
        });
    document.payee = root.cac("PayeeParty").map(payee);
    document.tax_representative = root.cac("TaxRepresentativeParty").map(tax_representative);
    document.delivery = root
        .cac("Delivery")
        .map(|element| delivery(element, &mut cx));

    // BT-90 belongs to the direct debits (BG-19); when one takes it, the seller's `SEPA`
    // identification is not also a seller identifier (BT-29).
    let creditor = creditor_id(root);
    document.payment_means = root
        .all_cac("PaymentMeans")
        .map(|means| payment_means(means, creditor.as_ref().map(|(id, _)| id)))
        .collect();
    let direct_debit_took_it = document
        .payment_means
        .iter()
        .any(|means| means.direct_debit.is_some());
    if direct_debit_took_it && matches!(creditor, Some((_, Creditor::Seller))) {
        document
            .seller
            .identifiers
            .retain(|id| id.scheme_id.as_deref() != Some(SEPA));
    }
    document.payment_terms = root
        .cac("PaymentTerms")
        .and_then(|terms| terms.cbc("Note"))
        .map(|note| {
            // Kept verbatim (DE-R-018 needs the line breaks); blank stays empty, as
            // every other blank element does.
            if note.text().is_empty() {
                String::new()
            } else {
                note.raw_text().to_owned()
            }
        });
    document.allowance_charges = root
        .all_cac("AllowanceCharge")
        .enumerate()
        .map(|(index, item)| {
            allowance_charge(
                item,
                Level::Document,
                &format!("/allowanceCharges/{index}"),
                &mut cx,
            )
        })
        .collect();
    document.tax_totals = root
        .all_cac("TaxTotal")
        .map(|element| tax_total(element, &mut cx))
        .collect();
    document.totals = root
        .cac("LegalMonetaryTotal")
        .map(|element| totals(element, &mut cx))
        .unwrap_or_default();
    // BG-25: `InvoiceLine` in an invoice, `CreditNoteLine` in a credit note; both are read
    // in either, as the CEN rules do (`cac:InvoiceLine | cac:CreditNoteLine`).
    document.lines = root
        .children()
        .iter()
        .filter(|child| {
            child.namespace() == Namespace::Cac
                && matches!(child.name(), "InvoiceLine" | "CreditNoteLine")
        })
        .enumerate()
        .map(|(index, element)| line(element, index, &mut cx))
        .collect();
    document.unparsed = cx.unparsed;
    other_endpoints(root, &mut document.other_electronic_addresses);
    document
}

/// BG-24, BT-18 and (credit notes) BT-11, all carried by `cac:AdditionalDocumentReference`;
/// then every other `cbc:EmbeddedDocumentBinaryObject` of the document.
fn read_additional_documents(root: &Element, document: &mut Document) {
    // The binary objects read into an attachment with their reference.
    let mut read: Vec<&Element> = Vec::new();
    for reference in root.all_cac("AdditionalDocumentReference") {
        let type_code = reference.cbc("DocumentTypeCode").map(Element::text);
        match type_code {
            Some(INVOICED_OBJECT) => {
                if document.invoiced_object_identifier.is_none() {
                    document.invoiced_object_identifier = identifier(reference.cbc("ID"));
                }
            }
            Some(PROJECT_REFERENCE) if document.kind == DocumentKind::CreditNote => {
                document.project_references.push(cbc_text(reference, "ID"));
            }
            _ => {
                let embedded = reference
                    .cac("Attachment")
                    .and_then(|attached| attached.cbc("EmbeddedDocumentBinaryObject"));
                read.extend(embedded);
                document.attachments.push(attachment(reference, embedded));
            }
        }
    }
    stray_binary_objects(root, &read, &mut document.attachments);
}

/// BG-24 `cac:AdditionalDocumentReference`, with its `embedded` binary object.
fn attachment(reference: &Element, embedded: Option<&Element>) -> Attachment {
    Attachment {
        id: cbc_text(reference, "ID"),
        description: cbc_text(reference, "DocumentDescription"),
        uri: reference
            .cac("Attachment")
            .and_then(|attached| attached.cac("ExternalReference"))
            .and_then(|external| cbc_text(external, "URI")),
        ..binary_object(embedded)
    }
}

/// BT-125 with BT-125-1 and BT-125-2 from a `cbc:EmbeddedDocumentBinaryObject`.
fn binary_object(embedded: Option<&Element>) -> Attachment {
    Attachment {
        content: embedded.and_then(|object| base64_content(object.text())),
        mime_code: attribute(embedded, "mimeCode"),
        filename: attribute(embedded, "filename"),
        ..Attachment::default()
    }
}

/// Every `cbc:EmbeddedDocumentBinaryObject` under `element` (in document order) that is
/// not one of `read`, as an attachment of its own (content, MIME code and file name):
/// the rules on binary objects (PEPPOL-EN16931-CL001, BR-CL-24) judge them wherever they
/// are (another reference's `Attachment`, a second object in one, or outside any).
fn stray_binary_objects(element: &Element, read: &[&Element], attachments: &mut Vec<Attachment>) {
    for child in element.children() {
        if child.namespace() == Namespace::Cbc && child.name() == "EmbeddedDocumentBinaryObject" {
            if !read.iter().any(|object| std::ptr::eq(*object, child)) {
                attachments.push(binary_object(Some(child)));
            }
        } else {
            stray_binary_objects(child, read, attachments);
        }
    }
}

/// BT-125: base64 with any whitespace (line breaks) in it, padding optional.
fn base64_content(encoded: &str) -> Option<Vec<u8>> {
    const ENGINE: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let compact: Vec<u8> = encoded
        .bytes()
        .filter(|byte| !byte.is_ascii_whitespace())
        .collect();
    ENGINE.decode(compact).ok()
}

/// BG-1 `cbc:Note`: UBL puts the subject code (BT-21) in the text as `#CODE#text`.
fn note(element: &Element) -> Note {
    let text = element.text();
    if let Some(rest) = text.strip_prefix('#')
        && let Some((code, note_text)) = rest.split_once('#')
        && code.chars().count() == 3
    {
        return Note {
            subject_code: Some(code.to_owned()),
            text: note_text.trim().to_owned(),
        };
    }
    Note {
        subject_code: None,
        text: text.to_owned(),
    }
}

/// `cac:InvoicePeriod` (BG-14 with BT-8, or BG-26), at pointer `at`.
fn period(element: &Element, at: &str, cx: &mut Cx) -> Period {
    Period {
        start_date: cx.date(element.cbc("StartDate"), || format!("{at}/startDate")),
        end_date: cx.date(element.cbc("EndDate"), || format!("{at}/endDate")),
        description_code: cbc_text(element, "DescriptionCode"),
    }
}

/// BG-3 `cac:BillingReference/cac:InvoiceDocumentReference`.
fn preceding_invoice(element: &Element, index: usize, cx: &mut Cx) -> PrecedingInvoice {
    let reference = element.cac("InvoiceDocumentReference");
    PrecedingInvoice {
        number: reference.and_then(|reference| cbc_text(reference, "ID")),
        issue_date: cx.date(
            reference.and_then(|reference| reference.cbc("IssueDate")),
            || format!("/precedingInvoices/{index}/issueDate"),
        ),
    }
}

/// `cac:{name}/cbc:ID` of the first such reference.
fn reference_id(root: &Element, name: &str) -> Option<String> {
    root.cac(name)
        .and_then(|reference| cbc_text(reference, "ID"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Seller,
    Buyer,
}

/// BG-4 `cac:AccountingSupplierParty/cac:Party` or BG-7
/// `cac:AccountingCustomerParty/cac:Party`.
fn party(element: &Element, role: Role) -> Party {
    let mut party = Party {
        trading_name: element
            .cac("PartyName")
            .and_then(|name| cbc_text(name, "Name")),
        identifiers: element
            .all_cac("PartyIdentification")
            .filter_map(|identification| identifier(identification.cbc("ID")))
            .collect(),
        address: element.cac("PostalAddress").map(address),
        contact: element.cac("Contact").map(contact),
        ..Party::default()
    };
    if let Some(endpoint) = element.cbc("EndpointID") {
        party.electronic_address = Some(endpoint.text().to_owned());
        party.electronic_address_scheme_id = attribute(Some(endpoint), "schemeID");
    }
    for scheme in element.all_cac("PartyTaxScheme") {
        let company_id = cbc_text(scheme, "CompanyID");
        if is_vat_scheme(scheme) == Some(true) {
            if party.vat_id.is_none() {
                party.vat_id = company_id;
            }
        } else if role == Role::Seller && party.tax_registration_id.is_none() {
            party.tax_registration_id = company_id;
        }
    }
    if let Some(legal) = element.cac("PartyLegalEntity") {
        party.name = cbc_text(legal, "RegistrationName");
        if let Some(company) = legal.cbc("CompanyID") {
            party.legal_registration_id = Some(company.text().to_owned());
            party.legal_registration_scheme_id = attribute(Some(company), "schemeID");
        }
        if role == Role::Seller {
            party.legal_form = cbc_text(legal, "CompanyLegalForm");
        }
    }
    party
}

/// BG-10 `cac:PayeeParty`. A `PartyIdentification` with scheme `SEPA` is the creditor
/// identifier (BT-90), not BT-60.
fn payee(element: &Element) -> Payee {
    let legal_id = element
        .cac("PartyLegalEntity")
        .and_then(|legal| legal.cbc("CompanyID"));
    Payee {
        name: element
            .cac("PartyName")
            .and_then(|name| cbc_text(name, "Name")),
        identifier: element
            .all_cac("PartyIdentification")
            .filter_map(|identification| identification.cbc("ID"))
            .find(|id| id.attribute("schemeID") != Some(SEPA))
            .and_then(|id| identifier(Some(id))),
        legal_registration_id: text(legal_id),
        legal_registration_scheme_id: attribute(legal_id, "schemeID"),
    }
}

/// Where BT-90 comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Creditor {
    Payee,
    Seller,
}

/// BT-90: the `PartyIdentification/ID` with scheme `SEPA` of the payee, else of the
/// seller, and which of them it came from.
fn creditor_id(root: &Element) -> Option<(String, Creditor)> {
    let sepa_id = |party: &Element| {
        party
            .all_cac("PartyIdentification")
            .filter_map(|identification| identification.cbc("ID"))
            .find(|id| id.attribute("schemeID") == Some(SEPA))
            .map(|id| id.text().to_owned())
    };
    let payee = root
        .cac("PayeeParty")
        .and_then(sepa_id)
        .map(|id| (id, Creditor::Payee));
    payee.or_else(|| {
        root.cac("AccountingSupplierParty")
            .and_then(|supplier| supplier.cac("Party"))
            .and_then(sepa_id)
            .map(|id| (id, Creditor::Seller))
    })
}

/// BG-11 `cac:TaxRepresentativeParty`.
fn tax_representative(element: &Element) -> TaxRepresentative {
    TaxRepresentative {
        name: element
            .cac("PartyName")
            .and_then(|name| cbc_text(name, "Name")),
        vat_id: element
            .all_cac("PartyTaxScheme")
            .find(|scheme| is_vat_scheme(scheme) == Some(true))
            .and_then(|scheme| cbc_text(scheme, "CompanyID")),
        address: element.cac("PostalAddress").map(address),
    }
}

/// BG-5, BG-8, BG-12 `cac:PostalAddress`, BG-15 `cac:DeliveryLocation/cac:Address`.
fn address(element: &Element) -> Address {
    Address {
        street1: cbc_text(element, "StreetName"),
        street2: cbc_text(element, "AdditionalStreetName"),
        additional_street: element
            .cac("AddressLine")
            .and_then(|line| cbc_text(line, "Line")),
        city: cbc_text(element, "CityName"),
        post_code: cbc_text(element, "PostalZone"),
        country_subdivision: cbc_text(element, "CountrySubentity"),
        country_code: element
            .cac("Country")
            .and_then(|country| cbc_text(country, "IdentificationCode")),
    }
}

/// BG-6, BG-9 `cac:Contact`.
fn contact(element: &Element) -> Contact {
    Contact {
        name: cbc_text(element, "Name"),
        phone: cbc_text(element, "Telephone"),
        email: cbc_text(element, "ElectronicMail"),
    }
}

/// BG-13 `cac:Delivery`.
fn delivery(element: &Element, cx: &mut Cx) -> Delivery {
    let location = element.cac("DeliveryLocation");
    let location_id = location.and_then(|location| location.cbc("ID"));
    Delivery {
        party_name: element
            .cac("DeliveryParty")
            .and_then(|party| party.cac("PartyName"))
            .and_then(|name| cbc_text(name, "Name")),
        location_identifier: text(location_id),
        location_identifier_scheme_id: attribute(location_id, "schemeID"),
        delivery_date: cx.date(element.cbc("ActualDeliveryDate"), || {
            "/delivery/deliveryDate".to_owned()
        }),
        address: location
            .and_then(|location| location.cac("Address"))
            .map(address),
    }
}

/// BG-16 `cac:PaymentMeans`, with BT-90 from the parties when it has a mandate (BG-19).
fn payment_means(element: &Element, creditor_id: Option<&String>) -> PaymentMeans {
    let code = element.cbc("PaymentMeansCode");
    PaymentMeans {
        code: text(code),
        text: attribute(code, "name"),
        remittance_information: cbc_text(element, "PaymentID"),
        accounts: element
            .all_cac("PayeeFinancialAccount")
            .map(account)
            .collect(),
        card: element.cac("CardAccount").map(|card| Card {
            account_number: cbc_text(card, "PrimaryAccountNumberID"),
            network_id: cbc_text(card, "NetworkID"),
            holder_name: cbc_text(card, "HolderName"),
        }),
        direct_debit: element.cac("PaymentMandate").map(|mandate| DirectDebit {
            mandate_reference: cbc_text(mandate, "ID"),
            creditor_id: creditor_id.cloned(),
            debited_account: mandate
                .cac("PayerFinancialAccount")
                .and_then(|account| cbc_text(account, "ID")),
        }),
    }
}

/// BG-17 `cac:PayeeFinancialAccount`.
fn account(element: &Element) -> Account {
    Account {
        iban: cbc_text(element, "ID"),
        account_name: cbc_text(element, "Name"),
        bic: element
            .cac("FinancialInstitutionBranch")
            .and_then(|branch| cbc_text(branch, "ID")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Document,
    Line,
}

/// BG-20/BG-21 (document) or BG-27/BG-28 (line) `cac:AllowanceCharge`, at pointer `at`.
fn allowance_charge(element: &Element, level: Level, at: &str, cx: &mut Cx) -> AllowanceCharge {
    let indicator = element.cbc("ChargeIndicator").map_or("", Element::text);
    let mut item = AllowanceCharge {
        charge_indicator: matches!(indicator, "true" | "1"),
        charge_indicator_text: (!matches!(indicator, "true" | "false"))
            .then(|| indicator.to_owned()),
        amount: cx.amount(element.cbc("Amount"), || format!("{at}/amount")),
        base_amount: cx.amount(element.cbc("BaseAmount"), || format!("{at}/baseAmount")),
        percentage: cx.decimal(element.cbc("MultiplierFactorNumeric"), || {
            format!("{at}/percentage")
        }),
        reason_code: cbc_text(element, "AllowanceChargeReasonCode"),
        reason: cbc_text(element, "AllowanceChargeReason"),
        vat_category_code: None,
        vat_rate: None,
    };
    if level == Level::Document
        && let Some(category) = vat_category(element, "TaxCategory")
    {
        item.vat_category_code = cbc_text(category, "ID");
        item.vat_rate = cx.decimal(category.cbc("Percent"), || format!("{at}/vatRate"));
    }
    item
}

/// BT-110/BT-111 `cac:TaxTotal` with its BG-23 `cac:TaxSubtotal`s.
fn tax_total(element: &Element, cx: &mut Cx) -> TaxTotal {
    let subtotals: Vec<&Element> = element.all_cac("TaxSubtotal").collect();
    let total_pointer = if subtotals.is_empty() {
        "/taxTotalInTaxCurrency"
    } else {
        "/totals/taxAmount"
    };
    TaxTotal {
        tax_amount: cx.amount(element.cbc("TaxAmount"), || total_pointer.to_owned()),
        subtotals: subtotals
            .into_iter()
            .enumerate()
            .map(|(index, subtotal)| {
                let category = vat_category(subtotal, "TaxCategory");
                let at = |field: &str| format!("/taxBreakdown/{index}/{field}");
                VatBreakdown {
                    taxable_amount: cx
                        .amount(subtotal.cbc("TaxableAmount"), || at("taxableAmount")),
                    tax_amount: cx.amount(subtotal.cbc("TaxAmount"), || at("taxAmount")),
                    category_code: category.and_then(|category| cbc_text(category, "ID")),
                    rate: cx.decimal(
                        category.and_then(|category| category.cbc("Percent")),
                        || at("rate"),
                    ),
                    exemption_reason: category
                        .and_then(|category| cbc_text(category, "TaxExemptionReason")),
                    exemption_reason_code: category
                        .and_then(|category| cbc_text(category, "TaxExemptionReasonCode")),
                }
            })
            .collect(),
    }
}

/// BG-22 `cac:LegalMonetaryTotal`.
fn totals(element: &Element, cx: &mut Cx) -> Totals {
    let mut amount =
        |name: &str, pointer: &str| cx.amount(element.cbc(name), || pointer.to_owned());
    Totals {
        line_extension_amount: amount("LineExtensionAmount", "/totals/lineExtensionAmount"),
        tax_exclusive_amount: amount("TaxExclusiveAmount", "/totals/taxExclusiveAmount"),
        tax_inclusive_amount: amount("TaxInclusiveAmount", "/totals/taxInclusiveAmount"),
        allowance_total_amount: amount("AllowanceTotalAmount", "/totals/allowanceTotalAmount"),
        charge_total_amount: amount("ChargeTotalAmount", "/totals/chargeTotalAmount"),
        prepaid_amount: amount("PrepaidAmount", "/prepaidAmount"),
        rounding_amount: amount("PayableRoundingAmount", "/roundingAmount"),
        payable_amount: amount("PayableAmount", "/totals/payableAmount"),
    }
}

/// BG-25 `cac:InvoiceLine` or `cac:CreditNoteLine`, the line `index`.
fn line(element: &Element, index: usize, cx: &mut Cx) -> Line {
    let at = format!("/lines/{index}");
    let quantity = element
        .cbc("InvoicedQuantity")
        .or_else(|| element.cbc("CreditedQuantity"));
    // BT-128 is the first `DocumentReference` with type code 130 and an `ID`, as BT-18 is
    // at document level (BR-CL-07 and PEPPOL-EN16931-R101 read it so); the others are
    // kept for PEPPOL-EN16931-R100 and R101.
    let references: Vec<&Element> = element.all_cac("DocumentReference").collect();
    let object = references.iter().position(|reference| {
        reference.cbc("DocumentTypeCode").map(Element::text) == Some(INVOICED_OBJECT)
            && reference.cbc("ID").is_some()
    });
    let mut line = Line {
        id: cbc_text(element, "ID"),
        note: cbc_text(element, "Note"),
        object_identifier: object.and_then(|position| identifier(references[position].cbc("ID"))),
        document_references: references
            .iter()
            .enumerate()
            .filter(|(position, _)| Some(*position) != object)
            .map(|(_, reference)| DocumentReference {
                id: identifier(reference.cbc("ID")),
                type_code: cbc_text(reference, "DocumentTypeCode"),
            })
            .collect(),
        quantity: cx.decimal(quantity, || format!("{at}/quantity")),
        unit_code: attribute(quantity, "unitCode"),
        line_extension_amount: cx.amount(element.cbc("LineExtensionAmount"), || {
            format!("{at}/lineExtensionAmount")
        }),
        order_line_reference: element
            .cac("OrderLineReference")
            .and_then(|reference| cbc_text(reference, "LineID")),
        accounting_cost: cbc_text(element, "AccountingCost"),
        invoice_period: element.cac("InvoicePeriod").map(|period_element| Period {
            description_code: None,
            ..period(period_element, &format!("{at}/invoicePeriod"), cx)
        }),
        allowance_charges: element
            .all_cac("AllowanceCharge")
            .enumerate()
            .map(|(item_index, item)| {
                let item_at = format!("{at}/allowanceCharges/{item_index}");
                allowance_charge(item, Level::Line, &item_at, cx)
            })
            .collect(),
        price: element
            .cac("Price")
            .map(|price_element| price(price_element, &at, cx)),
        ..Line::default()
    };
    if let Some(item) = element.cac("Item") {
        if let Some(category) = vat_category(item, "ClassifiedTaxCategory") {
            line.vat_category_code = cbc_text(category, "ID");
            line.vat_rate = cx.decimal(category.cbc("Percent"), || format!("{at}/vatRate"));
        }
        line.item_name = cbc_text(item, "Name");
        line.item_description = cbc_text(item, "Description");
        line.sellers_item_id = item
            .cac("SellersItemIdentification")
            .and_then(|id| cbc_text(id, "ID"));
        line.buyers_item_id = item
            .cac("BuyersItemIdentification")
            .and_then(|id| cbc_text(id, "ID"));
        line.standard_item_id = item
            .cac("StandardItemIdentification")
            .and_then(|standard| identifier(standard.cbc("ID")));
        line.classifications = item
            .all_cac("CommodityClassification")
            .filter_map(|classification| classification.cbc("ItemClassificationCode"))
            .map(|code| Classification {
                code: code.text().to_owned(),
                list_id: attribute(Some(code), "listID"),
                list_version_id: attribute(Some(code), "listVersionID"),
            })
            .collect();
        line.origin_country = item
            .cac("OriginCountry")
            .and_then(|country| cbc_text(country, "IdentificationCode"));
        line.attributes = item
            .all_cac("AdditionalItemProperty")
            .map(|property| ItemAttribute {
                name: cbc_text(property, "Name"),
                value: cbc_text(property, "Value"),
            })
            .collect();
    }
    line
}

/// BG-29 `cac:Price` of the line at pointer `at`: BT-147 and BT-148 are the amount and
/// base amount of its `cac:AllowanceCharge`.
fn price(element: &Element, at: &str, cx: &mut Cx) -> Price {
    let discount = element.cac("AllowanceCharge");
    let base_quantity = element.cbc("BaseQuantity");
    Price {
        net_amount: cx.amount(element.cbc("PriceAmount"), || format!("{at}/netUnitPrice")),
        discount: cx.amount(discount.and_then(|discount| discount.cbc("Amount")), || {
            format!("{at}/priceDiscount")
        }),
        gross_amount: cx.amount(
            discount.and_then(|discount| discount.cbc("BaseAmount")),
            || format!("{at}/grossUnitPrice"),
        ),
        base_quantity: cx.decimal(base_quantity, || format!("{at}/priceBaseQuantity/quantity")),
        base_quantity_unit_code: attribute(base_quantity, "unitCode"),
        charge_indicator_text: discount.and_then(|discount| {
            let indicator = discount.cbc("ChargeIndicator").map_or("", Element::text);
            (indicator != "false").then(|| indicator.to_owned())
        }),
    }
}

/// Whether a `PartyTaxScheme` or tax category is about VAT: `None` without
/// `cac:TaxScheme/cbc:ID`, else whether that id is `VAT` (case-insensitive, as the CEN
/// rules compare it).
fn is_vat_scheme(element: &Element) -> Option<bool> {
    let id = element.cac("TaxScheme")?.cbc("ID")?;
    Some(id.text().eq_ignore_ascii_case("VAT"))
}

/// The VAT category among the `cac:{name}` children: the first with tax scheme `VAT`,
/// else the first without a tax scheme.
fn vat_category<'a>(parent: &'a Element, name: &'a str) -> Option<&'a Element> {
    parent
        .all_cac(name)
        .find(|category| is_vat_scheme(category) == Some(true))
        .or_else(|| {
            parent
                .all_cac(name)
                .find(|category| is_vat_scheme(category).is_none())
        })
}

/// The trimmed text of `element`, when present.
fn text(element: Option<&Element>) -> Option<String> {
    element.map(|element| element.text().to_owned())
}

/// The trimmed text of the first `cbc:{name}` child of `parent`, when present.
fn cbc_text(parent: &Element, name: &str) -> Option<String> {
    text(parent.cbc(name))
}

/// The trimmed value of the attribute `name` of `element`, when both are present.
fn attribute(element: Option<&Element>, name: &str) -> Option<String> {
    element
        .and_then(|element| element.attribute(name))
        .map(str::to_owned)
}

/// An identifier with its `schemeID`.
fn identifier(element: Option<&Element>) -> Option<Identifier> {
    element.map(|element| Identifier {
        id: element.text().to_owned(),
        scheme_id: element.attribute("schemeID").map(str::to_owned),
    })
}

/// Parses the lexical form of `xs:decimal` (`-1.50`, `+3`, `.5`, `2.`), keeping its scale.
fn parse_decimal(lexical: &str) -> Option<Decimal> {
    let unsigned = lexical.strip_prefix(['+', '-']).unwrap_or(lexical);
    let (integer, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits_only = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if integer.len() + fraction.len() == 0 || !digits_only(integer) || !digits_only(fraction) {
        return None;
    }
    let negative = lexical.starts_with('-');
    let normalised = format!(
        "{}{}{}{}",
        if negative { "-" } else { "" },
        if integer.is_empty() { "0" } else { integer },
        if fraction.is_empty() { "" } else { "." },
        fraction
    );
    let mut value = Decimal::from_str(&normalised).ok()?;
    // `-0.00` keeps its sign, as the writer writes a negative zero (the model stays the
    // same through a round trip).
    value.set_sign_negative(negative);
    Some(value)
}

/// A `YYYY-MM-DD` date; `None` when not such a date.
fn date(lexical: &str) -> Option<Date> {
    let shaped = lexical.len() == 10
        && lexical
            .bytes()
            .enumerate()
            .all(|(index, byte)| match index {
                4 | 7 => byte == b'-',
                _ => byte.is_ascii_digit(),
            });
    if !shaped {
        return None;
    }
    Date::parse(lexical, format_description!("[year]-[month]-[day]")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_their_scale() {
        assert_eq!(parse_decimal("100.00").map(|value| value.scale()), Some(2));
        assert_eq!(parse_decimal("-1.5"), Some(Decimal::new(-15, 1)));
        assert_eq!(parse_decimal("+3"), Some(Decimal::from(3)));
        assert_eq!(parse_decimal(".5"), Some(Decimal::new(5, 1)));
        assert_eq!(parse_decimal("2."), Some(Decimal::from(2)));
        let negative_zero = parse_decimal("-0.00").expect("a decimal");
        assert!(negative_zero.is_zero() && negative_zero.is_sign_negative());
        assert_eq!(negative_zero.to_string(), "-0.00");
    }

    #[test]
    fn decimals_refuse_what_xs_decimal_refuses() {
        for lexical in [
            "", ".", "-", "1e5", "1,5", "1.2.3", "0x10", "NaN", "1 000", "--1",
        ] {
            assert_eq!(parse_decimal(lexical), None, "{lexical}");
        }
    }
}
