#!/bin/bash
# sql/031: the dossier tables partitioned by commune (HASH (unit_code), 32
# partitions each, in schema tthc_partition). A warehouse of three systems'
# dossiers, with corrections (kept events) and granted roles, upgraded from
# the migrations before 031, keeps every row of every table and view, every
# report figure and every privilege, and ends with the schema of a new
# warehouse; a commune's rows of the four tables sit in partitions of the
# same number; later loads and corrections work the same on both.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg
NEW=$PGDATABASE
export PGOPTIONS="-c client_min_messages=warning"
q() { psql -XAtq -v ON_ERROR_STOP=1 -d "${2:-$NEW}" -c "$1"; }
PARTED="dossier dossier_source dossier_alias dossier_event_kept"

# ------------------------------------------------------------ a new warehouse with data
GEN=(--seed 31 --communes 11002,10792,11560 --from 2026-03-01 --to 2026-04-30 --as-of 2026-05-03T12:00:00
     --per-day 6 --push-failure 0.2 --username demo)
for kind in portal city ministry; do
  harness_start_sim "PORT_$kind" --kind "$kind" "${GEN[@]}"
done
harness_write_config "$TMP/tthc.conf" portal-x portal "$PORT_portal" "11002, 10792, 11560" "page_size = 50"
harness_add_source "$TMP/tthc.conf" city-x city "$PORT_city" "11002, 10792, 11560" "page_size = 50"
harness_add_source "$TMP/tthc.conf" moj-x ministry "$PORT_ministry" "11002, 10792, 11560" "page_size = 50"
"$TTHC_BIN/tthc-load" --units "$SHARED_DIR/reference/units-2025.csv" >/dev/null || exit 1
for stage in extract transform load; do
  "$TTHC_BIN/tthc-$stage" -c "$TMP/tthc.conf" >"$TMP/$stage.log" 2>&1 || { cat "$TMP/$stage.log"; exit 1; }
done

# correct RUN DB: a later version of a fifth of the city records (finished
# a day later), as a correction run; their replaced versions' events are kept.
correct() {
  q "INSERT INTO tthc.load_run (run_id, outcome, loaded_at) VALUES ('$1', 'ok', '2026-05-04 00:00+00');
     UPDATE tthc.dossier_source SET source_updated_at = source_updated_at + interval '1 hour',
            finished_at = finished_at + interval '1 day', record_hash = md5(record_hash || '$1'), run_id = '$1'
      WHERE source_kind = 'city' AND finished_at IS NOT NULL AND abs(hashtext(source_code || '$1')) % 5 = 0;
     SELECT tthc.merge_dossiers('$1');" "$2" >/dev/null
}
correct fix-1 "$NEW" || exit 1
assert_eq t "$(q "SELECT count(*) > 0 FROM tthc.dossier_event_kept")" "the correction kept the replaced versions' events"
assert_eq t "$(q "SELECT count(*) > 0 FROM tthc.dossier_alias")" "linked codes have alias rows"

# ------------------------------------------------------------ layout
for t in $PARTED; do
  assert_eq "p 32 32" "$(q "SELECT c.relkind, count(*) FILTER (WHERE p.isleaf),
                               count(*) FILTER (WHERE p.isleaf AND n.nspname = 'tthc_partition')
                          FROM pg_partition_tree('tthc.$t') p JOIN pg_class c ON c.oid = 'tthc.$t'::regclass
                          JOIN pg_class l ON l.oid = p.relid JOIN pg_namespace n ON n.oid = l.relnamespace
                         GROUP BY c.relkind" | tr '|' ' ')" "tthc.$t: partitioned, 32 partitions in tthc_partition"
done
assert_eq 0 "$(q "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'tthc' AND c.relispartition")" "no partition in schema tthc"
# the partition number of each commune's rows, table by table
colocated="SELECT count(*) FROM (
  SELECT unit_code, count(DISTINCT part) AS parts FROM (
    SELECT unit_code, substring(tableoid::regclass::text from '_p([0-9]+)\$') AS part FROM tthc.dossier
    UNION ALL SELECT unit_code, substring(tableoid::regclass::text from '_p([0-9]+)\$') FROM tthc.dossier_source
    UNION ALL SELECT unit_code, substring(tableoid::regclass::text from '_p([0-9]+)\$') FROM tthc.dossier_alias
    UNION ALL SELECT unit_code, substring(tableoid::regclass::text from '_p([0-9]+)\$') FROM tthc.dossier_event_kept) x
  GROUP BY unit_code) y WHERE parts <> 1"
assert_eq 0 "$(q "$colocated")" "a commune's rows of the four tables are in partitions of one number"
assert_eq t "$(q "SELECT count(DISTINCT tableoid) > 1 FROM tthc.dossier")" "the communes spread over partitions"
# a commune's report is planned on its one partition (the scope's three
# scans), a province's on all; JIT is off for the database
scans() {
  q "EXPLAIN (COSTS OFF) SELECT * FROM tthc.report_$1('$2', '2026-04-01', '2026-04-30')" |
    grep -Ec ' on dossier_p[0-9]+( |$)'
}
for f in bieu06 rates; do
  assert_eq 3 "$(scans $f 11002)" "report_$f for a commune reads one partition (planned)"
  assert_eq 96 "$(scans $f 31)" "report_$f for a province reads every partition"
done
assert_eq off "$(q "SHOW jit")" "JIT compilation is off for the warehouse's database"

