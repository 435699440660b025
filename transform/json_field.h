/*
 * json_field.h — reading source JSON scalars the way sources.md says they
 * arrive: a value may be a string or a number ("2" and 2 are the same), and
 * an empty string, a missing member and null all mean "absent".
 */
#ifndef TTHC_JSON_FIELD_H
#define TTHC_JSON_FIELD_H

#include <cJSON.h>
#include <stddef.h>

#define JF_BUF 64

/* The scalar at obj[key] as text: a string's value, a number as
 * json_number_text() writes it (an integer exactly, else the shortest
 * decimal of the same double), "1"/"0" for true/false. NULL when
 * absent (missing, null, empty or blank string) or not a scalar.
 * numbuf is used for numbers and booleans. */
const char *jf_scalar(const cJSON *obj, const char *key, char numbuf[JF_BUF]);

/* The same for a member already looked up (it may be NULL). */
const char *jf_value(const cJSON *it, char numbuf[JF_BUF]);

/* True when obj[key] is present but neither absent nor a scalar. */
int jf_is_nonscalar(const cJSON *obj, const char *key);

/* True when obj[key] is a scalar equal (as text) to want. */
int jf_equals(const cJSON *obj, const char *key, const char *want);

#endif
