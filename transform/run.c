#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "fsutil.h"
#include "keyset.h"
#include "log.h"
#include "quarantine.h"
#include "record_map.h"
#include "rundir.h"
#include "source_parser.h"
#include "timeutil.h"
#include "watermark.h"

#define SUMMARY_MAX    (16u << 20)
#define OUT_BUFFER_BYTES (256u << 10)
#define LINE_MAX_BYTES (QUARANTINE_RAW_MAX * 2 + 4096)

const char *transform_strerror(transform_result r)
{
  switch (r) {
  case TRANSFORM_OK: return "no error";
  case TRANSFORM_NOT_EXTRACTED: return "the run has not been extracted";
  case TRANSFORM_BAD_SUMMARY: return "the run's EXTRACTED summary is not readable";
  case TRANSFORM_IO: return "input/output error";
  case TRANSFORM_TOO_MANY_REJECTS: return "too many records rejected";
  case TRANSFORM_NOMEM: return "out of memory";
  }
  return "unknown error";
}

void transform_counts_release(struct transform_counts *c)
{
  free(c->sources);
  c->sources = NULL;
  c->nsources = 0;
}

/* One output file written as NAME.tmp, published by out_commit(). */
struct out_file {
  char *path, *tmp;
  FILE *f;
  char *buf; /* f's buffer (NULL: stdio's own) */
};

static int out_open(struct out_file *o, const char *dir, const char *name)
{
  memset(o, 0, sizeof(*o));
  if (asprintf(&o->path, "%s/%s", dir, name) < 0 || asprintf(&o->tmp, "%s/%s.tmp", dir, name) < 0)
    return -1;
  o->f = fopen(o->tmp, "wb");
  if (!o->f)
    return -1;
  /* a write(2) per 256 KiB, not per 4 KiB (glibc ignores the size without a
   * buffer of ours); stdio's own buffer if this one cannot be had */
  if ((o->buf = malloc(OUT_BUFFER_BYTES)) && setvbuf(o->f, o->buf, _IOFBF, OUT_BUFFER_BYTES)) {
    free(o->buf);
    o->buf = NULL;
  }
  return 0;
}

static int out_commit(struct out_file *o)
{
  int rc = 0, err = 0;
  if (fflush(o->f) || fsync(fileno(o->f)))
    rc = -1, err = errno;
  if (fclose(o->f) && !rc)
    rc = -1, err = errno;
  o->f = NULL;
  free(o->buf);
  o->buf = NULL;
  if (!rc && rename(o->tmp, o->path))
    rc = -1, err = errno;
  if (rc)
    log_report(LOG_ERROR, strerror(err), "Free space on the state directory's file system.",
               "could not write \"%s\"", o->tmp);
  errno = err;
  return rc;
}

static void out_release(struct out_file *o)
{
  if (o->f) {
    fclose(o->f);
    unlink(o->tmp);
  }
  free(o->buf);
  free(o->path);
  free(o->tmp);
  memset(o, 0, sizeof(*o));
}

struct sink_state {
  struct out_file records, rejects;
  struct dynbuf line;
  struct source_counts *counts; /* of the source being read */
  /* (source, commune, code) of the window's records: a window is the only
   * one of its source and commune in a run (its pages are the landing
   * directory SOURCE/COMMUNE), so a key can only repeat within it and the
   * set is emptied between windows: its size is the largest window's, not
   * the run's. */
  struct keyset seen;
  int io_error;
};

/* The first failed write names the file and the OS reason (a full disk
 * says ENOSPC here, not later as a bare "input/output error"). */
static void sink_write_failed(struct sink_state *s, const struct out_file *o)
{
  if (!s->io_error && errno)
    log_report(LOG_ERROR, strerror(errno), "Free space on the state directory's file system.",
               "could not write \"%s\"", o->tmp);
  s->io_error = 1;
}

static int on_record(void *arg, const struct page_ctx *page, size_t index,
                     const struct canonical_record *rec)
{
  struct sink_state *s = arg;
  (void)page;
  (void)index;
  dynbuf_reset(&s->line);
  if (canon_write_copy(rec, &s->line) ||
      fwrite(dynbuf_ptr(&s->line), 1, dynbuf_len(&s->line), s->records.f) != dynbuf_len(&s->line)) {
    sink_write_failed(s, &s->records);
    return -1;
  }
  s->counts->read++;
  s->counts->accepted++;
  /* The loader keeps the newest of them; here they are only counted. */
  if (keyset_add(&s->seen,
                 keyset_hash(keyset_hash(keyset_hash(0, page->source_name), page->commune),
                             rec->v[DF_source_code])) == 0)
    s->counts->duplicates++;
  return 0;
}

