/* output_csv: the report as CSV blocks (output.h). */
#include <stdio.h>
#include <string.h>

#include "cchc.h"
#include "heading.h"
#include "output.h"
#include "parts.h"
#include "vntext.h"

/* One field, quoted when it holds a comma, a quote or a line break; NULL is
 * an empty field. */
static void field(FILE *out, const char *s, int last)
{
  if (s && strpbrk(s, ",\"\r\n")) {
    fputc('"', out);
    for (; *s; s++) {
      if (*s == '"')
        fputc('"', out);
      fputc(*s, out);
    }
    fputc('"', out);
  } else if (s) {
    fputs(s, out);
  }
  fputs(last ? "\r\n" : ",", out);
}

static void row(FILE *out, const char *const *cells, size_t n)
{
  for (size_t i = 0; i < n; i++)
    field(out, cells[i], i + 1 == n);
}

#define ROW(out, ...)                         \
  row((out), (const char *[]){ __VA_ARGS__ }, \
      sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *))

static void lld(long long v, char out[24])
{
  snprintf(out, 24, "%lld", v);
}

/* 9952 -> "99.52"; "" when absent. */
static void centi(struct share s, char out[24])
{
  if (!s.present)
    out[0] = '\0';
  else
    snprintf(out, 24, "%s%lld.%02lld", s.centi < 0 ? "-" : "",
             (s.centi < 0 ? -s.centi : s.centi) / 100, (s.centi < 0 ? -s.centi : s.centi) % 100);
}

static const char *tristate(int v)
{
  return v < 0 ? NULL : v ? "true" : "false";
}

static void iso(tthc_time t, char out[26])
{
  if (t == TTHC_TIME_NONE)
    out[0] = '\0';
  else
    time_format_iso_local(t, out);
}

static void report_block(FILE *out, const struct report_figures *f, report_form form)
{
  struct heading h;
  char from[11], to[11], asof[26], gen[26];

  heading_build(f, form, &h);
  period_iso(&f->period.from, from);
  period_iso(&f->period.to, to);
  iso(f->as_of, asof);
  iso(f->generated_at, gen);
  ROW(out, "unit_code", "unit_name", "province_code", "province_name", "period_from", "period_to",
      "title", "as_of", "generated_at");
  ROW(out, f->unit.code, f->unit.name, f->unit.province_code, f->unit.province_name, from, to,
      h.title, asof, gen);
}

static void bieu06(FILE *out, const struct report_figures *f)
{
  char v[BIEU06_COLS][24];
  const char *cells[BIEU06_COLS];

  cells[0] = "field_code";
  for (int c = COL_FIELD; c < BIEU06_COLS; c++)
    cells[c] = bieu06_columns[c].key;
  row(out, cells, BIEU06_COLS);
  for (size_t i = 0; i < f->nrows; i++) {
    const struct bieu06_row *r = &f->rows[i];

    cells[0] = r->field_code;
    cells[COL_FIELD] = r->field_name;
    for (int c = COL_TOTAL; c < BIEU06_COLS; c++) {
      lld(bieu06_value(r, (enum bieu06_col)c), v[c]);
      cells[c] = v[c];
    }
    row(out, cells, BIEU06_COLS);
  }
}

static void rates(FILE *out, const struct report_figures *f)
{
  char val[24], tgt[24];

  ROW(out, "rate", "label", "indicator_766", "value", "target", "target_met", "full_points");
  for (int i = 0; i < RATE_COUNT; i++) {
    const struct rate_label *l = &rate_labels[i];
    const struct rate_value *v = &f->rates[i];
    struct share t = { l->target_centi != RATE_NO_TARGET, l->target_centi };

    centi(v->value, val);
    centi(t, tgt);
    ROW(out, l->key, l->name, l->indicator, val, tgt,
        tristate(v->value.present ? rate_meets_target((enum rate_id)i, v->value.centi) : -1),
        tristate(v->full_points));
  }
}

static void overdue(FILE *out, const struct report_figures *f)
{
  char a[24], b[24], c[24];

  ROW(out, "department_code", "department_name", "resolved_late", "pending_late", "overdue_total");
  for (size_t i = 0; i < f->noverdue; i++) {
    const struct overdue_row *o = &f->overdue[i];

    lld(o->resolved_late, a);
    lld(o->pending_late, b);
    lld(o->total, c);
    ROW(out, o->department_code, o->department_name, a, b, c);
  }
}

