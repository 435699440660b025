/*
 * pgutil.h — libpq helpers in the manner of PostgreSQL's frontend tools:
 * every result status is checked, every PGresult cleared, and a failing
 * statement is logged with the server's primary message, detail, hint and
 * the SQL that failed.
 */
#ifndef TTHC_PGUTIL_H
#define TTHC_PGUTIL_H

#include <libpq-fe.h>

typedef enum {
  PGU_OK = 0,
  PGU_CONNECT, /* could not connect */
  PGU_SQL,     /* a statement failed (already logged) */
  PGU_IO,      /* a local file could not be read */
  PGU_NOMEM,
  PGU_CONFLICT /* the warehouse holds a different run under this run id (already logged) */
} pgu_result;

const char *pgu_strerror(pgu_result r);

/* Connects (conninfo may be NULL or "" to use the PG* environment). Logs
 * and returns NULL on failure. Sets application_name=progname, client
 * encoding UTF8 and the session time zone to UTC. */
PGconn *pgu_connect(const char *conninfo, const char *progname);

/* 1 when conninfo (key = value pairs or a postgresql:// URI) gives a
 * password, 0 when not, -1 when libpq cannot parse it (connecting will
 * say why). */
int pgu_conninfo_has_password(const char *conninfo);

/* Runs sql with text parameters and expects `expect` (PGRES_COMMAND_OK or
 * PGRES_TUPLES_OK). Returns the result (caller PQclear()s) or NULL after
 * logging the failure. */
PGresult *pgu_exec(PGconn *conn, const char *sql, int nparams, const char *const *params,
                   ExecStatusType expect);

/* pgu_exec for statements whose rows are not needed. */
pgu_result pgu_command(PGconn *conn, const char *sql, int nparams, const char *const *params);

/* COPY ... FROM STDIN with the contents of the file at path; *rows gets the
 * number of rows copied (may be NULL). */
pgu_result pgu_copy_file(PGconn *conn, const char *copy_sql, const char *path, long long *rows);

#endif
