//! XML to a small namespace-resolved element tree, with the reader's limits enforced
//! while parsing: no DTD, no entity but the predefined ones and character references,
//! no element nested deeper than the limit, and a UBL `Invoice` or `CreditNote` root.

use quick_xml::NsReader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use super::ReadError;

const INVOICE_NS: &[u8] = b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const CREDIT_NOTE_NS: &[u8] = b"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const CAC_NS: &[u8] = b"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const CBC_NS: &[u8] = b"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

/// The namespaces the reader tells apart; every other one is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Namespace {
    /// The UBL `Invoice` document namespace.
    Invoice,
    /// The UBL `CreditNote` document namespace.
    CreditNote,
    /// `cac`: common aggregate components.
    Cac,
    /// `cbc`: common basic components.
    Cbc,
    /// Any other namespace, or none.
    Other,
}

impl Namespace {
    fn of(resolved: &ResolveResult<'_>) -> Result<Self, ReadError> {
        Ok(match resolved {
            ResolveResult::Bound(namespace) => match namespace.0 {
                INVOICE_NS => Self::Invoice,
                CREDIT_NOTE_NS => Self::CreditNote,
                CAC_NS => Self::Cac,
                CBC_NS => Self::Cbc,
                _ => Self::Other,
            },
            ResolveResult::Unbound => Self::Other,
            ResolveResult::Unknown(prefix) => {
                return Err(malformed(format!(
                    "namespace prefix `{}` is not declared",
                    String::from_utf8_lossy(prefix)
                )));
            }
        })
    }
}

/// One element: its namespace, local name, unqualified attributes and text.
#[derive(Debug)]
pub(super) struct Element {
    namespace: Namespace,
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    /// The namespace.
    pub(super) fn namespace(&self) -> Namespace {
        self.namespace
    }

    /// The local name.
    pub(super) fn name(&self) -> &str {
        &self.name
    }

    /// The text directly inside the element, trimmed.
    pub(super) fn text(&self) -> &str {
        self.text.trim()
    }

    /// The text content exactly as written (for terms whose line breaks matter, such as
    /// German payment terms, DE-R-018).
    pub(super) fn raw_text(&self) -> &str {
        &self.text
    }

    /// The value of the unqualified attribute `name`, trimmed.
    pub(super) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
    }

    /// The child elements, in document order.
    pub(super) fn children(&self) -> &[Element] {
        &self.children
    }

    /// Every child `cac:{name}`.
    pub(super) fn all_cac<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.named(Namespace::Cac, name)
    }

    /// Every child `cbc:{name}`.
    pub(super) fn all_cbc<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.named(Namespace::Cbc, name)
    }

    /// The first child `cac:{name}`.
    pub(super) fn cac(&self, name: &str) -> Option<&Element> {
        self.children
            .iter()
            .find(|child| child.is(Namespace::Cac, name))
    }

    /// The first child `cbc:{name}`.
    pub(super) fn cbc(&self, name: &str) -> Option<&Element> {
        self.children
            .iter()
            .find(|child| child.is(Namespace::Cbc, name))
    }

    fn named<'a>(
        &'a self,
        namespace: Namespace,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children
            .iter()
            .filter(move |child| child.is(namespace, name))
    }

    fn is(&self, namespace: Namespace, name: &str) -> bool {
        self.namespace == namespace && self.name == name
    }
}

fn malformed(reason: impl Into<String>) -> ReadError {
    ReadError::Malformed(reason.into())
}

fn utf8(bytes: &[u8]) -> Result<&str, ReadError> {
    std::str::from_utf8(bytes).map_err(|_| malformed("a name is not valid UTF-8"))
}

