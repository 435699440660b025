#!/bin/bash
# The invariants of sql/012 and sql/013 (issue 11), on random source records
# loaded in three runs (new records, newer versions, records linking two
# existing dossiers):
#   - the stored ended_at / ended_as / effective_ended_at of every dossier
#     equal 007's end rule (its original text, below) and 004's
#     effective_end;
#   - dossier_period_outcome (stored end, one classification per row)
#     returns, for several units and periods, exactly the rows 004/009's
#     definition gives (scope and outcome_at on the original rule);
#   - 013's set-based link_dossiers / merge_dossiers build the same
#     dossiers, source links, aliases and events as 002's functions on the
#     same records (each dossier has at most one record per source kind, the
#     case where 002's choice was defined).
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg
"$TTHC_BIN/tthc-load" --units "$SHARED_DIR/reference/units-2025.csv" >/dev/null 2>&1 || { echo "units failed"; exit 1; }

q() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

# ---------------------------------------------------------------- records
# Groups of one real dossier: a city record C-g, a portal copy (its own code
# P-g linked to C-g, or the city code itself), a ministry record M-g linked
# to C-g; run 3 adds ministry records B-g linking a city-only group and a
# portal-only group (a bridge). Every field is drawn, absent often enough
# for the order of preference to matter.
psql -Xq -v ON_ERROR_STOP=1 >"$TMP/gen.log" 2>&1 <<SQL || { cat "$TMP/gen.log"; exit 1; }
SELECT setseed(0.11);
CREATE TABLE gen AS
WITH g AS (
  SELECT g, (ARRAY['00004','00008','00025','00070'])[1 + g % 4] AS unit,
         timestamptz '2025-01-01 08:00+07' + (g % 400) * interval '1 day' + (g % 97) * interval '7 minutes' AS t0,
         random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
    FROM generate_series(1, 4000) g
), rec AS (
  SELECT g, unit, t0, r1, r2, r3, r4, r5, k.kind, k.code, k.linked, k.run
    FROM g CROSS JOIN LATERAL (VALUES
      ('city', 'C-' || g, NULL::jsonb, CASE WHEN r1 < 0.5 THEN 1 ELSE 2 END, r2 < 0.8),
      ('portal', CASE WHEN r3 < 0.5 THEN 'P-' || g ELSE 'C-' || g END,
                 CASE WHEN r3 < 0.5 THEN jsonb_build_array('C-' || g) END, CASE WHEN r4 < 0.5 THEN 1 ELSE 2 END, r5 < 0.7),
      ('ministry', 'M-' || g, jsonb_build_array('C-' || g), 2, r1 > 0.85),
      -- a bridge in run 3 between group g (city only) and group g + 1 (portal only)
      ('ministry', 'B-' || g, jsonb_build_array('C-' || g, 'P-' || (g + 1)), 3, g % 40 = 0)
    ) k(kind, code, linked, run, present)
   WHERE k.present
     -- groups the bridges join: city only, and portal only under its own code
     AND NOT (g % 40 = 0 AND k.kind <> 'city' AND k.code NOT LIKE 'B-%')
     AND NOT (g % 40 = 1 AND k.kind <> 'portal')
)
SELECT unit, kind, code, linked, run, t0,
       (ARRAY[1,2,4,5,6,9,10,3,7,8])[1 + floor(random() * 10)::int]::smallint AS status,
       CASE WHEN random() < 0.3 THEN NULL ELSE 1 + floor(random() * 3)::int END::smallint AS channel,
       CASE WHEN random() < 0.2 THEN NULL ELSE 'F' || floor(random() * 4)::int END AS field_code,
       CASE WHEN random() < 0.2 THEN NULL ELSE 'P' || floor(random() * 3)::int END AS procedure_code,
       CASE WHEN random() < 0.1 THEN NULL ELSE 'D' || floor(random() * 3)::int END AS department_code,
       CASE WHEN random() < 0.9 THEN t0 END AS received_at,
       CASE WHEN random() < 0.8 THEN t0 + floor(random() * 10) * interval '1 day' END AS due_at,
       CASE WHEN random() < 0.5 THEN t0 + floor(random() * 12 * 24) * interval '1 hour' END AS finished_at,
       CASE WHEN random() < 0.3 THEN t0 + floor(random() * 14 * 24) * interval '1 hour' END AS returned_at,
       CASE WHEN random() < 0.2 THEN t0 + floor(random() * 5 * 24) * interval '1 hour' END AS refused_at,
       CASE floor(random() * 6)::int
         WHEN 0 THEN '[]'::jsonb
         WHEN 1 THEN jsonb_build_array(jsonb_build_object('requested_at', t0 + interval '1 day', 'completed_at', t0 + interval '3 days'))
         WHEN 2 THEN jsonb_build_array(jsonb_build_object('requested_at', t0 + interval '1 day'))
         WHEN 3 THEN jsonb_build_array(jsonb_build_object('requested_at', t0 + interval '1 day', 'completed_at', t0 + interval '2 days'),
                                       jsonb_build_object('requested_at', t0 + interval '4 days', 'completed_at', t0 + interval '40 days'))
       END AS supplements,
       CASE WHEN random() < 0.3 THEN jsonb_build_array(
              jsonb_build_object('at', to_char((t0 + interval '2 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'), 'status', 8, 'department', 'D1'),
              jsonb_build_object('at', to_char((t0 + interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'), 'status', 4))
       END AS steps,
       CASE WHEN random() < 0.3 THEN NULL ELSE random() < 0.5 END AS has_digitised_component,
       CASE WHEN random() < 0.3 THEN NULL ELSE random() < 0.5 END AS has_e_result,
       CASE WHEN random() < 0.5 THEN NULL ELSE floor(random() * 3)::bigint * 10000 END AS fee_total,
       CASE WHEN random() < 0.5 THEN NULL ELSE floor(random() * 3)::int END::smallint AS paid_online,
       CASE WHEN random() < 0.6 THEN NULL ELSE 1 + floor(random() * 3)::int END::smallint AS rating,
       CASE WHEN random() < 0.5 THEN NULL ELSE random() < 0.2 END AS has_complaint
  FROM rec;
-- newer versions in run 3 of some run-1 and run-2 records
INSERT INTO gen
SELECT unit, kind, code, linked, 3, t0,
       CASE WHEN status IN (9, 10) THEN 8 ELSE 10 END::smallint, channel, field_code, procedure_code, department_code,
       received_at, due_at, COALESCE(finished_at, t0 + interval '2 days'), returned_at, refused_at, supplements, steps,
       has_digitised_component, has_e_result, fee_total, paid_online, rating, has_complaint
  FROM gen WHERE run < 3 AND random() < 0.15;
\\copy gen TO '$TMP/gen.tsv'
SQL
ok "$(wc -l <"$TMP/gen.tsv") random source records in 3 runs"

# load_runs DB: the records into DB, one merge per run, as the loader does
# (a newer version replaces the stored one).
load_runs() {
  psql -d "$1" -Xq -v ON_ERROR_STOP=1 >"$TMP/load.$1.log" 2>&1 <<SQL
CREATE TEMP TABLE gen (unit text, kind text, code text, linked jsonb, run int, t0 timestamptz, status smallint,
  channel smallint, field_code text, procedure_code text, department_code text, received_at timestamptz,
  due_at timestamptz, finished_at timestamptz, returned_at timestamptz, refused_at timestamptz, supplements jsonb,
  steps jsonb, has_digitised_component boolean, has_e_result boolean, fee_total bigint, paid_online smallint,
  rating smallint, has_complaint boolean);
\\copy gen FROM '$TMP/gen.tsv'
INSERT INTO tthc.procedure VALUES ('P0', 'Thủ tục 0', 'F0', 'Lĩnh vực 0', 3), ('P1', 'Thủ tục 1', 'F1', 'Lĩnh vực 1', NULL);
INSERT INTO tthc.load_run (run_id, outcome) VALUES ('r1', 'ok'), ('r2', 'ok'), ('r3', 'ok');
CREATE FUNCTION pg_temp.load(n int) RETURNS void LANGUAGE sql AS \$\$
  INSERT INTO tthc.dossier_source AS t (unit_code, source_kind, source_name, source_code, linked_codes,
      source_updated_at, record_hash, status, channel, field_code, field_name, procedure_code, department_code,
      department_name, received_at, due_at, finished_at, returned_at, refused_at, supplements, steps,
      has_digitised_component, has_e_result, fee_total, paid_online, rating, has_complaint, dossier_code, run_id)
  SELECT unit, kind, kind || '-src', code, linked, t0 + run * interval '30 days', md5(code || run), status, channel,
         field_code, 'Lĩnh vực ' || field_code, procedure_code, department_code, 'Phòng ' || department_code,
         received_at, due_at, finished_at, returned_at, refused_at, supplements, steps,
         has_digitised_component, has_e_result, fee_total, paid_online, rating, has_complaint, code, 'r' || n
    FROM gen WHERE run = n
  ON CONFLICT (unit_code, source_kind, source_code) DO UPDATE SET
    linked_codes = EXCLUDED.linked_codes, source_updated_at = EXCLUDED.source_updated_at,
    record_hash = EXCLUDED.record_hash, status = EXCLUDED.status, finished_at = EXCLUDED.finished_at,
    run_id = EXCLUDED.run_id
   WHERE (EXCLUDED.source_updated_at, EXCLUDED.record_hash) > (t.source_updated_at, t.record_hash)
\$\$;
BEGIN; SELECT pg_temp.load(1); SELECT tthc.merge_dossiers('r1'); COMMIT;
BEGIN; SELECT pg_temp.load(2); SELECT tthc.merge_dossiers('r2'); COMMIT;
BEGIN; SELECT pg_temp.load(3); SELECT tthc.merge_dossiers('r3'); COMMIT;
SQL
}

# A second warehouse whose link_dossiers / merge_dossiers are 002's.
createdb -T template0 ref && PGDATABASE=ref "$TTHC_BIN/tthc-load" --migrate >/dev/null 2>&1 || { echo "ref db failed"; exit 1; }
sed -n '/^CREATE FUNCTION tthc.link_dossiers/,$p' "$REPO_DIR/sql/002_merge.sql" |
  sed 's/^CREATE FUNCTION/CREATE OR REPLACE FUNCTION/' >"$TMP/merge002.sql"
psql -d ref -Xq -v ON_ERROR_STOP=1 -f "$TMP/merge002.sql" >/dev/null || { echo "002 functions failed"; exit 1; }
# 002 stored every event in a table; since 021 tthc.dossier_event is a view
# over the records (and the events of superseded versions): the reference
# gets 002's table back, the warehouse under test is read through its view.
psql -d ref -Xq -v ON_ERROR_STOP=1 -c "DROP TRIGGER dossier_source_keep_events ON tthc.dossier_source" \
  -c "DROP VIEW tthc.dossier_event" \
  -c "CREATE TABLE tthc.dossier_event (LIKE tthc.dossier_event_kept INCLUDING ALL)" >/dev/null ||
  { echo "002's event table failed"; exit 1; }

if load_runs "$PGDATABASE" && load_runs ref; then ok "three runs merged by 013 and by 002"
else not_ok "loading the runs"; cat "$TMP"/load.*.log; harness_done; exit 1; fi
assert_eq t "$(q "SELECT count(*) > 3000 AND count(*) FILTER (WHERE array_length(sources, 1) = 3) > 100 FROM tthc.dossier")" \
  "the records make dossiers of one, two and three sources"

dump() { # DB: every table the merge writes, sorted, as text
  psql -d "$1" -XAtq -v ON_ERROR_STOP=1 -c "
    SELECT line FROM (
      SELECT 'D' || (d.*)::text FROM tthc.dossier d
      UNION ALL SELECT 'S' || concat_ws('|', unit_code, source_kind, source_code, dossier_code, run_id) FROM tthc.dossier_source
      UNION ALL SELECT 'A' || (a.*)::text FROM tthc.dossier_codes a -- since 023: alias rows + own codes
      UNION ALL SELECT 'E' || (e.*)::text FROM tthc.dossier_event e) x(line)
    ORDER BY line COLLATE \"C\""
}
dump "$PGDATABASE" >"$TMP/new.txt"
dump ref >"$TMP/ref.txt"
if [ -s "$TMP/new.txt" ] && harness_same "merged warehouse (002 < > 013)" "$TMP/ref.txt" "$TMP/new.txt"; then
  ok "013's merge = 002's merge: dossiers, source links, aliases, events ($(wc -l <"$TMP/new.txt") rows)"
else not_ok "013's merge differs from 002's"; fi

# ---------------------------------------------------------------- stored end
# 007's rule as it was written (a sub-select for the step), the reference.
psql -Xq -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE FUNCTION public.end_at_007(finished_at timestamptz, returned_at timestamptz, status smallint,
                                  received_at timestamptz, refused_at timestamptz, steps jsonb,
                                  source_updated_at timestamptz)
RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
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
SQL
assert_eq "0" "$(q "SELECT count(*) FROM tthc.dossier d,
    LATERAL (SELECT public.end_at_007(d.finished_at, d.returned_at, d.status, d.received_at, d.refused_at,
                                      d.steps, d.source_updated_at) AS e,
                    tthc.dossier_end_kind(d.finished_at, d.returned_at, d.status, d.received_at) AS k) r
   WHERE (d.ended_at, d.ended_as, d.effective_ended_at)
         IS DISTINCT FROM (r.e, r.k, tthc.effective_end(r.e, r.k, d.supplements))")" \
  "stored ended_at, ended_as, effective_ended_at = 007's rule and 004's effective_end, every dossier"
assert_eq "true|true|true" "$(q "SELECT bool_or(ended_as = 'stopped' AND status = 8 AND refused_at IS NULL AND finished_at IS NULL
                                    AND steps IS NOT NULL) || '|' ||
                            bool_or(effective_ended_at < ended_at) || '|' || bool_or(ended_at IS NULL) FROM tthc.dossier")" \
  "the records reach a stop ended by its step, a supplement pause and open dossiers"

# ---------------------------------------------------------------- classification
# 004/009's dossier_period_outcome on the reference rule (without the
# argument check, which is not a row).
psql -Xq -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE FUNCTION public.outcome_009(unit_scope text, period_from date, period_to date)
RETURNS SETOF record LANGUAGE sql STABLE AS $$
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
             public.end_at_007(d.finished_at, d.returned_at, d.status, d.received_at,
                               d.refused_at, d.steps, d.source_updated_at) AS end_at,
             tthc.dossier_end_kind(d.finished_at, d.returned_at, d.status, d.received_at) AS end_kind
        FROM tthc.dossier d
        LEFT JOIN tthc.procedure p ON p.procedure_code = d.procedure_code
       WHERE d.unit_code = ANY (ARRAY(SELECT tthc.units_of($1)))) x
   WHERE x.received_at < tthc.local_start($3 + 1)
     AND (x.end_at IS NULL OR x.end_at >= tthc.local_start($2))
$$;
SQL
cols="unit_code text, dossier_code text, field_code text, field_name text, department_code text,
      department_name text, procedure_code text, channel smallint, received_at timestamptz,
      due_at timestamptz, due_missing boolean, end_at timestamptz, end_kind text, effective_end timestamptz,
      in_period boolean, carried_over boolean, outcome text, supplement_requests integer,
      supplement_open integer, on_portal boolean, has_digitised_component boolean,
      has_reused_component boolean, has_citizen_store_component boolean, has_e_result boolean,
      fee_total bigint, paid_online smallint, rating smallint, has_complaint boolean"
province=$(q "SELECT province_code FROM tthc.unit WHERE unit_code = '00004'")
for p in "00004:2025-03-01:2025-03-31" "00025:2025-06-01:2025-06-30" "00070:2025-01-01:2025-12-31" \
         "$province:2025-01-01:2025-12-31" "$province:2025-11-01:2026-02-28" "00008:2024-01-01:2024-12-31"; do
  IFS=: read -r u f t <<<"$p"
  r=$(q "SELECT (SELECT count(*) FROM tthc.dossier_period_outcome('$u', '$f', '$t')) || '|' || (SELECT count(*) FROM (
           (SELECT * FROM tthc.dossier_period_outcome('$u', '$f', '$t')
            EXCEPT ALL SELECT * FROM public.outcome_009('$u', '$f', '$t') AS ($cols))
           UNION ALL
           (SELECT * FROM public.outcome_009('$u', '$f', '$t') AS ($cols)
            EXCEPT ALL SELECT * FROM tthc.dossier_period_outcome('$u', '$f', '$t'))) x)")
  n=${r%%|*}
  if [ "${r#*|}" = 0 ] && { [ "$n" -gt 0 ] || [ "$f" = 2024-01-01 ]; }; then
    ok "dossier_period_outcome($u, $f, $t) = 004/009's rows ($n dossiers)"
  else not_ok "dossier_period_outcome($u, $f, $t): $r (rows, rows differing from 004/009's)"; fi
done
assert_eq "t" "$(q "SELECT count(DISTINCT outcome) = 6 FROM tthc.dossier_period_outcome('$province', '2025-01-01', '2025-12-31')")" \
  "every class occurs (early, on_time, late, pending_in_time, pending_late, stopped)"
harness_done
