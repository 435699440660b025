/*
 * log - diagnostics on stderr in the style of PostgreSQL's frontend
 * programs (a primary message, an optional DETAIL and an optional HINT).
 *
 * Text format (default), one record:
 *     tthc-extract: error: could not fetch page 3
 *     DETAIL: HTTP 503 from https://...
 *     HINT: The portal is rate limiting; lower max_rps.
 * Info records carry no level word, like pg_dump.  A record is exactly
 * those lines: control characters inside the message, detail, hint or an
 * event value are written as escapes (\n, \r, \xNN; tabs stay), so text
 * from a source can never forge a line or a record of its own.
 *
 * JSON format: exactly one object per line, e.g.
 *     {"ts":"2026-04-01T01:30:00Z","level":"error","prog":"tthc-extract",
 *      "msg":"...","detail":"...","hint":"...","source":"portal-hp"}
 * with "detail"/"hint" present only when given and event key/values
 * appended.  Strings are JSON-escaped: control characters as \u00XX,
 * invalid UTF-8 replaced by U+FFFD.
 *
 * Every record is emitted with a single write(2) so concurrent threads
 * and processes sharing stderr do not interleave (records of at most
 * PIPE_BUF bytes are atomic on pipes; longer ones are still one call).
 * The settings are the only global state: call log_init() once at start
 * up, before any threads are created.  Logging functions preserve errno.
 * Never pass secrets (passwords, tokens, conninfo) to these functions.
 */
#ifndef TTHC_LOG_H
#define TTHC_LOG_H

#include <stddef.h>

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;
typedef enum { LOG_FORMAT_TEXT, LOG_FORMAT_JSON } log_format;

/* Upper bound on one formatted primary message (longer ones are cut and
 * end in "..."), and on a whole record. */
#define LOG_MSG_MAX  8192
#define LOG_LINE_MAX 65536

/*
 * Set program name (copied, at most 63 bytes kept), output format and
 * the minimum level emitted.  Before log_init the defaults are "tthc",
 * LOG_FORMAT_TEXT, LOG_INFO.  progname NULL keeps the current name.
 */
void log_init(const char *progname, log_format fmt, log_level min_level);

/* The format log_init() set. */
log_format log_current_format(void);

/* While on, every text record starts by erasing the terminal line under
 * the cursor ("\r\033[K"): for a live progress line drawn on stderr (on
 * a terminal only). */
void log_clear_line_first(int on);

/* Parse "text" | "json" into *out: 0 ok, -1 unknown (out untouched). */
int log_format_parse(const char *s, log_format *out);

/* Added: parse "debug" | "info" | "warning" (or "warn") | "error":
 * 0 ok, -1 unknown (out untouched). */
int log_level_parse(const char *s, log_level *out);

/* Added: name of a level as written in records ("warning" for LOG_WARN). */
const char *log_level_name(log_level lvl);

/* Emit a primary message at lvl (dropped when below the minimum). */
void log_msg(log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Emit a primary message plus optional detail and hint (NULL = none). */
void log_report(log_level lvl, const char *detail, const char *hint, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/*
 * Structured event: after event comes a NULL-terminated list of
 * const char *key, const char *value pairs, e.g.
 *     log_event(LOG_INFO, "page_done", "source", "portal-hp",
 *               "page", "3", (char *)NULL);
 * JSON: "msg" and "event" are the event name, then each key/value (a
 * NULL value becomes JSON null).  Keys must not collide with ts, level,
 * prog, msg, event, detail or hint.  Text: "prog: event key=value ...",
 * with values quoted when they contain blanks, quotes, '=' or are empty,
 * and a NULL value written "-".
 */
void log_event(log_level lvl, const char *event, ...) __attribute__((sentinel));

/*
 * Typed structured event: like log_event, but each field keeps its type,
 * so that in JSON a count or a duration is a number, not a string:
 *     log_typed(LOG_INFO, "stage_done", LOG_STR("run_id", run_id),
 *               LOG_STR("stage", "load"), LOG_NUM("duration_seconds", 12.5),
 *               LOG_INT("records", 4200));
 * gives {..."msg":"stage_done","event":"stage_done","run_id":"...",
 * "stage":"load","duration_seconds":12.5,"records":4200}.  A NULL string
 * is JSON null, a number that is not finite is null too, a boolean is
 * true/false.  Text format as log_event (numbers unquoted, %.15g; NULL
 * and non-finite numbers "-").
 * Conventional keys: run_id, source, commune, duration_seconds,
 * duration_ms.  The same key restrictions as log_event apply.
 */
typedef enum { LOG_FIELD_STR, LOG_FIELD_INT, LOG_FIELD_NUM, LOG_FIELD_BOOL } log_field_type;

struct log_field {
  const char *key;
  log_field_type type;
  const char *s; /* LOG_FIELD_STR */
  long long i;   /* LOG_FIELD_INT, LOG_FIELD_BOOL (0 false) */
  double d;      /* LOG_FIELD_NUM */
};

#define LOG_STR(k, v)  ((struct log_field){ .key = (k), .type = LOG_FIELD_STR, .s = (v) })
#define LOG_INT(k, v)  ((struct log_field){ .key = (k), .type = LOG_FIELD_INT, .i = (long long)(v) })
#define LOG_NUM(k, v)  ((struct log_field){ .key = (k), .type = LOG_FIELD_NUM, .d = (double)(v) })
#define LOG_BOOL(k, v) ((struct log_field){ .key = (k), .type = LOG_FIELD_BOOL, .i = !!(v) })

/* n fields from f (f may be NULL when n is 0). */
void log_fields(log_level lvl, const char *event, const struct log_field *f, size_t n);

/* log_fields with the fields as arguments (at least one). */
#define log_typed(lvl, event, ...)                                                  \
  log_fields((lvl), (event), (const struct log_field[]){ __VA_ARGS__ },            \
             sizeof((const struct log_field[]){ __VA_ARGS__ }) / sizeof(struct log_field))

#endif
