/*
 * portal - DVCQG simulator: auth, listing, HoSo rendering (see portal.h).
 */
#include "portal.h"

#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "rng.h"
#include "view.h"

#define MAX_SESSIONS 256
#define DEFAULT_PAGE 100
#define MSG_OK       "Thành công"

struct session {
  char token[33]; /* "" = free slot */
  double expires; /* CLOCK_MONOTONIC seconds */
};

struct sim_portal {
  const struct sim_model *m;
  char *username, *password, *agency;
  char prefix[16]; /* last part of the agency code, e.g. "H31" */
  unsigned ttl;
  bool plain;
  struct sim_faults *faults;
  struct sim_view view; /* copies by (NgayCapNhat, MaHoSo), junk */
  pthread_mutex_t lock; /* sessions and token stream */
  struct sim_rng rng;
  struct session sessions[MAX_SESSIONS];
  size_t next_slot; /* ring: the oldest session is replaced */
};

/* ---- setup -------------------------------------------------------------- */

struct sim_portal *sim_portal_new(const struct sim_model *m, const struct sim_portal_options *o,
                                  struct sim_faults *faults)
{
  struct sim_portal *p = calloc(1, sizeof(*p));
  const char *dot;

  if (!p)
    return NULL;
  p->m = m;
  p->faults = faults;
  p->plain = o->plain;
  p->ttl = o->session_ttl ? o->session_ttl : 1800;
  p->username = strdup(o->username ? o->username : "demo");
  p->password = strdup(o->password ? o->password : "demo-secret");
  p->agency = strdup(o->agency ? o->agency : "000.00.00.H31");
  if (!p->username || !p->password || !p->agency ||
      sim_view_build(&p->view, m, SIM_KIND_PORTAL, faults ? faults->malformed_ppm : 0,
                     o->junk_seed)) {
    free(p->username);
    free(p->password);
    free(p->agency);
    free(p);
    return NULL;
  }
  dot = strrchr(p->agency, '.');
  snprintf(p->prefix, sizeof(p->prefix), "%s", dot ? dot + 1 : p->agency);
  sim_rng_init(&p->rng, sim_mix(o->seed, 0x5e55));
  pthread_mutex_init(&p->lock, NULL);
  return p;
}

void sim_portal_free(struct sim_portal *p)
{
  if (!p)
    return;
  pthread_mutex_destroy(&p->lock);
  free(p->username);
  free(p->password);
  free(p->agency);
  sim_view_release(&p->view);
  free(p);
}

/* ---- sessions ----------------------------------------------------------- */

static double now_mono(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void session_new(struct sim_portal *p, char *token)
{
  struct session *s;

  pthread_mutex_lock(&p->lock);
  s = &p->sessions[p->next_slot++ % MAX_SESSIONS];
  snprintf(s->token, sizeof(s->token), "%016" PRIx64 "%016" PRIx64, sim_rng_next(&p->rng),
           sim_rng_next(&p->rng));
  s->expires = now_mono() + p->ttl;
  memcpy(token, s->token, sizeof(s->token));
  pthread_mutex_unlock(&p->lock);
}

/* Whether the token is a live session; `drop` ends it (fault 99). */
static bool session_check(struct sim_portal *p, const char *token, bool drop)
{
  bool ok = false;

  if (!token || !*token)
    return false;
  pthread_mutex_lock(&p->lock);
  for (size_t i = 0; i < MAX_SESSIONS; i++) {
    struct session *s = &p->sessions[i];

    if (!s->token[0] || strcmp(s->token, token))
      continue;
    ok = s->expires > now_mono();
    if (drop || !ok)
      s->token[0] = '\0';
    break;
  }
  pthread_mutex_unlock(&p->lock);
  return ok;
}

/* ---- JSON helpers --------------------------------------------------------- */

/*
 * A scalar parameter as text: strings as they are, integral numbers
 * printed.  NULL when absent (missing, null, "") or not a scalar.
 */
static const char *scalar(const cJSON *o, const char *name, char *buf, size_t n)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

  if (cJSON_IsString(v) && v->valuestring && *v->valuestring)
    return v->valuestring;
  if (cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble) {
    snprintf(buf, n, "%lld", (long long)v->valuedouble);
    return buf;
  }
  return NULL;
}

