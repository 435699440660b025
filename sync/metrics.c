/*
 * metrics.c — the Prometheus textfile of tthc-sync (metrics.h), in the text
 * exposition format 0.0.4: a HELP and a TYPE line before each family's
 * samples, label values escaped (\\, \", \n).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dynbuf.h"
#include "fsutil.h"
#include "log.h"
#include "metrics.h"

#define METRICS_MAX (8u << 20)

/* The previous file's samples of the families carried over, "name{labels}"
 * then a space and the value, one a line (a view into prev). */
struct carried {
  const char *text;
};

/* The value of the sample exactly `series` ("name{labels}") in prev, or 0. */
static double carried_value(const struct carried *c, const char *series)
{
  size_t n = strlen(series);

  for (const char *p = c->text; p && *p;) {
    const char *nl = strchr(p, '\n');
    if (strncmp(p, series, n) == 0 && p[n] == ' ')
      return strtod(p + n + 1, NULL);
    p = nl ? nl + 1 : NULL;
  }
  return 0;
}

static dynbuf_result family(struct dynbuf *b, const char *name, const char *type, const char *help)
{
  return dynbuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label value escaped as the format wants. */
static void label_escape(const char *v, char *out, size_t outsz)
{
  size_t k = 0;

  for (; *v && k + 3 < outsz; v++) {
    if (*v == '\\' || *v == '"') {
      out[k++] = '\\';
      out[k++] = *v;
    } else if (*v == '\n') {
      out[k++] = '\\';
      out[k++] = 'n';
    } else {
      out[k++] = *v;
    }
  }
  out[k] = '\0';
}

static dynbuf_result sample(struct dynbuf *b, const char *series, double v)
{
  return dynbuf_printf(b, "%s %.15g\n", series, v);
}

/* One per-window gauge family over every row. */
typedef double (*row_value)(const struct sync_row *r);
static double v_retries(const struct sync_row *r) { return (double)r->retries; }
static double v_seconds(const struct sync_row *r) { return r->seconds; }
static double v_discrepancies(const struct sync_row *r) { return (double)r->discrepancies; }
static double v_rejects(const struct sync_row *r) { return (double)r->rejects; }
static double v_held(const struct sync_row *r) { return strcmp(r->status, "ok") != 0; }

static void row_labels(const struct sync_row *r, char *out, size_t outsz)
{
  char src[140];

  label_escape(r->source, src, sizeof(src));
  snprintf(out, outsz, "source=\"%s\",kind=\"%s\",commune=\"%s\"", src, r->kind, r->commune);
}

static dynbuf_result row_family(struct dynbuf *b, const struct sync_summary *s, const char *name,
                                const char *help, row_value f)
{
  dynbuf_result r = family(b, name, "gauge", help);

  for (size_t i = 0; r == DYNBUF_OK && i < s->nrows; i++) {
    char labels[256], series[400];
    double v = f(&s->rows[i]);
    if (v < 0)
      continue; /* not known: no sample rather than a false one */
    row_labels(&s->rows[i], labels, sizeof(labels));
    snprintf(series, sizeof(series), "%s{%s}", name, labels);
    r = sample(b, series, v);
  }
  return r;
}

/* Records per window by stage: announced, landed, loaded, quarantined. */
static dynbuf_result records_family(struct dynbuf *b, const struct sync_summary *s)
{
  static const char *const stages[] = { "announced", "landed", "loaded", "quarantined" };
  dynbuf_result r = family(b, "tthc_sync_window_records", "gauge",
                           "Records of the last run per source and commune, as each stage "
                           "counted them (announced by the source, landed, loaded, quarantined).");

  for (size_t i = 0; r == DYNBUF_OK && i < s->nrows; i++) {
    const struct sync_row *w = &s->rows[i];
    long long v[4] = { w->announced, w->landed, w->loaded, w->quarantined };
    char labels[256], series[400];
    row_labels(w, labels, sizeof(labels));
    for (int k = 0; r == DYNBUF_OK && k < 4; k++) {
      if (v[k] < 0)
        continue;
      snprintf(series, sizeof(series), "tthc_sync_window_records{%s,stage=\"%s\"}", labels,
               stages[k]);
      r = sample(b, series, (double)v[k]);
    }
  }
  return r;
}

/* Copies the previous file's samples of a counter family (prefix is
 * "name{") that this run did not write, so that a source left out of a run
 * (--source, a failure) keeps its count instead of resetting. */
static dynbuf_result carry_rest(struct dynbuf *b, const struct carried *c, const char *prefix)
{
  dynbuf_result r = DYNBUF_OK;
  size_t plen = strlen(prefix);

  for (const char *p = c->text; r == DYNBUF_OK && p && *p;) {
    const char *nl = strchr(p, '\n');
    const char *sp = strchr(p, ' ');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (strncmp(p, prefix, plen) == 0 && sp && sp < p + len) {
      char series[420];
      snprintf(series, sizeof(series), "\n%.*s ", (int)(sp - p), p);
      if (!strstr(dynbuf_ptr(b), series))
        r = dynbuf_printf(b, "%.*s\n", (int)len, p);
    }
    p = nl ? nl + 1 : NULL;
  }
  return r;
}

/* Counters: this run's figures per source added to the previous file's. */
static dynbuf_result counter_families(struct dynbuf *b, const struct sync_summary *s,
                                      const struct carried *prev)
{
  static const char *const stages[] = { "landed", "loaded", "quarantined" };
  static const char *const statuses[] = { "ok", "partial", "failed" };
  const char *mine = s->exit_status == 0 ? "ok" : s->exit_status == 1 ? "partial" : "failed";
  char series[400], src[140];
  dynbuf_result r = family(b, "tthc_sync_runs_total", "counter",
                           "tthc-sync runs by outcome (ok: exit 0, partial: exit 1, failed: exit 3).");

  for (int k = 0; r == DYNBUF_OK && k < 3; k++) {
    snprintf(series, sizeof(series), "tthc_sync_runs_total{status=\"%s\"}", statuses[k]);
    r = sample(b, series, carried_value(prev, series) + (strcmp(mine, statuses[k]) == 0));
  }
  if (r == DYNBUF_OK)
    r = family(b, "tthc_sync_records_total", "counter",
               "Records over every run per source, as each stage counted them.");
  for (size_t i = 0; r == DYNBUF_OK && i < s->nrows; i++) {
    /* one sample per (source, stage): skip a source already written */
    int seen = 0;
    for (size_t j = 0; j < i; j++)
      seen |= strcmp(s->rows[j].source, s->rows[i].source) == 0;
    if (seen)
      continue;
    label_escape(s->rows[i].source, src, sizeof(src));
    for (int k = 0; r == DYNBUF_OK && k < 3; k++) {
      long long add = 0;
      for (size_t j = i; j < s->nrows; j++) {
        const struct sync_row *w = &s->rows[j];
        long long v = k == 0 ? w->landed : k == 1 ? w->loaded : w->quarantined;
        if (strcmp(w->source, s->rows[i].source) == 0 && v > 0)
          add += v;
      }
      snprintf(series, sizeof(series), "tthc_sync_records_total{source=\"%s\",stage=\"%s\"}", src,
               stages[k]);
      r = sample(b, series, carried_value(prev, series) + (double)add);
    }
  }
  if (r == DYNBUF_OK)
    r = carry_rest(b, prev, "tthc_sync_records_total{");
  if (r == DYNBUF_OK)
    r = family(b, "tthc_sync_retries_total", "counter",
               "Requests retried over every run per source (transient errors, expired sessions).");
  for (size_t i = 0; r == DYNBUF_OK && i < s->nrows; i++) {
    int seen = 0;
    long long add = 0;
    for (size_t j = 0; j < i; j++)
      seen |= strcmp(s->rows[j].source, s->rows[i].source) == 0;
    if (seen)
      continue;
    for (size_t j = i; j < s->nrows; j++)
      if (strcmp(s->rows[j].source, s->rows[i].source) == 0 && s->rows[j].retries > 0)
        add += s->rows[j].retries;
    label_escape(s->rows[i].source, src, sizeof(src));
    snprintf(series, sizeof(series), "tthc_sync_retries_total{source=\"%s\"}", src);
    r = sample(b, series, carried_value(prev, series) + (double)add);
  }
  if (r == DYNBUF_OK)
    r = carry_rest(b, prev, "tthc_sync_retries_total{");
  return r;
}

static dynbuf_result run_families(struct dynbuf *b, const struct sync_summary *s, time_t ended,
                                  const struct carried *prev)
{
  double last_ok = s->exit_status == 0
                     ? (double)ended
                     : carried_value(prev, "tthc_sync_last_success_timestamp_seconds");
  dynbuf_result r =
    family(b, "tthc_sync_last_run_timestamp_seconds", "gauge", "When the last tthc-sync run ended.");

  if (r == DYNBUF_OK)
    r = sample(b, "tthc_sync_last_run_timestamp_seconds", (double)ended);
  if (r == DYNBUF_OK)
    r = family(b, "tthc_sync_last_success_timestamp_seconds", "gauge",
               "When a tthc-sync run last ended with every window loaded (exit 0); 0 never.");
  if (r == DYNBUF_OK)
    r = sample(b, "tthc_sync_last_success_timestamp_seconds", last_ok);
  if (r == DYNBUF_OK)
    r = family(b, "tthc_sync_exit_status", "gauge",
               "Exit status of the last run: 0 success, 1 partial, 3 failure.");
  if (r == DYNBUF_OK)
    r = sample(b, "tthc_sync_exit_status", s->exit_status);
  if (r == DYNBUF_OK)
    r = family(b, "tthc_sync_stage_duration_seconds", "gauge",
               "Wall time of each stage of the last run (total: the whole run).");
  for (int i = 0; r == DYNBUF_OK && i <= SYNC_STAGE_COUNT; i++) {
    char series[128];
    double v = i == SYNC_STAGE_COUNT ? s->total_seconds : s->stage_seconds[i];
    if (v < 0)
      continue;
    snprintf(series, sizeof(series), "tthc_sync_stage_duration_seconds{stage=\"%s\"}",
             i == SYNC_STAGE_COUNT ? "total" : sync_stage_name((enum sync_stage)i));
    r = sample(b, series, v);
  }
  if (r == DYNBUF_OK)
    r = family(b, "tthc_sync_windows", "gauge", "Windows (source, commune) of the last run.");
  if (r == DYNBUF_OK)
    r = sample(b, "tthc_sync_windows", (double)s->nrows);
  if (r == DYNBUF_OK)
    r = family(b, "tthc_sync_windows_held", "gauge",
               "Windows of the last run held (incomplete or mismatched): their watermarks did not "
               "move and the next run reads them again.");
  if (r == DYNBUF_OK)
    r = sample(b, "tthc_sync_windows_held", s->windows_held);
  return r;
}

static dynbuf_result window_families(struct dynbuf *b, const struct sync_summary *s)
{
  dynbuf_result r = records_family(b, s);

  if (r == DYNBUF_OK)
    r = row_family(b, s, "tthc_sync_window_rejects", "Records of the last run the transform "
                   "rejected (tthc.rejected_record) per source and commune.", v_rejects);
  if (r == DYNBUF_OK)
    r = row_family(b, s, "tthc_sync_window_retries",
                   "Requests the last run retried per source and commune.", v_retries);
  if (r == DYNBUF_OK)
    r = row_family(b, s, "tthc_sync_window_duration_seconds",
                   "Wall time the last run spent extracting each source and commune.", v_seconds);
  if (r == DYNBUF_OK)
    r = row_family(b, s, "tthc_sync_window_discrepancies",
                   "Open discrepancies between the origin systems and the portal after the last "
                   "run, per commune (city and ministry rows: that origin's; portal rows: all).",
                   v_discrepancies);
  if (r == DYNBUF_OK)
    r = row_family(b, s, "tthc_sync_window_held",
                   "1 when the last run held the window (its watermark did not move).", v_held);
  return r;
}

/* The directory path is in: made (with missing parents) when it is not
 * there, each new one 0755 whatever the umask, so that node_exporter's user
 * can reach the file. SYNC_OK, or SYNC_IO / SYNC_NOMEM after logging. */
static sync_result make_parent(const char *path)
{
  enum { MAX_DEPTH = 64 };
  char *dir = strdup(path), *cut;
  char *made[MAX_DEPTH]; /* the missing directories, deepest first */
  size_t nmade = 0;
  struct stat st;
  sync_result result = SYNC_OK;
  fs_result fr;

  if (!dir) {
    log_error("metrics file \"%s\": out of memory", path);
    return SYNC_NOMEM;
  }
  cut = strrchr(dir, '/');
  if (!cut || cut == dir)
    goto out; /* the file's directory is "." or "/" */
  *cut = '\0';
  while (nmade < MAX_DEPTH && stat(dir, &st) != 0) {
    if (errno != ENOENT) { /* e.g. a file where a directory should be */
      log_report(LOG_ERROR, NULL, "Check [sync] metrics_file.",
                 "could not create the metrics file's directory \"%s\": %s", dir, strerror(errno));
      result = SYNC_IO;
      goto out;
    }
    if (!(made[nmade] = strdup(dir))) {
      log_error("metrics file \"%s\": out of memory", path);
      result = SYNC_NOMEM;
      goto out;
    }
    nmade++;
    if (!(cut = strrchr(dir, '/')) || cut == dir)
      break;
    *cut = '\0';
  }
  if (nmade == 0)
    goto out; /* there */
  if ((fr = fs_mkdirs(made[0], 0755)) != FS_OK) {
    log_report(LOG_ERROR, fs_last_error(),
               "Create the directory, writable by this user and searchable by node_exporter's, "
               "or check [sync] metrics_file.",
               "could not create the metrics file's directory \"%s\": %s", made[0],
               fs_strerror(fr));
    result = fr == FS_NOMEM ? SYNC_NOMEM : SYNC_IO;
    goto out;
  }
  for (size_t i = 0; i < nmade; i++)
    if (chmod(made[i], 0755) != 0)
      log_warn("metrics directory \"%s\": chmod 0755: %s", made[i], strerror(errno));
  log_info("created the metrics file's directory \"%s\"", made[0]);
out:
  for (size_t i = 0; i < nmade; i++)
    free(made[i]);
  free(dir);
  return result;
}

sync_result sync_metrics_write(const char *path, const struct sync_summary *s, time_t ended)
{
  struct dynbuf prev, b;
  struct carried c = { "" };
  dynbuf_result r;
  fs_result fr;
  sync_result result;

  dynbuf_init(&prev, METRICS_MAX);
  dynbuf_init(&b, METRICS_MAX);
  fr = fs_read_file(path, &prev);
  if (fr == FS_OK && dynbuf_len(&prev) > 0)
    c.text = dynbuf_ptr(&prev);
  else if (fr != FS_OK && fr != FS_NOENT)
    log_warn("metrics file \"%s\": could not read the previous counters (%s); they restart",
             path, fs_strerror(fr));
  r = run_families(&b, s, ended, &c);
  if (r == DYNBUF_OK)
    r = window_families(&b, s);
  if (r == DYNBUF_OK)
    r = counter_families(&b, s, &c);
  if (r != DYNBUF_OK) {
    log_error("metrics file \"%s\": %s", path, dynbuf_strerror(r));
    result = SYNC_NOMEM;
    goto out;
  }
  if ((result = make_parent(path)) != SYNC_OK)
    goto out;
  /* node_exporter runs as another user; the unit's UMask=0027 would make
   * the file 0640. Nothing in it is secret. */
  if ((fr = fs_write_atomic_mode(path, dynbuf_ptr(&b), dynbuf_len(&b), 0644)) != FS_OK) {
    log_report(LOG_ERROR, fs_last_error(), "Check [sync] metrics_file and its directory's permissions.",
               "could not write the metrics file \"%s\": %s", path, fs_strerror(fr));
    result = fr == FS_NOMEM ? SYNC_NOMEM : SYNC_IO;
    goto out;
  }
  result = SYNC_OK;
out:
  dynbuf_release(&prev);
  dynbuf_release(&b);
  return result;
}
