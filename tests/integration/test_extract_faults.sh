#!/bin/bash
# The extractor against every fault the simulators inject, for each source
# kind: each run must land exactly the records a fault-free run lands; Retry-After waits
# are checked from the simulator's request log; a permanent error (bad
# credentials) ends fast, without retrying, with a message naming the
# source, the URL and the status.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg   # used to read the simulator's request log with SQL

GEN=(--seed 99 --communes 11002 --from 2026-03-20 --to 2026-04-30
     --as-of 2026-05-02T00:00:00 --per-day 5 --username demo)

# extract_and_transform NAME KIND PORT [config lines...]: canonical records
# of one run, sorted, without their location column (page numbers differ).
extract_and_transform() {
  local name=$1 kind=$2 port=$3
  shift 3
  mkdir -p "$TMP/$name"
  # the ministry holds fewer dossiers (civil status only): smaller pages
  harness_write_config "$TMP/$name/tthc.conf" src-f "$kind" "$port" 11002 \
    "page_size = $([ "$kind" = ministry ] && echo 5 || echo 20)" "$@"
  sed -i "s|^dir = .*|dir = $TMP/$name/state|" "$TMP/$name/tthc.conf"
  "$TTHC_BIN/tthc-extract" -c "$TMP/$name/tthc.conf" >"$TMP/$name/extract.log" 2>&1 || return 1
  "$TTHC_BIN/tthc-transform" -c "$TMP/$name/tthc.conf" >"$TMP/$name/transform.log" 2>&1 || return 1
  # a record re-read in an overlap is one record (the loader keeps one)
  cut -f1-7,9- "$TMP/$name"/state/runs/*/canonical/dossier_source.copy | sort -u >"$TMP/$name/records"
}

declare -A FAULTS=(
  [portal]="http-5xx rate-limit unavailable error-1 session-expired numeric-code truncate reset stall"
  [city]="http-500 unavailable error-1 token-expired truncate windows-1258 ncr doctype reset stall rate-limit"
  [ministry]="http-5xx unavailable sync-error cursor-expired truncate reset stall rate-limit"
)
for kind in portal city ministry; do
  harness_start_sim PORT0 --kind "$kind" "${GEN[@]}"
  extract_and_transform "$kind-baseline" "$kind" "$PORT0" || { cat "$TMP/$kind-baseline/"*.log; exit 1; }
  n=$(wc -l <"$TMP/$kind-baseline/records")
  [ "$n" -gt 30 ] && ok "$kind: the fault-free run lands $n records" || not_ok "$kind baseline has only $n records"
  for fault in ${FAULTS[$kind]}; do
    name=$kind-$fault
    harness_start_sim PORTF --kind "$kind" "${GEN[@]}" --fault "$fault:0.3" --fault-seed 11 --retry-after 1 \
      --stall-ms 4000 --request-log "$TMP/$name.requests.jsonl"
    if extract_and_transform "$name" "$kind" "$PORTF" "timeout_seconds = 2"; then
      injected=$(grep -c "\"fault\":\"$fault\"" "$TMP/$name.requests.jsonl")
      if [ "$injected" -gt 0 ] && cmp -s "$TMP/$kind-baseline/records" "$TMP/$name/records"; then
        ok "$kind $fault: $injected faults survived, landed records equal the fault-free run"
      else
        not_ok "$kind $fault: $injected faults injected; records differ or no fault happened"
        diff "$TMP/$kind-baseline/records" "$TMP/$name/records" | head -5
      fi
    else
      not_ok "$kind $fault: the run failed"
      tail -20 "$TMP/$name/extract.log"
    fi
  done
done

# Retry-After: after every 429/503 that carried it, the next request came no
# sooner than the server asked (1 s).
psql -XAtq -v ON_ERROR_STOP=1 <<SQL >"$TMP/waits"
CREATE TABLE reqlog (n serial, file int, line jsonb);
\copy reqlog (line) FROM '$TMP/portal-rate-limit.requests.jsonl' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02')
UPDATE reqlog SET file = 1;
\copy reqlog (line) FROM '$TMP/city-unavailable.requests.jsonl' WITH (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02')
UPDATE reqlog SET file = 2 WHERE file IS NULL;
SELECT count(*), min(gap), bool_and(gap >= 0.95)
  FROM (SELECT line->>'fault' AS fault,
               extract(epoch FROM lead((line->>'time')::timestamptz) OVER (PARTITION BY file ORDER BY n)
                                  - (line->>'time')::timestamptz) AS gap
          FROM reqlog) x
 WHERE fault IN ('rate-limit', 'unavailable') AND gap IS NOT NULL;
SQL
read -r waits min_gap all_ok <<<"$(tr '|' ' ' <"$TMP/waits")"
if [ "${waits:-0}" -gt 0 ] && [ "$all_ok" = t ]; then
  ok "Retry-After honoured on $waits answers (shortest wait ${min_gap}s >= 1 s)"
else not_ok "Retry-After: $(cat "$TMP/waits")"; fi

# A permanent error: wrong credentials (portal password, city client
# secret, ministry API key). Fast, one attempt, a clear message.
declare -A AUTH_PATH=([portal]=/api/auth [city]=/token [ministry]=/api/v2/ho-so)
declare -A AUTH_SAYS=([portal]="error_code 401" [city]="HTTP 401" [ministry]="HTTP 403")
for kind in portal city ministry; do
  harness_start_sim PORT_BAD --kind "$kind" "${GEN[@]}" --request-log "$TMP/bad-$kind.requests.jsonl"
  mkdir -p "$TMP/bad-$kind"
  TTHC_SIM_PASSWORD=wrong-secret harness_write_config "$TMP/bad-$kind/tthc.conf" src-f "$kind" "$PORT_BAD" 11002
  sed -i "s|^dir = .*|dir = $TMP/bad-$kind/state|" "$TMP/bad-$kind/tthc.conf"
  start=$(date +%s%N)
  "$TTHC_BIN/tthc-extract" -c "$TMP/bad-$kind/tthc.conf" >"$TMP/bad-$kind/out" 2>&1
  rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  out=$TMP/bad-$kind/out
  if [ "$rc" -eq 1 ] && [ "$ms" -lt 5000 ] &&
     [ "$(grep -c "\"path\":\"${AUTH_PATH[$kind]}\"" "$TMP/bad-$kind.requests.jsonl")" -eq 1 ]; then
    ok "$kind, bad credentials: exit 1 after $ms ms and a single attempt"
  else not_ok "$kind, bad credentials: exit $rc after $ms ms"; cat "$TMP/bad-$kind.requests.jsonl"; fi
  grep -q "source src-f, commune 11002: " "$out" && grep -q "URL: http://127.0.0.1:$PORT_BAD${AUTH_PATH[$kind]}" "$out" &&
    grep -q "${AUTH_SAYS[$kind]}" "$out" && ok "$kind, bad credentials: the message names source, commune, URL and status" ||
    { not_ok "$kind, bad credentials message"; cat "$out"; }
  grep -q "wrong-secret" "$out" && not_ok "$kind: the secret appears in the log" || ok "$kind: the secret is not logged"
  [ ! -e "$TMP/bad-$kind/state/watermarks/src-f/11002" ] && ok "$kind: a failed source moves no watermark" ||
    not_ok "$kind: watermark moved"
done
harness_done
