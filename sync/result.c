/*
 * result.c — sync_strerror (result.h).
 */
#include "result.h"

const char *sync_strerror(sync_result r)
{
  switch (r) {
  case SYNC_OK: return "ok";
  case SYNC_NOMEM: return "out of memory";
  case SYNC_IO: return "a file could not be read or written";
  case SYNC_SQL: return "a warehouse statement failed";
  case SYNC_CHECK_FAILED: return "a check failed";
  }
  return "unknown sync result";
}
