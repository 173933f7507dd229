//! Column formats shared by every table: timestamps, metadata, integers, and the error
//! of a stored value that no longer parses.

use std::collections::BTreeMap;
use std::fmt::Display;

use einvoice_domain::environment::Environment;
use einvoice_domain::metadata::Metadata;
use einvoice_domain::ports::StoreError;
use time::OffsetDateTime;

/// A timestamp as unix microseconds (sub-microsecond precision, which the domain's
/// clock never produces, is dropped).
pub(crate) fn micros(at: OffsetDateTime) -> Result<i64, StoreError> {
    i64::try_from(at.unix_timestamp_nanos().div_euclid(1_000))
        .map_err(|_| StoreError::Unexpected(format!("timestamp {at} cannot be stored")))
}

/// An optional timestamp as unix microseconds.
pub(crate) fn micros_opt(at: Option<OffsetDateTime>) -> Result<Option<i64>, StoreError> {
    at.map(micros).transpose()
}

/// Metadata as a JSON object of strings.
pub(crate) fn metadata_json(metadata: &Metadata) -> Result<String, StoreError> {
    serde_json::to_string(metadata.entries())
        .map_err(|error| StoreError::Unexpected(format!("metadata cannot be serialised: {error}")))
}

/// A count or a version read from an INTEGER column.
pub(crate) fn to_i64(value: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(value)
        .map_err(|_| StoreError::Unexpected(format!("{what} {value} is too large to store")))
}

/// The row being converted, to say which stored value is wrong.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowContext<'a> {
    table: &'static str,
    id: &'a str,
}

impl<'a> RowContext<'a> {
    /// The row `id` of `table`.
    pub(crate) const fn new(table: &'static str, id: &'a str) -> Self {
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

    /// Reads a timestamp column.
    pub(crate) fn timestamp(self, column: &str, micros: i64) -> Result<OffsetDateTime, StoreError> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
            .map_err(|error| self.invalid(column, error))
    }

    /// Reads a nullable timestamp column.
    pub(crate) fn timestamp_opt(
        self,
        column: &str,
        micros: Option<i64>,
    ) -> Result<Option<OffsetDateTime>, StoreError> {
        micros
            .map(|micros| self.timestamp(column, micros))
            .transpose()
    }

    /// Reads an environment column.
    pub(crate) fn environment(self, column: &str, value: &str) -> Result<Environment, StoreError> {
        self.parse(column, value, Environment::parse)
    }

    /// Reads a metadata column (a JSON object of strings, within the domain's limits).
    pub(crate) fn metadata(self, column: &str, json: &str) -> Result<Metadata, StoreError> {
        let entries: BTreeMap<String, String> =
            serde_json::from_str(json).map_err(|error| self.invalid(column, error))?;
        Metadata::parse(entries).map_err(|problems| {
            let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
            self.invalid(column, problems.join("; "))
        })
    }

    /// Reads a non-negative INTEGER column.
    pub(crate) fn unsigned(self, column: &str, value: i64) -> Result<u64, StoreError> {
        u64::try_from(value).map_err(|error| self.invalid(column, error))
    }
}

/// The error of an optimistic update that matched no row: [`StoreError::Conflict`] when
/// the row `id` of `table` exists (another version), [`StoreError::NotFound`] otherwise.
pub(crate) async fn version_miss(
    connection: &mut sqlx::SqliteConnection,
    table: &'static str,
    id: &str,
) -> StoreError {
    let exists = sqlx::query_scalar::<_, bool>(&format!(
        "SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?)"
    ))
    .bind(id)
    .fetch_one(connection)
    .await;
    match exists {
        Ok(true) => StoreError::Conflict,
        Ok(false) => StoreError::NotFound,
        Err(error) => crate::error::store_error(error),
    }
}
