#include "cunit_main.h"
#include <stdlib.h>
#include <string.h>

#include "dynbuf.h"

static void test_init_empty(void)
{
  struct dynbuf b;

  dynbuf_init(&b, 100);
  CU_ASSERT_PTR_NULL(b.buf);
  CU_ASSERT_PTR_NOT_NULL(dynbuf_ptr(&b));
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "");
  CU_ASSERT_EQUAL(dynbuf_len(&b), 0);
  dynbuf_release(&b);
  CU_ASSERT_EQUAL(b.max, 100);
}

static void test_add_and_nul(void)
{
  struct dynbuf b;

  dynbuf_init(&b, 1000);
  CU_ASSERT_EQUAL(dynbuf_add(&b, "abc", 3), DYNBUF_OK);
  CU_ASSERT_EQUAL(dynbuf_addstr(&b, "def"), DYNBUF_OK);
  CU_ASSERT_EQUAL(dynbuf_addc(&b, 'g'), DYNBUF_OK);
  CU_ASSERT_EQUAL(dynbuf_len(&b), 7);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "abcdefg");
  CU_ASSERT_EQUAL(b.buf[b.len], '\0');
  /* embedded NUL counted in len */
  CU_ASSERT_EQUAL(dynbuf_add(&b, "x\0y", 3), DYNBUF_OK);
  CU_ASSERT_EQUAL(dynbuf_len(&b), 10);
  CU_ASSERT_EQUAL(memcmp(dynbuf_ptr(&b) + 7, "x\0y\0", 4), 0);
  /* zero-length add with NULL is allowed */
  CU_ASSERT_EQUAL(dynbuf_add(&b, NULL, 0), DYNBUF_OK);
  CU_ASSERT_EQUAL(dynbuf_len(&b), 10);
  dynbuf_release(&b);
  CU_ASSERT_PTR_NULL(b.buf);
  CU_ASSERT_EQUAL(b.len, 0);
}

static void test_max_exact(void)
{
  struct dynbuf b;

  /* max 4: three content bytes + NUL fit, four do not */
  dynbuf_init(&b, 4);
  CU_ASSERT_EQUAL(dynbuf_addstr(&b, "abc"), DYNBUF_OK);
  CU_ASSERT_EQUAL(dynbuf_addc(&b, 'd'), DYNBUF_TOO_BIG);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "abc");
  CU_ASSERT_EQUAL(dynbuf_len(&b), 3);
  CU_ASSERT(b.alloc <= 4);
  dynbuf_reset(&b);
  CU_ASSERT_EQUAL(dynbuf_addstr(&b, "abcd"), DYNBUF_TOO_BIG);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "");
  dynbuf_release(&b);
}

static void test_max_zero_and_one(void)
{
  struct dynbuf b;

  dynbuf_init(&b, 0);
  CU_ASSERT_EQUAL(dynbuf_add(&b, "", 0), DYNBUF_TOO_BIG);
  dynbuf_release(&b);
  dynbuf_init(&b, 1);
  CU_ASSERT_EQUAL(dynbuf_add(&b, "", 0), DYNBUF_OK);
  CU_ASSERT_EQUAL(dynbuf_addc(&b, 'a'), DYNBUF_TOO_BIG);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "");
  dynbuf_release(&b);
}

static void test_huge_len_no_overflow(void)
{
  struct dynbuf b;

  dynbuf_init(&b, (size_t)-1);
  CU_ASSERT_EQUAL(dynbuf_addstr(&b, "ab"), DYNBUF_OK);
  /* len + SIZE_MAX must not wrap around into a small allocation */
  CU_ASSERT_EQUAL(dynbuf_add(&b, "x", (size_t)-1), DYNBUF_TOO_BIG);
  CU_ASSERT_EQUAL(dynbuf_add(&b, "x", (size_t)-2), DYNBUF_TOO_BIG);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "ab");
  dynbuf_release(&b);
}

