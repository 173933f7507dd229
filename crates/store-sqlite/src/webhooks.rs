//! Webhook endpoints.

use std::sync::LazyLock;

use async_trait::async_trait;
use einvoice_domain::environment::Environment;
use einvoice_domain::ids::{LegalEntityId, TenantId, WebhookId};
use einvoice_domain::ports::{Page, StoreError, WebhookQuery, WebhookSort, WebhookStore};
use einvoice_domain::webhook::{
    Description, EventSelector, WebhookEndpoint, WebhookScope, WebhookUrl,
};
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{QueryBuilder, Sqlite};

use crate::convert::{RowContext, micros, to_i64, version_miss};
use crate::error::store_error;
use crate::list::{push_order_by, push_page};
use crate::{SqliteStore, commit};

/// The columns of `webhook_endpoints`, in [`WebhookRow`] and bind order.
const COLUMNS: &str = "id, tenant_id, environment, url, events, scope, legal_entity_id, \
     description, enabled, sealed_secret, version, created_at, updated_at";

static INSERT: LazyLock<String> = LazyLock::new(|| {
    let placeholders = vec!["?"; COLUMNS.split(',').count()].join(", ");
    format!("INSERT INTO webhook_endpoints ({COLUMNS}) VALUES ({placeholders})")
});

/// Sets every column but the identity and scope (`?1` id, `?2` tenant, `?3`
/// environment); matches only the expected version (the last parameter).
static UPDATE: LazyLock<String> = LazyLock::new(|| {
    let columns: Vec<&str> = COLUMNS.split(',').map(str::trim).collect();
    let assignments: Vec<String> = columns
        .iter()
        .enumerate()
        .skip(3)
        .map(|(index, column)| format!("{column} = ?{}", index + 1))
        .collect();
    format!(
        "UPDATE webhook_endpoints SET {} \
         WHERE id = ?1 AND tenant_id = ?2 AND environment = ?3 AND version = ?{}",
        assignments.join(", "),
        columns.len() + 1
    )
});

static SELECT: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {COLUMNS} FROM webhook_endpoints"));

/// One row of `webhook_endpoints`.
#[derive(Debug, sqlx::FromRow)]
struct WebhookRow {
    id: String,
    tenant_id: String,
    environment: String,
    url: String,
    events: String,
    scope: String,
    legal_entity_id: Option<String>,
    description: Option<String>,
    enabled: bool,
    sealed_secret: Vec<u8>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

impl WebhookRow {
    fn of(endpoint: &WebhookEndpoint) -> Result<Self, StoreError> {
        let events = serde_json::to_string(endpoint.events.patterns()).map_err(|error| {
            StoreError::Unexpected(format!("event patterns cannot be serialised: {error}"))
        })?;
        Ok(Self {
            id: endpoint.id.to_string(),
            tenant_id: endpoint.tenant_id.to_string(),
            environment: endpoint.environment.as_str().to_owned(),
            url: endpoint.url.as_str().to_owned(),
            events,
            scope: endpoint.scope.as_str().to_owned(),
            legal_entity_id: match endpoint.scope {
                WebhookScope::LegalEntity(id) => Some(id.to_string()),
                WebhookScope::Partner | WebhookScope::Tenant => None,
            },
            description: endpoint
                .description
                .as_ref()
                .map(|description| description.as_str().to_owned()),
            enabled: endpoint.enabled,
            sealed_secret: endpoint.sealed_secret.clone(),
            version: to_i64(endpoint.version, "version")?,
            created_at: micros(endpoint.created_at)?,
            updated_at: micros(endpoint.updated_at)?,
        })
    }

    fn bind<'q>(
        self,
        query: Query<'q, Sqlite, SqliteArguments<'q>>,
    ) -> Query<'q, Sqlite, SqliteArguments<'q>> {
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
        let context = RowContext::new("webhook_endpoints", &row.id);
        let patterns: Vec<String> =
            serde_json::from_str(&row.events).map_err(|error| context.invalid("events", error))?;
        let scope = match (row.scope.as_str(), row.legal_entity_id.as_deref()) {
            ("partner", None) => WebhookScope::Partner,
            ("tenant", None) => WebhookScope::Tenant,
            ("legal-entity", Some(id)) => WebhookScope::LegalEntity(context.parse(
                "legal_entity_id",
                id,
                LegalEntityId::parse,
            )?),
            (other, _) => return Err(context.invalid("scope", format!("`{other}`"))),
        };
        Ok(Self {
            id: context.parse("id", &row.id, WebhookId::parse)?,
            tenant_id: context.parse("tenant_id", &row.tenant_id, TenantId::parse)?,
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
            created_at: context.timestamp("created_at", row.created_at)?,
            updated_at: context.timestamp("updated_at", row.updated_at)?,
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
impl WebhookStore for SqliteStore {
    #[tracing::instrument(skip_all, fields(webhook.id = %endpoint.id, tenant.id = %endpoint.tenant_id))]
    async fn insert_webhook(&self, endpoint: &WebhookEndpoint) -> Result<(), StoreError> {
        let row = WebhookRow::of(endpoint)?;
        let mut transaction = self.write().await?;
        row.bind(sqlx::query(&INSERT))
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
        commit(transaction).await
    }

    #[tracing::instrument(skip_all, fields(webhook.id = %id, tenant.id = %tenant))]
    async fn webhook(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: WebhookId,
    ) -> Result<Option<WebhookEndpoint>, StoreError> {
        let row: Option<WebhookRow> = sqlx::query_as(&format!(
            "{} WHERE id = ? AND tenant_id = ? AND environment = ?",
            *SELECT
        ))
        .bind(id.to_string())
        .bind(tenant.to_string())
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
        let scope = |builder: &mut QueryBuilder<'_, Sqlite>| {
            builder
                .push(" WHERE tenant_id = ")
                .push_bind(tenant.to_string())
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
        let id = row.id.clone();
        let mut transaction = self.write().await?;
        let updated = row
            .bind(sqlx::query(&UPDATE))
            .bind(to_i64(expected_version, "version")?)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
        if updated.rows_affected() == 0 {
            return Err(version_miss(&mut transaction, "webhook_endpoints", &id).await);
        }
        commit(transaction).await
    }

    #[tracing::instrument(skip_all, fields(webhook.id = %id, tenant.id = %tenant))]
    async fn delete_webhook(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: WebhookId,
    ) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        let deleted = sqlx::query(
            "DELETE FROM webhook_endpoints WHERE id = ? AND tenant_id = ? AND environment = ?",
        )
        .bind(id.to_string())
        .bind(tenant.to_string())
        .bind(environment.as_str())
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        commit(transaction).await
    }
}
