//! JSON:API resources: request and response documents, their conversion from and to
//! domain types, and the handlers.

pub mod api_keys;
pub mod documents;
pub mod events;
pub mod legal_entities;
pub mod tenants;
pub mod webhooks;

use std::collections::BTreeMap;
use std::fmt::Display;

use axum::http::StatusCode;
use einvoice_domain::metadata::{Metadata, MetadataError};
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::{ApiError, Source};

/// `{"data": {...}}` as sent by clients.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document<A> {
    /// The primary resource.
    pub data: IncomingResource<A>,
}

/// A resource object as sent by clients.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncomingResource<A> {
    /// Resource type; checked when given.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Resource id (PATCH); checked against the path when given.
    pub id: Option<String>,
    /// The fields.
    pub attributes: A,
    /// JSON:API meta; accepted and ignored (seed 000 sends `meta.scope`).
    pub meta: Option<serde_json::Value>,
}

impl<A> IncomingResource<A> {
    /// Checks `type` (409 on mismatch, as JSON:API says) and `id` against the path.
    pub fn check(&self, kind: &str, path_id: Option<&str>) -> Result<(), ApiError> {
        if let Some(given) = &self.kind
            && given != kind
        {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "type_mismatch",
                format!("this endpoint takes resources of type `{kind}`, not `{given}`"),
                Some(Source::Pointer("/data/type".to_owned())),
            ));
        }
        if let (Some(given), Some(expected)) = (&self.id, path_id)
            && given != expected
        {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "id_mismatch",
                "data.id differs from the id in the path",
                Some(Source::Pointer("/data/id".to_owned())),
            ));
        }
        Ok(())
    }
}

/// Deserializes a field that may be absent (`None`), `null` (`Some(None)`) or a value.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A resource object in responses.
#[derive(Debug, Serialize)]
pub struct ResourceObject<A> {
    /// Resource type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Id.
    pub id: String,
    /// Fields.
    pub attributes: A,
    /// Relationships, when the resource has any to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationships: Option<serde_json::Value>,
    /// `self` link.
    pub links: SelfLink,
}

/// `{"self": url}`.
#[derive(Debug, Serialize)]
pub struct SelfLink {
    #[serde(rename = "self")]
    this: String,
}

impl SelfLink {
    /// A link to `path` under `base_url`.
    pub fn new(base_url: &str, path: &str) -> Self {
        Self {
            this: format!("{base_url}{path}"),
        }
    }
}

/// RFC 3339 text of a time.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .expect("UTC times always format as RFC 3339")
}

/// Collects every problem of a request body, so one response lists them all.
#[derive(Debug, Default)]
pub struct Problems(Vec<(String, String, Option<Source>)>);

fn attribute_pointer(name: &str) -> String {
    format!("/data/attributes/{name}")
}

impl Problems {
    /// Records a problem at `/data/attributes/<path>`.
    pub fn push(&mut self, path: &str, code: &str, detail: impl Into<String>) {
        self.0.push((
            code.to_owned(),
            detail.into(),
            Some(Source::Pointer(attribute_pointer(path))),
        ));
    }

    /// `value`, or a `required` problem.
    pub fn required<T>(&mut self, path: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.push(path, "required", format!("{path} is required"));
        }
        value
    }

    /// Parses an optional text value with `parse`; a failure is recorded with `code`.
    pub fn parse<T, E: Display>(
        &mut self,
        path: &str,
        code: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match parse(value?) {
            Ok(parsed) => Some(parsed),
            Err(error) => {
                self.push(path, code, format!("{path} {error}"));
                None
            }
        }
    }

    /// Parses a required text value.
    pub fn parse_required<T, E: Display>(
        &mut self,
        path: &str,
        code: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let value = self.required(path, value)?;
        self.parse(path, code, Some(value), parse)
    }

    /// Checks metadata limits, pointing at the offending key.
    pub fn metadata(
        &mut self,
        path: &str,
        value: Option<BTreeMap<String, String>>,
    ) -> Option<Metadata> {
        match Metadata::parse(value?) {
            Ok(metadata) => Some(metadata),
            Err(errors) => {
                for error in errors {
                    let pointer = match error.key() {
                        Some(key) => {
                            format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"))
                        }
                        None => path.to_owned(),
                    };
                    let code = match error {
                        MetadataError::TooManyKeys { .. } => "metadata_too_many_keys",
                        MetadataError::KeyLength { .. } => "metadata_key_length",
                        MetadataError::ValueTooLong { .. } => "metadata_value_too_long",
                        MetadataError::ControlCharacters { .. } => "metadata_control_characters",
                    };
                    self.push(&pointer, code, format!("metadata: {error}"));
                }
                None
            }
        }
    }

    /// A 422 listing every problem, or `Ok` when there is none.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::many(StatusCode::UNPROCESSABLE_ENTITY, self.0))
        }
    }
}
