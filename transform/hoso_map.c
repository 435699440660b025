/* hoso_map.c — see hoso_map.h. */
#include "hoso_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "dynbuf.h"
#include "json_field.h"

const struct hoso_profile hoso_profile_portal = { "MaHoSoBNDP", NULL };
const struct hoso_profile hoso_profile_city = { "MaHoSoQuocGia", "TTHC_TP" };

/* TaiLieuNop[]: digitised / reused / citizen-store components. */
static void map_components(struct mapper *m)
{
  const cJSON *docs = mapper_array(m, "TaiLieuNop"), *d;
  int digitised = 0, reused = mapper_equals(m, m->obj, "HoSoCoThanhPhanSoHoa", "1"), store = 0;

  cJSON_ArrayForEach(d, docs)
  {
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
  const cJSON *res = mapper_array(m, "DanhSachGiayToKetQua"), *r;
  char buf[JF_BUF];
  int eresult = 0;

  cJSON_ArrayForEach(r, res) eresult |= jf_scalar(r, "DuongDanTepTinKetQua", buf) != NULL;
  if (res)
    canon_set_bool(m->rec, DF_has_e_result, eresult);
}

static void map_fees(struct mapper *m)
{
  const cJSON *fees = mapper_array(m, "DanhSachLePhi"), *f;
  char buf[JF_BUF];
  long long total = 0;

  cJSON_ArrayForEach(f, fees)
  {
    const char *v = jf_scalar(f, "Gia", buf);
    char *end;
    long long n;
    if (!v)
      continue;
    n = strtoll(v, &end, 10);
    if (*end || n < 0 || n > 1000000000000LL) {
      mapper_fail(m, "DanhSachLePhi.Gia", "not a fee in VND: \"%.40s\"", v);
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
  const char *v = mapper_scalar(m, m->obj, "DuocThanhToanTrucTuyen", buf);

  if (!v)
    return;
  if (!strcmp(v, "1") || !strcmp(v, "2"))
    canon_set_int(m->rec, DF_paid_online, v[0] - '0');
  else if (!strcmp(v, "0") || !strcmp(v, "3"))
    canon_set_int(m->rec, DF_paid_online, 0);
  else
    mapper_fail(m, "DuocThanhToanTrucTuyen", "unknown value \"%.40s\"", v);
}

static void map_linked_codes(struct mapper *m, const char *key)
{
  char buf[JF_BUF], norm[CANON_CODE_MAX + 1];
  const char *v = mapper_scalar(m, m->obj, key, buf);
  cJSON *arr;

  if (!v)
    return;
  if (code_normalise(v, norm, sizeof(norm)) != CODE_OK) {
    mapper_fail(m, key, "not a valid code: \"%.80s\"", v);
    return;
  }
  if (m->rec->v[DF_source_code] && !strcmp(norm, m->rec->v[DF_source_code]))
    return; /* same as MaHoSo: no extra link */
  arr = cJSON_CreateArray();
  if (!arr || !cJSON_AddItemToArray(arr, cJSON_CreateString(norm)) ||
      canon_set_json(m->rec, DF_linked_codes, arr))
    mapper_fail(m, key, "%s", "out of memory");
  cJSON_Delete(arr);
}

/* s as a JSON string, as cJSON_PrintUnformatted writes it: its bytes as
 * they are but '"', '\\' and control characters escaped. */
static dynbuf_result json_string(struct dynbuf *b, const char *s)
{
  dynbuf_result r = dynbuf_addc(b, '"');

  while (!r && *s) {
    size_t n = 0;
    while (s[n] && s[n] != '"' && s[n] != '\\' && (unsigned char)s[n] >= 0x20)
      n++;
    if (n) {
      r = dynbuf_add(b, s, n);
      s += n;
      continue;
    }
    switch (*s) {
    case '"': r = dynbuf_add(b, "\\\"", 2); break;
    case '\\': r = dynbuf_add(b, "\\\\", 2); break;
    case '\b': r = dynbuf_add(b, "\\b", 2); break;
    case '\f': r = dynbuf_add(b, "\\f", 2); break;
    case '\n': r = dynbuf_add(b, "\\n", 2); break;
    case '\r': r = dynbuf_add(b, "\\r", 2); break;
    case '\t': r = dynbuf_add(b, "\\t", 2); break;
    default: r = dynbuf_printf(b, "\\u%04x", (unsigned char)*s); break;
    }
    s++;
  }
  return r ? r : dynbuf_addc(b, '"');
}

/* One step as {"at":...,"status":N,"department":... or null}. */
static dynbuf_result step_json(struct dynbuf *b, const char *at, long status, const char *dept)
{
  char num[48];
  dynbuf_result r;
  int n = snprintf(num, sizeof(num), ",\"status\":%ld,\"department\":", status);

  if ((r = dynbuf_add(b, "{\"at\":", 6)) || (r = json_string(b, at)) ||
      (r = dynbuf_add(b, num, (size_t)n)))
    return r;
  r = dept ? json_string(b, dept) : dynbuf_add(b, "null", 4);
  return r ? r : dynbuf_addc(b, '}');
}

/* QuaTrinhXuLy[] (city steps: thoiDiem, trangThai, phongBan) as
 * [{"at","status","department"}], written directly in the text cJSON
 * would print for it (no tree per step to print again). */
static void map_steps(struct mapper *m)
{
  const cJSON *list = mapper_array(m, "QuaTrinhXuLy"), *b;
  struct dynbuf out;
  dynbuf_result r;

  if (!list)
    return;
  dynbuf_init(&out, 1u << 24);
  r = dynbuf_addc(&out, '[');
  cJSON_ArrayForEach(b, list)
  {
    char buf[JF_BUF], at[32], norm[16], dept[CANON_CODE_MAX + 1];
    const char *st = jf_scalar(b, "trangThai", buf);
    tthc_time t = mapper_time_of(m, b, "thoiDiem");
    long n;

    if (t == TTHC_TIME_NONE || !st || scalar_code(st, norm, sizeof(norm)) != CODE_OK ||
        (n = strtol(norm, NULL, 10)) < 1 || n > 10) {
      mapper_fail(m, "QuaTrinhXuLy.Buoc", "step without a time or a national status (\"%.20s\")",
                  st ? st : "");
      break;
    }
    time_format_utc(t, at);
    if (!r && b != list->child)
      r = dynbuf_addc(&out, ',');
    if (!r)
      r = step_json(&out, at, n,
                    code_normalise(jf_scalar(b, "phongBan", buf), dept, sizeof(dept)) == CODE_OK
                      ? dept
                      : NULL);
  }
  if (!r)
    r = dynbuf_addc(&out, ']');
  if (r)
    mapper_fail(m, "QuaTrinhXuLy", "%s", dynbuf_strerror(r));
  else if (!m->failed) {
    canon_take(m->rec, DF_steps, out.buf); /* the buffer is the record's now */
    out.buf = NULL;
  }
  dynbuf_release(&out);
}

void hoso_map(struct mapper *m, const struct hoso_profile *profile, const struct page_ctx *page)
{
  struct canonical_record *rec = m->rec;
  const cJSON *hoso = m->obj;
  tthc_time received, finished, returned, updated;
  long status;

  if (!cJSON_IsObject(hoso)) {
    mapper_fail(m, "HoSo", "%s", "record is not an object");
    return;
  }
  mapper_commune(m, "MaXa", page);
  mapper_code(m, DF_source_code, "MaHoSo");
  if (!m->failed && !rec->v[DF_source_code])
    mapper_fail(m, "MaHoSo", "%s", "missing dossier code");
  map_linked_codes(m, profile->linked_code_key);
  if (profile->origin_system)
    canon_set_text(rec, DF_origin_system, profile->origin_system);
  else
    mapper_text(m, DF_origin_system, "NguonDongBo");
  updated = mapper_time(m, DF_source_updated_at, "NgayCapNhat");
  if (!m->failed && updated == TTHC_TIME_NONE)
    mapper_fail(m, "NgayCapNhat", "%s", "missing update time");

  mapper_code(m, DF_procedure_code, "MaTTHC");
  mapper_text(m, DF_procedure_name, "TenTTHC");
  mapper_code(m, DF_field_code, "MaLinhVuc");
  mapper_text(m, DF_field_name, "TenLinhVuc");
  mapper_small(m, DF_channel, "KenhThucHien", 1, 3);
  {
    char buf[JF_BUF];
    const char *v = mapper_scalar(m, hoso, "NoiNopHoSo", buf);
    if (v && strcmp(v, "1") && strcmp(v, "2"))
      mapper_fail(m, "NoiNopHoSo", "unknown value \"%.40s\"", v);
    else if (v)
      canon_set_bool(rec, DF_submitted_on_portal, v[0] == '1');
  }
  mapper_time(m, DF_submitted_at, "NgayNopHoSo");
  mapper_code(m, DF_department_code, "MaDonViXuLy");
  mapper_text(m, DF_department_name, "DonViXuLy");

  status = mapper_small(m, DF_status, "TrangThaiHoSo", 1, 10);
  if (!m->failed && status < 0)
    mapper_fail(m, "TrangThaiHoSo", "%s", "missing status");
  mapper_text(m, DF_source_status, "TrangThaiHoSo");
  received = mapper_time(m, DF_received_at, "NgayTiepNhan");
  mapper_time(m, DF_due_at, "NgayHenTra");
  finished = mapper_time(m, DF_finished_at, "NgayKetThucXuLy");
  returned = mapper_time(m, DF_returned_at, "NgayTra");
  mapper_time(m, DF_refused_at, "NgayTuChoi");
  if (received != TTHC_TIME_NONE && finished != TTHC_TIME_NONE && finished < received)
    mapper_fail(m, "NgayKetThucXuLy", "%s", "processing finished before the dossier was received");
  if (received != TTHC_TIME_NONE && returned != TTHC_TIME_NONE && returned < received)
    mapper_fail(m, "NgayTra", "%s", "result returned before the dossier was received");
  mapper_supplements(m, "DanhSachHoSoBoSung", "NgayYeuCau", "NgayHoanThanh", "NgayHenTraMoi");

  map_components(m);
  map_results(m);
  mapper_flag(m, DF_vneid_verified, "TaiKhoanDuocXacThucVoiVNeID");
  map_fees(m);
  map_payment(m);
  mapper_small(m, DF_rating, "DanhGiaHaiLong", 1, 3);
  mapper_flag(m, DF_has_complaint, "CoPhanAnh");
  mapper_small(m, DF_service_level, "MucDoDVC", 2, 4);
  map_steps(m);
}
