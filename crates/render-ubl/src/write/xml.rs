//! A small streaming XML writer over one `String`: no DOM, no per-element allocation.
//!
//! Layout: every element starts on its own line, indented by two spaces per level;
//! leaf elements keep their text on the same line (`<cbc:ID>1</cbc:ID>`), so no text
//! node ever gains whitespace. An aggregate opened with [`Xml::start`] and closed with
//! [`Xml::end`] disappears when nothing was written inside it, and a leaf whose value is
//! absent or blank is not written: the output never holds an empty element.
//!
//! Escaping: `&`, `<` and `>` become `&amp;`, `&lt;` and `&gt;` everywhere, and
//! attribute values (always in double quotes) also escape `"`, tab, line feed and
//! carriage return (`&quot;`, `&#9;`, `&#10;`, `&#13;`) so that attribute value
//! normalisation cannot alter them; carriage returns in text become `&#13;` for the same
//! reason (end-of-line normalisation). Characters that XML 1.0 cannot carry at all,
//! not even as character references (the C0 controls other than tab, line feed and
//! carriage return, and the noncharacters U+FFFE and U+FFFF), are written as U+FFFD
//! REPLACEMENT CHARACTER: the output stays well-formed and the loss stays visible. A
//! document holding such characters should have been refused by the business rules
//! before it was rendered.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use time::Date;

/// A line feed and indentation for up to 31 levels (UBL documents nest about 8 deep).
const NEWLINE_INDENT: &str = "\n                                                              ";

/// An element name with its start and end tags, built at compile time by [`tag!`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Tag {
    /// `<name>`.
    pub(super) open: &'static str,
    /// `</name>`.
    pub(super) close: &'static str,
}

impl Tag {
    /// `<name`, for a start tag with attributes.
    fn open_without_end(self) -> &'static str {
        &self.open[..self.open.len() - 1]
    }
}

/// The [`Tag`] of element `name` (a string literal such as `"cbc:ID"`).
macro_rules! tag {
    ($name:literal) => {
        $crate::write::xml::Tag {
            open: concat!("<", $name, ">"),
            close: concat!("</", $name, ">"),
        }
    };
}
pub(super) use tag;

