/*
 * test_sim_ministry - the Ministry of Justice civil-status system
 * simulator: API key, cursor paging, record shape, status mapping, faults.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "cunit_main.h"
#include "sim_fixture.h"
#include "../sim/generator.h"
#include "../sim/links.h"
#include "../sim/ministry.h"

#define KEY "demo-secret"

static void test_auth_and_errors(void)
{
  struct sim_ministry_options o = { 0 };
  struct sim_model m;
  struct sim_ministry *s;
  struct sim_response r;
  cJSON *j;
  const char *bad[][4] = {
    { "123", NULL, NULL, "INVALID_PARAMETER" },
    { NULL, "2026-04-01", NULL, "INVALID_PARAMETER" },
    { NULL, "2026-04-31T00:00:00+07:00", NULL, "INVALID_PARAMETER" },
    { NULL, NULL, "0", "INVALID_PARAMETER" },
    { NULL, NULL, "x", "INVALID_PARAMETER" },
  };

  generate(&m, 1, 0, 0);
  s = sim_ministry_new(&m, &o, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  j = ministry_list(s, NULL, "11002", NULL, NULL, NULL, &r);
  CU_ASSERT_EQUAL(r.status, 403);
  CU_ASSERT_STRING_EQUAL(str(j, "status"), "0");
  CU_ASSERT_STRING_EQUAL(str(j, "errorCode"), "FORBIDDEN");
  cJSON_Delete(j);
  sim_response_release(&r);
  j = ministry_list(s, "wrong", "11002", NULL, NULL, NULL, &r);
  CU_ASSERT_EQUAL(r.status, 403);
  cJSON_Delete(j);
  sim_response_release(&r);
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    j = ministry_list(s, KEY, bad[i][0], bad[i][1], bad[i][2], NULL, &r);
    CU_ASSERT_EQUAL(r.status, 400);
    CU_ASSERT_STRING_EQUAL(str(j, "errorCode"), bad[i][3]);
    cJSON_Delete(j);
    sim_response_release(&r);
  }
  j = ministry_list(s, KEY, NULL, NULL, NULL, "!!notbase64", &r);
  CU_ASSERT_EQUAL(r.status, 400);
  CU_ASSERT_STRING_EQUAL(str(j, "errorCode"), "INVALID_CURSOR");
  cJSON_Delete(j);
  sim_response_release(&r);
  {
    struct sim_request q = { "POST", "/api/v2/ho-so", "", 0, NULL, NULL, NULL };

    sim_response_init(&r);
    sim_ministry_handle(s, &q, &r);
    CU_ASSERT_EQUAL(r.status, 405);
    sim_response_release(&r);
    q.method = "GET";
    q.path = "/api/v1/ho-so";
    sim_response_init(&r);
    sim_ministry_handle(s, &q, &r);
    CU_ASSERT_EQUAL(r.status, 404);
    sim_response_release(&r);
  }
  sim_ministry_free(s);
  sim_model_release(&m);
}

/* "dd/MM/yyyy HH:mm:ss" -> sortable "yyyyMMddHHmmss". */
static void sortable(const char *dmy, char *out)
{
  CU_ASSERT_EQUAL_FATAL(strlen(dmy), 19);
  snprintf(out, 15, "%.4s%.2s%.2s%.2s%.2s%.2s", dmy + 6, dmy + 3, dmy, dmy + 11, dmy + 14,
           dmy + 17);
}

static const struct sim_dossier *by_code(const struct sim_model *m, const char *code)
{
  for (size_t i = 0; i < m->ndossiers; i++)
    if (!strcmp(m->dossiers[i].ministry_code, code))
      return &m->dossiers[i];
  return NULL;
}

