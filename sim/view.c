/*
 * view - a source system's served records (see view.h).
 */
#include "view.h"

#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "links.h"

static int entry_cmp(const void *a, const void *b)
{
  const struct sim_entry *x = a, *y = b;
  int c;

  if (x->upd != y->upd)
    return x->upd < y->upd ? -1 : 1;
  c = strcmp(x->key, y->key);
  if (c)
    return c;
  return x->id < y->id ? -1 : x->id > y->id;
}

static bool in_view(const struct sim_dossier *d, enum sim_kind kind)
{
  switch (kind) {
  case SIM_KIND_CITY:
    return d->origin == SIM_ORIGIN_CITY || (d->origin == SIM_ORIGIN_MINISTRY && d->via_counter);
  case SIM_KIND_MINISTRY: return d->origin == SIM_ORIGIN_MINISTRY;
  default: return d->push != SIM_PUSH_MISSING;
  }
}

static const char *key_of(const struct sim_dossier *d, enum sim_kind kind)
{
  switch (kind) {
  case SIM_KIND_CITY: return d->code;
  case SIM_KIND_MINISTRY: return d->ministry_code;
  default: return d->portal_code;
  }
}

/* yymmdd of a local day. */
static void yymmdd(sim_time t, char *out)
{
  int y, m, d;

  sim_civil_from_days(sim_local_day(t), &y, &m, &d);
  out[0] = (char)('0' + (y / 10) % 10);
  out[1] = (char)('0' + y % 10);
  out[2] = (char)('0' + m / 10);
  out[3] = (char)('0' + m % 10);
  out[4] = (char)('0' + d / 10);
  out[5] = (char)('0' + d % 10);
  out[6] = '\0';
}

static void make_junk(struct sim_view *v, enum sim_kind kind, size_t k,
                      const struct sim_entry *tmpl, struct sim_junk *j)
{
  const struct sim_dossier *d = tmpl->d;
  uint64_t x = sim_rng_next(&v->rng);
  unsigned nreasons = kind == SIM_KIND_CITY ? SIM_JUNK_INVALID_UTF8 : SIM_JUNK_COUNT;
  char day[8], prefix[16];
  const char *dot;
  int y, mo, dd;

  memset(j, 0, sizeof(*j));
  j->kind = kind;
  j->tmpl = d;
  j->reason = (enum sim_junk_reason)(x % nreasons);
  j->variant = (unsigned)(x >> 32);
  memcpy(j->commune, d->commune, sizeof(j->commune));
  j->upd = tmpl->upd + 1 + (sim_time)((x >> 8) % 600);
  if (j->upd > v->as_of)
    j->upd = v->as_of;
  if (j->reason == SIM_JUNK_MISSING_CODE)
    return;
  yymmdd(d->submitted_at, day);
  switch (kind) {
  case SIM_KIND_MINISTRY:
    sim_civil_from_days(sim_local_day(d->submitted_at), &y, &mo, &dd);
    snprintf(j->code, sizeof(j->code), "BTP-HT-%04d-%s-9%05zu", y, d->commune, k % 100000);
    break;
  case SIM_KIND_CITY:
    dot = strchr(d->code, '.');
    snprintf(prefix, sizeof(prefix), "%.*s", dot ? (int)(dot - d->code) : 3, d->code);
    snprintf(j->code, sizeof(j->code), "%s.%s-%s-9%04zu", prefix, d->commune, day, k % 10000);
    break;
  default:
    snprintf(j->code, sizeof(j->code), "G22.%s-%s-9%04zu", d->commune, day, k % 10000);
    break;
  }
}

int sim_view_build(struct sim_view *v, const struct sim_model *m, enum sim_kind kind,
                   unsigned junk_ppm, uint64_t seed)
{
  size_t ncopy = 0, nreal = 0, c = 0;

  memset(v, 0, sizeof(*v));
  v->as_of = m->as_of;
  sim_rng_init(&v->rng, sim_mix(seed, 0x7ea0 + (uint64_t)kind));
  pthread_mutex_init(&v->lock, NULL);
  for (size_t i = 0; i < m->ndossiers; i++) {
    const struct sim_dossier *d = &m->dossiers[i];

    if (!in_view(d, kind))
      continue;
    nreal++;
    ncopy += kind == SIM_KIND_PORTAL && d->push != SIM_PUSH_OK;
  }
  if (junk_ppm && nreal)
    v->njunk = (size_t)(((uint64_t)nreal * junk_ppm + 500000) / 1000000);
  if (junk_ppm && nreal && !v->njunk)
    v->njunk = 1;
  v->v = malloc((nreal + v->njunk + 1) * sizeof(*v->v));
  v->copies = calloc(ncopy + 1, sizeof(*v->copies));
  v->junk = calloc(v->njunk + 1, sizeof(*v->junk));
  if (!v->v || !v->copies || !v->junk) {
    sim_view_release(v);
    return -1;
  }
  for (size_t i = 0; i < m->ndossiers; i++) {
    const struct sim_dossier *d = &m->dossiers[i];
    struct sim_entry *e;

    if (!in_view(d, kind))
      continue;
    if (kind == SIM_KIND_PORTAL && d->push != SIM_PUSH_OK) {
      sim_links_portal_copy(d, &v->copies[c]);
      d = &v->copies[c++];
    }
    e = &v->v[v->n];
    e->d = d;
    e->junk = NULL;
    e->upd = d->updated_at;
    e->key = key_of(d, kind);
    e->commune = d->commune;
    e->id = (uint32_t)v->n++;
  }
  v->ncopies = c;
  for (size_t k = 0; k < v->njunk; k++) {
    const struct sim_entry *t = &v->v[sim_rng_below(&v->rng, nreal)];
    struct sim_entry *e = &v->v[v->n];

    make_junk(v, kind, k, t, &v->junk[k]);
    e->d = NULL;
    e->junk = &v->junk[k];
    e->upd = v->junk[k].upd;
    e->key = v->junk[k].code;
    e->commune = v->junk[k].commune;
    e->id = (uint32_t)v->n++;
  }
  qsort(v->v, v->n, sizeof(*v->v), entry_cmp);
  return 0;
}

