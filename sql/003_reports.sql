-- 003_reports.sql — end times (metrics.md §2) and the period report
-- Biểu 06 (metrics.md §3). The rules where the spec leaves room are in
-- docs/decisions.md; sim/truth.c computes the same figures independently.

-- State of a dossier's supplement requests as they stood at instant t:
-- a request counts when requested before t, is completed when completed
-- before t, and the completed ones pause the processing clock.
CREATE FUNCTION tthc.supplement_state(supplements jsonb, t timestamptz,
                                      OUT n_requests integer, OUT n_open integer,
                                      OUT pause interval)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT count(*)::integer,
         count(*) FILTER (WHERE r.completed_at IS NULL OR r.completed_at >= $2)::integer,
         COALESCE(sum(r.completed_at - r.requested_at)
                  FILTER (WHERE r.completed_at < $2), interval '0')
    FROM jsonb_to_recordset(COALESCE($1, '[]'::jsonb))
         AS r(requested_at timestamptz, completed_at timestamptz)
   WHERE r.requested_at < $2
$$;
COMMENT ON FUNCTION tthc.supplement_state(jsonb, timestamptz) IS
  'Số lần yêu cầu bổ sung, số lần đang chờ và tổng thời gian tạm dừng tại thời điểm t / Supplement requests made, still open, and the paused time, as they stood at instant t';

