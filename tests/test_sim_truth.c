/*
 * test_sim_truth - Biểu 06 by hand on tiny models, and the identity on
 * generated ones.
 *
 * Every hand case is in the period 1-30 April 2026 (local), so
 * from_start = 2026-04-01 00:00 +07 and period_end = 2026-05-01 00:00 +07.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "../sim/generator.h"
#include "../sim/truth.h"

static const struct sim_procedure ks = {
  "1.001193", "Đăng ký khai sinh", "HT", "Hộ tịch", &sim_dept_ttpvhcc, 1, 0, 1, 0, 0, 0, "GKS"
};
static const struct sim_procedure ct = {
  "2.000815", "Chứng thực bản sao", "CT", "Chứng thực", &sim_dept_ttpvhcc, 0, 2000, 1, 0, 0, 0,
  "BSCT"
};
static const struct sim_procedure nofield = {
  "9.999999", "Thủ tục chưa phân loại", NULL, NULL, &sim_dept_vp, 3, 0, 1, 0, 0, 0, "KQ"
};

static sim_time T(const char *s)
{
  sim_time t = 0;

  if (s && *s)
    CU_ASSERT_EQUAL_FATAL(sim_parse_local(s, &t), 0);
  return t;
}

static int64_t D(const char *s)
{
  int64_t d = 0;

  CU_ASSERT_EQUAL_FATAL(sim_parse_day(s, &d), 0);
  return d;
}

static struct sim_model model; /* zeroed = empty; each test releases */

static void fresh(void)
{
  sim_model_release(&model);
  sim_model_init(&model, T("2026-05-05T00:00:00"));
  sim_model_add_commune(&model, "11002", "31");
  sim_model_add_commune(&model, "10792", "31");
  sim_model_add_commune(&model, "00070", "01");
}

/* An accepted dossier; finished/returned/refused filled by the caller. */
static struct sim_dossier *add(const char *commune, const struct sim_procedure *pr,
                               enum sim_channel ch, const char *received, const char *due,
                               int status)
{
  struct sim_dossier *d = sim_model_append(&model);

  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  snprintf(d->code, sizeof(d->code), "T-%zu", model.ndossiers);
  memcpy(d->commune, commune, 6);
  d->proc = pr;
  d->dept = pr->dept;
  d->channel = ch;
  d->received_at = T(received);
  d->submitted_at = d->received_at ? d->received_at - 600 : T("2026-04-10T08:00:00");
  d->due_at = T(due);
  d->status = status;
  d->updated_at = T("2026-05-04T10:00:00");
  return d;
}

/* Place the only dossier of interest in April. */
static struct sim_b06_place place(const struct sim_dossier *d)
{
  struct sim_b06_place p;

  sim_truth_place(d, sim_local_midnight(D("2026-04-01")), sim_local_midnight(D("2026-05-01")), &p);
  return p;
}

static struct sim_bieu06 april(const char *unit)
{
  struct sim_bieu06 t;

  CU_ASSERT_EQUAL_FATAL(sim_truth_bieu06(&model, unit, D("2026-04-01"), D("2026-04-30"), &t),
                        SIM_TRUTH_OK);
  return t;
}

/* ---- resolved: early / on time / late by local date --------------------- */

static void test_resolved_by_local_date(void)
{
  struct sim_dossier *d;

  fresh();
  d = add("11002", &ks, SIM_CHANNEL_ONLINE, "2026-04-02T08:00:00", "2026-04-05T17:00:00", 10);
  d->finished_at = T("2026-04-04T10:00:00");
  d->returned_at = T("2026-04-04T10:10:00");
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_EARLY);
  CU_ASSERT(place(d).received && !place(d).carried_over);

  /* After the due hour but on the due date: on time (by date). */
  d->finished_at = T("2026-04-05T18:30:00");
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_ON_TIME);
  d->finished_at = T("2026-04-06T08:00:00");
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_LATE);
  /* Finished decides over returned, whatever the status says. */
  d->finished_at = T("2026-04-04T10:00:00");
  d->returned_at = T("2026-04-07T10:00:00");
  d->status = 4; /* stale status, timestamps win */
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_EARLY);
  /* Only NgayTra recorded: it is the end. */
  d->finished_at = 0;
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_LATE);
  /* No due date: never silently on time. */
  d->due_at = 0;
  d->returned_at = T("2026-04-02T09:00:00");
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_LATE);
  sim_model_release(&model);
}

