#!/bin/bash
# Extraction at a source's rate limit (issue 11), counted on the simulators'
# side (their request logs: every request with the time its headers arrived):
#  1. one login per source per run, not one per commune: the portal's session
#     and the city's token are reused across communes while they are valid;
#  2. max_rps is one budget for all the workers of a source: over any span of
#     the source's requests, k requests later is at least k/max_rps later
#     (less a few ms of measurement), and the simulators, enforcing the same
#     limit as a gateway does, never answered 429;
#  3. the run takes at most 1.2 x the floor requests / max_rps (plus a small
#     fixed allowance): a functional check of the limiter, not a speed test;
#  4. with faults (sessions and tokens expiring mid-run, 429 with Retry-After)
#     the records equal the fault-free run's, and a new login happens only
#     when the source said the session expired;
#  5. progress: plain log lines at the interval asked for when stderr is not
#     a terminal, a live line with a rate and an estimate on a terminal.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init

COMMUNES=$(awk -F, '$3 == "31" { print $1 }' "$SHARED_DIR/reference/units-2025.csv" | head -12 |
           paste -sd, -)
GEN=(--seed 23 --communes "$COMMUNES" --from 2026-04-01 --to 2026-04-30
     --as-of 2026-05-02T00:00:00 --per-day 2)
P_RPS=20
C_RPS=15
"$TTHC_BIN/tthc-sim" --kind portal "${GEN[@]}" --truth-only --truth-counts "$TMP/portal.counts" \
  2>/dev/null || { echo "not ok - no truth counts"; exit 1; }
"$TTHC_BIN/tthc-sim" --kind city "${GEN[@]}" --truth-only --truth-counts "$TMP/city.counts" \
  2>/dev/null || { echo "not ok - no truth counts"; exit 1; }

# config FILE STATE PORTAL_PORT CITY_PORT: both sources, 4 communes at once.
config() {
  local name kind port rps
  printf '[state]\ndir = %s\n' "$2" >"$1"
  printf '%s\n' "${TTHC_SIM_PASSWORD:-demo-secret}" >"$TMP/secret"
  chmod 0600 "$TMP/secret"
  for name in portal city; do
    if [ $name = portal ]; then port=$3 rps=$P_RPS; else port=$4 rps=$C_RPS; fi
    {
      echo "[source $name]"
      echo "kind = $name"
      echo "base_url = http://127.0.0.1:$port"
      [ $name = portal ] && echo "agency_code = 000.00.00.H31"
      echo "username = demo"
      echo "secret_file = $TMP/secret"
      echo "communes = $COMMUNES"
      echo "since = 2025-01-01"
      echo "page_size = 20"
      echo "max_rps = $rps"
      echo "concurrency = 4"
    } >>"$1"
  done
}

# run NAME [sim flags...]: simulators (enforcing the limits) and one extraction.
run() {
  local name=$1 pp cp start
  shift
  harness_start_sim pp --kind portal "${GEN[@]}" --max-rps $P_RPS --request-log "$TMP/$name.portal.jsonl" "$@"
  harness_start_sim cp --kind city "${GEN[@]}" --max-rps $C_RPS --request-log "$TMP/$name.city.jsonl" \
    ${CITY_FAULTS:+$CITY_FAULTS}
  config "$TMP/$name.conf" "$TMP/$name.state" "$pp" "$cp"
  start=$(date +%s%N)
  "$TTHC_BIN/tthc-extract" -c "$TMP/$name.conf" -j 8 --progress 1 >"$TMP/$name.run" 2>"$TMP/$name.log"
  echo $? >"$TMP/$name.rc"
  echo $(( ($(date +%s%N) - start) / 1000000 )) >"$TMP/$name.ms"
  harness_stop_sims
}

# check_rate LOG RPS WHAT: the spacing of every span of requests, and no 429
# of the simulator's own limit. Prints the number of requests.
check_rate() {
  python3 - "$1" "$2" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
rps = float(sys.argv[2])
t = sorted(l["t"] for l in lines)
slack = 0.025  # the arrival stamp is taken by the server's thread: scheduling noise on both sides
worst = None
for i in range(len(t)):
    for j in range(i + 1, len(t)):
        short = (j - i) / rps - (t[j] - t[i])
        if worst is None or short > worst[0]:
            worst = (short, i, j)
window = max(sum(1 for u in t if s <= u < s + 1.0) for s in t)
over = sum(1 for l in lines if l.get("fault") == "over-rate")
ok = (worst is None or worst[0] <= slack) and over == 0
print(len(t), window, over, "%.4f" % (worst[0] if worst else 0), "ok" if ok else "bad")
PY
}

