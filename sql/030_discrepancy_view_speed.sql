-- 030_discrepancy_view_speed.sql — tthc.v_sync_discrepancies, the same rows,
-- without the SQL-function executor per row (issue 11).
--
-- Measured on the demo's commune (6,764 portal and 6,644 origin records):
-- 2.1 s for one commune's list, most of the time of tthc-sync's summary
-- and of tthc-report's discrepancy part. EXPLAIN ANALYZE: 0.55 ms per
-- dossier in the lateral VALUES list, i.e. tthc.outcome_at (004) for the
-- origin and the portal record — a SQL function with a FROM clause, never
-- inlined, so each call started the executor, and its effective_end and
-- supplement_state calls ran inside it.
--
-- Now: a record's effective end calls effective_end (PL/pgSQL since 022)
-- only when it is resolved and has supplement requests; the supplement
-- state at as_of is computed only for records that have requests; and the
-- classification is tthc.outcome_of (012), outcome_at's branches from
-- these parts, which the planner inlines. Same columns, same rows:
-- outcome_of(end, kind, effective_end(end, kind, s), due, state(s, t), t)
-- = outcome_at(end, kind, due, s, t) for every input (012 keeps the two in
-- step; a record without requests has state NULL, which outcome_of reads
-- as no request, no pause). test_differential, test_e2e_all_sources and
-- test_report compare the list with the simulators' truth.

-- effective_end without a call for the records that need none: only a
-- resolved record has an effective end, and without supplement requests it
-- is its end (a pause of 0). A CASE, inlined; PL/pgSQL effective_end (022,
-- 7 µs a call) only for the resolved records with requests.
CREATE FUNCTION tthc.effective_end_of(end_at timestamptz, end_kind text, supplements jsonb)
RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN $2 = 'resolved' THEN
           CASE WHEN jsonb_typeof($3) = 'array' AND jsonb_array_length($3) > 0
                THEN tthc.effective_end($1, $2, $3) ELSE $1 END
         END
$$;
COMMENT ON FUNCTION tthc.effective_end_of(timestamptz, text, jsonb) IS
  'Như tthc.effective_end, chỉ gọi nó cho hồ sơ đã giải quyết có yêu cầu bổ sung / As tthc.effective_end, calling it only for resolved records with supplement requests';

