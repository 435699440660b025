# shellcheck shell=bash
# Shared by the integration tests and the demo: a temporary workspace, a
# throwaway PostgreSQL cluster, simulators on loopback, a configuration
# pointing at them, and small assertions. Everything started is stopped on
# exit, even when a test fails.
#
#   . "$(dirname "$0")/../lib/harness.sh"
#   harness_init            # TMP, traps, TTHC_BIN
#   harness_start_pg        # cluster + migrations, PG* exported
#   harness_start_sim VAR args...   # tthc-sim in background; VAR=port
#   harness_write_config FILE SOURCE_NAME KIND PORT COMMUNES
#   ok / not_ok / assert_eq / harness_done
#
# Comparing a warehouse with the simulators' truth (test_differential,
# test_fault_matrix, test_crash_points):
#   harness_sync_nights DIR [JOBS]      extract → transform → load, ≤ 3 nights
#   harness_check_counts DIR COMMUNES   records per source and commune
#   harness_check_figures DIR TRUTHDIR ASOF "B06 specs" "rate specs" SIM_ARGS...
#   harness_same NAME EXPECTED ACTUAL   cmp, or the first differing lines
# Restarting the cluster (test_db_disk_faults): harness_pg_stop / harness_pg_start.
# TTHC_VALGRIND=1 runs every tthc-* under valgrind (make valgrind);
# TTHC_VALGRIND=stages only tthc-extract, tthc-transform and tthc-load.

HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$HARNESS_DIR/../.." && pwd)
SHARED_DIR=${TTHC_SHARED:-$REPO_DIR/../shared}
. "$HARNESS_DIR/pgcluster.sh"

TTHC_BIN=${TTHC_BIN:-$REPO_DIR/build/bin}
HARNESS_PIDS=""
HARNESS_FAILED=0
HARNESS_CHECKS=0

harness_cleanup() {
  local pid
  for pid in $HARNESS_PIDS; do kill "$pid" 2>/dev/null || true; done
  for pid in $HARNESS_PIDS; do wait "$pid" 2>/dev/null || true; done
  [ -n "${HARNESS_PG:-}" ] && pgcluster_stop "$HARNESS_PG"
  if [ -n "${TMP:-}" ] && [ -z "${TTHC_KEEP_TMP:-}" ]; then rm -rf "$TMP"; fi
}

harness_init() {
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/tthc-test.XXXXXX")
  chmod 0755 "$TMP"
  export TMP
  trap harness_cleanup EXIT
  trap 'exit 130' INT TERM
  if [ -n "${TTHC_VALGRIND:-}" ] && [ "$TTHC_VALGRIND" != 0 ]; then harness_valgrind_wrap; fi
}

# harness_valgrind_wrap: TTHC_BIN becomes a directory of wrappers that run
# the real programs under valgrind: an error or a definite/indirect leak
# makes the program exit 99, which fails the test that ran it; every
# report is also kept in TTHC_VALGRIND_LOGS (default $TMP/valgrind) as
# vg.PROGRAM.PID.log for `make valgrind` to sum up. A program killed on
# purpose (SIGKILL) leaves a log without a summary, which is no error.
harness_valgrind_wrap() {
  local real=$TTHC_BIN prog logs=${TTHC_VALGRIND_LOGS:-$TMP/valgrind}
  command -v valgrind >/dev/null || { echo "TTHC_VALGRIND is set but valgrind is not installed" >&2; exit 1; }
  mkdir -p "$TMP/vgbin" "$logs"
  for prog in "$real"/tthc-*; do
    prog=$(basename "$prog")
    if [ "$TTHC_VALGRIND" = stages ] && [ "$prog" = tthc-sim ]; then
      ln -s "$real/$prog" "$TMP/vgbin/$prog"
      continue
    fi
    printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --track-origins=yes --log-file="%s/vg.%s.%%p.log" "%s" "$@"\n' \
      "$logs" "$prog" "$real/$prog" >"$TMP/vgbin/$prog"
    chmod 0755 "$TMP/vgbin/$prog"
  done
  TTHC_BIN=$TMP/vgbin
}

