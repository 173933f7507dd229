//! Reading SMP answers: a ServiceGroup's references and a SignedServiceMetadata's
//! endpoints, namespace-aware, with a depth limit and no DTD or external entity.
//! The caller bounds the size (the lookup adapter reads at most its limit).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use einvoice_domain::smp::{
    Capability, DocumentTypeId, Endpoint, ProcessId, Route, TransportProfile,
};
use quick_xml::NsReader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::write::{IDS_NS, SMP_NS, WSA_NS};

/// The deepest element nesting accepted.
pub const MAX_DEPTH: usize = 32;

/// Why an SMP answer cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Not well-formed XML, or a construct refused (DTD, unknown entity, too deep).
    #[error("malformed XML: {0}")]
    Malformed(String),
    /// Well-formed, but not the SMP 1.x element expected.
    #[error("not an SMP answer: {0}")]
    Unexpected(String),
}

/// A ServiceGroup: the participant and the ServiceMetadataReference URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceGroup {
    /// `scheme::value` of the participant, as written.
    pub participant: String,
    /// The `href` of every ServiceMetadataReference.
    pub references: Vec<String>,
}

/// A ServiceMetadata: the participant, the document type and its routes, or a redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceMetadata {
    /// The service information.
    Information {
        /// `value` of the participant identifier (without its scheme).
        participant: String,
        /// The document type and its processes.
        capability: Capability,
    },
    /// The participant's metadata lives at another SMP.
    Redirect {
        /// Where.
        href: String,
    },
}

/// Reads a ServiceGroup.
pub fn service_group(xml: &str) -> Result<ServiceGroup, ReadError> {
    let root = parse(xml)?;
    root.expect(SMP_NS, "ServiceGroup")?;
    let participant = root
        .child(IDS_NS, "ParticipantIdentifier")?
        .text()
        .to_owned();
    let references = root
        .child(SMP_NS, "ServiceMetadataReferenceCollection")?
        .children_named(SMP_NS, "ServiceMetadataReference")
        .filter_map(|reference| reference.attribute("href").map(str::to_owned))
        .collect();
    Ok(ServiceGroup {
        participant,
        references,
    })
}

/// Reads a SignedServiceMetadata (its signature is checked by [`crate::sign::verify`]).
pub fn signed_service_metadata(xml: &str) -> Result<ServiceMetadata, ReadError> {
    let root = parse(xml)?;
    root.expect(SMP_NS, "SignedServiceMetadata")?;
    let metadata = root.child(SMP_NS, "ServiceMetadata")?;
    if let Ok(redirect) = metadata.child(SMP_NS, "Redirect") {
        let href = redirect
            .attribute("href")
            .ok_or_else(|| unexpected("Redirect without href"))?;
        return Ok(ServiceMetadata::Redirect {
            href: href.to_owned(),
        });
    }
    let information = metadata.child(SMP_NS, "ServiceInformation")?;
    let participant = information
        .child(IDS_NS, "ParticipantIdentifier")?
        .text()
        .to_owned();
    let document_type =
        DocumentTypeId::parse(information.child(IDS_NS, "DocumentIdentifier")?.text())
            .map_err(|error| unexpected(error.to_string()))?;
    let mut routes = Vec::new();
    for process in information
        .child(SMP_NS, "ProcessList")?
        .children_named(SMP_NS, "Process")
    {
        let process_id = ProcessId::new(process.child(IDS_NS, "ProcessIdentifier")?.text());
        let mut endpoints = Vec::new();
        for endpoint in process
            .child(SMP_NS, "ServiceEndpointList")?
            .children_named(SMP_NS, "Endpoint")
        {
            endpoints.push(read_endpoint(endpoint)?);
        }
        routes.push(Route {
            process: process_id,
            endpoints,
        });
    }
    Ok(ServiceMetadata::Information {
        participant,
        capability: Capability {
            document_type,
            routes,
        },
    })
}

fn read_endpoint(endpoint: &Element) -> Result<Endpoint, ReadError> {
    let transport_profile = endpoint
        .attribute("transportProfile")
        .ok_or_else(|| unexpected("Endpoint without transportProfile"))?;
    let address = endpoint
        .child(WSA_NS, "EndpointReference")?
        .child(WSA_NS, "Address")?
        .text()
        .to_owned();
    let compact: String = endpoint
        .child(SMP_NS, "Certificate")?
        .text()
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let certificate_der = STANDARD
        .decode(compact)
        .map_err(|error| unexpected(format!("Certificate is not base64: {error}")))?;
    let date = |name: &str| -> Result<Option<OffsetDateTime>, ReadError> {
        endpoint
            .optional_child(SMP_NS, name)
            .map(|element| date_time(element.text()))
            .transpose()
    };
    let text = |name: &str| {
        endpoint
            .optional_child(SMP_NS, name)
            .map(|element| element.text().to_owned())
            .unwrap_or_default()
    };
    Ok(Endpoint {
        transport_profile: TransportProfile::new(transport_profile),
        address,
        certificate_der,
        activation: date("ServiceActivationDate")?,
        expiration: date("ServiceExpirationDate")?,
        description: text("ServiceDescription"),
        technical_contact: text("TechnicalContactUrl"),
    })
}

