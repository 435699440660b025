/*
 * generator - planned dossier lives, cut at as_of (see generator.h).
 *
 * Each dossier is first planned as a whole life (struct plan) from its
 * own random draws, then cut at as_of.  Planning never looks at as_of, so
 * moving as_of only reveals or hides events: that is what makes "status
 * as of" trustworthy and testable.
 */
#include "generator.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "rng.h"

#define MIN  60
#define HOUR 3600

/* What the planned life of a dossier is (shares in kind_weights). */
enum plan_kind {
  K_FINISH,         /* processed and finished (early, on time, late) */
  K_STUCK,          /* accepted, never finished */
  K_SUPP_OPEN,      /* one supplement request, maybe never answered */
  K_SUPP_MANY,      /* several requests, the last never answered */
  K_WITHDRAW,       /* withdrawn after acceptance (7) */
  K_STOP,           /* processing stopped (8) */
  K_REFUSE_AFTER,   /* refused after acceptance (3) */
  K_REFUSE_INTAKE,  /* refused at intake (3, never accepted) */
  K_NEVER_ACCEPTED, /* submitted online, never accepted (1) */
  K_COUNT
};

static const unsigned kind_weights[K_COUNT] = { 920, 15, 15, 10, 12, 5, 5, 10, 8 };

enum finish_class { C_EARLY, C_ON_TIME, C_LATE, C_COUNT };

static const unsigned class_weights[C_COUNT] = { 880, 80, 40 };

struct plan {
  struct sim_numbered n; /* the whole life, before the cut; its code's day */
  int stop_status;       /* 3, 7 or 8 when the life ends in a stop */
  sim_time stop_at;      /* when it stops */
  bool stop_unrecorded;  /* NgayTuChoi left empty by the source */
  bool intake_refused;   /* refused_at is an intake refusal */
  bool pay_wait;         /* shows status 6 while pending */
  int lag;               /* seconds from last event to NgayCapNhat */
};

struct plans {
  struct plan *v;
  size_t n, alloc;
};

const char *sim_gen_strerror(sim_gen_result r)
{
  switch (r) {
  case SIM_GEN_OK: return "ok";
  case SIM_GEN_BAD_ARG: return "invalid generator options";
  case SIM_GEN_NOMEM: return "out of memory";
  }
  return "unknown generator error";
}

/* ---- calendar helpers -------------------------------------------- */

/*
 * A time in [lo, hi]: on a random day of the window, at counter hours
 * for staff or at any hour for an automated system (the ministry's
 * system finishes civil-status dossiers at night too, which is what
 * makes local and UTC dates differ).
 */
static sim_time pick_between(struct sim_rng *r, sim_time lo, sim_time hi, bool anytime)
{
  int64_t day;
  sim_time t;

  if (hi <= lo)
    return lo;
  day = sim_rng_between(r, sim_local_day(lo), sim_local_day(hi));
  t = anytime ? sim_local_midnight(day) + sim_rng_between(r, 0, SIM_DAY - 1)
              : sim_draw_work_time(r, day, false);
  if (t < lo)
    t = sim_rng_between(r, lo, hi - lo > 4 * HOUR ? lo + 4 * HOUR : hi);
  else if (t > hi)
    t = sim_rng_between(r, hi - lo > 4 * HOUR ? hi - 4 * HOUR : lo, hi);
  return t;
}

/* ---- planning ------------------------------------------------------ */

