#include "cunit_main.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* stderr is redirected to a temp file while a test logs. */
static int saved_fd = -1;
static int cap_fd = -1;

static void capture_begin(void)
{
  char path[] = "/tmp/test_log.XXXXXX";

  cap_fd = mkstemp(path);
  CU_ASSERT_FATAL(cap_fd >= 0);
  unlink(path);
  fflush(stderr);
  saved_fd = dup(STDERR_FILENO);
  dup2(cap_fd, STDERR_FILENO);
}

/* Returns everything written since capture_begin (caller frees). */
static char *capture_end(void)
{
  off_t len;
  char *s;
  ssize_t n;

  dup2(saved_fd, STDERR_FILENO);
  close(saved_fd);
  len = lseek(cap_fd, 0, SEEK_END);
  s = calloc(1, (size_t)len + 1);
  n = pread(cap_fd, s, (size_t)len, 0);
  CU_ASSERT_EQUAL(n, len);
  close(cap_fd);
  return s;
}

static void test_text_format(void)
{
  char *out;

  log_init("tthc-extract", LOG_FORMAT_TEXT, LOG_INFO);
  capture_begin();
  log_report(LOG_ERROR, "HTTP 503", "Lower max_rps.", "page %d failed", 3);
  log_warn("slow %s", "source");
  log_info("hello");
  log_debug("hidden");
  log_report(LOG_ERROR, NULL, "only hint", "x");
  out = capture_end();
  CU_ASSERT_STRING_EQUAL(out, "tthc-extract: error: page 3 failed\n"
                              "DETAIL: HTTP 503\n"
                              "HINT: Lower max_rps.\n"
                              "tthc-extract: warning: slow source\n"
                              "tthc-extract: hello\n"
                              "tthc-extract: error: x\n"
                              "HINT: only hint\n");
  free(out);
}

/* libpq's messages end in "\n" (and hold one inside): the trailing one is
 * dropped, an inner one still escaped. */
static void test_text_trailing_newline(void)
{
  char *out;

  log_init("p", LOG_FORMAT_TEXT, LOG_DEBUG);
  capture_begin();
  log_report(LOG_ERROR, "connection refused\n\tIs the server running?\n", NULL, "no server\n");
  out = capture_end();
  CU_ASSERT_STRING_EQUAL(out, "p: error: no server\n"
                              "DETAIL: connection refused\\n\tIs the server running?\n");
  free(out);
}

/* Under a live progress line each text record first erases it; JSON
 * records never carry terminal sequences. */
static void test_clear_line_first(void)
{
  char *out;

  log_init("p", LOG_FORMAT_TEXT, LOG_INFO);
  CU_ASSERT_EQUAL(log_current_format(), LOG_FORMAT_TEXT);
  log_clear_line_first(1);
  capture_begin();
  log_msg(LOG_INFO, "page 3");
  out = capture_end();
  CU_ASSERT_STRING_EQUAL(out, "\r\033[Kp: page 3\n");
  free(out);
  log_clear_line_first(0);
  capture_begin();
  log_msg(LOG_INFO, "page 4");
  out = capture_end();
  CU_ASSERT_STRING_EQUAL(out, "p: page 4\n");
  free(out);
  log_init("p", LOG_FORMAT_JSON, LOG_INFO);
  CU_ASSERT_EQUAL(log_current_format(), LOG_FORMAT_JSON);
  log_init("p", LOG_FORMAT_TEXT, LOG_INFO);
}

static void test_text_debug_and_sanitise(void)
{
  char *out;

  log_init("p", LOG_FORMAT_TEXT, LOG_DEBUG);
  capture_begin();
  log_debug("a\x1b[31mred\r");
  log_event(LOG_INFO, "page_done", "source", "portal-hp", "page", "3", "note", "two words", "q",
            "a\"b", "empty", "", "nul", (char *)NULL, (char *)NULL);
  out = capture_end();
  CU_ASSERT_STRING_EQUAL(out, "p: debug: a\\x1b[31mred\\r\n"
                              "p: page_done source=portal-hp page=3 "
                              "note=\"two words\" q=\"a\\\"b\" empty=\"\" "
                              "nul=-\n");
  free(out);
}

/* A source's message holding a newline must not forge a record of its own:
 * in text format every control character is escaped, so each record keeps
 * exactly its own lines (primary, DETAIL, HINT). */
