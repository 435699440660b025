#include "loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier_schema.h"
#include "dynbuf.h"
#include "fsutil.h"
#include "log.h"
#include "rundir.h"
#include "sha256.h"
#include "text.h"
#include "timeutil.h"
#include "watermark.h"

#include <cJSON.h>

/* Serialises loads: a second tthc-load waits for the first to commit. */
#define LOAD_LOCK_KEY "7325002"
#define SUMMARY_MAX   (16u << 20)

/* Upsert from staging; newest update (then greatest hash) wins, within the
 * run and against the warehouse. Reports inserted and updated rows.
 * Within the run, a record is kept unless a newer version of it was
 * staged: an anti-join on the key (a hash of the narrow columns), where
 * DISTINCT ON sorted every staged row whole (13 % of a first load, on disk
 * beyond work_mem). The row's ctid breaks the tie between two copies of
 * the same version (a page read twice), which DISTINCT ON broke anyhow.
 * The chosen versions are kept narrow (key, version, ctid in staging):
 * materialising and sorting whole rows spilled a 1M-record run to disk
 * twice (0.7 GB of temporary files, a third of its upsert).
 * Stored records with an older version are updated; new ones are plain
 * inserts (INSERT ... ON CONFLICT costs a speculative insertion per row)
 * in key order: once the indexes outgrow shared_buffers, inserts in
 * arrival order touch a random index page each (a 1M-record first load
 * spent most of its time there). Only the keys are sorted; each row is
 * then fetched from staging by its ctid, in that order (OFFSET 0 keeps it a
 * nested loop: a hash join with staging would hash every whole row, and
 * lose the order once it needs batches). Byte order sorts
 * faster than the locale's and is the same for the ASCII codes. Nothing
 * else writes dossier_source meanwhile: the load holds its lock. */
static const char pick_sql[] =
  "CREATE TEMP TABLE stage_pick ON COMMIT DROP AS"
  " SELECT s.ctid AS tid, s.unit_code, s.source_kind, s.source_code,"
  "        s.source_updated_at, s.record_hash"
  "   FROM stage_source s"
  "  WHERE NOT EXISTS (SELECT 1 FROM stage_source n"
  "                     WHERE n.unit_code = s.unit_code AND n.source_kind = s.source_kind"
  "                       AND n.source_code = s.source_code"
  "                       AND (n.source_updated_at, n.record_hash, n.ctid)"
  "                         > (s.source_updated_at, s.record_hash, s.ctid))";

static const char upsert_fmt[] =
  "WITH upd AS ("
  "  UPDATE tthc.dossier_source t SET %s, run_id = $1"
  "    FROM stage_pick p JOIN stage_source i ON i.ctid = p.tid"
  "   WHERE t.unit_code = p.unit_code AND t.source_kind = p.source_kind"
  "     AND t.source_code = p.source_code"
  "     AND (p.source_updated_at, p.record_hash) > (t.source_updated_at, t.record_hash)"
  "  RETURNING 1"
  "), ins AS ("
  "  INSERT INTO tthc.dossier_source (%s, dossier_code, run_id)"
  "  SELECT %s, source_code, $1"
  "    FROM (SELECT p.tid FROM stage_pick p"
  "           WHERE NOT EXISTS (SELECT 1 FROM tthc.dossier_source t"
  "                              WHERE t.unit_code = p.unit_code AND t.source_kind = p.source_kind"
  "                                AND t.source_code = p.source_code)"
  "           ORDER BY p.unit_code COLLATE \"C\", p.source_kind COLLATE \"C\","
  "                    p.source_code COLLATE \"C\") o"
  "   CROSS JOIN LATERAL (SELECT * FROM stage_source s WHERE s.ctid = o.tid OFFSET 0) i"
  "  RETURNING 1"
  ") SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM upd)";

