/*
 * tthc-sim - source simulator: generated dossiers served over HTTP on
 * loopback, with their Biểu 06 ground truth.
 *
 * Prints exactly one line "PORT <n>" on stdout once listening, serves
 * until SIGTERM or SIGINT, then exits 0.  Usage errors exit 2, runtime
 * failures 1.  Run with --help for the flags.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "version.h"
#include "city.h"
#include "dataset.h"
#include "fault.h"
#include "generator.h"
#include "httpd.h"
#include "junk.h"
#include "links.h"
#include "ministry.h"
#include "model.h"
#include "portal.h"
#include "rates.h"
#include "repr.h"
#include "reqlog.h"
#include "scenario.h"
#include "truth.h"
#include "view.h"

/* The whole country (3,321 communes) fits: a nightly bench of a province
 * or more. */
#define MAX_COMMUNES     4000
#define MAX_PROVINCE_MAP 64

static const char usage_text[] =
  "Usage: tthc-sim --kind portal|city|ministry [OPTION]...\n"
  "  or:  tthc-sim [--kind KIND] --export-dataset FILE [data flags] [truth]\n"
  "Simulate a source system (national portal, city one-stop system, ministry\n"
  "API) over HTTP for tests and the demo; prints \"PORT N\" once listening.\n"
  "\n"
  "Start the three kinds with the same data flags: each serves its own\n"
  "system's view of the one model.\n"
  "\n"
  "data:\n"
  "  --seed N               generator seed (default 42)\n"
  "  --communes C1,C2,...   5-digit commune codes (default 11002,10792)\n"
  "  --from YYYY-MM-DD      first local day generated (default 2026-03-01)\n"
  "  --to YYYY-MM-DD        last local day generated (default 2026-04-30)\n"
  "  --as-of YYYY-MM-DDTHH:MM:SS  the data is as of this local instant\n"
  "                         (default 2026-05-05T00:00:00)\n"
  "  --per-day N            mean dossiers per commune per weekday (default 20)\n"
  "  --unit-province C:P    commune C is in province P (repeatable; 11002 and\n"
  "                         10792 are known to be in 31)\n"
  "  --scenario NAME        a preset with the figures of a real report:\n"
  "                         thach-khoi-2026-04, an-thanh-2025-q3,\n"
  "                         truong-thi-2023 (sets communes, dates, as-of,\n"
  "                         and the truth's unit and period)\n"
  "  --push-failure RATE    share of ministry dossiers (a quarter of it of\n"
  "                         city ones) whose portal copy is stale, missing or\n"
  "                         has shifted dates (default 0)\n"
  "  --national-codes RATE  share of city dossiers with a portal code of their\n"
  "                         own (MaHoSoQuocGia / MaHoSoBNDP) (default 0)\n"
  "  --plain                no representation variety in records (not with the\n"
  "                         representation flags)\n"
  "  --dataset FILE         load the model from a file written by\n"
  "                         --export-dataset instead of generating it (not\n"
  "                         with --seed, --communes, --from, --to, --as-of,\n"
  "                         --per-day, --unit-province, --scenario,\n"
  "                         --push-failure, --national-codes; \"-\" = stdin)\n"
  "  --export-dataset FILE  write the model (JSON Lines) to FILE (\"-\" =\n"
  "                         stdout), write any truth files, and exit\n"
  "serving:\n"
  "  --bind ADDR            IP literal to listen on (default 127.0.0.1)\n"
  "  --port N               port, 0 = ephemeral (default 0)\n"
  "  --username NAME        portal user; city client_id (default demo)\n"
  "  --password-file FILE   first line: portal password, city client secret,\n"
  "                         ministry API key (default demo-secret)\n"
  "  --agency CODE          agency code, dstcode (default 000.00.00.H31)\n"
  "  --token-ttl N          city access-token lifetime, seconds (default 3600)\n"
  "  --request-log FILE     append one JSON line per answered request\n"
  "  --tls-cert FILE        serve HTTPS with this certificate (PEM, the chain\n"
  "                         after the server's; with --tls-key)\n"
  "  --tls-key FILE         the certificate's private key (PEM, unencrypted)\n"
  "representation (what sources.md allows; the model and truth stay the same):\n"
  "  --xml-layout indented|compact  city pages indented (default) or with no\n"
  "                         whitespace between elements\n"
  "  --crlf[=0|1]           CRLF line ends (city XML, pretty JSON)\n"
  "  --bom[=0|1]            a UTF-8 BOM before <?xml (city)\n"
  "  --shuffle-order[=0|1]  HoSo elements, XML attributes and JSON keys in an\n"
  "                         order drawn per record\n"
  "  --json-layout compact|pretty  portal and ministry bodies\n"
  "  --json-ascii[=0|1]     non-ASCII letters as \\uXXXX escapes (portal, ministry)\n"
  "  --absent mixed|varied|null|empty|missing  how an absent value is written:\n"
  "                         each system's usual mix (default), every form drawn\n"
  "                         per record, JSON null / XML <X/>, \"\" / <X></X>,\n"
  "                         or left out\n"
  "  --scalars mixed|varied|strings|numbers  codes, statuses, flags, amounts,\n"
  "                         the portal's times (and error_code / status with\n"
  "                         numbers) as JSON strings or numbers\n"
  "  --stop-recording MODE  how a dated stop (3 after intake, 7, 8) is\n"
  "                         recorded: end, refusal, step joined by + (default\n"
  "                         refusal+step), or mixed (per dossier); end also\n"
  "                         gives the ministry's refused dossier\n"
  "                         thoiGianHoanThanh\n"
  "  --repr-seed N          draw every representation knob not given from N\n"
  "                         (printed on stderr) and seed the per-record choices\n"
  "faults:\n"
  "  --fault NAME:RATE      inject a fault in a share of requests (repeatable):\n"
  "                         all kinds: http-5xx, http-500, rate-limit,\n"
  "                         unavailable, truncate, reset, stall;\n"
  "                         portal: error-1, session-expired, numeric-code;\n"
  "                         city: error-1, token-expired, windows-1258, ncr,\n"
  "                         doctype; portal and city paging: drift,\n"
  "                         drift-served, drift-out, miscount; ministry: sync-error,\n"
  "                         cursor-expired; and malformed:RATE (junk records\n"
  "                         per real record, every kind)\n"
  "  --fault-seed N         fault stream seed (default 1)\n"
  "  --stall-ms N           how long a stall lasts (default 20000)\n"
  "  --retry-after N        Retry-After seconds sent (default 1)\n"
  "  --max-rps N            enforce a rate limit: a request above N a second\n"
  "                         (bucket room 2) gets 429 with Retry-After, fault\n"
  "                         over-rate in the request log (default 0 = none)\n"
  "hostile paging (no client can complete such a window; it must stop it):\n"
  "  --fault endless:RATE   portal, city: full pages forever, no total announced\n"
  "  --fault same-cursor:RATE  ministry: a cursor answered with itself as nextCursor\n"
  "truth:\n"
  "  --truth FILE           write the Biểu 06 truth (TSV) for --unit, --period\n"
  "  --unit CODE            5-digit commune or 2-digit province\n"
  "  --period FROM:TO       local days, e.g. 2026-04-01:2026-04-30\n"
  "  --truth-rates FILE     write the rates truth (tthc.report_rates' row) for\n"
  "                         --unit, --period\n"
  "  --truth-overdue FILE   overdue per department (report_overdue_by_department's\n"
  "                         rows) for the same --unit/--period\n"
  "  --truth-counts FILE    per commune, the records this kind serves (dossiers\n"
  "                         and malformed ones): what a complete pull lands\n"
  "  --truth-discrepancies FILE  write the sync-discrepancy truth (TSV)\n"
  "  --truth-rejects FILE   write the injected malformed records (TSV)\n"
  "  --truth-only           write the truth files and exit\n"
  "other:\n"
  "  -h, --help             display this help and exit\n"
  "  --version              output version information and exit\n"
  "\n"
  "Exit status:\n"
  " 0  stopped by SIGTERM/SIGINT, or truth/dataset files written\n"
  " 1  an error (port in use, a file that could not be written)\n"
  " 2  bad usage\n"
  "\n"
  "Examples:\n"
  "  tthc-sim --kind portal --scenario thach-khoi-2026-04 --port 8081\n"
  "  tthc-sim --kind city --fault http-5xx:0.05 --port 0\n"
  "  tthc-sim --kind portal --scenario an-thanh-2025-q3 --truth-only --truth t.tsv\n"
  "\n"
  "Full documentation: man tthc-sim; sim/README.md\n";

