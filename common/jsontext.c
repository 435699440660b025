/* jsontext.c — see jsontext.h. */
#include "jsontext.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The copy being written: never longer than twice the input (a raw NUL
 * grows to two bytes; everything else shrinks or grows less). */
struct marked {
  char *p;
  size_t n;
  long depth;    /* objects and arrays open at the end */
  int in_string; /* the text ended inside a string */
};

static void put(struct marked *o, const char *s, size_t n)
{
  memcpy(o->p + o->n, s, n);
  o->n += n;
}

static int hex4(const char *s, unsigned *v)
{
  unsigned x = 0;

  for (int i = 0; i < 4; i++) {
    char c = s[i];
    x <<= 4;
    if (c >= '0' && c <= '9')
      x |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f')
      x |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      x |= (unsigned)(c - 'A' + 10);
    else
      return 0;
  }
  *v = x;
  return 1;
}

static int is_u_escape(const char *s, size_t avail, unsigned *v)
{
  return avail >= 6 && s[0] == '\\' && s[1] == 'u' && hex4(s + 2, v);
}

/* At a backslash inside a string: copies the escape, or its mark; returns
 * the bytes of the input it took. */
static size_t escape(const char *s, size_t avail, struct marked *o)
{
  unsigned v, w;

  if (!is_u_escape(s, avail, &v)) {
    size_t n = avail < 2 ? avail : 2; /* cJSON judges the rest */
    put(o, s, n);
    return n;
  }
  if (v == 0) {
    put(o, "\xC0\x80", 2);
    return 6;
  }
  if (v >= 0xD800 && v <= 0xDBFF && is_u_escape(s + 6, avail - 6, &w) && w >= 0xDC00 &&
      w <= 0xDFFF) {
    put(o, s, 12); /* a real pair */
    return 12;
  }
  if (v >= 0xD800 && v <= 0xDFFF) {
    char mark[3] = { (char)(0xE0 | (v >> 12)), (char)(0x80 | ((v >> 6) & 0x3F)),
                     (char)(0x80 | (v & 0x3F)) };
    put(o, mark, 3);
    return 6;
  }
  put(o, s, 6);
  return 6;
}

/* At the start of a number: an integer too long for a double is written
 * as the string of its digits. Returns the bytes taken. */
static size_t number(const char *s, size_t avail, struct marked *o)
{
  size_t n = 0, digits = 0;
  int integer = 1;

  while (n < avail && s[n] && strchr("0123456789+-.eE", s[n]))
    n++;
  for (size_t i = 0; i < n; i++) {
    if (s[i] >= '0' && s[i] <= '9')
      digits++;
    else if (!(i == 0 && s[i] == '-'))
      integer = 0;
  }
  if (integer && digits > JSON_EXACT_DIGITS) {
    put(o, "\"", 1);
    put(o, s, n);
    put(o, "\"", 1);
  } else {
    put(o, s, n);
  }
  return n;
}

/* The marked copy of data, NUL-terminated. */
static int mark(const char *data, size_t len, struct marked *o)
{
  size_t i = 0;

  memset(o, 0, sizeof(*o));
  o->p = malloc(2 * len + 3);
  if (!o->p)
    return -1;
  while (i < len) {
    char c = data[i];
    if (o->in_string && c == '\\') {
      i += escape(data + i, len - i, o);
      continue;
    }
    if (o->in_string && c == '\0') {
      put(o, "\xC0\x80", 2);
      i++;
      continue;
    }
    if (!o->in_string && (c == '-' || (c >= '0' && c <= '9'))) {
      i += number(data + i, len - i, o);
      continue;
    }
    if (c == '"')
      o->in_string = !o->in_string;
    else if (!o->in_string && (c == '{' || c == '['))
      o->depth++;
    else if (!o->in_string && (c == '}' || c == ']'))
      o->depth--;
    put(o, data + i, 1);
    i++;
  }
  o->p[o->n] = '\0';
  return 0;
}

