/*
 * test_sim_scenario - the presets give exactly the seed figures
 * (../shared/spec/seed-figures.md): Biểu 06 total row, rates, late by
 * department, and the Thạch Khôi failed pushes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "../sim/links.h"
#include "../sim/scenario.h"
#include "../sim/truth.h"

struct figures {
  long total, online, direct, postal, carried, early, on_time, late, pend_in, pend_late, stopped;
};

static void build(const char *name, struct sim_model *m, const struct sim_scenario **sc)
{
  const struct sim_scenario *s = sim_scenario_find(name);
  struct sim_link_options lo = { .seed = 42 };
  sim_time as_of;

  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL_FATAL(sim_parse_local(s->as_of, &as_of), 0);
  sim_model_init(m, as_of);
  CU_ASSERT_EQUAL_FATAL(sim_scenario_build(s, 42, "H31", m), 0);
  sim_links_apply(m, &lo);
  *sc = s;
}

static void check_total(const char *name, const struct figures *f)
{
  const struct sim_scenario *s;
  struct sim_model m;
  struct sim_bieu06 t;
  int64_t from, to;

  build(name, &m, &s);
  sim_parse_day(s->from, &from);
  sim_parse_day(s->to, &to);
  CU_ASSERT_EQUAL_FATAL(sim_truth_bieu06(&m, s->commune, from, to, &t), SIM_TRUTH_OK);
  CU_ASSERT_EQUAL(t.sum.total, f->total);
  CU_ASSERT_EQUAL(t.sum.received_online, f->online);
  CU_ASSERT_EQUAL(t.sum.received_direct, f->direct);
  CU_ASSERT_EQUAL(t.sum.received_postal, f->postal);
  CU_ASSERT_EQUAL(t.sum.carried_over, f->carried);
  CU_ASSERT_EQUAL(t.sum.resolved_early, f->early);
  CU_ASSERT_EQUAL(t.sum.resolved_on_time, f->on_time);
  CU_ASSERT_EQUAL(t.sum.resolved_late, f->late);
  CU_ASSERT_EQUAL(t.sum.pending_in_time, f->pend_in);
  CU_ASSERT_EQUAL(t.sum.pending_late, f->pend_late);
  CU_ASSERT_EQUAL(t.sum.stopped, f->stopped);
  CU_ASSERT(t.nrows >= 5); /* a realistic field split */
  sim_bieu06_release(&t);
  sim_model_release(&m);
}

static void test_thach_khoi_total(void)
{
  struct figures f = { 6306, 6258, 0, 0, 48, 6215, 36, 0, 55, 0, 0 };

  check_total("thach-khoi-2026-04", &f);
}

static void test_an_thanh_total(void)
{
  struct figures f = { 4120, 1566, 2554, 0, 0, 3968, 0, 29, 70, 0, 53 };

  check_total("an-thanh-2025-q3", &f);
}

static void test_truong_thi_total(void)
{
  struct figures f = { 2382, 840, 1503, 36, 3, 2324, 54, 0, 3, 0, 1 };

  check_total("truong-thi-2023", &f);
}

/* Rates over the period (metrics.md §4), from the model. */
struct rates {
  long received, digitised, reused, resolved, eresult, fee, paid, complaints, late_pkt, late_vp,
    late_tt, withdrawn;
};

static void rates(const char *name, struct rates *r)
{
  const struct sim_scenario *s;
  struct sim_model m;
  int64_t from, to;

  memset(r, 0, sizeof(*r));
  build(name, &m, &s);
  sim_parse_day(s->from, &from);
  sim_parse_day(s->to, &to);
  for (size_t i = 0; i < m.ndossiers; i++) {
    const struct sim_dossier *d = &m.dossiers[i];
    struct sim_b06_place p;
    bool dig = false, re = false, er = false;

    sim_truth_place(d, sim_local_midnight(from), sim_local_midnight(to + 1), &p);
    for (int k = 0; k < d->ncomp; k++) {
      dig |= d->comp[k].digitised;
      re |= d->comp[k].reused != 0;
    }
    for (int k = 0; k < d->nresults; k++)
      er |= d->results[k].link[0] != '\0';
    if (p.received) {
      r->received++;
      r->digitised += dig;
      r->reused += re;
      if (d->nfees && d->fees[0].amount > 0) {
        r->fee++;
        r->paid += d->paid_online == 1 || d->paid_online == 2;
      }
    }
    if (p.cls == SIM_B06_EARLY || p.cls == SIM_B06_ON_TIME || p.cls == SIM_B06_LATE) {
      r->resolved++;
      r->eresult += er;
    }
    if (p.cls == SIM_B06_LATE) {
      r->late_pkt += d->dept == &sim_dept_pkt;
      r->late_vp += d->dept == &sim_dept_vp;
      r->late_tt += d->dept == &sim_dept_ttpvhcc;
    }
    r->withdrawn += p.cls == SIM_B06_STOPPED && d->status == 7;
    r->complaints += (p.received || p.carried_over) && d->complaint;
  }
  sim_model_release(&m);
}

