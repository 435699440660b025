/*
 * output_html: the report as one self-contained page (output.h): inline
 * CSS, inline SVG charts (rates against their targets; received and
 * resolved by month), no script, nothing fetched; @media print lays it out
 * on A4 landscape, one part per page.  Cells carry data-key attributes
 * with the metrics.md §6 names so a reader (or a test) can find a figure
 * without parsing its Vietnamese formatting.
 */
#include <stdio.h>
#include <string.h>

#include "cchc.h"
#include "heading.h"
#include "output.h"
#include "parts.h"
#include "vntext.h"

static void esc(FILE *out, const char *s)
{
  for (; s && *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    default: fputc(*s, out);
    }
  }
}

/* <td data-key="key" class="cls">text</td> */
static void td(FILE *out, const char *key, const char *cls, const char *text)
{
  fputs("<td", out);
  if (key) {
    fputs(" data-key=\"", out);
    esc(out, key);
    fputc('"', out);
  }
  if (cls)
    fprintf(out, " class=\"%s\"", cls);
  fputc('>', out);
  esc(out, text);
  fputs("</td>", out);
}

static void td_int(FILE *out, const char *key, long long v)
{
  char s[VN_NUM_MAX];

  vn_int(v, s);
  td(out, key, "n", s);
}

static void td_time(FILE *out, const char *key, tthc_time t)
{
  char s[VN_TIME_MAX];

  vn_time(t, s);
  td(out, key, "t", s);
}

static const char style[] =
  "<style>\n"
  "body{font-family:'Times New Roman',Times,'DejaVu Serif',serif;font-size:13pt;color:#111;"
  "margin:24px auto;max-width:1200px;padding:0 16px}\n"
  ".doc-head{display:flex;justify-content:space-between;text-align:center;margin-bottom:12px}\n"
  ".doc-head p{margin:2px 0}.doc-head .motto2{text-decoration:underline;font-weight:bold}\n"
  ".title{text-align:center;margin:18px 0}.title h1{font-size:16pt;margin:4px 0}\n"
  ".title p{margin:3px 0;font-weight:bold}.title p.range,.title p.note{font-weight:normal;"
  "font-style:italic}\n"
  "h2{font-size:14pt;margin:28px 0 10px}\n"
  "table{border-collapse:collapse;width:100%;font-size:11pt;margin:8px 0}\n"
  "th,td{border:1px solid #555;padding:3px 6px;vertical-align:middle}\n"
  "th{background:#ededed;font-weight:bold;text-align:center}\n"
  "tr.colno td{text-align:center;font-style:italic;background:#f7f7f7}\n"
  "td.n{text-align:right;white-space:nowrap}td.c{text-align:center}td.code{white-space:nowrap}\n"
  "td[data-key=field_name]{min-width:12em}.blank{white-space:pre}\n"
  "table.wide{font-size:9.5pt}table.wide td{padding:2px 4px}\n"
  "tr.total td{font-weight:bold}\n"
  ".ok{color:#1b5e20;font-weight:bold}.ko{color:#b71c1c;font-weight:bold}\n"
  ".note{font-style:italic}.notheld{color:#555;font-style:italic}\n"
  "figure{margin:12px 0}figcaption{font-style:italic;font-size:11pt}\n"
  "svg{max-width:100%;height:auto}\n"
  "footer{margin-top:28px;font-size:10pt;color:#444}\n"
  "@page{size:A4 landscape;margin:12mm}\n"
  "@media print{body{margin:0;max-width:none;font-size:11pt}section{break-before:page}"
  "section.first{break-before:auto}h2{break-after:avoid}tr,figure{break-inside:avoid}"
  "thead{display:table-header-group}table{font-size:9pt}"
  "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n"
  "</style>\n";

