/*
 * city_parse.c — the city TTHC system's KetQuaTraCuu pages (XML,
 * sources.md §2), read with libxml2's streaming reader so memory stays flat
 * however large a page: only one HoSo subtree is held at a time.
 *
 * Safety (xmlsafe.h): no network access, no entity substitution, no DTD
 * loading, no XML_PARSE_HUGE; a page with a DOCTYPE is refused as a whole
 * (the city systems never send one, and entity tricks start there). The
 * declared encoding is honoured (windows-1258 included, through iconv).
 *
 * Each HoSo is converted to the national field set (hoso_map.h) and mapped
 * like a portal record.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlsave.h>

#include "hoso_map.h"
#include "json_arena.h"
#include "source_parser.h"
#include "xmlsafe.h"

/* The text of a node whose only child is one text node (what an
 * attribute value or a simple element almost always is), borrowed from
 * the record's tree, which lives until the record is mapped; NULL when
 * it has to be assembled. */
static const char *single_text(xmlNodePtr children)
{
  if (children && children->type == XML_TEXT_NODE && !children->next && children->content)
    return (const char *)children->content;
  return NULL;
}

/* Attribute name's value (NULL when absent): borrowed from the tree, or
 * copied into *owned (xmlFree it) when it is not one text node. */
static const char *attr(xmlNodePtr n, const char *name, char **owned)
{
  xmlAttrPtr a = xmlHasProp(n, (const xmlChar *)name);
  const char *v;

  *owned = NULL;
  if (!a)
    return NULL;
  if (a->type == XML_ATTRIBUTE_NODE && (v = single_text(a->children)) != NULL)
    return v;
  *owned = (char *)xmlGetProp(n, (const xmlChar *)name);
  return *owned;
}

/* obj[key] = v: a reference when v is the tree's (the key is a literal or
 * the tree's), a copy when v was assembled. */
static void add_text(cJSON *obj, const char *key, const char *v, const char *owned)
{
  if (owned)
    cJSON_AddStringToObject(obj, key, v);
  else
    cJSON_AddItemToObjectCS(obj, key, cJSON_CreateStringReference(v));
}

/* Adds obj[key] = value of attribute name (absent attributes are skipped). */
static void add_attr(cJSON *obj, const char *key, xmlNodePtr n, const char *name)
{
  char *owned;
  const char *v = attr(n, name, &owned);
  if (v)
    add_text(obj, key, v, owned);
  xmlFree(owned);
}

/* An element's text content: borrowed when it is one text node, else
 * assembled into *owned (xmlFree it); "" when it has none. */
static const char *content(xmlNodePtr n, char **owned)
{
  const char *v = single_text(n->children);

  *owned = NULL;
  if (v)
    return v;
  if (!n->children)
    return "";
  *owned = (char *)xmlNodeGetContent(n);
  return *owned ? *owned : "";
}

static int name_is(xmlNodePtr n, const char *name)
{
  return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static cJSON *array_member(cJSON *obj, const char *key)
{
  cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);
  return a ? a : cJSON_AddArrayToObject(obj, key);
}

