/*
 * portal.c — adapter for the national Public Service Portal (sources.md §1):
 * session auth on /api/auth, LayDanhSachHoSo offset paging on
 * /api/integration, error_code in the body (string or number).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "adapter.h"
#include "jsontext.h"

/* error_code as text whether it came as a string or a number. */
static const char *error_code_of(const cJSON *doc, char buf[32])
{
  const cJSON *ec = cJSON_GetObjectItemCaseSensitive(doc, "error_code");
  if (cJSON_IsString(ec))
    return ec->valuestring;
  if (cJSON_IsNumber(ec)) {
    snprintf(buf, 32, "%d", ec->valueint);
    return buf;
  }
  return NULL;
}

static const char *message_of(const cJSON *doc)
{
  const char *m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "message"));
  return m ? m : "";
}

/* POSTs body; with doc, also parses the answer into *doc. */
static attempt_outcome post_json(struct source_session *s, const char *path, const char *body,
                                 struct http_response *resp, char *url, size_t urlsz, cJSON **doc,
                                 struct attempt_error *err)
{
  struct curl_slist *headers = NULL, *h;
  char dst[200];
  attempt_outcome out;
  http_result hr;

  snprintf(url, urlsz, "%s%s", s->cfg->base_url, path);
  snprintf(dst, sizeof(dst), "dstcode: %s", s->cfg->agency_code ? s->cfg->agency_code : "");
  h = curl_slist_append(headers, "Content-Type: application/json");
  if (h)
    headers = h;
  h = h ? curl_slist_append(headers, dst) : NULL;
  if (!h) {
    curl_slist_free_all(headers);
    attempt_error_set(err, url, NULL, "out of memory");
    return ATTEMPT_PERMANENT;
  }
  hr = http_request(&s->http, "POST", url, headers, body, NULL, resp);
  curl_slist_free_all(headers);
  out = attempt_classify_http(hr, url, resp, err);
  if (out != ATTEMPT_OK || !doc)
    return out; /* a listing page is read by portal_scan_page */
  *doc = json_parse_exact(dynbuf_ptr(&resp->body), dynbuf_len(&resp->body), NULL);
  if (!*doc || !cJSON_IsObject(*doc)) {
    cJSON_Delete(*doc);
    *doc = NULL;
    /* A body cut off mid-transfer: the next attempt usually gets it whole. */
    attempt_error_set(err, url, resp, "response is not a complete JSON object");
    return ATTEMPT_TRANSIENT;
  }
  return ATTEMPT_OK;
}

static attempt_outcome portal_authenticate(struct source_session *s, struct attempt_error *err)
{
  cJSON *req = cJSON_CreateObject(), *doc = NULL;
  char *body = NULL, url[300], codebuf[32];
  const char *code, *session;
  struct http_response resp;
  attempt_outcome out = ATTEMPT_PERMANENT;

  http_response_init(&resp, 1 << 20);
  if (!req || !cJSON_AddStringToObject(req, "username", s->cfg->username ? s->cfg->username : "") ||
      !cJSON_AddStringToObject(req, "password", s->secret ? s->secret : "") ||
      !(body = cJSON_PrintUnformatted(req))) {
    attempt_error_set(err, NULL, NULL, "out of memory");
    goto out;
  }
  out = post_json(s, "/api/auth", body, &resp, url, sizeof(url), &doc, err);
  if (out != ATTEMPT_OK)
    goto out;
  code = error_code_of(doc, codebuf);
  session = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "session"));
  if (code && !strcmp(code, "0") && session && *session) {
    free(s->token);
    s->token = strdup(session);
    out = s->token ? ATTEMPT_OK : ATTEMPT_PERMANENT;
  } else if (code && !strcmp(code, "-1")) {
    attempt_error_set(err, url, &resp, "portal busy during authentication: %s", message_of(doc));
    out = ATTEMPT_TRANSIENT;
  } else {
    /* "401" and anything unknown: a configuration problem, never retried. */
    attempt_error_set(err, url, NULL, "authentication refused (error_code %s): %s",
                      code ? code : "absent", message_of(doc));
    out = ATTEMPT_PERMANENT;
  }
out:
  /* The request body held the password. */
  if (body) {
    memset(body, 0, strlen(body));
    free(body);
  }
  cJSON_Delete(req);
  cJSON_Delete(doc);
  http_response_release(&resp);
  return out;
}

