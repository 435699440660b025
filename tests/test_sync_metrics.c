/* sync/metrics: the Prometheus textfile of tthc-sync — families in order,
 * label values escaped, unknown values left out, counters carried over
 * from the previous file (also for sources a run did not touch), the last
 * success kept by a run that failed; the file 0644 whatever the umask, its
 * missing directories made (0755); a path that cannot be made is SYNC_IO. */
#include "cunit_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dynbuf.h"
#include "fsutil.h"
#include "metrics.h"

static char dir[64], path[96];

static int setup(void)
{
  snprintf(dir, sizeof(dir), "/tmp/test_sync_metrics.XXXXXX");
  if (!mkdtemp(dir))
    return -1;
  snprintf(path, sizeof(path), "%s/tthc.prom", dir);
  return 0;
}

static int teardown(void)
{
  unlink(path);
  rmdir(dir);
  return 0;
}

static char *slurp(void)
{
  struct dynbuf b;
  char *s;

  dynbuf_init(&b, 1 << 20);
  if (fs_read_file(path, &b) != FS_OK) {
    dynbuf_release(&b);
    return NULL;
  }
  s = strdup(dynbuf_ptr(&b));
  dynbuf_release(&b);
  return s;
}

/* The value of the sample exactly `series`, or -12345 when absent. */
static double value(const char *text, const char *series)
{
  char key[400];
  const char *p;

  snprintf(key, sizeof(key), "\n%s ", series);
  p = strstr(text, key);
  return p ? strtod(p + strlen(key), NULL) : -12345;
}

static struct sync_row row(const char *source, const char *kind, const char *commune,
                           long long landed, long long retries, const char *status)
{
  struct sync_row r = { .announced = landed, .landed = landed, .loaded = landed,
                        .quarantined = 0, .rejects = 0, .retries = retries,
                        .discrepancies = 1, .seconds = 1.5 };
  snprintf(r.source, sizeof(r.source), "%s", source);
  snprintf(r.kind, sizeof(r.kind), "%s", kind);
  snprintf(r.commune, sizeof(r.commune), "%s", commune);
  snprintf(r.status, sizeof(r.status), "%s", status);
  return r;
}

static void summary_of(struct sync_summary *s, struct sync_row *rows, size_t n, int exit_status)
{
  sync_summary_init(s);
  snprintf(s->run_id, sizeof(s->run_id), "20260501T000000Z-test");
  s->stage_seconds[SYNC_STAGE_EXTRACT] = 2.5;
  s->stage_seconds[SYNC_STAGE_TRANSFORM] = 0.5;
  s->stage_seconds[SYNC_STAGE_LOAD] = 1;
  s->total_seconds = 4.25;
  s->rows = rows;
  s->nrows = n;
  s->exit_status = exit_status;
  for (size_t i = 0; i < n; i++)
    s->windows_held += strcmp(rows[i].status, "ok") != 0;
}

static void test_first_file(void)
{
  struct sync_row rows[] = { row("portal", "portal", "11002", 10, 2, "ok"),
                             row("we\"ird\\src", "city", "11002", 5, 0, "incomplete") };
  struct sync_summary s;
  char *t;

  rows[0].announced = -1; /* unknown: no sample */
  unlink(path);
  summary_of(&s, rows, 2, 1);
  CU_ASSERT_EQUAL_FATAL(sync_metrics_write(path, &s, 1000), SYNC_OK);
  t = slurp();
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_last_run_timestamp_seconds"), 1000);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_last_success_timestamp_seconds"), 0); /* never */
  CU_ASSERT_EQUAL(value(t, "tthc_sync_exit_status"), 1);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_windows_held"), 1);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_stage_duration_seconds{stage=\"total\"}"), 4.25);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_window_records{source=\"portal\",kind=\"portal\","
                           "commune=\"11002\",stage=\"landed\"}"),
                  10);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_window_records{source=\"portal\",kind=\"portal\","
                           "commune=\"11002\",stage=\"announced\"}"),
                  -12345);
  /* a quote and a backslash in a label value are escaped */
  CU_ASSERT_EQUAL(value(t, "tthc_sync_window_held{source=\"we\\\"ird\\\\src\",kind=\"city\","
                           "commune=\"11002\"}"),
                  1);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_runs_total{status=\"partial\"}"), 1);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_runs_total{status=\"ok\"}"), 0);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_retries_total{source=\"portal\"}"), 2);
  /* every family: HELP, then TYPE, then its samples */
  CU_ASSERT_PTR_NOT_NULL(strstr(t, "# HELP tthc_sync_records_total Records over every run"));
  CU_ASSERT_PTR_NOT_NULL(strstr(t, "\n# TYPE tthc_sync_records_total counter\n"
                                   "tthc_sync_records_total{"));
  CU_ASSERT_EQUAL(t[strlen(t) - 1], '\n');
  free(t);
}

