//! The event log: appended to inside the other ports' transactions, read by `EventLog`.

use async_trait::async_trait;
use einvoice_domain::environment::Environment;
use einvoice_domain::event::{EventRecord, StoredEvent, Subject};
use einvoice_domain::ids::{ApiKeyId, DocumentId, EventId, LegalEntityId, TenantId};
use einvoice_domain::ports::{EventLog, EventQuery, StoreError};
use sqlx::{PgConnection, QueryBuilder};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::convert::RowContext;
use crate::error::store_error;

/// One row of `events`.
#[derive(Debug, sqlx::FromRow)]
struct EventRow {
    sequence: i64,
    id: Uuid,
    event_type: String,
    occurred_at: OffsetDateTime,
    partner_id: Uuid,
    tenant_id: Uuid,
    environment: Option<String>,
    subject_type: String,
    subject_id: Uuid,
    data: serde_json::Value,
}

impl TryFrom<EventRow> for StoredEvent {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        let context = RowContext::new("events", row.id);
        let subject = match row.subject_type.as_str() {
            "tenants" => Subject::Tenant(TenantId::from_uuid(row.subject_id)),
            "legal-entities" => Subject::LegalEntity(LegalEntityId::from_uuid(row.subject_id)),
            "api-keys" => Subject::ApiKey(ApiKeyId::from_uuid(row.subject_id)),
            "documents" => Subject::Document(DocumentId::from_uuid(row.subject_id)),
            other => {
                return Err(
                    context.invalid("subject_type", format!("unknown subject type `{other}`"))
                );
            }
        };
        let record = EventRecord {
            id: EventId::from_uuid(row.id),
            event_type: row.event_type,
            occurred_at: row.occurred_at,
            partner_id: TenantId::from_uuid(row.partner_id),
            tenant_id: TenantId::from_uuid(row.tenant_id),
            environment: row
                .environment
                .as_deref()
                .map(|environment| context.environment("environment", environment))
                .transpose()?,
            subject,
            data: row.data,
        };
        Ok(Self {
            sequence: context.unsigned("sequence", row.sequence)?,
            record,
        })
    }
}

/// The subject's id as a UUID (every subject is identified by one).
const fn subject_uuid(subject: Subject) -> Uuid {
    match subject {
        Subject::Tenant(id) => id.as_uuid(),
        Subject::LegalEntity(id) => id.as_uuid(),
        Subject::ApiKey(id) => id.as_uuid(),
        Subject::Document(id) => id.as_uuid(),
    }
}

/// Events per INSERT statement (9 bound parameters each, far below PostgreSQL's 65,535).
const APPEND_CHUNK: usize = 1_000;

/// Appends `events`, in order, on `connection` (inside the caller's transaction, as its
/// last statements).
///
/// Takes `events` in EXCLUSIVE mode first (readers go on; other appenders wait for this
/// transaction to end), so that sequence numbers are handed out in commit order: without
/// it, a transaction could take number 5, commit after another's 6, and a reader that
/// had already resumed after 6 would never see 5. Callers append after every other
/// write, so the lock is held only for the inserts and the commit, and an appender never
/// waits for anything else while holding it.
pub(crate) async fn append_events(
    connection: &mut PgConnection,
    events: &[EventRecord],
) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    sqlx::query("LOCK TABLE events IN EXCLUSIVE MODE")
        .execute(&mut *connection)
        .await
        .map_err(store_error)?;
    // One multi-row INSERT per chunk: the lock is held for as few round trips as
    // possible. VALUES rows are inserted in order, so sequence numbers follow `events`.
    for chunk in events.chunks(APPEND_CHUNK) {
        let mut insert = QueryBuilder::new(
            "INSERT INTO events (id, event_type, occurred_at, partner_id, tenant_id, environment, \
             subject_type, subject_id, data) ",
        );
        insert.push_values(chunk, |mut row, event| {
            row.push_bind(event.id.as_uuid())
                .push_bind(event.event_type.as_str())
                .push_bind(event.occurred_at)
                .push_bind(event.partner_id.as_uuid())
                .push_bind(event.tenant_id.as_uuid())
                .push_bind(event.environment.map(Environment::as_str))
                .push_bind(event.subject.kind())
                .push_bind(subject_uuid(event.subject))
                .push_bind(&event.data);
        });
        insert
            .build()
            .execute(&mut *connection)
            .await
            .map_err(store_error)?;
    }
    Ok(())
}

#[async_trait]
impl EventLog for PgStore {
    #[tracing::instrument(skip_all, fields(partner.id = %query.partner_id, after = query.after))]
    async fn events(&self, query: EventQuery) -> Result<Vec<StoredEvent>, StoreError> {
        let after = i64::try_from(query.after).unwrap_or(i64::MAX);
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT sequence, id, event_type, occurred_at, partner_id, tenant_id, environment, \
             subject_type, subject_id, data FROM events \
             WHERE partner_id = $1 AND sequence > $2 \
             AND ($4::uuid IS NULL OR tenant_id = $4) \
             AND ($5::text IS NULL OR environment IS NULL OR environment = $5) \
             ORDER BY sequence LIMIT $3",
        )
        .bind(query.partner_id.as_uuid())
        .bind(after)
        .bind(i64::from(query.limit))
        .bind(query.tenant_id.map(|id| id.as_uuid()))
        .bind(query.environment.map(Environment::as_str))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.into_iter().map(StoredEvent::try_from).collect()
    }
}
