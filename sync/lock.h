/*
 * lock.h — keeps two tthc-sync runs from overlapping: an flock on
 * STATE/lock (non-blocking; the file names the holder's pid and start time)
 * and a session advisory lock on the warehouse (pg_try_advisory_lock).
 * Both are released when the process ends, however it ends.
 */
#ifndef TTHC_SYNC_LOCK_H
#define TTHC_SYNC_LOCK_H

#include <libpq-fe.h>

/* Takes STATE/lock; returns its descriptor (keep it open), or -1 after
 * logging why — "another tthc-sync (pid N) is running since T" when held. */
int sync_lock_state(const char *state_dir);

/* Takes the warehouse's sync lock on conn's session and names the session
 * after this process; 0, or -1 after logging who holds it. */
int sync_lock_warehouse(PGconn *conn);

#endif