void sim_view_release(struct sim_view *v)
{
  if (!v->v && !v->copies && !v->junk)
    return;
  free(v->v);
  free(v->copies);
  free(v->junk);
  pthread_mutex_destroy(&v->lock);
  memset(v, 0, sizeof(*v));
}

size_t sim_view_lower_bound(const struct sim_view *v, sim_time t)
{
  size_t lo = 0, hi = v->n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;

    if (v->v[mid].upd < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Whether an update may move e. Not a stop with no recorded time: it ends
 * at its update time (decisions.md), so moving it would change the truth.
 * Not a junk record: its raw text holds its update time, so a moved one
 * would be quarantined twice as two different records. */
static bool may_move(const struct sim_entry *e)
{
  const struct sim_dossier *d = e->d;

  return d && !(d->received_at && !d->refused_at &&
                (d->status == 3 || d->status == 7 || d->status == 8));
}

#define DRIFT_SPAN 200

int sim_view_drift(struct sim_view *v, const char *commune, sim_time from, sim_time to, long first)
{
  size_t cand[DRIFT_SPAN], nc = 0;
  sim_time limit = to < v->as_of ? to : v->as_of;
  long pos = 0;
  int want, moved = 0;

  for (size_t i = sim_view_lower_bound(v, from); i < v->n && v->v[i].upd <= to && nc < DRIFT_SPAN;
       i++) {
    if (commune && strcmp(v->v[i].commune, commune))
      continue;
    if (pos++ >= first && v->v[i].upd < limit && may_move(&v->v[i]))
      cand[nc++] = i;
  }
  want = 1 + (int)sim_rng_below(&v->rng, 3);
  for (int k = 0; k < want && nc; k++) {
    size_t j = sim_rng_below(&v->rng, nc);
    struct sim_entry *e = &v->v[cand[j]];

    e->upd += 1 + (sim_time)sim_rng_below(&v->rng, (uint64_t)(limit - e->upd));
    cand[j] = cand[--nc];
    moved++;
  }
  if (moved)
    qsort(v->v, v->n, sizeof(*v->v), entry_cmp);
  return moved;
}

int sim_view_drift_served(struct sim_view *v, const char *commune, sim_time from, sim_time to,
                          long served, bool leave)
{
  sim_time limit = to < v->as_of ? to : v->as_of;
  size_t pick = SIZE_MAX, seen = 0;
  long pos = 0;

  /* Reservoir choice of one served entry (position < served) that can
   * still move: later than it is now. */
  for (size_t i = sim_view_lower_bound(v, from); i < v->n && v->v[i].upd <= to && pos < served;
       i++) {
    if (commune && strcmp(v->v[i].commune, commune))
      continue;
    pos++;
    if ((!leave && v->v[i].upd >= limit) || !may_move(&v->v[i]))
      continue;
    if (sim_rng_below(&v->rng, ++seen) == 0)
      pick = i;
  }
  if (pick == SIZE_MAX)
    return 0;
  /* Updated now: to the end of the window's listing, or past its end
   * (the client's fixed DenNgay), where only a later window sees it. */
  v->v[pick].upd = leave ? to + 1 : limit;
  qsort(v->v, v->n, sizeof(*v->v), entry_cmp);
  return 1;
}

bool sim_paging_fault(struct sim_view *v, const char *commune, sim_time from, sim_time to,
                      long first, long size, int fault)
{
  switch (fault) {
  case SIM_FAULT_DRIFT: return sim_view_drift(v, commune, from, to, first) > 0;
  case SIM_FAULT_DRIFT_SERVED:
  case SIM_FAULT_DRIFT_OUT:
    return sim_view_drift_served(v, commune, from, to, first + size, fault == SIM_FAULT_DRIFT_OUT) >
           0;
  case SIM_FAULT_MISCOUNT: return true; /* the caller announces it */
  default: return true;                 /* not a paging fault: keep it */
  }
}
