//! Driver errors to port errors: the domain never sees `sqlx::Error`.

use einvoice_domain::ports::{StoreError, Uniqueness};

/// The constraints (unique indexes included) behind each uniqueness rule, by the name
/// PostgreSQL reports in a unique violation. Keep in sync with `migrations/`.
const UNIQUE_CONSTRAINTS: [(&str, Uniqueness); 2] = [
    ("tenants_code_unique", Uniqueness::TenantCode),
    (
        "legal_entity_participant_ids_unique",
        Uniqueness::ParticipantId,
    ),
];

/// Maps a driver error: violations of the uniqueness rules become
/// [`StoreError::Duplicate`], anything else [`StoreError::Unexpected`] with the
/// driver's message (which names the constraint, never the values).
pub(crate) fn store_error(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::Database(database) if database.is_unique_violation() => {
            match database.constraint().and_then(uniqueness) {
                Some(uniqueness) => StoreError::Duplicate(uniqueness),
                None => StoreError::Unexpected(database.to_string()),
            }
        }
        other => StoreError::Unexpected(other.to_string()),
    }
}

/// The uniqueness rule a violated constraint stands for, if it is one of ours.
fn uniqueness(constraint: &str) -> Option<Uniqueness> {
    UNIQUE_CONSTRAINTS
        .iter()
        .find(|(name, _)| *name == constraint)
        .map(|(_, uniqueness)| *uniqueness)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_code_index_is_recognised() {
        assert_eq!(
            uniqueness("tenants_code_unique"),
            Some(Uniqueness::TenantCode)
        );
    }

    #[test]
    fn participant_id_constraint_is_recognised() {
        assert_eq!(
            uniqueness("legal_entity_participant_ids_unique"),
            Some(Uniqueness::ParticipantId)
        );
    }

    #[test]
    fn primary_key_violation_is_not_a_business_duplicate() {
        assert_eq!(uniqueness("tenants_pkey"), None);
    }

    #[test]
    fn token_hash_collision_is_not_a_business_duplicate() {
        assert_eq!(uniqueness("api_keys_hash_unique"), None);
    }
}