/* Integer parameter: 1 ok, 0 absent, -1 malformed. */
static int int_param(const cJSON *o, const char *name, long *out)
{
  char buf[32], *end;
  const char *s = scalar(o, name, buf, sizeof(buf));
  long v;

  if (!s)
    return 0;
  v = strtol(s, &end, 10);
  if (end == s || *end)
    return -1;
  *out = v;
  return 1;
}

/* Serialise j (consumed) as the response body. */
static void reply_json(struct sim_response *r, int status, cJSON *j)
{
  char *s = j ? cJSON_PrintUnformatted(j) : NULL;

  cJSON_Delete(j);
  if (!s) {
    sim_response_set(r, 500, "text/plain; charset=utf-8", NULL, "out of memory");
    return;
  }
  sim_response_set(r, status, "application/json; charset=utf-8", s, NULL);
}

/* {"error_code": code, "message": msg} with HTTP status. */
static void reply_error(struct sim_response *r, int status, const char *code, const char *msg)
{
  cJSON *j = cJSON_CreateObject();

  snprintf(r->error_code, sizeof(r->error_code), "%s", code);
  if (j && (!cJSON_AddStringToObject(j, "error_code", code) ||
            !cJSON_AddStringToObject(j, "message", msg))) {
    cJSON_Delete(j);
    j = NULL;
  }
  reply_json(r, status, j);
}

/* ---- HoSo rendering ------------------------------------------------------- */

/* Rendering state: the OOM flag is sticky so the calls stay flat. */
struct render {
  const struct sim_portal *p;
  const struct sim_dossier *d;
  bool fail;
};

/* Stable per-dossier choice among n for a given field (salt). */
static unsigned pick(const struct render *x, unsigned salt, unsigned n)
{
  return x->p->plain ? 0 : (unsigned)(sim_mix(x->d->variety, salt) % n);
}

static void check(struct render *x, const void *added)
{
  if (!added)
    x->fail = true;
}

/* An absent value: a missing key, "" or null. */
static void put_absent(struct render *x, cJSON *o, const char *name, unsigned salt)
{
  switch (pick(x, salt, 3)) {
  case 0: break;
  case 1: check(x, cJSON_AddStringToObject(o, name, "")); break;
  default: check(x, cJSON_AddNullToObject(o, name)); break;
  }
}

static void put_str(struct render *x, cJSON *o, const char *name, unsigned salt, const char *v)
{
  if (v && *v)
    check(x, cJSON_AddStringToObject(o, name, v));
  else
    put_absent(x, o, name, salt);
}

static void put_time(struct render *x, cJSON *o, const char *name, unsigned salt, sim_time t)
{
  char buf[16];

  if (!t) {
    put_absent(x, o, name, salt);
    return;
  }
  sim_format_compact(t, buf);
  check(x, cJSON_AddStringToObject(o, name, buf));
}

/* A small code (status, channel ...): "2" or, sometimes, 2; 0 absent. */
static void put_code(struct render *x, cJSON *o, const char *name, unsigned salt, int v)
{
  char buf[16];

  if (!v) {
    put_absent(x, o, name, salt);
    return;
  }
  if (pick(x, salt + 1000, 4) == 1) {
    check(x, cJSON_AddNumberToObject(o, name, v));
    return;
  }
  snprintf(buf, sizeof(buf), "%d", v);
  check(x, cJSON_AddStringToObject(o, name, buf));
}

static void put_flag(struct render *x, cJSON *o, const char *name, unsigned salt, bool v)
{
  if (v)
    check(x, cJSON_AddStringToObject(o, name, "1"));
  else if (pick(x, salt + 2000, 2))
    check(x, cJSON_AddStringToObject(o, name, "0"));
  else
    put_absent(x, o, name, salt);
}

/* An array field; an empty one is [], or absent in any of its forms. */
static cJSON *put_array(struct render *x, cJSON *o, const char *name, unsigned salt, int n)
{
  cJSON *a;

  if (n == 0 && pick(x, salt, 2)) {
    put_absent(x, o, name, salt + 1);
    return NULL;
  }
  a = cJSON_AddArrayToObject(o, name);
  check(x, a);
  return a;
}

static cJSON *item(struct render *x, cJSON *a)
{
  cJSON *o = cJSON_CreateObject();

  if (!o || !cJSON_AddItemToArray(a, o)) {
    cJSON_Delete(o);
    x->fail = true;
    return NULL;
  }
  return o;
}

