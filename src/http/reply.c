/*
 * reply.c - building responses: JSON bodies, the one error shape, the
 * mapping from KF_E* codes to HTTP statuses (the only place it is
 * decided), ETags, cursor pages; and the request helpers handlers share
 * (JSON body, ids, paging, If-Match).
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/xalloc.h"
#include "http/http.h"
#include "http/i18n_errors.h"
#include "http/stream.h"

static const struct {
	int code; /* enum kf_code */
	int status; /* HTTP status */
} status_map[] = {
	{ KF_EINVAL, 400 },       { KF_EAUTH, 401 },    { KF_EPERM, 403 },  { KF_ENOTFOUND, 404 },
	{ KF_ECONFLICT, 409 },    { KF_EEXIST, 409 },   { KF_ESTALE, 412 }, { KF_ETOOBIG, 413 },
	{ KF_EUNSUPPORTED, 415 }, { KF_EPRECOND, 428 }, { KF_ELIMIT, 429 }, { KF_EBUSY, 503 },
};

int reply_status_for(int code)
{
	for (size_t i = 0; i < sizeof(status_map) / sizeof(status_map[0]); i++)
		if (status_map[i].code == code)
			return status_map[i].status;
	return 500;
}

int reply_json(struct resp *resp, int status, json_t *body)
{
	json_decref(resp->json);
	resp->json = body;
	resp->status = status;
	return 0;
}

/* json_string that never fails: text that is not UTF-8 becomes a fixed marker. */
static json_t *safe_string(const char *s, const char *fallback)
{
	json_t *j = json_string(s);
	return j ? j : json_string(fallback);
}

static json_t *safe_string_n(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	return j ? j : json_string("");
}

static json_t *error_body(const char *code, const char *field, const char *message)
{
	json_t *f = field && *field ? safe_string(field, "(not UTF-8)") : json_null();
	return json_pack("{s:{s:o,s:o,s:o}}", "error", "code", safe_string(code, "invalid"), "message",
	                 safe_string(message, "the request contains text that is not UTF-8"), "field", f);
}

