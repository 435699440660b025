/*
 * test_sim_faults - the faults added for the three kinds: names and the
 * kinds that accept them, portal drift and malformed records, and the
 * city and ministry over real HTTP (query strings, WWW-Authenticate).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "cunit_main.h"
#include "sim_fixture.h"
#include "../sim/city.h"
#include "../sim/generator.h"
#include "../sim/httpd.h"
#include "../sim/links.h"
#include "../sim/ministry.h"
#include "../sim/portal.h"

static void test_names_and_kinds(void)
{
  static const char *const names[] = { "http-500", "token-expired", "windows-1258",   "ncr",
                                       "doctype",  "sync-error",    "cursor-expired", "drift" };
  struct sim_faults f;

  sim_faults_init(&f, 1);
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    char spec[64];

    snprintf(spec, sizeof(spec), "%s:0.01", names[i]);
    CU_ASSERT_EQUAL(sim_faults_add(&f, spec), SIM_FAULT_OK);
    CU_ASSERT_STRING_EQUAL(sim_fault_name(SIM_FAULT_HTTP_500 + (int)i), names[i]);
  }
  CU_ASSERT_EQUAL(sim_faults_add(&f, "malformed:2%"), SIM_FAULT_OK);
  CU_ASSERT_EQUAL(f.malformed_ppm, 20000);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "malformed:2"), SIM_FAULT_BAD_RATE);
  /* malformed is not a per-request roll: it does not count in the sum */
  CU_ASSERT_EQUAL(sim_faults_add(&f, "reset:0.92"), SIM_FAULT_OK);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "stall:0.01"), SIM_FAULT_BAD_RATE);
  sim_faults_release(&f);
  /* each kind's set */
  CU_ASSERT(SIM_FAULTS_CITY & SIM_FAULT_BIT(SIM_FAULT_WIN1258));
  CU_ASSERT(SIM_FAULTS_CITY & SIM_FAULT_BIT(SIM_FAULT_DRIFT));
  CU_ASSERT(!(SIM_FAULTS_CITY & SIM_FAULT_BIT(SIM_FAULT_SYNC_ERROR)));
  CU_ASSERT(SIM_FAULTS_MINISTRY & SIM_FAULT_BIT(SIM_FAULT_CURSOR_EXPIRED));
  CU_ASSERT(!(SIM_FAULTS_MINISTRY & SIM_FAULT_BIT(SIM_FAULT_DRIFT)));
  CU_ASSERT(SIM_FAULTS_PORTAL & SIM_FAULT_BIT(SIM_FAULT_DRIFT));
  CU_ASSERT(!(SIM_FAULTS_PORTAL & SIM_FAULT_BIT(SIM_FAULT_NCR)));
  CU_ASSERT(SIM_FAULTS_MINISTRY & SIM_FAULT_BIT(SIM_FAULT_RESET));
  CU_ASSERT(SIM_FAULTS_CITY & SIM_FAULT_BIT(SIM_FAULT_RATE_LIMIT));
}

static cJSON *portal_page(struct sim_portal *p, const char *tok, long page, struct sim_response *r)
{
  char body[512];

  snprintf(body, sizeof(body),
           "{\"session\":\"%s\",\"service\":\"LayDanhSachHoSo\","
           "\"MaXa\":\"11002\",\"TuNgay\":\"20260401000000\","
           "\"DenNgay\":\"20260430235959\",\"pageIndex\":%ld,"
           "\"pageSize\":50}",
           tok, page);
  return portal_call(p, "/api/integration", NULL, body, r);
}

