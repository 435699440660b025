/*
 * output_xlsx: the report as a workbook (output.h), one sheet per part,
 * laid out like the report staff attach (reports.md): the heading block,
 * numbered two-level headings, frozen; column widths fitted; A4 landscape,
 * one page wide, headings repeated on every printed page.
 *
 * Cells hold numbers; display formats do the Vietnamese styling: counts
 * with '.' between thousands whatever the reader's locale (conditional
 * sections with a literal '.'), percentages with two decimals in the
 * Vietnamese locale ([$-42A]: a decimal comma where the spreadsheet
 * honours it), times as HH:mm dd/mm/yyyy serials in Vietnam time.
 */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "cchc.h"
#include "heading.h"
#include "log.h"
#include "output.h"
#include "parts.h"
#include "vntext.h"

#define FMT_COUNT   "[>=1000000]#\\.###\\.##0;[>=1000]#\\.##0;0"
#define FMT_PERCENT "[$-42A]0.00\" %\""
#define FMT_TARGET  "[$-42A]\"≥ \"0\" %\""
#define FMT_FULL    "[$-42A]0\" %\""
#define FMT_TIME    "hh:mm dd/mm/yyyy"
#define FMT_MONTH   "mm/yyyy"
#define MAX_COLS    16

struct book {
  lxw_workbook *wb;
  lxw_error err; /* the first error */
  lxw_format *authority, *unit, *motto1, *motto2, *italic, *title, *bold, *part;
  lxw_format *head, *colno, *text, *count, *pct, *target, *full, *time, *month;
  lxw_format *total_text, *total_count, *center;
};

/* One sheet being written: the current row and the widest cell per column. */
struct sheet {
  lxw_worksheet *ws;
  struct book *b;
  lxw_row_t row;
  int ncols;
  double width[MAX_COLS];
};

static void check(struct book *b, lxw_error e)
{
  if (e != LXW_NO_ERROR && b->err == LXW_NO_ERROR)
    b->err = e;
}

static void fit(struct sheet *s, lxw_col_t c, size_t chars)
{
  double w = (double)chars + 2;

  if (c < MAX_COLS && w > s->width[c])
    s->width[c] = w > 60 ? 60 : w;
}

static void str(struct sheet *s, lxw_col_t c, const char *v, lxw_format *f)
{
  check(s->b, worksheet_write_string(s->ws, s->row, c, v ? v : "", f));
  if (v)
    fit(s, c, vn_width(v));
}

static void num(struct sheet *s, lxw_col_t c, double v, lxw_format *f, size_t shown)
{
  check(s->b, worksheet_write_number(s->ws, s->row, c, v, f));
  fit(s, c, shown);
}

static void count(struct sheet *s, lxw_col_t c, long long v, lxw_format *f)
{
  char shown[VN_NUM_MAX];

  vn_int(v, shown);
  num(s, c, (double)v, f, strlen(shown));
}

static void percent(struct sheet *s, lxw_col_t c, struct share v)
{
  if (v.present)
    num(s, c, (double)v.centi / 100.0, s->b->pct, 8);
  else
    str(s, c, LABEL_NO_DATA, s->b->text);
}

/* An instant as an Excel serial in Vietnam local time; blank when absent. */
static void when(struct sheet *s, lxw_col_t c, tthc_time t)
{
  if (t == TTHC_TIME_NONE) {
    check(s->b, worksheet_write_blank(s->ws, s->row, c, s->b->text));
    return;
  }
  num(s, c, (double)(t + TTHC_LOCAL_OFFSET) / 86400.0 + 25569.0, s->b->time, 16);
}

/* Text over columns first..last of the current row (merged when wider
 * than one column); its width does not widen the columns. */
static void span(struct sheet *s, lxw_col_t first, lxw_col_t last, const char *v, lxw_format *f)
{
  if (first == last)
    check(s->b, worksheet_write_string(s->ws, s->row, first, v, f));
  else
    check(s->b, worksheet_merge_range(s->ws, s->row, first, s->row, last, v, f));
}

/* ---- formats --------------------------------------------------------------- */

static lxw_format *fmt(struct book *b, int bold, int italic, int border, const char *num_format)
{
  lxw_format *f = workbook_add_format(b->wb);

  format_set_font_name(f, "Times New Roman");
  format_set_font_size(f, 12);
  format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
  if (bold)
    format_set_bold(f);
  if (italic)
    format_set_italic(f);
  if (border)
    format_set_border(f, LXW_BORDER_THIN);
  if (num_format)
    format_set_num_format(f, num_format);
  return f;
}

