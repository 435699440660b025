/*
 * metrics.h — the Prometheus textfile-collector file tthc-sync rewrites
 * after each run ([sync] metrics_file, e.g.
 * /var/lib/prometheus/node-exporter/tthc.prom), atomically (fs_write_atomic:
 * a scrape sees the old file or the new one, and node_exporter ignores the
 * temporary name, which does not end in .prom).
 *
 * Gauges describe the last run (its end, exit status, stage times, and per
 * source and commune the records each stage counted, retries, duration,
 * discrepancies, whether the window was held). The *_total counters add
 * every run's figures to those read back from the previous file, so they
 * only grow (a removed file resets them, which Prometheus' rate() handles).
 * tthc_sync_last_success_timestamp_seconds is carried over from the
 * previous file by a run that did not succeed.
 */
#ifndef TTHC_SYNC_METRICS_H
#define TTHC_SYNC_METRICS_H

#include <time.h>

#include "result.h"
#include "summary.h"

/* Writes path for s (ended at `ended`), mode 0644 whatever the umask (the
 * node_exporter user reads it), creating its directory and missing parents
 * (0755) first. SYNC_OK, or after logging SYNC_IO (a directory or the file
 * could not be made) or SYNC_NOMEM. */
sync_result sync_metrics_write(const char *path, const struct sync_summary *s, time_t ended);

#endif
