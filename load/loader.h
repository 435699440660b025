/*
 * loader.h — loads one transformed run into the warehouse, atomically.
 *
 * In a single transaction: COPY the run's canonical records and rejects into
 * temporary staging tables (the records straight into tthc.dossier_source
 * when no key of the run is stored or repeated: a first load), upsert
 * tthc.dossier_source (a record replaces the
 * stored one for the same source only when its update time — then its
 * content hash — is greater), rebuild the merged dossiers it touched
 * (tthc.merge_dossiers), append status events, record the rejects, the
 * tthc.load_run row and the per-source watermarks the run covered. Either all
 * of it is visible or none. Loading a run again changes nothing.
 */
#ifndef TTHC_LOADER_H
#define TTHC_LOADER_H

#include <stdio.h>

#include "pgutil.h"

struct load_counts {
  long long read;        /* canonical records in the run */
  long long inserted;    /* new source records */
  long long updated;     /* replaced an older version */
  long long unchanged;   /* not newer than what is stored */
  long long rejected;    /* quarantined records recorded */
  long long merged;      /* merged dossiers rebuilt */
  int already_loaded;    /* the run was loaded before: nothing done */
  int direct;            /* the records were copied straight into dossier_source (no staging) */
  long windows_not_ok;   /* windows incomplete or in mismatch (tthc.run_window) */
  long windows_mismatch; /* windows whose stages disagree */
};

/* Prints the run's reconciliation (tthc.run_window), one line per window:
 * source, commune, announced, landed, distinct, read, accepted,
 * quarantined, applied, passes, status. */
pgu_result loader_print_windows(PGconn *conn, const char *run_id, FILE *out);

/* Loads STATE/runs/RUN (which must be TRANSFORMED) and marks it LOADED. */
pgu_result loader_load_run(PGconn *conn, const char *state_dir, const char *run_id,
                           struct load_counts *counts);

#endif
