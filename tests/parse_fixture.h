/*
 * parse_fixture.h — a record sink for the parser suites that remembers
 * what a parser delivered: how many records and rejects, a copy of the last
 * record, the last reject's field, reason and raw text.
 */
#ifndef TTHC_PARSE_FIXTURE_H
#define TTHC_PARSE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_parser.h"

struct seen {
  int records, rejects;
  struct canonical_record last;
  char reason[300];
  const char *field; /* field_buf, or NULL */
  char field_buf[128];
  char raw[4096];
  size_t last_index;
};

static int seen_record(void *arg, const struct page_ctx *p, size_t i,
                       const struct canonical_record *r)
{
  struct seen *s = arg;
  (void)p;
  s->records++;
  s->last_index = i;
  canon_release(&s->last);
  for (int f = 0; f < DF__COUNT; f++)
    s->last.v[f] = r->v[f] ? strdup(r->v[f]) : NULL;
  return 0;
}

static int seen_reject(void *arg, const struct page_ctx *p, size_t i, const struct reject_info *why,
                       const char *raw, size_t len)
{
  struct seen *s = arg;
  (void)p;
  s->rejects++;
  s->last_index = i;
  /* the name is valid during the call only (it may come from the data) */
  snprintf(s->field_buf, sizeof(s->field_buf), "%s", why->field ? why->field : "");
  s->field = why->field ? s->field_buf : NULL;
  snprintf(s->reason, sizeof(s->reason), "%s", why->reason);
  snprintf(s->raw, sizeof(s->raw), "%.*s", (int)(len < 4000 ? len : 4000), raw);
  return 0;
}

/* Runs kind's parser over one page into s. */
static inline parse_result seen_parse(struct seen *s, source_kind kind, const char *commune,
                                      const char *location, const struct source_config *cfg,
                                      const char *page, size_t len)
{
  struct page_ctx ctx = { "src-t", kind, commune, location, cfg };
  struct record_sink sink = { seen_record, seen_reject, s };
  return source_parser_for(kind)->parse_page(page, len, &ctx, &sink);
}

#endif
