//! `/api/v1/legal-entities`: a tenant's companies and their lifecycle (seed 002).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use einvoice_domain::codes::CountryCode;
use einvoice_domain::ids::LegalEntityId;
use einvoice_domain::legal_entity::{LegalEntity, NewLegalEntity, StatusName};
use einvoice_domain::participant::{ParticipantId, ParticipantIdError, Scheme};
use einvoice_domain::ports::{LegalEntityFilter, LegalEntitySort};
use einvoice_domain::service::{Field, LegalEntityPatch, ServiceError};
use einvoice_domain::text::{CompanyName, ExternalId};
use serde::{Deserialize, Serialize};

use super::{Document, Problems, ResourceObject, SelfLink, nullable, rfc3339};
use crate::AppState;
use crate::error::{ApiError, Source};
use crate::extract::{JsonBody, Tenancy, path_id};
use crate::query::{ListSpec, RawQuery, page_links, parse_list};

const TYPE: &str = "legal-entities";

/// `{scheme, value}` of a participant identifier.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IdentifierObject {
    scheme: Option<String>,
    value: Option<String>,
}

/// Legal entity fields as sent on create.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegalEntityCreateAttributes {
    company_name: Option<String>,
    country: Option<String>,
    identifier: Option<IdentifierObject>,
    external_id: Option<String>,
    metadata: Option<BTreeMap<String, String>>,
}

/// Legal entity fields as sent on update.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegalEntityPatchAttributes {
    company_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    external_id: Option<Option<String>>,
    metadata: Option<BTreeMap<String, String>>,
}

/// Legal entity fields in responses.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LegalEntityAttributes {
    tenant_id: String,
    company_name: String,
    country: String,
    identifier: serde_json::Value,
    participant_ids: Vec<String>,
    environment: &'static str,
    status: &'static str,
    verification_detail: Option<serde_json::Value>,
    attestation_expires_at: Option<String>,
    external_id: Option<String>,
    metadata: BTreeMap<String, String>,
    created_at: String,
    updated_at: String,
}

/// The JSON:API resource of a legal entity.
pub fn legal_entity_resource(
    base_url: &str,
    entity: &LegalEntity,
) -> ResourceObject<LegalEntityAttributes> {
    let status = entity.status();
    ResourceObject {
        kind: TYPE,
        id: entity.id.to_string(),
        attributes: LegalEntityAttributes {
            tenant_id: entity.tenant_id.to_string(),
            company_name: entity.company_name.as_str().to_owned(),
            country: entity.country.as_str().to_owned(),
            identifier: serde_json::json!({
                "scheme": entity.identifier.scheme().code(),
                "value": entity.identifier.value(),
            }),
            participant_ids: entity
                .participant_ids()
                .iter()
                .map(ToString::to_string)
                .collect(),
            environment: entity.environment.as_str(),
            status: status.name().as_str(),
            verification_detail: status
                .verification_failure()
                .map(|reason| serde_json::json!({ "reason": reason.as_str() })),
            attestation_expires_at: status.attestation_expires_at().map(rfc3339),
            external_id: entity.external_id.as_ref().map(|id| id.as_str().to_owned()),
            metadata: entity.metadata.entries().clone(),
            created_at: rfc3339(entity.created_at),
            updated_at: rfc3339(entity.updated_at),
        },
        relationships: None,
        links: SelfLink::new(base_url, &format!("/api/v1/legal-entities/{}", entity.id)),
    }
}

fn parse_identifier(
    problems: &mut Problems,
    identifier: Option<IdentifierObject>,
) -> Option<ParticipantId> {
    let identifier = problems.required("identifier", identifier)?;
    let scheme = problems.parse_required(
        "identifier/scheme",
        "unknown_scheme",
        identifier.scheme.as_deref(),
        Scheme::parse,
    );
    let value = problems.required("identifier/value", identifier.value)?;
    let scheme = scheme?;
    match ParticipantId::new(scheme.code(), &value) {
        Ok(id) => Some(id),
        Err(error) => {
            let code = match error {
                ParticipantIdError::CheckDigits { .. } => "check_digits",
                ParticipantIdError::UnknownScheme(_) => "unknown_scheme",
                ParticipantIdError::Malformed(_) | ParticipantIdError::InvalidValue { .. } => {
                    "invalid_identifier"
                }
            };
            problems.push("identifier/value", code, error.to_string());
            None
        }
    }
}

fn one(base_url: &str, entity: &LegalEntity) -> Response {
    Json(serde_json::json!({ "data": legal_entity_resource(base_url, entity) })).into_response()
}

fn taken_identifier(error: ServiceError) -> ApiError {
    match error {
        ServiceError::Conflict(violation) if violation.field == Field::Identifier => ApiError::new(
            StatusCode::CONFLICT,
            violation.code,
            violation.message,
            Some(Source::Pointer("/data/attributes/identifier".to_owned())),
        ),
        other => other.into(),
    }
}

/// The sort fields and filters of legal entity lists.
pub const LIST_SPEC: ListSpec<LegalEntitySort> = ListSpec {
    sort_fields: &[
        ("createdAt", LegalEntitySort::CreatedAt),
        ("updatedAt", LegalEntitySort::UpdatedAt),
        ("companyName", LegalEntitySort::CompanyName),
        ("status", LegalEntitySort::Status),
    ],
    filters: &["status", "country", "externalId"],
};

