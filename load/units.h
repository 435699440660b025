/*
 * units.h — loads the official list of communes and provinces
 * (the format of shared/reference/units-2025.csv:
 *  commune_code,commune_name,province_code,province_name) into tthc.unit.
 */
#ifndef TTHC_UNITS_H
#define TTHC_UNITS_H

#include "pgutil.h"

/* Upserts every row of the CSV file in one transaction; *count = rows. */
pgu_result units_load(PGconn *conn, const char *csv_path, long long *count);

#endif