static void heading(FILE *out, const struct heading *h)
{
  fputs("<header class=\"doc-head\"><div><p>", out);
  esc(out, h->authority);
  fputs("</p><p><b>", out);
  esc(out, h->unit);
  fputs("</b></p><p class=\"blank\">", out);
  esc(out, h->number);
  fputs("</p></div><div><p><b>", out);
  esc(out, h->motto1);
  fputs("</b></p><p class=\"motto2\">", out);
  esc(out, h->motto2);
  fputs("</p><p class=\"blank\"><i>", out);
  esc(out, h->place_date);
  fputs("</i></p></div></header>\n<div class=\"title\"><h1>", out);
  esc(out, h->report);
  fputs("</h1><p>", out);
  esc(out, h->title);
  fputs("</p><p>", out);
  esc(out, h->area);
  fputs("</p>", out);
  if (h->note[0]) {
    fputs("<p class=\"note\">", out);
    esc(out, h->note);
    fputs("</p>", out);
  }
  fputs("<p class=\"range\">", out);
  esc(out, h->range);
  fputs("</p></div>\n", out);
}

/* ---- charts ---------------------------------------------------------------- */

struct bar {
  const char *label;
  struct share value;
  long target; /* RATE_NO_TARGET when none */
};

/* Horizontal bars from 0 to 100 %, the target as a mark; green when the
 * target is reached, red when not, grey without a target. */
static void rate_chart(FILE *out, const struct bar *bars, size_t n, const char *caption)
{
  const int lw = 440, bw = 420, rh = 26, top = 24;
  int h = top + (int)n * rh + 30;
  char v[VN_NUM_MAX];

  fprintf(out,
          "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
          "width=\"%d\" height=\"%d\" role=\"img\" font-family=\"serif\" font-size=\"12\">",
          lw + bw + 90, h, lw + bw + 90, h);
  for (int p = 0; p <= 100; p += 25)
    fprintf(out,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\"/>"
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%d %%</text>",
            lw + bw * p / 100, top - 6, lw + bw * p / 100, top + (int)n * rh, lw + bw * p / 100,
            top - 10, p);
  for (size_t i = 0; i < n; i++) {
    const struct bar *b = &bars[i];
    int y = top + (int)i * rh;
    long long c = b->value.present ? b->value.centi : 0;
    const char *fill = b->target == RATE_NO_TARGET ? "#78909c"
                       : c >= b->target            ? "#2e7d32"
                                                   : "#c62828";

    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 8, y + 17);
    esc(out, b->label);
    fputs("</text>", out);
    if (b->value.present)
      fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%lld\" height=\"16\" fill=\"%s\"/>", lw, y + 5,
              (c > 10000 ? 10000
               : c < 0   ? 0
                         : c) *
                bw / 10000,
              fill);
    if (b->target != RATE_NO_TARGET)
      fprintf(out,
              "<line x1=\"%ld\" y1=\"%d\" x2=\"%ld\" y2=\"%d\" stroke=\"#111\" "
              "stroke-width=\"2\" stroke-dasharray=\"3,2\"/>",
              lw + b->target * bw / 10000, y + 2, lw + b->target * bw / 10000, y + 24);
    if (b->value.present)
      vn_percent(c, v);
    else
      snprintf(v, sizeof v, "%s", LABEL_NO_DATA);
    fprintf(out, "<text x=\"%d\" y=\"%d\">%s</text>", lw + bw + 6, y + 17, v);
  }
  fprintf(out,
          "<text x=\"%d\" y=\"%d\" fill=\"#333\">Vạch đứt: mục tiêu; xanh: đạt; đỏ: chưa "
          "đạt; xám: không có mục tiêu</text></svg><figcaption>",
          lw, h - 8);
  esc(out, caption);
  fputs("</figcaption></figure>\n", out);
}

static long long nice_max(long long v)
{
  long long step = 1;

  while (step * 10 < v)
    step *= 10;
  return (v + step - 1) / step * step;
}

