/*
 * load_logged.h — loads one run (loader.h) and logs its counts, its
 * reconciliation (tthc.run_window) and the windows held: what tthc-load and
 * tthc-sync print for a run.
 */
#ifndef TTHC_LOAD_LOGGED_H
#define TTHC_LOAD_LOGGED_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "loader.h"

/* 0 loaded (or already loaded); 1 loaded, but some window's stages
 * disagree (held, logged); -1 nothing loaded (logged). counts (may be
 * NULL) gets the loader's counts; the reconciliation goes to windows_out
 * unless NULL. */
int loader_load_logged(PGconn *conn, const char *state_dir, const char *run,
                       struct load_counts *counts, FILE *windows_out);

/* Connects to cfg's warehouse ([warehouse] conninfo / conninfo_file, else
 * $TTHC_CONNINFO, else the PG* environment); refuses a conninfo written in
 * the configuration file that holds a password. NULL after logging. */
PGconn *loader_connect(const struct tthc_config *cfg, const char *config_path,
                       const char *progname);

/* The refusal loader_connect() and tthc-load --migrate share: -1 (logged:
 * primary naming "[warehouse] KEY" and config_path, detail, hint) when
 * conninfo was written into the configuration file itself (is_inline) and
 * holds a password; 0 when it may be used (not inline, or no password). */
int loader_refuse_inline_password(const char *conninfo, bool is_inline, const char *key,
                                  const char *config_path);

#endif
