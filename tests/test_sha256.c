#include "cunit_main.h"
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

static void test_empty(void)
{
  char h[65];

  CU_ASSERT_EQUAL(sha256_hex("", 0, h), 0);
  CU_ASSERT_STRING_EQUAL(h, "e3b0c44298fc1c149afbf4c8996fb924"
                            "27ae41e4649b934ca495991b7852b855");
  CU_ASSERT_EQUAL(sha256_hex(NULL, 0, h), 0);
  CU_ASSERT_STRING_EQUAL(h, "e3b0c44298fc1c149afbf4c8996fb924"
                            "27ae41e4649b934ca495991b7852b855");
}

static void test_abc(void)
{
  char h[65];
  uint8_t d[32];

  CU_ASSERT_EQUAL(sha256_hex("abc", 3, h), 0);
  CU_ASSERT_STRING_EQUAL(h, "ba7816bf8f01cfea414140de5dae2223"
                            "b00361a396177a9cb410ff61f20015ad");
  CU_ASSERT_EQUAL(sha256("abc", 3, d), 0);
  CU_ASSERT_EQUAL(d[0], 0xba);
  CU_ASSERT_EQUAL(d[31], 0xad);
}

static void test_448(void)
{
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  char h[65];

  CU_ASSERT_EQUAL(sha256_hex(m, strlen(m), h), 0);
  CU_ASSERT_STRING_EQUAL(h, "248d6a61d20638b8e5c026930c3e6039"
                            "a33ce45964ff2167f6ecedd419db06c1");
}

static void test_896(void)
{
  const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
  char h[65];

  CU_ASSERT_EQUAL(sha256_hex(m, strlen(m), h), 0);
  CU_ASSERT_STRING_EQUAL(h, "cf5b16a778af8380036ce59e7b049237"
                            "0b249b11e8f07a51afac45037afee9d1");
}

static void test_million_a(void)
{
  char *m = malloc(1000000);
  char h[65];
  uint8_t d[32];
  struct sha256_ctx ctx;

  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  memset(m, 'a', 1000000);
  CU_ASSERT_EQUAL(sha256_hex(m, 1000000, h), 0);
  CU_ASSERT_STRING_EQUAL(h, "cdc76e5c9914fb9281a1c7e284d73e67"
                            "f1809a48a497200e046d39ccc7112cd0");
  /* streaming in odd chunk sizes must agree */
  CU_ASSERT_EQUAL(sha256_init(&ctx), 0);
  for (size_t off = 0; off < 1000000;) {
    size_t n = (off % 7) * 13 + 1;

    if (n > 1000000 - off)
      n = 1000000 - off;
    sha256_update(&ctx, m + off, n);
    off += n;
  }
  CU_ASSERT_EQUAL(sha256_final(&ctx, d), 0);
  sha256_to_hex(d, h);
  CU_ASSERT_STRING_EQUAL(h, "cdc76e5c9914fb9281a1c7e284d73e67"
                            "f1809a48a497200e046d39ccc7112cd0");
  free(m);
}

static void test_boundaries(void)
{
  /* lengths around the 55/56/64 padding edges: stream == one-shot */
  char buf[130], h1[65], h2[65];
  uint8_t d[32];
  struct sha256_ctx ctx;
  int ok = 1;

  memset(buf, 'x', sizeof buf);
  for (size_t len = 0; len <= sizeof buf; len++) {
    CU_ASSERT_EQUAL(sha256_hex(buf, len, h1), 0);
    CU_ASSERT_EQUAL(sha256_init(&ctx), 0);
    for (size_t i = 0; i < len; i++)
      sha256_update(&ctx, buf + i, 1);
    CU_ASSERT_EQUAL(sha256_final(&ctx, d), 0);
    sha256_to_hex(d, h2);
    if (strcmp(h1, h2) != 0)
      ok = 0;
  }
  CU_ASSERT(ok);
  /* 55 'a': known digest of the longest single-block message */
  memset(buf, 'a', 55);
  CU_ASSERT_EQUAL(sha256_hex(buf, 55, h1), 0);
  CU_ASSERT_STRING_EQUAL(h1, "9f4390f8d30c2dd92ec9f095b65e2b9a"
                             "e9b0a925a5258e241c9f1e910f734318");
}

static CU_TestInfo tests[] = {
  { "empty", test_empty },
  { "abc", test_abc },
  { "448-bit", test_448 },
  { "896-bit", test_896 },
  { "million a", test_million_a },
  { "boundaries", test_boundaries },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("sha256", tests)
