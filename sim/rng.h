/*
 * rng - deterministic pseudo-random numbers for the simulators.
 *
 * xoshiro256** seeded through splitmix64.  The sequence depends only on
 * the seed (never on rand(), time or addresses), so the same flags give
 * byte-identical data on every run and machine.  Streams are cheap:
 * derive one per (commune, day) with sim_rng_init(&r, sim_mix(seed, k))
 * so that adding a commune or a day does not shift the others.
 *
 *     struct sim_rng r;
 *     sim_rng_init(&r, 42);
 *     if (sim_rng_permille(&r, 150)) ...   // 15 % of the time
 *     minutes = sim_rng_between(&r, 10, 90);
 *
 * Not thread-safe: one state per thread or a lock around it.
 */
#ifndef TTHC_SIM_RNG_H
#define TTHC_SIM_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct sim_rng {
  uint64_t s[4];
};

/* Seed the state; any seed (including 0) gives a valid state. */
void sim_rng_init(struct sim_rng *r, uint64_t seed);

/* Next 64 random bits. */
uint64_t sim_rng_next(struct sim_rng *r);

/* Uniform in [0, n); n == 0 yields 0.  Unbiased (rejection). */
uint64_t sim_rng_below(struct sim_rng *r, uint64_t n);

/* Uniform in [lo, hi] (inclusive); lo when hi <= lo. */
int64_t sim_rng_between(struct sim_rng *r, int64_t lo, int64_t hi);

/* True with probability p / 1000. */
bool sim_rng_permille(struct sim_rng *r, unsigned p);

/*
 * Index drawn from weights[0..n-1] proportionally (all zero: 0).
 * Consumes exactly one draw.
 */
unsigned sim_rng_weighted(struct sim_rng *r, const unsigned *weights, unsigned n);

/* Mix a seed with a key into a new, well-spread seed (splitmix64). */
uint64_t sim_mix(uint64_t seed, uint64_t key);

/* FNV-1a hash of a string, to turn codes into stream keys. */
uint64_t sim_hash_str(const char *s);

#endif
