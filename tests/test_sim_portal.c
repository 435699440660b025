/*
 * test_sim_portal - the portal simulator: records, listing, auth, faults,
 * and the HTTP daemon end to end on an ephemeral loopback port.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cunit_main.h"
#include "sim_fixture.h"
#include "../sim/generator.h"
#include "../sim/httpd.h"
#include "../sim/portal.h"
#include "../sim/repr.h"

static cJSON *list(struct sim_portal *p, const char *token, const char *xa, const char *tu,
                   const char *den, long page, long size, struct sim_response *r)
{
  char body[512];

  snprintf(body, sizeof(body),
           "{\"session\":\"%s\",\"madonvi\":\"" AGENCY "\","
           "\"service\":\"LayDanhSachHoSo\",\"MaXa\":\"%s\","
           "\"TuNgay\":\"%s\",\"DenNgay\":\"%s\",\"pageIndex\":%ld,"
           "\"pageSize\":%ld}",
           token, xa, tu, den, page, size);
  return portal_call(p, "/api/integration", NULL, body, r);
}

/* ---- rendering -------------------------------------------------------------- */

static void test_render_plain(void)
{
  struct sim_portal_options o = { .plain = true };
  struct sim_model m;
  struct sim_dossier *d;
  struct sim_portal *p;
  cJSON *j;
  char *s;

  d = example_dossier(&m);
  d->dept = d->proc->dept;
  d->channel = SIM_CHANNEL_ABSENT;
  d->submitted_at = T("2026-04-01T08:15:00");
  d->nsupp = 1;
  d->supp[0].requested_at = T("2026-04-01T09:00:00");
  d->supp[0].completed_at = T("2026-04-01T15:00:00");
  d->ncomp = 1;
  strcpy(d->comp[0].code, "TK_KS");
  d->comp[0].digitised = true;
  d->comp[0].reused = 1;
  d->nfees = 1;
  strcpy(d->fees[0].code, "LP_KS");
  d->nresults = 1;
  strcpy(d->results[0].code, "GKS");
  strcpy(d->results[0].link, "https://x.invalid/kq.pdf");
  d->rating = 1;

  p = sim_portal_new(&m, &o, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  j = sim_portal_render(p, d);
  CU_ASSERT_PTR_NOT_NULL_FATAL(j);
  s = cJSON_PrintUnformatted(j);
  CU_ASSERT_STRING_EQUAL(s, "{\"MaHoSo\":\"H31.11002-260401-00012\",\"NguonDongBo\":\"TTHC_TP\","
                            "\"MaTTHC\":\"1.001193\",\"TenTTHC\":\"Đăng ký khai sinh\","
                            "\"MaLinhVuc\":\"HT\",\"TenLinhVuc\":\"Hộ tịch\",\"MaXa\":\"11002\","
                            "\"MaDonViXuLy\":\"TTPVHCC\","
                            "\"DonViXuLy\":\"Trung tâm Phục vụ hành chính công\","
                            "\"NoiNopHoSo\":\"2\",\"NgayNopHoSo\":\"20260401081500\","
                            "\"NgayTiepNhan\":\"20260401083000\",\"NgayHenTra\":\"20260403170000\","
                            "\"NgayKetThucXuLy\":\"20260402100000\",\"NgayTra\":\"20260402143000\","
                            "\"TrangThaiHoSo\":\"10\",\"HoSoCoThanhPhanSoHoa\":\"1\","
                            "\"DuocThanhToanTrucTuyen\":\"0\","
                            "\"TaiLieuNop\":[{\"MaThanhPhanHoSo\":\"TK_KS\",\"DuocSoHoa\":\"1\","
                            "\"DuocTaiSuDung\":\"1\"}],"
                            "\"DanhSachLePhi\":[{\"MaPhiLePhi\":\"LP_KS\",\"Gia\":\"0\"}],"
                            "\"DanhSachGiayToKetQua\":[{\"MaGiayToKetQua\":\"GKS\","
                            "\"DuongDanTepTinKetQua\":\"https://x.invalid/kq.pdf\"}],"
                            "\"DanhSachHoSoBoSung\":[{\"NgayYeuCau\":\"20260401090000\","
                            "\"NgayHoanThanh\":\"20260401150000\"}],"
                            "\"DanhGiaHaiLong\":\"1\",\"NgayCapNhat\":\"20260402143005\"}");
  free(s);
  cJSON_Delete(j);
  sim_portal_free(p);
  sim_model_release(&m);
}

/* Over a generated model every variation of the contract shows up. */
static void test_render_variety(void)
{
  struct sim_portal_options o = { 0 };
  struct sim_model m;
  struct sim_portal *p;
  unsigned missing = 0, empty = 0, null = 0, numeric = 0, longcode = 0, shortcode = 0, lower = 0,
           bndp = 0, arrays_absent = 0;

  fx_model(&m, 42, NULL);
  p = sim_portal_new(&m, &o, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  for (size_t i = 0; i < m.ndossiers; i++) {
    cJSON *j = sim_portal_render(p, &m.dossiers[i]);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "NgayTra");
    const char *c = str(j, "MaTTHC"), *f = str(j, "MaLinhVuc");

    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    if (!m.dossiers[i].returned_at) {
      missing += !v;
      empty += cJSON_IsString(v) && !*v->valuestring;
      null += cJSON_IsNull(v);
    } else {
      CU_ASSERT(cJSON_IsString(v) && strlen(v->valuestring) == 14);
    }
    numeric += cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(j, "TrangThaiHoSo"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    longcode += strlen(c) > 8;
    shortcode += strlen(c) == 8;
    lower += f && f[0] >= 'a' && f[0] <= 'z';
    bndp += str(j, "MaHoSoBNDP") && *str(j, "MaHoSoBNDP");
    arrays_absent += !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "DanhSachHoSoBoSung"));
    CU_ASSERT_STRING_EQUAL(str(j, "MaXa"), m.dossiers[i].commune);
    cJSON_Delete(j);
  }
  CU_ASSERT(missing > 0 && empty > 0 && null > 0);
  CU_ASSERT(numeric > 0 && longcode > 0 && shortcode > 0);
  CU_ASSERT(lower > 0 && bndp > 0 && arrays_absent > 0);
  sim_portal_free(p);
  sim_model_release(&m);
}

