/*
 * source_parser.h — one table of callbacks per source kind (the shape of a
 * Fluent Bit input plugin): how to turn one landed page of that source into
 * canonical records. Adding a source kind is one new parser.
 */
#ifndef TTHC_SOURCE_PARSER_H
#define TTHC_SOURCE_PARSER_H

#include <stddef.h>

#include "canonical.h"
#include "config.h"

/* Where a page came from; every record and reject carries it. */
struct page_ctx {
  const char *source_name; /* [source NAME] */
  source_kind kind;
  const char *commune;                /* commune the page was requested for */
  const char *location;               /* "RUN/landing/SOURCE/COMMUNE/page-000001.json" */
  const struct source_config *source; /* its configuration; NULL when no longer configured */
};

/* Why a record cannot be used. field is the source's field name (valid
 * during the sink's call only: it may be a member name from the data). */
struct reject_info {
  const char *field;
  char reason[300];
};

/* Receives each record of a page: either a canonical record (rec != NULL)
 * or a reject (why != NULL) with the record's raw text. index is the
 * record's position in the page, from 0. Returns 0 to go on, -1 to stop. */
struct record_sink {
  int (*record)(void *arg, const struct page_ctx *page, size_t index,
                const struct canonical_record *rec);
  int (*reject)(void *arg, const struct page_ctx *page, size_t index, const struct reject_info *why,
                const char *raw, size_t rawlen);
  void *arg;
};

typedef enum {
  PARSE_OK = 0,
  PARSE_BAD_PAGE, /* the page as a whole is unusable (reported via reject, index SIZE_MAX) */
  PARSE_STOPPED,  /* a sink asked to stop */
  PARSE_NOMEM
} parse_result;

struct source_parser {
  source_kind kind;
  const char *page_suffix; /* ".json" / ".xml" */
  parse_result (*parse_page)(const char *data, size_t len, const struct page_ctx *page,
                             const struct record_sink *sink);
};

/* The parser for a kind, or NULL when none is built in. */
const struct source_parser *source_parser_for(source_kind kind);

const char *source_parser_strerror(parse_result r);

/* Largest page file the transform reads into memory. */
#define PAGE_MAX_BYTES (64u << 20)

#endif
