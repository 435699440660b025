/*
 * city_parse.c — the city TTHC system's KetQuaTraCuu pages (XML,
 * sources.md §2), read from libxml2's SAX2 events: no tree is built, and
 * memory stays flat however large a page (one HoSo is held at a time).
 *
 * Safety (xmlsafe.h): a page with a DOCTYPE is refused as a whole before it
 * is parsed (xml_has_doctype: the city systems never send one, and entity
 * tricks start there), and again should the parser meet one; no network
 * access, no entity substitution, no DTD loading, no XML_PARSE_HUGE (the
 * same options as xml_reader_open), no handler that could resolve an
 * entity, and the process-wide external-entity loader refuses everything
 * (xml_global_init). The declared encoding is honoured (windows-1258
 * included, through iconv).
 *
 * Each HoSo is converted to the national field set (hoso_map.h) and mapped
 * like a portal record; its text is written back compactly from the same
 * events for the record hash and the quarantine (text_start / text_end).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "hoso_map.h"
#include "json_arena.h"
#include "source_parser.h"
#include "xmlsafe.h"

/* xml_reader_open's options */
#define CITY_XML_OPTIONS                                                         \
  (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT | XML_PARSE_NOERROR | \
   XML_PARSE_NOWARNING)

/* what the parser is handed at a time */
#define CITY_CHUNK (64u << 10)

/* ---- bounded text buffers ------------------------------------------------------ */

/* A bounded growable buffer written a few bytes at a time (a record's
 * text is ~200 small pieces): the first failure sticks, so the writers
 * below check once at the end. */
struct textbuf {
  char *p;
  size_t len, cap, max; /* max: bound on cap */
  int failed;
};

/* Makes room for n more bytes; 0 when it cannot (t->failed is set). */
static int tb_grow(struct textbuf *t, size_t n)
{
  size_t cap;
  char *p;

  if (t->failed)
    return 0;
  for (cap = t->cap ? t->cap : 1024; cap <= t->len + n; cap *= 2)
    ;
  if (cap > t->max || !(p = realloc(t->p, cap))) {
    t->failed = 1;
    return 0;
  }
  t->p = p;
  t->cap = cap;
  return 1;
}

static inline int tb_room(struct textbuf *t, size_t n)
{
  return t->len + n < t->cap || tb_grow(t, n);
}

static inline void tb_put(struct textbuf *t, const char *s, size_t n)
{
  if (tb_room(t, n)) {
    memcpy(t->p + t->len, s, n);
    t->len += n;
  }
}

static inline void tb_str(struct textbuf *t, const char *s)
{
  tb_put(t, s, strlen(s));
}

/* The content NUL-terminated (NULL once the buffer failed). */
static const char *tb_text(struct textbuf *t)
{
  if (!tb_room(t, 1))
    return NULL;
  t->p[t->len] = '\0';
  return t->p;
}

/* What libxml2 escapes in text / in an attribute value when it saves a
 * tree (xmlsave.c). */
static const unsigned char esc_text[256] = { ['<'] = 1, ['>'] = 1, ['&'] = 1, ['\r'] = 1 };
static const unsigned char esc_attr[256] = { ['<'] = 1,  ['>'] = 1,  ['&'] = 1, ['"'] = 1,
                                             ['\n'] = 1, ['\r'] = 1, ['\t'] = 1 };

static void tb_escaped(struct textbuf *t, const char *s, size_t n, int in_attr)
{
  const unsigned char *esc = in_attr ? esc_attr : esc_text;
  const char *end = s + n;

  while (s < end) {
    const char *p = s;
    while (p < end && !esc[(unsigned char)*p])
      p++;
    tb_put(t, s, (size_t)(p - s));
    if (p == end)
      return;
    switch (*p) {
    case '<': tb_put(t, "&lt;", 4); break;
    case '>': tb_put(t, "&gt;", 4); break;
    case '&': tb_put(t, "&amp;", 5); break;
    case '"': tb_put(t, "&quot;", 6); break;
    case '\n': tb_put(t, "&#10;", 5); break;
    case '\r': tb_put(t, "&#13;", 5); break;
    default: tb_put(t, "&#9;", 4); break; /* '\t' */
    }
    s = p + 1;
  }
}

static int blank(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
      return 0;
  return 1;
}

/* ---- the HoSo object in the portal's field names ------------------------------ */

