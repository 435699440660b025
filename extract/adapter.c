#include "adapter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "codes.h"
#include "jsontext.h"
#include "keyset.h"

extern const struct source_adapter portal_adapter;
extern const struct source_adapter city_adapter;
extern const struct source_adapter ministry_adapter;

static const struct source_adapter *const adapters[] = {
  &portal_adapter,
  &city_adapter,
  &ministry_adapter,
};

const struct source_adapter *source_adapter_for(source_kind kind)
{
  for (size_t i = 0; i < sizeof(adapters) / sizeof(adapters[0]); i++)
    if (adapters[i]->kind == kind)
      return adapters[i];
  return NULL;
}

void attempt_error_set(struct attempt_error *err, const char *url, const struct http_response *resp,
                       const char *fmt, ...)
{
  va_list ap;
  size_t n = 0;
  const char *body;

  va_start(ap, fmt);
  vsnprintf(err->message, sizeof(err->message), fmt, ap);
  va_end(ap);
  err->final = 0;
  snprintf(err->url, sizeof(err->url), "%s", url ? url : "");
  err->http_status = resp ? resp->status : 0;
  err->retry_after = resp ? resp->retry_after : -1;
  err->excerpt[0] = '\0';
  if (!resp)
    return;
  /* A printable excerpt: control bytes become spaces. */
  body = dynbuf_ptr(&resp->body);
  for (; n + 1 < sizeof(err->excerpt) && n < dynbuf_len(&resp->body); n++)
    err->excerpt[n] = ((unsigned char)body[n] < 0x20) ? ' ' : body[n];
  err->excerpt[n] = '\0';
}

void attempt_error_locate(struct attempt_error *err, const char *url,
                          const struct http_response *resp)
{
  char message[sizeof(err->message)];
  int final = err->final;

  memcpy(message, err->message, sizeof(message));
  attempt_error_set(err, url, resp, "%s", message);
  err->final = final;
}

attempt_outcome attempt_classify_http(http_result hr, const char *url,
                                      const struct http_response *resp, struct attempt_error *err)
{
  long st = resp->status;

  switch (hr) {
  case HTTP_OK: break;
  case HTTP_TRANSPORT:
  case HTTP_UNREACHABLE: /* the driver gives these only a few attempts */
    attempt_error_set(err, url, NULL, "%s", resp->error);
    return ATTEMPT_TRANSIENT;
  case HTTP_TLS: /* resp->error names the CA file and the ca_file key */
    attempt_error_set(err, url, NULL, "%s", resp->error);
    return ATTEMPT_PERMANENT;
  case HTTP_TOO_BIG:
    attempt_error_set(err, url, NULL, "response larger than the per-page cap");
    return ATTEMPT_PERMANENT;
  case HTTP_SETUP:
  case HTTP_UNSAFE_URL:
    attempt_error_set(err, url, NULL, "%s", http_strerror(hr));
    return ATTEMPT_PERMANENT;
  }
  if (st >= 200 && st < 300)
    return ATTEMPT_OK;
  if (st >= 300 && st < 400) {
    /* Redirects are not followed: where it pointed is what to configure. */
    attempt_error_set(err, url, resp,
                      "HTTP status %ld: redirected to %.180s (not followed: set base_url to "
                      "the address the source now answers on)",
                      st, resp->location[0] ? resp->location : "(no Location header)");
    return ATTEMPT_PERMANENT;
  }
  attempt_error_set(err, url, resp, "HTTP status %ld", st);
  if (st == 408 || st == 429 || st >= 500)
    return ATTEMPT_TRANSIENT;
  return ATTEMPT_PERMANENT;
}

void page_result_release(struct page_result *res)
{
  free(res->codes.v);
  memset(&res->codes, 0, sizeof(res->codes));
}

int page_codes_add(struct page_result *res, const char *raw)
{
  struct page_codes *c = &res->codes;
  char norm[256];

  if (!raw || code_normalise(raw, norm, sizeof(norm)) != CODE_OK) {
    c->uncoded++;
    return 0;
  }
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 128;
    uint64_t *v = realloc(c->v, cap * sizeof(*v));
    if (!v)
      return -1;
    c->v = v;
    c->cap = cap;
  }
  c->v[c->n++] = keyset_hash(0, norm);
  return 0;
}

const char *json_code_text(const cJSON *item, char buf[64])
{
  if (cJSON_IsString(item))
    return item->valuestring;
  if (cJSON_IsNumber(item)) /* as the transform reads it (json_field.h) */
    return json_number_text(item->valuedouble, buf);
  return NULL;
}

attempt_outcome json_page_refused(const struct json_error *jerr, int parsed, size_t len,
                                  struct attempt_error *err)
{
  if (!parsed && jerr->unterminated) {
    /* A body cut off mid-transfer: the next attempt usually gets it whole. */
    attempt_error_set(err, NULL, NULL,
                      "response is not a complete JSON object (it ends after %zu "
                      "bytes, inside a value)",
                      len);
    return ATTEMPT_TRANSIENT;
  }
  if (parsed)
    attempt_error_set(err, NULL, NULL, "response is JSON but not an object");
  else
    attempt_error_set(err, NULL, NULL, "response is not valid JSON (near byte %zu of %zu)",
                      jerr->at, len);
  return ATTEMPT_BAD_CONTENT;
}

attempt_outcome page_size_kept(const struct page_result *res, int page_size,
                               struct attempt_error *err)
{
  if (res->records <= page_size)
    return ATTEMPT_OK;
  attempt_error_set(err, NULL, NULL, "the page holds %ld records; %d were asked for (page_size)",
                    res->records, page_size);
  err->final = 1;
  return ATTEMPT_BAD_CONTENT;
}

struct http_client_options source_http_options(const struct source_config *cfg, size_t max_body)
{
  struct http_client_options o = { .timeout_seconds = cfg->timeout_seconds,
                                   .connect_timeout_seconds = cfg->connect_timeout_seconds,
                                   .insecure = cfg->insecure,
                                   .ca_file = cfg->ca_file,
                                   .max_body = max_body };
  return o;
}
