#!/bin/bash
# tthc-sync operations: --check (configuration, state directory, secrets,
# one authenticated request per source, warehouse connection, schema version
# and privileges) passes on a good setup without running anything, and
# names each broken part with exit 3 (each with its own message: a role
# that may not read tthc.schema_migration is no "newer warehouse"); the
# Prometheus textfile written after each run, in a directory the first run
# creates, mode 0644 under the unit's UMask=0027, parses line by line (a strict exposition-format check, promtool
# being absent), holds the run's figures as the warehouse has them, keeps
# its counters growing and its last success across a partial and a failed
# night; retention runs after a partial night, not after a failed one; a
# night that fails before its run prints no empty summary and logs no
# "(null)"; the JSON log's sync events carry typed fields.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg
"$TTHC_BIN/tthc-load" --units "$SHARED_DIR/reference/units-2025.csv" >/dev/null 2>&1
q() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
C=$TMP/tthc.conf
GEN=(--seed 21 --communes 11002,10792 --from 2026-03-01 --to 2026-04-30 --as-of 2026-05-02T10:00:00
     --per-day 3 --push-failure 0.2 --username demo)

start_sources() {
  harness_stop_sims
  harness_start_sim P_portal --kind portal "${GEN[@]}" --retry-after 0 "$@"
  harness_start_sim P_city --kind city "${GEN[@]}" --retry-after 0
  harness_start_sim P_moj --kind ministry "${GEN[@]}" --retry-after 0
  harness_write_config "$C" portal portal "$P_portal" "11002, 10792"
  harness_add_source "$C" city city "$P_city" "11002, 10792"
  harness_add_source "$C" moj ministry "$P_moj" "11002, 10792"
  printf '[sync]\nmetrics_file = %s\n' "$TMP/metrics/tthc.prom" >>"$C"
}
start_sources

# check [ARGS...]: runs --check on $C; CHECK_RC, output in $TMP/check.out.
check() {
  "$TTHC_BIN/tthc-sync" -c "${CONF:-$C}" --check "$@" >"$TMP/check.out" 2>"$TMP/check.err"
  CHECK_RC=$?
}
# expect_failed WHAT PATTERN DESCRIPTION: --check exited 3 and printed
# "WHAT: FAILED: ...PATTERN...; hint: ...".
expect_failed() {
  if [ "$CHECK_RC" = 3 ] && grep -q "^$1: FAILED: .*$2.*; hint: ." "$TMP/check.out"; then
    ok "--check: $3: $(grep "^$1: FAILED" "$TMP/check.out" | cut -c1-150)"
  else
    not_ok "--check: $3 (exit $CHECK_RC)"; cat "$TMP/check.out" "$TMP/check.err"
  fi
}

# --- --check on a good setup --------------------------------------------------
check
assert_eq 0 "$CHECK_RC" "--check on a good setup exits 0" || cat "$TMP/check.out" "$TMP/check.err"
for what in config "state directory" "metrics directory" "secret portal" "secret city" "secret moj" \
            "source portal" "source city" "source moj" warehouse "warehouse schema" "warehouse privileges"; do
  grep -q "^$what: ok" "$TMP/check.out" && ok "--check: $what ok" || not_ok "--check: no \"$what: ok\" line"
done
grep -q "^source portal: ok (portal at http://127.0.0.1:$P_portal: authenticated; one page of commune 11002)" \
  "$TMP/check.out" && ok "--check: the source line says what was asked" || not_ok "--check: source line"
[ ! -e "$TMP/state" ] && ok "--check made no state directory (no run, no watermark, no lock)" ||
  { not_ok "--check touched the state directory"; find "$TMP/state"; }
assert_eq "0 0" "$(q "SELECT (SELECT count(*) FROM tthc.load_run) || ' ' || (SELECT count(*) FROM tthc.source_watermark)")" \
  "--check wrote nothing to the warehouse"
grep -q "^metrics directory: ok ($TMP/metrics, created by the first run)$" "$TMP/check.out" &&
  ok "--check: a metrics directory not there yet is fine: the run creates it" ||
  { not_ok "--check: metrics directory line"; grep "^metrics" "$TMP/check.out"; }
