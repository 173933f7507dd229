//! The legal entity lifecycle (seed 002) as a specification table.
//!
//! [`allowed`] lists every allowed transition of the diagram in `legal_entity.rs`. Every
//! other combination of environment, status and trigger (over representative values of the
//! data-carrying statuses and triggers) must be refused, with the reason [`refusal`] gives.
//! A property test then drives random trigger sequences through `LegalEntity::apply`.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use einvoice_domain::environment::Environment::{self, Production, Sandbox};
use einvoice_domain::legal_entity::{
    LegalEntity, LegalEntityStatus as S, StatusName, TransitionError, Trigger as T,
    VerificationFailure as Reason, transition,
};
use einvoice_domain::testing::fixtures;
use proptest::prelude::*;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// The time every table transition is evaluated at.
const AT: OffsetDateTime = datetime!(2026-03-01 12:00:00 UTC);
/// An attestation expiry after [`AT`].
const FUTURE: OffsetDateTime = datetime!(2026-03-08 12:00:00 UTC);
/// Another attestation expiry after [`AT`].
const LATER: OffsetDateTime = datetime!(2026-03-31 12:00:00 UTC);
/// An attestation expiry before [`AT`].
const PAST: OffsetDateTime = datetime!(2026-02-28 12:00:00 UTC);

const NAME_MISMATCH: S = S::VerificationFailed {
    reason: Reason::NameMismatch,
};
const NOT_FOUND: S = S::VerificationFailed {
    reason: Reason::NotFound,
};

/// Statuses only production entities may be in.
const PRODUCTION_ONLY: [StatusName; 3] = [
    StatusName::AwaitingAuthz,
    StatusName::Attested,
    StatusName::Expired,
];

const fn awaiting(expires_at: OffsetDateTime) -> S {
    S::AwaitingAuthz { expires_at }
}

const fn request(expires_at: OffsetDateTime) -> T {
    T::RequestAttestation { expires_at }
}

/// One value of every status; an attestation that expires after, exactly at and before
/// [`AT`].
fn statuses() -> Vec<S> {
    vec![
        S::Pending,
        S::Verifying,
        S::Verified,
        NAME_MISMATCH,
        NOT_FOUND,
        awaiting(FUTURE),
        awaiting(AT),
        awaiting(PAST),
        S::Expired,
        S::Attested,
        S::Provisioning,
        S::Active,
        S::ProvisioningFailed,
        S::Archived,
    ]
}

/// One value of every trigger; attestation requests that expire after, exactly at and
/// before [`AT`].
fn triggers() -> Vec<T> {
    vec![
        T::StartVerification,
        T::VerificationPassed,
        T::VerificationFailed(Reason::NameMismatch),
        T::VerificationFailed(Reason::NotFound),
        request(FUTURE),
        request(LATER),
        request(AT),
        request(PAST),
        T::Attest,
        T::ExpireAttestation,
        T::StartProvisioning,
        T::ProvisioningSucceeded,
        T::ProvisioningFailed,
        T::Archive,
    ]
}

/// The environments a table row applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum In {
    Both,
    Sandbox,
    Production,
}

impl In {
    fn environments(self) -> Vec<Environment> {
        match self {
            Self::Both => Environment::ALL.to_vec(),
            Self::Sandbox => vec![Sandbox],
            Self::Production => vec![Production],
        }
    }
}

