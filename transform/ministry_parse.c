/*
 * ministry_parse.c — a ministry's centralised TTHC system (JSON, cursor
 * pages, sources.md §3): the Ministry of Justice's civil-status link-up.
 * Dates are dd/MM/yyyy HH:mm:ss local; statuses are the ministry's own and
 * map to national ones (metrics.md §1): 1→1, 2→5, 3→4, 4→9 (→10 when the
 * result was handed over), 6→3.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "codes.h"
#include "json_field.h"
#include "record_map.h"
#include "source_parser.h"

/* The Ministry of Justice's system, as the portal names it in NguonDongBo. */
#define MINISTRY_ORIGIN "HOTICH_BTP"

/* v (a scalar as jf_scalar() gives it) says yes: "1" or "true". */
static int truthy_value(const char *v)
{
  return v && (!strcmp(v, "1") || !strcmp(v, "true"));
}

/* obj[key] says yes; one lookup (it was two, one per spelling). */
static int truthy(const cJSON *obj, const char *key)
{
  char buf[JF_BUF];
  return truthy_value(jf_scalar(obj, key, buf));
}

static void map_status(struct mapper *m, tthc_time returned)
{
  char buf[JF_BUF], norm[16];
  const char *v = mapper_scalar(m, m->obj, "trangThai", buf);
  long national;

  if (!v) {
    mapper_fail(m, "trangThai", "%s", "missing status");
    return;
  }
  canon_set_text(m->rec, DF_source_status, v);
  if (scalar_code(v, norm, sizeof(norm)) != CODE_OK)
    norm[0] = '\0';
  if (!strcmp(norm, "1"))
    national = 1;
  else if (!strcmp(norm, "2"))
    national = 5;
  else if (!strcmp(norm, "3"))
    national = 4;
  else if (!strcmp(norm, "4"))
    national = returned != TTHC_TIME_NONE ? 10 : 9;
  else if (!strcmp(norm, "6"))
    national = 3;
  else {
    mapper_fail(m, "trangThai", "unknown ministry status \"%.20s\"", v);
    return;
  }
  canon_set_int(m->rec, DF_status, national);
}

static void map_channel(struct mapper *m)
{
  char buf[JF_BUF];
  const char *v = mapper_scalar(m, m->obj, "kenhNop", buf);

  if (!v)
    return;
  if (!strcmp(v, "TRUC_TIEP"))
    canon_set_int(m->rec, DF_channel, 1);
  else if (!strcmp(v, "TRUC_TUYEN"))
    canon_set_int(m->rec, DF_channel, 2);
  else if (!strcmp(v, "BUU_CHINH"))
    canon_set_int(m->rec, DF_channel, 3);
  else
    mapper_fail(m, "kenhNop", "unknown channel \"%.40s\"", v);
}

static void map_objects(struct mapper *m)
{
  const cJSON *so = mapper_member(m, m->obj, "soHoa");
  const cJSON *fee = mapper_member(m, m->obj, "lePhi");
  char buf[JF_BUF];

  if (cJSON_IsObject(so)) {
    canon_set_bool(m->rec, DF_has_digitised_component, truthy(so, "thanhPhan"));
    canon_set_bool(m->rec, DF_has_e_result, truthy(so, "ketQua"));
    canon_set_bool(m->rec, DF_has_reused_component, truthy(so, "taiSuDung"));
  } else if (so && !cJSON_IsNull(so)) {
    mapper_fail(m, "soHoa", "%s", "not an object");
  }
  if (cJSON_IsObject(fee)) {
    const char *v = jf_scalar(fee, "soTien", buf);
    char *end;
    long long n;
    if (v) {
      n = strtoll(v, &end, 10);
      if (*end || n < 0 || n > 1000000000000LL) {
        mapper_fail(m, "lePhi.soTien", "not a fee in VND: \"%.40s\"", v);
        return;
      }
      canon_set_int(m->rec, DF_fee_total, n);
    }
    /* paid online through the ministry's payment gateway: the portal's 2 */
    if ((v = jf_scalar(fee, "thanhToanTrucTuyen", buf)) != NULL)
      canon_set_int(m->rec, DF_paid_online, truthy_value(v) ? 2 : 0);
  } else if (fee && !cJSON_IsNull(fee)) {
    mapper_fail(m, "lePhi", "%s", "not an object");
  }
}

static void map_ministry_record(struct mapper *m, const struct page_ctx *page)
{
  struct canonical_record *rec = m->rec;
  tthc_time received, finished, returned;
  char buf[JF_BUF], norm[CANON_CODE_MAX + 1];
  const char *mcdt;

  if (!cJSON_IsObject(m->obj)) {
    mapper_fail(m, "value", "%s", "record is not an object");
    return;
  }
  mapper_commune(m, "maDonVi", page);
  mapper_code(m, DF_source_code, "maHoSoLT");
  if (!m->failed && !rec->v[DF_source_code])
    mapper_fail(m, "maHoSoLT", "%s", "missing dossier code");
  /* maHoSoMCDT: the city one-stop code when it came through the counter */
  mcdt = mapper_scalar(m, m->obj, "maHoSoMCDT", buf);
  if (mcdt) {
    if (code_normalise(mcdt, norm, sizeof(norm)) != CODE_OK)
      mapper_fail(m, "maHoSoMCDT", "not a valid code: \"%.80s\"", mcdt);
    else if (!rec->v[DF_source_code] || strcmp(norm, rec->v[DF_source_code]))
      mapper_json(m, DF_linked_codes, "maHoSoMCDT",
                  cJSON_CreateStringArray((const char *[]){ norm }, 1));
  }
  canon_set_text(rec, DF_origin_system, MINISTRY_ORIGIN);
  if (mapper_time(m, DF_source_updated_at, "capNhatLuc") == TTHC_TIME_NONE)
    mapper_fail(m, "capNhatLuc", "%s", "missing update time");

  mapper_code(m, DF_procedure_code, "maTTHC");
  mapper_text(m, DF_procedure_name, "tenTTHC");
  map_channel(m);
  received = mapper_time(m, DF_received_at, "ngayTiepNhan");
  mapper_time(m, DF_due_at, "hanXuLy");
  finished = mapper_time(m, DF_finished_at, "thoiGianHoanThanh");
  returned = mapper_time(m, DF_returned_at, "thoiGianTraKetQua");
  map_status(m, returned);
  if (received != TTHC_TIME_NONE && finished != TTHC_TIME_NONE && finished < received)
    mapper_fail(m, "thoiGianHoanThanh", "%s",
                "processing finished before the dossier was received");
  if (received != TTHC_TIME_NONE && returned != TTHC_TIME_NONE && returned < received)
    mapper_fail(m, "thoiGianTraKetQua", "%s", "result returned before the dossier was received");
  mapper_supplements(m, "boSung", "yeuCau", "hoanThanh", NULL);
  map_objects(m);
}

static const struct record_format ministry_format = { map_ministry_record, time_parse_dmy,
                                                      "dd/MM/yyyy HH:mm:ss" };

/* status "1" is success; "0" comes with an errorCode. */
static const struct json_envelope ministry_envelope = { "value", "status", "1", "errorCode" };

static parse_result parse_ministry_page(const char *data, size_t len, const struct page_ctx *page,
                                        const struct record_sink *sink)
{
  return json_page_parse(&ministry_format, &ministry_envelope, data, len, page, sink);
}

const struct source_parser ministry_parser = {
  .kind = SOURCE_MINISTRY,
  .page_suffix = ".json",
  .parse_page = parse_ministry_page,
};
