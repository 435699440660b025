/* libFuzzer harness: the extractor's page scans (adapter.h scan_page of
 * the portal, city and ministry adapters) on any bytes. The first byte
 * picks the adapter and the page size; what a scan says of a page it
 * accepts must hold together. */
#include <stdint.h>
#include <stdlib.h>

#include "adapter.h"
#include "xmlsafe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const source_kind kinds[3] = { SOURCE_PORTAL, SOURCE_CITY, SOURCE_MINISTRY };
  static int ready;
  struct page_cursor at = { .index = 1 };
  struct page_result res = { 0 };
  struct attempt_error err = { .retry_after = -1 };
  const struct source_adapter *ad;
  int page_size;

  if (!ready) {
    xml_global_init();
    ready = 1;
  }
  if (size < 1)
    return 0;
  ad = source_adapter_for(kinds[data[0] % 3]);
  page_size = 1 + data[0] / 3 % 100;
  if (ad->scan_page((const char *)data + 1, size - 1, &at, page_size, &res, &err) == ATTEMPT_OK &&
      ((long)(res.codes.n + (size_t)res.codes.uncoded) != res.records || res.records > page_size ||
       res.records < 0))
    abort();
  page_result_release(&res);
  return 0;
}
