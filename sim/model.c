/*
 * model - storage for the dossier model (see model.h).
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

bool sim_is_digits(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

void sim_model_init(struct sim_model *m, sim_time as_of)
{
	memset(m, 0, sizeof(*m));
	m->as_of = as_of;
}

void sim_model_release(struct sim_model *m)
{
	sim_time as_of = m->as_of;

	free(m->communes);
	free(m->dossiers);
	sim_model_init(m, as_of);
}

sim_model_result sim_model_add_commune(struct sim_model *m, const char *code,
				       const char *province)
{
	struct sim_commune *c;

	if (!sim_is_digits(code, 5) || sim_model_commune(m, code) ||
	    (province && *province && !sim_is_digits(province, 2)))
		return SIM_MODEL_BAD_ARG;
	c = realloc(m->communes, (m->ncommunes + 1) * sizeof(*c));
	if (!c)
		return SIM_MODEL_NOMEM;
	m->communes = c;
	c = &m->communes[m->ncommunes++];
	memset(c, 0, sizeof(*c));
	memcpy(c->code, code, 5);
	if (province)
		memcpy(c->province, province, strlen(province));
	return SIM_MODEL_OK;
}

const struct sim_commune *sim_model_commune(const struct sim_model *m,
					    const char *code)
{
	for (size_t i = 0; i < m->ncommunes; i++)
		if (strcmp(m->communes[i].code, code) == 0)
			return &m->communes[i];
	return NULL;
}

struct sim_dossier *sim_model_append(struct sim_model *m)
{
	struct sim_dossier *d;

	if (m->ndossiers == m->alloc) {
		size_t n = m->alloc ? m->alloc * 2 : 1024;

		d = realloc(m->dossiers, n * sizeof(*d));
		if (!d)
			return NULL;
		m->dossiers = d;
		m->alloc = n;
	}
	d = &m->dossiers[m->ndossiers++];
	memset(d, 0, sizeof(*d));
	return d;
}

bool sim_model_unit_covers(const struct sim_model *m, const char *unit,
			   const char *commune)
{
	const struct sim_commune *c;

	if (sim_is_digits(unit, 5))
		return strcmp(unit, commune) == 0;
	if (!sim_is_digits(unit, 2))
		return false;
	c = sim_model_commune(m, commune);
	return c && strcmp(c->province, unit) == 0;
}
