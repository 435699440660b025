/* jsontext: what cJSON alone loses (NUL, lone surrogates, long integers)
 * is kept visible, and nothing else changes. */
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "jsontext.h"

static cJSON *parse(const char *s, size_t len)
{
  return json_parse_exact(s, len, NULL);
}

static const char *str(const cJSON *doc, const char *key)
{
  return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, key));
}

static void test_nul_marked(void)
{
  static const char raw[] =
    "{\"a\":\"x\\u0000y\",\"b\":\"p\0q\",\"c\":\"\\\\u0000\",\"d\\u0000\":1}";
  cJSON *doc = parse(raw, sizeof(raw) - 1);
  json_text_flaw_kind k;

  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  CU_ASSERT_STRING_EQUAL(str(doc, "a"), "x\xC0\x80y");
  CU_ASSERT_STRING_EQUAL(str(doc, "b"), "p\xC0\x80q");
  CU_ASSERT_STRING_EQUAL(str(doc, "c"), "\\u0000"); /* an escaped backslash: text */
  CU_ASSERT_EQUAL(json_text_flaw(str(doc, "a")), JSON_TEXT_NUL);
  CU_ASSERT_EQUAL(json_text_flaw(str(doc, "c")), JSON_TEXT_CLEAN);
  CU_ASSERT_STRING_EQUAL(json_find_flaw(doc, &k), "a");
  CU_ASSERT_EQUAL(k, JSON_TEXT_NUL);
  cJSON_Delete(doc);
}

static void test_surrogates(void)
{
  static const char raw[] =
    "{\"ok\":\"\\ud83d\\ude00\",\"hi\":\"\\uD800x\",\"lo\":[\"\\udfff\"],\"q\":\"a\\\"\\ud800\"}";
  cJSON *doc = parse(raw, sizeof(raw) - 1);
  json_text_flaw_kind k;
  char *back;

  CU_ASSERT_PTR_NOT_NULL_FATAL(doc); /* cJSON alone refuses the document */
  CU_ASSERT_STRING_EQUAL(str(doc, "ok"), "\xF0\x9F\x98\x80");
  CU_ASSERT_STRING_EQUAL(str(doc, "hi"), "\xED\xA0\x80x");
  CU_ASSERT_EQUAL(json_text_flaw(str(doc, "ok")), JSON_TEXT_CLEAN);
  CU_ASSERT_EQUAL(json_text_flaw(str(doc, "hi")), JSON_TEXT_SURROGATE);
  CU_ASSERT_STRING_EQUAL(json_find_flaw(cJSON_GetObjectItem(doc, "lo"), &k), "lo");
  CU_ASSERT_EQUAL(k, JSON_TEXT_SURROGATE);
  CU_ASSERT_EQUAL(json_text_flaw(str(doc, "q")), JSON_TEXT_SURROGATE);
  back = json_text_unmark("\"\xED\xA0\x80x\xC0\x80\xED\xBF\xBF\"");
  CU_ASSERT_STRING_EQUAL(back, "\"\\ud800x\\u0000\\udfff\"");
  free(back);
  CU_ASSERT_PTR_NULL(cJSON_Parse(raw));
  cJSON_Delete(doc);
}

/* Real text starting with the same bytes is not a mark: Hangul (ED 80..9F)
 * is a character, an ED A0..BF sequence a surrogate. */
static void test_marks_only(void)
{
  CU_ASSERT_EQUAL(json_text_flaw("\xED\x95\x9C"
                                 "a"),
                  JSON_TEXT_CLEAN);
  CU_ASSERT_EQUAL(json_text_clean_prefix("ab\xED\x95\x9C"
                                         "c\xC0\x80"
                                         "d"),
                  6);
  CU_ASSERT_EQUAL(json_text_clean_prefix("ab\xED\xA0\x80"), 2);
  CU_ASSERT_EQUAL(json_text_clean_prefix("abc"), 3);
  CU_ASSERT_EQUAL(json_text_flaw("\xC0"), JSON_TEXT_CLEAN);
  CU_ASSERT_EQUAL(json_text_flaw(NULL), JSON_TEXT_CLEAN);
}

