#include "log.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dynbuf.h"
#include "text.h"
#include "timeutil.h"

/* The only global mutable state in libcommon: set once by log_init();
 * clear_line by whoever draws a live line on the terminal (progress). */
static struct {
  char prog[64];
  log_format fmt;
  log_level min;
  _Atomic int clear_line;
} settings = { "tthc", LOG_FORMAT_TEXT, LOG_INFO, 0 };

log_format log_current_format(void)
{
  return settings.fmt;
}

void log_clear_line_first(int on)
{
  settings.clear_line = on;
}

void log_init(const char *progname, log_format fmt, log_level min_level)
{
  if (progname)
    snprintf(settings.prog, sizeof settings.prog, "%s", progname);
  settings.fmt = fmt;
  settings.min = min_level;
}

int log_format_parse(const char *s, log_format *out)
{
  if (s && strcmp(s, "text") == 0)
    *out = LOG_FORMAT_TEXT;
  else if (s && strcmp(s, "json") == 0)
    *out = LOG_FORMAT_JSON;
  else
    return -1;
  return 0;
}

int log_level_parse(const char *s, log_level *out)
{
  if (!s)
    return -1;
  if (strcmp(s, "debug") == 0)
    *out = LOG_DEBUG;
  else if (strcmp(s, "info") == 0)
    *out = LOG_INFO;
  else if (strcmp(s, "warning") == 0 || strcmp(s, "warn") == 0)
    *out = LOG_WARN;
  else if (strcmp(s, "error") == 0)
    *out = LOG_ERROR;
  else
    return -1;
  return 0;
}

const char *log_level_name(log_level lvl)
{
  switch (lvl) {
  case LOG_DEBUG: return "debug";
  case LOG_INFO: return "info";
  case LOG_WARN: return "warning";
  case LOG_ERROR: return "error";
  }
  return "unknown";
}

/* Append s as a JSON string literal (with quotes). */
static dynbuf_result json_str(struct dynbuf *b, const char *s)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s;
  const unsigned char *end = p + strlen(s);
  dynbuf_result r = dynbuf_addc(b, '"');

  while (r == DYNBUF_OK && p < end) {
    unsigned char c = *p;
    size_t n;

    if (c == '"' || c == '\\') {
      char esc[2] = { '\\', (char)c };

      r = dynbuf_add(b, esc, 2);
      p++;
    } else if (c < 0x20 || c == 0x7F) {
      char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

      r = dynbuf_add(b, esc, 6);
      p++;
    } else if (c < 0x80) {
      r = dynbuf_addc(b, (char)c);
      p++;
    } else if ((n = utf8_seq_len(p, (size_t)(end - p))) != 0) {
      r = dynbuf_add(b, p, n);
      p += n;
    } else {
      /* One bad byte -> one U+FFFD, then resync. */
      r = dynbuf_add(b, "\xEF\xBF\xBD", 3);
      p++;
    }
  }
  if (r == DYNBUF_OK)
    r = dynbuf_addc(b, '"');
  return r;
}

static dynbuf_result json_kv(struct dynbuf *b, const char *k, const char *v)
{
  dynbuf_result r = dynbuf_addc(b, ',');

  if (r == DYNBUF_OK)
    r = json_str(b, k);
  if (r == DYNBUF_OK)
    r = dynbuf_addc(b, ':');
  if (r == DYNBUF_OK)
    r = v ? json_str(b, v) : dynbuf_addstr(b, "null");
  return r;
}

/* Text mode: one record is exactly its own lines, so a control character
 * in a value (a newline in a server's message) is written as an escape
 * (\n, \r, \xNN) and can never forge a record or a terminal sequence.
 * Tabs stay: they split no line. Inside a quoted value '"' and '\\' are
 * escaped too. Trailing newlines are dropped. */
static dynbuf_result text_escaped(struct dynbuf *b, const char *s, int quoted)
{
  static const char hex[] = "0123456789abcdef";
  dynbuf_result r = DYNBUF_OK;
  const unsigned char *end = (const unsigned char *)s + strlen(s);

  /* libpq's and curl's messages end in a newline: noise, not content. */
  while (end > (const unsigned char *)s && end[-1] == '\n')
    end--;
  for (const unsigned char *p = (const unsigned char *)s; r == DYNBUF_OK && p < end; p++) {
    unsigned char c = *p;

    if (c == '\n')
      r = dynbuf_add(b, "\\n", 2);
    else if (c == '\r')
      r = dynbuf_add(b, "\\r", 2);
    else if ((c < 0x20 && c != '\t') || c == 0x7F)
      r = dynbuf_add(b, (char[4]){ '\\', 'x', hex[c >> 4], hex[c & 15] }, 4);
    else if (quoted && (c == '"' || c == '\\'))
      r = dynbuf_add(b, (char[2]){ '\\', (char)c }, 2);
    else
      r = dynbuf_addc(b, (char)c);
  }
  return r;
}

