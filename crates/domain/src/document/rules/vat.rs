//! EN 16931 VAT category rules, as the CEN UBL schematron states them: BR-S (standard
//! rated), BR-Z (zero rated), BR-E (exempt), BR-AE (reverse charge), BR-G (export outside
//! the EU), BR-IC (intra-community supply, category K), BR-O (not subject to VAT), BR-AF
//! (IGIC, category L), BR-AG (IPSI, category M) and BR-B (split payment).
//!
//! The `XPath` semantics that decide edge cases are kept:
//!
//! - a category code is compared after `normalize-space` where the schematron normalizes it,
//!   and verbatim where it does not (BR-AF-01, BR-AF-04, BR-AG-01, BR-B-*);
//! - a missing rate or amount fails a comparison (`xs:decimal(cbc:Percent) = 0` is false on
//!   an empty sequence), except in BR-S-08, BR-AF-08 and BR-AG-08 whose
//!   `every $rate in xs:decimal(cbc:Percent)` holds when the rate is missing;
//! - sums skip missing amounts, and `//cac:AllowanceCharge` also reaches line-level
//!   allowances and charges where `/*/cac:AllowanceCharge` does not;
//! - BR-S-09 rounds half toward positive infinity (`round()`), with a tolerance of 1 on
//!   either side, as does BR-S-08.
//!
//! The schematron also requires the category's `TaxScheme/ID` to be VAT; the model has no
//! tax scheme, so every category is taken as a VAT category.

use rust_decimal::Decimal;

use super::{Findings, Rule, Severity, trim_xml_space};
use crate::document::model::{AllowanceCharge, Amount, Document, Line, VatBreakdown};

