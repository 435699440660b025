#include "scenario.h"

#include <string.h>

const struct sim_scenario sim_scenarios[] = {
	{ "thach-khoi-2026-04", "11002", "31", "000.00.00.H31",
	  "2026-04-01", "2026-04-30", "2026-05-02T12:00:00" },
	{ "an-thanh-2025-q3", "10792", "31", "000.00.00.H31",
	  "2025-07-01", "2025-09-30", "2025-10-02T12:00:00" },
	{ "truong-thi-2023", "14797", "38", "000.00.00.H56",
	  "2023-01-01", "2023-08-10", "2023-08-12T12:00:00" },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};

const struct sim_scenario *sim_scenario_find(const char *name)
{
	for (const struct sim_scenario *s = sim_scenarios; s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

int sim_scenario_build(const struct sim_scenario *s, uint64_t seed,
		       const char *prefix, struct sim_model *m)
{
	(void)s;
	(void)seed;
	(void)prefix;
	(void)m;
	return -1;
}
