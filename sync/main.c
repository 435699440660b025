/*
 * tthc-sync — one nightly run: extract every configured source and commune,
 * transform, load, under one run id, with the state directory and the
 * warehouse locked so that two syncs never overlap.
 *
 *   tthc-sync -c FILE [--source NAME]... [--since T [--until T]] [--dry-run]
 *
 * Exit status (also in --help and docs/decisions.md): 0 success, 1 partial,
 * 2 usage, 3 failure.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "extract_run.h"
#include "load_logged.h"
#include "lock.h"
#include "log.h"
#include "rundir.h"
#include "run_logged.h"
#include "version.h"
#include "xmlsafe.h"

enum { SYNC_OK = 0, SYNC_PARTIAL = 1, SYNC_USAGE = 2, SYNC_FAILED = 3 };

struct sync_args {
  const char *config_path;
  const char **only;
  size_t nonly;
  struct extract_request rq;
  int dry_run;
  log_format fmt;
  log_level level;
};

/* What the stages did, for the exit status. */
struct sync_tally {
  int loaded;  /* runs loaded (or found loaded) */
  int partial; /* windows held, some run's stages disagree */
  int failed;  /* a run that could not be transformed or loaded */
};

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: tthc-sync -c FILE [OPTIONS]\n"
          "Extract every configured source and commune, transform and load, as one run.\n\n"
          "  -c, --config FILE      configuration (default $TTHC_CONFIG)\n"
          "      --source NAME      only this source (repeatable)\n"
          "      --since TIME       backfill from TIME (yyyy-MM-dd or ISO 8601) instead of "
          "the watermark\n"
          "      --until TIME       backfill up to TIME (default: now)\n"
          "      --dry-run          extract and transform, print what would be loaded; the "
          "warehouse\n"
          "                         is not touched (the next tthc-sync or tthc-load loads the "
          "run)\n"
          "      --insecure         do not verify TLS certificates (simulators only!)\n"
          "      --log-format FMT   text (default) or json\n"
          "  -j, --jobs N           worker threads over all sources (default 4)\n"
          "      --per-source N     communes of one source pulled at once (default 2)\n"
          "  -v, --verbose          log every page\n"
          "  -h, --help             this help\n"
          "      --version          print the version and exit\n\n"
          "Runs left by an interrupted sync (extracted, transformed, not loaded) are finished\n"
          "first, oldest first. STATE/lock and a warehouse advisory lock keep a second sync\n"
          "out: it stops at once, naming the one running.\n\n"
          "Exit status:\n"
          "  0  every window extracted, transformed and loaded\n"
          "  1  partial: some windows failed or were held (their watermarks did not move;\n"
          "     the next run reads them again); everything else is loaded. See\n"
          "     SELECT * FROM tthc.run_window WHERE status <> 'ok'\n"
          "  2  usage error (bad option or argument)\n"
          "  3  failure: nothing was loaded (configuration, lock held, warehouse, extraction)\n\n"
          "Examples:\n"
          "  tthc-sync -c /etc/tthc/tthc.conf\n"
          "  tthc-sync -c /etc/tthc/tthc.conf --since 2026-01-01 --until 2026-03-31\n");
}

static int add_source(struct sync_args *a, const char *name)
{
  const char **grown = realloc(a->only, (a->nonly + 1) * sizeof(*a->only));

  if (!grown)
    return -1;
  a->only = grown;
  a->only[a->nonly++] = name;
  return 0;
}

static int parse_count(const char *opt, const char *s, int *out)
{
  char *end;
  long v = strtol(s, &end, 10);

  if (*s == '\0' || *end || v < 1 || v > 64) {
    fprintf(stderr, "tthc-sync: %s must be 1..64\n", opt);
    return -1;
  }
  *out = (int)v;
  return 0;
}

static int parse_time_opt(const char *opt, const char *s, tthc_time *out)
{
  if (time_parse_since(s, out) == TIME_OK)
    return 0;
  fprintf(stderr, "tthc-sync: %s: not a date or ISO 8601 time: \"%s\"\n", opt, s);
  return -1;
}

enum {
  OPT_SOURCE = 256,
  OPT_SINCE,
  OPT_UNTIL,
  OPT_DRY_RUN,
  OPT_INSECURE,
  OPT_LOGFMT,
  OPT_PER_SOURCE,
  OPT_VERSION
};

