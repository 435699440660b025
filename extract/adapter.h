/*
 * adapter.h — one table of callbacks per source kind (like a Fluent Bit
 * input plugin). An adapter knows its system's authentication, paging and
 * in-body error codes; the generic driver (pull.h) owns retries, landing,
 * resumption and watermarks. Adding a ministry system is one new adapter.
 *
 * Every callback makes exactly one attempt and classifies its outcome.
 */
#ifndef TTHC_ADAPTER_H
#define TTHC_ADAPTER_H

#include "config.h"
#include "http.h"
#include <stdint.h>

#include "timeutil.h"

#define CURSOR_MAX 512

/* Where the next page starts: an offset page index, or an opaque cursor. */
struct page_cursor {
  long index;             /* 1-based page index (offset paging) */
  char token[CURSOR_MAX]; /* cursor paging; "" = from the start */
  tthc_time resume_from;  /* cursor paging restarted after an expired cursor:
                               list from this update time instead of the
                               window's start (0 = not restarted) */
  long then_index;        /* offset paging re-reading pages the listing's
                               drift pushed records back into: where paging
                               goes on after them (0 = not re-reading) */
};

/* The part of a source's listing being pulled for one commune. */
struct pull_window {
  const char *commune;
  tthc_time from, until; /* update-time bounds, both inclusive */
};

typedef enum {
  ATTEMPT_OK = 0,
  ATTEMPT_TRANSIENT, /* try again after a backoff (err.retry_after may be set) */
  ATTEMPT_REAUTH,    /* session/token expired: authenticate again, then retry once */
  ATTEMPT_RESTART,   /* cursor expired: list again from the last durable point */
  ATTEMPT_PERMANENT, /* stop this source: configuration or contract error */
  /* The page came whole (the transport says so) but what it holds is
   * refused: not JSON / not well-formed XML though not cut off, a
   * DOCTYPE, more records than asked for. Asked again once (a bad
   * transfer gives other bytes); refused alike — same bytes, same error —
   * or err.final, it is permanent for that page: landed marked refused
   * (the transform quarantines it whole) and the window goes on. */
  ATTEMPT_BAD_CONTENT
} attempt_outcome;

/* What went wrong, for the log: never holds a secret. */
struct attempt_error {
  char message[300];
  char url[300];     /* without query secrets */
  long http_status;  /* 0 when no response */
  long retry_after;  /* seconds, -1 when absent */
  char excerpt[160]; /* start of the response body */
  int final;         /* ATTEMPT_BAD_CONTENT: the page was read, and what it
                        holds is refused; asking again cannot help */
};

/* One source's connection state, shared by its callbacks. */
struct source_session {
  const struct source_config *cfg;
  struct http_client http;
  char *secret; /* password / client secret / API key */
  char *token;  /* session or access token, NULL before auth */
};

/* The codes of a page's records, as hashes of their normalised form
 * (keyset_hash): what the driver needs to see that offset paging drifted
 * (a code served twice, fewer distinct codes than announced). */
struct page_codes {
  uint64_t *v;
  size_t n, cap;
  long uncoded; /* records without a usable code */
};

struct page_result {
  long records;            /* records in the page */
  long announced;          /* records the source announces for the whole
                               window (total, TongSoBanGhi); -1 when it
                               gives none (cursor paging) */
  struct page_codes codes; /* one entry per coded record, page order */
  int last;                /* no page after this one */
  struct page_cursor next; /* where the following page starts */
  tthc_time last_updated;  /* update time of the page's last record (the
                                listing's order), 0 when unknown */
  char refused[300];       /* landed marked refused, for this reason ("" =
                              usable): records is then the positions the
                              page stands for, none of its codes known, and
                              it counts as one record landed (quarantined) */
};

/* A JSON code as text, whether it came as a string or a number (sources.md:
 * scalars may arrive as either), exactly as the transform reads it: pages
 * are parsed with json_parse_exact() (a long integer comes as its digits,
 * a NUL or lone surrogate leaves a code no normalisation accepts), numbers
 * written by json_number_text(). NULL when absent or of another type. */
struct cJSON;
const char *json_code_text(const struct cJSON *item, char buf[64]);

/* Frees the codes of a page result (the rest needs no release). */
void page_result_release(struct page_result *res);

/* Adds one record's code (raw, as on the wire; NULL or blank = uncoded).
 * -1 when out of memory. */
int page_codes_add(struct page_result *res, const char *raw);

struct source_adapter {
  source_kind kind;
  const char *page_suffix; /* landing file suffix: ".json", ".xml" */
  /* Offset paging over live data (portal, city): pages can drift, so the
   * driver checks each pass over the window and re-pages it (pull.c).
   * Cursor paging (ministry) neither skips nor repeats. */
  int offset_paging;
  /* Gets a session/token into s->token (or nothing to do: API keys). */
  attempt_outcome (*authenticate)(struct source_session *s, struct attempt_error *err);
  /* Fetches the page at `at`; on ATTEMPT_OK resp->body holds it exactly as
   * received, and *out is filled. */
  attempt_outcome (*fetch_page)(struct source_session *s, const struct pull_window *w,
                                const struct page_cursor *at, struct http_response *resp,
                                struct page_result *out, struct attempt_error *err);
  /* Reads a page already received (or landed): records, announced total,
   * codes, paging. ATTEMPT_OK, or how the page is unusable: TRANSIENT
   * when it looks cut off, BAD_CONTENT when it is whole but refused (with
   * err.final, and the paging fields filled, when it could be read). */
  attempt_outcome (*scan_page)(const char *body, size_t len, const struct page_cursor *at,
                               int page_size, struct page_result *out, struct attempt_error *err);
};

const struct source_adapter *source_adapter_for(source_kind kind);

/* How a JSON page that did not parse (parsed: it did, but is no object)
 * is classified: TRANSIENT when it ends inside a value (cut off in
 * transfer), else BAD_CONTENT; err says which, with where. */
struct json_error;
attempt_outcome json_page_refused(const struct json_error *jerr, int parsed, size_t len,
                                  struct attempt_error *err);

/* ATTEMPT_OK, or BAD_CONTENT (final) when a page holds more records than
 * page_size asked for: no source answers that way, and such a page is
 * what makes memory grow (a page 110 times too large). */
attempt_outcome page_size_kept(const struct page_result *res, int page_size,
                               struct attempt_error *err);

/* The HTTP client options a source's section asks for, with a body cap
 * (cfg->ca_file borrowed: cfg must outlive the client). */
struct http_client_options source_http_options(const struct source_config *cfg, size_t max_body);

/* Helpers for adapters. */
void attempt_error_set(struct attempt_error *err, const char *url, const struct http_response *resp,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Adds the URL and the response (status, body excerpt) to an error set
 * by a scan_page callback, which knows neither; the message is kept. */
void attempt_error_locate(struct attempt_error *err, const char *url,
                          const struct http_response *resp);
/* Classifies a transport result and HTTP status the same way for every
 * source: transport errors, 408, 429 and 5xx are transient. Returns
 * ATTEMPT_OK for 2xx. */
attempt_outcome attempt_classify_http(http_result hr, const char *url,
                                      const struct http_response *resp, struct attempt_error *err);

#endif
