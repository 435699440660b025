/* Watermarks move forward only over contiguous, completed windows. */
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "watermark.h"

static char dir[64];

static void test_advance_rules(void)
{
  tthc_time wm, t0 = 1775000000, h = 3600;

  strcpy(dir, "/tmp/tthc-wm.XXXXXX");
  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  CU_ASSERT_EQUAL(watermark_read(dir, "src", "11002", &wm), 0);
  CU_ASSERT_EQUAL(wm, TTHC_TIME_NONE);

  /* first window: sets it */
  CU_ASSERT_EQUAL(watermark_advance(dir, "src", "11002", t0 - 100 * h, t0), 0);
  CU_ASSERT_EQUAL(watermark_read(dir, "src", "11002", &wm), 0);
  CU_ASSERT_EQUAL(wm, t0);
  /* the nightly window overlaps (lookback): moves on */
  CU_ASSERT_EQUAL(watermark_advance(dir, "src", "11002", t0 - h, t0 + 24 * h), 0);
  watermark_read(dir, "src", "11002", &wm);
  CU_ASSERT_EQUAL(wm, t0 + 24 * h);
  /* a backfill of older data never moves it backwards */
  CU_ASSERT_EQUAL(watermark_advance(dir, "src", "11002", t0 - 50 * h, t0), 0);
  watermark_read(dir, "src", "11002", &wm);
  CU_ASSERT_EQUAL(wm, t0 + 24 * h);
  /* a window after a gap does not jump over the gap */
  CU_ASSERT_EQUAL(watermark_advance(dir, "src", "11002", t0 + 48 * h, t0 + 72 * h), 0);
  watermark_read(dir, "src", "11002", &wm);
  CU_ASSERT_EQUAL(wm, t0 + 24 * h);
  /* other communes are independent */
  CU_ASSERT_EQUAL(watermark_read(dir, "src", "10792", &wm), 0);
  CU_ASSERT_EQUAL(wm, TTHC_TIME_NONE);
}

static void test_corrupt(void)
{
  char path[128];
  FILE *f;
  tthc_time wm;

  snprintf(path, sizeof(path), "%s/watermarks/src/99999", dir);
  f = fopen(path, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fputs("yesterday\n", f);
  fclose(f);
  CU_ASSERT_EQUAL(watermark_read(dir, "src", "99999", &wm), -1);
  CU_ASSERT_EQUAL(watermark_advance(dir, "src", "99999", 0, 10), -1);
  snprintf(path, sizeof(path), "rm -rf '%s'", dir);
  CU_ASSERT_EQUAL(system(path), 0);
}

static CU_TestInfo tests[] = {
  { "advance rules", test_advance_rules },
  { "a corrupt watermark is an error, not zero", test_corrupt },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("watermark", tests)
