/*
 * codes - normalisation of identifiers coming from the sources.
 *
 * Spec: codes compare after normalisation: trim, upper-case, remove
 * inner spaces; '_' and '-' are equivalent separators.  Normalising once
 * at the edge lets every later stage compare with plain strcmp().
 */
#ifndef TTHC_CODES_H
#define TTHC_CODES_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  CODE_OK = 0,
  CODE_ABSENT,   /* NULL, or nothing left after dropping whitespace */
  CODE_TOO_LONG, /* result (with NUL) does not fit dstsz */
  CODE_INVALID   /* control character or invalid UTF-8 */
} code_result;

/*
 * Normalise src into dst (dstsz bytes incl. NUL): drop all whitespace
 * (space, tab, NBSP U+00A0; other ASCII whitespace only at the ends),
 * ASCII upper-case, '_' -> '-'.  Non-ASCII letters are kept as is.
 * Errors: CODE_ABSENT, CODE_TOO_LONG, CODE_INVALID (C0/C1 control
 * characters other than dropped whitespace, DEL, invalid UTF-8).  On any
 * error dst is set to "" (when dstsz > 0).
 */
code_result code_normalise(const char *src, char *dst, size_t dstsz);

/* True if s is exactly 5 ASCII digits (a commune code), no blanks. */
bool commune_code_valid(const char *s);

/*
 * Normalise a numeric-ish scalar code such as a status: normalise like
 * code_normalise, and when what is left is all ASCII digits strip
 * leading zeros ("02" -> "2", "0 2" -> "2", "000" -> "0").  Normalising
 * the result again changes nothing.  Errors as code_normalise.
 */
code_result scalar_code(const char *s, char *dst, size_t dstsz);

/* Static English description of r; never NULL. */
const char *code_strerror(code_result r);

#endif
