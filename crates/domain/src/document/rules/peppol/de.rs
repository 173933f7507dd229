//! Germany (`DE-R-*`, from XRechnung): when both the seller's and the buyer's postal
//! addresses are in `DE` (`$supplierCountryIsDE and $customerCountryIsDE`).

use std::borrow::Cow;

use super::{Findings, Rule, Vars, fatal, payment_pointer, warning, xpath};
use crate::document::model::{Address, Document, PaymentMeans};

pub(super) const R001: Rule = fatal(
    "DE-R-001",
    r#"An invoice shall contain information on "PAYMENT INSTRUCTIONS" (BG-16)."#,
);
pub(super) const R015: Rule = fatal(
    "DE-R-015",
    r#"The element "Buyer reference" (BT-10) shall be provided."#,
);
pub(super) const R016: Rule = fatal(
    "DE-R-016",
    r#"If one of the VAT codes S, Z, E, AE, K, G, L, or M is used, an invoice shall contain at least one of the following elements: "Seller VAT identifier" (BT-31) or "Seller tax registration identifier" (BT-32) or "SELLER TAX REPRESENTATIVE PARTY" (BG-11)."#,
);
pub(super) const R017: Rule = warning(
    "DE-R-017",
    r#"The element "Invoice type code" (BT-3) should only contain the following values from code list UNTDID 1001: 326 (Partial invoice), 380 (Commercial invoice), 384 (Corrected invoice), 389 (Self-billed invoice), 381 (Credit note), 875 (Partial construction invoice), 876 (Partial final construction invoice), 877 (Final construction invoice)."#,
);
pub(super) const R018: Rule = fatal(
    "DE-R-018",
    r#"Information on cash discounts for prompt payment (Skonto) shall be provided within the element "Payment terms" BT-20 in the following way: First segment "SKONTO", second segment amount of days ("TAGE=N"), third segment percentage ("PROZENT=N"). Percentage must be separated by dot with two decimal places. In case the base value of the invoiced amount is not provided in BT-115 but as a partial amount, the base value shall be provided as fourth segment "BASISBETRAG=N" as semantic data type amount. Each entry shall start with a #, the segments must be separated by # and a row shall end with a #. A complete statement on cash discount for prompt payment shall end with a XML-conformant line break. All statements on cash discount for prompt payment shall be given in capital letters. Additional whitespaces (blanks, tabulators or line breaks) are not allowed. Other characters or texts than defined above are not allowed."#,
);
pub(super) const R022: Rule = fatal(
    "DE-R-022",
    r#"Attached documents provided with an invoice in "ADDITIONAL SUPPORTING DOCUMENTS" (BG-24) shall have a unique filename (non case-sensitive) within the element ″Attached document″ (BT-125)."#,
);
pub(super) const R026: Rule = warning(
    "DE-R-026",
    r#"If "Invoice type code" (BT-3) contains the code 384 (Corrected invoice), "PRECEDING INVOICE REFERENCE" (BG-3) should be provided at least once."#,
);
pub(super) const R030: Rule = fatal(
    "DE-R-030",
    r#"If the group "DIRECT DEBIT" (BG-19) is delivered, the element "Bank assigned creditor identifier" (BT-90) shall be provided."#,
);
pub(super) const R031: Rule = fatal(
    "DE-R-031",
    r#"If the group "DIRECT DEBIT" (BG-19) is delivered, the element "Debited account identifier" (BT-91) shall be provided."#,
);
pub(super) const R002: Rule = fatal(
    "DE-R-002",
    r#"The group "SELLER CONTACT" (BG-6) shall be provided."#,
);
pub(super) const R003: Rule = fatal(
    "DE-R-003",
    r#"The element "Seller city" (BT-37) shall be provided."#,
);
pub(super) const R004: Rule = fatal(
    "DE-R-004",
    r#"The element "Seller post code" (BT-38) shall be provided."#,
);
pub(super) const R005: Rule = fatal(
    "DE-R-005",
    r#"The element "Seller contact point" (BT-41) shall be provided."#,
);
pub(super) const R006: Rule = fatal(
    "DE-R-006",
    r#"The element "Seller contact telephone number" (BT-42) shall be provided."#,
);
pub(super) const R007: Rule = fatal(
    "DE-R-007",
    r#"The element "Seller contact email address" (BT-43) shall be provided."#,
);
pub(super) const R027: Rule = warning(
    "DE-R-027",
    r#""Seller contact telephone number" (BT-42) should contain a valid telephone number. A valid telephone should consist of 3 digits minimum."#,
);
pub(super) const R028: Rule = warning(
    "DE-R-028",
    r#""Seller contact email address" (BT-43) should contain exactly one @-sign, which should not be framed by a whitespace or a dot but by at least two characters on each side. A dot should not be the first or last character."#,
);
pub(super) const R008: Rule = fatal(
    "DE-R-008",
    r#"The element "Buyer city" (BT-52) shall be provided."#,
);
pub(super) const R009: Rule = fatal(
    "DE-R-009",
    r#"The element "Buyer post code" (BT-53) shall be provided."#,
);
pub(super) const R010: Rule = fatal(
    "DE-R-010",
    r#"The element "Deliver to city" (BT-77) shall be provided if the group "DELIVER TO ADDRESS" (BG-15) is delivered."#,
);
pub(super) const R011: Rule = fatal(
    "DE-R-011",
    r#"The element "Deliver to post code" (BT-78) shall be provided if the group "DELIVER TO ADDRESS" (BG-15) is delivered."#,
);
pub(super) const R019: Rule = warning(
    "DE-R-019",
    r#"The element "Payment account identifier" (BT-84) should contain a valid IBAN if code 58 SEPA is provided in "Payment means type code" (BT-81)."#,
);
pub(super) const R023_1: Rule = fatal(
    "DE-R-023-1",
    r#"If "Payment means type code" (BT-81) contains a code for credit transfer (30, 58), "CREDIT TRANSFER" (BG-17) shall be provided."#,
);
pub(super) const R023_2: Rule = fatal(
    "DE-R-023-2",
    r#"If "Payment means type code" (BT-81) contains a code for credit transfer (30, 58), BG-18 and BG-19 shall not be provided."#,
);
pub(super) const R024_1: Rule = fatal(
    "DE-R-024-1",
    r#"If "Payment means type code" (BT-81) contains a code for payment card (48, 54, 55), "PAYMENT CARD INFORMATION" (BG-18) shall be provided."#,
);
pub(super) const R024_2: Rule = fatal(
    "DE-R-024-2",
    r#"If "Payment means type code" (BT-81) contains a code for payment card (48, 54, 55), BG-17 and BG-19 shall not be provided."#,
);
pub(super) const R020: Rule = warning(
    "DE-R-020",
    r#"The element "Debited account identifier" (BT-91) should contain a valid IBAN if code 59 SEPA is provided in "Payment means type code" (BT-81)."#,
);
pub(super) const R025_1: Rule = fatal(
    "DE-R-025-1",
    r#"If "Payment means type code" (BT-81) contains a code for direct debit (59), "DIRECT DEBIT" (BG-19) shall be provided."#,
);
pub(super) const R025_2: Rule = fatal(
    "DE-R-025-2",
    r#"If "Payment means type code" (BT-81) contains a code for direct debit (59), BG-17 and BG-18 shall not be provided."#,
);
pub(super) const R014: Rule = fatal(
    "DE-R-014",
    r#"The element "VAT category rate" (BT-119) shall be provided."#,
);

