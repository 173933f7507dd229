//! Typed identifiers: one UUID newtype per kind of object, so that a tenant id can never
//! be passed where a legal entity id is expected.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// Why a string is not an identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a valid identifier (expected a UUID)")]
pub struct IdError(pub String);

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered identifier (UUID v7).
            #[expect(clippy::new_without_default, reason = "a new id is not a default value")]
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// Wraps an existing UUID (e.g. read back from a store).
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The underlying UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// Parses the hyphenated UUID form.
            pub fn parse(text: &str) -> Result<Self, IdError> {
                Uuid::try_parse(text).map(Self).map_err(|_| IdError(text.to_owned()))
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }
    };
}

id_type!(
    /// Identifies a tenant (a partner or one of its child tenants).
    TenantId
);
id_type!(
    /// Identifies a legal entity.
    LegalEntityId
);
id_type!(
    /// Identifies an API key.
    ApiKeyId
);
id_type!(
    /// Identifies a domain event.
    EventId
);
id_type!(
    /// Identifies one stored rendition of a business document (seed 004's document id).
    DocumentId
);
id_type!(
    /// Identifies a webhook endpoint.
    WebhookId
);
id_type!(
    /// Correlates the renditions produced from one submitted business document.
    ProcessId
);
id_type!(
    /// Identifies a durable job (also the idempotency key of its effect).
    JobId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = TenantId::new();
        assert_eq!(TenantId::parse(&id.to_string()), Ok(id));
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert_eq!(LegalEntityId::parse("nope"), Err(IdError("nope".into())));
    }

    #[test]
    fn new_ids_are_time_ordered() {
        let first = ApiKeyId::new();
        let second = ApiKeyId::new();
        assert!(first < second);
    }
}
