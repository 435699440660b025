/* Backoff with full jitter, Retry-After and the deadline. */
#include "cunit_main.h"
#include "retry.h"

static void test_full_jitter_bounds(void)
{
  struct retry_policy p = {
    .base_ms = 100, .cap_ms = 1000, .max_retry_after_s = 10, .deadline_s = 3600
  };
  struct retry_state s;
  long ceiling = 100, max_seen = 0;

  retry_init(&s, &p, 42);
  for (int i = 0; i < 8; i++) {
    long d = retry_next_delay_ms(&s, -1);
    CU_ASSERT(d >= 0);
    CU_ASSERT(d <= ceiling);
    if (d > max_seen)
      max_seen = d;
    ceiling = ceiling * 2 > 1000 ? 1000 : ceiling * 2;
  }
  CU_ASSERT(max_seen > 100); /* the ceiling did grow */
  retry_success(&s);
  CU_ASSERT(retry_next_delay_ms(&s, -1) <= 100);
}

static void test_jitter_spreads(void)
{
  struct retry_policy p = {
    .base_ms = 1000, .cap_ms = 1000, .max_retry_after_s = 10, .deadline_s = 3600
  };
  struct retry_state s;
  long lo = 1000, hi = 0;

  retry_init(&s, &p, 7);
  for (int i = 0; i < 200; i++) {
    long d = retry_next_delay_ms(&s, -1);
    lo = d < lo ? d : lo;
    hi = d > hi ? d : hi;
  }
  CU_ASSERT(lo < 200);
  CU_ASSERT(hi > 800);
}

static void test_retry_after(void)
{
  struct retry_policy p = {
    .base_ms = 10, .cap_ms = 20, .max_retry_after_s = 5, .deadline_s = 3600
  };
  struct retry_state s;

  retry_init(&s, &p, 1);
  CU_ASSERT(retry_next_delay_ms(&s, 3) >= 3000);
  CU_ASSERT(retry_next_delay_ms(&s, 3) <= 3000);
  /* a huge Retry-After is capped */
  CU_ASSERT_EQUAL(retry_next_delay_ms(&s, 86400), 5000);
  CU_ASSERT(retry_next_delay_ms(&s, 0) <= 20);
}

static void test_deadline(void)
{
  struct retry_policy p = {
    .base_ms = 10, .cap_ms = 20, .max_retry_after_s = 600, .deadline_s = 2
  };
  struct retry_state s;

  retry_init(&s, &p, 1);
  CU_ASSERT(retry_next_delay_ms(&s, -1) >= 0);
  CU_ASSERT_EQUAL(retry_next_delay_ms(&s, 10), -1); /* would end after the deadline */
}

/* Issue 10.2: thirty healthy minutes of paging must not use up the
 * deadline; it measures time spent failing since the last success. */
static void test_deadline_counts_from_last_success(void)
{
  struct retry_policy p = {
    .base_ms = 10, .cap_ms = 20, .max_retry_after_s = 600, .deadline_s = 1
  };
  struct retry_state s;

  retry_init(&s, &p, 1);
  retry_sleep_ms(1200); /* healthy work, longer than the whole deadline */
  retry_success(&s);
  CU_ASSERT(retry_next_delay_ms(&s, -1) >= 0); /* a first failure is retried */
  retry_sleep_ms(1100);                        /* failing for longer than the deadline */
  CU_ASSERT(retry_next_delay_ms(&s, -1) < 0);
  retry_success(&s); /* and a success gives the next failure the whole deadline again */
  CU_ASSERT(retry_next_delay_ms(&s, -1) >= 0);
}

/* A refused or unresolvable host gets a few attempts, not the deadline. */
static void test_unreachable_fails_fast(void)
{
  struct retry_policy p;
  struct retry_state s;

  retry_policy_default(&p);
  p.base_ms = 1;
  retry_init(&s, &p, 3);
  CU_ASSERT(retry_next(&s, RETRY_UNREACHABLE, -1) >= 0);
  CU_ASSERT(retry_next(&s, RETRY_TRANSIENT, -1) >= 0); /* other failures do not count */
  CU_ASSERT(retry_next(&s, RETRY_UNREACHABLE, -1) >= 0);
  CU_ASSERT_EQUAL(retry_next(&s, RETRY_UNREACHABLE, -1), RETRY_GIVE_UP_UNREACHABLE);
  retry_success(&s); /* a host that answered again gets its attempts back */
  CU_ASSERT(retry_next(&s, RETRY_UNREACHABLE, -1) >= 0);
  CU_ASSERT(retry_next(&s, RETRY_UNREACHABLE, -1) >= 0);
  CU_ASSERT_EQUAL(retry_next(&s, RETRY_UNREACHABLE, -1), RETRY_GIVE_UP_UNREACHABLE);
}

/* What the retry log line says: the attempt, and the time left. */
static void test_remaining(void)
{
  struct retry_policy p;
  struct retry_state s;
  long left;

  retry_policy_default(&p);
  CU_ASSERT_EQUAL(p.deadline_s, 1800);
  CU_ASSERT_EQUAL(p.max_unreachable, 3);
  p.deadline_s = 2;
  retry_init(&s, &p, 1);
  left = retry_remaining_ms(&s);
  CU_ASSERT(left > 1900 && left <= 2000);
  retry_sleep_ms(300);
  CU_ASSERT(retry_remaining_ms(&s) <= 1700);
  retry_success(&s);
  CU_ASSERT(retry_remaining_ms(&s) > 1900);
  retry_next_delay_ms(&s, -1);
  CU_ASSERT_EQUAL(s.attempt, 1);
  p.deadline_s = 0;
  retry_init(&s, &p, 1);
  retry_sleep_ms(2);
  CU_ASSERT_EQUAL(retry_remaining_ms(&s), 0);
}

static CU_TestInfo tests[] = {
  { "a refused or unresolvable host fails after 3 attempts", test_unreachable_fails_fast },
  { "time left before the deadline", test_remaining },
  { "the deadline counts from the last success", test_deadline_counts_from_last_success },
  { "full jitter stays under the growing ceiling", test_full_jitter_bounds },
  { "jitter spreads over the whole range", test_jitter_spreads },
  { "Retry-After is honoured and capped", test_retry_after },
  { "deadline", test_deadline },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("retry", tests)
