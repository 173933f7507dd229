//! Driver errors to port errors: the domain never sees `sqlx::Error`.

use einvoice_domain::ports::{StoreError, Uniqueness};

/// What SQLite names in "UNIQUE constraint failed: ..." for each uniqueness rule: an
/// expression index by its name, a column constraint by its `table.column` list. Keep
/// in sync with `migrations/`.
const UNIQUE_TARGETS: [(&str, Uniqueness); 2] = [
    ("index 'tenants_code_unique'", Uniqueness::TenantCode),
    (
        "legal_entity_participant_ids.environment, legal_entity_participant_ids.participant_id",
        Uniqueness::ParticipantId,
    ),
];

/// Maps a driver error: violations of the uniqueness rules become
/// [`StoreError::Duplicate`], anything else [`StoreError::Unexpected`] with the
/// driver's message.
pub(crate) fn store_error(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::Database(database) if database.is_unique_violation() => {
            match uniqueness(database.message()) {
                Some(uniqueness) => StoreError::Duplicate(uniqueness),
                None => StoreError::Unexpected(database.to_string()),
            }
        }
        other => StoreError::Unexpected(other.to_string()),
    }
}

/// The uniqueness rule a unique-violation message is about, if it is one of ours.
fn uniqueness(message: &str) -> Option<Uniqueness> {
    let target = message.strip_prefix("UNIQUE constraint failed: ")?;
    UNIQUE_TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, uniqueness)| *uniqueness)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_code_index_is_recognised() {
        let message = "UNIQUE constraint failed: index 'tenants_code_unique'";
        assert_eq!(uniqueness(message), Some(Uniqueness::TenantCode));
    }

    #[test]
    fn participant_id_constraint_is_recognised() {
        let message = "UNIQUE constraint failed: legal_entity_participant_ids.environment, \
                       legal_entity_participant_ids.participant_id";
        assert_eq!(uniqueness(message), Some(Uniqueness::ParticipantId));
    }

    #[test]
    fn primary_key_violation_is_not_a_business_duplicate() {
        assert_eq!(uniqueness("UNIQUE constraint failed: tenants.id"), None);
    }

    #[test]
    fn other_messages_are_not_duplicates() {
        assert_eq!(uniqueness("database is locked"), None);
    }
}
