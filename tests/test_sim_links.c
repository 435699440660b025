/*
 * test_sim_links - one model, three views: the codes that link them,
 * failed pushes (stale, missing, shifted portal copies) and the
 * sync-discrepancy and rejects truths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cunit_main.h"
#include "sim_fixture.h"
#include "../sim/city.h"
#include "../sim/generator.h"
#include "../sim/junk.h"
#include "../sim/links.h"
#include "../sim/ministry.h"
#include "../sim/portal.h"
#include "../sim/truth.h"
#include "../sim/view.h"

static void norm(const char *s, char *out)
{
  sim_code_normalise(s, out, 64);
}

static void test_normalise(void)
{
  const char *code = "H31.11002-260401-00012";
  char a[64], b[64];

  norm(" h31.11002_260401_00012 ", a);
  CU_ASSERT_STRING_EQUAL(a, code);
  norm("H31. 11002 - 260401-00012", a);
  CU_ASSERT_STRING_EQUAL(a, code);
  for (uint64_t v = 0; v < 10; v++) {
    sim_code_variant(code, v, b, sizeof(b));
    norm(b, a);
    CU_ASSERT_STRING_EQUAL(a, code);
    if (v < 5) {
      CU_ASSERT_STRING_EQUAL(b, code);
    } else {
      CU_ASSERT_STRING_NOT_EQUAL(b, code);
    }
  }
  sim_code_variant(code, 7, b, sizeof(b));
  CU_ASSERT_STRING_EQUAL(b, "h31.11002_260401_00012");
}

/* Every link the contract names holds between the three renderings. */
static void test_links_across_views(void)
{
  struct sim_model m;
  struct sim_view pv, cv, mv;
  struct sim_portal_options po = { 0 };
  struct sim_city_options co = { 0 };
  struct sim_ministry_options mo = { 0 };
  struct sim_portal *p;
  struct sim_city *c;
  struct sim_ministry *s;
  long national = 0, mcdt = 0, bndp = 0, variants = 0;

  generate(&m, 42, 0, 200000);
  p = sim_portal_new(&m, &po, NULL);
  c = sim_city_new(&m, &co, NULL);
  s = sim_ministry_new(&m, &mo, NULL);
  CU_ASSERT_EQUAL(sim_view_build(&pv, &m, SIM_KIND_PORTAL, 0, 0), 0);
  CU_ASSERT_EQUAL(sim_view_build(&cv, &m, SIM_KIND_CITY, 0, 0), 0);
  CU_ASSERT_EQUAL(sim_view_build(&mv, &m, SIM_KIND_MINISTRY, 0, 0), 0);
  CU_ASSERT_EQUAL(pv.n, m.ndossiers); /* no failed push */
  for (size_t i = 0; i < m.ndossiers; i++) {
    const struct sim_dossier *d = &m.dossiers[i];
    cJSON *h = sim_portal_render(p, d);
    const cJSON *bn = cJSON_GetObjectItemCaseSensitive(h, "BNDP");
    const char *mahoso = cJSON_GetObjectItemCaseSensitive(h, "MaHoSo")->valuestring;
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(h, "MaHoSoBNDP");
    char a1[64], a2[64];

    (void)bn;
    if (d->origin == SIM_ORIGIN_MINISTRY) {
      cJSON *r = sim_ministry_render(s, d);
      const cJSON *lt = cJSON_GetObjectItemCaseSensitive(r, "maHoSoLT");
      const cJSON *mc = cJSON_GetObjectItemCaseSensitive(r, "maHoSoMCDT");

      /* ministry maHoSoLT = portal MaHoSo */
      CU_ASSERT_STRING_EQUAL(lt->valuestring, mahoso);
      if (d->via_counter) {
        char *x = sim_city_render(c, d);

        /* ministry maHoSoMCDT = city MaHoSo */
        norm(mc->valuestring, a1);
        norm(d->code, a2);
        CU_ASSERT_STRING_EQUAL(a1, a2);
        CU_ASSERT_PTR_NOT_NULL(strstr(x, d->code));
        variants += strcmp(mc->valuestring, d->code) != 0;
        mcdt++;
        free(x);
      } else {
        CU_ASSERT(cJSON_IsNull(mc));
        CU_ASSERT_EQUAL(d->channel, SIM_CHANNEL_ONLINE);
      }
      cJSON_Delete(r);
    } else if (d->origin == SIM_ORIGIN_CITY) {
      char *x = sim_city_render(c, d), *q, qg[64];

      /* city MaHoSoQuocGia = portal MaHoSo */
      q = strstr(x, "<MaHoSoQuocGia>");
      CU_ASSERT_PTR_NOT_NULL_FATAL(q);
      sscanf(q + 15, "%63[^<]", qg);
      norm(qg, a1);
      CU_ASSERT_STRING_EQUAL(a1, mahoso);
      if (strcmp(d->portal_code, d->code)) {
        /* portal MaHoSoBNDP = city MaHoSo */
        CU_ASSERT_STRING_EQUAL(b->valuestring, d->code);
        CU_ASSERT_EQUAL(strncmp(mahoso, "G22.", 4), 0);
        national++;
        bndp++;
      } else {
        CU_ASSERT(!cJSON_IsString(b) || !*b->valuestring);
        CU_ASSERT_STRING_EQUAL(mahoso, d->code);
      }
      free(x);
    }
    cJSON_Delete(h);
  }
  CU_ASSERT(national > 50);
  CU_ASSERT(mcdt > 20);
  CU_ASSERT(variants > 5); /* spelled differently, same code */
  CU_ASSERT_EQUAL(bndp, national);
  sim_view_release(&pv);
  sim_view_release(&cv);
  sim_view_release(&mv);
  sim_portal_free(p);
  sim_city_free(c);
  sim_ministry_free(s);
  sim_model_release(&m);
}