static attempt_outcome portal_scan_page(const char *body, size_t len, const struct page_cursor *at,
                                        int page_size, struct page_result *res,
                                        struct attempt_error *err)
{
  struct json_error jerr;
  cJSON *doc = json_parse_exact(body, len, &jerr);
  const cJSON *list, *total, *rec;
  char codebuf[32], cbuf[64];
  const char *code;
  attempt_outcome out = ATTEMPT_PERMANENT;

  res->records = 0;
  res->announced = -1;
  res->codes.n = 0;
  res->codes.uncoded = 0;
  if (!doc || !cJSON_IsObject(doc)) {
    out = json_page_refused(&jerr, doc != NULL, len, err);
    goto out;
  }
  code = error_code_of(doc, codebuf);
  if (!code || strcmp(code, "0")) {
    if (code && !strcmp(code, "-1")) {
      attempt_error_set(err, NULL, NULL, "portal system error: %s", message_of(doc));
      out = ATTEMPT_TRANSIENT;
    } else if (code && !strcmp(code, "99")) {
      attempt_error_set(err, NULL, NULL, "session expired: %s", message_of(doc));
      out = ATTEMPT_REAUTH;
    } else {
      attempt_error_set(err, NULL, NULL, "portal refused the request (error_code %s): %s",
                        code ? code : "absent", message_of(doc));
    }
    goto out;
  }
  list = cJSON_GetObjectItemCaseSensitive(doc, "result");
  total = cJSON_GetObjectItemCaseSensitive(doc, "total");
  if (list && !cJSON_IsArray(list) && !cJSON_IsNull(list)) {
    attempt_error_set(err, NULL, NULL, "\"result\" is not an array");
    goto out;
  }
  cJSON_ArrayForEach(rec, list)
  {
    res->records++;
    if (page_codes_add(res,
                       json_code_text(cJSON_GetObjectItemCaseSensitive(rec, "MaHoSo"), cbuf))) {
      attempt_error_set(err, NULL, NULL, "out of memory");
      goto out;
    }
  }
  if (cJSON_IsNumber(total))
    res->announced = (long)total->valuedouble;
  else if (cJSON_IsString(total) && *total->valuestring)
    res->announced = strtol(total->valuestring, NULL, 10);
  res->next = *at;
  res->next.index = at->index + 1;
  /* The last page: short, or the declared total reached. */
  res->last = res->records < page_size ||
              (res->announced >= 0 && (double)at->index * page_size >= (double)res->announced);
  out = page_size_kept(res, page_size, err);
out:
  cJSON_Delete(doc);
  return out;
}

static attempt_outcome portal_fetch_page(struct source_session *s, const struct pull_window *w,
                                         const struct page_cursor *at, struct http_response *resp,
                                         struct page_result *res, struct attempt_error *err)
{
  cJSON *req = cJSON_CreateObject();
  char *body = NULL, url[300], from[15], until[15];
  attempt_outcome out = ATTEMPT_PERMANENT;

  time_format_compact_local(w->from, from);
  time_format_compact_local(w->until, until);
  if (!req || !cJSON_AddStringToObject(req, "session", s->token ? s->token : "") ||
      !cJSON_AddStringToObject(req, "madonvi", s->cfg->agency_code ? s->cfg->agency_code : "") ||
      !cJSON_AddStringToObject(req, "service", "LayDanhSachHoSo") ||
      !cJSON_AddStringToObject(req, "MaXa", w->commune) ||
      !cJSON_AddStringToObject(req, "TuNgay", from) ||
      !cJSON_AddStringToObject(req, "DenNgay", until) ||
      !cJSON_AddNumberToObject(req, "pageIndex", (double)at->index) ||
      !cJSON_AddNumberToObject(req, "pageSize", s->cfg->page_size) ||
      !(body = cJSON_PrintUnformatted(req))) {
    attempt_error_set(err, NULL, NULL, "out of memory");
    goto out;
  }
  out = post_json(s, "/api/integration", body, resp, url, sizeof(url), NULL, err);
  if (out != ATTEMPT_OK)
    goto out;
  out = portal_scan_page(dynbuf_ptr(&resp->body), dynbuf_len(&resp->body), at, s->cfg->page_size,
                         res, err);
  if (out != ATTEMPT_OK)
    attempt_error_locate(err, url, resp); /* the scan knows neither */
out:
  free(body);
  cJSON_Delete(req);
  return out;
}

const struct source_adapter portal_adapter = {
  .kind = SOURCE_PORTAL,
  .page_suffix = ".json",
  .authenticate = portal_authenticate,
  .offset_paging = 1,
  .fetch_page = portal_fetch_page,
  .scan_page = portal_scan_page,
};