static int on_reject(void *arg, const struct page_ctx *page, size_t index,
                     const struct reject_info *why, const char *raw, size_t rawlen)
{
  struct sink_state *s = arg;
  char loc[600];

  if (index == SIZE_MAX)
    snprintf(loc, sizeof(loc), "%s", page->location);
  else
    snprintf(loc, sizeof(loc), "%s#%zu", page->location, index);
  /* Named in the log too, so an operator sees it without querying. */
  log_report(LOG_WARN, why->reason, NULL, "source %s, commune %s, %s: record rejected (field %s)",
             page->source_name, page->commune, loc, why->field ? why->field : "-");
  if (quarantine_row(&s->line, page->source_name, source_kind_name(page->kind), page->commune, loc,
                     why->field, why->reason, raw, rawlen) ||
      fwrite(dynbuf_ptr(&s->line), 1, dynbuf_len(&s->line), s->rejects.f) != dynbuf_len(&s->line)) {
    sink_write_failed(s, &s->rejects);
    return -1;
  }
  s->counts->read++;
  s->counts->rejected++;
  return 0;
}

/* A page of a window as its manifest lists it. */
struct landed_page {
  char *file;
  char *refused; /* the extractor refused its content: why; NULL when usable */
};

static void free_list(struct landed_page *pages, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free(pages[i].file);
    free(pages[i].refused);
  }
  free(pages);
}

/* One manifest line's page into pages[*n]; 0, or -1 when out of memory. */
static int add_page(const cJSON *doc, struct landed_page **pages, size_t *n, size_t *cap)
{
  const char *file = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "file"));
  const char *why = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "refused"));
  struct landed_page *p;

  /* a torn last line (crash mid-append) names no durable page */
  if (!file || strchr(file, '/') || strncmp(file, "page-", 5) != 0)
    return 0;
  if (*n == *cap) {
    struct landed_page *grown = realloc(*pages, (*cap = *cap ? *cap * 2 : 64) * sizeof(*grown));
    if (!grown)
      return -1;
    *pages = grown;
  }
  p = &(*pages)[*n];
  p->file = strdup(file);
  p->refused = why ? strdup(why) : NULL;
  if (!p->file || (why && !p->refused)) {
    free(p->file);
    free(p->refused);
    return -1;
  }
  (*n)++;
  return 0;
}

/* The pages of one window, in order, as its manifest lists them: only
 * pages that were completely and durably landed. */
static struct landed_page *list_pages(const char *dir, size_t *n)
{
  struct dynbuf buf;
  char *path = NULL, *line, *save = NULL;
  struct landed_page *pages = NULL;
  size_t cap = 0;

  *n = 0;
  dynbuf_init(&buf, 64u << 20);
  if (asprintf(&path, "%s/manifest.jsonl", dir) < 0)
    return NULL;
  if (fs_read_file(path, &buf) != FS_OK || dynbuf_len(&buf) == 0)
    goto out;
  for (line = strtok_r(buf.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    cJSON *doc = cJSON_Parse(line);
    int rc = add_page(doc, &pages, n, &cap);
    cJSON_Delete(doc);
    if (rc)
      break;
  }
out:
  dynbuf_release(&buf);
  free(path);
  return pages;
}

/* A page the extractor refused is quarantined whole, unread: it is the
 * one record the manifest counts for it, with its bytes as raw text. */
static parse_result quarantine_refused(const struct page_ctx *page, const char *why,
                                       const char *data, size_t len, const struct record_sink *sink)
{
  struct reject_info r = { "page", "" };

  snprintf(r.reason, sizeof(r.reason), "page refused by the extractor, never parsed: %s", why);
  return record_page_reject(page, sink, &r, data, len);
}

static struct source_counts *counts_for(struct transform_counts *c, const char *name)
{
  struct source_counts *grown;

