/*
 * heading - the heading block every report file starts with
 * (../shared/spec/reports.md, "Heading block"), as the seeds' first lines:
 *
 *   ỦY BAN NHÂN DÂN                      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
 *   PHƯỜNG THẠCH KHÔI                         Độc lập - Tự do - Hạnh phúc
 *   Số:        /BC-UBND              Thạch Khôi, ngày     tháng     năm
 *
 *                                 BÁO CÁO
 *   Tình hình, kết quả giải quyết thủ tục hành chính tháng 4 năm 2026
 *                     trên địa bàn phường Thạch Khôi
 *            (Số liệu từ ngày 01/4/2026 đến ngày 30/4/2026)
 *
 * The document's number and date are left blank for the clerk.
 */
#ifndef TTHC_HEADING_H
#define TTHC_HEADING_H

#include "figures.h"
#include "output.h"

#define HEADING_LINE_MAX 512

struct heading {
  char authority[64];           /* "ỦY BAN NHÂN DÂN" */
  char unit[256];               /* "PHƯỜNG THẠCH KHÔI" */
  char number[64];              /* "Số:        /BC-UBND" */
  char motto1[64], motto2[64];  /* the national motto */
  char place_date[320];         /* "Thạch Khôi, ngày     tháng     năm     " */
  char report[32];              /* "BÁO CÁO" */
  char title[HEADING_LINE_MAX]; /* "Tình hình, … tháng 4 năm 2026" */
  char area[HEADING_LINE_MAX];  /* "trên địa bàn phường Thạch Khôi" */
  char note[HEADING_LINE_MAX];  /* the outline's note (cchc), "" otherwise */
  char range[HEADING_LINE_MAX]; /* "(Số liệu từ ngày 01/4/2026 đến ngày 30/4/2026)" */
  char short_title[HEADING_LINE_MAX]; /* for an HTML <title>: "Báo cáo … – Phường Thạch Khôi" */
};

/* Fill h for the report f in the given form. */
void heading_build(const struct report_figures *f, report_form form, struct heading *h);

#endif
