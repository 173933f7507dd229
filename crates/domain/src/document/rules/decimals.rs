//! EN 16931 decimal rules BR-DEC-*: at most two decimals on amounts.
//!
//! The CEN UBL schematron tests the lexical form, `string-length(substring-after(amount,
//! '.')) <= 2`, so `100.000` breaks the rule although it equals `100`. The model keeps the
//! scale an amount was given with ([`Amount::value`]), which is that number of decimals.
//!
//! BR-DEC-13 (BT-110) and BR-DEC-15 (BT-111) never fire in the CEN artefacts: their test
//! selects `//cac:TaxTotal/cbc:TaxAmount[@currencyID = cbc:DocumentCurrencyCode]`, where
//! `cbc:DocumentCurrencyCode` is read relative to the `TaxAmount` (which has no child
//! elements), so the selection is always empty and the test always true. They are
//! declared here and, to agree with the official validators, never fire.

use super::{Findings, Rule, Severity};
use crate::document::model::{AllowanceCharge, Amount, Document};

const BR_DEC_01: Rule = Rule {
    id: "BR-DEC-01",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Document level allowance amount (BT-92) is 2.",
};
const BR_DEC_02: Rule = Rule {
    id: "BR-DEC-02",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Document level allowance base amount (BT-93) is 2.",
};
const BR_DEC_05: Rule = Rule {
    id: "BR-DEC-05",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Document level charge amount (BT-99) is 2.",
};
const BR_DEC_06: Rule = Rule {
    id: "BR-DEC-06",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Document level charge base amount (BT-100) is 2.",
};
const BR_DEC_09: Rule = Rule {
    id: "BR-DEC-09",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Sum of Invoice line net amount (BT-106) is 2.",
};
const BR_DEC_10: Rule = Rule {
    id: "BR-DEC-10",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Sum of allowanced on document level (BT-107) is 2.",
};
const BR_DEC_11: Rule = Rule {
    id: "BR-DEC-11",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Sum of charges on document level (BT-108) is 2.",
};
const BR_DEC_12: Rule = Rule {
    id: "BR-DEC-12",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Invoice total amount without VAT (BT-109) is 2.",
};
const BR_DEC_13: Rule = Rule {
    id: "BR-DEC-13",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Invoice total VAT amount (BT-110) is 2.",
};
const BR_DEC_14: Rule = Rule {
    id: "BR-DEC-14",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Invoice total amount with VAT (BT-112) is 2.",
};
const BR_DEC_15: Rule = Rule {
    id: "BR-DEC-15",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Invoice total VAT amount in accounting currency (BT-111) is 2.",
};
const BR_DEC_16: Rule = Rule {
    id: "BR-DEC-16",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Paid amount (BT-113) is 2.",
};
const BR_DEC_17: Rule = Rule {
    id: "BR-DEC-17",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Rounding amount (BT-114) is 2.",
};
const BR_DEC_18: Rule = Rule {
    id: "BR-DEC-18",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Amount due for payment (BT-115) is 2.",
};
const BR_DEC_19: Rule = Rule {
    id: "BR-DEC-19",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the VAT category taxable amount (BT-116) is 2.",
};
const BR_DEC_20: Rule = Rule {
    id: "BR-DEC-20",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the VAT category tax amount (BT-117) is 2.",
};
const BR_DEC_23: Rule = Rule {
    id: "BR-DEC-23",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Invoice line net amount (BT-131) is 2.",
};
const BR_DEC_24: Rule = Rule {
    id: "BR-DEC-24",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Invoice line allowance amount (BT-136) is 2.",
};
const BR_DEC_25: Rule = Rule {
    id: "BR-DEC-25",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Invoice line allowance base amount (BT-137) is 2.",
};
const BR_DEC_27: Rule = Rule {
    id: "BR-DEC-27",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Invoice line charge amount (BT-141) is 2.",
};
const BR_DEC_28: Rule = Rule {
    id: "BR-DEC-28",
    severity: Severity::Fatal,
    text: "The allowed maximum number of decimals for the Invoice line charge base amount (BT-142) is 2.",
};

/// The rules of this family.
pub(super) const RULES: &[Rule] = &[
    BR_DEC_01, BR_DEC_02, BR_DEC_05, BR_DEC_06, BR_DEC_09, BR_DEC_10, BR_DEC_11, BR_DEC_12,
    BR_DEC_13, BR_DEC_14, BR_DEC_15, BR_DEC_16, BR_DEC_17, BR_DEC_18, BR_DEC_19, BR_DEC_20,
    BR_DEC_23, BR_DEC_24, BR_DEC_25, BR_DEC_27, BR_DEC_28,
];

