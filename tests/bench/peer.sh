#!/bin/bash
# Ours against the Python peer (issue 11): the same landed portal pages
# (about BENCH_PEER_SIZE records, default 100000) into a fresh database of
# the same throwaway PostgreSQL cluster, by
#   bench/peer/peer.py            json.load + psycopg2 execute_values … ON CONFLICT
#   tthc-transform + tthc-load    into a new, empty warehouse
# each BENCH_REPS times (default 3, median). Prints a markdown section with
# the throughput and peak RSS of both and their ratios (goal: ≥ 10× the
# peer's throughput); progress goes to stderr. Needs Debian's
# python3-psycopg2 and GNU time: deploy/install-deps.sh --bench.
set -eu
. "$(dirname "$0")/../lib/harness.sh"

PYTHON=${BENCH_PYTHON:-/usr/bin/python3}
if ! "$PYTHON" -c 'import psycopg2' 2>/dev/null || [ ! -x /usr/bin/time ]; then
  echo "peer.sh: $PYTHON with psycopg2 and GNU time are needed: run deploy/install-deps.sh --bench" \
    "(it installs Debian's python3-psycopg2 and time)" >&2
  exit 2
fi
harness_init
harness_start_pg
export PGOPTIONS='-c client_min_messages=warning'

SIZE=${BENCH_PEER_SIZE:-100000}
REPS=${BENCH_REPS:-3}
CACHE=$REPO_DIR/build/bench-cache
mkdir -p "$CACHE"
. "$(dirname "$0")/landing.sh"

fresh_db() {
  dropdb --if-exists "$1" 2>/dev/null && harness_new_db "$1" ||
    { echo "peer.sh: could not create database $1" >&2; exit 1; }
}

dir=$(landing portal "$SIZE")
run=$(ls "$dir/state/runs" | head -n 1)
rdir=$dir/state/runs/$run
records=$(records_of "$rdir")
sed "s|^conninfo = .*|conninfo = host=$PGHOST port=$PGPORT user=$PGUSER dbname=ours|" "$dir/gen.conf" >"$TMP/ours.conf"
: >"$TMP/py" && : >"$TMP/tr" && : >"$TMP/ld" && : >"$TMP/rows"
for i in $(seq 1 "$REPS"); do
  echo "peer.sh: $records portal records, run $i of $REPS" >&2
  fresh_db peer
  timed "$TMP/py" "$PYTHON" "$REPO_DIR/bench/peer/peer.py" \
    "host=$PGHOST port=$PGPORT user=$PGUSER dbname=peer" "$rdir/landing"
  fresh_db ours
  rm -rf "$rdir/canonical" "$rdir/TRANSFORMED" "$rdir/LOADED"
  timed "$TMP/tr" "$TTHC_BIN/tthc-transform" -c "$TMP/ours.conf" --run "$run"
  timed "$TMP/ld" "$TTHC_BIN/tthc-load" -c "$TMP/ours.conf"
  echo "$(psql -XAtq -d peer -c 'SELECT count(*) FROM peer_dossier') $(psql -XAtq -d ours -c 'SELECT count(*) FROM tthc.dossier_source')" >"$TMP/rows"
  rm -rf "$rdir/canonical" "$rdir/TRANSFORMED" "$rdir/LOADED"
done
read -r peer_rows our_rows <"$TMP/rows"
# Both must have stored every record, or the ratio compares nothing.
[ "$peer_rows" = "$our_rows" ] && [ "$our_rows" -gt 0 ] ||
  { echo "peer.sh: rows stored differ: peer $peer_rows, ours $our_rows" >&2; exit 1; }
py_ms=$(cut -d' ' -f1 "$TMP/py" | median)
tr_ms=$(cut -d' ' -f1 "$TMP/tr" | median)
ld_ms=$(cut -d' ' -f1 "$TMP/ld" | median)
py_rss=$(cut -d' ' -f2 "$TMP/py" | sort -n | tail -n 1)
our_rss=$(cat "$TMP/tr" "$TMP/ld" | cut -d' ' -f2 | sort -n | tail -n 1)

awk -v r="$records" -v py="$py_ms" -v tr="$tr_ms" -v ld="$ld_ms" -v prss="$py_rss" -v orss="$our_rss" \
  -v prows="$peer_rows" -v orows="$our_rows" -v reps="$REPS" -v la="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
  ours = tr + ld
  print "## Ours against the Python peer (portal records into an empty database)"
  print ""
  printf "`TTHC_BIN=… bash tests/bench/peer.sh` (median of %d; load average at the end: %s). The peer:\n", reps, la
  print "bench/peer/peer.py (json.load of each landed page, psycopg2 `execute_values … ON CONFLICT` into one"
  print "table of the canonical columns with its primary key); ours: tthc-transform then tthc-load of the"
  print "same landing into a new warehouse (COPY, linking, merge, events). Same throwaway cluster. Peak RSS:"
  print "GNU time, the client processes only (ours: the larger of transform and load)."
  print ""
  print "| | records | time | records/s | peak RSS | rows stored |"
  print "|---|---|---|---|---|---|"
  printf "| Python peer | %d | %d ms | %.0f | %.1f MiB | %d |\n", r, py, r * 1000 / py, prss / 1024, prows
  printf "| ours (transform %d ms + load %d ms) | %d | %d ms | %.0f | %.1f MiB | %d |\n", tr, ld, r, ours, r * 1000 / ours, orss / 1024, orows
  printf "| **ratio ours ÷ peer** | | | **%.2f×** (goal ≥ 10×) | %.2f× | |\n", py / ours, orss / prss
}'
