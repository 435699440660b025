/*
 * scenario - named presets whose dossiers give exactly the figures of a
 * real commune report (../shared/spec/seed-figures.md).
 *
 * A scenario fixes the commune, its province, the agency code, the
 * report period and the as-of instant, and builds the dossiers outcome
 * by outcome: every dossier is drawn with a target Biểu 06 class (early,
 * on time, late, pending in time, stopped; carried over or received, and
 * by which channel) and shaped until sim_truth_place() puts it in that
 * class, so the truth's total row is the report's by construction.  The
 * rates the report gives (digitised components, reuse, electronic
 * results, online payment) are hit exactly as well, by choosing exactly
 * that many dossiers.  The rest (field split, times, ministry share) is
 * drawn from the seed, realistically.
 *
 *   thach-khoi-2026-04  Phường Thạch Khôi, 11002 (31, Hải Phòng),
 *                       2026-04-01..30; civil-status dossiers on the
 *                       ministry system whose pushes to the portal
 *                       failed: stale copies, false overdue, missing.
 *   an-thanh-2025-q3    Xã An Thành, 10792 (31), 2025-07-01..09-30.
 *   truong-thi-2023     Phường Trường Thi (Thanh Hóa, before the 2025
 *                       merger) under 14797, Phường Hạc Thành (38), the
 *                       2025 ward it became part of; 2023-01-01..08-10.
 */
#ifndef TTHC_SIM_SCENARIO_H
#define TTHC_SIM_SCENARIO_H

#include <stdint.h>

#include "model.h"

struct sim_scenario {
  const char *name;
  const char *commune;   /* 5 digits */
  const char *province;  /* 2 digits */
  const char *agency;    /* default agency code (portal dstcode) */
  const char *from, *to; /* report period, local days */
  const char *as_of;     /* local instant the data is as of */
};

/* Preset by name, or NULL. */
const struct sim_scenario *sim_scenario_find(const char *name);

/* The presets, NULL-terminated by name. */
extern const struct sim_scenario sim_scenarios[];

/*
 * Build the scenario's model into m (sim_model_init'ed by the caller
 * with the scenario's as_of; the commune is registered here).  prefix is
 * the one-stop code prefix.  0, or -1 when out of memory.
 */
int sim_scenario_build(const struct sim_scenario *s, uint64_t seed, const char *prefix,
                       struct sim_model *m);

#endif
