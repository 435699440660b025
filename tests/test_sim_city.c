/*
 * test_sim_city - the city TTHC system simulator: OAuth2 token, XML
 * listing, paging, rendering, escaping and its faults.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cunit_main.h"
#include "sim_fixture.h"
#include "../sim/city.h"
#include "../sim/exchange.h"
#include "../sim/generator.h"
#include "../sim/links.h"
#include "../sim/repr.h"
#include "../sim/view.h"

/* GET /tthc/v1/hoso with the given query; r must be released. */
static void list(struct sim_city *c, const char *bearer, const char *xa, const char *tu,
                 const char *den, const char *trang, const char *sobanghi, struct sim_response *r)
{
  const struct kv kv[] = {
    { "Authorization", bearer }, { NULL, NULL },     { "maxa", xa },           { "tungay", tu },
    { "denngay", den },          { "trang", trang }, { "sobanghi", sobanghi }, { NULL, NULL }
  };

  city_call(c, "GET", "/tthc/v1/hoso", "", kv, r);
}

static xmlDocPtr parse(const struct sim_response *r)
{
  return xmlReadMemory(r->body, (int)r->len, "page.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
  for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
      return c;
  return NULL;
}

/* Text of a child element into buf ("" when absent). */
static const char *text(xmlNodePtr n, const char *name, char *buf, size_t len)
{
  xmlNodePtr c = child(n, name);
  xmlChar *t = c ? xmlNodeGetContent(c) : NULL;

  snprintf(buf, len, "%s", t ? (const char *)t : "");
  xmlFree(t);
  return buf;
}

/* ---- token ------------------------------------------------------------------ */

static void test_token(void)
{
  struct sim_city_options o = { 0 };
  struct sim_model m;
  struct sim_city *c;
  struct sim_response r;
  char tok[48];
  const struct kv bad[] = { { "Authorization", "Basic ZGVtbzp3cm9uZw==" }, /* demo:wrong */
                            { NULL, NULL },
                            { NULL, NULL } };
  const struct kv none[] = { { NULL, NULL }, { NULL, NULL } };
  const struct kv good[] = { { "Authorization", "basic ZGVtbzpkZW1vLXNlY3JldA==" },
                             { NULL, NULL },
                             { NULL, NULL } };

  generate(&m, 1, 0, 0);
  c = sim_city_new(&m, &o, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  city_token(c, tok);
  city_call(c, "POST", "/token", "grant_type=client_credentials", bad, &r);
  CU_ASSERT_EQUAL(r.status, 401);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "invalid_client"));
  CU_ASSERT_PTR_NOT_NULL(r.www_authenticate);
  sim_response_release(&r);
  city_call(c, "POST", "/token", "grant_type=client_credentials", none, &r);
  CU_ASSERT_EQUAL(r.status, 401);
  sim_response_release(&r);
  city_call(c, "POST", "/token", "grant_type=password", good, &r);
  CU_ASSERT_EQUAL(r.status, 400);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "unsupported_grant_type"));
  sim_response_release(&r);
  city_call(c, "POST", "/token", "scope=x&grant_type=client_credentials", good, &r);
  CU_ASSERT_EQUAL(r.status, 200);
  sim_response_release(&r);
  city_call(c, "GET", "/token", "", good, &r);
  CU_ASSERT_EQUAL(r.status, 405);
  sim_response_release(&r);
  city_call(c, "GET", "/tthc/v1/other", "", good, &r);
  CU_ASSERT_EQUAL(r.status, 404);
  sim_response_release(&r);
  sim_city_free(c);
  sim_model_release(&m);
}

static void test_data_auth(void)
{
  struct sim_city_options o = { .token_ttl = 1 };
  struct timespec ts = { 1, 200 * 1000000L };
  struct sim_model m;
  struct sim_city *c;
  struct sim_response r;
  char tok[48];

  generate(&m, 1, 0, 0);
  c = sim_city_new(&m, &o, NULL);
  list(c, NULL, "11002", NULL, NULL, NULL, "5", &r);
  CU_ASSERT_EQUAL(r.status, 401);
  CU_ASSERT_STRING_EQUAL(r.www_authenticate, "Bearer error=\"invalid_token\"");
  sim_response_release(&r);
  list(c, "Bearer 0123", "11002", NULL, NULL, NULL, "5", &r);
  CU_ASSERT_EQUAL(r.status, 401);
  sim_response_release(&r);
  city_token(c, tok);
  list(c, tok, "11002", NULL, NULL, NULL, "5", &r);
  CU_ASSERT_EQUAL(r.status, 200);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "<MaLoi>0</MaLoi>"));
  CU_ASSERT_STRING_EQUAL(r.content_type, "application/xml; charset=utf-8");
  sim_response_release(&r);
  nanosleep(&ts, NULL); /* the token lives 1 s */
  list(c, tok, "11002", NULL, NULL, NULL, "5", &r);
  CU_ASSERT_EQUAL(r.status, 401);
  sim_response_release(&r);
  sim_city_free(c);
  sim_model_release(&m);
}

static void test_params(void)
{
  struct sim_city_options o = { 0 };
  struct sim_model m;
  struct sim_city *c;
  struct sim_response r;
  char tok[48];
  const char *bad[][5] = {
    { "123", NULL, NULL, NULL, NULL },
    { NULL, "2026", NULL, NULL, NULL },
    { NULL, NULL, "20260431000000", NULL, NULL },
    { NULL, NULL, NULL, "0", NULL },
    { NULL, NULL, NULL, NULL, "x" },
  };

  generate(&m, 1, 0, 0);
  c = sim_city_new(&m, &o, NULL);
  city_token(c, tok);
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    list(c, tok, bad[i][0], bad[i][1], bad[i][2], bad[i][3], bad[i][4], &r);
    CU_ASSERT_EQUAL(r.status, 200);
    CU_ASSERT_STRING_EQUAL(r.error_code, "2");
    CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "<MaLoi>2</MaLoi>"));
    sim_response_release(&r);
  }
  list(c, tok, NULL, NULL, NULL, NULL, "5000", &r); /* clamped */
  {
    xmlDocPtr doc = parse(&r);
    xmlNodePtr ds = child(xmlDocGetRootElement(doc), "DanhSachHoSo");
    int n = 0;

    for (xmlNodePtr h = ds ? ds->children : NULL; h; h = h->next)
      n += h->type == XML_ELEMENT_NODE;
    CU_ASSERT_EQUAL(n, 1000);
    xmlFreeDoc(doc);
  }
  sim_response_release(&r);
  sim_city_free(c);
  sim_model_release(&m);
}

