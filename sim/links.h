/*
 * links - the facts that tie the three systems' views of one dossier
 * together, and the failed pushes that make the portal's copy wrong.
 *
 * Applied to a generated (or scenario) model before it is served; every
 * choice is a hash of the dossier's own `variety` and the seed, so it
 * draws nothing from the generator's streams and the three simulators,
 * started with the same flags, agree on it.
 *
 *   - via_counter: a ministry (civil-status) dossier received at the
 *     commune counter is in the city system too; the ministry links it
 *     with maHoSoMCDT = the city's MaHoSo.  Every counter (direct or
 *     postal) ministry dossier, and a fifth of the online ones.
 *   - national codes (national_ppm): a share of the city dossiers get a
 *     portal code of their own (G22.<commune>-<yymmdd>-<n>); the city
 *     shows it as MaHoSoQuocGia and the portal gives the city code as
 *     MaHoSoBNDP.  Off by default: it changes the portal's records.
 *   - push failures (push_ppm): that share of the accepted ministry
 *     dossiers, and a quarter of it of the city ones, have a bad portal
 *     copy: stale (as of an instant before the dossier ended), missing,
 *     or with shifted received/due times.  Off by default.
 *
 *     struct sim_link_options lo = { .seed = 42, .push_ppm = 50000 };
 *     sim_links_apply(&model, &lo);
 */
#ifndef TTHC_SIM_LINKS_H
#define TTHC_SIM_LINKS_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct sim_link_options {
  uint64_t seed;
  unsigned push_ppm;     /* per million accepted ministry dossiers */
  unsigned national_ppm; /* per million city dossiers */
};

/*
 * Set via_counter, national codes and push failures.  Dossiers whose
 * push is already set (a scenario's own choice) keep it.
 */
void sim_links_apply(struct sim_model *m, const struct sim_link_options *o);

/*
 * The portal's copy of d into out; false when the portal has none
 * (SIM_PUSH_MISSING).  For SIM_PUSH_OK the copy equals d.
 */
bool sim_links_portal_copy(const struct sim_dossier *d, struct sim_dossier *out);

/*
 * A spelling of code as another system keeps it (sources.md: codes
 * compare after trimming, upper-casing, removing spaces, '_' = '-'):
 * by v, as it is (half the time), in lower case, with '_' for '-', both,
 * padded with spaces, or with a space after the first dot.
 */
void sim_code_variant(const char *code, uint64_t v, char *out, size_t n);

/* The instant the dossier ended (finished, returned or stopped), or NONE. */
sim_time sim_links_end(const struct sim_dossier *d);

#endif
