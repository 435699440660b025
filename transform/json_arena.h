/*
 * json_arena.h — cJSON's allocations while one page (or one record) is
 * mapped come from a bump arena instead of malloc: a page's tree is tens
 * of thousands of small nodes and strings, and allocating and freeing them
 * one by one was a fifth of the transform's time. Ending the arena frees
 * the whole tree at once; cJSON_Delete of it is not needed (it is a no-op
 * walk).
 *
 * The hooks are installed for the whole process on first use (cJSON has
 * one set); outside an arena, and for memory that is not the arena's, they
 * are plain malloc and free. The current arena is per thread. Nothing
 * cJSON allocated inside an arena may be used after it ends.
 */
#ifndef TTHC_JSON_ARENA_H
#define TTHC_JSON_ARENA_H

#include <stddef.h>

struct arena_chunk {
  struct arena_chunk *next;
  size_t size, used; /* bytes of data[] */
  _Alignas(16) unsigned char data[];
};

struct json_arena {
  struct arena_chunk *chunks; /* newest first */
  size_t next_size;           /* of the next chunk */
  struct json_arena *outer;   /* the arena active before this one */
};

/* Makes a the calling thread's arena until json_arena_end(). */
void json_arena_begin(struct json_arena *a);

/* Frees everything allocated in a but its first chunk, which is kept for
 * reuse; a stays active. */
void json_arena_reset(struct json_arena *a);

/* Frees everything allocated in a; the previous arena (or none) is active
 * again. */
void json_arena_end(struct json_arena *a);

/* For an arena used again and again (one per thread for the pages of a
 * run, zero-initialised): json_arena_resume() makes it active keeping
 * the memory it held; json_arena_suspend() empties it, keeping one chunk
 * as large as all it used (up to JSON_ARENA_KEEP bytes) so the next page
 * neither allocates nor faults its pages in again, and makes the previous
 * arena active. */
#define JSON_ARENA_KEEP (32u << 20)
void json_arena_resume(struct json_arena *a);
void json_arena_suspend(struct json_arena *a);

#endif
