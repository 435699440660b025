/*
 * test_sim_dataset - a model written with sim_dataset_write() and read
 * back with sim_dataset_read() serves the same bytes on all three kinds
 * (every page of every commune, auth answers included) and gives the
 * same truths; malformed dataset files are refused with the file, line
 * and field named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cunit_main.h"
#include "sim_fixture.h"
#include "../sim/city.h"
#include "../sim/dataset.h"
#include "../sim/fault.h"
#include "../sim/generator.h"
#include "../sim/junk.h"
#include "../sim/links.h"
#include "../sim/ministry.h"
#include "../sim/portal.h"
#include "../sim/scenario.h"
#include "../sim/truth.h"
#include "../sim/view.h"

/* The model main() builds from generator flags, and its header. */
static void generated(struct sim_model *m, struct sim_dataset_info *info, uint64_t seed,
                      unsigned push, unsigned national)
{
  struct sim_link_options lo = { .seed = seed, .push_ppm = push, .national_ppm = national };

  fx_model(m, seed, "14797");
  sim_links_apply(m, &lo);
  sim_dataset_info_init(info);
  info->seed = seed;
  info->source = strdup("{\"test\":true}");
}

/* The model main() builds from --scenario NAME, and its header. */
static void scenario(struct sim_model *m, struct sim_dataset_info *info, const char *name,
                     uint64_t seed)
{
  const struct sim_scenario *s = sim_scenario_find(name);
  struct sim_link_options lo = { .seed = seed };
  const char *dot;

  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  sim_model_init(m, T(s->as_of));
  dot = strrchr(s->agency, '.');
  CU_ASSERT_EQUAL_FATAL(sim_scenario_build(s, seed, dot + 1, m), 0);
  sim_links_apply(m, &lo);
  sim_dataset_info_init(info);
  info->seed = seed;
  snprintf(info->agency, sizeof(info->agency), "%s", s->agency);
  info->have_truth = true;
  snprintf(info->unit, sizeof(info->unit), "%s", s->commune);
  sim_parse_day(s->from, &info->truth_from);
  sim_parse_day(s->to, &info->truth_to);
}

/* Write a to a file and read it back into b. */
static void round_trip(const struct sim_model *a, const struct sim_dataset_info *ia,
                       struct sim_model *b, struct sim_dataset_info *ib)
{
  FILE *fp = tmpfile();
  char err[512] = "";
  int rc;

  CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
  CU_ASSERT_EQUAL_FATAL(sim_dataset_write(a, ia, fp), 0);
  rewind(fp);
  sim_model_init(b, 0);
  sim_dataset_info_init(ib);
  rc = sim_dataset_read(fp, "rt.jsonl", b, ib, err, sizeof(err));
  if (rc)
    fprintf(stderr, "\n    %s\n", err);
  CU_ASSERT_EQUAL_FATAL(rc, 0);
  fclose(fp);
}

/* Every field of every dossier, compared field by field. */
static void assert_same_model(const struct sim_model *a, const struct sim_model *b)
{
  size_t bad = 0;

  CU_ASSERT_EQUAL(a->as_of, b->as_of);
  CU_ASSERT_EQUAL_FATAL(a->ncommunes, b->ncommunes);
  for (size_t i = 0; i < a->ncommunes; i++) {
    CU_ASSERT_STRING_EQUAL(a->communes[i].code, b->communes[i].code);
    CU_ASSERT_STRING_EQUAL(a->communes[i].province, b->communes[i].province);
  }
  CU_ASSERT_EQUAL_FATAL(a->ndossiers, b->ndossiers);
  for (size_t i = 0; i < a->ndossiers; i++) {
    const struct sim_dossier *x = &a->dossiers[i], *y = &b->dossiers[i];
    bool same =
      !strcmp(x->code, y->code) && !strcmp(x->ministry_code, y->ministry_code) &&
      !strcmp(x->portal_code, y->portal_code) && !strcmp(x->commune, y->commune) &&
      x->proc == y->proc && x->dept == y->dept && x->origin == y->origin &&
      x->channel == y->channel && x->submitted_at == y->submitted_at &&
      x->received_at == y->received_at && x->due_at == y->due_at &&
      x->finished_at == y->finished_at && x->returned_at == y->returned_at &&
      x->refused_at == y->refused_at && x->updated_at == y->updated_at && x->status == y->status &&
      x->nsupp == y->nsupp && x->ncomp == y->ncomp && x->nfees == y->nfees &&
      x->nresults == y->nresults && x->paid_online == y->paid_online && x->vneid == y->vneid &&
      x->rating == y->rating && x->complaint == y->complaint && x->variety == y->variety &&
      x->via_counter == y->via_counter && x->push == y->push && x->push_at == y->push_at &&
      x->recv_shift == y->recv_shift && x->due_shift == y->due_shift;

    for (int k = 0; same && k < x->nsupp; k++)
      same = x->supp[k].requested_at == y->supp[k].requested_at &&
             x->supp[k].completed_at == y->supp[k].completed_at &&
             x->supp[k].new_due == y->supp[k].new_due;
    for (int k = 0; same && k < x->ncomp; k++)
      same =
        !strcmp(x->comp[k].code, y->comp[k].code) && x->comp[k].digitised == y->comp[k].digitised &&
        x->comp[k].reused == y->comp[k].reused && x->comp[k].from_store == y->comp[k].from_store;
    for (int k = 0; same && k < x->nfees; k++)
      same = !strcmp(x->fees[k].code, y->fees[k].code) && x->fees[k].amount == y->fees[k].amount;
    for (int k = 0; same && k < x->nresults; k++)
      same = !strcmp(x->results[k].code, y->results[k].code) &&
             !strcmp(x->results[k].link, y->results[k].link);
    bad += !same;
  }
  CU_ASSERT_EQUAL(bad, 0);
}

