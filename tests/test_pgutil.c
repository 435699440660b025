/* libpq helpers that need no server: whether a conninfo gives a password
 * (tthc-load refuses one written into the configuration file), and the line
 * rewriting of pgu_copy_file_extended (the first load's direct COPY). */
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "pgutil.h"

static void test_conninfo_password(void)
{
  CU_ASSERT_EQUAL(pgu_conninfo_has_password("host=db dbname=tthc password=s3cret"), 1);
  CU_ASSERT_EQUAL(pgu_conninfo_has_password("host=db password = 'a b' user=etl"), 1);
  CU_ASSERT_EQUAL(pgu_conninfo_has_password("postgresql://etl:s3cret@db/tthc"), 1);
  CU_ASSERT_EQUAL(pgu_conninfo_has_password("postgres://db/tthc?user=etl&password=s3cret"), 1);
  CU_ASSERT_EQUAL(pgu_conninfo_has_password("host=db dbname=tthc user=etl"), 0);
  CU_ASSERT_EQUAL(pgu_conninfo_has_password("postgresql://etl@db/tthc"), 0);
  CU_ASSERT_EQUAL(pgu_conninfo_has_password("host=db passfile=/etc/tthc/pgpass"), 0);
  CU_ASSERT_EQUAL(pgu_conninfo_has_password(""), 0);
  CU_ASSERT_EQUAL(pgu_conninfo_has_password(NULL), 0);
  CU_ASSERT_EQUAL(pgu_conninfo_has_password("host='unterminated"), -1);
}

/* Feeds in in two chunks split at `at`, then ends; returns the output. */
static char *extend_split(const char *in, size_t at, int field, const char *suffix)
{
  struct dynbuf out, part;
  int bad;

  dynbuf_init(&out, 1 << 20);
  dynbuf_init(&part, 1 << 20);
  bad = pgu_copy_extend_chunk(&out, &part, in, at, field, suffix) ||
        pgu_copy_extend_chunk(&out, &part, in + at, strlen(in) - at, field, suffix) ||
        pgu_copy_extend_end(&out, &part, field, suffix);
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(dynbuf_len(&part), 0);
  dynbuf_release(&part);
  return dynbuf_detach(&out);
}

/* Every line gets its field (verbatim, COPY escapes kept) and the suffix,
 * wherever the chunks split it, a last line without its newline too. */
static void test_copy_extend_lines(void)
{
  const char *in = "00001\tportal\tp-x\tA\\1\\N\t\\N\n"
                   "00002\tcity\tc-x\tB-2\t[\"x\"]\n"
                   "00003\tministry\tm-x\tC-3";
  const char *want = "00001\tportal\tp-x\tA\\1\\N\t\\N\tA\\1\\N\tR-1\n"
                     "00002\tcity\tc-x\tB-2\t[\"x\"]\tB-2\tR-1\n"
                     "00003\tministry\tm-x\tC-3\tC-3\tR-1\n";

  for (size_t at = 0; at <= strlen(in); at++) {
    char *got = extend_split(in, at, 3, "\tR-1");
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
  }
}

/* A line with fewer fields gets an empty one (the COPY then refuses the
 * line, as it would have refused it in staging); the first field works. */
static void test_copy_extend_short(void)
{
  char *got = extend_split("a\tb\n", 1, 5, "\tR");
  CU_ASSERT_STRING_EQUAL(got, "a\tb\t\tR\n");
  free(got);
  got = extend_split("a\tb\n\n", 3, 0, "\tR");
  CU_ASSERT_STRING_EQUAL(got, "a\tb\ta\tR\n\t\tR\n");
  free(got);
}

/* A line longer than part's bound fails, it is not cut. */
static void test_copy_extend_bound(void)
{
  struct dynbuf out, part;
  char line[64];

  memset(line, 'x', sizeof line);
  dynbuf_init(&out, 1 << 10);
  dynbuf_init(&part, 16);
  CU_ASSERT_EQUAL(pgu_copy_extend_chunk(&out, &part, line, sizeof line, 0, "\tR"), -1);
  dynbuf_release(&out);
  dynbuf_release(&part);
}

static CU_TestInfo tests[] = {
  { "a password in a conninfo, in either form", test_conninfo_password },
  { "direct COPY: each line extended, wherever the chunks split", test_copy_extend_lines },
  { "direct COPY: a line with fewer fields", test_copy_extend_short },
  { "direct COPY: a line beyond the bound fails", test_copy_extend_bound },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("pgutil", tests)
