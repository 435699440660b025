/*
 * migrations.h — the warehouse schema migrations (sql/NNN_*.sql), embedded
 * in the binary at build time by sql/embed.sh, applied in order, each once,
 * each in its own transaction, recorded in tthc.schema_migration.
 */
#ifndef TTHC_MIGRATIONS_H
#define TTHC_MIGRATIONS_H

#include <stddef.h>

struct migration {
  const char *name; /* file name, e.g. "001_core.sql" */
  const char *sql;
};

extern const struct migration tthc_migrations[];
extern const size_t tthc_migrations_count;

#ifndef TTHC_MIGRATIONS_DATA_ONLY
#include "pgutil.h"
typedef enum {
  MIGRATIONS_OK = 0,
  MIGRATIONS_SQL,  /* a statement failed (already logged) */
  MIGRATIONS_NEWER /* the warehouse holds migrations this binary does not know (logged) */
} migrations_result;

const char *migrations_strerror(migrations_result r);

/*
 * Refuses a warehouse newer than this binary: MIGRATIONS_NEWER, logged as
 * an error naming the first migration recorded in tthc.schema_migration
 * that is not embedded here, the binary (progname) and its version, when
 * there is one. A database without tthc.schema_migration is not refused
 * (nothing migrated yet). An older warehouse is fine: --migrate upgrades it.
 */
migrations_result migrations_check(PGconn *conn, const char *progname);

/*
 * Applies the migrations not yet applied, in order, each in its own
 * transaction; *applied gets how many (may be NULL). Serialised against
 * concurrent callers by an advisory lock; refuses (MIGRATIONS_NEWER, nothing
 * applied) a warehouse that migrations_check() refuses.
 */
migrations_result migrations_apply(PGconn *conn, const char *progname, int *applied);
#endif

#endif
