/*
 * repr_fixture.h — the parser suites' check that every representation the
 * simulators can produce (sim/repr.h) reads as the same canonical records.
 *
 * The pages are the simulators' own (their handlers, as a client would
 * call them), never pasted text: a generated model is served with one
 * representation, every page of a commune is parsed, and the records are
 * compared field by field with those of the default representation.
 * Lineage (record_hash, source_location) is allowed to differ: it names
 * the raw bytes.  A stop (3 after intake, 7, 8) may be dated in other
 * fields; its end under decisions.md's rule must stay the same, and no
 * stop may show a finish (9/10) step.
 */
#ifndef TTHC_REPR_FIXTURE_H
#define TTHC_REPR_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_fixture.h"
#include "source_parser.h"
#include "../sim/repr.h"

#define REPR_COMMUNE "11002"

/* ---- pages ------------------------------------------------------------------ */

struct fx_pages {
  char **body;
  size_t *len;
  size_t n, cap;
};

static inline void fx_pages_add(struct fx_pages *p, struct sim_response *r)
{
  if (p->n == p->cap) {
    p->cap = p->cap ? 2 * p->cap : 16;
    p->body = realloc(p->body, p->cap * sizeof(*p->body));
    p->len = realloc(p->len, p->cap * sizeof(*p->len));
    CU_ASSERT_PTR_NOT_NULL_FATAL(p->body);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p->len);
  }
  p->body[p->n] = r->body; /* taken over */
  p->len[p->n++] = r->len;
  r->body = NULL;
  r->len = 0;
}

static inline void fx_pages_free(struct fx_pages *p)
{
  for (size_t i = 0; i < p->n; i++)
    free(p->body[i]);
  free(p->body);
  free(p->len);
  memset(p, 0, sizeof(*p));
}

/* Every listing page of REPR_COMMUNE from the portal, 100 a page. */
__attribute__((unused)) static void fx_portal_pages(const struct sim_model *m,
                                                    const struct sim_repr *rp, struct fx_pages *out)
{
  struct sim_portal_options o = { .seed = 42, .repr = *rp };
  struct sim_portal *p = sim_portal_new(m, &o, NULL);
  char token[64], body[512];

  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  {
    /* Not portal_login(): error_code may be the number 0 here. */
    struct sim_response r;
    cJSON *j = portal_call(p, "/api/auth", AGENCY,
                           "{\"username\":\"demo\",\"password\":\"demo-secret\"}", &r);

    CU_ASSERT_PTR_NOT_NULL_FATAL(str(j, "session"));
    snprintf(token, sizeof(token), "%s", str(j, "session"));
    cJSON_Delete(j);
    sim_response_release(&r);
  }
  for (long page = 1;; page++) {
    struct sim_response r;
    cJSON *j, *res;
    int n;

    snprintf(body, sizeof(body),
             "{\"session\":\"%s\",\"service\":\"LayDanhSachHoSo\",\"MaXa\":\"" REPR_COMMUNE "\","
             "\"pageIndex\":%ld,\"pageSize\":100}",
             token, page);
    j = portal_call(p, "/api/integration", NULL, body, &r);
    res = cJSON_GetObjectItemCaseSensitive(j, "result");
    CU_ASSERT_FATAL(cJSON_IsArray(res));
    n = cJSON_GetArraySize(res);
    cJSON_Delete(j);
    if (!n) {
      sim_response_release(&r);
      break;
    }
    fx_pages_add(out, &r);
    CU_ASSERT_FATAL(page < 1000);
  }
  sim_portal_free(p);
}