  for (size_t i = 0; i < c->nsources; i++)
    if (!strcmp(c->sources[i].name, name))
      return &c->sources[i];
  grown = realloc(c->sources, (c->nsources + 1) * sizeof(*grown));
  if (!grown)
    return NULL;
  c->sources = grown;
  memset(&grown[c->nsources], 0, sizeof(*grown));
  snprintf(grown[c->nsources].name, sizeof(grown->name), "%s", name);
  return &grown[c->nsources++];
}

/* Reads every page of one window (source × commune). */
static transform_result transform_window(const char *state_dir, const char *run_id,
                                         const struct source_config *src_cfg, const char *source,
                                         source_kind kind, const char *commune,
                                         struct sink_state *s, struct transform_counts *counts)
{
  const struct source_parser *parser = source_parser_for(kind);
  transform_result result = TRANSFORM_OK;
  char *rel = NULL, *dir = NULL;
  struct landed_page *pages = NULL;
  size_t npages = 0;
  struct dynbuf body;

  dynbuf_init(&body, PAGE_MAX_BYTES);
  if (!parser) {
    log_report(LOG_ERROR, NULL, NULL, "source %s: no parser for kind %s", source,
               source_kind_name(kind));
    return TRANSFORM_BAD_SUMMARY;
  }
  if (asprintf(&rel, "landing/%s/%s", source, commune) < 0 ||
      !(dir = rundir_path(state_dir, run_id, rel))) {
    result = TRANSFORM_NOMEM;
    goto out;
  }
  pages = list_pages(dir, &npages);
  for (size_t i = 0; i < npages && !result; i++) {
    char *path = NULL, *loc = NULL;
    fs_result fr;
    struct page_ctx page = { source, kind, commune, NULL, src_cfg };
    parse_result pr;

    if (asprintf(&path, "%s/%s", dir, pages[i].file) < 0 ||
        asprintf(&loc, "%s/%s/%s", run_id, rel, pages[i].file) < 0) {
      free(path);
      result = TRANSFORM_NOMEM;
      break;
    }
    page.location = loc;
    dynbuf_reset(&body);
    fr = fs_read_file(path, &body);
    if (fr != FS_OK) {
      log_report(LOG_ERROR, fr == FS_IO ? strerror(errno) : fs_strerror(fr), NULL,
                 "could not read page \"%s\"", path);
      result = TRANSFORM_IO;
    } else {
      const struct record_sink sink = { on_record, on_reject, s };
      pr =
        pages[i].refused
          ? quarantine_refused(&page, pages[i].refused, dynbuf_ptr(&body), dynbuf_len(&body), &sink)
          : parser->parse_page(dynbuf_ptr(&body), dynbuf_len(&body), &page, &sink);
      if (pr == PARSE_NOMEM)
        result = TRANSFORM_NOMEM;
      else if (s->io_error || pr == PARSE_STOPPED)
        result = TRANSFORM_IO;
      counts->pages++;
    }
    free(path);
    free(loc);
  }
out:
  free_list(pages, npages);
  dynbuf_release(&body);
  free(rel);
  free(dir);
  return result;
}

/*
 * The window's line in canonical/windows.json: the extraction's counts
 * (EXTRACTED) with what the transform read, accepted and quarantined, and
 * the window's status. Every record landed is read: a disagreement means
 * two stages read the same pages differently, so the window is held
 * (its watermark moved back) and marked, and the run goes on.
 */
static int reconcile_window(const struct tthc_config *cfg, const char *run_id, const cJSON *w,
                            const struct source_counts *before, const struct source_counts *after,
                            cJSON *out)
{
  cJSON *o = cJSON_Duplicate(w, 1);
  const cJSON *landed_j = cJSON_GetObjectItemCaseSensitive(w, "records");
  long long read = after->read - before->read, accepted = after->accepted - before->accepted,
            rejected = after->rejected - before->rejected;
  long long landed = cJSON_IsNumber(landed_j) ? (long long)landed_j->valuedouble : -1;
  const char *status = "ok",
             *source = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "source")),
             *commune = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "commune"));
  char problem[300] = "";

  if (!o)
    return -1;
  cJSON_AddItemToArray(out, o);
  cJSON_DeleteItemFromObjectCaseSensitive(o, "read");
  cJSON_AddNumberToObject(o, "read", (double)read);
  cJSON_AddNumberToObject(o, "accepted", (double)accepted);
  cJSON_AddNumberToObject(o, "quarantined", (double)rejected);
  if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(w, "complete"))) {
    status = "incomplete";
  } else if (read != landed || accepted + rejected != read) {
    tthc_time from;
    const char *f = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "from"));
    status = "mismatch";
    snprintf(problem, sizeof(problem),
             "the extraction landed %lld records; the transform read %lld (%lld accepted, %lld "
             "quarantined)",
             landed, read, accepted, rejected);
    log_report(LOG_ERROR, problem,
               "The window's watermark is moved back so the next run reads it again; what is "
               "loaded stays. Report this: two stages disagree about the same pages.",
               "run %s: source %s, commune %s: stages disagree", run_id, source, commune);
    if (!f || time_parse_iso(f, &from) != TIME_OK ||
        watermark_hold(cfg->state_dir, source, commune, from)) {
      log_error("run %s: source %s, commune %s: could not hold the watermark", run_id, source,
                commune);
      return -1;
    }
  }
  cJSON_DeleteItemFromObjectCaseSensitive(o, "status");
  cJSON_AddStringToObject(o, "status", status);
  if (problem[0]) {
    cJSON_DeleteItemFromObjectCaseSensitive(o, "problem");
    cJSON_AddStringToObject(o, "problem", problem);
  }
  return 0;
}