CREATE FUNCTION tthc.local_date(t timestamptz)
RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ($1 AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
$$;
COMMENT ON FUNCTION tthc.local_date(timestamptz) IS
  'Ngày theo giờ Việt Nam / The local date in Asia/Ho_Chi_Minh';

CREATE FUNCTION tthc.local_start(d date)
RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT $1::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
$$;
COMMENT ON FUNCTION tthc.local_start(date) IS
  'Thời điểm 00:00 giờ Việt Nam của một ngày / 00:00 local time of a date';

CREATE VIEW tthc.v_dossier_outcome AS
SELECT d.unit_code, d.dossier_code, d.field_code, d.field_name,
       d.department_code, d.department_name, d.channel, d.status,
       d.received_at,
       COALESCE(d.due_at, d.received_at + make_interval(days => p.max_days)) AS due_at,
       CASE
         WHEN d.finished_at IS NOT NULL THEN d.finished_at
         WHEN d.returned_at IS NOT NULL THEN d.returned_at
         WHEN d.status IN (3, 7, 8) AND d.received_at IS NOT NULL THEN
           COALESCE(d.refused_at,
                    (SELECT min((j->>'at')::timestamptz)
                       FROM jsonb_array_elements(COALESCE(d.steps, '[]'::jsonb)) j
                      WHERE (j->>'status')::integer = d.status),
                    d.source_updated_at)
       END AS end_at,
       CASE
         WHEN d.finished_at IS NOT NULL OR d.returned_at IS NOT NULL THEN 'resolved'
         WHEN d.status IN (3, 7, 8) AND d.received_at IS NOT NULL THEN 'stopped'
       END AS end_kind,
       d.supplements
  FROM tthc.dossier d
  LEFT JOIN tthc.procedure p USING (procedure_code);
COMMENT ON VIEW tthc.v_dossier_outcome IS
  'Thời điểm và cách kết thúc xử lý của từng hồ sơ (metrics.md §2) / When and how each dossier''s processing ended';
COMMENT ON COLUMN tthc.v_dossier_outcome.unit_code IS 'Mã xã / Commune code';
COMMENT ON COLUMN tthc.v_dossier_outcome.dossier_code IS 'Mã hồ sơ hợp nhất / Merged dossier code';
COMMENT ON COLUMN tthc.v_dossier_outcome.field_code IS 'Mã lĩnh vực / Field code';
COMMENT ON COLUMN tthc.v_dossier_outcome.field_name IS 'Tên lĩnh vực / Field name';
COMMENT ON COLUMN tthc.v_dossier_outcome.department_code IS 'Mã phòng ban / Department code';
COMMENT ON COLUMN tthc.v_dossier_outcome.department_name IS 'Tên phòng ban / Department name';
COMMENT ON COLUMN tthc.v_dossier_outcome.channel IS 'Kênh nộp / Channel';
COMMENT ON COLUMN tthc.v_dossier_outcome.status IS 'Trạng thái quốc gia / National status';
COMMENT ON COLUMN tthc.v_dossier_outcome.received_at IS 'Ngày tiếp nhận / Received';
COMMENT ON COLUMN tthc.v_dossier_outcome.due_at IS 'Hạn trả (hoặc ngày tiếp nhận + thời hạn tối đa của thủ tục) / Due (or received + the procedure''s maximum time)';
COMMENT ON COLUMN tthc.v_dossier_outcome.end_at IS 'Thời điểm kết thúc: xử lý xong, trả kết quả, hoặc dừng / từ chối / rút / End of processing';
COMMENT ON COLUMN tthc.v_dossier_outcome.end_kind IS 'resolved (đã giải quyết) hoặc stopped (dừng, từ chối, rút sau tiếp nhận) / How it ended';
COMMENT ON COLUMN tthc.v_dossier_outcome.supplements IS 'Các lần yêu cầu bổ sung / Supplement requests';

CREATE FUNCTION tthc.report_bieu06(unit_code text, period_from date, period_to date)
RETURNS TABLE (field_code text, field_name text, total bigint,
               received_online bigint, received_direct bigint, received_postal bigint,
               carried_over bigint, resolved_early bigint, resolved_on_time bigint,
               resolved_late bigint, pending_in_time bigint, pending_late bigint,
               stopped bigint)
LANGUAGE sql STABLE AS $$
  WITH bounds AS (
    SELECT tthc.local_start($2) AS t0, tthc.local_start($3 + 1) AS t1
  ), units AS (
    SELECT $1 AS code WHERE length($1) = 5
    UNION ALL
    SELECT u.unit_code FROM tthc.unit u WHERE length($1) = 2 AND u.province_code = $1
  ), base AS (
    SELECT o.*, b.t0, b.t1,
           (o.end_at IS NOT NULL AND o.end_at < b.t1) AS ended,
           tthc.supplement_state(o.supplements, b.t1) AS sup_at_t1,
           CASE WHEN o.end_kind = 'resolved'
                THEN o.end_at - (tthc.supplement_state(o.supplements, o.end_at)).pause
           END AS effective_end
      FROM tthc.v_dossier_outcome o CROSS JOIN bounds b
     WHERE o.unit_code IN (SELECT code FROM units)
       AND o.received_at < b.t1
       AND (o.end_at IS NULL OR o.end_at >= b.t0)
  ), classified AS (
    SELECT COALESCE(b.field_code, '?') AS fc,
           COALESCE(b.field_name, 'Chưa xác định lĩnh vực') AS fn,
           b.received_at >= b.t0 AS in_period,
           COALESCE(b.channel, 1) AS ch,
           CASE
             WHEN b.ended AND b.end_kind = 'resolved' THEN
               CASE
                 WHEN b.due_at IS NULL THEN 'late'
                 WHEN tthc.local_date(b.effective_end) < tthc.local_date(b.due_at) THEN 'early'
                 WHEN tthc.local_date(b.effective_end) = tthc.local_date(b.due_at) THEN 'on_time'
                 ELSE 'late'
               END
             WHEN b.ended THEN 'stopped'
             WHEN (b.sup_at_t1).n_open > 0 THEN
               CASE WHEN (b.sup_at_t1).n_requests > 1 THEN 'pending_late' ELSE 'pending_in_time' END
             WHEN b.due_at IS NULL OR b.due_at + (b.sup_at_t1).pause < b.t1 THEN 'pending_late'
             ELSE 'pending_in_time'
           END AS outcome
      FROM base b
  )
  SELECT CASE WHEN grouping(c.fc) = 1 THEN NULL ELSE c.fc END,
         CASE WHEN grouping(c.fc) = 1 THEN 'Tổng cộng' ELSE min(c.fn) END,
         count(*),
         count(*) FILTER (WHERE c.in_period AND c.ch = 2),
         count(*) FILTER (WHERE c.in_period AND c.ch = 1),
         count(*) FILTER (WHERE c.in_period AND c.ch = 3),
         count(*) FILTER (WHERE NOT c.in_period),
         count(*) FILTER (WHERE c.outcome = 'early'),
         count(*) FILTER (WHERE c.outcome = 'on_time'),
         count(*) FILTER (WHERE c.outcome = 'late'),
         count(*) FILTER (WHERE c.outcome = 'pending_in_time'),
         count(*) FILTER (WHERE c.outcome = 'pending_late'),
         count(*) FILTER (WHERE c.outcome = 'stopped')
    FROM classified c
   GROUP BY ROLLUP (c.fc)
   ORDER BY grouping(c.fc), c.fc COLLATE "C"
$$;
COMMENT ON FUNCTION tthc.report_bieu06(text, date, date) IS
  'Biểu 06: tình hình, kết quả giải quyết TTHC theo lĩnh vực cho một xã (5 số) hoặc tỉnh (2 số) trong kỳ [từ, đến] / Period report per field for a commune (5 digits) or province (2 digits); total row has field_code NULL';
