/*
 * sim_fixture.h — what the simulator suites share: the model of the
 * default flags, requests with headers and query arguments, the portal,
 * city and ministry calls a client makes first (login, token, a listing
 * page), and a daemon on an ephemeral loopback port.
 *
 * Everything is static inline (or marked unused), so a suite that does
 * not use a helper does not warn about it.  The headers of a request come from a `struct
 * kv` array: headers first, then a NULL key, then query arguments,
 * NULL-ended.
 */
#ifndef TTHC_SIM_FIXTURE_H
#define TTHC_SIM_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <CUnit/CUnit.h>
#include <cjson/cJSON.h>

#include "../sim/city.h"
#include "../sim/exchange.h"
#include "../sim/generator.h"
#include "../sim/httpd.h"
#include "../sim/links.h"
#include "../sim/ministry.h"
#include "../sim/portal.h"
#include "../sim/truth.h"

#define AGENCY "000.00.00.H31"

/* ---- time and the model ------------------------------------------------------ */

/* A local instant "yyyy-MM-ddTHH:mm:ss"; fails the test if malformed. */
static inline sim_time T(const char *s)
{
  sim_time t = 0;

  CU_ASSERT_EQUAL_FATAL(sim_parse_local(s, &t), 0);
  return t;
}

/*
 * The generated model of the default flags (2026-03-01 .. 2026-04-30, as
 * of 2026-05-05, 20 a day, communes 11002 and 10792 of province 31, and
 * `extra` with no province when not NULL), before the links.
 */
static inline void fx_model(struct sim_model *m, uint64_t seed, const char *extra)
{
  struct sim_gen_options o = { .seed = seed, .per_day = 20, .prefix = "H31" };

  sim_parse_day("2026-03-01", &o.day_from);
  sim_parse_day("2026-04-30", &o.day_to);
  sim_model_init(m, T("2026-05-05T00:00:00"));
  sim_model_add_commune(m, "11002", "31");
  sim_model_add_commune(m, "10792", "31");
  if (extra)
    sim_model_add_commune(m, extra, NULL);
  CU_ASSERT_EQUAL_FATAL(sim_generate(m, &o), SIM_GEN_OK);
}

/* fx_model() with the cross-system links applied (links.h). */
static inline void generate(struct sim_model *m, uint64_t seed, unsigned push, unsigned national)
{
  struct sim_link_options lo = { .seed = seed, .push_ppm = push, .national_ppm = national };

  fx_model(m, seed, NULL);
  sim_links_apply(m, &lo);
}

/*
 * A model (as of 2026-05-05) of one dossier, the suites' example: city
 * code H31.11002-260401-00012 (also the portal's), commune 11002,
 * procedure 1.001193, received 2026-04-01 08:30, due 04-03 17:00,
 * finished 04-02 10:00, returned 14:30, updated 14:30:05, status 10;
 * everything else zero, for the suite to fill in.
 */
static inline struct sim_dossier *example_dossier(struct sim_model *m)
{
  struct sim_dossier *d;

  sim_model_init(m, T("2026-05-05T00:00:00"));
  d = sim_model_append(m);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  strcpy(d->code, "H31.11002-260401-00012");
  strcpy(d->portal_code, d->code);
  strcpy(d->commune, "11002");
  d->proc = sim_procedure_find("1.001193");
  CU_ASSERT_PTR_NOT_NULL_FATAL(d->proc);
  d->received_at = T("2026-04-01T08:30:00");
  d->due_at = T("2026-04-03T17:00:00");
  d->finished_at = T("2026-04-02T10:00:00");
  d->returned_at = T("2026-04-02T14:30:00");
  d->updated_at = T("2026-04-02T14:30:05");
  d->status = 10;
  return d;
}

/*
 * The sync-discrepancy truth of m, as its TSV text (caller frees).  Not
 * inlined: GCC then takes open_memstream()'s pointer for a dangling one.
 */
__attribute__((unused, noinline)) static char *discrepancies(const struct sim_model *m)
{
  char *p = NULL;
  size_t n = 0;
  FILE *out = open_memstream(&p, &n);

  CU_ASSERT_EQUAL(sim_truth_discrepancies(m, out), SIM_TRUTH_OK);
  fclose(out);
  return p;
}

/* ---- requests ------------------------------------------------------------------ */

struct kv {
  const char *k, *v;
};

static inline const char *kv_lookup(const struct kv *p, const char *name, bool query)
{
  bool in_query = false;

  for (;; p++) {
    if (!p->k) {
      if (in_query)
        return NULL;
      in_query = true;
      continue;
    }
    if (in_query == query && !strcasecmp(p->k, name))
      return p->v;
  }
}

static inline const char *hdr(void *ctx, const char *name)
{
  return kv_lookup(ctx, name, false);
}

