/*
 * jsontext — reading a source's JSON without losing what cJSON loses.
 *
 * cJSON ends a string at a NUL (the escape \u0000, or a raw 0 byte), so
 * "A1\u0000X" and "A1\u0000Y" both read as "A1" — two dossiers merge into
 * one — and a text loses its tail without a word. It refuses the whole
 * document for one lone UTF-16 surrogate (\ud800), so a single bad record
 * made a page unreadable on every request. And a JSON number is a double:
 * a 23-digit code comes back as 1.2345678901234568E+22.
 *
 * json_parse_exact() parses a copy of the text in which these are made
 * visible first, so every reader of the document (the extractor's code
 * scan, the transform's mappers) sees the same thing:
 *   - a NUL inside a string becomes C0 80 (the overlong form of U+0000);
 *   - a lone surrogate escape becomes its three-byte form (ED A0..BF xx);
 *   - an integer of more than 15 digits becomes the string of its digits,
 *     exactly as written (15 digits always fit a double exactly).
 * The first two are never valid UTF-8, so no real text holds them and
 * every UTF-8 check (text_clean, code_normalise) refuses them;
 * json_text_flaw() names which one a decoded string holds, so a record
 * can be quarantined with the reason.
 */
#ifndef TTHC_JSONTEXT_H
#define TTHC_JSONTEXT_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* Integers up to this many digits are left as numbers. */
#define JSON_EXACT_DIGITS 15

/* Why a text is not JSON. */
struct json_error {
  size_t at;         /* about where, as a byte offset into the text */
  bool unterminated; /* it ended inside a string, object or array: a page
                        cut off (worth asking again), not refused content */
  bool nomem;
};

/* Parses data[0..len) as above. NULL when it is not JSON or out of
 * memory; err (may be NULL) then says which. Free with cJSON_Delete. */
cJSON *json_parse_exact(const char *data, size_t len, struct json_error *err);

typedef enum {
  JSON_TEXT_CLEAN = 0,
  JSON_TEXT_NUL,      /* held a NUL (\u0000 or a raw 0 byte) */
  JSON_TEXT_SURROGATE /* held a lone UTF-16 surrogate */
} json_text_flaw_kind;

/* What json_parse_exact() marked in a decoded string (NULL: clean). */
json_text_flaw_kind json_text_flaw(const char *s);

/* How many bytes of s come before the first mark (strlen(s) when none). */
size_t json_text_clean_prefix(const char *s);

/* "a NUL character (\u0000)", ...; "" for JSON_TEXT_CLEAN. */
const char *json_text_flaw_name(json_text_flaw_kind k);

/*
 * The first flawed string under item (its members' names and values, at
 * any depth): *kind set and the name of the member of item that holds it
 * returned (item's own name when item is a flawed string); NULL when none.
 */
const char *json_find_flaw(const cJSON *item, json_text_flaw_kind *kind);

/*
 * text (as cJSON printed a parsed item) with the marks turned back into
 * the escapes that came on the wire (\u0000, \udXXX), for quarantine.
 * malloc'd; NULL when out of memory.
 */
char *json_text_unmark(const char *text);

/* A JSON number as text: an integer exactly (no exponent) when it is one
 * below 2^53, otherwise the shortest decimal that reads back as the same
 * double (1.001193 stays "1.001193"). Returns buf. */
const char *json_number_text(double d, char buf[32]);

#endif
