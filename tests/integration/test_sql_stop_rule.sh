#!/bin/bash
# decisions.md "Which timestamp ends a dossier": a stop status (3 refused
# after acceptance, 7 withdrawn, 8 stopped) never counts as finishing, even
# when the record gives NgayKetThucXuLy (real systems fill it however
# processing ended); a stale copy with status 4 and a finish time is
# finished. Checked on tthc.dossier_end_at / dossier_end_kind, which every
# report reads.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg

# case STATUS RECEIVED FINISHED RETURNED REFUSED STEPS UPDATED -> "kind|end"
end_of() {
  psql -XAtq -v ON_ERROR_STOP=1 -c "SET TimeZone = 'Asia/Ho_Chi_Minh';
    SELECT coalesce(tthc.dossier_end_kind(f, r, s, rc), '-') || '|' ||
           coalesce(to_char(tthc.dossier_end_at(f, r, s, rc, rf, st, u), 'YYYY-MM-DD HH24:MI'), '-')
      FROM (SELECT $1::smallint s, $2::timestamptz rc, $3::timestamptz f, $4::timestamptz r,
                   $5::timestamptz rf, $6::jsonb st, $7::timestamptz u) x"
}
R="'2026-04-01 08:00+07'" F="'2026-04-03 10:00+07'" T="'2026-04-04 09:00+07'"
X="'2026-04-02 11:00+07'" U="'2026-04-05 12:00+07'" N=NULL
STEP8="'[{\"at\": \"2026-04-02T04:00:00+00:00\", \"status\": 8}]'"

assert_eq "stopped|2026-04-03 10:00" "$(end_of 8 "$R" "$F" "$N" "$N" "$N" "$U")" \
  "status 8 with NgayKetThucXuLy only: stopped at NgayKetThucXuLy, not resolved"
assert_eq "stopped|2026-04-02 11:00" "$(end_of 7 "$R" "$F" "$N" "$X" "$N" "$U")" \
  "status 7 with NgayTuChoi and NgayKetThucXuLy: stopped at NgayTuChoi"
assert_eq "stopped|2026-04-02 11:00" "$(end_of 8 "$R" "$N" "$N" "$N" "$STEP8" "$U")" \
  "status 8 with only the step: stopped at the step"
assert_eq "stopped|2026-04-03 10:00" "$(end_of 3 "$R" "$F" "$T" "$N" "$N" "$U")" \
  "status 3 after acceptance with finish and return times: stopped, never resolved"
assert_eq "stopped|2026-04-05 12:00" "$(end_of 8 "$R" "$N" "$N" "$N" "$N" "$U")" \
  "status 8 with no time at all: stopped at the update time"
assert_eq "-|-" "$(end_of 3 "$N" "$F" "$N" "$N" "$N" "$U")" \
  "status 3 never accepted (refused at intake) with a finish time: no end (not received)"
assert_eq "resolved|2026-04-03 10:00" "$(end_of 4 "$R" "$F" "$N" "$N" "$N" "$U")" \
  "stale copy, status 4 with a finish time: resolved (finished)"
assert_eq "resolved|2026-04-04 09:00" "$(end_of 10 "$R" "$N" "$T" "$N" "$N" "$U")" \
  "status 10 with only the return time: resolved at it"
assert_eq "-|-" "$(end_of 5 "$R" "$N" "$N" "$N" "$N" "$U")" "status 5, no times: open"
harness_done