static char *build_upsert_sql(void)
{
  struct dynbuf set;
  char *sql = NULL;
  const char *cols = dossier_copy_columns();

  dynbuf_init(&set, 1 << 16);
  for (int i = 0; i < DF__COUNT; i++)
    if (dynbuf_printf(&set, "%s%s = i.%s", i ? ", " : "", dossier_fields[i].name,
                      dossier_fields[i].name))
      goto out;
  if (asprintf(&sql, upsert_fmt, dynbuf_ptr(&set), cols, cols) < 0)
    sql = NULL;
out:
  dynbuf_release(&set);
  return sql;
}

static long long ll_value(const PGresult *res, int row, int col)
{
  return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static pgu_result take_lock(PGconn *conn)
{
  PGresult *res =
    pgu_exec(conn, "SELECT pg_try_advisory_xact_lock(" LOAD_LOCK_KEY ")", 0, NULL, PGRES_TUPLES_OK);
  int got;

  if (!res)
    return PGU_SQL;
  got = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
  PQclear(res);
  if (got)
    return PGU_OK;
  log_info("another tthc-load is loading into this warehouse; waiting for it to finish");
  return pgu_command(conn, "SELECT pg_advisory_xact_lock(" LOAD_LOCK_KEY ")", 0, NULL);
}

/* Autovacuum analyses dossier_source only after the load commits (and
 * never the partitioned parent); until then the planner takes a first
 * load's million records for the few pages it last saw (linking and
 * merging read the run's records by run_id: estimated at 3,730 rows for
 * 1,012,536). When the run added a fifth of the table or more, it is
 * analysed within the transaction by tthc.analyze_dossier_source()
 * (sql/032: the owner's rights, which the loader role lacks; a sample of
 * each partition, a fraction of a second whatever the table's size). */
static pgu_result analyze_if_grown(PGconn *conn, long long inserted)
{
  PGresult *res;
  double tuples;

  if (inserted < 10000)
    return PGU_OK;
  res = pgu_exec(conn, "SELECT reltuples FROM pg_class WHERE oid = 'tthc.dossier_source'::regclass",
                 0, NULL, PGRES_TUPLES_OK);
  if (!res)
    return PGU_SQL;
  tuples = PQntuples(res) == 1 ? strtod(PQgetvalue(res, 0, 0), NULL) : 0;
  PQclear(res);
  if (tuples > 0 && (double)inserted < tuples / 5)
    return PGU_OK;
  return pgu_command(conn, "SELECT tthc.analyze_dossier_source()", 0, NULL);
}

/* Whether the run's records are likely all new and distinct, so that a
 * COPY straight into dossier_source gives what staging would: no stored
 * record in the run's communes (a record's commune is its window's: the
 * transform quarantines any other), no window that landed a code twice
 * and no source kind and commune in two windows. A wrong guess only costs
 * the attempt: the primary key refuses it and the run is staged. */
static pgu_result direct_likely(PGconn *conn, const char *windows, int *likely)
{
  const char *params[] = { windows };
  PGresult *res = pgu_exec(
    conn,
    "WITH w AS (SELECT * FROM jsonb_to_recordset($1::jsonb)"
    "             AS w(kind text, commune text, records bigint, \"distinct\" bigint))"
    " SELECT NOT EXISTS (SELECT 1 FROM tthc.dossier_source s"
    "                     WHERE s.unit_code IN (SELECT commune FROM w))"
    "    AND NOT EXISTS (SELECT 1 FROM w WHERE coalesce(\"distinct\", -1) < coalesce(records, 0))"
    "    AND NOT EXISTS (SELECT 1 FROM w GROUP BY kind, commune HAVING count(*) > 1)",
    1, params, PGRES_TUPLES_OK);

  *likely = 0;
  if (!res)
    return PGU_SQL;
  *likely = PQntuples(res) == 1 && !strcmp(PQgetvalue(res, 0, 0), "t");
  PQclear(res);
  return PGU_OK;
}

/* A tab, then s in COPY text (text_copy_escape): a column appended to a line. */
static char *copy_column(const char *s)
{
  struct dynbuf b;

  dynbuf_init(&b, 1 << 16);
  if (dynbuf_addc(&b, '\t') != DYNBUF_OK || text_copy_escape(&b, s) != DYNBUF_OK) {
    dynbuf_release(&b);
    return NULL;
  }
  return dynbuf_detach(&b);
}

/* A first load: every record is a plain insert, so staging (COPY into a
 * temporary table, ANALYZE, picking the newest versions, INSERT ... SELECT:
 * 40 % of a 100k-record first load) would write the same rows as a COPY
 * straight into dossier_source. The file lacks dossier_code (the record's
 * source_code, as the staged INSERT sets it) and run_id: each line gets
 * them appended. Under a savepoint: a key already stored or repeated in
 * the file (the guess was wrong) rolls back to it, *done = 0, and the
 * caller stages the run; any other error fails the load. */
static pgu_result copy_direct(PGconn *conn, const char *path, const char *run_id,
                              struct load_counts *c, int *done)
{
  pgu_result result;
  char *copy_sql = NULL, *suffix = NULL;

  *done = 0;
  result = PGU_NOMEM;
  if (asprintf(&copy_sql, "COPY tthc.dossier_source (%s, dossier_code, run_id) FROM STDIN",
               dossier_copy_columns()) < 0) {
    copy_sql = NULL;
    goto out;
  }
  if (!(suffix = copy_column(run_id)))
    goto out;
  result = pgu_command(conn, "SAVEPOINT direct_copy", 0, NULL);
  if (result)
    goto out;
  result = pgu_copy_file_extended(conn, copy_sql, path, DF_source_code, suffix, &c->read);
  if (result == PGU_UNIQUE) {
    log_info("run %s: a record's key is stored already or repeats in the run; staging the "
             "records instead of copying them straight into tthc.dossier_source",
             run_id);
    c->read = 0;
    result = pgu_command(conn, "ROLLBACK TO SAVEPOINT direct_copy", 0, NULL);
    goto out;
  }
  if (result == PGU_OK)
    result = pgu_command(conn, "RELEASE SAVEPOINT direct_copy", 0, NULL);
  if (result)
    goto out;
  log_info("run %s: %lld records copied straight into tthc.dossier_source (none stored before)",
           run_id, c->read);
  c->inserted = c->read;
  c->direct = 1;
  *done = 1;
out:
  free(copy_sql);
  free(suffix);
  return result;
}

/* COPY into staging, then the upsert into dossier_source. */
static pgu_result copy_staged(PGconn *conn, const char *path, struct load_counts *c,
                              const char *run_id)
{
  pgu_result result;
  char *copy_sql = NULL, *upsert = NULL;
  PGresult *res = NULL;
  const char *params[] = { run_id };

  result = pgu_command(conn,
                       "CREATE TEMP TABLE stage_source ON COMMIT DROP AS "
                       "SELECT * FROM tthc.dossier_source WITH NO DATA",
                       0, NULL);
  if (result)
    goto out;
  result = PGU_NOMEM;
  if (asprintf(&copy_sql, "COPY stage_source (%s) FROM STDIN", dossier_copy_columns()) < 0) {
    copy_sql = NULL;
    goto out;
  }
  if (!(upsert = build_upsert_sql()))
    goto out;
  result = pgu_copy_file(conn, copy_sql, path, &c->read);
  if (result)
    goto out;
  /* Temporary tables are never analysed by autovacuum: without this the
   * planner takes a million staged rows for a few hundred. The row count
   * and the key columns are what the plans need (all columns took 0.8 s
   * per 100k rows). */
  result = pgu_command(conn,
                       "ANALYZE stage_source (unit_code, source_kind, source_code,"
                       " source_updated_at, record_hash)",
                       0, NULL);
  if (result)
    goto out;
  result = pgu_command(conn, pick_sql, 0, NULL);
  if (result)
    goto out;
  res = pgu_exec(conn, upsert, 1, params, PGRES_TUPLES_OK);
  if (!res) {
    result = PGU_SQL;
    goto out;
  }
  c->inserted = ll_value(res, 0, 0);
  c->updated = ll_value(res, 0, 1);
out:
  PQclear(res);
  free(copy_sql);
  free(upsert);
  return result;
}

/* TTHC_LOAD_STAGED=1 always stages (tests compare both paths). */
static int staged_forced(void)
{
  const char *v = getenv("TTHC_LOAD_STAGED");
  return v && *v && strcmp(v, "0");
}

static pgu_result copy_records(PGconn *conn, const char *canon_dir, const char *windows,
                               struct load_counts *c, const char *run_id)
{
  pgu_result result;
  char *path = NULL;
  int likely = 0, done = 0;

  /* The load's statements sort and hash the whole run (dedupe, link,
   * merge); with the default 4 MB each spilled a 100k-record run to
   * temporary files, and with 64 MB a 1M-record run still spilled its
   * hash aggregates and sorts (the time per record grew by a third). One
   * load runs at a time (the lock), so it may have this much for the rest
   * of its transaction. JIT compiles each large statement of a load once
   * (0.4-0.8 s apiece at 1M records) and pays back nothing: the
   * statements are writes, not long expression loops. */
  result = pgu_command(conn, "SET LOCAL work_mem = '256MB'", 0, NULL);
  if (result == PGU_OK)
    result = pgu_command(conn, "SET LOCAL jit = off", 0, NULL);
  if (result)
    goto out;
  /* The run's work tables are temporary tables, held in temp_buffers
   * (8 MB by default: a 1M-record staging table went to disk and back
   * several times). It can only be set before the session's first
   * temporary table, and to the same value later, which every run does. */
  result = pgu_command(conn, "SET temp_buffers = '256MB'", 0, NULL);
  if (result)
    goto out;
  if (asprintf(&path, "%s/dossier_source.copy", canon_dir) < 0) {
    path = NULL;
    result = PGU_NOMEM;
    goto out;
  }
  if (!staged_forced()) {
    result = direct_likely(conn, windows, &likely);
    if (result)
      goto out;
  }
  if (likely) {
    result = copy_direct(conn, path, run_id, c, &done);
    if (result)
      goto out;
  }
  if (!done) {
    log_info("run %s: staging the records", run_id);
    result = copy_staged(conn, path, c, run_id);
    if (result)
      goto out;
  }
  c->unchanged = c->read - c->inserted - c->updated;
  result = analyze_if_grown(conn, c->inserted);
out:
  free(path);
  return result;
}

static pgu_result copy_rejects(PGconn *conn, const char *canon_dir, struct load_counts *c,
                               const char *run_id)
{
  pgu_result result;
  char *path = NULL;
  const char *params[] = { run_id };

  result = pgu_command(
    conn,
    "CREATE TEMP TABLE stage_reject (source_name text, source_kind text, unit_code text,"
    " location text, field text, reason text, raw text) ON COMMIT DROP",
    0, NULL);
  if (result)
    return result;
  if (asprintf(&path, "%s/rejected.copy", canon_dir) < 0)
    return PGU_NOMEM;
  result = pgu_copy_file(conn, "COPY stage_reject FROM STDIN", path, &c->rejected);
  if (result == PGU_OK)
    result =
      pgu_command(conn,
                  "INSERT INTO tthc.rejected_record (run_id, source_name, source_kind, unit_code,"
                  "  location, field, reason, raw)"
                  " SELECT $1, source_name, source_kind, unit_code, location, field, reason, raw"
                  "   FROM stage_reject ON CONFLICT DO NOTHING",
                  1, params);
  free(path);
  return result;
}

/* The windows of the run with the transform's counts (canonical/
 * windows.json), or, for a run transformed before reconciliation, the
 * extraction's (EXTRACTED). Returns the JSON array text in *out. */
static pgu_result read_windows(const char *state_dir, const char *run_id, struct dynbuf *out)
{
  char *path = rundir_path(state_dir, run_id, "canonical/windows.json");
  pgu_result result = PGU_OK;
  fs_result fr;

  if (!path)
    return PGU_NOMEM;
  fr = fs_read_file(path, out);
  if (fr == FS_NOENT) {
    cJSON *doc;
    char *text = NULL;
    free(path);
    if (!(path = rundir_path(state_dir, run_id, RUN_MARK_EXTRACTED)))
      return PGU_NOMEM;
    log_warn("run %s was transformed without per-window counts; the load reconciles what it can",
             run_id);
    dynbuf_reset(out);
    fr = fs_read_file(path, out);
    doc = fr == FS_OK ? cJSON_Parse(dynbuf_ptr(out)) : NULL;
    text = doc ? cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(doc, "windows")) : NULL;
    dynbuf_reset(out);
    if (!text || dynbuf_addstr(out, text))
      fr = fr == FS_OK ? FS_IO : fr;
    free(text);
    cJSON_Delete(doc);
  }
  if (fr != FS_OK) {
    log_report(LOG_ERROR, fs_strerror(fr), NULL, "could not read the windows of run %s (\"%s\")",
               run_id, path);
    result = PGU_IO;
  }
  free(path);
  return result;
}

