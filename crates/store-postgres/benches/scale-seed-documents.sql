-- Inserts documents number __FROM__ to __TO__ of __DOCUMENTS__ (run by `benches/scale.rs
-- seed` after `scale-seed.sql`, on the same connection, with the rendered invoice in
-- `seed_template`). Rows are written in creation order, as a live gateway writes them.
--
-- Document g belongs to submission k: k = g, except that every 20th document is the
-- second rendition of the previous one's submission (5 % of the submissions have two).
-- Everything that describes the submission (tenant, entity, dates, parties, number)
-- derives from k; the status derives from g.
--
-- Tenants: 10 % of the submissions belong to tenant 1 (the big one, 100,000 documents
-- of 1,000,000), 1 % each to tenants 2 and 3, the rest uniformly to the others (about 88
-- each, 10 % of them in the sandbox). Created over one year (2025-11-01 to 2026-11-01).
INSERT INTO documents (id, process_id, tenant_id, environment, direction, kind, format, target,
                       legal_entity_id, document_number, issue_date, sender, receiver, status,
                       reason_code, reason_message, version, created_at, updated_at, content)
WITH submissions AS (
    SELECT g, CASE WHEN g % 20 = 0 THEN g - 1 ELSE g END AS k
    FROM generate_series(__FROM__, __TO__) AS g
), drawn AS (
    SELECT g, k,
           CASE WHEN r < 100000 THEN 1 WHEN r < 110000 THEN 2 WHEN r < 120000 THEN 3
                ELSE 4 + pg_temp.pick(k, 2, __TENANTS__ - 3) END AS tenant,
           timestamptz '2025-11-01 00:00:00+00'
               + (k * 31536000.0 / __DOCUMENTS__) * interval '1 second' AS created,
           pg_temp.pick(g, 4, 100) AS s,
           pg_temp.pick(k, 5, 10) < 7 AS outbound,
           pg_temp.pick(k, 6, 10) = 0 AS credit_note,
           pg_temp.pick(k, 3, 10) = 0 AS sandbox
    FROM (SELECT g, k, pg_temp.pick(k, 1, 1000000) AS r FROM submissions) AS s
), shaped AS (
    SELECT d.*,
           CASE WHEN d.sandbox AND d.tenant > 3 THEN 'sandbox' ELSE 'production' END AS environment,
           CASE WHEN s < 60 THEN 'DELIVERED' WHEN s < 70 THEN 'QUEUED_FOR_VALIDATION'
                WHEN s < 78 THEN 'INVALID' WHEN s < 83 THEN 'FAILED'
                WHEN s < 90 THEN 'SUBMITTED' WHEN s < 95 THEN 'QUEUED_FOR_SENDING'
                WHEN s < 98 THEN 'VALID' ELSE 'ACCEPTED' END AS status,
           CASE WHEN d.credit_note THEN 'CN-' ELSE 'INV-' END
               || to_char(d.created AT TIME ZONE 'UTC', 'YYYY') || '-' || lpad(d.k::text, 7, '0')
               AS number,
           (d.created AT TIME ZONE 'UTC')::date - pg_temp.pick(d.k, 8, 4)::int AS issue_date,
           '0060:' || (100000000 + pg_temp.pick(d.k, 9, 899999999))::text AS counterparty
    FROM drawn AS d
)
SELECT pg_temp.uuid7(d.created, 'document' || d.g),
       pg_temp.uuid7(d.created, 'process' || d.k),
       t.id,
       d.environment,
       CASE WHEN d.outbound THEN 'outbound' ELSE 'inbound' END,
       CASE WHEN d.credit_note THEN 'credit_note' ELSE 'invoice' END,
       'UBL_PEPPOL_BIS_3',
       'PEPPOL',
       e.id,
       d.number,
       d.issue_date,
       CASE WHEN d.outbound THEN '0060:' || lpad(e.number::text, 9, '0') ELSE d.counterparty END,
       CASE WHEN d.outbound THEN d.counterparty ELSE '0060:' || lpad(e.number::text, 9, '0') END,
       d.status,
       CASE d.status WHEN 'INVALID' THEN 'validation_failed' WHEN 'FAILED' THEN 'receiver_unknown' END,
       CASE d.status
           WHEN 'INVALID' THEN '[BR-CO-15]-Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + Invoice total VAT amount (BT-110).'
           WHEN 'FAILED' THEN 'The receiver ' || d.counterparty || ' is not registered in the Peppol network.'
       END,
       CASE d.status WHEN 'ACCEPTED' THEN 0 WHEN 'QUEUED_FOR_VALIDATION' THEN 1 WHEN 'VALID' THEN 2
           WHEN 'INVALID' THEN 2 WHEN 'QUEUED_FOR_SENDING' THEN 3 WHEN 'SUBMITTED' THEN 4
           WHEN 'DELIVERED' THEN 5 ELSE 5 END,
       d.created,
       d.created + CASE d.status WHEN 'ACCEPTED' THEN 0 ELSE pg_temp.pick(d.g, 10, 600000000) END
                   * interval '1 microsecond',
       convert_to(replace(replace(replace(tpl.xml, 'INV-2026-00042', d.number),
                                  '2026-05-05', d.issue_date::text),
                          'PO-7788', 'PO-' || d.k),
                  'UTF8')
FROM shaped AS d
JOIN seed_tenants AS t ON t.n = d.tenant
JOIN seed_entities AS e
  ON e.tenant = d.tenant AND e.environment = d.environment
 AND e.idx = CASE WHEN d.environment = 'production' THEN pg_temp.pick(d.k, 7, t.entities) ELSE 0 END
CROSS JOIN seed_template AS tpl
ORDER BY d.g;
