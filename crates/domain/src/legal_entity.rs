//! Legal entities and their lifecycle (seed 002).
//!
//! ```text
//!            start_verification          verification_passed
//! pending ─────────────────────▶ verifying ─────────────────▶ verified
//!    ▲                              │  ▲                         │
//!    │                              │  └── start_verification ───┤ (from verification_failed)
//!    │                 verification_failed                       │
//!    │                              ▼                            │
//!    │                    verification_failed                    │
//!                                                                │
//! production:  verified ── request_attestation ──▶ awaiting_authz ── attest (before expiry) ──▶ attested
//!              awaiting_authz ── request_attestation ──▶ awaiting_authz (a new link replaces the old one)
//!              awaiting_authz ── expire_attestation (at/after expiry) ──▶ expired ── request_attestation ──▶ awaiting_authz
//!              attested ── start_provisioning ──▶ provisioning
//! sandbox:     verified ── start_provisioning ──▶ provisioning      (no attestation)
//! both:        provisioning ── provisioning_succeeded ──▶ active
//!              provisioning ── provisioning_failed ──▶ provisioning_failed ── start_provisioning ──▶ provisioning
//!              any status but archived ── archive ──▶ archived (terminal)
//! ```

use std::fmt;

use time::OffsetDateTime;

use crate::codes::CountryCode;
use crate::environment::Environment;
use crate::ids::{LegalEntityId, TenantId};
use crate::metadata::Metadata;
use crate::participant::ParticipantId;
use crate::text::{CompanyName, ExternalId};

/// Why registry verification failed (`verificationDetail.reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VerificationFailure {
    /// The registry knows the identifier under another company name.
    NameMismatch,
    /// The registry does not know the identifier.
    NotFound,
}

impl VerificationFailure {
    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NameMismatch => "name_mismatch",
            Self::NotFound => "not_found",
        }
    }

    /// Parses the wire name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "name_mismatch" => Some(Self::NameMismatch),
            "not_found" => Some(Self::NotFound),
            _ => None,
        }
    }
}

/// Where a legal entity is in its lifecycle. Data that only makes sense in one status
/// lives inside that status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegalEntityStatus {
    /// Created; verification queued or not yet conclusive.
    Pending,
    /// Being checked against the country's business registry.
    Verifying,
    /// Identity confirmed.
    Verified,
    /// The registry refused the identity.
    VerificationFailed {
        /// Why.
        reason: VerificationFailure,
    },
    /// Attestation requested; waiting for the customer (production only).
    AwaitingAuthz {
        /// When the request lapses.
        expires_at: OffsetDateTime,
    },
    /// The attestation request lapsed (production only).
    Expired,
    /// The customer authorised invoicing on their behalf (production only).
    Attested,
    /// Being registered on the Peppol network.
    Provisioning,
    /// Live on Peppol.
    Active,
    /// Network registration failed; it will be retried.
    ProvisioningFailed,
    /// Off-boarded; terminal.
    Archived,
}

/// The name of a status, without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusName {
    /// See [`LegalEntityStatus::Pending`].
    Pending,
    /// See [`LegalEntityStatus::Verifying`].
    Verifying,
    /// See [`LegalEntityStatus::Verified`].
    Verified,
    /// See [`LegalEntityStatus::VerificationFailed`].
    VerificationFailed,
    /// See [`LegalEntityStatus::AwaitingAuthz`].
    AwaitingAuthz,
    /// See [`LegalEntityStatus::Expired`].
    Expired,
    /// See [`LegalEntityStatus::Attested`].
    Attested,
    /// See [`LegalEntityStatus::Provisioning`].
    Provisioning,
    /// See [`LegalEntityStatus::Active`].
    Active,
    /// See [`LegalEntityStatus::ProvisioningFailed`].
    ProvisioningFailed,
    /// See [`LegalEntityStatus::Archived`].
    Archived,
}