static void discrepancies(FILE *out, const struct report_figures *f)
{
  char os[8], ps[8], t[7][26];

  ROW(out, "dossier_code", "unit_code", "class", "class_label", "origin_system", "origin_code",
      "portal_code", "origin_status", "origin_status_name", "portal_status", "portal_status_name",
      "origin_received_at", "portal_received_at", "origin_due_at", "portal_due_at", "origin_end_at",
      "portal_end_at", "detected_at");
  for (size_t i = 0; i < f->ndisc; i++) {
    const struct discrepancy *d = &f->disc[i];

    snprintf(os, sizeof os, "%d", d->origin_status);
    snprintf(ps, sizeof ps, "%d", d->portal_status);
    iso(d->origin_received, t[0]);
    iso(d->portal_received, t[1]);
    iso(d->origin_due, t[2]);
    iso(d->portal_due, t[3]);
    iso(d->origin_end, t[4]);
    iso(d->portal_end, t[5]);
    iso(d->detected, t[6]);
    ROW(out, d->dossier_code, d->unit_code, d->class_key, discrepancy_class_name(d->class_key),
        d->origin_system, d->origin_code, d->portal_code, d->origin_status ? os : NULL,
        status_name(d->origin_status), d->portal_status ? ps : NULL, status_name(d->portal_status),
        t[0], t[1], t[2], t[3], t[4], t[5], t[6]);
  }
}

static void monthly(FILE *out, const struct report_figures *f)
{
  char m[16], a[24], b[24];

  ROW(out, "month", "received", "resolved");
  for (size_t i = 0; i < f->nmonths; i++) {
    snprintf(m, sizeof m, "%04d-%02d", f->months[i].y, f->months[i].m);
    lld(f->months[i].received, a);
    lld(f->months[i].resolved, b);
    ROW(out, m, a, b);
  }
}

static void cchc(FILE *out, const struct report_figures *f)
{
  struct cchc_item items[CCHC_MAX_ITEMS];
  size_t n = cchc_build(f, items, CCHC_MAX_ITEMS);
  char c[24], p[24], t[24];

  ROW(out, "item", "key", "label", "held", "count", "unit", "percent", "target", "target_met",
      "note");
  for (size_t i = 0; i < n; i++) {
    const struct cchc_item *it = &items[i];
    struct share tg = { it->target_centi != RATE_NO_TARGET, it->target_centi };

    lld(it->count, c);
    centi(it->has_share ? it->share : (struct share){ false, 0 }, p);
    centi(tg, t);
    ROW(out, it->number, it->key, it->label, it->held ? "true" : "false", it->has_count ? c : NULL,
        it->has_count ? it->count_unit : NULL, p, t, tristate(it->met), it->note);
  }
}

static void part(FILE *out, const struct report_figures *f, unsigned bit)
{
  switch (bit) {
  case PART_BIEU06: bieu06(out, f); break;
  case PART_RATES: rates(out, f); break;
  case PART_OVERDUE: overdue(out, f); break;
  case PART_DISCREPANCIES: discrepancies(out, f); break;
  case PART_MONTHLY: monthly(out, f); break;
  case PART_CCHC: cchc(out, f); break;
  }
}

output_result output_csv(const struct report_figures *f, const struct output_options *o, FILE *out)
{
  int blocks = 0;
  int single = (o->parts & (o->parts - 1)) == 0;

  fputs("\xEF\xBB\xBF", out); /* BOM: Excel then reads UTF-8 */
  /* One part alone (--part) is one clean table; several start with the
   * report's unit and period. */
  if (!single) {
    report_block(out, f, o->form);
    blocks++;
  }
  for (size_t i = 0; i < part_count; i++) {
    if (!(o->parts & part_infos[i].bit))
      continue;
    if (blocks++)
      fputs("\r\n", out);
    part(out, f, part_infos[i].bit);
  }
  return ferror(out) ? OUTPUT_IO : OUTPUT_OK;
}
