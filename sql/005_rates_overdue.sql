-- 005_rates_overdue.sql — the rates of metrics.md §4, overdue counts per
-- department (§3) and the live list of overdue dossiers, all built on
-- tthc.dossier_period_outcome / tthc.outcome_at (004). The meaning of the
-- terms §4 leaves open is in docs/decisions.md, "Rates".

-- "Now" for the live views (overdue list, sync discrepancies): the
-- session's tthc.as_of setting when given (SET tthc.as_of = '2026-05-02
-- 12:00+07' shows the views as they stood then), else the current time.
CREATE FUNCTION tthc.as_of_setting()
RETURNS timestamptz LANGUAGE sql STABLE AS $$
  SELECT NULLIF(current_setting('tthc.as_of', true), '')::timestamptz
$$;
COMMENT ON FUNCTION tthc.as_of_setting() IS
  'Thời điểm xem báo cáo do phiên đặt (SET tthc.as_of), hoặc NULL / The session''s tthc.as_of setting, or NULL';

CREATE FUNCTION tthc.as_of()
RETURNS timestamptz LANGUAGE sql STABLE AS $$
  SELECT COALESCE(tthc.as_of_setting(), now())
$$;
COMMENT ON FUNCTION tthc.as_of() IS
  'Thời điểm "hiện tại" của các view trực tiếp: tthc.as_of nếu đặt, nếu không là now() / The "now" of the live views: tthc.as_of when set, else now()';

CREATE FUNCTION tthc.report_rates(unit_code text, period_from date, period_to date)
RETURNS TABLE (received bigint, resolved bigint,
               online_rate numeric, on_time_rate numeric, overdue_rate numeric,
               component_digitised_rate numeric, result_digitised_rate numeric,
               reuse_rate numeric, citizen_store_rate numeric,
               online_payment_rate numeric, sync_rate numeric,
               on_time_rate_766 numeric, online_rate_766 numeric,
               digitised_rate_766 numeric, satisfaction_766 numeric,
               online_rate_766_full_points boolean,
               digitised_rate_766_full_points boolean,
               satisfaction_766_full_points boolean)
LANGUAGE sql STABLE AS $$
  WITH c AS (
    SELECT
      count(*) FILTER (WHERE o.in_period) AS received,
      count(*) FILTER (WHERE o.outcome IN ('early', 'on_time', 'late')) AS resolved,
      count(*) FILTER (WHERE o.in_period AND o.channel = 2) AS received_online,
      count(*) FILTER (WHERE o.outcome IN ('early', 'on_time')) AS resolved_in_time,
      count(*) FILTER (WHERE o.outcome = 'late') AS resolved_late,
      count(*) FILTER (WHERE o.in_period AND o.has_digitised_component) AS digitised,
      count(*) FILTER (WHERE o.outcome IN ('early', 'on_time', 'late') AND o.has_e_result) AS e_result,
      count(*) FILTER (WHERE o.in_period AND o.has_reused_component) AS reused,
      count(*) FILTER (WHERE o.in_period AND o.has_citizen_store_component) AS citizen_store,
      count(*) FILTER (WHERE o.in_period AND o.fee_total > 0) AS with_fee,
      count(*) FILTER (WHERE o.in_period AND o.fee_total > 0 AND o.paid_online IN (1, 2)) AS paid_online,
      count(*) FILTER (WHERE o.in_period AND o.on_portal) AS on_portal,
      count(*) FILTER (WHERE o.outcome <> 'stopped') AS handled,
      count(*) FILTER (WHERE o.outcome IN ('early', 'on_time', 'pending_in_time')) AS handled_in_time,
      count(*) FILTER (WHERE o.in_period AND o.has_digitised_component
                         AND (o.outcome NOT IN ('early', 'on_time', 'late') OR o.has_e_result)) AS digitised_766,
      count(*) FILTER (WHERE o.outcome IN ('early', 'on_time', 'late')
                         AND (o.has_complaint OR o.rating = 3)) AS dissatisfied
    FROM tthc.dossier_period_outcome($1, $2, $3) o
  ), r AS (
    SELECT c.received, c.resolved,
           tthc.pct(c.received_online, c.received) AS online_rate,
           tthc.pct(c.resolved_in_time, c.resolved) AS on_time_rate,
           tthc.pct(c.resolved_late, c.resolved) AS overdue_rate,
           tthc.pct(c.digitised, c.received) AS component_digitised_rate,
           tthc.pct(c.e_result, c.resolved) AS result_digitised_rate,
           tthc.pct(c.reused, c.received) AS reuse_rate,
           tthc.pct(c.citizen_store, c.received) AS citizen_store_rate,
           tthc.pct(c.paid_online, c.with_fee) AS online_payment_rate,
           tthc.pct(c.on_portal, c.received) AS sync_rate,
           tthc.pct(c.handled_in_time, c.handled) AS on_time_rate_766,
           tthc.pct(c.received_online, c.received) * tthc.pct(c.on_portal, c.received) / 100 AS online_rate_766,
           tthc.pct(c.digitised_766, c.received) AS digitised_rate_766,
           CASE WHEN c.resolved > 0
                THEN GREATEST(0, 100 - (tthc.pct(c.resolved_late, c.resolved)
                                        + tthc.pct(c.dissatisfied, c.resolved))) END AS satisfaction_766
      FROM c
  )
  SELECT r.received, r.resolved,
         round(r.online_rate, 2), round(r.on_time_rate, 2), round(r.overdue_rate, 2),
         round(r.component_digitised_rate, 2), round(r.result_digitised_rate, 2),
         round(r.reuse_rate, 2), round(r.citizen_store_rate, 2),
         round(r.online_payment_rate, 2), round(r.sync_rate, 2),
         round(r.on_time_rate_766, 2), round(r.online_rate_766, 2),
         round(r.digitised_rate_766, 2), round(r.satisfaction_766, 2),
         round(r.online_rate_766, 2) >= 50,
         round(r.digitised_rate_766, 2) >= 80,
         round(r.satisfaction_766, 2) >= 90
    FROM r
