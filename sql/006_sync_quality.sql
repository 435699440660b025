-- 006_sync_quality.sql — discrepancies between the origin systems and the
-- portal's copy (metrics.md §5), and data-quality checks of a period's
-- dossiers. Choices in docs/decisions.md, "Sync discrepancies" and
-- "Data quality".

CREATE FUNCTION tthc.status_progress(status smallint)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
           WHEN $1 = 1 THEN 1
           WHEN $1 = 2 THEN 2
           WHEN $1 IN (4, 5, 6) THEN 3
           WHEN $1 = 9 THEN 4
           WHEN $1 IN (3, 7, 8, 10) THEN 5
           ELSE 0
         END
$$;
COMMENT ON FUNCTION tthc.status_progress(smallint) IS
  'Mức tiến triển của trạng thái quốc gia (1 mới, 2 tiếp nhận, 3 đang xử lý/bổ sung/nghĩa vụ tài chính, 4 xử lý xong, 5 trả kết quả hoặc dừng/từ chối/rút; 0 không rõ) để so "trạng thái cũ hơn" / Progress rank of a national status, to tell an earlier status';

CREATE VIEW tthc.v_sync_discrepancies AS
WITH origin AS (
  -- the origin record: ministry before city (metrics.md §1, processing order)
  SELECT DISTINCT ON (s.unit_code, s.dossier_code)
         s.unit_code, s.dossier_code, s.source_kind, s.source_code, s.status,
         s.received_at, s.due_at, s.supplements, s.run_id,
         COALESCE(s.due_at, s.received_at + make_interval(days => p.max_days)) AS due,
         tthc.dossier_end_at(s.finished_at, s.returned_at, s.status, s.received_at,
                             s.refused_at, s.steps, s.source_updated_at) AS end_at,
         tthc.dossier_end_kind(s.finished_at, s.returned_at, s.status, s.received_at) AS end_kind
    FROM tthc.dossier_source s
    LEFT JOIN tthc.procedure p ON p.procedure_code = s.procedure_code
   WHERE s.source_kind IN ('ministry', 'city')
   ORDER BY s.unit_code, s.dossier_code, tthc.source_preference(s.source_kind, 'processing'),
            s.source_updated_at DESC, s.source_code
), portal AS (
  SELECT DISTINCT ON (s.unit_code, s.dossier_code)
         s.unit_code, s.dossier_code, s.source_code, s.status,
         s.received_at, s.due_at, s.supplements, s.run_id,
         tthc.dossier_end_at(s.finished_at, s.returned_at, s.status, s.received_at,
                             s.refused_at, s.steps, s.source_updated_at) AS end_at,
         tthc.dossier_end_kind(s.finished_at, s.returned_at, s.status, s.received_at) AS end_kind
    FROM tthc.dossier_source s
   WHERE s.source_kind = 'portal'
   ORDER BY s.unit_code, s.dossier_code, s.source_updated_at DESC, s.source_code
), pair AS (
  SELECT o.unit_code, o.dossier_code, o.source_kind AS origin_system,
         o.source_code AS origin_code, p.source_code AS portal_code,
         o.status AS origin_status, p.status AS portal_status,
         o.received_at AS origin_received_at, p.received_at AS portal_received_at,
         o.due_at AS origin_due_at, p.due_at AS portal_due_at,
         o.end_at AS origin_end_at, p.end_at AS portal_end_at,
         p.source_code IS NOT NULL AS on_portal,
         (SELECT max(r.loaded_at) FROM tthc.load_run r WHERE r.outcome = 'ok') AS last_loaded_at,
         (SELECT max(r.loaded_at) FROM tthc.load_run r WHERE r.run_id IN (o.run_id, p.run_id)) AS pair_loaded_at,
         CASE WHEN o.received_at IS NOT NULL
              THEN tthc.outcome_at(o.end_at, o.end_kind, o.due, o.supplements, tthc.as_of()) END AS origin_outcome,
         CASE WHEN p.received_at IS NOT NULL AND p.due_at IS NOT NULL
              THEN tthc.outcome_at(p.end_at, p.end_kind, p.due_at, p.supplements, tthc.as_of()) END AS portal_outcome
    FROM origin o
    LEFT JOIN portal p ON p.unit_code = o.unit_code AND p.dossier_code = o.dossier_code
)
SELECT x.dossier_code, x.unit_code, k.class, x.origin_system,
       x.origin_status, x.portal_status,
       x.origin_received_at, x.portal_received_at,
       x.origin_due_at, x.portal_due_at,
       x.origin_end_at, x.portal_end_at,
       COALESCE(CASE WHEN k.class = 'missing_on_portal' THEN x.last_loaded_at ELSE x.pair_loaded_at END,
                now()) AS detected_at,
       x.origin_code, x.portal_code
  FROM pair x
  CROSS JOIN LATERAL (VALUES
    ('missing_on_portal',
     NOT x.on_portal
       AND x.origin_received_at < COALESCE(tthc.as_of_setting(), x.last_loaded_at) - interval '1 day'),
    ('stale_on_portal',
     x.on_portal AND x.origin_end_at IS NOT NULL
       AND (x.portal_end_at IS NULL
            OR tthc.status_progress(x.portal_status) < tthc.status_progress(x.origin_status))),
    ('false_overdue_on_portal',
     x.on_portal AND x.origin_outcome IN ('early', 'on_time', 'pending_in_time')
       AND x.portal_outcome IN ('late', 'pending_late')),
    ('date_mismatch',
     x.on_portal AND (
       (x.origin_received_at IS NULL) <> (x.portal_received_at IS NULL)
       OR abs(extract(epoch FROM x.origin_received_at - x.portal_received_at)) > 60
       OR (x.origin_due_at IS NULL) <> (x.portal_due_at IS NULL)
       OR abs(extract(epoch FROM x.origin_due_at - x.portal_due_at)) > 60))
  ) AS k(class, hit)
 WHERE k.hit;
