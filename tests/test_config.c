#include "cunit_main.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

static char tmpdir[PATH_MAX];
static char err[1024];

static int suite_init(void)
{
  char *real;

  snprintf(tmpdir, sizeof tmpdir, "/tmp/test_config.XXXXXX");
  if (!mkdtemp(tmpdir))
    return -1;
  /* config paths are resolved with realpath(); compare likewise */
  real = realpath(tmpdir, NULL);
  if (!real)
    return -1;
  snprintf(tmpdir, sizeof tmpdir, "%s", real);
  free(real);
  return 0;
}

static int suite_clean(void)
{
  DIR *d = opendir(tmpdir);
  struct dirent *e;
  char p[PATH_MAX + 300];

  if (d) {
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.')
        continue;
      snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
      unlink(p);
    }
    closedir(d);
  }
  rmdir(tmpdir);
  return 0;
}

/* Write name in tmpdir with content and mode; returns the full path in
 * a static buffer. */
static const char *put(const char *name, const char *content, mode_t mode)
{
  static char path[PATH_MAX + 300];
  FILE *f;

  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  unlink(path);
  f = fopen(path, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fputs(content, f);
  fclose(f);
  chmod(path, mode);
  return path;
}

#define PORTAL                              \
  "[source portal-hp]\n"                    \
  "kind = portal\n"                         \
  "base_url = https://dichvucong.gov.vn/\n" \
  "agency_code = 000.00.00.H31\n"           \
  "username = etl\n"                        \
  "secret_env = TTHC_PORTAL_PASSWORD\n"

/* Load text as a config; returns the result, leaves message in err. */
static config_result load(const char *text, struct tthc_config *c)
{
  const char *path = put("t.conf", text, 0644);

  config_init(c);
  return config_load(path, c, err, sizeof err);
}

/* Load must fail with r, and err must contain both fragments. */
static void expect_fail(const char *text, config_result r, const char *frag1, const char *frag2)
{
  struct tthc_config c;
  config_result got = load(text, &c);

  CU_ASSERT_EQUAL(got, r);
  if (got != r || (frag1 && !strstr(err, frag1)) || (frag2 && !strstr(err, frag2)))
    fprintf(stderr, "\n  got %d: %s\n", got, err);
  if (frag1)
    CU_ASSERT_PTR_NOT_NULL(strstr(err, frag1));
  if (frag2)
    CU_ASSERT_PTR_NOT_NULL(strstr(err, frag2));
  /* on failure the config is back to the init state */
  CU_ASSERT_EQUAL(c.nsources, 0);
  CU_ASSERT_PTR_NULL(c.sources);
  CU_ASSERT_PTR_NULL(c.conninfo);
  config_release(&c);
}

static void test_full(void)
{
  struct tthc_config c;
  const struct source_config *s;
  char want[PATH_MAX + 100];

  CU_ASSERT_EQUAL_FATAL(load("; comment\n# comment\n"
                             "[warehouse]\nconninfo = host=db dbname=tthc\n"
                             "[state]\n  dir = state\n"
                             "[transform]\nmax_reject_share = 0.05 ; inline\n" PORTAL
                             "communes = 11002, 10792 ,00070\n"
                             "page_size = 1000\n"
                             "since = 2026-01-01T00:00:00+07:00\n"
                             "lookback_seconds = 0\n"
                             "insecure = yes\n"
                             "max_rps = 0\n"
                             "concurrency = 3\n"
                             "timeout_seconds = 5\n"
                             "connect_timeout_seconds = 2\n"
                             "retry_deadline_seconds = 600\n"
                             "\n[source city_1]\nkind=city\n"
                             "base_url=http://localhost:8080\nusername=client\n"
                             "secret_file=city.secret\n"
                             "ca_file = pki/lgsp-ca.pem\n"
                             "[source moj]\nkind = ministry\n"
                             "base_url = https://api.example.gov.vn/v1\n"
                             "secret_file = /etc/tthc/moj.key\n",
                             &c),
                        CONFIG_OK);
  CU_ASSERT_STRING_EQUAL(c.conninfo, "host=db dbname=tthc");
  CU_ASSERT_TRUE(c.conninfo_inline); /* from this file: tthc-load refuses a password in it */
  snprintf(want, sizeof want, "%s/state", tmpdir);
  CU_ASSERT_STRING_EQUAL(c.state_dir, want);
  CU_ASSERT_DOUBLE_EQUAL(c.max_reject_share, 0.05, 1e-12);
  CU_ASSERT_EQUAL_FATAL(c.nsources, 3);

  s = config_find_source(&c, "portal-hp");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL(s->kind, SOURCE_PORTAL);
  CU_ASSERT_STRING_EQUAL(s->base_url, "https://dichvucong.gov.vn");
  CU_ASSERT_STRING_EQUAL(s->agency_code, "000.00.00.H31");
  CU_ASSERT_STRING_EQUAL(s->username, "etl");
  CU_ASSERT_STRING_EQUAL(s->secret_env, "TTHC_PORTAL_PASSWORD");
  CU_ASSERT_PTR_NULL(s->secret_file);
  CU_ASSERT_EQUAL_FATAL(s->ncommunes, 3);
  CU_ASSERT_STRING_EQUAL(s->communes[0], "11002");
  CU_ASSERT_STRING_EQUAL(s->communes[1], "10792");
  CU_ASSERT_STRING_EQUAL(s->communes[2], "00070");
  CU_ASSERT_EQUAL(s->page_size, 1000);
  CU_ASSERT_STRING_EQUAL(s->since, "2026-01-01T00:00:00+07:00");
  CU_ASSERT_EQUAL(s->lookback_seconds, 0);
  CU_ASSERT_TRUE(s->insecure);
  CU_ASSERT_DOUBLE_EQUAL(s->max_rps, 0.0, 1e-12);
  CU_ASSERT_EQUAL(s->concurrency, 3);
  CU_ASSERT_EQUAL(s->timeout_seconds, 5);
  CU_ASSERT_EQUAL(s->connect_timeout_seconds, 2);
  CU_ASSERT_EQUAL(s->retry_deadline_seconds, 600);
  CU_ASSERT_PTR_NULL(s->ca_file);

  s = config_find_source(&c, "city_1");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL(s->kind, SOURCE_CITY);
  CU_ASSERT_STRING_EQUAL(s->base_url, "http://localhost:8080");
  snprintf(want, sizeof want, "%s/city.secret", tmpdir);
  CU_ASSERT_STRING_EQUAL(s->secret_file, want);
  /* defaults */
  CU_ASSERT_EQUAL(s->page_size, 500);
  CU_ASSERT_STRING_EQUAL(s->since, "2020-01-01");
  CU_ASSERT_EQUAL(s->lookback_seconds, 3600);
  CU_ASSERT_FALSE(s->insecure);
  CU_ASSERT_DOUBLE_EQUAL(s->max_rps, 5.0, 1e-12);
  CU_ASSERT_EQUAL(s->concurrency, 0); /* the extractor's --per-source */
  CU_ASSERT_EQUAL(s->timeout_seconds, 60);
  CU_ASSERT_EQUAL(s->connect_timeout_seconds, 30);
  CU_ASSERT_EQUAL(s->retry_deadline_seconds, 1800);
  snprintf(want, sizeof want, "%s/pki/lgsp-ca.pem", tmpdir); /* relative to the config */
  CU_ASSERT_STRING_EQUAL(s->ca_file, want);
  CU_ASSERT_EQUAL(s->ncommunes, 0);
  CU_ASSERT_PTR_NULL(s->agency_code);

  s = config_find_source(&c, "moj");
  CU_ASSERT_PTR_NOT_NULL_FATAL(s);
  CU_ASSERT_EQUAL(s->kind, SOURCE_MINISTRY);
  CU_ASSERT_STRING_EQUAL(s->secret_file, "/etc/tthc/moj.key");
  CU_ASSERT_PTR_NULL(config_find_source(&c, "nope"));
  CU_ASSERT_PTR_NULL(config_find_source(&c, NULL));

  config_release(&c);
  CU_ASSERT_EQUAL(c.nsources, 0);
  CU_ASSERT_PTR_NULL(c.conninfo);
  CU_ASSERT_DOUBLE_EQUAL(c.max_reject_share, 0.01, 1e-12);
}

static void test_minimal_and_bom(void)
{
  struct tthc_config c;

  /* empty file is valid: everything optional at this level */
  CU_ASSERT_EQUAL(load("", &c), CONFIG_OK);
  CU_ASSERT_PTR_NULL(c.conninfo);
  CU_ASSERT_PTR_NULL(c.state_dir);
  CU_ASSERT_EQUAL(c.nsources, 0);
  config_release(&c);
  CU_ASSERT_EQUAL(load("\xEF\xBB\xBF[state]\r\ndir = /var/lib/tthc\r\n", &c), CONFIG_OK);
  CU_ASSERT_STRING_EQUAL(c.state_dir, "/var/lib/tthc");
  config_release(&c);
}

static void test_io_errors(void)
{
  struct tthc_config c;
  char p[PATH_MAX + 100];

  config_init(&c);
  snprintf(p, sizeof p, "%s/does-not-exist.conf", tmpdir);
  CU_ASSERT_EQUAL(config_load(p, &c, err, sizeof err), CONFIG_IO);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "does-not-exist.conf: cannot open"));
  config_release(&c);
}