static dynbuf_result text_add(struct dynbuf *b, const char *s)
{
  return text_escaped(b, s, 0);
}

/* key=value with quoting when the value would be ambiguous. */
static dynbuf_result text_kv(struct dynbuf *b, const char *k, const char *v)
{
  dynbuf_result r = dynbuf_addc(b, ' ');

  if (r == DYNBUF_OK)
    r = text_add(b, k);
  if (r == DYNBUF_OK)
    r = dynbuf_addc(b, '=');
  if (r != DYNBUF_OK)
    return r;
  if (!v) /* not known: "-", as in the tables, rather than C's "(null)" */
    return dynbuf_addc(b, '-');
  if (*v && !strpbrk(v, " \t\n\r\"=\\"))
    return text_add(b, v);
  r = dynbuf_addc(b, '"');
  if (r == DYNBUF_OK)
    r = text_escaped(b, v, 1);
  if (r == DYNBUF_OK)
    r = dynbuf_addc(b, '"');
  return r;
}

/* A typed field's value as text: numbers in a form JSON accepts (a value
 * that is not finite has none: NULL, written as null). */
static const char *field_text(const struct log_field *f, char buf[40])
{
  switch (f->type) {
  case LOG_FIELD_STR: return f->s;
  case LOG_FIELD_INT: snprintf(buf, 40, "%lld", f->i); return buf;
  case LOG_FIELD_BOOL: return f->i ? "true" : "false";
  case LOG_FIELD_NUM:
    if (!isfinite(f->d))
      return NULL;
    snprintf(buf, 40, "%.15g", f->d);
    return buf;
  }
  return NULL;
}

static dynbuf_result json_field(struct dynbuf *b, const struct log_field *f)
{
  char num[40];
  const char *v = field_text(f, num);
  dynbuf_result r;

  if (f->type == LOG_FIELD_STR || !v)
    return json_kv(b, f->key, v);
  r = dynbuf_addc(b, ',');
  if (r == DYNBUF_OK)
    r = json_str(b, f->key);
  if (r == DYNBUF_OK)
    r = dynbuf_addc(b, ':');
  if (r == DYNBUF_OK)
    r = dynbuf_addstr(b, v);
  return r;
}

static dynbuf_result text_field(struct dynbuf *b, const struct log_field *f)
{
  char num[40];
  const char *v = field_text(f, num);

  return text_kv(b, f->key, v); /* NULL and non-finite numbers: "-" */
}

static void write_all(const char *p, size_t len)
{
  while (len > 0) {
    ssize_t n = write(STDERR_FILENO, p, len);

    if (n < 0) {
      if (errno == EINTR)
        continue;
      return; /* nowhere left to report it */
    }
    p += n;
    len -= (size_t)n;
  }
}

/*
 * Build and write one record.  kv, when not NULL, is the rest of a
 * log_event() argument list; f / nf the fields of log_fields().
 */
