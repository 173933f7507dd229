//! The identifiers an SMP publishes: document types (`busdox-docid-qns`), processes
//! (`cenbii-procid-ubl`) and transport profiles.

use std::fmt;

/// Why a text is not a document type identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a busdox-docid-qns document type identifier")]
pub struct DocumentTypeIdError(pub String);

/// A document type identifier of scheme `busdox-docid-qns`:
/// `root-namespace::local-name##customization-id::version`. Peppol treats these values
/// case-sensitively; only the scheme prefix is case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentTypeId(String);

impl DocumentTypeId {
    /// The identifier scheme of document types, which prefixes their URI form.
    pub const SCHEME: &'static str = "busdox-docid-qns";

    /// Peppol BIS Billing 3.0 invoice (UBL 2.1).
    pub fn bis_billing_invoice() -> Self {
        Self(
            "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##\
             urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1"
                .to_owned(),
        )
    }

    /// Peppol BIS Billing 3.0 credit note (UBL 2.1).
    pub fn bis_billing_credit_note() -> Self {
        Self(
            "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##\
             urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1"
                .to_owned(),
        )
    }

    /// The document types the gateway receives for every published legal entity.
    pub fn supported() -> [Self; 2] {
        [Self::bis_billing_invoice(), Self::bis_billing_credit_note()]
    }

    /// Parses a value (`...::...##...::...`), optionally prefixed by `busdox-docid-qns::`
    /// (in any case).
    pub fn parse(text: &str) -> Result<Self, DocumentTypeIdError> {
        let prefix_len = Self::SCHEME.len() + 2;
        let value = match text.get(..prefix_len) {
            Some(head) if head.eq_ignore_ascii_case(&format!("{}::", Self::SCHEME)) => {
                &text[prefix_len..]
            }
            _ => text,
        };
        let well_formed = value.len() <= 500
            && value.bytes().all(|b| b.is_ascii_graphic())
            && value.split_once("##").is_some_and(|(root, rest)| {
                root.split_once("::")
                    .is_some_and(|(ns, local)| !ns.is_empty() && !local.is_empty())
                    && !rest.is_empty()
            });
        if well_formed {
            Ok(Self(value.to_owned()))
        } else {
            Err(DocumentTypeIdError(text.to_owned()))
        }
    }

    /// The value, without scheme.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URI form, `busdox-docid-qns::value`.
    pub fn to_uri(&self) -> String {
        format!("{}::{}", Self::SCHEME, self.0)
    }
}

impl fmt::Display for DocumentTypeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The process identifier scheme of Peppol BIS.
pub const PROCESS_SCHEME: &str = "cenbii-procid-ubl";

/// The process of Peppol BIS Billing 3.0.
pub const BIS_BILLING_PROCESS: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/// A process identifier (scheme `cenbii-procid-ubl`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProcessId(String);

impl ProcessId {
    /// Peppol BIS Billing 3.0.
    pub fn bis_billing() -> Self {
        Self(BIS_BILLING_PROCESS.to_owned())
    }

    /// A process identifier as read from an SMP.
    pub fn new(value: &str) -> Self {
        Self(value.to_owned())
    }

    /// The value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The Peppol AS4 transport profile.
pub const TRANSPORT_PROFILE_AS4: &str = "peppol-transport-as4-v2_0";

/// A transport profile identifier (`peppol-transport-as4-v2_0`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TransportProfile(String);

impl TransportProfile {
    /// Peppol AS4 v2.
    pub fn peppol_as4() -> Self {
        Self(TRANSPORT_PROFILE_AS4.to_owned())
    }

    /// A profile as read from an SMP.
    pub fn new(value: &str) -> Self {
        Self(value.to_owned())
    }

    /// The value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_values_with_and_without_scheme() {
        let invoice = DocumentTypeId::bis_billing_invoice();
        assert_eq!(DocumentTypeId::parse(invoice.as_str()), Ok(invoice.clone()));
        assert_eq!(
            DocumentTypeId::parse(&invoice.to_uri()),
            Ok(invoice.clone())
        );
        let upper = invoice
            .to_uri()
            .replacen("busdox-docid-qns", "BUSDOX-DOCID-QNS", 1);
        assert_eq!(DocumentTypeId::parse(&upper), Ok(invoice));
    }

    #[test]
    fn refuses_malformed_values() {
        for text in [
            "",
            "Invoice",
            "a::b",
            "a::b##",
            "::b##c",
            "a b::c##d",
            "a::##c",
        ] {
            assert!(DocumentTypeId::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn values_are_case_sensitive() {
        let invoice = DocumentTypeId::bis_billing_invoice();
        let other = DocumentTypeId::parse(&invoice.as_str().to_lowercase()).expect("well formed");
        assert_ne!(invoice, other);
    }
}
