/* The per-source request budget: spacing, no bursts after idle time,
 * Retry-After pauses, several threads sharing one budget. */
#include <stdlib.h>
#include <time.h>

#include "cunit_main.h"
#include "ratelimit.h"

#define MS 1000000LL

/* Ten requests ready at once: each starts 1/rps after the previous. */
static void test_spacing(void)
{
  struct ratelimit rl;
  int64_t t0 = 1000 * MS;

  ratelimit_init(&rl, 4.0);
  for (int i = 0; i < 10; i++)
    CU_ASSERT_EQUAL(ratelimit_reserve(&rl, t0), i * 250 * MS);
  ratelimit_release(&rl);
}

/* 3 rps does not round to 333 ms (which would be 3.003 a second). */
static void test_interval_rounds_up(void)
{
  struct ratelimit rl;
  int64_t t0 = 1000 * MS, last = 0;

  ratelimit_init(&rl, 3.0);
  for (int i = 0; i < 3001; i++)
    last = ratelimit_reserve(&rl, t0);
  /* 3001 requests: 3000 intervals, at least 1000 s */
  CU_ASSERT(last >= 1000LL * 1000 * MS);
  ratelimit_release(&rl);
}

/* Time left unused is not saved up into a burst. */
static void test_no_burst_after_idle(void)
{
  struct ratelimit rl;
  int64_t t = 1000 * MS;

  ratelimit_init(&rl, 10.0);
  CU_ASSERT_EQUAL(ratelimit_reserve(&rl, t), 0);
  t += 5000 * MS; /* idle for 5 s */
  CU_ASSERT_EQUAL(ratelimit_reserve(&rl, t), 0);
  CU_ASSERT_EQUAL(ratelimit_reserve(&rl, t), 100 * MS);
  CU_ASSERT_EQUAL(ratelimit_reserve(&rl, t), 200 * MS);
  ratelimit_release(&rl);
}

/* Unlimited: no wait, but a Retry-After pause holds every request. */
static void test_unlimited_and_pause(void)
{
  struct ratelimit rl;
  int64_t t = 1000 * MS;
  long n;
  int64_t span, waited;

  ratelimit_init(&rl, 0);
  CU_ASSERT_EQUAL(ratelimit_reserve(&rl, t), 0);
  CU_ASSERT_EQUAL(ratelimit_reserve(&rl, t), 0);
  ratelimit_pause_until(&rl, t + 2000 * MS);
  ratelimit_pause_until(&rl, t + 1000 * MS); /* never moves back */
  CU_ASSERT_EQUAL(ratelimit_reserve(&rl, t + 500 * MS), 1500 * MS);
  CU_ASSERT_EQUAL(ratelimit_reserve(&rl, t + 2500 * MS), 0);
  ratelimit_stats(&rl, &n, &span, &waited);
  CU_ASSERT_EQUAL(n, 4);
  CU_ASSERT_EQUAL(span, 2500 * MS);
  CU_ASSERT_EQUAL(waited, 1500 * MS);
  ratelimit_release(&rl);
}

/* A pause on a limited budget: the spacing resumes after it. */
static void test_pause_then_spacing(void)
{
  struct ratelimit rl;
  int64_t t = 1000 * MS;

  ratelimit_init(&rl, 5.0);
  CU_ASSERT_EQUAL(ratelimit_reserve(&rl, t), 0);
  ratelimit_pause_until(&rl, t + 1000 * MS);
  CU_ASSERT_EQUAL(ratelimit_reserve(&rl, t), 1000 * MS);
  CU_ASSERT_EQUAL(ratelimit_reserve(&rl, t), 1200 * MS);
  ratelimit_release(&rl);
}

struct shared {
  struct ratelimit rl;
  pthread_mutex_t lock;
  int64_t starts[64];
  int n;
};

static void *take(void *arg)
{
  struct shared *s = arg;
  for (int i = 0; i < 8; i++) {
    int64_t now = ratelimit_now_ns(), wait = ratelimit_reserve(&s->rl, now);
    struct timespec ts = { 0, (long)wait };
    pthread_mutex_lock(&s->lock);
    s->starts[s->n++] = now + wait; /* the start the budget gave it */
    pthread_mutex_unlock(&s->lock);
    if (wait > 0)
      nanosleep(&ts, NULL);
  }
  return NULL;
}

static int cmp64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* Four threads, one budget of 100 rps: 32 requests on the real clock take
 * at least 310 ms, and the starts the budget hands out are k intervals
 * apart for any k, whichever thread asked. */
static void test_threads_share_one_budget(void)
{
  struct shared s = { .n = 0 };
  pthread_t th[4];
  int64_t t0;

  ratelimit_init(&s.rl, 100.0);
  pthread_mutex_init(&s.lock, NULL);
  t0 = ratelimit_now_ns();
  for (int i = 0; i < 4; i++)
    CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, take, &s), 0);
  for (int i = 0; i < 4; i++)
    pthread_join(th[i], NULL);
  CU_ASSERT_EQUAL(s.n, 32);
  CU_ASSERT(ratelimit_now_ns() - t0 >= 310 * MS);
  qsort(s.starts, (size_t)s.n, sizeof(s.starts[0]), cmp64);
  for (int i = 0; i < s.n; i++)
    for (int j = i + 1; j < s.n; j++)
      CU_ASSERT(s.starts[j] - s.starts[i] >= (j - i) * 10 * MS);
  pthread_mutex_destroy(&s.lock);
  ratelimit_release(&s.rl);
}

static CU_TestInfo tests[] = { { "spacing", test_spacing },
                               { "interval rounds up", test_interval_rounds_up },
                               { "no burst after idle", test_no_burst_after_idle },
                               { "unlimited and pause", test_unlimited_and_pause },
                               { "pause then spacing", test_pause_then_spacing },
                               { "threads share one budget", test_threads_share_one_budget },
                               CU_TEST_INFO_NULL };

CUNIT_MAIN("ratelimit", tests)
