/*
 * portal_parse.c — the national portal's LayDanhSachHoSo pages (JSON,
 * sources.md §1): the envelope; each HoSo goes through hoso_map.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "hoso_map.h"
#include "json_field.h"
#include "source_parser.h"

static void map_portal(struct mapper *m, const struct page_ctx *page)
{
  hoso_map(m, &hoso_profile_portal, page);
}

static const struct record_format portal_format = { map_portal, time_parse_compact,
                                                    "yyyyMMddHHmmss" };

/* error_code "0" (or 0) is success; anything else is an error answer. */
static const struct json_envelope portal_envelope = { "result", "error_code", "0", "error_code" };

static parse_result parse_portal_page(const char *data, size_t len, const struct page_ctx *page,
                                      const struct record_sink *sink)
{
  return json_page_parse(&portal_format, &portal_envelope, data, len, page, sink);
}

const struct source_parser portal_parser = {
  .kind = SOURCE_PORTAL,
  .page_suffix = ".json",
  .parse_page = parse_portal_page,
};
