//! The EN 16931 semantic model of an invoice or credit note.
//!
//! This is the *raw* model: every business term is optional and codes are kept as the
//! text that was sent, so that a document that breaks rules (an incomplete official test
//! fragment, a partner's mistake) can be represented, checked and reported on. Only
//! [`super::ValidDocument`], produced by the rules, is rendered.
//!
//! Names follow the gateway's JSON business document (seed 004), so that a rule's JSON
//! pointer (`/lines/0/vatRate`) names the field the partner sent. Doc comments give the
//! EN 16931 business term (BT) or group (BG).
//!
//! JSON pointers used by the rules (relative to the document's attributes) are the
//! camelCase JSON names of these fields, e.g. `/seller/address/countryCode`,
//! `/lines/3/allowanceCharges/0/amount`. Where the JSON differs from the model:
//!
//! | model | JSON pointer |
//! | --- | --- |
//! | `number` (BT-1) | `/documentId` |
//! | `payment_terms` (BT-20) | `/paymentTermsText` |
//! | `payment_means[0]` (BG-16) | `/payment` (`/payment/accounts/0/iban`, `/payment/paymentMeansCode`, `/payment/card/...`, `/payment/directDebit/...`) |
//! | `vat_breakdown()[i]` (BG-23) | `/taxBreakdown/{i}` (`categoryCode`, `rate`, `taxableAmount`, `taxAmount`, `exemptionReason`, `exemptionReasonCode`) |
//! | the BT-110 `TaxTotal` amount | `/totals/taxAmount` |
//! | BT-111 | `/taxTotalInTaxCurrency` |
//! | `totals.prepaid_amount` (BT-113), `rounding_amount` (BT-114) | `/prepaidAmount`, `/roundingAmount` |
//! | other `totals.*` | `/totals/lineExtensionAmount`, `/totals/taxExclusiveAmount`, ... |
//! | `lines[i].price.net_amount` (BT-146) | `/lines/{i}/netUnitPrice` |
//! | `lines[i].price.gross_amount` (BT-148) | `/lines/{i}/grossUnitPrice` |
//! | `lines[i].price.discount` (BT-147) | `/lines/{i}/priceDiscount` |
//! | `lines[i].price.base_quantity` (BT-149/150) | `/lines/{i}/priceBaseQuantity/quantity`, `.../unitCode` |
//! | `lines[i].price.charge_indicator_text` | `/lines/{i}/priceDiscount` (UBL only) |
//! | `allowance_charges[i].charge_indicator_text` | `/allowanceCharges/{i}/chargeIndicator` (UBL only) |
//! | `lines[i].object_identifier` | `/lines/{i}/objectIdentifier` |
//! | `lines[i].document_references[j]` | `/lines/{i}/documentReferences/{j}` (UBL only) |
//! | `lines[i].standard_item_id` | `/lines/{i}/standardItemId` |
//! | `attachments[i].content` (BT-125) | `/attachments/{i}/content` (`contentType` for BT-125-1) |
//! | `project_references[0]` (BT-11) | `/projectReference` (further ones, UBL only: `/projectReferences/{i}`) |
//! | `kind` | `/@type` |
//! | `customization_id`, `profile_id` | `/customizationId`, `/profileId` (set by the gateway) |
//! | an amount's currency | the amount's pointer + `/currency` |
//!
//! A few fields keep syntax-level facts that rules look at: the currency of every amount
//! (`Amount::currency`), every `TaxTotal` of a UBL document (`tax_totals`), a
//! `ChargeIndicator` that is not `true` or `false` (`charge_indicator_text`), every
//! project reference (`project_references`) and line document reference
//! (`document_references`), and the values that were present but not readable as their
//! type (`unparsed`: each keeps the pointer of its term, as in this table). The JSON
//! parser fills none of `charge_indicator_text`, `document_references` and `unparsed`,
//! and at most one project reference: its format has no place for them, or it refuses
//! what they describe up front (a date that is not a date is a parse error there).

use rust_decimal::Decimal;
use time::Date;

/// An amount and the currency it was given in (the `currencyID` of UBL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    /// The value, with the scale it was given in (`100.00` keeps two decimals).
    pub value: Decimal,
    /// ISO 4217 code the amount is expressed in.
    pub currency: Option<String>,
}

impl Amount {
    /// An amount in `currency`.
    pub fn new(value: Decimal, currency: &str) -> Self {
        Self {
            value,
            currency: Some(currency.to_owned()),
        }
    }
}

