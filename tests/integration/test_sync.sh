#!/bin/bash
# tthc-sync: one command for the night. A full first night, then a second
# night (the sources now as of three days later: new and changed dossiers,
# transient faults) as a backfill of April and May: after each,
# every Biểu 06 cell, the rates and the discrepancies equal the simulators'
# truth. A second tthc-sync on the same state directory, or on the same
# warehouse from another state directory, is refused with the holder named.
# A portal whose listing never reconciles (--fault miscount:1) holds its
# windows: exit 1, the city loaded. Usage errors exit 2, no warehouse 3.
# --dry-run touches no warehouse; the next sync loads its run. Then two
# nights of a model dated on the real clock: a full first night, and an
# incremental one from the watermarks (new and changed dossiers, transient
# faults); the warehouse equals the truth after each.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg
"$TTHC_BIN/tthc-load" --units "$SHARED_DIR/reference/units-2025.csv" >/dev/null 2>&1
q() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
C=$TMP/tthc.conf
COMMUNES=11002,10792
gen() { GEN=(--seed 12 --communes "$COMMUNES" --from 2026-03-01 --to 2026-04-30 --as-of "$1"
             --per-day 4 --username demo); }

# start_sources ASOF [portal faults] [-- city faults]: fresh simulators and
# a configuration pointing at them (PAGE: page size, RPS: max_rps).
start_sources() {
  local asof=$1 pf=() cf=() side=p
  shift
  for a in "$@"; do
    if [ "$a" = -- ]; then side=c; elif [ $side = p ]; then pf+=("$a"); else cf+=("$a"); fi
  done
  harness_stop_sims
  gen "$asof"
  harness_start_sim P_portal --kind portal "${GEN[@]}" --retry-after 0 "${pf[@]}"
  harness_start_sim P_city --kind city "${GEN[@]}" --retry-after 0 "${cf[@]}"
  harness_write_config "$C" portal portal "$P_portal" "11002, 10792" "page_size = ${PAGE:-50}"
  harness_add_source "$C" city city "$P_city" "11002, 10792" "page_size = ${PAGE:-50}"
  sed -i "s/^max_rps = 0$/max_rps = ${RPS:-0}/" "$C"
}

# figures NIGHT ASOF: Biểu 06 (commune and province), late by department,
# rates and discrepancies against the truth of the model as of ASOF.
figures() {
  mkdir -p "$TMP/$1"
  gen "$2"
  if harness_check_figures "$TMP/$1" "$TMP/$1/truth" "$2" \
       "11002:2026-04-01:2026-04-30 10792:2026-03-01:2026-04-30 31:2026-04-01:2026-04-30" \
       "11002:2026-04-01:2026-04-30" "${GEN[@]}"; then
    ok "$1: Biểu 06, late by department, rates and discrepancies equal the truth"
  else not_ok "$1: the warehouse differs from the truth"; fi
}

# --- usage and version ---------------------------------------------------------
"$TTHC_BIN/tthc-sync" --no-such-option >/dev/null 2>&1
assert_eq 2 $? "an unknown option exits 2 (usage)"
"$TTHC_BIN/tthc-sync" -c "$C" --since yesterday >/dev/null 2>&1
assert_eq 2 $? "a bad --since exits 2 (usage)"
help=$("$TTHC_BIN/tthc-sync" --help)
for code in 0 1 2 3; do
  grep -q "^  $code  " <<<"$help" && ok "--help documents exit status $code" ||
    not_ok "--help does not document exit status $code"
done
for b in tthc-extract tthc-transform tthc-load tthc-sim tthc-sync; do
  v=$("$TTHC_BIN/$b" --version | head -1)
  [[ $v =~ ^$b\ \(tthc-etl\)\ [0-9]+\.[0-9]+ ]] && ok "$b --version: $v" || not_ok "$b --version: \"$v\""
done
"$TTHC_BIN/tthc-sim" -h | grep -qi '^usage: tthc-sim' && ok "tthc-sim -h prints its usage" ||
  not_ok "tthc-sim -h refused"

# --- night 1: everything, from the sources' since ------------------------------
start_sources 2026-05-02T10:00:00
"$TTHC_BIN/tthc-sync" -c "$C" >"$TMP/s1.out" 2>"$TMP/s1.err"
assert_eq 0 $? "night 1: tthc-sync exits 0" || tail -5 "$TMP/s1.err"
run1=$(q "SELECT max(run_id) FROM tthc.load_run")
assert_eq "1" "$(ls "$TMP/state/runs" | wc -l)" "night 1: one run directory"
assert_eq "$(ls "$TMP/state/runs")" "$run1" "night 1: the run loaded is the run extracted"
assert_eq "4 ok" "$(q "SELECT count(*) || ' ' || min(status) FROM tthc.run_window WHERE run_id = '$run1'")" \
  "night 1: four windows, all ok"
