/*
 * scenario - presets built outcome by outcome (see scenario.h).
 *
 * Each dossier starts as a slot: carried over or received in the period,
 * its channel and the Biểu 06 class it must fall in.  A slot is shaped by
 * drawing a procedure, a receipt time, a due date and an end that suit
 * the class; sim_truth_place() then checks it, and a miss is redrawn.
 * Exact rate quotas (digitised, reused, e-result) are dealt by selection
 * sampling over the slots, so they hold to the unit.
 */
#include "scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "links.h"
#include "rng.h"
#include "truth.h"

#define MIN  60
#define HOUR 3600

const struct sim_scenario sim_scenarios[] = { { "thach-khoi-2026-04", "11002", "31",
                                                "000.00.00.H31", "2026-04-01", "2026-04-30",
                                                "2026-05-02T12:00:00" },
                                              { "an-thanh-2025-q3", "10792", "31", "000.00.00.H31",
                                                "2025-07-01", "2025-09-30", "2025-10-02T12:00:00" },
                                              { "truong-thi-2023", "14797", "38", "000.00.00.H56",
                                                "2023-01-01", "2023-08-10", "2023-08-12T12:00:00" },
                                              { NULL, NULL, NULL, NULL, NULL, NULL, NULL } };

/* Classes in slot order: EARLY, ON_TIME, LATE, PEND_IN, PEND_LATE, STOPPED. */
#define NCLS 6

struct target {
  int carried[NCLS];
  int online, direct, postal; /* received in the period */
  int received[NCLS];
  int late_dept[3]; /* PKT, VP, TTPVHCC; all 0 = free */
  int no_digitised; /* received without a digitised comp.;
					 * -1 = free */
  int reused;       /* received with a reused comp.; -1 free */
  int no_eresult;   /* resolved without e-result; -1 free */
  bool fees_online; /* every fee paid online */
  bool no_complaints;
  int history, after, unaccepted; /* outside the table */
  int ministry_pm;                /* scale of the procedures' share */
  int push_false_overdue, push_stale, push_missing, push_dates;
};

static const struct target targets[] = {
  /* thach-khoi-2026-04 */
  { .carried = { 46, 2, 0, 0, 0, 0 },
    .online = 6258,
    .received = { 6169, 34, 0, 55, 0, 0 },
    .no_digitised = 0,
    .reused = 6228,
    .no_eresult = 0,
    .fees_online = true,
    .no_complaints = true,
    .history = 300,
    .after = 150,
    .unaccepted = 12,
    .ministry_pm = 1000,
    .push_false_overdue = 14,
    .push_stale = 8,
    .push_missing = 4,
    .push_dates = 3 },
  /* an-thanh-2025-q3 */
  { .online = 1566,
    .direct = 2554,
    .received = { 3968, 0, 29, 70, 0, 53 },
    .late_dept = { 12, 4, 13 },
    .no_digitised = 133,
    .reused = 2561,
    .no_eresult = 10,
    .history = 0,
    .after = 60,
    .unaccepted = 8,
    .ministry_pm = 1000 },
  /* truong-thi-2023 */
  { .carried = { 2, 1, 0, 0, 0, 0 },
    .online = 840,
    .direct = 1503,
    .postal = 36,
    .received = { 2322, 53, 0, 3, 0, 1 },
    .no_digitised = -1,
    .reused = -1,
    .no_eresult = -1,
    .history = 40,
    .after = 30,
    .unaccepted = 6,
    .ministry_pm = 1000 },
};

const struct sim_scenario *sim_scenario_find(const char *name)
{
  for (const struct sim_scenario *s = sim_scenarios; s->name; s++)
    if (!strcmp(s->name, name))
      return s;
  return NULL;
}

enum slot_kind { S_CARRIED, S_RECEIVED, S_HISTORY, S_AFTER, S_UNACCEPTED };

