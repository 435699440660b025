/*
 * bare_parse — the physical limit of the transform (tests/bench/transform.sh):
 * reads every landed page named on the command line and parses it the
 * cheapest way its library allows, keeping nothing: cJSON_Parse of each
 * JSON page, an xmlTextReader loop over each XML page. Prints the pages
 * and bytes read; the caller times the process as it times tthc-transform.
 *
 *   bare_parse FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <libxml/xmlreader.h>

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  long n;

  if (!f)
    return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
      (buf = malloc((size_t)n + 1)) != NULL) {
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
  }
  fclose(f);
  return buf;
}

static int parse_json(const char *data, size_t len)
{
  cJSON *doc = cJSON_ParseWithLength(data, len);
  int ok = doc != NULL;

  cJSON_Delete(doc);
  return ok;
}

static int parse_xml(const char *data, size_t len)
{
  xmlTextReaderPtr r = xmlReaderForMemory(data, (int)len, NULL, NULL, XML_PARSE_NONET);
  int ret;

  if (!r)
    return 0;
  while ((ret = xmlTextReaderRead(r)) == 1)
    ;
  xmlFreeTextReader(r);
  return ret == 0;
}

int main(int argc, char **argv)
{
  size_t bytes = 0, bad = 0;

  for (int i = 1; i < argc; i++) {
    size_t len = 0;
    char *data = slurp(argv[i], &len);
    size_t n = strlen(argv[i]);
    int xml = n > 4 && !strcmp(argv[i] + n - 4, ".xml");

    if (!data) {
      fprintf(stderr, "bare_parse: cannot read %s\n", argv[i]);
      return 1;
    }
    bytes += len;
    if (!(xml ? parse_xml(data, len) : parse_json(data, len)))
      bad++;
    free(data);
  }
  printf("%d pages, %zu bytes, %zu not parsed\n", argc - 1, bytes, bad);
  return bad ? 1 : 0;
}
