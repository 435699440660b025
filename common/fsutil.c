#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Sanity bound for paths we build (tmp names, parent directories). */
#define FS_PATH_MAX 4096

/* What fs_last_error() returns: per thread, as extract's workers write
 * their own windows at the same time. */
static _Thread_local char last_error[2 * FS_PATH_MAX + 300];

/*
 * Records why a call failed - the operation, the path it was working on
 * and errno's text (or r's own for the results that are not system call
 * failures) - and returns r with errno as it was.  Callers name their
 * object ("page 3 of portal/11002"); this names the file and the reason.
 */
static fs_result failed(fs_result r, const char *op, const char *path)
{
  int e = errno;
  char buf[256];
  const char *why = r == FS_IO || r == FS_NOENT ? strerror_r(e, buf, sizeof buf) : fs_strerror(r);

  snprintf(last_error, sizeof last_error, "%s \"%s\": %s", op, path, why);
  errno = e;
  return r;
}

const char *fs_last_error(void)
{
  return last_error[0] ? last_error : NULL;
}

/* Every public call starts with no error, so a failure of something else
 * later (out of memory in the caller) is never blamed on an old path. */
#define FS_ENTER() (last_error[0] = '\0')

/* TTHC_CRASH_AT, read once: -2 not read yet, -1 off, 0 count only, n > 0
 * die at the n-th point.  Atomics because extract's workers pass points
 * concurrently. */
static atomic_long crash_at = -2;
static atomic_long crash_points;

static void report_crash_points(void)
{
  char line[80];
  int n =
    snprintf(line, sizeof line, "tthc: crash points passed: %ld\n", atomic_load(&crash_points));

  if (n > 0)
    (void)!write(STDERR_FILENO, line, (size_t)n);
}

static long crash_setting(void)
{
  long at = atomic_load(&crash_at), expected = -2, v = -1;
  const char *s;
  char *end;

  if (at != -2)
    return at;
  s = getenv("TTHC_CRASH_AT");
  if (s && *s) {
    errno = 0;
    v = strtol(s, &end, 10);
    if (*end || v < 0 || errno) {
      /* Loudly: a test whose hook silently did nothing would pass. */
      static const char bad[] = "tthc: TTHC_CRASH_AT is not a number >= 0; crash hook off\n";
      (void)!write(STDERR_FILENO, bad, sizeof bad - 1);
      v = -1;
    }
  }
  if (atomic_compare_exchange_strong(&crash_at, &expected, v) && v == 0)
    atexit(report_crash_points);
  return atomic_load(&crash_at);
}

