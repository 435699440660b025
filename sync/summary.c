/*
 * summary.c — the end-of-run summary of tthc-sync (summary.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "pgutil.h"
#include "summary.h"

const char *sync_stage_name(enum sync_stage s)
{
  switch (s) {
  case SYNC_STAGE_START: return "start";
  case SYNC_STAGE_EXTRACT: return "extract";
  case SYNC_STAGE_TRANSFORM: return "transform";
  case SYNC_STAGE_LOAD: return "load";
  case SYNC_STAGE_SUMMARY: return "summary";
  case SYNC_STAGE_COUNT: break;
  }
  return "?";
}

double sync_now(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sync_summary_init(struct sync_summary *s)
{
  memset(s, 0, sizeof(*s));
  for (int i = 0; i < SYNC_STAGE_COUNT; i++)
    s->stage_seconds[i] = -1;
  s->total_seconds = -1;
}

void sync_summary_release(struct sync_summary *s)
{
  free(s->rows);
  s->rows = NULL;
  s->nrows = 0;
}

/* Discrepancies are the commune's (v_sync_discrepancies); a city or
 * ministry row gets those whose origin is that kind of system, a portal row
 * all of them, since each one is the portal's copy being wrong. */
static const char summary_sql[] =
  "WITH w AS (SELECT * FROM tthc.run_window WHERE run_id = $1),"
  " d AS (SELECT unit_code, origin_system, count(*) AS n FROM tthc.v_sync_discrepancies"
  "        WHERE unit_code IN (SELECT unit_code FROM w) GROUP BY 1, 2),"
  " r AS (SELECT source_name, unit_code, count(*) AS n FROM tthc.rejected_record"
  "        WHERE run_id = $1 GROUP BY 1, 2)"
  " SELECT w.source_name, w.source_kind, w.unit_code, coalesce(w.announced, -1), w.landed,"
  "        w.applied, coalesce(w.quarantined, -1), w.retries, w.status,"
  "        coalesce((SELECT sum(n) FROM d WHERE d.unit_code = w.unit_code"
  "                  AND (w.source_kind = 'portal' OR d.origin_system = w.source_kind)), 0),"
  "        coalesce((SELECT n FROM r WHERE r.source_name = w.source_name"
  "                  AND r.unit_code = w.unit_code), 0)"
  "   FROM w ORDER BY w.source_name, w.unit_code";

