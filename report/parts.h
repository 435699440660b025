/*
 * parts - the parts of a report file in the order every format writes
 * them, with their keys (CSV blocks, JSON members, --part) and Vietnamese
 * titles (sections, sheets), and the roman numbering of the sections.
 */
#ifndef TTHC_PARTS_H
#define TTHC_PARTS_H

#include <stddef.h>

struct part_info {
  unsigned bit;      /* PART_* of output.h */
  const char *key;   /* "bieu06", "rates", … */
  const char *title; /* "Biểu 06. …" */
  const char *sheet; /* xlsx sheet name (at most 31 characters) */
};

extern const struct part_info part_infos[];
extern const size_t part_count;

/* 1 -> "I", 2 -> "II", … 10 -> "X"; "" outside 1..10. */
const char *part_roman(int n);

#endif
