/*
 * tthc-sync — one nightly run: extract every configured source and commune,
 * transform, load, under one run id, with the state directory and the
 * warehouse locked so that two syncs never overlap.
 *
 *   tthc-sync -c FILE [--source NAME]... [--since T [--until T]] [--dry-run]
 *   tthc-sync -c FILE --check [--source NAME]...
 *
 * Exit status (also in --help and docs/decisions.md): 0 success, 1 partial,
 * 2 usage, 3 failure.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "config.h"
#include "extract_run.h"
#include "load_logged.h"
#include "lock.h"
#include "log.h"
#include "metrics.h"
#include "migrations.h"
#include "rundir.h"
#include "run_logged.h"
#include "summary.h"
#include "version.h"
#include "xmlsafe.h"

/* Exit statuses (sync_result, result.h, is the modules' result codes). */
enum { SYNC_EXIT_OK = 0, SYNC_EXIT_PARTIAL = 1, SYNC_EXIT_USAGE = 2, SYNC_EXIT_FAILED = 3 };

struct sync_args {
  struct cli_common cli; /* the options shared with tthc-extract */
  /* copied from cli once parsed: */
  const char *config_path;
  const char *const *only;
  size_t nonly;
  struct extract_request rq;
  int dry_run;
  int check; /* --check: probe everything, run nothing */
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
  fputs("Usage: tthc-sync -c FILE [OPTION]...\n"
        "  or:  tthc-sync -c FILE --check [--source NAME]...\n"
        "Extract every configured source and commune, transform and load, as one run;\n"
        "or, with --check, test the configuration without running anything.\n\n"
        "  -c, --config=FILE      configuration (default $TTHC_CONFIG)\n"
        "      --source=NAME      only this source (repeatable)\n"
        "      --since=TIME       backfill from TIME (yyyy-MM-dd or ISO 8601) instead of\n"
        "                         the watermark\n"
        "      --until=TIME       backfill up to TIME (default: now)\n"
        "      --dry-run          extract and transform, print what would be loaded;\n"
        "                         the warehouse and the metrics file are not touched\n"
        "                         (the next tthc-sync or tthc-load loads the run)\n"
        "      --check            check the configuration, the state directory, each\n"
        "                         source's secret, one authenticated request per source,\n"
        "                         the warehouse (connection, schema version, the\n"
        "                         loader's privileges); one line per check; no run,\n"
        "                         nothing written\n"
        "      --insecure         do not verify TLS certificates (simulators only!)\n"
        "      --log-format=FMT   text (default) or json (typed fields: run_id, source,\n"
        "                         commune, counts and durations as numbers)\n"
        "  -j, --jobs=N           worker threads over all sources (default 4)\n"
        "      --per-source=N     communes of one source pulled at once (default 2)\n"
        "      --progress=SECONDS progress lines that often when stderr is not a\n"
        "                         terminal (default 30; a live line on a terminal);\n"
        "                         0: none\n"
        "  -v, --verbose          log every page\n"
        "  -h, --help             display this help and exit\n"
        "      --version          output version information and exit\n\n"
        "Runs left by an interrupted sync (extracted, transformed, not loaded) are\n"
        "finished first, oldest first. STATE/lock and a warehouse advisory lock keep a\n"
        "second sync out: it stops at once, naming the one running.\n\n"
        "At the end a table gives each stage's time and, per source and commune, the\n"
        "records announced, landed, loaded and quarantined, rejects, discrepancies,\n"
        "retries, duration and status. With [sync] metrics_file set, a Prometheus\n"
        "textfile (tthc_sync_*) is rewritten after each run.\n\n"
        "Exit status:\n"
        "  0  every window extracted, transformed and loaded (--check: all passed)\n"
        "  1  partial: some windows failed or were held (their watermarks did not move;\n"
        "     the next run reads them again); everything else is loaded. See\n"
        "     SELECT * FROM tthc.run_window WHERE status <> 'ok'\n"
        "  2  usage error (bad option or argument)\n"
        "  3  failure: nothing was loaded (configuration, lock held, warehouse,\n"
        "     extraction); --check: some check failed\n\n"
        "Examples:\n"
        "  tthc-sync -c /etc/tthc/tthc.conf --check      before the first night\n"
        "  tthc-sync -c /etc/tthc/tthc.conf              the nightly run\n"
        "  tthc-sync -c /etc/tthc/tthc.conf --since 2026-01-01 --until 2026-03-31\n"
        "  tthc-sync -c /etc/tthc/tthc.conf --source portal-hp --dry-run\n\n"
        "Full documentation: man tthc-sync\n",
        out);
}

