#include "units.h"

#include "log.h"

pgu_result units_load(PGconn *conn, const char *csv_path, long long *count)
{
  pgu_result result = pgu_command(conn, "BEGIN", 0, NULL);
  if (result)
    return result;
  result = pgu_command(conn,
                       "CREATE TEMP TABLE stage_unit (commune_code text, commune_name text,"
                       " province_code text, province_name text) ON COMMIT DROP",
                       0, NULL);
  if (result == PGU_OK)
    result = pgu_copy_file(conn, "COPY stage_unit FROM STDIN WITH (FORMAT csv, HEADER true)",
                           csv_path, count);
  if (result == PGU_OK)
    result = pgu_command(
      conn,
      "INSERT INTO tthc.unit (unit_code, unit_name, province_code, province_name)"
      " SELECT trim(commune_code), trim(commune_name), trim(province_code), trim(province_name)"
      "   FROM stage_unit"
      " ON CONFLICT (unit_code) DO UPDATE SET unit_name = EXCLUDED.unit_name,"
      "   province_code = EXCLUDED.province_code, province_name = EXCLUDED.province_name",
      0, NULL);
  if (result == PGU_OK)
    return pgu_command(conn, "COMMIT", 0, NULL);
  (void)pgu_command(conn, "ROLLBACK", 0, NULL);
  log_report(LOG_ERROR, NULL,
             "The file must have the header commune_code,commune_name,province_code,province_name.",
             "could not load units from \"%s\"", csv_path);
  return result;
}
