//! Business rules: the EN 16931 rules (BR-*, BR-CO-*, BR-DEC-*, the VAT category
//! families, BR-CL-*), the Peppol BIS Billing 3.0 rules (PEPPOL-EN16931-*,
//! PEPPOL-COMMON-*) and the gateway's own (GW-*), each reported with its official id,
//! its official text and the JSON pointer of the field it is about.
//!
//! Each family lives in its own module with a `RULES` table (what it implements) and a
//! `check` function. The official rule texts and XPath expressions are the specification:
//! OpenPEPPOL/peppol-bis-invoice-3 `rules/sch` and ConnectingEurope/eInvoicing-EN16931
//! `ubl/schematron`.

mod calculation;
mod code_lists;
mod core;
mod decimals;
mod gateway;
mod peppol;
mod vat;

use super::model::Document;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The document must not be sent.
    Fatal,
    /// Worth telling the sender; the document may be sent.
    Warning,
}

/// A rule: its official id, severity and text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Official id, e.g. `BR-CO-10` or `PEPPOL-EN16931-R001`.
    pub id: &'static str,
    /// Fatal or warning, as the official artefacts flag it.
    pub severity: Severity,
    /// The official text.
    pub text: &'static str,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule's official id.
    pub rule: &'static str,
    /// Fatal or warning.
    pub severity: Severity,
    /// The rule's text (and, where useful, the values involved).
    pub message: String,
    /// JSON pointer into the business document (`/lines/0/vatRate`); `""` for the
    /// document as a whole.
    pub pointer: String,
}

/// Collects violations while the families check a document.
#[derive(Debug, Default)]
pub(crate) struct Findings(Vec<Violation>);

impl Findings {
    /// Records that `rule` is broken at `pointer`.
    pub(crate) fn fail(&mut self, rule: &Rule, pointer: impl Into<String>) {
        self.0.push(Violation {
            rule: rule.id,
            severity: rule.severity,
            message: rule.text.to_owned(),
            pointer: pointer.into(),
        });
    }

    /// Records that `rule` is broken at `pointer`, with details after the rule text.
    pub(crate) fn fail_with(&mut self, rule: &Rule, pointer: impl Into<String>, detail: &str) {
        self.0.push(Violation {
            rule: rule.id,
            severity: rule.severity,
            message: format!("{} ({detail})", rule.text),
            pointer: pointer.into(),
        });
    }
}

/// `text` without leading and trailing XML whitespace (`#x20 | #x9 | #xD | #xA`), what
/// `normalize-space` strips at the ends; the text itself when it has none (the usual case,
/// decided from its first and last bytes).
#[inline]
pub(crate) fn trim_xml_space(text: &str) -> &str {
    fn space(byte: u8) -> bool {
        matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
    }
    match text.as_bytes() {
        [first, .., last] if !space(*first) && !space(*last) => text,
        [only] if !space(*only) => text,
        _ => text.trim_matches([' ', '\t', '\r', '\n']),
    }
}

type Family = (&'static [Rule], fn(&Document, &mut Findings));

const FAMILIES: [Family; 7] = [
    (core::RULES, core::check),
    (calculation::RULES, calculation::check),
    (decimals::RULES, decimals::check),
    (vat::RULES, vat::check),
    (code_lists::RULES, code_lists::check),
    (peppol::RULES, peppol::check),
    (gateway::RULES, gateway::check),
];

/// Every rule the gateway implements.
pub fn implemented_rules() -> impl Iterator<Item = &'static Rule> {
    FAMILIES.iter().flat_map(|(rules, _)| rules.iter())
}

/// Checks `document` against every implemented rule; violations come in family order,
/// then document order.
pub fn check(document: &Document) -> Vec<Violation> {
    let mut findings = Findings::default();
    for (_, check) in FAMILIES {
        check(document, &mut findings);
    }
    findings.0
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn rule_ids_are_unique() {
        let mut seen = HashSet::new();
        for rule in implemented_rules() {
            assert!(seen.insert(rule.id), "{} is declared twice", rule.id);
        }
    }
}