static void test_text_no_forged_lines(void)
{
  char *out;

  log_init("tthc-extract", LOG_FORMAT_TEXT, LOG_INFO);
  capture_begin();
  log_report(LOG_ERROR, "body: ok\nHINT: forged hint", "Retry.\r\nDETAIL: forged",
             "source s, commune 11002: server says: %s", "busy\ntthc-extract: error: forged");
  log_event(LOG_INFO, "window_done", "problem", "a\nb", "msg",
            "c\x01"
            "d",
            (char *)NULL);
  out = capture_end();
  CU_ASSERT_STRING_EQUAL(out, "tthc-extract: error: source s, commune 11002: server says: "
                              "busy\\ntthc-extract: error: forged\n"
                              "DETAIL: body: ok\\nHINT: forged hint\n"
                              "HINT: Retry.\\r\\nDETAIL: forged\n"
                              "tthc-extract: window_done problem=\"a\\nb\" msg=c\\x01d\n");
  free(out);
}

static void test_min_level(void)
{
  char *out;

  log_init("p", LOG_FORMAT_TEXT, LOG_ERROR);
  capture_begin();
  log_info("no");
  log_warn("no");
  log_event(LOG_WARN, "no", (char *)NULL);
  log_error("yes");
  out = capture_end();
  CU_ASSERT_STRING_EQUAL(out, "p: error: yes\n");
  free(out);
}

/* Split output into lines and parse each as one JSON object. */
static cJSON *parse_line(char **cursor)
{
  char *nl = strchr(*cursor, '\n');
  cJSON *j;

  if (!nl)
    return NULL;
  *nl = '\0';
  j = cJSON_Parse(*cursor);
  *cursor = nl + 1;
  return j;
}

static const char *jstr(const cJSON *o, const char *k)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_json_format(void)
{
  char *out, *cur;
  cJSON *j;
  const char *ts;

  log_init("tthc-extract", LOG_FORMAT_JSON, LOG_INFO);
  capture_begin();
  log_report(LOG_ERROR, "det \"q\"", "hint\\x", "primary %s", "msg");
  log_info("ctl\x01\ttab\nnl");
  log_event(LOG_INFO, "page_done", "source", "portal-hp", "page", "3", "none", (char *)NULL,
            (char *)NULL);
  log_warn("bad \xC3( utf8 \xED\xA0\x80 ok \xC3\xA1");
  out = capture_end();

  /* raw checks: escapes as required, one object per line */
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "ctl\\u0001\\u0009tab\\u000anl"));
  CU_ASSERT_PTR_NULL(strstr(out, "\x01"));

  cur = out;
  j = parse_line(&cur);
  CU_ASSERT_PTR_NOT_NULL_FATAL(j);
  ts = jstr(j, "ts");
  CU_ASSERT_PTR_NOT_NULL_FATAL(ts);
  CU_ASSERT_EQUAL(strlen(ts), 20);
  CU_ASSERT_EQUAL(ts[10], 'T');
  CU_ASSERT_EQUAL(ts[19], 'Z');
  CU_ASSERT_STRING_EQUAL(jstr(j, "level"), "error");
  CU_ASSERT_STRING_EQUAL(jstr(j, "prog"), "tthc-extract");
  CU_ASSERT_STRING_EQUAL(jstr(j, "msg"), "primary msg");
  CU_ASSERT_STRING_EQUAL(jstr(j, "detail"), "det \"q\"");
  CU_ASSERT_STRING_EQUAL(jstr(j, "hint"), "hint\\x");
  cJSON_Delete(j);

  j = parse_line(&cur);
  CU_ASSERT_PTR_NOT_NULL_FATAL(j);
  CU_ASSERT_STRING_EQUAL(jstr(j, "msg"), "ctl\x01\ttab\nnl");
  CU_ASSERT_STRING_EQUAL(jstr(j, "level"), "info");
  CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(j, "detail"));
  CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(j, "hint"));
  cJSON_Delete(j);

  j = parse_line(&cur);
  CU_ASSERT_PTR_NOT_NULL_FATAL(j);
  CU_ASSERT_STRING_EQUAL(jstr(j, "msg"), "page_done");
  CU_ASSERT_STRING_EQUAL(jstr(j, "event"), "page_done");
  CU_ASSERT_STRING_EQUAL(jstr(j, "source"), "portal-hp");
  CU_ASSERT_STRING_EQUAL(jstr(j, "page"), "3");
  CU_ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItem(j, "none")));
  cJSON_Delete(j);

  j = parse_line(&cur);
  CU_ASSERT_PTR_NOT_NULL_FATAL(j);
  CU_ASSERT_STRING_EQUAL(jstr(j, "level"), "warning");
  CU_ASSERT_STRING_EQUAL(jstr(j, "msg"), "bad \xEF\xBF\xBD( utf8 \xEF\xBF\xBD\xEF\xBF\xBD"
                                         "\xEF\xBF\xBD ok \xC3\xA1");
  cJSON_Delete(j);
  CU_ASSERT_STRING_EQUAL(cur, "");
  free(out);
}

