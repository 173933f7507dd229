//! Conformance of `ParticipantId` to the official Peppol BIS Billing 3.0 unit tests of the
//! identifier rules `PEPPOL-COMMON-R040` … `R050` and of the EAS code list rule
//! `PEPPOL-EN16931-CL008` (`PEPPOL-COMMON-EAS.xml`).
//!
//! Each test file is a `testSet` of `<test>` elements, each with an expected outcome for one
//! rule and a UBL fragment. For every test, the identifiers the rule looks at (per the rule's
//! context in `PEPPOL-EN16931-UBL.sch`) are extracted by plain string scanning (this crate
//! has no XML parser) and checked with `ParticipantId::new`:
//!
//! - `success`: every identifier is accepted;
//! - `error` or `warning`: at least one is refused for its value (`InvalidValue` or
//!   `CheckDigits`). The schematron only warns for R044–R047; the gateway refuses.
//!
//! Exception: R046 is about scheme `9907` (Italian codice fiscale as an endpoint), which the
//! EAS code list no longer has, so every such identifier is refused as an unknown scheme.

use std::fs;
use std::path::{Path, PathBuf};

use einvoice_domain::participant::{ParticipantId, ParticipantIdError, Scheme};

const UNIT_TESTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/conformance/peppol/unit-UBL-PEPPOL"
);

/// The identifier-bearing elements of a UBL party.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    /// `cbc:EndpointID`.
    Endpoint,
    /// `cac:PartyIdentification/cbc:ID`.
    PartyIdentification,
    /// `cbc:CompanyID` (legal entity or tax scheme).
    CompanyId,
}

const ALL_ELEMENTS: &[Element] = &[
    Element::Endpoint,
    Element::PartyIdentification,
    Element::CompanyId,
];

/// What a rule looks at: its schemes and its elements (the rule's schematron context).
struct Rule {
    /// The rule id, also the name of its test file.
    id: &'static str,
    schemes: &'static [&'static str],
    elements: &'static [Element],
}

const RULES: &[Rule] = &[
    rule("PEPPOL-COMMON-R040", &["0088"], ALL_ELEMENTS),
    rule("PEPPOL-COMMON-R042", &["0184"], ALL_ELEMENTS),
    rule("PEPPOL-COMMON-R043", &["0208"], ALL_ELEMENTS),
    rule("PEPPOL-COMMON-R044", &["0201"], ALL_ELEMENTS),
    rule("PEPPOL-COMMON-R045", &["0210"], ALL_ELEMENTS),
    rule("PEPPOL-COMMON-R046", &["9907"], &[Element::Endpoint]),
    rule("PEPPOL-COMMON-R047", &["0211"], ALL_ELEMENTS),
    rule("PEPPOL-COMMON-R049", &["0007"], ALL_ELEMENTS),
    rule("PEPPOL-COMMON-R050", &["0151"], ALL_ELEMENTS),
];

const fn rule(
    id: &'static str,
    schemes: &'static [&'static str],
    elements: &'static [Element],
) -> Rule {
    Rule {
        id,
        schemes,
        elements,
    }
}

/// The outcome a test expects for its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Success,
    Error,
    Warning,
}

/// One `<test>`: its expected outcome, the rule it is about, and its UBL fragment.
struct Case {
    expected: Expected,
    rule: String,
    body: String,
}

fn unit_tests_dir() -> PathBuf {
    let dir = Path::new(UNIT_TESTS);
    assert!(
        dir.is_dir(),
        "the Peppol unit tests are missing: expected them in {}",
        dir.display()
    );
    dir.to_path_buf()
}

fn read(name: &str) -> String {
    let path = unit_tests_dir().join(format!("{name}.xml"));
    fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The text between `open` and the next `close` after each `open`, in order.
fn sections<'a>(text: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len()..];
        let end = after
            .find(close)
            .unwrap_or_else(|| panic!("`{open}` without `{close}`"));
        found.push(&after[..end]);
        rest = &after[end + close.len()..];
    }
    found
}

fn cases(xml: &str) -> Vec<Case> {
    sections(xml, "<test>", "</test>")
        .into_iter()
        .map(|test| {
            let assert = sections(test, "<assert>", "</assert>");
            assert_eq!(assert.len(), 1, "a test has one assert: {test}");
            let outcomes = [
                ("success", Expected::Success),
                ("error", Expected::Error),
                ("warning", Expected::Warning),
            ];
            let mut found = outcomes.iter().flat_map(|(tag, expected)| {
                sections(assert[0], &format!("<{tag}>"), &format!("</{tag}>"))
                    .into_iter()
                    .map(move |rule| (*expected, rule.trim().to_owned()))
            });
            let (expected, rule) = found.next().expect("an assert has an outcome");
            assert!(found.next().is_none(), "an assert has one outcome: {test}");
            Case {
                expected,
                rule,
                body: test.to_owned(),
            }
        })
        .collect()
}