struct slot {
  enum slot_kind kind;
  int cls; /* 0..5 as in struct target */
  enum sim_channel channel;
  const struct sim_department *dept; /* late: required dept */
  bool no_digitised, reused, no_eresult;
  sim_time order; /* for code numbering */
  int64_t code_day;
};

struct ctx {
  const struct target *t;
  struct sim_rng r;
  int64_t from_day, to_day;
  sim_time from_start, period_end, as_of;
};

/* ---- calendar --------------------------------------------------------------- */

/* A day in [lo, hi]: weekends rarer, and closed for counter channels. */
static int64_t pick_day(struct sim_rng *r, int64_t lo, int64_t hi, enum sim_channel ch)
{
  for (int i = 0; i < 64; i++) {
    int64_t d = sim_rng_between(r, lo, hi);
    int wd = sim_weekday(d);

    if (wd == 6 && (ch != SIM_CHANNEL_ONLINE || !sim_rng_permille(r, 250)))
      continue;
    if (wd == 5 && !sim_rng_permille(r, ch == SIM_CHANNEL_ONLINE ? 500 : 300))
      continue;
    return d;
  }
  return lo;
}

/* A time in [lo, hi), uniformly; lo when empty. */
static sim_time between(struct sim_rng *r, sim_time lo, sim_time hi)
{
  return hi > lo ? sim_rng_between(r, lo, hi - 1) : lo;
}

/* ---- shaping one dossier ------------------------------------------------------- */

/* Intake of a slot: channel, origin, submitted and received times. */
static void intake(struct ctx *c, const struct slot *s, struct sim_dossier *d, int64_t day)
{
  struct sim_rng *r = &c->r;
  const struct sim_procedure *pr = d->proc;

  d->channel = s->channel;
  if (pr->ministry_pm && s->cls != 5 &&
      sim_rng_permille(r, (unsigned)(pr->ministry_pm * (unsigned)c->t->ministry_pm / 1000)))
    d->origin = SIM_ORIGIN_MINISTRY;
  else if (d->channel == SIM_CHANNEL_ONLINE && sim_rng_permille(r, 120))
    d->origin = SIM_ORIGIN_PORTAL;
  else
    d->origin = SIM_ORIGIN_CITY;
  switch (d->channel) {
  case SIM_CHANNEL_ONLINE:
    d->submitted_at =
      sim_local_midnight(day) + (sim_rng_permille(r, 800) ? sim_rng_between(r, 7 * HOUR, 21 * HOUR)
                                                          : sim_rng_between(r, 0, SIM_DAY - 1));
    d->received_at =
      d->origin == SIM_ORIGIN_MINISTRY
        ? d->submitted_at + sim_rng_between(r, MIN, 15 * MIN)
        : sim_draw_next_working(r, d->submitted_at + sim_rng_between(r, 15 * MIN, 3 * HOUR));
    break;
  case SIM_CHANNEL_POSTAL:
    d->received_at = sim_draw_work_time(r, day, false);
    d->submitted_at = d->received_at - sim_rng_between(r, 20 * HOUR, 60 * HOUR);
    break;
  default:
    d->submitted_at = sim_draw_work_time(r, day, false);
    d->received_at = d->submitted_at + sim_rng_between(r, 2 * MIN, 20 * MIN);
    break;
  }
}

/* Completed supplement pauses before eff; returns the total pause. */
static sim_time pauses(struct sim_rng *r, struct sim_dossier *d, sim_time eff, sim_time room)
{
  sim_time span = eff - d->received_at, pause;
  struct sim_supplement *s;

  if (span < 3 * HOUR || room < 4 * HOUR)
    return 0;
  pause = sim_rng_between(r, 3 * HOUR, room < 5 * SIM_DAY ? room - HOUR : 5 * SIM_DAY);
  s = &d->supp[d->nsupp++];
  s->requested_at = d->received_at + sim_rng_between(r, HOUR, span - HOUR);
  s->completed_at = s->requested_at + pause;
  s->new_due = d->due_at + pause;
  return pause;
}

static sim_time later(sim_time a, sim_time b)
{
  return a > b ? a : b;
}

