//! VAT identification numbers with their country prefix, and their per-country formats (the
//! VIES formats) and check digits.

use std::fmt;

use super::check_digits::{
    elfproef, french_vat_key, greek_tin, is_digits, is_n_digits, luhn, mod11_10, mod11_no,
    mod89_lu, mod97_10, mod97_be, swiss_uid,
};
use crate::codes::CountryCode;

/// Why a value failed a format or check-digit rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Wrong length, wrong characters or wrong shape.
    Format,
    /// Right shape, but the check digits do not match.
    CheckDigits,
}

/// `Ok` when `shape` holds and then `check` holds; the matching [`Failure`] otherwise.
pub(crate) fn checked(shape: bool, check: impl FnOnce() -> bool) -> Result<(), Failure> {
    if !shape {
        Err(Failure::Format)
    } else if check() {
        Ok(())
    } else {
        Err(Failure::CheckDigits)
    }
}

/// A VAT identification number with its country prefix (e.g. `BE0123456749`).
///
/// [`VatNumber::parse`] removes spaces, dots and hyphens, upper-cases, and then checks the
/// format of the prefix's country:
///
/// | prefix | national part | check digits |
/// | --- | --- | --- |
/// | `AT` | `U` + 8 digits | |
/// | `BE` | 10 digits, the first 0 or 1 | mod 97 on the first 8 |
/// | `BG` | 9 or 10 digits | |
/// | `CY` | 8 digits + a letter | |
/// | `CZ` | 8 to 10 digits | |
/// | `DE` | 9 digits | ISO 7064 MOD 11,10 |
/// | `DK` | 8 digits | |
/// | `EE` | 9 digits | |
/// | `EL` (Greece) | 9 digits | Greek TIN (as Peppol's `u:TinVerification`) |
/// | `ES` | a letter or digit, 7 digits, a letter or digit (not digits at both ends) | |
/// | `FI` | 8 digits | |
/// | `FR` | a 2-character key (digits, or letters but `I` and `O`) + 9-digit SIREN | a numeric key is `(12 + 3 × (SIREN mod 97)) mod 97` |
/// | `HR` | 11 digits | ISO 7064 MOD 11,10 |
/// | `HU` | 8 digits | |
/// | `IE` | 7 digits + 1 or 2 letters, or the old `9X99999X` | |
/// | `IT` | 11 digits | Luhn (as Peppol's `u:checkPIVA`) |
/// | `LT` | 9 or 12 digits | |
/// | `LU` | 8 digits | the first 6 mod 89 are the last 2 |
/// | `LV` | 11 digits | |
/// | `MT` | 8 digits | |
/// | `NL` | 9 digits + `B` + 2 digits | elfproef (mod 11), or mod 97 of the whole number (sole traders since 2020) |
/// | `PL` | 10 digits | |
/// | `PT` | 9 digits | |
/// | `RO` | 2 to 10 digits | |
/// | `SE` | 12 digits ending in `01` | Luhn on the first 10 (the organisation number) |
/// | `SI` | 8 digits | |
/// | `SK` | 10 digits | |
/// | `XI` (Northern Ireland), `GB` | 9 or 12 digits, or `GD`/`HA` + 3 digits | |
/// | `NO` | 9 digits + `MVA` (added when missing) | mod 11 (the organisation number) |
/// | `CH` | `E` + 9 digits + optional `MWST`, `TVA`, `IVA` or `TPV` | UID mod 11 |
///
/// `GR` is refused: Greek VAT numbers are written `EL`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VatNumber {
    text: String,
    country: CountryCode,
}

/// Why a VAT number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a valid VAT number")]
pub struct VatNumberError(pub String);

