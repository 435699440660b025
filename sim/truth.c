/*
 * truth - Biểu 06 from the model (see truth.h and docs/decisions.md).
 *
 * Written from the rules, not from the SQL: the point of the truth is to
 * be a second, independent reading of decisions.md.
 */
#include "truth.h"

#include <stdlib.h>
#include <string.h>

#define UNKNOWN_FIELD_CODE "?"
#define UNKNOWN_FIELD_NAME "Chưa xác định lĩnh vực"
#define TOTAL_NAME "Tổng cộng"

const char *sim_truth_strerror(sim_truth_result r)
{
	switch (r) {
	case SIM_TRUTH_OK:
		return "ok";
	case SIM_TRUTH_BAD_ARG:
		return "invalid unit or period";
	case SIM_TRUTH_NOMEM:
		return "out of memory";
	case SIM_TRUTH_IO:
		return "write error";
	}
	return "unknown truth error";
}

/*
 * Terminal end (decisions.md, first match wins): finished, returned,
 * then an accepted dossier refused / stopped / withdrawn, at NgayTuChoi
 * or, with no step history in the model, the update time.
 */
static sim_time terminal_end(const struct sim_dossier *d, bool *resolved)
{
	*resolved = true;
	if (d->finished_at)
		return d->finished_at;
	if (d->returned_at)
		return d->returned_at;
	*resolved = false;
	if (d->received_at &&
	    (d->status == 3 || d->status == 7 || d->status == 8))
		return d->refused_at ? d->refused_at : d->updated_at;
	return SIM_TIME_NONE;
}

/* Early / on time / late by local dates of effective end and due. */
static enum sim_b06_class classify_resolved(const struct sim_dossier *d,
					    sim_time end)
{
	sim_time pause = 0;
	int64_t e, due;

	/* Only supplement periods completed before the end pause the clock. */
	for (int i = 0; i < d->nsupp; i++) {
		const struct sim_supplement *s = &d->supp[i];

		if (s->completed_at && s->completed_at < end)
			pause += s->completed_at - s->requested_at;
	}
	if (!d->due_at)
		return SIM_B06_LATE;	/* never silently on time */
	e = sim_local_day(end - pause);
	due = sim_local_day(d->due_at);
	return e < due ? SIM_B06_EARLY : e == due ? SIM_B06_ON_TIME
						  : SIM_B06_LATE;
}

/* Pending at period_end: supplements as they stood at that moment. */
static enum sim_b06_class classify_pending(const struct sim_dossier *d,
					   sim_time period_end)
{
	sim_time pause = 0;
	int counted = 0, open = 0;

	for (int i = 0; i < d->nsupp; i++) {
		const struct sim_supplement *s = &d->supp[i];

		if (s->requested_at >= period_end)
			continue;
		counted++;
		if (!s->completed_at || s->completed_at >= period_end)
			open++;
		else
			pause += s->completed_at - s->requested_at;
	}
	if (open)	/* one request only: in time; more: late by rule */
		return counted == 1 ? SIM_B06_PENDING_IN_TIME
				    : SIM_B06_PENDING_LATE;
	if (!d->due_at || d->due_at + pause < period_end)
		return SIM_B06_PENDING_LATE;
	return SIM_B06_PENDING_IN_TIME;
}

void sim_truth_place(const struct sim_dossier *d, sim_time from_start,
		     sim_time period_end, struct sim_b06_place *out)
{
	bool resolved;
	sim_time end;

	memset(out, 0, sizeof(*out));
	out->channel = d->channel == SIM_CHANNEL_ABSENT ? SIM_CHANNEL_DIRECT
							: d->channel;
	if (!d->received_at)
		return;		/* not accepted: refused at intake or waiting */
	end = terminal_end(d, &resolved);
	out->received = d->received_at >= from_start &&
			d->received_at < period_end;
	out->carried_over = d->received_at < from_start &&
			    !(end && end < from_start);
	if (!out->received && !out->carried_over)
		return;
	if (end && end < period_end) {
		/* end < from_start here would be an end before intake: left
		 * unplaced so that the identity check catches it. */
		if (end >= from_start)
			out->cls = resolved ? classify_resolved(d, end)
					    : SIM_B06_STOPPED;
		return;
	}
	out->cls = classify_pending(d, period_end);
}

static void add(struct sim_bieu06_row *row, const struct sim_b06_place *p)
{
	row->total++;
	if (p->carried_over)
		row->carried_over++;
	else if (p->channel == SIM_CHANNEL_ONLINE)
		row->received_online++;
	else if (p->channel == SIM_CHANNEL_POSTAL)
		row->received_postal++;
	else
		row->received_direct++;
	switch (p->cls) {
	case SIM_B06_EARLY:
		row->resolved_early++;
		break;
	case SIM_B06_ON_TIME:
		row->resolved_on_time++;
		break;
	case SIM_B06_LATE:
		row->resolved_late++;
		break;
	case SIM_B06_PENDING_IN_TIME:
		row->pending_in_time++;
		break;
	case SIM_B06_PENDING_LATE:
		row->pending_late++;
		break;
	case SIM_B06_STOPPED:
		row->stopped++;
		break;
	case SIM_B06_NONE:
		break;
	}
}

