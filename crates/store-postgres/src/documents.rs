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
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{Postgres, QueryBuilder};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::convert::{RowContext, to_i64};
use crate::error::store_error;
use crate::events::append_events;
use crate::jobs::enqueue_jobs;
use crate::list::{push_order_by, push_page};
use crate::{PgStore, finish};

/// The columns of `documents` but `content`, in [`DocumentRow`] and bind order.
const COLUMNS: &str = "id, process_id, tenant_id, environment, direction, kind, format, target, \
     legal_entity_id, document_number, issue_date, sender, receiver, status, reason_code, \
     reason_message, version, created_at, updated_at";

static INSERT: LazyLock<String> = LazyLock::new(|| {
    let placeholders: Vec<String> = (1..=COLUMNS.split(',').count() + 1)
        .map(|index| format!("${index}"))
        .collect();
    format!(
        "INSERT INTO documents ({COLUMNS}, content) VALUES ({})",
        placeholders.join(", ")
    )
});

static SELECT: LazyLock<String> = LazyLock::new(|| format!("SELECT {COLUMNS} FROM documents"));

/// One row of `documents`, without the content.
#[derive(Debug, sqlx::FromRow)]
struct DocumentRow {
    id: Uuid,
    process_id: Uuid,
    tenant_id: Uuid,
    environment: String,
    direction: String,
    kind: String,
    format: String,
    target: String,
    legal_entity_id: Option<Uuid>,
    document_number: String,
    issue_date: Date,
    sender: Option<String>,
    receiver: Option<String>,
    status: String,
    reason_code: Option<String>,
    reason_message: Option<String>,
    version: i64,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl DocumentRow {
    fn of(document: &Rendition) -> Result<Self, StoreError> {
        let facts = &document.facts;
        let reason = document.status().reason();
        Ok(Self {
            id: document.id.as_uuid(),
            process_id: facts.process_id.as_uuid(),
            tenant_id: facts.tenant_id.as_uuid(),
            environment: facts.environment.as_str().to_owned(),
            direction: facts.flow.as_str().to_owned(),
            kind: rendition::kind_name(facts.kind).to_owned(),
            format: facts.format.as_str().to_owned(),
            target: facts.target.as_str().to_owned(),
            legal_entity_id: facts.legal_entity_id.map(|id| id.as_uuid()),
            document_number: facts.document_number.clone(),
            issue_date: facts.issue_date,
            sender: facts.sender.as_ref().map(ToString::to_string),
            receiver: facts.receiver.as_ref().map(ToString::to_string),
            status: document.status().name().as_str().to_owned(),
            reason_code: reason.map(|reason| reason.code().to_owned()),
            reason_message: reason.map(|reason| reason.message().to_owned()),
            version: to_i64(document.version(), "version")?,
            created_at: document.created_at,
            updated_at: document.updated_at,
        })
    }

    fn bind(self, query: Query<'_, Postgres, PgArguments>) -> Query<'_, Postgres, PgArguments> {
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
        let context = RowContext::new("documents", row.id);
        let participant = |column: &str, value: Option<&str>| {
            context.parse_opt(column, value, ParticipantId::parse)
        };
        let facts = RenditionFacts {
            process_id: ProcessId::from_uuid(row.process_id),
            tenant_id: TenantId::from_uuid(row.tenant_id),
            environment: context.environment("environment", &row.environment)?,
            flow: known(context, "direction", &row.direction, Flow::parse)?,
            kind: known(context, "kind", &row.kind, rendition::parse_kind)?,
            format: known(context, "format", &row.format, Format::parse)?,
            target: known(context, "target", &row.target, Target::parse)?,
            legal_entity_id: row.legal_entity_id.map(LegalEntityId::from_uuid),
            document_number: row.document_number,
            issue_date: row.issue_date,
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
            DocumentId::from_uuid(row.id),
            facts,
            status,
            context.unsigned("version", row.version)?,
            row.created_at,
            row.updated_at,
        ))
    }
}

/// A stored name parsed by `parse`, or the error naming the column.
fn known<T>(
    context: RowContext,
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
    builder: &mut QueryBuilder<'_, Postgres>,
    tenant: TenantId,
    environment: Environment,
    filter: &DocumentFilter,
) {
    builder
        .push(" WHERE tenant_id = ")
        .push_bind(tenant.as_uuid())
        .push(" AND environment = ")
        .push_bind(environment.as_str());
    if let Some(process_id) = filter.process_id {
        builder
            .push(" AND process_id = ")
            .push_bind(process_id.as_uuid());
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
            .push_bind(entity.as_uuid());
    }
    if let Some(from) = filter.created_from {
        builder.push(" AND created_at >= ").push_bind(from);
    }
    if let Some(to) = filter.created_to {
        builder.push(" AND created_at < ").push_bind(to);
    }
}

#[async_trait]
impl DocumentStore for PgStore {
    #[tracing::instrument(skip_all, fields(documents = documents.len()))]
    async fn insert_documents(
        &self,
        documents: &[NewRendition],
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError> {
        let rows = documents
            .iter()
            .map(|new| DocumentRow::of(&new.rendition))
            .collect::<Result<Vec<_>, _>>()?;
        let mut transaction = self.write().await?;
        let result = async {
            for (row, new) in rows.into_iter().zip(documents) {
                row.bind(sqlx::query(&INSERT))
                    .bind(new.content.as_slice())
                    .execute(&mut *transaction)
                    .await
                    .map_err(store_error)?;
            }
            // Jobs before events: appending events takes the events lock until commit.
            enqueue_jobs(&mut transaction, jobs).await?;
            append_events(&mut transaction, events).await
        }
        .await;
        finish(transaction, result).await
    }

    #[tracing::instrument(skip_all, fields(document.id = %id, tenant.id = %tenant))]
    async fn document(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: DocumentId,
    ) -> Result<Option<Rendition>, StoreError> {
        let row: Option<DocumentRow> = sqlx::query_as(&format!(
            "{} WHERE id = $1 AND tenant_id = $2 AND environment = $3",
            *SELECT
        ))
        .bind(id.as_uuid())
        .bind(tenant.as_uuid())
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
            "SELECT content FROM documents WHERE id = $1 AND tenant_id = $2 AND environment = $3",
        )
        .bind(id.as_uuid())
        .bind(tenant.as_uuid())
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
        push_filter(&mut count, tenant, environment, &query.filter);
        // The page's ids are picked first, from an index alone where the filter's
        // columns are in it (migrations/0006), and only those rows are read: a deep
        // OFFSET then skips index entries, not rows.
        let mut page = QueryBuilder::new(SELECT.as_str());
        page.push(" WHERE tenant_id = ")
            .push_bind(tenant.as_uuid())
            .push(" AND environment = ")
            .push_bind(environment.as_str())
            .push(" AND id IN (SELECT id FROM documents");
        push_filter(&mut page, tenant, environment, &query.filter);
        push_order_by(&mut page, &query.sort, DocumentSort::CreatedAt, sort_column);
        push_page(&mut page, query.page);
        page.push(")");
        push_order_by(&mut page, &query.sort, DocumentSort::CreatedAt, sort_column);

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
        let expected_version = to_i64(expected_version, "version")?;
        let mut transaction = self.write().await?;
        let result = async {
            let updated = sqlx::query(
                "UPDATE documents SET status = $1, reason_code = $2, reason_message = $3, \
                 version = $4, updated_at = $5 \
                 WHERE id = $6 AND tenant_id = $7 AND environment = $8 AND version = $9",
            )
            .bind(row.status)
            .bind(row.reason_code)
            .bind(row.reason_message)
            .bind(row.version)
            .bind(row.updated_at)
            .bind(row.id)
            .bind(row.tenant_id)
            .bind(row.environment.as_str())
            .bind(expected_version)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
            if updated.rows_affected() == 0 {
                let exists: bool = sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM documents \
                     WHERE id = $1 AND tenant_id = $2 AND environment = $3)",
                )
                .bind(row.id)
                .bind(row.tenant_id)
                .bind(row.environment.as_str())
                .fetch_one(&mut *transaction)
                .await
                .map_err(store_error)?;
                return Err(if exists {
                    StoreError::Conflict
                } else {
                    StoreError::NotFound
                });
            }
            // Jobs before events: appending events takes the events lock until commit.
            enqueue_jobs(&mut transaction, jobs).await?;
            append_events(&mut transaction, events).await
        }
        .await;
        finish(transaction, result).await
    }
}
