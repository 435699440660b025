/*
 * pgutil.h — libpq helpers in the manner of PostgreSQL's frontend tools:
 * every result status is checked, every PGresult cleared, and a failing
 * statement is logged with the server's primary message, detail, hint and
 * the SQL that failed.
 */
#ifndef TTHC_PGUTIL_H
#define TTHC_PGUTIL_H

#include <libpq-fe.h>

#include "dynbuf.h"

typedef enum {
  PGU_OK = 0,
  PGU_CONNECT, /* could not connect */
  PGU_SQL,     /* a statement failed (already logged) */
  PGU_IO,      /* a local file could not be read */
  PGU_NOMEM,
  PGU_CONFLICT, /* the warehouse holds a different run under this run id (already logged) */
  PGU_UNIQUE    /* a unique violation (SQLSTATE 23505) the caller asked to hear of, not logged */
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

/* pgu_copy_file for a file of COPY text lines that lack trailing columns:
 * each line is sent with a tab, its field number `field` (0-based, copied
 * verbatim, so it keeps its COPY escaping) and then `suffix` (more columns,
 * already COPY text with their leading tabs, e.g. "\trun-1") appended.
 * A unique violation (SQLSTATE 23505) returns PGU_UNIQUE without logging
 * it as an error, for a caller that has another way; the COPY is then
 * aborted and the transaction (or savepoint) must be rolled back, as after
 * any failed statement. Lines may be up to 256 MiB. */
pgu_result pgu_copy_file_extended(PGconn *conn, const char *copy_sql, const char *path, int field,
                                  const char *suffix, long long *rows);

/* The line rewriting of pgu_copy_file_extended, without a server (tests):
 * appends to out every complete line of buf[0..n), extended; the start of
 * a line whose newline is still to come waits in part. pgu_copy_extend_end
 * extends what waits in part (a last line without a newline). -1 when out
 * or part would outgrow its bound or memory runs out, else 0. */
int pgu_copy_extend_chunk(struct dynbuf *out, struct dynbuf *part, const char *buf, size_t n,
                          int field, const char *suffix);
int pgu_copy_extend_end(struct dynbuf *out, struct dynbuf *part, int field, const char *suffix);

#endif