static void test_grow_many(void)
{
  struct dynbuf b;
  size_t i;
  int ok = 1;

  dynbuf_init(&b, 100001);
  for (i = 0; i < 100000; i++)
    if (dynbuf_addc(&b, (char)('a' + i % 26)) != DYNBUF_OK)
      ok = 0;
  CU_ASSERT(ok);
  CU_ASSERT_EQUAL(dynbuf_len(&b), 100000);
  CU_ASSERT_EQUAL(b.alloc, 100001);
  CU_ASSERT_EQUAL(dynbuf_ptr(&b)[99999], (char)('a' + 99999 % 26));
  CU_ASSERT_EQUAL(dynbuf_addc(&b, 'x'), DYNBUF_TOO_BIG);
  dynbuf_release(&b);
}

static void test_printf(void)
{
  struct dynbuf b;

  dynbuf_init(&b, 20);
  CU_ASSERT_EQUAL(dynbuf_printf(&b, "%d-%s", 42, "ab"), DYNBUF_OK);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "42-ab");
  CU_ASSERT_EQUAL(dynbuf_printf(&b, "%s", "0123456789abcd"), DYNBUF_OK);
  CU_ASSERT_EQUAL(dynbuf_len(&b), 19);
  CU_ASSERT_EQUAL(dynbuf_printf(&b, "%c", 'z'), DYNBUF_TOO_BIG);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "42-ab0123456789abcd");
  dynbuf_reset(&b);
  CU_ASSERT_EQUAL(dynbuf_printf(&b, "%s", ""), DYNBUF_OK);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "");
  dynbuf_release(&b);
}

static void test_reset_keeps_memory(void)
{
  struct dynbuf b;
  char *p;

  dynbuf_init(&b, 100);
  CU_ASSERT_EQUAL(dynbuf_addstr(&b, "hello"), DYNBUF_OK);
  p = b.buf;
  dynbuf_reset(&b);
  CU_ASSERT_EQUAL(dynbuf_len(&b), 0);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "");
  CU_ASSERT_PTR_EQUAL(b.buf, p);
  CU_ASSERT_EQUAL(dynbuf_addstr(&b, "x"), DYNBUF_OK);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "x");
  dynbuf_release(&b);
}

static void test_detach(void)
{
  struct dynbuf b;
  char *s;

  dynbuf_init(&b, 50);
  s = dynbuf_detach(&b);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_STRING_EQUAL(s, "");
  free(s);
  CU_ASSERT_EQUAL(dynbuf_addstr(&b, "keep"), DYNBUF_OK);
  s = dynbuf_detach(&b);
  CU_ASSERT_STRING_EQUAL(s, "keep");
  CU_ASSERT_PTR_NULL(b.buf);
  CU_ASSERT_EQUAL(b.len, 0);
  CU_ASSERT_EQUAL(b.max, 50);
  free(s);
  dynbuf_release(&b);
}

static void test_truncate(void)
{
  struct dynbuf b;

  dynbuf_init(&b, 50);
  CU_ASSERT_EQUAL(dynbuf_addstr(&b, "abcdef"), DYNBUF_OK);
  dynbuf_truncate(&b, 10);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "abcdef");
  dynbuf_truncate(&b, 2);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "ab");
  CU_ASSERT_EQUAL(dynbuf_len(&b), 2);
  dynbuf_release(&b);
}

static void test_strerror(void)
{
  CU_ASSERT_STRING_EQUAL(dynbuf_strerror(DYNBUF_OK), "no error");
  CU_ASSERT_PTR_NOT_NULL(strstr(dynbuf_strerror(DYNBUF_TOO_BIG), "limit"));
  CU_ASSERT_PTR_NOT_NULL(strstr(dynbuf_strerror(DYNBUF_NOMEM), "memory"));
  CU_ASSERT_PTR_NOT_NULL(dynbuf_strerror((dynbuf_result)99));
}

static CU_TestInfo tests[] = {
  { "init empty", test_init_empty },
  { "add and NUL", test_add_and_nul },
  { "max exact", test_max_exact },
  { "max zero and one", test_max_zero_and_one },
  { "huge len", test_huge_len_no_overflow },
  { "grow many", test_grow_many },
  { "printf", test_printf },
  { "reset", test_reset_keeps_memory },
  { "detach", test_detach },
  { "truncate", test_truncate },
  { "strerror", test_strerror },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("dynbuf", tests)
