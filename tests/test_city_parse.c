/* The city parser: streaming XML, encodings, entity tricks, mapping. */
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "cunit_main.h"
#include "parse_fixture.h"
#include "repr_fixture.h"
#include "sha256.h"

#define HOSO(code, ten, extra)                                                                     \
  "<HoSo><MaHoSo>" code "</MaHoSo><MaHoSoQuocGia>G-" code "</MaHoSoQuocGia>"                       \
  "<MaTTHC>1.001193.000.00.00.H31</MaTTHC><TenTTHC>" ten "</TenTTHC>"                              \
  "<MaLinhVuc>HT</MaLinhVuc><TenLinhVuc>Hộ tịch</TenLinhVuc><MucDoDVC>4</MucDoDVC>"            \
  "<MaXa>11002</MaXa><PhongBanXuLy ma=\"TTPVHCC\">Trung tâm Phục vụ hành chính "            \
  "công</PhongBanXuLy>"                                                                           \
  "<KenhThucHien>2</KenhThucHien><NgayNopHoSo>20260401081500</NgayNopHoSo>"                        \
  "<NgayTiepNhan>20260401083000</NgayTiepNhan><NgayHenTra>20260403170000</NgayHenTra>"             \
  "<NgayKetThucXuLy>20260402100000</NgayKetThucXuLy><NgayTra>20260402143000</NgayTra><NgayTuChoi/" \
  ">"                                                                                              \
  "<TrangThaiHoSo>10</TrangThaiHoSo><QuaTrinhXuLy>"                                                \
  "<Buoc thoiDiem=\"20260401083000\" trangThai=\"2\" phongBan=\"TTPVHCC\"/>"                       \
  "<Buoc thoiDiem=\"20260402100000\" trangThai=\"9\" phongBan=\"ttpvhcc\"/></QuaTrinhXuLy>"        \
  "<ThanhPhanHoSo><GiayTo ma=\"TK_KS\" duocSoHoa=\"1\" duocTaiSuDung=\"1\" "                       \
  "layTuKhoDMQG=\"0\"/></ThanhPhanHoSo>"                                                           \
  "<KetQua ma=\"GKS\" tepDinhKem=\"https://example.invalid/kq.pdf\"/>"                             \
  "<LePhi ma=\"LP_KS\" gia=\"8000\" thanhToanTrucTuyen=\"1\"/>"                                    \
  "<YeuCauBoSung ngayYeuCau=\"\" ngayHoanThanh=\"\" ngayHenTraMoi=\"\"/>" extra                    \
  "<NgayCapNhat>20260402143005</NgayCapNhat></HoSo>"

#define PAGE(decl, doctype, body)                                                               \
  "<?xml version=\"1.0\" encoding=\"" decl "\"?>" doctype                                       \
  "<KetQuaTraCuu><MaLoi>0</MaLoi><MoTaLoi>Thành công</MoTaLoi><TongSoBanGhi>2</TongSoBanGhi>" \
  "<Trang>1</Trang><TongSoTrang>1</TongSoTrang><DanhSachHoSo>" body                             \
  "</DanhSachHoSo></KetQuaTraCuu>"

static parse_result parse(const char *xml, size_t len, struct seen *s)
{
  return seen_parse(s, SOURCE_CITY, "11002", "RUN/landing/city-t/11002/page-000001.xml", NULL, xml,
                    len);
}

#define V(f) (s.last.v[DF_##f])