static void test_cursor_paging(void)
{
  struct sim_ministry_options o = { 0 };
  struct sim_model m;
  struct sim_ministry *s;
  struct sim_response r;
  char cursor[512] = "", prev[64] = "";
  long expect = 0, seen = 0, pages = 0, mcdt = 0;
  sim_time from = T("2026-04-01T00:00:00");

  generate(&m, 42, 0, 0);
  for (size_t i = 0; i < m.ndossiers; i++)
    expect += m.dossiers[i].origin == SIM_ORIGIN_MINISTRY &&
              !strcmp(m.dossiers[i].commune, "11002") && m.dossiers[i].updated_at >= from;
  CU_ASSERT(expect > 100);
  s = sim_ministry_new(&m, &o, NULL);
  for (;;) {
    cJSON *j = ministry_list(s, KEY, "11002", "2026-04-01T00:00:00+07:00", "37",
                             *cursor ? cursor : NULL, &r),
          *v, *h;
    const cJSON *next;

    CU_ASSERT_EQUAL_FATAL(r.status, 200);
    CU_ASSERT_STRING_EQUAL(str(j, "status"), "1");
    CU_ASSERT_STRING_EQUAL(str(j, "statusDescription"), "OK");
    v = cJSON_GetObjectItemCaseSensitive(j, "value");
    CU_ASSERT_FATAL(cJSON_IsArray(v));
    CU_ASSERT(cJSON_GetArraySize(v) <= 37);
    cJSON_ArrayForEach(h, v)
    {
      char key[64], t[16];
      const struct sim_dossier *d = by_code(&m, str(h, "maHoSoLT"));
      const cJSON *st = cJSON_GetObjectItemCaseSensitive(h, "trangThai");
      const char *ret = str(h, "thoiGianTraKetQua");
      int code;

      CU_ASSERT_PTR_NOT_NULL_FATAL(d);
      CU_ASSERT_STRING_EQUAL(str(h, "maDonVi"), "11002");
      sortable(str(h, "capNhatLuc"), t);
      snprintf(key, sizeof(key), "%s %s", t, str(h, "maHoSoLT"));
      CU_ASSERT(strcmp(prev, key) < 0);
      snprintf(prev, sizeof(prev), "%s", key);
      code = cJSON_IsNumber(st) ? st->valueint : atoi(st->valuestring);
      CU_ASSERT(code == 1 || code == 2 || code == 3 || code == 4 || code == 6);
      /* mapped back, the national status of the model */
      CU_ASSERT_EQUAL(
        sim_ministry_to_national(code, ret && *ret),
        sim_ministry_to_national(sim_ministry_status(d->status), d->returned_at != 0));
      CU_ASSERT_EQUAL(sim_ministry_status(d->status), code);
      if (d->via_counter) {
        char a[64], b[64];

        sim_code_normalise(str(h, "maHoSoMCDT"), a, sizeof(a));
        sim_code_normalise(d->code, b, sizeof(b));
        CU_ASSERT_STRING_EQUAL(a, b);
        mcdt++;
      } else {
        CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(h, "maHoSoMCDT")));
      }
      CU_ASSERT(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(h, "soHoa")));
      CU_ASSERT(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(h, "lePhi")));
      CU_ASSERT(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(h, "boSung")));
      seen++;
    }
    next = cJSON_GetObjectItemCaseSensitive(j, "nextCursor");
    pages++;
    if (cJSON_IsNull(next)) {
      cJSON_Delete(j);
      sim_response_release(&r);
      break;
    }
    CU_ASSERT_FATAL(cJSON_IsString(next));
    snprintf(cursor, sizeof(cursor), "%s", next->valuestring);
    cJSON_Delete(j);
    sim_response_release(&r);
    CU_ASSERT_FATAL(pages < 500);
  }
  CU_ASSERT_EQUAL(seen, expect);
  CU_ASSERT(pages >= expect / 37);
  CU_ASSERT(mcdt > 10);
  sim_ministry_free(s);
  sim_model_release(&m);
}

static long count(struct sim_ministry *s, const char *since)
{
  struct sim_response r;
  cJSON *j = ministry_list(s, KEY, "10792", since, "1000", NULL, &r);
  long n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "value"));

  CU_ASSERT_EQUAL(r.status, 200);
  cJSON_Delete(j);
  sim_response_release(&r);
  return n;
}