/* One row per window in tthc.run_window: the stages' counts and the
 * applied ones (the records staged from the window's pages). A window the
 * transform passed whose staged count differs becomes a mismatch. */
#define WINDOW_SQL(staged_rows) \
  "WITH staged AS (" \
  "  SELECT split_part(source_location, '/', 3) AS source_name," \
  "         split_part(source_location, '/', 4) AS unit_code, count(*) AS n" \
  "    FROM " staged_rows " GROUP BY 1, 2" \
  "), w AS (" \
  "  SELECT w.*, coalesce(a.n, 0) AS applied," \
  "         w.status = 'ok' AND coalesce(a.n, 0) <> w.accepted AS by_load" \
  "    FROM jsonb_to_recordset($2::jsonb) AS w(source text, kind text, commune text," \
  "         \"from\" text, until text, announced bigint, passes integer, pages bigint," \
  "         records bigint, \"distinct\" bigint, retries bigint, read bigint, accepted bigint," \
  "         quarantined bigint, complete boolean, status text, problem text)" \
  "    LEFT JOIN staged a ON a.source_name = w.source AND a.unit_code = w.commune" \
  "), v AS (" \
  "  SELECT w.*, CASE WHEN NOT w.complete THEN 'incomplete'" \
  "                   WHEN w.status = 'mismatch' OR by_load THEN 'mismatch' ELSE 'ok' END AS st," \
  "         CASE WHEN by_load THEN format('the transform accepted %s records; the load staged %s'," \
  "                                       w.accepted, w.applied)" \
  "              ELSE w.problem END AS why" \
  "    FROM w" \
  "), ins AS (" \
  "  INSERT INTO tthc.run_window (run_id, source_name, source_kind, unit_code, window_from," \
  "    window_until, announced, passes, pages, landed, distinct_codes, retries, read, accepted," \
  "    quarantined, applied, status, problem)" \
  "  SELECT $1, source, kind, commune, \"from\"::timestamptz, until::timestamptz, announced," \
  "         coalesce(passes, 1), pages, records, coalesce(\"distinct\", 0), retries, read," \
  "         accepted, quarantined, applied, st, why FROM v" \
  ") SELECT source, commune, \"from\", st, why, by_load FROM v"

