//! Test support for adapters and embedders (feature `testing`): an in-memory store that
//! implements every store port, a controllable clock, fixtures, and the contract
//! suites every store adapter must pass (`store_contract!`).

pub mod contract;
pub mod fixtures;
mod in_memory;

pub use in_memory::InMemoryStore;

pub use crate::ports::{
    MockApiKeyStore, MockDocumentStore, MockEventLog, MockJobQueue, MockLegalEntityStore,
    MockRenderer, MockTenantStore,
};
pub use crate::smp::MockCapabilityLookup;

use std::sync::Mutex;

use time::OffsetDateTime;

use crate::clock::{Clock, truncate_to_micros};

/// A clock that stands still until moved.
#[derive(Debug)]
pub struct ManualClock(Mutex<OffsetDateTime>);

impl ManualClock {
    /// A clock showing `at` (truncated to microseconds).
    pub fn new(at: OffsetDateTime) -> Self {
        Self(Mutex::new(truncate_to_micros(at)))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: time::Duration) {
        let mut now = self.0.lock().expect("clock lock");
        *now = truncate_to_micros(*now + by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().expect("clock lock")
    }
}