static sim_time earlier(sim_time a, sim_time b)
{
  return a < b ? a : b;
}

/* Finish at `end` (resolved), with a return as the channel has it. */
static void finish(struct ctx *c, struct sim_dossier *d, sim_time end)
{
  struct sim_rng *r = &c->r;

  if (sim_rng_permille(r, 30)) {
    d->returned_at = end;
    return;
  }
  d->finished_at = end;
  if (sim_rng_permille(r, 20))
    return; /* never collected */
  d->returned_at = d->channel == SIM_CHANNEL_ONLINE
                     ? end + sim_rng_between(r, MIN, 30 * MIN)
                     : sim_draw_next_working(r, end + sim_rng_between(r, 20 * MIN, 2 * SIM_DAY));
  if (d->returned_at > c->as_of)
    d->returned_at = SIM_TIME_NONE;
}

/*
 * Outcome of a resolved / stopped / pending class between lo and hi
 * (the instants the end must fall in).  false when this draw cannot.
 */
static bool outcome(struct ctx *c, const struct slot *s, struct sim_dossier *d, sim_time lo,
                    sim_time hi, int *stop_status)
{
  struct sim_rng *r = &c->r;
  int64_t due_day = sim_local_day(d->due_at);
  sim_time min_end = later(d->received_at + 10 * MIN, lo), eff, a, b;

  switch (s->cls) {
  case 0: /* early */
    a = min_end;
    b = earlier(sim_local_midnight(due_day), hi);
    break;
  case 1: /* on time */
    a = later(min_end, sim_local_midnight(due_day));
    b = earlier(sim_local_midnight(due_day + 1), hi);
    break;
  case 2: /* late */
    a = later(min_end, sim_local_midnight(due_day + 1));
    b = earlier(sim_local_midnight(due_day + 8), hi);
    break;
  case 5: /* stopped: withdrawn by the citizen */
    a = later(d->received_at + HOUR, lo);
    b = hi - HOUR;
    if (b <= a)
      return false;
    *stop_status = 7;
    eff = sim_draw_next_working(r, between(r, a, b));
    if (eff >= b)
      eff = between(r, a, b);
    if (sim_rng_permille(r, 900))
      d->refused_at = eff;
    else
      d->updated_at = eff; /* unrecorded: the update ends it */
    d->refused_at = d->refused_at ? d->refused_at : SIM_TIME_NONE;
    d->status = 7;
    return true;
  default: return false;
  }
  if (b <= a)
    return false;
  eff = between(r, a, b);
  if (d->channel != SIM_CHANNEL_ONLINE || d->origin != SIM_ORIGIN_MINISTRY) {
    /* staff work hours when the window allows */
    sim_time w = sim_draw_work_time(r, sim_local_day(eff), false);

    if (w >= a && w < b)
      eff = w;
  }
  if (sim_rng_permille(r, 100))
    eff += pauses(r, d, eff, hi - eff);
  finish(c, d, eff);
  return true;
}

/* Pending in time at period_end: due after it, or one open request. */
static bool pending(struct ctx *c, struct sim_dossier *d)
{
  struct sim_rng *r = &c->r;

  if (d->due_at >= c->period_end && !sim_rng_permille(r, 250)) {
    /* maybe done after the period, before as_of */
    if (sim_rng_permille(r, 300)) {
      sim_time e = between(r, c->period_end, c->as_of);

      if (e > d->received_at)
        finish(c, d, e);
    }
    return true;
  }
  {
    struct sim_supplement *s = &d->supp[d->nsupp++];
    sim_time lo = d->received_at + HOUR;

    if (lo >= c->period_end - HOUR)
      return false;
    s->requested_at = between(r, later(lo, c->period_end - 6 * SIM_DAY), c->period_end - HOUR);
    s->new_due = s->requested_at + (d->due_at - d->received_at);
    if (sim_rng_permille(r, 300))
      s->completed_at = between(r, c->period_end, c->as_of);
  }
  return true;
}