static void test_syntax_errors(void)
{
  expect_fail("[state]\ndir = x\n[warehouse\n", CONFIG_SYNTAX, "t.conf:3: syntax error", NULL);
  expect_fail("[state]\njust words\n", CONFIG_SYNTAX, "t.conf:2: syntax", NULL);
  /* a syntax error before a semantic one wins */
  expect_fail("[state]\noops\n[bogus]\n", CONFIG_SYNTAX, ":2:", NULL);
  {
    char big[400];

    memset(big, 'x', sizeof big);
    /* a long value is fine (test_communes); a long line that is no
     * "key = value" is not */
    snprintf(big, sizeof big, "[state]\n%0300d\n", 1);
    expect_fail(big, CONFIG_SYNTAX, "t.conf:2: line longer", "not 'key = value'");
  }
}

static void test_section_errors(void)
{
  expect_fail("[state]\ndir=x\n[bogus]\nx=1\n", CONFIG_INVALID,
              "t.conf:3: section [bogus]: unknown section", NULL);
  expect_fail("[source]\nkind=city\n", CONFIG_INVALID, ":1:", "missing source name");
  expect_fail("[source a.b]\n", CONFIG_INVALID, ":1: section [source a.b]", "[A-Za-z0-9_-]+");
  expect_fail(PORTAL PORTAL, CONFIG_INVALID, ":7: section [source portal-hp]", "duplicate source");
  expect_fail("dir = x\n", CONFIG_INVALID, "t.conf:1: key 'dir' is outside of any section", NULL);
  {
    char big[8192] = "";
    size_t n = 0;

    for (int i = 0; i <= CONFIG_MAX_SOURCES; i++)
      n += (size_t)snprintf(big + n, sizeof big - n, "[source s%d]\n", i);
    expect_fail(big, CONFIG_INVALID, "more than 64 sources", NULL);
  }
}

