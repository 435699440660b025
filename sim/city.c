/*
 * city - the city TTHC system simulator: OAuth2 token, XML listing
 * (see city.h).
 */
#include "city.h"

#include <ctype.h>
#include <iconv.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "links.h"
#include "rng.h"
#include "tokens.h"
#include "view.h"

#define DEFAULT_PAGE 100
#define XML_CT       "application/xml; charset=utf-8"
#define JSON_CT      "application/json; charset=utf-8"

struct sim_city {
  const struct sim_model *m;
  char *client_id, *client_secret;
  char prefix[16];
  bool plain;
  struct sim_repr repr; /* representation knobs (repr.h) */
  struct sim_faults *faults;
  struct sim_view view;
  struct sim_tokens tokens;
};

/* ---- text buffer ------------------------------------------------------------ */

static void put(struct sim_text *b, const char *s, size_t n)
{
  sim_text_put(b, s, n);
}

static void puts_(struct sim_text *b, const char *s)
{
  put(b, s, strlen(s));
}

static void printf_(struct sim_text *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void printf_(struct sim_text *b, const char *fmt, ...)
{
  char tmp[512];
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof(tmp))
    b->fail = true;
  else
    put(b, tmp, (size_t)n);
}

/* XML-escaped text (valid in content and in double-quoted attributes). */
static void esc(struct sim_text *b, const char *s)
{
  for (; s && *s; s++) {
    switch (*s) {
    case '&': puts_(b, "&amp;"); break;
    case '<': puts_(b, "&lt;"); break;
    case '>': puts_(b, "&gt;"); break;
    case '"': puts_(b, "&quot;"); break;
    case '\'': puts_(b, "&apos;"); break;
    default: put(b, s, 1);
    }
  }
}

/* ---- setup ---------------------------------------------------------- */

struct sim_city *sim_city_new(const struct sim_model *m, const struct sim_city_options *o,
                              struct sim_faults *faults)
{
  struct sim_city *c = calloc(1, sizeof(*c));

  if (!c)
    return NULL;
  c->m = m;
  c->faults = faults;
  c->plain = o->plain;
  c->repr = o->repr;
  snprintf(c->prefix, sizeof(c->prefix), "%s", o->prefix ? o->prefix : "H31");
  c->client_id = strdup(o->client_id ? o->client_id : "demo");
  c->client_secret = strdup(o->client_secret ? o->client_secret : "demo-secret");
  if (!c->client_id || !c->client_secret ||
      sim_view_build(&c->view, m, SIM_KIND_CITY, faults ? faults->malformed_ppm : 0,
                     o->junk_seed)) {
    free(c->client_id);
    free(c->client_secret);
    free(c);
    return NULL;
  }
  sim_tokens_init(&c->tokens, sim_mix(o->seed, 0xc17e), o->token_ttl ? o->token_ttl : 3600);
  return c;
}

void sim_city_free(struct sim_city *c)
{
  if (!c)
    return;
  sim_tokens_release(&c->tokens);
  free(c->client_id);
  free(c->client_secret);
  sim_view_release(&c->view);
  free(c);
}

/* ---- HoSo rendering --------------------------------------------------------- */

#define MAX_PARTS 64

struct render {
  const struct sim_city *c;
  const struct sim_dossier *d;
  const struct sim_junk *junk;
  struct sim_text *b;
  /* Where each child element of the HoSo being written starts, so that
   * they can be put in another order (repr.h, order shuffled). */
  size_t part[MAX_PARTS];
  const char *part_name[MAX_PARTS];
  int nparts;
};

static unsigned pick(const struct render *x, unsigned salt, unsigned n)
{
  return x->c->plain ? 0 : (unsigned)(sim_mix(x->d->variety, salt) % n);
}

/* A representation choice (repr.h) for this record. */
static unsigned rpick(const struct render *x, uint64_t salt, unsigned n)
{
  return sim_repr_pick(&x->c->repr, x->d->variety, salt, n);
}

/* A child element of the HoSo starts here. */
static void part(struct render *x, const char *name)
{
  if (x->nparts < MAX_PARTS) { /* more would stay glued to the last */
    x->part[x->nparts] = x->b->len;
    x->part_name[x->nparts++] = name;
  }
}

