/*
 * city.c — adapter for the city's TTHC information system behind the
 * province's integration gateway (sources.md §2): OAuth2 client
 * credentials on /token, KetQuaTraCuu XML pages on /tthc/v1/hoso.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "adapter.h"
#include "xmlsafe.h"

static attempt_outcome city_authenticate(struct source_session *s, struct attempt_error *err)
{
  struct curl_slist *headers =
    curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded");
  struct http_response resp;
  char url[300], *userpwd = NULL;
  attempt_outcome out = ATTEMPT_PERMANENT;
  cJSON *doc = NULL;
  const char *token;
  http_result hr;

  http_response_init(&resp, 1 << 20);
  snprintf(url, sizeof(url), "%s/token", s->cfg->base_url);
  if (!headers || asprintf(&userpwd, "%s:%s", s->cfg->username ? s->cfg->username : "",
                           s->secret ? s->secret : "") < 0) {
    userpwd = NULL;
    attempt_error_set(err, url, NULL, "out of memory");
    goto out;
  }
  hr =
    http_request(&s->http, "POST", url, headers, "grant_type=client_credentials", userpwd, &resp);
  if (hr == HTTP_OK && (resp.status == 401 || resp.status == 400 || resp.status == 403)) {
    /* a configuration error: never retried */
    attempt_error_set(err, url, &resp, "client credentials refused (HTTP %ld)", resp.status);
    goto out;
  }
  out = attempt_classify_http(hr, url, &resp, err);
  if (out != ATTEMPT_OK)
    goto out;
  doc = cJSON_ParseWithLength(dynbuf_ptr(&resp.body), dynbuf_len(&resp.body));
  token = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "access_token"));
  if (!token || !*token) {
    attempt_error_set(err, url, &resp, "token response without access_token");
    out = doc ? ATTEMPT_PERMANENT : ATTEMPT_TRANSIENT; /* a cut body is worth a retry */
    goto out;
  }
  free(s->token);
  s->token = strdup(token);
  out = s->token ? ATTEMPT_OK : ATTEMPT_PERMANENT;
out:
  if (userpwd) {
    memset(userpwd, 0, strlen(userpwd));
    free(userpwd);
  }
  cJSON_Delete(doc);
  curl_slist_free_all(headers);
  http_response_release(&resp);
  return out;
}

/* What the extractor needs from a page: well-formed, MaLoi, paging, and
 * the code of every HoSo. */
struct city_page {
  char error_code[32];
  char message[200];
  long page, pages, total;
};

static void read_header(xmlTextReaderPtr r, const char *name, struct city_page *p)
{
  char *dst = NULL;
  size_t dstsz = 0;
  long *num = NULL;
  xmlChar *v;

  if (!strcmp(name, "MaLoi"))
    dst = p->error_code, dstsz = sizeof(p->error_code);
  else if (!strcmp(name, "MoTaLoi"))
    dst = p->message, dstsz = sizeof(p->message);
  else if (!strcmp(name, "Trang"))
    num = &p->page;
  else if (!strcmp(name, "TongSoTrang"))
    num = &p->pages;
  else if (!strcmp(name, "TongSoBanGhi"))
    num = &p->total;
  else
    return; /* DanhSachHoSo and the rest: never read as one string */
  v = xmlTextReaderReadString(r);
  if (dst)
    snprintf(dst, dstsz, "%s", v ? (char *)v : "");
  else
    *num = v && *v ? strtol((char *)v, NULL, 10) : -1;
  xmlFree(v);
}

/*
 * Walks every node once. Records are counted where a HoSo starts and their
 * code taken where it ends, so a page written without whitespace between
 * elements (…</HoSo><HoSo>…) counts the same as an indented one: the walk
 * never skips a subtree, so it cannot step over a following sibling.
 */
static attempt_outcome walk_page(xmlTextReaderPtr r, struct city_page *p, struct page_result *res,
                                 const struct xml_error *first, struct attempt_error *err)
{
  xmlChar *code = NULL;
  int in_hoso = 0, ret;

  while ((ret = xmlTextReaderRead(r)) == 1) {
    int type = xmlTextReaderNodeType(r), depth = xmlTextReaderDepth(r);
    const char *name = (const char *)xmlTextReaderConstLocalName(r);

    if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE) {
      /* xml_reader_open refuses a DOCTYPE first; never read past one */
      xmlFree(code);
      attempt_error_set(err, NULL, NULL, "page declares a DOCTYPE or uses entities; refused");
      return ATTEMPT_BAD_CONTENT;
    }
    if (type == XML_READER_TYPE_ELEMENT && depth == 2 && !strcmp(name, "HoSo")) {
      res->records++;
      in_hoso = !xmlTextReaderIsEmptyElement(r);
      if (!in_hoso && page_codes_add(res, NULL))
        goto nomem;
    } else if (type == XML_READER_TYPE_END_ELEMENT && depth == 2 && in_hoso) {
      in_hoso = 0;
      if (page_codes_add(res, (const char *)code))
        goto nomem;
      xmlFree(code);
      code = NULL;
    } else if (type == XML_READER_TYPE_ELEMENT && depth == 3 && in_hoso && !code &&
               !strcmp(name, "MaHoSo")) {
      code = xmlTextReaderReadString(r);
    } else if (type == XML_READER_TYPE_ELEMENT && depth == 1) {
      read_header(r, name, p);
    }
  }
  xmlFree(code);
  if (ret < 0 || first->message[0]) {
    /* Cut off mid-document: retry the page. Anything else the parser
     * refuses (a bad byte, nesting too deep, a huge text node) comes
     * again on the next try, and is told apart by coming alike. */
    attempt_error_set(err, NULL, NULL, "page is not well-formed XML (%s%s)",
                      first->message[0] ? first->message : "reader error",
                      first->unterminated ? "; it ends inside the document" : "");
    return first->unterminated ? ATTEMPT_TRANSIENT : ATTEMPT_BAD_CONTENT;
  }
  return ATTEMPT_OK;
