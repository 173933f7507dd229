//! One-pass reading of JSON into the model, collecting every problem.
//!
//! serde drives the parse from the bytes; the visitors here accept every JSON type where
//! a field is expected and record a problem (with the pointer of the field) instead of
//! failing, so the only errors that stop the parse are syntax errors. Objects are read
//! through [`Object`] (a table of known fields and a `read` per field), arrays through
//! [`list`], and scalars through [`Leaf`], converted by [`Cx`].
//!
//! With serde_json's `arbitrary_precision` (enabled by this crate), a JSON number that
//! is not an integer reaches `deserialize_any` visitors as a one-entry map whose key is
//! serde_json's private number token and whose value is the number's text. The visitors
//! recognise that token, so numbers are never converted through `f64`.

use std::fmt;
use std::marker::PhantomData;

use rust_decimal::Decimal;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use time::{Date, Month};

use crate::{JsonProblem, ParseLimits, codes};

/// The key serde_json (with `arbitrary_precision`) uses to pass a number's text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// One step of a JSON pointer.
#[derive(Debug, Clone, Copy)]
enum Step {
    Key(&'static str),
    Index(usize),
}

/// The reading context: problems found so far and where the reader is.
#[derive(Debug)]
pub(crate) struct Cx {
    pub(crate) problems: Vec<JsonProblem>,
    path: Vec<Step>,
    /// Pointers are built from `path[base..]` (the attributes of an envelope).
    base: usize,
    /// Pointers always start at the body's root (the HTTP API's form), not at the
    /// attributes of an envelope.
    from_root: bool,
    /// Whether the body was a JSON:API envelope.
    pub(crate) enveloped: bool,
    pub(crate) limits: ParseLimits,
}

fn push_escaped(pointer: &mut String, key: &str) {
    for character in key.chars() {
        match character {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            other => pointer.push(other),
        }
    }
}

impl Cx {
    pub(crate) fn new(limits: ParseLimits) -> Self {
        Self {
            problems: Vec::new(),
            path: Vec::with_capacity(8),
            base: 0,
            from_root: false,
            enveloped: false,
            limits,
        }
    }

    /// A context whose pointers start at the body's root, even inside an envelope.
    pub(crate) fn from_root(limits: ParseLimits) -> Self {
        Self {
            from_root: true,
            ..Self::new(limits)
        }
    }

    /// The JSON pointer of the current position.
    pub(crate) fn pointer(&self) -> String {
        let mut pointer = String::new();
        for step in &self.path[self.base.min(self.path.len())..] {
            pointer.push('/');
            match step {
                Step::Key(key) => push_escaped(&mut pointer, key),
                Step::Index(index) => pointer.push_str(&index.to_string()),
            }
        }
        pointer
    }

    /// Records a problem at the current position.
    pub(crate) fn report(&mut self, code: &'static str, message: impl Into<String>) {
        let pointer = self.pointer();
        self.problems.push(JsonProblem {
            pointer,
            code,
            message: message.into(),
        });
    }

    /// Records a problem at the member `key` of the current object.
    pub(crate) fn report_at(&mut self, key: &str, code: &'static str, message: impl Into<String>) {
        let mut pointer = self.pointer();
        pointer.push('/');
        push_escaped(&mut pointer, key);
        self.problems.push(JsonProblem {
            pointer,
            code,
            message: message.into(),
        });
    }

    /// Records that the member `key` of the current object is required.
    pub(crate) fn required(&mut self, key: &str) {
        self.report_at(key, codes::REQUIRED, format!("`{key}` is required"));
    }

    fn invalid_type(&mut self, expected: &str, found: &str) {
        self.report(
            codes::INVALID_TYPE,
            format!("expected {expected}, found {found}"),
        );
    }

    /// Makes the current position the root of the pointers (the envelope's attributes)
    /// and returns the previous root, for [`Cx::restore_base`].
    pub(crate) fn rebase(&mut self) -> usize {
        if self.from_root {
            return self.base;
        }
        std::mem::replace(&mut self.base, self.path.len())
    }

    pub(crate) fn restore_base(&mut self, base: usize) {
        self.base = base;
    }

