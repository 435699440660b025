#include "pgutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynbuf.h"
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
  case PGU_UNIQUE: return "a key is already stored";
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

/* Starts COPY ... FROM STDIN and opens the file it reads. */
static pgu_result copy_begin(PGconn *conn, const char *copy_sql, const char *path, FILE **f)
{
  PGresult *res;

  *f = fopen(path, "rb");
  if (!*f) {
    log_report(LOG_ERROR, strerror(errno), NULL, "could not open \"%s\" for COPY", path);
    return PGU_IO;
  }
  res = PQexec(conn, copy_sql);
  crash_point("SQL statement", copy_sql);
  if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
    log_pg_failure(conn, res, copy_sql);
    PQclear(res);
    fclose(*f);
    *f = NULL;
    return PGU_SQL;
  }
  PQclear(res);
  return PGU_OK;
}

static pgu_result copy_send(PGconn *conn, const char *path, const char *data, size_t len)
{
  if (len > 0 && PQputCopyData(conn, data, (int)len) != 1) {
    log_report(LOG_ERROR, PQerrorMessage(conn), NULL, "COPY of \"%s\" failed", path);
    return PGU_SQL;
  }
  return PGU_OK;
}

/* Ends the COPY (aborting it when result is not PGU_OK) and drains every
 * result so the connection is usable (or cleanly failed). A unique
 * violation is PGU_UNIQUE, unlogged, when quiet_unique. */
static pgu_result copy_finish(PGconn *conn, const char *copy_sql, const char *path, FILE *f,
                              pgu_result result, int quiet_unique, long long *rows)
{
  PGresult *res;

  if (result == PGU_OK && ferror(f)) {
    log_report(LOG_ERROR, strerror(errno), NULL, "could not read \"%s\"", path);
    PQputCopyEnd(conn, "read error");
    result = PGU_IO;
  } else if (PQputCopyEnd(conn, result == PGU_OK ? NULL : "aborted") != 1) {
    log_report(LOG_ERROR, PQerrorMessage(conn), NULL, "COPY of \"%s\" failed", path);
    result = PGU_SQL;
  }
  while ((res = PQgetResult(conn)) != NULL) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
      if (result == PGU_OK && quiet_unique && state && !strcmp(state, "23505")) {
        result = PGU_UNIQUE;
      } else if (result == PGU_OK) {
        log_pg_failure(conn, res, copy_sql);
        result = PGU_SQL;
      }
    } else if (rows) {
      *rows = strtoll(PQcmdTuples(res), NULL, 10);
    }
    PQclear(res);
  }
  fclose(f);
  return result;
}

/* The bytes of field `field` of a COPY text line (without its newline). */
static void line_field(const char *line, size_t len, int field, const char **start, size_t *flen)
{
  const char *p = line, *end = line + len, *tab;

  for (int i = 0; i < field && p < end; i++) {
    tab = memchr(p, '\t', (size_t)(end - p));
    p = tab ? tab + 1 : end;
  }
  tab = memchr(p, '\t', (size_t)(end - p));
  *start = p;
  *flen = (size_t)((tab ? tab : end) - p);
}

/* Appends one line, extended, to out. */
static int extend_line(struct dynbuf *out, const char *line, size_t len, int field,
                       const char *suffix)
{
  const char *f;
  size_t flen;

  line_field(line, len, field, &f, &flen);
  return dynbuf_add(out, line, len) || dynbuf_addc(out, '\t') || dynbuf_add(out, f, flen) ||
         dynbuf_addstr(out, suffix) || dynbuf_addc(out, '\n');
}

int pgu_copy_extend_chunk(struct dynbuf *out, struct dynbuf *part, const char *buf, size_t n,
                          int field, const char *suffix)
{
  const char *p = buf, *end = buf + n, *nl;

  while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
    int bad;
    if (dynbuf_len(part) == 0) {
      bad = extend_line(out, p, (size_t)(nl - p), field, suffix);
    } else {
      bad = dynbuf_add(part, p, (size_t)(nl - p)) ||
            extend_line(out, dynbuf_ptr(part), dynbuf_len(part), field, suffix);
      dynbuf_reset(part);
    }
    if (bad)
      return -1;
    p = nl + 1;
  }
  return p < end && dynbuf_add(part, p, (size_t)(end - p)) != DYNBUF_OK ? -1 : 0;
}

int pgu_copy_extend_end(struct dynbuf *out, struct dynbuf *part, int field, const char *suffix)
{
  int bad = dynbuf_len(part) > 0 && extend_line(out, dynbuf_ptr(part), dynbuf_len(part), field, suffix);

  dynbuf_reset(part);
  return bad ? -1 : 0;
}

/* What a COPY appends to each line of its file: a tab, field `field` of
 * the line, then suffix. */
struct copy_extension {
  int field;
  const char *suffix;
};

/* COPY copy_sql from the file at path, 64 KiB at a time, each chunk's
 * lines extended by x (NULL: as they are); a unique violation is
 * PGU_UNIQUE, unlogged, when quiet_unique. */
static pgu_result copy_file(PGconn *conn, const char *copy_sql, const char *path,
                            const struct copy_extension *x, int quiet_unique, long long *rows)
{
  pgu_result result;
  struct dynbuf out, part;
  FILE *f = NULL;
  char buf[1 << 16];
  size_t n;

  dynbuf_init(&out, (size_t)1 << 29);
  dynbuf_init(&part, (size_t)1 << 28);
  result = copy_begin(conn, copy_sql, path, &f);
  if (result)
    goto out;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
    if (!x) {
      result = copy_send(conn, path, buf, n);
    } else if (pgu_copy_extend_chunk(&out, &part, buf, n, x->field, x->suffix)) {
      log_report(LOG_ERROR, "a line longer than 256 MiB, or out of memory", NULL,
                 "COPY of \"%s\" failed", path);
      result = PGU_NOMEM;
    } else {
      result = copy_send(conn, path, dynbuf_ptr(&out), dynbuf_len(&out));
      dynbuf_reset(&out);
    }
    if (result)
      break;
    crash_point("COPY chunk of", path);
  }
  /* a last line without its newline */
  if (x && result == PGU_OK && dynbuf_len(&part) > 0) {
    if (pgu_copy_extend_end(&out, &part, x->field, x->suffix)) {
      log_report(LOG_ERROR, "out of memory", NULL, "COPY of \"%s\" failed", path);
      result = PGU_NOMEM;
    } else {
      result = copy_send(conn, path, dynbuf_ptr(&out), dynbuf_len(&out));
    }
  }
  result = copy_finish(conn, copy_sql, path, f, result, quiet_unique, rows);
out:
  dynbuf_release(&out);
  dynbuf_release(&part);
  return result;
}

pgu_result pgu_copy_file(PGconn *conn, const char *copy_sql, const char *path, long long *rows)
{
  return copy_file(conn, copy_sql, path, NULL, 0, rows);
}

pgu_result pgu_copy_file_extended(PGconn *conn, const char *copy_sql, const char *path, int field,
                                  const char *suffix, long long *rows)
{
  const struct copy_extension x = { field, suffix };

  return copy_file(conn, copy_sql, path, &x, 1, rows);
}
