/* Which URLs the extractor will talk to, and what it reads from real
 * responses of a small HTTP server on loopback (one canned answer per
 * connection): Retry-After in both of RFC 9110's forms, redirects. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "adapter.h"
#include "cunit_main.h"
#include "http.h"

/* A one-shot server: accepts one connection, reads the request head,
 * writes `answer`, closes. */
struct canned {
  int fd;
  unsigned port;
  const char *answer;
  pthread_t thread;
};

static void *serve_once(void *arg)
{
  struct canned *c = arg;
  char buf[4096];
  size_t got = 0;
  int conn = accept(c->fd, NULL, NULL);

  if (conn < 0)
    return NULL;
  while (got < sizeof(buf) - 1) {
    ssize_t n = read(conn, buf + got, sizeof(buf) - 1 - got);
    if (n <= 0)
      break;
    got += (size_t)n;
    buf[got] = '\0';
    if (strstr(buf, "\r\n\r\n"))
      break;
  }
  if (write(conn, c->answer, strlen(c->answer)) < 0)
    perror("canned server: write");
  close(conn);
  return NULL;
}

static int canned_start(struct canned *c, const char *answer)
{
  struct sockaddr_in a = { .sin_family = AF_INET };
  socklen_t len = sizeof(a);

  c->answer = answer;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (c->fd < 0 || bind(c->fd, (struct sockaddr *)&a, sizeof(a)) ||
      getsockname(c->fd, (struct sockaddr *)&a, &len) || listen(c->fd, 1))
    return -1;
  c->port = ntohs(a.sin_port);
  return pthread_create(&c->thread, NULL, serve_once, c);
}

static void canned_stop(struct canned *c)
{
  pthread_join(c->thread, NULL);
  close(c->fd);
}

/* One GET against a canned answer: the result, with the response in *r. */
static http_result fetch(const char *answer, struct http_response *r)
{
  struct http_client_options o = { .timeout_seconds = 5, .max_body = 1024 };
  struct http_client c;
  struct canned srv;
  char url[64];
  http_result hr;

  CU_ASSERT_EQUAL_FATAL(canned_start(&srv, answer), 0);
  CU_ASSERT_EQUAL_FATAL(http_client_init(&c, &o), HTTP_OK);
  snprintf(url, sizeof(url), "http://127.0.0.1:%u/x", srv.port);
  hr = http_request(&c, "GET", url, NULL, NULL, NULL, r);
  http_client_release(&c);
  canned_stop(&srv);
  return hr;
}

static void test_url_allowed(void)
{
  CU_ASSERT(http_url_allowed("https://dichvucong.gov.vn/api/auth"));
  CU_ASSERT(http_url_allowed("http://127.0.0.1:8080/api"));
  CU_ASSERT(http_url_allowed("http://localhost/api"));
  CU_ASSERT(http_url_allowed("http://[::1]:99/x"));
  CU_ASSERT(!http_url_allowed("http://dichvucong.gov.vn/api"));
  CU_ASSERT(!http_url_allowed("http://127.0.0.1.evil.example/api"));
  CU_ASSERT(!http_url_allowed("ftp://127.0.0.1/x"));
  CU_ASSERT(!http_url_allowed("file:///etc/passwd"));
  CU_ASSERT(!http_url_allowed("not a url"));
}

static void test_refuses_unsafe_request(void)
{
  struct http_client_options o = { .timeout_seconds = 5, .max_body = 1024 };
  struct http_client c;
  struct http_response r;

  CU_ASSERT_EQUAL_FATAL(http_client_init(&c, &o), HTTP_OK);
  http_response_init(&r, 1024);
  CU_ASSERT_EQUAL(http_request(&c, "GET", "http://example.invalid/", NULL, NULL, NULL, &r),
                  HTTP_UNSAFE_URL);
  /* nothing listens on port 1 of loopback: refused, which callers retry
   * only a few times (a wrong host or port is not a passing fault) */
  CU_ASSERT_EQUAL(http_request(&c, "GET", "http://127.0.0.1:1/", NULL, NULL, NULL, &r),
                  HTTP_UNREACHABLE);
  CU_ASSERT(r.error[0] != '\0');
  http_response_release(&r);
  http_client_release(&c);
}

