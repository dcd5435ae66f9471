/*
 * api_mailboxes.c - the IMAP mailboxes: CRUD (password write-only, the
 * answer says password_set), "test connection" and "fetch now".  The
 * fetching itself is channels/mail_fetch.c; a change wakes its thread.
 */
#include "http/api_mailboxes.h"

#include <string.h>

#include "base/json.h"
#include "channels/mail_fetch.h"
#include "channels/mailbox.h"
#include "http/api.h"

static const char *const mailbox_keys[] = { "name",       "address",      "host",     "port",   "security",
	                                    "tls_verify", "username",     "password", "folder", "after_fetch",
	                                    "move_to",    "poll_seconds", "enabled",  NULL };

/* A string field: present -> bit set and *out; max is bytes (text: characters). */
static int get_str(json_t *o, const char *key, unsigned bit, size_t max, int text, const char **out,
                   struct mailbox_input *in, struct kf_error *err)
{
	if (!json_object_get(o, key))
		return 0;
	int rc = text ? json_get_text(o, key, 0, max, out, err) : json_get_str(o, key, 0, max, out, err);
	if (rc >= 0 && !*out)
		*out = "";
	if (rc >= 0)
		in->present |= bit;
	return rc < 0 ? rc : 0;
}

static int get_int(json_t *o, const char *key, unsigned bit, int64_t min, int64_t max, int64_t *out,
                   struct mailbox_input *in, struct kf_error *err)
{
	if (!json_object_get(o, key))
		return 0;
	int rc = json_get_int(o, key, 1, min, max, out, err);
	if (rc >= 0)
		in->present |= bit;
	return rc < 0 ? rc : 0;
}

static int get_bool(json_t *o, const char *key, unsigned bit, int64_t *out, struct mailbox_input *in,
                    struct kf_error *err)
{
	int v = 0;
	if (!json_object_get(o, key))
		return 0;
	int rc = json_get_bool(o, key, 1, &v, err);
	if (rc >= 0) {
		in->present |= bit;
		*out = v;
	}
	return rc < 0 ? rc : 0;
}

/* The mailbox fields of body o (ranges are checked again, with the rest, in channels/mailbox.c). */
static int read_input(json_t *o, int create, struct mailbox_input *in, struct kf_error *err)
{
	memset(in, 0, sizeof(*in));
	int rc = json_only_keys(o, mailbox_keys, err);
	if (rc == 0 && create)
		rc = json_require(o, (const char *const[]){ "name", "host", NULL }, err);
	if (rc == 0)
		rc = get_str(o, "name", MAILBOX_SET_NAME, MAILBOX_NAME_MAX, 1, &in->name, in, err);
	if (rc == 0)
		rc = get_str(o, "address", MAILBOX_SET_ADDRESS, 254, 0, &in->address, in, err);
	if (rc == 0)
		rc = get_str(o, "host", MAILBOX_SET_HOST, MAILBOX_HOST_MAX, 0, &in->host, in, err);
	if (rc == 0)
		rc = get_int(o, "port", MAILBOX_SET_PORT, 1, 65535, &in->port, in, err);
	if (rc == 0)
		rc = get_str(o, "security", MAILBOX_SET_SECURITY, 10, 0, &in->security, in, err);
	if (rc == 0)
		rc = get_bool(o, "tls_verify", MAILBOX_SET_TLS_VERIFY, &in->tls_verify, in, err);
	if (rc == 0)
		rc = get_str(o, "username", MAILBOX_SET_USERNAME, MAILBOX_USER_MAX, 0, &in->username, in, err);
	if (rc == 0)
		rc = get_str(o, "password", MAILBOX_SET_PASSWORD, MAILBOX_PASSWORD_MAX, 0, &in->password, in,
		             err);
	if (rc == 0)
		rc = get_str(o, "folder", MAILBOX_SET_FOLDER, MAILBOX_FOLDER_MAX, 0, &in->folder, in, err);
	if (rc == 0)
		rc = get_str(o, "after_fetch", MAILBOX_SET_AFTER_FETCH, 10, 0, &in->after_fetch, in, err);
	if (rc == 0)
		rc = get_str(o, "move_to", MAILBOX_SET_MOVE_TO, MAILBOX_FOLDER_MAX, 0, &in->move_to, in, err);
	if (rc == 0)
		rc = get_int(o, "poll_seconds", MAILBOX_SET_POLL, MAILBOX_POLL_MIN, MAILBOX_POLL_MAX,
		             &in->poll_seconds, in, err);
	if (rc == 0)
		rc = get_bool(o, "enabled", MAILBOX_SET_ENABLED, &in->enabled, in, err);
	return rc;
}

static int reply_mailbox(struct resp *resp, int status, const struct mailbox *m)
{
	reply_etag(resp, m->version);
	return reply_json(resp, status, mailbox_json(m));
}

int api_mailboxes_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	if (mailbox_list(req->db, &items, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

int api_mailboxes_create(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct mailbox_input in;
	struct mailbox m;
	struct actor a = api_actor(req);
	if (req_json(req, resp) < 0)
		return 0;
	if (read_input(req->json, 1, &in, &err) < 0 || mailbox_create(req->db, &a, req->now, &in, &m, &err) < 0)
		return reply_kf(resp, &err);
	mail_fetch_wake();
	return reply_mailbox(resp, 201, &m);
}

int api_mailboxes_get(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct mailbox m;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (mailbox_get(req->db, id, &m, &err) < 0)
		return reply_kf(resp, &err);
	return reply_mailbox(resp, 200, &m);
}

int api_mailboxes_update(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct mailbox_input in;
	struct mailbox m;
	struct actor a = api_actor(req);
	int64_t id, version;
	if (req_param_id(req, resp, "id", &id) < 0 || req_if_match(req, resp, &version) < 0 ||
	    req_json(req, resp) < 0)
		return 0;
	if (read_input(req->json, 0, &in, &err) < 0 ||
	    mailbox_update(req->db, &a, req->now, id, version, &in, &m, &err) < 0)
		return reply_kf(resp, &err);
	mail_fetch_wake();
	return reply_mailbox(resp, 200, &m);
}

int api_mailboxes_delete(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (mailbox_delete(req->db, &a, req->now, id, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:b}", "ok", 1));
}

int api_mailboxes_test(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct mail_fetch_test t;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (mail_fetch_test(req->db, id, mail_fetch_timeout(), &t, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200,
	                  json_pack("{s:b,s:s,s:s,s:I,s:I}", "ok", t.ok, "stage", t.stage, "message", t.message,
	                            "messages", (json_int_t)t.messages, "unseen", (json_int_t)t.unseen));
}

int api_mailboxes_fetch(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct mail_fetch_counts c;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (mail_fetch_mailbox(req->db, id, mail_fetch_timeout(), &c, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200,
	                  json_pack("{s:I,s:I,s:I,s:s}", "fetched", (json_int_t)c.fetched, "duplicates",
	                            (json_int_t)c.duplicates, "failed", (json_int_t)c.failed, "error", c.error));
}
