/* libFuzzer harness: the city parser (transform/city_parse.c through
 * source_parser.h) on any bytes as a landed page; fuzz_sink.h checks
 * that what it delivers can always be stored. */
#include "fuzz_sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return fuzz_parse(SOURCE_CITY, data, size);
}
