/*
 * httpd - libmicrohttpd wiring shared by the source simulators.
 *
 * Collects each request (bounded body), hands it to a source handler
 * (exchange.h), logs the answer (reqlog.h) and carries out the
 * response's transport instructions: send half the body and drop the
 * connection, drop it without answering, or stall first.  One thread per
 * connection, so a stalled request never blocks the others; stalls end
 * early when the server stops. With a certificate and key (PEM, in
 * memory) it serves HTTPS instead of HTTP, when libmicrohttpd was built
 * with TLS (Debian's is, with GnuTLS).
 *
 *     struct sim_httpd_options o = { .bind = "127.0.0.1", .port = 0,
 *             .handler = sim_portal_handler, .ctx = portal, .log = log };
 *     struct sim_httpd *h;
 *     if (sim_httpd_start(&o, &h, err, sizeof(err)) != SIM_HTTPD_OK) ...
 *     printf("PORT %u\n", sim_httpd_port(h));
 *     ...
 *     sim_httpd_stop(h);
 */
#ifndef TTHC_SIM_HTTPD_H
#define TTHC_SIM_HTTPD_H

#include <stddef.h>

#include "exchange.h"
#include "reqlog.h"

typedef enum {
  SIM_HTTPD_OK = 0,
  SIM_HTTPD_BAD_BIND, /* bind is not an IPv4/IPv6 literal */
  SIM_HTTPD_START,    /* the daemon did not start (port in use, a bad certificate ...) */
  SIM_HTTPD_NOMEM,
  SIM_HTTPD_NO_TLS /* a certificate was given, but libmicrohttpd has no TLS */
} sim_httpd_result;

typedef void (*sim_handler_fn)(void *ctx, const struct sim_request *q, struct sim_response *r);

struct sim_httpd_options {
  const char *bind; /* address literal; NULL = 127.0.0.1 */
  unsigned port;    /* 0 = an ephemeral port */
  size_t max_body;  /* larger bodies get 413; 0 = 1 MiB */
  sim_handler_fn handler;
  void *ctx;              /* handler's context (borrowed) */
  struct sim_reqlog *log; /* may be NULL (borrowed) */
  /* HTTPS: the server's certificate chain and private key, PEM text (both
   * or neither; borrowed, must outlive the server). NULL = plain HTTP. */
  const char *tls_cert_pem;
  const char *tls_key_pem;
  /* A rate limit the server enforces, as real gateways do: a request
   * arriving when the bucket (max_rps a second, room for 2, for the
   * scheduling jitter of a client that spaces its requests exactly) is
   * empty gets 429 with Retry-After: retry_after, fault "over-rate" in
   * the request log. 0 = none. */
  unsigned max_rps;
  unsigned retry_after;
};

struct sim_httpd;

/* Start serving; on failure *out is NULL and err says why. */
sim_httpd_result sim_httpd_start(const struct sim_httpd_options *o, struct sim_httpd **out,
                                 char *err, size_t errlen);

/* The port actually listened on. */
unsigned sim_httpd_port(const struct sim_httpd *h);

/* Stop (ends stalls, waits for connection threads) and free; NULL ok. */
void sim_httpd_stop(struct sim_httpd *h);

#endif
