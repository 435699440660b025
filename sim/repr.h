/*
 * repr - how a source system writes what it serves: the representation
 * knobs sources.md leaves open, independent of what is served.
 *
 * The same dossier can arrive laid out many ways: an XML page compact or
 * indented, with CRLF line ends or a UTF-8 BOM, elements, attributes and
 * JSON keys in any order, an absent value as <X/>, <X></X>, no element,
 * null, "" or a missing key, a code as "2" or 2, a JSON body compact or
 * pretty-printed, and a stop (status 3 after acceptance, 7, 8) dated by
 * NgayKetThucXuLy, NgayTuChoi and/or its QuaTrinhXuLy step.  None of
 * that changes the model, so the truth (truth.h, rates.h) never depends
 * on it; the pipeline has to read every variant the same.
 *
 * A zeroed struct sim_repr is the representation the simulators always
 * had (byte-identical pages).  Page-level knobs (layout, line ends, BOM)
 * apply to whole answers; record-level ones are drawn per record from
 * the dossier's variety and `seed`, so reading a record twice gives the
 * same bytes.
 *
 *     struct sim_repr r = { 0 };
 *     sim_repr_parse(&r, SIM_REPR_XML, "compact");
 *     sim_repr_draw(&r, 17, given);          // the knobs not in `given`
 *     sim_repr_describe(&r, line, sizeof(line));
 */
#ifndef TTHC_SIM_REPR_H
#define TTHC_SIM_REPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exchange.h"
#include "model.h"

enum sim_xml_layout {
  SIM_XML_INDENTED = 0, /* two spaces a level, one element a line */
  SIM_XML_COMPACT       /* no whitespace between elements at all */
};

enum sim_json_layout {
  SIM_JSON_COMPACT = 0, /* cJSON_PrintUnformatted */
  SIM_JSON_PRETTY       /* one member a line, two spaces a level */
};

enum sim_order {
  SIM_ORDER_CANONICAL = 0, /* the order of the spec's example */
  SIM_ORDER_SHUFFLED       /* HoSo elements, attributes and JSON keys
			    * in an order drawn per record */
};

/* How an absent value is written. */
enum sim_absent {
  SIM_ABSENT_MIXED = 0, /* each system's usual mix (as always) */
  SIM_ABSENT_VARIED,    /* every form, drawn per record and field */
  SIM_ABSENT_NULL,      /* JSON null; XML <X/> */
  SIM_ABSENT_EMPTY,     /* JSON ""; XML <X></X>, attribute "" */
  SIM_ABSENT_MISSING    /* no key, no element, no attribute */
};

/* Scalars the spec allows either way (codes, statuses, flags, amounts,
 * the portal's yyyyMMddHHmmss times). */
enum sim_scalars {
  SIM_SCALARS_MIXED = 0, /* each system's usual mix (as always) */
  SIM_SCALARS_VARIED,    /* string or number, drawn per record and field */
  SIM_SCALARS_STRINGS,   /* every one a JSON string */
  SIM_SCALARS_NUMBERS    /* every one a JSON number (error_code too) */
};

/*
 * Where a stop (3 after acceptance, 7, 8) with a recorded time is dated;
 * `stop` is a set of these, 0 = REFUSAL | STEP (as always).  END also
 * gives the ministry's thoiGianHoanThanh of a refused (6) dossier.
 */
#define SIM_STOP_END     1u /* NgayKetThucXuLy / thoiGianHoanThanh */
#define SIM_STOP_REFUSAL 2u /* NgayTuChoi */
#define SIM_STOP_STEP    4u /* the 3/7/8 Buoc of QuaTrinhXuLy */
#define SIM_STOP_MIXED   8u /* any of them per dossier */

/* A growable text buffer that remembers a failed allocation (`fail`):
 * callers append freely and check once. */
struct sim_text {
  char *s;
  size_t len, cap;
  bool fail;
};

/* Appends n bytes and keeps the text NUL-terminated. */
void sim_text_put(struct sim_text *b, const char *s, size_t n);

