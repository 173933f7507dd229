//! Derived amounts, as EN 16931 defines them. [`complete`] fills every derived term the
//! sender left out; terms the sender gave are kept, and the calculation rules
//! (BR-CO-*, PEPPOL-EN16931-R12x) then check them against the same arithmetic.
//!
//! Amounts are `rust_decimal` end to end; every computed amount is rounded half away from
//! zero to two decimals (BR-DEC-*).

use rust_decimal::{Decimal, RoundingStrategy};

use super::model::{AllowanceCharge, Amount, Document, Line, TaxTotal, VatBreakdown};

/// Rounds to two decimals, half away from zero, and keeps exactly two decimals.
pub fn round2(value: Decimal) -> Decimal {
    // Already two decimals: rounding and rescaling keep it as it is.
    if value.scale() == 2 {
        return value;
    }
    let mut rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded
}

fn value(amount: Option<&Amount>) -> Option<Decimal> {
    amount.map(|amount| amount.value)
}

/// The amount of an allowance or charge: as given, or base × percentage / 100.
pub fn allowance_charge_amount(item: &AllowanceCharge) -> Option<Decimal> {
    value(item.amount.as_ref()).or_else(|| {
        let base = value(item.base_amount.as_ref())?;
        Some(round2(base * item.percentage? / Decimal::ONE_HUNDRED))
    })
}

/// BT-131 as EN 16931 computes it: quantity × (net price / base quantity) + line charges
/// − line allowances; `None` when a term it needs is missing.
pub fn line_net_amount(line: &Line) -> Option<Decimal> {
    let price = line.price.as_ref()?;
    let net_price = value(price.net_amount.as_ref()).or_else(|| {
        Some(
            value(price.gross_amount.as_ref())?
                - value(price.discount.as_ref()).unwrap_or_default(),
        )
    })?;
    let base = price.base_quantity.unwrap_or(Decimal::ONE);
    if base.is_zero() {
        return None;
    }
    let gross = line.quantity? * net_price;
    // Dividing by one changes no value (and `round2` fixes the scale).
    let mut net = round2(if base == Decimal::ONE {
        gross
    } else {
        gross / base
    });
    for item in &line.allowance_charges {
        let amount = allowance_charge_amount(item)?;
        net += if item.charge_indicator {
            amount
        } else {
            -amount
        };
    }
    Some(round2(net))
}

/// The VAT of `taxable` at `rate` percent, rounded.
pub fn vat_amount(taxable: Decimal, rate: Option<Decimal>) -> Decimal {
    round2(taxable * rate.unwrap_or_default() / Decimal::ONE_HUNDRED)
}

fn amount(value: Decimal, currency: Option<&String>) -> Amount {
    Amount {
        value: round2(value),
        currency: currency.cloned(),
    }
}

/// The BG-23 breakdown computed from the lines and the document-level allowances and
/// charges, one entry per (category, rate) in order of first appearance.
pub fn computed_breakdown(document: &Document) -> Vec<VatBreakdown> {
    let mut entries: Vec<(Option<String>, Option<Decimal>, Decimal)> = Vec::new();
    let mut add = |category: &Option<String>, rate: Option<Decimal>, delta: Decimal| {
        let key_rate = rate.map(|rate| rate.normalize());
        match entries
            .iter_mut()
            .find(|(c, r, _)| c == category && *r == key_rate)
        {
            Some(entry) => entry.2 += delta,
            None => entries.push((category.clone(), key_rate, delta)),
        }
    };
    for line in &document.lines {
        let net = value(line.line_extension_amount.as_ref())
            .or_else(|| line_net_amount(line))
            .unwrap_or_default();
        add(&line.vat_category_code, line.vat_rate, net);
    }
    for item in &document.allowance_charges {
        let amount = allowance_charge_amount(item).unwrap_or_default();
        add(
            &item.vat_category_code,
            item.vat_rate,
            if item.charge_indicator {
                amount
            } else {
                -amount
            },
        );
    }
    let currency = document.currency.as_ref();
    entries
        .into_iter()
        .map(|(category_code, rate, taxable)| VatBreakdown {
            taxable_amount: Some(amount(taxable, currency)),
            tax_amount: Some(amount(vat_amount(round2(taxable), rate), currency)),
            category_code,
            rate,
            exemption_reason: None,
            exemption_reason_code: None,
        })
        .collect()
}

/// Fills every derived term the document leaves out: line net amounts, allowance and
/// charge amounts from their base and percentage, net prices from gross price and
/// discount, the VAT breakdown (or its missing tax amounts), the VAT total and the
/// document totals. Given terms are never changed.
pub fn complete(document: &mut Document) {
    fill_currencies(document);
    let currency = document.currency.as_ref();
    for item in &mut document.allowance_charges {
        if item.amount.is_none()
            && let Some(value) = allowance_charge_amount(item)
        {
            item.amount = Some(amount(value, currency));
        }
    }
    for line in &mut document.lines {
        for item in &mut line.allowance_charges {
            if item.amount.is_none()
                && let Some(value) = allowance_charge_amount(item)
            {
                item.amount = Some(amount(value, currency));
            }
        }
        if let Some(price) = &mut line.price
            && price.net_amount.is_none()
            && let Some(gross) = &price.gross_amount
        {
            let net = gross.value - value(price.discount.as_ref()).unwrap_or_default();
            price.net_amount = Some(Amount {
                value: net,
                currency: gross.currency.clone(),
            });
        }
        if line.line_extension_amount.is_none()
            && let Some(net) = line_net_amount(line)
        {
            line.line_extension_amount = Some(amount(net, currency));
        }
    }
    complete_vat(document);
    complete_totals(document);
}

