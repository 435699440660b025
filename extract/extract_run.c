/*
 * extract_run.c — one extraction (extract_run.h), what tthc-extract's main
 * did inline before tthc-sync needed it too.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "extract_run.h"
#include "fsutil.h"
#include "http.h"
#include "log.h"

/* A new run directory. Ids carry the microsecond and a random suffix, so a
 * directory already there is a fluke: try another id. */
static int new_run(const char *state_dir, char id[RUNDIR_ID_MAX])
{
  for (int tries = 0; tries < 5; tries++) {
    char *runs = NULL, *dir;
    int rc;
    rundir_new_id(id);
    if (asprintf(&runs, "%s/runs", state_dir) < 0)
      return -1;
    rc = fs_mkdirs(runs, 0750) == FS_OK ? 0 : -1;
    free(runs);
    if (rc)
      return -1;
    dir = rundir_path(state_dir, id, NULL);
    if (!dir)
      return -1;
    rc = mkdir(dir, 0750);
    free(dir);
    if (rc == 0)
      return 0;
    if (errno != EEXIST)
      return -1;
  }
  return -1;
}

/* 64 random bits as hex: makes this extraction's summary, and so its
 * fingerprint in the warehouse, its own even when another state directory
 * used the same run id and pulled the same windows. */
static void extraction_nonce(char out[17])
{
  uint64_t r = 0;

  if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
    r = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)out;
  snprintf(out, 17, "%016" PRIx64, r);
}

static int write_summary(const char *state_dir, const char *run_id, const struct window_outcome *w,
                         size_t n)
{
  cJSON *root = cJSON_CreateObject(), *arr;
  char *text = NULL, *path = rundir_path(state_dir, run_id, RUN_MARK_EXTRACTED), nonce[17];
  int rc = -1;

  if (!root || !path)
    goto out;
  extraction_nonce(nonce);
  cJSON_AddStringToObject(root, "run", run_id);
  cJSON_AddStringToObject(root, "nonce", nonce);
  arr = cJSON_AddArrayToObject(root, "windows");
  for (size_t i = 0; i < n; i++) {
    cJSON *o = cJSON_CreateObject();
    char from[21], until[21];
    time_format_iso_utc(w[i].from, from);
    time_format_iso_utc(w[i].until, until);
    cJSON_AddItemToArray(arr, o);
    cJSON_AddStringToObject(o, "source", w[i].source);
    cJSON_AddStringToObject(o, "kind", w[i].kind);
    cJSON_AddStringToObject(o, "commune", w[i].commune);
    cJSON_AddStringToObject(o, "from", from);
    cJSON_AddStringToObject(o, "until", until);
    cJSON_AddNumberToObject(o, "pages", (double)w[i].pages);
    cJSON_AddNumberToObject(o, "records", (double)w[i].records);
    cJSON_AddNumberToObject(o, "retries", (double)w[i].retries);
    if (w[i].announced >= 0)
      cJSON_AddNumberToObject(o, "announced", (double)w[i].announced);
    else
      cJSON_AddNullToObject(o, "announced");
    cJSON_AddNumberToObject(o, "passes", (double)w[i].passes);
    cJSON_AddNumberToObject(o, "distinct", (double)w[i].distinct);
    cJSON_AddNumberToObject(o, "pass_records", (double)w[i].pass_records);
    cJSON_AddNumberToObject(o, "pass_distinct", (double)w[i].pass_distinct);
    cJSON_AddBoolToObject(o, "complete", w[i].complete);
    if (w[i].problem[0])
      cJSON_AddStringToObject(o, "problem", w[i].problem);
  }
  text = cJSON_Print(root);
  if (text && fs_write_atomic(path, text, strlen(text)) == FS_OK)
    rc = 0;
out:
  free(text);
  free(path);
  cJSON_Delete(root);
  return rc;
}

