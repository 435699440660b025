#include "cchc.h"

#include <stdio.h>
#include <string.h>

#include "vntext.h"

/* Builder over the caller's array: items past max are dropped. */
struct builder {
  struct cchc_item *items;
  size_t n, max;
};

static struct cchc_item *add(struct builder *b, const char *number, const char *key,
                             const char *label)
{
  static struct cchc_item sink;
  struct cchc_item *it = b->n < b->max ? &b->items[b->n] : &sink;

  b->n += b->n < b->max;
  memset(it, 0, sizeof *it);
  it->number = number;
  it->key = key;
  it->label = label;
  it->held = true;
  it->target_centi = RATE_NO_TARGET;
  it->met = -1;
  return it;
}

static void not_held(struct builder *b, const char *number, const char *key, const char *label,
                     const char *why)
{
  struct cchc_item *it = add(b, number, key, label);

  it->held = false;
  snprintf(it->note, sizeof it->note, "%s", why);
}

static struct cchc_item *count(struct builder *b, const char *number, const char *key,
                               const char *label, long long v, const char *unit)
{
  struct cchc_item *it = add(b, number, key, label);

  it->has_count = true;
  it->count = v;
  it->count_unit = unit;
  return it;
}

static struct cchc_item *share(struct builder *b, const char *number, const char *key,
                               const char *label, struct share s, long target)
{
  struct cchc_item *it = add(b, number, key, label);

  it->has_share = true;
  it->share = s;
  it->target_centi = target;
  it->met = s.present && target != RATE_NO_TARGET ? s.centi >= target : -1;
  return it;
}

static struct cchc_item *rate(struct builder *b, const char *number, const struct report_figures *f,
                              enum rate_id id, const char *label)
{
  return share(b, number, rate_labels[id].key, label, f->rates[id].value,
               rate_labels[id].target_centi);
}

static void percent_or_none(struct share s, char out[VN_NUM_MAX])
{
  if (s.present)
    vn_percent(s.centi, out);
  else
    snprintf(out, VN_NUM_MAX, "—");
}

/* 1. received, resolved, on time, overdue, online. */
static void intake(struct builder *b, const struct report_figures *f)
{
  const struct bieu06_row *t = figures_total(f);
  struct bieu06_row zero = { 0 };
  char a[VN_NUM_MAX], c[VN_NUM_MAX], d[VN_NUM_MAX], e[VN_NUM_MAX], g[VN_NUM_MAX];
  struct cchc_item *it;

  t = t ? t : &zero;
  it = count(b, "1", "received_total", "Tổng số hồ sơ TTHC tiếp nhận", t->total, "hồ sơ");
  vn_int(bieu06_received(t), a);
  vn_int(t->received_online, c);
  vn_int(t->received_direct, d);
  vn_int(t->received_postal, e);
  vn_int(t->carried_over, g);
  snprintf(it->note, sizeof it->note,
           "Tiếp nhận trong kỳ %s (trực tuyến %s, trực tiếp %s, qua bưu chính %s); "
           "từ kỳ trước chuyển qua %s",
           a, c, d, e, g);
  count(b, "1.1", "resolved", "Số hồ sơ đã giải quyết", bieu06_resolved(t), "hồ sơ");
  it = rate(b, "1.2", f, RATE_ON_TIME, "Số hồ sơ đã giải quyết đúng hạn; đạt tỷ lệ");
  it->key = "resolved_in_time";
  it->has_count = true;
  it->count = t->resolved_early + t->resolved_on_time;
  it->count_unit = "hồ sơ";
  vn_int(t->resolved_early, a);
  vn_int(t->resolved_on_time, c);
  snprintf(it->note, sizeof it->note, "Trước hạn %s, đúng hạn %s", a, c);
  it = count(b, "1.3", "overdue", "Số hồ sơ quá hạn", t->resolved_late + t->pending_late, "hồ sơ");
  vn_int(t->resolved_late, a);
  vn_int(t->pending_late, c);
  snprintf(it->note, sizeof it->note, "Đã giải quyết quá hạn %s, đang giải quyết quá hạn %s", a, c);
  rate(b, "1.4", f, RATE_ONLINE, "Tỷ lệ hồ sơ trực tuyến");
}

