/*
 * truth - the Biểu 06 period report computed from the model.
 *
 * This is the simulators' ground truth: an independent implementation of
 * metrics.md §3 with the exact counting rules of docs/decisions.md, run on
 * the model (what really happened by as_of), never on a rendering.  The
 * warehouse's tthc.report_bieu06 must produce the same table; the
 * integration test diffs the TSV written here against its \copy output.
 *
 *     struct sim_bieu06 t;
 *     if (sim_truth_bieu06(&model, "11002", from_day, to_day, &t) != SIM_TRUTH_OK)
 *             goto out;
 *     sim_bieu06_write_tsv(&t, fp);
 *   out:
 *     sim_bieu06_release(&t);
 */
#ifndef TTHC_SIM_TRUTH_H
#define TTHC_SIM_TRUTH_H

#include <stdio.h>

#include "model.h"

typedef enum {
  SIM_TRUTH_OK = 0,
  SIM_TRUTH_BAD_ARG, /* unit not 5 or 2 digits, to < from */
  SIM_TRUTH_NOMEM,
  SIM_TRUTH_IO /* writing the TSV failed */
} sim_truth_result;

/* The Biểu 06 column a dossier falls in (besides its intake column). */
enum sim_b06_class {
  SIM_B06_NONE = 0, /* not in total: not accepted, or ended before */
  SIM_B06_EARLY,
  SIM_B06_ON_TIME,
  SIM_B06_LATE,
  SIM_B06_PENDING_IN_TIME,
  SIM_B06_PENDING_LATE,
  SIM_B06_STOPPED
};

/* How one dossier counts in a period [from_start, period_end). */
struct sim_b06_place {
  enum sim_b06_class cls;
  bool received;            /* received inside the period */
  bool carried_over;        /* received before, still open at from_start */
  enum sim_channel channel; /* normalised: ABSENT becomes DIRECT */
};

struct sim_bieu06_row {
  char field_code[16]; /* "" in the total row (NULL in SQL) */
  char field_name[128];
  long total, received_online, received_direct, received_postal;
  long carried_over, resolved_early, resolved_on_time, resolved_late;
  long pending_in_time, pending_late, stopped;
};

struct sim_bieu06 {
  struct sim_bieu06_row *rows; /* per field, ascending field code */
  size_t nrows;
  struct sim_bieu06_row sum; /* "Tổng cộng" */
};

/*
 * Place one dossier in the period starting at from_start (local
 * midnight of `from`) and ending, exclusive, at period_end (local
 * midnight after `to`).  Pure; the rules are those of decisions.md.
 */
void sim_truth_place(const struct sim_dossier *d, sim_time from_start, sim_time period_end,
                     struct sim_b06_place *out);

/*
 * Biểu 06 for a unit (5-digit commune, or 2-digit province = all its
 * registered communes) and the local days [day_from, day_to].  Only
 * fields with a non-zero total get a row; the total row is always
 * there.  Aborts if a row breaks total = resolved + pending + stopped,
 * which can only be a generator or truth bug.
 */
sim_truth_result sim_truth_bieu06(const struct sim_model *m, const char *unit, int64_t day_from,
                                  int64_t day_to, struct sim_bieu06 *out);

/*
 * Write the table in PostgreSQL COPY text format with a header line:
 * tab-separated, the total row's field code as \N.
 */
sim_truth_result sim_bieu06_write_tsv(const struct sim_bieu06 *t, FILE *fp);

/* Free the rows; safe on a zeroed or released table. */
void sim_bieu06_release(struct sim_bieu06 *t);

/*
 * The sync-discrepancy truth (metrics.md §5), judged at the model's
 * as_of: for every dossier with an origin record (city, or ministry -
 * the ministry is the origin of a dossier in both), compare the origin's
 * record with the portal's copy (links.h) and write one row per (dossier,
 * class), TSV with the header origin_system, origin_code, class, sorted
 * bytewise.  origin_system is TTHC_TP or HOTICH_BTP, origin_code the
 * origin's code normalised (sim_code_normalise).  Classes:
 *   missing_on_portal  accepted more than a day before as_of, no copy;
 *   stale_on_portal    ended in the origin; the copy has no end, or an
 *                      earlier status (progress 1 < 2 < 4,5,6 < 9 <
 *                      10,3,7,8);
 *   false_overdue_on_portal  early, on time or pending in time by the
 *                      origin, late or pending late by the copy
 *                      (pending judged at as_of, decisions.md rules);
 *   date_mismatch      received or due absent in one and not the other,
 *                      or more than 60 s apart.
 * Portal-only dossiers have no origin and give no row.
 */
sim_truth_result sim_truth_discrepancies(const struct sim_model *m, FILE *fp);

/*
 * Overdue dossiers per department for a unit and period, as
 * tthc.report_overdue_by_department returns them (TSV with a header:
 * department_code, department_name, resolved_late, pending_late,
 * overdue_total): resolved late in the period or pending late at its end,
 * only departments with at least one, by code bytewise. The department is
 * the one the warehouse can know: none ("?", "Chưa xác định phòng ban")
 * for a ministry dossier that is neither in the city system nor on the
 * portal, as the ministry sends no department.
 */
sim_truth_result sim_truth_overdue_by_department(const struct sim_model *m, const char *unit,
                                                 int64_t day_from, int64_t day_to, FILE *fp);

/* Static English description of r; never NULL. */
const char *sim_truth_strerror(sim_truth_result r);

#endif
