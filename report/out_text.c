/* output_text: the report as aligned plain text (output.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cchc.h"
#include "heading.h"
#include "output.h"
#include "parts.h"
#include "vntext.h"

/* ---- an aligned table ------------------------------------------------------ */

#define TT_MAX_COLS 16

/* Rows of cells (copied); the first `head` rows are headings, followed by a
 * rule.  Columns whose bit is set in right are right-aligned. */
struct ttable {
  size_t ncols, nrows, cap, head;
  unsigned right;
  char **cells;
  int nomem;
};

static void tt_init(struct ttable *t, size_t ncols, unsigned right)
{
  memset(t, 0, sizeof *t);
  t->ncols = ncols;
  t->right = right;
}

static void tt_free(struct ttable *t)
{
  for (size_t i = 0; i < t->nrows * t->ncols; i++)
    free(t->cells[i]);
  free(t->cells);
}

static void tt_row(struct ttable *t, const char *const *cells)
{
  if (t->nrows == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 16;
    char **c = realloc(t->cells, cap * t->ncols * sizeof *c);

    if (!c) {
      t->nomem = 1;
      return;
    }
    t->cells = c;
    t->cap = cap;
  }
  for (size_t j = 0; j < t->ncols; j++) {
    char *s = strdup(cells[j] ? cells[j] : "");

    t->nomem |= !s;
    t->cells[t->nrows * t->ncols + j] = s;
  }
  t->nrows++;
}

static size_t cell_width(const char *s)
{
  return s ? vn_width(s) : 0;
}

/* Columns' widths; returns the table's total width. */
static size_t tt_widths(const struct ttable *t, size_t w[TT_MAX_COLS])
{
  size_t total = 0;

  for (size_t j = 0; j < t->ncols; j++) {
    w[j] = 0;
    for (size_t i = 0; i < t->nrows; i++) {
      size_t cw = cell_width(t->cells[i * t->ncols + j]);

      w[j] = cw > w[j] ? cw : w[j];
    }
    total += w[j] + 2;
  }
  return total;
}

static void pad(FILE *out, size_t n)
{
  for (size_t i = 0; i < n; i++)
    fputc(' ', out);
}

/* One row: blanks are held back until something follows them, so no line
 * ends in blanks. */
static void tt_print_row(const struct ttable *t, size_t i, const size_t *w, FILE *out)
{
  size_t held = 0;

  for (size_t j = 0; j < t->ncols; j++) {
    const char *c = t->cells[i * t->ncols + j];
    size_t gap = w[j] - cell_width(c);
    int right = (t->right >> j) & 1u;

    held += 2 + (right ? gap : 0);
    if (c && *c) {
      pad(out, held);
      fputs(c, out);
      held = 0;
    }
    held += right ? 0 : gap;
  }
  fputc('\n', out);
}

static void tt_print(const struct ttable *t, FILE *out)
{
  size_t w[TT_MAX_COLS];
  size_t total = tt_widths(t, w);

  for (size_t i = 0; i < t->nrows; i++) {
    tt_print_row(t, i, w, out);
    if (i + 1 == t->head) {
      fputs("  ", out);
      for (size_t k = 2; k < total; k++)
        fputc('-', out);
      fputc('\n', out);
    }
  }
}

/* ---- heading --------------------------------------------------------------- */

#define PAGE_WIDTH 100

static void centred(FILE *out, const char *s)
{
  size_t w = vn_width(s);

  if (!*s)
    return;
  pad(out, w < PAGE_WIDTH ? (PAGE_WIDTH - w) / 2 : 0);
  fprintf(out, "%s\n", s);
}

/* left and right on one line of PAGE_WIDTH; blanks ending right (the
 * date left for the clerk) are not printed. */
static void two_sides(FILE *out, const char *left, const char *right)
{
  size_t l = vn_width(left), r = vn_width(right), n = strlen(right);

  while (n > 0 && right[n - 1] == ' ')
    n--;
  fputs(left, out);
  pad(out, l + r + 2 < PAGE_WIDTH ? PAGE_WIDTH - l - r : 2);
  fprintf(out, "%.*s\n", (int)n, right);
}

static void heading(FILE *out, const struct report_figures *f, report_form form)
{
  struct heading h;

  heading_build(f, form, &h);
  two_sides(out, h.authority, h.motto1);
  two_sides(out, h.unit, h.motto2);
  two_sides(out, h.number, h.place_date);
  fputc('\n', out);
  centred(out, h.report);
  centred(out, h.title);
  centred(out, h.area);
  centred(out, h.note);
  centred(out, h.range);
}

/* ---- parts ----------------------------------------------------------------- */

