/*
 * record_map.h — the building blocks every source's record mapper uses to
 * fill a canonical record from a JSON object (sources.md's common rules:
 * strings or numbers, "" / null / missing = absent), stopping at the first
 * problem with a reason that names the field. And record_deliver(), which
 * hands the finished record (or its reject) to the page's sink.
 */
#ifndef TTHC_RECORD_MAP_H
#define TTHC_RECORD_MAP_H

#include <cJSON.h>

#include "json_field.h"
#include "source_parser.h"
#include "timeutil.h"

/* The record's members by name, so each field is found in one probe
 * instead of a walk of the member list (a HoSo has ~40). A record with
 * more members than MEMBER_INDEX_MAX / 2 is looked up linearly. */
#define MEMBER_INDEX_MAX 128
struct member_index {
  const cJSON *slot[MEMBER_INDEX_MAX]; /* first member of each name, as cJSON finds it */
  int count;                           /* members added */
  int usable;                          /* 0: too many members, look up linearly */
};

/* An index of an object being built member by member (the city parser's):
 * clear it, then add each member as it is added to the object. */
void member_index_clear(struct member_index *ix);
void member_index_add(struct member_index *ix, const cJSON *member);
/* obj[key] as cJSON_GetObjectItemCaseSensitive finds it (the first member
 * of that name), through ix (obj's index) when it is usable. */
const cJSON *member_index_find(const struct member_index *ix, const cJSON *obj, const char *key);

struct mapper {
  const cJSON *obj; /* the source record */
  struct member_index index; /* of obj */
  struct canonical_record *rec;
  struct reject_info *why;
  int failed; /* the first failure is kept */
  /* the source's date format, e.g. time_parse_compact */
  time_result (*parse_time)(const char *s, tthc_time *out);
  const char *time_format; /* its name, for messages */
  char flaw_field[64];     /* the member a NUL or surrogate was found in */
};

/* index: obj's members already indexed (NULL: indexed here). */
void mapper_init(struct mapper *m, const cJSON *obj, const struct member_index *index,
                 struct canonical_record *rec, struct reject_info *why,
                 time_result (*parse_time)(const char *, tthc_time *), const char *time_format);

/* obj[key] (cJSON_GetObjectItemCaseSensitive's answer), through the index
 * when obj is the record itself. */
const cJSON *mapper_member(const struct mapper *m, const cJSON *obj, const char *key);
/* jf_scalar() / jf_equals() through mapper_member(). */
const char *mapper_scalar(const struct mapper *m, const cJSON *obj, const char *key,
                          char numbuf[JF_BUF]);
int mapper_equals(const struct mapper *m, const cJSON *obj, const char *key, const char *want);

/* Records the first failure: field and a printf-style reason. */
void mapper_fail(struct mapper *m, const char *field, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

void mapper_text(struct mapper *m, enum dossier_field f, const char *key);
void mapper_code(struct mapper *m, enum dossier_field f, const char *key);
/* A time at obj[key] (any object, e.g. an array element); NONE when absent. */
tthc_time mapper_time_of(struct mapper *m, const cJSON *obj, const char *key);
tthc_time mapper_time(struct mapper *m, enum dossier_field f, const char *key);
/* An integer in lo..hi; -1 when absent (the field stays NULL). */
long mapper_small(struct mapper *m, enum dossier_field f, const char *key, long lo, long hi);
/* "1" is true, any other present value false. */
void mapper_flag(struct mapper *m, enum dossier_field f, const char *key);
/* obj[key] as an array, NULL when absent; fails when it is not an array. */
const cJSON *mapper_array(struct mapper *m, const char *key);
/* Sets f to the unformatted JSON of value (taking ownership of value). */
void mapper_json(struct mapper *m, enum dossier_field f, const char *key, cJSON *value);
/* A list of supplement requests (objects with a request, completion and
 * optional new due time under the given keys; new_due_key may be NULL) as
 * [{"requested_at","completed_at","new_due_at"}]. */
void mapper_supplements(struct mapper *m, const char *list_key, const char *requested_key,
                        const char *completed_key, const char *new_due_key);
/* The unit code (5 digits, the commune the page was asked for). */
void mapper_commune(struct mapper *m, const char *key, const struct page_ctx *page);

/*
 * Finishes the record: when the mapper did not fail, adds the lineage
 * fields (source kind and name, location, content hash of raw) and hands
 * it to sink->record; otherwise hands raw and the reason to sink->reject.
 * Returns the sink's answer (0 go on, -1 stop).
 */
int record_deliver(const struct mapper *m, const struct page_ctx *page, size_t index,
                   const char *raw, const struct record_sink *sink);

/* How one source's records are read: its mapper and its date format. */
struct record_format {
  void (*map)(struct mapper *m, const struct page_ctx *page);
  time_result (*parse_time)(const char *s, tthc_time *out);
  const char *time_format;
};

/*
 * Maps one record (obj; raw is its text, kept for lineage and quarantine)
 * with fmt and delivers it. A record holding a NUL or a lone surrogate
 * anywhere (jsontext.h) is quarantined naming the member. Returns 0 to go on, -1 when the sink stopped,
 * -2 when out of memory.
 */
int record_emit(const struct record_format *fmt, const cJSON *obj, const char *raw, size_t index,
                const struct page_ctx *page, const struct record_sink *sink);

/* record_emit() without the search for flaws when check is 0: for the
 * records of a page where record_page_may_hold_flaws() is false. */
int record_emit_checked(const struct record_format *fmt, const cJSON *obj, const char *raw,
                        size_t index, const struct page_ctx *page, const struct record_sink *sink,
                        int check);

/* record_emit_checked() for an object whose members are indexed already
 * (members; NULL: indexed here). */
int record_emit_indexed(const struct record_format *fmt, const cJSON *obj,
                        const struct member_index *members, const char *raw, size_t index,
                        const struct page_ctx *page, const struct record_sink *sink, int check);

/* json_parse_exact() marks a NUL as C0 80 and a lone surrogate as ED A0..BF
 * (jsontext.h); both come from a \u escape, a raw NUL or those very bytes
 * (in an XML page, from the bytes only). A page with none of them cannot
 * hold a flaw, so its records skip the walk over every string. */
int record_page_may_hold_flaws(const char *data, size_t len);

/* The envelope of a source's JSON pages. */
struct json_envelope {
  const char *list_key;  /* the array of records: "result", "value" */
  const char *ok_key;    /* member that says success ... */
  const char *ok_value;  /* ... with this value (string or number) */
  const char *error_key; /* member naming the error otherwise */
};

/*
 * A JSON page: parse it (jsontext.h: NULs, lone surrogates and long
 * integers kept visible; bounded by cJSON's nesting limit), check the
 * envelope, then emit every record of its list. A page that cannot be used
 * (not JSON, an error answer, no list) is handed to the sink as one reject
 * (index SIZE_MAX) with the reason.
 */
parse_result json_page_parse(const struct record_format *fmt, const struct json_envelope *env,
                             const char *data, size_t len, const struct page_ctx *page,
                             const struct record_sink *sink);

/* Hands an unusable page to the sink as one reject. */
parse_result record_page_reject(const struct page_ctx *page, const struct record_sink *sink,
                         const struct reject_info *why, const char *data, size_t len);

#endif