    /// A string of at most `max` characters.
    pub(crate) fn text(&mut self, leaf: Leaf, max: usize) -> Option<String> {
        match leaf {
            Leaf::Str(text) => {
                if text.len() > max {
                    let length = text.chars().count();
                    if length > max {
                        self.report(
                            codes::TOO_LONG,
                            format!("at most {max} characters are allowed, found {length}"),
                        );
                        return None;
                    }
                }
                Some(text)
            }
            Leaf::Null => None,
            other => {
                self.invalid_type("a string", other.kind());
                None
            }
        }
    }

    /// A decimal: a JSON number or a string holding one, parsed exactly.
    pub(crate) fn decimal(&mut self, leaf: Leaf) -> Option<Decimal> {
        let text = match leaf {
            // Every 64-bit integer fits a `Decimal` exactly, with scale 0 as `10` parses.
            Leaf::Integer(value) => return Decimal::try_from_i128_with_scale(value, 0).ok(),
            Leaf::Number(text) => text,
            Leaf::Str(text) => {
                if !is_json_number(&text) {
                    self.report(
                        codes::INVALID_DECIMAL,
                        format!("`{}` is not a decimal number", shorten(&text)),
                    );
                    return None;
                }
                text
            }
            Leaf::Null => return None,
            other => {
                self.invalid_type(
                    "a decimal number (a JSON number or a numeric string)",
                    other.kind(),
                );
                return None;
            }
        };
        let value = parse_decimal(&text);
        if value.is_none() {
            self.report(
                codes::INVALID_DECIMAL,
                format!(
                    "`{}` cannot be represented exactly (at most 28 significant digits)",
                    shorten(&text)
                ),
            );
        }
        value
    }

    /// A calendar date, `YYYY-MM-DD`.
    pub(crate) fn date(&mut self, leaf: Leaf) -> Option<Date> {
        match leaf {
            Leaf::Str(text) => {
                let date = parse_date(&text);
                if date.is_none() {
                    self.report(
                        codes::INVALID_DATE,
                        format!(
                            "`{}` is not a calendar date of the form YYYY-MM-DD",
                            shorten(&text)
                        ),
                    );
                }
                date
            }
            Leaf::Null => None,
            other => {
                self.invalid_type("a date string (YYYY-MM-DD)", other.kind());
                None
            }
        }
    }

    /// A boolean.
    pub(crate) fn boolean(&mut self, leaf: Leaf) -> Option<bool> {
        match leaf {
            Leaf::Bool(value) => Some(value),
            Leaf::Null => None,
            other => {
                self.invalid_type("a boolean", other.kind());
                None
            }
        }
    }
}

/// At most 40 characters of `text`, for messages.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

/// Whether `text` follows the JSON number grammar
/// (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
fn is_json_number(text: &str) -> bool {
    fn digits(bytes: &[u8], mut at: usize) -> usize {
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        at
    }
    let bytes = text.as_bytes();
    let mut at = usize::from(bytes.first() == Some(&b'-'));
    match bytes.get(at) {
        Some(b'0') => at += 1,
        Some(b'1'..=b'9') => at = digits(bytes, at + 1),
        _ => return false,
    }
    if bytes.get(at) == Some(&b'.') {
        let end = digits(bytes, at + 1);
        if end == at + 1 {
            return false;
        }
        at = end;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let end = digits(bytes, at);
        if end == at {
            return false;
        }
        at = end;
    }
    at == bytes.len()
}

/// Parses the text of a JSON number exactly, keeping its scale (`100.00` has two
/// decimals); `None` when it does not fit a `Decimal` without rounding.
fn parse_decimal(text: &str) -> Option<Decimal> {
    let Some(split) = text.find(['e', 'E']) else {
        return Decimal::from_str_exact(text).ok();
    };
    let mut value = Decimal::from_str_exact(&text[..split]).ok()?;
    let exponent: i64 = text[split + 1..].parse().ok()?;
    let scale = i64::from(value.scale()) - exponent;
    if scale >= 0 {
        value.set_scale(u32::try_from(scale).ok()?).ok()?;
        return Some(value);
    }
    value.set_scale(0).ok()?;
    for _ in 0..(-scale) {
        value = value.checked_mul(Decimal::TEN)?;
    }
    Some(value)
}

/// Parses `YYYY-MM-DD` strictly.
fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u16> {
        bytes[range].iter().try_fold(0u16, |value, byte| {
            byte.is_ascii_digit()
                .then(|| value * 10 + u16::from(byte - b'0'))
        })
    };
    let year = i32::from(number(0..4)?);
    let month = Month::try_from(u8::try_from(number(5..7)?).ok()?).ok()?;
    let day = u8::try_from(number(8..10)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// A JSON value where a scalar is expected; objects and arrays are skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Leaf {
    Null,
    Bool(bool),
    /// An integer that fits 64 bits (serde_json passes these without text).
    Integer(i128),
    /// Any other number's text, exactly as sent.
    Number(String),
    Str(String),
    Object,
    Array,
}

impl Leaf {
    fn kind(&self) -> &'static str {
        match self {
            Leaf::Null => "null",
            Leaf::Bool(_) => "a boolean",
            Leaf::Integer(_) | Leaf::Number(_) => "a number",
            Leaf::Str(_) => "a string",
            Leaf::Object => "an object",
            Leaf::Array => "an array",
        }
    }

