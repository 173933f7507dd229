//! The gateway's standard-agnostic JSON business document (seed 004) into the document
//! model. Amounts and quantities are parsed as exact decimals (never through `f64`);
//! every problem is reported with the JSON pointer of its field, relative to the
//! document's attributes.
//!
//! # The document
//!
//! The body is the JSON:API document `{"data": {"type": "business-documents",
//! "attributes": {...}}}` or the bare attributes (recognised by a first member other than
//! `data`). The attributes are the fields of seed 004 plus the rest of EN 16931, named as
//! the rules' pointers name them (see [`einvoice_domain::document::model`]). Money is
//! `{"amount", "currency"}`; a decimal is a JSON number or a string holding one (`100.00`
//! keeps two decimals); a date is `YYYY-MM-DD`. `typeCode`, `payment.paymentMeansCode`
//! and `electronicAddressSchemeId` take the symbolic names of [`names`] or raw codes.
//! `extensions` may hold any object (country data, read by later renderers) and is
//! ignored here; every other unknown member is refused.
//!
//! Where the JSON is flatter than the model: `originalInvoiceNumber` and
//! `originalInvoiceDate` are the first preceding invoice reference (BG-3);
//! `taxBreakdown` with `totals.taxAmount` is the BT-110 tax total and
//! `taxTotalInTaxCurrency` the BT-111 one; `payment` is `payment_means[0]`;
//! `attachments` (embedded PDFs, `id` defaulting to the file name) come first in
//! `Document::attachments`, then `externalReferences`. Nothing is computed: the caller
//! runs `calculation::complete` and the rules.
//!
//! # Problems
//!
//! Parsing reports every problem it finds, each with a pointer relative to the
//! attributes (`/lines/0/quantity`) and a stable code from [`codes`]. Problems with the
//! envelope itself (a missing `data` or `attributes`, a wrong resource type, a member
//! next to `data`) carry pointers from the root of the body, which start with `/data`
//! or name a member next to it (no attribute is called `data`). A syntax error stops the
//! parse; it is reported as [`codes::INVALID_JSON`] at the pointer of the value being
//! read, after the problems found before it.
//!
//! # Limits
//!
//! Strings are limited in characters: codes [`MAX_CODE_CHARS`], identifiers and
//! references [`MAX_ID_CHARS`], names, addresses and contact details
//! [`MAX_NAME_CHARS`], descriptions and reasons [`MAX_TEXT_CHARS`], notes and payment
//! terms [`MAX_NOTE_CHARS`], URIs [`MAX_URI_CHARS`]. Arrays and attachments are limited
//! by [`ParseLimits`]. The document's own objects nest a few levels deep; values
//! that are skipped (`extensions`, unknown members, values of the wrong type) are
//! skipped by serde_json without recursion, so no nesting exhausts the stack.
//!
//! # How
//!
//! One pass from the bytes: serde drives the parse and the crate's visitors write each
//! value straight into the model. They accept every JSON type where a field is expected
//! and record a problem instead of failing, so a valid document costs a typed parse and
//! an invalid one still yields all its problems, without a second pass over a
//! `serde_json::Value` (and without a second description of the schema that could drift
//! from the first). The body is checked as UTF-8 once, up front, which is cheaper than
//! serde_json's check of every string when reading bytes. A ten-line document of about
//! 4.5 kB costs about 215,000 instructions to parse, roughly half of them serde_json's
//! own string scanning and the allocation of the model's strings.
//!
//! `customization_id` and `profile_id` are left `None`: the JSON does not carry them.

pub mod names;
mod schema;
mod walk;

use einvoice_domain::document::Document;

/// A problem with the JSON itself (shape, type, unknown field, limit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonProblem {
    /// JSON pointer relative to the attributes object (`/lines/0/quantity`).
    pub pointer: String,
    /// Stable code (`required`, `invalid_decimal`, `unknown_field`, ...).
    pub code: &'static str,
    /// Human explanation.
    pub message: String,
}

/// The stable codes of [`JsonProblem`]s.
pub mod codes {
    /// The body is not JSON (syntax, encoding, trailing characters).
    pub const INVALID_JSON: &str = "invalid_json";
    /// A member the model cannot be built without is missing or null: `@type`, and
    /// inside an object: a money `amount`, an identifier `id`, a classification `code`,
    /// an allowance or charge `chargeIndicator`, the `contentType` of embedded content,
    /// and the envelope's `data`, `type` and `attributes`.
    pub const REQUIRED: &str = "required";
    /// A value of the wrong JSON type.
    pub const INVALID_TYPE: &str = "invalid_type";
    /// A number, or numeric string, that is not an exact decimal.
    pub const INVALID_DECIMAL: &str = "invalid_decimal";
    /// A date that is not `YYYY-MM-DD` or not in the calendar.
    pub const INVALID_DATE: &str = "invalid_date";
    /// Attachment content that is not base64.
    pub const INVALID_BASE64: &str = "invalid_base64";
    /// A member the document does not have.
    pub const UNKNOWN_FIELD: &str = "unknown_field";
    /// A member given twice in one object.
    pub const DUPLICATE_FIELD: &str = "duplicate_field";
    /// A symbolic name that is not known (`@type`, `typeCode`, ...), or a resource type
    /// other than `business-documents`.
    pub const UNKNOWN_CODE: &str = "unknown_code";
    /// A string longer than its limit, or attachment content larger than its limit.
    pub const TOO_LONG: &str = "too_long";
    /// An array with more items than its limit.
    pub const TOO_MANY: &str = "too_many";
    /// An attachment that is not a PDF (content type or content).
    pub const UNSUPPORTED_ATTACHMENT_TYPE: &str = "unsupported_attachment_type";
}

