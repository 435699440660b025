/*
 * dataset - the model as JSON Lines, and back (see dataset.h and
 * README.md, "Fixed datasets").
 */
#include "dataset.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "catalog.h"

#define LOCAL_SUFFIX "+07:00"

static const struct sim_department *const departments[] = {
  &sim_dept_ttpvhcc,
  &sim_dept_pkt,
  &sim_dept_vp,
  &sim_dept_pvhxh,
};

static const char *const origin_names[] = {
  [SIM_ORIGIN_CITY] = "TTHC_TP",
  [SIM_ORIGIN_MINISTRY] = "HOTICH_BTP",
  [SIM_ORIGIN_PORTAL] = "DVCQG",
};

static const char *const channel_names[] = {
  [SIM_CHANNEL_ABSENT] = NULL,
  [SIM_CHANNEL_DIRECT] = "direct",
  [SIM_CHANNEL_ONLINE] = "online",
  [SIM_CHANNEL_POSTAL] = "postal",
};

static const char *const push_names[] = {
  [SIM_PUSH_OK] = "ok",
  [SIM_PUSH_STALE] = "stale",
  [SIM_PUSH_MISSING] = "missing",
  [SIM_PUSH_DATES] = "dates",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void sim_dataset_info_init(struct sim_dataset_info *info)
{
  memset(info, 0, sizeof(*info));
  snprintf(info->agency, sizeof(info->agency), "%s", "000.00.00.H31");
}

void sim_dataset_info_release(struct sim_dataset_info *info)
{
  free(info->source);
  info->source = NULL;
}

/* ---- writing ------------------------------------------------------------ */

struct w {
  bool fail;
};

static cJSON *add(struct w *w, cJSON *o, const char *key, cJSON *v)
{
  if (!v || !cJSON_AddItemToObject(o, key, v)) {
    cJSON_Delete(v);
    w->fail = true;
    return NULL;
  }
  return v;
}

static void add_str(struct w *w, cJSON *o, const char *key, const char *s)
{
  add(w, o, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

static void add_num(struct w *w, cJSON *o, const char *key, double v)
{
  add(w, o, key, cJSON_CreateNumber(v));
}

static void add_bool(struct w *w, cJSON *o, const char *key, bool v)
{
  add(w, o, key, cJSON_CreateBool(v));
}

static void format_time(sim_time t, char *out)
{
  sim_format_iso(t, out);
  strcat(out, LOCAL_SUFFIX);
}

static void add_time(struct w *w, cJSON *o, const char *key, sim_time t)
{
  char buf[40];

  if (t == SIM_TIME_NONE) {
    add_str(w, o, key, NULL);
    return;
  }
  format_time(t, buf);
  add_str(w, o, key, buf);
}

static void add_day(struct w *w, cJSON *o, const char *key, int64_t day)
{
  char buf[16];

  sim_format_day(day, buf);
  add_str(w, o, key, buf);
}

/* Print o as one line and free it. */
static int put_line(struct w *w, cJSON *o, FILE *fp)
{
  char *s = w->fail ? NULL : cJSON_PrintUnformatted(o);
  int rc = 0;

  cJSON_Delete(o);
  if (!s || fputs(s, fp) == EOF || putc('\n', fp) == EOF)
    rc = -1;
  free(s);
  return rc;
}

static cJSON *header_json(const struct sim_model *m, const struct sim_dataset_info *info,
                          struct w *w)
{
  cJSON *o = cJSON_CreateObject(), *a, *t;
  char seed[24];

  if (!o) {
    w->fail = true;
    return NULL;
  }
  add_str(w, o, "format", SIM_DATASET_FORMAT);
  add_num(w, o, "version", SIM_DATASET_VERSION);
  add_time(w, o, "as_of", m->as_of);
  snprintf(seed, sizeof(seed), "%" PRIu64, info->seed);
  add_str(w, o, "seed", seed);
  add_str(w, o, "agency", info->agency);
  add_bool(w, o, "plain", info->plain);
  a = add(w, o, "communes", cJSON_CreateArray());
  for (size_t i = 0; a && i < m->ncommunes; i++) {
    cJSON *c = cJSON_CreateObject();

    if (!c || !cJSON_AddItemToArray(a, c)) {
      cJSON_Delete(c);
      w->fail = true;
      break;
    }
    add_str(w, c, "code", m->communes[i].code);
    add_str(w, c, "province", m->communes[i].province[0] ? m->communes[i].province : NULL);
  }
  if (info->have_truth) {
    t = add(w, o, "truth", cJSON_CreateObject());
    if (t) {
      add_str(w, t, "unit", info->unit);
      add_day(w, t, "from", info->truth_from);
      add_day(w, t, "to", info->truth_to);
    }
  } else {
    add_str(w, o, "truth", NULL);
  }
  add_num(w, o, "dossiers", (double)m->ndossiers);
  if (info->source)
    add(w, o, "source", cJSON_Parse(info->source));
  return o;
}

static cJSON *dossier_json(const struct sim_dossier *d, struct w *w)
{
  cJSON *o = cJSON_CreateObject(), *a;
  char buf[24];

  if (!o) {
    w->fail = true;
    return NULL;
  }
  add_str(w, o, "origin", origin_names[d->origin]);
  add_str(w, o, "code", d->code);
  add_str(w, o, "portal_code", d->portal_code);
  add_str(w, o, "ministry_code", d->ministry_code[0] ? d->ministry_code : NULL);
  add_str(w, o, "commune", d->commune);
  add_str(w, o, "procedure", d->proc ? d->proc->code : NULL);
  add_str(w, o, "department", d->dept ? d->dept->code : NULL);
  add_str(w, o, "channel", channel_names[d->channel]);
  add_num(w, o, "status", d->status);
  add_time(w, o, "submitted_at", d->submitted_at);
  add_time(w, o, "received_at", d->received_at);
  add_time(w, o, "due_at", d->due_at);
  add_time(w, o, "finished_at", d->finished_at);
  add_time(w, o, "returned_at", d->returned_at);
  add_time(w, o, "refused_at", d->refused_at);
  add_time(w, o, "updated_at", d->updated_at);
  a = add(w, o, "supplements", cJSON_CreateArray());
  for (int i = 0; a && i < d->nsupp; i++) {
    cJSON *s = cJSON_CreateObject();

    if (!s || !cJSON_AddItemToArray(a, s)) {
      cJSON_Delete(s);
      w->fail = true;
      break;
    }
    add_time(w, s, "requested_at", d->supp[i].requested_at);
    add_time(w, s, "completed_at", d->supp[i].completed_at);
    add_time(w, s, "new_due", d->supp[i].new_due);
  }
  a = add(w, o, "components", cJSON_CreateArray());
  for (int i = 0; a && i < d->ncomp; i++) {
    cJSON *c = cJSON_CreateObject();

    if (!c || !cJSON_AddItemToArray(a, c)) {
      cJSON_Delete(c);
      w->fail = true;
      break;
    }
    add_str(w, c, "code", d->comp[i].code);
    add_bool(w, c, "digitised", d->comp[i].digitised);
    add_num(w, c, "reused", d->comp[i].reused);
    add_bool(w, c, "from_store", d->comp[i].from_store);
  }
  a = add(w, o, "fees", cJSON_CreateArray());
  for (int i = 0; a && i < d->nfees; i++) {
    cJSON *f = cJSON_CreateObject();

    if (!f || !cJSON_AddItemToArray(a, f)) {
      cJSON_Delete(f);
      w->fail = true;
      break;
    }
    add_str(w, f, "code", d->fees[i].code);
    add_num(w, f, "amount", (double)d->fees[i].amount);
  }
  a = add(w, o, "results", cJSON_CreateArray());
  for (int i = 0; a && i < d->nresults; i++) {
    cJSON *r = cJSON_CreateObject();

    if (!r || !cJSON_AddItemToArray(a, r)) {
      cJSON_Delete(r);
      w->fail = true;
      break;
    }
    add_str(w, r, "code", d->results[i].code);
    add_str(w, r, "link", d->results[i].link);
  }
  add_num(w, o, "paid_online", d->paid_online);
  add_bool(w, o, "vneid", d->vneid);
  add_num(w, o, "rating", d->rating);
  add_bool(w, o, "complaint", d->complaint);
  snprintf(buf, sizeof(buf), "%016" PRIx64, d->variety);
  add_str(w, o, "variety", buf);
  add_bool(w, o, "via_counter", d->via_counter);
  add_str(w, o, "push", push_names[d->push]);
  add_time(w, o, "push_at", d->push_at);
  add_num(w, o, "push_received_shift", d->recv_shift);
  add_num(w, o, "push_due_shift", d->due_shift);
  return o;
}

int sim_dataset_write(const struct sim_model *m, const struct sim_dataset_info *info, FILE *fp)
{
  struct w w = { false };

  if (put_line(&w, header_json(m, info, &w), fp))
    return -1;
  for (size_t i = 0; i < m->ndossiers; i++)
    if (put_line(&w, dossier_json(&m->dossiers[i], &w), fp))
      return -1;
  return fflush(fp) == EOF || ferror(fp) ? -1 : 0;
}

int sim_dataset_save(const char *path, const struct sim_model *m,
                     const struct sim_dataset_info *info, char *err, size_t errlen)
{
  bool std = strcmp(path, "-") == 0;
  FILE *fp = std ? stdout : fopen(path, "w");
  int rc;

  if (!fp) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  rc = sim_dataset_write(m, info, fp);
  if (!std && fclose(fp))
    rc = -1;
  if (rc)
    snprintf(err, errlen, "%s: write failed", std ? "<stdout>" : path);
  return rc;
}

/* ---- reading ------------------------------------------------------------ */

struct rd {
  const char *name;
  long line;
  char *err;
  size_t errlen;
  sim_time as_of;
  const struct sim_model *m;
};

/* Set the error "name:line: [field "f": ]msg"; returns -1. */
static int fail(struct rd *r, const char *field, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static int fail(struct rd *r, const char *field, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (!r->errlen)
    return -1;
  if (field)
    n = snprintf(r->err, r->errlen, "%s:%ld: field \"%s\": ", r->name, r->line, field);
  else
    n = snprintf(r->err, r->errlen, "%s:%ld: ", r->name, r->line);
  if (n < 0 || (size_t)n >= r->errlen)
    return -1;
  va_start(ap, fmt);
  vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
  va_end(ap);
  return -1;
}

/*
 * One line into buf (room for SIM_DATASET_MAX_LINE + 1), without its
 * "\n" or "\r\n".  1 = a line, 0 = end of file, -1 too long, -2 a NUL
 * byte, -3 a read error.
 */
static int read_line(FILE *fp, char *buf, size_t *len)
{
  size_t n = 0;
  int c;

  for (;;) {
    c = getc(fp);
    if (c == EOF) {
      if (ferror(fp))
        return -3;
      if (!n)
        return 0;
      break;
    }
    if (c == '\n')
      break;
    if (c == '\0')
      return -2;
    if (n == SIM_DATASET_MAX_LINE)
      return -1;
    buf[n++] = (char)c;
  }
  if (n && buf[n - 1] == '\r')
    n--;
  buf[n] = '\0';
  *len = n;
  return 1;
}

/* Valid UTF-8 without control characters; ascii: printable ASCII only. */
static bool valid_text(const char *s, bool ascii)
{
  const unsigned char *p = (const unsigned char *)s;

  while (*p) {
    unsigned c = *p, need, cp;

    if (c < 0x20 || c == 0x7f)
      return false;
    if (c < 0x80) {
      p++;
      continue;
    }
    if (ascii)
      return false;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    p++;
    for (unsigned i = 0; i < need; i++, p++) {
      if ((*p & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (*p & 0x3f);
    }
    if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
      return false;
  }
  return true;
}

/*
 * The members of object o by the names in keys (NULL-terminated) into
 * f (room for every key); an unknown or repeated member is an error.
 * prefix names the object in messages ("" at top level).
 */
static int members(struct rd *r, const cJSON *o, const char *const *keys, const cJSON **f,
                   const char *prefix)
{
  char field[96];
  size_t n = 0;

  while (keys[n])
    f[n++] = NULL;
  for (const cJSON *c = o->child; c; c = c->next) {
    size_t k;

    for (k = 0; k < n && strcmp(keys[k], c->string); k++)
      ;
    snprintf(field, sizeof(field), "%s%s", prefix, c->string);
    if (k == n)
      return fail(r, field, "unknown field");
    if (f[k])
      return fail(r, field, "given twice");
    f[k] = c;
  }
  return 0;
}

static bool absent(const cJSON *v)
{
  return !v || cJSON_IsNull(v);
}

/* A string member into out (room for n bytes); NULL or missing = "". */
static int get_str(struct rd *r, const cJSON *v, const char *field, bool required, bool ascii,
                   char *out, size_t n)
{
  if (absent(v)) {
    if (required)
      return fail(r, field, v ? "must not be null" : "missing");
    out[0] = '\0';
    return 0;
  }
  if (!cJSON_IsString(v))
    return fail(r, field, "expected a string");
  if (required && !v->valuestring[0])
    return fail(r, field, "must not be empty");
  if (strlen(v->valuestring) >= n)
    return fail(r, field, "longer than %zu bytes", n - 1);
  if (!valid_text(v->valuestring, ascii))
    return fail(r, field, ascii ? "expected printable ASCII" : "not UTF-8, or a control character");
  memcpy(out, v->valuestring, strlen(v->valuestring) + 1);
  return 0;
}

/* An integer member in [lo, hi]; missing or null = def unless required. */
static int get_int(struct rd *r, const cJSON *v, const char *field, bool required, double lo,
                   double hi, long long def, long long *out)
{
  if (absent(v)) {
    if (required)
      return fail(r, field, v ? "must not be null" : "missing");
    *out = def;
    return 0;
  }
  if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble))
    return fail(r, field, "expected an integer");
  if (!(v->valuedouble >= lo && v->valuedouble <= hi))
    return fail(r, field, "%.0f is out of range (%.0f..%.0f)", v->valuedouble, lo, hi);
  *out = (long long)v->valuedouble;
  return 0;
}

static int get_bool(struct rd *r, const cJSON *v, const char *field, bool *out)
{
  if (absent(v)) {
    *out = false;
    return 0;
  }
  if (!cJSON_IsBool(v))
    return fail(r, field, "expected true or false");
  *out = cJSON_IsTrue(v);
  return 0;
}

/*
 * "yyyy-MM-ddTHH:mm:ss" followed by "+07:00", another offset "±HH:MM"
 * or "Z": the instant, or -1 on a wrong shape or impossible value.
 */
static int parse_time(const char *s, sim_time *out)
{
  char local[20];
  sim_time t;
  long off;

  if (strlen(s) < 20 || s[10] != 'T')
    return -1;
  memcpy(local, s, 19);
  local[19] = '\0';
  if (sim_parse_local(local, &t))
    return -1;
  s += 19;
  if (!strcmp(s, "Z")) {
    off = 0;
  } else if ((s[0] == '+' || s[0] == '-') && strlen(s) == 6 && s[1] >= '0' && s[1] <= '9' &&
             s[2] >= '0' && s[2] <= '9' && s[3] == ':' && s[4] >= '0' && s[4] <= '5' &&
             s[5] >= '0' && s[5] <= '9') {
    off = ((s[1] - '0') * 10 + (s[2] - '0')) * 3600L + ((s[4] - '0') * 10 + (s[5] - '0')) * 60L;
    if (off > 14 * 3600)
      return -1;
    if (s[0] == '-')
      off = -off;
  } else {
    return -1;
  }
  /* t read the clock as UTC+7; the text's clock is UTC+off. */
  *out = t + SIM_LOCAL_OFFSET - off;
  return 0;
}

/*
 * A time member: null or missing = SIM_TIME_NONE unless required.
 * event: it must not be after the as-of.
 */
static int get_time(struct rd *r, const cJSON *v, const char *field, bool required, bool event,
                    sim_time *out)
{
  if (absent(v)) {
    if (required)
      return fail(r, field, v ? "must not be null" : "missing");
    *out = SIM_TIME_NONE;
    return 0;
  }
  if (!cJSON_IsString(v) || parse_time(v->valuestring, out))
    return fail(r, field,
                "expected a time such as "
                "\"2026-04-01T08:30:00+07:00\"%s%s%s",
                cJSON_IsString(v) ? ", not \"" : "", cJSON_IsString(v) ? v->valuestring : "",
                cJSON_IsString(v) ? "\"" : "");
  if (*out <= 0)
    return fail(r, field, "%s is not after 1970-01-01", v->valuestring);
  if (event && r->as_of && *out > r->as_of)
    return fail(r, field, "%s is after the as-of", v->valuestring);
  return 0;
}

/* A keyword member: its index in names (n of them, NULL entries skipped). */
static int get_enum(struct rd *r, const cJSON *v, const char *field, const char *const *names,
                    size_t n, int def, int *out)
{
  char list[128] = "";

  if (absent(v) && def >= 0) {
    *out = def;
    return 0;
  }
  if (v && cJSON_IsString(v))
    for (size_t i = 0; i < n; i++)
      if (names[i] && !strcmp(names[i], v->valuestring)) {
        *out = (int)i;
        return 0;
      }
  for (size_t i = 0; i < n; i++)
    if (names[i]) {
      size_t l = strlen(list);

      snprintf(list + l, sizeof(list) - l, "%s%s", l ? ", " : "", names[i]);
    }
  if (!v)
    return fail(r, field, "missing (expected %s)", list);
  if (cJSON_IsString(v))
    return fail(r, field, "unknown value \"%.60s\" (expected %s)", v->valuestring, list);
  return fail(r, field, "expected one of %s", list);
}

static const cJSON *get_array(struct rd *r, const cJSON *v, const char *field, int max, int *n)
{
  *n = 0;
  if (absent(v))
    return NULL;
  if (!cJSON_IsArray(v)) {
    fail(r, field, "expected an array");
    return v;
  }
  *n = cJSON_GetArraySize(v);
  if (*n > max) {
    fail(r, field, "%d entries, at most %d", *n, max);
    return v;
  }
  return v;
}

/* ---- the header ---- */

enum {
  H_FORMAT,
  H_VERSION,
  H_AS_OF,
  H_SEED,
  H_AGENCY,
  H_PLAIN,
  H_COMMUNES,
  H_TRUTH,
  H_DOSSIERS,
  H_SOURCE,
  H_N
};

static const char *const header_keys[H_N + 1] = { "format",   "version", "as_of",    "seed",
                                                  "agency",   "plain",   "communes", "truth",
                                                  "dossiers", "source",  NULL };

static int read_truth(struct rd *r, const cJSON *v, struct sim_dataset_info *info)
{
  static const char *const keys[] = { "unit", "from", "to", NULL };
  const cJSON *f[3];
  char day[16];

  if (absent(v))
    return 0;
  if (!cJSON_IsObject(v))
    return fail(r, "truth", "expected an object or null");
  if (members(r, v, keys, f, "truth."))
    return -1;
  if (get_str(r, f[0], "truth.unit", true, true, info->unit, sizeof(info->unit)))
    return -1;
  if (!sim_is_digits(info->unit, 5) && !sim_is_digits(info->unit, 2))
    return fail(r, "truth.unit",
                "expected a 5-digit commune or "
                "2-digit province code, not \"%s\"",
                info->unit);
  if (get_str(r, f[1], "truth.from", true, true, day, sizeof(day)) ||
      (sim_parse_day(day, &info->truth_from) &&
       fail(r, "truth.from", "expected YYYY-MM-DD, not \"%s\"", day)))
    return -1;
  if (get_str(r, f[2], "truth.to", true, true, day, sizeof(day)) ||
      (sim_parse_day(day, &info->truth_to) &&
       fail(r, "truth.to", "expected YYYY-MM-DD, not \"%s\"", day)))
    return -1;
  if (info->truth_to < info->truth_from)
    return fail(r, "truth.to", "before truth.from");
  info->have_truth = true;
  return 0;
}

static int read_communes(struct rd *r, const cJSON *v, struct sim_model *m)
{
  static const char *const keys[] = { "code", "province", NULL };
  int n = 0, i = 0;
  const cJSON *c;

  if (!v)
    return fail(r, "communes", "missing");
  if (!cJSON_IsArray(v) || !(n = cJSON_GetArraySize(v)))
    return fail(r, "communes", "expected a non-empty array");
  cJSON_ArrayForEach(c, v)
  {
    char field[48], prefix[32], code[8], prov[8];
    const cJSON *f[2];

    snprintf(prefix, sizeof(prefix), "communes[%d].", i);
    if (!cJSON_IsObject(c))
      return fail(r, "communes", "entry %d is not an object", i);
    if (members(r, c, keys, f, prefix))
      return -1;
    snprintf(field, sizeof(field), "%scode", prefix);
    if (get_str(r, f[0], field, true, true, code, sizeof(code)))
      return -1;
    if (!sim_is_digits(code, 5))
      return fail(r, field, "expected 5 digits, not \"%s\"", code);
    snprintf(field, sizeof(field), "%sprovince", prefix);
    if (get_str(r, f[1], field, false, true, prov, sizeof(prov)))
      return -1;
    if (*prov && !sim_is_digits(prov, 2))
      return fail(r, field,
                  "expected 2 digits or null, not "
                  "\"%s\"",
                  prov);
    switch (sim_model_add_commune(m, code, prov)) {
    case SIM_MODEL_OK: break;
    case SIM_MODEL_NOMEM: return fail(r, NULL, "out of memory");
    default:
      snprintf(field, sizeof(field), "%scode", prefix);
      return fail(r, field, "commune %s listed twice", code);
    }
    i++;
  }
  return 0;
}

static int read_header(struct rd *r, const cJSON *o, struct sim_model *m,
                       struct sim_dataset_info *info, long long *ndossiers)
{
  const cJSON *f[H_N];
  long long version;
  sim_time as_of;
  uint64_t seed = 0;
  const char *s;

  if (members(r, o, header_keys, f, ""))
    return -1;
  if (!cJSON_IsString(f[H_FORMAT]) || strcmp(f[H_FORMAT]->valuestring, SIM_DATASET_FORMAT))
    return fail(r, "format",
                "%s (expected \"" SIM_DATASET_FORMAT "\": is this a tthc-sim dataset?)",
                f[H_FORMAT] ? "wrong value" : "missing");
  if (get_int(r, f[H_VERSION], "version", true, 0, 1e9, 0, &version))
    return -1;
  if (version != SIM_DATASET_VERSION)
    return fail(r, "version",
                "unsupported version %lld (this "
                "tthc-sim reads version %d)",
                version, SIM_DATASET_VERSION);
  if (get_time(r, f[H_AS_OF], "as_of", true, false, &as_of))
    return -1;
  sim_model_init(m, as_of);
  r->as_of = as_of;
  if (!cJSON_IsString(f[H_SEED]))
    return fail(r, "seed", f[H_SEED] ? "expected a decimal string" : "missing");
  s = f[H_SEED]->valuestring;
  if (!*s || strlen(s) > 20)
    return fail(r, "seed", "expected 0..18446744073709551615");
  for (const char *p = s; *p; p++) {
    unsigned dgt = (unsigned)(*p - '0');

    if (*p < '0' || *p > '9' || seed > (UINT64_MAX - dgt) / 10)
      return fail(r, "seed",
                  "expected "
                  "0..18446744073709551615, not \"%.30s\"",
                  s);
    seed = seed * 10 + dgt;
  }
  info->seed = seed;
  if (get_str(r, f[H_AGENCY], "agency", true, true, info->agency, sizeof(info->agency)))
    return -1;
  if (get_bool(r, f[H_PLAIN], "plain", &info->plain))
    return -1;
  if (read_communes(r, f[H_COMMUNES], m))
    return -1;
  if (read_truth(r, f[H_TRUTH], info))
    return -1;
  if (get_int(r, f[H_DOSSIERS], "dossiers", true, 0, 1e9, 0, ndossiers))
    return -1;
  if (!absent(f[H_SOURCE])) {
    if (!cJSON_IsObject(f[H_SOURCE]))
      return fail(r, "source", "expected an object");
    info->source = cJSON_PrintUnformatted(f[H_SOURCE]);
    if (!info->source)
      return fail(r, NULL, "out of memory");
  }
  return 0;
}

/* ---- a dossier ---- */

enum {
  K_ORIGIN,
  K_CODE,
  K_PORTAL_CODE,
  K_MINISTRY_CODE,
  K_COMMUNE,
  K_PROCEDURE,
  K_DEPARTMENT,
  K_CHANNEL,
  K_STATUS,
  K_SUBMITTED,
  K_RECEIVED,
  K_DUE,
  K_FINISHED,
  K_RETURNED,
  K_REFUSED,
  K_UPDATED,
  K_SUPPLEMENTS,
  K_COMPONENTS,
  K_FEES,
  K_RESULTS,
  K_PAID_ONLINE,
  K_VNEID,
  K_RATING,
  K_COMPLAINT,
  K_VARIETY,
  K_VIA_COUNTER,
  K_PUSH,
  K_PUSH_AT,
  K_RECV_SHIFT,
  K_DUE_SHIFT,
  K_N
};

static const char *const dossier_keys[K_N + 1] = { "origin",
                                                   "code",
                                                   "portal_code",
                                                   "ministry_code",
                                                   "commune",
                                                   "procedure",
                                                   "department",
                                                   "channel",
                                                   "status",
                                                   "submitted_at",
                                                   "received_at",
                                                   "due_at",
                                                   "finished_at",
                                                   "returned_at",
                                                   "refused_at",
                                                   "updated_at",
                                                   "supplements",
                                                   "components",
                                                   "fees",
                                                   "results",
                                                   "paid_online",
                                                   "vneid",
                                                   "rating",
                                                   "complaint",
                                                   "variety",
                                                   "via_counter",
                                                   "push",
                                                   "push_at",
                                                   "push_received_shift",
                                                   "push_due_shift",
                                                   NULL };

static int read_supplements(struct rd *r, const cJSON *v, struct sim_dossier *d)
{
  static const char *const keys[] = { "requested_at", "completed_at", "new_due", NULL };
  const cJSON *a = get_array(r, v, "supplements", SIM_MAX_SUPP, &d->nsupp);
  const cJSON *e;
  int i = 0;

  if (a && !cJSON_IsArray(a))
    return -1;
  if (d->nsupp > SIM_MAX_SUPP)
    return -1;
  cJSON_ArrayForEach(e, a)
  {
    struct sim_supplement *s = &d->supp[i];
    char prefix[32], field[64];
    const cJSON *f[3];

    snprintf(prefix, sizeof(prefix), "supplements[%d].", i);
    if (!cJSON_IsObject(e))
      return fail(r, "supplements", "entry %d is not an object", i);
    if (members(r, e, keys, f, prefix))
      return -1;
    snprintf(field, sizeof(field), "%srequested_at", prefix);
    if (get_time(r, f[0], field, true, true, &s->requested_at))
      return -1;
    snprintf(field, sizeof(field), "%scompleted_at", prefix);
    if (get_time(r, f[1], field, false, true, &s->completed_at))
      return -1;
    snprintf(field, sizeof(field), "%snew_due", prefix);
    if (get_time(r, f[2], field, false, false, &s->new_due))
      return -1;
    i++;
  }
  return 0;
}

static int read_components(struct rd *r, const cJSON *v, struct sim_dossier *d)
{
  static const char *const keys[] = { "code", "digitised", "reused", "from_store", NULL };
  const cJSON *a = get_array(r, v, "components", SIM_MAX_COMP, &d->ncomp);
  const cJSON *e;
  int i = 0;

  if ((a && !cJSON_IsArray(a)) || d->ncomp > SIM_MAX_COMP)
    return -1;
  cJSON_ArrayForEach(e, a)
  {
    struct sim_component *c = &d->comp[i];
    char prefix[32], field[64];
    const cJSON *f[4];
    long long reused;

    snprintf(prefix, sizeof(prefix), "components[%d].", i);
    if (!cJSON_IsObject(e))
      return fail(r, "components", "entry %d is not an object", i);
    if (members(r, e, keys, f, prefix))
      return -1;
    snprintf(field, sizeof(field), "%scode", prefix);
    if (get_str(r, f[0], field, true, true, c->code, sizeof(c->code)))
      return -1;
    snprintf(field, sizeof(field), "%sdigitised", prefix);
    if (get_bool(r, f[1], field, &c->digitised))
      return -1;
    snprintf(field, sizeof(field), "%sreused", prefix);
    if (get_int(r, f[2], field, false, 0, 2, 0, &reused))
      return -1;
    c->reused = (unsigned char)reused;
    snprintf(field, sizeof(field), "%sfrom_store", prefix);
    if (get_bool(r, f[3], field, &c->from_store))
      return -1;
    i++;
  }
  return 0;
}

static int read_fees(struct rd *r, const cJSON *v, struct sim_dossier *d)
{
  static const char *const keys[] = { "code", "amount", NULL };
  const cJSON *a = get_array(r, v, "fees", SIM_MAX_FEES, &d->nfees);
  const cJSON *e;
  int i = 0;

  if ((a && !cJSON_IsArray(a)) || d->nfees > SIM_MAX_FEES)
    return -1;
  cJSON_ArrayForEach(e, a)
  {
    char prefix[32], field[64];
    const cJSON *f[2];
    long long amount;

    snprintf(prefix, sizeof(prefix), "fees[%d].", i);
    if (!cJSON_IsObject(e))
      return fail(r, "fees", "entry %d is not an object", i);
    if (members(r, e, keys, f, prefix))
      return -1;
    snprintf(field, sizeof(field), "%scode", prefix);
    if (get_str(r, f[0], field, true, true, d->fees[i].code, sizeof(d->fees[i].code)))
      return -1;
    snprintf(field, sizeof(field), "%samount", prefix);
    if (get_int(r, f[1], field, true, 0, 1e15, 0, &amount))
      return -1;
    d->fees[i].amount = (long)amount;
    i++;
  }
  return 0;
}

static int read_results(struct rd *r, const cJSON *v, struct sim_dossier *d)
{
  static const char *const keys[] = { "code", "link", NULL };
  const cJSON *a = get_array(r, v, "results", SIM_MAX_RESULTS, &d->nresults);
  const cJSON *e;
  int i = 0;

  if ((a && !cJSON_IsArray(a)) || d->nresults > SIM_MAX_RESULTS)
    return -1;
  cJSON_ArrayForEach(e, a)
  {
    char prefix[32], field[64];
    const cJSON *f[2];

    snprintf(prefix, sizeof(prefix), "results[%d].", i);
    if (!cJSON_IsObject(e))
      return fail(r, "results", "entry %d is not an object", i);
    if (members(r, e, keys, f, prefix))
      return -1;
    snprintf(field, sizeof(field), "%scode", prefix);
    if (get_str(r, f[0], field, true, true, d->results[i].code, sizeof(d->results[i].code)))
      return -1;
    snprintf(field, sizeof(field), "%slink", prefix);
    if (get_str(r, f[1], field, false, false, d->results[i].link, sizeof(d->results[i].link)))
      return -1;
    i++;
  }
  return 0;
}

static int read_dossier(struct rd *r, const cJSON *o, struct sim_dossier *d)
{
  const cJSON *f[K_N];
  char buf[SIM_CODE_MAX];
  long long v;
  int e;

  if (members(r, o, dossier_keys, f, ""))
    return -1;
  if (get_enum(r, f[K_ORIGIN], "origin", origin_names, COUNT(origin_names), -1, &e))
    return -1;
  d->origin = (enum sim_origin)e;
  if (get_str(r, f[K_CODE], "code", true, true, d->code, sizeof(d->code)) ||
      get_str(r, f[K_PORTAL_CODE], "portal_code", true, true, d->portal_code,
              sizeof(d->portal_code)) ||
      get_str(r, f[K_MINISTRY_CODE], "ministry_code", d->origin == SIM_ORIGIN_MINISTRY, true,
              d->ministry_code, sizeof(d->ministry_code)))
    return -1;
  if (d->origin != SIM_ORIGIN_MINISTRY && d->ministry_code[0])
    return fail(r, "ministry_code",
                "only a HOTICH_BTP dossier has "
                "one (null or leave it out)");
  if (get_str(r, f[K_COMMUNE], "commune", true, true, buf, sizeof(buf)))
    return -1;
  if (!sim_is_digits(buf, 5) || !sim_model_commune(r->m, buf))
    return fail(r, "commune",
                "\"%s\" is not a commune of the "
                "header",
                buf);
  memcpy(d->commune, buf, 6);
  if (!f[K_PROCEDURE])
    return fail(r, "procedure", "missing (a catalog code, or null)");
  if (!absent(f[K_PROCEDURE])) {
    if (get_str(r, f[K_PROCEDURE], "procedure", true, true, buf, sizeof(buf)))
      return -1;
    d->proc = sim_procedure_find(buf);
    if (!d->proc)
      return fail(r, "procedure",
                  "\"%s\" is not in the "
                  "catalog",
                  buf);
  }
  if (!f[K_DEPARTMENT]) {
    d->dept = d->proc ? d->proc->dept : NULL;
  } else if (!absent(f[K_DEPARTMENT])) {
    if (get_str(r, f[K_DEPARTMENT], "department", true, true, buf, sizeof(buf)))
      return -1;
    for (size_t i = 0; i < COUNT(departments) && !d->dept; i++)
      if (!strcmp(departments[i]->code, buf))
        d->dept = departments[i];
    if (!d->dept)
      return fail(r, "department",
                  "unknown department \"%s\" "
                  "(expected TTPVHCC, PKT, VP or PVHXH)",
                  buf);
  }
  if (get_enum(r, f[K_CHANNEL], "channel", channel_names, COUNT(channel_names), SIM_CHANNEL_ABSENT,
               &e))
    return -1;
  d->channel = (enum sim_channel)e;
  if (f[K_STATUS] && cJSON_IsNumber(f[K_STATUS]) &&
      f[K_STATUS]->valuedouble == floor(f[K_STATUS]->valuedouble) &&
      !(f[K_STATUS]->valuedouble >= 1 && f[K_STATUS]->valuedouble <= 10))
    return fail(r, "status",
                "unknown status %.0f (a national "
                "TrangThaiHoSo, 1..10)",
                f[K_STATUS]->valuedouble);
  if (get_int(r, f[K_STATUS], "status", true, 1, 10, 0, &v))
    return -1;
  d->status = (int)v;
  if (get_time(r, f[K_SUBMITTED], "submitted_at", false, true, &d->submitted_at) ||
      get_time(r, f[K_RECEIVED], "received_at", false, true, &d->received_at) ||
      get_time(r, f[K_DUE], "due_at", false, false, &d->due_at) ||
      get_time(r, f[K_FINISHED], "finished_at", false, true, &d->finished_at) ||
      get_time(r, f[K_RETURNED], "returned_at", false, true, &d->returned_at) ||
      get_time(r, f[K_REFUSED], "refused_at", false, true, &d->refused_at) ||
      get_time(r, f[K_UPDATED], "updated_at", true, true, &d->updated_at))
    return -1;
  if (read_supplements(r, f[K_SUPPLEMENTS], d) || read_components(r, f[K_COMPONENTS], d) ||
      read_fees(r, f[K_FEES], d) || read_results(r, f[K_RESULTS], d))
    return -1;
  if (get_int(r, f[K_PAID_ONLINE], "paid_online", false, 0, 3, 0, &v))
    return -1;
  d->paid_online = (int)v;
  if (get_bool(r, f[K_VNEID], "vneid", &d->vneid))
    return -1;
  if (get_int(r, f[K_RATING], "rating", false, 0, 3, 0, &v))
    return -1;
  d->rating = (int)v;
  if (get_bool(r, f[K_COMPLAINT], "complaint", &d->complaint))
    return -1;
  if (get_str(r, f[K_VARIETY], "variety", false, true, buf, sizeof(buf)))
    return -1;
  if (*buf) {
    char *end;

    errno = 0;
    d->variety = strtoull(buf, &end, 16);
    if (strlen(buf) != 16 || *end || errno || strspn(buf, "0123456789abcdefABCDEF") != 16)
      return fail(r, "variety",
                  "expected 16 hex digits, not "
                  "\"%s\"",
                  buf);
  }
  if (get_bool(r, f[K_VIA_COUNTER], "via_counter", &d->via_counter))
    return -1;
  if (d->via_counter && d->origin != SIM_ORIGIN_MINISTRY)
    return fail(r, "via_counter",
                "only a HOTICH_BTP dossier is "
                "received at the counter");
  if (get_enum(r, f[K_PUSH], "push", push_names, COUNT(push_names), SIM_PUSH_OK, &e))
    return -1;
  d->push = (enum sim_push)e;
  if (get_time(r, f[K_PUSH_AT], "push_at", d->push == SIM_PUSH_STALE, true, &d->push_at))
    return -1;
  if (d->push != SIM_PUSH_STALE && d->push_at)
    return fail(r, "push_at", "only a \"stale\" push has one");
  if (get_int(r, f[K_RECV_SHIFT], "push_received_shift", false, INT32_MIN, INT32_MAX, 0, &v))
    return -1;
  d->recv_shift = (int32_t)v;
  if (get_int(r, f[K_DUE_SHIFT], "push_due_shift", false, INT32_MIN, INT32_MAX, 0, &v))
    return -1;
  d->due_shift = (int32_t)v;
  if (d->push != SIM_PUSH_DATES && (d->recv_shift || d->due_shift))
    return fail(r, d->recv_shift ? "push_received_shift" : "push_due_shift",
                "only a \"dates\" push has shifts");
  return 0;
}

/* Parse one line as a JSON object. */
static cJSON *parse_object(struct rd *r, const char *line)
{
  const char *end = NULL;
  cJSON *o = cJSON_ParseWithOpts(line, &end, true);

  if (!o) {
    fail(r, NULL, "not valid JSON (at byte %ld)", end && end >= line ? (long)(end - line) + 1 : 1L);
    return NULL;
  }
  if (!cJSON_IsObject(o)) {
    cJSON_Delete(o);
    fail(r, NULL, "expected a JSON object");
    return NULL;
  }
  return o;
}

int sim_dataset_read(FILE *fp, const char *name, struct sim_model *m, struct sim_dataset_info *info,
                     char *err, size_t errlen)
{
  struct rd r = { name, 0, err, errlen, 0, m };
  char *line = malloc(SIM_DATASET_MAX_LINE + 1);
  long long want = 0, have = 0;
  bool header = true;
  size_t len;
  int rc = -1;

  if (errlen)
    err[0] = '\0';
  sim_model_release(m);
  sim_dataset_info_release(info);
  sim_dataset_info_init(info);
  if (!line) {
    snprintf(err, errlen, "%s: out of memory", name);
    return -1;
  }
  for (;;) {
    int got = read_line(fp, line, &len);
    cJSON *o;

    r.line++;
    if (got == 0)
      break;
    if (got == -1) {
      fail(&r, NULL, "line longer than %d bytes", SIM_DATASET_MAX_LINE);
      goto out;
    }
    if (got == -2) {
      fail(&r, NULL, "NUL byte in the line");
      goto out;
    }
    if (got == -3) {
      fail(&r, NULL, "read error: %s", strerror(errno));
      goto out;
    }
    if (!header && have == want) {
      fail(&r, NULL,
           "more dossiers than the header's "
           "\"dossiers\" (%lld)",
           want);
      goto out;
    }
    if (!(o = parse_object(&r, line)))
      goto out;
    if (header) {
      rc = read_header(&r, o, m, info, &want);
      header = false;
    } else {
      struct sim_dossier *d = sim_model_append(m);

      rc = d ? read_dossier(&r, o, d) : fail(&r, NULL, "out of memory");
      have++;
    }
    cJSON_Delete(o);
    if (rc)
      goto out;
    rc = -1;
  }
  if (header) {
    fail(&r, NULL, "empty file: expected the header line");
    goto out;
  }
  if (have != want) {
    fail(&r, NULL,
         "the header announces %lld dossiers, the file "
         "has %lld (truncated?)",
         want, have);
    goto out;
  }
  rc = 0;
out:
  free(line);
  if (rc) {
    sim_model_release(m);
    sim_dataset_info_release(info);
  }
  return rc;
}

int sim_dataset_load(const char *path, struct sim_model *m, struct sim_dataset_info *info,
                     char *err, size_t errlen)
{
  bool std = strcmp(path, "-") == 0;
  FILE *fp = std ? stdin : fopen(path, "r");
  int rc;

  if (!fp) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  rc = sim_dataset_read(fp, std ? "<stdin>" : path, m, info, err, errlen);
  if (!std)
    fclose(fp);
  return rc;
}
