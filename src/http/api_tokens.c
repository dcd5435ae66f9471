/*
 * api_tokens.c - one's own API tokens: list, create (the secret is shown
 * once), revoke.
 */
#include "auth/token.h"
#include "base/json.h"
#include "http/api.h"

int api_tokens_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	if (apitoken_list(req->db, req->who.id, &items, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:o,s:n}", "items", items, "next_cursor"));
}

int api_tokens_create(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "name", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	const char *name = NULL;
	char token[TOKEN_TEXT_MAX];
	json_t *created = NULL;
	if (req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_get_text(req->json, "name", 1, KF_MAX_NAME_CHARS, &name, &err);
	if (rc >= 0)
		rc = apitoken_create(req->db, &a, req->now, req->who.id, name, token, &created, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	json_object_set_new(created, "token", json_string(token));
	return reply_json(resp, 201, created);
}

int api_tokens_revoke(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (apitoken_revoke(req->db, &a, req->now, req->who.id, id, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:b}", "ok", 1));
}
