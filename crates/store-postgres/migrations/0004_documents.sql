-- Documents: one row per rendition of a submitted (or received) business document, with
-- its wire content. Conventions as in 0001_initial.sql.

CREATE TABLE documents (
    id                  uuid        NOT NULL PRIMARY KEY,
    process_id          uuid        NOT NULL,
    tenant_id           uuid        NOT NULL REFERENCES tenants (id),
    environment         text        NOT NULL CHECK (environment IN ('sandbox', 'production')),
    direction           text        NOT NULL CHECK (direction IN ('outbound', 'inbound')),
    kind                text        NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    format              text        NOT NULL,
    target              text        NOT NULL,
    -- Not a foreign key: the entity may be archived, its documents stay.
    legal_entity_id     uuid,
    document_number     text        NOT NULL,
    issue_date          date        NOT NULL,
    sender              text,
    receiver            text,
    status              text        COLLATE "C" NOT NULL CHECK (status IN ('ACCEPTED',
                            'QUEUED_FOR_VALIDATION', 'VALID', 'INVALID', 'QUEUED_FOR_SENDING',
                            'SUBMITTED', 'DELIVERED', 'FAILED')),
    -- INVALID and FAILED carry a reason; no other status does.
    reason_code         text,
    reason_message      text,
    version             bigint      NOT NULL CHECK (version >= 0),
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    -- The wire document, written once.
    content             bytea       NOT NULL,
    CHECK ((status IN ('INVALID', 'FAILED')) = (reason_code IS NOT NULL AND reason_message IS NOT NULL))
);

-- Every list is scoped by tenant and environment and ordered by creation by default;
-- each filter and sort key has an index that starts with the scope and ends with `id`.
CREATE INDEX documents_created_idx ON documents (tenant_id, environment, created_at, id);
CREATE INDEX documents_updated_idx ON documents (tenant_id, environment, updated_at, id);
CREATE INDEX documents_issue_date_idx ON documents (tenant_id, environment, issue_date, id);
CREATE INDEX documents_process_idx ON documents (tenant_id, environment, process_id, created_at, id);
CREATE INDEX documents_status_idx ON documents (tenant_id, environment, status, created_at, id);
CREATE INDEX documents_direction_idx ON documents (tenant_id, environment, direction, created_at, id);
CREATE INDEX documents_legal_entity_idx ON documents (tenant_id, environment, legal_entity_id, created_at, id)
    WHERE legal_entity_id IS NOT NULL;

-- Events may now be about documents.
ALTER TABLE events DROP CONSTRAINT events_subject_type_check;
ALTER TABLE events ADD CONSTRAINT events_subject_type_check
    CHECK (subject_type IN ('tenants', 'legal-entities', 'api-keys', 'documents'));
