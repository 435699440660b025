/*
 * test_sim_generator - determinism, the as-of cut and the data's shape.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "../sim/generator.h"
#include "../sim/rng.h"

static int64_t day(const char *s)
{
  int64_t d = 0;

  sim_parse_day(s, &d);
  return d;
}

static sim_time at(const char *s)
{
  sim_time t = 0;

  sim_parse_local(s, &t);
  return t;
}

/* Generate communes 11002,10792 over [from, to] as of as_of. */
static void gen(struct sim_model *m, uint64_t seed, const char *from, const char *to,
                const char *as_of, unsigned per_day)
{
  struct sim_gen_options o = {
    .seed = seed, .day_from = day(from), .day_to = day(to), .per_day = per_day, .prefix = "H31"
  };

  sim_model_init(m, at(as_of));
  CU_ASSERT_EQUAL(sim_model_add_commune(m, "11002", "31"), SIM_MODEL_OK);
  CU_ASSERT_EQUAL(sim_model_add_commune(m, "10792", "31"), SIM_MODEL_OK);
  CU_ASSERT_EQUAL(sim_generate(m, &o), SIM_GEN_OK);
}

/* Field-by-field digest (struct padding is not data). */
static uint64_t digest(const struct sim_model *m)
{
  uint64_t h = 1;

#define MIX(v) (h = sim_mix(h, (uint64_t)(v)))
  for (size_t i = 0; i < m->ndossiers; i++) {
    const struct sim_dossier *d = &m->dossiers[i];

    MIX(sim_hash_str(d->code));
    MIX(sim_hash_str(d->ministry_code));
    MIX(sim_hash_str(d->portal_code));
    MIX(sim_hash_str(d->commune));
    MIX(sim_hash_str(d->proc->code));
    MIX(sim_hash_str(d->dept->code));
    MIX(d->origin);
    MIX(d->channel);
    MIX(d->submitted_at);
    MIX(d->received_at);
    MIX(d->due_at);
    MIX(d->finished_at);
    MIX(d->returned_at);
    MIX(d->refused_at);
    MIX(d->updated_at);
    MIX(d->status);
    for (int k = 0; k < d->nsupp; k++) {
      MIX(d->supp[k].requested_at);
      MIX(d->supp[k].completed_at);
      MIX(d->supp[k].new_due);
    }
    for (int k = 0; k < d->ncomp; k++) {
      MIX(sim_hash_str(d->comp[k].code));
      MIX(d->comp[k].digitised * 4 + d->comp[k].reused * 2 + d->comp[k].from_store);
    }
    for (int k = 0; k < d->nfees; k++)
      MIX(d->fees[k].amount);
    for (int k = 0; k < d->nresults; k++)
      MIX(sim_hash_str(d->results[k].link));
    MIX(d->paid_online);
    MIX(d->vneid);
    MIX(d->rating);
    MIX(d->complaint);
    MIX(d->variety);
  }
#undef MIX
  return h;
}

static void test_determinism(void)
{
  struct sim_model a, b, c;

  gen(&a, 42, "2026-03-01", "2026-04-30", "2026-05-05T00:00:00", 20);
  gen(&b, 42, "2026-03-01", "2026-04-30", "2026-05-05T00:00:00", 20);
  gen(&c, 43, "2026-03-01", "2026-04-30", "2026-05-05T00:00:00", 20);
  CU_ASSERT(a.ndossiers > 1000);
  CU_ASSERT_EQUAL(a.ndossiers, b.ndossiers);
  CU_ASSERT_EQUAL(digest(&a), digest(&b));
  CU_ASSERT_NOT_EQUAL(digest(&a), digest(&c));
  sim_model_release(&a);
  sim_model_release(&b);
  sim_model_release(&c);
}

/* A commune's dossiers do not depend on the other communes generated. */
static void test_commune_independence(void)
{
  struct sim_model a, b;
  struct sim_gen_options o = { .seed = 5,
                               .day_from = day("2026-04-01"),
                               .day_to = day("2026-04-10"),
                               .per_day = 10,
                               .prefix = "H31" };
  size_t n = 0;

  gen(&a, 5, "2026-04-01", "2026-04-10", "2026-05-05T00:00:00", 10);
  sim_model_init(&b, at("2026-05-05T00:00:00"));
  sim_model_add_commune(&b, "10792", "31");
  CU_ASSERT_EQUAL(sim_generate(&b, &o), SIM_GEN_OK);
  for (size_t i = 0; i < a.ndossiers; i++) {
    const struct sim_dossier *d = &a.dossiers[i];

    if (strcmp(d->commune, "10792"))
      continue;
    CU_ASSERT_FATAL(n < b.ndossiers);
    CU_ASSERT_STRING_EQUAL(d->code, b.dossiers[n].code);
    CU_ASSERT_EQUAL(d->updated_at, b.dossiers[n].updated_at);
    n++;
  }
  CU_ASSERT_EQUAL(n, b.ndossiers);
  sim_model_release(&a);
  sim_model_release(&b);
}