/* Portal drift: records move to a later page; malformed junk in pages. */
static void test_portal_drift_and_junk(void)
{
  struct sim_portal_options o = { .junk_seed = 5 };
  struct sim_model m;
  struct sim_faults f;
  struct sim_portal *p;
  char tok[64], (*codes)[48] = calloc(4000, 48);
  int n = 0, dup = 0, drifts = 0, junk = 0, nocode = 0;

  generate(&m, 42, 0, 0);
  sim_faults_init(&f, 11);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "drift:0.5"), SIM_FAULT_OK);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "malformed:0.03"), SIM_FAULT_OK);
  p = sim_portal_new(&m, &o, &f);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  portal_login(p, tok);
  for (long page = 1; page < 200; page++) {
    struct sim_response r;
    cJSON *j = portal_page(p, tok, page, &r), *h;
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(j, "result");

    CU_ASSERT_EQUAL(r.status, 200);
    drifts += r.fault && !strcmp(r.fault, "drift");
    junk += r.malformed;
    cJSON_ArrayForEach(h, res)
    {
      const cJSON *c = cJSON_GetObjectItemCaseSensitive(h, "MaHoSo");

      if (!cJSON_IsString(c)) {
        nocode++;
        continue;
      }
      if (n < 4000)
        snprintf(codes[n++], 48, "%s", c->valuestring);
    }
    if (!cJSON_GetArraySize(res)) {
      cJSON_Delete(j);
      sim_response_release(&r);
      break;
    }
    cJSON_Delete(j);
    sim_response_release(&r);
  }
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++)
      dup += !strcmp(codes[i], codes[j]);
  CU_ASSERT(drifts > 2);
  CU_ASSERT(dup > 0);
  CU_ASSERT(junk > 5);
  CU_ASSERT(nocode > 0); /* missing_code junk */
  free(codes);
  sim_portal_free(p);
  sim_faults_release(&f);
  sim_model_release(&m);
}

/* endless: every page full, fresh codes past the window's end, no total;
 * same-cursor: the cursor asked with comes back as nextCursor. */
static void test_endless_and_same_cursor(void)
{
  struct sim_model m;
  struct sim_faults f;
  struct sim_portal_options po = { 0 };
  struct sim_ministry_options mo = { 0 };
  struct sim_portal *p;
  struct sim_ministry *s;
  char tok[64], cursor[256];
  int fresh = 0;

  generate(&m, 42, 0, 0);
  sim_faults_init(&f, 3);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "endless:1"), SIM_FAULT_OK);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "same-cursor:1"), SIM_FAULT_BAD_RATE); /* sums above 1 */
  CU_ASSERT(SIM_FAULTS_PORTAL & SIM_FAULTS_CITY & SIM_FAULT_BIT(SIM_FAULT_ENDLESS));
  CU_ASSERT(SIM_FAULTS_MINISTRY & SIM_FAULT_BIT(SIM_FAULT_SAME_CURSOR));
  CU_ASSERT(!(SIM_FAULTS_MINISTRY & SIM_FAULT_BIT(SIM_FAULT_ENDLESS)));
  p = sim_portal_new(&m, &po, &f);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  portal_login(p, tok);
  for (long page = 1000; page < 1003; page++) { /* far past the end */
    struct sim_response r;
    cJSON *j = portal_page(p, tok, page, &r), *h;
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(j, "result");

    CU_ASSERT_EQUAL(cJSON_GetArraySize(res), 50);
    CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(j, "total"));
    cJSON_ArrayForEach(h, res)
    {
      const char *c = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(h, "MaHoSo"));
      fresh += c && !strncmp(c, "ENDLESS-", 8);
    }
    cJSON_Delete(j);
    sim_response_release(&r);
  }
  CU_ASSERT_EQUAL(fresh, 150);
  sim_portal_free(p);
  sim_faults_release(&f);

  sim_faults_init(&f, 3);
  CU_ASSERT_EQUAL(sim_faults_add(&f, "same-cursor:1"), SIM_FAULT_OK);
  s = sim_ministry_new(&m, &mo, &f);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  {
    struct sim_response r;
    cJSON *j = ministry_list(s, "demo-secret", "11002", NULL, "2", NULL, &r);

    snprintf(cursor, sizeof(cursor), "%s",
             cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "nextCursor")));
    cJSON_Delete(j);
    sim_response_release(&r);
    j = ministry_list(s, "demo-secret", "11002", NULL, "2", cursor, &r);
    CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "nextCursor")),
                           cursor);
    CU_ASSERT_STRING_EQUAL(r.fault, "same-cursor");
    cJSON_Delete(j);
    sim_response_release(&r);
  }
  sim_ministry_free(s);
  sim_faults_release(&f);
  sim_model_release(&m);
}

