/*
 * xmlsafe.h — the only way tthc-etl opens XML: libxml2's streaming reader
 * with network access off, no entity substitution, no DTD loading, no
 * XML_PARSE_HUGE, an external-entity loader that refuses everything, and
 * DOCTYPEs refused before parsing: libxml2 itself reads the prolog first
 * and stops at a DOCTYPE before any declaration in it is read, so nothing
 * a prolog may hold (comments, processing instructions, a BOM, UTF-16)
 * hides one. The declared encoding is honoured (windows-1258 included,
 * through iconv).
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

/* True when the prolog (before the root element) declares a DOCTYPE, as
 * libxml2 reads it (also true when out of memory: refuse, never guess). */
bool xml_has_doctype(const char *data, size_t len);

/* The first error a reader met. */
struct xml_error {
  char message[200]; /* "line N: message"; "" when none */
  bool unterminated; /* the input ended inside the document: a page cut off
                        (worth asking again), not content the parser refuses */
};

/*
 * A reader over data (not copied: keep it alive). first (may be NULL)
 * receives the first parser error. NULL on a DOCTYPE (doctype set to
 * true), a page over 2 GiB or out of memory. Free with
 * xmlFreeTextReader().
 */
xmlTextReaderPtr xml_reader_open(const char *data, size_t len, struct xml_error *first,
                                 bool *doctype);

#endif
