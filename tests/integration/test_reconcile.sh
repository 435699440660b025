#!/bin/bash
# Reconciliation is a feature: for every (run, source, commune) window the
# warehouse's tthc.run_window holds what each stage counted (announced,
# landed, distinct codes, read, accepted, quarantined, applied) and a status.
# Stages that disagree fail that window loudly with the numbers, hold its
# watermark (the next run reads it again) and leave everything loaded.
# The disagreements are forced by editing what one stage handed to the next,
# as a stage with a counting bug would (the compact-XML page scan did).
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg
"$TTHC_BIN/tthc-load" --units "$SHARED_DIR/reference/units-2025.csv" >/dev/null 2>&1
GEN=(--seed 5 --communes 11002,10792 --from 2026-04-01 --to 2026-04-30 --as-of 2026-05-02T10:00:00
     --per-day 4 --username demo --fault malformed:0.01)
for k in portal city; do harness_start_sim "P_$k" --kind "$k" "${GEN[@]}"; done
harness_write_config "$TMP/tthc.conf" portal portal "$P_portal" "11002, 10792" "page_size = 30"
harness_add_source "$TMP/tthc.conf" city city "$P_city" "11002, 10792" "page_size = 30"
C=$TMP/tthc.conf
printf '[transform]\nmax_reject_share = 0.05\n' >>"$C"
q() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

# 1. A clean night: every stage agrees on every window.
"$TTHC_BIN/tthc-extract" -c "$C" >"$TMP/x1.log" 2>&1 && "$TTHC_BIN/tthc-transform" -c "$C" >>"$TMP/x1.log" 2>&1 &&
  "$TTHC_BIN/tthc-load" -c "$C" >>"$TMP/x1.log" 2>&1
assert_eq 0 $? "clean night: the sync succeeds"
run1=$(q "SELECT run_id FROM tthc.load_run ORDER BY run_id DESC LIMIT 1")
assert_eq "4 ok" "$(q "SELECT count(*) || ' ' || min(status) FROM tthc.run_window WHERE run_id = '$run1'")" \
  "clean night: four windows, all ok"
assert_eq 0 "$(q "SELECT count(*) FROM tthc.run_window WHERE run_id = '$run1' AND NOT
  (announced = distinct_codes AND landed = read AND read = accepted + quarantined AND applied = accepted)")" \
  "clean night: announced = distinct = landed = read = accepted + quarantined, applied = accepted"
assert_eq 1 "$(q "SELECT (sum(quarantined) > 0)::int FROM tthc.run_window WHERE run_id = '$run1'")" \
  "clean night: the quarantined records are counted"
grep -q "announced *landed *distinct *read *accepted" "$TMP/x1.log" && ok "clean night: the reconciliation table is printed" ||
  not_ok "no reconciliation table in the load's output"
assert_eq ok "$(q "SELECT outcome FROM tthc.load_run WHERE run_id = '$run1'")" "clean night: load_run outcome ok"
dossiers=$(q "SELECT count(*) FROM tthc.dossier")

# 2. The extraction says it landed one record more than the transform reads.
sleep 1.1
"$TTHC_BIN/tthc-extract" -c "$C" --since 2026-04-01 >"$TMP/x2.log" 2>&1
run2=$(ls "$TMP/state/runs" | sort | tail -1)
python3 - "$TMP/state/runs/$run2/EXTRACTED" <<'PY'
import json, sys
p = sys.argv[1]; doc = json.load(open(p))
for w in doc["windows"]:
    if w["source"] == "city" and w["commune"] == "11002":
        w["records"] += 1
json.dump(doc, open(p, "w"))
PY
before=$(cat "$TMP/state/watermarks/city/11002")
"$TTHC_BIN/tthc-transform" -c "$C" >"$TMP/t2.log" 2>&1
grep -q "source city, commune 11002: stages disagree" "$TMP/t2.log" &&
  grep -q "the extraction landed [0-9]* records; the transform read [0-9]*" "$TMP/t2.log" &&
  ok "transform vs extract: the window fails loudly with the numbers" || { not_ok "transform: no message"; cat "$TMP/t2.log"; }
