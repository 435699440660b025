#!/bin/bash
# The warehouse's report SQL on a hand-built fixture: every figure below was
# computed by hand from the rows inserted here (metrics.md §2–§5 with the
# rules of docs/decisions.md). Covers Biểu 06, report_rates,
# report_overdue_by_department, v_overdue_dossiers, v_sync_discrepancies,
# data_quality_issues and report_bieu06_check.
#
# Period: April 2026 = [2026-04-01 00:00+07, 2026-05-01 00:00+07).
# Communes: 11002 and 10792 (province 31), 01001 (province 01, must never be
# counted in 31), 20001 (province 99: sync discrepancies, data quality).
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg

q() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

psql -Xq -v ON_ERROR_STOP=1 >"$TMP/fixture.log" 2>&1 <<'SQL' || { cat "$TMP/fixture.log"; exit 1; }
INSERT INTO tthc.unit VALUES
  ('11002', 'Phường Thạch Khôi', '31', 'Thành phố Hải Phòng'),
  ('10792', 'Xã An Thành', '31', 'Thành phố Hải Phòng'),
  ('01001', 'Phường Thử', '01', 'Tỉnh Thử'),
  ('20001', 'Xã Đồng Bộ', '99', 'Tỉnh Đồng Bộ');
INSERT INTO tthc.procedure (procedure_code, procedure_name, field_code, field_name, max_days) VALUES
  ('P-MAX', 'Thủ tục có thời hạn 5 ngày', 'DD', 'Đất đai', 5),
  ('P-NOMAX', 'Thủ tục không rõ thời hạn', 'DD', 'Đất đai', NULL);
INSERT INTO tthc.load_run (run_id, loaded_at, outcome) VALUES
  ('run-x', '2026-05-03 12:00+07', 'ok'),
  ('run-fail', '2026-06-01 12:00+07', 'failed');

-- Fixture rows: only the columns a case needs; the rest is filled below.
CREATE TEMP TABLE fx (
  unit_code text, source_kind text DEFAULT 'city', source_code text, linked_codes jsonb, dossier_code text,
  status smallint, channel smallint, field_code text, field_name text,
  department_code text, department_name text, procedure_code text,
  submitted_at timestamptz, received_at timestamptz, due_at timestamptz,
  finished_at timestamptz, returned_at timestamptz, refused_at timestamptz,
  supplements jsonb, has_digitised_component boolean, has_reused_component boolean,
  has_citizen_store_component boolean, has_e_result boolean,
  fee_total bigint, paid_online smallint, rating smallint, has_complaint boolean);

-- ------------------------------------------------ commune 11002, April 2026
-- D01 early, online; consistent portal copy (rating 1).
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, department_code, department_name,
  received_at, due_at, finished_at, returned_at, has_digitised_component, has_reused_component,
  has_citizen_store_component, has_e_result, fee_total, paid_online)
VALUES ('11002', 'D01', 10, 2, 'HT', 'Hộ tịch', 'TTPVHCC', 'Trung tâm Phục vụ hành chính công',
  '2026-04-02 08:00+07', '2026-04-05 17:00+07', '2026-04-03 10:00+07', '2026-04-03 15:00+07', true, true, true, true, 50000, 1);
INSERT INTO fx (unit_code, source_kind, dossier_code, status, received_at, due_at, finished_at, returned_at, paid_online, rating)
VALUES ('11002', 'portal', 'D01', 10, '2026-04-02 08:00+07', '2026-04-05 17:00+07', '2026-04-03 10:00+07', '2026-04-03 15:00+07', 1, 1);
-- D02 on time (finished on the due date), in person; portal rating 3 (dissatisfied).
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, department_code, department_name,
  received_at, due_at, finished_at, returned_at, has_digitised_component, has_reused_component,
  has_citizen_store_component, has_e_result, fee_total, paid_online)
VALUES ('11002', 'D02', 10, 1, 'DD', 'Đất đai', 'KT', 'Phòng Kinh tế',
  '2026-04-06 08:00+07', '2026-04-08 17:00+07', '2026-04-08 16:00+07', '2026-04-08 16:30+07', true, false, false, false, 30000, 0);
