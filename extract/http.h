/*
 * http.h — the extractor's HTTP client: one libcurl easy handle per source
 * worker, reused so connections and TLS sessions are kept; bounded response
 * bodies; TLS verification on unless the source is explicitly insecure.
 */
#ifndef TTHC_HTTP_H
#define TTHC_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>

#include "dynbuf.h"

typedef enum {
  HTTP_OK = 0,    /* a response arrived (any status) */
  HTTP_TRANSPORT, /* connect/timeout/reset/truncated: transient */
  HTTP_TOO_BIG,   /* body larger than the cap */
  HTTP_SETUP,     /* libcurl refused an option, or out of memory */
  HTTP_UNSAFE_URL /* not https, and not loopback */
} http_result;

struct http_client {
  CURL *curl;
  CURLSH *share;
  long timeout_seconds;
  bool insecure;
  size_t max_body;
};

struct http_response {
  long status;
  long retry_after; /* seconds from Retry-After, -1 when absent */
  struct dynbuf body;
  char error[CURL_ERROR_SIZE]; /* libcurl's message for HTTP_TRANSPORT */
};

/* Call once per process before threads start (curl_global_init). */
int http_global_init(void);
void http_global_cleanup(void);

http_result http_client_init(struct http_client *c, long timeout_seconds, bool insecure,
                             size_t max_body);
void http_client_release(struct http_client *c);

/* Shares connections, TLS sessions and DNS with other clients of the same
 * source (share must outlive the client). */
http_result http_client_share(struct http_client *c, CURLSH *share);

void http_response_init(struct http_response *r, size_t max_body);
void http_response_release(struct http_response *r);

/* True for https URLs, and for http URLs whose host is loopback
 * (127.0.0.0/8, ::1, localhost): the only ones the extractor will use. */
bool http_url_allowed(const char *url);

/*
 * One request. method "GET" or "POST"; body may be NULL; headers a list of
 * "Name: value" (may be NULL); userpwd "user:password" for HTTP Basic or
 * NULL. The response is reset first.
 */
http_result http_request(struct http_client *c, const char *method, const char *url,
                         const struct curl_slist *headers, const char *body, const char *userpwd,
                         struct http_response *resp);

const char *http_strerror(http_result r);

#endif
