//! The event log: appended to inside the other ports' transactions, read by `EventLog`.

use async_trait::async_trait;
use einvoice_domain::environment::Environment;
use einvoice_domain::event::{EventRecord, StoredEvent, Subject};
use einvoice_domain::ids::{ApiKeyId, DocumentId, EventId, LegalEntityId, TenantId};
use einvoice_domain::ports::{EventLog, EventQuery, StoreError};
use sqlx::SqliteConnection;

use crate::SqliteStore;
use crate::convert::{RowContext, micros};
use crate::error::store_error;

/// One row of `events`.
#[derive(Debug, sqlx::FromRow)]
struct EventRow {
    sequence: i64,
    id: String,
    event_type: String,
    occurred_at: i64,
    partner_id: String,
    tenant_id: String,
    environment: Option<String>,
    subject_type: String,
    subject_id: String,
    data: String,
}

impl TryFrom<EventRow> for StoredEvent {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        let context = RowContext::new("events", &row.id);
        let subject_id = row.subject_id.as_str();
        let subject = match row.subject_type.as_str() {
            "tenants" => {
                Subject::Tenant(context.parse("subject_id", subject_id, TenantId::parse)?)
            }
            "legal-entities" => Subject::LegalEntity(context.parse(
                "subject_id",
                subject_id,
                LegalEntityId::parse,
            )?),
            "api-keys" => {
                Subject::ApiKey(context.parse("subject_id", subject_id, ApiKeyId::parse)?)
            }
            "documents" => {
                Subject::Document(context.parse("subject_id", subject_id, DocumentId::parse)?)
            }
            other => {
                return Err(
                    context.invalid("subject_type", format!("unknown subject type `{other}`"))
                );
            }
        };
        let record = EventRecord {
            id: context.parse("id", &row.id, EventId::parse)?,
            event_type: row.event_type,
            occurred_at: context.timestamp("occurred_at", row.occurred_at)?,
            partner_id: context.parse("partner_id", &row.partner_id, TenantId::parse)?,
            tenant_id: context.parse("tenant_id", &row.tenant_id, TenantId::parse)?,
            environment: row
                .environment
                .as_deref()
                .map(|environment| context.environment("environment", environment))
                .transpose()?,
            subject,
            data: context.parse("data", &row.data, |text| {
                serde_json::from_str::<serde_json::Value>(text)
            })?,
        };
        Ok(Self {
            sequence: context.unsigned("sequence", row.sequence)?,
            record,
        })
    }
}

/// Appends `events`, in order, on `connection` (inside the caller's transaction).
pub(crate) async fn append_events(
    connection: &mut SqliteConnection,
    events: &[EventRecord],
) -> Result<(), StoreError> {
    for event in events {
        let data = serde_json::to_string(&event.data).map_err(|error| {
            StoreError::Unexpected(format!("event data cannot be serialised: {error}"))
        })?;
        sqlx::query(
            "INSERT INTO events (id, event_type, occurred_at, partner_id, tenant_id, environment, \
             subject_type, subject_id, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(event.id.to_string())
        .bind(event.event_type.as_str())
        .bind(micros(event.occurred_at)?)
        .bind(event.partner_id.to_string())
        .bind(event.tenant_id.to_string())
        .bind(event.environment.map(Environment::as_str))
        .bind(event.subject.kind())
        .bind(event.subject.id())
        .bind(data)
        .execute(&mut *connection)
        .await
        .map_err(store_error)?;
    }
    Ok(())
}

#[async_trait]
impl EventLog for SqliteStore {
    #[tracing::instrument(skip_all, fields(partner.id = %query.partner_id, after = query.after))]
    async fn events(&self, query: EventQuery) -> Result<Vec<StoredEvent>, StoreError> {
        let after = i64::try_from(query.after).unwrap_or(i64::MAX);
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT sequence, id, event_type, occurred_at, partner_id, tenant_id, environment, \
             subject_type, subject_id, data FROM events \
             WHERE partner_id = ? AND sequence > ? \
             AND (? IS NULL OR tenant_id = ?) \
             AND (? IS NULL OR environment IS NULL OR environment = ?) \
             ORDER BY sequence LIMIT ?",
        )
        .bind(query.partner_id.to_string())
        .bind(after)
        .bind(query.tenant_id.map(|id| id.to_string()))
        .bind(query.tenant_id.map(|id| id.to_string()))
        .bind(query.environment.map(Environment::as_str))
        .bind(query.environment.map(Environment::as_str))
        .bind(i64::from(query.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(StoredEvent::try_from).collect()
    }
}
