/*
 * Drift checks of offset paging (passcheck.h) and the adapters' page scans
 * that feed them. The listings are built here as the sources would serve
 * them while records move; the pages of the scans are generated in both
 * layouts the spec allows (indented, and compact as most XML writers emit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "cunit_main.h"
#include "keyset.h"
#include "passcheck.h"
#include "xmlsafe.h"

#define SIZE 3

/* A page of the listing `codes` (n of them) at 1-based page index, as the
 * source announces `total`. */
static void page_of(const char *const *codes, long n, long index, long total, struct page_result *r)
{
  long first = (index - 1) * SIZE;

  memset(r, 0, sizeof(*r));
  r->announced = total;
  for (long i = first; i < n && i < first + SIZE; i++) {
    r->records++;
    CU_ASSERT_EQUAL(page_codes_add(r, codes[i]), 0);
  }
  r->next.index = index + 1;
  r->last = r->records < SIZE || index * SIZE >= total;
}

/* Pages one listing per request (listing[k] is what the source holds
 * when request k arrives); returns the verdict of the pass's last page
 * and the number of requests made. */
static pass_end run(struct pass_check *c, const char *const *const *listing, const long *len,
                    int nreq, int *used)
{
  struct page_cursor at = { .index = 1 };
  pass_end end = PASS_GOES_ON;
  int k = 0;

  while (end == PASS_GOES_ON && k < 50) {
    struct page_result r;
    int i = k < nreq ? k : nreq - 1;
    page_of(listing[i], len[i], at.index, len[i], &r);
    CU_ASSERT_EQUAL(pass_check_page(c, &r), 0);
    end = pass_check_step(c, &at, &r, SIZE, 1, 4);
    /* drift re-reads never ask past the page limit (pull.c stops there) */
    CU_ASSERT(end != PASS_GOES_ON || r.next.index <= pass_check_page_limit(c, SIZE));
    at = r.next;
    page_result_release(&r);
    k++;
  }
  *used = k;
  return end;
}

static void test_clean(void)
{
  static const char *const l0[] = { "a", "b", "c", "d", "e", "f", "g" };
  const char *const *listing[] = { l0 };
  long len[] = { 7 };
  struct pass_check c;
  int used;

  pass_check_init(&c);
  CU_ASSERT_EQUAL(run(&c, listing, len, 1, &used), PASS_CLEAN);
  CU_ASSERT_EQUAL(used, 3);
  CU_ASSERT_EQUAL(c.distinct, 7);
  CU_ASSERT_EQUAL(c.rereads, 0);
  pass_check_release(&c);
}

/* "b" (served on page 1) is updated after page 1 and leaves the window:
 * "d" slides onto page 1 and page 2 starts at "e". */
static void test_served_record_leaves(void)
{
  static const char *const l0[] = { "a", "b", "c", "d", "e", "f", "g" };
  static const char *const l1[] = { "a", "c", "d", "e", "f", "g" };
  const char *const *listing[] = { l0, l1 };
  long len[] = { 7, 6 };
  struct pass_check c;
  int used;

  pass_check_init(&c);
  CU_ASSERT_EQUAL(run(&c, listing, len, 2, &used), PASS_CLEAN);
  CU_ASSERT_EQUAL(c.left, 1);
  CU_ASSERT_EQUAL(c.rereads, 1); /* page 1 read again: "d" found there */
  CU_ASSERT_EQUAL(c.distinct, 7);
  CU_ASSERT_EQUAL(c.pass, 1);
  pass_check_release(&c);
}

/* "a" is updated after page 1 and moves to the end of the window: served
 * twice, and "d" slides onto page 1. */
static void test_served_record_moves_to_end(void)
{
  static const char *const l0[] = { "a", "b", "c", "d", "e", "f", "g" };
  static const char *const l1[] = { "b", "c", "d", "e", "f", "g", "a" };
  const char *const *listing[] = { l0, l1 };
  long len[] = { 7, 7 };
  struct pass_check c;
  int used;

  pass_check_init(&c);
  CU_ASSERT_EQUAL(run(&c, listing, len, 2, &used), PASS_CLEAN);
  CU_ASSERT_EQUAL(c.distinct, 7); /* "d" was read on a re-read */
  CU_ASSERT(c.rereads >= 1);
  pass_check_release(&c);
}

