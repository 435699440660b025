/* record_map.c — see record_map.h. */
#include "record_map.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "json_arena.h"
#include "json_field.h"
#include "json_span.h"
#include "jsontext.h"
#include "sha256.h"

/* A name's slot: its length and four of its bytes, not a walk of every
 * byte (hashing each member and key was a twentieth of a record's time);
 * names that meet are told apart by strcmp. */
static size_t name_hash(const char *s)
{
  size_t n = strlen(s);
  const unsigned char *p = (const unsigned char *)s;

  if (!n)
    return 0;
  return ((n * 31 + p[0]) * 31 + p[n / 2]) * 31 + p[n - 1] + (n > 3 ? p[n - 2] * 7u : 0);
}

void member_index_clear(struct member_index *ix)
{
  memset(ix->slot, 0, sizeof(ix->slot));
  ix->count = 0;
  ix->usable = 1;
}

void member_index_add(struct member_index *ix, const cJSON *member)
{
  size_t i;

  if (!ix->usable)
    return;
  if (!member->string || ++ix->count > MEMBER_INDEX_MAX / 2) {
    ix->usable = 0;
    return;
  }
  for (i = name_hash(member->string) & (MEMBER_INDEX_MAX - 1); ix->slot[i];
       i = (i + 1) & (MEMBER_INDEX_MAX - 1))
    if (!strcmp(ix->slot[i]->string, member->string))
      return; /* a repeated name: the first one stays, as cJSON finds it */
  ix->slot[i] = member;
}

const cJSON *member_index_find(const struct member_index *ix, const cJSON *obj, const char *key)
{
  if (!ix->usable)
    return cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!key)
    return NULL;
  for (size_t i = name_hash(key) & (MEMBER_INDEX_MAX - 1); ix->slot[i];
       i = (i + 1) & (MEMBER_INDEX_MAX - 1))
    if (!strcmp(ix->slot[i]->string, key))
      return ix->slot[i];
  return NULL;
}

static void index_members(struct member_index *ix, const cJSON *obj)
{
  member_index_clear(ix);
  ix->usable = cJSON_IsObject(obj);
  for (const cJSON *c = ix->usable ? obj->child : NULL; c && ix->usable; c = c->next)
    member_index_add(ix, c);
}

const cJSON *mapper_member(const struct mapper *m, const cJSON *obj, const char *key)
{
  if (obj != m->obj)
    return cJSON_GetObjectItemCaseSensitive(obj, key);
  return member_index_find(&m->index, obj, key);
}

const char *mapper_scalar(const struct mapper *m, const cJSON *obj, const char *key,
                          char numbuf[JF_BUF])
{
  return jf_value(mapper_member(m, obj, key), numbuf);
}

int mapper_equals(const struct mapper *m, const cJSON *obj, const char *key, const char *want)
{
  char buf[JF_BUF];
  const char *v = mapper_scalar(m, obj, key, buf);
  return v && strcmp(v, want) == 0;
}

void mapper_init(struct mapper *m, const cJSON *obj, const struct member_index *index,
                 struct canonical_record *rec, struct reject_info *why, time_result (*parse_time)(const char *, tthc_time *),
                 const char *time_format)
{
  m->obj = obj;
  if (index && cJSON_IsObject(obj))
    m->index = *index;
  else
    index_members(&m->index, obj);
  m->rec = rec;
  m->why = why;
  m->failed = 0;
  m->parse_time = parse_time;
  m->time_format = time_format;
}

void mapper_fail(struct mapper *m, const char *field, const char *fmt, ...)
{
  va_list ap;

  if (m->failed)
    return;
  m->failed = 1;
  m->why->field = field;
  va_start(ap, fmt);
  vsnprintf(m->why->reason, sizeof(m->why->reason), fmt, ap);
  va_end(ap);
}

void mapper_text(struct mapper *m, enum dossier_field f, const char *key)
{
  char buf[JF_BUF];
  canon_result r = canon_set_text(m->rec, f, mapper_scalar(m, m->obj, key, buf));
  if (r)
    mapper_fail(m, key, "%s", canon_strerror(r));
}

