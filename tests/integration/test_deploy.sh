#!/bin/bash
# Deployment as an operator does it (deploy/README.md): `make install` into
# a staging root holds the programs, a man page for each (rendering without
# warnings), roles.sql, the database setup script, the systemd units (which
# pass systemd-analyze verify) and the sysusers.d user; every installed
# program answers --help and --version. The installed setup script, against
# a throwaway cluster, creates the roles, the database owned by tthc_owner
# and the schema (migrated through the owner's connection), and grants; a
# sync through the loader's connection loads, and removes old loaded runs
# ([state] keep_days); the loader cannot change the schema, the analyst
# cannot write. An older warehouse is upgraded to the same schema as a new
# one; a warehouse with a migration newer than the binary is refused by a
# load and by --migrate, naming the migration and the binary's version.
# tthc-sim (the tests' simulator) is not installed. A second install with
# its own BINDIR runs the setup script, which finds that BINDIR's tthc-load.
# The roles' passwords reach the server only as SCRAM verifiers: neither
# the server's log (log_statement = all) nor pg_stat_statements holds one,
# and the verifier lets the role log in with its password. An
# owner_conninfo_file the nightly programs cannot read stops none of them;
# --migrate names it. The setup works as well for a DBA that is no
# superuser (CREATEROLE and CREATEDB only).
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init

BUILD_DIR=$(cd "$TTHC_BIN/.." && pwd)
ROOT=$TMP/root
PREFIX=/usr
PROGRAMS="tthc-extract tthc-transform tthc-load tthc-report tthc-sync" # installed

# ------------------------------------------------------------ make install
# The binaries under test as they are: -o keeps make from rebuilding them.
keep=()
for p in $PROGRAMS tthc-sim; do keep+=(-o "$BUILD_DIR/bin/$p"); done
if make -s -C "$REPO_DIR" BUILD="$BUILD_DIR" "${keep[@]}" install DESTDIR="$ROOT" PREFIX="$PREFIX" \
     SHARED_REFERENCE="$SHARED_DIR/reference" >"$TMP/install.log" 2>&1; then
  ok "make install DESTDIR=\$TMP/root PREFIX=/usr"
else
  not_ok "make install"; sed 's/^/    /' "$TMP/install.log"; harness_done; exit 1
fi
for p in $PROGRAMS; do
  [ -x "$ROOT$PREFIX/bin/$p" ] && ok "installed $PREFIX/bin/$p" || not_ok "installed $PREFIX/bin/$p"
done
[ ! -e "$ROOT$PREFIX/bin/tthc-sim" ] && [ ! -e "$ROOT$PREFIX/share/man/man1/tthc-sim.1" ] &&
  ok "the tests' simulator tthc-sim (and its man page) is not installed" ||
  not_ok "the tests' simulator tthc-sim (and its man page) is not installed"
D=$ROOT$PREFIX/share/tthc-etl
for f in deploy/roles.sql deploy/tthc.conf.example deploy/README.md deploy/crontab.example \
         deploy/logrotate.d/tthc units-2025.csv sql/001_core.sql; do
  [ -f "$D/$f" ] && ok "installed share/tthc-etl/$f" || not_ok "installed share/tthc-etl/$f"
done
for f in deploy/tthc-setup-db.sh deploy/tthc-nightly.sh; do
  [ -x "$D/$f" ] && ok "installed share/tthc-etl/$f, executable" || not_ok "installed share/tthc-etl/$f, executable"
done
UNITDIR=$ROOT$PREFIX/lib/systemd/system
for f in "$UNITDIR/tthc-nightly.service" "$UNITDIR/tthc-nightly.timer" "$ROOT$PREFIX/lib/sysusers.d/tthc.conf"; do
  [ -f "$f" ] && ok "installed ${f#"$ROOT"}" || not_ok "installed ${f#"$ROOT"}"
done
assert_eq "" "$(grep -l /usr/local "$UNITDIR"/tthc-nightly.* "$D/deploy/tthc-nightly.sh" "$D/deploy/crontab.example")" \
  "installed units and scripts name PREFIX's paths, not /usr/local"
assert_eq "ExecStart=$PREFIX/share/tthc-etl/deploy/tthc-nightly.sh" "$(grep '^ExecStart=' "$UNITDIR/tthc-nightly.service")" \
  "the service runs the installed wrapper"
grep -q "^BIN=\${TTHC_BIN:-$PREFIX/bin}$" "$D/deploy/tthc-nightly.sh" &&
  ok "the wrapper runs PREFIX/bin/tthc-sync" || not_ok "the wrapper runs PREFIX/bin/tthc-sync"
grep -q "^INSTALLED_BIN=$PREFIX/bin$" "$D/deploy/tthc-setup-db.sh" &&
  ok "the setup script runs PREFIX/bin/tthc-load" || not_ok "the setup script runs PREFIX/bin/tthc-load"
