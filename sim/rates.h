/*
 * rates - the metrics.md §4 rates (tthc.report_rates) computed from the
 * model: the simulators' ground truth for the rate report.
 *
 * An independent reading of metrics.md §4 and the "Shared
 * classification, rates ..." section of docs/decisions.md, on the
 * model, never on the warehouse's SQL.  Every dossier is placed in the
 * period by sim_truth_place() (the Biểu 06 truth), and its flags are
 * those the warehouse's merged dossier ends up with: each system's
 * rendering of the dossier (portal copy, city record, ministry record)
 * merged field by field with the preferences of metrics.md §1
 * (sim_rates_merged).  Counts are exact; each rate is rounded once, half
 * away from zero, to hundredths of a percent, in integer arithmetic.
 *
 *     struct sim_rates r;
 *     if (sim_truth_rates(&model, "11002", from_day, to_day, &r) == SIM_TRUTH_OK)
 *             sim_rates_write_tsv(&r, fp);
 */
#ifndef TTHC_SIM_RATES_H
#define TTHC_SIM_RATES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "truth.h"

/*
 * What the warehouse's merged dossier says of a dossier, for the rates.
 * Each field is the first value present in the systems' renderings, in
 * the metrics.md §1 order (processing: ministry, city, portal; intake:
 * city, ministry, portal; portal-side: portal, city, ministry); a
 * system that does not render a field (the ministry's citizen-store
 * flag, the city's and ministry's rating and complaint) is skipped; the
 * portal's values are those of its copy (stale, shifted or current).
 */
struct sim_merged {
  bool on_portal;  /* the portal holds a copy (not a missing push) */
  bool digitised;  /* >= 1 digitised component */
  bool reused;     /* >= 1 reused component */
  bool from_store; /* >= 1 component from the citizen's data store */
  bool e_result;   /* >= 1 result with a link */
  long fee_total;  /* VND; 0 also when no system has a fee */
  int paid_online; /* 0, 1 (on the portal), 2 (via a gateway), -1 none */
  int rating;      /* 1..3, 0 = none */
  bool complaint;
};

void sim_rates_merged(const struct sim_dossier *d, struct sim_merged *out);

/* The exact counts behind the rates of one unit and period. */
struct sim_rates {
  long received; /* accepted inside the period */
  long resolved; /* early + on time + late (Biểu 06) */
  long online;   /* received, channel online */
  long early_on_time, late;
  long digitised;     /* received, >= 1 digitised component */
  long e_result;      /* resolved with an electronic result */
  long reused;        /* received, >= 1 reused component */
  long from_store;    /* received, >= 1 component from the citizen store */
  long with_fee;      /* received, fee total > 0 */
  long paid_online;   /* ... of them paid online (1 or 2) */
  long on_portal;     /* received and present on the portal */
  long handled;       /* resolved + pending at period end (766: 2.1) */
  long handled_ok;    /* early + on time + pending in time */
  long digitised_766; /* received, digitised and, if resolved, e-result */
  long dissatisfied;  /* resolved, with a complaint or rating 3 */
};

/*
 * The counts for a unit (5-digit commune or 2-digit province) and the
 * local days [day_from, day_to].  SIM_TRUTH_BAD_ARG as sim_truth_bieu06.
 */
sim_truth_result sim_truth_rates(const struct sim_model *m, const char *unit, int64_t day_from,
                                 int64_t day_to, struct sim_rates *out);

/*
 * num / den as hundredths of a percent, rounded half up (the value is
 * never negative): 10000 * num / den to the nearest integer.  False
 * (out untouched) when den is 0.  Exact for any counts a model holds.
 */
bool sim_rate_hundredths(uint64_t num, uint64_t den, uint64_t *out);

/*
 * Write tthc.report_rates' row as `\copy (...) TO STDOUT WITH (FORMAT
 * text, HEADER true)` does: the header line, then received, resolved,
 * the 13 rates with two decimals (\N when the denominator is 0) and the
 * three full-points flags (t / f, \N with their rate).
 */
sim_truth_result sim_rates_write_tsv(const struct sim_rates *r, FILE *fp);

#endif
