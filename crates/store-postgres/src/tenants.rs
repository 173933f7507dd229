//! Tenants: partners and their children, soft-deleted, with codes unique per scope.

use std::sync::LazyLock;

use async_trait::async_trait;
use einvoice_domain::codes::{CountryCode, LanguageCode};
use einvoice_domain::event::EventRecord;
use einvoice_domain::ids::TenantId;
use einvoice_domain::job::NewJob;
use einvoice_domain::legal_entity::LegalEntity;
use einvoice_domain::participant::VatNumber;
use einvoice_domain::ports::{
    Page, StoreError, TenantInsert, TenantQuery, TenantSort, TenantStore, VersionedEntity,
};
use einvoice_domain::tenant::{
    BillingModel, BillingModels, Contact, PostalAddress, Tenant, TenantCode, TenantKind,
    TenantProfile,
};
use einvoice_domain::text::{
    City, CompanyName, EmailAddress, PersonName, PhoneNumber, PostalCode, Street,
    TradeRegisterNumber,
};
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::api_keys::insert_key;
use crate::convert::{RowContext, metadata_json};
use crate::error::store_error;
use crate::events::append_events;
use crate::jobs::enqueue_jobs;
use crate::legal_entities::{insert_entity, update_entity};
use crate::list::{push_order_by, push_page, total};
use crate::{PgStore, finish};

/// The columns of `tenants`, in [`TenantRow`] and bind order.
const COLUMNS: &str = "id, kind, partner_id, billing_model, billing_models, code, company_name, \
     street, postal_code, city, country, contact_name, contact_email, contact_phone, vat_number, \
     trade_register_number, default_language, active, production_enabled_at, metadata, \
     created_at, updated_at, deleted_at";

static INSERT: LazyLock<String> = LazyLock::new(|| {
    let placeholders: Vec<String> = (1..=COLUMNS.split(',').count())
        .map(|index| format!("${index}"))
        .collect();
    format!(
        "INSERT INTO tenants ({COLUMNS}) VALUES ({})",
        placeholders.join(", ")
    )
});

/// Sets every column but `id` (`$1`) of a tenant that is not deleted.
static UPDATE: LazyLock<String> = LazyLock::new(|| {
    let assignments: Vec<String> = COLUMNS
        .split(',')
        .map(str::trim)
        .enumerate()
        .skip(1)
        .map(|(index, column)| format!("{column} = ${}", index + 1))
        .collect();
    format!(
        "UPDATE tenants SET {} WHERE id = $1 AND deleted_at IS NULL",
        assignments.join(", ")
    )
});

static SELECT: LazyLock<String> = LazyLock::new(|| format!("SELECT {COLUMNS} FROM tenants"));

/// One row of `tenants`.
#[derive(Debug, sqlx::FromRow)]
struct TenantRow {
    id: Uuid,
    kind: String,
    partner_id: Option<Uuid>,
    billing_model: Option<String>,
    billing_models: Option<String>,
    code: String,
    company_name: String,
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country: Option<String>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    vat_number: Option<String>,
    trade_register_number: Option<String>,
    default_language: String,
    active: bool,
    production_enabled_at: Option<OffsetDateTime>,
    metadata: serde_json::Value,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    deleted_at: Option<OffsetDateTime>,
}

/// An optional text value as an owned column.
fn text<T>(value: Option<&T>, as_str: impl Fn(&T) -> &str) -> Option<String> {
    value.map(|value| as_str(value).to_owned())
}

impl TenantRow {
    /// The row of `tenant`.
    fn of(tenant: &Tenant) -> Result<Self, StoreError> {
        let (kind, partner_id, billing_model, billing_models) = match tenant.kind {
            TenantKind::Partner { billing_models } => {
                let models: Vec<&str> = billing_models
                    .models()
                    .into_iter()
                    .map(BillingModel::as_str)
                    .collect();
                ("partner", None, None, Some(models.join(",")))
            }
            TenantKind::Child {
                partner,
                billing_model,
            } => (
                "child",
                Some(partner.as_uuid()),
                Some(billing_model.as_str().to_owned()),
                None,
            ),
        };
        let profile = &tenant.profile;
        let address = profile.address.as_ref();
        Ok(Self {
            id: tenant.id.as_uuid(),
            kind: kind.to_owned(),
            partner_id,
            billing_model,
            billing_models,
            code: tenant.code.as_str().to_owned(),
            company_name: profile.company_name.as_str().to_owned(),
            street: text(address.map(|address| &address.street), Street::as_str),
            postal_code: text(
                address.map(|address| &address.postal_code),
                PostalCode::as_str,
            ),
            city: text(address.map(|address| &address.city), City::as_str),
            country: text(address.map(|address| &address.country), CountryCode::as_str),
            contact_name: text(profile.contact.name.as_ref(), PersonName::as_str),
            contact_email: text(profile.contact.email.as_ref(), EmailAddress::as_str),
            contact_phone: text(profile.contact.phone.as_ref(), PhoneNumber::as_str),
            vat_number: text(profile.vat_number.as_ref(), VatNumber::as_str),
            trade_register_number: text(
                profile.trade_register_number.as_ref(),
                TradeRegisterNumber::as_str,
            ),
            default_language: profile.default_language.as_str().to_owned(),
            active: tenant.active,
            production_enabled_at: tenant.production_enabled_at,
            metadata: metadata_json(&tenant.metadata)?,
            created_at: tenant.created_at,
            updated_at: tenant.updated_at,
            deleted_at: tenant.deleted_at,
        })
    }

