/*
 * rates - metrics.md §4 from the model (see rates.h and docs/decisions.md).
 *
 * Written from the rules, not from the SQL: like truth.c, the point is a
 * second, independent reading.
 */
#include "rates.h"

#include <string.h>

#include "links.h"

static bool any_link(const struct sim_dossier *d)
{
  for (int i = 0; i < d->nresults; i++)
    if (d->results[i].link[0])
      return true;
  return false;
}

void sim_rates_merged(const struct sim_dossier *d, struct sim_merged *out)
{
  struct sim_dossier copy;
  bool ministry = d->origin == SIM_ORIGIN_MINISTRY;
  /* The city holds its own dossiers and the ministry's counter ones. */
  bool city = d->origin == SIM_ORIGIN_CITY || (ministry && d->via_counter);
  bool digitised = false, reused = false, store = false;
  long fee = 0;

  memset(out, 0, sizeof(*out));
  out->on_portal = sim_links_portal_copy(d, &copy);
  for (int i = 0; i < d->ncomp; i++) {
    digitised |= d->comp[i].digitised;
    reused |= d->comp[i].reused != 0;
    store |= d->comp[i].from_store;
  }
  for (int i = 0; i < d->nfees; i++)
    fee += d->fees[i].amount;

  /*
	 * Processing fields (ministry, city, portal).  The origin always
	 * renders the components, results and fees of the dossier as it is,
	 * and a portal copy (even a stale one) has the same components, and
	 * no more results: the first value present is the model's.  The one
	 * gap: the ministry has no citizen-store flag, so for a ministry
	 * dossier the city's (counter dossiers) or the portal copy's decides,
	 * and with neither (a missing push) no system says so: false.
	 */
  out->digitised = digitised;
  out->reused = reused;
  out->e_result = any_link(d);
  out->from_store = store && (!ministry || city || out->on_portal);

  /* Intake: every system carrying a fee renders the same amounts. */
  out->fee_total = fee;

  /*
	 * Portal-side (portal, city, ministry).  The portal's
	 * DuocThanhToanTrucTuyen is always sent (0/3 read as 0), and a stale
	 * copy keeps it; without a copy, the city (when it lists a fee) or
	 * the ministry says paid online through the gateway (2) or not (0).
	 */
  if (out->on_portal)
    out->paid_online = copy.paid_online == 1 || copy.paid_online == 2 ? copy.paid_online : 0;
  else if ((city && d->nfees) || ministry)
    out->paid_online = d->paid_online == 1 || d->paid_online == 2 ? 2 : 0;
  else
    out->paid_online = -1;
  /*
	 * Rating and complaint exist only on the portal: a copy that went
	 * stale before the dossier finished has neither (the origin has no
	 * value to put in their place), and a missing copy none at all.
	 */
  if (out->on_portal) {
    out->rating = copy.rating;
    out->complaint = copy.complaint;
  }
}

sim_truth_result sim_truth_rates(const struct sim_model *m, const char *unit, int64_t day_from,
                                 int64_t day_to, struct sim_rates *out)
{
  sim_time from_start = sim_local_midnight(day_from);
  sim_time period_end = sim_local_midnight(day_to + 1);

  memset(out, 0, sizeof(*out));
  if (!unit || (!sim_is_digits(unit, 5) && !sim_is_digits(unit, 2)) || day_to < day_from)
    return SIM_TRUTH_BAD_ARG;
  for (size_t i = 0; i < m->ndossiers; i++) {
    const struct sim_dossier *d = &m->dossiers[i];
    struct sim_b06_place p;
    struct sim_merged g;
    bool resolved, pending;

    if (!sim_model_unit_covers(m, unit, d->commune))
      continue;
    sim_truth_place(d, from_start, period_end, &p);
    if (!p.received && !p.carried_over)
      continue;
    sim_rates_merged(d, &g);
    resolved = p.cls == SIM_B06_EARLY || p.cls == SIM_B06_ON_TIME || p.cls == SIM_B06_LATE;
    pending = p.cls == SIM_B06_PENDING_IN_TIME || p.cls == SIM_B06_PENDING_LATE;

    /* Resolved in period: received before or in it (Biểu 06). */
    if (resolved) {
      out->resolved++;
      if (p.cls == SIM_B06_LATE)
        out->late++;
      else
        out->early_on_time++;
      out->e_result += g.e_result;
      out->dissatisfied += g.complaint || g.rating == 3;
    }
    /* Handled in period: resolved, or pending at its end; not stopped. */
    if (resolved || pending) {
      out->handled++;
      out->handled_ok +=
        p.cls == SIM_B06_EARLY || p.cls == SIM_B06_ON_TIME || p.cls == SIM_B06_PENDING_IN_TIME;
    }
    /* The intake rates: accepted inside the period. */
    if (!p.received)
      continue;
    out->received++;
    out->online += p.channel == SIM_CHANNEL_ONLINE;
    out->digitised += g.digitised;
    out->reused += g.reused;
    out->from_store += g.from_store;
    out->on_portal += g.on_portal;
    if (g.fee_total > 0) {
      out->with_fee++;
      out->paid_online += g.paid_online == 1 || g.paid_online == 2;
    }
    /* Resolved by period end needs the e-result; pending or stopped not. */
    out->digitised_766 += g.digitised && (!resolved || g.e_result);
  }
  return SIM_TRUTH_OK;
}