/* Intake: channel, origin, submitted and (planned) received times. */
static void plan_intake(struct sim_rng *r, struct plan *p, int64_t day, enum plan_kind kind)
{
  struct sim_dossier *d = &p->n.d;
  const struct sim_procedure *pr = d->proc;
  unsigned x = (unsigned)sim_rng_below(r, 1000);
  bool sunday = sim_weekday(day) == 6;

  if (sunday || kind == K_NEVER_ACCEPTED || x < pr->online_pm)
    d->channel = SIM_CHANNEL_ONLINE;
  else if (x < pr->online_pm + pr->postal_pm)
    d->channel = SIM_CHANNEL_POSTAL;
  else
    d->channel = sim_rng_permille(r, 80) ? SIM_CHANNEL_ABSENT : SIM_CHANNEL_DIRECT;

  if (sim_rng_permille(r, pr->ministry_pm))
    d->origin = SIM_ORIGIN_MINISTRY;
  else if (d->channel == SIM_CHANNEL_ONLINE && sim_rng_permille(r, 150))
    d->origin = SIM_ORIGIN_PORTAL;
  else
    d->origin = SIM_ORIGIN_CITY;

  switch (d->channel) {
  case SIM_CHANNEL_ONLINE:
    /* Mostly daytime, but citizens submit at any hour. */
    if (sim_rng_permille(r, 750))
      d->submitted_at = sim_local_midnight(day) + sim_rng_between(r, 7 * HOUR, 22 * HOUR);
    else
      d->submitted_at = sim_local_midnight(day) + sim_rng_between(r, 0, SIM_DAY - 1);
    if (d->origin == SIM_ORIGIN_MINISTRY) /* auto-accepted */
      d->received_at = d->submitted_at + sim_rng_between(r, 1 * MIN, 15 * MIN);
    else
      d->received_at =
        sim_draw_next_working(r, d->submitted_at + sim_rng_between(r, 15 * MIN, 4 * HOUR));
    break;
  case SIM_CHANNEL_POSTAL:
    d->received_at = sim_draw_work_time(r, day, sim_weekday(day) == 5);
    d->submitted_at = d->received_at - sim_rng_between(r, 20 * HOUR, 60 * HOUR);
    break;
  default:
    d->submitted_at = sim_draw_work_time(r, day, sim_weekday(day) == 5);
    d->received_at = d->submitted_at + sim_rng_between(r, 2 * MIN, 20 * MIN);
    break;
  }
  p->n.order = d->received_at;
  p->n.day = sim_local_day(d->received_at);
}

/*
 * Completed supplement requests inserted into [received, eff_end]: each
 * pause pushes every later event, so the real finish is eff_end plus the
 * pauses and the effective end (decisions.md) is exactly eff_end.
 * Returns the total pause.
 */
static sim_time plan_completed_supplements(struct sim_rng *r, struct sim_dossier *d,
                                           sim_time eff_end, int k)
{
  sim_time pts[SIM_MAX_SUPP], shift = 0;
  sim_time span = eff_end - d->received_at;

  if (span < 2 * HOUR)
    return 0;
  for (int i = 0; i < k; i++)
    pts[i] = d->received_at + sim_rng_between(r, HOUR, span - HOUR);
  for (int i = 1; i < k; i++) /* insertion sort, k <= 3 */
    for (int j = i; j > 0 && pts[j] < pts[j - 1]; j--) {
      sim_time t = pts[j];

      pts[j] = pts[j - 1];
      pts[j - 1] = t;
    }
  for (int i = 0; i < k; i++) {
    struct sim_supplement *s = &d->supp[d->nsupp++];
    sim_time pause = sim_rng_between(r, 3 * HOUR, 7 * SIM_DAY);

    s->requested_at = pts[i] + shift;
    s->completed_at = s->requested_at + pause;
    shift += pause;
    s->new_due = d->due_at + shift;
  }
  return shift;
}

/* Open (never answered) request at or after `after`. */
static void plan_open_supplement(struct sim_rng *r, struct sim_dossier *d, sim_time after)
{
  struct sim_supplement *s = &d->supp[d->nsupp++];

  s->requested_at = sim_draw_next_working(r, after + sim_rng_between(r, HOUR, 2 * SIM_DAY));
  s->new_due = s->requested_at + (d->due_at - d->received_at);
}

