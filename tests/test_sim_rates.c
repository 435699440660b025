/*
 * test_sim_rates - the rates truth (metrics.md §4, decisions.md) by hand
 * on tiny models, the rounding and the full-points flags on exact
 * counts, the merged flags of dossiers whose portal copy is wrong, and
 * the presets' rates against ../shared/spec/seed-figures.md.
 *
 * The hand models are in the period 1-30 April 2026 (local), unit 11002.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "sim_fixture.h"
#include "../sim/rates.h"
#include "../sim/scenario.h"

#define HEADER                                                             \
  "received\tresolved\tonline_rate\ton_time_rate\toverdue_rate\t"          \
  "component_digitised_rate\tresult_digitised_rate\treuse_rate\t"          \
  "citizen_store_rate\tonline_payment_rate\tsync_rate\ton_time_rate_766\t" \
  "online_rate_766\tdigitised_rate_766\tsatisfaction_766\t"                \
  "online_rate_766_full_points\tdigitised_rate_766_full_points\t"          \
  "satisfaction_766_full_points\n"

static const struct sim_procedure ks = {
  "1.001193", "Đăng ký khai sinh", "HT", "Hộ tịch", &sim_dept_ttpvhcc, 1, 0, 1, 0, 0, 0, "GKS"
};

static struct sim_model model; /* zeroed = empty; each test releases */

static void fresh(void)
{
  sim_model_release(&model);
  sim_model_init(&model, T("2026-05-05T00:00:00"));
  sim_model_add_commune(&model, "11002", "31");
  sim_model_add_commune(&model, "10792", "31");
}

/* An accepted city dossier of 11002; the rest is the caller's. */
static struct sim_dossier *add(enum sim_channel ch, const char *received, const char *due)
{
  struct sim_dossier *d = sim_model_append(&model);

  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  snprintf(d->code, sizeof(d->code), "H31.11002-260401-%05zu", model.ndossiers);
  strcpy(d->portal_code, d->code);
  strcpy(d->commune, "11002");
  d->proc = &ks;
  d->dept = ks.dept;
  d->channel = ch;
  d->received_at = T(received);
  d->submitted_at = d->received_at - 600;
  d->due_at = T(due);
  d->status = 4;
  d->updated_at = T("2026-05-04T10:00:00");
  d->variety = 0x1234u + model.ndossiers;
  return d;
}

static void finish(struct sim_dossier *d, const char *at)
{
  d->finished_at = T(at);
  d->returned_at = d->finished_at + 1800;
  d->status = 10;
}

static void comp(struct sim_dossier *d, bool digitised, int reused, bool store)
{
  struct sim_component *c = &d->comp[d->ncomp++];

  snprintf(c->code, sizeof(c->code), "HT_TP%02d", d->ncomp);
  c->digitised = digitised;
  c->reused = (unsigned char)reused;
  c->from_store = store;
}

static void result(struct sim_dossier *d, bool link)
{
  struct sim_result_doc *r = &d->results[d->nresults++];

  strcpy(r->code, "GKS");
  strcpy(r->link, link ? "https://ketqua.example.invalid/x.pdf" : "");
}

static void fee(struct sim_dossier *d, long amount, int paid)
{
  strcpy(d->fees[d->nfees].code, "LP_HT");
  d->fees[d->nfees++].amount = amount;
  d->paid_online = paid;
}

/* The TSV of the rates of unit over [from, to] (caller frees). */
__attribute__((noinline)) static char *rates_tsv(const char *unit, const char *from, const char *to)
{
  struct sim_rates r;
  int64_t a, b;
  char *p = NULL;
  size_t n = 0;
  FILE *out = open_memstream(&p, &n);

  CU_ASSERT_EQUAL_FATAL(sim_parse_day(from, &a), 0);
  CU_ASSERT_EQUAL_FATAL(sim_parse_day(to, &b), 0);
  CU_ASSERT_EQUAL(sim_truth_rates(&model, unit, a, b, &r), SIM_TRUTH_OK);
  CU_ASSERT_EQUAL(sim_rates_write_tsv(&r, out), SIM_TRUTH_OK);
  fclose(out);
  return p;
}