/* How an absent value is written: 0 <X/>, 1 <X></X>, 2 no element. */
static unsigned absent_form(const struct render *x, unsigned salt)
{
  switch (x->c->repr.absent) {
  case SIM_ABSENT_VARIED: return rpick(x, 0xab5e0000u + salt, 3);
  case SIM_ABSENT_NULL: return 0;
  case SIM_ABSENT_EMPTY: return 1;
  case SIM_ABSENT_MISSING: return 2;
  default: return pick(x, salt, 3);
  }
}

/* <name>v</name>; an absent value as <name/>, <name></name> or nothing. */
static void el(struct render *x, const char *name, unsigned salt, const char *v)
{
  part(x, name);
  if (v && *v) {
    printf_(x->b, "      <%s>", name);
    esc(x->b, v);
    printf_(x->b, "</%s>\n", name);
    return;
  }
  switch (absent_form(x, salt)) {
  case 0: printf_(x->b, "      <%s/>\n", name); break;
  case 1: printf_(x->b, "      <%s></%s>\n", name, name); break;
  default: break;
  }
}

static const char *fmt_time(sim_time t, char *buf)
{
  if (!t)
    return "";
  sim_format_compact(t, buf);
  return buf;
}

static void el_time(struct render *x, const char *name, unsigned salt, sim_time t)
{
  char buf[16];

  el(x, name, salt, fmt_time(t, buf));
}

static void el_int(struct render *x, const char *name, unsigned salt, int v)
{
  char buf[16];

  snprintf(buf, sizeof(buf), "%d", v);
  el(x, name, salt, v ? buf : NULL);
}

struct attr {
  const char *name, *value;
};

#define MAX_ATTRS 4

/*
 * An element's attributes, in the spec's order or (order shuffled) one
 * drawn for this record and element; an empty value is name="" or, when
 * the absent form says so, left out.
 */
static void attrs(struct render *x, unsigned salt, const struct attr *a, int n)
{
  const struct sim_repr *rp = &x->c->repr;
  int ord[MAX_ATTRS];

  for (int i = 0; i < n; i++)
    ord[i] = i;
  if (rp->order == SIM_ORDER_SHUFFLED) {
    struct sim_rng g;

    sim_rng_init(&g, sim_repr_hash(rp, x->d->variety, 0xa7700000u + salt));
    for (int i = n - 1; i > 0; i--) {
      int j = (int)sim_rng_below(&g, (uint64_t)i + 1), t = ord[i];

      ord[i] = ord[j];
      ord[j] = t;
    }
  }
  for (int k = 0; k < n; k++) {
    const struct attr *t = &a[ord[k]];

    if (!*t->value && (rp->absent == SIM_ABSENT_MISSING ||
                       (rp->absent == SIM_ABSENT_VARIED &&
                        rpick(x, 0xa7740000u + salt * MAX_ATTRS + (unsigned)ord[k], 2))))
      continue;
    printf_(x->b, " %s=\"", t->name);
    esc(x->b, t->value);
    puts_(x->b, "\"");
  }
}

/* Online service level of a procedure (MucDoDVC). */
static int service_level(const struct sim_procedure *pr)
{
  if (!pr)
    return 2;
  return pr->online_pm >= 600 ? 4 : pr->online_pm >= 250 ? 3 : 2;
}

struct step {
  sim_time at;
  int status;
};

static int step_cmp(const void *a, const void *b)
{
  const struct step *x = a, *y = b;

  if (x->at != y->at)
    return x->at < y->at ? -1 : 1;
  return x->status - y->status;
}

/*
 * QuaTrinhXuLy: the national status reached at each known moment.  A
 * stop has its 3/7/8 step when `stop` says so (repr.h), never a 9 or 10.
 */