/// Codes, currencies, countries, units, scheme identifiers.
pub const MAX_CODE_CHARS: usize = 35;
/// Identifiers and references (document number, VAT ids, IBAN, item ids, post codes).
pub const MAX_ID_CHARS: usize = 100;
/// Names, address lines, cities, contact details, file names, item names and
/// attributes.
pub const MAX_NAME_CHARS: usize = 200;
/// Descriptions, reasons, line notes, payment means text, remittance information.
pub const MAX_TEXT_CHARS: usize = 1_000;
/// Document notes (BT-22) and payment terms (BT-20), which carry legal text.
pub const MAX_NOTE_CHARS: usize = 5_000;
/// External document locations (BT-124).
pub const MAX_URI_CHARS: usize = 2_048;

/// Limits on the size of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseLimits {
    /// Lines (default 10,000).
    pub max_lines: usize,
    /// Document notes (default 1,000).
    pub max_notes: usize,
    /// Embedded attachments, and separately external references (default 100).
    pub max_attachments: usize,
    /// Bytes of one attachment once decoded (default 10 MiB).
    pub max_attachment_bytes: usize,
    /// Every other array: identifiers, accounts, allowances and charges (per document
    /// and per line), the VAT breakdown, preceding invoices, classifications, item
    /// attributes (default 100).
    pub max_items: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        Self {
            max_lines: 10_000,
            max_notes: 1_000,
            max_attachments: 100,
            max_attachment_bytes: 10 * 1024 * 1024,
            max_items: 100,
        }
    }
}

/// Parses a business document: the JSON:API envelope
/// `{"data":{"type":"business-documents","attributes":{...}}}` or the bare attributes.
pub fn parse_document(json: &[u8]) -> Result<Document, Vec<JsonProblem>> {
    parse_document_with(json, &ParseLimits::default())
}

/// [`parse_document`] with explicit limits.
pub fn parse_document_with(
    json: &[u8],
    limits: &ParseLimits,
) -> Result<Document, Vec<JsonProblem>> {
    parse(json, walk::Cx::new(*limits)).0
}

/// Parses the body of an HTTP request: the JSON:API envelope
/// `{"data":{"type":"business-documents","attributes":{...}}}` only, with every
/// pointer from the body's root (`/data/attributes/lines/0/quantity`).
pub fn parse_resource_with(
    json: &[u8],
    limits: &ParseLimits,
) -> Result<Document, Vec<JsonProblem>> {
    match parse(json, walk::Cx::from_root(*limits)) {
        (Ok(_), false) => Err(vec![JsonProblem {
            pointer: "/data".to_owned(),
            code: codes::REQUIRED,
            message: "the body must be a JSON:API document: \
                      {\"data\": {\"type\": \"business-documents\", \"attributes\": {...}}}"
                .to_owned(),
        }]),
        (outcome, _) => outcome,
    }
}

/// Parses with `cx`; also says whether the body was an envelope.
fn parse(json: &[u8], mut cx: walk::Cx) -> (Result<Document, Vec<JsonProblem>>, bool) {
    let outcome = parse_in(json, &mut cx);
    (outcome, cx.enveloped)
}

fn parse_in(json: &[u8], cx: &mut walk::Cx) -> Result<Document, Vec<JsonProblem>> {
    // One UTF-8 check of the whole body is cheaper than serde_json's check of each
    // string read from bytes.
    let text = match std::str::from_utf8(json) {
        Ok(text) => text,
        Err(error) => {
            cx.report(
                codes::INVALID_JSON,
                format!("the body is not valid UTF-8: {error}"),
            );
            return Err(std::mem::take(&mut cx.problems));
        }
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let outcome = schema::read_root(&mut deserializer, cx).and_then(|document| {
        deserializer.end()?;
        Ok(document)
    });
    match outcome {
        Ok(Some(document)) if cx.problems.is_empty() => Ok(document),
        Ok(_) => {
            if cx.problems.is_empty() {
                cx.report(codes::INVALID_TYPE, "expected a business document");
            }
            Err(std::mem::take(&mut cx.problems))
        }
        Err(error) => {
            cx.report(
                codes::INVALID_JSON,
                format!("the body is not valid JSON: {error}"),
            );
            Err(std::mem::take(&mut cx.problems))
        }
    }
}

/// Parses a business document held in a [`serde_json::Value`] (envelope or bare
/// attributes), with the default limits.
pub fn parse_value(value: &serde_json::Value) -> Result<Document, Vec<JsonProblem>> {
    parse_value_with(value, &ParseLimits::default())
}

/// [`parse_value`] with explicit limits. The value is written back to JSON text first
/// (numbers keep their exact text), so both entry points share one reader.
pub fn parse_value_with(
    value: &serde_json::Value,
    limits: &ParseLimits,
) -> Result<Document, Vec<JsonProblem>> {
    match serde_json::to_vec(value) {
        Ok(json) => parse_document_with(&json, limits),
        Err(error) => Err(vec![JsonProblem {
            pointer: String::new(),
            code: codes::INVALID_JSON,
            message: format!("the value cannot be written as JSON: {error}"),
        }]),
    }
}
