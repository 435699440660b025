#include "loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier_schema.h"
#include "dynbuf.h"
#include "fsutil.h"
#include "log.h"
#include "rundir.h"
#include "timeutil.h"
#include "watermark.h"

#include <cJSON.h>

/* Serialises loads: a second tthc-load waits for the first to commit. */
#define LOAD_LOCK_KEY "7325002"
#define SUMMARY_MAX   (16u << 20)

/* Upsert from staging; newest update (then greatest hash) wins, within the
 * run and against the warehouse. Reports inserted and updated rows. */
static const char upsert_fmt[] =
  "WITH incoming AS ("
  "  SELECT DISTINCT ON (unit_code, source_kind, source_code) *"
  "    FROM stage_source"
  "   ORDER BY unit_code, source_kind, source_code,"
  "            source_updated_at DESC, record_hash DESC"
  "), up AS ("
  "  INSERT INTO tthc.dossier_source AS t (%s, dossier_code, run_id)"
  "  SELECT %s, source_code, $1 FROM incoming"
  "  ON CONFLICT (unit_code, source_kind, source_code) DO UPDATE SET %s, run_id = EXCLUDED.run_id"
  "   WHERE (EXCLUDED.source_updated_at, EXCLUDED.record_hash)"
  "       > (t.source_updated_at, t.record_hash)"
  "  RETURNING (xmax = 0) AS inserted"
  ") SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up";

