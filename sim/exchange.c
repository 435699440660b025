/*
 * exchange - request/response helpers (see exchange.h).
 */
#include "exchange.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void sim_response_init(struct sim_response *r)
{
  memset(r, 0, sizeof(*r));
  r->status = 500;
  r->content_type = "text/plain; charset=utf-8";
  r->retry_after = -1;
  r->page_index = -1;
}

void sim_response_release(struct sim_response *r)
{
  free(r->body);
  r->body = NULL;
  r->len = 0;
}

int sim_response_set(struct sim_response *r, int status, const char *ctype, char *body,
                     const char *text)
{
  free(r->body);
  r->body = body ? body : strdup(text ? text : "");
  if (!r->body) {
    r->status = 500;
    r->len = 0;
    return -1;
  }
  r->status = status;
  r->content_type = ctype;
  r->len = strlen(r->body);
  return 0;
}

const char *sim_request_header(const struct sim_request *q, const char *name)
{
  return q->header ? q->header(q->header_ctx, name) : NULL;
}

const char *sim_request_query(const struct sim_request *q, const char *name)
{
  return q->query ? q->query(q->header_ctx, name) : NULL;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *sim_base64_encode(const void *data, size_t len, bool url)
{
  const unsigned char *p = data;
  const char *a = url ? b64url : b64;
  char *out = malloc(4 * ((len + 2) / 3) + 1), *o = out;

  if (!out)
    return NULL;
  for (size_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16;

    if (i + 1 < len)
      v |= (uint32_t)p[i + 1] << 8;
    if (i + 2 < len)
      v |= p[i + 2];
    *o++ = a[v >> 18 & 63];
    *o++ = a[v >> 12 & 63];
    *o++ = i + 1 < len ? a[v >> 6 & 63] : '=';
    *o++ = i + 2 < len ? a[v & 63] : '=';
  }
  *o = '\0';
  return out;
}

long sim_base64_decode(const char *s, char *out, size_t n, bool url)
{
  const char *a = url ? b64url : b64;
  uint32_t v = 0;
  size_t len = 0;
  int bits = 0, pad = 0;

  for (; *s; s++) {
    const char *c;

    if (*s == '=') {
      pad++;
      continue;
    }
    c = pad ? NULL : strchr(a, *s);
    if (!c || !*s)
      return -1;
    v = v << 6 | (uint32_t)(c - a);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (len + 1 >= n)
        return -1;
      out[len++] = (char)(v >> bits & 0xff);
    }
  }
  if (pad > 2)
    return -1;
  out[len] = '\0';
  return (long)len;
}
