//! `/api/v1/tenants`: partners manage their child tenants (seed 000).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use einvoice_domain::codes::{CountryCode, LanguageCode};
use einvoice_domain::environment::Environment;
use einvoice_domain::ids::TenantId;
use einvoice_domain::legal_entity::LegalEntity;
use einvoice_domain::participant::VatNumber;
use einvoice_domain::ports::{TenantFilter, TenantSort};
use einvoice_domain::service::{AddressPatch, NewTenant, TenantPatch};
use einvoice_domain::tenant::{
    BillingModel, Contact, PostalAddress, Tenant, TenantCode, TenantKind,
};
use einvoice_domain::text::{
    City, CompanyName, EmailAddress, PersonName, PhoneNumber, PostalCode, Street,
    TradeRegisterNumber,
};
use serde::{Deserialize, Serialize};

use super::legal_entities::legal_entity_resource;
use super::{Document, Problems, ResourceObject, SelfLink, nullable, rfc3339};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Authenticated, JsonBody, path_id};
use crate::query::{ListSpec, RawQuery, page_links, parse_list};

const TYPE: &str = "tenants";

/// Tenant fields as sent on create (all optional here so that every missing one is
/// reported at once).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenantCreateAttributes {
    company_name: Option<String>,
    address_street: Option<String>,
    address_postal_code: Option<String>,
    address_city: Option<String>,
    address_country: Option<String>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    billing_model: Option<String>,
    vat_number: Option<String>,
    trade_register_number: Option<String>,
    default_language: Option<String>,
    tenant_code: Option<String>,
    metadata: Option<BTreeMap<String, String>>,
}

/// Tenant fields as sent on update: absent fields are left alone, `null` clears an
/// optional field.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenantPatchAttributes {
    company_name: Option<String>,
    address_street: Option<String>,
    address_postal_code: Option<String>,
    address_city: Option<String>,
    address_country: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    contact_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    contact_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    contact_phone: Option<Option<String>>,
    billing_model: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    vat_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    trade_register_number: Option<Option<String>>,
    default_language: Option<String>,
    tenant_code: Option<String>,
    active: Option<bool>,
    metadata: Option<BTreeMap<String, String>>,
}

/// Tenant fields in responses.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantAttributes {
    active: bool,
    address_city: Option<String>,
    address_country: Option<String>,
    address_postal_code: Option<String>,
    address_street: Option<String>,
    billing_model: Option<&'static str>,
    company_name: String,
    contact_email: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    created_at: String,
    default_language: String,
    environments: Vec<&'static str>,
    metadata: BTreeMap<String, String>,
    tenant_code: String,
    trade_register_number: Option<String>,
    updated_at: String,
    vat_number: Option<String>,
}

fn tenant_resource(base_url: &str, tenant: &Tenant) -> ResourceObject<TenantAttributes> {
    let profile = &tenant.profile;
    let address = profile.address.as_ref();
    let billing_model = match tenant.kind {
        TenantKind::Child { billing_model, .. } => Some(billing_model.as_str()),
        TenantKind::Partner { .. } => None,
    };
    ResourceObject {
        kind: TYPE,
        id: tenant.id.to_string(),
        attributes: TenantAttributes {
            active: tenant.active,
            address_city: address.map(|a| a.city.as_str().to_owned()),
            address_country: address.map(|a| a.country.as_str().to_owned()),
            address_postal_code: address.map(|a| a.postal_code.as_str().to_owned()),
            address_street: address.map(|a| a.street.as_str().to_owned()),
            billing_model,
            company_name: profile.company_name.as_str().to_owned(),
            contact_email: profile
                .contact
                .email
                .as_ref()
                .map(|v| v.as_str().to_owned()),
            contact_name: profile.contact.name.as_ref().map(|v| v.as_str().to_owned()),
            contact_phone: profile
                .contact
                .phone
                .as_ref()
                .map(|v| v.as_str().to_owned()),
            created_at: rfc3339(tenant.created_at),
            default_language: profile.default_language.as_str().to_owned(),
            environments: tenant
                .environments()
                .into_iter()
                .map(Environment::as_str)
                .collect(),
            metadata: tenant.metadata.entries().clone(),
            tenant_code: tenant.code.as_str().to_owned(),
            trade_register_number: profile
                .trade_register_number
                .as_ref()
                .map(|v| v.as_str().to_owned()),
            updated_at: rfc3339(tenant.updated_at),
            vat_number: profile.vat_number.as_ref().map(|v| v.as_str().to_owned()),
        },
        relationships: None,
        links: SelfLink::new(base_url, &format!("/api/v1/tenants/{}", tenant.id)),
    }
}

