-- 020_first_load_fast_path.sql — a record that is a dossier of its own is
-- merged straight from its source row (issue 11).
--
-- Profile of a first load of 100k portal records after 013
-- (bench/profile/load-100000.pg_stat_statements.txt before this file):
-- the merged-dossier INSERT took 42 % of the load. On a first load nearly
-- every record is new and alone in its dossier, and for such a dossier the
-- grouping (one sort of all touched rows) and its 33 aggregates compute,
-- field by field, "the first non-absent value in the order of preference"
-- among one candidate: the record's own value. link_dossiers already
-- knows these records (link_final.fast AND all_new: every code new, none
-- carried by another record of the run, so no dossier has the label yet).
--
-- The rules do not change: the merged row of such a record equals what
-- 013's aggregates give (tests/integration/test_stored_outcome.sh compares
-- the whole warehouse with 002's functions; test_sql_linking and the
-- differential test hold the merged figures). Every other touched dossier
-- (an update, a record linked to others, a record joining an existing
-- dossier) goes through 013's path unchanged.

CREATE OR REPLACE FUNCTION tthc.merge_dossiers(p_run_id text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
  alone bigint;
BEGIN
  PERFORM tthc.link_dossiers(p_run_id);
  -- A record whose codes are all new and carried by no other record of the
  -- run (link_final.fast AND all_new: the first-load case) is a dossier of
  -- its own, and no dossier has its label yet. Its merged row is the record
  -- itself: every "first non-absent value in the order of preference" below
  -- has one candidate. It is inserted straight from its source row, without
  -- the grouping and the 33 aggregates (41 % of a first load).
  INSERT INTO tthc.dossier (unit_code, dossier_code, sources, on_portal, origin_missing, origin_system, linked_codes,
    source_updated_at, procedure_code, procedure_name, field_code, field_name, service_level,
    channel, submitted_on_portal, submitted_at, department_code, department_name, status,
    source_status, received_at, due_at, finished_at, returned_at, refused_at, supplements, steps,
    has_digitised_component, has_reused_component, has_citizen_store_component, has_e_result,
    vneid_verified, fee_total, paid_online, rating, has_complaint)
    SELECT s.unit_code, f.label, ARRAY[s.source_kind], s.source_kind = 'portal',
           s.source_kind = 'portal', s.origin_system,
           (SELECT jsonb_agg(DISTINCT x.c ORDER BY x.c)
            FROM (SELECT s.source_code UNION ALL SELECT j FROM tthc.json_texts(s.linked_codes) j) x(c)),
           s.source_updated_at, s.procedure_code, s.procedure_name, s.field_code, s.field_name,
           s.service_level, s.channel, s.submitted_on_portal, s.submitted_at, s.department_code,
           s.department_name, s.status, s.source_status, s.received_at, s.due_at, s.finished_at,
           s.returned_at, s.refused_at, s.supplements, s.steps, s.has_digitised_component,
           s.has_reused_component, s.has_citizen_store_component, s.has_e_result, s.vneid_verified,
           s.fee_total, s.paid_online, s.rating, s.has_complaint
      FROM link_final f
      JOIN tthc.dossier_source s
        ON s.unit_code = f.unit_code AND 'R:' || s.source_kind || ':' || s.source_code = f.rec
     WHERE f.fast AND f.all_new AND s.run_id = p_run_id
     ORDER BY s.unit_code COLLATE "C", f.label COLLATE "C";
  GET DIAGNOSTICS alone = ROW_COUNT;
  -- Everything else the run touched is merged from all its records.
  CREATE TEMP TABLE merge_touched ON COMMIT DROP AS
    SELECT DISTINCT t.unit_code, t.dossier_code FROM link_touched t
     WHERE NOT EXISTS (SELECT 1 FROM link_final f
                        WHERE f.fast AND f.all_new AND f.unit_code = t.unit_code AND f.label = t.dossier_code);
  ANALYZE merge_touched;
  -- A dossier whose records all moved to another one is gone.
  DELETE FROM tthc.dossier d
   USING merge_touched t
   WHERE d.unit_code = t.unit_code AND d.dossier_code = t.dossier_code
     AND NOT EXISTS (SELECT 1 FROM tthc.dossier_source s
                      WHERE s.unit_code = d.unit_code AND s.dossier_code = d.dossier_code);
  WITH src AS (
    SELECT s.* FROM tthc.dossier_source s JOIN merge_touched USING (unit_code, dossier_code)
  ), codes AS (
    SELECT s.unit_code, s.dossier_code, jsonb_agg(DISTINCT x.c ORDER BY x.c) AS linked_codes
      FROM src s
     CROSS JOIN LATERAL (SELECT s.source_code
                         UNION ALL SELECT j FROM tthc.json_texts(s.linked_codes) j) x(c)
     GROUP BY s.unit_code, s.dossier_code
  ), merged AS (
    -- field by field, the first non-absent value in the order of
    -- preference of the field's group (002: processing ministry, city,
    -- portal; intake city, ministry, portal; portal-side portal, city,
    -- ministry)
    SELECT unit_code, dossier_code,
      array_remove(ARRAY[CASE WHEN bool_or(source_kind = 'city') THEN 'city' END,
                         CASE WHEN bool_or(source_kind = 'ministry') THEN 'ministry' END,
                         CASE WHEN bool_or(source_kind = 'portal') THEN 'portal' END], NULL) AS sources,
      bool_or(source_kind = 'portal') AS on_portal,
      NOT bool_or(source_kind <> 'portal') AS origin_missing,
      max(source_updated_at) AS source_updated_at,
      COALESCE(min(origin_system) FILTER (WHERE source_kind = 'portal'),
               min(origin_system) FILTER (WHERE source_kind = 'city'),
               min(origin_system) FILTER (WHERE source_kind = 'ministry')) AS origin_system,
      COALESCE(min(procedure_code) FILTER (WHERE source_kind = 'city'),
               min(procedure_code) FILTER (WHERE source_kind = 'ministry'),
               min(procedure_code) FILTER (WHERE source_kind = 'portal')) AS procedure_code,
      COALESCE(min(procedure_name) FILTER (WHERE source_kind = 'city'),
               min(procedure_name) FILTER (WHERE source_kind = 'ministry'),
               min(procedure_name) FILTER (WHERE source_kind = 'portal')) AS procedure_name,
      COALESCE(min(field_code) FILTER (WHERE source_kind = 'city'),
               min(field_code) FILTER (WHERE source_kind = 'ministry'),
               min(field_code) FILTER (WHERE source_kind = 'portal')) AS field_code,
      COALESCE(min(field_name) FILTER (WHERE source_kind = 'city'),
               min(field_name) FILTER (WHERE source_kind = 'ministry'),
               min(field_name) FILTER (WHERE source_kind = 'portal')) AS field_name,
      COALESCE(min(service_level) FILTER (WHERE source_kind = 'city'),
               min(service_level) FILTER (WHERE source_kind = 'ministry'),
               min(service_level) FILTER (WHERE source_kind = 'portal')) AS service_level,
      COALESCE(min(channel) FILTER (WHERE source_kind = 'city'),
               min(channel) FILTER (WHERE source_kind = 'ministry'),
               min(channel) FILTER (WHERE source_kind = 'portal')) AS channel,
      COALESCE(min(submitted_at) FILTER (WHERE source_kind = 'city'),
               min(submitted_at) FILTER (WHERE source_kind = 'ministry'),
               min(submitted_at) FILTER (WHERE source_kind = 'portal')) AS submitted_at,
      COALESCE(min(fee_total) FILTER (WHERE source_kind = 'city'),
               min(fee_total) FILTER (WHERE source_kind = 'ministry'),
               min(fee_total) FILTER (WHERE source_kind = 'portal')) AS fee_total,
      COALESCE(min(department_code) FILTER (WHERE source_kind = 'ministry'),
               min(department_code) FILTER (WHERE source_kind = 'city'),
               min(department_code) FILTER (WHERE source_kind = 'portal')) AS department_code,
      COALESCE(min(department_name) FILTER (WHERE source_kind = 'ministry'),
               min(department_name) FILTER (WHERE source_kind = 'city'),
               min(department_name) FILTER (WHERE source_kind = 'portal')) AS department_name,
      COALESCE(min(status) FILTER (WHERE source_kind = 'ministry'),
               min(status) FILTER (WHERE source_kind = 'city'),
               min(status) FILTER (WHERE source_kind = 'portal')) AS status,
      COALESCE(min(source_status) FILTER (WHERE source_kind = 'ministry'),
               min(source_status) FILTER (WHERE source_kind = 'city'),
               min(source_status) FILTER (WHERE source_kind = 'portal')) AS source_status,
      COALESCE(min(received_at) FILTER (WHERE source_kind = 'ministry'),
               min(received_at) FILTER (WHERE source_kind = 'city'),
               min(received_at) FILTER (WHERE source_kind = 'portal')) AS received_at,
      COALESCE(min(due_at) FILTER (WHERE source_kind = 'ministry'),
               min(due_at) FILTER (WHERE source_kind = 'city'),
               min(due_at) FILTER (WHERE source_kind = 'portal')) AS due_at,
      COALESCE(min(finished_at) FILTER (WHERE source_kind = 'ministry'),
               min(finished_at) FILTER (WHERE source_kind = 'city'),
               min(finished_at) FILTER (WHERE source_kind = 'portal')) AS finished_at,
      COALESCE(min(returned_at) FILTER (WHERE source_kind = 'ministry'),
               min(returned_at) FILTER (WHERE source_kind = 'city'),
               min(returned_at) FILTER (WHERE source_kind = 'portal')) AS returned_at,
      COALESCE(min(refused_at) FILTER (WHERE source_kind = 'ministry'),
               min(refused_at) FILTER (WHERE source_kind = 'city'),
               min(refused_at) FILTER (WHERE source_kind = 'portal')) AS refused_at,
      COALESCE((array_agg(supplements) FILTER (WHERE source_kind = 'ministry' AND supplements IS NOT NULL))[1],
               (array_agg(supplements) FILTER (WHERE source_kind = 'city' AND supplements IS NOT NULL))[1],
               (array_agg(supplements) FILTER (WHERE source_kind = 'portal' AND supplements IS NOT NULL))[1]) AS supplements,
      COALESCE((array_agg(steps) FILTER (WHERE source_kind = 'ministry' AND steps IS NOT NULL))[1],
               (array_agg(steps) FILTER (WHERE source_kind = 'city' AND steps IS NOT NULL))[1],
               (array_agg(steps) FILTER (WHERE source_kind = 'portal' AND steps IS NOT NULL))[1]) AS steps,
      COALESCE(bool_or(has_digitised_component) FILTER (WHERE source_kind = 'ministry'),
               bool_or(has_digitised_component) FILTER (WHERE source_kind = 'city'),
               bool_or(has_digitised_component) FILTER (WHERE source_kind = 'portal')) AS has_digitised_component,
      COALESCE(bool_or(has_reused_component) FILTER (WHERE source_kind = 'ministry'),
               bool_or(has_reused_component) FILTER (WHERE source_kind = 'city'),
               bool_or(has_reused_component) FILTER (WHERE source_kind = 'portal')) AS has_reused_component,
      COALESCE(bool_or(has_citizen_store_component) FILTER (WHERE source_kind = 'ministry'),
               bool_or(has_citizen_store_component) FILTER (WHERE source_kind = 'city'),
               bool_or(has_citizen_store_component) FILTER (WHERE source_kind = 'portal')) AS has_citizen_store_component,
      COALESCE(bool_or(has_e_result) FILTER (WHERE source_kind = 'ministry'),
               bool_or(has_e_result) FILTER (WHERE source_kind = 'city'),
               bool_or(has_e_result) FILTER (WHERE source_kind = 'portal')) AS has_e_result,
      COALESCE(bool_or(submitted_on_portal) FILTER (WHERE source_kind = 'portal'),
               bool_or(submitted_on_portal) FILTER (WHERE source_kind = 'city'),
               bool_or(submitted_on_portal) FILTER (WHERE source_kind = 'ministry')) AS submitted_on_portal,
      COALESCE(bool_or(vneid_verified) FILTER (WHERE source_kind = 'portal'),
               bool_or(vneid_verified) FILTER (WHERE source_kind = 'city'),
               bool_or(vneid_verified) FILTER (WHERE source_kind = 'ministry')) AS vneid_verified,
      COALESCE(min(paid_online) FILTER (WHERE source_kind = 'portal'),
               min(paid_online) FILTER (WHERE source_kind = 'city'),
               min(paid_online) FILTER (WHERE source_kind = 'ministry')) AS paid_online,
      COALESCE(min(rating) FILTER (WHERE source_kind = 'portal'),
               min(rating) FILTER (WHERE source_kind = 'city'),
               min(rating) FILTER (WHERE source_kind = 'ministry')) AS rating,
      COALESCE(bool_or(has_complaint) FILTER (WHERE source_kind = 'portal'),
               bool_or(has_complaint) FILTER (WHERE source_kind = 'city'),
               bool_or(has_complaint) FILTER (WHERE source_kind = 'ministry')) AS has_complaint
    FROM src GROUP BY unit_code, dossier_code
  )
  -- The touched dossiers that exist are updated, the others inserted in
  -- key order (plain inserts: INSERT … ON CONFLICT costs a speculative
  -- insertion per row, and random key order scatters the index writes).
  -- The loader holds its lock, so nothing else writes dossiers meanwhile.
  , rows AS MATERIALIZED (
    SELECT m.*, c.linked_codes FROM merged m JOIN codes c USING (unit_code, dossier_code)
  ), upd AS (
    UPDATE tthc.dossier d SET
      sources = r.sources,
      on_portal = r.on_portal,
      origin_missing = r.origin_missing,
      origin_system = r.origin_system,
      linked_codes = r.linked_codes,
      source_updated_at = r.source_updated_at,
      procedure_code = r.procedure_code,
      procedure_name = r.procedure_name,
      field_code = r.field_code,
      field_name = r.field_name,
      service_level = r.service_level,
      channel = r.channel,
      submitted_on_portal = r.submitted_on_portal,
      submitted_at = r.submitted_at,
      department_code = r.department_code,
      department_name = r.department_name,
      status = r.status,
      source_status = r.source_status,
      received_at = r.received_at,
      due_at = r.due_at,
      finished_at = r.finished_at,
      returned_at = r.returned_at,
      refused_at = r.refused_at,
      supplements = r.supplements,
      steps = r.steps,
      has_digitised_component = r.has_digitised_component,
      has_reused_component = r.has_reused_component,
      has_citizen_store_component = r.has_citizen_store_component,
      has_e_result = r.has_e_result,
      vneid_verified = r.vneid_verified,
      fee_total = r.fee_total,
      paid_online = r.paid_online,
      rating = r.rating,
      has_complaint = r.has_complaint
      FROM rows r
     WHERE d.unit_code = r.unit_code AND d.dossier_code = r.dossier_code
    RETURNING 1
  ), ins AS (
    INSERT INTO tthc.dossier (unit_code, dossier_code, sources, on_portal, origin_missing, origin_system, linked_codes,
    source_updated_at, procedure_code, procedure_name, field_code, field_name, service_level,
    channel, submitted_on_portal, submitted_at, department_code, department_name, status,
    source_status, received_at, due_at, finished_at, returned_at, refused_at, supplements, steps,
    has_digitised_component, has_reused_component, has_citizen_store_component, has_e_result,
    vneid_verified, fee_total, paid_online, rating, has_complaint)
    SELECT unit_code, dossier_code, sources, on_portal, origin_missing, origin_system, linked_codes,
    source_updated_at, procedure_code, procedure_name, field_code, field_name, service_level,
    channel, submitted_on_portal, submitted_at, department_code, department_name, status,
    source_status, received_at, due_at, finished_at, returned_at, refused_at, supplements, steps,
    has_digitised_component, has_reused_component, has_citizen_store_component, has_e_result,
    vneid_verified, fee_total, paid_online, rating, has_complaint
      FROM rows r
     WHERE NOT EXISTS (SELECT 1 FROM tthc.dossier d
                        WHERE d.unit_code = r.unit_code AND d.dossier_code = r.dossier_code)
     ORDER BY r.unit_code COLLATE "C", r.dossier_code COLLATE "C"
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM upd) + (SELECT count(*) FROM ins) INTO n;
  n := n + alone;

  -- Status history: the steps a source reported, and the milestones its
  -- timestamps imply (the portal has no steps); one pass per kind of event
  -- over the run's records rather than a sub-select per record. Plain
  -- inserts in key order of the events not stored yet (an event that a
  -- step and a timestamp both give is stored once, as ON CONFLICT DO
  -- NOTHING did). Byte order sorts much faster than the locale's and is
  -- the index's order for the ASCII codes and kinds.
  INSERT INTO tthc.dossier_event (unit_code, dossier_code, source_kind, at, status, department_code, run_id)
  SELECT DISTINCT ON (e.unit_code COLLATE "C", e.dossier_code COLLATE "C", e.source_kind COLLATE "C",
                      e.at, e.status)
         e.unit_code, e.dossier_code, e.source_kind, e.at, e.status, e.dept, p_run_id
    FROM (
      SELECT s.unit_code, s.dossier_code, s.source_kind, (j->>'at')::timestamptz AS at,
             (j->>'status')::smallint AS status, j->>'department' AS dept
        FROM tthc.dossier_source s CROSS JOIN LATERAL jsonb_array_elements(s.steps) j
       WHERE s.run_id = p_run_id AND s.steps IS NOT NULL
      UNION ALL
      SELECT unit_code, dossier_code, source_kind, received_at, 2::smallint, department_code
        FROM tthc.dossier_source WHERE run_id = p_run_id AND received_at IS NOT NULL
      UNION ALL
      SELECT unit_code, dossier_code, source_kind, finished_at, 9::smallint, department_code
        FROM tthc.dossier_source WHERE run_id = p_run_id AND finished_at IS NOT NULL
      UNION ALL
      SELECT unit_code, dossier_code, source_kind, returned_at, 10::smallint, department_code
        FROM tthc.dossier_source WHERE run_id = p_run_id AND returned_at IS NOT NULL
      UNION ALL
      SELECT unit_code, dossier_code, source_kind, refused_at, status, department_code
        FROM tthc.dossier_source
       WHERE run_id = p_run_id AND refused_at IS NOT NULL AND status IN (3, 7, 8)
    ) e
   WHERE e.at IS NOT NULL AND e.status IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM tthc.dossier_event x
                      WHERE x.unit_code = e.unit_code AND x.dossier_code = e.dossier_code
                        AND x.source_kind = e.source_kind AND x.at = e.at AND x.status = e.status)
   ORDER BY e.unit_code COLLATE "C", e.dossier_code COLLATE "C", e.source_kind COLLATE "C",
            e.at, e.status, e.dept COLLATE "C";
  RETURN n;
END
$$;
COMMENT ON FUNCTION tthc.merge_dossiers(text) IS
  'Hợp nhất lại các hồ sơ có bản ghi nguồn được lần chạy cập nhật (mỗi hồ sơ một lần), ghi lịch sử trạng thái / Rebuilds the merged dossiers a run touched (each once) and appends their status events';