[ ! -e "$TMP/metrics" ] && ok "--check wrote no metrics" || not_ok "--check wrote metrics"
check --source city
assert_eq "0 1" "$CHECK_RC $(grep -c '^source ' "$TMP/check.out")" "--check --source city probes that source only"
"$TTHC_BIN/tthc-sync" -c "$C" --check --dry-run >/dev/null 2>&1
assert_eq 2 $? "--check with --dry-run is a usage error"

# --- --check names each broken part --------------------------------------------
chmod 0644 "$TMP/city.secret"; check; chmod 0600 "$TMP/city.secret"
expect_failed "secret city" "readable" "a group/world-readable secret file"
grep -q "^source city:" "$TMP/check.out" && not_ok "a source with no readable secret was still probed" ||
  ok "--check: a source whose secret fails is not probed"
grep -q "^source portal: ok" "$TMP/check.out" && ok "--check goes on after a failure" || not_ok "--check stopped early"
cp "$TMP/portal.secret" "$TMP/portal.good"; echo wrong-password >"$TMP/portal.secret"; check
cp "$TMP/portal.good" "$TMP/portal.secret"
expect_failed "source portal" "authentication failed" "a wrong password"
sed "s|^base_url = http://127.0.0.1:$P_moj|base_url = http://127.0.0.1:1|" "$C" >"$TMP/down.conf"
CONF=$TMP/down.conf check
expect_failed "source moj" "request failed\|authentication failed" "a system that is down"
sed "s|^conninfo = .*|conninfo = host=$TMP/nowhere dbname=x connect_timeout=2|" "$C" >"$TMP/nodb.conf"
CONF=$TMP/nodb.conf check
expect_failed warehouse "could not connect" "no warehouse"
q "CREATE ROLE weak LOGIN"
sed "s|^conninfo = \(.*\)user=[^ ]*|conninfo = \1user=weak|" "$C" >"$TMP/weak.conf"
CONF=$TMP/weak.conf check
expect_failed "warehouse privileges" "role weak may not use schema tthc" "a role without USAGE on tthc"
expect_failed "warehouse schema" "could not read tthc.schema_migration as role weak" \
  "a role without USAGE on tthc cannot read the schema version"
# not_newer WHY: the output does not blame a newer warehouse.
not_newer() {
  grep -qi "newer\|upgrade" "$TMP/check.out" && { not_ok "--check: $1 reported as a newer warehouse"; cat "$TMP/check.out"; } ||
    ok "--check: $1 is not reported as a newer warehouse"
}
not_newer "a role without USAGE"
grep -q "^warehouse schema: FAILED: .*; hint: Grant the loader role USAGE on schema tthc and SELECT on tthc.schema_migration" \
  "$TMP/check.out" && ok "--check: the hint names the grants" || not_ok "--check: schema hint for a missing grant"
q "GRANT USAGE ON SCHEMA tthc TO weak; GRANT SELECT ON ALL TABLES IN SCHEMA tthc TO weak"
CONF=$TMP/weak.conf check
expect_failed "warehouse privileges" "role weak may not read and write table(s) .*dossier_source" \
  "a role that may only read"
q "REVOKE SELECT ON tthc.schema_migration FROM weak"
CONF=$TMP/weak.conf check
expect_failed "warehouse privileges" "role weak may not read tthc.schema_migration" \
  "a role without SELECT on tthc.schema_migration"
expect_failed "warehouse schema" "could not read tthc.schema_migration as role weak" \
  "the schema version unreadable without SELECT on it"
not_newer "a role without SELECT on schema_migration"
last=$(q "SELECT max(name) FROM tthc.schema_migration")
q "DELETE FROM tthc.schema_migration WHERE name = '$last'"; check
expect_failed "warehouse schema" "1 migration not applied (first $last)" "a migration not applied"
q "INSERT INTO tthc.schema_migration (name) VALUES ('$last'), ('999_from_the_future.sql')"; check
expect_failed "warehouse schema" "the warehouse is newer than this tthc-sync" "a warehouse newer than the binary"
grep -q "^warehouse schema: FAILED: .*; hint: Upgrade tthc-etl" "$TMP/check.out" &&
  ok "--check: a newer warehouse: the hint says upgrade" || not_ok "--check: hint for a newer warehouse"
