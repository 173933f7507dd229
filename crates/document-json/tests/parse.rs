//! Parsing the JSON business document: the seed, exact decimals, every field of the
//! model, every problem with its pointer, limits and symbolic names.

use std::str::FromStr;

use einvoice_document_json::{
    JsonProblem, MAX_ID_CHARS, MAX_NOTE_CHARS, ParseLimits, codes, parse_document,
    parse_document_with, parse_value,
};
use einvoice_domain::document::Document;
use einvoice_domain::document::model::{
    Account, Address, Amount, Classification, DocumentKind, Identifier, ItemAttribute, Line, Note,
    Party, PaymentMeans, Period, PrecedingInvoice, Price, TaxTotal, VatBreakdown,
};
use rust_decimal::Decimal;
use time::{Date, Month};

/// The request body of seed 004, verbatim.
const SEED: &str = r#"{
  "data": {
    "type": "business-documents",
    "attributes": {
      "@type": "InvoiceDocument",
      "documentId": "INV-2026-00042",
      "issueDate": "2026-05-05",
      "typeCode": "COMMERCIAL_INVOICE",
      "currency": "EUR",
      "dueDate": "2026-06-04",
      "buyerReference": "PO-7788",
      "paymentTermsText": "Net 30 days",
      "seller": {
        "name": "Vigasoft S.à r.l.-S.",
        "legalRegistrationId": "LU-RCS-B306709",
        "vatId": "LU12345678",
        "electronicAddress": "LU12345678",
        "electronicAddressSchemeId": "9938",
        "address": {
          "street1": "9, rue Marcel Schintgen",
          "city": "Lamadelaine",
          "postCode": "L-4889",
          "countryCode": "LU"
        }
      },
      "buyer": {
        "name": "ACME Belgium SA",
        "vatId": "BE0123456789",
        "electronicAddress": "BE0123456789",
        "electronicAddressSchemeId": "9925",
        "address": {
          "street1": "Avenue Louise 100",
          "city": "Bruxelles",
          "postCode": "1050",
          "countryCode": "BE"
        }
      },
      "delivery": {
        "deliveryDate": "2026-05-04",
        "locationIdentifier": "4025673",
        "locationIdentifierSchemeId": "0088",
        "partyName": "ACME Belgium SA — Warehouse",
        "address": {
          "street1": "Avenue Louise 100",
          "city": "Bruxelles",
          "postCode": "1050",
          "countryCode": "BE"
        }
      },
      "payment": {
        "paymentMeansCode": "SEPA_CREDIT_TRANSFER",
        "remittanceInformation": "INV-2026-00042",
        "accounts": [
          { "iban": "LU000000000000000000", "bic": "BCEELULL", "accountName": "Vigasoft" }
        ]
      },
      "taxBreakdown": [
        {
          "categoryCode": "S",
          "rate": 21.00,
          "taxableAmount": { "amount": 1000.00, "currency": "EUR" }
        }
      ],
      "lines": [
        {
          "id": "1",
          "quantity": 10,
          "unitCode": "C62",
          "netUnitPrice": { "amount": 100.00, "currency": "EUR" },
          "vatCategoryCode": "S",
          "vatRate": 21.00,
          "itemName": "Widget"
        }
      ]
    }
  }
}"#;

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn eur(text: &str) -> Amount {
    Amount::new(dec(text), "EUR")
}

fn day(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).unwrap()
}

#[expect(
    clippy::unnecessary_wraps,
    reason = "the model's optional text fields, for expected values"
)]
fn some(text: &str) -> Option<String> {
    Some(text.to_owned())
}