const AE_01: Rule = Rule {
    id: "BR-AE-01",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is \"Reverse charge\" shall contain in the VAT Breakdown (BG-23) exactly one VAT category code (BT-118) equal with \"VAT reverse charge\".",
};
const AE_02: Rule = Rule {
    id: "BR-AE-02",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"Reverse charge\" shall contain the Seller VAT Identifier (BT-31), the Seller Tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63) and the Buyer VAT identifier (BT-48) and/or the Buyer legal registration identifier (BT-47).",
};
const AE_03: Rule = Rule {
    id: "BR-AE-03",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"Reverse charge\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63) and the Buyer VAT identifier (BT-48) and/or the Buyer legal registration identifier (BT-47).",
};
const AE_04: Rule = Rule {
    id: "BR-AE-04",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"Reverse charge\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63) and the Buyer VAT identifier (BT-48) and/or the Buyer legal registration identifier (BT-47).",
};
const AE_05: Rule = Rule {
    id: "BR-AE-05",
    severity: Severity::Fatal,
    text: "In an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"Reverse charge\" the Invoiced item VAT rate (BT-152) shall be 0 (zero).",
};
const AE_06: Rule = Rule {
    id: "BR-AE-06",
    severity: Severity::Fatal,
    text: "In a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"Reverse charge\" the Document level allowance VAT rate (BT-96) shall be 0 (zero).",
};
const AE_07: Rule = Rule {
    id: "BR-AE-07",
    severity: Severity::Fatal,
    text: "In a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"Reverse charge\" the Document level charge VAT rate (BT-103) shall be 0 (zero).",
};
const AE_08: Rule = Rule {
    id: "BR-AE-08",
    severity: Severity::Fatal,
    text: "In a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"Reverse charge\" the VAT category taxable amount (BT-116) shall equal the sum of Invoice line net amounts (BT-131) minus the sum of Document level allowance amounts (BT-92) plus the sum of Document level charge amounts (BT-99) where the VAT category codes (BT-151, BT-95, BT-102) are \"Reverse charge\".",
};
const AE_09: Rule = Rule {
    id: "BR-AE-09",
    severity: Severity::Fatal,
    text: "The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"Reverse charge\" shall be 0 (zero).",
};
const AE_10: Rule = Rule {
    id: "BR-AE-10",
    severity: Severity::Fatal,
    text: "A VAT breakdown (BG-23) with VAT Category code (BT-118) \"Reverse charge\" shall have a VAT exemption reason code (BT-121), meaning \"Reverse charge\" or the VAT exemption reason text (BT-120) \"Reverse charge\" (or the equivalent standard text in another language).",
};
const AF_01: Rule = Rule {
    id: "BR-AF-01",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is \"IGIC\" shall contain in the VAT breakdown (BG-23) at least one VAT category code (BT-118) equal with \"IGIC\".",
};
const AF_02: Rule = Rule {
    id: "BR-AF-02",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"IGIC\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const AF_03: Rule = Rule {
    id: "BR-AF-03",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"IGIC\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const AF_04: Rule = Rule {
    id: "BR-AF-04",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"IGIC\" shall contain the Seller VAT Identifier (BT-31), the Seller Tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const AF_05: Rule = Rule {
    id: "BR-AF-05",
    severity: Severity::Fatal,
    text: "In an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"IGIC\" the invoiced item VAT rate (BT-152) shall be 0 (zero) or greater than zero.",
};
const AF_06: Rule = Rule {
    id: "BR-AF-06",
    severity: Severity::Fatal,
    text: "In a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"IGIC\" the Document level allowance VAT rate (BT-96) shall be 0 (zero) or greater than zero.",
};
const AF_07: Rule = Rule {
    id: "BR-AF-07",
    severity: Severity::Fatal,
    text: "In a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"IGIC\" the Document level charge VAT rate (BT-103) shall be 0 (zero) or greater than zero.",
};
const AF_08: Rule = Rule {
    id: "BR-AF-08",
    severity: Severity::Fatal,
    text: "For each different value of VAT category rate (BT-119) where the VAT category code (BT-118) is \"IGIC\", the VAT category taxable amount (BT-116) in a VAT breakdown (BG-23) shall equal the sum of Invoice line net amounts (BT-131) plus the sum of document level charge amounts (BT-99) minus the sum of document level allowance amounts (BT-92) where the VAT category code (BT-151, BT-102, BT-95) is \"IGIC\" and the VAT rate (BT-152, BT-103, BT-96) equals the VAT category rate (BT-119).",
};
const AF_09: Rule = Rule {
    id: "BR-AF-09",
    severity: Severity::Fatal,
    text: "The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where VAT category code (BT-118) is \"IGIC\" shall equal the VAT category taxable amount (BT-116) multiplied by the VAT category rate (BT-119).",
};
const AF_10: Rule = Rule {
    id: "BR-AF-10",
    severity: Severity::Fatal,
    text: "A VAT breakdown (BG-23) with VAT Category code (BT-118) \"IGIC\" shall not have a VAT exemption reason code (BT-121) or VAT exemption reason text (BT-120).",
};
const AG_01: Rule = Rule {
    id: "BR-AG-01",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is \"IPSI\" shall contain in the VAT breakdown (BG-23) at least one VAT category code (BT-118) equal with \"IPSI\".",
};
const AG_02: Rule = Rule {
    id: "BR-AG-02",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"IPSI\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const AG_03: Rule = Rule {
    id: "BR-AG-03",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"IPSI\" shall contain the Seller VAT Identifier (BT-31), the Seller Tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const AG_04: Rule = Rule {
    id: "BR-AG-04",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"IPSI\" shall contain the Seller VAT Identifier (BT-31), the Seller Tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const AG_05: Rule = Rule {
    id: "BR-AG-05",
    severity: Severity::Fatal,
    text: "In an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"IPSI\" the Invoiced item VAT rate (BT-152) shall be 0 (zero) or greater than zero.",
};
const AG_06: Rule = Rule {
    id: "BR-AG-06",
    severity: Severity::Fatal,
    text: "In a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"IPSI\" the Document level allowance VAT rate (BT-96) shall be 0 (zero) or greater than zero.",
};
const AG_07: Rule = Rule {
    id: "BR-AG-07",
    severity: Severity::Fatal,
    text: "In a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"IPSI\" the Document level charge VAT rate (BT-103) shall be 0 (zero) or greater than zero.",
};
const AG_08: Rule = Rule {
    id: "BR-AG-08",
    severity: Severity::Fatal,
    text: "For each different value of VAT category rate (BT-119) where the VAT category code (BT-118) is \"IPSI\", the VAT category taxable amount (BT-116) in a VAT breakdown (BG-23) shall equal the sum of Invoice line net amounts (BT-131) plus the sum of document level charge amounts (BT-99) minus the sum of document level allowance amounts (BT-92) where the VAT category code (BT-151, BT-102, BT-95) is \"IPSI\" and the VAT rate (BT-152, BT-103, BT-96) equals the VAT category rate (BT-119).",
};
const AG_09: Rule = Rule {
    id: "BR-AG-09",
    severity: Severity::Fatal,
    text: "The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where VAT category code (BT-118) is \"IPSI\" shall equal the VAT category taxable amount (BT-116) multiplied by the VAT category rate (BT-119).",
};
const AG_10: Rule = Rule {
    id: "BR-AG-10",
    severity: Severity::Fatal,
    text: "A VAT breakdown (BG-23) with VAT Category code (BT-118) \"IPSI\" shall not have a VAT exemption reason code (BT-121) or VAT exemption reason text (BT-120).",
};
const B_01: Rule = Rule {
    id: "BR-B-01",
    severity: Severity::Fatal,
    text: "An Invoice where the VAT category code (BT-151, BT-95 or BT-102) is “Split payment” shall be a domestic Italian invoice.",
};
const B_02: Rule = Rule {
    id: "BR-B-02",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95, BT-118 or BT-102) is “Split payment\" shall not contain an invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95, BT-118 or BT-102) is “Standard rated”.",
};
const E_01: Rule = Rule {
    id: "BR-E-01",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is \"Exempt from VAT\" shall contain exactly one VAT breakdown (BG-23) with the VAT category code (BT-118) equal to \"Exempt from VAT\".",
};
const E_02: Rule = Rule {
    id: "BR-E-02",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"Exempt from VAT\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const E_03: Rule = Rule {
    id: "BR-E-03",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"Exempt from VAT\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const E_04: Rule = Rule {
    id: "BR-E-04",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"Exempt from VAT\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const E_05: Rule = Rule {
    id: "BR-E-05",
    severity: Severity::Fatal,
    text: "In an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"Exempt from VAT\", the Invoiced item VAT rate (BT-152) shall be 0 (zero).",
};
const E_06: Rule = Rule {
    id: "BR-E-06",
    severity: Severity::Fatal,
    text: "In a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"Exempt from VAT\", the Document level allowance VAT rate (BT-96) shall be 0 (zero).",
};
const E_07: Rule = Rule {
    id: "BR-E-07",
    severity: Severity::Fatal,
    text: "In a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"Exempt from VAT\", the Document level charge VAT rate (BT-103) shall be 0 (zero).",
};
const E_08: Rule = Rule {
    id: "BR-E-08",
    severity: Severity::Fatal,
    text: "In a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"Exempt from VAT\" the VAT category taxable amount (BT-116) shall equal the sum of Invoice line net amounts (BT-131) minus the sum of Document level allowance amounts (BT-92) plus the sum of Document level charge amounts (BT-99) where the VAT category codes (BT-151, BT-95, BT-102) are \"Exempt from VAT\".",
};
const E_09: Rule = Rule {
    id: "BR-E-09",
    severity: Severity::Fatal,
    text: "The VAT category tax amount (BT-117) In a VAT breakdown (BG-23) where the VAT category code (BT-118) equals \"Exempt from VAT\" shall equal 0 (zero).",
};
const E_10: Rule = Rule {
    id: "BR-E-10",
    severity: Severity::Fatal,
    text: "A VAT breakdown (BG-23) with VAT Category code (BT-118) \"Exempt from VAT\" shall have a VAT exemption reason code (BT-121) or a VAT exemption reason text (BT-120).",
};
const G_01: Rule = Rule {
    id: "BR-G-01",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is \"Export outside the EU\" shall contain in the VAT breakdown (BG-23) exactly one VAT category code (BT-118) equal with \"Export outside the EU\".",
};
const G_02: Rule = Rule {
    id: "BR-G-02",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"Export outside the EU\" shall contain the Seller VAT Identifier (BT-31) or the Seller tax representative VAT identifier (BT-63).",
};
const G_03: Rule = Rule {
    id: "BR-G-03",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"Export outside the EU\" shall contain the Seller VAT Identifier (BT-31) or the Seller tax representative VAT identifier (BT-63).",
};
const G_04: Rule = Rule {
    id: "BR-G-04",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"Export outside the EU\" shall contain the Seller VAT Identifier (BT-31) or the Seller tax representative VAT identifier (BT-63).",
};
const G_05: Rule = Rule {
    id: "BR-G-05",
    severity: Severity::Fatal,
    text: "In an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"Export outside the EU\" the Invoiced item VAT rate (BT-152) shall be 0 (zero).",
};
const G_06: Rule = Rule {
    id: "BR-G-06",
    severity: Severity::Fatal,
    text: "In a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"Export outside the EU\" the Document level allowance VAT rate (BT-96) shall be 0 (zero).",
};
const G_07: Rule = Rule {
    id: "BR-G-07",
    severity: Severity::Fatal,
    text: "In a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"Export outside the EU\" the Document level charge VAT rate (BT-103) shall be 0 (zero).",
};
const G_08: Rule = Rule {
    id: "BR-G-08",
    severity: Severity::Fatal,
    text: "In a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"Export outside the EU\" the VAT category taxable amount (BT-116) shall equal the sum of Invoice line net amounts (BT-131) minus the sum of Document level allowance amounts (BT-92) plus the sum of Document level charge amounts (BT-99) where the VAT category codes (BT-151, BT-95, BT-102) are \"Export outside the EU\".",
};
const G_09: Rule = Rule {
    id: "BR-G-09",
    severity: Severity::Fatal,
    text: "The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"Export outside the EU\" shall be 0 (zero).",
};
const G_10: Rule = Rule {
    id: "BR-G-10",
    severity: Severity::Fatal,
    text: "A VAT breakdown (BG-23) with the VAT Category code (BT-118) \"Export outside the EU\" shall have a VAT exemption reason code (BT-121), meaning \"Export outside the EU\" or the VAT exemption reason text (BT-120) \"Export outside the EU\" (or the equivalent standard text in another language).",
};
const IC_01: Rule = Rule {
    id: "BR-IC-01",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is \"Intra-community supply\" shall contain in the VAT breakdown (BG-23) exactly one VAT category code (BT-118) equal with \"Intra-community supply\".",
};
const IC_02: Rule = Rule {
    id: "BR-IC-02",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"Intra-community supply\" shall contain the Seller VAT Identifier (BT-31) or the Seller tax representative VAT identifier (BT-63) and the Buyer VAT identifier (BT-48).",
};
const IC_03: Rule = Rule {
    id: "BR-IC-03",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"Intra-community supply\" shall contain the Seller VAT Identifier (BT-31) or the Seller tax representative VAT identifier (BT-63) and the Buyer VAT identifier (BT-48).",
};
const IC_04: Rule = Rule {
    id: "BR-IC-04",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"Intra-community supply\" shall contain the Seller VAT Identifier (BT-31) or the Seller tax representative VAT identifier (BT-63) and the Buyer VAT identifier (BT-48).",
};
const IC_05: Rule = Rule {
    id: "BR-IC-05",
    severity: Severity::Fatal,
    text: "In an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"Intracommunity supply\" the Invoiced item VAT rate (BT-152) shall be 0 (zero).",
};
const IC_06: Rule = Rule {
    id: "BR-IC-06",
    severity: Severity::Fatal,
    text: "In a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"Intra-community supply\" the Document level allowance VAT rate (BT-96) shall be 0 (zero).",
};
const IC_07: Rule = Rule {
    id: "BR-IC-07",
    severity: Severity::Fatal,
    text: "In a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"Intra-community supply\" the Document level charge VAT rate (BT-103) shall be 0 (zero).",
};
const IC_08: Rule = Rule {
    id: "BR-IC-08",
    severity: Severity::Fatal,
    text: "In a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"Intra-community supply\" the VAT category taxable amount (BT-116) shall equal the sum of Invoice line net amounts (BT-131) minus the sum of Document level allowance amounts (BT-92) plus the sum of Document level charge amounts (BT-99) where the VAT category codes (BT-151, BT-95, BT-102) are \"Intra-community supply\".",
};
const IC_09: Rule = Rule {
    id: "BR-IC-09",
    severity: Severity::Fatal,
    text: "The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"Intra-community supply\" shall be 0 (zero).",
};
const IC_10: Rule = Rule {
    id: "BR-IC-10",
    severity: Severity::Fatal,
    text: "A VAT breakdown (BG-23) with the VAT Category code (BT-118) \"Intra-community supply\" shall have a VAT exemption reason code (BT-121), meaning \"Intra-community supply\" or the VAT exemption reason text (BT-120) \"Intra-community supply\" (or the equivalent standard text in another language).",
};
const IC_11: Rule = Rule {
    id: "BR-IC-11",
    severity: Severity::Fatal,
    text: "In an Invoice with a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"Intra-community supply\" the Actual delivery date (BT-72) or the Invoicing period (BG-14) shall not be blank.",
};
const IC_12: Rule = Rule {
    id: "BR-IC-12",
    severity: Severity::Fatal,
    text: "In an Invoice with a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"Intra-community supply\" the Deliver to country code (BT-80) shall not be blank.",
};
const O_01: Rule = Rule {
    id: "BR-O-01",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is \"Not subject to VAT\" shall contain exactly one VAT breakdown group (BG-23) with the VAT category code (BT-118) equal to \"Not subject to VAT\".",
};
const O_02: Rule = Rule {
    id: "BR-O-02",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"Not subject to VAT\" shall not contain the Seller VAT identifier (BT-31), the Seller tax representative VAT identifier (BT-63) or the Buyer VAT identifier (BT-48).",
};
const O_03: Rule = Rule {
    id: "BR-O-03",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"Not subject to VAT\" shall not contain the Seller VAT identifier (BT-31), the Seller tax representative VAT identifier (BT-63) or the Buyer VAT identifier (BT-48).",
};
const O_04: Rule = Rule {
    id: "BR-O-04",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"Not subject to VAT\" shall not contain the Seller VAT identifier (BT-31), the Seller tax representative VAT identifier (BT-63) or the Buyer VAT identifier (BT-48).",
};
const O_05: Rule = Rule {
    id: "BR-O-05",
    severity: Severity::Fatal,
    text: "An Invoice line (BG-25) where the VAT category code (BT-151) is \"Not subject to VAT\" shall not contain an Invoiced item VAT rate (BT-152).",
};
const O_06: Rule = Rule {
    id: "BR-O-06",
    severity: Severity::Fatal,
    text: "A Document level allowance (BG-20) where VAT category code (BT-95) is \"Not subject to VAT\" shall not contain a Document level allowance VAT rate (BT-96).",
};
const O_07: Rule = Rule {
    id: "BR-O-07",
    severity: Severity::Fatal,
    text: "A Document level charge (BG-21) where the VAT category code (BT-102) is \"Not subject to VAT\" shall not contain a Document level charge VAT rate (BT-103).",
};
const O_08: Rule = Rule {
    id: "BR-O-08",
    severity: Severity::Fatal,
    text: "In a VAT breakdown (BG-23) where the VAT category code (BT-118) is \" Not subject to VAT\" the VAT category taxable amount (BT-116) shall equal the sum of Invoice line net amounts (BT-131) minus the sum of Document level allowance amounts (BT-92) plus the sum of Document level charge amounts (BT-99) where the VAT category codes (BT-151, BT-95, BT-102) are \"Not subject to VAT\".",
};
const O_09: Rule = Rule {
    id: "BR-O-09",
    severity: Severity::Fatal,
    text: "The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"Not subject to VAT\" shall be 0 (zero).",
};
const O_10: Rule = Rule {
    id: "BR-O-10",
    severity: Severity::Fatal,
    text: "A VAT breakdown (BG-23) with VAT Category code (BT-118) \" Not subject to VAT\" shall have a VAT exemption reason code (BT-121), meaning \" Not subject to VAT\" or a VAT exemption reason text (BT-120) \" Not subject to VAT\" (or the equivalent standard text in another language).",
};
const O_11: Rule = Rule {
    id: "BR-O-11",
    severity: Severity::Fatal,
    text: "An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) \"Not subject to VAT\" shall not contain other VAT breakdown groups (BG-23).",
};
const O_12: Rule = Rule {
    id: "BR-O-12",
    severity: Severity::Fatal,
    text: "An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) \"Not subject to VAT\" shall not contain an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is not \"Not subject to VAT\".",
};
const O_13: Rule = Rule {
    id: "BR-O-13",
    severity: Severity::Fatal,
    text: "An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) \"Not subject to VAT\" shall not contain Document level allowances (BG-20) where Document level allowance VAT category code (BT-95) is not \"Not subject to VAT\".",
};
const O_14: Rule = Rule {
    id: "BR-O-14",
    severity: Severity::Fatal,
    text: "An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) \"Not subject to VAT\" shall not contain Document level charges (BG-21) where Document level charge VAT category code (BT-102) is not \"Not subject to VAT\".",
};
const S_01: Rule = Rule {
    id: "BR-S-01",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is \"Standard rated\" shall contain in the VAT breakdown (BG-23) at least one VAT category code (BT-118) equal with \"Standard rated\".",
};
const S_02: Rule = Rule {
    id: "BR-S-02",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"Standard rated\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const S_03: Rule = Rule {
    id: "BR-S-03",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"Standard rated\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const S_04: Rule = Rule {
    id: "BR-S-04",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"Standard rated\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const S_05: Rule = Rule {
    id: "BR-S-05",
    severity: Severity::Fatal,
    text: "In an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"Standard rated\" the Invoiced item VAT rate (BT-152) shall be greater than zero.",
};
const S_06: Rule = Rule {
    id: "BR-S-06",
    severity: Severity::Fatal,
    text: "In a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"Standard rated\" the Document level allowance VAT rate (BT-96) shall be greater than zero.",
};
const S_07: Rule = Rule {
    id: "BR-S-07",
    severity: Severity::Fatal,
    text: "In a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"Standard rated\" the Document level charge VAT rate (BT-103) shall be greater than zero.",
};
const S_08: Rule = Rule {
    id: "BR-S-08",
    severity: Severity::Fatal,
    text: "For each different value of VAT category rate (BT-119) where the VAT category code (BT-118) is \"Standard rated\", the VAT category taxable amount (BT-116) in a VAT breakdown (BG-23) shall equal the sum of Invoice line net amounts (BT-131) plus the sum of document level charge amounts (BT-99) minus the sum of document level allowance amounts (BT-92) where the VAT category code (BT-151, BT-102, BT-95) is \"Standard rated\" and the VAT rate (BT-152, BT-103, BT-96) equals the VAT category rate (BT-119).",
};
const S_09: Rule = Rule {
    id: "BR-S-09",
    severity: Severity::Fatal,
    text: "The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where VAT category code (BT-118) is \"Standard rated\" shall equal the VAT category taxable amount (BT-116) multiplied by the VAT category rate (BT-119).",
};
const S_10: Rule = Rule {
    id: "BR-S-10",
    severity: Severity::Fatal,
    text: "A VAT breakdown (BG-23) with VAT Category code (BT-118) \"Standard rate\" shall not have a VAT exemption reason code (BT-121) or VAT exemption reason text (BT-120).",
};
const Z_01: Rule = Rule {
    id: "BR-Z-01",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is \"Zero rated\" shall contain in the VAT breakdown (BG-23) exactly one VAT category code (BT-118) equal with \"Zero rated\".",
};
const Z_02: Rule = Rule {
    id: "BR-Z-02",
    severity: Severity::Fatal,
    text: "An Invoice that contains an Invoice line where the Invoiced item VAT category code (BT-151) is \"Zero rated\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const Z_03: Rule = Rule {
    id: "BR-Z-03",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"Zero rated\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const Z_04: Rule = Rule {
    id: "BR-Z-04",
    severity: Severity::Fatal,
    text: "An Invoice that contains a Document level charge where the Document level charge VAT category code (BT-102) is \"Zero rated\" shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63).",
};
const Z_05: Rule = Rule {
    id: "BR-Z-05",
    severity: Severity::Fatal,
    text: "In an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"Zero rated\" the Invoiced item VAT rate (BT-152) shall be 0 (zero).",
};
const Z_06: Rule = Rule {
    id: "BR-Z-06",
    severity: Severity::Fatal,
    text: "In a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"Zero rated\" the Document level allowance VAT rate (BT-96) shall be 0 (zero).",
};
const Z_07: Rule = Rule {
    id: "BR-Z-07",
    severity: Severity::Fatal,
    text: "In a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"Zero rated\" the Document level charge VAT rate (BT-103) shall be 0 (zero).",
};
const Z_08: Rule = Rule {
    id: "BR-Z-08",
    severity: Severity::Fatal,
    text: "In a VAT breakdown (BG-23) where VAT category code (BT-118) is \"Zero rated\" the VAT category taxable amount (BT-116) shall equal the sum of Invoice line net amount (BT-131) minus the sum of Document level allowance amounts (BT-92) plus the sum of Document level charge amounts (BT-99) where the VAT category codes (BT-151, BT-95, BT-102) are \"Zero rated\".",
};
const Z_09: Rule = Rule {
    id: "BR-Z-09",
    severity: Severity::Fatal,
    text: "The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where VAT category code (BT-118) is \"Zero rated\" shall equal 0 (zero).",
};
const Z_10: Rule = Rule {
    id: "BR-Z-10",
    severity: Severity::Fatal,
    text: "A VAT breakdown (BG-23) with VAT Category code (BT-118) \"Zero rated\" shall not have a VAT exemption reason code (BT-121) or VAT exemption reason text (BT-120).",
};