static void test_long_message(void)
{
  char *big = malloc(LOG_MSG_MAX * 2);
  char *out, *cur;
  cJSON *j;
  const char *m;

  memset(big, 'x', LOG_MSG_MAX * 2 - 1);
  big[LOG_MSG_MAX * 2 - 1] = '\0';
  log_init("p", LOG_FORMAT_JSON, LOG_INFO);
  capture_begin();
  log_info("%s", big);
  out = capture_end();
  cur = out;
  j = parse_line(&cur);
  CU_ASSERT_PTR_NOT_NULL_FATAL(j);
  m = jstr(j, "msg");
  CU_ASSERT_EQUAL(strlen(m), LOG_MSG_MAX - 1);
  CU_ASSERT_STRING_EQUAL(m + strlen(m) - 3, "...");
  cJSON_Delete(j);
  free(out);
  free(big);
}

static void test_errno_preserved(void)
{
  char *out;

  log_init("p", LOG_FORMAT_TEXT, LOG_INFO);
  capture_begin();
  errno = ERANGE;
  log_error("x");
  CU_ASSERT_EQUAL(errno, ERANGE);
  out = capture_end();
  free(out);
}

#define NTHREADS 8
#define NMSG     200

static void *writer(void *arg)
{
  long id = (long)arg;

  for (int i = 0; i < NMSG; i++)
    log_report(LOG_INFO, "some detail text to make it longer", NULL, "thread %ld message %d %s", id,
               i, "padding padding padding padding padding");
  return NULL;
}