static void check_april(const char *want_row)
{
  char *got = rates_tsv("11002", "2026-04-01", "2026-04-30");

  CU_ASSERT_PTR_NOT_NULL_FATAL(got);
  CU_ASSERT_NSTRING_EQUAL(got, HEADER, strlen(HEADER));
  CU_ASSERT_STRING_EQUAL(got + strlen(HEADER), want_row);
  if (strcmp(got + strlen(HEADER), want_row))
    fprintf(stderr, "\n got: %s want: %s", got + strlen(HEADER), want_row);
  free(got);
}

/* Counts into the TSV row (no header). */
__attribute__((noinline)) static char *row_of(const struct sim_rates *r)
{
  char *p = NULL, *row;
  size_t n = 0;
  FILE *out = open_memstream(&p, &n);

  CU_ASSERT_EQUAL(sim_rates_write_tsv(r, out), SIM_TRUTH_OK);
  fclose(out);
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  row = strdup(p + strlen(HEADER));
  free(p);
  return row;
}

/* Field i (0-based) of a TSV row, into out. */
static void field(const char *row, int i, char *out, size_t n)
{
  const char *p = row;
  size_t len;

  for (; i > 0 && p; i--) {
    p = strchr(p, '\t');
    if (p)
      p++;
  }
  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  len = strcspn(p, "\t\n");
  snprintf(out, n, "%.*s", (int)len, p);
}

enum {
  F_RECEIVED,
  F_RESOLVED,
  F_ONLINE,
  F_ON_TIME,
  F_OVERDUE,
  F_COMP_DIG,
  F_RESULT_DIG,
  F_REUSE,
  F_STORE,
  F_PAYMENT,
  F_SYNC,
  F_ON_TIME_766,
  F_ONLINE_766,
  F_DIG_766,
  F_SAT_766,
  F_ONLINE_FULL,
  F_DIG_FULL,
  F_SAT_FULL
};

#define CHECK_FIELD(row, i, want)       \
  do {                                  \
    char f_[32];                        \
    field((row), (i), f_, sizeof(f_));  \
    CU_ASSERT_STRING_EQUAL(f_, (want)); \
  } while (0)

/* ---- empty: every rate and flag NULL ---------------------------------------- */

static void test_empty_all_null(void)
{
  struct sim_dossier *d;

  fresh();
  check_april("0\t0\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t"
              "\\N\t\\N\n");
  /* Only a dossier of another commune, one received in May, one never
	 * accepted: still nothing. */
  d = add(SIM_CHANNEL_ONLINE, "2026-04-02T08:00:00", "2026-04-05T17:00:00");
  strcpy(d->commune, "10792");
  add(SIM_CHANNEL_ONLINE, "2026-05-02T08:00:00", "2026-05-05T17:00:00");
  d = add(SIM_CHANNEL_ONLINE, "2026-04-02T08:00:00", "2026-04-05T17:00:00");
  d->received_at = d->due_at = 0;
  d->refused_at = T("2026-04-02T09:00:00");
  d->status = 3;
  check_april("0\t0\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t"
              "\\N\t\\N\n");
  sim_model_release(&model);
}

/*
 * Received but nothing resolved: the intake rates are set, the
 * resolution ones (on time, overdue, result digitised, satisfaction)
 * and the satisfaction flag NULL; a received dossier without a fee
 * makes online payment NULL too.
 */
static void test_null_when_nothing_resolved(void)
{
  struct sim_dossier *d;

  fresh();
  d = add(SIM_CHANNEL_ONLINE, "2026-04-20T08:00:00", "2026-05-10T17:00:00");
  comp(d, true, 0, false);
  /* handled 1, in time 1; online 100 x sync 100; digitised_766 100 */
  check_april("1\t0\t100.00\t\\N\t\\N\t100.00\t\\N\t0.00\t0.00\t\\N\t100.00\t100.00\t100.00\t"
              "100.00\t\\N\tt\tt\t\\N\n");
  sim_model_release(&model);
}

/* ---- a hand-computed mix ---------------------------------------------------------- */