/// `POST /api/v1/legal-entities`
pub async fn create(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    JsonBody(body): JsonBody<Document<LegalEntityCreateAttributes>>,
) -> Result<Response, ApiError> {
    body.data.check(TYPE, None)?;
    let attributes = body.data.attributes;
    let mut problems = Problems::default();
    let company_name = problems.parse_required(
        "companyName",
        "invalid_company_name",
        attributes.company_name.as_deref(),
        CompanyName::parse,
    );
    let country = problems.parse_required(
        "country",
        "invalid_country",
        attributes.country.as_deref(),
        CountryCode::parse,
    );
    let identifier = parse_identifier(&mut problems, attributes.identifier);
    let external_id = problems.parse(
        "externalId",
        "invalid_external_id",
        attributes.external_id.as_deref(),
        ExternalId::parse,
    );
    let metadata = problems.metadata("metadata", attributes.metadata);
    problems.finish()?;
    let (Some(company_name), Some(country), Some(identifier)) = (company_name, country, identifier)
    else {
        unreachable!("required fields were checked by Problems::finish");
    };
    let fields = NewLegalEntity {
        company_name,
        country,
        identifier,
        external_id,
        metadata: metadata.unwrap_or_default(),
    };
    let entity = state
        .legal_entities
        .create(&acting, fields)
        .await
        .map_err(taken_identifier)?;
    tracing::info!(legal_entity.id = %entity.id, tenant.id = %acting.tenant.id, environment = %entity.environment, "legal entity created");
    Ok((StatusCode::CREATED, one(&state.base_url, &entity)).into_response())
}

/// `GET /api/v1/legal-entities`
pub async fn list(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let raw = RawQuery::from_uri(&uri)?;
    let params = parse_list(&raw, &LIST_SPEC)?;
    let bad_filter = |name: &str, detail: &str| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_filter",
            detail,
            Some(Source::Parameter(format!("filter[{name}]"))),
        )
    };
    let filter = LegalEntityFilter {
        status: match params.filter("status") {
            None => None,
            Some(text) => Some(StatusName::parse(text).ok_or_else(|| {
                bad_filter(
                    "status",
                    "filter[status] must be a legal entity status such as pending or active",
                )
            })?),
        },
        country: match params.filter("country") {
            None => None,
            Some(text) => Some(CountryCode::parse(text).map_err(|_| {
                bad_filter(
                    "country",
                    "filter[country] must be an ISO 3166-1 alpha-2 code",
                )
            })?),
        },
        external_id: match params.filter("externalId") {
            None => None,
            Some(text) => Some(ExternalId::parse(text).map_err(|_| {
                bad_filter(
                    "externalId",
                    "filter[externalId] must be 1 to 100 characters",
                )
            })?),
        },
    };
    let page_request = params.page;
    let page = state
        .legal_entities
        .list(&acting, &params.into_query(filter))
        .await?;
    let (links, meta) = page_links(&state.base_url, &uri, &raw, page_request, &page);
    let data: Vec<_> = page
        .items
        .iter()
        .map(|entity| legal_entity_resource(&state.base_url, entity))
        .collect();
    Ok(Json(serde_json::json!({ "data": data, "links": links, "meta": meta })).into_response())
}

/// `GET /api/v1/legal-entities/{id}`
pub async fn get(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id, LegalEntityId::parse, "legal entity")?;
    let entity = state.legal_entities.get(&acting, id).await?;
    Ok(one(&state.base_url, &entity))
}

/// `PATCH /api/v1/legal-entities/{id}`
pub async fn update(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    Path(id_text): Path<String>,
    JsonBody(body): JsonBody<Document<LegalEntityPatchAttributes>>,
) -> Result<Response, ApiError> {
    let id = path_id(&id_text, LegalEntityId::parse, "legal entity")?;
    body.data.check(TYPE, Some(&id_text))?;
    let attributes = body.data.attributes;
    let mut problems = Problems::default();
    let company_name = problems.parse(
        "companyName",
        "invalid_company_name",
        attributes.company_name.as_deref(),
        CompanyName::parse,
    );
    let external_id = match attributes.external_id {
        None => None,
        Some(None) => Some(None),
        Some(Some(text)) => problems
            .parse(
                "externalId",
                "invalid_external_id",
                Some(&text),
                ExternalId::parse,
            )
            .map(Some),
    };
    let metadata = problems.metadata("metadata", attributes.metadata);
    problems.finish()?;
    let entity = state
        .legal_entities
        .update(
            &acting,
            id,
            LegalEntityPatch {
                company_name,
                external_id,
                metadata,
            },
        )
        .await?;
    tracing::info!(legal_entity.id = %entity.id, "legal entity updated");
    Ok(one(&state.base_url, &entity))
}

/// `DELETE /api/v1/legal-entities/{id}`: archives (off-boards) the entity and returns it.
pub async fn archive(
    State(state): State<AppState>,
    Tenancy(acting): Tenancy,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id, LegalEntityId::parse, "legal entity")?;
    let entity = state.legal_entities.archive(&acting, id).await?;
    tracing::info!(legal_entity.id = %entity.id, "legal entity archived");
    Ok(one(&state.base_url, &entity))
}