harness_start_pg() {
  HARNESS_PG=$TMP/pg
  pgcluster_start "$HARNESS_PG" || exit 1
  "$TTHC_BIN/tthc-load" --migrate >"$TMP/migrate.log" 2>&1 ||
    { cat "$TMP/migrate.log" >&2; echo "migrations failed" >&2; exit 1; }
}

# harness_new_db NAME: a fresh warehouse database in the cluster, migrated
# and with the 2025 units, made the current one (PGDATABASE). 1 on failure.
harness_new_db() {
  createdb -T template0 "$1" && export PGDATABASE=$1 &&
    "$TTHC_BIN/tthc-load" --migrate >/dev/null 2>&1 &&
    "$TTHC_BIN/tthc-load" --units "$SHARED_DIR/reference/units-2025.csv" >/dev/null 2>&1
}

# harness_start_sim VAR [tthc-sim args...]: starts a simulator on an
# ephemeral loopback port and stores the port in VAR. It waits up to
# HARNESS_SIM_WAIT seconds (10) for the port: the benchmarks' models of a
# million dossiers are generated before it opens.
harness_start_sim() {
  local var=$1 out pid port="" i
  shift
  # A fresh file per start: the child truncates it only after the fork, so
  # reusing a name could read the previous simulator's port.
  HARNESS_SIMS=$(( ${HARNESS_SIMS:-0} + 1 ))
  out=$TMP/sim.$HARNESS_SIMS.$var.out
  : >"$out"
  "$TTHC_BIN/tthc-sim" --bind 127.0.0.1 --port 0 "$@" >"$out" 2>"$out.err" &
  pid=$!
  HARNESS_PIDS="$HARNESS_PIDS $pid"
  for i in $(seq 1 $(( ${HARNESS_SIM_WAIT:-10} * 20 ))); do
    port=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$out")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "simulator did not start:" >&2; cat "$out.err" >&2; exit 1; }
  printf -v "$var" '%s' "$port"
}

# harness_stop_sims: stops every simulator started so far (SIGTERM, then
# waits), so a test can start the next set on a clean slate.
harness_stop_sims() {
  local pid
  for pid in $HARNESS_PIDS; do kill "$pid" 2>/dev/null || true; done
  for pid in $HARNESS_PIDS; do wait "$pid" 2>/dev/null || true; done
  HARNESS_PIDS=""
}

# harness_write_config FILE NAME KIND PORT COMMUNES [extra lines...]: a
# configuration with the warehouse, a state directory under $TMP and one
# source on a simulator; more sources with harness_add_source. The secret
# (TTHC_SIM_PASSWORD, default the simulators' demo-secret) is in $TMP/NAME.secret.
harness_write_config() {
  local file=$1
  {
    echo "[warehouse]"
    echo "conninfo = host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE"
    echo "[state]"
    echo "dir = $TMP/state"
  } >"$file"
  harness_add_source "$@"
}

# harness_add_source FILE NAME KIND PORT COMMUNES [extra lines...]: appends
# a [source NAME] section for a simulator of KIND on PORT (a ministry source
# serves the civil-status field, HT).
harness_add_source() {
  local file=$1 name=$2 kind=$3 port=$4 communes=$5 line
  shift 5
  printf '%s\n' "${TTHC_SIM_PASSWORD:-demo-secret}" >"$TMP/$name.secret"
  chmod 0600 "$TMP/$name.secret"
  {
    echo "[source $name]"
    echo "kind = $kind"
    echo "base_url = http://127.0.0.1:$port"
    [ "$kind" = portal ] && echo "agency_code = 000.00.00.H31"
    [ "$kind" != ministry ] && echo "username = demo"
    [ "$kind" = ministry ] && printf 'field_code = HT\nfield_name = Hộ tịch\n'
    echo "secret_file = $TMP/$name.secret"
    echo "communes = $communes"
    echo "since = 2025-01-01"
    echo "max_rps = 0"
    for line in "$@"; do echo "$line"; done
  } >>"$file"
}

# The period report as the warehouse computes it, in the truth file format.
harness_bieu06_tsv() {
  psql -X -q -v ON_ERROR_STOP=1 -c "\\copy (SELECT * FROM tthc.report_bieu06('$1', '$2', '$3') ORDER BY field_code COLLATE \"C\" NULLS LAST) TO STDOUT WITH (FORMAT text, HEADER true)"
}