struct config {
  const char *kind;
  uint64_t seed, fault_seed;
  char communes[MAX_COMMUNES][6];
  size_t ncommunes;
  char pmap[MAX_PROVINCE_MAP][2][6]; /* commune, province */
  size_t npmap;
  int64_t from, to, truth_from, truth_to;
  sim_time as_of;
  unsigned per_day, port, stall_ms, retry_after, max_rps;
  const char *bind, *username, *password_file, *agency;
  const char *truth, *unit, *request_log;
  const char *tls_cert, *tls_key; /* HTTPS: PEM files, both or neither */
  const char *truth_disc, *truth_rejects, *truth_rates, *truth_overdue, *truth_counts;
  const struct sim_scenario *scenario;
  enum sim_kind kindv;
  unsigned push_ppm, national_ppm, token_ttl;
  bool truth_only, plain, have_period, data_flags, agency_set;
  const char *dataset, *export_dataset;
  const char *gen_flag; /* a generator flag given, for usage */
  const char *faults[32];
  size_t nfaults;
  struct sim_repr repr;
  unsigned repr_given; /* 1 << knob for each representation flag */
  bool repr_seeded;
  uint64_t repr_seed;
};

/* Report a usage error; returns the usage exit status, 2. */
static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage(const char *fmt, ...)
{
  va_list ap;

  fputs("tthc-sim: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\n(see tthc-sim --help)\n", stderr);
  return 2;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
  char *end;
  unsigned long long v;

  if (!s || !*s || *s == '-')
    return -1;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno || *end || v > max)
    return -1;
  *out = v;
  return 0;
}

static int parse_communes(struct config *c, const char *list)
{
  const char *p = list;

  c->ncommunes = 0;
  while (*p) {
    size_t n = strcspn(p, ",");

    if (n != 5 || c->ncommunes == MAX_COMMUNES)
      return -1;
    memcpy(c->communes[c->ncommunes], p, 5);
    c->communes[c->ncommunes][5] = '\0';
    if (!sim_is_digits(c->communes[c->ncommunes], 5))
      return -1;
    c->ncommunes++;
    p += n;
    if (*p == ',' && *++p == '\0')
      return -1;
  }
  return c->ncommunes ? 0 : -1;
}

static int parse_pair(const char *s, char *a, size_t alen, char *b, size_t blen)
{
  const char *colon = strchr(s, ':');

  if (!colon || (size_t)(colon - s) >= alen || strlen(colon + 1) >= blen)
    return -1;
  memcpy(a, s, (size_t)(colon - s));
  a[colon - s] = '\0';
  strcpy(b, colon + 1);
  return 0;
}

/* Whether the --fault specs so far are valid together. */
static int check_faults(const struct config *c)
{
  struct sim_faults f;
  int rc = 0;

  sim_faults_init(&f, 0);
  for (size_t i = 0; i < c->nfaults && !rc; i++)
    rc = sim_faults_add(&f, c->faults[i]) != SIM_FAULT_OK;
  sim_faults_release(&f);
  return rc;
}

/* Every --fault must be one the kind knows; 0 ok, 2 usage error. */
static int kind_faults(const struct config *c)
{
  static const unsigned allowed[] = {
    [SIM_KIND_PORTAL] = SIM_FAULTS_PORTAL,
    [SIM_KIND_CITY] = SIM_FAULTS_CITY,
    [SIM_KIND_MINISTRY] = SIM_FAULTS_MINISTRY,
  };

  for (size_t i = 0; i < c->nfaults; i++) {
    struct sim_faults f;
    unsigned mask;

    sim_faults_init(&f, 0);
    sim_faults_add(&f, c->faults[i]);
    mask = sim_faults_enabled(&f);
    sim_faults_release(&f);
    if (mask & ~allowed[c->kindv])
      return usage("--fault %s: not a fault of --kind %s", c->faults[i], c->kind);
  }
  return 0;
}

