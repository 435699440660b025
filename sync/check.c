/*
 * check.c — tthc-sync --check (check.h).
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "http.h"
#include "load_logged.h"
#include "migrations.h"
#include "pgutil.h"
#include "probe.h"

struct checker {
  FILE *out;
  int failed;
};

__attribute__((format(printf, 3, 4))) static void pass(struct checker *c, const char *what,
                                                        const char *fmt, ...)
{
  va_list ap;

  fprintf(c->out, "%s: ok", what);
  if (fmt && *fmt) {
    fputs(" (", c->out);
    va_start(ap, fmt);
    vfprintf(c->out, fmt, ap);
    va_end(ap);
    fputc(')', c->out);
  }
  fputc('\n', c->out);
}

__attribute__((format(printf, 4, 5))) static void fail(struct checker *c, const char *what,
                                                        const char *hint, const char *fmt, ...)
{
  va_list ap;
  char why[1024];

  va_start(ap, fmt);
  vsnprintf(why, sizeof(why), fmt, ap);
  va_end(ap);
  /* one line per check, whatever the reason holds */
  for (char *p = why; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
  fprintf(c->out, "%s: FAILED: %s", what, why);
  if (hint && *hint)
    fprintf(c->out, "; hint: %s", hint);
  fputc('\n', c->out);
  c->failed++;
}

