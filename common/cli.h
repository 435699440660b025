/*
 * cli.h — the command-line options tthc-sync and tthc-extract share, parsed
 * and checked alike (GNU getopt_long; usage errors are printed on stderr as
 * "PROG: message", and the caller exits 2):
 *
 *   -c, --config=FILE   (default $TTHC_CONFIG)   --source=NAME (repeatable)
 *   --since=TIME --until=TIME (yyyy-MM-dd or ISO 8601; since <= until)
 *   --insecure   --log-format=text|json   -v, --verbose
 *   -j, --jobs=N   --per-source=N (1..64)   --progress=SECONDS (0..86400, 0 = none)
 *
 * A program lists CLI_COMMON_LONGOPTS in its option table (its own options
 * take values from CLI_OPT_FIRST_FREE on), passes CLI_COMMON_SHORTOPTS (plus
 * its own letters) to getopt_long, hands each option to cli_common_take()
 * first, and calls cli_common_finish() after the loop. -h/--help and
 * --version stay the program's (each prints its own usage).
 */
#ifndef TTHC_CLI_H
#define TTHC_CLI_H

#include <getopt.h>
#include <stddef.h>

#include "log.h"
#include "timeutil.h"

struct cli_common {
  const char *config_path; /* -c, else $TTHC_CONFIG; borrowed */
  const char **only;       /* --source names (borrowed strings, owned array) */
  size_t nonly;
  tthc_time since, until; /* TTHC_TIME_NONE when not given */
  int insecure, jobs, per_source;
  long progress_ms; /* extract_request.progress_ms: 0 default (30 s), < 0 none */
  log_format fmt;
  log_level level;
};

enum {
  CLI_OPT_SOURCE = 256,
  CLI_OPT_SINCE,
  CLI_OPT_UNTIL,
  CLI_OPT_INSECURE,
  CLI_OPT_LOGFMT,
  CLI_OPT_PER_SOURCE,
  CLI_OPT_PROGRESS,
  CLI_OPT_FIRST_FREE = 300 /* a program's own long options start here */
};

#define CLI_COMMON_SHORTOPTS "c:vj:"
#define CLI_COMMON_LONGOPTS                                                                  \
  { "config", required_argument, NULL, 'c' }, { "source", required_argument, NULL, CLI_OPT_SOURCE }, \
    { "since", required_argument, NULL, CLI_OPT_SINCE },                                   \
    { "until", required_argument, NULL, CLI_OPT_UNTIL },                                   \
    { "insecure", no_argument, NULL, CLI_OPT_INSECURE },                                   \
    { "log-format", required_argument, NULL, CLI_OPT_LOGFMT },                             \
    { "verbose", no_argument, NULL, 'v' }, { "jobs", required_argument, NULL, 'j' },         \
    { "per-source", required_argument, NULL, CLI_OPT_PER_SOURCE },                         \
    { "progress", required_argument, NULL, CLI_OPT_PROGRESS }

/* Defaults: $TTHC_CONFIG, no sources, no bounds, 4 jobs, 2 per source,
 * text logs at info. */
void cli_common_init(struct cli_common *c);

/* Frees the --source array. */
void cli_common_release(struct cli_common *c);

typedef enum {
  CLI_TAKEN = 0,   /* a shared option, stored */
  CLI_NOT_MINE = 1, /* not one of the shared options: the program's */
  CLI_BAD = -1     /* a bad argument (printed) or out of memory */
} cli_result;

/* Stores option opt (getopt_long's return) with argument arg. */
cli_result cli_common_take(struct cli_common *c, const char *prog, int opt, const char *arg);

/* After the loop: no operands left, a configuration given, since <= until.
 * CLI_TAKEN or CLI_BAD (printed). */
cli_result cli_common_finish(const struct cli_common *c, const char *prog, int argc,
                             char *const *argv, int first_operand);

#endif
