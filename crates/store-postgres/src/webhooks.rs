//! Webhook endpoints.

use std::sync::LazyLock;

use async_trait::async_trait;
use einvoice_domain::environment::Environment;
use einvoice_domain::ids::{LegalEntityId, TenantId, WebhookId};
use einvoice_domain::ports::{Page, StoreError, WebhookQuery, WebhookSort, WebhookStore};
use einvoice_domain::webhook::{
    Description, EventSelector, WebhookEndpoint, WebhookScope, WebhookUrl,
};
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{Postgres, QueryBuilder};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::convert::{RowContext, to_i64};
use crate::error::store_error;
use crate::list::{push_order_by, push_page};

/// The columns of `webhook_endpoints`, in [`WebhookRow`] and bind order.
const COLUMNS: &str = "id, tenant_id, environment, url, events, scope, legal_entity_id, \
     description, enabled, sealed_secret, version, created_at, updated_at";

static INSERT: LazyLock<String> = LazyLock::new(|| {
    let placeholders: Vec<String> = (1..=COLUMNS.split(',').count())
        .map(|index| format!("${index}"))
        .collect();
    format!(
        "INSERT INTO webhook_endpoints ({COLUMNS}) VALUES ({})",
        placeholders.join(", ")
    )
});

/// Sets every column but the identity and scope (`$1` id, `$2` tenant, `$3`
/// environment); matches only the expected version (the last parameter).
static UPDATE: LazyLock<String> = LazyLock::new(|| {
    let columns: Vec<&str> = COLUMNS.split(',').map(str::trim).collect();
    let assignments: Vec<String> = columns
        .iter()
        .enumerate()
        .skip(3)
        .map(|(index, column)| format!("{column} = ${}", index + 1))
        .collect();
    format!(
        "UPDATE webhook_endpoints SET {} \
         WHERE id = $1 AND tenant_id = $2 AND environment = $3 AND version = ${}",
        assignments.join(", "),
        columns.len() + 1
    )
});

static SELECT: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {COLUMNS} FROM webhook_endpoints"));

