//! Iceland (`IS-R-*`): for a seller whose postal address is in `IS` (the raw country code),
//! some only when the buyer's is too.

use std::io::Write as _;

use super::{Findings, Rule, Vars, fatal, payment_pointer, warning, xpath};
use crate::document::model::{Attachment, Document, DocumentKind, Party};

pub(super) const R001: Rule = warning(
    "IS-R-001",
    "[IS-R-001]-If seller is icelandic then invoice type should be 380 or 381 — Ef seljandi er íslenskur þá ætti gerð reiknings (BT-3) að vera sölureikningur (380) eða kreditreikningur (381).",
);
pub(super) const R002: Rule = fatal(
    "IS-R-002",
    "[IS-R-002]-If seller is icelandic then it shall contain sellers legal id — Ef seljandi er íslenskur þá skal reikningur innihalda íslenska kennitölu seljanda (BT-30).",
);
pub(super) const R003: Rule = fatal(
    "IS-R-003",
    "[IS-R-003]-If seller is icelandic then it shall contain his address with street name and zip code — Ef seljandi er íslenskur þá skal heimilisfang seljanda innihalda götuheiti og póstnúmer (BT-35 og BT-38).",
);
pub(super) const R006: Rule = fatal(
    "IS-R-006",
    "[IS-R-006]-If seller is icelandic and payment means code is 9 then a 12 digit account id must exist — Ef seljandi er íslenskur og greiðslumáti (BT-81) er krafa (kóti 9) þá skal koma fram 12 stafa númer (bankanúmer, höfuðbók 66 og reikningsnúmer) (BT-84)",
);
pub(super) const R007: Rule = fatal(
    "IS-R-007",
    "[IS-R-007]-If seller is icelandic and payment means code is 42 then a 12 digit account id must exist — Ef seljandi er íslenskur og greiðslumáti (BT-81) er millifærsla (kóti 42) þá skal koma fram 12 stafa reikningnúmer (BT-84)",
);
pub(super) const R008: Rule = fatal(
    "IS-R-008",
    "[IS-R-008]-If seller is icelandic and invoice contains supporting description EINDAGI then the id form must be YYYY-MM-DD — Ef seljandi er íslenskur þá skal eindagi (BT-122, DocumentDescription = EINDAGI) vera á forminu YYYY-MM-DD.",
);
pub(super) const R009: Rule = fatal(
    "IS-R-009",
    "[IS-R-009]-If seller is icelandic and invoice contains supporting description EINDAGI invoice must have due date — Ef seljandi er íslenskur þá skal reikningur sem inniheldur eindaga (BT-122, DocumentDescription = EINDAGI) einnig hafa gjalddaga (BT-9).",
);
pub(super) const R010: Rule = fatal(
    "IS-R-010",
    "[IS-R-010]-If seller is icelandic and invoice contains supporting description EINDAGI the id date must be same or later than due date — Ef seljandi er íslenskur þá skal eindagi (BT-122, DocumentDescription = EINDAGI) skal vera sami eða síðar en gjalddagi (BT-9) ef eindagi er til staðar.",
);
pub(super) const R004: Rule = fatal(
    "IS-R-004",
    "[IS-R-004]-If seller and buyer are icelandic then the invoice shall contain the buyers icelandic legal identifier — Ef seljandi og kaupandi eru íslenskir þá skal reikningurinn innihalda íslenska kennitölu kaupanda (BT-47).",
);
pub(super) const R005: Rule = fatal(
    "IS-R-005",
    "[IS-R-005]-If seller and buyer are icelandic then the invoice shall contain the buyers address with street name and zip code — Ef seljandi og kaupandi eru íslenskir þá skal heimilisfang kaupanda innihalda götuheiti og póstnúmer (BT-50 og BT-53)",
);

/// The `DocumentDescription` of the final due date reference.
const EINDAGI: &str = "EINDAGI";

fn icelandic(party: &Party) -> bool {
    super::address_country(party) == Some("IS")
}

