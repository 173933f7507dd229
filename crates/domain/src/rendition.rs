//! Stored documents. A submitted business document becomes one **rendition** per wire
//! format the receiver needs (seed 004): UBL Peppol BIS 3 for the Peppol network today.
//! The renditions of one submission share a [`ProcessId`]; each moves through its own
//! lifecycle, decided by [`transition`]:
//!
//! ```text
//! ACCEPTED -> QUEUED_FOR_VALIDATION -> VALID -> QUEUED_FOR_SENDING -> SUBMITTED -> DELIVERED
//!                                   \-> INVALID                   \-> FAILED   \-> FAILED
//! ```
//!
//! `INVALID`, `DELIVERED` and `FAILED` are terminal. A rendition's content (the wire
//! document itself) is written once, with the rendition, and never changes.

use std::fmt;

use time::{Date, OffsetDateTime};

use crate::document::model::DocumentKind;
use crate::environment::Environment;
use crate::ids::{DocumentId, LegalEntityId, ProcessId, TenantId};
use crate::participant::ParticipantId;

/// The wire format of a rendition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Peppol BIS Billing 3.0 UBL (`UBL_PEPPOL_BIS_3`).
    UblPeppolBis3,
}

impl Format {
    /// Every format, for tables and parsing.
    pub const ALL: [Self; 1] = [Self::UblPeppolBis3];

    /// The API name (seed 004).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::UblPeppolBis3 => "UBL_PEPPOL_BIS_3",
        }
    }

    /// The format with this API name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|format| format.as_str() == text)
    }

    /// The media type of the content.
    pub const fn media_type(self) -> &'static str {
        match self {
            Self::UblPeppolBis3 => "application/xml",
        }
    }
}

/// The network or platform a rendition is delivered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// The Peppol network (`PEPPOL`).
    Peppol,
}

impl Target {
    /// Every target.
    pub const ALL: [Self; 1] = [Self::Peppol];

    /// The API name (seed 004).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Peppol => "PEPPOL",
        }
    }

    /// The target with this API name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|target| target.as_str() == text)
    }
}

/// Sent by a tenant, or received for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flow {
    /// Sent by the tenant (`outbound`).
    Outbound,
    /// Received for the tenant (`inbound`).
    Inbound,
}

impl Flow {
    /// Both directions.
    pub const ALL: [Self; 2] = [Self::Outbound, Self::Inbound];

    /// The API name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Outbound => "outbound",
            Self::Inbound => "inbound",
        }
    }

    /// The direction with this API name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|flow| flow.as_str() == text)
    }
}

/// The names of [`DocumentKind`] in the API and the stores.
pub const fn kind_name(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Invoice => "invoice",
        DocumentKind::CreditNote => "credit_note",
    }
}

/// The kind with this stored name.
pub fn parse_kind(text: &str) -> Option<DocumentKind> {
    [DocumentKind::Invoice, DocumentKind::CreditNote]
        .into_iter()
        .find(|kind| kind_name(*kind) == text)
}

/// Why a rendition ended in `INVALID` or `FAILED`: a stable code and a human message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReason {
    code: String,
    message: String,
}

impl StatusReason {
    /// The longest code, in characters.
    pub const MAX_CODE: usize = 64;
    /// The longest message, in characters (longer ones are cut at a character boundary).
    pub const MAX_MESSAGE: usize = 1000;

    /// A reason; the code is cut to [`Self::MAX_CODE`] and the message to
    /// [`Self::MAX_MESSAGE`] characters.
    pub fn new(code: &str, message: &str) -> Self {
        Self {
            code: code.chars().take(Self::MAX_CODE).collect(),
            message: message.chars().take(Self::MAX_MESSAGE).collect(),
        }
    }

    /// The stable code, e.g. `receiver_unknown`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The human message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Where a rendition is in its lifecycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentStatus {
    /// Received and stored.
    Accepted,
    /// Waiting for validation of the rendered document.
    QueuedForValidation,
    /// The rendered document passed validation.
    Valid,
    /// The rendered document failed validation (terminal).
    Invalid(StatusReason),
    /// Waiting to be sent.
    QueuedForSending,
    /// Handed to the network.
    Submitted,
    /// The receiver has it (terminal).
    Delivered,
    /// Could not be delivered (terminal).
    Failed(StatusReason),
}