void mapper_code(struct mapper *m, enum dossier_field f, const char *key)
{
  char buf[JF_BUF];
  const char *v = mapper_scalar(m, m->obj, key, buf);
  if (canon_set_code(m->rec, f, v))
    mapper_fail(m, key, "not a valid code: \"%.80s\"", v);
}

/* A yyyyMMddHHmmss local time; returns the instant or TTHC_TIME_NONE. */
tthc_time mapper_time_of(struct mapper *m, const cJSON *obj, const char *key)
{
  char buf[JF_BUF];
  const char *v = mapper_scalar(m, obj, key, buf);
  tthc_time t = TTHC_TIME_NONE;

  switch (m->parse_time(v, &t)) {
  case TIME_OK: return t;
  case TIME_ABSENT: return TTHC_TIME_NONE;
  case TIME_SYNTAX: mapper_fail(m, key, "not a %s time: \"%.40s\"", m->time_format, v); break;
  case TIME_RANGE: mapper_fail(m, key, "impossible date: \"%.40s\"", v); break;
  }
  return TTHC_TIME_NONE;
}

tthc_time mapper_time(struct mapper *m, enum dossier_field f, const char *key)
{
  tthc_time t = mapper_time_of(m, m->obj, key);
  if (canon_set_time(m->rec, f, t))
    mapper_fail(m, key, "%s", "out of memory");
  return t;
}

/* Small integer from a fixed set (lo..hi); absent stays NULL. */
long mapper_small(struct mapper *m, enum dossier_field f, const char *key, long lo, long hi)
{
  char buf[JF_BUF], norm[16];
  const char *v = mapper_scalar(m, m->obj, key, buf);
  char *end;
  long n;

  if (!v)
    return -1;
  if (scalar_code(v, norm, sizeof(norm)) != CODE_OK) {
    mapper_fail(m, key, "unknown value \"%.40s\"", v);
    return -1;
  }
  n = strtol(norm, &end, 10);
  if (*end || n < lo || n > hi) {
    mapper_fail(m, key, "unknown value \"%.40s\"", v);
    return -1;
  }
  canon_set_int(m->rec, f, n);
  return n;
}

void mapper_flag(struct mapper *m, enum dossier_field f, const char *key)
{
  char buf[JF_BUF];
  const char *v = mapper_scalar(m, m->obj, key, buf);
  if (v)
    canon_set_bool(m->rec, f, strcmp(v, "1") == 0);
}

const cJSON *mapper_array(struct mapper *m, const char *key)
{
  const cJSON *a = mapper_member(m, m->obj, key);
  char buf[JF_BUF];

  /* missing, null and "" all mean absent */
  if (!a || cJSON_IsNull(a) || (cJSON_IsString(a) && !mapper_scalar(m, m->obj, key, buf)))
    return NULL;
  if (!cJSON_IsArray(a)) {
    mapper_fail(m, key, "%s", "not an array");
    return NULL;
  }
  return a;
}

void mapper_json(struct mapper *m, enum dossier_field f, const char *key, cJSON *value)
{
  if (!value || canon_set_json(m->rec, f, value))
    mapper_fail(m, key, "%s", "out of memory");
  cJSON_Delete(value);
}

void mapper_commune(struct mapper *m, const char *key, const struct page_ctx *page)
{
  const char *unit;

  mapper_code(m, DF_unit_code, key);
  unit = m->rec->v[DF_unit_code];
  if (m->failed)
    return;
  if (!unit)
    mapper_fail(m, key, "%s", "missing commune code");
  else if (!commune_code_valid(unit))
    mapper_fail(m, key, "not a 5-digit commune code: \"%.40s\"", unit);
  else if (strcmp(unit, page->commune) != 0)
    mapper_fail(m, key, "commune %s in a page requested for another commune", unit);
}

/* "LOCATION#INDEX" into loc (as snprintf would write it, without its
 * cost for every record). */
