/*
 * exchange - request/response helpers (see exchange.h).
 */
#include "exchange.h"

#include <stdlib.h>
#include <string.h>

void sim_response_init(struct sim_response *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 500;
	r->content_type = "text/plain; charset=utf-8";
	r->retry_after = -1;
	r->page_index = -1;
}

void sim_response_release(struct sim_response *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

int sim_response_set(struct sim_response *r, int status, const char *ctype,
		     char *body, const char *text)
{
	free(r->body);
	r->body = body ? body : strdup(text ? text : "");
	if (!r->body) {
		r->status = 500;
		r->len = 0;
		return -1;
	}
	r->status = status;
	r->content_type = ctype;
	r->len = strlen(r->body);
	return 0;
}

const char *sim_request_header(const struct sim_request *q, const char *name)
{
	return q->header ? q->header(q->header_ctx, name) : NULL;
}
