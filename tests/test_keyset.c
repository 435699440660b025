/* The run's set of record keys. */
#include "cunit_main.h"
#include "keyset.h"

static void test_add(void)
{
  struct keyset s;
  int dup = 0;

  keyset_init(&s, 100000);
  for (uint64_t i = 0; i < 50000; i++)
    CU_ASSERT_EQUAL(
      keyset_add(&s, keyset_hash(keyset_hash(0, "src"), (char[]){ (char)('a' + i % 26), 0 }) + i),
      1);
  for (uint64_t i = 0; i < 50000; i += 7)
    dup += keyset_add(&s, keyset_hash(keyset_hash(0, "src"), (char[]){ (char)('a' + i % 26), 0 }) +
                            i) == 0;
  CU_ASSERT_EQUAL(dup, 7143);
  CU_ASSERT_EQUAL(s.len, 50000);
  CU_ASSERT_EQUAL(keyset_add(&s, 0), 1); /* 0 is a key too */
  CU_ASSERT_EQUAL(keyset_add(&s, 0), 0);
  keyset_release(&s);
}

static void test_cap_and_hash(void)
{
  struct keyset s;

  keyset_init(&s, 3);
  CU_ASSERT_EQUAL(keyset_add(&s, 10), 1);
  CU_ASSERT_EQUAL(keyset_add(&s, 11), 1);
  CU_ASSERT_EQUAL(keyset_add(&s, 12), 1);
  CU_ASSERT_EQUAL(keyset_add(&s, 13), -1); /* bounded */
  keyset_release(&s);
  CU_ASSERT_NOT_EQUAL(keyset_hash(keyset_hash(0, "ab"), "c"),
                      keyset_hash(keyset_hash(0, "a"), "bc"));
  CU_ASSERT_EQUAL(keyset_hash(0, "x"), keyset_hash(0, "x"));
}

static CU_TestInfo tests[] = {
  { "add and find", test_add },
  { "bounded; hashing separates parts", test_cap_and_hash },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("keyset", tests)
