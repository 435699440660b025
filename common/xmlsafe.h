/*
 * xmlsafe.h — the only way tthc-etl opens XML: libxml2's streaming reader
 * with network access off, no entity substitution, no DTD loading, no
 * XML_PARSE_HUGE, an external-entity loader that refuses everything, and
 * DOCTYPEs refused before parsing. The declared encoding is honoured
 * (windows-1258 included, through iconv).
 */
#ifndef TTHC_XMLSAFE_H
#define TTHC_XMLSAFE_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/xmlreader.h>

/* libxml2's global state: initialise in the main thread before any other
 * thread parses, release at exit (also frees the encoding handlers). */
void xml_global_init(void);
void xml_global_cleanup(void);

/* True when the prolog (before the root element) declares a DOCTYPE. */
bool xml_has_doctype(const char *data, size_t len);

/*
 * A reader over data (not copied: keep it alive). first_error (200 bytes,
 * may be NULL) receives the first parser error "line N: message". NULL on
 * a DOCTYPE (doctype set to true), a page over 2 GiB or out of memory.
 * Free with xmlFreeTextReader().
 */
xmlTextReaderPtr xml_reader_open(const char *data, size_t len, char *first_error, bool *doctype);

#endif
