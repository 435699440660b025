/*
 * catalog - the procedures (TTHC) and departments the generator draws from.
 *
 * Static, read-only data modelled on real commune workloads: civil status
 * (hộ tịch) and certification (chứng thực) dominate, land, construction,
 * household business and social protection follow.  Dossiers point into
 * these tables; tests may point at their own static entries instead.
 */
#ifndef TTHC_SIM_CATALOG_H
#define TTHC_SIM_CATALOG_H

#include <stddef.h>

struct sim_department {
  const char *code; /* e.g. "PKT" */
  const char *name; /* e.g. "Phòng Kinh tế" */
};

struct sim_procedure {
  const char *code; /* short national code, e.g. "1.001193" */
  const char *name;
  const char *field_code; /* lĩnh vực; NULL = unknown */
  const char *field_name;
  const struct sim_department *dept;
  int max_days;            /* legal time limit, working days; 0 = same day */
  long fee;                /* VND; 0 = free */
  unsigned weight;         /* relative frequency among dossiers */
  unsigned online_pm;      /* share submitted online, per mille */
  unsigned postal_pm;      /* share sent by post, per mille */
  unsigned ministry_pm;    /* share processed on the ministry system */
  const char *result_code; /* code of the result document */
};

extern const struct sim_department sim_dept_ttpvhcc;
extern const struct sim_department sim_dept_pkt;
extern const struct sim_department sim_dept_vp;
extern const struct sim_department sim_dept_pvhxh;

extern const struct sim_procedure sim_procedures[];
extern const size_t sim_nprocedures;

/* Procedure by short code, or NULL. */
const struct sim_procedure *sim_procedure_find(const char *code);

#endif
