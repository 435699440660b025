#!/bin/bash
# A night's extraction at real rate limits (issue 11), on the simulators:
# many communes (a whole province, read from the commune list at run time),
# with and without a rate limit, with and without faults. For each run:
# requests and logins (counted in the simulators' request logs), wall time,
# the floor the rate limit sets (requests / max_rps) and the ratio to it;
# then the extrapolation to the country's 3,321 communes.
# Prints a markdown section on stdout (tests/bench/run.sh appends it to
# bench/RESULTS.md); progress on stderr. Not a test: no run fails it.
#
#   TTHC_BIN            the binaries measured ("after")
#   TTHC_BIN_BEFORE     optional: the binaries of an earlier tree, measured
#                       the same way ("before"), e.g. a clone built at HEAD;
#                       only its tthc-extract is used (the simulators are
#                       always TTHC_BIN's, so both count alike)
#   NIGHTLY_PROVINCE    province code (default 31, Hải Phòng: 114 communes)
#   NIGHTLY_RPS         the rate limit of the limited runs (default 5, the
#                       configuration's default max_rps)
#   NIGHTLY_PER_DAY     dossiers per commune per weekday (default 6: about
#                       120 changed dossiers per commune and night, i.e.
#                       400k over 3,321 communes)
#   NIGHTLY_REPS        runs without a rate limit: the median of this many
#                       (default 3)
#   NIGHTLY_NATION      1 (default): also pull all 3,321 communes at once,
#                       portal without a limit, once per tree
set -eu
. "$(dirname "$0")/../lib/harness.sh"
harness_init

PROVINCE=${NIGHTLY_PROVINCE:-31}
RPS=${NIGHTLY_RPS:-5}
PER_DAY=${NIGHTLY_PER_DAY:-6}
REPS=${NIGHTLY_REPS:-3}
NATION=3321
UNITS=$SHARED_DIR/reference/units-2025.csv
COMMUNES=$(awk -F, -v p="$PROVINCE" 'NR > 1 && $3 == p { print $1 }' "$UNITS" | paste -sd, -)
NCOMMUNES=$(awk -F, -v p="$PROVINCE" 'NR > 1 && $3 == p' "$UNITS" | wc -l)
[ "$NCOMMUNES" -gt 0 ] || { echo "no communes in province $PROVINCE" >&2; exit 1; }
GEN=(--seed 7 --communes "$COMMUNES" --from 2026-04-01 --to 2026-04-30
     --as-of 2026-05-01T00:00:00 --per-day "$PER_DAY")
printf '%s\n' "${TTHC_SIM_PASSWORD:-demo-secret}" >"$TMP/secret"
chmod 0600 "$TMP/secret"