/* ---- auth and errors ------------------------------------------------------ */

static void test_auth(void)
{
  struct sim_portal_options o = { .username = "u", .password = "p" };
  struct sim_model m;
  struct sim_portal *p;
  struct sim_response r;
  cJSON *j;

  sim_model_init(&m, T("2026-05-05"));
  p = sim_portal_new(&m, &o, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  j = portal_call(p, "/api/auth", AGENCY, "{\"username\":\"u\",\"password\":\"p\"}", &r);
  CU_ASSERT_EQUAL(r.status, 200);
  CU_ASSERT_STRING_EQUAL(str(j, "error_code"), "0");
  CU_ASSERT_EQUAL(strlen(str(j, "session")), 32);
  cJSON_Delete(j);
  sim_response_release(&r);

  j = portal_call(p, "/api/auth", AGENCY, "{\"username\":\"u\",\"password\":\"x\"}", &r);
  CU_ASSERT_EQUAL(r.status, 200);
  CU_ASSERT_STRING_EQUAL(str(j, "error_code"), "401");
  CU_ASSERT_STRING_EQUAL(str(j, "message"), "Sai tên đăng nhập hoặc mật khẩu");
  CU_ASSERT_PTR_NULL(str(j, "session"));
  cJSON_Delete(j);
  sim_response_release(&r);

  j = portal_call(p, "/api/auth", "000.00.00.H99", "{\"username\":\"u\",\"password\":\"p\"}", &r);
  CU_ASSERT_STRING_EQUAL(str(j, "error_code"), "401");
  cJSON_Delete(j);
  sim_response_release(&r);
  j = portal_call(p, "/api/auth", NULL, "{\"username\":\"u\",\"password\":\"p\"}", &r);
  CU_ASSERT_STRING_EQUAL(str(j, "error_code"), "401");
  cJSON_Delete(j);
  sim_response_release(&r);

  j = portal_call(p, "/api/auth", AGENCY, "{\"username\":", &r);
  CU_ASSERT_EQUAL(r.status, 400);
  cJSON_Delete(j);
  sim_response_release(&r);
  j = portal_call(p, "/api/nope", AGENCY, "{}", &r);
  CU_ASSERT_EQUAL(r.status, 404);
  cJSON_Delete(j);
  sim_response_release(&r);
  {
    struct sim_request q = { "GET", "/api/auth", "", 0, NULL, NULL };

    sim_response_init(&r);
    sim_portal_handle(p, &q, &r);
    CU_ASSERT_EQUAL(r.status, 405);
    sim_response_release(&r);
  }
  sim_portal_free(p);
  sim_model_release(&m);
}

static void expect_code(struct sim_portal *p, const char *body, const char *code)
{
  struct sim_response r;
  cJSON *j = portal_call(p, "/api/integration", NULL, body, &r);

  CU_ASSERT_EQUAL(r.status, 200);
  CU_ASSERT_PTR_NOT_NULL_FATAL(j);
  CU_ASSERT_STRING_EQUAL(str(j, "error_code"), code);
  CU_ASSERT_STRING_EQUAL(r.error_code, code);
  cJSON_Delete(j);
  sim_response_release(&r);
}

static void test_listing_errors(void)
{
  struct sim_portal_options o = { 0 };
  struct sim_model m;
  struct sim_portal *p;
  struct sim_response r;
  char tok[64], body[512];
  cJSON *j;

  fx_model(&m, 1, NULL);
  p = sim_portal_new(&m, &o, NULL);
  portal_login(p, tok);
  expect_code(p, "{\"service\":\"LayDanhSachHoSo\"}", "99");
  expect_code(p, "{\"session\":\"nope\",\"service\":\"LayDanhSachHoSo\"}", "99");
#define B(extra) (snprintf(body, sizeof(body), "{\"session\":\"%s\"," extra "}", tok), body)
  expect_code(p, B("\"service\":\"LayChiTietHoSo\""), "2");
  expect_code(p, B("\"service\":\"LayDanhSachHoSo\",\"pageIndex\":0"), "2");
  expect_code(p, B("\"service\":\"LayDanhSachHoSo\",\"pageSize\":0"), "2");
  expect_code(p, B("\"service\":\"LayDanhSachHoSo\",\"pageSize\":\"x\""), "2");
  expect_code(p, B("\"service\":\"LayDanhSachHoSo\",\"TuNgay\":\"2026\""), "2");
  expect_code(p, B("\"service\":\"LayDanhSachHoSo\",\"DenNgay\":\"20261340000000\""), "2");
  expect_code(p, B("\"service\":\"LayDanhSachHoSo\",\"MaXa\":\"123\""), "2");
  /* Strings and numbers are the same scalar. */
  expect_code(p,
              B("\"service\":\"LayDanhSachHoSo\",\"pageIndex\":\"2\","
                "\"pageSize\":\"10\",\"MaXa\":11002,"
                "\"TuNgay\":20260401000000"),
              "0");
#undef B
  j = portal_call(p, "/api/integration", NULL, "[1,2]", &r);
  CU_ASSERT_EQUAL(r.status, 400);
  cJSON_Delete(j);
  sim_response_release(&r);
  j = portal_call(p, "/api/integration", NULL, "not json", &r);
  CU_ASSERT_EQUAL(r.status, 400);
  cJSON_Delete(j);
  sim_response_release(&r);
  sim_portal_free(p);
  sim_model_release(&m);
}

static void test_session_expiry(void)
{
  struct sim_portal_options o = { .session_ttl = 1 };
  struct timespec ts = { 1, 200 * 1000000L };
  struct sim_model m;
  struct sim_portal *p;
  struct sim_response r;
  char tok[64];
  cJSON *j;

  fx_model(&m, 1, NULL);
  p = sim_portal_new(&m, &o, NULL);
  portal_login(p, tok);
  j = list(p, tok, "11002", "", "", 1, 5, &r);
  CU_ASSERT_STRING_EQUAL(str(j, "error_code"), "0");
  cJSON_Delete(j);
  sim_response_release(&r);
  nanosleep(&ts, NULL);
  j = list(p, tok, "11002", "", "", 1, 5, &r);
  CU_ASSERT_STRING_EQUAL(str(j, "error_code"), "99");
  cJSON_Delete(j);
  sim_response_release(&r);
  sim_portal_free(p);
  sim_model_release(&m);
}

/* ---- listing: filters, order, paging ---------------------------------------- */

static void test_paging(void)
{
  struct sim_portal_options o = { 0 };
  struct sim_model m;
  struct sim_portal *p;
  struct sim_response r;
  char tok[64], prev_t[16] = "", prev_c[48] = "";
  const char *tu = "20260401000000", *den = "20260430235959";
  sim_time from = T("2026-04-01T00:00:00"), to = T("2026-04-30T23:59:59");
  long expect = 0, seen = 0, total = -1;

  fx_model(&m, 42, NULL);
  for (size_t i = 0; i < m.ndossiers; i++)
    expect += !strcmp(m.dossiers[i].commune, "11002") && m.dossiers[i].updated_at >= from &&
              m.dossiers[i].updated_at <= to;
  CU_ASSERT(expect > 300);
  p = sim_portal_new(&m, &o, NULL);
  portal_login(p, tok);
  for (long page = 1;; page++) {
    cJSON *j = list(p, tok, "11002", tu, den, page, 97, &r), *h;
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(j, "result");

    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(str(j, "error_code"), "0");
    CU_ASSERT_STRING_EQUAL(str(j, "message"), "Thành công");
    CU_ASSERT_EQUAL(num(j, "pageIndex"), page);
    CU_ASSERT_EQUAL(num(j, "pageSize"), 97);
    if (total < 0)
      total = (long)num(j, "total");
    CU_ASSERT_EQUAL(num(j, "total"), total);
    CU_ASSERT_FATAL(cJSON_IsArray(res));
    if (cJSON_GetArraySize(res) == 0) {
      cJSON_Delete(j);
      sim_response_release(&r);
      break;
    }
    CU_ASSERT(cJSON_GetArraySize(res) <= 97);
    cJSON_ArrayForEach(h, res)
    {
      const char *t = str(h, "NgayCapNhat"), *c = str(h, "MaHoSo");
      int ct;

      CU_ASSERT_PTR_NOT_NULL_FATAL(t);
      CU_ASSERT_PTR_NOT_NULL_FATAL(c);
      CU_ASSERT_STRING_EQUAL(str(h, "MaXa"), "11002");
      CU_ASSERT(strcmp(t, tu) >= 0 && strcmp(t, den) <= 0);
      ct = strcmp(prev_t, t);
      CU_ASSERT(ct < 0 || (ct == 0 && strcmp(prev_c, c) < 0));
      snprintf(prev_t, sizeof(prev_t), "%s", t);
      snprintf(prev_c, sizeof(prev_c), "%s", c);
      seen++;
    }
    cJSON_Delete(j);
    sim_response_release(&r);
    CU_ASSERT_FATAL(page < 1000);
  }
  CU_ASSERT_EQUAL(total, expect);
  CU_ASSERT_EQUAL(seen, expect);

  /* pageSize above 1000 is clamped, and says so. */
  {
    cJSON *j = list(p, tok, "11002", "", "", 1, 5000, &r);

    CU_ASSERT_EQUAL(num(j, "pageSize"), 1000);
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItem(j, "result")), 1000);
    CU_ASSERT(num(j, "total") > 1000);
    cJSON_Delete(j);
    sim_response_release(&r);
  }
  sim_portal_free(p);
  sim_model_release(&m);
}