static lxw_format *centred(lxw_format *f)
{
  format_set_align(f, LXW_ALIGN_CENTER);
  return f;
}

static void formats(struct book *b)
{
  b->authority = centred(fmt(b, 0, 0, 0, NULL));
  b->unit = centred(fmt(b, 1, 0, 0, NULL));
  b->motto1 = centred(fmt(b, 1, 0, 0, NULL));
  b->motto2 = centred(fmt(b, 1, 0, 0, NULL));
  format_set_underline(b->motto2, LXW_UNDERLINE_SINGLE);
  b->italic = centred(fmt(b, 0, 1, 0, NULL));
  b->title = centred(fmt(b, 1, 0, 0, NULL));
  format_set_font_size(b->title, 14);
  b->bold = centred(fmt(b, 1, 0, 0, NULL));
  b->part = fmt(b, 1, 0, 0, NULL);
  b->head = centred(fmt(b, 1, 0, 1, NULL));
  format_set_text_wrap(b->head);
  format_set_bg_color(b->head, 0xEDEDED);
  b->colno = centred(fmt(b, 0, 1, 1, NULL));
  b->text = fmt(b, 0, 0, 1, NULL);
  format_set_text_wrap(b->text);
  b->center = centred(fmt(b, 0, 0, 1, NULL));
  b->count = fmt(b, 0, 0, 1, FMT_COUNT);
  b->pct = fmt(b, 0, 0, 1, FMT_PERCENT);
  b->target = fmt(b, 0, 0, 1, FMT_TARGET);
  b->full = fmt(b, 0, 0, 1, FMT_FULL);
  b->time = fmt(b, 0, 0, 1, FMT_TIME);
  b->month = centred(fmt(b, 0, 0, 1, FMT_MONTH));
  b->total_text = fmt(b, 1, 0, 1, NULL);
  b->total_count = fmt(b, 1, 0, 1, FMT_COUNT);
}

/* ---- sheet frame ----------------------------------------------------------- */

/* The heading block over ncols columns, then the part's title. */
static void sheet_heading(struct sheet *s, const struct heading *h, int n, const char *title)
{
  struct book *b = s->b;
  lxw_col_t last = (lxw_col_t)(s->ncols - 1), mid = (lxw_col_t)(s->ncols / 2 - 1);
  const char *left[] = { h->authority, h->unit, h->number };
  const char *right[] = { h->motto1, h->motto2, h->place_date };
  lxw_format *lf[] = { b->authority, b->unit, b->authority };
  lxw_format *rf[] = { b->motto1, b->motto2, b->italic };
  char part[HEADING_LINE_MAX];

  for (int i = 0; i < 3; i++, s->row++) {
    span(s, 0, mid, left[i], lf[i]);
    span(s, mid + 1, last, right[i], rf[i]);
  }
  s->row++;
  span(s, 0, last, h->report, b->title);
  s->row++;
  span(s, 0, last, h->title, b->bold);
  s->row++;
  span(s, 0, last, h->area, b->bold);
  s->row++;
  if (h->note[0]) {
    span(s, 0, last, h->note, b->italic);
    s->row++;
  }
  span(s, 0, last, h->range, b->italic);
  s->row += 2;
  snprintf(part, sizeof part, "%s. %s", part_roman(n), title);
  span(s, 0, last, part, b->part);
  s->row += 2;
}

static void sheet_new(struct sheet *s, struct book *b, const char *name, int ncols)
{
  memset(s, 0, sizeof *s);
  s->b = b;
  s->ncols = ncols;
  s->ws = workbook_add_worksheet(b->wb, name);
  if (!s->ws)
    check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
}

/* A4 landscape, one page wide, headings (rows first..last) repeated, frozen
 * below them and right of `frozen_cols`; columns at their widths. */
