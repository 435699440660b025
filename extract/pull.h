/*
 * pull.h — pulls the configured sources' communes into a run's landing
 * zone, concurrently: fixes each window, resumes after the last durable page, retries
 * transient failures (retry.h), re-authenticates once on an expired
 * session, restarts an expired cursor, stops on permanent errors with a
 * message naming source, commune, URL, status and a body excerpt, and
 * advances the watermark only once a window is completely durable.
 */
#ifndef TTHC_PULL_H
#define TTHC_PULL_H

#include <stddef.h>

#include "config.h"
#include "retry.h"
#include "timeutil.h"

struct pull_options {
  const char *state_dir;
  const char *run_id;
  tthc_time run_end; /* fixed end of every window, captured at run start */
  tthc_time since;   /* backfill lower bound, or TTHC_TIME_NONE */
  tthc_time until;   /* backfill upper bound, or TTHC_TIME_NONE (= run_end) */
  struct retry_policy retry;
  int jobs;       /* worker threads over all sources */
  int per_source; /* communes of one source pulled at once, unless the
                     source's `concurrency` says otherwise */
  long progress_ms; /* progress lines every progress_ms when stderr is
                       not a terminal (a live line when it is);
                       0 = the default, 30 s; < 0 = no progress */
  long max_pages; /* pages one window may land (passes and re-reads
                     included) before it is stopped as never ending;
                     0 = the default, 20000 */
};

/* What happened to one window; the run summary lists them. */
struct window_outcome {
  char source[64];
  const char *kind;
  char commune[8];
  tthc_time from, until;
  long pages, records, retries;
  /* Reconciliation (offset paging is re-paged when it drifts): */
  long announced;                   /* records the source announced for the window, -1 none */
  long passes;                      /* passes over the window */
  long distinct;                    /* distinct codes over every landed page */
  long pass_records, pass_distinct; /* what the last pass saw */
  int complete;
  char problem[200]; /* why an incomplete window is incomplete, "" */
  double seconds;    /* wall time its pull took (tthc-sync's summary) */
};

/*
 * Pulls every commune of every given source with a pool of opts->jobs
 * workers, at most opts->per_source (or the source's concurrency)
 * communes of one source at a time. A source's workers share its
 * connections, TLS sessions and DNS answers, one session/token (a login
 * only when none is valid: at the start, and after the source says it
 * expired), and one request budget: max_rps over all of them, and a pause
 * for every Retry-After (ratelimit.h). Progress per source (progress.h). *out gets one outcome per (source, commune), in the
 * order given (malloc'd, *n entries). Returns 0 when every window
 * completed, -1 when any failed (already logged).
 */
int pull_all(const struct source_config *const *sources, size_t nsources,
             const struct pull_options *opts, struct window_outcome **out, size_t *n);

#endif