/* Both bounds are inclusive, to the second. */
static void test_bounds_inclusive(void)
{
  struct sim_portal_options o = { 0 };
  struct sim_model m;
  struct sim_portal *p;
  struct sim_response r;
  const struct sim_dossier *d;
  char tok[64], t[16], t1[16];
  cJSON *j;

  fx_model(&m, 7, NULL);
  d = &m.dossiers[m.ndossiers / 2];
  sim_format_compact(d->updated_at, t);
  sim_format_compact(d->updated_at - 1, t1);
  p = sim_portal_new(&m, &o, NULL);
  portal_login(p, tok);
  j = list(p, tok, d->commune, t, t, 1, 1000, &r);
  CU_ASSERT(num(j, "total") >= 1);
  {
    bool found = false;
    const cJSON *h;

    cJSON_ArrayForEach(h, cJSON_GetObjectItem(j, "result"))
    {
      found |= !strcmp(str(h, "MaHoSo"), d->portal_code);
      CU_ASSERT_STRING_EQUAL(str(h, "NgayCapNhat"), t);
    }
    CU_ASSERT(found);
  }
  cJSON_Delete(j);
  sim_response_release(&r);
  j = list(p, tok, d->commune, t1, t1, 1, 1000, &r);
  {
    const cJSON *h;

    cJSON_ArrayForEach(h, cJSON_GetObjectItem(j, "result"))
      CU_ASSERT_STRING_EQUAL(str(h, "NgayCapNhat"), t1);
  }
  cJSON_Delete(j);
  sim_response_release(&r);
  /* A page past the end: empty, with the total. */
  j = list(p, tok, d->commune, "", "", 10000, 10, &r);
  CU_ASSERT_STRING_EQUAL(str(j, "error_code"), "0");
  CU_ASSERT(num(j, "total") > 0);
  CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItem(j, "result")), 0);
  cJSON_Delete(j);
  sim_response_release(&r);
  sim_portal_free(p);
  sim_model_release(&m);
}

