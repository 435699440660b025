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
#include "../sim/repr.h"

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

/* ---- representation (repr.h) ------------------------------------------------- */

static struct sim_ministry *repr_ministry(const struct sim_model *m, const struct sim_repr *rp)
{
  struct sim_ministry_options o = { .repr = *rp };
  struct sim_ministry *s = sim_ministry_new(m, &o, NULL);

  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  return s;
}

/* Key order drawn per record, the same JSON otherwise, and on every read. */
static void test_repr_keys(void)
{
  struct sim_repr canon = { 0 }, shuf = { .order = SIM_ORDER_SHUFFLED };
  struct sim_model m;
  struct sim_ministry *a, *b;
  unsigned n = 0, moved = 0, nested = 0;

  generate(&m, 42, 0, 0);
  a = repr_ministry(&m, &canon);
  b = repr_ministry(&m, &shuf);
  for (size_t i = 0; i < m.ndossiers; i++) {
    const struct sim_dossier *d = &m.dossiers[i];
    cJSON *x, *y, *y2;
    char *sx, *sy, *sy2, *hx, *hy;

    if (d->origin != SIM_ORIGIN_MINISTRY)
      continue;
    n++;
    x = sim_ministry_render(a, d);
    y = sim_ministry_render(b, d);
    y2 = sim_ministry_render(b, d);
    sx = cJSON_PrintUnformatted(x);
    sy = cJSON_PrintUnformatted(y);
    sy2 = cJSON_PrintUnformatted(y2);
    CU_ASSERT_STRING_EQUAL(sy, sy2);
    CU_ASSERT(cJSON_Compare(x, y, true));
    moved += strcmp(sx, sy) && strncmp(sx, sy, 12); /* the first key moved */
    hx = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(x, "soHoa"));
    hy = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(y, "soHoa"));
    nested += strcmp(hx, hy) != 0;
    free(sx);
    free(sy);
    free(sy2);
    free(hx);
    free(hy);
    cJSON_Delete(x);
    cJSON_Delete(y);
    cJSON_Delete(y2);
  }
  CU_ASSERT(n > 100);
  CU_ASSERT(moved > n * 8 / 10);
  CU_ASSERT(nested > n / 2);
  sim_ministry_free(a);
  sim_ministry_free(b);
  sim_model_release(&m);
}

/* Strings, numbers, booleans; absent forms; pretty and status 1 bodies. */
static void test_repr_values(void)
{
  struct sim_repr strs = { .scalars = SIM_SCALARS_STRINGS },
                  nums = { .scalars = SIM_SCALARS_NUMBERS },
                  missing = { .absent = SIM_ABSENT_MISSING },
                  empty = { .absent = SIM_ABSENT_EMPTY },
                  pretty = { .json = SIM_JSON_PRETTY, .scalars = SIM_SCALARS_NUMBERS };
  struct sim_ministry *s1, *s2, *s3, *s4, *s5;
  struct sim_model m;
  struct sim_response r;
  unsigned n = 0, open = 0;
  cJSON *j;

  generate(&m, 42, 0, 0);
  s1 = repr_ministry(&m, &strs);
  s2 = repr_ministry(&m, &nums);
  s3 = repr_ministry(&m, &missing);
  s4 = repr_ministry(&m, &empty);
  for (size_t i = 0; i < m.ndossiers; i++) {
    const struct sim_dossier *d = &m.dossiers[i];
    cJSON *a, *b, *c, *e;
    const cJSON *so, *sf;

    if (d->origin != SIM_ORIGIN_MINISTRY)
      continue;
    n++;
    a = sim_ministry_render(s1, d);
    b = sim_ministry_render(s2, d);
    c = sim_ministry_render(s3, d);
    e = sim_ministry_render(s4, d);
    CU_ASSERT(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(a, "trangThai")));
    CU_ASSERT(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(b, "trangThai")));
    CU_ASSERT(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(b, "maDonVi")));
    so = cJSON_GetObjectItemCaseSensitive(a, "soHoa");
    sf = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(a, "lePhi"), "soTien");
    CU_ASSERT(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(so, "thanhPhan")));
    CU_ASSERT(cJSON_IsString(sf));
    so = cJSON_GetObjectItemCaseSensitive(b, "soHoa");
    CU_ASSERT(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(so, "thanhPhan")));
    if (!d->via_counter) { /* maHoSoMCDT absent: null as always, or the form asked */
      CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(a, "maHoSoMCDT")));
      CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(c, "maHoSoMCDT"));
      CU_ASSERT_STRING_EQUAL(str(e, "maHoSoMCDT"), "");
    }
    if (d->nsupp && !d->supp[d->nsupp - 1].completed_at) {
      const cJSON *bs =
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "boSung"), d->nsupp - 1);

      open++;
      CU_ASSERT_PTR_NOT_NULL(bs);
      CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(bs, "hoanThanh"));
    }
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(c);
    cJSON_Delete(e);
  }
  CU_ASSERT(n > 100 && open > 0);
  s5 = repr_ministry(&m, &pretty);
  j = ministry_list(s5, KEY, "11002", NULL, "3", NULL, &r);
  CU_ASSERT_PTR_NOT_NULL(j);
  {
    static const char head[] = "{\n  \"status\": 1,\n  \"statusDescription\": \"OK\",\n";

    CU_ASSERT_EQUAL(strncmp(r.body, head, strlen(head)), 0);
  }
  CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "value")), 3);
  cJSON_Delete(j);
  sim_response_release(&r);
  sim_ministry_free(s1);
  sim_ministry_free(s2);
  sim_ministry_free(s3);
  sim_ministry_free(s4);
  sim_ministry_free(s5);
  sim_model_release(&m);
}