same() { # WHAT EXPECTED ACTUAL
  if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1"; diff "$2" "$3" | head -4 | sed 's/^/    /'; fi
}
# logins LOG PATH: sessions/tokens the simulator handed out (a login attempt
# answered with a fault, e.g. 429, handed out none).
logins() {
  python3 -c 'import json, sys
print(sum(1 for l in map(json.loads, open(sys.argv[1])) if l["path"] == sys.argv[2]
          and l["status"] == 200 and not l["fault"] and l["error_code"] in (None, "0")))' "$1" "$2"
}
landed() { # STATE SOURCE: records landed per commune, sorted
  for d in "$1"/runs/*/landing/"$2"/*/; do
    printf '%s\t%s\n' "$(basename "$d")" \
      "$(sed 's/.*"records":\([0-9]*\).*/\1/' "$d/manifest.jsonl" | awk '{ s += $1 } END { print s + 0 }')"
  done | sort
}
expected() { tail -n +2 "$1" | awk -F'\t' '{ print $1 "\t" $2 + $3 }' | sort; }

# --- 1-3. fault-free -------------------------------------------------------------
run clean
assert_eq 0 "$(cat "$TMP/clean.rc")" "fault-free: the extraction completes"
assert_eq 1 "$(logins "$TMP/clean.portal.jsonl" /api/auth)" "portal: one login for 12 communes"
assert_eq 1 "$(logins "$TMP/clean.city.jsonl" /token)" "city: one token for 12 communes"
read -r p_n p_win p_over p_short p_ok <<<"$(check_rate "$TMP/clean.portal.jsonl" $P_RPS)"
read -r c_n c_win c_over c_short c_ok <<<"$(check_rate "$TMP/clean.city.jsonl" $C_RPS)"
[ "$p_ok" = ok ] && ok "portal: $p_n requests, at most $p_win in any second, max_rps $P_RPS, no 429 (worst span ${p_short}s short)" ||
  not_ok "portal: the rate exceeded max_rps $P_RPS: $p_win in a second, $p_over over-rate 429s, a span ${p_short}s short"
[ "$c_ok" = ok ] && ok "city: $c_n requests, at most $c_win in any second, max_rps $C_RPS, no 429 (worst span ${c_short}s short)" ||
  not_ok "city: the rate exceeded max_rps $C_RPS: $c_win in a second, $c_over over-rate 429s, a span ${c_short}s short"
[ "$p_n" -ge 30 ] && [ "$c_n" -ge 30 ] && ok "enough requests to measure ($p_n, $c_n)" ||
  not_ok "too few requests to measure a rate ($p_n, $c_n)"
ms=$(cat "$TMP/clean.ms")
floor_ms=$(python3 -c "print(int(max($p_n / $P_RPS, $c_n / $C_RPS) * 1000))")
limit_ms=$(( floor_ms * 12 / 10 + 1000 ))
[ "$ms" -le "$limit_ms" ] && ok "wall time $ms ms within 1.2 x the floor $floor_ms ms + 1 s" ||
  not_ok "wall time $ms ms, more than 1.2 x the floor $floor_ms ms + 1 s"
# The sources run side by side: the slower one sets the time, not the sum;
# n requests spaced 1/max_rps apart span (n - 1) / max_rps.
least_ms=$(python3 -c "print(int(max(($p_n - 1) / $P_RPS, ($c_n - 1) / $C_RPS) * 1000))")
[ "$ms" -ge "$least_ms" ] && ok "wall time is not below (requests - 1) / max_rps = $least_ms ms (the limit did hold)" ||
  not_ok "wall time $ms ms below (requests - 1) / max_rps = $least_ms ms"
expected "$TMP/portal.counts" >"$TMP/portal.expected"
expected "$TMP/city.counts" >"$TMP/city.expected"
landed "$TMP/clean.state" portal >"$TMP/clean.portal.landed"
landed "$TMP/clean.state" city >"$TMP/clean.city.landed"
same "portal: every commune's records landed" "$TMP/portal.expected" "$TMP/clean.portal.landed"
same "city: every commune's records landed" "$TMP/city.expected" "$TMP/clean.city.landed"

# --- 5. progress (plain lines, from the run above) -------------------------------
n=$(grep -c 'progress source=portal' "$TMP/clean.log")
secs=$(( ms / 1000 ))
[ "$n" -ge 1 ] && [ "$n" -le $(( secs + 1 )) ] && ok "progress: $n plain portal lines in $ms ms at --progress 1" ||
  not_ok "progress: $n portal lines in $ms ms at --progress 1"