static inline const char *qry(void *ctx, const char *name)
{
  return kv_lookup(ctx, name, true);
}

/* A request whose headers and query arguments are kv. */
static inline struct sim_request kv_request(const char *method, const char *path, const char *body,
                                            const struct kv *kv)
{
  struct sim_request q = { method, path, body, strlen(body), hdr, (void *)kv, qry };

  return q;
}

/* A string member, or NULL. */
static inline const char *str(const cJSON *o, const char *name)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A number member, or -1. */
static inline double num(const cJSON *o, const char *name)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

  return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* ---- portal ---------------------------------------------------------------------- */

static inline const char *dst_header(void *ctx, const char *name)
{
  return strcasecmp(name, "dstcode") == 0 ? ctx : NULL;
}

/* One POST with header dstcode: dst (NULL: none); the parsed body or NULL. */
static inline cJSON *portal_call(struct sim_portal *p, const char *path, const char *dst,
                                 const char *body, struct sim_response *r)
{
  struct sim_request q = { "POST", path, body, strlen(body), dst_header, (void *)dst };

  sim_response_init(r);
  sim_portal_handle(p, &q, r);
  return r->body ? cJSON_Parse(r->body) : NULL;
}

/* Log in as demo at AGENCY; the session into token (64 bytes). */
static inline void portal_login(struct sim_portal *p, char *token)
{
  struct sim_response r;
  cJSON *j =
    portal_call(p, "/api/auth", AGENCY, "{\"username\":\"demo\",\"password\":\"demo-secret\"}", &r);

  CU_ASSERT_PTR_NOT_NULL_FATAL(j);
  CU_ASSERT_STRING_EQUAL(str(j, "error_code"), "0");
  CU_ASSERT(num(j, "expires_in") >= 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(str(j, "session"));
  snprintf(token, 64, "%s", str(j, "session"));
  cJSON_Delete(j);
  sim_response_release(&r);
}

/* ---- city ------------------------------------------------------------------------- */

/* demo:demo-secret */
#define CITY_BASIC "Basic ZGVtbzpkZW1vLXNlY3JldA=="

static inline void city_call(struct sim_city *c, const char *method, const char *path,
                             const char *body, const struct kv *kv, struct sim_response *r)
{
  struct sim_request q = kv_request(method, path, body, kv);

  sim_response_init(r);
  sim_city_handle(c, &q, r);
}

/* prefix and the access token of a /token answer into out. */
static inline void access_token(const char *body, const char *prefix, char *out, size_t n)
{
  const char *p = strstr(body, "\"access_token\":\"");

  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  snprintf(out, n, "%s%.32s", prefix, p + 16);
}

/* A client-credentials token; "Bearer <token>" into tok (48 bytes). */
static inline void city_token(struct sim_city *c, char *tok)
{
  const struct kv kv[] = { { "Authorization", CITY_BASIC }, { NULL, NULL }, { NULL, NULL } };
  struct sim_response r;

  city_call(c, "POST", "/token", "grant_type=client_credentials", kv, &r);
  CU_ASSERT_EQUAL_FATAL(r.status, 200);
  CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"token_type\":\"Bearer\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(r.body, "\"expires_in\":"));
  access_token(r.body, "Bearer ", tok, 48);
  sim_response_release(&r);
}

/* ---- ministry --------------------------------------------------------------------- */

/* GET /api/v2/ho-so (NULL arguments left out); the parsed body or NULL. */
static inline cJSON *ministry_list(struct sim_ministry *s, const char *key, const char *xa,
                                   const char *since, const char *limit, const char *cursor,
                                   struct sim_response *r)
{
  const struct kv kv[] = { { "X-API-Key", key },   { NULL, NULL },     { "maDonVi", xa },
                           { "capNhatTu", since }, { "limit", limit }, { "cursor", cursor },
                           { NULL, NULL } };
  struct sim_request q = kv_request("GET", "/api/v2/ho-so", "", kv);

  sim_response_init(r);
  sim_ministry_handle(s, &q, r);
  return r->body ? cJSON_Parse(r->body) : NULL;
}

/* ---- over HTTP ---------------------------------------------------------------------- */

/* A daemon on an ephemeral 127.0.0.1 port answering with handler(ctx). */
static inline struct sim_httpd *serve(sim_handler_fn handler, void *ctx, struct sim_reqlog *log)
{
  struct sim_httpd_options ho = {
    .bind = "127.0.0.1", .port = 0, .handler = handler, .ctx = ctx, .log = log
  };
  struct sim_httpd *h = NULL;
  char err[128];

  CU_ASSERT_EQUAL_FATAL(sim_httpd_start(&ho, &h, err, sizeof(err)), SIM_HTTPD_OK);
  return h;
}

#endif