static void location_of(char *loc, size_t size, const char *location, size_t index)
{
  size_t n = strlen(location);
  char digits[24], *d = digits + sizeof(digits);

  do
    *--d = (char)('0' + index % 10);
  while ((index /= 10) != 0);
  if (n + 1 + (size_t)(digits + sizeof(digits) - d) >= size) {
    snprintf(loc, size, "%s#%.*s", location, (int)(digits + sizeof(digits) - d), d);
    return;
  }
  memcpy(loc, location, n);
  loc[n] = '#';
  memcpy(loc + n + 1, d, (size_t)(digits + sizeof(digits) - d));
  loc[n + 1 + (digits + sizeof(digits) - d)] = '\0';
}

int record_deliver(const struct mapper *m, const struct page_ctx *page, size_t index,
                   const char *raw, const struct record_sink *sink)
{
  struct canonical_record *rec = m->rec;
  char hex[65], loc[600];

  size_t rawlen = strlen(raw);

  if (m->failed)
    return sink->reject(sink->arg, page, index, m->why, raw, rawlen);
  if (sha256_hex(raw, rawlen, hex))
    return -2; /* libcrypto out of memory */
  location_of(loc, sizeof(loc), page->location, index);
  /* A system serving one field says so in its configuration. */
  if (!rec->v[DF_field_code] && page->source && page->source->field_code &&
      (canon_set_code(rec, DF_field_code, page->source->field_code) ||
       canon_set_text(rec, DF_field_name, page->source->field_name)))
    return -1;
  if (canon_set_text(rec, DF_source_kind, source_kind_name(page->kind)) ||
      canon_set_text(rec, DF_source_name, page->source_name) ||
      canon_set_text(rec, DF_record_hash, hex) || canon_set_text(rec, DF_source_location, loc))
    return -1;
  return sink->record(sink->arg, page, index, rec);
}

void mapper_supplements(struct mapper *m, const char *list_key, const char *requested_key,
                        const char *completed_key, const char *new_due_key)
{
  const char *keys[3] = { requested_key, completed_key, new_due_key };
  static const char *const names[3] = { "requested_at", "completed_at", "new_due_at" };
  const cJSON *list = mapper_array(m, list_key), *s;
  cJSON *out;

  if (!list)
    return;
  out = cJSON_CreateArray();
  cJSON_ArrayForEach(s, list)
  {
    cJSON *o = cJSON_CreateObject();
    tthc_time t[3];

    cJSON_AddItemToArray(out, o);
    for (int i = 0; i < 3; i++) {
      char buf[32];
      t[i] = keys[i] ? mapper_time_of(m, s, keys[i]) : TTHC_TIME_NONE;
      if (t[i] == TTHC_TIME_NONE) {
        cJSON_AddNullToObject(o, names[i]);
        continue;
      }
      time_format_utc(t[i], buf);
      cJSON_AddStringToObject(o, names[i], buf);
    }
    if (t[0] == TTHC_TIME_NONE)
      mapper_fail(m, list_key, "%s", "supplement request without a request date");
    else if (t[1] != TTHC_TIME_NONE && t[1] < t[0])
      mapper_fail(m, list_key, "%s", "supplement completed before it was requested");
  }
  mapper_json(m, DF_supplements, list_key, out);
}

/* A string of the record holding what cJSON would have lost (a NUL, a
 * lone surrogate: jsontext.h) fails the record, naming the member; the
 * raw text kept for quarantine shows the escapes as they came. */
static const char *check_flaws(struct mapper *m, const char *raw, char **unmarked)
{
  json_text_flaw_kind kind;
  const char *member = json_find_flaw(m->obj, &kind);

  *unmarked = NULL;
  if (kind == JSON_TEXT_CLEAN)
    return raw;
  /* the member's name up to the flaw (it may be in the name itself) */
  snprintf(m->flaw_field, sizeof(m->flaw_field), "%.*s",
           member ? (int)json_text_clean_prefix(member) : 0, member ? member : "");
  mapper_fail(m, m->flaw_field[0] ? m->flaw_field : "record", "holds %s",
              json_text_flaw_name(kind));
  *unmarked = json_text_unmark(raw);
  return *unmarked ? *unmarked : raw;
}

