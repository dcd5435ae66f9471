/*
 * api_meta.c - the operational endpoints: /healthz, /metrics, the
 * OpenAPI document, the version.
 */
#include <string.h>

#include "base/embed.h"
#include "http/api.h"
#include "http/metrics.h"
#include "store/db.h"
#include "base/version.h"

int api_healthz(struct req *req, struct resp *resp)
{
	if (!req->db)
		return reply_json(resp, 503, json_pack("{s:s,s:s}", "status", "unavailable", "db", "down"));
	resp->content_type = "application/json";
	buf_adds(&resp->body, "{\"status\":\"ok\"}\n");
	resp->status = 200;
	return 0;
}

int api_metrics(struct req *req, struct resp *resp)
{
	(void)req;
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	metrics_render(&resp->body);
	resp->status = 200;
	return 0;
}

int api_openapi(struct req *req, struct resp *resp)
{
	(void)req;
	const struct embed_file *f = embed_find(embed_openapi, "openapi.json");
	if (!f)
		return reply_error(resp, 404, "not_found", NULL, "no OpenAPI document was built in");
	buf_add(&resp->body, f->data, f->len);
	resp->status = 200;
	return 0;
}

int api_version(struct req *req, struct resp *resp)
{
	(void)req;
	return reply_json(resp, 200, json_pack("{s:s,s:s}", "version", KF_VERSION, "revision", KF_GIT_REV));
}