/* ---- every page of every commune, as bytes ----------------------------- */

static void record(FILE *out, const struct sim_response *r)
{
  fprintf(out, "%d %zu\n", r->status, r->len);
  if (r->body)
    fwrite(r->body, 1, r->len, out);
  fputc('\n', out);
}

struct served {
  char *p;
  size_t n;
  long pages;
};

static void faults_for(struct sim_faults *f, const char *fault)
{
  sim_faults_init(f, 7);
  if (fault)
    CU_ASSERT_EQUAL(sim_faults_add(f, fault), SIM_FAULT_OK);
}

/* Everything the portal serves: login, then every page of each commune. */
static void portal_pages(const struct sim_model *m, const struct sim_dataset_info *info,
                         const char *fault, struct served *s)
{
  struct sim_portal_options o = {
    .agency = info->agency, .seed = info->seed, .plain = info->plain, .junk_seed = 7
  };
  const char *auth = "{\"username\":\"demo\",\"password\":\"demo-secret\"}";
  FILE *out = open_memstream(&s->p, &s->n);
  struct sim_faults f;
  struct sim_portal *p;
  struct sim_response r;
  char session[128] = "", body[512];
  cJSON *j;

  faults_for(&f, fault);
  p = sim_portal_new(m, &o, &f);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  s->pages = 0;
  j = portal_call(p, "/api/auth", info->agency, auth, &r);
  record(out, &r);
  CU_ASSERT_PTR_NOT_NULL_FATAL(j);
  CU_ASSERT_TRUE_FATAL(cJSON_IsString(cJSON_GetObjectItem(j, "session")));
  snprintf(session, sizeof(session), "%s", cJSON_GetObjectItem(j, "session")->valuestring);
  cJSON_Delete(j);
  sim_response_release(&r);
  for (size_t c = 0; c < m->ncommunes; c++) {
    for (long page = 1;; page++) {
      int n;

      snprintf(body, sizeof(body),
               "{\"session\":\"%s\",\"madonvi\":\"%s\","
               "\"service\":\"LayDanhSachHoSo\",\"MaXa\":\"%s\","
               "\"pageIndex\":%ld,\"pageSize\":400}",
               session, info->agency, m->communes[c].code, page);
      j = portal_call(p, "/api/integration", info->agency, body, &r);
      record(out, &r);
      CU_ASSERT_PTR_NOT_NULL_FATAL(j);
      n = cJSON_GetArraySize(cJSON_GetObjectItem(j, "result"));
      cJSON_Delete(j);
      sim_response_release(&r);
      s->pages++;
      if (!n)
        break;
    }
  }
  fclose(out);
  sim_portal_free(p);
  sim_faults_release(&f);
}

static void city_pages(const struct sim_model *m, const struct sim_dataset_info *info,
                       const char *fault, struct served *s)
{
  const char *dot = strrchr(info->agency, '.');
  struct sim_city_options o = {
    .prefix = dot ? dot + 1 : info->agency, .seed = info->seed, .junk_seed = 7, .plain = info->plain
  };
  const struct kv basic[] = { { "Authorization", CITY_BASIC }, { NULL, NULL }, { NULL, NULL } };
  FILE *out = open_memstream(&s->p, &s->n);
  struct sim_faults f;
  struct sim_city *c;
  struct sim_response r;
  char bearer[64];

  faults_for(&f, fault);
  c = sim_city_new(m, &o, &f);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  s->pages = 0;
  city_call(c, "POST", "/token", "grant_type=client_credentials", basic, &r);
  record(out, &r);
  access_token(r.body, "Bearer ", bearer, sizeof(bearer));
  sim_response_release(&r);
  for (size_t k = 0; k < m->ncommunes; k++) {
    for (long page = 1;; page++) {
      char trang[24];
      const struct kv kv[] = { { "Authorization", bearer },     { NULL, NULL },
                               { "maxa", m->communes[k].code }, { "trang", trang },
                               { "sobanghi", "400" },           { NULL, NULL } };
      bool more;

      snprintf(trang, sizeof(trang), "%ld", page);
      city_call(c, "GET", "/tthc/v1/hoso", "", kv, &r);
      record(out, &r);
      CU_ASSERT_EQUAL_FATAL(r.status, 200);
      more = strstr(r.body, "<HoSo>") != NULL;
      sim_response_release(&r);
      s->pages++;
      if (!more)
        break;
    }
  }
  fclose(out);
  sim_city_free(c);
  sim_faults_release(&f);
}

