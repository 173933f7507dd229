//! One error type for every handler: JSON:API `errors` with a stable `code`, a human
//! `detail` and the `source` (JSON pointer, query parameter or header) of the problem.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use einvoice_domain::document::{Severity, Violation as DocumentViolation};
use einvoice_domain::legal_entity::TransitionError;
use einvoice_domain::service::{AuthError, Denial, Field, ServiceError, Violation};
use serde::Serialize;

/// Where in the request a problem is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// A JSON pointer into the body, e.g. `/data/attributes/companyName`.
    Pointer(String),
    /// A query parameter, e.g. `page[size]`.
    Parameter(String),
    /// A header, e.g. `X-Tenant-Id`.
    Header(String),
}

/// One JSON:API error object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorObject {
    /// HTTP status, as a string (JSON:API).
    pub status: String,
    /// Stable, machine-readable code.
    pub code: String,
    /// Short summary of the kind of problem.
    pub title: String,
    /// Human explanation of this occurrence.
    pub detail: String,
    /// Where the problem is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceObject>,
    /// More about the problem (a business rule's severity).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<serde_json::Value>,
}

/// JSON:API `source` member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceObject {
    /// JSON pointer into the request document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Query parameter name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// Header name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
}

impl From<Source> for SourceObject {
    fn from(source: Source) -> Self {
        let mut object = Self {
            pointer: None,
            parameter: None,
            header: None,
        };
        match source {
            Source::Pointer(pointer) => object.pointer = Some(pointer),
            Source::Parameter(parameter) => object.parameter = Some(parameter),
            Source::Header(header) => object.header = Some(header),
        }
        object
    }
}

/// A failed request: a status and at least one error object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    errors: Vec<ErrorObject>,
}

fn title(status: StatusCode) -> String {
    status.canonical_reason().unwrap_or("Error").to_owned()
}

impl ApiError {
    /// One problem.
    pub fn new(
        status: StatusCode,
        code: &str,
        detail: impl Into<String>,
        source: Option<Source>,
    ) -> Self {
        Self {
            status,
            errors: vec![ErrorObject {
                status: status.as_u16().to_string(),
                code: code.to_owned(),
                title: title(status),
                detail: detail.into(),
                source: source.map(SourceObject::from),
                meta: None,
            }],
        }
    }

    /// Several problems of one status (e.g. every validation error).
    pub fn many(status: StatusCode, problems: Vec<(String, String, Option<Source>)>) -> Self {
        let errors = problems
            .into_iter()
            .map(|(code, detail, source)| ErrorObject {
                status: status.as_u16().to_string(),
                code,
                title: title(status),
                detail,
                source: source.map(SourceObject::from),
                meta: None,
            })
            .collect();
        Self { status, errors }
    }

    /// A 422 listing every business-rule violation of a document (fatal ones first):
    /// the rule id as `code`, the JSON pointer under `/data/attributes`, the severity in
    /// `meta`.
    pub fn rules(violations: &[DocumentViolation]) -> Self {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        let fatal = violations
            .iter()
            .filter(|violation| violation.severity == Severity::Fatal);
        let warnings = violations
            .iter()
            .filter(|violation| violation.severity == Severity::Warning);
        let errors = fatal
            .chain(warnings)
            .map(|violation| ErrorObject {
                status: status.as_u16().to_string(),
                code: violation.rule.to_owned(),
                title: title(status),
                detail: violation.message.clone(),
                source: Some(SourceObject::from(Source::Pointer(format!(
                    "/data/attributes{}",
                    violation.pointer
                )))),
                meta: Some(serde_json::json!({ "severity": severity_name(violation.severity) })),
            })
            .collect();
        Self { status, errors }
    }

    /// A 422 about one body field.
    pub fn invalid(pointer: impl Into<String>, code: &str, detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
            detail,
            Some(Source::Pointer(pointer.into())),
        )
    }

    /// A 404 that says nothing about whether the object exists for someone else.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
            None,
        )
    }

    /// A 500: the cause is logged once here, and the body says nothing about it.
    pub fn internal(cause: &str) -> Self {
        tracing::error!(error = cause, "request failed unexpectedly");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the gateway failed unexpectedly; the failure is logged with this request's X-Request-ID",
            None,
        )
    }

    /// The HTTP status.
    pub const fn status(&self) -> StatusCode {
        self.status
    }

    /// The error objects.
    pub fn errors(&self) -> &[ErrorObject] {
        &self.errors
    }
}

