#include "progress.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "ratelimit.h"

/* The live line on a terminal is redrawn this often. */
#define TTY_REDRAW_MS 1000

int progress_init(struct progress *pg, size_t nsources, long interval_ms)
{
  const char *term = getenv("TERM");

  memset(pg, 0, sizeof(*pg));
  pg->src = calloc(nsources ? nsources : 1, sizeof(*pg->src));
  if (!pg->src)
    return -1;
  pg->n = nsources;
  pg->interval_ms = interval_ms > 0 ? interval_ms : 0;
  /* A live line only among text records: JSON lines go to a collector. */
  pg->tty = pg->interval_ms && isatty(STDERR_FILENO) && !(term && !strcmp(term, "dumb")) &&
            log_current_format() == LOG_FORMAT_TEXT;
  pthread_mutex_init(&pg->lock, NULL);
  pthread_cond_init(&pg->wake, NULL);
  pg->started_ns = ratelimit_now_ns();
  return 0;
}

void progress_source(struct progress *pg, size_t i, const char *name, long communes)
{
  snprintf(pg->src[i].name, sizeof(pg->src[i].name), "%s", name);
  pg->src[i].communes = communes;
}

void progress_page(struct progress *pg, size_t i, long records, long announced_delta,
                   double share_delta)
{
  pthread_mutex_lock(&pg->lock);
  pg->src[i].pages++;
  pg->src[i].records += records;
  pg->src[i].announced += announced_delta;
  pg->src[i].share += share_delta;
  pthread_mutex_unlock(&pg->lock);
}

void progress_window_done(struct progress *pg, size_t i, int complete, double share_delta)
{
  pthread_mutex_lock(&pg->lock);
  pg->src[i].done++;
  if (!complete)
    pg->src[i].failed++;
  pg->src[i].share += share_delta;
  pthread_mutex_unlock(&pg->lock);
}

void progress_request(struct progress *pg, size_t i)
{
  pthread_mutex_lock(&pg->lock);
  pg->src[i].requests++;
  pthread_mutex_unlock(&pg->lock);
}

void progress_login(struct progress *pg, size_t i)
{
  pthread_mutex_lock(&pg->lock);
  pg->src[i].logins++;
  pthread_mutex_unlock(&pg->lock);
}

void progress_get(struct progress *pg, size_t i, struct progress_source *out)
{
  pthread_mutex_lock(&pg->lock);
  *out = pg->src[i];
  pthread_mutex_unlock(&pg->lock);
}

static void format_duration(double s, char *buf, size_t n)
{
  long t = (long)(s + 0.5);
  if (t >= 3600)
    snprintf(buf, n, "%ldh%02ldm", t / 3600, t / 60 % 60);
  else if (t >= 60)
    snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
  else
    snprintf(buf, n, "%lds", t);
}

/* The part of the whole run done, 0..1, from every window's part. */
static double done_share(const struct progress *pg)
{
  double share = 0, all = 0;
  for (size_t i = 0; i < pg->n; i++) {
    share += pg->src[i].share;
    all += (double)pg->src[i].communes;
  }
  return all > 0 ? share / all : 1;
}

void progress_format(struct progress *pg, int64_t now_ns, char *buf, size_t n)
{
  double secs = (double)(now_ns - pg->started_ns) / 1e9, f;
  long records = 0, requests = 0;
  size_t used = 0;
  char eta[32] = "?", took[32];

  buf[0] = '\0';
  pthread_mutex_lock(&pg->lock);
  for (size_t i = 0; i < pg->n; i++) {
    records += pg->src[i].records;
    requests += pg->src[i].requests;
  }
  f = done_share(pg);
  if (f >= 1)
    snprintf(eta, sizeof(eta), "0s");
  else if (f > 0.001 && secs > 0)
    format_duration(secs * (1 - f) / f, eta, sizeof(eta));
  format_duration(secs, took, sizeof(took));
  /* the rate and the estimate first: a narrow terminal cuts the end */
  used = (size_t)snprintf(buf, n, "%.0f records/s, %.1f req/s, %s elapsed, ~%s left",
                          secs > 0 ? (double)records / secs : 0.0,
                          secs > 0 ? (double)requests / secs : 0.0, took, eta);
  for (size_t i = 0; i < pg->n && used < n; i++) {
    const struct progress_source *s = &pg->src[i];
    char ann[32] = "";
    if (s->announced > 0)
      snprintf(ann, sizeof(ann), "/%ld", s->announced);
    used +=
      (size_t)snprintf(buf + used, n - used, " | %s %ld/%ld communes, %ld pages, %ld%s records",
                       s->name, s->done, s->communes, s->pages, s->records, ann);
  }
  pthread_mutex_unlock(&pg->lock);
}