/// An identifier with an optional scheme (`schemeID`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identifier {
    /// The identifier.
    pub id: String,
    /// Its scheme (an ICD/EAS code, or another list's code).
    pub scheme_id: Option<String>,
}

/// Invoice or credit note: the two UBL document types (`@type` in the JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// `InvoiceDocument`, UBL `Invoice`.
    Invoice,
    /// `CreditNoteDocument`, UBL `CreditNote`.
    CreditNote,
}

/// BG-1: an invoice note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Note {
    /// BT-21 subject code (UNCL 4451), when given.
    pub subject_code: Option<String>,
    /// BT-22 text.
    pub text: String,
}

/// BG-3: a preceding invoice reference.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrecedingInvoice {
    /// BT-25 number.
    pub number: Option<String>,
    /// BT-26 issue date.
    pub issue_date: Option<Date>,
}

/// A period (BG-14 document, BG-26 line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Period {
    /// BT-73 / BT-134 start date.
    pub start_date: Option<Date>,
    /// BT-74 / BT-135 end date.
    pub end_date: Option<Date>,
    /// BT-8 value added tax point date code (UNCL 2005), document period only.
    pub description_code: Option<String>,
}

/// A postal address (BG-5, BG-8, BG-12, BG-15).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    /// Address line 1 (BT-35, BT-50, BT-64, BT-75).
    pub street1: Option<String>,
    /// Address line 2 (BT-36, BT-51, BT-65, BT-76).
    pub street2: Option<String>,
    /// Address line 3 (BT-162, BT-163, BT-164, BT-165).
    pub additional_street: Option<String>,
    /// City (BT-37, BT-52, BT-66, BT-77).
    pub city: Option<String>,
    /// Post code (BT-38, BT-53, BT-67, BT-78).
    pub post_code: Option<String>,
    /// Country subdivision (BT-39, BT-54, BT-68, BT-79).
    pub country_subdivision: Option<String>,
    /// Country code, ISO 3166-1 alpha-2 (BT-40, BT-55, BT-69, BT-80).
    pub country_code: Option<String>,
}

/// A contact (BG-6, BG-9).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    /// Contact point (BT-41, BT-56).
    pub name: Option<String>,
    /// Telephone (BT-42, BT-57).
    pub phone: Option<String>,
    /// E-mail (BT-43, BT-58).
    pub email: Option<String>,
}

/// The seller (BG-4) or the buyer (BG-7).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    /// BT-27 / BT-44 name.
    pub name: Option<String>,
    /// BT-28 / BT-45 trading name.
    pub trading_name: Option<String>,
    /// BT-29 / BT-46 identifiers (the buyer has at most one).
    pub identifiers: Vec<Identifier>,
    /// BT-30 / BT-47 legal registration identifier.
    pub legal_registration_id: Option<String>,
    /// BT-30-1 / BT-47-1 its scheme.
    pub legal_registration_scheme_id: Option<String>,
    /// BT-31 / BT-48 VAT identifier (with country prefix).
    pub vat_id: Option<String>,
    /// BT-32 seller tax registration identifier (seller only).
    pub tax_registration_id: Option<String>,
    /// BT-33 seller additional legal information (seller only).
    pub legal_form: Option<String>,
    /// BT-34 / BT-49 electronic address.
    pub electronic_address: Option<String>,
    /// BT-34-1 / BT-49-1 its scheme (EAS).
    pub electronic_address_scheme_id: Option<String>,
    /// BG-5 / BG-8 postal address.
    pub address: Option<Address>,
    /// BG-6 / BG-9 contact.
    pub contact: Option<Contact>,
}

/// BG-10: the payee, when different from the seller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Payee {
    /// BT-59 name.
    pub name: Option<String>,
    /// BT-60 identifier (+ BT-60-1 scheme).
    pub identifier: Option<Identifier>,
    /// BT-61 legal registration identifier.
    pub legal_registration_id: Option<String>,
    /// BT-61-1 its scheme.
    pub legal_registration_scheme_id: Option<String>,
}

/// BG-11: the seller's tax representative.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaxRepresentative {
    /// BT-62 name.
    pub name: Option<String>,
    /// BT-63 VAT identifier.
    pub vat_id: Option<String>,
    /// BG-12 postal address.
    pub address: Option<Address>,
}

