/* The portal parser: HoSo JSON into canonical records, and quarantine. */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cunit_main.h"
#include "parse_fixture.h"
#include "repr_fixture.h"

/* A well-formed record; tests modify it. */
static cJSON *good_hoso(void)
{
  const char *text =
    "{\"MaHoSo\":\" h31.11002-260401-00012 \",\"MaHoSoBNDP\":\"BTP_HT_2026_000123\","
    "\"NguonDongBo\":\"HOTICH_BTP\",\"MaTTHC\":\"1.001193\",\"TenTTHC\":\"  Đăng ký khai sinh \","
    "\"MaLinhVuc\":\"ht\",\"TenLinhVuc\":\"Hộ tịch\",\"MaXa\":11002,\"MaDonViXuLy\":\"TTPVHCC\","
    "\"DonViXuLy\":\"Trung tâm PVHCC\",\"KenhThucHien\":\"2\",\"NoiNopHoSo\":1,"
    "\"NgayNopHoSo\":\"20260401081500\",\"NgayTiepNhan\":\"20260401083000\","
    "\"NgayHenTra\":\"20260403170000\",\"NgayKetThucXuLy\":\"20260402100000\","
    "\"NgayTra\":\"20260402143000\",\"NgayTuChoi\":\"\",\"TrangThaiHoSo\":10,"
    "\"HoSoCoThanhPhanSoHoa\":\"0\",\"TaiKhoanDuocXacThucVoiVNeID\":\"1\","
    "\"DuocThanhToanTrucTuyen\":\"2\","
    "\"TaiLieuNop\":[{\"MaThanhPhanHoSo\":\"TK\",\"DuocSoHoa\":\"1\",\"DuocTaiSuDung\":\"2\","
    "\"DuocLayTuKhoDMQG\":\"0\"}],"
    "\"DanhSachLePhi\":[{\"MaPhiLePhi\":\"LP\",\"Gia\":\"5000\"},{\"MaPhiLePhi\":\"P2\",\"Gia\":"
    "3000}],"
    "\"DanhSachGiayToKetQua\":[{\"MaGiayToKetQua\":\"GKS\",\"DuongDanTepTinKetQua\":\"https://"
    "x.invalid/a.pdf\"}],"
    "\"DanhSachHoSoBoSung\":[{\"NgayYeuCau\":\"20260401090000\",\"NgayHoanThanh\":"
    "\"20260401150000\",\"NgayHenTraMoi\":null}],"
    "\"DanhGiaHaiLong\":\"1\",\"CoPhanAnh\":null,\"NgayCapNhat\":\"20260402143005\"}";
  return cJSON_Parse(text);
}

/* Runs the parser on a page holding the given records. */
static parse_result parse_records(cJSON *records, struct seen *s, const char *error_code_json)
{
  cJSON *page = cJSON_CreateObject();
  char *text;
  parse_result r;

  cJSON_AddItemToObject(page, "error_code", cJSON_Parse(error_code_json));
  cJSON_AddItemToObject(page, "result", records);
  text = cJSON_PrintUnformatted(page);
  r = seen_parse(s, SOURCE_PORTAL, "11002", "RUN/landing/portal-t/11002/page-000001.json", NULL,
                 text, strlen(text));
  free(text);
  cJSON_Delete(page);
  return r;
}

static parse_result parse_one(cJSON *hoso, struct seen *s)
{
  cJSON *arr = cJSON_CreateArray();
  cJSON_AddItemToArray(arr, hoso);
  return parse_records(arr, s, "\"0\"");
}

#define V(f) (s.last.v[DF_##f])

