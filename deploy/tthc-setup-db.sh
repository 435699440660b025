#!/bin/sh
# tthc-setup-db.sh — creates (or upgrades) the warehouse: roles, database,
# schema and grants, in the order that works, each step with the connection
# that has the right to do it:
#
#   1. DBA connection (--admin): the roles tthc_owner (owns the database and
#      schema tthc, runs the migrations), tthc_loader (loads) and
#      tthc_analyst (reads), then the database, owned by tthc_owner. A DBA
#      that is no superuser is made a member of tthc_owner (GRANT tthc_owner
#      TO the DBA): PostgreSQL asks that of whoever creates a database or a
#      schema for another role, or sets its default privileges.
#   2. Owner connection ([warehouse] owner_conninfo / owner_conninfo_file
#      of the configuration): tthc-load --migrate creates or upgrades the
#      schema.
#   3. DBA connection: deploy/roles.sql grants the loader and the analyst
#      what they need (and default privileges for what later migrations
#      create).
#   4. Loader connection ([warehouse] conninfo): tthc-load --units loads the
#      commune list (optional, --units).
#
# Idempotent: run it again after installing a new release to upgrade (the
# migrations not yet applied are applied; a warehouse newer than this
# release is refused).
#
# Usage: tthc-setup-db.sh [OPTION]...
#   -c, --config FILE     configuration the nightly job uses (default
#                         $TTHC_CONFIG, else /etc/tthc/tthc.conf); it must
#                         give [warehouse] conninfo (the loader) and
#                         owner_conninfo or owner_conninfo_file (the owner)
#   -a, --admin CONNINFO  the DBA's libpq connection (a superuser, or a role
#                         with CREATEROLE and CREATEDB, which becomes a
#                         member of tthc_owner); default: libpq's PG*
#                         environment, e.g. `sudo -u postgres` over the
#                         local socket
#   -d, --dbname NAME     the warehouse database (default tthc; must match
#                         the dbname of the configuration's connections)
#   -u, --units FILE      then load the commune list (units-2025.csv) as the
#                         loader; "default" = the installed one
#   -h, --help            this help
#
# Passwords never come from the command line. The DBA's, the owner's and
# the loader's connections take theirs from ~/.pgpass or PGPASSFILE (or use
# peer/certificate authentication). To set the roles' passwords, give files
# (mode 0600) in TTHC_OWNER_PASSWORD_FILE, TTHC_LOADER_PASSWORD_FILE,
# TTHC_ANALYST_PASSWORD_FILE, or the passwords themselves in
# TTHC_OWNER_PASSWORD, TTHC_LOADER_PASSWORD, TTHC_ANALYST_PASSWORD. They
# never reach the server: tthc-load --encrypt-password turns each into a
# SCRAM-SHA-256 verifier (over the DBA's connection), and only that is sent
# (ALTER ROLE ... PASSWORD 'SCRAM-SHA-256$...'), so no server log, failing
# statement or pg_stat_statements entry holds a password.
#
# A role that already exists is not changed by a DBA that is no superuser
# (PostgreSQL does not let it); it is refused if it has more than LOGIN
# (SUPERUSER, CREATEDB, CREATEROLE, REPLICATION, BYPASSRLS).
#
# Exit status: 0 done; 1 a step failed (the message says which; the steps
# before it are kept and the script can be run again); 2 bad usage.
#
# Examples:
#   sudo -u postgres tthc-setup-db.sh -c /etc/tthc/tthc.conf --units default
#   TTHC_LOADER_PASSWORD_FILE=/root/loader.pw \
#     tthc-setup-db.sh -c /etc/tthc/tthc.conf --admin 'host=db.example user=dba'
set -eu