/// Every allowed transition: (environments, from, trigger) -> to, evaluated at [`AT`].
fn allowed() -> Vec<(In, S, T, S)> {
    let mut rows = vec![
        // Verification, in both environments.
        (In::Both, S::Pending, T::StartVerification, S::Verifying),
        (In::Both, NAME_MISMATCH, T::StartVerification, S::Verifying),
        (In::Both, NOT_FOUND, T::StartVerification, S::Verifying),
        (In::Both, S::Verifying, T::VerificationPassed, S::Verified),
        (
            In::Both,
            S::Verifying,
            T::VerificationFailed(Reason::NameMismatch),
            NAME_MISMATCH,
        ),
        (
            In::Both,
            S::Verifying,
            T::VerificationFailed(Reason::NotFound),
            NOT_FOUND,
        ),
        // Attestation, production only; requests must expire after AT.
        (
            In::Production,
            S::Verified,
            request(FUTURE),
            awaiting(FUTURE),
        ),
        (In::Production, S::Verified, request(LATER), awaiting(LATER)),
        (
            In::Production,
            S::Expired,
            request(FUTURE),
            awaiting(FUTURE),
        ),
        (In::Production, S::Expired, request(LATER), awaiting(LATER)),
        // A new request replaces a pending one (the code allows it; the diagram does not
        // draw this edge).
        (
            In::Production,
            awaiting(FUTURE),
            request(FUTURE),
            awaiting(FUTURE),
        ),
        (
            In::Production,
            awaiting(FUTURE),
            request(LATER),
            awaiting(LATER),
        ),
        (
            In::Production,
            awaiting(AT),
            request(FUTURE),
            awaiting(FUTURE),
        ),
        (
            In::Production,
            awaiting(AT),
            request(LATER),
            awaiting(LATER),
        ),
        (
            In::Production,
            awaiting(PAST),
            request(FUTURE),
            awaiting(FUTURE),
        ),
        (
            In::Production,
            awaiting(PAST),
            request(LATER),
            awaiting(LATER),
        ),
        // Attest strictly before expiry; expire at or after it.
        (In::Production, awaiting(FUTURE), T::Attest, S::Attested),
        (
            In::Production,
            awaiting(AT),
            T::ExpireAttestation,
            S::Expired,
        ),
        (
            In::Production,
            awaiting(PAST),
            T::ExpireAttestation,
            S::Expired,
        ),
        // Provisioning starts after attestation (production) or verification (sandbox).
        (
            In::Production,
            S::Attested,
            T::StartProvisioning,
            S::Provisioning,
        ),
        (
            In::Sandbox,
            S::Verified,
            T::StartProvisioning,
            S::Provisioning,
        ),
        (
            In::Both,
            S::Provisioning,
            T::ProvisioningSucceeded,
            S::Active,
        ),
        (
            In::Both,
            S::Provisioning,
            T::ProvisioningFailed,
            S::ProvisioningFailed,
        ),
        (
            In::Both,
            S::ProvisioningFailed,
            T::StartProvisioning,
            S::Provisioning,
        ),
    ];
    // Any status but archived can be archived.
    rows.extend(
        statuses()
            .into_iter()
            .filter(|status| *status != S::Archived)
            .map(|from| (In::Both, from, T::Archive, S::Archived)),
    );
    rows
}

/// The table, keyed by (environment, from, trigger); panics on a duplicate row.
fn table() -> HashMap<(Environment, S, T), S> {
    let mut table = HashMap::new();
    for (scope, from, trigger, to) in allowed() {
        for environment in scope.environments() {
            let previous = table.insert((environment, from, trigger), to);
            assert_eq!(
                previous, None,
                "duplicate row {environment} {from:?} {trigger:?}"
            );
        }
    }
    table
}

/// Why a combination that is not in the table is refused at [`AT`].
fn refusal(environment: Environment, from: S, trigger: T) -> TransitionError {
    let not_allowed = TransitionError::NotAllowed {
        from: from.name(),
        trigger,
        environment,
    };
    if from == S::Archived {
        return not_allowed;
    }
    match (environment, from, trigger) {
        (Sandbox, _, T::RequestAttestation { .. } | T::Attest | T::ExpireAttestation) => {
            TransitionError::AttestationInSandbox
        }
        (
            Production,
            S::Verified | S::AwaitingAuthz { .. } | S::Expired,
            T::RequestAttestation { expires_at },
        ) if expires_at <= AT => TransitionError::ExpiryInThePast,
        (Production, S::AwaitingAuthz { expires_at }, T::Attest) if expires_at <= AT => {
            TransitionError::AttestationExpired { expires_at }
        }
        (Production, S::AwaitingAuthz { expires_at }, T::ExpireAttestation) if expires_at > AT => {
            TransitionError::AttestationNotExpired { expires_at }
        }
        _ => not_allowed,
    }
}

