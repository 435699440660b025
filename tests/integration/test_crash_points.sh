#!/bin/bash
# Crash safety at scale: each stage killed (SIGKILL) at seeded, reproducible
# points — right after its n-th durable step, through the TTHC_CRASH_AT
# hook (common/fsutil.h; docs/decisions.md, "Crash points"): a temporary
# file synced, a rename made durable, a manifest line appended, a directory
# synced, and in the load every SQL statement and COPY chunk. Points are
# drawn across extract, transform and load, on a first night (empty
# warehouse) and on a second one (a full re-read, lookback one year, into
# the warehouse of the first). After each kill:
#   at once: the watermarks are never past durable data (STATE/watermarks
#   only at the end of a window whose manifest ends with its last page;
#   tthc.source_watermark only as an ok window of a loaded run) and a
#   killed load left the warehouse as it was or wholly loaded;
#   then the killed stage and the later ones are run again to completion,
#   and: the warehouse equals
#   the truth (Biểu 06 of a commune and the province, discrepancies,
#   records per source and commune) and an uninterrupted sync (dossiers,
#   source records, events: nothing lost, nothing twice); dossier codes are
#   unique; every run is extracted, transformed and loaded; no temporary
#   file of the transform is left, and the temporary files of killed
#   atomic writes are named by no manifest; a further transform and load
#   find nothing to do.
# The extractor runs with one worker so the n-th point is always the same
# step. TTHC_CRASH_SEED reproduces a run; TTHC_CRASH_POINTS (default 54)
# sets how many points; TTHC_CRASH_SOAK=1 (make soak) adds second kills
# during the recovery.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg
SEED=${TTHC_CRASH_SEED:-$(( $(date +%s) % 100000 ))}
POINTS=${TTHC_CRASH_POINTS:-54}
SOAK=${TTHC_CRASH_SOAK:-0}
RANDOM=$SEED
echo "# seed $SEED, $POINTS points (TTHC_CRASH_SEED=$SEED TTHC_CRASH_POINTS=$POINTS reproduces the run)"

COMMUNES=11002,10792
ASOF=2026-05-02T10:00:00
"$TTHC_BIN/tthc-sim" --seed 991 --communes "$COMMUNES" --from 2026-03-25 --to 2026-04-30 --as-of "$ASOF" \
  --per-day 3 --push-failure 0.15 --national-codes 0.2 --export-dataset "$TMP/dataset.jsonl" 2>/dev/null ||
  { echo "could not export the dataset"; exit 1; }
DATA=(--dataset "$TMP/dataset.jsonl")
# No transport faults, so that a sequence of requests, and so of durable
# steps, is the same on every run; malformed records are in fixed places.
FAULTS=(--fault malformed:0.01 --fault-seed 5)
for k in portal city ministry; do
  harness_start_sim "P_$k" --kind "$k" "${DATA[@]}" --username demo "${FAULTS[@]}"
  "$TTHC_BIN/tthc-sim" --kind "$k" "${DATA[@]}" "${FAULTS[@]}" --truth-only --truth-counts "$TMP/counts.$k.tsv" 2>/dev/null
done
B06="11002:2026-04-01:2026-04-30 31:2026-03-25:2026-04-30"

