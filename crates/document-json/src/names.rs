//! The symbolic names the JSON accepts for codes (seed 004), and the codes they stand
//! for. Where a name is accepted, a raw code is accepted too, when it has the shape of
//! its list's codes (UNCL 1001: one to three digits; UNCL 4461: one or two digits or
//! `ZZZ`; EAS: four digits or two upper-case letters). The raw code is kept as sent and
//! the rules check it against its code list (BR-CL-*) with the official rule ids; any
//! other string is an unknown name.

use einvoice_domain::document::model::DocumentKind;

/// `@type`: the two document shapes.
pub const DOCUMENT_TYPES: &[(&str, DocumentKind)] = &[
    ("InvoiceDocument", DocumentKind::Invoice),
    ("CreditNoteDocument", DocumentKind::CreditNote),
];

/// `typeCode` (BT-3): names of UNCL 1001 document type codes, covering every code of
/// Peppol BIS 3's invoice and credit note subsets, plus self-billed credit notes (261).
pub const TYPE_CODES: &[(&str, &str)] = &[
    ("COMMERCIAL_INVOICE", "380"),
    ("CREDIT_NOTE", "381"),
    ("DEBIT_NOTE", "383"),
    ("CORRECTED_INVOICE", "384"),
    ("PREPAYMENT_INVOICE", "386"),
    ("SELF_BILLED_INVOICE", "389"),
    ("SELF_BILLED_CREDIT_NOTE", "261"),
    ("PARTIAL_INVOICE", "326"),
    ("PARTIAL_CONSTRUCTION_INVOICE", "875"),
    ("PARTIAL_FINAL_CONSTRUCTION_INVOICE", "876"),
    ("FINAL_CONSTRUCTION_INVOICE", "877"),
    ("REQUEST_FOR_PAYMENT", "71"),
    ("DEBIT_NOTE_GOODS_OR_SERVICES", "80"),
    ("CREDIT_NOTE_GOODS_OR_SERVICES", "81"),
    ("METERED_SERVICES_INVOICE", "82"),
    ("CREDIT_NOTE_FINANCIAL_ADJUSTMENTS", "83"),
    ("DEBIT_NOTE_FINANCIAL_ADJUSTMENTS", "84"),
    ("TAX_NOTIFICATION", "102"),
    ("FINAL_PAYMENT_REQUEST_COMPLETED_WORK", "218"),
    ("PAYMENT_REQUEST_COMPLETED_UNITS", "219"),
    ("COMMERCIAL_INVOICE_WITH_PACKING_LIST", "331"),
    ("COMMISSION_NOTE", "382"),
    ("TAX_INVOICE", "388"),
    ("FACTORED_INVOICE", "393"),
    ("CONSIGNMENT_INVOICE", "395"),
    ("FACTORED_CREDIT_NOTE", "396"),
    ("FORWARDERS_CREDIT_NOTE", "532"),
    ("FORWARDERS_INVOICE_DISCREPANCY_REPORT", "553"),
    ("INSURERS_INVOICE", "575"),
    ("FORWARDERS_INVOICE", "623"),
    ("FREIGHT_INVOICE", "780"),
    ("CLAIM_NOTIFICATION", "817"),
    ("CONSULAR_INVOICE", "870"),
];

/// `payment.paymentMeansCode` (BT-81): names of UNCL 4461 payment means codes.
pub const PAYMENT_MEANS_CODES: &[(&str, &str)] = &[
    ("INSTRUMENT_NOT_DEFINED", "1"),
    ("CASH", "10"),
    ("CHEQUE", "20"),
    ("CREDIT_TRANSFER", "30"),
    ("DEBIT_TRANSFER", "31"),
    ("PAYMENT_TO_BANK_ACCOUNT", "42"),
    ("BANK_CARD", "48"),
    ("DIRECT_DEBIT", "49"),
    ("CREDIT_CARD", "54"),
    ("DEBIT_CARD", "55"),
    ("STANDING_AGREEMENT", "57"),
    ("SEPA_CREDIT_TRANSFER", "58"),
    ("SEPA_DIRECT_DEBIT", "59"),
    ("ONLINE_PAYMENT_SERVICE", "68"),
    ("CLEARING_BETWEEN_PARTNERS", "97"),
    ("MUTUALLY_DEFINED", "ZZZ"),
];