/*
 * A  online, early, digitised + reused + store, e-result, fee 2000 paid 1, rating 1
 * B  direct, late, no components, result without a link, complaint, no fee
 * C  carried over (received in March), on time, ministry, missing push,
 *    e-result, rating 3 (lost: only the portal has ratings)
 * D  online, pending in time, ministry not via the counter, missing push,
 *    digitised + store (lost: the ministry has no store flag), fee 5000
 *    paid 2 (the ministry's gateway: counted)
 * E  postal, stopped, ministry via the counter, missing push, digitised +
 *    store (the city's flag counts)
 * F  online, pending late, fee 1000 paid 3 (= not paid)
 *
 * received 5 (A B D E F), resolved 3 (A B C), online 3 (A D F)
 * online_rate 3/5 = 60.00; on_time 2/3 = 66.67; overdue 1/3 = 33.33
 * component digitised 3/5 (A D E) = 60.00; result digitised 2/3 (A C) = 66.67
 * reuse 1/5 = 20.00; store 2/5 (A E) = 40.00; payment 2/3 (A D of A D F) = 66.67
 * sync 3/5 (A B F) = 60.00; on_time_766: handled A B C D F, in time A C D: 60.00
 * online_766 = 0.6 x 0.6 = 36.00 (f); digitised_766 A D E = 60.00 (f)
 * satisfaction = 100 - (1/3 late + 1/3 complaint) = 33.33 (f)
 */
static void test_hand_mix(void)
{
  struct sim_dossier *d;

  fresh();
  d = add(SIM_CHANNEL_ONLINE, "2026-04-02T08:00:00", "2026-04-05T17:00:00"); /* A */
  finish(d, "2026-04-03T10:00:00");
  comp(d, true, 2, true);
  comp(d, false, 0, false);
  result(d, true);
  fee(d, 2000, 1);
  d->rating = 1;

  d = add(SIM_CHANNEL_DIRECT, "2026-04-02T08:00:00", "2026-04-05T17:00:00"); /* B */
  finish(d, "2026-04-10T10:00:00");
  result(d, false);
  d->complaint = true;

  d = add(SIM_CHANNEL_ONLINE, "2026-03-25T08:00:00", "2026-04-02T17:00:00"); /* C */
  finish(d, "2026-04-02T16:00:00");
  d->origin = SIM_ORIGIN_MINISTRY;
  strcpy(d->ministry_code, "BTP-HT-2026-11002-000003");
  strcpy(d->portal_code, d->ministry_code);
  d->push = SIM_PUSH_MISSING;
  result(d, true);
  d->rating = 3;

  d = add(SIM_CHANNEL_ONLINE, "2026-04-20T08:00:00", "2026-05-10T17:00:00"); /* D */
  d->origin = SIM_ORIGIN_MINISTRY;
  strcpy(d->ministry_code, "BTP-HT-2026-11002-000004");
  strcpy(d->portal_code, d->ministry_code);
  d->push = SIM_PUSH_MISSING;
  comp(d, true, 0, true);
  fee(d, 5000, 2);

  d = add(SIM_CHANNEL_POSTAL, "2026-04-21T08:00:00", "2026-04-25T17:00:00"); /* E */
  d->origin = SIM_ORIGIN_MINISTRY;
  d->via_counter = true;
  strcpy(d->ministry_code, "BTP-HT-2026-11002-000005");
  strcpy(d->portal_code, d->ministry_code);
  d->push = SIM_PUSH_MISSING;
  d->status = 7;
  d->refused_at = T("2026-04-22T09:00:00");
  comp(d, true, 0, true);

  d = add(SIM_CHANNEL_ONLINE, "2026-04-28T08:00:00", "2026-04-29T17:00:00"); /* F */
  fee(d, 1000, 3);

  check_april("5\t3\t60.00\t66.67\t33.33\t60.00\t66.67\t20.00\t40.00\t66.67\t60.00\t60.00\t"
              "36.00\t60.00\t33.33\tf\tf\tf\n");
  sim_model_release(&model);
}

/* ---- rounding ------------------------------------------------------------------------ */

