/* json_span.c — see json_span.h. */
#include "json_span.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int is_ws(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_ws(const char *p, const char *end)
{
  while (p < end && is_ws(*p))
    p++;
  return p;
}

/* p at '"': past the closing quote, or NULL. */
static const char *skip_string(const char *p, const char *end)
{
  for (p++; p < end; p++) {
    if (*p == '\\')
      p++;
    else if (*p == '"')
      return p + 1;
  }
  return NULL;
}

/* p at the start of a value: past its end, or NULL. */
static const char *skip_value(const char *p, const char *end)
{
  int depth = 0;

  if (p < end && *p != '{' && *p != '[' && *p != '"') {
    while (p < end && !is_ws(*p) && *p != ',' && *p != '}' && *p != ']')
      p++; /* a number or a literal */
    return p;
  }
  while (p < end) {
    if (*p == '"') {
      if (!(p = skip_string(p, end)))
        return NULL;
      if (depth == 0)
        return p;
      continue;
    }
    if (*p == '{' || *p == '[')
      depth++;
    else if ((*p == '}' || *p == ']') && --depth == 0)
      return p + 1;
    p++;
  }
  return NULL;
}

/* The array value of the first top-level member named key, or NULL. */
static const char *find_list(const char *p, const char *end, const char *key)
{
  size_t klen = strlen(key);

  p = skip_ws(p, end);
  if (p >= end || *p != '{')
    return NULL;
  for (p++;;) {
    const char *name, *name_end;
    p = skip_ws(p, end);
    if (p >= end || *p != '"')
      return NULL;
    name = p + 1;
    if (!(p = skip_string(p, end)))
      return NULL;
    name_end = p - 1;
    if (memchr(name, '\\', (size_t)(name_end - name)))
      return NULL; /* it might decode to key */
    p = skip_ws(p, end);
    if (p >= end || *p != ':')
      return NULL;
    p = skip_ws(p + 1, end);
    if ((size_t)(name_end - name) == klen && !memcmp(name, key, klen))
      return p < end && *p == '[' ? p : NULL;
    if (!(p = skip_value(p, end)))
      return NULL;
    p = skip_ws(p, end);
    if (p >= end || *p != ',')
      return NULL;
    p++;
  }
}

static size_t plain_integer(const char *p, const char *end);
static size_t literal(const char *p, const char *end);

#define BYTES(x) (0x0101010101010101ULL * (x))

/* Inside a string: past the bytes that are neither '"', '\\' nor a control
 * character, eight at a time (the bulk of a page is string bytes). */
static const char *skip_plain(const char *p, const char *end)
{
  uint64_t w, q, b, hit;

  while (end - p >= 8) {
    memcpy(&w, p, 8); /* little-endian: p[0] is the lowest byte */
    q = w ^ BYTES('"');
    b = w ^ BYTES('\\');
    hit = (((q - BYTES(1)) & ~q) | ((b - BYTES(1)) & ~b) | ((w - BYTES(0x20)) & ~w)) & BYTES(0x80);
    /* the lowest flagged byte is a real one (a borrow only flags bytes
     * above it) */
    if (hit) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      return p + __builtin_ctzll(hit) / 8;
#else
      break; /* found byte by byte below */
#endif
    }
    p += 8;
  }
  while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
    p++;
  return p;
}

/* p at the start of a value: past its end, or NULL, as skip_value(); with
 * *canonical set to json_is_canonical() of the bytes passed over. One pass
 * for both: the two walks were a tenth of a ministry page's time. */
