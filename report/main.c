/*
 * tthc-report — a commune's or province's report from the warehouse, as a
 * file staff can attach: Biểu 06 by field, the rates against their targets,
 * overdue dossiers by department, the dossiers the portal shows wrongly, or
 * the inspection outline's section II.2 (--form cchc); as text, CSV, JSON,
 * xlsx or HTML.  See report/tthc-report.1.
 *
 * The warehouse is read with the analyst role: -d CONNINFO, else
 * [warehouse] analyst_conninfo of the configuration, else libpq's PG*
 * environment; a role that may write is refused.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fsutil.h"
#include "log.h"
#include "output.h"
#include "version.h"
#include "warehouse.h"

#define PROG    "tthc-report"

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: %s [OPTION]... --unit CODE PERIOD\n"
          "Write a commune's or province's report from the TTHC warehouse.\n\n"
          "Unit and period:\n"
          "  -u, --unit CODE          commune (5 digits, 11002) or province (2 digits, 31)\n"
          "      --month YYYY-MM      a month (2026-04)\n"
          "      --quarter YYYY-QN    a quarter (2025-Q3)\n"
          "      --year YYYY          a year (2026)\n"
          "      --from DATE --to DATE\n"
          "                           any range of local dates, both included\n\n"
          "What to write:\n"
          "      --form FORM          period (default): Biểu 06, rates, overdue, discrepancies,\n"
          "                           months; cchc: the inspection outline, section II.2\n"
          "      --part PART[,...]    only these parts: bieu06, rates, overdue, discrepancies,\n"
          "                           monthly, cchc\n"
          "  -f, --format FORMAT[,...]\n"
          "                           text (default), csv, json, xlsx, html, or all\n"
          "  -o, --output FILE        write FILE (replaced atomically; required for xlsx);\n"
          "                           default standard output; with several formats a base\n"
          "                           name: FILE.txt, FILE.csv, FILE.json, FILE.xlsx, FILE.html\n"
          "      --as-of TIME         list the discrepancies as they stood at TIME\n"
          "                           (2026-05-02T12:00, Vietnam time unless an offset is given);\n"
          "                           default now\n\n"
          "Connection:\n"
          "  -c, --config FILE        configuration: [warehouse] analyst_conninfo\n"
          "                           (default $TTHC_CONFIG)\n"
          "  -d, --dbname CONNINFO    connect with this instead (the analyst role)\n\n"
          "Other options:\n"
          "      --log-format FMT     diagnostics as text (default) or json\n"
          "  -V, --version            output version information, then exit\n"
          "  -?, --help               show this help, then exit\n\n"
          "Exit status: 0 written, 1 error, 2 bad usage.\n\n"
          "Examples:\n"
          "  %s -c /etc/tthc/tthc.conf --unit 11002 --month 2026-04\n"
          "  %s -c /etc/tthc/tthc.conf --unit 31 --quarter 2025-Q3 -f all -o bao-cao-q3\n"
          "  %s -c /etc/tthc/tthc.conf --unit 11002 --year 2025 --form cchc -f xlsx -o de-cuong.xlsx\n\n"
          "Full documentation: man tthc-report\n",
          PROG, PROG, PROG, PROG);
}

struct args {
  const char *config, *conninfo, *unit, *output, *as_of;
  const char *month, *quarter, *year, *from, *to;
  unsigned formats; /* 1u << FORMAT_… */
  report_form form;
  unsigned parts;
  log_format log;
  char as_of_iso[26];
};

/* Usage error: message, a pointer to --help, status 2. */
static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int bad(const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "%s: ", PROG);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry \"%s --help\" for more information.\n", PROG);
  return 2;
}