CREATE OR REPLACE VIEW tthc.v_sync_discrepancies AS
WITH origin AS (
  -- the origin record: ministry before city (metrics.md §1, processing order)
  SELECT e.*, tthc.effective_end_of(e.end_at, e.end_kind, e.supplements) AS effective_end_at
    FROM (SELECT DISTINCT ON (s.unit_code, s.dossier_code)
                 s.unit_code, s.dossier_code, s.source_kind, s.source_code, s.status,
                 s.received_at, s.due_at, s.supplements, s.run_id,
                 COALESCE(s.due_at, s.received_at + make_interval(days => p.max_days)) AS due,
                 tthc.dossier_end_at(s.finished_at, s.returned_at, s.status, s.received_at,
                                     s.refused_at, s.steps, s.source_updated_at) AS end_at,
                 tthc.dossier_end_kind(s.finished_at, s.returned_at, s.status, s.received_at) AS end_kind
            FROM tthc.dossier_source s
            LEFT JOIN tthc.procedure p ON p.procedure_code = s.procedure_code
           WHERE s.source_kind IN ('ministry', 'city')
           ORDER BY s.unit_code, s.dossier_code, tthc.source_preference(s.source_kind, 'processing'),
                    s.source_updated_at DESC, s.source_code) e
), portal AS (
  SELECT e.*, tthc.effective_end_of(e.end_at, e.end_kind, e.supplements) AS effective_end_at
    FROM (SELECT DISTINCT ON (s.unit_code, s.dossier_code)
                 s.unit_code, s.dossier_code, s.source_code, s.status,
                 s.received_at, s.due_at, s.supplements, s.run_id,
                 tthc.dossier_end_at(s.finished_at, s.returned_at, s.status, s.received_at,
                                     s.refused_at, s.steps, s.source_updated_at) AS end_at,
                 tthc.dossier_end_kind(s.finished_at, s.returned_at, s.status, s.received_at) AS end_kind
            FROM tthc.dossier_source s
           WHERE s.source_kind = 'portal'
           ORDER BY s.unit_code, s.dossier_code, s.source_updated_at DESC, s.source_code) e
), pair AS (
  SELECT o.unit_code, o.dossier_code, o.source_kind AS origin_system,
         o.source_code AS origin_code, p.source_code AS portal_code,
         o.status AS origin_status, p.status AS portal_status,
         o.received_at AS origin_received_at, p.received_at AS portal_received_at,
         o.due_at AS origin_due_at, p.due_at AS portal_due_at,
         o.end_at AS origin_end_at, p.end_at AS portal_end_at,
         p.source_code IS NOT NULL AS on_portal,
         (SELECT max(r.loaded_at) FROM tthc.load_run r WHERE r.outcome = 'ok') AS last_loaded_at,
         (SELECT max(r.loaded_at) FROM tthc.load_run r WHERE r.run_id IN (o.run_id, p.run_id)) AS pair_loaded_at,
         CASE WHEN o.received_at IS NOT NULL
              THEN tthc.outcome_of(o.end_at, o.end_kind, o.effective_end_at, o.due,
                                   os.n_requests, os.n_open, os.pause, tthc.as_of()) END AS origin_outcome,
         CASE WHEN p.received_at IS NOT NULL AND p.due_at IS NOT NULL
              THEN tthc.outcome_of(p.end_at, p.end_kind, p.effective_end_at, p.due_at,
                                   ps.n_requests, ps.n_open, ps.pause, tthc.as_of()) END AS portal_outcome
    FROM origin o
    LEFT JOIN portal p ON p.unit_code = o.unit_code AND p.dossier_code = o.dossier_code
    -- the state at as_of, only for records with requests (NULLs otherwise)
    -- (a condition on the outer row alone is a one-time filter of the
    -- subquery, so the function is not even called for the others; OFFSET 0
    -- keeps the subquery from being flattened into a join filter)
    LEFT JOIN LATERAL (SELECT * FROM tthc.supplement_state(o.supplements, tthc.as_of())
                        WHERE jsonb_typeof(o.supplements) = 'array'
                          AND jsonb_array_length(o.supplements) > 0 OFFSET 0) os ON true
    LEFT JOIN LATERAL (SELECT * FROM tthc.supplement_state(p.supplements, tthc.as_of())
                        WHERE jsonb_typeof(p.supplements) = 'array'
                          AND jsonb_array_length(p.supplements) > 0 OFFSET 0) ps ON true
)
SELECT x.dossier_code, x.unit_code, k.class, x.origin_system,
       x.origin_status, x.portal_status,
       x.origin_received_at, x.portal_received_at,
       x.origin_due_at, x.portal_due_at,
       x.origin_end_at, x.portal_end_at,
       COALESCE(CASE WHEN k.class = 'missing_on_portal' THEN x.last_loaded_at ELSE x.pair_loaded_at END,
                now()) AS detected_at,
       x.origin_code, x.portal_code
  FROM pair x
  -- the four classes as two arrays, not a VALUES list: a lateral VALUES
  -- list evaluated the flattened pair's expressions again for each of its
  -- rows (0.1 ms a dossier on the demo; the arrays 0.02 ms)
  CROSS JOIN LATERAL unnest(
    ARRAY['missing_on_portal', 'stale_on_portal', 'false_overdue_on_portal', 'date_mismatch'],
    ARRAY[
      NOT x.on_portal
        AND x.origin_received_at < COALESCE(tthc.as_of_setting(), x.last_loaded_at) - interval '1 day',
      x.on_portal AND x.origin_end_at IS NOT NULL
        AND (x.portal_end_at IS NULL
             OR tthc.status_progress(x.portal_status) < tthc.status_progress(x.origin_status)),
      x.on_portal AND x.origin_outcome IN ('early', 'on_time', 'pending_in_time')
        AND x.portal_outcome IN ('late', 'pending_late'),
      x.on_portal AND (
        (x.origin_received_at IS NULL) <> (x.portal_received_at IS NULL)
        OR abs(extract(epoch FROM x.origin_received_at - x.portal_received_at)) > 60
        OR (x.origin_due_at IS NULL) <> (x.portal_due_at IS NULL)
        OR abs(extract(epoch FROM x.origin_due_at - x.portal_due_at)) > 60)]
  ) AS k(class, hit)
 WHERE k.hit;
