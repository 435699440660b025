#include "cunit_main.h"
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define V(s) utf8_valid((s), sizeof(s) - 1)

static void test_utf8_valid(void)
{
  CU_ASSERT_TRUE(utf8_valid(NULL, 0));
  CU_ASSERT_TRUE(V(""));
  CU_ASSERT_TRUE(V("plain ascii"));
  CU_ASSERT_TRUE(V("Thủ tục hành chính"));
  CU_ASSERT_TRUE(V("\xC2\x80"));         /* U+0080 */
  CU_ASSERT_TRUE(V("\xDF\xBF"));         /* U+07FF */
  CU_ASSERT_TRUE(V("\xE0\xA0\x80"));     /* U+0800 */
  CU_ASSERT_TRUE(V("\xED\x9F\xBF"));     /* U+D7FF */
  CU_ASSERT_TRUE(V("\xEE\x80\x80"));     /* U+E000 */
  CU_ASSERT_TRUE(V("\xEF\xBF\xBF"));     /* U+FFFF */
  CU_ASSERT_TRUE(V("\xF0\x90\x80\x80")); /* U+10000 */
  CU_ASSERT_TRUE(V("\xF4\x8F\xBF\xBF")); /* U+10FFFF */
  CU_ASSERT_TRUE(V("a\0b"));             /* NUL is valid */

  CU_ASSERT_FALSE(V("\x80")); /* lone continuation */
  CU_ASSERT_FALSE(V("\xBF"));
  CU_ASSERT_FALSE(V("\xC0\x80"));         /* overlong NUL */
  CU_ASSERT_FALSE(V("\xC1\xBF"));         /* overlong */
  CU_ASSERT_FALSE(V("\xE0\x80\x80"));     /* overlong */
  CU_ASSERT_FALSE(V("\xE0\x9F\xBF"));     /* overlong */
  CU_ASSERT_FALSE(V("\xF0\x8F\xBF\xBF")); /* overlong */
  CU_ASSERT_FALSE(V("\xED\xA0\x80"));     /* U+D800 */
  CU_ASSERT_FALSE(V("\xED\xBF\xBF"));     /* U+DFFF */
  CU_ASSERT_FALSE(V("\xF4\x90\x80\x80")); /* U+110000 */
  CU_ASSERT_FALSE(V("\xF5\x80\x80\x80"));
  CU_ASSERT_FALSE(V("\xFF"));
  CU_ASSERT_FALSE(V("\xC3"));         /* truncated */
  CU_ASSERT_FALSE(V("\xE1\x80"));     /* truncated */
  CU_ASSERT_FALSE(V("\xF0\x90\x80")); /* truncated */
  CU_ASSERT_FALSE(V("\xC3\x41"));     /* bad continuation */
  /* len bounds the scan: the truncated sequence is never read */
  CU_ASSERT_TRUE(utf8_valid("ab\xC3\xA1", 2));
  CU_ASSERT_FALSE(utf8_valid("ab\xC3\xA1", 3));
}

static void test_clean_ok(void)
{
  char *o = NULL;

  CU_ASSERT_EQUAL(text_clean("  hello  ", 100, &o), TEXT_OK);
  CU_ASSERT_STRING_EQUAL(o, "hello");
  free(o);
  CU_ASSERT_EQUAL(text_clean("a\r\nb\tc", 100, &o), TEXT_OK);
  CU_ASSERT_STRING_EQUAL(o, "a b c");
  free(o);
  CU_ASSERT_EQUAL(text_clean("a \r\n b", 100, &o), TEXT_OK);
  CU_ASSERT_STRING_EQUAL(o, "a b");
  free(o);
  /* plain multiple spaces are content, kept */
  CU_ASSERT_EQUAL(text_clean("a  b", 100, &o), TEXT_OK);
  CU_ASSERT_STRING_EQUAL(o, "a  b");
  free(o);
  CU_ASSERT_EQUAL(text_clean("a\x01\x7f"
                             "b",
                             100, &o),
                  TEXT_OK);
  CU_ASSERT_STRING_EQUAL(o, "a b");
  free(o);
  CU_ASSERT_EQUAL(text_clean("\n\tĐăng ký\n", 100, &o), TEXT_OK);
  CU_ASSERT_STRING_EQUAL(o, "Đăng ký");
  free(o);
  /* exactly max_bytes is not truncated */
  CU_ASSERT_EQUAL(text_clean("abc", 3, &o), TEXT_OK);
  CU_ASSERT_STRING_EQUAL(o, "abc");
  free(o);
}