grep -q "announced *landed *loaded *quarant. *rejects *discrep. *retries *duration *status" "$TMP/s1.out" &&
  [ "$(grep -cE '^(portal|city) .* ok$' "$TMP/s1.out")" = 4 ] && ok "night 1: the summary table lists the four windows" ||
  { not_ok "night 1: no summary table"; cat "$TMP/s1.out"; }
figures night1 2026-05-02T10:00:00

# --- night 2: new and changed dossiers, transient faults, a second sync refused --
sleep 1.1
PAGE=10 RPS=10 start_sources 2026-05-05T10:00:00 --fault http-5xx:0.2 --fault session-expired:0.1 \
  -- --fault http-500:0.2 --fault token-expired:0.1
"$TTHC_BIN/tthc-sync" -c "$C" --since 2026-04-01 >"$TMP/s2.out" 2>"$TMP/s2.err" &
sync_pid=$!
for _ in $(seq 1 100); do
  [ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted AND
          ((classid::bigint << 32) | objid::bigint) = 7555536815616001")" = 1 ] && break
  sleep 0.1
done
"$TTHC_BIN/tthc-sync" -c "$C" >"$TMP/s2b.out" 2>"$TMP/s2b.err"
rc=$?
kill -0 $sync_pid 2>/dev/null && ok "the first sync was still running" || not_ok "the first sync ended too soon"
assert_eq 3 "$rc" "a second tthc-sync on the same state directory exits 3"
grep -q "another tthc-sync (pid $sync_pid) is running since 20[0-9-]*T[0-9:]*Z" "$TMP/s2b.err" &&
  ok "it names the running one: $(grep -o 'another tthc-sync.*Z' "$TMP/s2b.err")" ||
  { not_ok "no clear message"; cat "$TMP/s2b.err"; }
sed "s|^dir = .*|dir = $TMP/state2|" "$C" >"$TMP/other.conf"
"$TTHC_BIN/tthc-sync" -c "$TMP/other.conf" >/dev/null 2>"$TMP/s2c.err"
assert_eq 3 $? "a second tthc-sync on the same warehouse (another state directory) exits 3"
grep -q "another tthc-sync (tthc-sync pid $sync_pid on [^,]*, server pid [0-9]*) is running since .* on the warehouse" \
  "$TMP/s2c.err" && ok "it names the running one: $(grep -o 'another tthc-sync.*' "$TMP/s2c.err")" ||
  { not_ok "no clear warehouse message"; cat "$TMP/s2c.err"; }
[ ! -d "$TMP/state2/runs" ] && ok "the refused sync extracted nothing" || not_ok "the refused sync made a run"
wait $sync_pid
assert_eq 0 $? "night 2: tthc-sync exits 0 despite the transient faults" || tail -5 "$TMP/s2.err"
run2=$(q "SELECT max(run_id) FROM tthc.load_run")
[ "$run2" \> "$run1" ] && ok "night 2: a new run" || not_ok "night 2: no new run"
assert_eq "4 ok" "$(q "SELECT count(*) || ' ' || min(status) FROM tthc.run_window WHERE run_id = '$run2'")" \
  "night 2: four windows, all ok"
assert_eq 1 "$(q "SELECT (sum(retries) > 0 AND sum(landed) > 0)::int FROM tthc.run_window WHERE run_id = '$run2'")" \
  "night 2: records landed, retries counted"
figures night2 2026-05-05T10:00:00

# --- night 3: the portal's listing never reconciles: partial --------------------
sleep 1.1
start_sources 2026-05-05T10:00:00 --fault miscount:1
wm_before=$(cat "$TMP/state/watermarks/portal/11002")
"$TTHC_BIN/tthc-sync" -c "$C" --since 2026-04-25 >"$TMP/s3.out" 2>"$TMP/s3.err"
assert_eq 1 $? "night 3: a source whose windows are held: exit 1 (partial)"
run3=$(q "SELECT max(run_id) FROM tthc.load_run")
[ "$run3" \> "$run2" ] && ok "night 3: the run is loaded" || not_ok "night 3: not loaded"
assert_eq "city ok 2 | portal incomplete 2" \
  "$(q "SELECT string_agg(s, ' | ' ORDER BY s) FROM (SELECT source_name || ' ' || status || ' ' || count(*) AS s
          FROM tthc.run_window WHERE run_id = '$run3' GROUP BY source_name, status) x")" \
  "night 3: the portal's windows are held, the city's ok"
