/* report/vntext: Vietnamese numbers, dates, times, capitals and widths. */
#include "cunit_main.h"
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "vntext.h"

static void test_int(void)
{
  char s[VN_NUM_MAX];
  struct {
    long long v;
    const char *want;
  } cases[] = { { 0, "0" },
                { 7, "7" },
                { 999, "999" },
                { 1000, "1.000" },
                { 6306, "6.306" },
                { 100000, "100.000" },
                { 1234567, "1.234.567" },
                { -4120, "-4.120" } };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    vn_int(cases[i].v, s);
    CU_ASSERT_STRING_EQUAL(s, cases[i].want);
  }
  vn_int(-9223372036854775807LL - 1, s);
  CU_ASSERT_STRING_EQUAL(s, "-9.223.372.036.854.775.808");
}

/* Grouping against an independent rendering: every 3 digits from the right
 * of snprintf's %lld, over a spread of magnitudes. */
static void test_int_generated(void)
{
  char s[VN_NUM_MAX], plain[32], want[48];

  for (long long v = 1; v < 1000000000000LL; v = v * 7 + 3) {
    int n = snprintf(plain, sizeof plain, "%lld", v), o = 0;

    for (int i = 0; i < n; i++) {
      if (i && (n - i) % 3 == 0)
        want[o++] = '.';
      want[o++] = plain[i];
    }
    want[o] = '\0';
    vn_int(v, s);
    CU_ASSERT_STRING_EQUAL(s, want);
  }
}

static void test_percent(void)
{
  char s[VN_NUM_MAX];

  vn_percent(9952, s);
  CU_ASSERT_STRING_EQUAL(s, "99,52 %");
  vn_percent(10000, s);
  CU_ASSERT_STRING_EQUAL(s, "100,00 %");
  vn_percent(5, s);
  CU_ASSERT_STRING_EQUAL(s, "0,05 %");
  vn_percent(0, s);
  CU_ASSERT_STRING_EQUAL(s, "0,00 %");
  vn_centi(3801, s);
  CU_ASSERT_STRING_EQUAL(s, "38,01");
  vn_centi(123456789, s);
  CU_ASSERT_STRING_EQUAL(s, "1.234.567,89");
  vn_centi(-150, s);
  CU_ASSERT_STRING_EQUAL(s, "-1,50");
  vn_target(6000, s);
  CU_ASSERT_STRING_EQUAL(s, "≥ 60 %");
  vn_target(9950, s);
  CU_ASSERT_STRING_EQUAL(s, "≥ 99,50 %");
  vn_target(10000, s);
  CU_ASSERT_STRING_EQUAL(s, "100 %");
  vn_pad2(4, s);
  CU_ASSERT_STRING_EQUAL(s, "04");
  vn_pad2(13, s);
  CU_ASSERT_STRING_EQUAL(s, "13");
  vn_pad2(1200, s);
  CU_ASSERT_STRING_EQUAL(s, "1.200");
}

static void test_dates(void)
{
  char s[VN_DATE_MAX];

  vn_date(2026, 4, 1, s);
  CU_ASSERT_STRING_EQUAL(s, "01/04/2026");
  vn_date(2025, 12, 31, s);
  CU_ASSERT_STRING_EQUAL(s, "31/12/2025");
  /* Decree 30/2020: days below 10 and the months 1, 2 padded, others not */
  vn_date_doc(2026, 4, 1, s);
  CU_ASSERT_STRING_EQUAL(s, "01/4/2026");
  vn_date_doc(2026, 4, 30, s);
  CU_ASSERT_STRING_EQUAL(s, "30/4/2026");
  vn_date_doc(2023, 1, 10, s);
  CU_ASSERT_STRING_EQUAL(s, "10/01/2023");
  vn_date_doc(2023, 2, 5, s);
  CU_ASSERT_STRING_EQUAL(s, "05/02/2023");
  vn_date_doc(2025, 12, 9, s);
  CU_ASSERT_STRING_EQUAL(s, "09/12/2025");
  CU_ASSERT_STRING_EQUAL(vn_roman_quarter(3), "III");
  CU_ASSERT_STRING_EQUAL(vn_roman_quarter(4), "IV");
  CU_ASSERT_STRING_EQUAL(vn_roman_quarter(5), "");
}

/* Times are Vietnam local (UTC+7), whatever TZ says. */
static void test_times(void)
{
  char s[VN_TIME_MAX];
  int y, m, d, hh, mi;

  setenv("TZ", "America/New_York", 1);
  vn_time(time_from_utc(2026, 4, 30, 17, 0, 0), s);
  CU_ASSERT_STRING_EQUAL(s, "00:00 01/05/2026");
  vn_time(time_from_utc(2026, 4, 1, 4, 22, 59), s);
  CU_ASSERT_STRING_EQUAL(s, "11:22 01/04/2026");
  vn_time(time_from_utc(1969, 12, 31, 16, 59, 0), s);
  CU_ASSERT_STRING_EQUAL(s, "23:59 31/12/1969");
  vn_time(TTHC_TIME_NONE, s);
  CU_ASSERT_STRING_EQUAL(s, "");
  /* every day of 2024 at 20:30 UTC is the next local day at 03:30 */
  for (int k = 0; k < 366; k++) {
    tthc_time t = time_from_utc(2024, 1, 1, 20, 30, 0) + (tthc_time)k * 86400;

    vn_local_fields(t, &y, &m, &d, &hh, &mi);
    CU_ASSERT_EQUAL(time_from_local(y, m, d, hh, mi, 0), t);
    CU_ASSERT_EQUAL(hh, 3);
  }
  unsetenv("TZ");
}