fn parse_create(attributes: TenantCreateAttributes) -> Result<NewTenant, ApiError> {
    let mut problems = Problems::default();
    let a = attributes;
    let company_name = problems.parse_required(
        "companyName",
        "invalid_company_name",
        a.company_name.as_deref(),
        CompanyName::parse,
    );
    let street = problems.parse_required(
        "addressStreet",
        "invalid_street",
        a.address_street.as_deref(),
        Street::parse,
    );
    let postal_code = problems.parse_required(
        "addressPostalCode",
        "invalid_postal_code",
        a.address_postal_code.as_deref(),
        PostalCode::parse,
    );
    let city = problems.parse_required(
        "addressCity",
        "invalid_city",
        a.address_city.as_deref(),
        City::parse,
    );
    let country = problems.parse_required(
        "addressCountry",
        "invalid_country",
        a.address_country.as_deref(),
        CountryCode::parse,
    );
    let contact_email = problems.parse_required(
        "contactEmail",
        "invalid_email",
        a.contact_email.as_deref(),
        EmailAddress::parse,
    );
    let contact_name = problems.parse(
        "contactName",
        "invalid_name",
        a.contact_name.as_deref(),
        PersonName::parse,
    );
    let contact_phone = problems.parse(
        "contactPhone",
        "invalid_phone",
        a.contact_phone.as_deref(),
        PhoneNumber::parse,
    );
    let billing_model = problems.parse_required(
        "billingModel",
        "invalid_billing_model",
        a.billing_model.as_deref(),
        BillingModel::parse,
    );
    let vat_number = problems.parse(
        "vatNumber",
        "invalid_vat_number",
        a.vat_number.as_deref(),
        VatNumber::parse,
    );
    let trade_register_number = problems.parse(
        "tradeRegisterNumber",
        "invalid_trade_register_number",
        a.trade_register_number.as_deref(),
        TradeRegisterNumber::parse,
    );
    let default_language = problems.parse(
        "defaultLanguage",
        "invalid_language",
        a.default_language.as_deref(),
        LanguageCode::parse,
    );
    let code = problems.parse(
        "tenantCode",
        "invalid_tenant_code",
        a.tenant_code.as_deref(),
        TenantCode::parse,
    );
    let metadata = problems.metadata("metadata", a.metadata);
    problems.finish()?;
    let (
        Some(company_name),
        Some(street),
        Some(postal_code),
        Some(city),
        Some(country),
        Some(billing_model),
    ) = (
        company_name,
        street,
        postal_code,
        city,
        country,
        billing_model,
    )
    else {
        unreachable!("every required field was checked by Problems::finish");
    };
    Ok(NewTenant {
        company_name,
        address: PostalAddress {
            street,
            postal_code,
            city,
            country,
        },
        contact: Contact {
            name: contact_name,
            email: contact_email,
            phone: contact_phone,
        },
        vat_number,
        trade_register_number,
        default_language,
        billing_model,
        code,
        metadata: metadata.unwrap_or_default(),
    })
}

