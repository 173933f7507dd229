//! The reference implementation of the store ports, in memory.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::api_key::{ApiKey, ApiKeyStatus, KeyHash};
use crate::environment::Environment;
use crate::event::{EventRecord, StoredEvent};
use crate::ids::{ApiKeyId, DocumentId, JobId, LegalEntityId, TenantId, WebhookId};
use crate::job::{
    ClaimRequest, ClaimedJob, Job, JobCounts, JobEffect, JobFailure, JobLease, JobListQuery,
    JobState, NewJob, ProbeCounter, stored_error,
};
use crate::legal_entity::LegalEntity;
use crate::participant::ParticipantId;
use crate::ports::{
    ApiKeyQuery, ApiKeySort, ApiKeyStore, Direction, DocumentQuery, DocumentSort, DocumentStore,
    EventLog, EventQuery, JobQueue, LegalEntityQuery, LegalEntitySort, LegalEntityStore, Page,
    SortKey, StoreError, TenantInsert, TenantQuery, TenantSort, TenantStore, Uniqueness,
    VersionedEntity, WebhookQuery, WebhookSort, WebhookStore,
};
use crate::rendition::{NewRendition, Rendition};
use crate::tenant::{Tenant, TenantKind};
use crate::webhook::WebhookEndpoint;

#[derive(Debug, Default)]
struct State {
    tenants: BTreeMap<TenantId, Tenant>,
    api_keys: BTreeMap<ApiKeyId, ApiKey>,
    legal_entities: BTreeMap<LegalEntityId, LegalEntity>,
    documents: BTreeMap<DocumentId, (Rendition, Vec<u8>)>,
    webhooks: BTreeMap<WebhookId, WebhookEndpoint>,
    events: Vec<StoredEvent>,
    jobs: BTreeMap<JobId, StoredJob>,
    probe_counts: BTreeMap<ProbeCounter, u64>,
}

/// A job and the token of its current claim.
#[derive(Debug, Clone)]
struct StoredJob {
    job: Job,
    lease_token: Option<uuid::Uuid>,
}

/// Every store port in memory, with the same guarantees as the database adapters
/// (atomic writes, uniqueness, optimistic concurrency, scoping).
#[derive(Debug, Default)]
pub struct InMemoryStore(Mutex<State>);

impl InMemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The scope a tenant code must be unique in.
fn code_scope(tenant: &Tenant) -> Option<TenantId> {
    match tenant.kind {
        TenantKind::Partner { .. } => None,
        TenantKind::Child { partner, .. } => Some(partner),
    }
}

fn canonical_ids(entity: &LegalEntity) -> Vec<String> {
    entity
        .participant_ids()
        .iter()
        .map(|id| id.to_string().to_lowercase())
        .collect()
}

impl State {
    fn code_taken(&self, tenant: &Tenant) -> bool {
        self.tenants.values().any(|other| {
            other.id != tenant.id
                && other.deleted_at.is_none()
                && code_scope(other) == code_scope(tenant)
                && other.code == tenant.code
        })
    }

    fn participant_ids_taken(&self, entity: &LegalEntity) -> bool {
        if entity.is_archived() {
            return false;
        }
        let wanted: HashSet<String> = canonical_ids(entity).into_iter().collect();
        self.legal_entities.values().any(|other| {
            other.id != entity.id
                && other.environment == entity.environment
                && !other.is_archived()
                && canonical_ids(other).iter().any(|id| wanted.contains(id))
        })
    }

    fn enqueue(&mut self, jobs: &[NewJob]) {
        for new in jobs {
            let duplicate = new.dedupe_key.as_ref().is_some_and(|key| {
                self.jobs.values().any(|stored| {
                    stored.job.payload.kind() == new.payload.kind()
                        && stored.job.dedupe_key.as_ref() == Some(key)
                })
            });
            if duplicate || self.jobs.contains_key(&new.id) {
                continue;
            }
            let job = Job {
                id: new.id,
                payload: new.payload.clone(),
                state: JobState::Queued,
                attempts: 0,
                max_attempts: new.max_attempts.max(1),
                run_at: new.run_at,
                dedupe_key: new.dedupe_key.clone(),
                worker: None,
                lease_expires_at: None,
                last_error: None,
                created_at: new.created_at,
                updated_at: new.created_at,
                finished_at: None,
            };
            self.jobs.insert(
                new.id,
                StoredJob {
                    job,
                    lease_token: None,
                },
            );
        }
    }

