/*
 * reqlog - one JSON line per answered request, for tests and debugging.
 *
 * Each line: {"time": "2026-05-05T01:02:03.456Z", "method": "POST",
 * "path": "/api/integration", "service": "LayDanhSachHoSo" | null,
 * "pageIndex": 1 | null, "status": 200, "error_code": "0" | null,
 * "fault": "http-5xx" | null}, plus "malformed": n when the answer
 * carried n junk records, and "t": 1777942923.456789, when the request's
 * headers arrived (seconds since the epoch, microseconds; "time" is when
 * it was answered).  A reset connection logs status 0.
 * Lines are appended and flushed one by one (thread-safe), so a test can
 * read the file while the simulator runs.
 */
#ifndef TTHC_SIM_REQLOG_H
#define TTHC_SIM_REQLOG_H

#include "exchange.h"

struct sim_reqlog;

/* Open path for appending; NULL on failure (errno set). */
struct sim_reqlog *sim_reqlog_open(const char *path);

/* Append the line for one answered request.  log may be NULL (no-op). */
void sim_reqlog_write(struct sim_reqlog *log, const struct sim_request *q,
                      const struct sim_response *r);

/* Close; NULL is fine. */
void sim_reqlog_close(struct sim_reqlog *log);

#endif
