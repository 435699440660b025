#!/bin/bash
# sql/023: dossier_alias holds only linked codes (a record's own code is its
# key in dossier_source), and a warehouse that still has 022's alias rows
# (one per code) links exactly as a new one: with those rows left in place,
# and after 023's clean-up removes the ones that repeat a source row.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg

# rec RUN KIND CODE LINKED_JSON STATUS: one source record, as the loader stores it.
rec() {
  psql -XAtq -v ON_ERROR_STOP=1 -c "
    INSERT INTO tthc.load_run (run_id, outcome) VALUES ('$1', 'ok') ON CONFLICT DO NOTHING;
    INSERT INTO tthc.dossier_source (unit_code, source_kind, source_name, source_code, linked_codes,
        source_updated_at, record_hash, status, received_at, dossier_code, run_id)
    VALUES ('11002', '$2', '$2-src', '$3', $4, now(), md5('$3' || '$1'), $5,
            '2026-04-01 01:30+00', '$3', '$1')
    ON CONFLICT (unit_code, source_kind, source_code) DO UPDATE
      SET linked_codes = EXCLUDED.linked_codes, status = EXCLUDED.status, run_id = EXCLUDED.run_id;" || exit 1
}
merge() { psql -XAtq -v ON_ERROR_STOP=1 -c "SELECT tthc.merge_dossiers('$1')" >/dev/null || exit 1; }
q() { psql -XAtc "$1"; }
# Runs 1-4 make dossiers of one to three systems; 5-8 link into them: a
# bridge of two dossiers, a smaller linked code that renames a dossier, a
# chain through a code named before its record arrived, a new record
# naming an existing dossier and a new one.
part1() {
  rec r1 city 'H-1' NULL 4; rec r1 portal 'Z-9' NULL 4; merge r1
  rec r2 ministry 'B-1' "'[\"H-1\"]'" 9; merge r2
  rec r3 portal 'X-2' "'[\"Y-2\"]'" 10; rec r3 city 'C-3' NULL 4; rec r3 portal 'D-3' NULL 4; merge r3
  rec r4 portal 'B-1' NULL 4; rec r4 ministry 'Q-5' "'[\"P-5\"]'" 4; merge r4
}
part2() {
  rec r5 city 'Y-2' NULL 10; rec r5 ministry 'E-3' "'[\"C-3\", \"D-3\"]'" 9; merge r5
  rec r6 city 'A-0' "'[\"Q-5\"]'" 4; rec r6 city 'H-1' "'[\"A-1\"]'" 5; merge r6
  rec r7 portal 'P-5' "'[\"Z-9\"]'" 4; rec r7 ministry 'E-3' "'[\"C-3\"]'" 10; merge r7
  rec r8 portal 'N-1' NULL 4; rec r8 city 'N-2' "'[\"N-1\", \"X-2\"]'" 4; merge r8
}
final() { q "SELECT string_agg(dossier_code || '=' || array_to_string(sources, '+') || ':' || status || ':' || linked_codes::text, ' ' ORDER BY dossier_code) FROM tthc.dossier"; }
codes() { q "SELECT string_agg(code || '>' || dossier_code, ' ' ORDER BY code) FROM tthc.dossier_codes"; }
links() { q "SELECT string_agg(source_kind || ':' || source_code || '>' || dossier_code, ' ' ORDER BY source_kind, source_code) FROM tthc.dossier_source"; }
# 022 wrote an alias row for every code, own codes included.
legacy_aliases() {
  psql -XAtq -v ON_ERROR_STOP=1 -c "INSERT INTO tthc.dossier_alias (unit_code, code, dossier_code)
    SELECT unit_code, source_code, dossier_code FROM tthc.dossier_source ON CONFLICT DO NOTHING" || exit 1
}
# 023's clean-up statement, as the migration runs it.
cleanup_sql=$(sed -n '/^DELETE FROM tthc.dossier_alias a/,/;$/p' "$REPO_DIR/sql/023_alias_linked_codes.sql")

part1
# (checked before run 7 drops a link: an alias row outlives the link that made it)
assert_eq 0 "$(q "SELECT count(*) FROM tthc.dossier_alias a WHERE NOT EXISTS (SELECT 1 FROM tthc.dossier_source s, tthc.json_texts(s.linked_codes) j WHERE s.unit_code = a.unit_code AND j = a.code)")" \
  "every alias row is a code some record links to"
assert_eq t "$(q "SELECT count(*) > 0 FROM tthc.dossier_alias")" "linked codes have alias rows"
part2
fresh_final=$(final); fresh_codes=$(codes); fresh_links=$(links)
assert_eq 4 "$(q "SELECT count(*) FROM tthc.dossier")" "eight runs make four dossiers"
assert_eq 0 "$(q "SELECT count(*) FROM (SELECT unit_code, code FROM tthc.dossier_codes GROUP BY 1, 2 HAVING count(*) > 1) x")" \
  "every code names one dossier"
assert_eq 0 "$(q "SELECT count(*) FROM tthc.dossier_codes c WHERE NOT EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.unit_code = c.unit_code AND d.dossier_code = c.dossier_code)")" \
  "every code names an existing dossier"

for mode in kept cleaned; do
  harness_new_db "up_$mode"; export PGDATABASE="up_$mode"
  "$TTHC_BIN/tthc-load" --migrate >/dev/null 2>&1 || { echo "migrate failed"; exit 1; }
  part1
  legacy_aliases
  before=$(codes)
  if [ "$mode" = cleaned ]; then
    psql -XAtq -v ON_ERROR_STOP=1 -c "$cleanup_sql" || exit 1
    assert_eq "$before" "$(codes)" "023's clean-up keeps every code's dossier"
    assert_eq t "$(q "SELECT count(*) < 9 FROM tthc.dossier_alias")" "023's clean-up drops the own-code rows"
  fi
  part2
  assert_eq "$fresh_final" "$(final)" "022's alias rows $mode: the same dossiers"
  assert_eq "$fresh_codes" "$(codes)" "022's alias rows $mode: every code names the same dossier"
  assert_eq "$fresh_links" "$(links)" "022's alias rows $mode: the same source links"
done
harness_done
