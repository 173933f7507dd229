//! Italy (`IT-R-*`): for a seller whose `$supplierCountry` is `IT`.

use super::{Findings, Rule, Vars, fatal, xpath};

pub(super) const R001: Rule = fatal(
    "IT-R-001",
    "[IT-R-001] BT-32 (Seller tax registration identifier) - For Italian suppliers BT-32 minimum length 11 and maximum length shall be 16. Per i fornitori italiani il BT-32 deve avere una lunghezza tra 11 e 16 caratteri",
);
pub(super) const R002: Rule = fatal(
    "IT-R-002",
    "[IT-R-002] BT-35 (Seller address line 1) - Italian suppliers MUST provide the postal address line 1 - I fornitori italiani devono indicare l'indirizzo postale.",
);
pub(super) const R003: Rule = fatal(
    "IT-R-003",
    "[IT-R-003] BT-37 (Seller city) - Italian suppliers MUST provide the postal address city - I fornitori italiani devono indicare la città di residenza.",
);
pub(super) const R004: Rule = fatal(
    "IT-R-004",
    "[IT-R-004] BT-38 (Seller post code) - Italian suppliers MUST provide the postal address post code - I fornitori italiani devono indicare il CAP di residenza.",
);

/// Checks the Italian rules.
pub(super) fn check(vars: &Vars<'_>, findings: &mut Findings) {
    if !vars.supplier_country.is("IT") {
        return;
    }
    let seller = &vars.document.seller;
    if let Some(id) = seller.tax_registration_id.as_deref() {
        let normalized = xpath::normalize(id);
        let shaped = (11..=16).contains(&normalized.len())
            && normalized
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !shaped {
            findings.fail(&R001, "/seller/taxRegistrationId");
        }
    }
    let address = seller.address.as_ref();
    if address
        .and_then(|address| address.street1.as_ref())
        .is_none()
    {
        findings.fail(&R002, "/seller/address/street1");
    }
    if address.and_then(|address| address.city.as_ref()).is_none() {
        findings.fail(&R003, "/seller/address/city");
    }
    if address
        .and_then(|address| address.post_code.as_ref())
        .is_none()
    {
        findings.fail(&R004, "/seller/address/postCode");
    }
}
