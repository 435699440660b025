/*
 * simtime - local calendar arithmetic (see simtime.h).
 *
 * days_from_civil / civil_from_days are Howard Hinnant's algorithms:
 * exact for any Gregorian date, no tables, no libc time functions.
 */
#include "simtime.h"

#include <string.h>

static int64_t floor_div(int64_t a, int64_t b)
{
  int64_t q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

int64_t sim_days_from_civil(int y, int m, int d)
{
  int64_t yy = (int64_t)y - (m <= 2);
  int64_t era = floor_div(yy, 400);
  int64_t yoe = yy - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

void sim_civil_from_days(int64_t days, int *y, int *m, int *d)
{
  int64_t z = days + 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t dd = doy - (153 * mp + 2) / 5 + 1;
  int64_t mm = mp < 10 ? mp + 3 : mp - 9;

  *y = (int)(yoe + era * 400 + (mm <= 2));
  *m = (int)mm;
  *d = (int)dd;
}

sim_time sim_time_from_local(int y, int m, int d, int h, int mi, int s)
{
  return sim_days_from_civil(y, m, d) * SIM_DAY + (int64_t)h * 3600 + (int64_t)mi * 60 + s -
         SIM_LOCAL_OFFSET;
}

int64_t sim_local_day(sim_time t)
{
  return floor_div(t + SIM_LOCAL_OFFSET, SIM_DAY);
}

sim_time sim_local_midnight(int64_t day)
{
  return day * SIM_DAY - SIM_LOCAL_OFFSET;
}

int sim_local_second_of_day(sim_time t)
{
  return (int)(t + SIM_LOCAL_OFFSET - sim_local_day(t) * SIM_DAY);
}

int sim_weekday(int64_t day)
{
  /* 1970-01-01 was a Thursday (3 when Monday is 0). */
  int64_t w = (day + 3) % 7;

  return (int)(w < 0 ? w + 7 : w);
}

static void split(sim_time t, int *y, int *mo, int *d, int *h, int *mi, int *s)
{
  int sod = sim_local_second_of_day(t);

  sim_civil_from_days(sim_local_day(t), y, mo, d);
  *h = sod / 3600;
  *mi = sod / 60 % 60;
  *s = sod % 60;
}

/* Write v as exactly n decimal digits (v is reduced modulo 10^n). */
static char *put(char *p, int v, int n)
{
  unsigned u = (unsigned)(v < 0 ? -v : v);

  for (int i = n - 1; i >= 0; i--) {
    p[i] = (char)('0' + u % 10);
    u /= 10;
  }
  return p + n;
}

void sim_format_compact(sim_time t, char *out)
{
  int y, mo, d, h, mi, s;

  split(t, &y, &mo, &d, &h, &mi, &s);
  out = put(out, y, 4);
  out = put(out, mo, 2);
  out = put(out, d, 2);
  out = put(out, h, 2);
  out = put(out, mi, 2);
  out = put(out, s, 2);
  *out = '\0';
}

void sim_format_iso(sim_time t, char *out)
{
  int y, mo, d, h, mi, s;

  split(t, &y, &mo, &d, &h, &mi, &s);
  sim_format_day(sim_local_day(t), out);
  out += 10;
  *out++ = 'T';
  out = put(out, h, 2);
  *out++ = ':';
  out = put(out, mi, 2);
  *out++ = ':';
  out = put(out, s, 2);
  *out = '\0';
}

void sim_format_day(int64_t day, char *out)
{
  int y, m, d;

  sim_civil_from_days(day, &y, &m, &d);
  out = put(out, y, 4);
  *out++ = '-';
  out = put(out, m, 2);
  *out++ = '-';
  out = put(out, d, 2);
  *out = '\0';
}

/* Read exactly n ASCII digits; -1 if any is not a digit. */
static int digits(const char *s, int n)
{
  int v = 0;

  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

static int valid(int y, int m, int d, int h, int mi, int s)
{
  static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

  if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
    return 0;
  if (m == 2 && d == 29 && !leap)
    return 0;
  return h >= 0 && h < 24 && mi >= 0 && mi < 60 && s >= 0 && s < 60;
}

int sim_parse_compact(const char *s, sim_time *out)
{
  int y, mo, d, h, mi, se;

  if (!s || strlen(s) != 14)
    return -1;
  y = digits(s, 4);
  mo = digits(s + 4, 2);
  d = digits(s + 6, 2);
  h = digits(s + 8, 2);
  mi = digits(s + 10, 2);
  se = digits(s + 12, 2);
  if (!valid(y, mo, d, h, mi, se))
    return -1;
  *out = sim_time_from_local(y, mo, d, h, mi, se);
  return 0;
}

static int parse_ymd(const char *s, int *y, int *m, int *d)
{
  if (s[4] != '-' || s[7] != '-')
    return -1;
  *y = digits(s, 4);
  *m = digits(s + 5, 2);
  *d = digits(s + 8, 2);
  return valid(*y, *m, *d, 0, 0, 0) ? 0 : -1;
}

int sim_parse_day(const char *s, int64_t *out)
{
  int y, m, d;

  if (!s || strlen(s) != 10 || parse_ymd(s, &y, &m, &d))
    return -1;
  *out = sim_days_from_civil(y, m, d);
  return 0;
}

int sim_parse_local(const char *s, sim_time *out)
{
  int y, mo, d, h, mi, se;
  size_t n = s ? strlen(s) : 0;

  if (n == 10) {
    int64_t day;

    if (sim_parse_day(s, &day))
      return -1;
    *out = sim_local_midnight(day);
    return 0;
  }
  if (n != 19 || parse_ymd(s, &y, &mo, &d) || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' ||
      s[16] != ':')
    return -1;
  h = digits(s + 11, 2);
  mi = digits(s + 14, 2);
  se = digits(s + 17, 2);
  if (!valid(y, mo, d, h, mi, se))
    return -1;
  *out = sim_time_from_local(y, mo, d, h, mi, se);
  return 0;
}