static void render_steps(struct render *x, unsigned stop)
{
  const struct sim_dossier *d = x->d;
  struct step st[4 + 2 * SIM_MAX_SUPP + 2];
  const char *dept = d->dept ? d->dept->code : "";
  int n = 0;

  if (!d->received_at) {
    st[n++] = (struct step){ d->submitted_at, 1 };
    if (d->refused_at)
      st[n++] = (struct step){ d->refused_at, 3 };
  } else {
    st[n++] = (struct step){ d->received_at, 2 };
    if (d->status == 4 || d->status == 6) {
      sim_time t = d->received_at + 600;

      st[n++] = (struct step){ t < d->updated_at ? t : d->updated_at, d->status };
    }
    for (int i = 0; i < d->nsupp; i++) {
      st[n++] = (struct step){ d->supp[i].requested_at, 5 };
      if (d->supp[i].completed_at)
        st[n++] = (struct step){ d->supp[i].completed_at, 4 };
    }
    if (d->finished_at)
      st[n++] = (struct step){ d->finished_at, 9 };
    if (d->returned_at)
      st[n++] = (struct step){ d->returned_at, 10 };
    /* A stop the system did not date has no step either; one that
     * also finished (only a hand-written dataset has it) keeps its step. */
    if (stop ? stop & SIM_STOP_STEP
             : (d->status == 3 || d->status == 7 || d->status == 8) && d->refused_at)
      st[n++] = (struct step){ d->refused_at, d->status };
  }
  qsort(st, (size_t)n, sizeof(st[0]), step_cmp);
  part(x, "QuaTrinhXuLy");
  puts_(x->b, "      <QuaTrinhXuLy>\n");
  for (int i = 0; i < n; i++) {
    char at[16], status[8];
    struct attr a[] = { { "thoiDiem", fmt_time(st[i].at, at) },
                        { "trangThai", status },
                        { "phongBan", dept } };

    snprintf(status, sizeof(status), "%d", st[i].status);
    puts_(x->b, "        <Buoc");
    attrs(x, 100 + (unsigned)i, a, 3);
    puts_(x->b, "/>\n");
  }
  puts_(x->b, "      </QuaTrinhXuLy>\n");
}

/* The YeuCauBoSung saying "none": empty attributes, <YeuCauBoSung/> or
 * no element (empty attributes as always, unless repr->absent). */
static void no_supplement(struct render *x)
{
  static const struct attr none[] = { { "ngayYeuCau", "" },
                                      { "ngayHoanThanh", "" },
                                      { "ngayHenTraMoi", "" } };
  unsigned form = 1;

  switch (x->c->repr.absent) {
  case SIM_ABSENT_VARIED: form = rpick(x, 0xab5e0000u + 28, 3); break;
  case SIM_ABSENT_NULL: form = 0; break;
  case SIM_ABSENT_MISSING: form = 2; break;
  default: break;
  }
  part(x, "YeuCauBoSung");
  if (form == 0) {
    puts_(x->b, "      <YeuCauBoSung/>\n");
  } else if (form == 1) {
    puts_(x->b, "      <YeuCauBoSung");
    attrs(x, 90, none, 3);
    puts_(x->b, "/>\n");
  }
}

static void render_lists(struct render *x)
{
  const struct sim_dossier *d = x->d;
  char a[16], b[16], c[16];

  if (d->ncomp) {
    part(x, "ThanhPhanHoSo");
    puts_(x->b, "      <ThanhPhanHoSo>\n");
    for (int i = 0; i < d->ncomp; i++) {
      const struct sim_component *k = &d->comp[i];
      char dig[4], reu[4], sto[4];
      struct attr t[] = {
        { "ma", k->code }, { "duocSoHoa", dig }, { "duocTaiSuDung", reu }, { "layTuKhoDMQG", sto }
      };

      snprintf(dig, sizeof(dig), "%d", k->digitised);
      snprintf(reu, sizeof(reu), "%d", k->reused);
      snprintf(sto, sizeof(sto), "%d", k->from_store);
      puts_(x->b, "        <GiayTo");
      attrs(x, 40 + (unsigned)i, t, 4);
      puts_(x->b, "/>\n");
    }
    puts_(x->b, "      </ThanhPhanHoSo>\n");
  }
  for (int i = 0; i < d->nresults; i++) {
    struct attr t[] = { { "ma", d->results[i].code }, { "tepDinhKem", d->results[i].link } };

    part(x, "KetQua");
    puts_(x->b, "      <KetQua");
    attrs(x, 60 + (unsigned)i, t, 2);
    puts_(x->b, "/>\n");
  }
  for (int i = 0; i < d->nfees; i++) {
    char gia[24], online[4];
    struct attr t[] = { { "ma", d->fees[i].code },
                        { "gia", gia },
                        { "thanhToanTrucTuyen", online } };

    snprintf(gia, sizeof(gia), "%ld", d->fees[i].amount);
    snprintf(online, sizeof(online), "%d", d->paid_online == 1 || d->paid_online == 2);
    part(x, "LePhi");
    puts_(x->b, "      <LePhi");
    attrs(x, 70 + (unsigned)i, t, 3);
    puts_(x->b, "/>\n");
  }
  if (!d->nsupp)
    no_supplement(x);
  for (int i = 0; i < d->nsupp; i++) {
    struct attr t[] = { { "ngayYeuCau", fmt_time(d->supp[i].requested_at, a) },
                        { "ngayHoanThanh", fmt_time(d->supp[i].completed_at, b) },
                        { "ngayHenTraMoi", fmt_time(d->supp[i].new_due, c) } };

    part(x, "YeuCauBoSung");
    puts_(x->b, "      <YeuCauBoSung");
    attrs(x, 80 + (unsigned)i, t, 3);
    puts_(x->b, "/>\n");
  }
}