static void test_mapping(void)
{
  struct seen s = { 0 };
  const char *xml = PAGE("UTF-8", "",
                         HOSO("H31.11002-260401-00011", "Đăng ký khai sinh", "")
                           HOSO("H31.11002-260401-00012", "Đăng ký khai sinh",
                                "<YeuCauBoSung ngayYeuCau=\"20260401090000\" "
                                "ngayHoanThanh=\"20260401150000\" ngayHenTraMoi=\"\"/>"));

  CU_ASSERT_EQUAL(parse(xml, strlen(xml), &s), PARSE_OK);
  CU_ASSERT_EQUAL_FATAL(s.records, 2);
  CU_ASSERT_EQUAL(s.rejects, 0);
  CU_ASSERT_EQUAL(s.last_index, 1);
  CU_ASSERT_STRING_EQUAL(V(source_kind), "city");
  CU_ASSERT_STRING_EQUAL(V(source_code), "H31.11002-260401-00012");
  CU_ASSERT_STRING_EQUAL(V(linked_codes), "[\"G-H31.11002-260401-00012\"]");
  CU_ASSERT_STRING_EQUAL(V(origin_system), "TTHC_TP");
  CU_ASSERT_STRING_EQUAL(V(service_level), "4");
  CU_ASSERT_STRING_EQUAL(V(department_code), "TTPVHCC");
  CU_ASSERT_STRING_EQUAL(V(department_name), "Trung tâm Phục vụ hành chính công");
  CU_ASSERT_STRING_EQUAL(V(received_at), "2026-04-01 01:30:00+00");
  CU_ASSERT_STRING_EQUAL(V(status), "10");
  CU_ASSERT_STRING_EQUAL(V(has_digitised_component), "t");
  CU_ASSERT_STRING_EQUAL(V(has_reused_component), "t");
  CU_ASSERT_STRING_EQUAL(V(has_e_result), "t");
  CU_ASSERT_STRING_EQUAL(V(fee_total), "8000");
  CU_ASSERT_STRING_EQUAL(V(paid_online), "2"); /* via the province gateway */
  CU_ASSERT_STRING_EQUAL(
    V(steps), "[{\"at\":\"2026-04-01 01:30:00+00\",\"status\":2,\"department\":\"TTPVHCC\"},"
              "{\"at\":\"2026-04-02 03:00:00+00\",\"status\":9,\"department\":\"TTPVHCC\"}]");
  /* the empty <YeuCauBoSung/> is "none"; the real one is kept */
  CU_ASSERT_PTR_NOT_NULL(strstr(V(supplements), "\"requested_at\":\"2026-04-01 02:00:00+00\""));
  CU_ASSERT_PTR_NULL(strstr(V(supplements), "},{"));
  CU_ASSERT_PTR_NOT_NULL(strstr(V(source_location), "page-000001.xml#1"));
  canon_release(&s.last);
}

/* The same page in windows-1258 (and with numeric character references):
 * the names come out as the same UTF-8. */
