/*
 * simtime - instants and local calendar arithmetic for the simulators.
 *
 * An instant is a sim_time: seconds since the Unix epoch, UTC.  Every
 * date a source shows is Vietnam local time (UTC+7, no DST), so the local
 * calendar is pure arithmetic on the offset; nothing here reads TZ or the
 * C library's zone database.  This is deliberately a separate copy of the
 * pipeline's time code: the simulators' truth must not share its bugs.
 *
 * A local day is counted as days since 1970-01-01 (local), so
 * comparing "local date of a < local date of b" is comparing two int64.
 */
#ifndef TTHC_SIM_SIMTIME_H
#define TTHC_SIM_SIMTIME_H

#include <stdint.h>
#include <stddef.h>

typedef int64_t sim_time;              /* seconds since the Unix epoch, UTC */
#define SIM_TIME_NONE    ((sim_time)0) /* absent; 1970 never occurs in data */
#define SIM_LOCAL_OFFSET (7 * 3600)    /* Asia/Ho_Chi_Minh */
#define SIM_DAY          86400

/* Days since 1970-01-01 of the civil date y-m-d (proleptic Gregorian). */
int64_t sim_days_from_civil(int y, int m, int d);

/* Inverse of sim_days_from_civil. */
void sim_civil_from_days(int64_t days, int *y, int *m, int *d);

/* The instant of local y-m-d h:mi:s.  Fields are not validated. */
sim_time sim_time_from_local(int y, int m, int d, int h, int mi, int s);

/* Local date of t, as days since 1970-01-01. */
int64_t sim_local_day(sim_time t);

/* Instant of local midnight starting the local day `day`. */
sim_time sim_local_midnight(int64_t day);

/* Seconds since local midnight of t, 0..86399. */
int sim_local_second_of_day(sim_time t);

/* Day of week of a local day: 0 Monday .. 6 Sunday. */
int sim_weekday(int64_t day);

/* Format t as local "yyyyMMddHHmmss" into out (at least 15 bytes). */
void sim_format_compact(sim_time t, char *out);

/* Format t as local "yyyy-MM-ddTHH:mm:ss" into out (at least 20 bytes). */
void sim_format_iso(sim_time t, char *out);

/* Format a local day as "yyyy-MM-dd" into out (at least 11 bytes). */
void sim_format_day(int64_t day, char *out);

/*
 * Parsers: 0 on success, -1 on a wrong shape or an impossible value
 * (month 13, 31/04, hour 24 ...).  *out is untouched on failure.
 */
int sim_parse_compact(const char *s, sim_time *out); /* yyyyMMddHHmmss */
int sim_parse_day(const char *s, int64_t *out);      /* yyyy-MM-dd */
/* "yyyy-MM-ddTHH:mm:ss" (or a space for T) or a bare "yyyy-MM-dd". */
int sim_parse_local(const char *s, sim_time *out);

#endif
