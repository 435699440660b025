/*
 * json_span.h — where the records of a JSON page are in the page's own
 * bytes, and whether each is already in the form cJSON_PrintUnformatted()
 * gives back. A record's content hash is the SHA-256 of that form (so it
 * never changes with how a source spaces its pages); for a record already
 * in it — the usual compact page — its bytes are that text, and the
 * transform hashes them instead of printing the record again.
 */
#ifndef TTHC_JSON_SPAN_H
#define TTHC_JSON_SPAN_H

#include <stddef.h>

struct json_span {
  size_t start, len; /* of the element in the page */
  int canonical;     /* json_is_canonical() of those bytes */
};

/*
 * The elements of the array that is the value of the first top-level
 * member named key (a name without escapes) of the object data[0..len)
 * holds, in order: their number, with the spans in *out (malloc'd, free
 * it), or -1 when the page does not look as expected (a byte order mark,
 * a name with escapes, no such array, out of memory): then nothing is
 * known and every record is printed. Meant for a page that parsed.
 */
long json_list_spans(const char *data, size_t len, const char *key, struct json_span **out);

/*
 * Whether text[0..len), a JSON value, is exactly what cJSON_PrintUnformatted
 * prints for the value cJSON parses from it: no whitespace outside strings,
 * no escape but \" \\ \b \f \n \r \t (cJSON writes "/" unescaped and
 * \uXXXX differently), no raw control character, and numbers only
 * integers of at most 9 digits without a sign on 0 (cJSON prints those as
 * they came; other numbers it may write differently). False when unsure.
 * Only for text where json_parse_exact() marks nothing (no NUL, no \u
 * escape, no C0 or ED byte: record_page_may_hold_flaws() is false).
 */
int json_is_canonical(const char *text, size_t len);

#endif
