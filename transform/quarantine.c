#include "quarantine.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

int quarantine_text(struct dynbuf *b, const char *raw, size_t len, size_t max)
{
  const unsigned char *p = (const unsigned char *)raw;
  size_t i = 0, n = len < max ? len : max;

  while (i < n) {
    size_t k = p[i] ? utf8_seq_len(p + i, n - i) : 0;
    if (k > 0) {
      if (dynbuf_add(b, p + i, k))
        return 1;
      i += k;
    } else {
      if (dynbuf_printf(b, "\\x%02X", p[i]))
        return 1;
      i++;
    }
  }
  return len > max;
}

/* A column as COPY text that is valid UTF-8 whatever it holds: a reason
 * quotes the bad value (cut at a byte count, maybe inside a character), a
 * field can be a member name from the data. */
static dynbuf_result storable_column(struct dynbuf *line, const char *s)
{
  struct dynbuf text;
  dynbuf_result result;

  if (!s || utf8_valid(s, strlen(s)))
    return text_copy_escape(line, s);
  dynbuf_init(&text, 4 * strlen(s) + 1);
  result = quarantine_text(&text, s, strlen(s), strlen(s)) ? DYNBUF_NOMEM : DYNBUF_OK;
  if (!result)
    result = text_copy_escape(line, dynbuf_ptr(&text));
  dynbuf_release(&text);
  return result;
}

dynbuf_result quarantine_row(struct dynbuf *line, const char *source_name, const char *source_kind,
                             const char *unit_code, const char *location, const char *field,
                             const char *reason, const char *raw, size_t rawlen)
{
  struct dynbuf text;
  const char *cols[6] = { source_name, source_kind, unit_code, location, field, reason };
  dynbuf_result result = DYNBUF_OK;

  dynbuf_reset(line);
  dynbuf_init(&text, QUARANTINE_RAW_MAX + 64);
  if (quarantine_text(&text, raw, rawlen, QUARANTINE_RAW_MAX))
    (void)dynbuf_addstr(&text, " [cut]");
  for (int i = 0; i < 6 && !result; i++) {
    result = storable_column(line, cols[i]);
    if (!result)
      result = dynbuf_addc(line, '\t');
  }
  if (!result)
    result = text_copy_escape(line, dynbuf_ptr(&text));
  if (!result)
    result = dynbuf_addc(line, '\n');
  dynbuf_release(&text);
  return result;
}
