-- 013_set_based_merge.sql — the load touches each dossier once, with plans
-- made from real row counts (issue 11).
--
-- Profile of a first load of 100k portal records
-- (bench/before/profile/load-100000.pg_stat_statements.txt, track = all):
-- the merged-dossier INSERT 44 % (33 ordered aggregates, each sorting its
-- own input, per dossier), linking 29 % (label propagation over every
-- record of the run although nearly every record is a component of its
-- own), events 13 %, the source upsert 10 % (DISTINCT ON sorting whole
-- rows); every "records of this run" look-up scanned dossier_source (no
-- index on run_id); and the temporary tables were never analysed, so a 1M
-- run was planned from a few hundred estimated rows.
--
-- The rules do not change (metrics.md §1, sources.md "Identity across
-- systems", 002's comments); only the way they are computed:
--   * link_dossiers settles a record whose component is itself without
--     label propagation: all its codes are new, or all are codes of the
--     one existing dossier it belongs to, and no other record of the run
--     shares a code or that dossier. Its label is then known (the smallest
--     new code, or that dossier's code, which is already the smallest of
--     its codes). Everything else goes through 002's propagation, on the
--     records that need it only.
--   * merge_dossiers builds the merged row with plain aggregates, one per
--     field and source kind, combined in the field group's order of
--     preference: the first non-absent value, as before. Two records of the
--     same kind in one dossier (002 picked either) now give the smallest
--     value (true for flags), so the result no longer depends on the plan.
--   * new dossiers and events are plain inserts in key order (no
--     speculative insertion per row; index pages written in order, which
--     decides the time once the indexes outgrow shared_buffers);
--   * the work tables are analysed once filled; dossier_source gets an
--     index on run_id.
-- tests/integration/test_stored_outcome.sh compares the dossiers with
-- those of 002's functions on the same records.

CREATE INDEX dossier_source_run_idx ON tthc.dossier_source (run_id);
COMMENT ON INDEX tthc.dossier_source_run_idx IS
  'Các bản ghi một lần chạy đã nạp (liên kết, hợp nhất) / The records a run loaded (linking, merging)';

CREATE OR REPLACE FUNCTION tthc.link_dossiers(p_run_id text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  changed bigint;
  r record;
BEGIN
  -- record <-> code membership of the run's records
  CREATE TEMP TABLE link_run ON COMMIT DROP AS
    SELECT DISTINCT s.unit_code, 'R:' || s.source_kind || ':' || s.source_code AS rec,
           s.dossier_code AS stored, c.code
      FROM tthc.dossier_source s
     CROSS JOIN LATERAL (SELECT s.source_code
                         UNION ALL SELECT j FROM tthc.json_texts(s.linked_codes) j) c(code)
     WHERE s.run_id = p_run_id;
  ANALYZE link_run;
  -- each code: how many of the run's records carry it, which dossier has it
  CREATE TEMP TABLE link_code ON COMMIT DROP AS
    SELECT m.unit_code, m.code, count(*) AS recs, min(a.dossier_code) AS dossier
      FROM link_run m LEFT JOIN tthc.dossier_alias a USING (unit_code, code)
     GROUP BY m.unit_code, m.code;
  ANALYZE link_code;
  -- each existing dossier named: by how many of the run's records
  CREATE TEMP TABLE link_named ON COMMIT DROP AS
    SELECT m.unit_code, c.dossier, count(DISTINCT m.rec) AS recs
      FROM link_run m JOIN link_code c USING (unit_code, code)
     WHERE c.dossier IS NOT NULL
     GROUP BY m.unit_code, c.dossier;
  ANALYZE link_named;
  -- each record, with its label when its component is itself (fast)
  CREATE TEMP TABLE link_final ON COMMIT DROP AS
  SELECT x.*, x.label IS NOT NULL AS fast FROM (
    SELECT m.unit_code, m.rec, min(m.stored) AS stored,
           CASE WHEN bool_and(c.recs = 1) AND count(c.dossier) = 0
                  THEN min(m.code COLLATE "C")
                WHEN bool_and(c.recs = 1) AND count(c.dossier) = count(*)
                     AND min(c.dossier) = max(c.dossier) AND max(n.recs) = 1
                  THEN min(c.dossier)
           END AS label,
           count(c.dossier) = 0 AS all_new
      FROM link_run m
      JOIN link_code c USING (unit_code, code)
      LEFT JOIN link_named n ON n.unit_code = c.unit_code AND n.dossier = c.dossier
     GROUP BY m.unit_code, m.rec) x;
  CREATE TEMP TABLE link_touched (unit_code text, dossier_code text) ON COMMIT DROP;

  -- 002's label propagation, for the records whose component is larger:
  -- their codes and the existing dossiers any of those codes names, whole.
  CREATE TEMP TABLE link_member ON COMMIT DROP AS
    SELECT m.unit_code, m.rec, m.code
      FROM link_run m JOIN link_final f USING (unit_code, rec)
     WHERE NOT f.fast;
  GET DIAGNOSTICS changed = ROW_COUNT;
  IF changed > 0 THEN
    INSERT INTO link_member
      SELECT a.unit_code, 'D:' || a.dossier_code, a.code
        FROM tthc.dossier_alias a
       WHERE (a.unit_code, a.dossier_code) IN (
               SELECT a2.unit_code, a2.dossier_code
                 FROM tthc.dossier_alias a2 JOIN link_member m USING (unit_code, code));
    ANALYZE link_member;
    CREATE TEMP TABLE link_label ON COMMIT DROP AS
      SELECT DISTINCT unit_code, code, code COLLATE "C" AS label FROM link_member;
    ALTER TABLE link_label ADD PRIMARY KEY (unit_code, code);
    LOOP
      WITH rec_label AS (
        SELECT m.unit_code, m.rec, min(l.label) AS label
          FROM link_member m JOIN link_label l USING (unit_code, code) GROUP BY 1, 2
      ), code_label AS (
        SELECT m.unit_code, m.code, min(rl.label) AS label
          FROM link_member m JOIN rec_label rl USING (unit_code, rec) GROUP BY 1, 2
      )
      UPDATE link_label l SET label = cl.label
        FROM code_label cl
       WHERE l.unit_code = cl.unit_code AND l.code = cl.code AND cl.label < l.label;
      GET DIAGNOSTICS changed = ROW_COUNT;
      EXIT WHEN changed = 0;
    END LOOP;
    CREATE TEMP TABLE link_component ON COMMIT DROP AS
      SELECT m.unit_code, m.rec, min(l.label) AS label
        FROM link_member m JOIN link_label l USING (unit_code, code) GROUP BY 1, 2;
    UPDATE link_final f SET label = c.label
      FROM link_component c
     WHERE c.unit_code = f.unit_code AND c.rec = f.rec AND NOT f.fast;
    -- Existing dossiers that joined a component under another code move to it.
    FOR r IN SELECT unit_code, substr(rec, 3) AS old_code, label
               FROM link_component WHERE rec LIKE 'D:%' AND substr(rec, 3) <> label LOOP
      UPDATE tthc.dossier_source SET dossier_code = r.label
       WHERE unit_code = r.unit_code AND dossier_code = r.old_code;
      INSERT INTO tthc.dossier_event (unit_code, dossier_code, source_kind, at, status, department_code, run_id)
      SELECT unit_code, r.label, source_kind, at, status, department_code, run_id
        FROM tthc.dossier_event WHERE unit_code = r.unit_code AND dossier_code = r.old_code
      ON CONFLICT DO NOTHING;
      DELETE FROM tthc.dossier_event WHERE unit_code = r.unit_code AND dossier_code = r.old_code;
      INSERT INTO link_touched VALUES (r.unit_code, r.old_code);
    END LOOP;
    INSERT INTO tthc.dossier_alias AS a (unit_code, code, dossier_code)
    SELECT unit_code, code, label FROM link_label
    ON CONFLICT (unit_code, code) DO UPDATE SET dossier_code = EXCLUDED.dossier_code
     WHERE a.dossier_code <> EXCLUDED.dossier_code;
  END IF;
  ANALYZE link_final;

  -- A record of its own: its new codes name its label; the codes of a
  -- record already in its one dossier are that dossier's already.
  INSERT INTO tthc.dossier_alias (unit_code, code, dossier_code)
  SELECT m.unit_code, m.code, f.label
    FROM link_run m JOIN link_final f USING (unit_code, rec)
   WHERE f.fast AND f.all_new
   ORDER BY m.unit_code COLLATE "C", m.code COLLATE "C";

  INSERT INTO link_touched SELECT unit_code, label FROM link_final;
  -- The run's records, whose codes may have changed since they were stored.
  INSERT INTO link_touched SELECT unit_code, stored FROM link_final WHERE stored <> label;
  UPDATE tthc.dossier_source s SET dossier_code = f.label
    FROM link_final f
   WHERE f.stored <> f.label
     AND s.run_id = p_run_id AND f.unit_code = s.unit_code
     AND f.rec = 'R:' || s.source_kind || ':' || s.source_code AND s.dossier_code <> f.label;
END
$$;
COMMENT ON FUNCTION tthc.link_dossiers(text) IS
  'Gộp các bản ghi có chung mã thành một hồ sơ (liên kết bắc cầu); bản ghi tự thành một hồ sơ được xử lý không cần lan truyền nhãn / Links records sharing any code into one dossier (links chain); a record that is a component of its own is settled without label propagation';

CREATE OR REPLACE FUNCTION tthc.merge_dossiers(p_run_id text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  PERFORM tthc.link_dossiers(p_run_id);
  CREATE TEMP TABLE merge_touched ON COMMIT DROP AS
    SELECT DISTINCT unit_code, dossier_code FROM link_touched;
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
