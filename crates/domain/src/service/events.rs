//! The event feed: the ordered domain events a caller may see, for partners who poll
//! instead of (or besides) receiving webhooks.

use std::sync::Arc;

use crate::event::StoredEvent;
use crate::ports::{EventLog, EventQuery};

use super::{Acting, ServiceError};

/// Reads the event log in the caller's scope.
#[derive(Clone)]
pub struct EventService {
    log: Arc<dyn EventLog>,
}

impl std::fmt::Debug for EventService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventService").finish_non_exhaustive()
    }
}

impl EventService {
    /// The largest page of the feed.
    pub const MAX_LIMIT: u32 = 1000;

    /// The service over the log.
    pub fn new(log: Arc<dyn EventLog>) -> Self {
        Self { log }
    }

    /// The events after `after` (a sequence number, 0 for the beginning) in commit
    /// order, at most `limit` (capped at [`Self::MAX_LIMIT`]). A partner acting for
    /// itself sees its own and all its tenants' events; a tenant (or a partner acting for
    /// one with `X-Tenant-Id`) sees that tenant's. Either way only the key's environment
    /// and the events that belong to no environment.
    pub async fn feed(
        &self,
        acting: &Acting,
        after: u64,
        limit: u32,
    ) -> Result<Vec<StoredEvent>, ServiceError> {
        let partner_wide =
            acting.caller.is_partner() && acting.tenant.id == acting.caller.tenant.id;
        let query = EventQuery {
            tenant_id: (!partner_wide).then_some(acting.tenant.id),
            environment: Some(acting.environment()),
            ..EventQuery::partner(
                acting.tenant.partner_id(),
                after,
                limit.clamp(1, Self::MAX_LIMIT),
            )
        };
        Ok(self.log.events(query).await?)
    }
}