static void ministry_pages(const struct sim_model *m, const struct sim_dataset_info *info,
                           const char *fault, struct served *s)
{
  struct sim_ministry_options o = { .junk_seed = 7, .plain = info->plain };
  FILE *out = open_memstream(&s->p, &s->n);
  struct sim_faults f;
  struct sim_ministry *y;
  struct sim_response r;

  faults_for(&f, fault);
  y = sim_ministry_new(m, &o, &f);
  CU_ASSERT_PTR_NOT_NULL_FATAL(y);
  s->pages = 0;
  for (size_t k = 0; k < m->ncommunes; k++) {
    char cursor[256] = "";

    for (;;) {
      cJSON *j = ministry_list(y, "demo-secret", m->communes[k].code, NULL, "400",
                               *cursor ? cursor : NULL, &r);
      const cJSON *next;

      record(out, &r);
      CU_ASSERT_EQUAL_FATAL(r.status, 200);
      CU_ASSERT_PTR_NOT_NULL_FATAL(j);
      next = cJSON_GetObjectItem(j, "nextCursor");
      if (cJSON_IsString(next))
        snprintf(cursor, sizeof(cursor), "%s", next->valuestring);
      else
        *cursor = '\0';
      cJSON_Delete(j);
      sim_response_release(&r);
      s->pages++;
      if (!*cursor)
        break;
    }
  }
  fclose(out);
  sim_ministry_free(y);
  sim_faults_release(&f);
}

typedef void (*pages_fn)(const struct sim_model *, const struct sim_dataset_info *, const char *,
                         struct served *);

static void assert_same_pages(const struct sim_model *a, const struct sim_dataset_info *ia,
                              const struct sim_model *b, const struct sim_dataset_info *ib,
                              const char *fault)
{
  static const pages_fn kinds[] = { portal_pages, city_pages, ministry_pages };

  for (size_t k = 0; k < 3; k++) {
    struct served x = { 0 }, y = { 0 };

    kinds[k](a, ia, fault, &x);
    kinds[k](b, ib, fault, &y);
    CU_ASSERT(x.pages >= (long)a->ncommunes);
    CU_ASSERT_EQUAL(x.pages, y.pages);
    CU_ASSERT_EQUAL(x.n, y.n);
    CU_ASSERT(x.n == y.n && !memcmp(x.p, y.p, x.n));
    free(x.p);
    free(y.p);
  }
}

/* ---- truths -------------------------------------------------------------- */

static char *bieu06(const struct sim_model *m, const char *unit, int64_t from, int64_t to)
{
  struct sim_bieu06 t;
  char *p = NULL;
  size_t n = 0;
  FILE *out = open_memstream(&p, &n);

  CU_ASSERT_EQUAL(sim_truth_bieu06(m, unit, from, to, &t), SIM_TRUTH_OK);
  CU_ASSERT_EQUAL(sim_bieu06_write_tsv(&t, out), SIM_TRUTH_OK);
  sim_bieu06_release(&t);
  fclose(out);
  return p;
}

static char *rejects(const struct sim_model *m, enum sim_kind kind)
{
  struct sim_view v;
  char *p = NULL;
  size_t n = 0;
  FILE *out = open_memstream(&p, &n);

  CU_ASSERT_EQUAL_FATAL(sim_view_build(&v, m, kind, 20000, 7), 0);
  CU_ASSERT_EQUAL(sim_junk_write_truth(v.junk, v.njunk, out), 0);
  sim_view_release(&v);
  fclose(out);
  return p;
}

/* Returns the number of discrepancy rows (header excluded). */
static long assert_same_truths(const struct sim_model *a, const struct sim_model *b,
                               const char *unit, int64_t from, int64_t to)
{
  char *x, *y;
  long rows = -1;

  x = bieu06(a, unit, from, to);
  y = bieu06(b, unit, from, to);
  CU_ASSERT_STRING_EQUAL(x, y);
  CU_ASSERT(strstr(x, "Tổng cộng") != NULL);
  free(x);
  free(y);
  x = discrepancies(a);
  y = discrepancies(b);
  CU_ASSERT_STRING_EQUAL(x, y);
  for (const char *c = x; *c; c++)
    rows += *c == '\n';
  free(x);
  free(y);
  for (int k = SIM_KIND_PORTAL; k <= SIM_KIND_MINISTRY; k++) {
    x = rejects(a, (enum sim_kind)k);
    y = rejects(b, (enum sim_kind)k);
    CU_ASSERT(*x != '\0');
    CU_ASSERT_STRING_EQUAL(x, y);
    free(x);
    free(y);
  }
  return rows;
}

