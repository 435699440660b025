/*
 * rundir.h — where a run's files live under the state directory.
 *
 *   STATE/watermarks/SOURCE/COMMUNE          extract watermark (see extract/watermark.h)
 *   STATE/runs/RUN/landing/SOURCE/COMMUNE/   raw pages + manifest.jsonl + DONE
 *   STATE/runs/RUN/EXTRACTED                 extract finished: JSON summary of the windows
 *   STATE/runs/RUN/canonical/                transform output (COPY files, counts.json)
 *   STATE/runs/RUN/TRANSFORMED               transform finished
 *   STATE/runs/RUN/LOADED                    load committed
 *
 * RUN ids are UTC times to the microsecond with a random suffix,
 * "YYYYMMDDTHHMMSS.uuuuuuZ-xxxxxxxx", so they sort by age and two state
 * directories sharing a warehouse never choose the same one (the loader
 * still tells runs apart by their fingerprint, see load/loader.h). Ids of
 * the old form "YYYYMMDDTHHMMSSZ" (to the second) stay valid. Each stage
 * writes its marker last (atomically), so a marker means the stage's output
 * is complete and durable.
 */
#ifndef TTHC_RUNDIR_H
#define TTHC_RUNDIR_H

#include <stddef.h>

#define RUN_MARK_EXTRACTED   "EXTRACTED"
#define RUN_MARK_TRANSFORMED "TRANSFORMED"
#define RUN_MARK_LOADED      "LOADED"

/* Room for any run id and its NUL. */
#define RUNDIR_ID_MAX 40

struct timespec;

/* A new run id for now. */
void rundir_new_id(char out[RUNDIR_ID_MAX]);

/* The run id of the instant `when` (UTC), with a fresh random suffix:
 * two calls with the same instant give different ids. */
void rundir_id_at(const struct timespec *when, char out[RUNDIR_ID_MAX]);

/* STATE/runs/RUN[/rel]; malloc'd, NULL on OOM. */
char *rundir_path(const char *state_dir, const char *run_id, const char *rel);

/* True when STATE/runs/RUN/mark exists. */
int rundir_has(const char *state_dir, const char *run_id, const char *mark);

/*
 * The newest run that has marker `have` (NULL: any) and lacks marker
 * `lacking` (NULL: no condition). malloc'd run id, or NULL when none.
 */
char *rundir_find(const char *state_dir, const char *have, const char *lacking);

/*
 * Every run that has marker `have` (NULL: any) and lacks `lacking` (NULL:
 * no condition), oldest first: the runs a stage still has to process.
 * malloc'd array of malloc'd ids (free each, then the array); *n entries.
 * NULL with *n = 0 when there are none.
 */
char **rundir_list(const char *state_dir, const char *have, const char *lacking, size_t *n);
void rundir_list_free(char **ids, size_t n);

/* True when s looks like a run id of either form (so it is safe as a path
 * component). */
int rundir_id_valid(const char *s);

/* The instant (UTC, to the second) a valid run id names; -1 if invalid. */
long long rundir_id_time(const char *id);

/*
 * Retention ([state] keep_days): removes STATE/runs/RUN of every run that
 * has LOADED and whose id is more than keep_days days older than `now`
 * (seconds since the epoch). Never the newest run (whatever its markers),
 * never a run without LOADED (its data is in no warehouse yet), never
 * anything but valid run ids. keep_days <= 0 removes nothing. A run is
 * first renamed out of the run namespace (RUN.removing), so a crash midway
 * never leaves a half-removed run that looks unloaded; leftovers are
 * finished by the next call. *removed (may be NULL) gets how many runs were
 * removed. 0 ok; -1 when something could not be removed: err (if errsz > 0)
 * names the path and the OS reason, the other runs are still processed.
 */
int rundir_prune(const char *state_dir, int keep_days, long long now, size_t *removed, char *err,
                 size_t errsz);

/* rundir_prune() at the current time, logged (log.h): the count removed at
 * info level, a failure as a warning (retention never fails a run). */
void rundir_retention(const char *state_dir, int keep_days);

#endif