static void test_clean_errors(void)
{
  char *o = (char *)1;

  CU_ASSERT_EQUAL(text_clean(NULL, 10, &o), TEXT_ABSENT);
  CU_ASSERT_PTR_NULL(o);
  o = (char *)1;
  CU_ASSERT_EQUAL(text_clean(" \t\r\n ", 10, &o), TEXT_ABSENT);
  CU_ASSERT_PTR_NULL(o);
  o = (char *)1;
  CU_ASSERT_EQUAL(text_clean("", 10, &o), TEXT_ABSENT);
  CU_ASSERT_PTR_NULL(o);
  o = (char *)1;
  CU_ASSERT_EQUAL(text_clean("ok\xC3(", 10, &o), TEXT_INVALID_UTF8);
  CU_ASSERT_PTR_NULL(o);
  o = (char *)1;
  CU_ASSERT_EQUAL(text_clean("\xED\xA0\x80", 10, &o), TEXT_INVALID_UTF8);
  CU_ASSERT_PTR_NULL(o);
}

static void test_clean_truncate(void)
{
  char *o = NULL;

  CU_ASSERT_EQUAL(text_clean("abcdef", 4, &o), TEXT_TRUNCATED);
  CU_ASSERT_STRING_EQUAL(o, "abcd");
  free(o);
  /* "ạ" is 3 bytes (E1 BA A1): never split */
  CU_ASSERT_EQUAL(text_clean("aạb", 3, &o), TEXT_TRUNCATED);
  CU_ASSERT_STRING_EQUAL(o, "a");
  free(o);
  CU_ASSERT_EQUAL(text_clean("aạb", 4, &o), TEXT_TRUNCATED);
  CU_ASSERT_STRING_EQUAL(o, "aạ");
  free(o);
  CU_ASSERT_EQUAL(text_clean("\xF0\x9F\x98\x80x", 2, &o), TEXT_TRUNCATED);
  CU_ASSERT_STRING_EQUAL(o, "");
  free(o);
  /* no trailing blank after the cut */
  CU_ASSERT_EQUAL(text_clean("ab  cd", 4, &o), TEXT_TRUNCATED);
  CU_ASSERT_STRING_EQUAL(o, "ab");
  free(o);
  CU_ASSERT_EQUAL(text_clean("abc", 0, &o), TEXT_TRUNCATED);
  CU_ASSERT_STRING_EQUAL(o, "");
  free(o);
}

static void test_copy_escape(void)
{
  struct dynbuf b;

  dynbuf_init(&b, 100);
  CU_ASSERT_EQUAL(text_copy_escape(&b, "a\\b\tc\nd\re"), DYNBUF_OK);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "a\\\\b\\tc\\nd\\re");
  dynbuf_reset(&b);
  CU_ASSERT_EQUAL(text_copy_escape(&b, NULL), DYNBUF_OK);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "\\N");
  dynbuf_reset(&b);
  CU_ASSERT_EQUAL(text_copy_escape(&b, ""), DYNBUF_OK);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "");
  CU_ASSERT_EQUAL(text_copy_escape(&b, "\\N"), DYNBUF_OK);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "\\\\N");
  dynbuf_reset(&b);
  CU_ASSERT_EQUAL(text_copy_escape(&b, "Hà Nội"), DYNBUF_OK);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "Hà Nội");
  dynbuf_release(&b);

  /* on overflow the buffer is unchanged, not half-escaped */
  dynbuf_init(&b, 8);
  CU_ASSERT_EQUAL(dynbuf_addstr(&b, "x\t"), DYNBUF_OK);
  CU_ASSERT_EQUAL(text_copy_escape(&b, "ab\n\n"), DYNBUF_TOO_BIG);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "x\t");
  CU_ASSERT_EQUAL(text_copy_escape(&b, "ab\n"), DYNBUF_OK);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "x\tab\\n");
  dynbuf_release(&b);
}

static void test_strerror(void)
{
  CU_ASSERT_STRING_EQUAL(text_strerror(TEXT_OK), "no error");
  CU_ASSERT_PTR_NOT_NULL(strstr(text_strerror(TEXT_INVALID_UTF8), "UTF-8"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text_strerror(TEXT_TRUNCATED), "truncated"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text_strerror(TEXT_ABSENT), "absent"));
}

static CU_TestInfo tests[] = {
  { "utf8_valid", test_utf8_valid },
  { "clean ok", test_clean_ok },
  { "clean errors", test_clean_errors },
  { "clean truncate", test_clean_truncate },
  { "text_copy_escape", test_copy_escape },
  { "strerror", test_strerror },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("text", tests)
