#include "labels.h"

#include <string.h>

const struct bieu06_column bieu06_columns[BIEU06_COLS] = {
  { NULL, NULL, "STT", "(1)" },
  { "field_name", NULL, "Lĩnh vực giải quyết", "(2)" },
  { "total", "Số hồ sơ nhận giải quyết", "Tổng số", "(3) = (4)+(5)+(6)+(7)" },
  { "received_online", "Số hồ sơ nhận giải quyết", "Trong đó: Số mới tiếp nhận trực tuyến", "(4)" },
  { "carried_over", "Số hồ sơ nhận giải quyết", "Số kỳ trước chuyển qua", "(5)" },
  { "received_direct", "Số hồ sơ nhận giải quyết", "Số mới tiếp nhận trực tiếp", "(6)" },
  { "received_postal", "Số hồ sơ nhận giải quyết",
    "Số mới tiếp nhận qua dịch vụ bưu chính công ích", "(7)" },
  { "resolved", "Số hồ sơ đã giải quyết", "Tổng số", "(8) = (9)+(10)+(11)" },
  { "resolved_early", "Số hồ sơ đã giải quyết", "Trước hạn", "(9)" },
  { "resolved_on_time", "Số hồ sơ đã giải quyết", "Đúng hạn", "(10)" },
  { "resolved_late", "Số hồ sơ đã giải quyết", "Quá hạn", "(11)" },
  { "pending", "Số hồ sơ đang giải quyết", "Tổng số", "(12) = (13)+(14)" },
  { "pending_in_time", "Số hồ sơ đang giải quyết", "Trong hạn", "(13)" },
  { "pending_late", "Số hồ sơ đang giải quyết", "Quá hạn", "(14)" },
  { "stopped", NULL, "Số hồ sơ dừng, rút, từ chối sau tiếp nhận", "(15)" },
};

/* Targets: seed-figures.md, "Targets the communes are held to": on time
 * >= 90 %, online submission >= 60 %, online payment >= 30 %, digitisation
 * of dossiers and results 100 %, reuse >= 90 %, satisfaction 95 % (the
 * higher end of "90–95 %", as the inspection outline asks). Rates without
 * a published target carry none. */
const struct rate_label rate_labels[RATE_COUNT] = {
  { "online_rate", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", NULL, 6000, NULL },
  { "on_time_rate", "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn", NULL, 9000, NULL },
  { "overdue_rate", "Tỷ lệ hồ sơ giải quyết quá hạn", NULL, RATE_NO_TARGET, NULL },
  { "component_digitised_rate", "Tỷ lệ số hóa hồ sơ (thành phần hồ sơ)", NULL, 10000, NULL },
  { "result_digitised_rate", "Tỷ lệ số hóa kết quả giải quyết", NULL, 10000, NULL },
  { "reuse_rate", "Tỷ lệ khai thác, tái sử dụng thông tin, dữ liệu số hóa", "4.3", 9000, NULL },
  { "citizen_store_rate", "Tỷ lệ hồ sơ sử dụng dữ liệu từ kho dữ liệu công dân", "4.4",
    RATE_NO_TARGET, NULL },
  { "online_payment_rate", "Tỷ lệ hồ sơ thanh toán trực tuyến phí, lệ phí", "3.6", 3000, NULL },
  { "sync_rate", "Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG", "1.4", RATE_NO_TARGET, NULL },
  { "on_time_rate_766", "Tiến độ giải quyết (trước hạn, đúng hạn, kể cả hồ sơ đang giải quyết)",
    "2.1", 9000, NULL },
  { "online_rate_766", "Cung cấp dịch vụ công trực tuyến (trực tuyến × đồng bộ)", "3.3",
    RATE_NO_TARGET, "online_rate_766_full_points" },
  { "digitised_rate_766", "Số hóa hồ sơ và kết quả giải quyết", "4.2", 10000,
    "digitised_rate_766_full_points" },
  { "satisfaction_766", "Mức độ hài lòng trong giải quyết TTHC", "5.4", 9500,
    "satisfaction_766_full_points" },
};

int rate_meets_target(enum rate_id id, long long centi)
{
  if (id >= RATE_COUNT || rate_labels[id].target_centi == RATE_NO_TARGET)
    return -1;
  return centi >= rate_labels[id].target_centi;
}

const char *rate_verdict(int met)
{
  return met < 0 ? NULL : met ? "Đạt" : "Chưa đạt";
}

const char *status_name(int status)
{
  static const char *const names[] = {
    NULL,
    "Mới đăng ký",
    "Được tiếp nhận",
    "Không được tiếp nhận",
    "Đang xử lý",
    "Yêu cầu bổ sung giấy tờ",
    "Yêu cầu thực hiện nghĩa vụ tài chính",
    "Công dân yêu cầu rút hồ sơ",
    "Dừng xử lý",
    "Đã xử lý xong",
    "Đã trả kết quả",
  };

  return status >= 1 && status <= 10 ? names[status] : NULL;
}

const char *discrepancy_class_name(const char *cls)
{
  static const char *const map[][2] = {
    { "missing_on_portal", "Thiếu trên Cổng" },
    { "stale_on_portal", "Chưa cập nhật trạng thái" },
    { "false_overdue_on_portal", "Cổng hiển thị quá hạn sai" },
    { "date_mismatch", "Lệch ngày" },
  };

  for (size_t i = 0; cls && i < sizeof map / sizeof map[0]; i++)
    if (strcmp(cls, map[i][0]) == 0)
      return map[i][1];
  return NULL;
}

const char *origin_system_name(const char *kind)
{
  if (kind && strcmp(kind, "ministry") == 0)
    return "Hệ thống của Bộ, ngành";
  if (kind && strcmp(kind, "city") == 0)
    return "Hệ thống TTHC thành phố";
  return NULL;
}
