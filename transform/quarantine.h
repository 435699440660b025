/*
 * quarantine.h — the rejects file of a transform run: every record that
 * cannot be used, with its source, commune, location (page and position),
 * the offending field, a precise reason and its raw text, as COPY text rows
 * for tthc.rejected_record (source_name, source_kind, unit_code, location,
 * field, reason, raw).
 */
#ifndef TTHC_QUARANTINE_H
#define TTHC_QUARANTINE_H

#include <stddef.h>
#include <stdio.h>

#include "dynbuf.h"

/* Raw text kept per reject; longer records are cut (the reason says so). */
#define QUARANTINE_RAW_MAX (1u << 20)

/*
 * Appends raw (len bytes, any content) to b as valid UTF-8 text: invalid
 * bytes and NULs become the four characters "\xNN", so a record rejected
 * for its encoding can still be stored and read. At most max bytes of raw
 * are taken; returns 1 when raw was cut.
 */
int quarantine_text(struct dynbuf *b, const char *raw, size_t len, size_t max);

/* One COPY row for tthc.rejected_record into line (reset first). */
dynbuf_result quarantine_row(struct dynbuf *line, const char *source_name, const char *source_kind,
                             const char *unit_code, const char *location, const char *field,
                             const char *reason, const char *raw, size_t rawlen);

#endif
