#include "landing.h"

#include <dirent.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "fsutil.h"
#include "rundir.h"
#include "sha256.h"

#define MANIFEST_MAX (64u << 20)

const char *landing_strerror(landing_result r)
{
  switch (r) {
  case LANDING_OK: return "no error";
  case LANDING_IO: return "landing zone input/output error";
  case LANDING_CORRUPT: return "landing manifest is not readable";
  case LANDING_NOMEM: return "out of memory";
  }
  return "unknown error";
}

const char *pass_end_name(pass_end e)
{
  switch (e) {
  case PASS_GOES_ON: return NULL;
  case PASS_CLEAN: return "clean";
  case PASS_DIRTY: return "dirty";
  case PASS_HELD: return "held";
  }
  return NULL;
}

static pass_end pass_end_parse(const char *s)
{
  if (!s)
    return PASS_GOES_ON;
  if (!strcmp(s, "clean"))
    return PASS_CLEAN;
  if (!strcmp(s, "dirty"))
    return PASS_DIRTY;
  return PASS_HELD;
}

static double num(const cJSON *doc, const char *name)
{
  return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(doc, name));
}

/* The pass fields of one manifest line (lines written before passes
 * existed count as pass 1 that ends on the page marked last). */
static void read_pass(const cJSON *doc, struct landing_progress *p, long page)
{
  const cJSON *pass = cJSON_GetObjectItemCaseSensitive(doc, "pass");
  long n = cJSON_IsNumber(pass) ? (long)pass->valuedouble : 1;
  pass_end end =
    pass_end_parse(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "pass_end")));

  if (!cJSON_IsNumber(pass) && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "last")))
    end = PASS_CLEAN;
  if (n != p->pass) {
    p->pass = n;
    p->pass_first_page = page;
  }
  p->last_line.pass = n;
  p->last_line.end = end;
  p->last_line.left = (long)num(doc, "pass_left");
  p->last_line.rereads = (long)num(doc, "pass_rereads");
  p->last_line.fresh_pages = (long)num(doc, "pass_fresh_pages");
  p->last_line.fresh_records = (long)num(doc, "pass_fresh_records");
  p->last_line.fresh_repeats = (long)num(doc, "pass_fresh_repeats");
  p->last_line.win_left = (long)num(doc, "window_left");
  p->last_line.win_last = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(doc, "announced"))
                            ? (long)num(doc, "announced")
                            : -1;
  p->last_line.win_grew = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "window_grew"));
  p->last_line.grew = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "pass_grew"));
  if (end != PASS_GOES_ON) {
    p->last_end.pass = n;
    p->last_end.end = end;
    p->last_end.announced = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(doc, "announced"))
                              ? (long)num(doc, "announced")
                              : -1;
    p->last_end.records = (long)num(doc, "pass_records");
    p->last_end.fresh_records = (long)num(doc, "pass_fresh_records");
    p->last_end.left = (long)num(doc, "pass_left");
    p->last_end.distinct = (long)num(doc, "pass_distinct");
    {
      const char *sig =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "pass_signature"));
      p->last_end.signature = sig ? strtoull(sig, NULL, 16) : 0;
    }
  }
}

landing_result landing_open(struct landing_window *lw, const char *state_dir, const char *run_id,
                            const char *source, const char *commune, const char *suffix)
{
  char *rel = NULL;

  memset(lw, 0, sizeof(*lw));
  lw->source = source;
  lw->commune = commune;
  lw->suffix = suffix;
  if (asprintf(&rel, "landing/%s/%s", source, commune) < 0)
    return LANDING_NOMEM;
  lw->dir = rundir_path(state_dir, run_id, rel);
  free(rel);
  if (!lw->dir)
    return LANDING_NOMEM;
  return fs_mkdirs(lw->dir, 0750) == FS_OK ? LANDING_OK : LANDING_IO;
}

void landing_release(struct landing_window *lw)
{
  free(lw->dir);
  lw->dir = NULL;
}

static char *path_in(const struct landing_window *lw, const char *name)
{
  char *p = NULL;
  return asprintf(&p, "%s/%s", lw->dir, name) < 0 ? NULL : p;
}

