/* Rejected records keep their raw text, stored safely. */
#include <string.h>

#include "cunit_main.h"
#include "quarantine.h"
#include "text.h"

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

/* Every column of a reject row is text PostgreSQL accepts, whatever a
 * source sent: a reason quotes the bad value (cut at a byte count, maybe
 * inside a character), a field can be a member name from the data. A row
 * that is not UTF-8 made the whole COPY, and so the load, fail. */
static void test_row_columns_are_utf8(void)
{
  struct dynbuf line;
  /* "…é" cut after its first byte, a C0 80 mark, a Latin-1 byte */
  const char *reason = "not a valid code: \"ab\xc3\"";

  dynbuf_init(&line, 1 << 20);
  CU_ASSERT_EQUAL(
    quarantine_row(&line, "src", "portal", "11002", "run/p#1", "Ten\xC0\x80x", reason, "{}", 2),
    DYNBUF_OK);
  CU_ASSERT_TRUE(utf8_valid(dynbuf_ptr(&line), dynbuf_len(&line)));
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&line), "src\tportal\t11002\trun/p#1\tTen\\\\xC0\\\\x80x\t"
                                            "not a valid code: \"ab\\\\xC3\"\t{}\n");
  dynbuf_release(&line);
}

static CU_TestInfo tests[] = {
  { "raw text made storable", test_text },
  { "COPY row", test_row },
  { "every column is UTF-8", test_row_columns_are_utf8 },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("quarantine", tests)
