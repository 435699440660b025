/*
 * tthc-load — writes a transformed run into the PostgreSQL warehouse.
 *
 *   tthc-load [-c FILE] [--run RUN]        load a run (default: every transformed run not loaded)
 *   tthc-load [-c FILE] --migrate          apply the schema migrations
 *   tthc-load [-c FILE] --units FILE.csv   load the official commune list
 *
 * The warehouse is [warehouse] conninfo (or conninfo_file) of the
 * configuration, else $TTHC_CONNINFO, else libpq's PG* environment; --migrate
 * uses [warehouse] owner_conninfo (or owner_conninfo_file, read only then)
 * when given, the role that owns schema tthc, so the loader's role never
 * needs DDL rights. --encrypt-password ROLE (hidden) prints a SCRAM
 * verifier for deploy/tthc-setup-db.sh.
 * A password written into a conninfo of the file itself is refused
 * (decisions.md). A warehouse with migrations this binary does not know is
 * refused, by a load as by --migrate (migrations_check).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "load_logged.h"
#include "log.h"
#include "migrations.h"
#include "pgutil.h"
#include "rundir.h"
#include "units.h"
#include "version.h"

static void usage(FILE *out)
{
  fprintf(out, "Usage: tthc-load [OPTION]...\n"
               "  or:  tthc-load [OPTION]... --migrate\n"
               "  or:  tthc-load [OPTION]... --units FILE.csv\n"
               "Load transformed runs into the PostgreSQL warehouse: by default every run of\n"
               "the state directory that is transformed and not yet loaded, oldest first.\n\n"
               "  -c, --config FILE      configuration (default $TTHC_CONFIG): [warehouse]\n"
               "                         conninfo, owner_conninfo for --migrate, [state] dir\n"
               "      --run RUN          load this run only (20260501T010203.123456Z-9f3a61c2)\n"
               "      --migrate          create or upgrade the schema as the owner\n"
               "                         ([warehouse] owner_conninfo, else conninfo), then exit\n"
               "                         unless --run or --units is given\n"
               "      --units FILE.csv   load communes and provinces (units-2025.csv format)\n"
               "      --log-format FMT   diagnostics as text (default) or json lines\n"
               "  -h, --help             display this help and exit\n"
               "      --version          output version information and exit\n\n"
               "Without a configuration the connection is $TTHC_CONNINFO, else libpq's PG*\n"
               "environment. Passwords come from ~/.pgpass or PGPASSFILE, never the command\n"
               "line.\n"
               "A warehouse migrated by a newer tthc-load is refused.\n\n"
               "Exit status:\n"
               " 0  loaded (or nothing waiting), migrated, units loaded\n"
               " 1  failure (nothing of the failing run is visible), or loaded but some\n"
               "    window's stages disagree (held; see tthc.run_window)\n"
               " 2  bad usage\n\n"
               "Examples:\n"
               "  tthc-load -c /etc/tthc/tthc.conf --migrate\n"
               "  tthc-load -c /etc/tthc/tthc.conf --units /usr/share/tthc-etl/units-2025.csv\n"
               "  tthc-load -c /etc/tthc/tthc.conf --run 20260501T010203.123456Z-9f3a61c2\n\n"
               "Full documentation: man tthc-load; deploy/README.md\n");
}

/* The schema owner's connection for --migrate: owner_conninfo_file, read
 * here and only here (the nightly programs never hold the owner's secret,
 * and a file only root or the DBA may read does not stop them); else
 * owner_conninfo (a password written into the configuration refused, as
 * for conninfo); else the loader's connection. */