landing_result landing_window_bounds(struct landing_window *lw, tthc_time *from, tthc_time *until,
                                     int *found)
{
  landing_result result = LANDING_OK;
  char *path = path_in(lw, "window.json");
  struct dynbuf buf;
  cJSON *doc = NULL;
  fs_result fr;

  dynbuf_init(&buf, 1 << 16);
  *found = 0;
  if (!path)
    return LANDING_NOMEM;
  fr = fs_read_file(path, &buf);
  if (fr == FS_NOENT) {
    char f[32], u[32], text[160];
    time_format_iso_utc(*from, f);
    time_format_iso_utc(*until, u);
    snprintf(text, sizeof(text), "{\"from\": \"%s\", \"until\": \"%s\"}\n", f, u);
    if (fs_write_atomic(path, text, strlen(text)) != FS_OK)
      result = LANDING_IO;
  } else if (fr != FS_OK) {
    result = LANDING_IO;
  } else {
    const char *f, *u;
    doc = cJSON_Parse(dynbuf_ptr(&buf));
    f = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "from"));
    u = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "until"));
    if (!f || !u || time_parse_iso(f, from) != TIME_OK || time_parse_iso(u, until) != TIME_OK)
      result = LANDING_CORRUPT;
    else
      *found = 1;
  }
  cJSON_Delete(doc);
  dynbuf_release(&buf);
  free(path);
  return result;
}

landing_result landing_progress(struct landing_window *lw, struct landing_progress *p)
{
  landing_result result = LANDING_OK;
  char *path = path_in(lw, "manifest.jsonl");
  struct dynbuf buf;
  char *line, *save = NULL;
  fs_result fr;

  memset(p, 0, sizeof(*p));
  p->next.index = 1;
  dynbuf_init(&buf, MANIFEST_MAX);
  if (!path)
    return LANDING_NOMEM;
  fr = fs_read_file(path, &buf);
  if (fr == FS_NOENT)
    goto out;
  if (fr != FS_OK) {
    result = LANDING_IO;
    goto out;
  }
  /* Lines are only ever appended whole and fsynced; a torn last line (a
   * crash mid-append) is dropped, and its page is fetched again. */
  {
    size_t len = dynbuf_len(&buf);
    while (len > 0 && dynbuf_ptr(&buf)[len - 1] != '\n')
      len--;
    dynbuf_truncate(&buf, len);
    if (len == 0)
      goto out;
  }
  for (line = strtok_r(buf.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    cJSON *doc;
    const cJSON *cur;
    doc = cJSON_Parse(line);
    if (!doc) {
      result = LANDING_CORRUPT;
      goto out;
    }
    p->pages = (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(doc, "page"));
    read_pass(doc, p, p->pages);
    p->records += (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(doc, "records"));
    p->next.index = (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(doc, "next_index"));
    p->next.then_index = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(doc, "then_index"))
                           ? (long)num(doc, "then_index")
                           : 0;
    cur = cJSON_GetObjectItemCaseSensitive(doc, "next_cursor");
    snprintf(p->next.token, sizeof(p->next.token), "%s",
             cJSON_IsString(cur) ? cur->valuestring : "");
    p->complete = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "last"));
    p->next.resume_from =
      (tthc_time)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(doc, "next_from"));
    {
      tthc_time lu =
        (tthc_time)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(doc, "last_updated"));
      if (lu > 0)
        p->last_updated = lu;
    }
    cJSON_Delete(doc);
  }
out:
  dynbuf_release(&buf);
  free(path);
  return result;
}

landing_result landing_restart(struct landing_window *lw)
{
  char *path = path_in(lw, "manifest.jsonl");
  landing_result result = LANDING_OK;
  DIR *d;
  struct dirent *e;

  if (!path)
    return LANDING_NOMEM;
  /* The manifest first: without it no page counts, even if a crash
   * interrupts the clean-up below. */
  if (unlink(path) && errno != ENOENT)
    result = LANDING_IO;
  if (result == LANDING_OK && (d = opendir(lw->dir)) != NULL) {
    while ((e = readdir(d)) != NULL)
      if (!strncmp(e->d_name, "page-", 5))
        (void)unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
  } else if (fs_fsync_dir(lw->dir) != FS_OK)
    result = LANDING_IO;
  free(path);
  return result;
}

char *landing_page_path(const struct landing_window *lw, long page)
{
  char name[64];

  snprintf(name, sizeof(name), "page-%06ld%s", page, lw->suffix);
  return path_in(lw, name);
}