INSERT INTO fx (unit_code, source_kind, dossier_code, status, received_at, due_at, finished_at, returned_at, rating)
VALUES ('11002', 'portal', 'D02', 10, '2026-04-06 08:00+07', '2026-04-08 17:00+07', '2026-04-08 16:00+07', '2026-04-08 16:30+07', 3);
-- D03 supplement subtraction: finished 04-15 10:00 minus the 3-day pause = 04-12 10:00 = due date: on time (late without it).
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, department_code, department_name,
  received_at, due_at, finished_at, returned_at, supplements, has_digitised_component, has_reused_component,
  has_citizen_store_component, has_e_result, fee_total)
VALUES ('11002', 'D03', 10, 2, 'HT', 'Hộ tịch', 'TTPVHCC', 'Trung tâm Phục vụ hành chính công',
  '2026-04-10 08:00+07', '2026-04-12 17:00+07', '2026-04-15 10:00+07', '2026-04-15 11:00+07',
  '[{"requested_at": "2026-04-11 01:00:00+00", "completed_at": "2026-04-14 01:00:00+00", "new_due_at": null}]',
  true, true, false, true, 0);
INSERT INTO fx (unit_code, source_kind, dossier_code, status, received_at, due_at, finished_at, returned_at, supplements)
VALUES ('11002', 'portal', 'D03', 10, '2026-04-10 08:00+07', '2026-04-12 17:00+07', '2026-04-15 10:00+07', '2026-04-15 11:00+07',
  '[{"requested_at": "2026-04-11 01:00:00+00", "completed_at": "2026-04-14 01:00:00+00", "new_due_at": null}]');
-- D04 two supplement requests, one still open: overdue by rule although the due date is after the period.
INSERT INTO fx (unit_code, dossier_code, status, field_code, field_name, department_code, department_name,
  received_at, due_at, supplements, has_digitised_component, has_reused_component)
VALUES ('11002', 'D04', 5, 'DD', 'Đất đai', 'KT', 'Phòng Kinh tế', '2026-04-13 08:00+07', '2026-05-10 17:00+07',
  '[{"requested_at": "2026-04-14 01:00:00+00", "completed_at": "2026-04-15 01:00:00+00"},
    {"requested_at": "2026-04-16 01:00:00+00", "completed_at": null}]', true, false);
-- D05 one open supplement request, due date passed: pending in time.
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, department_code, department_name,
  received_at, due_at, supplements, has_digitised_component, has_reused_component, fee_total, paid_online)
VALUES ('11002', 'D05', 5, 2, 'HT', 'Hộ tịch', 'TP', 'Phòng Tư pháp', '2026-04-20 08:00+07', '2026-04-22 17:00+07',
  '[{"requested_at": "2026-04-21 01:00:00+00"}]', true, true, 20000, 2);
INSERT INTO fx (unit_code, source_kind, dossier_code, status, received_at, due_at, paid_online, supplements)
VALUES ('11002', 'portal', 'D05', 5, '2026-04-20 08:00+07', '2026-04-22 17:00+07', 2, '[{"requested_at": "2026-04-21 01:00:00+00"}]');
-- D06 withdrawn after acceptance: stopped; postal; fee paid online.
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, department_code, department_name,
  received_at, due_at, refused_at, has_digitised_component, fee_total, paid_online)
VALUES ('11002', 'D06', 7, 3, 'HT', 'Hộ tịch', 'VP', 'Văn phòng HĐND-UBND', '2026-04-07 08:00+07', '2026-04-10 17:00+07',
  '2026-04-08 09:00+07', false, 10000, 1);
-- D07 refused at intake (never accepted): counted nowhere, not even in the payment rate.
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, department_code, department_name,
  submitted_at, refused_at, fee_total, paid_online)
VALUES ('11002', 'D07', 3, 2, 'HT', 'Hộ tịch', 'TTPVHCC', 'Trung tâm Phục vụ hành chính công',
  '2026-04-03 08:00+07', '2026-04-03 09:00+07', 50000, 1);
-- D08 no due date, procedure max 5 days: due 04-19 08:00, finished 04-18: early.
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, department_code, department_name,
  procedure_code, received_at, finished_at, has_digitised_component, has_e_result, fee_total, paid_online)
