/*
 * junk - malformed records slipped into a source's pages (fault
 * "malformed:RATE").  They are not part of the model: the pipeline must
 * quarantine every one, and the truth file lists them.
 *
 * A junk record is a real record of the view (its template) with one
 * defect and a code of its own (or none):
 *   bad_date        a date that does not exist (31/04, 30/02 ...)
 *   unknown_status  a status code outside the system's table
 *   missing_code    no dossier code at all
 *   overlong_field  a procedure name over 2000 characters
 *   invalid_utf8    bytes that are not UTF-8 in a text field (JSON views
 *                   only: in XML they would break the whole page)
 */
#ifndef TTHC_SIM_JUNK_H
#define TTHC_SIM_JUNK_H

#include <stdio.h>

#include "model.h"

enum sim_kind { SIM_KIND_PORTAL = 0, SIM_KIND_CITY, SIM_KIND_MINISTRY };

enum sim_junk_reason {
  SIM_JUNK_BAD_DATE = 0,
  SIM_JUNK_UNKNOWN_STATUS,
  SIM_JUNK_MISSING_CODE,
  SIM_JUNK_OVERLONG,
  SIM_JUNK_INVALID_UTF8,
  SIM_JUNK_COUNT
};

struct sim_junk {
  enum sim_kind kind;
  enum sim_junk_reason reason;
  const struct sim_dossier *tmpl; /* the record it is made from */
  char code[SIM_CODE_MAX];        /* "" for missing_code */
  char commune[6];
  sim_time upd;     /* its NgayCapNhat */
  unsigned variant; /* which bad date / status ... */
};

/* "portal", "city", "ministry". */
const char *sim_kind_name(enum sim_kind k);

/* Reason keyword, e.g. "bad_date". */
const char *sim_junk_reason_name(enum sim_junk_reason r);

/* The bad date text, in the system's date format, for a junk record. */
const char *sim_junk_bad_date(const struct sim_junk *j);

/* The unknown status code for a junk record. */
int sim_junk_status(const struct sim_junk *j);

/* A malloc'd procedure name of more than 2000 characters (NULL: OOM). */
char *sim_junk_long_name(const char *name);

/*
 * Write the rejects truth: one line per junk record,
 * kind \t commune \t code-or-empty \t reason, sorted bytewise.
 * 0, or -1 on a write error or out of memory.
 */
int sim_junk_write_truth(const struct sim_junk *j, size_t n, FILE *fp);

#endif
