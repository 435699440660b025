/*
 * generator - fill a model with realistic, deterministic dossiers.
 *
 * For every commune already registered in the model and every local day
 * in [day_from, day_to], about per_day dossiers are generated (± 25 %,
 * fewer on weekends), each with a whole planned life: intake, due date,
 * supplement requests, processing, return, or a refusal, withdrawal or
 * stop.  The life is then cut at the model's as_of: events after it are
 * dropped and the status is what it was at as_of, NgayCapNhat the last
 * remaining event plus a few seconds.  The planned life does not depend
 * on as_of, so a later as_of only adds events.
 *
 * Randomness comes from one stream per (seed, commune, day): the same
 * options give the same model, and a commune's dossiers do not depend on
 * which other communes are generated.
 *
 *     struct sim_gen_options o = { .seed = 42, .day_from = f, .day_to = t,
 *                                  .per_day = 20, .prefix = "H31" };
 *     if (sim_generate(&model, &o) != SIM_GEN_OK) goto out;
 */
#ifndef TTHC_SIM_GENERATOR_H
#define TTHC_SIM_GENERATOR_H

#include <stdint.h>

#include "model.h"

typedef enum {
  SIM_GEN_OK = 0,
  SIM_GEN_BAD_ARG, /* day_to < day_from, prefix too long ... */
  SIM_GEN_NOMEM
} sim_gen_result;

struct sim_gen_options {
  uint64_t seed;
  int64_t day_from;   /* first local day (days since 1970-01-01) */
  int64_t day_to;     /* last local day, inclusive */
  unsigned per_day;   /* mean dossiers per commune per weekday */
  const char *prefix; /* one-stop code prefix, e.g. "H31" (<= 8) */
};

/*
 * Append the generated dossiers to m (communes in registration order,
 * then by code).  On error m may hold part of the dossiers.
 */
sim_gen_result sim_generate(struct sim_model *m, const struct sim_gen_options *o);

/* Static English description of r; never NULL. */
const char *sim_gen_strerror(sim_gen_result r);

#endif