    /// The running job held by `lease`.
    fn leased(&mut self, lease: &JobLease) -> Result<&mut StoredJob, StoreError> {
        self.jobs
            .get_mut(&lease.job_id)
            .filter(|stored| {
                stored.job.state == JobState::Running && stored.lease_token == Some(lease.token)
            })
            .ok_or(StoreError::Conflict)
    }

    fn append(&mut self, events: &[EventRecord]) {
        for record in events {
            let sequence = self.events.len() as u64 + 1;
            self.events.push(StoredEvent {
                sequence,
                record: record.clone(),
            });
        }
    }
}

fn paginate<T: Clone>(
    mut items: Vec<T>,
    page: crate::ports::PageRequest,
    order: impl Fn(&T, &T) -> Ordering,
) -> Page<T> {
    items.sort_by(order);
    let total = items.len() as u64;
    let offset = usize::try_from(page.offset()).unwrap_or(usize::MAX);
    let items = items
        .into_iter()
        .skip(offset)
        .take(page.size() as usize)
        .collect();
    Page { items, total }
}

fn ordered<F: Copy>(sort: &[SortKey<F>], default: F, compare: impl Fn(F) -> Ordering) -> Ordering {
    let keys: Vec<SortKey<F>> = if sort.is_empty() {
        vec![SortKey {
            field: default,
            direction: Direction::Ascending,
        }]
    } else {
        sort.to_vec()
    };
    keys.iter()
        .map(|key| match key.direction {
            Direction::Ascending => compare(key.field),
            Direction::Descending => compare(key.field).reverse(),
        })
        .find(|ordering| ordering.is_ne())
        .unwrap_or(Ordering::Equal)
}

