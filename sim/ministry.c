/*
 * ministry - Ministry of Justice civil-status system simulator (see
 * ministry.h).
 */
#include "ministry.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonrec.h"
#include "links.h"
#include "rng.h"
#include "view.h"

#define DEFAULT_PAGE 100

struct sim_ministry {
  const struct sim_model *m;
  char *api_key;
  bool plain;
  struct sim_repr repr;
  struct sim_faults *faults;
  struct sim_view view;
};

struct sim_ministry *sim_ministry_new(const struct sim_model *m,
                                      const struct sim_ministry_options *o,
                                      struct sim_faults *faults)
{
  struct sim_ministry *s = calloc(1, sizeof(*s));

  if (!s)
    return NULL;
  s->m = m;
  s->faults = faults;
  s->plain = o->plain;
  s->repr = o->repr;
  s->api_key = strdup(o->api_key ? o->api_key : "demo-secret");
  if (!s->api_key || sim_view_build(&s->view, m, SIM_KIND_MINISTRY,
                                    faults ? faults->malformed_ppm : 0, o->junk_seed)) {
    free(s->api_key);
    free(s);
    return NULL;
  }
  return s;
}

void sim_ministry_free(struct sim_ministry *s)
{
  if (!s)
    return;
  free(s->api_key);
  sim_view_release(&s->view);
  free(s);
}

void sim_format_dmy(sim_time t, char *out)
{
  char c[16];

  sim_format_compact(t, c);
  snprintf(out, 20, "%.2s/%.2s/%.4s %.2s:%.2s:%.2s", c + 6, c + 4, c, c + 8, c + 10, c + 12);
}

/* ---- rendering ------------------------------------------------------------ */

/* Absent: null (mostly), or a missing key, or "". */
static const struct sim_jrec_style style = { 6, 4, 5, sim_format_dmy };

static const char *module_of(const struct sim_procedure *pr)
{
  static const char *const map[][2] = {
    { "1.001193", "KS" },   { "1.000656", "KT" },     { "1.000894", "KH" },
    { "1.004873", "TLHT" }, { "1.004884", "XNTTHN" },
  };

  for (size_t i = 0; pr && i < sizeof(map) / sizeof(map[0]); i++)
    if (!strcmp(pr->code, map[i][0]))
      return map[i][1];
  return "HT";
}

static const char *channel_name(enum sim_channel c)
{
  switch (c) {
  case SIM_CHANNEL_ONLINE: return "TRUC_TUYEN";
  case SIM_CHANNEL_POSTAL: return "BUU_CHINH";
  default: return "TRUC_TIEP";
  }
}

static bool any(const struct sim_dossier *d, int what)
{
  for (int i = 0; what < 2 && i < d->ncomp; i++)
    if (what == 0 ? d->comp[i].digitised : d->comp[i].reused != 0)
      return true;
  for (int i = 0; what == 2 && i < d->nresults; i++)
    if (d->results[i].link[0])
      return true;
  return false;
}

