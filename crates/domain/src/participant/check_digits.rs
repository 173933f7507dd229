//! Check-digit algorithms and small format helpers shared by the participant identifier
//! schemes and the VAT numbers. Every function takes the text to check and says whether it
//! passes; none allocates.

/// Whether `text` is non-empty and made of ASCII digits only.
pub(crate) fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `text` is exactly `len` ASCII digits.
pub(crate) fn is_n_digits(text: &str, len: usize) -> bool {
    text.len() == len && is_digits(text)
}

/// The digits of `text`, as numbers (the caller has checked they are digits).
fn digits(text: &str) -> impl DoubleEndedIterator<Item = u32> + '_ {
    text.bytes().map(|b| u32::from(b.wrapping_sub(b'0')))
}

/// The value of a string of at most 18 digits (the caller has checked they are digits).
pub(crate) fn number(text: &str) -> u64 {
    text.bytes()
        .fold(0, |acc, b| acc * 10 + u64::from(b.wrapping_sub(b'0')))
}

/// Luhn (ISO/IEC 7812-1): from the right, every second digit is doubled (its digits
/// summed), and the total is a multiple of 10.
pub(crate) fn luhn(text: &str) -> bool {
    let sum: u32 = digits(text)
        .rev()
        .enumerate()
        .map(|(position, digit)| {
            if position % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// GS1 mod 10 (GLN, GTIN), as the Peppol schematron's `u:gln`: from the right of the payload,
/// weights 3, 1, 3, …; the check digit is `(10 - sum mod 10) mod 10`.
pub(crate) fn gs1(text: &str) -> bool {
    let Some((payload, check)) = split_last_digit(text) else {
        return false;
    };
    let sum: u32 = digits(payload)
        .rev()
        .enumerate()
        .map(|(position, digit)| if position % 2 == 0 { digit * 3 } else { digit })
        .sum();
    (10 - sum % 10) % 10 == check
}

/// Mod 11 with weights 2, 3, 4, 5, 6, 7, 2, 3, … from the right of the payload, as the
/// Peppol schematron's `u:mod11` (Norwegian organisation numbers): the check digit is
/// `(11 - sum mod 11) mod 11` (so a remainder of 1 never validates), and the number is not 0.
pub(crate) fn mod11_no(text: &str) -> bool {
    let Some((payload, check)) = split_last_digit(text) else {
        return false;
    };
    let sum: u32 = digits(payload)
        .rev()
        .zip((2..=7).cycle())
        .map(|(digit, weight)| digit * weight)
        .sum();
    number(text) > 0 && (11 - sum % 11) % 11 == check
}

/// Belgian mod 97, as the Peppol schematron's `u:mod97-0208` and the Belgian VAT number: the
/// last two digits are `97 - (first eight digits mod 97)`.
pub(crate) fn mod97_be(text: &str) -> bool {
    if !is_n_digits(text, 10) {
        return false;
    }
    97 - number(&text[..8]) % 97 == number(&text[8..])
}

/// Australian Business Number, as the Peppol schematron's `u:abn`: subtract 1 from the first
/// digit, weight the digits 10, 1, 3, 5, …, 19, and the sum is a multiple of 89.
pub(crate) fn abn(text: &str) -> bool {
    if !is_n_digits(text, 11) {
        return false;
    }
    let sum: i64 = digits(text)
        .zip([10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19])
        .enumerate()
        .map(|(position, (digit, weight))| {
            let digit = i64::from(digit);
            (if position == 0 { digit - 1 } else { digit }) * weight
        })
        .sum();
    sum.rem_euclid(89) == 0
}

/// ISO/IEC 7064 MOD 97-10 over digits and letters (`A` = 10 … `Z` = 35), as LEI (ISO 17442)
/// and IBAN use it: the whole string, check digits included, is 1 modulo 97.
pub(crate) fn mod97_10(text: &str) -> bool {
    let mut remainder = 0u32;
    for b in text.bytes() {
        let value = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            b'a'..=b'z' => u32::from(b - b'a') + 10,
            _ => return false,
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    !text.is_empty() && remainder == 1
}

/// ISO/IEC 7064 MOD 11,10 (German VAT numbers, Croatian OIB): a pure-system hybrid check
/// over all the digits before the last one.
pub(crate) fn mod11_10(text: &str) -> bool {
    let Some((payload, check)) = split_last_digit(text) else {
        return false;
    };
    let product = digits(payload).fold(10, |product, digit| {
        let sum = match (digit + product) % 10 {
            0 => 10,
            sum => sum,
        };
        (2 * sum) % 11
    });
    (11 - product) % 10 == check
}

/// Greek TIN (AFM), as the Peppol schematron's `u:TinVerification`: the first eight digits
/// weighted 256, 128, …, 2; the sum mod 11 mod 10 is the ninth digit.
pub(crate) fn greek_tin(text: &str) -> bool {
    if !is_n_digits(text, 9) {
        return false;
    }
    let Some((payload, check)) = split_last_digit(text) else {
        return false;
    };
    let sum: u32 = digits(payload)
        .zip([256, 128, 64, 32, 16, 8, 4, 2])
        .map(|(digit, weight)| digit * weight)
        .sum();
    sum % 11 % 10 == check
}

/// Luxembourg VAT: the first six digits mod 89 are the last two.
pub(crate) fn mod89_lu(text: &str) -> bool {
    is_n_digits(text, 8) && number(&text[..6]) % 89 == number(&text[6..])
}

/// Dutch "elfproef" of a BSN/RSIN: weights 9, 8, …, 2 on the first eight digits, minus the
/// ninth, is a multiple of 11.
pub(crate) fn elfproef(text: &str) -> bool {
    if !is_n_digits(text, 9) {
        return false;
    }
    let Some((payload, check)) = split_last_digit(text) else {
        return false;
    };
    let sum: u32 = digits(payload)
        .zip((2..=9).rev())
        .map(|(digit, weight)| digit * weight)
        .sum();
    (sum + 11 - check).is_multiple_of(11)
}

/// French VAT key: two digits equal to `(12 + 3 × (SIREN mod 97)) mod 97`.
pub(crate) fn french_vat_key(key: &str, siren: &str) -> bool {
    is_n_digits(key, 2)
        && is_n_digits(siren, 9)
        && number(key) == (12 + 3 * (number(siren) % 97)) % 97
}

/// Swiss UID (eCH-0097) check digit over the nine digits: weights 5, 4, 3, 2, 7, 6, 5, 4;
/// the check is `11 - sum mod 11` (11 means 0, 10 never validates).
pub(crate) fn swiss_uid(text: &str) -> bool {
    if !is_n_digits(text, 9) {
        return false;
    }
    let Some((payload, check)) = split_last_digit(text) else {
        return false;
    };
    let sum: u32 = digits(payload)
        .zip([5, 4, 3, 2, 7, 6, 5, 4])
        .map(|(digit, weight)| digit * weight)
        .sum();
    (11 - sum % 11) % 11 == check
}

/// SIRET (and 14-digit SIRENE): Luhn, except for the establishments of La Poste (SIREN
/// 356000000), whose SIRET numbers instead have a digit sum that is a multiple of 5.
pub(crate) fn siret(text: &str) -> bool {
    if !is_n_digits(text, 14) {
        return false;
    }
    luhn(text) || (text.starts_with("356000000") && digits(text).sum::<u32>() % 5 == 0)
}

/// Splits off the last character as a digit; `None` when `text` is not all digits.
fn split_last_digit(text: &str) -> Option<(&str, u32)> {
    if !is_digits(text) {
        return None;
    }
    let (payload, check) = text.split_at(text.len() - 1);
    Some((payload, u32::from(check.as_bytes()[0] - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_vectors() {
        assert!(luhn("5567321707"));
        assert!(luhn("732829320"));
        assert!(!luhn("5567321708"));
    }

    #[test]
    fn gs1_vectors() {
        assert!(gs1("9429041098400"));
        assert!(gs1("5790000435951"));
        assert!(!gs1("9429041098401"));
        assert!(!gs1("94290410984O0"));
    }

    #[test]
    fn mod11_no_vectors() {
        assert!(mod11_no("745707327"));
        assert!(mod11_no("990399123"));
        assert!(!mod11_no("745707328"));
        assert!(!mod11_no("000000000"));
    }

    #[test]
    fn mod97_be_vectors() {
        assert!(mod97_be("0123456749"));
        assert!(mod97_be("0739484052"));
        assert!(!mod97_be("0123456789"));
    }

    #[test]
    fn abn_vectors() {
        assert!(abn("51824753556"));
        assert!(!abn("51824753550"));
        assert!(!abn("01824753556"));
    }

    #[test]
    fn mod97_10_vectors() {
        assert!(mod97_10("5493001KJTIIGC8Y1R12"));
        assert!(mod97_10("5493001kjtiigc8y1r12"));
        assert!(!mod97_10("5493001KJTIIGC8Y1R13"));
        assert!(!mod97_10(""));
    }

    #[test]
    fn mod11_10_vectors() {
        assert!(mod11_10("136695976"));
        assert!(mod11_10("94577403194"));
        assert!(!mod11_10("136695977"));
    }

    #[test]
    fn greek_tin_vectors() {
        assert!(greek_tin("094259216"));
        assert!(!greek_tin("094259217"));
    }

    #[test]
    fn lu_nl_fr_ch_vectors() {
        assert!(mod89_lu("15027442"));
        assert!(!mod89_lu("15027443"));
        assert!(elfproef("004495445"));
        assert!(!elfproef("004495446"));
        assert!(french_vat_key("40", "303265045"));
        assert!(!french_vat_key("41", "303265045"));
        assert!(swiss_uid("109322551"));
        assert!(!swiss_uid("109322552"));
    }

    #[test]
    fn siret_vectors() {
        assert!(siret("73282932000074"));
        assert!(!siret("73282932000075"));
        // La Poste: the head office passes Luhn, the other establishments only the sum rule.
        assert!(siret("35600000000048"));
        assert!(siret("35600000049837"));
        assert!(!siret("35600000049838"));
    }
}
