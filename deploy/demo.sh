#!/bin/bash
# make demo: the main job on the embedded default. Starts a throwaway
# PostgreSQL cluster and the three source simulators on loopback — the
# city's TTHC system, the Ministry of Justice's civil-status system and the
# national portal — serving Phường Thạch Khôi's April 2026 (the report in
# shared/seeds/004, with the ministry pushes to the portal that failed), runs
# one full sync (extract over HTTP -> landing -> transform -> load) and prints
# what the warehouse computed: Biểu 06, the rates, overdue per department and
# the dossiers the portal shows wrongly, then writes the report files staff
# attach (tthc-report, as the read-only analyst role: the period report and
# the inspection outline, in text, CSV, JSON, .xlsx and HTML) into
# TTHC_DEMO_OUT (default demo-report/ in the current directory). Everything
# else is stopped and removed afterwards (TTHC_KEEP_TMP=1 keeps the
# workspace to look around).
#   TTHC_DEMO_SCENARIO=an-thanh-2025-q3 | truong-thi-2023 for the other reports.
set -eu
. "$(dirname "$0")/../tests/lib/harness.sh"
harness_init
export TTHC_KEEP_TMP=${TTHC_KEEP_TMP:-}

SCENARIO=${TTHC_DEMO_SCENARIO:-thach-khoi-2026-04}
case $SCENARIO in
  thach-khoi-2026-04) UNIT=11002 FROM=2026-04-01 TO=2026-04-30 AGENCY=000.00.00.H31 ;;
  an-thanh-2025-q3)   UNIT=10792 FROM=2025-07-01 TO=2025-09-30 AGENCY=000.00.00.H31 ;;
  truong-thi-2023)    UNIT=14797 FROM=2023-01-01 TO=2023-08-10 AGENCY=000.00.00.H56 ;;
  *) echo "unknown TTHC_DEMO_SCENARIO $SCENARIO" >&2; exit 2 ;;
esac

OUT=${TTHC_DEMO_OUT:-$PWD/demo-report}

echo "== 1. PostgreSQL warehouse (throwaway cluster in $TMP/pg)"
harness_start_pg
"$TTHC_BIN/tthc-load" --units "$SHARED_DIR/reference/units-2025.csv"
# the loader and the read-only analyst tthc-report reads with
psql -Xq -v ON_ERROR_STOP=1 -f "$(dirname "$0")/roles.sql" >/dev/null

echo "== 2. Source simulators, scenario $SCENARIO"
for kind in city ministry portal; do
  harness_start_sim "PORT_$kind" --kind "$kind" --scenario "$SCENARIO" --username demo
done
"$TTHC_BIN/tthc-sim" --kind portal --scenario "$SCENARIO" --truth-only --truth "$TMP/truth.tsv"
echo "   city 127.0.0.1:$PORT_city, ministry 127.0.0.1:$PORT_ministry, portal 127.0.0.1:$PORT_portal"
harness_write_config "$TMP/tthc.conf" portal portal "$PORT_portal" "$UNIT" "page_size = 1000"
sed -i "s|^agency_code = .*|agency_code = $AGENCY|" "$TMP/tthc.conf"
harness_add_source "$TMP/tthc.conf" city city "$PORT_city" "$UNIT" "page_size = 1000"
harness_add_source "$TMP/tthc.conf" moj ministry "$PORT_ministry" "$UNIT" "page_size = 1000"
sed -i "s|^since = .*|since = 2020-01-01|" "$TMP/tthc.conf"

echo "== 3. Sync: tthc-sync (extract -> transform -> load, one run)"
"$TTHC_BIN/tthc-sync" -c "$TMP/tthc.conf"

name=$(psql -XAtc "SELECT unit_name || ' (' || unit_code || ', ' || province_name || ')' FROM tthc.unit WHERE unit_code = '$UNIT'")
echo
echo "== 4. Biểu 06 — $name, $FROM .. $TO"
psql -X -P footer=off -c "SELECT COALESCE(field_code, '') AS \"lĩnh vực\", field_name AS \"tên\", total AS \"tổng\",
       received_online AS \"trực tuyến\", received_direct AS \"trực tiếp\", received_postal AS \"BCCI\",
       carried_over AS \"kỳ trước\", resolved_early AS \"trước hạn\", resolved_on_time AS \"đúng hạn\",
       resolved_late AS \"quá hạn\", pending_in_time AS \"đang xử lý trong hạn\",
       pending_late AS \"đang xử lý quá hạn\", stopped AS \"dừng/rút/từ chối\"
  FROM tthc.report_bieu06('$UNIT', '$FROM', '$TO')"
echo "== 5. Rates (766 index)"
psql -X -P footer=off -x -c "SELECT * FROM tthc.report_rates('$UNIT', '$FROM', '$TO')"
echo "== 6. Overdue per department"
psql -X -P footer=off -c "SELECT * FROM tthc.report_overdue_by_department('$UNIT', '$FROM', '$TO')"
echo "== 7. What the portal shows wrongly (to send for correction)"
psql -X -P footer=off -c "SET tthc.as_of = '$TO 23:59:59+07';" \
  -c "SELECT class, origin_system, count(*) AS dossiers FROM tthc.v_sync_discrepancies
       WHERE unit_code = '$UNIT' GROUP BY 1, 2 ORDER BY 1, 2"

echo "== 8. Report files (tthc-report as tthc_analyst) in $OUT"
mkdir -p "$OUT"
for form in period cchc; do
  PGUSER=tthc_analyst "$TTHC_BIN/tthc-report" --unit "$UNIT" --from "$FROM" --to "$TO" \
    --as-of "${TO}T23:59:59+07:00" --form "$form" -f all -o "$OUT/$SCENARIO-$form"
done
ls -1 "$OUT" | grep "^$SCENARIO-" | sed "s|^|   $OUT/|"

harness_bieu06_tsv "$UNIT" "$FROM" "$TO" >"$TMP/report.tsv"
if diff -q "$TMP/truth.tsv" "$TMP/report.tsv" >/dev/null; then
  echo "The warehouse's Biểu 06 equals the simulator's ground truth (the figures of the commune's report)."
else
  echo "WARNING: the warehouse's figures differ from the simulator's ground truth:"
  diff -u "$TMP/truth.tsv" "$TMP/report.tsv" || true
  exit 1
fi
[ -n "$TTHC_KEEP_TMP" ] && echo "Workspace kept in $TMP (config: $TMP/tthc.conf; PGHOST=$PGHOST PGPORT=$PGPORT)"
exit 0