PROG=tthc-setup-db.sh
HERE=$(cd "$(dirname "$0")" && pwd)
CONF=${TTHC_CONFIG:-/etc/tthc/tthc.conf}
ADMIN=""
DB=tthc
UNITS=""
# The programs: in the repository build/bin next to deploy/; installed,
# make install's BINDIR, written here at install time (as in the units);
# else tthc-load on PATH.
INSTALLED_BIN=/usr/local/bin
if [ -z "${TTHC_BIN:-}" ]; then
  if [ -x "$HERE/../build/bin/tthc-load" ]; then TTHC_BIN=$(cd "$HERE/../build/bin" && pwd)
  elif [ -x "$INSTALLED_BIN/tthc-load" ]; then TTHC_BIN=$INSTALLED_BIN
  else TTHC_BIN=$(dirname "$(command -v tthc-load || echo "$INSTALLED_BIN/tthc-load")"); fi
fi
ROLES_SQL=${TTHC_ROLES_SQL:-$HERE/roles.sql}

usage() { sed -n '/^# Usage:/,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
die() { echo "$PROG: error: $1" >&2; [ -n "${2:-}" ] && echo "HINT: $2" >&2; exit 1; }
bad() { echo "$PROG: $1" >&2; echo "Try \"$PROG --help\" for more information." >&2; exit 2; }
step() { echo "$PROG: $*"; }

while [ $# -gt 0 ]; do
  case $1 in
    -c|--config) [ $# -ge 2 ] || bad "$1 needs a FILE"; CONF=$2; shift 2 ;;
    --config=*) CONF=${1#*=}; shift ;;
    -a|--admin) [ $# -ge 2 ] || bad "$1 needs a CONNINFO"; ADMIN=$2; shift 2 ;;
    --admin=*) ADMIN=${1#*=}; shift ;;
    -d|--dbname) [ $# -ge 2 ] || bad "$1 needs a NAME"; DB=$2; shift 2 ;;
    --dbname=*) DB=${1#*=}; shift ;;
    -u|--units) [ $# -ge 2 ] || bad "$1 needs a FILE"; UNITS=$2; shift 2 ;;
    --units=*) UNITS=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) bad "unknown argument \"$1\"" ;;
  esac
done

# ------------------------------------------------------------ checks first
[ -x "$TTHC_BIN/tthc-load" ] || die "no tthc-load in $TTHC_BIN" "Install tthc-etl (make install) or set TTHC_BIN."
[ -r "$ROLES_SQL" ] || die "cannot read $ROLES_SQL" "Set TTHC_ROLES_SQL to deploy/roles.sql."
[ -r "$CONF" ] || die "cannot read the configuration \"$CONF\"" "Write it from tthc.conf.example; pass -c FILE."
command -v psql >/dev/null || die "psql not found" "apt-get install postgresql-client"
case $DB in *[!A-Za-z0-9_]*|"") die "database name \"$DB\" must be letters, digits and _" ;; esac
# --migrate must run as the owner: without an owner connection it would run
# as the loader, which may not change the schema.
grep -Eq '^[[:space:]]*owner_conninfo(_file)?[[:space:]]*=' "$CONF" ||
  die "\"$CONF\" gives no [warehouse] owner_conninfo or owner_conninfo_file" \
      "Add e.g. owner_conninfo = host=... dbname=$DB user=tthc_owner (the password in ~/.pgpass)."
case $ADMIN in *password=*|*://*:*@*) die "--admin holds a password" \
  "Command lines are visible to every user: put the password in ~/.pgpass or PGPASSFILE." ;; esac

# A password file must be the owner's alone (as tthc-etl's secret files).
password_from() {
  var=$1 file=$2
  [ -n "$file" ] || return 0
  [ -r "$file" ] || die "cannot read $file (${var}_FILE)"
  mode=$(stat -c %a "$file")
  case $mode in *[1-7][0-7]|*[1-7]) die "$file is readable by others (mode $mode)" "chmod 0600 $file" ;; esac
  val=$(cat "$file")
  export "$var=$val"
}
password_from TTHC_OWNER_PASSWORD "${TTHC_OWNER_PASSWORD_FILE:-}"
password_from TTHC_LOADER_PASSWORD "${TTHC_LOADER_PASSWORD_FILE:-}"
password_from TTHC_ANALYST_PASSWORD "${TTHC_ANALYST_PASSWORD_FILE:-}"