#[test]
fn representative_values_cover_every_status_name() {
    let names: BTreeSet<StatusName> = statuses().iter().map(S::name).collect();
    assert_eq!(names, StatusName::ALL.into_iter().collect());
}

#[test]
fn every_transition_of_the_table_is_allowed() {
    for ((environment, from, trigger), to) in table() {
        assert_eq!(
            transition(environment, from, trigger, AT),
            Ok(to),
            "{environment}: {from:?} --{trigger:?}-->"
        );
    }
}

#[test]
fn every_combination_outside_the_table_is_refused_with_its_reason() {
    let table = table();
    let mut allowed_seen = 0;
    for environment in Environment::ALL {
        for from in statuses() {
            for trigger in triggers() {
                let result = transition(environment, from, trigger, AT);
                let expected = match table.get(&(environment, from, trigger)) {
                    Some(to) => {
                        allowed_seen += 1;
                        Ok(*to)
                    }
                    None => Err(refusal(environment, from, trigger)),
                };
                assert_eq!(result, expected, "{environment}: {from:?} --{trigger:?}-->");
            }
        }
    }
    // Every row of the table is made of representative values, so the loops met them all.
    assert_eq!(allowed_seen, table.len());
}

#[test]
fn archived_is_terminal() {
    for environment in Environment::ALL {
        for trigger in triggers() {
            assert_eq!(
                transition(environment, S::Archived, trigger, AT),
                Err(TransitionError::NotAllowed {
                    from: StatusName::Archived,
                    trigger,
                    environment
                })
            );
        }
    }
}

#[test]
fn sandbox_transitions_never_enter_a_production_only_status() {
    for from in statuses() {
        for trigger in triggers() {
            if let Ok(to) = transition(Sandbox, from, trigger, AT) {
                assert!(
                    !PRODUCTION_ONLY.contains(&to.name()),
                    "sandbox: {from:?} --{trigger:?}--> {to:?}"
                );
            }
        }
    }
}

/// The status names reachable from `pending` with the representative triggers, applied
/// at [`AT`] or once every representative expiry has passed.
fn reachable(environment: Environment) -> BTreeSet<StatusName> {
    let times = [AT, LATER + Duration::days(1)];
    let mut seen = HashSet::from([S::Pending]);
    let mut queue = VecDeque::from([S::Pending]);
    while let Some(from) = queue.pop_front() {
        for (trigger, at) in triggers().into_iter().flat_map(|t| times.map(|at| (t, at))) {
            if let Ok(to) = transition(environment, from, trigger, at)
                && seen.insert(to)
            {
                queue.push_back(to);
            }
        }
    }
    seen.iter().map(S::name).collect()
}

#[test]
fn sandbox_reaches_every_status_but_the_attestation_ones() {
    let expected: BTreeSet<StatusName> = StatusName::ALL
        .into_iter()
        .filter(|name| !PRODUCTION_ONLY.contains(name))
        .collect();
    assert_eq!(reachable(Sandbox), expected);
}

#[test]
fn production_reaches_every_status() {
    assert_eq!(reachable(Production), StatusName::ALL.into_iter().collect());
}

