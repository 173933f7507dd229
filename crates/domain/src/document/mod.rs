//! Business documents: the EN 16931 model of invoices and credit notes, the calculation
//! of derived amounts, and the business rules. A [`ValidDocument`] is a document that
//! passed every fatal rule; only valid documents are rendered.

pub mod calculation;
pub mod code_lists;
pub mod model;
pub mod rules;

pub use model::Document;
pub use rules::{Rule, Severity, Violation};

/// BT-24 of Peppol BIS Billing 3.0.
pub const PEPPOL_BIS_CUSTOMIZATION_ID: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
/// BT-23 of Peppol BIS Billing 3.0.
pub const PEPPOL_BIS_PROFILE_ID: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/// Gives a document the Peppol BIS Billing 3.0 specification identifier (BT-24) and
/// business process (BT-23) when it has none: the gateway's JSON documents leave them
/// to the gateway.
pub fn apply_peppol_bis_process(document: &mut Document) {
    if document.customization_id.is_none() {
        document.customization_id = Some(PEPPOL_BIS_CUSTOMIZATION_ID.to_owned());
    }
    if document.profile_id.is_none() {
        document.profile_id = Some(PEPPOL_BIS_PROFILE_ID.to_owned());
    }
}

/// A document that breaks no fatal rule, with the warnings it raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDocument {
    document: Document,
    warnings: Vec<Violation>,
}

impl ValidDocument {
    /// The document.
    pub fn document(&self) -> &Document {
        &self.document
    }

    /// The warnings (non-fatal findings).
    pub fn warnings(&self) -> &[Violation] {
        &self.warnings
    }

    /// Gives the document back.
    pub fn into_document(self) -> Document {
        self.document
    }
}

/// Checks `document` against every rule: the document with its warnings when no fatal
/// rule is broken, otherwise every violation (fatal and warnings).
pub fn validate(document: Document) -> Result<ValidDocument, Vec<Violation>> {
    let violations = rules::check(&document);
    if violations
        .iter()
        .any(|violation| violation.severity == Severity::Fatal)
    {
        return Err(violations);
    }
    Ok(ValidDocument {
        document,
        warnings: violations,
    })
}

/// What the gateway does with a document a tenant sends, before any rendering: gives it
/// the Peppol BIS Billing 3.0 process ([`apply_peppol_bis_process`]), completes the
/// amounts it may leave out ([`calculation::complete`]) and checks every rule
/// ([`validate`]).
pub fn check(mut document: Document) -> Result<ValidDocument, Vec<Violation>> {
    apply_peppol_bis_process(&mut document);
    calculation::complete(&mut document);
    validate(document)
}
