/* Record spans in a JSON page (transform/json_span.c): a value called
 * canonical prints back, through cJSON, to exactly its bytes (the content
 * hash depends on it), on fixed and on random values; the spans are the
 * list's elements, byte for byte; pages that do not look as expected give
 * no spans. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cunit_main.h"
#include "json_span.h"

static char *printed(const char *text)
{
  cJSON *v = cJSON_Parse(text);
  char *out = v ? cJSON_PrintUnformatted(v) : NULL;

  cJSON_Delete(v);
  return out;
}

/* canonical => cJSON prints it back unchanged */
static int sound(const char *text)
{
  char *p = printed(text);
  int ok = p && (!json_is_canonical(text, strlen(text)) || !strcmp(p, text));

  if (!ok)
    fprintf(stderr, "unsound: %s -> %s\n", text, p ? p : "(null)");
  cJSON_free(p);
  return ok;
}

static void test_fixed(void)
{
  static const char *const yes[] = {
    "{\"a\":1,\"b\":\"x\",\"c\":[true,false,null],\"d\":{},\"e\":[]}",
    "{\"s\":\"tab\\t q\\\" bs\\\\ nl\\n cr\\r bf\\b\\f\"}",
    "[-5,0,123456789,-987654321]",
    "{\"vi\":\"Đăng ký khai sinh\",\"k\":\"a/b\"}",
  };
  static const char *const no[] = {
    "{\"a\": 1}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":-0}", "{\"a\":\"\\/\"}",
    "{\"a\":1234567890}", "[01]", "{\"a\":\"\\u00e9\"}", " {\"a\":1}", "{\"a\":1}\n",
    "[1.0]", "[10E2]",
  };

  for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
    CU_ASSERT(json_is_canonical(yes[i], strlen(yes[i])));
    CU_ASSERT(sound(yes[i]));
  }
  for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++) {
    CU_ASSERT_FALSE(json_is_canonical(no[i], strlen(no[i])));
    CU_ASSERT(sound(no[i]));
  }
}

/* A random value in random spelling: spaces, escapes, numbers of every
 * kind, so both answers occur. */
static void random_value(char *out, size_t cap, size_t *n, int depth)
{
  static const char *const atoms[] = {
    "0", "-0", "7", "-42", "123456789", "1234567890", "1.5", "2e3", "true", "false", "null",
    "\"x\"", "\"a\\\"b\"", "\"\\/\"", "\"\\t\\n\"", "\"Hồ sơ\"", "\"\\\\\"", "\"\"", "00", "1.0",
  };
  int kind = depth > 3 ? 2 : rand() % 3;
  const char *sp = rand() % 8 ? "" : " ";

  if (*n + 64 >= cap)
    kind = 2;
  if (kind == 2) {
    const char *a = atoms[rand() % (sizeof(atoms) / sizeof(*atoms))];
    /* "00" is not JSON: spelled 0 */
    *n += (size_t)snprintf(out + *n, cap - *n, "%s", strcmp(a, "00") ? a : "0");
    return;
  }
  *n += (size_t)snprintf(out + *n, cap - *n, "%s%s", kind ? "[" : "{", sp);
  for (int i = 0, k = rand() % 4; i < k && *n + 64 < cap; i++) {
    if (i)
      *n += (size_t)snprintf(out + *n, cap - *n, ",%s", sp);
    if (!kind)
      *n += (size_t)snprintf(out + *n, cap - *n, "\"k%d\"%s:", rand() % 3, sp);
    random_value(out, cap, n, depth + 1);
  }
  *n += (size_t)snprintf(out + *n, cap - *n, "%s%s", sp, kind ? "]" : "}");
}

static void test_random(void)
{
  char buf[4096];
  int canonical = 0, unsound = 0;

  srand(11);
  for (int i = 0; i < 5000; i++) {
    size_t n = 0;
    random_value(buf, sizeof(buf), &n, 0);
    canonical += json_is_canonical(buf, n);
    unsound += !sound(buf);
  }
  CU_ASSERT_EQUAL(unsound, 0);
  CU_ASSERT(canonical > 500); /* both answers were tried */
  CU_ASSERT(canonical < 4500);
}