/* Without the re-reads the same listing would have lost "d": a check that
 * only counted the pass against the total must not call it clean. */
static void test_loss_is_never_clean(void)
{
  struct pass_check c;
  struct page_result r;
  struct page_cursor at = { .index = 1, .then_index = 99 }; /* as if re-reading: no repair */
  static const char *const p1[] = { "a", "b", "c" }, *const p2[] = { "e", "f", "g" },
                           *const p3[] = { "a" };

  pass_check_init(&c);
  page_of(p1, 3, 1, 7, &r);
  pass_check_page(&c, &r);
  page_result_release(&r);
  page_of(p2, 3, 1, 7, &r);
  pass_check_page(&c, &r);
  page_result_release(&r);
  page_of(p3, 1, 1, 7, &r);
  r.last = 1;
  pass_check_page(&c, &r);
  at.then_index = 0;
  at.index = 3;
  c.rereads = 1000; /* no repair allowed any more */
  CU_ASSERT_NOT_EQUAL(pass_check_step(&c, &at, &r, SIZE, 1, 4), PASS_CLEAN);
  page_result_release(&r);
  pass_check_release(&c);
}

/* A source whose total never matches what it lists: held after 4 passes. */
static void test_miscount_held(void)
{
  static const char *const l0[] = { "a", "b", "c", "d", "e" };
  struct pass_check c;
  pass_end end = PASS_GOES_ON;
  int passes = 0;

  pass_check_init(&c);
  while (passes < 10) {
    struct page_cursor at = { .index = 1 };
    end = PASS_GOES_ON;
    while (end == PASS_GOES_ON) {
      struct page_result r;
      page_of(l0, 5, at.index, 6, &r); /* announces one more */
      pass_check_page(&c, &r);
      end = pass_check_step(&c, &at, &r, SIZE, 1, 4);
      at = r.next;
      page_result_release(&r);
    }
    passes++;
    if (end != PASS_DIRTY)
      break;
    pass_check_next(&c);
  }
  CU_ASSERT_EQUAL(end, PASS_HELD);
  CU_ASSERT_EQUAL(passes, 4);
  pass_check_release(&c);
}

/* A listing that holds one code twice, unchanged between passes: the
 * second pass that sees the same is accepted (not drift). */
static void test_stable_duplicate_accepted(void)
{
  static const char *const l0[] = { "a", "b", "b", "c", "d" };
  const char *const *listing[] = { l0 };
  long len[] = { 5 };
  struct pass_check c;
  int used;

  pass_check_init(&c);
  CU_ASSERT_EQUAL(run(&c, listing, len, 1, &used), PASS_DIRTY);
  pass_check_next(&c);
  CU_ASSERT_EQUAL(run(&c, listing, len, 1, &used), PASS_CLEAN);
  CU_ASSERT_EQUAL(c.pass, 2);
  pass_check_release(&c);
}

static void test_cursor_paging_is_clean(void)
{
  struct pass_check c;
  struct page_result r = { .announced = -1, .last = 1 };
  struct page_cursor at = { .index = 1 };

  pass_check_init(&c);
  page_codes_add(&r, "x");
  page_codes_add(&r, "x"); /* re-read after an expired cursor: expected */
  r.records = 2;
  pass_check_page(&c, &r);
  CU_ASSERT_EQUAL(pass_check_step(&c, &at, &r, SIZE, 0, 4), PASS_CLEAN);
  page_result_release(&r);
  pass_check_release(&c);
}

