/*
 * check.h — tthc-sync --check: is this configuration ready for a night?
 * Checks the configuration, the state directory, each source's secret, one
 * authenticated request per source (probe.h), the warehouse (connection,
 * schema version, the privileges a load needs) and the metrics file's
 * directory, without a run: no run directory, no watermark, no lock file,
 * nothing written to the warehouse. One line per check on out:
 *     source portal-hp: ok (authenticated; one page of commune 11002)
 *     warehouse schema: FAILED: 2 migrations not applied (first 019_x.sql);
 *       hint: run tthc-load --migrate with the owner's connection
 */
#ifndef TTHC_SYNC_CHECK_H
#define TTHC_SYNC_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "result.h"

/* SYNC_OK when every check passed, else SYNC_CHECK_FAILED (each failure
 * printed, and "check FAILED" last). only/nonly limit the sources (none:
 * all). */
sync_result sync_check(const char *config_path, const char *const *only, size_t nonly,
                       int insecure, FILE *out);

#endif