/* The loaded header gives back what was written. */
static void assert_same_info(const struct sim_dataset_info *a, const struct sim_dataset_info *b)
{
  CU_ASSERT_EQUAL(a->seed, b->seed);
  CU_ASSERT_STRING_EQUAL(a->agency, b->agency);
  CU_ASSERT_EQUAL(a->plain, b->plain);
  CU_ASSERT_EQUAL(a->have_truth, b->have_truth);
  if (a->have_truth && b->have_truth) {
    CU_ASSERT_STRING_EQUAL(a->unit, b->unit);
    CU_ASSERT_EQUAL(a->truth_from, b->truth_from);
    CU_ASSERT_EQUAL(a->truth_to, b->truth_to);
  }
  CU_ASSERT_EQUAL(!a->source, !b->source);
}

/* Written again, the loaded model gives the same file. */
static void assert_rewrite_identical(const struct sim_model *a, const struct sim_dataset_info *ia,
                                     const struct sim_model *b, const struct sim_dataset_info *ib)
{
  char *x = NULL, *y = NULL;
  size_t nx = 0, ny = 0;
  FILE *fx = open_memstream(&x, &nx), *fy = open_memstream(&y, &ny);

  CU_ASSERT_EQUAL(sim_dataset_write(a, ia, fx), 0);
  CU_ASSERT_EQUAL(sim_dataset_write(b, ib, fy), 0);
  fclose(fx);
  fclose(fy);
  CU_ASSERT_EQUAL(nx, ny);
  CU_ASSERT(nx == ny && !memcmp(x, y, nx));
  free(x);
  free(y);
}

/* ---- round trips --------------------------------------------------------- */

static void check_generated(uint64_t seed, unsigned push, unsigned national, bool plain,
                            const char *fault)
{
  struct sim_model a, b;
  struct sim_dataset_info ia, ib;
  int64_t from, to;
  long rows;

  generated(&a, &ia, seed, push, national);
  ia.plain = plain;
  round_trip(&a, &ia, &b, &ib);
  assert_same_info(&ia, &ib);
  assert_same_model(&a, &b);
  assert_same_pages(&a, &ia, &b, &ib, fault);
  sim_parse_day("2026-03-01", &from);
  sim_parse_day("2026-04-30", &to);
  rows = assert_same_truths(&a, &b, "31", from, to);
  if (push) {
    CU_ASSERT(rows > 10);
  } else {
    CU_ASSERT_EQUAL(rows, 0);
  }
  free(bieu06(&a, "11002", from, from + 20));
  assert_rewrite_identical(&a, &ia, &b, &ib);
  sim_model_release(&a);
  sim_model_release(&b);
  sim_dataset_info_release(&ia);
  sim_dataset_info_release(&ib);
}

static void test_round_trip_seeds(void)
{
  check_generated(42, 0, 0, false, NULL);
  check_generated(1, 0, 0, false, NULL);
  check_generated(20260401, 0, 0, true, NULL);
}

static void test_round_trip_push_failure(void)
{
  check_generated(42, 100000, 200000, false, NULL);
  check_generated(7, 300000, 0, false, NULL);
}

/* Faults act on a loaded model as on a generated one. */
static void test_round_trip_faults(void)
{
  check_generated(3, 50000, 0, false, "malformed:0.02");
  check_generated(3, 50000, 0, false, "drift:0.3");
}

static void check_scenario(const char *name)
{
  struct sim_model a, b;
  struct sim_dataset_info ia, ib;

  scenario(&a, &ia, name, 42);
  round_trip(&a, &ia, &b, &ib);
  assert_same_info(&ia, &ib);
  CU_ASSERT_TRUE(ib.have_truth);
  assert_same_model(&a, &b);
  assert_same_pages(&a, &ia, &b, &ib, NULL);
  assert_same_truths(&a, &b, ib.unit, ib.truth_from, ib.truth_to);
  assert_rewrite_identical(&a, &ia, &b, &ib);
  sim_model_release(&a);
  sim_model_release(&b);
  sim_dataset_info_release(&ia);
  sim_dataset_info_release(&ib);
}

static void test_round_trip_thach_khoi(void)
{
  check_scenario("thach-khoi-2026-04");
}

static void test_round_trip_an_thanh(void)
{
  check_scenario("an-thanh-2025-q3");
}

static void test_round_trip_truong_thi(void)
{
  check_scenario("truong-thi-2023");
}