static char *build_upsert_sql(void)
{
  struct dynbuf set;
  char *sql = NULL;
  const char *cols = dossier_copy_columns();

  dynbuf_init(&set, 1 << 16);
  for (int i = 0; i < DF__COUNT; i++)
    if (dynbuf_printf(&set, "%s%s = EXCLUDED.%s", i ? ", " : "", dossier_fields[i].name,
                      dossier_fields[i].name))
      goto out;
  if (asprintf(&sql, upsert_fmt, cols, cols, dynbuf_ptr(&set)) < 0)
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

static pgu_result copy_records(PGconn *conn, const char *canon_dir, struct load_counts *c,
                               const char *run_id)
{
  pgu_result result;
  char *path = NULL, *copy_sql = NULL, *upsert = NULL;
  PGresult *res = NULL;
  const char *params[] = { run_id };

  result = pgu_command(conn,
                       "CREATE TEMP TABLE stage_source ON COMMIT DROP AS "
                       "SELECT * FROM tthc.dossier_source WITH NO DATA",
                       0, NULL);
  if (result)
    goto out;
  result = PGU_NOMEM;
  if (asprintf(&path, "%s/dossier_source.copy", canon_dir) < 0 ||
      asprintf(&copy_sql, "COPY stage_source (%s) FROM STDIN", dossier_copy_columns()) < 0 ||
      !(upsert = build_upsert_sql()))
    goto out;
  result = pgu_copy_file(conn, copy_sql, path, &c->read);
  if (result)
    goto out;
  res = pgu_exec(conn, upsert, 1, params, PGRES_TUPLES_OK);
  if (!res) {
    result = PGU_SQL;
    goto out;
  }
  c->inserted = ll_value(res, 0, 0);
  c->updated = ll_value(res, 0, 1);
  c->unchanged = c->read - c->inserted - c->updated;
out:
  PQclear(res);
  free(path);
  free(copy_sql);
  free(upsert);
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
static const char window_sql[] =
  "WITH staged AS ("
  "  SELECT split_part(source_location, '/', 3) AS source_name,"
  "         split_part(source_location, '/', 4) AS unit_code, count(*) AS n"
  "    FROM stage_source GROUP BY 1, 2"
  "), w AS ("
  "  SELECT w.*, coalesce(a.n, 0) AS applied,"
  "         w.status = 'ok' AND coalesce(a.n, 0) <> w.accepted AS by_load"
  "    FROM jsonb_to_recordset($2::jsonb) AS w(source text, kind text, commune text,"
  "         \"from\" text, until text, announced bigint, passes integer, pages bigint,"
  "         records bigint, \"distinct\" bigint, retries bigint, read bigint, accepted bigint,"
  "         quarantined bigint, complete boolean, status text, problem text)"
  "    LEFT JOIN staged a ON a.source_name = w.source AND a.unit_code = w.commune"
  "), v AS ("
  "  SELECT w.*, CASE WHEN NOT w.complete THEN 'incomplete'"
  "                   WHEN w.status = 'mismatch' OR by_load THEN 'mismatch' ELSE 'ok' END AS st,"
  "         CASE WHEN by_load THEN format('the transform accepted %s records; the load staged %s',"
  "                                       w.accepted, w.applied)"
  "              ELSE w.problem END AS why"
  "    FROM w"
  "), ins AS ("
  "  INSERT INTO tthc.run_window (run_id, source_name, source_kind, unit_code, window_from,"
  "    window_until, announced, passes, pages, landed, distinct_codes, retries, read, accepted,"
  "    quarantined, applied, status, problem)"
  "  SELECT $1, source, kind, commune, \"from\"::timestamptz, until::timestamptz, announced,"
  "         coalesce(passes, 1), pages, records, coalesce(\"distinct\", 0), retries, read,"
  "         accepted, quarantined, applied, st, why FROM v"
  ") SELECT source, commune, \"from\", st, why, by_load FROM v";

/* Records the windows; holds the watermark of each the load found wrong. */
static pgu_result record_windows(PGconn *conn, const char *state_dir, const char *run_id,
                                 const char *windows, struct load_counts *c)
{
  const char *params[] = { run_id, windows };
  PGresult *res = pgu_exec(conn, window_sql, 2, params, PGRES_TUPLES_OK);

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
                             struct load_counts *c)
{
  pgu_result result = PGU_OK;
  struct dynbuf windows;
  char n[5][24];

  dynbuf_init(&windows, SUMMARY_MAX);
  result = read_windows(state_dir, run_id, &windows);
  if (result)
    goto out;
  snprintf(n[0], sizeof(n[0]), "%lld", c->read);
  snprintf(n[1], sizeof(n[1]), "%lld", c->inserted);
  snprintf(n[2], sizeof(n[2]), "%lld", c->updated);
  snprintf(n[3], sizeof(n[3]), "%lld", c->unchanged);
  snprintf(n[4], sizeof(n[4]), "%lld", c->rejected);
  {
    const char *params[] = { run_id, dynbuf_ptr(&windows), n[0], n[1], n[2], n[3], n[4] };
    result = pgu_command(conn,
                         "INSERT INTO tthc.load_run (run_id, sources, records_read, records_new,"
                         "  records_updated, records_unchanged, records_rejected, outcome)"
                         " VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, 'ok')",
                         7, params);
    if (result)
      goto out;
    result = record_windows(conn, state_dir, run_id, dynbuf_ptr(&windows), c);
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
  dynbuf_release(&windows);
  return result;
}

pgu_result loader_load_run(PGconn *conn, const char *state_dir, const char *run_id,
                           struct load_counts *c)
{
  pgu_result result;
  PGresult *res = NULL;
  char *canon_dir = NULL, *mark = NULL;
  const char *params[] = { run_id };

  memset(c, 0, sizeof(*c));
  if (!rundir_has(state_dir, run_id, RUN_MARK_TRANSFORMED)) {
    log_report(LOG_ERROR, NULL, "Run tthc-transform on it first.",
               "run %s has not been transformed", run_id);
    return PGU_IO;
  }
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
  res = pgu_exec(conn, "SELECT 1 FROM tthc.load_run WHERE run_id = $1", 1, params, PGRES_TUPLES_OK);
  if (!res) {
    result = PGU_SQL;
    goto rollback;
  }
  if (PQntuples(res) > 0) {
    log_info("run %s is already loaded; nothing to do", run_id);
    c->already_loaded = 1;
    goto rollback; /* nothing was written: same as commit */
  }
  result = copy_records(conn, canon_dir, c, run_id);
  if (result)
    goto rollback;
  PQclear(res);
  res = pgu_exec(conn, "SELECT tthc.merge_dossiers($1)", 1, params, PGRES_TUPLES_OK);
  if (!res) {
    result = PGU_SQL;
    goto rollback;
  }
  c->merged = ll_value(res, 0, 0);
  result = copy_rejects(conn, canon_dir, c, run_id);
  if (result)
    goto rollback;
  result = record_run(conn, state_dir, run_id, c);
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