/* ---- listing -------------------------------------------------------------------- */

static bool in_city(const struct sim_dossier *d)
{
  return d->origin == SIM_ORIGIN_CITY || (d->origin == SIM_ORIGIN_MINISTRY && d->via_counter);
}

static void test_paging(void)
{
  struct sim_city_options o = { 0 };
  struct sim_model m;
  struct sim_city *c;
  struct sim_response r;
  char tok[48], prev_t[32] = "", prev_c[64] = "", buf[64];
  const char *tu = "20260401000000", *den = "20260430235959";
  sim_time from = T("2026-04-01T00:00:00"), to = T("2026-04-30T23:59:59");
  long expect = 0, seen = 0, via_counter = 0;

  generate(&m, 42, 0, 0);
  for (size_t i = 0; i < m.ndossiers; i++) {
    const struct sim_dossier *d = &m.dossiers[i];

    if (in_city(d) && !strcmp(d->commune, "11002") && d->updated_at >= from && d->updated_at <= to)
      expect++;
  }
  CU_ASSERT(expect > 300);
  c = sim_city_new(&m, &o, NULL);
  city_token(c, tok);
  for (long page = 1;; page++) {
    char pg[24];
    xmlDocPtr doc;
    xmlNodePtr root, ds;
    int n = 0;

    snprintf(pg, sizeof(pg), "%ld", page);
    list(c, tok, "11002", tu, den, pg, "97", &r);
    CU_ASSERT_EQUAL_FATAL(r.status, 200);
    doc = parse(&r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    root = xmlDocGetRootElement(doc);
    CU_ASSERT_STRING_EQUAL(root->name, "KetQuaTraCuu");
    CU_ASSERT_STRING_EQUAL(text(root, "MaLoi", buf, sizeof(buf)), "0");
    CU_ASSERT_STRING_EQUAL(text(root, "MoTaLoi", buf, sizeof(buf)), "Thành công");
    CU_ASSERT_EQUAL(atol(text(root, "TongSoBanGhi", buf, sizeof(buf))), expect);
    CU_ASSERT_EQUAL(atol(text(root, "TongSoTrang", buf, sizeof(buf))), (expect + 96) / 97);
    CU_ASSERT_EQUAL(atol(text(root, "Trang", buf, sizeof(buf))), page);
    ds = child(root, "DanhSachHoSo");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds);
    for (xmlNodePtr h = ds->children; h; h = h->next) {
      char t[32], code[64], qg[64];
      int ct;

      if (h->type != XML_ELEMENT_NODE)
        continue;
      n++;
      text(h, "NgayCapNhat", t, sizeof(t));
      text(h, "MaHoSo", code, sizeof(code));
      text(h, "MaHoSoQuocGia", qg, sizeof(qg));
      CU_ASSERT_STRING_EQUAL(text(h, "MaXa", buf, sizeof(buf)), "11002");
      CU_ASSERT(strcmp(t, tu) >= 0 && strcmp(t, den) <= 0);
      ct = strcmp(prev_t, t);
      CU_ASSERT(ct < 0 || (ct == 0 && strcmp(prev_c, code) < 0));
      via_counter += !strncmp(qg, "BTP-HT-", 7);
      CU_ASSERT_PTR_NOT_NULL(child(h, "QuaTrinhXuLy"));
      CU_ASSERT_PTR_NOT_NULL(child(h, "YeuCauBoSung"));
      CU_ASSERT_PTR_NOT_NULL(child(h, "PhongBanXuLy"));
      snprintf(prev_t, sizeof(prev_t), "%s", t);
      snprintf(prev_c, sizeof(prev_c), "%s", code);
    }
    xmlFreeDoc(doc);
    sim_response_release(&r);
    seen += n;
    if (!n)
      break;
    CU_ASSERT(n <= 97);
    CU_ASSERT_FATAL(page < 1000);
  }
  CU_ASSERT_EQUAL(seen, expect);
  CU_ASSERT(via_counter > 10); /* counter civil-status dossiers */
  sim_city_free(c);
  sim_model_release(&m);
}