enum {
  O_KIND = 256,
  O_SEED,
  O_COMMUNES,
  O_FROM,
  O_TO,
  O_AS_OF,
  O_PER_DAY,
  O_BIND,
  O_PORT,
  O_USERNAME,
  O_PASSWORD_FILE,
  O_AGENCY,
  O_TRUTH,
  O_UNIT,
  O_PERIOD,
  O_TRUTH_ONLY,
  O_REQUEST_LOG,
  O_FAULT,
  O_FAULT_SEED,
  O_STALL_MS,
  O_RETRY_AFTER,
  O_MAX_RPS,
  O_UNIT_PROVINCE,
  O_PLAIN,
  O_HELP,
  O_VERSION,
  O_SCENARIO,
  O_PUSH_FAILURE,
  O_NATIONAL_CODES,
  O_TOKEN_TTL,
  O_TRUTH_DISC,
  O_TRUTH_REJECTS,
  O_TRUTH_RATES,
  O_TRUTH_OVERDUE,
  O_TRUTH_COUNTS,
  O_DATASET,
  O_EXPORT_DATASET,
  O_XML_LAYOUT,
  O_CRLF,
  O_BOM,
  O_SHUFFLE_ORDER,
  O_JSON_LAYOUT,
  O_ABSENT,
  O_SCALARS,
  O_STOP_RECORDING,
  O_JSON_ASCII,
  O_REPR_SEED,
  O_TLS_CERT,
  O_TLS_KEY
};

static const struct option options[] = {
  { "kind", required_argument, NULL, O_KIND },
  { "seed", required_argument, NULL, O_SEED },
  { "communes", required_argument, NULL, O_COMMUNES },
  { "from", required_argument, NULL, O_FROM },
  { "to", required_argument, NULL, O_TO },
  { "as-of", required_argument, NULL, O_AS_OF },
  { "per-day", required_argument, NULL, O_PER_DAY },
  { "bind", required_argument, NULL, O_BIND },
  { "port", required_argument, NULL, O_PORT },
  { "username", required_argument, NULL, O_USERNAME },
  { "password-file", required_argument, NULL, O_PASSWORD_FILE },
  { "agency", required_argument, NULL, O_AGENCY },
  { "truth", required_argument, NULL, O_TRUTH },
  { "unit", required_argument, NULL, O_UNIT },
  { "period", required_argument, NULL, O_PERIOD },
  { "truth-only", no_argument, NULL, O_TRUTH_ONLY },
  { "request-log", required_argument, NULL, O_REQUEST_LOG },
  { "fault", required_argument, NULL, O_FAULT },
  { "fault-seed", required_argument, NULL, O_FAULT_SEED },
  { "stall-ms", required_argument, NULL, O_STALL_MS },
  { "retry-after", required_argument, NULL, O_RETRY_AFTER },
  { "max-rps", required_argument, NULL, O_MAX_RPS },
  { "unit-province", required_argument, NULL, O_UNIT_PROVINCE },
  { "plain", no_argument, NULL, O_PLAIN },
  { "help", no_argument, NULL, O_HELP },
  { "version", no_argument, NULL, O_VERSION },
  { "scenario", required_argument, NULL, O_SCENARIO },
  { "push-failure", required_argument, NULL, O_PUSH_FAILURE },
  { "national-codes", required_argument, NULL, O_NATIONAL_CODES },
  { "token-ttl", required_argument, NULL, O_TOKEN_TTL },
  { "truth-discrepancies", required_argument, NULL, O_TRUTH_DISC },
  { "truth-rejects", required_argument, NULL, O_TRUTH_REJECTS },
  { "truth-rates", required_argument, NULL, O_TRUTH_RATES },
  { "truth-overdue", required_argument, NULL, O_TRUTH_OVERDUE },
  { "truth-counts", required_argument, NULL, O_TRUTH_COUNTS },
  { "dataset", required_argument, NULL, O_DATASET },
  { "export-dataset", required_argument, NULL, O_EXPORT_DATASET },
  { "xml-layout", required_argument, NULL, O_XML_LAYOUT },
  { "crlf", optional_argument, NULL, O_CRLF },
  { "bom", optional_argument, NULL, O_BOM },
  { "shuffle-order", optional_argument, NULL, O_SHUFFLE_ORDER },
  { "json-layout", required_argument, NULL, O_JSON_LAYOUT },
  { "absent", required_argument, NULL, O_ABSENT },
  { "scalars", required_argument, NULL, O_SCALARS },
  { "stop-recording", required_argument, NULL, O_STOP_RECORDING },
  { "json-ascii", optional_argument, NULL, O_JSON_ASCII },
  { "repr-seed", required_argument, NULL, O_REPR_SEED },
  { "tls-cert", required_argument, NULL, O_TLS_CERT },
  { "tls-key", required_argument, NULL, O_TLS_KEY },
  { NULL, 0, NULL, 0 }
};

