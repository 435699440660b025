/* Run directories: ids and finding runs by their stage markers. */
#include <stdio.h>
#include <stdlib.h>

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

static CU_TestInfo tests[] = {
  { "run directories", test_rundir },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("rundir", tests)
