#include "vntext.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

const char *vn_strerror(vn_result r)
{
  switch (r) {
  case VN_OK: return "no error";
  case VN_INVALID_UTF8: return "text is not valid UTF-8";
  case VN_TOO_LONG: return "text does not fit the buffer";
  }
  return "unknown text error";
}

/* Digits of |v| grouped by three with sep, into out (at least VN_NUM_MAX). */
static void grouped(unsigned long long v, char sep, char *out)
{
  char digits[24];
  int n = snprintf(digits, sizeof digits, "%llu", v);
  int o = 0;

  for (int i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 == 0)
      out[o++] = sep;
    out[o++] = digits[i];
  }
  out[o] = '\0';
}

void vn_int(long long v, char out[VN_NUM_MAX])
{
  unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

  if (v < 0) {
    out[0] = '-';
    grouped(mag, '.', out + 1);
  } else {
    grouped(mag, '.', out);
  }
}

void vn_centi(long long centi, char out[VN_NUM_MAX])
{
  unsigned long long mag = centi < 0 ? 0ULL - (unsigned long long)centi : (unsigned long long)centi;
  char whole[28]; /* 2^64 / 100 grouped: 22 bytes */

  grouped(mag / 100, '.', whole);
  snprintf(out, VN_NUM_MAX, "%s%s,%02llu", centi < 0 ? "-" : "", whole, mag % 100);
}

void vn_percent(long long centi, char out[VN_NUM_MAX])
{
  char num[VN_NUM_MAX];

  vn_centi(centi, num);
  snprintf(out, VN_NUM_MAX, "%.40s %%", num);
}

void vn_target(long long centi, char out[VN_NUM_MAX])
{
  char num[VN_NUM_MAX];

  if (centi == 10000) {
    snprintf(out, VN_NUM_MAX, "100 %%");
    return;
  }
  if (centi % 100 == 0)
    vn_int(centi / 100, num);
  else
    vn_centi(centi, num);
  snprintf(out, VN_NUM_MAX, "≥ %.40s %%", num);
}

void vn_pad2(long long v, char out[VN_NUM_MAX])
{
  if (v >= 0 && v < 10)
    snprintf(out, VN_NUM_MAX, "0%lld", v);
  else
    vn_int(v, out);
}

void vn_date(int y, int m, int d, char out[VN_DATE_MAX])
{
  snprintf(out, VN_DATE_MAX, "%02u/%02u/%04u", (unsigned)d % 100u, (unsigned)m % 100u,
           (unsigned)y % 10000u);
}

void vn_date_doc(int y, int m, int d, char out[VN_DATE_MAX])
{
  if (m <= 2)
    snprintf(out, VN_DATE_MAX, "%02u/%02u/%04u", (unsigned)d % 100u, (unsigned)m % 100u,
             (unsigned)y % 10000u);
  else
    snprintf(out, VN_DATE_MAX, "%02u/%u/%04u", (unsigned)d % 100u, (unsigned)m % 100u,
             (unsigned)y % 10000u);
}

void vn_local_fields(tthc_time t, int *y, int *m, int *d, int *hh, int *mi)
{
  int64_t s = t + TTHC_LOCAL_OFFSET;
  int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
  int64_t sod = s - days * 86400;
  /* civil_from_days (H. Hinnant) */
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t dd = doy - (153 * mp + 2) / 5 + 1;
  int64_t mm = mp < 10 ? mp + 3 : mp - 9;

  *y = (int)(yoe + era * 400 + (mm <= 2));
  *m = (int)mm;
  *d = (int)dd;
  *hh = (int)(sod / 3600);
  *mi = (int)(sod % 3600 / 60);
}

void vn_time(tthc_time t, char out[VN_TIME_MAX])
{
  int y, m, d, hh, mi;

  if (t == TTHC_TIME_NONE) {
    out[0] = '\0';
    return;
  }
  vn_local_fields(t, &y, &m, &d, &hh, &mi);
  snprintf(out, VN_TIME_MAX, "%02u:%02u %02u/%02u/%04u", (unsigned)hh % 100u, (unsigned)mi % 100u,
           (unsigned)d % 100u, (unsigned)m % 100u, (unsigned)y % 10000u);
}

