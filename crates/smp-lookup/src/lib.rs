//! The [`CapabilityLookup`] adapter: finds a participant's SMP through the SML (a NAPTR
//! record, `Meta:SMP`, flag `U`, resolved with hickory), fetches its ServiceGroup and
//! every ServiceMetadata over HTTP, verifies each signature against the trusted SMP
//! certificates, keeps the endpoints within their activation period, and caches the
//! answer for a while.
//!
//! Limits: a timeout on DNS and on every HTTP request, a size limit on every answer,
//! a limit on the number of document types read, and no redirects followed.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use einvoice_domain::clock::Clock;
use einvoice_domain::participant::ParticipantId;
use einvoice_domain::smp::sml::{self, SmlZone};
use einvoice_domain::smp::{Capabilities, CapabilityLookup, LookupError};
use einvoice_smp::read::{self, ServiceMetadata};
use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::proto::xfer::Protocol;
use hickory_resolver::{ResolveError, TokioResolver};

/// How the lookup reaches the SML and the SMPs.
#[derive(Debug, Clone)]
pub struct LookupSettings {
    /// The SML zone participants are published in.
    pub zone: SmlZone,
    /// The DNS server to ask; the system's resolvers when `None`.
    pub dns_server: Option<SocketAddr>,
    /// Time allowed for the DNS query and for each HTTP request.
    pub timeout: Duration,
    /// Largest SMP answer read, in bytes.
    pub max_answer_bytes: usize,
    /// Most document types read from one ServiceGroup.
    pub max_document_types: usize,
    /// How long an answer is reused.
    pub cache_ttl: Duration,
    /// Most answers kept; expired ones are dropped when it is reached, and nothing new
    /// is cached while every kept answer is still fresh.
    pub max_cached: usize,
    /// Certificates (DER) the SMP signing certificates must chain to: the Peppol SMP
    /// CA of the environment, or pinned SMP certificates.
    pub trusted_certificates: Vec<Vec<u8>>,
}

impl LookupSettings {
    /// Defaults for `zone`: 10 s timeouts, 1 MiB answers, 50 document types, answers
    /// cached 10 minutes, at most 10,000 of them.
    pub fn new(zone: SmlZone, trusted_certificates: Vec<Vec<u8>>) -> Self {
        Self {
            zone,
            dns_server: None,
            timeout: Duration::from_secs(10),
            max_answer_bytes: 1024 * 1024,
            max_document_types: 50,
            cache_ttl: Duration::from_mins(10),
            max_cached: 10_000,
            trusted_certificates,
        }
    }
}

/// The SML/SMP capability lookup.
pub struct SmpLookup {
    settings: LookupSettings,
    resolver: TokioResolver,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    cache: Mutex<HashMap<String, (Instant, Capabilities)>>,
}

impl std::fmt::Debug for SmpLookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmpLookup")
            .field("zone", &self.settings.zone)
            .field("dns_server", &self.settings.dns_server)
            .finish_non_exhaustive()
    }
}

fn unavailable(reason: impl std::fmt::Display) -> LookupError {
    LookupError::Unavailable(reason.to_string())
}

fn invalid(reason: impl std::fmt::Display) -> LookupError {
    LookupError::Invalid(reason.to_string())
}

