-- 023_alias_linked_codes.sql — alias rows only for the codes that link
-- records; a record's own code is found in dossier_source (issue 11).
--
-- Profile of a first load of 100k portal records (after 022,
-- bench/profile/load-100000.pg_stat_statements.txt before this file): the
-- alias INSERT took 10 % of the load (14 % at 1M), one row and two index
-- entries per code, 105,927 rows for 101,606 records: all but 4,321 of
-- them a record's own code mapped to its dossier, which the record's row
-- in dossier_source (source_code, dossier_code) says already.
--
-- So a code's dossier is now (tthc.dossier_codes):
--   * its dossier_alias row, written only for a record's linked codes
--     (the codes of other systems it names: maHoSoMCDT, MaHoSoBNDP, …),
--     which may name a record that has not arrived yet;
--   * or the dossier of a stored record whose own code it is (any system:
--     the primary key, one probe per source kind). A record this run
--     inserted still carries its own code as a placeholder dossier_code;
--     it counts only when that dossier exists (then it is the record's
--     dossier: a dossier is named by one of its codes).
-- Both are kept in step when a dossier joins another: its source rows and
-- its alias rows are relabelled together.
--
-- The rules do not change (sources.md "Identity across systems"; 002, 013):
-- records sharing any code are one dossier, named by its smallest code,
-- whatever the order in which they arrive. In link_dossiers:
--   * a run into communes with no dossier and no alias yet (a first load)
--     looks nothing up: every code is new;
--   * an existing dossier named by the run joins label propagation as its
--     own code and the codes that named it (its code is its smallest, so
--     the components and labels are those of 013, which took all its
--     codes; its other codes follow it by the relabelling above).
-- tests/integration/test_stored_outcome.sh compares tthc.dossier_codes
-- (and the dossiers, source links, events) with 002's functions.

CREATE VIEW tthc.dossier_codes AS
SELECT unit_code, code, dossier_code FROM tthc.dossier_alias
UNION
SELECT unit_code, source_code, dossier_code FROM tthc.dossier_source;
COMMENT ON VIEW tthc.dossier_codes IS
  'Mọi mã hồ sơ trên các hệ thống và hồ sơ hợp nhất mang mã đó (mã liên kết và mã riêng của từng bản ghi) / Every code of a dossier on any system and the merged dossier it names (linked codes and each record''s own code)';
COMMENT ON COLUMN tthc.dossier_codes.unit_code IS 'Mã xã / Commune code';
COMMENT ON COLUMN tthc.dossier_codes.code IS 'Một mã hồ sơ trên một hệ thống / One code of the dossier on one system';
COMMENT ON COLUMN tthc.dossier_codes.dossier_code IS 'Mã hồ sơ hợp nhất / Merged dossier code';
COMMENT ON TABLE tthc.dossier_alias IS
  'Mã liên kết (mã của hệ thống khác mà bản ghi nêu) và hồ sơ hợp nhất của chúng; mã riêng của bản ghi nằm ở dossier_source (xem tthc.dossier_codes) / Linked codes (the other systems'' codes a record names) and their merged dossier; a record''s own code is in dossier_source (see tthc.dossier_codes)';

-- An existing warehouse: the rows that repeat what a source row says (its
-- own code, the same dossier) go; a code's dossier does not change.
DELETE FROM tthc.dossier_alias a
 USING tthc.dossier_source s
 WHERE s.unit_code = a.unit_code AND s.source_code = a.code AND s.dossier_code = a.dossier_code;