static void test_threads_no_interleave(void)
{
  pthread_t t[NTHREADS];
  char *out, *cur;
  int lines = 0, bad = 0;
  cJSON *j;

  log_init("p", LOG_FORMAT_JSON, LOG_INFO);
  capture_begin();
  for (long i = 0; i < NTHREADS; i++)
    pthread_create(&t[i], NULL, writer, (void *)i);
  for (int i = 0; i < NTHREADS; i++)
    pthread_join(t[i], NULL);
  out = capture_end();
  cur = out;
  while (*cur) {
    j = parse_line(&cur);
    if (!j) {
      bad++;
      break;
    }
    lines++;
    cJSON_Delete(j);
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(lines, NTHREADS * NMSG);
  free(out);
}

static void test_parse(void)
{
  log_format f = LOG_FORMAT_TEXT;
  log_level l = LOG_INFO;

  CU_ASSERT_EQUAL(log_format_parse("json", &f), 0);
  CU_ASSERT_EQUAL(f, LOG_FORMAT_JSON);
  CU_ASSERT_EQUAL(log_format_parse("text", &f), 0);
  CU_ASSERT_EQUAL(f, LOG_FORMAT_TEXT);
  CU_ASSERT_EQUAL(log_format_parse("JSON", &f), -1);
  CU_ASSERT_EQUAL(log_format_parse("", &f), -1);
  CU_ASSERT_EQUAL(log_format_parse(NULL, &f), -1);
  CU_ASSERT_EQUAL(f, LOG_FORMAT_TEXT);
  CU_ASSERT_EQUAL(log_level_parse("debug", &l), 0);
  CU_ASSERT_EQUAL(l, LOG_DEBUG);
  CU_ASSERT_EQUAL(log_level_parse("warn", &l), 0);
  CU_ASSERT_EQUAL(l, LOG_WARN);
  CU_ASSERT_EQUAL(log_level_parse("warning", &l), 0);
  CU_ASSERT_EQUAL(log_level_parse("error", &l), 0);
  CU_ASSERT_EQUAL(l, LOG_ERROR);
  CU_ASSERT_EQUAL(log_level_parse("fatal", &l), -1);
  CU_ASSERT_EQUAL(l, LOG_ERROR);
  CU_ASSERT_STRING_EQUAL(log_level_name(LOG_WARN), "warning");
}

/* Typed fields: every JSON line parses, numbers are numbers (ints exact,
 * durations fractional), strings strings, booleans booleans, a NULL string
 * or a non-finite number null; the text form shows the same values. */
static void test_typed_fields(void)
{
  char *out, *cur;
  cJSON *j;
  const cJSON *v;

  log_init("tthc-sync", LOG_FORMAT_JSON, LOG_INFO);
  capture_begin();
  log_typed(LOG_INFO, "window_done", LOG_STR("run_id", "20260501T013000Z-1a2b"),
            LOG_STR("source", "portal-hp"), LOG_STR("commune", "11002"),
            LOG_INT("announced", 9007199254740993LL), LOG_INT("retries", -3),
            LOG_NUM("duration_seconds", 12.25), LOG_INT("duration_ms", 12250),
            LOG_BOOL("complete", 1), LOG_BOOL("held", 0), LOG_STR("problem", NULL),
            LOG_NUM("rate", NAN), LOG_STR("quote", "a\"b\n"));
  log_fields(LOG_DEBUG, "hidden", NULL, 0);
  log_fields(LOG_WARN, "bare", NULL, 0);
  out = capture_end();

  cur = out;
  j = parse_line(&cur);
  CU_ASSERT_PTR_NOT_NULL_FATAL(j);
  CU_ASSERT_STRING_EQUAL(jstr(j, "event"), "window_done");
  CU_ASSERT_STRING_EQUAL(jstr(j, "msg"), "window_done");
  CU_ASSERT_STRING_EQUAL(jstr(j, "run_id"), "20260501T013000Z-1a2b");
  CU_ASSERT_STRING_EQUAL(jstr(j, "source"), "portal-hp");
  CU_ASSERT_STRING_EQUAL(jstr(j, "commune"), "11002");
  /* an integer beyond a double's precision keeps every digit on the line */
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"announced\":9007199254740993,"));
  v = cJSON_GetObjectItemCaseSensitive(j, "announced");
  CU_ASSERT_TRUE(cJSON_IsNumber(v));
  v = cJSON_GetObjectItemCaseSensitive(j, "retries");
  CU_ASSERT_TRUE_FATAL(cJSON_IsNumber(v));
  CU_ASSERT_EQUAL(v->valueint, -3);
  v = cJSON_GetObjectItemCaseSensitive(j, "duration_seconds");
  CU_ASSERT_TRUE_FATAL(cJSON_IsNumber(v));
  CU_ASSERT_DOUBLE_EQUAL(v->valuedouble, 12.25, 1e-12);
  v = cJSON_GetObjectItemCaseSensitive(j, "duration_ms");
  CU_ASSERT_TRUE_FATAL(cJSON_IsNumber(v));
  CU_ASSERT_EQUAL(v->valueint, 12250);
  CU_ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "complete")));
  CU_ASSERT_TRUE(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "held")));
  CU_ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "problem")));
  CU_ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "rate")));
  CU_ASSERT_STRING_EQUAL(jstr(j, "quote"), "a\"b\n");
  cJSON_Delete(j);

  j = parse_line(&cur);
  CU_ASSERT_PTR_NOT_NULL_FATAL(j);
  CU_ASSERT_STRING_EQUAL(jstr(j, "event"), "bare");
  CU_ASSERT_STRING_EQUAL(jstr(j, "level"), "warning");
  cJSON_Delete(j);
  CU_ASSERT_STRING_EQUAL(cur, "");
  free(out);

  log_init("tthc-sync", LOG_FORMAT_TEXT, LOG_INFO);
  capture_begin();
  log_typed(LOG_INFO, "stage_done", LOG_STR("stage", "load"), LOG_NUM("duration_seconds", 1.5),
            LOG_INT("records", 42), LOG_BOOL("ok", 1), LOG_STR("why", NULL),
            LOG_NUM("inf", INFINITY));
  out = capture_end();
  CU_ASSERT_STRING_EQUAL(out, "tthc-sync: stage_done stage=load duration_seconds=1.5 records=42 "
                              "ok=true why=- inf=-\n");
  free(out);
}

static CU_TestInfo tests[] = {
  { "text format", test_text_format },
  { "text debug/sanitise", test_text_debug_and_sanitise },
  { "text: trailing newline", test_text_trailing_newline },
  { "text: erase a live line first", test_clear_line_first },
  { "text: no forged lines", test_text_no_forged_lines },
  { "min level", test_min_level },
  { "json format", test_json_format },
  { "long message", test_long_message },
  { "errno preserved", test_errno_preserved },
  { "threads", test_threads_no_interleave },
  { "parse", test_parse },
  { "typed fields", test_typed_fields },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("log", tests)
