/*
 * repr - representation knobs and page rewriting (see repr.h).
 */
#include "repr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

/* ---- knobs ---------------------------------------------------------------- */

static const char *const xml_names[] = { "indented", "compact", NULL };
static const char *const bool_names[] = { "0", "1", NULL };
static const char *const order_names[] = { "canonical", "shuffled", NULL };
static const char *const json_names[] = { "compact", "pretty", NULL };
static const char *const absent_names[] = { "mixed", "varied", "null", "empty", "missing", NULL };
static const char *const scalar_names[] = { "mixed", "varied", "strings", "numbers", NULL };
static const char *const stop_parts[] = { "end", "refusal", "step" };

static int lookup(const char *const *names, const char *v)
{
  for (int i = 0; names[i]; i++)
    if (!strcmp(names[i], v))
      return i;
  return -1;
}

/* "mixed", or parts joined by '+': a SIM_STOP_ set, 0 if malformed. */
static unsigned parse_stop(const char *v)
{
  unsigned set = 0;

  if (!strcmp(v, "mixed"))
    return SIM_STOP_MIXED;
  while (*v) {
    size_t n = strcspn(v, "+");
    unsigned bit = 0;

    for (unsigned i = 0; i < 3; i++)
      if (strlen(stop_parts[i]) == n && !strncmp(v, stop_parts[i], n))
        bit = 1u << i;
    if (!bit || (set & bit))
      return 0;
    set |= bit;
    v += n;
    if (*v == '+' && !*++v)
      return 0; /* a trailing '+' */
  }
  return set;
}

int sim_repr_parse(struct sim_repr *r, enum sim_repr_knob k, const char *value)
{
  const char *v = value ? value : "1";
  unsigned stop;
  int i;

  switch (k) {
  case SIM_REPR_XML:
    if ((i = lookup(xml_names, v)) < 0)
      return -1;
    r->xml = (enum sim_xml_layout)i;
    return 0;
  case SIM_REPR_CRLF:
  case SIM_REPR_BOM:
  case SIM_REPR_ASCII:
    if ((i = lookup(bool_names, v)) < 0)
      return -1;
    *(k == SIM_REPR_CRLF ? &r->crlf : k == SIM_REPR_BOM ? &r->bom : &r->ascii) = i == 1;
    return 0;
  case SIM_REPR_ORDER:
    if ((i = lookup(order_names, v)) < 0)
      return -1;
    r->order = (enum sim_order)i;
    return 0;
  case SIM_REPR_JSON:
    if ((i = lookup(json_names, v)) < 0)
      return -1;
    r->json = (enum sim_json_layout)i;
    return 0;
  case SIM_REPR_ABSENT:
    if ((i = lookup(absent_names, v)) < 0)
      return -1;
    r->absent = (enum sim_absent)i;
    return 0;
  case SIM_REPR_SCALARS:
    if ((i = lookup(scalar_names, v)) < 0)
      return -1;
    r->scalars = (enum sim_scalars)i;
    return 0;
  case SIM_REPR_STOP:
    if (!(stop = parse_stop(v)))
      return -1;
    r->stop = stop;
    return 0;
  default: return -1;
  }
}

const char *sim_repr_values(enum sim_repr_knob k)
{
  switch (k) {
  case SIM_REPR_XML: return "indented|compact";
  case SIM_REPR_CRLF:
  case SIM_REPR_BOM:
  case SIM_REPR_ASCII: return "0|1";
  case SIM_REPR_ORDER: return "canonical|shuffled";
  case SIM_REPR_JSON: return "compact|pretty";
  case SIM_REPR_ABSENT: return "mixed|varied|null|empty|missing";
  case SIM_REPR_SCALARS: return "mixed|varied|strings|numbers";
  case SIM_REPR_STOP: return "mixed, or end, refusal, step joined by +";
  default: return "";
  }
}