/// `electronicAddressSchemeId` (BT-34-1, BT-49-1): names of Peppol EAS codes (seed 004).
pub const ELECTRONIC_ADDRESS_SCHEMES: &[(&str, &str)] = &[
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
];

/// The code `name` stands for in `table`.
pub fn code_for(table: &[(&'static str, &'static str)], name: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, code)| *code)
}

/// The code lists that accept symbolic names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum List {
    TypeCode,
    PaymentMeans,
    ElectronicAddressScheme,
}

impl List {
    /// The names of the list.
    pub(crate) fn names(self) -> &'static [(&'static str, &'static str)] {
        match self {
            List::TypeCode => TYPE_CODES,
            List::PaymentMeans => PAYMENT_MEANS_CODES,
            List::ElectronicAddressScheme => ELECTRONIC_ADDRESS_SCHEMES,
        }
    }

    /// What the list's codes are, for messages.
    pub(crate) fn what(self) -> &'static str {
        match self {
            List::TypeCode => "document type",
            List::PaymentMeans => "payment means",
            List::ElectronicAddressScheme => "electronic address scheme",
        }
    }

    /// Whether `text` has the shape of a raw code of the list.
    pub(crate) fn is_raw_code(self, text: &str) -> bool {
        let digits = |range: std::ops::RangeInclusive<usize>| {
            range.contains(&text.len()) && text.bytes().all(|byte| byte.is_ascii_digit())
        };
        match self {
            List::TypeCode => digits(1..=3),
            List::PaymentMeans => digits(1..=2) || text == "ZZZ",
            List::ElectronicAddressScheme => {
                digits(4..=4)
                    || (text.len() == 2 && text.bytes().all(|byte| byte.is_ascii_uppercase()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use einvoice_domain::document::code_lists::{
        EAS, UNCL_1001_CREDIT_NOTE, UNCL_1001_INVOICE, UNCL_4461, contains,
    };

    use super::*;

    #[test]
    fn names_and_codes_are_unique_and_codes_are_listed() {
        for list in [
            List::TypeCode,
            List::PaymentMeans,
            List::ElectronicAddressScheme,
        ] {
            let table = list.names();
            let names: HashSet<_> = table.iter().map(|(name, _)| name).collect();
            let codes: HashSet<_> = table.iter().map(|(_, code)| code).collect();
            assert_eq!(names.len(), table.len());
            assert_eq!(codes.len(), table.len());
            assert!(table.iter().all(|(_, code)| list.is_raw_code(code)));
        }
        assert!(TYPE_CODES.iter().all(|(_, code)| {
            *code == "261"
                || contains(UNCL_1001_INVOICE, code)
                || contains(UNCL_1001_CREDIT_NOTE, code)
        }));
        assert!(
            PAYMENT_MEANS_CODES
                .iter()
                .all(|(_, code)| contains(UNCL_4461, code))
        );
        assert!(
            ELECTRONIC_ADDRESS_SCHEMES
                .iter()
                .all(|(_, code)| contains(EAS, code))
        );
    }

    #[test]
    fn raw_codes() {
        assert!(List::TypeCode.is_raw_code("380"));
        assert!(List::TypeCode.is_raw_code("81"));
        assert!(!List::TypeCode.is_raw_code("BILL"));
        assert!(!List::TypeCode.is_raw_code("3800"));
        assert!(List::PaymentMeans.is_raw_code("ZZZ"));
        assert!(List::PaymentMeans.is_raw_code("1"));
        assert!(!List::PaymentMeans.is_raw_code("SEPA"));
        assert!(List::ElectronicAddressScheme.is_raw_code("9938"));
        assert!(List::ElectronicAddressScheme.is_raw_code("EM"));
        assert!(!List::ElectronicAddressScheme.is_raw_code("LU_VAT"));
        assert!(!List::ElectronicAddressScheme.is_raw_code("99380"));
        assert!(!List::ElectronicAddressScheme.is_raw_code("em"));
        assert!(!List::TypeCode.is_raw_code(""));
    }
}