static void test_hundredths_half_up(void)
{
  uint64_t h = 77;

  CU_ASSERT_FALSE(sim_rate_hundredths(1, 0, &h));
  CU_ASSERT_EQUAL(h, 77);
  CU_ASSERT(sim_rate_hundredths(0, 5, &h) && h == 0);
  CU_ASSERT(sim_rate_hundredths(5, 5, &h) && h == 10000);
  CU_ASSERT(sim_rate_hundredths(1, 3, &h) && h == 3333);
  CU_ASSERT(sim_rate_hundredths(2, 3, &h) && h == 6667);
  /* exactly .xx5: away from zero (not to even) */
  CU_ASSERT(sim_rate_hundredths(1, 32, &h) && h == 313);  /* 3.125 */
  CU_ASSERT(sim_rate_hundredths(3, 32, &h) && h == 938);  /* 9.375 */
  CU_ASSERT(sim_rate_hundredths(1, 160, &h) && h == 63);  /* 0.625 */
  CU_ASSERT(sim_rate_hundredths(1, 400, &h) && h == 25);  /* 0.25 */
  CU_ASSERT(sim_rate_hundredths(1, 80000, &h) && h == 0); /* 0.00125 */
  CU_ASSERT(sim_rate_hundredths(1, 20000, &h) && h == 1); /* 0.005 */
  /* 23/160 = 14.375 %: in binary floating point 23.0 / 160 * 100 * 100
	 * is 1437.4999999999998, which would round to 14.37 */
  CU_ASSERT(sim_rate_hundredths(23, 160, &h) && h == 1438);
  CU_ASSERT(sim_rate_hundredths(41, 160, &h) && h == 2563); /* 25.625 */
  /* large counts stay exact */
  CU_ASSERT(sim_rate_hundredths(4000000000ull, 8000000000ull, &h) && h == 5000);
}

/* A model of 32 received, 1 online: 3.125 % is written 3.13. */
static void test_rounding_in_a_model(void)
{
  char *got, *row;

  fresh();
  for (int i = 0; i < 32; i++)
    add(i ? SIM_CHANNEL_DIRECT : SIM_CHANNEL_ONLINE, "2026-04-20T08:00:00", "2026-05-10T17:00:00");
  got = rates_tsv("11002", "2026-04-01", "2026-04-30");
  CU_ASSERT_PTR_NOT_NULL_FATAL(got);
  row = got + strlen(HEADER);
  CHECK_FIELD(row, F_RECEIVED, "32");
  CHECK_FIELD(row, F_ONLINE, "3.13");
  CHECK_FIELD(row, F_SYNC, "100.00");
  CHECK_FIELD(row, F_ONLINE_766, "3.13");
  CHECK_FIELD(row, F_ONLINE_FULL, "f");
  free(got);
  sim_model_release(&model);
}

/*
 * online_rate_766 is the product of the unrounded shares: 3 received,
 * 2 online, 2 on the portal = 4/9 = 44.444 %, 44.44; from the rounded
 * shares (66.67 x 66.67 / 100 = 44.449) it would be 44.45.
 */
static void test_online_766_unrounded(void)
{
  struct sim_rates r = { 0 };
  char *row;

  r.received = 3;
  r.online = 2;
  r.on_portal = 2;
  row = row_of(&r);
  CHECK_FIELD(row, F_ONLINE, "66.67");
  CHECK_FIELD(row, F_SYNC, "66.67");
  CHECK_FIELD(row, F_ONLINE_766, "44.44");
  free(row);
  /* 6 received, 2 online, 5 on the portal: 10/36 = 27.777 -> 27.78
	 * (rounded shares: 33.33 x 83.33 / 100 = 27.77) */
  r.received = 6;
  r.online = 2;
  r.on_portal = 5;
  row = row_of(&r);
  CHECK_FIELD(row, F_ONLINE_766, "27.78");
  free(row);

  /* The same in a model: 3 received online-online-direct, 1 missing. */
  fresh();
  {
    struct sim_dossier *d;
    char *got;

    add(SIM_CHANNEL_ONLINE, "2026-04-20T08:00:00", "2026-05-10T17:00:00");
    add(SIM_CHANNEL_ONLINE, "2026-04-20T08:00:00", "2026-05-10T17:00:00");
    d = add(SIM_CHANNEL_DIRECT, "2026-04-20T08:00:00", "2026-05-10T17:00:00");
    d->push = SIM_PUSH_MISSING;
    got = rates_tsv("11002", "2026-04-01", "2026-04-30");
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CHECK_FIELD(got + strlen(HEADER), F_ONLINE_766, "44.44");
    free(got);
  }
  sim_model_release(&model);
}

/* ---- full-points flags: the rounded value against 50 / 80 / 90 --------------------- */