static void test_encodings(void)
{
  struct seen s = { 0 };
  const char *utf8 = PAGE("windows-1258", "", HOSO("A-1", "Chứng thực bản sao", ""));
  char out[8192], *in = (char *)utf8, *o = out;
  size_t inleft = strlen(utf8), outleft = sizeof(out);
  iconv_t cd = iconv_open("WINDOWS-1258", "UTF-8");
  const char *ncr = PAGE("UTF-8", "", HOSO("A-2", "Ch&#7913;ng th&#7921;c b&#7843;n sao", ""));

  CU_ASSERT_FATAL(cd != (iconv_t)-1);
  CU_ASSERT_FATAL(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
  iconv_close(cd);
  CU_ASSERT_NOT_EQUAL((size_t)(o - out), strlen(utf8));
  CU_ASSERT_EQUAL(parse(out, (size_t)(o - out), &s), PARSE_OK);
  CU_ASSERT_EQUAL_FATAL(s.records, 1);
  CU_ASSERT_STRING_EQUAL(V(procedure_name), "Chứng thực bản sao");
  CU_ASSERT_STRING_EQUAL(V(field_name), "Hộ tịch");
  CU_ASSERT_EQUAL(parse(ncr, strlen(ncr), &s), PARSE_OK);
  CU_ASSERT_EQUAL_FATAL(s.records, 2);
  CU_ASSERT_STRING_EQUAL(V(procedure_name), "Chứng thực bản sao");
  canon_release(&s.last);
}

static void test_doctype_refused(void)
{
  struct seen s = { 0 };
  const char *lol = PAGE(
    "UTF-8",
    "<!DOCTYPE KetQuaTraCuu [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
    "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY x SYSTEM \"http://127.0.0.1:1/x\">]>",
    HOSO("A-3", "&c;&x;", ""));

  CU_ASSERT_EQUAL(parse(lol, strlen(lol), &s), PARSE_BAD_PAGE);
  CU_ASSERT_EQUAL(s.records, 0);
  CU_ASSERT_EQUAL(s.rejects, 1);
  CU_ASSERT_STRING_EQUAL(s.field, "DOCTYPE");
  CU_ASSERT_EQUAL(s.last_index, SIZE_MAX);
}

/* Issue 10: a comment holding '<' before the DOCTYPE hid it from the
 * pre-check, and the page was parsed with its internal subset. */
static void test_doctype_behind_comment(void)
{
  struct seen s = { 0 };
  const char *lol =
    PAGE("UTF-8",
         "<!-- <x> --><?pi <y>?>\n<!DOCTYPE KetQuaTraCuu [<!ENTITY a \"aaaaaaaaaa\">"
         "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>",
         HOSO("A-3", "&b;", ""));

  CU_ASSERT_EQUAL(parse(lol, strlen(lol), &s), PARSE_BAD_PAGE);
  CU_ASSERT_EQUAL(s.records, 0);
  CU_ASSERT_EQUAL(s.rejects, 1);
  CU_ASSERT_STRING_EQUAL(s.field, "DOCTYPE");
}

static void test_broken_pages(void)
{
  struct seen s = { 0 };
  const char *full = PAGE("UTF-8", "", HOSO("A-4", "x", "") HOSO("A-5", "y", ""));
  const char *err = "<?xml version=\"1.0\"?><KetQuaTraCuu><MaLoi>-1</MaLoi>"
                    "<MoTaLoi>Hệ thống đang bận</MoTaLoi></KetQuaTraCuu>";
  size_t cut = strstr(full, "A-5") - full;

  /* cut inside the second record: the first is kept, the page reported */
  CU_ASSERT_EQUAL(parse(full, cut, &s), PARSE_BAD_PAGE);
  CU_ASSERT_EQUAL(s.records, 1);
  CU_ASSERT_EQUAL(s.rejects, 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(s.reason, "not well-formed"));
  CU_ASSERT_EQUAL(parse(err, strlen(err), &s), PARSE_BAD_PAGE);
  CU_ASSERT_STRING_EQUAL(s.field, "MaLoi");
  CU_ASSERT_EQUAL(parse("<html>502</html>", 16, &s), PARSE_BAD_PAGE);
  CU_ASSERT_PTR_NOT_NULL(strstr(s.reason, "<html>"));
  canon_release(&s.last);
}

static void test_bad_record(void)
{
  struct seen s = { 0 };
  const char *xml =
    PAGE("UTF-8", "",
         HOSO("A-6", "ok",
              "") "<HoSo><MaHoSo>A-7</MaHoSo><MaXa>11002</MaXa><TrangThaiHoSo>12</TrangThaiHoSo>"
                  "<NgayCapNhat>20260402143005</NgayCapNhat></HoSo>" HOSO("A-8", "ok", ""));

  CU_ASSERT_EQUAL(parse(xml, strlen(xml), &s), PARSE_OK);
  CU_ASSERT_EQUAL(s.records, 2);
  CU_ASSERT_EQUAL(s.rejects, 1);
  CU_ASSERT_STRING_EQUAL(s.field, "TrangThaiHoSo");
  canon_release(&s.last);
}

/* ---- the record's text and hash (decisions.md "The city record's text") ---- */

/* compact with "\r\n" + indentation between every two tags, a byte order
 * mark and a comment before each record: the layout a city system
 * might write (malloc'd). */
static char *indented(const char *compact)
{
  size_t n = strlen(compact);
  char *out = malloc(3 + n * 40 + 1), *o = out;

  memcpy(o, "\xEF\xBB\xBF", 3);
  o += 3;
  for (const char *p = compact; *p; p++) {
    *o++ = *p;
    if (p[0] == '>' && p[1] == '<') {
      if (!strncmp(p + 1, "<HoSo>", 6))
        o += sprintf(o, "\r\n    <!-- next record -->");
      o += sprintf(o, "\r\n      ");
    }
  }
  *o = '\0';
  return out;
}

/* The last record's canonical row as one line, without its location. */
static char *row_of(const struct canonical_record *r)
{
  struct dynbuf b;
  struct canonical_record copy = *r;
  char *line;

  copy.v[DF_source_location] = NULL;
  dynbuf_init(&b, 1 << 20);
  CU_ASSERT_EQUAL_FATAL(canon_write_copy(&copy, &b), DYNBUF_OK);
  line = strdup(dynbuf_ptr(&b));
  dynbuf_release(&b);
  return line;
}

/* SHA-256 of the first HoSo of a page as libxml2 saves it (xmlNodeDump):
 * what the record hash was over before. */
static void dumped_hash(const char *xml, char hex[65])
{
  xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)strlen(xml), NULL, NULL, XML_PARSE_NONET);
  xmlBufferPtr buf = xmlBufferCreate();
  xmlNodePtr n = NULL;

  hex[0] = '\0';
  while (!n && xmlTextReaderRead(r) == 1)
    if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT &&
        !strcmp((const char *)xmlTextReaderConstLocalName(r), "HoSo"))
      n = xmlTextReaderExpand(r);
  CU_ASSERT_PTR_NOT_NULL_FATAL(n);
  CU_ASSERT_FATAL(xmlNodeDump(buf, n->doc, n, 0, 0) > 0);
  CU_ASSERT_EQUAL(
    sha256_hex(xmlBufferContent(buf), strlen((const char *)xmlBufferContent(buf)), hex), 0);
  xmlBufferFree(buf);
  xmlFreeTextReader(r);
}

