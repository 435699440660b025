#include "config.h"
#include "config_units.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codes.h"
#include "dynbuf.h"
#include "timeutil.h"

#define SECRET_MAX (64 * 1024)

/* Defaults, also documented in deploy/tthc.conf.example. */
#define DEF_PAGE_SIZE        500
#define DEF_SINCE            "2020-01-01"
#define DEF_LOOKBACK         3600
#define DEF_MAX_RPS          5.0
#define DEF_TIMEOUT          60
#define DEF_CONNECT_TIMEOUT  30
#define DEF_RETRY_DEADLINE   1800
#define DEF_MAX_REJECT_SHARE 0.01

const char *source_kind_name(source_kind k)
{
  switch (k) {
  case SOURCE_PORTAL: return "portal";
  case SOURCE_CITY: return "city";
  case SOURCE_MINISTRY: return "ministry";
  }
  return "unknown";
}

int source_kind_parse(const char *s, source_kind *out)
{
  if (!s)
    return -1;
  if (strcmp(s, "portal") == 0)
    *out = SOURCE_PORTAL;
  else if (strcmp(s, "city") == 0)
    *out = SOURCE_CITY;
  else if (strcmp(s, "ministry") == 0)
    *out = SOURCE_MINISTRY;
  else
    return -1;
  return 0;
}

const char *config_strerror(config_result r)
{
  switch (r) {
  case CONFIG_OK: return "no error";
  case CONFIG_IO: return "cannot read configuration";
  case CONFIG_SYNTAX: return "configuration syntax error";
  case CONFIG_INVALID: return "invalid configuration";
  case CONFIG_NOMEM: return "out of memory";
  }
  return "unknown configuration error";
}

static void set_err(char *err, size_t errsz, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errsz, const char *fmt, ...)
{
  va_list ap;

  if (!err || errsz == 0)
    return;
  va_start(ap, fmt);
  vsnprintf(err, errsz, fmt, ap);
  va_end(ap);
}

/* ---- secrets ---------------------------------------------------------- */

/* Wipe before free: secrets should not linger in freed heap memory. */
static void free_secret(char *s)
{
  if (s) {
    explicit_bzero(s, strlen(s));
    free(s);
  }
}

static config_result read_secret_file(const char *file, struct dynbuf *b, char *err, size_t errsz)
{
  struct stat st;
  char chunk[4096];
  config_result r = CONFIG_OK;
  int fd;

  fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    set_err(err, errsz, "cannot open secret file '%s': %s", file, strerror(errno));
    return CONFIG_IO;
  }
  /* fstat the open fd, so the checked file is the one we read. */
  if (fstat(fd, &st) != 0) {
    set_err(err, errsz, "cannot stat secret file '%s': %s", file, strerror(errno));
    r = CONFIG_IO;
    goto out;
  }
  if (!S_ISREG(st.st_mode)) {
    set_err(err, errsz, "secret file '%s' is not a regular file", file);
    r = CONFIG_INVALID;
    goto out;
  }
  if (st.st_mode & (S_IRGRP | S_IROTH)) {
    set_err(err, errsz,
            "secret file '%s' is readable by group or others "
            "(mode %04o); run chmod 600 on it",
            file, (unsigned)(st.st_mode & 07777));
    r = CONFIG_INVALID;
    goto out;
  }
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      set_err(err, errsz, "cannot read secret file '%s': %s", file, strerror(errno));
      r = CONFIG_IO;
      goto out;
    }
    if (n == 0)
      break;
    switch (dynbuf_add(b, chunk, (size_t)n)) {
    case DYNBUF_OK: break;
    case DYNBUF_TOO_BIG:
      set_err(err, errsz, "secret file '%s' is larger than %d bytes", file, SECRET_MAX);
      r = CONFIG_INVALID;
      goto out;
    case DYNBUF_NOMEM:
      set_err(err, errsz, "out of memory");
      r = CONFIG_NOMEM;
      goto out;
    }
  }
out:
  explicit_bzero(chunk, sizeof chunk);
  close(fd);
  return r;
}