static void test_page_limit(void)
{
  struct pass_check c;
  struct page_result r = { .announced = 7, .records = 3 };
  struct page_cursor at = { .index = 1 };

  pass_check_init(&c);
  CU_ASSERT_EQUAL(pass_check_page_limit(&c, SIZE), -1); /* nothing announced yet */
  pass_check_page(&c, &r);
  pass_check_step(&c, &at, &r, SIZE, 1, 4);
  CU_ASSERT_EQUAL(pass_check_page_limit(&c, SIZE), 4); /* 3 pages of 3, and one past */
  /* one record left (the total dropped): it still counts */
  r = (struct page_result){ .announced = 6, .records = 3 };
  at.index = 2;
  pass_check_page(&c, &r);
  pass_check_step(&c, &at, &r, SIZE, 1, 4);
  CU_ASSERT_EQUAL(pass_check_page_limit(&c, SIZE), 4);
  CU_ASSERT_EQUAL(pass_check_page_limit(&c, 0), -1);
  pass_check_release(&c);
}

/* Pages a listing of n codes with page `bad` refused; the verdict. */
static pass_end run_refused(const char *const *codes, long n, long bad, long *pages)
{
  struct page_cursor at = { .index = 1 };
  pass_end end = PASS_GOES_ON;
  struct pass_check c;

  pass_check_init(&c);
  for (*pages = 0; end == PASS_GOES_ON && *pages < 20; (*pages)++) {
    struct page_result r;
    page_of(codes, n, at.index, n, &r);
    if (at.index == bad) {
      pass_check_refused(&c, &at, SIZE, 1, 0, &r);
      snprintf(r.refused, sizeof(r.refused), "not well-formed");
    }
    CU_ASSERT_EQUAL(pass_check_page(&c, &r), 0);
    end = pass_check_step(&c, &at, &r, SIZE, 1, 4);
    at = r.next;
    page_result_release(&r);
  }
  pass_check_release(&c);
  return end;
}

/* A page refused for good stands for the positions it holds: the pass
 * is clean, nothing is paged again. */
static void test_refused_page(void)
{
  static const char *const l0[] = { "a", "b", "c", "d", "e", "f", "g" };
  long pages;

  CU_ASSERT_EQUAL(run_refused(l0, 7, 2, &pages), PASS_CLEAN);
  CU_ASSERT_EQUAL(pages, 3);
  CU_ASSERT_EQUAL(run_refused(l0, 7, 3, &pages), PASS_CLEAN); /* the last, short one */
  CU_ASSERT_EQUAL(pages, 3);
  /* the first page: no total known yet, the next page tells it */
  CU_ASSERT_EQUAL(run_refused(l0, 2, 1, &pages), PASS_CLEAN);
  CU_ASSERT_EQUAL(pages, 2);
  CU_ASSERT_EQUAL(run_refused(l0, 7, 1, &pages), PASS_CLEAN);
  CU_ASSERT_EQUAL(pages, 3);
}

/* A cursor listing cannot go past a page it cannot read. */
static void test_refused_cursor_page(void)
{
  struct pass_check c;
  struct page_cursor at = { .index = 2 };
  struct page_result r = { 0 };

  snprintf(at.token, sizeof(at.token), "abc");
  pass_check_init(&c);
  pass_check_refused(&c, &at, 5, 0, 0, &r);
  CU_ASSERT_EQUAL(r.last, 0);
  CU_ASSERT_EQUAL(r.records, 5);
  CU_ASSERT_EQUAL(r.codes.uncoded, 5);
  CU_ASSERT_STRING_EQUAL(r.next.token, "abc");
  pass_check_release(&c);
}

/* A city page of n HoSo, compact (no whitespace at all) or indented. */
static char *city_page(int n, int compact, long total)
{
  size_t cap = 4096 + (size_t)n * 200, len = 0;
  char *s = malloc(cap);
  const char *nl = compact ? "" : "\n  ";

  len +=
    (size_t)snprintf(s + len, cap - len,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>%s<KetQuaTraCuu>%s<MaLoi>0</MaLoi>"
                     "%s<TongSoBanGhi>%ld</TongSoBanGhi>%s<Trang>1</Trang>%s<DanhSachHoSo>",
                     nl, nl, nl, total, nl, nl);
  for (int i = 0; i < n; i++)
    len +=
      (size_t)snprintf(s + len, cap - len,
                       "%s<HoSo>%s<MaHoSo>h31-%05d</MaHoSo>%s<QuaTrinhXuLy><Buoc trangThai=\"2\"/>"
                       "</QuaTrinhXuLy>%s<NgayCapNhat>20260401000000</NgayCapNhat></HoSo>",
                       nl, nl, i, nl, nl);
  snprintf(s + len, cap - len, "%s</DanhSachHoSo>%s</KetQuaTraCuu>", nl, nl);
  return s;
}

