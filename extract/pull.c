#include "pull.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapter.h"
#include "landing.h"
#include "log.h"
#include "watermark.h"

#define PAGE_MAX_BODY (64u << 20)
#define MAX_RESTARTS 3

struct puller {
  const struct source_config *cfg;
  const struct source_adapter *ad;
  const struct pull_options *opts;
  struct source_session session;
  struct retry_state retry;
  int64_t last_request_ms;
  int auth_failed;            /* permanent: skip the remaining communes */
};

static void log_attempt_error(log_level lvl, const struct puller *p, const char *commune,
                              const struct attempt_error *err, const char *what)
{
  char detail[900];
  snprintf(detail, sizeof(detail), "URL: %s; HTTP status: %ld; body: %s",
           err->url[0] ? err->url : "-", err->http_status,
           err->excerpt[0] ? err->excerpt : "(none)");
  log_report(lvl, detail, NULL, "source %s, commune %s: %s: %s", p->cfg->name,
             commune ? commune : "-", what, err->message);
}

/* Keeps requests to one source at most max_rps per second. */
static void pace(struct puller *p)
{
  if (p->cfg->max_rps > 0) {
    int64_t gap = (int64_t)(1000.0 / p->cfg->max_rps);
    int64_t wait = p->last_request_ms + gap - retry_now_ms();
    if (wait > 0)
      retry_sleep_ms((long)wait);
  }
  p->last_request_ms = retry_now_ms();
}

/* Waits before another attempt; 0 to go on, -1 when past the deadline. */
static int backoff(struct puller *p, const char *commune, const struct attempt_error *err,
                   long *retries)
{
  long delay = retry_next_delay_ms(&p->retry, err->retry_after);
  if (delay < 0) {
    log_attempt_error(LOG_ERROR, p, commune, err, "giving up: retry deadline reached");
    return -1;
  }
  log_attempt_error(LOG_WARN, p, commune, err, "transient failure, retrying");
  log_debug("source %s: waiting %ld ms before the next attempt", p->cfg->name, delay);
  (*retries)++;
  retry_sleep_ms(delay);
  return 0;
}

static attempt_outcome ensure_session(struct puller *p, const char *commune, long *retries)
{
  struct attempt_error err = { .retry_after = -1 };

  while (!p->session.token) {
    attempt_outcome out;
    pace(p);
    out = p->ad->authenticate(&p->session, &err);
    if (out == ATTEMPT_OK)
      break;
    if (out == ATTEMPT_TRANSIENT && backoff(p, commune, &err, retries) == 0)
      continue;
    if (out != ATTEMPT_TRANSIENT) {
      log_attempt_error(LOG_ERROR, p, commune, &err, "authentication failed");
      p->auth_failed = 1;
    }
    return ATTEMPT_PERMANENT;
  }
  return ATTEMPT_OK;
}

static tthc_time window_start(const struct puller *p, const char *commune)
{
  tthc_time wm, since = TTHC_TIME_NONE;

  if (p->opts->since != TTHC_TIME_NONE)
    return p->opts->since;
  if (watermark_read(p->opts->state_dir, p->cfg->name, commune, &wm) == 0 && wm != TTHC_TIME_NONE)
    return wm - p->cfg->lookback_seconds;
  if (time_parse_since(p->cfg->since, &since) != TIME_OK)
    since = 0;
  return since;
}

