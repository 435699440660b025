/*
 * figures - what one tthc-report run read from the warehouse: the unit, the
 * period, Biểu 06, the rates, overdue by department, the sync
 * discrepancies, received and resolved per month, and the counts the
 * inspection outline (--form cchc) needs beyond those.  The writers
 * (output.h) only format these; every figure is the warehouse's.
 *
 * Percentages are hundredths of a percent (9952 = 99.52 %), as the
 * warehouse rounded them; "present" says whether the warehouse gave a value
 * (NULL when the denominator is 0).  Times are tthc_time (UTC seconds).
 */
#ifndef TTHC_FIGURES_H
#define TTHC_FIGURES_H

#include <stdbool.h>
#include <stddef.h>

#include "labels.h"
#include "period.h"
#include "timeutil.h"

/* The parts of a report, as bits: what is read (struct report_figures.parts)
 * and what is written (output.h). */
enum {
  PART_BIEU06 = 1u << 0,
  PART_RATES = 1u << 1,
  PART_OVERDUE = 1u << 2,
  PART_DISCREPANCIES = 1u << 3,
  PART_MONTHLY = 1u << 4,
  PART_CCHC = 1u << 5,
};
#define PARTS_PERIOD (PART_BIEU06 | PART_RATES | PART_OVERDUE | PART_DISCREPANCIES | PART_MONTHLY)
#define PARTS_CCHC   (PART_CCHC | PART_MONTHLY)

struct unit_info {
  char code[6];     /* "11002" or "31" */
  bool is_province; /* 2-digit code */
  char *name; /* "Phường Thạch Khôi" / "Thành phố Hải Phòng"; NULL if tthc.unit lacks it */
  char *province_code; /* NULL if unknown */
  char *province_name; /* NULL if unknown */
  long communes;       /* communes of a province in tthc.unit (1 for a commune) */
};

struct share {
  bool present;
  long long centi;
};

struct bieu06_row {
  char *field_code; /* NULL on the total row */
  char *field_name;
  long long total, received_online, received_direct, received_postal, carried_over;
  long long resolved_early, resolved_on_time, resolved_late;
  long long pending_in_time, pending_late, stopped;
};

struct rate_value {
  struct share value;
  int full_points; /* -1 no such flag (or NULL), 0 not reached, 1 reached */
};

struct overdue_row {
  char *department_code, *department_name;
  long long resolved_late, pending_late, total;
};

struct discrepancy {
  char *dossier_code, *origin_code, *portal_code; /* portal_code NULL when missing */
  char *class_key;                                /* missing_on_portal, … */
  char *origin_system;                            /* ministry | city */
  char *unit_code;
  int origin_status, portal_status; /* 0 when absent */
  tthc_time origin_received, portal_received, origin_due, portal_due;
  tthc_time origin_end, portal_end, detected; /* TTHC_TIME_NONE when absent */
};

struct month_count {
  int y, m;
  long long received, resolved;
};

/* Beyond Biểu 06 and the rates, for the inspection outline. */
struct cchc_counts {
  long long procedures;           /* distinct procedures with a dossier received in the period */
  long long procedures_level;     /* of which a service level is known */
  long long procedures_full;      /* of which offered fully online (level 4) */
  struct share full_online;       /* procedures_full / procedures_level */
  long long on_origin;            /* received in period, held by the city or a ministry system */
  struct share on_origin_share;   /* on_origin / received */
  long long synced_full;          /* received, on the portal and without any discrepancy */
  struct share synced_full_share; /* synced_full / received */
  long long complaints;           /* received in period with a complaint (PAKN) */
  long long land_resolved;        /* resolved in period, land field (Đất đai) */
  struct share land_satisfaction; /* satisfaction_766's formula over the land field */
};

struct report_figures {
  unsigned parts; /* PART_* read; the unit, Biểu 06 and the counts always are */
  struct unit_info unit;
  struct period period;
  tthc_time as_of;         /* the discrepancies and "synced in full" are as of this instant */
  tthc_time generated_at;  /* the warehouse's now() */
  struct bieu06_row *rows; /* per field, then the total row (field_code NULL) last */
  size_t nrows;
  long long received, resolved; /* report_rates' counts */
  struct rate_value rates[RATE_COUNT];
  struct overdue_row *overdue;
  size_t noverdue;
  struct discrepancy *disc;
  size_t ndisc;
  struct month_count *months;
  size_t nmonths;
  struct cchc_counts cchc; /* when parts has PART_CCHC */
};

/* Zero everything (no allocation). */
void figures_init(struct report_figures *f);

/* Free what f owns and zero it. */
void figures_release(struct report_figures *f);

/* Derived columns (8), (12) and the received sum (4)+(6)+(7). */
long long bieu06_resolved(const struct bieu06_row *r);
long long bieu06_pending(const struct bieu06_row *r);
long long bieu06_received(const struct bieu06_row *r);

/* Value of column c of a row ((1) and (2) are not numbers: 0). */
long long bieu06_value(const struct bieu06_row *r, enum bieu06_col c);

/* (3) = (8) + (12) + (15) and (3) = (4) + (5) + (6) + (7). */
bool bieu06_identity_holds(const struct bieu06_row *r);

/* The total row (the last one), or NULL when there are no rows. */
const struct bieu06_row *figures_total(const struct report_figures *f);

/*
 * The unit's name in the heading: "PHƯỜNG THẠCH KHÔI", "THÀNH PHỐ HẢI
 * PHÒNG", "TỈNH THANH HÓA" (a province whose name has no "Thành phố" gets
 * "Tỉnh"), or "ĐƠN VỊ 30005" when tthc.unit lacks the unit.  Cut to n.
 */
void figures_unit_heading(const struct report_figures *f, char *out, size_t n);

/* The unit's name in a sentence: "phường Thạch Khôi", "tỉnh Thanh Hóa". */
void figures_unit_phrase(const struct report_figures *f, char *out, size_t n);

/* Where the document is signed: "Thạch Khôi" (the name less Phường / Xã /
 * Đặc khu / Thành phố / Tỉnh). */
void figures_unit_place(const struct report_figures *f, char *out, size_t n);

#endif
