/*
 * timeutil - instants and the date formats used by the sources.
 *
 * All instants are tthc_time: seconds since the Unix epoch, UTC.  Source
 * times without an explicit offset are Vietnam local time (UTC+7, no
 * DST).  Everything is pure calendar arithmetic (days_from_civil), so the
 * results never depend on the TZ environment or the C library's zone
 * database.
 *
 * Parsers share one contract:
 *   - surrounding ASCII whitespace is ignored; anything else must match
 *     the shape exactly (fixed-width ASCII digits, no signs, no inner
 *     spaces, no trailing garbage);
 *   - TIME_ABSENT: s is NULL, empty or all blank (*out untouched);
 *   - TIME_SYNTAX: wrong shape;
 *   - TIME_RANGE: right shape but an impossible value (month 13, 31/04,
 *     29/02 of a non-leap year, hour 24, minute 60, second 60, year
 *     outside 1900..9999).  Values are never normalised or wrapped.
 *   On any error *out is left untouched.
 */
#ifndef TTHC_TIMEUTIL_H
#define TTHC_TIMEUTIL_H

#include <stdint.h>

typedef int64_t tthc_time;       /* seconds since the Unix epoch, UTC */
#define TTHC_TIME_NONE INT64_MIN /* absent */

/* Vietnam local time offset from UTC, in seconds. */
#define TTHC_LOCAL_OFFSET (7 * 3600)

typedef enum { TIME_OK = 0, TIME_ABSENT, TIME_SYNTAX, TIME_RANGE } time_result;

/* "yyyyMMddHHmmss", local time (portal, city). */
time_result time_parse_compact(const char *s, tthc_time *out);

/* "dd/MM/yyyy HH:mm:ss", local time (ministry). */
time_result time_parse_dmy(const char *s, tthc_time *out);

/*
 * "yyyy-MM-ddTHH:mm:ss" (a single space may replace the T), optionally
 * followed by fractional seconds ".d+" (truncated) and then "Z"/"z",
 * "+hh:mm" or "-hh:mm".  No offset means local time.  Offsets beyond
 * 23:59 are TIME_RANGE.
 */
time_result time_parse_iso(const char *s, tthc_time *out);

/* "yyyy-MM-dd"; on TIME_OK stores the validated fields. */
time_result time_parse_date(const char *s, int *y, int *m, int *d);

/*
 * Added: a configured lower bound, either "yyyy-MM-dd" (local midnight)
 * or anything time_parse_iso accepts.  Same errors as the parsers.
 */
time_result time_parse_since(const char *s, tthc_time *out);

/*
 * Formatters.  They write a NUL-terminated string into out; for
 * TTHC_TIME_NONE or an instant whose year is outside 0..9999 they write
 * "" so callers never emit garbage.
 */
void time_format_utc(tthc_time t, char out[32]);           /* "2026-04-01 01:30:00+00" */
void time_format_compact_local(tthc_time t, char out[15]); /* "20260401083000" */
void time_format_dmy_local(tthc_time t, char out[20]);     /* "01/04/2026 08:30:00" */
void time_format_iso_local(tthc_time t, char out[26]);     /* "2026-04-01T08:30:00+07:00" */

/* Added: "2026-04-01T01:30:00Z" (UTC, used by the JSON logger). */
void time_format_iso_utc(tthc_time t, char out[21]);

/*
 * Instant of a Vietnam local wall-clock time.  No validation: callers
 * validate first (out-of-range fields simply carry arithmetically).
 */
tthc_time time_from_local(int y, int mo, int d, int h, int mi, int s);

/* Added: instant of a UTC wall-clock time; no validation. */
tthc_time time_from_utc(int y, int mo, int d, int h, int mi, int s);

/* Added: true if (y, m, d) is a real Gregorian date, y in 1900..9999. */
int time_date_valid(int y, int m, int d);

/* Static English description of r; never NULL. */
const char *time_strerror(time_result r);

#endif
