/*
 * city - the city's TTHC information system (sources.md §2), behind the
 * province's integration gateway (LGSP).
 *
 *   POST /token            HTTP Basic client_id:client_secret, form body
 *                          grant_type=client_credentials ->
 *                          {"access_token","token_type":"Bearer",
 *                          "expires_in"}; bad credentials -> 401
 *                          {"error":"invalid_client"}; another grant ->
 *                          400 {"error":"unsupported_grant_type"}.
 *   GET /tthc/v1/hoso?maxa=&tungay=&denngay=&trang=&sobanghi=
 *                          Authorization: Bearer <token>; a missing,
 *                          unknown or expired token -> 401
 *                          {"error":"invalid_token"} with
 *                          WWW-Authenticate.  XML KetQuaTraCuu.
 *
 * Listing rules (decided here where the contract is silent): NgayCapNhat
 * in [tungay, denngay], both inclusive, local yyyyMMddHHmmss; a missing
 * bound is open; maxa missing = all communes; order (NgayCapNhat,
 * MaHoSo); trang from 1 (default 1); sobanghi default 100, above 1000
 * clamped to 1000; a page past the end has an empty DanhSachHoSo and the
 * real TongSoBanGhi.  Invalid parameters: HTTP 200, MaLoi 2 and MoTaLoi.
 * Other paths 404, other methods 405.
 *
 * The city holds the city dossiers and the ministry (civil-status) ones
 * received at the commune counter (links.h); MaHoSoQuocGia is the
 * portal's code (spelled as the city keeps it).  Records vary as real
 * ones do unless `plain`: an absent value is <X/>, <X></X> or no element
 * at all; MaTTHC in its long or short form.  `repr` (repr.h) varies the
 * representation further: compact pages, CRLF, a BOM, element and
 * attribute order, the absent form, and how a stop is dated
 * (NgayTuChoi, NgayKetThucXuLy, its QuaTrinhXuLy step).
 */
#ifndef TTHC_SIM_CITY_H
#define TTHC_SIM_CITY_H

#include <stdbool.h>
#include <stdint.h>

#include "exchange.h"
#include "fault.h"
#include "model.h"
#include "repr.h"

#define SIM_CITY_MAX_PAGE 1000

struct sim_city_options {
  const char *client_id;     /* default "demo" */
  const char *client_secret; /* default "demo-secret" */
  const char *prefix;        /* code prefix for long MaTTHC, "H31" */
  uint64_t seed;             /* tokens */
  uint64_t junk_seed;        /* malformed records and drift */
  unsigned token_ttl;        /* seconds, default 3600 */
  bool plain;
  struct sim_repr repr; /* representation knobs (repr.h); zero = as always */
};

struct sim_city;

/* A city system over m (borrowed).  faults may be NULL.  NULL on OOM. */
struct sim_city *sim_city_new(const struct sim_model *m, const struct sim_city_options *o,
                              struct sim_faults *faults);

void sim_city_free(struct sim_city *c);

/* Answer one request (thread-safe). */
void sim_city_handle(struct sim_city *c, const struct sim_request *q, struct sim_response *r);

/* Handler signature for httpd.h. */
void sim_city_handler(void *ctx, const struct sim_request *q, struct sim_response *r);

/* One HoSo element for d, as served (caller frees); NULL on OOM. */
char *sim_city_render(const struct sim_city *c, const struct sim_dossier *d);

#endif
