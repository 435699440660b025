/*
 * tokens - the bearer secrets a system hands out: the portal's sessions
 * and the city's OAuth2 access tokens.
 *
 * A ring of SIM_TOKENS_MAX slots (the oldest is replaced), each a token
 * of 32 hex digits drawn from a stream of its own seed, living `ttl`
 * seconds of CLOCK_MONOTONIC.  Thread-safe.
 */
#ifndef TTHC_SIM_TOKENS_H
#define TTHC_SIM_TOKENS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rng.h"

#define SIM_TOKENS_MAX 256
#define SIM_TOKEN_LEN  33 /* 32 hex digits and the NUL */

struct sim_token {
  char value[SIM_TOKEN_LEN]; /* "" = free slot */
  double expires;            /* CLOCK_MONOTONIC seconds */
};

struct sim_tokens {
  pthread_mutex_t lock; /* the slots and the stream */
  struct sim_rng rng;
  unsigned ttl; /* seconds */
  struct sim_token slot[SIM_TOKENS_MAX];
  size_t next; /* ring: the oldest is replaced */
};

void sim_tokens_init(struct sim_tokens *t, uint64_t seed, unsigned ttl);
void sim_tokens_release(struct sim_tokens *t);

/* A new token into out (SIM_TOKEN_LEN bytes). */
void sim_tokens_new(struct sim_tokens *t, char *out);

/* Whether v is a live token; `drop` ends it (an expiry fault). */
bool sim_tokens_check(struct sim_tokens *t, const char *v, bool drop);

#endif
