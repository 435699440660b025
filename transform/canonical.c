#include "canonical.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "text.h"

#define TTHC_STR_(x) #x
#define TTHC_STR(x)  TTHC_STR_(x)

const char *canon_strerror(canon_result r)
{
  switch (r) {
  case CANON_OK: return "no error";
  case CANON_INVALID_UTF8: return "not valid UTF-8";
  case CANON_TOO_LONG: return "longer than " TTHC_STR(CANON_TEXT_MAX) " bytes";
  case CANON_BAD_CODE: return "not a valid code";
  case CANON_NOMEM: return "out of memory";
  }
  return "unknown error";
}

void canon_init(struct canonical_record *r)
{
  memset(r->v, 0, sizeof(r->v));
  r->used = 0;
}

static int in_arena(const struct canonical_record *r, const char *p)
{
  uintptr_t a = (uintptr_t)r->arena, q = (uintptr_t)p;
  return q >= a && q < a + sizeof(r->arena);
}

/* Frees f's value unless it lives in the arena. */
static void drop(struct canonical_record *r, enum dossier_field f)
{
  if (!in_arena(r, r->v[f]))
    free(r->v[f]);
  r->v[f] = NULL;
}

void canon_release(struct canonical_record *r)
{
  for (int i = 0; i < DF__COUNT; i++)
    drop(r, (enum dossier_field)i);
  canon_init(r);
}

void canon_take(struct canonical_record *r, enum dossier_field f, char *value)
{
  drop(r, f);
  r->v[f] = value;
}

static canon_result set_copy_n(struct canonical_record *r, enum dossier_field f, const char *s,
                               size_t n)
{
  char *copy;

  if (n < sizeof(r->arena) - r->used) {
    copy = r->arena + r->used;
    r->used += n + 1;
  } else if (!(copy = malloc(n + 1))) {
    return CANON_NOMEM;
  }
  memcpy(copy, s, n);
  copy[n] = '\0';
  canon_take(r, f, copy);
  return CANON_OK;
}

static canon_result set_copy(struct canonical_record *r, enum dossier_field f, const char *s)
{
  return set_copy_n(r, f, s, strlen(s));
}

canon_result canon_set_json(struct canonical_record *r, enum dossier_field f, const cJSON *value)
{
  size_t room = sizeof(r->arena) - r->used;
  canon_result result;
  char *text;

  /* cJSON wants 5 bytes beyond the text when printing into a buffer */
  if (room > 64 && cJSON_PrintPreallocated((cJSON *)value, r->arena + r->used, (int)room, 0)) {
    text = r->arena + r->used;
    r->used += strlen(text) + 1;
    canon_take(r, f, text);
    return CANON_OK;
  }
  /* cJSON's memory may be a page's arena (json_arena.h): copied out */
  if (!(text = cJSON_PrintUnformatted(value)))
    return CANON_NOMEM;
  result = set_copy(r, f, text);
  cJSON_free(text);
  return result;
}

static int is_space_or_ctrl(unsigned char c)
{
  return c <= 0x20 || c == 0x7F;
}

#define BYTES(x) (0x0101010101010101ULL * (x))

/* Whether any byte of w is below 0x20 or is 0x7F; sets the high bits of
 * *high where a byte is 0x80 or above. Eight bytes at once: this check was
 * a twentieth of a ministry record's time a byte at a time. */
static int word_has_ctrl(uint64_t w, uint64_t *high)
{
  uint64_t del = w ^ BYTES(0x7F);

  *high |= w & BYTES(0x80);
  /* below 0x20: w - 0x20 borrows into the high bit of a byte below 0x80 */
  return (((w - BYTES(0x20)) & ~w) | ((del - BYTES(0x01)) & ~del)) & BYTES(0x80) ? 1 : 0;
}

/* Text that text_clean() would return unchanged: no control characters
 * anywhere, nothing to trim, not too long, valid UTF-8. */
static int already_clean(const char *s, size_t *len)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s), i = 0;
  uint64_t w, high = 0;

  for (; i + 8 <= n; i += 8) {
    memcpy(&w, p + i, 8);
    if (word_has_ctrl(w, &high))
      return 0;
  }
  for (; i < n; i++) {
    if (p[i] < 0x20 || p[i] == 0x7F)
      return 0;
    high |= p[i] & 0x80;
  }
  *len = n;
  return n > 0 && n <= CANON_TEXT_MAX && !is_space_or_ctrl(p[0]) && !is_space_or_ctrl(p[n - 1]) &&
         (!high || utf8_valid(s, n));
}

canon_result canon_set_text(struct canonical_record *r, enum dossier_field f, const char *s)
{
  char *clean = NULL;
  size_t n;

  if (s && already_clean(s, &n))
    return set_copy_n(r, f, s, n);
  switch (text_clean(s, CANON_TEXT_MAX, &clean)) {
  case TEXT_ABSENT: canon_take(r, f, NULL); return CANON_OK;
  case TEXT_INVALID_UTF8: return CANON_INVALID_UTF8;
  case TEXT_TRUNCATED: free(clean); return CANON_TOO_LONG;
  case TEXT_OK: break;
  }
  if (!clean)
    return CANON_NOMEM;
  canon_take(r, f, clean);
  return CANON_OK;
}

