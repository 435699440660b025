#!/bin/bash
# Database and disk faults: each must end with a clear error — the
# server's reason, or the path and the OS reason (ENOSPC, "No space left on
# device") — leave nothing half done, and the next run must complete with
# the warehouse equal to the truth:
#   1. a statement timeout (conninfo options='-c statement_timeout=…') on a
#      load held up by a lock;
#   2. PostgreSQL stopped (pg_ctl -m fast) in the middle of a load, then
#      started again; a load while it is down;
#   3. PostgreSQL killed (pg_ctl -m immediate, as in a crash) mid-load;
#   4. the landing directory full (a small tmpfs on STATE/runs) during the
#      extraction;
#   5. the same disk full during the transform.
# Mounting needs root (CI runs the tests as root); where it is impossible
# cases 4 and 5 print "skipped: cannot mount" and check nothing.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg
MOUNTS=""
# The tmpfs must go before the harness removes $TMP.
trap 'for m in $MOUNTS; do umount "$m" 2>/dev/null; done; harness_cleanup' EXIT

COMMUNES=11002,10792
ASOF=2026-05-02T10:00:00
"$TTHC_BIN/tthc-sim" --seed 313 --communes "$COMMUNES" --from 2026-03-25 --to 2026-04-30 --as-of "$ASOF" \
  --per-day 4 --push-failure 0.1 --export-dataset "$TMP/dataset.jsonl" 2>/dev/null || { echo "no dataset"; exit 1; }
DATA=(--dataset "$TMP/dataset.jsonl")
for k in portal city ministry; do
  harness_start_sim "P_$k" --kind "$k" "${DATA[@]}" --username demo
  "$TTHC_BIN/tthc-sim" --kind "$k" "${DATA[@]}" --truth-only --truth-counts "$TMP/counts.$k.tsv" 2>/dev/null
