#!/bin/bash
# make demo: the main job on the embedded default. Starts a throwaway
# PostgreSQL cluster and the portal simulator on loopback, runs one full
# sync (extract over HTTP -> landing -> transform -> load), and prints the
# Biểu 06 period report the warehouse computes, next to the simulator's
# ground truth. Everything is stopped and removed afterwards
# (TTHC_KEEP_TMP=1 keeps the workspace to look around).
set -eu
. "$(dirname "$0")/../tests/lib/harness.sh"
harness_init
export TTHC_KEEP_TMP=${TTHC_KEEP_TMP:-}

UNIT=${TTHC_DEMO_UNIT:-11002}
FROM=${TTHC_DEMO_FROM:-2026-04-01}
TO=${TTHC_DEMO_TO:-2026-04-30}

echo "== 1. PostgreSQL warehouse (throwaway cluster in $TMP/pg)"
harness_start_pg
echo "== 2. Portal simulator (communes 11002 Thạch Khôi, 10792 An Thành; March-April 2026)"
harness_start_sim PORT --kind portal --seed 42 --communes 11002,10792 --from 2026-03-01 --to 2026-04-30 \
  --as-of 2026-05-05T00:00:00 --per-day 20 --username demo \
  --truth "$TMP/truth.tsv" --unit "$UNIT" --period "$FROM:$TO"
echo "   listening on 127.0.0.1:$PORT"
harness_write_config "$TMP/tthc.conf" portal-demo portal "$PORT" "11002, 10792" "page_size = 200"
"$TTHC_BIN/tthc-load" -c "$TMP/tthc.conf" --units "$SHARED_DIR/reference/units-2025.csv"

echo "== 3. Sync: extract -> transform -> load"
"$TTHC_BIN/tthc-extract" -c "$TMP/tthc.conf"
"$TTHC_BIN/tthc-transform" -c "$TMP/tthc.conf"
"$TTHC_BIN/tthc-load" -c "$TMP/tthc.conf"

echo
echo "== 4. Biểu 06 — $(psql -XAtc "SELECT unit_name || ' (' || unit_code || ')' FROM tthc.unit WHERE unit_code = '$UNIT'"), $FROM .. $TO"
psql -X -P footer=off -c "SELECT COALESCE(field_code, '') AS \"lĩnh vực\", field_name AS \"tên\", total AS \"tổng\",
       received_online AS \"trực tuyến\", received_direct AS \"trực tiếp\", received_postal AS \"BCCI\",
       carried_over AS \"kỳ trước\", resolved_early AS \"trước hạn\", resolved_on_time AS \"đúng hạn\",
       resolved_late AS \"quá hạn\", pending_in_time AS \"đang xử lý trong hạn\",
       pending_late AS \"đang xử lý quá hạn\", stopped AS \"dừng/rút/từ chối\"
  FROM tthc.report_bieu06('$UNIT', '$FROM', '$TO')"
harness_bieu06_tsv "$UNIT" "$FROM" "$TO" >"$TMP/report.tsv"
if diff -q "$TMP/truth.tsv" "$TMP/report.tsv" >/dev/null; then
  echo "The warehouse's figures equal the simulator's ground truth."
else
  echo "WARNING: the warehouse's figures differ from the simulator's ground truth:"
  diff -u "$TMP/truth.tsv" "$TMP/report.tsv" || true
  exit 1
fi
[ -n "$TTHC_KEEP_TMP" ] && echo "Workspace kept in $TMP (config: $TMP/tthc.conf; PGHOST=$PGHOST PGPORT=$PGPORT)"
exit 0
