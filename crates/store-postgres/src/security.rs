//! Request security: seen signatures, idempotency keys, refresh tokens.
//!
//! The atomic steps are single statements: `INSERT ... ON CONFLICT` (which waits for a
//! concurrent insert of the same key to commit, then sees it) for first sightings and
//! reservations, `UPDATE ... WHERE used_at IS NULL RETURNING` for refresh tokens, so of
//! concurrent callers in any number of processes exactly one wins.

use async_trait::async_trait;
use einvoice_domain::ids::{ApiKeyId, TenantId};
use einvoice_domain::ports::{
    IdempotencyScope, IdempotencyStore, RefreshToken, RefreshTokenStore, RefreshUse, Reservation,
    SeenSignatureStore, StoreError, StoredResponse, TokenHash,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::convert::RowContext;
use crate::error::store_error;
use crate::{PgStore, finish};

#[async_trait]
impl SeenSignatureStore for PgStore {
    #[tracing::instrument(skip_all, fields(api_key.id = %key))]
    async fn remember_signature(
        &self,
        key: ApiKeyId,
        mac: &[u8; 32],
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO seen_signatures (api_key_id, mac, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (api_key_id, mac) DO UPDATE SET expires_at = EXCLUDED.expires_at \
             WHERE seen_signatures.expires_at <= $4",
        )
        .bind(key.as_uuid())
        .bind(mac.as_slice())
        .bind(expires_at)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(inserted.rows_affected() == 1)
    }

    #[tracing::instrument(skip_all)]
    async fn purge_signatures(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let deleted = sqlx::query("DELETE FROM seen_signatures WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(deleted.rows_affected())
    }
}

/// One row of `idempotency_keys`, as read back.
#[derive(Debug, sqlx::FromRow)]
struct IdempotencyRow {
    request_hash: Vec<u8>,
    status: Option<i32>,
    headers: Option<serde_json::Value>,
    body: Option<Vec<u8>>,
}

#[async_trait]
impl IdempotencyStore for PgStore {
    #[tracing::instrument(skip_all, fields(tenant.id = %scope.tenant))]
    async fn reserve_idempotency_key(
        &self,
        scope: &IdempotencyScope,
        request_hash: &[u8; 32],
        now: OffsetDateTime,
        lock_expires_at: OffsetDateTime,
    ) -> Result<Reservation, StoreError> {
        let tenant = scope.tenant.as_uuid();
        let environment = scope.environment.as_str();
        let key = scope.key.as_str();
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys \
             (tenant_id, environment, idempotency_key, request_hash, expires_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (tenant_id, environment, idempotency_key) DO UPDATE SET \
             request_hash = EXCLUDED.request_hash, status = NULL, headers = NULL, body = NULL, \
             expires_at = EXCLUDED.expires_at \
             WHERE idempotency_keys.expires_at <= $6",
        )
        .bind(tenant)
        .bind(environment)
        .bind(key)
        .bind(request_hash.as_slice())
        .bind(lock_expires_at)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        if inserted.rows_affected() == 1 {
            return Ok(Reservation::Reserved);
        }
        let row: Option<IdempotencyRow> = sqlx::query_as(
            "SELECT request_hash, status, headers, body FROM idempotency_keys \
             WHERE tenant_id = $1 AND environment = $2 AND idempotency_key = $3",
        )
        .bind(tenant)
        .bind(environment)
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?;
        // Released between the two statements: the caller may simply retry.
        let Some(row) = row else {
            return Ok(Reservation::InFlight);
        };
        if row.request_hash.as_slice() != request_hash.as_slice() {
            return Ok(Reservation::Mismatch);
        }
        match (row.status, row.headers, row.body) {
            (Some(status), Some(headers), Some(body)) => {
                let context = RowContext::new("idempotency_keys", tenant);
                let status =
                    u16::try_from(status).map_err(|error| context.invalid("status", error))?;
                let headers: Vec<(String, String)> = serde_json::from_value(headers)
                    .map_err(|error| context.invalid("headers", error))?;
                Ok(Reservation::Completed(StoredResponse {
                    status,
                    headers,
                    body,
                }))
            }
            _ => Ok(Reservation::InFlight),
        }
    }

    #[tracing::instrument(skip_all, fields(tenant.id = %scope.tenant))]
    async fn complete_idempotency_key(
        &self,
        scope: &IdempotencyScope,
        response: &StoredResponse,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let headers = serde_json::to_value(&response.headers)
            .map_err(|error| StoreError::Unexpected(error.to_string()))?;
        let updated = sqlx::query(
            "UPDATE idempotency_keys SET status = $1, headers = $2, body = $3, expires_at = $4 \
             WHERE tenant_id = $5 AND environment = $6 AND idempotency_key = $7",
        )
        .bind(i32::from(response.status))
        .bind(headers)
        .bind(response.body.as_slice())
        .bind(expires_at)
        .bind(scope.tenant.as_uuid())
        .bind(scope.environment.as_str())
        .bind(scope.key.as_str())
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(tenant.id = %scope.tenant))]
    async fn release_idempotency_key(&self, scope: &IdempotencyScope) -> Result<(), StoreError> {
        sqlx::query(
            "DELETE FROM idempotency_keys \
             WHERE tenant_id = $1 AND environment = $2 AND idempotency_key = $3 AND status IS NULL",
        )
        .bind(scope.tenant.as_uuid())
        .bind(scope.environment.as_str())
        .bind(scope.key.as_str())
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn purge_idempotency_keys(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let deleted = sqlx::query("DELETE FROM idempotency_keys WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(deleted.rows_affected())
    }
}

/// One row of `refresh_tokens`.
#[derive(Debug, sqlx::FromRow)]
struct RefreshRow {
    hash: Vec<u8>,
    family: Uuid,
    api_key_id: Uuid,
    tenant_id: Uuid,
    issued_at: OffsetDateTime,
    expires_at: OffsetDateTime,
}

impl TryFrom<RefreshRow> for RefreshToken {
    type Error = StoreError;

    fn try_from(row: RefreshRow) -> Result<Self, StoreError> {
        let context = RowContext::new("refresh_tokens", row.family);
        let hash: [u8; 32] = row
            .hash
            .as_slice()
            .try_into()
            .map_err(|_| context.invalid("hash", "not 32 bytes"))?;
        Ok(Self {
            hash: TokenHash::from_bytes(hash),
            family: row.family,
            api_key_id: ApiKeyId::from_uuid(row.api_key_id),
            tenant_id: TenantId::from_uuid(row.tenant_id),
            issued_at: row.issued_at,
            expires_at: row.expires_at,
        })
    }
}

#[async_trait]
impl RefreshTokenStore for PgStore {
    #[tracing::instrument(skip_all, fields(api_key.id = %token.api_key_id))]
    async fn insert_refresh_token(&self, token: &RefreshToken) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO refresh_tokens (hash, family, api_key_id, tenant_id, issued_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token.hash.as_bytes().as_slice())
        .bind(token.family)
        .bind(token.api_key_id.as_uuid())
        .bind(token.tenant_id.as_uuid())
        .bind(token.issued_at)
        .bind(token.expires_at)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn use_refresh_token(
        &self,
        hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<RefreshUse, StoreError> {
        let mut transaction = self.write().await?;
        let result = use_in(&mut transaction, hash, now).await;
        finish(transaction, result).await
    }

    #[tracing::instrument(skip_all)]
    async fn purge_refresh_tokens(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let deleted = sqlx::query("DELETE FROM refresh_tokens WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(deleted.rows_affected())
    }
}

async fn use_in(
    connection: &mut sqlx::PgConnection,
    hash: &TokenHash,
    now: OffsetDateTime,
) -> Result<RefreshUse, StoreError> {
    let used: Option<RefreshRow> = sqlx::query_as(
        "UPDATE refresh_tokens SET used_at = $1 \
         WHERE hash = $2 AND used_at IS NULL AND expires_at > $1 \
         RETURNING hash, family, api_key_id, tenant_id, issued_at, expires_at",
    )
    .bind(now)
    .bind(hash.as_bytes().as_slice())
    .fetch_optional(&mut *connection)
    .await
    .map_err(store_error)?;
    if let Some(row) = used {
        return RefreshToken::try_from(row).map(RefreshUse::Valid);
    }
    let reused: Option<Uuid> = sqlx::query_scalar(
        "SELECT family FROM refresh_tokens WHERE hash = $1 AND used_at IS NOT NULL",
    )
    .bind(hash.as_bytes().as_slice())
    .fetch_optional(&mut *connection)
    .await
    .map_err(store_error)?;
    let Some(family) = reused else {
        return Ok(RefreshUse::Unknown);
    };
    sqlx::query("DELETE FROM refresh_tokens WHERE family = $1")
        .bind(family)
        .execute(&mut *connection)
        .await
        .map_err(store_error)?;
    Ok(RefreshUse::Reused)
}