int record_emit_checked(const struct record_format *fmt, const cJSON *obj, const char *raw,
                        size_t index, const struct page_ctx *page, const struct record_sink *sink,
                        int check)
{
  return record_emit_indexed(fmt, obj, NULL, raw, index, page, sink, check);
}

int record_emit_indexed(const struct record_format *fmt, const cJSON *obj,
                        const struct member_index *members, const char *raw, size_t index,
                        const struct page_ctx *page, const struct record_sink *sink, int check)
{
  struct canonical_record rec;
  struct reject_info why = { 0 };
  struct mapper m;
  char *unmarked = NULL;
  int rc;

  canon_init(&rec);
  mapper_init(&m, obj, members, &rec, &why, fmt->parse_time, fmt->time_format);
  if (check)
    raw = check_flaws(&m, raw, &unmarked);
  fmt->map(&m, page);
  rc = record_deliver(&m, page, index, raw, sink);
  canon_release(&rec);
  free(unmarked);
  return rc;
}

int record_emit(const struct record_format *fmt, const cJSON *obj, const char *raw, size_t index,
                const struct page_ctx *page, const struct record_sink *sink)
{
  return record_emit_checked(fmt, obj, raw, index, page, sink, 1);
}

static int has_u_escape(const char *data, size_t len)
{
  const char *end = data + len, *p = data;

  while ((p = memchr(p, '\\', (size_t)(end - p))) && p + 1 < end) {
    if (p[1] == 'u')
      return 1;
    p += 2; /* an escaped backslash is not the start of another escape */
  }
  return 0;
}

int record_page_may_hold_flaws(const char *data, size_t len)
{
  return memchr(data, '\0', len) || memchr(data, 0xC0, len) || memchr(data, 0xED, len) ||
         has_u_escape(data, len);
}

static int is_digit(char c)
{
  return c >= '0' && c <= '9';
}

/* Whether data holds more than JSON_EXACT_DIGITS digits in a row: where an
 * integer too long for a double could be. Only every (JSON_EXACT_DIGITS +
 * 1)th byte is looked at, since a run that long covers one of them. */
static int has_long_digit_run(const char *data, size_t len)
{
  const size_t run = JSON_EXACT_DIGITS + 1;

  for (size_t i = run - 1; i < len; i += run) {
    size_t lo = i, hi = i + 1;
    if (!is_digit(data[i]))
      continue;
    while (lo > 0 && hi - lo < run && is_digit(data[lo - 1]))
      lo--;
    while (hi < len && hi - lo < run && is_digit(data[hi]))
      hi++;
    if (hi - lo >= run)
      return 1;
  }
  return 0;
}

/* json_parse_exact() of a page. Its marked copy is the page itself byte
 * for byte when there is no flaw to mark (may_hold_flaws 0) and no integer
 * too long for a double, so such a page is parsed as it is: the same tree,
 * without the copy (a tenth of a ministry page's time). A page that does
 * not parse is parsed again the exact way, for the error's position. */
static cJSON *parse_page_json(const char *data, size_t len, int may_hold_flaws,
                              struct json_error *err)
{
  cJSON *doc;

  if (may_hold_flaws || has_long_digit_run(data, len))
    return json_parse_exact(data, len, err);
  memset(err, 0, sizeof(*err));
  doc = cJSON_ParseWithLengthOpts(data, len, NULL, 0);
  return doc ? doc : json_parse_exact(data, len, err);
}

/* A record already in its unformatted form (json_span.h): its bytes,
 * NUL-terminated in *buf. */
static const char *copy_record(const char *at, size_t n, char **buf, size_t *cap)
{
  if (n + 1 > *cap) {
    size_t grown = n + 1 > 16384 ? n + 1 : 16384;
    char *p = realloc(*buf, grown);
    if (!p)
      return NULL;
    *buf = p;
    *cap = grown;
  }
  memcpy(*buf, at, n);
  (*buf)[n] = '\0';
  return *buf;
}

