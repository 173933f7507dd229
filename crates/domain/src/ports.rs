//! The ports: what the domain needs from the outside world. Adapters implement them;
//! `testing::InMemoryStore` is the reference fake, and `testing::contract` holds the
//! one suite every adapter must pass.
//!
//! Contract common to every store port:
//! - a method that takes `events` MUST persist the state change and the events in one
//!   atomic unit: both or neither;
//! - reads MUST be scoped by the ids they take: no method returns another tenant's or
//!   another environment's object;
//! - a method that takes `jobs` MUST enqueue them in the same unit as the change and its
//!   events (the transactional outbox of [`JobQueue`]), skipping a job whose kind and
//!   dedupe key an existing job already has;
//! - timestamps MUST read back equal to what was written (microsecond precision).

use async_trait::async_trait;

use crate::api_key::{ApiKey, KeyHash};
use crate::codes::CountryCode;
use crate::document::ValidDocument;
use crate::environment::Environment;
use crate::event::{EventRecord, StoredEvent};
use crate::ids::{ApiKeyId, DocumentId, JobId, LegalEntityId, ProcessId, TenantId, WebhookId};
use crate::job::{
    ClaimRequest, ClaimedJob, Job, JobCounts, JobEffect, JobFailure, JobLease, JobListQuery,
    JobState, NewJob, ProbeCounter,
};
use crate::legal_entity::{LegalEntity, StatusName};
use crate::participant::ParticipantId;
use crate::rendition::{DocumentStatusName, Flow, Format, NewRendition, Rendition};
use crate::tenant::Tenant;
use crate::text::ExternalId;
use crate::webhook::WebhookEndpoint;
use time::OffsetDateTime;

/// What must be unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uniqueness {
    /// A tenant code within one partner (partners' codes among partners).
    TenantCode,
    /// A participant identifier among the non-archived legal entities of an environment.
    ParticipantId,
}

/// A store failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule would be broken.
    #[error("duplicate {0:?}")]
    Duplicate(Uniqueness),
    /// The object changed since it was read (optimistic concurrency).
    #[error("the object was changed concurrently")]
    Conflict,
    /// The object to change does not exist (or is deleted).
    #[error("the object does not exist")]
    NotFound,
    /// Anything else: the driver's message, for the logs.
    #[error("store failure: {0}")]
    Unexpected(String),
}

/// One page of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    number: u32,
    size: u32,
}

/// Why a page request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PageRequestError {
    /// Page numbers start at 1.
    #[error("page numbers start at 1")]
    Number,
    /// Page size outside 1..=100.
    #[error("page size must be between 1 and {max}", max = PageRequest::MAX_SIZE)]
    Size,
}

impl PageRequest {
    /// The default page size.
    pub const DEFAULT_SIZE: u32 = 20;
    /// The largest page size.
    pub const MAX_SIZE: u32 = 100;

    /// Page `number` (1-based) of `size` items.
    pub fn new(number: u32, size: u32) -> Result<Self, PageRequestError> {
        if number == 0 {
            return Err(PageRequestError::Number);
        }
        if size == 0 || size > Self::MAX_SIZE {
            return Err(PageRequestError::Size);
        }
        Ok(Self { number, size })
    }

    /// 1-based page number.
    pub const fn number(self) -> u32 {
        self.number
    }

    /// Items per page.
    pub const fn size(self) -> u32 {
        self.size
    }

    /// Items to skip.
    pub const fn offset(self) -> u64 {
        (self.number as u64 - 1) * self.size as u64
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            number: 1,
            size: Self::DEFAULT_SIZE,
        }
    }
}

/// A page of items and the total across all pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Items across all pages.
    pub total: u64,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Smallest first.
    Ascending,
    /// Largest first.
    Descending,
}

/// One sort key. Stores break ties by id ascending, so pages are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey<F> {
    /// The field.
    pub field: F,
    /// The direction.
    pub direction: Direction,
}