/* The spec's example dossier, rendered plain. */
static void test_render_plain(void)
{
  struct sim_city_options o = { .plain = true };
  struct sim_model m;
  struct sim_dossier *d;
  struct sim_city *c;
  char *s;

  d = example_dossier(&m);
  d->dept = d->proc->dept;
  d->origin = SIM_ORIGIN_CITY;
  d->channel = SIM_CHANNEL_ONLINE;
  d->submitted_at = T("2026-04-01T08:15:00");
  d->ncomp = 1;
  strcpy(d->comp[0].code, "TK_KS");
  d->comp[0].digitised = true;
  d->comp[0].reused = 1;
  d->nfees = 1;
  strcpy(d->fees[0].code, "LP_KS");
  d->nresults = 1;
  strcpy(d->results[0].code, "GKS");
  strcpy(d->results[0].link, "https://example.invalid/kq/260401-00012.pdf");
  c = sim_city_new(&m, &o, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  s = sim_city_render(c, d);
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_STRING_EQUAL(
    s, "    <HoSo>\n"
       "      <MaHoSo>H31.11002-260401-00012</MaHoSo>\n"
       "      <MaHoSoQuocGia>H31.11002-260401-00012</MaHoSoQuocGia>\n"
       "      <MaTTHC>1.001193</MaTTHC>\n"
       "      <TenTTHC>Đăng ký khai sinh</TenTTHC>\n"
       "      <MaLinhVuc>HT</MaLinhVuc>\n"
       "      <TenLinhVuc>Hộ tịch</TenLinhVuc>\n"
       "      <MucDoDVC>4</MucDoDVC>\n"
       "      <MaXa>11002</MaXa>\n"
       "      <PhongBanXuLy ma=\"TTPVHCC\">Trung tâm Phục vụ hành chính công</PhongBanXuLy>\n"
       "      <KenhThucHien>2</KenhThucHien>\n"
       "      <NgayNopHoSo>20260401081500</NgayNopHoSo>\n"
       "      <NgayTiepNhan>20260401083000</NgayTiepNhan>\n"
       "      <NgayHenTra>20260403170000</NgayHenTra>\n"
       "      <NgayKetThucXuLy>20260402100000</NgayKetThucXuLy>\n"
       "      <NgayTra>20260402143000</NgayTra>\n"
       "      <NgayTuChoi/>\n"
       "      <TrangThaiHoSo>10</TrangThaiHoSo>\n"
       "      <QuaTrinhXuLy>\n"
       "        <Buoc thoiDiem=\"20260401083000\" trangThai=\"2\" phongBan=\"TTPVHCC\"/>\n"
       "        <Buoc thoiDiem=\"20260402100000\" trangThai=\"9\" phongBan=\"TTPVHCC\"/>\n"
       "        <Buoc thoiDiem=\"20260402143000\" trangThai=\"10\" phongBan=\"TTPVHCC\"/>\n"
       "      </QuaTrinhXuLy>\n"
       "      <ThanhPhanHoSo>\n"
       "        <GiayTo ma=\"TK_KS\" duocSoHoa=\"1\" duocTaiSuDung=\"1\" layTuKhoDMQG=\"0\"/>\n"
       "      </ThanhPhanHoSo>\n"
       "      <KetQua ma=\"GKS\" tepDinhKem=\"https://example.invalid/kq/260401-00012.pdf\"/>\n"
       "      <LePhi ma=\"LP_KS\" gia=\"0\" thanhToanTrucTuyen=\"0\"/>\n"
       "      <YeuCauBoSung ngayYeuCau=\"\" ngayHoanThanh=\"\" ngayHenTraMoi=\"\"/>\n"
       "      <NgayCapNhat>20260402143005</NgayCapNhat>\n"
       "    </HoSo>\n");
  free(s);
  /* Paid online, a supplement, text that needs escaping. */
  {
    static const struct sim_department dept = { "P&B", "Phòng \"A\" & <B>" };
    xmlDocPtr doc;
    char *page, buf[128];
    size_t n;

    d->paid_online = 2;
    d->dept = &dept;
    d->nsupp = 1;
    d->supp[0].requested_at = T("2026-04-01T09:00:00");
    s = sim_city_render(c, d);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "thanhToanTrucTuyen=\"1\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<YeuCauBoSung ngayYeuCau="
                                     "\"20260401090000\" ngayHoanThanh=\"\""));
    n = strlen(s) + 64;
    page = malloc(n);
    snprintf(page, n, "<?xml version=\"1.0\"?>\n%s", s);
    doc = xmlReadMemory(page, (int)strlen(page), "x.xml", NULL, XML_PARSE_NONET);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_STRING_EQUAL(text(xmlDocGetRootElement(doc), "PhongBanXuLy", buf, sizeof(buf)),
                           "Phòng \"A\" & <B>");
    {
      xmlChar *ma =
        xmlGetProp(child(xmlDocGetRootElement(doc), "PhongBanXuLy"), (const xmlChar *)"ma");

      CU_ASSERT_STRING_EQUAL(ma, "P&B");
      xmlFree(ma);
    }
    xmlFreeDoc(doc);
    free(page);
    free(s);
  }
  sim_city_free(c);
  sim_model_release(&m);
}

/* ---- faults ------------------------------------------------------------------------ */

static struct sim_city *faulty(struct sim_model *m, struct sim_faults *f, const char *spec)
{
  struct sim_city_options o = { 0 };

  sim_faults_init(f, 7);
  CU_ASSERT_EQUAL_FATAL(sim_faults_add(f, spec), SIM_FAULT_OK);
  return sim_city_new(m, &o, f);
}

/* One April page of 11002 from a city with only `spec` injected. */
static void faulted_page(struct sim_model *m, const char *spec, struct sim_response *r,
                         struct sim_response *clean)
{
  struct sim_faults f;
  struct sim_city *c = faulty(m, &f, "reset:0");
  char tok[48];

  city_token(c, tok); /* before the fault is turned on */
  CU_ASSERT_EQUAL_FATAL(sim_faults_add(&f, spec), SIM_FAULT_OK);
  list(c, tok, "11002", "20260401000000", "20260430235959", "2", "20", r);
  for (int k = 1; k < SIM_FAULT_COUNT; k++)
    f.ppm[k] = 0;
  list(c, tok, "11002", "20260401000000", "20260430235959", "2", "20", clean);
  sim_city_free(c);
  sim_faults_release(&f);
}

static int count_hoso(const struct sim_response *r, char codes[][48], int max)
{
  xmlDocPtr doc = parse(r);
  xmlNodePtr ds = doc ? child(xmlDocGetRootElement(doc), "DanhSachHoSo") : NULL;
  int n = 0;

  for (xmlNodePtr h = ds ? ds->children : NULL; h; h = h->next)
    if (h->type == XML_ELEMENT_NODE) {
      if (codes && n < max)
        text(h, "MaHoSo", codes[n], 48);
      n++;
    }
  xmlFreeDoc(doc);
  return doc ? n : -1;
}