/// The rules of this family.
pub(super) const RULES: &[Rule] = &[
    S_01, S_02, S_03, S_04, S_05, S_06, S_07, S_08, S_09, S_10, Z_01, Z_02, Z_03, Z_04, Z_05, Z_06,
    Z_07, Z_08, Z_09, Z_10, E_01, E_02, E_03, E_04, E_05, E_06, E_07, E_08, E_09, E_10, AE_01,
    AE_02, AE_03, AE_04, AE_05, AE_06, AE_07, AE_08, AE_09, AE_10, G_01, G_02, G_03, G_04, G_05,
    G_06, G_07, G_08, G_09, G_10, IC_01, IC_02, IC_03, IC_04, IC_05, IC_06, IC_07, IC_08, IC_09,
    IC_10, IC_11, IC_12, O_01, O_02, O_03, O_04, O_05, O_06, O_07, O_08, O_09, O_10, O_11, O_12,
    O_13, O_14, AF_01, AF_02, AF_03, AF_04, AF_05, AF_06, AF_07, AF_08, AF_09, AF_10, AG_01, AG_02,
    AG_03, AG_04, AG_05, AG_06, AG_07, AG_08, AG_09, AG_10, B_01, B_02,
];

/// BR-x-01: what the VAT breakdown must hold when lines or allowances and charges use the
/// category.
#[derive(Debug, Clone, Copy)]
enum Presence {
    /// At least one breakdown entry (BR-S-01, BR-AF-01, BR-AG-01); `verbatim` when the
    /// schematron compares the breakdown's code without `normalize-space` in that case.
    AtLeastOne { verbatim: bool },
    /// Exactly one breakdown entry; a breakdown entry alone also counts as use.
    ExactlyOne,
}