/* 23:30 local is the same UTC date as 16:30 UTC: compare local dates. */
static void test_utc_boundary(void)
{
  struct sim_dossier *d;

  fresh();
  /* Due 2026-04-03 06:00 +07 (= 04-02 23:00 UTC), finished 04-02
	 * 23:30 +07 (= 04-02 16:30 UTC): early locally, same UTC date. */
  d = add("11002", &ks, SIM_CHANNEL_ONLINE, "2026-04-01T06:00:00", "2026-04-03T06:00:00", 9);
  d->finished_at = T("2026-04-02T23:30:00");
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_EARLY);
  /* Due 04-02 17:00 +07, finished 04-03 00:30 +07 (= 04-02 17:30 UTC):
	 * late locally, on time by UTC dates. */
  d->due_at = T("2026-04-02T17:00:00");
  d->finished_at = T("2026-04-03T00:30:00");
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_LATE);

  /* Intake at the period edges. */
  d->finished_at = 0;
  d->status = 4;
  d->due_at = T("2026-05-10T17:00:00");
  d->received_at = T("2026-04-30T23:30:00"); /* in period */
  CU_ASSERT(place(d).received);
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_PENDING_IN_TIME);
  d->received_at = T("2026-05-01T00:30:00"); /* after */
  CU_ASSERT(!place(d).received && !place(d).carried_over);
  d->received_at = T("2026-03-31T23:30:00"); /* before */
  CU_ASSERT(!place(d).received && place(d).carried_over);
  d->received_at = T("2026-04-01T00:00:00"); /* first instant */
  CU_ASSERT(place(d).received);
  sim_model_release(&model);
}

/* ---- carried over ------------------------------------------------------- */

static void test_carried_over(void)
{
  struct sim_dossier *d;

  fresh();
  d = add("11002", &ks, SIM_CHANNEL_DIRECT, "2026-03-25T08:00:00", "2026-04-05T17:00:00", 10);
  d->finished_at = T("2026-04-03T09:00:00");
  CU_ASSERT(place(d).carried_over && !place(d).received);
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_EARLY);
  /* Ended before the period: not in the report at all. */
  d->finished_at = T("2026-03-28T09:00:00");
  CU_ASSERT(!place(d).carried_over && !place(d).received);
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_NONE);
  /* Ended at the first instant of the period: carried over. */
  d->finished_at = T("2026-04-01T00:00:00");
  CU_ASSERT(place(d).carried_over);
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_EARLY);
  /* Withdrawn in the period after a March intake. */
  d->finished_at = 0;
  d->status = 7;
  d->refused_at = T("2026-04-05T10:00:00");
  CU_ASSERT(place(d).carried_over);
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_STOPPED);
  d->refused_at = T("2026-03-30T10:00:00");
  CU_ASSERT(!place(d).carried_over);
  sim_model_release(&model);
}

/* ---- supplements -------------------------------------------------------- */

static void test_supplement_subtracted(void)
{
  struct sim_dossier *d;

  fresh();
  /* Raw finish 04-07 is late for a 04-03 due; the 4-day pause
	 * brings the effective end to 04-03 10:00: on time. */
  d = add("11002", &ks, SIM_CHANNEL_ONLINE, "2026-04-01T08:00:00", "2026-04-03T17:00:00", 10);
  d->supp[0] = (struct sim_supplement){ T("2026-04-02T09:00:00"), T("2026-04-06T09:00:00"), 0 };
  d->nsupp = 1;
  d->finished_at = T("2026-04-07T10:00:00");
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_ON_TIME);
  /* Two completed pauses (4 d + 1 d): effective 04-02 20:00, early. */
  d->supp[1] = (struct sim_supplement){ T("2026-04-06T15:00:00"), T("2026-04-07T15:00:00"), 0 };
  d->nsupp = 2;
  d->finished_at = T("2026-04-07T20:00:00");
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_EARLY);
  /* A request completed only after the end does not pause: 4 d
	 * only, effective 04-03 20:00, on time. */
  d->supp[1].completed_at = T("2026-04-09T15:00:00");
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_ON_TIME);
  /* Without any pause the raw end is late. */
  d->nsupp = 0;
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_LATE);
  sim_model_release(&model);
}