enum { OPT_DRY_RUN = CLI_OPT_FIRST_FREE, OPT_CHECK, OPT_VERSION };

/* One option of tthc-sync's own; 0 to go on, else -1 (usage error) or 1
 * (done: help, version). */
static int take_option(struct sync_args *a, int c)
{
  switch (c) {
  case OPT_DRY_RUN: a->dry_run = 1; return 0;
  case OPT_CHECK: a->check = 1; return 0;
  case 'h': usage(stdout); return 1;
  case OPT_VERSION: version_print("tthc-sync"); return 1;
  default: fputs("Try \"tthc-sync --help\" for more information.\n", stderr); return -1;
  }
}

/* -1 usage error, 1 done, 0 go on; a->cli is released by the caller. */
static int parse_args(int argc, char **argv, struct sync_args *a)
{
  static const struct option opts[] = { CLI_COMMON_LONGOPTS,
                                        { "dry-run", no_argument, NULL, OPT_DRY_RUN },
                                        { "check", no_argument, NULL, OPT_CHECK },
                                        { "help", no_argument, NULL, 'h' },
                                        { "version", no_argument, NULL, OPT_VERSION },
                                        { NULL, 0, NULL, 0 } };
  struct cli_common *cli = &a->cli;
  int c, r;

  cli_common_init(cli);
  while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "h", opts, NULL)) != -1) {
    cli_result cr = cli_common_take(cli, "tthc-sync", c, optarg);
    if (cr == CLI_BAD)
      return -1;
    if (cr == CLI_NOT_MINE && (r = take_option(a, c)) != 0)
      return r;
  }
  if (cli_common_finish(cli, "tthc-sync", argc, argv, optind) != CLI_TAKEN)
    return -1;
  if (a->check && (a->dry_run || cli->since != TTHC_TIME_NONE || cli->until != TTHC_TIME_NONE)) {
    fputs("tthc-sync: --check runs nothing: it takes no --dry-run, --since or --until\n", stderr);
    return -1;
  }
  a->config_path = cli->config_path;
  a->only = cli->only;
  a->nonly = cli->nonly;
  a->fmt = cli->fmt;
  a->level = cli->level;
  a->rq.only = cli->only;
  a->rq.nonly = cli->nonly;
  a->rq.since = cli->since;
  a->rq.until = cli->until;
  a->rq.insecure = cli->insecure;
  a->rq.jobs = cli->jobs;
  a->rq.per_source = cli->per_source;
  a->rq.progress_ms = cli->progress_ms;
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
    return SYNC_EXIT_FAILED;
  return t->failed || t->partial ? SYNC_EXIT_PARTIAL : SYNC_EXIT_OK;
}

/* The stage_done event of a stage already timed. */
static void stage_log(const struct sync_summary *sum, enum sync_stage st)
{
  log_typed(LOG_INFO, "stage_done", LOG_STR("run_id", sum->run_id[0] ? sum->run_id : NULL),
            LOG_STR("stage", sync_stage_name(st)),
            LOG_NUM("duration_seconds", round(sum->stage_seconds[st] * 1000) / 1000),
            LOG_INT("duration_ms", (long long)(sum->stage_seconds[st] * 1000 + 0.5)));
}

/* Ends a stage's clock. */
static void stage_done(struct sync_summary *sum, enum sync_stage st, double started)
{
  sum->stage_seconds[st] = sync_now() - started;
  stage_log(sum, st);
}

/* Extract, transform, load (or stop after transform for --dry-run); sum
 * gets the run id, the stage times and, once loaded, the run's windows. */
static int sync_run(const struct sync_args *a, struct tthc_config *cfg, PGconn *conn,
                    struct sync_summary *sum)
{
  struct sync_tally t = { 0 };
  struct window_outcome *w = NULL;
  size_t nw = 0;
  double started = sync_now();
  extract_result er = extract_run(cfg, &a->rq, sum->run_id, &w, &nw);
  int rc;