/* 2–7: where procedures are offered and where dossiers are handled. */
static void channels(struct builder *b, const struct report_figures *f)
{
  const struct cchc_counts *k = &f->cchc;
  struct cchc_item *it;
  char a[VN_NUM_MAX], c[VN_NUM_MAX];

  not_held(b, "2", "procedures_at_center",
           "Tỷ lệ thủ tục hành chính được đưa ra thực hiện tại Trung tâm Phục vụ hành chính công",
           "Kho chỉ có hồ sơ; danh mục TTHC đưa ra thực hiện tại Trung tâm không có trên các hệ "
           "thống nguồn.");
  it = share(b, "3", "full_online_procedures",
             "Tỷ lệ thủ tục hành chính đủ điều kiện cung cấp dịch vụ công trực tuyến toàn trình "
             "được cung cấp trên Cổng Dịch vụ công quốc gia",
             k->full_online, 8000);
  vn_int(k->procedures_full, a);
  vn_int(k->procedures_level, c);
  snprintf(it->note, sizeof it->note,
           "%s trong %s thủ tục có hồ sơ tiếp nhận trong kỳ (có ghi mức độ dịch vụ) ở mức "
           "toàn trình (mức 4); các hệ thống không cho biết thủ tục nào đủ điều kiện",
           a, c);
  it = rate(b, "4", f, RATE_ONLINE_PAYMENT,
            "Tỷ lệ hồ sơ được thanh toán trực tuyến trên Cổng Dịch vụ công quốc gia trên tổng "
            "số giao dịch thanh toán của dịch vụ công");
  snprintf(it->note, sizeof it->note,
           "Hồ sơ tiếp nhận trong kỳ có phí, lệ phí đã thanh toán trực tuyến / hồ sơ có phí, "
           "lệ phí");
  not_held(b, "5", "independent_of_boundaries",
           "Tỷ lệ thủ tục hành chính được thực hiện không phụ thuộc vào địa giới hành chính "
           "trong phạm vi thành phố",
           "Các hệ thống nguồn không ghi thủ tục nào được thực hiện không phụ thuộc địa giới "
           "hành chính.");
  it = share(b, "6", "on_origin_systems",
             "Tỷ lệ hồ sơ giải quyết TTHC được cập nhật, xử lý trên Hệ thống thông tin giải "
             "quyết TTHC của thành phố hoặc trên Hệ thống do Bộ, ngành Trung ương quản lý",
             k->on_origin_share, RATE_NO_TARGET);
  vn_int(k->on_origin, a);
  snprintf(it->note, sizeof it->note,
           "%s hồ sơ tiếp nhận trong kỳ có trên hệ thống của thành phố hoặc của Bộ, ngành", a);
  it = share(b, "7", "synced_full",
             "Tỷ lệ hồ sơ giải quyết TTHC được đồng bộ đầy đủ trên Cổng Dịch vụ công quốc gia",
             k->synced_full_share, RATE_NO_TARGET);
  vn_int(k->synced_full, a);
  snprintf(it->note, sizeof it->note,
           "%s hồ sơ tiếp nhận trong kỳ có trên Cổng và không sai lệch (trạng thái, ngày)", a);
}

/* 8–10: digitisation, electronic results, reuse. */
static void digitisation(struct builder *b, const struct report_figures *f)
{
  struct cchc_item *it;
  char a[VN_NUM_MAX], c[VN_NUM_MAX];

  it = rate(b, "8", f, RATE_DIGITISED_766,
            "Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính");
  percent_or_none(f->rates[RATE_COMPONENT_DIGITISED].value, a);
  percent_or_none(f->rates[RATE_RESULT_DIGITISED].value, c);
  snprintf(it->note, sizeof it->note,
           "Chỉ số 4.2 (Bộ chỉ số 766); riêng thành phần hồ sơ %s, kết quả %s", a, c);
  rate(b, "9", f, RATE_RESULT_DIGITISED, "Tỷ lệ cấp kết quả giải quyết thủ tục hành chính điện tử");
  rate(b, "10", f, RATE_REUSE,
       "Tỷ lệ dữ liệu thông tin thủ tục hành chính được khai thác, tái sử dụng lại thông tin, "
       "dữ liệu đã được số hóa");
}

