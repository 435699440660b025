-- 021_derived_events.sql — the status history stores only what the source
-- records no longer hold (issue 11; decisions.md "The status history is
-- derived from the source records").
--
-- Profile of a first load of 100k portal records (after 020): writing
-- tthc.dossier_event took 16 % of the load — 2.8 rows per record with a
-- five-column key, every one of them a copy of what dossier_source holds
-- already: the record's steps (jsonb) and its received, finished, returned
-- and refused times. Stored once per version of a record, they only add
-- information when a source later corrects or drops a time.
--
-- So:
--   * tthc.dossier_event becomes a view with the same columns and rows:
--     the milestones and steps of every current source record
--     (tthc.source_milestones, the rule 002 and 013 stored), together with
--     tthc.dossier_event_kept, the former table;
--   * dossier_event_kept receives the events of a record's version when a
--     newer version replaces it (a statement trigger on dossier_source
--     with its transition tables: one set-based insert per statement, none
--     on a first load), and keeps the rows stored before this migration;
--   * where two rows share the key (unit, dossier, kind, at, status), the
--     one of the earliest run wins, as "ON CONFLICT DO NOTHING" in run
--     order did; within a run, the smallest department code (013's rule);
--   * link_dossiers moves the kept events of a dossier that joins another
--     (the derived ones follow dossier_source.dossier_code by themselves),
--     and merge_dossiers no longer writes events.
-- Nothing in sql/ or report/ reads tthc.dossier_event; the tests that do
-- (test_stored_outcome compares it with 002's table row for row,
-- test_crash_points counts it) read the view.

ALTER TABLE tthc.dossier_event RENAME TO dossier_event_kept;
ALTER INDEX tthc.dossier_event_pkey RENAME TO dossier_event_kept_pkey;
COMMENT ON TABLE tthc.dossier_event_kept IS
  'Sự kiện trạng thái của các phiên bản bản ghi đã bị thay thế (và dữ liệu trước 021) / Status events of superseded record versions (and those stored before 021)';

CREATE FUNCTION tthc.source_milestones(steps jsonb, received_at timestamptz,
                                       finished_at timestamptz, returned_at timestamptz,
                                       refused_at timestamptz, status smallint,
                                       department_code text)
RETURNS TABLE (at timestamptz, status smallint, department_code text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT x.at, x.status, x.department_code FROM (
    SELECT (j->>'at')::timestamptz, (j->>'status')::smallint, j->>'department'
      FROM jsonb_array_elements(COALESCE($1, '[]'::jsonb)) j
    UNION ALL SELECT $2, 2::smallint, $7 WHERE $2 IS NOT NULL
    UNION ALL SELECT $3, 9::smallint, $7 WHERE $3 IS NOT NULL
    UNION ALL SELECT $4, 10::smallint, $7 WHERE $4 IS NOT NULL
    UNION ALL SELECT $5, $6, $7 WHERE $5 IS NOT NULL AND $6 IN (3, 7, 8)
  ) x(at, status, department_code)
   WHERE x.at IS NOT NULL AND x.status IS NOT NULL
$$;
COMMENT ON FUNCTION tthc.source_milestones(jsonb, timestamptz, timestamptz, timestamptz, timestamptz, smallint, text) IS
  'Các sự kiện trạng thái một bản ghi nguồn cho thấy: các bước xử lý và các mốc tiếp nhận, kết thúc, trả, từ chối / The status events a source record implies: its steps and its received, finished, returned and refused milestones';

CREATE VIEW tthc.dossier_event AS
SELECT DISTINCT ON (e.unit_code, e.dossier_code, e.source_kind, e.at, e.status)
       e.unit_code, e.dossier_code, e.source_kind, e.at, e.status, e.department_code, e.run_id
  FROM (SELECT k.unit_code, k.dossier_code, k.source_kind, k.at, k.status, k.department_code,
               k.run_id, 0 AS kept_first
          FROM tthc.dossier_event_kept k
        UNION ALL
        SELECT s.unit_code, s.dossier_code, s.source_kind, m.at, m.status, m.department_code,
               s.run_id, 1
          FROM tthc.dossier_source s
         CROSS JOIN LATERAL tthc.source_milestones(s.steps, s.received_at, s.finished_at,
                                                   s.returned_at, s.refused_at, s.status,
                                                   s.department_code) m) e
 ORDER BY e.unit_code, e.dossier_code, e.source_kind, e.at, e.status,
          e.run_id COLLATE "C", e.kept_first, e.department_code COLLATE "C";
COMMENT ON VIEW tthc.dossier_event IS 'Lịch sử trạng thái hồ sơ / Status history of dossiers';
COMMENT ON COLUMN tthc.dossier_event.unit_code IS 'Mã xã / Commune code';
COMMENT ON COLUMN tthc.dossier_event.dossier_code IS 'Mã hồ sơ hợp nhất / Merged dossier code';
COMMENT ON COLUMN tthc.dossier_event.source_kind IS 'Hệ thống ghi nhận / System that reported the event';
COMMENT ON COLUMN tthc.dossier_event.at IS 'Thời điểm / When';
COMMENT ON COLUMN tthc.dossier_event.status IS 'Trạng thái quốc gia đạt được / National status reached';
COMMENT ON COLUMN tthc.dossier_event.department_code IS 'Phòng ban xử lý / Handling department';
COMMENT ON COLUMN tthc.dossier_event.run_id IS 'Lần chạy đầu tiên ghi nhận sự kiện / First run that reported it';

-- A newer version of a record replaces the stored one: the old version's
-- events are kept (its first run's, if kept already). A change of
-- dossier_code alone (linking) is no new version: the derived events
-- follow the record, the kept ones are moved by link_dossiers.
CREATE FUNCTION tthc.keep_superseded_events()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tthc.dossier_event_kept (unit_code, dossier_code, source_kind, at, status, department_code, run_id)
  SELECT DISTINCT ON (o.unit_code, o.dossier_code, o.source_kind, m.at, m.status)
         o.unit_code, o.dossier_code, o.source_kind, m.at, m.status, m.department_code, o.run_id
    FROM superseded o
    JOIN superseding n USING (unit_code, source_kind, source_code)
   CROSS JOIN LATERAL tthc.source_milestones(o.steps, o.received_at, o.finished_at, o.returned_at,
                                             o.refused_at, o.status, o.department_code) m
   WHERE (o.source_updated_at, o.record_hash) IS DISTINCT FROM (n.source_updated_at, n.record_hash)
   ORDER BY o.unit_code, o.dossier_code, o.source_kind, m.at, m.status,
            m.department_code COLLATE "C"
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION tthc.keep_superseded_events() IS
  'Giữ các sự kiện trạng thái của phiên bản bản ghi bị thay thế / Keeps the status events of a superseded record version';
CREATE TRIGGER dossier_source_keep_events AFTER UPDATE ON tthc.dossier_source
  REFERENCING OLD TABLE AS superseded NEW TABLE AS superseding
  FOR EACH STATEMENT EXECUTE FUNCTION tthc.keep_superseded_events();

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
      INSERT INTO tthc.dossier_event_kept (unit_code, dossier_code, source_kind, at, status, department_code, run_id)
      SELECT unit_code, r.label, source_kind, at, status, department_code, run_id
        FROM tthc.dossier_event_kept WHERE unit_code = r.unit_code AND dossier_code = r.old_code
      ON CONFLICT DO NOTHING;
      DELETE FROM tthc.dossier_event_kept WHERE unit_code = r.unit_code AND dossier_code = r.old_code;
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
  alone bigint;
BEGIN
  PERFORM tthc.link_dossiers(p_run_id);
  -- A record whose codes are all new and carried by no other record of the
  -- run (link_final.fast AND all_new: the first-load case) is a dossier of
  -- its own, and no dossier has its label yet. Its merged row is the record
  -- itself: every "first non-absent value in the order of preference" below
  -- has one candidate. It is inserted straight from its source row, without
  -- the grouping and the 33 aggregates (41 % of a first load). No ORDER
  -- BY: sorting the whole rows spilled 375 MB at 1M records; the run's
  -- records are read from dossier_source, where the upsert wrote them in
  -- key order, and a label is the record's own code unless a linked code
  -- sorts before it, so the rows arrive in (nearly) the index's order. The
  -- codes of a record without linked codes are just its own.
  INSERT INTO tthc.dossier (unit_code, dossier_code, sources, on_portal, origin_missing, origin_system, linked_codes,
    source_updated_at, procedure_code, procedure_name, field_code, field_name, service_level,
    channel, submitted_on_portal, submitted_at, department_code, department_name, status,
    source_status, received_at, due_at, finished_at, returned_at, refused_at, supplements, steps,
    has_digitised_component, has_reused_component, has_citizen_store_component, has_e_result,
    vneid_verified, fee_total, paid_online, rating, has_complaint)
    SELECT s.unit_code, f.label, ARRAY[s.source_kind], s.source_kind = 'portal',
           s.source_kind = 'portal', s.origin_system,
           CASE WHEN jsonb_typeof(s.linked_codes) IS DISTINCT FROM 'array' OR s.linked_codes = '[]'
                THEN jsonb_build_array(s.source_code)
                ELSE (SELECT jsonb_agg(DISTINCT x.c ORDER BY x.c)
                        FROM (SELECT s.source_code UNION ALL SELECT j FROM tthc.json_texts(s.linked_codes) j) x(c))
           END,
           s.source_updated_at, s.procedure_code, s.procedure_name, s.field_code, s.field_name,
           s.service_level, s.channel, s.submitted_on_portal, s.submitted_at, s.department_code,
           s.department_name, s.status, s.source_status, s.received_at, s.due_at, s.finished_at,
           s.returned_at, s.refused_at, s.supplements, s.steps, s.has_digitised_component,
           s.has_reused_component, s.has_citizen_store_component, s.has_e_result, s.vneid_verified,
           s.fee_total, s.paid_online, s.rating, s.has_complaint
      FROM link_final f
      JOIN tthc.dossier_source s
        ON s.unit_code = f.unit_code AND 'R:' || s.source_kind || ':' || s.source_code = f.rec
     WHERE f.fast AND f.all_new AND s.run_id = p_run_id;
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
  -- The status history is derived (tthc.dossier_event): nothing to write.
  RETURN n;
END
$$;
COMMENT ON FUNCTION tthc.merge_dossiers(text) IS
  'Hợp nhất lại các hồ sơ có bản ghi nguồn được lần chạy cập nhật (mỗi hồ sơ một lần); bản ghi tự thành một hồ sơ được chép thẳng / Rebuilds the merged dossiers a run touched (each once); a record that is a dossier of its own is copied straight';