total=$(awk -F'\t' '{ s += $2 } END { print s }' "$TMP/portal.expected")
grep -q "extract_totals source=portal communes_done=12 communes=12 pages=[0-9]* records=$total announced=$total requests=$p_n logins=1 " "$TMP/clean.log" &&
  ok "progress: the totals line counts every record against the announced $total, $p_n requests, 1 login" ||
  { not_ok "progress: the totals line"; grep extract_totals "$TMP/clean.log" | sed 's/^/    /'; }

# --- 4. faults: expired sessions and tokens, 429 with Retry-After --------------
CITY_FAULTS="--fault token-expired:0.08 --fault rate-limit:0.05 --fault-seed 4" \
  run faults --fault session-expired:0.08 --fault rate-limit:0.05 --fault-seed 3
assert_eq 0 "$(cat "$TMP/faults.rc")" "faults: the extraction completes"
landed "$TMP/faults.state" portal >"$TMP/faults.portal.landed"
landed "$TMP/faults.state" city >"$TMP/faults.city.landed"
same "faults: portal records equal the fault-free run's" "$TMP/clean.portal.landed" "$TMP/faults.portal.landed"
same "faults: city records equal the fault-free run's" "$TMP/clean.city.landed" "$TMP/faults.city.landed"
for k in portal:/api/auth:session-expired city:/token:token-expired; do
  IFS=: read -r kind path fault <<<"$k"
  expired=$(grep -c "\"fault\":\"$fault\"" "$TMP/faults.$kind.jsonl")
  limited=$(grep -c '"fault":"rate-limit"' "$TMP/faults.$kind.jsonl")
  n=$(logins "$TMP/faults.$kind.jsonl" "$path")
  [ "$expired" -ge 1 ] && [ "$limited" -ge 1 ] || not_ok "$kind: the faults did not happen ($expired, $limited)"
  assert_eq $(( expired + 1 )) "$n" "$kind: $n logins = 1 + $expired expiries (a login only when the source said so)"
  rps=$P_RPS; [ $kind = city ] && rps=$C_RPS
  read -r f_n f_win f_over f_short f_ok <<<"$(check_rate "$TMP/faults.$kind.jsonl" $rps)"
  [ "$f_ok" = ok ] && ok "$kind with faults: $f_n requests within max_rps $rps, $limited Retry-After honoured" ||
    not_ok "$kind with faults: rate exceeded ($f_win in a second, $f_over over-rate, ${f_short}s short)"
done

# --- 4b. a session that expires on every request: given up, not looped -------
harness_start_sim pp --kind portal "${GEN[@]}" --fault session-expired:1 --request-log "$TMP/dead.portal.jsonl"
harness_start_sim cp --kind city "${GEN[@]}"
config "$TMP/dead.conf" "$TMP/dead.state" "$pp" "$cp"
sed -i '/^\[source city\]/,$d' "$TMP/dead.conf"
timeout 60 "$TTHC_BIN/tthc-extract" -c "$TMP/dead.conf" -j 8 >/dev/null 2>"$TMP/dead.log"
rc=$?
harness_stop_sims
[ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "session keeps expiring right after authenticating" "$TMP/dead.log" &&
  ok "sessions that expire at once: the extraction stops with a clear message (exit $rc)" ||
  not_ok "sessions that expire at once: exit $rc"
n=$(logins "$TMP/dead.portal.jsonl" /api/auth)
# 5 sessions for the first communes, then one for each of the 11 others
[ "$n" -le 20 ] && ok "sessions that expire at once: $n logins for 12 communes, not 5 for each" ||
  not_ok "sessions that expire at once: $n logins"

# --- 5. progress on a terminal: a live line with a rate and an estimate ---------
harness_start_sim pp --kind portal "${GEN[@]}"
harness_start_sim cp --kind city "${GEN[@]}"
config "$TMP/tty.conf" "$TMP/tty.state" "$pp" "$cp"
TERM=xterm script -qfec "'$TTHC_BIN/tthc-extract' -c '$TMP/tty.conf' -j 8" "$TMP/tty.out" >/dev/null 2>&1
assert_eq 0 $? "terminal: the extraction completes"
harness_stop_sims
live=$(tr '\r' '\n' <"$TMP/tty.out" | grep -c 'records/s, .* req/s, .* elapsed, ~.* left')
[ "$live" -ge 1 ] && ok "terminal: $live live progress lines (rate, estimate)" ||
  { not_ok "terminal: no live progress line"; head -c 2000 "$TMP/tty.out" | sed 's/^/    /'; }
grep -q 'progress source=' "$TMP/tty.out" && not_ok "terminal: plain progress lines as well" ||
  ok "terminal: no plain progress lines"

harness_done