/* One HoSo element as a HoSo object in the portal's field names. */
static cJSON *hoso_to_json(xmlNodePtr hoso)
{
  cJSON *o = cJSON_CreateObject();
  int paid_online = 0, has_fee = 0;

  for (xmlNodePtr c = hoso->children; c && o; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    if (name_is(c, "PhongBanXuLy")) {
      char *owned;
      const char *text = content(c, &owned);
      add_attr(o, "MaDonViXuLy", c, "ma");
      add_text(o, "DonViXuLy", text, owned);
      xmlFree(owned);
    } else if (name_is(c, "QuaTrinhXuLy")) {
      cJSON *steps = array_member(o, "QuaTrinhXuLy");
      for (xmlNodePtr b = c->children; b; b = b->next) {
        cJSON *s;
        if (!name_is(b, "Buoc"))
          continue;
        s = cJSON_CreateObject();
        add_attr(s, "thoiDiem", b, "thoiDiem");
        add_attr(s, "trangThai", b, "trangThai");
        add_attr(s, "phongBan", b, "phongBan");
        cJSON_AddItemToArray(steps, s);
      }
    } else if (name_is(c, "ThanhPhanHoSo")) {
      cJSON *docs = array_member(o, "TaiLieuNop");
      for (xmlNodePtr g = c->children; g; g = g->next) {
        cJSON *d;
        if (!name_is(g, "GiayTo"))
          continue;
        d = cJSON_CreateObject();
        add_attr(d, "MaThanhPhanHoSo", g, "ma");
        add_attr(d, "DuocSoHoa", g, "duocSoHoa");
        add_attr(d, "DuocTaiSuDung", g, "duocTaiSuDung");
        add_attr(d, "DuocLayTuKhoDMQG", g, "layTuKhoDMQG");
        cJSON_AddItemToArray(docs, d);
      }
    } else if (name_is(c, "KetQua")) {
      cJSON *k = cJSON_CreateObject();
      add_attr(k, "MaGiayToKetQua", c, "ma");
      add_attr(k, "DuongDanTepTinKetQua", c, "tepDinhKem");
      cJSON_AddItemToArray(array_member(o, "DanhSachGiayToKetQua"), k);
    } else if (name_is(c, "LePhi")) {
      cJSON *f = cJSON_CreateObject();
      char *owned;
      const char *v;
      add_attr(f, "MaPhiLePhi", c, "ma");
      add_attr(f, "Gia", c, "gia");
      cJSON_AddItemToArray(array_member(o, "DanhSachLePhi"), f);
      has_fee = 1;
      if ((v = attr(c, "thanhToanTrucTuyen", &owned)) && !strcmp(v, "1"))
        paid_online = 1;
      xmlFree(owned);
    } else if (name_is(c, "YeuCauBoSung")) {
      char *owned;
      const char *req;
      /* <YeuCauBoSung ngayYeuCau=""/> is the city's way of saying "none" */
      if ((req = attr(c, "ngayYeuCau", &owned)) && req[strspn(req, " \t")]) {
        cJSON *s = cJSON_CreateObject();
        add_attr(s, "NgayYeuCau", c, "ngayYeuCau");
        add_attr(s, "NgayHoanThanh", c, "ngayHoanThanh");
        add_attr(s, "NgayHenTraMoi", c, "ngayHenTraMoi");
        cJSON_AddItemToArray(array_member(o, "DanhSachHoSoBoSung"), s);
      }
      xmlFree(owned);
    } else if (!cJSON_GetObjectItemCaseSensitive(o, (const char *)c->name)) {
      /* a simple element: its text (name and text are the tree's) */
      char *owned;
      const char *text = content(c, &owned);
      add_text(o, (const char *)c->name, text, owned);
      xmlFree(owned);
    }
  }
  /* A fee paid online on the city system went through the province's
   * payment gateway: the portal's code 2. */
  if (o && has_fee)
    cJSON_AddStringToObject(o, "DuocThanhToanTrucTuyen", paid_online ? "2" : "0");
  return o;
}

static char *node_text(xmlNodePtr n)
{
  xmlBufferPtr buf = xmlBufferCreate();
  char *text = NULL;

  if (buf && xmlNodeDump(buf, n->doc, n, 0, 0) >= 0)
    text = strdup((const char *)xmlBufferContent(buf));
  xmlBufferFree(buf);
  return text;
}

static void map_city(struct mapper *m, const struct page_ctx *page)
{
  hoso_map(m, &hoso_profile_city, page);
}

static const struct record_format city_format = { map_city, time_parse_compact, "yyyyMMddHHmmss" };

/* The record's cJSON lives in the page's arena (json_arena.h), emptied
 * after each record so memory stays one record's whatever the page. */