static void test_as_of(void)
{
  struct sim_dossier d = { 0 }, o;

  d.received_at = T("2026-04-01T08:00:00");
  d.due_at = T("2026-04-03T17:00:00");
  d.finished_at = T("2026-04-02T10:00:00");
  d.returned_at = T("2026-04-02T15:00:00");
  d.updated_at = T("2026-04-02T15:00:10");
  d.status = 10;
  d.nresults = 1;
  d.nsupp = 1;
  d.supp[0].requested_at = T("2026-04-01T09:00:00");
  d.supp[0].completed_at = T("2026-04-01T16:00:00");
  sim_dossier_as_of(&d, T("2026-04-01T09:30:00"), &o);
  CU_ASSERT_EQUAL(o.status, 5);
  CU_ASSERT_EQUAL(o.nsupp, 1);
  CU_ASSERT_EQUAL(o.supp[0].completed_at, 0);
  CU_ASSERT_EQUAL(o.finished_at, 0);
  CU_ASSERT_EQUAL(o.nresults, 0);
  CU_ASSERT_EQUAL(o.updated_at, T("2026-04-01T09:30:00"));
  sim_dossier_as_of(&d, T("2026-04-01T08:20:00"), &o);
  CU_ASSERT_EQUAL(o.status, 2);
  CU_ASSERT_EQUAL(o.nsupp, 0);
  sim_dossier_as_of(&d, T("2026-04-01T18:00:00"), &o);
  CU_ASSERT_EQUAL(o.status, 4);
  sim_dossier_as_of(&d, T("2026-04-02T11:00:00"), &o);
  CU_ASSERT_EQUAL(o.status, 9);
  CU_ASSERT_EQUAL(o.nresults, 1);
  sim_dossier_as_of(&d, T("2026-04-01T07:00:00"), &o);
  CU_ASSERT_EQUAL(o.status, 1);
  CU_ASSERT_EQUAL(o.received_at, 0);
}

static bool has_row(const char *tsv, const char *sys, const char *code, const char *cls)
{
  char line[160], n[64];

  norm(code, n);
  snprintf(line, sizeof(line), "\n%s\t%s\t%s\n", sys, n, cls);
  return strstr(tsv, line) != NULL;
}

static void test_push_failures(void)
{
  struct sim_model m, plain;
  struct sim_view pv;
  struct sim_bieu06 t1, t2;
  long stale = 0, missing = 0, dates = 0, rows = 0;
  char *tsv, *prev = NULL;

  generate(&m, 42, 300000, 0);
  generate(&plain, 42, 0, 0);
  /* The model itself is not changed by failed pushes: same truth. */
  CU_ASSERT_EQUAL(sim_truth_bieu06(&m, "31", 20544, 20573, &t1), SIM_TRUTH_OK);
  CU_ASSERT_EQUAL(sim_truth_bieu06(&plain, "31", 20544, 20573, &t2), SIM_TRUTH_OK);
  CU_ASSERT_EQUAL(memcmp(&t1.sum, &t2.sum, sizeof(t1.sum)), 0);
  sim_bieu06_release(&t1);
  sim_bieu06_release(&t2);
  CU_ASSERT_EQUAL(sim_view_build(&pv, &m, SIM_KIND_PORTAL, 0, 0), 0);
  tsv = discrepancies(&m);
  CU_ASSERT_EQUAL(strncmp(tsv, "origin_system\torigin_code\tclass\n", 32), 0);
  for (size_t i = 0; i < m.ndossiers; i++) {
    const struct sim_dossier *d = &m.dossiers[i];
    const char *sys = d->origin == SIM_ORIGIN_MINISTRY ? "HOTICH_BTP" : "TTHC_TP";
    const char *code = d->origin == SIM_ORIGIN_MINISTRY ? d->ministry_code : d->code;
    struct sim_dossier cp;

    CU_ASSERT(d->push == SIM_PUSH_OK || d->origin != SIM_ORIGIN_PORTAL);
    switch (d->push) {
    case SIM_PUSH_STALE:
      stale++;
      CU_ASSERT(sim_links_portal_copy(d, &cp));
      CU_ASSERT(cp.updated_at < d->updated_at);
      CU_ASSERT(cp.status != d->status);
      CU_ASSERT(has_row(tsv, sys, code, "stale_on_portal"));
      break;
    case SIM_PUSH_MISSING:
      missing++;
      CU_ASSERT(!sim_links_portal_copy(d, &cp));
      CU_ASSERT(has_row(tsv, sys, code, "missing_on_portal") ==
                (d->received_at < m.as_of - SIM_DAY));
      break;
    case SIM_PUSH_DATES:
      dates++;
      CU_ASSERT(has_row(tsv, sys, code, "date_mismatch"));
      break;
    default:
      CU_ASSERT(!has_row(tsv, sys, code, "stale_on_portal"));
      CU_ASSERT(!has_row(tsv, sys, code, "date_mismatch"));
      CU_ASSERT(!has_row(tsv, sys, code, "false_overdue_on_portal"));
      break;
    }
  }
  CU_ASSERT(stale > 20 && missing > 5 && dates > 2);
  CU_ASSERT_EQUAL(pv.n, m.ndossiers - (size_t)missing);
  CU_ASSERT_EQUAL(pv.ncopies, (size_t)(stale + dates));
  CU_ASSERT_PTR_NOT_NULL(strstr(tsv, "\tfalse_overdue_on_portal\n"));
  /* sorted bytewise, no duplicate */
  for (char *line = strchr(tsv, '\n') + 1, *nl; *line; line = nl + 1) {
    nl = strchr(line, '\n');
    *nl = '\0';
    if (prev) {
      CU_ASSERT(strcmp(prev, line) < 0);
    }
    prev = line;
    rows++;
  }
  CU_ASSERT(rows >= stale + dates);
  free(tsv);
  /* no failed push: only the header */
  tsv = discrepancies(&plain);
  CU_ASSERT_STRING_EQUAL(tsv, "origin_system\torigin_code\tclass\n");
  free(tsv);
  sim_view_release(&pv);
  sim_model_release(&m);
  sim_model_release(&plain);
}