#[async_trait]
impl TenantStore for InMemoryStore {
    async fn insert_tenant(&self, insert: &TenantInsert) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.code_taken(&insert.tenant) {
            return Err(StoreError::Duplicate(Uniqueness::TenantCode));
        }
        if let Some(entity) = &insert.legal_entity {
            if state.participant_ids_taken(entity) {
                return Err(StoreError::Duplicate(Uniqueness::ParticipantId));
            }
            state.legal_entities.insert(entity.id, entity.clone());
        }
        if let Some(key) = &insert.api_key {
            state.api_keys.insert(key.id, key.clone());
        }
        state
            .tenants
            .insert(insert.tenant.id, insert.tenant.clone());
        state.append(&insert.events);
        state.enqueue(&insert.jobs);
        Ok(())
    }

    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        Ok(self
            .state()
            .tenants
            .get(&id)
            .filter(|tenant| tenant.deleted_at.is_none())
            .cloned())
    }

    async fn list_tenants(
        &self,
        partner: TenantId,
        query: &TenantQuery,
    ) -> Result<Page<Tenant>, StoreError> {
        let state = self.state();
        let items: Vec<Tenant> = state
            .tenants
            .values()
            .filter(|tenant| {
                tenant.deleted_at.is_none()
                    && matches!(tenant.kind, TenantKind::Child { partner: owner, .. } if owner == partner)
                    && query.filter.active.is_none_or(|active| tenant.active == active)
            })
            .cloned()
            .collect();
        Ok(paginate(items, query.page, |a, b| {
            ordered(&query.sort, TenantSort::CreatedAt, |field| match field {
                TenantSort::CreatedAt => a.created_at.cmp(&b.created_at),
                TenantSort::UpdatedAt => a.updated_at.cmp(&b.updated_at),
                TenantSort::CompanyName => a
                    .profile
                    .company_name
                    .as_str()
                    .cmp(b.profile.company_name.as_str()),
                TenantSort::TenantCode => a.code.as_str().cmp(b.code.as_str()),
            })
            .then(a.id.cmp(&b.id))
        }))
    }

    async fn update_tenant(
        &self,
        tenant: &Tenant,
        new_legal_entities: &[LegalEntity],
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        if state
            .tenants
            .get(&tenant.id)
            .is_none_or(|stored| stored.deleted_at.is_some())
        {
            return Err(StoreError::NotFound);
        }
        if state.code_taken(tenant) {
            return Err(StoreError::Duplicate(Uniqueness::TenantCode));
        }
        for (index, entity) in new_legal_entities.iter().enumerate() {
            let clashes_with_sibling = new_legal_entities[..index].iter().any(|earlier| {
                earlier.environment == entity.environment
                    && canonical_ids(earlier)
                        .iter()
                        .any(|id| canonical_ids(entity).contains(id))
            });
            if clashes_with_sibling || state.participant_ids_taken(entity) {
                return Err(StoreError::Duplicate(Uniqueness::ParticipantId));
            }
        }
        for entity in new_legal_entities {
            state.legal_entities.insert(entity.id, entity.clone());
        }
        state.tenants.insert(tenant.id, tenant.clone());
        state.append(events);
        state.enqueue(jobs);
        Ok(())
    }

    async fn delete_tenant(
        &self,
        tenant: &Tenant,
        archived: &[VersionedEntity],
        events: &[EventRecord],
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        if state
            .tenants
            .get(&tenant.id)
            .is_none_or(|stored| stored.deleted_at.is_some())
        {
            return Err(StoreError::NotFound);
        }
        for item in archived {
            match state.legal_entities.get(&item.entity.id) {
                Some(stored) if stored.version() == item.expected_version => {}
                Some(_) => return Err(StoreError::Conflict),
                None => return Err(StoreError::NotFound),
            }
        }
        for item in archived {
            state
                .legal_entities
                .insert(item.entity.id, item.entity.clone());
        }
        state.tenants.insert(tenant.id, tenant.clone());
        state.append(events);
        Ok(())
    }

    async fn count_partners(&self) -> Result<u64, StoreError> {
        Ok(self
            .state()
            .tenants
            .values()
            .filter(|tenant| tenant.is_partner())
            .count() as u64)
    }
}

#[async_trait]
impl ApiKeyStore for InMemoryStore {
    async fn insert_api_key(&self, key: &ApiKey, events: &[EventRecord]) -> Result<(), StoreError> {
        let mut state = self.state();
        state.api_keys.insert(key.id, key.clone());
        state.append(events);
        Ok(())
    }

    async fn api_key_by_hash(&self, hash: &KeyHash) -> Result<Option<ApiKey>, StoreError> {
        Ok(self
            .state()
            .api_keys
            .values()
            .find(|key| key.hash == *hash)
            .cloned())
    }

    async fn api_key(&self, tenant: TenantId, id: ApiKeyId) -> Result<Option<ApiKey>, StoreError> {
        Ok(self
            .state()
            .api_keys
            .get(&id)
            .filter(|key| key.tenant_id == tenant)
            .cloned())
    }

    async fn list_api_keys(
        &self,
        tenant: TenantId,
        query: &ApiKeyQuery,
    ) -> Result<Page<ApiKey>, StoreError> {
        let items: Vec<ApiKey> = self
            .state()
            .api_keys
            .values()
            .filter(|key| key.tenant_id == tenant)
            .cloned()
            .collect();
        Ok(paginate(items, query.page, |a, b| {
            ordered(&query.sort, ApiKeySort::CreatedAt, |field| match field {
                ApiKeySort::CreatedAt => a.created_at.cmp(&b.created_at),
                ApiKeySort::Name => a.name.as_str().cmp(b.name.as_str()),
            })
            .then(a.id.cmp(&b.id))
        }))
    }