static void plan_finish(struct sim_rng *r, struct plan *p)
{
  struct sim_dossier *d = &p->n.d;
  bool anytime = d->origin == SIM_ORIGIN_MINISTRY && sim_rng_permille(r, 400);
  enum finish_class c = sim_rng_weighted(r, class_weights, C_COUNT);
  int64_t due_day = sim_local_day(d->due_at);
  sim_time lo = d->received_at + 10 * MIN, eff, shift = 0, end;

  if (c == C_EARLY && sim_local_midnight(due_day) - 1 <= lo)
    c = C_ON_TIME; /* same-day procedure: cannot be early */
  switch (c) {
  case C_EARLY: eff = pick_between(r, lo, sim_local_midnight(due_day) - 1, anytime); break;
  case C_ON_TIME: {
    sim_time from = sim_local_midnight(due_day);

    eff = pick_between(r, from > lo ? from : lo, sim_local_midnight(due_day + 1) - 1, anytime);
    break;
  }
  default: {
    int64_t day = due_day + 1 + sim_rng_between(r, 0, 9);

    eff =
      pick_between(r, sim_local_midnight(due_day + 1), sim_local_midnight(day + 1) - 1, anytime);
    break;
  }
  }
  if (sim_rng_permille(r, 100))
    shift = plan_completed_supplements(r, d, eff, sim_rng_permille(r, 150) ? 2 : 1);
  end = eff + shift;

  if (sim_rng_permille(r, 40)) {
    /* Some systems only record the hand-over (NgayTra). */
    d->returned_at = end;
  } else {
    d->finished_at = end;
    if (!sim_rng_permille(r, 30)) /* else never collected */
      /* An e-result goes out at once; paper at the counter. */
      d->returned_at =
        d->channel == SIM_CHANNEL_ONLINE
          ? end + sim_rng_between(r, 1 * MIN, 30 * MIN)
          : sim_draw_next_working(r, end + sim_rng_between(r, 20 * MIN, 3 * SIM_DAY));
  }
  if (sim_rng_permille(r, 350)) {
    unsigned w[3] = { 850, 120, 30 };

    d->rating = 1 + (int)sim_rng_weighted(r, w, 3);
  }
  d->complaint = sim_rng_permille(r, 10);
}

static void plan_stop(struct sim_rng *r, struct plan *p, int status)
{
  struct sim_dossier *d = &p->n.d;
  sim_time from = d->received_at;

  /* A fifth of withdrawals happen while waiting on a supplement. */
  if (status == 7 && sim_rng_permille(r, 200)) {
    plan_open_supplement(r, d, d->received_at);
    from = d->supp[0].requested_at;
  }
  p->stop_status = status;
  p->stop_at = sim_draw_next_working(r, from + sim_rng_between(r, HOUR, 5 * SIM_DAY));
  p->stop_unrecorded = sim_rng_permille(r, 100);
  if (!p->stop_unrecorded)
    d->refused_at = p->stop_at;
}

static void plan_supplements_many(struct sim_rng *r, struct sim_dossier *d)
{
  int k = sim_rng_permille(r, 700) ? 2 : 3;
  sim_time t = d->received_at;

  for (int i = 0; i < k - 1; i++) {
    struct sim_supplement *s = &d->supp[d->nsupp++];

    s->requested_at = sim_draw_next_working(r, t + sim_rng_between(r, HOUR, 3 * SIM_DAY));
    s->completed_at = s->requested_at + sim_rng_between(r, 3 * HOUR, 7 * SIM_DAY);
    s->new_due = d->due_at + (s->completed_at - d->received_at);
    t = s->completed_at;
  }
  plan_open_supplement(r, d, t);
}

static void plan_components(struct sim_rng *r, struct sim_dossier *d)
{
  const char *f = d->proc->field_code ? d->proc->field_code : "X";

  d->ncomp = (int)sim_rng_between(r, 1, SIM_MAX_COMP);
  for (int i = 0; i < d->ncomp; i++) {
    struct sim_component *c = &d->comp[i];

    snprintf(c->code, sizeof(c->code), "%s_TP%02d", f, i + 1);
    c->digitised = sim_rng_permille(r, 960);
    c->reused = sim_rng_permille(r, 600) ? (unsigned char)sim_rng_between(r, 1, 2) : 0;
    c->from_store = sim_rng_permille(r, 250);
  }
}

static void plan_fees(struct sim_rng *r, struct sim_dossier *d)
{
  const struct sim_procedure *pr = d->proc;
  const char *f = pr->field_code ? pr->field_code : "X";

  if (pr->fee > 0 || sim_rng_permille(r, 100)) {
    struct sim_fee *fee = &d->fees[d->nfees++];

    snprintf(fee->code, sizeof(fee->code), "LP_%s", f);
    /* Certification is charged per page. */
    fee->amount = pr->fee * (strcmp(f, "CT") == 0 ? sim_rng_between(r, 1, 5) : 1);
  }
  if (d->nfees && d->fees[0].amount > 0 && d->channel == SIM_CHANNEL_ONLINE &&
      sim_rng_permille(r, 750))
    d->paid_online = d->origin == SIM_ORIGIN_PORTAL || sim_rng_permille(r, 400) ? 1 : 2;
  else
    d->paid_online = sim_rng_permille(r, 500) ? 0 : 3;
}

