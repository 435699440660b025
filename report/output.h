/*
 * output - the five forms of a report file, all from one report_figures:
 *
 *   text  aligned columns for a terminal or a plain-text attachment
 *   csv   UTF-8 with a BOM (Excel), CRLF; one block per part (a header row
 *         of the stable English names of metrics.md §6, then the rows),
 *         blocks separated by an empty line; numbers as the machine writes
 *         them (6306, 99.52), Vietnamese labels in their own columns
 *   json  one object (cJSON): English keys, Vietnamese labels beside them
 *   xlsx  one sheet per part, laid out as reports.md asks (heading block,
 *         numbered two-level headings, frozen, fitted, A4 landscape); cells
 *         hold numbers, display formats do the Vietnamese styling
 *   html  one self-contained page (inline CSS and SVG charts, nothing
 *         fetched) that prints on A4 landscape
 *
 * Text, xlsx and html follow reports.md's conventions (6.306, 99,52 %,
 * dd/mm/yyyy, HH:mm dd/mm/yyyy local time, Vietnamese everywhere).
 */
#ifndef TTHC_OUTPUT_H
#define TTHC_OUTPUT_H

#include <stdio.h>

#include "figures.h"

typedef enum { FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON, FORMAT_XLSX, FORMAT_HTML } report_format;

/* Which document: the period report (Biểu 06 and the other parts) or the
 * inspection outline's section II.2 (cchc.h). */
typedef enum { FORM_PERIOD, FORM_CCHC } report_form;

typedef enum {
  OUTPUT_OK = 0,
  OUTPUT_IO,   /* the stream or file could not be written */
  OUTPUT_XLSX, /* libxlsxwriter refused (message logged) */
  OUTPUT_NOMEM
} output_result;

struct output_options {
  report_form form;
  unsigned parts; /* PART_* bits to write */
};

/* Static English description of r; never NULL. */
const char *output_strerror(output_result r);

/* "text" | "csv" | "json" | "xlsx" | "html", comma separated, or "all":
 * 0 and the formats as bits (1u << FORMAT_…), or -1 (out untouched). */
int report_formats_parse(const char *s, unsigned *out);

/* File name extension of a format: "txt", "csv", "json", "xlsx", "html". */
const char *report_format_ext(report_format f);

#define FORMAT_COUNT 5

/* "bieu06" | "rates" | "overdue" | "discrepancies" | "monthly" | "cchc",
 * comma separated: 0 and the bits, or -1. */
int report_parts_parse(const char *s, unsigned *out);

/* Writers to a stream (OUTPUT_IO when the stream reports an error). */
output_result output_text(const struct report_figures *f, const struct output_options *o,
                          FILE *out);
output_result output_csv(const struct report_figures *f, const struct output_options *o, FILE *out);
output_result output_json(const struct report_figures *f, const struct output_options *o,
                          FILE *out);
output_result output_html(const struct report_figures *f, const struct output_options *o,
                          FILE *out);

/* The workbook is written to path (a zip file; libxlsxwriter needs a
 * path, not a stream). */
output_result output_xlsx(const struct report_figures *f, const struct output_options *o,
                          const char *path);

#endif
