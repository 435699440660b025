/* Canonical record setters and its COPY line; the generated schema. */
#include <string.h>

#include "canonical.h"
#include "cunit_main.h"

static void test_setters(void)
{
  struct canonical_record r;
  char long_text[CANON_TEXT_MAX + 50];

  canon_init(&r);
  CU_ASSERT_EQUAL(canon_set_text(&r, DF_procedure_name, "  Đăng ký\tkhai sinh \n"), CANON_OK);
  CU_ASSERT_STRING_EQUAL(r.v[DF_procedure_name], "Đăng ký khai sinh");
  CU_ASSERT_EQUAL(canon_set_text(&r, DF_procedure_name, "   "), CANON_OK);
  CU_ASSERT_PTR_NULL(r.v[DF_procedure_name]);
  CU_ASSERT_EQUAL(canon_set_text(&r, DF_procedure_name, "bad \xff byte"), CANON_INVALID_UTF8);
  memset(long_text, 'x', sizeof(long_text) - 1);
  long_text[sizeof(long_text) - 1] = '\0';
  CU_ASSERT_EQUAL(canon_set_text(&r, DF_field_name, long_text), CANON_TOO_LONG);
  CU_ASSERT_PTR_NULL(r.v[DF_field_name]);
  long_text[CANON_TEXT_MAX] = '\0'; /* exactly the cap is fine */
  CU_ASSERT_EQUAL(canon_set_text(&r, DF_field_name, long_text), CANON_OK);
  CU_ASSERT_EQUAL(strlen(r.v[DF_field_name]), CANON_TEXT_MAX);
  CU_ASSERT_STRING_EQUAL(canon_strerror(CANON_TOO_LONG), "longer than 1000 bytes");

  CU_ASSERT_EQUAL(canon_set_code(&r, DF_source_code, " h31.11002_260401 00012 "), CANON_OK);
  CU_ASSERT_STRING_EQUAL(r.v[DF_source_code], "H31.11002-26040100012");
  memset(long_text, 'A', CANON_CODE_MAX + 10);
  long_text[CANON_CODE_MAX + 10] = '\0';
  CU_ASSERT_EQUAL(canon_set_code(&r, DF_source_code, long_text), CANON_BAD_CODE);

  CU_ASSERT_EQUAL(canon_set_time(&r, DF_received_at, time_from_local(2026, 4, 1, 0, 30, 0)),
                  CANON_OK);
  CU_ASSERT_STRING_EQUAL(r.v[DF_received_at], "2026-03-31 17:30:00+00");
  CU_ASSERT_EQUAL(canon_set_time(&r, DF_received_at, TTHC_TIME_NONE), CANON_OK);
  CU_ASSERT_PTR_NULL(r.v[DF_received_at]);
  canon_set_int(&r, DF_fee_total, -5);
  CU_ASSERT_STRING_EQUAL(r.v[DF_fee_total], "-5");
  canon_set_bool(&r, DF_has_e_result, true);
  CU_ASSERT_STRING_EQUAL(r.v[DF_has_e_result], "t");
  canon_release(&r);
  for (int i = 0; i < DF__COUNT; i++)
    CU_ASSERT_PTR_NULL(r.v[i]);
}

static void test_copy_line(void)
{
  struct canonical_record r;
  struct dynbuf b;
  size_t tabs = 0;
  const char *p;

  canon_init(&r);
  dynbuf_init(&b, 1 << 16);
  canon_set_text(&r, DF_unit_code, "11002");
  canon_take(&r, DF_field_name, strdup("a\\b\tc"));
  CU_ASSERT_EQUAL(canon_write_copy(&r, &b), DYNBUF_OK);
  for (p = dynbuf_ptr(&b); *p; p++)
    tabs += *p == '\t';
  CU_ASSERT_EQUAL(tabs, DF__COUNT - 1); /* one column per field */
  CU_ASSERT_EQUAL(dynbuf_ptr(&b)[dynbuf_len(&b) - 1], '\n');
  CU_ASSERT(strncmp(dynbuf_ptr(&b), "11002\t\\N\t", 9) == 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(dynbuf_ptr(&b), "a\\\\b\\tc")); /* escaped */
  dynbuf_release(&b);
  canon_release(&r);
}

static void test_schema(void)
{
  const char *cols = dossier_copy_columns();

  CU_ASSERT(strncmp(cols, "unit_code, source_kind, ", 24) == 0);
  CU_ASSERT(strstr(cols, ", has_complaint") != NULL);
  CU_ASSERT(cols[strlen(cols) - 1] != ' ');
  CU_ASSERT_EQUAL(dossier_field_index("unit_code"), DF_unit_code);
  CU_ASSERT_EQUAL(dossier_field_index("due_at"), DF_due_at);
  CU_ASSERT_EQUAL(dossier_field_index("nope"), -1);
  CU_ASSERT_EQUAL(dossier_fields[DF_received_at].kind, FK_TIME);
  CU_ASSERT_STRING_EQUAL(dossier_fields[DF_supplements].sql_type, "jsonb");
}

static CU_TestInfo tests[] = {
  { "setters validate and normalise", test_setters },
  { "COPY line", test_copy_line },
  { "generated schema", test_schema },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("canonical", tests)