/// Whether `amount` is given with more than two decimals.
fn too_precise(amount: Option<&Amount>) -> bool {
    amount.is_some_and(|amount| amount.value.scale() > 2)
}

/// Checks `document` against this family's rules.
pub(super) fn check(document: &Document, findings: &mut Findings) {
    for (index, item) in document.allowance_charges.iter().enumerate() {
        let (amount, base) = if item.charge_indicator {
            (&BR_DEC_05, &BR_DEC_06)
        } else {
            (&BR_DEC_01, &BR_DEC_02)
        };
        check_allowance_charge(item, amount, base, findings, |field| {
            format!("/allowanceCharges/{index}/{field}")
        });
    }
    let totals = &document.totals;
    for (rule, amount, pointer) in [
        (
            &BR_DEC_09,
            &totals.line_extension_amount,
            "/totals/lineExtensionAmount",
        ),
        (
            &BR_DEC_10,
            &totals.allowance_total_amount,
            "/totals/allowanceTotalAmount",
        ),
        (
            &BR_DEC_11,
            &totals.charge_total_amount,
            "/totals/chargeTotalAmount",
        ),
        (
            &BR_DEC_12,
            &totals.tax_exclusive_amount,
            "/totals/taxExclusiveAmount",
        ),
        (
            &BR_DEC_14,
            &totals.tax_inclusive_amount,
            "/totals/taxInclusiveAmount",
        ),
        (&BR_DEC_16, &totals.prepaid_amount, "/prepaidAmount"),
        (&BR_DEC_17, &totals.rounding_amount, "/roundingAmount"),
        (&BR_DEC_18, &totals.payable_amount, "/totals/payableAmount"),
    ] {
        if too_precise(amount.as_ref()) {
            findings.fail(rule, pointer);
        }
    }
    for total in &document.tax_totals {
        for (index, subtotal) in total.subtotals.iter().enumerate() {
            if too_precise(subtotal.taxable_amount.as_ref()) {
                findings.fail(&BR_DEC_19, format!("/taxBreakdown/{index}/taxableAmount"));
            }
            if too_precise(subtotal.tax_amount.as_ref()) {
                findings.fail(&BR_DEC_20, format!("/taxBreakdown/{index}/taxAmount"));
            }
        }
    }
    for (index, line) in document.lines.iter().enumerate() {
        if too_precise(line.line_extension_amount.as_ref()) {
            findings.fail(&BR_DEC_23, format!("/lines/{index}/lineExtensionAmount"));
        }
        for (item_index, item) in line.allowance_charges.iter().enumerate() {
            let (amount, base) = if item.charge_indicator {
                (&BR_DEC_27, &BR_DEC_28)
            } else {
                (&BR_DEC_24, &BR_DEC_25)
            };
            check_allowance_charge(item, amount, base, findings, |field| {
                format!("/lines/{index}/allowanceCharges/{item_index}/{field}")
            });
        }
    }
}