/// BG-13: delivery information.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivery {
    /// BT-70 deliver-to party name.
    pub party_name: Option<String>,
    /// BT-71 deliver-to location identifier.
    pub location_identifier: Option<String>,
    /// BT-71-1 its scheme.
    pub location_identifier_scheme_id: Option<String>,
    /// BT-72 actual delivery date.
    pub delivery_date: Option<Date>,
    /// BG-15 deliver-to address.
    pub address: Option<Address>,
}

/// BG-17: a credit transfer account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    /// BT-84 payment account identifier (IBAN for SEPA).
    pub iban: Option<String>,
    /// BT-85 account name.
    pub account_name: Option<String>,
    /// BT-86 payment service provider identifier (BIC).
    pub bic: Option<String>,
}

/// BG-18: payment card information.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Card {
    /// BT-87 primary account number (at most the last digits).
    pub account_number: Option<String>,
    /// Card network (UBL `NetworkID`, required by UBL).
    pub network_id: Option<String>,
    /// BT-88 card holder name.
    pub holder_name: Option<String>,
}

/// BG-19: direct debit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectDebit {
    /// BT-89 mandate reference identifier.
    pub mandate_reference: Option<String>,
    /// BT-90 bank assigned creditor identifier.
    pub creditor_id: Option<String>,
    /// BT-91 debited account identifier.
    pub debited_account: Option<String>,
}

/// BG-16: payment instructions (UBL allows several `PaymentMeans`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentMeans {
    /// BT-81 payment means type code (UNCL 4461).
    pub code: Option<String>,
    /// BT-82 payment means text.
    pub text: Option<String>,
    /// BT-83 remittance information.
    pub remittance_information: Option<String>,
    /// BG-17 credit transfer accounts.
    pub accounts: Vec<Account>,
    /// BG-18 payment card.
    pub card: Option<Card>,
    /// BG-19 direct debit.
    pub direct_debit: Option<DirectDebit>,
}

/// A document-level (BG-20/BG-21) or line-level (BG-27/BG-28) allowance or charge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowanceCharge {
    /// `true` for a charge, `false` for an allowance.
    pub charge_indicator: bool,
    /// The UBL `ChargeIndicator` as written (trimmed) when it is not the `true` or `false`
    /// that `charge_indicator` stands for: `1` or `0` (the `xs:boolean` synonyms, which
    /// `charge_indicator` follows), any other text (an allowance), or `""` when the element
    /// is absent or empty. `None` when it is `true` or `false` (and in every document that
    /// does not come from UBL). Peppol wants `true` or `false` (PEPPOL-EN16931-R043).
    pub charge_indicator_text: Option<String>,
    /// BT-92 / BT-99 / BT-136 / BT-141 amount.
    pub amount: Option<Amount>,
    /// BT-93 / BT-100 / BT-137 / BT-142 base amount.
    pub base_amount: Option<Amount>,
    /// BT-94 / BT-101 / BT-138 / BT-143 percentage.
    pub percentage: Option<Decimal>,
    /// BT-98 / BT-105 / BT-140 / BT-145 reason code (UNCL 5189 / 7161).
    pub reason_code: Option<String>,
    /// BT-97 / BT-104 / BT-139 / BT-144 reason text.
    pub reason: Option<String>,
    /// BT-95 / BT-102 VAT category code (document level only).
    pub vat_category_code: Option<String>,
    /// BT-96 / BT-103 VAT rate (document level only).
    pub vat_rate: Option<Decimal>,
}

/// BG-22: document totals as declared (the gateway computes them when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// BT-106 sum of invoice line net amounts.
    pub line_extension_amount: Option<Amount>,
    /// BT-109 invoice total amount without VAT.
    pub tax_exclusive_amount: Option<Amount>,
    /// BT-112 invoice total amount with VAT.
    pub tax_inclusive_amount: Option<Amount>,
    /// BT-107 sum of allowances on document level.
    pub allowance_total_amount: Option<Amount>,
    /// BT-108 sum of charges on document level.
    pub charge_total_amount: Option<Amount>,
    /// BT-113 paid amount.
    pub prepaid_amount: Option<Amount>,
    /// BT-114 rounding amount.
    pub rounding_amount: Option<Amount>,
    /// BT-115 amount due for payment.
    pub payable_amount: Option<Amount>,
}

