/* output_json: the report as one JSON object (output.h). */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "cchc.h"
#include "heading.h"
#include "output.h"
#include "parts.h"

/* A cJSON tree under construction; any failed allocation sets nomem. */
struct jb {
  int nomem;
};

static cJSON *add(struct jb *b, cJSON *obj, const char *key, cJSON *item)
{
  if (!item || !cJSON_AddItemToObject(obj, key, item)) {
    cJSON_Delete(item);
    b->nomem = 1;
    return NULL;
  }
  return item;
}

static void put_str(struct jb *b, cJSON *o, const char *k, const char *v)
{
  add(b, o, k, v ? cJSON_CreateString(v) : cJSON_CreateNull());
}

static void put_num(struct jb *b, cJSON *o, const char *k, long long v)
{
  add(b, o, k, cJSON_CreateNumber((double)v));
}

static void put_bool(struct jb *b, cJSON *o, const char *k, int v)
{
  add(b, o, k, v < 0 ? cJSON_CreateNull() : cJSON_CreateBool(v));
}

/* Hundredths as an exact decimal ("99.52"), null when absent. */
static void put_centi(struct jb *b, cJSON *o, const char *k, int present, long long c)
{
  char raw[32];

  if (!present) {
    add(b, o, k, cJSON_CreateNull());
    return;
  }
  snprintf(raw, sizeof raw, "%s%lld.%02lld", c < 0 ? "-" : "", (c < 0 ? -c : c) / 100,
           (c < 0 ? -c : c) % 100);
  add(b, o, k, cJSON_CreateRaw(raw));
}

static void put_time(struct jb *b, cJSON *o, const char *k, tthc_time t)
{
  char iso[26];

  if (t == TTHC_TIME_NONE) {
    add(b, o, k, cJSON_CreateNull());
    return;
  }
  time_format_iso_local(t, iso);
  put_str(b, o, k, iso);
}

static cJSON *array_item(struct jb *b, cJSON *arr)
{
  cJSON *o = cJSON_CreateObject();

  if (!o || !cJSON_AddItemToArray(arr, o)) {
    cJSON_Delete(o);
    b->nomem = 1;
    return NULL;
  }
  return o;
}

static void unit_and_period(struct jb *b, cJSON *root, const struct report_figures *f,
                            report_form form)
{
  struct heading h;
  char from[11], to[11];
  static const char *const kinds[] = { "month", "quarter", "year", "range" };
  cJSON *u = add(b, root, "unit", cJSON_CreateObject());
  cJSON *p = add(b, root, "period", cJSON_CreateObject());

  heading_build(f, form, &h);
  if (u) {
    put_str(b, u, "unit_code", f->unit.code);
    put_str(b, u, "level", f->unit.is_province ? "province" : "commune");
    put_str(b, u, "unit_name", f->unit.name);
    put_str(b, u, "province_code", f->unit.province_code);
    put_str(b, u, "province_name", f->unit.province_name);
    put_str(b, u, "heading", h.unit);
  }
  period_iso(&f->period.from, from);
  period_iso(&f->period.to, to);
  if (p) {
    put_str(b, p, "from", from);
    put_str(b, p, "to", to);
    put_str(b, p, "kind", kinds[f->period.kind]);
    put_str(b, p, "title", h.title);
    put_str(b, p, "range", h.range);
  }
  put_time(b, root, "as_of", f->as_of);
  put_time(b, root, "generated_at", f->generated_at);
}

static void bieu06(struct jb *b, cJSON *arr, const struct report_figures *f)
{
  for (size_t i = 0; i < f->nrows; i++) {
    const struct bieu06_row *r = &f->rows[i];
    cJSON *o = array_item(b, arr);

    if (!o)
      return;
    put_str(b, o, "field_code", r->field_code);
    put_str(b, o, "field_name", r->field_name);
    for (int c = COL_TOTAL; c < BIEU06_COLS; c++)
      put_num(b, o, bieu06_columns[c].key, bieu06_value(r, (enum bieu06_col)c));
  }
}

static void rates(struct jb *b, cJSON *obj, const struct report_figures *f)
{
  cJSON *arr = add(b, obj, "items", cJSON_CreateArray());

  put_num(b, obj, "received", f->received);
  put_num(b, obj, "resolved", f->resolved);
  for (int i = 0; arr && i < RATE_COUNT; i++) {
    const struct rate_label *l = &rate_labels[i];
    const struct rate_value *v = &f->rates[i];
    cJSON *o = array_item(b, arr);

    if (!o)
      return;
    put_str(b, o, "rate", l->key);
    put_str(b, o, "label", l->name);
    put_str(b, o, "indicator_766", l->indicator);
    put_centi(b, o, "value", v->value.present, v->value.centi);
    put_centi(b, o, "target", l->target_centi != RATE_NO_TARGET, l->target_centi);
    put_bool(b, o, "target_met",
             v->value.present ? rate_meets_target((enum rate_id)i, v->value.centi) : -1);
    put_bool(b, o, "full_points", v->full_points);
  }
}

static void overdue(struct jb *b, cJSON *arr, const struct report_figures *f)
{
  for (size_t i = 0; i < f->noverdue; i++) {
    const struct overdue_row *r = &f->overdue[i];
    cJSON *o = array_item(b, arr);

    if (!o)
      return;
    put_str(b, o, "department_code", r->department_code);
    put_str(b, o, "department_name", r->department_name);
    put_num(b, o, "resolved_late", r->resolved_late);
    put_num(b, o, "pending_late", r->pending_late);
    put_num(b, o, "overdue_total", r->total);
  }
}