static void test_fault_pages(void)
{
  struct sim_model m;
  struct sim_response r, clean;
  char a[20][48], b[20][48];

  generate(&m, 42, 0, 0);

  faulted_page(&m, "http-500:1", &r, &clean);
  CU_ASSERT_EQUAL(r.status, 500);
  CU_ASSERT_STRING_EQUAL(r.content_type, "text/html");
  CU_ASSERT_STRING_EQUAL(r.fault, "http-500");
  sim_response_release(&r);
  sim_response_release(&clean);

  faulted_page(&m, "unavailable:1", &r, &clean);
  CU_ASSERT_EQUAL(r.status, 503);
  CU_ASSERT_EQUAL(r.retry_after, 1);
  sim_response_release(&r);
  sim_response_release(&clean);

  faulted_page(&m, "error-1:1", &r, &clean);
  CU_ASSERT_EQUAL(r.status, 200);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "<MaLoi>-1</MaLoi>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "Hệ thống đang bận"));
  CU_ASSERT_STRING_EQUAL(r.fault, "error-1");
  sim_response_release(&r);
  sim_response_release(&clean);

  faulted_page(&m, "truncate:1", &r, &clean);
  CU_ASSERT(r.truncate);
  sim_response_release(&r);
  sim_response_release(&clean);

  /* NCR: pure ASCII, and the same text once parsed. */
  faulted_page(&m, "ncr:1", &r, &clean);
  CU_ASSERT_STRING_EQUAL(r.fault, "ncr");
  {
    bool ascii = true;
    xmlDocPtr x = parse(&r), y = parse(&clean);
    xmlChar *tx, *ty;

    for (size_t i = 0; i < r.len; i++)
      ascii &= (unsigned char)r.body[i] < 0x80;
    CU_ASSERT(ascii);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "&#7883;")); /* ị */
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    tx = xmlNodeGetContent(xmlDocGetRootElement(x));
    ty = xmlNodeGetContent(xmlDocGetRootElement(y));
    CU_ASSERT_STRING_EQUAL(tx, ty);
    xmlFree(tx);
    xmlFree(ty);
    xmlFreeDoc(x);
    xmlFreeDoc(y);
  }
  sim_response_release(&r);
  sim_response_release(&clean);

  /* windows-1258: declared, really encoded, and the same records. */
  faulted_page(&m, "windows-1258:1", &r, &clean);
  CU_ASSERT_STRING_EQUAL(r.fault, "windows-1258");
  CU_ASSERT_STRING_EQUAL(r.content_type, "application/xml; charset=windows-1258");
  CU_ASSERT_EQUAL(strncmp(r.body,
                          "<?xml version=\"1.0\" encoding="
                          "\"windows-1258\"?>",
                          44),
                  0);
  {
    iconv_t cd = iconv_open("UTF-8", "WINDOWS-1258");
    char *in = r.body, *out = malloc(4 * r.len + 1), *o = out;
    size_t il = r.len, ol = 4 * r.len;
    iconv_t u8 = iconv_open("UTF-16LE", "UTF-8");
    char *in2 = r.body, tmp[8];
    size_t il2 = r.len, ol2;
    size_t bad = 0;

    /* Not UTF-8: converting it as UTF-8 fails somewhere. */
    while (il2 > 0) {
      char *t = tmp;

      ol2 = sizeof(tmp);
      if (iconv(u8, &in2, &il2, &t, &ol2) == (size_t)-1 && errno != E2BIG) {
        bad++;
        break;
      }
    }
    CU_ASSERT(bad > 0);
    CU_ASSERT_NOT_EQUAL(iconv(cd, &in, &il, &o, &ol), (size_t)-1);
    *o = '\0';
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "<MaLoi>0</MaLoi>"));
    iconv_close(cd);
    iconv_close(u8);
    free(out);
  }
  CU_ASSERT_EQUAL(count_hoso(&r, a, 20), 20); /* libxml2 reads it */
  CU_ASSERT_EQUAL(count_hoso(&clean, b, 20), 20);
  for (int i = 0; i < 20; i++)
    CU_ASSERT_STRING_EQUAL(a[i], b[i]);
  sim_response_release(&r);
  sim_response_release(&clean);

  /* DOCTYPE with entity declarations before the root. */
  faulted_page(&m, "doctype:1", &r, &clean);
  CU_ASSERT_STRING_EQUAL(r.fault, "doctype");
  {
    const char *nl = strchr(r.body, '\n');

    CU_ASSERT_EQUAL(strncmp(r.body, "<?xml", 5), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
    /* behind a comment of its own: an injected answer's bytes are its own */
    CU_ASSERT_EQUAL(strncmp(nl + 1, "<!-- <injected ", 15), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(nl = strchr(nl + 1, '\n'));
    CU_ASSERT_EQUAL(strncmp(nl + 1, "<!DOCTYPE KetQuaTraCuu [", 24), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "<!ENTITY lol9 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "SYSTEM \"file:///etc/passwd\""));
    CU_ASSERT(strstr(r.body, "<!DOCTYPE") < strstr(r.body, "<KetQuaTraCuu>"));
  }
  sim_response_release(&r);
  sim_response_release(&clean);
  sim_model_release(&m);
}

static void test_token_expired_fault(void)
{
  struct sim_model m;
  struct sim_faults f;
  struct sim_city *c;
  struct sim_response r;
  char tok[48];

  generate(&m, 1, 0, 0);
  c = faulty(&m, &f, "token-expired:1");
  city_token(c, tok);
  list(c, tok, "11002", NULL, NULL, NULL, "5", &r);
  CU_ASSERT_EQUAL(r.status, 401);
  CU_ASSERT_STRING_EQUAL(r.fault, "token-expired");
  sim_response_release(&r);
  f.ppm[SIM_FAULT_TOKEN_EXPIRED] = 0;
  list(c, tok, "11002", NULL, NULL, NULL, "5", &r);
  CU_ASSERT_EQUAL(r.status, 401); /* really invalidated */
  CU_ASSERT_PTR_NULL(r.fault);
  sim_response_release(&r);
  city_token(c, tok);
  list(c, tok, "11002", NULL, NULL, NULL, "5", &r);
  CU_ASSERT_EQUAL(r.status, 200);
  sim_response_release(&r);
  sim_city_free(c);
  sim_faults_release(&f);
  sim_model_release(&m);
}

