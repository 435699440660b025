/* The ministry parser: dd/MM/yyyy dates, status mapping, links. */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cunit_main.h"
#include "parse_fixture.h"
#include "repr_fixture.h"

static const char *good =
  "{\"maHoSoLT\":\"BTP-HT-2026-000123\",\"maHoSoMCDT\":\"h31.11002_260401_00012\","
  "\"maTTHC\":\"1.001193\",\"tenTTHC\":\"Đăng ký khai "
  "sinh\",\"module\":\"KS\",\"maDonVi\":\"11002\","
  "\"ngayTiepNhan\":\"01/04/2026 08:30:00\",\"hanXuLy\":\"03/04/2026 17:00:00\","
  "\"thoiGianHoanThanh\":\"02/04/2026 10:00:00\",\"thoiGianTraKetQua\":\"02/04/2026 14:30:00\","
  "\"trangThai\":4,\"kenhNop\":\"TRUC_TUYEN\","
  "\"soHoa\":{\"thanhPhan\":true,\"ketQua\":true,\"taiSuDung\":false},"
  "\"lePhi\":{\"soTien\":0,\"thanhToanTrucTuyen\":false},"
  "\"boSung\":[{\"yeuCau\":\"01/04/2026 09:00:00\",\"hoanThanh\":\"01/04/2026 15:00:00\"}],"
  "\"capNhatLuc\":\"02/04/2026 14:30:05\"}";

/* Parses a page holding the good record with `key` set to `json` (NULL removes it). */
static const struct source_config *cfg;
static int drop_returned; /* parse_with removes thoiGianTraKetQua too */

static parse_result parse_with(const char *key, const char *json, struct seen *s,
                               const char *status)
{
  cJSON *page = cJSON_CreateObject(), *arr = cJSON_CreateArray(), *rec = cJSON_Parse(good);
  parse_result r;
  char *text;

  if (drop_returned)
    cJSON_DeleteItemFromObject(rec, "thoiGianTraKetQua");
  if (key && json)
    cJSON_ReplaceItemInObject(rec, key, cJSON_Parse(json));
  else if (key)
    cJSON_DeleteItemFromObject(rec, key);
  cJSON_AddItemToArray(arr, rec);
  cJSON_AddStringToObject(page, "status", status);
  cJSON_AddItemToObject(page, "value", arr);
  cJSON_AddNullToObject(page, "nextCursor");
  text = cJSON_PrintUnformatted(page);
  r = seen_parse(s, SOURCE_MINISTRY, "11002", "RUN/landing/moj/11002/page-000001.json", cfg, text,
                 strlen(text));
  free(text);
  cJSON_Delete(page);
  return r;
}

#define V(f) (s.last.v[DF_##f])

static void test_mapping(void)
{
  struct seen s = { 0 };

  CU_ASSERT_EQUAL(parse_with(NULL, NULL, &s, "1"), PARSE_OK);
  CU_ASSERT_EQUAL_FATAL(s.records, 1);
  CU_ASSERT_STRING_EQUAL(V(source_kind), "ministry");
  CU_ASSERT_STRING_EQUAL(V(source_code), "BTP-HT-2026-000123");
  CU_ASSERT_STRING_EQUAL(V(linked_codes), "[\"H31.11002-260401-00012\"]");
  CU_ASSERT_STRING_EQUAL(V(origin_system), "HOTICH_BTP");
  CU_ASSERT_STRING_EQUAL(V(received_at), "2026-04-01 01:30:00+00");
  CU_ASSERT_STRING_EQUAL(V(returned_at), "2026-04-02 07:30:00+00");
  CU_ASSERT_STRING_EQUAL(V(status), "10"); /* 4 with the result handed over */
  CU_ASSERT_STRING_EQUAL(V(source_status), "4");
  CU_ASSERT_STRING_EQUAL(V(channel), "2");
  CU_ASSERT_STRING_EQUAL(V(has_digitised_component), "t");
  CU_ASSERT_STRING_EQUAL(V(has_e_result), "t");
  CU_ASSERT_STRING_EQUAL(V(has_reused_component), "f");
  CU_ASSERT_STRING_EQUAL(V(fee_total), "0");
  CU_ASSERT_STRING_EQUAL(V(paid_online), "0");
  CU_ASSERT_STRING_EQUAL(
    V(supplements), "[{\"requested_at\":\"2026-04-01 02:00:00+00\",\"completed_at\":\"2026-04-01 "
                    "08:00:00+00\",\"new_due_at\":null}]");
  CU_ASSERT_PTR_NULL(V(field_code)); /* no configuration given */
  canon_release(&s.last);
}

