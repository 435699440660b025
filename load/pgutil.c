#include "pgutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "log.h"

const char *pgu_strerror(pgu_result r)
{
  switch (r) {
  case PGU_OK: return "no error";
  case PGU_CONNECT: return "could not connect to the warehouse";
  case PGU_SQL: return "a statement failed";
  case PGU_IO: return "could not read a local file";
  case PGU_NOMEM: return "out of memory";
  case PGU_CONFLICT: return "another run with this id is already loaded";
  }
  return "unknown error";
}

/* Logs a failed result the way psql/pg_dump do, plus the statement. */
static void log_pg_failure(PGconn *conn, const PGresult *res, const char *sql)
{
  const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
  const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
  const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

  if (!primary)
    primary = PQerrorMessage(conn);
  log_report(LOG_ERROR, detail, hint, "query failed: %s%s%s%s\nQUERY: %.2000s", primary,
             state ? " (SQLSTATE " : "", state ? state : "", state ? ")" : "", sql);
}

/* The test hook's place to die after a statement or a COPY chunk
 * (fs_crash_point, inert unless TTHC_CRASH_AT is set): tests kill the
 * loader at every step of its transaction. Labelled with the SQL's start. */
static void crash_point(const char *what, const char *sql)
{
  char head[72];

  snprintf(head, sizeof head, "%s", sql);
  head[strcspn(head, "\n")] = '\0';
  fs_crash_point(what, head);
}

/* Without parameters the simple protocol is used, which allows several
 * statements in one string (migrations). */
static PGresult *run(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
  PGresult *res = nparams == 0 ? PQexec(conn, sql)
                               : PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);

  crash_point("SQL statement", sql);
  return res;
}

PGconn *pgu_connect(const char *conninfo, const char *progname)
{
  const char *keys[] = { "dbname", "application_name", "client_encoding", NULL };
  const char *vals[] = { conninfo ? conninfo : "", progname, "UTF8", NULL };
  PGconn *conn = PQconnectdbParams(keys, vals, 1 /* expand dbname as conninfo */);

  if (!conn) {
    log_error("out of memory connecting to the warehouse");
    return NULL;
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    /* PQerrorMessage never contains the password. */
    log_report(LOG_ERROR, PQerrorMessage(conn),
               "Check [warehouse] conninfo in the configuration, or the PG* environment.",
               "could not connect to the warehouse");
    PQfinish(conn);
    return NULL;
  }
  if (pgu_command(conn, "SET TIME ZONE 'UTC'", 0, NULL) != PGU_OK) {
    PQfinish(conn);
    return NULL;
  }
  return conn;
}

int pgu_conninfo_has_password(const char *conninfo)
{
  char *errmsg = NULL;
  PQconninfoOption *opts = PQconninfoParse(conninfo ? conninfo : "", &errmsg);
  int found = 0;

  PQfreemem(errmsg); /* may quote the conninfo: never logged */
  if (!opts)
    return -1;
  for (const PQconninfoOption *o = opts; o->keyword; o++)
    if (!strcmp(o->keyword, "password") && o->val && *o->val)
      found = 1;
  PQconninfoFree(opts);
  return found;
}

PGresult *pgu_exec(PGconn *conn, const char *sql, int nparams, const char *const *params,
                   ExecStatusType expect)
{
  PGresult *res = run(conn, sql, nparams, params);
  if (!res || PQresultStatus(res) != expect) {
    log_pg_failure(conn, res, sql);
    PQclear(res);
    return NULL;
  }
  return res;
}

pgu_result pgu_command(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
  PGresult *res = run(conn, sql, nparams, params);
  ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  pgu_result result = PGU_OK;

  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    log_pg_failure(conn, res, sql);
    result = PGU_SQL;
  }
  PQclear(res);
  return result;
}

pgu_result pgu_copy_file(PGconn *conn, const char *copy_sql, const char *path, long long *rows)
{
  pgu_result result = PGU_OK;
  PGresult *res = NULL;
  FILE *f = NULL;
  char buf[1 << 16];
  size_t n;

  f = fopen(path, "rb");
  if (!f) {
    log_report(LOG_ERROR, strerror(errno), NULL, "could not open \"%s\" for COPY", path);
    return PGU_IO;
  }
  res = PQexec(conn, copy_sql);
  crash_point("SQL statement", copy_sql);
  if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
    log_pg_failure(conn, res, copy_sql);
    result = PGU_SQL;
    goto out;
  }
  PQclear(res);
  res = NULL;

  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
    if (PQputCopyData(conn, buf, (int)n) != 1) {
      log_report(LOG_ERROR, PQerrorMessage(conn), NULL, "COPY of \"%s\" failed", path);
      result = PGU_SQL;
      break;
    }
    crash_point("COPY chunk of", path);
  }
  if (result == PGU_OK && ferror(f)) {
    log_report(LOG_ERROR, strerror(errno), NULL, "could not read \"%s\"", path);
    PQputCopyEnd(conn, "read error");
    result = PGU_IO;
  } else if (PQputCopyEnd(conn, result == PGU_OK ? NULL : "aborted") != 1) {
    log_report(LOG_ERROR, PQerrorMessage(conn), NULL, "COPY of \"%s\" failed", path);
    result = PGU_SQL;
  }
  /* Drain every result so the connection is usable (or cleanly failed). */
  while ((res = PQgetResult(conn)) != NULL) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      if (result == PGU_OK) {
        log_pg_failure(conn, res, copy_sql);
        result = PGU_SQL;
      }
    } else if (rows) {
      *rows = strtoll(PQcmdTuples(res), NULL, 10);
    }
    PQclear(res);
  }
  res = NULL;
out:
  PQclear(res);
  if (f)
    fclose(f);
  return result;
}
