/* Run directories: ids and finding runs by their stage markers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

/* STATE/runs/ID with the given markers and a landing file inside. */
static void make_run(const char *state, const char *id, const char *marks)
{
  char cmd[1024];

  snprintf(cmd, sizeof(cmd),
           "mkdir -p %s/runs/%s/landing/portal/11002 && echo '{}' > "
           "%s/runs/%s/landing/portal/11002/page-000001.json",
           state, id, state, id);
  CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
  for (const char *m = marks; *m; m++) {
    const char *name = *m == 'E'   ? RUN_MARK_EXTRACTED
                       : *m == 'T' ? RUN_MARK_TRANSFORMED
                                   : RUN_MARK_LOADED;
    snprintf(cmd, sizeof(cmd), "touch %s/runs/%s/%s", state, id, name);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
  }
}

static int run_exists(const char *state, const char *id)
{
  char p[512];
  struct stat st;

  snprintf(p, sizeof(p), "%s/runs/%s", state, id);
  return stat(p, &st) == 0;
}

static void test_id_time(void)
{
  CU_ASSERT_EQUAL(rundir_id_time("20260501T010203.123456Z-9f3a61c2"), 1777597323LL);
  CU_ASSERT_EQUAL(rundir_id_time("20260501T010203Z"), 1777597323LL);
  CU_ASSERT_EQUAL(rundir_id_time("junk"), -1);
}

/* Retention: only loaded runs older than keep_days go; the newest run,
 * unloaded runs, recent runs and non-runs stay; keep_days 0 keeps all. */
static void test_prune(void)
{
  char d[] = "/tmp/tthc-prune.XXXXXX", cmd[256], err[512];
  /* now = 2026-05-01T00:00:00Z; 30 days before is 2026-04-01. */
  const long long now = 1777593600LL;
  size_t removed = 99;

  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(d));
  make_run(d, "20260101T000000Z", "ETL");                 /* old, loaded: goes */
  make_run(d, "20260102T000000.000001Z-0a1b2c3d", "ETL"); /* old, loaded: goes */
  make_run(d, "20260103T000000Z", "ET");                  /* old, not loaded: stays */
  make_run(d, "20260104T000000Z", "E");                   /* old, extracted only: stays */
  make_run(d, "20260401T000001Z", "ETL");                 /* 29.99 days: stays */
  make_run(d, "20260201T000000Z", "ETL");
  snprintf(cmd, sizeof(cmd), "mkdir -p %s/runs/keep-me && touch %s/runs/keep-me/LOADED", d, d);
  CU_ASSERT_EQUAL_FATAL(system(cmd), 0);

  CU_ASSERT_EQUAL(rundir_prune(d, 0, now, &removed, err, sizeof(err)), 0);
  CU_ASSERT_EQUAL(removed, 0); /* 0 = keep every run */
  CU_ASSERT(run_exists(d, "20260101T000000Z"));

  CU_ASSERT_EQUAL(rundir_prune(d, 30, now, &removed, err, sizeof(err)), 0);
  CU_ASSERT_EQUAL(removed, 3);
  CU_ASSERT(!run_exists(d, "20260101T000000Z"));
  CU_ASSERT(!run_exists(d, "20260102T000000.000001Z-0a1b2c3d"));
  CU_ASSERT(!run_exists(d, "20260201T000000Z"));
  CU_ASSERT(run_exists(d, "20260103T000000Z"));
  CU_ASSERT(run_exists(d, "20260104T000000Z"));
  CU_ASSERT(run_exists(d, "20260401T000001Z"));
  CU_ASSERT(run_exists(d, "keep-me"));

  /* The newest run is kept even when loaded and old enough. */
  CU_ASSERT_EQUAL(rundir_prune(d, 1, now + 86400LL * 400, &removed, err, sizeof(err)), 0);
  CU_ASSERT_EQUAL(removed, 0);
  CU_ASSERT(run_exists(d, "20260401T000001Z"));
  make_run(d, "20260402T000000Z", "E");
  CU_ASSERT_EQUAL(rundir_prune(d, 1, now + 86400LL * 400, &removed, err, sizeof(err)), 0);
  CU_ASSERT_EQUAL(removed, 1); /* no longer the newest */
  CU_ASSERT(!run_exists(d, "20260401T000001Z"));
  CU_ASSERT(run_exists(d, "20260402T000000Z"));

  /* A removal a crash interrupted is finished by the next call, and the
   * half-removed run never looks like a run meanwhile. */
  snprintf(cmd, sizeof(cmd), "mkdir -p %s/runs/20260105T000000Z.removing/landing", d);
  CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
  {
    size_t n;
    char **ids = rundir_list(d, NULL, NULL, &n);
    for (size_t i = 0; i < n; i++)
      CU_ASSERT(strstr(ids[i], "removing") == NULL);
    rundir_list_free(ids, n);
  }
  CU_ASSERT_EQUAL(rundir_prune(d, 30, now, &removed, err, sizeof(err)), 0);
  CU_ASSERT(!run_exists(d, "20260105T000000Z.removing"));

  /* A run that cannot be removed is reported (path and reason), the
   * others still go. Root ignores directory permissions: skipped then. */
  if (geteuid() != 0) {
    make_run(d, "20260106T000000Z", "ETL");
    make_run(d, "20260107T000000Z", "ETL");
    snprintf(cmd, sizeof(cmd), "chmod 0555 %s/runs", d);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    CU_ASSERT_EQUAL(rundir_prune(d, 30, now, &removed, err, sizeof(err)), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "20260106T000000Z"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "Permission denied"));
    snprintf(cmd, sizeof(cmd), "chmod 0755 %s/runs", d);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
  }
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
  CU_ASSERT_EQUAL(system(cmd), 0);
}

static CU_TestInfo tests[] = {
  { "run id times", test_id_time },
  { "retention removes old loaded runs only", test_prune },
  { "run ids made in the same second differ", test_ids_unique_within_a_second },
  { "run ids of one forced instant differ", test_ids_of_one_instant },
  { "run ids sort by time", test_ids_sort_by_time },
  { "run ids of both forms are valid, nothing else", test_id_validity },
  { "run directories", test_rundir },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("rundir", tests)
