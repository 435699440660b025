/*
 * result.h — the result codes of tthc-sync's modules (check.h, metrics.h,
 * summary.h), curl style: one enum, one static description each. They are
 * not exit statuses: main.c maps a night's outcome to 0/1/2/3.
 */
#ifndef TTHC_SYNC_RESULT_H
#define TTHC_SYNC_RESULT_H

typedef enum {
  SYNC_OK = 0,
  SYNC_NOMEM,       /* out of memory, or a buffer's bound reached */
  SYNC_IO,          /* a file could not be read or written (logged with its path) */
  SYNC_SQL,         /* a warehouse statement failed (logged with the SQL) */
  SYNC_CHECK_FAILED /* --check: at least one check failed (each printed) */
} sync_result;

/* Static English description of r; never NULL. */
const char *sync_strerror(sync_result r);

#endif
