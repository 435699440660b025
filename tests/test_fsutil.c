#include "cunit_main.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

static char tmpdir[256];

static int suite_init(void)
{
  const char *base = getenv("TMPDIR");

  snprintf(tmpdir, sizeof tmpdir, "%s/test_fsutil.XXXXXX", base && *base ? base : "/tmp");
  return mkdtemp(tmpdir) ? 0 : -1;
}

/* rm -r of what the tests create (two levels deep is enough). */
static void rm_tree(const char *path)
{
  DIR *d = opendir(path);
  struct dirent *e;
  char sub[1024];

  if (!d) {
    unlink(path);
    return;
  }
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
    rm_tree(sub);
  }
  closedir(d);
  rmdir(path);
}

static int suite_clean(void)
{
  rm_tree(tmpdir);
  return 0;
}

static void path_of(char *out, size_t sz, const char *name)
{
  snprintf(out, sz, "%s/%s", tmpdir, name);
}

static int count_entries(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;

  if (!d)
    return -1;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      n++;
  closedir(d);
  return n;
}

static void test_mkdirs(void)
{
  char p[512], f[512];
  struct stat st;

  path_of(p, sizeof p, "a/b//c/d/");
  CU_ASSERT_EQUAL(fs_mkdirs(p, 0755), FS_OK);
  path_of(p, sizeof p, "a/b/c/d");
  CU_ASSERT_EQUAL(stat(p, &st), 0);
  CU_ASSERT_TRUE(S_ISDIR(st.st_mode));
  /* idempotent */
  CU_ASSERT_EQUAL(fs_mkdirs(p, 0755), FS_OK);
  /* a file in the way */
  path_of(f, sizeof f, "a/file");
  CU_ASSERT_EQUAL(fs_write_atomic(f, "x", 1), FS_OK);
  path_of(p, sizeof p, "a/file/sub");
  errno = 0;
  CU_ASSERT_EQUAL(fs_mkdirs(p, 0755), FS_IO);
  CU_ASSERT_EQUAL(errno, ENOTDIR);
  path_of(p, sizeof p, "a/file");
  errno = 0;
  CU_ASSERT_EQUAL(fs_mkdirs(p, 0755), FS_IO);
  CU_ASSERT_EQUAL(errno, ENOTDIR);
  CU_ASSERT_EQUAL(fs_mkdirs("", 0755), FS_IO);
}

static void test_write_read(void)
{
  char p[512];
  struct dynbuf b;

  path_of(p, sizeof p, "w");
  mkdir(p, 0755);
  path_of(p, sizeof p, "w/state.json");
  CU_ASSERT_EQUAL(fs_write_atomic(p, "{\"a\":1}", 7), FS_OK);
  dynbuf_init(&b, 100);
  CU_ASSERT_EQUAL(fs_read_file(p, &b), FS_OK);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "{\"a\":1}");
  /* replace: shorter content, no leftovers, no tmp file left */
  CU_ASSERT_EQUAL(fs_write_atomic(p, "{}", 2), FS_OK);
  dynbuf_reset(&b);
  CU_ASSERT_EQUAL(fs_read_file(p, &b), FS_OK);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "{}");
  path_of(p, sizeof p, "w");
  CU_ASSERT_EQUAL(count_entries(p), 1);
  /* read appends */
  path_of(p, sizeof p, "w/state.json");
  CU_ASSERT_EQUAL(fs_read_file(p, &b), FS_OK);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "{}{}");
  dynbuf_release(&b);
  /* empty file */
  CU_ASSERT_EQUAL(fs_write_atomic(p, NULL, 0), FS_OK);
  dynbuf_init(&b, 1);
  CU_ASSERT_EQUAL(fs_read_file(p, &b), FS_OK);
  CU_ASSERT_EQUAL(dynbuf_len(&b), 0);
  dynbuf_release(&b);
}

static void test_write_errors(void)
{
  char p[512];

  path_of(p, sizeof p, "missing-dir/x");
  errno = 0;
  CU_ASSERT_EQUAL(fs_write_atomic(p, "x", 1), FS_IO);
  CU_ASSERT_EQUAL(errno, ENOENT);
  /* target is a directory: rename fails, tmp file cleaned up */
  path_of(p, sizeof p, "dirtarget");
  CU_ASSERT_EQUAL(fs_mkdirs(p, 0755), FS_OK);
  path_of(p, sizeof p, "dirtarget/inner");
  CU_ASSERT_EQUAL(fs_mkdirs(p, 0755), FS_OK);
  path_of(p, sizeof p, "dirtarget");
  CU_ASSERT_EQUAL(fs_write_atomic(p, "x", 1), FS_IO);
  CU_ASSERT_NOT_EQUAL(errno, 0);
  {
    char tmp[600];
    struct stat st;

    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", p, (long)getpid());
    CU_ASSERT_NOT_EQUAL(stat(tmp, &st), 0);
  }
}