/* Staged: the staging table. Copied straight: the run's rows, which are
 * then exactly the file's (no key of it was stored, none repeated). */
static const char window_sql_staged[] = WINDOW_SQL("stage_source");
static const char window_sql_direct[] = WINDOW_SQL("tthc.dossier_source WHERE run_id = $1");

/* Records the windows; holds the watermark of each the load found wrong. */
static pgu_result record_windows(PGconn *conn, const char *state_dir, const char *run_id,
                                 const char *windows, struct load_counts *c)
{
  const char *params[] = { run_id, windows };
  PGresult *res = pgu_exec(conn, c->direct ? window_sql_direct : window_sql_staged, 2, params,
                           PGRES_TUPLES_OK);

  if (!res)
    return PGU_SQL;
  for (int i = 0; i < PQntuples(res); i++) {
    const char *source = PQgetvalue(res, i, 0), *commune = PQgetvalue(res, i, 1);
    tthc_time from;

    if (strcmp(PQgetvalue(res, i, 3), "ok"))
      c->windows_not_ok++;
    if (strcmp(PQgetvalue(res, i, 3), "mismatch"))
      continue;
    c->windows_mismatch++;
    if (strcmp(PQgetvalue(res, i, 5), "t"))
      continue; /* the transform found it, and held it */
    log_report(LOG_ERROR, PQgetvalue(res, i, 4),
               "The window's watermark is moved back so the next run reads it again; what is "
               "loaded stays.",
               "run %s: source %s, commune %s: the load disagrees with the transform", run_id,
               source, commune);
    if (time_parse_iso(PQgetvalue(res, i, 2), &from) != TIME_OK ||
        watermark_hold(state_dir, source, commune, from))
      log_error("run %s: source %s, commune %s: could not hold the watermark", run_id, source,
                commune);
  }
  PQclear(res);
  return PGU_OK;
}

