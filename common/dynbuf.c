#include "dynbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Start small: most buffers hold a line or a short JSON value. */
#define DYNBUF_MIN_ALLOC 32

void dynbuf_init(struct dynbuf *b, size_t max)
{
  b->buf = NULL;
  b->len = 0;
  b->alloc = 0;
  b->max = max;
}

void dynbuf_release(struct dynbuf *b)
{
  free(b->buf);
  dynbuf_init(b, b->max);
}

void dynbuf_reset(struct dynbuf *b)
{
  b->len = 0;
  if (b->buf)
    b->buf[0] = '\0';
}

/* Make room for 'extra' more content bytes plus the NUL. */
static dynbuf_result ensure(struct dynbuf *b, size_t extra)
{
  size_t need, a;
  char *p;

  /* Overflow-safe form of: len + extra + 1 > max */
  if (b->max == 0 || extra > b->max - 1 - b->len)
    return DYNBUF_TOO_BIG;
  need = b->len + extra + 1;
  if (need <= b->alloc)
    return DYNBUF_OK;

  /* Doubling keeps appends amortised O(1); clamp to max. */
  a = b->alloc ? b->alloc : DYNBUF_MIN_ALLOC;
  while (a < need) {
    if (a > b->max / 2) {
      a = b->max;
      break;
    }
    a *= 2;
  }
  if (a > b->max)
    a = b->max;
  if (a < need)
    a = need;

  p = realloc(b->buf, a);
  if (!p)
    return DYNBUF_NOMEM;
  b->buf = p;
  b->alloc = a;
  return DYNBUF_OK;
}

dynbuf_result dynbuf_add(struct dynbuf *b, const void *mem, size_t len)
{
  dynbuf_result r = ensure(b, len);

  if (r != DYNBUF_OK)
    return r;
  if (len)
    memcpy(b->buf + b->len, mem, len);
  b->len += len;
  b->buf[b->len] = '\0';
  return DYNBUF_OK;
}

dynbuf_result dynbuf_addstr(struct dynbuf *b, const char *s)
{
  return dynbuf_add(b, s, strlen(s));
}

dynbuf_result dynbuf_addc(struct dynbuf *b, char c)
{
  return dynbuf_add(b, &c, 1);
}

dynbuf_result dynbuf_printf(struct dynbuf *b, const char *fmt, ...)
{
  va_list ap;
  int n;
  dynbuf_result r;

  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return DYNBUF_NOMEM;

  r = ensure(b, (size_t)n);
  if (r != DYNBUF_OK)
    return r;

  va_start(ap, fmt);
  n = vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->buf[b->len] = '\0';
    return DYNBUF_NOMEM;
  }
  b->len += (size_t)n;
  return DYNBUF_OK;
}

const char *dynbuf_ptr(const struct dynbuf *b)
{
  return b->buf ? b->buf : "";
}

size_t dynbuf_len(const struct dynbuf *b)
{
  return b->len;
}

char *dynbuf_detach(struct dynbuf *b)
{
  char *p = b->buf;

  if (!p)
    p = strdup("");
  dynbuf_init(b, b->max);
  return p;
}

void dynbuf_truncate(struct dynbuf *b, size_t len)
{
  if (len < b->len) {
    b->len = len;
    b->buf[len] = '\0';
  }
}

const char *dynbuf_strerror(dynbuf_result r)
{
  switch (r) {
  case DYNBUF_OK: return "no error";
  case DYNBUF_TOO_BIG: return "buffer size limit exceeded";
  case DYNBUF_NOMEM: return "out of memory";
  }
  return "unknown dynbuf error";
}
