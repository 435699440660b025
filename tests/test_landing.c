/* Landing zone: durable pages, manifest progress, resume, restart. */
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "landing.h"

static char dir[64];

static void test_pages_and_progress(void)
{
  struct landing_window lw;
  struct landing_progress p;
  struct page_result r1 = { .records = 3, .next = { .index = 2 } },
                     r2 = { .records = 1, .last = 1, .next = { .index = 3 } };
  struct pass_mark m1 = { .pass = 1, .announced = 4 }, m2 = { .pass = 1,
                                                              .announced = 4,
                                                              .end = PASS_CLEAN,
                                                              .records = 4,
                                                              .distinct = 4,
                                                              .signature = 0xfeedfacecafebeefULL };
  tthc_time from = 100, until = 200, f2 = 1, u2 = 2;
  int found;
  char path[256], buf[64];
  FILE *f;

  strcpy(dir, "/tmp/tthc-landing.XXXXXX");
  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  CU_ASSERT_EQUAL_FATAL(landing_open(&lw, dir, "20260101T000000Z", "src", "11002", ".json"),
                        LANDING_OK);
  CU_ASSERT_EQUAL(landing_window_bounds(&lw, &from, &until, &found), LANDING_OK);
  CU_ASSERT_EQUAL(found, 0);
  /* the window is fixed: a later start gets the first one back */
  CU_ASSERT_EQUAL(landing_window_bounds(&lw, &f2, &u2, &found), LANDING_OK);
  CU_ASSERT_EQUAL(found, 1);
  CU_ASSERT_EQUAL(f2, 100);
  CU_ASSERT_EQUAL(u2, 200);

  CU_ASSERT_EQUAL(landing_progress(&lw, &p), LANDING_OK);
  CU_ASSERT_EQUAL(p.pages, 0);
  CU_ASSERT_EQUAL(p.next.index, 1);
  CU_ASSERT_EQUAL(landing_write_page(&lw, 1, "{\"a\":1}", 7, 200, &r1, &m1), LANDING_OK);
  CU_ASSERT_EQUAL(landing_progress(&lw, &p), LANDING_OK);
  CU_ASSERT_EQUAL(p.pages, 1);
  CU_ASSERT_EQUAL(p.records, 3);
  CU_ASSERT_EQUAL(p.next.index, 2);
  CU_ASSERT_EQUAL(p.complete, 0);

  /* a torn manifest line (crash mid-append) is ignored */
  snprintf(path, sizeof(path), "%s/manifest.jsonl", lw.dir);
  f = fopen(path, "a");
  fputs("{\"page\":2,\"rec", f);
  fclose(f);
  CU_ASSERT_EQUAL(landing_progress(&lw, &p), LANDING_OK);
  CU_ASSERT_EQUAL(p.pages, 1);
  /* an expired cursor restarts the listing from scratch, pages included */
  CU_ASSERT_EQUAL(landing_restart(&lw), LANDING_OK);
  snprintf(path, sizeof(path), "%s/page-000001.json", lw.dir);
  CU_ASSERT_PTR_NULL(fopen(path, "r"));
  CU_ASSERT_EQUAL(landing_progress(&lw, &p), LANDING_OK);
  CU_ASSERT_EQUAL(p.pages, 0);
  CU_ASSERT_EQUAL(landing_write_page(&lw, 1, "{\"a\":1}", 7, 200, &r1, &m1), LANDING_OK);
  CU_ASSERT_EQUAL(landing_write_page(&lw, 2, "{\"b\":2}", 7, 200, &r2, &m2), LANDING_OK);
  CU_ASSERT_EQUAL(landing_progress(&lw, &p), LANDING_OK);
  CU_ASSERT_EQUAL(p.pages, 2);
  CU_ASSERT_EQUAL(p.records, 4);
  CU_ASSERT_EQUAL(p.complete, 1);
  /* how the pass ended is read back, for a resume to judge the next one */
  CU_ASSERT_EQUAL(p.pass, 1);
  CU_ASSERT_EQUAL(p.pass_first_page, 1);
  CU_ASSERT_EQUAL(p.last_end.end, PASS_CLEAN);
  CU_ASSERT_EQUAL(p.last_end.announced, 4);
  CU_ASSERT_EQUAL(p.last_end.distinct, 4);
  CU_ASSERT(p.last_end.signature == 0xfeedfacecafebeefULL);

  /* the page is there byte for byte */
  snprintf(path, sizeof(path), "%s/page-000002.json", lw.dir);
  f = fopen(path, "r");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_PTR_NOT_NULL(fgets(buf, sizeof(buf), f));
  fclose(f);
  CU_ASSERT_STRING_EQUAL(buf, "{\"b\":2}");
  landing_release(&lw);
  snprintf(path, sizeof(path), "rm -rf '%s'", dir);
  CU_ASSERT_EQUAL(system(path), 0);
}

/* A refused page is one record landed (the one quarantined), its line
 * says why and how many positions of the listing it stands for. */
static void test_refused_page(void)
{
  struct landing_window lw;
  struct landing_progress p;
  struct page_result ok = { .records = 5, .next = { .index = 2 } },
                     bad = { .records = 5, .last = 1, .next = { .index = 3 } };
  struct pass_mark m = { .pass = 1, .announced = 10 };
  tthc_time from = 100, until = 200;
  int found;
  char path[300], line[2048] = "";
  FILE *f;

  snprintf(bad.refused, sizeof(bad.refused), "page declares a \"DOCTYPE\"");
  strcpy(dir, "/tmp/tthc-landing.XXXXXX");
  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  CU_ASSERT_EQUAL_FATAL(landing_open(&lw, dir, "20260101T000000Z", "src", "11002", ".xml"),
                        LANDING_OK);
  CU_ASSERT_EQUAL(landing_window_bounds(&lw, &from, &until, &found), LANDING_OK);
  CU_ASSERT_EQUAL(landing_write_page(&lw, 1, "<a/>", 4, 200, &ok, &m), LANDING_OK);
  CU_ASSERT_EQUAL(landing_write_page(&lw, 2, "<!DOCTYPE a>", 12, 200, &bad, &m), LANDING_OK);
  CU_ASSERT_EQUAL(landing_progress(&lw, &p), LANDING_OK);
  CU_ASSERT_EQUAL(p.pages, 2);
  CU_ASSERT_EQUAL(p.records, 6);
  snprintf(path, sizeof(path), "%s/manifest.jsonl", lw.dir);
  f = fopen(path, "r");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof(line), f));
  CU_ASSERT_PTR_NULL(strstr(line, "refused"));
  CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof(line), f));
  fclose(f);
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"records\":1,"));
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"refused\":\"page declares a \\\"DOCTYPE\\\"\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"positions\":5"));
  landing_release(&lw);
  snprintf(path, sizeof(path), "rm -rf '%s'", dir);
  CU_ASSERT_EQUAL(system(path), 0);
}

static CU_TestInfo tests[] = {
  { "pages, manifest and resume", test_pages_and_progress },
  { "a refused page", test_refused_page },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("landing", tests)
