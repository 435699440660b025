/*
 * jsonrec - JSON record rendering shared by the portal and the ministry
 * (see jsonrec.h).
 */
#include "jsonrec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

enum form { F_MISSING, F_EMPTY, F_NULL };

static void put_absent(struct sim_jrec *x, cJSON *o, const char *name, enum form f)
{
  if (f == F_EMPTY)
    sim_jrec_check(x, cJSON_AddStringToObject(o, name, ""));
  else if (f == F_NULL)
    sim_jrec_check(x, cJSON_AddNullToObject(o, name));
}

/* The form repr->absent forces or draws; -1 for the system's own. */
static int forced_form(const struct sim_jrec *x, unsigned salt)
{
  switch (x->repr ? x->repr->absent : SIM_ABSENT_MIXED) {
  case SIM_ABSENT_VARIED: return (int)sim_repr_pick(x->repr, x->d->variety, 0xab5e0000u + salt, 3);
  case SIM_ABSENT_NULL: return F_NULL;
  case SIM_ABSENT_EMPTY: return F_EMPTY;
  case SIM_ABSENT_MISSING: return F_MISSING;
  default: return -1;
  }
}

void sim_jrec_absent(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt)
{
  int f = forced_form(x, salt);
  unsigned c;

  if (f >= 0) {
    put_absent(x, o, name, (enum form)f);
    return;
  }
  c = sim_jrec_pick(x, salt, x->style->of);
  if (c == x->style->missing)
    return;
  put_absent(x, o, name, c == x->style->empty ? F_EMPTY : F_NULL);
}

void sim_jrec_null(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt)
{
  int f = forced_form(x, salt);

  put_absent(x, o, name, f >= 0 ? (enum form)f : F_NULL);
}

bool sim_jrec_as_number(const struct sim_jrec *x, unsigned salt, bool mixed)
{
  switch (x->repr ? x->repr->scalars : SIM_SCALARS_MIXED) {
  case SIM_SCALARS_VARIED: return sim_repr_pick(x->repr, x->d->variety, 0x5ca10000u + salt, 2);
  case SIM_SCALARS_STRINGS: return false;
  case SIM_SCALARS_NUMBERS: return true;
  default: return mixed;
  }
}

void sim_jrec_int(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt, long v,
                  bool mixed_number)
{
  char buf[24];

  if (sim_jrec_as_number(x, salt, mixed_number)) {
    sim_jrec_check(x, cJSON_AddNumberToObject(o, name, (double)v));
    return;
  }
  snprintf(buf, sizeof(buf), "%ld", v);
  sim_jrec_check(x, cJSON_AddStringToObject(o, name, buf));
}

void sim_jrec_bool(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt, bool v)
{
  unsigned how = 0; /* 0 a JSON boolean, 1 "true"/"false", 2 1/0 */

  switch (x->repr ? x->repr->scalars : SIM_SCALARS_MIXED) {
  case SIM_SCALARS_VARIED:
    how = sim_repr_pick(x->repr, x->d->variety, 0xb0010000u + salt, 3);
    break;
  case SIM_SCALARS_STRINGS: how = 1; break;
  case SIM_SCALARS_NUMBERS: how = 2; break;
  default: break;
  }
  if (how == 1)
    sim_jrec_check(x, cJSON_AddStringToObject(o, name, v ? "true" : "false"));
  else if (how == 2)
    sim_jrec_check(x, cJSON_AddNumberToObject(o, name, v));
  else
    sim_jrec_check(x, cJSON_AddBoolToObject(o, name, v));
}

#define SHUFFLE_MAX 64

static void shuffle(cJSON *o, uint64_t h)
{
  cJSON *items[SHUFFLE_MAX], *c;
  struct sim_rng g;
  size_t n = 0, k = 0;

  for (c = o->child; c; c = c->next) {
    if (cJSON_IsObject(c) || cJSON_IsArray(c))
      shuffle(c, sim_mix(h, cJSON_IsObject(o) && c->string ? sim_hash_str(c->string) : ++k));
    n++;
  }
  if (!cJSON_IsObject(o) || n < 2 || n > SHUFFLE_MAX)
    return; /* an array keeps its order: it is a list */
  n = 0;
  while ((c = o->child))
    items[n++] = cJSON_DetachItemViaPointer(o, c);
  sim_rng_init(&g, h);
  for (size_t i = n - 1; i > 0; i--) {
    size_t j = (size_t)sim_rng_below(&g, i + 1);

    c = items[i];
    items[i] = items[j];
    items[j] = c;
  }
  /* Re-linking detached members cannot fail (no allocation). */
  for (size_t i = 0; i < n; i++)
    cJSON_AddItemToArray(o, items[i]);
}

void sim_jrec_shuffle(struct sim_jrec *x, cJSON *o)
{
  if (x->repr && x->repr->order == SIM_ORDER_SHUFFLED && o)
    shuffle(o, sim_repr_hash(x->repr, x->d->variety, 0x04de5));
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
  /* yyyyMMddHHmmss is a scalar like any other: it may come as a number
   * (exact in a double); dd/MM/yyyy HH:mm:ss cannot. */
  if (strspn(buf, "0123456789") == strlen(buf) && sim_jrec_as_number(x, 0x7100 + salt, false))
    sim_jrec_check(x, cJSON_AddNumberToObject(o, name, strtod(buf, NULL)));
  else
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