/* Every listing page of REPR_COMMUNE from the city, 100 a page. */
__attribute__((unused)) static void fx_city_pages(const struct sim_model *m,
                                                  const struct sim_repr *rp, struct fx_pages *out)
{
  struct sim_city_options o = { .seed = 42, .prefix = "H31", .repr = *rp };
  struct sim_city *c = sim_city_new(m, &o, NULL);
  char tok[48];

  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  city_token(c, tok);
  for (long page = 1;; page++) {
    char pg[24];
    const struct kv kv[] = { { "Authorization", tok }, { NULL, NULL },
                             { "maxa", REPR_COMMUNE }, { "trang", pg },
                             { "sobanghi", "100" },    { NULL, NULL } };
    struct sim_response r;

    snprintf(pg, sizeof(pg), "%ld", page);
    city_call(c, "GET", "/tthc/v1/hoso", "", kv, &r);
    CU_ASSERT_EQUAL_FATAL(r.status, 200);
    if (!strstr(r.body, "<HoSo>")) {
      sim_response_release(&r);
      break;
    }
    fx_pages_add(out, &r);
    CU_ASSERT_FATAL(page < 1000);
  }
  sim_city_free(c);
}

/* Every page of REPR_COMMUNE from the ministry, 100 a page. */
__attribute__((unused)) static void
fx_ministry_pages(const struct sim_model *m, const struct sim_repr *rp, struct fx_pages *out)
{
  struct sim_ministry_options o = { .repr = *rp };
  struct sim_ministry *s = sim_ministry_new(m, &o, NULL);
  char cursor[256] = "";

  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  for (int k = 0;; k++) {
    struct sim_response r;
    cJSON *j =
      ministry_list(s, "demo-secret", REPR_COMMUNE, NULL, "100", cursor[0] ? cursor : NULL, &r);
    const char *next = str(j, "nextCursor");

    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
    cJSON_Delete(j);
    fx_pages_add(out, &r);
    if (!cursor[0])
      break;
    CU_ASSERT_FATAL(k < 1000);
  }
  sim_ministry_free(s);
}

/* ---- records ------------------------------------------------------------------ */

struct fx_records {
  struct canonical_record *v;
  size_t n, cap;
  int rejects;
  char reason[400]; /* the first reject's */
};

static int fx_record(void *arg, const struct page_ctx *p, size_t i,
                     const struct canonical_record *r)
{
  struct fx_records *s = arg;
  (void)p;
  (void)i;
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 256;
    s->v = realloc(s->v, s->cap * sizeof(*s->v));
    if (!s->v)
      return -1;
  }
  for (int f = 0; f < DF__COUNT; f++)
    s->v[s->n].v[f] = r->v[f] ? strdup(r->v[f]) : NULL;
  s->n++;
  return 0;
}

static int fx_reject(void *arg, const struct page_ctx *p, size_t i, const struct reject_info *why,
                     const char *raw, size_t len)
{
  struct fx_records *s = arg;
  (void)p;
  (void)i;
  (void)raw;
  (void)len;
  if (!s->rejects++)
    snprintf(s->reason, sizeof(s->reason), "%s: %s", why->field ? why->field : "?", why->reason);
  return 0;
}

static int fx_by_code(const void *a, const void *b)
{
  const char *x = ((const struct canonical_record *)a)->v[DF_source_code];
  const char *y = ((const struct canonical_record *)b)->v[DF_source_code];

  return strcmp(x ? x : "", y ? y : "");
}

/* Parse every page with kind's parser; the records sorted by code. */
static inline void fx_parse_pages(source_kind kind, const struct fx_pages *pages,
                                  const struct source_config *cfg, struct fx_records *out)
{
  struct record_sink sink = { fx_record, fx_reject, out };

  for (size_t i = 0; i < pages->n; i++) {
    struct page_ctx ctx = { "src-t", kind, REPR_COMMUNE, "RUN/landing/src-t/" REPR_COMMUNE "/page",
                            cfg };

    CU_ASSERT_EQUAL(source_parser_for(kind)->parse_page(pages->body[i], pages->len[i], &ctx, &sink),
                    PARSE_OK);
  }
  qsort(out->v, out->n, sizeof(*out->v), fx_by_code);
}

