#include "http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

_Static_assert(sizeof(((struct http_response *)0)->error) >= CURL_ERROR_SIZE,
               "libcurl's error buffer must fit");

const char *http_strerror(http_result r)
{
  switch (r) {
  case HTTP_OK: return "no error";
  case HTTP_TRANSPORT: return "transport error";
  case HTTP_UNREACHABLE: return "host cannot be reached";
  case HTTP_TLS: return "TLS certificate not accepted";
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
  r->location[0] = '\0';
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

/* The CA file in force: the source's, else the environment's (as the curl
 * tool reads it), else NULL for libcurl's built-in bundle. */
static const char *ca_file_for(const char *configured)
{
  static const char *const vars[] = { "CURL_CA_BUNDLE", "SSL_CERT_FILE" };

  if (configured)
    return configured;
  for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
    const char *v = getenv(vars[i]);
    if (v && *v)
      return v;
  }
  return NULL;
}

http_result http_client_init(struct http_client *c, const struct http_client_options *o)
{
  memset(c, 0, sizeof(*c));
  c->o = *o;
  c->o.ca_file = ca_file_for(o->ca_file);
  if (c->o.connect_timeout_seconds <= 0)
    c->o.connect_timeout_seconds = o->timeout_seconds < 30 ? o->timeout_seconds : 30;
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

/* ---- Retry-After (RFC 9110 §10.2.3, §5.6.7) ------------------------------ */

static const char *const day_names[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char *const long_day_names[7] = { "Monday", "Tuesday",  "Wednesday", "Thursday",
                                               "Friday", "Saturday", "Sunday" };
static const char *const month_names[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Consumes one of words (case-sensitive, as the grammar says); its index or -1. */
static int take_word(const char **p, const char *const *words, int n)
{
  for (int i = 0; i < n; i++) {
    size_t len = strlen(words[i]);
    if (!strncmp(*p, words[i], len)) {
      *p += len;
      return i;
    }
  }
  return -1;
}

/* Consumes exactly n digits; the number or -1. */
static int take_digits(const char **p, int n)
{
  int v = 0;

  for (int i = 0; i < n; i++, (*p)++) {
    if (!isdigit((unsigned char)**p))
      return -1;
    v = v * 10 + (**p - '0');
  }
  return v;
}

static int take_char(const char **p, char c)
{
  if (**p != c)
    return -1;
  (*p)++;
  return 0;
}

/* "HH:MM:SS" into tm. */
static int take_time(const char **p, struct tm *tm)
{
  tm->tm_hour = take_digits(p, 2);
  if (tm->tm_hour < 0 || take_char(p, ':'))
    return -1;
  tm->tm_min = take_digits(p, 2);
  if (tm->tm_min < 0 || take_char(p, ':'))
    return -1;
  tm->tm_sec = take_digits(p, 2);
  return tm->tm_sec < 0 || tm->tm_hour > 23 || tm->tm_min > 59 || tm->tm_sec > 60 ? -1 : 0;
}

/* IMF-fixdate after the day name: ", 06 Nov 1994 08:49:37 GMT" */
static int imf_fixdate(const char *p, struct tm *tm)
{
  if (take_char(&p, ',') || take_char(&p, ' ') || (tm->tm_mday = take_digits(&p, 2)) < 0 ||
      take_char(&p, ' ') || (tm->tm_mon = take_word(&p, month_names, 12)) < 0 ||
      take_char(&p, ' ') || (tm->tm_year = take_digits(&p, 4)) < 0 || take_char(&p, ' ') ||
      take_time(&p, tm) || strcmp(p, " GMT"))
    return -1;
  tm->tm_year -= 1900;
  return 0;
}

/* rfc850-date after the long day name: ", 06-Nov-94 08:49:37 GMT"; a
 * two-digit year more than 50 years ahead is in the past century. */
static int rfc850_date(const char *p, struct tm *tm, const struct tm *now)
{
  int yy;

  if (take_char(&p, ',') || take_char(&p, ' ') || (tm->tm_mday = take_digits(&p, 2)) < 0 ||
      take_char(&p, '-') || (tm->tm_mon = take_word(&p, month_names, 12)) < 0 ||
      take_char(&p, '-') || (yy = take_digits(&p, 2)) < 0 || take_char(&p, ' ') ||
      take_time(&p, tm) || strcmp(p, " GMT"))
    return -1;
  tm->tm_year = now->tm_year - now->tm_year % 100 + yy;
  if (tm->tm_year > now->tm_year + 50)
    tm->tm_year -= 100;
  return 0;
}

/* asctime-date after the day name: " Nov  6 08:49:37 1994" */
static int asctime_date(const char *p, struct tm *tm)
{
  if (take_char(&p, ' ') || (tm->tm_mon = take_word(&p, month_names, 12)) < 0 || take_char(&p, ' '))
    return -1;
  if (*p == ' ') {
    p++;
    tm->tm_mday = take_digits(&p, 1);
  } else {
    tm->tm_mday = take_digits(&p, 2);
  }
  if (tm->tm_mday < 0 || take_char(&p, ' ') || take_time(&p, tm) || take_char(&p, ' ') ||
      (tm->tm_year = take_digits(&p, 4)) < 0 || *p)
    return -1;
  tm->tm_year -= 1900;
  return 0;
}

/* An HTTP-date (any of the three formats) as a time; -1 when it is not one. */
static int parse_http_date(const char *p, time_t now, time_t *out)
{
  struct tm tm = { 0 }, now_tm, given;
  int rc = -1;

  gmtime_r(&now, &now_tm);
  if (take_word(&p, long_day_names, 7) >= 0)
    rc = rfc850_date(p, &tm, &now_tm);
  else if (take_word(&p, day_names, 7) >= 0)
    rc = *p == ',' ? imf_fixdate(p, &tm) : asctime_date(p, &tm);
  if (rc || tm.tm_mday < 1)
    return -1;
  if (tm.tm_sec == 60) /* a leap second: timegm would roll it into the next minute */
    tm.tm_sec = 59;
  given = tm;
  *out = timegm(&tm);
  /* timegm normalises 31 Feb into March (in tm): such a date is not one. */
  return given.tm_mday == tm.tm_mday && given.tm_mon == tm.tm_mon ? 0 : -1;
}

int http_parse_retry_after(const char *value, time_t now, long *secs)
{
  char v[128];
  size_t b = 0, e = strlen(value);
  const char *p;
  time_t when;
  long n = 0;

  while (b < e && strchr(" \t\r\n", value[b]))
    b++;
  while (e > b && strchr(" \t\r\n", value[e - 1]))
    e--;
  if (b == e || e - b >= sizeof(v))
    return -1;
  memcpy(v, value + b, e - b);
  v[e - b] = '\0';
  for (p = v; isdigit((unsigned char)*p); p++)
    n = n > (LONG_MAX - 9) / 10 ? LONG_MAX : n * 10 + (*p - '0');
  if (!*p) {
    *secs = n;
    return 0;
  }
  if (parse_http_date(v, now, &when))
    return -1;
  *secs = when > now ? (long)(when - now) : 0;
  return 0;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
  struct http_response *r = userdata;
  size_t n = size * nmemb;
  static const char name[] = "retry-after:";
  char value[160];
  long secs;

  if (n > sizeof(name) && n - (sizeof(name) - 1) < sizeof(value) &&
      !strncasecmp(ptr, name, sizeof(name) - 1)) {
    memcpy(value, ptr + sizeof(name) - 1, n - (sizeof(name) - 1));
    value[n - (sizeof(name) - 1)] = '\0';
    r->retry_after = http_parse_retry_after(value, time(NULL), &secs) == 0 ? secs : -1;
  }
  return n;
}

/* Certificate problems: nothing a retry changes. */
static bool tls_failure(CURLcode cc)
{
  switch (cc) {
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS: return true;
  default: return false;
  }
}

/* The result of a failed transfer, with resp->error saying it for the log. */
static http_result transfer_failure(const struct http_client *c, CURLcode cc,
                                    struct http_response *resp)
{
  const char *said = resp->error[0] ? resp->error : curl_easy_strerror(cc);
  char curl_msg[CURL_ERROR_SIZE];
  size_t n = strnlen(said, sizeof(curl_msg) - 1);

  memcpy(curl_msg, said, n);
  curl_msg[n] = '\0';
  if (tls_failure(cc)) {
    snprintf(resp->error, sizeof(resp->error),
             "TLS certificate not accepted: %s (CA file %s). Not retried: the certificate must "
             "name base_url's host and chain to a CA in ca_file",
             curl_msg, c->o.ca_file ? c->o.ca_file : "the system's bundle");
    return HTTP_TLS;
  }
  snprintf(resp->error, sizeof(resp->error), "%s", curl_msg);
  if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
      cc == CURLE_COULDNT_RESOLVE_PROXY)
    return HTTP_UNREACHABLE;
  return HTTP_TRANSPORT;
}

static bool set_options(const struct http_client *c, CURL *h, const char *url,
                        const struct curl_slist *headers, struct http_response *resp)
{
  const struct http_client_options *o = &c->o;

  return curl_easy_setopt(h, CURLOPT_URL, url) ||
         curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") ||
         curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) ||
         curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) ||
         curl_easy_setopt(h, CURLOPT_TIMEOUT, o->timeout_seconds) ||
         curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, o->connect_timeout_seconds) ||
         curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L) ||
         curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L) ||
         (o->ca_file && curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file)) ||
         curl_easy_setopt(h, CURLOPT_USERAGENT, "tthc-etl/1") ||
         curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "") ||
         curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body) ||
         curl_easy_setopt(h, CURLOPT_WRITEDATA, resp) ||
         curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header) ||
         curl_easy_setopt(h, CURLOPT_HEADERDATA, resp) ||
         curl_easy_setopt(h, CURLOPT_ERRORBUFFER, resp->error) ||
         curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers) ||
         (c->share && curl_easy_setopt(h, CURLOPT_SHARE, c->share)) ||
         (o->max_body && curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body));
}

