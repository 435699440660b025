/*
 * probe.h — "authenticate and probe" one source, for tthc-sync --check:
 * with its secret (read by the caller), logs in (or gets a token) through
 * its adapter and asks for one page of one record of its first commune's
 * last hour. Nothing is landed, no watermark is read or moved; one attempt each, no retries, so a
 * check answers in seconds.
 */
#ifndef TTHC_PROBE_H
#define TTHC_PROBE_H

#include <stddef.h>

#include "config.h"

typedef enum {
  PROBE_OK = 0,
  PROBE_SETUP, /* no adapter for the kind, no commune, libcurl refused */
  PROBE_AUTH,  /* authentication refused or failed */
  PROBE_FETCH  /* authenticated, but the page request failed */
} probe_result;

/* Static English description of r; never NULL. */
const char *probe_strerror(probe_result r);

/* Probes cfg with secret (config_read_secret(); borrowed, not kept; the
 * token the login gets is zeroed and freed before returning). On failure
 * why gets what happened (URL, HTTP status, the server's message; never
 * the secret) and hint what to check. Call http_global_init() first. */
probe_result source_probe(const struct source_config *cfg, const char *secret, char *why,
                          size_t whysz, char *hint, size_t hintsz);

#endif