    async fn latest_api_key(&self, tenant: TenantId) -> Result<Option<ApiKey>, StoreError> {
        Ok(self
            .state()
            .api_keys
            .values()
            .filter(|key| {
                key.tenant_id == tenant && !matches!(key.status, ApiKeyStatus::Revoked { .. })
            })
            .max_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)))
            .cloned())
    }

    async fn update_api_key(&self, key: &ApiKey, events: &[EventRecord]) -> Result<(), StoreError> {
        let mut state = self.state();
        if !state.api_keys.contains_key(&key.id) {
            return Err(StoreError::NotFound);
        }
        state.api_keys.insert(key.id, key.clone());
        state.append(events);
        Ok(())
    }

    async fn record_api_key_use(&self, id: ApiKeyId, at: OffsetDateTime) -> Result<(), StoreError> {
        if let Some(key) = self.state().api_keys.get_mut(&id) {
            key.last_used_at = Some(at);
        }
        Ok(())
    }
}

#[async_trait]
impl LegalEntityStore for InMemoryStore {
    async fn insert_legal_entity(
        &self,
        entity: &LegalEntity,
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.participant_ids_taken(entity) {
            return Err(StoreError::Duplicate(Uniqueness::ParticipantId));
        }
        state.legal_entities.insert(entity.id, entity.clone());
        state.append(events);
        state.enqueue(jobs);
        Ok(())
    }

    async fn legal_entity(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: LegalEntityId,
    ) -> Result<Option<LegalEntity>, StoreError> {
        Ok(self
            .state()
            .legal_entities
            .get(&id)
            .filter(|entity| entity.tenant_id == tenant && entity.environment == environment)
            .cloned())
    }

    async fn legal_entity_by_participant(
        &self,
        environment: Environment,
        participant: &ParticipantId,
    ) -> Result<Option<LegalEntity>, StoreError> {
        let wanted = participant.to_string().to_lowercase();
        Ok(self
            .state()
            .legal_entities
            .values()
            .find(|entity| {
                entity.environment == environment
                    && !entity.is_archived()
                    && canonical_ids(entity).contains(&wanted)
            })
            .cloned())
    }

    async fn list_legal_entities(
        &self,
        tenant: TenantId,
        environment: Environment,
        query: &LegalEntityQuery,
    ) -> Result<Page<LegalEntity>, StoreError> {
        let filter = &query.filter;
        let items: Vec<LegalEntity> = self
            .state()
            .legal_entities
            .values()
            .filter(|entity| {
                entity.tenant_id == tenant
                    && entity.environment == environment
                    && filter
                        .status
                        .is_none_or(|status| entity.status().name() == status)
                    && filter
                        .country
                        .is_none_or(|country| entity.country == country)
                    && filter
                        .external_id
                        .as_ref()
                        .is_none_or(|id| entity.external_id.as_ref() == Some(id))
            })
            .cloned()
            .collect();
        Ok(paginate(items, query.page, |a, b| {
            ordered(
                &query.sort,
                LegalEntitySort::CreatedAt,
                |field| match field {
                    LegalEntitySort::CreatedAt => a.created_at.cmp(&b.created_at),
                    LegalEntitySort::UpdatedAt => a.updated_at.cmp(&b.updated_at),
                    LegalEntitySort::CompanyName => {
                        a.company_name.as_str().cmp(b.company_name.as_str())
                    }
                    LegalEntitySort::Status => {
                        a.status().name().as_str().cmp(b.status().name().as_str())
                    }
                },
            )
            .then(a.id.cmp(&b.id))
        }))
    }

    async fn live_legal_entities(&self, tenant: TenantId) -> Result<Vec<LegalEntity>, StoreError> {
        let mut entities: Vec<LegalEntity> = self
            .state()
            .legal_entities
            .values()
            .filter(|entity| entity.tenant_id == tenant && !entity.is_archived())
            .cloned()
            .collect();
        entities.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        Ok(entities)
    }

    async fn update_legal_entity(
        &self,
        entity: &LegalEntity,
        expected_version: u64,
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        match state.legal_entities.get(&entity.id) {
            None => return Err(StoreError::NotFound),
            Some(stored) if stored.version() != expected_version => {
                return Err(StoreError::Conflict);
            }
            Some(_) => {}
        }
        if state.participant_ids_taken(entity) {
            return Err(StoreError::Duplicate(Uniqueness::ParticipantId));
        }
        state.legal_entities.insert(entity.id, entity.clone());
        state.append(events);
        state.enqueue(jobs);
        Ok(())
    }
}

