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

char *rundir_find(const char *state_dir, const char *have, const char *lacking)
{
  char *runs = NULL, *best = NULL;
  DIR *d = NULL;
  struct dirent *e;

  if (asprintf(&runs, "%s/runs", state_dir) < 0)
    return NULL;
  d = opendir(runs);
  if (!d)
    goto out;
  while ((e = readdir(d))) {
    if (!rundir_id_valid(e->d_name))
      continue;
    if (best && strcmp(e->d_name, best) <= 0)
      continue;
    if (have && !rundir_has(state_dir, e->d_name, have))
      continue;
    if (lacking && rundir_has(state_dir, e->d_name, lacking))
      continue;
    free(best);
    best = strdup(e->d_name);
  }
out:
  if (d)
    closedir(d);
  free(runs);
  return best;
}
