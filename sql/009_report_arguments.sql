-- 009_report_arguments.sql — the report functions refuse bad arguments
-- instead of answering with an empty report (decisions.md, "Report
-- arguments"). A mistyped commune code, a NULL date or a period whose start
-- is after its end used to give a Biểu 06 of zeros, which looks like a real
-- report; now they raise an error that names the argument:
--
--   SQLSTATE 22004 (null_value_not_allowed)  unit_code, period_from or period_to is NULL
--   SQLSTATE 22023 (invalid_parameter_value) unit_code neither 5 nor 2 digits; a unit
--                                            the warehouse does not know; an infinite
--                                            date; period_from after period_to
--
-- A unit is known when tthc.unit lists it (a commune, or a province with at
-- least one commune) or, for a commune, when the warehouse holds dossiers of
-- it (a warehouse whose commune list was not loaded still reports them).
--
-- The check is one STABLE function, called from tthc.dossier_period_outcome,
-- which report_bieu06, report_bieu06_check, report_rates,
-- report_overdue_by_department and data_quality_issues all go through. It is
-- a UNION ALL branch of its own whose only condition is the check: the call
-- takes only the arguments, so it is a one-time filter evaluated before any
-- row is read (it raises even on an empty warehouse), and no constant the
-- planner folds elsewhere (received_at >= NULL) can prune it. The functions
-- stay inlinable SQL: their plans still use the (unit_code, received_at) and
-- end-time indexes.

CREATE FUNCTION tthc.report_arguments_check(unit_code text, period_from date, period_to date)
RETURNS boolean LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  hint_unit constant text :=
    'Pass a 5-digit commune code (e.g. 11002) or a 2-digit province code (e.g. 31) of tthc.unit.';
BEGIN
  IF $1 IS NULL THEN
    RAISE EXCEPTION 'report argument unit_code is NULL'
      USING ERRCODE = 'null_value_not_allowed',
            DETAIL = 'Mã đơn vị (unit_code) không được để trống.', HINT = hint_unit;
  END IF;
  IF $2 IS NULL OR $3 IS NULL THEN
    RAISE EXCEPTION 'report argument % is NULL', CASE WHEN $2 IS NULL THEN 'period_from' ELSE 'period_to' END
      USING ERRCODE = 'null_value_not_allowed',
            DETAIL = 'Ngày đầu kỳ (period_from) và ngày cuối kỳ (period_to) không được để trống.',
            HINT = 'A period is [period_from, period_to], both local dates included, e.g. ''2026-04-01'', ''2026-04-30''.';
  END IF;
  IF $1 !~ '^([0-9]{2}|[0-9]{5})$' THEN
    RAISE EXCEPTION 'report argument unit_code "%" is neither a commune code (5 digits) nor a province code (2 digits)', $1
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Mã đơn vị phải là mã xã 5 chữ số hoặc mã tỉnh 2 chữ số.', HINT = hint_unit;
  END IF;
  IF (length($1) = 5
      AND NOT EXISTS (SELECT 1 FROM tthc.unit u WHERE u.unit_code = $1)
      AND NOT EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.unit_code = $1))
     OR (length($1) = 2 AND NOT EXISTS (SELECT 1 FROM tthc.unit u WHERE u.province_code = $1)) THEN
    RAISE EXCEPTION 'report argument unit_code "%" is not a known %', $1,
                    CASE WHEN length($1) = 5 THEN 'commune' ELSE 'province' END
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('Không có %s mã %s trong tthc.unit%s.',
                            CASE WHEN length($1) = 5 THEN 'xã' ELSE 'tỉnh' END, $1,
                            CASE WHEN length($1) = 5 THEN ' và kho không có hồ sơ nào của xã này' ELSE '' END),
            HINT = 'Check the code against tthc.unit; load the commune list with tthc-load --units units-2025.csv.';
  END IF;
  IF NOT isfinite($2) OR NOT isfinite($3) THEN
    RAISE EXCEPTION 'report argument % is not a finite date', CASE WHEN NOT isfinite($2) THEN 'period_from' ELSE 'period_to' END
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Kỳ báo cáo phải có ngày đầu và ngày cuối cụ thể.';
  END IF;
  IF $2 > $3 THEN
    RAISE EXCEPTION 'report argument period_from (%) is after period_to (%)', $2, $3
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Ngày đầu kỳ sau ngày cuối kỳ.',
            HINT = 'A period is [period_from, period_to], both local dates included; swap them.';
  END IF;
  RETURN true;
END
$$;
COMMENT ON FUNCTION tthc.report_arguments_check(text, date, date) IS
  'Kiểm tra tham số của các hàm báo cáo: mã xã/tỉnh có trong kho, ngày không trống, đầu kỳ không sau cuối kỳ; báo lỗi nêu tên tham số (SQLSTATE 22004, 22023), nếu hợp lệ trả true / Checks the report functions'' arguments (a known commune or province, no NULL, period_from <= period_to); raises an error naming the argument (SQLSTATE 22004 or 22023), else returns true';

-- 004's classification, unchanged but for the argument check (the first
-- branch): same signature, so every report function that calls it follows.
CREATE OR REPLACE FUNCTION tthc.dossier_period_outcome(unit_scope text, period_from date, period_to date)
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
  -- The check, as a branch of its own that nothing can prune: a NULL date
  -- makes the scans below constant-false (received_at >= NULL), and a
  -- caller's condition pushed into a branch of constants (outcome IN (…)
  -- on a NULL) would make this one constant too, but OFFSET 0 keeps the
  -- caller's conditions out of it, and the check is STABLE, so it is never
  -- folded. It raises, or returns no row.
  SELECT * FROM (
    SELECT NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
           NULL::smallint, NULL::timestamptz, NULL::timestamptz, NULL::boolean,
           NULL::timestamptz, NULL::text, NULL::timestamptz, NULL::boolean, NULL::boolean, NULL::text,
           NULL::integer, NULL::integer, NULL::boolean, NULL::boolean, NULL::boolean, NULL::boolean,
           NULL::boolean, NULL::bigint, NULL::smallint, NULL::smallint, NULL::boolean
     WHERE NOT tthc.report_arguments_check($1, $2, $3)
    OFFSET 0) guard
  UNION ALL
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
  'Mỗi hồ sơ thuộc phạm vi kỳ báo cáo (tiếp nhận trong kỳ hoặc từ kỳ trước chuyển sang) một dòng, kèm phân loại Biểu 06 và các cờ dùng tính tỷ lệ; tham số sai thì báo lỗi (report_arguments_check) / One row per dossier in a period''s scope (received in the period or carried over) with its Biểu 06 class and the flags the rates need; bad arguments raise an error (report_arguments_check)';