/// Gives every amount sent without a currency the document currency (BT-5), as the
/// gateway's JSON allows. BT-111 is the exception: it is in the tax currency (BT-6).
fn fill_currencies(document: &mut Document) {
    let Some(currency) = document.currency.as_ref() else {
        return;
    };
    let fill = |amount: &mut Option<Amount>| {
        if let Some(amount) = amount
            && amount.currency.is_none()
        {
            amount.currency = Some(currency.clone());
        }
    };
    let fill_charge = |item: &mut AllowanceCharge| {
        fill(&mut item.amount);
        fill(&mut item.base_amount);
    };
    let totals = &mut document.totals;
    for amount in [
        &mut totals.line_extension_amount,
        &mut totals.tax_exclusive_amount,
        &mut totals.tax_inclusive_amount,
        &mut totals.allowance_total_amount,
        &mut totals.charge_total_amount,
        &mut totals.prepaid_amount,
        &mut totals.rounding_amount,
        &mut totals.payable_amount,
    ] {
        fill(amount);
    }
    document.allowance_charges.iter_mut().for_each(fill_charge);
    let tax_currency = document.tax_currency.is_some();
    for (index, total) in document.tax_totals.iter_mut().enumerate() {
        let in_tax_currency = index > 0 && total.subtotals.is_empty() && tax_currency;
        if !in_tax_currency {
            fill(&mut total.tax_amount);
        }
        for entry in &mut total.subtotals {
            fill(&mut entry.taxable_amount);
            fill(&mut entry.tax_amount);
        }
    }
    for line in &mut document.lines {
        fill(&mut line.line_extension_amount);
        line.allowance_charges.iter_mut().for_each(fill_charge);
        if let Some(price) = &mut line.price {
            fill(&mut price.net_amount);
            fill(&mut price.discount);
            fill(&mut price.gross_amount);
        }
    }
}

fn complete_vat(document: &mut Document) {
    let has_breakdown = document
        .tax_totals
        .iter()
        .any(|total| !total.subtotals.is_empty());
    if !has_breakdown {
        let breakdown = computed_breakdown(document);
        let currency = document.currency.as_ref();
        match document.tax_totals.iter_mut().find(|total| {
            total.tax_amount.as_ref().and_then(|a| a.currency.as_ref()) == currency
                || total.tax_amount.is_none()
        }) {
            Some(total) => total.subtotals = breakdown,
            None => document.tax_totals.insert(
                0,
                TaxTotal {
                    tax_amount: None,
                    subtotals: breakdown,
                },
            ),
        }
    }
    let currency = document.currency.as_ref();
    for total in &mut document.tax_totals {
        if total.subtotals.is_empty() {
            continue;
        }
        for entry in &mut total.subtotals {
            if entry.tax_amount.is_none()
                && let Some(taxable) = &entry.taxable_amount
            {
                entry.tax_amount = Some(amount(
                    vat_amount(taxable.value, entry.rate),
                    taxable.currency.as_ref(),
                ));
            }
        }
        if total.tax_amount.is_none() {
            let sum: Decimal = total
                .subtotals
                .iter()
                .filter_map(|entry| value(entry.tax_amount.as_ref()))
                .sum();
            total.tax_amount = Some(amount(sum, currency));
        }
    }
}