q "DELETE FROM tthc.schema_migration WHERE name = '999_from_the_future.sql'"
printf '[state]\nno_such_key = 1\n' >"$TMP/bad.conf"
CONF=$TMP/bad.conf check
expect_failed config "no_such_key" "an invalid configuration"
check
assert_eq 0 "$CHECK_RC" "--check passes again once repaired" || cat "$TMP/check.out"

# --- the metrics file -----------------------------------------------------------
# prom_lint FILE: the text exposition format, strictly: every line a HELP,
# a TYPE or a sample; metric names tthc_*, counters ending in _total, times
# in _seconds; each family's HELP then TYPE before its samples, each family
# once; label values quoted; values numbers. Prints the first problem.
prom_lint() {
  python3 - "$1" <<'PY'
import re, sys
name = r'tthc_[a-z0-9_]*[a-z0-9]'
help_re = re.compile(r'^# HELP (' + name + r') [^\n]+$')
type_re = re.compile(r'^# TYPE (' + name + r') (counter|gauge)$')
lab = r'[a-z_]+="(?:[^"\\\n]|\\\\|\\"|\\n)*"'
sample_re = re.compile(r'^(' + name + r')(?:\{' + lab + r'(?:,' + lab + r')*\})? '
                       r'(-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?|NaN|[+-]Inf)$')
seen, cur, typ, pending_help, n = set(), None, {}, None, 0
text = open(sys.argv[1]).read()
if not text.endswith('\n'):
    sys.exit('no final newline')
for i, line in enumerate(text.split('\n')[:-1], 1):
    if m := help_re.match(line):
        if m[1] in seen: sys.exit(f'{i}: family {m[1]} twice')
        pending_help = m[1]; continue
    if m := type_re.match(line):
        if pending_help != m[1]: sys.exit(f'{i}: TYPE without its HELP: {line}')
        seen.add(m[1]); cur = m[1]; typ[cur] = m[2]; pending_help = None
        if (m[2] == 'counter') != cur.endswith('_total'): sys.exit(f'{i}: {cur}: counters and only counters end in _total')
        if re.search(r'_(sec|secs|ms|duration)$', cur): sys.exit(f'{i}: {cur}: times are in _seconds')
        continue
    if m := sample_re.match(line):
        if m[1] != cur: sys.exit(f'{i}: sample outside its family: {line}')
        n += 1; continue
    sys.exit(f'{i}: not exposition format: {line!r}')
print(f'{len(seen)} families, {n} samples')
PY
}
# metric FILE SERIES: the value of one sample ("name{labels}" exactly).
metric() { awk -v s="$2" 'index($0, s " ") == 1 { print $2 }' "$1"; }
# msum FILE REGEX: the sum of the samples whose series matches REGEX.
msum() { awk -v r="$2" '$1 ~ r { t += $2 } END { printf "%d\n", t }' "$1"; }
P=$TMP/metrics/tthc.prom

t0=$(date +%s)
# as the unit runs it: UMask=0027 (deploy/tthc-nightly.service)
(umask 0027; exec "$TTHC_BIN/tthc-sync" -c "$C" --log-format json >"$TMP/n1.out" 2>"$TMP/n1.err")
assert_eq 0 $? "night 1: tthc-sync exits 0" || tail -5 "$TMP/n1.err"
assert_eq "755 644" "$(stat -c %a "$TMP/metrics") $(stat -c %a "$P" 2>&1)" \
  "night 1: the run made the metrics directory 0755 and the file 0644 under umask 0027 (node_exporter reads it)"
run1=$(q "SELECT max(run_id) FROM tthc.load_run")
lint=$(prom_lint "$P") && ok "night 1: the metrics file is valid exposition format ($lint)" ||
  { not_ok "night 1: metrics file: $lint"; cat "$P"; }