# The sync discrepancies as the warehouse lists them at AS_OF, in the
# simulator's truth format (origin system as the portal names it, origin
# code, class), sorted bytewise, without the header.
harness_discrepancies_tsv() {
  psql -XAtq -v ON_ERROR_STOP=1 <<SQL
SET tthc.as_of = '$1';
SELECT line FROM (
  SELECT CASE origin_system WHEN 'ministry' THEN 'HOTICH_BTP' ELSE 'TTHC_TP' END
         || E'\\t' || origin_code || E'\\t' || class AS line
    FROM tthc.v_sync_discrepancies) x
 ORDER BY line COLLATE "C";
SQL
}

# harness_pg_stop [MODE]: stops the harness cluster (pg_ctl -m MODE, default
# fast: sessions are terminated, as when an operator stops the server).
harness_pg_stop() {
  pgcluster_run_as "$(pg_bindir)/pg_ctl" -D "$HARNESS_PG/data" -m "${1:-fast}" -w stop >/dev/null
}

# harness_pg_start: starts it again on the same socket and port with the
# same settings (pg_ctl restart of a stopped server reuses postmaster.opts).
harness_pg_start() {
  pgcluster_run_as "$(pg_bindir)/pg_ctl" -D "$HARNESS_PG/data" -l "$HARNESS_PG/server.log" -w -t 60 \
    restart >/dev/null 2>&1
}

# harness_same NAME EXPECTED ACTUAL: 0 when the files are equal, else 1
# and the first differing lines.
harness_same() {
  if cmp -s "$2" "$3"; then return 0; fi
  echo "    first difference in $1 (truth < > warehouse):"
  diff "$2" "$3" | grep '^[<>]' | head -4 | sed 's/^/      /'
  return 1
}

# harness_sync_nights DIR [JOBS]: the nightly sync of DIR/tthc.conf, logs
# appended to DIR/sync.log: extract → transform → load until every window
# is complete (the design needs one night; a window held because its
# listing kept drifting is read again the next night), at most 3 nights.
# HARNESS_NIGHTS = the nights used (1..3), "failed" (transform or load
# failed) or "incomplete"; returns 0 only for 1..3.
harness_sync_nights() {
  local d=$1 jobs=${2:-4} night erc
  HARNESS_NIGHTS=incomplete
  for night in 1 2 3; do
    # a record drifted out is 1 s past the last window: the next night's
    # must end later (and run ids were once whole seconds)
    [ $night = 1 ] || sleep 1.1
    "$TTHC_BIN/tthc-extract" -c "$d/tthc.conf" -j "$jobs" >>"$d/sync.log" 2>&1
    erc=$?
    if ! { "$TTHC_BIN/tthc-transform" -c "$d/tthc.conf" && "$TTHC_BIN/tthc-load" -c "$d/tthc.conf"; } >>"$d/sync.log" 2>&1; then
      HARNESS_NIGHTS=failed
      return 1
    fi
    [ $erc -eq 0 ] && { HARNESS_NIGHTS=$night; return 0; }
  done
  return 1
}

# harness_check_counts DIR COMMUNES: for the sources portal, city and moj
# (ministry), per commune of COMMUNES (comma-separated), the records the
# simulator serves and the malformed ones (DIR/counts.KIND.tsv, written by
# tthc-sim --truth-counts) against the distinct records the warehouse holds
# and the distinct raw records it quarantined. 1 when any differ.
harness_check_counts() {
  local d=$1 communes=$2 k name bad=0
  for k in portal city ministry; do
    name=$k; [ $k = ministry ] && name=moj
    tail -n +2 "$d/counts.$k.tsv" | sort >"$d/want.$k"
    psql -XAtq -v ON_ERROR_STOP=1 -c "SELECT u, (SELECT count(*) FROM tthc.dossier_source s WHERE s.source_name = '$name' AND s.unit_code = u),
              (SELECT count(DISTINCT raw) FROM tthc.rejected_record r WHERE r.source_name = '$name' AND r.unit_code = u)
         FROM unnest(string_to_array('$communes', ',')) u ORDER BY 1" | tr '|' '\t' >"$d/got.$k"
    harness_same "$k records per commune (commune, served, malformed)" "$d/want.$k" "$d/got.$k" || bad=1
  done
  return $bad
}

