//! The business-document pipeline end to end: every document of the corpus
//! (`tests/corpus/*.json`) is valid, renders to UBL that the UBL 2.1 schema accepts
//! (xmllint), and the CLI's `document validate` / `document render` behave as documented.
//! With `UBL_OUT_DIR` set, the rendered documents are also written there, for the
//! official validation artefacts (`.ci/validate-ubl.py`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repository().join("tests/corpus"))
        .expect("tests/corpus exists")
        .map(|entry| entry.expect("readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

fn xsd(kind: &str) -> PathBuf {
    repository().join(format!(
        "../shared/conformance/ubl-xsd/maindoc/UBL-{kind}-2.1.xsd"
    ))
}

/// Whether `xmllint` can run. Without it (a fresh machine) the schema checks are
/// skipped with a message, unless `EINVOICE_REQUIRE_XMLLINT=1` (set by `.ci/run`, which
/// installs it) makes its absence a failure.
fn xmllint_available() -> bool {
    let found = Command::new("xmllint").arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("EINVOICE_REQUIRE_XMLLINT").is_none(),
            "EINVOICE_REQUIRE_XMLLINT is set but xmllint could not be started: install it \
             (Debian: `apt-get install -y libxml2-utils`)"
        );
        eprintln!(
            "UBL schema checks SKIPPED: xmllint is not installed (Debian: `apt-get install -y \
             libxml2-utils`; .ci/run installs it and requires them)"
        );
    }
    found
}

fn xmllint(file: &Path, kind: &str) -> std::process::Output {
    Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(xsd(kind))
        .arg(file)
        .output()
        .expect("xmllint runs (Debian package libxml2-utils; .ci/run installs it)")
}

#[test]
fn corpus_documents_are_valid_and_render_schema_valid_ubl() {
    let files = corpus();
    assert!(
        files.len() >= 25,
        "the corpus has {} documents, at least 25 expected",
        files.len()
    );
    let out_dir = std::env::var_os("UBL_OUT_DIR").map(PathBuf::from);
    let scratch = tempfile::tempdir().unwrap();
    let schema_checks = xmllint_available();
    let mut failures = Vec::new();
    for file in &files {
        let json = std::fs::read(file).unwrap();
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        match einvoice_app::documents::render_ubl(&json) {
            Err(refusal) => failures.push(format!(
                "{name}: refused\n{}",
                einvoice_app::documents::report(&refusal)
            )),
            Ok((valid, xml)) => {
                let kind = match valid.document().kind {
                    einvoice_domain::document::model::DocumentKind::Invoice => "Invoice",
                    einvoice_domain::document::model::DocumentKind::CreditNote => "CreditNote",
                };
                let path = scratch.path().join(format!("{name}.xml"));
                std::fs::write(&path, &xml).unwrap();
                if schema_checks {
                    let output = xmllint(&path, kind);
                    if !output.status.success() {
                        failures.push(format!(
                            "{name}: not schema-valid\n{}",
                            String::from_utf8_lossy(&output.stderr)
                        ));
                    }
                }
                if let Some(dir) = &out_dir {
                    std::fs::create_dir_all(dir).unwrap();
                    std::fs::write(dir.join(format!("{name}.xml")), &xml).unwrap();
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} documents failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

fn gateway(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_einvoice-gateway"))
        .args(args)
        .env("EINVOICE_LOG", "off")
        .output()
        .expect("the binary runs")
}

#[test]
fn validate_accepts_a_valid_document() {
    let file = corpus().into_iter().next().expect("a corpus document");
    let output = gateway(&["document", "validate", file.to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .trim_end()
            .ends_with("valid")
    );
}

#[test]
fn validate_lists_every_violation_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.json");
    let broken = serde_json::json!({ "@type": "CreditNoteDocument", "typeCode": "COMMERCIAL_INVOICE", "currency": "EUR",
        "lines": [{ "id": "1", "quantity": 1, "unitCode": "C62", "netUnitPrice": { "amount": 10, "currency": "EUR" },
                    "vatCategoryCode": "S", "vatRate": 21, "itemName": "Widget" }] });
    std::fs::write(&file, broken.to_string()).unwrap();
    let output = gateway(&["document", "validate", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("GW-01\t/typeCode\t"), "{stdout}");
    assert!(stdout.contains("GW-02\t/precedingInvoices\t"), "{stdout}");
    assert!(
        stdout.lines().count() > 3,
        "every violation is listed:\n{stdout}"
    );
    assert!(stdout.trim_end().ends_with("invalid"));
}

#[test]
fn unreadable_input_exits_2_and_bad_json_points_at_the_field() {
    let missing = gateway(&["document", "validate", "/nonexistent/file.json"]);
    assert_eq!(missing.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("typo.json");
    std::fs::write(
        &file,
        r#"{"@type":"InvoiceDocument","lines":[{"quantity":"ten"}]}"#,
    )
    .unwrap();
    let output = gateway(&["document", "validate", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("/lines/0/quantity"));
}

#[test]
fn render_writes_ubl_to_the_out_file() {
    let file = corpus().into_iter().next().expect("a corpus document");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("invoice.xml");
    let output = gateway(&[
        "document",
        "render",
        file.to_str().unwrap(),
        "--format",
        "ubl",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.starts_with("<?xml"));
    assert!(xml.contains("urn:fdc:peppol.eu:2017:poacc:billing:3.0"));
}
