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
static int portal_check(const cJSON *doc, struct reject_info *why)
{
  char buf[JF_BUF];
  const char *code;

  if (jf_equals(doc, "error_code", "0"))
    return 0;
  code = jf_scalar(doc, "error_code", buf);
  why->field = "error_code";
  snprintf(why->reason, sizeof(why->reason), "page holds an error answer (error_code %.20s)",
           code ? code : "absent");
  return -1;
}

static parse_result parse_portal_page(const char *data, size_t len, const struct page_ctx *page,
                                      const struct record_sink *sink)
{
  return json_page_parse(&portal_format, "result", portal_check, data, len, page, sink);
}

const struct source_parser portal_parser = {
  .kind = SOURCE_PORTAL,
  .page_suffix = ".json",
  .parse_page = parse_portal_page,
};
