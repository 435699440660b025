/*
 * draw - what the generator and the scenario presets draw alike: the
 * working calendar (counter hours, the next counter moment, due dates
 * from the legal time limit), a procedure, and the one-stop, ministry
 * and portal codes of a commune's dossiers.
 *
 * Each function consumes the same draws in the same order wherever it is
 * called from, so the generator and the presets keep their streams.
 */
#ifndef TTHC_SIM_DRAW_H
#define TTHC_SIM_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "model.h"
#include "rng.h"

/* Saturday or Sunday (local day). */
bool sim_draw_weekend(int64_t day);

/* The local day n working days after day. */
int64_t sim_draw_add_working_days(int64_t day, int n);

/*
 * A counter time on `day`: 07:30-11:30 or 13:30-17:00; mornings only when
 * `morning` (no draw for the half then).
 */
sim_time sim_draw_work_time(struct sim_rng *r, int64_t day, bool morning);

/* The first counter moment at or after t (weekdays 07:30-17:00). */
sim_time sim_draw_next_working(struct sim_rng *r, sim_time t);

/*
 * Due date of a dossier received at `received` with a legal time limit
 * of `days` working days (0 = same day, or the next working day when
 * received after 15:00; many one-stop systems give the next day anyway).
 */
sim_time sim_draw_due(struct sim_rng *r, sim_time received, int days);

/* A procedure by weight, among those of `dept` (NULL = all). */
const struct sim_procedure *sim_draw_procedure(struct sim_rng *r,
                                               const struct sim_department *dept);

/*
 * A dossier to number: the local day of its one-stop code, its position
 * inside that day, and its generation order (the last tie-breaker).
 */
struct sim_numbered {
  struct sim_dossier d;
  int64_t day;
  sim_time order;
  size_t index;
};

/*
 * Number one commune's dossiers per local day (and ministry ones per
 * year): code, ministry_code, portal_code and the result links.  base
 * holds n elements of `size` bytes, each beginning with a struct
 * sim_numbered; they are sorted by (day, order, index).
 */
void sim_draw_codes(void *base, size_t n, size_t size, const char *prefix);

#endif