/* Same flags, same bytes. */
static void test_byte_identical(void)
{
  struct sim_portal_options o = { .seed = 42 };
  struct sim_model a, b;
  struct sim_portal *pa, *pb;
  struct sim_response ra, rb;
  char ta[64], tb[64];
  cJSON *ja, *jb;

  fx_model(&a, 42, NULL);
  fx_model(&b, 42, NULL);
  pa = sim_portal_new(&a, &o, NULL);
  pb = sim_portal_new(&b, &o, NULL);
  portal_login(pa, ta);
  portal_login(pb, tb);
  CU_ASSERT_STRING_EQUAL(ta, tb); /* tokens are seeded too */
  for (long page = 1; page <= 3; page++) {
    ja = list(pa, ta, "10792", "", "", page, 300, &ra);
    jb = list(pb, tb, "10792", "", "", page, 300, &rb);
    CU_ASSERT_EQUAL(ra.len, rb.len);
    CU_ASSERT(ra.len == rb.len && !memcmp(ra.body, rb.body, ra.len));
    cJSON_Delete(ja);
    cJSON_Delete(jb);
    sim_response_release(&ra);
    sim_response_release(&rb);
  }
  sim_portal_free(pa);
  sim_portal_free(pb);
  sim_model_release(&a);
  sim_model_release(&b);
}

/* ---- faults ----------------------------------------------------------------- */

static void test_fault_parsing(void)
{
  struct sim_faults f;

  sim_faults_init(&f, 1);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "http-5xx:0.5"), SIM_FAULT_OK);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "stall:25%"), SIM_FAULT_OK);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "reset:0.3"), SIM_FAULT_BAD_RATE);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "reset:1.5"), SIM_FAULT_BAD_RATE);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "reset:-0.1"), SIM_FAULT_BAD_RATE);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "reset:x"), SIM_FAULT_BAD_RATE);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "nope:0.1"), SIM_FAULT_BAD_NAME);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "reset"), SIM_FAULT_BAD_NAME);
  /* Re-setting a rate replaces it. */
  CU_ASSERT_EQUAL(sim_faults_add(&f, "http-5xx:0.75"), SIM_FAULT_OK);
  CU_ASSERT_EQUAL(f.ppm[SIM_FAULT_HTTP_5XX], 750000);
  sim_faults_release(&f);
}

static void test_fault_rates(void)
{
  struct sim_faults f, g;
  unsigned hits = 0, same = 0;

  sim_faults_init(&f, 3);
  sim_faults_init(&g, 3);
  sim_faults_add(&f, "error-1:0.2");
  sim_faults_add(&g, "error-1:0.2");
  for (int i = 0; i < 10000; i++) {
    struct sim_fault_hit a = sim_faults_roll(&f, SIM_FAULTS_ALL);
    struct sim_fault_hit b = sim_faults_roll(&g, SIM_FAULTS_ALL);

    hits += a.kind == SIM_FAULT_ERROR_1;
    same += a.kind == b.kind;
    /* Outside the allowed mask: none, but the draw is spent. */
  }
  CU_ASSERT(hits > 1800 && hits < 2200);
  CU_ASSERT_EQUAL(same, 10000);
  CU_ASSERT_EQUAL(sim_faults_roll(&f, SIM_FAULTS_TRANSPORT).kind == SIM_FAULT_ERROR_1, 0);
  CU_ASSERT_EQUAL(sim_faults_roll(NULL, SIM_FAULTS_ALL).kind, SIM_FAULT_NONE);
  sim_faults_release(&f);
  sim_faults_release(&g);
}

/* A portal where every request meets `fault`; r holds a listing answer. */
static cJSON *faulty_listing(const char *fault, struct sim_response *r, bool *second_ok)
{
  struct sim_portal_options o = { 0 };
  struct sim_faults f;
  struct sim_model m;
  struct sim_portal *p;
  char tok[64];
  cJSON *j;

  fx_model(&m, 2, NULL);
  sim_faults_init(&f, 1);
  f.stall_ms = 1234;
  f.retry_after = 7;
  p = sim_portal_new(&m, &o, &f);
  portal_login(p, tok); /* no faults yet */
  CU_ASSERT_EQUAL(sim_faults_add(&f, fault), SIM_FAULT_OK);
  j = list(p, tok, "11002", "", "", 1, 10, r);
  if (second_ok) { /* after the fault, is the session alive? */
    struct sim_response r2;
    cJSON *j2;

    f.ppm[SIM_FAULT_SESSION] = 0;
    j2 = list(p, tok, "11002", "", "", 1, 10, &r2);
    *second_ok = j2 && str(j2, "error_code") && !strcmp(str(j2, "error_code"), "0");
    cJSON_Delete(j2);
    sim_response_release(&r2);
  }
  sim_portal_free(p);
  sim_faults_release(&f);
  sim_model_release(&m);
  return j;
}

