/*
 * httpd - libmicrohttpd glue (see httpd.h).
 */
#include "httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#define DEFAULT_MAX_BODY (1u << 20)

struct sim_httpd {
  struct MHD_Daemon *daemon;
  struct sim_httpd_options o;
  unsigned port;
  atomic_bool stopping;
  pthread_mutex_t bucket_lock; /* the max_rps bucket */
  double tokens, filled;       /* tokens left, when (monotonic seconds) */
};

/* Per-request upload state (MHD's con_cls). */
struct upload {
  char *buf;
  size_t len, alloc;
  bool too_big;
  double arrived;   /* CLOCK_REALTIME seconds, for the request log */
  double arrived_m; /* CLOCK_MONOTONIC seconds, for the rate limit */
};

static double clock_seconds(clockid_t id)
{
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether a request arriving at `at` (monotonic) is within max_rps. */
static bool within_rate(struct sim_httpd *h, double at)
{
  const double room = 2;
  bool ok;

  pthread_mutex_lock(&h->bucket_lock);
  if (h->filled == 0) {
    h->tokens = room;
    h->filled = at;
  }
  if (at > h->filled) {
    h->tokens += (at - h->filled) * h->o.max_rps;
    if (h->tokens > room)
      h->tokens = room;
    h->filled = at;
  }
  ok = h->tokens >= 1;
  if (ok)
    h->tokens -= 1;
  pthread_mutex_unlock(&h->bucket_lock);
  return ok;
}

/* What a truncating response still has to send. */
struct cut {
  char *body;
  size_t send; /* bytes sent before the connection is dropped */
};

static int append(struct upload *u, const char *data, size_t n, size_t max)
{
  if (u->too_big || u->len + n + 1 > max) {
    u->too_big = true;
    return 0;
  }
  if (u->len + n + 1 > u->alloc) {
    size_t a = u->alloc ? u->alloc : 1024;
    char *b;

    while (a < u->len + n + 1)
      a *= 2;
    b = realloc(u->buf, a);
    if (!b)
      return -1;
    u->buf = b;
    u->alloc = a;
  }
  memcpy(u->buf + u->len, data, n);
  u->len += n;
  u->buf[u->len] = '\0';
  return 0;
}

/* libmicrohttpd's own diagnostics, marked as such (fault injection
 * makes it report the connections it was told to break). */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
  (void)cls;
  fputs("tthc-sim: httpd: ", stderr);
  vfprintf(stderr, fmt, ap);
}

static const char *lookup_header(void *ctx, const char *name)
{
  return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

static const char *lookup_query(void *ctx, const char *name)
{
  return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

/* Sleep ms, in slices, giving up as soon as the server stops. */
static void stall(struct sim_httpd *h, unsigned ms)
{
  struct timespec slice = { 0, 50 * 1000000L };

  for (unsigned t = 0; t < ms && !atomic_load(&h->stopping); t += 50)
    nanosleep(&slice, NULL);
}

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
  struct cut *c = cls;
  size_t n;

  if (pos >= c->send)
    return MHD_CONTENT_READER_END_WITH_ERROR;
  n = c->send - (size_t)pos < max ? c->send - (size_t)pos : max;
  memcpy(buf, c->body + pos, n);
  return (ssize_t)n;
}

static void cut_free(void *cls)
{
  struct cut *c = cls;

  free(c->body);
  free(c);
}

/* Build the MHD response; takes the body out of r. */
static struct MHD_Response *make_response(struct sim_response *r)
{
  struct MHD_Response *resp;
  char ra[24];

  if (r->truncate) {
    struct cut *c = malloc(sizeof(*c));

    if (!c)
      return NULL;
    c->body = r->body;
    c->send = r->len / 2;
    /* Full length announced, half sent: a cut mid-body. */
    resp = MHD_create_response_from_callback(r->len, 4096, cut_reader, c, cut_free);
    if (!resp) {
      free(c);
      return NULL;
    }
  } else {
    resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
    if (!resp)
      return NULL;
  }
  r->body = NULL;
  r->len = 0;
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
  if (r->retry_after >= 0) {
    snprintf(ra, sizeof(ra), "%d", r->retry_after);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
  }
  if (r->www_authenticate)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, r->www_authenticate);
  return resp;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
  struct sim_httpd *h = cls;
  struct upload *u = *con_cls;
  struct sim_request q = { 0 };
  struct sim_response r;
  struct MHD_Response *resp;
  enum MHD_Result ret;

  (void)version;
  if (!u) { /* headers only so far */
    u = calloc(1, sizeof(*u));
    if (!u)
      return MHD_NO;
    u->arrived = clock_seconds(CLOCK_REALTIME);
    u->arrived_m = clock_seconds(CLOCK_MONOTONIC);
    *con_cls = u;
    return MHD_YES;
  }
  if (*data_size) {
    if (append(u, data, *data_size, h->o.max_body) < 0)
      return MHD_NO;
    *data_size = 0;
    return MHD_YES;
  }

  q.method = method;
  q.path = url;
  q.body = u->buf ? u->buf : "";
  q.body_len = u->len;
  q.header = lookup_header;
  q.header_ctx = conn;
  q.query = lookup_query;
  q.arrived = u->arrived;
  sim_response_init(&r);
  if (u->too_big) {
    sim_response_set(&r, 413, "text/plain; charset=utf-8", NULL, "request body too large\n");
  } else if (h->o.max_rps && !within_rate(h, u->arrived_m)) {
    sim_response_set(&r, 429, "text/html; charset=utf-8", NULL,
                     "<html><body><h1>429 Too Many Requests</h1></body></html>\n");
    r.retry_after = (int)h->o.retry_after;
    r.fault = "over-rate";
  } else {
    h->o.handler(h->o.ctx, &q, &r);
  }

  if (r.stall_ms)
    stall(h, r.stall_ms);
  sim_reqlog_write(h->o.log, &q, &r);
  if (r.reset) {
    sim_response_release(&r);
    return MHD_NO; /* MHD closes the connection, no answer */
  }
  resp = make_response(&r);
  if (!resp) {
    sim_response_release(&r);
    return MHD_NO;
  }
  ret = MHD_queue_response(conn, (unsigned)r.status, resp);
  MHD_destroy_response(resp);
  sim_response_release(&r);
  return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
  struct upload *u = *con_cls;

  (void)cls;
  (void)conn;
  (void)toe;
  if (u) {
    free(u->buf);
    free(u);
    *con_cls = NULL;
  }
}

