//! API keys: stored as the token's hash and the sealed signing secret, never in clear.

use std::sync::LazyLock;

use async_trait::async_trait;
use einvoice_domain::api_key::{ApiKey, ApiKeyStatus, KeyHash};
use einvoice_domain::event::EventRecord;
use einvoice_domain::ids::{ApiKeyId, TenantId};
use einvoice_domain::ports::{ApiKeyQuery, ApiKeySort, ApiKeyStore, Page, StoreError};
use einvoice_domain::text::{Description, KeyName};
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::convert::RowContext;
use crate::error::store_error;
use crate::events::append_events;
use crate::list::{push_order_by, push_page, total};
use crate::{PgStore, finish};

/// The columns of `api_keys`, in [`ApiKeyRow`] and bind order.
const COLUMNS: &str = "id, tenant_id, environment, name, description, status, revoked_at, prefix, \
     hash, sealed_signing_secret, created_at, updated_at, last_used_at, expires_at, signing_required";

static INSERT: LazyLock<String> = LazyLock::new(|| {
    let placeholders: Vec<String> = (1..=COLUMNS.split(',').count())
        .map(|index| format!("${index}"))
        .collect();
    format!(
        "INSERT INTO api_keys ({COLUMNS}) VALUES ({})",
        placeholders.join(", ")
    )
});

/// Sets every column but `id` (`$1`) and `tenant_id` (`$2`, the scope), of the key with
/// that id in that tenant.
static UPDATE: LazyLock<String> = LazyLock::new(|| {
    let assignments: Vec<String> = COLUMNS
        .split(',')
        .map(str::trim)
        .enumerate()
        .skip(2)
        .map(|(index, column)| format!("{column} = ${}", index + 1))
        .collect();
    format!(
        "UPDATE api_keys SET {} WHERE id = $1 AND tenant_id = $2",
        assignments.join(", ")
    )
});

static SELECT: LazyLock<String> = LazyLock::new(|| format!("SELECT {COLUMNS} FROM api_keys"));

/// One row of `api_keys`.
#[derive(Debug, sqlx::FromRow)]
struct ApiKeyRow {
    id: Uuid,
    tenant_id: Uuid,
    environment: String,
    name: String,
    description: Option<String>,
    status: String,
    revoked_at: Option<OffsetDateTime>,
    prefix: String,
    hash: Vec<u8>,
    sealed_signing_secret: Vec<u8>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    last_used_at: Option<OffsetDateTime>,
    expires_at: Option<OffsetDateTime>,
    signing_required: bool,
}

impl ApiKeyRow {
    /// The row of `key`.
    fn of(key: &ApiKey) -> Self {
        let revoked_at = match key.status {
            ApiKeyStatus::Revoked { at } => Some(at),
            ApiKeyStatus::Enabled | ApiKeyStatus::Disabled => None,
        };
        Self {
            id: key.id.as_uuid(),
            tenant_id: key.tenant_id.as_uuid(),
            environment: key.environment.as_str().to_owned(),
            name: key.name.as_str().to_owned(),
            description: key
                .description
                .as_ref()
                .map(|description| description.as_str().to_owned()),
            status: key.status.as_str().to_owned(),
            revoked_at,
            prefix: key.prefix.clone(),
            hash: key.hash.as_bytes().to_vec(),
            sealed_signing_secret: key.sealed_signing_secret.clone(),
            created_at: key.created_at,
            updated_at: key.updated_at,
            last_used_at: key.last_used_at,
            expires_at: key.expires_at,
            signing_required: key.signing_required,
        }
    }

    /// Binds every column, in [`COLUMNS`] order.
    fn bind(self, query: Query<'_, Postgres, PgArguments>) -> Query<'_, Postgres, PgArguments> {
        query
            .bind(self.id)
            .bind(self.tenant_id)
            .bind(self.environment)
            .bind(self.name)
            .bind(self.description)
            .bind(self.status)
            .bind(self.revoked_at)
            .bind(self.prefix)
            .bind(self.hash)
            .bind(self.sealed_signing_secret)
            .bind(self.created_at)
            .bind(self.updated_at)
            .bind(self.last_used_at)
            .bind(self.expires_at)
            .bind(self.signing_required)
    }
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = StoreError;

    fn try_from(row: ApiKeyRow) -> Result<Self, StoreError> {
        let context = RowContext::new("api_keys", row.id);
        let status = match (row.status.as_str(), row.revoked_at) {
            ("enabled", None) => ApiKeyStatus::Enabled,
            ("disabled", None) => ApiKeyStatus::Disabled,
            ("revoked", Some(at)) => ApiKeyStatus::Revoked { at },
            (other, _) => {
                return Err(
                    context.invalid("status", format!("inconsistent stored status `{other}`"))
                );
            }
        };
        let hash: [u8; 32] = row.hash.as_slice().try_into().map_err(|_| {
            context.invalid("hash", format!("{} bytes instead of 32", row.hash.len()))
        })?;
        Ok(Self {
            id: ApiKeyId::from_uuid(row.id),
            tenant_id: TenantId::from_uuid(row.tenant_id),
            environment: context.environment("environment", &row.environment)?,
            name: context.parse("name", &row.name, KeyName::parse)?,
            description: context.parse_opt(
                "description",
                row.description.as_deref(),
                Description::parse,
            )?,
            status,
            prefix: row.prefix,
            hash: KeyHash::from_bytes(hash),
            sealed_signing_secret: row.sealed_signing_secret,
            created_at: row.created_at,
            updated_at: row.updated_at,
            last_used_at: row.last_used_at,
            expires_at: row.expires_at,
            signing_required: row.signing_required,
        })
    }
}

/// Inserts `key` on `connection` (inside the caller's transaction).
pub(crate) async fn insert_key(
    connection: &mut PgConnection,
    key: &ApiKey,
) -> Result<(), StoreError> {
    ApiKeyRow::of(key)
        .bind(sqlx::query(&INSERT))
        .execute(&mut *connection)
        .await
        .map_err(store_error)?;
    Ok(())
}

/// The SQL column of a sort key.
const fn sort_column(field: ApiKeySort) -> &'static str {
    match field {
        ApiKeySort::CreatedAt => "created_at",
        ApiKeySort::Name => "name",
    }
}

