/*
 * exchange - one HTTP request and its answer, independent of the server.
 *
 * The source handlers (portal.h, later city and ministry) turn a
 * sim_request into a sim_response and never see libmicrohttpd, so tests
 * can call them directly; httpd.c does the wiring.  Besides what goes on
 * the wire, a response carries transport instructions (cut the body,
 * stall, reset: fault injection) and what the request log records.
 */
#ifndef TTHC_SIM_EXCHANGE_H
#define TTHC_SIM_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>

struct sim_request {
  const char *method; /* "POST", "GET" ... */
  const char *path;   /* URL path, no query string */
  const char *body;   /* NUL-terminated; "" when none */
  size_t body_len;
  /* Request header by case-insensitive name, or NULL when absent. */
  const char *(*header)(void *ctx, const char *name);
  void *header_ctx;
  /* URL query argument by name, decoded, or NULL (ctx: header_ctx). */
  const char *(*query)(void *ctx, const char *name);
  /* When its headers arrived: CLOCK_REALTIME seconds (0 = unknown). */
  double arrived;
};

struct sim_response {
  int status;               /* HTTP status code */
  const char *content_type; /* static string */
  char *body;               /* owned (malloc), NUL-terminated */
  size_t len;
  int retry_after;              /* Retry-After seconds; < 0 = none */
  const char *www_authenticate; /* WWW-Authenticate value, or NULL */

  /* Transport instructions (fault injection). */
  bool truncate;     /* send half the body, then drop */
  bool reset;        /* drop the connection, answer nothing */
  unsigned stall_ms; /* wait this long before answering */

  /* For the request log. */
  const char *fault;   /* injected fault's name, or NULL */
  char service[48];    /* service asked for, "" if none */
  long page_index;     /* page asked for, < 0 if none */
  char error_code[32]; /* error_code answered, "" if none */
  int malformed;       /* junk records in the answer */
};

/* A 500 with no body, nothing else set.  Allocates nothing. */
void sim_response_init(struct sim_response *r);

/* Free the body and return to the init state. */
void sim_response_release(struct sim_response *r);

/*
 * Replace status, content type and body; takes ownership of body (which
 * must be malloc'd and NUL-terminated), or copies text when body is NULL.
 * Returns 0, or -1 when out of memory (the response is then a bare 500).
 */
int sim_response_set(struct sim_response *r, int status, const char *ctype, char *body,
                     const char *text);

/* Request header lookup that never crashes on a missing callback. */
const char *sim_request_header(const struct sim_request *q, const char *name);

/* Query argument lookup, likewise. */
const char *sim_request_query(const struct sim_request *q, const char *name);

/*
 * Base64 (RFC 4648, with padding).  encode: malloc'd, NULL on OOM.
 * decode: into out (room for n bytes, NUL-terminated); the decoded
 * length, or -1 when s is not base64 or does not fit.  url selects the
 * URL-safe alphabet (-_) for both.
 */
char *sim_base64_encode(const void *data, size_t len, bool url);
long sim_base64_decode(const char *s, char *out, size_t n, bool url);

#endif