/* The record of d served with capNhatLuc upd. */
static cJSON *render_at(const struct sim_ministry *s, const struct sim_dossier *d, sim_time upd)
{
  struct sim_jrec x = { &style, d, s->plain, false, &s->repr };
  /* The ministry has no stop time; some fill the end of processing with
   * it (optional: the portal's copy carries it anyway). */
  unsigned stop = sim_repr_stop(&s->repr, d, SIM_STOP_END, true);
  cJSON *o = cJSON_CreateObject(), *h, *a, *e;
  char mcdt[SIM_CODE_MAX + 8];
  int st = sim_ministry_status(d->status);
  long fee = 0;

  if (!o)
    return NULL;
  sim_jrec_str(&x, o, "maHoSoLT", 1, d->ministry_code);
  if (d->via_counter) {
    if (s->plain)
      snprintf(mcdt, sizeof(mcdt), "%s", d->code);
    else
      sim_code_variant(d->code, sim_mix(d->variety, 0x3cd7), mcdt, sizeof(mcdt));
    sim_jrec_str(&x, o, "maHoSoMCDT", 2, mcdt);
  } else {
    sim_jrec_null(&x, o, "maHoSoMCDT", 2);
  }
  sim_jrec_str(&x, o, "maTTHC", 3, d->proc ? d->proc->code : NULL);
  sim_jrec_str(&x, o, "tenTTHC", 4, d->proc ? d->proc->name : NULL);
  sim_jrec_str(&x, o, "module", 5, module_of(d->proc));
  if (d->commune[0] != '0' && sim_jrec_as_number(&x, 6, false)) /* 00001 is no number */
    sim_jrec_int(&x, o, "maDonVi", 6, strtol(d->commune, NULL, 10), true);
  else
    sim_jrec_str(&x, o, "maDonVi", 6, d->commune);
  sim_jrec_time(&x, o, "ngayTiepNhan", 7, d->received_at);
  sim_jrec_time(&x, o, "hanXuLy", 8, d->due_at);
  sim_jrec_time(&x, o, "thoiGianHoanThanh", 9, stop ? d->refused_at : d->finished_at);
  sim_jrec_time(&x, o, "thoiGianTraKetQua", 10, d->returned_at);
  sim_jrec_int(&x, o, "trangThai", 11, st, sim_jrec_pick(&x, 11, 4) != 1);
  sim_jrec_str(&x, o, "kenhNop", 12, channel_name(d->channel));
  h = cJSON_AddObjectToObject(o, "soHoa");
  sim_jrec_check(&x, h);
  if (h) {
    sim_jrec_bool(&x, h, "thanhPhan", 16, any(d, 0));
    sim_jrec_bool(&x, h, "ketQua", 17, any(d, 2));
    sim_jrec_bool(&x, h, "taiSuDung", 18, any(d, 1));
  }
  for (int i = 0; i < d->nfees; i++)
    fee += d->fees[i].amount;
  h = cJSON_AddObjectToObject(o, "lePhi");
  sim_jrec_check(&x, h);
  if (h) {
    sim_jrec_int(&x, h, "soTien", 19, fee, true);
    sim_jrec_bool(&x, h, "thanhToanTrucTuyen", 20, d->paid_online == 1 || d->paid_online == 2);
  }
  a = cJSON_AddArrayToObject(o, "boSung");
  sim_jrec_check(&x, a);
  for (int i = 0; a && i < d->nsupp && (e = sim_jrec_item(&x, a)); i++) {
    sim_jrec_time(&x, e, "yeuCau", 13, d->supp[i].requested_at);
    if (d->supp[i].completed_at)
      sim_jrec_time(&x, e, "hoanThanh", 14, d->supp[i].completed_at);
    else
      sim_jrec_null(&x, e, "hoanThanh", 14);
  }
  sim_jrec_time(&x, o, "capNhatLuc", 15, upd);
  sim_jrec_shuffle(&x, o);
  return sim_json_keep(o, !x.fail);
}

cJSON *sim_ministry_render(const struct sim_ministry *s, const struct sim_dossier *d)
{
  return render_at(s, d, d->updated_at);
}

static cJSON *render_junk(const struct sim_ministry *s, const struct sim_junk *j)
{
  cJSON *o = render_at(s, j->tmpl, j->upd);
  char *name = NULL;
  bool ok;

  if (!o)
    return NULL;
  ok = sim_json_replace(o, "maHoSoMCDT", cJSON_CreateNull()) &&
       sim_json_replace(o, "maHoSoLT", cJSON_CreateString(j->code));
  switch (j->reason) {
  case SIM_JUNK_BAD_DATE:
    ok = ok && sim_json_replace(o, "ngayTiepNhan", cJSON_CreateString(sim_junk_bad_date(j)));
    break;
  case SIM_JUNK_UNKNOWN_STATUS:
    ok = ok && sim_json_replace(o, "trangThai", cJSON_CreateNumber(sim_junk_status(j)));
    break;
  case SIM_JUNK_MISSING_CODE: ok = ok && sim_json_replace(o, "maHoSoLT", cJSON_CreateNull()); break;
  case SIM_JUNK_OVERLONG:
    name = sim_junk_long_name(j->tmpl->proc ? j->tmpl->proc->name : NULL);
    ok = ok && name && sim_json_replace(o, "tenTTHC", cJSON_CreateString(name));
    break;
  default:
    ok = ok && sim_json_replace(o, "tenTTHC",
                                cJSON_CreateString("\xc4\x90\xc4ng k\xfd khai sinh \xc3\x28"));
    break;
  }
  free(name);
  return sim_json_keep(o, ok);
}

/* ---- answers ---------------------------------------------------------------- */