# conf DIR: DIR/tthc.conf for the three simulators, state in DIR/state,
# warehouse $PGDATABASE. A lookback of a year makes a second night re-read
# everything the first one loaded.
conf() {
  local d=$1 extra=("lookback_seconds = 31536000")
  mkdir -p "$d"
  harness_write_config "$d/tthc.conf" portal portal "$P_portal" "${COMMUNES//,/, }" "page_size = 10" "${extra[@]}"
  sed -i "s|^dir = .*|dir = $d/state|" "$d/tthc.conf"
  harness_add_source "$d/tthc.conf" city city "$P_city" "${COMMUNES//,/, }" "page_size = 10" "${extra[@]}"
  harness_add_source "$d/tthc.conf" moj ministry "$P_ministry" "${COMMUNES//,/, }" "page_size = 5" "${extra[@]}"
  printf '[transform]\nmax_reject_share = 0.05\n' >>"$d/tthc.conf"
}
q() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
# stage NAME DIR: runs one stage on DIR's configuration, log appended to DIR/log.
stage() {
  local extra=()
  [ "$1" = extract ] && extra=(-j 1)
  # stderr dropped around it: bash's own "Killed" notice
  { "$TTHC_BIN/tthc-$1" -c "$2/tthc.conf" "${extra[@]}" >>"$2/log" 2>&1; } 2>/dev/null
}
# wh_state: one line, what a load changes (source records, dossiers,
# events, rejects, runs, windows, watermarks), then how many warehouse
# watermarks are not the end of an ok window of a loaded run (0), then the
# loaded run ids. One psql per look: this runs hundreds of times.
wh_state() {
  q "SELECT (SELECT count(*) FROM tthc.dossier_source) || '/' || (SELECT count(*) FROM tthc.dossier) || '/' ||
            (SELECT count(*) FROM tthc.dossier_event) || '/' || (SELECT count(*) FROM tthc.rejected_record) || '/' ||
            (SELECT count(*) FROM tthc.load_run) || '/' || (SELECT count(*) FROM tthc.run_window) || '/' ||
            (SELECT count(*) FROM tthc.source_watermark) || ' ' ||
            (SELECT count(*) FROM tthc.source_watermark w
              WHERE NOT EXISTS (SELECT 1 FROM tthc.run_window r JOIN tthc.load_run l USING (run_id)
                                 WHERE r.run_id = w.run_id AND r.source_name = w.source_name
                                   AND r.unit_code = w.unit_code AND r.status = 'ok'
                                   AND r.window_until = w.covered_until)) || ' ' ||
            coalesce((SELECT string_agg(run_id, ',' ORDER BY run_id) FROM tthc.load_run), '-')"
}
# fingerprint: what the warehouse reports and holds, whatever the runs
# were: Biểu 06 of a commune and the province, the discrepancies, records
# and distinct rejects per source and commune, dossiers, events, and the
# dossier codes seen twice (none). Compared with the uninterrupted sync's,
# itself compared with the truth.
fingerprint() {
  psql -XAtq -v ON_ERROR_STOP=1 <<SQL
\copy (SELECT * FROM tthc.report_bieu06('11002', '2026-04-01', '2026-04-30') ORDER BY field_code COLLATE "C" NULLS LAST) TO STDOUT
\copy (SELECT * FROM tthc.report_bieu06('31', '2026-03-25', '2026-04-30') ORDER BY field_code COLLATE "C" NULLS LAST) TO STDOUT
SET tthc.as_of = '${ASOF/T/ }+07';
SELECT origin_system, origin_code, class FROM tthc.v_sync_discrepancies ORDER BY origin_system, origin_code COLLATE "C", class;
SELECT source_name, unit_code, count(*) FROM tthc.dossier_source GROUP BY 1, 2 ORDER BY 1, 2;
SELECT source_name, unit_code, count(DISTINCT raw) FROM tthc.rejected_record GROUP BY 1, 2 ORDER BY 1, 2;
SELECT 'dossiers', count(*), 'codes seen twice', count(*) - count(DISTINCT dossier_code) FROM tthc.dossier;
SELECT 'events', count(*) FROM tthc.dossier_event;
SQL
}

