/*
 * tthc-load — writes a transformed run into the PostgreSQL warehouse.
 *
 *   tthc-load [-c FILE] [--run RUN]        load a run (default: newest transformed, not loaded)
 *   tthc-load [-c FILE] --migrate          apply the schema migrations
 *   tthc-load [-c FILE] --units FILE.csv   load the official commune list
 *
 * The warehouse is [warehouse] conninfo (or conninfo_file) of the
 * configuration, else $TTHC_CONNINFO, else libpq's PG* environment. A
 * password written into conninfo itself is refused (decisions.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "load_logged.h"
#include "log.h"
#include "migrations.h"
#include "pgutil.h"
#include "rundir.h"
#include "units.h"
#include "version.h"

static void usage(FILE *out)
{
  fprintf(
    out,
    "Usage: tthc-load [OPTIONS]\n"
    "Load a transformed run into the warehouse.\n\n"
    "  -c, --config FILE      configuration (default $TTHC_CONFIG)\n"
    "      --run RUN          run id to load (default: newest transformed run not yet loaded)\n"
    "      --migrate          apply pending schema migrations, then exit unless --run is given\n"
    "      --units FILE.csv   load communes/provinces (units-2025.csv format)\n"
    "      --log-format FMT   text (default) or json\n"
    "  -h, --help             this help\n"
    "      --version          print the version and exit\n");
}

int main(int argc, char **argv)
{
  enum { OPT_RUN = 256, OPT_MIGRATE, OPT_UNITS, OPT_LOGFMT, OPT_VERSION };
  static const struct option opts[] = { { "config", required_argument, NULL, 'c' },
                                        { "run", required_argument, NULL, OPT_RUN },
                                        { "migrate", no_argument, NULL, OPT_MIGRATE },
                                        { "units", required_argument, NULL, OPT_UNITS },
                                        { "log-format", required_argument, NULL, OPT_LOGFMT },
                                        { "help", no_argument, NULL, 'h' },
                                        { "version", no_argument, NULL, OPT_VERSION },
                                        { NULL, 0, NULL, 0 } };
  const char *config_path = getenv("TTHC_CONFIG"), *run = NULL, *units = NULL;
  int migrate = 0, c, rc = 1;
  log_format fmt = LOG_FORMAT_TEXT;
  struct tthc_config cfg;
  char err[512];
  char **runs = NULL;
  size_t nruns = 0;
  PGconn *conn = NULL;

  config_init(&cfg);
  log_init("tthc-load", LOG_FORMAT_TEXT, LOG_INFO);
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    switch (c) {
    case 'c': config_path = optarg; break;
    case OPT_RUN: run = optarg; break;
    case OPT_MIGRATE: migrate = 1; break;
    case OPT_UNITS: units = optarg; break;
    case OPT_LOGFMT:
      if (log_format_parse(optarg, &fmt)) {
        fprintf(stderr, "tthc-load: unknown log format \"%s\"\n", optarg);
        return 2;
      }
      break;
    case 'h': usage(stdout); return 0;
    case OPT_VERSION: version_print("tthc-load"); return 0;
    default: usage(stderr); return 2;
    }
  }
  if (optind < argc) {
    usage(stderr);
    return 2;
  }
  log_init("tthc-load", fmt, LOG_INFO);

  if (config_path && config_load(config_path, &cfg, err, sizeof(err)) != CONFIG_OK) {
    log_report(LOG_ERROR, err, NULL, "invalid configuration \"%s\"", config_path);
    goto out;
  }
  if (run && !rundir_id_valid(run)) {
    log_report(LOG_ERROR, NULL,
               "A run id looks like 20260501T010203.123456Z-9f3a61c2 (or 20260501T010203Z).",
               "invalid run id \"%s\"", run);
    goto out;
  }
  conn = loader_connect(&cfg, config_path, "tthc-load");
  if (!conn)
    goto out;

  if (migrate) {
    int applied = 0;
    if (migrations_apply(conn, &applied) != PGU_OK)
      goto out;
    log_info("schema up to date (%d migration%s applied)", applied, applied == 1 ? "" : "s");
  }
  if (units) {
    long long n = 0;
    if (units_load(conn, units, &n) != PGU_OK)
      goto out;
    log_info("loaded %lld units from %s", n, units);
  }
  if ((migrate || units) && !run) {
    rc = 0;
    goto out;
  }

  if (!cfg.state_dir) {
    log_report(LOG_ERROR, NULL, "Pass -c FILE with a [state] dir.",
               "no state directory configured");
    goto out;
  }
  if (run) {
    rc = loader_load_logged(conn, cfg.state_dir, run, NULL, stderr) != 0;
    goto out;
  }
  /* Every transformed run not yet loaded, oldest first. */
  runs = rundir_list(cfg.state_dir, RUN_MARK_TRANSFORMED, RUN_MARK_LOADED, &nruns);
  if (nruns == 0)
    log_info("no transformed run waiting to be loaded in %s", cfg.state_dir);
  rc = 0;
  for (size_t i = 0; i < nruns && rc == 0; i++)
    rc = loader_load_logged(conn, cfg.state_dir, runs[i], NULL, stderr) != 0;
out:
  if (conn)
    PQfinish(conn);
  rundir_list_free(runs, nruns);
  config_release(&cfg);
  return rc;
}