VALUES ('11002', 'D08', 9, 1, 'DD', 'Đất đai', 'KT', 'Phòng Kinh tế', 'P-MAX',
  '2026-04-14 08:00+07', '2026-04-18 10:00+07', true, true, 0, 0);
-- D09 no due date and no maximum time: late, and a data-quality line.
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, department_code, department_name,
  procedure_code, received_at, finished_at, has_digitised_component, has_e_result)
VALUES ('11002', 'D09', 9, 1, 'DD', 'Đất đai', 'KT', 'Phòng Kinh tế', 'P-NOMAX',
  '2026-04-15 08:00+07', '2026-04-16 09:00+07', true, true);
-- D10 received 30/04 23:30 local (16:30 UTC): inside April; pending in time at period end, overdue now.
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, department_code, department_name,
  received_at, due_at, has_digitised_component, has_citizen_store_component)
VALUES ('11002', 'D10', 4, 2, 'HT', 'Hộ tịch', 'TTPVHCC', 'Trung tâm Phục vụ hành chính công',
  '2026-04-30 23:30+07', '2026-05-05 17:00+07', true, true);
INSERT INTO fx (unit_code, source_kind, dossier_code, status, received_at, due_at)
VALUES ('11002', 'portal', 'D10', 2, '2026-04-30 23:30+07', '2026-05-04 17:00+07');
-- D11 received 31/03 23:30 local: carried over; finished 04/04 00:30 local (still 03/04 in UTC),
-- due 03/04: late by the local date.
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, department_code, department_name,
  received_at, due_at, finished_at, has_digitised_component, has_e_result)
VALUES ('11002', 'D11', 9, 2, 'HT', 'Hộ tịch', 'TTPVHCC', 'Trung tâm Phục vụ hành chính công',
  '2026-03-31 23:30+07', '2026-04-03 17:00+07', '2026-04-04 00:30+07', true, true);
-- D12 received 01/05 00:10 local: after the period.
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, department_code, department_name,
  received_at, due_at, finished_at)
VALUES ('11002', 'D12', 9, 2, 'HT', 'Hộ tịch', 'TTPVHCC', 'Trung tâm Phục vụ hành chính công',
  '2026-05-01 00:10+07', '2026-05-05 17:00+07', '2026-05-02 10:00+07');
-- D13 received and ended in March: not in April.
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, department_code, department_name,
  received_at, due_at, finished_at, returned_at)
VALUES ('11002', 'D13', 10, 1, 'DD', 'Đất đai', 'KT', 'Phòng Kinh tế',
  '2026-03-20 08:00+07', '2026-03-27 17:00+07', '2026-03-25 10:00+07', '2026-03-26 10:00+07');
-- D14 carried over, due in March, still open: pending late.
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, department_code, department_name,
  received_at, due_at)
VALUES ('11002', 'D14', 4, 1, 'DD', 'Đất đai', 'VP', 'Văn phòng HĐND-UBND', '2026-03-10 08:00+07', '2026-03-20 17:00+07');
-- D15 resolved late (4 days), no field code; complaint on the portal.
INSERT INTO fx (unit_code, dossier_code, status, channel, department_code, department_name,
  received_at, due_at, finished_at, returned_at, has_digitised_component, has_e_result)
VALUES ('11002', 'D15', 10, 2, 'VP', 'Văn phòng HĐND-UBND',
  '2026-04-01 08:00+07', '2026-04-02 17:00+07', '2026-04-06 10:00+07', '2026-04-06 11:00+07', false, false);
INSERT INTO fx (unit_code, source_kind, dossier_code, status, received_at, due_at, finished_at, returned_at, has_complaint)
VALUES ('11002', 'portal', 'D15', 10, '2026-04-01 08:00+07', '2026-04-02 17:00+07', '2026-04-06 10:00+07', '2026-04-06 11:00+07', true);

-- ------------------------------------------------ commune 10792 (province 31)
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, department_code, department_name,
  received_at, due_at, finished_at, returned_at, has_digitised_component, has_reused_component,
  has_citizen_store_component, has_e_result, fee_total)
VALUES ('10792', 'D21', 10, 2, 'HT', 'Hộ tịch', 'TTPVHCC', 'Trung tâm Phục vụ hành chính công',
  '2026-04-05 08:00+07', '2026-04-07 17:00+07', '2026-04-06 10:00+07', '2026-04-06 11:00+07', true, false, false, true, 0);