/* A record being converted: its object and the index of its members (the
 * mapper reads it through the same index; record_map.h). */
struct hoso_obj {
  cJSON *o;
  struct member_index ix;
};

/* obj[key] = a copy of v (into the page's arena); key is a literal or the
 * parser's name, which outlives the record. The member, or NULL when out
 * of memory. */
static cJSON *add_text(cJSON *obj, const char *key, const char *v)
{
  cJSON *item = cJSON_CreateString(v);

  if (item && !cJSON_AddItemToObjectCS(obj, key, item)) {
    cJSON_Delete(item);
    item = NULL;
  }
  return item;
}

/* The same at the top of the record, indexed. */
static void put_text(struct hoso_obj *h, const char *key, const char *v)
{
  cJSON *item = add_text(h->o, key, v);

  if (item)
    member_index_add(&h->ix, item);
}

/* The record's array member key (the first member of that name, as cJSON
 * finds it), added when there is none. */
static cJSON *array_member(struct hoso_obj *h, const char *key)
{
  cJSON *a = (cJSON *)member_index_find(&h->ix, h->o, key);

  if (!a && (a = cJSON_AddArrayToObject(h->o, key)) != NULL)
    member_index_add(&h->ix, a);
  return a;
}

/* The HoSo children that are not simple elements. */
enum hoso_part { PART_SIMPLE, PART_DEPARTMENT, PART_STEPS, PART_DOCS, PART_RESULT, PART_FEE,
                 PART_SUPPLEMENT };

static enum hoso_part part_of(const char *name)
{
  static const struct {
    const char *name;
    enum hoso_part part;
  } parts[] = { { "PhongBanXuLy", PART_DEPARTMENT }, { "QuaTrinhXuLy", PART_STEPS },
                { "ThanhPhanHoSo", PART_DOCS },      { "KetQua", PART_RESULT },
                { "LePhi", PART_FEE },               { "YeuCauBoSung", PART_SUPPLEMENT } };

  for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
    if (parts[i].name[0] == name[0] && !strcmp(parts[i].name, name))
      return parts[i].part;
  return PART_SIMPLE;
}

/* ---- the page's events --------------------------------------------------------- */

#define ATTR_CACHE 16

/* An element's attributes as SAX2 hands them over: 5 pointers each
 * (local name, prefix, URI, value, end of value). */
struct attrs {
  const xmlChar **a;
  int n;
};

struct city_sax {
  xmlParserCtxtPtr ctxt;
  const char *data;
  size_t len;
  const struct page_ctx *page;
  const struct record_sink *sink;
  struct xml_error first;
  parse_result result;
  int done; /* the page's outcome is decided: no more events are used */
  int depth;
  int saw_root, check;
  size_t index; /* records of the page so far */
  struct textbuf scratch; /* an attribute value, decoded */
  struct textbuf vals;    /* the element's first ATTR_CACHE values, decoded */
  size_t val_off[ATTR_CACHE], val_len[ATTR_CACHE];
  int nvals;
  /* MaLoi */
  int in_code;
  struct textbuf code;
  /* the record (a HoSo at depth 2 and everything inside it) */
  int in_hoso;
  struct textbuf text;    /* written back */
  struct textbuf run;     /* the characters since the last tag */
  int open_tag;           /* text ends with an element's start tag (so far empty) */
  struct json_arena arena;
  struct hoso_obj h;
  int has_fee, paid_online;
  /* the HoSo child being read (depth 3) */
  enum hoso_part part;
  const char *child; /* its name (the parser's dictionary) */
  int keep;          /* a simple element whose name is not taken yet */
  struct textbuf content;
  cJSON *list; /* where its Buoc / GiayTo go */
};

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
  return record_page_reject(page, sink, &why, data, len);
}

/* Ends the page with result r: no further event is acted on. */
static void stop(struct city_sax *s, parse_result r)
{
  s->result = r;
  s->done = 1;
  xmlStopParser(s->ctxt);
}

/* Appends attribute i's value to t, decoded: an '&' in an attribute
 * value reaches a SAX handler as "&#38;" when entities are not
 * substituted (libxml2's tree builder decodes it the same way). */
