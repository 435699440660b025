/* cJSON's allocations in a page arena (transform/json_arena.c): a tree
 * built inside prints the same as outside, memory from before the arena
 * is freed normally inside it, a reset keeps the arena usable, nesting
 * restores the outer arena, outside any arena cJSON is plain malloc, and
 * a reused arena keeps its memory between pages. */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cunit_main.h"
#include "json_arena.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#ifdef TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

#define DOC "{\"a\":[1,2.5,\"x\\u00e9\"],\"b\":{\"c\":null,\"d\":true},\"e\":\"" \
            "a long enough string to need its own allocation\"}"

static void test_same_text_inside(void)
{
  struct json_arena a;
  cJSON *outside = cJSON_Parse(DOC), *before = cJSON_CreateString("made before");
  char *want = cJSON_PrintUnformatted(outside), *got;

  CU_ASSERT_PTR_NOT_NULL_FATAL(want);
  json_arena_begin(&a);
  for (int i = 0; i < 2000; i++) { /* several chunks */
    cJSON *doc = cJSON_Parse(DOC);
    got = cJSON_PrintUnformatted(doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    if (i == 0)
      CU_ASSERT_STRING_EQUAL(got, want);
    cJSON_free(got); /* a no-op inside the arena */
    cJSON_Delete(doc);
  }
  CU_ASSERT_PTR_NOT_NULL(a.chunks);
  CU_ASSERT_PTR_NOT_NULL(a.chunks->next);
  cJSON_Delete(before); /* not the arena's: really freed (ASan would tell) */
  json_arena_reset(&a);
  CU_ASSERT_PTR_NOT_NULL(a.chunks);
  CU_ASSERT_PTR_NULL(a.chunks->next);
  got = cJSON_PrintUnformatted(cJSON_Parse(DOC));
  CU_ASSERT_STRING_EQUAL(got, want);
  json_arena_end(&a);
  CU_ASSERT_PTR_NULL(a.chunks);
  cJSON_Delete(outside);
  free(want); /* made outside: malloc'd */
}

static void test_nested(void)
{
  struct json_arena outer, inner;
  cJSON *o, *i;

  json_arena_begin(&outer);
  o = cJSON_CreateObject();
  json_arena_begin(&inner);
  i = cJSON_CreateString("inner");
  cJSON_Delete(o); /* the outer arena's: still a no-op */
  json_arena_end(&inner);
  i = cJSON_CreateString("outer again");
  CU_ASSERT_PTR_NOT_NULL(i);
  CU_ASSERT_PTR_NOT_NULL(outer.chunks);
  json_arena_end(&outer);
  /* outside: a plain allocation that free() accepts */
  i = cJSON_CreateString("plain");
  CU_ASSERT_STRING_EQUAL(i->valuestring, "plain");
  cJSON_Delete(i);
}

/* A reused arena keeps one chunk as large as a page needed: the next page
 * fits in it. */
static void test_resume_suspend(void)
{
  static struct json_arena a; /* zero-initialised, as the transform's */
  cJSON *doc = cJSON_Parse(DOC);
  char *want = cJSON_PrintUnformatted(doc), *got;
  size_t kept;

  cJSON_Delete(doc);
  for (int round = 0; round < 3; round++) {
    json_arena_resume(&a);
    for (int i = 0; i < 3000; i++)
      CU_ASSERT_PTR_NOT_NULL(cJSON_Parse(DOC));
    got = cJSON_PrintUnformatted(cJSON_Parse(DOC));
    CU_ASSERT_STRING_EQUAL(got, want);
    if (round > 0)
      CU_ASSERT_PTR_NULL(a.chunks->next); /* it all fit in the kept chunk */
    json_arena_suspend(&a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a.chunks);
    CU_ASSERT_PTR_NULL(a.chunks->next);
    CU_ASSERT_EQUAL(a.chunks->used, 0);
  }
  kept = a.chunks->size;
  CU_ASSERT(kept > 256u << 10);
  json_arena_end(&a); /* what the kept chunk held is freed */
  free(want);
}

/* Under ASan a node of a page already suspended is poisoned, so a stale
 * pointer into it faults instead of reading the next page's tree; a live
 * node is not. Without ASan there is nothing to observe. */
static void test_stale_pointer_poisoned(void)
{
#ifdef TEST_ASAN
  static struct json_arena a;
  cJSON *old, *live;

  json_arena_resume(&a);
  old = cJSON_Parse(DOC);
  CU_ASSERT_PTR_NOT_NULL_FATAL(old);
  CU_ASSERT_FALSE(__asan_address_is_poisoned(old));
  json_arena_suspend(&a);
  CU_ASSERT_TRUE(__asan_address_is_poisoned(old));
  json_arena_resume(&a);
  live = cJSON_Parse("[1]");
  CU_ASSERT_PTR_NOT_NULL_FATAL(live);
  CU_ASSERT_FALSE(__asan_address_is_poisoned(live));
  json_arena_reset(&a);
  CU_ASSERT_TRUE(__asan_address_is_poisoned(live));
  json_arena_suspend(&a);
  json_arena_end(&a);
#endif
}

static CU_TestInfo tests[] = {
  { "a tree in the arena prints the same; reset and foreign frees", test_same_text_inside },
  { "nested arenas", test_nested },
  { "a reused arena keeps one chunk for the next page", test_resume_suspend },
  { "under ASan a suspended page's nodes are poisoned", test_stale_pointer_poisoned },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("json_arena", tests)
