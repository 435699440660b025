/*
 * retry.h — when to try a failed request again: exponential backoff with
 * full jitter (delay drawn uniformly in [0, min(cap, base * 2^attempt)]),
 * at least as long as a server's Retry-After (itself capped), and never past
 * a total deadline per source.
 */
#ifndef TTHC_RETRY_H
#define TTHC_RETRY_H

#include <stdint.h>

struct retry_policy {
  long base_ms;           /* first backoff ceiling, default 500 */
  long cap_ms;            /* ceiling of one wait, default 30 000 */
  long max_retry_after_s; /* a larger Retry-After is cut to this, default 300 */
  long deadline_s;        /* total time for one source, default 1800 */
};

struct retry_state {
  struct retry_policy policy;
  int64_t started_ms;
  int attempt; /* failures so far in the current operation */
  uint64_t rng;
};

/* Fills the defaults above. */
void retry_policy_default(struct retry_policy *p);

/* seed: any value; the jitter is deterministic for a given seed. */
void retry_init(struct retry_state *s, const struct retry_policy *p, uint64_t seed);

/* The current operation succeeded: the next failure starts from base again. */
void retry_success(struct retry_state *s);

/*
 * After a transient failure: milliseconds to wait before trying again
 * (retry_after_s = the server's Retry-After in seconds, or -1), or -1 when
 * waiting would pass the deadline (give up).
 */
long retry_next_delay_ms(struct retry_state *s, long retry_after_s);

/* Monotonic clock in milliseconds. */
int64_t retry_now_ms(void);

/* Sleeps ms milliseconds (restarting after signals). */
void retry_sleep_ms(long ms);

#endif