  /* the start was timed before the run had an id: its event waits for it */
  if (sum->stage_seconds[SYNC_STAGE_START] >= 0)
    stage_log(sum, SYNC_STAGE_START);
  stage_done(sum, SYNC_STAGE_EXTRACT, started);
  if (er == EXTRACT_FAILED) {
    free(w);
    return SYNC_EXIT_FAILED;
  }
  if (er == EXTRACT_PARTIAL)
    t.partial++;
  started = sync_now();
  transform_waiting(cfg, &t);
  stage_done(sum, SYNC_STAGE_TRANSFORM, started);
  if (a->dry_run) {
    print_extracted(w, nw, stdout);
    printf("run %s: transformed, not loaded (--dry-run); the next tthc-sync or tthc-load "
           "loads it\n",
           sum->run_id);
    fflush(stdout);
    free(w);
    return t.failed ? SYNC_EXIT_FAILED : t.partial ? SYNC_EXIT_PARTIAL : SYNC_EXIT_OK;
  }
  started = sync_now();
  load_waiting(conn, cfg->state_dir, &t);
  stage_done(sum, SYNC_STAGE_LOAD, started);
  rc = exit_status(&t);
  started = sync_now();
  if (rundir_has(cfg->state_dir, sum->run_id, RUN_MARK_LOADED)) {
    if (sync_summary_fetch(sum, conn, w, nw) != SYNC_OK)
      log_warn("run %s: could not read the reconciliation for the summary", sum->run_id);
    stage_done(sum, SYNC_STAGE_SUMMARY, started);
  }
  free(w);
  return rc;
}

/* The table on stdout, the typed events, the metrics file. */
static void sync_report(const struct sync_args *a, const struct tthc_config *cfg,
                        struct sync_summary *sum)
{
  if (!a->dry_run) {
    sync_summary_print(sum, stdout);
    fflush(stdout);
  }
  sync_summary_log(sum, a->fmt == LOG_FORMAT_JSON);
  /* --dry-run touches nothing a monitor reads */
  if (cfg->metrics_file && !a->dry_run)
    (void)sync_metrics_write(cfg->metrics_file, sum, time(NULL));
}

int main(int argc, char **argv)
{
  struct sync_args a = { 0 };
  struct tthc_config cfg;
  struct sync_summary sum;
  PGconn *conn = NULL;
  int lock_fd = -1, rc = SYNC_EXIT_FAILED, pr, report = 0;
  double started = sync_now();

  config_init(&cfg);
  sync_summary_init(&sum);
  log_init("tthc-sync", LOG_FORMAT_TEXT, LOG_INFO);
  pr = parse_args(argc, argv, &a);
  if (pr) {
    cli_common_release(&a.cli);
    return pr > 0 ? SYNC_EXIT_OK : SYNC_EXIT_USAGE;
  }
  log_init("tthc-sync", a.fmt, a.level);
  xml_global_init();
  if (a.check) {
    rc = sync_check(a.config_path, a.only, a.nonly, a.rq.insecure, stdout) == SYNC_OK
           ? SYNC_EXIT_OK
           : SYNC_EXIT_FAILED;
    goto out;
  }
  if (load_config(&a, &cfg) || (lock_fd = sync_lock_state(cfg.state_dir)) < 0)
    goto out;
  /* From here on the night is this process's: its outcome is reported
   * (a sync refused by the lock reports nothing: the holder will). */
  report = 1;
  if (!a.dry_run) {
    conn = loader_connect(&cfg, a.config_path, "tthc-sync");
    /* A warehouse migrated by a newer release is refused (h5, migrations.h). */
    if (!conn || migrations_check(conn, "tthc-sync") != MIGRATIONS_OK)
      goto out;
    if (sync_lock_warehouse(conn)) {
      report = 0;
      goto out;
    }
  }
  sum.stage_seconds[SYNC_STAGE_START] = sync_now() - started;
  rc = sync_run(&a, &cfg, conn, &sum);
  log_info("sync %s", rc == SYNC_EXIT_OK        ? "complete"
                      : rc == SYNC_EXIT_PARTIAL ? "partial"
                                                : "failed");
  /* Retention ([state] keep_days, h5): old loaded runs only, so a partial
   * night prunes too (a source that stays partial must not stop it for
   * good); a failed night leaves the state directory as it was. */
  if (rc != SYNC_EXIT_FAILED && !a.dry_run)
    rundir_retention(cfg.state_dir, cfg.keep_days);
out:
  if (report) {
    sum.exit_status = rc;
    sum.total_seconds = sync_now() - started;
    sync_report(&a, &cfg, &sum);
  }
  sync_summary_release(&sum);
  if (conn)
    PQfinish(conn);
  if (lock_fd >= 0)
    close(lock_fd);
  cli_common_release(&a.cli);
  config_release(&cfg);
  xml_global_cleanup();
  return rc;
}