static void emit(log_level lvl, const char *msg, const char *detail, const char *hint,
                 const char *event, va_list *kv, const struct log_field *f, size_t nf)
{
  struct dynbuf b;
  dynbuf_result r;
  const char *k, *v;

  dynbuf_init(&b, LOG_LINE_MAX);
  if (settings.fmt == LOG_FORMAT_JSON) {
    struct timespec ts;
    char when[21];

    clock_gettime(CLOCK_REALTIME, &ts);
    time_format_iso_utc((tthc_time)ts.tv_sec, when);
    r = dynbuf_addstr(&b, "{\"ts\":");
    if (r == DYNBUF_OK)
      r = json_str(&b, when);
    if (r == DYNBUF_OK)
      r = json_kv(&b, "level", log_level_name(lvl));
    if (r == DYNBUF_OK)
      r = json_kv(&b, "prog", settings.prog);
    if (r == DYNBUF_OK)
      r = json_kv(&b, "msg", msg);
    if (r == DYNBUF_OK && event)
      r = json_kv(&b, "event", event);
    if (r == DYNBUF_OK && detail)
      r = json_kv(&b, "detail", detail);
    if (r == DYNBUF_OK && hint)
      r = json_kv(&b, "hint", hint);
    while (r == DYNBUF_OK && kv && (k = va_arg(*kv, const char *)) != NULL) {
      v = va_arg(*kv, const char *);
      r = json_kv(&b, k, v);
    }
    for (size_t i = 0; r == DYNBUF_OK && i < nf; i++)
      r = json_field(&b, &f[i]);
    if (r == DYNBUF_OK)
      r = dynbuf_addstr(&b, "}\n");
  } else {
    /* A live progress line sits under the cursor: erase it first, or a
     * shorter record would leave its tail on the screen. */
    r = settings.clear_line ? dynbuf_addstr(&b, "\r\033[K") : DYNBUF_OK;
    if (r == DYNBUF_OK)
      r = dynbuf_printf(&b, "%s: ", settings.prog);
    if (r == DYNBUF_OK && lvl != LOG_INFO)
      r = dynbuf_printf(&b, "%s: ", log_level_name(lvl));
    if (r == DYNBUF_OK)
      r = text_add(&b, msg);
    while (r == DYNBUF_OK && kv && (k = va_arg(*kv, const char *)) != NULL) {
      v = va_arg(*kv, const char *);
      r = text_kv(&b, k, v);
    }
    for (size_t i = 0; r == DYNBUF_OK && i < nf; i++)
      r = text_field(&b, &f[i]);
    if (r == DYNBUF_OK && detail) {
      r = dynbuf_addstr(&b, "\nDETAIL: ");
      if (r == DYNBUF_OK)
        r = text_add(&b, detail);
    }
    if (r == DYNBUF_OK && hint) {
      r = dynbuf_addstr(&b, "\nHINT: ");
      if (r == DYNBUF_OK)
        r = text_add(&b, hint);
    }
    if (r == DYNBUF_OK)
      r = dynbuf_addc(&b, '\n');
  }

  if (r != DYNBUF_OK) {
    /* Never lose the fact that something was logged. */
    char fb[256];
    int n;

    if (settings.fmt == LOG_FORMAT_JSON)
      n = snprintf(fb, sizeof fb,
                   "{\"level\":\"%s\",\"msg\":\"log record "
                   "dropped: %s\"}\n",
                   log_level_name(lvl), dynbuf_strerror(r));
    else
      n = snprintf(fb, sizeof fb, "log record dropped: %s\n", dynbuf_strerror(r));
    if (n > 0)
      write_all(fb, (size_t)n < sizeof fb ? (size_t)n : sizeof fb - 1);
  } else {
    write_all(dynbuf_ptr(&b), dynbuf_len(&b));
  }
  dynbuf_release(&b);
}

/* Format into a fixed buffer; overlong messages end in "...". */
__attribute__((format(printf, 2, 0))) static void format_msg(char *buf, const char *fmt, va_list ap)
{
  int n = vsnprintf(buf, LOG_MSG_MAX, fmt, ap);

  if (n < 0)
    snprintf(buf, LOG_MSG_MAX, "(unformattable log message)");
  else if (n >= LOG_MSG_MAX)
    memcpy(buf + LOG_MSG_MAX - 4, "...", 4);
}

__attribute__((format(printf, 4, 0))) static void
vreport(log_level lvl, const char *detail, const char *hint, const char *fmt, va_list ap)
{
  char msg[LOG_MSG_MAX];
  int saved = errno;

  if (lvl < settings.min)
    return;
  format_msg(msg, fmt, ap);
  emit(lvl, msg, detail, hint, NULL, NULL, NULL, 0);
  errno = saved;
}

void log_msg(log_level lvl, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vreport(lvl, NULL, NULL, fmt, ap);
  va_end(ap);
}

void log_report(log_level lvl, const char *detail, const char *hint, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vreport(lvl, detail, hint, fmt, ap);
  va_end(ap);
}

void log_event(log_level lvl, const char *event, ...)
{
  int saved = errno;
  va_list ap;

  if (lvl < settings.min)
    return;
  va_start(ap, event);
  emit(lvl, event ? event : "(null)", NULL, NULL, event ? event : "(null)", &ap, NULL, 0);
  va_end(ap);
  errno = saved;
}

void log_fields(log_level lvl, const char *event, const struct log_field *f, size_t n)
{
  int saved = errno;

  if (lvl < settings.min)
    return;
  if (!event)
    event = "(null)";
  emit(lvl, event, NULL, NULL, event, NULL, f, f ? n : 0);
  errno = saved;
}
