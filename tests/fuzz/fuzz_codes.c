/* libFuzzer harness: the code normaliser (common/codes.h) on any text.
 * A normalised code is valid UTF-8 without blanks, lower-case letters or
 * '_', and normalising it again changes nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "text.h"

static void check(code_result (*normalise)(const char *, char *, size_t), const char *s)
{
  char out[64], again[64];

  if (normalise(s, out, sizeof(out)) != CODE_OK) {
    if (out[0])
      abort(); /* "" on any error */
    return;
  }
  if (!utf8_valid(out, strlen(out)) || strpbrk(out, " \t_abcdefghijklmnopqrstuvwxyz"))
    abort();
  if (normalise(out, again, sizeof(again)) != CODE_OK || strcmp(out, again))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1);

  if (!s)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  check(code_normalise, s);
  check(scalar_code, s);
  if (commune_code_valid(s) && (strlen(s) != 5 || strspn(s, "0123456789") != 5))
    abort();
  free(s);
  return 0;
}
