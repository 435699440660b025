#include "text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
  unsigned char c;

  if (avail == 0)
    return 0;
  c = s[0];
  if (c < 0x80)
    return 1;
  /* C0/C1 would be overlong two-byte forms; F5+ exceed U+10FFFF. */
  if (c < 0xC2 || c > 0xF4)
    return 0;
  if (c < 0xE0) {
    if (avail < 2 || (s[1] & 0xC0) != 0x80)
      return 0;
    return 2;
  }
  if (c < 0xF0) {
    if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
      return 0;
    if (c == 0xE0 && s[1] < 0xA0) /* overlong */
      return 0;
    if (c == 0xED && s[1] > 0x9F) /* surrogate */
      return 0;
    return 3;
  }
  if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
    return 0;
  if (c == 0xF0 && s[1] < 0x90) /* overlong */
    return 0;
  if (c == 0xF4 && s[1] > 0x8F) /* > U+10FFFF */
    return 0;
  return 4;
}

bool utf8_valid(const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, n;

  while (i < len) {
    if (p[i] < 0x80) { /* fast path for ASCII */
      i++;
      continue;
    }
    n = utf8_seq_len(p + i, len - i);
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

static bool is_space(unsigned char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_ctrl(unsigned char c)
{
  return c < 0x20 || c == 0x7F;
}

text_result text_clean(const char *s, size_t max_bytes, char **out)
{
  const unsigned char *p, *end;
  char *buf;
  size_t n = 0, cut;
  text_result r = TEXT_OK;

  *out = NULL;
  if (!s)
    return TEXT_ABSENT;
  p = (const unsigned char *)s;
  end = p + strlen(s);
  if (!utf8_valid(s, (size_t)(end - p)))
    return TEXT_INVALID_UTF8;
  while (p < end && is_space(*p))
    p++;
  while (end > p && is_space(end[-1]))
    end--;
  if (p == end)
    return TEXT_ABSENT;

  /* Cleaning only shrinks, so the trimmed length is enough. */
  buf = malloc((size_t)(end - p) + 1);
  if (!buf) {
    errno = ENOMEM;
    return TEXT_ABSENT;
  }
  while (p < end) {
    const unsigned char *q = p;
    bool ctrl = false;

    if (!is_space(*p) && !is_ctrl(*p)) {
      buf[n++] = (char)*p++;
      continue;
    }
    /* A whitespace run: kept as is unless it hides a control. */
    while (q < end && (is_space(*q) || is_ctrl(*q))) {
      if (*q != ' ')
        ctrl = true;
      q++;
    }
    if (ctrl) {
      buf[n++] = ' ';
    } else {
      memcpy(buf + n, p, (size_t)(q - p));
      n += (size_t)(q - p);
    }
    p = q;
  }

  if (n > max_bytes) {
    r = TEXT_TRUNCATED;
    cut = max_bytes;
    /* Back up over continuation bytes to a character start. */
    while (cut > 0 && ((unsigned char)buf[cut] & 0xC0) == 0x80)
      cut--;
    n = cut;
    while (n > 0 && buf[n - 1] == ' ')
      n--;
  }
  buf[n] = '\0';
  *out = buf;
  return r;
}

const char *text_strerror(text_result r)
{
  switch (r) {
  case TEXT_OK: return "no error";
  case TEXT_ABSENT: return "text is absent";
  case TEXT_INVALID_UTF8: return "text is not valid UTF-8";
  case TEXT_TRUNCATED: return "text was truncated";
  }
  return "unknown text error";
}

dynbuf_result text_copy_escape(struct dynbuf *b, const char *s)
{
  size_t start = b->len;
  const char *run;
  dynbuf_result r = DYNBUF_OK;

  if (!s)
    return dynbuf_add(b, "\\N", 2);
  /* Copy plain runs in one go; only four bytes need escaping. */
  for (run = s;; s++) {
    const char *esc = NULL;

    switch (*s) {
    case '\\': esc = "\\\\"; break;
    case '\t': esc = "\\t"; break;
    case '\n': esc = "\\n"; break;
    case '\r': esc = "\\r"; break;
    case '\0': break;
    default: continue;
    }
    r = dynbuf_add(b, run, (size_t)(s - run));
    if (r != DYNBUF_OK || !esc)
      break;
    r = dynbuf_add(b, esc, 2);
    if (r != DYNBUF_OK)
      break;
    run = s + 1;
  }
  if (r != DYNBUF_OK)
    dynbuf_truncate(b, start);
  return r;
}
