#!/bin/bash
# tthc-extract killed with SIGKILL at several points: every re-run resumes
# the interrupted run from its last durable page, the watermark is never
# ahead of what is durably landed, and the final landing holds exactly the
# records of an uninterrupted run.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
export PGHOST=/nonexistent PGPORT=1 PGUSER=none PGDATABASE=none # no database here

GEN=(--kind portal --seed 3 --communes 11002,10792 --from 2026-03-01 --to 2026-04-30
     --as-of 2026-05-02T00:00:00 --per-day 6 --username demo)
harness_start_sim PORT "${GEN[@]}"
# Slow enough (20 requests/s) that a kill lands mid-run.
harness_write_config "$TMP/base.conf" portal-k portal "$PORT" "11002, 10792" "page_size = 10"
sed -i "s|^dir = .*|dir = $TMP/base|" "$TMP/base.conf"
cp "$TMP/base.conf" "$TMP/kill.conf"
sed -i "s|^dir = .*|dir = $TMP/kill|; s|^max_rps = .*|max_rps = 20|" "$TMP/kill.conf"

"$TTHC_BIN/tthc-extract" -c "$TMP/base.conf" >/dev/null 2>&1 && "$TTHC_BIN/tthc-transform" -c "$TMP/base.conf" 2>/dev/null ||
  { echo "baseline failed"; exit 1; }
cut -f1-7,9- "$TMP"/base/runs/*/canonical/dossier_source.copy | sort >"$TMP/base.records"

# watermark_ok: a watermark exists only for windows whose last page is durable.
watermark_ok() {
  local wm c
  for c in 11002 10792; do
    wm=$TMP/kill/watermarks/portal-k/$c
    [ -e "$wm" ] || continue
    tail -n 1 "$TMP"/kill/runs/*/landing/portal-k/$c/manifest.jsonl 2>/dev/null | grep -q '"last":true' || return 1
  done
}

extracted() { ls "$TMP"/kill/runs/*/EXTRACTED >/dev/null 2>&1; }
kills=0
for delay in 0.15 0.4 0.6 0.8 1.0 1.2 1.4; do
  extracted && break
  "$TTHC_BIN/tthc-extract" -c "$TMP/kill.conf" >>"$TMP/kill.log" 2>&1 &
  pid=$!
  sleep "$delay"
  if kill -KILL "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null
  watermark_ok || not_ok "after a kill at ${delay}s a watermark is ahead of the durable pages"
done
[ "$kills" -ge 3 ] && ok "killed tthc-extract $kills times mid-run" || not_ok "only $kills kills landed mid-run"
grep -q "resuming interrupted run" "$TMP/kill.log" && ok "a re-run resumes the interrupted run" ||
  not_ok "no resume seen"
grep -q "resuming after [0-9]* durable pages" "$TMP/kill.log" && ok "it continues after the last durable page" ||
  not_ok "no page-level resume seen"

extracted || assert_cmd "the last re-run completes" "$TTHC_BIN/tthc-extract" -c "$TMP/kill.conf"
watermark_ok && ok "watermarks match durable data" || not_ok "watermark ahead of data"
assert_eq 1 "$(ls "$TMP/kill/runs" | wc -l)" "all the re-runs completed the one interrupted run"
assert_cmd "transform of the resumed run" "$TTHC_BIN/tthc-transform" -c "$TMP/kill.conf"
cut -f1-7,9- "$TMP"/kill/runs/*/canonical/dossier_source.copy | sort >"$TMP/kill.records"
if cmp -s "$TMP/base.records" "$TMP/kill.records"; then
  ok "the resumed run landed exactly the records of an uninterrupted one ($(wc -l <"$TMP/base.records"))"
else not_ok "records differ after kills"; diff "$TMP/base.records" "$TMP/kill.records" | head -5; fi
assert_eq "$(cat "$TMP"/base/runs/*/landing/portal-k/*/manifest.jsonl | wc -l)" \
  "$(cat "$TMP"/kill/runs/*/landing/portal-k/*/manifest.jsonl | wc -l)" \
  "no page missing or landed twice in the manifests"
harness_done