/* Drift: paging while records move later sees some twice, or misses. */
static void test_drift(void)
{
  struct sim_model m;
  struct sim_faults f;
  struct sim_city *c;
  struct sim_response r;
  char tok[48], (*codes)[48] = calloc(4000, 48);
  int n = 0, dup = 0, drifts = 0;

  generate(&m, 42, 0, 0);
  c = faulty(&m, &f, "drift:1");
  city_token(c, tok);
  for (int page = 1; page < 200; page++) {
    char pg[16];
    int k;

    snprintf(pg, sizeof(pg), "%d", page);
    list(c, tok, "11002", "20260401000000", "20260430235959", pg, "50", &r);
    drifts += r.fault && !strcmp(r.fault, "drift");
    k = count_hoso(&r, codes + n, 4000 - n);
    sim_response_release(&r);
    if (k <= 0)
      break;
    n += k;
  }
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++)
      dup += !strcmp(codes[i], codes[j]);
  CU_ASSERT(drifts > 5);
  CU_ASSERT(dup > 0);
  free(codes);
  sim_city_free(c);
  sim_faults_release(&f);
  sim_model_release(&m);
}

static void test_malformed(void)
{
  struct sim_model m;
  struct sim_faults f;
  struct sim_city *c;
  struct sim_view v;
  struct sim_response r;
  char tok[48];
  long junk = 0;

  generate(&m, 42, 0, 0);
  c = faulty(&m, &f, "malformed:0.05");
  CU_ASSERT_EQUAL(f.malformed_ppm, 50000);
  city_token(c, tok);
  for (int page = 1; page < 100; page++) {
    char pg[16];

    snprintf(pg, sizeof(pg), "%d", page);
    list(c, tok, NULL, NULL, NULL, pg, "100", &r);
    junk += r.malformed;
    {
      xmlDocPtr doc = parse(&r);

      CU_ASSERT(doc != NULL); /* still well-formed XML */
      xmlFreeDoc(doc);
    }
    if (!strstr(r.body, "<HoSo>")) {
      sim_response_release(&r);
      break;
    }
    sim_response_release(&r);
  }
  /* the rejects truth lists the same junk */
  CU_ASSERT_EQUAL(sim_view_build(&v, &m, SIM_KIND_CITY, 50000, 0), 0);
  CU_ASSERT_EQUAL(junk, (long)v.njunk);
  CU_ASSERT(v.njunk > 20);
  for (size_t i = 0; i < v.njunk; i++)
    CU_ASSERT_NOT_EQUAL(v.junk[i].reason, SIM_JUNK_INVALID_UTF8);
  sim_view_release(&v);
  sim_city_free(c);
  sim_faults_release(&f);
  sim_model_release(&m);
}

/* ---- representation (repr.h) ------------------------------------------------- */

/* Page `trang` (50 records) of 11002 from a city writing in rp. */
static void repr_page(const struct sim_model *m, const struct sim_repr *rp, const char *trang,
                      struct sim_response *r)
{
  struct sim_city_options o = { .seed = 42, .repr = *rp };
  struct sim_city *c = sim_city_new(m, &o, NULL);
  char tok[48];

  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  city_token(c, tok);
  list(c, tok, "11002", NULL, NULL, trang, "50", r);
  CU_ASSERT_EQUAL(r->status, 200);
  sim_city_free(c);
}

static size_t count_char(const char *s, size_t n, char ch)
{
  size_t k = 0;

  for (size_t i = 0; i < n; i++)
    k += s[i] == ch;
  return k;
}

/* Whether some text between two tags is only whitespace. */
static bool blank_between_tags(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] == '>') {
      size_t j = i + 1;

      while (j < n && strchr(" \t\r\n", s[j]))
        j++;
      if (j > i + 1 && j < n && s[j] == '<')
        return true;
    }
  return false;
}

static void same_codes(const struct sim_response *a, const struct sim_response *b)
{
  char x[50][48], y[50][48];
  int n = count_hoso(a, x, 50);

  CU_ASSERT_EQUAL(n, 50);
  CU_ASSERT_EQUAL(count_hoso(b, y, 50), n);
  for (int i = 0; i < n; i++)
    CU_ASSERT_STRING_EQUAL(x[i], y[i]);
}