static void test_flags_on_rounded_values(void)
{
  struct sim_rates r = { 0 };
  char *row;

  /* 101 x 198 / 200^2 = 49.995 -> 50.00: t; 99 x 202 = 49.995 too */
  r.received = 200;
  r.online = 101;
  r.on_portal = 198;
  /* 15999 / 20000 = 79.995 -> 80.00: t (with received 20000 below) */
  r.resolved = 20000;
  r.early_on_time = 17999;
  r.late = 2001; /* satisfaction 100 - 10.005 = 89.995 -> 90.00: t */
  row = row_of(&r);
  CHECK_FIELD(row, F_ONLINE_766, "50.00");
  CHECK_FIELD(row, F_ONLINE_FULL, "t");
  CHECK_FIELD(row, F_SAT_766, "90.00");
  CHECK_FIELD(row, F_SAT_FULL, "t");
  CHECK_FIELD(row, F_OVERDUE, "10.01");
  CHECK_FIELD(row, F_DIG_766, "0.00");
  CHECK_FIELD(row, F_DIG_FULL, "f");
  free(row);

  r.received = 20000;
  r.online = 9998; /* 9998 x 19998 / 20000^2 = 49.985 -> 49.99: f */
  r.on_portal = 19998;
  r.digitised_766 = 15999;
  r.late = 2002; /* 89.99: f */
  row = row_of(&r);
  CHECK_FIELD(row, F_ONLINE_766, "49.99");
  CHECK_FIELD(row, F_ONLINE_FULL, "f");
  CHECK_FIELD(row, F_DIG_766, "80.00");
  CHECK_FIELD(row, F_DIG_FULL, "t");
  CHECK_FIELD(row, F_SAT_766, "89.99");
  CHECK_FIELD(row, F_SAT_FULL, "f");
  free(row);

  r.digitised_766 = 15997; /* 79.985 -> 79.99: f */
  row = row_of(&r);
  CHECK_FIELD(row, F_DIG_766, "79.99");
  CHECK_FIELD(row, F_DIG_FULL, "f");
  free(row);
}

/*
 * satisfaction_766 = 100 - (overdue + dissatisfied share), both over the
 * resolved, a dossier late and dissatisfied counted in both, floored
 * at 0; NULL (and its flag) with nothing resolved.
 */
static void test_satisfaction(void)
{
  struct sim_rates r = { 0 };
  char *row;

  r.received = 4;
  r.resolved = 3;
  r.late = 2;
  r.dissatisfied = 2; /* 100 - (66.67 + 66.67) < 0: 0.00 */
  row = row_of(&r);
  CHECK_FIELD(row, F_SAT_766, "0.00");
  CHECK_FIELD(row, F_SAT_FULL, "f");
  free(row);
  r.late = 0;
  r.dissatisfied = 1;
  row = row_of(&r);
  CHECK_FIELD(row, F_SAT_766, "66.67");
  free(row);
  r.resolved = 0;
  r.late = r.dissatisfied = 0;
  row = row_of(&r);
  CHECK_FIELD(row, F_SAT_766, "\\N");
  CHECK_FIELD(row, F_SAT_FULL, "\\N");
  CHECK_FIELD(row, F_ON_TIME, "\\N");
  free(row);

  /* In a model: one resolved late with a "dissatisfied" rating counts
	 * in both terms. */
  fresh();
  {
    struct sim_dossier *d = add(SIM_CHANNEL_ONLINE, "2026-04-02T08:00:00", "2026-04-03T17:00:00");
    char *got;

    finish(d, "2026-04-07T09:00:00");
    d->rating = 3;
    d = add(SIM_CHANNEL_ONLINE, "2026-04-02T08:00:00", "2026-04-03T17:00:00");
    finish(d, "2026-04-03T09:00:00");
    d = add(SIM_CHANNEL_ONLINE, "2026-04-02T08:00:00", "2026-04-03T17:00:00");
    finish(d, "2026-04-03T09:00:00");
    d = add(SIM_CHANNEL_ONLINE, "2026-04-02T08:00:00", "2026-04-03T17:00:00");
    finish(d, "2026-04-03T09:00:00");
    got = rates_tsv("11002", "2026-04-01", "2026-04-30");
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CHECK_FIELD(got + strlen(HEADER), F_OVERDUE, "25.00");
    CHECK_FIELD(got + strlen(HEADER), F_SAT_766, "50.00");
    free(got);
  }
  sim_model_release(&model);
}

/* ---- the population: Biểu 06's, carried over only where §4 says --------------------- */

/*
 * on_time_rate_766 counts the carried-over pending ones and leaves the
 * stopped out; the intake rates count only the received in the period;
 * a pending dossier with one open supplement request is in time, with
 * two requests late.
 */