/// BR-x-02 to BR-x-04: the identifiers the parties must (or must not) have.
#[derive(Debug, Clone, Copy)]
enum Identifiers {
    /// Seller VAT identifier, seller tax registration identifier or tax representative VAT
    /// identifier.
    Seller,
    /// [`Identifiers::Seller`], and the buyer VAT identifier or legal registration
    /// identifier.
    SellerAndBuyer,
    /// Seller VAT identifier or tax representative VAT identifier.
    SellerVat,
    /// [`Identifiers::SellerVat`], and the buyer VAT identifier.
    SellerVatAndBuyerVat,
    /// None of the seller, tax representative and buyer VAT identifiers.
    NoVatIdentifier,
}

/// BR-x-05 to BR-x-07: the rate of a line, allowance or charge in the category.
#[derive(Debug, Clone, Copy)]
enum RateRule {
    /// `(cbc:Percent) > 0`
    Positive,
    /// `(cbc:Percent) >= 0`
    NotNegative,
    /// `xs:decimal(cbc:Percent) = 0`
    Zero,
    /// `not(cbc:Percent)`
    Absent,
}

/// BR-x-08: the breakdown's taxable amount.
#[derive(Debug, Clone, Copy)]
enum TaxableRule {
    /// Per rate, within 1 of the lines' and allowances' and charges' sum (BR-S-08: the
    /// rate must also be used by a line or an allowance or charge).
    PerRate { rate_used: bool },
    /// Exactly the sum over the category.
    Sum,
}