/* Compact, CRLF and BOM pages: really so, and the same records. */
static void test_repr_layout(void)
{
  struct sim_repr plain = { 0 }, compact = { .xml = SIM_XML_COMPACT }, crlf = { .crlf = true },
                  bom = { .bom = true },
                  all = { .xml = SIM_XML_COMPACT, .crlf = true, .bom = true };
  struct sim_response d, r;
  struct sim_model m;

  generate(&m, 42, 0, 0);
  repr_page(&m, &plain, "2", &d);
  CU_ASSERT(blank_between_tags(d.body, d.len)); /* indented, as always */

  repr_page(&m, &compact, "2", &r);
  CU_ASSERT_EQUAL(strncmp(r.body, "<?xml", 5), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "</HoSo><HoSo>"));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "?><KetQuaTraCuu><MaLoi>0</MaLoi>"));
  CU_ASSERT_FALSE(blank_between_tags(r.body, r.len));
  CU_ASSERT_EQUAL(count_char(r.body, r.len, '\n'), 0);
  same_codes(&d, &r);
  sim_response_release(&r);

  repr_page(&m, &crlf, "2", &r);
  CU_ASSERT_EQUAL(count_char(r.body, r.len, '\n'), count_char(d.body, d.len, '\n'));
  CU_ASSERT_EQUAL(count_char(r.body, r.len, '\r'), count_char(d.body, d.len, '\n'));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "</HoSo>\r\n    <HoSo>\r\n"));
  same_codes(&d, &r);
  sim_response_release(&r);

  repr_page(&m, &bom, "2", &r);
  CU_ASSERT_EQUAL(r.len, d.len + 3);
  CU_ASSERT_EQUAL(memcmp(r.body, "\xef\xbb\xbf<?xml", 8), 0);
  CU_ASSERT(r.len == d.len + 3 && !memcmp(r.body + 3, d.body, d.len));
  same_codes(&d, &r);
  sim_response_release(&r);

  repr_page(&m, &all, "2", &r);
  CU_ASSERT_EQUAL(memcmp(r.body, "\xef\xbb\xbf<?xml", 8), 0);
  CU_ASSERT_FALSE(blank_between_tags(r.body, r.len));
  same_codes(&d, &r);
  sim_response_release(&r);

  /* An error answer is laid out alike; a windows-1258 page gets no BOM. */
  {
    struct sim_city_options o = { .repr = all };
    struct sim_faults f;
    struct sim_city *c;
    char tok[48];

    sim_faults_init(&f, 7);
    c = sim_city_new(&m, &o, &f);
    city_token(c, tok);
    list(c, tok, "123", NULL, NULL, NULL, NULL, &r);
    CU_ASSERT_EQUAL(memcmp(r.body, "\xef\xbb\xbf<?xml", 8), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "?><KetQuaTraCuu><MaLoi>2</MaLoi>"));
    sim_response_release(&r);
    CU_ASSERT_EQUAL_FATAL(sim_faults_add(&f, "windows-1258:1"), SIM_FAULT_OK);
    list(c, tok, "11002", NULL, NULL, "2", "50", &r);
    CU_ASSERT_STRING_EQUAL(r.fault, "windows-1258");
    CU_ASSERT_EQUAL(strncmp(r.body, "<?xml", 5), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "</HoSo><HoSo>"));
    CU_ASSERT_EQUAL(count_hoso(&r, NULL, 0), 50);
    sim_response_release(&r);
    sim_city_free(c);
    sim_faults_release(&f);
  }
  sim_response_release(&d);
  sim_model_release(&m);
}

/* A rendered HoSo (sim_city_render) as a document. */
static xmlDocPtr hoso_doc(const char *s)
{
  size_t n = strlen(s) + 64;
  char *page = malloc(n);
  xmlDocPtr doc;

  snprintf(page, n, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s", s);
  doc = xmlReadMemory(page, (int)strlen(page), "x.xml", NULL, XML_PARSE_NONET);
  free(page);
  return doc;
}

/* The names of the HoSo's children, joined by ' '. */
static void child_names(const char *hoso, char *out, size_t n)
{
  xmlDocPtr doc = hoso_doc(hoso);
  size_t len = 0;

  out[0] = '\0';
  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && len < n)
      len += (size_t)snprintf(out + len, n - len, "%s ", (const char *)c->name);
  xmlFreeDoc(doc);
}

static int word_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The words of s sorted, joined again (a multiset of names). */
static void sorted_words(const char *s, char *out, size_t n)
{
  char tmp[1024], *w[128], *save = NULL;
  size_t k = 0, len = 0;

  snprintf(tmp, sizeof(tmp), "%s", s);
  for (char *t = strtok_r(tmp, " ", &save); t && k < 128; t = strtok_r(NULL, " ", &save))
    w[k++] = t;
  qsort(w, k, sizeof(w[0]), word_cmp);
  out[0] = '\0';
  for (size_t i = 0; i < k && len < n; i++)
    len += (size_t)snprintf(out + len, n - len, "%s ", w[i]);
}

/* Whether each name of s appears in one run (a list stays together). */
static bool runs_together(const char *s)
{
  char tmp[1024], *w[128], *save = NULL;
  size_t k = 0;

  snprintf(tmp, sizeof(tmp), "%s", s);
  for (char *t = strtok_r(tmp, " ", &save); t && k < 128; t = strtok_r(NULL, " ", &save))
    w[k++] = t;
  for (size_t i = 0; i < k; i++)
    for (size_t j = i + 2; j < k; j++)
      if (!strcmp(w[i], w[j]) && strcmp(w[j - 1], w[i]))
        return false;
  return true;
}

static bool in_city(const struct sim_dossier *d);

