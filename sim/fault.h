/*
 * fault - on-demand injection of the faults the sources are known for.
 *
 * Each fault has a rate (probability per request).  A handler rolls once
 * per request with sim_faults_roll(), which consumes exactly one draw
 * from a stream seeded by --fault-seed, so a given sequence of requests
 * meets the same faults on every run.  The handler renders faults whose
 * body is source-specific (an error_code in a JSON envelope ...) itself
 * and hands the transport-level ones to sim_fault_apply().
 *
 *     sim_faults_init(&f, 7);
 *     if (sim_faults_add(&f, "http-5xx:0.05") != SIM_FAULT_OK) usage();
 *     ...
 *     enum sim_fault k = sim_faults_roll(&f, SIM_FAULTS_TRANSPORT);
 *
 * Names (for --fault NAME:RATE):
 *   http-5xx         502, 503 or 504 with an HTML body
 *   rate-limit       429 with Retry-After
 *   unavailable      503 with Retry-After (maintenance window)
 *   error-1          HTTP 200, error_code "-1" (transient system error)
 *   session-expired  HTTP 200, error_code "99"; the session is dropped
 *   numeric-code     success, but error_code as the number 0
 *   truncate         half the body, then the connection is dropped
 *   reset            the connection is closed without an answer
 *   stall            no answer for --stall-ms, then the normal answer
 *   http-500         500 with an HTML error page (city)
 *   token-expired    city data call answered 401; the token really ends
 *   windows-1258     city page encoded in, and declared as, windows-1258
 *   ncr              city page with non-ASCII letters as &#NNNN;
 *   doctype          city page with a DOCTYPE and entity declarations
 *                    (billion laughs, an external entity) before the root,
 *                    behind a comment that differs on every such answer
 *   sync-error       ministry: status "0", errorCode SYNC_ERROR
 *   cursor-expired   ministry: a call with a cursor gets CURSOR_EXPIRED
 *   drift            portal, city: after the page, a few records of the
 *                    client's window from that page on move to a later
 *                    NgayCapNhat (<= the window's end)
 *   drift-served     portal, city: after the page, one record already served
 *                    (this page or an earlier one) is updated and moves to
 *                    the end of the window: seen twice, and the record on
 *                    the page boundary slides back and is never served
 *   drift-out        the same, but the update takes it past the window's
 *                    end (DenNgay): the total drops by one
 *   miscount         portal, city: the page announces one record more than
 *                    the listing holds (total, TongSoBanGhi)
 *   endless          portal, city: a listing that never ends: every page
 *                    is full (past the window's end, its records again
 *                    under fresh codes ENDLESS-<n>) and no total is
 *                    announced
 *   same-cursor      ministry: a call with a cursor is answered with that
 *                    cursor again as nextCursor: the listing never ends
 *   malformed        not per request: RATE junk records per real record
 *                    are slipped into the pages (junk.h)
 *
 * Which faults a kind accepts: SIM_FAULTS_PORTAL, _CITY, _MINISTRY.
 *
 * Thread-safe: the roll is done under a lock.
 */
#ifndef TTHC_SIM_FAULT_H
#define TTHC_SIM_FAULT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "exchange.h"
#include "rng.h"

typedef enum {
  SIM_FAULT_OK = 0,
  SIM_FAULT_BAD_NAME,
  SIM_FAULT_BAD_RATE /* not in [0, 1], or the rates sum above 1 */
} sim_fault_result;

enum sim_fault {
  SIM_FAULT_NONE = 0,
  SIM_FAULT_HTTP_5XX,
  SIM_FAULT_RATE_LIMIT,
  SIM_FAULT_UNAVAILABLE,
  SIM_FAULT_ERROR_1,
  SIM_FAULT_SESSION,
  SIM_FAULT_NUMERIC_CODE,
  SIM_FAULT_TRUNCATE,
  SIM_FAULT_RESET,
  SIM_FAULT_STALL,
  SIM_FAULT_HTTP_500,
  SIM_FAULT_TOKEN_EXPIRED,
  SIM_FAULT_WIN1258,
  SIM_FAULT_NCR,
  SIM_FAULT_DOCTYPE,
  SIM_FAULT_SYNC_ERROR,
  SIM_FAULT_CURSOR_EXPIRED,
  SIM_FAULT_DRIFT,
  SIM_FAULT_DRIFT_SERVED,
  SIM_FAULT_DRIFT_OUT,
  SIM_FAULT_MISCOUNT,
  SIM_FAULT_ENDLESS,
  SIM_FAULT_SAME_CURSOR,
  SIM_FAULT_COUNT
};

#define SIM_FAULT_BIT(k) (1u << (k))
/* Faults any endpoint can suffer: they do not depend on the body. */
#define SIM_FAULTS_TRANSPORT                                                  \
  (SIM_FAULT_BIT(SIM_FAULT_HTTP_5XX) | SIM_FAULT_BIT(SIM_FAULT_RATE_LIMIT) |  \
   SIM_FAULT_BIT(SIM_FAULT_UNAVAILABLE) | SIM_FAULT_BIT(SIM_FAULT_TRUNCATE) | \
   SIM_FAULT_BIT(SIM_FAULT_RESET) | SIM_FAULT_BIT(SIM_FAULT_STALL))
