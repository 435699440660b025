/*
 * keyset.h — a set of 64-bit keys (open addressing), to count the records a
 * window (source × commune) of a run holds more than once (paging drift).
 * 16 to 32 bytes per distinct key (load kept at most one half), grown by
 * doubling up to a cap; keyset_release() empties it for the next window.
 */
#ifndef TTHC_KEYSET_H
#define TTHC_KEYSET_H

#include <stddef.h>
#include <stdint.h>

struct keyset {
  uint64_t *slots; /* 0 = empty (a key of 0 is stored as 1) */
  size_t cap, len, max;
};

void keyset_init(struct keyset *s, size_t max_entries);
void keyset_release(struct keyset *s);

/* Adds key: 1 when new, 0 when already present, -1 when full or out of memory. */
int keyset_add(struct keyset *s, uint64_t key);

/* FNV-1a of a string, chained: h = keyset_hash(h, "part"). Start from 0. */
uint64_t keyset_hash(uint64_t h, const char *s);

#endif