/// A list request: which page, in which order, with which filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery<F, Filter> {
    /// The page.
    pub page: PageRequest,
    /// Sort keys, most significant first; empty means `createdAt` ascending.
    pub sort: Vec<SortKey<F>>,
    /// The filter.
    pub filter: Filter,
}

/// Sortable tenant fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantSort {
    /// `createdAt`
    CreatedAt,
    /// `updatedAt`
    UpdatedAt,
    /// `companyName`
    CompanyName,
    /// `tenantCode`
    TenantCode,
}

/// Tenant list filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TenantFilter {
    /// Only active (or only inactive) tenants.
    pub active: Option<bool>,
}

/// A tenant list request.
pub type TenantQuery = ListQuery<TenantSort, TenantFilter>;

/// Sortable legal entity fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegalEntitySort {
    /// `createdAt`
    CreatedAt,
    /// `updatedAt`
    UpdatedAt,
    /// `companyName`
    CompanyName,
    /// `status`
    Status,
}

/// Legal entity list filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LegalEntityFilter {
    /// Only entities in this status.
    pub status: Option<StatusName>,
    /// Only entities of this country.
    pub country: Option<CountryCode>,
    /// Only the entity with this external id.
    pub external_id: Option<ExternalId>,
}

/// A legal entity list request.
pub type LegalEntityQuery = ListQuery<LegalEntitySort, LegalEntityFilter>;

/// Sortable API key fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeySort {
    /// `createdAt`
    CreatedAt,
    /// `name`
    Name,
}

/// API key list request (no filter yet).
pub type ApiKeyQuery = ListQuery<ApiKeySort, ()>;

/// A legal entity to save together with the version it was read at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionedEntity {
    /// The changed entity.
    pub entity: LegalEntity,
    /// Its version when it was read.
    pub expected_version: u64,
}

/// A new tenant and what is created with it.
#[derive(Debug, Clone, PartialEq)]
pub struct TenantInsert {
    /// The tenant.
    pub tenant: Tenant,
    /// Its default legal entity (derived from its VAT number).
    pub legal_entity: Option<LegalEntity>,
    /// Its first API key (partners created by the operator).
    pub api_key: Option<ApiKey>,
    /// The events of all of the above.
    pub events: Vec<EventRecord>,
    /// The jobs the insert needs (enqueued in the same unit).
    pub jobs: Vec<NewJob>,
}

/// Durable storage of tenants.
#[cfg_attr(feature = "testing", mockall::automock)]
#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Inserts a tenant with, optionally, its default legal entity and its first API
    /// key, and the events, in one unit.
    ///
    /// # Errors
    /// MUST return [`StoreError::Duplicate`] with [`Uniqueness::TenantCode`] when the
    /// code is taken in the tenant's scope by a non-deleted tenant, and with
    /// [`Uniqueness::ParticipantId`] when one of the entity's participant ids is taken;
    /// then nothing is written.
    async fn insert_tenant(&self, insert: &TenantInsert) -> Result<(), StoreError>;

    /// The tenant; `None` when unknown or soft-deleted.
    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError>;

    /// A partner's non-deleted child tenants.
    async fn list_tenants(
        &self,
        partner: TenantId,
        query: &TenantQuery,
    ) -> Result<Page<Tenant>, StoreError>;

    /// Saves a changed tenant, the legal entities created with the change (a tenant's
    /// production default entity when production is enabled), the events and the jobs,
    /// in one unit.
    ///
    /// # Errors
    /// MUST return [`StoreError::NotFound`] for an unknown or deleted tenant,
    /// [`StoreError::Duplicate`] for a taken code or a taken participant id; then
    /// nothing is written.
    async fn update_tenant(
        &self,
        tenant: &Tenant,
        new_legal_entities: &[LegalEntity],
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError>;

    /// Soft-deletes a tenant (its `deleted_at` is set) and saves its legal entities,
    /// archived by the caller, in one unit.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when one of the entities changed since it was read.
    async fn delete_tenant(
        &self,
        tenant: &Tenant,
        archived: &[VersionedEntity],
        events: &[EventRecord],
    ) -> Result<(), StoreError>;

    /// Number of partner tenants, deleted ones included (to detect a first start).
    async fn count_partners(&self) -> Result<u64, StoreError>;
}