struct sim_repr {
  uint64_t seed; /* record-level draws, with the dossier's variety */
  enum sim_xml_layout xml;
  bool crlf; /* CRLF line ends (XML, pretty JSON) */
  bool bom;  /* a UTF-8 BOM before <?xml */
  enum sim_order order;
  enum sim_json_layout json;
  bool ascii; /* JSON: non-ASCII letters as \uXXXX escapes */
  enum sim_absent absent;
  enum sim_scalars scalars;
  unsigned stop;
};

/* The knobs, for sim_repr_parse() and sim_repr_draw()'s `given` mask. */
enum sim_repr_knob {
  SIM_REPR_XML = 0,
  SIM_REPR_CRLF,
  SIM_REPR_BOM,
  SIM_REPR_ORDER,
  SIM_REPR_JSON,
  SIM_REPR_ABSENT,
  SIM_REPR_SCALARS,
  SIM_REPR_STOP,
  SIM_REPR_ASCII,
  SIM_REPR_KNOBS
};

/*
 * Set one knob from its flag value ("compact", "1", "end+step" ...);
 * a boolean knob takes NULL as "1".  0, or -1 when the value is not one
 * of the knob's (r unchanged).
 */
int sim_repr_parse(struct sim_repr *r, enum sim_repr_knob k, const char *value);

/* The values a knob takes, for messages ("indented|compact"). */
const char *sim_repr_values(enum sim_repr_knob k);

/*
 * Draw every knob whose bit (1u << knob) is not in `given` from seed,
 * and make seed the record-level seed.  The same seed draws the same.
 */
void sim_repr_draw(struct sim_repr *r, uint64_t seed, unsigned given);

/* One line "xml=compact crlf=1 ... stop=end+step" into out. */
void sim_repr_describe(const struct sim_repr *r, char *out, size_t n);

/* True when r is the representation of a zeroed struct. */
bool sim_repr_is_default(const struct sim_repr *r);

/* A record-level choice among n for the field `salt` of a dossier. */
unsigned sim_repr_pick(const struct sim_repr *r, uint64_t variety, uint64_t salt, unsigned n);

/* A record-level hash, to seed a shuffle. */
uint64_t sim_repr_hash(const struct sim_repr *r, uint64_t variety, uint64_t salt);

/*
 * Where the stop of d is dated by a system that can write the parts in
 * `has`: 0 when d is not an accepted stop with a recorded refused_at (an
 * unrecorded stop is dated nowhere: the truth ends it at the update
 * time).  Unless `optional`, at least one part is always given, so the
 * stop time reaches the pipeline; the ministry's is optional (the portal
 * copy carries it).
 */
unsigned sim_repr_stop(const struct sim_repr *r, const struct sim_dossier *d, unsigned has,
                       bool optional);

/*
 * Rewrite an XML text (a page, or one HoSo) in r's layout: compact drops
 * whitespace-only text between elements, crlf writes line ends as CRLF,
 * bom (when `bom`) puts EF BB BF first.  malloc'd, length in *outlen;
 * NULL when out of memory.
 */
char *sim_repr_xml_text(const struct sim_repr *r, const char *in, size_t len, bool bom,
                        size_t *outlen);

/*
 * Rewrite a compact JSON text in r's layout: pretty-printed (CRLF with
 * crlf), non-ASCII letters escaped (ascii), and with `code_key` of the
 * top-level object as a number when scalars is NUMBERS and its value an
 * integer string.  malloc'd, length in *outlen; NULL when out of memory.
 */
char *sim_repr_json_text(const struct sim_repr *r, const char *in, size_t len, const char *code_key,
                         size_t *outlen);

/*
 * A system's answer in r's page layout: XML (application/xml) through
 * sim_repr_xml_text, or JSON (application/json) through
 * sim_repr_json_text; anything else, and a windows-1258 page's BOM, is
 * left alone.  Out of memory leaves the answer as it was.
 */
void sim_repr_answer(const struct sim_repr *r, struct sim_response *resp, const char *code_key);

#endif
