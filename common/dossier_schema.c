#include "dossier_schema.h"

#include <string.h>

const struct dossier_field_info dossier_fields[DF__COUNT] = {
#define DOSSIER_FIELD(name, kind, sqltype) { #name, FK_##kind, sqltype },
#include "dossier.def"
#undef DOSSIER_FIELD
};

/* ", unit_code, source_kind, ..." — skip the leading separator. */
static const char copy_columns[] =
#define DOSSIER_FIELD(name, kind, sqltype) ", " #name
#include "dossier.def"
#undef DOSSIER_FIELD
  ;

const char *dossier_copy_columns(void)
{
  return copy_columns + 2;
}

int dossier_field_index(const char *name)
{
  for (int i = 0; i < DF__COUNT; i++)
    if (strcmp(dossier_fields[i].name, name) == 0)
      return i;
  return -1;
}
