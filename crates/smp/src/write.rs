//! The SMP's XML: ServiceGroup, ServiceMetadata (signed by [`crate::sign`]) and the
//! Peppol Directory business card. Element names, namespaces and order follow the
//! Peppol SMP 1.x schema (`peppol-smp-types-v1-ext.xsd`) and the business card v3
//! schema.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use einvoice_domain::participant::ParticipantId;
use einvoice_domain::service::Publication;
use einvoice_domain::smp::{DocumentTypeId, PROCESS_SCHEME, ProcessId, TransportProfile};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use quick_xml::escape::escape;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The SMP 1.x publishing namespace.
pub const SMP_NS: &str = "http://busdox.org/serviceMetadata/publishing/1.0/";
/// The identifiers namespace (`ids:`).
pub const IDS_NS: &str = "http://busdox.org/transport/identifiers/1.0/";
/// The WS-Addressing namespace of `EndpointReference`.
pub const WSA_NS: &str = "http://www.w3.org/2005/08/addressing";
/// The Peppol Directory business card v3 namespace.
pub const BUSINESS_CARD_NS: &str = "http://www.peppol.eu/schema/pd/businesscard/20180621/";

/// Characters kept as they are in a path segment; everything else is percent-encoded
/// (`:` and `#` included, as SMP clients send them).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path segment holding an identifier in URI form.
pub fn path_segment(identifier_uri: &str) -> String {
    utf8_percent_encode(identifier_uri, SEGMENT).to_string()
}

/// The endpoint the SMP publishes for every document type: the gateway's access point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSettings {
    /// The access point's AS4 URL.
    pub address: String,
    /// The access point's certificate (DER).
    pub certificate_der: Vec<u8>,
    /// From when the endpoint is active.
    pub activation: Option<OffsetDateTime>,
    /// Until when it is active.
    pub expiration: Option<OffsetDateTime>,
    /// `ServiceDescription`.
    pub description: String,
    /// `TechnicalContactUrl` (a URL or an e-mail address).
    pub technical_contact: String,
    /// `TechnicalInformationUrl`, when there is one.
    pub technical_information: Option<String>,
}