#[async_trait]
impl DocumentStore for InMemoryStore {
    async fn insert_documents(
        &self,
        documents: &[NewRendition],
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        if documents
            .iter()
            .any(|new| state.documents.contains_key(&new.rendition.id))
        {
            return Err(StoreError::Unexpected("duplicate document id".to_owned()));
        }
        for new in documents {
            state.documents.insert(
                new.rendition.id,
                (new.rendition.clone(), new.content.clone()),
            );
        }
        state.append(events);
        state.enqueue(jobs);
        Ok(())
    }

    async fn document(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: DocumentId,
    ) -> Result<Option<Rendition>, StoreError> {
        Ok(self
            .state()
            .documents
            .get(&id)
            .filter(|(document, _)| owned_by(document, tenant, environment))
            .map(|(document, _)| document.clone()))
    }

    async fn document_content(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: DocumentId,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .state()
            .documents
            .get(&id)
            .filter(|(document, _)| owned_by(document, tenant, environment))
            .map(|(_, content)| content.clone()))
    }

    async fn list_documents(
        &self,
        tenant: TenantId,
        environment: Environment,
        query: &DocumentQuery,
    ) -> Result<Page<Rendition>, StoreError> {
        let filter = &query.filter;
        let items: Vec<Rendition> = self
            .state()
            .documents
            .values()
            .map(|(document, _)| document)
            .filter(|document| {
                let facts = &document.facts;
                owned_by(document, tenant, environment)
                    && filter.process_id.is_none_or(|id| facts.process_id == id)
                    && filter
                        .status
                        .is_none_or(|status| document.status().name() == status)
                    && filter.flow.is_none_or(|flow| facts.flow == flow)
                    && filter
                        .legal_entity_id
                        .is_none_or(|id| facts.legal_entity_id == Some(id))
                    && filter
                        .created_from
                        .is_none_or(|from| document.created_at >= from)
                    && filter.created_to.is_none_or(|to| document.created_at < to)
            })
            .cloned()
            .collect();
        Ok(paginate(items, query.page, |a, b| {
            ordered(&query.sort, DocumentSort::CreatedAt, |field| match field {
                DocumentSort::CreatedAt => a.created_at.cmp(&b.created_at),
                DocumentSort::UpdatedAt => a.updated_at.cmp(&b.updated_at),
                DocumentSort::IssueDate => a.facts.issue_date.cmp(&b.facts.issue_date),
            })
            .then(a.id.cmp(&b.id))
        }))
    }

    async fn update_document(
        &self,
        document: &Rendition,
        expected_version: u64,
        events: &[EventRecord],
        jobs: &[NewJob],
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        let Some((stored, _)) = state.documents.get_mut(&document.id) else {
            return Err(StoreError::NotFound);
        };
        if stored.version() != expected_version {
            return Err(StoreError::Conflict);
        }
        *stored = document.clone();
        state.append(events);
        state.enqueue(jobs);
        Ok(())
    }
}