static int write_json(const char *dir, const char *name, const cJSON *doc)
{
  char *text = cJSON_Print(doc), *path = NULL;
  int rc = -1;

  if (text && asprintf(&path, "%s/%s", dir, name) >= 0)
    rc = fs_write_atomic(path, text, strlen(text)) == FS_OK ? 0 : -1;
  free(path);
  free(text);
  return rc;
}

static int write_counts(const char *dir, const struct transform_counts *c)
{
  cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "sources");
  int rc;

  cJSON_AddNumberToObject(root, "pages", (double)c->pages);
  for (size_t i = 0; i < c->nsources; i++) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(arr, o);
    cJSON_AddStringToObject(o, "source", c->sources[i].name);
    cJSON_AddNumberToObject(o, "read", (double)c->sources[i].read);
    cJSON_AddNumberToObject(o, "accepted", (double)c->sources[i].accepted);
    cJSON_AddNumberToObject(o, "rejected", (double)c->sources[i].rejected);
    cJSON_AddNumberToObject(o, "duplicates", (double)c->sources[i].duplicates);
  }
  rc = write_json(dir, "counts.json", root);
  cJSON_Delete(root);
  return rc;
}
/* Whether window w (source, commune) already stood earlier in the summary.
 * The duplicate count is kept per window, so a window listed twice would
 * read its landing twice and count nothing: the summary is refused. The
 * hash set only filters; a possible repeat is confirmed by comparing. */
static bool window_repeated(const cJSON *windows, const cJSON *w, const char *source,
                            const char *commune, struct keyset *listed)
{
  const cJSON *v;

  if (keyset_add(listed, keyset_hash(keyset_hash(0, source), commune)) != 0)
    return false;
  cJSON_ArrayForEach(v, windows)
  {
    if (v == w)
      break;
    const char *vs = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "source"));
    const char *vc = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "commune"));
    if (vs && vc && strcmp(vs, source) == 0 && strcmp(vc, commune) == 0)
      return true;
  }
  return false;
}


transform_result transform_run(const struct tthc_config *cfg, const char *run_id,
                               struct transform_counts *counts)
{
  const char *state_dir = cfg->state_dir;
  double max_reject_share = cfg->max_reject_share;
  transform_result result = TRANSFORM_OK;
  struct sink_state s;
  struct dynbuf summary;
  char *summary_path = NULL, *canon = NULL, *mark = NULL;
  cJSON *doc = NULL, *recon = cJSON_CreateArray();
  const cJSON *windows, *w;
  struct keyset listed; /* (source, commune) of the windows so far */

  memset(counts, 0, sizeof(*counts));
  memset(&s, 0, sizeof(s));
  dynbuf_init(&summary, SUMMARY_MAX);
  dynbuf_init(&s.line, LINE_MAX_BYTES);
  /* One window at a time (emptied between windows): 2^29 slots, 4.3 GB, at
   * most, far beyond any commune's records. */
  keyset_init(&s.seen, 200000000);
  keyset_init(&listed, 10000000);