done
B06="11002:2026-04-01:2026-04-30 31:2026-03-25:2026-04-30"
RATES="10792:2026-04-01:2026-04-30"
q() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
# conf DIR: the three sources, state in DIR/state, warehouse $PGDATABASE.
conf() {
  mkdir -p "$1"
  harness_write_config "$1/tthc.conf" portal portal "$P_portal" "${COMMUNES//,/, }" "page_size = 50"
  sed -i "s|^dir = .*|dir = $1/state|" "$1/tthc.conf"
  harness_add_source "$1/tthc.conf" city city "$P_city" "${COMMUNES//,/, }" "page_size = 50"
  harness_add_source "$1/tthc.conf" moj ministry "$P_ministry" "${COMMUNES//,/, }" "page_size = 20"
}
# equals_truth DIR WHAT: the warehouse against the simulators' truth.
equals_truth() {
  if { harness_check_counts "$TMP" "$COMMUNES" &&
         harness_check_figures "$1" "$TMP/truth" "$ASOF" "$B06" "$RATES" "${DATA[@]}"; } >"$1/cmp" 2>&1; then
    ok "$2: the warehouse equals the truth (Biểu 06, rates, discrepancies, records per source)"
  else not_ok "$2: the warehouse differs from the truth"; sed 's/^/    /' "$1/cmp"; fi
}
# has LOG WHAT PATTERN...: every pattern (grep -E) is in LOG.
has() {
  local log=$1 what=$2 pat
  shift 2
  for pat in "$@"; do
    grep -qE -- "$pat" "$log" || { not_ok "$what: no \"$pat\" in the log"; sed 's/^/    /' "$log" | tail -8; return; }
  done
  ok "$what"
}
state() {
  q "SELECT (SELECT count(*) FROM tthc.dossier_source) || '/' || (SELECT count(*) FROM tthc.dossier) || '/' ||
            (SELECT count(*) FROM tthc.load_run) || '/' || (SELECT count(*) FROM tthc.source_watermark)"
}
# lock_alias: holds tthc.dossier_alias so that a load blocks inside its
# transaction (after its COPY, at the merge), as test_load_atomic does.
lock_alias() {
  psql -Xq -c "BEGIN; LOCK TABLE tthc.dossier_alias IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);" >/dev/null 2>&1 &
  locker=$!
  sleep 0.3
}
unlock_alias() {
  kill "$locker" 2>/dev/null; wait "$locker" 2>/dev/null
  psql -XAtq -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()" >/dev/null 2>&1
}
# wait_blocked: the loader is waiting for the lock.
wait_blocked() {
  local i
  for i in $(seq 1 500); do
    [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tthc-load' AND wait_event_type = 'Lock'")" -gt 0 ] && return 0
    sleep 0.02
  done
  return 1
}

# --- database faults, on one extracted and transformed run
harness_new_db dbf || { echo "no warehouse"; exit 1; }
D=$TMP/db
conf "$D"
"$TTHC_BIN/tthc-extract" -c "$D/tthc.conf" >"$D/extract.log" 2>&1 && "$TTHC_BIN/tthc-transform" -c "$D/tthc.conf" >"$D/transform.log" 2>&1 ||
  { echo "could not prepare a run"; cat "$D"/*.log; exit 1; }
run=$(ls "$D/state/runs")
faults=0

# 1. statement timeout, given the way an operator would: in the conninfo
cp "$D/tthc.conf" "$D/timeout.conf"
sed -i "s|^conninfo = \(.*\)$|conninfo = \1 options='-c statement_timeout=500'|" "$D/timeout.conf"
lock_alias
start=$(date +%s%N)
"$TTHC_BIN/tthc-load" -c "$D/timeout.conf" >"$D/load1.log" 2>&1
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
unlock_alias
[ $rc -ne 0 ] && [ $ms -lt 20000 ] && ok "statement timeout: tthc-load fails after ${ms} ms (exit $rc)" ||
  not_ok "statement timeout: exit $rc after ${ms} ms"
has "$D/load1.log" "statement timeout: the log gives the server's reason and names the run" \
  "canceling statement due to statement timeout \(SQLSTATE 57014\)" "loading run $run failed"
assert_eq 0/0/0/0 "$(state)" "statement timeout: nothing of the run is visible"
[ ! -e "$D/state/runs/$run/LOADED" ] && ok "statement timeout: the run is not marked loaded" || not_ok "run marked loaded"
faults=$((faults + 1))

# 2. the server stopped by an operator while the load waits in its transaction
lock_alias
"$TTHC_BIN/tthc-load" -c "$D/tthc.conf" >"$D/load2.log" 2>&1 &
loader=$!
if wait_blocked; then
  harness_pg_stop fast
  wait "$loader"; rc=$?
  [ $rc -ne 0 ] && ok "server stopped mid-load: tthc-load fails (exit $rc)" || not_ok "server stopped mid-load: exit 0"
  has "$D/load2.log" "server stopped mid-load: the log gives the server's reason and names the run" \
    "terminating connection due to administrator command|server closed the connection" "loading run $run failed"
  # while it is down
  "$TTHC_BIN/tthc-load" -c "$D/tthc.conf" >"$D/load3.log" 2>&1
  rc=$?
  [ $rc -ne 0 ] && ok "server down: tthc-load fails (exit $rc)" || not_ok "server down: exit 0"
  has "$D/load3.log" "server down: the log says it cannot connect, to which socket and why" \
    "could not connect to the warehouse" "$PGHOST/.s.PGSQL.$PGPORT" "No such file or directory"
  harness_pg_start || { not_ok "the server did not start again"; exit 1; }
  wait "$locker" 2>/dev/null
  assert_eq 0/0/0/0 "$(state)" "server stopped mid-load: nothing of the run is visible"
  faults=$((faults + 1))
else not_ok "the loader never blocked"; kill "$loader"; unlock_alias; fi

# 3. the server killed (immediate stop: no shutdown, crash recovery at start)
lock_alias
"$TTHC_BIN/tthc-load" -c "$D/tthc.conf" >"$D/load4.log" 2>&1 &
loader=$!
if wait_blocked; then
  harness_pg_stop immediate
  wait "$loader"; rc=$?
  [ $rc -ne 0 ] && ok "server killed mid-load: tthc-load fails (exit $rc)" || not_ok "server killed mid-load: exit 0"
  has "$D/load4.log" "server killed mid-load: the log says the connection was lost and names the run" \
    "server closed the connection unexpectedly|terminating connection|connection to server .* lost|no connection to the server" \
    "loading run $run failed"
  harness_pg_start || { not_ok "the server did not start again"; exit 1; }
  wait "$locker" 2>/dev/null
  assert_eq 0/0/0/0 "$(state)" "server killed mid-load: nothing of the run is visible after crash recovery"
  faults=$((faults + 1))
else not_ok "the loader never blocked"; kill "$loader"; unlock_alias; fi

# The next load completes.
assert_cmd "after the database faults the next load completes" "$TTHC_BIN/tthc-load" -c "$D/tthc.conf"
[ -e "$D/state/runs/$run/LOADED" ] && ok "the run is marked loaded" || not_ok "the run is not marked loaded"
equals_truth "$D" "after the database faults"

# --- disk full: a small tmpfs on STATE/runs (the landing zone and the
# transform's output; the watermarks stay on the ordinary disk)
X=$TMP/disk
mnt=$X/state/runs
mkdir -p "$mnt"
landed_kb=$(du -sk "$D/state/runs" | cut -f1)
size_kb=$((landed_kb * 4 + 1024))
if ! err=$(mount -t tmpfs -o "size=${size_kb}k,mode=0755" tmpfs "$mnt" 2>&1); then
  echo "# skipped: cannot mount a tmpfs on $mnt ($err): no disk-full case checked"
  echo "# $faults database faults survived; disk faults skipped"
  harness_done
  exit
fi
MOUNTS=$mnt
harness_new_db diskf || { echo "no warehouse"; exit 1; }
conf "$X"
# fill ROOM_KB: leaves about ROOM_KB free on the tmpfs.
fill() {
  local avail
  rm -f "$mnt/filler"
  avail=$(df --output=avail -k "$mnt" | tail -n 1 | tr -d ' ')
  [ "$avail" -gt "$1" ] && head -c "$(( (avail - $1) * 1024 ))" /dev/zero >"$mnt/filler" 2>/dev/null
  true
}

# 4. the landing directory fills up during the extraction: room for about
#    half of what a run lands
fill $((landed_kb / 2))
"$TTHC_BIN/tthc-extract" -c "$X/tthc.conf" -j 1 >"$X/extract1.log" 2>&1
rc=$?
[ $rc = 1 ] && ok "disk full during extraction: tthc-extract fails (exit $rc)" || not_ok "disk full during extraction: exit $rc"
has "$X/extract1.log" "disk full during extraction: the log names the page, the file and the OS reason" \
  "could not write page [0-9]+ durably in \"$mnt/[^\"]*\"" "\"$mnt/[^\"]*page-[0-9]+\.[a-z]+\.tmp\.[0-9]+\": No space left on device"
# messages of the same failure elsewhere that do not say why (not this
# test's files: reported, see the report of issue 10)
if grep -qE "landing zone .* not usable|could not write the run summary|could not write the watermark" "$X/extract1.log"; then
  echo "# note: other extract messages of this failure lack the OS reason:"
  grep -E "landing zone .* not usable|could not write the run summary|could not write the watermark" "$X/extract1.log" | head -3 | sed 's/^/#   /'
fi
[ -z "$(find "$mnt" -name '*.tmp.*')" ] && ok "disk full during extraction: no temporary file left" ||
  not_ok "temporary files left: $(find "$mnt" -name '*.tmp.*' | head -3)"
rm -f "$mnt/filler"
sleep 1.1 # a new run id if the failed run was summarised
"$TTHC_BIN/tthc-extract" -c "$X/tthc.conf" >"$X/extract2.log" 2>&1
rc=$?
[ $rc = 0 ] && ok "with room again the next extraction completes" || { not_ok "the next extraction: exit $rc"; tail -5 "$X/extract2.log"; }
faults=$((faults + 1))

# 5. full again before the transform: room for a few kilobytes only
fill 8
"$TTHC_BIN/tthc-transform" -c "$X/tthc.conf" >"$X/transform1.log" 2>&1
rc=$?
[ $rc -ne 0 ] && ok "disk full during the transform: tthc-transform fails (exit $rc)" ||
  not_ok "disk full during the transform: exit $rc"
[ -z "$(ls "$mnt"/*/TRANSFORMED 2>/dev/null)" ] && ok "disk full during the transform: no run is marked transformed" ||
  not_ok "a run was marked transformed on a full disk"
if grep -q "No space left on device" "$X/transform1.log" && grep -qE "\"$mnt/[^\"]+\"" "$X/transform1.log"; then
  ok "disk full during the transform: the log names the file and the OS reason"
else
  not_ok "disk full during the transform: the log lacks the file or the OS reason: $(grep -m1 'error' "$X/transform1.log")"
fi
rm -f "$mnt/filler"
assert_cmd "with room again the transform completes" "$TTHC_BIN/tthc-transform" -c "$X/tthc.conf"
assert_cmd "and the load" "$TTHC_BIN/tthc-load" -c "$X/tthc.conf"
[ -z "$(find "$mnt" -name '*.tmp' -o -name '*.tmp.*')" ] && ok "no temporary file left on the disk" ||
  not_ok "temporary files left: $(find "$mnt" -name '*.tmp' -o -name '*.tmp.*' | head -3)"
faults=$((faults + 1))
equals_truth "$X" "after the disk faults"
echo "# $faults database and disk faults survived (statement timeout, server stopped, server killed, landing full, transform output full)"
harness_done