static void test_handled_population(void)
{
  struct sim_dossier *d;
  char *got, *row;

  fresh();
  /* carried over, pending late at period end */
  add(SIM_CHANNEL_ONLINE, "2026-03-20T08:00:00", "2026-03-25T17:00:00");
  /* received, stopped */
  d = add(SIM_CHANNEL_ONLINE, "2026-04-02T08:00:00", "2026-04-03T17:00:00");
  d->status = 8;
  d->refused_at = T("2026-04-02T10:00:00");
  /* received, due passed, waiting on its only supplement request: in time */
  d = add(SIM_CHANNEL_DIRECT, "2026-04-02T08:00:00", "2026-04-03T17:00:00");
  d->supp[0].requested_at = T("2026-04-03T09:00:00");
  d->nsupp = 1;
  d->status = 5;
  /* two requests, the second open: late by rule */
  d = add(SIM_CHANNEL_DIRECT, "2026-04-02T08:00:00", "2026-05-20T17:00:00");
  d->supp[0].requested_at = T("2026-04-03T09:00:00");
  d->supp[0].completed_at = T("2026-04-04T09:00:00");
  d->supp[1].requested_at = T("2026-04-06T09:00:00");
  d->nsupp = 2;
  d->status = 5;
  got = rates_tsv("11002", "2026-04-01", "2026-04-30");
  CU_ASSERT_PTR_NOT_NULL_FATAL(got);
  row = got + strlen(HEADER);
  CHECK_FIELD(row, F_RECEIVED, "3");
  CHECK_FIELD(row, F_RESOLVED, "0");
  CHECK_FIELD(row, F_ONLINE, "33.33");
  CHECK_FIELD(row, F_ON_TIME_766, "33.33"); /* 1 in time of 3 handled */
  free(got);
  sim_model_release(&model);
}

/* A 2-digit unit takes every commune of the province; bad units fail. */
static void test_province_and_bad_args(void)
{
  struct sim_dossier *d;
  struct sim_rates r;
  char *got;

  fresh();
  add(SIM_CHANNEL_ONLINE, "2026-04-02T08:00:00", "2026-04-05T17:00:00");
  d = add(SIM_CHANNEL_DIRECT, "2026-04-02T08:00:00", "2026-04-05T17:00:00");
  strcpy(d->commune, "10792");
  got = rates_tsv("31", "2026-04-01", "2026-04-30");
  CU_ASSERT_PTR_NOT_NULL_FATAL(got);
  CHECK_FIELD(got + strlen(HEADER), F_RECEIVED, "2");
  CHECK_FIELD(got + strlen(HEADER), F_ONLINE, "50.00");
  free(got);
  got = rates_tsv("01", "2026-04-01", "2026-04-30");
  CU_ASSERT_PTR_NOT_NULL_FATAL(got);
  CHECK_FIELD(got + strlen(HEADER), F_RECEIVED, "0");
  free(got);
  CU_ASSERT_EQUAL(sim_truth_rates(&model, "1100", 0, 10, &r), SIM_TRUTH_BAD_ARG);
  CU_ASSERT_EQUAL(sim_truth_rates(&model, "11002", 10, 9, &r), SIM_TRUTH_BAD_ARG);
  CU_ASSERT_EQUAL(sim_truth_rates(&model, NULL, 0, 10, &r), SIM_TRUTH_BAD_ARG);
  sim_model_release(&model);
}

/* ---- the merged flags of dossiers whose portal copy is wrong ------------------------ */

