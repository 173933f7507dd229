//! Caller-defined key/value metadata attached to tenants and legal entities, with the
//! limits of seed 003: at most 20 keys, key names at most 40 characters, values at most
//! 500 characters.

use std::collections::BTreeMap;

/// Validated metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata(BTreeMap<String, String>);

/// Why metadata was refused; names the offending key where there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("at most {max} keys are allowed, got {count}")]
    TooManyKeys { max: usize, count: usize },
    #[error("key names must be 1 to {max} characters long")]
    KeyLength { key: String, max: usize },
    #[error("values must be at most {max} characters long")]
    ValueTooLong { key: String, max: usize },
    #[error("keys and values must not contain control characters other than tab and line breaks")]
    ControlCharacters { key: String },
}

impl MetadataError {
    /// The key the problem is about, if any.
    pub fn key(&self) -> Option<&str> {
        match self {
            Self::TooManyKeys { .. } => None,
            Self::KeyLength { key, .. }
            | Self::ValueTooLong { key, .. }
            | Self::ControlCharacters { key } => Some(key),
        }
    }
}

impl Metadata {
    /// At most this many keys.
    pub const MAX_KEYS: usize = 20;
    /// Key names at most this many characters.
    pub const MAX_KEY_CHARS: usize = 40;
    /// Values at most this many characters.
    pub const MAX_VALUE_CHARS: usize = 500;

    /// Checks every limit and returns every problem found.
    pub fn parse(entries: BTreeMap<String, String>) -> Result<Self, Vec<MetadataError>> {
        let mut problems = Vec::new();
        if entries.len() > Self::MAX_KEYS {
            problems.push(MetadataError::TooManyKeys {
                max: Self::MAX_KEYS,
                count: entries.len(),
            });
        }
        for (key, value) in &entries {
            let key_chars = key.chars().count();
            if key_chars == 0 || key_chars > Self::MAX_KEY_CHARS {
                problems.push(MetadataError::KeyLength {
                    key: key.clone(),
                    max: Self::MAX_KEY_CHARS,
                });
            }
            let forbidden = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
            if key.chars().any(forbidden) || value.chars().any(forbidden) {
                problems.push(MetadataError::ControlCharacters { key: key.clone() });
            }
            if value.chars().count() > Self::MAX_VALUE_CHARS {
                problems.push(MetadataError::ValueTooLong {
                    key: key.clone(),
                    max: Self::MAX_VALUE_CHARS,
                });
            }
        }
        if problems.is_empty() {
            Ok(Self(entries))
        } else {
            Err(problems)
        }
    }

    /// The entries, sorted by key.
    pub fn entries(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// True when there is no entry.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn twenty_keys_are_accepted() {
        let entries = (0..20).map(|i| (format!("k{i}"), "v".to_owned())).collect();
        assert!(Metadata::parse(entries).is_ok());
    }

    #[test]
    fn twenty_one_keys_are_refused() {
        let entries = (0..21).map(|i| (format!("k{i}"), "v".to_owned())).collect();
        let errors = Metadata::parse(entries).unwrap_err();
        assert_eq!(
            errors,
            vec![MetadataError::TooManyKeys { max: 20, count: 21 }]
        );
    }

    #[test]
    fn forty_one_character_key_is_refused() {
        let key = "k".repeat(41);
        let errors = Metadata::parse(map(&[(&key, "v")])).unwrap_err();
        assert_eq!(errors[0].key(), Some(key.as_str()));
    }

    #[test]
    fn empty_key_is_refused() {
        assert!(Metadata::parse(map(&[("", "v")])).is_err());
    }

    #[test]
    fn five_hundred_and_one_character_value_is_refused() {
        let value = "v".repeat(501);
        let errors = Metadata::parse(map(&[("a", &value)])).unwrap_err();
        assert_eq!(
            errors,
            vec![MetadataError::ValueTooLong {
                key: "a".into(),
                max: 500
            }]
        );
    }

    #[test]
    fn nul_in_a_value_is_refused() {
        let errors = Metadata::parse(map(&[("a", "x\u{0}y")])).unwrap_err();
        assert_eq!(
            errors,
            vec![MetadataError::ControlCharacters { key: "a".into() }]
        );
    }

    #[test]
    fn line_breaks_in_a_value_are_accepted() {
        assert!(Metadata::parse(map(&[("a", "line one\nline two")])).is_ok());
    }

    #[test]
    fn every_problem_is_reported() {
        let long_key = "k".repeat(41);
        let long_value = "v".repeat(501);
        let errors = Metadata::parse(map(&[(&long_key, "v"), ("b", &long_value)])).unwrap_err();
        assert_eq!(errors.len(), 2);
    }
}
