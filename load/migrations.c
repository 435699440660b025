#include "migrations.h"

#include "log.h"

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

pgu_result migrations_apply(PGconn *conn, int *applied)
{
  pgu_result result;
  int n = 0;

  result = pgu_command(conn, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")", 0, NULL);
  if (result)
    return result;
  result = pgu_command(conn, bootstrap_sql, 0, NULL);
  for (size_t i = 0; result == PGU_OK && i < tthc_migrations_count; i++)
    result = apply_one(conn, &tthc_migrations[i], &n);
  (void)pgu_command(conn, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_KEY ")", 0, NULL);
  if (applied)
    *applied = n;
  return result;
}