static void plan_results(struct sim_rng *r, struct sim_dossier *d)
{
  const char *rc = d->proc->result_code ? d->proc->result_code : "KQ";

  d->nresults = sim_rng_permille(r, 80) ? 2 : 1;
  for (int i = 0; i < d->nresults; i++) {
    struct sim_result_doc *res = &d->results[i];

    snprintf(res->code, sizeof(res->code), "%s%s", rc, i ? "_BS" : "");
    /* Link filled in once the code is known (assign_codes). */
    res->link[0] = sim_rng_permille(r, 20) ? '\0' : '+';
  }
}

static void plan_one(struct sim_rng *r, struct plan *p, const char *commune, int64_t day)
{
  struct sim_dossier *d = &p->n.d;
  enum plan_kind kind = sim_rng_weighted(r, kind_weights, K_COUNT);

  memcpy(d->commune, commune, 6);
  d->proc = sim_draw_procedure(r, NULL);
  d->dept = d->proc->dept;
  plan_intake(r, p, day, kind);
  plan_components(r, d);
  plan_fees(r, d);
  d->vneid = d->channel == SIM_CHANNEL_ONLINE && sim_rng_permille(r, 900);
  d->variety = sim_rng_next(r);
  p->lag = (int)sim_rng_between(r, 1, 30);

  if (kind == K_REFUSE_INTAKE || kind == K_NEVER_ACCEPTED) {
    p->n.day = sim_local_day(d->submitted_at);
    p->n.order = d->submitted_at;
    d->received_at = SIM_TIME_NONE;
    if (kind == K_REFUSE_INTAKE) {
      p->intake_refused = true;
      d->refused_at =
        sim_draw_next_working(r, d->submitted_at + sim_rng_between(r, 10 * MIN, 2 * SIM_DAY));
    }
    return;
  }
  d->due_at = sim_draw_due(r, d->received_at, d->proc->max_days);
  switch (kind) {
  case K_FINISH:
    plan_finish(r, p);
    plan_results(r, d);
    break;
  case K_STUCK:
    if (sim_rng_permille(r, 300)) {
      sim_time eff = d->received_at + (d->due_at - d->received_at) / 2;

      plan_completed_supplements(r, d, eff, 1);
    }
    p->pay_wait = d->nfees && d->fees[0].amount > 0 && d->paid_online != 1 && d->paid_online != 2 &&
                  sim_rng_permille(r, 500);
    break;
  case K_SUPP_OPEN:
    plan_open_supplement(r, d, d->received_at);
    if (sim_rng_permille(r, 500)) {
      /* The citizen comes back and the dossier finishes. */
      struct sim_supplement *s = &d->supp[0];

      s->completed_at =
        sim_draw_next_working(r, s->requested_at + sim_rng_between(r, SIM_DAY, 15 * SIM_DAY));
      d->finished_at = s->completed_at + sim_rng_between(r, HOUR, 2 * SIM_DAY);
      d->returned_at =
        sim_draw_next_working(r, d->finished_at + sim_rng_between(r, 10 * MIN, SIM_DAY));
      plan_results(r, d);
    }
    break;
  case K_SUPP_MANY: plan_supplements_many(r, d); break;
  case K_WITHDRAW: plan_stop(r, p, 7); break;
  case K_STOP: plan_stop(r, p, 8); break;
  default: plan_stop(r, p, 3); break;
  }
}

/* ---- the as-of cut ------------------------------------------------------ */

static sim_time keep(sim_time t, sim_time as_of)
{
  return t != SIM_TIME_NONE && t <= as_of ? t : SIM_TIME_NONE;
}

static sim_time later(sim_time a, sim_time b)
{
  return a > b ? a : b;
}

