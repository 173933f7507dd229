//! Documents: renditions with their content.

use std::sync::LazyLock;

use async_trait::async_trait;
use einvoice_domain::environment::Environment;
use einvoice_domain::event::EventRecord;
use einvoice_domain::ids::{DocumentId, LegalEntityId, ProcessId, TenantId};
use einvoice_domain::job::NewJob;
use einvoice_domain::participant::ParticipantId;
use einvoice_domain::ports::{
    DocumentFilter, DocumentQuery, DocumentSort, DocumentStore, Page, StoreError,
};
use einvoice_domain::rendition::{
    self, DocumentStatus, Flow, Format, NewRendition, Rendition, RenditionFacts, Target,
};
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{QueryBuilder, Sqlite};
use time::Date;
use time::format_description::well_known::Iso8601;
use time::macros::format_description;

use crate::convert::{RowContext, micros, micros_opt, to_i64, version_miss};
use crate::error::store_error;
use crate::events::append_events;
use crate::jobs::enqueue_jobs;
use crate::list::{push_order_by, push_page};
use crate::{SqliteStore, commit};

/// The columns of `documents` but `content`, in [`DocumentRow`] and bind order.
const COLUMNS: &str = "id, process_id, tenant_id, environment, direction, kind, format, target, \
     legal_entity_id, document_number, issue_date, sender, receiver, status, reason_code, \
     reason_message, version, created_at, updated_at";

static INSERT: LazyLock<String> = LazyLock::new(|| {
    let placeholders = vec!["?"; COLUMNS.split(',').count() + 1].join(", ");
    format!("INSERT INTO documents ({COLUMNS}, content) VALUES ({placeholders})")
});

static SELECT: LazyLock<String> = LazyLock::new(|| format!("SELECT {COLUMNS} FROM documents"));

/// One row of `documents`, without the content.
#[derive(Debug, sqlx::FromRow)]
struct DocumentRow {
    id: String,
    process_id: String,
    tenant_id: String,
    environment: String,
    direction: String,
    kind: String,
    format: String,
    target: String,
    legal_entity_id: Option<String>,
    document_number: String,
    issue_date: String,
    sender: Option<String>,
    receiver: Option<String>,
    status: String,
    reason_code: Option<String>,
    reason_message: Option<String>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

fn iso_date(date: Date) -> String {
    let format = format_description!("[year]-[month]-[day]");
    date.format(&format).unwrap_or_default()
}

impl DocumentRow {
    fn of(document: &Rendition) -> Result<Self, StoreError> {
        let facts = &document.facts;
        let reason = document.status().reason();
        Ok(Self {
            id: document.id.to_string(),
            process_id: facts.process_id.to_string(),
            tenant_id: facts.tenant_id.to_string(),
            environment: facts.environment.as_str().to_owned(),
            direction: facts.flow.as_str().to_owned(),
            kind: rendition::kind_name(facts.kind).to_owned(),
            format: facts.format.as_str().to_owned(),
            target: facts.target.as_str().to_owned(),
            legal_entity_id: facts.legal_entity_id.map(|id| id.to_string()),
            document_number: facts.document_number.clone(),
            issue_date: iso_date(facts.issue_date),
            sender: facts.sender.as_ref().map(ToString::to_string),
            receiver: facts.receiver.as_ref().map(ToString::to_string),
            status: document.status().name().as_str().to_owned(),
            reason_code: reason.map(|reason| reason.code().to_owned()),
            reason_message: reason.map(|reason| reason.message().to_owned()),
            version: to_i64(document.version(), "version")?,
            created_at: micros(document.created_at)?,
            updated_at: micros(document.updated_at)?,
        })
    }

    fn bind<'q>(
        self,
        query: Query<'q, Sqlite, SqliteArguments<'q>>,
    ) -> Query<'q, Sqlite, SqliteArguments<'q>> {
        query
            .bind(self.id)
            .bind(self.process_id)
            .bind(self.tenant_id)
            .bind(self.environment)
            .bind(self.direction)
            .bind(self.kind)
            .bind(self.format)
            .bind(self.target)
            .bind(self.legal_entity_id)
            .bind(self.document_number)
            .bind(self.issue_date)
            .bind(self.sender)
            .bind(self.receiver)
            .bind(self.status)
            .bind(self.reason_code)
            .bind(self.reason_message)
            .bind(self.version)
            .bind(self.created_at)
            .bind(self.updated_at)
    }
}

impl TryFrom<DocumentRow> for Rendition {
    type Error = StoreError;

    fn try_from(row: DocumentRow) -> Result<Self, StoreError> {
        let context = RowContext::new("documents", &row.id);
        let participant = |column: &str, value: Option<&str>| {
            context.parse_opt(column, value, ParticipantId::parse)
        };
        let facts = RenditionFacts {
            process_id: context.parse("process_id", &row.process_id, ProcessId::parse)?,
            tenant_id: context.parse("tenant_id", &row.tenant_id, TenantId::parse)?,
            environment: context.environment("environment", &row.environment)?,
            flow: known(context, "direction", &row.direction, Flow::parse)?,
            kind: known(context, "kind", &row.kind, rendition::parse_kind)?,
            format: known(context, "format", &row.format, Format::parse)?,
            target: known(context, "target", &row.target, Target::parse)?,
            legal_entity_id: context.parse_opt(
                "legal_entity_id",
                row.legal_entity_id.as_deref(),
                LegalEntityId::parse,
            )?,
            document_number: row.document_number,
            issue_date: context.parse("issue_date", &row.issue_date, |text| {
                Date::parse(text, &Iso8601::DATE)
            })?,
            sender: participant("sender", row.sender.as_deref())?,
            receiver: participant("receiver", row.receiver.as_deref())?,
        };
        let status = DocumentStatus::from_parts(
            &row.status,
            row.reason_code.as_deref(),
            row.reason_message.as_deref(),
        )
        .map_err(|error| context.invalid("status", error))?;
        Ok(Self::restore(
            context.parse("id", &row.id, DocumentId::parse)?,
            facts,
            status,
            context.unsigned("version", row.version)?,
            context.timestamp("created_at", row.created_at)?,
            context.timestamp("updated_at", row.updated_at)?,
        ))
    }
}

