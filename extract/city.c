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

/* What the extractor needs from a page: well-formed, MaLoi, paging. */
struct city_page {
  char error_code[32];
  char message[200];
  long page, pages, records;
};

static attempt_outcome scan_page(const struct http_response *resp, struct city_page *p,
                                 const char *url, struct attempt_error *err)
{
  char first_error[200];
  bool doctype;
  xmlTextReaderPtr r =
    xml_reader_open(dynbuf_ptr(&resp->body), dynbuf_len(&resp->body), first_error, &doctype);
  int ret;

  memset(p, 0, sizeof(*p));
  if (doctype) {
    /* Never parsed, never landed; a clean copy may come on the next try. */
    attempt_error_set(err, url, resp, "page declares a DOCTYPE; refused");
    return ATTEMPT_TRANSIENT;
  }
  if (!r) {
    attempt_error_set(err, url, resp, "could not read the page");
    return ATTEMPT_PERMANENT;
  }
  while ((ret = xmlTextReaderRead(r)) == 1) {
    const char *name = (const char *)xmlTextReaderConstLocalName(r);
    int depth = xmlTextReaderDepth(r);
    xmlChar *v;

    if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
      continue;
    if (depth == 2 && !strcmp(name, "HoSo")) {
      p->records++;
      if (xmlTextReaderNext(r) != 1)
        break;
      continue;
    }
    if (depth != 1)
      continue;
    v = xmlTextReaderReadString(r);
    if (!strcmp(name, "MaLoi"))
      snprintf(p->error_code, sizeof(p->error_code), "%s", v ? (char *)v : "");
    else if (!strcmp(name, "MoTaLoi"))
      snprintf(p->message, sizeof(p->message), "%s", v ? (char *)v : "");
    else if (!strcmp(name, "Trang"))
      p->page = v ? atol((char *)v) : 0;
    else if (!strcmp(name, "TongSoTrang"))
      p->pages = v ? atol((char *)v) : 0;
    xmlFree(v);
  }
  xmlFreeTextReader(r);
  if (ret < 0 || first_error[0]) {
    /* Usually a connection dropped mid-document: retry the page. */
    attempt_error_set(err, url, resp, "page is not well-formed XML (%s)", first_error);
    return ATTEMPT_TRANSIENT;
  }
  return ATTEMPT_OK;
}

static attempt_outcome city_fetch_page(struct source_session *s, const struct pull_window *w,
                                       const struct page_cursor *at, struct http_response *resp,
                                       struct page_result *res, struct attempt_error *err)
{
  struct curl_slist *headers = NULL;
  char url[400], from[15], until[15], *auth = NULL;
  attempt_outcome out;
  struct city_page page;
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
  out = scan_page(resp, &page, url, err);
  if (out != ATTEMPT_OK)
    return out;
  if (strcmp(page.error_code, "0")) {
    if (!strcmp(page.error_code, "-1")) {
      attempt_error_set(err, url, resp, "city system busy: %s", page.message);
      return ATTEMPT_TRANSIENT;
    }
    attempt_error_set(err, url, resp, "city system refused the request (MaLoi %s): %s",
                      page.error_code[0] ? page.error_code : "absent", page.message);
    return ATTEMPT_PERMANENT;
  }
  res->records = page.records;
  res->next = *at;
  res->next.index = at->index + 1;
  res->last = page.records < s->cfg->page_size || (page.pages > 0 && at->index >= page.pages);
  return ATTEMPT_OK;
}

const struct source_adapter city_adapter = {
  .kind = SOURCE_CITY,
  .page_suffix = ".xml",
  .authenticate = city_authenticate,
  .fetch_page = city_fetch_page,
};