/* cJSON_PrintUnformatted(item) into *buf (grown as needed, kept for the
 * page's next record): the same text, without an allocation per record. */
static const char *print_record(const cJSON *item, char **buf, size_t *cap, size_t limit)
{
  while (!*buf || !cJSON_PrintPreallocated((cJSON *)item, *buf, (int)*cap, 0)) {
    size_t grown = *cap ? *cap * 2 : 16384;
    char *p;
    if (grown > limit || !(p = realloc(*buf, grown)))
      return NULL;
    *buf = p;
    *cap = grown;
  }
  return *buf;
}

parse_result record_page_reject(const struct page_ctx *page, const struct record_sink *sink,
                         const struct reject_info *why, const char *data, size_t len)
{
  return sink->reject(sink->arg, page, SIZE_MAX, why, data, len) ? PARSE_STOPPED : PARSE_BAD_PAGE;
}

parse_result json_page_parse(const struct record_format *fmt, const struct json_envelope *env,
                             const char *data, size_t len, const struct page_ctx *page,
                             const struct record_sink *sink)
{
  /* the pages of a run, one at a time: the arena's memory is reused */
  static _Thread_local struct json_arena arena;
  struct json_error err;
  size_t i = 0;
  cJSON *doc;
  const char *list_key = env->list_key;
  const cJSON *list, *item;
  struct reject_info why = { list_key, "" };
  char buf[JF_BUF], *rawbuf = NULL;
  size_t rawcap = 0;
  struct json_span *spans = NULL;
  long nspans;
  int check;
  parse_result result = PARSE_OK;

  /* the page's tree, and every cJSON value the mappers build, in one
   * arena: freed at once below, with no walk of the tree */
  json_arena_resume(&arena);
  check = record_page_may_hold_flaws(data, len);
  doc = parse_page_json(data, len, check, &err);
  if (!doc && err.nomem) {
    json_arena_suspend(&arena);
    return PARSE_NOMEM;
  }
  if (!doc) {
    snprintf(why.reason, sizeof(why.reason), "page is not valid JSON (near byte %zu of %zu%s)",
             err.at, len, err.unterminated ? ": it ends before its last value does" : "");
    goto bad_page;
  }
  if (!jf_equals(doc, env->ok_key, env->ok_value)) {
    const char *code = jf_scalar(doc, env->error_key, buf);
    why.field = env->ok_key;
    snprintf(why.reason, sizeof(why.reason), "page holds an error answer (%s %.40s)",
             env->error_key, code ? code : "absent");
    goto bad_page;
  }
  list = cJSON_GetObjectItemCaseSensitive(doc, list_key);
  if (list && !cJSON_IsNull(list) && !cJSON_IsArray(list)) {
    why.field = list_key;
    snprintf(why.reason, sizeof(why.reason), "\"%s\" is not an array", list_key);
    goto bad_page;
  }
  /* where each record is in the page, when nothing in it is marked */
  nspans = check || !list ? -1 : json_list_spans(data, len, list_key, &spans);
  if (nspans >= 0 && nspans != (long)cJSON_GetArraySize(list))
    nspans = -1; /* the scan and cJSON disagree: trust cJSON */
  cJSON_ArrayForEach(item, list)
  {
    /* printed text is at most ~6 bytes per byte of the page (escapes) */
    const char *raw = nspans >= 0 && spans[i].canonical
                        ? copy_record(data + spans[i].start, spans[i].len, &rawbuf, &rawcap)
                        : print_record(item, &rawbuf, &rawcap, 8 * len + 65536);
    int rc = raw ? record_emit_checked(fmt, item, raw, i, page, sink, check) : -2;
    i++;
    if (rc) {
      result = rc == -2 ? PARSE_NOMEM : PARSE_STOPPED;
      break;
    }
  }
  free(spans);
  free(rawbuf);
  json_arena_suspend(&arena);
  return result;

bad_page:
  json_arena_suspend(&arena);
  return record_page_reject(page, sink, &why, data, len);
}