/// BR-x-09: the breakdown's tax amount.
#[derive(Debug, Clone, Copy)]
enum TaxRule {
    /// Within 1 of the taxable amount times the rate, rounded.
    Computed,
    /// Zero.
    Zero,
}

/// A VAT category and its ten rules BR-x-01 to BR-x-10.
#[derive(Debug)]
struct Category {
    code: &'static str,
    rules: [Rule; 10],
    presence: Presence,
    identifiers: Identifiers,
    /// BR-O-03/04 look at document-level allowances and charges only.
    document_level_only: bool,
    /// BR-AF-04 fires only for charges whose code is `L` verbatim.
    verbatim_charges: bool,
    rate: RateRule,
    taxable: TaxableRule,
    tax: TaxRule,
    /// BR-x-10: whether an exemption reason (code or text) is required or forbidden.
    exemption_required: bool,
}

const STANDARD: Category = Category {
    code: "S",
    rules: [S_01, S_02, S_03, S_04, S_05, S_06, S_07, S_08, S_09, S_10],
    presence: Presence::AtLeastOne { verbatim: false },
    identifiers: Identifiers::Seller,
    document_level_only: false,
    verbatim_charges: false,
    rate: RateRule::Positive,
    taxable: TaxableRule::PerRate { rate_used: true },
    tax: TaxRule::Computed,
    exemption_required: false,
};

const ZERO_RATED: Category = Category {
    code: "Z",
    rules: [Z_01, Z_02, Z_03, Z_04, Z_05, Z_06, Z_07, Z_08, Z_09, Z_10],
    presence: Presence::ExactlyOne,
    identifiers: Identifiers::Seller,
    document_level_only: false,
    verbatim_charges: false,
    rate: RateRule::Zero,
    taxable: TaxableRule::Sum,
    tax: TaxRule::Zero,
    exemption_required: false,
};

const EXEMPT: Category = Category {
    code: "E",
    rules: [E_01, E_02, E_03, E_04, E_05, E_06, E_07, E_08, E_09, E_10],
    identifiers: Identifiers::Seller,
    exemption_required: true,
    ..ZERO_RATED
};

const REVERSE_CHARGE: Category = Category {
    code: "AE",
    rules: [
        AE_01, AE_02, AE_03, AE_04, AE_05, AE_06, AE_07, AE_08, AE_09, AE_10,
    ],
    identifiers: Identifiers::SellerAndBuyer,
    ..EXEMPT
};

const EXPORT: Category = Category {
    code: "G",
    rules: [G_01, G_02, G_03, G_04, G_05, G_06, G_07, G_08, G_09, G_10],
    identifiers: Identifiers::SellerVat,
    ..EXEMPT
};

const INTRA_COMMUNITY: Category = Category {
    code: "K",
    rules: [
        IC_01, IC_02, IC_03, IC_04, IC_05, IC_06, IC_07, IC_08, IC_09, IC_10,
    ],
    identifiers: Identifiers::SellerVatAndBuyerVat,
    ..EXEMPT
};

const NOT_SUBJECT: Category = Category {
    code: "O",
    rules: [O_01, O_02, O_03, O_04, O_05, O_06, O_07, O_08, O_09, O_10],
    identifiers: Identifiers::NoVatIdentifier,
    document_level_only: true,
    rate: RateRule::Absent,
    ..EXEMPT
};

const IGIC: Category = Category {
    code: "L",
    rules: [
        AF_01, AF_02, AF_03, AF_04, AF_05, AF_06, AF_07, AF_08, AF_09, AF_10,
    ],
    presence: Presence::AtLeastOne { verbatim: true },
    identifiers: Identifiers::Seller,
    document_level_only: false,
    verbatim_charges: true,
    rate: RateRule::NotNegative,
    taxable: TaxableRule::PerRate { rate_used: false },
    tax: TaxRule::Computed,
    exemption_required: false,
};