static void test_faults_rendered(void)
{
  struct sim_response r;
  bool alive = true;
  cJSON *j;

  j = faulty_listing("http-5xx:1", &r, NULL);
  CU_ASSERT(r.status == 502 || r.status == 503 || r.status == 504);
  CU_ASSERT_STRING_EQUAL(r.content_type, "text/html");
  CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "<html>"));
  CU_ASSERT_PTR_NULL(j);
  CU_ASSERT_STRING_EQUAL(r.fault, "http-5xx");
  sim_response_release(&r);

  j = faulty_listing("rate-limit:1", &r, NULL);
  CU_ASSERT_EQUAL(r.status, 429);
  CU_ASSERT_EQUAL(r.retry_after, 7);
  sim_response_release(&r);
  j = faulty_listing("unavailable:1", &r, NULL);
  CU_ASSERT_EQUAL(r.status, 503);
  CU_ASSERT_EQUAL(r.retry_after, 7);
  sim_response_release(&r);

  j = faulty_listing("error-1:1", &r, NULL);
  CU_ASSERT_EQUAL(r.status, 200);
  CU_ASSERT_STRING_EQUAL(str(j, "error_code"), "-1");
  CU_ASSERT_STRING_EQUAL(r.fault, "error-1");
  cJSON_Delete(j);
  sim_response_release(&r);

  j = faulty_listing("session-expired:1", &r, &alive);
  CU_ASSERT_STRING_EQUAL(str(j, "error_code"), "99");
  CU_ASSERT_STRING_EQUAL(r.fault, "session-expired");
  CU_ASSERT(!alive); /* the session really ended */
  cJSON_Delete(j);
  sim_response_release(&r);

  j = faulty_listing("numeric-code:1", &r, NULL);
  CU_ASSERT(cJSON_IsNumber(cJSON_GetObjectItem(j, "error_code")));
  CU_ASSERT_EQUAL(num(j, "error_code"), 0);
  CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItem(j, "result")), 10);
  cJSON_Delete(j);
  sim_response_release(&r);

  j = faulty_listing("truncate:1", &r, NULL);
  CU_ASSERT(r.truncate && r.status == 200);
  cJSON_Delete(j);
  sim_response_release(&r);
  j = faulty_listing("reset:1", &r, NULL);
  CU_ASSERT(r.reset);
  cJSON_Delete(j);
  sim_response_release(&r);
  j = faulty_listing("stall:1", &r, NULL);
  CU_ASSERT_EQUAL(r.stall_ms, 1234);
  CU_ASSERT_STRING_EQUAL(str(j, "error_code"), "0");
  cJSON_Delete(j);
  sim_response_release(&r);
}

/* ---- over HTTP ----------------------------------------------------------------- */

/* Send a raw request, read until the server closes; returns bytes read. */
static size_t http(unsigned port, const char *path, const char *body, char *out, size_t outlen)
{
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
  char req[2048];
  size_t got = 0;
  ssize_t n;
  int fd = socket(AF_INET, SOCK_STREAM, 0);

  CU_ASSERT_FATAL(fd >= 0);
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  CU_ASSERT_EQUAL_FATAL(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
  snprintf(req, sizeof(req),
           "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
           "dstcode: " AGENCY "\r\nContent-Type: application/json\r\n"
           "Content-Length: %zu\r\n\r\n%s",
           path, strlen(body), body);
  CU_ASSERT_EQUAL(write(fd, req, strlen(req)), (ssize_t)strlen(req));
  while (got + 1 < outlen && (n = read(fd, out + got, outlen - 1 - got)) > 0)
    got += (size_t)n;
  out[got] = '\0';
  close(fd);
  return got;
}

/* Case-insensitive substring search (header names). */
static const char *find_ci(const char *hay, const char *needle)
{
  size_t n = strlen(needle);

  for (; *hay; hay++)
    if (strncasecmp(hay, needle, n) == 0)
      return hay;
  return NULL;
}

static const char *body_of(const char *resp)
{
  const char *b = strstr(resp, "\r\n\r\n");

  return b ? b + 4 : "";
}

static void test_daemon(void)
{
  static const char login_body[] = "{\"username\":\"demo\",\"password\":\"demo-secret\"}";
  struct sim_portal_options o = { 0 };
  char logpath[] = "/tmp/test_sim_portal_log_XXXXXX";
  struct sim_faults f;
  struct sim_model m;
  struct sim_portal *p;
  struct sim_reqlog *log;
  struct sim_httpd *h;
  char body[512], tok[64], line[512];
  char *resp = malloc(1 << 20);
  struct timespec t0, t1;
  const char *cl;
  cJSON *j;
  FILE *fp;
  int lines = 0, fd = mkstemp(logpath);

  CU_ASSERT_FATAL(fd >= 0 && resp);
  close(fd);
  fx_model(&m, 42, NULL);
  sim_faults_init(&f, 1);
  f.stall_ms = 300;
  p = sim_portal_new(&m, &o, &f);
  log = sim_reqlog_open(logpath);
  CU_ASSERT_PTR_NOT_NULL_FATAL(log);
  h = serve(sim_portal_handler, p, log);
  CU_ASSERT(sim_httpd_port(h) > 0);

  http(sim_httpd_port(h), "/api/auth", login_body, resp, 1 << 20);
  CU_ASSERT(!strncmp(resp, "HTTP/1.1 200", 12));
  j = cJSON_Parse(body_of(resp));
  CU_ASSERT_PTR_NOT_NULL_FATAL(j);
  snprintf(tok, sizeof(tok), "%s", str(j, "session"));
  cJSON_Delete(j);
  snprintf(body, sizeof(body),
           "{\"session\":\"%s\",\"service\":"
           "\"LayDanhSachHoSo\",\"MaXa\":\"11002\",\"pageIndex\":2,"
           "\"pageSize\":50}",
           tok);
  http(sim_httpd_port(h), "/api/integration", body, resp, 1 << 20);
  CU_ASSERT(!strncmp(resp, "HTTP/1.1 200", 12));
  CU_ASSERT_PTR_NOT_NULL(find_ci(resp, "content-type: application/json"));
  j = cJSON_Parse(body_of(resp));
  CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItem(j, "result")), 50);
  cJSON_Delete(j);
  http(sim_httpd_port(h), "/api/integration", "{oops", resp, 1 << 20);
  CU_ASSERT(!strncmp(resp, "HTTP/1.1 400", 12));

  /* Faults on the wire. */
  sim_faults_add(&f, "rate-limit:1");
  http(sim_httpd_port(h), "/api/integration", body, resp, 1 << 20);
  CU_ASSERT(!strncmp(resp, "HTTP/1.1 429", 12));
  CU_ASSERT_PTR_NOT_NULL(find_ci(resp, "retry-after: 1\r\n"));
  f.ppm[SIM_FAULT_RATE_LIMIT] = 0;
  sim_faults_add(&f, "truncate:1");
  http(sim_httpd_port(h), "/api/integration", body, resp, 1 << 20);
  cl = find_ci(resp, "content-length: ");
  CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
  CU_ASSERT(strlen(body_of(resp)) < strtoul(cl + 16, NULL, 10));
  CU_ASSERT(strlen(body_of(resp)) > 0);
  f.ppm[SIM_FAULT_TRUNCATE] = 0;
  sim_faults_add(&f, "reset:1");
  CU_ASSERT_EQUAL(http(sim_httpd_port(h), "/api/integration", body, resp, 1 << 20), 0);
  f.ppm[SIM_FAULT_RESET] = 0;
  sim_faults_add(&f, "stall:1");
  clock_gettime(CLOCK_MONOTONIC, &t0);
  http(sim_httpd_port(h), "/api/integration", body, resp, 1 << 20);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  CU_ASSERT(!strncmp(resp, "HTTP/1.1 200", 12));
  CU_ASSERT((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 290);
  f.ppm[SIM_FAULT_STALL] = 0;

  sim_httpd_stop(h);
  sim_reqlog_close(log);

  /* One JSON line per answered request, in order. */
  fp = fopen(logpath, "r");
  CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
  while (fgets(line, sizeof(line), fp)) {
    static const char *const expect[][4] = {
      /* path, status, error_code, fault */
      { "/api/auth", "200", "0", NULL },
      { "/api/integration", "200", "0", NULL },
      { "/api/integration", "400", "400", NULL },
      { "/api/integration", "429", NULL, "rate-limit" },
      { "/api/integration", "200", "0", "truncate" },
      { "/api/integration", "0", NULL, "reset" },
      { "/api/integration", "200", "0", "stall" },
    };
    cJSON *l = cJSON_Parse(line);
    char st[8];

    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    CU_ASSERT_FATAL(lines < 7);
    snprintf(st, sizeof(st), "%d", (int)num(l, "status"));
    CU_ASSERT_STRING_EQUAL(str(l, "method"), "POST");
    CU_ASSERT_PTR_NOT_NULL(str(l, "time"));
    CU_ASSERT_STRING_EQUAL(str(l, "path"), expect[lines][0]);
    CU_ASSERT_STRING_EQUAL(st, expect[lines][1]);
    if (expect[lines][2]) {
      CU_ASSERT_STRING_EQUAL(str(l, "error_code"), expect[lines][2]);
    } else {
      CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItem(l, "error_code")));
    }
    if (expect[lines][3]) {
      CU_ASSERT_STRING_EQUAL(str(l, "fault"), expect[lines][3]);
    } else {
      CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItem(l, "fault")));
    }
    if (lines == 1) {
      CU_ASSERT_STRING_EQUAL(str(l, "service"), "LayDanhSachHoSo");
      CU_ASSERT_EQUAL(num(l, "pageIndex"), 2);
    }
    cJSON_Delete(l);
    lines++;
  }
  CU_ASSERT_EQUAL(lines, 7);
  fclose(fp);
  unlink(logpath);
  free(resp);
  sim_portal_free(p);
  sim_faults_release(&f);
  sim_model_release(&m);
}