static const char *scan_value(const char *p, const char *end, int *canonical)
{
  const char *start = p;
  int depth = 0, canon = 1;
  size_t n;

  if (p < end && *p != '{' && *p != '[' && *p != '"') {
    p = skip_value(p, end); /* a number or a literal */
    *canonical = p && json_is_canonical(start, (size_t)(p - start));
    return p;
  }
  while (p < end) {
    char c = *p;
    if (c == '"') {
      for (p++;; p++) {
        p = skip_plain(p, end);
        if (p >= end)
          return NULL;
        if (*p == '"')
          break;
        if ((unsigned char)*p < 0x20)
          canon = 0;
        else if (++p >= end) /* a backslash */
          return NULL;
        else if (!*p || !strchr("\"\\bfnrt", *p))
          canon = 0;
      }
      p++;
      if (depth == 0)
        break;
    } else if (c == '{' || c == '[') {
      depth++;
      p++;
    } else if (c == '}' || c == ']') {
      p++;
      if (--depth == 0)
        break;
    } else if (c == ',' || c == ':') {
      p++;
    } else if (canon && ((n = literal(p, end)) > 0 || (n = plain_integer(p, end)) > 0)) {
      p += n;
    } else {
      canon = 0; /* whitespace, another number: passed over a byte at a time */
      p++;
    }
  }
  if (p >= end && depth != 0)
    return NULL;
  *canonical = canon;
  return p;
}

long json_list_spans(const char *data, size_t len, const char *key, struct json_span **out)
{
  const char *end = data + len, *p = find_list(data, end, key);
  struct json_span *spans = NULL;
  size_t n = 0, cap = 0;

  *out = NULL;
  if (!p)
    return -1;
  for (p = skip_ws(p + 1, end); p < end && *p != ']';) {
    const char *start = p;
    int canonical;
    if (!(p = scan_value(p, end, &canonical)))
      goto fail;
    if (n == cap) {
      struct json_span *grown = realloc(spans, (cap = cap ? cap * 2 : 256) * sizeof(*grown));
      if (!grown)
        goto fail;
      spans = grown;
    }
    spans[n].start = (size_t)(start - data);
    spans[n].len = (size_t)(p - start);
    spans[n].canonical = canonical;
    n++;
    p = skip_ws(p, end);
    if (p < end && *p == ',')
      p = skip_ws(p + 1, end);
    else if (p >= end || *p != ']')
      goto fail;
  }
  if (p >= end)
    goto fail;
  *out = spans;
  return (long)n;
fail:
  free(spans);
  return -1;
}

/* An integer cJSON prints back as it is: -?(0|[1-9][0-9]{0,8}), not
 * followed by a fraction or an exponent. Returns its length, 0 if not. */
static size_t plain_integer(const char *p, const char *end)
{
  const char *q = p;
  size_t digits = 0;

  if (q < end && *q == '-')
    q++;
  if (q >= end || *q < '0' || *q > '9' || (*q == '0' && q > p))
    return 0; /* "-0" prints as 0 */
  if (*q == '0') {
    q++;
    digits = 1;
  } else {
    while (q < end && *q >= '0' && *q <= '9' && digits <= 9)
      q++, digits++;
  }
  if (digits > 9 || (q < end && ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E')))
    return 0;
  return (size_t)(q - p);
}

/* true, false or null at p: its length, 0 if none. */
static size_t literal(const char *p, const char *end)
{
  if (*p == 't' && end - p >= 4 && !memcmp(p, "true", 4))
    return 4;
  if (*p == 'f' && end - p >= 5 && !memcmp(p, "false", 5))
    return 5;
  if (*p == 'n' && end - p >= 4 && !memcmp(p, "null", 4))
    return 4;
  return 0;
}

int json_is_canonical(const char *text, size_t len)
{
  const char *p = text, *end = text + len;

  while (p < end) {
    char c = *p;
    size_t n;

    if (c == '"') {
      for (p++; p < end && *p != '"'; p++) {
        if ((unsigned char)*p < 0x20)
          return 0;
        if (*p == '\\' && (++p >= end || !*p || !strchr("\"\\bfnrt", *p)))
          return 0;
      }
      if (p >= end)
        return 0;
      p++;
    } else if (c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':') {
      p++;
    } else if (c == 't' && end - p >= 4 && !memcmp(p, "true", 4)) {
      p += 4;
    } else if (c == 'f' && end - p >= 5 && !memcmp(p, "false", 5)) {
      p += 5;
    } else if (c == 'n' && end - p >= 4 && !memcmp(p, "null", 4)) {
      p += 4;
    } else if ((n = plain_integer(p, end)) > 0) {
      p += n;
    } else {
      return 0;
    }
  }
  return 1;
}
