/*
 * labels - every word a person reads in a tthc-report file, in one place,
 * so that the text, CSV, JSON, xlsx and HTML writers say the same thing:
 * the Biểu 06 columns (numbered, with their formulas), the rates with their
 * 766 indicator numbers and the targets the communes are held to, the
 * national status names, the discrepancy classes and the heading block.
 *
 * Sources: ../shared/spec/reports.md (headings, layout), metrics.md §4
 * (rates), sources.md (TrangThaiHoSo), seed-figures.md, last section
 * (targets).
 */
#ifndef TTHC_LABELS_H
#define TTHC_LABELS_H

#include <stddef.h>

/* ---- Biểu 06 ------------------------------------------------------------ */

/* The 15 numbered columns of reports.md, in print order. */
enum bieu06_col {
  COL_STT,
  COL_FIELD,
  COL_TOTAL,
  COL_RECEIVED_ONLINE,
  COL_CARRIED_OVER,
  COL_RECEIVED_DIRECT,
  COL_RECEIVED_POSTAL,
  COL_RESOLVED,
  COL_RESOLVED_EARLY,
  COL_RESOLVED_ON_TIME,
  COL_RESOLVED_LATE,
  COL_PENDING,
  COL_PENDING_IN_TIME,
  COL_PENDING_LATE,
  COL_STOPPED,
  BIEU06_COLS
};

struct bieu06_column {
  const char *key;     /* metrics.md §6 name ("total"), NULL for STT */
  const char *group;   /* upper heading shared by a column group, NULL when none */
  const char *heading; /* lower (or only) heading */
  const char *number;  /* "(3) = (4)+(5)+(6)+(7)" */
};

extern const struct bieu06_column bieu06_columns[BIEU06_COLS];

/* ---- rates -------------------------------------------------------------- */

/* The columns of tthc.report_rates, metrics.md §4 order. */
enum rate_id {
  RATE_ONLINE,
  RATE_ON_TIME,
  RATE_OVERDUE,
  RATE_COMPONENT_DIGITISED,
  RATE_RESULT_DIGITISED,
  RATE_REUSE,
  RATE_CITIZEN_STORE,
  RATE_ONLINE_PAYMENT,
  RATE_SYNC,
  RATE_ON_TIME_766,
  RATE_ONLINE_766,
  RATE_DIGITISED_766,
  RATE_SATISFACTION_766,
  RATE_COUNT
};

#define RATE_NO_TARGET (-1)

struct rate_label {
  const char *key;         /* column of tthc.report_rates */
  const char *name;        /* Vietnamese name */
  const char *indicator;   /* 766 indicator number ("2.1"), NULL when none */
  long target_centi;       /* the target in hundredths of a percent, RATE_NO_TARGET when none */
  const char *full_points; /* report_rates' full-points flag column, NULL when none */
};

extern const struct rate_label rate_labels[RATE_COUNT];

/* Whether a rate (hundredths of a percent) reaches its target: 1 yes, 0 no,
 * -1 no target. */
int rate_meets_target(enum rate_id id, long long centi);

/* "Đạt" / "Chưa đạt" / NULL (no target or no value). */
const char *rate_verdict(int met);

/* ---- statuses and discrepancies ----------------------------------------- */

/* National status 1..10 (TrangThaiHoSo) in Vietnamese, NULL otherwise. */
const char *status_name(int status);

/* "missing_on_portal" -> "Thiếu trên Cổng", …; NULL for an unknown class. */
const char *discrepancy_class_name(const char *cls);

/* "ministry" -> "Hệ thống của Bộ, ngành", "city" -> "Hệ thống TTHC thành phố". */
const char *origin_system_name(const char *kind);

/* ---- heading block ------------------------------------------------------ */

#define LABEL_AUTHORITY    "ỦY BAN NHÂN DÂN"
#define LABEL_MOTTO_1      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
#define LABEL_MOTTO_2      "Độc lập - Tự do - Hạnh phúc"
#define LABEL_REPORT       "BÁO CÁO"
#define LABEL_DOC_NUMBER   "Số:        /BC-UBND"
#define LABEL_TITLE_PERIOD "Tình hình, kết quả giải quyết thủ tục hành chính"
#define LABEL_TITLE_CCHC   "Kết quả thực hiện cải cách thủ tục hành chính"
#define LABEL_TITLE_CCHC_2 "(Đề cương phục vụ kiểm tra công tác cải cách hành chính, mục II.2)"
#define LABEL_NO_DATA      "Không có số liệu"
#define LABEL_TOTAL_ROW    "Tổng cộng"

/* Titles of the parts (sections, sheets). */
#define PART_TITLE_BIEU06  "Biểu 06. Tình hình, kết quả giải quyết TTHC theo lĩnh vực"
#define PART_TITLE_RATES   "Tỷ lệ và chỉ tiêu"
#define PART_TITLE_OVERDUE "Hồ sơ quá hạn theo phòng ban"
#define PART_TITLE_DISC    "Hồ sơ sai lệch trên Cổng DVCQG (đề nghị điều chỉnh)"
#define PART_TITLE_MONTHLY "Tiếp nhận và giải quyết theo tháng"
#define PART_TITLE_CCHC    "Cải cách thủ tục hành chính (mục II.2)"

#endif