const char *vn_roman_quarter(int q)
{
  static const char *const r[] = { "", "I", "II", "III", "IV" };

  return q >= 1 && q <= 4 ? r[q] : "";
}

/* ---- case mapping ------------------------------------------------------ */

static uint32_t decode(const unsigned char *s, size_t len)
{
  switch (len) {
  case 1: return s[0];
  case 2: return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
  case 3: return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
  default:
    return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
           (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
  }
}

static size_t encode(uint32_t c, char *out)
{
  if (c < 0x80) {
    out[0] = (char)c;
    return 1;
  }
  if (c < 0x800) {
    out[0] = (char)(0xC0 | c >> 6);
    out[1] = (char)(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    out[0] = (char)(0xE0 | c >> 12);
    out[1] = (char)(0x80 | (c >> 6 & 0x3F));
    out[2] = (char)(0x80 | (c & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | c >> 18);
  out[1] = (char)(0x80 | (c >> 12 & 0x3F));
  out[2] = (char)(0x80 | (c >> 6 & 0x3F));
  out[3] = (char)(0x80 | (c & 0x3F));
  return 4;
}

/* Latin Extended Additional case pairs (ẖ … ẟ in between are not pairs). */
static int ext_additional_pair(uint32_t c)
{
  return (c >= 0x1E00 && c <= 0x1E95) || (c >= 0x1EA0 && c <= 0x1EFF);
}

/* Upper case of the letters Vietnamese uses; c itself otherwise. */
static uint32_t upper_of(uint32_t c)
{
  if (c >= 'a' && c <= 'z')
    return c - 32;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
    return c - 0x20;
  /* Latin Extended-A pairs (upper even, lower odd): ā ă ą … đ … ĩ … ũ … */
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
    return c & 1 ? c - 1 : c;
  if (c == 0x1A1 || c == 0x1B0) /* ơ ư */
    return c - 1;
  /* Latin Extended Additional: ạ ả … ỹ, lower odd */
  if (ext_additional_pair(c))
    return c & 1 ? c - 1 : c;
  return c;
}

static uint32_t lower_of(uint32_t c)
{
  if (c >= 'A' && c <= 'Z')
    return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
    return c + 0x20;
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
    return c & 1 ? c : c + 1;
  if (c == 0x1A0 || c == 0x1AF)
    return c + 1;
  if (ext_additional_pair(c))
    return c & 1 ? c : c + 1;
  return c;
}

/* Copies s into out mapping code points through map (only the first one
 * when only_first). */
static vn_result map_text(const char *s, char *out, size_t n, uint32_t (*map)(uint32_t),
                          int only_first)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t len = strlen(s), o = 0;
  int first = 1;

  if (n == 0)
    return VN_TOO_LONG;
  while (*p) {
    size_t k = utf8_seq_len(p, len - (size_t)(p - (const unsigned char *)s));
    char enc[4];
    size_t m;
    uint32_t c;

    if (k == 0) {
      out[o] = '\0';
      return VN_INVALID_UTF8;
    }
    c = decode(p, k);
    if (!only_first || first)
      c = map(c);
    first = 0;
    m = encode(c, enc);
    if (o + m + 1 > n) {
      out[o] = '\0';
      return VN_TOO_LONG;
    }
    memcpy(out + o, enc, m);
    o += m;
    p += k;
  }
  out[o] = '\0';
  return VN_OK;
}

vn_result vn_upper(const char *s, char *out, size_t n)
{
  return map_text(s, out, n, upper_of, 0);
}

vn_result vn_lower_first(const char *s, char *out, size_t n)
{
  return map_text(s, out, n, lower_of, 1);
}

size_t vn_width(const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t len = strlen(s), w = 0;

  while (*p) {
    size_t k = utf8_seq_len(p, len - (size_t)(p - (const unsigned char *)s));

    if (k == 0) {
      w++;
      p++;
      continue;
    }
    if (!(decode(p, k) >= 0x300 && decode(p, k) <= 0x36F))
      w++;
    p += k;
  }
  return w;
}