/// BG-23: one VAT breakdown entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VatBreakdown {
    /// BT-116 VAT category taxable amount.
    pub taxable_amount: Option<Amount>,
    /// BT-117 VAT category tax amount.
    pub tax_amount: Option<Amount>,
    /// BT-118 VAT category code (UNCL 5305).
    pub category_code: Option<String>,
    /// BT-119 VAT category rate.
    pub rate: Option<Decimal>,
    /// BT-120 VAT exemption reason text.
    pub exemption_reason: Option<String>,
    /// BT-121 VAT exemption reason code (VATEX).
    pub exemption_reason_code: Option<String>,
}

/// One UBL `TaxTotal`: BT-110 (with its BG-23 subtotals) or BT-111 (in the tax
/// currency, without subtotals).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaxTotal {
    /// BT-110 or BT-111.
    pub tax_amount: Option<Amount>,
    /// BG-23 entries.
    pub subtotals: Vec<VatBreakdown>,
}

/// BG-24: an additional supporting document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachment {
    /// BT-122 supporting document reference.
    pub id: Option<String>,
    /// BT-123 description.
    pub description: Option<String>,
    /// BT-124 external document location (URI).
    pub uri: Option<String>,
    /// BT-125 attached document, decoded bytes.
    pub content: Option<Vec<u8>>,
    /// BT-125-1 MIME code.
    pub mime_code: Option<String>,
    /// BT-125-2 file name.
    pub filename: Option<String>,
}

/// BG-29 price details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Price {
    /// BT-146 item net price.
    pub net_amount: Option<Amount>,
    /// BT-147 item price discount.
    pub discount: Option<Amount>,
    /// BT-148 item gross price.
    pub gross_amount: Option<Amount>,
    /// BT-149 item price base quantity.
    pub base_quantity: Option<Decimal>,
    /// BT-150 its unit of measure (UN/ECE Rec 20/21).
    pub base_quantity_unit_code: Option<String>,
    /// The UBL `ChargeIndicator` of the price's `AllowanceCharge` (which carries BT-147 and
    /// BT-148), as written (trimmed), when it is not `false`: `true`, `0`, any other text,
    /// or `""` when that `AllowanceCharge` has no `ChargeIndicator`. `None` when it is
    /// `false` or there is no such `AllowanceCharge` (and in every document that does not
    /// come from UBL). Peppol allows only `false` (PEPPOL-EN16931-R044).
    pub charge_indicator_text: Option<String>,
}

/// BT-158: an item classification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Classification {
    /// BT-158 code.
    pub code: String,
    /// BT-158-1 list identifier (UNTDID 7143).
    pub list_id: Option<String>,
    /// BT-158-2 list version.
    pub list_version_id: Option<String>,
}

/// A line's UBL `cac:DocumentReference` other than the one that carries BT-128 (UBL
/// only). Peppol allows one document reference per line, the invoiced object identifier
/// with type code `130` (PEPPOL-EN16931-R100, R101).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentReference {
    /// `cbc:ID` with its `schemeID`.
    pub id: Option<Identifier>,
    /// `cbc:DocumentTypeCode` (UNCL 1001).
    pub type_code: Option<String>,
}

/// BG-32: an item attribute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemAttribute {
    /// BT-160 name.
    pub name: Option<String>,
    /// BT-161 value.
    pub value: Option<String>,
}

/// BG-25: an invoice (or credit note) line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    /// BT-126 line identifier.
    pub id: Option<String>,
    /// BT-127 line note.
    pub note: Option<String>,
    /// BT-128 line object identifier (+ BT-128-1 scheme).
    pub object_identifier: Option<Identifier>,
    /// The line's other document references (UBL only; see [`DocumentReference`]).
    pub document_references: Vec<DocumentReference>,
    /// BT-129 invoiced quantity.
    pub quantity: Option<Decimal>,
    /// BT-130 its unit of measure code (UN/ECE Rec 20/21).
    pub unit_code: Option<String>,
    /// BT-131 line net amount.
    pub line_extension_amount: Option<Amount>,
    /// BT-132 referenced purchase order line.
    pub order_line_reference: Option<String>,
    /// BT-133 buyer accounting reference.
    pub accounting_cost: Option<String>,
    /// BG-26 line period.
    pub invoice_period: Option<Period>,
    /// BG-27 / BG-28 line allowances and charges.
    pub allowance_charges: Vec<AllowanceCharge>,
    /// BG-29 price details.
    pub price: Option<Price>,
    /// BT-151 invoiced item VAT category code.
    pub vat_category_code: Option<String>,
    /// BT-152 invoiced item VAT rate.
    pub vat_rate: Option<Decimal>,
    /// BT-153 item name.
    pub item_name: Option<String>,
    /// BT-154 item description.
    pub item_description: Option<String>,
    /// BT-155 seller's item identifier.
    pub sellers_item_id: Option<String>,
    /// BT-156 buyer's item identifier.
    pub buyers_item_id: Option<String>,
    /// BT-157 item standard identifier (+ BT-157-1 scheme).
    pub standard_item_id: Option<Identifier>,
    /// BT-158 item classifications.
    pub classifications: Vec<Classification>,
    /// BT-159 item country of origin.
    pub origin_country: Option<String>,
    /// BG-32 item attributes.
    pub attributes: Vec<ItemAttribute>,
}