/* The portal's code as the city keeps it ("" = the city has none). */
static void national_code(const struct render *x, char *out, size_t n)
{
  const struct sim_dossier *d = x->d;

  if (x->junk || d->push == SIM_PUSH_MISSING) {
    *out = '\0';
    return;
  }
  if (x->c->plain || !strcmp(d->portal_code, d->code))
    snprintf(out, n, "%s", d->portal_code);
  else
    sim_code_variant(d->portal_code, sim_mix(d->variety, 0x0c17), out, n);
}

/*
 * With order shuffled: the HoSo's child elements in an order drawn for
 * this record.  Elements of one name (LePhi, KetQua, YeuCauBoSung) stay
 * together and in their order, as a list written by any XML writer does.
 */
static void shuffle_parts(struct render *x)
{
  struct sim_text *b = x->b;
  size_t base, end = b->len, span;
  uint64_t key[MAX_PARTS], h;
  int ord[MAX_PARTS], n = x->nparts;
  char *tmp;

  if (x->c->repr.order != SIM_ORDER_SHUFFLED || n < 2 || b->fail)
    return;
  h = sim_repr_hash(&x->c->repr, x->d->variety, 0x5afe);
  for (int i = 0; i < n; i++) {
    int j = i;

    key[i] = sim_mix(h, sim_hash_str(x->part_name[i]));
    for (; j > 0 && key[ord[j - 1]] > key[i]; j--) /* stable insertion sort */
      ord[j] = ord[j - 1];
    ord[j] = i;
  }
  base = x->part[0];
  span = end - base;
  tmp = malloc(span ? span : 1);
  if (!tmp) {
    b->fail = true;
    return;
  }
  memcpy(tmp, b->s + base, span);
  b->len = base;
  for (int k = 0; k < n; k++) {
    int i = ord[k];
    size_t from = x->part[i] - base, to = (i + 1 < n ? x->part[i + 1] : end) - base;

    put(b, tmp + from, to - from);
  }
  free(tmp);
}

static void render_hoso(struct render *x, sim_time upd)
{
  const struct sim_dossier *d = x->d;
  const struct sim_procedure *pr = d->proc;
  const struct sim_junk *j = x->junk;
  char buf[64], qg[SIM_CODE_MAX + 8];
  char *longname = NULL;
  /* Where a stop is dated (repr.h): NgayTuChoi and its step as always. */
  unsigned stop =
    sim_repr_stop(&x->c->repr, d, SIM_STOP_END | SIM_STOP_REFUSAL | SIM_STOP_STEP, false);

  puts_(x->b, "    <HoSo>\n");
  x->nparts = 0;
  if (!j || j->reason != SIM_JUNK_MISSING_CODE)
    el(x, "MaHoSo", 1, j ? j->code : d->code);
  national_code(x, qg, sizeof(qg));
  el(x, "MaHoSoQuocGia", 2, qg);
  if (pr && pick(x, 4, 3))
    snprintf(buf, sizeof(buf), "%s.000.00.00.%s", pr->code, x->c->prefix);
  else
    snprintf(buf, sizeof(buf), "%s", pr ? pr->code : "");
  el(x, "MaTTHC", 5, buf);
  if (j && j->reason == SIM_JUNK_OVERLONG) {
    longname = sim_junk_long_name(pr ? pr->name : NULL);
    if (!longname)
      x->b->fail = true;
  }
  el(x, "TenTTHC", 6, longname ? longname : pr ? pr->name : NULL);
  free(longname);
  el(x, "MaLinhVuc", 8, pr ? pr->field_code : NULL);
  el(x, "TenLinhVuc", 9, pr ? pr->field_name : NULL);
  el_int(x, "MucDoDVC", 10, service_level(pr));
  el(x, "MaXa", 11, d->commune);
  if (d->dept) {
    struct attr a[] = { { "ma", d->dept->code } };

    part(x, "PhongBanXuLy");
    puts_(x->b, "      <PhongBanXuLy");
    attrs(x, 12, a, 1);
    puts_(x->b, ">");
    esc(x->b, d->dept->name);
    puts_(x->b, "</PhongBanXuLy>\n");
  }
  el_int(x, "KenhThucHien", 13, (int)d->channel);
  el_time(x, "NgayNopHoSo", 15, d->submitted_at);
  if (j && j->reason == SIM_JUNK_BAD_DATE)
    el(x, "NgayTiepNhan", 16, sim_junk_bad_date(j));
  else
    el_time(x, "NgayTiepNhan", 16, d->received_at);
  el_time(x, "NgayHenTra", 17, d->due_at);
  /* Systems that fill the end of processing however it ended give a
   * stop's time here too, never a finish time it does not have. */
  el_time(x, "NgayKetThucXuLy", 18, stop & SIM_STOP_END ? d->refused_at : d->finished_at);
  el_time(x, "NgayTra", 19, d->returned_at);
  el_time(x, "NgayTuChoi", 20, !stop || stop & SIM_STOP_REFUSAL ? d->refused_at : 0);
  if (j && j->reason == SIM_JUNK_UNKNOWN_STATUS) {
    part(x, "TrangThaiHoSo");
    printf_(x->b, "      <TrangThaiHoSo>%d</TrangThaiHoSo>\n", sim_junk_status(j));
  } else {
    el_int(x, "TrangThaiHoSo", 21, d->status);
  }
  render_steps(x, stop);
  render_lists(x);
  el_time(x, "NgayCapNhat", 27, upd);
  shuffle_parts(x);
  puts_(x->b, "    </HoSo>\n");
}