/// A field that may be absent (keep), `null` (clear) or a value to parse.
fn clearable<T, E: std::fmt::Display>(
    problems: &mut Problems,
    path: &str,
    code: &str,
    value: Option<Option<String>>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<Option<T>> {
    match value {
        None => None,
        Some(None) => Some(None),
        Some(Some(text)) => problems.parse(path, code, Some(&text), parse).map(Some),
    }
}

fn parse_patch(attributes: TenantPatchAttributes) -> Result<TenantPatch, ApiError> {
    let mut problems = Problems::default();
    let a = attributes;
    let patch = TenantPatch {
        company_name: problems.parse(
            "companyName",
            "invalid_company_name",
            a.company_name.as_deref(),
            CompanyName::parse,
        ),
        address: AddressPatch {
            street: problems.parse(
                "addressStreet",
                "invalid_street",
                a.address_street.as_deref(),
                Street::parse,
            ),
            postal_code: problems.parse(
                "addressPostalCode",
                "invalid_postal_code",
                a.address_postal_code.as_deref(),
                PostalCode::parse,
            ),
            city: problems.parse(
                "addressCity",
                "invalid_city",
                a.address_city.as_deref(),
                City::parse,
            ),
            country: problems.parse(
                "addressCountry",
                "invalid_country",
                a.address_country.as_deref(),
                CountryCode::parse,
            ),
        },
        contact_name: clearable(
            &mut problems,
            "contactName",
            "invalid_name",
            a.contact_name,
            PersonName::parse,
        ),
        contact_email: clearable(
            &mut problems,
            "contactEmail",
            "invalid_email",
            a.contact_email,
            EmailAddress::parse,
        ),
        contact_phone: clearable(
            &mut problems,
            "contactPhone",
            "invalid_phone",
            a.contact_phone,
            PhoneNumber::parse,
        ),
        vat_number: clearable(
            &mut problems,
            "vatNumber",
            "invalid_vat_number",
            a.vat_number,
            VatNumber::parse,
        ),
        trade_register_number: clearable(
            &mut problems,
            "tradeRegisterNumber",
            "invalid_trade_register_number",
            a.trade_register_number,
            TradeRegisterNumber::parse,
        ),
        default_language: problems.parse(
            "defaultLanguage",
            "invalid_language",
            a.default_language.as_deref(),
            LanguageCode::parse,
        ),
        billing_model: problems.parse(
            "billingModel",
            "invalid_billing_model",
            a.billing_model.as_deref(),
            BillingModel::parse,
        ),
        code: problems.parse(
            "tenantCode",
            "invalid_tenant_code",
            a.tenant_code.as_deref(),
            TenantCode::parse,
        ),
        active: a.active,
        metadata: problems.metadata("metadata", a.metadata),
    };
    problems.finish()?;
    Ok(patch)
}

/// The sort fields and filters of tenant lists.
pub const LIST_SPEC: ListSpec<TenantSort> = ListSpec {
    sort_fields: &[
        ("createdAt", TenantSort::CreatedAt),
        ("updatedAt", TenantSort::UpdatedAt),
        ("companyName", TenantSort::CompanyName),
        ("tenantCode", TenantSort::TenantCode),
    ],
    filters: &["active"],
};

/// `POST /api/v1/tenants`
pub async fn create(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    JsonBody(document): JsonBody<Document<TenantCreateAttributes>>,
) -> Result<Response, ApiError> {
    document.data.check(TYPE, None)?;
    let new = parse_create(document.data.attributes)?;
    let (tenant, legal_entity) = state.tenants.create(&caller, new).await?;
    tracing::info!(tenant.id = %tenant.id, tenant.code = %tenant.code, "tenant created");
    Ok((
        StatusCode::CREATED,
        Json(created_document(
            &state.base_url,
            &tenant,
            legal_entity.as_ref(),
        )),
    )
        .into_response())
}

fn created_document(
    base_url: &str,
    tenant: &Tenant,
    legal_entity: Option<&LegalEntity>,
) -> serde_json::Value {
    let mut resource = tenant_resource(base_url, tenant);
    let mut document = serde_json::Map::new();
    if let Some(entity) = legal_entity {
        resource.relationships = Some(serde_json::json!({
            "defaultLegalEntity": { "data": { "type": "legal-entities", "id": entity.id.to_string() } }
        }));
        document.insert(
            "included".to_owned(),
            serde_json::json!([legal_entity_resource(base_url, entity)]),
        );
    }
    document.insert(
        "data".to_owned(),
        serde_json::to_value(resource).expect("resources serialize"),
    );
    serde_json::Value::Object(document)
}

/// `GET /api/v1/tenants`
pub async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let raw = RawQuery::from_uri(&uri)?;
    let params = parse_list(&raw, &LIST_SPEC)?;
    let active = match params.filter("active") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_filter",
                "filter[active] must be true or false",
                Some(crate::error::Source::Parameter("filter[active]".to_owned())),
            ));
        }
    };
    let page_request = params.page;
    let page = state
        .tenants
        .list(&caller, &params.into_query(TenantFilter { active }))
        .await?;
    let (links, meta) = page_links(&state.base_url, &uri, &raw, page_request, &page);
    let data: Vec<_> = page
        .items
        .iter()
        .map(|tenant| tenant_resource(&state.base_url, tenant))
        .collect();
    Ok(Json(serde_json::json!({ "data": data, "links": links, "meta": meta })).into_response())
}

