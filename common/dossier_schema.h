/*
 * dossier_schema.h — the canonical dossier record, generated from
 * schemas/dossier.def (the single definition of its fields).
 *
 * A canonical record is an array of DF__COUNT values in PostgreSQL COPY text
 * form before escaping (NULL = absent); see transform/canonical.h.
 */
#ifndef TTHC_DOSSIER_SCHEMA_H
#define TTHC_DOSSIER_SCHEMA_H

#include <stddef.h>

enum field_kind { FK_TEXT, FK_CODE, FK_TIME, FK_INT, FK_BOOL, FK_JSON };

enum dossier_field {
#define DOSSIER_FIELD(name, kind, sqltype) DF_##name,
#include "dossier.def"
#undef DOSSIER_FIELD
  DF__COUNT
};

struct dossier_field_info {
  const char *name; /* column name */
  enum field_kind kind;
  const char *sql_type; /* as information_schema names it, e.g. "timestamptz" */
};

extern const struct dossier_field_info dossier_fields[DF__COUNT];

/* "unit_code, source_kind, ..." in COPY order; a static string. */
const char *dossier_copy_columns(void);

/* Index of a column by name, or -1. */
int dossier_field_index(const char *name);

#endif