/* The file: a header line, then one line per dossier, times in +07:00. */
static void test_file_shape(void)
{
  struct sim_model a;
  struct sim_dataset_info ia;
  char *p = NULL, *line, *save = NULL;
  size_t n = 0, lines = 0;
  FILE *out;
  cJSON *h;

  generated(&a, &ia, 5, 100000, 0);
  out = open_memstream(&p, &n);
  CU_ASSERT_EQUAL(sim_dataset_write(&a, &ia, out), 0);
  fclose(out);
  CU_ASSERT(n > 0 && p[n - 1] == '\n');
  line = strtok_r(p, "\n", &save);
  h = cJSON_Parse(line);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(h, "format")->valuestring, "tthc-sim-dataset");
  CU_ASSERT_EQUAL(cJSON_GetObjectItem(h, "version")->valueint, 1);
  CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(h, "as_of")->valuestring, "2026-05-05T00:00:00+07:00");
  CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(h, "seed")->valuestring, "5");
  CU_ASSERT_EQUAL(cJSON_GetObjectItem(h, "dossiers")->valuedouble, (double)a.ndossiers);
  CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItem(h, "communes")), 3);
  CU_ASSERT(cJSON_IsNull(
    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(h, "communes"), 2), "province")));
  cJSON_Delete(h);
  while ((line = strtok_r(NULL, "\n", &save))) {
    cJSON *d = cJSON_Parse(line);
    const cJSON *u;

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    u = cJSON_GetObjectItem(d, "updated_at");
    CU_ASSERT_TRUE(cJSON_IsString(u) && strlen(u->valuestring) == 25 &&
                   !strcmp(u->valuestring + 19, "+07:00"));
    CU_ASSERT_TRUE(cJSON_IsNumber(cJSON_GetObjectItem(d, "status")));
    CU_ASSERT_TRUE(cJSON_IsString(cJSON_GetObjectItem(d, "push")));
    cJSON_Delete(d);
    lines++;
  }
  CU_ASSERT_EQUAL(lines, a.ndossiers);
  free(p);
  sim_model_release(&a);
  sim_dataset_info_release(&ia);
}

/* ---- malformed files ------------------------------------------------------ */

#define HEADER                                                      \
  "{\"format\":\"tthc-sim-dataset\",\"version\":1,"                 \
  "\"as_of\":\"2026-05-05T00:00:00+07:00\",\"seed\":\"42\","        \
  "\"agency\":\"000.00.00.H31\",\"communes\":[{\"code\":\"11002\"," \
  "\"province\":\"31\"}],\"dossiers\":1}\n"

#define DOSSIER                                                       \
  "{\"origin\":\"TTHC_TP\",\"code\":\"H31.11002-260401-00001\","      \
  "\"portal_code\":\"H31.11002-260401-00001\",\"commune\":\"11002\"," \
  "\"procedure\":\"2.000815\",\"channel\":\"direct\",\"status\":10,"  \
  "\"submitted_at\":\"2026-04-01T08:00:00+07:00\","                   \
  "\"received_at\":\"2026-04-01T08:05:00+07:00\","                    \
  "\"due_at\":\"2026-04-01T17:00:00+07:00\","                         \
  "\"finished_at\":\"2026-04-01T09:00:00+07:00\","                    \
  "\"returned_at\":\"2026-04-01T10:00:00+07:00\","                    \
  "\"updated_at\":\"2026-04-01T10:00:05+07:00\"}\n"

/* Load text as "t.jsonl"; the return code, the message in err. */
static int load_text(const char *text, size_t len, char *err, size_t n, struct sim_model *m)
{
  struct sim_dataset_info info;
  FILE *fp = fmemopen((void *)text, len, "r");
  int rc;

  CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
  sim_model_init(m, 0);
  sim_dataset_info_init(&info);
  rc = sim_dataset_read(fp, "t.jsonl", m, &info, err, n);
  fclose(fp);
  sim_dataset_info_release(&info);
  return rc;
}

/* Replace the first `from` in s by `to` (s has room). */
static void edit(char *s, const char *from, const char *to)
{
  char *p = strstr(s, from);
  size_t a = strlen(from), b = strlen(to);

  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  memmove(p + b, p + a, strlen(p + a) + 1);
  memcpy(p, to, b);
}

/* HEADER + DOSSIER edited once must fail with exactly this message. */
static void expect(const char *from, const char *to, const char *message)
{
  char text[4096], err[512] = "";
  struct sim_model m;

  snprintf(text, sizeof(text), "%s%s", HEADER, DOSSIER);
  if (from)
    edit(text, from, to);
  CU_ASSERT_EQUAL(load_text(text, strlen(text), err, sizeof(err), &m), -1);
  if (strcmp(err, message))
    fprintf(stderr, "\n    got:  %s\n    want: %s\n", err, message);
  CU_ASSERT_STRING_EQUAL(err, message);
  CU_ASSERT_EQUAL(m.ndossiers, 0); /* left empty */
  sim_model_release(&m);
}

