#include "cunit_main.h"
#include <string.h>

#include "timeutil.h"

/* 2026-04-01 08:30:00 +07:00 == 2026-04-01 01:30:00Z */
#define T0 ((tthc_time)1775007000)

static void test_from_local(void)
{
  CU_ASSERT_EQUAL(time_from_local(1970, 1, 1, 7, 0, 0), 0);
  CU_ASSERT_EQUAL(time_from_utc(1970, 1, 1, 0, 0, 0), 0);
  CU_ASSERT_EQUAL(time_from_local(2026, 4, 1, 8, 30, 0), T0);
  CU_ASSERT_EQUAL(time_from_utc(2000, 3, 1, 0, 0, 0), 951868800);
  CU_ASSERT_EQUAL(time_from_utc(1900, 1, 1, 0, 0, 0), -2208988800LL);
  CU_ASSERT_EQUAL(time_from_utc(9999, 12, 31, 23, 59, 59), 253402300799LL);
  CU_ASSERT_EQUAL(time_from_utc(1969, 12, 31, 23, 59, 59), -1);
}

static void test_compact_ok(void)
{
  tthc_time t = 0;

  CU_ASSERT_EQUAL(time_parse_compact("20260401083000", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, T0);
  CU_ASSERT_EQUAL(time_parse_compact("  20260401083000\t\n", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, T0);
  CU_ASSERT_EQUAL(time_parse_compact("19700101070000", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, 0);
  CU_ASSERT_EQUAL(time_parse_compact("20000229000000", &t), TIME_OK);
  CU_ASSERT_EQUAL(time_parse_compact("20240229235959", &t), TIME_OK);
  CU_ASSERT_EQUAL(time_parse_compact("19000101000000", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, -2208988800LL - 7 * 3600);
  CU_ASSERT_EQUAL(time_parse_compact("99991231235959", &t), TIME_OK);
}

static void test_compact_bad(void)
{
  tthc_time t = 42;

  CU_ASSERT_EQUAL(time_parse_compact(NULL, &t), TIME_ABSENT);
  CU_ASSERT_EQUAL(time_parse_compact("", &t), TIME_ABSENT);
  CU_ASSERT_EQUAL(time_parse_compact("   \t ", &t), TIME_ABSENT);
  CU_ASSERT_EQUAL(time_parse_compact("2026040108300", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_compact("202604010830000", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_compact("20260401083000x", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_compact("2026040108 3000", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_compact("+2026040108300", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_compact("-2026040108300", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_compact("2026-04-01 08:3", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_compact("2026040a083000", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_compact("20261301083000", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_compact("20260001083000", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_compact("20260400083000", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_compact("20260431083000", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_compact("20250229083000", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_compact("19000229083000", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_compact("21000229083000", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_compact("20260401240000", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_compact("20260401236000", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_compact("20260401235960", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_compact("18991231235959", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_compact("00000101000000", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(t, 42); /* untouched on error */
}

static void test_dmy(void)
{
  tthc_time t = 42;

  CU_ASSERT_EQUAL(time_parse_dmy("01/04/2026 08:30:00", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, T0);
  CU_ASSERT_EQUAL(time_parse_dmy(" 29/02/2000 00:00:00 ", &t), TIME_OK);
  t = 42;
  CU_ASSERT_EQUAL(time_parse_dmy(NULL, &t), TIME_ABSENT);
  CU_ASSERT_EQUAL(time_parse_dmy(" ", &t), TIME_ABSENT);
  CU_ASSERT_EQUAL(time_parse_dmy("1/04/2026 08:30:00", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_dmy("01/04/2026", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_dmy("01-04-2026 08:30:00", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_dmy("01/04/2026T08:30:00", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_dmy("01/04/2026  08:30:00", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_dmy("01/04/2026 08:30:00 PM", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_dmy("01/04/-026 08:30:00", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_dmy("31/04/2026 08:30:00", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_dmy("29/02/2100 08:30:00", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_dmy("29/02/1900 08:30:00", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_dmy("01/13/2026 08:30:00", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_dmy("01/04/2026 24:00:00", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(t, 42);
}

static void test_iso(void)
{
  tthc_time t = 42;

  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T08:30:00", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, T0);
  t = 0;
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01 08:30:00", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, T0);
  t = 0;
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T01:30:00Z", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, T0);
  t = 0;
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T08:30:00+07:00", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, T0);
  t = 0;
  CU_ASSERT_EQUAL(time_parse_iso("2026-03-31T20:00:00-05:30", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, T0);
  t = 0;
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T01:30:00.999Z", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, T0);
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T01:30:00+00:00", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, T0);
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T01:30:00-00:00", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, T0);

  t = 42;
  CU_ASSERT_EQUAL(time_parse_iso(NULL, &t), TIME_ABSENT);
  CU_ASSERT_EQUAL(time_parse_iso("", &t), TIME_ABSENT);
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T08:30", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01X08:30:00", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T08:30:00ZZ", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T08:30:00+0700", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T08:30:00+07", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T08:30:00+07:00x", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T08:30:00.", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T08:30:00 Z", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_iso("2026-4-01T08:30:00", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_iso("+026-04-01T08:30:00", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_iso("20260401T083000", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T08:30:00+24:00", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T08:30:00+07:60", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_iso("2026-02-29T08:30:00", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_iso("2026-04-01T08:60:00", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_iso("1899-12-31T23:59:59Z", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(t, 42);
}

static void test_date(void)
{
  int y = 0, m = 0, d = 0;

  CU_ASSERT_EQUAL(time_parse_date("2024-02-29", &y, &m, &d), TIME_OK);
  CU_ASSERT(y == 2024 && m == 2 && d == 29);
  CU_ASSERT_EQUAL(time_parse_date("2000-02-29", &y, &m, &d), TIME_OK);
  y = m = d = 0;
  CU_ASSERT_EQUAL(time_parse_date(NULL, &y, &m, &d), TIME_ABSENT);
  CU_ASSERT_EQUAL(time_parse_date("  ", &y, &m, &d), TIME_ABSENT);
  CU_ASSERT_EQUAL(time_parse_date("2100-02-29", &y, &m, &d), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_date("2026-00-10", &y, &m, &d), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_date("2026-06-31", &y, &m, &d), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_date("2026-6-30", &y, &m, &d), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_date("2026/06/30", &y, &m, &d), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_date("2026-06-30x", &y, &m, &d), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_date("2026-06- 3", &y, &m, &d), TIME_SYNTAX);
  CU_ASSERT(y == 0 && m == 0 && d == 0);
}

static void test_since(void)
{
  tthc_time t = 0;

  CU_ASSERT_EQUAL(time_parse_since("2026-04-01", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, time_from_local(2026, 4, 1, 0, 0, 0));
  CU_ASSERT_EQUAL(time_parse_since("2026-04-01T08:30:00", &t), TIME_OK);
  CU_ASSERT_EQUAL(t, T0);
  CU_ASSERT_EQUAL(time_parse_since("2026-04-31", &t), TIME_RANGE);
  CU_ASSERT_EQUAL(time_parse_since("yesterday", &t), TIME_SYNTAX);
  CU_ASSERT_EQUAL(time_parse_since("", &t), TIME_ABSENT);
}

static void test_format(void)
{
  char u[32], c[15], dmy[20], iso[26], iz[21];

  time_format_utc(T0, u);
  CU_ASSERT_STRING_EQUAL(u, "2026-04-01 01:30:00+00");
  time_format_compact_local(T0, c);
  CU_ASSERT_STRING_EQUAL(c, "20260401083000");
  time_format_dmy_local(T0, dmy);
  CU_ASSERT_STRING_EQUAL(dmy, "01/04/2026 08:30:00");
  time_format_iso_local(T0, iso);
  CU_ASSERT_STRING_EQUAL(iso, "2026-04-01T08:30:00+07:00");
  time_format_iso_utc(T0, iz);
  CU_ASSERT_STRING_EQUAL(iz, "2026-04-01T01:30:00Z");

  /* local date differs from UTC date late in the UTC day */
  time_format_compact_local(time_from_utc(2024, 2, 28, 20, 0, 0), c);
  CU_ASSERT_STRING_EQUAL(c, "20240229030000");
  time_format_utc(-1, u);
  CU_ASSERT_STRING_EQUAL(u, "1969-12-31 23:59:59+00");
  time_format_utc(time_from_utc(1900, 1, 1, 0, 0, 0), u);
  CU_ASSERT_STRING_EQUAL(u, "1900-01-01 00:00:00+00");

  time_format_utc(TTHC_TIME_NONE, u);
  CU_ASSERT_STRING_EQUAL(u, "");
  time_format_iso_local(INT64_MAX, iso);
  CU_ASSERT_STRING_EQUAL(iso, "");
  time_format_compact_local(time_from_utc(10000, 1, 1, 0, 0, 0), c);
  CU_ASSERT_STRING_EQUAL(c, "");
}

static void test_roundtrip(void)
{
  char c[15], dmy[20], iso[26];
  tthc_time t, back;
  int ok = 1;

  /* every ~3.7 days from 1900 to 2100, through all three formats */
  for (t = time_from_utc(1900, 1, 1, 7, 0, 0); t < time_from_utc(2100, 1, 1, 0, 0, 0);
       t += 321987) {
    time_format_compact_local(t, c);
    if (time_parse_compact(c, &back) != TIME_OK || back != t)
      ok = 0;
    time_format_dmy_local(t, dmy);
    if (time_parse_dmy(dmy, &back) != TIME_OK || back != t)
      ok = 0;
    time_format_iso_local(t, iso);
    if (time_parse_iso(iso, &back) != TIME_OK || back != t)
      ok = 0;
  }
  CU_ASSERT(ok);
}

static void test_strerror(void)
{
  CU_ASSERT_STRING_EQUAL(time_strerror(TIME_OK), "no error");
  CU_ASSERT_PTR_NOT_NULL(strstr(time_strerror(TIME_RANGE), "range"));
  CU_ASSERT_PTR_NOT_NULL(strstr(time_strerror(TIME_SYNTAX), "format"));
  CU_ASSERT_PTR_NOT_NULL(strstr(time_strerror(TIME_ABSENT), "absent"));
}

static CU_TestInfo tests[] = {
  { "from_local", test_from_local },
  { "compact ok", test_compact_ok },
  { "compact bad", test_compact_bad },
  { "dmy", test_dmy },
  { "iso", test_iso },
  { "date", test_date },
  { "since", test_since },
  { "format", test_format },
  { "roundtrip", test_roundtrip },
  { "strerror", test_strerror },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("timeutil", tests)