static void test_field_from_configuration(void)
{
  struct seen s = { 0 };
  struct source_config c = {
    .name = "moj", .kind = SOURCE_MINISTRY, .field_code = "ht", .field_name = "Hộ tịch"
  };

  cfg = &c;
  CU_ASSERT_EQUAL(parse_with(NULL, NULL, &s, "1"), PARSE_OK);
  cfg = NULL;
  CU_ASSERT_EQUAL_FATAL(s.records, 1);
  CU_ASSERT_STRING_EQUAL(V(field_code), "HT");
  CU_ASSERT_STRING_EQUAL(V(field_name), "Hộ tịch");
  canon_release(&s.last);
}

static void test_status_map(void)
{
  /* trangThai, keep thoiGianTraKetQua?, national status */
  static const struct {
    const char *ministry;
    int returned;
    const char *national;
  } cases[] = {
    { "1", 1, "1" }, { "\"2\"", 1, "5" }, { "3", 1, "4" },
    { "4", 0, "9" }, { "4", 1, "10" },    { "6", 1, "3" },
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct seen s = { 0 };
    drop_returned = !cases[i].returned;
    parse_with("trangThai", cases[i].ministry, &s, "1");
    drop_returned = 0;
    CU_ASSERT_EQUAL_FATAL(s.records, 1);
    CU_ASSERT_STRING_EQUAL(V(status), cases[i].national);
    canon_release(&s.last);
  }
}

static void expect_reject(const char *key, const char *json, const char *field, const char *part)
{
  struct seen s = { 0 };

  CU_ASSERT_EQUAL(parse_with(key, json, &s, "1"), PARSE_OK);
  CU_ASSERT_EQUAL(s.records, 0);
  CU_ASSERT_EQUAL_FATAL(s.rejects, 1);
  CU_ASSERT_STRING_EQUAL(s.field, field);
  CU_ASSERT_PTR_NOT_NULL(strstr(s.reason, part));
  canon_release(&s.last);
}

static void test_rejects(void)
{
  expect_reject("trangThai", "5", "trangThai", "unknown ministry status");
  expect_reject("trangThai", NULL, "trangThai", "missing status");
  expect_reject("ngayTiepNhan", "\"31/04/2026 08:30:00\"", "ngayTiepNhan", "impossible date");
  expect_reject("hanXuLy", "\"20260403170000\"", "hanXuLy", "dd/MM/yyyy");
  expect_reject("maHoSoLT", "\"\"", "maHoSoLT", "missing dossier code");
  expect_reject("maDonVi", "\"11003\"", "maDonVi", "another commune");
  expect_reject("kenhNop", "\"FAX\"", "kenhNop", "unknown channel");
  expect_reject("thoiGianHoanThanh", "\"31/03/2026 10:00:00\"", "thoiGianHoanThanh",
                "finished before");
  expect_reject("capNhatLuc", NULL, "capNhatLuc", "missing update time");
}

static void test_error_page(void)
{
  struct seen s = { 0 };
  const char *sync = "{\"status\":\"0\",\"errorCode\":\"SYNC_ERROR\",\"errorDescription\":\"x\"}";

  CU_ASSERT_EQUAL(seen_parse(&s, SOURCE_MINISTRY, "11002", "loc", NULL, sync, strlen(sync)),
                  PARSE_BAD_PAGE);
  CU_ASSERT_PTR_NOT_NULL(strstr(s.reason, "SYNC_ERROR"));
}

