-- 012_stored_outcome.sql — each dossier's end is computed once, when it is
-- written, and the reports classify each row once (issue 11).
--
-- Profile (bench/before/profile, EXPLAIN (ANALYZE, BUFFERS) on 10M
-- dossiers: report_rates('01', 2025) 49.9 s, report_bieu06 28.7 s): the
-- report functions spent nearly all their time in SQL functions executed
-- row by row (~170 µs per dossier), not in reading rows.
-- tthc.dossier_end_at (its step look-up is a sub-select), tthc.outcome_at
-- and tthc.supplement_state (FROM clauses) cannot be inlined, so each call
-- runs the SQL-function executor, several per row; and where
-- dossier_period_outcome is flattened into its caller, each reference to
-- its `outcome` column is another evaluation (report_rates has 16).
--
-- The rules (decisions.md "Which timestamp ends a dossier", sql/004 + 007)
-- do not change; only where and how often they are evaluated:
--   1. dossier_end_at gets a body of the same meaning that the planner can
--      inline: the rare look-up (the step that reached a stop status) moves
--      into a helper that is only called when it can matter; the supplement
--      pauses are only computed for a dossier that has requests.
--   2. tthc.dossier stores ended_at, ended_as and effective_ended_at as
--      generated columns (computed by those functions on every INSERT and
--      UPDATE, whoever writes the row); the two scope indexes hold the
--      stored end and the received time both.
--   3. dossier_period_outcome reads the stored columns, computes the
--      supplement state at period end once per row (only for rows with
--      requests), and returns its classification through a fence (OFFSET
--      0) so that callers aggregate a value, not a copy of the expression.
-- tests/integration/test_stored_outcome.sh holds the stored columns and
-- the classification to the 004/007 functions for every dossier.
--
-- The effective due (due_at, else received_at + procedure.max_days) stays
-- computed at query time: max_days can be corrected after the dossiers are
-- loaded, and a join with tthc.procedure costs little beside the rest.
--
-- A later migration that changes dossier_end_at, dossier_end_kind or
-- effective_end must recompute the stored columns (UPDATE tthc.dossier SET
-- status = status rewrites every generated column).

-- ------------------------------------------------------------ 1. inlinable rules
CREATE FUNCTION tthc.stop_step_at(steps jsonb, status smallint)
RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT min((j->>'at')::timestamptz)
    FROM jsonb_array_elements(COALESCE($1, '[]'::jsonb)) j
   WHERE (j->>'status')::integer = $2
$$;
COMMENT ON FUNCTION tthc.stop_step_at(jsonb, smallint) IS
  'Thời điểm sớm nhất của bước xử lý đạt trạng thái đã cho / Time of the first processing step that reached the given status';

-- 007's rule, word for word, with the step look-up in stop_step_at: a body
-- without a sub-select is inlined, so the rule costs a CASE per row.
CREATE OR REPLACE FUNCTION tthc.dossier_end_at(finished_at timestamptz, returned_at timestamptz,
                                               status smallint, received_at timestamptz,
                                               refused_at timestamptz, steps jsonb,
                                               source_updated_at timestamptz)
RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
           WHEN $3 IN (3, 7, 8) THEN
             CASE WHEN $4 IS NOT NULL THEN COALESCE($5, $1, tthc.stop_step_at($6, $3), $7) END
           WHEN $1 IS NOT NULL THEN $1
           WHEN $2 IS NOT NULL THEN $2
         END
$$;

-- outcome_at's classification from its parts, for a caller that has them
-- already: the end (stored), the effective end (stored), the due, and the
-- supplement state at t (NULLs for a dossier without requests). Same
-- branches as outcome_at (004), in the same order. STABLE, not IMMUTABLE
-- (due + pause is timestamptz + interval), so that it is inlined.
CREATE FUNCTION tthc.outcome_of(end_at timestamptz, end_kind text, effective_end timestamptz,
                                due_at timestamptz, n_requests integer, n_open integer,
                                pause interval, t timestamptz)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE
           WHEN $1 < $8 AND $2 = 'resolved' THEN
             CASE
               WHEN $4 IS NULL THEN 'late'
               WHEN tthc.local_date($3) < tthc.local_date($4) THEN 'early'
               WHEN tthc.local_date($3) = tthc.local_date($4) THEN 'on_time'
               ELSE 'late'
             END
           WHEN $1 < $8 THEN 'stopped'
           WHEN $6 > 0 THEN
             CASE WHEN $5 > 1 THEN 'pending_late' ELSE 'pending_in_time' END
           WHEN $4 IS NULL OR $4 + COALESCE($7, interval '0') < $8 THEN 'pending_late'
           ELSE 'pending_in_time'
         END
