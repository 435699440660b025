-- 032_analyze_as_owner.sql — the loader may have dossier_source analysed
-- (issue 11, after sql/031).
--
-- A large load analyses dossier_source within its transaction, or the
-- planner takes a first load's million records for the few pages it last
-- saw (load/loader.c). Only a table's owner may ANALYZE it, and the
-- deployed loader (tthc_loader, deploy/roles.sql) owns nothing, so in a
-- deployment the analysis was left to autovacuum, which runs only after
-- the load commits, and which never analyses a partitioned table's parent
-- at all (PostgreSQL 15 analyses the partitions, not the whole): since
-- 031 the statistics of the whole table, which plans joining it use, came
-- from nobody. This function analyses it with the owner's rights; it
-- takes no argument and does nothing else, and deploy/roles.sql grants it
-- to the loader only.
--
-- The sample is 3,000 rows per partition (statistics target 10): ANALYZE
-- of a partitioned table samples every partition as well as the whole,
-- and the default 30,000 read a 100k-record run whole (0.50 s instead of
-- 0.15 s, 12 % of a first load). The plans need the run's row count and
-- the keys' distinct counts, which the smaller sample gives; autovacuum
-- analyses each partition again at the default target once its rows
-- settle.
CREATE FUNCTION tthc.analyze_dossier_source()
RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET default_statistics_target = 10 AS $$
BEGIN
  ANALYZE tthc.dossier_source (run_id, unit_code, source_kind, source_code, dossier_code);
END
$$;
REVOKE EXECUTE ON FUNCTION tthc.analyze_dossier_source() FROM PUBLIC;
COMMENT ON FUNCTION tthc.analyze_dossier_source() IS
  'Thu thập thống kê của dossier_source (cả bảng và từng phân vùng) với quyền của chủ sở hữu, cho tiến trình nạp sau một lần nạp lớn / Analyses dossier_source (the whole and each partition) with the owner''s rights, for the loader after a large load';
