#include "rundir.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

void rundir_new_id(char out[17])
{
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

char *rundir_path(const char *state_dir, const char *run_id, const char *rel)
{
  char *p = NULL;
  int n = rel ? asprintf(&p, "%s/runs/%s/%s", state_dir, run_id, rel)
              : asprintf(&p, "%s/runs/%s", state_dir, run_id);
  return n < 0 ? NULL : p;
}

int rundir_has(const char *state_dir, const char *run_id, const char *mark)
{
  char *p = rundir_path(state_dir, run_id, mark);
  struct stat st;
  int ok = p && stat(p, &st) == 0;
  free(p);
  return ok;
}

int rundir_id_valid(const char *s)
{
  /* YYYYMMDDTHHMMSSZ */
  if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
    return 0;
  for (int i = 0; i < 15; i++)
    if (i != 8 && !isdigit((unsigned char)s[i]))
      return 0;
  return 1;
}

static int id_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

char **rundir_list(const char *state_dir, const char *have, const char *lacking, size_t *n)
{
  char *runs = NULL, **ids = NULL;
  size_t cap = 0;
  DIR *d = NULL;
  struct dirent *e;

  *n = 0;
  if (asprintf(&runs, "%s/runs", state_dir) < 0)
    return NULL;
  d = opendir(runs);
  free(runs);
  if (!d)
    return NULL;
  while ((e = readdir(d))) {
    if (!rundir_id_valid(e->d_name) || (have && !rundir_has(state_dir, e->d_name, have)) ||
        (lacking && rundir_has(state_dir, e->d_name, lacking)))
      continue;
    if (*n == cap) {
      char **grown = realloc(ids, (cap = cap ? cap * 2 : 16) * sizeof(*ids));
      if (!grown)
        break;
      ids = grown;
    }
    if (!(ids[*n] = strdup(e->d_name)))
      break;
    (*n)++;
  }
  closedir(d);
  if (ids)
    qsort(ids, *n, sizeof(*ids), id_cmp);
  return ids;
}

void rundir_list_free(char **ids, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(ids[i]);
  free(ids);
}

char *rundir_find(const char *state_dir, const char *have, const char *lacking)
{
  size_t n;
  char **ids = rundir_list(state_dir, have, lacking, &n);
  char *newest = NULL;

  if (n > 0) {
    newest = ids[n - 1];
    ids[n - 1] = NULL;
  }
  rundir_list_free(ids, n);
  return newest;
}