/// Durable storage of API keys.
#[cfg_attr(feature = "testing", mockall::automock)]
#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// Inserts a key and its events.
    async fn insert_api_key(&self, key: &ApiKey, events: &[EventRecord]) -> Result<(), StoreError>;

    /// The key with this token hash, in any status; `None` when unknown.
    async fn api_key_by_hash(&self, hash: &KeyHash) -> Result<Option<ApiKey>, StoreError>;

    /// One of a tenant's keys, in any status.
    async fn api_key(&self, tenant: TenantId, id: ApiKeyId) -> Result<Option<ApiKey>, StoreError>;

    /// A tenant's keys, revoked ones included.
    async fn list_api_keys(
        &self,
        tenant: TenantId,
        query: &ApiKeyQuery,
    ) -> Result<Page<ApiKey>, StoreError>;

    /// The tenant's most recently created key that is not revoked.
    async fn latest_api_key(&self, tenant: TenantId) -> Result<Option<ApiKey>, StoreError>;

    /// Saves a changed key.
    ///
    /// # Errors
    /// MUST return [`StoreError::NotFound`] for an unknown key.
    async fn update_api_key(&self, key: &ApiKey, events: &[EventRecord]) -> Result<(), StoreError>;

    /// Records that the key authenticated a request at `at` (no event).
    async fn record_api_key_use(&self, id: ApiKeyId, at: OffsetDateTime) -> Result<(), StoreError>;
}

/// Durable storage of legal entities.
#[cfg_attr(feature = "testing", mockall::automock)]
#[async_trait]
pub trait LegalEntityStore: Send + Sync {
    /// Inserts an entity, its events and its jobs.
    ///
    /// # Errors
    /// MUST return [`StoreError::Duplicate`] with [`Uniqueness::ParticipantId`] when one
    /// of its participant ids (primary or derived) belongs to a non-archived entity of
    /// the same environment.
    async fn insert_legal_entity(
        &self,
        entity: &LegalEntity,
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError>;

    /// One of a tenant's entities in one environment.
    async fn legal_entity(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: LegalEntityId,
    ) -> Result<Option<LegalEntity>, StoreError>;

    /// A tenant's entities in one environment, archived ones included.
    async fn list_legal_entities(
        &self,
        tenant: TenantId,
        environment: Environment,
        query: &LegalEntityQuery,
    ) -> Result<Page<LegalEntity>, StoreError>;

    /// Every non-archived entity of a tenant, in every environment.
    async fn live_legal_entities(&self, tenant: TenantId) -> Result<Vec<LegalEntity>, StoreError>;

    /// The non-archived entity of `environment` that holds `participant` (as its primary
    /// or its derived id, compared case-insensitively), across all tenants: the one an SMP
    /// answers for.
    async fn legal_entity_by_participant(
        &self,
        environment: Environment,
        participant: &ParticipantId,
    ) -> Result<Option<LegalEntity>, StoreError>;

    /// Saves a changed entity, its events and its jobs if it still has
    /// `expected_version`. Archiving frees its participant ids.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the stored version differs; [`StoreError::NotFound`]
    /// for an unknown entity.
    async fn update_legal_entity(
        &self,
        entity: &LegalEntity,
        expected_version: u64,
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError>;
}

/// Sortable document fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentSort {
    /// `createdAt`
    CreatedAt,
    /// `updatedAt`
    UpdatedAt,
    /// `issueDate`
    IssueDate,
}

/// Document list filter. Every field narrows the list; `None` does not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentFilter {
    /// Only the renditions of this submission.
    pub process_id: Option<ProcessId>,
    /// Only renditions in this status.
    pub status: Option<DocumentStatusName>,
    /// Only sent, or only received, documents.
    pub flow: Option<Flow>,
    /// Only documents of this legal entity.
    pub legal_entity_id: Option<LegalEntityId>,
    /// Only documents created at or after this instant.
    pub created_from: Option<OffsetDateTime>,
    /// Only documents created before this instant.
    pub created_to: Option<OffsetDateTime>,
}