bool sim_rate_hundredths(uint64_t num, uint64_t den, uint64_t *out)
{
  __extension__ typedef unsigned __int128 u128;

  if (!den)
    return false;
  /* round(10000 num / den), half up: floor((20000 num + den) / 2 den) */
  *out = (uint64_t)(((u128)num * 20000u + den) / ((u128)den * 2u));
  return true;
}

/* A rate and, when wanted, its full-points flag (rounded value >= min). */
struct rate {
  bool set;
  uint64_t h; /* hundredths of a percent */
};

static struct rate pct(uint64_t num, uint64_t den)
{
  struct rate r = { false, 0 };

  r.set = sim_rate_hundredths(num, den, &r.h);
  return r;
}

static void put_rate(FILE *fp, struct rate r)
{
  if (r.set)
    fprintf(fp, "\t%llu.%02llu", (unsigned long long)(r.h / 100), (unsigned long long)(r.h % 100));
  else
    fputs("\t\\N", fp);
}

static void put_flag(FILE *fp, struct rate r, uint64_t min_h)
{
  fputs(!r.set ? "\t\\N" : r.h >= min_h ? "\tt" : "\tf", fp);
}

sim_truth_result sim_rates_write_tsv(const struct sim_rates *r, FILE *fp)
{
  __extension__ typedef unsigned __int128 u128;
  uint64_t rec = (uint64_t)r->received, res = (uint64_t)r->resolved;
  struct rate online766 = { false, 0 }, satisfaction = { false, 0 };

  /* online share x sync share, unrounded: online on_portal / received^2 */
  if (rec) {
    u128 num = (u128)(uint64_t)r->online * (uint64_t)r->on_portal;
    u128 den = (u128)rec * rec;

    online766.set = true;
    online766.h = (uint64_t)((num * 20000u + den) / (den * 2u));
  }
  /* 100 - (late + dissatisfied) / resolved, floored at 0 */
  if (res) {
    uint64_t bad = (uint64_t)r->late + (uint64_t)r->dissatisfied;

    satisfaction.set = true;
    if (bad < res)
      sim_rate_hundredths(res - bad, res, &satisfaction.h);
  }
  fputs("received\tresolved\tonline_rate\ton_time_rate\toverdue_rate\t"
        "component_digitised_rate\tresult_digitised_rate\treuse_rate\t"
        "citizen_store_rate\tonline_payment_rate\tsync_rate\ton_time_rate_766\t"
        "online_rate_766\tdigitised_rate_766\tsatisfaction_766\t"
        "online_rate_766_full_points\tdigitised_rate_766_full_points\t"
        "satisfaction_766_full_points\n",
        fp);
  fprintf(fp, "%ld\t%ld", r->received, r->resolved);
  put_rate(fp, pct((uint64_t)r->online, rec));
  put_rate(fp, pct((uint64_t)r->early_on_time, res));
  put_rate(fp, pct((uint64_t)r->late, res));
  put_rate(fp, pct((uint64_t)r->digitised, rec));
  put_rate(fp, pct((uint64_t)r->e_result, res));
  put_rate(fp, pct((uint64_t)r->reused, rec));
  put_rate(fp, pct((uint64_t)r->from_store, rec));
  put_rate(fp, pct((uint64_t)r->paid_online, (uint64_t)r->with_fee));
  put_rate(fp, pct((uint64_t)r->on_portal, rec));
  put_rate(fp, pct((uint64_t)r->handled_ok, (uint64_t)r->handled));
  put_rate(fp, online766);
  put_rate(fp, pct((uint64_t)r->digitised_766, rec));
  put_rate(fp, satisfaction);
  put_flag(fp, online766, 5000);
  put_flag(fp, pct((uint64_t)r->digitised_766, rec), 8000);
  put_flag(fp, satisfaction, 9000);
  fputc('\n', fp);
  return fflush(fp) == 0 && !ferror(fp) ? SIM_TRUTH_OK : SIM_TRUTH_IO;
}