static void test_key_errors(void)
{
  expect_fail("[state]\ndirr = x\n", CONFIG_INVALID, "t.conf:2: key 'dirr' in [state]: unknown key",
              NULL);
  expect_fail("[warehouse]\nhost = x\n", CONFIG_INVALID, "key 'host' in [warehouse]: unknown key",
              NULL);
  expect_fail("[transform]\nfoo = 1\n", CONFIG_INVALID, "key 'foo' in [transform]: unknown key",
              NULL);
  expect_fail(PORTAL "colour = red\n", CONFIG_INVALID,
              "t.conf:7: key 'colour' in [source portal-hp]: unknown key", NULL);
  expect_fail("[state]\ndir = a\ndir = b\n", CONFIG_INVALID,
              "t.conf:3: key 'dir' in [state]: given more than once", NULL);
  expect_fail(PORTAL "kind = city\n", CONFIG_INVALID, ":7: key 'kind'", "more than once");
  expect_fail("[state]\ndir =\n", CONFIG_INVALID, "key 'dir' in [state]: empty value", NULL);
  expect_fail("[transform]\nmax_reject_share = 1.5\n", CONFIG_INVALID, "max_reject_share", "0..1");
  expect_fail("[transform]\nmax_reject_share = abc\n", CONFIG_INVALID, "max_reject_share", "0..1");
  expect_fail("[transform]\nmax_reject_share = nan\n", CONFIG_INVALID, "max_reject_share", NULL);
  expect_fail("[warehouse]\nconninfo = a\nconninfo_file = f\n", CONFIG_INVALID,
              ":3: key 'conninfo_file'", "not both");
}

