//! Request security: seen signatures, idempotency keys, refresh tokens.
//!
//! The atomic steps are single statements or `BEGIN IMMEDIATE` transactions, so of
//! concurrent callers (in this process or another on the same file) exactly one wins:
//! `INSERT ... ON CONFLICT DO NOTHING` for first sightings and reservations, `UPDATE ...
//! WHERE used_at IS NULL RETURNING` for refresh tokens.

use async_trait::async_trait;
use einvoice_domain::ids::{ApiKeyId, TenantId};
use einvoice_domain::ports::{
    IdempotencyScope, IdempotencyStore, RefreshToken, RefreshTokenStore, RefreshUse, Reservation,
    SeenSignatureStore, StoreError, StoredResponse, TokenHash,
};
use time::OffsetDateTime;

use crate::convert::{RowContext, micros};
use crate::error::store_error;
use crate::{SqliteStore, commit};

#[async_trait]
impl SeenSignatureStore for SqliteStore {
    #[tracing::instrument(skip_all, fields(api_key.id = %key))]
    async fn remember_signature(
        &self,
        key: ApiKeyId,
        mac: &[u8; 32],
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        // One statement: insert, or take over a record that has expired.
        let inserted = sqlx::query(
            "INSERT INTO seen_signatures (api_key_id, mac, expires_at) VALUES (?, ?, ?) \
             ON CONFLICT (api_key_id, mac) DO UPDATE SET expires_at = excluded.expires_at \
             WHERE seen_signatures.expires_at <= ?",
        )
        .bind(key.to_string())
        .bind(mac.as_slice())
        .bind(micros(expires_at)?)
        .bind(micros(now)?)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(inserted.rows_affected() == 1)
    }

    #[tracing::instrument(skip_all)]
    async fn purge_signatures(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let deleted = sqlx::query("DELETE FROM seen_signatures WHERE expires_at <= ?")
            .bind(micros(now)?)
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
    status: Option<i64>,
    headers: Option<String>,
    body: Option<Vec<u8>>,
}

fn stored_response(
    status: i64,
    headers: &str,
    body: Vec<u8>,
    key: &str,
) -> Result<StoredResponse, StoreError> {
    let context = RowContext::new("idempotency_keys", key);
    let status = u16::try_from(status).map_err(|error| context.invalid("status", error))?;
    let headers: Vec<(String, String)> =
        serde_json::from_str(headers).map_err(|error| context.invalid("headers", error))?;
    Ok(StoredResponse {
        status,
        headers,
        body,
    })
}

#[async_trait]
impl IdempotencyStore for SqliteStore {
    #[tracing::instrument(skip_all, fields(tenant.id = %scope.tenant))]
    async fn reserve_idempotency_key(
        &self,
        scope: &IdempotencyScope,
        request_hash: &[u8; 32],
        now: OffsetDateTime,
        lock_expires_at: OffsetDateTime,
    ) -> Result<Reservation, StoreError> {
        let mut transaction = self.write().await?;
        let tenant = scope.tenant.to_string();
        let environment = scope.environment.as_str();
        let key = scope.key.as_str();
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys \
             (tenant_id, environment, idempotency_key, request_hash, expires_at) \
             VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (tenant_id, environment, idempotency_key) DO UPDATE SET \
             request_hash = excluded.request_hash, status = NULL, headers = NULL, body = NULL, \
             expires_at = excluded.expires_at \
             WHERE idempotency_keys.expires_at <= ?6",
        )
        .bind(&tenant)
        .bind(environment)
        .bind(key)
        .bind(request_hash.as_slice())
        .bind(micros(lock_expires_at)?)
        .bind(micros(now)?)
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?;
        if inserted.rows_affected() == 1 {
            commit(transaction).await?;
            return Ok(Reservation::Reserved);
        }
        let row: IdempotencyRow = sqlx::query_as(
            "SELECT request_hash, status, headers, body FROM idempotency_keys \
             WHERE tenant_id = ? AND environment = ? AND idempotency_key = ?",
        )
        .bind(&tenant)
        .bind(environment)
        .bind(key)
        .fetch_one(&mut *transaction)
        .await
        .map_err(store_error)?;
        commit(transaction).await?;
        if row.request_hash.as_slice() != request_hash.as_slice() {
            return Ok(Reservation::Mismatch);
        }
        match (row.status, row.headers, row.body) {
            (Some(status), Some(headers), Some(body)) => Ok(Reservation::Completed(
                stored_response(status, &headers, body, key)?,
            )),
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
        let headers = serde_json::to_string(&response.headers)
            .map_err(|error| StoreError::Unexpected(error.to_string()))?;
        let updated = sqlx::query(
            "UPDATE idempotency_keys SET status = ?, headers = ?, body = ?, expires_at = ? \
             WHERE tenant_id = ? AND environment = ? AND idempotency_key = ?",
        )
        .bind(i64::from(response.status))
        .bind(headers)
        .bind(response.body.as_slice())
        .bind(micros(expires_at)?)
        .bind(scope.tenant.to_string())
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
             WHERE tenant_id = ? AND environment = ? AND idempotency_key = ? AND status IS NULL",
        )
        .bind(scope.tenant.to_string())
        .bind(scope.environment.as_str())
        .bind(scope.key.as_str())
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn purge_idempotency_keys(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let deleted = sqlx::query("DELETE FROM idempotency_keys WHERE expires_at <= ?")
            .bind(micros(now)?)
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
    family: String,
    api_key_id: String,
    tenant_id: String,
    issued_at: i64,
    expires_at: i64,
}

impl TryFrom<RefreshRow> for RefreshToken {
    type Error = StoreError;

