/*
 * period - the reporting period of tthc-report: a month (--month 2026-04),
 * a quarter (--quarter 2025-Q3), a year (--year 2026) or any range of
 * local dates (--from 2023-01-01 --to 2023-08-10), both ends included, as
 * the warehouse's report functions take it; and how a report names it:
 *
 *   title  "tháng 4 năm 2026" | "quý III năm 2025" | "năm 2026" |
 *          "từ ngày 01/01/2023 đến ngày 10/8/2023"
 *   range  "(Số liệu từ ngày 01/4/2026 đến ngày 30/4/2026)"
 *
 * Dates in the title and range lines follow the documents (vn_date_doc).
 */
#ifndef TTHC_PERIOD_H
#define TTHC_PERIOD_H

#include <stddef.h>

typedef enum { PERIOD_MONTH, PERIOD_QUARTER, PERIOD_YEAR, PERIOD_RANGE } period_kind;

struct report_date {
  int y, m, d;
};

struct period {
  period_kind kind;
  struct report_date from, to; /* inclusive */
};

typedef enum {
  PERIOD_OK = 0,
  PERIOD_SYNTAX,   /* not the expected shape (2026-04, 2025-Q3, 2026, 2026-04-30) */
  PERIOD_BAD_DATE, /* right shape, impossible value (month 13, 31/04, year outside 1900..9999) */
  PERIOD_ORDER     /* the range starts after it ends */
} period_result;

/* Static English description of r; never NULL. */
const char *period_strerror(period_result r);

/* Parsers: *p is set only on PERIOD_OK. */
period_result period_month(const char *s, struct period *p);   /* "2026-04" */
period_result period_quarter(const char *s, struct period *p); /* "2025-Q3" (q or Q) */
period_result period_year(const char *s, struct period *p);    /* "2026" */
period_result period_range(const char *from, const char *to, struct period *p);

/* "2026-04-01": the form the SQL functions take. */
void period_iso(const struct report_date *d, char out[11]);

/* Title words and the data-range line (see above), NUL-terminated, cut to n. */
void period_title(const struct period *p, char *out, size_t n);
void period_range_line(const struct period *p, char *out, size_t n);

/* Number of calendar months the period touches (April alone: 1; Q3: 3). */
int period_month_count(const struct period *p);

#endif
