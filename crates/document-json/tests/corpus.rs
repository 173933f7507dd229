//! The corpus of realistic business documents (`tests/corpus/*.json` at the repository
//! root): every document parses without problems, its declared amounts agree with the
//! EN 16931 arithmetic, its identifiers carry valid check digits, and the business rules
//! find no fatal violation once the document is completed.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use einvoice_document_json::parse_document;
use einvoice_domain::document::model::{Amount, Document, Party};
use einvoice_domain::document::{Severity, Violation, calculation, validate};
use rust_decimal::Decimal;

/// The seed documents keep the seed's placeholder identifiers (`LU12345678`,
/// `LU000000000000000000`), so check digits are not checked there.
const SEED_FILES: [&str; 2] = [
    "01-seed-lu-be-invoice.json",
    "02-seed-lu-be-credit-note.json",
];

fn corpus() -> Vec<(String, Document)> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus");
    let mut paths: Vec<PathBuf> = fs::read_dir(&directory)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", directory.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let json = fs::read(&path).unwrap();
            match parse_document(&json) {
                Ok(document) => (name, document),
                Err(problems) => panic!("{name} does not parse: {problems:#?}"),
            }
        })
        .collect()
}

#[test]
fn the_corpus_is_large_and_parses_without_problems() {
    let documents = corpus();
    assert!(
        documents.len() >= 25,
        "only {} corpus documents",
        documents.len()
    );
    let names: Vec<&str> = documents.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(&names[..2], &SEED_FILES);
    let largest = documents
        .iter()
        .map(|(_, document)| document.lines.len())
        .max()
        .unwrap();
    assert_eq!(largest, 1_000);
}

fn value(amount: Option<&Amount>) -> Option<Decimal> {
    amount.map(|amount| amount.value)
}

/// Checks the declared amounts of `document` against the EN 16931 arithmetic, returning
/// every disagreement.
fn arithmetic(document: &Document) -> Vec<String> {
    let mut errors = Vec::new();
    for (index, line) in document.lines.iter().enumerate() {
        if let Some(declared) = value(line.line_extension_amount.as_ref()) {
            let computed = calculation::line_net_amount(line);
            if computed != Some(declared) {
                errors.push(format!(
                    "line {index}: declared net {declared}, computed {computed:?}"
                ));
            }
        }
    }
    let computed: HashMap<(Option<String>, Option<Decimal>), Decimal> =
        calculation::computed_breakdown(document)
            .into_iter()
            .map(|entry| {
                (
                    (entry.category_code, entry.rate),
                    entry.taxable_amount.unwrap().value,
                )
            })
            .collect();
    let declared = document.vat_breakdown();
    if declared.len() != computed.len() {
        errors.push(format!(
            "{} breakdown entries declared, {} computed",
            declared.len(),
            computed.len()
        ));
    }
    for entry in declared {
        let key = (
            entry.category_code.clone(),
            entry.rate.map(|rate| rate.normalize()),
        );
        let taxable = value(entry.taxable_amount.as_ref());
        if computed.get(&key).copied() != taxable {
            errors.push(format!(
                "breakdown {key:?}: declared taxable {taxable:?}, computed {:?}",
                computed.get(&key)
            ));
        }
        if let (Some(taxable), Some(tax)) = (taxable, value(entry.tax_amount.as_ref()))
            && calculation::vat_amount(taxable, entry.rate) != tax
        {
            errors.push(format!(
                "breakdown {key:?}: tax {tax} is not {taxable} x {:?}%",
                entry.rate
            ));
        }
    }
    // The totals the gateway computes from the lines equal the declared ones.
    let mut computed = document.clone();
    computed.totals.line_extension_amount = None;
    computed.totals.tax_exclusive_amount = None;
    computed.totals.tax_inclusive_amount = None;
    computed.totals.allowance_total_amount = None;
    computed.totals.charge_total_amount = None;
    computed.totals.payable_amount = None;
    computed
        .tax_totals
        .retain(|total| total.subtotals.is_empty() && document.tax_currency.is_some());
    calculation::complete(&mut computed);
    let declared = &document.totals;
    let totals = &computed.totals;
    for (name, declared, computed) in [
        (
            "lineExtensionAmount",
            &declared.line_extension_amount,
            &totals.line_extension_amount,
        ),
        (
            "taxExclusiveAmount",
            &declared.tax_exclusive_amount,
            &totals.tax_exclusive_amount,
        ),
        (
            "taxInclusiveAmount",
            &declared.tax_inclusive_amount,
            &totals.tax_inclusive_amount,
        ),
        (
            "allowanceTotalAmount",
            &declared.allowance_total_amount,
            &totals.allowance_total_amount,
        ),
        (
            "chargeTotalAmount",
            &declared.charge_total_amount,
            &totals.charge_total_amount,
        ),
        (
            "payableAmount",
            &declared.payable_amount,
            &totals.payable_amount,
        ),
    ] {
        if declared.is_some() && declared != computed {
            errors.push(format!(
                "{name}: declared {declared:?}, computed {computed:?}"
            ));
        }
    }
    let declared_vat = document
        .vat_total()
        .and_then(|total| value(total.tax_amount.as_ref()));
    let computed_vat = computed
        .vat_total()
        .and_then(|total| value(total.tax_amount.as_ref()));
    if declared_vat.is_some() && declared_vat != computed_vat {
        errors.push(format!(
            "taxAmount: declared {declared_vat:?}, computed {computed_vat:?}"
        ));
    }
    if document.tax_currency.is_some() != document.vat_total_in_tax_currency().is_some() {
        errors.push("a tax currency needs taxTotalInTaxCurrency, and only then".to_owned());
    }
    errors
}