static void discrepancy(struct jb *b, cJSON *o, const struct discrepancy *d)
{
  put_str(b, o, "dossier_code", d->dossier_code);
  put_str(b, o, "unit_code", d->unit_code);
  put_str(b, o, "class", d->class_key);
  put_str(b, o, "class_label", discrepancy_class_name(d->class_key));
  put_str(b, o, "origin_system", d->origin_system);
  put_str(b, o, "origin_code", d->origin_code);
  put_str(b, o, "portal_code", d->portal_code);
  if (d->origin_status)
    put_num(b, o, "origin_status", d->origin_status);
  else
    add(b, o, "origin_status", cJSON_CreateNull());
  put_str(b, o, "origin_status_name", status_name(d->origin_status));
  if (d->portal_status)
    put_num(b, o, "portal_status", d->portal_status);
  else
    add(b, o, "portal_status", cJSON_CreateNull());
  put_str(b, o, "portal_status_name", status_name(d->portal_status));
  put_time(b, o, "origin_received_at", d->origin_received);
  put_time(b, o, "portal_received_at", d->portal_received);
  put_time(b, o, "origin_due_at", d->origin_due);
  put_time(b, o, "portal_due_at", d->portal_due);
  put_time(b, o, "origin_end_at", d->origin_end);
  put_time(b, o, "portal_end_at", d->portal_end);
  put_time(b, o, "detected_at", d->detected);
}

static void discrepancies(struct jb *b, cJSON *arr, const struct report_figures *f)
{
  for (size_t i = 0; i < f->ndisc; i++) {
    cJSON *o = array_item(b, arr);

    if (!o)
      return;
    discrepancy(b, o, &f->disc[i]);
  }
}

static void monthly(struct jb *b, cJSON *arr, const struct report_figures *f)
{
  char m[16];

  for (size_t i = 0; i < f->nmonths; i++) {
    cJSON *o = array_item(b, arr);

    if (!o)
      return;
    snprintf(m, sizeof m, "%04d-%02d", f->months[i].y, f->months[i].m);
    put_str(b, o, "month", m);
    put_num(b, o, "received", f->months[i].received);
    put_num(b, o, "resolved", f->months[i].resolved);
  }
}

static void cchc(struct jb *b, cJSON *arr, const struct report_figures *f)
{
  struct cchc_item items[CCHC_MAX_ITEMS];
  size_t n = cchc_build(f, items, CCHC_MAX_ITEMS);
  char value[256];

  for (size_t i = 0; i < n; i++) {
    const struct cchc_item *it = &items[i];
    cJSON *o = array_item(b, arr);

    if (!o)
      return;
    cchc_value_text(it, value, sizeof value);
    put_str(b, o, "item", it->number);
    put_str(b, o, "key", it->key);
    put_str(b, o, "label", it->label);
    add(b, o, "held", cJSON_CreateBool(it->held));
    if (it->has_count)
      put_num(b, o, "count", it->count);
    else
      add(b, o, "count", cJSON_CreateNull());
    put_str(b, o, "unit", it->has_count ? it->count_unit : NULL);
    put_centi(b, o, "percent", it->has_share && it->share.present, it->share.centi);
    put_centi(b, o, "target", it->target_centi != RATE_NO_TARGET, it->target_centi);
    put_bool(b, o, "target_met", it->met);
    put_str(b, o, "text", value);
    put_str(b, o, "note", it->note[0] ? it->note : NULL);
  }
}

/* The member of the root a part goes to, and what it holds. */
static void part(struct jb *b, cJSON *root, const struct report_figures *f, unsigned bit)
{
  cJSON *x;

  switch (bit) {
  case PART_BIEU06:
    if ((x = add(b, root, "bieu06", cJSON_CreateArray())))
      bieu06(b, x, f);
    break;
  case PART_RATES:
    if ((x = add(b, root, "rates", cJSON_CreateObject())))
      rates(b, x, f);
    break;
  case PART_OVERDUE:
    if ((x = add(b, root, "overdue_by_department", cJSON_CreateArray())))
      overdue(b, x, f);
    break;
  case PART_DISCREPANCIES:
    if ((x = add(b, root, "sync_discrepancies", cJSON_CreateArray())))
      discrepancies(b, x, f);
    break;
  case PART_MONTHLY:
    if ((x = add(b, root, "monthly", cJSON_CreateArray())))
      monthly(b, x, f);
    break;
  case PART_CCHC:
    if ((x = add(b, root, "cchc", cJSON_CreateArray())))
      cchc(b, x, f);
    break;
  }
}

output_result output_json(const struct report_figures *f, const struct output_options *o, FILE *out)
{
  struct jb b = { 0 };
  cJSON *root = cJSON_CreateObject();
  char *text = NULL;

  if (!root)
    return OUTPUT_NOMEM;
  put_str(&b, root, "form", o->form == FORM_CCHC ? "cchc" : "period");
  unit_and_period(&b, root, f, o->form);
  for (size_t i = 0; i < part_count; i++)
    if (o->parts & part_infos[i].bit)
      part(&b, root, f, part_infos[i].bit);
  if (!b.nomem)
    text = cJSON_Print(root);
  cJSON_Delete(root);
  if (!text)
    return OUTPUT_NOMEM;
  fputs(text, out);
  fputc('\n', out);
  free(text);
  return ferror(out) ? OUTPUT_IO : OUTPUT_OK;
}