static int emit(xmlNodePtr node, size_t index, const struct page_ctx *page,
                const struct record_sink *sink, struct json_arena *arena, int check)
{
  cJSON *hoso = hoso_to_json(node);
  char *raw = node_text(node);
  int rc =
    (hoso && raw) ? record_emit_checked(&city_format, hoso, raw, index, page, sink, check) : -2;

  free(raw);
  json_arena_reset(arena);
  return rc;
}

static parse_result bad_page(const struct page_ctx *page, const struct record_sink *sink,
                             const char *data, size_t len, const char *field, const char *fmt, ...)
  __attribute__((format(printf, 6, 7)));

static parse_result bad_page(const struct page_ctx *page, const struct record_sink *sink,
                             const char *data, size_t len, const char *field, const char *fmt, ...)
{
  struct reject_info why = { field, "" };
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(why.reason, sizeof(why.reason), fmt, ap);
  va_end(ap);
  return page_reject(page, sink, &why, data, len);
}

static parse_result parse_city_page(const char *data, size_t len, const struct page_ctx *page,
                                    const struct record_sink *sink)
{
  xmlTextReaderPtr r;
  struct json_arena arena;
  parse_result result = PARSE_OK;
  struct xml_error first;
  size_t index = 0;
  int ret, saw_root = 0, check = page_may_hold_flaws(data, len);
  bool doctype;

  r = xml_reader_open(data, len, &first, &doctype);
  if (doctype)
    return bad_page(
      page, sink, data, len, "DOCTYPE",
      "page declares a DOCTYPE (entity declarations are never expanded); refused unread");
  if (!r)
    return PARSE_NOMEM;

  json_arena_begin(&arena);
  ret = xmlTextReaderRead(r);
  while (ret == 1) {
    int type = xmlTextReaderNodeType(r), depth = xmlTextReaderDepth(r);
    const char *name = (const char *)xmlTextReaderConstLocalName(r);

    if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE) {
      result = bad_page(page, sink, data, len, "DOCTYPE",
                        "page declares a DOCTYPE or uses entities; refused unread");
      goto out;
    }
    if (type == XML_READER_TYPE_ELEMENT && depth == 2 && !strcmp(name, "HoSo")) {
      xmlNodePtr node = xmlTextReaderExpand(r);
      int rc;
      if (!node)
        break; /* not well-formed inside: reported below */
      rc = emit(node, index++, page, sink, &arena, check);
      if (rc) {
        result = rc == -2 ? PARSE_NOMEM : PARSE_STOPPED;
        goto out;
      }
      /* Past the subtree just handled; the reader frees it. */
      ret = xmlTextReaderNext(r);
      continue;
    }
    if (type == XML_READER_TYPE_ELEMENT && depth == 0) {
      if (strcmp(name, "KetQuaTraCuu")) {
        result = bad_page(page, sink, data, len, name,
                          "root element is <%.40s>, not <KetQuaTraCuu>", name);
        goto out;
      }
      saw_root = 1;
    } else if (type == XML_READER_TYPE_ELEMENT && depth == 1 && !strcmp(name, "MaLoi")) {
      xmlChar *code = xmlTextReaderReadString(r);
      int ok = code && !strcmp((const char *)code, "0");
      if (!ok)
        result =
          bad_page(page, sink, data, len, "MaLoi", "page holds an error answer (MaLoi %.20s)",
                   code ? (const char *)code : "");
      xmlFree(code);
      if (!ok)
        goto out;
    }
    ret = xmlTextReaderRead(r);
  }
  if (ret < 0 || first.message[0] || !saw_root)
    result = bad_page(page, sink, data, len, "KetQuaTraCuu", "page is not well-formed XML (%s)%s",
                      first.message[0] ? first.message : "no root element",
                      index ? "; the records before the error were kept" : "");
out:
  json_arena_end(&arena);
  xmlFreeTextReader(r);
  return result;
}

const struct source_parser city_parser = {
  .kind = SOURCE_CITY,
  .page_suffix = ".xml",
  .parse_page = parse_city_page,
};