/// Parses `xml` into its root element, which must be a UBL `Invoice` or `CreditNote`.
pub(super) fn parse(xml: &[u8], max_depth: usize) -> Result<Element, ReadError> {
    let mut reader = NsReader::from_reader(xml);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.allow_unmatched_ends = false;
    config.allow_dangling_amp = false;
    config.expand_empty_elements = false;
    let mut open: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|error| malformed(error.to_string()))?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                if root.is_some() {
                    return Err(malformed("content after the root element"));
                }
                let element = open_element(&reader, start, open.is_empty())?;
                if open.len() >= max_depth {
                    return Err(ReadError::TooDeep { max: max_depth });
                }
                if matches!(event, Event::Start(_)) {
                    open.push(element);
                } else {
                    close(&mut open, &mut root, element);
                }
            }
            Event::End(_) => {
                let element = open
                    .pop()
                    .ok_or_else(|| malformed("an end tag without start tag"))?;
                close(&mut open, &mut root, element);
            }
            Event::Text(text) => {
                let content = text
                    .xml10_content()
                    .map_err(|error| malformed(error.to_string()))?;
                append_text(&mut open, &content)?;
            }
            Event::CData(data) => {
                let content = data
                    .xml10_content()
                    .map_err(|error| malformed(error.to_string()))?;
                let Some(element) = open.last_mut() else {
                    return Err(malformed("character data outside the root element"));
                };
                element.text.push_str(&content);
            }
            Event::GeneralRef(reference) => {
                let resolved = if let Some(character) = reference
                    .resolve_char_ref()
                    .map_err(|error| malformed(error.to_string()))?
                {
                    character.to_string()
                } else {
                    let name = reference
                        .decode()
                        .map_err(|error| malformed(error.to_string()))?;
                    resolve_predefined_entity(&name)
                        .ok_or_else(|| malformed(format!("entity `{name}` is not defined")))?
                        .to_owned()
                };
                let Some(element) = open.last_mut() else {
                    return Err(malformed("a reference outside the root element"));
                };
                element.text.push_str(&resolved);
            }
            Event::DocType(_) => {
                return Err(malformed("document type declarations are not accepted"));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !open.is_empty() {
        return Err(malformed("the document ends inside an element"));
    }
    root.ok_or_else(|| malformed("the document has no root element"))
}

/// Builds the element of a start tag; the root must be a UBL `Invoice` or `CreditNote`.
fn open_element(
    reader: &NsReader<&[u8]>,
    start: &BytesStart<'_>,
    is_root: bool,
) -> Result<Element, ReadError> {
    let (resolved, local) = reader.resolve_element(start.name());
    let namespace = Namespace::of(&resolved)?;
    let name = utf8(local.into_inner())?.to_owned();
    if is_root {
        let is_ubl = matches!(
            (namespace, name.as_str()),
            (Namespace::Invoice, "Invoice") | (Namespace::CreditNote, "CreditNote")
        );
        if !is_ubl {
            let uri = match resolved {
                ResolveResult::Bound(uri) => String::from_utf8_lossy(uri.0).into_owned(),
                _ => String::new(),
            };
            return Err(ReadError::NotUbl(format!("{{{uri}}}{name}")));
        }
    }
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|error| malformed(error.to_string()))?;
        if attribute.key.as_namespace_binding().is_some() {
            continue;
        }
        let (resolved, local) = reader.resolve_attribute(attribute.key);
        match resolved {
            ResolveResult::Unbound => {
                let value = attribute
                    .decode_and_unescape_value(reader.decoder())
                    .map_err(|error| malformed(error.to_string()))?;
                attributes.push((utf8(local.into_inner())?.to_owned(), value.into_owned()));
            }
            // Qualified attributes (xsi:schemaLocation, ...) carry no business term.
            ResolveResult::Bound(_) => {}
            ResolveResult::Unknown(prefix) => {
                return Err(malformed(format!(
                    "namespace prefix `{}` is not declared",
                    String::from_utf8_lossy(&prefix)
                )));
            }
        }
    }
    Ok(Element {
        namespace,
        name,
        attributes,
        text: String::new(),
        children: Vec::new(),
    })
}

fn close(open: &mut [Element], root: &mut Option<Element>, element: Element) {
    match open.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn append_text(open: &mut [Element], content: &str) -> Result<(), ReadError> {
    match open.last_mut() {
        Some(element) => {
            element.text.push_str(content);
            Ok(())
        }
        None if content.trim().is_empty() => Ok(()),
        None => Err(malformed("text outside the root element")),
    }
}