/// The `(schemeID, value)` of every `<cbc:{name} …>value</cbc:{name}>` in `xml`.
fn elements(xml: &str, name: &str) -> Vec<(String, String)> {
    let open = format!("<cbc:{name}");
    let close = format!("</cbc:{name}>");
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        rest = after;
        // `<cbc:IDx` is another element.
        if !after.starts_with([' ', '>', '\t', '\n', '\r']) {
            continue;
        }
        let tag_end = after.find('>').expect("a tag ends");
        let attributes = &after[..tag_end];
        if attributes.ends_with('/') {
            continue;
        }
        let content_end = after.find(&close).expect("an element is closed");
        let value = unescape(&after[tag_end + 1..content_end]);
        if let Some(scheme) = attribute(attributes, "schemeID") {
            found.push((scheme, value));
        }
        rest = &after[content_end + close.len()..];
    }
    found
}

fn attribute(attributes: &str, name: &str) -> Option<String> {
    let at = attributes.find(&format!("{name}="))?;
    let rest = &attributes[at + name.len() + 1..];
    let quote = rest.chars().next()?;
    let rest = &rest[1..];
    let end = rest.find(quote)?;
    Some(unescape(&rest[..end]))
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The identifiers of `body` the rule looks at.
fn identifiers(rule: &Rule, body: &str) -> Vec<(Element, String, String)> {
    let mut found = Vec::new();
    for &element in rule.elements {
        let pairs = match element {
            Element::Endpoint => elements(body, "EndpointID"),
            Element::CompanyId => elements(body, "CompanyID"),
            Element::PartyIdentification => sections(
                body,
                "<cac:PartyIdentification>",
                "</cac:PartyIdentification>",
            )
            .into_iter()
            .flat_map(|party| elements(party, "ID"))
            .collect(),
        };
        found.extend(
            pairs
                .into_iter()
                .filter(|(scheme, _)| rule.schemes.contains(&scheme.as_str()))
                .map(|(scheme, value)| (element, scheme, value)),
        );
    }
    found
}

fn refused_for_value(result: &Result<ParticipantId, ParticipantIdError>) -> bool {
    matches!(
        result,
        Err(ParticipantIdError::InvalidValue { .. } | ParticipantIdError::CheckDigits { .. })
    )
}

#[test]
fn the_unit_test_folder_has_the_expected_identifier_rules() {
    let mut names: Vec<String> = fs::read_dir(unit_tests_dir())
        .expect("the unit test folder is readable")
        .map(|entry| {
            entry
                .expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| {
            (name.starts_with("PEPPOL-COMMON-R04") || name == "PEPPOL-COMMON-R050.xml")
                && Path::new(name).extension().is_some_and(|ext| ext == "xml")
        })
        .collect();
    names.sort();
    let expected: Vec<String> = RULES
        .iter()
        .map(|rule| format!("{}.xml", rule.id))
        .collect();
    assert_eq!(names, expected);
}

#[test]
fn participant_ids_agree_with_the_peppol_common_rules() {
    let mut tests = 0;
    let mut identifiers_checked = 0;
    for rule in RULES {
        let xml = read(rule.id);
        let scope = sections(&xml, "<scope>", "</scope>");
        assert_eq!(scope, vec![rule.id], "scope of {}", rule.id);
        let cases = cases(&xml);
        assert!(!cases.is_empty(), "{} has tests", rule.id);
        for (index, case) in cases.iter().enumerate() {
            assert_eq!(case.rule, rule.id, "{} test {index}", rule.id);
            let found = identifiers(rule, &case.body);
            assert!(
                !found.is_empty(),
                "{} test {index} has no identifier for the rule",
                rule.id
            );
            let results: Vec<_> = found
                .iter()
                .map(|(element, scheme, value)| {
                    (element, scheme, value, ParticipantId::new(scheme, value))
                })
                .collect();
            let context = || {
                format!(
                    "{} test {index} ({:?}): {results:?}",
                    rule.id, case.expected
                )
            };
            if rule.id == "PEPPOL-COMMON-R046" {
                assert!(
                    results.iter().all(|(_, scheme, _, result)| {
                        *result == Err(ParticipantIdError::UnknownScheme((*scheme).clone()))
                    }),
                    "{}",
                    context()
                );
            } else {
                match case.expected {
                    Expected::Success => assert!(
                        results.iter().all(|(.., result)| result.is_ok()),
                        "{}",
                        context()
                    ),
                    Expected::Error | Expected::Warning => assert!(
                        results.iter().any(|(.., result)| refused_for_value(result)),
                        "{}",
                        context()
                    ),
                }
            }
            tests += 1;
            identifiers_checked += results.len();
        }
    }
    assert_eq!(tests, 43, "tests");
    assert_eq!(identifiers_checked, 45, "identifiers");
}

#[test]
fn endpoint_schemes_agree_with_the_eas_rule() {
    let xml = read("PEPPOL-COMMON-EAS");
    assert_eq!(
        sections(&xml, "<scope>", "</scope>"),
        vec!["PEPPOL-EN16931-CL008"]
    );
    let mut checked = 0;
    for (index, case) in cases(&xml).iter().enumerate() {
        assert_eq!(case.rule, "PEPPOL-EN16931-CL008");
        let endpoints = elements(&case.body, "EndpointID");
        assert!(!endpoints.is_empty(), "test {index} has an endpoint");
        for (scheme, _) in endpoints {
            let is_eas = Scheme::parse(&scheme).is_ok_and(|scheme| scheme.is_eas());
            assert_eq!(
                is_eas,
                case.expected == Expected::Success,
                "test {index}: {scheme}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 2, "EAS endpoints");
}
