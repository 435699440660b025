/*
 * ratelimit.h — one request budget per source, shared by all the workers
 * pulling its communes: requests are spaced at least 1/max_rps apart on
 * CLOCK_MONOTONIC (a token bucket of depth one), so that over any span of
 * time t no more than t * max_rps + 1 requests start, whatever the number
 * of workers. A source that answers 429 / 503 with Retry-After pauses the
 * whole budget (every worker), not only the request that got the answer.
 *
 *     struct ratelimit rl;
 *     ratelimit_init(&rl, cfg->max_rps);
 *     ...  ratelimit_acquire(&rl);  request  ...
 *     if (retry_after > 0) ratelimit_pause_for(&rl, retry_after * 1000);
 *     ratelimit_release(&rl);
 *
 * Thread-safe. The clock can be given (ratelimit_reserve) for tests.
 */
#ifndef TTHC_RATELIMIT_H
#define TTHC_RATELIMIT_H

#include <pthread.h>
#include <stdint.h>

struct ratelimit {
  pthread_mutex_t lock; /* guards the fields below */
  int64_t interval_ns;  /* 1e9 / max_rps; 0 = unlimited */
  int64_t next_ns;      /* earliest start of the next request */
  int64_t paused_ns;    /* no request before this (Retry-After), 0 = none */
  long requests;        /* requests let through */
  long delayed;         /* of which had to wait */
  int64_t waited_ns;    /* total time requests waited */
  int64_t first_ns;     /* start of the first request, 0 = none yet */
  int64_t last_ns;      /* start of the latest request */
};

/* max_rps <= 0: no spacing (Retry-After pauses still hold). */
void ratelimit_init(struct ratelimit *rl, double max_rps);
void ratelimit_release(struct ratelimit *rl);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t ratelimit_now_ns(void);

/* Reserves the next slot for a request that is ready at now_ns and
 * returns how long it must wait (ns, >= 0) before it starts. */
int64_t ratelimit_reserve(struct ratelimit *rl, int64_t now_ns);

/* Reserves a slot on the monotonic clock and sleeps until it comes. */
void ratelimit_acquire(struct ratelimit *rl);

/* No request of this budget starts before until_ns (never moves back). */
void ratelimit_pause_until(struct ratelimit *rl, int64_t until_ns);

/* ratelimit_pause_until(now + ms). */
void ratelimit_pause_for(struct ratelimit *rl, long ms);

/* Requests let through so far, and the span from the first start to the
 * latest (ns); both 0 before the first. */
void ratelimit_stats(struct ratelimit *rl, long *requests, int64_t *span_ns, int64_t *waited_ns);

#endif