static void test_merged_flags(void)
{
  struct sim_dossier *d;
  struct sim_merged g;

  fresh();
  d = add(SIM_CHANNEL_ONLINE, "2026-04-02T08:00:00", "2026-04-05T17:00:00");
  finish(d, "2026-04-03T10:00:00");
  comp(d, true, 1, true);
  result(d, true);
  fee(d, 2000, 2);
  d->rating = 3;
  d->complaint = true;
  sim_rates_merged(d, &g);
  CU_ASSERT(g.on_portal && g.digitised && g.reused && g.from_store && g.e_result);
  CU_ASSERT_EQUAL(g.fee_total, 2000);
  CU_ASSERT_EQUAL(g.paid_online, 2);
  CU_ASSERT_EQUAL(g.rating, 3);
  CU_ASSERT(g.complaint);

  /* A copy stale since before the finish: the city's processing flags
	 * win (the e-result), the rating and complaint exist only on the
	 * portal, whose copy has none yet. */
  d->push = SIM_PUSH_STALE;
  d->push_at = T("2026-04-02T12:00:00");
  sim_rates_merged(d, &g);
  CU_ASSERT(g.on_portal && g.digitised && g.reused && g.from_store && g.e_result);
  CU_ASSERT_EQUAL(g.paid_online, 2);
  CU_ASSERT_EQUAL(g.rating, 0);
  CU_ASSERT_FALSE(g.complaint);
  /* Stale after the finish (not returned): the copy has the rating. */
  d->push_at = T("2026-04-03T10:10:00");
  sim_rates_merged(d, &g);
  CU_ASSERT_EQUAL(g.rating, 3);
  CU_ASSERT(g.complaint);

  /* Missing: no rating or complaint anywhere; paid online from the
	 * city's fee (the gateway: 2); no fee on the city: no value. */
  d->push = SIM_PUSH_MISSING;
  d->paid_online = 1;
  sim_rates_merged(d, &g);
  CU_ASSERT_FALSE(g.on_portal);
  CU_ASSERT(g.from_store && g.e_result);
  CU_ASSERT_EQUAL(g.paid_online, 2);
  CU_ASSERT_EQUAL(g.rating, 0);
  CU_ASSERT_FALSE(g.complaint);
  d->nfees = 0;
  sim_rates_merged(d, &g);
  CU_ASSERT_EQUAL(g.paid_online, -1);
  CU_ASSERT_EQUAL(g.fee_total, 0);

  /* A ministry dossier: no citizen-store flag on the ministry; the
	 * city's (counter), else the portal copy's, else none. */
  d->origin = SIM_ORIGIN_MINISTRY;
  strcpy(d->ministry_code, "BTP-HT-2026-11002-000001");
  fee(d, 5000, 3);
  sim_rates_merged(d, &g);
  CU_ASSERT_FALSE(g.from_store);
  CU_ASSERT(g.digitised && g.reused && g.e_result);
  CU_ASSERT_EQUAL(g.paid_online, 0); /* 3: not paid, from the ministry */
  d->via_counter = true;
  sim_rates_merged(d, &g);
  CU_ASSERT(g.from_store);
  d->via_counter = false;
  d->push = SIM_PUSH_DATES;
  d->recv_shift = -600;
  sim_rates_merged(d, &g);
  CU_ASSERT(g.from_store && g.on_portal);
  sim_model_release(&model);
}

/* ---- generated models: agree with Biểu 06 -------------------------------------------- */

static void test_generated_matches_bieu06(void)
{
  struct sim_bieu06 t;
  struct sim_rates r;
  int64_t a, b;

  generate(&model, 7, 200000, 0);
  sim_parse_day("2026-03-01", &a);
  sim_parse_day("2026-04-30", &b);
  CU_ASSERT_EQUAL_FATAL(sim_truth_bieu06(&model, "31", a, b, &t), SIM_TRUTH_OK);
  CU_ASSERT_EQUAL_FATAL(sim_truth_rates(&model, "31", a, b, &r), SIM_TRUTH_OK);
  CU_ASSERT_EQUAL(r.received,
                  t.sum.received_online + t.sum.received_direct + t.sum.received_postal);
  CU_ASSERT_EQUAL(r.online, t.sum.received_online);
  CU_ASSERT_EQUAL(r.resolved, t.sum.resolved_early + t.sum.resolved_on_time + t.sum.resolved_late);
  CU_ASSERT_EQUAL(r.late, t.sum.resolved_late);
  CU_ASSERT_EQUAL(r.handled, r.resolved + t.sum.pending_in_time + t.sum.pending_late);
  CU_ASSERT_EQUAL(r.handled_ok,
                  t.sum.resolved_early + t.sum.resolved_on_time + t.sum.pending_in_time);
  /* with failed pushes, some dossiers are not on the portal */
  CU_ASSERT(r.on_portal < r.received && r.on_portal > r.received / 2);
  CU_ASSERT(r.digitised_766 <= r.digitised && r.paid_online <= r.with_fee);
  sim_bieu06_release(&t);
  sim_model_release(&model);
}

/* ---- the presets: seed-figures.md ------------------------------------------------------- */