static void test_minimal_file_loads(void)
{
  char text[4096], err[512] = "";
  struct sim_model m;
  const struct sim_dossier *d;

  snprintf(text, sizeof(text), "%s%s", HEADER, DOSSIER);
  CU_ASSERT_EQUAL_FATAL(load_text(text, strlen(text), err, sizeof(err), &m), 0);
  CU_ASSERT_EQUAL_FATAL(m.ndossiers, 1);
  d = &m.dossiers[0];
  CU_ASSERT_EQUAL(m.as_of, T("2026-05-05T00:00:00"));
  CU_ASSERT_EQUAL(d->received_at, T("2026-04-01T08:05:00"));
  CU_ASSERT_EQUAL(d->refused_at, SIM_TIME_NONE);
  CU_ASSERT_PTR_EQUAL(d->proc, sim_procedure_find("2.000815"));
  CU_ASSERT_PTR_EQUAL(d->dept, d->proc->dept); /* left out */
  CU_ASSERT_EQUAL(d->push, SIM_PUSH_OK);
  CU_ASSERT_EQUAL(d->channel, SIM_CHANNEL_DIRECT);
  CU_ASSERT_EQUAL(d->ncomp, 0);
  sim_model_release(&m);

  /* Another offset or Z is the same instant; CRLF line ends are fine. */
  snprintf(text, sizeof(text), "%s%s", HEADER, DOSSIER);
  edit(text, "2026-04-01T08:05:00+07:00", "2026-04-01T01:05:00Z");
  edit(text, "2026-04-01T17:00:00+07:00", "2026-04-01T05:30:00-04:30");
  edit(text, "\"dossiers\":1}\n", "\"dossiers\":1}\r\n");
  CU_ASSERT_EQUAL_FATAL(load_text(text, strlen(text), err, sizeof(err), &m), 0);
  CU_ASSERT_EQUAL(m.dossiers[0].received_at, T("2026-04-01T08:05:00"));
  CU_ASSERT_EQUAL(m.dossiers[0].due_at, T("2026-04-01T17:00:00"));
  sim_model_release(&m);
}

static void test_bad_json(void)
{
  expect("\"status\":10,", "\"status\":10,,", "t.jsonl:2: not valid JSON (at byte 165)");
  expect("\"dossiers\":1}", "\"dossiers\":1} x", "t.jsonl:1: not valid JSON (at byte 175)");
  expect("{\"origin\"", "[{\"origin\"", "t.jsonl:2: not valid JSON (at byte 412)");
  expect(DOSSIER, "[1]\n", "t.jsonl:2: expected a JSON object");
  expect(DOSSIER, "\n", "t.jsonl:2: not valid JSON (at byte 1)");
}

static void test_unknown_status(void)
{
  expect("\"status\":10", "\"status\":11",
         "t.jsonl:2: field \"status\": unknown status 11 (a national "
         "TrangThaiHoSo, 1..10)");
  expect("\"status\":10", "\"status\":0",
         "t.jsonl:2: field \"status\": unknown status 0 (a national "
         "TrangThaiHoSo, 1..10)");
  expect("\"status\":10", "\"status\":\"10\"", "t.jsonl:2: field \"status\": expected an integer");
  expect("\"status\":10", "\"status\":9.5", "t.jsonl:2: field \"status\": expected an integer");
}

static void test_bad_enumerations(void)
{
  expect("\"TTHC_TP\"", "\"CITY\"",
         "t.jsonl:2: field \"origin\": unknown value \"CITY\" (expected "
         "TTHC_TP, HOTICH_BTP, DVCQG)");
  expect("\"direct\"", "\"fax\"",
         "t.jsonl:2: field \"channel\": unknown value \"fax\" (expected "
         "direct, online, postal)");
  expect("\"status\":10", "\"status\":10,\"push\":\"lost\"",
         "t.jsonl:2: field \"push\": unknown value \"lost\" (expected "
         "ok, stale, missing, dates)");
  expect("\"status\":10", "\"status\":10,\"push\":\"stale\"",
         "t.jsonl:2: field \"push_at\": missing");
  expect("\"status\":10", "\"status\":10,\"push_due_shift\":86400",
         "t.jsonl:2: field \"push_due_shift\": only a \"dates\" push "
         "has shifts");
  expect("\"status\":10", "\"status\":10,\"rating\":4",
         "t.jsonl:2: field \"rating\": 4 is out of range (0..3)");
  expect("\"2.000815\"", "\"9.999999\"",
         "t.jsonl:2: field \"procedure\": \"9.999999\" is not in the "
         "catalog");
  expect("\"status\":10", "\"status\":10,\"department\":\"XYZ\"",
         "t.jsonl:2: field \"department\": unknown department \"XYZ\" "
         "(expected TTPVHCC, PKT, VP or PVHXH)");
  expect("\"status\":10", "\"status\":10,\"via_counter\":true",
         "t.jsonl:2: field \"via_counter\": only a HOTICH_BTP dossier "
         "is received at the counter");
  expect("\"status\":10", "\"status\":10,\"variety\":\"xyz\"",
         "t.jsonl:2: field \"variety\": expected 16 hex digits, not "
         "\"xyz\"");
  expect("\"status\":10", "\"status\":10,\"statut\":1",
         "t.jsonl:2: field \"statut\": unknown field");
  expect("\"status\":10", "\"status\":10,\"status\":9", "t.jsonl:2: field \"status\": given twice");
  expect("\"status\":10",
         "\"status\":10,\"components\":[{\"code\":"
         "\"HT_TP01\",\"reused\":3}]",
         "t.jsonl:2: field \"components[0].reused\": 3 is out of range "
         "(0..2)");
  expect("\"status\":10", "\"status\":10,\"supplements\":[{},{},{},{}]",
         "t.jsonl:2: field \"supplements\": 4 entries, at most 3");
}

