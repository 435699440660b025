/*
 * jsonrec - JSON record rendering shared by the portal and the ministry
 * (see jsonrec.h).
 */
#include "jsonrec.h"

#include "rng.h"

unsigned sim_jrec_pick(const struct sim_jrec *x, unsigned salt, unsigned n)
{
  return x->plain ? 0 : (unsigned)(sim_mix(x->d->variety, salt) % n);
}

void sim_jrec_check(struct sim_jrec *x, const void *added)
{
  if (!added)
    x->fail = true;
}

void sim_jrec_absent(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt)
{
  unsigned c = sim_jrec_pick(x, salt, x->style->of);

  if (c == x->style->missing)
    return;
  if (c == x->style->empty)
    sim_jrec_check(x, cJSON_AddStringToObject(o, name, ""));
  else
    sim_jrec_check(x, cJSON_AddNullToObject(o, name));
}

void sim_jrec_str(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt, const char *v)
{
  if (v && *v)
    sim_jrec_check(x, cJSON_AddStringToObject(o, name, v));
  else
    sim_jrec_absent(x, o, name, salt);
}

void sim_jrec_time(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt, sim_time t)
{
  char buf[24];

  if (!t) {
    sim_jrec_absent(x, o, name, salt);
    return;
  }
  x->style->time(t, buf);
  sim_jrec_check(x, cJSON_AddStringToObject(o, name, buf));
}

cJSON *sim_jrec_item(struct sim_jrec *x, cJSON *a)
{
  cJSON *o = cJSON_CreateObject();

  if (!o || !cJSON_AddItemToArray(a, o)) {
    cJSON_Delete(o);
    x->fail = true;
    return NULL;
  }
  return o;
}

cJSON *sim_json_keep(cJSON *o, bool ok)
{
  if (ok)
    return o;
  cJSON_Delete(o);
  return NULL;
}

bool sim_json_append(cJSON *a, cJSON *h)
{
  if (!h || !cJSON_AddItemToArray(a, h)) {
    cJSON_Delete(h);
    return false;
  }
  return true;
}

bool sim_json_replace(cJSON *o, const char *name, cJSON *v)
{
  cJSON_DeleteItemFromObjectCaseSensitive(o, name);
  if (!v || !cJSON_AddItemToObject(o, name, v)) {
    cJSON_Delete(v);
    return false;
  }
  return true;
}

void sim_reply_json(struct sim_response *r, int status, cJSON *j)
{
  char *s = j ? cJSON_PrintUnformatted(j) : NULL;

  cJSON_Delete(j);
  if (!s) {
    sim_response_set(r, 500, "text/plain; charset=utf-8", NULL, "out of memory");
    return;
  }
  sim_response_set(r, status, "application/json; charset=utf-8", s, NULL);
}
