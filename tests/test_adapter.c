/*
 * The adapters' page scans (adapter.h) on broken and hostile pages: what is
 * cut off is worth asking again (TRANSIENT), what is whole but refused is
 * BAD_CONTENT (final when asking again cannot help), and the codes they
 * count agree with what the transform reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "cunit_main.h"
#include "jsontext.h"
#include "keyset.h"
#include "xmlsafe.h"

static attempt_outcome scan(source_kind kind, const char *page, size_t len, int page_size,
                            struct page_result *r, struct attempt_error *err)
{
  struct page_cursor at = { .index = 1 };

  page_result_release(r); /* of the scan before */
  memset(r, 0, sizeof(*r));
  memset(err, 0, sizeof(*err));
  return source_adapter_for(kind)->scan_page(page, len, &at, page_size, r, err);
}

#define CITY(prolog, body)                                                             \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" prolog "<KetQuaTraCuu><MaLoi>0</MaLoi>" \
  "<TongSoBanGhi>1</TongSoBanGhi><DanhSachHoSo>" body "</DanhSachHoSo></KetQuaTraCuu>"

/* Issue 10: a DOCTYPE behind a comment was parsed, landed, complete. */
static void test_city_doctype_behind_comment(void)
{
  static const char *const pages[] = {
    CITY("<!-- <x> --><!DOCTYPE KetQuaTraCuu [<!ENTITY e \"eeee\">]>",
         "<HoSo><MaHoSo>A1</MaHoSo></HoSo>"),
    CITY("<?pi <y>?><!DOCTYPE KetQuaTraCuu SYSTEM \"http://127.0.0.1:1/x.dtd\">",
         "<HoSo><MaHoSo>A1</MaHoSo></HoSo>"),
  };
  for (size_t i = 0; i < 2; i++) {
    struct page_result r = { 0 };
    struct attempt_error err;

    CU_ASSERT_EQUAL(scan(SOURCE_CITY, pages[i], strlen(pages[i]), 5, &r, &err),
                    ATTEMPT_BAD_CONTENT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "DOCTYPE"));
    CU_ASSERT_FALSE(err.final); /* asked again: an injected DOCTYPE may not come back */
    page_result_release(&r);
  }
}

static void test_city_cut_or_refused(void)
{
  static const char full[] = CITY("", "<HoSo><MaHoSo>A1</MaHoSo><TenTTHC>x</TenTTHC></HoSo>");
  static const char bad[] = CITY("", "<HoSo><MaHoSo>A1</MaHoSo><TenTTHC>x&#0;</TenTTHC></HoSo>");
  struct page_result r = { 0 };
  struct attempt_error err;

  CU_ASSERT_EQUAL(scan(SOURCE_CITY, full, sizeof(full) - 1, 5, &r, &err), ATTEMPT_OK);
  CU_ASSERT_EQUAL(scan(SOURCE_CITY, full, sizeof(full) - 30, 5, &r, &err), ATTEMPT_TRANSIENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "ends inside the document"));
  CU_ASSERT_EQUAL(scan(SOURCE_CITY, bad, sizeof(bad) - 1, 5, &r, &err), ATTEMPT_BAD_CONTENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "not well-formed"));
  page_result_release(&r);
}

