/* xmlsafe: a DOCTYPE is found wherever the prolog hides it, in any
 * encoding the document declares, and a reader is never opened on it. */
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "xmlsafe.h"

#define DTD   "<!DOCTYPE a [<!ENTITY e \"eeeeeeeeee\"><!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
#define ROOT  "<a>&e;&x;</a>"
#define DECL8 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"

static bool has(const char *s)
{
  return xml_has_doctype(s, strlen(s));
}

/* The bypass of issue 10: a comment holding '<' before the DOCTYPE. */
static void test_comment_before_doctype(void)
{
  CU_ASSERT_TRUE(has(DECL8 "<!-- <x> -->" DTD ROOT));
  CU_ASSERT_TRUE(has("<!--<!- <!DOCTYPE b> -->" DTD ROOT));
  CU_ASSERT_TRUE(has(DECL8 "<!-- > -->" DTD ROOT));
}

static void test_pi_bom_whitespace(void)
{
  CU_ASSERT_TRUE(has(DECL8 "<?pi <a> ?>" DTD ROOT));
  CU_ASSERT_TRUE(has("\xEF\xBB\xBF" DECL8 "\r\n\t " DTD ROOT));
  CU_ASSERT_TRUE(has(DTD ROOT)); /* no declaration at all */
  CU_ASSERT_TRUE(has(DECL8 "<!DOCTYPE a SYSTEM \"http://example.invalid/a.dtd\"><a/>"));
  CU_ASSERT_TRUE(has(DECL8 "<!DOCTYPE a PUBLIC \"-//x//y\" \"a.dtd\"><a/>"));
}

