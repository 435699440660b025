/*
 * The transform's run driver (transform/run.c) on a landed window holding
 * a page the extractor refused: the page is quarantined whole and unread,
 * it counts as the one record its manifest line says, and the window
 * reconciles (read = landed, accepted + quarantined = read); and what the
 * run counts as seen more than once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "fsutil.h"
#include "rundir.h"
#include "run.h"
#include "xmlsafe.h"

#define RUN "20260402T000000Z"
#define REC(code)                                                        \
  "{\"MaHoSo\":\"" code "\",\"MaXa\":\"11002\",\"TrangThaiHoSo\":\"2\"," \
  "\"NgayCapNhat\":\"20260402143005\"}"
#define PAGE(recs) "{\"error_code\":\"0\",\"total\":4,\"result\":[" recs "]}"

static char dir[64];

static void put(const char *rel, const char *text)
{
  char *path = rundir_path(dir, RUN, rel);

  CU_ASSERT_PTR_NOT_NULL_FATAL(path);
  CU_ASSERT_EQUAL_FATAL(fs_write_atomic(path, text, strlen(text)), FS_OK);
  free(path);
}

static char *get(const char *rel)
{
  char *path = rundir_path(dir, RUN, rel);
  struct dynbuf b;
  char *text;

  dynbuf_init(&b, 1 << 20);
  CU_ASSERT_EQUAL(fs_read_file(path, &b), FS_OK);
  text = strdup(dynbuf_ptr(&b) ? dynbuf_ptr(&b) : "");
  dynbuf_release(&b);
  free(path);
  return text;
}

/* Page 2 holds two good records, but the extractor refused it (it held
 * more than asked for): read, it would be two records more than landed. */
static void test_refused_page_quarantined_whole(void)
{
  struct tthc_config cfg;
  struct transform_counts counts;
  char *landing, *windows, *rejects;

  strcpy(dir, "/tmp/tthc-run.XXXXXX");
  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  landing = rundir_path(dir, RUN, "landing/p/11002");
  CU_ASSERT_EQUAL_FATAL(fs_mkdirs(landing, 0750), FS_OK);
  free(landing);
  put("landing/p/11002/page-000001.json", PAGE(REC("A1") "," REC("A2")));
  put("landing/p/11002/page-000002.json", PAGE(REC("A3") "," REC("A4")));
  put("landing/p/11002/manifest.jsonl",
      "{\"page\":1,\"file\":\"page-000001.json\",\"records\":2}\n"
      "{\"page\":2,\"file\":\"page-000002.json\",\"records\":1,\"positions\":2,"
      "\"refused\":\"the page holds 2 records; 1 were asked for (page_size)\"}\n");
  put("EXTRACTED", "{\"run\":\"" RUN "\",\"windows\":[{\"source\":\"p\",\"kind\":\"portal\","
                   "\"commune\":\"11002\",\"from\":\"2026-04-01T00:00:00Z\",\"until\":"
                   "\"2026-04-02T00:00:00Z\",\"pages\":2,\"records\":3,\"complete\":true}]}");
  config_init(&cfg);
  cfg.state_dir = dir;
  cfg.max_reject_share = 1;
  CU_ASSERT_EQUAL_FATAL(transform_run(&cfg, RUN, &counts), TRANSFORM_OK);
  CU_ASSERT_EQUAL_FATAL(counts.nsources, 1);
  CU_ASSERT_EQUAL(counts.sources[0].read, 3);
  CU_ASSERT_EQUAL(counts.sources[0].accepted, 2);
  CU_ASSERT_EQUAL(counts.sources[0].rejected, 1);
  windows = get("canonical/windows.json");
  CU_ASSERT_PTR_NOT_NULL(strstr(windows, "\"status\":\t\"ok\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(windows, "\"quarantined\":\t1"));
  rejects = get("canonical/rejected.copy");
  CU_ASSERT_PTR_NOT_NULL(strstr(rejects, "\tpage\tpage refused by the extractor, never parsed: "
                                         "the page holds 2 records; 1 were asked for"));
  CU_ASSERT_PTR_NOT_NULL(strstr(rejects, "page-000002.json\t")); /* the page, not a record */
  CU_ASSERT_PTR_NOT_NULL(strstr(rejects, "\"MaHoSo\":\"A4\""));  /* its bytes as raw */
  free(windows);
  free(rejects);
  transform_counts_release(&counts);
  {
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
  }
}