/* ---- over HTTP -------------------------------------------------------------- */

struct sink {
  char buf[1 << 20];
  size_t len;
};

static size_t sink_write(char *p, size_t s, size_t n, void *ctx)
{
  struct sink *k = ctx;
  size_t len = s * n;

  if (k->len + len >= sizeof(k->buf))
    return 0;
  memcpy(k->buf + k->len, p, len);
  k->len += len;
  k->buf[k->len] = '\0';
  return len;
}

static long http(const char *url, const char *userpwd, const char *post, const char *header,
                 struct sink *body, struct sink *hdrs)
{
  CURL *c = curl_easy_init();
  struct curl_slist *h = header ? curl_slist_append(NULL, header) : NULL;
  long status = 0;

  body->len = hdrs->len = 0;
  body->buf[0] = hdrs->buf[0] = '\0';
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, sink_write);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, hdrs);
  if (userpwd)
    curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
  if (post)
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
  if (h)
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  if (curl_easy_perform(c) == CURLE_OK)
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  return status;
}

static void test_http(void)
{
  static struct sink body, hdrs;
  struct sim_model m;
  struct sim_city_options co = { 0 };
  struct sim_ministry_options mo = { 0 };
  struct sim_city *c;
  struct sim_ministry *s;
  struct sim_httpd *hc, *hm;
  char url[256], auth[80];

  generate(&m, 42, 0, 0);
  c = sim_city_new(&m, &co, NULL);
  s = sim_ministry_new(&m, &mo, NULL);
  hc = serve(sim_city_handler, c, NULL);
  hm = serve(sim_ministry_handler, s, NULL);

  snprintf(url, sizeof(url), "http://127.0.0.1:%u/token", sim_httpd_port(hc));
  CU_ASSERT_EQUAL(http(url, "demo:nope", "grant_type=client_credentials", NULL, &body, &hdrs), 401);
  CU_ASSERT_EQUAL(
    http(url, "demo:demo-secret", "grant_type=client_credentials", NULL, &body, &hdrs), 200);
  access_token(body.buf, "Authorization: Bearer ", auth, sizeof(auth));
  snprintf(url, sizeof(url),
           "http://127.0.0.1:%u/tthc/v1/hoso?maxa=11002"
           "&tungay=20260401000000&denngay=20260430235959&trang=2&sobanghi=7",
           sim_httpd_port(hc));
  CU_ASSERT_EQUAL(http(url, NULL, NULL, auth, &body, &hdrs), 200);
  CU_ASSERT_PTR_NOT_NULL(strstr(body.buf, "<Trang>2</Trang>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(hdrs.buf, "application/xml"));
  CU_ASSERT_EQUAL(http(url, NULL, NULL, "Authorization: Bearer x", &body, &hdrs), 401);
  CU_ASSERT_PTR_NOT_NULL(strstr(hdrs.buf, "WWW-Authenticate: Bearer"));

  snprintf(url, sizeof(url),
           "http://127.0.0.1:%u/api/v2/ho-so?maDonVi=11002"
           "&capNhatTu=2026-04-01T00:00:00%%2B07:00&limit=5",
           sim_httpd_port(hm));
  CU_ASSERT_EQUAL(http(url, NULL, NULL, "X-API-Key: bad", &body, &hdrs), 403);
  CU_ASSERT_EQUAL(http(url, NULL, NULL, "X-API-Key: demo-secret", &body, &hdrs), 200);
  {
    cJSON *j = cJSON_Parse(body.buf);

    CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "value")), 5);
    CU_ASSERT(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "nextCursor")));
    cJSON_Delete(j);
  }
  sim_httpd_stop(hc);
  sim_httpd_stop(hm);
  sim_city_free(c);
  sim_ministry_free(s);
  sim_model_release(&m);
}

static CU_TestInfo tests[] = { { "fault names and kinds", test_names_and_kinds },
                               { "portal drift and malformed records", test_portal_drift_and_junk },
                               { "endless and same-cursor", test_endless_and_same_cursor },
                               { "city and ministry over HTTP", test_http },
                               CU_TEST_INFO_NULL };

CUNIT_MAIN("sim_faults", tests)
