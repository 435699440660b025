#!/bin/bash
# The simulators serving a fixed dataset from a file: a generated model is
# exported, the three simulators serve it with --dataset, and the pipeline's
# warehouse gives that dataset's truth. (The file format is documented in
# sim/README.md; a dataset can also be written by hand.)
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg

"$TTHC_BIN/tthc-sim" --seed 4242 --communes 11002 --from 2026-03-01 --to 2026-04-30 --as-of 2026-05-02T08:00:00 \
  --per-day 6 --push-failure 0.2 --export-dataset "$TMP/dataset.jsonl" 2>"$TMP/export.err" ||
  { cat "$TMP/export.err"; exit 1; }
lines=$(wc -l <"$TMP/dataset.jsonl")
[ "$lines" -gt 100 ] && ok "exported a dataset of $((lines - 1)) dossiers" || not_ok "dataset has $lines lines"
for kind in portal city ministry; do
  harness_start_sim "P_$kind" --kind "$kind" --dataset "$TMP/dataset.jsonl" --username demo
done
"$TTHC_BIN/tthc-sim" --kind portal --dataset "$TMP/dataset.jsonl" --truth-only --truth "$TMP/truth.tsv" \
  --unit 11002 --period 2026-04-01:2026-04-30 2>/dev/null || exit 1
harness_write_config "$TMP/tthc.conf" portal portal "$P_portal" 11002 "page_size = 100"
harness_add_source "$TMP/tthc.conf" city city "$P_city" 11002
harness_add_source "$TMP/tthc.conf" moj ministry "$P_ministry" 11002
assert_cmd "sync from the three simulators serving the file" \
  sh -c "'$TTHC_BIN/tthc-extract' -c '$TMP/tthc.conf' && '$TTHC_BIN/tthc-transform' -c '$TMP/tthc.conf' && '$TTHC_BIN/tthc-load' -c '$TMP/tthc.conf'"
harness_bieu06_tsv 11002 2026-04-01 2026-04-30 | diff -u "$TMP/truth.tsv" - &&
  ok "Biểu 06 from the served dataset equals its truth" || not_ok "Biểu 06 differs"
assert_eq "$((lines - 1))" "$(psql -XAtc "SELECT count(*) FROM tthc.dossier")" "one merged dossier per dataset dossier"
harness_done
