/*
 * portal - DVCQG simulator: auth, listing, HoSo rendering (see portal.h).
 */
#include "portal.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonrec.h"
#include "rng.h"
#include "tokens.h"
#include "view.h"

#define DEFAULT_PAGE 100
#define MSG_OK       "Thành công"

struct sim_portal {
  const struct sim_model *m;
  char *username, *password, *agency;
  char prefix[16]; /* last part of the agency code, e.g. "H31" */
  bool plain;
  struct sim_repr repr; /* representation knobs (repr.h) */
  struct sim_faults *faults;
  struct sim_view view; /* copies by (NgayCapNhat, MaHoSo), junk */
  struct sim_tokens sessions;
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
  p->repr = o->repr;
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
  sim_tokens_init(&p->sessions, sim_mix(o->seed, 0x5e55), o->session_ttl ? o->session_ttl : 1800);
  return p;
}

void sim_portal_free(struct sim_portal *p)
{
  if (!p)
    return;
  sim_tokens_release(&p->sessions);
  free(p->username);
  free(p->password);
  free(p->agency);
  sim_view_release(&p->view);
  free(p);
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
  sim_reply_json(r, status, j);
}

/* ---- HoSo rendering ------------------------------------------------------- */

/* An absent value: a missing key, "" or null, equally often. */
static const struct sim_jrec_style style = { 3, 0, 1, sim_format_compact };

/* A small code (status, channel ...): "2" or, sometimes, 2; 0 absent. */
static void put_code(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt, int v)
{
  if (!v) {
    sim_jrec_absent(x, o, name, salt);
    return;
  }
  sim_jrec_int(x, o, name, salt, v, sim_jrec_pick(x, salt + 1000, 4) == 1);
}

/* "1", or "0" / absent; as 1 / 0 when repr asks for numbers. */
static void put_flag(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt, bool v)
{
  if (v || sim_jrec_pick(x, salt + 2000, 2))
    sim_jrec_int(x, o, name, salt, v, false);
  else
    sim_jrec_absent(x, o, name, salt);
}

/* An array field; an empty one is [], or absent in any of its forms. */
static cJSON *put_array(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt, int n)
{
  cJSON *a;

  if (n == 0 && sim_jrec_pick(x, salt, 2)) {
    sim_jrec_absent(x, o, name, salt + 1);
    return NULL;
  }
  a = cJSON_AddArrayToObject(o, name);
  sim_jrec_check(x, a);
  return a;
}

