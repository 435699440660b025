/*
 * draw - draws shared by the generator and the scenario presets (see
 * draw.h).
 */
#include "draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN  60
#define HOUR 3600

bool sim_draw_weekend(int64_t day)
{
  return sim_weekday(day) >= 5;
}

int64_t sim_draw_add_working_days(int64_t day, int n)
{
  while (n > 0) {
    day++;
    if (!sim_draw_weekend(day))
      n--;
  }
  return day;
}

sim_time sim_draw_work_time(struct sim_rng *r, int64_t day, bool morning)
{
  int64_t s;

  if (morning || sim_rng_permille(r, 550))
    s = sim_rng_between(r, 7 * HOUR + 30 * MIN, 11 * HOUR + 30 * MIN);
  else
    s = sim_rng_between(r, 13 * HOUR + 30 * MIN, 17 * HOUR);
  return sim_local_midnight(day) + s;
}

sim_time sim_draw_next_working(struct sim_rng *r, sim_time t)
{
  int64_t day = sim_local_day(t);
  int sod = sim_local_second_of_day(t);

  if (!sim_draw_weekend(day) && sod >= 7 * HOUR + 30 * MIN && sod < 17 * HOUR)
    return t;
  if (sim_draw_weekend(day) || sod >= 17 * HOUR)
    do
      day++;
    while (sim_draw_weekend(day));
  return sim_local_midnight(day) + 7 * HOUR + 30 * MIN + sim_rng_between(r, 0, 90 * MIN);
}

sim_time sim_draw_due(struct sim_rng *r, sim_time received, int days)
{
  int64_t rday = sim_local_day(received);
  int sod = sim_local_second_of_day(received);

  if (days == 0) {
    if (sod < 15 * HOUR && !sim_draw_weekend(rday) && sim_rng_permille(r, 400))
      return sim_local_midnight(rday) + 17 * HOUR;
    return sim_local_midnight(sim_draw_add_working_days(rday, 1)) +
           (sim_rng_permille(r, 500) ? 11 : 17) * HOUR;
  }
  if (sim_rng_permille(r, 600))
    return sim_local_midnight(sim_draw_add_working_days(rday, days)) + 17 * HOUR;
  /* Same clock time as the receipt: night receipts give night dues. */
  return sim_local_midnight(sim_draw_add_working_days(rday, days)) + sod;
}

const struct sim_procedure *sim_draw_procedure(struct sim_rng *r, const struct sim_department *dept)
{
  unsigned w[64];
  size_t n = sim_nprocedures < 64 ? sim_nprocedures : 64;

  for (size_t i = 0; i < n; i++) {
    const struct sim_procedure *p = &sim_procedures[i];

    w[i] = p->weight;
    if (dept && p->dept != dept)
      w[i] = 0;
  }
  return &sim_procedures[sim_rng_weighted(r, w, (unsigned)n)];
}

static int numbered_cmp(const void *a, const void *b)
{
  const struct sim_numbered *x = a, *y = b;

  if (x->day != y->day)
    return x->day < y->day ? -1 : 1;
  if (x->order != y->order)
    return x->order < y->order ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

void sim_draw_codes(void *base, size_t n, size_t size, const char *prefix)
{
  int64_t day = INT64_MIN;
  int year = 0;
  unsigned seq = 0, yseq = 0;

  qsort(base, n, size, numbered_cmp);
  for (size_t i = 0; i < n; i++) {
    struct sim_numbered *v = (struct sim_numbered *)((char *)base + i * size);
    struct sim_dossier *d = &v->d;
    int y, m, dd;

    sim_civil_from_days(v->day, &y, &m, &dd);
    if (v->day != day) {
      day = v->day;
      seq = 0;
    }
    if (y != year) {
      year = y;
      yseq = 0;
    }
    seq++;
    snprintf(d->code, sizeof(d->code), "%s.%s-%02d%02d%02d-%05u", prefix, d->commune, y % 100, m,
             dd, seq % 100000);
    switch (d->origin) {
    case SIM_ORIGIN_MINISTRY:
      snprintf(d->ministry_code, sizeof(d->ministry_code), "BTP-HT-%04d-%s-%06u", y, d->commune,
               ++yseq % 1000000);
      memcpy(d->portal_code, d->ministry_code, sizeof(d->portal_code));
      break;
    case SIM_ORIGIN_PORTAL:
      snprintf(d->portal_code, sizeof(d->portal_code), "G22.%s-%02d%02d%02d-%05u", d->commune,
               y % 100, m, dd, seq % 100000);
      break;
    default: memcpy(d->portal_code, d->code, sizeof(d->portal_code)); break;
    }
    for (int k = 0; k < d->nresults; k++) {
      struct sim_result_doc *res = &d->results[k];
      char link[sizeof(res->link)];

      if (!res->link[0])
        continue;
      snprintf(link, sizeof(link), "https://ketqua.example.invalid/%s/%s.pdf", d->portal_code,
               res->code);
      memcpy(res->link, link, sizeof(link));
    }
  }
}
