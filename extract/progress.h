/*
 * progress.h — what a long extraction has done so far, per source: communes
 * finished, pages and records landed against the totals the sources
 * announced, requests and logins; with a rate and an estimate of the time
 * left. On a terminal (stderr a tty) one live status line is redrawn every
 * second; otherwise a `progress` log event per source is written every
 * interval (bounded frequency, for cron/systemd logs), and once at the end.
 *
 *     progress_init(&pg, nsources, 30000);
 *     progress_source(&pg, i, "portal-hp", ncommunes);
 *     progress_start(&pg);            reporter thread
 *     ... progress_page(&pg, i, records, announced_delta, share_delta) ...
 *     progress_finish(&pg);           joins it, writes the last lines
 *     progress_release(&pg);
 *
 * Thread-safe: the counters are updated by the workers under one lock.
 */
#ifndef TTHC_PROGRESS_H
#define TTHC_PROGRESS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct progress_source {
  char name[64];
  long communes;       /* windows to pull */
  long done, failed;   /* windows finished, of which incomplete */
  long pages, records; /* landed so far */
  long announced;      /* records the windows announced (sum, those known) */
  long requests, logins;
  double share; /* sum over windows of the part done, 0..1 each */
};

struct progress {
  pthread_mutex_t lock;
  pthread_cond_t wake;
  struct progress_source *src;
  size_t n;
  long interval_ms; /* plain log lines: every interval_ms; 0 = no progress */
  int tty;          /* stderr is a terminal: a live line instead */
  int stop, running;
  int64_t started_ns;
  pthread_t thread;
};

/* interval_ms 0 = no progress output at all (the counters still count).
 * -1 when out of memory. */
int progress_init(struct progress *pg, size_t nsources, long interval_ms);
void progress_source(struct progress *pg, size_t i, const char *name, long communes);

/* Starts the reporter (nothing to do when interval_ms is 0). */
void progress_start(struct progress *pg);

/* A page landed: records in it, the change in the window's announced
 * total, the change in the part of the window done (0..1). */
void progress_page(struct progress *pg, size_t i, long records, long announced_delta,
                   double share_delta);
/* A window ended (share_delta brings it to 1). */
void progress_window_done(struct progress *pg, size_t i, int complete, double share_delta);
void progress_request(struct progress *pg, size_t i);
void progress_login(struct progress *pg, size_t i);

/* One source's counters (a copy, under the lock). */
void progress_get(struct progress *pg, size_t i, struct progress_source *out);

/* The status line for `now_ns` (monotonic): records/s, requests/s, time
 * elapsed and the estimated time left (from the part of every window done:
 * records landed against the total it announced), then every source's
 * communes, pages and records against announced. */
void progress_format(struct progress *pg, int64_t now_ns, char *buf, size_t n);

/* Stops the reporter, clears the live line, logs each source's totals. */
void progress_finish(struct progress *pg);
void progress_release(struct progress *pg);

#endif
