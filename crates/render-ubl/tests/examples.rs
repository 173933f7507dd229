//! The official Peppol BIS Billing 3.0 examples (`peppol/examples` of the shared
//! conformance data): each reads, renders back with [`render_document`], reads again to
//! the same model, and breaks no fatal rule; warnings are printed
//! (`cargo test -p einvoice-render-ubl --test examples -- --nocapture`).
//!
//! The gateway's own rules (`GW-*`, seed 004) are a policy on what the gateway sends,
//! stricter than Peppol: the examples may break them. Those findings are listed in
//! [`GATEWAY_POLICY`], each with its reason, and the list is strict both ways.

use std::path::{Path, PathBuf};

use einvoice_domain::document::Severity;
use einvoice_domain::document::rules;
use einvoice_render_ubl::{read_document, render_document};

const EXAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/conformance/peppol/examples"
);

/// The gateway rules an official example breaks, by file and rule id, with the reason.
const GATEWAY_POLICY: &[(&str, &str, &str)] = &[(
    "base-creditnote-correction.xml",
    "GW-02",
    "the credited invoice is referenced by its number (BT-25) only; the gateway also wants its issue date (BT-26)",
)];

/// Every `*.xml` in the examples folder, sorted.
fn examples() -> Vec<PathBuf> {
    let folder = Path::new(EXAMPLES);
    assert!(
        folder.is_dir(),
        "the official examples are missing: {} (see /work/shared/conformance/README.md)",
        folder.display()
    );
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "xml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "{}: no example", folder.display());
    paths
}

#[test]
fn every_example_reads_renders_reads_back_equal_and_breaks_no_fatal_rule() {
    let mut failures = Vec::new();
    let mut policy_seen = Vec::new();
    for path in examples() {
        let name = path.file_name().expect("a file name").to_string_lossy();
        let xml = std::fs::read(&path).unwrap_or_else(|error| panic!("{name}: {error}"));
        let document = match read_document(&xml) {
            Ok(document) => document,
            Err(error) => {
                failures.push(format!("{name}: not read: {error}"));
                continue;
            }
        };
        let rendered = render_document(&document);
        match read_document(rendered.as_bytes()) {
            // `Decimal`'s `==` ignores the scale; the `Debug` form does not.
            Ok(again) if again == document && format!("{again:?}") == format!("{document:?}") => {}
            Ok(again) => failures.push(format!(
                "{name}: rendered and read again, the model differs:\n  first  {document:?}\n  again  {again:?}"
            )),
            Err(error) => failures.push(format!("{name}: the rendering is not read: {error}")),
        }
        let violations = rules::check(&document);
        let (fatal, warnings): (Vec<_>, Vec<_>) = violations
            .iter()
            .partition(|violation| violation.severity == Severity::Fatal);
        println!("{name}: {} warnings", warnings.len());
        for warning in &warnings {
            println!(
                "  warning {} at `{}`: {}",
                warning.rule, warning.pointer, warning.message
            );
        }
        for violation in fatal {
            let policy = GATEWAY_POLICY
                .iter()
                .find(|(file, rule, _)| *file == name && *rule == violation.rule);
            if let Some((file, rule, reason)) = policy {
                println!(
                    "  gateway policy {rule} at `{}`: {reason}",
                    violation.pointer
                );
                policy_seen.push((*file, *rule));
                continue;
            }
            failures.push(format!(
                "{name}: {} at `{}`: {}",
                violation.rule, violation.pointer, violation.message
            ));
        }
    }
    for (file, rule, _) in GATEWAY_POLICY {
        if !policy_seen.contains(&(*file, *rule)) {
            failures.push(format!(
                "{file}: {rule} no longer fires; remove it from GATEWAY_POLICY"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
