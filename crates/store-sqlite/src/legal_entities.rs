//! Legal entities and the participant ids of the live ones.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use async_trait::async_trait;
use einvoice_domain::codes::CountryCode;
use einvoice_domain::environment::Environment;
use einvoice_domain::event::EventRecord;
use einvoice_domain::ids::{LegalEntityId, TenantId};
use einvoice_domain::job::NewJob;
use einvoice_domain::legal_entity::{LegalEntity, LegalEntityStatus, NewLegalEntity};
use einvoice_domain::participant::ParticipantId;
use einvoice_domain::ports::{
    LegalEntityFilter, LegalEntityQuery, LegalEntitySort, LegalEntityStore, Page, StoreError,
};
use einvoice_domain::text::{CompanyName, ExternalId};
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::convert::{RowContext, metadata_json, micros, micros_opt, to_i64, version_miss};
use crate::error::store_error;
use crate::events::append_events;
use crate::jobs::enqueue_jobs;
use crate::list::{push_order_by, push_page};
use crate::{SqliteStore, commit};

/// The columns of `legal_entities`, in [`LegalEntityRow`] and bind order.
const COLUMNS: &str = "id, tenant_id, environment, company_name, country, identifier_scheme, \
     identifier_value, external_id, metadata, status, verification_reason, \
     attestation_expires_at, version, created_at, updated_at";

static INSERT: LazyLock<String> = LazyLock::new(|| {
    let placeholders = vec!["?"; COLUMNS.split(',').count()].join(", ");
    format!("INSERT INTO legal_entities ({COLUMNS}) VALUES ({placeholders})")
});

/// Sets every column but `id` (`?1`) from the new values; matches only the expected
/// version (the last parameter).
static UPDATE: LazyLock<String> = LazyLock::new(|| {
    let columns: Vec<&str> = COLUMNS.split(',').map(str::trim).collect();
    let assignments: Vec<String> = columns
        .iter()
        .enumerate()
        .skip(1)
        .map(|(index, column)| format!("{column} = ?{}", index + 1))
        .collect();
    format!(
        "UPDATE legal_entities SET {} WHERE id = ?1 AND version = ?{}",
        assignments.join(", "),
        columns.len() + 1
    )
});

static SELECT: LazyLock<String> = LazyLock::new(|| format!("SELECT {COLUMNS} FROM legal_entities"));

/// One row of `legal_entities`.
#[derive(Debug, sqlx::FromRow)]
struct LegalEntityRow {
    id: String,
    tenant_id: String,
    environment: String,
    company_name: String,
    country: String,
    identifier_scheme: String,
    identifier_value: String,
    external_id: Option<String>,
    metadata: String,
    status: String,
    verification_reason: Option<String>,
    attestation_expires_at: Option<i64>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

impl LegalEntityRow {
    /// The row of `entity`.
    fn of(entity: &LegalEntity) -> Result<Self, StoreError> {
        let status = entity.status();
        Ok(Self {
            id: entity.id.to_string(),
            tenant_id: entity.tenant_id.to_string(),
            environment: entity.environment.as_str().to_owned(),
            company_name: entity.company_name.as_str().to_owned(),
            country: entity.country.as_str().to_owned(),
            identifier_scheme: entity.identifier.scheme().code().to_owned(),
            identifier_value: entity.identifier.value().to_owned(),
            external_id: entity.external_id.as_ref().map(|id| id.as_str().to_owned()),
            metadata: metadata_json(&entity.metadata)?,
            status: status.name().as_str().to_owned(),
            verification_reason: status
                .verification_failure()
                .map(|reason| reason.as_str().to_owned()),
            attestation_expires_at: micros_opt(status.attestation_expires_at())?,
            version: to_i64(entity.version(), "version")?,
            created_at: micros(entity.created_at)?,
            updated_at: micros(entity.updated_at)?,
        })
    }

    /// Binds every column, in [`COLUMNS`] order.
    fn bind<'q>(
        self,
        query: Query<'q, Sqlite, SqliteArguments<'q>>,
    ) -> Query<'q, Sqlite, SqliteArguments<'q>> {
        query
            .bind(self.id)
            .bind(self.tenant_id)
            .bind(self.environment)
            .bind(self.company_name)
            .bind(self.country)
            .bind(self.identifier_scheme)
            .bind(self.identifier_value)
            .bind(self.external_id)
            .bind(self.metadata)
            .bind(self.status)
            .bind(self.verification_reason)
            .bind(self.attestation_expires_at)
            .bind(self.version)
            .bind(self.created_at)
            .bind(self.updated_at)
    }
}