/// The amount and base amount of an allowance or charge; `pointer` names a field of it.
fn check_allowance_charge(
    item: &AllowanceCharge,
    amount_rule: &Rule,
    base_rule: &Rule,
    findings: &mut Findings,
    pointer: impl Fn(&str) -> String,
) {
    if too_precise(item.amount.as_ref()) {
        findings.fail(amount_rule, pointer("amount"));
    }
    if too_precise(item.base_amount.as_ref()) {
        findings.fail(base_rule, pointer("baseAmount"));
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::document::model::{DocumentKind, Line, TaxTotal, VatBreakdown};

    #[expect(clippy::unnecessary_wraps, reason = "fills an optional model field")]
    fn amount(text: &str) -> Option<Amount> {
        Some(Amount::new(text.parse::<Decimal>().unwrap(), "EUR"))
    }

    fn violations(document: &Document) -> Vec<(&'static str, String)> {
        let mut findings = Findings::default();
        check(document, &mut findings);
        findings
            .0
            .into_iter()
            .map(|v| (v.rule, v.pointer))
            .collect()
    }

    fn allowance_charge(charge_indicator: bool, value: &str) -> AllowanceCharge {
        AllowanceCharge {
            charge_indicator,
            amount: amount(value),
            base_amount: amount(value),
            ..AllowanceCharge::default()
        }
    }

    #[test]
    fn two_decimals_pass_three_fail_even_when_zero() {
        let mut document = Document::empty(DocumentKind::Invoice);
        document.totals.payable_amount = amount("100.00");
        document.totals.prepaid_amount = amount("1");
        assert_eq!(violations(&document), []);
        document.totals.payable_amount = amount("100.000");
        assert_eq!(
            violations(&document),
            [("BR-DEC-18", "/totals/payableAmount".to_owned())]
        );
    }

    #[test]
    fn document_allowances_and_charges() {
        let mut document = Document::empty(DocumentKind::Invoice);
        document
            .allowance_charges
            .push(allowance_charge(false, "1.00"));
        document
            .allowance_charges
            .push(allowance_charge(false, "1.001"));
        document
            .allowance_charges
            .push(allowance_charge(true, "1.001"));
        let expected = [
            ("BR-DEC-01", "/allowanceCharges/1/amount"),
            ("BR-DEC-02", "/allowanceCharges/1/baseAmount"),
            ("BR-DEC-05", "/allowanceCharges/2/amount"),
            ("BR-DEC-06", "/allowanceCharges/2/baseAmount"),
        ];
        assert_eq!(
            violations(&document),
            expected.map(|(rule, pointer)| (rule, pointer.to_owned()))
        );
    }

    #[test]
    fn totals() {
        let mut document = Document::empty(DocumentKind::Invoice);
        let totals = &mut document.totals;
        for field in [
            &mut totals.line_extension_amount,
            &mut totals.allowance_total_amount,
            &mut totals.charge_total_amount,
            &mut totals.tax_exclusive_amount,
            &mut totals.tax_inclusive_amount,
            &mut totals.prepaid_amount,
            &mut totals.rounding_amount,
            &mut totals.payable_amount,
        ] {
            *field = amount("0.001");
        }
        let expected = [
            ("BR-DEC-09", "/totals/lineExtensionAmount"),
            ("BR-DEC-10", "/totals/allowanceTotalAmount"),
            ("BR-DEC-11", "/totals/chargeTotalAmount"),
            ("BR-DEC-12", "/totals/taxExclusiveAmount"),
            ("BR-DEC-14", "/totals/taxInclusiveAmount"),
            ("BR-DEC-16", "/prepaidAmount"),
            ("BR-DEC-17", "/roundingAmount"),
            ("BR-DEC-18", "/totals/payableAmount"),
        ];
        assert_eq!(
            violations(&document),
            expected.map(|(rule, pointer)| (rule, pointer.to_owned()))
        );
    }

    #[test]
    fn vat_breakdown_but_not_the_vat_totals() {
        let mut document = Document::empty(DocumentKind::Invoice);
        document.currency = Some("EUR".to_owned());
        document.tax_currency = Some("NOK".to_owned());
        document.tax_totals.push(TaxTotal {
            tax_amount: amount("10.001"),
            subtotals: vec![
                VatBreakdown {
                    taxable_amount: amount("1"),
                    tax_amount: amount("0.25"),
                    ..VatBreakdown::default()
                },
                VatBreakdown {
                    taxable_amount: amount("1.000"),
                    tax_amount: amount("0.250"),
                    ..VatBreakdown::default()
                },
            ],
        });
        document.tax_totals.push(TaxTotal {
            tax_amount: Some(Amount::new("80.0001".parse().unwrap(), "NOK")),
            subtotals: Vec::new(),
        });
        // BR-DEC-13 and BR-DEC-15 select nothing in the official artefacts.
        let expected = [
            ("BR-DEC-19", "/taxBreakdown/1/taxableAmount"),
            ("BR-DEC-20", "/taxBreakdown/1/taxAmount"),
        ];
        assert_eq!(
            violations(&document),
            expected.map(|(rule, pointer)| (rule, pointer.to_owned()))
        );
    }

    #[test]
    fn lines() {
        let mut document = Document::empty(DocumentKind::Invoice);
        document.lines.push(Line {
            line_extension_amount: amount("1.234"),
            allowance_charges: vec![
                allowance_charge(false, "0.001"),
                allowance_charge(true, "0.001"),
            ],
            ..Line::default()
        });
        let expected = [
            ("BR-DEC-23", "/lines/0/lineExtensionAmount"),
            ("BR-DEC-24", "/lines/0/allowanceCharges/0/amount"),
            ("BR-DEC-25", "/lines/0/allowanceCharges/0/baseAmount"),
            ("BR-DEC-27", "/lines/0/allowanceCharges/1/amount"),
            ("BR-DEC-28", "/lines/0/allowanceCharges/1/baseAmount"),
        ];
        assert_eq!(
            violations(&document),
            expected.map(|(rule, pointer)| (rule, pointer.to_owned()))
        );
    }
}
