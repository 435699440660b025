/*
 * report_fixture.h — a small report_figures for the report suites, built
 * in code: two fields whose sums make the total row (so the Biểu 06
 * identities hold), every rate, two departments (one with a name holding a
 * comma, a quote and '&' < >), two discrepancies (one missing on the
 * portal), three months and the outline's counts.
 */
#ifndef TTHC_REPORT_FIXTURE_H
#define TTHC_REPORT_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "figures.h"

static inline void fixture_row(struct bieu06_row *r, const char *code, const char *name,
                               long long online, long long direct, long long postal,
                               long long carried, long long early, long long on_time,
                               long long late, long long in_time, long long pend_late)
{
  memset(r, 0, sizeof *r);
  r->field_code = code ? strdup(code) : NULL;
  r->field_name = strdup(name);
  r->received_online = online;
  r->received_direct = direct;
  r->received_postal = postal;
  r->carried_over = carried;
  r->resolved_early = early;
  r->resolved_on_time = on_time;
  r->resolved_late = late;
  r->pending_in_time = in_time;
  r->pending_late = pend_late;
  /* the rest is stopped: total = received + carried = resolved + pending + stopped */
  r->total = online + direct + postal + carried;
  r->stopped = r->total - early - on_time - late - in_time - pend_late;
}

static inline void fixture_sum(struct bieu06_row *t, const struct bieu06_row *a,
                               const struct bieu06_row *b)
{
  fixture_row(t, NULL, "Tổng cộng", a->received_online + b->received_online,
              a->received_direct + b->received_direct, a->received_postal + b->received_postal,
              a->carried_over + b->carried_over, a->resolved_early + b->resolved_early,
              a->resolved_on_time + b->resolved_on_time, a->resolved_late + b->resolved_late,
              a->pending_in_time + b->pending_in_time, a->pending_late + b->pending_late);
}

static inline void fixture_discrepancy(struct discrepancy *d, const char *code, const char *cls,
                                       int origin_status, int portal_status, tthc_time received)
{
  memset(d, 0, sizeof *d);
  d->dossier_code = strdup(code);
  d->origin_code = strdup(code);
  d->portal_code = portal_status ? strdup(code) : NULL;
  d->class_key = strdup(cls);
  d->origin_system = strdup("ministry");
  d->unit_code = strdup("11002");
  d->origin_status = origin_status;
  d->portal_status = portal_status;
  d->origin_received = received;
  d->portal_received = portal_status ? received : TTHC_TIME_NONE;
  d->origin_due = received + 86400;
  d->portal_due = portal_status ? received + 86400 : TTHC_TIME_NONE;
  d->origin_end = received + 3600;
  d->portal_end = TTHC_TIME_NONE;
  d->detected = received + 5 * 86400;
}

static inline void fixture_figures(struct report_figures *f)
{
  static const long long rates[RATE_COUNT] = { 10000, 9952, 48,    9677, 9975, 6216, 0,
                                               2713,  9994, 10000, 9994, 9653, 9795 };

  figures_init(f);
  f->parts =
    PART_BIEU06 | PART_RATES | PART_OVERDUE | PART_DISCREPANCIES | PART_MONTHLY | PART_CCHC;
  snprintf(f->unit.code, sizeof f->unit.code, "11002");
  f->unit.name = strdup("Phường Thạch Khôi");
  f->unit.province_code = strdup("31");
  f->unit.province_name = strdup("Thành phố Hải Phòng");
  f->unit.communes = 1;
  period_month("2026-04", &f->period);
  f->as_of = time_from_local(2026, 5, 2, 12, 0, 0);
  f->generated_at = time_from_local(2026, 5, 3, 8, 15, 0);
  f->rows = calloc(3, sizeof *f->rows);
  fixture_row(&f->rows[0], "CT", "Chứng thực, \"sao y\"", 1819, 0, 0, 0, 1780, 16, 0, 23, 0);
  fixture_row(&f->rows[1], "HT", "Hộ tịch", 4439, 0, 0, 48, 4435, 20, 0, 32, 0);
  fixture_sum(&f->rows[2], &f->rows[0], &f->rows[1]);
  f->nrows = 3;
  f->received = 6258;
  f->resolved = 6251;
  for (int i = 0; i < RATE_COUNT; i++) {
    f->rates[i].value = (struct share){ i != RATE_CITIZEN_STORE, rates[i] };
    f->rates[i].full_points = rate_labels[i].full_points ? i != RATE_ONLINE_766 : -1;
  }
  f->overdue = calloc(2, sizeof *f->overdue);
  f->overdue[0] = (struct overdue_row){ strdup("PKT"), strdup("Phòng Kinh tế"), 12, 0, 12 };
  f->overdue[1] =
    (struct overdue_row){ strdup("VP"), strdup("Văn phòng HĐND & UBND, \"<VP>\""), 3, 1, 4 };
  f->noverdue = 2;
  f->disc = calloc(2, sizeof *f->disc);
  fixture_discrepancy(&f->disc[0], "BTP-HT-1", "false_overdue_on_portal", 10, 2,
                      time_from_local(2026, 4, 1, 11, 22, 0));
  fixture_discrepancy(&f->disc[1], "BTP-HT-2", "missing_on_portal", 9, 0,
                      time_from_local(2026, 4, 3, 5, 30, 0));
  f->ndisc = 2;
  f->months = calloc(3, sizeof *f->months);
  f->months[0] = (struct month_count){ 2026, 2, 1403, 1284 };
  f->months[1] = (struct month_count){ 2026, 3, 1322, 1333 };
  f->months[2] = (struct month_count){ 2026, 4, 6258, 6251 };
  f->nmonths = 3;
  f->cchc = (struct cchc_counts){
    28, 28, 8, { true, 2857 }, 3978, { true, 9655 }, 4120, { true, 10000 }, 15, 307, { true, 9674 }
  };
}

#endif
