//! The `XPath` 2.0 functions and casts the Peppol schematron's tests rely on, with their
//! exact semantics on the edge cases that decide a rule (`normalize-space` only strips the
//! four XML whitespace characters, `number()` is NaN for anything not castable to
//! `xs:double`, `round()` rounds half toward positive infinity, ...). None allocates,
//! except [`normalize`] on text that is not already normalized.

use std::borrow::Cow;

use rust_decimal::Decimal;

/// Whether `c` is XML whitespace (`#x20 | #x9 | #xD | #xA`), what `normalize-space` and
/// `\s` in `XPath` regular expressions strip or match.
#[inline]
pub(super) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// `text` without leading and trailing XML whitespace.
#[inline]
pub(super) fn trim(text: &str) -> &str {
    crate::document::rules::trim_xml_space(text)
}

/// Whether `normalize-space(text)` is the empty string.
#[inline]
pub(super) fn is_blank(text: &str) -> bool {
    text.bytes().all(is_space_byte)
}

/// [`is_space`] on a byte of UTF-8 (XML whitespace is ASCII).
#[inline]
fn is_space_byte(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// Whether `text` has XML whitespace (else `normalize-space(text)` is `text`).
#[inline]
fn has_space(text: &str) -> bool {
    text.bytes().any(is_space_byte)
}

/// Whether `normalize-space(text) != ''` for an element that may be absent (an absent
/// element normalizes to `''`).
#[inline]
pub(super) fn has_text(text: Option<&str>) -> bool {
    text.is_some_and(|text| !is_blank(text))
}

/// The characters of `normalize-space(text)`: trimmed, every run of XML whitespace
/// collapsed into one space.
pub(super) fn normalized(text: &str) -> impl Iterator<Item = char> + '_ {
    let mut previous_space = false;
    trim(text).chars().filter_map(move |c| {
        if is_space(c) {
            if previous_space {
                return None;
            }
            previous_space = true;
            Some(' ')
        } else {
            previous_space = false;
            Some(c)
        }
    })
}

/// `normalize-space(text)`, borrowed when `text` is already normalized.
pub(super) fn normalize(text: &str) -> Cow<'_, str> {
    if !has_space(text) {
        return Cow::Borrowed(text);
    }
    let trimmed = trim(text);
    let bytes = trimmed.as_bytes();
    let already = bytes.iter().enumerate().all(|(index, &byte)| {
        !is_space_byte(byte) || byte == b' ' && index > 0 && bytes[index - 1] != b' '
    });
    if already {
        Cow::Borrowed(trimmed)
    } else {
        Cow::Owned(normalized(text).collect())
    }
}

/// `string-length(normalize-space(text))`.
pub(super) fn normalized_len(text: &str) -> usize {
    normalized(text).count()
}

/// `normalize-space(text) = expected`.
#[inline]
pub(super) fn norm_eq(text: &str, expected: &str) -> bool {
    if has_space(text) {
        normalized(text).eq(expected.chars())
    } else {
        text == expected
    }
}

/// `normalize-space(text)` is one of `expected`.
pub(super) fn norm_in(text: &str, expected: &[&str]) -> bool {
    expected.iter().any(|code| norm_eq(text, code))
}

/// `normalize-space(text)` is in the sorted code list `list`.
pub(super) fn norm_in_list(text: &str, list: &[&str]) -> bool {
    in_list(list, &normalize(text))
}