/* Received and resolved per month, grouped bars. */
static void month_chart(FILE *out, const struct report_figures *f)
{
  const int left = 70, plot = 260, top = 30;
  int gw = f->nmonths > 6 ? 64 : 110, w = left + (int)f->nmonths * gw + 40;
  long long max = 1;
  char v[VN_NUM_MAX];

  for (size_t i = 0; i < f->nmonths; i++) {
    max = f->months[i].received > max ? f->months[i].received : max;
    max = f->months[i].resolved > max ? f->months[i].resolved : max;
  }
  max = nice_max(max);
  w = w < 420 ? 420 : w;
  fprintf(out,
          "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
          "width=\"%d\" height=\"%d\" role=\"img\" font-family=\"serif\" font-size=\"12\">",
          w, top + plot + 60, w, top + plot + 60);
  for (int k = 0; k <= 4; k++) {
    int y = top + plot - plot * k / 4;

    vn_int(max * k / 4, v);
    fprintf(out,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
            "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#555\">%s</text>",
            left, y, w - 20, y, left - 6, y + 4, v);
  }
  for (size_t i = 0; i < f->nmonths; i++) {
    const struct month_count *m = &f->months[i];
    int x = left + (int)i * gw + gw / 2;
    long long vals[2] = { m->received, m->resolved };
    const char *fills[2] = { "#1565c0", "#2e7d32" };

    for (int j = 0; j < 2; j++) {
      int bh = (int)(vals[j] * plot / max), bx = x - 22 + j * 22;

      vn_int(vals[j], v);
      fprintf(out,
              "<rect x=\"%d\" y=\"%d\" width=\"20\" height=\"%d\" fill=\"%s\"/>"
              "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">%s</text>",
              bx, top + plot - bh, bh, fills[j], bx + 10, top + plot - bh - 3, v);
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">T%d/%d</text>", x, top + plot + 16,
            m->m, m->y);
  }
  fprintf(out,
          "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"#1565c0\"/>"
          "<text x=\"%d\" y=\"%d\">Tiếp nhận</text>"
          "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"#2e7d32\"/>"
          "<text x=\"%d\" y=\"%d\">Đã giải quyết</text></svg>"
          "<figcaption>Hồ sơ tiếp nhận và đã giải quyết theo tháng</figcaption></figure>\n",
          left, top + plot + 34, left + 16, top + plot + 44, left + 110, top + plot + 34,
          left + 126, top + plot + 44);
}

/* ---- parts ----------------------------------------------------------------- */

static void bieu06_head(FILE *out)
{
  fputs("<thead><tr>", out);
  for (int c = 0; c < BIEU06_COLS; c++) {
    const struct bieu06_column *k = &bieu06_columns[c];
    int n = 1;

    if (!k->group) {
      fputs("<th rowspan=\"2\">", out);
      esc(out, k->heading);
      fputs("</th>", out);
      continue;
    }
    if (c > 0 && bieu06_columns[c - 1].group == k->group)
      continue;
    while (c + n < BIEU06_COLS && bieu06_columns[c + n].group == k->group)
      n++;
    fprintf(out, "<th colspan=\"%d\">", n);
    esc(out, k->group);
    fputs("</th>", out);
  }
  fputs("</tr>\n<tr>", out);
  for (int c = 0; c < BIEU06_COLS; c++)
    if (bieu06_columns[c].group) {
      fputs("<th>", out);
      esc(out, bieu06_columns[c].heading);
      fputs("</th>", out);
    }
  fputs("</tr>\n<tr class=\"colno\">", out);
  for (int c = 0; c < BIEU06_COLS; c++)
    td(out, NULL, NULL, bieu06_columns[c].number);
  fputs("</tr></thead>\n", out);
}

