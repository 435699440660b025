#include "keyset.h"

#include <stdlib.h>
#include <string.h>

void keyset_init(struct keyset *s, size_t max_entries)
{
  memset(s, 0, sizeof(*s));
  s->max = max_entries;
}

void keyset_release(struct keyset *s)
{
  free(s->slots);
  keyset_init(s, s->max);
}

uint64_t keyset_hash(uint64_t h, const char *str)
{
  if (h == 0)
    h = 0xcbf29ce484222325ULL;
  for (const unsigned char *p = (const unsigned char *)str; *p; p++)
    h = (h ^ *p) * 0x100000001b3ULL;
  return (h ^ 0xff) * 0x100000001b3ULL; /* separator, so "ab"+"c" != "a"+"bc" */
}

static int insert(uint64_t *slots, size_t cap, uint64_t key)
{
  size_t i = (size_t)(key ^ (key >> 29)) & (cap - 1);

  while (slots[i]) {
    if (slots[i] == key)
      return 0;
    i = (i + 1) & (cap - 1);
  }
  slots[i] = key;
  return 1;
}

static int contains(const struct keyset *s, uint64_t key)
{
  size_t i;

  if (!s->cap)
    return 0;
  for (i = (size_t)(key ^ (key >> 29)) & (s->cap - 1); s->slots[i]; i = (i + 1) & (s->cap - 1))
    if (s->slots[i] == key)
      return 1;
  return 0;
}

int keyset_add(struct keyset *s, uint64_t key)
{
  int added;

  if (key == 0)
    key = 1;
  if (contains(s, key))
    return 0;
  if (s->len >= s->max)
    return -1;
  /* keep the load under one half */
  if ((s->len + 1) * 2 > s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 1024;
    uint64_t *slots;
    slots = calloc(cap, sizeof(*slots));
    if (!slots)
      return -1;
    for (size_t i = 0; i < s->cap; i++)
      if (s->slots[i])
        insert(slots, cap, s->slots[i]);
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
  }
  added = insert(s->slots, s->cap, key);
  s->len += (size_t)added;
  return added;
}