static void test_offsets(void)
{
  struct sim_ministry_options o = { 0 };
  struct sim_model m;
  struct sim_ministry *s;
  long a;

  generate(&m, 42, 0, 0);
  s = sim_ministry_new(&m, &o, NULL);
  a = count(s, "2026-04-10T00:00:00+07:00");
  CU_ASSERT(a > 10 && a < count(s, NULL));
  CU_ASSERT_EQUAL(count(s, "2026-04-09T17:00:00Z"), a);
  CU_ASSERT_EQUAL(count(s, "2026-04-10T00:00:00"), a);
  CU_ASSERT_EQUAL(count(s, "2026-04-10T00:00:00 07:00"), a); /* '+' decoded */
  CU_ASSERT_EQUAL(count(s, "2026-04-10T01:00:00+0800"), a);
  CU_ASSERT_EQUAL(count(s, "2026-04-10T00:00:00.000+07:00"), a);
  sim_ministry_free(s);
  sim_model_release(&m);
}

static void test_render_plain(void)
{
  struct sim_ministry_options o = { .plain = true };
  struct sim_model m;
  struct sim_dossier *d;
  struct sim_ministry *s;
  cJSON *j;
  char *txt;

  d = example_dossier(&m);
  strcpy(d->ministry_code, "BTP-HT-2026-000123");
  strcpy(d->portal_code, d->ministry_code);
  d->origin = SIM_ORIGIN_MINISTRY;
  d->via_counter = true;
  d->channel = SIM_CHANNEL_ONLINE;
  d->nsupp = 1;
  d->supp[0].requested_at = T("2026-04-01T09:00:00");
  d->supp[0].completed_at = T("2026-04-01T15:00:00");
  d->ncomp = 1;
  d->comp[0].digitised = true;
  s = sim_ministry_new(&m, &o, NULL);
  j = sim_ministry_render(s, d);
  txt = cJSON_PrintUnformatted(j);
  CU_ASSERT_STRING_EQUAL(txt, "{\"maHoSoLT\":\"BTP-HT-2026-000123\","
                              "\"maHoSoMCDT\":\"H31.11002-260401-00012\",\"maTTHC\":\"1.001193\","
                              "\"tenTTHC\":\"Đăng ký khai sinh\",\"module\":\"KS\","
                              "\"maDonVi\":\"11002\",\"ngayTiepNhan\":\"01/04/2026 08:30:00\","
                              "\"hanXuLy\":\"03/04/2026 17:00:00\","
                              "\"thoiGianHoanThanh\":\"02/04/2026 10:00:00\","
                              "\"thoiGianTraKetQua\":\"02/04/2026 14:30:00\",\"trangThai\":4,"
                              "\"kenhNop\":\"TRUC_TUYEN\",\"soHoa\":{\"thanhPhan\":true,"
                              "\"ketQua\":false,\"taiSuDung\":false},\"lePhi\":{\"soTien\":0,"
                              "\"thanhToanTrucTuyen\":false},\"boSung\":[{\"yeuCau\":"
                              "\"01/04/2026 09:00:00\",\"hoanThanh\":\"01/04/2026 15:00:00\"}],"
                              "\"capNhatLuc\":\"02/04/2026 14:30:05\"}");
  free(txt);
  cJSON_Delete(j);
  /* national 7 and 8 show as refused (6), 6 and 2 as processing (3) */
  CU_ASSERT_EQUAL(sim_ministry_status(7), 6);
  CU_ASSERT_EQUAL(sim_ministry_status(8), 6);
  CU_ASSERT_EQUAL(sim_ministry_status(6), 3);
  CU_ASSERT_EQUAL(sim_ministry_status(5), 2);
  CU_ASSERT_EQUAL(sim_ministry_to_national(4, false), 9);
  CU_ASSERT_EQUAL(sim_ministry_to_national(4, true), 10);
  CU_ASSERT_EQUAL(sim_ministry_to_national(6, false), 3);
  CU_ASSERT_EQUAL(sim_ministry_to_national(2, false), 5);
  sim_ministry_free(s);
  sim_model_release(&m);
}

