#!/bin/bash
# All three systems at once, with what really happens between them: the
# city, the Ministry of Justice and the portal simulators serve views of one
# generated model (linked codes in varied formats, failed pushes leaving
# stale, missing or falsely overdue portal copies, paging drift, malformed
# records). The warehouse must give the generator's Biểu 06 exactly, list
# exactly the generator's sync discrepancies, quarantine every malformed
# record, and hold no dossier twice.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg

GEN=(--seed 77 --communes 11002,10792 --from 2026-03-01 --to 2026-04-30 --as-of 2026-05-03T12:00:00
     --per-day 10 --push-failure 0.2 --username demo --fault-seed 5)
for kind in portal city ministry; do
  faults=(--fault malformed:0.004)
  [ "$kind" = ministry ] || faults+=(--fault drift:0.1)
  port_var=PORT_$kind
  harness_start_sim "$port_var" --kind "$kind" "${GEN[@]}" "${faults[@]}" \
    --truth-rejects "$TMP/rejects.$kind.tsv"
done
"$TTHC_BIN/tthc-sim" --kind portal "${GEN[@]}" --truth-only --truth "$TMP/truth-11002.tsv" --unit 11002 \
  --period 2026-04-01:2026-04-30 --truth-discrepancies "$TMP/truth-disc.tsv" 2>"$TMP/truth.err" ||
  { cat "$TMP/truth.err"; exit 1; }
"$TTHC_BIN/tthc-sim" --kind portal "${GEN[@]}" --truth-only --truth "$TMP/truth-31.tsv" --unit 31 \
  --period 2026-03-01:2026-04-30 2>/dev/null || exit 1

harness_write_config "$TMP/tthc.conf" portal-x portal "$PORT_portal" "11002, 10792" "page_size = 40"
harness_add_source "$TMP/tthc.conf" city-x city "$PORT_city" "11002, 10792" "page_size = 40"
harness_add_source "$TMP/tthc.conf" moj-x ministry "$PORT_ministry" "11002, 10792" "page_size = 40"
printf '[transform]\nmax_reject_share = 0.05\n' >>"$TMP/tthc.conf"
"$TTHC_BIN/tthc-load" --units "$SHARED_DIR/reference/units-2025.csv" >/dev/null

assert_cmd "extract from the three systems" "$TTHC_BIN/tthc-extract" -c "$TMP/tthc.conf"
# Paging drift can hide a record from one pass: the next nightly run, with
# its look-back overlap, catches it. Run the nightly twice, as cron would.
assert_cmd "transform" "$TTHC_BIN/tthc-transform" -c "$TMP/tthc.conf"
assert_cmd "load" "$TTHC_BIN/tthc-load" -c "$TMP/tthc.conf"
sleep 1
"$TTHC_BIN/tthc-extract" -c "$TMP/tthc.conf" --since 2026-01-01 >/dev/null 2>&1 &&
  "$TTHC_BIN/tthc-transform" -c "$TMP/tthc.conf" >/dev/null 2>&1 && "$TTHC_BIN/tthc-load" -c "$TMP/tthc.conf" >/dev/null 2>&1 &&
  ok "a second, overlapping run" || not_ok "second run"

expected_rejects=$(cat "$TMP"/rejects.*.tsv | wc -l)
got_rejects=$(psql -XAtc "SELECT count(DISTINCT raw) FROM tthc.rejected_record")
[ "$expected_rejects" -gt 0 ] && assert_eq "$expected_rejects" "$got_rejects" \
  "every malformed record quarantined ($expected_rejects), with a reason" || not_ok "no malformed records injected"
assert_eq 0 "$(psql -XAtc "SELECT count(*) FROM tthc.rejected_record WHERE reason = '' OR raw = ''")" \
  "no reject without reason or raw text"

harness_bieu06_tsv 11002 2026-04-01 2026-04-30 >"$TMP/report-11002.tsv"
diff -u "$TMP/truth-11002.tsv" "$TMP/report-11002.tsv" && ok "Biểu 06 (11002, April) equals the truth with three systems" ||
  not_ok "Biểu 06 (11002) differs"
harness_bieu06_tsv 31 2026-03-01 2026-04-30 >"$TMP/report-31.tsv"
diff -u "$TMP/truth-31.tsv" "$TMP/report-31.tsv" && ok "Biểu 06 (province 31, March-April) equals the truth" ||
  not_ok "Biểu 06 (31) differs"

assert_eq 0 "$(psql -XAtc "SELECT count(*) FROM (SELECT unit_code, code FROM tthc.dossier_alias GROUP BY 1, 2 HAVING count(DISTINCT dossier_code) > 1) x")" \
  "no code names two dossiers"
linked=$(psql -XAtc "SELECT count(*) FROM tthc.dossier WHERE array_length(sources, 1) >= 2")
[ "$linked" -gt 0 ] && ok "$linked dossiers merged from several systems" || not_ok "nothing linked across systems"

harness_discrepancies_tsv "2026-05-03 12:00:00+07" >"$TMP/disc.tsv"
tail -n +2 "$TMP/truth-disc.tsv" >"$TMP/truth-disc.rows"
n=$(wc -l <"$TMP/truth-disc.rows")
if [ "$n" -gt 0 ] && diff -u "$TMP/truth-disc.rows" "$TMP/disc.tsv"; then
  ok "v_sync_discrepancies lists exactly the generator's $n discrepancies"
else not_ok "discrepancies differ ($n expected)"; fi
harness_done