static void test_rates(void)
{
  struct rates r;

  rates("thach-khoi-2026-04", &r);
  CU_ASSERT_EQUAL(r.received, 6258);
  CU_ASSERT_EQUAL(r.digitised, 6258);
  CU_ASSERT_EQUAL(r.reused, 6228);
  CU_ASSERT_EQUAL(r.eresult, r.resolved);
  CU_ASSERT_EQUAL(r.resolved, 6251);
  CU_ASSERT(r.fee > 100);
  CU_ASSERT_EQUAL(r.paid, r.fee);
  CU_ASSERT_EQUAL(r.complaints, 0);

  rates("an-thanh-2025-q3", &r);
  CU_ASSERT_EQUAL(r.received, 4120);
  CU_ASSERT_EQUAL(r.digitised, 3987);
  CU_ASSERT_EQUAL(r.reused, 2561);
  CU_ASSERT_EQUAL(r.resolved, 3997);
  CU_ASSERT_EQUAL(r.eresult, 3987);
  CU_ASSERT_EQUAL(r.late_pkt, 12);
  CU_ASSERT_EQUAL(r.late_vp, 4);
  CU_ASSERT_EQUAL(r.late_tt, 13);
  CU_ASSERT_EQUAL(r.withdrawn, 53);

  rates("truong-thi-2023", &r);
  CU_ASSERT_EQUAL(r.received, 2379);
  CU_ASSERT_EQUAL(r.withdrawn, 1);
}

/* Thạch Khôi: ministry dossiers the portal shows overdue or stale. */
static void test_thach_khoi_pushes(void)
{
  const struct sim_scenario *s;
  struct sim_model m;
  char *buf = NULL;
  size_t len = 0;
  FILE *fp;
  int fo = 0, st = 0, mi = 0, dm = 0, ministry = 0, counter = 0;

  build("thach-khoi-2026-04", &m, &s);
  for (size_t i = 0; i < m.ndossiers; i++) {
    ministry += m.dossiers[i].origin == SIM_ORIGIN_MINISTRY;
    counter += m.dossiers[i].via_counter;
    CU_ASSERT(m.dossiers[i].origin != SIM_ORIGIN_MINISTRY ||
              !strcmp(m.dossiers[i].proc->field_code, "HT"));
  }
  CU_ASSERT(ministry > 500);
  CU_ASSERT(counter > 50);
  fp = open_memstream(&buf, &len);
  CU_ASSERT_EQUAL(sim_truth_discrepancies(&m, fp), SIM_TRUTH_OK);
  fclose(fp);
  for (char *p = strchr(buf, '\n') + 1; *p; p = strchr(p, '\n') + 1) {
    char sys[16], code[64], cls[40];

    CU_ASSERT_EQUAL_FATAL(sscanf(p, "%15[^\t]\t%63[^\t]\t%39[^\n]", sys, code, cls), 3);
    CU_ASSERT_STRING_EQUAL(sys, "HOTICH_BTP");
    CU_ASSERT_EQUAL(strncmp(code, "BTP-HT-2026-11002-", 18), 0);
    fo += !strcmp(cls, "false_overdue_on_portal");
    st += !strcmp(cls, "stale_on_portal");
    mi += !strcmp(cls, "missing_on_portal");
    dm += !strcmp(cls, "date_mismatch");
  }
  CU_ASSERT_EQUAL(fo, 14);
  CU_ASSERT_EQUAL(st, 22);
  CU_ASSERT_EQUAL(mi, 4);
  CU_ASSERT_EQUAL(dm, 3);
  free(buf);
  sim_model_release(&m);
}

static void test_deterministic_and_known(void)
{
  const struct sim_scenario *s;
  struct sim_model a, b;

  build("an-thanh-2025-q3", &a, &s);
  build("an-thanh-2025-q3", &b, &s);
  CU_ASSERT_EQUAL_FATAL(a.ndossiers, b.ndossiers);
  for (size_t i = 0; i < a.ndossiers; i++) {
    const struct sim_dossier *x = &a.dossiers[i], *y = &b.dossiers[i];

    CU_ASSERT_STRING_EQUAL(x->code, y->code);
    CU_ASSERT_STRING_EQUAL(x->portal_code, y->portal_code);
    CU_ASSERT_EQUAL(x->received_at, y->received_at);
    CU_ASSERT_EQUAL(x->due_at, y->due_at);
    CU_ASSERT_EQUAL(x->finished_at, y->finished_at);
    CU_ASSERT_EQUAL(x->updated_at, y->updated_at);
    CU_ASSERT_EQUAL(x->status, y->status);
    CU_ASSERT_EQUAL(x->variety, y->variety);
    CU_ASSERT_EQUAL(x->push, y->push);
  }
  CU_ASSERT_STRING_EQUAL(s->commune, "10792");
  CU_ASSERT_STRING_EQUAL(sim_scenario_find("truong-thi-2023")->commune, "14797");
  CU_ASSERT_STRING_EQUAL(sim_scenario_find("truong-thi-2023")->province, "38");
  CU_ASSERT_PTR_NULL(sim_scenario_find("nowhere"));
  sim_model_release(&a);
  sim_model_release(&b);
}

static CU_TestInfo tests[] = { { "thach-khoi-2026-04 total row", test_thach_khoi_total },
                               { "an-thanh-2025-q3 total row", test_an_thanh_total },
                               { "truong-thi-2023 total row", test_truong_thi_total },
                               { "rates and late by department", test_rates },
                               { "thach-khoi failed pushes", test_thach_khoi_pushes },
                               { "deterministic, known presets", test_deterministic_and_known },
                               CU_TEST_INFO_NULL };

CUNIT_MAIN("sim_scenario", tests)