/* The run row and, in the same transaction, the windows it covered. */
static pgu_result record_run(PGconn *conn, const char *state_dir, const char *run_id,
                             const char *windows, struct load_counts *c)
{
  pgu_result result = PGU_OK;
  char n[5][24];

  snprintf(n[0], sizeof(n[0]), "%lld", c->read);
  snprintf(n[1], sizeof(n[1]), "%lld", c->inserted);
  snprintf(n[2], sizeof(n[2]), "%lld", c->updated);
  snprintf(n[3], sizeof(n[3]), "%lld", c->unchanged);
  snprintf(n[4], sizeof(n[4]), "%lld", c->rejected);
  {
    const char *params[] = { run_id, windows, n[0], n[1], n[2], n[3], n[4] };
    result = pgu_command(conn,
                         "INSERT INTO tthc.load_run (run_id, sources, records_read, records_new,"
                         "  records_updated, records_unchanged, records_rejected, outcome)"
                         " VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, 'ok')",
                         7, params);
    if (result)
      goto out;
    result = record_windows(conn, state_dir, run_id, windows, c);
    if (result)
      goto out;
    /* Only reconciled windows move the warehouse's watermark; a backfill
     * never moves it backwards. */
    result = pgu_command(
      conn,
      "INSERT INTO tthc.source_watermark AS w (source_name, unit_code, covered_until, run_id)"
      " SELECT source_name, unit_code, window_until, $1 FROM tthc.run_window"
      "  WHERE run_id = $1 AND status = 'ok'"
      " ON CONFLICT (unit_code, source_name) DO UPDATE"
      "   SET covered_until = EXCLUDED.covered_until, run_id = EXCLUDED.run_id"
      "   WHERE EXCLUDED.covered_until > w.covered_until",
      1, params);
    if (result)
      goto out;
    result = pgu_command(conn,
                         "UPDATE tthc.load_run SET outcome = 'partial' WHERE run_id = $1"
                         "   AND EXISTS (SELECT 1 FROM tthc.run_window"
                         "                WHERE run_id = $1 AND status <> 'ok')",
                         1, params);
  }
out:
  return result;
}