/* A representation flag: its knob (repr.h), checked and noted as given. */
static int repr_flag(struct config *c, int opt, const char *a)
{
  static const struct {
    int opt;
    enum sim_repr_knob knob;
    const char *name;
  } flags[] = {
    { O_XML_LAYOUT, SIM_REPR_XML, "--xml-layout" },
    { O_CRLF, SIM_REPR_CRLF, "--crlf" },
    { O_BOM, SIM_REPR_BOM, "--bom" },
    { O_SHUFFLE_ORDER, SIM_REPR_ORDER, "--shuffle-order" },
    { O_JSON_LAYOUT, SIM_REPR_JSON, "--json-layout" },
    { O_ABSENT, SIM_REPR_ABSENT, "--absent" },
    { O_SCALARS, SIM_REPR_SCALARS, "--scalars" },
    { O_STOP_RECORDING, SIM_REPR_STOP, "--stop-recording" },
    { O_JSON_ASCII, SIM_REPR_ASCII, "--json-ascii" },
  };

  for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
    const char *v = a;

    if (flags[i].opt != opt)
      continue;
    if (opt == O_SHUFFLE_ORDER) /* a switch: =1 / =0 */
      v = !a || !strcmp(a, "1") ? "shuffled" : !strcmp(a, "0") ? "canonical" : "";
    if (sim_repr_parse(&c->repr, flags[i].knob, v))
      return usage("%s: expected %s: %s", flags[i].name,
                   opt == O_SHUFFLE_ORDER ? "0|1" : sim_repr_values(flags[i].knob), a ? a : "");
    c->repr_given |= 1u << flags[i].knob;
    return 0;
  }
  return usage("unknown representation flag");
}

