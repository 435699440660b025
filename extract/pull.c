#include "pull.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "adapter.h"
#include "fsutil.h"
#include "keyset.h"
#include "landing.h"
#include "passcheck.h"
#include "progress.h"
#include "ratelimit.h"
#include "log.h"
#include "sha256.h"
#include "watermark.h"

#define PAGE_MAX_BODY (64u << 20)
#define MAX_RESTARTS  3
#define MAX_REAUTH    4
/* Passes over a window whose offset paging drifted: the first and three
 * re-pages. A window still drifting after them is held (not complete). */
#define MAX_PASSES 4
/* Pages one window may land, every pass and re-read included, when
 * pull_options.max_pages leaves it open: far beyond any real window
 * (a commune's year at 500 a page is a few hundred pages), short of a
 * disk filled by a listing that never ends. */
#define MAX_PAGES_DEFAULT 20000
/* Cursors remembered per window, to see one served again. */
#define CURSORS_MAX 1000000
/* Progress log lines (stderr not a terminal) when pull_options leave it
 * open: often enough to see a night move, rare enough for a journal. */
#define PROGRESS_EVERY_MS 30000

/* What the workers pulling one source's communes share. */
struct source_state {
  const struct source_config *cfg;
  const struct source_adapter *ad;
  char *secret;
  CURLSH *share; /* connections, TLS sessions and DNS */
  pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
  /* One request budget for every worker of this source (max_rps, and
   * the pauses a Retry-After asks for). */
  struct ratelimit rl;
  /* One authentication at a time: the workers that find no valid session
   * wait for the one logging in and take its session. */
  pthread_mutex_t auth_lock;
  pthread_mutex_t lock;    /* guards the fields below */
  char *token;             /* the source's session/token, NULL = none valid */
  unsigned long token_gen; /* bumped with every new token */
  int expiries;            /* sessions expired since the source's last
                              successful page (by any worker) */
  int limit;               /* communes pulled at once */
  int active;              /* communes being pulled now */
  int auth_failed;         /* permanent: skip the remaining communes */
  int ready;               /* set up without error */
  struct progress *pg;     /* the run's progress, entry `index` */
  size_t index;
};