static inline void fx_records_free(struct fx_records *r)
{
  for (size_t i = 0; i < r->n; i++)
    canon_release(&r->v[i]);
  free(r->v);
  memset(r, 0, sizeof(*r));
}

/* ---- comparison ---------------------------------------------------------------- */

static inline bool fx_lineage(int f)
{
  return f == DF_record_hash || f == DF_source_location;
}

static inline bool fx_stop_status(const char *s)
{
  return s && (!strcmp(s, "3") || !strcmp(s, "7") || !strcmp(s, "8"));
}

/* A sim_time as the canonical record writes it (UTC). */
static inline void fx_time_text(sim_time t, char *out, size_t n)
{
  time_t tt = (time_t)t;
  struct tm tm;

  gmtime_r(&tt, &tm);
  strftime(out, n, "%Y-%m-%d %H:%M:%S+00", &tm);
}

/*
 * The end of a stopped record by decisions.md (sql/007): the refusal
 * time, the end of processing, the step that reached the status, the
 * update time.
 */
static inline void fx_stop_end(const struct canonical_record *r, char *out, size_t n)
{
  const char *v = r->v[DF_refused_at] ? r->v[DF_refused_at] : r->v[DF_finished_at];
  cJSON *steps, *s;

  snprintf(out, n, "%s", v ? v : "");
  if (v)
    return;
  steps = r->v[DF_steps] ? cJSON_Parse(r->v[DF_steps]) : NULL;
  cJSON_ArrayForEach(s, steps)
  {
    const char *at = str(s, "at");

    if (at && num(s, "status") == atoi(r->v[DF_status]) && (!*out || strcmp(at, out) < 0))
      snprintf(out, n, "%s", at);
  }
  cJSON_Delete(steps);
  if (!*out)
    snprintf(out, n, "%s", r->v[DF_source_updated_at] ? r->v[DF_source_updated_at] : "");
}

/* steps without the stop's own (3/7/8) step, and without a 9/10 one. */
static inline char *fx_steps_but_stop(const char *json, int status, bool *finish_step)
{
  cJSON *steps = json ? cJSON_Parse(json) : NULL, *s, *next;
  char *out;

  for (s = steps ? steps->child : NULL; s; s = next) {
    int st = (int)num(s, "status");

    next = s->next;
    if (st == 9 || st == 10)
      *finish_step = true;
    if (st == status)
      cJSON_Delete(cJSON_DetachItemViaPointer(steps, s));
  }
  out = steps ? cJSON_PrintUnformatted(steps) : strdup("");
  cJSON_Delete(steps);
  return out;
}

static inline bool fx_same(const char *a, const char *b)
{
  return (!a && !b) || (a && b && !strcmp(a, b));
}

/*
 * The model's recorded stop time of the dossier whose ministry code is
 * `code`, as text ("" when none): what a ministry record may give.
 */
static inline void fx_model_stop(const struct sim_model *m, const char *code, char *out, size_t n)
{
  *out = '\0';
  for (size_t i = 0; i < m->ndossiers; i++) {
    char norm[SIM_CODE_MAX];

    sim_code_normalise(m->dossiers[i].ministry_code, norm, sizeof(norm));
    if (m->dossiers[i].ministry_code[0] && !strcmp(norm, code)) {
      if (m->dossiers[i].refused_at)
        fx_time_text(m->dossiers[i].refused_at, out, n);
      return;
    }
  }
}

/*
 * The records of a variant against the default's: the same codes, every
 * field the same but lineage.  A stop may be dated elsewhere: its fields
 * finished_at, refused_at and its own step are then compared through its
 * end (fx_stop_end), and it may show no 9/10 step.  With a model (the
 * ministry, whose default record has no stop time at all), a stop's end
 * may also be the model's recorded stop time.  `label` names the variant
 * in a failure.  Returns the number of differences.
 */
