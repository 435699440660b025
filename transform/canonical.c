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
  memset(r, 0, sizeof(*r));
}

void canon_release(struct canonical_record *r)
{
  for (int i = 0; i < DF__COUNT; i++)
    free(r->v[i]);
  canon_init(r);
}

void canon_take(struct canonical_record *r, enum dossier_field f, char *value)
{
  free(r->v[f]);
  r->v[f] = value;
}

static canon_result set_copy(struct canonical_record *r, enum dossier_field f, const char *s)
{
  char *copy = strdup(s);
  if (!copy)
    return CANON_NOMEM;
  canon_take(r, f, copy);
  return CANON_OK;
}

canon_result canon_set_text(struct canonical_record *r, enum dossier_field f, const char *s)
{
  char *clean = NULL;

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