$$;
COMMENT ON FUNCTION tthc.outcome_of(timestamptz, text, timestamptz, timestamptz, integer, integer, interval, timestamptz) IS
  'Phân loại Biểu 06 tại thời điểm t từ các phần đã tính: kết thúc, kết thúc đã trừ bổ sung, hạn, tình trạng bổ sung tại t (như outcome_at) / The Biểu 06 class at t from its computed parts (end, effective end, due, supplement state at t), as tthc.outcome_at';

-- ------------------------------------------------------------ 2. stored end
ALTER TABLE tthc.dossier
  ADD COLUMN ended_at timestamptz GENERATED ALWAYS AS (
    tthc.dossier_end_at(finished_at, returned_at, status, received_at, refused_at, steps,
                        source_updated_at)) STORED,
  ADD COLUMN ended_as text GENERATED ALWAYS AS (
    tthc.dossier_end_kind(finished_at, returned_at, status, received_at)) STORED,
  -- effective_end(dossier_end_at(…), dossier_end_kind(…), supplements),
  -- written with the end a resolved dossier has by 007's rule (its finish,
  -- else its return time; effective_end is NULL for any other kind).
  -- effective_end cannot be inlined (timestamptz − interval is only
  -- STABLE), so it is called only when there is a pause to subtract: a
  -- dossier without supplement requests ends when it ends.
  ADD COLUMN effective_ended_at timestamptz GENERATED ALWAYS AS (
    CASE WHEN supplements IS NULL OR supplements = '[]'::jsonb
         THEN CASE WHEN tthc.dossier_end_kind(finished_at, returned_at, status, received_at) = 'resolved'
                   THEN COALESCE(finished_at, returned_at) END
         ELSE tthc.effective_end(
                COALESCE(finished_at, returned_at),
                tthc.dossier_end_kind(finished_at, returned_at, status, received_at),
                supplements)
    END) STORED;
COMMENT ON COLUMN tthc.dossier.ended_at IS
  'Thời điểm kết thúc xử lý (tthc.dossier_end_at, tính khi ghi); NULL nếu chưa kết thúc / End of processing (tthc.dossier_end_at, computed when the row is written); NULL while open';
COMMENT ON COLUMN tthc.dossier.ended_as IS
  'Cách kết thúc: resolved hoặc stopped (tthc.dossier_end_kind, tính khi ghi) / How processing ended: resolved or stopped (tthc.dossier_end_kind, computed when written)';
COMMENT ON COLUMN tthc.dossier.effective_ended_at IS
  'Thời điểm kết thúc đã trừ thời gian chờ bổ sung, chỉ hồ sơ đã giải quyết (tthc.effective_end, tính khi ghi) / End minus the completed supplement pauses, resolved dossiers only (tthc.effective_end, computed when written)';

-- The carried-over scope is "received before the period, not ended before
-- it". Both indexes hold both times, so whichever range the planner walks
-- (the end times since the period started, or the received times before
-- it) checks the other time in the index itself: a dossier outside the
-- scope costs an index entry, not a heap visit.
DROP INDEX tthc.dossier_end_idx;
CREATE INDEX dossier_end_idx ON tthc.dossier (unit_code, ended_at, received_at);
COMMENT ON INDEX tthc.dossier_end_idx IS
  'Tìm hồ sơ chưa kết thúc trước đầu kỳ (chuyển kỳ trước sang) / Finds dossiers not ended before a period starts (carried over)';
DROP INDEX tthc.dossier_received_idx;
CREATE INDEX dossier_received_idx ON tthc.dossier (unit_code, received_at, ended_at);
COMMENT ON INDEX tthc.dossier_received_idx IS
  'Hồ sơ tiếp nhận trong kỳ của một xã / A commune''s dossiers received in a period';

-- ------------------------------------------------------------ 3. one classification per row
-- supplement_state's row under a name, so that a query can carry it as one
-- value (an anonymous record cannot be taken apart after a CASE).
CREATE TYPE tthc.supplement_summary AS (n_requests integer, n_open integer, pause interval);
COMMENT ON TYPE tthc.supplement_summary IS
  'Tình trạng yêu cầu bổ sung tại một thời điểm (như tthc.supplement_state) / Supplement requests made, open and the paused time at an instant (as tthc.supplement_state)';