impl TryFrom<LegalEntityRow> for LegalEntity {
    type Error = StoreError;

    fn try_from(row: LegalEntityRow) -> Result<Self, StoreError> {
        let context = RowContext::new("legal_entities", &row.id);
        let identifier = ParticipantId::new(&row.identifier_scheme, &row.identifier_value)
            .map_err(|error| context.invalid("identifier_scheme/identifier_value", error))?;
        let fields = NewLegalEntity {
            company_name: context.parse("company_name", &row.company_name, CompanyName::parse)?,
            country: context.parse("country", &row.country, CountryCode::parse)?,
            identifier,
            external_id: context.parse_opt(
                "external_id",
                row.external_id.as_deref(),
                ExternalId::parse,
            )?,
            metadata: context.metadata("metadata", &row.metadata)?,
        };
        let status = LegalEntityStatus::from_parts(
            &row.status,
            row.verification_reason.as_deref(),
            context.timestamp_opt("attestation_expires_at", row.attestation_expires_at)?,
        )
        .map_err(|error| context.invalid("status", error))?;
        Ok(Self::restore(
            context.parse("id", &row.id, LegalEntityId::parse)?,
            context.parse("tenant_id", &row.tenant_id, TenantId::parse)?,
            context.environment("environment", &row.environment)?,
            fields,
            status,
            context.unsigned("version", row.version)?,
            context.timestamp("created_at", row.created_at)?,
            context.timestamp("updated_at", row.updated_at)?,
        ))
    }
}

/// Inserts `entity` and, unless it is archived, its participant ids.
///
/// # Errors
/// [`StoreError::Duplicate`] when one of its participant ids is taken.
pub(crate) async fn insert_entity(
    connection: &mut SqliteConnection,
    entity: &LegalEntity,
) -> Result<(), StoreError> {
    LegalEntityRow::of(entity)?
        .bind(sqlx::query(&INSERT))
        .execute(&mut *connection)
        .await
        .map_err(store_error)?;
    write_participant_ids(connection, entity).await
}

/// Saves `entity` if its stored version is `expected_version`, and rewrites its
/// participant ids (none once archived).
///
/// # Errors
/// [`StoreError::Conflict`] for another stored version, [`StoreError::NotFound`] for an
/// unknown entity, [`StoreError::Duplicate`] for a taken participant id.
pub(crate) async fn update_entity(
    connection: &mut SqliteConnection,
    entity: &LegalEntity,
    expected_version: u64,
) -> Result<(), StoreError> {
    let updated = LegalEntityRow::of(entity)?
        .bind(sqlx::query(&UPDATE))
        .bind(to_i64(expected_version, "version")?)
        .execute(&mut *connection)
        .await
        .map_err(store_error)?;
    if updated.rows_affected() == 0 {
        return Err(version_miss(connection, "legal_entities", &entity.id.to_string()).await);
    }
    write_participant_ids(connection, entity).await
}

/// Replaces the participant id rows of `entity`: its canonical ids while it is live,
/// none once archived.
async fn write_participant_ids(
    connection: &mut SqliteConnection,
    entity: &LegalEntity,
) -> Result<(), StoreError> {
    let entity_id = entity.id.to_string();
    sqlx::query("DELETE FROM legal_entity_participant_ids WHERE legal_entity_id = ?")
        .bind(&entity_id)
        .execute(&mut *connection)
        .await
        .map_err(store_error)?;
    if entity.is_archived() {
        return Ok(());
    }
    let canonical: BTreeSet<String> = entity
        .participant_ids()
        .iter()
        .map(ParticipantId::canonical)
        .collect();
    for participant_id in canonical {
        sqlx::query(
            "INSERT INTO legal_entity_participant_ids (legal_entity_id, environment, participant_id) \
             VALUES (?, ?, ?)",
        )
        .bind(&entity_id)
        .bind(entity.environment.as_str())
        .bind(participant_id)
        .execute(&mut *connection)
        .await
        .map_err(store_error)?;
    }
    Ok(())
}

