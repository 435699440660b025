-- 031_partition_by_commune.sql — the dossier tables partitioned by commune
-- (issue 11: a national archive, hundreds of millions of dossiers).
--
-- dossier, dossier_source, dossier_alias and dossier_event_kept become
-- PARTITION BY HASH (unit_code) with 32 partitions each, the same modulus
-- for all four, so a commune's rows of every table sit in partitions with
-- the same number (partition-wise joins pair them) and every key keeps the
-- commune code first (a distributed engine such as Citus shards them on it
-- unchanged; docs/warehouse.md). Why hash and why 32: docs/decisions.md
-- "Partitioning by commune".
--
-- The partitions live in their own schema, tthc_partition: analysts and
-- the loader read and write the parent tables only (privileges are checked
-- on the parent; nobody needs the partitions' schema), and \dt tthc.*
-- still lists the warehouse's tables, each with its bilingual comment.
--
-- PostgreSQL cannot turn a table into a partitioned one in place, so each
-- table is built anew beside the old one with the same columns, defaults,
-- generated columns, checks and column comments (LIKE), its rows copied,
-- the old table dropped, the new one renamed, and its keys, indexes,
-- triggers, comment and privileges re-created from what the catalogue said
-- of the old one. The views that read these tables (and the views reading
-- those) are dropped first and re-created afterwards from their own
-- definitions, comments and privileges: this file does not repeat any
-- view's text, so it stays right whatever a later migration made of them.
-- On an existing warehouse the copy takes about as long as a first load
-- of its rows (the whole migration is one transaction: all or nothing).

CREATE SCHEMA IF NOT EXISTS tthc_partition;
COMMENT ON SCHEMA tthc_partition IS
  'Các phân vùng của bảng hồ sơ theo mã xã (chỉ truy cập qua bảng cha trong tthc) / Partitions of the dossier tables by commune code (read through the parent tables in tthc only)';

-- The views depending on a set of tables, deepest last, with all that is
-- needed to create them again.
CREATE FUNCTION pg_temp.saved_views(tables regclass[])
RETURNS TABLE (depth int, oid oid, name text, def text, options text[], comment text, acl aclitem[])
LANGUAGE sql AS $$
  WITH RECURSIVE dep(view, depth) AS (
    SELECT DISTINCT r.ev_class, 1
      FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
     WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = ANY (tables) AND r.ev_class <> d.refobjid
    UNION
    SELECT r.ev_class, dep.depth + 1
      FROM dep JOIN pg_depend d ON d.refobjid = dep.view AND d.classid = 'pg_rewrite'::regclass
      JOIN pg_rewrite r ON r.oid = d.objid
     WHERE r.ev_class <> dep.view
  )
  SELECT max(dep.depth), c.oid, c.oid::regclass::text, pg_get_viewdef(c.oid), c.reloptions,
         obj_description(c.oid, 'pg_class'), c.relacl
    FROM dep JOIN pg_class c ON c.oid = dep.view
   GROUP BY c.oid
$$;

-- GRANT statements giving relation REL the privileges ACL lists.
CREATE FUNCTION pg_temp.grant_acl(rel text, acl aclitem[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE g record;
BEGIN
  FOR g IN SELECT a.privilege_type, a.is_grantable,
                  CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END AS grantee
             FROM aclexplode(acl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE a.grantee <> a.grantor LOOP
    EXECUTE format('GRANT %s ON %s TO %s%s', g.privilege_type, rel, g.grantee,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END
$$;

-- Rebuilds table T (schema tthc) as PARTITION BY HASH (unit_code) with
-- PARTS partitions tthc_partition.T_pNN, keeping everything but its OID.
CREATE FUNCTION pg_temp.partition_by_commune(t text, parts int)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  old regclass := format('tthc.%I', t)::regclass;
  tbl_comment text := obj_description(old, 'pg_class');
  tbl_acl aclitem[] := (SELECT relacl FROM pg_class WHERE oid = old);
  keys text[];
  indexes text[];
  triggers text[];
  cols text;
  stmt text;
BEGIN
  -- keys first (the indexes behind them come with them), then the others
  SELECT array_agg(format('ALTER TABLE tthc.%I ADD CONSTRAINT %I %s', t, conname,
                          pg_get_constraintdef(oid)) ORDER BY contype = 'p' DESC, conname)
    INTO keys FROM pg_constraint WHERE conrelid = old AND contype IN ('p', 'u', 'x');
  SELECT array_agg(pg_get_indexdef(i.indexrelid) ORDER BY i.indexrelid::regclass::text)
    INTO indexes FROM pg_index i
   WHERE i.indrelid = old
     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
  SELECT array_agg(pg_get_triggerdef(oid) ORDER BY tgname)
    INTO triggers FROM pg_trigger WHERE tgrelid = old AND NOT tgisinternal;
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
    FROM pg_attribute WHERE attrelid = old AND attnum > 0 AND NOT attisdropped AND attgenerated = '';

  EXECUTE format('CREATE TABLE tthc.%I (LIKE tthc.%I INCLUDING DEFAULTS INCLUDING GENERATED'
                 ' INCLUDING CONSTRAINTS INCLUDING COMMENTS INCLUDING STORAGE INCLUDING COMPRESSION)'
                 ' PARTITION BY HASH (unit_code)', t || '_by_commune', t);
  FOR i IN 0 .. parts - 1 LOOP
    EXECUTE format('CREATE TABLE tthc_partition.%I PARTITION OF tthc.%I'
                   ' FOR VALUES WITH (MODULUS %s, REMAINDER %s)',
                   format('%s_p%s', t, lpad(i::text, 2, '0')), t || '_by_commune', parts, i);
  END LOOP;
  EXECUTE format('INSERT INTO tthc.%I (%s) SELECT %s FROM tthc.%I', t || '_by_commune', cols, cols, t);
  EXECUTE format('DROP TABLE tthc.%I', t);
  EXECUTE format('ALTER TABLE tthc.%I RENAME TO %I', t || '_by_commune', t);
  FOREACH stmt IN ARRAY coalesce(keys, '{}') || coalesce(indexes, '{}') || coalesce(triggers, '{}') LOOP
    EXECUTE stmt;
  END LOOP;
  -- each partition's index named as the parent's, the partition's name for
  -- the table's (dossier_end_idx: dossier_p07_end_idx), so that a plan
  -- names the index it uses as before
  FOR stmt IN
    SELECT format('ALTER INDEX tthc_partition.%I RENAME TO %I', pi.relname,
                  pt.relname || substr(ci.relname, length(t) + 1))
      FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
      JOIN pg_inherits h ON h.inhparent = i.indexrelid
      JOIN pg_class pi ON pi.oid = h.inhrelid
      JOIN pg_index x ON x.indexrelid = pi.oid JOIN pg_class pt ON pt.oid = x.indrelid
     WHERE i.indrelid = format('tthc.%I', t)::regclass AND left(ci.relname, length(t)) = t
       AND pi.relname <> pt.relname || substr(ci.relname, length(t) + 1)
  LOOP
    EXECUTE stmt;
  END LOOP;
  EXECUTE format('COMMENT ON TABLE tthc.%I IS %L', t, tbl_comment);
  PERFORM pg_temp.grant_acl(format('tthc.%I', t), tbl_acl);
END
$$;

DO $$
DECLARE
  v record;
  c record;
BEGIN
  CREATE TEMP TABLE part_views ON COMMIT DROP AS
    SELECT * FROM pg_temp.saved_views(ARRAY['tthc.dossier', 'tthc.dossier_source', 'tthc.dossier_alias',
                                            'tthc.dossier_event_kept']::regclass[]);
  CREATE TEMP TABLE part_view_columns ON COMMIT DROP AS
    SELECT pv.name, a.attname, col_description(pv.oid, a.attnum) AS comment
      FROM part_views pv JOIN pg_attribute a ON a.attrelid = pv.oid AND a.attnum > 0
     WHERE col_description(pv.oid, a.attnum) IS NOT NULL;
  FOR v IN SELECT name FROM part_views ORDER BY depth DESC LOOP
    EXECUTE format('DROP VIEW %s', v.name);
  END LOOP;

  PERFORM pg_temp.partition_by_commune(t, 32)
     FROM unnest(ARRAY['dossier', 'dossier_source', 'dossier_alias', 'dossier_event_kept']) t;

  FOR v IN SELECT * FROM part_views ORDER BY depth LOOP
    EXECUTE format('CREATE VIEW %s%s AS %s', v.name,
                   CASE WHEN v.options IS NULL THEN ''
                        ELSE format(' WITH (%s)', array_to_string(v.options, ', ')) END,
                   v.def);
    EXECUTE format('COMMENT ON VIEW %s IS %L', v.name, v.comment);
    FOR c IN SELECT * FROM part_view_columns WHERE name = v.name LOOP
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', v.name, c.attname, c.comment);
    END LOOP;
    PERFORM pg_temp.grant_acl(v.name, v.acl);
  END LOOP;
END
$$;

-- ------------------------------------------------------------ the reports
-- The reports' scope was `unit_code = ANY (ARRAY(SELECT units_of($1)))`:
-- an array known only when the query runs, which PostgreSQL 15 does not
-- prune partitions by, so a commune's report planned and probed all 32
-- partitions three times (planning 17-26 ms of a commune-month Biểu 06).
-- Now a commune's own code is a constant array when the query is planned
-- with the code (report functions are inlined into the
-- caller's query, and tthc-report binds the code as a parameter of an
-- unnamed statement, which is planned with its value), so a commune's
-- report reads its one partition; a province's communes are still looked
-- up when the query runs (they span nearly every partition anyhow). Same
-- communes as units_of for every argument: a 5-digit code is itself, a
-- 2-digit code its province's communes, anything else none.
-- 012's function, with that scope (three times: one per part of the scope).
CREATE OR REPLACE FUNCTION tthc.dossier_period_outcome(unit_scope text, period_from date, period_to date)
RETURNS TABLE (unit_code text, dossier_code text,
               field_code text, field_name text,
               department_code text, department_name text,
               procedure_code text, channel smallint,
               received_at timestamptz, due_at timestamptz, due_missing boolean,
               end_at timestamptz, end_kind text, effective_end timestamptz,
               in_period boolean, carried_over boolean, outcome text,
               supplement_requests integer, supplement_open integer,
               on_portal boolean, has_digitised_component boolean,
               has_reused_component boolean, has_citizen_store_component boolean,
               has_e_result boolean, fee_total bigint, paid_online smallint,
               rating smallint, has_complaint boolean)
LANGUAGE sql STABLE AS $$
  SELECT * FROM (
    SELECT NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
           NULL::smallint, NULL::timestamptz, NULL::timestamptz, NULL::boolean,
           NULL::timestamptz, NULL::text, NULL::timestamptz, NULL::boolean, NULL::boolean, NULL::text,
           NULL::integer, NULL::integer, NULL::boolean, NULL::boolean, NULL::boolean, NULL::boolean,
           NULL::boolean, NULL::bigint, NULL::smallint, NULL::smallint, NULL::boolean
     WHERE NOT tthc.report_arguments_check($1, $2, $3)
    OFFSET 0) guard
  UNION ALL
  SELECT * FROM (
    SELECT x.unit_code, x.dossier_code, x.field_code, x.field_name,
           x.department_code, x.department_name, x.procedure_code,
           COALESCE(x.channel, 1)::smallint,
           x.received_at, x.due, x.due IS NULL,
           x.ended_at, x.ended_as, x.effective_ended_at,
           x.received_at >= tthc.local_start($2), x.received_at < tthc.local_start($2),
           tthc.outcome_of(x.ended_at, x.ended_as, x.effective_ended_at, x.due,
                           (x.s).n_requests, (x.s).n_open, (x.s).pause, tthc.local_start($3 + 1)),
           COALESCE((x.s).n_requests, 0), COALESCE((x.s).n_open, 0),
           x.on_portal, x.has_digitised_component, x.has_reused_component,
           x.has_citizen_store_component, x.has_e_result, x.fee_total, x.paid_online,
           x.rating, x.has_complaint
      FROM (
        SELECT d.*, COALESCE(d.due_at, d.received_at + make_interval(days => p.max_days)) AS due,
               CASE WHEN d.supplements IS NOT NULL AND d.supplements <> '[]'::jsonb
                    THEN (SELECT ROW(s.*)::tthc.supplement_summary
                            FROM tthc.supplement_state(d.supplements, tthc.local_start($3 + 1)) s)
               END AS s
          FROM (
            -- received in the period, not ended before it (bad data: ended
            -- before received; listed by data_quality_issues)
            SELECT d.* FROM tthc.dossier d
             WHERE d.unit_code = ANY (CASE WHEN length($1) = 5 THEN ARRAY[$1] ELSE ARRAY(SELECT tthc.units_of($1)) END)
               AND d.received_at >= tthc.local_start($2)
               AND d.received_at < tthc.local_start($3 + 1)
               AND (d.ended_at IS NULL OR d.ended_at >= tthc.local_start($2))
            UNION ALL
            -- carried over, still open
            SELECT d.* FROM tthc.dossier d
             WHERE d.unit_code = ANY (CASE WHEN length($1) = 5 THEN ARRAY[$1] ELSE ARRAY(SELECT tthc.units_of($1)) END)
               AND d.received_at < tthc.local_start($2)
               AND d.ended_at IS NULL
            UNION ALL
            -- carried over, ended in or after the period
            SELECT d.* FROM tthc.dossier d
             WHERE d.unit_code = ANY (CASE WHEN length($1) = 5 THEN ARRAY[$1] ELSE ARRAY(SELECT tthc.units_of($1)) END)
               AND d.received_at < tthc.local_start($2)
               AND d.ended_at >= tthc.local_start($2)
          ) d
          LEFT JOIN tthc.procedure p ON p.procedure_code = d.procedure_code
        OFFSET 0) x
    OFFSET 0) classified
$$;

-- Just-in-time compilation off for the warehouse's database. A plan over
-- partitioned tables has a scan node per partition (96 for a report's
-- three scope scans), and JIT compiles every expression of every node:
-- measured on 10M dossiers, a province-year Biểu 06 spent 35 s compiling
-- 546 functions to run for 0.8 s (the loader already turned it off for its
-- own statements). The setting belongs to the database, not the schema, so
-- deploy/tthc-setup-db.sh sets it again (after a restore into a new
-- database) and tthc-report turns it off for its session; a role that may
-- not alter the database gets a warning saying what to run.
DO $$
BEGIN
  IF pg_has_role((SELECT datdba FROM pg_database WHERE datname = current_database()), 'USAGE')
     OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
  ELSE
    RAISE WARNING 'could not turn off JIT compilation for database %', current_database()
      USING DETAIL = 'Only the database owner or a superuser may alter the database.',
            HINT = format('Run ALTER DATABASE %I SET jit = off as its owner; reports over partitioned tables spend seconds compiling otherwise.', current_database());
  END IF;
END
$$;

-- The copied rows' statistics (autovacuum never analyses a partitioned
-- parent, only its partitions; the parent's are what the planner uses for
-- a join over all of them).
ANALYZE tthc.dossier;
ANALYZE tthc.dossier_source;
ANALYZE tthc.dossier_alias;
ANALYZE tthc.dossier_event_kept;