void fs_crash_point(const char *what, const char *path)
{
  long at = crash_setting(), n;
  char line[FS_PATH_MAX + 200];
  int len;

  if (at < 0)
    return;
  n = atomic_fetch_add(&crash_points, 1) + 1;
  if (at == 0 || n != at)
    return;
  len =
    snprintf(line, sizeof line, "tthc: TTHC_CRASH_AT=%ld: SIGKILL after %s%s%s%s\n", at,
             what ? what : "a crash point", path ? " \"" : "", path ? path : "", path ? "\"" : "");
  if (len > 0)
    (void)!write(STDERR_FILENO, line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
  raise(SIGKILL);
}

/* write() the whole buffer, retrying short writes and EINTR. */
static int write_all(int fd, const char *p, size_t len)
{
  while (len > 0) {
    ssize_t n = write(fd, p, len);

    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Close without clobbering an errno we already want to report. */
static void close_keep_errno(int fd)
{
  int e = errno;

  close(fd);
  errno = e;
}

fs_result fs_mkdirs(const char *path, mode_t mode)
{
  char buf[FS_PATH_MAX];
  size_t len = strlen(path);
  struct stat st;

  FS_ENTER();
  if (len == 0) {
    errno = ENOENT;
    return failed(FS_IO, "mkdir", path);
  }
  if (len >= sizeof buf) {
    errno = ENAMETOOLONG;
    return failed(FS_IO, "mkdir", path);
  }
  memcpy(buf, path, len + 1);

  /* Create each prefix ending before a '/', then the full path. */
  for (size_t i = 1; i <= len; i++) {
    if (buf[i] != '/' && buf[i] != '\0')
      continue;
    if (buf[i - 1] == '/') /* "a//b" */
      continue;
    buf[i] = '\0';
    if (mkdir(buf, mode) != 0) {
      int e = errno;

      if (e != EEXIST) {
        errno = e;
        return failed(FS_IO, "mkdir", buf);
      }
      if (stat(buf, &st) != 0)
        return failed(FS_IO, "stat", buf);
      if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return failed(FS_IO, "mkdir", buf);
      }
    }
    buf[i] = path[i];
  }
  return FS_OK;
}

/* fs_fsync_dir without its crash point, for the functions that pass their
 * own once the whole step is durable. */
static fs_result sync_dir(const char *dir)
{
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return failed(errno == ENOENT ? FS_NOENT : FS_IO, "open directory", dir);
  if (fsync(fd) != 0) {
    close_keep_errno(fd);
    return failed(FS_IO, "fsync directory", dir);
  }
  if (close(fd) != 0)
    return failed(FS_IO, "close directory", dir);
  return FS_OK;
}

fs_result fs_fsync_dir(const char *dir)
{
  fs_result r;

  FS_ENTER();
  r = sync_dir(dir);
  if (r == FS_OK)
    fs_crash_point("syncing directory", dir);
  return r;
}

/* Directory part of path: "." when there is no slash. */
static fs_result parent_dir(const char *path, char *out, size_t outsz)
{
  const char *slash = strrchr(path, '/');
  size_t n;

  if (!slash) {
    snprintf(out, outsz, ".");
    return FS_OK;
  }
  n = slash == path ? 1 : (size_t)(slash - path);
  if (n >= outsz) {
    errno = ENAMETOOLONG;
    return failed(FS_IO, "find the directory of", path);
  }
  memcpy(out, path, n);
  out[n] = '\0';
  return FS_OK;
}

/* mode NULL: 0666 & ~umask; else exactly *mode (fchmod, umask ignored). */
static fs_result write_atomic(const char *path, const void *data, size_t len, const mode_t *mode)
{
  char tmp[FS_PATH_MAX], dir[FS_PATH_MAX];
  const char *op = "open";
  int fd = -1, n, e;
  fs_result r = FS_IO;

  FS_ENTER();
  n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  if (n < 0 || (size_t)n >= sizeof tmp) {
    errno = ENAMETOOLONG;
    return failed(FS_IO, "write", path);
  }
  r = parent_dir(path, dir, sizeof dir);
  if (r != FS_OK)
    return r;
  r = FS_IO;

  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0)
    return failed(FS_IO, op, tmp);
  op = "chmod";
  if (mode && fchmod(fd, *mode) != 0)
    goto out;
  op = "write";
  if (write_all(fd, data, len) != 0)
    goto out;
  op = "fsync";
  if (fsync(fd) != 0)
    goto out;
  op = "close";
  e = close(fd);
  fd = -1;
  if (e != 0)
    goto out;
  /* Dying here leaves the temporary file and the old content. */
  fs_crash_point("writing temporary file", tmp);
  op = "rename into place";
  if (rename(tmp, path) != 0)
    goto out;
  r = sync_dir(dir);
  if (r == FS_NOENT)
    r = FS_IO;
  if (r == FS_OK)
    fs_crash_point("replacing", path);
  return r;
out:
  failed(r, op, tmp);
  e = errno;
  if (fd >= 0)
    close(fd);
  unlink(tmp);
  errno = e;
  return r;
}

fs_result fs_write_atomic(const char *path, const void *data, size_t len)
{
  return write_atomic(path, data, len, NULL);
}

fs_result fs_write_atomic_mode(const char *path, const void *data, size_t len, mode_t mode)
{
  return write_atomic(path, data, len, &mode);
}

fs_result fs_read_file(const char *path, struct dynbuf *out)
{
  size_t start = out->len;
  char chunk[16384];
  fs_result r = FS_OK;
  dynbuf_result dr;
  int fd;

  FS_ENTER();
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return failed(errno == ENOENT ? FS_NOENT : FS_IO, "open", path);
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);

    if (n < 0) {
      if (errno == EINTR)
        continue;
      r = FS_IO;
      goto out;
    }
    if (n == 0)
      break;
    dr = dynbuf_add(out, chunk, (size_t)n);
    if (dr != DYNBUF_OK) {
      r = dr == DYNBUF_TOO_BIG ? FS_TOO_BIG : FS_NOMEM;
      goto out;
    }
  }
out:
  if (r != FS_OK) {
    failed(r, "read", path);
    dynbuf_truncate(out, start);
  }
  close_keep_errno(fd);
  return r;
}

fs_result fs_append_line_durable(const char *path, const char *line)
{
  char dir[FS_PATH_MAX];
  size_t len = strlen(line);
  char *rec = NULL;
  const char *op = "append to";
  int fd = -1, created = 0;
  fs_result r = FS_IO;

  FS_ENTER();
  if (strchr(line, '\n')) {
    errno = EINVAL;
    return failed(FS_IO, "append a line with a newline to", path);
  }
  /* O_EXCL first tells us whether the directory entry is new. */
  fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd >= 0)
    created = 1;
  else if (errno == EEXIST)
    fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0)
    return failed(FS_IO, "open", path);

  /* One write() keeps concurrent appenders from interleaving. */
  rec = malloc(len + 1);
  if (!rec) {
    r = failed(FS_NOMEM, op, path);
    goto out;
  }
  memcpy(rec, line, len);
  rec[len] = '\n';
  if (write_all(fd, rec, len + 1) != 0) {
    failed(r, op, path);
    goto out;
  }
  if (fsync(fd) != 0) {
    failed(r, "fsync", path);
    goto out;
  }
  if (close(fd) != 0) {
    fd = -1;
    failed(r, "close", path);
    goto out;
  }
  fd = -1;
  r = FS_OK;
  if (created) {
    r = parent_dir(path, dir, sizeof dir);
    if (r == FS_OK)
      r = sync_dir(dir);
    if (r == FS_NOENT)
      r = FS_IO;
  }
  if (r == FS_OK)
    fs_crash_point("appending to", path);
out:
  if (fd >= 0)
    close_keep_errno(fd);
  free(rec);
  return r;
}

const char *fs_strerror(fs_result r)
{
  switch (r) {
  case FS_OK: return "no error";
  case FS_IO: return "I/O error";
  case FS_TOO_BIG: return "file too large";
  case FS_NOMEM: return "out of memory";
  case FS_NOENT: return "file does not exist";
  }
  return "unknown file error";
}