/// A document list request.
pub type DocumentQuery = ListQuery<DocumentSort, DocumentFilter>;

/// Durable storage of documents (renditions and their content).
#[cfg_attr(feature = "testing", mockall::automock)]
#[async_trait]
pub trait DocumentStore: Send + Sync {
    /// Inserts the renditions of one submission, their content, the events and the jobs
    /// that follow, in one unit.
    async fn insert_documents(
        &self,
        documents: &[NewRendition],
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError>;

    /// One of a tenant's renditions in one environment, without its content.
    async fn document(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: DocumentId,
    ) -> Result<Option<Rendition>, StoreError>;

    /// The content of one of a tenant's renditions in one environment.
    async fn document_content(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: DocumentId,
    ) -> Result<Option<Vec<u8>>, StoreError>;

    /// A tenant's renditions in one environment.
    async fn list_documents(
        &self,
        tenant: TenantId,
        environment: Environment,
        query: &DocumentQuery,
    ) -> Result<Page<Rendition>, StoreError>;

    /// Saves a rendition's new status if it still has `expected_version`.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the stored version differs; [`StoreError::NotFound`]
    /// for an unknown rendition.
    async fn update_document(
        &self,
        document: &Rendition,
        expected_version: u64,
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError>;
}

/// Sortable webhook endpoint fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookSort {
    /// `createdAt`
    CreatedAt,
    /// `updatedAt`
    UpdatedAt,
}

/// A webhook endpoint list request (no filter yet).
pub type WebhookQuery = ListQuery<WebhookSort, ()>;

/// Durable storage of webhook endpoints.
#[cfg_attr(feature = "testing", mockall::automock)]
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Inserts an endpoint.
    async fn insert_webhook(&self, endpoint: &WebhookEndpoint) -> Result<(), StoreError>;

    /// One of a tenant's endpoints in one environment.
    async fn webhook(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: WebhookId,
    ) -> Result<Option<WebhookEndpoint>, StoreError>;

    /// A tenant's endpoints in one environment.
    async fn list_webhooks(
        &self,
        tenant: TenantId,
        environment: Environment,
        query: &WebhookQuery,
    ) -> Result<Page<WebhookEndpoint>, StoreError>;

    /// Saves a changed endpoint if it still has `expected_version`.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the stored version differs; [`StoreError::NotFound`]
    /// for an unknown endpoint.
    async fn update_webhook(
        &self,
        endpoint: &WebhookEndpoint,
        expected_version: u64,
    ) -> Result<(), StoreError>;

    /// Deletes one of a tenant's endpoints.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an endpoint unknown in that scope.
    async fn delete_webhook(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: WebhookId,
    ) -> Result<(), StoreError>;
}

/// Renders a valid business document in one wire format. Pure computation: adapters
/// (`render-ubl`, ...) hold no state, so a renderer can be shared by every request.
#[cfg_attr(feature = "testing", mockall::automock)]
pub trait Renderer: Send + Sync {
    /// The format this renderer writes.
    fn format(&self) -> Format;

    /// The wire document.
    fn render(&self, document: &ValidDocument) -> Vec<u8>;
}

/// Which events to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventQuery {
    /// Only this partner's events.
    pub partner_id: TenantId,
    /// Only events of this tenant (one of the partner's, or the partner itself).
    pub tenant_id: Option<TenantId>,
    /// Only events of this environment and events of no environment (a tenant's own).
    pub environment: Option<Environment>,
    /// Only events after this sequence number.
    pub after: u64,
    /// At most this many.
    pub limit: u32,
}

impl EventQuery {
    /// Every event of `partner` after `after`, at most `limit`.
    pub const fn partner(partner_id: TenantId, after: u64, limit: u32) -> Self {
        Self {
            partner_id,
            tenant_id: None,
            environment: None,
            after,
            limit,
        }
    }
}