impl StatusName {
    /// Every status name.
    pub const ALL: [Self; 11] = [
        Self::Pending,
        Self::Verifying,
        Self::Verified,
        Self::VerificationFailed,
        Self::AwaitingAuthz,
        Self::Expired,
        Self::Attested,
        Self::Provisioning,
        Self::Active,
        Self::ProvisioningFailed,
        Self::Archived,
    ];

    /// The wire and storage name (`verification_failed`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Verifying => "verifying",
            Self::Verified => "verified",
            Self::VerificationFailed => "verification_failed",
            Self::AwaitingAuthz => "awaiting_authz",
            Self::Expired => "expired",
            Self::Attested => "attested",
            Self::Provisioning => "provisioning",
            Self::Active => "active",
            Self::ProvisioningFailed => "provisioning_failed",
            Self::Archived => "archived",
        }
    }

    /// Parses the wire name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|name| name.as_str() == text)
    }
}

impl fmt::Display for StatusName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why stored status fields do not make a status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("inconsistent stored status `{0}`")]
pub struct StatusPartsError(pub String);

impl LegalEntityStatus {
    /// The status name.
    pub const fn name(&self) -> StatusName {
        match self {
            Self::Pending => StatusName::Pending,
            Self::Verifying => StatusName::Verifying,
            Self::Verified => StatusName::Verified,
            Self::VerificationFailed { .. } => StatusName::VerificationFailed,
            Self::AwaitingAuthz { .. } => StatusName::AwaitingAuthz,
            Self::Expired => StatusName::Expired,
            Self::Attested => StatusName::Attested,
            Self::Provisioning => StatusName::Provisioning,
            Self::Active => StatusName::Active,
            Self::ProvisioningFailed => StatusName::ProvisioningFailed,
            Self::Archived => StatusName::Archived,
        }
    }

    /// The verification failure reason, in `verification_failed`.
    pub const fn verification_failure(&self) -> Option<VerificationFailure> {
        match self {
            Self::VerificationFailed { reason } => Some(*reason),
            _ => None,
        }
    }

    /// When the attestation request lapses, in `awaiting_authz`.
    pub const fn attestation_expires_at(&self) -> Option<OffsetDateTime> {
        match self {
            Self::AwaitingAuthz { expires_at } => Some(*expires_at),
            _ => None,
        }
    }

    /// Rebuilds a status from the columns a store keeps (name, reason, expiry).
    pub fn from_parts(
        name: &str,
        reason: Option<&str>,
        expires_at: Option<OffsetDateTime>,
    ) -> Result<Self, StatusPartsError> {
        let bad = || StatusPartsError(name.to_owned());
        let status = match StatusName::parse(name).ok_or_else(bad)? {
            StatusName::Pending => Self::Pending,
            StatusName::Verifying => Self::Verifying,
            StatusName::Verified => Self::Verified,
            StatusName::VerificationFailed => Self::VerificationFailed {
                reason: reason
                    .and_then(VerificationFailure::parse)
                    .ok_or_else(bad)?,
            },
            StatusName::AwaitingAuthz => Self::AwaitingAuthz {
                expires_at: expires_at.ok_or_else(bad)?,
            },
            StatusName::Expired => Self::Expired,
            StatusName::Attested => Self::Attested,
            StatusName::Provisioning => Self::Provisioning,
            StatusName::Active => Self::Active,
            StatusName::ProvisioningFailed => Self::ProvisioningFailed,
            StatusName::Archived => Self::Archived,
        };
        Ok(status)
    }
}

/// What can happen to a legal entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// Registry verification starts (first time, or again after a failure).
    StartVerification,
    /// The registry confirmed the identity.
    VerificationPassed,
    /// The registry refused the identity.
    VerificationFailed(VerificationFailure),
    /// An attestation link was sent to the customer (production).
    RequestAttestation {
        /// When the link lapses.
        expires_at: OffsetDateTime,
    },
    /// The customer confirmed the attestation (production).
    Attest,
    /// The attestation link lapsed (production).
    ExpireAttestation,
    /// Network registration starts (or is retried).
    StartProvisioning,
    /// Network registration succeeded.
    ProvisioningSucceeded,
    /// Network registration failed.
    ProvisioningFailed,
    /// The partner off-boarded the entity.
    Archive,
}