/// One row of `webhook_endpoints`.
#[derive(Debug, sqlx::FromRow)]
struct WebhookRow {
    id: Uuid,
    tenant_id: Uuid,
    environment: String,
    url: String,
    events: serde_json::Value,
    scope: String,
    legal_entity_id: Option<Uuid>,
    description: Option<String>,
    enabled: bool,
    sealed_secret: Vec<u8>,
    version: i64,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl WebhookRow {
    fn of(endpoint: &WebhookEndpoint) -> Result<Self, StoreError> {
        let events = serde_json::to_value(endpoint.events.patterns()).map_err(|error| {
            StoreError::Unexpected(format!("event patterns cannot be serialised: {error}"))
        })?;
        Ok(Self {
            id: endpoint.id.as_uuid(),
            tenant_id: endpoint.tenant_id.as_uuid(),
            environment: endpoint.environment.as_str().to_owned(),
            url: endpoint.url.as_str().to_owned(),
            events,
            scope: endpoint.scope.as_str().to_owned(),
            legal_entity_id: match endpoint.scope {
                WebhookScope::LegalEntity(id) => Some(id.as_uuid()),
                WebhookScope::Partner | WebhookScope::Tenant => None,
            },
            description: endpoint
                .description
                .as_ref()
                .map(|description| description.as_str().to_owned()),
            enabled: endpoint.enabled,
            sealed_secret: endpoint.sealed_secret.clone(),
            version: to_i64(endpoint.version, "version")?,
            created_at: endpoint.created_at,
            updated_at: endpoint.updated_at,
        })
    }

    fn bind(self, query: Query<'_, Postgres, PgArguments>) -> Query<'_, Postgres, PgArguments> {
        query
            .bind(self.id)
            .bind(self.tenant_id)
            .bind(self.environment)
            .bind(self.url)
            .bind(self.events)
            .bind(self.scope)
            .bind(self.legal_entity_id)
            .bind(self.description)
            .bind(self.enabled)
            .bind(self.sealed_secret)
            .bind(self.version)
            .bind(self.created_at)
            .bind(self.updated_at)
    }
}

impl TryFrom<WebhookRow> for WebhookEndpoint {
    type Error = StoreError;

    fn try_from(row: WebhookRow) -> Result<Self, StoreError> {
        let context = RowContext::new("webhook_endpoints", row.id);
        let patterns: Vec<String> =
            serde_json::from_value(row.events).map_err(|error| context.invalid("events", error))?;
        let scope = match (row.scope.as_str(), row.legal_entity_id) {
            ("partner", None) => WebhookScope::Partner,
            ("tenant", None) => WebhookScope::Tenant,
            ("legal-entity", Some(id)) => WebhookScope::LegalEntity(LegalEntityId::from_uuid(id)),
            (other, _) => return Err(context.invalid("scope", format!("`{other}`"))),
        };
        Ok(Self {
            id: WebhookId::from_uuid(row.id),
            tenant_id: TenantId::from_uuid(row.tenant_id),
            environment: context.environment("environment", &row.environment)?,
            url: context.parse("url", &row.url, WebhookUrl::parse)?,
            events: EventSelector::parse(&patterns)
                .map_err(|error| context.invalid("events", error))?,
            scope,
            description: context.parse_opt(
                "description",
                row.description.as_deref(),
                Description::parse,
            )?,
            enabled: row.enabled,
            sealed_secret: row.sealed_secret,
            version: context.unsigned("version", row.version)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

const fn sort_column(field: WebhookSort) -> &'static str {
    match field {
        WebhookSort::CreatedAt => "created_at",
        WebhookSort::UpdatedAt => "updated_at",
    }
}

#[async_trait]
impl WebhookStore for PgStore {
    #[tracing::instrument(skip_all, fields(webhook.id = %endpoint.id, tenant.id = %endpoint.tenant_id))]
    async fn insert_webhook(&self, endpoint: &WebhookEndpoint) -> Result<(), StoreError> {
        let row = WebhookRow::of(endpoint)?;
        row.bind(sqlx::query(&INSERT))
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(webhook.id = %id, tenant.id = %tenant))]
    async fn webhook(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: WebhookId,
    ) -> Result<Option<WebhookEndpoint>, StoreError> {
        let row: Option<WebhookRow> = sqlx::query_as(&format!(
            "{} WHERE id = $1 AND tenant_id = $2 AND environment = $3",
            *SELECT
        ))
        .bind(id.as_uuid())
        .bind(tenant.as_uuid())
        .bind(environment.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        row.map(WebhookEndpoint::try_from).transpose()
    }

    #[tracing::instrument(skip_all, fields(tenant.id = %tenant))]
    async fn list_webhooks(
        &self,
        tenant: TenantId,
        environment: Environment,
        query: &WebhookQuery,
    ) -> Result<Page<WebhookEndpoint>, StoreError> {
        let scope = |builder: &mut QueryBuilder<'_, Postgres>| {
            builder
                .push(" WHERE tenant_id = ")
                .push_bind(tenant.as_uuid())
                .push(" AND environment = ")
                .push_bind(environment.as_str());
        };
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM webhook_endpoints");
        scope(&mut count);
        let mut page = QueryBuilder::new(SELECT.as_str());
        scope(&mut page);
        push_order_by(&mut page, &query.sort, WebhookSort::CreatedAt, sort_column);
        push_page(&mut page, query.page);

        self.read_page::<WebhookRow, WebhookEndpoint>(count, page)
            .await
    }

    #[tracing::instrument(skip_all, fields(webhook.id = %endpoint.id, expected_version = expected_version))]
    async fn update_webhook(
        &self,
        endpoint: &WebhookEndpoint,
        expected_version: u64,
    ) -> Result<(), StoreError> {
        let row = WebhookRow::of(endpoint)?;
        let id = row.id;
        let updated = row
            .bind(sqlx::query(&UPDATE))
            .bind(to_i64(expected_version, "version")?)
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        if updated.rows_affected() == 0 {
            let exists: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = $1)")
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(store_error)?;
            return Err(if exists {
                StoreError::Conflict
            } else {
                StoreError::NotFound
            });
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(webhook.id = %id, tenant.id = %tenant))]
    async fn delete_webhook(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: WebhookId,
    ) -> Result<(), StoreError> {
        let deleted = sqlx::query(
            "DELETE FROM webhook_endpoints WHERE id = $1 AND tenant_id = $2 AND environment = $3",
        )
        .bind(id.as_uuid())
        .bind(tenant.as_uuid())
        .bind(environment.as_str())
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
