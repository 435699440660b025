/*
 * run_logged.h — transforms one run (run.h) and logs what it read, accepted
 * and rejected per source, or why it failed: what tthc-transform and
 * tthc-sync print for a run.
 */
#ifndef TTHC_TRANSFORM_RUN_LOGGED_H
#define TTHC_TRANSFORM_RUN_LOGGED_H

#include "run.h"

/* 0 transformed (marked TRANSFORMED), 1 failed (logged). */
int transform_run_logged(const struct tthc_config *cfg, const char *run);

#endif