/* The same document in another encoding. */
static char *convert(const char *to, const char *s, size_t *outlen)
{
  iconv_t cd = iconv_open(to, "UTF-8");
  size_t inleft = strlen(s), outleft = 4 * inleft + 8;
  char *out = calloc(1, outleft), *in = (char *)s, *o = out;

  CU_ASSERT_FATAL(cd != (iconv_t)-1 && out);
  CU_ASSERT_FATAL(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
  iconv_close(cd);
  *outlen = (size_t)(o - out);
  return out;
}

static void test_other_encodings(void)
{
  static const char *const encodings[] = { "UTF-16LE", "UTF-16BE", "WINDOWS-1258" };
  static const char *const declared[] = { "UTF-16", "UTF-16", "windows-1258" };

  for (int i = 0; i < 3; i++) {
    char doc[400];
    size_t len;
    char *conv, *with_bom;

    snprintf(doc, sizeof(doc),
             "%s<?xml version=\"1.0\" encoding=\"%s\"?><!-- <Tiếng Việt> -->" DTD ROOT,
             i < 2 ? "\xEF\xBB\xBF" : "", declared[i]);
    conv = convert(encodings[i], doc, &len);
    CU_ASSERT_TRUE(xml_has_doctype(conv, len));
    /* and the same without a DOCTYPE is not one */
    snprintf(doc, sizeof(doc), "%s<?xml version=\"1.0\" encoding=\"%s\"?><!-- <x> --><a/>",
             i < 2 ? "\xEF\xBB\xBF" : "", declared[i]);
    with_bom = convert(encodings[i], doc, &len);
    CU_ASSERT_FALSE(xml_has_doctype(with_bom, len));
    free(conv);
    free(with_bom);
  }
}

static void test_no_doctype(void)
{
  CU_ASSERT_FALSE(has(DECL8 "<a/>"));
  CU_ASSERT_FALSE(has(DECL8 "<!-- <!DOCTYPE a [<!ENTITY e \"e\">]> --><a/>"));
  CU_ASSERT_FALSE(has(DECL8 "<a><![CDATA[<!DOCTYPE a>]]></a>"));
  CU_ASSERT_FALSE(has(DECL8 "<a>&lt;!DOCTYPE a&gt;</a>"));
  CU_ASSERT_FALSE(has(""));
  CU_ASSERT_FALSE(has("not xml at all"));
  CU_ASSERT_FALSE(xml_has_doctype(NULL, 0));
}

static void test_reader_refuses(void)
{
  static const char *const docs[] = { DECL8 "<!-- <x> -->" DTD ROOT, DECL8 "<?pi <a>?>" DTD ROOT,
                                      "\xEF\xBB\xBF" DTD ROOT };
  for (int i = 0; i < 3; i++) {
    struct xml_error first;
    bool doctype = false;
    xmlTextReaderPtr r = xml_reader_open(docs[i], strlen(docs[i]), &first, &doctype);

    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT_TRUE(doctype);
    xmlFreeTextReader(r);
  }
  {
    const char *ok = DECL8 "<!-- <x> --><a>b</a>";
    struct xml_error first;
    bool doctype = true;
    xmlTextReaderPtr r = xml_reader_open(ok, strlen(ok), &first, &doctype);

    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_FALSE(doctype);
    while (xmlTextReaderRead(r) == 1)
      ;
    CU_ASSERT_STRING_EQUAL(first.message, "");
    xmlFreeTextReader(r);
  }
}

/* Reads doc to its end; the first error. */
static struct xml_error read_all(const char *doc, size_t len)
{
  struct xml_error first;
  bool doctype;
  xmlTextReaderPtr r = xml_reader_open(doc, len, &first, &doctype);

  CU_ASSERT_PTR_NOT_NULL_FATAL(r);
  while (xmlTextReaderRead(r) == 1)
    ;
  xmlFreeTextReader(r);
  return first;
}

/* A page cut off anywhere past its declaration says it ended early; what
 * the parser refuses in a complete page does not. */
static void test_unterminated_or_refused(void)
{
  static const char page[] =
    DECL8 "\n<KetQuaTraCuu>\n  <MaLoi>0</MaLoi><MoTaLoi>Thành công</MoTaLoi>\n"
          "<DanhSachHoSo><HoSo><MaHoSo a=\"x&amp;y\">A&#7879;</MaHoSo><!-- c --><?pi x?>"
          "<Buoc thoiDiem=\"2026\" /></HoSo></DanhSachHoSo>\n</KetQuaTraCuu>\n";
  static const char *const refused[] = {
    "<a>x\xff y</a>", "<a>x&#0;y</a>", "<a>&#xD800;</a>", "<a b='1' b='2'/>",
    "<a>x</b>",       "</r><b/>",      "</r> junk",       "<a>&e;</a>",
  };
  int cut_ok = 0, cuts = 0;

  for (size_t cut = sizeof(DECL8) + 2; cut < sizeof(page) - 2; cut++, cuts++) {
    struct xml_error e = read_all(page, cut);
    cut_ok += e.message[0] && e.unterminated;
  }
  /* a few cuts (inside a comment's or a tag's name) read as refused content */
  CU_ASSERT_TRUE(cut_ok >= cuts * 9 / 10);
  for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
    char doc[2048];
    struct xml_error e;

    snprintf(doc, sizeof(doc), "<r>%0900d%s</r>", 0, refused[i]);
    e = read_all(doc, strlen(doc));
    CU_ASSERT_STRING_NOT_EQUAL(e.message, "");
    CU_ASSERT_FALSE(e.unterminated);
  }
}

static int init(void)
{
  xml_global_init();
  return 0;
}

static int clean(void)
{
  xml_global_cleanup();
  return 0;
}

static CU_TestInfo tests[] = {
  { "comment before the DOCTYPE", test_comment_before_doctype },
  { "PI, BOM, whitespace, external", test_pi_bom_whitespace },
  { "UTF-16, windows-1258", test_other_encodings },
  { "no DOCTYPE", test_no_doctype },
  { "reader refuses", test_reader_refuses },
  { "cut off or refused", test_unterminated_or_refused },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN_WITH("xmlsafe", tests, init, clean)
