/* report/output: the text, CSV, JSON, HTML and xlsx writers on a built
 * report (report_fixture.h). */
#include "cunit_main.h"
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heading.h"
#include "output.h"
#include "report_fixture.h"
#include "vntext.h"

static struct report_figures f;
static const struct output_options all = { FORM_PERIOD, PARTS_PERIOD };

static int setup(void)
{
  fixture_figures(&f);
  return 0;
}

static int teardown(void)
{
  figures_release(&f);
  return 0;
}

typedef output_result (*writer)(const struct report_figures *, const struct output_options *,
                                FILE *);

/* The writer's output, NUL-terminated (caller frees). */
static char *render(writer w, const struct output_options *o)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);

  CU_ASSERT_EQUAL(w(&f, o, mem), OUTPUT_OK);
  fclose(mem);
  return buf;
}

static int count_of(const char *hay, const char *needle)
{
  int n = 0;

  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
    n++;
  return n;
}

static void test_heading(void)
{
  struct heading h;

  heading_build(&f, FORM_PERIOD, &h);
  CU_ASSERT_STRING_EQUAL(h.unit, "PHƯỜNG THẠCH KHÔI");
  CU_ASSERT_STRING_EQUAL(h.title,
                         "Tình hình, kết quả giải quyết thủ tục hành chính tháng 4 năm 2026");
  CU_ASSERT_STRING_EQUAL(h.area, "trên địa bàn phường Thạch Khôi");
  CU_ASSERT_STRING_EQUAL(h.range, "(Số liệu từ ngày 01/4/2026 đến ngày 30/4/2026)");
  CU_ASSERT(strncmp(h.place_date, "Thạch Khôi, ngày ", 20) == 0);
  /* a province without "Thành phố" is a "Tỉnh"; an unknown unit keeps its code */
  free(f.unit.name);
  f.unit.name = strdup("Thanh Hóa");
  f.unit.is_province = true;
  heading_build(&f, FORM_CCHC, &h);
  CU_ASSERT_STRING_EQUAL(h.unit, "TỈNH THANH HÓA");
  CU_ASSERT_STRING_EQUAL(h.area, "trên địa bàn tỉnh Thanh Hóa");
  CU_ASSERT(strncmp(h.title, "Kết quả thực hiện cải cách thủ tục hành chính", 20) == 0);
  free(f.unit.name);
  f.unit.name = NULL;
  f.unit.is_province = false;
  heading_build(&f, FORM_PERIOD, &h);
  CU_ASSERT_STRING_EQUAL(h.unit, "ĐƠN VỊ 11002");
  f.unit.name = strdup("Phường Thạch Khôi");
}

static void test_text(void)
{
  char *s = render(output_text, &all);
  char *line, *save = NULL;
  size_t width = 0;
  int in_table = 0, rows = 0;

  CU_ASSERT(strstr(s, "PHƯỜNG THẠCH KHÔI") != NULL);
  CU_ASSERT(strstr(s, "(Số liệu từ ngày 01/4/2026 đến ngày 30/4/2026)") != NULL);
  CU_ASSERT(strstr(s, "6.306") != NULL);
  CU_ASSERT(strstr(s, "99,52 %") != NULL);
  CU_ASSERT(strstr(s, "Phòng Kinh tế: 12 hồ sơ; ") != NULL);
  CU_ASSERT(strstr(s, "04 hồ sơ.") != NULL); /* small counts as the reports write them */
  CU_ASSERT(strstr(s, "Thiếu trên Cổng") != NULL);
  CU_ASSERT(strstr(s, "11:22 01/04/2026") != NULL);
  /* every Biểu 06 data row has the width of the numbered row; no line ends
   * in a blank */
  for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    size_t len = strlen(line);

    CU_ASSERT(len == 0 || line[len - 1] != ' ');
    if (strstr(line, "(15)") && !width) {
      width = vn_width(line);
      in_table = -1; /* the rule comes next */
    } else if (in_table < 0) {
      in_table = 1;
    } else if (in_table && rows < 3) {
      CU_ASSERT_EQUAL(vn_width(line), width);
      rows++;
    }
  }
  CU_ASSERT_EQUAL(rows, 3);
  free(s);
}