/* 11–13: complaints, communication, satisfaction. */
static void feedback(struct builder *b, const struct report_figures *f)
{
  struct cchc_item *it;
  char a[VN_NUM_MAX];

  it = count(b, "11.1", "complaints_received",
             "Phản ánh, kiến nghị (PAKN) về tiếp nhận và giải quyết TTHC: tổng số PAKN tiếp nhận",
             f->cchc.complaints, "PAKN");
  snprintf(it->note, sizeof it->note, "Hồ sơ tiếp nhận trong kỳ có PAKN trên Cổng DVCQG");
  not_held(b, "11.2", "complaints_resolved", "Tổng số PAKN đã được giải quyết",
           "Cổng DVCQG chỉ cho biết hồ sơ có PAKN, không cho biết PAKN đã được giải quyết.");
  not_held(b, "12", "communication",
           "Công tác truyền thông và sáng kiến, mô hình, giải pháp cải cách TTHC",
           "Nội dung tường thuật, không phải số liệu của hệ thống.");
  not_held(b, "13", "satisfaction_measurement",
           "Hình thức triển khai đo lường mức độ hài lòng của người dân, doanh nghiệp về giải "
           "quyết thủ tục hành chính",
           "Nội dung tường thuật; số liệu mức độ hài lòng ở các mục 13.1, 13.2.");
  it = rate(b, "13.1", f, RATE_SATISFACTION_766, "Mức độ hài lòng (tối thiểu 95 %)");
  snprintf(it->note, sizeof it->note,
           "Chỉ số 5.4: 100 − (tỷ lệ quá hạn + tỷ lệ hồ sơ có PAKN hoặc đánh giá không hài lòng)");
  it = share(b, "13.2", "satisfaction_land", "Mức độ hài lòng lĩnh vực đất đai (tối thiểu 90 %)",
             f->cchc.land_satisfaction, 9000);
  vn_int(f->cchc.land_resolved, a);
  snprintf(it->note, sizeof it->note, "Cùng công thức trên %s hồ sơ lĩnh vực Đất đai đã giải quyết",
           a);
}

/* Short names of the items with a percentage, for charts. */
static void chart_names(struct cchc_item *items, size_t n)
{
  static const char *const names[][2] = {
    { "1.2", "Giải quyết đúng hạn" },         { "1.4", "Hồ sơ trực tuyến" },
    { "3", "TTHC trực tuyến toàn trình" },    { "4", "Thanh toán trực tuyến" },
    { "6", "Xử lý trên hệ thống TP, Bộ" },    { "7", "Đồng bộ đầy đủ lên Cổng" },
    { "8", "Số hóa hồ sơ, kết quả" },         { "9", "Kết quả điện tử" },
    { "10", "Tái sử dụng dữ liệu" },          { "13.1", "Mức độ hài lòng" },
    { "13.2", "Hài lòng, lĩnh vực đất đai" },
  };

  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
      if (strcmp(items[i].number, names[k][0]) == 0)
        items[i].chart = names[k][1];
}

size_t cchc_build(const struct report_figures *f, struct cchc_item *items, size_t max)
{
  struct builder b = { items, 0, max };

  intake(&b, f);
  channels(&b, f);
  digitisation(&b, f);
  feedback(&b, f);
  chart_names(items, b.n);
  return b.n;
}

void cchc_value_text(const struct cchc_item *it, char *out, size_t n)
{
  char c[VN_NUM_MAX], s[VN_NUM_MAX];

  if (!it->held) {
    snprintf(out, n, "%s", CCHC_NOT_HELD);
    return;
  }
  if (it->has_count)
    vn_int(it->count, c);
  if (it->has_share && it->share.present)
    vn_percent(it->share.centi, s);
  if (it->has_count && it->has_share && it->share.present)
    snprintf(out, n, "%s %s (%s)", c, it->count_unit, s);
  else if (it->has_count)
    snprintf(out, n, "%s %s", c, it->count_unit);
  else if (it->has_share && it->share.present)
    snprintf(out, n, "%s", s);
  else
    snprintf(out, n, "%s", LABEL_NO_DATA);
}
