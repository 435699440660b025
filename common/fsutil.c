#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Sanity bound for paths we build (tmp names, parent directories). */
#define FS_PATH_MAX 4096

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

  if (len == 0) {
    errno = ENOENT;
    return FS_IO;
  }
  if (len >= sizeof buf) {
    errno = ENAMETOOLONG;
    return FS_IO;
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
        return FS_IO;
      }
      if (stat(buf, &st) != 0)
        return FS_IO;
      if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return FS_IO;
      }
    }
    buf[i] = path[i];
  }
  return FS_OK;
}

fs_result fs_fsync_dir(const char *dir)
{
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return errno == ENOENT ? FS_NOENT : FS_IO;
  if (fsync(fd) != 0) {
    close_keep_errno(fd);
    return FS_IO;
  }
  if (close(fd) != 0)
    return FS_IO;
  return FS_OK;
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
    return FS_IO;
  }
  memcpy(out, path, n);
  out[n] = '\0';
  return FS_OK;
}

fs_result fs_write_atomic(const char *path, const void *data, size_t len)
{
  char tmp[FS_PATH_MAX], dir[FS_PATH_MAX];
  int fd = -1, n, e;
  fs_result r = FS_IO;

  n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  if (n < 0 || (size_t)n >= sizeof tmp) {
    errno = ENAMETOOLONG;
    return FS_IO;
  }
  r = parent_dir(path, dir, sizeof dir);
  if (r != FS_OK)
    return r;
  r = FS_IO;

  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0)
    return FS_IO;
  if (write_all(fd, data, len) != 0 || fsync(fd) != 0)
    goto out;
  e = close(fd);
  fd = -1;
  if (e != 0 || rename(tmp, path) != 0)
    goto out;
  r = fs_fsync_dir(dir);
  if (r == FS_NOENT)
    r = FS_IO;
  return r;
out:
  e = errno;
  if (fd >= 0)
    close(fd);
  unlink(tmp);
  errno = e;
  return r;
}

fs_result fs_read_file(const char *path, struct dynbuf *out)
{
  size_t start = out->len;
  char chunk[16384];
  fs_result r = FS_OK;
  dynbuf_result dr;
  int fd;

  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? FS_NOENT : FS_IO;
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
  if (r != FS_OK)
    dynbuf_truncate(out, start);
  close_keep_errno(fd);
  return r;
}

fs_result fs_append_line_durable(const char *path, const char *line)
{
  char dir[FS_PATH_MAX];
  size_t len = strlen(line);
  char *rec = NULL;
  int fd = -1, created = 0;
  fs_result r = FS_IO;

  if (strchr(line, '\n')) {
    errno = EINVAL;
    return FS_IO;
  }
  /* O_EXCL first tells us whether the directory entry is new. */
  fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd >= 0)
    created = 1;
  else if (errno == EEXIST)
    fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0)
    return FS_IO;

  /* One write() keeps concurrent appenders from interleaving. */
  rec = malloc(len + 1);
  if (!rec) {
    r = FS_NOMEM;
    goto out;
  }
  memcpy(rec, line, len);
  rec[len] = '\n';
  if (write_all(fd, rec, len + 1) != 0 || fsync(fd) != 0)
    goto out;
  if (close(fd) != 0) {
    fd = -1;
    goto out;
  }
  fd = -1;
  r = FS_OK;
  if (created) {
    r = parent_dir(path, dir, sizeof dir);
    if (r == FS_OK)
      r = fs_fsync_dir(dir);
    if (r == FS_NOENT)
      r = FS_IO;
  }
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
