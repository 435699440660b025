#include "canonical.h"

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

/* Text that text_clean() would return unchanged: no control characters
 * anywhere, nothing to trim, not too long, valid UTF-8. */
static int already_clean(const char *s, size_t *len)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t n = 0;

  for (; p[n]; n++)
    if (p[n] < 0x20 || p[n] == 0x7F)
      return 0;
  *len = n;
  return n > 0 && n <= CANON_TEXT_MAX && !is_space_or_ctrl(p[0]) && !is_space_or_ctrl(p[n - 1]) &&
         utf8_valid(s, n);
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

canon_result canon_set_time(struct canonical_record *r, enum dossier_field f, tthc_time t)
{
  char buf[32];

  if (t == TTHC_TIME_NONE) {
    canon_take(r, f, NULL);
    return CANON_OK;
  }
  time_format_utc(t, buf);
  return set_copy(r, f, buf);
}

canon_result canon_set_int(struct canonical_record *r, enum dossier_field f, long long v)
{
  char buf[24];
  snprintf(buf, sizeof(buf), "%lld", v);
  return set_copy(r, f, buf);
}

canon_result canon_set_bool(struct canonical_record *r, enum dossier_field f, bool v)
{
  return set_copy(r, f, v ? "t" : "f");
}

dynbuf_result canon_write_copy(const struct canonical_record *r, struct dynbuf *out)
{
  dynbuf_result result = DYNBUF_OK;

  for (int i = 0; i < DF__COUNT && !result; i++) {
    if (i)
      result = dynbuf_addc(out, '\t');
    if (!result)
      result = copy_escape(out, r->v[i]);
  }
  if (!result)
    result = dynbuf_addc(out, '\n');
  return result;
}