/// An `xs:dateTime`; without a zone it is taken as UTC.
fn date_time(text: &str) -> Result<OffsetDateTime, ReadError> {
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(at);
    }
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    PrimitiveDateTime::parse(text, &format)
        .map(PrimitiveDateTime::assume_utc)
        .map_err(|_| unexpected(format!("`{text}` is not an xs:dateTime")))
}

fn malformed(reason: impl Into<String>) -> ReadError {
    ReadError::Malformed(reason.into())
}

fn unexpected(reason: impl Into<String>) -> ReadError {
    ReadError::Unexpected(reason.into())
}

/// One element of the parsed tree.
#[derive(Debug)]
struct Element {
    namespace: String,
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn is(&self, namespace: &str, name: &str) -> bool {
        self.namespace == namespace && self.name == name
    }

    fn expect(&self, namespace: &str, name: &str) -> Result<(), ReadError> {
        if self.is(namespace, name) {
            Ok(())
        } else {
            Err(unexpected(format!(
                "expected {{{namespace}}}{name}, found {{{}}}{}",
                self.namespace, self.name
            )))
        }
    }

    fn text(&self) -> &str {
        self.text.trim()
    }

    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
    }

    fn optional_child(&self, namespace: &str, name: &str) -> Option<&Element> {
        self.children.iter().find(|child| child.is(namespace, name))
    }

    fn child(&self, namespace: &str, name: &str) -> Result<&Element, ReadError> {
        self.optional_child(namespace, name)
            .ok_or_else(|| unexpected(format!("{} has no {name}", self.name)))
    }

    fn children_named<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children
            .iter()
            .filter(move |child| child.is(namespace, name))
    }
}

fn parse(xml: &str) -> Result<Element, ReadError> {
    let mut reader = NsReader::from_str(xml);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.allow_unmatched_ends = false;
    let mut open: Vec<Element> = Vec::new();
    let mut root = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|error| malformed(error.to_string()))?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                if root.is_some() {
                    return Err(malformed("content after the root element"));
                }
                if open.len() >= MAX_DEPTH {
                    return Err(malformed(format!("elements nest deeper than {MAX_DEPTH}")));
                }
                let element = element(&reader, start)?;
                if matches!(event, Event::Start(_)) {
                    open.push(element);
                } else {
                    attach(&mut open, &mut root, element);
                }
            }
            Event::End(_) => {
                let element = open
                    .pop()
                    .ok_or_else(|| malformed("an end tag without start tag"))?;
                attach(&mut open, &mut root, element);
            }
            Event::Text(text) => {
                let content = text
                    .xml10_content()
                    .map_err(|error| malformed(error.to_string()))?;
                if let Some(element) = open.last_mut() {
                    element.text.push_str(&content);
                }
            }
            Event::CData(data) => {
                let content = data
                    .xml10_content()
                    .map_err(|error| malformed(error.to_string()))?;
                if let Some(element) = open.last_mut() {
                    element.text.push_str(&content);
                }
            }
            Event::GeneralRef(reference) => {
                let character = reference
                    .resolve_char_ref()
                    .map_err(|error| malformed(error.to_string()))?;
                let resolved = if let Some(character) = character {
                    character.to_string()
                } else {
                    let name = reference
                        .decode()
                        .map_err(|error| malformed(error.to_string()))?;
                    resolve_predefined_entity(&name)
                        .ok_or_else(|| malformed(format!("entity `{name}` is not defined")))?
                        .to_owned()
                };
                if let Some(element) = open.last_mut() {
                    element.text.push_str(&resolved);
                }
            }
            Event::DocType(_) => return Err(malformed("document type declarations are refused")),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !open.is_empty() {
        return Err(malformed("the document ends inside an element"));
    }
    root.ok_or_else(|| malformed("no root element"))
}

fn element(reader: &NsReader<&[u8]>, start: &BytesStart<'_>) -> Result<Element, ReadError> {
    let (resolved, local) = reader.resolve_element(start.name());
    let namespace = match resolved {
        ResolveResult::Bound(namespace) => String::from_utf8_lossy(namespace.0).into_owned(),
        ResolveResult::Unbound => String::new(),
        ResolveResult::Unknown(prefix) => {
            return Err(malformed(format!(
                "namespace prefix `{}` is not declared",
                String::from_utf8_lossy(&prefix)
            )));
        }
    };
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|error| malformed(error.to_string()))?;
        if attribute.key.as_namespace_binding().is_some() {
            continue;
        }
        let (resolved, local) = reader.resolve_attribute(attribute.key);
        if matches!(resolved, ResolveResult::Unbound) {
            let value = attribute
                .decode_and_unescape_value(reader.decoder())
                .map_err(|error| malformed(error.to_string()))?;
            attributes.push((
                String::from_utf8_lossy(local.into_inner()).into_owned(),
                value.into_owned(),
            ));
        }
    }
    Ok(Element {
        namespace,
        name: String::from_utf8_lossy(local.into_inner()).into_owned(),
        attributes,
        text: String::new(),
        children: Vec::new(),
    })
}

fn attach(open: &mut [Element], root: &mut Option<Element>, element: Element) {
    match open.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}