COMMENT ON VIEW tthc.v_sync_discrepancies IS
  'Sai lệch giữa hệ thống gốc (Bộ hoặc thành phố) và bản sao trên Cổng DVCQG, mỗi loại sai lệch một dòng (metrics.md §5) / Discrepancies between the origin system (ministry or city) and the portal''s copy, one row per class (metrics.md §5)';
COMMENT ON COLUMN tthc.v_sync_discrepancies.dossier_code IS 'Mã hồ sơ hợp nhất / Merged dossier code';
COMMENT ON COLUMN tthc.v_sync_discrepancies.unit_code IS 'Mã xã / Commune code';
COMMENT ON COLUMN tthc.v_sync_discrepancies.class IS 'Loại sai lệch: missing_on_portal, stale_on_portal, false_overdue_on_portal, date_mismatch / Discrepancy class';
COMMENT ON COLUMN tthc.v_sync_discrepancies.origin_system IS 'Hệ thống gốc: ministry (Bộ) hoặc city (thành phố) / Origin system kind';
COMMENT ON COLUMN tthc.v_sync_discrepancies.origin_status IS 'Trạng thái (mã quốc gia) ở hệ thống gốc / National status in the origin system';
COMMENT ON COLUMN tthc.v_sync_discrepancies.portal_status IS 'Trạng thái (mã quốc gia) trên Cổng / National status on the portal';
COMMENT ON COLUMN tthc.v_sync_discrepancies.origin_received_at IS 'Ngày tiếp nhận ở hệ thống gốc / Received time in the origin system';
COMMENT ON COLUMN tthc.v_sync_discrepancies.portal_received_at IS 'Ngày tiếp nhận trên Cổng / Received time on the portal';
COMMENT ON COLUMN tthc.v_sync_discrepancies.origin_due_at IS 'Ngày hẹn trả ở hệ thống gốc / Due time in the origin system';
COMMENT ON COLUMN tthc.v_sync_discrepancies.portal_due_at IS 'Ngày hẹn trả trên Cổng / Due time on the portal';
COMMENT ON COLUMN tthc.v_sync_discrepancies.origin_end_at IS 'Thời điểm kết thúc xử lý theo hệ thống gốc (metrics.md §2) / End of processing by the origin''s record';
COMMENT ON COLUMN tthc.v_sync_discrepancies.portal_end_at IS 'Thời điểm kết thúc xử lý theo bản trên Cổng / End of processing by the portal''s copy';
COMMENT ON COLUMN tthc.v_sync_discrepancies.detected_at IS 'Thời điểm nạp của lần chạy mới nhất đã nạp một trong hai bản ghi (missing_on_portal: lần chạy thành công mới nhất) / Load time of the latest run that loaded either record (missing_on_portal: the latest successful run)';
COMMENT ON COLUMN tthc.v_sync_discrepancies.origin_code IS 'Mã hồ sơ trên hệ thống gốc / Dossier code in the origin system';
COMMENT ON COLUMN tthc.v_sync_discrepancies.portal_code IS 'Mã hồ sơ trên Cổng (trống nếu chưa có) / Dossier code on the portal, NULL when absent';