/* One option; 0 to go on, else -1 (usage error) or 1 (done: help, version). */
static int take_option(struct sync_args *a, int c, const char *arg)
{
  switch (c) {
  case 'c': a->config_path = arg; return 0;
  case OPT_SOURCE: return add_source(a, arg);
  case OPT_SINCE: return parse_time_opt("--since", arg, &a->rq.since);
  case OPT_UNTIL: return parse_time_opt("--until", arg, &a->rq.until);
  case OPT_DRY_RUN: a->dry_run = 1; return 0;
  case OPT_INSECURE: a->rq.insecure = 1; return 0;
  case OPT_LOGFMT:
    if (log_format_parse(arg, &a->fmt) == 0)
      return 0;
    fprintf(stderr, "tthc-sync: unknown log format \"%s\"\n", arg);
    return -1;
  case 'v': a->level = LOG_DEBUG; return 0;
  case 'j': return parse_count("--jobs", arg, &a->rq.jobs);
  case OPT_PER_SOURCE: return parse_count("--per-source", arg, &a->rq.per_source);
  case 'h': usage(stdout); return 1;
  case OPT_VERSION: version_print("tthc-sync"); return 1;
  default: fputs("Try \"tthc-sync --help\" for more information.\n", stderr); return -1;
  }
}

/* -1 usage error, 1 done, 0 go on. */
static int parse_args(int argc, char **argv, struct sync_args *a)
{
  static const struct option opts[] = { { "config", required_argument, NULL, 'c' },
                                        { "source", required_argument, NULL, OPT_SOURCE },
                                        { "since", required_argument, NULL, OPT_SINCE },
                                        { "until", required_argument, NULL, OPT_UNTIL },
                                        { "dry-run", no_argument, NULL, OPT_DRY_RUN },
                                        { "insecure", no_argument, NULL, OPT_INSECURE },
                                        { "log-format", required_argument, NULL, OPT_LOGFMT },
                                        { "verbose", no_argument, NULL, 'v' },
                                        { "jobs", required_argument, NULL, 'j' },
                                        { "per-source", required_argument, NULL, OPT_PER_SOURCE },
                                        { "help", no_argument, NULL, 'h' },
                                        { "version", no_argument, NULL, OPT_VERSION },
                                        { NULL, 0, NULL, 0 } };
  int c, r;

  a->config_path = getenv("TTHC_CONFIG");
  a->rq.since = a->rq.until = TTHC_TIME_NONE;
  a->rq.jobs = 4;
  a->rq.per_source = 2;
  a->fmt = LOG_FORMAT_TEXT;
  a->level = LOG_INFO;
  while ((c = getopt_long(argc, argv, "c:vhj:", opts, NULL)) != -1)
    if ((r = take_option(a, c, optarg)) != 0)
      return r;
  if (optind < argc) {
    fprintf(stderr, "tthc-sync: unexpected argument \"%s\"\n", argv[optind]);
    return -1;
  }
  if (!a->config_path) {
    fputs("tthc-sync: no configuration: pass -c FILE or set TTHC_CONFIG\n", stderr);
    return -1;
  }
  if (a->rq.since != TTHC_TIME_NONE && a->rq.until != TTHC_TIME_NONE && a->rq.since > a->rq.until) {
    fputs("tthc-sync: --since is after --until\n", stderr);
    return -1;
  }
  a->rq.only = a->only;
  a->rq.nonly = a->nonly;
  return 0;
}

/* The configuration, checked for what a sync needs; 0 or -1 (logged). */
static int load_config(const struct sync_args *a, struct tthc_config *cfg)
{
  char err[512];

  if (config_load(a->config_path, cfg, err, sizeof(err)) != CONFIG_OK) {
    log_report(LOG_ERROR, err, NULL, "invalid configuration \"%s\"", a->config_path);
    return -1;
  }
  if (!cfg->state_dir) {
    log_report(LOG_ERROR, NULL, "Set [state] dir in the configuration.",
               "no state directory configured");
    return -1;
  }
  for (size_t i = 0; i < a->nonly; i++)
    if (!config_find_source(cfg, a->only[i])) {
      log_error("no source named \"%s\" in %s", a->only[i], a->config_path);
      return -1;
    }
  return 0;
}

/* Transforms every extracted run not yet transformed, oldest first. */
static void transform_waiting(const struct tthc_config *cfg, struct sync_tally *t)
{
  size_t n = 0;
  char **runs = rundir_list(cfg->state_dir, RUN_MARK_EXTRACTED, RUN_MARK_TRANSFORMED, &n);

  for (size_t i = 0; i < n; i++)
    if (transform_run_logged(cfg, runs[i]))
      t->failed++;
  rundir_list_free(runs, n);
}