fn complete_totals(document: &mut Document) {
    let currency = document.currency.as_ref();
    let totals = &mut document.totals;
    if totals.line_extension_amount.is_none() {
        let nets: Option<Vec<Decimal>> = document
            .lines
            .iter()
            .map(|line| value(line.line_extension_amount.as_ref()))
            .collect();
        if let Some(nets) = nets {
            totals.line_extension_amount = Some(amount(nets.into_iter().sum(), currency));
        }
    }
    let sum_of = |charges: bool| -> Decimal {
        document
            .allowance_charges
            .iter()
            .filter(|item| item.charge_indicator == charges)
            .filter_map(|item| value(item.amount.as_ref()))
            .sum()
    };
    let has = |charges: bool| {
        document
            .allowance_charges
            .iter()
            .any(|item| item.charge_indicator == charges)
    };
    if totals.allowance_total_amount.is_none() && has(false) {
        totals.allowance_total_amount = Some(amount(sum_of(false), currency));
    }
    if totals.charge_total_amount.is_none() && has(true) {
        totals.charge_total_amount = Some(amount(sum_of(true), currency));
    }
    if totals.tax_exclusive_amount.is_none()
        && let Some(lines) = value(totals.line_extension_amount.as_ref())
    {
        let exclusive = lines - value(totals.allowance_total_amount.as_ref()).unwrap_or_default()
            + value(totals.charge_total_amount.as_ref()).unwrap_or_default();
        totals.tax_exclusive_amount = Some(amount(exclusive, currency));
    }
    let vat = document
        .tax_totals
        .iter()
        .filter_map(|total| total.tax_amount.as_ref())
        .find(|tax| tax.currency.as_ref() == currency)
        .map_or(Decimal::ZERO, |tax| tax.value);
    if totals.tax_inclusive_amount.is_none()
        && let Some(exclusive) = value(totals.tax_exclusive_amount.as_ref())
    {
        totals.tax_inclusive_amount = Some(amount(exclusive + vat, currency));
    }
    if totals.payable_amount.is_none()
        && let Some(inclusive) = value(totals.tax_inclusive_amount.as_ref())
    {
        let payable = inclusive - value(totals.prepaid_amount.as_ref()).unwrap_or_default()
            + value(totals.rounding_amount.as_ref()).unwrap_or_default();
        totals.payable_amount = Some(amount(payable, currency));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::model::{DocumentKind, Price};

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn line(quantity: &str, price: &str, category: &str, rate: &str) -> Line {
        Line {
            quantity: Some(dec(quantity)),
            price: Some(Price {
                net_amount: Some(Amount::new(dec(price), "EUR")),
                ..Price::default()
            }),
            vat_category_code: Some(category.to_owned()),
            vat_rate: Some(dec(rate)),
            ..Line::default()
        }
    }

    #[test]
    fn seed_invoice_totals() {
        let mut document = Document::empty(DocumentKind::Invoice);
        document.currency = Some("EUR".to_owned());
        document.lines.push(line("10", "100.00", "S", "21.00"));
        complete(&mut document);
        assert_eq!(
            document.lines[0].line_extension_amount,
            Some(Amount::new(dec("1000.00"), "EUR"))
        );
        let breakdown = document.vat_breakdown();
        assert_eq!(breakdown.len(), 1);
        assert_eq!(
            breakdown[0].tax_amount,
            Some(Amount::new(dec("210.00"), "EUR"))
        );
        assert_eq!(
            document.totals.tax_inclusive_amount,
            Some(Amount::new(dec("1210.00"), "EUR"))
        );
        assert_eq!(
            document.totals.payable_amount,
            Some(Amount::new(dec("1210.00"), "EUR"))
        );
    }

    #[test]
    fn base_quantity_and_line_allowance() {
        let mut item = line("3", "10", "S", "25");
        if let Some(price) = &mut item.price {
            price.base_quantity = Some(dec("2"));
        }
        item.allowance_charges.push(AllowanceCharge {
            charge_indicator: false,
            base_amount: Some(Amount::new(dec("15"), "EUR")),
            percentage: Some(dec("10")),
            ..AllowanceCharge::default()
        });
        assert_eq!(line_net_amount(&item), Some(dec("13.50")));
    }

    #[test]
    fn amounts_without_currency_get_the_document_currency() {
        let mut document = Document::empty(DocumentKind::Invoice);
        document.currency = Some("EUR".to_owned());
        let mut item = line("2", "5", "S", "20");
        if let Some(price) = &mut item.price {
            price.net_amount.as_mut().unwrap().currency = None;
        }
        document.lines.push(item);
        complete(&mut document);
        let price = document.lines[0].price.as_ref().unwrap();
        assert_eq!(
            price.net_amount.as_ref().unwrap().currency.as_deref(),
            Some("EUR")
        );
        assert_eq!(
            document
                .totals
                .payable_amount
                .as_ref()
                .unwrap()
                .currency
                .as_deref(),
            Some("EUR")
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round2(dec("0.125")).to_string(), "0.13");
        assert_eq!(round2(dec("-0.125")).to_string(), "-0.13");
        assert_eq!(round2(dec("7")).to_string(), "7.00");
    }

    #[test]
    fn document_allowance_reduces_its_category() {
        let mut document = Document::empty(DocumentKind::Invoice);
        document.currency = Some("EUR".to_owned());
        document.lines.push(line("1", "100", "S", "20"));
        document.lines.push(line("1", "50", "Z", "0"));
        document.allowance_charges.push(AllowanceCharge {
            charge_indicator: false,
            amount: Some(Amount::new(dec("10"), "EUR")),
            vat_category_code: Some("S".to_owned()),
            vat_rate: Some(dec("20")),
            ..AllowanceCharge::default()
        });
        complete(&mut document);
        let breakdown = document.vat_breakdown();
        assert_eq!(
            breakdown[0].taxable_amount.as_ref().unwrap().value,
            dec("90.00")
        );
        assert_eq!(
            breakdown[0].tax_amount.as_ref().unwrap().value,
            dec("18.00")
        );
        assert_eq!(
            document.totals.tax_exclusive_amount.as_ref().unwrap().value,
            dec("140.00")
        );
        assert_eq!(
            document.totals.tax_inclusive_amount.as_ref().unwrap().value,
            dec("158.00")
        );
    }
}