static void reply_error(struct sim_response *r, int status, const char *code, const char *desc)
{
  cJSON *j = cJSON_CreateObject();

  snprintf(r->error_code, sizeof(r->error_code), "%s", code);
  if (j && (!cJSON_AddStringToObject(j, "status", "0") ||
            !cJSON_AddStringToObject(j, "errorCode", code) ||
            !cJSON_AddStringToObject(j, "errorDescription", desc))) {
    cJSON_Delete(j);
    j = NULL;
  }
  sim_reply_json(r, status, j);
}

/* ISO 8601 local date-time with an optional offset; 0 or -1. */
static int parse_iso(const char *s, sim_time *out)
{
  char head[20];
  const char *p;
  sim_time t;
  int sign, hh, mm;

  if (strlen(s) < 19)
    return -1;
  memcpy(head, s, 19);
  head[19] = '\0';
  if (head[10] != 'T' || sim_parse_local(head, &t))
    return -1;
  p = s + 19;
  if (*p == '.') /* fraction of a second: ignored */
    for (p++; *p >= '0' && *p <= '9'; p++)
      ;
  if (!*p) {
    *out = t;
    return 0;
  }
  if (!strcmp(p, "Z")) {
    *out = t + SIM_LOCAL_OFFSET;
    return 0;
  }
  if (*p != '+' && *p != '-' && *p != ' ')
    return -1;
  sign = *p == '-' ? -1 : 1;
  p++;
  if (strlen(p) == 5 && p[2] == ':' && sscanf(p, "%2d:%2d", &hh, &mm) == 2)
    ;
  else if (strlen(p) == 4 && sscanf(p, "%2d%2d", &hh, &mm) == 2)
    ;
  else
    return -1;
  if (hh > 14 || mm > 59)
    return -1;
  *out = t + SIM_LOCAL_OFFSET - sign * (hh * 3600 + mm * 60);
  return 0;
}

struct position {
  sim_time u;
  char k[SIM_CODE_MAX];
  uint32_t i;
};

static int pos_cmp(const struct sim_entry *e, const struct position *p)
{
  int c;

  if (e->upd != p->u)
    return e->upd < p->u ? -1 : 1;
  c = strcmp(e->key, p->k);
  if (c)
    return c;
  return e->id < p->i ? -1 : e->id > p->i;
}

static char *encode_cursor(const struct sim_entry *e)
{
  char raw[128];

  snprintf(raw, sizeof(raw), "{\"u\":%" PRId64 ",\"i\":%u,\"k\":\"%s\"}", e->upd, e->id, e->key);
  return sim_base64_encode(raw, strlen(raw), true);
}

static int decode_cursor(const char *s, struct position *p)
{
  char raw[256];
  cJSON *j, *u, *i, *k;
  int rc = -1;

  if (sim_base64_decode(s, raw, sizeof(raw), true) < 0)
    return -1;
  j = cJSON_Parse(raw);
  u = cJSON_GetObjectItemCaseSensitive(j, "u");
  i = cJSON_GetObjectItemCaseSensitive(j, "i");
  k = cJSON_GetObjectItemCaseSensitive(j, "k");
  if (cJSON_IsNumber(u) && cJSON_IsNumber(i) && cJSON_IsString(k) &&
      strlen(k->valuestring) < sizeof(p->k)) {
    p->u = (sim_time)u->valuedouble;
    p->i = (uint32_t)i->valuedouble;
    snprintf(p->k, sizeof(p->k), "%s", k->valuestring);
    rc = 0;
  }
  cJSON_Delete(j);
  return rc;
}

/* same_cursor: the same-cursor fault's answer gives this cursor (the
 * request's) back as nextCursor. */
static void reply_listing(struct sim_ministry *s, const char *commune, sim_time from, long limit,
                          const struct position *after, const char *same_cursor,
                          struct sim_response *r)
{
  struct sim_view *v = &s->view;
  cJSON *j = cJSON_CreateObject(), *val = cJSON_CreateArray();
  const struct sim_entry *last = NULL;
  bool fail = !j || !val, more = false;
  char *next = NULL;
  long n = 0;

