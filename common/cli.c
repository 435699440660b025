/*
 * cli.c — the options tthc-sync and tthc-extract share (cli.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

void cli_common_init(struct cli_common *c)
{
  c->config_path = getenv("TTHC_CONFIG");
  if (c->config_path && !*c->config_path)
    c->config_path = NULL; /* TTHC_CONFIG= names no file */
  c->only = NULL;
  c->nonly = 0;
  c->since = c->until = TTHC_TIME_NONE;
  c->insecure = 0;
  c->jobs = 4;
  c->per_source = 2;
  c->progress_ms = 0;
  c->fmt = LOG_FORMAT_TEXT;
  c->level = LOG_INFO;
}

void cli_common_release(struct cli_common *c)
{
  free(c->only);
  c->only = NULL;
  c->nonly = 0;
}

static cli_result add_source(struct cli_common *c, const char *prog, const char *name)
{
  const char **grown = realloc(c->only, (c->nonly + 1) * sizeof(*c->only));

  if (!grown) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return CLI_BAD;
  }
  c->only = grown;
  c->only[c->nonly++] = name;
  return CLI_TAKEN;
}

static cli_result parse_count(const char *prog, const char *opt, const char *s, int *out)
{
  char *end;
  long v = strtol(s, &end, 10);

  if (*s == '\0' || *end || v < 1 || v > 64) {
    fprintf(stderr, "%s: %s must be 1..64\n", prog, opt);
    return CLI_BAD;
  }
  *out = (int)v;
  return CLI_TAKEN;
}

static cli_result parse_time_opt(const char *prog, const char *opt, const char *s, tthc_time *out)
{
  if (time_parse_since(s, out) == TIME_OK)
    return CLI_TAKEN;
  fprintf(stderr, "%s: %s: not a date or ISO 8601 time: \"%s\"\n", prog, opt, s);
  return CLI_BAD;
}

/* --progress=SECONDS: a progress line that often; 0 turns them off. */
static cli_result parse_progress(struct cli_common *c, const char *prog, const char *s)
{
  char *end;
  long v = strtol(s, &end, 10);

  if (*s == '\0' || *end || v < 0 || v > 86400) {
    fprintf(stderr, "%s: --progress must be 0..86400 seconds\n", prog);
    return CLI_BAD;
  }
  c->progress_ms = v ? v * 1000 : -1;
  return CLI_TAKEN;
}

cli_result cli_common_take(struct cli_common *c, const char *prog, int opt, const char *arg)
{
  switch (opt) {
  case 'c': c->config_path = arg; return CLI_TAKEN;
  case CLI_OPT_SOURCE: return add_source(c, prog, arg);
  case CLI_OPT_SINCE: return parse_time_opt(prog, "--since", arg, &c->since);
  case CLI_OPT_UNTIL: return parse_time_opt(prog, "--until", arg, &c->until);
  case CLI_OPT_INSECURE: c->insecure = 1; return CLI_TAKEN;
  case CLI_OPT_LOGFMT:
    if (log_format_parse(arg, &c->fmt) == 0)
      return CLI_TAKEN;
    fprintf(stderr, "%s: unknown log format \"%s\" (text or json)\n", prog, arg);
    return CLI_BAD;
  case 'v': c->level = LOG_DEBUG; return CLI_TAKEN;
  case 'j': return parse_count(prog, "--jobs", arg, &c->jobs);
  case CLI_OPT_PER_SOURCE: return parse_count(prog, "--per-source", arg, &c->per_source);
  case CLI_OPT_PROGRESS: return parse_progress(c, prog, arg);
  default: return CLI_NOT_MINE;
  }
}

cli_result cli_common_finish(const struct cli_common *c, const char *prog, int argc,
                             char *const *argv, int first_operand)
{
  if (first_operand < argc) {
    fprintf(stderr, "%s: unexpected argument \"%s\"\n", prog, argv[first_operand]);
    return CLI_BAD;
  }
  if (!c->config_path) {
    fprintf(stderr, "%s: no configuration: pass -c FILE or set TTHC_CONFIG\n", prog);
    return CLI_BAD;
  }
  if (c->since != TTHC_TIME_NONE && c->until != TTHC_TIME_NONE && c->since > c->until) {
    fprintf(stderr, "%s: --since is after --until\n", prog);
    return CLI_BAD;
  }
  return CLI_TAKEN;
}