static inline int fx_compare(const struct fx_records *base, const struct fx_records *var,
                             const char *label, const struct sim_model *m)
{
  int diffs = 0;

  CU_ASSERT_EQUAL(var->rejects, 0);
  if (var->rejects)
    fprintf(stderr, "\n  %s: %d rejects, first: %s\n", label, var->rejects, var->reason);
  CU_ASSERT_EQUAL(var->n, base->n);
  if (var->n != base->n) {
    fprintf(stderr, "\n  %s: %zu records, default %zu\n", label, var->n, base->n);
    return 1;
  }
  for (size_t i = 0; i < base->n; i++) {
    const struct canonical_record *a = &base->v[i], *b = &var->v[i];
    bool stop = fx_stop_status(a->v[DF_status]) && a->v[DF_received_at];

    for (int f = 0; f < DF__COUNT; f++) {
      bool dated = f == DF_finished_at || f == DF_refused_at || f == DF_steps;

      if (fx_lineage(f) || (stop && dated) || fx_same(a->v[f], b->v[f]))
        continue;
      if (diffs++ < 5)
        fprintf(stderr, "\n  %s: %s: field %s: \"%s\", default \"%s\"\n", label,
                a->v[DF_source_code], dossier_fields[f].name, b->v[f] ? b->v[f] : "(null)",
                a->v[f] ? a->v[f] : "(null)");
    }
    if (stop) {
      char ea[40], eb[40];
      bool fa = false, fb = false;
      char *sa = fx_steps_but_stop(a->v[DF_steps], atoi(a->v[DF_status]), &fa);
      char *sb = fx_steps_but_stop(b->v[DF_steps], atoi(b->v[DF_status]), &fb);

      fx_stop_end(a, ea, sizeof(ea));
      fx_stop_end(b, eb, sizeof(eb));
      if (m && strcmp(ea, eb)) {
        char t[40];

        fx_model_stop(m, a->v[DF_source_code], t, sizeof(t));
        if (!strcmp(t, eb))
          snprintf(ea, sizeof(ea), "%s", eb);
      }
      if (strcmp(ea, eb) || strcmp(sa, sb) || fb) {
        if (diffs++ < 5)
          fprintf(stderr, "\n  %s: stop %s: end %s steps %s, default end %s steps %s\n", label,
                  a->v[DF_source_code], eb, sb, ea, sa);
      }
      free(sa);
      free(sb);
    }
  }
  CU_ASSERT_EQUAL(diffs, 0);
  return diffs;
}

/* The representations every parser must read alike, one knob at a time
 * and together; stop datings are in fx_stop_reprs. */
static inline size_t fx_reprs(struct sim_repr *out, size_t max)
{
  static const struct {
    enum sim_repr_knob k;
    const char *v;
  } one[] = {
    { SIM_REPR_XML, "compact" },     { SIM_REPR_CRLF, "1" },
    { SIM_REPR_BOM, "1" },           { SIM_REPR_ORDER, "shuffled" },
    { SIM_REPR_JSON, "pretty" },     { SIM_REPR_ABSENT, "varied" },
    { SIM_REPR_ABSENT, "null" },     { SIM_REPR_ABSENT, "empty" },
    { SIM_REPR_ABSENT, "missing" },  { SIM_REPR_SCALARS, "varied" },
    { SIM_REPR_SCALARS, "strings" }, { SIM_REPR_SCALARS, "numbers" },
    { SIM_REPR_ASCII, "1" },
  };
  size_t n = 0;

  for (size_t i = 0; i < sizeof(one) / sizeof(one[0]) && n < max; i++) {
    memset(&out[n], 0, sizeof(out[n]));
    CU_ASSERT_EQUAL(sim_repr_parse(&out[n], one[i].k, one[i].v), 0);
    n++;
  }
  /* Everything at once, and what a few seeds draw (the stop dating
   * pinned: it is compared in its own test). */
  for (uint64_t seed = 0; seed < 8 && n < max; seed++, n++) {
    memset(&out[n], 0, sizeof(out[n]));
    if (seed == 0) {
      out[n] = (struct sim_repr){ .xml = SIM_XML_COMPACT,
                                  .crlf = true,
                                  .bom = true,
                                  .order = SIM_ORDER_SHUFFLED,
                                  .json = SIM_JSON_PRETTY,
                                  .ascii = true,
                                  .absent = SIM_ABSENT_VARIED,
                                  .scalars = SIM_SCALARS_VARIED };
      continue;
    }
    sim_repr_draw(&out[n], seed, 1u << SIM_REPR_STOP);
  }
  return n;
}