const IPSI: Category = Category {
    code: "M",
    rules: [
        AG_01, AG_02, AG_03, AG_04, AG_05, AG_06, AG_07, AG_08, AG_09, AG_10,
    ],
    verbatim_charges: false,
    ..IGIC
};

const CATEGORIES: [&Category; 9] = [
    &STANDARD,
    &ZERO_RATED,
    &EXEMPT,
    &REVERSE_CHARGE,
    &EXPORT,
    &INTRA_COMMUNITY,
    &NOT_SUBJECT,
    &IGIC,
    &IPSI,
];

/// Checks `document` against this family's rules.
pub(super) fn check(document: &Document, findings: &mut Findings) {
    let used = used_categories(document);
    for (bit, category) in CATEGORIES.iter().enumerate() {
        if used & (1 << bit) != 0 {
            category.check(document, findings);
        }
    }
    intra_community_delivery(document, findings);
    not_subject_alone(document, findings);
    split_payment(document, findings);
}

/// `normalize-space(code)` compared with a code that has no whitespace: trimming suffices.
fn normalized(code: Option<&String>) -> &str {
    code.map_or("", |code| trim_xml_space(code))
}

/// `normalize-space(cbc:ID) = 'wanted'`.
fn is(code: Option<&String>, wanted: &str) -> bool {
    normalized(code) == wanted
}

/// A bit per entry of [`CATEGORIES`] whose code occurs (normalized) on a line, an allowance
/// or charge, or in the breakdown.
fn used_categories(document: &Document) -> u16 {
    let mut used = 0;
    let mut mark = |code: Option<&String>| {
        let code = normalized(code);
        if let Some(bit) = CATEGORIES.iter().position(|category| category.code == code) {
            used |= 1 << bit;
        }
    };
    for line in &document.lines {
        mark(line.vat_category_code.as_ref());
    }
    for (_, item) in allowance_charges(document) {
        mark(item.vat_category_code.as_ref());
    }
    for (_, entry) in breakdown(document) {
        mark(entry.category_code.as_ref());
    }
    used
}

/// Where an allowance or charge sits.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// `/allowanceCharges/{0}`
    Document(usize),
    /// `/lines/{0}/allowanceCharges/{1}`
    Line(usize, usize),
}

impl Place {
    fn pointer(self, field: &str) -> String {
        match self {
            Place::Document(index) => format!("/allowanceCharges/{index}/{field}"),
            Place::Line(line, index) => format!("/lines/{line}/allowanceCharges/{index}/{field}"),
        }
    }
}

/// `//cac:AllowanceCharge`: the document's allowances and charges, then the lines'.
fn allowance_charges(document: &Document) -> impl Iterator<Item = (Place, &AllowanceCharge)> {
    let on_document = document
        .allowance_charges
        .iter()
        .enumerate()
        .map(|(index, item)| (Place::Document(index), item));
    let on_lines = document.lines.iter().enumerate().flat_map(|(line, item)| {
        item.allowance_charges
            .iter()
            .enumerate()
            .map(move |(index, item)| (Place::Line(line, index), item))
    });
    on_document.chain(on_lines)
}

/// `cac:TaxTotal/cac:TaxSubtotal`: every breakdown entry of every `TaxTotal`, numbered
/// across them (the entries of the breakdown's own `TaxTotal` come first).
fn breakdown(document: &Document) -> impl Iterator<Item = (usize, &VatBreakdown)> {
    document
        .tax_totals
        .iter()
        .flat_map(|total| total.subtotals.iter())
        .enumerate()
}

/// Whether the line's item has a `ClassifiedTaxCategory` (the model keeps its code and rate).
fn has_line_category(line: &Line) -> bool {
    line.vat_category_code.is_some() || line.vat_rate.is_some()
}

/// Whether the breakdown entry has a `TaxCategory`.
fn has_breakdown_category(entry: &VatBreakdown) -> bool {
    entry.category_code.is_some()
        || entry.rate.is_some()
        || entry.exemption_reason.is_some()
        || entry.exemption_reason_code.is_some()
}

/// Whether the allowance or charge has a `TaxCategory`.
fn has_category(item: &AllowanceCharge) -> bool {
    item.vat_category_code.is_some() || item.vat_rate.is_some()
}

impl Identifiers {
    /// The pointer of the identifier that breaks this requirement in `document`, if one
    /// does.
    fn broken_at(self, document: &Document) -> Option<&'static str> {
        let seller_vat = document.seller.vat_id.is_some();
        let representative_vat = document
            .tax_representative
            .as_ref()
            .is_some_and(|representative| representative.vat_id.is_some());
        let buyer_vat = document.buyer.vat_id.is_some();
        let seller_any =
            seller_vat || document.seller.tax_registration_id.is_some() || representative_vat;
        let buyer_any = buyer_vat || document.buyer.legal_registration_id.is_some();
        match self {
            Identifiers::Seller => (!seller_any).then_some("/seller/vatId"),
            Identifiers::SellerAndBuyer => {
                if seller_any {
                    (!buyer_any).then_some("/buyer/vatId")
                } else {
                    Some("/seller/vatId")
                }
            }
            Identifiers::SellerVat => {
                (!(seller_vat || representative_vat)).then_some("/seller/vatId")
            }
            Identifiers::SellerVatAndBuyerVat => {
                if seller_vat || representative_vat {
                    (!buyer_vat).then_some("/buyer/vatId")
                } else {
                    Some("/seller/vatId")
                }
            }
            Identifiers::NoVatIdentifier => {
                if seller_vat {
                    Some("/seller/vatId")
                } else if representative_vat {
                    Some("/taxRepresentative/vatId")
                } else {
                    buyer_vat.then_some("/buyer/vatId")
                }
            }
        }
    }
}

impl RateRule {
    fn holds(self, rate: Option<Decimal>) -> bool {
        match self {
            RateRule::Positive => rate.is_some_and(|rate| rate > Decimal::ZERO),
            RateRule::NotNegative => rate.is_some_and(|rate| rate >= Decimal::ZERO),
            RateRule::Zero => rate.is_some_and(|rate| rate.is_zero()),
            RateRule::Absent => rate.is_none(),
        }
    }
}