static void test_upper_examples(void)
{
  char s[128];

  CU_ASSERT_EQUAL(vn_upper("Phường Thạch Khôi", s, sizeof s), VN_OK);
  CU_ASSERT_STRING_EQUAL(s, "PHƯỜNG THẠCH KHÔI");
  CU_ASSERT_EQUAL(vn_upper("Thành phố Hải Phòng", s, sizeof s), VN_OK);
  CU_ASSERT_STRING_EQUAL(s, "THÀNH PHỐ HẢI PHÒNG");
  CU_ASSERT_EQUAL(vn_upper("Xã Đồng Bộ, đặc khu Côn Đảo 2", s, sizeof s), VN_OK);
  CU_ASSERT_STRING_EQUAL(s, "XÃ ĐỒNG BỘ, ĐẶC KHU CÔN ĐẢO 2");
  CU_ASSERT_EQUAL(vn_lower_first("Phường Hạc Thành", s, sizeof s), VN_OK);
  CU_ASSERT_STRING_EQUAL(s, "phường Hạc Thành");
  CU_ASSERT_EQUAL(vn_lower_first("Đặc khu Phú Quốc", s, sizeof s), VN_OK);
  CU_ASSERT_STRING_EQUAL(s, "đặc khu Phú Quốc");
  CU_ASSERT_EQUAL(vn_upper("abc\xff", s, sizeof s), VN_INVALID_UTF8);
  CU_ASSERT_EQUAL(vn_upper("phường", s, 5), VN_TOO_LONG);
  CU_ASSERT_STRING_EQUAL(s, "PHƯ"); /* a cut, valid prefix */
}

/* Every letter Vietnamese writes, upper-cased as glibc's C.UTF-8 does:
 * the alphabet's 12 vowels with the five tones, đ, and the consonants. */
static void test_upper_against_libc(void)
{
  static const char *const bases[] = { "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y" };
  static const char *const tones[] = { "\xcc\x80", "\xcc\x81", "\xcc\x89", "\xcc\x83", "\xcc\xa3" };
  char in[16], out[16], want[16];
  wchar_t w[4];
  mbstate_t st;
  int checked = 0;

  if (!setlocale(LC_CTYPE, "C.UTF-8")) {
    CU_FAIL("no C.UTF-8 locale to compare with");
    return;
  }
  for (wchar_t c = 0x20; c < 0x1F00; c++) {
    int vietnamese = (c >= 'a' && c <= 'z') || c == 0x111 || c == 0x103 || c == 0x129 ||
                     c == 0x169 || c == 0x1A1 || c == 0x1B0 || (c >= 0xE0 && c <= 0xFD) ||
                     (c >= 0x1EA1 && c <= 0x1EF9);
    size_t n;

    if (!vietnamese || c == 0xF7)
      continue;
    memset(&st, 0, sizeof st);
    n = wcrtomb(in, c, &st);
    in[n] = '\0';
    memset(&st, 0, sizeof st);
    n = wcrtomb(want, (wchar_t)towupper((wint_t)c), &st);
    want[n] = '\0';
    CU_ASSERT_EQUAL_FATAL(vn_upper(in, out, sizeof out), VN_OK);
    CU_ASSERT_STRING_EQUAL(out, want);
    checked++;
  }
  CU_ASSERT_EQUAL(checked, 26 + 29 + 6 + 89); /* a-z, Latin-1, ă đ ĩ ũ ơ ư, ạ..ỹ */
  /* composed from a base and a combining tone: marks pass through */
  for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++)
    for (size_t t = 0; t < 5; t++) {
      snprintf(in, sizeof in, "%s%s", bases[b], tones[t]);
      CU_ASSERT_EQUAL(vn_upper(in, out, sizeof out), VN_OK);
      mbstowcs(w, out, 4);
      CU_ASSERT(iswupper((wint_t)w[0]));
      CU_ASSERT_EQUAL(vn_width(in), 1);
    }
  setlocale(LC_CTYPE, "C");
}

static void test_width(void)
{
  CU_ASSERT_EQUAL(vn_width(""), 0);
  CU_ASSERT_EQUAL(vn_width("Hộ tịch"), 7);
  CU_ASSERT_EQUAL(vn_width("Tổng cộng"), 9);
  CU_ASSERT_EQUAL(vn_width("≥ 60 %"), 6);
  CU_ASSERT_EQUAL(vn_width("a\xff"), 2);
}

static CU_TestInfo tests[] = {
  { "integers", test_int },
  { "integers, generated", test_int_generated },
  { "percentages and targets", test_percent },
  { "dates", test_dates },
  { "local times", test_times },
  { "capitals", test_upper_examples },
  { "capitals against libc", test_upper_against_libc },
  { "display width", test_width },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("report_vntext", tests)
