#include "migrations.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "version.h"

/* One constant key for every tthc-etl schema change (pg_advisory_lock). */
#define MIGRATION_LOCK_KEY "7325001"

static const char bootstrap_sql[] =
  "CREATE SCHEMA IF NOT EXISTS tthc;"
  "CREATE TABLE IF NOT EXISTS tthc.schema_migration ("
  "  name text PRIMARY KEY,"
  "  applied_at timestamptz NOT NULL DEFAULT now());"
  "COMMENT ON TABLE tthc.schema_migration IS "
  "  'Các bản nâng cấp lược đồ đã áp dụng / Schema migrations applied';"
  "COMMENT ON COLUMN tthc.schema_migration.name IS 'Tên tệp migration / Migration file name';"
  "COMMENT ON COLUMN tthc.schema_migration.applied_at IS 'Thời điểm áp dụng / When it was "
  "applied';";

static pgu_result apply_one(PGconn *conn, const struct migration *m, int *applied)
{
  const char *params[] = { m->name };
  pgu_result result;
  PGresult *res = NULL;

  result = pgu_command(conn, "BEGIN", 0, NULL);
  if (result)
    return result;
  res = pgu_exec(conn, "SELECT 1 FROM tthc.schema_migration WHERE name = $1", 1, params,
                 PGRES_TUPLES_OK);
  if (!res) {
    result = PGU_SQL;
    goto out;
  }
  if (PQntuples(res) > 0)
    goto out; /* already applied */

  log_info("applying migration %s", m->name);
  /* Several statements, no parameters: simple query protocol. */
  result = pgu_command(conn, m->sql, 0, NULL);
  if (result)
    goto out;
  result = pgu_command(conn, "INSERT INTO tthc.schema_migration (name) VALUES ($1)", 1, params);
  if (result)
    goto out;
  (*applied)++;
out:
  PQclear(res);
  if (result == PGU_OK)
    result = pgu_command(conn, "COMMIT", 0, NULL);
  else
    (void)pgu_command(conn, "ROLLBACK", 0, NULL);
  return result;
}

const char *migrations_strerror(migrations_result r)
{
  switch (r) {
  case MIGRATIONS_OK: return "ok";
  case MIGRATIONS_SQL: return "a statement failed";
  case MIGRATIONS_NEWER: return "the warehouse is newer than this binary";
  }
  return "unknown migrations result";
}

static int migration_known(const char *name)
{
  for (size_t i = 0; i < tthc_migrations_count; i++)
    if (strcmp(tthc_migrations[i].name, name) == 0)
      return 1;
  return 0;
}

/* An old binary against a newer warehouse would load with outdated merge
 * rules, or "upgrade" it back with migrations the newer one replaced:
 * refused before anything is written. Unknown names sort after the known
 * ones when a newer release added them; a name that sorts among them was
 * renamed or removed, which is refused all the same. */
static void report_newer(const char *progname, const char *name, const char *applied_at,
                         int unknown)
{
  const char *last = tthc_migrations_count ? tthc_migrations[tthc_migrations_count - 1].name : "";
  char detail[512];

  snprintf(detail, sizeof(detail),
           "Migration %s (applied %s) is not one of the %zu migrations %s %s knows "
           "(001 .. %s); the warehouse has %d such migration%s.",
           name, applied_at, tthc_migrations_count, progname, TTHC_VERSION, last, unknown,
           unknown == 1 ? "" : "s");
  log_report(LOG_ERROR, detail,
             "Install the tthc-etl release that applied it (or a newer one) on this host; "
             "an older binary never loads into, nor migrates, a newer warehouse "
             "(deploy/README.md, \"Upgrade\").",
             "the warehouse schema is newer than %s %s: it holds migration \"%s\"", progname,
             TTHC_VERSION, name);
}

migrations_result migrations_check(PGconn *conn, const char *progname)
{
  migrations_result result = MIGRATIONS_OK;
  PGresult *res;
  const char *first = NULL, *first_at = NULL;
  int unknown = 0;

  /* Nothing migrated yet (no table) is no refusal: --migrate will create it. */
  res = pgu_exec(conn, "SELECT to_regclass('tthc.schema_migration') IS NOT NULL", 0, NULL,
                 PGRES_TUPLES_OK);
  if (!res) {
    result = MIGRATIONS_SQL;
    goto out;
  }
  if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
    goto out;
  PQclear(res);
  res = pgu_exec(conn,
                 "SELECT name, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS UTC') "
                 "FROM tthc.schema_migration ORDER BY name",
                 0, NULL, PGRES_TUPLES_OK);
  if (!res) {
    result = MIGRATIONS_SQL;
    goto out;
  }
  for (int i = 0; i < PQntuples(res); i++)
    if (!migration_known(PQgetvalue(res, i, 0)) && unknown++ == 0) {
      first = PQgetvalue(res, i, 0);
      first_at = PQgetvalue(res, i, 1);
    }
  if (unknown) {
    report_newer(progname, first, first_at, unknown);
    result = MIGRATIONS_NEWER;
  }
out:
  PQclear(res);
  return result;
}

migrations_result migrations_apply(PGconn *conn, const char *progname, int *applied)
{
  migrations_result result = MIGRATIONS_OK;
  int n = 0;

  if (pgu_command(conn, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")", 0, NULL))
    return MIGRATIONS_SQL;
  if (pgu_command(conn, bootstrap_sql, 0, NULL))
    result = MIGRATIONS_SQL;
  if (result == MIGRATIONS_OK)
    result = migrations_check(conn, progname);
  for (size_t i = 0; result == MIGRATIONS_OK && i < tthc_migrations_count; i++)
    if (apply_one(conn, &tthc_migrations[i], &n) != PGU_OK)
      result = MIGRATIONS_SQL;
  (void)pgu_command(conn, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_KEY ")", 0, NULL);
  if (applied)
    *applied = n;
  return result;
}
