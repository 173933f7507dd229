//! Column formats shared by every table: metadata, integers, and the error of a stored
//! value that no longer parses. (Ids and timestamps need no conversion: `uuid` and
//! `timestamptz` decode to `Uuid` and `OffsetDateTime`.)

use std::collections::BTreeMap;
use std::fmt::Display;

use einvoice_domain::environment::Environment;
use einvoice_domain::metadata::Metadata;
use einvoice_domain::ports::StoreError;
use uuid::Uuid;

/// Metadata as a JSON object of strings (bound as `jsonb`).
pub(crate) fn metadata_json(metadata: &Metadata) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(metadata.entries())
        .map_err(|error| StoreError::Unexpected(format!("metadata cannot be serialised: {error}")))
}

/// A count or a version for a `bigint` column.
pub(crate) fn to_i64(value: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(value)
        .map_err(|_| StoreError::Unexpected(format!("{what} {value} is too large to store")))
}

/// The row being converted, to say which stored value is wrong.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowContext {
    table: &'static str,
    id: Uuid,
}

impl RowContext {
    /// The row `id` of `table`.
    pub(crate) const fn new(table: &'static str, id: Uuid) -> Self {
        Self { table, id }
    }

    /// The error of a stored `column` that does not parse.
    pub(crate) fn invalid(self, column: &str, error: impl Display) -> StoreError {
        StoreError::Unexpected(format!(
            "stored {}.{column} of row {} is invalid: {error}",
            self.table, self.id
        ))
    }

    /// Parses a required column.
    pub(crate) fn parse<T, E: Display>(
        self,
        column: &str,
        value: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, StoreError> {
        parse(value).map_err(|error| self.invalid(column, error))
    }

    /// Parses a nullable column.
    pub(crate) fn parse_opt<T, E: Display>(
        self,
        column: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, StoreError> {
        value
            .map(|value| self.parse(column, value, parse))
            .transpose()
    }

    /// Reads an environment column.
    pub(crate) fn environment(self, column: &str, value: &str) -> Result<Environment, StoreError> {
        self.parse(column, value, Environment::parse)
    }

    /// Reads a metadata column (a JSON object of strings, within the domain's limits).
    pub(crate) fn metadata(
        self,
        column: &str,
        json: serde_json::Value,
    ) -> Result<Metadata, StoreError> {
        let entries: BTreeMap<String, String> =
            serde_json::from_value(json).map_err(|error| self.invalid(column, error))?;
        Metadata::parse(entries).map_err(|problems| {
            let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
            self.invalid(column, problems.join("; "))
        })
    }

    /// Reads a non-negative `bigint` column.
    pub(crate) fn unsigned(self, column: &str, value: i64) -> Result<u64, StoreError> {
        u64::try_from(value).map_err(|error| self.invalid(column, error))
    }
}