char *sim_city_render(const struct sim_city *c, const struct sim_dossier *d)
{
  struct sim_text b = { 0 };
  struct render x = { c, d, NULL, &b };
  char *out;
  size_t n;

  render_hoso(&x, d->updated_at);
  if (b.fail) {
    free(b.s);
    return NULL;
  }
  if (c->repr.xml == SIM_XML_INDENTED && !c->repr.crlf)
    return b.s;
  out = sim_repr_xml_text(&c->repr, b.s, b.len, false, &n); /* the page's layout */
  free(b.s);
  return out;
}

/* ---- answers ---------------------------------------------------------------- */

static const char *const XML_DECL = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/* A KetQuaTraCuu with only MaLoi and MoTaLoi. */
static void reply_maloi(struct sim_response *r, const char *code, const char *msg)
{
  struct sim_text b = { 0 };

  puts_(&b, XML_DECL);
  printf_(&b, "<KetQuaTraCuu>\n  <MaLoi>%s</MaLoi>\n  <MoTaLoi>", code);
  esc(&b, msg);
  puts_(&b, "</MoTaLoi>\n</KetQuaTraCuu>\n");
  snprintf(r->error_code, sizeof(r->error_code), "%s", code);
  if (b.fail) {
    free(b.s);
    sim_response_set(r, 500, "text/plain; charset=utf-8", NULL, "out of memory");
    return;
  }
  sim_response_set(r, 200, XML_CT, b.s, NULL);
}

static void reply_oauth_error(struct sim_response *r, int status, const char *error,
                              const char *desc, const char *www)
{
  char body[256];

  snprintf(body, sizeof(body), "{\"error\":\"%s\",\"error_description\":\"%s\"}", error, desc);
  snprintf(r->error_code, sizeof(r->error_code), "%s", error);
  r->www_authenticate = www;
  sim_response_set(r, status, JSON_CT, NULL, body);
}

/* Value of `name` in an application/x-www-form-urlencoded body. */
static bool form_has(const char *body, const char *name, const char *value)
{
  size_t nl = strlen(name), vl = strlen(value);
  const char *p = body;

  while (p && *p) {
    if (!strncmp(p, name, nl) && p[nl] == '=' && !strncmp(p + nl + 1, value, vl) &&
        (p[nl + 1 + vl] == '&' || p[nl + 1 + vl] == '\0' || p[nl + 1 + vl] == '\r' ||
         p[nl + 1 + vl] == '\n'))
      return true;
    p = strchr(p, '&');
    if (p)
      p++;
  }
  return false;
}

