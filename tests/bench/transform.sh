#!/bin/bash
# The transform's speed beside its physical limit: for each source kind,
# tthc-transform of a landed run on one core (taskset) against a bare parse
# of the same bytes (tests/bench/bare_parse.c: cJSON_Parse of each JSON
# page, an xmlTextReader loop over each XML page), and its peak RSS at each
# size. Prints a markdown section on stdout (h1's tests/bench/run.sh puts
# it in bench/RESULTS.md); progress goes to stderr.
#
#   TTHC_BIN                 the binaries (tthc-sim, tthc-extract, tthc-transform)
#   BENCH_TRANSFORM_KINDS    default "portal ministry city"
#   BENCH_TRANSFORM_SIZES    records per landing (about), default "100000 1000000"
#   BENCH_REPS               timed repetitions, the median is reported (default 3)
#   BENCH_CPU                the core to pin to (default the last one)
#   BENCH_FRESH=1            land the pages again
#
# Landings (simulator → tthc-extract, 10 communes, Jan–Mar 2026) are kept
# with their pages in build/bench-cache/landing-KIND-N-KEY/ (tests/bench/landing.sh),
# so a second run only times. Each timed transform
# writes into the landing's run directory and its output is removed after.
set -eu
. "$(dirname "$0")/../lib/harness.sh"
harness_init

KINDS=${BENCH_TRANSFORM_KINDS:-portal ministry city}
SIZES=${BENCH_TRANSFORM_SIZES:-100000 1000000}
REPS=${BENCH_REPS:-3}
CPU=${BENCH_CPU:-$(($(nproc) - 1))}
CACHE=$REPO_DIR/build/bench-cache
TOOLS=$REPO_DIR/build/bench-tools
mkdir -p "$CACHE" "$TOOLS"
# the configuration names a warehouse; the transform never connects to it
export PGHOST=${PGHOST:-/nonexistent} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-none} PGDATABASE=${PGDATABASE:-none}
[ -x /usr/bin/time ] || { echo "transform.sh: GNU time is missing (deploy/install-deps.sh --bench)" >&2; exit 1; }

# the bare parser, built against the same libraries as the transform
BARE=$TOOLS/bare_parse
if [ ! -x "$BARE" ] || [ "$REPO_DIR/tests/bench/bare_parse.c" -nt "$BARE" ]; then
  ${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror -o "$BARE" "$REPO_DIR/tests/bench/bare_parse.c" \
    $(pkg-config --cflags --libs libcjson libxml-2.0)
fi

BENCH_PIN=$CPU
. "$(dirname "$0")/landing.sh"

rows=""
for kind in $KINDS; do
  for n in $SIZES; do
    dir=$(landing "$kind" "$n")
    run=$(ls "$dir/state/runs" | head -n 1)
    rdir=$dir/state/runs/$run
    records=$(records_of "$rdir")
    find "$rdir/landing" -name 'page-*' | sort >"$TMP/pages"
    bytes=$(xargs -a "$TMP/pages" cat | wc -c)
    : >"$TMP/t" && : >"$TMP/b"
    echo "transform.sh: $kind $records records, $REPS × transform and bare parse" >&2
    for _ in $(seq 1 "$REPS"); do
      rm -rf "$rdir/canonical" "$rdir/TRANSFORMED"
      timed "$TMP/t" "$TTHC_BIN/tthc-transform" -c "$dir/gen.conf" --run "$run"
      xargs -a "$TMP/pages" cat >/dev/null # the same page cache for both
      timed "$TMP/b" xargs -a "$TMP/pages" "$BARE"
    done
    grep -h '"accepted"' "$rdir/canonical/counts.json" >/dev/null ||
      { echo "transform.sh: no counts written for $kind" >&2; exit 1; }
    rm -rf "$rdir/canonical" "$rdir/TRANSFORMED"
    t_ms=$(cut -d' ' -f1 "$TMP/t" | median)
    b_ms=$(cut -d' ' -f1 "$TMP/b" | median)
    tc_ms=$(cut -d' ' -f3 "$TMP/t" | median)
    bc_ms=$(cut -d' ' -f3 "$TMP/b" | median)
    rss=$(cut -d' ' -f2 "$TMP/t" | sort -n | tail -n 1)
    rows+=$(awk -v k="$kind" -v r="$records" -v mb="$bytes" -v t="$t_ms" -v b="$b_ms" -v tc="$tc_ms" \
      -v bc="$bc_ms" -v rss="$rss" 'BEGIN {
      if (tc < 1) tc = 1; if (bc < 1) bc = 1; if (t < 1) t = 1; if (b < 1) b = 1
      printf "| %s | %d | %.1f MB | %d ms (%d ms CPU) | %.0f (%.0f per CPU s) | %d ms (%d ms CPU; %.0f records per CPU s) | %.2f× (CPU %.2f×) | %.1f MiB |\n",
        k, r, mb / 1e6, t, tc, r * 1000 / t, r * 1000 / tc, b, bc, r * 1000 / bc, t / b, tc / bc, rss / 1024 }')
    rows+=$'\n'
  done
done

cat <<EOF
## Transform on one core, beside a bare parse of the same bytes

\`TTHC_BIN=… bash tests/bench/transform.sh\` (BENCH_TRANSFORM_SIZES="$SIZES", median of $REPS,
pinned to core $CPU; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)). Bare parse:
tests/bench/bare_parse.c, cJSON_Parse of each JSON page / an xmlTextReader loop over each XML
page, timed the same way (whole process, pages in the page cache). Peak RSS: GNU time's maximum
resident set size of tthc-transform. Wall time includes the fsync of the output files; CPU time
(user + system) is what the parse and the mapping cost. Goals (issue 11): ≥ 150k records/s JSON, ≥ 80k XML,
≤ 1.5× the bare parse, peak RSS flat from 100k to 1M. The landings have 10 communes whatever their
size, so a window (one source and commune: what the duplicate count holds) is a tenth of the run.

| kind | records | landed | transform | records/s | bare parse | ÷ bare parse | peak RSS |
|---|---|---|---|---|---|---|---|
${rows}
EOF