#[async_trait]
impl WebhookStore for InMemoryStore {
    async fn insert_webhook(&self, endpoint: &WebhookEndpoint) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.webhooks.contains_key(&endpoint.id) {
            return Err(StoreError::Unexpected("duplicate webhook id".to_owned()));
        }
        state.webhooks.insert(endpoint.id, endpoint.clone());
        Ok(())
    }

    async fn webhook(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: WebhookId,
    ) -> Result<Option<WebhookEndpoint>, StoreError> {
        Ok(self
            .state()
            .webhooks
            .get(&id)
            .filter(|endpoint| endpoint.tenant_id == tenant && endpoint.environment == environment)
            .cloned())
    }

    async fn list_webhooks(
        &self,
        tenant: TenantId,
        environment: Environment,
        query: &WebhookQuery,
    ) -> Result<Page<WebhookEndpoint>, StoreError> {
        let items: Vec<WebhookEndpoint> = self
            .state()
            .webhooks
            .values()
            .filter(|endpoint| endpoint.tenant_id == tenant && endpoint.environment == environment)
            .cloned()
            .collect();
        Ok(paginate(items, query.page, |a, b| {
            ordered(&query.sort, WebhookSort::CreatedAt, |field| match field {
                WebhookSort::CreatedAt => a.created_at.cmp(&b.created_at),
                WebhookSort::UpdatedAt => a.updated_at.cmp(&b.updated_at),
            })
            .then(a.id.cmp(&b.id))
        }))
    }

    async fn update_webhook(
        &self,
        endpoint: &WebhookEndpoint,
        expected_version: u64,
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        let Some(stored) = state.webhooks.get_mut(&endpoint.id) else {
            return Err(StoreError::NotFound);
        };
        if stored.version != expected_version {
            return Err(StoreError::Conflict);
        }
        *stored = endpoint.clone();
        Ok(())
    }

    async fn delete_webhook(
        &self,
        tenant: TenantId,
        environment: Environment,
        id: WebhookId,
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        let owned = state.webhooks.get(&id).is_some_and(|endpoint| {
            endpoint.tenant_id == tenant && endpoint.environment == environment
        });
        if !owned {
            return Err(StoreError::NotFound);
        }
        state.webhooks.remove(&id);
        Ok(())
    }
}

fn owned_by(document: &Rendition, tenant: TenantId, environment: Environment) -> bool {
    document.facts.tenant_id == tenant && document.facts.environment == environment
}

#[async_trait]
impl EventLog for InMemoryStore {
    async fn events(&self, query: EventQuery) -> Result<Vec<StoredEvent>, StoreError> {
        Ok(self
            .state()
            .events
            .iter()
            .filter(|event| {
                let record = &event.record;
                event.sequence > query.after
                    && record.partner_id == query.partner_id
                    && query
                        .tenant_id
                        .is_none_or(|tenant| record.tenant_id == tenant)
                    && query.environment.is_none_or(|environment| {
                        record.environment.is_none_or(|own| own == environment)
                    })
            })
            .take(query.limit as usize)
            .cloned()
            .collect())
    }
}

#[async_trait]
impl JobQueue for InMemoryStore {
    async fn enqueue(&self, jobs: &[NewJob]) -> Result<(), StoreError> {
        self.state().enqueue(jobs);
        Ok(())
    }

    async fn claim(&self, request: &ClaimRequest) -> Result<Vec<ClaimedJob>, StoreError> {
        let mut state = self.state();
        let now = request.now;
        let expired = |job: &Job| {
            job.state == JobState::Running && job.lease_expires_at.is_some_and(|at| at <= now)
        };
        for stored in state.jobs.values_mut() {
            let job = &mut stored.job;
            if expired(job) && job.attempts >= job.max_attempts {
                job.state = JobState::Dead;
                job.last_error = Some(format!(
                    "the lease of worker {} expired during the last attempt",
                    job.worker.as_ref().map_or("?", |worker| worker.as_str())
                ));
                job.lease_expires_at = None;
                job.finished_at = Some(now);
                job.updated_at = now;
                stored.lease_token = None;
            }
        }
        let mut ready: Vec<(OffsetDateTime, JobId)> = state
            .jobs
            .values()
            .map(|stored| &stored.job)
            .filter(|job| {
                request.kinds.contains(&job.payload.kind())
                    && ((job.state == JobState::Queued && job.run_at <= now) || expired(job))
            })
            .map(|job| (job.run_at, job.id))
            .collect();
        ready.sort();
        let token = uuid::Uuid::new_v4();
        let expires_at = now + request.lease_for;
        let mut claimed = Vec::new();
        for (_, id) in ready.into_iter().take(request.limit as usize) {
            let Some(stored) = state.jobs.get_mut(&id) else {
                continue;
            };
            let job = &mut stored.job;
            let reclaimed = job.state == JobState::Running;
            job.state = JobState::Running;
            job.attempts += 1;
            job.worker = Some(request.worker.clone());
            job.lease_expires_at = Some(expires_at);
            job.updated_at = now;
            stored.lease_token = Some(token);
            claimed.push(ClaimedJob {
                payload: job.payload.clone(),
                attempt: job.attempts,
                max_attempts: job.max_attempts,
                reclaimed,
                lease: JobLease {
                    job_id: id,
                    token,
                    worker: request.worker.clone(),
                    expires_at,
                },
            });
        }
        Ok(claimed)
    }