assert_eq "tthc.prom" "$(ls "$TMP/metrics")" "the metrics file was replaced atomically (no temporary left)"
assert_eq 0 "$(metric "$P" tthc_sync_exit_status)" "night 1: tthc_sync_exit_status 0"
assert_eq 6 "$(metric "$P" tthc_sync_windows)" "night 1: six windows (three sources, two communes)"
assert_eq 0 "$(metric "$P" tthc_sync_windows_held)" "night 1: no window held"
ls1=$(metric "$P" tthc_sync_last_success_timestamp_seconds)
[ "${ls1%.*}" -ge "$t0" ] && [ "${ls1%.*}" -le "$(date +%s)" ] &&
  ok "night 1: last success is the run's end" || not_ok "night 1: last success $ls1"
for st in extract transform load total; do
  v=$(metric "$P" "tthc_sync_stage_duration_seconds{stage=\"$st\"}")
  [ -n "$v" ] && awk -v v="$v" 'BEGIN { exit !(v > 0) }' && ok "night 1: $st took ${v}s" ||
    not_ok "night 1: no duration for $st ('$v')"
done
for st in landed loaded quarantined; do
  col=$st; [ $st = loaded ] && col=applied
  assert_eq "$(q "SELECT sum($col) FROM tthc.run_window WHERE run_id = '$run1'")" \
    "$(msum "$P" "^tthc_sync_window_records\\{.*stage=\"$st\"")" "night 1: $st records in the metrics equal tthc.run_window"
done
assert_eq "$(q "SELECT landed FROM tthc.run_window WHERE run_id = '$run1' AND source_name = 'moj' AND unit_code = '10792'")" \
  "$(metric "$P" 'tthc_sync_window_records{source="moj",kind="ministry",commune="10792",stage="landed"}')" \
  "night 1: one window's landed count, labelled by source, kind and commune"
disc=$(q "SELECT count(*) FROM tthc.v_sync_discrepancies WHERE unit_code = '11002'")
[ "$disc" -gt 0 ] && ok "night 1: the model has $disc discrepancies in 11002" || not_ok "night 1: no discrepancies to count"
assert_eq "$disc" "$(metric "$P" 'tthc_sync_window_discrepancies{source="portal",kind="portal",commune="11002"}')" \
  "night 1: the commune's discrepancies (portal row: all of them)"
assert_eq "$(q "SELECT count(*) FROM tthc.v_sync_discrepancies WHERE unit_code = '11002' AND origin_system = 'city'")" \
  "$(metric "$P" 'tthc_sync_window_discrepancies{source="city",kind="city",commune="11002"}')" \
  "night 1: the city row counts those whose origin is the city"
assert_eq "$disc" "$(awk '$1 == "portal" && $2 == "11002" { print $8 }' "$TMP/n1.out")" \
  "night 1: the summary table's discrep. column"
assert_eq "$(q "SELECT sum(landed) FROM tthc.run_window WHERE run_id = '$run1' AND source_name = 'city'")" \
  "$(metric "$P" 'tthc_sync_records_total{source="city",stage="landed"}')" "night 1: the landed counter of a source"
assert_eq 1 "$(metric "$P" 'tthc_sync_runs_total{status="ok"}')" "night 1: one run ok counted"
grep -q "^run $run1: start [0-9.]* s, extract [0-9.]* s, transform [0-9.]* s, load [0-9.]* s, summary [0-9.]* s, total [0-9.]* s$" "$TMP/n1.out" &&
  ok "night 1: the summary gives each stage's time" || { not_ok "night 1: stage times"; cat "$TMP/n1.out"; }
assert_eq 6 "$(grep -cE '^(portal|city|moj) +[0-9]{5} +[0-9-]+ +[0-9]+ +[0-9]+ +[0-9-]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+ s ok$' "$TMP/n1.out")" \
  "night 1: a summary line per window with counts, duration and status"
