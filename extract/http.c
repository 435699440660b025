#include "http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *http_strerror(http_result r)
{
  switch (r) {
  case HTTP_OK: return "no error";
  case HTTP_TRANSPORT: return "transport error";
  case HTTP_TOO_BIG: return "response body too large";
  case HTTP_SETUP: return "HTTP client setup failed";
  case HTTP_UNSAFE_URL: return "URL is neither https nor loopback http";
  }
  return "unknown error";
}

int http_global_init(void)
{
  return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void http_global_cleanup(void)
{
  curl_global_cleanup();
}

void http_response_init(struct http_response *r, size_t max_body)
{
  memset(r, 0, sizeof(*r));
  r->retry_after = -1;
  dynbuf_init(&r->body, max_body);
}

void http_response_release(struct http_response *r)
{
  dynbuf_release(&r->body);
}

/* localhost, a literal 127.0.0.0/8 address, or [::1] — never a name that
 * merely starts with "127." */
static bool host_is_loopback(const char *host)
{
  struct in_addr a4;

  if (!strcasecmp(host, "localhost") || !strcmp(host, "[::1]"))
    return true;
  return inet_pton(AF_INET, host, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

bool http_url_allowed(const char *url)
{
  CURLU *u = curl_url();
  char *scheme = NULL, *host = NULL;
  bool ok = false;

  if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
    goto out;
  if (!strcasecmp(scheme, "https"))
    ok = true;
  else if (!strcasecmp(scheme, "http"))
    ok = host_is_loopback(host);
out:
  curl_free(scheme);
  curl_free(host);
  curl_url_cleanup(u);
  return ok;
}

http_result http_client_init(struct http_client *c, long timeout_seconds, bool insecure,
                             size_t max_body)
{
  memset(c, 0, sizeof(*c));
  c->timeout_seconds = timeout_seconds;
  c->insecure = insecure;
  c->max_body = max_body;
  c->curl = curl_easy_init();
  return c->curl ? HTTP_OK : HTTP_SETUP;
}

http_result http_client_share(struct http_client *c, CURLSH *share)
{
  c->share = share;
  return HTTP_OK;
}

void http_client_release(struct http_client *c)
{
  if (c->curl)
    curl_easy_cleanup(c->curl);
  c->curl = NULL;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
  struct http_response *r = userdata;
  size_t n = size * nmemb;
  /* Returning less than n makes libcurl abort with CURLE_WRITE_ERROR. */
  return dynbuf_add(&r->body, ptr, n) == DYNBUF_OK ? n : 0;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
  struct http_response *r = userdata;
  size_t n = size * nmemb;
  static const char name[] = "retry-after:";

  if (n > sizeof(name) && !strncasecmp(ptr, name, sizeof(name) - 1)) {
    const char *v = ptr + sizeof(name) - 1;
    char *end;
    long secs;
    while (v < ptr + n && isspace((unsigned char)*v))
      v++;
    secs = strtol(v, &end, 10);
    /* Only the delta-seconds form; an HTTP date is treated as absent. */
    if (end != v && secs >= 0)
      r->retry_after = secs;
  }
  return n;
}

http_result http_request(struct http_client *c, const char *method, const char *url,
                         const struct curl_slist *headers, const char *body, const char *userpwd,
                         struct http_response *resp)
{
  CURL *h = c->curl;
  CURLcode cc;
  int write_failed;

  if (!http_url_allowed(url))
    return HTTP_UNSAFE_URL;
  dynbuf_reset(&resp->body);
  resp->status = 0;
  resp->retry_after = -1;
  resp->error[0] = '\0';

  curl_easy_reset(h); /* keeps live connections and the TLS session cache */
  if (curl_easy_setopt(h, CURLOPT_URL, url) ||
      curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") ||
      curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) ||
      curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) ||
      curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout_seconds) ||
      curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
                       c->timeout_seconds < 30 ? c->timeout_seconds : 30L) ||
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L) ||
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L) ||
      curl_easy_setopt(h, CURLOPT_USERAGENT, "tthc-etl/1") ||
      curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "") ||
      curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body) ||
      curl_easy_setopt(h, CURLOPT_WRITEDATA, resp) ||
      curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header) ||
      curl_easy_setopt(h, CURLOPT_HEADERDATA, resp) ||
      curl_easy_setopt(h, CURLOPT_ERRORBUFFER, resp->error) ||
      curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers) ||
      (c->share && curl_easy_setopt(h, CURLOPT_SHARE, c->share)))
    return HTTP_SETUP;
  if (c->max_body && curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_body))
    return HTTP_SETUP;
  if (userpwd && (curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) ||
                  curl_easy_setopt(h, CURLOPT_USERPWD, userpwd)))
    return HTTP_SETUP;
  if (!strcmp(method, "POST")) {
    if (curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : ""))
      return HTTP_SETUP;
  } else if (curl_easy_setopt(h, CURLOPT_HTTPGET, 1L)) {
    return HTTP_SETUP;
  }

  cc = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
  /* The credentials must not stay in the handle between requests. */
  if (userpwd)
    curl_easy_setopt(h, CURLOPT_USERPWD, NULL);
  write_failed = cc == CURLE_WRITE_ERROR || cc == CURLE_FILESIZE_EXCEEDED;
  if (write_failed)
    return HTTP_TOO_BIG;
  if (cc != CURLE_OK) {
    if (!resp->error[0])
      snprintf(resp->error, sizeof(resp->error), "%s", curl_easy_strerror(cc));
    return HTTP_TRANSPORT;
  }
  return HTTP_OK;
}
