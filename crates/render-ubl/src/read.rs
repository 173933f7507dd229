//! Reading UBL into the document model.
//!
//! The reader accepts any UBL 2.1 `Invoice` or `CreditNote` and maps every element that
//! Peppol BIS Billing 3.0 binds to an EN 16931 business term; it never fails because a
//! term is missing (official test fragments are deliberately incomplete), only when the
//! input is not well-formed XML, breaks a [`ReadLimits`], has a `<!DOCTYPE` (no DTDs, so
//! no entity expansion of any kind), or has a root that is not a UBL `Invoice` or
//! `CreditNote`. Elements are matched on namespace URI and local name, so prefixes do not
//! matter; unknown elements are skipped.
//!
//! How the syntax becomes the raw model (see `read/map.rs` for each term's path):
//!
//! - Text is trimmed. An element that is present but empty reads as `Some("")`, so that
//!   a rule can tell "present but empty" from "absent" (and a scheme attribute on an
//!   empty identifier is kept).
//! - Amounts keep their `currencyID` and the scale and sign they were written with
//!   (`100.00` has scale 2, `-0.00` stays negative). Amounts, quantities, percentages and
//!   rates that are not an `xs:decimal`, and dates that are not `YYYY-MM-DD`, leave their
//!   term absent and are kept, trimmed, in `Document::unparsed` with the JSON pointer of
//!   the term (`/issueDate`, `/lines/0/quantity`), so that a presence rule still sees
//!   them and PEPPOL-EN16931-F001 can judge their format. An empty one is kept too.
//! - `ChargeIndicator` is a charge when it reads `true` (or `1`, its `xs:boolean`
//!   synonym); anything else is an allowance. Any text but `true` and `false` is also
//!   kept (`charge_indicator_text`, `""` when there is no `ChargeIndicator`), as is any
//!   `ChargeIndicator` but `false` of the price's `AllowanceCharge` (BT-147, BT-148).
//! - A VAT category (`TaxCategory`, `ClassifiedTaxCategory`) is taken from the first one
//!   whose `TaxScheme/ID` is `VAT`, else from the first without a tax scheme; one with
//!   another tax scheme is not a VAT category. A `PartyTaxScheme` is the VAT identifier
//!   only when its `TaxScheme/ID` is `VAT`; the seller's other one is BT-32.
//! - BT-21 is split off a note written `#CODE#text` (three characters between the two
//!   `#`, at the start of the note); other notes keep their text whole.
//! - BT-90 is the `PartyIdentification/ID` with `schemeID="SEPA"` of the payee, else of
//!   the seller; it goes to every payment means with a `PaymentMandate` (BG-19). When it
//!   does, the seller's `SEPA` identification is not also a seller identifier (BT-29);
//!   without a mandate it stays one, with scheme `SEPA`. The payee identifier (BT-60) is
//!   never the `SEPA` one.
//! - `AdditionalDocumentReference` with `DocumentTypeCode` `130` is BT-18; in a credit
//!   note, `50` is a project reference (UBL 2.1 `CreditNote` has no `ProjectReference`);
//!   every other one is an attachment (BG-24). Every project reference is kept (each
//!   `ProjectReference`, then in a credit note each reference of type `50`, `None` without
//!   `ID`): BT-11 is the first. Likewise a line's BT-128 is its first `DocumentReference`
//!   with `DocumentTypeCode` `130` and an `ID`; the line's other `DocumentReference`s are
//!   kept with their `ID` and type code.
//! - Every `EmbeddedDocumentBinaryObject` is read, wherever it is (the rules on MIME
//!   codes, PEPPOL-EN16931-CL001 and BR-CL-24, judge them all): one outside an
//!   attachment's `AdditionalDocumentReference` (in another reference's `Attachment`, a
//!   second one in an `Attachment`, or outside any) becomes an attachment of its own,
//!   with content, MIME code and file name only, after the others. It is then judged as
//!   BG-24 (BR-52 wants its missing `ID`) and written as one.
//! - `InvoiceLine` and `CreditNoteLine`, and `InvoiceTypeCode` and `CreditNoteTypeCode`,
//!   are read in either document, as the CEN rules do. BT-9 is `DueDate` in an invoice
//!   and the first `PaymentMeans/PaymentDueDate` in a credit note.
//! - Where UBL allows several elements and the model holds one, the first is kept.
//! - Text is trimmed before it is judged, so the few official tests that compare a text
//!   exactly (`cbc:ChargeIndicator = 'false'`, `string-length(text()) = 10`) do not see
//!   whitespace around it.

mod map;
mod tree;

use einvoice_domain::document::Document;

/// Limits on what the reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Largest document, in bytes.
    pub max_bytes: usize,
    /// Deepest element nesting (the root element is level 1).
    pub max_depth: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self {
            max_bytes: 20 * 1024 * 1024,
            max_depth: 64,
        }
    }
}

/// Why a UBL document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Larger than [`ReadLimits::max_bytes`].
    #[error("the document is larger than {max} bytes")]
    TooLarge {
        /// The limit.
        max: usize,
    },
    /// Nested deeper than [`ReadLimits::max_depth`].
    #[error("the document nests elements deeper than {max} levels")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// Not well-formed XML.
    #[error("the document is not well-formed XML: {0}")]
    Malformed(String),
    /// The root is not a UBL `Invoice` or `CreditNote`.
    #[error("the root element is not a UBL `Invoice` or `CreditNote`: {0}")]
    NotUbl(String),
}

/// Reads a UBL `Invoice` or `CreditNote` with the default limits.
pub fn read_document(xml: &[u8]) -> Result<Document, ReadError> {
    read_document_with_limits(xml, ReadLimits::default())
}

/// Reads a UBL `Invoice` or `CreditNote`.
pub fn read_document_with_limits(xml: &[u8], limits: ReadLimits) -> Result<Document, ReadError> {
    if xml.len() > limits.max_bytes {
        return Err(ReadError::TooLarge {
            max: limits.max_bytes,
        });
    }
    let root = tree::parse(xml, limits.max_depth)?;
    Ok(map::document(&root))
}
