#!/bin/bash
# The canonical record has one definition, schemas/dossier.def. The C code
# and the COPY column list are generated from it; this test holds the SQL
# tables to it: tthc.dossier_source starts with exactly its columns, in
# order and type, and tthc.dossier has every business column with that type.
# It also checks that every tthc table, column, view and function carries a
# comment.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg

# name<TAB>sql_type from the DOSSIER_FIELD(name, KIND, "type") lines.
sed -n 's/^DOSSIER_FIELD(\([a-z_]*\), *[A-Z]*, *"\([a-z ]*\)").*/\1\t\2/p' \
  "$REPO_DIR/schemas/dossier.def" >"$TMP/def.tsv"
n=$(wc -l <"$TMP/def.tsv")
[ "$n" -ge 30 ] && ok "dossier.def lists $n fields" || not_ok "dossier.def parse: $n fields"

psql -XAtq -v ON_ERROR_STOP=1 >"$TMP/expected.tsv" <<SQL
CREATE TEMP TABLE def (pos serial, name text, type text);
\\copy def (name, type) FROM '$TMP/def.tsv'
SELECT name || E'\\t' || type::regtype::text FROM def ORDER BY pos;
SQL
psql -XAt >"$TMP/actual.tsv" -c "
  SELECT attname || E'\\t' || atttypid::regtype::text FROM pg_attribute
   WHERE attrelid = 'tthc.dossier_source'::regclass AND attnum > 0 AND NOT attisdropped
   ORDER BY attnum LIMIT $n"
if diff -u "$TMP/expected.tsv" "$TMP/actual.tsv"; then
  ok "tthc.dossier_source columns = dossier.def (names, order, types)"
else not_ok "tthc.dossier_source drifted from dossier.def"; fi

missing=$(psql -XAt -c "
  SELECT string_agg(attname, ', ') FROM pg_attribute a
   WHERE attrelid = 'tthc.dossier_source'::regclass AND attnum > 0
     AND attname NOT IN ('source_kind', 'source_name', 'source_code', 'source_location', 'record_hash', 'dossier_code', 'run_id')
     AND NOT EXISTS (SELECT 1 FROM pg_attribute b WHERE b.attrelid = 'tthc.dossier'::regclass
                      AND b.attname = a.attname AND b.atttypid = a.atttypid)")
assert_eq "" "$missing" "tthc.dossier has every business column of the canonical record"

uncommented=$(psql -XAt -c "
  SELECT string_agg(what, ', ') FROM (
    SELECT c.relname AS what FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'tthc' AND c.relkind IN ('r', 'v', 'p') AND obj_description(c.oid, 'pg_class') IS NULL
    UNION ALL
    SELECT c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'tthc' AND c.relkind IN ('r', 'v', 'p') AND a.attnum > 0 AND NOT a.attisdropped
       AND col_description(c.oid, a.attnum) IS NULL
    UNION ALL
    SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'tthc' AND obj_description(p.oid, 'pg_proc') IS NULL) x")
assert_eq "" "$uncommented" "every tthc table, view, column and function has a comment"

assert_cmd "migrating again is a no-op" "$TTHC_BIN/tthc-load" --migrate
assert_eq "$(ls "$REPO_DIR"/sql/[0-9]*.sql | wc -l)" "$(psql -XAtc "SELECT count(*) FROM tthc.schema_migration")" "each migration recorded once"
harness_done