/// The attributes wrapped in the JSON:API envelope.
fn envelope(attributes: &str) -> Vec<u8> {
    format!(r#"{{"data":{{"type":"business-documents","attributes":{attributes}}}}}"#).into_bytes()
}

/// A minimal invoice's attributes with `extra` members added.
fn invoice_with(extra: &str) -> Vec<u8> {
    let separator = if extra.is_empty() { "" } else { "," };
    envelope(&format!(
        r#"{{"@type":"InvoiceDocument","documentId":"INV-1"{separator}{extra}}}"#
    ))
}

fn parse_ok(json: &[u8]) -> Document {
    match parse_document(json) {
        Ok(document) => document,
        Err(problems) => panic!("unexpected problems: {problems:#?}"),
    }
}

fn problems(json: &[u8]) -> Vec<JsonProblem> {
    parse_document(json).expect_err("the document should have problems")
}

/// The (pointer, code) pairs of the problems of `json`.
fn found(json: &[u8]) -> Vec<(String, &'static str)> {
    problems(json)
        .into_iter()
        .map(|problem| (problem.pointer, problem.code))
        .collect()
}

fn one(pointer: &str, code: &'static str) -> Vec<(String, &'static str)> {
    vec![(pointer.to_owned(), code)]
}

fn address(street: &str, city: &str, post_code: &str, country: &str) -> Address {
    Address {
        street1: some(street),
        city: some(city),
        post_code: some(post_code),
        country_code: some(country),
        ..Address::default()
    }
}

#[test]
fn seed_invoice_parses_exactly_as_sent() {
    let document = parse_ok(SEED.as_bytes());

    let mut expected = Document::empty(DocumentKind::Invoice);
    expected.number = some("INV-2026-00042");
    expected.issue_date = Some(day(2026, Month::May, 5));
    expected.type_code = some("380");
    expected.currency = some("EUR");
    expected.due_date = Some(day(2026, Month::June, 4));
    expected.buyer_reference = some("PO-7788");
    expected.payment_terms = some("Net 30 days");
    expected.seller = Party {
        name: some("Vigasoft S.à r.l.-S."),
        legal_registration_id: some("LU-RCS-B306709"),
        vat_id: some("LU12345678"),
        electronic_address: some("LU12345678"),
        electronic_address_scheme_id: some("9938"),
        address: Some(address(
            "9, rue Marcel Schintgen",
            "Lamadelaine",
            "L-4889",
            "LU",
        )),
        ..Party::default()
    };
    expected.buyer = Party {
        name: some("ACME Belgium SA"),
        vat_id: some("BE0123456789"),
        electronic_address: some("BE0123456789"),
        electronic_address_scheme_id: some("9925"),
        address: Some(address("Avenue Louise 100", "Bruxelles", "1050", "BE")),
        ..Party::default()
    };
    expected.delivery = Some(einvoice_domain::document::model::Delivery {
        party_name: some("ACME Belgium SA — Warehouse"),
        location_identifier: some("4025673"),
        location_identifier_scheme_id: some("0088"),
        delivery_date: Some(day(2026, Month::May, 4)),
        address: Some(address("Avenue Louise 100", "Bruxelles", "1050", "BE")),
    });
    expected.payment_means = vec![PaymentMeans {
        code: some("58"),
        remittance_information: some("INV-2026-00042"),
        accounts: vec![Account {
            iban: some("LU000000000000000000"),
            account_name: some("Vigasoft"),
            bic: some("BCEELULL"),
        }],
        ..PaymentMeans::default()
    }];
    expected.tax_totals = vec![TaxTotal {
        tax_amount: None,
        subtotals: vec![VatBreakdown {
            taxable_amount: Some(eur("1000.00")),
            category_code: some("S"),
            rate: Some(dec("21.00")),
            ..VatBreakdown::default()
        }],
    }];
    expected.lines = vec![Line {
        id: some("1"),
        quantity: Some(dec("10")),
        unit_code: some("C62"),
        price: Some(Price {
            net_amount: Some(eur("100.00")),
            ..Price::default()
        }),
        vat_category_code: some("S"),
        vat_rate: Some(dec("21.00")),
        item_name: some("Widget"),
        ..Line::default()
    }];
    assert_eq!(document, expected);

    // Scales are kept as sent, and the renderer defaults the specification ids.
    assert_eq!(
        document.lines[0]
            .price
            .as_ref()
            .unwrap()
            .net_amount
            .as_ref()
            .unwrap()
            .value
            .to_string(),
        "100.00"
    );
    assert_eq!(
        document.vat_breakdown()[0].rate.unwrap().to_string(),
        "21.00"
    );
    assert_eq!(document.customization_id, None);
    assert_eq!(document.profile_id, None);

    // The bare attributes and a `serde_json::Value` give the same document.
    let value: serde_json::Value = serde_json::from_str(SEED).unwrap();
    let attributes = serde_json::to_vec(&value["data"]["attributes"]).unwrap();
    assert_eq!(parse_ok(&attributes), expected);
    assert_eq!(parse_value(&value).unwrap(), expected);
}

#[test]
fn numbers_and_numeric_strings_give_the_same_decimals() {
    let numbers = parse_ok(&invoice_with(
        r#""lines":[{"quantity":10,"netUnitPrice":{"amount":100.00},"vatRate":0.1,"priceBaseQuantity":{"quantity":1.5e1}},
                    {"quantity":-2.500,"netUnitPrice":{"amount":12345678901234567890.12345678},"vatRate":0}]"#,
    ));
    let strings = parse_ok(&invoice_with(
        r#""lines":[{"quantity":"10","netUnitPrice":{"amount":"100.00"},"vatRate":"0.1","priceBaseQuantity":{"quantity":"1.5e1"}},
                    {"quantity":"-2.500","netUnitPrice":{"amount":"12345678901234567890.12345678"},"vatRate":"0"}]"#,
    ));
    assert_eq!(numbers, strings);
    let texts = |document: &Document| -> Vec<String> {
        document
            .lines
            .iter()
            .flat_map(|line| {
                let price = line.price.as_ref().unwrap();
                [
                    line.quantity,
                    price.net_amount.as_ref().map(|amount| amount.value),
                    line.vat_rate,
                    price.base_quantity,
                ]
            })
            .flatten()
            .map(|value| value.to_string())
            .collect()
    };
    assert_eq!(
        texts(&numbers),
        [
            "10",
            "100.00",
            "0.1",
            "15",
            "-2.500",
            "12345678901234567890.12345678",
            "0"
        ]
    );
    assert_eq!(texts(&strings), texts(&numbers));
    let amount = numbers.lines[0]
        .price
        .as_ref()
        .unwrap()
        .net_amount
        .as_ref()
        .unwrap()
        .value;
    assert_eq!(amount.scale(), 2);
    assert_eq!(numbers.lines[0].vat_rate, Some(Decimal::new(1, 1)));
}