# conf FILE STATE RPS KIND:PORT...
conf() {
  local file=$1 state=$2 rps=$3 kp kind port
  shift 3
  printf '[state]\ndir = %s\n' "$state" >"$file"
  for kp in "$@"; do
    kind=${kp%%:*} port=${kp#*:}
    {
      echo "[source $kind]"
      echo "kind = $kind"
      echo "base_url = http://127.0.0.1:$port"
      [ "$kind" = portal ] && echo "agency_code = 000.00.00.H31"
      [ "$kind" != ministry ] && echo "username = demo"
      [ "$kind" = ministry ] && printf 'field_code = HT\nfield_name = Hộ tịch\n'
      echo "secret_file = $TMP/secret"
      echo "communes = $COMMUNES"
      echo "since = 2025-01-01"
      echo "max_rps = $rps"
    } >>"$file"
  done
}

ROWS=()
# measure TREE BIN LABEL RPS KINDS FAULTS: one extraction, one table row.
measure() {
  local tree=$1 bin=$2 label=$3 rps=$4 kinds=$5 faults=$6 kind simport n args=() start ms
  local d=$TMP/$tree-$(echo "$label" | tr -c 'a-z0-9\n' '-')
  local requests=0 logins=0 records floor ratio
  mkdir -p "$d"
  for kind in $kinds; do
    args=()
    if [ -n "$faults" ]; then
      case $kind in
        portal) args=(--fault session-expired:0.02 --fault rate-limit:0.02 --fault http-5xx:0.02) ;;
        city) args=(--fault token-expired:0.02 --fault rate-limit:0.02 --fault http-500:0.02) ;;
        ministry) args=(--fault rate-limit:0.02 --fault http-5xx:0.02) ;;
      esac
      args+=(--fault-seed 5)
    fi
    harness_start_sim simport --kind "$kind" "${GEN[@]}" --request-log "$d/$kind.jsonl" "${args[@]}"
    printf -v "port_$kind" "%s" "$simport"
  done
  local kps=()
  for kind in $kinds; do n=port_$kind; kps+=("$kind:${!n}"); done
  conf "$d/tthc.conf" "$d/state" "$rps" "${kps[@]}"
  echo "nightly: $tree, $label ..." >&2
  start=$(date +%s%N)
  "$bin/tthc-extract" -c "$d/tthc.conf" >/dev/null 2>"$d/extract.log" || true
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  for kind in $kinds; do cp "$d/$kind.jsonl" "$d/$kind.first.jsonl"; done
  # Runs without a limit take seconds, and the machine is shared: the
  # median of REPS, each into a fresh state directory (the requests are
  # counted in the first).
  if [ "$rps" = 0 ] && [ "$REPS" -gt 1 ]; then
    local times=("$ms") r
    for r in $(seq 2 "$REPS"); do
      sed "s|^dir = .*|dir = $d/state.$r|" "$d/tthc.conf" >"$d/tthc.$r.conf"
      start=$(date +%s%N)
      "$bin/tthc-extract" -c "$d/tthc.$r.conf" >/dev/null 2>"$d/extract.$r.log" || true
      times+=($(( ($(date +%s%N) - start) / 1000000 )))
    done
    ms=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (REPS + 1) / 2 ))p")
  fi
  harness_stop_sims
  local per_source_max=0 pauses=0 p
  for kind in $kinds; do
    n=$(wc -l <"$d/$kind.first.jsonl")
    requests=$(( requests + n ))
    # the waits the source itself asked for: Retry-After (1 s) on a 429/503
    p=$(grep -c '"fault":"\(rate-limit\|unavailable\)"' "$d/$kind.first.jsonl" || true)
    if [ "$n" -gt "$per_source_max" ]; then per_source_max=$n pauses=$p; fi
    logins=$(( logins + $(python3 -c 'import json, sys
print(sum(1 for l in map(json.loads, open(sys.argv[1])) if l["path"] in ("/api/auth", "/token")
          and l["status"] == 200 and not l["fault"] and l["error_code"] in (None, "0")))' "$d/$kind.first.jsonl") ))
  done
  records=$(cat "$d"/state/runs/*/landing/*/*/manifest.jsonl 2>/dev/null |
            sed -n 's/.*"records":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
  if [ "$rps" = 0 ]; then
    floor="–" ratio="–"
  else
    # the sources run side by side: the busiest one sets the floor, with
    # the Retry-After pauses it asked for
    floor=$(awk -v n="$per_source_max" -v r="$rps" -v p="$pauses" 'BEGIN { printf "%.1f", n / r + p }')
    ratio=$(awk -v ms="$ms" -v n="$per_source_max" -v r="$rps" -v p="$pauses" 'BEGIN { printf "%.2f", ms / 1000 / (n / r + p) }')
  fi
  ROWS+=("| $tree | $label | $NCOMMUNES | $requests | $logins | $records | $(awk -v ms="$ms" 'BEGIN { printf "%.1f", ms / 1000 }') | $floor | $ratio |")
  # what the extrapolation needs, by tree and label
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tree" "$label" "$ms" "$per_source_max" "$records" "$requests" \
    "$NCOMMUNES" >>"$TMP/raw.tsv"
}

trees=("after:$TTHC_BIN")
[ -n "${TTHC_BIN_BEFORE:-}" ] && trees=("before:$TTHC_BIN_BEFORE" "${trees[@]}")
: >"$TMP/raw.tsv"
for tb in "${trees[@]}"; do
  tree=${tb%%:*} bin=${tb#*:}
  measure "$tree" "$bin" "no limit, 3 sources" 0 "portal city ministry" ""
  measure "$tree" "$bin" "no limit, 3 sources, faults" 0 "portal city ministry" "faults"
  measure "$tree" "$bin" "portal at $RPS rps" "$RPS" "portal" ""
  measure "$tree" "$bin" "portal at $RPS rps, faults" "$RPS" "portal" "faults"
done
PROV_N=$NCOMMUNES PROV_REPS=$REPS
# The whole country at once, without a limit: no extrapolation needed (the
# simulator alone takes ~40 s and ~0.4 GiB to build it).
if [ "${NIGHTLY_NATION:-1}" = 1 ]; then
  COMMUNES=$(awk -F, 'NR > 1 { print $1 }' "$UNITS" | paste -sd, -)
  NCOMMUNES=$(awk -F, 'NR > 1' "$UNITS" | wc -l)
  GEN=(--seed 7 --communes "$COMMUNES" --from 2026-04-01 --to 2026-04-30
       --as-of 2026-05-01T00:00:00 --per-day "$PER_DAY")
  REPS=1
  for tb in "${trees[@]}"; do
    measure "${tb%%:*}" "${tb#*:}" "whole country, no limit, portal" 0 "portal" ""
  done
fi

cat <<EOF
## Nightly extraction at rate limits

$PROV_N communes (province $PROVINCE, from \`units-2025.csv\`), one month of
dossiers at $PER_DAY a weekday per commune (about $(awk -F'\t' '$1 == "after" && $2 == "no limit, 3 sources" { printf "%d", $5 / '"$PROV_N"' / 3 }' "$TMP/raw.tsv") records per commune and source:
the ~120 changed dossiers a commune has in a night), \`tthc-extract\` with its
defaults (\`-j 4\`, \`--per-source 2\`, page size 500). Requests and logins are
counted in the simulators' request logs (a login = a session or token handed
out); runs without a limit: the median wall time of $PROV_REPS (the whole country: one). Faults: expired sessions/tokens, 429 with Retry-After (1 s) and 5xx, 2 %
each. Floor = requests of the busiest source ÷ max_rps, plus the Retry-After
seconds that source asked for (faults); ratio = wall ÷ floor (goal ≤ 1.2). Command: \`TTHC_BIN=build/bin [TTHC_BIN_BEFORE=…] tests/bench/nightly.sh\`.

| tree | run | communes | requests | logins | records | wall s | floor s | ratio |
|---|---|---|---|---|---|---|---|---|
EOF
printf '%s\n' "${ROWS[@]}"
echo
echo "The country's $NATION communes (extrapolated: the same volume per commune, linear in communes):"
echo
awk -F'\t' -v nation="$NATION" -v rps="$RPS" '
  function dur(s) { return s >= 120 ? sprintf("%.1f min", s / 60) : sprintf("%.0f s", s) }
  { n = $7 }
  $2 == "no limit, 3 sources" { printf "- %s, no rate limit, 3 sources: %s (%.0f records/s: %d records in %.1f s for %d communes)\n", $1, dur($3 / 1000 * nation / n), $5 / ($3 / 1000), $5, $3 / 1000, n }
  $2 ~ /^whole country/ { printf "- %s, measured: all %d communes, portal without a limit: %s (%d records, %d requests, %.0f records/s)\n", $1, n, dur($3 / 1000), $5, $6, $5 / ($3 / 1000) }
  $2 ~ /rps$/ { printf "- %s, portal at %s rps: %d requests for %d communes → %d for %d, floor %s, at the measured ratio %s\n", $1, rps, $4, n, $4 * nation / n, nation, dur($4 * nation / n / rps), dur($3 / 1000 * nation / n) }
' "$TMP/raw.tsv"
