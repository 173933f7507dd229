//! Rate limits (in-process, `governor`'s GCRA): per API key, a per-minute and a
//! per-hour quota, advertised with the IETF `RateLimit-Policy` and `RateLimit` fields
//! (draft-ietf-httpapi-ratelimit-headers-10); and per client address, failed
//! authentications.
//!
//! Each gateway process counts on its own: with N processes behind a load balancer a
//! key gets up to N times the quota (docs/DECISIONS.md).

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use einvoice_domain::ids::ApiKeyId;
use governor::clock::{Clock as _, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

/// `RateLimit-Policy`.
pub const POLICY_HEADER: HeaderName = HeaderName::from_static("ratelimit-policy");
/// `RateLimit`.
pub const STATE_HEADER: HeaderName = HeaderName::from_static("ratelimit");

/// The configurable limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// Requests per minute per API key (seed 001: 100).
    pub per_minute: NonZeroU32,
    /// Requests per hour per API key (seed 001: 1000).
    pub per_hour: NonZeroU32,
    /// Failed authentications per minute per client address.
    pub auth_failures_per_minute: NonZeroU32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            per_minute: NonZeroU32::new(100).expect("non-zero"),
            per_hour: NonZeroU32::new(1000).expect("non-zero"),
            auth_failures_per_minute: NonZeroU32::new(10).expect("non-zero"),
        }
    }
}

type KeyedLimiter<K> =
    RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// One quota policy: its name, quota and window.
#[derive(Debug)]
struct Policy {
    name: &'static str,
    quota: u32,
    window: Duration,
    limiter: KeyedLimiter<ApiKeyId>,
}

impl Policy {
    fn new(name: &'static str, quota: NonZeroU32, window: Duration) -> Self {
        let limiter = RateLimiter::dashmap(
            Quota::with_period(window / quota.get())
                .expect("a non-zero period")
                .allow_burst(quota),
        )
        .with_middleware::<StateInformationMiddleware>();
        Self {
            name,
            quota: quota.get(),
            window,
            limiter,
        }
    }

    /// Seconds until `remaining` is back to the full quota.
    fn reset_after(&self, remaining: u32) -> u64 {
        let per_cell = self.window.as_secs_f64() / f64::from(self.quota);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let seconds = (f64::from(self.quota - remaining.min(self.quota)) * per_cell).ceil() as u64;
        seconds
    }
}

/// What one policy said about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reading {
    name: &'static str,
    remaining: u32,
    reset: u64,
}

/// The outcome of counting a request against a key's quotas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    readings: Vec<Reading>,
    /// When refused: seconds until a request would be let through.
    pub retry_after: Option<u64>,
}

impl Decision {
    /// Whether the request may go on.
    pub const fn allowed(&self) -> bool {
        self.retry_after.is_none()
    }