static void render_arrays(struct render *x, cJSON *o)
{
  const struct sim_dossier *d = x->d;
  cJSON *a, *e;

  if ((a = put_array(x, o, "TaiLieuNop", 40, d->ncomp)))
    for (int i = 0; i < d->ncomp && (e = item(x, a)); i++) {
      const struct sim_component *c = &d->comp[i];

      put_str(x, e, "MaThanhPhanHoSo", 41, c->code);
      put_flag(x, e, "DuocSoHoa", 42 + i, c->digitised);
      put_code(x, e, "DuocTaiSuDung", 46 + i, c->reused);
      put_flag(x, e, "DuocLayTuKhoDMQG", 50 + i, c->from_store);
    }
  if ((a = put_array(x, o, "DanhSachLePhi", 60, d->nfees)))
    for (int i = 0; i < d->nfees && (e = item(x, a)); i++) {
      char buf[32];

      put_str(x, e, "MaPhiLePhi", 61, d->fees[i].code);
      if (pick(x, 62, 3) == 1) {
        check(x, cJSON_AddNumberToObject(e, "Gia", (double)d->fees[i].amount));
      } else {
        snprintf(buf, sizeof(buf), "%ld", d->fees[i].amount);
        check(x, cJSON_AddStringToObject(e, "Gia", buf));
      }
    }
  if ((a = put_array(x, o, "DanhSachGiayToKetQua", 70, d->nresults)))
    for (int i = 0; i < d->nresults && (e = item(x, a)); i++) {
      put_str(x, e, "MaGiayToKetQua", 71, d->results[i].code);
      put_str(x, e, "DuongDanTepTinKetQua", 72 + i, d->results[i].link);
    }
  if ((a = put_array(x, o, "DanhSachHoSoBoSung", 80, d->nsupp)))
    for (int i = 0; i < d->nsupp && (e = item(x, a)); i++) {
      const struct sim_supplement *s = &d->supp[i];

      put_time(x, e, "NgayYeuCau", 81, s->requested_at);
      put_time(x, e, "NgayHoanThanh", 82 + i, s->completed_at);
      put_time(x, e, "NgayHenTraMoi", 86, s->new_due);
    }
}

static const char *origin_name(enum sim_origin o)
{
  switch (o) {
  case SIM_ORIGIN_MINISTRY: return "HOTICH_BTP";
  case SIM_ORIGIN_PORTAL: return "DVCQG";
  default: return "TTHC_TP";
  }
}

static bool any_reused(const struct sim_dossier *d)
{
  for (int i = 0; i < d->ncomp; i++)
    if (d->comp[i].reused)
      return true;
  return false;
}