/* Parse argv into c; 0 ok, 1 help printed, 2 usage error reported. */
static int parse_args(struct config *c, int argc, char **argv)
{
  uint64_t v;
  int opt;

  c->seed = 42;
  c->fault_seed = 1;
  parse_communes(c, "11002,10792");
  sim_parse_day("2026-03-01", &c->from);
  sim_parse_day("2026-04-30", &c->to);
  sim_parse_local("2026-05-05T00:00:00", &c->as_of);
  c->per_day = 20;
  c->stall_ms = 20000;
  c->retry_after = 1;
  c->agency = "000.00.00.H31";

  opterr = 0;
  while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
    const char *a = optarg;
    char x[16], y[16];

    switch (opt) {
    case O_KIND: c->kind = a; break;
    case O_SEED:
      c->gen_flag = "--seed";
      if (parse_u64(a, UINT64_MAX, &c->seed))
        return usage("--seed: not a number: %s", a);
      break;
    case O_FAULT_SEED:
      if (parse_u64(a, UINT64_MAX, &c->fault_seed))
        return usage("--fault-seed: not a number: %s", a);
      break;
    case O_SCENARIO:
      c->gen_flag = "--scenario";
      c->scenario = sim_scenario_find(a);
      if (!c->scenario)
        return usage("--scenario: unknown preset %s "
                     "(thach-khoi-2026-04, an-thanh-2025-q3, "
                     "truong-thi-2023)",
                     a);
      break;
    case O_PUSH_FAILURE:
      c->gen_flag = "--push-failure";
      if (sim_parse_rate(a, &c->push_ppm))
        return usage("--push-failure: expected a rate in "
                     "0..1 or 0..100%%: %s",
                     a);
      break;
    case O_NATIONAL_CODES:
      c->gen_flag = "--national-codes";
      if (sim_parse_rate(a, &c->national_ppm))
        return usage("--national-codes: expected a rate "
                     "in 0..1 or 0..100%%: %s",
                     a);
      break;
    case O_TOKEN_TTL:
      if (parse_u64(a, 86400 * 30, &v) || v == 0)
        return usage("--token-ttl: expected 1..2592000: %s", a);
      c->token_ttl = (unsigned)v;
      break;
    case O_DATASET:
      if (!*a)
        return usage("%s", "--dataset: expected a file name");
      c->dataset = a;
      break;
    case O_EXPORT_DATASET:
      if (!*a)
        return usage("%s", "--export-dataset: expected a "
                           "file name");
      c->export_dataset = a;
      break;
    case O_TRUTH_DISC: c->truth_disc = a; break;
    case O_TRUTH_REJECTS: c->truth_rejects = a; break;
    case O_TRUTH_RATES: c->truth_rates = a; break;
    case O_TRUTH_OVERDUE: c->truth_overdue = a; break;
    case O_TRUTH_COUNTS: c->truth_counts = a; break;
    case O_COMMUNES:
      c->gen_flag = "--communes";
      c->data_flags = true;
      if (parse_communes(c, a))
        return usage("--communes: expected 5-digit codes "
                     "separated by commas: %s",
                     a);
      break;
    case O_FROM:
      c->gen_flag = "--from";
      c->data_flags = true;
      if (sim_parse_day(a, &c->from))
        return usage("--from: expected YYYY-MM-DD: %s", a);
      break;
    case O_TO:
      c->gen_flag = "--to";
      c->data_flags = true;
      if (sim_parse_day(a, &c->to))
        return usage("--to: expected YYYY-MM-DD: %s", a);
      break;
    case O_AS_OF:
      c->gen_flag = "--as-of";
      c->data_flags = true;
      if (sim_parse_local(a, &c->as_of))
        return usage("--as-of: expected "
                     "YYYY-MM-DDTHH:MM:SS: %s",
                     a);
      break;
    case O_PER_DAY:
      c->gen_flag = "--per-day";
      c->data_flags = true;
      if (parse_u64(a, 100000, &v) || v == 0)
        return usage("--per-day: expected 1..100000: %s", a);
      c->per_day = (unsigned)v;
      break;
    case O_BIND: c->bind = a; break;
    case O_PORT:
      if (parse_u64(a, 65535, &v))
        return usage("--port: expected 0..65535: %s", a);
      c->port = (unsigned)v;
      break;
    case O_USERNAME: c->username = a; break;
    case O_PASSWORD_FILE: c->password_file = a; break;
    case O_TLS_CERT: c->tls_cert = a; break;
    case O_TLS_KEY: c->tls_key = a; break;
    case O_AGENCY:
      c->agency = a;
      c->agency_set = true;
      break;
    case O_TRUTH: c->truth = a; break;
    case O_UNIT:
      if (!sim_is_digits(a, 5) && !sim_is_digits(a, 2))
        return usage("--unit: expected a 5-digit commune "
                     "or 2-digit province code: %s",
                     a);
      c->unit = a;
      break;
    case O_PERIOD:
      if (parse_pair(a, x, sizeof(x), y, sizeof(y)) || sim_parse_day(x, &c->truth_from) ||
          sim_parse_day(y, &c->truth_to) || c->truth_to < c->truth_from)
        return usage("--period: expected FROM:TO as "
                     "YYYY-MM-DD:YYYY-MM-DD: %s",
                     a);
      c->have_period = true;
      break;
    case O_TRUTH_ONLY: c->truth_only = true; break;
    case O_REQUEST_LOG: c->request_log = a; break;
    case O_FAULT:
      if (c->nfaults == sizeof(c->faults) / sizeof(c->faults[0]))
        return usage("--fault: too many: %s", a);
      c->faults[c->nfaults++] = a;
      if (check_faults(c))
        return usage("--fault: unknown name, or rate not "
                     "in 0..1, or rates summing above 1: %s",
                     a);
      break;
    case O_STALL_MS:
      if (parse_u64(a, 3600000, &v))
        return usage("--stall-ms: expected 0..3600000: %s", a);
      c->stall_ms = (unsigned)v;
      break;
    case O_RETRY_AFTER:
      if (parse_u64(a, 86400, &v))
        return usage("--retry-after: expected 0..86400: %s", a);
      c->retry_after = (unsigned)v;
      break;
    case O_MAX_RPS:
      if (parse_u64(a, 100000, &v))
        return usage("--max-rps: expected 0..100000: %s", a);
      c->max_rps = (unsigned)v;
      break;
    case O_UNIT_PROVINCE:
      c->gen_flag = "--unit-province";
      if (c->npmap == MAX_PROVINCE_MAP || parse_pair(a, x, sizeof(x), y, sizeof(y)) ||
          !sim_is_digits(x, 5) || !sim_is_digits(y, 2))
        return usage("--unit-province: expected "
                     "COMMUNE:PROVINCE, e.g. 11002:31: %s",
                     a);
      strcpy(c->pmap[c->npmap][0], x);
      strcpy(c->pmap[c->npmap][1], y);
      c->npmap++;
      break;
    case O_PLAIN: c->plain = true; break;
    case O_XML_LAYOUT:
    case O_CRLF:
    case O_BOM:
    case O_SHUFFLE_ORDER:
    case O_JSON_LAYOUT:
    case O_ABSENT:
    case O_SCALARS:
    case O_STOP_RECORDING:
    case O_JSON_ASCII:
      if (repr_flag(c, opt, a))
        return 2;
      break;
    case O_REPR_SEED:
      if (parse_u64(a, UINT64_MAX, &c->repr_seed))
        return usage("--repr-seed: not a number: %s", a);
      c->repr_seeded = true;
      break;
    case 'h':
    case O_HELP: fputs(usage_text, stdout); return 1;
    case O_VERSION:
      printf("tthc-sim (tthc-etl) %s\n", TTHC_VERSION);
      return 1;
    default: return usage("unknown or incomplete option: %s", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return usage("unexpected argument: %s", argv[optind]);
  if (c->plain && (c->repr_given || c->repr_seeded))
    return usage("%s", "--plain means no representation variety: leave out the "
                       "representation flags (--xml-layout ... --repr-seed)");
  if (!c->kind && c->export_dataset && !c->truth_rejects && !c->truth_counts)
    c->kindv = SIM_KIND_PORTAL; /* not serving: any kind */
  else if (!c->kind)
    return usage("%s", c->export_dataset ? "--truth-rejects and --truth-counts need --kind "
                                           "(portal, city or ministry)"
                                         : "--kind is required (portal, city or ministry)");
  else if (!strcmp(c->kind, "portal"))
    c->kindv = SIM_KIND_PORTAL;
  else if (!strcmp(c->kind, "city"))
    c->kindv = SIM_KIND_CITY;
  else if (!strcmp(c->kind, "ministry"))
    c->kindv = SIM_KIND_MINISTRY;
  else
    return usage("--kind %s: expected portal, city or ministry", c->kind);
  if (c->kind && kind_faults(c))
    return 2;
  if (c->dataset && c->gen_flag)
    return usage("--dataset %s holds the model: leave out %s (no "
                 "generator flag applies: --seed, --communes, "
                 "--from, --to, --as-of, --per-day, "
                 "--unit-province, --scenario, --push-failure, "
                 "--national-codes)",
                 c->dataset, c->gen_flag);
  if (c->scenario && c->data_flags)
    return usage("--scenario %s sets the communes, dates, as-of and "
                 "volume: leave out --communes, --from, --to, "
                 "--as-of and --per-day",
                 c->scenario->name);
  if (c->scenario) {
    parse_communes(c, c->scenario->commune);
    if (c->npmap < MAX_PROVINCE_MAP) {
      strcpy(c->pmap[c->npmap][0], c->scenario->commune);
      strcpy(c->pmap[c->npmap][1], c->scenario->province);
      c->npmap++;
    }
    sim_parse_day(c->scenario->from, &c->from);
    sim_parse_day(c->scenario->to, &c->to);
    sim_parse_local(c->scenario->as_of, &c->as_of);
    if (!c->agency_set)
      c->agency = c->scenario->agency;
    if (!c->unit)
      c->unit = c->scenario->commune;
    if (!c->have_period) {
      c->truth_from = c->from;
      c->truth_to = c->to;
      c->have_period = true;
    }
  }
  if (c->to < c->from)
    return usage("%s", "--to is before --from");
  if (!c->tls_cert != !c->tls_key)
    return usage("%s", "--tls-cert and --tls-key go together");
  /* With --dataset, the file may give the unit and period (main). */
  if (c->truth && !c->dataset && (!c->unit || !c->have_period))
    return usage("%s", "--truth needs --unit and --period");
  if (c->truth_overdue && !c->dataset && (!c->unit || !c->have_period))
    return usage("%s", "--truth-overdue needs --unit and --period");
  if (c->truth_rates && !c->dataset && (!c->unit || !c->have_period))
    return usage("%s", "--truth-rates needs --unit and --period");
  if (!c->truth && !c->truth_rates && !c->truth_overdue && !c->scenario &&
      (c->unit || c->have_period))
    return usage("%s", "--unit and --period need --truth or --truth-rates");
  if (c->truth_only && !c->truth && !c->truth_rates && !c->truth_overdue && !c->truth_disc &&
      !c->truth_rejects && !c->truth_counts)
    return usage("%s", "--truth-only needs a --truth, --truth-rates, "
                       "--truth-discrepancies or --truth-rejects file");
  return 0;
}

/* Province of a commune: --unit-province first, then the known ones. */
static const char *province_of(const struct config *c, const char *commune)
{
  static const char *const known[][2] = {
    { "11002", "31" }, /* Phường Thạch Khôi, Hải Phòng */
    { "10792", "31" }, /* Xã An Thành, Hải Phòng */
  };

  for (size_t i = 0; i < c->npmap; i++)
    if (!strcmp(c->pmap[i][0], commune))
      return c->pmap[i][1];
  for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
    if (!strcmp(known[i][0], commune))
      return known[i][1];
  return NULL;
}

/* First line of the password file, without its line ending. */
/* A whole PEM file (at most 1 MiB), NUL-terminated; NULL when unreadable. */
static char *read_pem(const char *path)
{
  FILE *fp = fopen(path, "r");
  char *text = NULL;
  size_t n = 0;

  if (!fp)
    return NULL;
  text = malloc((1u << 20) + 1);
  if (text) {
    n = fread(text, 1, 1u << 20, fp);
    text[n] = '\0';
  }
  if (!text || ferror(fp) || !feof(fp) || n == 0) {
    free(text);
    text = NULL;
  }
  fclose(fp);
  return text;
}

static char *read_password(const char *path)
{
  FILE *fp = fopen(path, "r");
  char buf[256];
  char *pw = NULL;

  if (!fp)
    return NULL;
  if (fgets(buf, sizeof(buf), fp)) {
    buf[strcspn(buf, "\r\n")] = '\0';
    pw = strdup(buf);
  } else if (!ferror(fp)) {
    pw = strdup("");
  }
  fclose(fp);
  return pw;
}

static int write_truth(const struct config *c, const struct sim_model *m)
{
  struct sim_bieu06 t;
  sim_truth_result r;
  FILE *fp;
  int rc = 1;

  r = sim_truth_bieu06(m, c->unit, c->truth_from, c->truth_to, &t);
  if (r != SIM_TRUTH_OK) {
    fprintf(stderr, "tthc-sim: truth: %s\n", sim_truth_strerror(r));
    return 1;
  }
  fp = fopen(c->truth, "w");
  if (!fp) {
    fprintf(stderr, "tthc-sim: %s: %s\n", c->truth, strerror(errno));
    goto out;
  }
  r = sim_bieu06_write_tsv(&t, fp);
  if (fclose(fp) || r != SIM_TRUTH_OK) {
    fprintf(stderr, "tthc-sim: %s: write failed\n", c->truth);
    goto out;
  }
  rc = 0;
out:
  sim_bieu06_release(&t);
  return rc;
}

static int write_overdue(const struct config *c, const struct sim_model *m)
{
  FILE *fp = fopen(c->truth_overdue, "w");
  sim_truth_result tr;

  if (!fp) {
    fprintf(stderr, "tthc-sim: %s: %s\n", c->truth_overdue, strerror(errno));
    return 1;
  }
  tr = sim_truth_overdue_by_department(m, c->unit, c->truth_from, c->truth_to, fp);
  if (fclose(fp) || tr != SIM_TRUTH_OK) {
    fprintf(stderr, "tthc-sim: %s: %s\n", c->truth_overdue, sim_truth_strerror(tr));
    return 1;
  }
  return 0;
}

static int write_rates(const struct config *c, const struct sim_model *m)
{
  struct sim_rates r;
  sim_truth_result tr = sim_truth_rates(m, c->unit, c->truth_from, c->truth_to, &r);
  FILE *fp;

  if (tr != SIM_TRUTH_OK) {
    fprintf(stderr, "tthc-sim: rates truth: %s\n", sim_truth_strerror(tr));
    return 1;
  }
  fp = fopen(c->truth_rates, "w");
  if (!fp) {
    fprintf(stderr, "tthc-sim: %s: %s\n", c->truth_rates, strerror(errno));
    return 1;
  }
  tr = sim_rates_write_tsv(&r, fp);
  if (fclose(fp) || tr != SIM_TRUTH_OK) {
    fprintf(stderr, "tthc-sim: %s: write failed\n", c->truth_rates);
    return 1;
  }
  return 0;
}

static int write_discrepancies(const struct config *c, const struct sim_model *m)
{
  FILE *fp = fopen(c->truth_disc, "w");
  sim_truth_result r;

  if (!fp) {
    fprintf(stderr, "tthc-sim: %s: %s\n", c->truth_disc, strerror(errno));
    return 1;
  }
  r = sim_truth_discrepancies(m, fp);
  if (fclose(fp) || r != SIM_TRUTH_OK) {
    fprintf(stderr, "tthc-sim: %s: %s\n", c->truth_disc,
            r != SIM_TRUTH_OK ? sim_truth_strerror(r) : "write failed");
    return 1;
  }
  return 0;
}

/* The view this kind serves, built as the server builds it (faults and
 * their seed decide the junk records). */
static int served_view(const struct config *c, const struct sim_model *m, struct sim_view *v)
{
  struct sim_faults f;
  int rc;

  sim_faults_init(&f, c->fault_seed);
  for (size_t i = 0; i < c->nfaults; i++)
    sim_faults_add(&f, c->faults[i]);
  rc = sim_view_build(v, m, c->kindv, f.malformed_ppm, c->fault_seed);
  sim_faults_release(&f);
  if (rc)
    fprintf(stderr, "tthc-sim: out of memory\n");
  return rc;
}

/* The junk records are those the served view holds. */
static int write_rejects(const struct config *c, const struct sim_model *m)
{
  struct sim_view v;
  FILE *fp;
  int rc = 1;

  if (served_view(c, m, &v))
    return 1;
  fp = fopen(c->truth_rejects, "w");
  if (!fp) {
    fprintf(stderr, "tthc-sim: %s: %s\n", c->truth_rejects, strerror(errno));
  } else if (sim_junk_write_truth(v.junk, v.njunk, fp) || fclose(fp)) {
    fprintf(stderr, "tthc-sim: %s: write failed\n", c->truth_rejects);
  } else {
    rc = 0;
  }
  sim_view_release(&v);
  return rc;
}

/* Per commune, the records the served view holds: dossiers and junk. */
static int write_counts(const struct config *c, const struct sim_model *m)
{
  struct sim_view v;
  FILE *fp;
  int rc = 1;

  if (served_view(c, m, &v))
    return 1;
  fp = fopen(c->truth_counts, "w");
  if (!fp) {
    fprintf(stderr, "tthc-sim: %s: %s\n", c->truth_counts, strerror(errno));
    goto out;
  }
  fputs("commune\trecords\tjunk\n", fp);
  for (size_t k = 0; k < m->ncommunes; k++) {
    long records = 0, junk = 0;
    for (size_t i = 0; i < v.n; i++)
      if (!strcmp(v.v[i].commune, m->communes[k].code))
        (v.v[i].junk ? &junk : &records)[0]++;
    fprintf(fp, "%s\t%ld\t%ld\n", m->communes[k].code, records, junk);
  }
  if (fclose(fp))
    fprintf(stderr, "tthc-sim: %s: write failed\n", c->truth_counts);
  else
    rc = 0;
out:
  sim_view_release(&v);
  return rc;
}

/* The header settings of the model this run built. */
static int export_dataset(const struct config *c, const struct sim_model *m,
                          const struct sim_dataset_info *loaded)
{
  struct sim_dataset_info info;
  char err[512], from[16], to[16];
  int rc;

  sim_dataset_info_init(&info);
  info.seed = c->seed;
  snprintf(info.agency, sizeof(info.agency), "%s", c->agency);
  info.plain = c->plain;
  if (c->unit && c->have_period) {
    info.have_truth = true;
    snprintf(info.unit, sizeof(info.unit), "%s", c->unit);
    info.truth_from = c->truth_from;
    info.truth_to = c->truth_to;
  }
  if (loaded) {
    info.source = loaded->source; /* borrowed: not released */
  } else {
    cJSON *o = cJSON_CreateObject();
    char seed[24];

    sim_format_day(c->from, from);
    sim_format_day(c->to, to);
    snprintf(seed, sizeof(seed), "%" PRIu64, c->seed);
    if (o && cJSON_AddStringToObject(o, "generator", "tthc-sim") &&
        cJSON_AddStringToObject(o, "seed", seed) &&
        (c->scenario ? cJSON_AddStringToObject(o, "scenario", c->scenario->name)
                     : cJSON_AddNullToObject(o, "scenario")) &&
        cJSON_AddStringToObject(o, "from", from) && cJSON_AddStringToObject(o, "to", to) &&
        (c->scenario ? cJSON_AddNullToObject(o, "per_day")
                     : cJSON_AddNumberToObject(o, "per_day", c->per_day)) &&
        cJSON_AddNumberToObject(o, "push_failure_ppm", c->push_ppm) &&
        cJSON_AddNumberToObject(o, "national_codes_ppm", c->national_ppm))
      info.source = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!info.source) {
      fprintf(stderr, "tthc-sim: out of memory\n");
      return 1;
    }
  }
  rc = sim_dataset_save(c->export_dataset, m, &info, err, sizeof(err));
  if (rc)
    fprintf(stderr, "tthc-sim: --export-dataset: %s\n", err);
  if (!loaded)
    sim_dataset_info_release(&info);
  return rc ? 1 : 0;
}

/* Serve until SIGTERM or SIGINT. */
static int serve(const struct config *c, const struct sim_model *m, const char *password,
                 const char *prefix)
{
  struct sim_portal_options po = { .username = c->username,
                                   .password = password,
                                   .agency = c->agency,
                                   .seed = c->seed,
                                   .plain = c->plain,
                                   .junk_seed = c->fault_seed,
                                   .repr = c->repr };
  struct sim_city_options co = { .client_id = c->username,
                                 .client_secret = password,
                                 .prefix = prefix,
                                 .seed = c->seed,
                                 .junk_seed = c->fault_seed,
                                 .token_ttl = c->token_ttl,
                                 .plain = c->plain,
                                 .repr = c->repr };
  struct sim_ministry_options mo = {
    .api_key = password, .junk_seed = c->fault_seed, .plain = c->plain, .repr = c->repr
  };
  struct sim_httpd_options ho = { .bind = c->bind, .port = c->port };
  struct sim_reqlog *log = NULL;
  struct sim_portal *portal = NULL;
  struct sim_city *city = NULL;
  struct sim_ministry *ministry = NULL;
  struct sim_httpd *httpd = NULL;
  struct sim_faults faults;
  sigset_t set;
  char err[256], *cert = NULL, *key = NULL;
  int rc = 1, sig;

  sim_faults_init(&faults, c->fault_seed);
  faults.stall_ms = c->stall_ms;
  faults.retry_after = c->retry_after;
  for (size_t i = 0; i < c->nfaults; i++) /* checked by parse_args */
    sim_faults_add(&faults, c->faults[i]);
  if (c->tls_cert && (!(cert = read_pem(c->tls_cert)) || !(key = read_pem(c->tls_key)))) {
    fprintf(stderr, "tthc-sim: cannot read %s\n", cert ? c->tls_key : c->tls_cert);
    goto out;
  }
  ho.tls_cert_pem = cert;
  ho.tls_key_pem = key;
  if (c->request_log && !(log = sim_reqlog_open(c->request_log))) {
    fprintf(stderr, "tthc-sim: %s: %s\n", c->request_log, strerror(errno));
    goto out;
  }
  switch (c->kindv) {
  case SIM_KIND_CITY:
    city = sim_city_new(m, &co, &faults);
    ho.handler = sim_city_handler;
    ho.ctx = city;
    break;
  case SIM_KIND_MINISTRY:
    ministry = sim_ministry_new(m, &mo, &faults);
    ho.handler = sim_ministry_handler;
    ho.ctx = ministry;
    break;
  default:
    portal = sim_portal_new(m, &po, &faults);
    ho.handler = sim_portal_handler;
    ho.ctx = portal;
    break;
  }
  if (!ho.ctx) {
    fprintf(stderr, "tthc-sim: out of memory\n");
    goto out;
  }
  ho.log = log;
  ho.max_rps = c->max_rps;
  ho.retry_after = c->retry_after;

  /* Block the stop signals in every thread; sigwait takes them. */
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  if (sim_httpd_start(&ho, &httpd, err, sizeof(err)) != SIM_HTTPD_OK) {
    fprintf(stderr, "tthc-sim: %s\n", err);
    goto out;
  }
  printf("PORT %u\n", sim_httpd_port(httpd));
  fflush(stdout);
  while (sigwait(&set, &sig) != 0)
    ;
  rc = 0;
out:
  sim_httpd_stop(httpd);
  sim_portal_free(portal);
  sim_city_free(city);
  sim_ministry_free(ministry);
  sim_reqlog_close(log);
  sim_faults_release(&faults);
  free(cert);
  if (key) {
    memset(key, 0, strlen(key));
    free(key);
  }
  return rc;
}

int main(int argc, char **argv)
{
  struct config c = { 0 };
  struct sim_model m;
  struct sim_gen_options go;
  struct sim_link_options lo;
  struct sim_dataset_info info;
  const char *dot;
  char prefix[16];
  char *password = NULL;
  sim_gen_result gr;
  int rc;

  sim_dataset_info_init(&info);
  rc = parse_args(&c, argc, argv);
  if (rc)
    return rc == 1 ? 0 : rc;
  sim_model_init(&m, c.as_of);
  if (c.dataset) {
    char err[640];

    if (sim_dataset_load(c.dataset, &m, &info, err, sizeof(err))) {
      rc = usage("--dataset: %s", err);
      goto out;
    }
    /* The file's settings, unless given on the command line. */
    c.seed = info.seed;
    if (!c.agency_set)
      c.agency = info.agency;
    c.plain = c.plain || info.plain;
    if (info.plain && (c.repr_given || c.repr_seeded)) {
      rc = usage("--dataset %s is plain (no representation variety): leave out the "
                 "representation flags",
                 c.dataset);
      goto out;
    }
    if (info.have_truth && !c.unit && !c.have_period) {
      c.unit = info.unit;
      c.truth_from = info.truth_from;
      c.truth_to = info.truth_to;
      c.have_period = true;
    }
    if ((c.truth || c.truth_rates || c.truth_overdue) && (!c.unit || !c.have_period)) {
      rc = usage("%s needs --unit and --period (the "
                 "dataset %s has no truth unit and period)",
                 c.truth ? "--truth" : "--truth-rates", c.dataset);
      goto out;
    }
  }
  if (c.password_file && !(password = read_password(c.password_file))) {
    fprintf(stderr, "tthc-sim: cannot read the password file %s\n", c.password_file);
    rc = 2;
    goto out;
  }
  dot = strrchr(c.agency, '.');
  snprintf(prefix, sizeof(prefix), "%s", dot ? dot + 1 : c.agency);
  if (!*prefix || strlen(prefix) > 8) {
    rc = usage("--agency: cannot take a code prefix from %s", c.agency);
    goto out;
  }

  if (c.repr_seeded || c.repr_given) {
    char line[256];

    if (c.repr_seeded)
      sim_repr_draw(&c.repr, c.repr_seed, c.repr_given);
    sim_repr_describe(&c.repr, line, sizeof(line));
    /* One line, so that a failing test can be run again as it was. */
    if (c.repr_seeded)
      fprintf(stderr, "tthc-sim: representation seed %" PRIu64 ": %s\n", c.repr_seed, line);
    else
      fprintf(stderr, "tthc-sim: representation: %s\n", line);
  }

  rc = 1;
  if (c.dataset) {
    /* Loaded as it was written: links already applied. */
  } else if (c.scenario) {
    if (sim_scenario_build(c.scenario, c.seed, prefix, &m)) {
      fprintf(stderr, "tthc-sim: scenario %s: out of memory\n", c.scenario->name);
      goto out;
    }
  } else {
    for (size_t i = 0; i < c.ncommunes; i++)
      if (sim_model_add_commune(&m, c.communes[i], province_of(&c, c.communes[i])) !=
          SIM_MODEL_OK) {
        rc = usage("--communes: duplicate commune %s", c.communes[i]);
        goto out;
      }
    go = (struct sim_gen_options){
      .seed = c.seed, .day_from = c.from, .day_to = c.to, .per_day = c.per_day, .prefix = prefix
    };
    gr = sim_generate(&m, &go);
    if (gr != SIM_GEN_OK) {
      fprintf(stderr, "tthc-sim: generate: %s\n", sim_gen_strerror(gr));
      goto out;
    }
  }
  if (!c.dataset) {
    lo = (struct sim_link_options){ .seed = c.seed,
                                    .push_ppm = c.push_ppm,
                                    .national_ppm = c.national_ppm };
    sim_links_apply(&m, &lo);
  }
  fprintf(stderr, "tthc-sim: %s: %zu dossiers in %zu communes\n", c.kind ? c.kind : "export",
          m.ndossiers, m.ncommunes);
  if (c.export_dataset && export_dataset(&c, &m, c.dataset ? &info : NULL))
    goto out;
  if (c.truth && write_truth(&c, &m))
    goto out;
  if (c.truth_rates && write_rates(&c, &m))
    goto out;
  if (c.truth_overdue && write_overdue(&c, &m))
    goto out;
  if (c.truth_disc && write_discrepancies(&c, &m))
    goto out;
  if (c.truth_rejects && write_rejects(&c, &m))
    goto out;
  if (c.truth_counts && write_counts(&c, &m))
    goto out;
  rc = c.truth_only || c.export_dataset ? 0 : serve(&c, &m, password, prefix);
out:
  free(password);
  sim_model_release(&m);
  sim_dataset_info_release(&info);
  return rc;
}
