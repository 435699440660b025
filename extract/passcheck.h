/*
 * passcheck.h — whether one pass of offset paging over a window saw every
 * record of it exactly once.
 *
 * Offset paging over live data drifts (sources.md §1): a record updated
 * while a client pages moves to the end of the listing (served twice) or
 * out of the fixed window, and every later record shifts one place
 * earlier, so the one on a page boundary is never served. Its update time
 * is old, so no later night's lookback would re-read it. The sources
 * already say enough to notice: the announced total changes between pages
 * of one pass, a code comes twice, or fewer records come than announced.
 * A pass that shows any of these is discarded as evidence and the window
 * is paged again (pull.c), a bounded number of times.
 *
 *     struct pass_check c;
 *     pass_check_init(&c, NULL);
 *     for each page: pass_check_page(&c, &res); end = pass_check_step(&c, ...);
 *     pass_check_release(&c);
 */
#ifndef TTHC_PASSCHECK_H
#define TTHC_PASSCHECK_H

#include "adapter.h"
#include "keyset.h"
#include "landing.h"

struct pass_check {
  struct keyset window;                   /* distinct codes over every page of the window */
  struct keyset codes;                    /* distinct codes of the current pass */
  long pass;                              /* current pass, 1-based */
  long pages, records, uncoded, distinct; /* of the current pass */
  long announced;                         /* total announced on its first page, -1 none */
  long announced_now;                     /* on its latest page */
  long announced_before;                  /* on the page before it */
  long left;                              /* how far the total dropped during the pass */
  int grew;                               /* the total rose during the pass */
  long rereads;                           /* pages read again after drift was seen */
  long fresh_pages;                       /* pages read for the first time in the pass */
  long fresh_records;                     /* records on them */
  long fresh_repeats;                     /* codes they served that the pass already had */
  long refused;                           /* pages landed refused in the pass (adapter.h) */
  /* the whole window, every pass, in the order pages were fetched: */
  long win_last;         /* total announced on the last page fetched, -1 none */
  long win_left;         /* how far the total dropped */
  int win_grew;          /* it rose at some point */
  long page_repeats;     /* codes of the latest page already served in it */
  uint64_t signature;    /* XOR of a mix of its distinct codes */
  struct pass_mark prev; /* how the previous pass ended (end = PASS_GOES_ON: none) */
};

/* A check at pass 1. */
void pass_check_init(struct pass_check *c);
void pass_check_release(struct pass_check *c);

/* Counts one durable page into the current pass and the window. 0, or -1
 * when out of memory. */
int pass_check_page(struct pass_check *c, const struct page_result *res);

/*
 * How the current pass stands after its latest page `res` (read at `at`),
 * and where paging goes on (res->next, res->last are set).
 *
 * Offset paging. Drift is repaired where it happened: when the announced
 * total dropped since the previous page (records already served left the
 * window), the pages just before are read again, as many as the records
 * that slid back fill; when a page read for the first time serves a code
 * the pass already had (it moved later within the window), the pages
 * before it are read again from page 1. Then paging goes on after the page
 * that saw it (page_cursor.then_index). A total that rose, or more
 * re-reads than REREADS_PER_PAGE per page, end the pass at once (DIRTY).
 * On the last page the pass is CLEAN when nothing moved during it (it
 * served every announced position once), or when every code the window's
 * passes served is accounted for: the distinct codes are the records still
 * announced plus those that left (the drops of the total, across passes);
 * or when it saw exactly what the previous pass saw with as many records
 * as announced (the source itself lists a code twice: a stable listing,
 * not drift). A pass with a refused page (its records unknown) is quiet
 * when the total is within the page it stands for. Else DIRTY, and the window is paged again from page 1, its
 * codes kept (a later pass completes what an earlier one missed). A DIRTY
 * pass numbered max_passes is HELD. Cursor paging cannot drift: CLEAN on
 * the last page.
 */
pass_end pass_check_step(struct pass_check *c, const struct page_cursor *at,
                         struct page_result *res, int page_size, int offset_paging,
                         long max_passes);

/* The manifest mark of the current pass's page with that verdict. */
void pass_check_mark(const struct pass_check *c, pass_end end, struct pass_mark *out);

/* After a DIRTY page: the next pass starts empty (the window's codes stay). */
void pass_check_next(struct pass_check *c);

/* Counts a page of an earlier pass into the window's codes only (when
 * resuming: the pages of a pass that already ended). */
int pass_check_window_page(struct pass_check *c, const struct page_result *res);

/* Records served twice within the current pass. */
long pass_check_repeats(const struct pass_check *c);

/*
 * The last page index offset paging can need for the total announced on
 * the latest page, the records that left the window (drops) counted back
 * in, plus one: the page past the end a re-read after drift asks for
 * (pass_check_step never goes further on a listing that keeps its
 * total). -1 when no total is known. A source asked for more is
 * answering full pages past its own total: it would never end.
 */
long pass_check_page_limit(const struct pass_check *c, int page_size);

/*
 * Makes res (read at `at`, refused: res->refused set) stand for the
 * positions it holds in the listing: as many records as the total
 * announced leaves for it (else page_size), none of their codes known.
 * Unless the scan could read the page (paging_known: an oversized page),
 * its paging is that of a page at `at` under the latest announced total;
 * cursor paging cannot go past it (res->last stays 0).
 */
void pass_check_refused(const struct pass_check *c, const struct page_cursor *at, int page_size,
                        int offset_paging, int paging_known, struct page_result *res);

#endif