/// Whether the sorted code list `list` has `code` (exact): a binary search comparing the
/// short codes byte by byte, as [`crate::document::code_lists::contains`] does with `Ord`.
pub(super) fn in_list(list: &[&str], code: &str) -> bool {
    let code = code.as_bytes();
    list.binary_search_by(|probe| {
        let probe = probe.as_bytes();
        for (left, right) in probe.iter().zip(code) {
            match left.cmp(right) {
                std::cmp::Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        probe.len().cmp(&code.len())
    })
    .is_ok()
}

/// `upper-case(text) = expected` (full Unicode case mapping, as `XPath`'s `upper-case`).
pub(super) fn upper_eq(text: &str, expected: &str) -> bool {
    text.chars()
        .flat_map(char::to_uppercase)
        .eq(expected.chars())
}

/// `upper-case(normalize-space(text)) = expected`.
pub(super) fn upper_norm_eq(text: &str, expected: &str) -> bool {
    normalized(text)
        .flat_map(char::to_uppercase)
        .eq(expected.chars())
}

/// `substring(text, start, length)` for a whole-number start (1-based) and length, in
/// characters, as `XPath` counts them.
pub(super) fn substring(text: &str, start: usize, length: usize) -> &str {
    let begin = start.saturating_sub(1);
    let mut indices = text
        .char_indices()
        .map(|(index, _)| index)
        .chain([text.len()]);
    let Some(from) = indices.by_ref().nth(begin) else {
        return "";
    };
    let to = if length == 0 {
        from
    } else {
        indices.nth(length - 1).unwrap_or(text.len())
    };
    &text[from..to]
}

/// `substring(text, start)`: from the 1-based character `start` to the end.
pub(super) fn substring_from(text: &str, start: usize) -> &str {
    let begin = start.saturating_sub(1);
    text.char_indices()
        .nth(begin)
        .map_or("", |(index, _)| &text[index..])
}

/// `string-length(text)`, in characters.
pub(super) fn string_length(text: &str) -> usize {
    text.chars().count()
}

/// Whether `text` is castable as `xs:integer`: optional surrounding whitespace, an
/// optional sign, one or more ASCII digits.
pub(super) fn is_integer(text: &str) -> bool {
    let text = trim(text);
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `text` (already trimmed, sign removed) is an `xs:decimal` lexical form without
/// sign: `digits`, `digits.`, `digits.digits` or `.digits`.
fn is_unsigned_decimal(text: &str) -> bool {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    (!whole.is_empty() || !fraction.is_empty()) && digits(whole) && digits(fraction)
}

/// `number(text)`: the `xs:double` value of `text`, NaN when it is not castable (`XPath`'s
/// `number` never fails).
pub(super) fn number(text: &str) -> f64 {
    let text = trim(text);
    match text {
        "INF" => return f64::INFINITY,
        "-INF" => return f64::NEG_INFINITY,
        "NaN" => return f64::NAN,
        _ => {}
    }
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let exponent_ok = exponent.is_none_or(|exponent| {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    });
    if !is_unsigned_decimal(mantissa) || !exponent_ok {
        return f64::NAN;
    }
    text.parse().unwrap_or(f64::NAN)
}

/// `string(number(text)) != 'NaN'`: whether `text` is a number (`INF` counts).
pub(super) fn is_number(text: &str) -> bool {
    !number(text).is_nan()
}

/// Whether `text` is castable as `xs:date` in the form `YYYY-MM-DD` with an optional
/// timezone, as `castable as xs:date` accepts it.
pub(super) fn is_date(text: &str) -> bool {
    // A negative year (`-0044-03-15`) is a date too; its leap years are counted the same.
    let text = trim(text);
    let text = text.strip_prefix('-').unwrap_or(text);
    let Some((year, rest)) = text.split_once('-') else {
        return false;
    };
    let year_ok = year.len() >= 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && (year.len() == 4 || !year.starts_with('0'));
    if !year_ok || rest.len() < 5 {
        return false;
    }
    let (month_day, zone) = rest.split_at(5);
    let bytes = month_day.as_bytes();
    let two = |at: usize| {
        (bytes[at].is_ascii_digit() && bytes[at + 1].is_ascii_digit())
            .then(|| u32::from(bytes[at] - b'0') * 10 + u32::from(bytes[at + 1] - b'0'))
    };
    let (Some(month), Some(day)) = (two(0), two(3)) else {
        return false;
    };
    if bytes[2] != b'-' || !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let year_number: u64 = year.parse().unwrap_or(0);
    let leap = year_number.is_multiple_of(4)
        && (!year_number.is_multiple_of(100) || year_number.is_multiple_of(400));
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > days || year_number == 0 {
        return false;
    }
    is_timezone(zone)
}

/// An `xs:date` timezone: empty, `Z`, or `+hh:mm` / `-hh:mm` up to 14:00.
fn is_timezone(zone: &str) -> bool {
    if zone.is_empty() || zone == "Z" {
        return true;
    }
    let bytes = zone.as_bytes();
    if bytes.len() != 6 || !matches!(bytes[0], b'+' | b'-') || bytes[3] != b':' {
        return false;
    }
    let digits = [bytes[1], bytes[2], bytes[4], bytes[5]];
    if !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let hours = u32::from(digits[0] - b'0') * 10 + u32::from(digits[1] - b'0');
    let minutes = u32::from(digits[2] - b'0') * 10 + u32::from(digits[3] - b'0');
    minutes < 60 && (hours < 14 || hours == 14 && minutes == 0)
}

/// `XPath` `round(value)`: the nearest whole number, halves rounded toward positive
/// infinity (`round(-2.5)` is `-2`).
pub(super) fn round(value: Decimal) -> Option<Decimal> {
    value
        .checked_add(Decimal::new(5, 1))
        .map(|shifted| shifted.floor())
}

/// The Peppol schematron's `u:slack(exp, val, slack)`: `exp + slack >= val and
/// exp - slack <= val` in `xs:decimal`, that is `|exp - val| <= slack` (a difference too
/// large for a `Decimal` is larger than any slack).
pub(super) fn slack(expected: Decimal, value: Decimal, slack: Decimal) -> bool {
    expected
        .checked_sub(value)
        .is_some_and(|difference| difference.abs() <= slack)
}

/// Whether `needle`, with a space on each side, occurs in `haystack`:
/// `contains(haystack, concat(' ', needle, ' '))`.
pub(super) fn contains_spaced(haystack: &str, needle: &str) -> bool {
    let bytes = haystack.as_bytes();
    let mut from = 0;
    while let Some(found) = haystack[from..].find(needle) {
        let start = from + found;
        let end = start + needle.len();
        if start > 0 && bytes[start - 1] == b' ' && bytes.get(end) == Some(&b' ') {
            return true;
        }
        match haystack[start..].chars().next() {
            Some(c) => from = start + c.len_utf8(),
            None => return false,
        }
    }
    false
}

/// ISO 7064 mod 97 as the German rules compute it on an IBAN: the account without
/// whitespace, its first four characters moved to the end (the first two upper-cased),
/// every character replaced by its code point minus 55 (above 64) or minus 48, the digits
/// concatenated, and the number modulo 97 equal to 1; the account must also match
/// `^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{0,30}$`.
pub(super) fn german_iban(account: Option<&str>) -> bool {
    let account = account.unwrap_or("");
    let compact = || {
        account
            .chars()
            .filter(|c| !c.is_whitespace() && !is_space(*c))
    };
    let length = compact().count();
    let shaped = compact().enumerate().all(|(index, c)| match index {
        0 | 1 => c.is_ascii_uppercase(),
        2 | 3 => c.is_ascii_digit(),
        _ => c.is_ascii_alphanumeric(),
    });
    if !shaped || !(4..=34).contains(&length) {
        return false;
    }
    let rotated = compact().skip(4).chain(compact().take(4));
    let mut remainder = 0u32;
    for c in rotated {
        let code = u32::from(c);
        let value = if code > 64 { code - 55 } else { code - 48 };
        let digits: &[u32] = if value >= 10 {
            &[value / 10, value % 10]
        } else {
            &[value]
        };
        for digit in digits {
            remainder = (remainder * 10 + digit) % 97;
        }
    }
    remainder == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_space() {
        assert_eq!(normalize("  a \t\n b  "), "a b");
        assert!(matches!(normalize("a b"), Cow::Borrowed("a b")));
        assert!(norm_eq(" 01 ", "01"));
        assert!(!norm_eq("0 1", "01"));
        assert_eq!(normalized_len(" a  b "), 3);
        assert!(is_blank(" \n\t"));
        assert!(!is_blank("\u{a0}"));
    }

    #[test]
    fn substrings_count_characters() {
        assert_eq!(substring("EL123456789", 3, 9), "123456789");
        assert_eq!(substring("ÅB", 1, 1), "Å");
        assert_eq!(substring("AB", 3, 2), "");
        assert_eq!(substring("ABC", 2, 5), "BC");
        assert_eq!(substring_from("NO123", 3), "123");
        assert_eq!(substring_from("N", 3), "");
    }

    #[test]
    fn numbers() {
        assert!((number(" 25 ") - 25.0).abs() < f64::EPSILON);
        assert!(number("1e3") > 999.0);
        assert!(number("abc").is_nan());
        assert!(number("").is_nan());
        assert!(number("1.").is_finite());
        assert!(number(".5").is_finite());
        assert!(number("inf").is_nan());
        assert!(number("INF").is_infinite());
        assert!(number("0x10").is_nan());
        assert!(is_integer(" +12 "));
        assert!(!is_integer("1.0"));
    }

    #[test]
    fn dates() {
        assert!(is_date("2017-01-01"));
        assert!(is_date("2016-02-29"));
        assert!(!is_date("2017-02-29"));
        assert!(!is_date("2017-01-00"));
        assert!(!is_date("2017-09-31"));
        assert!(!is_date("18-10-01"));
        assert!(!is_date("2018-01-01T20:00:00"));
        assert!(is_date("2018-01-01Z"));
        assert!(is_date("2018-01-01+01:00"));
    }

    #[test]
    fn xpath_round_is_half_up() {
        let dec = |text: &str| text.parse::<Decimal>().unwrap();
        assert_eq!(round(dec("2.5")), Some(dec("3")));
        assert_eq!(round(dec("-2.5")), Some(dec("-2")));
        assert_eq!(round(dec("-2.51")), Some(dec("-3")));
    }

    #[test]
    fn spaced_contains() {
        let list = " 1 10 31 42 ";
        assert!(contains_spaced(list, "10"));
        assert!(contains_spaced(list, "1"));
        assert!(!contains_spaced(list, "0"));
        assert!(!contains_spaced(list, ""));
        assert!(contains_spaced(list, "1 10"));
    }

    #[test]
    fn german_iban_check() {
        assert!(german_iban(Some("DE75512108001245126199")));
        assert!(german_iban(Some("DE75 5121 0800 1245 1261 99")));
        assert!(!german_iban(Some("DE75512108001245126198")));
        assert!(!german_iban(Some("de75512108001245126199")));
        assert!(!german_iban(None));
    }
}
