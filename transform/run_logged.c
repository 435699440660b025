/*
 * run_logged.c — one run's transform with its counts logged (run_logged.h).
 */
#include <sys/resource.h>

#include "log.h"
#include "run_logged.h"

int transform_run_logged(const struct tthc_config *cfg, const char *run)
{
  struct transform_counts counts = { 0 };
  transform_result tr = transform_run(cfg, run, &counts);
  int rc = 1;

  for (size_t i = 0; i < counts.nsources; i++)
    log_info("run %s, source %s: %lld records read, %lld accepted, %lld rejected, "
             "%lld seen more than once",
             run, counts.sources[i].name, counts.sources[i].read, counts.sources[i].accepted,
             counts.sources[i].rejected, counts.sources[i].duplicates);
  if (tr != TRANSFORM_OK) {
    log_error("transforming run %s failed: %s", run, transform_strerror(tr));
    goto out;
  }
  {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    /* Memory must stay flat however large the run: say how much was used. */
    log_info("run %s transformed (%lld pages, peak memory %ld KiB)", run, counts.pages,
             ru.ru_maxrss);
  }
  rc = 0;
out:
  transform_counts_release(&counts);
  return rc;
}
