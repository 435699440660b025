/*
 * http.h — the extractor's HTTP client: one libcurl easy handle per source
 * worker, reused so connections and TLS sessions are kept; bounded response
 * bodies; TLS verification on unless the source is explicitly insecure,
 * against the source's ca_file, else $CURL_CA_BUNDLE, else $SSL_CERT_FILE,
 * else the system's CA bundle. Redirects are never followed: a source that
 * moved is a configuration change, not something to discover at night.
 */
#ifndef TTHC_HTTP_H
#define TTHC_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <time.h>

#include "dynbuf.h"

typedef enum {
  HTTP_OK = 0,      /* a response arrived (any status) */
  HTTP_TRANSPORT,   /* timeout/reset/truncated: transient */
  HTTP_UNREACHABLE, /* connection refused, host name not resolved: transient, a few times */
  HTTP_TLS,         /* the server's certificate, or the CA file, was not accepted: permanent */
  HTTP_TOO_BIG,     /* body larger than the cap */
  HTTP_SETUP,       /* libcurl refused an option, or out of memory */
  HTTP_UNSAFE_URL   /* not https, and not loopback */
} http_result;

struct http_client_options {
  long timeout_seconds;         /* a whole request */
  long connect_timeout_seconds; /* connecting (DNS, TCP, TLS); 0 = min(timeout, 30) */
  bool insecure;                /* no TLS verification (simulators only) */
  const char *ca_file;          /* CA certificates (PEM), or NULL (see above); borrowed */
  size_t max_body;              /* 0 = unbounded */
};

struct http_client {
  CURL *curl;
  CURLSH *share;
  struct http_client_options o; /* o.ca_file: the CA file in use, or NULL (system's) */
  http_result last;             /* the result of the latest request */
};

struct http_response {
  long status;
  long retry_after;   /* seconds from Retry-After, -1 when absent or unusable */
  char location[400]; /* a redirect's target (Location, resolved), "" when none */
  struct dynbuf body;
  char error[CURL_ERROR_SIZE + 300]; /* what went wrong, for a result other than HTTP_OK */
};

/* Call once per process before threads start (curl_global_init). */
int http_global_init(void);
void http_global_cleanup(void);

http_result http_client_init(struct http_client *c, const struct http_client_options *o);
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
 * A Retry-After value (RFC 9110 §10.2.3: delay-seconds, or an HTTP-date in
 * any of its three formats) as seconds from now into *secs (0 for a date
 * already past; very large delays saturate). 0, or -1 for anything else
 * ("1e9", "-3", "soon"), which the caller treats as no Retry-After.
 */
int http_parse_retry_after(const char *value, time_t now, long *secs);

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