static void test_source_value_errors(void)
{
  expect_fail(PORTAL "page_size = 0\n", CONFIG_INVALID, "page_size", "1..1000");
  expect_fail(PORTAL "page_size = 1001\n", CONFIG_INVALID, "page_size", "1..1000");
  expect_fail(PORTAL "page_size = 10x\n", CONFIG_INVALID, "page_size", NULL);
  expect_fail(PORTAL "page_size = 99999999999999999999\n", CONFIG_INVALID, "page_size", NULL);
  expect_fail(PORTAL "lookback_seconds = -1\n", CONFIG_INVALID, "lookback_seconds", NULL);
  expect_fail(PORTAL "timeout_seconds = 0\n", CONFIG_INVALID, "timeout_seconds", NULL);
  expect_fail(PORTAL "max_rps = -1\n", CONFIG_INVALID, "max_rps", NULL);
  expect_fail(PORTAL "max_rps = inf\n", CONFIG_INVALID, "max_rps", NULL);
  expect_fail(PORTAL "concurrency = 65\n", CONFIG_INVALID, "concurrency", NULL);
  expect_fail(PORTAL "concurrency = -1\n", CONFIG_INVALID, "concurrency", NULL);
  expect_fail(PORTAL "insecure = maybe\n", CONFIG_INVALID, "insecure", "true or false");
  expect_fail(PORTAL "connect_timeout_seconds = 0\n", CONFIG_INVALID,
              "key 'connect_timeout_seconds' in [source portal-hp]", "1..3600");
  expect_fail(PORTAL "retry_deadline_seconds = 0\n", CONFIG_INVALID, "retry_deadline_seconds",
              "1..86400");
  expect_fail(PORTAL "retry_deadline_seconds = 86401\n", CONFIG_INVALID, "retry_deadline_seconds",
              "1..86400");
  expect_fail(PORTAL "ca_file = /etc/ssl/lgsp.pem\ninsecure = true\n", CONFIG_INVALID,
              "[source portal-hp]: give either ca_file", "not both");
  expect_fail(PORTAL "since = 2026-02-30\n", CONFIG_INVALID, "since", NULL);
  expect_fail(PORTAL "since = last week\n", CONFIG_INVALID, "since", NULL);
  expect_fail(PORTAL "communes = 11002, 1079\n", CONFIG_INVALID,
              "'1079' is not a 5-digit commune code", NULL);
  expect_fail(PORTAL "communes = 11002,,10792\n", CONFIG_INVALID, "communes", "5-digit");
  expect_fail(PORTAL "communes = 1100a\n", CONFIG_INVALID, "'1100a' is not", NULL);
  expect_fail(PORTAL "communes = 11002, 11002\n", CONFIG_INVALID, "listed twice", NULL);
  expect_fail("[source x]\nkind = satellite\n", CONFIG_INVALID, "key 'kind' in [source x]",
              "portal, city or ministry");
  expect_fail("[source x]\nbase_url = ftp://x\n", CONFIG_INVALID, "base_url", "http");
  expect_fail("[source x]\nbase_url = https://\n", CONFIG_INVALID, "base_url", NULL);
  expect_fail("[source x]\nsecret_env = 1BAD\n", CONFIG_INVALID, "secret_env",
              "not an environment variable name");
}