/* One event per source: the lines cron and systemd logs keep. */
static void log_progress(struct progress *pg, const char *event)
{
  double secs = (double)(ratelimit_now_ns() - pg->started_ns) / 1e9;

  for (size_t i = 0; i < pg->n; i++) {
    struct progress_source s;
    progress_get(pg, i, &s);
    log_typed(
      LOG_INFO, event, LOG_STR("source", s.name), LOG_INT("communes_done", s.done),
      LOG_INT("communes", s.communes), LOG_INT("pages", s.pages), LOG_INT("records", s.records),
      LOG_INT("announced", s.announced), LOG_INT("requests", s.requests),
      LOG_INT("logins", s.logins),
      LOG_NUM("duration_seconds", (double)(long)(secs * 10 + 0.5) / 10),
      LOG_NUM("req_per_s", secs > 0 ? (double)(long)(s.requests / secs * 100 + 0.5) / 100 : 0.0));
  }
}

static int terminal_width(void)
{
  struct winsize ws;
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
    return ws.ws_col;
  return 120;
}

/* Redraws the live line: carriage return, the line cut to the terminal's
 * width (a wrapped line could not be redrawn), clear to its end. */
static void draw_line(struct progress *pg)
{
  char line[2048], out[2100];
  int width = terminal_width() - 1, len;
  ssize_t w;

  progress_format(pg, ratelimit_now_ns(), line, sizeof(line));
  if ((int)strlen(line) > width)
    line[width] = '\0';
  len = snprintf(out, sizeof(out), "\r%s\033[K\r", line);
  w = write(STDERR_FILENO, out, (size_t)len);
  (void)w;
}

static void *reporter(void *arg)
{
  struct progress *pg = arg;
  long every = pg->tty ? TTY_REDRAW_MS : pg->interval_ms;

  pthread_mutex_lock(&pg->lock);
  while (!pg->stop) {
    struct timespec until;
    int rc = 0;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += every / 1000;
    until.tv_nsec += (every % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    while (!pg->stop && rc != ETIMEDOUT)
      rc = pthread_cond_timedwait(&pg->wake, &pg->lock, &until);
    if (pg->stop)
      break;
    pthread_mutex_unlock(&pg->lock);
    if (pg->tty)
      draw_line(pg);
    else
      log_progress(pg, "progress");
    pthread_mutex_lock(&pg->lock);
  }
  pthread_mutex_unlock(&pg->lock);
  return NULL;
}

void progress_start(struct progress *pg)
{
  pthread_condattr_t ca;

  if (!pg->interval_ms)
    return;
  /* the reporter waits on the monotonic clock */
  pthread_cond_destroy(&pg->wake);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&pg->wake, &ca);
  pthread_condattr_destroy(&ca);
  pg->running = pthread_create(&pg->thread, NULL, reporter, pg) == 0;
  if (pg->running && pg->tty)
    log_clear_line_first(1);
}

void progress_finish(struct progress *pg)
{
  if (pg->running) {
    pthread_mutex_lock(&pg->lock);
    pg->stop = 1;
    pthread_cond_broadcast(&pg->wake);
    pthread_mutex_unlock(&pg->lock);
    pthread_join(pg->thread, NULL);
    pg->running = 0;
  }
  if (pg->tty) {
    ssize_t w = write(STDERR_FILENO, "\r\033[K", 4);
    (void)w;
    log_clear_line_first(0);
  }
  log_progress(pg, "extract_totals");
}

void progress_release(struct progress *pg)
{
  if (!pg->src)
    return;
  pthread_cond_destroy(&pg->wake);
  pthread_mutex_destroy(&pg->lock);
  free(pg->src);
  pg->src = NULL;
}
