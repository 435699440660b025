/*
 * landing.h — the landing zone of one window (source × commune) of a run:
 *
 *   STATE/runs/RUN/landing/SOURCE/COMMUNE/window.json     the window, fixed at first start
 *   STATE/runs/RUN/landing/SOURCE/COMMUNE/page-NNNNNN.EXT raw page bytes as received
 *   STATE/runs/RUN/landing/SOURCE/COMMUNE/manifest.jsonl  one line per durable page
 *
 * A page whose content was refused (adapter.h ATTEMPT_BAD_CONTENT) is
 * landed too, its line saying "refused": REASON, "records": 1 (the one
 * quarantined record it becomes) and "positions": the records it stands
 * for in the listing.
 *
 * A page file is written atomically (temp file, fsync, rename, fsync dir)
 * before its manifest line is appended and fsynced, so every manifest line
 * names a complete page, and a re-run resumes after the last line.
 */
#ifndef TTHC_LANDING_H
#define TTHC_LANDING_H

#include <stddef.h>

#include "adapter.h"

typedef enum {
  LANDING_OK = 0,
  LANDING_IO,
  LANDING_CORRUPT, /* manifest or window file unreadable */
  LANDING_NOMEM
} landing_result;

struct landing_window {
  char *dir;
  const char *source, *commune, *suffix;
};

/* How a pass over the window (pull.c: offset paging is re-paged when it
 * drifted) ended, as the manifest line of its last page records it. */
typedef enum {
  PASS_GOES_ON = 0, /* not the pass's last page */
  PASS_CLEAN,       /* the pass saw every announced record once: complete */
  PASS_DIRTY,       /* drift seen: the window is paged again from page 1 */
  PASS_HELD         /* still drifting after the last allowed pass: incomplete */
} pass_end;

/* The pass a page belongs to, written on its manifest line. */
struct pass_mark {
  long pass;      /* 1-based */
  long announced; /* the total the source announced on this page, -1 none */
  pass_end end;
  /* running: how the pass's total moved so far (passcheck.h) */
  long left, rereads, fresh_pages, fresh_records, fresh_repeats;
  int grew;
  long win_left, win_last; /* the window's, across passes */
  int win_grew;
  /* on the pass's last page: what the pass saw */
  long records, distinct;
  uint64_t signature; /* order-independent hash of its distinct codes */
};

/* Where a window stands after what is already durable. */
struct landing_progress {
  long pages;                 /* durable pages */
  long records;               /* records in them */
  struct page_cursor next;    /* where to continue */
  tthc_time last_updated;     /* update time of the last durable record, 0 if unknown */
  int complete;               /* the last page is durable */
  long pass;                  /* pass of the last durable page, 0 = none yet */
  long pass_first_page;       /* its first page */
  struct pass_mark last_end;  /* the last pass that ended (end = PASS_GOES_ON: none) */
  struct pass_mark last_line; /* the mark of the last durable page */
};

/* Creates the window directory. */
landing_result landing_open(struct landing_window *lw, const char *state_dir, const char *run_id,
                            const char *source, const char *commune, const char *suffix);
void landing_release(struct landing_window *lw);

/* The window fixed at the first start of this run (*found = 0 when none yet:
 * then it records from/until). */
landing_result landing_window_bounds(struct landing_window *lw, tthc_time *from, tthc_time *until,
                                     int *found);

/* Reads the manifest: progress of the pages already durable. */
landing_result landing_progress(struct landing_window *lw, struct landing_progress *p);

/* Forgets every page of the window (a listing that must start over). */
landing_result landing_restart(struct landing_window *lw);

/* Writes page number `page` durably and appends its manifest line. */
landing_result landing_write_page(struct landing_window *lw, long page, const void *data,
                                  size_t len, long http_status, const struct page_result *res,
                                  const struct pass_mark *mark);

/* The path of page number `page` (malloc'd), to read a landed page again. */
char *landing_page_path(const struct landing_window *lw, long page);

const char *pass_end_name(pass_end e);

const char *landing_strerror(landing_result r);

#endif