    async fn heartbeat(
        &self,
        lease: &JobLease,
        until: OffsetDateTime,
    ) -> Result<JobLease, StoreError> {
        let mut state = self.state();
        let stored = state.leased(lease)?;
        stored.job.lease_expires_at = Some(until);
        Ok(JobLease {
            expires_at: until,
            ..lease.clone()
        })
    }

    async fn complete(
        &self,
        lease: &JobLease,
        effect: &JobEffect,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        let stored = state.leased(lease)?;
        stored.job.state = JobState::Done;
        stored.job.lease_expires_at = None;
        stored.job.finished_at = Some(now);
        stored.job.updated_at = now;
        stored.lease_token = None;
        match effect {
            JobEffect::None => {}
            JobEffect::CountProbe(counter) => {
                *state.probe_counts.entry(counter.clone()).or_default() += 1;
            }
        }
        Ok(())
    }

    async fn fail(
        &self,
        lease: &JobLease,
        failure: &JobFailure,
        now: OffsetDateTime,
    ) -> Result<JobState, StoreError> {
        let mut state = self.state();
        let stored = state.leased(lease)?;
        let job = &mut stored.job;
        job.last_error = Some(stored_error(&failure.error));
        job.lease_expires_at = None;
        job.updated_at = now;
        stored.lease_token = None;
        match failure.retry_at {
            Some(retry_at) if job.attempts < job.max_attempts => {
                job.state = JobState::Queued;
                job.run_at = retry_at;
            }
            _ => {
                job.state = JobState::Dead;
                job.finished_at = Some(now);
            }
        }
        Ok(job.state)
    }

    async fn release(&self, lease: &JobLease, now: OffsetDateTime) -> Result<(), StoreError> {
        let mut state = self.state();
        let stored = state.leased(lease)?;
        let job = &mut stored.job;
        job.state = JobState::Queued;
        job.attempts = job.attempts.saturating_sub(1);
        job.run_at = now;
        job.lease_expires_at = None;
        job.updated_at = now;
        stored.lease_token = None;
        Ok(())
    }

    async fn job(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        Ok(self.state().jobs.get(&id).map(|stored| stored.job.clone()))
    }

    async fn list_jobs(&self, query: &JobListQuery) -> Result<Vec<Job>, StoreError> {
        let mut jobs: Vec<Job> = self
            .state()
            .jobs
            .values()
            .map(|stored| stored.job.clone())
            .filter(|job| query.state.is_none_or(|state| job.state == state))
            .collect();
        jobs.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        jobs.truncate(query.limit as usize);
        Ok(jobs)
    }

    async fn job_counts(&self) -> Result<JobCounts, StoreError> {
        let mut counts = JobCounts::default();
        for stored in self.state().jobs.values() {
            match stored.job.state {
                JobState::Queued => counts.queued += 1,
                JobState::Running => counts.running += 1,
                JobState::Done => counts.done += 1,
                JobState::Dead => counts.dead += 1,
            }
        }
        Ok(counts)
    }

    async fn retry_dead_job(&self, id: JobId, now: OffsetDateTime) -> Result<(), StoreError> {
        let mut state = self.state();
        let stored = state
            .jobs
            .get_mut(&id)
            .filter(|stored| stored.job.state == JobState::Dead)
            .ok_or(StoreError::NotFound)?;
        let job = &mut stored.job;
        job.state = JobState::Queued;
        job.max_attempts = job.max_attempts.max(job.attempts + 1);
        job.run_at = now;
        job.finished_at = None;
        job.updated_at = now;
        Ok(())
    }

    async fn probe_count(&self, counter: &ProbeCounter) -> Result<u64, StoreError> {
        Ok(self.state().probe_counts.get(counter).copied().unwrap_or(0))
    }
}