/* A redirect is not followed (CURLOPT_FOLLOWLOCATION is off), but where it
 * pointed is kept for the error message. */
static void keep_location(CURL *h, struct http_response *resp)
{
  char *where = NULL;

  if (resp->status >= 300 && resp->status < 400 &&
      curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &where) == CURLE_OK && where)
    snprintf(resp->location, sizeof(resp->location), "%s", where);
}

static http_result perform(struct http_client *c, const char *method, const char *url,
                           const struct curl_slist *headers, const char *body, const char *userpwd,
                           struct http_response *resp)
{
  CURL *h = c->curl;
  CURLcode cc;

  if (!http_url_allowed(url))
    return HTTP_UNSAFE_URL;
  dynbuf_reset(&resp->body);
  resp->status = 0;
  resp->retry_after = -1;
  resp->location[0] = '\0';
  resp->error[0] = '\0';

  curl_easy_reset(h); /* keeps live connections and the TLS session cache */
  if (set_options(c, h, url, headers, resp))
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
  if (cc == CURLE_WRITE_ERROR || cc == CURLE_FILESIZE_EXCEEDED)
    return HTTP_TOO_BIG;
  if (cc != CURLE_OK)
    return transfer_failure(c, cc, resp);
  keep_location(h, resp);
  return HTTP_OK;
}

http_result http_request(struct http_client *c, const char *method, const char *url,
                         const struct curl_slist *headers, const char *body, const char *userpwd,
                         struct http_response *resp)
{
  c->last = perform(c, method, url, headers, body, userpwd, resp);
  return c->last;
}