after=$(cat "$TMP/state/watermarks/city/11002")
[ "$after" \< "$before" ] && ok "transform vs extract: the watermark is held ($before -> $after)" ||
  not_ok "transform vs extract: watermark not held ($before -> $after)"
"$TTHC_BIN/tthc-load" -c "$C" >"$TMP/l2.log" 2>&1
assert_eq 1 $? "transform vs extract: the load exits 1"
assert_eq "mismatch" "$(q "SELECT status FROM tthc.run_window WHERE run_id = '$run2' AND source_name = 'city' AND unit_code = '11002'")" \
  "transform vs extract: run_window says mismatch"
assert_eq "3" "$(q "SELECT count(*) FROM tthc.run_window WHERE run_id = '$run2' AND status = 'ok'")" \
  "transform vs extract: the other three windows are ok"
assert_eq partial "$(q "SELECT outcome FROM tthc.load_run WHERE run_id = '$run2'")" "the run is partial"
assert_eq "$dossiers" "$(q "SELECT count(*) FROM tthc.dossier")" "nothing already loaded is lost"

# 3. The load stages one record fewer than the transform accepted.
sleep 1.1
"$TTHC_BIN/tthc-extract" -c "$C" --since 2026-04-01 >"$TMP/x3.log" 2>&1 && "$TTHC_BIN/tthc-transform" -c "$C" >>"$TMP/x3.log" 2>&1
run3=$(ls "$TMP/state/runs" | sort | tail -1)
copy=$TMP/state/runs/$run3/canonical/dossier_source.copy
line=$(grep -n "/landing/portal/10792/" "$copy" | head -1 | cut -d: -f1)
sed -i "${line}d" "$copy"
before=$(cat "$TMP/state/watermarks/portal/10792")
"$TTHC_BIN/tthc-load" -c "$C" >"$TMP/l3.log" 2>&1
assert_eq 1 $? "load vs transform: the load exits 1"
grep -q "the transform accepted [0-9]* records; the load staged [0-9]*" "$TMP/l3.log" &&
  ok "load vs transform: the message gives the numbers" || { not_ok "load: no message"; cat "$TMP/l3.log"; }
after=$(cat "$TMP/state/watermarks/portal/10792")
[ "$after" \< "$before" ] && ok "load vs transform: the watermark is held" || not_ok "load vs transform: watermark not held"
assert_eq "mismatch" "$(q "SELECT status FROM tthc.run_window WHERE run_id = '$run3' AND source_name = 'portal' AND unit_code = '10792'")" \
  "load vs transform: run_window says mismatch"
assert_eq 0 "$(q "SELECT count(*) FROM tthc.source_watermark WHERE run_id = '$run3' AND source_name = 'portal' AND unit_code = '10792'")" \
  "load vs transform: the warehouse's watermark did not move for it"

# 4. The next night reads the held windows again and all is ok.
sleep 1.1
"$TTHC_BIN/tthc-extract" -c "$C" >"$TMP/x4.log" 2>&1 && "$TTHC_BIN/tthc-transform" -c "$C" >>"$TMP/x4.log" 2>&1 &&
  "$TTHC_BIN/tthc-load" -c "$C" >>"$TMP/x4.log" 2>&1
assert_eq 0 $? "the next night succeeds"
run4=$(q "SELECT run_id FROM tthc.load_run ORDER BY run_id DESC LIMIT 1")
assert_eq "4 ok" "$(q "SELECT count(*) || ' ' || min(status) FROM tthc.run_window WHERE run_id = '$run4'")" \
  "the next night: every window ok"
assert_eq "ok 1" "$(q "SELECT status || ' ' || (landed > 0)::int FROM tthc.run_window WHERE run_id = '$run3' AND source_name = 'city' AND unit_code = '11002'")" \
  "the run after the held city window read it again, ok"
assert_eq 1 "$(q "SELECT (landed > 0 AND window_from <= '2026-04-01 00:00+07')::int FROM tthc.run_window WHERE run_id = '$run4' AND source_name = 'portal' AND unit_code = '10792'")" \
  "the next night read the held portal window again from its start"
harness_done
