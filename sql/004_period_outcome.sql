-- 004_period_outcome.sql — one classification of every dossier in a period
-- (metrics.md §2, §3), shared by Biểu 06, the rates, the overdue lists and
-- the data-quality checks. The rules are those of docs/decisions.md
-- ("Which timestamp ends a dossier", "Biểu 06"); this migration only moves
-- them into reusable functions and makes report_bieu06 aggregate them.

-- ------------------------------------------------------------ helpers
CREATE FUNCTION tthc.units_of(unit_code text)
RETURNS SETOF text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT $1 WHERE length($1) = 5
  UNION ALL
  SELECT u.unit_code FROM tthc.unit u WHERE length($1) = 2 AND u.province_code = $1
$$;
COMMENT ON FUNCTION tthc.units_of(text) IS
  'Các mã xã thuộc phạm vi: chính xã đó (5 số) hoặc mọi xã của tỉnh (2 số) / The communes a unit code covers: itself (5 digits) or every commune of the province (2 digits)';

-- End time of processing (decisions.md "Which timestamp ends a dossier").
-- IMMUTABLE so that it can be indexed: the step times it reads are written
-- by the transform with an explicit UTC offset, so the text → timestamptz
-- cast does not depend on the session time zone.
CREATE FUNCTION tthc.dossier_end_at(finished_at timestamptz, returned_at timestamptz,
                                    status smallint, received_at timestamptz,
                                    refused_at timestamptz, steps jsonb,
                                    source_updated_at timestamptz)
RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
           WHEN $1 IS NOT NULL THEN $1
           WHEN $2 IS NOT NULL THEN $2
           WHEN $3 IN (3, 7, 8) AND $4 IS NOT NULL THEN
             COALESCE($5,
                      (SELECT min((j->>'at')::timestamptz)
                         FROM jsonb_array_elements(COALESCE($6, '[]'::jsonb)) j
                        WHERE (j->>'status')::integer = $3),
                      $7)
         END
$$;
COMMENT ON FUNCTION tthc.dossier_end_at(timestamptz, timestamptz, smallint, timestamptz, timestamptz, jsonb, timestamptz) IS
  'Thời điểm kết thúc xử lý theo metrics.md §2: kết thúc xử lý, trả kết quả, hoặc dừng / từ chối / rút sau tiếp nhận; NULL nếu chưa kết thúc / End of processing by metrics.md §2 (finished, returned, or stopped / refused / withdrawn after acceptance); NULL while open';

CREATE FUNCTION tthc.dossier_end_kind(finished_at timestamptz, returned_at timestamptz,
                                      status smallint, received_at timestamptz)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
           WHEN $1 IS NOT NULL OR $2 IS NOT NULL THEN 'resolved'
           WHEN $3 IN (3, 7, 8) AND $4 IS NOT NULL THEN 'stopped'
         END
$$;
COMMENT ON FUNCTION tthc.dossier_end_kind(timestamptz, timestamptz, smallint, timestamptz) IS
  'Cách kết thúc: resolved (đã giải quyết), stopped (dừng, từ chối, rút sau tiếp nhận), NULL nếu chưa kết thúc / How processing ended: resolved, stopped, or NULL while open';

CREATE FUNCTION tthc.effective_end(end_at timestamptz, end_kind text, supplements jsonb)
RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN $2 = 'resolved'
              THEN $1 - (tthc.supplement_state($3, $1)).pause END
$$;
COMMENT ON FUNCTION tthc.effective_end(timestamptz, text, jsonb) IS
  'Thời điểm kết thúc đã trừ các khoảng chờ bổ sung đã hoàn thành (chỉ hồ sơ đã giải quyết) / End minus the completed supplement periods, for resolved dossiers only';

-- The one classification (decisions.md "Biểu 06"), judged at instant t
-- (period end for Biểu 06, now() for the live overdue list).
CREATE FUNCTION tthc.outcome_at(end_at timestamptz, end_kind text, due_at timestamptz,
                                supplements jsonb, t timestamptz)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
           WHEN $1 IS NOT NULL AND $1 < $5 AND $2 = 'resolved' THEN
             CASE
               WHEN $3 IS NULL THEN 'late'
               WHEN tthc.local_date(tthc.effective_end($1, $2, $4)) < tthc.local_date($3) THEN 'early'
               WHEN tthc.local_date(tthc.effective_end($1, $2, $4)) = tthc.local_date($3) THEN 'on_time'
               ELSE 'late'
             END
           WHEN $1 IS NOT NULL AND $1 < $5 THEN 'stopped'
           WHEN s.n_open > 0 THEN
             CASE WHEN s.n_requests > 1 THEN 'pending_late' ELSE 'pending_in_time' END
           WHEN $3 IS NULL OR $3 + s.pause < $5 THEN 'pending_late'
           ELSE 'pending_in_time'
         END
    FROM tthc.supplement_state($4, $5) s
