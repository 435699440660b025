#!/bin/bash
# deploy/roles.sql on a migrated warehouse: it is idempotent; tthc_analyst
# can read tables, views and reports and can change nothing; tthc_loader can
# write (including through tthc-load and merge_dossiers) but not change the
# schema; tables created later by the owner are readable by both.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg

ROLES_SQL=$REPO_DIR/deploy/roles.sql
assert_cmd "roles.sql applies" psql -X -q -v ON_ERROR_STOP=1 -f "$ROLES_SQL"
assert_cmd "roles.sql applies again (idempotent)" psql -X -q -v ON_ERROR_STOP=1 -f "$ROLES_SQL"
assert_eq "" "$(grep -Ei "password +'|password +\"" "$ROLES_SQL")" "no password in roles.sql"
assert_eq "tthc_analyst|true|false|false
tthc_loader|true|false|false" "$(psql -XAtc "SELECT rolname || '|' || rolcanlogin || '|' || rolsuper || '|' || rolcreatedb
                                   FROM pg_roles WHERE rolname LIKE 'tthc\\_%' ORDER BY 1")" "two login roles, no superpowers"

psql -Xq -v ON_ERROR_STOP=1 -c "INSERT INTO tthc.unit VALUES ('11002', 'Phường Thạch Khôi', '31', 'Thành phố Hải Phòng')"

as() { local role=$1; shift; psql -X -q -A -t -v ON_ERROR_STOP=1 -U "$role" -c "$1" >"$TMP/as.out" 2>&1; }
oneline() { tr -s ' \n' ' ' <<<"$1"; }
may()    { if as "$1" "$2"; then ok "$1 may: $(oneline "$2")"; else not_ok "$1 may: $(oneline "$2")"; sed 's/^/    /' "$TMP/as.out"; fi; }
maynot() {
  if as "$1" "$2"; then not_ok "$1 may not: $(oneline "$2") (it succeeded)"
  elif grep -q "permission denied\|must be owner" "$TMP/as.out"; then ok "$1 may not: $(oneline "$2")"
  else not_ok "$1 may not: $(oneline "$2") (failed for another reason)"; sed 's/^/    /' "$TMP/as.out"; fi
}

# ----------------------------------------------------------- analyst
may tthc_analyst "SELECT count(*) FROM tthc.unit"
assert_eq 1 "$(cat "$TMP/as.out")" "tthc_analyst reads the rows"
may tthc_analyst "SELECT count(*) FROM tthc.dossier_source"
may tthc_analyst "SELECT count(*) FROM tthc.load_run"
may tthc_analyst "SELECT count(*) FROM tthc.v_sync_discrepancies"
may tthc_analyst "SELECT count(*) FROM tthc.v_overdue_dossiers"
may tthc_analyst "SELECT * FROM tthc.report_bieu06('31', '2026-04-01', '2026-04-30')"
may tthc_analyst "SELECT * FROM tthc.report_rates('11002', '2026-04-01', '2026-04-30')"
may tthc_analyst "SELECT * FROM tthc.report_overdue_by_department('11002', '2026-04-01', '2026-04-30')"
may tthc_analyst "SELECT * FROM tthc.data_quality_issues('11002', '2026-04-01', '2026-04-30')"
maynot tthc_analyst "INSERT INTO tthc.unit VALUES ('10792', 'Xã An Thành', '31', 'Thành phố Hải Phòng')"
maynot tthc_analyst "UPDATE tthc.unit SET unit_name = 'x'"
maynot tthc_analyst "DELETE FROM tthc.unit"
maynot tthc_analyst "TRUNCATE tthc.unit"
maynot tthc_analyst "INSERT INTO tthc.load_run (run_id, outcome) VALUES ('r', 'ok')"
maynot tthc_analyst "CREATE TABLE tthc.analyst_t (x int)"
maynot tthc_analyst "CREATE TABLE public.analyst_t (x int)"
maynot tthc_analyst "CREATE TEMP TABLE analyst_t (x int)"
maynot tthc_analyst "CREATE VIEW tthc.analyst_v AS SELECT 1"
maynot tthc_analyst "ALTER TABLE tthc.unit ADD COLUMN x int"
maynot tthc_analyst "DROP VIEW tthc.v_overdue_dossiers"
maynot tthc_analyst "SELECT tthc.merge_dossiers('r')"
maynot tthc_analyst "CREATE SCHEMA analyst_s"

# ----------------------------------------------------------- loader
may tthc_loader "INSERT INTO tthc.load_run (run_id, outcome) VALUES ('run-l', 'ok')"
may tthc_loader "UPDATE tthc.load_run SET records_read = 1 WHERE run_id = 'run-l'"
may tthc_loader "INSERT INTO tthc.dossier_source (unit_code, source_kind, source_name, source_code, source_updated_at,
                   record_hash, status, received_at, dossier_code, run_id)
                 VALUES ('11002', 'city', 'city', 'L1', now(), 'h', 2, now(), 'L1', 'run-l')"
may tthc_loader "BEGIN; SELECT tthc.merge_dossiers('run-l'); COMMIT"
assert_eq 1 "$(psql -XAtc "SELECT count(*) FROM tthc.dossier WHERE dossier_code = 'L1'")" "tthc_loader merged a dossier"
maynot tthc_loader "CREATE TABLE tthc.loader_t (x int)"
maynot tthc_loader "DROP TABLE tthc.unit"
maynot tthc_loader "INSERT INTO tthc.schema_migration (name) VALUES ('999_x.sql')"
maynot tthc_loader "TRUNCATE tthc.dossier"

# tthc-load itself, connected as the loader: units from the official list.
cat >"$TMP/loader.conf" <<EOF
[warehouse]
conninfo = host=$PGHOST port=$PGPORT user=tthc_loader dbname=$PGDATABASE
[state]
dir = $TMP/state
EOF
assert_cmd "tthc-load --units as tthc_loader" "$TTHC_BIN/tthc-load" -c "$TMP/loader.conf" --units "$SHARED_DIR/reference/units-2025.csv"
assert_eq 3321 "$(psql -XAtc 'SELECT count(*) FROM tthc.unit')" "the loader loaded 3,321 communes"

# ----------------------------------------------------------- future tables
psql -Xq -v ON_ERROR_STOP=1 -c "CREATE TABLE tthc.later_t (x int); INSERT INTO tthc.later_t VALUES (1)"
may tthc_analyst "SELECT x FROM tthc.later_t"
maynot tthc_analyst "INSERT INTO tthc.later_t VALUES (2)"
may tthc_loader "INSERT INTO tthc.later_t VALUES (2)"
harness_done