static void test_spans(void)
{
  const char *page = "{\"meta\":{\"result\":[9]},\"error_code\" : \"0\",\n \"result\" : [ "
                     "{\"a\":1} ,{\"b\":[1, 2]},\"s\",3 ], \"result\":[]}";
  struct json_span *s;
  long n = json_list_spans(page, strlen(page), "result", &s);

  CU_ASSERT_EQUAL_FATAL(n, 4);
  CU_ASSERT_EQUAL(s[0].len, 7);
  CU_ASSERT_NSTRING_EQUAL(page + s[0].start, "{\"a\":1}", 7);
  CU_ASSERT(s[0].canonical);
  CU_ASSERT_NSTRING_EQUAL(page + s[1].start, "{\"b\":[1, 2]}", s[1].len);
  CU_ASSERT_FALSE(s[1].canonical);
  CU_ASSERT_NSTRING_EQUAL(page + s[2].start, "\"s\"", s[2].len);
  CU_ASSERT_NSTRING_EQUAL(page + s[3].start, "3", s[3].len);
  free(s);

  n = json_list_spans("{\"result\":[]}", 13, "result", &s);
  CU_ASSERT_EQUAL(n, 0);
  free(s);
  CU_ASSERT_EQUAL(json_list_spans("\xEF\xBB\xBF{\"result\":[1]}", 17, "result", &s), -1);
  CU_ASSERT_EQUAL(json_list_spans("{\"res\\u0075lt\":[1]}", 19, "result", &s), -1);
  CU_ASSERT_EQUAL(json_list_spans("{\"result\":null}", 15, "result", &s), -1);
  CU_ASSERT_EQUAL(json_list_spans("{\"result\":[{\"a\":1}", 18, "result", &s), -1);
  CU_ASSERT_EQUAL(json_list_spans("{\"other\":[1]}", 13, "result", &s), -1);
}

/* The spans' canonical flag, found in the same pass as the span, is
 * json_is_canonical() of the span's bytes; the spans are the elements as
 * written. Strings long and short, with the bytes the scan stops at ('"',
 * a backslash, a control character) at every offset of an 8-byte word. */
static void test_scan_agrees(void)
{
  static const char *const strings[] = {
    "\"abcdefghijklmnopqrstuvwxyz\"",
    "\"abcdefg\\\"hijklmnop\"",
    "\"ab\tcdefghijklm\"",
    "\"abcdefghij\x01\"",
    "\"Đăng ký khai sinh tại UBND xã\"",
    "\"abcdefgh\\\\\"",
    "\"\\/abcdefghijk\"",
    "\"abcdefghijklmno\\n\"",
    "\"\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\"",
  };
  static char page[1 << 16];
  int canonical = 0, total = 0;

  srand(17);
  for (int round = 0; round < 400; round++) {
    size_t n = 0, starts[64], ends[64];
    int k = 1 + rand() % 40;
    struct json_span *sp;
    long got;

    n += (size_t)snprintf(page + n, sizeof(page) - n, "{\"status\":\"1\",\"value\":[");
    for (int i = 0; i < k; i++) {
      if (i)
        page[n++] = ',';
      starts[i] = n;
      if (rand() % 2) {
        random_value(page, sizeof(page) - 512, &n, 0);
      } else { /* an object of strings, a pad shifting them in the word */
        n += (size_t)snprintf(page + n, sizeof(page) - n, "{\"%.*s\":%s,\"k\":%s}", rand() % 9,
                              "pppppppp", strings[rand() % (sizeof(strings) / sizeof(*strings))],
                              strings[rand() % (sizeof(strings) / sizeof(*strings))]);
      }
      ends[i] = n;
    }
    n += (size_t)snprintf(page + n, sizeof(page) - n, "]}");
    got = json_list_spans(page, n, "value", &sp);
    CU_ASSERT_EQUAL_FATAL(got, k);
    for (int i = 0; i < k; i++) {
      CU_ASSERT_EQUAL(sp[i].start, starts[i]);
      CU_ASSERT_EQUAL(sp[i].len, ends[i] - starts[i]);
      CU_ASSERT_EQUAL(sp[i].canonical, json_is_canonical(page + starts[i], ends[i] - starts[i]));
      canonical += sp[i].canonical;
      total++;
    }
    free(sp);
  }
  CU_ASSERT(canonical > total / 10); /* both answers were tried */
  CU_ASSERT(canonical < total - total / 10);
}

static CU_TestInfo tests[] = {
  { "fixed values: canonical ones print back unchanged", test_fixed },
  { "random values: canonical implies cJSON prints it back", test_random },
  { "the list's elements, byte for byte", test_spans },
  { "spans: the flag found in the scan is json_is_canonical's", test_scan_agrees },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("json_span", tests)