#[derive(Serialize)]
struct ErrorDocument<'a> {
    errors: &'a [ErrorObject],
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(ErrorDocument {
                errors: &self.errors,
            }),
        )
            .into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(crate::JSON_API_MEDIA_TYPE),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The JSON pointer of a domain field in this API's request bodies.
pub(crate) const fn field_pointer(field: Field) -> &'static str {
    match field {
        Field::BillingModel => "/data/attributes/billingModel",
        Field::TenantCode => "/data/attributes/tenantCode",
        Field::CompanyName => "/data/attributes/companyName",
        Field::VatNumber => "/data/attributes/vatNumber",
        Field::Address => "/data/attributes/addressStreet",
        Field::Environment => "/data/attributes/environment",
        Field::Identifier => "/data/attributes/identifier",
        Field::ExpiresAt => "/data/attributes/expiresAt",
        Field::Status => "/data/attributes/status",
        Field::SellerEndpoint => "/data/attributes/seller/electronicAddress",
        Field::BuyerEndpoint => "/data/attributes/buyer/electronicAddress",
        Field::WebhookScope => "/data/attributes/scope",
        Field::WebhookLegalEntity => "/data/attributes/legalEntityId",
    }
}

/// `fatal` or `warning`.
pub const fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Fatal => "fatal",
        Severity::Warning => "warning",
    }
}

fn violation_problem(violation: Violation) -> (String, String, Option<Source>) {
    (
        violation.code.to_owned(),
        violation.message,
        Some(Source::Pointer(field_pointer(violation.field).to_owned())),
    )
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::NotFound(resource) => Self::not_found(resource.as_str()),
            ServiceError::Forbidden(denial) => forbidden(denial),
            ServiceError::Invalid(violations) => Self::many(
                StatusCode::UNPROCESSABLE_ENTITY,
                violations.into_iter().map(violation_problem).collect(),
            ),
            ServiceError::Conflict(violation) => {
                Self::many(StatusCode::CONFLICT, vec![violation_problem(violation)])
            }
            ServiceError::Transition(TransitionError::AttestationInSandbox) => Self::new(
                StatusCode::BAD_REQUEST,
                "attestation_not_needed_in_sandbox",
                TransitionError::AttestationInSandbox.to_string(),
                None,
            ),
            ServiceError::Rejected(violations) => Self::rules(&violations),
            ServiceError::DocumentTransition(error) => Self::new(
                StatusCode::CONFLICT,
                "transition_not_allowed",
                error.to_string(),
                None,
            ),
            ServiceError::Transition(error) => Self::new(
                StatusCode::CONFLICT,
                "transition_not_allowed",
                error.to_string(),
                Some(Source::Pointer("/data/attributes/status".to_owned())),
            ),
            ServiceError::ConcurrentChange => Self::new(
                StatusCode::CONFLICT,
                "concurrent_modification",
                "the object was changed by another request at the same time; read it again and retry",
                None,
            ),
            ServiceError::Unexpected(cause) => Self::internal(&cause),
        }
    }
}

fn forbidden(denial: Denial) -> ApiError {
    let source = match denial {
        Denial::CannotActForOthers => Some(Source::Header("X-Tenant-Id".to_owned())),
        _ => None,
    };
    ApiError::new(
        StatusCode::FORBIDDEN,
        denial.code(),
        denial.message(),
        source,
    )
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        let status = match error {
            AuthError::Unexpected(cause) => return Self::internal(&cause),
            AuthError::TenantInactive | AuthError::EnvironmentNotEnabled => StatusCode::FORBIDDEN,
            _ => StatusCode::UNAUTHORIZED,
        };
        Self::new(
            status,
            error.code(),
            error.to_string(),
            Some(Source::Header("Authorization".to_owned())),
        )
    }
}