/* The record of d as served with NgayCapNhat upd. */
static cJSON *render_at(const struct sim_portal *p, const struct sim_dossier *d, sim_time upd)
{
  struct render x = { p, d, false };
  const struct sim_procedure *pr = d->proc;
  cJSON *o = cJSON_CreateObject();
  char buf[64];

  if (!o)
    return NULL;
  put_str(&x, o, "MaHoSo", 1, d->portal_code);
  put_str(&x, o, "MaHoSoBNDP", 2,
          strcmp(d->portal_code, d->code) && d->origin != SIM_ORIGIN_MINISTRY ? d->code : NULL);
  put_str(&x, o, "NguonDongBo", 3, origin_name(d->origin));
  if (pr && pick(&x, 4, 3))
    snprintf(buf, sizeof(buf), "%s.000.00.00.%s", pr->code, p->prefix);
  else
    snprintf(buf, sizeof(buf), "%s", pr ? pr->code : "");
  put_str(&x, o, "MaTTHC", 5, buf);
  put_str(&x, o, "TenTTHC", 6, pr ? pr->name : NULL);
  snprintf(buf, sizeof(buf), "%s", pr && pr->field_code ? pr->field_code : "");
  if (pick(&x, 7, 20) == 1) /* codes compare case-insensitively */
    for (char *c = buf; *c; c++)
      *c = (char)tolower((unsigned char)*c);
  put_str(&x, o, "MaLinhVuc", 8, buf);
  put_str(&x, o, "TenLinhVuc", 9, pr ? pr->field_name : NULL);
  put_str(&x, o, "MaXa", 10, d->commune);
  put_str(&x, o, "MaDonViXuLy", 11, d->dept ? d->dept->code : NULL);
  put_str(&x, o, "DonViXuLy", 12, d->dept ? d->dept->name : NULL);
  put_code(&x, o, "KenhThucHien", 13, (int)d->channel);
  put_code(&x, o, "NoiNopHoSo", 14, d->origin == SIM_ORIGIN_PORTAL ? 1 : 2);
  put_time(&x, o, "NgayNopHoSo", 15, d->submitted_at);
  put_time(&x, o, "NgayTiepNhan", 16, d->received_at);
  put_time(&x, o, "NgayHenTra", 17, d->due_at);
  put_time(&x, o, "NgayKetThucXuLy", 18, d->finished_at);
  put_time(&x, o, "NgayTra", 19, d->returned_at);
  put_time(&x, o, "NgayTuChoi", 20, d->refused_at);
  put_code(&x, o, "TrangThaiHoSo", 21, d->status);
  put_flag(&x, o, "HoSoCoThanhPhanSoHoa", 22, any_reused(d));
  put_flag(&x, o, "TaiKhoanDuocXacThucVoiVNeID", 23, d->vneid);
  snprintf(buf, sizeof(buf), "%d", d->paid_online);
  put_str(&x, o, "DuocThanhToanTrucTuyen", 24, buf);
  render_arrays(&x, o);
  put_code(&x, o, "DanhGiaHaiLong", 25, d->rating);
  put_flag(&x, o, "CoPhanAnh", 26, d->complaint);
  put_time(&x, o, "NgayCapNhat", 27, upd);
  if (x.fail) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

cJSON *sim_portal_render(const struct sim_portal *p, const struct sim_dossier *d)
{
  return render_at(p, d, d->updated_at);
}

static bool replace_str(cJSON *o, const char *name, const char *v)
{
  cJSON *s = cJSON_CreateString(v);

  cJSON_DeleteItemFromObjectCaseSensitive(o, name);
  if (!s || !cJSON_AddItemToObject(o, name, s)) {
    cJSON_Delete(s);
    return false;
  }
  return true;
}

/* A junk record: its template's record with one defect (junk.h). */
static cJSON *render_junk(const struct sim_portal *p, const struct sim_junk *j)
{
  cJSON *o = render_at(p, j->tmpl, j->upd);
  char *name = NULL;
  bool ok;

  if (!o)
    return NULL;
  cJSON_DeleteItemFromObjectCaseSensitive(o, "MaHoSoBNDP");
  ok = replace_str(o, "MaHoSo", j->code);
  switch (j->reason) {
  case SIM_JUNK_BAD_DATE: ok = ok && replace_str(o, "NgayTiepNhan", sim_junk_bad_date(j)); break;
  case SIM_JUNK_UNKNOWN_STATUS: {
    char buf[16];

    snprintf(buf, sizeof(buf), "%d", sim_junk_status(j));
    ok = ok && replace_str(o, "TrangThaiHoSo", buf);
    break;
  }
  case SIM_JUNK_MISSING_CODE: cJSON_DeleteItemFromObjectCaseSensitive(o, "MaHoSo"); break;
  case SIM_JUNK_OVERLONG:
    name = sim_junk_long_name(j->tmpl->proc ? j->tmpl->proc->name : NULL);
    ok = ok && name && replace_str(o, "TenTTHC", name);
    break;
  default: ok = ok && replace_str(o, "TenTTHC", "\xc4\x90\xc4ng k\xfd \xc3\x28"); break;
  }
  free(name);
  if (!ok) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

/* ---- endpoints ------------------------------------------------------------- */

static char *trim(char *s)
{
  char *e;

  while (isspace((unsigned char)*s))
    s++;
  e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1]))
    *--e = '\0';
  return s;
}

