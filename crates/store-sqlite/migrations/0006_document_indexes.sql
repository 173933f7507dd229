-- Document lists of big tenants (docs/BENCHMARKS.md, "Document store at scale"): the
-- indexes that serve the default order and the status, direction and legal-entity
-- filters also carry the other filter columns, so that a list's COUNT(*) is answered
-- from an index alone whatever the combination of filters. SQLite has no INCLUDE: the
-- columns follow `id`, which is unique, so the order the lists use is unchanged.
-- Same model as crates/store-postgres/migrations/0006_document_indexes.sql.

DROP INDEX documents_created_idx;
CREATE INDEX documents_created_idx
    ON documents (tenant_id, environment, created_at, id, status, direction, legal_entity_id);

DROP INDEX documents_status_idx;
CREATE INDEX documents_status_idx
    ON documents (tenant_id, environment, status, created_at, id, direction, legal_entity_id);

DROP INDEX documents_direction_idx;
CREATE INDEX documents_direction_idx
    ON documents (tenant_id, environment, direction, created_at, id, status, legal_entity_id);

DROP INDEX documents_legal_entity_idx;
CREATE INDEX documents_legal_entity_idx
    ON documents (tenant_id, environment, legal_entity_id, created_at, id, status, direction)
    WHERE legal_entity_id IS NOT NULL;
