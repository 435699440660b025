/*
 * rng - xoshiro256** with splitmix64 seeding (see rng.h).
 */
#include "rng.h"

static uint64_t splitmix64(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void sim_rng_init(struct sim_rng *r, uint64_t seed)
{
  uint64_t x = seed;

  /* splitmix64 never yields four zero words, so the state is valid. */
  for (int i = 0; i < 4; i++)
    r->s[i] = splitmix64(&x);
}

uint64_t sim_rng_next(struct sim_rng *r)
{
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

uint64_t sim_rng_below(struct sim_rng *r, uint64_t n)
{
  uint64_t limit, x;

  if (n == 0)
    return 0;
  /* Reject the top partial bucket so every residue is equally likely. */
  limit = UINT64_MAX - UINT64_MAX % n;
  do
    x = sim_rng_next(r);
  while (x >= limit);
  return x % n;
}

int64_t sim_rng_between(struct sim_rng *r, int64_t lo, int64_t hi)
{
  if (hi <= lo)
    return lo;
  return lo + (int64_t)sim_rng_below(r, (uint64_t)(hi - lo) + 1);
}

bool sim_rng_permille(struct sim_rng *r, unsigned p)
{
  return sim_rng_below(r, 1000) < p;
}

unsigned sim_rng_weighted(struct sim_rng *r, const unsigned *weights, unsigned n)
{
  uint64_t sum = 0, x;

  for (unsigned i = 0; i < n; i++)
    sum += weights[i];
  x = sim_rng_below(r, sum);
  for (unsigned i = 0; i < n; i++) {
    if (x < weights[i])
      return i;
    x -= weights[i];
  }
  return 0;
}

uint64_t sim_mix(uint64_t seed, uint64_t key)
{
  uint64_t x = seed ^ (key * 0xd1342543de82ef95ULL);

  (void)splitmix64(&x);
  return splitmix64(&x);
}

uint64_t sim_hash_str(const char *s)
{
  uint64_t h = 0xcbf29ce484222325ULL;

  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 0x100000001b3ULL;
  }
  return h;
}