/* Every way of dating a stop, alone and with the other knobs drawn. */
static inline size_t fx_stop_reprs(struct sim_repr *out, size_t max)
{
  static const char *const modes[] = {
    "end", "refusal", "step", "end+refusal", "end+step", "refusal+step", "end+refusal+step", "mixed"
  };
  size_t n = 0;

  for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]) && n < max; i++, n++) {
    memset(&out[n], 0, sizeof(out[n]));
    CU_ASSERT_EQUAL(sim_repr_parse(&out[n], SIM_REPR_STOP, modes[i]), 0);
  }
  for (uint64_t seed = 100; seed < 104 && n < max; seed++, n++) {
    memset(&out[n], 0, sizeof(out[n]));
    sim_repr_draw(&out[n], seed, 0);
  }
  return n;
}

/* The generated model of the suites (seed 42) with the cross-system links:
 * failed pushes, national codes; shared by the three parser suites. */
static inline void fx_repr_model(struct sim_model *m)
{
  int cleared = 0;

  generate(m, 42, 50000, 300000);
  /* Stops the systems did not date (as the generator's 10 %): every
   * representation must leave them to the update time. */
  for (size_t i = 0; i < m->ndossiers && cleared < 4; i++) {
    struct sim_dossier *d = &m->dossiers[i];

    if (!strcmp(d->commune, REPR_COMMUNE) && d->received_at && d->refused_at && d->status >= 7 &&
        d->push == SIM_PUSH_OK) {
      d->refused_at = SIM_TIME_NONE;
      cleared++;
    }
  }
}

/*
 * The whole check for one source kind: its simulator's pages (`pages`) in
 * every representation of fx_reprs() and fx_stop_reprs() read as the same
 * canonical records as its default pages; at least `min_records` of them,
 * none rejected. Stops are compared against the model when `with_model`
 * (the ministry dates a stop only through the model's times).
 */
typedef void (*fx_pages_fn)(const struct sim_model *m, const struct sim_repr *rp,
                            struct fx_pages *out);

__attribute__((unused)) static void fx_check_every_repr(source_kind kind, fx_pages_fn pages_of,
                                                        size_t min_records, bool with_model)
{
  struct sim_model m;
  struct sim_repr r[40], zero = { 0 };
  struct fx_pages pages = { 0 };
  struct fx_records base = { 0 };
  size_t n;

  fx_repr_model(&m);
  pages_of(&m, &zero, &pages);
  fx_parse_pages(kind, &pages, NULL, &base);
  fx_pages_free(&pages);
  CU_ASSERT(base.n > min_records);
  CU_ASSERT_EQUAL(base.rejects, 0);
  n = fx_reprs(r, 40);
  n += fx_stop_reprs(r + n, 40 - n);
  for (size_t i = 0; i < n; i++) {
    struct fx_records var = { 0 };
    char label[256];

    sim_repr_describe(&r[i], label, sizeof(label));
    pages_of(&m, &r[i], &pages);
    fx_parse_pages(kind, &pages, NULL, &var);
    fx_compare(&base, &var, label, with_model ? &m : NULL);
    fx_pages_free(&pages);
    fx_records_free(&var);
  }
  fx_records_free(&base);
  sim_model_release(&m);
}

#endif