/// Checks the Icelandic rules.
pub(super) fn check(vars: &Vars<'_>, findings: &mut Findings) {
    let document = vars.document;
    if !icelandic(&document.seller) {
        return;
    }
    let type_code = document.type_code.as_deref().unwrap_or("");
    if !xpath::norm_in(type_code, &["380", "381"]) {
        findings.fail(&R001, "/typeCode");
    }
    if !legal_id(&document.seller) {
        findings.fail(&R002, "/seller/legalRegistrationId");
    }
    if !street_and_post_code(&document.seller) {
        findings.fail(&R003, "/seller/address");
    }
    for (rule, code) in [(&R006, "9"), (&R007, "42")] {
        let mut means = document
            .payment_means
            .iter()
            .enumerate()
            .filter(|(_, means)| means.code.as_deref() == Some(code))
            .peekable();
        let Some(&(index, _)) = means.peek() else {
            continue;
        };
        // Every account of these payment means (one `PaymentMeans` each once written) has
        // a 12-character identifier, and there is one.
        let mut accounts = means.flat_map(|(_, means)| &means.accounts).peekable();
        let any = accounts.peek().is_some();
        let valid = any
            && accounts.all(|account| {
                account
                    .iban
                    .as_deref()
                    .is_some_and(|id| xpath::normalized_len(id) == 12)
            });
        if !valid {
            findings.fail(rule, payment_pointer(index, "accounts/0/iban"));
        }
    }
    if let Some((index, eindagi)) = document
        .attachments
        .iter()
        .enumerate()
        .find(|(_, attachment)| attachment.description.as_deref() == Some(EINDAGI))
    {
        eindagi_rules(document, index, eindagi, findings);
    }
    if icelandic(&document.buyer) {
        if !legal_id(&document.buyer) {
            findings.fail(&R004, "/buyer/legalRegistrationId");
        }
        if !street_and_post_code(&document.buyer) {
            findings.fail(&R005, "/buyer/address");
        }
    }
}

/// A legal registration identifier in scheme `0196` (Icelandic kennitala).
fn legal_id(party: &Party) -> bool {
    party.legal_registration_id.is_some()
        && party.legal_registration_scheme_id.as_deref() == Some("0196")
}

fn street_and_post_code(party: &Party) -> bool {
    party
        .address
        .as_ref()
        .is_some_and(|address| address.street1.is_some() && address.post_code.is_some())
}

/// `IS-R-008` to `IS-R-010` on the `EINDAGI` reference: its identifier is a date
/// `YYYY-MM-DD`, and the due date (`cbc:DueDate`, which only an invoice has) is given and
/// not later, compared as text (a due date that is not a date is compared as written).
fn eindagi_rules(document: &Document, index: usize, eindagi: &Attachment, findings: &mut Findings) {
    let id = eindagi.id.as_deref().unwrap_or("");
    if xpath::string_length(id) != 10 || !xpath::is_date(id) {
        findings.fail(&R008, format!("/attachments/{index}/id"));
    }
    let mut text = [0u8; 16];
    let due_date: Option<&[u8]> = match (document.kind, document.due_date) {
        (DocumentKind::CreditNote, _) => None,
        (DocumentKind::Invoice, Some(due_date)) => {
            let mut cursor = &mut text[..];
            let written = write!(
                cursor,
                "{:04}-{:02}-{:02}",
                due_date.year(),
                u8::from(due_date.month()),
                due_date.day()
            );
            let length = if written.is_err() {
                0
            } else {
                16 - cursor.len()
            };
            Some(&text[..length])
        }
        (DocumentKind::Invoice, None) => document.unparsed_text("/dueDate").map(str::as_bytes),
    };
    let Some(due_date) = due_date else {
        findings.fail(&R009, "/dueDate");
        findings.fail(&R010, "/dueDate");
        return;
    };
    if eindagi.id.is_none() || due_date > id.as_bytes() {
        findings.fail(&R010, "/dueDate");
    }
}
