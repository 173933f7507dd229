//! The gateway's own rules (seed 004): the JSON `@type` agrees with the type code,
//! credit notes reference the invoice they correct, carry no due date and are not
//! negative.

use rust_decimal::Decimal;

use super::{Findings, Rule, Severity};
use crate::document::model::{Document, DocumentKind};

const TYPE_MATCHES: Rule = Rule {
    id: "GW-01",
    severity: Severity::Fatal,
    text: "@type must agree with typeCode: a CreditNoteDocument takes a credit note type code (81, 83, 381, 396, 532), an InvoiceDocument an invoice type code",
};
const CREDIT_NOTE_REFERENCE: Rule = Rule {
    id: "GW-02",
    severity: Severity::Fatal,
    text: "a credit note must reference the invoice it credits: preceding invoice number (BT-25) and issue date (BT-26)",
};
const CREDIT_NOTE_DUE_DATE: Rule = Rule {
    id: "GW-03",
    severity: Severity::Fatal,
    text: "a credit note has no payment due date (BT-9)",
};
const CREDIT_NOTE_NOT_NEGATIVE: Rule = Rule {
    id: "GW-04",
    severity: Severity::Fatal,
    text: "a credit note must not be negative: the invoice total amount with VAT (BT-112) is zero or positive",
};

/// The rules of this family.
pub(super) const RULES: &[Rule] = &[
    TYPE_MATCHES,
    CREDIT_NOTE_REFERENCE,
    CREDIT_NOTE_DUE_DATE,
    CREDIT_NOTE_NOT_NEGATIVE,
];

/// The UNCL 1001 codes of credit notes (Peppol's credit note subset).
pub(crate) const CREDIT_NOTE_TYPE_CODES: [&str; 5] = ["81", "83", "381", "396", "532"];

/// Checks `document` against this family's rules.
pub(super) fn check(document: &Document, findings: &mut Findings) {
    if let Some(code) = document.type_code.as_deref() {
        let credit_code = CREDIT_NOTE_TYPE_CODES.contains(&code);
        if credit_code != (document.kind == DocumentKind::CreditNote) {
            findings.fail(&TYPE_MATCHES, "/typeCode");
        }
    }
    if document.kind != DocumentKind::CreditNote {
        return;
    }
    let referenced = document
        .preceding_invoices
        .iter()
        .enumerate()
        .any(|(index, preceding)| {
            preceding.number.is_some()
                && document.has_value(preceding.issue_date.is_some(), || {
                    format!("/precedingInvoices/{index}/issueDate")
                })
        });
    if !referenced {
        findings.fail(&CREDIT_NOTE_REFERENCE, "/precedingInvoices");
    }
    if document.has_value(document.due_date.is_some(), || "/dueDate".to_owned()) {
        findings.fail(&CREDIT_NOTE_DUE_DATE, "/dueDate");
    }
    if let Some(total) = &document.totals.tax_inclusive_amount
        && total.value < Decimal::ZERO
    {
        findings.fail(&CREDIT_NOTE_NOT_NEGATIVE, "/totals/taxInclusiveAmount");
    }
}
