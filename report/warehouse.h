/*
 * warehouse - tthc-report's reading of the warehouse, as the analyst role:
 * one connection, one READ ONLY, REPEATABLE READ transaction (every part of
 * a report comes from the same snapshot), and only the analysts' interface
 * of metrics.md §6 (report_bieu06, report_rates,
 * report_overdue_by_department, v_sync_discrepancies, dossier_period_outcome,
 * unit).
 *
 * A role that can write to the warehouse (a superuser, the owner, the
 * loader) is refused: reports are read with tthc_analyst (deploy/roles.sql).
 * Errors are logged like pg tools do (primary message, detail, hint,
 * SQLSTATE, the failing statement); a report function refusing its
 * arguments (SQLSTATE 22004 / 22023, sql/009) is WH_ARGUMENT and logged
 * with the server's message, detail and hint.
 */
#ifndef TTHC_WAREHOUSE_H
#define TTHC_WAREHOUSE_H

#include <stdbool.h>

#include "figures.h"

typedef enum {
  WH_OK = 0,
  WH_CONNECT,  /* could not connect */
  WH_ROLE,     /* the role can write to the warehouse */
  WH_ARGUMENT, /* a report function refused the unit or the period */
  WH_SQL,      /* any other failed statement */
  WH_DATA,     /* the warehouse answered something impossible (Biểu 06 identity broken) */
  WH_NOMEM
} wh_result;

/* Static English description of r; never NULL. */
const char *wh_strerror(wh_result r);

struct wh_request {
  const char *conninfo; /* NULL or "": libpq's PG* environment */
  const char *unit;     /* "11002" or "31" */
  struct period period;
  const char *as_of; /* timestamptz text for tthc.as_of, NULL = now() */
  unsigned parts;    /* PART_* to read (figures.h) */
};

/* Whether a connection string names a password (the configuration may be
 * world readable: a password belongs in a passfile or ~/.pgpass).  A string
 * libpq cannot parse counts as none (connecting will say why). */
bool wh_conninfo_has_password(const char *conninfo);

/*
 * Connect, check the role, read the unit, Biểu 06 and the parts asked for into f (figures_init'ed by the
 * caller; on error it may hold a part of them: figures_release it) and
 * disconnect.  Logs every failure.
 */
wh_result wh_read_report(const struct wh_request *req, struct report_figures *f);

#endif
