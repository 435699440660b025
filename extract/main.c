/*
 * tthc-extract — pulls dossier status from every configured source and
 * commune into a new run's landing zone (or resumes an interrupted run).
 *
 *   tthc-extract -c FILE [--source NAME]... [--since T --until T] [--run RUN]
 *
 * Exit status: 0 every window complete; 1 some source or commune failed (the
 * log names them; the others are landed and summarised); 2 usage errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "extract_run.h"
#include "log.h"
#include "version.h"
#include "xmlsafe.h"

static void usage(FILE *out)
{
  fprintf(out, "Usage: tthc-extract -c FILE [OPTION]...\n"
               "Pull dossier status from the configured sources into a run's landing zone.\n\n"
               "  -c, --config FILE      configuration (default $TTHC_CONFIG)\n"
               "      --source NAME      only this source (repeatable)\n"
               "      --since TIME       backfill from TIME (yyyy-MM-dd or ISO 8601) instead\n"
               "                         of the watermark\n"
               "      --until TIME       backfill up to TIME (default: now)\n"
               "      --run RUN          resume this run (default: the newest unfinished run,\n"
               "                         else a new one)\n"
               "      --insecure         do not verify TLS certificates (simulators only!)\n"
               "      --log-format FMT   text (default) or json\n"
               "  -j, --jobs N           worker threads over all sources (default 4)\n"
               "      --per-source N     communes of one source pulled at once (default 2;\n"
               "                         a source's concurrency key overrides it)\n"
               "      --progress SECONDS progress lines every SECONDS when stderr is not a\n"
               "                         terminal (default 30; a live line on a terminal);\n"
               "                         0 = none\n"
               "  -v, --verbose          log every page\n"
               "  -h, --help             display this help and exit\n"
               "      --version          output version information and exit\n\n"
               "Prints the run id on standard output. Secrets come from each source's\n"
               "secret_file or secret_env, never the command line.\n\n"
               "Exit status:\n"
               " 0  every window complete (or the run was already extracted)\n"
               " 1  some source or commune failed (logged; the others are landed), or an error\n"
               " 2  bad usage\n\n"
               "Examples:\n"
               "  tthc-extract -c /etc/tthc/tthc.conf\n"
               "  tthc-extract -c /etc/tthc/tthc.conf --source portal-hp --since 2025-01-01\n\n"
               "Full documentation: man tthc-extract (tthc-sync runs all three stages)\n");
}

/* The options: those shared with tthc-sync (common/cli.h), then --run.
 * 0 to go on, 1 done (help, version), -1 bad usage (printed). */
static int parse_args(int argc, char **argv, struct cli_common *cli, const char **run_arg)
{
  enum { OPT_RUN = CLI_OPT_FIRST_FREE, OPT_VERSION };
  static const struct option opts[] = { CLI_COMMON_LONGOPTS,
                                        { "run", required_argument, NULL, OPT_RUN },
                                        { "help", no_argument, NULL, 'h' },
                                        { "version", no_argument, NULL, OPT_VERSION },
                                        { NULL, 0, NULL, 0 } };
  int c;

  while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "h", opts, NULL)) != -1) {
    cli_result cr = cli_common_take(cli, "tthc-extract", c, optarg);
    if (cr == CLI_BAD)
      return -1;
    if (cr == CLI_TAKEN)
      continue;
    switch (c) {
    case OPT_RUN: *run_arg = optarg; break;
    case 'h': usage(stdout); return 1;
    case OPT_VERSION: version_print("tthc-extract"); return 1;
    default: usage(stderr); return -1;
    }
  }
  return cli_common_finish(cli, "tthc-extract", argc, argv, optind) == CLI_TAKEN ? 0 : -1;
}

int main(int argc, char **argv)
{
  struct cli_common cli;
  const char *run_arg = NULL;
  int rc = 1, pr;
  struct tthc_config cfg;
  struct extract_request rq = { 0 };
  extract_result er;
  struct window_outcome *windows = NULL;
  size_t nwindows = 0;
  char err[512], run_id[RUNDIR_ID_MAX] = "";

  cli_common_init(&cli);
  pr = parse_args(argc, argv, &cli, &run_arg);
  if (pr) {
    cli_common_release(&cli);
    return pr > 0 ? 0 : 2;
  }
  config_init(&cfg);
  xml_global_init();
  log_init("tthc-extract", cli.fmt, cli.level);
  if (config_load(cli.config_path, &cfg, err, sizeof(err)) != CONFIG_OK) {
    log_report(LOG_ERROR, err, NULL, "invalid configuration \"%s\"", cli.config_path);
    goto out;
  }
  for (size_t i = 0; i < cli.nonly; i++)
    if (!config_find_source(&cfg, cli.only[i])) {
      log_error("no source named \"%s\" in %s", cli.only[i], cli.config_path);
      goto out;
    }

  rq.only = cli.only;
  rq.nonly = cli.nonly;
  rq.run = run_arg;
  rq.since = cli.since;
  rq.until = cli.until;
  rq.insecure = cli.insecure;
  rq.jobs = cli.jobs;
  rq.per_source = cli.per_source;
  rq.progress_ms = cli.progress_ms;
  er = extract_run(&cfg, &rq, run_id, &windows, &nwindows);
  if (er == EXTRACT_FAILED)
    goto out;
  if (er == EXTRACT_ALREADY) {
    rc = 0;
    goto out;
  }
  printf("%s\n", run_id);
  rc = er == EXTRACT_PARTIAL ? 1 : 0;
out:
  free(windows);
  cli_common_release(&cli);
  config_release(&cfg);
  xml_global_cleanup();
  return rc;
}