/// An invoice or credit note (the whole EN 16931 semantic model).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Invoice or credit note.
    pub kind: DocumentKind,
    /// BT-24 specification identifier (UBL `CustomizationID`).
    pub customization_id: Option<String>,
    /// BT-23 business process type (UBL `ProfileID`).
    pub profile_id: Option<String>,
    /// BT-1 invoice number.
    pub number: Option<String>,
    /// BT-2 issue date.
    pub issue_date: Option<Date>,
    /// BT-9 payment due date.
    pub due_date: Option<Date>,
    /// BT-3 invoice type code (UNCL 1001).
    pub type_code: Option<String>,
    /// BG-1 notes.
    pub notes: Vec<Note>,
    /// BT-7 value added tax point date.
    pub tax_point_date: Option<Date>,
    /// BT-5 invoice currency code.
    pub currency: Option<String>,
    /// BT-6 VAT accounting currency code.
    pub tax_currency: Option<String>,
    /// BT-19 buyer accounting reference.
    pub accounting_cost: Option<String>,
    /// BT-10 buyer reference.
    pub buyer_reference: Option<String>,
    /// BG-14 invoicing period (with BT-8).
    pub invoice_period: Option<Period>,
    /// BT-13 purchase order reference.
    pub order_reference: Option<String>,
    /// BT-14 sales order reference.
    pub sales_order_reference: Option<String>,
    /// BG-3 preceding invoice references.
    pub preceding_invoices: Vec<PrecedingInvoice>,
    /// BT-16 despatch advice reference.
    pub despatch_advice_reference: Option<String>,
    /// BT-15 receiving advice reference.
    pub receiving_advice_reference: Option<String>,
    /// BT-17 tender or lot reference.
    pub tender_reference: Option<String>,
    /// BT-12 contract reference.
    pub contract_reference: Option<String>,
    /// BT-18 invoiced object identifier (+ BT-18-1 scheme).
    pub invoiced_object_identifier: Option<Identifier>,
    /// BG-24 additional supporting documents.
    pub attachments: Vec<Attachment>,
    /// BT-11 project reference: the first entry. Peppol allows one
    /// (PEPPOL-EN16931-R080), a UBL document may carry several; an entry is `None` for a
    /// reference without `ID`.
    pub project_references: Vec<Option<String>>,
    /// BG-4 seller.
    pub seller: Party,
    /// BG-7 buyer.
    pub buyer: Party,
    /// BG-10 payee.
    pub payee: Option<Payee>,
    /// BG-11 seller tax representative.
    pub tax_representative: Option<TaxRepresentative>,
    /// BG-13 delivery information.
    pub delivery: Option<Delivery>,
    /// BG-16 payment instructions.
    pub payment_means: Vec<PaymentMeans>,
    /// BT-20 payment terms.
    pub payment_terms: Option<String>,
    /// BG-20 / BG-21 document-level allowances and charges.
    pub allowance_charges: Vec<AllowanceCharge>,
    /// BT-110 / BT-111 with the BG-23 breakdown (one or two entries in a valid document).
    pub tax_totals: Vec<TaxTotal>,
    /// BG-22 document totals.
    pub totals: Totals,
    /// BG-25 lines.
    pub lines: Vec<Line>,
    /// Values present in the source but not readable as their type (UBL only), by the
    /// pointer of their term; the typed field is then `None`.
    pub unparsed: Vec<Unparsed>,
    /// Electronic addresses (UBL `cbc:EndpointID`) standing outside the seller and the
    /// buyer (UBL only). They carry no business term; they are kept because
    /// PEPPOL-EN16931-CL008 judges the scheme of every `EndpointID`, wherever it is.
    pub other_electronic_addresses: Vec<Identifier>,
}

