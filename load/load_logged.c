/*
 * load_logged.c — one run's load with its counts and reconciliation
 * logged (load_logged.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "load_logged.h"
#include "log.h"

/* A password written in the configuration file: the file is no secret (it
 * may be world readable, it is copied and shown), so the password would
 * leak; refused rather than warned about, because a warning in a nightly
 * job's log is read by nobody. */
int loader_refuse_inline_password(const char *conninfo, bool is_inline, const char *key,
                                  const char *config_path)
{
  char hint[400];

  if (!is_inline || pgu_conninfo_has_password(conninfo) != 1)
    return 0;
  snprintf(hint, sizeof hint,
           "Remove password= from %s and give the password in a password file (~/.pgpass, or "
           "PGPASSFILE=FILE; mode 0600), or put the whole connection string in a %s_file "
           "(mode 0600).",
           key, key);
  log_report(LOG_ERROR,
             "The configuration file is not a secret: it may be readable by others, and is "
             "copied and shown.",
             hint, "[warehouse] %s in \"%s\" holds a password; refusing to use it", key,
             config_path ? config_path : "(none)");
  return -1;
}

PGconn *loader_connect(const struct tthc_config *cfg, const char *config_path, const char *progname)
{
  if (loader_refuse_inline_password(cfg->conninfo, cfg->conninfo_inline, "conninfo", config_path))
    return NULL;
  return pgu_connect(cfg->conninfo ? cfg->conninfo : getenv("TTHC_CONNINFO"), progname);
}

int loader_load_logged(PGconn *conn, const char *state_dir, const char *run,
                       struct load_counts *counts, FILE *windows_out)
{
  struct load_counts mine, *lc = counts ? counts : &mine;

  if (loader_load_run(conn, state_dir, run, lc) != PGU_OK) {
    log_report(LOG_ERROR, NULL,
               "Nothing of this run is visible; fix the cause and run tthc-load again.",
               "loading run %s failed", run);
    return -1;
  }
  if (lc->already_loaded)
    return 0;
  log_info("run %s loaded: %lld records (%lld new, %lld updated, %lld unchanged), "
           "%lld rejects, %lld dossiers merged",
           run, lc->read, lc->inserted, lc->updated, lc->unchanged, lc->rejected, lc->merged);
  if (windows_out && loader_print_windows(conn, run, windows_out) != PGU_OK)
    log_warn("run %s: could not print the reconciliation", run);
  if (lc->windows_mismatch) {
    log_report(LOG_ERROR, NULL, "SELECT * FROM tthc.run_window WHERE status <> 'ok' shows them.",
               "run %s: %ld window(s) whose stages disagree; their watermarks are held", run,
               lc->windows_mismatch);
    return 1;
  }
  if (lc->windows_not_ok)
    log_warn("run %s: %ld window(s) incomplete; loaded what was landed, their watermarks are held",
             run, lc->windows_not_ok);
  return 0;
}
