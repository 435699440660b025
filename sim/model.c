/*
 * model - storage for the dossier model (see model.h).
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

bool sim_is_digits(const char *s, size_t n)
{
  if (!s || strlen(s) != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

void sim_model_init(struct sim_model *m, sim_time as_of)
{
  memset(m, 0, sizeof(*m));
  m->as_of = as_of;
}

void sim_model_release(struct sim_model *m)
{
  sim_time as_of = m->as_of;

  free(m->communes);
  free(m->dossiers);
  sim_model_init(m, as_of);
}

sim_model_result sim_model_add_commune(struct sim_model *m, const char *code, const char *province)
{
  struct sim_commune *c;

  if (!sim_is_digits(code, 5) || sim_model_commune(m, code) ||
      (province && *province && !sim_is_digits(province, 2)))
    return SIM_MODEL_BAD_ARG;
  c = realloc(m->communes, (m->ncommunes + 1) * sizeof(*c));
  if (!c)
    return SIM_MODEL_NOMEM;
  m->communes = c;
  c = &m->communes[m->ncommunes++];
  memset(c, 0, sizeof(*c));
  memcpy(c->code, code, 5);
  if (province)
    memcpy(c->province, province, strlen(province));
  return SIM_MODEL_OK;
}

const struct sim_commune *sim_model_commune(const struct sim_model *m, const char *code)
{
  for (size_t i = 0; i < m->ncommunes; i++)
    if (strcmp(m->communes[i].code, code) == 0)
      return &m->communes[i];
  return NULL;
}

struct sim_dossier *sim_model_append(struct sim_model *m)
{
  struct sim_dossier *d;

  if (m->ndossiers == m->alloc) {
    size_t n = m->alloc ? m->alloc * 2 : 1024;

    d = realloc(m->dossiers, n * sizeof(*d));
    if (!d)
      return NULL;
    m->dossiers = d;
    m->alloc = n;
  }
  d = &m->dossiers[m->ndossiers++];
  memset(d, 0, sizeof(*d));
  return d;
}

bool sim_model_unit_covers(const struct sim_model *m, const char *unit, const char *commune)
{
  const struct sim_commune *c;

  if (sim_is_digits(unit, 5))
    return strcmp(unit, commune) == 0;
  if (!sim_is_digits(unit, 2))
    return false;
  c = sim_model_commune(m, commune);
  return c && strcmp(c->province, unit) == 0;
}

static sim_time kept(sim_time v, sim_time t)
{
  return v != SIM_TIME_NONE && v <= t ? v : SIM_TIME_NONE;
}

void sim_dossier_as_of(const struct sim_dossier *d, sim_time t, struct sim_dossier *out)
{
  bool stopped = d->status == 3 || d->status == 7 || d->status == 8;
  sim_time stop_at = stopped ? (d->refused_at ? d->refused_at : d->updated_at) : SIM_TIME_NONE;
  bool open = false;
  int n = 0;

  *out = *d;
  out->push = SIM_PUSH_OK;
  out->updated_at = t;
  if (!kept(d->received_at, t)) {
    out->received_at = out->due_at = SIM_TIME_NONE;
    out->finished_at = out->returned_at = SIM_TIME_NONE;
    out->refused_at = d->received_at ? SIM_TIME_NONE : kept(d->refused_at, t);
    out->nsupp = out->nresults = out->rating = 0;
    out->complaint = false;
    out->status = out->refused_at ? 3 : 1;
    return;
  }
  for (int i = 0; i < d->nsupp; i++) {
    struct sim_supplement s = d->supp[i];

    if (s.requested_at > t)
      continue;
    s.completed_at = kept(s.completed_at, t);
    open |= !s.completed_at;
    out->supp[n++] = s;
  }
  out->nsupp = n;
  out->finished_at = kept(d->finished_at, t);
  out->returned_at = kept(d->returned_at, t);
  out->refused_at = kept(d->refused_at, t);
  if (out->returned_at)
    out->status = 10;
  else if (out->finished_at)
    out->status = 9;
  else if (stop_at && stop_at <= t)
    out->status = d->status;
  else if (open)
    out->status = 5;
  else if (d->status == 6)
    out->status = 6;
  else if (t - d->received_at < 2 * 3600)
    out->status = 2;
  else
    out->status = 4;
  if (out->status < 9) {
    out->nresults = out->rating = 0;
    out->complaint = false;
  }
}

int sim_ministry_status(int national)
{
  switch (national) {
  case 1: return 1;
  case 5: return 2;
  case 9:
  case 10: return 4;
  case 3:
  case 7:
  case 8: return 6;
  default: /* 2, 4, 6: being processed */ return 3;
  }
}

int sim_ministry_to_national(int ministry, bool returned)
{
  switch (ministry) {
  case 1: return 1;
  case 2: return 5;
  case 3: return 4;
  case 4: return returned ? 10 : 9;
  case 6: return 3;
  default: return 0;
  }
}

void sim_code_normalise(const char *code, char *out, size_t n)
{
  size_t j = 0;

  if (!n)
    return;
  for (; code && *code && j + 1 < n; code++) {
    unsigned char c = (unsigned char)*code;

    if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
      continue;
    if (c == '_')
      c = '-';
    else if (c >= 'a' && c <= 'z')
      c = (unsigned char)(c - 'a' + 'A');
    out[j++] = (char)c;
  }
  out[j] = '\0';
}