/// An attribute name as written before its value: `" name=\""`, built by [`attribute!`].
#[derive(Debug, Clone, Copy)]
pub(super) struct AttributeName(pub(super) &'static str);

/// The [`AttributeName`] of attribute `name` (a string literal such as `"schemeID"`).
macro_rules! attribute {
    ($name:literal) => {
        $crate::write::xml::AttributeName(concat!(" ", $name, "=\""))
    };
}
pub(super) use attribute;

/// The position of an open aggregate: where its start tag began and where its content
/// begins.
#[derive(Debug, Clone, Copy)]
pub(super) struct Mark {
    start: usize,
    content: usize,
}

/// The writer: the output and the current depth.
#[derive(Debug)]
pub(super) struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    /// An empty writer with room for `capacity` bytes.
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Self {
            out: String::with_capacity(capacity),
            depth: 0,
        }
    }

    /// The output.
    pub(super) fn finish(mut self) -> String {
        self.out.push('\n');
        self.out
    }

    /// Appends raw markup (the caller guarantees it is well-formed).
    pub(super) fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    #[inline]
    fn newline(&mut self) {
        let width = (1 + self.depth * 2).min(NEWLINE_INDENT.len());
        self.out.push_str(&NEWLINE_INDENT[..width]);
    }

    /// Opens the aggregate `tag`, to be closed with [`Xml::end`].
    #[inline]
    pub(super) fn start(&mut self, tag: Tag) -> Mark {
        let start = self.out.len();
        self.newline();
        self.out.push_str(tag.open);
        self.depth += 1;
        Mark {
            start,
            content: self.out.len(),
        }
    }

    /// Opens the root element `tag` with its namespace declarations (`attributes` is
    /// raw markup such as ` xmlns="..."`).
    pub(super) fn start_root(&mut self, tag: Tag, attributes: &str) -> Mark {
        let start = self.out.len();
        self.newline();
        self.out.push_str(tag.open_without_end());
        self.out.push_str(attributes);
        self.out.push('>');
        self.depth += 1;
        Mark {
            start,
            content: self.out.len(),
        }
    }

    /// Closes the aggregate `tag` opened at `mark`; removes it when it stayed empty.
    #[inline]
    pub(super) fn end(&mut self, tag: Tag, mark: Mark) {
        self.depth -= 1;
        if self.out.len() == mark.content {
            self.out.truncate(mark.start);
            return;
        }
        self.newline();
        self.out.push_str(tag.close);
    }

    /// The start tag of a leaf, with the attributes whose value is not blank.
    #[inline]
    fn open_leaf(&mut self, tag: Tag, attributes: &[(AttributeName, Option<&str>)]) {
        self.newline();
        if attributes.is_empty() {
            self.out.push_str(tag.open);
            return;
        }
        self.out.push_str(tag.open_without_end());
        for (name, value) in attributes {
            if let Some(value) = value.filter(|value| !is_blank(value)) {
                self.out.push_str(name.0);
                escape_into(&mut self.out, value, true);
                self.out.push('"');
            }
        }
        self.out.push('>');
    }

    /// `<name>value</name>`, unless `value` is absent or blank.
    #[inline]
    pub(super) fn text(&mut self, tag: Tag, value: Option<&str>) {
        self.text_with(tag, &[], value);
    }

    /// `<name a="x" b="y">value</name>`, unless `value` is absent or blank; an attribute
    /// whose value is absent or blank is left out.
    #[inline]
    pub(super) fn text_with(
        &mut self,
        tag: Tag,
        attributes: &[(AttributeName, Option<&str>)],
        value: Option<&str>,
    ) {
        let Some(value) = value.filter(|value| !is_blank(value)) else {
            return;
        };
        self.open_leaf(tag, attributes);
        escape_into(&mut self.out, value, false);
        self.out.push_str(tag.close);
    }

    /// `<name>#code#text</name>` (a note with its UNCL 4451 subject code, the EN 16931
    /// UBL binding of BT-21), or `<name>text</name>` without a code; nothing when both
    /// are blank.
    pub(super) fn coded_note(&mut self, tag: Tag, code: Option<&str>, text: &str) {
        let Some(code) = code.filter(|code| !is_blank(code)) else {
            self.text(tag, Some(text));
            return;
        };
        self.open_leaf(tag, &[]);
        self.out.push('#');
        escape_into(&mut self.out, code, false);
        self.out.push('#');
        escape_into(&mut self.out, text, false);
        self.out.push_str(tag.close);
    }

    /// `<name a="x">decimal</name>`, unless `value` is absent; the decimal keeps its scale.
    pub(super) fn decimal_with(
        &mut self,
        tag: Tag,
        attributes: &[(AttributeName, Option<&str>)],
        value: Option<Decimal>,
    ) {
        let Some(value) = value else {
            return;
        };
        self.open_leaf(tag, attributes);
        push_decimal(&mut self.out, value);
        self.out.push_str(tag.close);
    }

    /// `<name>YYYY-MM-DD</name>`, unless `value` is absent.
    pub(super) fn date(&mut self, tag: Tag, value: Option<Date>) {
        let Some(value) = value else {
            return;
        };
        self.open_leaf(tag, &[]);
        let year = value.year();
        if (0..=9999).contains(&year) {
            let year = year.unsigned_abs();
            push_digits(&mut self.out, year / 100);
            push_digits(&mut self.out, year % 100);
        } else {
            // Not an xsd:date the rules accept, but written as the model holds it.
            write!(self.out, "{year:+05}").expect("writing to a String cannot fail");
        }
        self.out.push('-');
        push_digits(&mut self.out, u32::from(u8::from(value.month())));
        self.out.push('-');
        push_digits(&mut self.out, u32::from(value.day()));
        self.out.push_str(tag.close);
    }

    /// `<name a="x">base64</name>` (standard alphabet, padded, no line breaks), unless
    /// `bytes` is empty.
    pub(super) fn base64_with(
        &mut self,
        tag: Tag,
        attributes: &[(AttributeName, Option<&str>)],
        bytes: &[u8],
    ) {
        use base64::Engine as _;
        if bytes.is_empty() {
            return;
        }
        self.open_leaf(tag, attributes);
        base64::engine::general_purpose::STANDARD.encode_string(bytes, &mut self.out);
        self.out.push_str(tag.close);
    }
}

/// Whether `value` is empty or only whitespace.
pub(super) fn is_blank(value: &str) -> bool {
    match value.as_bytes().first() {
        None => true,
        // Printable ASCII other than space: not blank, without scanning.
        Some(0x21..=0x7E) => false,
        Some(_) => value.trim().is_empty(),
    }
}