nomem:
  xmlFree(code);
  attempt_error_set(err, NULL, NULL, "out of memory");
  return ATTEMPT_PERMANENT;
}

static attempt_outcome city_scan_page(const char *body, size_t len, const struct page_cursor *at,
                                      int page_size, struct page_result *res,
                                      struct attempt_error *err)
{
  struct city_page page = { .page = -1, .pages = -1, .total = -1 };
  struct xml_error first;
  bool doctype;
  xmlTextReaderPtr r = xml_reader_open(body, len, &first, &doctype);
  attempt_outcome out;

  res->records = 0;
  res->announced = -1;
  res->codes.n = 0;
  res->codes.uncoded = 0;
  if (doctype) {
    /* Never parsed: a clean copy may come on the next try; the same
     * page twice is landed refused, unread (pull.c). */
    xmlFreeTextReader(r);
    attempt_error_set(err, NULL, NULL,
                      "page declares a DOCTYPE (entity declarations are never read); refused");
    return ATTEMPT_BAD_CONTENT;
  }
  if (!r) {
    attempt_error_set(err, NULL, NULL, "could not read the page");
    return ATTEMPT_PERMANENT;
  }
  out = walk_page(r, &page, res, &first, err);
  xmlFreeTextReader(r);
  if (out != ATTEMPT_OK)
    return out;
  if (strcmp(page.error_code, "0")) {
    if (!strcmp(page.error_code, "-1")) {
      attempt_error_set(err, NULL, NULL, "city system busy: %s", page.message);
      return ATTEMPT_TRANSIENT;
    }
    attempt_error_set(err, NULL, NULL, "city system refused the request (MaLoi %s): %s",
                      page.error_code[0] ? page.error_code : "absent", page.message);
    return ATTEMPT_PERMANENT;
  }
  res->announced = page.total;
  res->next = *at;
  res->next.index = at->index + 1;
  /* The last page: short, past the announced page count, or past the
   * announced records. */
  res->last = res->records < page_size || (page.pages > 0 && at->index >= page.pages) ||
              (page.total >= 0 && (double)at->index * page_size >= (double)page.total);
  return page_size_kept(res, page_size, err);
}

static attempt_outcome city_fetch_page(struct source_session *s, const struct pull_window *w,
                                       const struct page_cursor *at, struct http_response *resp,
                                       struct page_result *res, struct attempt_error *err)
{
  struct curl_slist *headers = NULL;
  char url[400], from[15], until[15], *auth = NULL;
  attempt_outcome out;
  http_result hr;

  time_format_compact_local(w->from, from);
  time_format_compact_local(w->until, until);
  snprintf(url, sizeof(url), "%s/tthc/v1/hoso?maxa=%s&tungay=%s&denngay=%s&trang=%ld&sobanghi=%d",
           s->cfg->base_url, w->commune, from, until, at->index, s->cfg->page_size);
  if (asprintf(&auth, "Authorization: Bearer %s", s->token ? s->token : "") < 0 ||
      !(headers = curl_slist_append(NULL, auth))) {
    free(auth);
    attempt_error_set(err, url, NULL, "out of memory");
    return ATTEMPT_PERMANENT;
  }
  hr = http_request(&s->http, "GET", url, headers, NULL, NULL, resp);
  curl_slist_free_all(headers);
  memset(auth, 0, strlen(auth));
  free(auth);
  if (hr == HTTP_OK && resp->status == 401) {
    attempt_error_set(err, url, resp, "access token expired");
    return ATTEMPT_REAUTH;
  }
  out = attempt_classify_http(hr, url, resp, err);
  if (out != ATTEMPT_OK)
    return out;
  out = city_scan_page(dynbuf_ptr(&resp->body), dynbuf_len(&resp->body), at, s->cfg->page_size, res,
                       err);
  if (out != ATTEMPT_OK)
    attempt_error_locate(err, url, resp); /* the scan knows neither */
  return out;
}

const struct source_adapter city_adapter = {
  .kind = SOURCE_CITY,
  .page_suffix = ".xml",
  .authenticate = city_authenticate,
  .offset_paging = 1,
  .fetch_page = city_fetch_page,
  .scan_page = city_scan_page,
};