/* Shuffled element and attribute order: drawn per record, stable. */
static void test_repr_order(void)
{
  struct sim_city_options oc = { 0 }, os = { .repr = { .order = SIM_ORDER_SHUFFLED } },
                          o2 = { .repr = { .order = SIM_ORDER_SHUFFLED, .seed = 2 } };
  struct sim_model m;
  struct sim_city *canon, *shuf, *shuf2;
  unsigned n = 0, moved = 0, other_seed = 0, buoc_moved = 0;

  generate(&m, 42, 0, 0);
  canon = sim_city_new(&m, &oc, NULL);
  shuf = sim_city_new(&m, &os, NULL);
  shuf2 = sim_city_new(&m, &o2, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(shuf2);
  for (size_t i = 0; i < m.ndossiers && n < 400; i++) {
    const struct sim_dossier *d = &m.dossiers[i];
    char *a, *b, *b2, *c2, na[1024], nb[1024], sa[1024], sb[1024];
    const char *buoc;

    if (!in_city(d))
      continue;
    n++;
    a = sim_city_render(canon, d);
    b = sim_city_render(shuf, d);
    b2 = sim_city_render(shuf, d);
    c2 = sim_city_render(shuf2, d);
    CU_ASSERT_STRING_EQUAL(b, b2); /* the same bytes on every read */
    child_names(a, na, sizeof(na));
    child_names(b, nb, sizeof(nb));
    moved += strcmp(na, nb) != 0;
    other_seed += strcmp(b, c2) != 0;
    sorted_words(na, sa, sizeof(sa));
    sorted_words(nb, sb, sizeof(sb));
    CU_ASSERT_STRING_EQUAL(sa, sb); /* the same elements */
    CU_ASSERT(runs_together(nb));
    buoc = strstr(b, "<Buoc ");
    CU_ASSERT_PTR_NOT_NULL(buoc);
    buoc_moved += buoc && strncmp(buoc, "<Buoc thoiDiem=", 15);
    CU_ASSERT_EQUAL(strlen(a), strlen(b)); /* reordered, nothing else */
    free(a);
    free(b);
    free(b2);
    free(c2);
  }
  CU_ASSERT(n == 400);
  CU_ASSERT(moved > n * 9 / 10);
  CU_ASSERT(other_seed > n * 9 / 10);
  CU_ASSERT(buoc_moved > n / 2);
  sim_city_free(canon);
  sim_city_free(shuf);
  sim_city_free(shuf2);
  sim_model_release(&m);
}

/* Every absent form on demand, and all of them when varied. */
static void test_repr_absent(void)
{
  static const enum sim_absent modes[] = { SIM_ABSENT_NULL, SIM_ABSENT_EMPTY, SIM_ABSENT_MISSING,
                                           SIM_ABSENT_VARIED };
  struct sim_model m;

  generate(&m, 42, 0, 0);
  for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
    struct sim_city_options o = { .repr = { .absent = modes[k] } };
    struct sim_city *c = sim_city_new(&m, &o, NULL);
    unsigned selfc = 0, empty = 0, missing = 0, none_self = 0, none_attrs = 0, none_missing = 0,
             attr_empty = 0, attr_left = 0, n = 0;

    for (size_t i = 0; i < m.ndossiers; i++) {
      const struct sim_dossier *d = &m.dossiers[i];
      char *s;

      if (!in_city(d) || d->returned_at)
        continue;
      s = sim_city_render(c, d);
      n++;
      selfc += strstr(s, "<NgayTra/>") != NULL;
      empty += strstr(s, "<NgayTra></NgayTra>") != NULL;
      missing += strstr(s, "<NgayTra") == NULL;
      if (!d->nsupp) {
        none_self += strstr(s, "<YeuCauBoSung/>") != NULL;
        none_attrs += strstr(s, "<YeuCauBoSung ngayYeuCau=\"\"") != NULL;
        none_missing += strstr(s, "<YeuCauBoSung") == NULL;
      } else if (!d->supp[0].completed_at) {
        attr_empty += strstr(s, "ngayHoanThanh=\"\"") != NULL;
        attr_left += strstr(s, "ngayHoanThanh=") == NULL;
      }
      free(s);
    }
    CU_ASSERT(n > 50);
    switch (modes[k]) {
    case SIM_ABSENT_NULL:
      CU_ASSERT(selfc == n && none_self > 0 && !none_attrs && !none_missing && !attr_left);
      break;
    case SIM_ABSENT_EMPTY:
      CU_ASSERT(empty == n && none_attrs > 0 && !none_self && !none_missing && !attr_left);
      break;
    case SIM_ABSENT_MISSING:
      CU_ASSERT(missing == n && none_missing > 0 && !none_self && !none_attrs && !attr_empty);
      CU_ASSERT(attr_left > 0);
      break;
    default:
      CU_ASSERT(selfc > 0 && empty > 0 && missing > 0);
      CU_ASSERT(none_self > 0 && none_attrs > 0 && none_missing > 0);
      CU_ASSERT(attr_empty > 0 && attr_left > 0);
      break;
    }
    sim_city_free(c);
  }
  sim_model_release(&m);
}

/* The text of a child element of a rendered HoSo ("" when absent). */
static void hoso_text(const char *s, const char *name, char *buf, size_t n)
{
  xmlDocPtr doc = hoso_doc(s);

  CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
  text(xmlDocGetRootElement(doc), name, buf, n);
  xmlFreeDoc(doc);
}

/* Whether the HoSo has a Buoc with trangThai `st` (at `at` when given). */
static bool has_step(const char *s, int st, const char *at)
{
  char want[64];
  const char *p = s;

  snprintf(want, sizeof(want), "trangThai=\"%d\"", st);
  while ((p = strstr(p, "<Buoc "))) {
    const char *end = strstr(p, "/>");
    char t[64];

    snprintf(t, sizeof(t), "thoiDiem=\"%s\"", at ? at : "");
    if (end && memmem(p, (size_t)(end - p), want, strlen(want)) &&
        (!at || memmem(p, (size_t)(end - p), t, strlen(t))))
      return true;
    p = end ? end : p + 1;
  }
  return false;
}

