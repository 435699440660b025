/*
 * fsutil - durable file operations for state, watermarks and manifests.
 *
 * "Durable" means the data survives a crash or power loss once the call
 * returns FS_OK: file contents and the directory entry are fsync'ed.
 *
 * errno: on FS_IO the errno of the failing system call is preserved
 * when the function returns, so callers can report
 *     fs_strerror(r), strerror(errno)
 * themselves.  fs_strerror() never includes errno text.  Simpler:
 * fs_last_error() names the file the failing call was working on and
 * the OS reason, which is what an operator needs ("No space left on
 * device" on which path).
 */
#ifndef TTHC_FSUTIL_H
#define TTHC_FSUTIL_H

#include <sys/types.h>

#include "dynbuf.h"

typedef enum {
  FS_OK = 0,
  FS_IO,      /* a system call failed; see errno */
  FS_TOO_BIG, /* file larger than the buffer allows */
  FS_NOMEM,
  FS_NOENT /* the file does not exist */
} fs_result;

/*
 * mkdir -p: create path and missing parents with mode (subject to
 * umask).  Existing directories are fine; an existing non-directory is
 * FS_IO with errno ENOTDIR.  Errors: FS_IO, FS_NOMEM.
 */
fs_result fs_mkdirs(const char *path, mode_t mode);

/*
 * Replace path atomically with data: write "path.tmp.<pid>" in the same
 * directory (mode 0666 & ~umask), fsync it, rename it over path, fsync
 * the directory.  Readers see the old or the new content, never a mix.
 * On error the temporary file is removed.  Errors: FS_IO, FS_NOMEM.
 */
fs_result fs_write_atomic(const char *path, const void *data, size_t len);

/* fs_write_atomic() giving the file exactly mode, whatever the umask (a
 * file another user must read, e.g. a metrics file under UMask=0027). */
fs_result fs_write_atomic_mode(const char *path, const void *data, size_t len, mode_t mode);

/* fsync a directory so that renames/creations in it are durable.
 * Errors: FS_IO (FS_NOENT if dir does not exist). */
fs_result fs_fsync_dir(const char *dir);

/*
 * Append the whole content of path to out.  Errors: FS_NOENT if path
 * does not exist, FS_TOO_BIG if it does not fit out's max, FS_NOMEM,
 * FS_IO.  On error out is restored to its previous content.
 */
fs_result fs_read_file(const char *path, struct dynbuf *out);

/*
 * Append line + '\n' to path (created 0666 & ~umask if missing) with a
 * single O_APPEND write, then fsync it (and the directory when the file
 * was just created).  For manifests: a line is either fully there or,
 * after a crash, possibly torn at the end - readers ignore a last line
 * without '\n'.  line must not contain '\n' (FS_IO, errno EINVAL).
 * Errors: FS_IO, FS_NOMEM.
 */
fs_result fs_append_line_durable(const char *path, const char *line);

/* Static English description of r (no errno text); never NULL. */
const char *fs_strerror(fs_result r);

/*
 * Why the calling thread's last fs_* call failed: the operation, the path
 * it was working on (the temporary file, the directory, ...) and the OS
 * reason, on one line, e.g.
 *     write "/state/runs/R/landing/portal/11002/page-000003.json.tmp.4711":
 *     No space left on device
 * NULL when that call succeeded, so it can go straight into log_report()'s
 * detail.  Each fs_* call resets it: read it right after the failing one.
 */
const char *fs_last_error(void);

/*
 * Test hook: a deterministic place for a process to die (docs/decisions.md,
 * "Crash points").  Inert unless the environment variable TTHC_CRASH_AT is
 * set.  With TTHC_CRASH_AT=n (n >= 1) the process counts its crash points
 * and, at the n-th, writes one line naming it to stderr and raises SIGKILL;
 * with TTHC_CRASH_AT=0 it only counts them and prints the total on stderr
 * at exit ("tthc: crash points passed: N").  The fs_* functions here pass a
 * point after each durable step (a temporary file synced, a rename made
 * durable, a line appended and synced, a directory synced); the loader
 * passes one after each SQL statement and each COPY chunk.  what and path
 * (either may be NULL) only label the point in that line.
 */
void fs_crash_point(const char *what, const char *path);

#endif