static PGconn *owner_connect(const struct tthc_config *cfg, const char *config_path)
{
  char *conninfo = NULL, err[512];
  PGconn *conn = NULL;

  if (cfg->owner_conninfo_file) {
    if (config_read_secret(cfg->owner_conninfo_file, NULL, &conninfo, err, sizeof err) !=
        CONFIG_OK) {
      log_report(LOG_ERROR, err,
                 "--migrate connects as the schema owner: run it as a user that may read the "
                 "file (mode 0600, e.g. the DBA or root running deploy/tthc-setup-db.sh), or "
                 "set [warehouse] owner_conninfo with the password in ~/.pgpass.",
                 "cannot read [warehouse] owner_conninfo_file \"%s\" of \"%s\"",
                 cfg->owner_conninfo_file, config_path ? config_path : "(none)");
      goto out;
    }
    conn = pgu_connect(conninfo, "tthc-load");
    goto out;
  }
  if (!cfg->owner_conninfo) {
    conn = loader_connect(cfg, config_path, "tthc-load");
    goto out;
  }
  if (loader_refuse_inline_password(cfg->owner_conninfo, true, "owner_conninfo", config_path) == 0)
    conn = pgu_connect(cfg->owner_conninfo, "tthc-load");
out:
  if (conninfo) {
    explicit_bzero(conninfo, strlen(conninfo));
    free(conninfo);
  }
  return conn;
}

/* Longest password --encrypt-password takes (PostgreSQL has no limit; a
 * bound keeps the read simple). */
#define PASSWORD_MAX 1024

/* --encrypt-password ROLE (not in --help: deploy/tthc-setup-db.sh's
 * helper): reads ROLE's new password from stdin (a trailing newline is not
 * part of it) and prints the SCRAM-SHA-256 verifier for ALTER ROLE ...
 * PASSWORD, so the plaintext never reaches the server, where the statement
 * could be logged (log_statement, log_min_error_statement) or kept
 * (pg_stat_statements). libpq needs a connection for it: $TTHC_CONNINFO,
 * else the PG* environment (the script passes the DBA's). 0 printed. */
static int encrypt_password(const char *role)
{
  char pw[PASSWORD_MAX + 2];
  size_t len;
  char *verifier = NULL;
  PGconn *conn = NULL;
  int rc = 1;

  len = fread(pw, 1, sizeof pw - 1, stdin);
  if (ferror(stdin) || len > PASSWORD_MAX) {
    log_report(LOG_ERROR, NULL, "Give the password alone on stdin.",
               ferror(stdin) ? "cannot read the password of %s from stdin"
                             : "the password of %s on stdin is longer than 1024 bytes",
               role);
    goto out;
  }
  while (len > 0 && (pw[len - 1] == '\n' || pw[len - 1] == '\r'))
    len--;
  pw[len] = '\0';
  if (len == 0 || strlen(pw) != len) {
    log_report(LOG_ERROR, NULL, "Give the password alone on stdin.",
               len == 0 ? "the password of %s on stdin is empty"
                        : "the password of %s on stdin contains a NUL byte",
               role);
    goto out;
  }
  conn = pgu_connect(getenv("TTHC_CONNINFO"), "tthc-load --encrypt-password");
  if (!conn)
    goto out;
  verifier = PQencryptPasswordConn(conn, pw, role, "scram-sha-256");
  if (!verifier) {
    log_report(LOG_ERROR, PQerrorMessage(conn), NULL, "cannot encrypt the password of %s", role);
    goto out;
  }
  if (printf("%s\n", verifier) < 0 || fflush(stdout) != 0) {
    log_error("cannot write the verifier of %s to stdout", role);
    goto out;
  }
  rc = 0;
out:
  explicit_bzero(pw, sizeof pw);
  PQfreemem(verifier);
  if (conn)
    PQfinish(conn);
  return rc;
}

/* Applies the migrations through the owner's connection; 0 ok. */
static int migrate_warehouse(const struct tthc_config *cfg, const char *config_path)
{
  PGconn *owner = owner_connect(cfg, config_path);
  int applied = 0, rc = 1;

  if (owner && migrations_apply(owner, "tthc-load", &applied) == MIGRATIONS_OK) {
    log_info("schema up to date (%d migration%s applied)", applied, applied == 1 ? "" : "s");
    rc = 0;
  }
  if (owner)
    PQfinish(owner);
  return rc;
}

