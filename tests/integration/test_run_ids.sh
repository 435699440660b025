#!/bin/bash
# Run identity (issue 10.1). Two state directories (one per source kind)
# share a warehouse. Run ids used to be the UTC second, so two extractions
# in the same second got the same id and the second load answered "already
# loaded; nothing to do": its records never reached the warehouse, and its
# watermark had already moved. Now:
#  1. extractions started in the same second get different ids; both loads
#     load, every record of both sources is in the warehouse;
#  2. two runs that do share an id (ids from before the fix, or the same
#     --run given in two state directories) are told apart by the run's
#     fingerprint: the second load fails loudly, holds its windows'
#     watermarks, and once the run is moved aside the next night's
#     extraction brings every record in.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg

GEN=(--seed 7 --communes 11002 --from 2026-04-01 --to 2026-04-30 --as-of 2026-05-02T00:00:00
     --per-day 3)
harness_start_sim P_PORTAL --kind portal "${GEN[@]}"
harness_start_sim P_CITY --kind city "${GEN[@]}"
for k in portal city; do
  "$TTHC_BIN/tthc-sim" --kind $k "${GEN[@]}" --truth-only --truth-counts "$TMP/counts.$k.tsv" \
    2>/dev/null || { echo "no truth counts for $k"; exit 1; }
  tail -n +2 "$TMP/counts.$k.tsv" | cut -f1,2 | sort >"$TMP/want.$k"
done
q() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

# configs DIR: one state directory per source kind, both on the current
# warehouse database.
configs() {
  harness_write_config "$1/portal.conf" portal portal "$P_PORTAL" 11002 "page_size = 20"
  sed -i "s|^dir = .*|dir = $1/state-portal|" "$1/portal.conf"
  harness_write_config "$1/city.conf" city city "$P_CITY" 11002 "page_size = 20"
  sed -i "s|^dir = .*|dir = $1/state-city|" "$1/city.conf"
}

# records KIND: the warehouse's records of that source per commune, as the
# truth counts them (commune TAB served).
records() {
  q "SELECT unit_code || E'\t' || count(*) FROM tthc.dossier_source
      WHERE source_name = '$1' GROUP BY unit_code ORDER BY 1"
}

# Waits for the start of a new second, so what starts now starts within it.
next_second() {
  local s
  s=$(date +%s)
  while [ "$(date +%s)" = "$s" ]; do :; done
}

# --- 1. same second, different ids ------------------------------------------
forced=""
for attempt in 1 2 3; do
  d=$TMP/same-second.$attempt
  mkdir -p "$d"
  configs "$d"
  next_second
  "$TTHC_BIN/tthc-extract" -c "$d/portal.conf" >"$d/portal.id" 2>"$d/portal.x.log" &
  pa=$!
  "$TTHC_BIN/tthc-extract" -c "$d/city.conf" >"$d/city.id" 2>"$d/city.x.log" &
  pb=$!
  wait $pa; ea=$?
  wait $pb; eb=$?
  ida=$(tail -1 "$d/portal.id")
  idb=$(tail -1 "$d/city.id")
  # The run id starts with the UTC second, both forms (old and new).
  if [ "${ida:0:15}" = "${idb:0:15}" ] && [ -n "$ida" ]; then forced=$d; break; fi
done
if [ -z "$forced" ]; then
  not_ok "could not start two extractions in the same second (3 tries)"
  harness_done
  exit 1
fi
d=$forced
assert_eq "0 0" "$ea $eb" "both extractions succeed (started in second ${ida:0:15})"
[ "$ida" != "$idb" ] && ok "same second, different run ids ($ida, $idb)" ||
  not_ok "two extractions in the same second got the same run id $ida"