static const struct sim_dossier *find(const struct sim_model *m, const char *code)
{
  for (size_t i = 0; i < m->ndossiers; i++)
    if (!strcmp(m->dossiers[i].code, code))
      return &m->dossiers[i];
  return NULL;
}

/* What the early model shows is the later model's events up to as_of. */
static sim_time cut(sim_time t, sim_time as_of)
{
  return t && t <= as_of ? t : 0;
}

static void test_as_of_cut(void)
{
  struct sim_model early, late;
  sim_time a = at("2026-04-15T10:00:00");
  size_t submitted = 0;

  gen(&early, 9, "2026-03-20", "2026-04-30", "2026-04-15T10:00:00", 30);
  gen(&late, 9, "2026-03-20", "2026-04-30", "2026-05-31T00:00:00", 30);
  for (size_t i = 0; i < late.ndossiers; i++)
    submitted += late.dossiers[i].submitted_at <= a;
  CU_ASSERT_EQUAL(early.ndossiers, submitted);

  for (size_t i = 0; i < early.ndossiers; i++) {
    const struct sim_dossier *e = &early.dossiers[i];
    const struct sim_dossier *l = find(&late, e->code);
    int open = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    CU_ASSERT_EQUAL(e->submitted_at, l->submitted_at);
    CU_ASSERT_EQUAL(e->received_at, cut(l->received_at, a));
    CU_ASSERT_EQUAL(e->finished_at, cut(l->finished_at, a));
    CU_ASSERT_EQUAL(e->returned_at, cut(l->returned_at, a));
    CU_ASSERT_EQUAL(e->refused_at, cut(l->refused_at, a));
    if (e->received_at)
      CU_ASSERT_EQUAL(e->due_at, l->due_at);
    CU_ASSERT(e->updated_at <= a);
    CU_ASSERT(e->updated_at >= e->submitted_at);
    CU_ASSERT(e->updated_at >= e->received_at);
    CU_ASSERT(e->updated_at >= e->finished_at);
    CU_ASSERT(e->updated_at >= e->returned_at);
    CU_ASSERT(e->updated_at >= e->refused_at);
    CU_ASSERT(e->nsupp <= l->nsupp);
    for (int k = 0; k < e->nsupp; k++) {
      CU_ASSERT_EQUAL(e->supp[k].requested_at, l->supp[k].requested_at);
      CU_ASSERT(e->supp[k].requested_at <= a);
      CU_ASSERT_EQUAL(e->supp[k].completed_at, cut(l->supp[k].completed_at, a));
      CU_ASSERT(e->updated_at >= e->supp[k].completed_at);
      open += !e->supp[k].completed_at;
    }
    /* Status as of a. */
    if (e->returned_at) {
      CU_ASSERT_EQUAL(e->status, 10);
    } else if (e->finished_at) {
      CU_ASSERT_EQUAL(e->status, 9);
    } else if (!e->received_at) {
      CU_ASSERT(e->status == 1 || (e->status == 3 && e->refused_at));
    } else if (e->status != 3 && e->status != 7 && e->status != 8) {
      CU_ASSERT(open ? e->status == 5 : e->status == 2 || e->status == 4 || e->status == 6);
    }
    if (e->status < 9)
      CU_ASSERT(e->nresults == 0 && e->rating == 0);
  }
  sim_model_release(&early);
  sim_model_release(&late);
}

struct tally {
  size_t total;
  unsigned status[11], channel[4], origin[3];
  unsigned multi, stop_unrecorded, night, returned_only;
};

/* Check each dossier's shape and count what kinds of dossiers exist. */
static void shape(const struct sim_model *m, struct tally *t, regex_t *code_re, regex_t *btp_re)
{
  t->total += m->ndossiers;
  for (size_t i = 0; i < m->ndossiers; i++) {
    const struct sim_dossier *d = &m->dossiers[i];

    CU_ASSERT_FATAL(d->status >= 1 && d->status <= 10);
    t->status[d->status]++;
    t->channel[d->channel]++;
    t->origin[d->origin]++;
    CU_ASSERT_EQUAL(regexec(code_re, d->code, 0, NULL, 0), 0);
    if (d->origin == SIM_ORIGIN_MINISTRY) {
      CU_ASSERT_EQUAL(regexec(btp_re, d->ministry_code, 0, NULL, 0), 0);
      CU_ASSERT_STRING_EQUAL(d->portal_code, d->ministry_code);
    }
    /* Chronology. */
    if (d->received_at) {
      CU_ASSERT(d->submitted_at <= d->received_at);
      CU_ASSERT(d->due_at > d->received_at);
    }
    if (d->finished_at)
      CU_ASSERT(d->finished_at > d->received_at);
    if (d->returned_at && d->finished_at)
      CU_ASSERT(d->returned_at >= d->finished_at);
    t->returned_only += d->returned_at && !d->finished_at;
    for (int k = 0; k < d->nsupp; k++) {
      CU_ASSERT(d->supp[k].requested_at > d->received_at);
      if (k)
        CU_ASSERT(d->supp[k].requested_at > d->supp[k - 1].requested_at);
      if (d->supp[k].completed_at)
        CU_ASSERT(d->supp[k].completed_at > d->supp[k].requested_at);
    }
    t->multi += d->nsupp > 1;
    t->stop_unrecorded += (d->status == 7 || d->status == 8) && !d->refused_at;
    if (d->finished_at) {
      int sod = sim_local_second_of_day(d->finished_at);

      t->night += sod >= 17 * 3600 || sod < 7 * 3600;
    }
  }
}

