#include "warehouse.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynbuf.h"
#include "log.h"

const char *wh_strerror(wh_result r)
{
  switch (r) {
  case WH_OK: return "no error";
  case WH_CONNECT: return "could not connect to the warehouse";
  case WH_ROLE: return "the role may write to the warehouse";
  case WH_ARGUMENT: return "the warehouse refused the unit or the period";
  case WH_SQL: return "a statement failed";
  case WH_DATA: return "the warehouse's figures are inconsistent";
  case WH_NOMEM: return "out of memory";
  }
  return "unknown warehouse error";
}

/* One report run: the connection, the three report arguments as text and
 * the first error. */
struct session {
  PGconn *conn;
  const char *args[3]; /* unit, from, to */
  char from[11], to[11];
};

/* ---- statements ----------------------------------------------------------- */

static bool is_argument_error(const char *state)
{
  return state && (strcmp(state, "22004") == 0 || strcmp(state, "22023") == 0);
}

/* Logs a failed statement the way psql does, with the statement; a report
 * function refusing its arguments is the user's mistake: its own words. */
static wh_result log_failure(PGconn *conn, const PGresult *res, const char *sql)
{
  const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
  const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
  const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

  if (!primary)
    primary = PQerrorMessage(conn);
  if (is_argument_error(state)) {
    log_report(LOG_ERROR, detail, hint, "%s (SQLSTATE %s)", primary, state);
    return WH_ARGUMENT;
  }
  log_report(LOG_ERROR, detail, hint, "query failed: %s%s%s%s\nQUERY: %.2000s", primary,
             state ? " (SQLSTATE " : "", state ? state : "", state ? ")" : "", sql);
  return WH_SQL;
}

/* Runs sql with the given text parameters, expecting rows (or a command);
 * NULL after logging, *r set. */
static PGresult *run(struct session *s, const char *sql, int n, const char *const *params,
                     wh_result *r)
{
  PGresult *res = PQexecParams(s->conn, sql, n, NULL, params, NULL, NULL, 0);
  ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

  if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
    return res;
  *r = log_failure(s->conn, res, sql);
  PQclear(res);
  return NULL;
}

/* A statement that must return exactly one row. */
static PGresult *run_one(struct session *s, const char *sql, int n, const char *const *params,
                         wh_result *r)
{
  PGresult *res = run(s, sql, n, params, r);

  if (res && PQntuples(res) != 1) {
    log_report(LOG_ERROR, NULL, NULL, "query returned %d rows instead of 1\nQUERY: %.2000s",
               PQntuples(res), sql);
    PQclear(res);
    *r = WH_SQL;
    return NULL;
  }
  return res;
}

static wh_result command(struct session *s, const char *sql, int n, const char *const *params)
{
  wh_result r = WH_OK;
  PGresult *res = run(s, sql, n, params, &r);

  PQclear(res);
  return r;
}

/* ---- values --------------------------------------------------------------- */

/* A text value, malloc'd; NULL for SQL NULL. *nomem is set when the copy
 * fails. */
static char *get_str(const PGresult *res, int row, int col, bool *nomem)
{
  char *s;

  if (PQgetisnull(res, row, col))
    return NULL;
  s = strdup(PQgetvalue(res, row, col));
  if (!s)
    *nomem = true;
  return s;
}

