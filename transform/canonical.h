/*
 * canonical.h — one canonical dossier record being built (schemas/dossier.def).
 *
 * Values are kept as the text PostgreSQL's COPY expects, before escaping;
 * NULL means absent. The setters validate and normalise, and on bad input
 * return a result naming what is wrong so the caller can quarantine the
 * record with that reason.
 */
#ifndef TTHC_CANONICAL_H
#define TTHC_CANONICAL_H

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

#include "dossier_schema.h"
#include "dynbuf.h"
#include "timeutil.h"

/* Free text longer than this (after trimming) is not a real value: names
 * and descriptions are far shorter; the record is quarantined. */
#define CANON_TEXT_MAX 1000
/* Codes longer than this are invalid. */
#define CANON_CODE_MAX 128

typedef enum {
  CANON_OK = 0,
  CANON_INVALID_UTF8,
  CANON_TOO_LONG,
  CANON_BAD_CODE,
  CANON_NOMEM
} canon_result;

/* Values are copied into the record's own arena (no allocation per
 * field); one that does not fit is malloc'd. */
#define CANON_ARENA 4096

struct canonical_record {
  char *v[DF__COUNT]; /* into arena, or malloc'd (any pointer outside arena) */
  size_t used;        /* bytes of arena taken */
  char arena[CANON_ARENA];
};

void canon_init(struct canonical_record *r);
void canon_release(struct canonical_record *r); /* frees values, back to init */

/* Copies of s (NULL or blank = absent). Text is trimmed; over CANON_TEXT_MAX
 * bytes it is refused with CANON_TOO_LONG. */
canon_result canon_set_text(struct canonical_record *r, enum dossier_field f, const char *s);
/* Normalised code (codes.h); CANON_BAD_CODE when too long or not printable. */
canon_result canon_set_code(struct canonical_record *r, enum dossier_field f, const char *s);
canon_result canon_set_time(struct canonical_record *r, enum dossier_field f, tthc_time t);
canon_result canon_set_int(struct canonical_record *r, enum dossier_field f, long long v);
canon_result canon_set_bool(struct canonical_record *r, enum dossier_field f, bool v);
/* Takes ownership of a malloc'd value (already valid for its column). */
void canon_take(struct canonical_record *r, enum dossier_field f, char *value);
/* Sets f to the unformatted JSON of value (cJSON_PrintUnformatted's text). */
canon_result canon_set_json(struct canonical_record *r, enum dossier_field f, const cJSON *value);

/* Appends the record as one COPY text line (tab-separated, escaped, "\n"). */
dynbuf_result canon_write_copy(const struct canonical_record *r, struct dynbuf *out);

const char *canon_strerror(canon_result r);

#endif