assert_eq 1 "$(q "SELECT (sum(applied) > 0)::int FROM tthc.run_window WHERE run_id = '$run3' AND source_name = 'city'")" \
  "night 3: the city's records were applied"
assert_eq "$wm_before" "$(cat "$TMP/state/watermarks/portal/11002")" "night 3: the portal's watermark did not move"
grep -q "portal *11002 .* incomplete$" "$TMP/s3.out" && ok "night 3: the summary shows the held window" ||
  { not_ok "night 3: summary"; cat "$TMP/s3.out"; }
figures night3 2026-05-05T10:00:00

# --- a warehouse that is not there: failure, exit 3 ------------------------------
sed "s|^conninfo = .*|conninfo = host=$TMP/nowhere dbname=x connect_timeout=2|; s|^dir = .*|dir = $TMP/state3|" \
  "$C" >"$TMP/bad.conf"
"$TTHC_BIN/tthc-sync" -c "$TMP/bad.conf" >/dev/null 2>"$TMP/s4.err"
assert_eq 3 $? "no warehouse: exit 3 (failure), nothing extracted"
grep -q "could not connect to the warehouse" "$TMP/s4.err" && ok "no warehouse: the message says so" ||
  { not_ok "no warehouse: message"; cat "$TMP/s4.err"; }