static void test_pending(void)
{
  struct sim_dossier *d;

  fresh();
  /* Not waiting: late iff due < period end. */
  d = add("11002", &ks, SIM_CHANNEL_ONLINE, "2026-04-20T08:00:00", "2026-04-28T17:00:00", 4);
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_PENDING_LATE);
  d->due_at = T("2026-05-01T00:00:00"); /* due == period end */
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_PENDING_IN_TIME);
  d->due_at = T("2026-04-30T23:59:59");
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_PENDING_LATE);
  /* A completed 5-day pause moves the due: 04-28 + 5 d > period end. */
  d->due_at = T("2026-04-28T17:00:00");
  d->supp[0] = (struct sim_supplement){ T("2026-04-21T09:00:00"), T("2026-04-26T09:00:00"), 0 };
  d->nsupp = 1;
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_PENDING_IN_TIME);
  /* No due date: late. */
  d->due_at = 0;
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_PENDING_LATE);
  /* Finished after the period: still pending at period end. */
  d->due_at = T("2026-04-28T17:00:00");
  d->nsupp = 0;
  d->finished_at = T("2026-05-02T09:00:00");
  d->status = 9;
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_PENDING_LATE);
  sim_model_release(&model);
}

static void test_supplement_waits(void)
{
  struct sim_dossier *d;

  fresh();
  /* One open request, due long past: pending in time. */
  d = add("11002", &ks, SIM_CHANNEL_ONLINE, "2026-04-10T08:00:00", "2026-04-12T17:00:00", 5);
  d->supp[0] = (struct sim_supplement){ T("2026-04-11T09:00:00"), 0, 0 };
  d->nsupp = 1;
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_PENDING_IN_TIME);
  /* Completed after period end: it was open at period end. */
  d->supp[0].completed_at = T("2026-05-02T09:00:00");
  d->finished_at = T("2026-05-03T09:00:00");
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_PENDING_IN_TIME);
  /* Requested after period end: does not count; due passed: late. */
  d->finished_at = 0;
  d->supp[0] = (struct sim_supplement){ T("2026-05-01T09:00:00"), 0, 0 };
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_PENDING_LATE);

  /* Several requests, waiting on the last: late by rule, even with
	 * the due after the period. */
  d->due_at = T("2026-05-20T17:00:00");
  d->supp[0] = (struct sim_supplement){ T("2026-04-11T09:00:00"), T("2026-04-13T09:00:00"), 0 };
  d->supp[1] = (struct sim_supplement){ T("2026-04-15T09:00:00"), 0, 0 };
  d->nsupp = 2;
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_PENDING_LATE);
  /* Two requests, none open: judged by due + pause. */
  d->supp[1].completed_at = T("2026-04-16T09:00:00");
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_PENDING_IN_TIME);
  sim_model_release(&model);
}

/* ---- stopped, refused, not accepted -------------------------------------- */

static void test_stopped_and_refused(void)
{
  static const int stops[3] = { 7, 8, 3 };
  struct sim_dossier *d;

  fresh();
  for (int i = 0; i < 3; i++) {
    d =
      add("11002", &ks, SIM_CHANNEL_DIRECT, "2026-04-02T08:00:00", "2026-04-05T17:00:00", stops[i]);
    d->refused_at = T("2026-04-03T09:00:00");
    CU_ASSERT_EQUAL(place(d).cls, SIM_B06_STOPPED);
    CU_ASSERT(place(d).received);
    /* Stopped after the period: pending at period end. */
    d->refused_at = T("2026-05-02T09:00:00");
    CU_ASSERT_EQUAL(place(d).cls, SIM_B06_PENDING_LATE);
    /* No NgayTuChoi: the update time is the end. */
    d->refused_at = 0;
    d->updated_at = T("2026-04-20T09:00:05");
    CU_ASSERT_EQUAL(place(d).cls, SIM_B06_STOPPED);
    d->updated_at = T("2026-05-01T00:00:03");
    CU_ASSERT_EQUAL(place(d).cls, SIM_B06_PENDING_LATE);
  }
  /* Refused at intake: never received, in no column. */
  d = add("11002", &ks, SIM_CHANNEL_DIRECT, "", "", 3);
  d->refused_at = T("2026-04-10T09:00:00");
  CU_ASSERT(!place(d).received && !place(d).carried_over);
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_NONE);
  /* Withdrawn before acceptance: nowhere either. */
  d->status = 7;
  CU_ASSERT_EQUAL(place(d).cls, SIM_B06_NONE);
  /* Submitted, not accepted (1): nowhere. */
  d = add("11002", &ks, SIM_CHANNEL_ONLINE, "", "", 1);
  CU_ASSERT(!place(d).received && !place(d).carried_over);
  sim_model_release(&model);
}

/* ---- the whole table ------------------------------------------------------ */

