//! The official conformance harness: every unit test case published with the EN 16931
//! validation artefacts (CEN, UBL syntax) and with Peppol BIS Billing 3.0 is read with
//! [`read_document`] and checked with [`rules::check`]; every implemented rule must agree
//! with every case that names it.
//!
//! A case agrees with a rule named in its `success` when the rule does not fire, and with
//! a rule named in its `error` or `warning` when it does (the `number` attribute, how many
//! times it fires, is not judged). Rules that no family implements yet are listed, not
//! judged.
//!
//! A case that hinges on what the document model cannot hold would be listed in
//! [`KNOWN_GAPS`] with the reason, reported, and not counted as a disagreement; the list
//! is empty (every implemented rule agrees with every case) and strict: an entry whose
//! rule agrees fails the test until it is removed.
//!
//! `cargo test -p einvoice-render-ubl --test conformance -- --nocapture` prints the table;
//! `CONFORMANCE_RULES=BR-CO-,PEPPOL-EN16931-R0` narrows the printed rows (and their
//! disagreements) to rule ids starting with one of the given prefixes. The last line is
//! `conformance: N implemented rules, M cases, K disagreements`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use einvoice_domain::document::rules::{self, Severity, Violation};
use einvoice_render_ubl::read_document;
use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

const CONFORMANCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance");

/// The test set folders, with the body that published them.
const SUITES: [(&str, Body); 3] = [
    ("en16931/Invoice-unit-UBL", Body::Cen),
    ("en16931/CreditNote-unit-UBL", Body::Cen),
    ("peppol/unit-UBL-PEPPOL", Body::Peppol),
];

/// The official number of CEN UBL test cases (`Invoice` and `CreditNote` sets together).
const CEN_CASES: usize = 1_131;
/// The official number of Peppol UBL test cases.
const PEPPOL_CASES: usize = 221;

const VEFA_NS: &[u8] = b"http://difi.no/xsd/vefa/validator/1.0";

/// A case an implemented rule cannot agree with through the document model.
struct KnownGap {
    rule: &'static str,
    /// The test set, relative to the conformance folder.
    file: &'static str,
    /// 1-based position of the test in its set.
    index: usize,
    /// What the model lacks.
    reason: &'static str,
}

/// Cases that disagree because of the document model, not the rule: each names what the
/// model would need.
const KNOWN_GAPS: &[KnownGap] = &[];

fn known_gap(rule: &str, case: &Case) -> Option<&'static KnownGap> {
    KNOWN_GAPS
        .iter()
        .find(|gap| gap.rule == rule && gap.file == case.file && gap.index == case.index)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    Cen,
    Peppol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Success,
    Error,
    Warning,
}