# --- the systemd units (where systemd-analyze exists), ExecStart pointed at
# this tree's script since nothing is installed here -----------------------
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$TMP/units"
  sed "s|^ExecStart=.*|ExecStart=$REPO_DIR/deploy/tthc-nightly.sh|" "$REPO_DIR/deploy/tthc-nightly.service" \
    >"$TMP/units/tthc-nightly.service"
  cp "$REPO_DIR/deploy/tthc-nightly.timer" "$TMP/units/"
  # the units' Documentation= man pages, as make install puts them
  mkdir -p "$TMP/man/man1" && cp "$REPO_DIR"/*/tthc-*.1 "$TMP/man/man1/"
  (cd "$TMP/units" && MANPATH=$TMP/man systemd-analyze verify tthc-nightly.service tthc-nightly.timer) \
    >"$TMP/verify.out" 2>&1
  assert_eq 0 $? "systemd-analyze verify accepts the service and the timer" || cat "$TMP/verify.out"
  [ ! -s "$TMP/verify.out" ] && ok "systemd-analyze verify: no warnings" || { not_ok "verify warnings"; cat "$TMP/verify.out"; }
fi

# --- --dry-run: extract and transform, no warehouse; the next sync loads it -----
"$TTHC_BIN/tthc-sync" -c "$TMP/bad.conf" --dry-run --source city >"$TMP/s5.out" 2>"$TMP/s5.err"
assert_eq 0 $? "--dry-run with no warehouse reachable: exit 0" || cat "$TMP/s5.err"
dry=$(ls "$TMP/state3/runs")
[ -e "$TMP/state3/runs/$dry/TRANSFORMED" ] && [ ! -e "$TMP/state3/runs/$dry/LOADED" ] &&
  ok "--dry-run: the run is transformed, not loaded" || not_ok "--dry-run: run $dry markers"
assert_eq 2 "$(grep -c '^city .* extracted$' "$TMP/s5.out")" "--dry-run: lists the two city windows it would load"
assert_eq 0 "$(q "SELECT count(*) FROM tthc.load_run WHERE run_id = '$dry'")" "--dry-run: the warehouse does not know the run"
sed "s|^dir = .*|dir = $TMP/state3|" "$C" >"$TMP/three.conf"
sleep 1.1
"$TTHC_BIN/tthc-sync" -c "$TMP/three.conf" --source city >"$TMP/s6.out" 2>"$TMP/s6.err"
assert_eq 0 $? "the next sync of that state directory exits 0" || tail -3 "$TMP/s6.err"
assert_eq "2 ok ok" "$(q "SELECT count(*) || ' ' || min(outcome) || ' ' || max(outcome) FROM tthc.load_run
                        WHERE run_id IN ('$dry', '$(ls "$TMP/state3/runs" | tail -1)')")" \
  "the next sync loaded the dry run's run first, then its own"
# --- two nights on the real clock: a full first night, then an incremental one --
# The nights above are backfills (--since) of a model dated in the past. Here
# the model is dated around the real clock so the second night pulls from its
# watermarks: night A sees the sources as of three days ago; night B, as of
# now, with new and changed dossiers and transient faults, starts where A's
# watermarks stand (less a look-back of four days standing in for the three
# days that "passed"), not from the sources' since.
harness_new_db night_ab || { not_ok "a fresh warehouse for the real-clock nights"; harness_done; }
# dossiers are received up to today; a night's figures are checked over a
# period that ended before its as-of (a period still open at the as-of is
# judged at the warehouse's now, the truth at the as-of)
FROM_AB=$(date -d '-40 days' +%F) TO_AB=$(date +%F)
gen_ab() { GEN=(--seed 31 --communes "$COMMUNES" --from "$FROM_AB" --to "$TO_AB" --as-of "$1"
               --per-day 4 --username demo); }
ab_night() { # NAME ASOF PERIOD_END [portal faults] [-- city faults]
  local name=$1 asof=$2 to=$3 pf=() cf=() side=p a
  shift 3
  for a in "$@"; do
    if [ "$a" = -- ]; then side=c; elif [ $side = p ]; then pf+=("$a"); else cf+=("$a"); fi
  done
  harness_stop_sims
  gen_ab "$asof"
  harness_start_sim P_portal --kind portal "${GEN[@]}" --retry-after 0 "${pf[@]}"
  harness_start_sim P_city --kind city "${GEN[@]}" --retry-after 0 "${cf[@]}"
  harness_write_config "$TMP/ab.conf" portal portal "$P_portal" "11002, 10792" "page_size = 3" \
    "lookback_seconds = 345600"
  harness_add_source "$TMP/ab.conf" city city "$P_city" "11002, 10792" "page_size = 3" \
    "lookback_seconds = 345600"
  sed -i "s|^dir = .*|dir = $TMP/state_ab|; s|dbname=[^ ]*|dbname=night_ab|" "$TMP/ab.conf"
  "$TTHC_BIN/tthc-sync" -c "$TMP/ab.conf" >"$TMP/$name.out" 2>"$TMP/$name.err"
  AB_RC=$?
  mkdir -p "$TMP/$name"
  if harness_check_figures "$TMP/$name" "$TMP/$name/truth" "$asof" \
       "11002:$FROM_AB:$to 10792:$FROM_AB:$to 31:$FROM_AB:$to" "11002:$FROM_AB:$to" "${GEN[@]}"; then
    ok "$name: Biểu 06, late by department, rates ($FROM_AB..$to) and discrepancies equal the truth as of $asof"
  else not_ok "$name: the warehouse differs from the truth as of $asof"; fi
}
ab_night nightA "$(TZ=Asia/Ho_Chi_Minh date -d '-3 days' +%FT%T)" "$(date -d '-4 days' +%F)"
assert_eq 0 "$AB_RC" "night A (full): exit 0" || tail -5 "$TMP/nightA.err"
runA=$(q "SELECT max(run_id) FROM tthc.load_run")
sleep 1.1
ab_night nightB "$(TZ=Asia/Ho_Chi_Minh date -d '-1 minute' +%FT%T)" "$(date -d '-1 day' +%F)" --fault http-5xx:0.2 \
  --fault session-expired:0.1 -- --fault http-500:0.2 --fault token-expired:0.1
assert_eq 0 "$AB_RC" "night B (incremental, transient faults): exit 0" || tail -5 "$TMP/nightB.err"
runB=$(q "SELECT max(run_id) FROM tthc.load_run")
[ "$runB" \> "$runA" ] && ok "night B: a run of its own" || not_ok "night B: no new run"
# A's windows start at the sources' since; B's at A's watermark less the look-back.
assert_eq "4 4" "$(q "SELECT count(*) FILTER (WHERE window_from < now() - interval '300 days') || ' ' ||
                            (SELECT count(*) FROM tthc.run_window b JOIN tthc.source_watermark w USING (source_name, unit_code)
                              WHERE b.run_id = '$runB' AND b.window_from > '2025-01-01'
                                AND b.window_from >= now() - interval '4 days 1 hour')
                       FROM tthc.run_window WHERE run_id = '$runA'")" \
  "night A read the sources from their since, night B from the watermarks"
assert_eq 1 "$(q "SELECT (sum(landed) FILTER (WHERE run_id = '$runB') < sum(landed) FILTER (WHERE run_id = '$runA')
                      AND sum(landed) FILTER (WHERE run_id = '$runB') > 0
                      AND sum(retries) FILTER (WHERE run_id = '$runB') > 0)::int FROM tthc.run_window")" \
  "night B landed only the recent changes (fewer records than night A, some), with retries"
grep -q "loaded: [0-9]* records ([1-9][0-9]* new, [1-9][0-9]* updated" "$TMP/nightB.err" &&
  ok "night B: $(grep -o 'loaded: [0-9]* records ([^)]*)' "$TMP/nightB.err")" ||
  { not_ok "night B: no new and changed dossiers"; grep loaded "$TMP/nightB.err"; }
harness_done