static void status_at_as_of(struct ctx *c, struct sim_dossier *d, int stop)
{
  sim_time last = later(d->submitted_at, d->received_at);
  bool open = false;

  for (int i = 0; i < d->nsupp; i++) {
    last = later(last, later(d->supp[i].requested_at, d->supp[i].completed_at));
    open |= !d->supp[i].completed_at;
  }
  last = later(last, later(d->finished_at, d->returned_at));
  last = later(last, d->refused_at);
  if (stop && !d->refused_at)
    last = later(last, d->updated_at);
  if (d->returned_at)
    d->status = 10;
  else if (d->finished_at)
    d->status = 9;
  else if (stop)
    d->status = stop;
  else if (open)
    d->status = 5;
  else
    d->status = c->as_of - d->received_at < 2 * HOUR ? 2 : 4;
  if (stop && !d->refused_at)
    d->updated_at = last; /* exactly: the truth ends it there */
  else
    d->updated_at = earlier(last + sim_rng_between(&c->r, 1, 30), c->as_of);
  if (d->status < 9) {
    d->nresults = d->rating = 0;
    d->complaint = false;
  }
}

static void extras(struct ctx *c, const struct slot *s, struct sim_dossier *d)
{
  struct sim_rng *r = &c->r;
  const struct sim_procedure *pr = d->proc;
  const char *f = pr->field_code ? pr->field_code : "X";
  int reuse_at = -1;

  d->ncomp = (int)sim_rng_between(r, 1, SIM_MAX_COMP);
  if (s->reused)
    reuse_at = (int)sim_rng_below(r, (uint64_t)d->ncomp);
  for (int i = 0; i < d->ncomp; i++) {
    struct sim_component *k = &d->comp[i];

    snprintf(k->code, sizeof(k->code), "%s_TP%02d", f, i + 1);
    if (c->t->no_digitised < 0 || s->kind != S_RECEIVED)
      k->digitised = sim_rng_permille(r, 960);
    else
      k->digitised = !s->no_digitised;
    if (c->t->reused < 0 || s->kind != S_RECEIVED)
      k->reused = sim_rng_permille(r, 600) ? (unsigned char)sim_rng_between(r, 1, 2) : 0;
    else
      k->reused = i == reuse_at || (s->reused && sim_rng_permille(r, 400))
                    ? (unsigned char)sim_rng_between(r, 1, 2)
                    : 0;
    k->from_store = sim_rng_permille(r, 250);
  }
  if (pr->fee > 0 || sim_rng_permille(r, 80)) {
    struct sim_fee *fee = &d->fees[d->nfees++];

    snprintf(fee->code, sizeof(fee->code), "LP_%s", f);
    fee->amount = pr->fee * (strcmp(f, "CT") == 0 ? sim_rng_between(r, 1, 5) : 1);
  }
  if (d->nfees && d->fees[0].amount > 0 &&
      (c->t->fees_online || (d->channel == SIM_CHANNEL_ONLINE && sim_rng_permille(r, 700))))
    d->paid_online = d->origin == SIM_ORIGIN_PORTAL || sim_rng_permille(r, 500) ? 1 : 2;
  else
    d->paid_online = sim_rng_permille(r, 500) ? 0 : 3;
  d->vneid = d->channel == SIM_CHANNEL_ONLINE && sim_rng_permille(r, 900);
  d->nresults = sim_rng_permille(r, 80) ? 2 : 1;
  for (int i = 0; i < d->nresults; i++) {
    snprintf(d->results[i].code, sizeof(d->results[i].code), "%s%s",
             pr->result_code ? pr->result_code : "KQ", i ? "_BS" : "");
    d->results[i].link[0] = (c->t->no_eresult < 0 || s->kind != S_RECEIVED)
                              ? (sim_rng_permille(r, 20) ? '\0' : '+')
                              : (s->no_eresult ? '\0' : '+');
  }
  if (sim_rng_permille(r, 350)) {
    unsigned w[3] = { 850, 120, 30 };

    d->rating = c->t->no_complaints ? 1 : 1 + (int)sim_rng_weighted(r, w, 3);
  }
  d->complaint = !c->t->no_complaints && sim_rng_permille(r, 5);
  d->variety = sim_rng_next(r);
}

