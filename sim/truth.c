/*
 * truth - Biểu 06 from the model (see truth.h and docs/decisions.md).
 *
 * Written from the rules, not from the SQL: the point of the truth is to
 * be a second, independent reading of decisions.md.
 */
#include "truth.h"

#include <stdlib.h>
#include <string.h>

#include "links.h"

#define UNKNOWN_FIELD_CODE "?"
#define UNKNOWN_FIELD_NAME "Chưa xác định lĩnh vực"
#define TOTAL_NAME         "Tổng cộng"

const char *sim_truth_strerror(sim_truth_result r)
{
  switch (r) {
  case SIM_TRUTH_OK: return "ok";
  case SIM_TRUTH_BAD_ARG: return "invalid unit or period";
  case SIM_TRUTH_NOMEM: return "out of memory";
  case SIM_TRUTH_IO: return "write error";
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
  if (d->received_at && (d->status == 3 || d->status == 7 || d->status == 8))
    return d->refused_at ? d->refused_at : d->updated_at;
  return SIM_TIME_NONE;
}

/* Early / on time / late by local dates of effective end and due. */
static enum sim_b06_class classify_resolved(const struct sim_dossier *d, sim_time end)
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
    return SIM_B06_LATE; /* never silently on time */
  e = sim_local_day(end - pause);
  due = sim_local_day(d->due_at);
  return e < due ? SIM_B06_EARLY : e == due ? SIM_B06_ON_TIME : SIM_B06_LATE;
}

/* Pending at period_end: supplements as they stood at that moment. */
static enum sim_b06_class classify_pending(const struct sim_dossier *d, sim_time period_end)
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
  if (open) /* one request only: in time; more: late by rule */
    return counted == 1 ? SIM_B06_PENDING_IN_TIME : SIM_B06_PENDING_LATE;
  if (!d->due_at || d->due_at + pause < period_end)
    return SIM_B06_PENDING_LATE;
  return SIM_B06_PENDING_IN_TIME;
}

void sim_truth_place(const struct sim_dossier *d, sim_time from_start, sim_time period_end,
                     struct sim_b06_place *out)
{
  bool resolved;
  sim_time end;

  memset(out, 0, sizeof(*out));
  out->channel = d->channel == SIM_CHANNEL_ABSENT ? SIM_CHANNEL_DIRECT : d->channel;
  if (!d->received_at)
    return; /* not accepted: refused at intake or waiting */
  end = terminal_end(d, &resolved);
  out->received = d->received_at >= from_start && d->received_at < period_end;
  out->carried_over = d->received_at < from_start && !(end && end < from_start);
  if (!out->received && !out->carried_over)
    return;
  if (end && end < period_end) {
    /* end < from_start here would be an end before intake: left
		 * unplaced so that the identity check catches it. */
    if (end >= from_start)
      out->cls = resolved ? classify_resolved(d, end) : SIM_B06_STOPPED;
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
  case SIM_B06_EARLY: row->resolved_early++; break;
  case SIM_B06_ON_TIME: row->resolved_on_time++; break;
  case SIM_B06_LATE: row->resolved_late++; break;
  case SIM_B06_PENDING_IN_TIME: row->pending_in_time++; break;
  case SIM_B06_PENDING_LATE: row->pending_late++; break;
  case SIM_B06_STOPPED: row->stopped++; break;
  case SIM_B06_NONE: break;
  }
}

static void check_identity(const struct sim_bieu06_row *r)
{
  long parts = r->resolved_early + r->resolved_on_time + r->resolved_late + r->pending_in_time +
               r->pending_late + r->stopped;

  if (r->total != parts ||
      r->total != r->received_online + r->received_direct + r->received_postal + r->carried_over) {
    fprintf(stderr,
            "tthc-sim: Biểu 06 identity broken for field "
            "'%s': total %ld, columns %ld\n",
            r->field_code, r->total, parts);
    abort();
  }
}