static void handle_token(struct sim_city *c, const struct sim_request *q, struct sim_response *r)
{
  struct sim_fault_hit hit = sim_faults_roll(c->faults, SIM_FAULTS_CITY_TOKEN);
  const char *auth = sim_request_header(q, "Authorization");
  char cred[256], token[SIM_TOKEN_LEN], body[256];
  char *colon;

  snprintf(r->service, sizeof(r->service), "token");
  if (sim_fault_preempted(c->faults, hit, r))
    return;
  if (!auth || strncasecmp(auth, "Basic ", 6) ||
      sim_base64_decode(auth + 6, cred, sizeof(cred), false) < 0 || !(colon = strchr(cred, ':'))) {
    reply_oauth_error(r, 401, "invalid_client", "client authentication required",
                      "Basic realm=\"LGSP\"");
    goto out;
  }
  *colon = '\0';
  if (strcmp(cred, c->client_id) || strcmp(colon + 1, c->client_secret)) {
    reply_oauth_error(r, 401, "invalid_client", "client authentication failed",
                      "Basic realm=\"LGSP\"");
    goto out;
  }
  if (!form_has(q->body, "grant_type", "client_credentials")) {
    reply_oauth_error(r, 400, "unsupported_grant_type", "grant_type must be client_credentials",
                      NULL);
    goto out;
  }
  sim_tokens_new(&c->tokens, token);
  snprintf(body, sizeof(body),
           "{\"access_token\":\"%s\","
           "\"token_type\":\"Bearer\",\"expires_in\":%u}",
           token, c->tokens.ttl);
  sim_response_set(r, 200, JSON_CT, NULL, body);
out:
  sim_fault_apply(c->faults, hit, r);
}

struct listing {
  const char *commune;
  char xa[8];
  sim_time from, to;
  long page, size;
};

static int long_arg(const char *s, long *out)
{
  char *end;
  long v;

  if (!s || !*s)
    return 0;
  v = strtol(s, &end, 10);
  if (end == s || *end)
    return -1;
  *out = v;
  return 1;
}

static const char *listing_params(const struct sim_request *q, struct listing *l)
{
  const char *s;

  l->commune = NULL;
  l->from = INT64_MIN;
  l->to = INT64_MAX;
  l->page = 1;
  l->size = DEFAULT_PAGE;
  if ((s = sim_request_query(q, "maxa")) && *s) {
    if (!sim_is_digits(s, 5))
      return "maxa không hợp lệ";
    snprintf(l->xa, sizeof(l->xa), "%s", s);
    l->commune = l->xa;
  }
  if ((s = sim_request_query(q, "tungay")) && *s && sim_parse_compact(s, &l->from))
    return "tungay không hợp lệ (yyyyMMddHHmmss)";
  if ((s = sim_request_query(q, "denngay")) && *s && sim_parse_compact(s, &l->to))
    return "denngay không hợp lệ (yyyyMMddHHmmss)";
  if (long_arg(sim_request_query(q, "trang"), &l->page) < 0 || l->page < 1)
    return "trang không hợp lệ";
  if (long_arg(sim_request_query(q, "sobanghi"), &l->size) < 0 || l->size < 1)
    return "sobanghi không hợp lệ";
  if (l->size > SIM_CITY_MAX_PAGE)
    l->size = SIM_CITY_MAX_PAGE;
  return NULL;
}

/* Non-ASCII characters as decimal numeric character references. */
static char *to_ncr(const char *s)
{
  struct sim_text b = { 0 };
  const unsigned char *p = (const unsigned char *)s;

  while (*p) {
    unsigned cp;
    int n;

    if (*p < 0x80) {
      put(&b, (const char *)p++, 1);
      continue;
    }
    n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
    cp = *p & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
    for (int i = 1; i < n && (p[i] & 0xc0) == 0x80; i++)
      cp = cp << 6 | (p[i] & 0x3f);
    printf_(&b, "&#%u;", cp);
    p += n;
  }
  if (b.fail) {
    free(b.s);
    return NULL;
  }
  return b.s ? b.s : strdup("");
}

/* The page in windows-1258 (glibc iconv decomposes the tone marks). */
static char *to_cp1258(const char *s, size_t *outlen)
{
  static const char from[] = "encoding=\"UTF-8\"";
  static const char to[] = "encoding=\"windows-1258\"";
  const char *at = strstr(s, from);
  size_t n = strlen(s), cap = 2 * n + 64, inleft, outleft;
  char *src = malloc(n + sizeof(to)), *dst = malloc(cap), *in, *out;
  iconv_t cd = iconv_open("WINDOWS-1258", "UTF-8");
  bool ok = src && dst && cd != (iconv_t)-1 && at;

  if (ok) {
    size_t pre = (size_t)(at - s);

    memcpy(src, s, pre);
    memcpy(src + pre, to, sizeof(to) - 1);
    strcpy(src + pre + sizeof(to) - 1, at + sizeof(from) - 1);
    in = src;
    inleft = strlen(src);
    out = dst;
    outleft = cap - 1;
    ok = iconv(cd, &in, &inleft, &out, &outleft) != (size_t)-1 &&
         iconv(cd, NULL, NULL, &out, &outleft) != (size_t)-1;
    *out = '\0';
    *outlen = (size_t)(out - dst);
  }
  if (cd != (iconv_t)-1)
    iconv_close(cd);
  free(src);
  if (!ok) {
    free(dst);
    return NULL;
  }
  return dst;
}

