/*
 * junk - malformed records (see junk.h).
 */
#include "junk.h"

#include <stdlib.h>
#include <string.h>

const char *sim_kind_name(enum sim_kind k)
{
  switch (k) {
  case SIM_KIND_CITY: return "city";
  case SIM_KIND_MINISTRY: return "ministry";
  default: return "portal";
  }
}

const char *sim_junk_reason_name(enum sim_junk_reason r)
{
  static const char *const names[SIM_JUNK_COUNT] = { "bad_date", "unknown_status", "missing_code",
                                                     "overlong_field", "invalid_utf8" };

  return r < SIM_JUNK_COUNT ? names[r] : "unknown";
}

const char *sim_junk_bad_date(const struct sim_junk *j)
{
  static const char *const compact[] = { "20260431083000", "20260230101500", "20251331090000",
                                         "20260415250000" };
  static const char *const dmy[] = { "31/04/2026 08:30:00", "30/02/2026 10:15:00",
                                     "15/13/2025 09:00:00", "15/04/2026 25:00:00" };

  return j->kind == SIM_KIND_MINISTRY ? dmy[j->variant % 4] : compact[j->variant % 4];
}

int sim_junk_status(const struct sim_junk *j)
{
  static const int national[] = { 0, 11, 42, 99 };
  static const int ministry[] = { 0, 5, 7, 9 };

  return j->kind == SIM_KIND_MINISTRY ? ministry[j->variant % 4] : national[j->variant % 4];
}

char *sim_junk_long_name(const char *name)
{
  size_t n = strlen(name ? name : "") + 3, total = 0, cap = 2100 + n;
  char *s = malloc(cap + 1);

  if (!s)
    return NULL;
  while (total < 2100) {
    int w = snprintf(s + total, cap + 1 - total, "%s; ", name && *name ? name : "Thủ tục");

    if (w <= 0)
      break;
    total += (size_t)w;
  }
  s[total] = '\0';
  return s;
}

static int line_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int sim_junk_write_truth(const struct sim_junk *j, size_t n, FILE *fp)
{
  char **lines = calloc(n ? n : 1, sizeof(*lines));
  int rc = 0;

  if (!lines)
    return -1;
  for (size_t i = 0; i < n && !rc; i++) {
    size_t len = strlen(j[i].code) + 64;

    lines[i] = malloc(len);
    if (!lines[i]) {
      rc = -1;
      break;
    }
    snprintf(lines[i], len, "%s\t%s\t%s\t%s\n", sim_kind_name(j[i].kind), j[i].commune, j[i].code,
             sim_junk_reason_name(j[i].reason));
  }
  if (!rc) {
    qsort(lines, n, sizeof(*lines), line_cmp);
    for (size_t i = 0; i < n; i++)
      fputs(lines[i], fp);
    rc = fflush(fp) == 0 && !ferror(fp) ? 0 : -1;
  }
  for (size_t i = 0; i < n; i++)
    free(lines[i]);
  free(lines);
  return rc;
}