static void test_missing_required(void)
{
  expect_fail("[state]\ndir=x\n[source p]\nbase_url = https://a\n", CONFIG_INVALID,
              "t.conf:3: [source p]: missing required "
              "key 'kind'",
              NULL);
  expect_fail("[source p]\nkind = city\n", CONFIG_INVALID, "t.conf:1:", "'base_url'");
  expect_fail("[source p]\nkind = portal\nbase_url = https://a\n"
              "username = u\nsecret_env = X\n",
              CONFIG_INVALID, "'agency_code'", NULL);
  expect_fail("[source p]\nkind = city\nbase_url = https://a\n"
              "secret_env = X\n",
              CONFIG_INVALID, "'username'", NULL);
  expect_fail("[source p]\nkind = ministry\nbase_url = https://a\n", CONFIG_INVALID,
              "'secret_file' or 'secret_env'", NULL);
}

static void test_conninfo_file(void)
{
  struct tthc_config c;

  put("conninfo", "host=db password=s3cret\n", 0600);
  CU_ASSERT_EQUAL(load("[warehouse]\nconninfo_file = conninfo\n", &c), CONFIG_OK);
  CU_ASSERT_STRING_EQUAL(c.conninfo, "host=db password=s3cret");
  CU_ASSERT_FALSE(c.conninfo_inline); /* a secret file may hold the password */
  config_release(&c);

  put("conninfo", "host=db password=s3cret\n", 0644);
  expect_fail("[warehouse]\nconninfo_file = conninfo\n", CONFIG_INVALID,
              "t.conf:2: key 'conninfo_file' in [warehouse]", "readable by group or others");
  CU_ASSERT_PTR_NULL(strstr(err, "s3cret"));
  expect_fail("[warehouse]\nconninfo_file = missing\n", CONFIG_IO, "conninfo_file", "cannot open");
}

/* [warehouse] owner_conninfo(_file), the owner's connection for --migrate,
 * and [state] keep_days, retention (h5). */