#[test]
fn attestation_deadlines_are_exclusive_for_attest_and_inclusive_for_expiry() {
    let expires_at = AT;
    let just_before = AT - Duration::microseconds(1);
    let waiting = awaiting(expires_at);
    assert_eq!(
        transition(Production, waiting, T::Attest, just_before),
        Ok(S::Attested)
    );
    assert_eq!(
        transition(Production, waiting, T::Attest, expires_at),
        Err(TransitionError::AttestationExpired { expires_at })
    );
    assert_eq!(
        transition(Production, waiting, T::ExpireAttestation, just_before),
        Err(TransitionError::AttestationNotExpired { expires_at })
    );
    assert_eq!(
        transition(Production, waiting, T::ExpireAttestation, expires_at),
        Ok(S::Expired)
    );
    assert_eq!(
        transition(Production, S::Verified, request(AT), AT),
        Err(TransitionError::ExpiryInThePast)
    );
    assert_eq!(
        transition(
            Production,
            S::Verified,
            request(AT + Duration::microseconds(1)),
            AT
        ),
        Ok(awaiting(AT + Duration::microseconds(1)))
    );
}

#[test]
fn refusal_message_names_the_trigger_the_status_and_the_environment() {
    let error = transition(Sandbox, S::Pending, T::StartProvisioning, AT).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot start_provisioning a legal entity in status pending (sandbox)"
    );
}

fn fresh(environment: Environment) -> LegalEntity {
    let partner = fixtures::partner("Lifecycle Partner");
    fixtures::legal_entity(&partner, environment, 42, "Lifecycle SA")
}

#[test]
fn apply_moves_the_status_bumps_the_version_and_returns_the_previous_status() {
    let mut entity = fresh(Production);
    let created_at = entity.created_at;
    let at = fixtures::T0 + Duration::hours(1);
    assert_eq!(entity.version(), 1);
    assert_eq!(entity.apply(T::StartVerification, at), Ok(S::Pending));
    assert_eq!(entity.status(), S::Verifying);
    assert_eq!(entity.version(), 2);
    assert_eq!(entity.updated_at, at);
    assert_eq!(entity.created_at, created_at);
}

#[test]
fn apply_leaves_the_entity_unchanged_when_refused() {
    for (trigger, error) in [
        (
            T::StartProvisioning,
            TransitionError::NotAllowed {
                from: StatusName::Pending,
                trigger: T::StartProvisioning,
                environment: Sandbox,
            },
        ),
        (T::Attest, TransitionError::AttestationInSandbox),
    ] {
        let mut entity = fresh(Sandbox);
        let before = entity.clone();
        assert_eq!(
            entity.apply(trigger, fixtures::T0 + Duration::hours(1)),
            Err(error)
        );
        assert_eq!(entity, before);
    }
}

#[test]
fn archived_entity_is_unchanged_by_any_trigger() {
    let mut entity = fresh(Production);
    entity.apply(T::Archive, fixtures::T0).unwrap();
    let before = entity.clone();
    for trigger in triggers() {
        assert!(matches!(
            entity.apply(trigger, fixtures::T0 + Duration::days(1)),
            Err(TransitionError::NotAllowed {
                from: StatusName::Archived,
                ..
            })
        ));
        assert_eq!(entity, before);
    }
}

#[test]
fn happy_paths_reach_active_with_one_version_per_step() {
    let sandbox = [
        T::StartVerification,
        T::VerificationPassed,
        T::StartProvisioning,
        T::ProvisioningSucceeded,
    ];
    let production = [
        T::StartVerification,
        T::VerificationPassed,
        request(fixtures::T0 + Duration::days(7)),
        T::Attest,
        T::StartProvisioning,
        T::ProvisioningFailed,
        T::StartProvisioning,
        T::ProvisioningSucceeded,
    ];
    for (environment, path) in [(Sandbox, &sandbox[..]), (Production, &production[..])] {
        let mut entity = fresh(environment);
        for trigger in path {
            entity
                .apply(*trigger, fixtures::T0 + Duration::hours(1))
                .unwrap();
        }
        assert_eq!(entity.status(), S::Active);
        assert_eq!(entity.version(), 1 + path.len() as u64);
    }
}