/// The append-only event log (written through the other ports).
#[cfg_attr(feature = "testing", mockall::automock)]
#[async_trait]
pub trait EventLog: Send + Sync {
    /// Events in sequence order.
    async fn events(&self, query: EventQuery) -> Result<Vec<StoredEvent>, StoreError>;
}

/// The durable job queue (see [`crate::job`]). Jobs that follow a state change are
/// enqueued by that change's store method (`jobs` parameters); this port runs them.
///
/// Contract:
/// - a job is held by at most one lease at a time: two claims never return the same job
///   while its lease runs, whatever the number of workers, connections or processes;
/// - a claim returns ready jobs of the requested kinds (queued with `run_at <= now`, or
///   running with an expired lease), oldest `run_at` first, counts the attempt and
///   gives each job a new lease token; a running job whose lease expired after its last
///   attempt is made dead instead;
/// - `heartbeat`, `complete`, `fail` and `release` act only with the token of the job's
///   current claim (even after the lease's expiry, as long as no one claimed it again)
///   and otherwise MUST return [`StoreError::Conflict`] and change nothing;
/// - `complete` commits the [`JobEffect`] in the same unit as the completion.
#[cfg_attr(feature = "testing", mockall::automock)]
#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Enqueues jobs that no state change carries (operator commands, schedules), with
    /// the same dedupe rule as the `jobs` parameters.
    async fn enqueue(&self, jobs: &[NewJob]) -> Result<(), StoreError>;

    /// Claims up to `request.limit` ready jobs under a lease (see the trait's contract).
    async fn claim(&self, request: &ClaimRequest) -> Result<Vec<ClaimedJob>, StoreError>;

    /// Extends a lease to `until`; returns the extended lease.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the lease was lost.
    async fn heartbeat(
        &self,
        lease: &JobLease,
        until: OffsetDateTime,
    ) -> Result<JobLease, StoreError>;

    /// Marks the job done and commits `effect`, in one unit.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the lease was lost: then neither happens.
    async fn complete(
        &self,
        lease: &JobLease,
        effect: &JobEffect,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Records a failed attempt: queued again at `failure.retry_at`, or dead after its
    /// last attempt or on a permanent failure. Returns the job's new state.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the lease was lost.
    async fn fail(
        &self,
        lease: &JobLease,
        failure: &JobFailure,
        now: OffsetDateTime,
    ) -> Result<JobState, StoreError>;

    /// Gives a job back without a verdict (a worker shutting down): queued, ready now,
    /// and the interrupted attempt is not counted.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the lease was lost.
    async fn release(&self, lease: &JobLease, now: OffsetDateTime) -> Result<(), StoreError>;

    /// One job, in any state.
    async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError>;

    /// Jobs, oldest first (by creation, then id).
    async fn list_jobs(&self, query: &JobListQuery) -> Result<Vec<Job>, StoreError>;

    /// How many jobs are in each state.
    async fn job_counts(&self) -> Result<JobCounts, StoreError>;

    /// Queues a dead job again, ready now, for one more attempt: its attempt count is
    /// kept (the job's history) and its limit raised to one above it when reached; its
    /// last error is kept until the next attempt.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when no dead job has this id.
    async fn retry_dead_job(&self, id: JobId, now: OffsetDateTime) -> Result<(), StoreError>;

    /// A probe counter's value (0 when never incremented).
    async fn probe_count(&self, counter: &ProbeCounter) -> Result<u64, StoreError>;
}

/// Every store port: what an application wires once.
pub trait Store:
    TenantStore + ApiKeyStore + LegalEntityStore + DocumentStore + WebhookStore + EventLog + JobQueue
{
}

impl<T> Store for T where
    T: TenantStore
        + ApiKeyStore
        + LegalEntityStore
        + DocumentStore
        + WebhookStore
        + EventLog
        + JobQueue
{
}

impl<F, Filter: Default> ListQuery<F, Filter> {
    /// The first page of the default size, in the default order, unfiltered.
    pub fn first_page() -> Self {
        Self {
            page: PageRequest::default(),
            sort: Vec::new(),
            filter: Filter::default(),
        }
    }
}