static void bieu06(FILE *out, const struct report_figures *f)
{
  char stt[24];

  fputs("<table id=\"bieu06-table\">", out);
  bieu06_head(out);
  fputs("<tbody>\n", out);
  for (size_t i = 0; i < f->nrows; i++) {
    const struct bieu06_row *r = &f->rows[i];

    fputs(r->field_code ? "<tr data-field=\"" : "<tr class=\"total\" data-field=\"", out);
    esc(out, r->field_code ? r->field_code : "total");
    fputs("\">", out);
    snprintf(stt, sizeof stt, "%zu", i + 1);
    td(out, NULL, "c", r->field_code ? stt : "");
    td(out, "field_name", NULL, r->field_code ? r->field_name : LABEL_TOTAL_ROW);
    for (int c = COL_TOTAL; c < BIEU06_COLS; c++)
      td_int(out, bieu06_columns[c].key, bieu06_value(r, (enum bieu06_col)c));
    fputs("</tr>\n", out);
  }
  fputs("</tbody></table>\n<p class=\"note\">Kiểm tra: (3) = (8) + (12) + (15) và (3) = (4) + "
        "(5) + (6) + (7) đúng trên mọi dòng.</p>\n",
        out);
}

static void verdict_td(FILE *out, const char *key, int met)
{
  td(out, key, met < 0 ? "c" : met ? "c ok" : "c ko", rate_verdict(met) ? rate_verdict(met) : "");
}

static void rates(FILE *out, const struct report_figures *f)
{
  struct bar bars[RATE_COUNT];
  char v[VN_NUM_MAX], t[VN_NUM_MAX], stt[24];

  fputs("<table><thead><tr><th>STT</th><th>Tỷ lệ</th><th>Chỉ số (Bộ chỉ số 766)</th>"
        "<th>Kết quả</th><th>Mục tiêu</th><th>Đánh giá</th><th>Điểm tối đa (Bộ chỉ số 766)</th>"
        "</tr></thead><tbody>\n",
        out);
  for (int i = 0; i < RATE_COUNT; i++) {
    const struct rate_label *l = &rate_labels[i];
    const struct rate_value *r = &f->rates[i];

    bars[i] = (struct bar){ l->name, r->value, l->target_centi };
    snprintf(stt, sizeof stt, "%d", i + 1);
    if (r->value.present)
      vn_percent(r->value.centi, v);
    else
      snprintf(v, sizeof v, "%s", LABEL_NO_DATA);
    if (l->target_centi != RATE_NO_TARGET)
      vn_target(l->target_centi, t);
    else
      snprintf(t, sizeof t, "—");
    fprintf(out, "<tr data-rate=\"%s\">", l->key);
    td(out, NULL, "c", stt);
    td(out, "label", NULL, l->name);
    td(out, "indicator_766", "c", l->indicator ? l->indicator : "");
    td(out, "value", "n", v);
    td(out, "target", "n", t);
    verdict_td(out, "target_met",
               r->value.present ? rate_meets_target((enum rate_id)i, r->value.centi) : -1);
    verdict_td(out, "full_points", r->full_points);
    fputs("</tr>\n", out);
  }
  fputs("</tbody></table>\n", out);
  rate_chart(out, bars, RATE_COUNT, "Các tỷ lệ so với mục tiêu");
}

static void overdue(FILE *out, const struct report_figures *f)
{
  char stt[24], n[VN_NUM_MAX];

  if (f->noverdue == 0) {
    fputs("<p>Không có hồ sơ quá hạn trong kỳ.</p>\n", out);
    return;
  }
  fputs("<table><thead><tr><th>STT</th><th>Phòng ban</th><th>Đã giải quyết quá hạn</th>"
        "<th>Đang giải quyết quá hạn</th><th>Tổng số hồ sơ quá hạn</th></tr></thead><tbody>\n",
        out);
  for (size_t i = 0; i < f->noverdue; i++) {
    const struct overdue_row *o = &f->overdue[i];

    fputs("<tr data-department=\"", out);
    esc(out, o->department_code);
    fputs("\">", out);
    snprintf(stt, sizeof stt, "%zu", i + 1);
    td(out, NULL, "c", stt);
    td(out, "department_name", NULL, o->department_name);
    td_int(out, "resolved_late", o->resolved_late);
    td_int(out, "pending_late", o->pending_late);
    td_int(out, "overdue_total", o->total);
    fputs("</tr>\n", out);
  }
  fputs("</tbody></table>\n<p class=\"summary\">", out);
  for (size_t i = 0; i < f->noverdue; i++) {
    vn_pad2(f->overdue[i].total, n);
    fputs(i ? "; " : "", out);
    esc(out, f->overdue[i].department_name);
    fprintf(out, ": %s hồ sơ", n);
  }
  fputs(".</p>\n", out);
}