CREATE FUNCTION tthc.data_quality_issues(unit_code text, period_from date, period_to date)
RETURNS TABLE (dossier_code text, issue text, detail text)
LANGUAGE sql STABLE AS $$
  WITH d AS (
    SELECT d.*, p.max_days,
           tthc.dossier_end_at(d.finished_at, d.returned_at, d.status, d.received_at,
                               d.refused_at, d.steps, d.source_updated_at) AS end_at
      FROM tthc.dossier d
      LEFT JOIN tthc.procedure p ON p.procedure_code = d.procedure_code
     WHERE d.unit_code = ANY (ARRAY(SELECT tthc.units_of($1)))
  ), scope AS (
    -- the period's Biểu 06 scope, plus what bad data keeps out of it:
    -- received in the period but ended before it, ended in the period
    -- without ever being received
    SELECT * FROM d
     WHERE (d.received_at < tthc.local_start($3 + 1)
            AND (d.received_at >= tthc.local_start($2) OR d.end_at IS NULL
                 OR d.end_at >= tthc.local_start($2)))
        OR (d.received_at IS NULL
            AND COALESCE(d.finished_at, d.returned_at) >= tthc.local_start($2)
            AND COALESCE(d.finished_at, d.returned_at) < tthc.local_start($3 + 1))
  )
  SELECT NULL::text,
         CASE WHEN NOT c.identity_holds THEN 'bieu06_identity' ELSE 'bieu06_intake' END,
         format('lĩnh vực %s: tổng %s, đã giải quyết %s + đang giải quyết %s + dừng %s, tiếp nhận %s + kỳ trước %s / field %s: total %s, resolved %s + pending %s + stopped %s, received %s + carried over %s',
                COALESCE(c.field_code, 'Tổng cộng'), c.total, c.resolved, c.pending, c.stopped,
                c.received, c.carried_over,
                COALESCE(c.field_code, 'total'), c.total, c.resolved, c.pending, c.stopped,
                c.received, c.carried_over)
    FROM tthc.report_bieu06_check($1, $2, $3) c
   WHERE NOT (c.identity_holds AND c.intake_holds)
  UNION ALL
  SELECT s.dossier_code, i.issue, i.detail
    FROM scope s
    CROSS JOIN LATERAL (VALUES
      ('no_due_date',
       s.received_at IS NOT NULL AND s.due_at IS NULL AND s.max_days IS NULL,
       format('không có ngày hẹn trả, thủ tục %s không có thời hạn tối đa: tính là trễ hạn / no due date and procedure %s has no maximum time: counted late',
              COALESCE(s.procedure_code, '?'), COALESCE(s.procedure_code, '?'))),
      ('ended_before_received',
       s.end_at < s.received_at,
       format('kết thúc %s trước khi tiếp nhận %s / ended %s before received %s',
              s.end_at, s.received_at, s.end_at, s.received_at)),
      ('returned_before_finished',
       s.returned_at < s.finished_at,
       format('trả kết quả %s trước khi xử lý xong %s / returned %s before finished %s',
              s.returned_at, s.finished_at, s.returned_at, s.finished_at)),
      ('due_before_received',
       s.due_at < s.received_at,
       format('hẹn trả %s trước khi tiếp nhận %s / due %s before received %s',
              s.due_at, s.received_at, s.due_at, s.received_at)),
      ('ended_without_received',
       s.received_at IS NULL,
       format('đã xử lý xong / trả kết quả nhưng không có ngày tiếp nhận, không được tính trong Biểu 06 / finished or returned without a received time, not in Biểu 06 (status %s)',
              s.status)),
      ('terminal_status_without_time',
       s.received_at IS NOT NULL AND s.status IN (9, 10) AND s.finished_at IS NULL AND s.returned_at IS NULL,
       format('trạng thái %s nhưng không có ngày kết thúc xử lý hay ngày trả: tính là đang giải quyết / status %s without a finish or return time: counted pending',
              s.status, s.status)),
      ('supplement_outside_processing',
       s.received_at IS NOT NULL AND EXISTS (
         SELECT 1 FROM jsonb_to_recordset(COALESCE(s.supplements, '[]'::jsonb))
                    AS r(requested_at timestamptz, completed_at timestamptz)
          WHERE r.requested_at < s.received_at OR r.requested_at > s.end_at
             OR r.completed_at < r.requested_at OR r.completed_at > s.end_at),
       'yêu cầu bổ sung trước khi tiếp nhận, sau khi kết thúc, hoặc hoàn thành trước khi yêu cầu / supplement request before acceptance, after the end, or completed before requested'),
      ('no_field_code',
       s.field_code IS NULL,
       'không có mã lĩnh vực: báo cáo ở dòng "?" / no field code: reported under field "?"')
    ) AS i(issue, hit, detail)
   WHERE i.hit
   ORDER BY 1 NULLS FIRST, 2
$$;
COMMENT ON FUNCTION tthc.data_quality_issues(text, date, date) IS
  'Các vấn đề chất lượng dữ liệu của hồ sơ trong phạm vi kỳ báo cáo (không có hạn, kết thúc trước tiếp nhận, ...) và các dòng Biểu 06 sai đẳng thức; mỗi vấn đề một dòng / Data-quality issues of a period''s dossiers (no due date, ended before received, ...) and Biểu 06 rows breaking the identity; one row per issue';