/// The name of a [`DocumentStatus`], without its data: for filters and storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentStatusName {
    /// See [`DocumentStatus::Accepted`].
    Accepted,
    /// See [`DocumentStatus::QueuedForValidation`].
    QueuedForValidation,
    /// See [`DocumentStatus::Valid`].
    Valid,
    /// See [`DocumentStatus::Invalid`].
    Invalid,
    /// See [`DocumentStatus::QueuedForSending`].
    QueuedForSending,
    /// See [`DocumentStatus::Submitted`].
    Submitted,
    /// See [`DocumentStatus::Delivered`].
    Delivered,
    /// See [`DocumentStatus::Failed`].
    Failed,
}

impl DocumentStatusName {
    /// Every status, in lifecycle order.
    pub const ALL: [Self; 8] = [
        Self::Accepted,
        Self::QueuedForValidation,
        Self::Valid,
        Self::Invalid,
        Self::QueuedForSending,
        Self::Submitted,
        Self::Delivered,
        Self::Failed,
    ];

    /// The API name (seed 004), e.g. `QUEUED_FOR_VALIDATION`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "ACCEPTED",
            Self::QueuedForValidation => "QUEUED_FOR_VALIDATION",
            Self::Valid => "VALID",
            Self::Invalid => "INVALID",
            Self::QueuedForSending => "QUEUED_FOR_SENDING",
            Self::Submitted => "SUBMITTED",
            Self::Delivered => "DELIVERED",
            Self::Failed => "FAILED",
        }
    }

    /// The status with this API name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|name| name.as_str() == text)
    }

    /// Whether no transition leaves this status.
    pub const fn is_terminal(self) -> bool {
        matches!(self, Self::Invalid | Self::Delivered | Self::Failed)
    }
}

impl fmt::Display for DocumentStatusName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl DocumentStatus {
    /// The status's name.
    pub const fn name(&self) -> DocumentStatusName {
        match self {
            Self::Accepted => DocumentStatusName::Accepted,
            Self::QueuedForValidation => DocumentStatusName::QueuedForValidation,
            Self::Valid => DocumentStatusName::Valid,
            Self::Invalid(_) => DocumentStatusName::Invalid,
            Self::QueuedForSending => DocumentStatusName::QueuedForSending,
            Self::Submitted => DocumentStatusName::Submitted,
            Self::Delivered => DocumentStatusName::Delivered,
            Self::Failed(_) => DocumentStatusName::Failed,
        }
    }

    /// The reason of `INVALID` and `FAILED`.
    pub const fn reason(&self) -> Option<&StatusReason> {
        match self {
            Self::Invalid(reason) | Self::Failed(reason) => Some(reason),
            _ => None,
        }
    }

    /// Rebuilds a status from its stored parts.
    pub fn from_parts(
        name: &str,
        reason_code: Option<&str>,
        reason_message: Option<&str>,
    ) -> Result<Self, String> {
        let name = DocumentStatusName::parse(name)
            .ok_or_else(|| format!("unknown document status `{name}`"))?;
        let reason = || match (reason_code, reason_message) {
            (Some(code), Some(message)) => Ok(StatusReason::new(code, message)),
            _ => Err(format!("status {name} needs a reason")),
        };
        Ok(match name {
            DocumentStatusName::Accepted => Self::Accepted,
            DocumentStatusName::QueuedForValidation => Self::QueuedForValidation,
            DocumentStatusName::Valid => Self::Valid,
            DocumentStatusName::Invalid => Self::Invalid(reason()?),
            DocumentStatusName::QueuedForSending => Self::QueuedForSending,
            DocumentStatusName::Submitted => Self::Submitted,
            DocumentStatusName::Delivered => Self::Delivered,
            DocumentStatusName::Failed => Self::Failed(reason()?),
        })
    }
}

/// What happens to a rendition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentTrigger {
    /// The rendition is queued for validation.
    QueueValidation,
    /// Validation passed.
    ValidationPassed,
    /// Validation failed.
    ValidationFailed(StatusReason),
    /// The rendition is queued for sending.
    QueueSending,
    /// The network took the rendition.
    Submit,
    /// The receiver has it.
    Deliver,
    /// Sending or delivery failed for good.
    Fail(StatusReason),
}