/// `$taxable - 1 < $sum and $taxable + 1 > $sum`; false when a term is missing.
fn within_one(taxable: Option<Decimal>, sum: Option<Decimal>) -> bool {
    let (Some(taxable), Some(sum)) = (taxable, sum) else {
        return false;
    };
    taxable
        .checked_sub(Decimal::ONE)
        .is_some_and(|low| low < sum)
        && taxable
            .checked_add(Decimal::ONE)
            .is_some_and(|high| high > sum)
}

/// Adds the amounts that are present; `None` on overflow.
fn sum<'a>(amounts: impl Iterator<Item = Option<&'a Amount>>) -> Option<Decimal> {
    amounts.flatten().try_fold(Decimal::ZERO, |total, amount| {
        total.checked_add(amount.value)
    })
}

/// BR-S-09: `abs(TaxAmount) - 1 < round(abs(TaxableAmount) * (Percent div 100) * 10 * 10) div
/// 100 < abs(TaxAmount) + 1`, where `round` rounds half toward positive infinity.
fn tax_matches_rate(entry: &VatBreakdown) -> bool {
    let (Some(tax), Some(taxable), Some(rate)) =
        (&entry.tax_amount, &entry.taxable_amount, entry.rate)
    else {
        return false;
    };
    let expected = rate
        .checked_div(Decimal::ONE_HUNDRED)
        .and_then(|fraction| taxable.value.abs().checked_mul(fraction))
        .and_then(|tax| tax.checked_mul(Decimal::ONE_HUNDRED))
        .and_then(|cents| cents.checked_add(Decimal::new(5, 1)))
        .map(|cents| cents.floor() / Decimal::ONE_HUNDRED);
    let tax = tax.value.abs();
    within_one(Some(tax), expected)
}

impl Category {
    fn check(&self, document: &Document, findings: &mut Findings) {
        let code = self.code;
        let [
            presence,
            line_ids,
            allowance_ids,
            charge_ids,
            line_rate,
            allowance_rate,
            charge_rate,
            taxable,
            tax,
            exemption,
        ] = &self.rules;
        let in_lines = document
            .lines
            .iter()
            .any(|line| is(line.vat_category_code.as_ref(), code));
        let in_allowance_charges =
            allowance_charges(document).any(|(_, item)| is(item.vat_category_code.as_ref(), code));
        let in_breakdown = breakdown(document)
            .filter(|(_, entry)| is(entry.category_code.as_ref(), code))
            .count();
        let present = match self.presence {
            Presence::AtLeastOne { verbatim } => {
                let used = in_lines || in_allowance_charges;
                let listed = if verbatim {
                    breakdown(document)
                        .any(|(_, entry)| entry.category_code.as_deref() == Some(code))
                } else {
                    in_breakdown > 0
                };
                (used && listed) || (!used && in_breakdown == 0)
            }
            Presence::ExactlyOne => {
                !(in_lines || in_allowance_charges || in_breakdown > 0) || in_breakdown == 1
            }
        };
        if !present {
            findings.fail(presence, "/taxBreakdown");
        }

        if let Some(pointer) = self.identifiers.broken_at(document) {
            if in_lines {
                findings.fail(line_ids, pointer);
            }
            let mut allowance = false;
            let mut charge = false;
            for (place, item) in allowance_charges(document) {
                if self.document_level_only && matches!(place, Place::Line(..)) {
                    break;
                }
                if item.charge_indicator {
                    charge |= if self.verbatim_charges {
                        item.vat_category_code.as_deref() == Some(code)
                    } else {
                        is(item.vat_category_code.as_ref(), code)
                    };
                } else {
                    allowance |= is(item.vat_category_code.as_ref(), code);
                }
            }
            if allowance {
                findings.fail(allowance_ids, pointer);
            }
            if charge {
                findings.fail(charge_ids, pointer);
            }
        }

        for (index, line) in document.lines.iter().enumerate() {
            if is(line.vat_category_code.as_ref(), code) && !self.rate.holds(line.vat_rate) {
                findings.fail(line_rate, format!("/lines/{index}/vatRate"));
            }
        }
        for (place, item) in allowance_charges(document) {
            if is(item.vat_category_code.as_ref(), code) && !self.rate.holds(item.vat_rate) {
                let rule = if item.charge_indicator {
                    charge_rate
                } else {
                    allowance_rate
                };
                findings.fail(rule, place.pointer("vatRate"));
            }
        }

        for (index, entry) in breakdown(document) {
            if !is(entry.category_code.as_ref(), code) {
                continue;
            }
            if !self.taxable_matches(document, entry) {
                findings.fail(taxable, format!("/taxBreakdown/{index}/taxableAmount"));
            }
            let tax_holds = match self.tax {
                TaxRule::Computed => tax_matches_rate(entry),
                TaxRule::Zero => entry
                    .tax_amount
                    .as_ref()
                    .is_some_and(|tax| tax.value.is_zero()),
            };
            if !tax_holds {
                findings.fail(tax, format!("/taxBreakdown/{index}/taxAmount"));
            }
            let has_code = entry.exemption_reason_code.is_some();
            let has_reason = has_code || entry.exemption_reason.is_some();
            if has_reason != self.exemption_required {
                let field = if has_code {
                    "exemptionReasonCode"
                } else {
                    "exemptionReason"
                };
                findings.fail(exemption, format!("/taxBreakdown/{index}/{field}"));
            }
        }
    }

    /// BR-x-08 for one breakdown entry of the category.
    fn taxable_matches(&self, document: &Document, entry: &VatBreakdown) -> bool {
        let code = self.code;
        let taxable = entry.taxable_amount.as_ref().map(|amount| amount.value);
        let has_lines = !document.lines.is_empty();
        match self.taxable {
            TaxableRule::Sum => {
                let lines = sum(document
                    .lines
                    .iter()
                    .filter(|line| is(line.vat_category_code.as_ref(), code))
                    .map(|line| line.line_extension_amount.as_ref()));
                let total = lines
                    .zip(self.allowance_charge_sum(document, None))
                    .and_then(|(lines, items)| lines.checked_add(items));
                has_lines && taxable.is_some() && taxable == total
            }
            TaxableRule::PerRate { rate_used } => {
                // `every $rate in xs:decimal(cbc:Percent)` holds when the rate is missing.
                let Some(rate) = entry.rate else {
                    return true;
                };
                let at_rate = |category: Option<&String>, item_rate: Option<Decimal>| {
                    is(category, code) && item_rate == Some(rate)
                };
                let lines = sum(document
                    .lines
                    .iter()
                    .filter(|line| at_rate(line.vat_category_code.as_ref(), line.vat_rate))
                    .map(|line| line.line_extension_amount.as_ref()));
                let items = self.allowance_charge_sum(document, Some(rate));
                let total = lines
                    .zip(items)
                    .and_then(|(lines, items)| lines.checked_add(items));
                if rate_used {
                    let line_used = document
                        .lines
                        .iter()
                        .any(|line| at_rate(line.vat_category_code.as_ref(), line.vat_rate));
                    let item_used = allowance_charges(document)
                        .any(|(_, item)| at_rate(item.vat_category_code.as_ref(), item.vat_rate));
                    // The schematron's second branch sums the lines of the other document
                    // type (none), so it compares with the allowances and charges alone.
                    ((line_used || item_used) && within_one(taxable, total))
                        || (item_used && within_one(taxable, items))
                } else {
                    has_lines && within_one(taxable, total)
                }
            }
        }
    }

