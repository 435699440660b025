/*
 * catalog - procedure and department tables (see catalog.h).
 *
 * Time limits and fees are the usual national ones; weights roughly
 * follow the commune reports in ../shared/seeds (civil status and
 * certification are most of the volume).
 */
#include "catalog.h"

#include <string.h>

const struct sim_department sim_dept_ttpvhcc = { "TTPVHCC", "Trung tâm Phục vụ hành chính công" };
const struct sim_department sim_dept_pkt = { "PKT", "Phòng Kinh tế" };
const struct sim_department sim_dept_vp = { "VP", "Văn phòng HĐND-UBND" };
const struct sim_department sim_dept_pvhxh = { "PVHXH", "Phòng Văn hóa - Xã hội" };

#define HT   "HT", "Hộ tịch"
#define CT   "CT", "Chứng thực"
#define DD   "DD", "Đất đai"
#define XD   "XD", "Hoạt động xây dựng"
#define HKD  "HKD", "Thành lập và hoạt động của hộ kinh doanh"
#define BTXH "BTXH", "Bảo trợ xã hội"
#define KNTC "KNTC", "Giải quyết khiếu nại, tố cáo"

const struct sim_procedure sim_procedures[] = {
  /* code, name, field, dept, days, fee, weight, online, postal,
	 * ministry, result */
  { "1.001193", "Đăng ký khai sinh", HT, &sim_dept_ttpvhcc, 1, 0, 180, 750, 0, 650, "GKS" },
  { "1.000656", "Đăng ký khai tử", HT, &sim_dept_ttpvhcc, 1, 0, 50, 600, 0, 650, "GKT" },
  { "1.000894", "Đăng ký kết hôn", HT, &sim_dept_vp, 1, 0, 40, 300, 0, 500, "GCNKH" },
  { "1.004873", "Cấp bản sao trích lục hộ tịch", HT, &sim_dept_ttpvhcc, 1, 8000, 60, 700, 50, 600,
    "TLHT" },
  { "1.004884", "Cấp Giấy xác nhận tình trạng hôn nhân", HT, &sim_dept_vp, 3, 0, 45, 500, 0, 600,
    "XNHN" },
  { "2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", CT, &sim_dept_ttpvhcc, 0, 2000,
    250, 250, 0, 0, "BSCT" },
  { "2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", CT, &sim_dept_ttpvhcc, 0, 10000, 80,
    150, 0, 0, "CKCT" },
  { "1.003003", "Đăng ký biến động quyền sử dụng đất", DD, &sim_dept_pkt, 10, 30000, 50, 350, 100,
    0, "GCN" },
  { "1.004227", "Hòa giải tranh chấp đất đai", DD, &sim_dept_pkt, 30, 0, 10, 100, 50, 0, "BBHG" },
  { "1.009794", "Cấp giấy phép xây dựng nhà ở riêng lẻ", XD, &sim_dept_pkt, 15, 75000, 30, 450, 50,
    0, "GPXD" },
  { "2.000575", "Đăng ký thành lập hộ kinh doanh", HKD, &sim_dept_pkt, 3, 100000, 40, 600, 50, 0,
    "GCNHKD" },
  { "1.001776", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng", BTXH,
    &sim_dept_pvhxh, 7, 0, 25, 300, 100, 0, "QDTC" },
  { "1.001758", "Hỗ trợ chi phí mai táng", BTXH, &sim_dept_pvhxh, 3, 0, 10, 300, 0, 0, "QDMT" },
  { "2.002408", "Giải quyết khiếu nại lần đầu", KNTC, &sim_dept_vp, 30, 0, 5, 200, 100, 0,
    "QDGQKN" },
};

const size_t sim_nprocedures = sizeof(sim_procedures) / sizeof(sim_procedures[0]);

const struct sim_procedure *sim_procedure_find(const char *code)
{
  for (size_t i = 0; i < sim_nprocedures; i++)
    if (strcmp(sim_procedures[i].code, code) == 0)
      return &sim_procedures[i];
  return NULL;
}