#[test]
fn declared_amounts_follow_the_arithmetic() {
    let mut failures = Vec::new();
    for (name, document) in corpus() {
        for error in arithmetic(&document) {
            failures.push(format!("{name}: {error}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// ISO 7064 mod 97-10 over letters and digits.
fn mod97(text: &str) -> u32 {
    text.chars().fold(0, |remainder, character| {
        let digit = character.to_digit(36).unwrap();
        if digit >= 10 {
            (remainder * 100 + digit) % 97
        } else {
            (remainder * 10 + digit) % 97
        }
    })
}

fn iban_is_valid(iban: &str) -> bool {
    iban.len() > 4
        && iban
            .chars()
            .all(|character| character.is_ascii_digit() || character.is_ascii_uppercase())
        && mod97(&format!("{}{}", &iban[4..], &iban[..4])) == 1
}

fn digits(text: &str) -> Option<Vec<u32>> {
    text.chars()
        .map(|character| character.to_digit(10))
        .collect()
}

/// GS1 check digit (GLN, GTIN).
fn gs1_is_valid(code: &str) -> bool {
    let Some(digits) = digits(code) else {
        return false;
    };
    let Some((check, payload)) = digits.split_last() else {
        return false;
    };
    let sum: u32 = payload
        .iter()
        .rev()
        .enumerate()
        .map(|(index, digit)| digit * if index % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10 == *check
}

/// Belgian enterprise number (10 digits, 97 - first eight mod 97).
fn belgian_number_is_valid(number: &str) -> bool {
    number.len() == 10
        && digits(number).is_some()
        && 97 - number[..8].parse::<u64>().unwrap() % 97 == number[8..].parse::<u64>().unwrap()
}

fn luhn_is_valid(number: &str) -> bool {
    let Some(digits) = digits(number) else {
        return false;
    };
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(index, digit)| {
            if index % 2 == 1 {
                (digit * 2) / 10 + (digit * 2) % 10
            } else {
                *digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The check digits of the VAT numbers used in the corpus.
fn vat_id_is_valid(vat_id: &str) -> bool {
    let (country, number) = vat_id.split_at(2);
    match country {
        "LU" => {
            number.len() == 8
                && number[..6].parse::<u64>().unwrap() % 89 == number[6..].parse::<u64>().unwrap()
        }
        "BE" => belgian_number_is_valid(number),
        "DE" => digits(number).is_some_and(|digits| {
            let product = digits[..8].iter().fold(10, |product, digit| {
                let sum = (digit + product) % 10;
                (2 * if sum == 0 { 10 } else { sum }) % 11
            });
            digits.len() == 9 && (11 - product) % 10 == digits[8]
        }),
        "FR" => {
            let siren = &number[2..];
            luhn_is_valid(siren)
                && (12 + 3 * (siren.parse::<u64>().unwrap() % 97)) % 97
                    == number[..2].parse::<u64>().unwrap()
        }
        "NL" => {
            digits(&number[..9]).is_some_and(|digits| {
                let sum: u32 = digits[..8]
                    .iter()
                    .zip((2..=9).rev())
                    .map(|(digit, weight)| digit * weight)
                    .sum();
                sum % 11 == digits[8]
            }) && number[9..].starts_with('B')
        }
        "AT" => digits(&number[1..]).is_some_and(|digits| {
            let folded = |digit: u32| digit / 5 + (digit * 2) % 10;
            let sum = digits[0]
                + folded(digits[1])
                + digits[2]
                + folded(digits[3])
                + digits[4]
                + folded(digits[5])
                + digits[6];
            number.starts_with('U') && (10 - (sum + 4) % 10) % 10 == digits[7]
        }),
        "EL" => digits(number).is_some_and(|digits| {
            let sum: u32 = digits[..8]
                .iter()
                .enumerate()
                .map(|(index, digit)| digit << (8 - index))
                .sum();
            sum % 11 % 10 == digits[8]
        }),
        "CH" => digits(&number[1..10]).is_some_and(|digits| {
            let sum: u32 = digits[..8]
                .iter()
                .zip([5, 4, 3, 2, 7, 6, 5, 4])
                .map(|(digit, weight)| digit * weight)
                .sum();
            (11 - sum % 11) % 11 == digits[8]
        }),
        _ => false,
    }
}

/// Identifier checks of one scheme (ICD/EAS) value.
fn scheme_value_is_valid(scheme: &str, value: &str) -> bool {
    match scheme {
        "0088" | "0160" => gs1_is_valid(value),
        "0208" => belgian_number_is_valid(value),
        "0009" => value.len() == 14 && luhn_is_valid(value),
        "0002" => value.len() == 9 && luhn_is_valid(value),
        "9925" | "9930" | "9914" | "9938" | "9933" | "0183" => vat_id_is_valid(value),
        _ => true,
    }
}

fn party_identifier_errors(role: &str, party: &Party) -> Vec<String> {
    let mut errors = Vec::new();
    if let Some(vat_id) = &party.vat_id
        && !vat_id_is_valid(vat_id.trim_end_matches("MWST"))
    {
        errors.push(format!("{role} VAT id {vat_id}"));
    }
    if let (Some(address), Some(scheme)) = (
        &party.electronic_address,
        &party.electronic_address_scheme_id,
    ) && !scheme_value_is_valid(scheme, address)
    {
        errors.push(format!("{role} electronic address {scheme}:{address}"));
    }
    if let (Some(id), Some(scheme)) = (
        &party.legal_registration_id,
        &party.legal_registration_scheme_id,
    ) && !scheme_value_is_valid(scheme, id)
    {
        errors.push(format!("{role} legal registration {scheme}:{id}"));
    }
    for identifier in &party.identifiers {
        if let Some(scheme) = &identifier.scheme_id
            && !scheme_value_is_valid(scheme, &identifier.id)
        {
            errors.push(format!("{role} identifier {scheme}:{}", identifier.id));
        }
    }
    errors
}

#[test]
fn identifiers_carry_valid_check_digits() {
    let mut failures = Vec::new();
    for (name, document) in corpus() {
        if SEED_FILES.contains(&name.as_str()) {
            continue;
        }
        let mut errors = party_identifier_errors("seller", &document.seller);
        errors.extend(party_identifier_errors("buyer", &document.buyer));
        for payment in &document.payment_means {
            let debited = payment
                .direct_debit
                .as_ref()
                .and_then(|debit| debit.debited_account.as_ref());
            for iban in payment
                .accounts
                .iter()
                .filter_map(|account| account.iban.as_ref())
                .chain(debited)
            {
                if !iban_is_valid(iban) {
                    errors.push(format!("IBAN {iban}"));
                }
            }
            if let Some(creditor) = payment
                .direct_debit
                .as_ref()
                .and_then(|debit| debit.creditor_id.as_ref())
            {
                // SEPA creditor identifier: the check digits cover the national part.
                if mod97(&format!("{}{}", &creditor[7..], &creditor[..4])) != 1 {
                    errors.push(format!("creditor id {creditor}"));
                }
            }
        }
        if let Some(payee) = &document.payee
            && let Some(identifier) = &payee.identifier
            && !scheme_value_is_valid(
                identifier.scheme_id.as_deref().unwrap_or(""),
                &identifier.id,
            )
        {
            errors.push(format!("payee identifier {}", identifier.id));
        }
        if let Some(representative) = &document.tax_representative
            && !representative
                .vat_id
                .as_deref()
                .is_some_and(vat_id_is_valid)
        {
            errors.push(format!(
                "tax representative VAT id {:?}",
                representative.vat_id
            ));
        }
        if let Some(delivery) = &document.delivery
            && let (Some(id), Some(scheme)) = (
                &delivery.location_identifier,
                &delivery.location_identifier_scheme_id,
            )
            && !scheme_value_is_valid(scheme, id)
        {
            errors.push(format!("delivery location {scheme}:{id}"));
        }
        for line in &document.lines {
            if let Some(standard) = &line.standard_item_id
                && !scheme_value_is_valid(standard.scheme_id.as_deref().unwrap_or(""), &standard.id)
            {
                errors.push(format!("line {:?} standard id {}", line.id, standard.id));
            }
        }
        failures.extend(errors.into_iter().map(|error| format!("{name}: {error}")));
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn attachments_are_real_pdfs() {
    let documents = corpus();
    let embedded: Vec<&[u8]> = documents
        .iter()
        .flat_map(|(_, document)| document.attachments.iter())
        .filter_map(|attachment| attachment.content.as_deref())
        .collect();
    assert!(!embedded.is_empty());
    for pdf in embedded {
        assert!(pdf.starts_with(b"%PDF-1.") && pdf.trim_ascii_end().ends_with(b"%%EOF"));
    }
}

fn describe(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|violation| {
            let severity = if violation.severity == Severity::Fatal {
                "FATAL"
            } else {
                "warning"
            };
            format!(
                "    {severity} {} at `{}`: {}",
                violation.rule, violation.pointer, violation.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Peppol BIS Billing 3.0 (BT-24, BT-23): the JSON does not carry them; the gateway
/// sets them for a Peppol rendition before the rules run.
const PEPPOL_CUSTOMIZATION_ID: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
const PEPPOL_PROFILE_ID: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/// Completes every corpus document (as the gateway does for a Peppol rendition) and runs
/// the business rules: prints each file's violations and fails when any is fatal.
#[test]
fn completed_documents_pass_the_rules() {
    let documents = corpus();
    let total = documents.len();
    let mut failing = Vec::new();
    for (name, mut document) in documents {
        document.customization_id = Some(PEPPOL_CUSTOMIZATION_ID.to_owned());
        document.profile_id = Some(PEPPOL_PROFILE_ID.to_owned());
        calculation::complete(&mut document);
        match validate(document) {
            Ok(valid) => {
                if valid.warnings().is_empty() {
                    println!("{name}: valid");
                } else {
                    println!(
                        "{name}: valid, with warnings\n{}",
                        describe(valid.warnings())
                    );
                }
            }
            Err(violations) => {
                println!("{name}: INVALID\n{}", describe(&violations));
                failing.push(name);
            }
        }
    }
    println!(
        "{} of {total} corpus documents pass the rules",
        total - failing.len()
    );
    assert!(
        failing.is_empty(),
        "documents with fatal violations: {failing:#?}"
    );
}