static struct sim_bieu06_row *row_for(struct sim_bieu06 *t, const struct sim_procedure *pr)
{
  bool known = pr && pr->field_code && *pr->field_code;
  const char *code = known ? pr->field_code : UNKNOWN_FIELD_CODE;
  const char *name = !known ? UNKNOWN_FIELD_NAME : pr->field_name ? pr->field_name : "";
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

sim_truth_result sim_truth_bieu06(const struct sim_model *m, const char *unit, int64_t day_from,
                                  int64_t day_to, struct sim_bieu06 *out)
{
  sim_time from_start = sim_local_midnight(day_from);
  sim_time period_end = sim_local_midnight(day_to + 1);

  memset(out, 0, sizeof(*out));
  snprintf(out->sum.field_name, sizeof(out->sum.field_name), "%s", TOTAL_NAME);
  if (!unit || (!sim_is_digits(unit, 5) && !sim_is_digits(unit, 2)) || day_to < day_from)
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
    case '\\': fputs("\\\\", fp); break;
    case '\t': fputs("\\t", fp); break;
    case '\n': fputs("\\n", fp); break;
    case '\r': fputs("\\r", fp); break;
    default: fputc(*s, fp);
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
  fprintf(fp, "\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\t%ld\n", r->total,
          r->received_online, r->received_direct, r->received_postal, r->carried_over,
          r->resolved_early, r->resolved_on_time, r->resolved_late, r->pending_in_time,
          r->pending_late, r->stopped);
}

sim_truth_result sim_bieu06_write_tsv(const struct sim_bieu06 *t, FILE *fp)
{
  fputs("field_code\tfield_name\ttotal\treceived_online\t"
        "received_direct\treceived_postal\tcarried_over\t"
        "resolved_early\tresolved_on_time\tresolved_late\t"
        "pending_in_time\tpending_late\tstopped\n",
        fp);
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

/* ---- sync discrepancies ------------------------------------------------------ */

enum outcome { O_NONE, O_EARLY, O_ON_TIME, O_LATE, O_PEND_IN, O_PEND_LATE, O_STOPPED };

/* How a record stands at instant t (decisions.md rules). */
static enum outcome outcome_at(const struct sim_dossier *d, sim_time t)
{
  bool resolved;
  sim_time end;

  if (!d->received_at)
    return O_NONE;
  end = terminal_end(d, &resolved);
  if (end && end <= t) {
    if (!resolved)
      return O_STOPPED;
    switch (classify_resolved(d, end)) {
    case SIM_B06_EARLY: return O_EARLY;
    case SIM_B06_ON_TIME: return O_ON_TIME;
    default: return O_LATE;
    }
  }
  return classify_pending(d, t) == SIM_B06_PENDING_IN_TIME ? O_PEND_IN : O_PEND_LATE;
}

static int progress(int status)
{
  switch (status) {
  case 1: return 1;
  case 2: return 2;
  case 4:
  case 5:
  case 6: return 3;
  case 9: return 4;
  case 3:
  case 7:
  case 8:
  case 10: return 5;
  default: return 0;
  }
}

static bool differ(sim_time a, sim_time b)
{
  if (!a != !b)
    return true;
  return a && (a - b > 60 || b - a > 60);
}

struct disc_row {
  char line[SIM_CODE_MAX + 64];
};

static int disc_cmp(const void *a, const void *b)
{
  return strcmp(((const struct disc_row *)a)->line, ((const struct disc_row *)b)->line);
}

sim_truth_result sim_truth_discrepancies(const struct sim_model *m, FILE *fp)
{
  struct disc_row *rows = NULL;
  size_t n = 0, cap = 0;
  sim_time t = m->as_of;

  for (size_t i = 0; i < m->ndossiers; i++) {
    const struct sim_dossier *d = &m->dossiers[i];
    struct sim_dossier origin = *d, copy;
    const char *cls[4];
    bool ministry = d->origin == SIM_ORIGIN_MINISTRY;
    char code[SIM_CODE_MAX];
    int nc = 0;

    if (d->origin == SIM_ORIGIN_PORTAL)
      continue;
    if (ministry) {
      /* What the ministry shows: its status code, no
			 * refusal time (the update time ends a refusal). */
      origin.status =
        sim_ministry_to_national(sim_ministry_status(d->status), d->returned_at != SIM_TIME_NONE);
      origin.refused_at = SIM_TIME_NONE;
    }
    if (!sim_links_portal_copy(d, &copy)) {
      if (d->received_at && d->received_at < t - SIM_DAY)
        cls[nc++] = "missing_on_portal";
    } else {
      enum outcome o = outcome_at(&origin, t);
      enum outcome p = outcome_at(&copy, t);
      bool oend = o == O_EARLY || o == O_ON_TIME || o == O_LATE || o == O_STOPPED;
      bool pend = p == O_EARLY || p == O_ON_TIME || p == O_LATE || p == O_STOPPED;

      if (oend && (!pend || progress(copy.status) < progress(origin.status)))
        cls[nc++] = "stale_on_portal";
      if ((o == O_EARLY || o == O_ON_TIME || o == O_PEND_IN) && (p == O_LATE || p == O_PEND_LATE))
        cls[nc++] = "false_overdue_on_portal";
      if (differ(origin.received_at, copy.received_at) || differ(origin.due_at, copy.due_at))
        cls[nc++] = "date_mismatch";
    }
    if (!nc)
      continue;
    if (n + (size_t)nc > cap) {
      size_t c2 = cap ? cap * 2 : 256;
      struct disc_row *r2 = realloc(rows, c2 * sizeof(*r2));

      if (!r2) {
        free(rows);
        return SIM_TRUTH_NOMEM;
      }
      rows = r2;
      cap = c2;
    }
    sim_code_normalise(ministry ? d->ministry_code : d->code, code, sizeof(code));
    for (int k = 0; k < nc; k++)
      snprintf(rows[n++].line, sizeof(rows[0].line), "%s\t%s\t%s\n",
               ministry ? "HOTICH_BTP" : "TTHC_TP", code, cls[k]);
  }
  if (n)
    qsort(rows, n, sizeof(*rows), disc_cmp);
  fputs("origin_system\torigin_code\tclass\n", fp);
  for (size_t i = 0; i < n; i++)
    fputs(rows[i].line, fp);
  free(rows);
  return fflush(fp) == 0 && !ferror(fp) ? SIM_TRUTH_OK : SIM_TRUTH_IO;
}

/*
 * The department the warehouse can know: the ministry sends none, so a
 * ministry dossier not received at the counter (not in the city system)
 * and without a portal copy has none ("?").
 */
static const struct sim_department *known_department(const struct sim_dossier *d)
{
  if (d->origin == SIM_ORIGIN_MINISTRY && !d->via_counter && d->push == SIM_PUSH_MISSING)
    return NULL;
  return d->dept;
}

struct dept_row {
  const char *code, *name;
  long resolved_late, pending_late;
};

static int dept_cmp(const void *a, const void *b)
{
  return strcmp(((const struct dept_row *)a)->code, ((const struct dept_row *)b)->code);
}

sim_truth_result sim_truth_overdue_by_department(const struct sim_model *m, const char *unit,
                                                 int64_t day_from, int64_t day_to, FILE *fp)
{
  sim_time from_start = sim_local_midnight(day_from), period_end = sim_local_midnight(day_to + 1);
  struct dept_row *rows = NULL;
  size_t n = 0;

  if (!unit || (!sim_is_digits(unit, 5) && !sim_is_digits(unit, 2)) || day_to < day_from)
    return SIM_TRUTH_BAD_ARG;
  for (size_t i = 0; i < m->ndossiers; i++) {
    const struct sim_dossier *d = &m->dossiers[i];
    const struct sim_department *dept;
    const char *code;
    struct sim_b06_place p;
    size_t k;

    if (!sim_model_unit_covers(m, unit, d->commune))
      continue;
    sim_truth_place(d, from_start, period_end, &p);
    if ((!p.received && !p.carried_over) ||
        (p.cls != SIM_B06_LATE && p.cls != SIM_B06_PENDING_LATE))
      continue;
    dept = known_department(d);
    code = dept && dept->code && *dept->code ? dept->code : "?";
    for (k = 0; k < n && strcmp(rows[k].code, code); k++)
      ;
    if (k == n) {
      struct dept_row *grown = realloc(rows, (n + 1) * sizeof(*rows));
      if (!grown) {
        free(rows);
        return SIM_TRUTH_NOMEM;
      }
      rows = grown;
      rows[n++] = (struct dept_row){
        code, dept && dept->code && *dept->code ? dept->name : "Chưa xác định phòng ban", 0, 0
      };
    }
    if (p.cls == SIM_B06_LATE)
      rows[k].resolved_late++;
    else
      rows[k].pending_late++;
  }
  if (n)
    qsort(rows, n, sizeof(*rows), dept_cmp);
  fputs("department_code\tdepartment_name\tresolved_late\tpending_late\toverdue_total\n", fp);
  for (size_t k = 0; k < n; k++) {
    put_text(fp, rows[k].code);
    fputc('\t', fp);
    put_text(fp, rows[k].name);
    fprintf(fp, "\t%ld\t%ld\t%ld\n", rows[k].resolved_late, rows[k].pending_late,
            rows[k].resolved_late + rows[k].pending_late);
  }
  free(rows);
  return fflush(fp) == 0 && !ferror(fp) ? SIM_TRUTH_OK : SIM_TRUTH_IO;
}