static long long cell(const PGresult *res, int row, int col)
{
  return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static double seconds_of(const char *source, const char *commune, const struct window_outcome *w,
                         size_t nw)
{
  for (size_t i = 0; i < nw; i++)
    if (strcmp(w[i].source, source) == 0 && strcmp(w[i].commune, commune) == 0)
      return w[i].seconds;
  return -1;
}

sync_result sync_summary_fetch(struct sync_summary *s, PGconn *conn,
                               const struct window_outcome *w, size_t nw)
{
  const char *params[] = { s->run_id };
  PGresult *res = pgu_exec(conn, summary_sql, 1, params, PGRES_TUPLES_OK);
  int n;

  if (!res)
    return SYNC_SQL;
  n = PQntuples(res);
  s->rows = calloc(n ? (size_t)n : 1, sizeof(*s->rows));
  if (!s->rows) {
    PQclear(res);
    log_error("run %s: out of memory for the summary", s->run_id);
    return SYNC_NOMEM;
  }
  for (int i = 0; i < n; i++) {
    struct sync_row *r = &s->rows[i];
    snprintf(r->source, sizeof(r->source), "%s", PQgetvalue(res, i, 0));
    snprintf(r->kind, sizeof(r->kind), "%s", PQgetvalue(res, i, 1));
    snprintf(r->commune, sizeof(r->commune), "%s", PQgetvalue(res, i, 2));
    r->announced = cell(res, i, 3);
    r->landed = cell(res, i, 4);
    r->loaded = cell(res, i, 5);
    r->quarantined = cell(res, i, 6);
    r->retries = cell(res, i, 7);
    snprintf(r->status, sizeof(r->status), "%s", PQgetvalue(res, i, 8));
    r->discrepancies = cell(res, i, 9);
    r->rejects = cell(res, i, 10);
    r->seconds = seconds_of(r->source, r->commune, w, nw);
    if (strcmp(r->status, "ok") != 0)
      s->windows_held++;
  }
  s->nrows = (size_t)n;
  PQclear(res);
  return SYNC_OK;
}

static void fmt_count(long long v, char buf[24])
{
  if (v < 0)
    snprintf(buf, 24, "-");
  else
    snprintf(buf, 24, "%lld", v);
}

static void fmt_seconds(double v, char buf[24])
{
  if (v < 0)
    snprintf(buf, 24, "-");
  else
    snprintf(buf, 24, "%.1f s", v);
}

static void print_row(FILE *out, const char *source, const char *commune, const long long v[7],
                      double seconds, const char *status)
{
  char c[7][24], d[24];

  for (int i = 0; i < 7; i++)
    fmt_count(v[i], c[i]);
  fmt_seconds(seconds, d);
  fprintf(out, "%-12s %-7s %9s %9s %9s %9s %7s %8s %7s %9s %s\n", source, commune, c[0], c[1],
          c[2], c[3], c[4], c[5], c[6], d, status);
}

/* Adds v to *sum, which stays -1 (unknown) once any part is unknown. */
static void add_known(long long *sum, long long v)
{
  if (*sum >= 0)
    *sum = v < 0 ? -1 : *sum + v;
}

void sync_summary_print(const struct sync_summary *s, FILE *out)
{
  long long tot[7] = { 0 };
  double secs = 0;

  /* A night that failed before it had a run (configuration, warehouse)
   * has no stage to time: its error said it all. */
  if (!s->run_id[0])
    return;
  fprintf(out, "run %s:", s->run_id);
  for (int i = 0; i < SYNC_STAGE_COUNT; i++)
    if (s->stage_seconds[i] >= 0)
      fprintf(out, " %s %.1f s,", sync_stage_name((enum sync_stage)i), s->stage_seconds[i]);
  fprintf(out, " total %.1f s\n", s->total_seconds < 0 ? 0 : s->total_seconds);
  if (!s->rows)
    return;
  fprintf(out, "%-12s %-7s %9s %9s %9s %9s %7s %8s %7s %9s %s\n", "source", "commune", "announced",
          "landed", "loaded", "quarant.", "rejects", "discrep.", "retries", "duration", "status");
  for (size_t i = 0; i < s->nrows; i++) {
    const struct sync_row *r = &s->rows[i];
    long long v[7] = { r->announced, r->landed,        r->loaded, r->quarantined,
                       r->rejects,   r->discrepancies, r->retries };
    for (int k = 0; k < 7; k++)
      add_known(&tot[k], v[k]);
    /* windows run concurrently: the total is the extract stage's time */
    print_row(out, r->source, r->commune, v, r->seconds, r->status);
  }
  secs = s->stage_seconds[SYNC_STAGE_EXTRACT];
  tot[5] = -1; /* a commune's discrepancies show on several rows */
  print_row(out, "total", "", tot, secs,
            s->windows_held ? "held" : "ok");
}

/* Unknown counts and times (-1) are JSON null, not a number. */
static struct log_field count_field(const char *key, long long v)
{
  return v < 0 ? LOG_STR(key, NULL) : LOG_INT(key, v);
}

static struct log_field seconds_field(const char *key, double v)
{
  return LOG_NUM(key, v < 0 ? NAN : v);
}

void sync_summary_log(const struct sync_summary *s, int per_window)
{
  for (size_t i = 0; per_window && i < s->nrows; i++) {
    const struct sync_row *r = &s->rows[i];
    log_typed(LOG_INFO, "window_summary", LOG_STR("run_id", s->run_id), LOG_STR("source", r->source),
              LOG_STR("kind", r->kind), LOG_STR("commune", r->commune),
              count_field("announced", r->announced), count_field("landed", r->landed),
              count_field("loaded", r->loaded), count_field("quarantined", r->quarantined),
              count_field("rejects", r->rejects), count_field("discrepancies", r->discrepancies),
              count_field("retries", r->retries), seconds_field("duration_seconds", r->seconds),
              LOG_STR("status", r->status));
  }
  log_typed(LOG_INFO, "sync_done", LOG_STR("run_id", s->run_id[0] ? s->run_id : NULL),
            LOG_INT("exit_status", s->exit_status),
            seconds_field("extract_seconds", s->stage_seconds[SYNC_STAGE_EXTRACT]),
            seconds_field("transform_seconds", s->stage_seconds[SYNC_STAGE_TRANSFORM]),
            seconds_field("load_seconds", s->stage_seconds[SYNC_STAGE_LOAD]),
            seconds_field("duration_seconds", s->total_seconds),
            LOG_INT("duration_ms", (long long)(s->total_seconds * 1000 + 0.5)),
            LOG_INT("windows", (long long)s->nrows), LOG_INT("windows_held", s->windows_held));
}
