/*
 * retry.h — when to try a failed request again: exponential backoff with
 * full jitter (delay drawn uniformly in [0, min(cap, base * 2^attempt)]),
 * at least as long as a server's Retry-After (itself capped), and never past
 * a deadline that counts the time spent failing since the last success: a
 * pull that has paged for hours still gets the whole deadline for its
 * next transient error. A host that cannot be reached at all (refused,
 * unresolvable) is a configuration error far more often than a passing
 * fault, so it gets a few attempts only.
 */
#ifndef TTHC_RETRY_H
#define TTHC_RETRY_H

#include <stdint.h>

struct retry_policy {
  long base_ms;           /* first backoff ceiling, default 500 */
  long cap_ms;            /* ceiling of one wait, default 30 000 */
  long max_retry_after_s; /* a larger Retry-After is cut to this, default 300 */
  long deadline_s;        /* time failing since the last success, default 1800 */
  int max_unreachable;    /* attempts at a host that cannot be reached, default 3 */
};

typedef enum {
  RETRY_TRANSIENT,  /* 5xx, 429, timeout, reset, a cut body ... */
  RETRY_UNREACHABLE /* connection refused, host name not resolved */
} retry_kind;

/* What retry_next() returns instead of a delay when it gives up. */
#define RETRY_GIVE_UP_DEADLINE    (-1L)
#define RETRY_GIVE_UP_UNREACHABLE (-2L)

struct retry_state {
  struct retry_policy policy;
  int64_t since_ms; /* the last success (or the start): the deadline counts from here */
  int attempt;      /* failures since then */
  int unreachable;  /* of which the host could not be reached */
  uint64_t rng;
};

/* Fills the defaults above. */
void retry_policy_default(struct retry_policy *p);

/* seed: any value; the jitter is deterministic for a given seed. */
void retry_init(struct retry_state *s, const struct retry_policy *p, uint64_t seed);

/* The current operation succeeded: the next failure starts from base
 * again, with the whole deadline and every unreachable attempt. */
void retry_success(struct retry_state *s);

/*
 * After a failure of that kind: milliseconds to wait before trying again
 * (retry_after_s = the server's Retry-After in seconds, or -1), or
 * RETRY_GIVE_UP_DEADLINE when waiting would pass the deadline, or
 * RETRY_GIVE_UP_UNREACHABLE after max_unreachable unreachable attempts.
 */
long retry_next(struct retry_state *s, retry_kind kind, long retry_after_s);

/* retry_next() for a RETRY_TRANSIENT failure. */
long retry_next_delay_ms(struct retry_state *s, long retry_after_s);

/* Milliseconds left before the deadline (0 when past it). */
long retry_remaining_ms(const struct retry_state *s);

/* Monotonic clock in milliseconds. */
int64_t retry_now_ms(void);

/* Sleeps ms milliseconds (restarting after signals). */
void retry_sleep_ms(long ms);

#endif