static void test_good_record(void)
{
  struct seen s = { 0 };

  CU_ASSERT_EQUAL(parse_one(good_hoso(), &s), PARSE_OK);
  CU_ASSERT_EQUAL_FATAL(s.records, 1);
  CU_ASSERT_EQUAL(s.rejects, 0);
  CU_ASSERT_STRING_EQUAL(V(unit_code), "11002");
  CU_ASSERT_STRING_EQUAL(V(source_kind), "portal");
  CU_ASSERT_STRING_EQUAL(V(source_name), "src-t");
  CU_ASSERT_STRING_EQUAL(V(source_code), "H31.11002-260401-00012");
  CU_ASSERT_STRING_EQUAL(V(linked_codes), "[\"BTP-HT-2026-000123\"]");
  CU_ASSERT_STRING_EQUAL(V(procedure_name), "Đăng ký khai sinh");
  CU_ASSERT_STRING_EQUAL(V(field_code), "HT");
  CU_ASSERT_STRING_EQUAL(V(channel), "2");
  CU_ASSERT_STRING_EQUAL(V(submitted_on_portal), "t");
  /* 08:30 local is 01:30 UTC */
  CU_ASSERT_STRING_EQUAL(V(received_at), "2026-04-01 01:30:00+00");
  CU_ASSERT_STRING_EQUAL(V(due_at), "2026-04-03 10:00:00+00");
  CU_ASSERT_STRING_EQUAL(V(source_updated_at), "2026-04-02 07:30:05+00");
  CU_ASSERT_PTR_NULL(V(refused_at));
  CU_ASSERT_STRING_EQUAL(V(status), "10");
  CU_ASSERT_STRING_EQUAL(V(has_digitised_component), "t");
  CU_ASSERT_STRING_EQUAL(V(has_reused_component), "t");
  CU_ASSERT_STRING_EQUAL(V(has_citizen_store_component), "f");
  CU_ASSERT_STRING_EQUAL(V(has_e_result), "t");
  CU_ASSERT_STRING_EQUAL(V(vneid_verified), "t");
  CU_ASSERT_STRING_EQUAL(V(fee_total), "8000");
  CU_ASSERT_STRING_EQUAL(V(paid_online), "2");
  CU_ASSERT_STRING_EQUAL(V(rating), "1");
  CU_ASSERT_PTR_NULL(V(has_complaint));
  CU_ASSERT_PTR_NOT_NULL(strstr(V(supplements), "\"requested_at\":\"2026-04-01 02:00:00+00\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(V(supplements), "\"completed_at\":\"2026-04-01 08:00:00+00\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(V(supplements), "\"new_due_at\":null"));
  CU_ASSERT_EQUAL(strlen(V(record_hash)), 64);
  CU_ASSERT_STRING_EQUAL(V(source_location), "RUN/landing/portal-t/11002/page-000001.json#0");
  canon_release(&s.last);
}

/* Each case breaks one field and must be rejected naming it. */
static void expect_reject(const char *key, const char *json_value, const char *field,
                          const char *reason_part)
{
  struct seen s = { 0 };
  cJSON *h = good_hoso();

  if (json_value)
    cJSON_ReplaceItemInObject(h, key, cJSON_Parse(json_value));
  else
    cJSON_DeleteItemFromObject(h, key);
  CU_ASSERT_EQUAL(parse_one(h, &s), PARSE_OK);
  CU_ASSERT_EQUAL(s.records, 0);
  CU_ASSERT_EQUAL_FATAL(s.rejects, 1);
  CU_ASSERT_STRING_EQUAL(s.field, field);
  if (!strstr(s.reason, reason_part))
    fprintf(stderr, "\n  reason for %s was: %s\n", key, s.reason);
  CU_ASSERT_PTR_NOT_NULL(strstr(s.reason, reason_part));
  CU_ASSERT_PTR_NOT_NULL(strstr(s.raw, "MaHoSo")); /* raw record kept */
  canon_release(&s.last);
}

static void test_rejects(void)
{
  expect_reject("MaHoSo", NULL, "MaHoSo", "missing dossier code");
  expect_reject("MaHoSo", "\"  \"", "MaHoSo", "missing dossier code");
  expect_reject("MaXa", "\"1100\"", "MaXa", "5-digit");
  expect_reject("MaXa", "\"10792\"", "MaXa", "another commune");
  expect_reject("NgayTiepNhan", "\"20260431083000\"", "NgayTiepNhan", "impossible date");
  expect_reject("NgayHenTra", "\"2026-04-03\"", "NgayHenTra", "yyyyMMddHHmmss");
  expect_reject("NgayCapNhat", NULL, "NgayCapNhat", "missing update time");
  expect_reject("TrangThaiHoSo", "11", "TrangThaiHoSo", "unknown value");
  expect_reject("TrangThaiHoSo", NULL, "TrangThaiHoSo", "missing status");
  expect_reject("KenhThucHien", "\"4\"", "KenhThucHien", "unknown value");
  expect_reject("NgayKetThucXuLy", "\"20260331100000\"", "NgayKetThucXuLy", "finished before");
}

static void test_invalid_utf8(void)
{
  struct seen s = { 0 };
  /* cJSON keeps raw bytes: a Latin-1 byte inside a string is invalid UTF-8. */
  const char *page =
    "{\"error_code\":0,\"result\":[{\"MaHoSo\":\"A1\",\"MaXa\":\"11002\","
    "\"TenTTHC\":\"Kh\xe9 sinh\",\"TrangThaiHoSo\":\"2\",\"NgayCapNhat\":\"20260402143005\"}]}";

  CU_ASSERT_EQUAL(seen_parse(&s, SOURCE_PORTAL, "11002", "loc", NULL, page, strlen(page)),
                  PARSE_OK);
  CU_ASSERT_EQUAL(s.rejects, 1);
  CU_ASSERT_STRING_EQUAL(s.field, "TenTTHC");
  CU_ASSERT_PTR_NOT_NULL(strstr(s.reason, "UTF-8"));
}