/// The VAT categories that need a seller VAT or tax registration identifier or a tax
/// representative (`DE-R-016`).
const VAT_CODES_NEEDING_REGISTRATION: [&str; 8] = ["S", "Z", "E", "AE", "K", "G", "L", "M"];

/// The type codes `DE-R-017` expects.
const TYPE_CODES: [&str; 8] = ["326", "380", "384", "389", "381", "875", "876", "877"];

/// The characters of an e-mail address's local part (`DE-R-028`) besides letters and
/// digits: ``!#$%&"*+/=?^_`{|}~-``.
const EMAIL_LOCAL_SYMBOLS: &[u8] = b"!#$%&\"*+/=?^_`{|}~-";

/// Checks the German rules.
pub(super) fn check(vars: &Vars<'_>, findings: &mut Findings) {
    if !vars.german_parties {
        return;
    }
    let document = vars.document;
    document_rules(document, findings);
    let seller = &document.seller;
    match &seller.contact {
        None => findings.fail(&R002, "/seller/contact"),
        Some(contact) => {
            if !xpath::has_text(contact.name.as_deref()) {
                findings.fail(&R005, "/seller/contact/name");
            }
            if !xpath::has_text(contact.phone.as_deref()) {
                findings.fail(&R006, "/seller/contact/phone");
            }
            if !xpath::has_text(contact.email.as_deref()) {
                findings.fail(&R007, "/seller/contact/email");
            }
            let digits = contact
                .phone
                .as_deref()
                .map_or(0, |phone| phone.bytes().filter(u8::is_ascii_digit).count());
            if digits < 3 {
                findings.fail(&R027, "/seller/contact/phone");
            }
            if !contact
                .email
                .as_deref()
                .is_some_and(|email| email_address(&xpath::normalize(email)))
            {
                findings.fail(&R028, "/seller/contact/email");
            }
        }
    }
    let addresses = [
        (seller.address.as_ref(), (&R003, &R004), "/seller/address"),
        (
            document.buyer.address.as_ref(),
            (&R008, &R009),
            "/buyer/address",
        ),
        (
            document.delivery.as_ref().and_then(|d| d.address.as_ref()),
            (&R010, &R011),
            "/delivery/address",
        ),
    ];
    for (address, (city_rule, post_code_rule), pointer) in addresses {
        let Some(address) = address else { continue };
        address_rules(address, city_rule, post_code_rule, pointer, findings);
    }
    for (index, means) in document.payment_means.iter().enumerate() {
        payment_means(index, means, findings);
    }
    for total in &document.tax_totals {
        for (index, entry) in total.subtotals.iter().enumerate() {
            if entry.rate.is_none() {
                findings.fail(&R014, format!("/taxBreakdown/{index}/rate"));
            }
        }
    }
}