/* The run's fingerprint: the SHA-256 of its EXTRACTED summary, which holds
 * the run id, the extraction's random nonce and every window. */
static pgu_result run_fingerprint(const char *state_dir, const char *run_id, char out[65])
{
  char *path = rundir_path(state_dir, run_id, RUN_MARK_EXTRACTED);
  pgu_result result = PGU_OK;
  struct dynbuf summary;
  fs_result fr;

  if (!path)
    return PGU_NOMEM;
  dynbuf_init(&summary, SUMMARY_MAX);
  fr = fs_read_file(path, &summary);
  if (fr == FS_OK) {
    if (sha256_hex(dynbuf_ptr(&summary), dynbuf_len(&summary), out) != 0) {
      log_report(LOG_ERROR, "out of memory", NULL, "could not fingerprint run %s", run_id);
      result = PGU_NOMEM;
    }
  } else {
    log_report(LOG_ERROR, fs_strerror(fr), NULL, "could not read the summary of run %s (\"%s\")",
               run_id, path);
    result = PGU_IO;
  }
  dynbuf_release(&summary);
  free(path);
  return result;
}

/* Another extraction holds this run's id in the warehouse: this run's
 * windows are moved back so the next extraction reads them again, under a
 * new id; nothing of them is lost while the run stays unloaded. */
