/*
 * config_units.c — reads the commune list for the configuration
 * (config_units.h).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_units.h"

/* Field n (0-based) of a CSV line into out (quotes removed); 0 or -1. */
static int csv_field(const char *line, int n, char *out, size_t outsz)
{
  size_t len = 0;
  bool quoted = false;

  for (int f = 0; *line && *line != '\n' && *line != '\r'; line++) {
    if (*line == '"') {
      quoted = !quoted;
      continue;
    }
    if (*line == ',' && !quoted) {
      if (f++ == n)
        break;
      continue;
    }
    if (f == n && len + 1 < outsz)
      out[len++] = *line;
  }
  out[len] = '\0';
  return len ? 0 : -1;
}

static int add_unit(struct unit_list *u, const char *code, const char *prov)
{
  void *c = realloc(u->code, (u->n + 1) * sizeof(*u->code));
  void *p;

  if (!c)
    return -1;
  u->code = c;
  p = realloc(u->province, (u->n + 1) * sizeof(*u->province));
  if (!p)
    return -1;
  u->province = p;
  /* The caller checked the lengths (5 and 2); copy exactly that much. */
  memcpy(u->code[u->n], code, sizeof(u->code[0]) - 1);
  u->code[u->n][sizeof(u->code[0]) - 1] = '\0';
  memcpy(u->province[u->n], prov, sizeof(u->province[0]) - 1);
  u->province[u->n][sizeof(u->province[0]) - 1] = '\0';
  u->n++;
  return 0;
}

int unit_list_read(const char *path, struct unit_list *u, char *err, size_t errsz)
{
  FILE *fp = fopen(path, "r");
  char *line = NULL, code[16], prov[16];
  size_t cap = 0;
  int lineno = 0, rc = 0;

  memset(u, 0, sizeof(*u));
  if (!fp) {
    snprintf(err, errsz, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  while (rc == 0 && getline(&line, &cap, fp) > 0) {
    if (++lineno == 1)
      continue; /* header */
    if (csv_field(line, 0, code, sizeof code) || csv_field(line, 2, prov, sizeof prov) ||
        strlen(code) != 5 || strlen(prov) != 2) {
      snprintf(err, errsz, "%s:%d: not a commune line (code,name,province code,province name)",
               path, lineno);
      rc = -1;
    } else if (add_unit(u, code, prov)) {
      snprintf(err, errsz, "out of memory");
      rc = -1;
    }
  }
  free(line);
  fclose(fp);
  if (rc)
    unit_list_release(u);
  return rc;
}

void unit_list_release(struct unit_list *u)
{
  free(u->code);
  free(u->province);
  memset(u, 0, sizeof(*u));
}

bool unit_list_has(const struct unit_list *u, const char *code)
{
  for (size_t i = 0; i < u->n; i++)
    if (strcmp(u->code[i], code) == 0)
      return true;
  return false;
}

char *unit_list_default_path(void)
{
  static const char *const rel[] = { "../share/tthc-etl/units-2025.csv",
                                     "../../../shared/reference/units-2025.csv", NULL };
  char exe[PATH_MAX], *dir;
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

  if (n <= 0)
    return NULL;
  exe[n] = '\0';
  dir = dirname(exe);
  for (int i = 0; rel[i]; i++) {
    char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, rel[i]) < 0)
      return NULL;
    if (access(path, R_OK) == 0)
      return path;
    free(path);
  }
  return NULL;
}