    /// Reads one value as a leaf.
    pub(crate) fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LeafVisitor)
    }
}

/// Tells whether a map key is serde_json's number token, without allocating.
struct TokenProbe;

impl<'de> DeserializeSeed<'de> for TokenProbe {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for TokenProbe {
    type Value = bool;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a key")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == NUMBER_TOKEN)
    }
}

/// Skips what is left of a map.
fn drain_map<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Skips what is left of a sequence.
fn drain_seq<'de, A: SeqAccess<'de>>(seq: &mut A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Reads a map that may be a number in disguise: `Some(text)` for a number, `None`
/// (after skipping it) for an object whose first key has been read already.
fn number_or_skip<'de, A: MapAccess<'de>>(
    map: &mut A,
    first_is_token: bool,
) -> Result<Option<String>, A::Error> {
    if first_is_token {
        let text: String = map.next_value()?;
        drain_map(map)?;
        Ok(Some(text))
    } else {
        map.next_value::<IgnoredAny>()?;
        drain_map(map)?;
        Ok(None)
    }
}

struct LeafVisitor;

impl<'de> Visitor<'de> for LeafVisitor {
    type Value = Leaf;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Leaf, E> {
        Ok(Leaf::Null)
    }

    fn visit_none<E>(self) -> Result<Leaf, E> {
        Ok(Leaf::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Leaf, E> {
        Ok(Leaf::Bool(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Leaf, E> {
        Ok(Leaf::Integer(i128::from(value)))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Leaf, E> {
        Ok(Leaf::Integer(i128::from(value)))
    }

    fn visit_u128<E>(self, value: u128) -> Result<Leaf, E> {
        Ok(Leaf::Number(value.to_string()))
    }

    fn visit_i128<E>(self, value: i128) -> Result<Leaf, E> {
        Ok(Leaf::Integer(value))
    }

    // Only a deserializer without `arbitrary_precision` passes floats; this crate always
    // enables it, so non-integers arrive through `visit_map` with their exact text.
    fn visit_f64<E>(self, value: f64) -> Result<Leaf, E> {
        Ok(Leaf::Number(format!("{value:?}")))
    }

    fn visit_str<E>(self, value: &str) -> Result<Leaf, E> {
        Ok(Leaf::Str(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Leaf, E> {
        Ok(Leaf::Str(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Leaf, A::Error> {
        drain_seq(&mut seq)?;
        Ok(Leaf::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Leaf, A::Error> {
        let Some(first_is_token) = map.next_key_seed(TokenProbe)? else {
            return Ok(Leaf::Object);
        };
        Ok(number_or_skip(&mut map, first_is_token)?.map_or(Leaf::Object, Leaf::Number))
    }
}

/// Something that can be read from one JSON value, with problems recorded in [`Cx`].
pub(crate) trait Item {
    /// What is read.
    type Out;

    /// Reads one value; `None` when it is null or has problems (already recorded).
    fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
        cx: &mut Cx,
    ) -> Result<Option<Self::Out>, D::Error>;
}

struct ItemSeed<'c, I> {
    cx: &'c mut Cx,
    item: PhantomData<I>,
}

impl<'de, I: Item> DeserializeSeed<'de> for ItemSeed<'_, I> {
    type Value = Option<I::Out>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        I::read(deserializer, self.cx)
    }
}

/// Reads the current map value as an `I`.
pub(crate) fn item<'de, I: Item, A: MapAccess<'de>>(
    map: &mut A,
    cx: &mut Cx,
) -> Result<Option<I::Out>, A::Error> {
    map.next_value_seed(ItemSeed::<I> {
        cx,
        item: PhantomData,
    })
}

/// Reads the current map value as a leaf.
pub(crate) fn leaf<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Leaf, A::Error> {
    map.next_value_seed(LeafSeed)
}

struct LeafSeed;

impl<'de> DeserializeSeed<'de> for LeafSeed {
    type Value = Leaf;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Leaf, D::Error> {
        Leaf::read(deserializer)
    }
}

/// A string of at most `max` characters.
pub(crate) fn text<'de, A: MapAccess<'de>>(
    map: &mut A,
    cx: &mut Cx,
    max: usize,
) -> Result<Option<String>, A::Error> {
    let value = leaf(map)?;
    Ok(cx.text(value, max))
}

/// A decimal number.
pub(crate) fn decimal<'de, A: MapAccess<'de>>(
    map: &mut A,
    cx: &mut Cx,
) -> Result<Option<Decimal>, A::Error> {
    let value = leaf(map)?;
    Ok(cx.decimal(value))
}

/// A date.
pub(crate) fn date<'de, A: MapAccess<'de>>(
    map: &mut A,
    cx: &mut Cx,
) -> Result<Option<Date>, A::Error> {
    let value = leaf(map)?;
    Ok(cx.date(value))
}

/// A boolean.
pub(crate) fn boolean<'de, A: MapAccess<'de>>(
    map: &mut A,
    cx: &mut Cx,
) -> Result<Option<bool>, A::Error> {
    let value = leaf(map)?;
    Ok(cx.boolean(value))
}

/// The field names of one JSON object (declared with [`fields!`]).
pub(crate) trait Fields: Copy + 'static {
    /// The field named `key`.
    fn lookup(key: &str) -> Option<Self>;
    /// The field's JSON name.
    fn name(self) -> &'static str;
    /// The field's bit in [`Present`].
    fn bit(self) -> u64;
}

/// Declares the fields of a JSON object: an enum, its lookup by name and its names.
macro_rules! fields {
    ($name:ident { $($variant:ident = $key:literal,)* }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum $name { $($variant,)* }

        impl $crate::walk::Fields for $name {
            fn lookup(key: &str) -> Option<Self> {
                match key {
                    $($key => Some(Self::$variant),)*
                    _ => None,
                }
            }

            fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $key,)*
                }
            }

            fn bit(self) -> u64 {
                1 << (self as u32)
            }
        }

        const _: () = assert!([$($key),*].len() <= 64, "at most 64 fields per object");
    };
}
pub(crate) use fields;

/// Which fields of an object were given, and which of them had problems.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Present {
    seen: u64,
    bad: u64,
}

impl Present {
    /// Whether `field` has no problem recorded (so a missing value is reported as
    /// `required` rather than twice).
    pub(crate) fn clean<F: Fields>(self, field: F) -> bool {
        self.bad & field.bit() == 0
    }
}

/// A JSON object: its fields, how each is read, and what it becomes.
pub(crate) trait Object: Default {
    /// Whether pointers inside this object start from it (the attributes of an
    /// envelope); problems with the object itself still point from outside.
    const ROOT: bool = false;
    /// The object's fields.
    type Field: Fields;
    /// What the object becomes.
    type Out;

    /// Reads the value of `field` (the reader is at the field).
    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: Self::Field,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error>;

    /// Checks the object as a whole (the reader is at the object) and builds it.
    fn finish(self, present: Present, cx: &mut Cx) -> Option<Self::Out>;
}

/// The key of an object member.
pub(crate) enum Key<F> {
    Known(F),
    Unknown(String),
    /// serde_json's number token: the "object" is a number.
    Number,
}

pub(crate) struct KeySeed<F>(PhantomData<F>);

impl<F> KeySeed<F> {
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<'de, F: Fields> DeserializeSeed<'de> for KeySeed<F> {
    type Value = Key<F>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<F>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<F: Fields> Visitor<'_> for KeySeed<F> {
    type Value = Key<F>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key<F>, E> {
        Ok(match F::lookup(key) {
            Some(field) => Key::Known(field),
            None if key == NUMBER_TOKEN => Key::Number,
            None => Key::Unknown(key.to_owned()),
        })
    }
}

/// Reads one member of an object `T` whose key has been read. Returns `false` when the
/// "object" turned out to be a number (the caller stops).
pub(crate) fn member<'de, T: Object, A: MapAccess<'de>>(
    key: Key<T::Field>,
    state: &mut T,
    present: &mut Present,
    map: &mut A,
    cx: &mut Cx,
) -> Result<bool, A::Error> {
    match key {
        Key::Known(field) => {
            cx.path.push(Step::Key(field.name()));
            let before = cx.problems.len();
            if present.seen & field.bit() != 0 {
                cx.report(
                    codes::DUPLICATE_FIELD,
                    format!("`{}` is given more than once", field.name()),
                );
            }
            present.seen |= field.bit();
            state.read(field, map, cx)?;
            if cx.problems.len() > before {
                present.bad |= field.bit();
            }
            cx.path.pop();
        }
        Key::Unknown(name) => {
            cx.report_at(
                &name,
                codes::UNKNOWN_FIELD,
                format!("unknown field `{}`", shorten(&name)),
            );
            map.next_value::<IgnoredAny>()?;
        }
        Key::Number => {
            map.next_value::<IgnoredAny>()?;
            drain_map(map)?;
            cx.invalid_type("an object", "a number");
            return Ok(false);
        }
    }
    Ok(true)
}

/// Reads an object `T` (the [`Item`] of a JSON object).
pub(crate) struct Obj<T>(PhantomData<T>);

impl<T: Object> Item for Obj<T> {
    type Out = T::Out;

    fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
        cx: &mut Cx,
    ) -> Result<Option<T::Out>, D::Error> {
        deserializer.deserialize_any(ObjectVisitor::<T> {
            cx,
            object: PhantomData,
        })
    }
}

/// Reads the current map value as an object `T`.
pub(crate) fn object<'de, T: Object, A: MapAccess<'de>>(
    map: &mut A,
    cx: &mut Cx,
) -> Result<Option<T::Out>, A::Error> {
    item::<Obj<T>, A>(map, cx)
}

/// Reads a JSON object member by member into `T`.
pub(crate) struct ObjectVisitor<'c, T> {
    pub(crate) cx: &'c mut Cx,
    pub(crate) object: PhantomData<T>,
}

/// Records a JSON value of the wrong type where an object or array is expected.
macro_rules! refuse_scalars {
    ($expected:literal) => {
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }

        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }

        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            self.cx.invalid_type($expected, "a boolean");
            Ok(Default::default())
        }

        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            self.cx.invalid_type($expected, "a number");
            Ok(Default::default())
        }

        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            self.cx.invalid_type($expected, "a number");
            Ok(Default::default())
        }

        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            self.cx.invalid_type($expected, "a number");
            Ok(Default::default())
        }

        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            self.cx.invalid_type($expected, "a string");
            Ok(Default::default())
        }
    };
}

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<'_, T> {
    type Value = Option<T::Out>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object")
    }

    refuse_scalars!("an object");

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(&mut seq)?;
        self.cx.invalid_type("an object", "an array");
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let cx = self.cx;
        let base = T::ROOT.then(|| cx.rebase());
        let mut state = T::default();
        let mut present = Present::default();
        let mut complete = true;
        while let Some(key) = map.next_key_seed(KeySeed::<T::Field>::new())? {
            if !member(key, &mut state, &mut present, &mut map, cx)? {
                complete = false;
                break;
            }
        }
        let out = if complete {
            state.finish(present, cx)
        } else {
            None
        };
        if let Some(base) = base {
            cx.restore_base(base);
        }
        Ok(out)
    }
}