static void hold_run_windows(const char *state_dir, const char *run_id)
{
  char *path = rundir_path(state_dir, run_id, RUN_MARK_EXTRACTED);
  struct dynbuf summary;
  cJSON *doc = NULL, *w;

  dynbuf_init(&summary, SUMMARY_MAX);
  if (path && fs_read_file(path, &summary) == FS_OK)
    doc = cJSON_Parse(dynbuf_ptr(&summary));
  cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(doc, "windows"))
  {
    const char *source = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "source"));
    const char *commune = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "commune"));
    const char *from = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "from"));
    tthc_time t;

    if (!source || !commune || !from || time_parse_iso(from, &t) != TIME_OK ||
        watermark_hold(state_dir, source, commune, t))
      log_error("run %s: could not hold the watermark of a window (source %s, commune %s)", run_id,
                source ? source : "?", commune ? commune : "?");
  }
  cJSON_Delete(doc);
  dynbuf_release(&summary);
  free(path);
}

/* Whether the warehouse already has this run: *loaded = 1 when it has this
 * very extraction (same fingerprint). A run id it holds for another
 * extraction is PGU_CONFLICT, never "already loaded": that took a second
 * state directory's run for the first one's and lost its records. */
static pgu_result check_loaded(PGconn *conn, const char *state_dir, const char *run_id,
                               const char *fp, int *loaded)
{
  const char *params[] = { run_id };
  PGresult *res = pgu_exec(conn, "SELECT fingerprint FROM tthc.load_run WHERE run_id = $1", 1,
                           params, PGRES_TUPLES_OK);
  pgu_result result = PGU_OK;
  char detail[400];

  *loaded = 0;
  if (!res)
    return PGU_SQL;
  if (PQntuples(res) == 0)
    goto out;
  if (PQgetisnull(res, 0, 0)) {
    log_warn("run %s is already loaded (before runs had fingerprints, so it cannot be told "
             "from another extraction with the same id); nothing to do",
             run_id);
    *loaded = 1;
  } else if (!strcmp(PQgetvalue(res, 0, 0), fp)) {
    log_info("run %s is already loaded; nothing to do", run_id);
    *loaded = 1;
  } else {
    snprintf(detail, sizeof(detail),
             "The warehouse's run %s has fingerprint %.16s, the one in %s/runs has %.16s: two "
             "extractions (state directories) chose the same run id.",
             run_id, PQgetvalue(res, 0, 0), state_dir, fp);
    hold_run_windows(state_dir, run_id);
    log_report(LOG_ERROR, detail,
               "Its windows' watermarks were moved back. Move the run directory out of runs/, "
               "then run tthc-extract, tthc-transform and tthc-load: the windows are read again "
               "under a new run id.",
               "run %s was already loaded from a different extraction; not loading this one",
               run_id);
    result = PGU_CONFLICT;
  }
out:
  PQclear(res);
  return result;
}

pgu_result loader_load_run(PGconn *conn, const char *state_dir, const char *run_id,
                           struct load_counts *c)
{
  pgu_result result;
  PGresult *res = NULL;
  char *canon_dir = NULL, *mark = NULL;
  const char *params[] = { run_id };
  struct dynbuf windows;
  char fp[65];

  memset(c, 0, sizeof(*c));
  dynbuf_init(&windows, SUMMARY_MAX);
  if (!rundir_has(state_dir, run_id, RUN_MARK_TRANSFORMED)) {
    log_report(LOG_ERROR, NULL, "Run tthc-transform on it first.",
               "run %s has not been transformed", run_id);
    return PGU_IO;
  }
  result = run_fingerprint(state_dir, run_id, fp);
  if (result)
    return result;
  canon_dir = rundir_path(state_dir, run_id, "canonical");
  mark = rundir_path(state_dir, run_id, RUN_MARK_LOADED);
  if (!canon_dir || !mark) {
    result = PGU_NOMEM;
    goto out;
  }