/// A trigger to generate; attestation expiries are relative to the time of the step.
#[derive(Debug, Clone, Copy)]
enum Spec {
    Fixed(T),
    RequestAttestation { expires_in_seconds: i64 },
}

impl Spec {
    fn at(self, at: OffsetDateTime) -> T {
        match self {
            Self::Fixed(trigger) => trigger,
            Self::RequestAttestation { expires_in_seconds } => {
                request(at + Duration::seconds(expires_in_seconds))
            }
        }
    }
}

fn spec() -> impl Strategy<Value = Spec> {
    // Archive is rare, so that sequences get far before they end.
    prop_oneof![
        4 => Just(Spec::Fixed(T::StartVerification)),
        4 => Just(Spec::Fixed(T::VerificationPassed)),
        2 => Just(Spec::Fixed(T::VerificationFailed(Reason::NameMismatch))),
        2 => Just(Spec::Fixed(T::VerificationFailed(Reason::NotFound))),
        4 => (-3_600_i64..=3 * 86_400)
            .prop_map(|expires_in_seconds| Spec::RequestAttestation { expires_in_seconds }),
        4 => Just(Spec::Fixed(T::Attest)),
        3 => Just(Spec::Fixed(T::ExpireAttestation)),
        4 => Just(Spec::Fixed(T::StartProvisioning)),
        4 => Just(Spec::Fixed(T::ProvisioningSucceeded)),
        3 => Just(Spec::Fixed(T::ProvisioningFailed)),
        1 => Just(Spec::Fixed(T::Archive)),
    ]
}

/// Seconds the clock moves before a step: often not at all, up to two days.
fn time_step() -> impl Strategy<Value = i64> {
    prop_oneof![1 => Just(0_i64), 3 => 0_i64..=2 * 86_400]
}

/// Checks one step's invariants; returns whether it succeeded.
fn check_step(entity: &mut LegalEntity, trigger: T, at: OffsetDateTime) -> bool {
    let before = entity.clone();
    let from = before.status();
    let expected = transition(before.environment, from, trigger, at);
    let result = entity.apply(trigger, at);
    let context = format!("{}: {from:?} --{trigger:?}--> at {at}", before.environment);
    let to = entity.status();
    match result {
        Ok(previous) => {
            assert_eq!(previous, from, "{context}");
            assert_eq!(expected, Ok(to), "{context}");
            assert_eq!(entity.version(), before.version() + 1, "{context}");
            assert_eq!(entity.updated_at, at, "{context}");
        }
        Err(error) => {
            assert_eq!(expected, Err(error), "{context}");
            assert_eq!(*entity, before, "{context}");
        }
    }
    if from == S::Archived {
        assert_eq!(to, S::Archived, "{context}");
    }
    if before.environment == Sandbox {
        assert!(!PRODUCTION_ONLY.contains(&to.name()), "{context}");
    }
    if to == S::Active && from != S::Active {
        assert_eq!(from, S::Provisioning, "{context}");
    }
    if to == S::Attested && from != S::Attested {
        assert!(
            matches!(from, S::AwaitingAuthz { expires_at } if at < expires_at),
            "{context}"
        );
    }
    if to == S::Expired && from != S::Expired {
        assert!(
            matches!(from, S::AwaitingAuthz { expires_at } if at >= expires_at),
            "{context}"
        );
    }
    result.is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_trigger_sequences_keep_the_invariants(
        steps in prop::collection::vec((spec(), time_step()), 0..=40),
    ) {
        for environment in Environment::ALL {
            let mut entity = fresh(environment);
            let mut at = entity.created_at;
            let mut successes = 0_u64;
            for (spec, seconds) in &steps {
                at += Duration::seconds(*seconds);
                if check_step(&mut entity, spec.at(at), at) {
                    successes += 1;
                }
                prop_assert_eq!(entity.version(), 1 + successes);
            }
        }
    }
}