$$;
COMMENT ON FUNCTION tthc.outcome_at(timestamptz, text, timestamptz, jsonb, timestamptz) IS
  'Phân loại hồ sơ tại thời điểm t: early, on_time, late (đã giải quyết), pending_in_time, pending_late (đang giải quyết), stopped / A dossier''s Biểu 06 class judged at instant t: early, on_time, late, pending_in_time, pending_late or stopped';

CREATE FUNCTION tthc.pct(numerator bigint, denominator bigint)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN $2 > 0 THEN 100.0 * $1 / $2 END
$$;
COMMENT ON FUNCTION tthc.pct(bigint, bigint) IS
  'Tỷ lệ phần trăm chưa làm tròn; NULL khi mẫu số bằng 0 / Unrounded percentage; NULL when the denominator is 0';

-- When and how each dossier ended, with the end time from the shared
-- function (which is what the expression index below holds).
CREATE VIEW tthc.v_dossier_outcome AS
SELECT d.unit_code, d.dossier_code, d.field_code, d.field_name,
       d.department_code, d.department_name, d.channel, d.status,
       d.received_at,
       COALESCE(d.due_at, d.received_at + make_interval(days => p.max_days)) AS due_at,
       tthc.dossier_end_at(d.finished_at, d.returned_at, d.status, d.received_at,
                           d.refused_at, d.steps, d.source_updated_at) AS end_at,
       tthc.dossier_end_kind(d.finished_at, d.returned_at, d.status, d.received_at) AS end_kind,
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

-- ------------------------------------------------------------ indexes
-- A period's scope is "received in the period" (dossier_received_idx, from
-- 001) plus "received before and not ended before the period": the latter
-- is an index range on the end time (or its absence).
CREATE INDEX dossier_end_idx ON tthc.dossier
  (unit_code, tthc.dossier_end_at(finished_at, returned_at, status, received_at,
                                  refused_at, steps, source_updated_at));
COMMENT ON INDEX tthc.dossier_end_idx IS
  'Tìm hồ sơ chưa kết thúc trước đầu kỳ (chuyển kỳ trước sang) / Finds dossiers not ended before a period starts (carried over)';

-- ------------------------------------------------ per-dossier classification
CREATE FUNCTION tthc.dossier_period_outcome(unit_scope text, period_from date, period_to date)
RETURNS TABLE (unit_code text, dossier_code text,
               field_code text, field_name text,
               department_code text, department_name text,
               procedure_code text, channel smallint,
               received_at timestamptz, due_at timestamptz, due_missing boolean,
               end_at timestamptz, end_kind text, effective_end timestamptz,
               in_period boolean, carried_over boolean, outcome text,
               supplement_requests integer, supplement_open integer,
               on_portal boolean, has_digitised_component boolean,
               has_reused_component boolean, has_citizen_store_component boolean,
               has_e_result boolean, fee_total bigint, paid_online smallint,
               rating smallint, has_complaint boolean)
LANGUAGE sql STABLE AS $$
  SELECT x.unit_code, x.dossier_code, x.field_code, x.field_name,
         x.department_code, x.department_name, x.procedure_code,
         COALESCE(x.channel, 1)::smallint,
         x.received_at, x.due, x.due IS NULL,
         x.end_at, x.end_kind, tthc.effective_end(x.end_at, x.end_kind, x.supplements),
         x.received_at >= tthc.local_start($2), x.received_at < tthc.local_start($2),
         tthc.outcome_at(x.end_at, x.end_kind, x.due, x.supplements, tthc.local_start($3 + 1)),
         (tthc.supplement_state(x.supplements, tthc.local_start($3 + 1))).n_requests,
         (tthc.supplement_state(x.supplements, tthc.local_start($3 + 1))).n_open,
         x.on_portal, x.has_digitised_component, x.has_reused_component,
         x.has_citizen_store_component, x.has_e_result, x.fee_total, x.paid_online,
         x.rating, x.has_complaint
    FROM (
      SELECT d.*, COALESCE(d.due_at, d.received_at + make_interval(days => p.max_days)) AS due,
             tthc.dossier_end_at(d.finished_at, d.returned_at, d.status, d.received_at,
                                 d.refused_at, d.steps, d.source_updated_at) AS end_at,
             tthc.dossier_end_kind(d.finished_at, d.returned_at, d.status, d.received_at) AS end_kind
        FROM tthc.dossier d
        LEFT JOIN tthc.procedure p ON p.procedure_code = d.procedure_code
       WHERE d.unit_code = ANY (ARRAY(SELECT tthc.units_of($1)))
         -- received in the period, not ended before it (bad data: ended
         -- before received; listed by data_quality_issues)
         AND d.received_at >= tthc.local_start($2)
         AND d.received_at < tthc.local_start($3 + 1)
         AND (tthc.dossier_end_at(d.finished_at, d.returned_at, d.status, d.received_at,
                                  d.refused_at, d.steps, d.source_updated_at) IS NULL
              OR tthc.dossier_end_at(d.finished_at, d.returned_at, d.status, d.received_at,
                                     d.refused_at, d.steps, d.source_updated_at) >= tthc.local_start($2))
      UNION ALL
      SELECT d.*, COALESCE(d.due_at, d.received_at + make_interval(days => p.max_days)),
             tthc.dossier_end_at(d.finished_at, d.returned_at, d.status, d.received_at,
                                 d.refused_at, d.steps, d.source_updated_at),
             tthc.dossier_end_kind(d.finished_at, d.returned_at, d.status, d.received_at)
        FROM tthc.dossier d
        LEFT JOIN tthc.procedure p ON p.procedure_code = d.procedure_code
       WHERE d.unit_code = ANY (ARRAY(SELECT tthc.units_of($1)))
         -- carried over: received before, not ended before the period
         AND d.received_at < tthc.local_start($2)
         AND (tthc.dossier_end_at(d.finished_at, d.returned_at, d.status, d.received_at,
                                  d.refused_at, d.steps, d.source_updated_at) IS NULL
              OR tthc.dossier_end_at(d.finished_at, d.returned_at, d.status, d.received_at,
                                     d.refused_at, d.steps, d.source_updated_at) >= tthc.local_start($2))
    ) x
