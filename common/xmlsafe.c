#include "xmlsafe.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

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

/* The first error, and whether it says the input ran out: the parser was
 * at the end of what it was given, or reported the document unfinished
 * there, while still inside the root element. A page cut off in transfer
 * fails this way; content the parser refuses (a bad byte, a bad character
 * reference, nesting too deep, a text node too large) fails where it is. */
static void on_error(void *arg, xmlErrorPtr e)
{
  struct xml_error *first = arg;
  xmlParserCtxtPtr c;

  if (!first || first->message[0] || e->level < XML_ERR_ERROR)
    return;
  snprintf(first->message, sizeof(first->message), "line %d: %s", e->line,
           e->message ? e->message : "error");
  first->message[strcspn(first->message, "\n")] = '\0';
  c = e->domain == XML_FROM_PARSER ? e->ctxt : NULL;
  first->unterminated = c && c->instate != XML_PARSER_EPILOG &&
                        ((c->input && c->input->cur >= c->input->end) ||
                         e->code == XML_ERR_DOCUMENT_END || e->code == XML_ERR_DOCUMENT_EMPTY);
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

/* The prolog is read by libxml2 itself (a push parser fed a chunk at a
 * time), so whatever it would skip before a DOCTYPE — comments holding
 * '<', processing instructions, a BOM, blanks, UTF-16 or windows-1258 —
 * is skipped the same way here. It stops at the DOCTYPE (reported before
 * any declaration inside it is read), at the root element, or at the
 * first error. */
struct prolog {
  bool doctype;
};

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                       const xmlChar *system_id)
{
  xmlParserCtxtPtr c = ctx;
  (void)name;
  (void)external_id;
  (void)system_id;
  ((struct prolog *)c->_private)->doctype = true;
  xmlStopParser(c);
}

static void on_root(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                    int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                    int nb_defaulted, const xmlChar **attributes)
{
  (void)localname;
  (void)prefix;
  (void)uri;
  (void)nb_namespaces;
  (void)namespaces;
  (void)nb_attributes;
  (void)nb_defaulted;
  (void)attributes;
  xmlStopParser(ctx);
}

static void on_silent_error(void *arg, xmlErrorPtr e)
{
  (void)arg;
  (void)e;
}

#define PROLOG_CHUNK 4096

bool xml_has_doctype(const char *data, size_t len)
{
  xmlSAXHandler sax;
  struct prolog p = { false };
  xmlParserCtxtPtr c;
  size_t at;

  if (!data || len == 0)
    return false;
  memset(&sax, 0, sizeof(sax));
  sax.initialized = XML_SAX2_MAGIC;
  sax.internalSubset = on_doctype;
  sax.startElementNs = on_root;
  sax.serror = on_silent_error;
  /* 4 bytes at least: what the encoding is detected from */
  at = len < PROLOG_CHUNK ? len : PROLOG_CHUNK;
  c = xmlCreatePushParserCtxt(&sax, NULL, data, (int)at, NULL);
  if (!c)
    return true; /* out of memory: refuse rather than guess */
  c->_private = &p;
  xmlCtxtUseOptions(c, XML_OPTIONS);
  while (!p.doctype && c->instate != XML_PARSER_EOF && c->wellFormed) {
    size_t n = len - at < PROLOG_CHUNK ? len - at : PROLOG_CHUNK;
    if (xmlParseChunk(c, data + at, (int)n, at + n == len) != 0 || at + n == len)
      break;
    at += n;
  }
  xmlFreeParserCtxt(c);
  return p.doctype;
}

xmlTextReaderPtr xml_reader_open(const char *data, size_t len, struct xml_error *first,
                                 bool *doctype)
{
  xmlTextReaderPtr r;

  *doctype = false;
  if (first)
    memset(first, 0, sizeof(*first));
  xmlSetExternalEntityLoader(refuse_external);
  if (xml_has_doctype(data, len)) {
    *doctype = true;
    return NULL;
  }
  if (len > (size_t)INT32_MAX)
    return NULL;
  r = xmlReaderForMemory(data, (int)len, NULL, NULL, XML_OPTIONS);
  if (r)
    xmlTextReaderSetStructuredErrorHandler(r, on_error, first);
  return r;
}