$$;
COMMENT ON FUNCTION tthc.report_rates(text, date, date) IS
  'Các tỷ lệ của metrics.md §4 và chỉ số Bộ chỉ số 766 cho một xã hoặc tỉnh trong kỳ (phần trăm, 2 chữ số thập phân; NULL khi mẫu số bằng 0), kèm cờ đạt điểm tối đa / The rates of metrics.md §4 and the 766-index indicators for a commune or province and period (percent, 2 decimals, NULL when the denominator is 0), with full-points flags';

CREATE FUNCTION tthc.report_overdue_by_department(unit_code text, period_from date, period_to date)
RETURNS TABLE (department_code text, department_name text,
               resolved_late bigint, pending_late bigint, overdue_total bigint)
LANGUAGE sql STABLE AS $$
  SELECT COALESCE(o.department_code, '?'),
         min(COALESCE(o.department_name, 'Chưa xác định phòng ban')),
         count(*) FILTER (WHERE o.outcome = 'late'),
         count(*) FILTER (WHERE o.outcome = 'pending_late'),
         count(*) FILTER (WHERE o.outcome IN ('late', 'pending_late'))
    FROM tthc.dossier_period_outcome($1, $2, $3) o
   WHERE o.outcome IN ('late', 'pending_late')
   GROUP BY COALESCE(o.department_code, '?')
   ORDER BY COALESCE(o.department_code, '?') COLLATE "C"
$$;
COMMENT ON FUNCTION tthc.report_overdue_by_department(text, date, date) IS
  'Số hồ sơ quá hạn theo phòng ban trong kỳ (đã giải quyết quá hạn, đang giải quyết quá hạn); chỉ phòng ban có hồ sơ quá hạn / Overdue dossiers per department for a period (resolved late, pending late); only departments with at least one';