static void handle_auth(struct sim_portal *p, const struct sim_request *q, struct sim_response *r)
{
  struct sim_fault_hit hit = sim_faults_roll(p->faults, SIM_FAULTS_TRANSPORT);
  const char *dst = sim_request_header(q, "dstcode");
  char dbuf[64], token[33];
  const cJSON *u, *pw;
  cJSON *body, *j;

  if (sim_fault_preempts(hit.kind)) {
    sim_fault_apply(p->faults, hit, r);
    return;
  }
  body = cJSON_ParseWithLength(q->body, q->body_len);
  if (!cJSON_IsObject(body)) {
    reply_error(r, 400, "400", "Dữ liệu yêu cầu không hợp lệ");
    goto out;
  }
  snprintf(dbuf, sizeof(dbuf), "%s", dst ? dst : "");
  if (strcasecmp(trim(dbuf), p->agency)) {
    reply_error(r, 200, "401", "Mã đơn vị (dstcode) không hợp lệ");
    goto out;
  }
  u = cJSON_GetObjectItemCaseSensitive(body, "username");
  pw = cJSON_GetObjectItemCaseSensitive(body, "password");
  if (!cJSON_IsString(u) || !cJSON_IsString(pw) || strcmp(u->valuestring, p->username) ||
      strcmp(pw->valuestring, p->password)) {
    reply_error(r, 200, "401", "Sai tên đăng nhập hoặc mật khẩu");
    goto out;
  }
  session_new(p, token);
  j = cJSON_CreateObject();
  if (j && (!cJSON_AddStringToObject(j, "error_code", "0") ||
            !cJSON_AddStringToObject(j, "message", MSG_OK) ||
            !cJSON_AddStringToObject(j, "session", token) ||
            !cJSON_AddNumberToObject(j, "expires_in", p->ttl))) {
    cJSON_Delete(j);
    j = NULL;
  }
  snprintf(r->error_code, sizeof(r->error_code), "0");
  reply_json(r, 200, j);
out:
  sim_fault_apply(p->faults, hit, r);
  cJSON_Delete(body);
}

struct listing {
  const char *commune; /* NULL = all */
  sim_time from, to;   /* inclusive bounds on NgayCapNhat */
  long page, size;
};

/* Parse the LayDanhSachHoSo parameters; NULL or an error message. */
static const char *listing_params(const cJSON *body, struct listing *l, char *xa, size_t xalen)
{
  char buf[32];
  const char *s;
  int rc;

  l->commune = NULL;
  l->from = INT64_MIN;
  l->to = INT64_MAX;
  l->page = 1;
  l->size = DEFAULT_PAGE;
  if ((s = scalar(body, "MaXa", buf, sizeof(buf)))) {
    if (!sim_is_digits(s, 5))
      return "MaXa không hợp lệ";
    snprintf(xa, xalen, "%s", s);
    l->commune = xa;
  }
  if ((s = scalar(body, "TuNgay", buf, sizeof(buf))) && sim_parse_compact(s, &l->from))
    return "TuNgay không hợp lệ (yyyyMMddHHmmss)";
  if ((s = scalar(body, "DenNgay", buf, sizeof(buf))) && sim_parse_compact(s, &l->to))
    return "DenNgay không hợp lệ (yyyyMMddHHmmss)";
  if ((rc = int_param(body, "pageIndex", &l->page)) < 0 || l->page < 1)
    return "pageIndex không hợp lệ";
  if ((rc = int_param(body, "pageSize", &l->size)) < 0 || l->size < 1)
    return "pageSize không hợp lệ";
  if (l->size > SIM_PORTAL_MAX_PAGE)
    l->size = SIM_PORTAL_MAX_PAGE;
  return NULL;
}

static void reply_listing(struct sim_portal *p, const struct listing *l, struct sim_fault_hit *hit,
                          struct sim_response *r)
{
  cJSON *j = cJSON_CreateObject(), *res;
  long total = 0, first = (l->page - 1) * l->size;
  bool fail = !j, numeric_code = hit->kind == SIM_FAULT_NUMERIC_CODE;
  struct sim_view *v = &p->view;

