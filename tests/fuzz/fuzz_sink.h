/*
 * fuzz_sink.h — what the parser harnesses check on every input: each
 * record a parser accepts becomes a COPY line that is valid UTF-8 with as
 * many columns as the schema, and each reject a quarantine row that is
 * valid UTF-8 too (PostgreSQL refuses the whole COPY otherwise, and the
 * load fails). A violation aborts: libFuzzer keeps the input.
 */
#ifndef TTHC_FUZZ_SINK_H
#define TTHC_FUZZ_SINK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"
#include "quarantine.h"
#include "source_parser.h"
#include "text.h"
#include "xmlsafe.h"

static struct dynbuf fuzz_line;

/* One whole line of valid UTF-8. */
static void fuzz_check_line(void)
{
  size_t n = dynbuf_len(&fuzz_line);

  if (!utf8_valid(dynbuf_ptr(&fuzz_line), n) || n == 0 || dynbuf_ptr(&fuzz_line)[n - 1] != '\n' ||
      memchr(dynbuf_ptr(&fuzz_line), '\n', n) != dynbuf_ptr(&fuzz_line) + n - 1)
    abort();
}

static int fuzz_record(void *arg, const struct page_ctx *page, size_t index,
                       const struct canonical_record *rec)
{
  size_t tabs = 0;

  (void)arg;
  (void)page;
  (void)index;
  dynbuf_reset(&fuzz_line);
  if (canon_write_copy(rec, &fuzz_line))
    return -1;
  fuzz_check_line();
  for (size_t i = 0; i < dynbuf_len(&fuzz_line); i++)
    tabs += dynbuf_ptr(&fuzz_line)[i] == '\t';
  if (tabs != DF__COUNT - 1) /* a value's tab or newline would shift the columns */
    abort();
  return 0;
}

static int fuzz_reject(void *arg, const struct page_ctx *page, size_t index,
                       const struct reject_info *why, const char *raw, size_t rawlen)
{
  (void)arg;
  (void)index;
  if (quarantine_row(&fuzz_line, page->source_name, "kind", page->commune, page->location,
                     why->field, why->reason, raw, rawlen))
    return -1;
  fuzz_check_line();
  return 0;
}

static int fuzz_parse(source_kind kind, const uint8_t *data, size_t size)
{
  static int ready;
  struct page_ctx page = { "fuzz", kind, "11002", "RUN/landing/fuzz/11002/page-000001", NULL };
  struct record_sink sink = { fuzz_record, fuzz_reject, NULL };

  if (!ready) {
    xml_global_init();
    dynbuf_init(&fuzz_line, 8u << 20);
    ready = 1;
  }
  (void)source_parser_for(kind)->parse_page((const char *)data, size, &page, &sink);
  return 0;
}

#endif
