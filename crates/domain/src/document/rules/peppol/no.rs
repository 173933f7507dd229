//! Norway (`NO-R-*`): for a seller whose `$supplierCountry` is `NO`.

use super::{Findings, Rule, Vars, fatal, warning, xpath};
use crate::participant::ParticipantId;

pub(super) const R002: Rule = warning(
    "NO-R-002",
    r#"For Norwegian suppliers, most invoice issuers are required to append "Foretaksregisteret" to their invoice. "Dersom selger er aksjeselskap, allmennaksjeselskap eller filial av utenlandsk selskap skal også ordet «Foretaksregisteret» fremgå av salgsdokumentet, jf. foretaksregisterloven § 10-2.""#,
);
pub(super) const R001: Rule = fatal(
    "NO-R-001",
    "For Norwegian suppliers, a VAT number MUST be the country code prefix NO followed by a valid Norwegian organization number (nine numbers) followed by the letters MVA.",
);

/// Checks the Norwegian rules.
pub(super) fn check(vars: &Vars<'_>, findings: &mut Findings) {
    if !vars.supplier_country.is("NO") {
        return;
    }
    let seller = &vars.document.seller;
    let registered = seller
        .tax_registration_id
        .as_deref()
        .is_some_and(|id| xpath::norm_eq(id, "Foretaksregisteret"));
    if !registered {
        findings.fail(&R002, "/seller/taxRegistrationId");
    }
    if let Some(vat) = seller.vat_id.as_deref()
        && xpath::substring(vat, 1, 2) == "NO"
        && !norwegian_vat(vat)
    {
        findings.fail(&R001, "/seller/vatId");
    }
}

/// `NO` + nine digits forming a valid organisation number (`u:mod11`) + `MVA`.
fn norwegian_vat(vat: &str) -> bool {
    let Some(number) = vat
        .strip_prefix("NO")
        .and_then(|rest| rest.strip_suffix("MVA"))
    else {
        return false;
    };
    number.len() == 9
        && number.bytes().all(|b| b.is_ascii_digit())
        && ParticipantId::new("0192", number).is_ok()
}