static void test_city_scan_layouts(void)
{
  const struct source_adapter *ad = source_adapter_for(SOURCE_CITY);
  struct page_cursor at = { .index = 1 };

  for (int compact = 0; compact <= 1; compact++) {
    char *page = city_page(7, compact, 27);
    struct page_result r = { 0 };
    struct attempt_error err = { .retry_after = -1 };
    struct keyset k;

    CU_ASSERT_EQUAL_FATAL(ad->scan_page(page, strlen(page), &at, 7, &r, &err), ATTEMPT_OK);
    CU_ASSERT_EQUAL(r.records, 7);
    CU_ASSERT_EQUAL(r.codes.n, 7);
    CU_ASSERT_EQUAL(r.codes.uncoded, 0);
    CU_ASSERT_EQUAL(r.announced, 27);
    CU_ASSERT_EQUAL(r.last, 0); /* a full page, 27 announced: more to come */
    keyset_init(&k, 100);
    for (size_t i = 0; i < r.codes.n; i++)
      CU_ASSERT_EQUAL(keyset_add(&k, r.codes.v[i]), 1);
    keyset_release(&k);
    page_result_release(&r);
    free(page);
  }
}

static void test_portal_scan_codes(void)
{
  const struct source_adapter *ad = source_adapter_for(SOURCE_PORTAL);
  const char *page = "{\"error_code\":0,\"total\":\"3\",\"result\":[{\"MaHoSo\":\" h31_1 \"},"
                     "{\"MaHoSo\":12345},{\"MaHoSo\":null}]}";
  struct page_cursor at = { .index = 1 };
  struct page_result r = { 0 };
  struct attempt_error err = { .retry_after = -1 };

  CU_ASSERT_EQUAL_FATAL(ad->scan_page(page, strlen(page), &at, 100, &r, &err), ATTEMPT_OK);
  CU_ASSERT_EQUAL(r.records, 3);
  CU_ASSERT_EQUAL(r.announced, 3);
  CU_ASSERT_EQUAL(r.codes.n, 2);
  CU_ASSERT_EQUAL(r.codes.uncoded, 1);
  CU_ASSERT(r.codes.v[0] == keyset_hash(0, "H31-1")); /* normalised */
  CU_ASSERT(r.codes.v[1] == keyset_hash(0, "12345"));
  CU_ASSERT_EQUAL(r.last, 1);
  page_result_release(&r);
}

static int teardown(void)
{
  xml_global_cleanup();
  return 0;
}

static int setup(void)
{
  xml_global_init();
  return 0;
}

static CU_TestInfo tests[] = {
  { "a quiet listing is clean in one pass", test_clean },
  { "a served record that leaves: the page before is read again", test_served_record_leaves },
  { "a served record that moves to the end: re-read, nothing lost",
    test_served_record_moves_to_end },
  { "a pass that lost a record is never clean", test_loss_is_never_clean },
  { "a total that never matches holds the window after 4 passes", test_miscount_held },
  { "a stable listing with a code twice is accepted on the second pass",
    test_stable_duplicate_accepted },
  { "cursor paging is clean on its last page", test_cursor_paging_is_clean },
  { "the page limit of a total", test_page_limit },
  { "a refused page stands for its positions", test_refused_page },
  { "a refused cursor page ends the listing", test_refused_cursor_page },
  { "city pages count every HoSo, compact or indented", test_city_scan_layouts },
  { "portal pages: codes normalised, numbers and null", test_portal_scan_codes },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN_WITH("passcheck", tests, setup, teardown)
