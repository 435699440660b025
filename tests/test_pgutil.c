/* libpq helpers that need no server: whether a conninfo gives a password
 * (tthc-load refuses one written into the configuration file). */
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

static CU_TestInfo tests[] = {
  { "a password in a conninfo, in either form", test_conninfo_password },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("pgutil", tests)
