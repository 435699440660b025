/*
 * extract_run.h — one extraction as a library call, shared by tthc-extract
 * and tthc-sync: resumes the given run, else the newest run without an
 * EXTRACTED marker, else creates a new one; pulls the selected sources and
 * writes the run summary (EXTRACTED).
 */
#ifndef TTHC_EXTRACT_RUN_H
#define TTHC_EXTRACT_RUN_H

#include <stddef.h>

#include "config.h"
#include "pull.h"
#include "rundir.h"

struct extract_request {
  const char *const *only; /* source names, NULL / 0 = every source */
  size_t nonly;
  const char *run;        /* run to resume, or NULL */
  tthc_time since, until; /* backfill bounds, TTHC_TIME_NONE = watermark / now */
  int insecure, jobs, per_source;
  long progress_ms; /* pull_options.progress_ms: 0 = every 30 s, < 0 = none */
};

typedef enum {
  EXTRACT_COMPLETE = 0, /* every window complete */
  EXTRACT_PARTIAL = 1,  /* summarised, but some window did not complete (logged) */
  EXTRACT_ALREADY = 2,  /* the run was extracted before: nothing done */
  EXTRACT_FAILED = -1   /* no summary written (logged) */
} extract_result;

/* Extracts into run_id (set even on failure when a run was chosen); *out gets
 * the windows' outcomes (malloc'd, may be NULL with *n = 0). cfg's sources
 * are marked insecure when rq->insecure. */
extract_result extract_run(struct tthc_config *cfg, const struct extract_request *rq,
                           char run_id[RUNDIR_ID_MAX], struct window_outcome **out, size_t *n);

#endif