static void test_bad_bind(void)
{
  struct sim_httpd_options ho = { .bind = "localhost", .port = 0, .handler = sim_portal_handler };
  struct sim_httpd *h;
  char err[128];

  CU_ASSERT_EQUAL(sim_httpd_start(&ho, &h, err, sizeof(err)), SIM_HTTPD_BAD_BIND);
  CU_ASSERT_PTR_NULL(h);
}

/* ---- representation (repr.h) ------------------------------------------------- */

static struct sim_portal *repr_portal(const struct sim_model *m, const struct sim_repr *rp)
{
  struct sim_portal_options o = { .seed = 42, .repr = *rp };
  struct sim_portal *p = sim_portal_new(m, &o, NULL);

  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  return p;
}

/* The member names of o joined by ' '. */
static void keys(const cJSON *o, char *out, size_t n)
{
  size_t len = 0;

  out[0] = '\0';
  for (const cJSON *c = o ? o->child : NULL; c && len < n; c = c->next)
    len += (size_t)snprintf(out + len, n - len, "%s ", c->string);
}

/* Key order drawn per record (nested objects too); the same on every read. */
static void test_repr_keys(void)
{
  struct sim_repr canon = { 0 }, shuf = { .order = SIM_ORDER_SHUFFLED };
  struct sim_model m;
  struct sim_portal *a, *b;
  unsigned n = 0, moved = 0, nested = 0, items = 0;

  fx_model(&m, 42, NULL);
  a = repr_portal(&m, &canon);
  b = repr_portal(&m, &shuf);
  for (size_t i = 0; i < m.ndossiers && n < 400; i++, n++) {
    cJSON *x = sim_portal_render(a, &m.dossiers[i]), *y = sim_portal_render(b, &m.dossiers[i]);
    cJSON *y2 = sim_portal_render(b, &m.dossiers[i]);
    char *sy = cJSON_PrintUnformatted(y), *sy2 = cJSON_PrintUnformatted(y2);
    char kx[1024], ky[1024];
    const cJSON *tx = cJSON_GetObjectItemCaseSensitive(x, "TaiLieuNop");
    const cJSON *ty = cJSON_GetObjectItemCaseSensitive(y, "TaiLieuNop");

    CU_ASSERT_STRING_EQUAL(sy, sy2);
    CU_ASSERT(cJSON_Compare(x, y, true)); /* the same members and values */
    keys(x, kx, sizeof(kx));
    keys(y, ky, sizeof(ky));
    moved += strcmp(kx, ky) != 0;
    for (int k = 0; k < cJSON_GetArraySize(tx); k++) {
      keys(cJSON_GetArrayItem(tx, k), kx, sizeof(kx));
      keys(cJSON_GetArrayItem(ty, k), ky, sizeof(ky));
      items++;
      nested += strcmp(kx, ky) != 0;
    }
    free(sy);
    free(sy2);
    cJSON_Delete(x);
    cJSON_Delete(y);
    cJSON_Delete(y2);
  }
  CU_ASSERT(moved > n * 9 / 10);
  CU_ASSERT(items > 100 && nested > items / 2);
  sim_portal_free(a);
  sim_portal_free(b);
  sim_model_release(&m);
}