/// `GET /api/v1/tenants/{id}`
pub async fn get(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id, TenantId::parse, "tenant")?;
    let tenant = state.tenants.get(&caller, id).await?;
    Ok(
        Json(serde_json::json!({ "data": tenant_resource(&state.base_url, &tenant) }))
            .into_response(),
    )
}

/// `PATCH /api/v1/tenants/{id}`
pub async fn update(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    JsonBody(document): JsonBody<Document<TenantPatchAttributes>>,
) -> Result<Response, ApiError> {
    let tenant_id = path_id(&id, TenantId::parse, "tenant")?;
    document.data.check(TYPE, Some(&id))?;
    let patch = parse_patch(document.data.attributes)?;
    let tenant = state.tenants.update(&caller, tenant_id, patch).await?;
    tracing::info!(tenant.id = %tenant.id, "tenant updated");
    Ok(
        Json(serde_json::json!({ "data": tenant_resource(&state.base_url, &tenant) }))
            .into_response(),
    )
}

/// `DELETE /api/v1/tenants/{id}`: soft delete; its legal entities are archived.
pub async fn delete(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = path_id(&id, TenantId::parse, "tenant")?;
    state.tenants.delete(&caller, id).await?;
    tracing::info!(tenant.id = %id, "tenant deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Body of `POST /api/v1/tenants/{id}/environments`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnableEnvironmentAttributes {
    environment: Option<String>,
}

/// `POST /api/v1/tenants/{id}/environments`: enables production (irreversible,
/// idempotent); sandbox is always enabled.
pub async fn enable_environment(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    JsonBody(document): JsonBody<Document<EnableEnvironmentAttributes>>,
) -> Result<Response, ApiError> {
    let tenant_id = path_id(&id, TenantId::parse, "tenant")?;
    document.data.check("environments", None)?;
    let mut problems = Problems::default();
    let environment = problems.parse_required(
        "environment",
        "invalid_environment",
        document.data.attributes.environment.as_deref(),
        Environment::parse,
    );
    problems.finish()?;
    let tenant = match environment {
        Some(Environment::Production) => {
            let tenant = state.tenants.enable_production(&caller, tenant_id).await?;
            tracing::info!(tenant.id = %tenant.id, "production enabled");
            tenant
        }
        _ => state.tenants.get_manageable(&caller, tenant_id).await?,
    };
    Ok(
        Json(serde_json::json!({ "data": tenant_resource(&state.base_url, &tenant) }))
            .into_response(),
    )
}