static void decode_value(struct textbuf *t, const struct attrs *at, int i)
{
  const char *v = (const char *)at->a[5 * i + 3], *end = (const char *)at->a[5 * i + 4];

  while (v < end) {
    const char *amp = memchr(v, '&', (size_t)(end - v));
    if (!amp) {
      tb_put(t, v, (size_t)(end - v));
      break;
    }
    tb_put(t, v, (size_t)(amp - v) + 1); /* up to and with the '&' */
    v = end - amp >= 5 && !memcmp(amp, "&#38;", 5) ? amp + 5 : amp + 1;
  }
}

/* The element's attribute values decoded once (the first ATTR_CACHE; the
 * record's text and the mapping both read them), NUL-separated in
 * s->vals. */
static void decode_attrs(struct city_sax *s, const struct attrs *at)
{
  s->nvals = at->n < ATTR_CACHE ? at->n : ATTR_CACHE;
  s->vals.len = 0;
  for (int i = 0; i < s->nvals; i++) {
    s->val_off[i] = s->vals.len;
    decode_value(&s->vals, at, i);
    s->val_len[i] = s->vals.len - s->val_off[i];
    tb_put(&s->vals, "", 1);
  }
}

/* Attribute i's value, NUL-terminated, its length in *n; NULL when out of
 * memory. */
static const char *attr_at(struct city_sax *s, const struct attrs *at, int i, size_t *n)
{
  if (i < s->nvals) {
    *n = s->val_len[i];
    return s->vals.failed ? NULL : s->vals.p + s->val_off[i];
  }
  s->scratch.len = 0;
  decode_value(&s->scratch, at, i);
  *n = s->scratch.len;
  return tb_text(&s->scratch);
}

/* The value of the first attribute named name (any namespace, as
 * xmlHasProp finds it); NULL when absent. */
static const char *attr(struct city_sax *s, const struct attrs *at, const char *name)
{
  size_t n;

  for (int i = 0; i < at->n; i++)
    if (at->a[5 * i][0] == (xmlChar)name[0] && !strcmp((const char *)at->a[5 * i], name))
      return attr_at(s, at, i, &n);
  return NULL;
}

/* obj[key] = attribute name's value, when present. */
static void add_attr(struct city_sax *s, cJSON *obj, const char *key, const struct attrs *at,
                     const char *name)
{
  const char *v = attr(s, at, name);
  if (v)
    add_text(obj, key, v);
}

/* ---- the record's text: what its hash is over and the quarantine keeps -------- */

/*
 * decisions.md "The city record's text": the HoSo element written back
 * compactly in UTF-8 from the events that read it — no whitespace-only
 * text, no comments or processing instructions, an empty element as <X/>,
 * namespace declarations then attributes in their order, escaped as
 * libxml2 escapes when it saves a tree (so a compact UTF-8 page gives the
 * bytes xmlNodeDump gave: the hash it had) — so the same record is the
 * same bytes whatever the page's layout, line ends, byte order mark or
 * encoding.
 */

/* The characters since the last tag, unless they are only whitespace
 * (layout between elements). */
static void flush_run(struct city_sax *s)
{
  if (s->run.len && !blank(s->run.p, s->run.len)) {
    tb_escaped(&s->text, s->run.p, s->run.len, 0);
    s->open_tag = 0;
  }
  s->run.len = 0;
}

static void put_qname(struct textbuf *t, const xmlChar *prefix, const xmlChar *name)
{
  if (prefix) {
    tb_str(t, (const char *)prefix);
    tb_put(t, ":", 1);
  }
  tb_str(t, (const char *)name);
}

static void text_start(struct city_sax *s, const xmlChar *name, const xmlChar *prefix,
                       int nb_ns, const xmlChar **ns, const struct attrs *at)
{
  struct textbuf *t = &s->text;

  flush_run(s);
  tb_put(t, "<", 1);
  put_qname(t, prefix, name);
  for (int i = 0; i < nb_ns; i++) {
    tb_str(t, ns[2 * i] ? " xmlns:" : " xmlns");
    if (ns[2 * i])
      tb_str(t, (const char *)ns[2 * i]);
    tb_put(t, "=\"", 2);
    if (ns[2 * i + 1])
      tb_escaped(t, (const char *)ns[2 * i + 1], strlen((const char *)ns[2 * i + 1]), 1);
    tb_put(t, "\"", 1);
  }
  for (int i = 0; i < at->n; i++) {
    size_t n;
    const char *v = attr_at(s, at, i, &n);
    tb_put(t, " ", 1);
    put_qname(t, at->a[5 * i + 1], at->a[5 * i]);
    tb_put(t, "=\"", 2);
    if (v)
      tb_escaped(t, v, n, 1);
    else
      t->failed = 1;
    tb_put(t, "\"", 1);
  }
  tb_put(t, ">", 1);
  s->open_tag = 1;
}

