/*
 * summary.h — what one tthc-sync did, for the table at the end of a run,
 * the typed log events and the metrics file (metrics.h): the time each
 * stage took and, per source and commune, what each stage counted.
 */
#ifndef TTHC_SYNC_SUMMARY_H
#define TTHC_SYNC_SUMMARY_H

#include <libpq-fe.h>
#include <stdio.h>

#include "pull.h"
#include "result.h"
#include "rundir.h"

/* One (source, commune) window of the run; -1 = not known. */
struct sync_row {
  char source[64], kind[16], commune[8];
  long long announced, landed, loaded, quarantined, rejects, retries;
  long long discrepancies; /* open ones for the commune after the load, this
                              origin's (portal rows: all of the commune's) */
  double seconds;          /* extraction wall time, -1 when not this process */
  char status[16];         /* run_window.status: ok, incomplete, mismatch */
};

/* Where a night's time goes: start (configuration and commune list, locks,
 * warehouse connection and schema check), the three stages, and summary
 * (reading the run's reconciliation and discrepancies back). */
enum sync_stage {
  SYNC_STAGE_START,
  SYNC_STAGE_EXTRACT,
  SYNC_STAGE_TRANSFORM,
  SYNC_STAGE_LOAD,
  SYNC_STAGE_SUMMARY,
  SYNC_STAGE_COUNT
};

struct sync_summary {
  char run_id[RUNDIR_ID_MAX];
  double stage_seconds[SYNC_STAGE_COUNT]; /* -1: the stage did not run */
  double total_seconds;
  struct sync_row *rows; /* NULL when the run was not loaded */
  size_t nrows;
  int exit_status;
  int windows_held; /* rows whose status is not ok */
};

/* Name of a stage as in the table, the logs and the metrics. */
const char *sync_stage_name(enum sync_stage s);

/* Monotonic seconds, for stage timing. */
double sync_now(void);

void sync_summary_init(struct sync_summary *s);
void sync_summary_release(struct sync_summary *s);

/* Reads the run's windows from the warehouse (tthc.run_window, rejects,
 * discrepancies) and the extraction's wall times from w (may be NULL).
 * SYNC_OK, or after logging SYNC_SQL or SYNC_NOMEM (the summary then has
 * no rows). */
sync_result sync_summary_fetch(struct sync_summary *s, PGconn *conn,
                               const struct window_outcome *w, size_t nw);

/* The table: stage times, then one line per window and a total line;
 * nothing when s has no run id (the night failed before it began). */
void sync_summary_print(const struct sync_summary *s, FILE *out);

/* The same as typed log events: one "window_summary" per row when
 * per_window, then "sync_done" with the stage times and the exit status. */
void sync_summary_log(const struct sync_summary *s, int per_window);

#endif