static long long get_ll(const PGresult *res, int row, int col)
{
  return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static tthc_time get_time(const PGresult *res, int row, int col)
{
  return PQgetisnull(res, row, col) ? TTHC_TIME_NONE : (tthc_time)get_ll(res, row, col);
}

/* -1 NULL, 0 false, 1 true. */
static int get_bool(const PGresult *res, int row, int col)
{
  if (PQgetisnull(res, row, col))
    return -1;
  return PQgetvalue(res, row, col)[0] == 't';
}

/* numeric(…, 2) text ("99.52", "100", "-0.5") as hundredths. */
static struct share get_share(const PGresult *res, int row, int col)
{
  struct share s = { false, 0 };
  const char *p;
  long long whole = 0, frac = 0;
  int neg, places = 0;

  if (PQgetisnull(res, row, col))
    return s;
  p = PQgetvalue(res, row, col);
  neg = *p == '-';
  p += neg;
  for (; *p >= '0' && *p <= '9'; p++)
    whole = whole * 10 + (*p - '0');
  if (*p == '.')
    for (p++; *p >= '0' && *p <= '9'; p++)
      if (places < 2) {
        frac = frac * 10 + (*p - '0');
        places++;
      }
  while (places++ < 2)
    frac *= 10;
  s.present = true;
  s.centi = (neg ? -1 : 1) * (whole * 100 + frac);
  return s;
}

/* ---- connection ----------------------------------------------------------- */

bool wh_conninfo_has_password(const char *conninfo)
{
  PQconninfoOption *opts = conninfo ? PQconninfoParse(conninfo, NULL) : NULL;
  bool found = false;

  for (PQconninfoOption *o = opts; o && o->keyword; o++)
    if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
      found = true;
  PQconninfoFree(opts);
  return found;
}

static wh_result connect_db(struct session *s, const char *conninfo)
{
  const char *keys[] = { "dbname", "application_name", "client_encoding", NULL };
  const char *vals[] = { conninfo ? conninfo : "", "tthc-report", "UTF8", NULL };

  s->conn = PQconnectdbParams(keys, vals, 1 /* expand dbname as conninfo */);
  if (!s->conn)
    return WH_NOMEM;
  if (PQstatus(s->conn) != CONNECTION_OK) {
    /* PQerrorMessage never contains the password. */
    log_report(LOG_ERROR, PQerrorMessage(s->conn),
               "Check [warehouse] analyst_conninfo in the configuration, -d, or the PG* "
               "environment.",
               "could not connect to the warehouse");
    return WH_CONNECT;
  }
  return WH_OK;
}

/* Reports are read with the analyst role: a role that may change the
 * dossiers (superuser, owner, loader) is refused before anything is read. */
static wh_result check_role(struct session *s)
{
  static const char sql[] =
    "SELECT current_user, r.rolsuper OR has_table_privilege('tthc.dossier', "
    "'INSERT, UPDATE, DELETE, TRUNCATE') FROM pg_roles r WHERE r.rolname = current_user";
  wh_result r = WH_OK;
  PGresult *res = run_one(s, sql, 0, NULL, &r);

  if (!res)
    return r;
  if (get_bool(res, 0, 1) != 0) {
    log_report(LOG_ERROR,
               "tthc-report reads the warehouse with the analyst role only, which cannot change "
               "it.",
               "Connect as tthc_analyst (deploy/roles.sql): [warehouse] analyst_conninfo, -d, "
               "or PGUSER.",
               "role \"%s\" may write to the warehouse", PQgetvalue(res, 0, 0));
    r = WH_ROLE;
  }
  PQclear(res);
  return r;
}

/* One snapshot for every part; the live views judged at as_of. */
static wh_result begin(struct session *s, const char *as_of)
{
  wh_result r = command(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL);
  const char *p[1] = { as_of };

  if (r == WH_OK)
    r = command(s, "SET LOCAL TIME ZONE 'UTC'", 0, NULL);
  /* A plan over the partitioned dossier tables has a node per partition;
   * JIT compiles each one's expressions for seconds (sql/031). The
   * database turns it off too; a restored or hand-made one may not. */
  if (r == WH_OK)
    r = command(s, "SET LOCAL jit = off", 0, NULL);
  if (r == WH_OK && as_of)
    r = command(s, "SELECT set_config('tthc.as_of', $1::timestamptz::text, true)", 1, p);
  return r;
}

/* Fills one array element from row i of a result. */
typedef void (*row_reader)(const PGresult *res, int i, void *item, bool *nomem);

/* Runs sql with the report's arguments and reads every row into a new
 * array of item_size elements, returned (one element allocated even for no
 * rows); *count is its length. NULL with *r set on failure. */
static void *read_rows(struct session *s, const char *sql, int nparams, size_t item_size,
                       row_reader read, size_t *count, wh_result *r)
{
  PGresult *res = run(s, sql, nparams, s->args, r);
  bool nomem = false;
  char *array;
  int n;

  if (!res)
    return NULL;
  n = PQntuples(res);
  array = calloc(n ? (size_t)n : 1, item_size);
  for (int i = 0; array && i < n; i++)
    read(res, i, array + (size_t)i * item_size, &nomem);
  PQclear(res);
  if (array)
    *count = (size_t)n;
  if (nomem || !array)
    *r = WH_NOMEM;
  return array;
}

/* ---- parts ---------------------------------------------------------------- */

static wh_result read_unit(struct session *s, struct report_figures *f)
{
  static const char sql[] =
    "SELECT tthc.report_arguments_check($1, $2, $3), "
    "       CASE WHEN length($1) = 5 THEN min(u.unit_name) ELSE min(u.province_name) END, "
    "       min(u.province_code), min(u.province_name), count(*), "
    "       extract(epoch FROM now())::bigint, extract(epoch FROM tthc.as_of())::bigint "
    "  FROM tthc.unit u WHERE u.unit_code = $1 OR u.province_code = $1";
  wh_result r = WH_OK;
  PGresult *res = run_one(s, sql, 3, s->args, &r);
  bool nomem = false;

  if (!res)
    return r;
  snprintf(f->unit.code, sizeof f->unit.code, "%s", s->args[0]);
  f->unit.is_province = strlen(s->args[0]) == 2;
  f->unit.name = get_str(res, 0, 1, &nomem);
  f->unit.province_code = get_str(res, 0, 2, &nomem);
  f->unit.province_name = get_str(res, 0, 3, &nomem);
  f->unit.communes = (long)get_ll(res, 0, 4);
  f->generated_at = get_time(res, 0, 5);
  f->as_of = get_time(res, 0, 6);
  PQclear(res);
  return nomem ? WH_NOMEM : WH_OK;
}

static void read_bieu06_row(const PGresult *res, int i, void *item, bool *nomem)
{
  struct bieu06_row *b = item;
  long long *v[] = {
    &b->total,           &b->received_online, &b->received_direct,  &b->received_postal,
    &b->carried_over,    &b->resolved_early,  &b->resolved_on_time, &b->resolved_late,
    &b->pending_in_time, &b->pending_late,    &b->stopped
  };

  b->field_code = get_str(res, i, 0, nomem);
  b->field_name = get_str(res, i, 1, nomem);
  for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
    *v[k] = get_ll(res, i, (int)k + 2);
}

static wh_result read_bieu06(struct session *s, struct report_figures *f)
{
  static const char sql[] =
    "SELECT field_code, field_name, total, received_online, received_direct, received_postal, "
    "       carried_over, resolved_early, resolved_on_time, resolved_late, pending_in_time, "
    "       pending_late, stopped FROM tthc.report_bieu06($1, $2, $3)";

  wh_result r = WH_OK;

  f->rows = read_rows(s, sql, 3, sizeof *f->rows, read_bieu06_row, &f->nrows, &r);
  return r;
}

/* Biểu 06 must satisfy its identities on every row (reports.md: a row that
 * breaks one is an error, not a footnote). */
static wh_result check_bieu06(const struct report_figures *f)
{
  for (size_t i = 0; i < f->nrows; i++) {
    const struct bieu06_row *b = &f->rows[i];

    if (bieu06_identity_holds(b))
      continue;
    log_report(LOG_ERROR, "SELECT * FROM tthc.data_quality_issues(unit, from, to) lists why.", NULL,
               "Biểu 06 row \"%s\" breaks (3) = (8) + (12) + (15) or (3) = (4) + (5) + (6) + "
               "(7): total %lld, resolved %lld, pending %lld, stopped %lld, received %lld, "
               "carried over %lld",
               b->field_name ? b->field_name : "?", b->total, bieu06_resolved(b), bieu06_pending(b),
               b->stopped, bieu06_received(b), b->carried_over);
    return WH_DATA;
  }
  if (f->nrows == 0 || f->rows[f->nrows - 1].field_code) {
    log_error("tthc.report_bieu06 returned no total row");
    return WH_DATA;
  }
  return WH_OK;
}

static wh_result read_rates(struct session *s, struct report_figures *f)
{
  struct dynbuf sql;
  wh_result r = WH_OK;
  PGresult *res = NULL;

  dynbuf_init(&sql, 4096);
  dynbuf_addstr(&sql, "SELECT received, resolved");
  for (int i = 0; i < RATE_COUNT; i++)
    dynbuf_printf(&sql, ", %s, %s", rate_labels[i].key,
                  rate_labels[i].full_points ? rate_labels[i].full_points : "NULL::boolean");
  if (dynbuf_addstr(&sql, " FROM tthc.report_rates($1, $2, $3)") != DYNBUF_OK) {
    dynbuf_release(&sql);
    return WH_NOMEM;
  }
  res = run_one(s, dynbuf_ptr(&sql), 3, s->args, &r);
  dynbuf_release(&sql);
  if (!res)
    return r;
  f->received = get_ll(res, 0, 0);
  f->resolved = get_ll(res, 0, 1);
  for (int i = 0; i < RATE_COUNT; i++) {
    f->rates[i].value = get_share(res, 0, 2 + 2 * i);
    f->rates[i].full_points = get_bool(res, 0, 3 + 2 * i);
  }
  PQclear(res);
  return WH_OK;
}

static void read_overdue_row(const PGresult *res, int i, void *item, bool *nomem)
{
  struct overdue_row *o = item;

  o->department_code = get_str(res, i, 0, nomem);
  o->department_name = get_str(res, i, 1, nomem);
  o->resolved_late = get_ll(res, i, 2);
  o->pending_late = get_ll(res, i, 3);
  o->total = get_ll(res, i, 4);
}

static wh_result read_overdue(struct session *s, struct report_figures *f)
{
  static const char sql[] =
    "SELECT department_code, department_name, resolved_late, pending_late, overdue_total "
    "  FROM tthc.report_overdue_by_department($1, $2, $3)";

  wh_result r = WH_OK;

  f->overdue = read_rows(s, sql, 3, sizeof *f->overdue, read_overdue_row, &f->noverdue, &r);
  return r;
}

static void read_discrepancy(const PGresult *res, int i, void *item, bool *nomem)
{
  struct discrepancy *d = item;

  d->dossier_code = get_str(res, i, 0, nomem);
  d->origin_code = get_str(res, i, 1, nomem);
  d->portal_code = get_str(res, i, 2, nomem);
  d->class_key = get_str(res, i, 3, nomem);
  d->origin_system = get_str(res, i, 4, nomem);
  d->unit_code = get_str(res, i, 5, nomem);
  d->origin_status = (int)get_ll(res, i, 6);
  d->portal_status = (int)get_ll(res, i, 7);
  d->origin_received = get_time(res, i, 8);
  d->portal_received = get_time(res, i, 9);
  d->origin_due = get_time(res, i, 10);
  d->portal_due = get_time(res, i, 11);
  d->origin_end = get_time(res, i, 12);
  d->portal_end = get_time(res, i, 13);
  d->detected = get_time(res, i, 14);
}

static wh_result read_discrepancies(struct session *s, struct report_figures *f)
{
  static const char sql[] =
    "SELECT dossier_code, origin_code, portal_code, class, origin_system, unit_code, "
    "       origin_status, portal_status, "
    "       extract(epoch FROM origin_received_at)::bigint, "
    "       extract(epoch FROM portal_received_at)::bigint, "
    "       extract(epoch FROM origin_due_at)::bigint, extract(epoch FROM portal_due_at)::bigint, "
    "       extract(epoch FROM origin_end_at)::bigint, extract(epoch FROM portal_end_at)::bigint, "
    "       extract(epoch FROM detected_at)::bigint "
    "  FROM tthc.v_sync_discrepancies "
    " WHERE unit_code = ANY (ARRAY(SELECT tthc.units_of($1))) "
    " ORDER BY unit_code, origin_code COLLATE \"C\", class COLLATE \"C\"";

  wh_result r = WH_OK;

  f->disc = read_rows(s, sql, 1, sizeof *f->disc, read_discrepancy, &f->ndisc, &r);
  return r;
}

static void read_month(const PGresult *res, int i, void *item, bool *nomem)
{
  (void)nomem;
  *(struct month_count *)item =
    (struct month_count){ (int)get_ll(res, i, 0), (int)get_ll(res, i, 1), get_ll(res, i, 2),
                          get_ll(res, i, 3) };
}

/* Received and resolved in each calendar month of the period (Biểu 06 of
 * the month, clipped to the period). */
static wh_result read_months(struct session *s, struct report_figures *f)
{
  static const char sql[] =
    "SELECT extract(year FROM m)::int, extract(month FROM m)::int, "
    "       b.received_online + b.received_direct + b.received_postal, "
    "       b.resolved_early + b.resolved_on_time + b.resolved_late "
    "  FROM generate_series(date_trunc('month', $2::date), $3::date, interval '1 month') m "
    " CROSS JOIN LATERAL tthc.report_bieu06($1, GREATEST(m::date, $2::date), "
    "                    LEAST((m + interval '1 month' - interval '1 day')::date, $3::date)) b "
    " WHERE b.field_code IS NULL ORDER BY m";

  wh_result r = WH_OK;

  f->months = read_rows(s, sql, 3, sizeof *f->months, read_month, &f->nmonths, &r);
  return r;
}

/* The outline's counts beyond Biểu 06 and the rates (decisions.md,
 * "tthc-report"): service levels, origin systems, full sync, complaints,
 * satisfaction in the land field. */
static wh_result read_cchc(struct session *s, struct report_figures *f)
{
  static const char sql[] =
    "WITH o AS ("
    "  SELECT o.*, d.service_level, d.sources,"
    "         (o.field_code = 'DD' OR o.field_name LIKE 'Đất đai%') AS land"
    "    FROM tthc.dossier_period_outcome($1, $2, $3) o"
    "    JOIN tthc.dossier d ON d.unit_code = o.unit_code AND d.dossier_code = o.dossier_code"
    "), p AS ("
    "  SELECT procedure_code, max(service_level) AS level FROM o"
    "   WHERE in_period AND procedure_code IS NOT NULL GROUP BY procedure_code"
    "), disc AS ("
    "  SELECT DISTINCT v.unit_code, v.dossier_code FROM tthc.v_sync_discrepancies v"
    "   WHERE v.unit_code = ANY (ARRAY(SELECT tthc.units_of($1)))"
    "), c AS ("
    "  SELECT count(*) FILTER (WHERE in_period) AS received,"
    "         count(*) FILTER (WHERE in_period AND sources && ARRAY['city', 'ministry']) AS "
    "on_origin,"
    "         count(*) FILTER (WHERE in_period AND on_portal AND NOT EXISTS ("
    "           SELECT 1 FROM disc WHERE disc.unit_code = o.unit_code"
    "                                AND disc.dossier_code = o.dossier_code)) AS synced,"
    "         count(*) FILTER (WHERE in_period AND has_complaint) AS complaints,"
    "         count(*) FILTER (WHERE land AND outcome IN ('early', 'on_time', 'late')) AS land,"
    "         count(*) FILTER (WHERE land AND outcome = 'late') AS land_late,"
    "         count(*) FILTER (WHERE land AND outcome IN ('early', 'on_time', 'late')"
    "                            AND (has_complaint OR rating = 3)) AS land_unhappy"
    "    FROM o"
    "), q AS ("
    "  SELECT count(*) AS n, count(level) AS known, count(*) FILTER (WHERE level = 4) AS full"
    "    FROM p"
    ")"
    "SELECT q.n, q.known, q.full, round(tthc.pct(q.full, q.known), 2),"
    "       c.on_origin, round(tthc.pct(c.on_origin, c.received), 2),"
    "       c.synced, round(tthc.pct(c.synced, c.received), 2), c.complaints, c.land,"
    "       CASE WHEN c.land > 0 THEN round(GREATEST(0, 100 - (tthc.pct(c.land_late, c.land)"
    "                                + tthc.pct(c.land_unhappy, c.land))), 2) END"
    "  FROM c, q";
  wh_result r = WH_OK;
  PGresult *res = run_one(s, sql, 3, s->args, &r);
  struct cchc_counts *k = &f->cchc;

  if (!res)
    return r;
  k->procedures = get_ll(res, 0, 0);
  k->procedures_level = get_ll(res, 0, 1);
  k->procedures_full = get_ll(res, 0, 2);
  k->full_online = get_share(res, 0, 3);
  k->on_origin = get_ll(res, 0, 4);
  k->on_origin_share = get_share(res, 0, 5);
  k->synced_full = get_ll(res, 0, 6);
  k->synced_full_share = get_share(res, 0, 7);
  k->complaints = get_ll(res, 0, 8);
  k->land_resolved = get_ll(res, 0, 9);
  k->land_satisfaction = get_share(res, 0, 10);
  PQclear(res);
  return WH_OK;
}

/* ---- the whole report ----------------------------------------------------- */

/* What a part needs, as readers; the unit and Biểu 06 come first always
 * (the outline's first items are Biểu 06's total row). The discrepancy
 * view is the costly one: it is read only when asked for. */
static wh_result read_parts(struct session *s, const struct wh_request *req,
                            struct report_figures *f)
{
  static const struct {
    unsigned parts;
    wh_result (*read)(struct session *, struct report_figures *);
  } readers[] = {
    { PART_RATES | PART_CCHC, read_rates },
    { PART_OVERDUE, read_overdue },
    { PART_DISCREPANCIES, read_discrepancies },
    { PART_MONTHLY, read_months },
    { PART_CCHC, read_cchc },
  };
  wh_result r;

  if ((r = read_unit(s, f)) != WH_OK || (r = read_bieu06(s, f)) != WH_OK ||
      (r = check_bieu06(f)) != WH_OK)
    return r;
  for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++)
    if ((req->parts & readers[i].parts) && (r = readers[i].read(s, f)) != WH_OK)
      return r;
  f->parts = req->parts;
  return command(s, "COMMIT", 0, NULL);
}

wh_result wh_read_report(const struct wh_request *req, struct report_figures *f)
{
  struct session s = { 0 };
  wh_result r;

  period_iso(&req->period.from, s.from);
  period_iso(&req->period.to, s.to);
  s.args[0] = req->unit;
  s.args[1] = s.from;
  s.args[2] = s.to;
  f->period = req->period;
  r = connect_db(&s, req->conninfo);
  if (r == WH_OK)
    r = check_role(&s);
  if (r == WH_OK)
    r = begin(&s, req->as_of);
  if (r == WH_OK)
    r = read_parts(&s, req, f);
  if (r == WH_NOMEM)
    log_error("out of memory reading the warehouse");
  PQfinish(s.conn);
  return r;
}