static int parse_value(struct args *a, int c, const char *v)
{
  switch (c) {
  case 'f':
    if (report_formats_parse(v, &a->formats))
      return bad("unknown format in \"%s\" (text, csv, json, xlsx, html, or all)", v);
    return 0;
  case 'F':
    if (strcmp(v, "period") == 0)
      a->form = FORM_PERIOD;
    else if (strcmp(v, "cchc") == 0)
      a->form = FORM_CCHC;
    else
      return bad("unknown form \"%s\" (period, cchc)", v);
    return 0;
  case 'P':
    if (report_parts_parse(v, &a->parts))
      return bad("unknown part in \"%s\" (bieu06, rates, overdue, discrepancies, monthly, cchc)",
                 v);
    return 0;
  case 'L':
    if (log_format_parse(v, &a->log))
      return bad("unknown log format \"%s\"", v);
    return 0;
  }
  return 0;
}

/* 0 to go on, -1 done (help, version), else the exit status. */
static int parse_args(int argc, char **argv, struct args *a)
{
  enum { OPT_MONTH = 256, OPT_QUARTER, OPT_YEAR, OPT_FROM, OPT_TO, OPT_ASOF };
  static const struct option opts[] = { { "unit", required_argument, NULL, 'u' },
                                        { "month", required_argument, NULL, OPT_MONTH },
                                        { "quarter", required_argument, NULL, OPT_QUARTER },
                                        { "year", required_argument, NULL, OPT_YEAR },
                                        { "from", required_argument, NULL, OPT_FROM },
                                        { "to", required_argument, NULL, OPT_TO },
                                        { "form", required_argument, NULL, 'F' },
                                        { "part", required_argument, NULL, 'P' },
                                        { "format", required_argument, NULL, 'f' },
                                        { "output", required_argument, NULL, 'o' },
                                        { "as-of", required_argument, NULL, OPT_ASOF },
                                        { "config", required_argument, NULL, 'c' },
                                        { "dbname", required_argument, NULL, 'd' },
                                        { "log-format", required_argument, NULL, 'L' },
                                        { "version", no_argument, NULL, 'V' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  int c, rc;

  while ((c = getopt_long(argc, argv, "u:f:o:c:d:Vh?", opts, NULL)) != -1) {
    switch (c) {
    case 'u': a->unit = optarg; break;
    case OPT_MONTH: a->month = optarg; break;
    case OPT_QUARTER: a->quarter = optarg; break;
    case OPT_YEAR: a->year = optarg; break;
    case OPT_FROM: a->from = optarg; break;
    case OPT_TO: a->to = optarg; break;
    case OPT_ASOF: a->as_of = optarg; break;
    case 'o': a->output = optarg; break;
    case 'c': a->config = optarg; break;
    case 'd': a->conninfo = optarg; break;
    case 'V': version_print(PROG); return -1;
    case 'h': usage(stdout); return -1;
    case '?':
      if (strcmp(argv[optind - 1], "-?") == 0) {
        usage(stdout);
        return -1;
      }
      /* an unknown option or a missing argument: getopt already said which */
      fprintf(stderr, "Try \"%s --help\" for more information.\n", PROG);
      return 2;
    default:
      if ((rc = parse_value(a, c, optarg)) != 0)
        return rc;
    }
  }
  if (optind < argc)
    return bad("too many arguments (first is \"%s\")", argv[optind]);
  return 0;
}

static int check_unit(const char *u)
{
  size_t n = u ? strlen(u) : 0;

  if (n != 2 && n != 5)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (u[i] < '0' || u[i] > '9')
      return -1;
  return 0;
}

/* Exactly one way of giving the period. */
static int period_of(const struct args *a, struct period *p)
{
  int given = !!a->month + !!a->quarter + !!a->year + !!(a->from || a->to);
  period_result r;
  const char *what;

  if (given != 1)
    return bad("%s", "give one period: --month, --quarter, --year, or --from and --to");
  if (a->month) {
    what = a->month;
    r = period_month(what, p);
  } else if (a->quarter) {
    what = a->quarter;
    r = period_quarter(what, p);
  } else if (a->year) {
    what = a->year;
    r = period_year(what, p);
  } else if (!a->from || !a->to) {
    return bad("%s", "--from and --to go together");
  } else {
    what = a->from;
    r = period_range(a->from, a->to, p);
  }
  if (r == PERIOD_ORDER)
    return bad("--from %s is after --to", a->from);
  if (r != PERIOD_OK) {
    fprintf(stderr, "%s: invalid period \"%s\": %s\n", PROG, what, period_strerror(r));
    return 2;
  }
  return 0;
}

/* --as-of: what time_parse_since takes, or the same without seconds
 * ("2026-05-02T12:00", "2026-05-02 12:00+07:00"). */
static int parse_as_of(const char *v, tthc_time *t)
{
  char with_seconds[64];
  size_t n = strlen(v);

  if (time_parse_since(v, t) == TIME_OK)
    return 0;
  if (n < 16 || n > 40 || v[13] != ':' || (n > 16 && !strchr("+-Zz", v[16])))
    return -1;
  snprintf(with_seconds, sizeof with_seconds, "%.16s:00%s", v, v + 16);
  return time_parse_since(with_seconds, t) == TIME_OK ? 0 : -1;
}

/* Validates what can be checked before connecting; 0 or an exit status. */
static int validate(struct args *a, struct period *p)
{
  tthc_time t;
  int rc;

  if (!a->unit)
    return bad("%s", "--unit is required");
  if (check_unit(a->unit))
    return bad("--unit \"%s\" is neither a commune code (5 digits) nor a province code "
               "(2 digits)",
               a->unit);
  if ((rc = period_of(a, p)) != 0)
    return rc;
  if (!a->formats)
    a->formats = 1u << FORMAT_TEXT;
  if ((a->formats & (1u << FORMAT_XLSX)) && (!a->output || strcmp(a->output, "-") == 0))
    return bad("%s", "--format xlsx needs -o FILE");
  if ((a->formats & (a->formats - 1)) && (!a->output || strcmp(a->output, "-") == 0))
    return bad("%s", "several formats need -o BASE (BASE.txt, BASE.csv, ...)");
  if (!a->parts)
    a->parts = a->form == FORM_CCHC ? PARTS_CCHC : PARTS_PERIOD;
  if ((a->parts & PART_CCHC) && a->form != FORM_CCHC)
    return bad("%s", "--part cchc needs --form cchc");
  if (a->as_of) {
    if (parse_as_of(a->as_of, &t) != 0)
      return bad("invalid --as-of \"%s\" (2026-05-02, 2026-05-02T12:00, "
                 "2026-05-02T12:00:00+07:00)",
                 a->as_of);
    time_format_iso_local(t, a->as_of_iso);
    a->as_of = a->as_of_iso;
  }
  return 0;
}

/* The connection: -d, else the configuration's analyst_conninfo, else
 * NULL (the PG* environment).  *cfg holds the string. */
static int conninfo_of(const struct args *a, struct tthc_config *cfg, const char **out)
{
  char err[512];

  *out = a->conninfo;
  if (a->config && config_load(a->config, cfg, err, sizeof err) != CONFIG_OK) {
    log_report(LOG_ERROR, err, NULL, "invalid configuration \"%s\"", a->config);
    return 1;
  }
  if (!*out && wh_conninfo_has_password(cfg->analyst_conninfo)) {
    log_report(LOG_ERROR, "The configuration file may be readable by others.",
               "Name a passfile=FILE in the connection string, or use ~/.pgpass.",
               "[warehouse] analyst_conninfo of \"%s\" holds a password", a->config);
    return 1;
  }
  if (!*out)
    *out = cfg->analyst_conninfo;
  return 0;
}

static output_result write_stream(const struct report_figures *f, report_format fmt,
                                  const struct output_options *o, FILE *out)
{
  switch (fmt) {
  case FORMAT_TEXT: return output_text(f, o, out);
  case FORMAT_CSV: return output_csv(f, o, out);
  case FORMAT_JSON: return output_json(f, o, out);
  case FORMAT_HTML: return output_html(f, o, out);
  case FORMAT_XLSX: break;
  }
  return OUTPUT_IO;
}

/* The workbook goes to a temporary file renamed over path once closed. */
static output_result write_xlsx(const struct report_figures *f, const struct output_options *o,
                                const char *path)
{
  char tmp[4096];
  output_result r;

  if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
    log_error("output path too long: \"%s\"", path);
    return OUTPUT_IO;
  }
  r = output_xlsx(f, o, tmp);
  if (r == OUTPUT_OK && rename(tmp, path) != 0) {
    log_report(LOG_ERROR, strerror(errno), NULL, "could not rename \"%s\" to \"%s\"", tmp, path);
    r = OUTPUT_IO;
  }
  if (r != OUTPUT_OK)
    unlink(tmp);
  return r;
}

/* Text formats are built in memory, then written whole (atomically to a
 * file), so a failure never leaves half a report behind.  path NULL or
 * "-": standard output. */
static output_result write_one(const struct report_figures *f, report_format fmt,
                               const struct output_options *o, const char *path)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *mem;
  output_result r;

  if (fmt == FORMAT_XLSX)
    return write_xlsx(f, o, path);
  mem = open_memstream(&buf, &len);
  if (!mem)
    return OUTPUT_NOMEM;
  r = write_stream(f, fmt, o, mem);
  if (fclose(mem) != 0 && r == OUTPUT_OK)
    r = OUTPUT_NOMEM;
  if (r == OUTPUT_OK && path && strcmp(path, "-") != 0) {
    if (fs_write_atomic(path, buf, len) != FS_OK) {
      log_report(LOG_ERROR, fs_last_error(), NULL, "could not write \"%s\"", path);
      r = OUTPUT_IO;
    }
  } else if (r == OUTPUT_OK && (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0)) {
    log_report(LOG_ERROR, strerror(errno), NULL, "could not write the report");
    r = OUTPUT_IO;
  }
  free(buf);
  return r;
}

