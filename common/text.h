/*
 * text - UTF-8 validation, free-text cleaning and COPY escaping.
 */
#ifndef TTHC_TEXT_H
#define TTHC_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "dynbuf.h"

/*
 * True if s[0..len) is well-formed UTF-8: no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF.  NUL bytes are
 * valid UTF-8 and accepted; s may be NULL when len is 0.
 */
bool utf8_valid(const char *s, size_t len);

/*
 * Added: length in bytes of the valid UTF-8 sequence starting at s
 * (at most avail bytes are examined), or 0 if the bytes there are not a
 * well-formed sequence.
 */
size_t utf8_seq_len(const unsigned char *s, size_t avail);

typedef enum {
  TEXT_OK = 0,
  TEXT_ABSENT, /* NULL, or nothing left after trimming */
  TEXT_INVALID_UTF8,
  TEXT_TRUNCATED /* cleaned text was cut to max_bytes */
} text_result;

/*
 * Clean free text from a source: trim ASCII whitespace at both ends and
 * turn every internal run of whitespace that contains a control
 * character (\t \r \n, any other C0 control, DEL) into one space, so a
 * value always fits on one line.  Then cap the result to max_bytes
 * (excluding the NUL) without splitting a UTF-8 character, and trim
 * again.
 *
 * *out receives a malloc'd string the caller frees, for TEXT_OK and
 * TEXT_TRUNCATED (possibly "" when max_bytes is tiny).  *out is NULL for
 * TEXT_ABSENT and TEXT_INVALID_UTF8.  The enum has no out-of-memory
 * code, so malloc failure yields TEXT_ABSENT with *out NULL and errno
 * ENOMEM; callers that care check errno when they get TEXT_ABSENT.
 */
text_result text_clean(const char *s, size_t max_bytes, char **out);

/* Static English description of r; never NULL. */
const char *text_strerror(text_result r);

/*
 * Append s to b escaped for PostgreSQL COPY text format: backslash,
 * tab, newline and carriage return become \\ \t \n \r.  A NULL s appends
 * \N (SQL NULL).  Other bytes are copied unchanged.  Errors as
 * dynbuf_add; on error b is left exactly as it was.
 */
dynbuf_result text_copy_escape(struct dynbuf *b, const char *s);

#endif