static void text_end(struct city_sax *s, const xmlChar *name, const xmlChar *prefix)
{
  flush_run(s);
  if (s->open_tag && !s->text.failed) { /* nothing inside: <X/> */
    s->text.len--;
    tb_put(&s->text, "/>", 2);
  } else {
    tb_put(&s->text, "</", 2);
    put_qname(&s->text, prefix, name);
    tb_put(&s->text, ">", 1);
  }
  s->open_tag = 0;
}

/* ---- HoSo children ------------------------------------------------------------- */

static void child_start(struct city_sax *s, const char *name, const struct attrs *at)
{
  struct hoso_obj *h = &s->h;
  const char *v;

  s->child = name;
  s->part = part_of(name);
  s->content.len = 0;
  s->keep = 0;
  switch (s->part) {
  case PART_SIMPLE:
    /* the first of a name counts */
    s->keep = !member_index_find(&h->ix, h->o, name);
    break;
  case PART_DEPARTMENT:
    if ((v = attr(s, at, "ma")) != NULL)
      put_text(h, "MaDonViXuLy", v);
    break;
  case PART_STEPS: s->list = array_member(h, "QuaTrinhXuLy"); break;
  case PART_DOCS: s->list = array_member(h, "TaiLieuNop"); break;
  case PART_RESULT: {
    cJSON *k = cJSON_CreateObject();
    add_attr(s, k, "MaGiayToKetQua", at, "ma");
    add_attr(s, k, "DuongDanTepTinKetQua", at, "tepDinhKem");
    cJSON_AddItemToArray(array_member(h, "DanhSachGiayToKetQua"), k);
    break;
  }
  case PART_FEE: {
    cJSON *f = cJSON_CreateObject();
    add_attr(s, f, "MaPhiLePhi", at, "ma");
    add_attr(s, f, "Gia", at, "gia");
    cJSON_AddItemToArray(array_member(h, "DanhSachLePhi"), f);
    s->has_fee = 1;
    if ((v = attr(s, at, "thanhToanTrucTuyen")) && !strcmp(v, "1"))
      s->paid_online = 1;
    break;
  }
  case PART_SUPPLEMENT:
    /* <YeuCauBoSung ngayYeuCau=""/> is the city's way of saying "none" */
    if ((v = attr(s, at, "ngayYeuCau")) && v[strspn(v, " \t")]) {
      cJSON *r = cJSON_CreateObject();
      add_attr(s, r, "NgayYeuCau", at, "ngayYeuCau");
      add_attr(s, r, "NgayHoanThanh", at, "ngayHoanThanh");
      add_attr(s, r, "NgayHenTraMoi", at, "ngayHenTraMoi");
      cJSON_AddItemToArray(array_member(h, "DanhSachHoSoBoSung"), r);
    }
    break;
  }
}

/* An element directly inside a QuaTrinhXuLy or a ThanhPhanHoSo. */
static void item_start(struct city_sax *s, const char *name, const struct attrs *at)
{
  cJSON *o;

  if (s->part == PART_STEPS && !strcmp(name, "Buoc")) {
    o = cJSON_CreateObject();
    add_attr(s, o, "thoiDiem", at, "thoiDiem");
    add_attr(s, o, "trangThai", at, "trangThai");
    add_attr(s, o, "phongBan", at, "phongBan");
    cJSON_AddItemToArray(s->list, o);
  } else if (s->part == PART_DOCS && !strcmp(name, "GiayTo")) {
    o = cJSON_CreateObject();
    add_attr(s, o, "MaThanhPhanHoSo", at, "ma");
    add_attr(s, o, "DuocSoHoa", at, "duocSoHoa");
    add_attr(s, o, "DuocTaiSuDung", at, "duocTaiSuDung");
    add_attr(s, o, "DuocLayTuKhoDMQG", at, "layTuKhoDMQG");
    cJSON_AddItemToArray(s->list, o);
  }
}