CREATE OR REPLACE FUNCTION tthc.link_dossiers(p_run_id text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  changed bigint;
  r record;
BEGIN
  -- record <-> code membership of the run's records (own: the record's own code)
  CREATE TEMP TABLE link_run ON COMMIT DROP AS
    SELECT DISTINCT s.unit_code, 'R:' || s.source_kind || ':' || s.source_code AS rec,
           s.dossier_code AS stored, c.code, c.code = s.source_code AS own
      FROM tthc.dossier_source s
     CROSS JOIN LATERAL (SELECT s.source_code
                         UNION ALL SELECT j FROM tthc.json_texts(s.linked_codes) j) c(code)
     WHERE s.run_id = p_run_id;
  ANALYZE link_run;
  -- each code: how many of the run's records carry it, which dossier has it
  -- (its alias row, or a stored record whose own code it is)
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT unit_code FROM link_run) u
              WHERE EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.unit_code = u.unit_code)
                 OR EXISTS (SELECT 1 FROM tthc.dossier_alias a WHERE a.unit_code = u.unit_code)) THEN
    -- Joins, not a sub-select per code: the planner picks index probes or
    -- hashes by the run's size (sub-selects took 45 us a code, 6x the join).
    CREATE TEMP TABLE link_code ON COMMIT DROP AS
      SELECT g.unit_code, g.code, min(g.recs) AS recs,
             least(min(a.dossier_code), min(t.dossier_code) FILTER (WHERE d.dossier_code IS NOT NULL))
               AS dossier
        FROM (SELECT unit_code, code, count(*) AS recs FROM link_run GROUP BY 1, 2) g
        LEFT JOIN tthc.dossier_alias a ON a.unit_code = g.unit_code AND a.code = g.code
        LEFT JOIN tthc.dossier_source t
          ON t.unit_code = g.unit_code AND t.source_kind IN ('portal', 'city', 'ministry')
         AND t.source_code = g.code
        LEFT JOIN tthc.dossier d ON d.unit_code = t.unit_code AND d.dossier_code = t.dossier_code
       GROUP BY g.unit_code, g.code;
  ELSE
    -- no dossier in the run's communes yet (a first load): every code is new
    CREATE TEMP TABLE link_code ON COMMIT DROP AS
      SELECT unit_code, code, count(*) AS recs, NULL::text AS dossier FROM link_run GROUP BY 1, 2;
  END IF;
  -- (a work table, analysed: counting the codes inline in link_final below
  -- took it from 4 s to 13 s at 1M records)
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
  -- their codes, and each existing dossier any of those codes names as a
  -- node of its own code and the codes that named it.
  CREATE TEMP TABLE link_member ON COMMIT DROP AS
    SELECT m.unit_code, m.rec, m.code
      FROM link_run m JOIN link_final f USING (unit_code, rec)
     WHERE NOT f.fast;
  GET DIAGNOSTICS changed = ROW_COUNT;
  IF changed > 0 THEN
    INSERT INTO link_member
      SELECT DISTINCT c.unit_code, 'D:' || c.dossier, x.code
        FROM (SELECT DISTINCT unit_code, code FROM link_member) m
        JOIN link_code c USING (unit_code, code)
       CROSS JOIN LATERAL (VALUES (c.code), (c.dossier)) x(code)
       WHERE c.dossier IS NOT NULL;
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
    -- Existing dossiers that joined a component under another code move to
    -- it: their records, their alias rows, their kept events.
    FOR r IN SELECT unit_code, substr(rec, 3) AS old_code, label
               FROM link_component WHERE rec LIKE 'D:%' AND substr(rec, 3) <> label LOOP
      UPDATE tthc.dossier_source SET dossier_code = r.label
       WHERE unit_code = r.unit_code AND dossier_code = r.old_code;
      UPDATE tthc.dossier_alias SET dossier_code = r.label
       WHERE unit_code = r.unit_code AND dossier_code = r.old_code;
      INSERT INTO tthc.dossier_event_kept (unit_code, dossier_code, source_kind, at, status, department_code, run_id)
      SELECT unit_code, r.label, source_kind, at, status, department_code, run_id
        FROM tthc.dossier_event_kept WHERE unit_code = r.unit_code AND dossier_code = r.old_code
      ON CONFLICT DO NOTHING;
      DELETE FROM tthc.dossier_event_kept WHERE unit_code = r.unit_code AND dossier_code = r.old_code;
      INSERT INTO link_touched VALUES (r.unit_code, r.old_code);
    END LOOP;
    -- the linked codes of the run's records name their component's label
    INSERT INTO tthc.dossier_alias AS a (unit_code, code, dossier_code)
    SELECT l.unit_code, l.code, l.label FROM link_label l
     WHERE EXISTS (SELECT 1 FROM link_run m
                    WHERE m.unit_code = l.unit_code AND m.code = l.code AND NOT m.own)
    ON CONFLICT (unit_code, code) DO UPDATE SET dossier_code = EXCLUDED.dossier_code
     WHERE a.dossier_code <> EXCLUDED.dossier_code;
  END IF;
  ANALYZE link_final;

  -- A record of its own: its new linked codes name its label (its own code
  -- does by its source row); the codes of a record already in its one
  -- dossier are that dossier's already.
  INSERT INTO tthc.dossier_alias (unit_code, code, dossier_code)
  SELECT m.unit_code, m.code, f.label
    FROM link_run m JOIN link_final f USING (unit_code, rec)
   WHERE f.fast AND f.all_new AND NOT m.own
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
  'Gộp các bản ghi có chung mã thành một hồ sơ (liên kết bắc cầu); bản ghi tự thành một hồ sơ được xử lý không cần lan truyền nhãn; chỉ mã liên kết được ghi vào dossier_alias / Links records sharing any code into one dossier (links chain); a record that is a component of its own is settled without label propagation; only linked codes are written to dossier_alias';