static void test_bad_date(void)
{
  expect("2026-04-01T08:05:00+07:00", "2026-04-31T08:05:00+07:00",
         "t.jsonl:2: field \"received_at\": expected a time such as "
         "\"2026-04-01T08:30:00+07:00\", not \"2026-04-31T08:05:00+07:00\"");
  expect("2026-04-01T08:05:00+07:00", "2026-04-01T08:05:00",
         "t.jsonl:2: field \"received_at\": expected a time such as "
         "\"2026-04-01T08:30:00+07:00\", not \"2026-04-01T08:05:00\"");
  expect("2026-04-01T10:00:05+07:00", "2026-04-01 10:00:05+07:00",
         "t.jsonl:2: field \"updated_at\": expected a time such as "
         "\"2026-04-01T08:30:00+07:00\", not \"2026-04-01 10:00:05+07:00\"");
  expect("2026-04-01T10:00:05+07:00", "2026-04-01T25:00:05+07:00",
         "t.jsonl:2: field \"updated_at\": expected a time such as "
         "\"2026-04-01T08:30:00+07:00\", not \"2026-04-01T25:00:05+07:00\"");
  expect("\"2026-04-01T10:00:05+07:00\"", "20260401",
         "t.jsonl:2: field \"updated_at\": expected a time such as "
         "\"2026-04-01T08:30:00+07:00\"");
  expect("2026-04-01T10:00:00+07:00", "2026-06-01T10:00:00+07:00",
         "t.jsonl:2: field \"returned_at\": 2026-06-01T10:00:00+07:00 "
         "is after the as-of");
  expect("2026-05-05T00:00:00+07:00", "2026-02-30T00:00:00+07:00",
         "t.jsonl:1: field \"as_of\": expected a time such as "
         "\"2026-04-01T08:30:00+07:00\", not \"2026-02-30T00:00:00+07:00\"");
}

static void test_missing_code(void)
{
  expect("\"code\":\"H31.11002-260401-00001\",", "", "t.jsonl:2: field \"code\": missing");
  expect("\"code\":\"H31.11002-260401-00001\"", "\"code\":\"\"",
         "t.jsonl:2: field \"code\": must not be empty");
  expect("\"portal_code\":\"H31.11002-260401-00001\"", "\"portal_code\":null",
         "t.jsonl:2: field \"portal_code\": must not be null");
  expect("\"TTHC_TP\"", "\"HOTICH_BTP\"", "t.jsonl:2: field \"ministry_code\": missing");
  expect("\"status\":10", "\"status\":10,\"ministry_code\":\"BTP-1\"",
         "t.jsonl:2: field \"ministry_code\": only a HOTICH_BTP dossier "
         "has one (null or leave it out)");
  expect("\"code\":\"H31.11002-260401-00001\"",
         "\"code\":\"H31.11002-260401-00001-0123456789-0123456789\"",
         "t.jsonl:2: field \"code\": longer than 39 bytes");
  expect("\"commune\":\"11002\"", "\"commune\":\"10792\"",
         "t.jsonl:2: field \"commune\": \"10792\" is not a commune of the "
         "header");
  expect(",\"updated_at\":\"2026-04-01T10:00:05+07:00\"", "",
         "t.jsonl:2: field \"updated_at\": missing");
}

