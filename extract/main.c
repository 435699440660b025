/*
 * tthc-extract — pulls dossier status from every configured source and
 * commune into a new run's landing zone (or resumes an interrupted run).
 *
 *   tthc-extract -c FILE [--source NAME]... [--since T --until T] [--run RUN]
 *
 * Exit status: 0 every window complete; 1 some source or commune failed (the
 * log names them; the others are landed and summarised); 2 usage errors.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "config.h"
#include "fsutil.h"
#include "http.h"
#include "log.h"
#include "pull.h"
#include "rundir.h"
#include "xmlsafe.h"

static void usage(FILE *out)
{
  fprintf(out, "Usage: tthc-extract -c FILE [OPTIONS]\n"
               "Pull dossier status from the configured sources into a run's landing zone.\n\n"
               "  -c, --config FILE      configuration (default $TTHC_CONFIG)\n"
               "      --source NAME      only this source (repeatable)\n"
               "      --since TIME       backfill from TIME (yyyy-MM-dd or ISO 8601) instead of "
               "the watermark\n"
               "      --until TIME       backfill up to TIME (default: now)\n"
               "      --run RUN          resume this run (default: the newest unfinished run, else "
               "a new one)\n"
               "      --insecure         do not verify TLS certificates (simulators only!)\n"
               "      --log-format FMT   text (default) or json\n"
               "  -j, --jobs N           worker threads over all sources (default 4)\n"
               "      --per-source N     communes of one source pulled at once (default 2)\n"
               "  -v, --verbose          log every page\n"
               "  -h, --help             this help\n");
}

/* A new run directory; its id is the UTC second, so wait out a collision. */
static int new_run(const char *state_dir, char id[17])
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
    sleep(1);
  }
  return -1;
}