static void render_arrays(struct sim_jrec *x, cJSON *o)
{
  const struct sim_dossier *d = x->d;
  cJSON *a, *e;

  if ((a = put_array(x, o, "TaiLieuNop", 40, d->ncomp)))
    for (int i = 0; i < d->ncomp && (e = sim_jrec_item(x, a)); i++) {
      const struct sim_component *c = &d->comp[i];

      sim_jrec_str(x, e, "MaThanhPhanHoSo", 41, c->code);
      put_flag(x, e, "DuocSoHoa", 42 + i, c->digitised);
      put_code(x, e, "DuocTaiSuDung", 46 + i, c->reused);
      put_flag(x, e, "DuocLayTuKhoDMQG", 50 + i, c->from_store);
    }
  if ((a = put_array(x, o, "DanhSachLePhi", 60, d->nfees)))
    for (int i = 0; i < d->nfees && (e = sim_jrec_item(x, a)); i++) {
      sim_jrec_str(x, e, "MaPhiLePhi", 61, d->fees[i].code);
      sim_jrec_int(x, e, "Gia", 62, d->fees[i].amount, sim_jrec_pick(x, 62, 3) == 1);
    }
  if ((a = put_array(x, o, "DanhSachGiayToKetQua", 70, d->nresults)))
    for (int i = 0; i < d->nresults && (e = sim_jrec_item(x, a)); i++) {
      sim_jrec_str(x, e, "MaGiayToKetQua", 71, d->results[i].code);
      sim_jrec_str(x, e, "DuongDanTepTinKetQua", 72 + i, d->results[i].link);
    }
  if ((a = put_array(x, o, "DanhSachHoSoBoSung", 80, d->nsupp)))
    for (int i = 0; i < d->nsupp && (e = sim_jrec_item(x, a)); i++) {
      const struct sim_supplement *s = &d->supp[i];

      sim_jrec_time(x, e, "NgayYeuCau", 81, s->requested_at);
      sim_jrec_time(x, e, "NgayHoanThanh", 82 + i, s->completed_at);
      sim_jrec_time(x, e, "NgayHenTraMoi", 86, s->new_due);
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
  struct sim_jrec x = { &style, d, p->plain, false, &p->repr };
  /* A stop is dated by NgayTuChoi and / or NgayKetThucXuLy (repr.h). */
  unsigned stop = sim_repr_stop(&p->repr, d, SIM_STOP_END | SIM_STOP_REFUSAL, false);
  const struct sim_procedure *pr = d->proc;
  cJSON *o = cJSON_CreateObject();
  char buf[64];

  if (!o)
    return NULL;
  sim_jrec_str(&x, o, "MaHoSo", 1, d->portal_code);
  sim_jrec_str(&x, o, "MaHoSoBNDP", 2,
               strcmp(d->portal_code, d->code) && d->origin != SIM_ORIGIN_MINISTRY ? d->code
                                                                                   : NULL);
  sim_jrec_str(&x, o, "NguonDongBo", 3, origin_name(d->origin));
  if (pr && sim_jrec_pick(&x, 4, 3))
    snprintf(buf, sizeof(buf), "%s.000.00.00.%s", pr->code, p->prefix);
  else
    snprintf(buf, sizeof(buf), "%s", pr ? pr->code : "");
  sim_jrec_str(&x, o, "MaTTHC", 5, buf);
  sim_jrec_str(&x, o, "TenTTHC", 6, pr ? pr->name : NULL);
  snprintf(buf, sizeof(buf), "%s", pr && pr->field_code ? pr->field_code : "");
  if (sim_jrec_pick(&x, 7, 20) == 1) /* codes compare case-insensitively */
    for (char *c = buf; *c; c++)
      *c = (char)tolower((unsigned char)*c);
  sim_jrec_str(&x, o, "MaLinhVuc", 8, buf);
  sim_jrec_str(&x, o, "TenLinhVuc", 9, pr ? pr->field_name : NULL);
  if (d->commune[0] != '0' && sim_jrec_as_number(&x, 10, false)) /* 00001 is no number */
    sim_jrec_int(&x, o, "MaXa", 10, strtol(d->commune, NULL, 10), true);
  else
    sim_jrec_str(&x, o, "MaXa", 10, d->commune);
  sim_jrec_str(&x, o, "MaDonViXuLy", 11, d->dept ? d->dept->code : NULL);
  sim_jrec_str(&x, o, "DonViXuLy", 12, d->dept ? d->dept->name : NULL);
  put_code(&x, o, "KenhThucHien", 13, (int)d->channel);
  put_code(&x, o, "NoiNopHoSo", 14, d->origin == SIM_ORIGIN_PORTAL ? 1 : 2);
  sim_jrec_time(&x, o, "NgayNopHoSo", 15, d->submitted_at);
  sim_jrec_time(&x, o, "NgayTiepNhan", 16, d->received_at);
  sim_jrec_time(&x, o, "NgayHenTra", 17, d->due_at);
  sim_jrec_time(&x, o, "NgayKetThucXuLy", 18, stop & SIM_STOP_END ? d->refused_at : d->finished_at);
  sim_jrec_time(&x, o, "NgayTra", 19, d->returned_at);
  sim_jrec_time(&x, o, "NgayTuChoi", 20, !stop || stop & SIM_STOP_REFUSAL ? d->refused_at : 0);
  put_code(&x, o, "TrangThaiHoSo", 21, d->status);
  put_flag(&x, o, "HoSoCoThanhPhanSoHoa", 22, any_reused(d));
  put_flag(&x, o, "TaiKhoanDuocXacThucVoiVNeID", 23, d->vneid);
  sim_jrec_int(&x, o, "DuocThanhToanTrucTuyen", 24, d->paid_online, false);
  render_arrays(&x, o);
  put_code(&x, o, "DanhGiaHaiLong", 25, d->rating);
  put_flag(&x, o, "CoPhanAnh", 26, d->complaint);
  sim_jrec_time(&x, o, "NgayCapNhat", 27, upd);
  sim_jrec_shuffle(&x, o);
  return sim_json_keep(o, !x.fail);
}

cJSON *sim_portal_render(const struct sim_portal *p, const struct sim_dossier *d)
{
  return render_at(p, d, d->updated_at);
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
  ok = sim_json_replace(o, "MaHoSo", cJSON_CreateString(j->code));
  switch (j->reason) {
  case SIM_JUNK_BAD_DATE:
    ok = ok && sim_json_replace(o, "NgayTiepNhan", cJSON_CreateString(sim_junk_bad_date(j)));
    break;
  case SIM_JUNK_UNKNOWN_STATUS: {
    char buf[16];

    snprintf(buf, sizeof(buf), "%d", sim_junk_status(j));
    ok = ok && sim_json_replace(o, "TrangThaiHoSo", cJSON_CreateString(buf));
    break;
  }
  case SIM_JUNK_MISSING_CODE: cJSON_DeleteItemFromObjectCaseSensitive(o, "MaHoSo"); break;
  case SIM_JUNK_OVERLONG:
    name = sim_junk_long_name(j->tmpl->proc ? j->tmpl->proc->name : NULL);
    ok = ok && name && sim_json_replace(o, "TenTTHC", cJSON_CreateString(name));
    break;
  default:
    ok = ok && sim_json_replace(o, "TenTTHC", cJSON_CreateString("\xc4\x90\xc4ng k\xfd \xc3\x28"));
    break;
  }
  free(name);
  return sim_json_keep(o, ok);
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

/* The request's JSON object; NULL, answered with HTTP 400, if it is not one. */
static cJSON *parse_body(const struct sim_request *q, struct sim_response *r)
{
  cJSON *body = cJSON_ParseWithLength(q->body, q->body_len);

  if (cJSON_IsObject(body))
    return body;
  cJSON_Delete(body);
  reply_error(r, 400, "400", "Dữ liệu yêu cầu không hợp lệ");
  return NULL;
}

static void handle_auth(struct sim_portal *p, const struct sim_request *q, struct sim_response *r)
{
  struct sim_fault_hit hit = sim_faults_roll(p->faults, SIM_FAULTS_TRANSPORT);
  const char *dst = sim_request_header(q, "dstcode");
  char dbuf[64], token[SIM_TOKEN_LEN];
  const cJSON *u, *pw;
  cJSON *body, *j;

  if (sim_fault_preempted(p->faults, hit, r))
    return;
  if (!(body = parse_body(q, r)))
    goto out;
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
  sim_tokens_new(&p->sessions, token);
  j = cJSON_CreateObject();
  if (j && (!cJSON_AddStringToObject(j, "error_code", "0") ||
            !cJSON_AddStringToObject(j, "message", MSG_OK) ||
            !cJSON_AddStringToObject(j, "session", token) ||
            !cJSON_AddNumberToObject(j, "expires_in", p->sessions.ttl))) {
    cJSON_Delete(j);
    j = NULL;
  }
  snprintf(r->error_code, sizeof(r->error_code), "0");
  sim_reply_json(r, 200, j);
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

/* The endless fault: the rest of a page past the window's end is filled
 * with the window's records again under fresh codes (ENDLESS-<position>),
 * so no page is ever short and no code repeats. The view is locked; false
 * when out of memory. */
static bool fill_past_end(struct sim_portal *p, const struct listing *l, long first, cJSON *res)
{
  struct sim_view *v = &p->view;
  size_t *at = malloc((v->n ? v->n : 1) * sizeof(*at));
  long n = 0, served = cJSON_GetArraySize(res);
  bool ok = at != NULL;

  for (size_t i = sim_view_lower_bound(v, l->from); ok && i < v->n && v->v[i].upd <= l->to; i++)
    if (!v->v[i].junk && (!l->commune || !strcmp(v->v[i].commune, l->commune)))
      at[n++] = i;
  for (long k = first + served; ok && n > 0 && k < first + l->size; k++) {
    const struct sim_entry *e = &v->v[at[k % n]];
    struct sim_dossier copy = *e->d;

    snprintf(copy.code, sizeof(copy.code), "ENDLESS-%ld", k);
    memcpy(copy.portal_code, copy.code, sizeof(copy.code));
    memcpy(copy.ministry_code, copy.code, sizeof(copy.code));
    ok = sim_json_append(res, render_at(p, &copy, e->upd));
  }
  free(at);
  return ok;
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
    fail = !sim_json_append(res, h);
  }
  if (hit->kind == SIM_FAULT_ENDLESS && !fail && cJSON_GetArraySize(res) < l->size)
    fail = !fill_past_end(p, l, first, res);
  if (!sim_paging_fault(v, l->commune, l->from, l->to, first, l->size, hit->kind))
    hit->kind = SIM_FAULT_NONE; /* nothing to move */
  pthread_mutex_unlock(&v->lock);
  if (!fail)
    fail =
      !(numeric_code ? cJSON_AddNumberToObject(j, "error_code", 0)
                     : cJSON_AddStringToObject(j, "error_code", "0")) ||
      !cJSON_AddStringToObject(j, "message", MSG_OK) ||
      /* endless: a listing that never ends announces no total */
      (hit->kind != SIM_FAULT_ENDLESS &&
       !cJSON_AddNumberToObject(j, "total", (double)(total + (hit->kind == SIM_FAULT_MISCOUNT)))) ||
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
  sim_reply_json(r, 200, j);
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

  if (sim_fault_preempted(p->faults, hit, r))
    return;
  if (!(body = parse_body(q, r)))
    goto out;
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
  live = sim_tokens_check(&p->sessions, scalar(body, "session", tbuf, sizeof(tbuf)),
                          hit.kind == SIM_FAULT_SESSION);
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
  sim_fault_finish(p->faults, hit, used, r); /* no effect: not logged */
  cJSON_Delete(body);
}

void sim_portal_handle(struct sim_portal *p, const struct sim_request *q, struct sim_response *r)
{
  bool auth = strcmp(q->path, "/api/auth") == 0;

  if (!auth && strcmp(q->path, "/api/integration"))
    reply_error(r, 404, "404", "Không tìm thấy");
  else if (strcmp(q->method, "POST"))
    reply_error(r, 405, "405", "Phương thức không được hỗ trợ");
  else if (auth)
    handle_auth(p, q, r);
  else
    handle_integration(p, q, r);
  /* The page layout (pretty bodies, error_code 0) is the whole answer's. */
  sim_repr_answer(&p->repr, r, "error_code");
}

void sim_portal_handler(void *ctx, const struct sim_request *q, struct sim_response *r)
{
  sim_portal_handle(ctx, q, r);
}