#[test]
fn every_field_lands_in_the_model() {
    let json = envelope(
        r#"{
        "@type": "InvoiceDocument", "documentId": "F-1", "issueDate": "2026-01-31", "typeCode": "380",
        "currency": "USD", "dueDate": "2026-02-28", "buyerReference": "BR", "paymentTermsText": "30 days",
        "taxCurrency": "EUR", "taxPointDate": "2026-01-30", "projectReference": "PRJ", "contractReference": "CTR",
        "orderReference": "PO", "salesOrderReference": "SO", "receivingAdviceReference": "RA",
        "despatchAdviceReference": "DA", "tenderReference": "TND",
        "invoicedObjectIdentifier": {"id": "OBJ", "schemeId": "ZZZ"}, "accountingCost": "ACC",
        "notes": ["first", "second"],
        "invoicePeriod": {"startDate": "2026-01-01", "endDate": "2026-01-31", "descriptionCode": "35"},
        "precedingInvoices": [{"number": "F-0", "issueDate": "2025-12-31"}],
        "prepaidAmount": {"amount": "10.00", "currency": "USD"},
        "roundingAmount": {"amount": "0.01", "currency": "USD"},
        "taxTotalInTaxCurrency": {"amount": "18.00", "currency": "EUR"},
        "totals": {"lineExtensionAmount": {"amount": "100.00", "currency": "USD"},
                   "taxExclusiveAmount": {"amount": "100.00", "currency": "USD"},
                   "taxInclusiveAmount": {"amount": "120.00", "currency": "USD"},
                   "allowanceTotalAmount": {"amount": "0.00", "currency": "USD"},
                   "chargeTotalAmount": {"amount": "0.00", "currency": "USD"},
                   "payableAmount": {"amount": "110.01", "currency": "USD"},
                   "taxAmount": {"amount": "20.00", "currency": "USD"}},
        "seller": {"name": "S", "tradingName": "ST", "identifiers": [{"id": "5412345000013", "schemeId": "0088"}],
                   "legalRegistrationId": "LR", "legalRegistrationSchemeId": "0208", "vatId": "BE0411905847",
                   "taxRegistrationId": "TR", "legalForm": "SA", "electronicAddress": "0411905847",
                   "electronicAddressSchemeId": "0208",
                   "address": {"street1": "a", "street2": "b", "additionalStreet": "c", "city": "d",
                               "postCode": "e", "countrySubdivision": "f", "countryCode": "BE"},
                   "contact": {"name": "n", "phone": "p", "email": "e@x.example"}},
        "buyer": {"name": "B", "electronicAddress": "b@x.example", "electronicAddressSchemeId": "GLN"},
        "payee": {"name": "P", "identifier": {"id": "PID", "schemeId": "0088"}, "legalRegistrationId": "PLR",
                  "legalRegistrationSchemeId": "0002"},
        "taxRepresentative": {"name": "T", "vatId": "DE123456788", "address": {"countryCode": "DE"}},
        "delivery": {"deliveryDate": "2026-01-15", "locationIdentifier": "L", "locationIdentifierSchemeId": "0088",
                     "partyName": "D", "address": {"countryCode": "FR"}},
        "payment": {"paymentMeansCode": "BANK_CARD", "paymentMeansText": "card", "remittanceInformation": "RI",
                    "accounts": [{"iban": "I", "bic": "B", "accountName": "N"}],
                    "card": {"accountNumber": "1234", "networkId": "VISA", "holderName": "H"},
                    "directDebit": {"mandateReference": "M", "creditorId": "C", "debitedAccount": "D"}},
        "allowanceCharges": [{"chargeIndicator": false, "amount": {"amount": "1.00"}, "baseAmount": {"amount": "10.00"},
                              "percentage": 10, "reasonCode": "95", "reason": "discount",
                              "vatCategoryCode": "S", "vatRate": 20}],
        "taxBreakdown": [{"categoryCode": "E", "rate": 0, "taxableAmount": {"amount": "1"},
                          "taxAmount": {"amount": "0"}, "exemptionReason": "why", "exemptionReasonCode": "VATEX-EU-132"}],
        "lines": [{"id": "1", "note": "ln", "objectIdentifier": {"id": "O", "schemeId": "ZZZ"}, "quantity": 2,
                   "unitCode": "C62", "lineExtensionAmount": {"amount": "9.00"}, "orderLineReference": "OL",
                   "accountingCost": "LA", "invoicePeriod": {"startDate": "2026-01-01", "endDate": "2026-01-02"},
                   "allowanceCharges": [{"chargeIndicator": true, "amount": {"amount": "1.00"}, "reasonCode": "FC"}],
                   "netUnitPrice": {"amount": "4.00"}, "grossUnitPrice": {"amount": "5.00"},
                   "priceDiscount": {"amount": "1.00"}, "priceBaseQuantity": {"quantity": 1, "unitCode": "C62"},
                   "vatCategoryCode": "S", "vatRate": 20, "itemName": "IN", "itemDescription": "ID",
                   "sellersItemId": "SI", "buyersItemId": "BI", "standardItemId": {"id": "4000001000005", "schemeId": "0160"},
                   "originCountry": "CN", "classifications": [{"code": "8471", "listId": "HS", "listVersionId": "2022"}],
                   "attributes": [{"name": "Colour", "value": "Blue"}]}],
        "attachments": [{"filename": "a.pdf", "contentType": "application/pdf", "content": "JVBERi0xLjQK",
                         "description": "pdf"}],
        "externalReferences": [{"id": "TS-1", "description": "timesheet", "uri": "https://example.com/ts/1"}],
        "extensions": {"it": {"anything": [1, 2.5, {"deep": null}]}}
    }"#,
    );
    let document = parse_ok(&json);
    let usd = |text: &str| Amount::new(dec(text), "USD");
    assert_eq!(document.kind, DocumentKind::Invoice);
    assert_eq!(document.tax_currency, some("EUR"));
    assert_eq!(document.tax_point_date, Some(day(2026, Month::January, 30)));
    assert_eq!(document.project_references, [some("PRJ")]);
    assert_eq!(
        [
            &document.contract_reference,
            &document.order_reference,
            &document.sales_order_reference,
            &document.receiving_advice_reference,
            &document.despatch_advice_reference,
            &document.tender_reference,
            &document.accounting_cost,
        ],
        [
            &some("CTR"),
            &some("PO"),
            &some("SO"),
            &some("RA"),
            &some("DA"),
            &some("TND"),
            &some("ACC")
        ]
    );
    assert_eq!(
        document.invoiced_object_identifier,
        Some(Identifier {
            id: "OBJ".into(),
            scheme_id: some("ZZZ")
        })
    );
    assert_eq!(
        document.notes,
        [
            Note {
                subject_code: None,
                text: "first".into()
            },
            Note {
                subject_code: None,
                text: "second".into()
            }
        ]
    );
    assert_eq!(
        document.invoice_period,
        Some(Period {
            start_date: Some(day(2026, Month::January, 1)),
            end_date: Some(day(2026, Month::January, 31)),
            description_code: some("35"),
        })
    );
    assert_eq!(
        document.preceding_invoices,
        [PrecedingInvoice {
            number: some("F-0"),
            issue_date: Some(day(2025, Month::December, 31))
        }]
    );
    let totals = &document.totals;
    assert_eq!(totals.prepaid_amount, Some(usd("10.00")));
    assert_eq!(totals.rounding_amount, Some(usd("0.01")));
    assert_eq!(totals.line_extension_amount, Some(usd("100.00")));
    assert_eq!(totals.tax_exclusive_amount, Some(usd("100.00")));
    assert_eq!(totals.tax_inclusive_amount, Some(usd("120.00")));
    assert_eq!(totals.allowance_total_amount, Some(usd("0.00")));
    assert_eq!(totals.charge_total_amount, Some(usd("0.00")));
    assert_eq!(totals.payable_amount, Some(usd("110.01")));
    assert_eq!(document.tax_totals.len(), 2);
    assert_eq!(document.tax_totals[0].tax_amount, Some(usd("20.00")));
    assert_eq!(
        document.vat_breakdown()[0].exemption_reason_code,
        some("VATEX-EU-132")
    );
    assert_eq!(document.vat_breakdown()[0].exemption_reason, some("why"));
    assert_eq!(
        document.vat_breakdown()[0]
            .tax_amount
            .as_ref()
            .unwrap()
            .currency,
        None
    );
    assert_eq!(document.vat_total_in_tax_currency(), Some(&eur("18.00")));

    let seller = &document.seller;
    assert_eq!(seller.trading_name, some("ST"));
    assert_eq!(
        seller.identifiers,
        [Identifier {
            id: "5412345000013".into(),
            scheme_id: some("0088")
        }]
    );
    assert_eq!(seller.legal_registration_scheme_id, some("0208"));
    assert_eq!(seller.tax_registration_id, some("TR"));
    assert_eq!(seller.legal_form, some("SA"));
    assert_eq!(seller.electronic_address_scheme_id, some("0208"));
    let seller_address = seller.address.as_ref().unwrap();
    assert_eq!(seller_address.street2, some("b"));
    assert_eq!(seller_address.additional_street, some("c"));
    assert_eq!(seller_address.country_subdivision, some("f"));
    assert_eq!(seller.contact.as_ref().unwrap().email, some("e@x.example"));
    assert_eq!(document.buyer.electronic_address_scheme_id, some("0088"));

    let payee = document.payee.as_ref().unwrap();
    assert_eq!(
        payee.identifier,
        Some(Identifier {
            id: "PID".into(),
            scheme_id: some("0088")
        })
    );
    assert_eq!(payee.legal_registration_id, some("PLR"));
    assert_eq!(payee.legal_registration_scheme_id, some("0002"));
    let representative = document.tax_representative.as_ref().unwrap();
    assert_eq!(representative.vat_id, some("DE123456788"));
    assert_eq!(
        representative.address.as_ref().unwrap().country_code,
        some("DE")
    );
    let delivery = document.delivery.as_ref().unwrap();
    assert_eq!(delivery.address.as_ref().unwrap().country_code, some("FR"));

    let payment = &document.payment_means[0];
    assert_eq!(payment.code, some("48"));
    assert_eq!(payment.text, some("card"));
    assert_eq!(payment.card.as_ref().unwrap().network_id, some("VISA"));
    assert_eq!(
        payment.direct_debit.as_ref().unwrap().mandate_reference,
        some("M")
    );
    assert_eq!(
        payment.direct_debit.as_ref().unwrap().creditor_id,
        some("C")
    );
    assert_eq!(
        payment.direct_debit.as_ref().unwrap().debited_account,
        some("D")
    );

    let allowance = &document.allowance_charges[0];
    assert!(!allowance.charge_indicator);
    assert_eq!(allowance.percentage, Some(dec("10")));
    assert_eq!(
        allowance.base_amount,
        Some(Amount {
            value: dec("10.00"),
            currency: None
        })
    );
    assert_eq!(
        (allowance.vat_category_code.as_deref(), allowance.vat_rate),
        (Some("S"), Some(dec("20")))
    );

    let line = &document.lines[0];
    assert_eq!(line.note, some("ln"));
    assert_eq!(
        line.object_identifier,
        Some(Identifier {
            id: "O".into(),
            scheme_id: some("ZZZ")
        })
    );
    assert_eq!(
        line.line_extension_amount,
        Some(Amount {
            value: dec("9.00"),
            currency: None
        })
    );
    assert_eq!(line.order_line_reference, some("OL"));
    assert_eq!(line.accounting_cost, some("LA"));
    assert_eq!(
        line.invoice_period.as_ref().unwrap().end_date,
        Some(day(2026, Month::January, 2))
    );
    assert!(line.allowance_charges[0].charge_indicator);
    assert_eq!(line.allowance_charges[0].reason_code, some("FC"));
    let price = line.price.as_ref().unwrap();
    assert_eq!(price.gross_amount.as_ref().unwrap().value, dec("5.00"));
    assert_eq!(price.discount.as_ref().unwrap().value, dec("1.00"));
    assert_eq!(
        (
            price.base_quantity,
            price.base_quantity_unit_code.as_deref()
        ),
        (Some(dec("1")), Some("C62"))
    );
    assert_eq!(line.item_description, some("ID"));
    assert_eq!(line.sellers_item_id, some("SI"));
    assert_eq!(line.buyers_item_id, some("BI"));
    assert_eq!(
        line.standard_item_id,
        Some(Identifier {
            id: "4000001000005".into(),
            scheme_id: some("0160")
        })
    );
    assert_eq!(line.origin_country, some("CN"));
    assert_eq!(
        line.classifications,
        [Classification {
            code: "8471".into(),
            list_id: some("HS"),
            list_version_id: some("2022")
        }]
    );
    assert_eq!(
        line.attributes,
        [ItemAttribute {
            name: some("Colour"),
            value: some("Blue")
        }]
    );

    assert_eq!(document.attachments.len(), 2);
    let embedded = &document.attachments[0];
    assert_eq!(
        embedded.id,
        some("a.pdf"),
        "the id defaults to the file name"
    );
    assert_eq!(embedded.filename, some("a.pdf"));
    assert_eq!(embedded.mime_code, some("application/pdf"));
    assert_eq!(embedded.content.as_deref(), Some(&b"%PDF-1.4\n"[..]));
    assert_eq!(embedded.description, some("pdf"));
    let external = &document.attachments[1];
    assert_eq!(
        (external.id.as_deref(), external.uri.as_deref()),
        (Some("TS-1"), Some("https://example.com/ts/1"))
    );
    assert_eq!(external.content, None);
}