  pthread_mutex_lock(&v->lock);
  for (size_t i = sim_view_lower_bound(v, from); !fail && i < v->n; i++) {
    const struct sim_entry *e = &v->v[i];
    cJSON *h;

    if (commune && strcmp(e->commune, commune))
      continue;
    if (after && pos_cmp(e, after) <= 0)
      continue;
    if (n == limit) {
      more = true;
      break;
    }
    if (e->junk) {
      h = render_junk(s, e->junk);
      r->malformed++;
    } else {
      h = render_at(s, e->d, e->upd);
    }
    fail = !sim_json_append(val, h);
    last = e;
    n++;
  }
  if (more && last && !(next = same_cursor ? strdup(same_cursor) : encode_cursor(last)))
    fail = true;
  pthread_mutex_unlock(&v->lock);
  if (!fail) {
    fail = !cJSON_AddStringToObject(j, "status", "1") ||
           !cJSON_AddStringToObject(j, "statusDescription", "OK") ||
           !cJSON_AddItemToObject(j, "value", val);
    val = NULL;
    fail = fail || !(next ? cJSON_AddStringToObject(j, "nextCursor", next)
                          : cJSON_AddNullToObject(j, "nextCursor"));
  }
  free(next);
  cJSON_Delete(val);
  if (fail) {
    cJSON_Delete(j);
    j = NULL;
  }
  snprintf(r->error_code, sizeof(r->error_code), "1");
  sim_reply_json(r, 200, j);
}

static void handle_list(struct sim_ministry *s, const struct sim_request *q, struct sim_response *r)
{
  struct sim_fault_hit hit = sim_faults_roll(s->faults, SIM_FAULTS_MINISTRY);
  const char *key = sim_request_header(q, "X-API-Key");
  const char *xa = sim_request_query(q, "maDonVi");
  const char *since = sim_request_query(q, "capNhatTu");
  const char *lim = sim_request_query(q, "limit");
  const char *cur = sim_request_query(q, "cursor");
  struct position pos;
  sim_time from = INT64_MIN;
  long limit = DEFAULT_PAGE;
  bool used = false;
  char *end;

  snprintf(r->service, sizeof(r->service), "ho-so");
  if (sim_fault_preempted(s->faults, hit, r))
    return;
  if (!key || strcmp(key, s->api_key)) {
    reply_error(r, 403, "FORBIDDEN", "API key không hợp lệ");
    goto out;
  }
  if (hit.kind == SIM_FAULT_SYNC_ERROR) {
    used = true;
    reply_error(r, 200, "SYNC_ERROR", "Hệ thống đang đồng bộ dữ liệu, vui lòng thử lại sau");
    goto out;
  }
  if (xa && *xa && !sim_is_digits(xa, 5)) {
    reply_error(r, 400, "INVALID_PARAMETER", "maDonVi không hợp lệ");
    goto out;
  }
  if (since && *since && parse_iso(since, &from)) {
    reply_error(r, 400, "INVALID_PARAMETER", "capNhatTu không hợp lệ (ISO 8601)");
    goto out;
  }
  if (lim && *lim) {
    limit = strtol(lim, &end, 10);
    if (end == lim || *end || limit < 1) {
      reply_error(r, 400, "INVALID_PARAMETER", "limit không hợp lệ");
      goto out;
    }
  }
  if (limit > SIM_MINISTRY_MAX_PAGE)
    limit = SIM_MINISTRY_MAX_PAGE;
  if (cur && *cur && decode_cursor(cur, &pos)) {
    reply_error(r, 400, "INVALID_CURSOR", "cursor không hợp lệ");
    goto out;
  }
  if (cur && *cur && hit.kind == SIM_FAULT_CURSOR_EXPIRED) {
    used = true;
    reply_error(r, 200, "CURSOR_EXPIRED", "Con trỏ đã hết hạn, vui lòng truy vấn lại từ đầu");
    goto out;
  }
  used = hit.kind == SIM_FAULT_SAME_CURSOR && cur && *cur;
  reply_listing(s, xa && *xa ? xa : NULL, from, limit, cur && *cur ? &pos : NULL, used ? cur : NULL,
                r);
out:
  sim_fault_finish(s->faults, hit, used, r);
}

void sim_ministry_handle(struct sim_ministry *s, const struct sim_request *q,
                         struct sim_response *r)
{
  if (strcmp(q->path, "/api/v2/ho-so"))
    reply_error(r, 404, "NOT_FOUND", "Không tìm thấy");
  else if (strcmp(q->method, "GET"))
    reply_error(r, 405, "METHOD_NOT_ALLOWED", "Phương thức không được hỗ trợ");
  else
    handle_list(s, q, r);
  /* The page layout (pretty bodies, status 1) is the whole answer's. */
  sim_repr_answer(&s->repr, r, "status");
}

void sim_ministry_handler(void *ctx, const struct sim_request *q, struct sim_response *r)
{
  sim_ministry_handle(ctx, q, r);
}
