#include "ratelimit.h"

#include <errno.h>
#include <time.h>

void ratelimit_init(struct ratelimit *rl, double max_rps)
{
  pthread_mutex_init(&rl->lock, NULL);
  /* Rounded up: the spacing never falls below 1/max_rps, so the rate
   * never exceeds max_rps by a rounding. */
  rl->interval_ns = max_rps > 0 ? (int64_t)(1e9 / max_rps + 0.999) : 0;
  rl->next_ns = 0;
  rl->paused_ns = 0;
  rl->requests = 0;
  rl->delayed = 0;
  rl->waited_ns = 0;
  rl->first_ns = 0;
  rl->last_ns = 0;
}

void ratelimit_release(struct ratelimit *rl)
{
  pthread_mutex_destroy(&rl->lock);
}

int64_t ratelimit_now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t ratelimit_reserve(struct ratelimit *rl, int64_t now_ns)
{
  int64_t start;

  pthread_mutex_lock(&rl->lock);
  start = now_ns;
  if (start < rl->next_ns)
    start = rl->next_ns;
  if (start < rl->paused_ns)
    start = rl->paused_ns;
  /* A budget left unused does not pile up into a burst later: the next
   * slot counts from this request's start, not from the previous slot. */
  rl->next_ns = start + rl->interval_ns;
  rl->requests++;
  if (start > now_ns) {
    rl->delayed++;
    rl->waited_ns += start - now_ns;
  }
  if (!rl->first_ns)
    rl->first_ns = start;
  rl->last_ns = start;
  pthread_mutex_unlock(&rl->lock);
  return start - now_ns;
}

static void sleep_ns(int64_t ns)
{
  struct timespec ts = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };
  while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
    ;
}

void ratelimit_acquire(struct ratelimit *rl)
{
  int64_t wait = ratelimit_reserve(rl, ratelimit_now_ns());
  if (wait > 0)
    sleep_ns(wait);
}

void ratelimit_pause_until(struct ratelimit *rl, int64_t until_ns)
{
  pthread_mutex_lock(&rl->lock);
  if (until_ns > rl->paused_ns)
    rl->paused_ns = until_ns;
  pthread_mutex_unlock(&rl->lock);
}

void ratelimit_pause_for(struct ratelimit *rl, long ms)
{
  if (ms > 0)
    ratelimit_pause_until(rl, ratelimit_now_ns() + (int64_t)ms * 1000000);
}

void ratelimit_stats(struct ratelimit *rl, long *requests, int64_t *span_ns, int64_t *waited_ns)
{
  pthread_mutex_lock(&rl->lock);
  if (requests)
    *requests = rl->requests;
  if (span_ns)
    *span_ns = rl->requests ? rl->last_ns - rl->first_ns : 0;
  if (waited_ns)
    *waited_ns = rl->waited_ns;
  pthread_mutex_unlock(&rl->lock);
}
