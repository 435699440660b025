#include "output.h"

#include <string.h>

#include "labels.h"
#include "parts.h"

const struct part_info part_infos[] = {
  { PART_CCHC, "cchc", PART_TITLE_CCHC, "Cải cách TTHC (II.2)" },
  { PART_BIEU06, "bieu06", PART_TITLE_BIEU06, "Biểu 06" },
  { PART_RATES, "rates", PART_TITLE_RATES, "Tỷ lệ" },
  { PART_OVERDUE, "overdue", PART_TITLE_OVERDUE, "Quá hạn theo phòng ban" },
  { PART_DISCREPANCIES, "discrepancies", PART_TITLE_DISC, "Sai lệch trên Cổng DVCQG" },
  { PART_MONTHLY, "monthly", PART_TITLE_MONTHLY, "Theo tháng" },
};
const size_t part_count = sizeof part_infos / sizeof part_infos[0];

const char *part_roman(int n)
{
  static const char *const r[] = {
    "", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"
  };

  return n >= 1 && n <= 10 ? r[n] : "";
}

const char *output_strerror(output_result r)
{
  switch (r) {
  case OUTPUT_OK: return "no error";
  case OUTPUT_IO: return "could not write the report";
  case OUTPUT_XLSX: return "could not write the workbook";
  case OUTPUT_NOMEM: return "out of memory";
  }
  return "unknown output error";
}

static const char *const format_names[FORMAT_COUNT] = { "text", "csv", "json", "xlsx", "html" };

const char *report_format_ext(report_format f)
{
  static const char *const ext[FORMAT_COUNT] = { "txt", "csv", "json", "xlsx", "html" };

  return (unsigned)f < FORMAT_COUNT ? ext[f] : "";
}

/* The bit of one name of names[0..n), or 0. */
static unsigned name_bit(const char *p, size_t len, const char *const *names, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (strlen(names[i]) == len && strncmp(p, names[i], len) == 0)
      return 1u << i;
  return 0;
}

int report_formats_parse(const char *s, unsigned *out)
{
  unsigned bits = 0;

  if (s && strcmp(s, "all") == 0) {
    *out = (1u << FORMAT_COUNT) - 1;
    return 0;
  }
  for (const char *p = s; p && *p;) {
    size_t n = strcspn(p, ",");
    unsigned b = name_bit(p, n, format_names, FORMAT_COUNT);

    if (!b)
      return -1;
    bits |= b;
    p += n + (p[n] == ',');
  }
  if (!bits)
    return -1;
  *out = bits;
  return 0;
}

int report_parts_parse(const char *s, unsigned *out)
{
  unsigned bits = 0;
  const char *p = s;

  while (p && *p) {
    size_t n = strcspn(p, ",");
    size_t i;

    for (i = 0; i < part_count; i++)
      if (strlen(part_infos[i].key) == n && strncmp(p, part_infos[i].key, n) == 0)
        break;
    if (i == part_count)
      return -1;
    bits |= part_infos[i].bit;
    p += n + (p[n] == ',');
  }
  if (!bits)
    return -1;
  *out = bits;
  return 0;
}
