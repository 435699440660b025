#!/bin/bash
# The differential test: the warehouse's figures against the simulators'
# ground truth (computed from the model, independently of the SQL), over
# many seeds. Each seed draws at random, and prints: the communes, the
# volume, failed pushes, national codes, each simulator's representation
# (--repr-seed: XML layout, CRLF, BOM, element and key order, numbers as
# strings, absent values, how stops are recorded), paging drift of both
# kinds at random rates, transport and in-body faults, malformed records,
# page sizes and worker counts. Then nights of extract → transform → load
# until every window is complete (the design needs one night; a window held
# because the listing kept drifting is read again the next night; at most 3
# here), and compares every figure:
#   Biểu 06 (every cell, every field row and the total) for each commune
#   and the province, over a month and over the whole generated span;
#   report_rates for a commune and the province; late by department;
#   the sync-discrepancy list; per source and commune, the records the
#   simulator serves against the distinct records the warehouse holds and
#   the malformed ones it quarantined; and every run_window row ok.
# A failing seed prints the seed (TTHC_DIFF_BASE=… TTHC_DIFF_SEEDS=1
# reproduces it) and the first differing lines.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg
BASE=${TTHC_DIFF_BASE:-$(( $(date +%s) % 100000 ))}
NSEEDS=${TTHC_DIFF_SEEDS:-20}
echo "# base $BASE, $NSEEDS seeds (TTHC_DIFF_BASE=$BASE reproduces the run)"

q() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
# pick VAR CHOICE...: VAR = one of the choices, drawn in this shell (a
# $(…) subshell would not advance the seeded $RANDOM).
pick() { local var=$1; shift; local a=("$@"); printf -v "$var" '%s' "${a[RANDOM % ${#a[@]}]}"; }
# fault NAME CHOICE...: appends --fault NAME:RATE to faults with a drawn rate.
fault() { local name=$1 r; shift; pick r "$@"; faults+=(--fault "$name:$r"); }
failed_seeds=""

for i in $(seq 1 "$NSEEDS"); do
  seed=$((BASE + i))
  RANDOM=$(( (seed * 2654435761 + 12345) % 4294967296 ))
  : $RANDOM $RANDOM $RANDOM # consecutive seeds start alike: move on a little
  db=diff$i
  harness_new_db "$db" || { not_ok "seed $seed: migrate"; continue; }
  pick communes "11002,10792" "11002,10792,11560" "10792,11560"
  asof=2026-05-0$((1 + RANDOM % 4))T1$((RANDOM % 10)):00:00
  per_day=$((2 + RANDOM % 5))
  pick push 0 0.1 0.3
  pick national 0 0.2 0.5
  GEN=(--seed "$seed" --communes "$communes" --unit-province 11560:31 --from 2026-02-20 --to 2026-04-30
       --as-of "$asof" --per-day "$per_day" --push-failure "$push" --national-codes "$national" --username demo)
  c1=${communes%%,*} c2=${communes#*,}; c2=${c2%%,*}
  d=$TMP/$db
  mkdir -p "$d"
  desc="communes $communes, as of $asof, $per_day/day, push-failure $push, national codes $national"
  for k in portal city ministry; do
    faults=(--fault-seed "$((seed * 3 + ${#k}))" --retry-after 0)
    fault malformed 0 0.002 0.005
    case $k in
      portal|city) fault drift-served 0 0.01 0.02; fault drift-out 0 0.02 0.05; fault drift 0 0.03
                   fault truncate 0 0.02 ;;&
      portal) fault error-1 0 0.02; fault session-expired 0 0.02; fault numeric-code 0 0.1; fault http-5xx 0 0.02 ;;
      city) fault token-expired 0 0.02; fault windows-1258 0 0.1; fault ncr 0 0.1; fault http-500 0 0.02 ;;
      ministry) fault sync-error 0 0.02; fault cursor-expired 0 0.02 ;;
    esac
    repr=$((RANDOM * 7 + 1))
    harness_start_sim "P_$k" --kind "$k" "${GEN[@]}" --repr-seed "$repr" "${faults[@]}"
    "$TTHC_BIN/tthc-sim" --kind "$k" "${GEN[@]}" "${faults[@]}" --truth-only \
      --truth-rejects "$d/rejects.$k.tsv" --truth-counts "$d/counts.$k.tsv" 2>/dev/null
    desc="$desc; $k repr $repr: $(sed -n 's/.*representation seed [0-9]*: //p' "$TMP/sim.$HARNESS_SIMS.P_$k.out.err" | head -1)"
    desc="$desc, faults ${faults[*]}"
  done
  echo "# seed $seed: $desc; pages/jobs below"
  pick ps_portal 20 50 100
  pick ps_city 20 50 100
  pick ps_moj 30 100
  harness_write_config "$d/tthc.conf" portal portal "$P_portal" "${communes//,/, }" "page_size = $ps_portal"
  sed -i "s|^dir = .*|dir = $d/state|" "$d/tthc.conf"
  harness_add_source "$d/tthc.conf" city city "$P_city" "${communes//,/, }" "page_size = $ps_city"
  harness_add_source "$d/tthc.conf" moj ministry "$P_ministry" "${communes//,/, }" "page_size = $ps_moj"
  printf '[transform]\nmax_reject_share = 0.05\n' >>"$d/tthc.conf"
  pick jobs 1 2 4
  echo "#   page sizes portal $ps_portal, city $ps_city, ministry $ps_moj; $jobs extract jobs"
  harness_sync_nights "$d" "$jobs"
  nights=$HARNESS_NIGHTS
  case $nights in
    1|2|3) ok "seed $seed: every window complete after $nights night(s)" ;;
    *) not_ok "seed $seed: sync ${nights/incomplete/incomplete after 3 nights}"; grep -i "error" "$d/sync.log" | head -5
       failed_seeds="$failed_seeds $seed"; continue ;;
  esac

  bad=0
  # Stage counts: every window of every run reconciled, or held and re-read.
  n=$(q "SELECT count(*) FROM tthc.run_window WHERE status = 'mismatch'")
  last=$(q "SELECT count(*) FROM tthc.run_window w WHERE run_id = (SELECT max(run_id) FROM tthc.load_run) AND status <> 'ok'")
  [ "$n" = 0 ] && [ "$last" = 0 ] || { echo "    run_window: $n mismatches, $last windows not ok in the last run"; bad=1; }
  # What each source serves, against what the warehouse holds; then every
  # figure: Biểu 06 and late by department for each commune and the
  # province over a month and the whole span, rates, discrepancies.
  harness_check_counts "$d" "$communes" || bad=1
  harness_check_figures "$d" "$d/truth" "$asof" \
    "$c1:2026-04-01:2026-04-30 $c2:2026-02-20:2026-04-30 31:2026-04-01:2026-04-30 31:2026-02-20:2026-04-30" \
    "$c2:2026-04-01:2026-04-30 31:2026-03-01:2026-04-30" "${GEN[@]}" || bad=1
  if [ $bad = 0 ]; then
    ok "seed $seed: every figure equals the truth ($(wc -l <"$d/disc.got") discrepancies)"
  else
    not_ok "seed $seed: figures differ from the truth"; failed_seeds="$failed_seeds $seed"
  fi
  dropdb "$db" 2>/dev/null
done
[ -z "$failed_seeds" ] || echo "# failing seeds:$failed_seeds (base $BASE)"
harness_done
