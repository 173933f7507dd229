//! Bounded text values. Every string the gateway stores has a length limit, checked once
//! at the edge and carried in the type.

use std::fmt;

/// Why a text value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters long")]
    TooLong { max: usize },
    #[error("must not contain control characters")]
    ControlCharacters,
    #[error("{0}")]
    Format(&'static str),
}

fn check_bounded(value: &str, max: usize) -> Result<(), TextError> {
    if value.trim().is_empty() {
        return Err(TextError::Empty);
    }
    if value.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    if value.chars().any(char::is_control) {
        return Err(TextError::ControlCharacters);
    }
    Ok(())
}

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// The longest value accepted, in characters.
            pub const MAX_CHARS: usize = $max;

            /// Accepts a non-empty value of at most [`Self::MAX_CHARS`] characters with no
            /// control characters; surrounding white space is trimmed.
            pub fn parse(value: &str) -> Result<Self, TextError> {
                check_bounded(value, Self::MAX_CHARS)?;
                Ok(Self(value.trim().to_owned()))
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

bounded_text!(
    /// A company's legal name.
    CompanyName,
    200
);
bounded_text!(
    /// A street line of a postal address.
    Street,
    200
);
bounded_text!(
    /// A city name.
    City,
    100
);
bounded_text!(
    /// A postal code.
    PostalCode,
    20
);
bounded_text!(
    /// A person's name.
    PersonName,
    200
);
bounded_text!(
    /// A trade register number (e.g. `B306709`).
    TradeRegisterNumber,
    50
);
bounded_text!(
    /// The caller's own reference for an object.
    ExternalId,
    100
);
bounded_text!(
    /// A short name for an API key.
    KeyName,
    100
);
bounded_text!(
    /// A free-text description.
    Description,
    500
);

/// An e-mail address (checked for shape only: one `@`, a dotted domain, no spaces).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The longest address accepted (RFC 5321 path limit).
    pub const MAX_CHARS: usize = 254;

    /// Accepts `local@domain.tld`.
    pub fn parse(value: &str) -> Result<Self, TextError> {
        let value = value.trim();
        check_bounded(value, Self::MAX_CHARS)?;
        let shape_ok = value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }) && !value.chars().any(char::is_whitespace);
        if !shape_ok {
            return Err(TextError::Format(
                "must be an e-mail address such as name@example.com",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A telephone number: digits with optional `+`, spaces, dots, hyphens, slashes and
/// parentheses.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// The longest number accepted.
    pub const MAX_CHARS: usize = 32;

    /// Accepts e.g. `+352 123 456`.
    pub fn parse(value: &str) -> Result<Self, TextError> {
        let value = value.trim();
        check_bounded(value, Self::MAX_CHARS)?;
        let digits = value.chars().filter(char::is_ascii_digit).count();
        let allowed = value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '.' | '-' | '/' | '(' | ')'));
        if !allowed || digits < 3 {
            return Err(TextError::Format(
                "must be a telephone number such as +352 123 456",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The number as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_name_is_trimmed() {
        assert_eq!(
            CompanyName::parse("  Kunde GmbH ").unwrap().as_str(),
            "Kunde GmbH"
        );
    }

    #[test]
    fn blank_company_name_is_refused() {
        assert_eq!(CompanyName::parse("   "), Err(TextError::Empty));
    }

    #[test]
    fn overlong_city_is_refused() {
        assert_eq!(
            City::parse(&"x".repeat(101)),
            Err(TextError::TooLong { max: 100 })
        );
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(Street::parse("a\u{0}b"), Err(TextError::ControlCharacters));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(City::parse(&"é".repeat(100)).is_ok());
    }

    #[test]
    fn email_without_at_is_refused() {
        assert!(EmailAddress::parse("max.kunde.lu").is_err());
    }

    #[test]
    fn email_without_dotted_domain_is_refused() {
        assert!(EmailAddress::parse("max@localhost").is_err());
    }

    #[test]
    fn email_with_space_is_refused() {
        assert!(EmailAddress::parse("max m@kunde.lu").is_err());
    }

    #[test]
    fn plain_email_is_accepted() {
        assert_eq!(
            EmailAddress::parse("max@kunde.lu").unwrap().as_str(),
            "max@kunde.lu"
        );
    }

    #[test]
    fn phone_with_letters_is_refused() {
        assert!(PhoneNumber::parse("call me").is_err());
    }

    #[test]
    fn international_phone_is_accepted() {
        assert!(PhoneNumber::parse("+352 123 456").is_ok());
    }
}
