#include "cunit_main.h"
#include <string.h>

#include "codes.h"

static void test_normalise_basic(void)
{
  char d[32];

  CU_ASSERT_EQUAL(code_normalise("abc", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "ABC");
  CU_ASSERT_EQUAL(code_normalise("  1.000_00 h31 \r\n", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "1.000-00H31");
  CU_ASSERT_EQUAL(code_normalise("a\tb c", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "ABC");
  CU_ASSERT_EQUAL(code_normalise("x_y-z", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "X-Y-Z");
  /* NBSP anywhere is dropped */
  CU_ASSERT_EQUAL(code_normalise("\xC2\xA0"
                                 "ab\xC2\xA0"
                                 "cd\xC2\xA0",
                                 d, sizeof d),
                  CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "ABCD");
  /* non-ASCII letters are kept, not case-mapped */
  CU_ASSERT_EQUAL(code_normalise("đ1", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "đ1");
}

static void test_normalise_equivalence(void)
{
  char a[32], b[32];

  CU_ASSERT_EQUAL(code_normalise(" 000.00.00_h31", a, sizeof a), CODE_OK);
  CU_ASSERT_EQUAL(code_normalise("000.00.00-H31 ", b, sizeof b), CODE_OK);
  CU_ASSERT_STRING_EQUAL(a, b);
}

static void test_normalise_errors(void)
{
  char d[4];

  strcpy(d, "zz");
  CU_ASSERT_EQUAL(code_normalise(NULL, d, sizeof d), CODE_ABSENT);
  CU_ASSERT_STRING_EQUAL(d, "");
  CU_ASSERT_EQUAL(code_normalise("", d, sizeof d), CODE_ABSENT);
  CU_ASSERT_EQUAL(code_normalise(" \t\xC2\xA0 ", d, sizeof d), CODE_ABSENT);
  /* exactly fits: 3 chars + NUL */
  CU_ASSERT_EQUAL(code_normalise(" a b c ", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "ABC");
  CU_ASSERT_EQUAL(code_normalise("abcd", d, sizeof d), CODE_TOO_LONG);
  CU_ASSERT_STRING_EQUAL(d, "");
  CU_ASSERT_EQUAL(code_normalise("a", d, 1), CODE_TOO_LONG);
  CU_ASSERT_EQUAL(code_normalise("a\nb", d, sizeof d), CODE_INVALID);
  CU_ASSERT_EQUAL(code_normalise("a\x7f", d, sizeof d), CODE_INVALID);
  CU_ASSERT_EQUAL(code_normalise("a\x01", d, sizeof d), CODE_INVALID);
  CU_ASSERT_EQUAL(code_normalise("a\xC2\x85", d, sizeof d), CODE_INVALID); /* C1 NEL */
  CU_ASSERT_EQUAL(code_normalise("a\xC3", d, sizeof d), CODE_INVALID);
  CU_ASSERT_EQUAL(code_normalise("\xC0\xAF", d, sizeof d), CODE_INVALID);
  CU_ASSERT_STRING_EQUAL(d, "");
}

static void test_commune(void)
{
  CU_ASSERT_TRUE(commune_code_valid("11002"));
  CU_ASSERT_TRUE(commune_code_valid("00000"));
  CU_ASSERT_FALSE(commune_code_valid(NULL));
  CU_ASSERT_FALSE(commune_code_valid(""));
  CU_ASSERT_FALSE(commune_code_valid("1100"));
  CU_ASSERT_FALSE(commune_code_valid("110020"));
  CU_ASSERT_FALSE(commune_code_valid(" 11002"));
  CU_ASSERT_FALSE(commune_code_valid("11002 "));
  CU_ASSERT_FALSE(commune_code_valid("1100a"));
  CU_ASSERT_FALSE(commune_code_valid("-1100"));
  CU_ASSERT_FALSE(commune_code_valid("+1100"));
}

static void test_scalar(void)
{
  char d[8];

  CU_ASSERT_EQUAL(scalar_code("2", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "2");
  CU_ASSERT_EQUAL(scalar_code(" 02 ", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "2");
  CU_ASSERT_EQUAL(scalar_code("0", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "0");
  CU_ASSERT_EQUAL(scalar_code("000", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "0");
  CU_ASSERT_EQUAL(scalar_code("0100", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "100");
  CU_ASSERT_EQUAL(scalar_code("00000001234567", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "1234567");
  CU_ASSERT_EQUAL(scalar_code("12345678", d, sizeof d), CODE_TOO_LONG);
  /* not all digits: ordinary code normalisation */
  CU_ASSERT_EQUAL(scalar_code(" 0a_b ", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "0A-B");
  CU_ASSERT_EQUAL(scalar_code("-02", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "-02");
  CU_ASSERT_EQUAL(scalar_code("0 2", d, sizeof d), CODE_OK);
  CU_ASSERT_STRING_EQUAL(d, "2"); /* a number once its inner blank is gone */
  CU_ASSERT_EQUAL(scalar_code(NULL, d, sizeof d), CODE_ABSENT);
  CU_ASSERT_EQUAL(scalar_code("   ", d, sizeof d), CODE_ABSENT);
  CU_ASSERT_EQUAL(scalar_code("1\x02", d, sizeof d), CODE_INVALID);
}

/* Found by tests/fuzz/fuzz_codes.c: "06401 5" gave "064015", which gave
 * "64015": two spellings of one code that never compared equal. */
static void test_scalar_idempotent(void)
{
  static const char *const cases[] = { "06401 5",
                                       "0 2",
                                       " 0 0 7",
                                       "00 10a",
                                       "1 000",
                                       "0\xc2\xa0"
                                       "1" };

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char once[32], twice[32];

    CU_ASSERT_EQUAL_FATAL(scalar_code(cases[i], once, sizeof once), CODE_OK);
    CU_ASSERT_EQUAL(scalar_code(once, twice, sizeof twice), CODE_OK);
    CU_ASSERT_STRING_EQUAL(once, twice);
  }
  {
    char d[8];
    CU_ASSERT_EQUAL(scalar_code("06401 5", d, sizeof d), CODE_OK);
    CU_ASSERT_STRING_EQUAL(d, "64015");
  }
}

static void test_strerror(void)
{
  CU_ASSERT_STRING_EQUAL(code_strerror(CODE_OK), "no error");
  CU_ASSERT_PTR_NOT_NULL(strstr(code_strerror(CODE_TOO_LONG), "long"));
  CU_ASSERT_PTR_NOT_NULL(strstr(code_strerror(CODE_ABSENT), "absent"));
  CU_ASSERT_PTR_NOT_NULL(strstr(code_strerror(CODE_INVALID), "UTF-8"));
}

static CU_TestInfo tests[] = {
  { "normalise basic", test_normalise_basic },
  { "equivalence", test_normalise_equivalence },
  { "normalise errors", test_normalise_errors },
  { "commune", test_commune },
  { "scalar", test_scalar },
  { "scalar: normalising twice changes nothing", test_scalar_idempotent },
  { "strerror", test_strerror },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("codes", tests)