static bool is_num(const cJSON *o, const char *name)
{
  return cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, name));
}

/* A string with a value ("" is an absent value, not a string scalar). */
static bool is_str(const cJSON *o, const char *name)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

  return cJSON_IsString(v) && *v->valuestring;
}

/* Strings or numbers for every scalar the spec allows either way. */
static void test_repr_scalars(void)
{
  static const char *const fields[] = { "TrangThaiHoSo",          "NoiNopHoSo",  "MaXa",
                                        "DuocThanhToanTrucTuyen", "NgayCapNhat", "NgayTiepNhan",
                                        "HoSoCoThanhPhanSoHoa" };
  static const enum sim_scalars modes[] = { SIM_SCALARS_STRINGS, SIM_SCALARS_NUMBERS,
                                            SIM_SCALARS_VARIED };
  struct sim_model m;

  fx_model(&m, 42, NULL);
  for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
    struct sim_repr rp = { .scalars = modes[k] };
    struct sim_portal *p = repr_portal(&m, &rp);
    unsigned nums = 0, strs = 0, gia_num = 0, gia_str = 0;

    for (size_t i = 0; i < m.ndossiers && i < 400; i++) {
      cJSON *j = sim_portal_render(p, &m.dossiers[i]);
      const cJSON *fees = cJSON_GetObjectItemCaseSensitive(j, "DanhSachLePhi"), *f;

      if (!cJSON_IsArray(fees))
        fees = NULL;

      for (size_t q = 0; q < sizeof(fields) / sizeof(fields[0]); q++) {
        nums += is_num(j, fields[q]);
        strs += is_str(j, fields[q]);
      }
      cJSON_ArrayForEach(f, fees)
      {
        gia_num += is_num(f, "Gia");
        gia_str += is_str(f, "Gia");
      }
      CU_ASSERT(is_str(j, "MaHoSo") && is_str(j, "TenTTHC")); /* text stays text */
      cJSON_Delete(j);
    }
    if (modes[k] == SIM_SCALARS_STRINGS) {
      CU_ASSERT(strs > 2000 && nums == 0 && gia_num == 0 && gia_str > 0);
    } else if (modes[k] == SIM_SCALARS_NUMBERS) {
      CU_ASSERT(nums > 2000 && strs == 0 && gia_str == 0 && gia_num > 0);
    } else {
      CU_ASSERT(nums > 500 && strs > 500 && gia_num > 0 && gia_str > 0);
    }
    sim_portal_free(p);
  }
  sim_model_release(&m);
}

/* Every absent form on demand (NgayTra of a dossier not returned). */
static void test_repr_absent(void)
{
  static const enum sim_absent modes[] = { SIM_ABSENT_NULL, SIM_ABSENT_EMPTY, SIM_ABSENT_MISSING,
                                           SIM_ABSENT_VARIED };
  struct sim_model m;

  fx_model(&m, 42, NULL);
  for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
    struct sim_repr rp = { .absent = modes[k] };
    struct sim_portal *p = repr_portal(&m, &rp);
    unsigned null = 0, empty = 0, missing = 0, n = 0;

    for (size_t i = 0; i < m.ndossiers; i++) {
      cJSON *j;
      const cJSON *v;

      if (m.dossiers[i].returned_at)
        continue;
      j = sim_portal_render(p, &m.dossiers[i]);
      v = cJSON_GetObjectItemCaseSensitive(j, "NgayTra");
      n++;
      null += cJSON_IsNull(v);
      empty += cJSON_IsString(v) && !*v->valuestring;
      missing += !v;
      cJSON_Delete(j);
    }
    CU_ASSERT(n > 50);
    switch (modes[k]) {
    case SIM_ABSENT_NULL: CU_ASSERT_EQUAL(null, n); break;
    case SIM_ABSENT_EMPTY: CU_ASSERT_EQUAL(empty, n); break;
    case SIM_ABSENT_MISSING: CU_ASSERT_EQUAL(missing, n); break;
    default: CU_ASSERT(null > 0 && empty > 0 && missing > 0); break;
    }
    sim_portal_free(p);
  }
  sim_model_release(&m);
}

/* A listing page's raw answer from a portal in representation rp. */
static void repr_listing(const struct sim_model *m, const struct sim_repr *rp,
                         struct sim_response *r)
{
  struct sim_portal *p = repr_portal(m, rp);
  struct sim_response ra;
  char body[256];
  cJSON *j = portal_call(p, "/api/auth", AGENCY,
                         "{\"username\":\"demo\",\"password\":\"demo-secret\"}", &ra);

  CU_ASSERT_PTR_NOT_NULL_FATAL(str(j, "session"));
  snprintf(body, sizeof(body),
           "{\"session\":\"%s\",\"service\":\"LayDanhSachHoSo\",\"MaXa\":\"11002\","
           "\"pageIndex\":2,\"pageSize\":30}",
           str(j, "session"));
  cJSON_Delete(j);
  sim_response_release(&ra);
  cJSON_Delete(portal_call(p, "/api/integration", NULL, body, r));
  sim_portal_free(p);
}

static bool starts(const char *s, const char *prefix)
{
  return !strncmp(s, prefix, strlen(prefix));
}