# state_watermarks_ok DIR: every STATE/watermarks/SOURCE/COMMUNE is the end
# of a window of some run whose manifest ends with the window's last page.
state_watermarks_ok() {
  local st=$1/state wm src c f
  for f in "$st"/watermarks/*/*; do
    [ -f "$f" ] || continue
    case $f in *.tmp.*) continue ;; esac
    wm=$(head -n 1 "$f"); c=${f##*/}; src=${f%/*}; src=${src##*/}
    local found=0 w
    for w in "$st"/runs/*/landing/"$src"/"$c"/window.json; do
      [ -f "$w" ] || continue
      grep -q "\"until\": *\"$wm\"" "$w" || continue
      tail -n 1 "${w%/window.json}/manifest.jsonl" 2>/dev/null | grep -q '"last":true' && { found=1; break; }
    done
    [ $found = 1 ] || { echo "    $src/$c: watermark $wm is the end of no completely landed window"; return 1; }
  done
}
# --- the uninterrupted syncs: baselines, and how many points each stage has
harness_new_db ck_empty || { echo "could not create a warehouse"; exit 1; }
createdb -T ck_empty ck_night1 && export PGDATABASE=ck_night1
B=$TMP/base
conf "$B"
declare -A NPOINTS
# count NIGHT STAGE: runs the stage with the hook counting, keeps the state
# after it as $TMP/base.NIGHT.STAGE and the number of points.
count() {
  TTHC_CRASH_AT=0 stage "$2" "$B" || { echo "baseline night $1: $2 failed"; tail -5 "$B/log"; exit 1; }
  NPOINTS[$1.$2]=$(sed -n 's/^tthc: crash points passed: //p' "$B/log" | tail -n 1)
  rm -rf "$TMP/base.$1.$2"; cp -a "$B/state" "$TMP/base.$1.$2"
}
count 1 extract; count 1 transform; count 1 load
STATE_1=$(wh_state); FP=$(fingerprint)
if { harness_check_counts "$TMP" "$COMMUNES" && harness_check_figures "$B" "$TMP/truth" "$ASOF" "$B06" "" "${DATA[@]}"; } >"$TMP/base.cmp"; then
  ok "an uninterrupted sync equals the truth (counts ${STATE_1%% *})"
else not_ok "the uninterrupted sync differs from the truth"; cat "$TMP/base.cmp"; exit 1; fi
psql -XAtq -d postgres -c "CREATE DATABASE ck_night1_done TEMPLATE ck_night1" >/dev/null
sleep 1.1 # a new run id
count 2 extract; count 2 transform; count 2 load
STATE_2=$(wh_state)
[ "$(fingerprint)" = "$FP" ] && ok "a second night re-reading everything changes no figure and adds no record" ||
  not_ok "the second night changed the warehouse's content"
echo "# points per stage: night 1 extract ${NPOINTS[1.extract]}, transform ${NPOINTS[1.transform]}, load ${NPOINTS[1.load]};" \
  "night 2 extract ${NPOINTS[2.extract]}, transform ${NPOINTS[2.transform]}, load ${NPOINTS[2.load]}"
export PGDATABASE=postgres
for k in 1.extract 1.transform 1.load 2.extract 2.load; do
  [ "${NPOINTS[$k]:-0}" -gt 3 ] || { not_ok "the hook counted only ${NPOINTS[$k]:-0} points in $k"; exit 1; }
done

# --- the points: some fixed (the first and last of the extraction, every
# point of the first night's transform, the first of the load and its last
# three: COMMIT, the LOADED marker's temporary file, the marker), the rest
# drawn
L=${NPOINTS[1.load]}
plan=("1 extract 1" "1 extract ${NPOINTS[1.extract]}" "1 load 1" "1 load $((L - 2))" "1 load $((L - 1))" "1 load $L")
for n in $(seq 1 "${NPOINTS[1.transform]}"); do plan+=("1 transform $n"); done
while [ ${#plan[@]} -lt "$POINTS" ]; do
  night=$((1 + RANDOM % 2))
  r=$((RANDOM % 100))
  if [ $r -lt 50 ]; then s=extract; elif [ $r -lt 85 ]; then s=load; else s=transform; fi
  plan+=("$night $s $((1 + RANDOM % NPOINTS[$night.$s]))")
done

survived=0 orphans=0 unmarked=0 second_kills=0 failed_points="" droppers=""
i=0
for p in "${plan[@]}"; do
  i=$((i + 1))
  read -r night s n <<<"$p"
  d=$TMP/p$i
  db=ckp$i
  createdb -T "$([ "$night" = 1 ] && echo ck_empty || echo ck_night1_done)" "$db" || { not_ok "point $i: warehouse"; continue; }
  export PGDATABASE=$db
  conf "$d"
  # the state the stage starts from, as the uninterrupted sync had it
  case $night.$s in
    1.extract) ;;
    1.transform) cp -a "$TMP/base.1.extract" "$d/state" ;;
    1.load) cp -a "$TMP/base.1.transform" "$d/state" ;;
    2.extract) cp -a "$TMP/base.1.load" "$d/state" ;;
    2.transform) cp -a "$TMP/base.2.extract" "$d/state" ;;
    2.load) cp -a "$TMP/base.2.transform" "$d/state" ;;
  esac
  [ "$night" = 1 ] && before=0/0/0/0/0/0/0 || before=${STATE_1%% *}
  [ "$night" = 1 ] && after=${STATE_1%% *} || after=${STATE_2%% *}
  why=""
  TTHC_CRASH_AT=$n stage "$s" "$d"
  rc=$?
  label=$(sed -n 's/^tthc: TTHC_CRASH_AT=[0-9]*: SIGKILL after //p' "$d/log" | tail -n 1)
  [ $rc = 137 ] && [ -n "$label" ] || why="not killed at point $n (exit $rc)"
  # at once: nothing durable is ahead of the data, a load is all or nothing
  state_watermarks_ok "$d" >"$d/check" || why="${why:+$why; }after the kill: $(cat "$d/check")"
  read -r now badwm _ <<<"$(wh_state)"
  [ "$badwm" = 0 ] || why="${why:+$why; }after the kill $badwm warehouse watermarks name no ok window of a loaded run"
  if [ "$s" = load ]; then
    [ "$now" = "$before" ] || [ "$now" = "$after" ] ||
      why="${why:+$why; }killed load left $now (before $before, loaded $after)"
  else
    [ "$now" = "$before" ] || why="${why:+$why; }the warehouse changed without a load ($now)"
  fi
  # make soak: the recovery of that stage is killed too, at a drawn point
  if [ "$SOAK" = 1 ] && [ $((RANDOM % 3)) = 0 ]; then
    TTHC_CRASH_AT=$((1 + RANDOM % NPOINTS[$night.$s])) stage "$s" "$d" && true
    second_kills=$((second_kills + 1))
    state_watermarks_ok "$d" >"$d/check" || why="${why:+$why; }after a second kill: $(cat "$d/check")"
    read -r _ badwm _ <<<"$(wh_state)"
    [ "$badwm" = 0 ] || why="${why:+$why; }after a second kill $badwm warehouse watermarks name no ok window"
  fi
  # the recovery: the killed stage and those after it, to completion
  case $s in extract) rest="extract transform load" ;; transform) rest="transform load" ;; load) rest=load ;; esac
  for st in $rest; do
    stage "$st" "$d" || { why="${why:+$why; }the re-run of $st failed"; break; }
  done
  if [ -z "$why" ]; then
    fingerprint >"$d/fp" 2>&1
    [ "$(cat "$d/fp")" = "$FP" ] ||
      why="the warehouse differs from the uninterrupted sync's: $(diff <(echo "$FP") "$d/fp" | grep '^[<>]' | head -4 | tr '\n' ' ')"
    state_watermarks_ok "$d" >"$d/check" || why="${why:+$why; }$(cat "$d/check")"
    read -r counts badwm loaded <<<"$(wh_state)"
    [ "$badwm" = 0 ] || why="${why:+$why; }$badwm warehouse watermarks name no ok window of a loaded run"
    [ "$(find "$d/state/watermarks" -type f ! -name '*.tmp.*' | wc -l)" = 6 ] ||
      why="${why:+$why; }not every window has its watermark"
    [ "${counts##*/}" = 6 ] || why="${why:+$why; }not every window has its warehouse watermark"
    # leftovers
    left=$(find "$d/state" -name '*.tmp' | head -3)
    [ -z "$left" ] || why="${why:+$why; }left behind: $left"
    for f in $(find "$d/state" -name '*.tmp.*'); do
      orphans=$((orphans + 1))
      grep -qF "\"${f##*/}\"" "$(dirname "$f")/manifest.jsonl" 2>/dev/null && why="${why:+$why; }a manifest names $f"
    done
    dirs=""
    for r in "$d"/state/runs/*; do
      dirs="${dirs:+$dirs,}${r##*/}"
      [ -e "$r/EXTRACTED" ] && [ -e "$r/TRANSFORMED" ] || why="${why:+$why; }run ${r##*/} left unfinished"
      [ -e "$r/LOADED" ] || unmarked=$((unmarked + 1))
    done
    [ "$dirs" = "$loaded" ] || why="${why:+$why; }runs $dirs, loaded $loaded"
    { stage transform "$d" && stage load "$d"; } || why="${why:+$why; }a further transform or load failed"
    [ "$(wh_state)" = "$counts $badwm $loaded" ] || why="${why:+$why; }a further load changed the warehouse"
  fi
  if [ -z "$why" ]; then
    survived=$((survived + 1))
    ok "point $i: night $night $s killed at $n/${NPOINTS[$night.$s]} (after $label): recovered"
  else
    not_ok "point $i: night $night $s killed at $n/${NPOINTS[$night.$s]} (after ${label:-?}): $why"
    tail -n 3 "$d/log" | sed 's/^/    /'
    failed_points="$failed_points $i"
  fi
  export PGDATABASE=postgres
  dropdb "$db" 2>/dev/null & # in the background, waited for at the end
  droppers="$droppers $!"
  [ -n "${TTHC_KEEP_TMP:-}" ] || rm -rf "$d"
done
for pid in $droppers; do wait "$pid"; done
[ "$survived" -ge 50 ] || [ "$POINTS" -lt 50 ] || not_ok "only $survived kill points survived"
echo "# $survived of ${#plan[@]} kill points survived (seed $SEED)${failed_points:+; failed points:$failed_points};" \
  "$second_kills second kills; $orphans temporary files of killed atomic writes left (named by no manifest);" \
  "$unmarked runs loaded but without a LOADED marker"
harness_done