    /// Binds every column, in [`COLUMNS`] order.
    fn bind(self, query: Query<'_, Postgres, PgArguments>) -> Query<'_, Postgres, PgArguments> {
        query
            .bind(self.id)
            .bind(self.kind)
            .bind(self.partner_id)
            .bind(self.billing_model)
            .bind(self.billing_models)
            .bind(self.code)
            .bind(self.company_name)
            .bind(self.street)
            .bind(self.postal_code)
            .bind(self.city)
            .bind(self.country)
            .bind(self.contact_name)
            .bind(self.contact_email)
            .bind(self.contact_phone)
            .bind(self.vat_number)
            .bind(self.trade_register_number)
            .bind(self.default_language)
            .bind(self.active)
            .bind(self.production_enabled_at)
            .bind(self.metadata)
            .bind(self.created_at)
            .bind(self.updated_at)
            .bind(self.deleted_at)
    }
}

impl TryFrom<TenantRow> for Tenant {
    type Error = StoreError;

    fn try_from(row: TenantRow) -> Result<Self, StoreError> {
        let context = RowContext::new("tenants", row.id);
        let kind = match (
            row.kind.as_str(),
            row.partner_id,
            row.billing_model.as_deref(),
            row.billing_models.as_deref(),
        ) {
            ("partner", None, None, Some(models)) => {
                let models = models
                    .split(',')
                    .map(BillingModel::parse)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|error| context.invalid("billing_models", error))?;
                let billing_models = BillingModels::from_models(&models)
                    .ok_or_else(|| context.invalid("billing_models", "no billing model"))?;
                TenantKind::Partner { billing_models }
            }
            ("child", Some(partner), Some(model), None) => TenantKind::Child {
                partner: TenantId::from_uuid(partner),
                billing_model: context.parse("billing_model", model, BillingModel::parse)?,
            },
            (other, ..) => {
                return Err(context.invalid("kind", format!("inconsistent stored kind `{other}`")));
            }
        };
        let address = match (&row.street, &row.postal_code, &row.city, &row.country) {
            (None, None, None, None) => None,
            (Some(street), Some(postal_code), Some(city), Some(country)) => Some(PostalAddress {
                street: context.parse("street", street, Street::parse)?,
                postal_code: context.parse("postal_code", postal_code, PostalCode::parse)?,
                city: context.parse("city", city, City::parse)?,
                country: context.parse("country", country, CountryCode::parse)?,
            }),
            _ => {
                return Err(
                    context.invalid("street/postal_code/city/country", "incomplete address")
                );
            }
        };
        let profile = TenantProfile {
            company_name: context.parse("company_name", &row.company_name, CompanyName::parse)?,
            address,
            contact: Contact {
                name: context.parse_opt(
                    "contact_name",
                    row.contact_name.as_deref(),
                    PersonName::parse,
                )?,
                email: context.parse_opt(
                    "contact_email",
                    row.contact_email.as_deref(),
                    EmailAddress::parse,
                )?,
                phone: context.parse_opt(
                    "contact_phone",
                    row.contact_phone.as_deref(),
                    PhoneNumber::parse,
                )?,
            },
            vat_number: context.parse_opt(
                "vat_number",
                row.vat_number.as_deref(),
                VatNumber::parse,
            )?,
            trade_register_number: context.parse_opt(
                "trade_register_number",
                row.trade_register_number.as_deref(),
                TradeRegisterNumber::parse,
            )?,
            default_language: context.parse(
                "default_language",
                &row.default_language,
                LanguageCode::parse,
            )?,
        };
        Ok(Self {
            id: TenantId::from_uuid(row.id),
            kind,
            code: context.parse("code", &row.code, TenantCode::parse)?,
            profile,
            active: row.active,
            production_enabled_at: row.production_enabled_at,
            metadata: context.metadata("metadata", row.metadata)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
            deleted_at: row.deleted_at,
        })
    }
}