impl DocumentTrigger {
    /// Short name for messages.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::QueueValidation => "queue_validation",
            Self::ValidationPassed => "validation_passed",
            Self::ValidationFailed(_) => "validation_failed",
            Self::QueueSending => "queue_sending",
            Self::Submit => "submit",
            Self::Deliver => "deliver",
            Self::Fail(_) => "fail",
        }
    }
}

/// A trigger the lifecycle does not allow in a status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a document in status {from} cannot {}", trigger.as_str())]
pub struct DocumentTransitionError {
    /// The status the rendition was in.
    pub from: DocumentStatusName,
    /// What was attempted.
    pub trigger: DocumentTrigger,
}

/// The lifecycle of a rendition: the status `trigger` leads to from `from`.
pub fn transition(
    from: &DocumentStatus,
    trigger: DocumentTrigger,
) -> Result<DocumentStatus, DocumentTransitionError> {
    use DocumentStatus as S;
    use DocumentTrigger as T;
    match (from, trigger) {
        (S::Accepted, T::QueueValidation) => Ok(S::QueuedForValidation),
        (S::QueuedForValidation, T::ValidationPassed) => Ok(S::Valid),
        (S::QueuedForValidation, T::ValidationFailed(reason)) => Ok(S::Invalid(reason)),
        (S::Valid, T::QueueSending) => Ok(S::QueuedForSending),
        (S::QueuedForSending, T::Submit) => Ok(S::Submitted),
        (S::Submitted, T::Deliver) => Ok(S::Delivered),
        (S::QueuedForSending | S::Submitted, T::Fail(reason)) => Ok(S::Failed(reason)),
        (from, trigger) => Err(DocumentTransitionError {
            from: from.name(),
            trigger,
        }),
    }
}

/// What describes a rendition besides its lifecycle: fixed when it is created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenditionFacts {
    /// The submission it belongs to.
    pub process_id: ProcessId,
    /// The owning tenant.
    pub tenant_id: TenantId,
    /// The environment it was sent in.
    pub environment: Environment,
    /// Sent or received.
    pub flow: Flow,
    /// Invoice or credit note.
    pub kind: DocumentKind,
    /// The wire format.
    pub format: Format,
    /// Where it goes.
    pub target: Target,
    /// The tenant's legal entity that sends (outbound) or receives (inbound) it.
    pub legal_entity_id: Option<LegalEntityId>,
    /// BT-1, the document number.
    pub document_number: String,
    /// BT-2, the issue date.
    pub issue_date: Date,
    /// The sender's participant id (the seller's electronic address).
    pub sender: Option<ParticipantId>,
    /// The receiver's participant id (the buyer's electronic address).
    pub receiver: Option<ParticipantId>,
}

/// One stored rendition of a business document, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendition {
    /// Its id (seed 004's per-rendition document id).
    pub id: DocumentId,
    /// What it is.
    pub facts: RenditionFacts,
    status: DocumentStatus,
    version: u64,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When its status last changed.
    pub updated_at: OffsetDateTime,
}

impl Rendition {
    /// A new rendition, `ACCEPTED`.
    pub fn accept(facts: RenditionFacts, at: OffsetDateTime) -> Self {
        Self {
            id: DocumentId::new(),
            facts,
            status: DocumentStatus::Accepted,
            version: 0,
            created_at: at,
            updated_at: at,
        }
    }

    /// A rendition read back from a store.
    pub fn restore(
        id: DocumentId,
        facts: RenditionFacts,
        status: DocumentStatus,
        version: u64,
        created_at: OffsetDateTime,
        updated_at: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            facts,
            status,
            version,
            created_at,
            updated_at,
        }
    }

    /// Its status.
    pub const fn status(&self) -> &DocumentStatus {
        &self.status
    }

    /// Its version: incremented by every transition (optimistic concurrency).
    pub const fn version(&self) -> u64 {
        self.version
    }

    /// Applies `trigger` at `at`; returns the previous status.
    ///
    /// # Errors
    /// When the lifecycle does not allow `trigger` now; nothing changes then.
    pub fn apply(
        &mut self,
        trigger: DocumentTrigger,
        at: OffsetDateTime,
    ) -> Result<DocumentStatus, DocumentTransitionError> {
        let next = transition(&self.status, trigger)?;
        self.version += 1;
        self.updated_at = at;
        Ok(std::mem::replace(&mut self.status, next))
    }
}