/// Two decimal digits of `value` (below 100).
fn push_digits(out: &mut String, value: u32) {
    const DIGITS: &[u8; 10] = b"0123456789";
    out.push(char::from(DIGITS[(value / 10 % 10) as usize]));
    out.push(char::from(DIGITS[(value % 10) as usize]));
}

/// Appends `value` exactly as `Decimal::to_string` writes it (the scale kept, no
/// exponent, a `-` for negative values including negative zero), without the
/// formatting machinery.
pub(super) fn push_decimal(out: &mut String, value: Decimal) {
    // A Decimal has at most 29 significant digits and a scale of at most 28.
    let mut digits = [0_u8; 32];
    let mut count = 0;
    let mut magnitude = value.mantissa().unsigned_abs();
    while magnitude > u128::from(u64::MAX) {
        digits[count] = (magnitude % 10) as u8;
        magnitude /= 10;
        count += 1;
    }
    let mut small = u64::try_from(magnitude).expect("below u64::MAX");
    loop {
        digits[count] = (small % 10) as u8;
        small /= 10;
        count += 1;
        if small == 0 {
            break;
        }
    }
    let scale = value.scale() as usize;
    // At least one digit before the point (the buffer holds zeros beyond `count`).
    let count = count.max(scale + 1);
    if value.is_sign_negative() {
        out.push('-');
    }
    for position in (0..count).rev() {
        if position + 1 == scale {
            out.push('.');
        }
        out.push(char::from(b'0' + digits[position]));
    }
}

/// Appends `value` escaped for XML text (`attribute == false`) or a double-quoted
/// attribute value (`attribute == true`).
fn escape_into(out: &mut String, value: &str, attribute: bool) {
    let table = if attribute {
        &ATTRIBUTE_ESCAPES
    } else {
        &TEXT_ESCAPES
    };
    let bytes = value.as_bytes();
    let mut clean_from = 0;
    let mut index = 0;
    while let Some(offset) = bytes[index..]
        .iter()
        .position(|&byte| table[usize::from(byte)] != KEEP)
    {
        index += offset;
        let (replacement, width) = match table[usize::from(bytes[index])] {
            AMP => ("&amp;", 1),
            LT => ("&lt;", 1),
            GT => ("&gt;", 1),
            QUOT => ("&quot;", 1),
            TAB => ("&#9;", 1),
            LF => ("&#10;", 1),
            CR => ("&#13;", 1),
            ILLEGAL => ("\u{FFFD}", 1),
            // 0xEF: U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
            _ if bytes.get(index + 1) == Some(&0xBF)
                && matches!(bytes.get(index + 2), Some(0xBE | 0xBF)) =>
            {
                ("\u{FFFD}", 3)
            }
            _ => {
                index += 1;
                continue;
            }
        };
        out.push_str(&value[clean_from..index]);
        out.push_str(replacement);
        index += width;
        clean_from = index;
    }
    out.push_str(&value[clean_from..]);
}

const KEEP: u8 = 0;
const AMP: u8 = 1;
const LT: u8 = 2;
const GT: u8 = 3;
const QUOT: u8 = 4;
const TAB: u8 = 5;
const LF: u8 = 6;
const CR: u8 = 7;
const ILLEGAL: u8 = 8;
const MAYBE_NONCHARACTER: u8 = 9;

/// What each byte of text content needs.
const TEXT_ESCAPES: [u8; 256] = escape_table(false);
/// What each byte of a double-quoted attribute value needs.
const ATTRIBUTE_ESCAPES: [u8; 256] = escape_table(true);