int main(int argc, char **argv)
{
  enum { OPT_RUN = 256, OPT_MIGRATE, OPT_UNITS, OPT_LOGFMT, OPT_VERSION, OPT_ENCRYPT };
  static const struct option opts[] = { { "config", required_argument, NULL, 'c' },
                                        { "run", required_argument, NULL, OPT_RUN },
                                        { "migrate", no_argument, NULL, OPT_MIGRATE },
                                        { "units", required_argument, NULL, OPT_UNITS },
                                        { "log-format", required_argument, NULL, OPT_LOGFMT },
                                        { "help", no_argument, NULL, 'h' },
                                        { "version", no_argument, NULL, OPT_VERSION },
                                        { "encrypt-password", required_argument, NULL,
                                          OPT_ENCRYPT },
                                        { NULL, 0, NULL, 0 } };
  const char *config_path = getenv("TTHC_CONFIG"), *run = NULL, *units = NULL;
  const char *encrypt_role = NULL;
  int migrate = 0, c, rc = 1;
  log_format fmt = LOG_FORMAT_TEXT;
  struct tthc_config cfg;
  char err[512];
  char **runs = NULL;
  size_t nruns = 0;
  PGconn *conn = NULL;

  config_init(&cfg);
  log_init("tthc-load", LOG_FORMAT_TEXT, LOG_INFO);
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    switch (c) {
    case 'c': config_path = optarg; break;
    case OPT_RUN: run = optarg; break;
    case OPT_MIGRATE: migrate = 1; break;
    case OPT_UNITS: units = optarg; break;
    case OPT_ENCRYPT: encrypt_role = optarg; break;
    case OPT_LOGFMT:
      if (log_format_parse(optarg, &fmt)) {
        fprintf(stderr, "tthc-load: unknown log format \"%s\"\n", optarg);
        return 2;
      }
      break;
    case 'h': usage(stdout); return 0;
    case OPT_VERSION: version_print("tthc-load"); return 0;
    default: fputs("Try 'tthc-load --help' for more information.\n", stderr); return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr,
            "tthc-load: unexpected argument \"%s\"\n"
            "Try 'tthc-load --help' for more information.\n",
            argv[optind]);
    return 2;
  }
  log_init("tthc-load", fmt, LOG_INFO);
  if (encrypt_role) {
    /* No configuration: the DBA's connection, before the warehouse exists. */
    if (migrate || run || units) {
      fputs("tthc-load: --encrypt-password takes no --migrate, --run or --units\n"
            "Try 'tthc-load --help' for more information.\n",
            stderr);
      return 2;
    }
    return encrypt_password(encrypt_role);
  }

  if (config_path && config_load(config_path, &cfg, err, sizeof(err)) != CONFIG_OK) {
    log_report(LOG_ERROR, err, NULL, "invalid configuration \"%s\"", config_path);
    goto out;
  }
  if (run && !rundir_id_valid(run)) {
    log_report(LOG_ERROR, NULL,
               "A run id looks like 20260501T010203.123456Z-9f3a61c2 (or 20260501T010203Z).",
               "invalid run id \"%s\"", run);
    goto out;
  }
  if (migrate && migrate_warehouse(&cfg, config_path) != 0)
    goto out;
  if (migrate && !units && !run) {
    rc = 0;
    goto out;
  }
  conn = loader_connect(&cfg, config_path, "tthc-load");
  if (!conn || migrations_check(conn, "tthc-load") != MIGRATIONS_OK)
    goto out;
  if (units) {
    long long n = 0;
    if (units_load(conn, units, &n) != PGU_OK)
      goto out;
    log_info("loaded %lld units from %s", n, units);
  }
  if ((migrate || units) && !run) {
    rc = 0;
    goto out;
  }

  if (!cfg.state_dir) {
    log_report(LOG_ERROR, NULL, "Pass -c FILE with a [state] dir.",
               "no state directory configured");
    goto out;
  }
  if (run) {
    rc = loader_load_logged(conn, cfg.state_dir, run, NULL, stderr) != 0;
    goto out;
  }
  /* Every transformed run not yet loaded, oldest first. */
  runs = rundir_list(cfg.state_dir, RUN_MARK_TRANSFORMED, RUN_MARK_LOADED, &nruns);
  if (nruns == 0)
    log_info("no transformed run waiting to be loaded in %s", cfg.state_dir);
  rc = 0;
  for (size_t i = 0; i < nruns && rc == 0; i++)
    rc = loader_load_logged(conn, cfg.state_dir, runs[i], NULL, stderr) != 0;
out:
  if (conn)
    PQfinish(conn);
  rundir_list_free(runs, nruns);
  config_release(&cfg);
  return rc;
}