/* One try at shaping a slot; false when the draw does not fit. */
static bool shape(struct ctx *c, const struct slot *s, struct sim_dossier *d)
{
  struct sim_rng *r = &c->r;
  int64_t lo_day, hi_day, day;
  int stop = 0;

  memset(d, 0, sizeof(*d));
  d->proc = sim_draw_procedure(r, s->dept);
  d->dept = d->proc->dept;
  switch (s->kind) {
  case S_CARRIED:
    lo_day = c->from_day - 14;
    hi_day = c->from_day - 1;
    break;
  case S_HISTORY:
    lo_day = c->from_day - 12;
    hi_day = c->from_day - 2;
    break;
  case S_AFTER:
    lo_day = c->to_day + 1;
    hi_day = sim_local_day(c->as_of);
    break;
  default:
    lo_day = s->cls == 3 ? c->to_day - 6 : c->from_day;
    hi_day = s->cls == 2 ? c->to_day - 9 : c->to_day;
    break;
  }
  day = pick_day(r, lo_day, hi_day, s->channel);
  intake(c, s, d, day);
  if (d->submitted_at > c->as_of - HOUR || d->received_at > c->as_of)
    return false;
  extras(c, s, d);
  if (s->kind == S_UNACCEPTED) {
    d->received_at = SIM_TIME_NONE;
    if (sim_rng_permille(r, 500))
      d->refused_at = sim_draw_next_working(r, d->submitted_at + HOUR);
    d->nsupp = d->nresults = d->rating = 0;
    d->complaint = false;
    d->status = d->refused_at ? 3 : 1;
    d->updated_at = later(d->submitted_at, d->refused_at) + 7;
    return d->updated_at < c->period_end;
  }
  d->due_at = sim_draw_due(r, d->received_at, d->proc->max_days);
  switch (s->kind) {
  case S_HISTORY:
    if (!outcome(c, &(struct slot){ .cls = 0 }, d, d->received_at, c->from_start - HOUR, &stop))
      return false;
    break;
  case S_AFTER:
    if (sim_rng_permille(r, 500) &&
        !outcome(c, &(struct slot){ .cls = 0 }, d, d->received_at, c->as_of, &stop))
      return false;
    if (d->finished_at > c->as_of || d->returned_at > c->as_of)
      return false;
    break;
  default:
    if (s->cls == 3) {
      if (!pending(c, d))
        return false;
    } else if (!outcome(c, s, d, c->from_start, c->period_end, &stop)) {
      return false;
    }
    break;
  }
  status_at_as_of(c, d, stop);
  return true;
}

/* Whether the truth places d where the slot says. */
static bool placed(const struct ctx *c, const struct slot *s, const struct sim_dossier *d)
{
  static const enum sim_b06_class cls[NCLS] = { SIM_B06_EARLY,        SIM_B06_ON_TIME,
                                                SIM_B06_LATE,         SIM_B06_PENDING_IN_TIME,
                                                SIM_B06_PENDING_LATE, SIM_B06_STOPPED };
  struct sim_b06_place p;

  sim_truth_place(d, c->from_start, c->period_end, &p);
  switch (s->kind) {
  case S_CARRIED: return p.carried_over && p.cls == cls[s->cls];
  case S_RECEIVED:
    return p.received && p.cls == cls[s->cls] &&
           (d->channel == SIM_CHANNEL_ABSENT ? SIM_CHANNEL_DIRECT : d->channel) == p.channel;
  default: return !p.received && !p.carried_over;
  }
}

/* ---- slots --------------------------------------------------------------------- */

static void shuffle(struct sim_rng *r, struct slot *v, size_t n)
{
  for (size_t i = n; i > 1; i--) {
    size_t j = sim_rng_below(r, i);
    struct slot t = v[i - 1];

    v[i - 1] = v[j];
    v[j] = t;
  }
}