    /// The `RateLimit` field: `"minute";r=42;t=17, "hour";r=998;t=8`.
    pub fn state_value(&self) -> String {
        self.readings
            .iter()
            .map(|reading| {
                format!(
                    "\"{}\";r={};t={}",
                    reading.name, reading.remaining, reading.reset
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The gateway's limiters.
#[derive(Debug)]
pub struct RateLimits {
    policies: [Policy; 2],
    policy_header: HeaderValue,
    failures: KeyedLimiter<IpAddr>,
    blocked: Mutex<HashMap<IpAddr, Instant>>,
}

fn ceil_secs(duration: Duration) -> u64 {
    let whole = duration.as_secs();
    if duration.subsec_nanos() > 0 {
        whole + 1
    } else {
        whole.max(1)
    }
}

impl RateLimits {
    /// Limiters for `settings`.
    pub fn new(settings: RateLimitSettings) -> Self {
        let policies = [
            Policy::new("minute", settings.per_minute, Duration::from_mins(1)),
            Policy::new("hour", settings.per_hour, Duration::from_hours(1)),
        ];
        let policy_header = policies
            .iter()
            .map(|policy| {
                format!(
                    "\"{}\";q={};w={}",
                    policy.name,
                    policy.quota,
                    policy.window.as_secs()
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        Self {
            policies,
            policy_header: HeaderValue::from_str(&policy_header).expect("ASCII header"),
            failures: RateLimiter::dashmap(Quota::per_minute(settings.auth_failures_per_minute))
                .with_middleware::<StateInformationMiddleware>(),
            blocked: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request of `key` against every policy.
    pub fn check(&self, key: ApiKeyId) -> Decision {
        let clock = DefaultClock::default();
        let mut readings = Vec::with_capacity(self.policies.len());
        let mut retry_after: Option<u64> = None;
        for policy in &self.policies {
            match policy.limiter.check_key(&key) {
                Ok(snapshot) => {
                    let remaining = snapshot.remaining_burst_capacity();
                    readings.push(Reading {
                        name: policy.name,
                        remaining,
                        reset: policy.reset_after(remaining),
                    });
                }
                Err(not_until) => {
                    let wait = ceil_secs(not_until.wait_time_from(clock.now()));
                    retry_after = Some(retry_after.map_or(wait, |other| other.max(wait)));
                    readings.push(Reading {
                        name: policy.name,
                        remaining: 0,
                        reset: wait,
                    });
                }
            }
        }
        Decision {
            readings,
            retry_after,
        }
    }

    /// Adds `RateLimit-Policy` and `RateLimit` (and `Retry-After` when refused).
    pub fn annotate(&self, headers: &mut HeaderMap, decision: &Decision) {
        headers.insert(POLICY_HEADER, self.policy_header.clone());
        if let Ok(value) = HeaderValue::from_str(&decision.state_value()) {
            headers.insert(STATE_HEADER, value);
        }
        if let Some(seconds) = decision.retry_after {
            headers.insert(axum::http::header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }

    /// Seconds `address` must still wait after too many failed authentications.
    pub fn blocked_for(&self, address: IpAddr) -> Option<u64> {
        let mut blocked = self
            .blocked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let until = *blocked.get(&address)?;
        let now = Instant::now();
        if until <= now {
            blocked.remove(&address);
            return None;
        }
        Some(ceil_secs(until - now))
    }

    /// Counts a failed authentication of `address`; once its allowance is used up the
    /// address is refused for a while.
    pub fn record_failure(&self, address: IpAddr) {
        if let Err(not_until) = self.failures.check_key(&address) {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let mut blocked = self
                .blocked
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            blocked.insert(address, Instant::now() + wait);
        }
    }

    /// Forgets state that no longer limits anyone (called periodically).
    pub fn housekeeping(&self) {
        for policy in &self.policies {
            policy.limiter.retain_recent();
        }
        self.failures.retain_recent();
        let now = Instant::now();
        self.blocked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .retain(|_, until| *until > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_minute: u32, per_hour: u32, failures: u32) -> RateLimits {
        RateLimits::new(RateLimitSettings {
            per_minute: NonZeroU32::new(per_minute).unwrap(),
            per_hour: NonZeroU32::new(per_hour).unwrap(),
            auth_failures_per_minute: NonZeroU32::new(failures).unwrap(),
        })
    }

    #[test]
    fn quota_counts_down_then_refuses_with_retry_after() {
        let limits = limits(3, 1000, 10);
        let key = ApiKeyId::new();
        let first = limits.check(key);
        assert!(first.allowed());
        assert!(
            first.state_value().starts_with("\"minute\";r=2;t="),
            "{}",
            first.state_value()
        );
        assert!(limits.check(key).allowed());
        assert!(limits.check(key).allowed());
        let refused = limits.check(key);
        assert!(!refused.allowed());
        let retry = refused.retry_after.unwrap();
        assert!((1..=20).contains(&retry), "{retry}");
        assert!(refused.state_value().starts_with("\"minute\";r=0;"));
        assert!(
            limits.check(ApiKeyId::new()).allowed(),
            "other keys are unaffected"
        );
    }

    #[test]
    fn policy_header_is_a_structured_list() {
        let limits = limits(100, 1000, 10);
        let mut headers = HeaderMap::new();
        let decision = limits.check(ApiKeyId::new());
        limits.annotate(&mut headers, &decision);
        assert_eq!(
            headers[POLICY_HEADER],
            "\"minute\";q=100;w=60, \"hour\";q=1000;w=3600"
        );
        assert_eq!(
            headers[STATE_HEADER],
            "\"minute\";r=99;t=1, \"hour\";r=999;t=4"
        );
        assert!(headers.get("retry-after").is_none());
    }

    #[test]
    fn failed_authentications_block_the_address() {
        let limits = limits(100, 1000, 2);
        let address: IpAddr = "192.0.2.1".parse().unwrap();
        limits.record_failure(address);
        limits.record_failure(address);
        assert_eq!(limits.blocked_for(address), None);
        limits.record_failure(address);
        assert!(limits.blocked_for(address).is_some());
        assert_eq!(limits.blocked_for("192.0.2.2".parse().unwrap()), None);
    }
}
