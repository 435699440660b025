#include "figures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vntext.h"

void figures_init(struct report_figures *f)
{
  memset(f, 0, sizeof *f);
  f->as_of = TTHC_TIME_NONE;
  f->generated_at = TTHC_TIME_NONE;
}

void figures_release(struct report_figures *f)
{
  free(f->unit.name);
  free(f->unit.province_code);
  free(f->unit.province_name);
  for (size_t i = 0; i < f->nrows; i++) {
    free(f->rows[i].field_code);
    free(f->rows[i].field_name);
  }
  free(f->rows);
  for (size_t i = 0; i < f->noverdue; i++) {
    free(f->overdue[i].department_code);
    free(f->overdue[i].department_name);
  }
  free(f->overdue);
  for (size_t i = 0; i < f->ndisc; i++) {
    struct discrepancy *d = &f->disc[i];

    free(d->dossier_code);
    free(d->origin_code);
    free(d->portal_code);
    free(d->class_key);
    free(d->origin_system);
    free(d->unit_code);
  }
  free(f->disc);
  free(f->months);
  figures_init(f);
}

long long bieu06_resolved(const struct bieu06_row *r)
{
  return r->resolved_early + r->resolved_on_time + r->resolved_late;
}

long long bieu06_pending(const struct bieu06_row *r)
{
  return r->pending_in_time + r->pending_late;
}

long long bieu06_received(const struct bieu06_row *r)
{
  return r->received_online + r->received_direct + r->received_postal;
}

long long bieu06_value(const struct bieu06_row *r, enum bieu06_col c)
{
  switch (c) {
  case COL_TOTAL: return r->total;
  case COL_RECEIVED_ONLINE: return r->received_online;
  case COL_CARRIED_OVER: return r->carried_over;
  case COL_RECEIVED_DIRECT: return r->received_direct;
  case COL_RECEIVED_POSTAL: return r->received_postal;
  case COL_RESOLVED: return bieu06_resolved(r);
  case COL_RESOLVED_EARLY: return r->resolved_early;
  case COL_RESOLVED_ON_TIME: return r->resolved_on_time;
  case COL_RESOLVED_LATE: return r->resolved_late;
  case COL_PENDING: return bieu06_pending(r);
  case COL_PENDING_IN_TIME: return r->pending_in_time;
  case COL_PENDING_LATE: return r->pending_late;
  case COL_STOPPED: return r->stopped;
  case COL_STT:
  case COL_FIELD:
  case BIEU06_COLS: break;
  }
  return 0;
}

bool bieu06_identity_holds(const struct bieu06_row *r)
{
  return r->total == bieu06_resolved(r) + bieu06_pending(r) + r->stopped &&
         r->total == bieu06_received(r) + r->carried_over;
}

const struct bieu06_row *figures_total(const struct report_figures *f)
{
  return f->nrows ? &f->rows[f->nrows - 1] : NULL;
}

static bool starts_with(const char *s, const char *prefix)
{
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The unit's full name: a province without "Thành phố" is a "Tỉnh". */
static void full_name(const struct report_figures *f, char *out, size_t n)
{
  const char *name = f->unit.name;

  if (!name)
    snprintf(out, n, "Đơn vị %s", f->unit.code);
  else if (f->unit.is_province && !starts_with(name, "Thành phố") && !starts_with(name, "Tỉnh"))
    snprintf(out, n, "Tỉnh %s", name);
  else
    snprintf(out, n, "%s", name);
}

void figures_unit_heading(const struct report_figures *f, char *out, size_t n)
{
  char name[256];

  full_name(f, name, sizeof name);
  if (vn_upper(name, out, n) == VN_INVALID_UTF8)
    snprintf(out, n, "%s", name);
}

void figures_unit_phrase(const struct report_figures *f, char *out, size_t n)
{
  char name[256];

  full_name(f, name, sizeof name);
  if (vn_lower_first(name, out, n) == VN_INVALID_UTF8)
    snprintf(out, n, "%s", name);
}

void figures_unit_place(const struct report_figures *f, char *out, size_t n)
{
  static const char *const kinds[] = { "Phường ", "Xã ", "Đặc khu ", "Thành phố ", "Tỉnh ", NULL };
  char name[256];
  const char *p = name;

  full_name(f, name, sizeof name);
  for (int i = 0; kinds[i]; i++)
    if (starts_with(name, kinds[i])) {
      p = name + strlen(kinds[i]);
      break;
    }
  snprintf(out, n, "%s", p);
}