/// The ServiceGroup of `participant`: one ServiceMetadataReference per document type,
/// under `smp_base_url` (the SMP's public URL, without a trailing slash).
pub fn service_group(
    participant: &ParticipantId,
    document_types: &[DocumentTypeId],
    smp_base_url: &str,
) -> String {
    let mut xml = String::with_capacity(1024);
    xml.push_str(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#);
    let _ = write!(
        xml,
        r#"<ServiceGroup xmlns="{SMP_NS}" xmlns:ids="{IDS_NS}">"#
    );
    participant_identifier(&mut xml, participant);
    xml.push_str("<ServiceMetadataReferenceCollection>");
    for document_type in document_types {
        let href = format!(
            "{smp_base_url}/{}/services/{}",
            path_segment(&participant.to_uri()),
            path_segment(&document_type.to_uri())
        );
        let _ = write!(
            xml,
            r#"<ServiceMetadataReference href="{}"/>"#,
            escape(href.as_str())
        );
    }
    xml.push_str("</ServiceMetadataReferenceCollection></ServiceGroup>");
    xml
}

/// The unsigned `SignedServiceMetadata` of `participant` for `document_type`, with the
/// Peppol BIS Billing process and the AS4 endpoint; [`crate::sign::sign`] appends the
/// `Signature`.
pub fn service_metadata(
    participant: &ParticipantId,
    document_type: &DocumentTypeId,
    endpoint: &EndpointSettings,
) -> String {
    let mut xml = String::with_capacity(4096);
    xml.push_str(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#);
    let _ = write!(
        xml,
        r#"<SignedServiceMetadata xmlns="{SMP_NS}" xmlns:ids="{IDS_NS}"><ServiceMetadata><ServiceInformation>"#
    );
    participant_identifier(&mut xml, participant);
    let _ = write!(
        xml,
        r#"<ids:DocumentIdentifier scheme="{}">{}</ids:DocumentIdentifier>"#,
        DocumentTypeId::SCHEME,
        escape(document_type.as_str())
    );
    let _ = write!(
        xml,
        r#"<ProcessList><Process><ids:ProcessIdentifier scheme="{PROCESS_SCHEME}">{}</ids:ProcessIdentifier><ServiceEndpointList>"#,
        escape(ProcessId::bis_billing().as_str())
    );
    let _ = write!(
        xml,
        r#"<Endpoint transportProfile="{}"><EndpointReference xmlns="{WSA_NS}"><Address>{}</Address></EndpointReference>"#,
        TransportProfile::peppol_as4().as_str(),
        escape(endpoint.address.as_str())
    );
    xml.push_str("<RequireBusinessLevelSignature>false</RequireBusinessLevelSignature>");
    if let Some(at) = endpoint.activation {
        let _ = write!(
            xml,
            "<ServiceActivationDate>{}</ServiceActivationDate>",
            date_time(at)
        );
    }
    if let Some(at) = endpoint.expiration {
        let _ = write!(
            xml,
            "<ServiceExpirationDate>{}</ServiceExpirationDate>",
            date_time(at)
        );
    }
    let _ = write!(
        xml,
        "<Certificate>{}</Certificate><ServiceDescription>{}</ServiceDescription><TechnicalContactUrl>{}</TechnicalContactUrl>",
        STANDARD.encode(&endpoint.certificate_der),
        escape(endpoint.description.as_str()),
        escape(endpoint.technical_contact.as_str())
    );
    if let Some(url) = &endpoint.technical_information {
        let _ = write!(
            xml,
            "<TechnicalInformationUrl>{}</TechnicalInformationUrl>",
            escape(url.as_str())
        );
    }
    xml.push_str("</Endpoint></ServiceEndpointList></Process></ProcessList></ServiceInformation></ServiceMetadata></SignedServiceMetadata>");
    xml
}

/// The Peppol Directory business card (v3) of a publication: the entity's name and
/// country, its participant identifiers, and the tenant's contact.
pub fn business_card(publication: &Publication, participant: &ParticipantId) -> String {
    let entity = &publication.entity;
    let mut xml = String::with_capacity(1024);
    xml.push_str(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#);
    let _ = write!(
        xml,
        r#"<BusinessCard xmlns="{BUSINESS_CARD_NS}"><ParticipantIdentifier scheme="{}">{}</ParticipantIdentifier>"#,
        ParticipantId::IDENTIFIER_SCHEME,
        escape(participant.to_string().as_str())
    );
    let _ = write!(
        xml,
        r#"<BusinessEntity registrationDate="{}"><Name>{}</Name><CountryCode>{}</CountryCode>"#,
        entity.created_at.date(),
        escape(entity.company_name.as_str()),
        entity.country.as_str()
    );
    for id in entity.participant_ids() {
        let _ = write!(
            xml,
            r#"<Identifier scheme="{}">{}</Identifier>"#,
            ParticipantId::IDENTIFIER_SCHEME,
            escape(id.to_string().as_str())
        );
    }
    let contact = &publication.contact;
    if contact.name.is_some() || contact.email.is_some() || contact.phone.is_some() {
        xml.push_str("<Contact>");
        if let Some(name) = &contact.name {
            let _ = write!(xml, "<Name>{}</Name>", escape(name.as_str()));
        }
        if let Some(phone) = &contact.phone {
            let _ = write!(xml, "<PhoneNumber>{}</PhoneNumber>", escape(phone.as_str()));
        }
        if let Some(email) = &contact.email {
            let _ = write!(xml, "<Email>{}</Email>", escape(email.as_str()));
        }
        xml.push_str("</Contact>");
    }
    xml.push_str("</BusinessEntity></BusinessCard>");
    xml
}

fn participant_identifier(xml: &mut String, participant: &ParticipantId) {
    let _ = write!(
        xml,
        r#"<ids:ParticipantIdentifier scheme="{}">{}</ids:ParticipantIdentifier>"#,
        ParticipantId::IDENTIFIER_SCHEME,
        escape(participant.to_string().as_str())
    );
}

fn date_time(at: OffsetDateTime) -> String {
    at.replace_nanosecond(0)
        .unwrap_or(at)
        .format(&Rfc3339)
        .unwrap_or_default()
}