/// Any JSON object, skipped (the `extensions` member).
pub(crate) struct AnyObject;

impl Item for AnyObject {
    type Out = ();

    fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
        cx: &mut Cx,
    ) -> Result<Option<()>, D::Error> {
        match Leaf::read(deserializer)? {
            Leaf::Object | Leaf::Null => {}
            other => cx.invalid_type("an object", other.kind()),
        }
        Ok(None)
    }
}

/// Reads the current map value as an array of `I`, at most `max` items.
pub(crate) fn list<'de, I: Item, A: MapAccess<'de>>(
    map: &mut A,
    cx: &mut Cx,
    max: usize,
) -> Result<Vec<I::Out>, A::Error> {
    map.next_value_seed(ListVisitor::<I> {
        cx,
        max,
        item: PhantomData,
    })
}

struct ListVisitor<'c, I> {
    cx: &'c mut Cx,
    max: usize,
    item: PhantomData<I>,
}

impl<'de, I: Item> DeserializeSeed<'de> for ListVisitor<'_, I> {
    type Value = Vec<I::Out>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, I: Item> Visitor<'de> for ListVisitor<'_, I> {
    type Value = Vec<I::Out>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an array")
    }

    refuse_scalars!("an array");

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let found = match map.next_key_seed(TokenProbe)? {
            Some(first_is_token) => {
                number_or_skip(&mut map, first_is_token)?.map_or("an object", |_| "a number")
            }
            None => "an object",
        };
        self.cx.invalid_type("an array", found);
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let cx = self.cx;
        let mut items = Vec::new();
        let mut index = 0;
        loop {
            if index == self.max {
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    drain_seq(&mut seq)?;
                    cx.report(
                        codes::TOO_MANY,
                        format!("at most {} items are allowed", self.max),
                    );
                }
                break;
            }
            cx.path.push(Step::Index(index));
            let before = cx.problems.len();
            let element = seq.next_element_seed(ItemSeed::<I> {
                cx: &mut *cx,
                item: PhantomData,
            })?;
            match element {
                None => {
                    cx.path.pop();
                    break;
                }
                Some(Some(value)) => items.push(value),
                Some(None) => {
                    if cx.problems.len() == before {
                        cx.report(codes::INVALID_TYPE, "array items must not be null");
                    }
                }
            }
            cx.path.pop();
            index += 1;
        }
        Ok(items)
    }
}