static void test_shape(void)
{
  struct tally t = { 0 };
  regex_t code_re, btp_re;

  CU_ASSERT_EQUAL_FATAL(
    regcomp(&code_re, "^H31\\.(11002|10792)-26[0-9]{4}-[0-9]{5}$", REG_EXTENDED), 0);
  CU_ASSERT_EQUAL_FATAL(regcomp(&btp_re, "^BTP-HT-2026-(11002|10792)-[0-9]{6}$", REG_EXTENDED), 0);
  for (uint64_t seed = 42; seed < 45; seed++) {
    struct sim_model m;

    /* as_of 10:00 on a working day: some intakes are fresh (2). */
    gen(&m, seed, "2026-03-01", "2026-04-20", "2026-04-20T10:00:00", 40);
    shape(&m, &t, &code_re, &btp_re);
    sim_model_release(&m);
  }
  for (int s = 1; s <= 10; s++)
    CU_ASSERT(t.status[s] > 0);
  CU_ASSERT(t.status[10] > t.total / 2);
  for (int c = 0; c < 4; c++)
    CU_ASSERT(t.channel[c] > 0);
  for (int o = 0; o < 3; o++)
    CU_ASSERT(t.origin[o] > 0);
  CU_ASSERT(t.multi > 0);
  CU_ASSERT(t.stop_unrecorded > 0);
  CU_ASSERT(t.night > 0);
  CU_ASSERT(t.returned_only > 0);
  regfree(&code_re);
  regfree(&btp_re);
}

static int strp_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* No two dossiers share a one-stop code or a portal code. */
static void test_codes_unique(void)
{
  struct sim_model m;
  char **codes;
  size_t n;

  gen(&m, 3, "2026-01-01", "2026-04-30", "2026-05-05T00:00:00", 25);
  n = m.ndossiers;
  codes = malloc(n * sizeof(*codes));
  CU_ASSERT_PTR_NOT_NULL_FATAL(codes);
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < n; i++)
      codes[i] = pass ? m.dossiers[i].portal_code : m.dossiers[i].code;
    qsort(codes, n, sizeof(*codes), strp_cmp);
    for (size_t i = 1; i < n; i++)
      CU_ASSERT(strcmp(codes[i - 1], codes[i]) < 0);
  }
  free(codes);
  sim_model_release(&m);
}

static void test_bad_options(void)
{
  struct sim_model m;
  struct sim_gen_options o = {
    .seed = 1, .day_from = 10, .day_to = 9, .per_day = 1, .prefix = "H31"
  };

  sim_model_init(&m, at("2026-05-05"));
  CU_ASSERT_EQUAL(sim_generate(&m, &o), SIM_GEN_BAD_ARG);
  o.day_to = 10;
  o.prefix = NULL;
  CU_ASSERT_EQUAL(sim_generate(&m, &o), SIM_GEN_BAD_ARG);
  CU_ASSERT_EQUAL(sim_model_add_commune(&m, "1100", "31"), SIM_MODEL_BAD_ARG);
  CU_ASSERT_EQUAL(sim_model_add_commune(&m, "11002", "3"), SIM_MODEL_BAD_ARG);
  CU_ASSERT_EQUAL(sim_model_add_commune(&m, "11002", "31"), SIM_MODEL_OK);
  CU_ASSERT_EQUAL(sim_model_add_commune(&m, "11002", "31"), SIM_MODEL_BAD_ARG);
  sim_model_release(&m);
}

static CU_TestInfo tests[] = { { "same seed same model, other seed other model", test_determinism },
                               { "communes independent", test_commune_independence },
                               { "as-of cut", test_as_of_cut },
                               { "shape and variety", test_shape },
                               { "codes unique", test_codes_unique },
                               { "bad options", test_bad_options },
                               CU_TEST_INFO_NULL };

CUNIT_MAIN("sim_generator", tests)
