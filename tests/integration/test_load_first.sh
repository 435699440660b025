#!/bin/bash
# The first load's direct path (load/loader.c, copy_direct): when no key of
# a run is stored yet, its records are copied straight into
# tthc.dossier_source instead of through staging. Both paths must give the
# same warehouse. The same runs of three systems (linked codes, failed
# pushes) are loaded into warehouses that take the direct path and into
# warehouses forced to stage (TTHC_LOAD_STAGED=1); dossier_source, dossier,
# dossier_codes, run_window and load_run must be equal row for row:
#   1. a first load into an empty warehouse: direct;
#   2. a second, overlapping run (its keys are stored): staged, no attempt;
#   3. a run of a commune the warehouse has no record of, into a warehouse
#      that has others: direct;
#   4. a first load whose file repeats a key the windows do not show (the
#      cheap check says go): the COPY is refused, rolled back to its
#      savepoint, and the run staged.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg

GEN=(--seed 91 --communes 11002,10792 --from 2026-03-01 --to 2026-04-30 --as-of 2026-05-03T12:00:00
     --per-day 8 --push-failure 0.2 --username demo)
for kind in portal city ministry; do
  harness_start_sim "PORT_$kind" --kind "$kind" "${GEN[@]}"
done

# conf FILE COMMUNES: the three systems over COMMUNES, one state directory.
conf() {
  harness_write_config "$1" portal-x portal "$PORT_portal" "$2" "page_size = 40"
  harness_add_source "$1" city-x city "$PORT_city" "$2" "page_size = 40"
  harness_add_source "$1" moj-x ministry "$PORT_ministry" "$2" "page_size = 40"
}
# night CONF [extract args...]: extract and transform; prints the new run's id.
night() {
  local before after c=$1
  shift
  before=$(ls "$TMP/state/runs" 2>/dev/null)
  "$TTHC_BIN/tthc-extract" -c "$c" "$@" >>"$TMP/night.log" 2>&1 &&
    "$TTHC_BIN/tthc-transform" -c "$c" >>"$TMP/night.log" 2>&1 ||
    { echo "extract/transform failed:" >&2; tail -20 "$TMP/night.log" >&2; exit 1; }
  after=$(ls "$TMP/state/runs")
  comm -13 <(printf '%s\n' $before | sort) <(printf '%s\n' $after | sort)
}
# load DB RUN [env...]: loads RUN into warehouse DB; the log in $TMP/load.DB.RUN.
load() {
  local db=$1 run=$2
  shift 2
  sed "s/dbname=[^ ]*/dbname=$db/" "$TMP/base.conf" >"$TMP/$db.conf"
  env "$@" "$TTHC_BIN/tthc-load" -c "$TMP/$db.conf" --run "$run" >"$TMP/load.$db.$run" 2>&1
}
# path DB RUN: the path the loader's log names (direct, staged, fallback).
path() {
  local f=$TMP/load.$1.$2
  if grep -q "repeats in the run; staging" "$f"; then echo fallback
  elif grep -q "copied straight into tthc.dossier_source" "$f"; then echo direct
  elif grep -q "staging the records" "$f"; then echo staged
  else echo none; fi
}
# dump DB: every table the two paths write, each sorted bytewise (two
# dumps are equal exactly when each table's rows are equal as multisets,
# i.e. EXCEPT ALL is empty both ways).
dump() {
  local t
  # (load_run without its load time)
  for t in "* FROM tthc.dossier_source" "* FROM tthc.dossier" "* FROM tthc.dossier_codes" \
           "* FROM tthc.run_window" \
           "run_id, sources, records_read, records_new, records_updated, records_unchanged,
              records_rejected, outcome, fingerprint FROM tthc.load_run"; do
    echo "== ${t##* }"
    psql -d "$1" -XAtq -v ON_ERROR_STOP=1 -c "\\copy (SELECT $t) TO STDOUT" | LC_ALL=C sort
  done >"$TMP/dump.$1"
}
same() { # same DB1 DB2 WHAT
  if cmp -s "$TMP/dump.$1" "$TMP/dump.$2"; then ok "$3: the same warehouse row for row"; else
    not_ok "$3: the warehouses differ"; diff "$TMP/dump.$1" "$TMP/dump.$2" | head -6 | sed 's/^/    /'
  fi
}
counts() { psql -d "$1" -XAtc "SELECT records_read, records_new, records_updated, records_unchanged FROM tthc.load_run WHERE run_id = '$2'"; }

for db in direct staged mixed mixed_staged dup dup_staged; do harness_new_db "$db" || exit 1; done
export PGDATABASE=direct
conf "$TMP/base.conf" "11002, 10792"
R1=$(night "$TMP/base.conf")
n1=$(wc -l <"$TMP/state/runs/$R1/canonical/dossier_source.copy")
[ "$n1" -gt 500 ] && ok "run 1 has $n1 records" || not_ok "run 1 has $n1 records"

