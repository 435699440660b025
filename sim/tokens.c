/*
 * tokens - sessions and access tokens (see tokens.h).
 */
#include "tokens.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now_mono(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void sim_tokens_init(struct sim_tokens *t, uint64_t seed, unsigned ttl)
{
  memset(t, 0, sizeof(*t));
  sim_rng_init(&t->rng, seed);
  t->ttl = ttl;
  pthread_mutex_init(&t->lock, NULL);
}

void sim_tokens_release(struct sim_tokens *t)
{
  pthread_mutex_destroy(&t->lock);
}

void sim_tokens_new(struct sim_tokens *t, char *out)
{
  struct sim_token *s;

  pthread_mutex_lock(&t->lock);
  s = &t->slot[t->next++ % SIM_TOKENS_MAX];
  snprintf(s->value, sizeof(s->value), "%016" PRIx64 "%016" PRIx64, sim_rng_next(&t->rng),
           sim_rng_next(&t->rng));
  s->expires = now_mono() + t->ttl;
  memcpy(out, s->value, sizeof(s->value));
  pthread_mutex_unlock(&t->lock);
}

bool sim_tokens_check(struct sim_tokens *t, const char *v, bool drop)
{
  bool ok = false;

  if (!v || !*v)
    return false;
  pthread_mutex_lock(&t->lock);
  for (size_t i = 0; i < SIM_TOKENS_MAX; i++) {
    struct sim_token *s = &t->slot[i];

    if (!s->value[0] || strcmp(s->value, v))
      continue;
    ok = s->expires > now_mono();
    if (drop || !ok)
      s->value[0] = '\0';
    break;
  }
  pthread_mutex_unlock(&t->lock);
  return ok;
}
