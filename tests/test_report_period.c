/* report/period: --month, --quarter, --year, --from/--to and their names. */
#include "cunit_main.h"
#include <stdio.h>
#include <string.h>

#include "period.h"
#include "timeutil.h"

static void assert_range(const struct period *p, const char *from, const char *to)
{
  char a[11], b[11];

  period_iso(&p->from, a);
  period_iso(&p->to, b);
  CU_ASSERT_STRING_EQUAL(a, from);
  CU_ASSERT_STRING_EQUAL(b, to);
}

static void test_month(void)
{
  struct period p;

  CU_ASSERT_EQUAL(period_month("2026-04", &p), PERIOD_OK);
  CU_ASSERT_EQUAL(p.kind, PERIOD_MONTH);
  assert_range(&p, "2026-04-01", "2026-04-30");
  CU_ASSERT_EQUAL(period_month("2024-02", &p), PERIOD_OK);
  assert_range(&p, "2024-02-01", "2024-02-29");
  CU_ASSERT_EQUAL(period_month("1900-02", &p), PERIOD_OK);
  assert_range(&p, "1900-02-01", "1900-02-28");
  CU_ASSERT_EQUAL(period_month("2026-13", &p), PERIOD_BAD_DATE);
  CU_ASSERT_EQUAL(period_month("2026-00", &p), PERIOD_BAD_DATE);
  CU_ASSERT_EQUAL(period_month("2026-4", &p), PERIOD_SYNTAX);
  CU_ASSERT_EQUAL(period_month("2026/04", &p), PERIOD_SYNTAX);
  CU_ASSERT_EQUAL(period_month("2026-04-01", &p), PERIOD_SYNTAX);
  CU_ASSERT_EQUAL(period_month(NULL, &p), PERIOD_SYNTAX);
}

/* The last day of every month of 1900..2100 is the last valid date. */
static void test_month_ends_generated(void)
{
  char s[32];
  struct period p;

  for (int y = 1900; y <= 2100; y++)
    for (int m = 1; m <= 12; m++) {
      snprintf(s, sizeof s, "%04d-%02d", y, m);
      CU_ASSERT_EQUAL_FATAL(period_month(s, &p), PERIOD_OK);
      CU_ASSERT(time_date_valid(y, m, p.to.d));
      CU_ASSERT(!time_date_valid(y, m, p.to.d + 1));
    }
}

static void test_quarter_year(void)
{
  struct period p;

  CU_ASSERT_EQUAL(period_quarter("2025-Q3", &p), PERIOD_OK);
  CU_ASSERT_EQUAL(p.kind, PERIOD_QUARTER);
  assert_range(&p, "2025-07-01", "2025-09-30");
  CU_ASSERT_EQUAL(period_quarter("2025-q1", &p), PERIOD_OK);
  assert_range(&p, "2025-01-01", "2025-03-31");
  CU_ASSERT_EQUAL(period_quarter("2025-Q4", &p), PERIOD_OK);
  assert_range(&p, "2025-10-01", "2025-12-31");
  CU_ASSERT_EQUAL(period_quarter("2025-Q5", &p), PERIOD_BAD_DATE);
  CU_ASSERT_EQUAL(period_quarter("2025-Q0", &p), PERIOD_BAD_DATE);
  CU_ASSERT_EQUAL(period_quarter("2025Q3", &p), PERIOD_SYNTAX);
  CU_ASSERT_EQUAL(period_quarter("2025-3", &p), PERIOD_SYNTAX);
  CU_ASSERT_EQUAL(period_year("2026", &p), PERIOD_OK);
  CU_ASSERT_EQUAL(p.kind, PERIOD_YEAR);
  assert_range(&p, "2026-01-01", "2026-12-31");
  CU_ASSERT_EQUAL(period_year("26", &p), PERIOD_SYNTAX);
  CU_ASSERT_EQUAL(period_year("1899", &p), PERIOD_BAD_DATE);
  CU_ASSERT_EQUAL(period_month_count(&p), 12);
}

static void test_range(void)
{
  struct period p;

  CU_ASSERT_EQUAL(period_range("2023-01-01", "2023-08-10", &p), PERIOD_OK);
  CU_ASSERT_EQUAL(p.kind, PERIOD_RANGE);
  assert_range(&p, "2023-01-01", "2023-08-10");
  CU_ASSERT_EQUAL(period_month_count(&p), 8);
  CU_ASSERT_EQUAL(period_range("2026-04-30", "2026-04-30", &p), PERIOD_OK);
  CU_ASSERT_EQUAL(period_range("2026-05-01", "2026-04-30", &p), PERIOD_ORDER);
  CU_ASSERT_EQUAL(period_range("2026-04-31", "2026-05-30", &p), PERIOD_BAD_DATE);
  CU_ASSERT_EQUAL(period_range("2026-04-01", "30/04/2026", &p), PERIOD_SYNTAX);
  CU_ASSERT_EQUAL(period_range("2025-12-01", "2026-01-31", &p), PERIOD_OK);
  CU_ASSERT_EQUAL(period_month_count(&p), 2);
  CU_ASSERT_STRING_EQUAL(period_strerror(PERIOD_ORDER), "the period starts after it ends");
}

static void test_names(void)
{
  struct period p;
  char s[160];

  period_month("2026-04", &p);
  period_title(&p, s, sizeof s);
  CU_ASSERT_STRING_EQUAL(s, "tháng 4 năm 2026");
  period_range_line(&p, s, sizeof s);
  CU_ASSERT_STRING_EQUAL(s, "(Số liệu từ ngày 01/4/2026 đến ngày 30/4/2026)");
  period_quarter("2025-Q3", &p);
  period_title(&p, s, sizeof s);
  CU_ASSERT_STRING_EQUAL(s, "quý III năm 2025");
  period_range_line(&p, s, sizeof s);
  CU_ASSERT_STRING_EQUAL(s, "(Số liệu từ ngày 01/7/2025 đến ngày 30/9/2025)");
  period_year("2026", &p);
  period_title(&p, s, sizeof s);
  CU_ASSERT_STRING_EQUAL(s, "năm 2026");
  period_range("2023-01-01", "2023-08-10", &p);
  period_title(&p, s, sizeof s);
  CU_ASSERT_STRING_EQUAL(s, "từ ngày 01/01/2023 đến ngày 10/8/2023");
  period_range_line(&p, s, 12);
  CU_ASSERT_EQUAL(strlen(s), 11); /* cut, terminated */
}

static CU_TestInfo tests[] = {
  { "months", test_month },
  { "month ends, 1900-2100", test_month_ends_generated },
  { "quarters and years", test_quarter_year },
  { "ranges", test_range },
  { "titles and range lines", test_names },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("report_period", tests)