/* Mark exactly k of the n slots matching `want` (selection sampling). */
static void deal(struct sim_rng *r, struct slot *v, size_t n, bool (*want)(const struct slot *),
                 int k, size_t flag)
{
  size_t total = 0;

  if (k < 0)
    return;
  for (size_t i = 0; i < n; i++)
    total += want(&v[i]);
  for (size_t i = 0; i < n && k > 0; i++) {
    if (!want(&v[i]))
      continue;
    if (sim_rng_below(r, total) < (uint64_t)k) {
      *(bool *)((char *)&v[i] + flag) = true;
      k--;
    }
    total--;
  }
}

static bool is_received(const struct slot *s)
{
  return s->kind == S_RECEIVED;
}

static bool is_resolved(const struct slot *s)
{
  return (s->kind == S_RECEIVED || s->kind == S_CARRIED) && s->cls <= 2;
}

static int plan_slots(struct ctx *c, struct slot **out, size_t *nout)
{
  const struct target *t = c->t;
  size_t n = 0,
         cap =
           (size_t)(t->online + t->direct + t->postal + t->history + t->after + t->unaccepted) + 64;
  enum sim_channel *ch;
  struct slot *v;
  size_t nrecv = 0, k = 0;
  static const struct sim_department *const depts[3] = { &sim_dept_pkt, &sim_dept_vp,
                                                         &sim_dept_ttpvhcc };
  int late_left[3];

  for (int i = 0; i < NCLS; i++)
    cap += (size_t)t->carried[i];
  v = calloc(cap, sizeof(*v));
  ch = calloc(cap, sizeof(*ch));
  if (!v || !ch) {
    free(v);
    free(ch);
    return -1;
  }
  for (int i = 0; i < t->online; i++)
    ch[nrecv++] = SIM_CHANNEL_ONLINE;
  for (int i = 0; i < t->postal; i++)
    ch[nrecv++] = SIM_CHANNEL_POSTAL;
  for (int i = 0; i < t->direct; i++)
    ch[nrecv++] = sim_rng_permille(&c->r, 60) ? SIM_CHANNEL_ABSENT : SIM_CHANNEL_DIRECT;
  for (size_t i = nrecv; i > 1; i--) { /* shuffle the channels */
    size_t j = sim_rng_below(&c->r, i);
    enum sim_channel x = ch[i - 1];

    ch[i - 1] = ch[j];
    ch[j] = x;
  }
  memcpy(late_left, t->late_dept, sizeof(late_left));
  for (int cls = 0; cls < NCLS; cls++) {
    for (int i = 0; i < t->received[cls]; i++) {
      struct slot *s = &v[n++];

      s->kind = S_RECEIVED;
      s->cls = cls;
      s->channel = ch[k++];
      for (int d = 0; cls == 2 && d < 3; d++)
        if (late_left[d]) {
          late_left[d]--;
          s->dept = depts[d];
          break;
        }
    }
    for (int i = 0; i < t->carried[cls]; i++) {
      struct slot *s = &v[n++];

      s->kind = S_CARRIED;
      s->cls = cls;
      s->channel = t->direct || t->postal
                     ? (sim_rng_permille(&c->r, 500) ? SIM_CHANNEL_ONLINE : SIM_CHANNEL_DIRECT)
                     : SIM_CHANNEL_ONLINE;
    }
  }
  for (int i = 0; i < t->history + t->after + t->unaccepted; i++) {
    struct slot *s = &v[n++];

    s->kind = i < t->history ? S_HISTORY : i < t->history + t->after ? S_AFTER : S_UNACCEPTED;
    s->channel =
      s->kind == S_UNACCEPTED || !(t->direct || t->postal) || sim_rng_permille(&c->r, 400)
        ? SIM_CHANNEL_ONLINE
        : SIM_CHANNEL_DIRECT;
  }
  free(ch);
  shuffle(&c->r, v, n);
  deal(&c->r, v, n, is_received, t->no_digitised, offsetof(struct slot, no_digitised));
  deal(&c->r, v, n, is_received, t->reused, offsetof(struct slot, reused));
  deal(&c->r, v, n, is_resolved, t->no_eresult, offsetof(struct slot, no_eresult));
  *out = v;
  *nout = n;
  return 0;
}