static const char DOCTYPE[] =
  "<!DOCTYPE KetQuaTraCuu [\n"
  "  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
  "  <!ENTITY lol \"lol\">\n"
  "  <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
  "  <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
  "  <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
  "  <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
  "  <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
  "  <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
  "  <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
  "  <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
  "  <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
  "]>\n";

static void render_entry(struct sim_city *c, const struct sim_entry *e, struct sim_text *page,
                         struct sim_response *r)
{
  struct render x = { c, e->d, e->junk, page };

  if (e->junk) {
    x.d = e->junk->tmpl;
    r->malformed++;
  }
  render_hoso(&x, e->upd);
}

/* The endless fault: the rest of a page past the window's end is filled
 * with the window's records again under fresh codes (ENDLESS-<position>),
 * so no page is ever short and no code repeats. The view is locked. */
static void fill_past_end(struct sim_city *c, const struct listing *l, long first, long served,
                          struct sim_text *page, struct sim_response *r)
{
  struct sim_view *v = &c->view;
  size_t *at = malloc((v->n ? v->n : 1) * sizeof(*at));
  long n = 0;

  if (!at) {
    page->fail = true;
    return;
  }
  for (size_t i = sim_view_lower_bound(v, l->from); i < v->n && v->v[i].upd <= l->to; i++)
    if (!v->v[i].junk && (!l->commune || !strcmp(v->v[i].commune, l->commune)))
      at[n++] = i;
  for (long k = first + served; n > 0 && k < first + l->size; k++) {
    struct sim_entry e = v->v[at[k % n]];
    struct sim_dossier copy = *e.d;

    snprintf(copy.code, sizeof(copy.code), "ENDLESS-%ld", k);
    memcpy(copy.portal_code, copy.code, sizeof(copy.code));
    memcpy(copy.ministry_code, copy.code, sizeof(copy.code));
    e.d = &copy;
    render_entry(c, &e, page, r);
  }
  free(at);
}

static void reply_listing(struct sim_city *c, const struct listing *l, struct sim_fault_hit *hit,
                          struct sim_response *r)
{
  struct sim_text page = { 0 }, b = { 0 };
  struct sim_view *v = &c->view;
  long total = 0, first = (l->page - 1) * l->size, served = 0;
  enum sim_fault k = hit->kind;
  char *body = NULL;
  size_t len = 0;

  pthread_mutex_lock(&v->lock);
  for (size_t i = sim_view_lower_bound(v, l->from); i < v->n && v->v[i].upd <= l->to; i++) {
    const struct sim_entry *e = &v->v[i];

    if (l->commune && strcmp(e->commune, l->commune))
      continue;
    if (total++ < first || total > first + l->size)
      continue;
    render_entry(c, e, &page, r);
    served++;
  }
  if (k == SIM_FAULT_ENDLESS && served < l->size)
    fill_past_end(c, l, first, served, &page, r);
  if (!sim_paging_fault(v, l->commune, l->from, l->to, first, l->size, k))
    hit->kind = k = SIM_FAULT_NONE;
  if (k == SIM_FAULT_MISCOUNT)
    total++; /* announce one record more than the listing holds */
  pthread_mutex_unlock(&v->lock);

