/*
 * run.h — transforms one extracted run: every landed page of every window in
 * STATE/runs/RUN/EXTRACTED, through its source's parser, into
 *   canonical/dossier_source.copy   canonical records (COPY text, dossier.def order)
 *   canonical/rejected.copy         quarantined records (quarantine.h)
 *   canonical/counts.json           per source: read, accepted, rejected
 * then marks the run TRANSFORMED. Files are written under temporary names,
 * fsynced and renamed, so a crash leaves either nothing or all of it.
 *
 * A page the extractor landed refused (its manifest line says "refused",
 * landing.h) is never parsed: it is quarantined whole, as the one record
 * its line counts, so the window still reconciles.
 *
 * Within a source, several versions of one dossier (overlapping windows,
 * paging drift) all go to the COPY file; the loader keeps the newest
 * (greatest update time, then greatest content hash).
 */
#ifndef TTHC_TRANSFORM_RUN_H
#define TTHC_TRANSFORM_RUN_H

#include <stddef.h>

#include "config.h"

typedef enum {
  TRANSFORM_OK = 0,
  TRANSFORM_NOT_EXTRACTED,    /* the run has no EXTRACTED summary */
  TRANSFORM_BAD_SUMMARY,      /* the summary cannot be read */
  TRANSFORM_IO,               /* reading a page or writing output failed */
  TRANSFORM_TOO_MANY_REJECTS, /* a source's reject share is above the limit */
  TRANSFORM_NOMEM
} transform_result;

struct source_counts {
  char name[64];
  long long read, accepted, rejected;
  long long duplicates; /* accepted records seen before in this run (same source, commune, code) */
};

struct transform_counts {
  struct source_counts *sources;
  size_t nsources;
  long long pages;
};

void transform_counts_release(struct transform_counts *c);

/* Uses cfg's state dir, its max_reject_share (a source with more rejects
 * than that share of its records fails the run: output kept for
 * inspection, no marker) and each source's settings. */
transform_result transform_run(const struct tthc_config *cfg, const char *run_id,
                               struct transform_counts *counts);

const char *transform_strerror(transform_result r);

#endif