/* A refused (6) dossier with thoiGianHoanThanh = its stop time, or not;
 * never for a stop the model did not date. */
static void test_repr_stop(void)
{
  static const char *const modes[] = { "refusal+step", "end", "mixed" };
  struct sim_model m;

  generate(&m, 42, 0, 0);
  for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
    struct sim_repr rp = { 0 };
    struct sim_ministry *s;
    unsigned with = 0, without = 0, n = 0;

    CU_ASSERT_EQUAL_FATAL(sim_repr_parse(&rp, SIM_REPR_STOP, modes[k]), 0);
    s = repr_ministry(&m, &rp);
    for (size_t i = 0; i < m.ndossiers; i++) {
      struct sim_dossier d = m.dossiers[i];
      const char *done;
      char at[24];
      cJSON *j;

      if (d.origin != SIM_ORIGIN_MINISTRY || !d.received_at ||
          (d.status != 3 && d.status != 7 && d.status != 8))
        continue;
      if (!n++)
        d.refused_at = SIM_TIME_NONE; /* one the system did not date */
      j = sim_ministry_render(s, &d);
      CU_ASSERT(num(j, "trangThai") == 6 || !strcmp(str(j, "trangThai"), "6"));
      done = str(j, "thoiGianHoanThanh");
      done = done && *done ? done : NULL;
      if (!d.refused_at) {
        CU_ASSERT_PTR_NULL(done);
      } else if (done) {
        sim_format_dmy(d.refused_at, at);
        CU_ASSERT_STRING_EQUAL(done, at);
        with++;
      } else {
        without++;
      }
      cJSON_Delete(j);
    }
    CU_ASSERT(n > 5);
    if (k == 0) {
      CU_ASSERT(with == 0 && without > 0);
    } else if (k == 1) {
      CU_ASSERT(with > 0 && without == 0);
    } else {
      CU_ASSERT(with > 0 && without > 0);
    }
    sim_ministry_free(s);
  }
  sim_model_release(&m);
}

static CU_TestInfo tests[] = { { "auth (403) and invalid parameters", test_auth_and_errors },
                               { "cursor paging, order, status mapping", test_cursor_paging },
                               { "capNhatTu offsets", test_offsets },
                               { "render plain", test_render_plain },
                               { "faults", test_faults },
                               { "malformed records", test_malformed },
                               { "repr: key order", test_repr_keys },
                               { "repr: values, absent forms, bodies", test_repr_values },
                               { "repr: a refused dossier's end", test_repr_stop },
                               CU_TEST_INFO_NULL };

CUNIT_MAIN("sim_ministry", tests)
