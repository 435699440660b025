/*
 * view - what one source system serves: its records of the model, in its
 * listing order, plus injected junk records, with offset-paging drift.
 *
 * An entry is one record a system shows: a dossier of the model (or the
 * portal's copy of it, which a failed push can make stale), or a junk
 * record (junk.h) that is not part of the model.  Entries are kept in
 * (NgayCapNhat as served, key, id) order, the order every listing uses.
 * Drift (fault.h) moves entries to a later NgayCapNhat while a client
 * pages; the view is shared by the request threads, so every access
 * holds `lock`.
 */
#ifndef TTHC_SIM_VIEW_H
#define TTHC_SIM_VIEW_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "junk.h"
#include "model.h"
#include "rng.h"

struct sim_entry {
  const struct sim_dossier *d; /* the record's dossier; NULL = junk */
  const struct sim_junk *junk; /* junk record, else NULL */
  sim_time upd;                /* NgayCapNhat as served now */
  const char *key;             /* ordering code (the system's code) */
  const char *commune;
  uint32_t id; /* unique: the last tie-breaker */
};

struct sim_view {
  struct sim_entry *v;
  size_t n;
  struct sim_dossier *copies; /* portal copies that differ (owned) */
  size_t ncopies;
  struct sim_junk *junk; /* owned */
  size_t njunk;
  sim_time as_of;
  struct sim_rng rng; /* drift choices */
  pthread_mutex_t lock;
};

/*
 * Build the view of `kind` over m: city = city dossiers and the ministry
 * ones received at the counter; ministry = ministry dossiers; portal =
 * every dossier's portal copy (links.h).  Then junk_ppm junk records per
 * million records (junk.h), drawn from a stream of seed.  -1 when out of
 * memory.
 */
int sim_view_build(struct sim_view *v, const struct sim_model *m, enum sim_kind kind,
                   unsigned junk_ppm, uint64_t seed);

void sim_view_release(struct sim_view *v);

/* First entry with upd >= t (call with the lock held). */
size_t sim_view_lower_bound(const struct sim_view *v, sim_time t);

/*
 * Drift: among the entries of the client's window (commune or NULL,
 * NgayCapNhat in [from, to]) from window position `first` on, move a few
 * (1..3) to a later NgayCapNhat, at most min(to, as_of).  Returns how
 * many moved.  Call with the lock held.
 */
int sim_view_drift(struct sim_view *v, const char *commune, sim_time from, sim_time to, long first);

/*
 * Drift of a record already served: one entry of the client's window among
 * its first `served` positions (the pages served so far, this one
 * included) is updated, so every later entry shifts one place earlier and
 * the one on the page boundary is never served. !leave: it moves to the
 * end of the window (NgayCapNhat = min(to, as_of)); the client sees it
 * twice. leave: its NgayCapNhat becomes to + 1 s, out of the client's
 * window (a later window sees it). The record's content is unchanged, so
 * the truth is too. Returns how many moved (0 or 1). Lock held.
 */
int sim_view_drift_served(struct sim_view *v, const char *commune, sim_time from, sim_time to,
                          long served, bool leave);

/*
 * A listing handler's paging fault, after it served positions [first,
 * first + size) of the window: drift, drift-served, drift-out move entries
 * (above); miscount needs nothing here. False when the fault had nothing
 * to act on (it is then not logged); true for any other fault. Lock held.
 */
bool sim_paging_fault(struct sim_view *v, const char *commune, sim_time from, sim_time to,
                      long first, long size, int fault);

#endif