$$;
COMMENT ON FUNCTION tthc.dossier_period_outcome(text, date, date) IS
  'Mỗi hồ sơ thuộc phạm vi kỳ báo cáo (tiếp nhận trong kỳ hoặc từ kỳ trước chuyển sang) một dòng, kèm phân loại Biểu 06 và các cờ dùng tính tỷ lệ / One row per dossier in a period''s scope (received in the period or carried over) with its Biểu 06 class and the flags the rates need';

-- -------------------------------------------------------------- Biểu 06
CREATE FUNCTION tthc.report_bieu06(unit_code text, period_from date, period_to date)
RETURNS TABLE (field_code text, field_name text, total bigint,
               received_online bigint, received_direct bigint, received_postal bigint,
               carried_over bigint, resolved_early bigint, resolved_on_time bigint,
               resolved_late bigint, pending_in_time bigint, pending_late bigint,
               stopped bigint)
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN grouping(c.fc) = 1 THEN NULL ELSE c.fc END,
         CASE WHEN grouping(c.fc) = 1 THEN 'Tổng cộng' ELSE min(c.fn) END,
         count(*),
         count(*) FILTER (WHERE c.in_period AND c.channel = 2),
         count(*) FILTER (WHERE c.in_period AND c.channel = 1),
         count(*) FILTER (WHERE c.in_period AND c.channel = 3),
         count(*) FILTER (WHERE c.carried_over),
         count(*) FILTER (WHERE c.outcome = 'early'),
         count(*) FILTER (WHERE c.outcome = 'on_time'),
         count(*) FILTER (WHERE c.outcome = 'late'),
         count(*) FILTER (WHERE c.outcome = 'pending_in_time'),
         count(*) FILTER (WHERE c.outcome = 'pending_late'),
         count(*) FILTER (WHERE c.outcome = 'stopped')
    FROM (SELECT COALESCE(o.field_code, '?') AS fc,
                 COALESCE(o.field_name, 'Chưa xác định lĩnh vực') AS fn,
                 o.in_period, o.carried_over, o.channel, o.outcome
            FROM tthc.dossier_period_outcome($1, $2, $3) o) c
   GROUP BY ROLLUP (c.fc)
   ORDER BY grouping(c.fc), c.fc COLLATE "C"
$$;
COMMENT ON FUNCTION tthc.report_bieu06(text, date, date) IS
  'Biểu 06: tình hình, kết quả giải quyết TTHC theo lĩnh vực cho một xã (5 số) hoặc tỉnh (2 số) trong kỳ [từ, đến] / Period report per field for a commune (5 digits) or province (2 digits); total row has field_code NULL';

CREATE FUNCTION tthc.report_bieu06_check(unit_code text, period_from date, period_to date)
RETURNS TABLE (field_code text, total bigint, received bigint, carried_over bigint,
               resolved bigint, pending bigint, stopped bigint,
               identity_holds boolean, intake_holds boolean)
LANGUAGE sql STABLE AS $$
  SELECT r.field_code, r.total,
         r.received_online + r.received_direct + r.received_postal,
         r.carried_over,
         r.resolved_early + r.resolved_on_time + r.resolved_late,
         r.pending_in_time + r.pending_late,
         r.stopped,
         r.total = r.resolved_early + r.resolved_on_time + r.resolved_late
                   + r.pending_in_time + r.pending_late + r.stopped,
         r.total = r.received_online + r.received_direct + r.received_postal + r.carried_over
    FROM tthc.report_bieu06($1, $2, $3) r
$$;
COMMENT ON FUNCTION tthc.report_bieu06_check(text, date, date) IS
  'Kiểm tra từng dòng Biểu 06: tổng = đã giải quyết + đang giải quyết + dừng, và tổng = tiếp nhận trong kỳ + từ kỳ trước / Checks each Biểu 06 row: total = resolved + pending + stopped, and total = received + carried over';
