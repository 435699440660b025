/*
 * config - the INI configuration file shared by all tthc programs.
 *
 *     [warehouse]
 *     conninfo = host=db dbname=tthc user=etl    ; or conninfo_file = ...
 *     [state]
 *     dir = /var/lib/tthc
 *     [transform]
 *     max_reject_share = 0.01
 *     [source portal-hp]
 *     kind = portal
 *     base_url = https://dichvucong.gov.vn
 *     ...
 *
 * deploy/tthc.conf.example documents every key.  Parsing is strict:
 * unknown sections, unknown keys, duplicate keys, duplicate sources and
 * out-of-range values are errors reported as "FILE:LINE: ...", because a
 * typo silently ignored in an ETL job means wrong data for weeks.
 *
 * Secrets never live in the INI file: sources name a secret_file or a
 * secret_env, read on demand with config_read_secret().
 *
 * Lines are limited to 197 bytes by libinih; put a long conninfo in a
 * conninfo_file.  ';' preceded by whitespace starts a comment.
 */
#ifndef TTHC_CONFIG_H
#define TTHC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { SOURCE_PORTAL = 0, SOURCE_CITY, SOURCE_MINISTRY } source_kind;

/* "portal" / "city" / "ministry" ("unknown" for other values). */
const char *source_kind_name(source_kind k);

/* Parse a kind name (exact, lower case): 0 ok, -1 unknown (out untouched). */
int source_kind_parse(const char *s, source_kind *out);

/* Most sources a config may declare; keeps the array bounded. */
#define CONFIG_MAX_SOURCES 64

struct source_config {
  char *name;        /* from "[source NAME]", [A-Za-z0-9_-]+ */
  source_kind kind;  /* required */
  char *base_url;    /* required, http:// or https:// */
  char *agency_code; /* portal: dstcode header / madonvi (required) */
  /* Field (lĩnh vực) of this system's records when they carry none: a
	 * ministry system serves one field, e.g. HT "Hộ tịch". Optional. */
  char *field_code;
  char *field_name;
  char *username;    /* portal user or city client_id (required for both) */
  char *secret_file; /* absolute path (resolved against the config dir) or NULL */
  char *secret_env;  /* environment variable name or NULL; one of the two is required */
  char **communes;   /* 5-digit commune codes, no duplicates */
  size_t ncommunes;
  int page_size;        /* default 500, 1..1000 */
  char *since;          /* default "2020-01-01"; "yyyy-MM-dd" or ISO time */
  int lookback_seconds; /* default 3600, 0..31536000 */
  bool insecure;        /* default false; skip TLS checks (simulators only) */
  double max_rps;       /* default 5, 0 = unlimited, at most 1000; one budget
                           shared by every worker of the source */
  /* Communes of this source pulled at once, 1..64; 0 (the default) =
   * tthc-extract's --per-source. */
  int concurrency;
  int timeout_seconds;  /* default 60, 1..3600 */
  /* Connecting (DNS, TCP, TLS handshake); default 30, 1..3600 (the
   * request's timeout_seconds still bounds it). */
  int connect_timeout_seconds;
  /* Time a commune's pull may spend failing since its last success before
   * it gives up; default 1800, 1..86400. */
  int retry_deadline_seconds;
  /* CA certificates (PEM) the server's certificate must chain to; absolute
   * (resolved against the config dir) or NULL: $CURL_CA_BUNDLE, else
   * $SSL_CERT_FILE, else the system's bundle. Not with insecure. */
  char *ca_file;
};

struct tthc_config {
  char *conninfo;       /* NULL if [warehouse] absent; may hold a password: never log it */
  bool conninfo_inline; /* it came from the conninfo key, i.e. this file (not conninfo_file) */
  /* [warehouse] analyst_conninfo: the connection tthc-report reads with (the
   * analyst role, deploy/roles.sql); NULL if absent.  Never log it. */
  char *analyst_conninfo;
  /* [warehouse] owner_conninfo / owner_conninfo_file (one of them): the
   * connection of the role that owns schema tthc, used by `tthc-load
   * --migrate` only (a load never needs it); both NULL if absent: --migrate
   * uses conninfo.  owner_conninfo is the value written in this file (never
   * log it); owner_conninfo_file only the path (absolute, resolved against
   * the config dir), which is NOT read here: the owner's secret stays out
   * of every nightly program, and a file only root may read does not stop
   * them (tthc-load --migrate reads it with config_read_secret()). */
  char *owner_conninfo;
  char *owner_conninfo_file;
  char *state_dir; /* absolute (resolved against the config dir) or NULL if absent */
  /* [state] units_file: the commune list (units-2025.csv) that expands
   * `communes = province:NN` and validates every commune code; absolute,
   * or NULL: unit_list_default_path() (config_units.h). */
  char *units_file;
  /* [state] keep_days: tthc-sync removes run directories older than this
   * many days that are loaded (never the newest run, never one not
   * loaded); 0 (default) keeps every run. */
  int keep_days;
  /* [sync] metrics_file: the Prometheus textfile-collector file tthc-sync
   * rewrites (atomically) after each run; absolute, or NULL: none. */
  char *metrics_file;
  double max_reject_share; /* default 0.01, 0..1 */
  struct source_config *sources;
  size_t nsources;
};

typedef enum {
  CONFIG_OK = 0,
  CONFIG_IO,      /* file missing or unreadable */
  CONFIG_SYNTAX,  /* not INI: bad section line, line without '=' ... */
  CONFIG_INVALID, /* well-formed INI with unacceptable content */
  CONFIG_NOMEM
} config_result;

/* Empty configuration with the defaults; allocates nothing. */
void config_init(struct tthc_config *c);

/*
 * Load path into c, which must be freshly initialised (config_init).
 * On error err (if errsz > 0) gets a message such as
 *     "/etc/tthc.conf:12: key 'page_size' in [source portal-hp]: must be 1..1000"
 * and c is released back to the init state.  conninfo_file is read (and
 * permission checked like a secret) during the load; owner_conninfo_file
 * is not (only its path is kept).  The config file
 * itself may be world readable: it holds no secrets.
 */
config_result config_load(const char *path, struct tthc_config *c, char *err, size_t errsz);

/* Free everything c owns and return it to the init state. */
void config_release(struct tthc_config *c);

/* The source called name, or NULL.  Borrowed from c. */
const struct source_config *config_find_source(const struct tthc_config *c, const char *name);

/*
 * Read a secret.  If file is non-NULL it is used (the env var is then
 * ignored): it must not be group/world readable (CONFIG_INVALID), must
 * exist (CONFIG_IO), at most 64 KiB, and trailing CR/LF are stripped.
 * Otherwise the environment variable env is used.  CONFIG_INVALID if
 * neither is given, the variable is unset, or the secret is empty or
 * contains a NUL byte.  *out is malloc'd (caller frees, ideally after
 * clearing it); NULL on error.  The value never appears in err.
 */
config_result config_read_secret(const char *file, const char *env, char **out, char *err,
                                 size_t errsz);

/* Static English description of r; never NULL. */
const char *config_strerror(config_result r);

#endif
