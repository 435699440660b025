/* report/cchc: the inspection outline's items, filled or marked not held. */
#include "cunit_main.h"
#include <stdio.h>
#include <string.h>

#include "cchc.h"
#include "report_fixture.h"

static struct report_figures f;
static struct cchc_item items[CCHC_MAX_ITEMS];
static size_t n;

static int setup(void)
{
  fixture_figures(&f);
  n = cchc_build(&f, items, CCHC_MAX_ITEMS);
  return 0;
}

static int teardown(void)
{
  figures_release(&f);
  return 0;
}

static const struct cchc_item *item(const char *key)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(items[i].key, key) == 0)
      return &items[i];
  CU_FAIL("no such item");
  return &items[0];
}

static void test_order_and_keys(void)
{
  static const char *const order[] = { "1",    "1.1",  "1.2", "1.3", "1.4",  "2",   "3",
                                       "4",    "5",    "6",   "7",   "8",    "9",   "10",
                                       "11.1", "11.2", "12",  "13",  "13.1", "13.2" };

  CU_ASSERT_EQUAL_FATAL(n, sizeof order / sizeof order[0]);
  for (size_t i = 0; i < n; i++) {
    CU_ASSERT_STRING_EQUAL(items[i].number, order[i]);
    for (size_t j = 0; j < i; j++)
      CU_ASSERT_STRING_NOT_EQUAL(items[i].key, items[j].key);
  }
  /* a smaller array holds the first items only */
  CU_ASSERT_EQUAL(cchc_build(&f, items, 3), 3);
  n = cchc_build(&f, items, CCHC_MAX_ITEMS);
}

/* What the systems hold is filled from Biểu 06, the rates and the counts. */
static void test_filled(void)
{
  const struct bieu06_row *t = figures_total(&f);

  CU_ASSERT_EQUAL(item("received_total")->count, t->total);
  CU_ASSERT_EQUAL(item("resolved")->count, bieu06_resolved(t));
  CU_ASSERT_EQUAL(item("resolved_in_time")->count, t->resolved_early + t->resolved_on_time);
  CU_ASSERT_EQUAL(item("resolved_in_time")->share.centi, f.rates[RATE_ON_TIME].value.centi);
  CU_ASSERT_EQUAL(item("overdue")->count, t->resolved_late + t->pending_late);
  CU_ASSERT_EQUAL(item("online_rate")->share.centi, 10000);
  CU_ASSERT_EQUAL(item("full_online_procedures")->share.centi, 2857);
  CU_ASSERT_EQUAL(item("online_payment_rate")->share.centi, 2713);
  CU_ASSERT_EQUAL(item("on_origin_systems")->share.centi, 9655);
  CU_ASSERT_EQUAL(item("synced_full")->share.centi, 10000);
  CU_ASSERT_EQUAL(item("digitised_rate_766")->share.centi, 9653);
  CU_ASSERT_EQUAL(item("result_digitised_rate")->share.centi, 9975);
  CU_ASSERT_EQUAL(item("reuse_rate")->share.centi, 6216);
  CU_ASSERT_EQUAL(item("complaints_received")->count, 15);
  CU_ASSERT_EQUAL(item("satisfaction_766")->share.centi, 9795);
  CU_ASSERT_EQUAL(item("satisfaction_land")->share.centi, 9674);
  CU_ASSERT(strstr(item("received_total")->note, "từ kỳ trước chuyển qua 48") != NULL);
  CU_ASSERT(strstr(item("digitised_rate_766")->note, "96,77 %") != NULL);
}

/* Satisfaction against 95 % overall and 90 % for land; the other targets. */
static void test_targets(void)
{
  CU_ASSERT_EQUAL(item("satisfaction_766")->target_centi, 9500);
  CU_ASSERT_EQUAL(item("satisfaction_766")->met, 1);
  CU_ASSERT_EQUAL(item("satisfaction_land")->target_centi, 9000);
  CU_ASSERT_EQUAL(item("satisfaction_land")->met, 1);
  CU_ASSERT_EQUAL(item("online_payment_rate")->met, 0); /* 27,13 < 30 */
  CU_ASSERT_EQUAL(item("reuse_rate")->met, 0);          /* 62,16 < 90 */
  CU_ASSERT_EQUAL(item("full_online_procedures")->target_centi, 8000);
  CU_ASSERT_EQUAL(item("on_origin_systems")->target_centi, RATE_NO_TARGET);
  CU_ASSERT_EQUAL(item("on_origin_systems")->met, -1);
  f.cchc.land_satisfaction = (struct share){ true, 8999 };
  cchc_build(&f, items, CCHC_MAX_ITEMS);
  CU_ASSERT_EQUAL(item("satisfaction_land")->met, 0);
  f.cchc.land_satisfaction = (struct share){ false, 0 };
  cchc_build(&f, items, CCHC_MAX_ITEMS);
  CU_ASSERT_EQUAL(item("satisfaction_land")->met, -1); /* no land dossier resolved */
  f.cchc.land_satisfaction = (struct share){ true, 9674 };
  cchc_build(&f, items, CCHC_MAX_ITEMS);
}

static void test_not_held(void)
{
  static const char *const keys[] = { "procedures_at_center", "independent_of_boundaries",
                                      "complaints_resolved", "communication",
                                      "satisfaction_measurement" };
  size_t held = 0;

  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
    const struct cchc_item *it = item(keys[k]);

    CU_ASSERT(!it->held);
    CU_ASSERT(it->note[0] != '\0'); /* says why */
    CU_ASSERT(!it->has_count && !it->has_share);
  }
  for (size_t i = 0; i < n; i++)
    held += items[i].held;
  CU_ASSERT_EQUAL(held, n - 5);
}

static void test_value_text(void)
{
  char s[256];

  cchc_value_text(item("received_total"), s, sizeof s);
  CU_ASSERT_STRING_EQUAL(s, "6.306 hồ sơ");
  cchc_value_text(item("resolved_in_time"), s, sizeof s);
  CU_ASSERT_STRING_EQUAL(s, "6.251 hồ sơ (99,52 %)");
  cchc_value_text(item("reuse_rate"), s, sizeof s);
  CU_ASSERT_STRING_EQUAL(s, "62,16 %");
  cchc_value_text(item("communication"), s, sizeof s);
  CU_ASSERT_STRING_EQUAL(s, CCHC_NOT_HELD);
  f.rates[RATE_REUSE].value.present = false;
  cchc_build(&f, items, CCHC_MAX_ITEMS);
  cchc_value_text(item("reuse_rate"), s, sizeof s);
  CU_ASSERT_STRING_EQUAL(s, "Không có số liệu");
  CU_ASSERT_EQUAL(item("reuse_rate")->met, -1);
  f.rates[RATE_REUSE].value.present = true;
  cchc_build(&f, items, CCHC_MAX_ITEMS);
}

static CU_TestInfo tests[] = {
  { "order and keys", test_order_and_keys },
  { "filled from the figures", test_filled },
  { "targets", test_targets },
  { "not held, with the reason", test_not_held },
  { "value text", test_value_text },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN_WITH("report_cchc", tests, setup, teardown)