static void sheet_finish(struct sheet *s, lxw_row_t first, lxw_row_t last, lxw_col_t frozen_cols)
{
  worksheet_set_landscape(s->ws);
  worksheet_set_paper(s->ws, 9 /* A4 */);
  worksheet_set_margins(s->ws, 0.5, 0.5, 0.6, 0.6);
  worksheet_fit_to_pages(s->ws, 1, 0);
  worksheet_center_horizontally(s->ws);
  check(s->b, worksheet_repeat_rows(s->ws, first, last));
  worksheet_freeze_panes(s->ws, last + 1, frozen_cols);
  for (int c = 0; c < s->ncols; c++)
    check(s->b, worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c,
                                     s->width[c] > 6 ? s->width[c] : 6, NULL));
}

/* One heading row of a simple table; returns its row. */
static lxw_row_t table_head(struct sheet *s, const char *const *heads)
{
  lxw_row_t r = s->row;

  for (int c = 0; c < s->ncols; c++) {
    check(s->b, worksheet_write_string(s->ws, s->row, (lxw_col_t)c, heads[c], s->b->head));
    fit(s, (lxw_col_t)c, vn_width(heads[c]) > 18 ? 18 : vn_width(heads[c]));
  }
  check(s->b, worksheet_set_row(s->ws, s->row, 48, NULL));
  s->row++;
  return r;
}

/* ---- parts ----------------------------------------------------------------- */

/* The two heading levels and the numbering row of Biểu 06. */
static void bieu06_head(struct sheet *s)
{
  struct book *b = s->b;
  lxw_row_t r = s->row;

  for (int c = 0; c < BIEU06_COLS; c++) {
    const struct bieu06_column *k = &bieu06_columns[c];
    int g = c;

    if (!k->group) {
      check(
        b, worksheet_merge_range(s->ws, r, (lxw_col_t)c, r + 1, (lxw_col_t)c, k->heading, b->head));
    } else {
      while (g + 1 < BIEU06_COLS && bieu06_columns[g + 1].group == k->group)
        g++;
      if (c == 0 || bieu06_columns[c - 1].group != k->group)
        check(b, worksheet_merge_range(s->ws, r, (lxw_col_t)c, r, (lxw_col_t)g, k->group, b->head));
      check(b, worksheet_write_string(s->ws, r + 1, (lxw_col_t)c, k->heading, b->head));
    }
    check(b, worksheet_write_string(s->ws, r + 2, (lxw_col_t)c, k->number, b->colno));
    fit(s, (lxw_col_t)c, c == COL_FIELD ? 22 : 11);
  }
  check(b, worksheet_set_row(s->ws, r, 36, NULL));
  check(b, worksheet_set_row(s->ws, r + 1, 96, NULL));
  s->row = r + 3;
}

static void bieu06(struct sheet *s, const struct report_figures *f)
{
  lxw_row_t first = s->row;

  bieu06_head(s);
  for (size_t i = 0; i < f->nrows; i++, s->row++) {
    const struct bieu06_row *r = &f->rows[i];
    int total = r->field_code == NULL;

    if (total)
      check(s->b, worksheet_write_blank(s->ws, s->row, COL_STT, s->b->total_text));
    else
      num(s, COL_STT, (double)(i + 1), s->b->center, 3);
    str(s, COL_FIELD, total ? LABEL_TOTAL_ROW : r->field_name,
        total ? s->b->total_text : s->b->text);
    for (int c = COL_TOTAL; c < BIEU06_COLS; c++)
      count(s, (lxw_col_t)c, bieu06_value(r, (enum bieu06_col)c),
            total ? s->b->total_count : s->b->count);
  }
  s->row++;
  span(s, 0, BIEU06_COLS - 1,
       "Kiểm tra: (3) = (8) + (12) + (15) và (3) = (4) + (5) + (6) + (7) đúng trên mọi dòng.",
       s->b->part);
  sheet_finish(s, first, first + 2, 2);
}

static void rates(struct sheet *s, const struct report_figures *f)
{
  static const char *const heads[] = {
    "STT",      "Tỷ lệ",    "Chỉ số (Bộ chỉ số 766)",     "Kết quả",
    "Mục tiêu", "Đánh giá", "Điểm tối đa (Bộ chỉ số 766)"
  };
  lxw_row_t first = table_head(s, heads);

  for (int i = 0; i < RATE_COUNT; i++, s->row++) {
    const struct rate_label *l = &rate_labels[i];
    const struct rate_value *v = &f->rates[i];
    int met = v->value.present ? rate_meets_target((enum rate_id)i, v->value.centi) : -1;

    num(s, 0, i + 1, s->b->center, 3);
    str(s, 1, l->name, s->b->text);
    str(s, 2, l->indicator ? l->indicator : "", s->b->center);
    percent(s, 3, v->value);
    if (l->target_centi == RATE_NO_TARGET)
      str(s, 4, "—", s->b->center);
    else
      num(s, 4, (double)l->target_centi / 100.0,
          l->target_centi == 10000 ? s->b->full : s->b->target, 8);
    str(s, 5, rate_verdict(met) ? rate_verdict(met) : "", s->b->center);
    str(s, 6, rate_verdict(v->full_points) ? rate_verdict(v->full_points) : "", s->b->center);
  }
  sheet_finish(s, first, first, 2);
}