  summary_path = rundir_path(state_dir, run_id, RUN_MARK_EXTRACTED);
  canon = rundir_path(state_dir, run_id, "canonical");
  mark = rundir_path(state_dir, run_id, RUN_MARK_TRANSFORMED);
  if (!summary_path || !canon || !mark) {
    result = TRANSFORM_NOMEM;
    goto out;
  }
  if (fs_read_file(summary_path, &summary) != FS_OK) {
    log_report(LOG_ERROR, NULL, "Run tthc-extract first, or let it finish.",
               "run %s has no extract summary (%s)", run_id, summary_path);
    result = TRANSFORM_NOT_EXTRACTED;
    goto out;
  }
  doc = cJSON_Parse(dynbuf_ptr(&summary));
  windows = doc ? cJSON_GetObjectItemCaseSensitive(doc, "windows") : NULL;
  if (!cJSON_IsArray(windows)) {
    log_report(LOG_ERROR, NULL, NULL, "run %s: \"%s\" has no windows list", run_id, summary_path);
    result = TRANSFORM_BAD_SUMMARY;
    goto out;
  }
  if (fs_mkdirs(canon, 0750) != FS_OK || out_open(&s.records, canon, "dossier_source.copy") ||
      out_open(&s.rejects, canon, "rejected.copy")) {
    log_report(LOG_ERROR, strerror(errno), NULL, "could not create output files in \"%s\"", canon);
    result = TRANSFORM_IO;
    goto out;
  }

  cJSON_ArrayForEach(w, windows)
  {
    const char *source = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "source"));
    const char *kind_s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "kind"));
    const char *commune = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "commune"));
    source_kind kind;

    if (!source || !kind_s || !commune || source_kind_parse(kind_s, &kind) || strchr(source, '/') ||
        strchr(commune, '/') || source[0] == '.') {
      log_report(LOG_ERROR, NULL, NULL,
                 "run %s: a window in the summary lacks a valid source, kind or commune", run_id);
      result = TRANSFORM_BAD_SUMMARY;
      goto out;
    }
    if (window_repeated(windows, w, source, commune, &listed)) {
      log_report(LOG_ERROR, NULL, "The extract summary is damaged: run tthc-extract again.",
                 "run %s: window %s/%s is listed twice in \"%s\"", run_id, source, commune,
                 summary_path);
      result = TRANSFORM_BAD_SUMMARY;
      goto out;
    }
    if (!(s.counts = counts_for(counts, source))) {
      result = TRANSFORM_NOMEM;
      goto out;
    }
    {
      struct source_counts before = *s.counts;
      keyset_release(&s.seen);
      result = transform_window(state_dir, run_id, config_find_source(cfg, source), source, kind,
                                commune, &s, counts);
      if (result)
        goto out;
      if (!recon || reconcile_window(cfg, run_id, w, &before, s.counts, recon)) {
        result = TRANSFORM_IO;
        goto out;
      }
    }
  }

  if (out_commit(&s.records) || out_commit(&s.rejects) || write_counts(canon, counts) ||
      write_json(canon, "windows.json", recon) || fs_fsync_dir(canon) != FS_OK) {
    log_report(LOG_ERROR, strerror(errno), NULL, "could not write the output of run %s", run_id);
    result = TRANSFORM_IO;
    goto out;
  }

  for (size_t i = 0; i < counts->nsources; i++) {
    const struct source_counts *c = &counts->sources[i];
    if (c->read > 0 && (double)c->rejected > max_reject_share * (double)c->read) {
      char detail[200];
      snprintf(detail, sizeof(detail), "%lld of %lld records rejected (%.2f %%), limit %.2f %%.",
               c->rejected, c->read, 100.0 * (double)c->rejected / (double)c->read,
               100.0 * max_reject_share);
      log_report(
        LOG_ERROR, detail,
        "The source's format may have changed: read the reasons in canonical/rejected.copy, "
        "or raise [transform] max_reject_share.",
        "source %s: too many rejected records; run %s not marked transformed", c->name, run_id);
      result = TRANSFORM_TOO_MANY_REJECTS;
    }
  }
  if (result == TRANSFORM_OK && fs_write_atomic(mark, "", 0) != FS_OK) {
    log_report(LOG_ERROR, strerror(errno), NULL, "could not write \"%s\"", mark);
    result = TRANSFORM_IO;
  }
out:
  out_release(&s.records);
  out_release(&s.rejects);
  dynbuf_release(&s.line);
  keyset_release(&s.seen);
  keyset_release(&listed);
  dynbuf_release(&summary);
  cJSON_Delete(doc);
  cJSON_Delete(recon);
  free(summary_path);
  free(canon);
  free(mark);
  return result;
}