#define REC_IN(code, commune)                                                 \
  "{\"MaHoSo\":\"" code "\",\"MaXa\":\"" commune "\",\"TrangThaiHoSo\":\"2\"," \
  "\"NgayCapNhat\":\"20260402143005\"}"
#define WINDOW(commune, records)                                                       \
  "{\"source\":\"p\",\"kind\":\"portal\",\"commune\":\"" commune "\",\"from\":" \
  "\"2026-04-01T00:00:00Z\",\"until\":\"2026-04-02T00:00:00Z\",\"pages\":2,"          \
  "\"records\":" records ",\"complete\":true}"

/* A record served twice within its window (paging drift) is a duplicate;
 * the same code in another commune's window is another record. The key
 * set is emptied between windows (run.c), so this is what it still tells. */
static void test_duplicates_counted_within_a_window(void)
{
  static const char *const communes[2] = { "11002", "11003" };
  struct tthc_config cfg;
  struct transform_counts counts;
  char *windows;

  strcpy(dir, "/tmp/tthc-run.XXXXXX");
  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  for (int i = 0; i < 2; i++) {
    char rel[64], *landing;
    snprintf(rel, sizeof(rel), "landing/p/%s", communes[i]);
    landing = rundir_path(dir, RUN, rel);
    CU_ASSERT_EQUAL_FATAL(fs_mkdirs(landing, 0750), FS_OK);
    free(landing);
  }
  put("landing/p/11002/page-000001.json", PAGE(REC_IN("A1", "11002") "," REC_IN("A2", "11002")));
  put("landing/p/11002/page-000002.json", PAGE(REC_IN("A1", "11002")));
  put("landing/p/11003/page-000001.json", PAGE(REC_IN("A1", "11003")));
  put("landing/p/11003/page-000002.json", PAGE(REC_IN("B1", "11003") "," REC_IN("B1", "11003")));
  put("landing/p/11002/manifest.jsonl", "{\"page\":1,\"file\":\"page-000001.json\",\"records\":2}\n"
                                        "{\"page\":2,\"file\":\"page-000002.json\",\"records\":1}\n");
  put("landing/p/11003/manifest.jsonl", "{\"page\":1,\"file\":\"page-000001.json\",\"records\":1}\n"
                                        "{\"page\":2,\"file\":\"page-000002.json\",\"records\":2}\n");
  put("EXTRACTED", "{\"run\":\"" RUN "\",\"windows\":[" WINDOW("11002", "3") "," WINDOW(
                     "11003", "3") "]}");
  config_init(&cfg);
  cfg.state_dir = dir;
  cfg.max_reject_share = 1;
  CU_ASSERT_EQUAL_FATAL(transform_run(&cfg, RUN, &counts), TRANSFORM_OK);
  CU_ASSERT_EQUAL_FATAL(counts.nsources, 1);
  CU_ASSERT_EQUAL(counts.sources[0].read, 6);
  CU_ASSERT_EQUAL(counts.sources[0].accepted, 6);
  CU_ASSERT_EQUAL(counts.sources[0].duplicates, 2); /* A1 in 11002, B1 in 11003 */
  windows = get("canonical/windows.json");
  CU_ASSERT_PTR_NULL(strstr(windows, "mismatch")); /* read == landed in both windows */
  free(windows);
  transform_counts_release(&counts);
  /* The same window listed twice would read its landing twice and, the key
   * set emptied between windows, count no duplicate: refused. */
  put("EXTRACTED", "{\"run\":\"" RUN "\",\"windows\":[" WINDOW("11002", "3") "," WINDOW(
                     "11003", "3") "," WINDOW("11002", "3") "]}");
  CU_ASSERT_EQUAL(transform_run(&cfg, RUN, &counts), TRANSFORM_BAD_SUMMARY);
  transform_counts_release(&counts);
  {
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
  }
}

static int setup(void)
{
  xml_global_init();
  return 0;
}

static int teardown(void)
{
  xml_global_cleanup();
  return 0;
}

static CU_TestInfo tests[] = {
  { "a refused page is quarantined whole and reconciles", test_refused_page_quarantined_whole },
  { "duplicates are counted within a window, not across communes; a window listed twice is "
    "refused",
    test_duplicates_counted_within_a_window },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN_WITH("run", tests, setup, teardown)
