#include "json_field.h"

#include "jsontext.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int blank(const char *s)
{
  for (; *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
      return 0;
  return 1;
}

const char *jf_scalar(const cJSON *obj, const char *key, char numbuf[JF_BUF])
{
  return jf_value(cJSON_GetObjectItemCaseSensitive(obj, key), numbuf);
}

/* json_number_text(d) through a small cache keyed by d's bits: a source's
 * numbers repeat (procedure codes such as 1.001193, fees), and the
 * shortest round-trip text takes up to 17 snprintf calls to find. */
static const char *number_text(double d, char numbuf[JF_BUF])
{
  static _Thread_local struct {
    uint64_t bits;
    char text[32];
    int used;
  } cache[64];
  uint64_t bits;
  size_t slot;

  memcpy(&bits, &d, sizeof(bits));
  slot = (size_t)((bits ^ (bits >> 29) ^ (bits >> 47)) & 63);
  if (!cache[slot].used || cache[slot].bits != bits) {
    json_number_text(d, cache[slot].text);
    cache[slot].bits = bits;
    cache[slot].used = 1;
  }
  memcpy(numbuf, cache[slot].text, sizeof(cache[slot].text));
  return numbuf;
}

const char *jf_value(const cJSON *it, char numbuf[JF_BUF])
{
  if (!it || cJSON_IsNull(it))
    return NULL;
  if (cJSON_IsString(it))
    return (it->valuestring && !blank(it->valuestring)) ? it->valuestring : NULL;
  if (cJSON_IsNumber(it)) /* long integers came as strings (jsontext.h) */
    return number_text(it->valuedouble, numbuf);
  if (cJSON_IsBool(it)) {
    strcpy(numbuf, cJSON_IsTrue(it) ? "1" : "0");
    return numbuf;
  }
  return NULL;
}

int jf_is_nonscalar(const cJSON *obj, const char *key)
{
  const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
  return it && (cJSON_IsObject(it) || cJSON_IsArray(it));
}

int jf_equals(const cJSON *obj, const char *key, const char *want)
{
  char buf[JF_BUF];
  const char *v = jf_scalar(obj, key, buf);
  return v && strcmp(v, want) == 0;
}