impl Trigger {
    /// A short name for messages and logs.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::StartVerification => "start_verification",
            Self::VerificationPassed => "verification_passed",
            Self::VerificationFailed(_) => "verification_failed",
            Self::RequestAttestation { .. } => "request_attestation",
            Self::Attest => "attest",
            Self::ExpireAttestation => "expire_attestation",
            Self::StartProvisioning => "start_provisioning",
            Self::ProvisioningSucceeded => "provisioning_succeeded",
            Self::ProvisioningFailed => "provisioning_failed",
            Self::Archive => "archive",
        }
    }
}

/// A trigger that the current status does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The trigger is not allowed from this status in this environment.
    #[error("cannot {trigger} a legal entity in status {from} ({environment})", trigger = .trigger.as_str())]
    NotAllowed {
        /// Current status.
        from: StatusName,
        /// Refused trigger.
        trigger: Trigger,
        /// Environment of the entity.
        environment: Environment,
    },
    /// Attestation does not exist in sandbox (seed 002 answers 400).
    #[error(
        "sandbox legal entities need no attestation: once verified they are provisioned and activated"
    )]
    AttestationInSandbox,
    /// The attestation link lapsed before the customer confirmed.
    #[error("the attestation request expired at {expires_at}")]
    AttestationExpired {
        /// When it lapsed.
        expires_at: OffsetDateTime,
    },
    /// The attestation link has not lapsed yet.
    #[error("the attestation request is still valid until {expires_at}")]
    AttestationNotExpired {
        /// When it will lapse.
        expires_at: OffsetDateTime,
    },
    /// A new attestation link must expire after it is requested.
    #[error("an attestation request must expire in the future")]
    ExpiryInThePast,
}

/// The lifecycle's transition function: a pure function of (environment, status, trigger,
/// time) that returns the next status or says why the trigger is refused.
pub fn transition(
    environment: Environment,
    from: LegalEntityStatus,
    trigger: Trigger,
    at: OffsetDateTime,
) -> Result<LegalEntityStatus, TransitionError> {
    use Environment::{Production, Sandbox};
    use LegalEntityStatus as S;
    use Trigger as T;

    let not_allowed = || TransitionError::NotAllowed {
        from: from.name(),
        trigger,
        environment,
    };

    let next = match (environment, from, trigger) {
        (_, S::Archived, _) => return Err(not_allowed()),
        (_, _, T::Archive) => S::Archived,

        (_, S::Pending | S::VerificationFailed { .. }, T::StartVerification) => S::Verifying,
        (_, S::Verifying, T::VerificationPassed) => S::Verified,
        (_, S::Verifying, T::VerificationFailed(reason)) => S::VerificationFailed { reason },

        (Sandbox, _, T::RequestAttestation { .. } | T::Attest | T::ExpireAttestation) => {
            return Err(TransitionError::AttestationInSandbox);
        }
        (
            Production,
            S::Verified | S::AwaitingAuthz { .. } | S::Expired,
            T::RequestAttestation { expires_at },
        ) => {
            if expires_at <= at {
                return Err(TransitionError::ExpiryInThePast);
            }
            S::AwaitingAuthz { expires_at }
        }
        (Production, S::AwaitingAuthz { expires_at }, T::Attest) => {
            if at >= expires_at {
                return Err(TransitionError::AttestationExpired { expires_at });
            }
            S::Attested
        }
        (Production, S::AwaitingAuthz { expires_at }, T::ExpireAttestation) => {
            if at < expires_at {
                return Err(TransitionError::AttestationNotExpired { expires_at });
            }
            S::Expired
        }

        (Sandbox, S::Verified, T::StartProvisioning)
        | (Production, S::Attested, T::StartProvisioning)
        | (_, S::ProvisioningFailed, T::StartProvisioning) => S::Provisioning,
        (_, S::Provisioning, T::ProvisioningSucceeded) => S::Active,
        (_, S::Provisioning, T::ProvisioningFailed) => S::ProvisioningFailed,

        _ => return Err(not_allowed()),
    };
    Ok(next)
}