void sim_repr_draw(struct sim_repr *r, uint64_t seed, unsigned given)
{
  struct sim_rng g;
  uint64_t v[SIM_REPR_KNOBS];
  static const uint64_t ways[SIM_REPR_KNOBS] = { 2, 2, 2, 2, 2, 5, 4, 8, 2 };

  /* Every knob consumes its draw, given or not: pinning one knob with
   * its flag leaves the others as the seed alone draws them. */
  sim_rng_init(&g, sim_mix(seed, 0x7e97e5));
  for (int k = 0; k < SIM_REPR_KNOBS; k++)
    v[k] = sim_rng_below(&g, ways[k]);
  r->seed = seed;
  if (!(given & 1u << SIM_REPR_XML))
    r->xml = (enum sim_xml_layout)v[SIM_REPR_XML];
  if (!(given & 1u << SIM_REPR_CRLF))
    r->crlf = v[SIM_REPR_CRLF];
  if (!(given & 1u << SIM_REPR_BOM))
    r->bom = v[SIM_REPR_BOM];
  if (!(given & 1u << SIM_REPR_ORDER))
    r->order = (enum sim_order)v[SIM_REPR_ORDER];
  if (!(given & 1u << SIM_REPR_JSON))
    r->json = (enum sim_json_layout)v[SIM_REPR_JSON];
  if (!(given & 1u << SIM_REPR_ABSENT))
    r->absent = (enum sim_absent)v[SIM_REPR_ABSENT];
  if (!(given & 1u << SIM_REPR_SCALARS))
    r->scalars = (enum sim_scalars)v[SIM_REPR_SCALARS];
  if (!(given & 1u << SIM_REPR_STOP)) /* 0: mixed, else a non-empty set */
    r->stop = v[SIM_REPR_STOP] ? (unsigned)v[SIM_REPR_STOP] : SIM_STOP_MIXED;
  if (!(given & 1u << SIM_REPR_ASCII))
    r->ascii = v[SIM_REPR_ASCII];
}

static void stop_name(unsigned stop, char *out, size_t n)
{
  size_t len = 0;

  if (!stop)
    stop = SIM_STOP_REFUSAL | SIM_STOP_STEP;
  if (stop & SIM_STOP_MIXED) {
    snprintf(out, n, "mixed");
    return;
  }
  out[0] = '\0';
  for (unsigned i = 0; i < 3; i++)
    if (stop & 1u << i && len < n)
      len += (size_t)snprintf(out + len, n - len, "%s%s", len ? "+" : "", stop_parts[i]);
}

void sim_repr_describe(const struct sim_repr *r, char *out, size_t n)
{
  char stop[32];

  stop_name(r->stop, stop, sizeof(stop));
  snprintf(out, n, "xml=%s crlf=%d bom=%d order=%s json=%s ascii=%d absent=%s scalars=%s stop=%s",
           xml_names[r->xml], r->crlf, r->bom, order_names[r->order], json_names[r->json], r->ascii,
           absent_names[r->absent], scalar_names[r->scalars], stop);
}

bool sim_repr_is_default(const struct sim_repr *r)
{
  return r->xml == SIM_XML_INDENTED && !r->crlf && !r->bom && r->order == SIM_ORDER_CANONICAL &&
         r->json == SIM_JSON_COMPACT && !r->ascii && r->absent == SIM_ABSENT_MIXED &&
         r->scalars == SIM_SCALARS_MIXED &&
         (!r->stop || r->stop == (SIM_STOP_REFUSAL | SIM_STOP_STEP));
}

uint64_t sim_repr_hash(const struct sim_repr *r, uint64_t variety, uint64_t salt)
{
  /* A stream of its own: the choices the systems always made from the
   * variety alone (jsonrec.h, city.c) stay as they were. */
  return sim_mix(sim_mix(variety, r->seed ^ 0x5e9c0de5ULL), salt);
}

unsigned sim_repr_pick(const struct sim_repr *r, uint64_t variety, uint64_t salt, unsigned n)
{
  return n ? (unsigned)(sim_repr_hash(r, variety, salt) % n) : 0;
}