sim_httpd_result sim_httpd_start(const struct sim_httpd_options *o, struct sim_httpd **out,
                                 char *err, size_t errlen)
{
  const char *bind = o->bind ? o->bind : "127.0.0.1";
  struct sockaddr_storage ss;
  struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
  unsigned flags =
    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
  const union MHD_DaemonInfo *info;
  struct sim_httpd *h;
  /* HTTPS options, or none (the list then ends at once). */
  struct MHD_OptionItem tls[] = {
    { MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)o->tls_cert_pem },
    { MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)o->tls_key_pem },
    { MHD_OPTION_END, 0, NULL },
  };

  *out = NULL;
  if (o->tls_cert_pem || o->tls_key_pem) {
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
      snprintf(err, errlen, "this libmicrohttpd was built without TLS");
      return SIM_HTTPD_NO_TLS;
    }
    if (!o->tls_cert_pem || !o->tls_key_pem) {
      snprintf(err, errlen, "HTTPS needs both a certificate and its key");
      return SIM_HTTPD_START;
    }
    flags |= MHD_USE_TLS;
  } else {
    tls[0].option = MHD_OPTION_END;
  }
  memset(&ss, 0, sizeof(ss));
  if (inet_pton(AF_INET, bind, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)o->port);
  } else if (inet_pton(AF_INET6, bind, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)o->port);
    flags |= MHD_USE_IPv6;
  } else {
    snprintf(err, errlen, "bind address '%s' is not an IP literal", bind);
    return SIM_HTTPD_BAD_BIND;
  }
  h = calloc(1, sizeof(*h));
  if (!h) {
    snprintf(err, errlen, "out of memory");
    return SIM_HTTPD_NOMEM;
  }
  h->o = *o;
  if (!h->o.max_body)
    h->o.max_body = DEFAULT_MAX_BODY;
  atomic_init(&h->stopping, false);
  pthread_mutex_init(&h->bucket_lock, NULL);
  h->daemon = MHD_start_daemon(
    flags, (uint16_t)o->port, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
  if (!h->daemon) {
    snprintf(err, errlen, "cannot listen on %s:%u%s: %s", bind, o->port,
             flags & MHD_USE_TLS ? " with that certificate and key" : "",
             errno ? strerror(errno) : "daemon failed");
    pthread_mutex_destroy(&h->bucket_lock);
    free(h);
    return SIM_HTTPD_START;
  }
  info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
  h->port = info ? info->port : o->port;
  *out = h;
  return SIM_HTTPD_OK;
}

unsigned sim_httpd_port(const struct sim_httpd *h)
{
  return h->port;
}

void sim_httpd_stop(struct sim_httpd *h)
{
  if (!h)
    return;
  atomic_store(&h->stopping, true);
  MHD_stop_daemon(h->daemon);
  pthread_mutex_destroy(&h->bucket_lock);
  free(h);
}