/* Pulls one commune's window to completion; 0 or -1. */
static int pull_window(struct puller *p, const char *commune, struct window_outcome *wo)
{
  struct landing_window lw;
  struct landing_progress prog;
  struct http_response resp;
  struct pull_window w = { commune, 0, 0 };
  int found, restarts = 0, reauthed = 0, rc = -1;

  http_response_init(&resp, PAGE_MAX_BODY);
  w.from = window_start(p, commune);
  w.until = p->opts->until != TTHC_TIME_NONE ? p->opts->until : p->opts->run_end;
  if (landing_open(&lw, p->opts->state_dir, p->opts->run_id, p->cfg->name, commune,
                   p->ad->page_suffix) != LANDING_OK ||
      landing_window_bounds(&lw, &w.from, &w.until, &found) != LANDING_OK ||
      landing_progress(&lw, &prog) != LANDING_OK) {
    log_error("source %s, commune %s: landing zone \"%s\" not usable", p->cfg->name, commune,
              lw.dir ? lw.dir : "?");
    goto out;
  }
  wo->from = w.from;
  wo->until = w.until;
  if (found && prog.pages > 0)
    log_info("source %s, commune %s: resuming after %ld durable pages", p->cfg->name, commune,
             prog.pages);

  while (!prog.complete) {
    struct attempt_error err = { .retry_after = -1 };
    struct page_result res = { 0 };
    attempt_outcome out;

    if (ensure_session(p, commune, &wo->retries) != ATTEMPT_OK)
      goto out;
    pace(p);
    out = p->ad->fetch_page(&p->session, &w, &prog.next, &resp, &res, &err);
    switch (out) {
    case ATTEMPT_OK:
      if (landing_write_page(&lw, prog.pages + 1, dynbuf_ptr(&resp.body), dynbuf_len(&resp.body),
                             resp.status, &res) != LANDING_OK) {
        log_error("source %s, commune %s: could not write page %ld durably in \"%s\"",
                  p->cfg->name, commune, prog.pages + 1, lw.dir);
        goto out;
      }
      prog.pages++;
      prog.records += res.records;
      prog.next = res.next;
      prog.complete = res.last;
      reauthed = 0;
      retry_success(&p->retry);
      log_debug("source %s, commune %s: page %ld, %ld records", p->cfg->name, commune,
                prog.pages, res.records);
      break;
    case ATTEMPT_TRANSIENT:
      if (backoff(p, commune, &err, &wo->retries))
        goto out;
      break;
    case ATTEMPT_REAUTH:
      if (reauthed) {
        log_attempt_error(LOG_ERROR, p, commune, &err, "session rejected right after authenticating");
        goto out;
      }
      log_attempt_error(LOG_INFO, p, commune, &err, "re-authenticating");
      free(p->session.token);
      p->session.token = NULL;
      reauthed = 1;
      break;
    case ATTEMPT_RESTART:
      if (++restarts > MAX_RESTARTS || landing_restart(&lw) != LANDING_OK) {
        log_attempt_error(LOG_ERROR, p, commune, &err, "listing restarted too often");
        goto out;
      }
      log_attempt_error(LOG_WARN, p, commune, &err, "restarting the listing");
      memset(&prog, 0, sizeof(prog));
      prog.next.index = 1;
      break;
    case ATTEMPT_PERMANENT:
      log_attempt_error(LOG_ERROR, p, commune, &err, "permanent failure, source stopped for this commune");
      goto out;
    }
  }
  wo->complete = 1;
  if (watermark_advance(p->opts->state_dir, p->cfg->name, commune, w.from, w.until)) {
    log_error("source %s, commune %s: could not write the watermark", p->cfg->name, commune);
    wo->complete = 0;
    goto out;
  }
  rc = 0;
out:
  wo->pages = prog.pages;
  wo->records = prog.records;
  log_info("source %s, commune %s: %s, %ld pages, %ld records, %ld retries", p->cfg->name, commune,
           wo->complete ? "complete" : "INCOMPLETE", wo->pages, wo->records, wo->retries);
  http_response_release(&resp);
  landing_release(&lw);
  return rc;
}

int pull_source(const struct source_config *cfg, const struct pull_options *opts,
                struct window_outcome **out, size_t *n)
{
  struct puller p = { .cfg = cfg, .ad = source_adapter_for(cfg->kind), .opts = opts };
  char err[300];
  int rc = 0;
  struct window_outcome *grown;

  grown = realloc(*out, (*n + cfg->ncommunes) * sizeof(**out));
  if (!grown)
    return -1;
  *out = grown;
  for (size_t i = 0; i < cfg->ncommunes; i++) {
    struct window_outcome *wo = &grown[*n + i];
    memset(wo, 0, sizeof(*wo));
    snprintf(wo->source, sizeof(wo->source), "%s", cfg->name);
    snprintf(wo->commune, sizeof(wo->commune), "%s", cfg->communes[i]);
    wo->kind = source_kind_name(cfg->kind);
  }
  *n += cfg->ncommunes;

  if (!p.ad) {
    log_error("source %s: kind %s is not supported by this build", cfg->name,
              source_kind_name(cfg->kind));
    return -1;
  }
  if (cfg->ncommunes == 0) {
    log_report(LOG_ERROR, NULL, "List the 5-digit commune codes to sync: communes = 11002, 10792",
               "source %s: no communes configured", cfg->name);
    return -1;
  }
  p.session.cfg = cfg;
  if (cfg->insecure)
    log_warn("source %s: TLS verification is OFF (insecure = true). Use this only with the "
             "project's simulators, never with a real system.", cfg->name);
  if (config_read_secret(cfg->secret_file, cfg->secret_env, &p.session.secret, err, sizeof(err)) != CONFIG_OK) {
    log_report(LOG_ERROR, err, "Set secret_file or secret_env in the source's section.",
               "source %s: no credentials", cfg->name);
    return -1;
  }
  if (http_client_init(&p.session.http, cfg->timeout_seconds, cfg->insecure, PAGE_MAX_BODY) != HTTP_OK) {
    rc = -1;
    goto out;
  }
  retry_init(&p.retry, &opts->retry, (uint64_t)getpid() ^ (uint64_t)retry_now_ms());
  for (size_t i = 0; i < cfg->ncommunes; i++) {
    if (p.auth_failed) {
      log_error("source %s, commune %s: skipped, the source refused authentication", cfg->name,
                cfg->communes[i]);
      rc = -1;
      continue;
    }
    if (pull_window(&p, cfg->communes[i], &grown[*n - cfg->ncommunes + i]))
      rc = -1;
  }
out:
  http_client_release(&p.session.http);
  if (p.session.secret) {
    memset(p.session.secret, 0, strlen(p.session.secret));
    free(p.session.secret);
  }
  free(p.session.token);
  return rc;
}