/* ---- push failures ------------------------------------------------------------------ */

/*
 * The Thạch Khôi case: civil-status dossiers finished early on the
 * ministry system whose pushes failed, so the portal still shows them
 * being processed, past their due date.
 */
static void fail_pushes(struct ctx *c, struct sim_model *m)
{
  const struct target *t = c->t;
  int fo = t->push_false_overdue, st = t->push_stale, mi = t->push_missing, da = t->push_dates;

  for (size_t i = 0; i < m->ndossiers; i++) {
    struct sim_dossier *d = &m->dossiers[i];
    bool early = d->finished_at && d->received_at >= c->from_start &&
                 sim_local_day(d->finished_at) < sim_local_day(d->due_at) && !d->nsupp;

    if (d->origin != SIM_ORIGIN_MINISTRY || !early || sim_mix(d->variety, 0xfa11) % 7)
      continue;
    if (fo && d->due_at < c->as_of && d->finished_at - d->received_at > 30 * MIN) {
      d->push = SIM_PUSH_STALE;
      d->push_at = d->received_at + 10 * MIN;
      fo--;
    } else if (st && d->returned_at && d->returned_at - d->finished_at > 2 * MIN) {
      d->push = SIM_PUSH_STALE; /* finished, not returned */
      d->push_at = d->finished_at + MIN;
      st--;
    } else if (mi) {
      d->push = SIM_PUSH_MISSING;
      mi--;
    } else if (da) {
      d->push = SIM_PUSH_DATES;
      d->due_shift = SIM_DAY;
      da--;
    }
  }
}

int sim_scenario_build(const struct sim_scenario *s, uint64_t seed, const char *prefix,
                       struct sim_model *m)
{
  const struct target *t = &targets[s - sim_scenarios];
  struct ctx c = { .t = t, .as_of = m->as_of };
  struct sim_numbered *v = NULL;
  struct slot *slots = NULL;
  size_t n = 0;
  int rc = -1;

  if (sim_model_add_commune(m, s->commune, s->province) != SIM_MODEL_OK)
    return -1;
  sim_parse_day(s->from, &c.from_day);
  sim_parse_day(s->to, &c.to_day);
  c.from_start = sim_local_midnight(c.from_day);
  c.period_end = sim_local_midnight(c.to_day + 1);
  sim_rng_init(&c.r, sim_mix(seed, sim_hash_str(s->name)));
  if (plan_slots(&c, &slots, &n))
    return -1;
  v = calloc(n ? n : 1, sizeof(*v));
  if (!v)
    goto out;
  for (size_t i = 0; i < n; i++) {
    struct sim_dossier *d = &v[i].d;
    int tries = 0;

    do {
      if (++tries > 5000) {
        fprintf(stderr,
                "tthc-sim: scenario %s: cannot "
                "shape a dossier of class %d\n",
                s->name, slots[i].cls);
        abort();
      }
    } while (!shape(&c, &slots[i], d) || !placed(&c, &slots[i], d));
    memcpy(d->commune, s->commune, sizeof(d->commune));
    v[i].day = sim_local_day(d->received_at ? d->received_at : d->submitted_at);
    v[i].order = d->received_at ? d->received_at : d->submitted_at;
    v[i].index = i;
  }
  sim_draw_codes(v, n, sizeof(*v), prefix);
  for (size_t i = 0; i < n; i++) {
    struct sim_dossier *d = sim_model_append(m);

    if (!d)
      goto out;
    *d = v[i].d;
  }
  fail_pushes(&c, m);
  rc = 0;
out:
  free(v);
  free(slots);
  return rc;
}