static void test_csv(void)
{
  char *s = render(output_csv, &all);
  struct output_options one = { FORM_PERIOD, PART_BIEU06 };
  char *t;

  CU_ASSERT(strncmp(s,
                    "\xEF\xBB\xBF"
                    "unit_code,unit_name,",
                    23) == 0);
  CU_ASSERT_EQUAL(count_of(s, "\n"), count_of(s, "\r\n")); /* CRLF only */
  CU_ASSERT(strstr(s, "\r\nCT,\"Chứng thực, \"\"sao y\"\"\",1819,") != NULL);
  CU_ASSERT(strstr(s, "\r\n,Tổng cộng,6306,6258,48,0,0,6251,6215,36,0,55,55,0,0\r\n") != NULL);
  CU_ASSERT(strstr(s, "\r\nreuse_rate,") != NULL);
  CU_ASSERT(strstr(s, ",4.3,62.16,90.00,false,\r\n") != NULL);
  CU_ASSERT(strstr(s, "\r\ncitizen_store_rate,") != NULL);
  CU_ASSERT(strstr(s, "VP,\"Văn phòng HĐND & UBND, \"\"<VP>\"\"\",3,1,4\r\n") != NULL);
  CU_ASSERT(strstr(s, "BTP-HT-2,11002,missing_on_portal,Thiếu trên Cổng,ministry,BTP-HT-2,,9,"
                      "Đã xử lý xong,,,2026-04-03T05:30:00+07:00,,") != NULL);
  CU_ASSERT_EQUAL(count_of(s, "\r\n\r\n"), 5); /* six blocks */
  free(s);
  t = render(output_csv, &one);
  CU_ASSERT(strncmp(t,
                    "\xEF\xBB\xBF"
                    "field_code,field_name,total,",
                    31) == 0);
  CU_ASSERT_EQUAL(count_of(t, "\r\n"), 4); /* one clean table: header and three rows */
  free(t);
}

static cJSON *member(const cJSON *o, const char *k)
{
  cJSON *m = cJSON_GetObjectItemCaseSensitive(o, k);

  CU_ASSERT_PTR_NOT_NULL(m);
  return m;
}

static void test_json(void)
{
  char *s = render(output_json, &all);
  cJSON *root = cJSON_Parse(s), *b, *total, *items, *reuse, *store, *disc;

  CU_ASSERT_PTR_NOT_NULL_FATAL(root);
  CU_ASSERT_STRING_EQUAL(member(member(root, "unit"), "unit_name")->valuestring,
                         "Phường Thạch Khôi");
  CU_ASSERT_STRING_EQUAL(member(member(root, "period"), "from")->valuestring, "2026-04-01");
  CU_ASSERT_STRING_EQUAL(member(root, "as_of")->valuestring, "2026-05-02T12:00:00+07:00");
  b = member(root, "bieu06");
  CU_ASSERT_EQUAL(cJSON_GetArraySize(b), 3);
  total = cJSON_GetArrayItem(b, 2);
  CU_ASSERT(cJSON_IsNull(member(total, "field_code")));
  CU_ASSERT_EQUAL(member(total, "total")->valuedouble, 6306);
  CU_ASSERT_EQUAL(member(total, "pending")->valuedouble, 55);
  items = member(member(root, "rates"), "items");
  CU_ASSERT_EQUAL(cJSON_GetArraySize(items), RATE_COUNT);
  reuse = cJSON_GetArrayItem(items, RATE_REUSE);
  CU_ASSERT_STRING_EQUAL(member(reuse, "rate")->valuestring, "reuse_rate");
  CU_ASSERT_DOUBLE_EQUAL(member(reuse, "value")->valuedouble, 62.16, 1e-9);
  CU_ASSERT(strstr(s, "\"value\":\t62.16,") != NULL); /* the exact decimal, not a float's */
  CU_ASSERT(cJSON_IsFalse(member(reuse, "target_met")));
  store = cJSON_GetArrayItem(items, RATE_CITIZEN_STORE);
  CU_ASSERT(cJSON_IsNull(member(store, "value")));
  CU_ASSERT(cJSON_IsNull(member(store, "target_met")));
  disc = cJSON_GetArrayItem(member(root, "sync_discrepancies"), 1);
  CU_ASSERT_STRING_EQUAL(member(disc, "class_label")->valuestring, "Thiếu trên Cổng");
  CU_ASSERT(cJSON_IsNull(member(disc, "portal_code")));
  CU_ASSERT(cJSON_IsNull(member(disc, "portal_status")));
  CU_ASSERT_STRING_EQUAL(member(disc, "origin_status_name")->valuestring, "Đã xử lý xong");
  CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(root, "cchc")); /* not asked for */
  cJSON_Delete(root);
  free(s);
}

static void test_json_cchc(void)
{
  struct output_options o = { FORM_CCHC, PARTS_CCHC };
  char *s = render(output_json, &o);
  cJSON *root = cJSON_Parse(s), *c, *it;
  int not_held = 0;

  CU_ASSERT_PTR_NOT_NULL_FATAL(root);
  CU_ASSERT_STRING_EQUAL(member(root, "form")->valuestring, "cchc");
  c = member(root, "cchc");
  cJSON_ArrayForEach(it, c)
  {
    if (cJSON_IsFalse(member(it, "held"))) {
      not_held++;
      CU_ASSERT_STRING_EQUAL(member(it, "text")->valuestring, "Hệ thống không lưu");
      CU_ASSERT(cJSON_IsString(member(it, "note")));
    }
  }
  CU_ASSERT_EQUAL(not_held, 5);
  CU_ASSERT_PTR_NULL(cJSON_GetObjectItemCaseSensitive(root, "bieu06"));
  cJSON_Delete(root);
  free(s);
}

