//! Webhook endpoints: where a partner or tenant wants domain events delivered, which
//! ones, and the secret deliveries are signed with (Standard Webhooks, `whsec_...`).
//! Delivery itself is the lifecycle issue's; this module is the configuration.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore as _;
use time::OffsetDateTime;

use crate::environment::Environment;
use crate::ids::{LegalEntityId, TenantId, WebhookId};
use crate::secret::{MasterKey, Redacted, SecretError};

/// Why a webhook field was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// Not an absolute `http`/`https` URL with a host, or too long.
    #[error("{0}")]
    Url(String),
    /// An event type pattern that is not `*`, `family.*` or a dotted type name.
    #[error("`{0}` is not an event type, `family.*` or `*`")]
    EventPattern(String),
    /// No event type at all, or too many.
    #[error("give between 1 and {max} event types", max = EventSelector::MAX_PATTERNS)]
    EventCount,
    /// A description longer than its limit.
    #[error("the description is longer than {max} characters", max = Description::MAX_CHARS)]
    Description,
}

/// The URL deliveries are sent to (`POST`): absolute `https` (or `http`), with a host, no
/// credentials and no fragment, at most [`WebhookUrl::MAX_LEN`] bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    /// The longest URL, in bytes.
    pub const MAX_LEN: usize = 2048;

    /// Parses and normalises a URL.
    pub fn parse(text: &str) -> Result<Self, WebhookError> {
        if text.len() > Self::MAX_LEN {
            return Err(WebhookError::Url(format!(
                "the URL is longer than {} bytes",
                Self::MAX_LEN
            )));
        }
        let url = url::Url::parse(text)
            .map_err(|error| WebhookError::Url(format!("not an absolute URL: {error}")))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(WebhookError::Url(
                "the URL must use https (or http)".to_owned(),
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(WebhookError::Url("the URL has no host".to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(WebhookError::Url(
                "the URL must not carry credentials; deliveries are signed instead".to_owned(),
            ));
        }
        if url.fragment().is_some() {
            return Err(WebhookError::Url(
                "the URL must not have a fragment".to_owned(),
            ));
        }
        Ok(Self(url.into()))
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which event types an endpoint receives: `*` (all), `family.*` (e.g. `document.*`) or
/// exact types (e.g. `legal_entity.active`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSelector(Vec<String>);

impl EventSelector {
    /// The most patterns one endpoint may list.
    pub const MAX_PATTERNS: usize = 50;

    /// Parses a non-empty list of patterns (duplicates are dropped, order kept).
    pub fn parse<S: AsRef<str>>(patterns: &[S]) -> Result<Self, WebhookError> {
        if patterns.is_empty() || patterns.len() > Self::MAX_PATTERNS {
            return Err(WebhookError::EventCount);
        }
        let mut kept: Vec<String> = Vec::new();
        for pattern in patterns {
            let pattern = pattern.as_ref();
            if !is_pattern(pattern) {
                return Err(WebhookError::EventPattern(pattern.to_owned()));
            }
            if !kept.iter().any(|known| known == pattern) {
                kept.push(pattern.to_owned());
            }
        }
        Ok(Self(kept))
    }

    /// The patterns.
    pub fn patterns(&self) -> &[String] {
        &self.0
    }

    /// Whether an event of `event_type` is selected.
    pub fn matches(&self, event_type: &str) -> bool {
        self.0.iter().any(|pattern| {
            pattern == "*"
                || pattern == event_type
                || pattern.strip_suffix(".*").is_some_and(|family| {
                    event_type
                        .strip_prefix(family)
                        .is_some_and(|rest| rest.starts_with('.'))
                })
        })
    }
}

/// `*`, `family.*` or `family.name`, in lower-case letters and underscores.
fn is_pattern(pattern: &str) -> bool {
    let word = |part: &str| {
        !part.is_empty()
            && part.len() <= 40
            && part.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    };
    if pattern == "*" {
        return true;
    }
    match pattern.split_once('.') {
        Some((family, "*")) => word(family),
        Some((family, name)) => word(family) && word(name),
        None => false,
    }
}

/// A short human description of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description(String);

impl Description {
    /// The longest description, in characters.
    pub const MAX_CHARS: usize = 500;

    /// A description, trimmed.
    pub fn parse(text: &str) -> Result<Self, WebhookError> {
        let text = text.trim();
        if text.chars().count() > Self::MAX_CHARS || text.chars().any(char::is_control) {
            return Err(WebhookError::Description);
        }
        Ok(Self(text.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whose events an endpoint receives (seed 000's `meta.scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookScope {
    /// A partner's own events and all its tenants' (partners acting for themselves).
    Partner,
    /// One tenant's events.
    Tenant,
    /// The events of one legal entity (and its documents) of the tenant.
    LegalEntity(LegalEntityId),
}

impl WebhookScope {
    /// The API name: `partner`, `tenant` or `legal-entity`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Partner => "partner",
            Self::Tenant => "tenant",
            Self::LegalEntity(_) => "legal-entity",
        }
    }
}

/// The data of a new endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    /// Where to deliver.
    pub url: WebhookUrl,
    /// What to deliver.
    pub events: EventSelector,
    /// Whose events.
    pub scope: WebhookScope,
    /// Optional description.
    pub description: Option<Description>,
}

/// A webhook endpoint.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    /// Its id.
    pub id: WebhookId,
    /// The tenant that owns it (a partner, for partner scope).
    pub tenant_id: TenantId,
    /// The environment whose events it receives.
    pub environment: Environment,
    /// Where to deliver.
    pub url: WebhookUrl,
    /// What to deliver.
    pub events: EventSelector,
    /// Whose events.
    pub scope: WebhookScope,
    /// Optional description.
    pub description: Option<Description>,
    /// Whether deliveries are made.
    pub enabled: bool,
    /// The signing secret, sealed with the master key (bound to the id).
    pub sealed_secret: Vec<u8>,
    /// Optimistic concurrency.
    pub version: u64,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
}

impl fmt::Debug for WebhookEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookEndpoint")
            .field("id", &self.id)
            .field("tenant_id", &self.tenant_id)
            .field("environment", &self.environment)
            .field("url", &self.url)
            .field("events", &self.events)
            .field("scope", &self.scope)
            .field("enabled", &self.enabled)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// A new endpoint with its secret in clear, shown once.
#[derive(Debug, Clone)]
pub struct CreatedWebhook {
    /// The endpoint (secret sealed).
    pub endpoint: WebhookEndpoint,
    /// `whsec_<base64 of 32 random bytes>` (Standard Webhooks).
    pub secret: Redacted,
}

impl WebhookEndpoint {
    /// A new, enabled endpoint of `tenant` with a fresh secret.
    pub fn create(
        tenant_id: TenantId,
        environment: Environment,
        fields: NewWebhook,
        master_key: &MasterKey,
        at: OffsetDateTime,
    ) -> CreatedWebhook {
        let id = WebhookId::new();
        let mut bytes = [0_u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let secret = format!("whsec_{}", STANDARD.encode(bytes));
        let endpoint = Self {
            id,
            tenant_id,
            environment,
            url: fields.url,
            events: fields.events,
            scope: fields.scope,
            description: fields.description,
            enabled: true,
            sealed_secret: master_key.seal(id.as_uuid().as_bytes(), secret.as_bytes()),
            version: 1,
            created_at: at,
            updated_at: at,
        };
        CreatedWebhook {
            endpoint,
            secret: Redacted::new(secret),
        }
    }

    /// The signing secret in clear (for deliveries).
    pub fn secret(&self, master_key: &MasterKey) -> Result<Redacted, SecretError> {
        let bytes = master_key.open(self.id.as_uuid().as_bytes(), &self.sealed_secret)?;
        String::from_utf8(bytes)
            .map(Redacted::new)
            .map_err(|_| SecretError::Unsealable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixtures;

    #[test]
    fn urls_must_be_absolute_web_urls_without_credentials() {
        assert_eq!(
            WebhookUrl::parse("https://erp.example.com/hooks?x=1")
                .unwrap()
                .as_str(),
            "https://erp.example.com/hooks?x=1"
        );
        assert!(WebhookUrl::parse("http://127.0.0.1:8080/").is_ok());
        for bad in [
            "erp.example.com/hooks",
            "ftp://erp.example.com/",
            "https://user:pw@erp.example.com/",
            "https://erp.example.com/#top",
            "mailto:ops@example.com",
            "",
        ] {
            assert!(WebhookUrl::parse(bad).is_err(), "{bad}");
        }
        let long = format!("https://example.com/{}", "a".repeat(WebhookUrl::MAX_LEN));
        assert!(WebhookUrl::parse(&long).is_err());
    }

    #[test]
    fn selectors_match_all_families_or_types() {
        let selector = EventSelector::parse(&["document.*", "legal_entity.active"]).unwrap();
        assert!(selector.matches("document.delivered"));
        assert!(selector.matches("legal_entity.active"));
        assert!(!selector.matches("legal_entity.verified"));
        assert!(!selector.matches("documents.x"));
        assert!(!selector.matches("document"));
        assert!(
            EventSelector::parse(&["*"])
                .unwrap()
                .matches("tenant.created")
        );
        for bad in [
            "",
            "Document.*",
            "document",
            "*.created",
            "a.b.c",
            "document.**",
        ] {
            assert_eq!(
                EventSelector::parse(&[bad]),
                Err(WebhookError::EventPattern(bad.to_owned())),
                "{bad}"
            );
        }
        assert_eq!(
            EventSelector::parse::<&str>(&[]),
            Err(WebhookError::EventCount)
        );
        let many: Vec<String> = (0..51)
            .map(|i| format!("family.t{}", "x".repeat(i % 5 + 1)))
            .collect();
        assert_eq!(EventSelector::parse(&many), Err(WebhookError::EventCount));
        assert_eq!(
            EventSelector::parse(&["*", "*"]).unwrap().patterns(),
            ["*".to_owned()]
        );
    }

    #[test]
    fn the_secret_is_sealed_and_shown_once() {
        let master = fixtures::master_key();
        let created = WebhookEndpoint::create(
            TenantId::new(),
            Environment::Sandbox,
            NewWebhook {
                url: WebhookUrl::parse("https://erp.example.com/hooks").unwrap(),
                events: EventSelector::parse(&["*"]).unwrap(),
                scope: WebhookScope::Tenant,
                description: None,
            },
            &master,
            fixtures::T0,
        );
        let secret = created.secret.expose();
        assert!(secret.starts_with("whsec_"));
        assert_eq!(STANDARD.decode(&secret[6..]).unwrap().len(), 32);
        assert_eq!(created.endpoint.secret(&master).unwrap().expose(), secret);
        assert!(!format!("{:?}", created.endpoint).contains(secret));
        let sealed = String::from_utf8_lossy(&created.endpoint.sealed_secret);
        assert!(!sealed.contains(&secret[6..]));
    }
}
