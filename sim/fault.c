/*
 * fault - fault rates, rolls and transport renderings (see fault.h).
 */
#include "fault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[SIM_FAULT_COUNT] = {
  NULL,           "http-5xx",  "rate-limit", "unavailable", "error-1",        "session-expired",
  "numeric-code", "truncate",  "reset",      "stall",       "http-500",       "token-expired",
  "windows-1258", "ncr",       "doctype",    "sync-error",  "cursor-expired", "drift",
  "drift-served", "drift-out", "miscount",   "endless",     "same-cursor"
};

const char *sim_fault_name(enum sim_fault k)
{
  return k > SIM_FAULT_NONE && k < SIM_FAULT_COUNT ? names[k] : NULL;
}

void sim_faults_init(struct sim_faults *f, uint64_t seed)
{
  memset(f, 0, sizeof(*f));
  f->stall_ms = 20000;
  f->retry_after = 1;
  sim_rng_init(&f->rng, sim_mix(seed, 0xfa17));
  pthread_mutex_init(&f->lock, NULL);
}

void sim_faults_release(struct sim_faults *f)
{
  pthread_mutex_destroy(&f->lock);
}

int sim_parse_rate(const char *s, unsigned *ppm)
{
  char *end;
  double v;

  if (!s || !*s)
    return -1;
  v = strtod(s, &end);
  if (end == s)
    return -1;
  if (*end == '%') {
    v /= 100.0;
    end++;
  }
  if (*end || !(v >= 0.0 && v <= 1.0))
    return -1;
  *ppm = (unsigned)(v * 1e6 + 0.5);
  return 0;
}

sim_fault_result sim_faults_add(struct sim_faults *f, const char *spec)
{
  const char *colon = strchr(spec, ':');
  size_t nlen = colon ? (size_t)(colon - spec) : 0;
  unsigned long total = 0;
  unsigned ppm;
  int k;

  if (colon && nlen == 9 && !strncmp(spec, "malformed", 9)) {
    if (sim_parse_rate(colon + 1, &ppm))
      return SIM_FAULT_BAD_RATE;
    f->malformed_ppm = ppm;
    return SIM_FAULT_OK;
  }
  for (k = 1; k < SIM_FAULT_COUNT; k++)
    if (nlen == strlen(names[k]) && !strncmp(spec, names[k], nlen))
      break;
  if (!colon || k == SIM_FAULT_COUNT)
    return SIM_FAULT_BAD_NAME;
  if (sim_parse_rate(colon + 1, &ppm))
    return SIM_FAULT_BAD_RATE;
  for (int i = 1; i < SIM_FAULT_COUNT; i++)
    if (i != k)
      total += f->ppm[i];
  if (total + (unsigned long)ppm > 1000000UL)
    return SIM_FAULT_BAD_RATE;
  f->ppm[k] = ppm;
  return SIM_FAULT_OK;
}

struct sim_fault_hit sim_faults_roll(struct sim_faults *f, unsigned allowed)
{
  struct sim_fault_hit hit = { SIM_FAULT_NONE, 0 };
  uint64_t u;

  if (!f)
    return hit;
  pthread_mutex_lock(&f->lock);
  u = sim_rng_below(&f->rng, 1000000);
  hit.variant = (uint32_t)sim_rng_next(&f->rng);
  pthread_mutex_unlock(&f->lock);
  for (int k = 1; k < SIM_FAULT_COUNT; k++) {
    if (u < f->ppm[k]) {
      if (allowed & SIM_FAULT_BIT(k))
        hit.kind = (enum sim_fault)k;
      break;
    }
    u -= f->ppm[k];
  }
  return hit;
}

unsigned sim_faults_enabled(const struct sim_faults *f)
{
  unsigned mask = 0;

  for (int k = 1; f && k < SIM_FAULT_COUNT; k++)
    if (f->ppm[k])
      mask |= SIM_FAULT_BIT(k);
  return mask;
}

int sim_fault_preempts(enum sim_fault k)
{
  return k == SIM_FAULT_HTTP_5XX || k == SIM_FAULT_RATE_LIMIT || k == SIM_FAULT_UNAVAILABLE ||
         k == SIM_FAULT_HTTP_500;
}

/* The kind of page a reverse proxy or servlet container sends. */
static char *html_page(int status, const char *reason)
{
  size_t n = 256 + 2 * strlen(reason);
  char *s = malloc(n);

  if (s)
    snprintf(s, n,
             "<!DOCTYPE html>\n<html><head><title>%d %s"
             "</title></head>\n<body><center><h1>%d %s</h1>"
             "</center>\n<hr><center>nginx</center>\n</body>"
             "</html>\n",
             status, reason, status, reason);
  return s;
}

int sim_fault_apply(const struct sim_faults *f, struct sim_fault_hit hit, struct sim_response *r)
{
  static const int codes[3] = { 502, 503, 504 };
  static const char *const reasons[3] = { "Bad Gateway", "Service Temporarily Unavailable",
                                          "Gateway Time-out" };
  int i, status;

  if (hit.kind == SIM_FAULT_NONE)
    return 0;
  r->fault = sim_fault_name(hit.kind);
  switch (hit.kind) {
  case SIM_FAULT_HTTP_5XX:
    i = (int)(hit.variant % 3);
    return sim_response_set(r, codes[i], "text/html", html_page(codes[i], reasons[i]), NULL);
  case SIM_FAULT_HTTP_500:
    return sim_response_set(r, 500, "text/html", html_page(500, "Internal Server Error"), NULL);
  case SIM_FAULT_RATE_LIMIT:
  case SIM_FAULT_UNAVAILABLE:
    status = hit.kind == SIM_FAULT_RATE_LIMIT ? 429 : 503;
    r->retry_after = f ? (int)f->retry_after : 1;
    return sim_response_set(
      r, status, "text/html",
      html_page(status, status == 429 ? "Too Many Requests" : "Service Unavailable"), NULL);
  case SIM_FAULT_TRUNCATE: r->truncate = true; return 0;
  case SIM_FAULT_RESET: r->reset = true; return 0;
  case SIM_FAULT_STALL: r->stall_ms = f ? f->stall_ms : 20000; return 0;
  default: return 0; /* body faults: rendered by the handler */
  }
}

bool sim_fault_preempted(const struct sim_faults *f, struct sim_fault_hit hit,
                         struct sim_response *r)
{
  if (!sim_fault_preempts(hit.kind))
    return false;
  sim_fault_apply(f, hit, r);
  return true;
}

int sim_fault_finish(const struct sim_faults *f, struct sim_fault_hit hit, bool used,
                     struct sim_response *r)
{
  if (!used && !(SIM_FAULTS_TRANSPORT & SIM_FAULT_BIT(hit.kind)))
    hit.kind = SIM_FAULT_NONE;
  return sim_fault_apply(f, hit, r);
}