static void test_owner_and_retention(void)
{
  struct tthc_config c;

  CU_ASSERT_EQUAL(load("[warehouse]\nconninfo = user=tthc_loader\n", &c), CONFIG_OK);
  CU_ASSERT_PTR_NULL(c.owner_conninfo); /* --migrate falls back to conninfo */
  CU_ASSERT_EQUAL(c.keep_days, 0);      /* default: keep every run */
  config_release(&c);
  CU_ASSERT_EQUAL(
    load("[warehouse]\nconninfo = user=tthc_loader\nowner_conninfo = user=tthc_owner\n"
         "[state]\nkeep_days = 30\n",
         &c),
    CONFIG_OK);
  CU_ASSERT_STRING_EQUAL(c.owner_conninfo, "user=tthc_owner");
  CU_ASSERT_PTR_NULL(c.owner_conninfo_file);
  CU_ASSERT_EQUAL(c.keep_days, 30);
  config_release(&c);

  /* owner_conninfo_file: only the path is kept, resolved against the
   * config's directory; the file is not read, so one that is missing or
   * that the program may not read (root's alone, group readable) does not
   * stop a program that never migrates (tthc-load --migrate reads it). */
  {
    char want[PATH_MAX + 300];

    snprintf(want, sizeof want, "%s/owner", tmpdir);
    unlink(want);
    CU_ASSERT_EQUAL(load("[warehouse]\nowner_conninfo_file = owner\n", &c), CONFIG_OK);
    CU_ASSERT_PTR_NULL(c.owner_conninfo);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c.owner_conninfo_file);
    CU_ASSERT_STRING_EQUAL(c.owner_conninfo_file, want);
    config_release(&c);
    put("owner", "user=tthc_owner password=0wn3r\n", 0640);
    CU_ASSERT_EQUAL(load("[warehouse]\nowner_conninfo_file = owner\n", &c), CONFIG_OK);
    CU_ASSERT_PTR_NULL(c.owner_conninfo);
    config_release(&c);
  }
  expect_fail("[warehouse]\nowner_conninfo = a\nowner_conninfo_file = owner\n", CONFIG_INVALID,
              "t.conf:3", "either owner_conninfo or owner_conninfo_file");
  expect_fail("[warehouse]\nowner_conninfo = a\nowner_conninfo = b\n", CONFIG_INVALID, "t.conf:3",
              "more than once");
  expect_fail("[state]\nkeep_days = -1\n", CONFIG_INVALID, "keep_days", "0..36500");
  expect_fail("[state]\nkeep_days = 30d\n", CONFIG_INVALID, "keep_days", "0..36500");
  expect_fail("[state]\nkeep_days = 1\nkeep_days = 2\n", CONFIG_INVALID, "t.conf:3",
              "more than once");
}

static void test_read_secret(void)
{
  char *s = (char *)1;
  const char *f;

  f = put("sec", "hunter2\r\n\n", 0600);
  CU_ASSERT_EQUAL(config_read_secret(f, "UNUSED_VAR", &s, err, sizeof err), CONFIG_OK);
  CU_ASSERT_STRING_EQUAL(s, "hunter2");
  free(s);

  f = put("sec", "hunter2\n", 0640);
  CU_ASSERT_EQUAL(config_read_secret(f, NULL, &s, err, sizeof err), CONFIG_INVALID);
  CU_ASSERT_PTR_NULL(s);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "chmod 600"));
  CU_ASSERT_PTR_NULL(strstr(err, "hunter2"));

  f = put("sec", "hunter2\n", 0604);
  CU_ASSERT_EQUAL(config_read_secret(f, NULL, &s, err, sizeof err), CONFIG_INVALID);

  f = put("sec", "\n", 0600);
  CU_ASSERT_EQUAL(config_read_secret(f, NULL, &s, err, sizeof err), CONFIG_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "empty"));

  {
    /* NUL inside the secret */
    char path[PATH_MAX + 20];
    int fd;

    snprintf(path, sizeof path, "%s/nul", tmpdir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(write(fd, "a\0b", 3), 3);
    close(fd);
    CU_ASSERT_EQUAL(config_read_secret(path, NULL, &s, err, sizeof err), CONFIG_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "NUL"));
  }
  {
    /* larger than 64 KiB */
    static char big[70000];

    memset(big, 'k', sizeof big - 1);
    f = put("big", big, 0600);
    CU_ASSERT_EQUAL(config_read_secret(f, NULL, &s, err, sizeof err), CONFIG_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "larger"));
  }

  CU_ASSERT_EQUAL(config_read_secret(tmpdir, NULL, &s, err, sizeof err), CONFIG_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "regular file"));

  f = put("sec", "x", 0600);
  unlink(f);
  CU_ASSERT_EQUAL(config_read_secret(f, "TTHC_TEST_SECRET", &s, err, sizeof err), CONFIG_IO);

  setenv("TTHC_TEST_SECRET", "from-env", 1);
  CU_ASSERT_EQUAL(config_read_secret(NULL, "TTHC_TEST_SECRET", &s, err, sizeof err), CONFIG_OK);
  CU_ASSERT_STRING_EQUAL(s, "from-env");
  free(s);
  setenv("TTHC_TEST_SECRET", "", 1);
  CU_ASSERT_EQUAL(config_read_secret(NULL, "TTHC_TEST_SECRET", &s, err, sizeof err),
                  CONFIG_INVALID);
  unsetenv("TTHC_TEST_SECRET");
  CU_ASSERT_EQUAL(config_read_secret(NULL, "TTHC_TEST_SECRET", &s, err, sizeof err),
                  CONFIG_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "TTHC_TEST_SECRET"));
  CU_ASSERT_EQUAL(config_read_secret(NULL, NULL, &s, err, sizeof err), CONFIG_INVALID);
  CU_ASSERT_PTR_NULL(s);
}