# harness_check_figures DIR TRUTHDIR ASOF B06 RATES SIM_ARGS...: the
# warehouse's figures against the truth of the simulators' model (SIM_ARGS:
# its data flags, --seed … or --dataset FILE):
#   B06    "UNIT:FROM:TO ...": Biểu 06 (every cell) and late by department
#   RATES  "UNIT:FROM:TO ...": report_rates
#   and the sync-discrepancy list judged at ASOF (local, 2026-05-02T10:00:00).
# The truth files are written into TRUTHDIR when missing, so warehouses of
# one model share them; the warehouse's side goes to DIR. 1 when anything
# differs (the first differing lines are printed).
harness_check_figures() {
  local d=$1 td=$2 asof=$3 b06=$4 rates=$5 q u f t bad=0
  shift 5
  mkdir -p "$td"
  for q in $b06; do
    IFS=: read -r u f t <<<"$q"
    [ -s "$td/b06.$u.$f.$t" ] ||
      "$TTHC_BIN/tthc-sim" --kind portal "$@" --truth-only --truth "$td/b06.$u.$f.$t" \
        --truth-overdue "$td/dept.$u.$f.$t" --unit "$u" --period "$f:$t" 2>/dev/null
    harness_bieu06_tsv "$u" "$f" "$t" >"$d/b06.got"
    harness_same "Biểu 06 $u $f..$t" "$td/b06.$u.$f.$t" "$d/b06.got" || bad=1
    psql -XAtq -c "\\copy (SELECT * FROM tthc.report_overdue_by_department('$u','$f','$t')) TO STDOUT WITH (FORMAT text, HEADER true)" >"$d/dept.got"
    harness_same "late by department $u $f..$t" "$td/dept.$u.$f.$t" "$d/dept.got" || bad=1
  done
  for q in $rates; do
    IFS=: read -r u f t <<<"$q"
    [ -s "$td/rates.$u.$f.$t" ] ||
      "$TTHC_BIN/tthc-sim" --kind portal "$@" --truth-only --truth-rates "$td/rates.$u.$f.$t" \
        --unit "$u" --period "$f:$t" 2>/dev/null
    psql -XAtq -c "\\copy (SELECT * FROM tthc.report_rates('$u','$f','$t')) TO STDOUT WITH (FORMAT text, HEADER true)" >"$d/rates.got"
    harness_same "rates $u $f..$t" "$td/rates.$u.$f.$t" "$d/rates.got" || bad=1
  done
  if [ ! -e "$td/disc.want" ]; then
    "$TTHC_BIN/tthc-sim" --kind portal "$@" --truth-only --truth-discrepancies "$td/disc.truth" 2>/dev/null
    tail -n +2 "$td/disc.truth" >"$td/disc.want"
  fi
  harness_discrepancies_tsv "${asof/T/ }+07" >"$d/disc.got"
  harness_same "sync discrepancies" "$td/disc.want" "$d/disc.got" || bad=1
  return $bad
}

ok()     { HARNESS_CHECKS=$((HARNESS_CHECKS + 1)); echo "ok - $*"; }
not_ok() { HARNESS_CHECKS=$((HARNESS_CHECKS + 1)); HARNESS_FAILED=$((HARNESS_FAILED + 1)); echo "not ok - $*"; }

# assert_eq EXPECTED ACTUAL DESCRIPTION
assert_eq() {
  if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3 (expected '$1', got '$2')"; fi
}

# assert_cmd DESCRIPTION cmd...: the command must succeed.
assert_cmd() {
  local what=$1
  shift
  if "$@" >"$TMP/last.out" 2>&1; then ok "$what"; else
    not_ok "$what"; sed 's/^/    /' "$TMP/last.out"
  fi
}

harness_done() {
  if [ "$HARNESS_CHECKS" -eq 0 ]; then echo "not ok - no check ran"; exit 1; fi
  [ "$HARNESS_FAILED" -eq 0 ]
}