INSERT INTO fx (unit_code, source_kind, dossier_code, status, received_at, due_at, finished_at, returned_at, rating)
VALUES ('10792', 'portal', 'D21', 10, '2026-04-05 08:00+07', '2026-04-07 17:00+07', '2026-04-06 10:00+07', '2026-04-06 11:00+07', 1);

-- ------------------------------------------------ commune 01001 (province 01)
INSERT INTO fx (unit_code, dossier_code, status, channel, field_code, field_name, received_at, due_at)
VALUES ('01001', 'D31', 4, 2, 'HT', 'Hộ tịch', '2026-04-05 08:00+07', '2026-04-07 17:00+07');

-- ------------------------------------------------ commune 20001: sync discrepancies
-- S1 consistent city/portal pair: no row.
INSERT INTO fx (unit_code, source_kind, dossier_code, status, received_at, due_at, finished_at, returned_at) VALUES
  ('20001', 'city',   'S1', 10, '2026-04-01 08:00+07', '2026-04-05 17:00+07', '2026-04-03 10:00+07', '2026-04-03 11:00+07'),
  ('20001', 'portal', 'S1', 10, '2026-04-01 08:00+07', '2026-04-05 17:00+07', '2026-04-03 10:00+07', '2026-04-03 11:00+07');
-- S2 accepted 04-01, no portal row: missing. S2B accepted 4 h before the last good run: not yet.
INSERT INTO fx (unit_code, source_kind, dossier_code, status, received_at, due_at) VALUES
  ('20001', 'city', 'S2', 4, '2026-04-01 08:00+07', '2026-04-05 17:00+07'),
  ('20001', 'city', 'S2B', 2, '2026-05-03 08:00+07', '2026-05-10 17:00+07');
-- S3 ministry finished early; the city copy and the portal still say "processing":
-- the ministry row (linked to the city one by maHoSoMCDT) is the origin, so stale + false overdue.
-- The merged dossier's code is the smallest of its codes: BTP-S3.
INSERT INTO fx (unit_code, source_kind, source_code, dossier_code, status, received_at, due_at, finished_at, returned_at) VALUES
  ('20001', 'ministry', 'BTP-S3', 'S3', 10, '2026-04-01 08:00+07', '2026-04-10 17:00+07', '2026-04-05 10:00+07', '2026-04-06 10:00+07'),
  ('20001', 'city',     'S3',     'S3', 4,  '2026-04-01 08:00+07', '2026-04-10 17:00+07', NULL, NULL),
  ('20001', 'portal',   'BTP-S3', 'S3', 4,  '2026-04-01 08:00+07', '2026-04-10 17:00+07', NULL, NULL);
-- S4 returned in the city system, only "finished" (9) on the portal: stale (earlier status).
INSERT INTO fx (unit_code, source_kind, dossier_code, status, received_at, due_at, finished_at, returned_at) VALUES
  ('20001', 'city',   'S4', 10, '2026-04-01 08:00+07', '2026-04-10 17:00+07', '2026-04-05 10:00+07', '2026-04-06 10:00+07'),
  ('20001', 'portal', 'S4', 9,  '2026-04-01 08:00+07', '2026-04-10 17:00+07', '2026-04-05 10:00+07', NULL);
-- S5 ministry: 2-day supplement pause makes it early; the portal copy lacks the supplement: late there.
INSERT INTO fx (unit_code, source_kind, source_code, dossier_code, status, received_at, due_at, finished_at, supplements) VALUES
  ('20001', 'ministry', 'BTP-S5', 'S5', 9, '2026-04-01 08:00+07', '2026-04-05 17:00+07', '2026-04-06 10:00+07',
   '[{"requested_at": "2026-04-02 01:00:00+00", "completed_at": "2026-04-04 01:00:00+00"}]'),
  ('20001', 'portal',   'BTP-S5', 'S5', 9, '2026-04-01 08:00+07', '2026-04-05 17:00+07', '2026-04-06 10:00+07', NULL);