/* Loads every transformed run not yet loaded, oldest first; stops at the
 * first that fails (a later run must not be loaded before it). */
static void load_waiting(PGconn *conn, const char *state_dir, struct sync_tally *t)
{
  size_t n = 0;
  char **runs = rundir_list(state_dir, RUN_MARK_TRANSFORMED, RUN_MARK_LOADED, &n);

  for (size_t i = 0; i < n; i++) {
    struct load_counts lc = { 0 };
    int r = loader_load_logged(conn, state_dir, runs[i], &lc, NULL);
    if (r < 0) {
      t->failed++;
      break;
    }
    t->loaded++;
    if (r > 0 || lc.windows_not_ok)
      t->partial++;
  }
  rundir_list_free(runs, n);
}

/* The dry run's table: what the extraction landed, per window. */
static void print_extracted(const struct window_outcome *w, size_t n, FILE *out)
{
  fprintf(out, "%-12s %-7s %9s %9s %7s %s\n", "source", "commune", "announced", "landed", "retries",
          "status");
  for (size_t i = 0; i < n; i++) {
    char announced[24] = "-";
    if (w[i].announced >= 0)
      snprintf(announced, sizeof(announced), "%ld", w[i].announced);
    fprintf(out, "%-12s %-7s %9s %9ld %7ld %s\n", w[i].source, w[i].commune, announced,
            w[i].records, w[i].retries, w[i].complete ? "extracted" : "incomplete");
  }
}

static int exit_status(const struct sync_tally *t)
{
  if (t->failed && !t->loaded)
    return SYNC_FAILED;
  return t->failed || t->partial ? SYNC_PARTIAL : SYNC_OK;
}

/* Extract, transform, load (or stop after transform for --dry-run). */
static int sync_run(const struct sync_args *a, struct tthc_config *cfg, PGconn *conn)
{
  struct sync_tally t = { 0 };
  struct window_outcome *w = NULL;
  size_t nw = 0;
  char run_id[RUNDIR_ID_MAX] = "";
  extract_result er = extract_run(cfg, &a->rq, run_id, &w, &nw);

  if (er == EXTRACT_FAILED) {
    free(w);
    return SYNC_FAILED;
  }
  if (er == EXTRACT_PARTIAL)
    t.partial++;
  transform_waiting(cfg, &t);
  if (a->dry_run) {
    print_extracted(w, nw, stdout);
    printf("run %s: transformed, not loaded (--dry-run); the next tthc-sync or tthc-load "
           "loads it\n",
           run_id);
    fflush(stdout);
    free(w);
    return t.failed ? SYNC_FAILED : t.partial ? SYNC_PARTIAL : SYNC_OK;
  }
  free(w);
  load_waiting(conn, cfg->state_dir, &t);
  if (rundir_has(cfg->state_dir, run_id, RUN_MARK_LOADED)) {
    printf("run %s\n", run_id);
    if (loader_print_windows(conn, run_id, stdout) != PGU_OK)
      log_warn("run %s: could not print the reconciliation", run_id);
    fflush(stdout);
  }
  return exit_status(&t);
}

int main(int argc, char **argv)
{
  struct sync_args a = { 0 };
  struct tthc_config cfg;
  PGconn *conn = NULL;
  int lock_fd = -1, rc = SYNC_FAILED, pr;

  config_init(&cfg);
  log_init("tthc-sync", LOG_FORMAT_TEXT, LOG_INFO);
  pr = parse_args(argc, argv, &a);
  if (pr) {
    free(a.only);
    return pr > 0 ? SYNC_OK : SYNC_USAGE;
  }
  log_init("tthc-sync", a.fmt, a.level);
  xml_global_init();
  if (load_config(&a, &cfg) || (lock_fd = sync_lock_state(cfg.state_dir)) < 0)
    goto out;
  if (!a.dry_run) {
    conn = loader_connect(&cfg, a.config_path, "tthc-sync");
    if (!conn || sync_lock_warehouse(conn))
      goto out;
  }
  rc = sync_run(&a, &cfg, conn);
  log_info("sync %s", rc == SYNC_OK ? "complete" : rc == SYNC_PARTIAL ? "partial" : "failed");
out:
  if (conn)
    PQfinish(conn);
  if (lock_fd >= 0)
    close(lock_fd);
  free(a.only);
  config_release(&cfg);
  xml_global_cleanup();
  return rc;
}
