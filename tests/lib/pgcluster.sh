# shellcheck shell=bash
# Throwaway PostgreSQL cluster for tests and the demo: initdb in a temporary
# directory, listening only on a Unix socket inside it, fsync off.
# PostgreSQL refuses to run as root, so when invoked as root the server runs
# as an unprivileged user (TTHC_PG_USER, default "tthc-pg", created if absent).
#
#   . tests/lib/pgcluster.sh
#   pgcluster_start DIR      # exports PGHOST PGPORT PGUSER PGDATABASE
#   pgcluster_stop DIR       # stops the server (call it from a trap)

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && echo "$d"; done | sort -V | tail -n 1
}

pgcluster_run_as() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "${TTHC_PG_USER:-tthc-pg}" -- "$@"
  else
    "$@"
  fi
}

pgcluster_start() {
  local dir=$1 bin port
  bin=$(pg_bindir)
  [ -n "$bin" ] || { echo "pgcluster: no PostgreSQL server binaries (run deploy/install-deps.sh)" >&2; return 1; }
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    local u=${TTHC_PG_USER:-tthc-pg}
    id "$u" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$u"
    chown "$u" "$dir"
    chmod 0755 "$dir"
  fi
  pgcluster_run_as "$bin/initdb" -D "$dir/data" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { echo "pgcluster: initdb failed, see $dir/initdb.log" >&2; cat "$dir/initdb.log" >&2; return 1; }
  # A port number is still needed to name the socket; pick one from the pid.
  port=$(( 20000 + ($$ + RANDOM) % 20000 ))
  pgcluster_run_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=40" \
      start >/dev/null ||
    { echo "pgcluster: server did not start, see $dir/server.log" >&2; cat "$dir/server.log" >&2; return 1; }
  export PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=postgres
}

pgcluster_stop() {
  local dir=$1 bin
  bin=$(pg_bindir)
  [ -d "$dir/data" ] || return 0
  pgcluster_run_as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
}