-- S6 received 5 minutes apart: date mismatch. S7 within a minute: nothing. S8 due one day apart: date mismatch.
INSERT INTO fx (unit_code, source_kind, dossier_code, status, received_at, due_at) VALUES
  ('20001', 'city',   'S6', 4, '2026-04-01 08:00:00+07', '2099-12-31 17:00:00+07'),
  ('20001', 'portal', 'S6', 4, '2026-04-01 08:05:00+07', '2099-12-31 17:00:00+07'),
  ('20001', 'city',   'S7', 4, '2026-04-01 08:00:00+07', '2099-12-31 17:00:00+07'),
  ('20001', 'portal', 'S7', 4, '2026-04-01 08:00:30+07', '2099-12-31 17:00:45+07'),
  ('20001', 'city',   'S8', 4, '2026-04-01 08:00:00+07', '2099-12-31 17:00:00+07'),
  ('20001', 'portal', 'S8', 4, '2026-04-01 08:00:00+07', '2099-12-30 17:00:00+07');
-- D16 finished before it was received (data quality), consistent on the portal.
INSERT INTO fx (unit_code, source_kind, dossier_code, status, received_at, due_at, finished_at) VALUES
  ('20001', 'city',   'D16', 9, '2026-04-10 08:00+07', '2026-04-12 17:00+07', '2026-04-09 10:00+07'),
  ('20001', 'portal', 'D16', 9, '2026-04-10 08:00+07', '2026-04-12 17:00+07', '2026-04-09 10:00+07');
UPDATE fx SET field_code = 'HT', field_name = 'Hộ tịch' WHERE unit_code = '20001';
UPDATE fx SET linked_codes = '["S3"]' WHERE source_code = 'BTP-S3' AND source_kind = 'ministry';

INSERT INTO tthc.dossier_source (unit_code, source_kind, source_name, source_code, source_updated_at,
  record_hash, linked_codes, procedure_code, field_code, field_name, channel, submitted_at, department_code, department_name,
  status, received_at, due_at, finished_at, returned_at, refused_at, supplements,
  has_digitised_component, has_reused_component, has_citizen_store_component, has_e_result,
  fee_total, paid_online, rating, has_complaint, dossier_code, run_id)
SELECT unit_code, source_kind, source_kind || '-test', COALESCE(source_code, dossier_code), '2026-05-02 00:00+07',
  md5(unit_code || source_kind || dossier_code), linked_codes, procedure_code, field_code, field_name, channel, submitted_at,
  department_code, department_name, status, received_at, due_at, finished_at, returned_at, refused_at, supplements,
  has_digitised_component, has_reused_component, has_citizen_store_component, has_e_result,
  fee_total, paid_online, rating, has_complaint, dossier_code, 'run-x'
  FROM fx;
SELECT tthc.merge_dossiers('run-x');
SQL
ok "fixture loaded and merged"
assert_eq 27 "$(q "SELECT count(*) FROM tthc.dossier")" "27 merged dossiers"

# ------------------------------------------------------------- Biểu 06
b06() { q "SELECT concat_ws('|', COALESCE(field_code, 'NULL'), field_name, total, received_online, received_direct,
                 received_postal, carried_over, resolved_early, resolved_on_time, resolved_late,
                 pending_in_time, pending_late, stopped)
             FROM tthc.report_bieu06('$1', '2026-04-01', '2026-04-30')"; }
expected_11002="?|Chưa xác định lĩnh vực|1|1|0|0|0|0|0|1|0|0|0
DD|Đất đai|5|0|4|0|1|1|1|1|0|2|0
HT|Hộ tịch|6|4|0|1|1|1|1|1|2|0|1
NULL|Tổng cộng|12|5|4|1|2|2|2|3|2|2|1"
assert_eq "$expected_11002" "$(b06 11002)" "bieu06(11002, April): every rule (supplements, stop, intake refusal, max_days, 23:30 local)"
assert_eq "NULL|Tổng cộng|13|6|4|1|2|3|2|3|2|2|1" "$(b06 31 | tail -n 1)" \
  "bieu06(province 31) = 11002 + 10792, not 01001"