cJSON *json_parse_exact(const char *data, size_t len, struct json_error *err)
{
  struct json_error none;
  struct marked o;
  const char *end = NULL;
  cJSON *doc;

  if (!err)
    err = &none;
  memset(err, 0, sizeof(*err));
  if (!data)
    return NULL;
  if (mark(data, len, &o)) {
    err->nomem = true;
    return NULL;
  }
  doc = cJSON_ParseWithLengthOpts(o.p, o.n, &end, 0);
  if (!doc) {
    /* about there: the marks shift the copy by a few bytes each */
    size_t at = end && end >= o.p ? (size_t)(end - o.p) : 0;
    err->at = at < len ? at : len;
    err->unterminated = o.in_string || o.depth > 0 || len == 0;
  }
  free(o.p);
  return doc;
}

/* The mark at p, if any. */
static json_text_flaw_kind mark_at(const unsigned char *p)
{
  if (p[0] == 0xC0 && p[1] == 0x80)
    return JSON_TEXT_NUL;
  if (p[0] == 0xED && p[1] >= 0xA0 && p[1] <= 0xBF && p[2] >= 0x80 && p[2] <= 0xBF)
    return JSON_TEXT_SURROGATE;
  return JSON_TEXT_CLEAN;
}

json_text_flaw_kind json_text_flaw(const char *s)
{
  return s ? mark_at((const unsigned char *)s + json_text_clean_prefix(s)) : JSON_TEXT_CLEAN;
}

size_t json_text_clean_prefix(const char *s)
{
  size_t n = 0;

  while (s[n] && mark_at((const unsigned char *)s + n) == JSON_TEXT_CLEAN)
    n++;
  return n;
}

const char *json_text_flaw_name(json_text_flaw_kind k)
{
  switch (k) {
  case JSON_TEXT_NUL: return "a NUL character (\\u0000), where a string would be cut short";
  case JSON_TEXT_SURROGATE: return "a lone UTF-16 surrogate, which is no character";
  case JSON_TEXT_CLEAN: break;
  }
  return "";
}

const char *json_find_flaw(const cJSON *item, json_text_flaw_kind *kind)
{
  if (!item)
    return NULL;
  if (cJSON_IsString(item) && (*kind = json_text_flaw(item->valuestring)) != JSON_TEXT_CLEAN)
    return item->string;
  for (const cJSON *c = item->child; c; c = c->next) {
    json_text_flaw_kind k = json_text_flaw(c->string);
    if (k == JSON_TEXT_CLEAN && cJSON_IsString(c))
      k = json_text_flaw(c->valuestring);
    if (k == JSON_TEXT_CLEAN)
      (void)json_find_flaw(c, &k);
    if (k != JSON_TEXT_CLEAN) {
      *kind = k;
      return c->string ? c->string : item->string;
    }
  }
  *kind = JSON_TEXT_CLEAN;
  return NULL;
}

char *json_text_unmark(const char *text)
{
  const unsigned char *p = (const unsigned char *)text;
  char *out = malloc(3 * strlen(text) + 1), *o = out;

  if (!out)
    return NULL;
  while (*p) {
    json_text_flaw_kind k = mark_at(p);
    if (k == JSON_TEXT_NUL) {
      o += sprintf(o, "\\u0000");
      p += 2;
    } else if (k == JSON_TEXT_SURROGATE) {
      o += sprintf(o, "\\u%04x", 0xD000u | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu));
      p += 3;
    } else {
      *o++ = (char)*p++;
    }
  }
  *o = '\0';
  return out;
}

const char *json_number_text(double d, char buf[32])
{
  if (isfinite(d) && d == floor(d) && fabs(d) < 9007199254740992.0) {
    snprintf(buf, 32, "%.0f", d);
    return buf;
  }
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, 32, "%.*g", prec, d);
    if (strtod(buf, NULL) == d)
      break;
  }
  return buf;
}
