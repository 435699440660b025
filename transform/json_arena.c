/* json_arena.c — see json_arena.h. */
#include "json_arena.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include <cJSON.h>

/* Under AddressSanitizer the free part of every chunk is poisoned: a
 * pointer into the tree of a page already ended (or reset) then faults as
 * a use after free would, instead of reading the next page's nodes. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define ARENA_POISON(p, n)   ((void)(p), (void)(n))
#define ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define FIRST_CHUNK (256u << 10)
#define MAX_CHUNK   (8u << 20)
#define ALIGN       16u

static _Thread_local struct json_arena *current;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static int owns(const struct json_arena *a, const void *p)
{
  uintptr_t q = (uintptr_t)p;

  for (const struct arena_chunk *c = a->chunks; c; c = c->next)
    if (q >= (uintptr_t)c->data && q < (uintptr_t)c->data + c->size)
      return 1;
  return 0;
}

static void *arena_alloc(struct json_arena *a, size_t n)
{
  struct arena_chunk *c = a->chunks;

  n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
  if (!c || c->size - c->used < n) {
    size_t size = a->next_size;
    while (size < n)
      size *= 2;
    if (!(c = malloc(sizeof(*c) + size)))
      return NULL;
    c->size = size;
    c->used = 0;
    c->next = a->chunks;
    a->chunks = c;
    ARENA_POISON(c->data, c->size);
    if (a->next_size < MAX_CHUNK)
      a->next_size *= 2;
  }
  c->used += n;
  ARENA_UNPOISON(c->data + c->used - n, n);
  return c->data + c->used - n;
}

/* Empties c for reuse: its memory is free again (poisoned). */
static void chunk_empty(struct arena_chunk *c)
{
  c->used = 0;
  ARENA_POISON(c->data, c->size);
}

static void chunk_free(struct arena_chunk *c)
{
  ARENA_UNPOISON(c->data, c->size);
  free(c);
}

static void *hook_malloc(size_t n)
{
  return current ? arena_alloc(current, n) : malloc(n);
}

static void hook_free(void *p)
{
  for (const struct json_arena *a = current; a; a = a->outer)
    if (owns(a, p))
      return; /* freed with its arena */
  free(p);
}

static void install_hooks(void)
{
  cJSON_Hooks hooks = { hook_malloc, hook_free };
  cJSON_InitHooks(&hooks);
}

void json_arena_begin(struct json_arena *a)
{
  pthread_once(&hooks_once, install_hooks);
  a->chunks = NULL;
  a->next_size = FIRST_CHUNK;
  a->outer = current;
  current = a;
}

void json_arena_reset(struct json_arena *a)
{
  struct arena_chunk *c = a->chunks, *first = NULL;

  while (c) {
    struct arena_chunk *next = c->next;
    if (!next)
      first = c;
    else
      chunk_free(c);
    c = next;
  }
  a->chunks = first;
  if (first) {
    chunk_empty(first);
    a->next_size = first->size * 2;
  }
}

void json_arena_end(struct json_arena *a)
{
  struct arena_chunk *c = a->chunks;

  while (c) {
    struct arena_chunk *next = c->next;
    chunk_free(c);
    c = next;
  }
  a->chunks = NULL;
  current = a->outer;
}

void json_arena_resume(struct json_arena *a)
{
  pthread_once(&hooks_once, install_hooks);
  if (!a->next_size)
    a->next_size = FIRST_CHUNK;
  a->outer = current;
  current = a;
}

void json_arena_suspend(struct json_arena *a)
{
  size_t total = 0;
  struct arena_chunk *c = a->chunks;

  for (; c; c = c->next)
    total += c->size;
  current = a->outer;
  if (a->chunks && !a->chunks->next && a->chunks->size <= JSON_ARENA_KEEP) {
    chunk_empty(a->chunks); /* already one chunk: kept as it is */
    return;
  }
  json_arena_end(a);
  a->outer = NULL;
  a->next_size = FIRST_CHUNK;
  if (total > FIRST_CHUNK && total <= JSON_ARENA_KEEP && (c = malloc(sizeof(*c) + total))) {
    c->size = total;
    c->next = NULL;
    chunk_empty(c);
    a->chunks = c;
    a->next_size = total;
  }
}
