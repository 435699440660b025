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
# ephemeral loopback port and stores the port in VAR.
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
  for i in $(seq 1 200); do
    port=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$out")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "simulator did not start:" >&2; cat "$out.err" >&2; exit 1; }
  printf -v "$var" '%s' "$port"
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
