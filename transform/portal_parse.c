/*
 * portal_parse.c — the national portal's LayDanhSachHoSo pages (JSON,
 * sources.md §1) into canonical records.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "codes.h"
#include "json_field.h"
#include "sha256.h"
#include "source_parser.h"
#include "timeutil.h"

/* Collects what is wrong with a record; the first problem is reported. */
struct mapper {
  const cJSON *hoso;
  struct canonical_record *rec;
  struct reject_info *why;
  int failed;
};

static void fail(struct mapper *m, const char *field, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void fail(struct mapper *m, const char *field, const char *fmt, ...)
{
  va_list ap;

  if (m->failed)
    return;
  m->failed = 1;
  m->why->field = field;
  va_start(ap, fmt);
  vsnprintf(m->why->reason, sizeof(m->why->reason), fmt, ap);
  va_end(ap);
}

static void map_text(struct mapper *m, enum dossier_field f, const char *key)
{
  char buf[JF_BUF];
  canon_result r = canon_set_text(m->rec, f, jf_scalar(m->hoso, key, buf));
  if (r)
    fail(m, key, "%s", canon_strerror(r));
}

static void map_code(struct mapper *m, enum dossier_field f, const char *key)
{
  char buf[JF_BUF];
  const char *v = jf_scalar(m->hoso, key, buf);
  if (canon_set_code(m->rec, f, v))
    fail(m, key, "not a valid code: \"%.80s\"", v);
}

/* A yyyyMMddHHmmss local time; returns the instant or TTHC_TIME_NONE. */
static tthc_time map_time_of(struct mapper *m, const cJSON *obj, const char *key)
{
  char buf[JF_BUF];
  const char *v = jf_scalar(obj, key, buf);
  tthc_time t = TTHC_TIME_NONE;

  switch (time_parse_compact(v, &t)) {
  case TIME_OK:
    return t;
  case TIME_ABSENT:
    return TTHC_TIME_NONE;
  case TIME_SYNTAX:
    fail(m, key, "not a yyyyMMddHHmmss time: \"%.40s\"", v);
    break;
  case TIME_RANGE:
    fail(m, key, "impossible date: \"%.40s\"", v);
    break;
  }
  return TTHC_TIME_NONE;
}

static tthc_time map_time(struct mapper *m, enum dossier_field f, const char *key)
{
  tthc_time t = map_time_of(m, m->hoso, key);
  if (canon_set_time(m->rec, f, t))
    fail(m, key, "%s", "out of memory");
  return t;
}

/* Small integer from a fixed set (lo..hi); absent stays NULL. */
static long map_small(struct mapper *m, enum dossier_field f, const char *key, long lo, long hi)
{
  char buf[JF_BUF], norm[16];
  const char *v = jf_scalar(m->hoso, key, buf);
  char *end;
  long n;

  if (!v)
    return -1;
  if (scalar_code(v, norm, sizeof(norm)) != CODE_OK) {
    fail(m, key, "unknown value \"%.40s\"", v);
    return -1;
  }
  n = strtol(norm, &end, 10);
  if (*end || n < lo || n > hi) {
    fail(m, key, "unknown value \"%.40s\"", v);
    return -1;
  }
  canon_set_int(m->rec, f, n);
  return n;
}

static void map_flag(struct mapper *m, enum dossier_field f, const char *key)
{
  char buf[JF_BUF];
  const char *v = jf_scalar(m->hoso, key, buf);
  if (v)
    canon_set_bool(m->rec, f, strcmp(v, "1") == 0);
}

static const cJSON *array_of(struct mapper *m, const char *key)
{
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(m->hoso, key);
  char buf[JF_BUF];

  /* missing, null and "" all mean absent */
  if (!a || cJSON_IsNull(a) || (cJSON_IsString(a) && !jf_scalar(m->hoso, key, buf)))
    return NULL;
  if (!cJSON_IsArray(a)) {
    fail(m, key, "%s", "not an array");
    return NULL;
  }
  return a;
}

/* TaiLieuNop[]: digitised / reused / citizen-store components. */
static void map_components(struct mapper *m)
{
  const cJSON *docs = array_of(m, "TaiLieuNop"), *d;
  int digitised = 0, reused = jf_equals(m->hoso, "HoSoCoThanhPhanSoHoa", "1"), store = 0;

  cJSON_ArrayForEach(d, docs) {
    digitised |= jf_equals(d, "DuocSoHoa", "1");
    reused |= jf_equals(d, "DuocTaiSuDung", "1") || jf_equals(d, "DuocTaiSuDung", "2");
    store |= jf_equals(d, "DuocLayTuKhoDMQG", "1");
  }
  if (docs || reused) {
    canon_set_bool(m->rec, DF_has_digitised_component, digitised);
    canon_set_bool(m->rec, DF_has_reused_component, reused);
    canon_set_bool(m->rec, DF_has_citizen_store_component, store);
  }
}

static void map_results(struct mapper *m)
{
  const cJSON *res = array_of(m, "DanhSachGiayToKetQua"), *r;
  char buf[JF_BUF];
  int eresult = 0;

  cJSON_ArrayForEach(r, res)
    eresult |= jf_scalar(r, "DuongDanTepTinKetQua", buf) != NULL;
  if (res)
    canon_set_bool(m->rec, DF_has_e_result, eresult);
}

static void map_fees(struct mapper *m)
{
  const cJSON *fees = array_of(m, "DanhSachLePhi"), *f;
  char buf[JF_BUF];
  long long total = 0;

  cJSON_ArrayForEach(f, fees) {
    const char *v = jf_scalar(f, "Gia", buf);
    char *end;
    long long n;
    if (!v)
      continue;
    n = strtoll(v, &end, 10);
    if (*end || n < 0 || n > 1000000000000LL) {
      fail(m, "DanhSachLePhi.Gia", "not a fee in VND: \"%.40s\"", v);
      return;
    }
    total += n;
  }
  if (fees)
    canon_set_int(m->rec, DF_fee_total, total);
}

static void map_payment(struct mapper *m)
{
  char buf[JF_BUF];
  const char *v = jf_scalar(m->hoso, "DuocThanhToanTrucTuyen", buf);

  if (!v)
    return;
  if (!strcmp(v, "1") || !strcmp(v, "2"))
    canon_set_int(m->rec, DF_paid_online, v[0] - '0');
  else if (!strcmp(v, "0") || !strcmp(v, "3"))
    canon_set_int(m->rec, DF_paid_online, 0);
  else
    fail(m, "DuocThanhToanTrucTuyen", "unknown value \"%.40s\"", v);
}

/* DanhSachHoSoBoSung[] as [{"requested_at","completed_at","new_due_at"}]. */
static void map_supplements(struct mapper *m)
{
  static const struct { const char *key, *name; } times[] = {
    { "NgayYeuCau", "requested_at" },
    { "NgayHoanThanh", "completed_at" },
    { "NgayHenTraMoi", "new_due_at" },
  };
  const cJSON *list = array_of(m, "DanhSachHoSoBoSung"), *s;
  cJSON *out;
  char *text;

  if (!list)
    return;
  out = cJSON_CreateArray();
  if (!out)
    goto nomem;
  cJSON_ArrayForEach(s, list) {
    cJSON *o = cJSON_CreateObject();
    tthc_time t[3];
    if (!o || !cJSON_AddItemToArray(out, o))
      goto nomem_free;
    for (int i = 0; i < 3; i++) {
      char buf[32];
      t[i] = map_time_of(m, s, times[i].key);
      if (t[i] == TTHC_TIME_NONE) {
        cJSON_AddNullToObject(o, times[i].name);
        continue;
      }
      time_format_utc(t[i], buf);
      cJSON_AddStringToObject(o, times[i].name, buf);
    }
    if (t[0] == TTHC_TIME_NONE)
      fail(m, "DanhSachHoSoBoSung.NgayYeuCau", "%s", "supplement request without a request date");
    else if (t[1] != TTHC_TIME_NONE && t[1] < t[0])
      fail(m, "DanhSachHoSoBoSung.NgayHoanThanh", "%s", "supplement completed before it was requested");
  }
  text = cJSON_PrintUnformatted(out);
  cJSON_Delete(out);
  if (!text)
    goto nomem;
  canon_take(m->rec, DF_supplements, text);
  return;
nomem_free:
  cJSON_Delete(out);
nomem:
  fail(m, "DanhSachHoSoBoSung", "%s", "out of memory");
}

static void map_linked_codes(struct mapper *m)
{
  char buf[JF_BUF], norm[CANON_CODE_MAX + 1];
  const char *v = jf_scalar(m->hoso, "MaHoSoBNDP", buf);
  cJSON *arr;
  char *text;

  if (!v)
    return;
  if (code_normalise(v, norm, sizeof(norm)) != CODE_OK) {
    fail(m, "MaHoSoBNDP", "not a valid code: \"%.80s\"", v);
    return;
  }
  if (m->rec->v[DF_source_code] && !strcmp(norm, m->rec->v[DF_source_code]))
    return; /* same as MaHoSo: no extra link */
  arr = cJSON_CreateArray();
  if (arr && cJSON_AddItemToArray(arr, cJSON_CreateString(norm)) &&
      (text = cJSON_PrintUnformatted(arr)) != NULL)
    canon_take(m->rec, DF_linked_codes, text);
  else
    fail(m, "MaHoSoBNDP", "%s", "out of memory");
  cJSON_Delete(arr);
}

/* Maps one HoSo; returns 0, or -1 with why filled. */
static int portal_record(const cJSON *hoso, const struct page_ctx *page,
                         struct canonical_record *rec, struct reject_info *why)
{
  struct mapper m = { hoso, rec, why, 0 };
  tthc_time received, finished, returned, updated;
  long status;

  if (!cJSON_IsObject(hoso)) {
    fail(&m, "HoSo", "%s", "record is not a JSON object");
    return -1;
  }
  map_code(&m, DF_unit_code, "MaXa");
  if (!m.failed && !rec->v[DF_unit_code])
    fail(&m, "MaXa", "%s", "missing commune code");
  else if (!m.failed && !commune_code_valid(rec->v[DF_unit_code]))
    fail(&m, "MaXa", "not a 5-digit commune code: \"%.40s\"", rec->v[DF_unit_code]);
  else if (!m.failed && strcmp(rec->v[DF_unit_code], page->commune) != 0)
    fail(&m, "MaXa", "commune %s in a page requested for another commune", rec->v[DF_unit_code]);

  canon_set_text(rec, DF_source_kind, source_kind_name(page->kind));
  canon_set_text(rec, DF_source_name, page->source_name);
  map_code(&m, DF_source_code, "MaHoSo");
  if (!m.failed && !rec->v[DF_source_code])
    fail(&m, "MaHoSo", "%s", "missing dossier code");
  map_linked_codes(&m);
  map_text(&m, DF_origin_system, "NguonDongBo");
  updated = map_time(&m, DF_source_updated_at, "NgayCapNhat");
  if (!m.failed && updated == TTHC_TIME_NONE)
    fail(&m, "NgayCapNhat", "%s", "missing update time");

  map_code(&m, DF_procedure_code, "MaTTHC");
  map_text(&m, DF_procedure_name, "TenTTHC");
  map_code(&m, DF_field_code, "MaLinhVuc");
  map_text(&m, DF_field_name, "TenLinhVuc");
  map_small(&m, DF_channel, "KenhThucHien", 1, 3);
  {
    char buf[JF_BUF];
    const char *v = jf_scalar(hoso, "NoiNopHoSo", buf);
    if (v && strcmp(v, "1") && strcmp(v, "2"))
      fail(&m, "NoiNopHoSo", "unknown value \"%.40s\"", v);
    else if (v)
      canon_set_bool(rec, DF_submitted_on_portal, v[0] == '1');
  }
  map_time(&m, DF_submitted_at, "NgayNopHoSo");
  map_code(&m, DF_department_code, "MaDonViXuLy");
  map_text(&m, DF_department_name, "DonViXuLy");

  status = map_small(&m, DF_status, "TrangThaiHoSo", 1, 10);
  if (!m.failed && status < 0)
    fail(&m, "TrangThaiHoSo", "%s", "missing status");
  map_text(&m, DF_source_status, "TrangThaiHoSo");
  received = map_time(&m, DF_received_at, "NgayTiepNhan");
  map_time(&m, DF_due_at, "NgayHenTra");
  finished = map_time(&m, DF_finished_at, "NgayKetThucXuLy");
  returned = map_time(&m, DF_returned_at, "NgayTra");
  map_time(&m, DF_refused_at, "NgayTuChoi");
  if (received != TTHC_TIME_NONE && finished != TTHC_TIME_NONE && finished < received)
    fail(&m, "NgayKetThucXuLy", "%s", "processing finished before the dossier was received");
  if (received != TTHC_TIME_NONE && returned != TTHC_TIME_NONE && returned < received)
    fail(&m, "NgayTra", "%s", "result returned before the dossier was received");
  map_supplements(&m);

  map_components(&m);
  map_results(&m);
  map_flag(&m, DF_vneid_verified, "TaiKhoanDuocXacThucVoiVNeID");
  map_fees(&m);
  map_payment(&m);
  map_small(&m, DF_rating, "DanhGiaHaiLong", 1, 3);
  map_flag(&m, DF_has_complaint, "CoPhanAnh");
  return m.failed ? -1 : 0;
}

static int emit(const cJSON *hoso, size_t index, const struct page_ctx *page,
                const struct record_sink *sink)
{
  struct canonical_record rec;
  struct reject_info why = { 0 };
  char *raw = cJSON_PrintUnformatted(hoso);
  int rc;

  if (!raw)
    return -2;
  canon_init(&rec);
  if (portal_record(hoso, page, &rec, &why) == 0) {
    char hex[65], loc[600];
    sha256_hex(raw, strlen(raw), hex);
    snprintf(loc, sizeof(loc), "%s#%zu", page->location, index);
    canon_set_text(&rec, DF_record_hash, hex);
    canon_set_text(&rec, DF_source_location, loc);
    rc = sink->record(sink->arg, page, index, &rec);
  } else {
    rc = sink->reject(sink->arg, page, index, &why, raw, strlen(raw));
  }
  canon_release(&rec);
  free(raw);
  return rc;
}

static parse_result parse_portal_page(const char *data, size_t len, const struct page_ctx *page,
                                      const struct record_sink *sink)
{
  cJSON *doc = cJSON_ParseWithLength(data, len);
  const cJSON *list, *hoso;
  struct reject_info why = { "result", "" };
  parse_result result = PARSE_OK;
  char buf[JF_BUF];
  size_t i = 0;

  if (!doc) {
    snprintf(why.reason, sizeof(why.reason), "page is not valid JSON (near byte %zu)",
             cJSON_GetErrorPtr() ? (size_t)(cJSON_GetErrorPtr() - data) : (size_t)0);
    goto bad_page;
  }
  if (!jf_equals(doc, "error_code", "0")) {
    const char *code = jf_scalar(doc, "error_code", buf);
    why.field = "error_code";
    snprintf(why.reason, sizeof(why.reason), "page holds an error answer (error_code %.20s)",
             code ? code : "absent");
    goto bad_page;
  }
  list = cJSON_GetObjectItemCaseSensitive(doc, "result");
  if (list && !cJSON_IsNull(list) && !cJSON_IsArray(list)) {
    snprintf(why.reason, sizeof(why.reason), "\"result\" is not an array");
    goto bad_page;
  }
  cJSON_ArrayForEach(hoso, list) {
    int rc = emit(hoso, i++, page, sink);
    if (rc == -2) {
      result = PARSE_NOMEM;
      break;
    }
    if (rc) {
      result = PARSE_STOPPED;
      break;
    }
  }
  cJSON_Delete(doc);
  return result;

bad_page:
  cJSON_Delete(doc);
  if (sink->reject(sink->arg, page, SIZE_MAX, &why, data, len))
    return PARSE_STOPPED;
  return PARSE_BAD_PAGE;
}

const struct source_parser portal_parser = {
  .kind = SOURCE_PORTAL,
  .page_suffix = ".json",
  .parse_page = parse_portal_page,
};
