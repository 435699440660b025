#include "retry.h"

#include <errno.h>
#include <time.h>

void retry_policy_default(struct retry_policy *p)
{
  p->base_ms = 500;
  p->cap_ms = 30000;
  p->max_retry_after_s = 300;
  p->deadline_s = 1800;
  p->max_unreachable = 3;
}

int64_t retry_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void retry_sleep_ms(long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
    ;
}

void retry_init(struct retry_state *s, const struct retry_policy *p, uint64_t seed)
{
  s->policy = *p;
  s->rng = seed ? seed : 0x9E3779B97F4A7C15ULL;
  retry_success(s);
}

void retry_success(struct retry_state *s)
{
  s->since_ms = retry_now_ms();
  s->attempt = 0;
  s->unreachable = 0;
}

/* splitmix64: small, good enough for jitter. */
static uint64_t next_random(struct retry_state *s)
{
  uint64_t z = (s->rng += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* Full jitter under the ceiling of this attempt, raised to Retry-After. */
static long jittered_delay(struct retry_state *s, long retry_after_s)
{
  long ceiling = s->policy.base_ms, delay;

  for (int i = 0; i < s->attempt && ceiling < s->policy.cap_ms; i++)
    ceiling *= 2;
  if (ceiling > s->policy.cap_ms)
    ceiling = s->policy.cap_ms;
  delay = (long)(next_random(s) % (uint64_t)(ceiling + 1));
  if (retry_after_s >= 0) {
    long ra =
      retry_after_s < s->policy.max_retry_after_s ? retry_after_s : s->policy.max_retry_after_s;
    if (ra * 1000 > delay)
      delay = ra * 1000;
  }
  return delay;
}

long retry_next(struct retry_state *s, retry_kind kind, long retry_after_s)
{
  long delay = jittered_delay(s, retry_after_s);

  s->attempt++;
  if (kind == RETRY_UNREACHABLE && ++s->unreachable >= s->policy.max_unreachable)
    return RETRY_GIVE_UP_UNREACHABLE;
  if (retry_now_ms() - s->since_ms + delay > (int64_t)s->policy.deadline_s * 1000)
    return RETRY_GIVE_UP_DEADLINE;
  return delay;
}

long retry_next_delay_ms(struct retry_state *s, long retry_after_s)
{
  return retry_next(s, RETRY_TRANSIENT, retry_after_s);
}

long retry_remaining_ms(const struct retry_state *s)
{
  int64_t left = (int64_t)s->policy.deadline_s * 1000 - (retry_now_ms() - s->since_ms);
  return left > 0 ? (long)left : 0;
}