static void bieu06(FILE *out, const struct report_figures *f, struct ttable *t)
{
  const char *cells[BIEU06_COLS];
  char num[BIEU06_COLS][VN_NUM_MAX];

  tt_init(t, BIEU06_COLS, ~(1u << COL_FIELD)); /* numbers right-aligned */
  cells[COL_STT] = "STT";
  cells[COL_FIELD] = bieu06_columns[COL_FIELD].heading;
  for (int c = COL_TOTAL; c < BIEU06_COLS; c++)
    cells[c] = "";
  tt_row(t, cells);
  for (int c = 0; c < BIEU06_COLS; c++) {
    snprintf(num[c], VN_NUM_MAX, "(%d)", c + 1);
    cells[c] = num[c];
  }
  tt_row(t, cells);
  t->head = 2;
  for (size_t i = 0; i < f->nrows; i++) {
    const struct bieu06_row *r = &f->rows[i];

    snprintf(num[COL_STT], VN_NUM_MAX, "%zu", i + 1);
    cells[COL_STT] = r->field_code ? num[COL_STT] : "";
    cells[COL_FIELD] = r->field_code ? r->field_name : LABEL_TOTAL_ROW;
    for (int c = COL_TOTAL; c < BIEU06_COLS; c++) {
      vn_int(bieu06_value(r, (enum bieu06_col)c), num[c]);
      cells[c] = num[c];
    }
    tt_row(t, cells);
  }
  tt_print(t, out);
  fputc('\n', out);
  for (int c = COL_TOTAL; c < BIEU06_COLS; c++)
    fprintf(out, "  %s  %s%s%s\n", bieu06_columns[c].number,
            bieu06_columns[c].group ? bieu06_columns[c].group : "",
            bieu06_columns[c].group ? " — " : "", bieu06_columns[c].heading);
  fprintf(out, "  Kiểm tra: (3) = (8) + (12) + (15) và (3) = (4) + (5) + (6) + (7) đúng trên "
               "mọi dòng.\n");
}

static void rates(FILE *out, const struct report_figures *f, struct ttable *t)
{
  char stt[24], val[VN_NUM_MAX], tgt[VN_NUM_MAX];

  tt_init(t, 7, 1u | 1u << 3 | 1u << 4);
  tt_row(t, (const char *[]){ "STT", "Tỷ lệ", "Chỉ số 766", "Kết quả", "Mục tiêu", "Đánh giá",
                              "Điểm tối đa (766)" });
  t->head = 1;
  for (int i = 0; i < RATE_COUNT; i++) {
    const struct rate_label *l = &rate_labels[i];
    const struct rate_value *v = &f->rates[i];
    int met = v->value.present ? rate_meets_target((enum rate_id)i, v->value.centi) : -1;

    snprintf(stt, sizeof stt, "%d", i + 1);
    if (v->value.present)
      vn_percent(v->value.centi, val);
    else
      snprintf(val, sizeof val, "%s", LABEL_NO_DATA);
    if (l->target_centi != RATE_NO_TARGET)
      vn_target(l->target_centi, tgt);
    else
      snprintf(tgt, sizeof tgt, "—");
    tt_row(t, (const char *[]){ stt, l->name, l->indicator ? l->indicator : "", val, tgt,
                                rate_verdict(met) ? rate_verdict(met) : "",
                                rate_verdict(v->full_points) ? rate_verdict(v->full_points) : "" });
  }
  tt_print(t, out);
}

static void overdue(FILE *out, const struct report_figures *f, struct ttable *t)
{
  char stt[24], a[VN_NUM_MAX], b[VN_NUM_MAX], c[VN_NUM_MAX];

  if (f->noverdue == 0) {
    fprintf(out, "  Không có hồ sơ quá hạn trong kỳ.\n");
    return;
  }
  tt_init(t, 5, 1u | 1u << 2 | 1u << 3 | 1u << 4);
  tt_row(t, (const char *[]){ "STT", "Phòng ban", "Đã giải quyết quá hạn",
                              "Đang giải quyết quá hạn", "Tổng số" });
  t->head = 1;
  for (size_t i = 0; i < f->noverdue; i++) {
    const struct overdue_row *o = &f->overdue[i];

    snprintf(stt, sizeof stt, "%zu", i + 1);
    vn_int(o->resolved_late, a);
    vn_int(o->pending_late, b);
    vn_int(o->total, c);
    tt_row(t, (const char *[]){ stt, o->department_name, a, b, c });
  }
  tt_print(t, out);
  fputs("\n  ", out);
  for (size_t i = 0; i < f->noverdue; i++) {
    vn_pad2(f->overdue[i].total, a);
    fprintf(out, "%s%s: %s hồ sơ", i ? "; " : "", f->overdue[i].department_name, a);
  }
  fputs(".\n", out);
}