/* A directory a run writes into: there and writable, or creatable. */
static void check_dir(struct checker *c, const char *what, const char *dir, const char *hint)
{
  struct stat st;
  char *copy, *parent;

  if (stat(dir, &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      fail(c, what, hint, "\"%s\" is not a directory", dir);
    else if (access(dir, W_OK | X_OK) != 0)
      fail(c, what, hint, "\"%s\" is not writable by this user: %s", dir, strerror(errno));
    else
      pass(c, what, "%s", dir);
    return;
  }
  if (errno != ENOENT) {
    fail(c, what, hint, "\"%s\": %s", dir, strerror(errno));
    return;
  }
  copy = strdup(dir);
  parent = copy ? dirname(copy) : NULL;
  /* the first run creates it: its nearest existing parent must let it */
  while (parent && stat(parent, &st) != 0 && strcmp(parent, "/") != 0)
    parent = dirname(parent);
  if (parent && access(parent, W_OK | X_OK) == 0)
    pass(c, what, "%s, created by the first run", dir);
  else
    fail(c, what, hint, "\"%s\" does not exist and \"%s\" is not writable", dir,
         parent ? parent : "?");
  free(copy);
}

static int selected(const char *name, const char *const *only, size_t nonly)
{
  if (nonly == 0)
    return 1;
  for (size_t i = 0; i < nonly; i++)
    if (strcmp(only[i], name) == 0)
      return 1;
  return 0;
}

static void check_source(struct checker *c, const struct source_config *sc, int insecure)
{
  char what[128], why[700], hint[300], err[300];
  char *secret = NULL;
  struct source_config s = *sc;
  probe_result pr;

  snprintf(what, sizeof(what), "secret %s", sc->name);
  if (config_read_secret(sc->secret_file, sc->secret_env, &secret, err, sizeof(err)) != CONFIG_OK) {
    fail(c, what, "Set secret_file (readable by this user only: chmod 600) or secret_env.", "%s",
         err);
    return;
  }
  pass(c, what, "%s", sc->secret_file ? sc->secret_file : sc->secret_env);
  if (insecure)
    s.insecure = true;
  snprintf(what, sizeof(what), "source %s", sc->name);
  /* the secret read once, checked above, used by the probe, then zeroed */
  pr = source_probe(&s, secret, why, sizeof(why), hint, sizeof(hint));
  memset(secret, 0, strlen(secret));
  free(secret);
  if (pr == PROBE_OK)
    pass(c, what, "%s at %s: authenticated; one page of commune %s", source_kind_name(sc->kind),
         sc->base_url, sc->communes[0]);
  else
    fail(c, what, hint, "%s: %s", probe_strerror(pr), why);
}

/* Migrations embedded here and not recorded in the warehouse. */
static void check_schema(struct checker *c, PGconn *conn)
{
  const char *what = "warehouse schema";
  PGresult *res;
  size_t missing = 0;
  const char *first = NULL;

  switch (migrations_check(conn, "tthc-sync")) {
  case MIGRATIONS_OK: break;
  case MIGRATIONS_NEWER:
    fail(c, what, "Upgrade tthc-etl on this host to the version that migrated the warehouse.",
         "the warehouse is newer than this tthc-sync (see the message above)");
    return;
  case MIGRATIONS_SQL:
    fail(c, what, "Grant the loader role USAGE on schema tthc and SELECT on tthc.schema_migration "
                  "(deploy/roles.sql); every load and sync reads it.",
         "could not read tthc.schema_migration as role %s (see the message above)", PQuser(conn));
    return;
  }
  /* migrations_check() passes a database with no schema_migration at all */
  res = pgu_exec(conn, "SELECT to_regclass('tthc.schema_migration') IS NOT NULL", 0, NULL,
                 PGRES_TUPLES_OK);
  if (res && PQgetvalue(res, 0, 0)[0] != 't') {
    fail(c, what, "Create the schema: tthc-load --migrate with the owner's connection.",
         "no tthc.schema_migration: the schema was never created here");
    PQclear(res);
    return;
  }
  PQclear(res);
  res = pgu_exec(conn, "SELECT name FROM tthc.schema_migration", 0, NULL, PGRES_TUPLES_OK);
  if (!res) {
    fail(c, what, "Grant the loader role SELECT on tthc.schema_migration (deploy/roles.sql).",
         "could not read tthc.schema_migration as role %s (see the message above)", PQuser(conn));
    return;
  }
  for (size_t i = 0; i < tthc_migrations_count; i++) {
    int found = 0;
    for (int r = 0; r < PQntuples(res) && !found; r++)
      found = strcmp(PQgetvalue(res, r, 0), tthc_migrations[i].name) == 0;
    if (!found && !missing++)
      first = tthc_migrations[i].name;
  }
  if (missing)
    fail(c, what, "Run tthc-load --migrate with the owner's connection.",
         "%zu migration%s not applied (first %s)", missing, missing == 1 ? "" : "s", first);
  else
    pass(c, what, "%zu migrations, up to date", tthc_migrations_count);
  PQclear(res);
}

/* What a load does: use the schema, create temporary tables, read the
 * migrations' table (every load and sync checks the schema version), read
 * and write every other table, run the merge functions. (Each
 * privilege asked apart: has_table_privilege with a list is true when any
 * one of them is held.) */
static void check_privileges(struct checker *c, PGconn *conn)
{
  const char *what = "warehouse privileges";
  const char *hint = "Grant the loader role what deploy/roles.sql grants tthc_loader.";
  PGresult *res = pgu_exec(
    conn,
    "SELECT current_user,"
    "       has_schema_privilege('tthc', 'USAGE'),"
    "       has_database_privilege(current_database(), 'TEMPORARY'),"
    "       (SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_class c"
    "          JOIN pg_namespace n ON n.oid = c.relnamespace"
    "         WHERE n.nspname = 'tthc' AND c.relkind IN ('r', 'p')"
    "           AND c.relname <> 'schema_migration'"
    "           AND NOT (has_table_privilege(c.oid, 'SELECT') AND has_table_privilege(c.oid, 'INSERT')"
    "                AND has_table_privilege(c.oid, 'UPDATE') AND has_table_privilege(c.oid, 'DELETE'))),"
    "       (SELECT string_agg(DISTINCT p.proname, ', ') FROM pg_proc p"
    "          JOIN pg_namespace n ON n.oid = p.pronamespace"
    "         WHERE n.nspname = 'tthc' AND NOT has_function_privilege(p.oid, 'EXECUTE')),"
    "       EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    "                WHERE n.nspname = 'tthc' AND c.relname = 'schema_migration'"
    "                  AND NOT has_table_privilege(c.oid, 'SELECT'))",
    0, NULL, PGRES_TUPLES_OK);

  if (!res) {
    fail(c, what, hint, "could not read the privileges (see the message above)");
    return;
  }
  if (PQgetvalue(res, 0, 1)[0] != 't')
    fail(c, what, hint, "role %s may not use schema tthc", PQgetvalue(res, 0, 0));
  else if (PQgetvalue(res, 0, 2)[0] != 't')
    fail(c, what, hint, "role %s may not create temporary tables", PQgetvalue(res, 0, 0));
  else if (PQgetvalue(res, 0, 5)[0] == 't')
    fail(c, what, hint, "role %s may not read tthc.schema_migration", PQgetvalue(res, 0, 0));
  else if (!PQgetisnull(res, 0, 3))
    fail(c, what, hint, "role %s may not read and write table(s) %s", PQgetvalue(res, 0, 0),
         PQgetvalue(res, 0, 3));
  else if (!PQgetisnull(res, 0, 4))
    fail(c, what, hint, "role %s may not execute function(s) %s", PQgetvalue(res, 0, 0),
         PQgetvalue(res, 0, 4));
  else
    pass(c, what, "role %s can load", PQgetvalue(res, 0, 0));
  PQclear(res);
}

static void check_warehouse(struct checker *c, const struct tthc_config *cfg,
                            const char *config_path)
{
  PGconn *conn = loader_connect(cfg, config_path, "tthc-sync --check");

  if (!conn) {
    fail(c, "warehouse", "Check [warehouse] conninfo or conninfo_file, and that the server runs.",
         "could not connect (see the message above)");
    return;
  }
  pass(c, "warehouse", "database %s on %s as %s, server %d", PQdb(conn),
       PQhost(conn) && *PQhost(conn) ? PQhost(conn) : "local socket", PQuser(conn),
       PQserverVersion(conn));
  check_schema(c, conn);
  check_privileges(c, conn);
  PQfinish(conn);
}

sync_result sync_check(const char *config_path, const char *const *only, size_t nonly,
                       int insecure, FILE *out)
{
  struct checker c = { out, 0 };
  struct tthc_config cfg;
  char err[512];
  size_t communes = 0;

  config_init(&cfg);
  if (config_load(config_path, &cfg, err, sizeof(err)) != CONFIG_OK) {
    fail(&c, "config", "Fix the file; deploy/tthc.conf.example documents every key.", "%s", err);
    goto out;
  }
  for (size_t i = 0; i < cfg.nsources; i++)
    communes += cfg.sources[i].ncommunes;
  pass(&c, "config", "%s: %zu source%s, %zu windows", config_path, cfg.nsources,
       cfg.nsources == 1 ? "" : "s", communes);
  if (cfg.state_dir)
    check_dir(&c, "state directory", cfg.state_dir, "Check [state] dir and its owner.");
  else
    fail(&c, "state directory", "Set [state] dir in the configuration.", "none configured");
  if (cfg.metrics_file) {
    char *copy = strdup(cfg.metrics_file);
    if (copy)
      check_dir(&c, "metrics directory", dirname(copy), "Check [sync] metrics_file.");
    free(copy);
  }
  for (size_t i = 0; i < nonly; i++)
    if (!config_find_source(&cfg, only[i]))
      fail(&c, "source", "List the sources with their [source NAME] sections.",
           "no source named \"%s\" in %s", only[i], config_path);
  if (http_global_init() != 0) {
    fail(&c, "http", NULL, "libcurl could not be initialised");
    goto out;
  }
  for (size_t i = 0; i < cfg.nsources; i++)
    if (selected(cfg.sources[i].name, only, nonly))
      check_source(&c, &cfg.sources[i], insecure);
  http_global_cleanup();
  check_warehouse(&c, &cfg, config_path);
out:
  fprintf(out, "%s\n", c.failed ? "check FAILED" : "check ok: ready for a run");
  fflush(out);
  config_release(&cfg);
  return c.failed ? SYNC_CHECK_FAILED : SYNC_OK;
}