/* Chooses the run: the one asked for, the newest unfinished, or a new one. */
static int choose_run(const char *state_dir, const char *asked, char run_id[RUNDIR_ID_MAX])
{
  char *resumable;

  if (asked) {
    if (!rundir_id_valid(asked)) {
      log_error("invalid run id \"%s\"", asked);
      return -1;
    }
    snprintf(run_id, RUNDIR_ID_MAX, "%s", asked);
    return 0;
  }
  if ((resumable = rundir_find(state_dir, NULL, RUN_MARK_EXTRACTED)) != NULL) {
    snprintf(run_id, RUNDIR_ID_MAX, "%s", resumable);
    free(resumable);
    log_info("resuming interrupted run %s", run_id);
    return 0;
  }
  if (new_run(state_dir, run_id)) {
    log_report(LOG_ERROR, strerror(errno), "Check [state] dir and its permissions.",
               "could not create a run directory under \"%s/runs\"", state_dir);
    return -1;
  }
  return 0;
}

static bool source_wanted(const struct extract_request *rq, const char *name)
{
  if (rq->nonly == 0)
    return true;
  for (size_t j = 0; j < rq->nonly; j++)
    if (!strcmp(rq->only[j], name))
      return true;
  return false;
}

/* Pulls the selected sources; 0 all complete, 1 some failed, -1 error. */
static int pull_selected(struct tthc_config *cfg, const struct extract_request *rq,
                         const struct pull_options *po, struct window_outcome **out, size_t *n)
{
  const struct source_config **selected =
    calloc(cfg->nsources ? cfg->nsources : 1, sizeof(*selected));
  size_t nselected = 0;
  int rc;

  if (!selected)
    return -1;
  for (size_t i = 0; i < cfg->nsources; i++) {
    struct source_config *src = &cfg->sources[i];
    if (!source_wanted(rq, src->name))
      continue;
    if (rq->insecure)
      src->insecure = true;
    selected[nselected++] = src;
  }
  rc = pull_all(selected, nselected, po, out, n) ? 1 : 0;
  free(selected);
  return rc;
}

extract_result extract_run(struct tthc_config *cfg, const struct extract_request *rq,
                           char run_id[RUNDIR_ID_MAX], struct window_outcome **out, size_t *n)
{
  struct pull_options po = { 0 };
  int pulled;

  *out = NULL;
  *n = 0;
  run_id[0] = '\0';
  if (choose_run(cfg->state_dir, rq->run, run_id))
    return EXTRACT_FAILED;
  if (rundir_has(cfg->state_dir, run_id, RUN_MARK_EXTRACTED)) {
    log_info("run %s is already extracted; nothing to do", run_id);
    return EXTRACT_ALREADY;
  }
  if (http_global_init()) {
    log_error("could not initialise libcurl");
    return EXTRACT_FAILED;
  }
  po.state_dir = cfg->state_dir;
  po.run_id = run_id;
  po.run_end = (tthc_time)time(NULL);
  po.since = rq->since;
  po.until = rq->until;
  retry_policy_default(&po.retry);
  po.jobs = rq->jobs;
  po.per_source = rq->per_source;
  po.progress_ms = rq->progress_ms;
  log_info("run %s: extracting into %s/runs/%s", run_id, cfg->state_dir, run_id);
  pulled = pull_selected(cfg, rq, &po, out, n);
  http_global_cleanup();
  if (pulled < 0)
    return EXTRACT_FAILED;
  if (write_summary(cfg->state_dir, run_id, *out, *n)) {
    log_error("run %s: could not write the run summary", run_id);
    return EXTRACT_FAILED;
  }
  for (size_t i = 0; i < *n; i++)
    if (!(*out)[i].complete)
      log_report(LOG_ERROR, (*out)[i].problem, "The next run reads the window again.",
                 "run %s: source %s, commune %s did not complete; its watermark did not move",
                 run_id, (*out)[i].source, (*out)[i].commune);
  return pulled ? EXTRACT_PARTIAL : EXTRACT_COMPLETE;
}
