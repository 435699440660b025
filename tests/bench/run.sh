#!/bin/bash
# make bench: the warehouse's load and report speed, each beside its
# physical limit measured in the same run, written to bench/RESULTS.md
# (machine, versions, the command to reproduce). Not part of make check:
# it takes minutes and its figures depend on the machine.
#
#   BENCH_LOAD_SIZES     portal records per first load (empty: none; default "100000 1000000")
#   BENCH_REPORT_SIZES   synthetic dossiers for the report timings (empty: none; default
#                        "1000000 10000000"; each size extends the previous one)
#   BENCH_REPS           timed repetitions, the median is reported (default 3)
#   BENCH_LOAD_TIMEOUT   seconds before a load counts as "did not finish" (default 900)
#   BENCH_PIPELINE=1     also time extract (serial, concurrent) and transform
#   BENCH_OUT            output file (default bench/RESULTS.md)
#   BENCH_NOTE           a line printed under the title (e.g. "before 012")
#   BENCH_PROFILE_SIZES  load sizes profiled with pg_stat_statements (default:
#                        the first of BENCH_LOAD_SIZES)
#   BENCH_EXTRAS         the other benchmarks appended when present (default
#                        "transform peer nightly": tests/bench/NAME.sh, each
#                        printing a markdown section; empty: none)
#
# The canonical rows of a load size are generated once (simulator →
# tthc-extract → tthc-transform) and kept, without the landed pages, in
# build/bench-cache/ (keyed by size and schemas/dossier.def); BENCH_FRESH=1
# regenerates them. Each load goes into a new, empty warehouse database.
#
# Profiles: pg_stat_statements (preloaded in the throwaway cluster; track =
# all for one extra, untimed load of the first size) and EXPLAIN (ANALYZE,
# BUFFERS) of each report go to bench/profile/.
set -eu
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg
export PGOPTIONS='-c client_min_messages=warning'

LOAD_SIZES=${BENCH_LOAD_SIZES-100000 1000000}
REPORT_SIZES=${BENCH_REPORT_SIZES-1000000 10000000}
REPS=${BENCH_REPS:-3}
LOAD_TIMEOUT=${BENCH_LOAD_TIMEOUT:-900}
OUT=${BENCH_OUT:-$REPO_DIR/bench/RESULTS.md}
PROF=$(dirname "$OUT")/profile
CACHE=$REPO_DIR/build/bench-cache
# the canonical record's columns, in the order of the .copy files
COPY_COLUMNS=$(sed -n 's/^DOSSIER_FIELD(\([a-z_]*\),.*/\1/p' "$REPO_DIR/schemas/dossier.def" | paste -sd,)
mkdir -p "$(dirname "$OUT")" "$PROF" "$CACHE"

# pg_stat_statements needs a preload, i.e. a restart of the throwaway cluster.
psql -XAtq -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
harness_pg_stop
harness_pg_start

