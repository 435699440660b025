/*
 * ministry - a ministry's centralised TTHC system (sources.md §3): the
 * Ministry of Justice civil-status (hộ tịch) system.
 *
 *   GET /api/v2/ho-so?maDonVi=&capNhatTu=&limit=&cursor=
 *        header X-API-Key; a missing or wrong key -> 403
 *        {"status":"0","errorCode":"FORBIDDEN",...}.
 *        -> {"status":"1","statusDescription":"OK","value":[...],
 *            "nextCursor": "<opaque>" | null}
 *
 * Listing rules (decided here where the contract is silent): capNhatLuc
 * >= capNhatTu (ISO 8601; an offset, Z, or none = local time; a '+'
 * decoded to a space is read as '+'); no capNhatTu = from the start;
 * maDonVi missing = all communes; order (capNhatLuc, maHoSoLT); limit
 * default 100, above 1000 clamped to 1000.  The cursor is base64url of
 * the last record's position (time, code), so a listing never skips or
 * repeats; it is valid as long as the server runs, and expires
 * (CURSOR_EXPIRED) only under the cursor-expired fault.  Invalid
 * parameters -> HTTP 400 {"status":"0","errorCode":"INVALID_PARAMETER"};
 * a cursor that does not decode -> 400 "INVALID_CURSOR".  Other paths
 * 404, other methods 405.
 *
 * The ministry has no refusal time, department or submission time; its
 * trangThai is sim_ministry_status() of the national status (7 and 8
 * show as 6, refused).  maHoSoMCDT is the city code, spelled as the
 * ministry keeps it (links.h), for dossiers received at the counter.
 * `repr` (repr.h) varies key order, absent forms, strings or numbers,
 * pretty bodies, and gives a refused (6) dossier the stop time as
 * thoiGianHoanThanh (as some systems fill it however processing ended).
 */
#ifndef TTHC_SIM_MINISTRY_H
#define TTHC_SIM_MINISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "exchange.h"
#include "fault.h"
#include "model.h"
#include "repr.h"

#define SIM_MINISTRY_MAX_PAGE 1000

struct sim_ministry_options {
  const char *api_key; /* default "demo-secret" */
  uint64_t junk_seed;  /* malformed records */
  bool plain;
  struct sim_repr repr; /* representation knobs (repr.h); zero = as always */
};

struct sim_ministry;
struct cJSON;

struct sim_ministry *sim_ministry_new(const struct sim_model *m,
                                      const struct sim_ministry_options *o,
                                      struct sim_faults *faults);

void sim_ministry_free(struct sim_ministry *s);

void sim_ministry_handle(struct sim_ministry *s, const struct sim_request *q,
                         struct sim_response *r);

void sim_ministry_handler(void *ctx, const struct sim_request *q, struct sim_response *r);

/* One record for d, as served (caller frees); NULL on OOM. */
struct cJSON *sim_ministry_render(const struct sim_ministry *s, const struct sim_dossier *d);

/* Format t as "dd/MM/yyyy HH:mm:ss" local into out (>= 20 bytes). */
void sim_format_dmy(sim_time t, char *out);

#endif
