#include "xmlsafe.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#define XML_OPTIONS                                                              \
  (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT | XML_PARSE_NOERROR | \
   XML_PARSE_NOWARNING)

/* Never fetch anything, whatever a document asks for. */
static xmlParserInputPtr refuse_external(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
  (void)url;
  (void)id;
  (void)ctxt;
  return NULL;
}

static void on_error(void *arg, const char *msg, xmlParserSeverities sev,
                     xmlTextReaderLocatorPtr loc)
{
  char *first = arg;
  (void)sev;
  if (first && !first[0]) {
    snprintf(first, 200, "line %d: %s", xmlTextReaderLocatorLineNumber(loc), msg);
    first[strcspn(first, "\n")] = '\0';
  }
}

void xml_global_init(void)
{
  xmlInitParser();
  xmlSetExternalEntityLoader(refuse_external);
}

void xml_global_cleanup(void)
{
  xmlCleanupParser();
}

bool xml_has_doctype(const char *data, size_t len)
{
  size_t i = 0;

  while (i < len) {
    const char *lt = memchr(data + i, '<', len - i);
    if (!lt)
      return false;
    i = (size_t)(lt - data);
    if (len - i >= 9 && !memcmp(lt, "<!DOCTYPE", 9))
      return true;
    if (len - i >= 2 && (lt[1] == '?' || lt[1] == '!'))
      i += 2; /* XML declaration, processing instruction or comment */
    else
      return false; /* the root element: nothing before it declared one */
  }
  return false;
}

xmlTextReaderPtr xml_reader_open(const char *data, size_t len, char *first_error, bool *doctype)
{
  xmlTextReaderPtr r;

  *doctype = false;
  if (first_error)
    first_error[0] = '\0';
  xmlSetExternalEntityLoader(refuse_external);
  if (xml_has_doctype(data, len)) {
    *doctype = true;
    return NULL;
  }
  if (len > (size_t)INT32_MAX)
    return NULL;
  r = xmlReaderForMemory(data, (int)len, NULL, NULL, XML_OPTIONS);
  if (r)
    xmlTextReaderSetErrorHandler(r, on_error, first_error);
  return r;
}