fn address_rules(
    address: &Address,
    city: &Rule,
    post_code: &Rule,
    pointer: &str,
    findings: &mut Findings,
) {
    if !xpath::has_text(address.city.as_deref()) {
        findings.fail(city, format!("{pointer}/city"));
    }
    if !xpath::has_text(address.post_code.as_deref()) {
        findings.fail(post_code, format!("{pointer}/postCode"));
    }
}

/// Whether `means` has a `PaymentMandate` (BT-89 or BT-91; BT-90 is a party identifier).
fn has_mandate(means: &PaymentMeans) -> bool {
    means
        .direct_debit
        .as_ref()
        .is_some_and(|debit| debit.mandate_reference.is_some() || debit.debited_account.is_some())
}

/// The document-level rules.
fn document_rules(document: &Document, findings: &mut Findings) {
    if document.payment_means.is_empty() {
        findings.fail(&R001, "/payment");
    }
    if !xpath::has_text(document.buyer_reference.as_deref()) {
        findings.fail(&R015, "/buyerReference");
    }
    let needs_registration = |code: Option<&String>| {
        code.is_some_and(|code| VAT_CODES_NEEDING_REGISTRATION.contains(&code.as_str()))
    };
    let categories = document
        .allowance_charges
        .iter()
        .any(|item| needs_registration(item.vat_category_code.as_ref()))
        || document
            .lines
            .iter()
            .any(|line| needs_registration(line.vat_category_code.as_ref()));
    let seller = &document.seller;
    let registered = document.tax_representative.is_some()
        || xpath::has_text(seller.vat_id.as_deref())
        || xpath::has_text(seller.tax_registration_id.as_deref());
    if categories && !registered {
        findings.fail(&R016, "/seller/vatId");
    }
    if !document
        .type_code
        .as_deref()
        .is_some_and(|code| TYPE_CODES.contains(&code))
    {
        findings.fail(&R017, "/typeCode");
    }
    if !skonto(document.payment_terms.as_deref()) {
        findings.fail(&R018, "/paymentTermsText");
    }
    for (index, attachment) in document.attachments.iter().enumerate() {
        let Some(filename) = attachment.filename.as_deref() else {
            continue;
        };
        let earlier = &document.attachments[..index];
        if earlier
            .iter()
            .any(|other| other.filename.as_deref() == Some(filename))
        {
            findings.fail(&R022, format!("/attachments/{index}/filename"));
        }
    }
    let corrected = document.type_code.as_deref().is_some_and(|code| {
        let number = xpath::number(code);
        (number - 384.0).abs() < f64::EPSILON
    });
    // An `InvoiceDocumentReference` has an identifier (and maybe a date): an entry with
    // neither is a `BillingReference` without one.
    let referenced = document
        .preceding_invoices
        .iter()
        .enumerate()
        .any(|(index, preceding)| {
            preceding.number.is_some()
                || document.has_value(preceding.issue_date.is_some(), || {
                    format!("/precedingInvoices/{index}/issueDate")
                })
        });
    if corrected && !referenced {
        findings.fail(&R026, "/precedingInvoices");
    }
    if document.payment_means.iter().any(has_mandate) {
        let sepa = |scheme: Option<&String>| scheme.is_some_and(|scheme| scheme == "SEPA");
        let creditor = seller
            .identifiers
            .iter()
            .any(|id| sepa(id.scheme_id.as_ref()))
            || document.payee.as_ref().is_some_and(|payee| {
                payee
                    .identifier
                    .as_ref()
                    .is_some_and(|id| sepa(id.scheme_id.as_ref()))
            })
            || document.payment_means.iter().any(|means| {
                means
                    .direct_debit
                    .as_ref()
                    .is_some_and(|debit| debit.creditor_id.is_some())
            });
        if !creditor {
            findings.fail(&R030, payment_pointer(0, "directDebit/creditorId"));
        }
        let debited = document.payment_means.iter().any(|means| {
            means
                .direct_debit
                .as_ref()
                .is_some_and(|debit| debit.debited_account.is_some())
        });
        if !debited {
            findings.fail(&R031, payment_pointer(0, "directDebit/debitedAccount"));
        }
    }
}