/*
 * Issue 11: the record's text is written back from the parse, not dumped
 * from a tree. The same record compact and indented (CRLF, byte order
 * mark, comments), and in windows-1258, gives the same row and the same
 * hash; a compact UTF-8 page keeps the hash it had (xmlNodeDump's bytes).
 */
static void test_record_text_layouts(void)
{
  struct seen s = { 0 };
#define SPECIAL                                                                                  \
  HOSO("A-10", "Cấp bản sao &amp; chứng thực &lt;x&gt; \" '",                                 \
       "<GhiChu loai=\"a&quot;b&lt;&amp;&#9;c\">x&#13;y</GhiChu><Trong>  </Trong>")
  const char *compact = PAGE("UTF-8", "", SPECIAL), *utf8_1258 = PAGE("windows-1258", "", SPECIAL);
#undef SPECIAL
  char *pretty = indented(compact), *rows[3], hashes[3][65], old[65], cp[16384];
  char compact_dump[8192];
  char *in = (char *)utf8_1258, *o = cp;
  size_t inleft = strlen(utf8_1258), outleft = sizeof(cp);
  iconv_t cd = iconv_open("WINDOWS-1258", "UTF-8");
  const char *pages[3];
  size_t lens[3] = { strlen(compact), strlen(pretty), 0 };

  CU_ASSERT_FATAL(cd != (iconv_t)-1);
  CU_ASSERT_FATAL(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
  iconv_close(cd);
  snprintf(compact_dump, sizeof(compact_dump), "%s", compact);
  pages[0] = compact;
  pages[1] = pretty;
  pages[2] = cp;
  lens[2] = (size_t)(o - cp);
  CU_ASSERT_NOT_EQUAL(lens[0], lens[1]);
  for (int i = 0; i < 3; i++) {
    CU_ASSERT_EQUAL(parse(pages[i], lens[i], &s), PARSE_OK);
    CU_ASSERT_EQUAL_FATAL(s.records, i + 1);
    rows[i] = row_of(&s.last);
    snprintf(hashes[i], sizeof(hashes[i]), "%s", V(record_hash));
    CU_ASSERT_EQUAL(strlen(hashes[i]), 64);
  }
  CU_ASSERT_STRING_EQUAL(rows[0], rows[1]);
  CU_ASSERT_STRING_EQUAL(rows[0], rows[2]);
  CU_ASSERT_STRING_EQUAL(hashes[0], hashes[1]);
  CU_ASSERT_STRING_EQUAL(hashes[0], hashes[2]);
  CU_ASSERT_PTR_NOT_NULL(strstr(rows[0], "Cấp bản sao & chứng thực <x> \" '"));
  /* whitespace-only content is layout too: <Trong>  </Trong> is <Trong/> */
  dumped_hash(compact, old);
  CU_ASSERT_STRING_NOT_EQUAL(hashes[0], old);
  {
    char *sp = strstr(compact_dump, "<Trong>  ") + 7;
    memmove(sp, sp + 2, strlen(sp + 2) + 1);
  }
  dumped_hash(compact_dump, old);
  CU_ASSERT_STRING_EQUAL(hashes[0], old);
  /* the indented page's own dump differs: its hash is the compact one */
  dumped_hash(pretty, old);
  CU_ASSERT_STRING_NOT_EQUAL(hashes[1], old);
  for (int i = 0; i < 3; i++)
    free(rows[i]);
  free(pretty);
  canon_release(&s.last);
}

/* A quarantined record keeps its text: the HoSo written back, well-formed,
 * with the value that failed and its escapes, whatever the layout. */
static void test_reject_raw(void)
{
  struct seen s = { 0 };
  const char *compact = PAGE("UTF-8", "",
                             HOSO("A-11", "a &amp; b", "")
                               "<HoSo><MaHoSo>A-12</MaHoSo><MaXa>11002</MaXa>"
                               "<TrangThaiHoSo>12</TrangThaiHoSo><TenTTHC>c &lt; d</TenTTHC>"
                               "<NgayCapNhat>20260402143005</NgayCapNhat></HoSo>");
  char *pretty = indented(compact), raw[2][4096];
  const char *pages[2] = { compact, pretty };

  for (int i = 0; i < 2; i++) {
    xmlDocPtr doc;
    CU_ASSERT_EQUAL(parse(pages[i], strlen(pages[i]), &s), PARSE_OK);
    CU_ASSERT_EQUAL(s.rejects, i + 1);
    CU_ASSERT_STRING_EQUAL(s.field, "TrangThaiHoSo");
    CU_ASSERT_EQUAL(s.last_index, 1);
    snprintf(raw[i], sizeof(raw[i]), "%s", s.raw);
    doc = xmlReadMemory(raw[i], (int)strlen(raw[i]), NULL, NULL, XML_PARSE_NONET);
    CU_ASSERT_PTR_NOT_NULL(doc);
    xmlFreeDoc(doc);
  }
  CU_ASSERT_STRING_EQUAL(raw[0], raw[1]);
  CU_ASSERT_STRING_EQUAL(raw[0], "<HoSo><MaHoSo>A-12</MaHoSo><MaXa>11002</MaXa>"
                                 "<TrangThaiHoSo>12</TrangThaiHoSo><TenTTHC>c &lt; d</TenTTHC>"
                                 "<NgayCapNhat>20260402143005</NgayCapNhat></HoSo>");
  free(pretty);
  canon_release(&s.last);
}

/* ---- every representation the simulator writes ------------------------------ */

/*
 * The city simulator's pages in every representation sim/repr.h can
 * produce read as the same canonical records as its default pages (a stop
 * may be dated elsewhere, never differently).
 */
static void test_sim_variants(void)
{
  fx_check_every_repr(SOURCE_CITY, fx_city_pages, 500, false);
}

static CU_TestInfo tests[] = {
  { "mapping of a HoSo", test_mapping },
  { "windows-1258 and character references", test_encodings },
  { "DOCTYPE and entities refused", test_doctype_refused },
  { "DOCTYPE behind a comment refused", test_doctype_behind_comment },
  { "truncated and error pages", test_broken_pages },
  { "a bad record among good ones", test_bad_record },
  { "one record text and hash whatever the layout", test_record_text_layouts },
  { "a rejected record keeps its text", test_reject_raw },
  { "every simulator representation reads the same", test_sim_variants },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("city_parse", tests)
