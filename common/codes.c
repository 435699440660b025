#include "codes.h"

#include <string.h>

#include "text.h"

static bool is_ascii_space(unsigned char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void set_empty(char *dst, size_t dstsz)
{
  if (dstsz > 0)
    dst[0] = '\0';
}

code_result code_normalise(const char *src, char *dst, size_t dstsz)
{
  const unsigned char *p, *end;
  size_t n = 0;
  code_result r = CODE_OK;

  set_empty(dst, dstsz);
  if (!src)
    return CODE_ABSENT;
  p = (const unsigned char *)src;
  end = p + strlen(src);
  if (!utf8_valid(src, (size_t)(end - p)))
    return CODE_INVALID;
  /* Trim ends, so a trailing "\r\n" from a CSV line is harmless. */
  while (p < end && is_ascii_space(*p))
    p++;
  while (end > p && is_ascii_space(end[-1]))
    end--;

  while (p < end) {
    unsigned char c = *p;

    if (c == ' ' || c == '\t') {
      p++;
      continue;
    }
    if (c == 0xC2 && p + 1 < end && p[1] == 0xA0) { /* NBSP */
      p += 2;
      continue;
    }
    if (c < 0x20 || c == 0x7F || (c == 0xC2 && p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9F)) {
      r = CODE_INVALID;
      goto out;
    }
    if (c >= 'a' && c <= 'z')
      c = (unsigned char)(c - 'a' + 'A');
    else if (c == '_')
      c = '-';
    if (n + 1 >= dstsz) {
      r = CODE_TOO_LONG;
      goto out;
    }
    dst[n++] = (char)c;
    p++;
  }
  if (n == 0) {
    r = CODE_ABSENT;
    goto out;
  }
  dst[n] = '\0';
out:
  if (r != CODE_OK)
    set_empty(dst, dstsz);
  return r;
}

bool commune_code_valid(const char *s)
{
  if (!s)
    return false;
  for (int i = 0; i < 5; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return s[5] == '\0';
}

code_result scalar_code(const char *s, char *dst, size_t dstsz)
{
  char buf[256];
  const char *p = buf;
  size_t n;
  code_result r;

  set_empty(dst, dstsz);
  /* Normalised first, so "0 2" is the number 02 and then 2: normalising
   * the result again must change nothing, or two spellings of one code
   * never compare equal. */
  r = code_normalise(s, buf, sizeof(buf));
  if (r == CODE_TOO_LONG) /* no status is that long: an ordinary code */
    return code_normalise(s, dst, dstsz);
  if (r != CODE_OK)
    return r;
  if (buf[strspn(buf, "0123456789")] == '\0')
    while (p[0] == '0' && p[1]) /* keep one digit */
      p++;
  n = strlen(p);
  if (n + 1 > dstsz)
    return CODE_TOO_LONG;
  memcpy(dst, p, n + 1);
  return CODE_OK;
}

const char *code_strerror(code_result r)
{
  switch (r) {
  case CODE_OK: return "no error";
  case CODE_ABSENT: return "code is absent";
  case CODE_TOO_LONG: return "code is too long";
  case CODE_INVALID: return "code contains control characters or invalid UTF-8";
  }
  return "unknown code error";
}