#[async_trait]
impl ApiKeyStore for PgStore {
    #[tracing::instrument(skip_all, fields(api_key.id = %key.id, tenant.id = %key.tenant_id))]
    async fn insert_api_key(&self, key: &ApiKey, events: &[EventRecord]) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        let result = async {
            insert_key(&mut transaction, key).await?;
            append_events(&mut transaction, events).await
        }
        .await;
        finish(transaction, result).await
    }

    #[tracing::instrument(skip_all)]
    async fn api_key_by_hash(&self, hash: &KeyHash) -> Result<Option<ApiKey>, StoreError> {
        // Authentication: the hash is the lookup key, before any tenant is known.
        let row: Option<ApiKeyRow> = sqlx::query_as(&format!("{} WHERE hash = $1", *SELECT))
            .bind(hash.as_bytes().as_slice())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        row.map(ApiKey::try_from).transpose()
    }

    #[tracing::instrument(skip_all, fields(api_key.id = %id, tenant.id = %tenant))]
    async fn api_key(&self, tenant: TenantId, id: ApiKeyId) -> Result<Option<ApiKey>, StoreError> {
        let row: Option<ApiKeyRow> =
            sqlx::query_as(&format!("{} WHERE id = $1 AND tenant_id = $2", *SELECT))
                .bind(id.as_uuid())
                .bind(tenant.as_uuid())
                .fetch_optional(&self.pool)
                .await
                .map_err(store_error)?;
        row.map(ApiKey::try_from).transpose()
    }

    #[tracing::instrument(skip_all, fields(tenant.id = %tenant))]
    async fn list_api_keys(
        &self,
        tenant: TenantId,
        query: &ApiKeyQuery,
    ) -> Result<Page<ApiKey>, StoreError> {
        let mut page = QueryBuilder::new(SELECT.as_str());
        page.push(" WHERE tenant_id = ").push_bind(tenant.as_uuid());
        push_order_by(&mut page, &query.sort, ApiKeySort::CreatedAt, sort_column);
        push_page(&mut page, query.page);

        let mut transaction = self.read().await?;
        let result = async {
            let total_count: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM api_keys WHERE tenant_id = $1")
                    .bind(tenant.as_uuid())
                    .fetch_one(&mut *transaction)
                    .await
                    .map_err(store_error)?;
            let rows: Vec<ApiKeyRow> = page
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
            .map(ApiKey::try_from)
            .collect::<Result<_, _>>()?;
        Ok(Page {
            items,
            total: total(total_count),
        })
    }

    #[tracing::instrument(skip_all, fields(tenant.id = %tenant))]
    async fn latest_api_key(&self, tenant: TenantId) -> Result<Option<ApiKey>, StoreError> {
        let row: Option<ApiKeyRow> = sqlx::query_as(&format!(
            "{} WHERE tenant_id = $1 AND status <> 'revoked' ORDER BY created_at DESC, id DESC LIMIT 1",
            *SELECT
        ))
        .bind(tenant.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        row.map(ApiKey::try_from).transpose()
    }

    #[tracing::instrument(skip_all, fields(api_key.id = %key.id, tenant.id = %key.tenant_id))]
    async fn update_api_key(&self, key: &ApiKey, events: &[EventRecord]) -> Result<(), StoreError> {
        let mut transaction = self.write().await?;
        let result = async {
            let updated = ApiKeyRow::of(key)
                .bind(sqlx::query(&UPDATE))
                .execute(&mut *transaction)
                .await
                .map_err(store_error)?;
            if updated.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            append_events(&mut transaction, events).await
        }
        .await;
        finish(transaction, result).await
    }

    #[tracing::instrument(skip_all, fields(api_key.id = %id))]
    async fn record_api_key_use(&self, id: ApiKeyId, at: OffsetDateTime) -> Result<(), StoreError> {
        // One statement: atomic on its own.
        sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id.as_uuid())
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(())
    }
}