/* The shipped example must stay loadable (run from the repo root). */
static void test_example_file(void)
{
  static const char *const paths[] = { "deploy/tthc.conf.example", "../deploy/tthc.conf.example" };
  struct tthc_config c;

  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    if (access(paths[i], R_OK) != 0)
      continue;
    config_init(&c);
    CU_ASSERT_EQUAL(config_load(paths[i], &c, err, sizeof err), CONFIG_OK);
    CU_ASSERT_EQUAL(c.nsources, 3);
    CU_ASSERT_PTR_NOT_NULL(config_find_source(&c, "portal-hp"));
    config_release(&c);
    return;
  }
  fprintf(stderr, "\n  (deploy/tthc.conf.example not found, skipped)\n");
}

static void test_kind_and_strerror(void)
{
  source_kind k = SOURCE_CITY;

  CU_ASSERT_EQUAL(source_kind_parse("portal", &k), 0);
  CU_ASSERT_EQUAL(k, SOURCE_PORTAL);
  CU_ASSERT_EQUAL(source_kind_parse("ministry", &k), 0);
  CU_ASSERT_EQUAL(k, SOURCE_MINISTRY);
  CU_ASSERT_EQUAL(source_kind_parse("Portal", &k), -1);
  CU_ASSERT_EQUAL(source_kind_parse(NULL, &k), -1);
  CU_ASSERT_EQUAL(k, SOURCE_MINISTRY);
  CU_ASSERT_STRING_EQUAL(source_kind_name(SOURCE_CITY), "city");
  CU_ASSERT_STRING_EQUAL(source_kind_name(SOURCE_PORTAL), "portal");
  CU_ASSERT_STRING_EQUAL(source_kind_name(SOURCE_MINISTRY), "ministry");
  CU_ASSERT_STRING_EQUAL(config_strerror(CONFIG_OK), "no error");
  CU_ASSERT_PTR_NOT_NULL(strstr(config_strerror(CONFIG_SYNTAX), "syntax"));
  CU_ASSERT_PTR_NOT_NULL(strstr(config_strerror(CONFIG_INVALID), "invalid"));
}

/* communes = province:NN | @FILE | a long list, validated against the
 * commune list (units_file, else the reference copy beside the repo). */