/* Issue 10: a NUL inside maHoSoLT merged two dossiers; a 23-digit
 * maHoSoMCDT sent as a number was rounded. Raw pages: exactly these bytes. */
static void test_nul_and_long_numbers(void)
{
  static const char page[] =
    "{\"status\":\"1\",\"nextCursor\":null,\"value\":["
    "{\"maHoSoLT\":\"BTP\\u0000A\",\"maDonVi\":\"11002\",\"trangThai\":1,"
    "\"capNhatLuc\":\"02/04/2026 14:30:05\"},"
    "{\"maHoSoLT\":\"BTP-2\",\"maHoSoMCDT\":12345678901234567890123,\"maDonVi\":11002,"
    "\"trangThai\":1,\"capNhatLuc\":\"02/04/2026 14:30:05\"}]}";
  struct seen s = { 0 };

  CU_ASSERT_EQUAL(seen_parse(&s, SOURCE_MINISTRY, "11002", "loc", NULL, page, sizeof(page) - 1),
                  PARSE_OK);
  CU_ASSERT_EQUAL(s.rejects, 1);
  CU_ASSERT_STRING_EQUAL(s.field, "maHoSoLT");
  CU_ASSERT_PTR_NOT_NULL(strstr(s.reason, "NUL"));
  CU_ASSERT_PTR_NOT_NULL(strstr(s.raw, "BTP\\u0000A"));
  CU_ASSERT_EQUAL_FATAL(s.records, 1);
  CU_ASSERT_STRING_EQUAL(V(linked_codes), "[\"12345678901234567890123\"]");
  canon_release(&s.last);
}

/* A page with no NUL or escape is parsed as it is, unless it may hold an
 * integer too long for a double: 16 digits (just past what a double keeps
 * exactly) wherever they fall in the page are still read as written. */
static void test_long_number_without_flaws(void)
{
  for (int pad = 0; pad < 40; pad++) {
    char page[512];
    struct seen s = { 0 };
    int n = snprintf(page, sizeof(page),
                     "{\"status\":\"1\",\"nextCursor\":null,\"value\":["
                     "{\"maHoSoLT\":\"BTP-%.*s\",\"maHoSoMCDT\":9999999999999999,"
                     "\"maDonVi\":11002,\"trangThai\":1,\"capNhatLuc\":\"02/04/2026 14:30:05\"}]}",
                     pad, "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX");

    CU_ASSERT_EQUAL(seen_parse(&s, SOURCE_MINISTRY, "11002", "loc", NULL, page, (size_t)n),
                    PARSE_OK);
    CU_ASSERT_EQUAL_FATAL(s.records, 1);
    CU_ASSERT_STRING_EQUAL(V(linked_codes), "[\"9999999999999999\"]");
    canon_release(&s.last);
  }
}

/* ---- every representation the simulator writes ------------------------------ */

/*
 * The ministry simulator's pages in every representation sim/repr.h can
 * produce read as the same canonical records as its default pages (a stop
 * may be dated elsewhere, never differently).
 */
static void test_sim_variants(void)
{
  fx_check_every_repr(SOURCE_MINISTRY, fx_ministry_pages, 100, true);
}

static CU_TestInfo tests[] = {
  { "mapping", test_mapping },
  { "ministry status to national status", test_status_map },
  { "a ministry system's field from its configuration", test_field_from_configuration },
  { "rejects name field and reason", test_rejects },
  { "error page", test_error_page },
  { "NUL and long numbers", test_nul_and_long_numbers },
  { "a long number in a page without flaws", test_long_number_without_flaws },
  { "every simulator representation reads the same", test_sim_variants },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("ministry_parse", tests)
