/* Run directories: ids and finding runs by their stage markers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cunit_main.h"
#include "rundir.h"

static void test_rundir(void)
{
  char d[] = "/tmp/tthc-rundir.XXXXXX", cmd[256], *id;

  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(d));
  snprintf(cmd, sizeof(cmd),
           "mkdir -p %s/runs/20260101T000000Z %s/runs/20260102T000000Z %s/runs/junk && "
           "touch %s/runs/20260101T000000Z/EXTRACTED",
           d, d, d, d);
  CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
  id = rundir_find(d, NULL, NULL);
  CU_ASSERT_STRING_EQUAL(id, "20260102T000000Z");
  free(id);
  id = rundir_find(d, RUN_MARK_EXTRACTED, RUN_MARK_TRANSFORMED);
  CU_ASSERT_STRING_EQUAL(id, "20260101T000000Z");
  free(id);
  CU_ASSERT_PTR_NULL(rundir_find(d, RUN_MARK_LOADED, NULL));
  {
    size_t n;
    char **ids = rundir_list(d, NULL, NULL, &n);
    CU_ASSERT_EQUAL_FATAL(n, 2);                        /* "junk" is not a run */
    CU_ASSERT_STRING_EQUAL(ids[0], "20260101T000000Z"); /* oldest first */
    CU_ASSERT_STRING_EQUAL(ids[1], "20260102T000000Z");
    rundir_list_free(ids, n);
    ids = rundir_list(d, NULL, RUN_MARK_EXTRACTED, &n);
    CU_ASSERT_EQUAL(n, 1);
    rundir_list_free(ids, n);
  }
  CU_ASSERT(rundir_id_valid("20260101T000000Z"));
  CU_ASSERT(!rundir_id_valid("../../etc/passwd"));
  CU_ASSERT(!rundir_id_valid("20260101X000000Z"));
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
  CU_ASSERT_EQUAL(system(cmd), 0);
}

/* Issue 10.1: two state directories extracting in the same second got the
 * same run id, and the warehouse took the second run for the first. */
static void test_ids_unique_within_a_second(void)
{
  char a[RUNDIR_ID_MAX], b[RUNDIR_ID_MAX];

  rundir_new_id(a);
  rundir_new_id(b);
  CU_ASSERT_STRING_NOT_EQUAL(a, b);
  CU_ASSERT(rundir_id_valid(a));
  CU_ASSERT(rundir_id_valid(b));
}

/* The same instant, forced: still two ids, both of that instant. */
static void test_ids_of_one_instant(void)
{
  struct timespec t = { 1777597323, 123456789 }; /* 2026-05-01T01:02:03.123456789Z */
  char a[RUNDIR_ID_MAX], b[RUNDIR_ID_MAX];

  rundir_id_at(&t, a);
  rundir_id_at(&t, b);
  CU_ASSERT_STRING_NOT_EQUAL(a, b);
  CU_ASSERT_NSTRING_EQUAL(a, "20260501T010203.123456Z-", 24);
  CU_ASSERT_NSTRING_EQUAL(b, "20260501T010203.123456Z-", 24);
  CU_ASSERT_EQUAL(strlen(a), 32);
  CU_ASSERT(rundir_id_valid(a));
}

/* Ids sort by time, to the microsecond, and among ids of the old form. */
static void test_ids_sort_by_time(void)
{
  struct timespec t1 = { 1777597323, 999999000 }, t2 = { 1777597324, 0 }, t3 = { 1777597324, 1000 };
  char a[RUNDIR_ID_MAX], b[RUNDIR_ID_MAX], c[RUNDIR_ID_MAX];

  rundir_id_at(&t1, a);
  rundir_id_at(&t2, b);
  rundir_id_at(&t3, c);
  CU_ASSERT(strcmp(a, b) < 0);
  CU_ASSERT(strcmp(b, c) < 0);
  CU_ASSERT(strcmp("20260501T010202Z", a) < 0); /* an old id of an earlier second */
  CU_ASSERT(strcmp(c, "20260501T010205Z") < 0); /* and of a later one */
}

static void test_id_validity(void)
{
  CU_ASSERT(rundir_id_valid("20260101T000000Z"));
  CU_ASSERT(rundir_id_valid("20260101T000000.000001Z-0a1b2c3d"));
  CU_ASSERT(!rundir_id_valid("20260101T000000.000001Z-0a1b2c3"));  /* short suffix */
  CU_ASSERT(!rundir_id_valid("20260101T000000.000001Z-0A1B2C3D")); /* upper case */
  CU_ASSERT(!rundir_id_valid("20260101T000000.00001Z-0a1b2c3d0")); /* 5 digits */
  CU_ASSERT(!rundir_id_valid("20260101T000000.000001Z/0a1b2c3d")); /* a path */
  CU_ASSERT(!rundir_id_valid("20260101T000000.000001X-0a1b2c3d"));
  CU_ASSERT(!rundir_id_valid("20260101T000000.000001Z-../../..x"));
  CU_ASSERT(!rundir_id_valid("2026010XT000000Z"));
  CU_ASSERT(!rundir_id_valid(""));
}

static CU_TestInfo tests[] = {
  { "run ids made in the same second differ", test_ids_unique_within_a_second },
  { "run ids of one forced instant differ", test_ids_of_one_instant },
  { "run ids sort by time", test_ids_sort_by_time },
  { "run ids of both forms are valid, nothing else", test_id_validity },
  { "run directories", test_rundir },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("rundir", tests)