canon_result canon_set_code(struct canonical_record *r, enum dossier_field f, const char *s)
{
  char buf[CANON_CODE_MAX + 1];

  switch (code_normalise(s, buf, sizeof(buf))) {
  case CODE_ABSENT: canon_take(r, f, NULL); return CANON_OK;
  case CODE_OK: return set_copy(r, f, buf);
  case CODE_TOO_LONG:
  case CODE_INVALID: break;
  }
  return CANON_BAD_CODE;
}

/* Two digits of v at p. */
static void put2(char *p, int v)
{
  p[0] = (char)('0' + v / 10);
  p[1] = (char)('0' + v % 10);
}

/* time_format_utc(t, out), the date part kept for the day's next time: a
 * record's times fall on a few days, and the calendar arithmetic for each
 * was a thirtieth of a ministry record's time. Years 1970-9999 only; the
 * others go to time_format_utc(). */
static void format_utc(tthc_time t, char out[32])
{
  static _Thread_local struct {
    int64_t day;
    char date[12]; /* "YYYY-MM-DD " */
  } cache[16];
  int64_t day, secs;
  size_t slot;

  if (t < 0 || t > 253402300799LL) {
    time_format_utc(t, out);
    return;
  }
  day = t / 86400;
  secs = t % 86400;
  slot = (size_t)(day & 15);
  if (!cache[slot].date[0] || cache[slot].day != day) {
    char full[32];
    time_format_utc(day * 86400, full);
    memcpy(cache[slot].date, full, 11);
    cache[slot].date[11] = '\0';
    cache[slot].day = day;
  }
  memcpy(out, cache[slot].date, 11);
  put2(out + 11, (int)(secs / 3600));
  out[13] = ':';
  put2(out + 14, (int)(secs / 60 % 60));
  out[16] = ':';
  put2(out + 17, (int)(secs % 60));
  memcpy(out + 19, "+00", 4);
}

canon_result canon_set_time(struct canonical_record *r, enum dossier_field f, tthc_time t)
{
  char buf[32];

  if (t == TTHC_TIME_NONE) {
    canon_take(r, f, NULL);
    return CANON_OK;
  }
  format_utc(t, buf);
  return set_copy_n(r, f, buf, strlen(buf));
}

canon_result canon_set_int(struct canonical_record *r, enum dossier_field f, long long v)
{
  /* "%lld" by hand: snprintf was a twentieth of a ministry record's time */
  char buf[24], *p = buf + sizeof(buf);
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

  do
    *--p = (char)('0' + u % 10);
  while ((u /= 10) != 0);
  if (v < 0)
    *--p = '-';
  return set_copy_n(r, f, p, (size_t)(buf + sizeof(buf) - p));
}

canon_result canon_set_bool(struct canonical_record *r, enum dossier_field f, bool v)
{
  return set_copy(r, f, v ? "t" : "f");
}

/* What text_copy_escape() writes for s, appended at line[*n] (room bytes in
 * all); 0 when it does not fit. */
static int put_escaped(char *line, size_t *n, size_t room, const char *s)
{
  size_t at = *n;

  if (!s) {
    if (room - at < 2)
      return 0;
    memcpy(line + at, "\\N", 2);
    *n = at + 2;
    return 1;
  }
  /* plain runs copied in one go; only four bytes need escaping */
  while (*s) {
    size_t run = strcspn(s, "\\\t\n\r");
    if (room - at < run + 2)
      return 0;
    memcpy(line + at, s, run);
    at += run;
    s += run;
    if (!*s)
      break;
    line[at++] = '\\';
    line[at++] = *s == '\t' ? 't' : *s == '\n' ? 'n' : *s == '\r' ? 'r' : '\\';
    s++;
  }
  *n = at;
  return 1;
}

/* The line in one piece (one dynbuf_add, no call per byte) when it fits
 * in line; 0 when it does not. */
static int write_line(const struct canonical_record *r, char *line, size_t room, size_t *n)
{
  *n = 0;
  for (int i = 0; i < DF__COUNT; i++) {
    if (i) {
      if (*n >= room)
        return 0;
      line[(*n)++] = '\t';
    }
    if (!put_escaped(line, n, room, r->v[i]))
      return 0;
  }
  if (*n >= room)
    return 0;
  line[(*n)++] = '\n';
  return 1;
}

dynbuf_result canon_write_copy(const struct canonical_record *r, struct dynbuf *out)
{
  dynbuf_result result = DYNBUF_OK;
  char line[8192];
  size_t n;

  if (write_line(r, line, sizeof(line), &n))
    return dynbuf_add(out, line, n);

  for (int i = 0; i < DF__COUNT && !result; i++) {
    if (i)
      result = dynbuf_addc(out, '\t');
    if (!result)
      result = text_copy_escape(out, r->v[i]);
  }
  if (!result)
    result = dynbuf_addc(out, '\n');
  return result;
}