#[test]
fn credit_note_shortcut_is_the_first_preceding_invoice() {
    let document = parse_ok(&envelope(
        r#"{"@type":"CreditNoteDocument","typeCode":"CREDIT_NOTE","originalInvoiceNumber":"INV-2026-00042",
            "precedingInvoices":[{"number":"INV-2026-00041","issueDate":"2026-05-01"}],
            "originalInvoiceDate":"2026-05-05"}"#,
    ));
    assert_eq!(document.kind, DocumentKind::CreditNote);
    assert_eq!(document.type_code, some("381"));
    assert_eq!(
        document.preceding_invoices,
        [
            PrecedingInvoice {
                number: some("INV-2026-00042"),
                issue_date: Some(day(2026, Month::May, 5))
            },
            PrecedingInvoice {
                number: some("INV-2026-00041"),
                issue_date: Some(day(2026, Month::May, 1))
            },
        ]
    );
    let date_only = parse_ok(&envelope(
        r#"{"@type":"CreditNoteDocument","originalInvoiceDate":"2026-05-05"}"#,
    ));
    assert_eq!(
        date_only.preceding_invoices,
        [PrecedingInvoice {
            number: None,
            issue_date: Some(day(2026, Month::May, 5))
        }]
    );
}

#[test]
fn symbolic_names_and_raw_codes() {
    let type_code = |value: &str| {
        parse_ok(&invoice_with(&format!(r#""typeCode":"{value}""#)))
            .type_code
            .unwrap()
    };
    for (value, code) in [
        ("COMMERCIAL_INVOICE", "380"),
        ("DEBIT_NOTE", "383"),
        ("CORRECTED_INVOICE", "384"),
        ("PREPAYMENT_INVOICE", "386"),
        ("SELF_BILLED_INVOICE", "389"),
        ("SELF_BILLED_CREDIT_NOTE", "261"),
        ("PARTIAL_CONSTRUCTION_INVOICE", "875"),
        ("FINAL_CONSTRUCTION_INVOICE", "877"),
        ("380", "380"),
        ("875", "875"),
        ("999", "999"),
    ] {
        assert_eq!(type_code(value), code, "{value}");
    }
    let means = |value: &str| {
        parse_ok(&invoice_with(&format!(
            r#""payment":{{"paymentMeansCode":"{value}"}}"#
        )))
        .payment_means[0]
            .code
            .clone()
            .unwrap()
    };
    for (value, code) in [
        ("SEPA_CREDIT_TRANSFER", "58"),
        ("CREDIT_TRANSFER", "30"),
        ("DEBIT_TRANSFER", "31"),
        ("BANK_CARD", "48"),
        ("STANDING_AGREEMENT", "57"),
        ("SEPA_DIRECT_DEBIT", "59"),
        ("DIRECT_DEBIT", "49"),
        ("CASH", "10"),
        ("58", "58"),
        ("ZZZ", "ZZZ"),
    ] {
        assert_eq!(means(value), code, "{value}");
    }
    let scheme = |value: &str| {
        parse_ok(&invoice_with(&format!(
            r#""seller":{{"electronicAddressSchemeId":"{value}"}}"#
        )))
        .seller
        .electronic_address_scheme_id
        .unwrap()
    };
    for (value, code) in [
        ("LU_VAT", "9938"),
        ("DE_VAT", "9930"),
        ("BE_VAT", "9925"),
        ("FR_SIRET", "0009"),
        ("IT_IVA", "0211"),
        ("IT_CFI", "0210"),
        ("IT_CUUO", "0201"),
        ("IT_SIA", "0135"),
        ("IT_SECETI", "0142"),
        ("NL_KVK", "0106"),
        ("ES_VAT", "9920"),
        ("GLN", "0088"),
        ("DUNS", "0060"),
        ("0208", "0208"),
        ("EM", "EM"),
    ] {
        assert_eq!(scheme(value), code, "{value}");
    }
    assert_eq!(
        found(&invoice_with(r#""typeCode":"INVOICE""#)),
        one("/typeCode", codes::UNKNOWN_CODE)
    );
    assert_eq!(
        found(&invoice_with(r#""typeCode":"380 ""#)),
        one("/typeCode", codes::UNKNOWN_CODE)
    );
    assert_eq!(
        found(&invoice_with(
            r#""payment":{"paymentMeansCode":"WIRE_TRANSFER"}"#
        )),
        one("/payment/paymentMeansCode", codes::UNKNOWN_CODE)
    );
    assert_eq!(
        found(&invoice_with(
            r#""buyer":{"electronicAddressSchemeId":"XX_VAT"}"#
        )),
        one("/buyer/electronicAddressSchemeId", codes::UNKNOWN_CODE)
    );
    assert_eq!(
        found(&envelope(r#"{"@type":"Invoice"}"#)),
        one("/@type", codes::UNKNOWN_CODE)
    );
}

#[test]
fn required() {
    assert_eq!(
        found(&envelope(r#"{"documentId":"X"}"#)),
        one("/@type", codes::REQUIRED)
    );
    assert_eq!(
        found(&envelope(r#"{"@type":null}"#)),
        one("/@type", codes::REQUIRED)
    );
    assert_eq!(
        found(br#"{"documentId":"X"}"#),
        one("/@type", codes::REQUIRED)
    );
    assert_eq!(
        found(&invoice_with(
            r#""lines":[{"netUnitPrice":{"currency":"EUR"}}]"#
        )),
        one("/lines/0/netUnitPrice/amount", codes::REQUIRED)
    );
    assert_eq!(
        found(&invoice_with(r#""prepaidAmount":{"amount":null}"#)),
        one("/prepaidAmount/amount", codes::REQUIRED)
    );
    assert_eq!(
        found(&invoice_with(
            r#""allowanceCharges":[{"amount":{"amount":"1"}}]"#
        )),
        one("/allowanceCharges/0/chargeIndicator", codes::REQUIRED)
    );
    assert_eq!(
        found(&invoice_with(
            r#""seller":{"identifiers":[{"schemeId":"0088"}]}"#
        )),
        one("/seller/identifiers/0/id", codes::REQUIRED)
    );
    assert_eq!(
        found(&invoice_with(
            r#""lines":[{"classifications":[{"listId":"HS"}]}]"#
        )),
        one("/lines/0/classifications/0/code", codes::REQUIRED)
    );
    assert_eq!(
        found(&invoice_with(
            r#""attachments":[{"filename":"a.pdf","content":"JVBERi0xLjQK"}]"#
        )),
        one("/attachments/0/contentType", codes::REQUIRED)
    );
    // An invalid value is reported once, not also as missing.
    assert_eq!(
        found(&invoice_with(
            r#""lines":[{"netUnitPrice":{"amount":"abc"}}]"#
        )),
        one("/lines/0/netUnitPrice/amount", codes::INVALID_DECIMAL)
    );
}

#[test]
fn envelope_problems_point_from_the_root() {
    assert_eq!(
        found(br#"{"data":{"type":"business-documents"}}"#),
        one("/data/attributes", codes::REQUIRED)
    );
    assert_eq!(
        found(br#"{"data":{"attributes":{"@type":"InvoiceDocument"}}}"#),
        one("/data/type", codes::REQUIRED)
    );
    assert_eq!(
        found(br#"{"data":{"type":"invoices","attributes":{"@type":"InvoiceDocument"}}}"#),
        one("/data/type", codes::UNKNOWN_CODE)
    );
    assert_eq!(
        found(br#"{"data":{"type":"business-documents","id":"1","attributes":{"@type":"InvoiceDocument"}}}"#),
        one("/data/id", codes::UNKNOWN_FIELD)
    );
    assert_eq!(
        found(br#"{"data":{"type":"business-documents","attributes":{"@type":"InvoiceDocument"}},"meta":{}}"#),
        one("/meta", codes::UNKNOWN_FIELD)
    );
    assert_eq!(found(br#"{"data":null}"#), one("/data", codes::REQUIRED));
    assert_eq!(found(br#"{"data":[]}"#), one("/data", codes::INVALID_TYPE));
    assert_eq!(
        found(br#"{"data":{"type":"business-documents","attributes":"x"}}"#),
        one("/data/attributes", codes::INVALID_TYPE)
    );
    // A bare document cannot also carry `data`.
    assert_eq!(
        found(br#"{"@type":"InvoiceDocument","data":{}}"#),
        one("/data", codes::UNKNOWN_FIELD)
    );
    for body in [&b"[]"[..], b"null", b"\"x\"", b"1", b"1.5", b"true"] {
        assert_eq!(
            found(body),
            one("", codes::INVALID_TYPE),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn invalid_json() {
    assert_eq!(found(b""), one("", codes::INVALID_JSON));
    assert_eq!(found(b"{\"data\": {"), one("/data", codes::INVALID_JSON));
    assert_eq!(
        found(&envelope(
            r#"{"@type":"InvoiceDocument","lines":[{"id":"1","quantity":1,}]}"#
        )),
        one("/lines/0", codes::INVALID_JSON)
    );
    assert_eq!(
        found(&[envelope(r#"{"@type":"InvoiceDocument"}"#), b" x".to_vec()].concat()),
        one("", codes::INVALID_JSON)
    );
    assert_eq!(
        found(b"{\"@type\":\"Invoice\xffDocument\"}"),
        one("", codes::INVALID_JSON)
    );
    // Problems found before the syntax error are kept.
    let problems = problems(&envelope(
        r#"{"@type":"InvoiceDocument","unknown":1,"lines":[{"quantity":"x"}"#,
    ));
    assert_eq!(problems.len(), 3);
    assert_eq!(problems[2].code, codes::INVALID_JSON);
    assert!(
        problems[2]
            .message
            .starts_with("the body is not valid JSON: "),
        "{}",
        problems[2].message
    );
    // Skipped values (extensions, unknown members) are skipped without recursion.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse_document(&invoice_with(&format!(r#""extensions":{{"x":{deep}}}"#))).is_ok());
    assert_eq!(
        found(&invoice_with(&format!(r#""unknown":{deep}"#))),
        one("/unknown", codes::UNKNOWN_FIELD)
    );
    assert_eq!(
        found(&invoice_with(&format!(r#""buyerReference":{deep}"#))),
        one("/buyerReference", codes::INVALID_TYPE)
    );
}

#[test]
fn invalid_type() {
    for (member, pointer) in [
        (r#""buyerReference":1"#, "/buyerReference"),
        (r#""buyerReference":{"a":1}"#, "/buyerReference"),
        (r#""issueDate":20260505"#, "/issueDate"),
        (r#""seller":"ACME""#, "/seller"),
        (r#""seller":1.5"#, "/seller"),
        (r#""seller":[]"#, "/seller"),
        (r#""lines":{}"#, "/lines"),
        (r#""lines":2.5"#, "/lines"),
        (r#""lines":[1]"#, "/lines/0"),
        (r#""lines":[null]"#, "/lines/0"),
        (r#""notes":[1.5]"#, "/notes/0"),
        (r#""lines":[{"quantity":true}]"#, "/lines/0/quantity"),
        (r#""lines":[{"quantity":[1]}]"#, "/lines/0/quantity"),
        (r#""lines":[{"netUnitPrice":100}]"#, "/lines/0/netUnitPrice"),
        (
            r#""allowanceCharges":[{"chargeIndicator":"false"}]"#,
            "/allowanceCharges/0/chargeIndicator",
        ),
        (r#""extensions":[]"#, "/extensions"),
        (r#""extensions":"it""#, "/extensions"),
    ] {
        assert_eq!(
            found(&invoice_with(member)),
            one(pointer, codes::INVALID_TYPE),
            "{member}"
        );
    }
    let message = &problems(&invoice_with(r#""seller":1.5"#))[0].message;
    assert_eq!(message, "expected an object, found a number");
}

#[test]
fn null_is_absent() {
    let document = parse_ok(&invoice_with(
        r#""dueDate":null,"seller":null,"lines":null,"notes":null,"payment":null,"extensions":null,"totals":null"#,
    ));
    assert_eq!(document.due_date, None);
    assert_eq!(document.seller, Party::default());
    assert!(
        document.lines.is_empty() && document.notes.is_empty() && document.payment_means.is_empty()
    );
}

#[test]
fn invalid_decimal_and_date() {
    for value in [
        r#""ten""#,
        r#""1_000""#,
        r#""1,5""#,
        r#"" 1""#,
        r#""+1""#,
        r#"".5""#,
        r#""NaN""#,
        "1e40",
        r#""1e40""#,
        "0.12345678901234567890123456789",
    ] {
        assert_eq!(
            found(&invoice_with(&format!(
                r#""lines":[{{"quantity":{value}}}]"#
            ))),
            one("/lines/0/quantity", codes::INVALID_DECIMAL),
            "{value}"
        );
    }
    for value in [
        "2026-02-30",
        "2026-5-5",
        "05/05/2026",
        "2026-05-05T10:00:00Z",
        "",
    ] {
        assert_eq!(
            found(&invoice_with(&format!(
                r#""delivery":{{"deliveryDate":"{value}"}}"#
            ))),
            one("/delivery/deliveryDate", codes::INVALID_DATE),
            "{value}"
        );
    }
}

#[test]
fn unknown_and_duplicate_fields() {
    assert_eq!(
        found(&invoice_with(r#""seller":{"vatNumber":"LU1"}"#)),
        one("/seller/vatNumber", codes::UNKNOWN_FIELD)
    );
    assert_eq!(
        found(&invoice_with(r#""lines":[{},{"price":1}]"#)),
        one("/lines/1/price", codes::UNKNOWN_FIELD)
    );
    assert_eq!(
        found(&invoice_with(r#""a/b~c":1"#)),
        one("/a~1b~0c", codes::UNKNOWN_FIELD)
    );
    assert_eq!(
        found(&invoice_with(r#""customizationId":"x""#)),
        one("/customizationId", codes::UNKNOWN_FIELD)
    );
    assert_eq!(
        found(&invoice_with(r#""totals":{"prepaidAmount":{"amount":1}}"#)),
        one("/totals/prepaidAmount", codes::UNKNOWN_FIELD)
    );
    // Seller-only and document-only members are refused elsewhere.
    assert_eq!(
        found(&invoice_with(r#""buyer":{"legalForm":"SA"}"#)),
        one("/buyer/legalForm", codes::UNKNOWN_FIELD)
    );
    assert_eq!(
        found(&invoice_with(r#""buyer":{"taxRegistrationId":"X"}"#)),
        one("/buyer/taxRegistrationId", codes::UNKNOWN_FIELD)
    );
    assert_eq!(
        found(&invoice_with(
            r#""lines":[{"allowanceCharges":[{"chargeIndicator":false,"vatRate":20}]}]"#
        )),
        one("/lines/0/allowanceCharges/0/vatRate", codes::UNKNOWN_FIELD)
    );
    assert_eq!(
        found(&invoice_with(
            r#""lines":[{"invoicePeriod":{"descriptionCode":"35"}}]"#
        )),
        one(
            "/lines/0/invoicePeriod/descriptionCode",
            codes::UNKNOWN_FIELD
        )
    );
    assert_eq!(
        found(&invoice_with(r#""documentId":"INV-2""#)),
        one("/documentId", codes::DUPLICATE_FIELD)
    );
}

#[test]
fn string_limits() {
    let long_id = "X".repeat(MAX_ID_CHARS + 1);
    assert_eq!(
        found(&invoice_with(&format!(r#""buyerReference":"{long_id}""#))),
        one("/buyerReference", codes::TOO_LONG)
    );
    // Limits count characters, not bytes.
    let accented = "é".repeat(MAX_ID_CHARS);
    assert_eq!(
        parse_ok(&invoice_with(&format!(r#""buyerReference":"{accented}""#))).buyer_reference,
        Some(accented)
    );
    let note = "n".repeat(MAX_NOTE_CHARS);
    assert_eq!(
        parse_ok(&invoice_with(&format!(r#""notes":["{note}"]"#))).notes[0]
            .text
            .len(),
        MAX_NOTE_CHARS
    );
    assert_eq!(
        found(&invoice_with(&format!(r#""notes":["{note}x"]"#))),
        one("/notes/0", codes::TOO_LONG)
    );
    let problem = &problems(&invoice_with(&format!(
        r#""seller":{{"name":"{}"}}"#,
        "n".repeat(201)
    )))[0];
    assert_eq!(
        (problem.pointer.as_str(), problem.message.as_str()),
        (
            "/seller/name",
            "at most 200 characters are allowed, found 201"
        )
    );
}

#[test]
fn array_limits() {
    let limits = ParseLimits {
        max_lines: 2,
        max_notes: 1,
        max_attachments: 1,
        max_items: 2,
        ..ParseLimits::default()
    };
    let parse = |member: &str| -> Vec<(String, &'static str)> {
        parse_document_with(&invoice_with(member), &limits)
            .expect_err("over the limit")
            .into_iter()
            .map(|problem| (problem.pointer, problem.code))
            .collect()
    };
    assert!(parse_document_with(&invoice_with(r#""lines":[{},{}]"#), &limits).is_ok());
    assert_eq!(
        parse(r#""lines":[{},{},{"id":1}]"#),
        one("/lines", codes::TOO_MANY)
    );
    assert_eq!(
        parse(r#""notes":["a","b"]"#),
        one("/notes", codes::TOO_MANY)
    );
    assert_eq!(
        parse(r#""externalReferences":[{},{}]"#),
        one("/externalReferences", codes::TOO_MANY)
    );
    assert_eq!(
        parse(r#""lines":[{"attributes":[{},{},{}]}]"#),
        one("/lines/0/attributes", codes::TOO_MANY)
    );
    assert_eq!(
        parse(r#""taxBreakdown":[{},{},{}]"#),
        one("/taxBreakdown", codes::TOO_MANY)
    );
    let defaults = ParseLimits::default();
    assert_eq!(
        (
            defaults.max_lines,
            defaults.max_notes,
            defaults.max_attachments,
            defaults.max_attachment_bytes,
            defaults.max_items
        ),
        (10_000, 1_000, 100, 10 * 1024 * 1024, 100)
    );
}

/// A small but complete PDF.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

fn attachment(content_type: &str, content: &str) -> Vec<u8> {
    invoice_with(&format!(
        r#""attachments":[{{"filename":"f.pdf","contentType":"{content_type}","content":"{content}"}}]"#
    ))
}

#[test]
fn attachments_are_pdf_base64_within_the_size_limit() {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(PDF);
    let document = parse_ok(&attachment("application/pdf", &encoded));
    assert_eq!(document.attachments[0].content.as_deref(), Some(PDF));
    assert_eq!(
        parse_ok(&attachment("Application/PDF", &encoded)).attachments[0].mime_code,
        some("application/pdf")
    );
    // MIME-style line breaks are tolerated.
    let wrapped: String = encoded
        .as_bytes()
        .chunks(76)
        .map(|chunk| std::str::from_utf8(chunk).unwrap())
        .collect::<Vec<_>>()
        .join("\\r\\n");
    assert_eq!(
        parse_ok(&attachment("application/pdf", &wrapped)).attachments[0]
            .content
            .as_deref(),
        Some(PDF)
    );

    assert_eq!(
        found(&attachment("image/png", &encoded)),
        one(
            "/attachments/0/contentType",
            codes::UNSUPPORTED_ATTACHMENT_TYPE
        )
    );
    assert_eq!(
        found(&attachment("application/pdf", "aGVsbG8gd29ybGQ=")),
        one("/attachments/0/content", codes::UNSUPPORTED_ATTACHMENT_TYPE)
    );
    assert_eq!(
        found(&attachment("application/pdf", "not base64!")),
        one("/attachments/0/content", codes::INVALID_BASE64)
    );
    assert_eq!(
        found(&attachment("application/pdf", "JVBERi0")),
        one("/attachments/0/content", codes::INVALID_BASE64)
    );

    let limits = ParseLimits {
        max_attachment_bytes: PDF.len() - 1,
        ..ParseLimits::default()
    };
    let problems =
        parse_document_with(&attachment("application/pdf", &encoded), &limits).unwrap_err();
    assert_eq!(
        (problems[0].pointer.as_str(), problems[0].code),
        ("/attachments/0/content", codes::TOO_LONG)
    );
    let huge = "A".repeat(4 * 1024 * 1024);
    let limits = ParseLimits {
        max_attachment_bytes: 1024 * 1024,
        ..ParseLimits::default()
    };
    let problems = parse_document_with(&attachment("application/pdf", &huge), &limits).unwrap_err();
    assert_eq!(
        (problems[0].pointer.as_str(), problems[0].code),
        ("/attachments/0/content", codes::TOO_LONG)
    );
}

#[test]
fn every_problem_is_reported_together() {
    let json = envelope(
        r#"{
        "@type": "InvoiceDocument",
        "issueDate": "2026-13-01",
        "typeCode": "BILL",
        "seller": {"name": 42, "website": "x"},
        "lines": [
            {"id": "1", "quantity": "many"},
            {"id": "2", "netUnitPrice": {"amount": "1", "currency": "EUR", "fx": 1}},
            {"id": "3", "allowanceCharges": [{"amount": {"amount": "1"}}]}
        ],
        "attachments": [{"filename": "x.png", "contentType": "image/png", "content": "%%%"}]
    }"#,
    );
    assert_eq!(
        found(&json),
        [
            ("/issueDate".to_owned(), codes::INVALID_DATE),
            ("/typeCode".to_owned(), codes::UNKNOWN_CODE),
            ("/seller/name".to_owned(), codes::INVALID_TYPE),
            ("/seller/website".to_owned(), codes::UNKNOWN_FIELD),
            ("/lines/0/quantity".to_owned(), codes::INVALID_DECIMAL),
            ("/lines/1/netUnitPrice/fx".to_owned(), codes::UNKNOWN_FIELD),
            (
                "/lines/2/allowanceCharges/0/chargeIndicator".to_owned(),
                codes::REQUIRED
            ),
            (
                "/attachments/0/contentType".to_owned(),
                codes::UNSUPPORTED_ATTACHMENT_TYPE
            ),
            ("/attachments/0/content".to_owned(), codes::INVALID_BASE64),
        ]
    );
    for problem in problems(&json) {
        let first = problem.message.chars().next().unwrap();
        assert!(
            !first.is_uppercase() && !problem.message.ends_with('.'),
            "{}",
            problem.message
        );
    }
}

#[test]
fn tax_totals_and_totals_keep_what_was_declared() {
    let document = parse_ok(&invoice_with(
        r#""roundingAmount":{"amount":"0.01","currency":"EUR"},
           "totals":{"taxAmount":{"amount":"21.00","currency":"EUR"},"payableAmount":{"amount":"121.01","currency":"EUR"}},
           "prepaidAmount":{"amount":"5.00","currency":"EUR"}"#,
    ));
    assert_eq!(
        document.tax_totals,
        [TaxTotal {
            tax_amount: Some(eur("21.00")),
            subtotals: Vec::new()
        }]
    );
    assert_eq!(document.totals.rounding_amount, Some(eur("0.01")));
    assert_eq!(document.totals.prepaid_amount, Some(eur("5.00")));
    assert_eq!(document.totals.payable_amount, Some(eur("121.01")));
    assert_eq!(
        document.totals.tax_inclusive_amount, None,
        "nothing is computed while parsing"
    );
    let only_tax_currency = parse_ok(&invoice_with(
        r#""taxTotalInTaxCurrency":{"amount":"3.00","currency":"EUR"}"#,
    ));
    assert_eq!(
        only_tax_currency.tax_totals,
        [TaxTotal {
            tax_amount: Some(eur("3.00")),
            subtotals: Vec::new()
        }]
    );
}

#[test]
fn parse_value_reports_like_parse_document() {
    let value: serde_json::Value = serde_json::from_str(
        r#"{"@type":"InvoiceDocument","lines":[{"quantity":"x","vatRate":12.50}]}"#,
    )
    .unwrap();
    let problems = parse_value(&value).unwrap_err();
    assert_eq!(
        (problems[0].pointer.as_str(), problems[0].code),
        ("/lines/0/quantity", codes::INVALID_DECIMAL)
    );
    let value: serde_json::Value =
        serde_json::from_str(r#"{"@type":"InvoiceDocument","lines":[{"vatRate":12.50}]}"#).unwrap();
    assert_eq!(
        parse_value(&value).unwrap().lines[0]
            .vat_rate
            .unwrap()
            .to_string(),
        "12.50"
    );
}

/// Rough throughput of parsing a ten-line document (run with `--release --nocapture`).
#[test]
fn timing_ten_line_document() {
    let line = r#"{"id":"1","quantity":10,"unitCode":"C62","netUnitPrice":{"amount":100.00,"currency":"EUR"},
                   "vatCategoryCode":"S","vatRate":21.00,"itemName":"Widget","sellersItemId":"W-1"}"#;
    let seed: serde_json::Value = serde_json::from_str(SEED).unwrap();
    let mut attributes = seed["data"]["attributes"].clone();
    let lines: Vec<serde_json::Value> = (0..10)
        .map(|_| serde_json::from_str(line).unwrap())
        .collect();
    attributes["lines"] = serde_json::Value::Array(lines);
    let body = serde_json::to_vec(
        &serde_json::json!({"data": {"type": "business-documents", "attributes": attributes}}),
    )
    .unwrap();
    let iterations = if cfg!(debug_assertions) {
        2_000
    } else {
        100_000
    };
    let start = std::time::Instant::now();
    for _ in 0..iterations {
        let document = parse_document(std::hint::black_box(&body)).unwrap();
        std::hint::black_box(document);
    }
    let elapsed = start.elapsed();
    let start_value = std::time::Instant::now();
    for _ in 0..iterations {
        let value: serde_json::Value = serde_json::from_slice(std::hint::black_box(&body)).unwrap();
        std::hint::black_box(value);
    }
    println!(
        "for comparison, serde_json::Value: {:?} per document",
        start_value.elapsed() / iterations
    );
    let per_document = elapsed / iterations;
    println!(
        "parse of a {}-byte ten-line document: {per_document:?} per document, {:.0} documents per second{}",
        body.len(),
        f64::from(iterations) / elapsed.as_secs_f64(),
        if cfg!(debug_assertions) {
            " (debug build)"
        } else {
            ""
        }
    );
}

#[test]
fn resources_need_the_envelope_and_point_from_the_root() {
    use einvoice_document_json::parse_resource_with;
    let limits = ParseLimits::default();
    let problems = |json: &[u8]| -> Vec<(String, &'static str)> {
        parse_resource_with(json, &limits)
            .expect_err("problems")
            .into_iter()
            .map(|problem| (problem.pointer, problem.code))
            .collect()
    };
    assert_eq!(
        problems(&invoice_with(
            r#""lines":[{"netUnitPrice":{"amount":"abc"}}]"#
        )),
        one(
            "/data/attributes/lines/0/netUnitPrice/amount",
            codes::INVALID_DECIMAL
        )
    );
    assert_eq!(
        problems(br#"{"data":{"type":"invoices","attributes":{"@type":"InvoiceDocument"}}}"#),
        one("/data/type", codes::UNKNOWN_CODE)
    );
    // The bare attributes are the CLI's shortcut, not a JSON:API request.
    assert_eq!(
        problems(br#"{"@type":"InvoiceDocument","documentId":"INV-1"}"#),
        one("/data", codes::REQUIRED)
    );
    let document = parse_resource_with(&invoice_with(""), &limits).expect("envelope parses");
    assert_eq!(document.number.as_deref(), Some("INV-1"));
}
