#include "source_parser.h"

#include <stddef.h>

extern const struct source_parser portal_parser;
extern const struct source_parser city_parser;
extern const struct source_parser ministry_parser;

static const struct source_parser *const parsers[] = {
  &portal_parser,
  &city_parser,
  &ministry_parser,
};

const struct source_parser *source_parser_for(source_kind kind)
{
  for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++)
    if (parsers[i]->kind == kind)
      return parsers[i];
  return NULL;
}

const char *source_parser_strerror(parse_result r)
{
  switch (r) {
  case PARSE_OK: return "no error";
  case PARSE_BAD_PAGE: return "page not usable";
  case PARSE_STOPPED: return "stopped";
  case PARSE_NOMEM: return "out of memory";
  }
  return "unknown error";
}