config_result config_read_secret(const char *file, const char *env, char **out, char *err,
                                 size_t errsz)
{
  struct dynbuf b;
  config_result r = CONFIG_OK;
  const char *what;
  size_t len;

  *out = NULL;
  dynbuf_init(&b, SECRET_MAX + 1);
  if (file) {
    r = read_secret_file(file, &b, err, errsz);
    if (r != CONFIG_OK)
      goto out;
    what = "secret file";
  } else if (env) {
    const char *v = getenv(env);

    if (!v || !*v) {
      set_err(err, errsz, "environment variable '%s' is not set or empty", env);
      r = CONFIG_INVALID;
      goto out;
    }
    if (dynbuf_addstr(&b, v) != DYNBUF_OK) {
      set_err(err, errsz, "environment variable '%s' is too large", env);
      r = CONFIG_INVALID;
      goto out;
    }
    what = "environment variable";
  } else {
    set_err(err, errsz, "no secret_file or secret_env configured");
    r = CONFIG_INVALID;
    goto out;
  }

  /* Editors and `echo` add a newline that is not part of the secret. */
  len = dynbuf_len(&b);
  while (len > 0 && (b.buf[len - 1] == '\n' || b.buf[len - 1] == '\r'))
    len--;
  dynbuf_truncate(&b, len);
  if (len == 0) {
    set_err(err, errsz, "%s '%s' is empty", what, file ? file : env);
    r = CONFIG_INVALID;
    goto out;
  }
  if (memchr(b.buf, '\0', len)) {
    set_err(err, errsz, "%s '%s' contains a NUL byte", what, file ? file : env);
    r = CONFIG_INVALID;
    goto out;
  }
  *out = dynbuf_detach(&b);
  if (!*out) {
    set_err(err, errsz, "out of memory");
    r = CONFIG_NOMEM;
  }
out:
  if (b.buf)
    explicit_bzero(b.buf, b.alloc);
  dynbuf_release(&b);
  return r;
}

/* ---- init / release --------------------------------------------------- */

void config_init(struct tthc_config *c)
{
  c->conninfo = NULL;
  c->conninfo_inline = false;
  c->analyst_conninfo = NULL;
  c->owner_conninfo = NULL;
  c->owner_conninfo_file = NULL;
  c->keep_days = 0;
  c->state_dir = NULL;
  c->units_file = NULL;
  c->metrics_file = NULL;
  c->max_reject_share = DEF_MAX_REJECT_SHARE;
  c->sources = NULL;
  c->nsources = 0;
}

static void source_release(struct source_config *s)
{
  free(s->name);
  free(s->base_url);
  free(s->agency_code);
  free(s->field_code);
  free(s->field_name);
  free(s->username);
  free(s->secret_file);
  free(s->secret_env);
  for (size_t i = 0; i < s->ncommunes; i++)
    free(s->communes[i]);
  free(s->communes);
  free(s->since);
  free(s->ca_file);
}

void config_release(struct tthc_config *c)
{
  for (size_t i = 0; i < c->nsources; i++)
    source_release(&c->sources[i]);
  free(c->sources);
  free_secret(c->conninfo);
  free_secret(c->analyst_conninfo);
  free_secret(c->owner_conninfo);
  free(c->owner_conninfo_file);
  free(c->state_dir);
  free(c->units_file);
  free(c->metrics_file);
  config_init(c);
}

const struct source_config *config_find_source(const struct tthc_config *c, const char *name)
{
  for (size_t i = 0; name && i < c->nsources; i++)
    if (strcmp(c->sources[i].name, name) == 0)
      return &c->sources[i];
  return NULL;
}

/* ---- parsing ---------------------------------------------------------- */

enum section { SEC_NONE, SEC_WAREHOUSE, SEC_STATE, SEC_TRANSFORM, SEC_SYNC, SEC_SOURCE, SEC_BAD };

/* Keys, as bits for duplicate detection. */
enum {
  K_CONNINFO = 1u << 0,
  K_CONNINFO_FILE = 1u << 1,
  K_STATE_DIR = 1u << 2,
  K_MAX_REJECT = 1u << 3,
  K_ANALYST_CONNINFO = 1u << 4,
  K_UNITS_FILE = 1u << 5,
  K_OWNER_CONNINFO = 1u << 10,
  K_OWNER_CONNINFO_FILE = 1u << 11,
  K_KEEP_DAYS = 1u << 12,
  K_METRICS_FILE = 1u << 6,
};

static const char *const source_keys[] = { "kind",
                                           "base_url",
                                           "agency_code",
                                           "username",
                                           "secret_file",
                                           "secret_env",
                                           "communes",
                                           "page_size",
                                           "since",
                                           "lookback_seconds",
                                           "insecure",
                                           "max_rps",
                                           "timeout_seconds",
                                           "field_code",
                                           "field_name",
                                           "connect_timeout_seconds",
                                           "retry_deadline_seconds",
                                           "ca_file",
                                           "concurrency",
                                           NULL };

enum {
  SK_KIND,
  SK_BASE_URL,
  SK_AGENCY,
  SK_USERNAME,
  SK_SECRET_FILE,
  SK_SECRET_ENV,
  SK_COMMUNES,
  SK_PAGE_SIZE,
  SK_SINCE,
  SK_LOOKBACK,
  SK_INSECURE,
  SK_MAX_RPS,
  SK_TIMEOUT,
  SK_FIELD_CODE,
  SK_FIELD_NAME,
  SK_CONNECT_TIMEOUT,
  SK_RETRY_DEADLINE,
  SK_CA_FILE,
  SK_CONCURRENCY
};