#define SIM_FAULTS_ALL ((1u << SIM_FAULT_COUNT) - 2u)
/* Offset-paging faults of the portal and the city. */
#define SIM_FAULTS_PAGING                                                   \
  (SIM_FAULT_BIT(SIM_FAULT_DRIFT) | SIM_FAULT_BIT(SIM_FAULT_DRIFT_SERVED) | \
   SIM_FAULT_BIT(SIM_FAULT_DRIFT_OUT) | SIM_FAULT_BIT(SIM_FAULT_MISCOUNT) | \
   SIM_FAULT_BIT(SIM_FAULT_ENDLESS))
/* What each kind's data endpoint can meet. */
#define SIM_FAULTS_PORTAL                                                                       \
  (SIM_FAULTS_TRANSPORT | SIM_FAULT_BIT(SIM_FAULT_ERROR_1) | SIM_FAULT_BIT(SIM_FAULT_SESSION) | \
   SIM_FAULT_BIT(SIM_FAULT_NUMERIC_CODE) | SIM_FAULTS_PAGING)
#define SIM_FAULTS_CITY_TOKEN (SIM_FAULTS_TRANSPORT | SIM_FAULT_BIT(SIM_FAULT_HTTP_500))
#define SIM_FAULTS_CITY                                                        \
  (SIM_FAULTS_CITY_TOKEN | SIM_FAULT_BIT(SIM_FAULT_ERROR_1) |                  \
   SIM_FAULT_BIT(SIM_FAULT_TOKEN_EXPIRED) | SIM_FAULT_BIT(SIM_FAULT_WIN1258) | \
   SIM_FAULT_BIT(SIM_FAULT_NCR) | SIM_FAULT_BIT(SIM_FAULT_DOCTYPE) | SIM_FAULTS_PAGING)
#define SIM_FAULTS_MINISTRY                                                        \
  (SIM_FAULTS_TRANSPORT | SIM_FAULT_BIT(SIM_FAULT_HTTP_500) |                      \
   SIM_FAULT_BIT(SIM_FAULT_SYNC_ERROR) | SIM_FAULT_BIT(SIM_FAULT_CURSOR_EXPIRED) | \
   SIM_FAULT_BIT(SIM_FAULT_SAME_CURSOR))

struct sim_faults {
  unsigned ppm[SIM_FAULT_COUNT]; /* rate per million requests */
  unsigned stall_ms;             /* how long a stall lasts */
  unsigned retry_after;          /* Retry-After seconds sent */
  unsigned malformed_ppm;        /* junk records per million records */
  struct sim_rng rng;
  pthread_mutex_t lock;
};

/* One roll's outcome; variant picks e.g. which 5xx, from the same stream. */
struct sim_fault_hit {
  enum sim_fault kind;
  uint32_t variant;
};

/* No faults, stall 20 s, Retry-After 1 s, stream seeded with seed. */
void sim_faults_init(struct sim_faults *f, uint64_t seed);

/* Destroy the lock. */
void sim_faults_release(struct sim_faults *f);

/*
 * Set a rate from "NAME:RATE" (RATE a fraction such as 0.05, or "5%").
 * "malformed:RATE" sets malformed_ppm, outside the per-request roll.
 */
sim_fault_result sim_faults_add(struct sim_faults *f, const char *spec);

/* A share, 0.05 or 5%, as parts per million; -1 when not one in 0..1. */
int sim_parse_rate(const char *s, unsigned *ppm);

/* Mask of the per-request faults given a non-zero rate. */
unsigned sim_faults_enabled(const struct sim_faults *f);

/*
 * Draw the fault for one request: two draws, whatever `allowed` is; a
 * fault outside the allowed mask counts as none.  f may be NULL (no
 * faults).
 */
struct sim_fault_hit sim_faults_roll(struct sim_faults *f, unsigned allowed);

/*
 * Whether the fault replaces the answer (http-5xx, rate-limit,
 * unavailable): the handler then skips its own work and calls
 * sim_fault_apply() alone.
 */
int sim_fault_preempts(enum sim_fault k);

/*
 * Apply a fault to a response: replace it (preempting faults) or set its
 * transport instructions (truncate, reset, stall).  Records the fault's
 * name for any fault; body faults (error-1 ...) are otherwise left to
 * the handler.  Returns -1 when out of memory, else 0.
 */
int sim_fault_apply(const struct sim_faults *f, struct sim_fault_hit hit, struct sim_response *r);

/*
 * A handler's first step: when the hit preempts (sim_fault_preempts()),
 * apply it to r and return true; the handler then answers nothing more.
 */
bool sim_fault_preempted(const struct sim_faults *f, struct sim_fault_hit hit,
                         struct sim_response *r);

/*
 * A handler's last step: a fault that is not a transport one and had no
 * effect on the answer (`used` false) is dropped, so it is not logged;
 * then sim_fault_apply().
 */
int sim_fault_finish(const struct sim_faults *f, struct sim_fault_hit hit, bool used,
                     struct sim_response *r);

/* Flag name of a fault ("http-5xx" ...); NULL for NONE. */
const char *sim_fault_name(enum sim_fault k);

#endif