static void test_json_cut_or_refused(void)
{
  static const char page[] = "{\"error_code\":\"0\",\"total\":1,\"result\":[{\"MaHoSo\":\"A1\"}]}";
  static const char deep_head[] = "{\"error_code\":\"0\",\"total\":1,\"result\":[{\"x\":";
  size_t n = 2000, len = strlen(deep_head) + 2 * n + 3;
  char *deep = malloc(len + 1);
  struct page_result r = { 0 };
  struct attempt_error err;

  CU_ASSERT_EQUAL(scan(SOURCE_PORTAL, page, sizeof(page) - 1, 5, &r, &err), ATTEMPT_OK);
  CU_ASSERT_EQUAL(scan(SOURCE_PORTAL, page, sizeof(page) - 8, 5, &r, &err), ATTEMPT_TRANSIENT);
  CU_ASSERT_EQUAL(scan(SOURCE_PORTAL, "<html>502</html>", 16, 5, &r, &err), ATTEMPT_BAD_CONTENT);
  CU_ASSERT_EQUAL(scan(SOURCE_MINISTRY, "[1,2]", 5, 5, &r, &err), ATTEMPT_BAD_CONTENT);
  /* nesting beyond cJSON's limit: whole, refused */
  strcpy(deep, deep_head);
  memset(deep + strlen(deep_head), '[', n);
  memset(deep + strlen(deep_head) + n, ']', n);
  memcpy(deep + strlen(deep_head) + 2 * n, "}]}", 4);
  CU_ASSERT_EQUAL(scan(SOURCE_PORTAL, deep, len, 5, &r, &err), ATTEMPT_BAD_CONTENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "not valid JSON"));
  free(deep);
  page_result_release(&r);
}

/* A page holding far more records than asked for is refused at once. */
static void test_oversized_page(void)
{
  char page[4096] = "{\"status\":\"1\",\"nextCursor\":\"c2\",\"value\":[";
  struct page_result r = { 0 };
  struct attempt_error err;

  for (int i = 0; i < 11; i++)
    snprintf(page + strlen(page), sizeof(page) - strlen(page), "%s{\"maHoSoLT\":\"M-%d\"}",
             i ? "," : "", i);
  strcat(page, "]}");
  CU_ASSERT_EQUAL(scan(SOURCE_MINISTRY, page, strlen(page), 10, &r, &err), ATTEMPT_BAD_CONTENT);
  CU_ASSERT_TRUE(err.final);
  CU_ASSERT_STRING_EQUAL(err.message, "the page holds 11 records; 10 were asked for (page_size)");
  CU_ASSERT_STRING_EQUAL(r.next.token, "c2"); /* read: the listing can go on */
  page_result_release(&r);
  CU_ASSERT_EQUAL(scan(SOURCE_MINISTRY, page, strlen(page), 11, &r, &err), ATTEMPT_OK);
  page_result_release(&r);
}

/* The scan counts the codes the transform reads: a NUL makes a code no
 * normalisation accepts (not the code before it), a long number is its
 * digits. */
static void test_codes_agree_with_transform(void)
{
  static const char page[] =
    "{\"error_code\":\"0\",\"total\":4,\"result\":[{\"MaHoSo\":\"A1\\u0000X\"},"
    "{\"MaHoSo\":\"A1\\u0000Y\"},{\"MaHoSo\":12345678901234567890123},{\"MaHoSo\":\"A1\"}]}";
  struct page_result r = { 0 };
  struct attempt_error err;
  char buf[64];
  cJSON *num = cJSON_CreateNumber(11002);

  CU_ASSERT_EQUAL_FATAL(scan(SOURCE_PORTAL, page, sizeof(page) - 1, 5, &r, &err), ATTEMPT_OK);
  CU_ASSERT_EQUAL(r.records, 4);
  CU_ASSERT_EQUAL(r.codes.uncoded, 2);
  CU_ASSERT_EQUAL_FATAL(r.codes.n, 2);
  CU_ASSERT(r.codes.v[0] == keyset_hash(0, "12345678901234567890123"));
  CU_ASSERT(r.codes.v[1] == keyset_hash(0, "A1"));
  CU_ASSERT_STRING_EQUAL(json_code_text(num, buf), "11002");
  cJSON_Delete(num);
  page_result_release(&r);
}

static int setup(void)
{
  xml_global_init();
  return 0;
}

static int teardown(void)
{
  xml_global_cleanup();
  return 0;
}

static CU_TestInfo tests[] = {
  { "city: a DOCTYPE behind a comment or a PI is refused", test_city_doctype_behind_comment },
  { "city: cut off is transient, refused content is not", test_city_cut_or_refused },
  { "JSON: cut off is transient, refused content is not", test_json_cut_or_refused },
  { "a page larger than asked for is refused at once", test_oversized_page },
  { "codes counted as the transform reads them", test_codes_agree_with_transform },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN_WITH("adapter", tests, setup, teardown)
