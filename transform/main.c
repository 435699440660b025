/*
 * tthc-transform — turns an extracted run's landing pages into canonical
 * records ready for loading (see transform/run.h).
 *
 *   tthc-transform -c FILE [--run RUN]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "log.h"
#include "run_logged.h"
#include "rundir.h"
#include "version.h"
#include "xmlsafe.h"

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: tthc-transform -c FILE [OPTION]...\n"
          "Normalise an extracted run into canonical records and quarantine bad ones.\n\n"
          "  -c, --config FILE      configuration (default $TTHC_CONFIG)\n"
          "      --run RUN          run id (default: every extracted run not yet\n"
          "                         transformed, oldest first)\n"
          "      --log-format FMT   text (default) or json\n"
          "  -h, --help             display this help and exit\n"
          "      --version          output version information and exit\n\n"
          "Exit status:\n"
          " 0  transformed (or nothing waiting)\n"
          " 1  a run failed (e.g. more rejects than [transform] max_reject_share),\n"
          "    or an error\n"
          " 2  bad usage\n\n"
          "Examples:\n"
          "  tthc-transform -c /etc/tthc/tthc.conf\n"
          "  tthc-transform -c /etc/tthc/tthc.conf --run 20260501T010203.123456Z-9f3a61c2\n\n"
          "Full documentation: man tthc-transform\n");
}

int main(int argc, char **argv)
{
  enum { OPT_RUN = 256, OPT_LOGFMT, OPT_VERSION };
  static const struct option opts[] = { { "config", required_argument, NULL, 'c' },
                                        { "run", required_argument, NULL, OPT_RUN },
                                        { "log-format", required_argument, NULL, OPT_LOGFMT },
                                        { "help", no_argument, NULL, 'h' },
                                        { "version", no_argument, NULL, OPT_VERSION },
                                        { NULL, 0, NULL, 0 } };
  const char *config_path = getenv("TTHC_CONFIG"), *run = NULL;
  char err[512], **runs = NULL;
  size_t nruns = 0;
  log_format fmt = LOG_FORMAT_TEXT;
  struct tthc_config cfg;
  int c, rc = 1;

  config_init(&cfg);
  xml_global_init();
  log_init("tthc-transform", LOG_FORMAT_TEXT, LOG_INFO);
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    switch (c) {
    case 'c': config_path = optarg; break;
    case OPT_RUN: run = optarg; break;
    case OPT_LOGFMT:
      if (log_format_parse(optarg, &fmt)) {
        fprintf(stderr, "tthc-transform: unknown log format \"%s\"\n", optarg);
        return 2;
      }
      break;
    case 'h': usage(stdout); return 0;
    case OPT_VERSION: version_print("tthc-transform"); return 0;
    default: usage(stderr); return 2;
    }
  }
  if (optind < argc || !config_path) {
    usage(stderr);
    return 2;
  }
  log_init("tthc-transform", fmt, LOG_INFO);
  if (config_load(config_path, &cfg, err, sizeof(err)) != CONFIG_OK) {
    log_report(LOG_ERROR, err, NULL, "invalid configuration \"%s\"", config_path);
    goto out;
  }
  if (run && !rundir_id_valid(run)) {
    log_report(LOG_ERROR, NULL, "A run id looks like 20260501T010203Z.", "invalid run id \"%s\"",
               run);
    goto out;
  }
  if (!cfg.state_dir) {
    log_report(LOG_ERROR, NULL, "Set [state] dir in the configuration.",
               "no state directory configured");
    goto out;
  }
  if (run) {
    rc = transform_run_logged(&cfg, run);
    goto out;
  }
  /* Every extracted run not yet transformed, oldest first. */
  runs = rundir_list(cfg.state_dir, RUN_MARK_EXTRACTED, RUN_MARK_TRANSFORMED, &nruns);
  if (nruns == 0)
    log_info("no extracted run waiting to be transformed in %s", cfg.state_dir);
  rc = 0;
  for (size_t i = 0; i < nruns; i++)
    if (transform_run_logged(&cfg, runs[i]))
      rc = 1;
out:
  rundir_list_free(runs, nruns);
  config_release(&cfg);
  xml_global_cleanup();
  return rc;
}