static void overdue(struct sheet *s, const struct report_figures *f)
{
  static const char *const heads[] = { "STT", "Phòng ban", "Đã giải quyết quá hạn",
                                       "Đang giải quyết quá hạn", "Tổng số hồ sơ quá hạn" };
  lxw_row_t first = table_head(s, heads);
  long long sum[3] = { 0, 0, 0 };

  for (size_t i = 0; i < f->noverdue; i++, s->row++) {
    const struct overdue_row *o = &f->overdue[i];

    num(s, 0, (double)(i + 1), s->b->center, 3);
    str(s, 1, o->department_name, s->b->text);
    count(s, 2, o->resolved_late, s->b->count);
    count(s, 3, o->pending_late, s->b->count);
    count(s, 4, o->total, s->b->count);
    sum[0] += o->resolved_late;
    sum[1] += o->pending_late;
    sum[2] += o->total;
  }
  check(s->b, worksheet_write_blank(s->ws, s->row, 0, s->b->total_text));
  str(s, 1, LABEL_TOTAL_ROW, s->b->total_text);
  for (int c = 0; c < 3; c++)
    count(s, (lxw_col_t)(2 + c), sum[c], s->b->total_count);
  sheet_finish(s, first, first, 2);
}

static const char *status_or_dash(int st)
{
  return status_name(st) ? status_name(st) : "—";
}

static void discrepancies(struct sheet *s, const struct report_figures *f)
{
  static const char *const heads[] = { "STT",
                                       "Mã hồ sơ (hệ thống gốc)",
                                       "Mã hồ sơ trên Cổng",
                                       "Hệ thống gốc",
                                       "Loại sai lệch",
                                       "Trạng thái ở hệ thống gốc",
                                       "Trạng thái trên Cổng",
                                       "Ngày tiếp nhận (hệ thống gốc)",
                                       "Ngày tiếp nhận (Cổng)",
                                       "Hạn trả (hệ thống gốc)",
                                       "Hạn trả (Cổng)",
                                       "Kết thúc (hệ thống gốc)",
                                       "Kết thúc (Cổng)",
                                       "Phát hiện lúc" };
  char line[128], asof[VN_TIME_MAX];
  lxw_row_t first;

  vn_time(f->as_of, asof);
  snprintf(line, sizeof line, "Tính đến %s: %zu sai lệch.", asof, f->ndisc);
  span(s, 0, (lxw_col_t)(s->ncols - 1), line, s->b->part);
  s->row += 2;
  first = table_head(s, heads);
  for (size_t i = 0; i < f->ndisc; i++, s->row++) {
    const struct discrepancy *d = &f->disc[i];
    const char *cls = discrepancy_class_name(d->class_key);
    const char *sys = origin_system_name(d->origin_system);

    num(s, 0, (double)(i + 1), s->b->center, 3);
    str(s, 1, d->origin_code, s->b->text);
    str(s, 2, d->portal_code ? d->portal_code : "—", s->b->text);
    str(s, 3, sys ? sys : d->origin_system, s->b->text);
    str(s, 4, cls ? cls : d->class_key, s->b->text);
    str(s, 5, status_or_dash(d->origin_status), s->b->text);
    str(s, 6, status_or_dash(d->portal_status), s->b->text);
    when(s, 7, d->origin_received);
    when(s, 8, d->portal_received);
    when(s, 9, d->origin_due);
    when(s, 10, d->portal_due);
    when(s, 11, d->origin_end);
    when(s, 12, d->portal_end);
    when(s, 13, d->detected);
  }
  sheet_finish(s, first, first, 2);
}

