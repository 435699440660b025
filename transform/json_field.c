#include "json_field.h"

#include "jsontext.h"

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

const char *jf_value(const cJSON *it, char numbuf[JF_BUF])
{
  if (!it || cJSON_IsNull(it))
    return NULL;
  if (cJSON_IsString(it))
    return (it->valuestring && !blank(it->valuestring)) ? it->valuestring : NULL;
  if (cJSON_IsNumber(it)) /* long integers came as strings (jsontext.h) */
    return json_number_text(it->valuedouble, numbuf);
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
