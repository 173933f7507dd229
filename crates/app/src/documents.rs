//! The business-document pipeline as the binary runs it offline: JSON in, derived
//! amounts completed, every rule checked, UBL out.

use einvoice_document_json::{JsonProblem, parse_document};
use einvoice_domain::document::{self, Severity, ValidDocument, Violation};

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The JSON could not be turned into a document.
    Json(Vec<JsonProblem>),
    /// The document breaks fatal rules (warnings are listed too).
    Rules(Vec<Violation>),
}

/// Parses, completes and checks a JSON business document.
pub fn check_json(json: &[u8]) -> Result<ValidDocument, Refusal> {
    let document = parse_document(json).map_err(Refusal::Json)?;
    document::check(document).map_err(Refusal::Rules)
}

/// Parses, completes, checks and renders a JSON business document as Peppol BIS UBL.
pub fn render_ubl(json: &[u8]) -> Result<(ValidDocument, String), Refusal> {
    let valid = check_json(json)?;
    let xml = einvoice_render_ubl::render(&valid);
    Ok((valid, xml))
}

/// One line per problem: `RULE-ID<TAB>pointer<TAB>message` (fatal first, then warnings).
pub fn report(refusal: &Refusal) -> String {
    let mut lines = Vec::new();
    match refusal {
        Refusal::Json(problems) => {
            for problem in problems {
                lines.push(format!(
                    "{}\t{}\t{}",
                    problem.code,
                    display_pointer(&problem.pointer),
                    problem.message
                ));
            }
        }
        Refusal::Rules(violations) => {
            let fatal = violations.iter().filter(|v| v.severity == Severity::Fatal);
            let warnings = violations
                .iter()
                .filter(|v| v.severity == Severity::Warning);
            for (violation, label) in fatal
                .map(|v| (v, "fatal"))
                .chain(warnings.map(|v| (v, "warning")))
            {
                lines.push(format!(
                    "{}\t{}\t{label}: {}",
                    violation.rule,
                    display_pointer(&violation.pointer),
                    violation.message
                ));
            }
        }
    }
    lines.join("\n")
}

/// Warnings of a valid document, one per line.
pub fn warnings(valid: &ValidDocument) -> String {
    valid
        .warnings()
        .iter()
        .map(|v| {
            format!(
                "{}\t{}\twarning: {}",
                v.rule,
                display_pointer(&v.pointer),
                v.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}
