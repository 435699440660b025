/* Progress of a long extraction: counters per source, the status line,
 * the estimate of the time left. */
#include <string.h>

#include "cunit_main.h"
#include "progress.h"

#define SEC 1000000000LL

static void test_line_counts_and_estimate(void)
{
  struct progress pg;
  char line[512];

  CU_ASSERT_EQUAL_FATAL(progress_init(&pg, 2, 0), 0);
  progress_source(&pg, 0, "portal-hp", 4);
  progress_source(&pg, 1, "moj", 4);
  /* portal: one window done (100 of 100), one half way (50 of 100) */
  progress_page(&pg, 0, 100, 100, 0.99);
  progress_window_done(&pg, 0, 1, 0.01);
  progress_page(&pg, 0, 50, 100, 0.5);
  /* ministry (no totals): one window done */
  progress_page(&pg, 1, 30, 0, 0);
  progress_window_done(&pg, 1, 1, 1.0);
  for (int i = 0; i < 10; i++)
    progress_request(&pg, 0);
  progress_login(&pg, 0);
  /* 2.5 of 8 windows done in 10 s: 22 s left */
  progress_format(&pg, pg.started_ns + 10 * SEC, line, sizeof(line));
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "18 records/s, 1.0 req/s, 10s elapsed, ~22s left"));
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "portal-hp 1/4 communes, 2 pages, 150/200 records"));
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "moj 1/4 communes, 1 pages, 30 records"));
  progress_release(&pg);
}

static void test_nothing_done_yet(void)
{
  struct progress pg;
  char line[512];

  CU_ASSERT_EQUAL_FATAL(progress_init(&pg, 1, 0), 0);
  progress_source(&pg, 0, "city", 3);
  progress_format(&pg, pg.started_ns + 2 * SEC, line, sizeof(line));
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "~? left"));
  progress_window_done(&pg, 0, 0, 1);
  progress_window_done(&pg, 0, 1, 1);
  progress_window_done(&pg, 0, 1, 1);
  progress_format(&pg, pg.started_ns + 2 * SEC, line, sizeof(line));
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "~0s left"));
  CU_ASSERT_PTR_NOT_NULL(strstr(line, "city 3/3 communes"));
  progress_release(&pg);
}

/* A buffer too small for the line: cut, never overrun. */
static void test_small_buffer(void)
{
  struct progress pg;
  char line[40];

  memset(line, 'x', sizeof(line));
  CU_ASSERT_EQUAL_FATAL(progress_init(&pg, 3, 0), 0);
  progress_source(&pg, 0, "a-very-long-source-name", 3);
  progress_source(&pg, 1, "another-long-source-name", 3);
  progress_source(&pg, 2, "third", 3);
  progress_format(&pg, pg.started_ns + SEC, line, sizeof(line) - 8);
  CU_ASSERT_EQUAL(strlen(line), sizeof(line) - 9);
  CU_ASSERT_EQUAL(line[sizeof(line) - 1], 'x');
  progress_release(&pg);
}

static CU_TestInfo tests[] = { { "line counts and estimate", test_line_counts_and_estimate },
                               { "nothing done yet", test_nothing_done_yet },
                               { "small buffer", test_small_buffer },
                               CU_TEST_INFO_NULL };

CUNIT_MAIN("progress", tests)
