/*
 * lock.c — the state-directory and warehouse locks of tthc-sync (lock.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "lock.h"
#include "log.h"
#include "pgutil.h"
#include "timeutil.h"

/* One constant key for tthc-sync's session lock ("tthcsync"); the loader's
 * transaction lock and the migrations' lock use keys of their own. */
#define SYNC_LOCK_KEY "7555536815616001"

/* Says who holds the state lock, from what the holder wrote in the file. */
static void report_state_holder(int fd, const char *path)
{
  char buf[128] = "";
  ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
  long pid = 0;
  char since[64] = "an unknown time";

  if (n > 0) {
    buf[n] = '\0';
    if (sscanf(buf, "%ld %63s", &pid, since) < 1)
      pid = 0;
  }
  if (pid > 0)
    log_report(LOG_ERROR, NULL,
               "Wait for it to finish; two syncs of one state directory never overlap.",
               "another tthc-sync (pid %ld) is running since %s; lock \"%s\"", pid, since, path);
  else
    log_report(LOG_ERROR, NULL,
               "Wait for it to finish; two syncs of one state directory never overlap.",
               "another tthc-sync is running; lock \"%s\"", path);
}

static void write_holder(int fd)
{
  char line[96], when[21];
  int len;

  time_format_iso_utc((tthc_time)time(NULL), when);
  len = snprintf(line, sizeof(line), "%ld %s\n", (long)getpid(), when);
  if (ftruncate(fd, 0) == 0 && pwrite(fd, line, (size_t)len, 0) != len)
    log_warn("could not write the holder into the state lock: %s", strerror(errno));
}

int sync_lock_state(const char *state_dir)
{
  char *path = NULL;
  int fd;

  if (fs_mkdirs(state_dir, 0750) != FS_OK) {
    log_report(LOG_ERROR, strerror(errno), "Check [state] dir and its permissions.",
               "could not create the state directory \"%s\"", state_dir);
    return -1;
  }
  if (asprintf(&path, "%s/lock", state_dir) < 0)
    return -1;
  fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    log_report(LOG_ERROR, strerror(errno), "Check [state] dir and its permissions.",
               "could not open the lock \"%s\"", path);
    free(path);
    return -1;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      report_state_holder(fd, path);
    else
      log_report(LOG_ERROR, strerror(errno), NULL, "could not lock \"%s\"", path);
    close(fd);
    free(path);
    return -1;
  }
  write_holder(fd);
  free(path);
  return fd;
}

/* Says which session holds the warehouse lock (its application_name names
 * the tthc-sync process and host). */
static void report_warehouse_holder(PGconn *conn)
{
  PGresult *res = pgu_exec(
    conn,
    "SELECT coalesce(a.application_name, '?'), a.pid, "
    "       to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    "  FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.locktype = 'advisory' AND l.granted"
    "   AND l.objsubid = 1 AND ((l.classid::bigint << 32) | l.objid::bigint) = " SYNC_LOCK_KEY
    " LIMIT 1",
    0, NULL, PGRES_TUPLES_OK);
  const char *hint = "Wait for it to finish; two syncs of one warehouse never overlap.";

  if (res && PQntuples(res) == 1)
    log_report(LOG_ERROR, NULL, hint,
               "another tthc-sync (%s, server pid %s) is running since %s on the warehouse",
               PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
  else
    log_report(LOG_ERROR, NULL, hint, "another tthc-sync is running on the warehouse");
  PQclear(res);
}

int sync_lock_warehouse(PGconn *conn)
{
  PGresult *res =
    pgu_exec(conn, "SELECT pg_try_advisory_lock(" SYNC_LOCK_KEY ")", 0, NULL, PGRES_TUPLES_OK);
  char name[64], host[32] = "?";
  const char *params[] = { name };
  int got;

  if (!res)
    return -1;
  got = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
  PQclear(res);
  if (!got) {
    report_warehouse_holder(conn);
    return -1;
  }
  if (gethostname(host, sizeof(host)) != 0)
    snprintf(host, sizeof(host), "?");
  host[sizeof(host) - 1] = '\0';
  snprintf(name, sizeof(name), "tthc-sync pid %ld on %s", (long)getpid(), host);
  if (pgu_command(conn, "SELECT set_config('application_name', $1, false)", 1, params) != PGU_OK)
    return -1;
  return 0;
}