for k in portal city; do
  "$TTHC_BIN/tthc-transform" -c "$d/$k.conf" >"$d/$k.t.log" 2>&1 || { cat "$d/$k.t.log"; exit 1; }
  "$TTHC_BIN/tthc-load" -c "$d/$k.conf" >"$d/$k.l.log" 2>&1
  assert_eq 0 $? "$k: the load succeeds"
  if grep -q "already loaded" "$d/$k.l.log"; then
    not_ok "$k: the load took its run for another: $(grep "already loaded" "$d/$k.l.log")"
  else ok "$k: the load loaded its own run"; fi
  assert_eq "$(cat "$TMP/want.$k")" "$(records $k)" "$k: every record served is in the warehouse"
done
assert_eq 2 "$(q "SELECT count(*) FROM tthc.load_run WHERE run_id IN ('$ida', '$idb')")" \
  "two load_run rows"
assert_eq 0 "$(q "SELECT count(*) FROM tthc.load_run WHERE fingerprint IS NULL")" \
  "every loaded run has its fingerprint"

# --- 2. one id, two runs: refused loudly, nothing lost ----------------------
harness_new_db ids_shared || { echo "no second database"; exit 1; }
d=$TMP/shared-id
mkdir -p "$d"
configs "$d"
old=20260501T010203Z # an id of the old form, as both extractors chose it
for k in portal city; do
  "$TTHC_BIN/tthc-extract" -c "$d/$k.conf" --run $old >"$d/$k.id" 2>"$d/$k.x.log" &&
    "$TTHC_BIN/tthc-transform" -c "$d/$k.conf" >"$d/$k.t.log" 2>&1 ||
    { cat "$d/$k.x.log" "$d/$k.t.log"; exit 1; }
done
assert_cmd "portal: the first run with id $old loads" "$TTHC_BIN/tthc-load" -c "$d/portal.conf"
wm_before=$(cat "$d/state-city/watermarks/city/11002")
"$TTHC_BIN/tthc-load" -c "$d/city.conf" >"$d/city.l.log" 2>&1
rc=$?
[ $rc -ne 0 ] && ok "city: loading another run with the same id fails (exit $rc)" ||
  not_ok "city: the load of a different run with a loaded id exited 0"
grep -q "error: run $old was already loaded from a different extraction" "$d/city.l.log" &&
  grep -q "HINT: " "$d/city.l.log" && ok "city: the refusal says why, with a hint" ||
  { not_ok "city: no clear refusal"; sed 's/^/    /' "$d/city.l.log"; }
grep -q "nothing to do" "$d/city.l.log" && not_ok "city: still says nothing to do" ||
  ok "city: not taken for the loaded run"
wm_after=$(cat "$d/state-city/watermarks/city/11002")
[ "$wm_after" \< "$wm_before" ] && ok "city: its watermark is held ($wm_before -> $wm_after)" ||
  not_ok "city: watermark not held ($wm_before -> $wm_after)"
"$TTHC_BIN/tthc-load" -c "$d/portal.conf" --run $old >"$d/portal.l2.log" 2>&1
assert_eq 0 $? "portal: loading its own run again is still a no-op that succeeds"
grep -q "already loaded; nothing to do" "$d/portal.l2.log" && ok "portal: recognised as loaded" ||
  not_ok "portal: reload not recognised: $(cat "$d/portal.l2.log")"
# The operator sets the refused run aside; the next night reads the held
# windows again under a new id.
mv "$d/state-city/runs/$old" "$d/city-run-$old.refused"
sleep 1.1
"$TTHC_BIN/tthc-extract" -c "$d/city.conf" >"$d/city.id2" 2>"$d/city.x2.log" &&
  "$TTHC_BIN/tthc-transform" -c "$d/city.conf" >"$d/city.t2.log" 2>&1 &&
  "$TTHC_BIN/tthc-load" -c "$d/city.conf" >"$d/city.l2.log" 2>&1
assert_eq 0 $? "city: the next night extracts, transforms and loads"
for k in portal city; do
  assert_eq "$(cat "$TMP/want.$k")" "$(records $k)" "$k: every record served is in the warehouse"
done
harness_done
