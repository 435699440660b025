/*
 * portal - the national Public Service Portal (DVCQG) simulator.
 *
 * Serves the model through the portal contract of sources.md §1:
 *
 *   POST /api/auth         header dstcode: <agency>, body {username,
 *                          password} -> {"error_code":"0", "session",
 *                          "expires_in":1800}; wrong credentials or
 *                          agency -> error_code "401" (HTTP 200).
 *   POST /api/integration  {"session","madonvi","service":"LayDanhSachHoSo",
 *                          "MaXa","TuNgay","DenNgay","pageIndex","pageSize"}
 *
 * Listing rules (decided here where the contract is silent):
 *   - filter NgayCapNhat in [TuNgay, DenNgay], both inclusive, local
 *     yyyyMMddHHmmss; a missing bound is open; MaXa missing = all communes;
 *   - order (NgayCapNhat, MaHoSo); pageIndex from 1 (default 1);
 *     pageSize default 100, above 1000 clamped to 1000 (the answer's
 *     pageSize says so); a page past the end is an empty result;
 *   - unknown or expired session -> error_code "99"; a session lives
 *     session_ttl seconds (1800);
 *   - malformed JSON -> HTTP 400; well-formed but invalid parameters
 *     (pageIndex < 1, pageSize < 1, bad dates or MaXa, unknown service)
 *     -> HTTP 200 with error_code "2" and a message;
 *   - other paths 404, other methods 405.
 *
 * Records vary the way real ones do unless `plain` is set: an absent
 * value is a missing key, "" or null; some codes are numbers rather than
 * strings; MaTTHC in long or short form; MaLinhVuc in lower case.  The
 * choice is a function of the dossier, so every read gives the same bytes.
 * `repr` (repr.h) varies the representation further: key order, the
 * absent form, strings or numbers, pretty bodies, and how a stop is dated
 * (NgayTuChoi and / or NgayKetThucXuLy).
 *
 * The records are the view of view.h: every dossier's portal copy (a
 * failed push, links.h, makes it stale or missing), MaHoSoBNDP = the city
 * code when the portal's code differs, plus junk records under the
 * malformed fault.  Faults (fault.h) are rolled once per request to a
 * known endpoint; drift moves records of the client's window later.
 *
 *     struct sim_portal *p = sim_portal_new(&model, &opts, &faults);
 *     sim_portal_handle(p, &req, &resp);   // thread-safe
 *     sim_portal_free(p);
 */
#ifndef TTHC_SIM_PORTAL_H
#define TTHC_SIM_PORTAL_H

#include <stdbool.h>
#include <stdint.h>

#include "exchange.h"
#include "fault.h"
#include "model.h"
#include "repr.h"

#define SIM_PORTAL_MAX_PAGE 1000

struct sim_portal_options {
  const char *username; /* default "demo" */
  const char *password; /* default "demo-secret" */
  const char *agency;   /* dstcode expected, default "000.00.00.H31" */
  uint64_t seed;        /* session tokens */
  unsigned session_ttl; /* seconds, default 1800 */
  bool plain;           /* no representation variety */
  uint64_t junk_seed;   /* malformed records and drift (view.h) */
  struct sim_repr repr; /* representation knobs (repr.h); zero = as always */
};

struct sim_portal;
struct cJSON;

/*
 * A portal over m (borrowed; must outlive the portal and not change).
 * faults may be NULL.  Strings in opts are copied.  NULL when out of
 * memory.
 */
struct sim_portal *sim_portal_new(const struct sim_model *m, const struct sim_portal_options *opts,
                                  struct sim_faults *faults);

void sim_portal_free(struct sim_portal *p);

/* Answer one request; r must be sim_response_init()ed. */
void sim_portal_handle(struct sim_portal *p, const struct sim_request *q, struct sim_response *r);

/* Handler signature for httpd.h: ctx is the struct sim_portal. */
void sim_portal_handler(void *ctx, const struct sim_request *q, struct sim_response *r);

/* The portal's HoSo record for one dossier (caller frees); NULL on OOM. */
struct cJSON *sim_portal_render(const struct sim_portal *p, const struct sim_dossier *d);

#endif
