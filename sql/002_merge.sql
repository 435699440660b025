-- 002_merge.sql — build merged dossiers from their source records
-- (metrics.md §1): field by field, the first non-absent value in the order
-- of preference of the field's group wins.

CREATE FUNCTION tthc.source_preference(source_kind text, field_group text)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE $2
    WHEN 'processing' THEN array_position(ARRAY['ministry', 'city', 'portal'], $1)
    WHEN 'intake'     THEN array_position(ARRAY['city', 'ministry', 'portal'], $1)
    WHEN 'portal'     THEN array_position(ARRAY['portal', 'city', 'ministry'], $1)
  END
$$;
COMMENT ON FUNCTION tthc.source_preference(text, text) IS
  'Thứ tự ưu tiên nguồn theo nhóm trường (xử lý, tiếp nhận, cổng) / Rank of a source for a field group (processing, intake, portal), metrics.md §1';

-- The strings of a JSON array; nothing for NULL, JSON null or a non-array.
CREATE FUNCTION tthc.json_texts(a jsonb)
RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof($1) = 'array' THEN $1 ELSE '[]'::jsonb END)
$$;
COMMENT ON FUNCTION tthc.json_texts(jsonb) IS
  'Các chuỗi của một mảng JSON (rỗng nếu không phải mảng) / The strings of a JSON array (none when not an array)';

-- Every normalised code ever seen for a dossier, and the dossier it names.
CREATE TABLE tthc.dossier_alias (
  unit_code    text NOT NULL,
  code         text NOT NULL,
  dossier_code text NOT NULL,
  PRIMARY KEY (unit_code, code)
);
CREATE INDEX dossier_alias_dossier_idx ON tthc.dossier_alias (unit_code, dossier_code);
COMMENT ON TABLE tthc.dossier_alias IS
  'Mọi mã (đã chuẩn hoá) của một hồ sơ trên các hệ thống và mã hồ sơ hợp nhất tương ứng / Every normalised code seen for a dossier, and the merged dossier it belongs to';
COMMENT ON COLUMN tthc.dossier_alias.unit_code IS 'Mã xã / Commune code';
COMMENT ON COLUMN tthc.dossier_alias.code IS 'Một mã hồ sơ trên một hệ thống / One code of the dossier on one system';
COMMENT ON COLUMN tthc.dossier_alias.dossier_code IS 'Mã hồ sơ hợp nhất / Merged dossier code';

