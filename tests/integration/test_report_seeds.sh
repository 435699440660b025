#!/bin/bash
# The warehouse's figures against the generator's independent truth on
# randomized data, over many seeds: for each seed, three simulators (city,
# ministry, portal with failed pushes), a full sync into a fresh warehouse,
# then Biểu 06 for a commune and for the province, over the month and over
# two months, and the sync-discrepancy list, must equal the truth exactly.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg
SEEDS=${TTHC_TEST_SEEDS:-1 2 3 4 5 6 7 8}

for seed in $SEEDS; do
  db=seed$seed
  harness_new_db "$db" || { not_ok "seed $seed: migrate"; continue; }
  per_day=$(( 3 + seed % 5 ))
  GEN=(--seed "$seed" --communes 11002,10792 --from 2026-02-15 --to 2026-04-30 --as-of 2026-05-0$((1 + seed % 5))T10:00:00
       --per-day "$per_day" --push-failure 0.$((seed % 3 + 1)) --national-codes 0.2 --username demo)
  for kind in portal city ministry; do harness_start_sim "P_$kind" --kind "$kind" "${GEN[@]}"; done
  d=$TMP/$db
  mkdir -p "$d"
  harness_write_config "$d/tthc.conf" portal portal "$P_portal" "11002, 10792" "page_size = 100"
  sed -i "s|^dir = .*|dir = $d/state|" "$d/tthc.conf"
  harness_add_source "$d/tthc.conf" city city "$P_city" "11002, 10792" "page_size = 100"
  harness_add_source "$d/tthc.conf" moj ministry "$P_ministry" "11002, 10792" "page_size = 100"
  if ! { "$TTHC_BIN/tthc-extract" -c "$d/tthc.conf" && "$TTHC_BIN/tthc-transform" -c "$d/tthc.conf" &&
         "$TTHC_BIN/tthc-load" -c "$d/tthc.conf"; } >"$d/sync.log" 2>&1; then
    not_ok "seed $seed: sync failed"; tail -5 "$d/sync.log"; continue
  fi
  as_of=$(printf '2026-05-0%d 10:00:00+07' $((1 + seed % 5)))
  bad=""
  for q in "11002 2026-04-01 2026-04-30" "31 2026-04-01 2026-04-30" "10792 2026-03-01 2026-04-30" "31 2026-02-15 2026-03-31"; do
    set -- $q
    "$TTHC_BIN/tthc-sim" --kind portal "${GEN[@]}" --truth-only --truth "$d/truth.tsv" --unit "$1" --period "$2:$3" 2>/dev/null
    harness_bieu06_tsv "$1" "$2" "$3" >"$d/report.tsv"
    cmp -s "$d/truth.tsv" "$d/report.tsv" || { bad="$bad $1:$2..$3"; diff "$d/truth.tsv" "$d/report.tsv" | head -4; }
  done
  [ -z "$bad" ] && ok "seed $seed ($per_day/day): Biểu 06 equals the truth for 4 unit/period pairs" ||
    not_ok "seed $seed: Biểu 06 differs for$bad"
  bad=""
  for q in "11002 2026-04-01 2026-04-30" "31 2026-03-01 2026-04-30"; do
    set -- $q
    "$TTHC_BIN/tthc-sim" --kind portal "${GEN[@]}" --truth-only --truth-rates "$d/rates-truth.tsv" --unit "$1" --period "$2:$3" 2>/dev/null
    psql -XAtq -c "\\copy (SELECT * FROM tthc.report_rates('$1','$2','$3')) TO STDOUT WITH (FORMAT text, HEADER true)" >"$d/rates.tsv"
    cmp -s "$d/rates-truth.tsv" "$d/rates.tsv" || { bad="$bad $1:$2..$3"; diff "$d/rates-truth.tsv" "$d/rates.tsv" | tail -3; }
  done
  [ -z "$bad" ] && ok "seed $seed: rates equal the truth for 2 unit/period pairs" ||
    not_ok "seed $seed: rates differ for$bad"
  "$TTHC_BIN/tthc-sim" --kind portal "${GEN[@]}" --truth-only --truth-discrepancies "$d/disc-truth.tsv" 2>/dev/null
  harness_discrepancies_tsv "$as_of" >"$d/disc.tsv"
  if tail -n +2 "$d/disc-truth.tsv" | cmp -s - "$d/disc.tsv"; then
    ok "seed $seed: the $(wc -l <"$d/disc.tsv") sync discrepancies equal the truth"
  else not_ok "seed $seed: discrepancies differ"; tail -n +2 "$d/disc-truth.tsv" | diff - "$d/disc.tsv" | head -6; fi
done
harness_done