/* One worker's pull of one commune of a source. */
struct puller {
  struct source_state *src;
  const struct source_config *cfg;
  const struct source_adapter *ad;
  const struct pull_options *opts;
  struct source_session session; /* token: this worker's copy of src->token */
  unsigned long token_gen;       /* the generation of that copy */
  struct retry_state retry;
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

/* Keeps requests to one source, from all workers, at most max_rps a
 * second, and none during a pause a Retry-After asked for. */
static void pace(struct puller *p)
{
  ratelimit_acquire(&p->src->rl);
  progress_request(p->src->pg, p->src->index);
}

/* Waits before another attempt; 0 to go on, -1 when giving up: after a
 * few attempts at a host that cannot be reached, else once the time spent
 * failing since the last success would pass the source's deadline. */
static int backoff(struct puller *p, const char *commune, const struct attempt_error *err,
                   long *retries)
{
  retry_kind kind = p->session.http.last == HTTP_UNREACHABLE ? RETRY_UNREACHABLE : RETRY_TRANSIENT;
  long delay = retry_next(&p->retry, kind, err->retry_after), left;
  char what[128];

  if (delay == RETRY_GIVE_UP_UNREACHABLE) {
    snprintf(what, sizeof(what),
             "giving up after %d attempts: the host cannot be reached (check base_url)",
             p->retry.unreachable);
    log_attempt_error(LOG_ERROR, p, commune, err, what);
    return -1;
  }
  if (delay < 0) {
    log_attempt_error(LOG_ERROR, p, commune, err, "giving up: retry deadline reached");
    return -1;
  }
  left = retry_remaining_ms(&p->retry);
  if (kind == RETRY_UNREACHABLE)
    snprintf(what, sizeof(what), "host cannot be reached (attempt %d of %d), retrying",
             p->retry.unreachable, p->retry.policy.max_unreachable);
  else
    snprintf(what, sizeof(what), "transient failure (attempt %d, giving up in %ld %s), retrying",
             p->retry.attempt, left >= 60000 ? (left + 59999) / 60000 : (left + 999) / 1000,
             left >= 60000 ? "min" : "s");
  log_attempt_error(LOG_WARN, p, commune, err, what);
  log_debug("source %s: waiting %ld ms before the next attempt", p->cfg->name, delay);
  /* A Retry-After is the source's: every worker of it waits, not only this
   * one (the others would only collect 429s meanwhile). */
  if (err->retry_after >= 0)
    ratelimit_pause_for(&p->src->rl, (err->retry_after < p->retry.policy.max_retry_after_s
                                        ? err->retry_after
                                        : p->retry.policy.max_retry_after_s) *
                                       1000);
  (*retries)++;
  retry_sleep_ms(delay);
  return 0;
}

/* Takes the source's current session, if there is one: 1, else 0; -1
 * when the source refused authentication for good. */
static int take_session(struct puller *p)
{
  struct source_state *src = p->src;
  int got = 0;

  pthread_mutex_lock(&src->lock);
  if (src->auth_failed) {
    got = -1;
  } else if (src->token) {
    free(p->session.token);
    p->session.token = strdup(src->token);
    p->token_gen = src->token_gen;
    got = p->session.token ? 1 : -1;
  }
  pthread_mutex_unlock(&src->lock);
  return got;
}

/* The session this worker used expired: the source's session is dropped,
 * unless another worker already replaced it (then it is the new one).
 * Returns how many sessions of the source expired since its last
 * successful page: one expiry seen by several workers counts once. */
static int session_expired(struct puller *p)
{
  struct source_state *src = p->src;
  int n;

  pthread_mutex_lock(&src->lock);
  if (src->token && src->token_gen == p->token_gen) {
    free(src->token);
    src->token = NULL;
    src->expiries++;
  }
  n = src->expiries;
  pthread_mutex_unlock(&src->lock);
  free(p->session.token);
  p->session.token = NULL;
  return n;
}

/* A page came: the source's sessions do work. */
static void session_worked(struct puller *p)
{
  pthread_mutex_lock(&p->src->lock);
  p->src->expiries = 0;
  pthread_mutex_unlock(&p->src->lock);
}

/* Gets a session into p->session.token: the source's current one (one
 * session per source, reused across its communes while it is valid),
 * else a new login, one worker at a time. */
static attempt_outcome ensure_session(struct puller *p, const char *commune, long *retries)
{
  struct source_state *src = p->src;
  struct attempt_error err = { .retry_after = -1 };

  while (!p->session.token) {
    attempt_outcome out;
    int got = take_session(p);

    if (got > 0)
      break;
    if (got < 0)
      goto refused;
    pthread_mutex_lock(&src->auth_lock);
    got = take_session(p); /* another worker may have logged in meanwhile */
    if (got != 0) {
      pthread_mutex_unlock(&src->auth_lock);
      if (got < 0)
        goto refused;
      break;
    }
    pace(p);
    out = p->ad->authenticate(&p->session, &err);
    if (out == ATTEMPT_OK) {
      pthread_mutex_lock(&src->lock);
      free(src->token);
      src->token = strdup(p->session.token);
      p->token_gen = ++src->token_gen;
      pthread_mutex_unlock(&src->lock);
      progress_login(src->pg, src->index);
      log_debug("source %s, commune %s: authenticated (session %lu of this run)", p->cfg->name,
                commune, p->token_gen);
    }
    pthread_mutex_unlock(&src->auth_lock);
    if (out == ATTEMPT_OK)
      break;
    if (out == ATTEMPT_TRANSIENT && backoff(p, commune, &err, retries) == 0)
      continue;
    if (out != ATTEMPT_TRANSIENT) {
      log_attempt_error(LOG_ERROR, p, commune, &err, "authentication failed");
      pthread_mutex_lock(&src->lock);
      src->auth_failed = 1;
      pthread_mutex_unlock(&src->lock);
    }
    return ATTEMPT_PERMANENT;
  }
  return ATTEMPT_OK;
refused:
  log_error("source %s, commune %s: skipped, the source refused authentication", p->cfg->name,
            commune);
  return ATTEMPT_PERMANENT;
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

/* One structured line per window: what cron/systemd logs keep. */
static void log_window_done(const struct puller *p, const char *commune,
                            const struct window_outcome *wo)
{
  char pages[24], records[24], retries[24], announced[24], distinct[24], passes[24];

  snprintf(pages, sizeof(pages), "%ld", wo->pages);
  snprintf(records, sizeof(records), "%ld", wo->records);
  snprintf(retries, sizeof(retries), "%ld", wo->retries);
  snprintf(announced, sizeof(announced), "%ld", wo->announced);
  snprintf(distinct, sizeof(distinct), "%ld", wo->distinct);
  snprintf(passes, sizeof(passes), "%ld", wo->passes);
  log_event(wo->complete ? LOG_INFO : LOG_ERROR, "window_done", "source", p->cfg->name, "commune",
            commune, "complete", wo->complete ? "true" : "false", "pages", pages, "records",
            records, "announced", announced, "distinct", distinct, "passes", passes, "retries",
            retries, (char *)NULL);
}

/* A page refused for good (the same bytes and error twice, or err->final)
 * becomes what it is landed as: the positions it stands for, no codes. */
static void as_refused(const struct puller *p, const struct pass_check *c,
                       const struct page_cursor *at, const struct attempt_error *err,
                       struct page_result *res)
{
  page_result_release(res);
  pass_check_refused(c, at, p->cfg->page_size, p->ad->offset_paging, err->final, res);
  snprintf(res->refused, sizeof(res->refused), "%s", err->message);
}

/* Reads the window's landed pages again to rebuild the drift check after
 * a crash: every page counts into the window's codes, those of the pass
 * that was under way into the pass. 0 or -1. */
static int replay_landed(struct puller *p, const struct landing_window *lw,
                         const struct landing_progress *prog, struct pass_check *c)
{
  struct dynbuf body;
  int rc = 0;

  dynbuf_init(&body, PAGE_MAX_BODY);
  c->pass = prog->pass ? prog->pass : 1;
  if (prog->last_end.end != PASS_GOES_ON && prog->last_end.pass < c->pass)
    c->prev = prog->last_end;
  for (long page = 1; page <= prog->pages && rc == 0; page++) {
    struct page_result res = { 0 };
    struct attempt_error err = { .retry_after = -1 };
    struct page_cursor at = { .index = 1 };
    char *path = landing_page_path(lw, page);

    attempt_outcome out = ATTEMPT_PERMANENT;

    dynbuf_reset(&body);
    if (path && fs_read_file(path, &body) == FS_OK)
      out =
        p->ad->scan_page(dynbuf_ptr(&body), dynbuf_len(&body), &at, p->cfg->page_size, &res, &err);
    if (out == ATTEMPT_BAD_CONTENT) /* it was landed refused */
      as_refused(p, c, &at, &err, &res);
    if (out != ATTEMPT_OK && out != ATTEMPT_BAD_CONTENT)
      rc = -1;
    else if (page >= prog->pass_first_page)
      rc = pass_check_page(c, &res);
    else
      rc = pass_check_window_page(c, &res);
    if (rc)
      log_error("source %s, commune %s: landed page \"%s\" cannot be read again: %s", p->cfg->name,
                lw->commune, path ? path : "?", err.message);
    free(path);
    page_result_release(&res);
  }
  /* The window's totals so far; the pass under way goes on with how its
   * total moved, or, when it had ended dirty, the next one starts empty. */
  if (rc == 0) {
    c->win_left = prog->last_line.win_left;
    c->win_last = prog->last_line.win_last;
    c->win_grew = prog->last_line.win_grew;
  }
  if (rc == 0 && prog->last_end.pass == c->pass && prog->last_end.end == PASS_DIRTY) {
    pass_check_next(c);
  } else if (rc == 0) {
    c->left = prog->last_line.left;
    c->rereads = prog->last_line.rereads;
    c->grew = prog->last_line.grew;
    c->fresh_pages = prog->last_line.fresh_pages;
    c->fresh_records = prog->last_line.fresh_records;
    c->fresh_repeats = prog->last_line.fresh_repeats;
  }
  dynbuf_release(&body);
  return rc;
}

/* What a pass saw, for the log. */
static void describe_pass(const struct pass_check *c, char *buf, size_t n)
{
  snprintf(buf, n,
           "pass %ld: announced %ld on its first page and %ld on its last (%ld left the window%s); "
           "%ld records served, %ld distinct codes, %ld served twice, %ld pages read again",
           c->pass, c->announced, c->announced_now, c->left, c->grew ? ", and it grew" : "",
           c->records, c->distinct, pass_check_repeats(c), c->rereads);
}

/* A page arrived: counts it, decides how its pass stands, lands it with
 * that mark. Returns the verdict, or -1 when the page could not be landed. */
static int land_page(struct puller *p, struct landing_window *lw, struct landing_progress *prog,
                     struct pass_check *c, struct http_response *resp, struct page_result *res)
{
  struct pass_mark mark;
  pass_end end;
  char what[300];

  if (pass_check_page(c, res)) {
    log_error("source %s, commune %s: out of memory counting codes", p->cfg->name, lw->commune);
    return -1;
  }
  end = pass_check_step(c, &prog->next, res, p->cfg->page_size, p->ad->offset_paging, MAX_PASSES);
  pass_check_mark(c, end, &mark);
  if (end == PASS_DIRTY || end == PASS_HELD) {
    res->last = 0; /* the window is not complete with this page */
    res->next = (struct page_cursor){ .index = 1 };
  }
  if (landing_write_page(lw, prog->pages + 1, dynbuf_ptr(&resp->body), dynbuf_len(&resp->body),
                         resp->status, res, &mark) != LANDING_OK) {
    log_report(LOG_ERROR, fs_last_error(), NULL,
               "source %s, commune %s: could not write page %ld durably in \"%s\"", p->cfg->name,
               lw->commune, prog->pages + 1, lw->dir);
    return -1;
  }
  if (res->next.then_index && res->next.index < prog->next.index)
    log_info("source %s, commune %s: paging drifted at page %ld (announced %ld, before %ld; %ld "
             "codes served again): reading from page %ld again",
             p->cfg->name, lw->commune, prog->next.index, res->announced, c->announced_before,
             c->page_repeats, res->next.index);
  if (res->refused[0])
    log_report(LOG_WARN, res->refused, "The page is quarantined whole, with its bytes.",
               "source %s, commune %s: page %ld (landed as page %ld) refused; landed marked "
               "refused, counted as one quarantined record",
               p->cfg->name, lw->commune, prog->next.index, prog->pages + 1);
  prog->pages++;
  prog->records += res->refused[0] ? 1 : res->records; /* a refused page: one quarantined */
  prog->next = res->next;
  prog->complete = end == PASS_CLEAN;
  if (res->last_updated)
    prog->last_updated = res->last_updated;
  if (end == PASS_DIRTY || end == PASS_HELD) {
    describe_pass(c, what, sizeof(what));
    log_report(end == PASS_DIRTY ? LOG_WARN : LOG_ERROR, what,
               end == PASS_DIRTY ? NULL
                                 : "The window keeps its watermark and is read again next run.",
               "source %s, commune %s: paging drifted%s", p->cfg->name, lw->commune,
               end == PASS_DIRTY ? "; paging the window again from page 1"
                                 : " on every allowed pass; window incomplete");
  }
  return (int)end;
}

/* A refused answer, remembered to tell a page that is bad on every
 * request from one spoiled in transfer. */
struct refusal {
  struct page_cursor at;
  char sha[65];
  char message[300];
  int have;
};

/* 1 when the page at `at` was just refused alike: same bytes, same error. */
static int refused_again(struct refusal *r, const struct page_cursor *at,
                         const struct http_response *resp, const struct attempt_error *err)
{
  char sha[65];
  int same;

  /* Without a digest (out of memory) the page cannot be shown to be the
   * same: it stays transient. */
  if (sha256_hex(dynbuf_ptr(&resp->body), dynbuf_len(&resp->body), sha) != 0) {
    r->have = 0;
    return 0;
  }
  same = r->have && r->at.index == at->index && r->at.then_index == at->then_index &&
         r->at.resume_from == at->resume_from && !strcmp(r->at.token, at->token) &&
         !strcmp(r->sha, sha) && !strcmp(r->message, err->message);
  r->have = 1;
  r->at = *at;
  memcpy(r->sha, sha, sizeof(sha));
  snprintf(r->message, sizeof(r->message), "%s", err->message);
  return same;
}

static long max_pages(const struct puller *p)
{
  return p->opts->max_pages > 0 ? p->opts->max_pages : MAX_PAGES_DEFAULT;
}

/* Why paging past the page just landed would never end, in detail ("" =
 * it goes on): a full page without a total, a page index beyond what the
 * total allows, a cursor served again, the window's page cap. */
static void runaway_reason(const struct puller *p, const struct landing_progress *prog,
                           const struct pass_check *c, const struct page_result *res,
                           struct keyset *cursors, char *why, size_t n)
{
  long limit = pass_check_page_limit(c, p->cfg->page_size);
  char key[32];

  why[0] = '\0';
  snprintf(key, sizeof(key), "%lld", (long long)prog->next.resume_from);
  if (prog->complete)
    return;
  if (p->ad->offset_paging && !res->refused[0] && res->announced < 0)
    snprintf(why, n,
             "page %ld (%ld records) announces no total, and the listing goes on past it: "
             "offset paging cannot tell where it ends",
             prog->pages, res->records);
  else if (p->ad->offset_paging && limit > 0 && prog->next.index > limit)
    snprintf(why, n,
             "page %ld would be asked for, but %ld records announced (%ld more that left the "
             "window) fill %ld pages of %d",
             prog->next.index, c->announced_now, c->win_left, limit - 1, p->cfg->page_size);
  else if (!p->ad->offset_paging && prog->next.token[0] &&
           keyset_add(cursors, keyset_hash(keyset_hash(0, key), prog->next.token)) == 0)
    snprintf(why, n, "page %ld gave nextCursor \"%.60s\", a cursor it already gave", prog->pages,
             prog->next.token);
  else if (prog->pages >= max_pages(p))
    snprintf(why, n, "%ld pages landed, the most one window may take (max_pages %ld)", prog->pages,
             max_pages(p));
}

/* 1 (logged, wo->problem set) when paging would never end. */
static int runs_away(const struct puller *p, const char *commune,
                     const struct landing_progress *prog, const struct pass_check *c,
                     const struct page_result *res, struct keyset *cursors,
                     struct window_outcome *wo)
{
  char why[300];

  runaway_reason(p, prog, c, res, cursors, why, sizeof(why));
  if (!why[0])
    return 0;
  log_report(LOG_ERROR, why,
             "The window keeps its watermark; the pages landed are loaded. The source's paging "
             "is broken: tell its operator.",
             "source %s, commune %s: paging does not end; window incomplete", p->cfg->name,
             commune);
  snprintf(wo->problem, sizeof(wo->problem), "paging does not end: %.170s", why);
  return 1;
}

/* Counts a landed page into the run's progress: its records, how the
 * window's announced total moved, and the part of the window done (the
 * records landed against the total, short of 1 until the window ends;
 * nothing for a listing that announces no total). */
static void show_page(struct puller *p, const struct landing_progress *prog,
                      const struct pass_check *c, long records, long *shown_announced,
                      double *shown_share)
{
  long announced = c->announced_now > 0 ? c->announced_now : 0;
  double share = 0;

  if (announced > 0) {
    share = (double)prog->records / (double)announced;
    if (share > 0.99)
      share = 0.99;
  }
  progress_page(p->src->pg, p->src->index, records, announced - *shown_announced,
                share - *shown_share);
  *shown_announced = announced;
  *shown_share = share;
}

/* Pulls one commune's window to completion; 0 or -1. */
static int pull_window(struct puller *p, const char *commune, struct window_outcome *wo)
{
  struct landing_window lw;
  struct landing_progress prog;
  struct http_response resp;
  struct pass_check check;
  struct pull_window w = { commune, 0, 0 };
  struct refusal refusal = { .have = 0 };
  struct keyset cursors;
  int found, restarts = 0, reauthed = 0, rc = -1, held = 0;
  long shown_announced = 0; /* what the progress counts of this window */
  double shown_share = 0;

  http_response_init(&resp, PAGE_MAX_BODY);
  pass_check_init(&check);
  keyset_init(&cursors, CURSORS_MAX);
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
  if (found && prog.pages > 0) {
    log_info("source %s, commune %s: resuming after %ld durable pages", p->cfg->name, commune,
             prog.pages);
    if (replay_landed(p, &lw, &prog, &check))
      goto out;
    held = prog.last_end.end == PASS_HELD && prog.last_end.pass == prog.pass;
  }

  while (!prog.complete && !held) {
    struct attempt_error err = { .retry_after = -1 };
    struct page_result res = { 0 };
    attempt_outcome out;
    int end, cursor_lost = 0;

    if (ensure_session(p, commune, &wo->retries) != ATTEMPT_OK)
      goto out;
    pace(p);
    out = p->ad->fetch_page(&p->session, &w, &prog.next, &resp, &res, &err);
    switch (out) {
    case ATTEMPT_BAD_CONTENT:
      if (!err.final && !refused_again(&refusal, &prog.next, &resp, &err)) {
        /* Asked once more: a transfer gone wrong gives other bytes. */
        char why[sizeof(err.message)];
        memcpy(why, err.message, sizeof(why));
        snprintf(err.message, sizeof(err.message), "page refused, asking once more: %.250s", why);
        page_result_release(&res);
        if (backoff(p, commune, &err, &wo->retries))
          goto out;
        break;
      }
      if (!err.final) /* say why it is final */
        snprintf(err.message + strlen(err.message), sizeof(err.message) - strlen(err.message),
                 "; the same bytes were refused alike on the next request");
      as_refused(p, &check, &prog.next, &err, &res);
      /* a cursor listing's next cursor is in the page it cannot read */
      cursor_lost = !p->ad->offset_paging && !err.final;
      /* fall through - landed like any page, marked refused */
    case ATTEMPT_OK:
      end = land_page(p, &lw, &prog, &check, &resp, &res);
      page_result_release(&res);
      if (end < 0)
        goto out;
      show_page(p, &prog, &check, res.refused[0] ? 1 : res.records, &shown_announced, &shown_share);
      if (end == PASS_DIRTY)
        pass_check_next(&check);
      held = end == PASS_HELD;
      restarts = 0;
      reauthed = 0;
      session_worked(p);
      refusal.have = 0;
      retry_success(&p->retry);
      log_debug("source %s, commune %s: page %ld, %ld records", p->cfg->name, commune, prog.pages,
                res.records);
      if (cursor_lost) {
        log_report(LOG_ERROR, res.refused,
                   "The window keeps its watermark; the pages before are loaded, the refused one "
                   "quarantined. The source must correct the page.",
                   "source %s, commune %s: page %ld refused; a cursor listing cannot go past it "
                   "(its nextCursor is in it); window incomplete",
                   p->cfg->name, commune, prog.pages);
        snprintf(wo->problem, sizeof(wo->problem),
                 "page %ld refused; the listing cannot go past it", prog.pages);
        goto out;
      }
      if (!held && runs_away(p, commune, &prog, &check, &res, &cursors, wo))
        goto out;
      break;
    case ATTEMPT_TRANSIENT:
      page_result_release(&res);
      if (backoff(p, commune, &err, &wo->retries))
        goto out;
      break;
    case ATTEMPT_REAUTH:
      page_result_release(&res);
      /* One re-authentication per expiry. The session is the source's: an
       * expiry that hit another worker's request ends it for every worker,
       * so what tells a session that keeps expiring right after the login
       * from ordinary expiries is the source's count since its last page,
       * not this worker's. A few, then given up; retried with backoff
       * when this worker meets a second one for the same page. */
      if (session_expired(p) > MAX_REAUTH) {
        log_attempt_error(LOG_ERROR, p, commune, &err,
                          "session keeps expiring right after authenticating");
        goto out;
      }
      if (reauthed && backoff(p, commune, &err, &wo->retries))
        goto out;
      log_attempt_error(LOG_INFO, p, commune, &err, "session expired, re-authenticating");
      reauthed++;
      break;
    case ATTEMPT_RESTART:
      page_result_release(&res);
      /* List again from the last durable point: the landed pages stay, the
       * listing resumes at the last landed record's update time. Restarts
       * that make no progress in between are limited. */
      if (++restarts > MAX_RESTARTS) {
        log_attempt_error(LOG_ERROR, p, commune, &err,
                          "listing restarted too often without progress");
        goto out;
      }
      log_attempt_error(LOG_WARN, p, commune, &err,
                        "restarting the listing from the last durable point");
      prog.next.token[0] = '\0';
      if (prog.last_updated)
        prog.next.resume_from = prog.last_updated;
      /* a new listing: its cursors may be those of the old one */
      keyset_release(&cursors);
      keyset_init(&cursors, CURSORS_MAX);
      break;
    case ATTEMPT_PERMANENT:
      page_result_release(&res);
      log_attempt_error(LOG_ERROR, p, commune, &err,
                        "permanent failure, source stopped for this commune");
      goto out;
    }
  }
  if (held) {
    describe_pass(&check, wo->problem, sizeof(wo->problem));
    goto out;
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
  wo->announced = check.announced_now;
  wo->passes = check.pages ? check.pass : check.pass - 1;
  wo->distinct = (long)check.window.len;
  wo->pass_records = check.pages ? check.records : check.prev.records;
  wo->pass_distinct = check.pages ? check.distinct : check.prev.distinct;
  if (!wo->complete && !wo->problem[0])
    snprintf(wo->problem, sizeof(wo->problem), "extraction did not finish (see the log)");
  log_window_done(p, commune, wo);
  progress_window_done(p->src->pg, p->src->index, wo->complete, 1.0 - shown_share);
  keyset_release(&cursors);
  pass_check_release(&check);
  http_response_release(&resp);
  landing_release(&lw);
  return rc;
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *arg)
{
  struct source_state *src = arg;
  (void)h;
  (void)access;
  pthread_mutex_lock(&src->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *arg)
{
  struct source_state *src = arg;
  (void)h;
  pthread_mutex_unlock(&src->share_locks[data]);
}

/* Reads the secret and sets up the shared connection cache of a source. */
static void source_state_init(struct source_state *src, const struct source_config *cfg)
{
  char err[300];

  memset(src, 0, sizeof(*src));
  src->cfg = cfg;
  src->ad = source_adapter_for(cfg->kind);
  pthread_mutex_init(&src->lock, NULL);
  pthread_mutex_init(&src->auth_lock, NULL);
  for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
    pthread_mutex_init(&src->share_locks[i], NULL);
  ratelimit_init(&src->rl, cfg->max_rps);
  if (!src->ad) {
    log_error("source %s: kind %s is not supported by this build", cfg->name,
              source_kind_name(cfg->kind));
    return;
  }
  if (cfg->ncommunes == 0) {
    log_report(LOG_ERROR, NULL, "List the 5-digit commune codes to sync: communes = 11002, 10792",
               "source %s: no communes configured", cfg->name);
    return;
  }
  if (cfg->insecure)
    log_warn("source %s: TLS verification is OFF (insecure = true). Use this only with the "
             "project's simulators, never with a real system.",
             cfg->name);
  if (config_read_secret(cfg->secret_file, cfg->secret_env, &src->secret, err, sizeof(err)) !=
      CONFIG_OK) {
    log_report(LOG_ERROR, err, "Set secret_file or secret_env in the source's section.",
               "source %s: no credentials", cfg->name);
    return;
  }
  src->share = curl_share_init();
  if (!src->share || curl_share_setopt(src->share, CURLSHOPT_LOCKFUNC, share_lock) ||
      curl_share_setopt(src->share, CURLSHOPT_UNLOCKFUNC, share_unlock) ||
      curl_share_setopt(src->share, CURLSHOPT_USERDATA, src) ||
      curl_share_setopt(src->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) ||
      curl_share_setopt(src->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) ||
      curl_share_setopt(src->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT)) {
    log_error("source %s: could not set up the HTTP connection cache", cfg->name);
    return;
  }
  src->ready = 1;
}

static void source_state_release(struct source_state *src)
{
  if (src->share)
    curl_share_cleanup(src->share);
  if (src->secret) {
    memset(src->secret, 0, strlen(src->secret));
    free(src->secret);
  }
  for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
    pthread_mutex_destroy(&src->share_locks[i]);
  if (src->token) {
    memset(src->token, 0, strlen(src->token));
    free(src->token);
  }
  ratelimit_release(&src->rl);
  pthread_mutex_destroy(&src->auth_lock);
  pthread_mutex_destroy(&src->lock);
}

/* One commune of one source, start to end. */
static int pull_task(struct source_state *src, const char *commune, const struct pull_options *opts,
                     struct window_outcome *wo)
{
  struct puller p = { .src = src, .cfg = src->cfg, .ad = src->ad, .opts = opts };
  struct http_client_options ho = source_http_options(src->cfg, PAGE_MAX_BODY);
  struct retry_policy rp = opts->retry;
  int64_t t0;
  int rc = -1;

  p.session.cfg = src->cfg;
  p.session.secret = src->secret; /* borrowed */
  if (http_client_init(&p.session.http, &ho) != HTTP_OK ||
      http_client_share(&p.session.http, src->share) != HTTP_OK)
    goto out;
  /* The deadline is this commune's: time failing since its last success. */
  rp.deadline_s = src->cfg->retry_deadline_seconds;
  retry_init(&p.retry, &rp, (uint64_t)(uintptr_t)wo ^ (uint64_t)retry_now_ms());
  t0 = ratelimit_now_ns();
  rc = pull_window(&p, commune, wo);
  wo->seconds = (double)(ratelimit_now_ns() - t0) / 1e9;
out:
  http_client_release(&p.session.http);
  if (p.session.token) {
    memset(p.session.token, 0, strlen(p.session.token));
    free(p.session.token);
  }
  return rc;
}

struct task {
  struct source_state *src;
  const char *commune;
  struct window_outcome *wo;
  int state; /* 0 waiting, 1 running, 2 done */
};

struct pool {
  pthread_mutex_t lock;
  pthread_cond_t changed;
  struct task *tasks;
  size_t ntasks;
  const struct pull_options *opts;
  int failed;
};

/* The next task whose source has a free connection slot, or NULL. */
static struct task *next_task(struct pool *pl, int *all_started)
{
  *all_started = 1;
  for (size_t i = 0; i < pl->ntasks; i++) {
    struct task *t = &pl->tasks[i];
    if (t->state != 0)
      continue;
    *all_started = 0;
    if (t->src->active < t->src->limit)
      return t;
  }
  return NULL;
}

static void *worker(void *arg)
{
  struct pool *pl = arg;

  pthread_mutex_lock(&pl->lock);
  for (;;) {
    int all_started, rc, skip;
    struct task *t = next_task(pl, &all_started);

    if (!t) {
      if (all_started)
        break;
      pthread_cond_wait(&pl->changed, &pl->lock);
      continue;
    }
    t->state = 1;
    t->src->active++;
    pthread_mutex_unlock(&pl->lock);

    pthread_mutex_lock(&t->src->lock);
    skip = !t->src->ready || t->src->auth_failed;
    pthread_mutex_unlock(&t->src->lock);
    if (skip) {
      if (t->src->ready)
        log_error("source %s, commune %s: skipped, the source refused authentication",
                  t->src->cfg->name, t->commune);
      rc = -1;
    } else {
      rc = pull_task(t->src, t->commune, pl->opts, t->wo);
    }

    pthread_mutex_lock(&pl->lock);
    t->state = 2;
    t->src->active--;
    if (rc)
      pl->failed = 1;
    pthread_cond_broadcast(&pl->changed);
  }
  pthread_mutex_unlock(&pl->lock);
  return NULL;
}

/* One line per source at the end: what its budget let through and how
 * close that came to what max_rps allows. */
static void log_source_done(struct source_state *src)
{
  struct progress_source ps;
  long requests;
  int64_t span_ns, waited_ns;

  progress_get(src->pg, src->index, &ps);
  ratelimit_stats(&src->rl, &requests, &span_ns, &waited_ns);
  /* span and waits to the millisecond */
  log_typed(LOG_INFO, "source_requests", LOG_STR("source", src->cfg->name),
            LOG_INT("requests", requests), LOG_INT("logins", ps.logins),
            LOG_NUM("span_seconds", (double)(span_ns / 1000000) / 1e3),
            LOG_NUM("waited_seconds", (double)(waited_ns / 1000000) / 1e3),
            LOG_NUM("max_rps", src->cfg->max_rps), LOG_INT("concurrency", src->limit));
}

int pull_all(const struct source_config *const *sources, size_t nsources,
             const struct pull_options *opts, struct window_outcome **out, size_t *n)
{
  struct source_state *states = calloc(nsources ? nsources : 1, sizeof(*states));
  struct pool pl = { .opts = opts };
  struct progress pg;
  pthread_t *threads = NULL;
  size_t total = 0, k = 0;
  int nthreads, started = 0;

  *out = NULL;
  *n = 0;
  if (progress_init(&pg, nsources,
                    opts->progress_ms < 0 ? 0
                    : opts->progress_ms   ? opts->progress_ms
                                          : PROGRESS_EVERY_MS)) {
    free(states);
    return -1;
  }
  for (size_t i = 0; i < nsources; i++)
    total += sources[i]->ncommunes;
  *out = calloc(total ? total : 1, sizeof(**out));
  pl.tasks = calloc(total ? total : 1, sizeof(*pl.tasks));
  nthreads = opts->jobs > 0 ? opts->jobs : 1;
  threads = calloc((size_t)nthreads, sizeof(*threads));
  if (!states || !*out || !pl.tasks || !threads) {
    free(states);
    free(pl.tasks);
    free(threads);
    progress_release(&pg);
    return -1;
  }
  for (size_t i = 0; i < nsources; i++) {
    source_state_init(&states[i], sources[i]);
    states[i].pg = &pg;
    states[i].index = i;
    states[i].limit = sources[i]->concurrency > 0 ? sources[i]->concurrency : opts->per_source;
    if (states[i].limit < 1)
      states[i].limit = 1;
    progress_source(&pg, i, sources[i]->name, (long)sources[i]->ncommunes);
    if (!states[i].ready || sources[i]->ncommunes == 0)
      pl.failed = 1;
    for (size_t j = 0; j < sources[i]->ncommunes; j++, k++) {
      struct window_outcome *wo = &(*out)[k];
      snprintf(wo->source, sizeof(wo->source), "%s", sources[i]->name);
      snprintf(wo->commune, sizeof(wo->commune), "%s", sources[i]->communes[j]);
      wo->kind = source_kind_name(sources[i]->kind);
      pl.tasks[k] = (struct task){ &states[i], sources[i]->communes[j], wo, 0 };
    }
  }
  pl.ntasks = total;
  *n = total;
  pthread_mutex_init(&pl.lock, NULL);
  pthread_cond_init(&pl.changed, NULL);
  progress_start(&pg);
  for (int i = 0; i < nthreads; i++)
    if (pthread_create(&threads[i], NULL, worker, &pl) == 0)
      started++;
  if (started == 0)
    worker(&pl); /* no thread could start: do the work here */
  for (int i = 0; i < started; i++)
    pthread_join(threads[i], NULL);
  pthread_cond_destroy(&pl.changed);
  pthread_mutex_destroy(&pl.lock);
  progress_finish(&pg);
  for (size_t i = 0; i < nsources; i++) {
    if (states[i].ready)
      log_source_done(&states[i]);
    source_state_release(&states[i]);
  }
  progress_release(&pg);
  free(states);
  free(pl.tasks);
  free(threads);
  return pl.failed ? -1 : 0;
}