assert_eq "HT|Hộ tịch|7|5|0|1|1|2|1|1|2|0|1" "$(b06 31 | grep '^HT|')" "bieu06(31) field HT sums both communes"
assert_eq "true|true|true|true" "$(q "SELECT string_agg((identity_holds AND intake_holds)::text, '|' ORDER BY field_code NULLS LAST)
                        FROM tthc.report_bieu06_check('11002', '2026-04-01', '2026-04-30')")" \
  "report_bieu06_check: total = resolved + pending + stopped = received + carried over on every row"

# Per-dossier classification (the shared function).
assert_eq "D01 early|D02 on_time|D03 on_time|D04 pending_late|D05 pending_in_time|D06 stopped|D08 early|D09 late|D10 pending_in_time|D11 late|D14 pending_late|D15 late" \
  "$(q "SELECT string_agg(dossier_code || ' ' || outcome, '|' ORDER BY dossier_code)
          FROM tthc.dossier_period_outcome('11002', '2026-04-01', '2026-04-30')")" \
  "dossier_period_outcome classifies each dossier; D07, D12, D13 out of scope"
assert_eq "D11" "$(q "SELECT string_agg(dossier_code, ',') FROM tthc.dossier_period_outcome('11002', '2026-04-01', '2026-04-30')
                     WHERE carried_over AND NOT in_period AND dossier_code <> 'D14'")" "D11 (31/03 23:30 local) is carried over"
assert_eq "2026-04-19 01:00:00+00|false" "$(q "SET TIME ZONE 'UTC'; SELECT due_at || '|' || due_missing FROM tthc.dossier_period_outcome('11002', '2026-04-01', '2026-04-30') WHERE dossier_code = 'D08'")" \
  "D08: due = received + procedure max_days"
assert_eq "t" "$(q "SELECT due_missing FROM tthc.dossier_period_outcome('11002', '2026-04-01', '2026-04-30') WHERE dossier_code = 'D09'")" \
  "D09: no due date and no max_days is flagged"

# ------------------------------------------------------------- rates
rates() { q "SELECT concat_ws('|', received, resolved, COALESCE(online_rate::text, 'NULL'), COALESCE(on_time_rate::text, 'NULL'),
               COALESCE(overdue_rate::text, 'NULL'), COALESCE(component_digitised_rate::text, 'NULL'),
               COALESCE(result_digitised_rate::text, 'NULL'), COALESCE(reuse_rate::text, 'NULL'),
               COALESCE(citizen_store_rate::text, 'NULL'), COALESCE(online_payment_rate::text, 'NULL'),
               COALESCE(sync_rate::text, 'NULL'), COALESCE(on_time_rate_766::text, 'NULL'),
               COALESCE(online_rate_766::text, 'NULL'), COALESCE(digitised_rate_766::text, 'NULL'),
               COALESCE(satisfaction_766::text, 'NULL'), COALESCE(online_rate_766_full_points::text, 'NULL'),
               COALESCE(digitised_rate_766_full_points::text, 'NULL'), COALESCE(satisfaction_766_full_points::text, 'NULL'))
             FROM tthc.report_rates('$1', '$2', '$3')"; }
r=$(rates 11002 2026-04-01 2026-04-30)
IFS='|' read -r received resolved online on_time overdue comp_dig res_dig reuse cstore pay sync ot766 on766 dig766 sat766 fp_on fp_dig fp_sat <<<"$r"
assert_eq 10 "$received" "received = 10 (D07 refused at intake and D12 after the period excluded)"
assert_eq 7 "$resolved" "resolved = 7 (incl. carried-over D11)"
assert_eq 50.00 "$online" "online_rate = 5/10"
assert_eq 57.14 "$on_time" "on_time_rate = 4/7"
assert_eq 42.86 "$overdue" "overdue_rate = 3/7"
assert_eq 80.00 "$comp_dig" "component_digitised_rate = 8/10"
assert_eq 71.43 "$res_dig" "result_digitised_rate = 5/7"
assert_eq 30.00 "$reuse" "reuse_rate = 3/10"
assert_eq 20.00 "$cstore" "citizen_store_rate = 2/10"
assert_eq 75.00 "$pay" "online_payment_rate = 3/4 (fee > 0, received in period; D07 not counted)"
assert_eq 60.00 "$sync" "sync_rate = 6/10 on the portal"
assert_eq 54.55 "$ot766" "on_time_rate_766 = (2 early + 2 on time + 2 pending in time) / 11 handled"
assert_eq 30.00 "$on766" "online_rate_766 = 50 × 60 / 100"
assert_eq 70.00 "$dig766" "digitised_rate_766 = 7/10 (D02 resolved without e-result)"
assert_eq 28.57 "$sat766" "satisfaction_766 = 100 − (3/7 + 2/7)"
assert_eq "false|false|false" "$fp_on|$fp_dig|$fp_sat" "no full points for 11002"
assert_eq "1|1|100.00|100.00|0.00|100.00|100.00|0.00|0.00|NULL|100.00|100.00|100.00|100.00|100.00|true|true|true" \
  "$(rates 10792 2026-04-01 2026-04-30)" "10792: full points; online_payment_rate NULL without any fee"