/// The payment means rules (`DE-R-019`, `DE-R-020`, `DE-R-023-*` to `DE-R-025-*`), by
/// the number of the payment means code.
fn payment_means(index: usize, means: &PaymentMeans, findings: &mut Findings) {
    let code = means.code.as_deref().unwrap_or("");
    let number = xpath::number(code);
    let is = |value: f64| (number - value).abs() < f64::EPSILON;
    let has_accounts = !means.accounts.is_empty();
    if is(30.0) || is(58.0) {
        // The writer renders one `PaymentMeans` per account (BG-17): every account counts.
        let ibans_valid = if means.accounts.is_empty() {
            xpath::german_iban(None)
        } else {
            means
                .accounts
                .iter()
                .all(|account| xpath::german_iban(account.iban.as_deref()))
        };
        if code == "58" && !ibans_valid {
            findings.fail(&R019, payment_pointer(index, "accounts/0/iban"));
        }
        if !has_accounts {
            findings.fail(&R023_1, payment_pointer(index, "accounts"));
        }
        if means.card.is_some() || has_mandate(means) {
            findings.fail(&R023_2, payment_pointer(index, "paymentMeansCode"));
        }
    }
    if is(48.0) || is(54.0) || is(55.0) {
        if means.card.is_none() {
            findings.fail(&R024_1, payment_pointer(index, "card"));
        }
        if has_accounts || has_mandate(means) {
            findings.fail(&R024_2, payment_pointer(index, "paymentMeansCode"));
        }
    }
    if is(59.0) {
        let debited = means
            .direct_debit
            .as_ref()
            .and_then(|debit| debit.debited_account.as_deref());
        if code == "59" && !xpath::german_iban(debited) {
            findings.fail(&R020, payment_pointer(index, "directDebit/debitedAccount"));
        }
        if !has_mandate(means) {
            findings.fail(&R025_1, payment_pointer(index, "directDebit"));
        }
        if has_accounts || means.card.is_some() {
            findings.fail(&R025_2, payment_pointer(index, "paymentMeansCode"));
        }
    }
}