impl VatNumber {
    /// Parses a VAT number with its country prefix.
    pub fn parse(text: &str) -> Result<Self, VatNumberError> {
        let normalized: String = text
            .chars()
            .filter(|c| !matches!(c, '.' | '-') && !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        Self::from_normalized(&normalized).map_err(|_| VatNumberError(text.to_owned()))
    }

    /// Checks a VAT number already upper case and without separators.
    pub(crate) fn from_normalized(text: &str) -> Result<Self, Failure> {
        if !text.is_ascii() || text.len() < 3 {
            return Err(Failure::Format);
        }
        let (prefix, national) = text.split_at(2);
        let country = match prefix {
            "EL" => "GR",
            "XI" => "GB",
            "GR" => return Err(Failure::Format),
            other => other,
        };
        let country = CountryCode::parse(country).map_err(|_| Failure::Format)?;
        let mut text = text.to_owned();
        match prefix {
            "NO" => {
                let digits = national.strip_suffix("MVA").unwrap_or(national);
                checked(is_n_digits(digits, 9), || mod11_no(digits))?;
                if digits.len() == national.len() {
                    text.push_str("MVA");
                }
            }
            _ => check_national(prefix, national)?,
        }
        Ok(Self { text, country })
    }

    /// The normalised number, prefix included.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The country of the number (`EL` is Greece, `GR`; `XI` is the United Kingdom, `GB`).
    pub fn country(&self) -> CountryCode {
        self.country
    }

    /// The two-letter prefix as written in VAT numbers (`EL` for Greece, `XI` for Northern
    /// Ireland).
    pub fn prefix(&self) -> &str {
        &self.text[..2]
    }

    /// The number without its prefix.
    pub fn national(&self) -> &str {
        &self.text[2..]
    }
}

impl fmt::Display for VatNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for VatNumber {
    type Err = VatNumberError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// Whether [`VatNumber`] knows the format of the VAT numbers of this prefix.
pub(crate) fn has_format(prefix: &str) -> bool {
    matches!(
        prefix,
        "AT" | "BE"
            | "BG"
            | "CY"
            | "CZ"
            | "DE"
            | "DK"
            | "EE"
            | "EL"
            | "ES"
            | "FI"
            | "FR"
            | "HR"
            | "HU"
            | "IE"
            | "IT"
            | "LT"
            | "LU"
            | "LV"
            | "MT"
            | "NL"
            | "PL"
            | "PT"
            | "RO"
            | "SE"
            | "SI"
            | "SK"
            | "XI"
            | "GB"
            | "NO"
            | "CH"
    )
}

/// Checks the national part of a VAT number (upper case, no separators) for its prefix.
fn check_national(prefix: &str, n: &str) -> Result<(), Failure> {
    let digits_between = |min: usize, max: usize| (min..=max).contains(&n.len()) && is_digits(n);
    match prefix {
        "AT" => checked(
            n.len() == 9 && n.starts_with('U') && is_digits(&n[1..]),
            || true,
        ),
        "BE" => checked(is_n_digits(n, 10) && matches!(&n[..1], "0" | "1"), || {
            mod97_be(n)
        }),
        "BG" => checked(digits_between(9, 10), || true),
        "CY" => checked(
            n.len() == 9 && is_digits(&n[..8]) && n.as_bytes()[8].is_ascii_uppercase(),
            || true,
        ),
        "CZ" => checked(digits_between(8, 10), || true),
        "DE" => checked(is_n_digits(n, 9), || mod11_10(n)),
        "DK" | "FI" | "HU" | "MT" | "SI" => checked(is_n_digits(n, 8), || true),
        "EE" | "PT" => checked(is_n_digits(n, 9), || true),
        "EL" => checked(is_n_digits(n, 9), || greek_tin(n)),
        "ES" => checked(is_spanish(n), || true),
        "FR" => {
            let shape = n.len() == 11
                && n[..2].bytes().all(|b| {
                    b.is_ascii_digit() || (b.is_ascii_uppercase() && b != b'I' && b != b'O')
                })
                && is_digits(&n[2..]);
            checked(shape, || {
                !is_digits(&n[..2]) || french_vat_key(&n[..2], &n[2..])
            })
        }
        "HR" => checked(is_n_digits(n, 11), || mod11_10(n)),
        "IE" => checked(is_irish(n), || true),
        "IT" => checked(is_n_digits(n, 11), || luhn(n)),
        "LT" => checked(is_n_digits(n, 9) || is_n_digits(n, 12), || true),
        "LU" => checked(is_n_digits(n, 8), || mod89_lu(n)),
        "LV" => checked(is_n_digits(n, 11), || true),
        "NL" => checked(
            n.len() == 12 && is_digits(&n[..9]) && &n[9..10] == "B" && is_digits(&n[10..]),
            || elfproef(&n[..9]) || mod97_10(&format!("NL{n}")),
        ),
        "PL" | "SK" => checked(is_n_digits(n, 10), || true),
        "RO" => checked(digits_between(2, 10), || true),
        "SE" => checked(is_n_digits(n, 12) && n.ends_with("01"), || luhn(&n[..10])),
        "XI" | "GB" => checked(
            is_n_digits(n, 9)
                || is_n_digits(n, 12)
                || (n.len() == 5 && matches!(&n[..2], "GD" | "HA") && is_digits(&n[2..])),
            || true,
        ),
        "CH" => {
            let number = n.strip_prefix('E').unwrap_or("");
            let number = ["MWST", "TVA", "IVA", "TPV"]
                .iter()
                .find_map(|suffix| number.strip_suffix(suffix))
                .unwrap_or(number);
            checked(is_n_digits(number, 9), || swiss_uid(number))
        }
        _ => Err(Failure::Format),
    }
}

/// Spanish NIF/CIF as VIES writes it: a letter or digit, 7 digits, a letter or digit, not
/// digits at both ends.
fn is_spanish(n: &str) -> bool {
    let bytes = n.as_bytes();
    let end = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    n.len() == 9
        && end(bytes[0])
        && end(bytes[8])
        && is_digits(&n[1..8])
        && !(bytes[0].is_ascii_digit() && bytes[8].is_ascii_digit())
}

/// Irish VAT as VIES writes it: 7 digits and one or two letters (`\d{7}[A-W][A-IW]?`), or the
/// old form with a letter, `+` or `*` in second place (`\d[A-Z+*]\d{5}[A-W]`).
fn is_irish(n: &str) -> bool {
    let bytes = n.as_bytes();
    let check_letter = |b: u8| (b'A'..=b'W').contains(&b);
    let new_form = (n.len() == 8 || n.len() == 9)
        && is_digits(&n[..7])
        && check_letter(bytes[7])
        && (n.len() == 8 || (b'A'..=b'I').contains(&bytes[8]) || bytes[8] == b'W');
    let old_form = n.len() == 8
        && bytes[0].is_ascii_digit()
        && (bytes[1].is_ascii_uppercase() || bytes[1] == b'+' || bytes[1] == b'*')
        && is_digits(&n[2..7])
        && check_letter(bytes[7]);
    new_form || old_form
}
