/* Canonical record setters and its COPY line; the generated schema. The
 * fast paths (text already clean, integers and times written by hand, the
 * line built in one piece) agree with the general code (text_clean,
 * snprintf, time_format_utc, text_copy_escape) on generated values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"
#include "cunit_main.h"
#include "text.h"

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

/* A random text from bytes that matter to the checks: controls, DEL,
 * spaces at either end, multi-byte and broken UTF-8, backslashes. */
static void random_text(char *out, size_t max)
{
  static const char *const bits[] = {
    "a",        "Z",        "0",  " ",        "\t",           "\n",   "\r",   "\x01",
    "\x1f",     "\x7f",     "\\", "\xc3\xa9", "\xe1\xba\xa1", "\xc3", "\xff", "\xed\xa0\x80",
    "\xc0\x80", "abcdefgh", "~",  "\x80"
  };
  size_t n = 0, k = (size_t)rand() % 24;
  /* one text in two from the bytes text_clean() keeps as they are */
  size_t choices = rand() % 2 ? sizeof(bits) / sizeof(*bits) : 3;

  for (size_t i = 0; i < k; i++) {
    const char *b = bits[rand() % choices];
    if (n + strlen(b) >= max)
      break;
    memcpy(out + n, b, strlen(b));
    n += strlen(b);
  }
  out[n] = '\0';
}

/* canon_set_text() gives what text_clean() gives, whichever path it takes. */
static void test_text_agrees(void)
{
  struct canonical_record r;
  char s[256];
  int kept = 0, changed = 0, bad = 0;

  srand(7);
  canon_init(&r);
  for (int i = 0; i < 20000; i++) {
    char *clean = NULL;
    text_result want;
    canon_result got;

    random_text(s, sizeof(s));
    want = text_clean(s, CANON_TEXT_MAX, &clean);
    got = canon_set_text(&r, DF_procedure_name, s);
    if (want == TEXT_OK) {
      CU_ASSERT_EQUAL(got, CANON_OK);
      CU_ASSERT(r.v[DF_procedure_name] && !strcmp(r.v[DF_procedure_name], clean));
      if (strcmp(s, clean))
        changed++;
      else
        kept++;
    } else if (want == TEXT_ABSENT) {
      CU_ASSERT_EQUAL(got, CANON_OK);
      CU_ASSERT_PTR_NULL(r.v[DF_procedure_name]);
    } else {
      CU_ASSERT_EQUAL(got, CANON_INVALID_UTF8);
      bad++;
    }
    free(clean);
    canon_release(&r);
  }
  if (kept <= 300 || changed <= 300 || bad <= 300)
    fprintf(stderr, "kept %d, changed %d, invalid %d\n", kept, changed, bad);
  CU_ASSERT(kept > 300 && changed > 300 && bad > 300); /* every path was taken */
}

/* Integers and times as snprintf and time_format_utc write them. */
static void test_numbers_and_times(void)
{
  static const long long ints[] = {
    0, 1, -1, 9, 10, -10, 1000000000000LL, 9223372036854775807LL, -9223372036854775807LL - 1
  };
  static const tthc_time times[] = { 0,
                                     1,
                                     86399,
                                     86400,
                                     -1,
                                     -86401,
                                     1767225600,
                                     253402300799LL,
                                     253402300800LL,
                                     -62167219200LL,
                                     -62167219201LL };
  struct canonical_record r;
  char want[40];

  canon_init(&r);
  for (size_t i = 0; i < sizeof(ints) / sizeof(*ints); i++) {
    snprintf(want, sizeof(want), "%lld", ints[i]);
    CU_ASSERT_EQUAL(canon_set_int(&r, DF_fee_total, ints[i]), CANON_OK);
    CU_ASSERT_STRING_EQUAL(r.v[DF_fee_total], want);
  }
  srand(3);
  for (int i = 0; i < 20000; i++) {
    /* fixed edges, then times over a few days (the date is reused) and
     * over the whole range */
    tthc_time t = i < (int)(sizeof(times) / sizeof(*times)) ? times[i]
                  : i % 2                                   ? 1767225600 + rand() % (5 * 86400)
                          : ((tthc_time)rand() << 16) - 100000000000LL;
    time_format_utc(t, want);
    CU_ASSERT_EQUAL_FATAL(canon_set_time(&r, DF_received_at, t), CANON_OK);
    if (!want[0])
      continue; /* outside the years time_format_utc writes: "" either way */
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.v[DF_received_at]);
    if (strcmp(r.v[DF_received_at], want))
      fprintf(stderr, "time %lld: %s, want %s\n", (long long)t, r.v[DF_received_at], want);
    CU_ASSERT_STRING_EQUAL(r.v[DF_received_at], want);
  }
  canon_release(&r);
}

/* The line is what text_copy_escape() of each field gives, tab-separated, also
 * for a line too long for the one-piece buffer. */
static void test_copy_line_agrees(void)
{
  struct canonical_record r;
  struct dynbuf got, want;
  static char big[5000];

  srand(5);
  dynbuf_init(&got, 1 << 20);
  dynbuf_init(&want, 1 << 20);
  for (int i = 0; i < 3000; i++) {
    canon_init(&r);
    for (int f = 0; f < DF__COUNT; f++) {
      char s[256];
      if (rand() % 3 == 0)
        continue; /* NULL: \N */
      random_text(s, sizeof(s));
      canon_take(&r, (enum dossier_field)f, strdup(s));
    }
    if (i % 10 == 0) { /* long fields: past the one-piece buffer */
      for (size_t k = 0; k + 1 < sizeof(big); k++)
        big[k] = "ab\\\tc\n"[k % 7];
      canon_take(&r, DF_procedure_name, strdup(big));
      canon_take(&r, DF_field_name, strdup(big));
    }
    dynbuf_reset(&got);
    dynbuf_reset(&want);
    CU_ASSERT_EQUAL_FATAL(canon_write_copy(&r, &got), DYNBUF_OK);
    for (int f = 0; f < DF__COUNT; f++) {
      if (f)
        dynbuf_addc(&want, '\t');
      text_copy_escape(&want, r.v[f]);
    }
    dynbuf_addc(&want, '\n');
    CU_ASSERT_EQUAL(dynbuf_len(&got), dynbuf_len(&want));
    CU_ASSERT(!memcmp(dynbuf_ptr(&got), dynbuf_ptr(&want), dynbuf_len(&want)));
    canon_release(&r);
  }
  dynbuf_release(&got);
  dynbuf_release(&want);
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
  { "text: the fast path agrees with text_clean", test_text_agrees },
  { "integers and times as snprintf and time_format_utc write them", test_numbers_and_times },
  { "COPY line: as text_copy_escape writes it, long lines too", test_copy_line_agrees },
  { "generated schema", test_schema },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN("canonical", tests)