static void test_bad_pages(void)
{
  struct seen s = { 0 };
  const char *cut = "{\"error_code\":\"0\",\"result\":[{\"MaHoSo\":\"A";

  CU_ASSERT_EQUAL(seen_parse(&s, SOURCE_PORTAL, "11002", "loc", NULL, cut, strlen(cut)),
                  PARSE_BAD_PAGE);
  CU_ASSERT_EQUAL(s.rejects, 1);
  CU_ASSERT_EQUAL(s.last_index, SIZE_MAX);
  CU_ASSERT_PTR_NOT_NULL(strstr(s.reason, "not valid JSON"));
  CU_ASSERT_EQUAL(parse_records(cJSON_CreateArray(), &s, "\"-1\""), PARSE_BAD_PAGE);
  CU_ASSERT_PTR_NOT_NULL(strstr(s.reason, "error_code -1"));
  /* error_code as a number 0 is fine */
  s.rejects = 0;
  CU_ASSERT_EQUAL(parse_records(cJSON_CreateArray(), &s, "0"), PARSE_OK);
  CU_ASSERT_EQUAL(s.rejects, 0);
}

static void test_page_continues_after_reject(void)
{
  struct seen s = { 0 };
  cJSON *arr = cJSON_CreateArray(), *bad = good_hoso();

  cJSON_DeleteItemFromObject(bad, "MaHoSo");
  cJSON_AddItemToArray(arr, good_hoso());
  cJSON_AddItemToArray(arr, bad);
  cJSON_AddItemToArray(arr, good_hoso());
  CU_ASSERT_EQUAL(parse_records(arr, &s, "\"0\""), PARSE_OK);
  CU_ASSERT_EQUAL(s.records, 2);
  CU_ASSERT_EQUAL(s.rejects, 1);
  CU_ASSERT_EQUAL(s.last_index, 2);
  canon_release(&s.last);
}

static void test_absent_forms(void)
{
  struct seen s = { 0 };
  cJSON *h = good_hoso();

  /* empty string, null and missing all mean absent */
  cJSON_ReplaceItemInObject(h, "KenhThucHien", cJSON_CreateString(""));
  cJSON_ReplaceItemInObject(h, "NgayTra", cJSON_CreateNull());
  cJSON_ReplaceItemInObject(h, "DanhSachLePhi", cJSON_CreateString(""));
  cJSON_DeleteItemFromObject(h, "TaiLieuNop");
  CU_ASSERT_EQUAL(parse_one(h, &s), PARSE_OK);
  CU_ASSERT_EQUAL_FATAL(s.records, 1);
  CU_ASSERT_PTR_NULL(V(channel));
  CU_ASSERT_PTR_NULL(V(returned_at));
  CU_ASSERT_PTR_NULL(V(fee_total));
  CU_ASSERT_PTR_NULL(V(has_digitised_component));
  canon_release(&s.last);
}

/* ---- what cJSON alone would lose (issue 10) ----------------------------------- */

#define REC(code_json, extra)                                                   \
  "{\"MaHoSo\":" code_json ",\"MaXa\":\"11002\",\"TrangThaiHoSo\":\"2\"," extra \
  "\"NgayCapNhat\":\"20260402143005\"}"

/* A page of raw records (exactly these bytes: cJSON would re-escape them). */
static parse_result parse_raw(const char *records, size_t len, struct seen *s)
{
  char page[2048];
  int n = snprintf(page, sizeof(page), "{\"error_code\":\"0\",\"result\":[");

  CU_ASSERT_FATAL(n > 0 && (size_t)n + len + 2 < sizeof(page));
  memcpy(page + n, records, len);
  memcpy(page + n + len, "]}", 2);
  return seen_parse(s, SOURCE_PORTAL, "11002", "loc", NULL, page, (size_t)n + len + 2);
}

static void expect_flaw(const char *records, size_t len, int records_ok, int rejects,
                        const char *field, const char *reason_part)
{
  struct seen s = { 0 };

  CU_ASSERT_EQUAL(parse_raw(records, len, &s), PARSE_OK);
  CU_ASSERT_EQUAL(s.records, records_ok);
  CU_ASSERT_EQUAL_FATAL(s.rejects, rejects);
  if (field) {
    CU_ASSERT_STRING_EQUAL(s.field, field);
    if (!strstr(s.reason, reason_part))
      fprintf(stderr, "\n  reason was: %s\n", s.reason);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.reason, reason_part));
  }
  canon_release(&s.last);
}

/* cJSON stops a string at a NUL: "A1\u0000X" and "A1\u0000Y" were both
 * "A1", one dossier, and a text lost its tail without a word. */