impl Expected {
    fn name(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// One `test` of a `testSet`.
#[derive(Debug)]
struct Case {
    /// The test set, relative to the conformance folder.
    file: String,
    /// 1-based position of the test in its set.
    index: usize,
    description: String,
    expectations: Vec<(Expected, String)>,
    /// The UBL `Invoice` or `CreditNote`, with every namespace declaration it relies on.
    fragment: Vec<u8>,
}

impl Case {
    fn locator(&self) -> String {
        format!("{} #{}", self.file, self.index)
    }
}

/// Reads a `testSet` file into its cases.
fn test_set(xml: &[u8], file: &str) -> Vec<Case> {
    let mut reader = NsReader::from_reader(xml);
    let mut cases = Vec::new();
    // Namespace declarations of the open vefa elements (testSet, test, ...).
    let mut declarations: Vec<Vec<(Vec<u8>, Vec<u8>)>> = Vec::new();
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut current: Option<Case> = None;
    // The test set's own description, for tests without one.
    let mut set_description = String::new();
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap();
        let event = reader
            .read_event()
            .unwrap_or_else(|error| panic!("{file}: {error}"));
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let (resolved, local) = reader.resolve_element(start.name());
                let is_vefa =
                    matches!(resolved, ResolveResult::Bound(namespace) if namespace.0 == VEFA_NS);
                let local = local.into_inner().to_vec();
                if !is_vefa {
                    let case = current
                        .as_mut()
                        .unwrap_or_else(|| panic!("{file}: a document outside of a test"));
                    assert!(
                        path.last().map(Vec::as_slice) == Some(b"test"),
                        "{file} test {}: a document outside the test's children",
                        case.index
                    );
                    assert!(
                        case.fragment.is_empty(),
                        "{file} test {}: two documents",
                        case.index
                    );
                    let end = if matches!(event, Event::Start(_)) {
                        reader
                            .read_to_end(start.name())
                            .unwrap_or_else(|error| panic!("{file}: {error}"));
                        usize::try_from(reader.buffer_position()).unwrap()
                    } else {
                        usize::try_from(reader.buffer_position()).unwrap()
                    };
                    case.fragment = with_declarations(&xml[before..end], start, &declarations);
                    continue;
                }
                let is_empty = matches!(event, Event::Empty(_));
                match local.as_slice() {
                    b"test" => {
                        let index = cases.len() + 1;
                        current = Some(Case {
                            file: file.to_owned(),
                            index,
                            description: String::new(),
                            expectations: Vec::new(),
                            fragment: Vec::new(),
                        });
                    }
                    name @ (b"success" | b"error" | b"warning" | b"description") if !is_empty => {
                        let text = reader
                            .read_text(start.name())
                            .unwrap_or_else(|error| panic!("{file}: {error}"));
                        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                        // Outside a test, this is the test set's own assert.
                        if current.is_none() && name == b"description" {
                            set_description = text;
                            continue;
                        }
                        if let Some(case) = current.as_mut() {
                            let expected = match name {
                                b"success" => Expected::Success,
                                b"error" => Expected::Error,
                                b"warning" => Expected::Warning,
                                _ => {
                                    case.description = text;
                                    continue;
                                }
                            };
                            case.expectations.extend(
                                text.split_whitespace()
                                    .map(|rule| (expected, rule.to_owned())),
                            );
                        }
                        continue;
                    }
                    _ => {}
                }
                if is_empty {
                    if local == b"test" {
                        let case = current.take().unwrap();
                        panic!("{file} test {}: an empty test", case.index);
                    }
                    continue;
                }
                declarations.push(namespace_declarations(start));
                path.push(local);
            }
            Event::End(_) => {
                declarations.pop();
                if path.pop().as_deref() == Some(b"test") {
                    let mut case = current.take().unwrap();
                    if case.description.is_empty() {
                        case.description.clone_from(&set_description);
                    }
                    assert!(
                        !case.fragment.is_empty(),
                        "{file} test {}: no document",
                        case.index
                    );
                    assert!(
                        !case.expectations.is_empty(),
                        "{file} test {}: no success, error or warning",
                        case.index
                    );
                    cases.push(case);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(!cases.is_empty(), "{file}: no test");
    cases
}

/// The `xmlns` and `xmlns:prefix` attributes of `start`, as (prefix, URI).
fn namespace_declarations(start: &BytesStart<'_>) -> Vec<(Vec<u8>, Vec<u8>)> {
    start
        .attributes()
        .map(|attribute| attribute.expect("a well-formed attribute"))
        .filter_map(|attribute| {
            let name = attribute.key.as_ref();
            let prefix = if name == b"xmlns" {
                Vec::new()
            } else {
                name.strip_prefix(b"xmlns:")?.to_vec()
            };
            Some((prefix, attribute.value.into_owned()))
        })
        .collect()
}

/// The fragment, with the namespace declarations in scope from its ancestors that it does
/// not declare itself added to its start tag, so that it reads the same on its own.
fn with_declarations(
    fragment: &[u8],
    start: &BytesStart<'_>,
    ancestors: &[Vec<(Vec<u8>, Vec<u8>)>],
) -> Vec<u8> {
    assert_eq!(
        fragment.first(),
        Some(&b'<'),
        "a fragment starts with its start tag"
    );
    let own: BTreeSet<Vec<u8>> = namespace_declarations(start)
        .into_iter()
        .map(|(prefix, _)| prefix)
        .collect();
    let mut inherited: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    for (prefix, uri) in ancestors.iter().flatten() {
        if !own.contains(prefix) {
            inherited.insert(prefix.clone(), uri.clone());
        }
    }
    let name_end = 1 + start.name().as_ref().len();
    let mut result = fragment[..name_end].to_vec();
    for (prefix, uri) in inherited {
        result.extend_from_slice(b" xmlns");
        if !prefix.is_empty() {
            result.push(b':');
            result.extend_from_slice(&prefix);
        }
        result.extend_from_slice(b"=\"");
        result.extend_from_slice(&uri);
        result.push(b'"');
    }
    result.extend_from_slice(&fragment[name_end..]);
    result
}

/// Every case of every suite, with the body that published it.
fn all_cases() -> Vec<(Body, Case)> {
    let root = Path::new(CONFORMANCE);
    assert!(
        root.is_dir(),
        "the official conformance data is missing: {} (see /work/shared/conformance/README.md)",
        root.display()
    );
    let mut all = Vec::new();
    for (folder, body) in SUITES {
        let directory = root.join(folder);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&directory)
            .unwrap_or_else(|error| panic!("{}: {error}", directory.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|extension| extension == "xml"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{}: no test set", directory.display());
        for path in files {
            let xml =
                std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
            let name = format!("{folder}/{}", path.file_name().unwrap().to_string_lossy());
            all.extend(test_set(&xml, &name).into_iter().map(|case| (body, case)));
        }
    }
    all
}

#[derive(Debug, Default)]
struct RuleReport {
    cases: usize,
    agreements: usize,
    disagreements: Vec<String>,
    known_gaps: Vec<String>,
}

/// Sorts `BR-2` before `BR-10`: digits compare as numbers.
fn natural_key(id: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut chars = id.chars().peekable();
    while let Some(character) = chars.next() {
        if character.is_ascii_digit() {
            let mut number = u64::from(character.to_digit(10).unwrap());
            while let Some(digit) = chars.peek().and_then(|next| next.to_digit(10)) {
                number = number.saturating_mul(10).saturating_add(u64::from(digit));
                chars.next();
            }
            key.push((std::mem::take(&mut text), number));
        } else {
            text.push(character);
        }
    }
    key.push((text, 0));
    key
}

fn shown(id: &str, filters: &[String]) -> bool {
    filters.is_empty() || filters.iter().any(|prefix| id.starts_with(prefix.as_str()))
}

fn wrapped(ids: &[&str], indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for id in ids {
        if line.len() + id.len() + 1 > 100 && line.len() > indent.len() {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        line.push_str(id);
        line.push(' ');
    }
    if line.len() > indent.len() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn official_conformance_cases() {
    let cases = all_cases();
    let cen = cases.iter().filter(|(body, _)| *body == Body::Cen).count();
    let peppol = cases
        .iter()
        .filter(|(body, _)| *body == Body::Peppol)
        .count();

    let implemented: HashMap<&'static str, Severity> = rules::implemented_rules()
        .map(|rule| (rule.id, rule.severity))
        .collect();
    let mut reports: BTreeMap<Vec<(String, u64)>, (&'static str, RuleReport)> = BTreeMap::new();
    let mut not_implemented: BTreeMap<Vec<(String, u64)>, (String, usize)> = BTreeMap::new();
    let mut unreadable = Vec::new();
    let mut severity_notes = BTreeSet::new();
    // Known gaps seen disagreeing, by (rule, file, index).
    let mut gaps_seen: BTreeSet<(&str, &str, usize)> = BTreeSet::new();
    // Known gaps whose case exists, whatever the rule did.
    let mut gaps_found: BTreeSet<(&str, &str, usize)> = BTreeSet::new();

    for (_, case) in &cases {
        let document = match read_document(&case.fragment) {
            Ok(document) => document,
            Err(error) => {
                unreadable.push(format!("{}: {error}", case.locator()));
                continue;
            }
        };
        let violations = rules::check(&document);
        let mut fired: HashMap<&str, Vec<&Violation>> = HashMap::new();
        for violation in &violations {
            fired.entry(violation.rule).or_default().push(violation);
        }
        for (expected, rule) in &case.expectations {
            if let Some(gap) = known_gap(rule, case) {
                gaps_found.insert((gap.rule, gap.file, gap.index));
            }
            let Some((&id, &severity)) = implemented.get_key_value(rule.as_str()) else {
                not_implemented
                    .entry(natural_key(rule))
                    .or_insert_with(|| (rule.clone(), 0))
                    .1 += 1;
                continue;
            };
            let report = &mut reports
                .entry(natural_key(id))
                .or_insert_with(|| (id, RuleReport::default()))
                .1;
            report.cases += 1;
            let firings = fired.get(id).map_or(&[][..], Vec::as_slice);
            let agrees = match expected {
                Expected::Success => firings.is_empty(),
                Expected::Error | Expected::Warning => !firings.is_empty(),
            };
            if agrees {
                report.agreements += 1;
            } else if let Some(gap) = known_gap(id, case) {
                gaps_seen.insert((gap.rule, gap.file, gap.index));
                report
                    .known_gaps
                    .push(format!("{}: {}", case.locator(), gap.reason));
            } else {
                let mut line = format!(
                    "{}: expected {}, {}: {}",
                    case.locator(),
                    expected.name(),
                    if firings.is_empty() {
                        "did not fire"
                    } else {
                        "fired"
                    },
                    if case.description.is_empty() {
                        "(no description)"
                    } else {
                        &case.description
                    },
                );
                for violation in firings {
                    let _ = write!(
                        line,
                        "\n          at `{}`: {}",
                        violation.pointer, violation.message
                    );
                }
                report.disagreements.push(line);
            }
            let expected_severity = match expected {
                Expected::Success => None,
                Expected::Error => Some(Severity::Fatal),
                Expected::Warning => Some(Severity::Warning),
            };
            if expected_severity.is_some_and(|expected_severity| expected_severity != severity) {
                severity_notes.insert(format!(
                    "{id} is declared {severity:?} but {} lists it under `{}`",
                    case.locator(),
                    expected.name()
                ));
            }
        }
    }

    let filters: Vec<String> = std::env::var("CONFORMANCE_RULES")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|prefix| !prefix.is_empty())
        .map(str::to_owned)
        .collect();
    let disagreements: usize = reports
        .values()
        .map(|(_, report)| report.disagreements.len())
        .sum();
    let judged: usize = reports.values().map(|(_, report)| report.cases).sum();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "official conformance cases: {} (CEN {cen}, Peppol {peppol}), {} unreadable",
        cases.len(),
        unreadable.len()
    );
    for line in &unreadable {
        let _ = writeln!(out, "  UNREADABLE {line}");
    }
    if !filters.is_empty() {
        let _ = writeln!(out, "showing rules starting with {}", filters.join(", "));
    }
    let _ = writeln!(out, "\nimplemented rules named by the cases:");
    let _ = writeln!(out, "  {:<32} {:>5} {:>5}", "rule", "cases", "agree");
    for (id, report) in reports.values().filter(|(id, _)| shown(id, &filters)) {
        let status = if report.disagreements.is_empty() {
            ""
        } else {
            "  DISAGREES"
        };
        let gaps = if report.known_gaps.is_empty() {
            String::new()
        } else {
            let count = report.known_gaps.len();
            format!(
                "  ({count} known {})",
                if count == 1 { "gap" } else { "gaps" }
            )
        };
        let _ = writeln!(
            out,
            "  {id:<32} {:>5} {:>5}{status}{gaps}",
            report.cases, report.agreements
        );
        for line in &report.disagreements {
            let _ = writeln!(out, "      {line}");
        }
        for line in &report.known_gaps {
            let _ = writeln!(out, "      known gap {line}");
        }
    }
    let untested: Vec<&str> = {
        let mut ids: Vec<&str> = implemented
            .keys()
            .copied()
            .filter(|id| !reports.contains_key(&natural_key(id)) && shown(id, &filters))
            .collect();
        ids.sort_by_key(|id| natural_key(id));
        ids
    };
    let _ = writeln!(
        out,
        "\nimplemented rules no case names ({}):",
        untested.len()
    );
    out.push_str(&wrapped(&untested, "  "));
    let missing: Vec<&str> = not_implemented
        .values()
        .filter(|(id, _)| shown(id, &filters))
        .map(|(id, _)| id.as_str())
        .collect();
    let missing_cases: usize = not_implemented.values().map(|(_, count)| count).sum();
    let _ = writeln!(
        out,
        "\nrules named by the cases but not implemented ({}, in {missing_cases} expectations):",
        missing.len()
    );
    out.push_str(&wrapped(&missing, "  "));
    if !severity_notes.is_empty() {
        let _ = writeln!(out, "\nseverity notes (not failures):");
        for note in &severity_notes {
            let _ = writeln!(out, "  {note}");
        }
    }
    let stale_gaps: Vec<String> = KNOWN_GAPS
        .iter()
        .filter(|gap| {
            let key = (gap.rule, gap.file, gap.index);
            !gaps_found.contains(&key)
                || (implemented.contains_key(gap.rule) && !gaps_seen.contains(&key))
        })
        .map(|gap| format!("{} {} #{}", gap.rule, gap.file, gap.index))
        .collect();
    let dormant_gaps = KNOWN_GAPS
        .iter()
        .filter(|gap| !implemented.contains_key(gap.rule))
        .count();
    let _ = writeln!(
        out,
        "\nknown gaps of the document model: {} cases (see KNOWN_GAPS), {dormant_gaps} of rules not implemented",
        gaps_seen.len()
    );
    for gap in &stale_gaps {
        let _ = writeln!(
            out,
            "  STALE {gap}: no such case, or the rule now agrees; remove it from KNOWN_GAPS"
        );
    }
    let _ = writeln!(out, "\njudged {judged} expectations of implemented rules");
    let _ = writeln!(
        out,
        "conformance: {} implemented rules, {} cases, {disagreements} disagreements",
        implemented.len(),
        cases.len()
    );
    print!("{out}");

    assert_eq!(
        cen, CEN_CASES,
        "CEN UBL test cases found (the official total is {CEN_CASES})"
    );
    assert_eq!(
        peppol, PEPPOL_CASES,
        "Peppol UBL test cases found (the official total is {PEPPOL_CASES})"
    );
    assert!(
        unreadable.is_empty(),
        "the reader refused {} official fragments",
        unreadable.len()
    );
    assert_eq!(
        disagreements, 0,
        "implemented rules disagree with official cases (see the table above)"
    );
    assert!(
        stale_gaps.is_empty(),
        "KNOWN_GAPS lists cases that no longer disagree: {stale_gaps:?}"
    );
}

#[test]
fn a_fragment_gets_the_namespace_declarations_it_relies_on() {
    let xml = br#"<?xml version="1.0"?>
<testSet xmlns="http://difi.no/xsd/vefa/validator/1.0"
         xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <assert><scope>BR-02</scope></assert>
  <test>
    <assert>
      <description>Number
        present</description>
      <success>BR-02</success>
      <error>BR-01
        BR-03</error>
    </assert>
    <!-- a comment -->
    <ubl:Invoice xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><cbc:ID>1</cbc:ID></ubl:Invoice>
  </test>
  <test>
    <assert><warning>BR-04</warning></assert>
    <CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>
  </test>
</testSet>"#;
    let cases = test_set(xml, "synthetic.xml");
    assert_eq!(cases.len(), 2);
    let first = &cases[0];
    assert_eq!(first.index, 1);
    assert_eq!(first.description, "Number present");
    assert_eq!(
        first.expectations,
        [
            (Expected::Success, "BR-02".to_owned()),
            (Expected::Error, "BR-01".to_owned()),
            (Expected::Error, "BR-03".to_owned()),
        ]
    );
    let document = read_document(&first.fragment)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&first.fragment)));
    assert_eq!(document.number.as_deref(), Some("1"));
    let second = &cases[1];
    assert_eq!(
        second.expectations,
        [(Expected::Warning, "BR-04".to_owned())]
    );
    assert!(read_document(&second.fragment).is_ok());
}