static void test_html(void)
{
  char *s = render(output_html, &all);

  CU_ASSERT(strncmp(s, "<!DOCTYPE html>", 15) == 0);
  CU_ASSERT(strstr(s, "<meta charset=\"utf-8\">") != NULL);
  CU_ASSERT(strstr(s, "@media print") != NULL);
  CU_ASSERT(strstr(s, "size:A4 landscape") != NULL);
  CU_ASSERT_EQUAL(count_of(s, "<svg"), 2); /* rates, months */
  /* self-contained: nothing to fetch, nothing to run */
  CU_ASSERT_PTR_NULL(strstr(s, "<script"));
  CU_ASSERT_PTR_NULL(strstr(s, "src="));
  CU_ASSERT_PTR_NULL(strstr(s, "href="));
  CU_ASSERT_PTR_NULL(strstr(s, "url("));
  CU_ASSERT_PTR_NULL(strstr(s, "@import"));
  CU_ASSERT_EQUAL(count_of(s, "http"), count_of(s, "xmlns=\"http://www.w3.org/2000/svg\""));
  /* escaped names, figures under their keys, Vietnamese numbers */
  CU_ASSERT(strstr(s, "Văn phòng HĐND &amp; UBND, &quot;&lt;VP&gt;&quot;") != NULL);
  CU_ASSERT_PTR_NULL(strstr(s, "<VP>"));
  CU_ASSERT(strstr(s, "<tr class=\"total\" data-field=\"total\">") != NULL);
  CU_ASSERT(strstr(s, "<td data-key=\"total\" class=\"n\">6.306</td>") != NULL);
  CU_ASSERT(strstr(s, "<td data-key=\"value\" class=\"n\">62,16 %</td>") != NULL);
  CU_ASSERT_EQUAL(count_of(s, "<tr data-rate="), RATE_COUNT);
  CU_ASSERT_EQUAL(count_of(s, "<tr data-class="), 2);
  CU_ASSERT(strstr(s, "Cổng hiển thị quá hạn sai") != NULL);
  free(s);
}

/* The workbook is a zip whose sheets are named after the parts (the
 * integration test reads the cells back with Python). */
static void test_xlsx(void)
{
  char path[] = "/tmp/test_report_output.XXXXXX";
  int fd = mkstemp(path);
  char head[4] = { 0 };
  FILE *in;

  CU_ASSERT_FATAL(fd >= 0);
  close(fd);
  CU_ASSERT_EQUAL(output_xlsx(&f, &all, path), OUTPUT_OK);
  in = fopen(path, "rb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(in);
  CU_ASSERT_EQUAL(fread(head, 1, 4, in), 4);
  CU_ASSERT(memcmp(head, "PK\x03\x04", 4) == 0);
  fclose(in);
  unlink(path);
  CU_ASSERT_EQUAL(output_xlsx(&f, &all, "/nonexistent-dir/x.xlsx"), OUTPUT_XLSX);
}

static void test_parse(void)
{
  unsigned bits = 0;

  CU_ASSERT_EQUAL(report_formats_parse("csv,html", &bits), 0);
  CU_ASSERT_EQUAL(bits, 1u << FORMAT_CSV | 1u << FORMAT_HTML);
  CU_ASSERT_EQUAL(report_formats_parse("all", &bits), 0);
  CU_ASSERT_EQUAL(bits, 31u);
  CU_ASSERT_EQUAL(report_formats_parse("pdf", &bits), -1);
  CU_ASSERT_EQUAL(report_formats_parse("", &bits), -1);
  CU_ASSERT_EQUAL(report_parts_parse("bieu06,rates", &bits), 0);
  CU_ASSERT_EQUAL(bits, (unsigned)(PART_BIEU06 | PART_RATES));
  CU_ASSERT_EQUAL(report_parts_parse("bieu06,", &bits), 0);
  CU_ASSERT_EQUAL(report_parts_parse("bieu", &bits), -1);
  CU_ASSERT_STRING_EQUAL(report_format_ext(FORMAT_TEXT), "txt");
  CU_ASSERT_EQUAL(rate_meets_target(RATE_ONLINE, 5999), 0);
  CU_ASSERT_EQUAL(rate_meets_target(RATE_ONLINE, 6000), 1);
  CU_ASSERT_EQUAL(rate_meets_target(RATE_SYNC, 10000), -1);
  CU_ASSERT_STRING_EQUAL(status_name(10), "Đã trả kết quả");
  CU_ASSERT_PTR_NULL(status_name(11));
  CU_ASSERT_STRING_EQUAL(discrepancy_class_name("stale_on_portal"), "Chưa cập nhật trạng thái");
}

static CU_TestInfo tests[] = {
  { "heading block", test_heading },
  { "text", test_text },
  { "csv", test_csv },
  { "json", test_json },
  { "json, inspection outline", test_json_cchc },
  { "html", test_html },
  { "xlsx", test_xlsx },
  { "format, part and label tables", test_parse },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN_WITH("report_output", tests, setup, teardown)
