#include "period.h"

#include <stdio.h>
#include <string.h>

#include "timeutil.h"
#include "vntext.h"

const char *period_strerror(period_result r)
{
  switch (r) {
  case PERIOD_OK: return "no error";
  case PERIOD_SYNTAX: return "not a period of the expected form";
  case PERIOD_BAD_DATE: return "no such date";
  case PERIOD_ORDER: return "the period starts after it ends";
  }
  return "unknown period error";
}

/* n ASCII digits at s into *out; -1 if any is not a digit. */
static int digits(const char *s, int n, int *out)
{
  int v = 0;

  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

static int days_in_month(int y, int m)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return days[m - 1];
}

static void set(struct period *p, period_kind k, int y1, int m1, int d1, int y2, int m2, int d2)
{
  p->kind = k;
  p->from = (struct report_date){ y1, m1, d1 };
  p->to = (struct report_date){ y2, m2, d2 };
}

period_result period_month(const char *s, struct period *p)
{
  int y, m;

  if (!s || strlen(s) != 7 || s[4] != '-' || digits(s, 4, &y) || digits(s + 5, 2, &m))
    return PERIOD_SYNTAX;
  if (y < 1900 || m < 1 || m > 12)
    return PERIOD_BAD_DATE;
  set(p, PERIOD_MONTH, y, m, 1, y, m, days_in_month(y, m));
  return PERIOD_OK;
}

period_result period_quarter(const char *s, struct period *p)
{
  int y, q;

  if (!s || strlen(s) != 7 || s[4] != '-' || (s[5] != 'Q' && s[5] != 'q') || digits(s, 4, &y) ||
      digits(s + 6, 1, &q))
    return PERIOD_SYNTAX;
  if (y < 1900 || q < 1 || q > 4)
    return PERIOD_BAD_DATE;
  set(p, PERIOD_QUARTER, y, 3 * q - 2, 1, y, 3 * q, days_in_month(y, 3 * q));
  return PERIOD_OK;
}

period_result period_year(const char *s, struct period *p)
{
  int y;

  if (!s || strlen(s) != 4 || digits(s, 4, &y))
    return PERIOD_SYNTAX;
  if (y < 1900)
    return PERIOD_BAD_DATE;
  set(p, PERIOD_YEAR, y, 1, 1, y, 12, 31);
  return PERIOD_OK;
}

static period_result parse_date(const char *s, struct report_date *d)
{
  switch (time_parse_date(s, &d->y, &d->m, &d->d)) {
  case TIME_OK: return PERIOD_OK;
  case TIME_RANGE: return PERIOD_BAD_DATE;
  default: return PERIOD_SYNTAX;
  }
}

period_result period_range(const char *from, const char *to, struct period *p)
{
  struct report_date a, b;
  period_result r;

  if ((r = parse_date(from, &a)) != PERIOD_OK || (r = parse_date(to, &b)) != PERIOD_OK)
    return r;
  if (a.y * 10000 + a.m * 100 + a.d > b.y * 10000 + b.m * 100 + b.d)
    return PERIOD_ORDER;
  p->kind = PERIOD_RANGE;
  p->from = a;
  p->to = b;
  return PERIOD_OK;
}

void period_iso(const struct report_date *d, char out[11])
{
  snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d->y % 10000u, (unsigned)d->m % 100u,
           (unsigned)d->d % 100u);
}

void period_title(const struct period *p, char *out, size_t n)
{
  char a[VN_DATE_MAX], b[VN_DATE_MAX];

  switch (p->kind) {
  case PERIOD_MONTH: snprintf(out, n, "tháng %d năm %d", p->from.m, p->from.y); return;
  case PERIOD_QUARTER:
    snprintf(out, n, "quý %s năm %d", vn_roman_quarter((p->from.m + 2) / 3), p->from.y);
    return;
  case PERIOD_YEAR: snprintf(out, n, "năm %d", p->from.y); return;
  case PERIOD_RANGE: break;
  }
  vn_date_doc(p->from.y, p->from.m, p->from.d, a);
  vn_date_doc(p->to.y, p->to.m, p->to.d, b);
  snprintf(out, n, "từ ngày %s đến ngày %s", a, b);
}

void period_range_line(const struct period *p, char *out, size_t n)
{
  char a[VN_DATE_MAX], b[VN_DATE_MAX];

  vn_date_doc(p->from.y, p->from.m, p->from.d, a);
  vn_date_doc(p->to.y, p->to.m, p->to.d, b);
  snprintf(out, n, "(Số liệu từ ngày %s đến ngày %s)", a, b);
}

int period_month_count(const struct period *p)
{
  return (p->to.y - p->from.y) * 12 + (p->to.m - p->from.m) + 1;
}