landing_result landing_write_page(struct landing_window *lw, long page, const void *data,
                                  size_t len, long http_status, const struct page_result *res,
                                  const struct pass_mark *mark)
{
  char name[64], hex[65], now[32], sig[17];
  char *path = NULL, *manifest = NULL, *line = NULL;
  landing_result result = LANDING_OK;
  cJSON *doc = cJSON_CreateObject();

  snprintf(name, sizeof(name), "page-%06ld%s", page, lw->suffix);
  path = path_in(lw, name);
  manifest = path_in(lw, "manifest.jsonl");
  if (!doc || !path || !manifest) {
    result = LANDING_NOMEM;
    goto out;
  }
  if (fs_write_atomic(path, data, len) != FS_OK) {
    result = LANDING_IO;
    goto out;
  }
  if (sha256_hex(data, len, hex) != 0) { /* libcrypto out of memory */
    result = LANDING_NOMEM;
    goto out;
  }
  time_format_iso_utc((tthc_time)time(NULL), now);
  cJSON_AddStringToObject(doc, "source", lw->source);
  cJSON_AddStringToObject(doc, "commune", lw->commune);
  cJSON_AddNumberToObject(doc, "page", (double)page);
  cJSON_AddStringToObject(doc, "file", name);
  cJSON_AddNumberToObject(doc, "bytes", (double)len);
  cJSON_AddStringToObject(doc, "sha256", hex);
  cJSON_AddNumberToObject(doc, "http_status", (double)http_status);
  /* A refused page stands for records nobody could read: it is one record
   * landed, the one the transform quarantines (with the page's bytes). */
  cJSON_AddNumberToObject(doc, "records", res->refused[0] ? 1.0 : (double)res->records);
  if (res->refused[0]) {
    cJSON_AddStringToObject(doc, "refused", res->refused);
    cJSON_AddNumberToObject(doc, "positions", (double)res->records);
  }
  cJSON_AddNumberToObject(doc, "next_index", (double)res->next.index);
  if (res->next.then_index)
    cJSON_AddNumberToObject(doc, "then_index", (double)res->next.then_index);
  if (res->next.token[0])
    cJSON_AddStringToObject(doc, "next_cursor", res->next.token);
  else
    cJSON_AddNullToObject(doc, "next_cursor");
  cJSON_AddBoolToObject(doc, "last", res->last);
  /* epoch seconds: where a restarted cursor listing resumes */
  cJSON_AddNumberToObject(doc, "next_from", (double)res->next.resume_from);
  cJSON_AddNumberToObject(doc, "last_updated", (double)res->last_updated);
  cJSON_AddNumberToObject(doc, "pass", (double)mark->pass);
  cJSON_AddNumberToObject(doc, "pass_left", (double)mark->left);
  cJSON_AddNumberToObject(doc, "pass_rereads", (double)mark->rereads);
  cJSON_AddNumberToObject(doc, "pass_fresh_pages", (double)mark->fresh_pages);
  cJSON_AddNumberToObject(doc, "pass_fresh_records", (double)mark->fresh_records);
  cJSON_AddNumberToObject(doc, "pass_fresh_repeats", (double)mark->fresh_repeats);
  cJSON_AddNumberToObject(doc, "window_left", (double)mark->win_left);
  cJSON_AddBoolToObject(doc, "window_grew", mark->win_grew);
  cJSON_AddBoolToObject(doc, "pass_grew", mark->grew);
  if (mark->announced >= 0)
    cJSON_AddNumberToObject(doc, "announced", (double)mark->announced);
  else
    cJSON_AddNullToObject(doc, "announced");
  if (mark->end != PASS_GOES_ON) {
    snprintf(sig, sizeof(sig), "%016llx", (unsigned long long)mark->signature);
    cJSON_AddStringToObject(doc, "pass_end", pass_end_name(mark->end));
    cJSON_AddNumberToObject(doc, "pass_records", (double)mark->records);
    cJSON_AddNumberToObject(doc, "pass_distinct", (double)mark->distinct);
    cJSON_AddStringToObject(doc, "pass_signature", sig);
  }
  cJSON_AddStringToObject(doc, "fetched_at", now);
  line = cJSON_PrintUnformatted(doc);
  if (!line) {
    result = LANDING_NOMEM;
    goto out;
  }
  if (fs_append_line_durable(manifest, line) != FS_OK)
    result = LANDING_IO;
out:
  cJSON_Delete(doc);
  free(line);
  free(path);
  free(manifest);
  return result;
}
