#include "rundir.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* 32 random bits for the id's suffix; the clock and the process when the
 * kernel has no randomness to give (still unlike another process's). */
static uint32_t id_suffix(const struct timespec *when)
{
  uint32_t r;

  if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
    return r;
  return (uint32_t)when->tv_nsec ^ (uint32_t)getpid() * 2654435761u;
}

void rundir_id_at(const struct timespec *when, char out[RUNDIR_ID_MAX])
{
  unsigned usec = (unsigned)(when->tv_nsec / 1000) % 1000000u;
  struct tm tm;
  char second[16];

  gmtime_r(&when->tv_sec, &tm);
  if (strftime(second, sizeof(second), "%Y%m%dT%H%M%S", &tm) == 0)
    second[0] = '\0'; /* past year 9999: an invalid id, refused where used */
  snprintf(out, RUNDIR_ID_MAX, "%s.%06uZ-%08" PRIx32, second, usec, id_suffix(when));
}

void rundir_new_id(char out[RUNDIR_ID_MAX])
{
  struct timespec now;

  clock_gettime(CLOCK_REALTIME, &now);
  rundir_id_at(&now, out);
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

/* n characters of s are digits. */
static int digits(const char *s, int n)
{
  for (int i = 0; i < n; i++)
    if (!isdigit((unsigned char)s[i]))
      return 0;
  return 1;
}

int rundir_id_valid(const char *s)
{
  size_t n = strlen(s);

  /* YYYYMMDDTHHMMSS, then Z (the old form) or .uuuuuuZ-xxxxxxxx */
  if (n < 16 || !digits(s, 8) || s[8] != 'T' || !digits(s + 9, 6))
    return 0;
  if (n == 16)
    return s[15] == 'Z';
  if (n != 32 || s[15] != '.' || !digits(s + 16, 6) || s[22] != 'Z' || s[23] != '-')
    return 0;
  for (int i = 24; i < 32; i++)
    if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
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

long long rundir_id_time(const char *id)
{
  struct tm tm = { 0 };

  if (!rundir_id_valid(id) || !strptime(id, "%Y%m%dT%H%M%S", &tm))
    return -1;
  return (long long)timegm(&tm);
}

/* Why the last removal failed, for the caller's err (nftw's callback has
 * no user pointer; one removal at a time per thread). */
static _Thread_local char prune_failed[512];

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  (void)st;
  (void)ftw;
  if ((type == FTW_DP ? rmdir(path) : unlink(path)) != 0 && errno != ENOENT) {
    snprintf(prune_failed, sizeof(prune_failed), "remove \"%s\": %s", path, strerror(errno));
    return 1;
  }
  return 0;
}

/* rm -rf path (no symlink followed); 0 ok. */
static int remove_tree(const char *path)
{
  prune_failed[0] = '\0';
  return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

/* Renames STATE/runs/RUN to RUN.removing and removes it; 0 ok. */
static int remove_run(const char *state_dir, const char *id)
{
  char *from = rundir_path(state_dir, id, NULL), *to = NULL;
  int rc = -1;

  if (!from || asprintf(&to, "%s.removing", from) < 0) {
    to = NULL;
    snprintf(prune_failed, sizeof(prune_failed), "out of memory");
    goto out;
  }
  if (rename(from, to) != 0) {
    snprintf(prune_failed, sizeof(prune_failed), "rename \"%s\": %s", from, strerror(errno));
    goto out;
  }
  rc = remove_tree(to);
out:
  free(from);
  free(to);
  return rc;
}

/* Finishes removals a crash interrupted: STATE/runs/RUN.removing. */
static int finish_removals(const char *state_dir, char *err, size_t errsz)
{
  char *runs = NULL, *p = NULL;
  DIR *d;
  struct dirent *e;
  int rc = 0;

  if (asprintf(&runs, "%s/runs", state_dir) < 0)
    return -1;
  d = opendir(runs);
  while (d && (e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if (n <= 9 || strcmp(e->d_name + n - 9, ".removing") != 0)
      continue;
    if (asprintf(&p, "%s/%s", runs, e->d_name) < 0)
      break;
    if (remove_tree(p) != 0) {
      rc = -1;
      if (errsz)
        snprintf(err, errsz, "%s", prune_failed);
    }
    free(p);
  }
  if (d)
    closedir(d);
  free(runs);
  return rc;
}

int rundir_prune(const char *state_dir, int keep_days, long long now, size_t *removed, char *err,
                 size_t errsz)
{
  size_t n = 0, done = 0;
  char **ids;
  int rc;

  if (errsz)
    err[0] = '\0';
  if (removed)
    *removed = 0;
  if (keep_days <= 0)
    return 0;
  rc = finish_removals(state_dir, err, errsz);
  ids = rundir_list(state_dir, NULL, NULL, &n);
  /* ids is oldest first: the last one, the newest, is always kept. */
  for (size_t i = 0; i + 1 < n; i++) {
    long long t = rundir_id_time(ids[i]);
    if (t < 0 || now - t <= (long long)keep_days * 86400 ||
        !rundir_has(state_dir, ids[i], RUN_MARK_LOADED))
      continue;
    if (remove_run(state_dir, ids[i]) != 0) {
      rc = -1;
      if (errsz)
        snprintf(err, errsz, "%s", prune_failed);
      continue;
    }
    done++;
  }
  rundir_list_free(ids, n);
  if (removed)
    *removed = done;
  return rc;
}

void rundir_retention(const char *state_dir, int keep_days)
{
  char err[512];
  size_t removed = 0;
  int rc;

  if (keep_days <= 0 || !state_dir)
    return;
  rc = rundir_prune(state_dir, keep_days, (long long)time(NULL), &removed, err, sizeof(err));
  if (removed)
    log_info("retention: removed %zu loaded run%s older than %d days from %s/runs", removed,
             removed == 1 ? "" : "s", keep_days, state_dir);
  if (rc != 0)
    log_report(LOG_WARN, err[0] ? err : NULL,
               "Check the state directory's permissions; the next run tries again.",
               "retention: could not remove every old run from %s/runs", state_dir);
}