const fn escape_table(attribute: bool) -> [u8; 256] {
    let mut table = [KEEP; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = ILLEGAL;
        byte += 1;
    }
    table[b'\r' as usize] = CR;
    if attribute {
        table[b'\t' as usize] = TAB;
        table[b'\n' as usize] = LF;
        table[b'"' as usize] = QUOT;
    } else {
        table[b'\t' as usize] = KEEP;
        table[b'\n' as usize] = KEEP;
    }
    table[b'&' as usize] = AMP;
    table[b'<' as usize] = LT;
    table[b'>' as usize] = GT;
    table[0xEF] = MAYBE_NONCHARACTER;
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(value: &str, attribute: bool) -> String {
        let mut out = String::new();
        escape_into(&mut out, value, attribute);
        out
    }

    #[test]
    fn text_escapes_markup_and_carriage_returns() {
        assert_eq!(
            escaped("a & b < c > d \"e\" 'f'\r\n\tg", false),
            "a &amp; b &lt; c &gt; d \"e\" 'f'&#13;\n\tg"
        );
    }

    #[test]
    fn attributes_escape_quotes_and_whitespace() {
        assert_eq!(
            escaped("a\"b'c\td\ne\rf&", true),
            "a&quot;b'c&#9;d&#10;e&#13;f&amp;"
        );
    }

    #[test]
    fn characters_xml_cannot_carry_become_replacement_characters() {
        assert_eq!(
            escaped("a\u{0}b\u{1B}c\u{FFFE}d\u{FFFF}e\u{FFFD}", false),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}"
        );
    }

    #[test]
    fn decimals_are_written_like_to_string() {
        for text in [
            "0",
            "0.00",
            "-0.50",
            "1000.00",
            "21.00",
            "100.1000",
            "-3",
            "0.000001",
            "79228162514264337593543950335",
            "-7.9228162514264337593543950335",
            "0.0000000000000000000000000001",
            "18446744073709551616.5",
        ] {
            let value: Decimal = text.parse().expect("decimal");
            let mut out = String::new();
            push_decimal(&mut out, value);
            assert_eq!(out, value.to_string(), "{text}");
        }
        let negative_zero = Decimal::new(-1, 2) * Decimal::ZERO;
        let mut out = String::new();
        push_decimal(&mut out, negative_zero);
        assert_eq!(out, negative_zero.to_string());
    }

    proptest::proptest! {
        #[test]
        fn any_decimal_is_written_like_to_string(mantissa: i128, scale in 0u32..=28) {
            let mantissa = mantissa % 79_228_162_514_264_337_593_543_950_336_i128;
            let value = Decimal::from_i128_with_scale(mantissa, scale);
            let mut out = String::new();
            push_decimal(&mut out, value);
            proptest::prop_assert_eq!(out, value.to_string());
        }
    }

    #[test]
    fn dates_are_iso() {
        let mut xml = Xml::with_capacity(64);
        xml.date(tag!("d"), Some(time::macros::date!(2026 - 05 - 05)));
        xml.date(tag!("d"), Some(time::macros::date!(0987 - 12 - 31)));
        assert_eq!(xml.finish(), "\n<d>2026-05-05</d>\n<d>0987-12-31</d>\n");
    }

    #[test]
    fn blank_is_whitespace_only() {
        assert!(is_blank(""));
        assert!(is_blank(" \t\n\u{A0}\u{3000}"));
        assert!(!is_blank("a"));
        assert!(!is_blank(" a "));
        assert!(!is_blank("\u{3000}漢"));
    }

    proptest::proptest! {
        #[test]
        fn escaping_matches_a_char_by_char_reference(value: String, attribute: bool) {
            let mut expected = String::new();
            for character in value.chars() {
                match character {
                    '&' => expected.push_str("&amp;"),
                    '<' => expected.push_str("&lt;"),
                    '>' => expected.push_str("&gt;"),
                    '"' if attribute => expected.push_str("&quot;"),
                    '\t' if attribute => expected.push_str("&#9;"),
                    '\n' if attribute => expected.push_str("&#10;"),
                    '\r' => expected.push_str("&#13;"),
                    '\t' | '\n' => expected.push(character),
                    '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => expected.push('\u{FFFD}'),
                    other => expected.push(other),
                }
            }
            proptest::prop_assert_eq!(escaped(&value, attribute), expected);
        }
    }

    #[test]
    fn non_ascii_text_is_kept() {
        assert_eq!(
            escaped("Ελληνικά 漢字 🧾 \u{EFBF}", false),
            "Ελληνικά 漢字 🧾 \u{EFBF}"
        );
    }

    #[test]
    fn empty_aggregates_disappear() {
        let mut xml = Xml::with_capacity(64);
        let outer = xml.start(tag!("a"));
        let inner = xml.start(tag!("b"));
        xml.text(tag!("c"), Some("  "));
        xml.text(tag!("c"), None);
        xml.end(tag!("b"), inner);
        xml.end(tag!("a"), outer);
        assert_eq!(xml.finish(), "\n");
    }

    #[test]
    fn aggregates_are_indented() {
        let mut xml = Xml::with_capacity(64);
        let outer = xml.start(tag!("a"));
        xml.text_with(
            tag!("b"),
            &[(attribute!("x"), Some("1")), (attribute!("y"), None)],
            Some("v"),
        );
        xml.end(tag!("a"), outer);
        assert_eq!(xml.finish(), "\n<a>\n  <b x=\"1\">v</b>\n</a>\n");
    }
}