/// `DE-R-018`: every line of the payment terms that starts with `#` (once normalized) is
/// a cash discount entry `#SKONTO#TAGE=n#PROZENT=n.nn#` (optionally with
/// `BASISBETRAG=[-]n.nn#` before the last `#`), and the text after the last `#...#` starts
/// with a line break (after optional whitespace).
fn skonto(terms: Option<&str>) -> bool {
    let Some(terms) = terms else { return true };
    let mut entries = terms
        .split('\n')
        .map(|line| xpath::normalize(line.strip_suffix('\r').unwrap_or(line)))
        .filter(|line| line.starts_with('#'))
        .peekable();
    if entries.peek().is_none() {
        return true;
    }
    let ends_with_line_break = starts_with_line_break(after_last_hash_pair(terms));
    entries.all(|line: Cow<'_, str>| ends_with_line_break && ends_with_skonto_entry(&line))
}

/// `matches(line, '#(SKONTO)#TAGE=([0-9]+#PROZENT=[0-9]+\.[0-9]{2})(#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#$')`:
/// the line ends with a cash discount entry.
fn ends_with_skonto_entry(line: &str) -> bool {
    line.match_indices("#SKONTO#TAGE=")
        .any(|(start, _)| skonto_entry(&line[start..]))
}

/// Whether `text` is exactly one cash discount entry.
fn skonto_entry(text: &str) -> bool {
    fn digits(text: &str) -> Option<&str> {
        let rest = text.trim_start_matches(|c: char| c.is_ascii_digit());
        (rest.len() < text.len()).then_some(rest)
    }
    fn amount(text: &str) -> Option<&str> {
        let rest = digits(text)?.strip_prefix('.')?;
        let bytes = rest.as_bytes();
        (bytes.len() >= 2 && bytes[0].is_ascii_digit() && bytes[1].is_ascii_digit())
            .then(|| &rest[2..])
    }
    let entry = || -> Option<bool> {
        let rest = digits(text.strip_prefix("#SKONTO#TAGE=")?)?;
        let rest = amount(rest.strip_prefix("#PROZENT=")?)?;
        if rest == "#" {
            return Some(true);
        }
        let base = rest.strip_prefix("#BASISBETRAG=")?;
        let rest = amount(base.strip_prefix('-').unwrap_or(base))?;
        Some(rest == "#")
    };
    entry().unwrap_or(false)
}

/// The last token of `tokenize(terms, '#.+#')`: the text after the last match of `#.+#`
/// (greedy, within a line).
fn after_last_hash_pair(terms: &str) -> &str {
    let mut end_of_last = 0;
    let mut position = 0;
    while let Some(found) = terms[position..].find('#') {
        let start = position + found;
        let line = &terms[start + 1..];
        let line = &line[..line.find(['\n', '\r']).unwrap_or(line.len())];
        match line.rfind('#') {
            Some(last) if last >= 1 => {
                end_of_last = start + 1 + last + 1;
                position = end_of_last;
            }
            _ => position = start + 1,
        }
    }
    &terms[end_of_last..]
}

/// `matches(text, '^\s*\n')`.
fn starts_with_line_break(text: &str) -> bool {
    for c in text.chars() {
        match c {
            '\n' => return true,
            ' ' | '\t' | '\r' => {}
            _ => return false,
        }
    }
    false
}

/// `DE-R-028`'s e-mail pattern: dot-separated atoms of letters, digits and the symbols of
/// [`EMAIL_LOCAL_SYMBOLS`], an `@`, and two or more dot-separated labels of letters,
/// digits and inner hyphens.
fn email_address(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_char = |b: u8| b.is_ascii_alphanumeric() || EMAIL_LOCAL_SYMBOLS.contains(&b);
    let atoms = local
        .split('.')
        .all(|atom| !atom.is_empty() && atom.bytes().all(local_char));
    let label = |label: &str| {
        let bytes = label.as_bytes();
        !bytes.is_empty()
            && bytes[0].is_ascii_alphanumeric()
            && bytes[bytes.len() - 1].is_ascii_alphanumeric()
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
    };
    atoms && domain.split('.').count() >= 2 && domain.split('.').all(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skonto_entries() {
        let terms =
            "#SKONTO#TAGE=7#PROZENT=2.00#\n    #SKONTO#TAGE=14#PROZENT=1.00#BASISBETRAG=-5.53#\n";
        assert!(skonto(Some(terms)));
        assert!(!skonto(Some("#SKONTO#TAGE=7#PROZENT=2.00#")));
        assert!(!skonto(Some("#SKONTO#TAGE=7#PROZENT=2.0#\n")));
        assert!(!skonto(Some("#skonto#TAGE=7#PROZENT=2.00#\n")));
        assert!(skonto(Some("Zahlbar in 30 Tagen")));
        assert!(skonto(None));
    }

    #[test]
    fn email_addresses() {
        assert!(email_address("info@seller.de"));
        assert!(email_address("a.b+c@x-y.example.com"));
        assert!(!email_address("info@seller"));
        assert!(!email_address("info@@seller.de"));
        assert!(!email_address(".info@seller.de"));
        assert!(!email_address("info@-seller.de"));
        assert!(!email_address("in fo@seller.de"));
    }
}