/* Stops dated each way real systems do; only a time the model recorded. */
static void test_repr_stop(void)
{
  static const char *const modes[] = { "refusal+step", "end",      "refusal", "step",
                                       "end+refusal",  "end+step", "mixed" };
  struct sim_model m;
  int cleared = 0;

  generate(&m, 42, 0, 0);
  /* A few stops the system did not date (the generator's 10 %). */
  for (size_t i = 0; i < m.ndossiers && cleared < 3; i++) {
    struct sim_dossier *d = &m.dossiers[i];

    if (in_city(d) && d->received_at && d->refused_at && d->status >= 7) {
      d->refused_at = SIM_TIME_NONE;
      cleared++;
    }
  }
  for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
    struct sim_city_options o = { 0 };
    struct sim_city *c;
    unsigned seen[8] = { 0 }, recorded = 0, unrecorded = 0, combos = 0;

    CU_ASSERT_EQUAL_FATAL(sim_repr_parse(&o.repr, SIM_REPR_STOP, modes[k]), 0);
    c = sim_city_new(&m, &o, NULL);
    for (size_t i = 0; i < m.ndossiers; i++) {
      const struct sim_dossier *d = &m.dossiers[i];
      char *s, at[16], end[32], ref[32];
      unsigned parts;

      if (!in_city(d) || !d->received_at || (d->status != 3 && d->status != 7 && d->status != 8))
        continue;
      s = sim_city_render(c, d);
      hoso_text(s, "NgayKetThucXuLy", end, sizeof(end));
      hoso_text(s, "NgayTuChoi", ref, sizeof(ref));
      CU_ASSERT_FALSE(has_step(s, 9, NULL) || has_step(s, 10, NULL));
      if (!d->refused_at) { /* unrecorded: nothing dates it */
        unrecorded++;
        CU_ASSERT(!*end && !*ref && !has_step(s, d->status, NULL));
        free(s);
        continue;
      }
      recorded++;
      sim_format_compact(d->refused_at, at);
      parts = (*end ? SIM_STOP_END : 0) | (*ref ? SIM_STOP_REFUSAL : 0) |
              (has_step(s, d->status, at) ? SIM_STOP_STEP : 0);
      CU_ASSERT(!*end || !strcmp(end, at));
      CU_ASSERT(!*ref || !strcmp(ref, at));
      CU_ASSERT(parts != 0); /* always dated somewhere */
      if (strcmp(modes[k], "mixed")) {
        struct sim_repr want = { 0 };

        sim_repr_parse(&want, SIM_REPR_STOP, modes[k]);
        CU_ASSERT_EQUAL(parts, want.stop);
      }
      seen[parts]++;
      free(s);
    }
    CU_ASSERT(recorded > 20 && unrecorded > 0);
    for (int p = 1; p < 8; p++)
      combos += seen[p] > 0;
    CU_ASSERT(!strcmp(modes[k], "mixed") ? combos == 7 : combos == 1);
    sim_city_free(c);
  }
  sim_model_release(&m);
}

/* --repr-seed: the same seed draws the same knobs and the same bytes. */
static void test_repr_seed(void)
{
  struct sim_repr a = { 0 }, b = { 0 }, pinned = { .xml = SIM_XML_COMPACT };
  struct sim_response ra, rb;
  struct sim_model m;
  char la[256], lb[256], first[256];
  unsigned differ = 0;

  sim_repr_draw(&a, 17, 0);
  sim_repr_draw(&b, 17, 0);
  CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
  CU_ASSERT_EQUAL(a.seed, 17);
  sim_repr_describe(&a, la, sizeof(la));
  sim_repr_describe(&b, lb, sizeof(lb));
  CU_ASSERT_STRING_EQUAL(la, lb);
  CU_ASSERT_EQUAL(strncmp(la, "xml=", 4), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(la, " stop="));
  /* A flag pins its knob; the others stay as the seed draws them. */
  sim_repr_draw(&pinned, 17, 1u << SIM_REPR_XML);
  CU_ASSERT_EQUAL(pinned.xml, SIM_XML_COMPACT);
  CU_ASSERT_EQUAL(pinned.absent, a.absent);
  CU_ASSERT_EQUAL(pinned.stop, a.stop);
  for (uint64_t seed = 1; seed <= 16; seed++) {
    struct sim_repr r = { 0 };

    sim_repr_draw(&r, seed, 0);
    sim_repr_describe(&r, lb, sizeof(lb));
    if (seed == 1)
      snprintf(first, sizeof(first), "%s", lb);
    differ += strcmp(first, lb) != 0;
  }
  CU_ASSERT(differ > 8);
  {
    struct sim_repr z = { 0 };

    CU_ASSERT(sim_repr_is_default(&z));
    CU_ASSERT_EQUAL(sim_repr_parse(&z, SIM_REPR_XML, "tabs"), -1);
    CU_ASSERT_EQUAL(sim_repr_parse(&z, SIM_REPR_STOP, "end+"), -1);
    CU_ASSERT_EQUAL(sim_repr_parse(&z, SIM_REPR_STOP, "end+end"), -1);
    CU_ASSERT_EQUAL(sim_repr_parse(&z, SIM_REPR_STOP, "end+step"), 0);
    CU_ASSERT_EQUAL(z.stop, SIM_STOP_END | SIM_STOP_STEP);
  }
  generate(&m, 42, 0, 0);
  a.order = SIM_ORDER_SHUFFLED;
  a.absent = SIM_ABSENT_VARIED;
  repr_page(&m, &a, "3", &ra);
  repr_page(&m, &a, "3", &rb);
  CU_ASSERT(ra.len == rb.len && !memcmp(ra.body, rb.body, ra.len));
  sim_response_release(&rb);
  a.seed = 18; /* another seed: other records' choices */
  repr_page(&m, &a, "3", &rb);
  CU_ASSERT(ra.len != rb.len || memcmp(ra.body, rb.body, ra.len));
  sim_response_release(&ra);
  sim_response_release(&rb);
  sim_model_release(&m);
}

static CU_TestInfo tests[] = { { "token endpoint", test_token },
                               { "data call auth (401)", test_data_auth },
                               { "invalid parameters", test_params },
                               { "paging order and filters", test_paging },
                               { "render plain, escaping", test_render_plain },
                               { "fault pages", test_fault_pages },
                               { "token-expired fault", test_token_expired_fault },
                               { "drift", test_drift },
                               { "malformed records", test_malformed },
                               { "repr: compact, CRLF, BOM pages", test_repr_layout },
                               { "repr: element and attribute order", test_repr_order },
                               { "repr: absent forms", test_repr_absent },
                               { "repr: how a stop is dated", test_repr_stop },
                               { "repr: seeds", test_repr_seed },
                               CU_TEST_INFO_NULL };

CUNIT_MAIN("sim_city", tests)