unsigned sim_repr_stop(const struct sim_repr *r, const struct sim_dossier *d, unsigned has,
                       bool optional)
{
  unsigned mode = r->stop ? r->stop : SIM_STOP_REFUSAL | SIM_STOP_STEP, parts = 0;
  unsigned bits[3], nb = 0, k;

  /* Only a time the model recorded is rendered: an unrecorded stop ends
   * at the update time, in the truth and in the pipeline alike. */
  if (!d->received_at || !d->refused_at || d->finished_at || d->returned_at ||
      (d->status != 3 && d->status != 7 && d->status != 8))
    return 0; /* (a finish or a return ends it first: not a stop) */
  if (mode & SIM_STOP_MIXED) {
    for (unsigned i = 0; i < 3; i++)
      if (has & 1u << i)
        bits[nb++] = 1u << i;
    k = optional ? sim_repr_pick(r, d->variety, 0x5709, 1u << nb)
                 : 1 + sim_repr_pick(r, d->variety, 0x5709, (1u << nb) - 1);
    for (unsigned i = 0; i < nb; i++)
      if (k & 1u << i)
        parts |= bits[i];
    return parts;
  }
  parts = mode & has;
  if (!parts && !optional) /* e.g. "step" on the portal, which has none */
    parts = has & SIM_STOP_REFUSAL ? SIM_STOP_REFUSAL : has & (SIM_STOP_END | SIM_STOP_STEP);
  return parts;
}

/* ---- page rewriting ------------------------------------------------------- */

