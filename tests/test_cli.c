/* common/cli: the options tthc-sync and tthc-extract share, parsed through
 * getopt_long as the programs do. */
#include "cunit_main.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum { OPT_OWN = CLI_OPT_FIRST_FREE };

/* Parses argv (NULL-terminated) like a program with one option of its
 * own (--own); returns -1 bad, 0 ok; *own counts --own. */
static int parse(struct cli_common *c, char **argv, int *own)
{
  static const struct option opts[] = { CLI_COMMON_LONGOPTS,
                                        { "own", no_argument, NULL, OPT_OWN },
                                        { NULL, 0, NULL, 0 } };
  int argc = 0, opt;
  FILE *devnull = fopen("/dev/null", "w");
  int saved = dup(STDERR_FILENO), rc = 0;

  while (argv[argc])
    argc++;
  /* usage messages go to stderr: keep the suite's output clean */
  fflush(stderr);
  dup2(fileno(devnull), STDERR_FILENO);
  optind = 0;
  opterr = 0;
  cli_common_init(c);
  *own = 0;
  while (rc == 0 && (opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, opts, NULL)) != -1) {
    cli_result r = cli_common_take(c, "prog", opt, optarg);
    if (r == CLI_BAD)
      rc = -1;
    else if (r == CLI_NOT_MINE && opt == OPT_OWN)
      (*own)++;
    else if (r == CLI_NOT_MINE)
      rc = -1;
  }
  if (rc == 0 && cli_common_finish(c, "prog", argc, argv, optind) != CLI_TAKEN)
    rc = -1;
  dup2(saved, STDERR_FILENO);
  close(saved);
  fclose(devnull);
  return rc;
}

static void test_defaults_and_all(void)
{
  struct cli_common c;
  int own;
  char *argv[] = { "prog",          "-c",           "/etc/t.conf", "--source", "portal",
                   "--source=city", "--since",      "2026-01-01",  "--until",  "2026-03-31T10:00:00Z",
                   "--insecure",    "--log-format", "json",        "-v",       "-j",
                   "8",             "--per-source", "3",           "--own",    "--progress",
                   "5",             NULL };

  unsetenv("TTHC_CONFIG");
  CU_ASSERT_EQUAL_FATAL(parse(&c, argv, &own), 0);
  CU_ASSERT_STRING_EQUAL(c.config_path, "/etc/t.conf");
  CU_ASSERT_EQUAL_FATAL(c.nonly, 2);
  CU_ASSERT_STRING_EQUAL(c.only[0], "portal");
  CU_ASSERT_STRING_EQUAL(c.only[1], "city");
  CU_ASSERT_NOT_EQUAL(c.since, TTHC_TIME_NONE);
  CU_ASSERT_TRUE(c.since < c.until);
  CU_ASSERT_EQUAL(c.insecure, 1);
  CU_ASSERT_EQUAL(c.fmt, LOG_FORMAT_JSON);
  CU_ASSERT_EQUAL(c.level, LOG_DEBUG);
  CU_ASSERT_EQUAL(c.jobs, 8);
  CU_ASSERT_EQUAL(c.per_source, 3);
  CU_ASSERT_EQUAL(c.progress_ms, 5000);
  CU_ASSERT_EQUAL(own, 1);
  cli_common_release(&c);
  CU_ASSERT_PTR_NULL(c.only);

  {
    char *argv2[] = { "prog", NULL };
    setenv("TTHC_CONFIG", "/from/env.conf", 1);
    CU_ASSERT_EQUAL_FATAL(parse(&c, argv2, &own), 0);
    CU_ASSERT_STRING_EQUAL(c.config_path, "/from/env.conf");
    CU_ASSERT_EQUAL(c.nonly, 0);
    CU_ASSERT_EQUAL(c.since, TTHC_TIME_NONE);
    CU_ASSERT_EQUAL(c.until, TTHC_TIME_NONE);
    CU_ASSERT_EQUAL(c.jobs, 4);
    CU_ASSERT_EQUAL(c.per_source, 2);
    CU_ASSERT_EQUAL(c.progress_ms, 0);
    CU_ASSERT_EQUAL(c.fmt, LOG_FORMAT_TEXT);
    CU_ASSERT_EQUAL(c.level, LOG_INFO);
    cli_common_release(&c);
    unsetenv("TTHC_CONFIG");
  }
}

/* Each of these is a usage error. */
static void test_bad(void)
{
  char *cases[][6] = {
    { "prog", NULL },                                        /* no configuration */
    { "prog", "-c", "x", "extra", NULL },                    /* an operand */
    { "prog", "-c", "x", "--since", "yesterday", NULL },     /* not a date */
    { "prog", "-c", "x", "-j", "0", NULL },                  /* out of range */
    { "prog", "-c", "x", "--per-source", "65", NULL },       /* out of range */
    { "prog", "-c", "x", "-j", "4x", NULL },                 /* not a number */
    { "prog", "-c", "x", "--log-format", "JSON", NULL },     /* unknown format */
    { "prog", "-c", "x", "--no-such", NULL },                /* unknown option */
    { "prog", "-c", "x", "--progress", "-1", NULL },         /* out of range */
  };
  struct cli_common c;
  int own;

  unsetenv("TTHC_CONFIG");
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    CU_ASSERT_EQUAL(parse(&c, cases[i], &own), -1);
    cli_common_release(&c);
  }
  {
    char *argv[] = { "prog", "-c", "x", "--since", "2026-04-01", "--until", "2026-03-01", NULL };
    CU_ASSERT_EQUAL(parse(&c, argv, &own), -1); /* since after until */
    cli_common_release(&c);
  }
  {
    char *argv[] = { "prog", NULL };
    setenv("TTHC_CONFIG", "", 1); /* empty names no file */
    CU_ASSERT_EQUAL(parse(&c, argv, &own), -1);
    cli_common_release(&c);
    unsetenv("TTHC_CONFIG");
  }
}

static CU_TestInfo tests[] = {
  { "defaults and every option", test_defaults_and_all },
  { "usage errors", test_bad },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("cli", tests)