static void check_identity(const struct sim_bieu06_row *r)
{
	long parts = r->resolved_early + r->resolved_on_time +
		     r->resolved_late + r->pending_in_time + r->pending_late +
		     r->stopped;

	if (r->total != parts ||
	    r->total != r->received_online + r->received_direct +
			r->received_postal + r->carried_over) {
		fprintf(stderr, "tthc-sim: Biểu 06 identity broken for field "
			"'%s': total %ld, columns %ld\n",
			r->field_code, r->total, parts);
		abort();
	}
}

static struct sim_bieu06_row *row_for(struct sim_bieu06 *t,
				      const struct sim_procedure *pr)
{
	bool known = pr && pr->field_code && *pr->field_code;
	const char *code = known ? pr->field_code : UNKNOWN_FIELD_CODE;
	const char *name = !known ? UNKNOWN_FIELD_NAME
		: pr->field_name ? pr->field_name : "";
	struct sim_bieu06_row *rows;

	for (size_t i = 0; i < t->nrows; i++)
		if (strcmp(t->rows[i].field_code, code) == 0)
			return &t->rows[i];
	rows = realloc(t->rows, (t->nrows + 1) * sizeof(*rows));
	if (!rows)
		return NULL;
	t->rows = rows;
	rows = &t->rows[t->nrows++];
	memset(rows, 0, sizeof(*rows));
	snprintf(rows->field_code, sizeof(rows->field_code), "%s", code);
	snprintf(rows->field_name, sizeof(rows->field_name), "%s", name);
	return rows;
}

static int row_cmp(const void *a, const void *b)
{
	/* strcmp compares as unsigned char: byte order, as COLLATE "C". */
	return strcmp(((const struct sim_bieu06_row *)a)->field_code,
		      ((const struct sim_bieu06_row *)b)->field_code);
}

sim_truth_result sim_truth_bieu06(const struct sim_model *m, const char *unit,
				  int64_t day_from, int64_t day_to,
				  struct sim_bieu06 *out)
{
	sim_time from_start = sim_local_midnight(day_from);
	sim_time period_end = sim_local_midnight(day_to + 1);

	memset(out, 0, sizeof(*out));
	snprintf(out->sum.field_name, sizeof(out->sum.field_name), "%s",
		 TOTAL_NAME);
	if (!unit || (!sim_is_digits(unit, 5) && !sim_is_digits(unit, 2)) ||
	    day_to < day_from)
		return SIM_TRUTH_BAD_ARG;
	for (size_t i = 0; i < m->ndossiers; i++) {
		const struct sim_dossier *d = &m->dossiers[i];
		struct sim_b06_place p;
		struct sim_bieu06_row *row;

		if (!sim_model_unit_covers(m, unit, d->commune))
			continue;
		sim_truth_place(d, from_start, period_end, &p);
		if (!p.received && !p.carried_over)
			continue;
		row = row_for(out, d->proc);
		if (!row) {
			sim_bieu06_release(out);
			return SIM_TRUTH_NOMEM;
		}
		add(row, &p);
		add(&out->sum, &p);
	}
	if (out->nrows)
		qsort(out->rows, out->nrows, sizeof(*out->rows), row_cmp);
	for (size_t i = 0; i < out->nrows; i++)
		check_identity(&out->rows[i]);
	check_identity(&out->sum);
	return SIM_TRUTH_OK;
}

/* COPY text format: backslash, tab, newline and CR are escaped. */
static void put_text(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		default:
			fputc(*s, fp);
		}
	}
}

static void put_row(FILE *fp, const struct sim_bieu06_row *r, bool total)
{
	if (total)
		fputs("\\N", fp);
	else
		put_text(fp, r->field_code);
	fputc('\t', fp);
	put_text(fp, r->field_name);
	fprintf(fp, "\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\n",
		r->total, r->received_online, r->received_direct,
		r->received_postal, r->carried_over, r->resolved_early,
		r->resolved_on_time, r->resolved_late, r->pending_in_time,
		r->pending_late, r->stopped);
}

sim_truth_result sim_bieu06_write_tsv(const struct sim_bieu06 *t, FILE *fp)
{
	fputs("field_code\tfield_name\ttotal\treceived_online\t"
	      "received_direct\treceived_postal\tcarried_over\t"
	      "resolved_early\tresolved_on_time\tresolved_late\t"
	      "pending_in_time\tpending_late\tstopped\n", fp);
	for (size_t i = 0; i < t->nrows; i++)
		put_row(fp, &t->rows[i], false);
	put_row(fp, &t->sum, true);
	return fflush(fp) == 0 && !ferror(fp) ? SIM_TRUTH_OK : SIM_TRUTH_IO;
}

void sim_bieu06_release(struct sim_bieu06 *t)
{
	free(t->rows);
	t->rows = NULL;
	t->nrows = 0;
}