/// The SQL column of a sort key.
const fn sort_column(field: LegalEntitySort) -> &'static str {
    match field {
        LegalEntitySort::CreatedAt => "created_at",
        LegalEntitySort::UpdatedAt => "updated_at",
        LegalEntitySort::CompanyName => "company_name",
        LegalEntitySort::Status => "status",
    }
}

/// Appends the scope and the filter of a list, as bound parameters.
fn push_filter<'args>(
    builder: &mut QueryBuilder<'args, Sqlite>,
    tenant: TenantId,
    environment: Environment,
    filter: &'args LegalEntityFilter,
) {
    builder
        .push(" WHERE tenant_id = ")
        .push_bind(tenant.to_string())
        .push(" AND environment = ")
        .push_bind(environment.as_str());
    if let Some(status) = filter.status {
        builder.push(" AND status = ").push_bind(status.as_str());
    }
    if let Some(country) = &filter.country {
        builder.push(" AND country = ").push_bind(country.as_str());
    }
    if let Some(external_id) = &filter.external_id {
        builder
            .push(" AND external_id = ")
            .push_bind(external_id.as_str());
    }
}

#[async_trait]
impl LegalEntityStore for SqliteStore {
    #[tracing::instrument(skip_all, fields(legal_entity.id = %entity.id, tenant.id = %entity.tenant_id))]
    async fn insert_legal_entity(
        &self,
        entity: &LegalEntity,
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        insert_entity(&mut transaction, entity).await?;
        append_events(&mut transaction, events).await?;
        enqueue_jobs(&mut transaction, jobs).await?;
        commit(transaction).await
    }

    #[tracing::instrument(skip_all, fields(legal_entity.id = %id, tenant.id = %tenant))]
    async fn legal_entity(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: LegalEntityId,
    ) -> Result<Option<LegalEntity>, StoreError> {
        let row: Option<LegalEntityRow> = sqlx::query_as(&format!(
            "{} WHERE id = ? AND tenant_id = ? AND environment = ?",
            *SELECT
        ))
        .bind(id.to_string())
        .bind(tenant.to_string())
        .bind(environment.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        row.map(LegalEntity::try_from).transpose()
    }

    #[tracing::instrument(skip_all, fields(tenant.id = %tenant))]
    async fn list_legal_entities(
        &self,
        tenant: TenantId,
        environment: Environment,
        query: &LegalEntityQuery,
    ) -> Result<Page<LegalEntity>, StoreError> {
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM legal_entities");
        push_filter(&mut count, tenant, environment, &query.filter);
        let mut page = QueryBuilder::new(SELECT.as_str());
        push_filter(&mut page, tenant, environment, &query.filter);
        push_order_by(
            &mut page,
            &query.sort,
            LegalEntitySort::CreatedAt,
            sort_column,
        );
        push_page(&mut page, query.page);

        self.read_page::<LegalEntityRow, LegalEntity>(count, page)
            .await
    }

    #[tracing::instrument(skip_all, fields(tenant.id = %tenant))]
    async fn live_legal_entities(&self, tenant: TenantId) -> Result<Vec<LegalEntity>, StoreError> {
        let rows: Vec<LegalEntityRow> = sqlx::query_as(&format!(
            "{} WHERE tenant_id = ? AND status <> 'archived' ORDER BY created_at ASC, id ASC",
            *SELECT
        ))
        .bind(tenant.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(LegalEntity::try_from).collect()
    }

    #[tracing::instrument(skip_all, fields(participant = %participant))]
    async fn legal_entity_by_participant(
        &self,
        environment: Environment,
        participant: &ParticipantId,
    ) -> Result<Option<LegalEntity>, StoreError> {
        let row: Option<LegalEntityRow> = sqlx::query_as(&format!(
            "{} WHERE id = (SELECT legal_entity_id FROM legal_entity_participant_ids \
             WHERE environment = ? AND participant_id = ?)",
            *SELECT
        ))
        .bind(environment.as_str())
        .bind(participant.canonical())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        row.map(LegalEntity::try_from).transpose()
    }

    #[tracing::instrument(skip_all, fields(legal_entity.id = %entity.id, expected_version = expected_version))]
    async fn update_legal_entity(
        &self,
        entity: &LegalEntity,
        expected_version: u64,
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        update_entity(&mut transaction, entity, expected_version).await?;
        append_events(&mut transaction, events).await?;
        enqueue_jobs(&mut transaction, jobs).await?;
        commit(transaction).await
    }
}
