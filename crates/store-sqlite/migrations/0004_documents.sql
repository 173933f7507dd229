-- Documents: one row per rendition of a submitted (or received) business document, with
-- its wire content. Conventions as in 0001_initial.sql.

CREATE TABLE documents (
    id                  TEXT    NOT NULL PRIMARY KEY,
    process_id          TEXT    NOT NULL,
    tenant_id           TEXT    NOT NULL REFERENCES tenants (id),
    environment         TEXT    NOT NULL CHECK (environment IN ('sandbox', 'production')),
    direction           TEXT    NOT NULL CHECK (direction IN ('outbound', 'inbound')),
    kind                TEXT    NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    format              TEXT    NOT NULL,
    target              TEXT    NOT NULL,
    -- Not a foreign key: a document outlives nothing, but its entity may be archived.
    legal_entity_id     TEXT,
    document_number     TEXT    NOT NULL,
    -- ISO 8601 `YYYY-MM-DD`: sorts chronologically as text.
    issue_date          TEXT    NOT NULL,
    sender              TEXT,
    receiver            TEXT,
    status              TEXT    NOT NULL CHECK (status IN ('ACCEPTED', 'QUEUED_FOR_VALIDATION',
                            'VALID', 'INVALID', 'QUEUED_FOR_SENDING', 'SUBMITTED', 'DELIVERED', 'FAILED')),
    -- INVALID and FAILED carry a reason; no other status does.
    reason_code         TEXT,
    reason_message      TEXT,
    version             INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    -- The wire document, written once.
    content             BLOB    NOT NULL,
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

-- Events may now be about documents. SQLite cannot change a CHECK constraint in place:
-- the table is rebuilt with its rows, sequence numbers kept (AUTOINCREMENT continues
-- after the largest one).
CREATE TABLE events_rebuilt (
    sequence                INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    id                      TEXT    NOT NULL UNIQUE,
    event_type              TEXT    NOT NULL,
    occurred_at             INTEGER NOT NULL,
    partner_id              TEXT    NOT NULL,
    tenant_id               TEXT    NOT NULL,
    environment             TEXT    CHECK (environment IN ('sandbox', 'production')),
    subject_type            TEXT    NOT NULL CHECK (subject_type IN ('tenants', 'legal-entities', 'api-keys', 'documents')),
    subject_id              TEXT    NOT NULL,
    data                    TEXT    NOT NULL
);
INSERT INTO events_rebuilt (sequence, id, event_type, occurred_at, partner_id, tenant_id,
    environment, subject_type, subject_id, data)
SELECT sequence, id, event_type, occurred_at, partner_id, tenant_id, environment,
    subject_type, subject_id, data FROM events;
DROP TABLE events;
ALTER TABLE events_rebuilt RENAME TO events;
CREATE INDEX events_partner_idx ON events (partner_id, sequence);