CREATE VIEW tthc.v_overdue_dossiers AS
SELECT x.dossier_code, x.unit_code, x.department_code, x.department_name,
       x.field_code, x.field_name, x.procedure_code, x.procedure_name,
       CASE x.outcome WHEN 'late' THEN 'resolved_late' ELSE 'pending_late' END AS overdue_state,
       x.received_at, x.due_at, x.due AS effective_due_at, x.end_at,
       CASE
         WHEN x.due IS NULL THEN NULL
         WHEN x.outcome = 'late' THEN
           tthc.local_date(tthc.effective_end(x.end_at, x.end_kind, x.supplements)) - tthc.local_date(x.due)
         ELSE GREATEST(0, tthc.local_date(tthc.as_of())
                          - tthc.local_date(x.due + (tthc.supplement_state(x.supplements, tthc.as_of())).pause))
       END AS days_late
  FROM (
    SELECT d.*, COALESCE(d.due_at, d.received_at + make_interval(days => p.max_days)) AS due,
           e.end_at, e.end_kind,
           tthc.outcome_at(e.end_at, e.end_kind,
                           COALESCE(d.due_at, d.received_at + make_interval(days => p.max_days)),
                           d.supplements, tthc.as_of()) AS outcome
      FROM tthc.dossier d
      LEFT JOIN tthc.procedure p ON p.procedure_code = d.procedure_code
      CROSS JOIN LATERAL (
        SELECT tthc.dossier_end_at(d.finished_at, d.returned_at, d.status, d.received_at,
                                   d.refused_at, d.steps, d.source_updated_at) AS end_at,
               tthc.dossier_end_kind(d.finished_at, d.returned_at, d.status, d.received_at) AS end_kind
      ) e
     WHERE d.received_at IS NOT NULL
  ) x
 WHERE x.outcome IN ('late', 'pending_late');
COMMENT ON VIEW tthc.v_overdue_dossiers IS
  'Hồ sơ quá hạn tính đến hiện tại: đang giải quyết đã quá hạn (metrics.md §2 tại now()) hoặc đã giải quyết quá hạn / Dossiers overdue as of now: pending and past due by metrics.md §2 judged at now(), or resolved late';
COMMENT ON COLUMN tthc.v_overdue_dossiers.dossier_code IS 'Mã hồ sơ hợp nhất / Merged dossier code';
COMMENT ON COLUMN tthc.v_overdue_dossiers.unit_code IS 'Mã xã / Commune code';
COMMENT ON COLUMN tthc.v_overdue_dossiers.department_code IS 'Mã phòng ban xử lý / Handling department code';
COMMENT ON COLUMN tthc.v_overdue_dossiers.department_name IS 'Tên phòng ban xử lý / Handling department name';
COMMENT ON COLUMN tthc.v_overdue_dossiers.field_code IS 'Mã lĩnh vực / Field code';
COMMENT ON COLUMN tthc.v_overdue_dossiers.field_name IS 'Tên lĩnh vực / Field name';
COMMENT ON COLUMN tthc.v_overdue_dossiers.procedure_code IS 'Mã thủ tục / Procedure code';
COMMENT ON COLUMN tthc.v_overdue_dossiers.procedure_name IS 'Tên thủ tục / Procedure name';
COMMENT ON COLUMN tthc.v_overdue_dossiers.overdue_state IS 'resolved_late (đã giải quyết quá hạn) hoặc pending_late (đang giải quyết quá hạn) / Resolved late, or pending and overdue';
COMMENT ON COLUMN tthc.v_overdue_dossiers.received_at IS 'Ngày tiếp nhận / When the dossier was accepted';
COMMENT ON COLUMN tthc.v_overdue_dossiers.due_at IS 'Ngày hẹn trả như hồ sơ ghi (có thể trống) / Due time as recorded (may be absent)';
COMMENT ON COLUMN tthc.v_overdue_dossiers.effective_due_at IS 'Hạn dùng để xét: ngày hẹn trả, hoặc ngày tiếp nhận + thời hạn tối đa của thủ tục / Due time used: recorded due, or received + the procedure''s maximum time';
COMMENT ON COLUMN tthc.v_overdue_dossiers.end_at IS 'Thời điểm kết thúc xử lý (trống nếu đang giải quyết) / End of processing, NULL while pending';
COMMENT ON COLUMN tthc.v_overdue_dossiers.days_late IS 'Số ngày quá hạn theo ngày giờ Việt Nam (đã trừ thời gian chờ bổ sung); NULL khi không xác định được hạn / Days late in local calendar days (supplement pauses subtracted); NULL when no due time is known';
