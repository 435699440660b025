/*
 * hoso_map.h — maps a dossier in the national field set (DongBoHoSoMC: the
 * portal's HoSo, and the city system's HoSo converted to the same names) to
 * a canonical record.
 */
#ifndef TTHC_HOSO_MAP_H
#define TTHC_HOSO_MAP_H

#include "record_map.h"

/* How one system's HoSo differs from the portal's. */
struct hoso_profile {
  const char *linked_code_key; /* member holding the other system's code */
  const char *origin_system;   /* fixed origin, or NULL to read NguonDongBo */
};

extern const struct hoso_profile hoso_profile_portal; /* MaHoSoBNDP, NguonDongBo */
extern const struct hoso_profile hoso_profile_city;   /* MaHoSoQuocGia, TTHC_TP */

/* Fills m->rec from m->obj (a HoSo object, times yyyyMMddHHmmss);
 * on a problem m->failed is set with the reason. */
void hoso_map(struct mapper *m, const struct hoso_profile *profile, const struct page_ctx *page);

#endif