struct parser {
  struct tthc_config *c;
  const char *path;
  char *dir; /* absolute directory of the config file */
  FILE *fp;
  int lineno;
  enum section sect;
  char secname[96]; /* for messages: "source portal-hp" */
  unsigned global_seen;
  int src_line[CONFIG_MAX_SOURCES];
  unsigned src_seen[CONFIG_MAX_SOURCES];
  char *commune_spec[CONFIG_MAX_SOURCES]; /* communes = … as written, expanded by validate() */
  int commune_line[CONFIG_MAX_SOURCES];
  char *linebuf; /* the physical line, any length (reader) */
  size_t linecap;
  char *long_value;  /* the value of a line longer than inih's buffer */
  config_result res; /* first error only; the rest is noise */
  int errline;
  char *err;
  size_t errsz;
};

static void fail(struct parser *p, config_result r, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void fail(struct parser *p, config_result r, const char *fmt, ...)
{
  char msg[512];
  va_list ap;

  if (p->res != CONFIG_OK)
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  p->res = r;
  p->errline = p->lineno;
  set_err(p->err, p->errsz, "%s:%d: %s", p->path, p->lineno, msg);
}

static bool valid_source_name(const char *s)
{
  if (!*s)
    return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_' || *s == '-'))
      return false;
  return true;
}

static void source_defaults(struct source_config *s)
{
  memset(s, 0, sizeof *s);
  s->kind = SOURCE_PORTAL;
  s->page_size = DEF_PAGE_SIZE;
  s->lookback_seconds = DEF_LOOKBACK;
  s->insecure = false;
  s->max_rps = DEF_MAX_RPS;
  s->timeout_seconds = DEF_TIMEOUT;
  s->connect_timeout_seconds = DEF_CONNECT_TIMEOUT;
  s->retry_deadline_seconds = DEF_RETRY_DEADLINE;
}

static void begin_source(struct parser *p, const char *name)
{
  struct tthc_config *c = p->c;
  struct source_config *s;

  if (!valid_source_name(name)) {
    fail(p, CONFIG_INVALID, "section [%s]: source name must match [A-Za-z0-9_-]+", p->secname);
    return;
  }
  if (config_find_source(c, name)) {
    fail(p, CONFIG_INVALID, "section [%s]: duplicate source", p->secname);
    return;
  }
  if (c->nsources == CONFIG_MAX_SOURCES) {
    fail(p, CONFIG_INVALID, "section [%s]: more than %d sources", p->secname, CONFIG_MAX_SOURCES);
    return;
  }
  if (!c->sources) {
    /* Bounded by CONFIG_MAX_SOURCES: allocate once, never move. */
    c->sources = calloc(CONFIG_MAX_SOURCES, sizeof *c->sources);
    if (!c->sources) {
      fail(p, CONFIG_NOMEM, "out of memory");
      return;
    }
  }
  s = &c->sources[c->nsources];
  source_defaults(s);
  s->name = strdup(name);
  s->since = strdup(DEF_SINCE);
  /* Count it now so config_release frees whatever was set. */
  p->src_line[c->nsources] = p->lineno;
  p->src_seen[c->nsources] = 0;
  c->nsources++;
  if (!s->name || !s->since) {
    fail(p, CONFIG_NOMEM, "out of memory");
    return;
  }
  p->sect = SEC_SOURCE;
}

/*
 * Called by the reader for a line starting with '['.  We track sections
 * ourselves because inih does not report section lines (nor their line
 * numbers) and truncates long names silently.
 */
static void begin_section(struct parser *p, const char *line)
{
  const char *end = strchr(line, ']');
  const char *name;
  size_t n;

  if (!end)
    return; /* inih reports the syntax error */
  n = (size_t)(end - line - 1);
  snprintf(p->secname, sizeof p->secname, "%.*s", (int)n, line + 1);
  p->sect = SEC_BAD;
  if (n >= sizeof p->secname) {
    fail(p, CONFIG_INVALID, "section name too long");
    return;
  }
  if (strcmp(p->secname, "warehouse") == 0) {
    p->sect = SEC_WAREHOUSE;
  } else if (strcmp(p->secname, "state") == 0) {
    p->sect = SEC_STATE;
  } else if (strcmp(p->secname, "transform") == 0) {
    p->sect = SEC_TRANSFORM;
  } else if (strcmp(p->secname, "sync") == 0) {
    p->sect = SEC_SYNC;
  } else if (strncmp(p->secname, "source", 6) == 0 &&
             (p->secname[6] == ' ' || p->secname[6] == '\t')) {
    name = p->secname + 6;
    while (*name == ' ' || *name == '\t')
      name++;
    begin_source(p, name);
  } else if (strcmp(p->secname, "source") == 0) {
    fail(p, CONFIG_INVALID,
         "section [source]: missing source name, "
         "use [source NAME]");
  } else {
    fail(p, CONFIG_INVALID, "section [%s]: unknown section", p->secname);
  }
}

/* A line too long for inih's buffer (num bytes): inih gets "key = " and a
 * marker, and the handler takes the value from p->long_value (trimmed; no
 * inline comment). Lines of any length are accepted this way. */
#define LONG_VALUE_MARK "\x01long\x01"

static void hand_long_line(struct parser *p, char *str, int num)
{
  char *eq = strchr(p->linebuf, '=');
  char *v, *e;

  if (!eq || p->linebuf[0] == '[' || p->linebuf[0] == ';' || p->linebuf[0] == '#' ||
      (size_t)(eq - p->linebuf) + sizeof(" = " LONG_VALUE_MARK "\n") > (size_t)num) {
    fail(p, CONFIG_SYNTAX, "line longer than %d bytes that is not 'key = value'", num - 3);
    str[0] = '\0';
    return;
  }
  for (v = eq + 1; *v == ' ' || *v == '\t'; v++)
    ;
  for (e = v + strlen(v); e > v && strchr(" \t\r\n", e[-1]); e--)
    ;
  free(p->long_value);
  p->long_value = strndup(v, (size_t)(e - v));
  snprintf(str, (size_t)num, "%.*s= %s\n", (int)(eq - p->linebuf), p->linebuf, LONG_VALUE_MARK);
}

/* Reader for ini_parse_stream: counts lines for messages, reads lines of
 * any length (getline), strips indentation. */
static char *reader(char *str, int num, void *stream)
{
  struct parser *p = stream;
  size_t skip = 0;
  ssize_t len = getline(&p->linebuf, &p->linecap, p->fp);

  if (len < 0)
    return NULL;
  p->lineno++;
  if (p->lineno == 1 && memcmp(p->linebuf, "\xEF\xBB\xBF", 3) == 0)
    skip = 3;
  /* Leading blanks would make inih treat the line as a
   * continuation of the previous value; indentation is cosmetic. */
  while (p->linebuf[skip] == ' ' || p->linebuf[skip] == '\t')
    skip++;
  if (skip)
    memmove(p->linebuf, p->linebuf + skip, strlen(p->linebuf + skip) + 1);
  if (strlen(p->linebuf) >= (size_t)num - 1)
    hand_long_line(p, str, num);
  else
    memcpy(str, p->linebuf, strlen(p->linebuf) + 1);
  if (str[0] == '[')
    begin_section(p, str);
  return str;
}

/* ---- value parsers: 0 ok, -1 bad --------------------------------------- */

static int parse_int(const char *v, long min, long max, int *out)
{
  char *end;
  long x;

  errno = 0;
  x = strtol(v, &end, 10);
  if (errno || end == v || *end || x < min || x > max)
    return -1;
  *out = (int)x;
  return 0;
}

static int parse_double(const char *v, double min, double max, double *out)
{
  char *end;
  double x;

  errno = 0;
  x = strtod(v, &end);
  if (errno || end == v || *end || !isfinite(x) || x < min || x > max)
    return -1;
  *out = x;
  return 0;
}

static int parse_bool(const char *v, bool *out)
{
  static const char *const yes[] = { "true", "yes", "on", "1", NULL };
  static const char *const no[] = { "false", "no", "off", "0", NULL };

  for (int i = 0; yes[i]; i++) {
    if (strcmp(v, yes[i]) == 0) {
      *out = true;
      return 0;
    }
    if (strcmp(v, no[i]) == 0) {
      *out = false;
      return 0;
    }
  }
  return -1;
}

static bool valid_env_name(const char *s)
{
  if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
    return false;
  for (s++; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
          *s == '_'))
      return false;
  return true;
}

