#!/bin/bash
# End to end over real HTTP and a real PostgreSQL: the portal simulator
# serves generated dossiers; tthc-extract lands them, tthc-transform
# normalises them, tthc-load loads them; the warehouse's report_bieu06 must
# equal the generator's independently computed truth, for a commune and for
# its province. Loading again, and an overlapping second run, change nothing.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg

SIM_ARGS=(--kind portal --seed 20260401 --communes 11002,10792 --from 2026-03-01 --to 2026-04-30
          --as-of 2026-05-03T12:00:00 --per-day 12 --username demo)
"$TTHC_BIN/tthc-sim" "${SIM_ARGS[@]}" --truth-only --truth "$TMP/truth-31.tsv" --unit 31 \
    --period 2026-04-01:2026-04-30 2>"$TMP/truth.err" || { cat "$TMP/truth.err"; exit 1; }
harness_start_sim PORT "${SIM_ARGS[@]}" --truth "$TMP/truth-11002.tsv" --unit 11002 \
    --period 2026-04-01:2026-04-30 --request-log "$TMP/requests.jsonl"
harness_write_config "$TMP/tthc.conf" portal-test portal "$PORT" "11002, 10792" "page_size = 50"

assert_cmd "units loaded from the official list" \
  "$TTHC_BIN/tthc-load" -c "$TMP/tthc.conf" --units "$SHARED_DIR/reference/units-2025.csv"
assert_eq 3321 "$(psql -XAtc 'SELECT count(*) FROM tthc.unit')" "3,321 communes in tthc.unit"

assert_cmd "extract succeeds" "$TTHC_BIN/tthc-extract" -c "$TMP/tthc.conf"
run=$(ls "$TMP/state/runs")
pages=$(cat "$TMP/state/runs/$run"/landing/portal-test/11002/manifest.jsonl | wc -l)
[ "$pages" -gt 1 ] && ok "commune 11002 was paged ($pages pages)" || not_ok "paging: $pages pages"
landed=$(cat "$TMP/state/runs/$run"/landing/portal-test/*/manifest.jsonl |
         sed 's/.*"records":\([0-9]*\).*/\1/' | awk '{ s += $1 } END { print s }')
served=$(grep -c '"service":"LayDanhSachHoSo"' "$TMP/requests.jsonl")
assert_eq "$((pages + $(wc -l < "$TMP/state/runs/$run"/landing/portal-test/10792/manifest.jsonl)))" \
  "$served" "one listing request per landed page"
[ -f "$TMP/state/watermarks/portal-test/11002" ] && ok "watermark written" || not_ok "watermark written"

assert_cmd "transform succeeds" "$TTHC_BIN/tthc-transform" -c "$TMP/tthc.conf"
accepted=$(wc -l < "$TMP/state/runs/$run/canonical/dossier_source.copy")
assert_eq "$landed" "$accepted" "every landed record became a canonical record"

assert_cmd "load succeeds" "$TTHC_BIN/tthc-load" -c "$TMP/tthc.conf"
assert_eq "$landed" "$(psql -XAtc 'SELECT count(*) FROM tthc.dossier')" "one merged dossier per record"
assert_eq "ok" "$(psql -XAtc "SELECT outcome FROM tthc.load_run WHERE run_id = '$run'")" "load_run row written"

harness_bieu06_tsv 11002 2026-04-01 2026-04-30 >"$TMP/report-11002.tsv"
if diff -u "$TMP/truth-11002.tsv" "$TMP/report-11002.tsv"; then
  ok "report_bieu06(11002, April 2026) equals the generator's truth"
else not_ok "report_bieu06(11002) differs from the truth"; fi
harness_bieu06_tsv 31 2026-04-01 2026-04-30 >"$TMP/report-31.tsv"
if diff -u "$TMP/truth-31.tsv" "$TMP/report-31.tsv"; then
  ok "report_bieu06(province 31) equals the generator's truth"
else not_ok "report_bieu06(31) differs from the truth"; fi
rows=$(grep -c . "$TMP/report-11002.tsv")
[ "$rows" -ge 4 ] && ok "report has several field rows ($rows lines)" || not_ok "report rows: $rows"
assert_eq 0 "$(psql -XAtc "SELECT count(*) FROM tthc.report_bieu06('11002','2026-04-01','2026-04-30')
  WHERE total <> resolved_early + resolved_on_time + resolved_late + pending_in_time + pending_late + stopped")" \
  "identity total = resolved + pending + stopped on every row"

snapshot() { psql -XAtc "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM tthc.dossier t"; }
before=$(snapshot)
assert_cmd "loading the same run again succeeds" "$TTHC_BIN/tthc-load" -c "$TMP/tthc.conf" --run "$run"
assert_eq "$before" "$(snapshot)" "loading a run twice changes nothing"

sleep 1 # run ids are UTC seconds
assert_cmd "second (incremental) extract succeeds" "$TTHC_BIN/tthc-extract" -c "$TMP/tthc.conf"
assert_eq 2 "$(ls "$TMP/state/runs" | wc -l)" "a second run directory"
assert_cmd "second transform" "$TTHC_BIN/tthc-transform" -c "$TMP/tthc.conf"
assert_cmd "second load" "$TTHC_BIN/tthc-load" -c "$TMP/tthc.conf"
run2=$(ls "$TMP/state/runs" | tail -n 1)
assert_eq 0 "$(psql -XAtc "SELECT records_read FROM tthc.load_run WHERE run_id = '$run2'")" \
  "nothing was updated since the first run: the incremental run reads nothing new"

wm=$(cat "$TMP/state/watermarks/portal-test/11002")
sleep 1
assert_cmd "backfill of an overlapping window" "$TTHC_BIN/tthc-extract" -c "$TMP/tthc.conf" \
  --since 2026-04-20 --until 2026-05-10
assert_cmd "backfill transform" "$TTHC_BIN/tthc-transform" -c "$TMP/tthc.conf"
assert_cmd "backfill load" "$TTHC_BIN/tthc-load" -c "$TMP/tthc.conf"
run3=$(ls "$TMP/state/runs" | tail -n 1)
read -r read3 unchanged3 <<<"$(psql -XAtF' ' -c "SELECT records_read, records_unchanged FROM tthc.load_run WHERE run_id = '$run3'")"
[ "$read3" -gt 0 ] && ok "the backfill re-read $read3 records" || not_ok "the backfill read nothing"
assert_eq "$read3" "$unchanged3" "every re-read record was already loaded (unchanged)"
assert_eq "$before" "$(snapshot)" "an overlapping run changes nothing"
assert_eq "$wm" "$(cat "$TMP/state/watermarks/portal-test/11002")" "a backfill never moves the watermark backwards"
harness_bieu06_tsv 11002 2026-04-01 2026-04-30 | diff -q - "$TMP/truth-11002.tsv" >/dev/null &&
  ok "report unchanged after the backfill" || not_ok "report changed after the backfill"

harness_done