grep -qE '^total +[0-9-]+ +[0-9]+ +[0-9]+ .* ok$' "$TMP/n1.out" && ok "night 1: a total line" || not_ok "night 1: no total line"
# typed JSON: every stderr line an object; the sync events' numbers are numbers
if jq -e -s 'all(type == "object")' "$TMP/n1.err" >/dev/null &&
   jq -e -s --arg r "$run1" '[.[] | select(.event == "sync_done")] | length == 1 and
        (.[0] | .run_id == $r and (.duration_seconds | type) == "number" and (.duration_ms | type) == "number"
                and .exit_status == 0 and .windows == 6 and (.load_seconds | type) == "number")' \
        "$TMP/n1.err" >/dev/null &&
   jq -e -s --arg r "$run1" '[.[] | select(.event == "window_summary")] | length == 6 and
        all(.run_id == $r and (.landed | type) == "number" and (.retries | type) == "number"
            and (.duration_seconds | type) == "number" and (.commune | type) == "string")' \
        "$TMP/n1.err" >/dev/null &&
   jq -e -s --arg r "$run1" '[.[] | select(.event == "stage_done")] | length == 5 and
        all(.run_id == $r and (.duration_ms | type) == "number") and
        ([.[].stage] == ["start", "extract", "transform", "load", "summary"])' \
        "$TMP/n1.err" >/dev/null; then
  ok "night 1: JSON log: sync_done, window_summary and stage_done with typed fields"
else not_ok "night 1: JSON log fields"; grep -E 'sync_done|window_summary|stage_done' "$TMP/n1.err" | head -5; fi

# --- a partial night: the portal's listing never reconciles --------------------
sleep 1.1
start_sources --fault miscount:1
# retention ([state] keep_days) with an old loaded run to prune
sed -i "s|^dir = $TMP/state\$|&\nkeep_days = 1|" "$C"
mkdir -p "$TMP/state/runs/20200101T000000Z" && (cd "$TMP/state/runs/20200101T000000Z" && touch EXTRACTED TRANSFORMED LOADED)
"$TTHC_BIN/tthc-sync" -c "$C" --since 2026-04-20 >"$TMP/n2.out" 2>"$TMP/n2.err"
assert_eq 1 $? "night 2: partial, exit 1"
[ ! -e "$TMP/state/runs/20200101T000000Z" ] && grep -q "retention: removed 1 loaded run older than 1 days" "$TMP/n2.err" &&
  ok "night 2: retention ran after a partial night" ||
  { not_ok "night 2: no retention after a partial night"; ls "$TMP/state/runs"; grep retention "$TMP/n2.err"; }
run2=$(q "SELECT max(run_id) FROM tthc.load_run")
lint=$(prom_lint "$P") && ok "night 2: the metrics file is valid ($lint)" || { not_ok "night 2: metrics: $lint"; cat "$P"; }
assert_eq "1 2" "$(metric "$P" tthc_sync_exit_status) $(metric "$P" tthc_sync_windows_held)" \
  "night 2: exit status 1, two windows held"
assert_eq 1 "$(metric "$P" 'tthc_sync_window_held{source="portal",kind="portal",commune="11002"}')" \
  "night 2: the portal's window is marked held"
assert_eq 0 "$(metric "$P" 'tthc_sync_window_held{source="city",kind="city",commune="11002"}')" \
  "night 2: the city's window is not"
assert_eq "$ls1" "$(metric "$P" tthc_sync_last_success_timestamp_seconds)" "night 2: the last success is still night 1's"
assert_eq "1 1 0" "$(metric "$P" 'tthc_sync_runs_total{status="ok"}') $(metric "$P" 'tthc_sync_runs_total{status="partial"}') $(metric "$P" 'tthc_sync_runs_total{status="failed"}')" \
  "night 2: runs counted by outcome"
city_landed=$(q "SELECT sum(landed) FROM tthc.run_window WHERE run_id IN ('$run1', '$run2') AND source_name = 'city'")
assert_eq "$city_landed" "$(metric "$P" 'tthc_sync_records_total{source="city",stage="landed"}')" \
  "night 2: the landed counter added this night's to night 1's"
grep -qE '^portal +11002 .* incomplete$' "$TMP/n2.out" && grep -qE '^total .* held$' "$TMP/n2.out" &&
  ok "night 2: the summary shows the held windows" || { not_ok "night 2: summary"; cat "$TMP/n2.out"; }

