#!/bin/bash
# The three real commune reports of shared/spec/seed-figures.md, through the
# whole pipeline: the simulators (city, ministry, portal) serve the preset's
# dossiers over HTTP; extract -> transform -> load; the warehouse's Biểu 06
# equals the preset's truth (itself checked against the seed figures in the
# simulator's unit suite) and its rates equal the figures of the report.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg
"$TTHC_BIN/tthc-load" --units "$SHARED_DIR/reference/units-2025.csv" >/dev/null

# scenario NAME UNIT FROM TO AGENCY AS_OF: runs the pipeline in a fresh schema.
scenario() {
  local name=$1 unit=$2 from=$3 to=$4 agency=$5 as_of=$6 dir=$TMP/$1 kind
  mkdir -p "$dir"
  createdb -T template0 "$name" && export PGDATABASE=$name
  "$TTHC_BIN/tthc-load" --migrate >/dev/null 2>&1 &&
    "$TTHC_BIN/tthc-load" --units "$SHARED_DIR/reference/units-2025.csv" >/dev/null 2>&1 || return 1
  for kind in portal city ministry; do
    harness_start_sim "P_${kind}" --kind "$kind" --scenario "$name" --username demo
  done
  "$TTHC_BIN/tthc-sim" --kind portal --scenario "$name" --truth-only --truth "$dir/truth.tsv" \
    --truth-discrepancies "$dir/truth-disc.tsv" 2>/dev/null || return 1
  harness_write_config "$dir/tthc.conf" portal-s portal "$P_portal" "$unit" "page_size = 1000"
  sed -i "s|^dir = .*|dir = $dir/state|; s|^agency_code = .*|agency_code = $agency|" "$dir/tthc.conf"
  harness_add_source "$dir/tthc.conf" city-s city "$P_city" "$unit" "page_size = 1000"
  harness_add_source "$dir/tthc.conf" moj-s ministry "$P_ministry" "$unit" "page_size = 1000"
  "$TTHC_BIN/tthc-extract" -c "$dir/tthc.conf" --since 2020-01-01 >"$dir/extract.log" 2>&1 &&
    "$TTHC_BIN/tthc-transform" -c "$dir/tthc.conf" >"$dir/transform.log" 2>&1 &&
    "$TTHC_BIN/tthc-load" -c "$dir/tthc.conf" >"$dir/load.log" 2>&1 || { tail "$dir"/*.log; return 1; }
  harness_bieu06_tsv "$unit" "$from" "$to" >"$dir/report.tsv"
  if diff -u "$dir/truth.tsv" "$dir/report.tsv"; then
    ok "$name: Biểu 06 equals the preset's truth ($(tail -n 1 "$dir/report.tsv" | cut -f3) dossiers)"
  else not_ok "$name: Biểu 06 differs"; fi
  rates=$(psql -XAtF' ' -c "SELECT received, resolved, online_rate, on_time_rate, component_digitised_rate,
                                  result_digitised_rate, reuse_rate, online_payment_rate
                             FROM tthc.report_rates('$unit', '$from', '$to')")
  harness_discrepancies_tsv "$as_of" >"$dir/disc.tsv"
  tail -n +2 "$dir/truth-disc.tsv" | diff -q - "$dir/disc.tsv" >/dev/null &&
    ok "$name: v_sync_discrepancies = the preset's $(($(wc -l <"$dir/truth-disc.tsv") - 1)) discrepancies" ||
    not_ok "$name: discrepancies differ"
}

# seed-figures.md, thach-khoi-2026-04
if scenario thach-khoi-2026-04 11002 2026-04-01 2026-04-30 000.00.00.H31 '2026-05-02 12:00+07'; then
  assert_eq "6258 6251 100.00 100.00 100.00 100.00 99.52 100.00" "$rates" \
    "thach-khoi: received, resolved, online, on-time, digitised, e-result, reuse 99.52, online payment"
  assert_eq 0 "$(psql -XAtc "SELECT count(*) FROM tthc.dossier WHERE has_complaint")" "thach-khoi: no complaints"
  n=$(psql -XAtc "SET tthc.as_of = '2026-05-02 12:00+07'; SELECT count(DISTINCT dossier_code) FROM tthc.v_sync_discrepancies
                  WHERE origin_system = 'ministry' AND class IN ('false_overdue_on_portal', 'stale_on_portal')" | tail -n 1)
  [ "$n" -gt 0 ] && ok "thach-khoi: $n ministry dossiers finished in time but stale/overdue on the portal are listed" ||
    not_ok "thach-khoi: no false-overdue ministry dossier listed"
else not_ok "thach-khoi-2026-04 did not run"; fi

# an-thanh-2025-q3
if scenario an-thanh-2025-q3 10792 2025-07-01 2025-09-30 000.00.00.H31 '2025-10-02 12:00+07'; then
  assert_eq "4120 3997 38.01 99.27 96.77 99.75 62.16" "$(echo "$rates" | cut -d' ' -f1-7)" \
    "an-thanh: received 4120, resolved 3997, online 38.01, on time 99.27, digitised 96.77, e-result 99.75, reuse 62.16"
  assert_eq "Phòng Kinh tế:12 Trung tâm Phục vụ hành chính công:13 Văn phòng HĐND-UBND:4" \
    "$(psql -XAtc "SELECT string_agg(department_name || ':' || resolved_late, ' ' ORDER BY department_name)
                   FROM tthc.report_overdue_by_department('10792', '2025-07-01', '2025-09-30') WHERE resolved_late > 0")" \
    "an-thanh: late by department 12 / 13 / 4"
else not_ok "an-thanh-2025-q3 did not run"; fi

# truong-thi-2023 (Trường Thi is now part of 14797 Hạc Thành, Thanh Hóa)
if scenario truong-thi-2023 14797 2023-01-01 2023-08-10 000.00.00.H56 '2023-08-12 12:00+07'; then
  assert_eq "2382 2378 3 0 1" "$(psql -XAtF' ' -c "SELECT total, resolved_early + resolved_on_time, pending_in_time, pending_late, stopped
      FROM tthc.report_bieu06('14797', '2023-01-01', '2023-08-10') WHERE field_code IS NULL")" \
    "truong-thi: 2382 = 2378 resolved + 3 pending + 1 withdrawn (the identity holds)"
else not_ok "truong-thi-2023 did not run"; fi
harness_done