now_ms() { date +%s%3N; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "NaN"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# fresh_db NAME: a new, migrated warehouse with the 2025 communes (PGDATABASE).
fresh_db() {
  dropdb --if-exists "$1" 2>/dev/null && harness_new_db "$1" ||
    { echo "bench: could not create database $1" >&2; exit 1; }
  psql -XAtq -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
}


# ------------------------------------------------------------ canonical rows
# canonical_rows N: a state directory holding one transformed portal run of
# about N records (10 communes, Jan–Mar 2026), from the cache when present.
# Prints its path.
canonical_rows() {
  local n=$1 key dir communes per_day
  key=portal-$n-$(sha256sum "$REPO_DIR/schemas/dossier.def" | cut -c1-12)
  dir=$CACHE/$key
  if [ -n "${BENCH_FRESH:-}" ] || [ ! -e "$dir/READY" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    communes=$(head -n 11 "$SHARED_DIR/reference/units-2025.csv" | tail -n 10 | cut -d, -f1 | paste -sd,)
    # 10 communes x 90 days give 694 records per unit of --per-day
    per_day=$(( (n + 347) / 694 ))
    HARNESS_SIM_WAIT=600 harness_start_sim SPORT --kind portal --seed 5 --communes "$communes" --from 2026-01-01 --to 2026-03-31 \
      --as-of 2026-04-05T00:00:00 --per-day "$per_day" --username demo
    harness_write_config "$dir/gen.conf" portal-bench portal "$SPORT" "$communes" "page_size = 1000"
    sed -i "s|^dir = .*|dir = $dir/state|" "$dir/gen.conf"
    "$TTHC_BIN/tthc-extract" -c "$dir/gen.conf" --jobs 4 --per-source 4 >/dev/null 2>"$dir/extract.log"
    "$TTHC_BIN/tthc-transform" -c "$dir/gen.conf" 2>"$dir/transform.log" >/dev/null
    harness_stop_sims
    rm -rf "$dir"/state/runs/*/landing
    touch "$dir/READY"
  fi
  echo "$dir/state"
}

# ------------------------------------------------------------ load
# load_once STATE DB: the wall time (ms) of tthc-load of STATE's run into
# the (new, empty) database DB, or "timeout".
load_once() {
  local state=$1 db=$2 t0 t1
  rm -f "$state"/runs/*/LOADED
  printf '[warehouse]\nconninfo = host=%s port=%s user=%s dbname=%s\n[state]\ndir = %s\n' \
    "$PGHOST" "$PGPORT" "$PGUSER" "$db" "$state" >"$TMP/load.conf"
  t0=$(now_ms)
  if timeout "$LOAD_TIMEOUT" "$TTHC_BIN/tthc-load" -c "$TMP/load.conf" >"$TMP/load.log" 2>&1; then
    t1=$(now_ms)
    echo $((t1 - t0))
  else
    echo timeout
  fi
}

# plain_copy STATE: the wall time (ms) of a plain COPY of the same canonical
# rows into an unindexed table (the physical limit of a load).
plain_copy() {
  local state=$1 file t0 t1
  file=$(ls "$state"/runs/*/canonical/dossier_source.copy)
  psql -XAtq -c "DROP TABLE IF EXISTS bench_plain" \
    -c "CREATE TABLE bench_plain AS SELECT * FROM tthc.dossier_source WITH NO DATA"
  t0=$(now_ms)
  psql -XAtq -c "\\copy bench_plain ($COPY_COLUMNS) FROM '$file'"
  t1=$(now_ms)
  psql -XAtq -c "DROP TABLE bench_plain"
  echo $((t1 - t0))
}

load_rows=""
bench_load() {
  local n state rows copy_ms load_ms i tl tc
  echo "| load size | rows | plain COPY | rows/s | load (COPY + link + merge) | rows/s | ratio to COPY | dossiers |"
  echo "|---|---|---|---|---|---|---|---|"
  for n in $LOAD_SIZES; do
    state=$(canonical_rows "$n")
    rows=$(wc -l <"$(ls "$state"/runs/*/canonical/dossier_source.copy)")
    : >"$TMP/copy.ms"
    : >"$TMP/load.ms"
    # a size above BENCH_REPS_MAX_ROWS (default 200000) is loaded once: it
    # takes minutes, and its point is how the time grows
    for i in $(seq 1 "$( [ "$n" -le "${BENCH_REPS_MAX_ROWS:-200000}" ] && echo "$REPS" || echo 1)"); do
      fresh_db "bl_$n"
      tl=$(load_once "$state" "bl_$n")
      tc=$(plain_copy "$state")
      echo "$tc" >>"$TMP/copy.ms"
      echo "$tl" >>"$TMP/load.ms"
      [ "$tl" = timeout ] && break # a load that did not finish once will not finish again
    done
    copy_ms=$(median <"$TMP/copy.ms")
    if grep -q timeout "$TMP/load.ms"; then
      echo "| $n | $rows | $copy_ms ms | $(awk -v r="$rows" -v m="$copy_ms" 'BEGIN{printf "%.0f", r*1000/m}') | **did not finish in $LOAD_TIMEOUT s** | | | |"
    else
      load_ms=$(median <"$TMP/load.ms")
      awk -v r="$rows" -v c="$copy_ms" -v l="$load_ms" -v d="$(psql -d "bl_$n" -XAtc 'SELECT count(*) FROM tthc.dossier')" \
        'BEGIN { printf "| %d | %d | %d ms | %.0f | %d ms | %.0f | **%.1f %%** | %d |\n", r, r, c, r*1000/c, l, r*1000/l, 100*c/l, d }'
      load_rows="$load_rows $n:$rows:$load_ms"
    fi
  done
}

# profile_load N: where a first load of N records spends its time:
# pg_stat_statements (track = all, so the statements inside merge_dossiers
# and link_dossiers are listed), for one extra untimed load.
profile_load() {
  local n=$1 state
  state=$(canonical_rows "$n")
  fresh_db bl_prof
  psql -XAtq -c "ALTER DATABASE bl_prof SET pg_stat_statements.track = 'all'" -c "SELECT pg_stat_statements_reset()" >/dev/null
  load_once "$state" bl_prof >/dev/null
  psql -XAq -P pager=off -c "
    SELECT round(total_exec_time::numeric, 0) AS ms,
           round((100 * total_exec_time / sum(total_exec_time) FILTER (WHERE toplevel) OVER ())::numeric, 1) AS pct_of_load,
           calls, rows, toplevel AS top, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS statement
      FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
     WHERE d.datname = 'bl_prof' AND total_exec_time > 5
     ORDER BY total_exec_time DESC LIMIT 25" >"$PROF/load-$n.pg_stat_statements.txt"
}

# ------------------------------------------------------------ reports
# Synthetic dossiers spread over the 3,321 communes and 3 years (2024–2026):
# 10 % never finished (status 4), 5 % with a completed supplement request,
# 2 % stopped after acceptance (status 8 with NgayTuChoi); each size
# extends the previous one (dossier g of n is the same whatever n).
extend_dossiers() {
  local from=$1 to=$2
  psql -XAtq -v ON_ERROR_STOP=1 -c "
  INSERT INTO tthc.dossier (unit_code, dossier_code, sources, on_portal, origin_missing, source_updated_at,
                            field_code, field_name, channel, status, received_at, due_at, finished_at,
                            refused_at, supplements, department_code, has_digitised_component, fee_total, paid_online)
  SELECT u.unit_code, 'B-' || g, '{city}', g % 5 <> 0, false, t + interval '10 days', 'F' || (g % 7), 'Lĩnh vực ' || (g % 7),
         1 + g % 3,
         CASE WHEN g % 10 = 0 THEN 4 WHEN g % 50 = 1 THEN 8 ELSE 9 END,
         t, t + interval '5 days',
         CASE WHEN g % 10 = 0 OR g % 50 = 1 THEN NULL ELSE t + (g % 7) * interval '1 day' END,
         CASE WHEN g % 50 = 1 THEN t + interval '1 day' END,
         CASE WHEN g % 20 = 3 THEN jsonb_build_array(jsonb_build_object(
                'requested_at', t + interval '1 day', 'completed_at', t + interval '3 days')) END,
         'D' || (g % 4), g % 3 = 0, (g % 4) * 10000, (g % 8 = 0)::int
    FROM generate_series($from, $to) g
    CROSS JOIN LATERAL (SELECT timestamptz '2024-01-01 08:00+07' + (g % 1095) * interval '1 day'
                               + (g % 600) * interval '1 minute' AS t) x
    JOIN (SELECT unit_code, row_number() OVER (ORDER BY unit_code) - 1 AS i FROM tthc.unit) u ON u.i = g % 3321;"
  psql -XAtq -c "VACUUM ANALYZE tthc.dossier"
}

# time_query SQL: median of BENCH_REPS (after one warm-up) of the server-side time of
# SQL in one psql session (\timing: planning + execution + transfer). Every
# column is used: the planner drops the aggregates of columns nobody reads.
time_query() {
  { echo '\timing on'; for i in $(seq 0 "$REPS"); do echo "SELECT sum(length(x::text)) FROM ($1) x;"; done; } |
    psql -XAq 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n "$REPS" | median
}

bench_reports() {
  local prev=0 n unit q what ms tag
  fresh_db bench_reports
  unit=$(psql -XAtc "SELECT unit_code FROM tthc.unit WHERE province_code = '01' ORDER BY unit_code LIMIT 1")
  echo "| dossiers | query | time (median of $REPS) | rows in scope |"
  echo "|---|---|---|---|"
  for n in $REPORT_SIZES; do
    extend_dossiers $((prev + 1)) "$n"
    prev=$n
    for q in "bieu06:$unit:2025-04-01:2025-04-30:commune-month" "rates:$unit:2025-04-01:2025-04-30:commune-month" \
             "bieu06:01:2025-01-01:2025-12-31:province-year" "rates:01:2025-01-01:2025-12-31:province-year"; do
      IFS=: read -r what u f t tag <<<"$q"
      sql="SELECT * FROM tthc.report_$what('$u', '$f', '$t')"
      ms=$(time_query "$sql")
      scope=$(psql -XAtc "SELECT count(*) FROM tthc.dossier_period_outcome('$u', '$f', '$t')")
      printf '| %s | `report_%s('"'"'%s'"'"', %s, %s)` (%s) | %s ms | %s |\n' "$n" "$what" "$u" "$f" "$t" "$tag" "$ms" "$scope"
      psql -XAq -P pager=off -c "EXPLAIN (ANALYZE, BUFFERS) $sql" >"$PROF/report-$n-$what-$tag.explain.txt" 2>&1
    done
  done
}

machine() {
  echo "- machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "- PostgreSQL: $(psql -XAtc 'SHOW server_version'), the tests' throwaway cluster (fsync, synchronous_commit and full_page_writes off; shared_buffers $(psql -XAtc 'SHOW shared_buffers'), work_mem $(psql -XAtc 'SHOW work_mem')), pg_stat_statements preloaded"
  echo "- tree: $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO_DIR" diff --quiet HEAD -- sql load 2>/dev/null || echo ' + uncommitted changes in sql/ or load/'), migrations: $(ls "$REPO_DIR"/sql/[0-9]*.sql | xargs -n1 basename | sed 's/_.*//' | paste -sd' ')"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work shares this machine)"
}

pipeline() {
  local communes=${BENCH_PIPELINE_COMMUNES:-$(head -n 5 "$SHARED_DIR/reference/units-2025.csv" | tail -n 4 | cut -d, -f1 | paste -sd,)}
  harness_start_sim PORT --kind portal --seed 5 --communes "$communes" --from 2026-01-01 --to 2026-03-31 \
    --as-of 2026-04-05T00:00:00 --per-day "${BENCH_PER_DAY:-150}" --username demo
  echo "| stage | size | time | rate |"
  echo "|---|---|---|---|"
  for mode in "serial 1 1" "concurrent 4 4"; do
    set -- $mode
    harness_write_config "$TMP/$1.conf" portal-bench portal "$PORT" "$communes" "page_size = 1000"
    sed -i "s|^dir = .*|dir = $TMP/$1|" "$TMP/$1.conf"
    t0=$(now_ms)
    "$TTHC_BIN/tthc-extract" -c "$TMP/$1.conf" --jobs "$2" --per-source "$3" >/dev/null 2>"$TMP/$1.log"
    t1=$(now_ms)
    records=$(cat "$TMP/$1"/runs/*/landing/*/*/manifest.jsonl | sed 's/.*"records":\([0-9]*\).*/\1/' | awk '{s+=$1} END {print s}')
    awk -v n="$1" -v ms=$((t1 - t0)) -v r="$records" 'BEGIN { printf "| extract, %s | %d records | %.2f s | %.0f records/s |\n", n, r, ms/1000, r*1000/ms }'
  done
  t0=$(now_ms)
  "$TTHC_BIN/tthc-transform" -c "$TMP/concurrent.conf" 2>"$TMP/transform.log" >/dev/null
  t1=$(now_ms)
  bytes=$(du -sb "$TMP/concurrent/runs" | cut -f1)
  awk -v ms=$((t1 - t0)) -v b="$bytes" 'BEGIN { printf "| transform | %.1f MB landed | %.2f s | %.1f MB/s |\n", b/1e6, ms/1000, b/1e3/ms }'
  harness_stop_sims
}

cmd="BENCH_LOAD_SIZES=\"$LOAD_SIZES\"${BENCH_PROFILE_SIZES:+ BENCH_PROFILE_SIZES=\"$BENCH_PROFILE_SIZES\"} BENCH_REPORT_SIZES=\"$REPORT_SIZES\" BENCH_REPS=$REPS make bench"
{
  echo "# Benchmark results"
  echo
  echo "Written by \`make bench\` (tests/bench/run.sh) on $(date -u +%Y-%m-%dT%H:%MZ). Reproduce with"
  echo
  echo "    $cmd"
  echo
  [ -n "${BENCH_NOTE:-}" ] && { echo "$BENCH_NOTE"; echo; }
  machine
  echo
  if [ -n "$LOAD_SIZES" ]; then
    echo "## First load into an empty warehouse (portal records), median of $REPS (sizes above ${BENCH_REPS_MAX_ROWS:-200000}: once)"
    echo
    echo "Plain COPY: the same canonical rows (\`canonical/dossier_source.copy\`) copied by psql into an"
    echo "unindexed table, in the same cluster, right after each load. Ratio = load rows/s ÷ COPY rows/s."
    echo
    bench_load
    echo
    for n in ${BENCH_PROFILE_SIZES:-${LOAD_SIZES%% *}}; do
      profile_load "$n"
      echo "Where a first load of $n records spends its time: [profile/load-$n.pg_stat_statements.txt](profile/load-$n.pg_stat_statements.txt)."
    done
    echo
  fi
  if [ -n "$REPORT_SIZES" ]; then
    echo "## Reports on a large warehouse"
    echo
    echo "Synthetic dossiers over the 3,321 communes and 2024–2026 (tests/bench/run.sh, extend_dossiers);"
    echo "the commune is the first of province 01 ($(awk -F, '$3 == "01"' "$SHARED_DIR/reference/units-2025.csv" | wc -l) communes)."
    echo "Time: server side (\\timing), one psql session, median of $REPS after a warm-up. Plans: profile/report-*.explain.txt."
    echo
    bench_reports
    echo
  fi
  if [ -n "${BENCH_PIPELINE:-}" ]; then
    echo "## Extract and transform (portal simulator on loopback)"
    echo
    pipeline
    echo
  fi
  # The other stages' benchmarks (transform, Python peer, nightly sync),
  # each printing a markdown section, when they are there. A failing one
  # says so in the results instead of stopping the others.
  for extra in ${BENCH_EXTRAS-transform peer nightly}; do
    script=$REPO_DIR/tests/bench/$extra.sh
    [ -e "$script" ] || continue
    TTHC_BIN=$TTHC_BIN bash "$script" 2>"$TMP/bench-$extra.err" ||
      { echo; echo "_tests/bench/$extra.sh failed (exit $?):_ $(tail -n 3 "$TMP/bench-$extra.err" | tr '\n' ' ')"; }
    echo
  done
  # Before/after figures of the changes, kept by hand beside the results.
  if [ -e "$(dirname "$OUT")/before-after.md" ]; then cat "$(dirname "$OUT")/before-after.md"; fi
} | tee "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
