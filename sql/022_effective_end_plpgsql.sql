-- 022_effective_end_plpgsql.sql — the same effective end, computed without
-- the SQL-function executor (issue 11).
--
-- tthc.dossier.effective_ended_at (012) calls tthc.effective_end for every
-- dossier with supplement requests, on every write. As a LANGUAGE sql
-- function it is never inlined (it is IMMUTABLE, as a generated column
-- requires, but its body subtracts an interval from a timestamptz, which
-- is only STABLE), so each call started the executor for its one-line
-- SELECT: 37-45 µs a call, ~0.8 s per 100k records of a first load (a
-- sixth of the merged-dossier INSERT). The same expression in PL/pgSQL is
-- evaluated as a simple expression, with its plan cached: 7 µs a call
-- (measured on 14,812 dossiers with requests, identical results).
--
-- Same signature, same result for every input, so the stored columns stay
-- valid: nothing to recompute. tests/integration/test_stored_outcome.sh
-- holds effective_ended_at to this function and the classification to
-- 004/009's.
CREATE OR REPLACE FUNCTION tthc.effective_end(end_at timestamptz, end_kind text, supplements jsonb)
RETURNS timestamptz LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN CASE WHEN end_kind = 'resolved'
              THEN end_at - (tthc.supplement_state(supplements, end_at)).pause END;
END
$$;
COMMENT ON FUNCTION tthc.effective_end(timestamptz, text, jsonb) IS
  'Thời điểm kết thúc đã trừ các khoảng chờ bổ sung đã hoàn thành (chỉ hồ sơ đã giải quyết) / End minus the completed supplement periods, for resolved dossiers only';
