/*
 * ministry.c — adapter for a ministry's centralised TTHC system
 * (sources.md §3): an API key on every call, cursor paging on
 * /api/v2/ho-so, in-body SYNC_ERROR (transient) and CURSOR_EXPIRED
 * (list again from the last durable record's update time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "adapter.h"
#include "jsontext.h"

/* API keys need no session: mark the session ready. */
static attempt_outcome ministry_authenticate(struct source_session *s, struct attempt_error *err)
{
  free(s->token);
  s->token = strdup("api-key");
  if (!s->token) {
    attempt_error_set(err, NULL, NULL, "out of memory");
    return ATTEMPT_PERMANENT;
  }
  return ATTEMPT_OK;
}

static attempt_outcome ministry_scan_page(const char *body, size_t len,
                                          const struct page_cursor *at, int page_size,
                                          struct page_result *res, struct attempt_error *err)
{
  const char *status, *code, *next;
  attempt_outcome out = ATTEMPT_PERMANENT;
  struct json_error jerr;
  cJSON *doc = NULL;
  const cJSON *value, *nc, *rec;
  char cbuf[64];

  res->records = 0;
  res->announced = -1; /* cursor paging announces no total */
  res->codes.n = 0;
  res->codes.uncoded = 0;
  doc = json_parse_exact(body, len, &jerr);
  if (!cJSON_IsObject(doc)) {
    out = json_page_refused(&jerr, doc != NULL, len, err);
    goto out;
  }
  status = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "status"));
  if (!status && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(doc, "status")))
    status = cJSON_GetObjectItemCaseSensitive(doc, "status")->valueint == 1 ? "1" : "0";
  if (!status || strcmp(status, "1")) {
    const char *desc =
      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "errorDescription"));
    code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "errorCode"));
    attempt_error_set(err, NULL, NULL, "ministry system error %s: %s", code ? code : "(none)",
                      desc ? desc : "");
    if (code && !strcmp(code, "SYNC_ERROR"))
      out = ATTEMPT_TRANSIENT;
    else if (code && !strcmp(code, "CURSOR_EXPIRED"))
      out = ATTEMPT_RESTART;
    else
      out = ATTEMPT_PERMANENT;
    goto out;
  }
  value = cJSON_GetObjectItemCaseSensitive(doc, "value");
  nc = cJSON_GetObjectItemCaseSensitive(doc, "nextCursor");
  next = cJSON_GetStringValue(nc);
  if ((value && !cJSON_IsArray(value) && !cJSON_IsNull(value)) ||
      (next && strlen(next) >= sizeof(res->next.token))) {
    attempt_error_set(err, NULL, NULL, "unexpected \"value\" or \"nextCursor\"");
    out = ATTEMPT_PERMANENT;
    goto out;
  }
  res->records = cJSON_GetArraySize(value);
  res->next.index = at->index + 1;
  res->next.resume_from = at->resume_from;
  res->last_updated = 0;
  if (res->records > 0) {
    const char *last = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
      cJSON_GetArrayItem(value, (int)res->records - 1), "capNhatLuc"));
    tthc_time t;
    if (last && time_parse_dmy(last, &t) == TIME_OK)
      res->last_updated = t;
  }
  snprintf(res->next.token, sizeof(res->next.token), "%s", next ? next : "");
  res->last = !next || !*next;
  cJSON_ArrayForEach(rec, value)
  {
    if (page_codes_add(res,
                       json_code_text(cJSON_GetObjectItemCaseSensitive(rec, "maHoSoLT"), cbuf))) {
      attempt_error_set(err, NULL, NULL, "out of memory");
      goto out;
    }
  }
  out = page_size_kept(res, page_size, err);
out:
  cJSON_Delete(doc);
  return out;
}

static attempt_outcome ministry_fetch_page(struct source_session *s, const struct pull_window *w,
                                           const struct page_cursor *at, struct http_response *resp,
                                           struct page_result *res, struct attempt_error *err)
{
  struct curl_slist *headers = NULL;
  char url[1200], since[26], *key = NULL, *since_q = NULL, *cursor_q = NULL, shown[400];
  attempt_outcome out = ATTEMPT_PERMANENT;
  http_result hr;

  /* After an expired cursor: from the last durable record's update time
   * (inclusive; the records re-read there are deduplicated downstream). */
  time_format_iso_local(at->resume_from ? at->resume_from : w->from, since);
  since_q = curl_easy_escape(s->http.curl, since, 0);
  cursor_q = at->token[0] ? curl_easy_escape(s->http.curl, at->token, 0) : NULL;
  snprintf(url, sizeof(url), "%s/api/v2/ho-so?maDonVi=%s&capNhatTu=%s&limit=%d%s%s",
           s->cfg->base_url, w->commune, since_q ? since_q : "", s->cfg->page_size,
           cursor_q ? "&cursor=" : "", cursor_q ? cursor_q : "");
  snprintf(shown, sizeof(shown), "%s/api/v2/ho-so?maDonVi=%s", s->cfg->base_url, w->commune);
  if (asprintf(&key, "X-API-Key: %s", s->secret ? s->secret : "") < 0 ||
      !(headers = curl_slist_append(NULL, key))) {
    attempt_error_set(err, shown, NULL, "out of memory");
    goto out;
  }
  hr = http_request(&s->http, "GET", url, headers, NULL, NULL, resp);
  if (hr == HTTP_OK && (resp->status == 403 || resp->status == 401)) {
    attempt_error_set(err, shown, resp, "API key refused (HTTP %ld)", resp->status);
    goto out;
  }
  out = attempt_classify_http(hr, shown, resp, err);
  if (out != ATTEMPT_OK)
    goto out;
  out = ministry_scan_page(dynbuf_ptr(&resp->body), dynbuf_len(&resp->body), at, s->cfg->page_size,
                           res, err);
  if (out != ATTEMPT_OK)
    attempt_error_locate(err, shown, resp); /* the scan knows neither */
out:
  if (key) {
    memset(key, 0, strlen(key));
    free(key);
  }
  curl_free(since_q);
  curl_free(cursor_q);
  curl_slist_free_all(headers);
  return out;
}

const struct source_adapter ministry_adapter = {
  .kind = SOURCE_MINISTRY,
  .page_suffix = ".json",
  .authenticate = ministry_authenticate,
  .fetch_page = ministry_fetch_page,
  .scan_page = ministry_scan_page,
};
