/* libFuzzer harness: the date parsers (common/timeutil.h) on any text.
 * A time a parser accepts, written back in its format, reads as the same
 * instant; a refused one leaves the output untouched. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"

static void same_again(time_result (*parse)(const char *, tthc_time *),
                       void (*format)(tthc_time, char *), const char *s)
{
  tthc_time t = 12345, back = 0;
  char out[40];
  time_result r = parse(s, &t);

  if (r != TIME_OK) {
    if (t != 12345)
      abort(); /* untouched on error */
    return;
  }
  format(t, out);
  if (out[0] && (parse(out, &back) != TIME_OK || back != t))
    abort();
}

static void compact(tthc_time t, char *out)
{
  time_format_compact_local(t, out);
}

static void dmy(tthc_time t, char *out)
{
  time_format_dmy_local(t, out);
}

static void iso(tthc_time t, char *out)
{
  time_format_iso_local(t, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1);
  int y, m, d;

  if (!s)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  same_again(time_parse_compact, compact, s);
  same_again(time_parse_dmy, dmy, s);
  same_again(time_parse_iso, iso, s);
  same_again(time_parse_since, iso, s);
  if (time_parse_date(s, &y, &m, &d) == TIME_OK && !time_date_valid(y, m, d))
    abort();
  free(s);
  return 0;
}