static void child_end(struct city_sax *s)
{
  const char *v;

  if (s->part != PART_DEPARTMENT && !s->keep)
    return;
  /* its text content, as the tree's xmlNodeGetContent would give it */
  if ((v = tb_text(&s->content)) != NULL)
    put_text(&s->h, s->part == PART_DEPARTMENT ? "DonViXuLy" : s->child, v);
}

static void map_city(struct mapper *m, const struct page_ctx *page)
{
  hoso_map(m, &hoso_profile_city, page);
}

static const struct record_format city_format = { map_city, time_parse_compact, "yyyyMMddHHmmss" };

static void record_start(struct city_sax *s, const xmlChar *name, const xmlChar *prefix,
                         int nb_ns, const xmlChar **ns, const struct attrs *at)
{
  s->in_hoso = 1;
  s->text.len = 0;
  s->text.failed = 0;
  s->run.len = 0;
  s->has_fee = s->paid_online = 0;
  s->part = PART_SIMPLE;
  s->keep = 0;
  s->h.o = cJSON_CreateObject();
  member_index_clear(&s->h.ix);
  text_start(s, name, prefix, nb_ns, ns, at);
}

/* The record is complete: mapped and handed over, its memory emptied. */
static void record_end(struct city_sax *s, const xmlChar *name, const xmlChar *prefix)
{
  const char *raw;
  int rc = -2;

  text_end(s, name, prefix);
  s->in_hoso = 0;
  /* A fee paid online on the city system went through the province's
   * payment gateway: the portal's code 2. */
  if (s->h.o && s->has_fee)
    put_text(&s->h, "DuocThanhToanTrucTuyen", s->paid_online ? "2" : "0");
  if (s->h.o && !s->content.failed && !s->scratch.failed && !s->vals.failed && (raw = tb_text(&s->text)) != NULL)
    rc = record_emit_indexed(&city_format, s->h.o, &s->h.ix, raw, s->index, s->page, s->sink,
                             s->check);
  s->index++;
  json_arena_reset(&s->arena);
  if (rc)
    stop(s, rc == -2 ? PARSE_NOMEM : PARSE_STOPPED);
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_ns, const xmlChar **ns, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
  struct city_sax *s = ctx;
  const char *name = (const char *)localname;
  struct attrs at = { attributes, nb_attributes };
  int d = s->depth++;

  (void)uri;
  (void)nb_defaulted; /* counted in nb_attributes; none without a DTD */
  if (s->done)
    return;
  if (s->in_hoso) {
    decode_attrs(s, &at);
    text_start(s, localname, prefix, nb_ns, ns, &at);
    if (d == 3)
      child_start(s, name, &at);
    else if (d == 4)
      item_start(s, name, &at);
  } else if (d == 2 && !strcmp(name, "HoSo")) {
    decode_attrs(s, &at);
    record_start(s, localname, prefix, nb_ns, ns, &at);
  } else if (d == 0) {
    if (strcmp(name, "KetQuaTraCuu"))
      stop(s, bad_page(s->page, s->sink, s->data, s->len, name,
                       "root element is <%.40s>, not <KetQuaTraCuu>", name));
    s->saw_root = 1;
  } else if (d == 1 && !strcmp(name, "MaLoi")) {
    s->in_code = 1;
    s->code.len = 0;
  }
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
  struct city_sax *s = ctx;
  int d = --s->depth;
  const char *code;

  (void)uri;
  if (s->done)
    return;
  if (s->in_hoso) {
    if (d == 2) {
      record_end(s, localname, prefix);
      return;
    }
    text_end(s, localname, prefix);
    if (d == 3)
      child_end(s);
  } else if (d == 1 && s->in_code) {
    s->in_code = 0;
    code = tb_text(&s->code);
    if (!code || strcmp(code, "0"))
      stop(s, bad_page(s->page, s->sink, s->data, s->len, "MaLoi",
                       "page holds an error answer (MaLoi %.20s)", code ? code : ""));
  }
}

static void on_characters(void *ctx, const xmlChar *ch, int len)
{
  struct city_sax *s = ctx;

  if (s->done)
    return;
  if (s->in_hoso) {
    tb_put(&s->run, (const char *)ch, (size_t)len);
    if (s->depth >= 4 && (s->keep || s->part == PART_DEPARTMENT))
      tb_put(&s->content, (const char *)ch, (size_t)len);
  } else if (s->in_code) {
    tb_put(&s->code, (const char *)ch, (size_t)len);
  }
}

