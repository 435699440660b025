# shellcheck shell=bash
# Landed runs for the transform and peer benchmarks (tests/bench/transform.sh,
# tests/bench/peer.sh), sourced after tests/lib/harness.sh: a simulator of one
# kind → tthc-extract, 10 communes, Jan–Mar 2026, kept with the pages in
# $CACHE/landing-KIND-N-KEY/ (KEY: schemas/dossier.def, as tests/bench/run.sh
# keys its cache) so later runs only time. BENCH_FRESH=1 lands them again.
# Also what both time with: median, records_of, timed.

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "NaN"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# records_of RUNDIR: the records the extraction landed (its EXTRACTED summary)
records_of() {
  python3 -c 'import json,sys; print(sum(w.get("records", 0) for w in json.load(open(sys.argv[1]))["windows"]))' "$1/EXTRACTED"
}

# timed OUT CMD...: runs CMD under GNU time (pinned to core $BENCH_PIN when
# set); appends "wall-ms kib cpu-ms" to OUT (cpu = user + system).
timed() {
  local out=$1 t0 t1 pin=()
  shift
  [ -n "${BENCH_PIN:-}" ] && pin=(taskset -c "$BENCH_PIN")
  t0=$(date +%s%N)
  /usr/bin/time -v -o "$TMP/time.txt" "${pin[@]}" "$@" >"$TMP/cmd.out" 2>"$TMP/cmd.err" ||
    { echo "$(basename "$0"): failed: $*" >&2; tail -5 "$TMP/cmd.err" >&2; exit 1; }
  t1=$(date +%s%N)
  awk -v ms=$(((t1 - t0) / 1000000)) '
    /Maximum resident set size/ { rss = $NF }
    /User time|System time/ { cpu += $NF }
    END { printf "%d %d %d\n", ms, rss, cpu * 1000 }' "$TMP/time.txt" >>"$out"
}

# records per commune-day of --per-day 1 over 10 communes × 90 days, per
# kind (the city and the ministry serve their share of the one model)
per_unit() {
  case $1 in
  portal) echo 694 ;;
  city) echo 580 ;;
  ministry) echo 190 ;;
  esac
}

# landing KIND N: a state directory holding one extracted, untransformed
# run of about N records of KIND; prints its path.
landing() {
  local kind=$1 n=$2 key dir communes per_day unit
  key=$(sha256sum "$REPO_DIR/schemas/dossier.def" | cut -c1-12)
  dir=$CACHE/landing-$kind-$n-$key
  if [ -n "${BENCH_FRESH:-}" ] || [ ! -e "$dir/READY" ]; then
    echo "transform.sh: landing $n $kind records in $dir" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    communes=$(head -n 11 "$SHARED_DIR/reference/units-2025.csv" | tail -n 10 | cut -d, -f1 | paste -sd,)
    unit=$(per_unit "$kind")
    per_day=$(((n + unit / 2) / unit))
    HARNESS_SIM_WAIT=600 harness_start_sim SPORT --kind "$kind" --seed 5 --communes "$communes" --from 2026-01-01 \
      --to 2026-03-31 --as-of 2026-04-05T00:00:00 --per-day "$per_day" --username demo
    harness_write_config "$dir/gen.conf" "$kind-bench" "$kind" "$SPORT" "$communes" "page_size = 1000"
    sed -i "s|^dir = .*|dir = $dir/state|" "$dir/gen.conf"
    cp "$TMP/$kind-bench.secret" "$dir/secret"
    sed -i "s|^secret_file = .*|secret_file = $dir/secret|" "$dir/gen.conf"
    "$TTHC_BIN/tthc-extract" -c "$dir/gen.conf" --jobs 4 --per-source 4 >/dev/null 2>"$dir/extract.log" ||
      { echo "transform.sh: extraction failed:" >&2; tail -5 "$dir/extract.log" >&2; harness_stop_sims; exit 1; }
    harness_stop_sims
    touch "$dir/READY"
  fi
  # the configuration names the directory as it is now (it may have moved)
  sed -i "s|^dir = .*|dir = $dir/state|; s|^secret_file = .*|secret_file = $dir/secret|" "$dir/gen.conf"
  echo "$dir"
}

