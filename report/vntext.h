/*
 * vntext - the Vietnamese writing conventions of the report files
 * (../shared/spec/reports.md, "Conventions"): numbers with '.' for
 * thousands and ',' for decimals, dates dd/mm/yyyy, times HH:mm dd/mm/yyyy
 * in Vietnam local time, names in capitals, and the display width of UTF-8
 * text for aligned columns.
 *
 * Pure functions: no locale, no time zone database (Vietnam is UTC+7 with
 * no daylight saving time, common/timeutil.h).  Percentages are carried as
 * hundredths of a percent ("centi"): 99.52 % is 9952, exactly as the
 * warehouse rounds them (numeric, 2 decimals), so no binary fraction ever
 * changes a printed digit.
 */
#ifndef TTHC_VNTEXT_H
#define TTHC_VNTEXT_H

#include <stddef.h>

#include "timeutil.h"

/* Large enough for any output of the formatters below. */
#define VN_NUM_MAX  48
#define VN_DATE_MAX 16
#define VN_TIME_MAX 24

typedef enum {
  VN_OK = 0,
  VN_INVALID_UTF8, /* the input is not well-formed UTF-8 */
  VN_TOO_LONG      /* the output buffer is too small (it holds a cut, valid prefix) */
} vn_result;

/* Static English description of r; never NULL. */
const char *vn_strerror(vn_result r);

/* 6306 -> "6.306", -1234567 -> "-1.234.567". */
void vn_int(long long v, char out[VN_NUM_MAX]);

/* 9952 -> "99,52", 10000 -> "100,00", 5 -> "0,05". */
void vn_centi(long long centi, char out[VN_NUM_MAX]);

/* 9952 -> "99,52 %". */
void vn_percent(long long centi, char out[VN_NUM_MAX]);

/* A target: 6000 -> "≥ 60 %", 9950 -> "≥ 99,50 %", 10000 -> "100 %". */
void vn_target(long long centi, char out[VN_NUM_MAX]);

/* 4 -> "04", 12 -> "12": how the commune reports count small numbers
 * ("Văn phòng: 04 hồ sơ"). */
void vn_pad2(long long v, char out[VN_NUM_MAX]);

/* 2026-04-01 -> "01/04/2026". */
void vn_date(int y, int m, int d, char out[VN_DATE_MAX]);

/* The date as documents write it in words' stead (Decree 30/2020/NĐ-CP:
 * days below 10 and the months 1 and 2 take a leading zero):
 * 2026-04-01 -> "01/4/2026", 2023-01-10 -> "10/01/2023". */
void vn_date_doc(int y, int m, int d, char out[VN_DATE_MAX]);

/* An instant as "HH:mm dd/mm/yyyy", Vietnam local time; "" for
 * TTHC_TIME_NONE. */
void vn_time(tthc_time t, char out[VN_TIME_MAX]);

/* Local calendar fields of an instant (Vietnam time). */
void vn_local_fields(tthc_time t, int *y, int *m, int *d, int *hh, int *mi);

/* 1..4 -> "I".."IV" (quarters); "" otherwise. */
const char *vn_roman_quarter(int q);

/*
 * Copy the UTF-8 text s into out (size n) in capitals: ASCII and the
 * Vietnamese letters of Latin-1, Latin Extended-A/B (ă, đ, ĩ, ũ, ơ, ư)
 * and Latin Extended Additional (ạ … ỹ) are upper-cased; everything else
 * (digits, combining marks, other scripts) is copied unchanged.
 * "Phường Thạch Khôi" -> "PHƯỜNG THẠCH KHÔI".
 */
vn_result vn_upper(const char *s, char *out, size_t n);

/* The first letter in lower case, the rest unchanged: "Phường Thạch Khôi"
 * -> "phường Thạch Khôi" (a name inside a sentence). Same contract. */
vn_result vn_lower_first(const char *s, char *out, size_t n);

/*
 * Terminal columns s takes: one per code point except combining marks
 * (U+0300..U+036F, which decorate the previous letter).  Invalid bytes
 * count one column each.
 */
size_t vn_width(const char *s);

#endif
