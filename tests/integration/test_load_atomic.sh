#!/bin/bash
# The loader is atomic and idempotent: killed mid-transaction (SIGKILL) or
# cut off mid-COPY (its backend terminated), it leaves the warehouse exactly
# as it was, and simply running it again loads the whole run. A second
# loader waits for the first (advisory lock) instead of interleaving.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg

harness_start_sim PORT --kind portal --seed 8 --communes 11002,10792,00004 --from 2026-02-01 --to 2026-04-30 \
  --as-of 2026-05-02T00:00:00 --per-day 150 --username demo
harness_write_config "$TMP/tthc.conf" portal-a portal "$PORT" "11002, 10792, 00004" "page_size = 1000"
"$TTHC_BIN/tthc-extract" -c "$TMP/tthc.conf" >/dev/null 2>&1 && "$TTHC_BIN/tthc-transform" -c "$TMP/tthc.conf" 2>/dev/null ||
  { echo "could not prepare a run"; exit 1; }
run=$(ls "$TMP/state/runs")
records=$(wc -l <"$TMP/state/runs/$run/canonical/dossier_source.copy")

state() { psql -XAtc "SELECT (SELECT count(*) FROM tthc.dossier_source) || '/' || (SELECT count(*) FROM tthc.dossier) || '/' || (SELECT count(*) FROM tthc.load_run) || '/' || (SELECT count(*) FROM tthc.source_watermark)"; }
assert_eq "0/0/0/0" "$(state)" "the warehouse starts empty"

# wait_for SQL-condition: poll pg_stat_activity until the loader is there.
wait_for() {
  local i
  for i in $(seq 1 600); do
    [ "$(psql -XAtc "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tthc-load' AND $1")" -gt 0 ] && return 0
    sleep 0.01
  done
  return 1
}

# 1. SIGKILL while the transaction is open: hold the target table so the
#    loader blocks after its COPY, inside the transaction, then kill it.
psql -Xq -c "BEGIN; LOCK TABLE tthc.dossier_alias IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30);" >/dev/null 2>&1 &
locker=$!
sleep 0.3
"$TTHC_BIN/tthc-load" -c "$TMP/tthc.conf" >"$TMP/load1.log" 2>&1 &
loader=$!
if wait_for "wait_event_type = 'Lock'"; then
  kill -KILL "$loader"; wait "$loader" 2>/dev/null
  ok "tthc-load killed while its transaction waited mid-load"
else not_ok "the loader never reached the lock"; kill "$loader" 2>/dev/null; fi
kill "$locker" 2>/dev/null; wait "$locker" 2>/dev/null
psql -XAtq -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()" >/dev/null
sleep 0.5 # the server notices the dead client and rolls back
assert_eq "0/0/0/0" "$(state)" "after SIGKILL the warehouse is unchanged"

# 2. The connection dropped in the middle of COPY.
"$TTHC_BIN/tthc-load" -c "$TMP/tthc.conf" >"$TMP/load2.log" 2>&1 &
loader=$!
if wait_for "(query LIKE 'COPY stage_source%' OR query LIKE 'COPY tthc.dossier_source%') AND state = 'active'"; then
  psql -XAtq -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tthc-load'" >/dev/null
  wait "$loader"
  rc=$?
  [ "$rc" -ne 0 ] && ok "connection cut mid-COPY: tthc-load fails (exit $rc)" || not_ok "loader claimed success"
  grep -q "loading run $run failed" "$TMP/load2.log" && ok "the failure names the run" ||
    { not_ok "no clear failure message"; cat "$TMP/load2.log"; }
else not_ok "never saw the COPY running"; wait "$loader"; fi
assert_eq "0/0/0/0" "$(state)" "after a dropped connection the warehouse is unchanged"
[ ! -e "$TMP/state/runs/$run/LOADED" ] && ok "the run is not marked loaded" || not_ok "run marked loaded"

# 3. Run it again: complete.
assert_cmd "the re-run loads" "$TTHC_BIN/tthc-load" -c "$TMP/tthc.conf"
assert_eq "$records/$records/1/3" "$(state)" "the re-run loaded the whole run ($records records) with its watermarks"

# 4. Two loaders at once: the second waits for the first.
psql -Xq -c "BEGIN; SELECT pg_advisory_xact_lock(7325002); SELECT pg_sleep(2); COMMIT;" >/dev/null &
holder=$!
sleep 0.3
start=$(date +%s%N)
assert_cmd "a second loader waits for the lock, then finds nothing to do" \
  "$TTHC_BIN/tthc-load" -c "$TMP/tthc.conf" --run "$run"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -ge 1000 ] && ok "it waited ${ms} ms for the other load" || not_ok "it did not wait (${ms} ms)"
grep -q "already loaded" "$TMP/last.out" && ok "loading the same run again is a no-op" || not_ok "no 'already loaded'"
wait "$holder"
harness_done
