/*
 * cchc - the items of the administrative-reform inspection outline that the
 * warehouse can answer (../shared/seeds/001_*.txt, appendix, section II.2
 * "Cải cách thủ tục hành chính", which the one-stop centre fills in), in the
 * outline's order, each either filled from the report's figures or marked
 * as not held by the systems, with the reason.  Every output format prints
 * this same list (tthc-report --form cchc).
 */
#ifndef TTHC_CCHC_H
#define TTHC_CCHC_H

#include <stdbool.h>
#include <stddef.h>

#include "figures.h"

#define CCHC_MAX_ITEMS 24
#define CCHC_NOTE_MAX  400

struct cchc_item {
  const char *number; /* "1", "1.2", … */
  const char *key;    /* stable English key (CSV, JSON) */
  const char *label;  /* the outline's wording, with diacritics */
  const char *chart;  /* a short name for a chart's axis ("Giải quyết đúng hạn"), or NULL */
  bool held;          /* false: the systems do not hold it; note says why */
  bool has_count;
  long long count; /* hồ sơ / thủ tục / PAKN */
  const char *count_unit;
  bool has_share; /* a percentage is part of the item */
  struct share share;
  long target_centi; /* RATE_NO_TARGET when the outline or the targets set none */
  int met;           /* rate_meets_target-style: -1 no target or no value */
  char note[CCHC_NOTE_MAX];
};

/*
 * Fill items[0..] (at most max, CCHC_MAX_ITEMS is enough) from f, which
 * must hold the CCHC counts (f->parts has PART_CCHC).  Returns the number
 * of items.
 */
size_t cchc_build(const struct report_figures *f, struct cchc_item *items, size_t max);

/* Text of an item's value as a person reads it: "6.306 hồ sơ",
 * "99,52 %", "6.215 hồ sơ (99,42 %)", "Không có số liệu", or the "not held"
 * words.  Cut to n. */
void cchc_value_text(const struct cchc_item *it, char *out, size_t n);

/* The words printed for an item the systems do not hold. */
#define CCHC_NOT_HELD "Hệ thống không lưu"

#endif
