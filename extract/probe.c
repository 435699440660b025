/*
 * probe.c — one authenticated request per source (probe.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapter.h"
#include "http.h"
#include "probe.h"

/* A probe page never needs more: one record asked for. */
#define PROBE_MAX_BODY (4u << 20)

const char *probe_strerror(probe_result r)
{
  switch (r) {
  case PROBE_OK: return "ok";
  case PROBE_SETUP: return "source cannot be set up";
  case PROBE_AUTH: return "authentication failed";
  case PROBE_FETCH: return "request failed";
  }
  return "unknown probe result";
}

static void describe(const struct attempt_error *err, char *why, size_t whysz)
{
  if (err->http_status > 0)
    snprintf(why, whysz, "%s (HTTP %ld from %s)", err->message, err->http_status, err->url);
  else if (err->url[0])
    snprintf(why, whysz, "%s (%s)", err->message, err->url);
  else
    snprintf(why, whysz, "%s", err->message);
}

static const char *hint_for(attempt_outcome out, int auth)
{
  if (out == ATTEMPT_TRANSIENT)
    return "The system did not answer or is busy: check base_url, the network and "
           "connect_timeout_seconds; the nightly run would retry it.";
  if (auth)
    return "Check username, the secret (secret_file or secret_env) and agency_code.";
  return "Check base_url, agency_code and the communes this account may read.";
}

/* Authenticate, then one page; the session is set up by the caller. */
static probe_result probe_session(const struct source_adapter *ad, struct source_session *s,
                                  char *why, size_t whysz, char *hint, size_t hintsz)
{
  struct attempt_error err = { .retry_after = -1 };
  struct page_cursor at = { .index = 1 };
  struct page_result res = { 0 };
  struct http_response resp;
  time_t now = time(NULL);
  struct pull_window w = { .commune = s->cfg->communes[0],
                           .from = (tthc_time)now - 3600,
                           .until = (tthc_time)now };
  attempt_outcome out = ad->authenticate(s, &err);
  probe_result result = PROBE_OK;

  if (out != ATTEMPT_OK) {
    describe(&err, why, whysz);
    snprintf(hint, hintsz, "%s", hint_for(out, 1));
    return PROBE_AUTH;
  }
  http_response_init(&resp, PROBE_MAX_BODY);
  memset(&err, 0, sizeof(err));
  err.retry_after = -1;
  out = ad->fetch_page(s, &w, &at, &resp, &res, &err);
  if (out != ATTEMPT_OK) {
    describe(&err, why, whysz);
    snprintf(hint, hintsz, "%s", hint_for(out, out == ATTEMPT_REAUTH));
    result = PROBE_FETCH;
  }
  page_result_release(&res);
  http_response_release(&resp);
  return result;
}

/* Frees a string that held a credential, zeroed first. */
static void free_secret(char *p)
{
  if (p) {
    memset(p, 0, strlen(p));
    free(p);
  }
}

probe_result source_probe(const struct source_config *cfg, const char *secret, char *why,
                          size_t whysz, char *hint, size_t hintsz)
{
  const struct source_adapter *ad = source_adapter_for(cfg->kind);
  struct source_config one = *cfg; /* asks for a single record */
  struct http_client_options ho = source_http_options(cfg, PROBE_MAX_BODY);
  /* the secret is borrowed: the adapters only read it */
  struct source_session s = { .cfg = &one, .secret = (char *)secret };
  probe_result result;

  why[0] = hint[0] = '\0';
  one.page_size = 1;
  if (!ad || cfg->ncommunes == 0) {
    snprintf(why, whysz, "%s", !ad ? "this build has no adapter for the kind" : "no communes");
    snprintf(hint, hintsz, "%s", "Check kind and communes in the source's section.");
    return PROBE_SETUP;
  }
  if (http_client_init(&s.http, &ho) != HTTP_OK) {
    snprintf(why, whysz, "%s", "could not set up the HTTP client");
    snprintf(hint, hintsz, "%s", "Check ca_file.");
    return PROBE_SETUP;
  }
  result = probe_session(ad, &s, why, whysz, hint, hintsz);
  http_client_release(&s.http);
  free_secret(s.token); /* a session or access token is a credential too */
  return result;
}