    /// Document-level charges minus allowances in the category (at `rate`, when given).
    fn allowance_charge_sum(&self, document: &Document, rate: Option<Decimal>) -> Option<Decimal> {
        let mut total = Decimal::ZERO;
        for item in &document.allowance_charges {
            if !is(item.vat_category_code.as_ref(), self.code)
                || (rate.is_some() && item.vat_rate != rate)
            {
                continue;
            }
            let Some(amount) = &item.amount else { continue };
            total = if item.charge_indicator {
                total.checked_add(amount.value)?
            } else {
                total.checked_sub(amount.value)?
            };
        }
        Some(total)
    }
}

/// BR-IC-11 and BR-IC-12: an intra-community supply states when and where the goods went.
fn intra_community_delivery(document: &Document, findings: &mut Findings) {
    if !breakdown(document).any(|(_, entry)| is(entry.category_code.as_ref(), "K")) {
        return;
    }
    let delivery = document.delivery.as_ref();
    // `string-length(cac:Delivery/cbc:ActualDeliveryDate) > 1`: a date that is not a date
    // counts when it has two characters or more.
    let delivered = delivery.is_some_and(|delivery| delivery.delivery_date.is_some())
        || document
            .unparsed_text("/delivery/deliveryDate")
            .is_some_and(|text| text.chars().count() > 1);
    let period = document.invoice_period.as_ref().is_some_and(|period| {
        period.start_date.is_some()
            || period.end_date.is_some()
            || period.description_code.is_some()
    });
    if !delivered && !period {
        findings.fail(&IC_11, "/delivery/deliveryDate");
    }
    // `string-length(...) > 1`
    let country = delivery
        .and_then(|delivery| delivery.address.as_ref())
        .and_then(|address| address.country_code.as_deref())
        .is_some_and(|country| country.chars().nth(1).is_some());
    if !country {
        findings.fail(&IC_12, "/delivery/address/countryCode");
    }
}

/// BR-O-11 to BR-O-14: a document with a "not subject to VAT" breakdown has no other
/// category.
fn not_subject_alone(document: &Document, findings: &mut Findings) {
    if !breakdown(document).any(|(_, entry)| is(entry.category_code.as_ref(), "O")) {
        return;
    }
    // `normalize-space(cbc:ID) != 'O'` also holds for a category without a code.
    let other = |code: Option<&String>| !is(code, "O");
    if let Some((index, _)) = breakdown(document)
        .find(|(_, entry)| has_breakdown_category(entry) && other(entry.category_code.as_ref()))
    {
        findings.fail(&O_11, format!("/taxBreakdown/{index}/categoryCode"));
    }
    if let Some(index) = document
        .lines
        .iter()
        .position(|line| has_line_category(line) && other(line.vat_category_code.as_ref()))
    {
        findings.fail(&O_12, format!("/lines/{index}/vatCategoryCode"));
    }
    let mut allowance = None;
    let mut charge = None;
    for (place, item) in allowance_charges(document) {
        if has_category(item) && other(item.vat_category_code.as_ref()) {
            let first = if item.charge_indicator {
                &mut charge
            } else {
                &mut allowance
            };
            first.get_or_insert(place);
        }
    }
    if let Some(place) = allowance {
        findings.fail(&O_13, place.pointer("vatCategoryCode"));
    }
    if let Some(place) = charge {
        findings.fail(&O_14, place.pointer("vatCategoryCode"));
    }
}

/// BR-B-01 and BR-B-02: split payment is Italian and excludes the standard rate. The
/// schematron compares these codes verbatim.
fn split_payment(document: &Document, findings: &mut Findings) {
    let verbatim = |code: &Option<String>, wanted: &str| code.as_deref() == Some(wanted);
    let on_lines = |wanted: &str| {
        document
            .lines
            .iter()
            .any(|line| verbatim(&line.vat_category_code, wanted))
    };
    let on_document = |wanted: &str| {
        document
            .allowance_charges
            .iter()
            .any(|item| verbatim(&item.vat_category_code, wanted))
    };
    let on_line_items = |wanted: &str| {
        document
            .lines
            .iter()
            .flat_map(|line| &line.allowance_charges)
            .any(|item| verbatim(&item.vat_category_code, wanted))
    };
    let in_breakdown =
        |wanted: &str| breakdown(document).any(|(_, entry)| verbatim(&entry.category_code, wanted));
    // BR-B-02 looks at document-level allowances and charges, BR-B-01 at all of them.
    let split = in_breakdown("B") || on_document("B") || on_lines("B");
    if !split && !on_line_items("B") {
        return;
    }
    if let Some(pointer) = foreign_country(document) {
        findings.fail(&B_01, pointer);
    }
    if split && (in_breakdown("S") || on_document("S") || on_lines("S")) {
        findings.fail(&B_02, "/taxBreakdown");
    }
}

/// The pointer of the first country code (`//cbc:IdentificationCode`) that is not `IT`.
fn foreign_country(document: &Document) -> Option<String> {
    let addresses = [
        (
            "/seller/address/countryCode",
            document.seller.address.as_ref(),
        ),
        (
            "/buyer/address/countryCode",
            document.buyer.address.as_ref(),
        ),
        (
            "/taxRepresentative/address/countryCode",
            document
                .tax_representative
                .as_ref()
                .and_then(|representative| representative.address.as_ref()),
        ),
        (
            "/delivery/address/countryCode",
            document
                .delivery
                .as_ref()
                .and_then(|delivery| delivery.address.as_ref()),
        ),
    ];
    for (pointer, address) in addresses {
        if address
            .and_then(|address| address.country_code.as_deref())
            .is_some_and(|code| code != "IT")
        {
            return Some(pointer.to_owned());
        }
    }
    document
        .lines
        .iter()
        .position(|line| {
            line.origin_country
                .as_deref()
                .is_some_and(|code| code != "IT")
        })
        .map(|index| format!("/lines/{index}/originCountry"))
}

#[cfg(test)]
mod tests;