static void discrepancy_row(FILE *out, size_t i, const struct discrepancy *d)
{
  const char *cls = discrepancy_class_name(d->class_key);
  const char *sys = origin_system_name(d->origin_system);
  char stt[24];

  fputs("<tr data-class=\"", out);
  esc(out, d->class_key);
  fputs("\" data-origin-code=\"", out);
  esc(out, d->origin_code);
  fputs("\">", out);
  snprintf(stt, sizeof stt, "%zu", i + 1);
  td(out, NULL, "c", stt);
  td(out, "origin_code", "code", d->origin_code);
  td(out, "portal_code", "code", d->portal_code ? d->portal_code : "—");
  td(out, "origin_system", NULL, sys ? sys : d->origin_system);
  td(out, "class", NULL, cls ? cls : d->class_key);
  td(out, "origin_status", NULL,
     status_name(d->origin_status) ? status_name(d->origin_status) : "—");
  td(out, "portal_status", NULL,
     status_name(d->portal_status) ? status_name(d->portal_status) : "—");
  td_time(out, "origin_received_at", d->origin_received);
  td_time(out, "portal_received_at", d->portal_received);
  td_time(out, "origin_due_at", d->origin_due);
  td_time(out, "portal_due_at", d->portal_due);
  td_time(out, "origin_end_at", d->origin_end);
  td_time(out, "portal_end_at", d->portal_end);
  fputs("</tr>\n", out);
}

static void discrepancies(FILE *out, const struct report_figures *f)
{
  char asof[VN_TIME_MAX];

  vn_time(f->as_of, asof);
  fprintf(out, "<p>Tính đến %s: <b data-key=\"count\">%zu</b> sai lệch.</p>\n", asof, f->ndisc);
  if (f->ndisc == 0)
    return;
  fputs("<table class=\"wide\"><thead><tr><th>STT</th><th>Mã hồ sơ (hệ thống gốc)</th><th>Mã hồ sơ "
        "trên "
        "Cổng</th><th>Hệ thống gốc</th><th>Loại sai lệch</th><th>Trạng thái ở hệ thống gốc</th>"
        "<th>Trạng thái trên Cổng</th><th>Tiếp nhận (gốc)</th><th>Tiếp nhận (Cổng)</th>"
        "<th>Hạn trả (gốc)</th><th>Hạn trả (Cổng)</th><th>Kết thúc (gốc)</th>"
        "<th>Kết thúc (Cổng)</th></tr></thead><tbody>\n",
        out);
  for (size_t i = 0; i < f->ndisc; i++)
    discrepancy_row(out, i, &f->disc[i]);
  fputs("</tbody></table>\n", out);
}

static void monthly(FILE *out, const struct report_figures *f)
{
  char m[16];

  fputs("<table><thead><tr><th>Tháng</th><th>Tiếp nhận</th><th>Đã giải quyết</th></tr>"
        "</thead><tbody>\n",
        out);
  for (size_t i = 0; i < f->nmonths; i++) {
    snprintf(m, sizeof m, "%02d/%04d", f->months[i].m, f->months[i].y);
    fprintf(out, "<tr data-month=\"%04d-%02d\">", f->months[i].y, f->months[i].m);
    td(out, "month", "c", m);
    td_int(out, "received", f->months[i].received);
    td_int(out, "resolved", f->months[i].resolved);
    fputs("</tr>\n", out);
  }
  fputs("</tbody></table>\n", out);
  month_chart(out, f);
}

