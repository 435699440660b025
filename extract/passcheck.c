#include "passcheck.h"

#include <string.h>

/* Enough for any window a source can page (1000 records × 1M pages). */
#define PASS_CODES_MAX 200000000
/* Pages read again in one pass (per page read for the first time, plus a
 * few): beyond this the listing moves too fast and the pass starts over. */
#define REREADS_PER_PAGE 4
#define REREADS_EXTRA    16

void pass_check_init(struct pass_check *c)
{
  memset(c, 0, sizeof(*c));
  keyset_init(&c->window, PASS_CODES_MAX);
  keyset_init(&c->codes, PASS_CODES_MAX);
  c->pass = 1;
  c->announced = c->announced_now = c->win_last = -1;
}

void pass_check_release(struct pass_check *c)
{
  keyset_release(&c->window);
  keyset_release(&c->codes);
}

/* splitmix64 finaliser: XOR of raw FNV hashes would let pairs cancel. */
static uint64_t mix(uint64_t x)
{
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

int pass_check_page(struct pass_check *c, const struct page_result *res)
{
  if (c->pages++ == 0)
    c->announced = c->announced_now = res->announced;
  c->announced_before = c->announced_now;
  c->announced_now = res->announced;
  c->records += res->records;
  c->uncoded += res->codes.uncoded;
  c->refused += res->refused[0] != '\0';
  c->page_repeats = 0;
  for (size_t i = 0; i < res->codes.n; i++) {
    int added = keyset_add(&c->codes, res->codes.v[i]);
    if (added < 0 || keyset_add(&c->window, res->codes.v[i]) < 0)
      return -1;
    if (added) {
      c->distinct++;
      c->signature ^= mix(res->codes.v[i]);
    } else {
      c->page_repeats++;
    }
  }
  return 0;
}

int pass_check_window_page(struct pass_check *c, const struct page_result *res)
{
  for (size_t i = 0; i < res->codes.n; i++)
    if (keyset_add(&c->window, res->codes.v[i]) < 0)
      return -1;
  return 0;
}

long pass_check_repeats(const struct pass_check *c)
{
  return c->records - c->uncoded - c->distinct;
}

/* Where paging goes after a page read at `at`: `back` pages before it
 * again when drift pushed records back across its boundary, then on past
 * it; otherwise the next page (or back to where a re-read started). */
static void plan_next(struct pass_check *c, const struct page_cursor *at, long back,
                      struct page_result *res)
{
  long then = at->then_index;

  if (back > at->index - 1)
    back = at->index - 1;
  if (back > 0) {
    if (then < at->index + 1)
      then = at->index + 1;
    res->next = (struct page_cursor){ .index = at->index - back, .then_index = then };
    res->last = 0; /* the pages before hold what slid back */
    c->rereads += back;
    return;
  }
  res->next = (struct page_cursor){ .index = at->index + 1 };
  if (then && at->index + 1 < then)
    res->next.then_index = then; /* more pages to read again */
  else if (then)
    res->next.index = then; /* the page that saw the drift may have been
                               short: go on past it, the listing says when
                               it ends */
}

/* Pages to read again after this one. A drop of the total by k: records
 * served earlier left, the k behind them slid back across this page's
 * boundary into the pages before. A code served again on a page read for
 * the first time: it moved from where it was served to later in the
 * window, and one record slid back across some boundary since: from page
 * 1. (On pages being read again, every code is served again.) */
static long pages_back(const struct pass_check *c, const struct page_cursor *at, long drop,
                       int page_size)
{
  if (drop > 0)
    return (drop + page_size - 1) / page_size;
  if (c->page_repeats > 0 && !at->then_index)
    return at->index - 1;
  return 0;
}

/* How the total moved since the last page fetched (any pass): drops are
 * records that left the window; a rise means records entered it. */
static long track_window(struct pass_check *c, long announced)
{
  long drop = 0;

  if (c->win_last >= 0 && announced >= 0) {
    if (announced < c->win_last)
      drop = c->win_last - announced;
    else if (announced > c->win_last)
      c->win_grew = 1;
  }
  c->win_left += drop;
  c->win_last = announced;
  return drop;
}

pass_end pass_check_step(struct pass_check *c, const struct page_cursor *at,
                         struct page_result *res, int page_size, int offset_paging, long max_passes)
{
  const struct pass_mark *p = &c->prev;
  long before = c->pages > 1 ? c->announced_before : -1, drop = 0, total = res->announced;
  int quiet, accounted, same_as_before;

  if (!offset_paging)
    return res->last ? PASS_CLEAN : PASS_GOES_ON;
  track_window(c, total);
  if (before >= 0 && total >= 0 && total < before)
    drop = before - total;
  else if (before >= 0 && total != before)
    c->grew = 1;
  c->left += drop;
  if (!at->then_index) {
    c->fresh_pages++;
    c->fresh_records += res->records;
    c->fresh_repeats += c->page_repeats;
  }
  plan_next(c, at, pages_back(c, at, drop, page_size), res);
  if (c->grew || c->rereads > REREADS_PER_PAGE * c->fresh_pages + REREADS_EXTRA)
    return c->pass >= max_passes ? PASS_HELD : PASS_DIRTY;
  if (!res->last)
    return PASS_GOES_ON;
  /* Nothing moved during the pass: it served every position once (a
   * refused page stands for a page_size positions it may not all hold). */
  quiet = !c->left && !c->rereads && !c->fresh_repeats &&
          (total < 0 || c->fresh_records == total ||
           (c->refused && total <= c->fresh_records && c->fresh_records - total < page_size));
  /* Things moved, but every code the window's passes served is accounted
   * for: still announced, or left (the total dropped by as many). */
  accounted = total >= 0 && !c->win_grew && (long)c->window.len == total + c->win_left;
  /* A listing that holds a code twice: its pages, read once each, served
   * as many records as announced, and the same codes as last time. */
  same_as_before = p->end == PASS_DIRTY && p->announced == total && !c->left && !p->left &&
                   p->distinct == c->distinct && p->signature == c->signature &&
                   c->fresh_records == total && p->fresh_records == p->announced;
  if (quiet || accounted || same_as_before)
    return PASS_CLEAN;
  return c->pass >= max_passes ? PASS_HELD : PASS_DIRTY;
}

void pass_check_mark(const struct pass_check *c, pass_end end, struct pass_mark *out)
{
  out->pass = c->pass;
  out->announced = c->announced_now;
  out->end = end;
  out->left = c->left;
  out->rereads = c->rereads;
  out->fresh_pages = c->fresh_pages;
  out->fresh_records = c->fresh_records;
  out->fresh_repeats = c->fresh_repeats;
  out->win_left = c->win_left;
  out->win_last = c->win_last;
  out->win_grew = c->win_grew;
  out->grew = c->grew;
  out->records = c->records;
  out->distinct = c->distinct;
  out->signature = c->signature;
}

void pass_check_next(struct pass_check *c)
{
  pass_check_mark(c, PASS_DIRTY, &c->prev);
  keyset_release(&c->codes);
  c->pass++;
  c->pages = c->records = c->uncoded = c->distinct = c->left = c->rereads = 0;
  c->fresh_pages = c->page_repeats = c->fresh_records = c->fresh_repeats = c->refused = 0;
  c->grew = 0;
  c->announced = c->announced_now = -1;
  c->signature = 0;
}

long pass_check_page_limit(const struct pass_check *c, int page_size)
{
  long positions = c->announced_now + c->win_left;

  if (c->announced_now < 0 || page_size <= 0)
    return -1;
  return (positions + page_size - 1) / page_size + 1;
}

void pass_check_refused(const struct pass_check *c, const struct page_cursor *at, int page_size,
                        int offset_paging, int paging_known, struct page_result *res)
{
  long positions = page_size, left;

  if (!paging_known) {
    res->announced = offset_paging ? c->announced_now : -1;
    res->next = *at;
    res->next.index = at->index + 1;
    res->last = offset_paging && res->announced >= 0 &&
                (double)at->index * page_size >= (double)res->announced;
  }
  if (offset_paging && res->announced >= 0) {
    left = res->announced - (at->index - 1) * (long)page_size;
    positions = left < 0 ? 0 : left < page_size ? left : page_size;
  }
  res->records = positions;
  res->codes.n = 0;
  res->codes.uncoded = positions;
}
