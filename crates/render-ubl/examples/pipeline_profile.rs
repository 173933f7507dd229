//! Runs one stage of the benchmark pipeline `N` times, for instruction counts:
//! `valgrind --tool=callgrind target/release/examples/pipeline_profile <stage> <N>`
//! with stage = parse | rules | render | complete | pipeline.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;

use einvoice_document_json::parse_document;
use einvoice_domain::document::{calculation, validate};
use serde_json::{Value, json};

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

fn main() {
    let mut args = std::env::args().skip(1);
    let stage = args.next().unwrap_or_else(|| "pipeline".to_owned());
    let n: usize = args.next().map_or(1, |n| n.parse().expect("count"));
    let lines: usize = args.next().map_or(10, |n| n.parse().expect("lines"));
    let json = invoice(lines);
    let mut parsed = parse_document(&json).expect("parses");
    einvoice_domain::document::apply_peppol_bis_process(&mut parsed);
    let raw = parsed.clone();
    calculation::complete(&mut parsed);
    let valid = validate(parsed.clone()).expect("valid");
    for _ in 0..n {
        match stage.as_str() {
            "parse" => drop(black_box(parse_document(black_box(&json)))),
            "rules" => drop(black_box(einvoice_domain::document::rules::check(
                black_box(&parsed),
            ))),
            "render" => drop(black_box(einvoice_render_ubl::render(black_box(&valid)))),
            "complete" => {
                let mut document = raw.clone();
                calculation::complete(black_box(&mut document));
                drop(black_box(document));
            }
            "clone" => drop(black_box(raw.clone())),
            _ => drop(black_box(pipeline(black_box(&json)))),
        }
    }
}
