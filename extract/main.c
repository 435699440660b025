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
    OPT_PER_SOURCE,
    OPT_PROGRESS,
    OPT_VERSION
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
                                        { "progress", required_argument, NULL, OPT_PROGRESS },
                                        { "help", no_argument, NULL, 'h' },
                                        { "version", no_argument, NULL, OPT_VERSION },
                                        { NULL, 0, NULL, 0 } };
  const char *config_path = getenv("TTHC_CONFIG"), *run_arg = NULL;
  const char **only = NULL;
  size_t nonly = 0;
  int c, rc = 1, insecure = 0, jobs = 4, per_source = 2;
  long progress_ms = 0;
  log_format fmt = LOG_FORMAT_TEXT;
  log_level level = LOG_INFO;
  struct tthc_config cfg;
  struct extract_request rq = { 0 };
  extract_result er;
  tthc_time since = TTHC_TIME_NONE, until = TTHC_TIME_NONE;
  struct window_outcome *windows = NULL;
  size_t nwindows = 0;
  char err[512], run_id[RUNDIR_ID_MAX] = "";

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
      if (parse_time_opt("--since", optarg, &since))
        return 2;
      break;
    case OPT_UNTIL:
      if (parse_time_opt("--until", optarg, &until))
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
    case OPT_PROGRESS: {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*end || end == optarg || v < 0 || v > 86400) {
        fprintf(stderr, "tthc-extract: --progress must be 0..86400 seconds\n");
        return 2;
      }
      progress_ms = v ? v * 1000 : -1;
      break;
    }
    case 'h':
      usage(stdout);
      free(only);
      return 0;
    case OPT_VERSION:
      version_print("tthc-extract");
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
  if (since != TTHC_TIME_NONE && until != TTHC_TIME_NONE && since > until) {
    log_error("--since is after --until");
    goto out;
  }

  rq.only = only;
  rq.nonly = nonly;
  rq.run = run_arg;
  rq.since = since;
  rq.until = until;
  rq.insecure = insecure;
  rq.jobs = jobs;
  rq.per_source = per_source;
  rq.progress_ms = progress_ms;
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
  free(only);
  config_release(&cfg);
  xml_global_cleanup();
  return rc;
}