# Each password becomes its SCRAM verifier here (printf is the shell's
# builtin: the password is in no process's argv); psql gets the verifier
# only, in its environment (\getenv), never the password.
verifier_of() {
  role=$1 var=$2
  eval "pw=\${$var:-}"
  [ -n "$pw" ] || return 0
  v=$(printf '%s' "$pw" | TTHC_CONNINFO=$ADMIN "$TTHC_BIN/tthc-load" --encrypt-password "$role") ||
    die "could not encrypt the password of $role (tthc-load --encrypt-password, DBA connection)" \
        "See the message above; the DBA connection must work (--admin, or the PG* environment)."
  export "TTHC_${role#tthc_}_VERIFIER=$v"
  unset pw v "$var"
}
verifier_of tthc_owner TTHC_OWNER_PASSWORD
verifier_of tthc_loader TTHC_LOADER_PASSWORD
verifier_of tthc_analyst TTHC_ANALYST_PASSWORD

# The NOTICEs of IF NOT EXISTS on a second run are noise here.
PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
export PGOPTIONS

admin_psql() {
  if [ -n "$ADMIN" ]; then psql -X -q -v ON_ERROR_STOP=1 -v db="$DB" -d "$ADMIN" "$@"
  else psql -X -q -v ON_ERROR_STOP=1 -v db="$DB" "$@"; fi
}

# ------------------------------------------------------------ 1. roles, database
step "1/4 roles tthc_owner, tthc_loader, tthc_analyst and database $DB (DBA connection)"
admin_psql <<'SQL' || die "creating the roles or the database failed (DBA connection)" \
  "The DBA connection needs a superuser, or CREATEROLE and CREATEDB; see the message above."
SELECT rolsuper AS is_super FROM pg_roles WHERE rolname = current_user \gset
\if :is_super
-- Not needed for the passwords (only their verifiers are sent), but
-- nothing of this session belongs in the server's log.
SET log_statement = 'none';
\endif
DO $$
DECLARE
  r text;
  extra text;
  su boolean := (SELECT rolsuper FROM pg_roles WHERE rolname = current_user);