# ------------------------------------------------------------ an old warehouse with the same data
createdb -T template0 old || exit 1
q "CREATE SCHEMA tthc; CREATE TABLE tthc.schema_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())" old
for f in "$REPO_DIR"/sql/[0-9]*.sql; do
  [[ "$(basename "$f")" < 031 ]] || continue
  PGOPTIONS="-c client_min_messages=warning" psql -Xq -1 -v ON_ERROR_STOP=1 -d old -f "$f" >/dev/null &&
    q "INSERT INTO tthc.schema_migration (name) VALUES ('$(basename "$f")')" old || { not_ok "old migration $f"; exit 1; }
done
assert_eq 0 "$(q "SELECT count(*) FROM pg_class WHERE relkind = 'p'" old)" "the old warehouse is not partitioned"
pg_dump --data-only --load-via-partition-root -n tthc -n tthc_partition -T tthc.schema_migration -d "$NEW" >"$TMP/data.sql" &&
  PGOPTIONS="-c client_min_messages=warning" psql -Xq -1 -v ON_ERROR_STOP=1 -d old -f "$TMP/data.sql" >/dev/null ||
  { not_ok "copying the data into the old warehouse"; exit 1; }

# roles as deploy/roles.sql grants them, and one privilege beyond
for r in tthc_t31_analyst tthc_t31_loader; do q "DROP ROLE IF EXISTS $r; CREATE ROLE $r" >/dev/null; done
q "GRANT USAGE ON SCHEMA tthc TO tthc_t31_analyst, tthc_t31_loader;
   GRANT SELECT ON ALL TABLES IN SCHEMA tthc TO tthc_t31_analyst;
   GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tthc TO tthc_t31_loader;
   GRANT TRUNCATE ON tthc.dossier_alias TO tthc_t31_loader WITH GRANT OPTION" old

# fingerprint DB: every row of every dossier table and view, and the reports.
fingerprint() {
  local rel
  for rel in dossier dossier_source dossier_alias dossier_event_kept dossier_event dossier_codes \
             v_dossier_outcome v_overdue_dossiers v_sync_discrepancies; do
    echo "$rel $(q "SELECT count(*), md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM tthc.$rel x" "$1")"
  done
  for f in "report_bieu06('31', '2026-03-01', '2026-04-30')" "report_rates('31', '2026-03-01', '2026-04-30')" \
           "report_bieu06('11002', '2026-04-01', '2026-04-30')" "report_rates('10792', '2026-04-01', '2026-04-30')"; do
    echo "$f $(q "SELECT count(*), md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM tthc.$f x" "$1")"
  done
}
privileges() {
  q "SELECT r.rolname, c.relname, p.priv, has_table_privilege(r.rolname, c.oid, p.priv)
       FROM pg_roles r, pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
            unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRUNCATE WITH GRANT OPTION']) p(priv)
      WHERE r.rolname LIKE 'tthc_t31_%' AND n.nspname = 'tthc' AND c.relkind IN ('r', 'p', 'v')
      ORDER BY 1, 2, 3" "$1"
}
fingerprint "$NEW" >"$TMP/fp.new"
fingerprint old >"$TMP/fp.old"
privileges old >"$TMP/priv.before"
harness_same "the old warehouse holds the new one's rows" "$TMP/fp.new" "$TMP/fp.old" &&
  ok "the old warehouse holds the same rows and figures ($(wc -l <"$TMP/fp.old") relations and reports)"
assert_eq t "$(grep -c '|t$' "$TMP/priv.before" | awk '{ print ($1 > 20) ? "t" : "f" }')" "the roles hold privileges before the upgrade"

# ------------------------------------------------------------ the upgrade
if PGDATABASE=old "$TTHC_BIN/tthc-load" --migrate >"$TMP/up.log" 2>&1; then ok "the old warehouse is upgraded"
else not_ok "upgrade"; sed 's/^/    /' "$TMP/up.log"; exit 1; fi
fingerprint old >"$TMP/fp.upgraded"
harness_same "rows and figures after the upgrade" "$TMP/fp.old" "$TMP/fp.upgraded" &&
  ok "every row of the four tables and five views, and four reports, are unchanged by the upgrade"
privileges old >"$TMP/priv.after"
harness_same "privileges after the upgrade" "$TMP/priv.before" "$TMP/priv.after" &&
  ok "every role keeps every privilege on every table and view ($(wc -l <"$TMP/priv.after") checked)"
assert_eq "$(psql -XAtq -d old -c "SET ROLE tthc_t31_analyst" -c "SELECT count(*) FROM tthc.v_sync_discrepancies")" \
  "$(q "SELECT count(*) FROM tthc.v_sync_discrepancies")" "the analyst reads the discrepancy view through the new tables"
assert_eq 0 "$(q "$colocated" old)" "upgraded: a commune's rows are in partitions of one number"
dump() { pg_dump -s --no-owner --no-privileges -n tthc -n tthc_partition -T tthc.schema_migration -d "$1" | grep -Ev '^--|^\\(un)?restrict '; }
dump "$NEW" >"$TMP/schema.new"
dump old >"$TMP/schema.old"
harness_same "the upgraded schema" "$TMP/schema.new" "$TMP/schema.old" &&
  ok "the upgraded schema, partitions included, equals a new warehouse's (pg_dump -s)"

# ------------------------------------------------------------ after the upgrade
correct fix-2 "$NEW" && correct fix-2 old || not_ok "a correction run after the upgrade"
fingerprint "$NEW" >"$TMP/fp.new2"
fingerprint old >"$TMP/fp.old2"
harness_same "after a later correction" "$TMP/fp.new2" "$TMP/fp.old2" &&
  ok "a later correction gives the same rows and figures in both"
if cmp -s "$TMP/fp.new" "$TMP/fp.new2"; then not_ok "the correction changed nothing (the check above could not fail)"
else ok "the correction changed rows"; fi
harness_done