void sim_text_put(struct sim_text *b, const char *s, size_t n)
{
  if (b->fail)
    return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    char *t;

    while (cap < b->len + n + 1)
      cap *= 2;
    t = realloc(b->s, cap);
    if (!t) {
      b->fail = true;
      return;
    }
    b->s = t;
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

static char *rdone(struct sim_text *b, size_t *outlen)
{
  if (!b->fail && !b->s)
    sim_text_put(b, "", 0);
  if (b->fail) {
    free(b->s);
    return NULL;
  }
  *outlen = b->len;
  return b->s;
}

static bool is_ws(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *sim_repr_xml_text(const struct sim_repr *r, const char *in, size_t len, bool bom,
                        size_t *outlen)
{
  struct sim_text b = { 0 };
  bool compact = r->xml == SIM_XML_COMPACT, between = true;
  size_t i = 0;

  sim_text_put(&b, "", 0);
  if (b.s && len + len / 8 + 16 > b.cap) { /* one allocation, usually */
    char *t = realloc(b.s, len + len / 8 + 16);

    if (t) {
      b.s = t;
      b.cap = len + len / 8 + 16;
    }
  }
  if (bom)
    sim_text_put(&b, "\xef\xbb\xbf", 3);
  while (i < len) {
    char c = in[i];

    /* Whitespace-only text between two tags is layout, not content
     * (the simulators never send a value that is only blanks). */
    if (compact && between && is_ws(c)) {
      size_t j = i;

      while (j < len && is_ws(in[j]))
        j++;
      if (j == len || in[j] == '<') {
        i = j;
        continue;
      }
    }
    if (c == '\n' && r->crlf && !(i > 0 && in[i - 1] == '\r'))
      sim_text_put(&b, "\r\n", 2);
    else
      sim_text_put(&b, &c, 1);
    between = c == '>';
    i++;
  }
  return rdone(&b, outlen);
}

#define JSON_STACK 64

static void newline(struct sim_text *b, const char *nl, int depth)
{
  sim_text_put(b, nl, strlen(nl));
  for (int i = 0; i < depth; i++)
    sim_text_put(b, "  ", 2);
}

/*
 * A JSON string's text with every UTF-8 letter beyond ASCII as \uXXXX
 * (a surrogate pair above the BMP); bytes that are not UTF-8 stay as they
 * are (a junk record's: escaping cannot make them text).
 */
static void put_ascii(struct sim_text *b, const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;

  while (i < n) {
    unsigned cp = 0, len = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : p[i] >= 0xc0 ? 2 : 1, k;
    char esc[16];

    if (p[i] < 0x80 || i + len > n) {
      sim_text_put(b, s + i++, 1);
      continue;
    }
    cp = p[i] & (0x7f >> len);
    for (k = 1; k < len && (p[i + k] & 0xc0) == 0x80; k++)
      cp = cp << 6 | (p[i + k] & 0x3f);
    if (k < len || cp < 0x80 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      sim_text_put(b, s + i++, 1);
      continue;
    }
    if (cp >= 0x10000)
      snprintf(esc, sizeof(esc), "\\u%04x\\u%04x", 0xd800 + ((cp - 0x10000) >> 10),
               0xdc00 + ((cp - 0x10000) & 0x3ff));
    else
      snprintf(esc, sizeof(esc), "\\u%04x", cp);
    sim_text_put(b, esc, strlen(esc));
    i += len;
  }
}

/* Whether s[0..n) is an integer that JSON can carry as a number. */
static bool integer_text(const char *s, size_t n)
{
  size_t i = s[0] == '-';

  if (n == i || n - i > 15 || (s[i] == '0' && n - i > 1))
    return false;
  for (; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

char *sim_repr_json_text(const struct sim_repr *r, const char *in, size_t len, const char *code_key,
                         size_t *outlen)
{
  struct sim_text b = { 0 };
  bool pretty = r->json == SIM_JSON_PRETTY, code_next = false;
  const char *nl = r->crlf ? "\r\n" : "\n";
  const char *key = r->scalars == SIM_SCALARS_NUMBERS ? code_key : NULL;
  bool obj[JSON_STACK], key_next[JSON_STACK];
  int depth = 0;
  size_t i = 0;

  sim_text_put(&b, "", 0);
  while (i < len && !b.fail) {
    char c = in[i];
    bool in_obj = depth > 0 && depth <= JSON_STACK && obj[depth - 1];

    if (is_ws(c)) {
      i++;
      continue;
    }
    if (c == '"') {
      size_t j = i + 1;

      while (j < len && in[j] != '"')
        j += in[j] == '\\' ? 2 : 1;
      if (j >= len)
        j = len - 1; /* not JSON: copied as it is */
      if (in_obj && key_next[depth - 1]) {
        key_next[depth - 1] = false;
        code_next =
          key && depth == 1 && j - i - 1 == strlen(key) && !memcmp(in + i + 1, key, j - i - 1);
        sim_text_put(&b, in + i, j - i + 1);
      } else if (code_next && integer_text(in + i + 1, j - i - 1)) {
        sim_text_put(&b, in + i + 1, j - i - 1); /* "0" -> 0 */
        code_next = false;
      } else if (r->ascii) {
        sim_text_put(&b, "\"", 1);
        put_ascii(&b, in + i + 1, j - i - 1);
        sim_text_put(&b, "\"", 1);
        code_next = false;
      } else {
        sim_text_put(&b, in + i, j - i + 1);
        code_next = false;
      }
      i = j + 1;
      continue;
    }
    switch (c) {
    case '{':
    case '[': {
      size_t j = i + 1;

      while (j < len && is_ws(in[j]))
        j++;
      sim_text_put(&b, &c, 1);
      if (j < len && in[j] == (c == '{' ? '}' : ']')) { /* {} and [] stay as they are */
        sim_text_put(&b, &in[j], 1);
        i = j + 1;
        continue;
      }
      if (depth < JSON_STACK) {
        obj[depth] = c == '{';
        key_next[depth] = c == '{';
      }
      depth++;
      if (pretty)
        newline(&b, nl, depth);
      break;
    }
    case '}':
    case ']':
      depth -= depth > 0;
      if (pretty)
        newline(&b, nl, depth);
      sim_text_put(&b, &c, 1);
      code_next = false;
      break;
    case ',':
      sim_text_put(&b, ",", 1);
      if (in_obj)
        key_next[depth - 1] = true;
      code_next = false;
      if (pretty)
        newline(&b, nl, depth);
      break;
    case ':': sim_text_put(&b, pretty ? ": " : ":", pretty ? 2 : 1); break;
    default: sim_text_put(&b, &c, 1); break;
    }
    i++;
  }
  return rdone(&b, outlen);
}

void sim_repr_answer(const struct sim_repr *r, struct sim_response *resp, const char *code_key)
{
  const char *ct = resp->content_type;
  size_t n = 0;
  char *out;

  if (!resp->body || !ct)
    return;
  if (!strncmp(ct, "application/xml", 15)) {
    /* A UTF-8 BOM on a page declared windows-1258 would contradict it. */
    bool bom = r->bom && !strstr(ct, "windows-1258");

    if (r->xml == SIM_XML_INDENTED && !r->crlf && !bom)
      return;
    out = sim_repr_xml_text(r, resp->body, resp->len, bom, &n);
  } else if (!strncmp(ct, "application/json", 16)) {
    if (r->json == SIM_JSON_COMPACT && !r->ascii && r->scalars != SIM_SCALARS_NUMBERS)
      return;
    out = sim_repr_json_text(r, resp->body, resp->len, code_key, &n);
  } else {
    return;
  }
  if (!out)
    return;
  free(resp->body);
  resp->body = out;
  resp->len = n;
}
