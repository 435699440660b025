/* Rejected records keep their raw text, stored safely. */
#include <string.h>

#include "cunit_main.h"
#include "quarantine.h"

static void test_text(void)
{
  struct dynbuf b;

  dynbuf_init(&b, 1 << 16);
  CU_ASSERT_EQUAL(quarantine_text(&b, "ok \xc3\xa9 \xff\x00z", 9, 100), 0);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "ok \xc3\xa9 \\xFF\\x00z");
  dynbuf_reset(&b);
  CU_ASSERT_EQUAL(quarantine_text(&b, "abcdef", 6, 3), 1);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "abc");
  dynbuf_release(&b);
}

static void test_row(void)
{
  struct dynbuf line;
  const char *raw = "{\"MaHoSo\":\"A\tB\"}\n";

  dynbuf_init(&line, 1 << 20);
  CU_ASSERT_EQUAL(quarantine_row(&line, "src", "portal", "11002", "run/p#3", "MaHoSo",
                                 "missing dossier code", raw, strlen(raw)),
                  DYNBUF_OK);
  CU_ASSERT_STRING_EQUAL(
    dynbuf_ptr(&line),
    "src\tportal\t11002\trun/p#3\tMaHoSo\tmissing dossier code\t{\"MaHoSo\":\"A\\tB\"}\\n\n");
  CU_ASSERT_EQUAL(quarantine_row(&line, "src", "portal", NULL, "run/p", NULL, "r", "x", 1),
                  DYNBUF_OK);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&line), "src\tportal\t\\N\trun/p\t\\N\tr\tx\n");
  dynbuf_release(&line);
}

static CU_TestInfo tests[] = {
  { "raw text made storable", test_text },
  { "COPY row", test_row },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("quarantine", tests)