static void test_carried_over(void)
{
  struct sync_row ok_rows[] = { row("portal", "portal", "11002", 10, 2, "ok"),
                                row("city", "city", "11002", 7, 1, "ok") };
  struct sync_row city_only[] = { row("city", "city", "11002", 3, 4, "ok") };
  struct sync_summary s;
  char *t;

  unlink(path);
  summary_of(&s, ok_rows, 2, 0);
  CU_ASSERT_EQUAL_FATAL(sync_metrics_write(path, &s, 2000), SYNC_OK);
  summary_of(&s, city_only, 1, 0);
  CU_ASSERT_EQUAL_FATAL(sync_metrics_write(path, &s, 3000), SYNC_OK);
  t = slurp();
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_records_total{source=\"city\",stage=\"landed\"}"), 10);
  /* the portal was not in the second run: its counters stay */
  CU_ASSERT_EQUAL(value(t, "tthc_sync_records_total{source=\"portal\",stage=\"landed\"}"), 10);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_retries_total{source=\"portal\"}"), 2);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_retries_total{source=\"city\"}"), 5);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_runs_total{status=\"ok\"}"), 2);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_last_success_timestamp_seconds"), 3000);
  /* the gauges are the last run's only */
  CU_ASSERT_EQUAL(value(t, "tthc_sync_window_records{source=\"portal\",kind=\"portal\","
                           "commune=\"11002\",stage=\"landed\"}"),
                  -12345);
  free(t);

  /* a failed run: no windows, the last success and the counters kept */
  summary_of(&s, NULL, 0, 3);
  s.stage_seconds[SYNC_STAGE_TRANSFORM] = s.stage_seconds[SYNC_STAGE_LOAD] = -1;
  CU_ASSERT_EQUAL_FATAL(sync_metrics_write(path, &s, 4000), SYNC_OK);
  t = slurp();
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_exit_status"), 3);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_windows"), 0);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_last_success_timestamp_seconds"), 3000);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_runs_total{status=\"failed\"}"), 1);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_records_total{source=\"city\",stage=\"landed\"}"), 10);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_retries_total{source=\"portal\"}"), 2);
  CU_ASSERT_EQUAL(value(t, "tthc_sync_stage_duration_seconds{stage=\"load\"}"), -12345);
  free(t);
}

/* node_exporter runs as another user: under the unit's UMask=0027 the file
 * must still be world-readable, and a directory not there yet is made. */
static void test_mode_and_directory(void)
{
  struct sync_row rows[] = { row("portal", "portal", "11002", 1, 0, "ok") };
  struct sync_summary s;
  char deep[160], sub[128], top[112], blocker[112];
  struct stat st;
  mode_t old = umask(0027);

  summary_of(&s, rows, 1, 0);
  unlink(path);
  CU_ASSERT_EQUAL(sync_metrics_write(path, &s, 1000), SYNC_OK);
  CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
  CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);

  snprintf(top, sizeof(top), "%s/a", dir);
  snprintf(sub, sizeof(sub), "%s/a/b", dir);
  snprintf(deep, sizeof(deep), "%s/a/b/tthc.prom", dir);
  CU_ASSERT_EQUAL(sync_metrics_write(deep, &s, 1000), SYNC_OK);
  CU_ASSERT_EQUAL(stat(deep, &st), 0);
  CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
  CU_ASSERT_EQUAL(stat(sub, &st), 0);
  CU_ASSERT_EQUAL(st.st_mode & 07777, 0755);
  CU_ASSERT_EQUAL(stat(top, &st), 0);
  CU_ASSERT_EQUAL(st.st_mode & 07777, 0755);
  unlink(deep);
  rmdir(sub);
  rmdir(top);

  /* a file where a directory should be: no directory, no metrics file */
  snprintf(blocker, sizeof(blocker), "%s/file", dir);
  snprintf(deep, sizeof(deep), "%s/file/x/tthc.prom", dir);
  CU_ASSERT_EQUAL_FATAL(fs_write_atomic(blocker, "x", 1), FS_OK);
  CU_ASSERT_EQUAL(sync_metrics_write(deep, &s, 1000), SYNC_IO);
  unlink(blocker);
  umask(old);
  CU_ASSERT_STRING_EQUAL(sync_strerror(SYNC_IO), "a file could not be read or written");
}

static CU_TestInfo tests[] = {
  { "first file", test_first_file },
  { "carried over", test_carried_over },
  { "mode and directory", test_mode_and_directory },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN_WITH("sync_metrics", tests, setup, teardown)