/// A company that appears on invoices, with its Peppol identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalEntity {
    /// Identifier.
    pub id: LegalEntityId,
    /// Owning tenant.
    pub tenant_id: TenantId,
    /// Sandbox or production.
    pub environment: Environment,
    /// Registered company name.
    pub company_name: CompanyName,
    /// Country of registration.
    pub country: CountryCode,
    /// The primary participant identifier, as declared at creation.
    pub identifier: ParticipantId,
    /// The caller's own reference.
    pub external_id: Option<ExternalId>,
    /// Caller-defined metadata.
    pub metadata: Metadata,
    status: LegalEntityStatus,
    version: u64,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// Time of the last change.
    pub updated_at: OffsetDateTime,
}

/// The fields of a new legal entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLegalEntity {
    /// Registered company name.
    pub company_name: CompanyName,
    /// Country of registration.
    pub country: CountryCode,
    /// Primary participant identifier.
    pub identifier: ParticipantId,
    /// The caller's own reference.
    pub external_id: Option<ExternalId>,
    /// Caller-defined metadata.
    pub metadata: Metadata,
}

impl LegalEntity {
    /// A new entity in status `pending`, version 1.
    pub fn create(
        tenant_id: TenantId,
        environment: Environment,
        fields: NewLegalEntity,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            id: LegalEntityId::new(),
            tenant_id,
            environment,
            company_name: fields.company_name,
            country: fields.country,
            identifier: fields.identifier,
            external_id: fields.external_id,
            metadata: fields.metadata,
            status: LegalEntityStatus::Pending,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    /// Rebuilds an entity read back from a store.
    #[expect(clippy::too_many_arguments, reason = "one argument per stored column")]
    pub fn restore(
        id: LegalEntityId,
        tenant_id: TenantId,
        environment: Environment,
        fields: NewLegalEntity,
        status: LegalEntityStatus,
        version: u64,
        created_at: OffsetDateTime,
        updated_at: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            tenant_id,
            environment,
            company_name: fields.company_name,
            country: fields.country,
            identifier: fields.identifier,
            external_id: fields.external_id,
            metadata: fields.metadata,
            status,
            version,
            created_at,
            updated_at,
        }
    }

    /// Current status.
    pub const fn status(&self) -> LegalEntityStatus {
        self.status
    }

    /// Optimistic-concurrency version: 1 at creation, +1 on every change.
    pub const fn version(&self) -> u64 {
        self.version
    }

    /// Every participant identifier of the entity: the primary one, then the VAT one
    /// derived from it where that derivation is provable (seed 002).
    pub fn participant_ids(&self) -> Vec<ParticipantId> {
        let mut ids = vec![self.identifier.clone()];
        ids.extend(crate::participant::derive_vat_participant_id(
            &self.identifier,
        ));
        ids
    }

    /// Whether the entity is archived.
    pub const fn is_archived(&self) -> bool {
        matches!(self.status, LegalEntityStatus::Archived)
    }

    /// Applies a lifecycle trigger: on success the status changes, the version and
    /// `updated_at` move, and the previous status is returned for the event.
    pub fn apply(
        &mut self,
        trigger: Trigger,
        at: OffsetDateTime,
    ) -> Result<LegalEntityStatus, TransitionError> {
        let next = transition(self.environment, self.status, trigger, at)?;
        let previous = std::mem::replace(&mut self.status, next);
        self.touch(at);
        Ok(previous)
    }

    /// Records an edit of the descriptive fields.
    pub fn touch(&mut self, at: OffsetDateTime) {
        self.version += 1;
        self.updated_at = at;
    }
}