static int write_summary(const char *state_dir, const char *run_id, const struct window_outcome *w,
                         size_t n)
{
  cJSON *root = cJSON_CreateObject(), *arr;
  char *text = NULL, *path = rundir_path(state_dir, run_id, RUN_MARK_EXTRACTED);
  int rc = -1;

  if (!root || !path)
    goto out;
  cJSON_AddStringToObject(root, "run", run_id);
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

static int parse_time_opt(const char *opt, const char *s, tthc_time *out)
{
  if (time_parse_since(s, out) == TIME_OK)
    return 0;
  fprintf(stderr, "tthc-extract: %s: not a date or ISO 8601 time: \"%s\"\n", opt, s);
  return -1;
}

int main(int argc, char **argv)
{
  enum {
    OPT_SOURCE = 256,
    OPT_SINCE,
    OPT_UNTIL,
    OPT_RUN,
    OPT_INSECURE,
    OPT_LOGFMT,
    OPT_PER_SOURCE
  };
  static const struct option opts[] = { { "config", required_argument, NULL, 'c' },
                                        { "source", required_argument, NULL, OPT_SOURCE },
                                        { "since", required_argument, NULL, OPT_SINCE },
                                        { "until", required_argument, NULL, OPT_UNTIL },
                                        { "run", required_argument, NULL, OPT_RUN },
                                        { "insecure", no_argument, NULL, OPT_INSECURE },
                                        { "log-format", required_argument, NULL, OPT_LOGFMT },
                                        { "verbose", no_argument, NULL, 'v' },
                                        { "jobs", required_argument, NULL, 'j' },
                                        { "per-source", required_argument, NULL, OPT_PER_SOURCE },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  const char *config_path = getenv("TTHC_CONFIG"), *run_arg = NULL;
  const char **only = NULL;
  size_t nonly = 0;
  int c, rc = 1, insecure = 0, failed = 0, jobs = 4, per_source = 2;
  log_format fmt = LOG_FORMAT_TEXT;
  log_level level = LOG_INFO;
  struct tthc_config cfg;
  struct pull_options po = { 0 };
  struct window_outcome *windows = NULL;
  size_t nwindows = 0;
  char err[512], run_id[17] = "", *resumable = NULL;

  po.since = po.until = TTHC_TIME_NONE;
  config_init(&cfg);
  xml_global_init();
  while ((c = getopt_long(argc, argv, "c:vhj:", opts, NULL)) != -1) {
    switch (c) {
    case 'c': config_path = optarg; break;
    case OPT_SOURCE: {
      const char **grown = realloc(only, (nonly + 1) * sizeof(*only));
      if (!grown)
        return 1;
      only = grown;
      only[nonly++] = optarg;
      break;
    }
    case OPT_SINCE:
      if (parse_time_opt("--since", optarg, &po.since))
        return 2;
      break;
    case OPT_UNTIL:
      if (parse_time_opt("--until", optarg, &po.until))
        return 2;
      break;
    case OPT_RUN: run_arg = optarg; break;
    case OPT_INSECURE: insecure = 1; break;
    case OPT_LOGFMT:
      if (log_format_parse(optarg, &fmt)) {
        fprintf(stderr, "tthc-extract: unknown log format \"%s\"\n", optarg);
        return 2;
      }
      break;
    case 'v': level = LOG_DEBUG; break;
    case 'j':
    case OPT_PER_SOURCE: {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*end || v < 1 || v > 64) {
        fprintf(stderr, "tthc-extract: %s must be 1..64\n", c == 'j' ? "--jobs" : "--per-source");
        return 2;
      }
      if (c == 'j')
        jobs = (int)v;
      else
        per_source = (int)v;
      break;
    }
    case 'h':
      usage(stdout);
      free(only);
      return 0;
    default:
      usage(stderr);
      free(only);
      return 2;
    }
  }
  if (optind < argc || !config_path) {
    usage(stderr);
    free(only);
    return 2;
  }
  log_init("tthc-extract", fmt, level);
  if (config_load(config_path, &cfg, err, sizeof(err)) != CONFIG_OK) {
    log_report(LOG_ERROR, err, NULL, "invalid configuration \"%s\"", config_path);
    goto out;
  }
  for (size_t i = 0; i < nonly; i++)
    if (!config_find_source(&cfg, only[i])) {
      log_error("no source named \"%s\" in %s", only[i], config_path);
      goto out;
    }
  if (po.since != TTHC_TIME_NONE && po.until != TTHC_TIME_NONE && po.since > po.until) {
    log_error("--since is after --until");
    goto out;
  }

  /* Resume an interrupted run, or start a new one. */
  if (run_arg) {
    if (!rundir_id_valid(run_arg)) {
      log_error("invalid run id \"%s\"", run_arg);
      goto out;
    }
    snprintf(run_id, sizeof(run_id), "%s", run_arg);
  } else if ((resumable = rundir_find(cfg.state_dir, NULL, RUN_MARK_EXTRACTED)) != NULL) {
    snprintf(run_id, sizeof(run_id), "%s", resumable);
    log_info("resuming interrupted run %s", run_id);
  } else if (new_run(cfg.state_dir, run_id)) {
    log_report(LOG_ERROR, strerror(errno), "Check [state] dir and its permissions.",
               "could not create a run directory under \"%s/runs\"", cfg.state_dir);
    goto out;
  }
  if (rundir_has(cfg.state_dir, run_id, RUN_MARK_EXTRACTED)) {
    log_info("run %s is already extracted; nothing to do", run_id);
    rc = 0;
    goto out;
  }

  if (http_global_init()) {
    log_error("could not initialise libcurl");
    goto out;
  }
  po.state_dir = cfg.state_dir;
  po.run_id = run_id;
  po.run_end = (tthc_time)time(NULL);
  retry_policy_default(&po.retry);
  po.jobs = jobs;
  po.per_source = per_source;
  log_info("run %s: extracting into %s/runs/%s", run_id, cfg.state_dir, run_id);

  {
    const struct source_config **selected =
      calloc(cfg.nsources ? cfg.nsources : 1, sizeof(*selected));
    size_t nselected = 0;
    if (!selected)
      goto out;
    for (size_t i = 0; i < cfg.nsources; i++) {
      struct source_config *src = &cfg.sources[i];
      int wanted = nonly == 0;
      for (size_t j = 0; j < nonly; j++)
        wanted |= !strcmp(only[j], src->name);
      if (!wanted)
        continue;
      if (insecure)
        src->insecure = true;
      selected[nselected++] = src;
    }
    if (pull_all(selected, nselected, &po, &windows, &nwindows))
      failed = 1;
    free(selected);
  }
  http_global_cleanup();

  if (write_summary(cfg.state_dir, run_id, windows, nwindows)) {
    log_error("run %s: could not write the run summary", run_id);
    goto out;
  }
  for (size_t i = 0; i < nwindows; i++)
    if (!windows[i].complete)
      log_report(LOG_ERROR, windows[i].problem, "The next run reads the window again.",
                 "run %s: source %s, commune %s did not complete; its watermark did not move",
                 run_id, windows[i].source, windows[i].commune);
  printf("%s\n", run_id);
  rc = failed ? 1 : 0;
out:
  free(windows);
  free(only);
  free(resumable);
  config_release(&cfg);
  xml_global_cleanup();
  return rc;
}