  result = pgu_command(conn, "BEGIN", 0, NULL);
  if (result)
    goto out;
  result = take_lock(conn);
  if (result)
    goto rollback;
  result = check_loaded(conn, state_dir, run_id, fp, &c->already_loaded);
  if (result)
    goto rollback;
  if (c->already_loaded) {
    /* A load killed between its COMMIT and the marker: the warehouse has
     * the run, so write the marker now, or every later tthc-load would
     * pick this run again and never reach the next one. */
    (void)pgu_command(conn, "ROLLBACK", 0, NULL); /* nothing was written */
    if (fs_write_atomic(mark, "", 0) != FS_OK)
      log_warn("could not write \"%s\"; the run is loaded all the same", mark);
    goto out;
  }
  result = read_windows(state_dir, run_id, &windows);
  if (result)
    goto rollback;
  result = copy_records(conn, canon_dir, dynbuf_ptr(&windows), c, run_id);
  if (result)
    goto rollback;
  res = pgu_exec(conn, "SELECT tthc.merge_dossiers($1)", 1, params, PGRES_TUPLES_OK);
  if (!res) {
    result = PGU_SQL;
    goto rollback;
  }
  c->merged = ll_value(res, 0, 0);
  result = copy_rejects(conn, canon_dir, c, run_id);
  if (result)
    goto rollback;
  result = record_run(conn, state_dir, run_id, dynbuf_ptr(&windows), c);
  if (result)
    goto rollback;
  {
    const char *fp_params[] = { run_id, fp };
    result = pgu_command(conn, "UPDATE tthc.load_run SET fingerprint = $2 WHERE run_id = $1", 2,
                         fp_params);
  }
  if (result)
    goto rollback;
  result = pgu_command(conn, "COMMIT", 0, NULL);
  if (result)
    goto out;
  /* The warehouse is the truth; the marker only saves a later look-up. */
  if (fs_write_atomic(mark, "", 0) != FS_OK)
    log_warn("could not write \"%s\"; the run is loaded all the same", mark);
  goto out;

rollback:
  (void)pgu_command(conn, "ROLLBACK", 0, NULL);
out:
  PQclear(res);
  dynbuf_release(&windows);
  free(canon_dir);
  free(mark);
  return result;
}

pgu_result loader_print_windows(PGconn *conn, const char *run_id, FILE *out)
{
  const char *params[] = { run_id };
  PGresult *res = pgu_exec(
    conn,
    "SELECT source_name, unit_code, coalesce(announced::text, '-'), landed, distinct_codes,"
    "       coalesce(read::text, '-'), coalesce(accepted::text, '-'),"
    "       coalesce(quarantined::text, '-'), applied, passes, retries, status"
    "  FROM tthc.run_window WHERE run_id = $1 ORDER BY source_name, unit_code",
    1, params, PGRES_TUPLES_OK);

  if (!res)
    return PGU_SQL;
  fprintf(out, "%-12s %-7s %9s %9s %9s %9s %9s %9s %9s %6s %7s %s\n", "source", "commune",
          "announced", "landed", "distinct", "read", "accepted", "quarant.", "applied", "passes",
          "retries", "status");
  for (int i = 0; i < PQntuples(res); i++)
    fprintf(out, "%-12s %-7s %9s %9s %9s %9s %9s %9s %9s %6s %7s %s\n", PQgetvalue(res, i, 0),
            PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
            PQgetvalue(res, i, 4), PQgetvalue(res, i, 5), PQgetvalue(res, i, 6),
            PQgetvalue(res, i, 7), PQgetvalue(res, i, 8), PQgetvalue(res, i, 9),
            PQgetvalue(res, i, 10), PQgetvalue(res, i, 11));
  PQclear(res);
  return PGU_OK;
}
