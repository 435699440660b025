/*
 * jsonrec - what the two JSON systems (portal.h, ministry.h) share in
 * rendering a record and answering with JSON.
 *
 * A record varies the way real ones do unless `plain` is set: each
 * choice is a function of the dossier's variety and a salt naming the
 * field, so reading the same record twice gives the same bytes.  What
 * differs between the systems is their style: how often an absent value
 * is a missing key, "" or null, and how an instant is written.  Running
 * out of memory is sticky (`fail`), so the calls stay flat.
 */
#ifndef TTHC_SIM_JSONREC_H
#define TTHC_SIM_JSONREC_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "exchange.h"
#include "model.h"
#include "repr.h"

struct sim_jrec_style {
  /* An absent value: one of `of` choices; `missing` leaves the key out,
   * `empty` is "", any other null. */
  unsigned of, missing, empty;
  void (*time)(sim_time t, char *out); /* an instant, into >= 24 bytes */
};

struct sim_jrec {
  const struct sim_jrec_style *style;
  const struct sim_dossier *d;
  bool plain;
  bool fail;                   /* out of memory: the record is dropped */
  const struct sim_repr *repr; /* the representation knobs (repr.h) */
};

/* Stable per-dossier choice among n for a field (salt); 0 when plain. */
unsigned sim_jrec_pick(const struct sim_jrec *x, unsigned salt, unsigned n);

/* Note an addition that failed (added == NULL). */
void sim_jrec_check(struct sim_jrec *x, const void *added);

/* An absent value in the system's style (or the form repr->absent asks). */
void sim_jrec_absent(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt);

/* An absent value the system always writes as null, unless repr->absent
 * asks for another form. */
void sim_jrec_null(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt);

/*
 * Whether a scalar the spec allows either way goes out as a JSON number:
 * `mixed` (the system's usual choice) unless repr->scalars says otherwise.
 */
bool sim_jrec_as_number(const struct sim_jrec *x, unsigned salt, bool mixed);

/* An integer as a string or a number (sim_jrec_as_number). */
void sim_jrec_int(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt, long v,
                  bool mixed_number);

/* A boolean: true/false, or with repr->scalars "true"/"false" or 1/0. */
void sim_jrec_bool(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt, bool v);

/*
 * With repr->order shuffled: the members of o, and of the objects inside
 * it, in an order drawn from the dossier (the same on every read).
 */
void sim_jrec_shuffle(struct sim_jrec *x, cJSON *o);

/* A string, or absent when NULL or "". */
void sim_jrec_str(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt, const char *v);

/* An instant in the system's format, or absent when 0. */
void sim_jrec_time(struct sim_jrec *x, cJSON *o, const char *name, unsigned salt, sim_time t);

/* A new object appended to array a; NULL (and fail) when out of memory. */
cJSON *sim_jrec_item(struct sim_jrec *x, cJSON *a);

/* o when ok, else NULL (o deleted): the end of a rendering. */
cJSON *sim_json_keep(cJSON *o, bool ok);

/* Append h (consumed) to a; false when h is NULL or out of memory. */
bool sim_json_append(cJSON *a, cJSON *h);

/* Replace o's member name by v (consumed); false when v is NULL or OOM. */
bool sim_json_replace(cJSON *o, const char *name, cJSON *v);

/* j (consumed) as an application/json answer; NULL j: a 500. */
void sim_reply_json(struct sim_response *r, int status, cJSON *j);

#endif