static const char *status_or_dash(int s)
{
  return status_name(s) ? status_name(s) : "—";
}

static void discrepancies(FILE *out, const struct report_figures *f, struct ttable *t)
{
  char stt[24], tm[6][VN_TIME_MAX], asof[VN_TIME_MAX];

  vn_time(f->as_of, asof);
  fprintf(out, "  Tính đến %s: %zu sai lệch.\n\n", asof, f->ndisc);
  if (f->ndisc == 0)
    return;
  tt_init(t, 12, 1u);
  tt_row(t, (const char *[]){ "STT", "Mã hồ sơ", "Mã trên Cổng", "Loại sai lệch",
                              "Trạng thái (hệ thống gốc)", "Trạng thái (Cổng)", "Tiếp nhận (gốc)",
                              "Tiếp nhận (Cổng)", "Hạn trả (gốc)", "Hạn trả (Cổng)",
                              "Kết thúc (gốc)", "Kết thúc (Cổng)" });
  t->head = 1;
  for (size_t i = 0; i < f->ndisc; i++) {
    const struct discrepancy *d = &f->disc[i];
    const char *cls = discrepancy_class_name(d->class_key);

    snprintf(stt, sizeof stt, "%zu", i + 1);
    vn_time(d->origin_received, tm[0]);
    vn_time(d->portal_received, tm[1]);
    vn_time(d->origin_due, tm[2]);
    vn_time(d->portal_due, tm[3]);
    vn_time(d->origin_end, tm[4]);
    vn_time(d->portal_end, tm[5]);
    tt_row(t, (const char *[]){ stt, d->origin_code, d->portal_code ? d->portal_code : "—",
                                cls ? cls : d->class_key, status_or_dash(d->origin_status),
                                status_or_dash(d->portal_status), tm[0], tm[1], tm[2], tm[3], tm[4],
                                tm[5] });
  }
  tt_print(t, out);
}

static void monthly(FILE *out, const struct report_figures *f, struct ttable *t)
{
  char m[16], a[VN_NUM_MAX], b[VN_NUM_MAX];

  tt_init(t, 3, 1u << 1 | 1u << 2);
  tt_row(t, (const char *[]){ "Tháng", "Tiếp nhận", "Đã giải quyết" });
  t->head = 1;
  for (size_t i = 0; i < f->nmonths; i++) {
    snprintf(m, sizeof m, "%02d/%04d", f->months[i].m, f->months[i].y);
    vn_int(f->months[i].received, a);
    vn_int(f->months[i].resolved, b);
    tt_row(t, (const char *[]){ m, a, b });
  }
  tt_print(t, out);
}

static void cchc(FILE *out, const struct report_figures *f)
{
  struct cchc_item items[CCHC_MAX_ITEMS];
  size_t n = cchc_build(f, items, CCHC_MAX_ITEMS);
  char value[256], tgt[VN_NUM_MAX];

  for (size_t i = 0; i < n; i++) {
    const struct cchc_item *it = &items[i];

    cchc_value_text(it, value, sizeof value);
    fprintf(out, "  %s. %s: %s", it->number, it->label, value);
    if (it->target_centi != RATE_NO_TARGET) {
      vn_target(it->target_centi, tgt);
      fprintf(out, " — mục tiêu %s%s%s", tgt, it->met >= 0 ? ": " : "",
              it->met >= 0 ? rate_verdict(it->met) : "");
    }
    fputc('\n', out);
    if (it->note[0])
      fprintf(out, "       %s%s\n", it->held ? "" : "Lý do: ", it->note);
  }
}

static void part(FILE *out, const struct report_figures *f, unsigned bit, struct ttable *t)
{
  switch (bit) {
  case PART_BIEU06: bieu06(out, f, t); break;
  case PART_RATES: rates(out, f, t); break;
  case PART_OVERDUE: overdue(out, f, t); break;
  case PART_DISCREPANCIES: discrepancies(out, f, t); break;
  case PART_MONTHLY: monthly(out, f, t); break;
  case PART_CCHC: cchc(out, f); break;
  }
}

output_result output_text(const struct report_figures *f, const struct output_options *o, FILE *out)
{
  int n = 0, nomem = 0;

  heading(out, f, o->form);
  for (size_t i = 0; i < part_count; i++) {
    struct ttable t;

    if (!(o->parts & part_infos[i].bit))
      continue;
    tt_init(&t, 1, 0);
    fprintf(out, "\n%s. %s\n\n", part_roman(++n), part_infos[i].title);
    part(out, f, part_infos[i].bit, &t);
    nomem |= t.nomem;
    tt_free(&t);
  }
  if (nomem)
    return OUTPUT_NOMEM;
  return ferror(out) ? OUTPUT_IO : OUTPUT_OK;
}