static void test_bad_header(void)
{
  expect("\"version\":1", "\"version\":2",
         "t.jsonl:1: field \"version\": unsupported version 2 (this "
         "tthc-sim reads version 1)");
  expect("\"version\":1,", "", "t.jsonl:1: field \"version\": missing");
  expect("\"tthc-sim-dataset\"", "\"other\"",
         "t.jsonl:1: field \"format\": wrong value (expected "
         "\"tthc-sim-dataset\": is this a tthc-sim dataset?)");
  expect("\"seed\":\"42\"", "\"seed\":42", "t.jsonl:1: field \"seed\": expected a decimal string");
  expect("\"province\":\"31\"", "\"province\":\"310\"",
         "t.jsonl:1: field \"communes[0].province\": expected 2 digits "
         "or null, not \"310\"");
  expect("\"province\":\"31\"", "\"province\":\"310310310\"",
         "t.jsonl:1: field \"communes[0].province\": longer than 7 bytes");
  expect("\"province\":\"31\"", "\"province\":\"3\"",
         "t.jsonl:1: field \"communes[0].province\": expected 2 digits "
         "or null, not \"3\"");
  expect("\"communes\":[", "\"communes\":[{\"code\":\"11002\"},",
         "t.jsonl:1: field \"communes[1].code\": commune 11002 listed "
         "twice");
  expect("\"dossiers\":1}", "\"dossiers\":2}",
         "t.jsonl:3: the header announces 2 dossiers, the file has 1 "
         "(truncated?)");
  expect("\"dossiers\":1}", "\"dossiers\":0}",
         "t.jsonl:2: more dossiers than the header's \"dossiers\" (0)");
  expect("\"dossiers\":1}",
         "\"dossiers\":1,\"truth\":{\"unit\":\"1\","
         "\"from\":\"2026-04-01\",\"to\":\"2026-04-30\"}}",
         "t.jsonl:1: field \"truth.unit\": expected a 5-digit commune or "
         "2-digit province code, not \"1\"");
}

static void test_bad_lines(void)
{
  size_t big = SIM_DATASET_MAX_LINE + 10;
  char *text = malloc(strlen(HEADER) + big + 2), err[512] = "";
  struct sim_model m;

  CU_ASSERT_PTR_NOT_NULL_FATAL(text);
  CU_ASSERT_EQUAL(load_text("", 0, err, sizeof(err), &m), -1);
  CU_ASSERT_STRING_EQUAL(err, "t.jsonl:1: empty file: expected the "
                              "header line");
  sim_model_release(&m);
  strcpy(text, HEADER);
  memset(text + strlen(HEADER), ' ', big);
  strcpy(text + strlen(HEADER) + big, "\n");
  CU_ASSERT_EQUAL(load_text(text, strlen(text), err, sizeof(err), &m), -1);
  CU_ASSERT_STRING_EQUAL(err, "t.jsonl:2: line longer than 262144 bytes");
  sim_model_release(&m);
  memcpy(text, HEADER "{\"a\":\0}\n", sizeof(HEADER) + 8);
  CU_ASSERT_EQUAL(load_text(text, sizeof(HEADER) + 7, err, sizeof(err), &m), -1);
  CU_ASSERT_STRING_EQUAL(err, "t.jsonl:2: NUL byte in the line");
  sim_model_release(&m);
  free(text);
  /* Text must be UTF-8; codes printable ASCII. */
  expect("\"code\":\"H31.", "\"code\":\"H\xc3\xa9.",
         "t.jsonl:2: field \"code\": expected printable ASCII");
  expect("\"status\":10",
         "\"status\":10,\"results\":[{\"code\":\"KQ\","
         "\"link\":\"a\xff\"}]",
         "t.jsonl:2: field \"results[0].link\": not UTF-8, or a control "
         "character");
}

/* A missing file is named. */
static void test_missing_file(void)
{
  struct sim_model m;
  struct sim_dataset_info info;
  char err[512] = "";

  sim_model_init(&m, 0);
  sim_dataset_info_init(&info);
  CU_ASSERT_EQUAL(sim_dataset_load("/nonexistent/d.jsonl", &m, &info, err, sizeof(err)), -1);
  CU_ASSERT_STRING_EQUAL(err, "/nonexistent/d.jsonl: No such file or "
                              "directory");
  sim_model_release(&m);
  sim_dataset_info_release(&info);
}

static CU_TestInfo tests[] = { { "round trip, several seeds, plain", test_round_trip_seeds },
                               { "round trip with --push-failure", test_round_trip_push_failure },
                               { "round trip under faults", test_round_trip_faults },
                               { "round trip thach-khoi-2026-04", test_round_trip_thach_khoi },
                               { "round trip an-thanh-2025-q3", test_round_trip_an_thanh },
                               { "round trip truong-thi-2023", test_round_trip_truong_thi },
                               { "file shape", test_file_shape },
                               { "minimal file, defaults, offsets", test_minimal_file_loads },
                               { "bad JSON", test_bad_json },
                               { "unknown status", test_unknown_status },
                               { "bad enumerations and values", test_bad_enumerations },
                               { "bad date", test_bad_date },
                               { "missing code", test_missing_code },
                               { "bad header, wrong version", test_bad_header },
                               { "bad lines", test_bad_lines },
                               { "missing file", test_missing_file },
                               CU_TEST_INFO_NULL };

CUNIT_MAIN("sim_dataset", tests)