  puts_(&b, XML_DECL);
  /* Spliced into this answer only (the next request may come clean): the
   * comment makes every such answer's bytes its own, as an injection
   * would, and tests that a comment cannot hide the DOCTYPE behind it. */
  if (k == SIM_FAULT_DOCTYPE) {
    printf_(&b, "<!-- <injected %08x> -->\n", (unsigned)hit->variant);
    puts_(&b, DOCTYPE);
  }
  printf_(&b, "<KetQuaTraCuu>\n  <MaLoi>0</MaLoi>\n  <MoTaLoi>Thành công%s</MoTaLoi>\n",
          k == SIM_FAULT_DOCTYPE ? "&lol9;" : "");
  /* endless: a listing that never ends announces no total */
  if (k != SIM_FAULT_ENDLESS)
    printf_(&b, "  <TongSoBanGhi>%ld</TongSoBanGhi>\n", total);
  printf_(&b, "  <Trang>%ld</Trang>\n", l->page);
  if (k != SIM_FAULT_ENDLESS)
    printf_(&b, "  <TongSoTrang>%ld</TongSoTrang>\n", (total + l->size - 1) / l->size);
  if (page.len) {
    puts_(&b, "  <DanhSachHoSo>\n");
    put(&b, page.s, page.len);
    puts_(&b, "  </DanhSachHoSo>\n");
  } else {
    puts_(&b, "  <DanhSachHoSo/>\n");
  }
  puts_(&b, "</KetQuaTraCuu>\n");
  free(page.s);
  snprintf(r->error_code, sizeof(r->error_code), "0");
  if (b.fail || page.fail)
    goto oom;
  if (k == SIM_FAULT_NCR) {
    body = to_ncr(b.s);
    free(b.s);
    if (!body)
      goto oom;
    sim_response_set(r, 200, XML_CT, body, NULL);
  } else if (k == SIM_FAULT_WIN1258) {
    body = to_cp1258(b.s, &len);
    free(b.s);
    if (!body)
      goto oom;
    sim_response_set(r, 200, "application/xml; charset=windows-1258", body, NULL);
    r->len = len; /* no NUL inside: CP1258 text */
  } else {
    sim_response_set(r, 200, XML_CT, b.s, NULL);
  }
  return;
oom:
  free(b.s);
  sim_response_set(r, 500, "text/plain; charset=utf-8", NULL, "out of memory");
}

static void handle_hoso(struct sim_city *c, const struct sim_request *q, struct sim_response *r)
{
  struct sim_fault_hit hit = sim_faults_roll(c->faults, SIM_FAULTS_CITY);
  const char *auth = sim_request_header(q, "Authorization");
  const char *err;
  struct listing l;
  bool used = false;

  snprintf(r->service, sizeof(r->service), "hoso");
  if (long_arg(sim_request_query(q, "trang"), &r->page_index) != 1)
    r->page_index = -1;
  if (sim_fault_preempted(c->faults, hit, r))
    return;
  if (!auth || strncasecmp(auth, "Bearer ", 7) ||
      !sim_tokens_check(&c->tokens, auth + 7, hit.kind == SIM_FAULT_TOKEN_EXPIRED) ||
      hit.kind == SIM_FAULT_TOKEN_EXPIRED) {
    used = hit.kind == SIM_FAULT_TOKEN_EXPIRED && auth && !strncasecmp(auth, "Bearer ", 7);
    reply_oauth_error(r, 401, "invalid_token", "the access token is invalid or has expired",
                      "Bearer error=\"invalid_token\"");
    goto out;
  }
  if (hit.kind == SIM_FAULT_ERROR_1) {
    used = true;
    reply_maloi(r, "-1", "Hệ thống đang bận");
    goto out;
  }
  err = listing_params(q, &l);
  if (err) {
    reply_maloi(r, "2", err);
    goto out;
  }
  used = true;
  reply_listing(c, &l, &hit, r);
out:
  sim_fault_finish(c->faults, hit, used, r); /* no effect: not logged */
}

void sim_city_handle(struct sim_city *c, const struct sim_request *q, struct sim_response *r)
{
  bool token = strcmp(q->path, "/token") == 0;

  if (!token && strcmp(q->path, "/tthc/v1/hoso")) {
    sim_response_set(r, 404, JSON_CT, NULL, "{\"error\":\"not_found\"}");
    return;
  }
  if (strcmp(q->method, token ? "POST" : "GET")) {
    sim_response_set(r, 405, JSON_CT, NULL, "{\"error\":\"method_not_allowed\"}");
    return;
  }
  if (token) {
    handle_token(c, q, r);
    return;
  }
  handle_hoso(c, q, r);
  /* The page layout (compact, CRLF, BOM) is the whole XML answer's; the
   * gateway's OAuth JSON is not the city system's. */
  if (!strncmp(r->content_type, "application/xml", 15))
    sim_repr_answer(&c->repr, r, NULL);
}

void sim_city_handler(void *ctx, const struct sim_request *q, struct sim_response *r)
{
  sim_city_handle(ctx, q, r);
}