# 1. a first load: direct, and the same as staged
load direct "$R1" && ok "first load (direct)" || not_ok "first load (direct)"
load staged "$R1" TTHC_LOAD_STAGED=1 && ok "first load (staged)" || not_ok "first load (staged)"
assert_eq direct "$(path direct "$R1")" "a first load into an empty warehouse copies straight into dossier_source"
assert_eq staged "$(path staged "$R1")" "TTHC_LOAD_STAGED=1 stages"
assert_eq "$n1|$n1|0|0" "$(counts direct "$R1")" "direct: every record read is new"
assert_eq "$(counts staged "$R1")" "$(counts direct "$R1")" "the counts of both paths"
assert_eq 0 "$(psql -d direct -XAtc "SELECT count(*) FROM tthc.run_window WHERE status <> 'ok' OR applied <> accepted")" \
  "direct: every window reconciled (applied = accepted)"
linked=$(psql -d direct -XAtc "SELECT count(*) FROM tthc.dossier WHERE array_length(sources, 1) >= 2")
[ "$linked" -gt 0 ] && ok "$linked dossiers merged from several systems" || not_ok "nothing linked"
dump direct; dump staged; same direct staged "first load"

# 2. an overlapping run: its keys are stored, so both stage
sleep 1.1
R2=$(night "$TMP/base.conf" --since 2026-04-01)
load direct "$R2" && load staged "$R2" TTHC_LOAD_STAGED=1 && ok "second run loaded" || not_ok "second run"
assert_eq staged "$(path direct "$R2")" "a run whose keys are stored is staged without an attempt"
assert_eq t "$(psql -d direct -XAtc "SELECT records_new = 0 AND records_unchanged > 100 FROM tthc.load_run WHERE run_id = '$R2'")" \
  "the overlapping run reads stored records again and adds none"
dump direct; dump staged; same direct staged "after the overlapping run"

# 3. a new commune in a warehouse that has records of another: direct
# (from the start again: the state directory's watermarks are past it)
conf "$TMP/base.conf" "11002"
sleep 1.1
R3=$(night "$TMP/base.conf" --since 2025-01-01)
conf "$TMP/base.conf" "10792"
sleep 1.1
R4=$(night "$TMP/base.conf" --since 2025-01-01)
load mixed "$R3" && load mixed "$R4" && load mixed_staged "$R3" TTHC_LOAD_STAGED=1 &&
  load mixed_staged "$R4" TTHC_LOAD_STAGED=1 && ok "two communes, one run each" || not_ok "two communes"
assert_eq "direct direct" "$(path mixed "$R3") $(path mixed "$R4")" \
  "a run of a commune with no record yet is copied straight, the warehouse not empty"
dump mixed; dump mixed_staged; same mixed mixed_staged "one commune after the other"

# 4. a key repeated in the file: the direct COPY is refused and rolled back
# to its savepoint; the run is staged (the copy picks one of the two)
cp "$TMP/state/runs/$R1/canonical/dossier_source.copy" "$TMP/orig.copy"
{ cat "$TMP/orig.copy"; sed -n '7p' "$TMP/orig.copy"; } >"$TMP/state/runs/$R1/canonical/dossier_source.copy"
load dup "$R1"
load dup_staged "$R1" TTHC_LOAD_STAGED=1
cp "$TMP/orig.copy" "$TMP/state/runs/$R1/canonical/dossier_source.copy"
assert_eq fallback "$(path dup "$R1")" "a repeated key: the direct COPY is refused and the run staged"
assert_eq 0 "$(grep -c "duplicate key\|23505\|copied straight" "$TMP/load.dup.$R1")" \
  "the refused COPY is neither logged as an error nor counted"
assert_eq "$((n1 + 1))|$n1|0|1" "$(counts dup "$R1")" "the repeat is read, counted unchanged"
assert_eq "$(counts dup_staged "$R1")" "$(counts dup "$R1")" "the counts of the fallback and of staging"
dump dup; dump dup_staged; same dup dup_staged "a repeated key"
# the warehouse tables equal a clean first load's (the repeat is a copy)
sed -n '/^== tthc.dossier_source/,/^== tthc.run_window/p' "$TMP/dump.dup" >"$TMP/dup.tables"
harness_new_db again || exit 1
load again "$R1" >/dev/null
dump again
sed -n '/^== tthc.dossier_source/,/^== tthc.run_window/p' "$TMP/dump.again" >"$TMP/again.tables"
cmp -s "$TMP/dup.tables" "$TMP/again.tables" && ok "the fallback's dossiers equal a clean first load's" ||
  not_ok "the fallback's dossiers differ from a clean first load's"
assert_eq direct "$(path again "$R1")" "the restored file goes straight again"
harness_done