int reply_error(struct resp *resp, int status, const char *code, const char *field, const char *fmt, ...)
{
	char msg[KF_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return reply_json(resp, status, error_body(code, field, msg));
}

/* The error's structured details as a JSON object, or NULL when it has none. */
static json_t *error_details(const struct kf_error *err)
{
	if (err->ndetails <= 0)
		return NULL;
	json_t *o = json_object();
	for (int i = 0; i < err->ndetails && i < KF_ERR_DETAILS_MAX; i++) {
		const struct kf_error_detail *d = &err->details[i];
		json_t *v = NULL;
		if (d->kind == KF_DETAIL_INT) {
			v = json_integer(d->num);
		} else if (d->kind == KF_DETAIL_LIST) {
			v = json_array();
			const char *p = d->value;
			while (*p) {
				size_t n = strcspn(p, ",");
				if (n > 0)
					json_array_append_new(v, safe_string_n(p, n));
				p += n;
				if (*p == ',')
					p++;
			}
		} else {
			v = safe_string(d->value, "");
		}
		json_object_set_new(o, d->name, v);
	}
	return o;
}

int reply_kf(struct resp *resp, const struct kf_error *err)
{
	int status = reply_status_for(err->code);
	if (status == 500)
		return reply_error(resp, 500, "internal", NULL,
		                   "internal error; the request id identifies it in the server log");
	json_t *body = error_body(err->key[0] ? err->key : kf_code_key(err->code), err->field, err->message);
	json_t *details = error_details(err);
	if (details)
		json_object_set_new(json_object_get(body, "error"), "details", details);
	return reply_json(resp, status, body);
}

int reply_header(struct resp *resp, const char *name, const char *value)
{
	if (resp->nheaders == RESP_MAX_HEADERS)
		KF_BUG("too many response headers");
	assert(resp->nheaders >= 0 && resp->nheaders < RESP_MAX_HEADERS);
	resp->header_names[resp->nheaders] = xstrdup(name);
	resp->header_values[resp->nheaders++] = xstrdup(value);
	return 0;
}

int reply_etag(struct resp *resp, int64_t version)
{
	char tag[32];
	snprintf(tag, sizeof(tag), "\"v%lld\"", (long long)version);
	return reply_header(resp, "ETag", tag);
}

/* Cursors are "c" + the last id in decimal: opaque to clients, cheap to check. */
int reply_page(struct resp *resp, json_t *items, int limit, int64_t last_id)
{
	json_t *next = json_null();
	if (json_array_size(items) == (size_t)limit && last_id > 0) {
		char c[32];
		snprintf(c, sizeof(c), "c%lld", (long long)last_id);
		json_decref(next);
		next = json_string(c);
	}
	return reply_json(resp, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor", next));
}

void resp_release(struct resp *resp)
{
	json_decref(resp->json);
	resp->json = NULL;
	buf_release(&resp->body);
	for (int i = 0; i < resp->nheaders; i++) {
		free(resp->header_names[i]);
		free(resp->header_values[i]);
	}
	resp->nheaders = 0;
	stream_free(resp->stream); /* a stream that was never sent */
	resp->stream = NULL;
}

int resp_body(struct resp *resp, const char **data, size_t *len, const char **content_type)
{
	if (resp->json) {
		buf_reset(&resp->body);
		char *s = json_dumps(resp->json, JSON_COMPACT);
		if (!s)
			return KF_EINVAL;
		int rc = buf_adds(&resp->body, s);
		rc = rc < 0 ? rc : buf_addch(&resp->body, '\n');
		free(s);
		if (rc < 0)
			return rc;
	}
	*data = buf_cstr(&resp->body);
	*len = resp->body.len;
	*content_type = resp->content_type ? resp->content_type : "application/json; charset=utf-8";
	return 0;
}

int req_json(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	const char *ct = req_header(req, "Content-Type");
	if (ct && strncmp(ct, "application/json", 16) != 0)
		return reply_error(resp, 415, "unsupported_media_type", NULL,
		                   "Content-Type must be application/json"),
		       -1;
	json_decref(req->json);
	req->json = NULL;
	if (json_parse_object(req->body, req->body_len, &req->json, &err) < 0)
		return reply_kf(resp, &err), -1;
	return 0;
}

/* A positive decimal int64 with no sign, spaces or leading zeros. */
static int parse_id(const char *s, int64_t *out)
{
	int64_t v = 0;
	if (!s || !*s || *s == '0' || strlen(s) > 18)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

int req_param_id(struct req *req, struct resp *resp, const char *name, int64_t *out)
{
	if (parse_id(req_param(req, name), out) < 0)
		return reply_error(resp, 404, "not_found", name, "no such %s", name), -1;
	return 0;
}

int req_page(struct req *req, struct resp *resp, int *limit, int64_t *after_id)
{
	const char *l = req_query(req, "limit"), *c = req_query(req, "cursor");
	int64_t v = KF_DEFAULT_PAGE_SIZE;
	if (l && (parse_id(l, &v) < 0 || v > KF_MAX_PAGE_SIZE))
		return reply_error(resp, 400, "range", "limit", "limit must be between 1 and %d",
		                   KF_MAX_PAGE_SIZE),
		       -1;
	*limit = (int)v;
	*after_id = 0;
	if (c && *c && (c[0] != 'c' || parse_id(c + 1, after_id) < 0))
		return reply_error(resp, 400, "invalid", "cursor", "cursor is not one this server issued"), -1;
	return 0;
}

int req_if_match(struct req *req, struct resp *resp, int64_t *version)
{
	const char *h = req_header(req, "If-Match");
	if (!h)
		return reply_error(resp, 428, "precondition_required", "If-Match",
		                   "If-Match with the ETag you read is required to change this"),
		       -1;
	char num[24];
	size_t n = strlen(h);
	if (n >= 2 && h[0] == 'W' && h[1] == '/') {
		h += 2;
		n -= 2;
	}
	if (n < 4 || n - 3 >= sizeof(num) || h[0] != '"' || h[1] != 'v' || h[n - 1] != '"')
		return reply_error(resp, 412, "stale", "If-Match", "If-Match does not match this resource"), -1;
	memcpy(num, h + 2, n - 3);
	num[n - 3] = '\0';
	if (parse_id(num, version) < 0)
		return reply_error(resp, 412, "stale", "If-Match", "If-Match does not match this resource"), -1;
	return 0;
}

/* The error's fields as "a,b": details.fields when it has them, else its field. */
static void error_fields(json_t *e, char *out, size_t n)
{
	json_t *list = json_object_get(json_object_get(e, "details"), "fields");
	const char *field = json_string_value(json_object_get(e, "field"));
	size_t i, used = 0;
	json_t *v;
	out[0] = '\0';
	if (!json_is_array(list) || json_array_size(list) == 0) {
		snprintf(out, n, "%s", field ? field : "");
		return;
	}
	json_array_foreach(list, i, v)
	{
		int w = snprintf(out + used, n - used, "%s%s", used ? "," : "",
		                 json_string_value(v) ? json_string_value(v) : "");
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
}

/* Whether an English "required" message is the generic "X is required" / "X must not be blank". */
static int generic_required(const char *msg, const char *field)
{
	size_t n = field ? strlen(field) : 0;
	if (!msg || !field || strncmp(msg, field, n) != 0)
		return 0;
	return strcmp(msg + n, " is required") == 0 || strcmp(msg + n, " must not be blank") == 0;
}

/*
 * "required" errors in the reader's words: "Please fill in: subject, category"
 * naming every missing field (details.fields) by its label, not its API name.
 */
static void localise_required_en(json_t *e, const char *fields)
{
	const char *msg = json_string_value(json_object_get(e, "message"));
	const char *field = json_string_value(json_object_get(e, "field"));
	char labels[KF_ERR_MSG_MAX], out[KF_ERR_MSG_MAX + 32];
	if (!json_object_get(e, "details") && !generic_required(msg, field))
		return;
	i18n_fields_join(fields, 0, labels, sizeof(labels));
	snprintf(out, sizeof(out), "Please fill in: %s", labels);
	json_object_set_new(e, "message", safe_string(out, "Please fill in the missing fields"));
}

/* Field names in an English message in the reader's words ("category must be a whole number"). */
static void relabel_en(json_t *e)
{
	const char *msg = json_string_value(json_object_get(e, "message"));
	const char *field = json_string_value(json_object_get(e, "field"));
	char out[KF_ERR_MSG_MAX + 64];
	if (!msg)
		return;
	i18n_relabel_en(msg, field, out, sizeof(out));
	if (strcmp(out, msg) != 0)
		json_object_set_new(e, "message", safe_string(out, msg));
}

void reply_localise(struct req *req, struct resp *resp)
{
	if (!resp->json || resp->status < 400)
		return;
	const char *al = req_header(req, "Accept-Language");
	json_t *e = json_object_get(resp->json, "error");
	const char *code = json_string_value(json_object_get(e, "code"));
	char fields[KF_ERR_MSG_MAX], labels[KF_ERR_MSG_MAX];
	error_fields(e, fields, sizeof(fields));
	if (!al || strncmp(al, "zh", 2) != 0) {
		if (code && strcmp(code, "required") == 0)
			localise_required_en(e, fields);
		else
			relabel_en(e);
		return;
	}
	char msg[KF_ERR_MSG_MAX];
	i18n_fields_join(fields, 1, labels, sizeof(labels));
	if (!code || i18n_error_zh(code, labels, msg, sizeof(msg)) != 0)
		return;
	/* An import error names its line ("line 12: ..."): keep it in Chinese. */
	const char *en = json_string_value(json_object_get(e, "message"));
	long line = 0;
	int used = 0;
	if (en && sscanf(en, "line %ld: %n", &line, &used) == 1 && used > 0 && line > 0) {
		char with[KF_ERR_MSG_MAX + 32];
		snprintf(with, sizeof(with), "第 %ld 行：%s", line, msg);
		json_object_set_new(e, "message", json_string(with));
		return;
	}
	json_object_set_new(e, "message", json_string(msg));
}