static void test_nul_in_strings(void)
{
  static const char two_codes[] = REC("\"A1\\u0000X\"", "") "," REC("\"A1\\u0000Y\"", "");
  static const char text[] = REC("\"A2\"", "\"TenTTHC\":\"Khai sinh\\u0000 the rest\",");
  static const char key[] = REC("\"A4\"", "\"TenTTHC\\u0000x\":\"y\",");
  static const char raw_nul[] = REC("\"A5\"", "\"TenTTHC\":\"Khai\0 sinh\",");
  static const char upper[] = REC("\"A6\\U0000\"", ""); /* not an escape JSON has: page refused */
  struct seen s = { 0 };

  expect_flaw(two_codes, strlen(two_codes), 0, 2, "MaHoSo", "NUL");
  expect_flaw(text, strlen(text), 0, 1, "TenTTHC", "NUL");
  expect_flaw(key, strlen(key), 0, 1, "TenTTHC", "NUL");
  expect_flaw(raw_nul, sizeof(raw_nul) - 1, 0, 1, "TenTTHC", "NUL");
  CU_ASSERT_EQUAL(parse_raw(upper, strlen(upper), &s), PARSE_BAD_PAGE);
  /* an escaped backslash before "u0000" is text, not a NUL */
  {
    static const char fine[] = REC("\"A3\"", "\"TenTTHC\":\"back\\\\u0000slash\",");
    CU_ASSERT_EQUAL(parse_raw(fine, strlen(fine), &s), PARSE_OK);
    CU_ASSERT_EQUAL_FATAL(s.records, 1);
    CU_ASSERT_STRING_EQUAL(V(procedure_name), "back\\u0000slash");
  }
  canon_release(&s.last);
}

/* A lone UTF-16 surrogate made cJSON refuse the whole page; it is the
 * record's flaw, and a real pair is a character like any other. */
static void test_lone_surrogate(void)
{
  static const char page[] = REC("\"B1\"", "\"TenTTHC\":\"x\\ud800y\",") "," REC(
    "\"B2\"", "\"TenTTHC\":\"\\ud83d\\ude00\",") "," REC("\"B3\"", "\"DonViXuLy\":\"\\udc00\",");
  struct seen s = { 0 };

  CU_ASSERT_EQUAL(parse_raw(page, strlen(page), &s), PARSE_OK);
  CU_ASSERT_EQUAL(s.records, 1);
  CU_ASSERT_EQUAL(s.rejects, 2);
  CU_ASSERT_STRING_EQUAL(s.field, "DonViXuLy");
  CU_ASSERT_PTR_NOT_NULL(strstr(s.reason, "surrogate"));
  CU_ASSERT_PTR_NOT_NULL(strstr(s.raw, "\\udc00")); /* the raw record shows what came */
  expect_flaw(page, strlen(page), 1, 2, "DonViXuLy", "surrogate");
  canon_release(&s.last);
}

/* A 23-digit code sent as a JSON number was stored as
 * 1.2345678901234568E+22; a decimal one as 1.0011930000000001. */
static void test_numbers_as_codes(void)
{
  static const char page[] =
    REC("12345678901234567890123", "\"MaTTHC\":1.001193,\"MaDonViXuLy\":-900719925474099312,");
  struct seen s = { 0 };

  CU_ASSERT_EQUAL(parse_raw(page, strlen(page), &s), PARSE_OK);
  CU_ASSERT_EQUAL_FATAL(s.records, 1);
  CU_ASSERT_STRING_EQUAL(V(source_code), "12345678901234567890123");
  CU_ASSERT_STRING_EQUAL(V(procedure_code), "1.001193");
  CU_ASSERT_STRING_EQUAL(V(department_code), "-900719925474099312");
  canon_release(&s.last);
}

/* ---- every representation the simulator writes ------------------------------ */

/*
 * The portal simulator's pages in every representation sim/repr.h can
 * produce read as the same canonical records as its default pages (a stop
 * may be dated elsewhere, never differently).
 */
static void test_sim_variants(void)
{
  fx_check_every_repr(SOURCE_PORTAL, fx_portal_pages, 500, false);
}

static CU_TestInfo tests[] = {
  { "good record", test_good_record },
  { "rejects name field and reason", test_rejects },
  { "invalid UTF-8 is rejected", test_invalid_utf8 },
  { "unusable pages", test_bad_pages },
  { "a page goes on after a reject", test_page_continues_after_reject },
  { "absent forms", test_absent_forms },
  { "NUL inside strings", test_nul_in_strings },
  { "lone surrogates", test_lone_surrogate },
  { "numbers that are codes", test_numbers_as_codes },
  { "every simulator representation reads the same", test_sim_variants },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("portal_parse", tests)
