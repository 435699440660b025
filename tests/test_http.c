/* Which URLs the extractor will talk to. */
#include "cunit_main.h"
#include "http.h"

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
  struct http_client c;
  struct http_response r;

  CU_ASSERT_EQUAL_FATAL(http_global_init(), 0);
  CU_ASSERT_EQUAL_FATAL(http_client_init(&c, 5, false, 1024), HTTP_OK);
  http_response_init(&r, 1024);
  CU_ASSERT_EQUAL(http_request(&c, "GET", "http://example.invalid/", NULL, NULL, NULL, &r),
                  HTTP_UNSAFE_URL);
  /* nothing listens on port 1 of loopback: a transport error, retried by callers */
  CU_ASSERT_EQUAL(http_request(&c, "GET", "http://127.0.0.1:1/", NULL, NULL, NULL, &r),
                  HTTP_TRANSPORT);
  CU_ASSERT(r.error[0] != '\0');
  http_response_release(&r);
  http_client_release(&c);
  http_global_cleanup();
}

static CU_TestInfo tests[] = {
  { "https, or loopback http only", test_url_allowed },
  { "unsafe and unreachable requests", test_refuses_unsafe_request },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("http", tests)