static void test_faults(void)
{
  struct sim_ministry_options o = { 0 };
  struct sim_model m;
  struct sim_faults f;
  struct sim_ministry *s;
  struct sim_response r;
  cJSON *j;
  char cursor[512];

  generate(&m, 42, 0, 0);
  sim_faults_init(&f, 3);
  s = sim_ministry_new(&m, &o, &f);
  /* cursor-expired only takes effect on a call with a cursor */
  CU_ASSERT_EQUAL(sim_faults_add(&f, "cursor-expired:1"), SIM_FAULT_OK);
  j = ministry_list(s, KEY, "11002", NULL, "10", NULL, &r);
  CU_ASSERT_STRING_EQUAL(str(j, "status"), "1");
  CU_ASSERT_PTR_NULL(r.fault);
  snprintf(cursor, sizeof(cursor), "%s", str(j, "nextCursor"));
  cJSON_Delete(j);
  sim_response_release(&r);
  j = ministry_list(s, KEY, "11002", NULL, "10", cursor, &r);
  CU_ASSERT_STRING_EQUAL(str(j, "status"), "0");
  CU_ASSERT_STRING_EQUAL(str(j, "errorCode"), "CURSOR_EXPIRED");
  CU_ASSERT_STRING_EQUAL(r.fault, "cursor-expired");
  cJSON_Delete(j);
  sim_response_release(&r);
  f.ppm[SIM_FAULT_CURSOR_EXPIRED] = 0;
  j = ministry_list(s, KEY, "11002", NULL, "10", cursor, &r); /* still valid */
  CU_ASSERT_STRING_EQUAL(str(j, "status"), "1");
  cJSON_Delete(j);
  sim_response_release(&r);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "sync-error:1"), SIM_FAULT_OK);
  j = ministry_list(s, KEY, "11002", NULL, "10", NULL, &r);
  CU_ASSERT_EQUAL(r.status, 200);
  CU_ASSERT_STRING_EQUAL(str(j, "status"), "0");
  CU_ASSERT_STRING_EQUAL(str(j, "errorCode"), "SYNC_ERROR");
  CU_ASSERT_PTR_NOT_NULL(str(j, "errorDescription"));
  CU_ASSERT_STRING_EQUAL(r.fault, "sync-error");
  cJSON_Delete(j);
  sim_response_release(&r);
  f.ppm[SIM_FAULT_SYNC_ERROR] = 0;
  CU_ASSERT_EQUAL(sim_faults_add(&f, "unavailable:1"), SIM_FAULT_OK);
  j = ministry_list(s, KEY, "11002", NULL, "10", NULL, &r);
  CU_ASSERT_EQUAL(r.status, 503);
  CU_ASSERT_EQUAL(r.retry_after, 1);
  cJSON_Delete(j);
  sim_response_release(&r);
  sim_ministry_free(s);
  sim_faults_release(&f);
  sim_model_release(&m);
}

static void test_malformed(void)
{
  struct sim_ministry_options o = { 0 };
  struct sim_model m;
  struct sim_faults f;
  struct sim_ministry *s;
  struct sim_response r;
  cJSON *j;
  long junk = 0, bad_utf8 = 0;
  const struct cJSON *v, *h;

  generate(&m, 42, 0, 0);
  sim_faults_init(&f, 3);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "malformed:10%"), SIM_FAULT_OK);
  s = sim_ministry_new(&m, &o, &f);
  j = ministry_list(s, KEY, NULL, NULL, "1000", NULL, &r);
  junk = r.malformed;
  CU_ASSERT(junk > 10);
  v = cJSON_GetObjectItemCaseSensitive(j, "value");
  cJSON_ArrayForEach(h, v)
  {
    const char *n = str(h, "tenTTHC");

    bad_utf8 += n && strstr(n, "\xc3\x28") != NULL;
  }
  CU_ASSERT(bad_utf8 > 0);
  cJSON_Delete(j);
  sim_response_release(&r);
  sim_ministry_free(s);
  sim_faults_release(&f);
  sim_model_release(&m);
}

static CU_TestInfo tests[] = { { "auth (403) and invalid parameters", test_auth_and_errors },
                               { "cursor paging, order, status mapping", test_cursor_paging },
                               { "capNhatTu offsets", test_offsets },
                               { "render plain", test_render_plain },
                               { "faults", test_faults },
                               { "malformed records", test_malformed },
                               CU_TEST_INFO_NULL };

CUNIT_MAIN("sim_ministry", tests)
