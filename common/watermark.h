/*
 * watermark.h — per source and commune, the source update time up to which
 * every record is durably landed: STATE/watermarks/SOURCE/COMMUNE holds it
 * as a UTC time. The next nightly window starts at watermark − lookback.
 */
#ifndef TTHC_WATERMARK_H
#define TTHC_WATERMARK_H

#include "timeutil.h"

/* *out = the watermark, or TTHC_TIME_NONE when there is none yet.
 * Returns 0, or -1 when the file exists but cannot be read or parsed. */
int watermark_read(const char *state_dir, const char *source, const char *commune, tthc_time *out);

/*
 * After the window [from, until] was landed completely: moves the watermark
 * to `until` when that is later and the window is contiguous with it
 * (from <= current watermark, or no watermark yet). A backfill therefore
 * never moves it backwards nor jumps over a gap. Returns 0 or -1 (I/O).
 */
int watermark_advance(const char *state_dir, const char *source, const char *commune,
                      tthc_time from, tthc_time until);

/*
 * Holds a window a later stage found wrong (transform or load disagreed
 * with the extraction's counts): moves the watermark back to the window's
 * start `from` when it is later, so the next run reads the window again.
 * The one move backwards a watermark makes. Returns 0 or -1 (I/O).
 */
int watermark_hold(const char *state_dir, const char *source, const char *commune, tthc_time from);

#endif
