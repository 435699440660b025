/*
 * config_units.h — the official commune list (units-2025.csv: commune_code,
 * commune_name, province_code, province_name) as the configuration reads
 * it, to expand `communes = province:NN` and to validate commune codes.
 */
#ifndef TTHC_CONFIG_UNITS_H
#define TTHC_CONFIG_UNITS_H

#include <stdbool.h>
#include <stddef.h>

struct unit_list {
  char (*code)[6];     /* 5-digit commune codes */
  char (*province)[3]; /* their 2-digit province codes */
  size_t n;
};

/* Reads path; 0, or -1 with err set ("FILE:LINE: ..." or the OS error). */
int unit_list_read(const char *path, struct unit_list *u, char *err, size_t errsz);
void unit_list_release(struct unit_list *u);
bool unit_list_has(const struct unit_list *u, const char *code);

/* The default list when units_file is not configured: beside the
 * installed binary (BIN/../share/tthc-etl/units-2025.csv), else the
 * project's reference copy next to the repository
 * (REPO/build/bin/../../../shared/reference/units-2025.csv). malloc'd, or
 * NULL when neither exists. */
char *unit_list_default_path(void);

#endif
