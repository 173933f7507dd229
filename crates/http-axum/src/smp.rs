//! The gateway's SMP (Peppol SMP 1.x REST binding) and Peppol Directory business cards,
//! for the `active` legal entities of one environment.
//!
//! - `GET /{participantId}`: the ServiceGroup;
//! - `GET /{participantId}/services/{documentTypeId}`: the SignedServiceMetadata;
//! - `GET /businesscard/{participantId}`: the business card (v3).
//!
//! Identifiers are taken in their URI form (`iso6523-actorid-upis::0208:0123456749`),
//! raw or percent-encoded; the scheme and the participant value are case-insensitive.
//! Unknown, malformed, not yet active and archived participants are all 404.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use einvoice_domain::participant::ParticipantId;
use einvoice_domain::service::{Publication, PublishingService};
use einvoice_domain::smp::DocumentTypeId;
use einvoice_smp::{EndpointSettings, Signer, write};

use crate::error::ApiError;

/// The media type of SMP answers.
pub const XML_MEDIA_TYPE: &str = "text/xml; charset=UTF-8";

/// What the SMP needs: what is published, how it is signed, and where it lives.
#[derive(Clone)]
pub struct SmpState {
    publishing: PublishingService,
    signer: Arc<Signer>,
    endpoint: Arc<EndpointSettings>,
    base_url: Arc<str>,
}

impl std::fmt::Debug for SmpState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmpState")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl SmpState {
    /// The SMP of `publishing`'s environment at `base_url` (its public URL, e.g.
    /// `https://gw.example.com/smp`), signing with `signer` and publishing `endpoint`.
    pub fn new(
        publishing: PublishingService,
        signer: Signer,
        endpoint: EndpointSettings,
        base_url: &str,
    ) -> Self {
        Self {
            publishing,
            signer: Arc::new(signer),
            endpoint: Arc::new(endpoint),
            base_url: base_url.trim_end_matches('/').into(),
        }
    }
}

/// The SMP routes, relative to the SMP's root.
pub fn router(state: SmpState) -> Router {
    Router::new()
        .route("/businesscard/{participant}", get(business_card))
        .route("/{participant}", get(service_group))
        .route(
            "/{participant}/services/{document_type}",
            get(service_metadata),
        )
        .with_state(state)
}

fn participant_not_found() -> ApiError {
    ApiError::not_found("participant")
}

/// The published entity holding `text`, or 404.
async fn publication(
    state: &SmpState,
    text: &str,
) -> Result<(ParticipantId, Publication), ApiError> {
    let participant = ParticipantId::parse(text).map_err(|_| participant_not_found())?;
    let publication = state
        .publishing
        .publication(&participant)
        .await
        .map_err(|error| ApiError::internal(&error.to_string()))?
        .ok_or_else(participant_not_found)?;
    Ok((participant, publication))
}

fn xml(body: String) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(XML_MEDIA_TYPE),
        )],
        body,
    )
        .into_response()
}

async fn service_group(
    State(state): State<SmpState>,
    Path(participant): Path<String>,
) -> Result<Response, ApiError> {
    let (participant, publication) = publication(&state, &participant).await?;
    Ok(xml(write::service_group(
        &participant,
        &publication.document_types,
        &state.base_url,
    )))
}

async fn service_metadata(
    State(state): State<SmpState>,
    Path((participant, document_type)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (participant, publication) = publication(&state, &participant).await?;
    let document_type = DocumentTypeId::parse(&document_type)
        .ok()
        .filter(|wanted| publication.document_types.contains(wanted))
        .ok_or_else(|| ApiError::not_found("document type"))?;
    let unsigned = write::service_metadata(&participant, &document_type, &state.endpoint);
    let signed = state
        .signer
        .sign(&unsigned)
        .map_err(|error| ApiError::internal(&error.to_string()))?;
    Ok(xml(signed))
}

async fn business_card(
    State(state): State<SmpState>,
    Path(participant): Path<String>,
) -> Result<Response, ApiError> {
    let (participant, publication) = publication(&state, &participant).await?;
    Ok(xml(write::business_card(&publication, &participant)))
}