  res = j ? cJSON_CreateArray() : NULL;
  fail |= !res;
  pthread_mutex_lock(&v->lock);
  for (size_t i = sim_view_lower_bound(v, l->from); !fail && i < v->n && v->v[i].upd <= l->to;
       i++) {
    const struct sim_entry *e = &v->v[i];
    cJSON *h;

    if (l->commune && strcmp(e->commune, l->commune))
      continue;
    if (total++ < first || total > first + l->size)
      continue;
    if (e->junk) {
      h = render_junk(p, e->junk);
      r->malformed++;
    } else {
      h = render_at(p, e->d, e->upd);
    }
    if (!h || !cJSON_AddItemToArray(res, h)) {
      cJSON_Delete(h);
      fail = true;
    }
  }
  if (hit->kind == SIM_FAULT_DRIFT && !sim_view_drift(v, l->commune, l->from, l->to, first))
    hit->kind = SIM_FAULT_NONE; /* nothing to move */
  pthread_mutex_unlock(&v->lock);
  if (!fail)
    fail = !(numeric_code ? cJSON_AddNumberToObject(j, "error_code", 0)
                          : cJSON_AddStringToObject(j, "error_code", "0")) ||
           !cJSON_AddStringToObject(j, "message", MSG_OK) ||
           !cJSON_AddNumberToObject(j, "total", (double)total) ||
           !cJSON_AddNumberToObject(j, "pageIndex", (double)l->page) ||
           !cJSON_AddNumberToObject(j, "pageSize", (double)l->size) ||
           !cJSON_AddItemToObject(j, "result", res);
  else
    cJSON_Delete(res);
  if (fail) {
    cJSON_Delete(j);
    j = NULL;
  }
  snprintf(r->error_code, sizeof(r->error_code), "0");
  reply_json(r, 200, j);
}

static bool body_fault(enum sim_fault k)
{
  return k == SIM_FAULT_ERROR_1 || k == SIM_FAULT_SESSION || k == SIM_FAULT_NUMERIC_CODE ||
         k == SIM_FAULT_DRIFT;
}

static void handle_integration(struct sim_portal *p, const struct sim_request *q,
                               struct sim_response *r)
{
  struct sim_fault_hit hit = sim_faults_roll(p->faults, SIM_FAULTS_PORTAL);
  char buf[48], tbuf[48], xa[8];
  const char *svc, *err;
  bool used = false, live;
  struct listing l;
  cJSON *body = NULL;

  if (sim_fault_preempts(hit.kind)) {
    sim_fault_apply(p->faults, hit, r);
    return;
  }
  body = cJSON_ParseWithLength(q->body, q->body_len);
  if (!cJSON_IsObject(body)) {
    reply_error(r, 400, "400", "Dữ liệu yêu cầu không hợp lệ");
    goto out;
  }
  svc = scalar(body, "service", buf, sizeof(buf));
  snprintf(r->service, sizeof(r->service), "%s", svc ? svc : "");
  if (int_param(body, "pageIndex", &r->page_index) != 1)
    r->page_index = -1;
  if (hit.kind == SIM_FAULT_ERROR_1) {
    used = true;
    reply_error(r, 200, "-1", "Lỗi hệ thống, vui lòng thử lại sau");
    goto out;
  }
  /* The session fault ends a live session, as a real expiry would. */
  live =
    session_check(p, scalar(body, "session", tbuf, sizeof(tbuf)), hit.kind == SIM_FAULT_SESSION);
  if (!live || hit.kind == SIM_FAULT_SESSION) {
    used = live;
    reply_error(r, 200, "99", "Phiên làm việc đã hết hạn");
    goto out;
  }
  if (!svc || strcmp(svc, "LayDanhSachHoSo")) {
    reply_error(r, 200, "2", "Dịch vụ không được hỗ trợ");
    goto out;
  }
  err = listing_params(body, &l, xa, sizeof(xa));
  if (err) {
    reply_error(r, 200, "2", err);
    goto out;
  }
  used = true;
  reply_listing(p, &l, &hit, r);
out:
  if (body_fault(hit.kind) && !used)
    hit.kind = SIM_FAULT_NONE; /* it had no effect: not logged */
  sim_fault_apply(p->faults, hit, r);
  cJSON_Delete(body);
}

void sim_portal_handle(struct sim_portal *p, const struct sim_request *q, struct sim_response *r)
{
  bool auth = strcmp(q->path, "/api/auth") == 0;

  if (!auth && strcmp(q->path, "/api/integration")) {
    reply_error(r, 404, "404", "Không tìm thấy");
    return;
  }
  if (strcmp(q->method, "POST")) {
    reply_error(r, 405, "405", "Phương thức không được hỗ trợ");
    return;
  }
  if (auth)
    handle_auth(p, q, r);
  else
    handle_integration(p, q, r);
}

void sim_portal_handler(void *ctx, const struct sim_request *q, struct sim_response *r)
{
  sim_portal_handle(ctx, q, r);
}