/* Relative paths are relative to the config file, not the cwd. */
static char *resolve(const struct parser *p, const char *v)
{
  char *s;

  if (v[0] == '/')
    return strdup(v);
  if (asprintf(&s, "%s/%s", p->dir, v) < 0)
    return NULL;
  return s;
}

static void keyfail(struct parser *p, config_result r, const char *key, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

/* "key 'x' in [source a]: reason" */
static void keyfail(struct parser *p, config_result r, const char *key, const char *fmt, ...)
{
  char msg[400];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fail(p, r, "key '%s' in [%s]: %s", key, p->secname, msg);
}

/* Store a freshly allocated string, reporting OOM. */
static int store(struct parser *p, char **dst, char *val)
{
  if (!val) {
    fail(p, CONFIG_NOMEM, "out of memory");
    return -1;
  }
  free(*dst);
  *dst = val;
  return 0;
}

static int parse_communes(struct parser *p, struct source_config *s, const char *key, const char *v)
{
  const char *q = v;
  char code[8];

  /* Worst case one code per two bytes ("1,"), so this bounds it. */
  s->communes = calloc(strlen(v) / 2 + 1, sizeof *s->communes);
  if (!s->communes) {
    fail(p, CONFIG_NOMEM, "out of memory");
    return -1;
  }
  for (;;) {
    const char *comma = strchr(q, ',');
    const char *e = comma ? comma : q + strlen(q);
    const char *b = q;

    while (b < e && (*b == ' ' || *b == '\t'))
      b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
      e--;
    if (e - b != 5) {
      keyfail(p, CONFIG_INVALID, key, "'%.*s' is not a 5-digit commune code", (int)(e - b), b);
      return -1;
    }
    memcpy(code, b, 5);
    code[5] = '\0';
    if (!commune_code_valid(code)) {
      keyfail(p, CONFIG_INVALID, key, "'%s' is not a 5-digit commune code", code);
      return -1;
    }
    for (size_t i = 0; i < s->ncommunes; i++) {
      if (strcmp(s->communes[i], code) == 0) {
        keyfail(p, CONFIG_INVALID, key, "commune '%s' listed twice", code);
        return -1;
      }
    }
    s->communes[s->ncommunes] = strdup(code);
    if (!s->communes[s->ncommunes]) {
      fail(p, CONFIG_NOMEM, "out of memory");
      return -1;
    }
    s->ncommunes++;
    if (!comma)
      break;
    q = comma + 1;
  }
  return 0;
}

/* An integer key in min..max, or the error naming the range. */
static int int_key(struct parser *p, const char *key, const char *v, long min, long max, int *out)
{
  if (parse_int(v, min, max, out) == 0)
    return 0;
  keyfail(p, CONFIG_INVALID, key, "must be an integer %ld..%ld", min, max);
  return -1;
}

static int source_key(struct parser *p, const char *key, const char *v)
{
  size_t idx = p->c->nsources - 1;
  struct source_config *s = &p->c->sources[idx];
  const char *u;
  char *url;
  int k;

  for (k = 0; source_keys[k]; k++)
    if (strcmp(key, source_keys[k]) == 0)
      break;
  if (!source_keys[k]) {
    keyfail(p, CONFIG_INVALID, key, "unknown key");
    return -1;
  }
  if (p->src_seen[idx] & (1u << k)) {
    keyfail(p, CONFIG_INVALID, key, "given more than once");
    return -1;
  }
  p->src_seen[idx] |= 1u << k;

  switch (k) {
  case SK_KIND:
    if (source_kind_parse(v, &s->kind) != 0) {
      keyfail(p, CONFIG_INVALID, key, "must be portal, city or ministry");
      return -1;
    }
    return 0;
  case SK_BASE_URL:
    if (strncmp(v, "https://", 8) == 0)
      u = v + 8;
    else if (strncmp(v, "http://", 7) == 0)
      u = v + 7;
    else
      u = NULL;
    if (!u || !*u || *u == '/' || strpbrk(v, " \t")) {
      keyfail(p, CONFIG_INVALID, key, "must be an http:// or https:// URL");
      return -1;
    }
    if (store(p, &s->base_url, strdup(v)) != 0)
      return -1;
    /* No trailing '/', so callers can append "/path". */
    url = s->base_url;
    for (size_t n = strlen(url); n > 0 && url[n - 1] == '/'; n--)
      url[n - 1] = '\0';
    return 0;
  case SK_AGENCY: return store(p, &s->agency_code, strdup(v));
  case SK_FIELD_CODE: return store(p, &s->field_code, strdup(v));
  case SK_FIELD_NAME: return store(p, &s->field_name, strdup(v));
  case SK_USERNAME: return store(p, &s->username, strdup(v));
  case SK_SECRET_FILE: return store(p, &s->secret_file, resolve(p, v));
  case SK_SECRET_ENV:
    if (!valid_env_name(v)) {
      keyfail(p, CONFIG_INVALID, key, "'%s' is not an environment variable name", v);
      return -1;
    }
    return store(p, &s->secret_env, strdup(v));
  case SK_COMMUNES:
    p->commune_line[p->c->nsources - 1] = p->lineno;
    return store(p, &p->commune_spec[p->c->nsources - 1], strdup(v));
  case SK_PAGE_SIZE:
    if (parse_int(v, 1, 1000, &s->page_size) != 0) {
      keyfail(p, CONFIG_INVALID, key, "must be an integer 1..1000");
      return -1;
    }
    return 0;
  case SK_SINCE: {
    tthc_time t;

    if (time_parse_since(v, &t) != TIME_OK) {
      keyfail(p, CONFIG_INVALID, key,
              "must be yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss "
              "[Z|+hh:mm]");
      return -1;
    }
    return store(p, &s->since, strdup(v));
  }
  case SK_LOOKBACK:
    if (parse_int(v, 0, 31536000, &s->lookback_seconds) != 0) {
      keyfail(p, CONFIG_INVALID, key, "must be an integer 0..31536000");
      return -1;
    }
    return 0;
  case SK_INSECURE:
    if (parse_bool(v, &s->insecure) != 0) {
      keyfail(p, CONFIG_INVALID, key, "must be true or false");
      return -1;
    }
    return 0;
  case SK_MAX_RPS:
    if (parse_double(v, 0, 1000, &s->max_rps) != 0) {
      keyfail(p, CONFIG_INVALID, key, "must be a number 0..1000 (0 = unlimited)");
      return -1;
    }
    return 0;
  case SK_TIMEOUT: return int_key(p, key, v, 1, 3600, &s->timeout_seconds);
  case SK_CONNECT_TIMEOUT: return int_key(p, key, v, 1, 3600, &s->connect_timeout_seconds);
  case SK_RETRY_DEADLINE: return int_key(p, key, v, 1, 86400, &s->retry_deadline_seconds);
  case SK_CA_FILE: return store(p, &s->ca_file, resolve(p, v));
  case SK_CONCURRENCY: return int_key(p, key, v, 0, 64, &s->concurrency);
  }
  return -1;
}

/* Mark key seen in the global bitmask; -1 (and error) on a duplicate. */
static int global_once(struct parser *p, const char *key, unsigned bit)
{
  if (p->global_seen & bit) {
    keyfail(p, CONFIG_INVALID, key, "given more than once");
    return -1;
  }
  p->global_seen |= bit;
  return 0;
}

/* [warehouse] owner_conninfo or owner_conninfo_file (one of them): the
 * schema owner's connection for --migrate. Only the file's path is kept:
 * reading it here would put the owner's secret in every program that loads
 * the configuration, and fail them all when the file is root's alone. */
static int owner_key(struct parser *p, const char *key, const char *v)
{
  bool inline_ = strcmp(key, "owner_conninfo") == 0;

  if (global_once(p, key, inline_ ? K_OWNER_CONNINFO : K_OWNER_CONNINFO_FILE) != 0)
    return -1;
  if (p->global_seen & (inline_ ? K_OWNER_CONNINFO_FILE : K_OWNER_CONNINFO)) {
    keyfail(p, CONFIG_INVALID, key, "give either owner_conninfo or owner_conninfo_file, not both");
    return -1;
  }
  if (inline_)
    return store(p, &p->c->owner_conninfo, strdup(v));
  return store(p, &p->c->owner_conninfo_file, resolve(p, v));
}

static int global_key(struct parser *p, const char *key, const char *v)
{
  struct tthc_config *c = p->c;
  char msg[400];
  char *path;
  config_result r;

  switch (p->sect) {
  case SEC_WAREHOUSE:
    if (strcmp(key, "conninfo") == 0) {
      if (global_once(p, key, K_CONNINFO) != 0)
        return -1;
      if (p->global_seen & K_CONNINFO_FILE)
        goto conflict;
      c->conninfo_inline = true;
      return store(p, &c->conninfo, strdup(v));
    }
    if (strcmp(key, "analyst_conninfo") == 0) {
      if (global_once(p, key, K_ANALYST_CONNINFO) != 0)
        return -1;
      return store(p, &c->analyst_conninfo, strdup(v));
    }
    if (strcmp(key, "owner_conninfo") == 0 || strcmp(key, "owner_conninfo_file") == 0)
      return owner_key(p, key, v);
    if (strcmp(key, "conninfo_file") == 0) {
      if (global_once(p, key, K_CONNINFO_FILE) != 0)
        return -1;
      if (p->global_seen & K_CONNINFO)
        goto conflict;
      path = resolve(p, v);
      if (!path) {
        fail(p, CONFIG_NOMEM, "out of memory");
        return -1;
      }
      r = config_read_secret(path, NULL, &c->conninfo, msg, sizeof msg);
      free(path);
      if (r != CONFIG_OK) {
        keyfail(p, r, key, "%s", msg);
        return -1;
      }
      return 0;
    }
    break;
  case SEC_STATE:
    if (strcmp(key, "dir") == 0) {
      if (global_once(p, key, K_STATE_DIR) != 0)
        return -1;
      return store(p, &c->state_dir, resolve(p, v));
    }
    if (strcmp(key, "keep_days") == 0) {
      if (global_once(p, key, K_KEEP_DAYS) != 0)
        return -1;
      if (parse_int(v, 0, 36500, &c->keep_days) != 0) {
        keyfail(p, CONFIG_INVALID, key,
                "must be a whole number of days 0..36500 (0 = keep every run)");
        return -1;
      }
      return 0;
    }
    if (strcmp(key, "units_file") == 0) {
      if (global_once(p, key, K_UNITS_FILE) != 0)
        return -1;
      return store(p, &c->units_file, resolve(p, v));
    }
    break;
  case SEC_TRANSFORM:
    if (strcmp(key, "max_reject_share") == 0) {
      if (global_once(p, key, K_MAX_REJECT) != 0)
        return -1;
      if (parse_double(v, 0, 1, &c->max_reject_share) != 0) {
        keyfail(p, CONFIG_INVALID, key, "must be a number 0..1");
        return -1;
      }
      return 0;
    }
    break;
  case SEC_SYNC:
    if (strcmp(key, "metrics_file") == 0) {
      if (global_once(p, key, K_METRICS_FILE) != 0)
        return -1;
      return store(p, &c->metrics_file, resolve(p, v));
    }
    break;
  default: break;
  }
  keyfail(p, CONFIG_INVALID, key, "unknown key");
  return -1;
conflict:
  keyfail(p, CONFIG_INVALID, key, "give either conninfo or conninfo_file, not both");
  return -1;
}

/* inih callback: returns 0 on error so inih notes the line too. */
static int handler(void *user, const char *section, const char *name, const char *value)
{
  struct parser *p = user;

  (void)section; /* we track sections ourselves, see reader() */
  if (p->res != CONFIG_OK)
    return 1;
  switch (p->sect) {
  case SEC_BAD: return 1; /* the section line was already reported */
  case SEC_NONE: fail(p, CONFIG_INVALID, "key '%s' is outside of any section", name); return 0;
  default: break;
  }
  if (strcmp(value, LONG_VALUE_MARK) == 0 && p->long_value)
    value = p->long_value;
  if (!*value) {
    keyfail(p, CONFIG_INVALID, name, "empty value");
    return 0;
  }
  if (p->sect == SEC_SOURCE)
    return source_key(p, name, value) == 0;
  return global_key(p, name, value) == 0;
}

/* ---- communes = LIST | province:NN | @FILE, expanded once the whole file
 * is read (units_file may come after the sources) ----------------------- */

/* FILE's codes, one a line ('#' starts a comment), as "a,b,c". */
static char *communes_from_file(struct parser *p, const char *file)
{
  char *path = resolve(p, file), *line = NULL, *out = NULL;
  size_t cap = 0, len = 0;
  FILE *fp = path ? fopen(path, "r") : NULL;

  if (!fp) {
    keyfail(p, CONFIG_IO, "communes", "@%s: cannot open: %s", file, strerror(errno));
    free(path);
    return NULL;
  }
  out = calloc(1, 1);
  while (out && getline(&line, &cap, fp) > 0) {
    char *b = line, *e = strchr(line, '#');
    char *grown;
    if (!e)
      e = line + strlen(line);
    while (b < e && strchr(" \t", *b))
      b++;
    while (e > b && strchr(" \t\r\n", e[-1]))
      e--;
    if (e == b)
      continue;
    grown = realloc(out, len + (size_t)(e - b) + 2);
    if (!grown) {
      free(out);
      out = NULL;
      break;
    }
    out = grown;
    len += (size_t)sprintf(out + len, "%s%.*s", len ? "," : "", (int)(e - b), b);
  }
  free(line);
  fclose(fp);
  free(path);
  if (out && !len) {
    keyfail(p, CONFIG_INVALID, "communes", "@%s lists no commune", file);
    free(out);
    return NULL;
  }
  if (!out)
    fail(p, CONFIG_NOMEM, "out of memory");
  return out;
}

/* Every commune of province NN in the unit list, as "a,b,c". */
static char *communes_of_province(struct parser *p, const char *nn, const struct unit_list *u,
                                  const char *units)
{
  char *out = malloc(u->n * 6 + 1);
  size_t len = 0;

  if (!out) {
    fail(p, CONFIG_NOMEM, "out of memory");
    return NULL;
  }
  out[0] = '\0';
  for (size_t i = 0; i < u->n; i++)
    if (strcmp(u->province[i], nn) == 0)
      len += (size_t)sprintf(out + len, "%s%s", len ? "," : "", u->code[i]);
  if (len == 0) {
    if (!units)
      keyfail(p, CONFIG_INVALID, "communes",
              "province:%s needs the commune list: set [state] units_file", nn);
    else
      keyfail(p, CONFIG_INVALID, "communes", "no commune of province '%s' in %s", nn, units);
    free(out);
    return NULL;
  }
  return out;
}

static char *communes_list(struct parser *p, const char *spec, const struct unit_list *u,
                           const char *units)
{
  if (strncmp(spec, "province:", 9) == 0)
    return communes_of_province(p, spec + 9, u, units);
  if (spec[0] == '@')
    return communes_from_file(p, spec + 1);
  return strdup(spec);
}

/* Expands source i's communes and checks each against the unit list. */
static void expand_communes(struct parser *p, size_t i, const struct unit_list *u,
                            const char *units)
{
  struct source_config *s = &p->c->sources[i];
  char *list;

  snprintf(p->secname, sizeof p->secname, "source %s", s->name);
  p->lineno = p->commune_line[i] ? p->commune_line[i] : p->src_line[i];
  if (!p->commune_spec[i])
    return;
  list = communes_list(p, p->commune_spec[i], u, units);
  if (!list || parse_communes(p, s, "communes", list) != 0) {
    free(list);
    return;
  }
  free(list);
  for (size_t j = 0; units && j < s->ncommunes; j++)
    if (!unit_list_has(u, s->communes[j])) {
      keyfail(p, CONFIG_INVALID, "communes", "commune '%s' is not in the commune list %s",
              s->communes[j], units);
      return;
    }
}

/* The unit list: units_file, else the default if there is one (else an
 * empty list: codes are then not checked, province: is an error). */
static char *read_units(struct parser *p, struct unit_list *u)
{
  char *path = p->c->units_file ? strdup(p->c->units_file) : unit_list_default_path();
  char msg[400];

  memset(u, 0, sizeof(*u));
  if (!path)
    return NULL;
  if (unit_list_read(path, u, msg, sizeof msg) != 0) {
    fail(p, CONFIG_INVALID, "[state] units_file: %s", msg);
    free(path);
    return NULL;
  }
  return path;
}

static void expand_all_communes(struct parser *p)
{
  struct unit_list u;
  char *units;

  if (p->c->nsources == 0)
    return;
  units = read_units(p, &u);
  for (size_t i = 0; i < p->c->nsources && p->res == CONFIG_OK; i++)
    expand_communes(p, i, &u, units);
  unit_list_release(&u);
  free(units);
}

/* Cross-key checks once the whole file is read. */
static void validate(struct parser *p)
{
  for (size_t i = 0; i < p->c->nsources && p->res == CONFIG_OK; i++) {
    const struct source_config *s = &p->c->sources[i];
    unsigned seen = p->src_seen[i];
    const char *missing = NULL;

    if (!(seen & (1u << SK_KIND)))
      missing = "kind";
    else if (!s->base_url)
      missing = "base_url";
    else if (s->kind == SOURCE_PORTAL && !s->agency_code)
      missing = "agency_code";
    else if (s->kind != SOURCE_MINISTRY && !s->username)
      missing = "username";
    else if (!s->secret_file && !s->secret_env)
      missing = "secret_file' or 'secret_env";
    p->lineno = p->src_line[i];
    if (missing)
      fail(p, CONFIG_INVALID, "[source %s]: missing required key '%s'", s->name, missing);
    else if (s->ca_file && s->insecure)
      fail(p, CONFIG_INVALID,
           "[source %s]: give either ca_file (verify against that CA) or insecure = true "
           "(verify nothing), not both",
           s->name);
  }
}

config_result config_load(const char *path, struct tthc_config *c, char *err, size_t errsz)
{
  struct parser p;
  const char *slash;
  char *dir = NULL;
  int ret;

  memset(&p, 0, sizeof p);
  p.c = c;
  p.path = path;
  p.err = err;
  p.errsz = errsz;
  p.sect = SEC_NONE;
  set_err(err, errsz, "%s", "");

  p.fp = fopen(path, "r");
  if (!p.fp) {
    set_err(err, errsz, "%s: cannot open: %s", path, strerror(errno));
    p.res = CONFIG_IO;
    goto out;
  }
  slash = strrchr(path, '/');
  if (!slash)
    dir = strdup(".");
  else if (slash == path)
    dir = strdup("/");
  else
    dir = strndup(path, (size_t)(slash - path));
  if (!dir) {
    set_err(err, errsz, "out of memory");
    p.res = CONFIG_NOMEM;
    goto out;
  }
  p.dir = realpath(dir, NULL);
  if (!p.dir) {
    set_err(err, errsz, "%s: cannot resolve directory: %s", path, strerror(errno));
    p.res = CONFIG_IO;
    goto out;
  }

  ret = ini_parse_stream(reader, &p, handler, &p);
  if (ferror(p.fp)) {
    set_err(err, errsz, "%s: read error", path);
    p.res = CONFIG_IO;
    goto out;
  }
  if (ret > 0 && (p.res == CONFIG_OK || ret < p.errline)) {
    /* inih found a malformed line before any error of ours. */
    set_err(err, errsz,
            "%s:%d: syntax error: expected '[section]' or "
            "'key = value'",
            path, ret);
    p.res = CONFIG_SYNTAX;
    goto out;
  }
  if (ret < 0 && p.res == CONFIG_OK) {
    set_err(err, errsz, "%s: out of memory", path);
    p.res = CONFIG_NOMEM;
    goto out;
  }
  if (p.res == CONFIG_OK)
    validate(&p);
  if (p.res == CONFIG_OK)
    expand_all_communes(&p);
out:
  if (p.fp)
    fclose(p.fp);
  for (size_t i = 0; i < CONFIG_MAX_SOURCES; i++)
    free(p.commune_spec[i]);
  free(p.linebuf);
  free(p.long_value);
  free(dir);
  free(p.dir);
  if (p.res != CONFIG_OK)
    config_release(c);
  return p.res;
}
