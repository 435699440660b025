-- 003_reports.sql — the time helpers the reports share: supplement pauses
-- (metrics.md §2) and local dates. The rules where the spec leaves room are
-- in docs/decisions.md; sim/truth.c computes the same figures independently.

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