r=$(rates 31 2026-04-01 2026-04-30)
IFS='|' read -r received resolved online on_time overdue comp_dig res_dig reuse cstore pay sync ot766 on766 dig766 sat766 fp_on fp_dig fp_sat <<<"$r"
assert_eq "11|8|54.55|62.50|63.64|34.71|37.50" "$received|$resolved|$online|$on_time|$sync|$on766|$sat766" \
  "province 31 rates; online_rate_766 from unrounded factors (6/11 × 7/11 = 34.71, not 34.72)"
assert_eq "0|0|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL" \
  "$(rates 20001 2025-01-01 2025-01-31)" "empty period: every rate and full-points flag NULL"

# ------------------------------------------------------------- overdue
assert_eq "KT|Phòng Kinh tế|1|1|2
TTPVHCC|Trung tâm Phục vụ hành chính công|1|0|1
VP|Văn phòng HĐND-UBND|1|1|2" \
  "$(q "SELECT concat_ws('|', department_code, department_name, resolved_late, pending_late, overdue_total)
          FROM tthc.report_overdue_by_department('11002', '2026-04-01', '2026-04-30')")" \
  "overdue by department (Phòng Tư pháp, with none, not listed)"
assert_eq "D04 pending_late|D09 resolved_late|D10 pending_late|D11 resolved_late|D14 pending_late|D15 resolved_late" \
  "$(q "SELECT string_agg(dossier_code || ' ' || overdue_state, '|' ORDER BY dossier_code)
          FROM tthc.v_overdue_dossiers WHERE unit_code = '11002'")" \
  "v_overdue_dossiers at now(): D10 is now past due, D05 still waits on one supplement"
assert_eq "D09 NULL|D11 1|D15 4" \
  "$(q "SELECT string_agg(dossier_code || ' ' || COALESCE(days_late::text, 'NULL'), '|' ORDER BY dossier_code)
          FROM tthc.v_overdue_dossiers WHERE unit_code = '11002' AND overdue_state = 'resolved_late'")" \
  "days late: local dates, supplement pauses subtracted, NULL without a due date"
assert_eq "t" "$(q "SELECT days_late > 200 FROM tthc.v_overdue_dossiers WHERE dossier_code = 'D14'")" "D14 is months late"

# ------------------------------------------------------------- sync discrepancies
assert_eq "BTP-S3|false_overdue_on_portal|ministry
BTP-S3|stale_on_portal|ministry
BTP-S5|false_overdue_on_portal|ministry
S2|missing_on_portal|city
S4|stale_on_portal|city
S6|date_mismatch|city
S8|date_mismatch|city" \
  "$(q "SELECT concat_ws('|', dossier_code, class, origin_system) FROM tthc.v_sync_discrepancies
         WHERE unit_code = '20001' ORDER BY dossier_code COLLATE \"C\", class")" \
  "v_sync_discrepancies: each class; none for consistent S1, S7 (< 1 min), S2B (< 1 day before the run), D16"
assert_eq "10|4|2026-04-05 03:00:00+00|NULL|2026-05-03 05:00:00+00|BTP-S3" \
  "$(q "SET TIME ZONE 'UTC'; SELECT concat_ws('|', origin_status, portal_status, origin_end_at, COALESCE(portal_end_at::text, 'NULL'), detected_at, portal_code)
          FROM tthc.v_sync_discrepancies WHERE dossier_code = 'BTP-S3' AND class = 'stale_on_portal'")" \
  "stale row carries both systems' values and the load time of the run"
assert_eq "2026-04-01 01:00:00+00|2026-04-01 01:05:00+00" \
  "$(q "SET TIME ZONE 'UTC'; SELECT origin_received_at || '|' || portal_received_at FROM tthc.v_sync_discrepancies WHERE dossier_code = 'S6'")" \
  "date_mismatch shows both received times"
assert_eq "" "$(q "SELECT string_agg(dossier_code || ':' || class, ',') FROM tthc.v_sync_discrepancies
                    WHERE unit_code = '11002' AND dossier_code IN ('D01', 'D02', 'D03', 'D15')")" \
  "consistent pairs in 11002 have no discrepancy"
assert_eq "D10:date_mismatch" "$(q "SELECT string_agg(dossier_code || ':' || class, ',') FROM tthc.v_sync_discrepancies
                    WHERE unit_code = '11002' AND dossier_code IN ('D05', 'D10')")" \
  "D10's portal due differs by a day"

# ------------------------------------------------------------- data quality
assert_eq "D09|no_due_date
D15|no_field_code" \
  "$(q "SELECT dossier_code || '|' || issue FROM tthc.data_quality_issues('11002', '2026-04-01', '2026-04-30')")" \
  "data_quality_issues(11002): no due and no max_days; no field code"
assert_eq "D16|ended_before_received" \
  "$(q "SELECT dossier_code || '|' || issue FROM tthc.data_quality_issues('20001', '2026-04-01', '2026-04-30')")" \
  "data_quality_issues(20001): finished before received"
assert_eq "0" "$(q "SELECT count(*) FROM tthc.data_quality_issues('31', '2026-04-01', '2026-04-30') WHERE dossier_code IS NULL")" \
  "no Biểu 06 identity break reported"

# ------------------------------------------------------------- plans
# On a realistic volume (200,000 dossiers in 100 other communes, ~20 months
# each), a commune's month must come from the (unit_code, received_at) and
# (unit_code, end time) indexes, not from a scan of the table.
psql -Xq -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO tthc.dossier (unit_code, dossier_code, sources, on_portal, origin_missing, source_updated_at,
  field_code, channel, status, received_at, due_at, finished_at)
SELECT (30000 + u)::text, 'V' || u || '-' || i, ARRAY['city'], true, false, now(),
  'F' || (i % 7), 1 + (i % 3), CASE WHEN i % 50 = 0 THEN 4 ELSE 9 END,
  r, r + interval '3 days', CASE WHEN i % 50 = 0 THEN NULL ELSE r + interval '2 days' END
  FROM generate_series(1, 100) u, generate_series(1, 2000) i,
       LATERAL (SELECT timestamptz '2024-09-01 08:00+07' + i * interval '8 hours' + u * interval '1 minute' AS r) x;
ANALYZE tthc.dossier;
SQL
q "EXPLAIN SELECT * FROM tthc.report_bieu06('30005', '2025-10-01', '2025-10-31')" >"$TMP/plan.txt"
# (the indexes of the commune's partition since sql/031: dossier_pNN_end_idx)
if grep -Eq 'dossier(_p[0-9]+)?_end_idx' "$TMP/plan.txt" && grep -Eq 'dossier(_p[0-9]+)?_received_idx' "$TMP/plan.txt" &&
   ! grep -q "Seq Scan on dossier" "$TMP/plan.txt"; then
  ok "a commune's month uses the (unit_code, received_at) and (unit_code, end time) indexes"
else not_ok "period scope not served by the indexes"; sed 's/^/    /' "$TMP/plan.txt"; fi
# By hand: receipts every 8 h from 2024-09-01 08:05+07 (i = 1..2000), due +3 d, finished +2 d,
# every 50th never finished. April 2026: i = 1730..1819 received (90, 30 per channel); carried
# over i = 1724..1729 (finished in April) + 34 unfinished; early 82 + 6; pending in time
# i = 1814..1819 (finish after the period); pending late 34 + 2 (i = 1750, 1800).
assert_eq "NULL|Tổng cộng|130|30|30|30|40|88|0|0|6|36|0" "$(b06 30005 | tail -n 1)" \
  "volume: Biểu 06 of one commune-month (computed by hand)"
harness_done