/// A stored name parsed by `parse`, or the error naming the column.
fn known<T>(
    context: RowContext<'_>,
    column: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    parse(value).ok_or_else(|| context.invalid(column, format!("unknown value `{value}`")))
}

const fn sort_column(field: DocumentSort) -> &'static str {
    match field {
        DocumentSort::CreatedAt => "created_at",
        DocumentSort::UpdatedAt => "updated_at",
        DocumentSort::IssueDate => "issue_date",
    }
}

/// Appends the scope and the filter of a list, as bound parameters.
fn push_filter(
    builder: &mut QueryBuilder<'_, Sqlite>,
    tenant: TenantId,
    environment: Environment,
    filter: &DocumentFilter,
) -> Result<(), StoreError> {
    builder
        .push(" WHERE tenant_id = ")
        .push_bind(tenant.to_string())
        .push(" AND environment = ")
        .push_bind(environment.as_str());
    if let Some(process_id) = filter.process_id {
        builder
            .push(" AND process_id = ")
            .push_bind(process_id.to_string());
    }
    if let Some(status) = filter.status {
        builder.push(" AND status = ").push_bind(status.as_str());
    }
    if let Some(flow) = filter.flow {
        builder.push(" AND direction = ").push_bind(flow.as_str());
    }
    if let Some(entity) = filter.legal_entity_id {
        builder
            .push(" AND legal_entity_id = ")
            .push_bind(entity.to_string());
    }
    if let Some(from) = micros_opt(filter.created_from)? {
        builder.push(" AND created_at >= ").push_bind(from);
    }
    if let Some(to) = micros_opt(filter.created_to)? {
        builder.push(" AND created_at < ").push_bind(to);
    }
    Ok(())
}

#[async_trait]
impl DocumentStore for SqliteStore {
    #[tracing::instrument(skip_all, fields(documents = documents.len()))]
    async fn insert_documents(
        &self,
        documents: &[NewRendition],
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        for new in documents {
            DocumentRow::of(&new.rendition)?
                .bind(sqlx::query(&INSERT))
                .bind(new.content.as_slice())
                .execute(&mut *transaction)
                .await
                .map_err(store_error)?;
        }
        append_events(&mut transaction, events).await?;
        enqueue_jobs(&mut transaction, jobs).await?;
        commit(transaction).await
    }

    #[tracing::instrument(skip_all, fields(document.id = %id, tenant.id = %tenant))]
    async fn document(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: DocumentId,
    ) -> Result<Option<Rendition>, StoreError> {
        let row: Option<DocumentRow> = sqlx::query_as(&format!(
            "{} WHERE id = ? AND tenant_id = ? AND environment = ?",
            *SELECT
        ))
        .bind(id.to_string())
        .bind(tenant.to_string())
        .bind(environment.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        row.map(Rendition::try_from).transpose()
    }

    #[tracing::instrument(skip_all, fields(document.id = %id, tenant.id = %tenant))]
    async fn document_content(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: DocumentId,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar(
            "SELECT content FROM documents WHERE id = ? AND tenant_id = ? AND environment = ?",
        )
        .bind(id.to_string())
        .bind(tenant.to_string())
        .bind(environment.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)
    }

    #[tracing::instrument(skip_all, fields(tenant.id = %tenant))]
    async fn list_documents(
        &self,
        tenant: TenantId,
        environment: Environment,
        query: &DocumentQuery,
    ) -> Result<Page<Rendition>, StoreError> {
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM documents");
        push_filter(&mut count, tenant, environment, &query.filter)?;
        let mut page = QueryBuilder::new(SELECT.as_str());
        push_filter(&mut page, tenant, environment, &query.filter)?;
        push_order_by(&mut page, &query.sort, DocumentSort::CreatedAt, sort_column);
        push_page(&mut page, query.page);

        self.read_page::<DocumentRow, Rendition>(count, page).await
    }

    #[tracing::instrument(skip_all, fields(document.id = %document.id, expected_version = expected_version))]
    async fn update_document(
        &self,
        document: &Rendition,
        expected_version: u64,
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError> {
        let row = DocumentRow::of(document)?;
        let mut transaction = self.write().await?;
        let updated = sqlx::query(
            "UPDATE documents SET status = ?, reason_code = ?, reason_message = ?, version = ?, \
             updated_at = ? WHERE id = ? AND version = ?",
        )
        .bind(row.status)
        .bind(row.reason_code)
        .bind(row.reason_message)
        .bind(row.version)
        .bind(row.updated_at)
        .bind(row.id.as_str())
        .bind(to_i64(expected_version, "version")?)
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?;
        if updated.rows_affected() == 0 {
            return Err(version_miss(&mut transaction, "documents", row.id.as_str()).await);
        }
        append_events(&mut transaction, events).await?;
        enqueue_jobs(&mut transaction, jobs).await?;
        commit(transaction).await
    }
}
