/*
 * reqlog - JSON-lines request log (see reqlog.h).
 */
#include "reqlog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cjson/cJSON.h>

struct sim_reqlog {
  FILE *fp;
  pthread_mutex_t lock;
};

struct sim_reqlog *sim_reqlog_open(const char *path)
{
  struct sim_reqlog *log = calloc(1, sizeof(*log));

  if (!log)
    return NULL;
  log->fp = fopen(path, "a");
  if (!log->fp) {
    free(log);
    return NULL;
  }
  pthread_mutex_init(&log->lock, NULL);
  return log;
}

static void add_str_or_null(cJSON *o, const char *name, const char *v)
{
  if (v && *v)
    cJSON_AddStringToObject(o, name, v);
  else
    cJSON_AddNullToObject(o, name);
}

void sim_reqlog_write(struct sim_reqlog *log, const struct sim_request *q,
                      const struct sim_response *r)
{
  struct timespec ts;
  struct tm tm;
  char when[96], at[32];
  cJSON *o;
  char *line;

  if (!log)
    return;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
           (int)(ts.tv_nsec / 1000000));
  o = cJSON_CreateObject();
  if (!o)
    return;
  cJSON_AddStringToObject(o, "time", when);
  if (q->arrived > 0) /* when the request came, to the microsecond */
    cJSON_AddRawToObject(o, "t", (snprintf(at, sizeof(at), "%.6f", q->arrived), at));
  add_str_or_null(o, "method", q->method);
  add_str_or_null(o, "path", q->path);
  add_str_or_null(o, "service", r->service);
  if (r->page_index >= 0)
    cJSON_AddNumberToObject(o, "pageIndex", (double)r->page_index);
  else
    cJSON_AddNullToObject(o, "pageIndex");
  cJSON_AddNumberToObject(o, "status", r->reset ? 0 : r->status);
  add_str_or_null(o, "error_code", r->reset ? NULL : r->error_code);
  add_str_or_null(o, "fault", r->fault);
  if (r->malformed > 0) /* only then: older lines keep their shape */
    cJSON_AddNumberToObject(o, "malformed", r->malformed);
  line = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  if (!line)
    return;
  pthread_mutex_lock(&log->lock);
  fprintf(log->fp, "%s\n", line);
  fflush(log->fp);
  pthread_mutex_unlock(&log->lock);
  free(line);
}

void sim_reqlog_close(struct sim_reqlog *log)
{
  if (!log)
    return;
  fclose(log->fp);
  pthread_mutex_destroy(&log->lock);
  free(log);
}
