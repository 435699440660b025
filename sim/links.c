/*
 * links - cross-system facts and push failures (see links.h).
 */
#include "links.h"

#include <stdio.h>
#include <string.h>

#include "rng.h"

#define HOUR 3600

static uint64_t h(const struct sim_dossier *d, uint64_t seed, uint64_t salt)
{
  return sim_mix(sim_mix(seed, d->variety), salt);
}

sim_time sim_links_end(const struct sim_dossier *d)
{
  sim_time e = SIM_TIME_NONE;

  if (d->finished_at)
    e = d->finished_at;
  if (d->returned_at && (!e || d->returned_at < e))
    e = d->returned_at;
  if (!e && d->received_at && (d->status == 3 || d->status == 7 || d->status == 8))
    e = d->refused_at ? d->refused_at : d->updated_at;
  return e;
}

/* G22.<commune>-<yymmdd>-<n>: the city code after its prefix. */
static void national_code(struct sim_dossier *d)
{
  const char *dot = strchr(d->code, '.');
  char buf[SIM_CODE_MAX];

  snprintf(buf, sizeof(buf), "G22.%.35s", dot ? dot + 1 : d->code);
  memcpy(d->portal_code, buf, sizeof(buf));
}

static void choose_push(struct sim_dossier *d, uint64_t seed)
{
  uint64_t x = h(d, seed, 0x9a7e);
  sim_time end = sim_links_end(d);
  unsigned kind = (unsigned)(x % 100);

  x /= 100;
  /* The portal's copy of a ministry stop is where its refusal time
	 * is; without it the warehouse could not know it: never fails. */
  if (d->origin == SIM_ORIGIN_MINISTRY && !d->via_counter && d->refused_at &&
      (d->status == 3 || d->status == 7 || d->status == 8))
    return;
  if (end && end - d->received_at > 20 * 60 && kind < 70) {
    sim_time span = end - d->received_at;

    d->push = SIM_PUSH_STALE;
    /* between 5 % and 90 % of the way to the end */
    d->push_at = d->received_at + span / 20 + (sim_time)(x % (uint64_t)(span * 17 / 20 + 1));
    if (d->push_at >= end)
      d->push_at = end - 1;
    return;
  }
  if (kind < 85 || !d->due_at) {
    d->push = SIM_PUSH_MISSING;
    return;
  }
  d->push = SIM_PUSH_DATES;
  if (x % 2)
    d->due_shift = SIM_DAY;
  else
    d->recv_shift = -(int32_t)(5 * 60 + (x / 2) % (50 * 60));
}

void sim_links_apply(struct sim_model *m, const struct sim_link_options *o)
{
  for (size_t i = 0; i < m->ndossiers; i++) {
    struct sim_dossier *d = &m->dossiers[i];
    unsigned ppm;

    if (d->origin == SIM_ORIGIN_MINISTRY)
      d->via_counter = d->channel != SIM_CHANNEL_ONLINE || h(d, 0, 0xc0de) % 1000 < 200;
    if (d->origin == SIM_ORIGIN_CITY && o->national_ppm && strcmp(d->portal_code, d->code) == 0 &&
        h(d, o->seed, 0x6a22) % 1000000 < o->national_ppm)
      national_code(d);
    if (d->push != SIM_PUSH_OK || !d->received_at || d->origin == SIM_ORIGIN_PORTAL)
      continue;
    ppm = d->origin == SIM_ORIGIN_MINISTRY ? o->push_ppm : o->push_ppm / 4;
    if (ppm && h(d, o->seed, 0x9f1) % 1000000 < ppm)
      choose_push(d, o->seed);
  }
}

bool sim_links_portal_copy(const struct sim_dossier *d, struct sim_dossier *out)
{
  switch (d->push) {
  case SIM_PUSH_MISSING: return false;
  case SIM_PUSH_STALE: sim_dossier_as_of(d, d->push_at, out); return true;
  case SIM_PUSH_DATES:
    *out = *d;
    out->push = SIM_PUSH_OK;
    if (out->received_at)
      out->received_at += out->recv_shift;
    if (out->due_at)
      out->due_at += out->due_shift;
    out->recv_shift = out->due_shift = 0;
    return true;
  default: *out = *d; return true;
  }
}

void sim_code_variant(const char *code, uint64_t v, char *out, size_t n)
{
  unsigned how = (unsigned)(v % 10);
  size_t j = 0;

  if (!n)
    return;
  if (how == 8 && j + 1 < n)
    out[j++] = ' ';
  for (const char *c = code; *c && j + 1 < n; c++) {
    char ch = *c;

    if ((how == 5 || how == 7) && ch >= 'A' && ch <= 'Z')
      ch = (char)(ch - 'A' + 'a');
    if ((how == 6 || how == 7) && ch == '-')
      ch = '_';
    out[j++] = ch;
    if (how == 9 && ch == '.' && c == strchr(code, '.') && j + 1 < n)
      out[j++] = ' ';
  }
  if (how == 8 && j + 1 < n)
    out[j++] = ' ';
  out[j] = '\0';
}
