//! The business-document pipeline: JSON parse + derived amounts + every rule + UBL render,
//! for a 10-line and a 1,000-line invoice. Target (docs/BENCHMARKS.md): at least 50,000
//! ten-line documents per second on one core.

use std::hint::black_box;

// The binary uses the same allocator (crates/app/src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use einvoice_document_json::parse_document;
use einvoice_domain::document::{calculation, validate};
use serde_json::{Value, json};

/// A complete, valid Peppol invoice with `lines` lines (LU seller, BE buyer).
fn invoice(lines: usize) -> Vec<u8> {
    let line_items: Vec<Value> = (1..=lines)
        .map(|i| {
            json!({
                "id": i.to_string(), "quantity": 10, "unitCode": "C62",
                "netUnitPrice": { "amount": "100.00", "currency": "EUR" },
                "vatCategoryCode": "S", "vatRate": "21.00", "itemName": format!("Widget {i}"),
                "sellersItemId": format!("W-{i:05}")
            })
        })
        .collect();
    let taxable = format!("{}.00", 1000 * lines);
    let document = json!({ "data": { "type": "business-documents", "attributes": {
        "@type": "InvoiceDocument",
        "documentId": "INV-2026-00042",
        "issueDate": "2026-05-05",
        "typeCode": "COMMERCIAL_INVOICE",
        "currency": "EUR",
        "dueDate": "2026-06-04",
        "buyerReference": "PO-7788",
        "paymentTermsText": "Net 30 days",
        "seller": {
            "name": "Vigasoft S.à r.l.-S.", "legalRegistrationId": "B306709", "vatId": "LU26375245",
            "electronicAddress": "LU26375245", "electronicAddressSchemeId": "9938",
            "address": { "street1": "9, rue Marcel Schintgen", "city": "Lamadelaine", "postCode": "L-4889", "countryCode": "LU" }
        },
        "buyer": {
            "name": "ACME Belgium SA", "vatId": "BE0123456749",
            "electronicAddress": "0123456749", "electronicAddressSchemeId": "0208",
            "address": { "street1": "Avenue Louise 100", "city": "Bruxelles", "postCode": "1050", "countryCode": "BE" }
        },
        "payment": {
            "paymentMeansCode": "SEPA_CREDIT_TRANSFER", "remittanceInformation": "INV-2026-00042",
            "accounts": [{ "iban": "LU280019400644750000", "bic": "BCEELULL", "accountName": "Vigasoft" }]
        },
        "taxBreakdown": [{ "categoryCode": "S", "rate": "21.00", "taxableAmount": { "amount": taxable, "currency": "EUR" } }],
        "lines": line_items
    } } });
    serde_json::to_vec(&document).expect("serializable")
}

fn pipeline(json: &[u8]) -> String {
    let mut document = parse_document(json).expect("the benchmark document parses");
    einvoice_domain::document::apply_peppol_bis_process(&mut document);
    calculation::complete(&mut document);
    let valid = validate(document).expect("the benchmark document is valid");
    einvoice_render_ubl::render(&valid)
}

fn benchmarks(c: &mut Criterion) {
    for lines in [10, 1_000] {
        let json = invoice(lines);
        let mut group = c.benchmark_group(format!("invoice_{lines}_lines"));
        group.throughput(Throughput::Elements(1));
        group.bench_function("parse", |b| b.iter(|| parse_document(black_box(&json))));
        let mut parsed = parse_document(&json).expect("parses");
        einvoice_domain::document::apply_peppol_bis_process(&mut parsed);
        calculation::complete(&mut parsed);
        group.bench_function("rules", |b| {
            b.iter(|| einvoice_domain::document::rules::check(black_box(&parsed)));
        });
        let valid = validate(parsed.clone()).expect("valid");
        group.bench_function("render", |b| {
            b.iter(|| einvoice_render_ubl::render(black_box(&valid)));
        });
        group.bench_function("parse_rules_render", |b| {
            b.iter(|| pipeline(black_box(&json)));
        });
        group.finish();
    }
}

criterion_group!(benches, benchmarks);
criterion_main!(benches);