static char *tsv(const struct sim_bieu06 *t)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);

  CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
  CU_ASSERT_EQUAL(sim_bieu06_write_tsv(t, fp), SIM_TRUTH_OK);
  fclose(fp);
  return buf;
}

static void test_table(void)
{
  struct sim_dossier *d;
  struct sim_bieu06 t;
  char *out;

  fresh();
  /* HT: online early; channel absent (= direct) late; postal carried
	 * over and pending in time; refused at intake (nowhere). */
  d = add("11002", &ks, SIM_CHANNEL_ONLINE, "2026-04-02T08:00:00", "2026-04-03T17:00:00", 10);
  d->finished_at = T("2026-04-02T15:00:00");
  d->returned_at = T("2026-04-02T15:05:00");
  d = add("11002", &ks, SIM_CHANNEL_ABSENT, "2026-04-06T08:00:00", "2026-04-07T17:00:00", 9);
  d->finished_at = T("2026-04-08T08:00:00");
  d = add("11002", &ks, SIM_CHANNEL_POSTAL, "2026-03-30T08:00:00", "2026-05-04T17:00:00", 4);
  d = add("11002", &ks, SIM_CHANNEL_DIRECT, "", "", 3);
  d->refused_at = T("2026-04-06T08:00:00");
  /* CT: direct on time; direct withdrawn. */
  d = add("11002", &ct, SIM_CHANNEL_DIRECT, "2026-04-09T08:00:00", "2026-04-09T17:00:00", 10);
  d->finished_at = T("2026-04-09T16:00:00");
  d->returned_at = T("2026-04-09T16:30:00");
  d = add("11002", &ct, SIM_CHANNEL_DIRECT, "2026-04-09T08:00:00", "2026-04-09T17:00:00", 7);
  d->refused_at = T("2026-04-09T09:00:00");
  /* No field code: "?", pending late (two requests, one open). */
  d = add("11002", &nofield, SIM_CHANNEL_ONLINE, "2026-04-20T08:00:00", "2026-05-20T17:00:00", 5);
  d->supp[0] = (struct sim_supplement){ T("2026-04-21T08:00:00"), T("2026-04-22T08:00:00"), 0 };
  d->supp[1] = (struct sim_supplement){ T("2026-04-23T08:00:00"), 0, 0 };
  d->nsupp = 2;
  /* Another commune of the province, another province. */
  d = add("10792", &ks, SIM_CHANNEL_ONLINE, "2026-04-02T08:00:00", "2026-04-03T17:00:00", 4);
  d = add("00070", &ks, SIM_CHANNEL_ONLINE, "2026-04-02T08:00:00", "2026-04-03T17:00:00", 4);

  t = april("11002");
  out = tsv(&t);
  CU_ASSERT_STRING_EQUAL(out, "field_code\tfield_name\ttotal\treceived_online\treceived_direct\t"
                              "received_postal\tcarried_over\tresolved_early\tresolved_on_time\t"
                              "resolved_late\tpending_in_time\tpending_late\tstopped\n"
                              "?\tChưa xác định lĩnh vực\t1\t1\t0\t0\t0\t0\t0\t0\t0\t1\t0\n"
                              "CT\tChứng thực\t2\t0\t2\t0\t0\t0\t1\t0\t0\t0\t1\n"
                              "HT\tHộ tịch\t3\t1\t1\t0\t1\t1\t0\t1\t1\t0\t0\n"
                              "\\N\tTổng cộng\t6\t2\t3\t0\t1\t1\t1\t1\t1\t1\t1\n");
  free(out);
  sim_bieu06_release(&t);

  /* Province 31 adds 10792's pending-late dossier, not 00070's. */
  t = april("31");
  CU_ASSERT_EQUAL(t.sum.total, 7);
  CU_ASSERT_EQUAL(t.sum.pending_late, 2);
  sim_bieu06_release(&t);
  t = april("01");
  CU_ASSERT_EQUAL(t.sum.total, 1);
  CU_ASSERT_EQUAL(t.nrows, 1);
  sim_bieu06_release(&t);

  /* A unit with nothing: header and a zero total row. */
  t = april("99999");
  out = tsv(&t);
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n\\N\tTổng cộng\t0\t0\t0\t0\t0\t0"
                                     "\t0\t0\t0\t0\t0\n"));
  CU_ASSERT_EQUAL(t.nrows, 0);
  free(out);
  sim_bieu06_release(&t);

  CU_ASSERT_EQUAL(sim_truth_bieu06(&model, "1100", D("2026-04-01"), D("2026-04-30"), &t),
                  SIM_TRUTH_BAD_ARG);
  CU_ASSERT_EQUAL(sim_truth_bieu06(&model, "11002", D("2026-04-30"), D("2026-04-01"), &t),
                  SIM_TRUTH_BAD_ARG);
  sim_model_release(&model);
}