/// A rendition with its content, as written once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRendition {
    /// The rendition.
    pub rendition: Rendition,
    /// The wire document.
    pub content: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason() -> StatusReason {
        StatusReason::new("code", "message")
    }

    fn triggers() -> Vec<DocumentTrigger> {
        vec![
            DocumentTrigger::QueueValidation,
            DocumentTrigger::ValidationPassed,
            DocumentTrigger::ValidationFailed(reason()),
            DocumentTrigger::QueueSending,
            DocumentTrigger::Submit,
            DocumentTrigger::Deliver,
            DocumentTrigger::Fail(reason()),
        ]
    }

    fn statuses() -> Vec<DocumentStatus> {
        DocumentStatusName::ALL
            .into_iter()
            .map(|name| {
                DocumentStatus::from_parts(name.as_str(), Some("code"), Some("message"))
                    .expect("every name")
            })
            .collect()
    }

    #[test]
    fn the_allowed_transitions_are_exactly_the_lifecycle() {
        use DocumentStatusName as N;
        let allowed: Vec<(N, &str, N)> = vec![
            (N::Accepted, "queue_validation", N::QueuedForValidation),
            (N::QueuedForValidation, "validation_passed", N::Valid),
            (N::QueuedForValidation, "validation_failed", N::Invalid),
            (N::Valid, "queue_sending", N::QueuedForSending),
            (N::QueuedForSending, "submit", N::Submitted),
            (N::QueuedForSending, "fail", N::Failed),
            (N::Submitted, "deliver", N::Delivered),
            (N::Submitted, "fail", N::Failed),
        ];
        let mut seen = Vec::new();
        for from in statuses() {
            for trigger in triggers() {
                let name = trigger.as_str();
                match transition(&from, trigger.clone()) {
                    Ok(to) => seen.push((from.name(), name, to.name())),
                    Err(error) => {
                        assert_eq!(error.from, from.name());
                        assert_eq!(error.trigger, trigger);
                    }
                }
            }
        }
        assert_eq!(seen, allowed);
    }

    #[test]
    fn terminal_statuses_have_no_way_out() {
        for from in statuses() {
            let leaves = triggers()
                .into_iter()
                .any(|trigger| transition(&from, trigger).is_ok());
            assert_eq!(leaves, !from.name().is_terminal(), "{}", from.name());
        }
    }

    #[test]
    fn failure_reasons_travel_with_the_status() {
        let failed = transition(
            &DocumentStatus::Submitted,
            DocumentTrigger::Fail(StatusReason::new("receiver_unknown", "no SMP entry")),
        )
        .expect("allowed");
        assert_eq!(
            failed.reason().map(StatusReason::code),
            Some("receiver_unknown")
        );
        assert_eq!(
            DocumentStatus::from_parts("FAILED", None, None),
            Err("status FAILED needs a reason".to_owned())
        );
        assert!(DocumentStatus::from_parts("SENT", None, None).is_err());
    }

    #[test]
    fn reasons_are_bounded() {
        let long = "é".repeat(5000);
        let reason = StatusReason::new(&long, &long);
        assert_eq!(reason.code().chars().count(), StatusReason::MAX_CODE);
        assert_eq!(reason.message().chars().count(), StatusReason::MAX_MESSAGE);
    }

    #[test]
    fn names_round_trip() {
        for name in DocumentStatusName::ALL {
            assert_eq!(DocumentStatusName::parse(name.as_str()), Some(name));
        }
        for flow in Flow::ALL {
            assert_eq!(Flow::parse(flow.as_str()), Some(flow));
        }
        for kind in [DocumentKind::Invoice, DocumentKind::CreditNote] {
            assert_eq!(parse_kind(kind_name(kind)), Some(kind));
        }
        assert_eq!(
            Format::parse("UBL_PEPPOL_BIS_3"),
            Some(Format::UblPeppolBis3)
        );
        assert_eq!(Target::parse("PEPPOL"), Some(Target::Peppol));
    }
}
