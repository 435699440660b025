#!/bin/bash
# Cross-system identity in the warehouse: records sharing any normalised code
# are one dossier, links chain across runs (city <-> ministry <-> portal),
# and the result does not depend on the order in which records arrive.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg

# rec RUN KIND CODE LINKED_JSON STATUS FIELD: one source record, as the loader stores it.
rec() {
  psql -XAtq -v ON_ERROR_STOP=1 -c "
    INSERT INTO tthc.load_run (run_id, outcome) VALUES ('$1', 'ok') ON CONFLICT DO NOTHING;
    INSERT INTO tthc.dossier_source (unit_code, source_kind, source_name, source_code, linked_codes,
        source_updated_at, record_hash, status, field_code, received_at, dossier_code, run_id)
    VALUES ('11002', '$2', '$2-src', '$3', $4, now(), md5('$3'), $5, $6,
            '2026-04-01 01:30+00', '$3', '$1')
    ON CONFLICT (unit_code, source_kind, source_code) DO UPDATE
      SET linked_codes = EXCLUDED.linked_codes, status = EXCLUDED.status, run_id = EXCLUDED.run_id;" || exit 1
}
merge() { psql -XAtq -v ON_ERROR_STOP=1 -c "SELECT tthc.merge_dossiers('$1')" >/dev/null || exit 1; }
q() { psql -XAtc "$1"; }

rec r1 city 'H31.11002-1' NULL 4 "'HT'"
merge r1
assert_eq "H31.11002-1|{city}" "$(q "SELECT dossier_code, sources FROM tthc.dossier")" "a city record is a dossier"

rec r2 ministry 'BTP-1' "'[\"H31.11002-1\"]'" 9 NULL
merge r2
assert_eq "1" "$(q "SELECT count(*) FROM tthc.dossier")" "the ministry record joins the city dossier (maHoSoMCDT)"
assert_eq "BTP-1|{city,ministry}|9|HT" "$(q "SELECT dossier_code, sources, status, field_code FROM tthc.dossier")" \
  "merged: smallest code names it, ministry wins processing, city wins intake"

rec r3 portal 'BTP-1' NULL 4 "'XX'"
merge r3
assert_eq "BTP-1|{city,ministry,portal}|f|t" \
  "$(q "SELECT dossier_code, sources, origin_missing, on_portal FROM tthc.dossier")" \
  "the portal copy (MaHoSo = maHoSoLT) joins too: the links chain"
assert_eq "3" "$(q "SELECT count(*) FROM tthc.dossier_source WHERE dossier_code = 'BTP-1'")" \
  "all three source records point at the merged dossier"

# A chain that closes in a later run: portal P (BNDP = Y), then city Y.
rec r4 portal 'X-2' "'[\"Y-2\"]'" 10 NULL
merge r4
assert_eq "t" "$(q "SELECT origin_missing FROM tthc.dossier WHERE dossier_code = 'X-2'")" \
  "a portal-only dossier is flagged origin_missing"
rec r5 city 'Y-2' NULL 10 "'CT'"
merge r5
assert_eq "X-2|{city,portal}|f" "$(q "SELECT dossier_code, sources, origin_missing FROM tthc.dossier WHERE 'Y-2' = ANY (SELECT jsonb_array_elements_text(linked_codes))")" \
  "the city record found through MaHoSoBNDP"
# Two existing dossiers bridged by a new record: A-3 (city) and B-3 (portal), then ministry linking both.
rec r6 city 'C-3' NULL 4 NULL
rec r6 portal 'D-3' NULL 4 NULL
merge r6
assert_eq 4 "$(q "SELECT count(*) FROM tthc.dossier")" "two separate dossiers before the bridge"
rec r7 ministry 'E-3' "'[\"C-3\", \"D-3\"]'" 9 NULL
merge r7
assert_eq 3 "$(q "SELECT count(*) FROM tthc.dossier")" "a bridging record merges two existing dossiers"
assert_eq "C-3|{city,ministry,portal}" "$(q "SELECT dossier_code, sources FROM tthc.dossier WHERE dossier_code LIKE '%-3'")" \
  "the merged dossier keeps the smallest code; the other is gone"
assert_eq 0 "$(q "SELECT count(*) FROM tthc.dossier_source s WHERE NOT EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.unit_code = s.unit_code AND d.dossier_code = s.dossier_code)")" \
  "no source record is left pointing at a removed dossier"

final() { q "SELECT string_agg(dossier_code || '=' || array_to_string(sources, '+') || ':' || status, ' ' ORDER BY dossier_code) FROM tthc.dossier"; }
forward=$(final)

# The same records in the reverse order, in a fresh warehouse.
createdb -T template0 rev && export PGDATABASE=rev
"$TTHC_BIN/tthc-load" --migrate >/dev/null 2>&1 || { echo "migrate rev failed"; exit 1; }
rec s1 ministry 'E-3' "'[\"C-3\", \"D-3\"]'" 9 NULL; merge s1
rec s2 portal 'D-3' NULL 4 NULL; rec s2 city 'C-3' NULL 4 NULL; merge s2
rec s3 city 'Y-2' NULL 10 "'CT'"; merge s3
rec s4 portal 'X-2' "'[\"Y-2\"]'" 10 NULL; merge s4
rec s5 portal 'BTP-1' NULL 4 "'XX'"; merge s5
rec s6 ministry 'BTP-1' "'[\"H31.11002-1\"]'" 9 NULL; merge s6
rec s7 city 'H31.11002-1' NULL 4 "'HT'"; merge s7
assert_eq "$forward" "$(final)" "arrival order does not change the dossiers ($forward)"
harness_done