BEGIN
  FOREACH r IN ARRAY ARRAY['tthc_owner', 'tthc_loader', 'tthc_analyst'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I LOGIN', r);
    ELSIF su THEN
      EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', r);
    ELSE
      -- Only a superuser may change SUPERUSER, REPLICATION and BYPASSRLS
      -- (PostgreSQL 15): the DBA checks what it cannot set.
      SELECT string_agg(a.name, ', ') INTO extra
        FROM pg_roles p,
             LATERAL (VALUES (p.rolsuper, 'SUPERUSER'), (p.rolcreatedb, 'CREATEDB'),
                             (p.rolcreaterole, 'CREATEROLE'), (p.rolreplication, 'REPLICATION'),
                             (p.rolbypassrls, 'BYPASSRLS'), (NOT p.rolcanlogin, 'NOLOGIN')) a(has, name)
       WHERE p.rolname = r AND a.has;
      IF extra IS NOT NULL THEN
        RAISE EXCEPTION 'role % exists with %', r, extra
          USING HINT = format('As a superuser: ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB '
                              'NOCREATEROLE NOREPLICATION NOBYPASSRLS; then run this again.', r);
      END IF;
    END IF;
  END LOOP;
  -- CREATE DATABASE ... OWNER, CREATE SCHEMA ... AUTHORIZATION and (roles.sql)
  -- ALTER DEFAULT PRIVILEGES FOR ROLE tthc_owner need a DBA that is no
  -- superuser to be a member of tthc_owner.
  IF NOT su AND NOT pg_has_role(current_user, 'tthc_owner', 'MEMBER') THEN
    EXECUTE format('GRANT tthc_owner TO %I', current_user);
  END IF;
END
$$;
COMMENT ON ROLE tthc_owner IS 'Chủ lược đồ kho TTHC, chạy nâng cấp / Owns the TTHC warehouse schema, runs migrations';
\getenv pw TTHC_owner_VERIFIER
\if :{?pw}
ALTER ROLE tthc_owner PASSWORD :'pw';
\unset pw
\endif
\getenv pw TTHC_loader_VERIFIER
\if :{?pw}
ALTER ROLE tthc_loader PASSWORD :'pw';
\unset pw
\endif
\getenv pw TTHC_analyst_VERIFIER
\if :{?pw}
ALTER ROLE tthc_analyst PASSWORD :'pw';
\unset pw
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') AS need_db \gset
\if :need_db
CREATE DATABASE :"db" OWNER tthc_owner ENCODING 'UTF8' TEMPLATE template0;
\endif
SELECT pg_get_userbyid(datdba) AS db_owner FROM pg_database WHERE datname = :'db' \gset
SELECT :'db_owner' = 'tthc_owner' AS owner_ok \gset
\if :owner_ok
\else
\echo database :db exists and is owned by :db_owner, not tthc_owner
\echo HINT: as a superuser: ALTER DATABASE :db OWNER TO tthc_owner; and in it: REASSIGN OWNED BY :db_owner TO tthc_owner (only if nothing else lives there)
DO $$ BEGIN RAISE EXCEPTION 'the warehouse database is owned by another role'; END $$;
\endif
-- Reports over the partitioned dossier tables spend seconds in JIT
-- compilation and gain nothing from it (sql/031 sets this too; set here
-- again for a database restored from a dump, which does not carry it).
ALTER DATABASE :"db" SET jit = off;
\connect :"db"
-- The schema belongs to the owner, whoever created it first.
CREATE SCHEMA IF NOT EXISTS tthc AUTHORIZATION tthc_owner;
SQL

# The verifiers went to psql only.
unset TTHC_owner_VERIFIER TTHC_loader_VERIFIER TTHC_analyst_VERIFIER

# ------------------------------------------------------------ 2. schema
step "2/4 schema ($TTHC_BIN/tthc-load --migrate, owner connection)"
"$TTHC_BIN/tthc-load" -c "$CONF" --migrate ||
  die "tthc-load --migrate failed (owner connection of $CONF)" \
      "Check owner_conninfo (user=tthc_owner dbname=$DB), ~/.pgpass and pg_hba.conf; a warehouse newer than this release is refused."

# ------------------------------------------------------------ 3. grants
step "3/4 grants for tthc_loader and tthc_analyst (deploy/roles.sql, DBA connection)"
admin_psql -v owner=tthc_owner -v roles_sql="$ROLES_SQL" <<'SQL' || die "deploy/roles.sql failed"
\connect :"db"
\i :roles_sql
SQL

# ------------------------------------------------------------ 4. units
if [ -n "$UNITS" ]; then
  [ "$UNITS" = default ] && UNITS=$HERE/../units-2025.csv
  step "4/4 commune list $UNITS (tthc-load --units, loader connection)"
  "$TTHC_BIN/tthc-load" -c "$CONF" --units "$UNITS" ||
    die "loading the commune list failed (loader connection of $CONF)"
else
  step "4/4 commune list: skipped (--units FILE loads it; needed before the first sync)"
fi

admin_psql -At <<'SQL' || die "the summary of the warehouse could not be read (DBA connection)" \
  "The steps above are done; see the message above, and run this again."
\connect :"db"
SELECT 'warehouse ' || current_database() || ': schema tthc owned by '
       || pg_get_userbyid(nspowner) || ', '
       || (SELECT count(*) FROM tthc.schema_migration) || ' migrations applied, '
       || (SELECT count(*) FROM tthc.unit) || ' communes'
  FROM pg_namespace WHERE nspname = 'tthc';
SQL
step "done"