/* Every format asked for, from the one reading: -o FILE for one format,
 * -o BASE (BASE.txt, BASE.csv, …) for several. */
static output_result write_report(const struct report_figures *f, const struct args *a)
{
  struct output_options o = { a->form, a->parts };
  int several = (a->formats & (a->formats - 1)) != 0;
  output_result r = OUTPUT_OK;
  char path[4096];

  for (int i = 0; i < FORMAT_COUNT && r == OUTPUT_OK; i++) {
    if (!(a->formats & (1u << i)))
      continue;
    if (several && snprintf(path, sizeof path, "%s.%s", a->output,
                            report_format_ext((report_format)i)) >= (int)sizeof path) {
      log_error("output path too long: \"%s\"", a->output);
      return OUTPUT_IO;
    }
    r = write_one(f, (report_format)i, &o, several ? path : a->output);
  }
  return r;
}

int main(int argc, char **argv)
{
  struct args a = { 0 };
  struct wh_request req = { 0 };
  struct report_figures f;
  struct tthc_config cfg;
  output_result out;
  int rc;

  a.config = getenv("TTHC_CONFIG");
  log_init(PROG, LOG_FORMAT_TEXT, LOG_INFO);
  rc = parse_args(argc, argv, &a);
  if (rc == 0)
    rc = validate(&a, &req.period);
  if (rc != 0)
    return rc < 0 ? 0 : rc;
  log_init(PROG, a.log, LOG_INFO);
  config_init(&cfg);
  figures_init(&f);
  if (conninfo_of(&a, &cfg, &req.conninfo) != 0) {
    config_release(&cfg);
    return 1;
  }
  req.unit = a.unit;
  req.as_of = a.as_of;
  req.parts = a.parts;
  rc = 1;
  if (wh_read_report(&req, &f) == WH_OK) {
    out = write_report(&f, &a);
    if (out == OUTPUT_OK)
      rc = 0;
    else if (out == OUTPUT_NOMEM)
      log_error("%s", output_strerror(out));
  }
  figures_release(&f);
  config_release(&cfg);
  return rc;
}
