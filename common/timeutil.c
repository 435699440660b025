#include "timeutil.h"

#include <stddef.h>
#include <string.h>

/* Parse helpers work on a [p, end) span with surrounding blanks removed. */
struct span {
  const char *p;
  const char *end;
};

static int is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Returns 0 when s is absent (NULL, empty or blank). */
static int trim(const char *s, struct span *sp)
{
  const char *e;

  if (!s)
    return 0;
  while (is_blank(*s))
    s++;
  e = s + strlen(s);
  while (e > s && is_blank(e[-1]))
    e--;
  sp->p = s;
  sp->end = e;
  return e > s;
}

/* Exactly n ASCII digits at p; isdigit() is locale dependent, so no. */
static int digits(const char *p, int n, int *v)
{
  int x = 0;

  for (int i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9')
      return 0;
    x = x * 10 + (p[i] - '0');
  }
  *v = x;
  return 1;
}

static int is_leap(int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
  static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

int time_date_valid(int y, int m, int d)
{
  return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

static int clock_valid(int h, int mi, int s)
{
  return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 59;
}

/* Howard Hinnant's days_from_civil: days since 1970-01-01. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
  int64_t era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
  int64_t era, doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

tthc_time time_from_utc(int y, int mo, int d, int h, int mi, int s)
{
  return days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s;
}

tthc_time time_from_local(int y, int mo, int d, int h, int mi, int s)
{
  return time_from_utc(y, mo, d, h, mi, s) - TTHC_LOCAL_OFFSET;
}

static time_result finish(int y, int mo, int d, int h, int mi, int s, int offset, tthc_time *out)
{
  if (!time_date_valid(y, mo, d) || !clock_valid(h, mi, s))
    return TIME_RANGE;
  *out = time_from_utc(y, mo, d, h, mi, s) - offset;
  return TIME_OK;
}

time_result time_parse_compact(const char *s, tthc_time *out)
{
  struct span sp;
  int y, mo, d, h, mi, sec;
  const char *p;

  if (!trim(s, &sp))
    return TIME_ABSENT;
  p = sp.p;
  if (sp.end - p != 14 || !digits(p, 4, &y) || !digits(p + 4, 2, &mo) || !digits(p + 6, 2, &d) ||
      !digits(p + 8, 2, &h) || !digits(p + 10, 2, &mi) || !digits(p + 12, 2, &sec))
    return TIME_SYNTAX;
  return finish(y, mo, d, h, mi, sec, TTHC_LOCAL_OFFSET, out);
}

time_result time_parse_dmy(const char *s, tthc_time *out)
{
  struct span sp;
  int y, mo, d, h, mi, sec;
  const char *p;

  if (!trim(s, &sp))
    return TIME_ABSENT;
  p = sp.p;
  /* dd/MM/yyyy HH:mm:ss */
  if (sp.end - p != 19 || p[2] != '/' || p[5] != '/' || p[10] != ' ' || p[13] != ':' ||
      p[16] != ':' || !digits(p, 2, &d) || !digits(p + 3, 2, &mo) || !digits(p + 6, 4, &y) ||
      !digits(p + 11, 2, &h) || !digits(p + 14, 2, &mi) || !digits(p + 17, 2, &sec))
    return TIME_SYNTAX;
  return finish(y, mo, d, h, mi, sec, TTHC_LOCAL_OFFSET, out);
}

/* "yyyy-MM-dd" at p (exactly 10 bytes available is checked by caller). */
static int date_fields(const char *p, int *y, int *m, int *d)
{
  return p[4] == '-' && p[7] == '-' && digits(p, 4, y) && digits(p + 5, 2, m) &&
         digits(p + 8, 2, d);
}

time_result time_parse_date(const char *s, int *y, int *m, int *d)
{
  struct span sp;
  int yy, mm, dd;

  if (!trim(s, &sp))
    return TIME_ABSENT;
  if (sp.end - sp.p != 10 || !date_fields(sp.p, &yy, &mm, &dd))
    return TIME_SYNTAX;
  if (!time_date_valid(yy, mm, dd))
    return TIME_RANGE;
  *y = yy;
  *m = mm;
  *d = dd;
  return TIME_OK;
}

time_result time_parse_iso(const char *s, tthc_time *out)
{
  struct span sp;
  int y, mo, d, h, mi, sec, oh, om, offset = TTHC_LOCAL_OFFSET;
  const char *p, *q;

  if (!trim(s, &sp))
    return TIME_ABSENT;
  p = sp.p;
  /* yyyy-MM-ddTHH:mm:ss is 19 bytes */
  if (sp.end - p < 19 || !date_fields(p, &y, &mo, &d) ||
      (p[10] != 'T' && p[10] != 't' && p[10] != ' ') || p[13] != ':' || p[16] != ':' ||
      !digits(p + 11, 2, &h) || !digits(p + 14, 2, &mi) || !digits(p + 17, 2, &sec))
    return TIME_SYNTAX;
  q = p + 19;
  if (q < sp.end && *q == '.') {
    /* Fractions are common in JSON APIs; we keep whole seconds. */
    q++;
    if (q == sp.end || *q < '0' || *q > '9')
      return TIME_SYNTAX;
    while (q < sp.end && *q >= '0' && *q <= '9')
      q++;
  }
  if (q < sp.end) {
    if ((*q == 'Z' || *q == 'z') && sp.end - q == 1) {
      offset = 0;
    } else if ((*q == '+' || *q == '-') && sp.end - q == 6 && q[3] == ':' &&
               digits(q + 1, 2, &oh) && digits(q + 4, 2, &om)) {
      if (oh > 23 || om > 59)
        return TIME_RANGE;
      offset = (oh * 3600 + om * 60) * (*q == '-' ? -1 : 1);
    } else {
      return TIME_SYNTAX;
    }
  }
  return finish(y, mo, d, h, mi, sec, offset, out);
}

time_result time_parse_since(const char *s, tthc_time *out)
{
  struct span sp;
  int y, m, d;
  time_result r;

  if (!trim(s, &sp))
    return TIME_ABSENT;
  if (sp.end - sp.p == 10) {
    r = time_parse_date(s, &y, &m, &d);
    if (r == TIME_OK)
      *out = time_from_local(y, m, d, 0, 0, 0);
    return r;
  }
  return time_parse_iso(s, out);
}

/* Broken-down fields of t shifted by offset; 0 if not printable. */
struct fields {
  int y, mo, d, h, mi, s;
};

static int split(tthc_time t, int offset, struct fields *f)
{
  int64_t days, secs, y;

  /* Bound t first so the arithmetic below can never overflow. */
  if (t == TTHC_TIME_NONE || t < -70000000000000LL || t > 70000000000000LL)
    return 0;
  t += offset;
  days = t / 86400;
  secs = t % 86400;
  if (secs < 0) {
    secs += 86400;
    days--;
  }
  civil_from_days(days, &y, &f->mo, &f->d);
  if (y < 0 || y > 9999)
    return 0;
  f->y = (int)y;
  f->h = (int)(secs / 3600);
  f->mi = (int)(secs / 60 % 60);
  f->s = (int)(secs % 60);
  return 1;
}

/* Write v as exactly n decimal digits; avoids snprintf truncation noise. */
static char *put(char *p, int v, int n)
{
  for (int i = n - 1; i >= 0; i--) {
    p[i] = (char)('0' + v % 10);
    v /= 10;
  }
  return p + n;
}

/* Formats t shifted by offset after pattern: Y year (4 digits), M month,
 * D day, h hour, m minute, s second (2 digits each); any other character is
 * copied. "" for an instant that cannot be shown. */
static void format(tthc_time t, int offset, const char *pattern, char *out)
{
  struct fields f;
  char *p = out;

  if (!split(t, offset, &f)) {
    out[0] = '\0';
    return;
  }
  for (; *pattern; pattern++) {
    switch (*pattern) {
    case 'Y': p = put(p, f.y, 4); break;
    case 'M': p = put(p, f.mo, 2); break;
    case 'D': p = put(p, f.d, 2); break;
    case 'h': p = put(p, f.h, 2); break;
    case 'm': p = put(p, f.mi, 2); break;
    case 's': p = put(p, f.s, 2); break;
    default: *p++ = *pattern; break;
    }
  }
  *p = '\0';
}

void time_format_utc(tthc_time t, char out[32])
{
  format(t, 0, "Y-M-D h:m:s+00", out);
}

void time_format_iso_utc(tthc_time t, char out[21])
{
  format(t, 0, "Y-M-DTh:m:sZ", out);
}

void time_format_compact_local(tthc_time t, char out[15])
{
  format(t, TTHC_LOCAL_OFFSET, "YMDhms", out);
}

void time_format_dmy_local(tthc_time t, char out[20])
{
  format(t, TTHC_LOCAL_OFFSET, "D/M/Y h:m:s", out);
}

void time_format_iso_local(tthc_time t, char out[26])
{
  format(t, TTHC_LOCAL_OFFSET, "Y-M-DTh:m:s+07:00", out);
}

const char *time_strerror(time_result r)
{
  switch (r) {
  case TIME_OK: return "no error";
  case TIME_ABSENT: return "time value is absent";
  case TIME_SYNTAX: return "time value has the wrong format";
  case TIME_RANGE: return "time value is out of range";
  }
  return "unknown time error";
}