static void test_communes(void)
{
  struct tthc_config c;
  char *line;
  size_t len;

  /* Hải Phòng (31): 114 communes, from the reference list by default */
  CU_ASSERT_EQUAL_FATAL(load(PORTAL "communes = province:31\n", &c), CONFIG_OK);
  CU_ASSERT_EQUAL_FATAL(c.sources[0].ncommunes, 114);
  /* the same 114 in one line of ~800 bytes (inih's buffer is 200) */
  line = malloc(sizeof(PORTAL) + 64 + 114 * 7);
  CU_ASSERT_PTR_NOT_NULL_FATAL(line);
  len = (size_t)sprintf(line, "%s", PORTAL "communes = ");
  for (size_t i = 0; i < 114; i++)
    len += (size_t)sprintf(line + len, "%s%s", i ? ", " : "", c.sources[0].communes[i]);
  sprintf(line + len, "\npage_size = 7\n");
  CU_ASSERT_TRUE(len > 700);
  {
    struct tthc_config c2;
    CU_ASSERT_EQUAL_FATAL(load(line, &c2), CONFIG_OK);
    CU_ASSERT_EQUAL_FATAL(c2.sources[0].ncommunes, 114);
    for (size_t i = 0; i < 114; i++)
      CU_ASSERT_STRING_EQUAL(c2.sources[0].communes[i], c.sources[0].communes[i]);
    CU_ASSERT_EQUAL(c2.sources[0].page_size, 7); /* the next line is read as usual */
    config_release(&c2);
  }
  free(line);
  config_release(&c);

  /* @FILE, one code a line, against a units_file of our own */
  put("units.csv",
      "commune_code,commune_name,province_code,province_name\n"
      "11002,\"Phường Thạch Khôi, test\",31,Thành phố Hải Phòng\n"
      "10792,Phường A,31,Thành phố Hải Phòng\n00070,Phường Hoàn Kiếm,01,Hà Nội\n",
      0644);
  put("hp.txt", "# Hải Phòng\n11002\n  10792  # second\n\n", 0644);
  CU_ASSERT_EQUAL_FATAL(load("[state]\nunits_file = units.csv\n" PORTAL "communes = @hp.txt\n", &c),
                        CONFIG_OK);
  CU_ASSERT_EQUAL_FATAL(c.sources[0].ncommunes, 2);
  CU_ASSERT_STRING_EQUAL(c.sources[0].communes[0], "11002");
  CU_ASSERT_STRING_EQUAL(c.sources[0].communes[1], "10792");
  config_release(&c);
  /* units_file may come after the sources; province: uses it */
  CU_ASSERT_EQUAL_FATAL(
    load(PORTAL "communes = province:01\n[state]\nunits_file = units.csv\n", &c), CONFIG_OK);
  CU_ASSERT_EQUAL_FATAL(c.sources[0].ncommunes, 1);
  CU_ASSERT_STRING_EQUAL(c.sources[0].communes[0], "00070");
  config_release(&c);

  /* errors name the code, the province, the file */
  expect_fail(PORTAL "communes = 11002, 99999\n", CONFIG_INVALID, "t.conf:7: key 'communes'",
              "commune '99999' is not in the commune list");
  expect_fail("[state]\nunits_file = units.csv\n" PORTAL "communes = 00070,11560\n", CONFIG_INVALID,
              "commune '11560' is not in the commune list", "units.csv");
  expect_fail(PORTAL "communes = province:99\n", CONFIG_INVALID, "[source portal-hp]",
              "no commune of province '99'");
  expect_fail(PORTAL "communes = @nowhere.txt\n", CONFIG_IO, "@nowhere.txt: cannot open", NULL);
  put("bad.txt", "11002\n1100\n", 0644);
  expect_fail(PORTAL "communes = @bad.txt\n", CONFIG_INVALID, "'1100' is not a 5-digit", NULL);
  expect_fail("[state]\nunits_file = missing.csv\n" PORTAL "communes = 11002\n", CONFIG_INVALID,
              "units_file", "missing.csv: cannot open");
}

static CU_TestInfo tests[] = {
  { "communes: province, file, long lines, unknown codes", test_communes },
  { "full", test_full },
  { "minimal/BOM/CRLF", test_minimal_and_bom },
  { "io errors", test_io_errors },
  { "syntax errors", test_syntax_errors },
  { "section errors", test_section_errors },
  { "key errors", test_key_errors },
  { "source value errors", test_source_value_errors },
  { "missing required", test_missing_required },
  { "conninfo_file", test_conninfo_file },
  { "owner_conninfo, keep_days", test_owner_and_retention },
  { "read_secret", test_read_secret },
  { "example file", test_example_file },
  { "kind/strerror", test_kind_and_strerror },
  CU_TEST_INFO_NULL,
};

CUNIT_MAIN_WITH("config", tests, suite_init, suite_clean)