grep -q "flock -n" "$D/deploy/crontab.example" && ok "the cron variant takes a flock" || not_ok "the cron variant takes a flock"
grep -q "^u tthc " "$ROOT$PREFIX/lib/sysusers.d/tthc.conf" &&
  ok "sysusers.d creates the service's user" || not_ok "sysusers.d creates the service's user"
assert_eq "" "$(cd "$REPO_DIR" && git ls-files | grep -i 'units-2025')" \
  "the commune list is not committed to the repository (installed from SHARED_REFERENCE)"

# ------------------------------------------------------------ man pages
# The installed programs' man pages, and the simulator's in the repository.
man_of() { if [ "$1" = tthc-sim ]; then echo "$REPO_DIR/sim/tthc-sim.1"; else echo "$ROOT$PREFIX/share/man/man1/$1.1"; fi; }
bin_of() { if [ "$1" = tthc-sim ]; then echo "$TTHC_BIN/tthc-sim"; else echo "$ROOT$PREFIX/bin/$1"; fi; }
for p in $PROGRAMS tthc-sim; do
  m=$(man_of "$p")
  if [ ! -f "$m" ]; then not_ok "man page $p.1 installed"; continue; fi
  ok "man page $p.1 installed"
  w=$(groff -k -man -Tutf8 -ww -z "$m" 2>&1; LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$m" 2>&1 >/dev/null)
  assert_eq "" "$w" "man page $p.1 renders without warnings (groff -ww, man -l)"
  out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$m" 2>/dev/null)
  for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES; do
    grep -q "^$s" <<<"$out" && ok "$p.1 has $s" || not_ok "$p.1 has $s"
  done
done

# ------------------------------------------------------------ --help, --version
for p in $PROGRAMS tthc-sim; do
  if "$(bin_of "$p")" --help >"$TMP/help.out" 2>"$TMP/help.err"; then ok "$p --help exits 0"
  else not_ok "$p --help exits 0"; fi
  # GNU: "Usage: PROG ..." (tthc-report puts its one-line summary first and
  # the synopsis on the line after "Usage:").
  grep -Eq "^Usage: $p |^Usage:$" "$TMP/help.out" && grep -q "^ *$p " "$TMP/help.out" -m1 &&
    ok "$p --help prints a usage line" || not_ok "$p --help prints a usage line"
  grep -qi "exit status" "$TMP/help.out" && ok "$p --help documents the exit status" ||
    not_ok "$p --help documents the exit status"
  assert_eq "" "$(cat "$TMP/help.err")" "$p --help writes nothing on stderr"
  v=$("$(bin_of "$p")" --version 2>&1) && ok "$p --version exits 0" || not_ok "$p --version exits 0"
  grep -Eq "^$p \(tthc-etl\) [0-9]+\.[0-9]+\.[0-9]+$" <<<"$(head -n 1 <<<"$v")" &&
    ok "$p --version: \"$p (tthc-etl) VERSION\"" || not_ok "$p --version: \"$p (tthc-etl) VERSION\" (got: $(head -n 1 <<<"$v"))"
done
for p in tthc-extract tthc-transform tthc-load tthc-sim; do
  grep -q "^Examples:" <<<"$("$(bin_of "$p")" --help)" && ok "$p --help has examples" || not_ok "$p --help has examples"
done

# ------------------------------------------------------------ systemd-analyze verify
if command -v systemd-analyze >/dev/null; then
  # The staging root needs the host's own units (sysinit.target, ...) and
  # the installed wrapper is where the unit says.
  mkdir -p "$ROOT/usr/lib/systemd/system"
  cp -an /usr/lib/systemd/system/. "$ROOT/usr/lib/systemd/system/" 2>/dev/null
  if systemd-analyze verify --man=no --root="$ROOT" tthc-nightly.service tthc-nightly.timer >"$TMP/verify.out" 2>&1 &&
     [ ! -s "$TMP/verify.out" ]; then
    ok "systemd-analyze verify: the installed service and timer, no warnings"
  else
    not_ok "systemd-analyze verify"; sed 's/^/    /' "$TMP/verify.out"
  fi
  for k in "OnCalendar=.*Asia/Ho_Chi_Minh" "RandomizedDelaySec=" "Persistent=true"; do
    grep -q "^$k" "$UNITDIR/tthc-nightly.timer" && ok "timer: $k" || not_ok "timer: $k"
  done
  for k in "User=tthc" "LoadCredential=" "EnvironmentFile=" "StateDirectory=tthc"; do
    grep -q "^#* *$k" "$UNITDIR/tthc-nightly.service" && ok "service: $k" || not_ok "service: $k"
  done
else
  ok "# SKIP systemd-analyze not installed"
fi

# ------------------------------------------------------------ its own BINDIR
# An install with its own BINDIR (no DESTDIR, so its paths are real): its
# setup script, run without TTHC_BIN, uses that BINDIR's tthc-load. It sets
# up the warehouse below.
OPT=$TMP/opt
if make -s -C "$REPO_DIR" BUILD="$BUILD_DIR" "${keep[@]}" install PREFIX="$OPT" BINDIR="$OPT/sbin" \
     SHARED_REFERENCE="$SHARED_DIR/reference" >"$TMP/install2.log" 2>&1 && [ -x "$OPT/sbin/tthc-load" ]; then
  ok "make install PREFIX=\$TMP/opt BINDIR=\$TMP/opt/sbin"
else not_ok "make install PREFIX=\$TMP/opt BINDIR=\$TMP/opt/sbin"; sed 's/^/    /' "$TMP/install2.log"; fi
SETUP=$OPT/share/tthc-etl/deploy/tthc-setup-db.sh
setup() { env -u TTHC_BIN "$SETUP" "$@"; }

# ------------------------------------------------------------ the database
harness_start_pg # a cluster (its postgres database is migrated; the warehouse is another)
B=$ROOT$PREFIX/bin
q()  { psql -XAtq -v ON_ERROR_STOP=1 -d "${2:-tthc}" -c "$1"; }
# Every statement into the server's log, and pg_stat_statements when this
# server has it: where a password sent in the clear would show.
q "ALTER SYSTEM SET log_statement = 'all'" postgres
PGSS=0
if [ -f "$(pg_bindir)/../lib/pg_stat_statements.so" ]; then
  q "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" postgres && PGSS=1
fi
harness_pg_stop && harness_pg_start || { not_ok "restarting the cluster"; harness_done; exit 1; }
[ "$PGSS" = 1 ] && q "CREATE EXTENSION pg_stat_statements" postgres
OWNER_PW=0wner-S3cret-7f1e LOADER_PW=l0ader-S3cret-4b8a ANALYST_PW=an4lyst-S3cret-9c2d
q()  { psql -XAtq -v ON_ERROR_STOP=1 -d "${2:-tthc}" -c "$1"; }
as() { local role=$1; shift; psql -XAtq -v ON_ERROR_STOP=1 -U "$role" -d tthc -c "$1" >"$TMP/as.out" 2>&1; }
denied() { # denied ROLE SQL: refused for lack of privilege, not for another reason
  if as "$1" "$2"; then not_ok "$1 may not: $2 (it succeeded)"
  elif grep -q "permission denied\|must be owner" "$TMP/as.out"; then ok "$1 may not: $2"
  else not_ok "$1 may not: $2 (failed otherwise)"; sed 's/^/    /' "$TMP/as.out"; fi
}

harness_start_sim P_portal --kind portal --seed 5 --communes 11002 --from 2026-04-01 --to 2026-04-30 \
  --per-day 3 --username demo
C=$TMP/tthc.conf
PGUSER=tthc_loader PGDATABASE=tthc harness_write_config "$C" portal portal "$P_portal" 11002 "page_size = 100"
sed -i "/^conninfo = /a owner_conninfo = host=$PGHOST port=$PGPORT user=tthc_owner dbname=tthc" "$C"
sed -i "/^dir = /a keep_days = 30" "$C"

# A password file others may read is refused before anything is done.
printf '%s\n' "$LOADER_PW" >"$TMP/loader.pw"
chmod 0644 "$TMP/loader.pw"
if TTHC_LOADER_PASSWORD_FILE=$TMP/loader.pw setup -c "$C" >"$TMP/setup.out" 2>&1; then
  not_ok "a group/world readable password file is refused"
else
  grep -q "readable by others" "$TMP/setup.out" && ok "a group/world readable password file is refused" ||
    { not_ok "a group/world readable password file is refused (other message)"; sed 's/^/    /' "$TMP/setup.out"; }
fi
assert_eq 0 "$(q "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'tthc\\_%'" postgres)" "... and nothing was created"
chmod 0600 "$TMP/loader.pw"

# No owner connection: refused up front, with the key to add.
grep -v '^owner_conninfo' "$C" >"$TMP/no-owner.conf"
if setup -c "$TMP/no-owner.conf" >"$TMP/setup.out" 2>&1; then not_ok "a configuration without owner_conninfo is refused"
else grep -q "owner_conninfo" "$TMP/setup.out" && ok "a configuration without owner_conninfo is refused" ||
  not_ok "a configuration without owner_conninfo is refused (other message)"; fi

if TTHC_LOADER_PASSWORD_FILE=$TMP/loader.pw TTHC_OWNER_PASSWORD=$OWNER_PW setup -c "$C" --units default \
     >"$TMP/setup.out" 2>&1; then
  ok "tthc-setup-db.sh creates the warehouse"
else
  not_ok "tthc-setup-db.sh creates the warehouse"; sed 's/^/    /' "$TMP/setup.out"
fi
grep -qF "2/4 schema ($OPT/sbin/tthc-load --migrate" "$TMP/setup.out" &&
  ok "the installed setup script runs its install's BINDIR/tthc-load" ||
  not_ok "the installed setup script runs its install's BINDIR/tthc-load"
assert_eq "tthc_analyst|t|f|f|f
tthc_loader|t|f|f|f
tthc_owner|t|f|f|f" "$(q "SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles
                          WHERE rolname LIKE 'tthc\\_%' ORDER BY 1" postgres | tr '\n' '\n')" \
  "three login roles, none with superpowers"
assert_eq tthc_owner "$(q "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'tthc'" postgres)" \
  "the database belongs to tthc_owner"
assert_eq tthc_owner "$(q "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'tthc'")" \
  "schema tthc belongs to tthc_owner"
assert_eq tthc_owner "$(q "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'tthc'")" \
  "every table was created by the owner (the migrations ran through its connection)"
NMIG=$(ls "$REPO_DIR"/sql/[0-9]*.sql | wc -l)
assert_eq "$NMIG" "$(q "SELECT count(*) FROM tthc.schema_migration")" "all $NMIG migrations applied"
assert_eq 3321 "$(q "SELECT count(*) FROM tthc.unit")" "the commune list was loaded (by the loader)"
assert_eq t "$(q "SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = 'tthc_loader'" postgres)" \
  "the loader's password was set from its file"
grep -qF -e "$LOADER_PW" -e "$OWNER_PW" "$TMP/setup.out" && not_ok "the passwords are not printed" ||
  ok "the passwords are not printed"
assert_eq "SCRAM-SHA-256" "$(q "SELECT DISTINCT split_part(rolpassword, '\$', 1) FROM pg_authid
                                  WHERE rolname IN ('tthc_owner', 'tthc_loader')" postgres)" \
  "the owner's and the loader's passwords are stored as SCRAM verifiers"
# The verifier is the password's: with scram-sha-256 in pg_hba.conf the
# roles log in with their passwords, and not with another.
HBA=$HARNESS_PG/data/pg_hba.conf
cp "$HBA" "$TMP/hba.orig"
{ echo "local all tthc_owner,tthc_loader scram-sha-256"; cat "$TMP/hba.orig"; } >"$HBA"
q "SELECT pg_reload_conf()" postgres >/dev/null
login() { PGPASSWORD=$2 psql -XAtq -U "$1" -d tthc -c "SELECT current_user" >"$TMP/login.out" 2>&1; }
for i in $(seq 1 50); do login tthc_loader wrong || break; sleep 0.1; done
if login tthc_loader wrong; then not_ok "a wrong password is refused (scram-sha-256)"
else grep -q "password authentication failed" "$TMP/login.out" && ok "a wrong password is refused (scram-sha-256)" ||
  { not_ok "a wrong password is refused (other message)"; sed 's/^/    /' "$TMP/login.out"; }; fi
login tthc_loader "$LOADER_PW" && ok "tthc_loader logs in with its password" ||
  { not_ok "tthc_loader logs in with its password"; sed 's/^/    /' "$TMP/login.out"; }
login tthc_owner "$OWNER_PW" && ok "tthc_owner logs in with its password" ||
  { not_ok "tthc_owner logs in with its password"; sed 's/^/    /' "$TMP/login.out"; }
cat "$TMP/hba.orig" >"$HBA"
q "SELECT pg_reload_conf()" postgres >/dev/null
for i in $(seq 1 50); do login tthc_loader wrong && break; sleep 0.1; done
if TTHC_LOADER_PASSWORD_FILE=$TMP/loader.pw setup -c "$C" >"$TMP/setup2.out" 2>&1 &&
   grep -q "0 migrations applied" "$TMP/setup2.out"; then
  ok "tthc-setup-db.sh again: nothing to do (idempotent)"
else not_ok "tthc-setup-db.sh again"; sed 's/^/    /' "$TMP/setup2.out"; fi

# ------------------------------------------------------------ a night through the loader
if "$B/tthc-sync" -c "$C" >"$TMP/sync.out" 2>&1; then ok "tthc-sync through the loader's connection"
else not_ok "tthc-sync through the loader's connection"; sed 's/^/    /' "$TMP/sync.out" | tail -20; fi
n=$(q "SELECT count(*) FROM tthc.dossier_source")
[ "$n" -gt 0 ] 2>/dev/null && ok "the loader loaded $n records" || not_ok "the loader loaded records ($n)"
assert_eq 1 "$(q "SELECT count(*) FROM tthc.load_run")" "one load_run"
# Retention: a loaded run of 2020 (the night's run copied under an old
# id) goes after the next good night; the two recent runs stay.
first=$(ls "$TMP/state/runs")
cp -a "$TMP/state/runs/$first" "$TMP/state/runs/20200101T000000Z"
if "$B/tthc-sync" -c "$C" >"$TMP/sync.out" 2>&1; then ok "a second night"
else not_ok "a second night"; sed 's/^/    /' "$TMP/sync.out" | tail -20; fi
[ ! -e "$TMP/state/runs/20200101T000000Z" ] && ok "retention: a loaded run older than keep_days was removed after the night" ||
  not_ok "retention: a loaded run older than keep_days was removed after the night"
assert_eq 2 "$(find "$TMP/state/runs" -mindepth 2 -maxdepth 2 -name LOADED | wc -l)" "retention: the recent runs were kept"
grep -q "retention: removed 1 loaded run older than 30 days" "$TMP/sync.out" && ok "retention is logged" ||
  not_ok "retention is logged"

# the loader has dossier_source analysed with the owner's rights (sql/032),
# the parent of the partitions included (autovacuum never analyses it)
if as tthc_loader "SELECT tthc.analyze_dossier_source()" &&
   [ "$(q "SELECT count(*) > 0 FROM pg_stats WHERE schemaname = 'tthc' AND tablename = 'dossier_source' AND inherited")" = t ]; then
  ok "the loader has dossier_source analysed, the whole table included"
else not_ok "the loader has dossier_source analysed"; sed 's/^/    /' "$TMP/as.out"; fi
denied tthc_analyst "SELECT tthc.analyze_dossier_source()"
denied tthc_loader "CREATE TABLE tthc.loader_t (x int)"
denied tthc_loader "ALTER TABLE tthc.dossier ADD COLUMN x int"
denied tthc_loader "DROP TABLE tthc.unit"
denied tthc_loader "CREATE SCHEMA loader_s"
denied tthc_loader "INSERT INTO tthc.schema_migration (name) VALUES ('999_x.sql')"
if as tthc_analyst "SELECT count(*) FROM tthc.dossier"; then ok "tthc_analyst reads"; else not_ok "tthc_analyst reads"; fi
denied tthc_analyst "INSERT INTO tthc.unit VALUES ('99998', 'x', '31', 'x')"
denied tthc_analyst "UPDATE tthc.dossier SET status = 1"
denied tthc_analyst "DELETE FROM tthc.load_run"
denied tthc_analyst "CREATE TABLE tthc.analyst_t (x int)"

# ------------------------------------------------------------ backup and restore
# deploy/README.md's steps: pg_dump -Fc; a new database; pg_restore as the
# owner; the setup script for the grants; the next night loads again.
before=$(q "SELECT count(*) || '/' || (SELECT count(*) FROM tthc.dossier) || '/' || (SELECT count(*) FROM tthc.load_run) FROM tthc.dossier_source")
assert_cmd "pg_dump -Fc of the warehouse" pg_dump -Fc -d tthc -f "$TMP/tthc.dump"
dropdb tthc && createdb -O tthc_owner -T template0 tthc
assert_cmd "pg_restore --no-owner --role=tthc_owner" pg_restore -d tthc --no-owner --role=tthc_owner --exit-on-error "$TMP/tthc.dump"
assert_cmd "tthc-setup-db.sh after the restore" setup -c "$C"
assert_eq "$before" "$(q "SELECT count(*) || '/' || (SELECT count(*) FROM tthc.dossier) || '/' || (SELECT count(*) FROM tthc.load_run) FROM tthc.dossier_source")" \
  "the restored warehouse holds the same records, dossiers and runs"
assert_eq tthc_owner "$(q "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'tthc'")" "restored tables belong to tthc_owner"
# a restore into a new database does not carry ALTER DATABASE ... SET: the
# script sets it again (reports over the partitioned tables, sql/031)
assert_eq off "$(q "SHOW jit")" "the restored database has JIT off again (tthc-setup-db.sh)"
assert_cmd "a night after the restore (through the loader)" "$B/tthc-sync" -c "$C"
denied tthc_analyst "DELETE FROM tthc.dossier"
denied tthc_loader "CREATE TABLE tthc.loader_t (x int)"

# The loader's configuration cannot migrate: without owner_conninfo
# --migrate runs as the loader, and a pending migration fails for lack of
# rights (faked: the last migration forgotten).
LAST=$(basename "$(ls "$REPO_DIR"/sql/[0-9]*.sql | tail -n 1)")
q "DELETE FROM tthc.schema_migration WHERE name = '$LAST'"
if "$B/tthc-load" -c "$TMP/no-owner.conf" --migrate >"$TMP/m.out" 2>&1; then
  not_ok "the loader's connection cannot apply a migration (it succeeded)"
elif grep -Eq "permission denied|must be owner" "$TMP/m.out"; then
  ok "the loader's connection cannot apply a migration"
else not_ok "the loader's connection cannot apply a migration (failed otherwise)"; sed 's/^/    /' "$TMP/m.out"; fi
q "INSERT INTO tthc.schema_migration (name) VALUES ('$LAST')"

# ------------------------------------------------------------ owner_conninfo_file
# Only tthc-load --migrate reads it: a file the nightly programs cannot read
# (here missing; in production root's or the DBA's alone) stops none of
# them, and --migrate names it. (A state directory of its own: the dry run
# leaves a transformed run the warehouse's night must not load.)
U=$TMP/owner-file.conf
OF=$TMP/secret/owner-conninfo
sed -e "s|^owner_conninfo = .*|owner_conninfo_file = $OF|" -e "s|^dir = .*|dir = $TMP/state-dry|" "$C" >"$U"
mkdir -p "$TMP/state-dry"
assert_cmd "tthc-transform starts although owner_conninfo_file cannot be read" "$B/tthc-transform" -c "$U"
assert_cmd "tthc-load (a load) starts although owner_conninfo_file cannot be read" "$B/tthc-load" -c "$U"
assert_cmd "tthc-sync --dry-run starts although owner_conninfo_file cannot be read" "$B/tthc-sync" -c "$U" --dry-run
if "$B/tthc-load" -c "$U" --migrate >"$TMP/mo.out" 2>&1; then not_ok "--migrate without its owner_conninfo_file fails"
elif grep -qF "error: cannot read [warehouse] owner_conninfo_file \"$OF\"" "$TMP/mo.out"; then
  ok "--migrate without its owner_conninfo_file fails, naming the file"
else not_ok "--migrate without its owner_conninfo_file fails (message)"; sed 's/^/    /' "$TMP/mo.out"; fi
mkdir -p "$TMP/secret"
echo "host=$PGHOST port=$PGPORT user=tthc_owner dbname=tthc" >"$OF"
chmod 0644 "$OF"
if "$B/tthc-load" -c "$U" --migrate >"$TMP/mo.out" 2>&1; then not_ok "--migrate refuses an owner_conninfo_file others may read"
elif grep -q "readable by group or others" "$TMP/mo.out"; then ok "--migrate refuses an owner_conninfo_file others may read"
else not_ok "--migrate refuses an owner_conninfo_file others may read (message)"; sed 's/^/    /' "$TMP/mo.out"; fi
chmod 0600 "$OF"
if "$B/tthc-load" -c "$U" --migrate >"$TMP/mo.out" 2>&1 && grep -q "schema up to date" "$TMP/mo.out"; then
  ok "--migrate connects through owner_conninfo_file"
else not_ok "--migrate connects through owner_conninfo_file"; sed 's/^/    /' "$TMP/mo.out"; fi
# A password written into owner_conninfo itself: refused as in conninfo
# (one helper for both), naming the key; the password is not printed.
sed "s|^owner_conninfo = .*|& password=0wn-inline-pw|" "$C" >"$TMP/inline-owner.conf"
if "$B/tthc-load" -c "$TMP/inline-owner.conf" --migrate >"$TMP/mo.out" 2>&1; then
  not_ok "a password in owner_conninfo is refused (it connected)"
elif grep -qF "error: [warehouse] owner_conninfo in \"$TMP/inline-owner.conf\" holds a password" "$TMP/mo.out" &&
     grep -q "^HINT: .*PGPASSFILE.*owner_conninfo_file" "$TMP/mo.out" && ! grep -q "0wn-inline-pw" "$TMP/mo.out"; then
  ok "a password in owner_conninfo is refused, naming the key (not printed)"
else not_ok "a password in owner_conninfo is refused (message)"; sed 's/^/    /' "$TMP/mo.out"; fi

# ------------------------------------------------------------ upgrade
# An older warehouse: the first migrations only, applied as the owner by
# hand; --migrate applies the rest, in order, to the schema of a new one.
createdb -O tthc_owner -T template0 upgr
OLD=$((NMIG - 3))
psql -XAtq -v ON_ERROR_STOP=1 -U tthc_owner -d upgr \
  -c "CREATE SCHEMA tthc; CREATE TABLE tthc.schema_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
for f in $(ls "$REPO_DIR"/sql/[0-9]*.sql | head -n "$OLD"); do
  PGOPTIONS="-c client_min_messages=warning" psql -Xq -1 -v ON_ERROR_STOP=1 -U tthc_owner -d upgr -f "$f" >/dev/null &&
    q "INSERT INTO tthc.schema_migration (name) VALUES ('$(basename "$f")')" upgr || not_ok "old migration $f"
done
if TTHC_CONNINFO="host=$PGHOST port=$PGPORT user=tthc_owner dbname=upgr" "$B/tthc-load" --migrate >"$TMP/up.out" 2>&1 &&
   grep -q "($((NMIG - OLD)) migrations applied)" "$TMP/up.out"; then
  ok "an older warehouse ($OLD migrations) is upgraded: $((NMIG - OLD)) applied"
else not_ok "upgrade of an older warehouse"; sed 's/^/    /' "$TMP/up.out"; fi
assert_eq "$(q "SELECT string_agg(name, ',' ORDER BY name) FROM tthc.schema_migration")" \
  "$(q "SELECT string_agg(name, ',' ORDER BY name) FROM tthc.schema_migration" upgr)" "the same migrations recorded"
dump() { pg_dump -s --no-owner --no-privileges -n tthc -T tthc.schema_migration -d "$1" | grep -Ev '^--|^\\(un)?restrict '; }
dump tthc >"$TMP/new.sql"
dump upgr >"$TMP/upgraded.sql"
if [ -s "$TMP/new.sql" ] && harness_same "the upgraded schema" "$TMP/new.sql" "$TMP/upgraded.sql"; then
  ok "the upgraded schema equals a new warehouse's (pg_dump -s)"
else not_ok "the upgraded schema equals a new warehouse's (pg_dump -s)"; fi

# ------------------------------------------------------------ newer than the binary
VERSION=$("$B/tthc-load" --version | head -n 1 | awk '{print $3}')
psql -XAtq -v ON_ERROR_STOP=1 -U tthc_owner -d tthc -c "INSERT INTO tthc.schema_migration (name) VALUES ('999_from_a_newer_release.sql')"
newer() { # newer PROG WHAT cmd...: refused, primary/detail/hint naming the migration and PROG's version
  local prog=$1 what=$2
  shift 2
  if "$@" >"$TMP/newer.out" 2>&1; then not_ok "$what: a newer warehouse is refused (it succeeded)"; return; fi
  if grep -q "error: the warehouse schema is newer than $prog $VERSION: it holds migration \"999_from_a_newer_release.sql\"" "$TMP/newer.out" &&
     grep -q "^DETAIL: Migration 999_from_a_newer_release.sql (applied .* UTC) is not one of the $NMIG migrations $prog $VERSION knows" "$TMP/newer.out" &&
     grep -q "^HINT: Install the tthc-etl release that applied it" "$TMP/newer.out"; then
    ok "$what: a newer warehouse is refused, naming the migration and $prog $VERSION"
  else not_ok "$what: a newer warehouse is refused (message)"; sed 's/^/    /' "$TMP/newer.out"; fi
}
newer tthc-load "tthc-load --migrate" "$B/tthc-load" -c "$C" --migrate
newer tthc-load "tthc-load (a load)" "$B/tthc-load" -c "$C"
newer tthc-load "tthc-load --units" "$B/tthc-load" -c "$C" --units "$D/units-2025.csv"
newer tthc-load "tthc-setup-db.sh" setup -c "$C"
newer tthc-sync "tthc-sync" "$B/tthc-sync" -c "$C"
assert_eq "$((NMIG + 1))" "$(q "SELECT count(*) FROM tthc.schema_migration")" "... and nothing was migrated"

# ------------------------------------------------------------ a DBA that is no superuser
# PostgreSQL 15 lets a role with CREATEROLE and CREATEDB create roles, but
# not set NOREPLICATION, and asks whoever creates a database, a schema or
# default privileges for tthc_owner to be a member of it. Run by such a DBA
# on a cluster without the warehouse, the script builds the same one: the
# same owners, migrations, and privileges as the superuser's.
privs() { # the privileges on schema tthc and everything in it, and the default ones
  q "SELECT (SELECT nspacl::text FROM pg_namespace WHERE nspname = 'tthc')
         || ' ' || (SELECT string_agg(c.relname || '=' || coalesce(c.relacl::text, '-'), ' ' ORDER BY c.relname)
                      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'tthc' AND c.relkind IN ('r', 'v', 'm', 'S', 'p'))
         || ' ' || (SELECT string_agg(p.oid::regprocedure::text || '=' || coalesce(p.proacl::text, '-'), ' '
                                      ORDER BY p.oid::regprocedure::text)
                      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'tthc')
         || ' ' || (SELECT string_agg(defaclobjtype::text || '=' || defaclacl::text, ' ' ORDER BY defaclobjtype)
                      FROM pg_default_acl WHERE defaclrole = 'tthc_owner'::regrole)"
}
SUPER_PRIVS=$(privs)
dropdb tthc && dropdb upgr && q "DROP ROLE tthc_analyst, tthc_loader, tthc_owner" postgres &&
  q "CREATE ROLE tthc_dba LOGIN CREATEROLE CREATEDB" postgres &&
  ok "a cluster without the warehouse, and a DBA with CREATEROLE and CREATEDB only" ||
  not_ok "a cluster without the warehouse, and a DBA with CREATEROLE and CREATEDB only"
DBA="host=$PGHOST port=$PGPORT user=tthc_dba dbname=postgres"
if TTHC_OWNER_PASSWORD=$OWNER_PW TTHC_LOADER_PASSWORD=$LOADER_PW TTHC_ANALYST_PASSWORD=$ANALYST_PW \
     setup -c "$C" --admin "$DBA" --units default >"$TMP/dba.out" 2>&1; then
  ok "tthc-setup-db.sh --admin 'user=tthc_dba' (no superuser) creates the warehouse"
else not_ok "tthc-setup-db.sh --admin 'user=tthc_dba' (no superuser) creates the warehouse"; sed 's/^/    /' "$TMP/dba.out"; fi
assert_eq "tthc_analyst|t|f|f|f|f|f
tthc_loader|t|f|f|f|f|f
tthc_owner|t|f|f|f|f|f" "$(q "SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls
                            FROM pg_roles WHERE rolname LIKE 'tthc\\_%' AND rolname <> 'tthc_dba' ORDER BY 1" postgres)" \
  "DBA: three login roles, none with more than LOGIN"
assert_eq t "$(q "SELECT pg_has_role('tthc_dba', 'tthc_owner', 'MEMBER')" postgres)" "DBA: made a member of tthc_owner"
assert_eq tthc_owner "$(q "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'tthc'" postgres)" \
  "DBA: the database belongs to tthc_owner"
assert_eq tthc_owner "$(q "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'tthc'")" \
  "DBA: schema tthc belongs to tthc_owner"
assert_eq tthc_owner "$(q "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'tthc'")" \
  "DBA: every table was created by the owner"
assert_eq "$NMIG" "$(q "SELECT count(*) FROM tthc.schema_migration")" "DBA: all $NMIG migrations applied"
assert_eq 3321 "$(q "SELECT count(*) FROM tthc.unit")" "DBA: the commune list was loaded (by the loader)"
DBA_PRIVS=$(privs)
if [ -n "$SUPER_PRIVS" ] && [ "$SUPER_PRIVS" = "$DBA_PRIVS" ]; then
  ok "DBA: the same privileges (tables, functions, schema, default privileges) as the superuser's warehouse"
else
  not_ok "DBA: the same privileges as the superuser's warehouse"
  diff <(tr ' ' '\n' <<<"$SUPER_PRIVS") <(tr ' ' '\n' <<<"$DBA_PRIVS") | head -6 | sed 's/^/    /'
fi
denied tthc_loader "CREATE TABLE tthc.loader_t (x int)"
denied tthc_analyst "DELETE FROM tthc.unit"
if setup -c "$C" --admin "$DBA" >"$TMP/dba2.out" 2>&1 && grep -q "0 migrations applied" "$TMP/dba2.out"; then
  ok "DBA: tthc-setup-db.sh again: nothing to do"
else not_ok "DBA: tthc-setup-db.sh again"; sed 's/^/    /' "$TMP/dba2.out"; fi
# An existing role with more than LOGIN: the DBA may not take it away, so
# it refuses, saying what a superuser must run.
q "ALTER ROLE tthc_analyst CREATEDB" postgres
setup -c "$C" --admin "$DBA" >"$TMP/dba3.out" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q "role tthc_analyst exists with CREATEDB" "$TMP/dba3.out" &&
   grep -q "HINT: *As a superuser: ALTER ROLE tthc_analyst LOGIN NOSUPERUSER" "$TMP/dba3.out"; then
  ok "DBA: an existing role with CREATEDB is refused (exit 1), with the superuser's fix"
else not_ok "DBA: an existing role with CREATEDB is refused (exit $rc)"; sed 's/^/    /' "$TMP/dba3.out"; fi
q "ALTER ROLE tthc_analyst NOCREATEDB" postgres

# ------------------------------------------------------------ no password on the server
# Both setups set passwords; the non-superuser DBA's statements are all in
# the log (it may not turn log_statement off), yet only verifiers are.
LOG=$HARNESS_PG/server.log
grep -q "ALTER ROLE tthc_loader PASSWORD 'SCRAM-SHA-256" "$LOG" &&
  ok "the server's log holds the statements that set the passwords (log_statement = all)" ||
  not_ok "the server's log holds the statements that set the passwords (log_statement = all)"
for pw in "$OWNER_PW" "$LOADER_PW" "$ANALYST_PW"; do
  grep -qF -- "$pw" "$LOG" && not_ok "no password in the server's log (${pw%%-*})" ||
    ok "no password in the server's log (${pw%%-*})"
done
if [ "$PGSS" = 1 ]; then
  q "SELECT query FROM pg_stat_statements" postgres >"$TMP/pgss.out"
  grep -q "ALTER ROLE tthc_loader PASSWORD" "$TMP/pgss.out" &&
    ok "pg_stat_statements holds the statements that set the passwords" ||
    not_ok "pg_stat_statements holds the statements that set the passwords"
  grep -qF -e "$OWNER_PW" -e "$LOADER_PW" -e "$ANALYST_PW" "$TMP/pgss.out" &&
    not_ok "no password in pg_stat_statements" || ok "no password in pg_stat_statements"
else ok "# SKIP pg_stat_statements is not installed"; fi
harness_done