static void test_read_errors(void)
{
  char p[512];
  struct dynbuf b;
  char big[1000];

  dynbuf_init(&b, 100);
  path_of(p, sizeof p, "nope");
  CU_ASSERT_EQUAL(fs_read_file(p, &b), FS_NOENT);
  /* too big: prior content is restored */
  memset(big, 'z', sizeof big);
  path_of(p, sizeof p, "big");
  CU_ASSERT_EQUAL(fs_write_atomic(p, big, sizeof big), FS_OK);
  CU_ASSERT_EQUAL(dynbuf_addstr(&b, "keep"), DYNBUF_OK);
  CU_ASSERT_EQUAL(fs_read_file(p, &b), FS_TOO_BIG);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "keep");
  /* exactly fitting: 1000 bytes + NUL in max 1005 with "keep" */
  dynbuf_release(&b);
  dynbuf_init(&b, 1005);
  CU_ASSERT_EQUAL(dynbuf_addstr(&b, "keep"), DYNBUF_OK);
  CU_ASSERT_EQUAL(fs_read_file(p, &b), FS_OK);
  CU_ASSERT_EQUAL(dynbuf_len(&b), 1004);
  dynbuf_release(&b);
  /* a directory cannot be read as a file */
  dynbuf_init(&b, 100);
  CU_ASSERT_EQUAL(fs_read_file(tmpdir, &b), FS_IO);
  CU_ASSERT_EQUAL(errno, EISDIR);
  dynbuf_release(&b);
}

static void test_append(void)
{
  char p[512];
  struct dynbuf b;

  path_of(p, sizeof p, "manifest.tsv");
  CU_ASSERT_EQUAL(fs_append_line_durable(p, "one\t1"), FS_OK);
  CU_ASSERT_EQUAL(fs_append_line_durable(p, "two\t2"), FS_OK);
  CU_ASSERT_EQUAL(fs_append_line_durable(p, ""), FS_OK);
  errno = 0;
  CU_ASSERT_EQUAL(fs_append_line_durable(p, "bad\nline"), FS_IO);
  CU_ASSERT_EQUAL(errno, EINVAL);
  dynbuf_init(&b, 100);
  CU_ASSERT_EQUAL(fs_read_file(p, &b), FS_OK);
  CU_ASSERT_STRING_EQUAL(dynbuf_ptr(&b), "one\t1\ntwo\t2\n\n");
  dynbuf_release(&b);
  path_of(p, sizeof p, "no-such-dir/manifest");
  CU_ASSERT_EQUAL(fs_append_line_durable(p, "x"), FS_IO);
  CU_ASSERT_EQUAL(errno, ENOENT);
}

static void test_fsync_dir(void)
{
  char p[512];

  CU_ASSERT_EQUAL(fs_fsync_dir(tmpdir), FS_OK);
  path_of(p, sizeof p, "absent-dir");
  CU_ASSERT_EQUAL(fs_fsync_dir(p), FS_NOENT);
  path_of(p, sizeof p, "big"); /* a file, not a directory */
  CU_ASSERT_EQUAL(fs_fsync_dir(p), FS_IO);
  CU_ASSERT_EQUAL(errno, ENOTDIR);
}

static void test_strerror(void)
{
  CU_ASSERT_STRING_EQUAL(fs_strerror(FS_OK), "no error");
  CU_ASSERT_PTR_NOT_NULL(strstr(fs_strerror(FS_NOENT), "not exist"));
  CU_ASSERT_PTR_NOT_NULL(strstr(fs_strerror(FS_TOO_BIG), "large"));
  CU_ASSERT_PTR_NOT_NULL(strstr(fs_strerror(FS_IO), "I/O"));
  CU_ASSERT_PTR_NOT_NULL(strstr(fs_strerror(FS_NOMEM), "memory"));
}

/* fs_last_error: the operation, the file and the OS reason of the failed
 * call, as an operator needs them; NULL once a call succeeds. */
static void test_last_error(void)
{
  char p[512], want[600];
  const char *e;

  path_of(p, sizeof p, "no-such-dir/file");
  CU_ASSERT_EQUAL(fs_write_atomic(p, "x", 1), FS_IO);
  e = fs_last_error();
  CU_ASSERT_PTR_NOT_NULL_FATAL(e);
  snprintf(want, sizeof want, "open \"%s.tmp.%ld\": No such file or directory", p, (long)getpid());
  CU_ASSERT_STRING_EQUAL(e, want);
  path_of(p, sizeof p, "last-error");
  CU_ASSERT_EQUAL(fs_write_atomic(p, "x", 1), FS_OK);
  CU_ASSERT_PTR_NULL(fs_last_error());
  /* a manifest line with a newline in it: refused, and said so */
  CU_ASSERT_EQUAL(fs_append_line_durable(p, "a\nb"), FS_IO);
  CU_ASSERT_PTR_NOT_NULL(strstr(fs_last_error() ? fs_last_error() : "", p));
  CU_ASSERT_PTR_NOT_NULL(strstr(fs_last_error() ? fs_last_error() : "", "Invalid argument"));
  path_of(p, sizeof p, "absent");
  CU_ASSERT_EQUAL(fs_fsync_dir(p), FS_NOENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(fs_last_error() ? fs_last_error() : "", p));
}

static CU_TestInfo tests[] = {
  { "mkdirs", test_mkdirs },
  { "write/read", test_write_read },
  { "write errors", test_write_errors },
  { "read errors", test_read_errors },
  { "append", test_append },
  { "fsync_dir", test_fsync_dir },
  { "strerror", test_strerror },
  { "last error", test_last_error },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN_WITH("fsutil", tests, suite_init, suite_clean)
