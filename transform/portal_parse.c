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

static int emit(const cJSON *hoso, size_t index, const struct page_ctx *page,
                const struct record_sink *sink)
{
  struct canonical_record rec;
  struct reject_info why = { 0 };
  struct mapper m;
  char *raw = cJSON_PrintUnformatted(hoso);
  int rc;

  if (!raw)
    return -2;
  canon_init(&rec);
  mapper_init(&m, hoso, &rec, &why, time_parse_compact, "yyyyMMddHHmmss");
  hoso_map(&m, &hoso_profile_portal, page);
  rc = record_deliver(&m, page, index, raw, sink);
  canon_release(&rec);
  free(raw);
  return rc;
}

static parse_result parse_portal_page(const char *data, size_t len, const struct page_ctx *page,
                                      const struct record_sink *sink)
{
  cJSON *doc = cJSON_ParseWithLength(data, len);
  const cJSON *list, *hoso;
  struct reject_info why = { "result", "" };
  parse_result result = PARSE_OK;
  char buf[JF_BUF];
  size_t i = 0;

  if (!doc) {
    snprintf(why.reason, sizeof(why.reason), "page is not valid JSON (near byte %zu)",
             cJSON_GetErrorPtr() ? (size_t)(cJSON_GetErrorPtr() - data) : (size_t)0);
    goto bad_page;
  }
  if (!jf_equals(doc, "error_code", "0")) {
    const char *code = jf_scalar(doc, "error_code", buf);
    why.field = "error_code";
    snprintf(why.reason, sizeof(why.reason), "page holds an error answer (error_code %.20s)",
             code ? code : "absent");
    goto bad_page;
  }
  list = cJSON_GetObjectItemCaseSensitive(doc, "result");
  if (list && !cJSON_IsNull(list) && !cJSON_IsArray(list)) {
    snprintf(why.reason, sizeof(why.reason), "\"result\" is not an array");
    goto bad_page;
  }
  cJSON_ArrayForEach(hoso, list) {
    int rc = emit(hoso, i++, page, sink);
    if (rc == -2) {
      result = PARSE_NOMEM;
      break;
    }
    if (rc) {
      result = PARSE_STOPPED;
      break;
    }
  }
  cJSON_Delete(doc);
  return result;

bad_page:
  cJSON_Delete(doc);
  if (sink->reject(sink->arg, page, SIZE_MAX, &why, data, len))
    return PARSE_STOPPED;
  return PARSE_BAD_PAGE;
}

const struct source_parser portal_parser = {
  .kind = SOURCE_PORTAL,
  .page_suffix = ".json",
  .parse_page = parse_portal_page,
};