-- Links the run's source records into dossiers (sources.md, "Identity across
-- systems"): records sharing any normalised code are one dossier, and links
-- chain. The components are found by label propagation over the run's codes
-- and the existing dossiers those codes already belong to, so the work is
-- bounded by the run, not by the history. A dossier's code is the smallest
-- (byte order) of all its codes, so the result does not depend on the order
-- in which records arrive. Fills the temporary table link_touched with every
-- dossier code whose records changed (including codes that disappeared).
CREATE FUNCTION tthc.link_dossiers(p_run_id text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  changed bigint;
  r record;
BEGIN
  -- record <-> code membership of the run's records ...
  CREATE TEMP TABLE link_member ON COMMIT DROP AS
    SELECT s.unit_code, 'R:' || s.source_kind || ':' || s.source_code AS rec, c.code
      FROM tthc.dossier_source s
     CROSS JOIN LATERAL (SELECT s.source_code
                         UNION SELECT tthc.json_texts(s.linked_codes)) c(code)
     WHERE s.run_id = p_run_id;
  -- ... and of the existing dossiers any of those codes already names, whole.
  INSERT INTO link_member
    SELECT a.unit_code, 'D:' || a.dossier_code, a.code
      FROM tthc.dossier_alias a
     WHERE (a.unit_code, a.dossier_code) IN (
             SELECT a2.unit_code, a2.dossier_code
               FROM tthc.dossier_alias a2 JOIN link_member m USING (unit_code, code));
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
  CREATE TEMP TABLE link_final ON COMMIT DROP AS
    SELECT m.unit_code, m.rec, min(l.label) AS label
      FROM link_member m JOIN link_label l USING (unit_code, code) GROUP BY 1, 2;
  CREATE TEMP TABLE link_touched (unit_code text, dossier_code text) ON COMMIT DROP;
  INSERT INTO link_touched SELECT DISTINCT unit_code, label FROM link_final;

  -- Existing dossiers that joined a component under another code move to it.
  FOR r IN SELECT unit_code, substr(rec, 3) AS old_code, label
             FROM link_final WHERE rec LIKE 'D:%' AND substr(rec, 3) <> label LOOP
    UPDATE tthc.dossier_source SET dossier_code = r.label
     WHERE unit_code = r.unit_code AND dossier_code = r.old_code;
    INSERT INTO tthc.dossier_event (unit_code, dossier_code, source_kind, at, status, department_code, run_id)
    SELECT unit_code, r.label, source_kind, at, status, department_code, run_id
      FROM tthc.dossier_event WHERE unit_code = r.unit_code AND dossier_code = r.old_code
    ON CONFLICT DO NOTHING;
    DELETE FROM tthc.dossier_event WHERE unit_code = r.unit_code AND dossier_code = r.old_code;
    INSERT INTO link_touched VALUES (r.unit_code, r.old_code);
  END LOOP;
  -- The run's records, whose codes may have changed since they were stored.
  INSERT INTO link_touched
  SELECT s.unit_code, s.dossier_code
    FROM tthc.dossier_source s JOIN link_final f
      ON f.unit_code = s.unit_code AND f.rec = 'R:' || s.source_kind || ':' || s.source_code
   WHERE s.run_id = p_run_id AND s.dossier_code <> f.label;
  UPDATE tthc.dossier_source s SET dossier_code = f.label
    FROM link_final f
   WHERE s.run_id = p_run_id AND f.unit_code = s.unit_code
     AND f.rec = 'R:' || s.source_kind || ':' || s.source_code AND s.dossier_code <> f.label;
  INSERT INTO tthc.dossier_alias AS a (unit_code, code, dossier_code)
  SELECT unit_code, code, label FROM link_label
  ON CONFLICT (unit_code, code) DO UPDATE SET dossier_code = EXCLUDED.dossier_code
   WHERE a.dossier_code <> EXCLUDED.dossier_code;
END
$$;
COMMENT ON FUNCTION tthc.link_dossiers(text) IS
  'Gộp các bản ghi có chung mã thành một hồ sơ (liên kết bắc cầu) / Links records sharing any code into one dossier (links chain)';

-- Links the run's records, then rebuilds the merged dossiers they touched
-- and appends their status events. Returns the number of merged dossiers
-- written. Call it once per transaction (its work tables live until commit).
CREATE FUNCTION tthc.merge_dossiers(p_run_id text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  PERFORM tthc.link_dossiers(p_run_id);
  -- A dossier whose records all moved to another one is gone.
  DELETE FROM tthc.dossier d
   USING link_touched t
   WHERE d.unit_code = t.unit_code AND d.dossier_code = t.dossier_code
     AND NOT EXISTS (SELECT 1 FROM tthc.dossier_source s
                      WHERE s.unit_code = d.unit_code AND s.dossier_code = d.dossier_code);
  WITH touched AS (
    SELECT DISTINCT unit_code, dossier_code FROM link_touched
  ), src AS (
    SELECT s.*,
           tthc.source_preference(s.source_kind, 'processing') AS p_proc,
           tthc.source_preference(s.source_kind, 'intake')     AS p_in,
           tthc.source_preference(s.source_kind, 'portal')     AS p_portal
      FROM tthc.dossier_source s JOIN touched USING (unit_code, dossier_code)
  ), codes AS (
    SELECT unit_code, dossier_code, jsonb_agg(DISTINCT c ORDER BY c) AS linked_codes
      FROM (SELECT unit_code, dossier_code, source_code AS c FROM src
            UNION SELECT unit_code, dossier_code, tthc.json_texts(linked_codes) FROM src) x
     GROUP BY unit_code, dossier_code
  ), merged AS (
    SELECT unit_code, dossier_code,
      array_agg(DISTINCT source_kind ORDER BY source_kind) AS sources,
      bool_or(source_kind = 'portal') AS on_portal,
      NOT bool_or(source_kind <> 'portal') AS origin_missing,
      (array_agg(origin_system ORDER BY p_portal) FILTER (WHERE origin_system IS NOT NULL))[1] AS origin_system,
      max(source_updated_at) AS source_updated_at,
      -- intake
      (array_agg(procedure_code ORDER BY p_in) FILTER (WHERE procedure_code IS NOT NULL))[1] AS procedure_code,
      (array_agg(procedure_name ORDER BY p_in) FILTER (WHERE procedure_name IS NOT NULL))[1] AS procedure_name,
      (array_agg(field_code ORDER BY p_in) FILTER (WHERE field_code IS NOT NULL))[1] AS field_code,
      (array_agg(field_name ORDER BY p_in) FILTER (WHERE field_name IS NOT NULL))[1] AS field_name,
      (array_agg(service_level ORDER BY p_in) FILTER (WHERE service_level IS NOT NULL))[1] AS service_level,
      (array_agg(channel ORDER BY p_in) FILTER (WHERE channel IS NOT NULL))[1] AS channel,
      (array_agg(submitted_at ORDER BY p_in) FILTER (WHERE submitted_at IS NOT NULL))[1] AS submitted_at,
      (array_agg(fee_total ORDER BY p_in) FILTER (WHERE fee_total IS NOT NULL))[1] AS fee_total,
      -- processing
      (array_agg(department_code ORDER BY p_proc) FILTER (WHERE department_code IS NOT NULL))[1] AS department_code,
      (array_agg(department_name ORDER BY p_proc) FILTER (WHERE department_name IS NOT NULL))[1] AS department_name,
      (array_agg(status ORDER BY p_proc) FILTER (WHERE status IS NOT NULL))[1] AS status,
      (array_agg(source_status ORDER BY p_proc) FILTER (WHERE source_status IS NOT NULL))[1] AS source_status,
      (array_agg(received_at ORDER BY p_proc) FILTER (WHERE received_at IS NOT NULL))[1] AS received_at,
      (array_agg(due_at ORDER BY p_proc) FILTER (WHERE due_at IS NOT NULL))[1] AS due_at,
      (array_agg(finished_at ORDER BY p_proc) FILTER (WHERE finished_at IS NOT NULL))[1] AS finished_at,
      (array_agg(returned_at ORDER BY p_proc) FILTER (WHERE returned_at IS NOT NULL))[1] AS returned_at,
      (array_agg(refused_at ORDER BY p_proc) FILTER (WHERE refused_at IS NOT NULL))[1] AS refused_at,
      (array_agg(supplements ORDER BY p_proc) FILTER (WHERE supplements IS NOT NULL))[1] AS supplements,
      (array_agg(steps ORDER BY p_proc) FILTER (WHERE steps IS NOT NULL))[1] AS steps,
      (array_agg(has_digitised_component ORDER BY p_proc) FILTER (WHERE has_digitised_component IS NOT NULL))[1] AS has_digitised_component,
      (array_agg(has_reused_component ORDER BY p_proc) FILTER (WHERE has_reused_component IS NOT NULL))[1] AS has_reused_component,
      (array_agg(has_citizen_store_component ORDER BY p_proc) FILTER (WHERE has_citizen_store_component IS NOT NULL))[1] AS has_citizen_store_component,
      (array_agg(has_e_result ORDER BY p_proc) FILTER (WHERE has_e_result IS NOT NULL))[1] AS has_e_result,
      -- portal-side
      (array_agg(submitted_on_portal ORDER BY p_portal) FILTER (WHERE submitted_on_portal IS NOT NULL))[1] AS submitted_on_portal,
      (array_agg(vneid_verified ORDER BY p_portal) FILTER (WHERE vneid_verified IS NOT NULL))[1] AS vneid_verified,
      (array_agg(paid_online ORDER BY p_portal) FILTER (WHERE paid_online IS NOT NULL))[1] AS paid_online,
      (array_agg(rating ORDER BY p_portal) FILTER (WHERE rating IS NOT NULL))[1] AS rating,
      (array_agg(has_complaint ORDER BY p_portal) FILTER (WHERE has_complaint IS NOT NULL))[1] AS has_complaint
    FROM src GROUP BY unit_code, dossier_code
  )
  INSERT INTO tthc.dossier AS d (
    unit_code, dossier_code, sources, on_portal, origin_missing, origin_system, linked_codes,
    source_updated_at, procedure_code, procedure_name, field_code, field_name, service_level,
    channel, submitted_on_portal, submitted_at, department_code, department_name, status,
    source_status, received_at, due_at, finished_at, returned_at, refused_at, supplements, steps,
    has_digitised_component, has_reused_component, has_citizen_store_component, has_e_result,
    vneid_verified, fee_total, paid_online, rating, has_complaint)
  SELECT m.unit_code, m.dossier_code, m.sources, m.on_portal, m.origin_missing, m.origin_system, c.linked_codes,
    m.source_updated_at, m.procedure_code, m.procedure_name, m.field_code, m.field_name, m.service_level,
    m.channel, m.submitted_on_portal, m.submitted_at, m.department_code, m.department_name, m.status,
    m.source_status, m.received_at, m.due_at, m.finished_at, m.returned_at, m.refused_at, m.supplements, m.steps,
    m.has_digitised_component, m.has_reused_component, m.has_citizen_store_component, m.has_e_result,
    m.vneid_verified, m.fee_total, m.paid_online, m.rating, m.has_complaint
    FROM merged m JOIN codes c USING (unit_code, dossier_code)
  ON CONFLICT (unit_code, dossier_code) DO UPDATE SET
    sources = EXCLUDED.sources, on_portal = EXCLUDED.on_portal, origin_missing = EXCLUDED.origin_missing,
    origin_system = EXCLUDED.origin_system, linked_codes = EXCLUDED.linked_codes,
    source_updated_at = EXCLUDED.source_updated_at, procedure_code = EXCLUDED.procedure_code,
    procedure_name = EXCLUDED.procedure_name, field_code = EXCLUDED.field_code,
    field_name = EXCLUDED.field_name, service_level = EXCLUDED.service_level,
    channel = EXCLUDED.channel, submitted_on_portal = EXCLUDED.submitted_on_portal,
    submitted_at = EXCLUDED.submitted_at, department_code = EXCLUDED.department_code,
    department_name = EXCLUDED.department_name, status = EXCLUDED.status,
    source_status = EXCLUDED.source_status, received_at = EXCLUDED.received_at,
    due_at = EXCLUDED.due_at, finished_at = EXCLUDED.finished_at,
    returned_at = EXCLUDED.returned_at, refused_at = EXCLUDED.refused_at,
    supplements = EXCLUDED.supplements, steps = EXCLUDED.steps,
    has_digitised_component = EXCLUDED.has_digitised_component,
    has_reused_component = EXCLUDED.has_reused_component,
    has_citizen_store_component = EXCLUDED.has_citizen_store_component,
    has_e_result = EXCLUDED.has_e_result, vneid_verified = EXCLUDED.vneid_verified,
    fee_total = EXCLUDED.fee_total, paid_online = EXCLUDED.paid_online,
    rating = EXCLUDED.rating, has_complaint = EXCLUDED.has_complaint;
  GET DIAGNOSTICS n = ROW_COUNT;

  -- Status history: the steps a source reported, and the milestones its
  -- timestamps imply (the portal has no steps).
  INSERT INTO tthc.dossier_event (unit_code, dossier_code, source_kind, at, status, department_code, run_id)
  SELECT s.unit_code, s.dossier_code, s.source_kind, e.at, e.status, e.dept, p_run_id
    FROM tthc.dossier_source s
    CROSS JOIN LATERAL (
      SELECT (j->>'at')::timestamptz AS at, (j->>'status')::smallint AS status, j->>'department' AS dept
        FROM jsonb_array_elements(COALESCE(s.steps, '[]'::jsonb)) j
      UNION ALL SELECT s.received_at, 2::smallint, s.department_code WHERE s.received_at IS NOT NULL
      UNION ALL SELECT s.finished_at, 9::smallint, s.department_code WHERE s.finished_at IS NOT NULL
      UNION ALL SELECT s.returned_at, 10::smallint, s.department_code WHERE s.returned_at IS NOT NULL
      UNION ALL SELECT s.refused_at, s.status, s.department_code
       WHERE s.refused_at IS NOT NULL AND s.status IN (3, 7, 8)
    ) e
   WHERE s.run_id = p_run_id AND e.at IS NOT NULL AND e.status IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN n;
END
$$;
COMMENT ON FUNCTION tthc.merge_dossiers(text) IS
  'Hợp nhất lại các hồ sơ có bản ghi nguồn được lần chạy cập nhật, ghi lịch sử trạng thái / Rebuilds the merged dossiers a run touched and appends their status events';
