#include "heading.h"

#include <stdio.h>
#include <string.h>

#include "labels.h"

void heading_build(const struct report_figures *f, report_form form, struct heading *h)
{
  char period[160], place[256], phrase[256], name[256];

  memset(h, 0, sizeof *h);
  period_title(&f->period, period, sizeof period);
  figures_unit_heading(f, h->unit, sizeof h->unit);
  figures_unit_place(f, place, sizeof place);
  figures_unit_phrase(f, phrase, sizeof phrase);
  snprintf(h->authority, sizeof h->authority, "%s", LABEL_AUTHORITY);
  snprintf(h->number, sizeof h->number, "%s", LABEL_DOC_NUMBER);
  snprintf(h->motto1, sizeof h->motto1, "%s", LABEL_MOTTO_1);
  snprintf(h->motto2, sizeof h->motto2, "%s", LABEL_MOTTO_2);
  snprintf(h->place_date, sizeof h->place_date, "%s, ngày     tháng     năm     ", place);
  snprintf(h->report, sizeof h->report, "%s", LABEL_REPORT);
  snprintf(h->title, sizeof h->title, "%s %s",
           form == FORM_CCHC ? LABEL_TITLE_CCHC : LABEL_TITLE_PERIOD, period);
  snprintf(h->area, sizeof h->area, "trên địa bàn %s", phrase);
  snprintf(h->note, sizeof h->note, "%s", form == FORM_CCHC ? LABEL_TITLE_CCHC_2 : "");
  period_range_line(&f->period, h->range, sizeof h->range);
  /* "Phường Thạch Khôi" as tthc.unit writes it (the phrase with its capital). */
  snprintf(name, sizeof name, "%s", f->unit.name ? f->unit.name : phrase);
  snprintf(h->short_title, sizeof h->short_title, "Báo cáo %s %s – %s",
           form == FORM_CCHC ? "cải cách thủ tục hành chính" : "tình hình giải quyết TTHC", period,
           name);
}
