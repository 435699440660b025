/*
 * cunit_main.h — the one main() every CUnit suite shares:
 *
 *   static CU_TestInfo tests[] = { { "name", fn }, ..., CU_TEST_INFO_NULL };
 *   CUNIT_MAIN("suite", tests)            or CUNIT_MAIN_WITH("suite", tests, init, clean)
 *
 * Exits non-zero when any assertion failed or CUnit itself failed.
 */
#ifndef TTHC_CUNIT_MAIN_H
#define TTHC_CUNIT_MAIN_H

#include <CUnit/Basic.h>

static inline int cunit_run(const char *suite, CU_TestInfo *tests, CU_InitializeFunc init,
                            CU_CleanupFunc clean)
{
  CU_SuiteInfo suites[] = { { suite, init, clean, NULL, NULL, tests }, CU_SUITE_INFO_NULL };
  int rc;

  if (CU_initialize_registry() != CUE_SUCCESS)
    return 1;
  if (CU_register_suites(suites) != CUE_SUCCESS) {
    CU_cleanup_registry();
    return 1;
  }
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  rc = CU_get_number_of_failures() != 0 || CU_get_error() != CUE_SUCCESS;
  CU_cleanup_registry();
  return rc;
}

#define CUNIT_MAIN(suite, tests)                    \
  int main(void)                                    \
  {                                                 \
    return cunit_run((suite), (tests), NULL, NULL); \
  }

/* The same, with a suite set-up and tear-down (return 0 on success). */
#define CUNIT_MAIN_WITH(suite, tests, init, clean)       \
  int main(void)                                         \
  {                                                      \
    return cunit_run((suite), (tests), (init), (clean)); \
  }

#endif