static void test_long_integers(void)
{
  static const char raw[] =
    "{\"a\":12345678901234567890123,\"b\":-1234567890123456,\"c\":123456789012345,"
    "\"d\":1.5e300,\"e\":[9007199254740993],\"s\":\"12345678901234567890\"}";
  cJSON *doc = parse(raw, sizeof(raw) - 1);
  char buf[32];

  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  CU_ASSERT_STRING_EQUAL(str(doc, "a"), "12345678901234567890123");
  CU_ASSERT_STRING_EQUAL(str(doc, "b"), "-1234567890123456");
  CU_ASSERT_TRUE(cJSON_IsNumber(cJSON_GetObjectItem(doc, "c")));
  CU_ASSERT_STRING_EQUAL(json_number_text(cJSON_GetObjectItem(doc, "c")->valuedouble, buf),
                         "123456789012345");
  CU_ASSERT_TRUE(cJSON_IsNumber(cJSON_GetObjectItem(doc, "d")));
  CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "e"), 0)),
                         "9007199254740993");
  CU_ASSERT_STRING_EQUAL(str(doc, "s"), "12345678901234567890");
  cJSON_Delete(doc);
}

static void test_number_text(void)
{
  char buf[32];

  CU_ASSERT_STRING_EQUAL(json_number_text(11002, buf), "11002");
  CU_ASSERT_STRING_EQUAL(json_number_text(-3, buf), "-3");
  CU_ASSERT_STRING_EQUAL(json_number_text(20260401083000.0, buf), "20260401083000");
  CU_ASSERT_STRING_EQUAL(json_number_text(1.001193, buf), "1.001193");
  CU_ASSERT_STRING_EQUAL(json_number_text(0.1, buf), "0.1");
  CU_ASSERT_STRING_EQUAL(json_number_text(1e22, buf), "1e+22");
}

static void test_not_json(void)
{
  struct json_error e;
  const char *cut = "{\"a\":[1,2,", *cut_string = "{\"a\":\"b\\\"", *bad = "{\"a\":1]";
  static const char deep_open[] = "[[[[";

  CU_ASSERT_PTR_NULL(json_parse_exact(cut, strlen(cut), &e));
  CU_ASSERT_FALSE(e.nomem);
  CU_ASSERT_TRUE(e.unterminated);
  CU_ASSERT_TRUE(e.at <= strlen(cut));
  CU_ASSERT_PTR_NULL(json_parse_exact(cut_string, strlen(cut_string), &e));
  CU_ASSERT_TRUE(e.unterminated);
  CU_ASSERT_PTR_NULL(json_parse_exact(deep_open, 4, &e));
  CU_ASSERT_TRUE(e.unterminated);
  /* complete, but refused */
  CU_ASSERT_PTR_NULL(json_parse_exact(bad, strlen(bad), &e));
  CU_ASSERT_FALSE(e.unterminated);
  CU_ASSERT_PTR_NULL(json_parse_exact("<html>502</html>", 16, &e));
  CU_ASSERT_FALSE(e.unterminated);
  CU_ASSERT_PTR_NULL(json_parse_exact("", 0, &e));
  CU_ASSERT_TRUE(e.unterminated);
  CU_ASSERT_PTR_NULL(json_parse_exact("\"\\u00", 5, &e));
  CU_ASSERT_PTR_NULL(json_parse_exact("-", 1, &e));
}

/* Nesting beyond cJSON's limit is refused whole, and said not to be a cut. */
static void test_too_deep(void)
{
  size_t n = 3000;
  char *deep = malloc(2 * n + 1);
  struct json_error e;

  memset(deep, '[', n);
  memset(deep + n, ']', n);
  deep[2 * n] = '\0';
  CU_ASSERT_PTR_NULL(json_parse_exact(deep, 2 * n, &e));
  CU_ASSERT_FALSE(e.unterminated);
  free(deep);
}

static CU_TestInfo tests[] = {
  { "NUL marked", test_nul_marked },
  { "lone surrogates marked, pairs kept", test_surrogates },
  { "only marks are flaws", test_marks_only },
  { "long integers as their digits", test_long_integers },
  { "number text", test_number_text },
  { "not JSON: cut off or refused", test_not_json },
  { "too deep", test_too_deep },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("jsontext", tests)
