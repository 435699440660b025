#!/bin/bash
# make bench: throughput and memory of the pipeline against the simulators,
# and the warehouse's report speed on a large table. Prints a table and
# appends it to build/bench-results.md (copy the figures to docs/benchmarks.md).
#
#   BENCH_PER_DAY     dossiers per commune per day in the simulator (default 150)
#   BENCH_COMMUNES    communes (default 4)
#   BENCH_DOSSIERS    synthetic dossiers for the report timing (default 1000000)
set -eu
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg
"$TTHC_BIN/tthc-load" --units "$SHARED_DIR/reference/units-2025.csv" >/dev/null

PER_DAY=${BENCH_PER_DAY:-150}
COMMUNES=${BENCH_COMMUNES:-4}
DOSSIERS=${BENCH_DOSSIERS:-1000000}
communes=$(head -n $((COMMUNES + 1)) "$SHARED_DIR/reference/units-2025.csv" | tail -n "$COMMUNES" | cut -d, -f1 | paste -sd,)
out=$REPO_DIR/build/bench-results.md
mkdir -p "$REPO_DIR/build"

harness_start_sim PORT --kind portal --seed 5 --communes "$communes" --from 2026-01-01 --to 2026-03-31 \
  --as-of 2026-04-05T00:00:00 --per-day "$PER_DAY" --username demo

now_ms() { date +%s%3N; }
run_extract() { # NAME JOBS PER_SOURCE
  harness_write_config "$TMP/$1.conf" portal-bench portal "$PORT" "$communes" "page_size = 1000"
  sed -i "s|^dir = .*|dir = $TMP/$1|" "$TMP/$1.conf"
  local t0 t1
  t0=$(now_ms)
  "$TTHC_BIN/tthc-extract" -c "$TMP/$1.conf" --jobs "$2" --per-source "$3" >/dev/null 2>"$TMP/$1.log"
  t1=$(now_ms)
  local pages records
  pages=$(cat "$TMP/$1"/runs/*/landing/*/*/manifest.jsonl | wc -l)
  records=$(cat "$TMP/$1"/runs/*/landing/*/*/manifest.jsonl | sed 's/.*"records":\([0-9]*\).*/\1/' | awk '{s+=$1} END {print s}')
  awk -v n="$1" -v ms=$((t1 - t0)) -v p="$pages" -v r="$records" \
    'BEGIN { printf "| extract, %s | %d pages, %d records | %.2f s | %.1f pages/s | %.0f records/s |\n", n, p, r, ms/1000, p*1000/ms, r*1000/ms }'
}

{
echo
echo "## $(date -u +%Y-%m-%dT%H:%MZ) — $(nproc) cores, $COMMUNES communes x $PER_DAY dossiers/day x 90 days"
echo
echo "| what | size | time | rate | |"
echo "|---|---|---|---|---|"
run_extract serial 1 1
run_extract concurrent 4 4

t0=$(now_ms)
"$TTHC_BIN/tthc-transform" -c "$TMP/concurrent.conf" 2>"$TMP/transform.log"
t1=$(now_ms)
bytes=$(du -sb "$TMP/concurrent/runs" | cut -f1)
peak=$(sed -n 's/.*peak memory \([0-9]*\) KiB.*/\1/p' "$TMP/transform.log")
awk -v ms=$((t1 - t0)) -v b="$bytes" -v k="$peak" \
  'BEGIN { printf "| transform | %.1f MB landed | %.2f s | %.1f MB/s | peak RSS %.1f MB |\n", b/1e6, ms/1000, b/1e3/ms, k/1024 }'

t0=$(now_ms)
"$TTHC_BIN/tthc-load" -c "$TMP/concurrent.conf" >/dev/null 2>&1
t1=$(now_ms)
n=$(psql -XAtc "SELECT count(*) FROM tthc.dossier")
awk -v ms=$((t1 - t0)) -v n="$n" 'BEGIN { printf "| load (COPY + merge) | %d dossiers | %.2f s | %.0f dossiers/s | |\n", n, ms/1000, n*1000/ms }'

# The report on a large warehouse: synthetic dossiers spread over 3,321
# communes and 3 years, then one commune's month.
psql -XAtq -v ON_ERROR_STOP=1 -c "
  INSERT INTO tthc.dossier (unit_code, dossier_code, sources, on_portal, origin_missing, source_updated_at,
                            field_code, field_name, channel, status, received_at, due_at, finished_at, department_code)
  SELECT u.unit_code, 'B-' || g, '{city}', true, false, now(), 'F' || (g % 7), 'Lĩnh vực ' || (g % 7), 1 + g % 3,
         CASE WHEN g % 10 = 0 THEN 4 ELSE 9 END,
         t, t + interval '5 days', CASE WHEN g % 10 = 0 THEN NULL ELSE t + interval '3 days' END, 'D' || (g % 4)
    FROM generate_series(1, $DOSSIERS) g
    CROSS JOIN LATERAL (SELECT timestamptz '2024-01-01' + (g % 1095) * interval '1 day' + (g % 600) * interval '1 minute' AS t) x
    JOIN (SELECT unit_code, row_number() OVER (ORDER BY unit_code) - 1 AS i FROM tthc.unit) u ON u.i = g % 3321;
  ANALYZE tthc.dossier;"
unit=$(psql -XAtc "SELECT unit_code FROM tthc.unit ORDER BY unit_code LIMIT 1")
for q in "report_bieu06('$unit', '2025-04-01', '2025-04-30')" "report_rates('$unit', '2025-04-01', '2025-04-30')" \
         "report_bieu06('01', '2025-04-01', '2025-04-30')"; do
  psql -XAtq -c "SELECT * FROM tthc.$q" >/dev/null # warm
  t0=$(now_ms)
  for i in 1 2 3 4 5; do psql -XAtq -c "SELECT * FROM tthc.$q" >/dev/null; done
  t1=$(now_ms)
  awk -v q="$q" -v ms=$((t1 - t0)) -v n="$(psql -XAtc 'SELECT count(*) FROM tthc.dossier')" \
    'BEGIN { printf "| %s | %d dossiers in the warehouse | %.1f ms | (mean of 5, incl. psql start) | |\n", q, n, ms/5 }'
done
} | tee -a "$out"