/* A comment or a processing instruction ends a run of text (as it ends
 * a text node in a tree); neither is content. */
static void on_comment(void *ctx, const xmlChar *value)
{
  struct city_sax *s = ctx;
  (void)value;
  if (s->in_hoso && !s->done)
    flush_run(s);
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
  (void)target;
  (void)data;
  on_comment(ctx, NULL);
}

/* Never reached after xml_has_doctype(); refused all the same, before any
 * declaration in it is read. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                       const xmlChar *system_id)
{
  struct city_sax *s = ctx;
  (void)name;
  (void)external_id;
  (void)system_id;
  if (!s->done)
    stop(s, bad_page(s->page, s->sink, s->data, s->len, "DOCTYPE",
                     "page declares a DOCTYPE or uses entities; refused unread"));
}

/* An entity reference the parser did not resolve (none can be declared). */
static void on_reference(void *ctx, const xmlChar *name)
{
  on_doctype(ctx, name, NULL, NULL);
}

/* The first error (as xml_reader_open reports it). */
static void on_error(void *ctx, xmlErrorPtr e)
{
  struct city_sax *s = ctx;

  if (s->first.message[0] || e->level < XML_ERR_ERROR)
    return;
  snprintf(s->first.message, sizeof(s->first.message), "line %d: %s", e->line,
           e->message ? e->message : "error");
  s->first.message[strcspn(s->first.message, "\n")] = '\0';
}

static const xmlSAXHandler city_sax_handler = {
  .internalSubset = on_doctype,
  .reference = on_reference,
  .characters = on_characters,
  .ignorableWhitespace = on_characters,
  .processingInstruction = on_pi,
  .comment = on_comment,
  .initialized = XML_SAX2_MAGIC,
  .startElementNs = on_start,
  .endElementNs = on_end,
  .serror = on_error,
};

static void sax_release(struct city_sax *s)
{
  free(s->scratch.p);
  free(s->vals.p);
  free(s->code.p);
  free(s->text.p);
  free(s->run.p);
  free(s->content.p);
  json_arena_end(&s->arena);
}

static parse_result parse_city_page(const char *data, size_t len, const struct page_ctx *page,
                                    const struct record_sink *sink)
{
  /* escaping at most sextuples a byte ("&quot;") */
  size_t bound = 8 * len + 65536;
  struct city_sax s = { .data = data, .len = len, .page = page, .sink = sink,
                        .result = PARSE_OK };
  xmlSAXHandler sax = city_sax_handler;
  int ret;

  if (xml_has_doctype(data, len))
    return bad_page(
      page, sink, data, len, "DOCTYPE",
      "page declares a DOCTYPE (entity declarations are never expanded); refused unread");
  if (len > (size_t)INT32_MAX)
    return PARSE_NOMEM;
  s.scratch.max = s.vals.max = s.code.max = s.text.max = s.run.max = s.content.max = bound;
  s.check = record_page_may_hold_flaws(data, len);
  /* the first bytes tell the encoding */
  s.ctxt = xmlCreatePushParserCtxt(&sax, &s, data, len < 4 ? (int)len : 4, NULL);
  if (!s.ctxt)
    return PARSE_NOMEM;
  xmlCtxtUseOptions(s.ctxt, CITY_XML_OPTIONS);
  json_arena_begin(&s.arena);
  /* in pieces, so the parser never holds a copy of the whole page */
  for (size_t at = len < 4 ? len : 4;;) {
    size_t n = len - at < CITY_CHUNK ? len - at : CITY_CHUNK;
    ret = xmlParseChunk(s.ctxt, data + at, (int)n, at + n == len);
    at += n;
    if (ret || s.done || at == len)
      break;
  }
  if (!s.done && (ret != 0 || !s.ctxt->wellFormed || s.first.message[0] || !s.saw_root ||
                  s.depth != 0))
    s.result = bad_page(page, sink, data, len, "KetQuaTraCuu", "page is not well-formed XML (%s)%s",
                        s.first.message[0] ? s.first.message : "no root element",
                        s.index ? "; the records before the error were kept" : "");
  xmlFreeParserCtxt(s.ctxt);
  sax_release(&s);
  return s.result;
}

const struct source_parser city_parser = {
  .kind = SOURCE_CITY,
  .page_suffix = ".xml",
  .parse_page = parse_city_page,
};