static void cchc_row(FILE *out, const struct cchc_item *it)
{
  char value[256], t[VN_NUM_MAX];

  cchc_value_text(it, value, sizeof value);
  if (it->target_centi != RATE_NO_TARGET)
    vn_target(it->target_centi, t);
  else
    t[0] = '\0';
  fprintf(out, "<tr data-item=\"%s\" data-key=\"%s\" data-held=\"%s\">", it->number, it->key,
          it->held ? "true" : "false");
  td(out, NULL, "c", it->number);
  td(out, "label", NULL, it->label);
  td(out, "value", it->held ? "n" : "notheld", value);
  td(out, "target", "n", t);
  verdict_td(out, "target_met", it->met);
  td(out, "note", it->held ? NULL : "notheld", it->note);
  fputs("</tr>\n", out);
}

static void cchc(FILE *out, const struct report_figures *f)
{
  struct cchc_item items[CCHC_MAX_ITEMS];
  struct bar bars[CCHC_MAX_ITEMS];
  char names[CCHC_MAX_ITEMS][96];
  size_t n = cchc_build(f, items, CCHC_MAX_ITEMS), nb = 0;

  fputs("<table><thead><tr><th>Mục</th><th>Nội dung</th><th>Kết quả</th><th>Mục tiêu</th>"
        "<th>Đánh giá</th><th>Ghi chú</th></tr></thead><tbody>\n",
        out);
  for (size_t i = 0; i < n; i++) {
    cchc_row(out, &items[i]);
    if (!items[i].held || !items[i].has_share)
      continue;
    snprintf(names[nb], sizeof names[nb], "%s. %s", items[i].number,
             items[i].chart ? items[i].chart : items[i].key);
    bars[nb] = (struct bar){ names[nb], items[i].share, items[i].target_centi };
    nb++;
  }
  fputs("</tbody></table>\n", out);
  rate_chart(out, bars, nb, "Các tỷ lệ của đề cương so với mục tiêu");
}

static void part(FILE *out, const struct report_figures *f, unsigned bit)
{
  switch (bit) {
  case PART_BIEU06: bieu06(out, f); break;
  case PART_RATES: rates(out, f); break;
  case PART_OVERDUE: overdue(out, f); break;
  case PART_DISCREPANCIES: discrepancies(out, f); break;
  case PART_MONTHLY: monthly(out, f); break;
  case PART_CCHC: cchc(out, f); break;
  }
}

output_result output_html(const struct report_figures *f, const struct output_options *o, FILE *out)
{
  struct heading h;
  char gen[VN_TIME_MAX];
  int n = 0;

  heading_build(f, o->form, &h);
  fputs("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>", out);
  esc(out, h.short_title);
  fputs("</title>\n", out);
  fputs(style, out);
  fputs("</head>\n<body>\n", out);
  heading(out, &h);
  for (size_t i = 0; i < part_count; i++) {
    if (!(o->parts & part_infos[i].bit))
      continue;
    fprintf(out, "<section id=\"%s\"%s><h2>%s. ", part_infos[i].key,
            n == 0 ? " class=\"first\"" : "", part_roman(n + 1));
    n++;
    esc(out, part_infos[i].title);
    fputs("</h2>\n", out);
    part(out, f, part_infos[i].bit);
    fputs("</section>\n", out);
  }
  vn_time(f->generated_at, gen);
  fprintf(out,
          "<footer>Số liệu do kho dữ liệu TTHC tính tự động lúc %s (tthc-report).</footer>\n"
          "</body>\n</html>\n",
          gen);
  return ferror(out) ? OUTPUT_IO : OUTPUT_OK;
}