/* ---- identity on generated data ------------------------------------------- */

static void sum_rows(const struct sim_bieu06 *t)
{
  struct sim_bieu06_row s = { 0 };

  for (size_t i = 0; i < t->nrows; i++) {
    const struct sim_bieu06_row *r = &t->rows[i];

    if (i)
      CU_ASSERT(strcmp(t->rows[i - 1].field_code, r->field_code) < 0);
    CU_ASSERT(r->total > 0);
    s.total += r->total;
    s.carried_over += r->carried_over;
    s.resolved_early += r->resolved_early;
    s.resolved_on_time += r->resolved_on_time;
    s.resolved_late += r->resolved_late;
    s.pending_in_time += r->pending_in_time;
    s.pending_late += r->pending_late;
    s.stopped += r->stopped;
    s.received_online += r->received_online;
  }
  CU_ASSERT_EQUAL(s.total, t->sum.total);
  CU_ASSERT_EQUAL(s.carried_over, t->sum.carried_over);
  CU_ASSERT_EQUAL(s.resolved_early, t->sum.resolved_early);
  CU_ASSERT_EQUAL(s.resolved_on_time, t->sum.resolved_on_time);
  CU_ASSERT_EQUAL(s.resolved_late, t->sum.resolved_late);
  CU_ASSERT_EQUAL(s.pending_in_time, t->sum.pending_in_time);
  CU_ASSERT_EQUAL(s.pending_late, t->sum.pending_late);
  CU_ASSERT_EQUAL(s.stopped, t->sum.stopped);
  CU_ASSERT_EQUAL(s.received_online, t->sum.received_online);
}

static void test_identity_many_seeds(void)
{
  static const char *const periods[][2] = {
    { "2026-04-01", "2026-04-30" }, { "2026-03-01", "2026-03-31" }, { "2026-03-15", "2026-04-15" },
    { "2026-04-29", "2026-05-04" }, { "2026-04-11", "2026-04-11" },
  };
  static const char *const units[] = { "11002", "10792", "31" };
  long resolved = 0, pending = 0, stopped = 0, carried = 0;

  for (uint64_t seed = 1; seed <= 40; seed++) {
    struct sim_model m;
    struct sim_gen_options o = { .seed = seed,
                                 .day_from = D("2026-02-15"),
                                 .day_to = D("2026-05-04"),
                                 .per_day = 8 + (unsigned)seed % 5,
                                 .prefix = "H31" };

    sim_model_init(&m, T("2026-05-04T12:00:00"));
    sim_model_add_commune(&m, "11002", "31");
    sim_model_add_commune(&m, "10792", "31");
    CU_ASSERT_EQUAL_FATAL(sim_generate(&m, &o), SIM_GEN_OK);
    for (size_t p = 0; p < 5; p++)
      for (size_t u = 0; u < 3; u++) {
        struct sim_bieu06 t;

        /* Aborts on a broken identity. */
        CU_ASSERT_EQUAL_FATAL(
          sim_truth_bieu06(&m, units[u], D(periods[p][0]), D(periods[p][1]), &t), SIM_TRUTH_OK);
        sum_rows(&t);
        resolved += t.sum.resolved_early + t.sum.resolved_on_time + t.sum.resolved_late;
        pending += t.sum.pending_in_time + t.sum.pending_late;
        stopped += t.sum.stopped;
        carried += t.sum.carried_over;
        sim_bieu06_release(&t);
      }
    sim_model_release(&m);
  }
  /* The generated data exercises every part of the table. */
  CU_ASSERT(resolved > 0 && pending > 0 && stopped > 0 && carried > 0);
}

static CU_TestInfo tests[] = { { "resolved by local date", test_resolved_by_local_date },
                               { "local vs UTC boundary", test_utc_boundary },
                               { "carried over", test_carried_over },
                               { "supplement subtracted", test_supplement_subtracted },
                               { "pending in time / late", test_pending },
                               { "supplement waits", test_supplement_waits },
                               { "stopped and refused", test_stopped_and_refused },
                               { "whole table TSV", test_table },
                               { "identity on many seeds", test_identity_many_seeds },
                               CU_TEST_INFO_NULL };

CUNIT_MAIN("sim_truth", tests)