/* Issue 10.8: "Retry-After: 1e9" read as 1 s, an HTTP-date as absent. */
static void test_retry_after_forms(void)
{
  time_t now = 1777777777; /* 2026-05-03T03:09:37Z */
  long s = -5;

  CU_ASSERT_EQUAL(http_parse_retry_after("120", now, &s), 0);
  CU_ASSERT_EQUAL(s, 120);
  CU_ASSERT_EQUAL(http_parse_retry_after(" 7 \r\n", now, &s), 0);
  CU_ASSERT_EQUAL(s, 7);
  /* a delay too large for a long is still a (very long) delay */
  CU_ASSERT_EQUAL(http_parse_retry_after("99999999999999999999999", now, &s), 0);
  CU_ASSERT(s > 86400);
  /* the three HTTP-date formats RFC 9110 makes recipients accept */
  CU_ASSERT_EQUAL(http_parse_retry_after("Sun, 03 May 2026 03:11:37 GMT", now, &s), 0);
  CU_ASSERT_EQUAL(s, 120);
  CU_ASSERT_EQUAL(http_parse_retry_after("Sunday, 03-May-26 03:10:37 GMT", now, &s), 0);
  CU_ASSERT_EQUAL(s, 60);
  CU_ASSERT_EQUAL(http_parse_retry_after("Sun May  3 03:09:47 2026", now, &s), 0);
  CU_ASSERT_EQUAL(s, 10);
  /* a date already past: try now */
  CU_ASSERT_EQUAL(http_parse_retry_after("Sat, 02 May 2026 00:00:00 GMT", now, &s), 0);
  CU_ASSERT_EQUAL(s, 0);
  /* garbage is no Retry-After at all */
  CU_ASSERT_EQUAL(http_parse_retry_after("1e9", now, &s), -1);
  CU_ASSERT_EQUAL(http_parse_retry_after("-3", now, &s), -1);
  CU_ASSERT_EQUAL(http_parse_retry_after("", now, &s), -1);
  CU_ASSERT_EQUAL(http_parse_retry_after("soon", now, &s), -1);
  CU_ASSERT_EQUAL(http_parse_retry_after("Sun, 03 May 2026 03:11:37 PST", now, &s), -1);
  CU_ASSERT_EQUAL(http_parse_retry_after("Sun, 32 May 2026 03:11:37 GMT", now, &s), -1);
  CU_ASSERT_EQUAL(http_parse_retry_after("Sun, 03 Mai 2026 03:11:37 GMT", now, &s), -1);
  CU_ASSERT_EQUAL(http_parse_retry_after("Sun, 03 May 2026 03:11:37 GMT x", now, &s), -1);
}

/* The same over the wire: what a 503 with each header leaves in the
 * response (-1 = no usable Retry-After). */
static void test_retry_after_on_the_wire(void)
{
  struct http_response r;
  char answer[256], date[64];
  time_t later = time(NULL) + 100;
  struct tm tm;

  http_response_init(&r, 1024);
  CU_ASSERT_EQUAL(fetch("HTTP/1.1 503 Busy\r\nRetry-After: 1e9\r\nContent-Length: 0\r\n"
                        "Connection: close\r\n\r\n",
                        &r),
                  HTTP_OK);
  CU_ASSERT_EQUAL(r.status, 503);
  CU_ASSERT_EQUAL(r.retry_after, -1);

  gmtime_r(&later, &tm);
  strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  snprintf(answer, sizeof(answer),
           "HTTP/1.1 503 Busy\r\nRetry-After: %s\r\nContent-Length: 0\r\n"
           "Connection: close\r\n\r\n",
           date);
  CU_ASSERT_EQUAL(fetch(answer, &r), HTTP_OK);
  CU_ASSERT(r.retry_after >= 95 && r.retry_after <= 100);
  http_response_release(&r);
}

/* Issue 10.8: a redirect is not followed, and the error says where to. */
static void test_redirect_names_location(void)
{
  struct http_response r;
  struct attempt_error err = { .retry_after = -1 };

  http_response_init(&r, 1024);
  CU_ASSERT_EQUAL(fetch("HTTP/1.1 302 Found\r\nLocation: https://new.example.vn/api/auth\r\n"
                        "Content-Length: 0\r\nConnection: close\r\n\r\n",
                        &r),
                  HTTP_OK);
  CU_ASSERT_EQUAL(r.status, 302);
  CU_ASSERT_EQUAL(attempt_classify_http(HTTP_OK, "http://127.0.0.1/x", &r, &err),
                  ATTEMPT_PERMANENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "https://new.example.vn/api/auth"));
  if (!strstr(err.message, "https://new.example.vn/api/auth"))
    fprintf(stderr, "\n  message: %s\n", err.message);
  http_response_release(&r);
}

static int suite_init(void)
{
  return http_global_init();
}

static int suite_clean(void)
{
  http_global_cleanup();
  return 0;
}

static CU_TestInfo tests[] = {
  { "https, or loopback http only", test_url_allowed },
  { "unsafe and unreachable requests", test_refuses_unsafe_request },
  { "Retry-After: delay-seconds or HTTP-date, garbage refused", test_retry_after_forms },
  { "Retry-After read from a real response", test_retry_after_on_the_wire },
  { "a redirect's error names its Location", test_redirect_names_location },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN_WITH("http", tests, suite_init, suite_clean)