/// A string item of at most `MAX` characters (for arrays of strings).
pub(crate) struct Text<const MAX: usize>;

impl<const MAX: usize> Item for Text<MAX> {
    type Out = String;

    fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
        cx: &mut Cx,
    ) -> Result<Option<String>, D::Error> {
        let value = Leaf::read(deserializer)?;
        Ok(cx.text(value, MAX))
    }
}

/// Enters a member of the envelope or the root by name (for the hand-written root).
pub(crate) fn enter(cx: &mut Cx, key: &'static str) {
    cx.path.push(Step::Key(key));
}

/// Leaves what [`enter`] entered.
pub(crate) fn leave(cx: &mut Cx) {
    cx.path.pop();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_number_grammar() {
        for good in ["0", "-0", "1", "100.00", "0.1", "-12.5e3", "1E+2", "1e-2"] {
            assert!(is_json_number(good), "{good}");
        }
        for bad in [
            "", "-", "01", "1.", ".5", "+1", "1e", "1_000", " 1", "1 ", "1.0.0", "NaN", "0x10",
        ] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }

    #[test]
    fn decimals_keep_their_scale_and_exponents_are_exact() {
        assert_eq!(parse_decimal("100.00").unwrap().to_string(), "100.00");
        assert_eq!(parse_decimal("0.1").unwrap().to_string(), "0.1");
        assert_eq!(parse_decimal("1.5e-3").unwrap().to_string(), "0.0015");
        assert_eq!(parse_decimal("1.25E2").unwrap().to_string(), "125");
        assert_eq!(parse_decimal("12e3").unwrap().to_string(), "12000");
        assert_eq!(parse_decimal("-2.50e1").unwrap().to_string(), "-25.0");
        assert!(parse_decimal("1e40").is_none());
        assert!(parse_decimal("0.12345678901234567890123456789").is_none());
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            parse_date("2026-05-05"),
            Date::from_calendar_date(2026, Month::May, 5).ok()
        );
        for bad in [
            "2026-5-05",
            "2026-02-30",
            "20260505",
            "2026-05-05T00:00",
            "+202-05-05",
            "2026-13-01",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }

    fn leaf_of(text: &str) -> Leaf {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let leaf = Leaf::read(&mut deserializer).unwrap();
        deserializer.end().unwrap();
        leaf
    }

    #[test]
    fn leaves_keep_number_text() {
        assert_eq!(leaf_of("100.00"), Leaf::Number("100.00".to_owned()));
        assert_eq!(leaf_of("0.1"), Leaf::Number("0.1".to_owned()));
        assert_eq!(leaf_of("10"), Leaf::Integer(10));
        assert_eq!(
            leaf_of("-18446744073709551616"),
            Leaf::Number("-18446744073709551616".to_owned())
        );
        assert_eq!(leaf_of("-0"), Leaf::Number("-0".to_owned()));
        assert_eq!(leaf_of(r#"{"a":[1,2]}"#), Leaf::Object);
        assert_eq!(leaf_of(r#"[{"a":1.5}]"#), Leaf::Array);
    }
}