__attribute__((noinline)) static char *preset_row(const char *name)
{
  const struct sim_scenario *s = sim_scenario_find(name);
  struct sim_link_options lo = { .seed = 42 };
  sim_time as_of;
  char *got, *row;

  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(sim_parse_local(s->as_of, &as_of), 0);
  sim_model_release(&model);
  sim_model_init(&model, as_of);
  CU_ASSERT_EQUAL_FATAL(sim_scenario_build(s, 42, "H31", &model), 0);
  sim_links_apply(&model, &lo);
  got = rates_tsv(s->commune, s->from, s->to);
  CU_ASSERT_PTR_NOT_NULL_FATAL(got);
  row = strdup(got + strlen(HEADER));
  free(got);
  sim_model_release(&model);
  return row;
}

static void test_preset_thach_khoi(void)
{
  char *row = preset_row("thach-khoi-2026-04");

  CHECK_FIELD(row, F_RECEIVED, "6258");
  CHECK_FIELD(row, F_RESOLVED, "6251");
  CHECK_FIELD(row, F_ONLINE, "100.00");
  CHECK_FIELD(row, F_ON_TIME, "100.00");
  CHECK_FIELD(row, F_OVERDUE, "0.00");
  CHECK_FIELD(row, F_COMP_DIG, "100.00");
  CHECK_FIELD(row, F_RESULT_DIG, "100.00");
  CHECK_FIELD(row, F_REUSE, "99.52");
  CHECK_FIELD(row, F_PAYMENT, "100.00");
  /* 4 of the 6258 have no portal copy (failed pushes) */
  CHECK_FIELD(row, F_SYNC, "99.94");
  CHECK_FIELD(row, F_SAT_766, "100.00"); /* no complaints, nothing late */
  free(row);
}

static void test_preset_an_thanh(void)
{
  char *row = preset_row("an-thanh-2025-q3");

  CHECK_FIELD(row, F_RECEIVED, "4120");
  CHECK_FIELD(row, F_RESOLVED, "3997");
  CHECK_FIELD(row, F_ONLINE, "38.01");
  CHECK_FIELD(row, F_COMP_DIG, "96.77");
  CHECK_FIELD(row, F_REUSE, "62.16");
  CHECK_FIELD(row, F_RESULT_DIG, "99.75");
  CHECK_FIELD(row, F_ON_TIME, "99.27"); /* 3968 / 3997 */
  CHECK_FIELD(row, F_OVERDUE, "0.73");  /* 29 / 3997 */
  CHECK_FIELD(row, F_SYNC, "100.00");
  CHECK_FIELD(row, F_ONLINE_766, "38.01");
  CHECK_FIELD(row, F_ONLINE_FULL, "f");
  free(row);
}

static void test_preset_truong_thi(void)
{
  char *row = preset_row("truong-thi-2023");

  CHECK_FIELD(row, F_RECEIVED, "2379");
  CHECK_FIELD(row, F_RESOLVED, "2378");
  CHECK_FIELD(row, F_ONLINE, "35.31"); /* 840 / 2379 */
  CHECK_FIELD(row, F_ON_TIME, "100.00");
  CHECK_FIELD(row, F_OVERDUE, "0.00");
  free(row);
}

static CU_TestInfo tests[] = {
  { "empty: every rate NULL", test_empty_all_null },
  { "nothing resolved: resolution rates NULL", test_null_when_nothing_resolved },
  { "a hand-computed mix", test_hand_mix },
  { "hundredths: exact, half up", test_hundredths_half_up },
  { "rounding in a model: 1/32 = 3.13", test_rounding_in_a_model },
  { "online_rate_766 from the unrounded shares", test_online_766_unrounded },
  { "full-points flags on the rounded value", test_flags_on_rounded_values },
  { "satisfaction_766: both terms, floor, NULL", test_satisfaction },
  { "handled / received populations", test_handled_population },
  { "province unit, bad arguments", test_province_and_bad_args },
  { "merged flags: stale, missing, ministry", test_merged_flags },
  { "generated model: agrees with Biểu 06", test_generated_matches_bieu06 },
  { "preset thach-khoi-2026-04", test_preset_thach_khoi },
  { "preset an-thanh-2025-q3", test_preset_an_thanh },
  { "preset truong-thi-2023", test_preset_truong_thi },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("sim_rates", tests)