/* Reduce the planned life to what had happened at as_of. */
static void cut(struct plan *p, sim_time as_of)
{
  struct sim_dossier *d = &p->n.d;
  sim_time last = d->submitted_at, stop_at;
  bool open = false;
  int n = 0;

  d->received_at = keep(d->received_at, as_of);
  if (d->received_at == SIM_TIME_NONE) {
    /* Not accepted (yet): nothing after intake has happened. */
    d->due_at = d->finished_at = d->returned_at = SIM_TIME_NONE;
    d->refused_at = p->intake_refused ? keep(d->refused_at, as_of) : SIM_TIME_NONE;
    d->nsupp = d->nresults = d->rating = 0;
    d->complaint = false;
    d->status = d->refused_at ? 3 : 1;
    last = later(last, d->refused_at);
    goto out;
  }
  last = later(last, d->received_at);
  for (int i = 0; i < d->nsupp; i++) {
    struct sim_supplement s = d->supp[i];

    if (s.requested_at > as_of)
      continue;
    s.completed_at = keep(s.completed_at, as_of);
    open |= s.completed_at == SIM_TIME_NONE;
    last = later(last, later(s.requested_at, s.completed_at));
    d->supp[n++] = s;
  }
  d->nsupp = n;
  d->finished_at = keep(d->finished_at, as_of);
  d->returned_at = keep(d->returned_at, as_of);
  stop_at = p->stop_status ? keep(p->stop_at, as_of) : SIM_TIME_NONE;
  d->refused_at = keep(d->refused_at, as_of);
  last = later(last, later(d->finished_at, later(d->returned_at, stop_at)));

  if (d->returned_at)
    d->status = 10;
  else if (d->finished_at)
    d->status = 9;
  else if (stop_at)
    d->status = p->stop_status;
  else if (open)
    d->status = 5;
  else if (p->pay_wait)
    d->status = 6;
  else if (as_of - d->received_at < 2 * HOUR)
    d->status = 2;
  else
    d->status = 4;
  if (d->status < 9) { /* no result, rating or complaint yet */
    d->nresults = d->rating = 0;
    d->complaint = false;
  }
out:
  d->updated_at = last + p->lag < as_of ? last + p->lag : as_of;
  if (d->updated_at < last) /* as_of never precedes an event kept */
    d->updated_at = last;
}

/* ---- driver --------------------------------------------------------------- */

static int plans_push(struct plans *ps, struct plan **out)
{
  if (ps->n == ps->alloc) {
    size_t n = ps->alloc ? ps->alloc * 2 : 256;
    struct plan *v = realloc(ps->v, n * sizeof(*v));

    if (!v)
      return -1;
    ps->v = v;
    ps->alloc = n;
  }
  *out = &ps->v[ps->n];
  memset(*out, 0, sizeof(**out));
  (*out)->n.index = ps->n++;
  return 0;
}

/* Dossiers for one local day: weekday volume ± 25 %, weekends less. */
static unsigned day_count(struct sim_rng *r, unsigned per_day, int64_t day)
{
  unsigned base = per_day;

  if (sim_weekday(day) == 5)
    base = (per_day * 35 + 50) / 100;
  else if (sim_weekday(day) == 6)
    base = (per_day * 15 + 50) / 100;
  return (unsigned)sim_rng_between(r, base - base / 4, base + base / 4);
}

static sim_gen_result generate_commune(struct sim_model *m, const struct sim_gen_options *o,
                                       const char *commune)
{
  struct plans ps = { 0 };
  sim_gen_result res = SIM_GEN_OK;
  uint64_t ckey = sim_hash_str(commune);

  for (int64_t day = o->day_from; day <= o->day_to; day++) {
    struct sim_rng r;
    unsigned n;

    sim_rng_init(&r, sim_mix(sim_mix(o->seed, ckey), (uint64_t)day));
    n = day_count(&r, o->per_day, day);
    for (unsigned i = 0; i < n; i++) {
      struct plan *p;

      if (plans_push(&ps, &p)) {
        res = SIM_GEN_NOMEM;
        goto out;
      }
      plan_one(&r, p, commune, day);
    }
  }
  sim_draw_codes(ps.v, ps.n, sizeof(*ps.v), o->prefix);
  for (size_t i = 0; i < ps.n; i++) {
    struct sim_dossier *d;

    if (ps.v[i].n.d.submitted_at > m->as_of)
      continue; /* not submitted yet */
    cut(&ps.v[i], m->as_of);
    d = sim_model_append(m);
    if (!d) {
      res = SIM_GEN_NOMEM;
      goto out;
    }
    *d = ps.v[i].n.d;
  }
out:
  free(ps.v);
  return res;
}

sim_gen_result sim_generate(struct sim_model *m, const struct sim_gen_options *o)
{
  if (!o->prefix || strlen(o->prefix) > 8 || o->day_to < o->day_from || o->per_day > 1000000)
    return SIM_GEN_BAD_ARG;
  for (size_t i = 0; i < m->ncommunes; i++) {
    sim_gen_result r = generate_commune(m, o, m->communes[i].code);

    if (r != SIM_GEN_OK)
      return r;
  }
  return SIM_GEN_OK;
}