# --- a failed night (no warehouse), then a city-only night: counters carried ------
sed "s|^conninfo = .*|conninfo = host=$TMP/nowhere dbname=x connect_timeout=2|" "$C" >"$TMP/nodb.conf"
mkdir -p "$TMP/state/runs/20200102T000000Z" && (cd "$TMP/state/runs/20200102T000000Z" && touch EXTRACTED TRANSFORMED LOADED)
"$TTHC_BIN/tthc-sync" -c "$TMP/nodb.conf" >"$TMP/n3.out" 2>"$TMP/n3.err"
assert_eq 3 $? "night 3: no warehouse, exit 3"
[ -e "$TMP/state/runs/20200102T000000Z" ] && ok "night 3: no retention after a failed night" ||
  not_ok "night 3: a failed night pruned runs"
assert_eq "" "$(cat "$TMP/n3.out")" "night 3: failed before its run: no summary line (no empty run id, no \"total 0.0 s\")"
grep -q "^tthc-sync: sync_done run_id=- exit_status=3 " "$TMP/n3.err" && ! grep -q "(null)" "$TMP/n3.err" &&
  ok "night 3: the text log says run_id=-, never (null)" || { not_ok "night 3: text log"; grep sync_done "$TMP/n3.err"; }
lint=$(prom_lint "$P") && ok "night 3: the metrics file is valid ($lint)" || { not_ok "night 3: metrics: $lint"; cat "$P"; }
assert_eq "3 0 1" "$(metric "$P" tthc_sync_exit_status) $(metric "$P" tthc_sync_windows) $(metric "$P" 'tthc_sync_runs_total{status="failed"}')" \
  "night 3: exit status 3, no windows, one failed run counted"
assert_eq "$ls1 $city_landed" "$(metric "$P" tthc_sync_last_success_timestamp_seconds) $(metric "$P" 'tthc_sync_records_total{source="city",stage="landed"}')" \
  "night 3: last success and counters carried over"
sleep 1.1
start_sources
"$TTHC_BIN/tthc-sync" -c "$C" --source city --since 2026-04-25 >"$TMP/n4.out" 2>"$TMP/n4.err"
assert_eq 0 $? "night 4: city only, exit 0" || tail -3 "$TMP/n4.err"
lint=$(prom_lint "$P") && ok "night 4: the metrics file is valid ($lint)" || { not_ok "night 4: metrics: $lint"; cat "$P"; }
assert_eq "$(q "SELECT sum(landed) FROM tthc.run_window WHERE run_id IN ('$run1', '$run2') AND source_name = 'moj'")" \
  "$(metric "$P" 'tthc_sync_records_total{source="moj",stage="landed"}')" \
  "night 4: a source left out of the run keeps its counter"
assert_eq 2 "$(metric "$P" tthc_sync_windows)" "night 4: two windows"
[ "$(metric "$P" tthc_sync_last_success_timestamp_seconds)" != "$ls1" ] && ok "night 4: a new last success" ||
  not_ok "night 4: last success not updated"

# --- a metrics file that cannot be written: --check says so, the night stands ---
# (tests run as root: a file in the way, not permissions, makes it unwritable)
echo x >"$TMP/blocker"
sed "s|^metrics_file = .*|metrics_file = $TMP/blocker/dir/tthc.prom|" "$C" >"$TMP/nomet.conf"
CONF=$TMP/nomet.conf check
expect_failed "metrics directory" "$TMP/blocker/dir" "a metrics directory that cannot be made"
sleep 1.1
"$TTHC_BIN/tthc-sync" -c "$TMP/nomet.conf" --source city --since 2026-04-28 >/dev/null 2>"$TMP/n5.err"
assert_eq 0 $? "an unwritable metrics file does not fail the night"
grep -q "could not create the metrics file's directory \"$TMP/blocker/dir\"" "$TMP/n5.err" &&
  ok "it says so" || { not_ok "no message for the metrics file"; cat "$TMP/n5.err"; }
harness_done