/// Saves every field of a tenant that is not deleted.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown or deleted tenant, [`StoreError::Duplicate`]
/// for a taken code.
async fn update_row(connection: &mut PgConnection, tenant: &Tenant) -> Result<(), StoreError> {
    let updated = TenantRow::of(tenant)?
        .bind(sqlx::query(&UPDATE))
        .execute(&mut *connection)
        .await
        .map_err(store_error)?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The SQL column of a sort key.
const fn sort_column(field: TenantSort) -> &'static str {
    match field {
        TenantSort::CreatedAt => "created_at",
        TenantSort::UpdatedAt => "updated_at",
        TenantSort::CompanyName => "company_name",
        TenantSort::TenantCode => "code",
    }
}

/// Appends the scope (a partner's live children) and the filter, as bound parameters.
fn push_filter(builder: &mut QueryBuilder<'_, Postgres>, partner: TenantId, active: Option<bool>) {
    builder
        .push(" WHERE partner_id = ")
        .push_bind(partner.as_uuid())
        .push(" AND kind = 'child' AND deleted_at IS NULL");
    if let Some(active) = active {
        builder.push(" AND active = ").push_bind(active);
    }
}

#[async_trait]
impl TenantStore for PgStore {
    #[tracing::instrument(skip_all, fields(tenant.id = %insert.tenant.id))]
    async fn insert_tenant(&self, insert: &TenantInsert) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        let result = async {
            TenantRow::of(&insert.tenant)?
                .bind(sqlx::query(&INSERT))
                .execute(&mut *transaction)
                .await
                .map_err(store_error)?;
            if let Some(entity) = &insert.legal_entity {
                insert_entity(&mut transaction, entity).await?;
            }
            if let Some(key) = &insert.api_key {
                insert_key(&mut transaction, key).await?;
            }
            enqueue_jobs(&mut transaction, &insert.jobs).await?;
            append_events(&mut transaction, &insert.events).await
        }
        .await;
        finish(transaction, result).await
    }

    #[tracing::instrument(skip_all, fields(tenant.id = %id))]
    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        let row: Option<TenantRow> =
            sqlx::query_as(&format!("{} WHERE id = $1 AND deleted_at IS NULL", *SELECT))
                .bind(id.as_uuid())
                .fetch_optional(&self.pool)
                .await
                .map_err(store_error)?;
        row.map(Tenant::try_from).transpose()
    }

    #[tracing::instrument(skip_all, fields(partner.id = %partner))]
    async fn list_tenants(
        &self,
        partner: TenantId,
        query: &TenantQuery,
    ) -> Result<Page<Tenant>, StoreError> {
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM tenants");
        push_filter(&mut count, partner, query.filter.active);
        let mut page = QueryBuilder::new(SELECT.as_str());
        push_filter(&mut page, partner, query.filter.active);
        push_order_by(&mut page, &query.sort, TenantSort::CreatedAt, sort_column);
        push_page(&mut page, query.page);

        let mut transaction = self.read().await?;
        let result = async {
            let total_count: i64 = count
                .build_query_scalar()
                .fetch_one(&mut *transaction)
                .await
                .map_err(store_error)?;
            let rows: Vec<TenantRow> = page
                .build_query_as()
                .fetch_all(&mut *transaction)
                .await
                .map_err(store_error)?;
            Ok((total_count, rows))
        }
        .await;
        let (total_count, rows) = finish(transaction, result).await?;
        let items = rows
            .into_iter()
            .map(Tenant::try_from)
            .collect::<Result<_, _>>()?;
        Ok(Page {
            items,
            total: total(total_count),
        })
    }

    #[tracing::instrument(skip_all, fields(tenant.id = %tenant.id))]
    async fn update_tenant(
        &self,
        tenant: &Tenant,
        new_legal_entities: &[LegalEntity],
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        let result = async {
            update_row(&mut transaction, tenant).await?;
            for entity in new_legal_entities {
                insert_entity(&mut transaction, entity).await?;
            }
            enqueue_jobs(&mut transaction, jobs).await?;
            append_events(&mut transaction, events).await
        }
        .await;
        finish(transaction, result).await
    }

    #[tracing::instrument(skip_all, fields(tenant.id = %tenant.id, archived = archived.len()))]
    async fn delete_tenant(
        &self,
        tenant: &Tenant,
        archived: &[VersionedEntity],
        events: &[EventRecord],
    ) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        let result = async {
            update_row(&mut transaction, tenant).await?;
            for item in archived {
                update_entity(&mut transaction, &item.entity, item.expected_version).await?;
            }
            append_events(&mut transaction, events).await
        }
        .await;
        finish(transaction, result).await
    }

    #[tracing::instrument(skip_all)]
    async fn count_partners(&self) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tenants WHERE kind = 'partner'")
            .fetch_one(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(total(count))
    }
}