/* Pretty, CRLF, \u-escaped bodies and a numeric error_code: the same JSON. */
static void test_repr_bodies(void)
{
  struct sim_repr plain = { 0 }, pretty = { .json = SIM_JSON_PRETTY },
                  crlf = { .json = SIM_JSON_PRETTY, .crlf = true }, ascii = { .ascii = true },
                  numbers = { .scalars = SIM_SCALARS_NUMBERS };
  struct sim_response d, r;
  struct sim_model m;
  cJSON *jd, *jr;

  fx_model(&m, 42, NULL);
  repr_listing(&m, &plain, &d);
  jd = cJSON_Parse(d.body);
  CU_ASSERT_PTR_NULL(strchr(d.body, '\n'));

  repr_listing(&m, &pretty, &r);
  CU_ASSERT(starts(r.body, "{\n  \"error_code\": \"0\",\n  \"message\": "));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\n  \"result\": [\n    {\n      \""));
  CU_ASSERT_PTR_NULL(strchr(r.body, '\r'));
  jr = cJSON_Parse(r.body);
  CU_ASSERT(cJSON_Compare(jd, jr, true));
  cJSON_Delete(jr);
  sim_response_release(&r);

  repr_listing(&m, &crlf, &r);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.body, ",\r\n  \"message\": "));
  jr = cJSON_Parse(r.body);
  CU_ASSERT(cJSON_Compare(jd, jr, true));
  cJSON_Delete(jr);
  sim_response_release(&r);

  repr_listing(&m, &ascii, &r);
  {
    bool only_ascii = true;

    for (size_t i = 0; i < r.len; i++)
      only_ascii &= (unsigned char)r.body[i] < 0x80;
    CU_ASSERT(only_ascii);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "Th\\u00e0nh c\\u00f4ng"));
  }
  jr = cJSON_Parse(r.body);
  CU_ASSERT(cJSON_Compare(jd, jr, true));
  cJSON_Delete(jr);
  sim_response_release(&r);

  repr_listing(&m, &numbers, &r);
  CU_ASSERT(starts(r.body, "{\"error_code\":0,\"message\":"));
  sim_response_release(&r);
  cJSON_Delete(jd);
  sim_response_release(&d);
  sim_model_release(&m);
}

/* Stops dated by NgayTuChoi and / or NgayKetThucXuLy (the portal has no
 * steps: "step" alone keeps NgayTuChoi); only a recorded time. */
static void test_repr_stop(void)
{
  static const struct {
    const char *mode;
    unsigned want; /* SIM_STOP_ parts shown; 0 = mixed */
  } cases[] = {
    { "refusal+step", SIM_STOP_REFUSAL },
    { "end", SIM_STOP_END },
    { "step", SIM_STOP_REFUSAL },
    { "end+refusal", SIM_STOP_END | SIM_STOP_REFUSAL },
    { "mixed", 0 },
  };
  struct sim_model m;

  fx_model(&m, 42, NULL);
  for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
    struct sim_repr rp = { 0 };
    struct sim_portal *p;
    unsigned seen[4] = { 0 }, n = 0;

    CU_ASSERT_EQUAL_FATAL(sim_repr_parse(&rp, SIM_REPR_STOP, cases[k].mode), 0);
    p = repr_portal(&m, &rp);
    for (size_t i = 0; i < m.ndossiers; i++) {
      struct sim_dossier d = m.dossiers[i];
      const char *end, *ref;
      char at[16];
      unsigned parts;
      cJSON *j;

      if (!d.received_at || (d.status != 3 && d.status != 7 && d.status != 8))
        continue;
      if (!n++)
        d.refused_at = SIM_TIME_NONE; /* one the system did not date */
      j = sim_portal_render(p, &d);
      end = str(j, "NgayKetThucXuLy");
      ref = str(j, "NgayTuChoi");
      end = end && *end ? end : NULL;
      ref = ref && *ref ? ref : NULL;
      if (!d.refused_at) {
        CU_ASSERT(!end && !ref);
        cJSON_Delete(j);
        continue;
      }
      sim_format_compact(d.refused_at, at);
      CU_ASSERT(!end || !strcmp(end, at));
      CU_ASSERT(!ref || !strcmp(ref, at));
      parts = (end ? SIM_STOP_END : 0) | (ref ? SIM_STOP_REFUSAL : 0);
      CU_ASSERT(parts != 0);
      if (cases[k].want) {
        CU_ASSERT_EQUAL(parts, cases[k].want);
      }
      seen[parts]++;
      cJSON_Delete(j);
    }
    CU_ASSERT(n > 20);
    if (!cases[k].want) {
      CU_ASSERT(seen[1] && seen[2] && seen[3]);
    }
    sim_portal_free(p);
  }
  sim_model_release(&m);
}

/* --repr-seed: the same seed, the same bytes. */
static void test_repr_seed(void)
{
  struct sim_repr rp = { 0 };
  struct sim_response a, b;
  struct sim_model m;

  fx_model(&m, 42, NULL);
  sim_repr_draw(&rp, 5, 0);
  rp.order = SIM_ORDER_SHUFFLED;
  rp.scalars = SIM_SCALARS_VARIED;
  repr_listing(&m, &rp, &a);
  repr_listing(&m, &rp, &b);
  CU_ASSERT(a.len == b.len && !memcmp(a.body, b.body, a.len));
  sim_response_release(&b);
  rp.seed = 6;
  repr_listing(&m, &rp, &b);
  CU_ASSERT(a.len != b.len || memcmp(a.body, b.body, a.len));
  sim_response_release(&a);
  sim_response_release(&b);
  sim_model_release(&m);
}

static CU_TestInfo tests[] = { { "render plain", test_render_plain },
                               { "render variety", test_render_variety },
                               { "auth", test_auth },
                               { "listing errors", test_listing_errors },
                               { "session expiry", test_session_expiry },
                               { "paging order and filters", test_paging },
                               { "bounds inclusive", test_bounds_inclusive },
                               { "byte-identical", test_byte_identical },
                               { "fault parsing", test_fault_parsing },
                               { "fault rates", test_fault_rates },
                               { "faults rendered", test_faults_rendered },
                               { "daemon over HTTP", test_daemon },
                               { "bad bind", test_bad_bind },
                               { "repr: key order", test_repr_keys },
                               { "repr: strings or numbers", test_repr_scalars },
                               { "repr: absent forms", test_repr_absent },
                               { "repr: pretty, CRLF, escaped bodies", test_repr_bodies },
                               { "repr: how a stop is dated", test_repr_stop },
                               { "repr: seeds", test_repr_seed },
                               CU_TEST_INFO_NULL };

CUNIT_MAIN("sim_portal", tests)