static void test_rejects_truth(void)
{
  struct sim_model m;
  struct sim_view v;
  char *buf = NULL;
  size_t len = 0;
  FILE *fp;
  int lines = 0;
  bool reasons[SIM_JUNK_COUNT] = { false };

  generate(&m, 42, 0, 0);
  CU_ASSERT_EQUAL(sim_view_build(&v, &m, SIM_KIND_PORTAL, 50000, 9), 0);
  CU_ASSERT(v.njunk > 40);
  fp = open_memstream(&buf, &len);
  CU_ASSERT_EQUAL(sim_junk_write_truth(v.junk, v.njunk, fp), 0);
  fclose(fp);
  for (char *p = buf; *p; p = strchr(p, '\n') + 1) {
    char kind[16], xa[8], code[64], reason[32];

    if (sscanf(p, "%15[^\t]\t%7[^\t]\t%63[^\t]\t%31[^\n]", kind, xa, code, reason) != 4) {
      CU_ASSERT(sscanf(p, "%15[^\t]\t%7[^\t]\t\t%31[^\n]", kind, xa, reason) == 3);
    }
    CU_ASSERT_STRING_EQUAL(kind, "portal");
    lines++;
  }
  CU_ASSERT_EQUAL(lines, (int)v.njunk);
  for (size_t i = 0; i < v.njunk; i++) {
    reasons[v.junk[i].reason] = true;
    CU_ASSERT((v.junk[i].reason == SIM_JUNK_MISSING_CODE) == !v.junk[i].code[0]);
  }
  for (int r = 0; r < SIM_JUNK_COUNT; r++)
    CU_ASSERT(reasons[r]);
  free(buf);
  sim_view_release(&v);
  sim_model_release(&m);
}

/* Same flags, same bytes: views, truths, junk. */
static void test_determinism(void)
{
  struct sim_model a, b;
  struct sim_city_options co = { 0 };
  struct sim_city *ca, *cb;
  char *ta, *tb;

  generate(&a, 7, 100000, 100000);
  generate(&b, 7, 100000, 100000);
  ta = discrepancies(&a);
  tb = discrepancies(&b);
  CU_ASSERT_STRING_EQUAL(ta, tb);
  free(ta);
  free(tb);
  ca = sim_city_new(&a, &co, NULL);
  cb = sim_city_new(&b, &co, NULL);
  for (size_t i = 0; i < a.ndossiers; i += 37) {
    ta = sim_city_render(ca, &a.dossiers[i]);
    tb = sim_city_render(cb, &b.dossiers[i]);
    CU_ASSERT_STRING_EQUAL(ta, tb);
    free(ta);
    free(tb);
  }
  sim_city_free(ca);
  sim_city_free(cb);
  sim_model_release(&a);
  sim_model_release(&b);
}

static CU_TestInfo tests[] = { { "code normalisation and spellings", test_normalise },
                               { "links across the three views", test_links_across_views },
                               { "dossier as of an earlier instant", test_as_of },
                               { "push failures and the discrepancy truth", test_push_failures },
                               { "rejects truth", test_rejects_truth },
                               { "determinism", test_determinism },
                               CU_TEST_INFO_NULL };

CUNIT_MAIN("sim_links", tests)