impl SmpLookup {
    /// A lookup with `settings`; `clock` decides which endpoints are active.
    pub fn new(settings: LookupSettings, clock: Arc<dyn Clock>) -> Result<Self, LookupError> {
        let mut options = ResolverOpts::default();
        options.timeout = settings.timeout;
        options.attempts = 1;
        let resolver = match settings.dns_server {
            Some(server) => {
                let mut config = ResolverConfig::new();
                config.add_name_server(NameServerConfig::new(server, Protocol::Udp));
                config.add_name_server(NameServerConfig::new(server, Protocol::Tcp));
                TokioResolver::builder_with_config(config, TokioConnectionProvider::default())
            }
            None => TokioResolver::builder_tokio().map_err(unavailable)?,
        }
        .with_options(options)
        .build();
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(unavailable)?;
        Ok(Self {
            settings,
            resolver,
            http,
            clock,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The SMP base URL of `participant`, from its NAPTR record.
    async fn smp_url(&self, participant: &ParticipantId) -> Result<String, LookupError> {
        let name = format!("{}.", sml::naptr_name(participant, &self.settings.zone));
        let lookup = match self.resolver.lookup(name.as_str(), RecordType::NAPTR).await {
            Ok(lookup) => lookup,
            Err(error) if is_absent(&error) => {
                return Err(LookupError::NotRegistered(participant.to_string()));
            }
            Err(error) => return Err(unavailable(format!("DNS: {error}"))),
        };
        let mut records: Vec<_> = lookup
            .record_iter()
            .filter_map(|record| match record.data() {
                RData::NAPTR(naptr) => Some(naptr.clone()),
                _ => None,
            })
            .filter(|naptr| {
                naptr.flags().eq_ignore_ascii_case(b"u")
                    && naptr.services().eq_ignore_ascii_case(b"meta:smp")
            })
            .collect();
        records.sort_by_key(|naptr| (naptr.order(), naptr.preference()));
        let naptr = records
            .first()
            .ok_or_else(|| LookupError::NotRegistered(participant.to_string()))?;
        smp_url_from_regexp(naptr.regexp())
    }

    /// Reads `url` with the size limit; 404 is `None`.
    async fn fetch(&self, url: &str) -> Result<Option<String>, LookupError> {
        let mut response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|error| unavailable(format!("{url}: {error}")))?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(unavailable(format!("{url}: HTTP {}", response.status())));
        }
        let limit = self.settings.max_answer_bytes;
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Err(invalid(format!("{url}: the answer exceeds {limit} bytes")));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| unavailable(format!("{url}: {error}")))?
        {
            if body.len() + chunk.len() > limit {
                return Err(invalid(format!("{url}: the answer exceeds {limit} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        String::from_utf8(body)
            .map(Some)
            .map_err(|_| invalid(format!("{url}: the answer is not UTF-8")))
    }

    async fn look_up(&self, participant: &ParticipantId) -> Result<Capabilities, LookupError> {
        let base = self.smp_url(participant).await?;
        let group_url = format!(
            "{}/{}",
            base.trim_end_matches('/'),
            einvoice_smp::write::path_segment(&participant.to_uri())
        );
        let not_published = || LookupError::NotPublished(participant.to_string());
        let group = self.fetch(&group_url).await?.ok_or_else(not_published)?;
        let group = read::service_group(&group).map_err(invalid)?;
        if !same_participant(&group.participant, participant) {
            return Err(invalid(format!(
                "the ServiceGroup is about {}, not {participant}",
                group.participant
            )));
        }
        if group.references.len() > self.settings.max_document_types {
            return Err(invalid(format!(
                "the ServiceGroup lists more than {} document types",
                self.settings.max_document_types
            )));
        }
        let now = self.clock.now();
        let mut documents = Vec::new();
        for reference in &group.references {
            let Some(xml) = self.fetch(reference).await? else {
                continue;
            };
            einvoice_smp::sign::verify(&xml, &self.settings.trusted_certificates)
                .map_err(|error| invalid(format!("{reference}: {error}")))?;
            match read::signed_service_metadata(&xml).map_err(invalid)? {
                ServiceMetadata::Information {
                    participant: published,
                    mut capability,
                } => {
                    if !same_participant(&published, participant) {
                        return Err(invalid(format!(
                            "{reference} is about {published}, not {participant}"
                        )));
                    }
                    for route in &mut capability.routes {
                        route.endpoints.retain(|endpoint| endpoint.is_valid_at(now));
                    }
                    capability
                        .routes
                        .retain(|route| !route.endpoints.is_empty());
                    if !capability.routes.is_empty() {
                        documents.push(capability);
                    }
                }
                ServiceMetadata::Redirect { href } => {
                    return Err(invalid(format!(
                        "{reference} redirects to {href}; redirects are not followed"
                    )));
                }
            }
        }
        Ok(Capabilities {
            participant: participant.clone(),
            documents,
        })
    }

    fn cached(&self, key: &str) -> Option<Capabilities> {
        let cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .get(key)
            .filter(|(expires, _)| Instant::now() < *expires)
            .map(|(_, capabilities)| capabilities.clone())
    }
}

/// Whether a participant identifier text (`scheme:value`, optionally with its scheme
/// prefix) names `participant`.
fn same_participant(text: &str, participant: &ParticipantId) -> bool {
    ParticipantId::parse(text).is_ok_and(|read| &read == participant)
        || text.eq_ignore_ascii_case(&participant.to_string())
}

fn is_absent(error: &ResolveError) -> bool {
    error.is_nx_domain() || error.is_no_records_found()
}

/// The SMP URL of a `Meta:SMP` NAPTR regular expression. Peppol publishes the form
/// `!^.*$!URL!` (the whole name is replaced by the URL); other expressions are refused.
pub fn smp_url_from_regexp(regexp: &[u8]) -> Result<String, LookupError> {
    let text = std::str::from_utf8(regexp).map_err(|_| invalid("the NAPTR regexp is not UTF-8"))?;
    let delimiter = text
        .chars()
        .next()
        .ok_or_else(|| invalid("the NAPTR record has no regexp"))?;
    let parts: Vec<&str> = text.split(delimiter).collect();
    match parts.as_slice() {
        ["", "^.*$", url, flags] if flags.is_empty() || *flags == "i" => {
            if url.starts_with("http://") || url.starts_with("https://") {
                Ok((*url).to_owned())
            } else {
                Err(invalid(format!(
                    "the NAPTR regexp yields `{url}`, not a URL"
                )))
            }
        }
        _ => Err(invalid(format!(
            "the NAPTR regexp `{text}` is not of the form !^.*$!URL!"
        ))),
    }
}

#[async_trait]
impl CapabilityLookup for SmpLookup {
    async fn capabilities(&self, participant: &ParticipantId) -> Result<Capabilities, LookupError> {
        let key = participant.canonical();
        if let Some(capabilities) = self.cached(&key) {
            return Ok(capabilities);
        }
        let capabilities = self.look_up(participant).await?;
        let now = Instant::now();
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() >= self.settings.max_cached {
            cache.retain(|_, (expires, _)| now < *expires);
        }
        if cache.len() < self.settings.max_cached {
            cache.insert(key, (now + self.settings.cache_ttl, capabilities.clone()));
        }
        Ok(capabilities)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naptr_regexps_yield_the_smp_url() {
        assert_eq!(
            smp_url_from_regexp(b"!^.*$!http://smp.example.com!"),
            Ok("http://smp.example.com".to_owned())
        );
        assert_eq!(
            smp_url_from_regexp(b"#^.*$#https://smp.example.com/smp#"),
            Ok("https://smp.example.com/smp".to_owned())
        );
        for bad in [
            &b""[..],
            b"!^.*$!ftp://smp.example.com!",
            b"!^(.*)$!http://\\1!",
            b"!^.*$!http://a!b!",
        ] {
            assert!(smp_url_from_regexp(bad).is_err(), "{bad:?}");
        }
    }
}
