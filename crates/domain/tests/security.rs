//! The request security use cases over the in-memory store and a manual clock:
//! signature windows and replays, token lifetimes and rotation, idempotency retention.

use std::sync::Arc;

use einvoice_domain::api_key::{ApiKeyStatus, IssuedApiKey};
use einvoice_domain::clock::Clock as _;
use einvoice_domain::environment::Environment;
use einvoice_domain::idempotency::{IdempotencyKey, IdempotencyScope, RETENTION};
use einvoice_domain::ids::{ApiKeyId, TenantId};
use einvoice_domain::ports::{ApiKeyStore as _, Reservation, StoredResponse};
use einvoice_domain::service::{
    ApiKeyService, AuthError, IdempotencyService, NewPartner, PartnerService, SignatureService,
    TenantService, TokenLifetimes, TokenService,
};
use einvoice_domain::signature::{self, SignatureError, SignedRequest};
use einvoice_domain::tenant::BillingModels;
use einvoice_domain::testing::{InMemoryStore, ManualClock, fixtures};
use einvoice_domain::text::CompanyName;
use einvoice_domain::token::{AccessClaims, AccessTokenCodec, AccessTokenError};
use time::{Duration, OffsetDateTime};

/// Access tokens as readable text, for the service's logic (the JWT codec is the HTTP
/// adapter's and has its own tests).
struct PlainCodec;

impl AccessTokenCodec for PlainCodec {
    fn encode(&self, claims: &AccessClaims) -> Result<String, String> {
        Ok(format!(
            "plain.{}.{}.{}.{}",
            claims.api_key_id,
            claims.tenant_id,
            claims.environment,
            claims.expires_at.unix_timestamp()
        ))
    }

    fn decode(&self, token: &str, now: OffsetDateTime) -> Result<AccessClaims, AccessTokenError> {
        let parts: Vec<&str> = token.split('.').collect();
        let [_, key, tenant, environment, expires] = parts.as_slice() else {
            return Err(AccessTokenError::Invalid);
        };
        let expires_at = OffsetDateTime::from_unix_timestamp(
            expires.parse().map_err(|_| AccessTokenError::Invalid)?,
        )
        .map_err(|_| AccessTokenError::Invalid)?;
        if now >= expires_at {
            return Err(AccessTokenError::Expired);
        }
        Ok(AccessClaims {
            token_id: uuid::Uuid::nil(),
            api_key_id: ApiKeyId::parse(key).map_err(|_| AccessTokenError::Invalid)?,
            tenant_id: TenantId::parse(tenant).map_err(|_| AccessTokenError::Invalid)?,
            environment: Environment::parse(environment).map_err(|_| AccessTokenError::Invalid)?,
            issued_at: now,
            expires_at,
        })
    }
}

struct World {
    store: Arc<InMemoryStore>,
    clock: Arc<ManualClock>,
    keys: ApiKeyService,
    signatures: SignatureService,
    tokens: TokenService,
    idempotency: IdempotencyService,
    issued: IssuedApiKey,
}

impl World {
    async fn new() -> Self {
        let store = Arc::new(InMemoryStore::new());
        let clock = Arc::new(ManualClock::new(fixtures::T0));
        let tenants = TenantService::new(store.clone(), store.clone(), clock.clone());
        let keys = ApiKeyService::new(
            store.clone(),
            store.clone(),
            tenants,
            clock.clone(),
            fixtures::master_key(),
        );
        let partners = PartnerService::new(store.clone(), clock.clone(), fixtures::master_key());
        let (_, issued) = partners
            .create_partner(NewPartner {
                company_name: CompanyName::parse("Partner One").unwrap(),
                environment: Environment::Sandbox,
                billing_models: BillingModels::ALL,
            })
            .await
            .unwrap();
        Self {
            signatures: SignatureService::new(store.clone(), clock.clone(), fixtures::master_key()),
            tokens: TokenService::new(
                keys.clone(),
                store.clone(),
                Arc::new(PlainCodec),
                clock.clone(),
                fixtures::master_key(),
                TokenLifetimes::default(),
            ),
            idempotency: IdempotencyService::new(
                store.clone(),
                clock.clone(),
                Duration::minutes(1),
            ),
            store,
            clock,
            keys,
            issued,
        }
    }

    fn header(&self, offset: i64, path: &str) -> String {
        let timestamp = self.clock.now().unix_timestamp() + offset;
        let mac = signature::sign(
            self.issued.signing_secret.expose(),
            timestamp,
            "GET",
            path,
            b"",
        );
        format!("t={timestamp},v1={mac}")
    }

    async fn verify(&self, header: Option<&str>, path: &str) -> Result<(), AuthError> {
        let request = SignedRequest {
            method: "GET",
            path_and_query: path,
            body: b"",
        };
        self.signatures
            .verify(&self.issued.key, header, request)
            .await
    }
}

fn refused(error: SignatureError) -> Result<(), AuthError> {
    Err(AuthError::Signature(error))
}

