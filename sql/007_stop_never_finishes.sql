-- 007_stop_never_finishes.sql — a stopped, withdrawn or refused dossier is
-- never counted as finished (decisions.md, "Which timestamp ends a
-- dossier").
--
-- Real systems fill NgayKetThucXuLy (the end of processing) however
-- processing ended, so a dossier stopped (8), withdrawn (7) or refused
-- after acceptance (3) can carry it; 004 let any finish time win and
-- counted such a dossier as resolved early / on time / late, leaving
-- Biểu 06's `stopped` column at 0. The status now decides between the two
-- kinds of end, and the times only say when: a stop status ends as
-- stopped (at NgayTuChoi, else NgayKetThucXuLy, else the step that reached
-- the status, else the update time); any other status with a finish or
-- return time ends as resolved — a stale copy with status 4 and a finish
-- time is still finished, as before.
--
-- Same signatures as 004, so every view and function that calls them
-- follows; the expression index over dossier_end_at is rebuilt.

CREATE OR REPLACE FUNCTION tthc.dossier_end_at(finished_at timestamptz, returned_at timestamptz,
                                               status smallint, received_at timestamptz,
                                               refused_at timestamptz, steps jsonb,
                                               source_updated_at timestamptz)
RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
           WHEN $3 IN (3, 7, 8) THEN
             CASE WHEN $4 IS NOT NULL THEN
               COALESCE($5, $1,
                        (SELECT min((j->>'at')::timestamptz)
                           FROM jsonb_array_elements(COALESCE($6, '[]'::jsonb)) j
                          WHERE (j->>'status')::integer = $3),
                        $7)
             END
           WHEN $1 IS NOT NULL THEN $1
           WHEN $2 IS NOT NULL THEN $2
         END
$$;
COMMENT ON FUNCTION tthc.dossier_end_at(timestamptz, timestamptz, smallint, timestamptz, timestamptz, jsonb, timestamptz) IS
  'Thời điểm kết thúc xử lý (metrics.md §2): trạng thái dừng / rút / từ chối sau tiếp nhận kết thúc tại ngày từ chối, ngày kết thúc xử lý, bước tương ứng hoặc ngày cập nhật; trạng thái khác kết thúc tại ngày kết thúc xử lý hoặc ngày trả; NULL nếu chưa kết thúc / End of processing: a stop, withdrawal or refusal after acceptance ends at NgayTuChoi, NgayKetThucXuLy, its step or the update time; any other status at the finish or return time; NULL while open';

CREATE OR REPLACE FUNCTION tthc.dossier_end_kind(finished_at timestamptz, returned_at timestamptz,
                                                 status smallint, received_at timestamptz)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
           WHEN $3 IN (3, 7, 8) THEN CASE WHEN $4 IS NOT NULL THEN 'stopped' END
           WHEN $1 IS NOT NULL OR $2 IS NOT NULL THEN 'resolved'
         END
$$;
COMMENT ON FUNCTION tthc.dossier_end_kind(timestamptz, timestamptz, smallint, timestamptz) IS
  'Cách kết thúc: stopped (trạng thái 3, 7, 8 sau tiếp nhận, dù có ngày kết thúc xử lý), resolved (có ngày kết thúc xử lý hoặc ngày trả), NULL nếu chưa kết thúc / How processing ended: stopped (status 3, 7 or 8 after acceptance, even with a finish time), resolved (a finish or return time), or NULL while open';

REINDEX INDEX tthc.dossier_end_idx;