/// A value present in a source document that could not be read as its term's type: a date
/// that is not `YYYY-MM-DD`, an amount, quantity, percentage or rate that is not an
/// `xs:decimal`. The typed field of the term stays `None`, and the text is kept here.
///
/// Kept beside the typed fields rather than in them (an `enum` of parsed and unparsed
/// values in every date and decimal field) so that the hundreds of rules that compute
/// with a date or an amount keep reading a `Date` or a `Decimal`, and a document without
/// such values (every JSON document, every document the gateway builds) pays nothing;
/// the few rules that care, the presence rules of date terms and the format rule
/// PEPPOL-EN16931-F001, look the value up by the pointer they report anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparsed {
    /// The JSON pointer of the term (`/issueDate`, `/lines/0/invoicePeriod/startDate`,
    /// `/lines/2/quantity`; the table in the module documentation). Date terms, and only
    /// they, have a pointer ending in `Date`.
    pub pointer: String,
    /// The text as written, trimmed.
    pub text: String,
}

impl Unparsed {
    /// Whether the term is a date.
    pub fn is_date(&self) -> bool {
        self.pointer.ends_with("Date")
    }
}

impl Document {
    /// An empty document of `kind` (every term absent).
    pub fn empty(kind: DocumentKind) -> Self {
        Self {
            kind,
            customization_id: None,
            profile_id: None,
            number: None,
            issue_date: None,
            due_date: None,
            type_code: None,
            notes: Vec::new(),
            tax_point_date: None,
            currency: None,
            tax_currency: None,
            accounting_cost: None,
            buyer_reference: None,
            invoice_period: None,
            order_reference: None,
            sales_order_reference: None,
            preceding_invoices: Vec::new(),
            despatch_advice_reference: None,
            receiving_advice_reference: None,
            tender_reference: None,
            contract_reference: None,
            invoiced_object_identifier: None,
            attachments: Vec::new(),
            project_references: Vec::new(),
            seller: Party::default(),
            buyer: Party::default(),
            payee: None,
            tax_representative: None,
            delivery: None,
            payment_means: Vec::new(),
            payment_terms: None,
            allowance_charges: Vec::new(),
            tax_totals: Vec::new(),
            totals: Totals::default(),
            lines: Vec::new(),
            unparsed: Vec::new(),
            other_electronic_addresses: Vec::new(),
        }
    }

    /// BT-11: the project reference (the identifier of the first one).
    pub fn project_reference(&self) -> Option<&str> {
        self.project_references.first()?.as_deref()
    }

    /// The text of the value of the term at `pointer` that was present but could not be
    /// read as its type (see [`Unparsed`]).
    pub fn unparsed_text(&self, pointer: &str) -> Option<&str> {
        self.unparsed
            .iter()
            .find(|unparsed| unparsed.pointer == pointer)
            .map(|unparsed| unparsed.text.as_str())
    }

    /// Whether the term at `pointer` is present, as a parsed value (`parsed`) or as text
    /// that could not be parsed: what `exists(...)` sees in the source.
    pub fn has_value(&self, parsed: bool, pointer: impl FnOnce() -> String) -> bool {
        parsed || (!self.unparsed.is_empty() && self.unparsed_text(&pointer()).is_some())
    }

    /// The `TaxTotal` in the document currency, which carries BT-110 and the BG-23
    /// breakdown (the first with subtotals, or the first whose amount is in the
    /// document currency).
    pub fn vat_total(&self) -> Option<&TaxTotal> {
        self.tax_totals
            .iter()
            .find(|total| !total.subtotals.is_empty())
            .or_else(|| {
                self.tax_totals.iter().find(|total| {
                    total
                        .tax_amount
                        .as_ref()
                        .and_then(|amount| amount.currency.as_deref())
                        == self.currency.as_deref()
                })
            })
    }

    /// BG-23: the VAT breakdown.
    pub fn vat_breakdown(&self) -> &[VatBreakdown] {
        self.vat_total()
            .map_or(&[], |total| total.subtotals.as_slice())
    }

    /// BT-111: the total VAT amount in the tax currency, when a tax currency is given.
    pub fn vat_total_in_tax_currency(&self) -> Option<&Amount> {
        let tax_currency = self.tax_currency.as_deref()?;
        self.tax_totals
            .iter()
            .filter_map(|total| total.tax_amount.as_ref())
            .find(|amount| amount.currency.as_deref() == Some(tax_currency))
    }
}