static void monthly(struct sheet *s, const struct report_figures *f)
{
  static const char *const heads[] = { "Tháng", "Tiếp nhận", "Đã giải quyết" };
  lxw_row_t first = table_head(s, heads);

  for (lxw_col_t c = 0; c < 3; c++)
    fit(s, c, 16); /* room for the heading block above */
  for (size_t i = 0; i < f->nmonths; i++, s->row++) {
    const struct month_count *m = &f->months[i];
    tthc_time t = time_from_utc(m->y, m->m, 1, 0, 0, 0);

    num(s, 0, (double)t / 86400.0 + 25569.0, s->b->month, 9);
    count(s, 1, m->received, s->b->count);
    count(s, 2, m->resolved, s->b->count);
  }
  sheet_finish(s, first, first, 1);
}

static void cchc(struct sheet *s, const struct report_figures *f)
{
  static const char *const heads[] = { "Mục",      "Nội dung", "Số lượng", "Tỷ lệ",
                                       "Mục tiêu", "Đánh giá", "Ghi chú" };
  struct cchc_item items[CCHC_MAX_ITEMS];
  size_t n = cchc_build(f, items, CCHC_MAX_ITEMS);
  lxw_row_t first = table_head(s, heads);

  for (size_t i = 0; i < n; i++, s->row++) {
    const struct cchc_item *it = &items[i];

    str(s, 0, it->number, s->b->center);
    str(s, 1, it->label, s->b->text);
    if (!it->held) {
      span(s, 2, 3, CCHC_NOT_HELD, s->b->center);
    } else {
      if (it->has_count)
        count(s, 2, it->count, s->b->count);
      else
        check(s->b, worksheet_write_blank(s->ws, s->row, 2, s->b->text));
      if (it->has_share)
        percent(s, 3, it->share);
      else
        check(s->b, worksheet_write_blank(s->ws, s->row, 3, s->b->text));
    }
    if (it->target_centi == RATE_NO_TARGET)
      check(s->b, worksheet_write_blank(s->ws, s->row, 4, s->b->text));
    else
      num(s, 4, (double)it->target_centi / 100.0,
          it->target_centi == 10000 ? s->b->full : s->b->target, 8);
    str(s, 5, rate_verdict(it->met) ? rate_verdict(it->met) : "", s->b->center);
    str(s, 6, it->note, s->b->text);
  }
  sheet_finish(s, first, first, 2);
}

static int part_columns(unsigned bit)
{
  switch (bit) {
  case PART_BIEU06: return BIEU06_COLS;
  case PART_RATES: return 7;
  case PART_OVERDUE: return 5;
  case PART_DISCREPANCIES: return 14;
  case PART_MONTHLY: return 3;
  case PART_CCHC: return 7;
  }
  return 1;
}

static void part(struct book *b, const struct report_figures *f, const struct heading *h,
                 const struct part_info *p, int n)
{
  struct sheet s;

  sheet_new(&s, b, p->sheet, part_columns(p->bit));
  if (!s.ws)
    return;
  sheet_heading(&s, h, n, p->title);
  switch (p->bit) {
  case PART_BIEU06: bieu06(&s, f); break;
  case PART_RATES: rates(&s, f); break;
  case PART_OVERDUE: overdue(&s, f); break;
  case PART_DISCREPANCIES: discrepancies(&s, f); break;
  case PART_MONTHLY: monthly(&s, f); break;
  case PART_CCHC: cchc(&s, f); break;
  }
}

output_result output_xlsx(const struct report_figures *f, const struct output_options *o,
                          const char *path)
{
  struct book b = { 0 };
  struct heading h;
  lxw_doc_properties props = { 0 };
  lxw_error closed;
  int n = 0;

  heading_build(f, o->form, &h);
  b.wb = workbook_new(path);
  if (!b.wb) {
    log_error("could not create the workbook \"%s\"", path);
    return OUTPUT_XLSX;
  }
  props.title = h.short_title;
  props.author = "tthc-report";
  check(&b, workbook_set_properties(b.wb, &props));
  formats(&b);
  for (size_t i = 0; i < part_count; i++)
    if (o->parts & part_infos[i].bit)
      part(&b, f, &h, &part_infos[i], ++n);
  closed = workbook_close(b.wb);
  check(&b, closed);
  if (b.err != LXW_NO_ERROR) {
    log_report(LOG_ERROR, lxw_strerror(b.err), NULL, "could not write the workbook \"%s\"", path);
    return OUTPUT_XLSX;
  }
  return OUTPUT_OK;
}
