/*
 * fsutil - durable file operations for state, watermarks and manifests.
 *
 * "Durable" means the data survives a crash or power loss once the call
 * returns FS_OK: file contents and the directory entry are fsync'ed.
 *
 * errno: on FS_IO the errno of the failing system call is preserved
 * when the function returns, so callers can report
 *     fs_strerror(r), strerror(errno)
 * themselves.  fs_strerror() never includes errno text.
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

#endif
