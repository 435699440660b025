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
/* Applies the migrations not yet applied; *applied gets how many (may be
 * NULL). Serialised against concurrent callers by an advisory lock. */
pgu_result migrations_apply(PGconn *conn, int *applied);
#endif

#endif