#[tokio::test]
async fn signatures_are_accepted_within_300_seconds_and_once() {
    let world = World::new().await;
    for (offset, path) in [
        (-300, "/a"),
        (-299, "/b"),
        (0, "/c"),
        (299, "/d"),
        (300, "/e"),
    ] {
        let header = world.header(offset, path);
        assert_eq!(world.verify(Some(&header), path).await, Ok(()), "{offset}");
        assert_eq!(
            world.verify(Some(&header), path).await,
            refused(SignatureError::Replay),
            "{offset}"
        );
    }
    for offset in [-301, 301, -86_400] {
        let header = world.header(offset, "/f");
        assert_eq!(
            world.verify(Some(&header), "/f").await,
            refused(SignatureError::Timestamp)
        );
    }
    assert_eq!(
        world.verify(None, "/f").await,
        refused(SignatureError::Missing)
    );
    assert_eq!(
        world.verify(Some("t=1"), "/f").await,
        refused(SignatureError::Malformed)
    );
    let header = world.header(0, "/g");
    assert_eq!(
        world.verify(Some(&header), "/other").await,
        refused(SignatureError::Mismatch)
    );
}

#[tokio::test]
async fn a_remembered_signature_is_refused_as_long_as_its_timestamp_is_accepted() {
    let world = World::new().await;
    let header = world.header(0, "/a");
    assert_eq!(world.verify(Some(&header), "/a").await, Ok(()));
    world.clock.advance(Duration::seconds(300));
    assert_eq!(world.signatures.purge().await.unwrap(), 0);
    assert_eq!(
        world.verify(Some(&header), "/a").await,
        refused(SignatureError::Replay)
    );
    world.clock.advance(Duration::seconds(1));
    assert_eq!(
        world.verify(Some(&header), "/a").await,
        refused(SignatureError::Timestamp),
        "outside the window the timestamp refuses it"
    );
    world.clock.advance(Duration::seconds(1));
    assert_eq!(world.signatures.purge().await.unwrap(), 1);
}

#[tokio::test]
async fn access_tokens_expire_and_refresh_tokens_rotate() {
    let world = World::new().await;
    let issued = world
        .tokens
        .exchange(
            world.issued.token.expose(),
            world.issued.signing_secret.expose(),
        )
        .await
        .unwrap();
    assert_eq!(
        issued.claims.expires_at - issued.claims.issued_at,
        Duration::minutes(5)
    );
    let caller = world
        .tokens
        .authenticate(issued.access_token.expose())
        .await
        .unwrap();
    assert_eq!(caller.key.id, world.issued.key.id);
    world.clock.advance(Duration::minutes(5));
    assert_eq!(
        world
            .tokens
            .authenticate(issued.access_token.expose())
            .await
            .unwrap_err(),
        AuthError::TokenExpired
    );
    let renewed = world
        .tokens
        .refresh(issued.refresh_token.expose())
        .await
        .unwrap();
    assert!(
        world
            .tokens
            .authenticate(renewed.access_token.expose())
            .await
            .is_ok()
    );
    assert_eq!(
        world
            .tokens
            .refresh(issued.refresh_token.expose())
            .await
            .unwrap_err(),
        AuthError::RefreshTokenReused
    );
    assert_eq!(
        world
            .tokens
            .refresh(renewed.refresh_token.expose())
            .await
            .unwrap_err(),
        AuthError::RefreshTokenInvalid
    );
    world.clock.advance(Duration::hours(25));
    assert_eq!(
        world.tokens.purge().await.unwrap(),
        0,
        "the chain was already revoked"
    );
}

#[tokio::test]
async fn the_exchange_checks_the_secret_and_tokens_follow_the_key() {
    let world = World::new().await;
    assert_eq!(
        world
            .tokens
            .exchange(world.issued.token.expose(), "eig_secret_wrong")
            .await
            .unwrap_err(),
        AuthError::CredentialsInvalid
    );
    let issued = world
        .tokens
        .exchange(
            world.issued.token.expose(),
            world.issued.signing_secret.expose(),
        )
        .await
        .unwrap();
    let mut key = world.issued.key.clone();
    key.status = ApiKeyStatus::Revoked {
        at: world.clock.now(),
    };
    world.store.update_api_key(&key, &[]).await.unwrap();
    assert_eq!(
        world
            .tokens
            .authenticate(issued.access_token.expose())
            .await
            .unwrap_err(),
        AuthError::Revoked
    );
    assert_eq!(
        world
            .tokens
            .refresh(issued.refresh_token.expose())
            .await
            .unwrap_err(),
        AuthError::Revoked
    );
    assert!(
        world
            .keys
            .authenticate(world.issued.token.expose())
            .await
            .is_err()
    );
}

#[tokio::test]
async fn idempotency_keys_are_kept_24_hours_then_cleaned_up() {
    let world = World::new().await;
    assert!(RETENTION >= Duration::hours(24));
    let scope = IdempotencyScope {
        tenant: world.issued.key.tenant_id,
        environment: Environment::Sandbox,
        key: IdempotencyKey::parse("once").unwrap(),
    };
    assert_eq!(
        world.idempotency.begin(&scope, &[1; 32]).await.unwrap(),
        Reservation::Reserved
    );
    let response = StoredResponse {
        status: 201,
        headers: Vec::new(),
        body: b"{}".to_vec(),
    };
    world.idempotency.finish(&scope, &response).await.unwrap();
    world.clock.advance(Duration::hours(24) - Duration::SECOND);
    assert_eq!(world.idempotency.purge().await.unwrap(), 0);
    assert_eq!(
        world.idempotency.begin(&scope, &[1; 32]).await.unwrap(),
        Reservation::Completed(response)
    );
    world.clock.advance(Duration::SECOND);
    assert_eq!(world.idempotency.purge().await.unwrap(), 1);
    assert_eq!(
        world.idempotency.begin(&scope, &[2; 32]).await.unwrap(),
        Reservation::Reserved
    );
}