    fn try_from(row: RefreshRow) -> Result<Self, StoreError> {
        let context = RowContext::new("refresh_tokens", &row.family);
        let hash: [u8; 32] = row
            .hash
            .as_slice()
            .try_into()
            .map_err(|_| context.invalid("hash", "not 32 bytes"))?;
        Ok(Self {
            hash: TokenHash::from_bytes(hash),
            family: context.parse("family", &row.family, uuid::Uuid::parse_str)?,
            api_key_id: context.parse("api_key_id", &row.api_key_id, ApiKeyId::parse)?,
            tenant_id: context.parse("tenant_id", &row.tenant_id, TenantId::parse)?,
            issued_at: context.timestamp("issued_at", row.issued_at)?,
            expires_at: context.timestamp("expires_at", row.expires_at)?,
        })
    }
}

#[async_trait]
impl RefreshTokenStore for SqliteStore {
    #[tracing::instrument(skip_all, fields(api_key.id = %token.api_key_id))]
    async fn insert_refresh_token(&self, token: &RefreshToken) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO refresh_tokens (hash, family, api_key_id, tenant_id, issued_at, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(token.hash.as_bytes().as_slice())
        .bind(token.family.to_string())
        .bind(token.api_key_id.to_string())
        .bind(token.tenant_id.to_string())
        .bind(micros(token.issued_at)?)
        .bind(micros(token.expires_at)?)
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
        let used: Option<RefreshRow> = sqlx::query_as(
            "UPDATE refresh_tokens SET used_at = ?1 \
             WHERE hash = ?2 AND used_at IS NULL AND expires_at > ?1 \
             RETURNING hash, family, api_key_id, tenant_id, issued_at, expires_at",
        )
        .bind(micros(now)?)
        .bind(hash.as_bytes().as_slice())
        .fetch_optional(&mut *transaction)
        .await
        .map_err(store_error)?;
        if let Some(row) = used {
            commit(transaction).await?;
            return RefreshToken::try_from(row).map(RefreshUse::Valid);
        }
        let reused: Option<String> = sqlx::query_scalar(
            "SELECT family FROM refresh_tokens WHERE hash = ? AND used_at IS NOT NULL",
        )
        .bind(hash.as_bytes().as_slice())
        .fetch_optional(&mut *transaction)
        .await
        .map_err(store_error)?;
        let outcome = if let Some(family) = reused {
            sqlx::query("DELETE FROM refresh_tokens WHERE family = ?")
                .bind(family)
                .execute(&mut *transaction)
                .await
                .map_err(store_error)?;
            RefreshUse::Reused
        } else {
            RefreshUse::Unknown
        };
        commit(transaction).await?;
        Ok(outcome)
    }

    #[tracing::instrument(skip_all)]
    async fn purge_refresh_tokens(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let deleted = sqlx::query("DELETE FROM refresh_tokens WHERE expires_at <= ?")
            .bind(micros(now)?)
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(deleted.rows_affected())
    }
}