-- 009's function (argument check first), reading the stored end. Two
-- fences: the inner one computes the due and the supplement state once per
-- row, the outer one the classification, so that neither is copied into
-- each reference a caller makes (report_rates has 16).
--
-- The scope is 004's, with "carried over" in two parts so that each has an
-- index range: still open (ended_at IS NULL) and ended since the period
-- started, both received before it.
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
  SELECT * FROM (
    SELECT NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
           NULL::smallint, NULL::timestamptz, NULL::timestamptz, NULL::boolean,
           NULL::timestamptz, NULL::text, NULL::timestamptz, NULL::boolean, NULL::boolean, NULL::text,
           NULL::integer, NULL::integer, NULL::boolean, NULL::boolean, NULL::boolean, NULL::boolean,
           NULL::boolean, NULL::bigint, NULL::smallint, NULL::smallint, NULL::boolean
     WHERE NOT tthc.report_arguments_check($1, $2, $3)
    OFFSET 0) guard
  UNION ALL
  SELECT * FROM (
    SELECT x.unit_code, x.dossier_code, x.field_code, x.field_name,
           x.department_code, x.department_name, x.procedure_code,
           COALESCE(x.channel, 1)::smallint,
           x.received_at, x.due, x.due IS NULL,
           x.ended_at, x.ended_as, x.effective_ended_at,
           x.received_at >= tthc.local_start($2), x.received_at < tthc.local_start($2),
           tthc.outcome_of(x.ended_at, x.ended_as, x.effective_ended_at, x.due,
                           (x.s).n_requests, (x.s).n_open, (x.s).pause, tthc.local_start($3 + 1)),
           COALESCE((x.s).n_requests, 0), COALESCE((x.s).n_open, 0),
           x.on_portal, x.has_digitised_component, x.has_reused_component,
           x.has_citizen_store_component, x.has_e_result, x.fee_total, x.paid_online,
           x.rating, x.has_complaint
      FROM (
        SELECT d.*, COALESCE(d.due_at, d.received_at + make_interval(days => p.max_days)) AS due,
               CASE WHEN d.supplements IS NOT NULL AND d.supplements <> '[]'::jsonb
                    THEN (SELECT ROW(s.*)::tthc.supplement_summary
                            FROM tthc.supplement_state(d.supplements, tthc.local_start($3 + 1)) s)
               END AS s
          FROM (
            -- received in the period, not ended before it (bad data: ended
            -- before received; listed by data_quality_issues)
            SELECT d.* FROM tthc.dossier d
             WHERE d.unit_code = ANY (ARRAY(SELECT tthc.units_of($1)))
               AND d.received_at >= tthc.local_start($2)
               AND d.received_at < tthc.local_start($3 + 1)
               AND (d.ended_at IS NULL OR d.ended_at >= tthc.local_start($2))
            UNION ALL
            -- carried over, still open
            SELECT d.* FROM tthc.dossier d
             WHERE d.unit_code = ANY (ARRAY(SELECT tthc.units_of($1)))
               AND d.received_at < tthc.local_start($2)
               AND d.ended_at IS NULL
            UNION ALL
            -- carried over, ended in or after the period
            SELECT d.* FROM tthc.dossier d
             WHERE d.unit_code = ANY (ARRAY(SELECT tthc.units_of($1)))
               AND d.received_at < tthc.local_start($2)
               AND d.ended_at >= tthc.local_start($2)
          ) d
          LEFT JOIN tthc.procedure p ON p.procedure_code = d.procedure_code
        OFFSET 0) x
    OFFSET 0) classified
$$;
COMMENT ON FUNCTION tthc.dossier_period_outcome(text, date, date) IS
  'Mỗi hồ sơ thuộc phạm vi kỳ báo cáo (tiếp nhận trong kỳ hoặc từ kỳ trước chuyển sang) một dòng, kèm phân loại Biểu 06 (tính một lần mỗi dòng, từ thời điểm kết thúc đã lưu) và các cờ dùng tính tỷ lệ; tham số sai thì báo lỗi / One row per dossier in a period''s scope (received in the period or carried over) with its Biểu 06 class (computed once per row from the stored end) and the flags the rates need; bad arguments raise an error';
