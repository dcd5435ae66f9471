/*
 * api_mail_out.c - see api_mail_out.h.  Parse, authorise (the route's
 * permission), call channels/, render.  The relay password is write-only:
 * it is parsed here and handed to mail_settings_put, and no answer ever
 * carries it (mail_settings_json says relay_password_set).
 */
#include "http/api_mail_out.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "channels/mail_out.h"
#include "channels/mail_settings.h"
#include "channels/mail_template.h"
#include "http/api.h"

#define TEST_TIMEOUT_S 15 /* the relay test answers within this */

static int settings_reply(struct resp *resp, int status, const struct mail_settings *s)
{
	reply_etag(resp, s->version);
	return reply_json(resp, status, mail_settings_json(s));
}

int api_mail_settings_get(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct mail_settings s;
	if (mail_settings_get(req->db, &s, &err) < 0)
		return reply_kf(resp, &err);
	return settings_reply(resp, 200, &s);
}

/* One optional string field into *out, setting bit in *present when given. */
static int opt_str(json_t *body, const char *key, size_t max, unsigned bit, const char **out,
                   unsigned *present, struct kf_error *err)
{
	json_t *v = json_object_get(body, key);
	if (!v)
		return 0;
	if (!json_is_string(v))
		return kf_fail(err, KF_EINVAL, "type", key, "%s must be a string", key);
	if (strlen(json_string_value(v)) > max)
		return kf_fail(err, KF_EINVAL, "too_long", key, "%s is too long", key);
	*out = json_string_value(v);
	*present |= bit;
	return 0;
}

static int opt_int(json_t *body, const char *key, int64_t min, int64_t max, unsigned bit, int64_t *out,
                   unsigned *present, struct kf_error *err)
{
	int rc = json_get_int(body, key, 0, min, max, out, err);
	if (rc > 0)
		*present |= bit;
	return rc < 0 ? rc : 0;
}

/* The body of PATCH /mail/settings (ranges are checked again by mail_settings_put). */
static int settings_parse(json_t *b, struct mail_settings_input *in, struct kf_error *err)
{
	static const char *const keys[] = { "address",
		                            "from_name",
		                            "relay_host",
		                            "relay_port",
		                            "relay_security",
		                            "relay_username",
		                            "relay_password",
		                            "reopen_days",
		                            "max_message_bytes",
		                            "sender_rate_per_hour",
		                            "send_ack",
		                            "version",
		                            NULL };
	unsigned *p = &in->present;
	int ack = 0;
	*in = (struct mail_settings_input){ 0 };
	int rc = json_only_keys(b, keys, err);
	if (rc == 0)
		rc = opt_str(b, "address", 254, MAIL_SET_ADDRESS, &in->address, p, err);
	if (rc == 0)
		rc = opt_str(b, "from_name", 4 * MAIL_SETTINGS_NAME_MAX, MAIL_SET_FROM_NAME, &in->from_name,
		             p, err);
	if (rc == 0)
		rc = opt_str(b, "relay_host", MAIL_SETTINGS_HOST_MAX, MAIL_SET_RELAY_HOST, &in->relay_host, p,
		             err);
	if (rc == 0)
		rc = opt_str(b, "relay_security", 16, MAIL_SET_RELAY_SECURITY, &in->relay_security, p, err);
	if (rc == 0)
		rc = opt_str(b, "relay_username", MAIL_SETTINGS_USER_MAX, MAIL_SET_RELAY_USERNAME,
		             &in->relay_username, p, err);
	if (rc == 0)
		rc = opt_str(b, "relay_password", MAIL_SETTINGS_PASSWORD_MAX, MAIL_SET_RELAY_PASSWORD,
		             &in->relay_password, p, err);
	if (rc == 0)
		rc = opt_int(b, "relay_port", 1, 65535, MAIL_SET_RELAY_PORT, &in->relay_port, p, err);
	if (rc == 0)
		rc = opt_int(b, "reopen_days", 0, 3650, MAIL_SET_REOPEN_DAYS, &in->reopen_days, p, err);
	if (rc == 0)
		rc = opt_int(b, "max_message_bytes", 1024, 104857600, MAIL_SET_MAX_BYTES,
		             &in->max_message_bytes, p, err);
	if (rc == 0)
		rc = opt_int(b, "sender_rate_per_hour", 0, 100000, MAIL_SET_SENDER_RATE,
		             &in->sender_rate_per_hour, p, err);
	if (rc == 0 && (rc = json_get_bool(b, "send_ack", 0, &ack, err)) > 0) {
		in->send_ack = ack;
		*p |= MAIL_SET_SEND_ACK;
	}
	return rc < 0 ? rc : 0;
}

/* The version the client read: If-Match, else the body's "version"; 428 when neither. */
static int settings_version(struct req *req, struct resp *resp, int64_t *version)
{
	struct kf_error err = KF_ERROR_INIT;
	if (req_header(req, "If-Match"))
		return req_if_match(req, resp, version);
	int rc = json_get_int(req->json, "version", 0, 0, INT64_MAX, version, &err);
	if (rc < 0)
		return reply_kf(resp, &err), -1;
	if (rc == 0)
		return reply_error(resp, 428, "precondition_required", "If-Match",
		                   "If-Match (or the body's version) with the version you read is required"),
		       -1;
	return 0;
}

int api_mail_settings_patch(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct mail_settings_input in;
	struct mail_settings out;
	int64_t version = 0;
	if (req_json(req, resp) < 0 || settings_version(req, resp, &version) < 0)
		return 0;
	if (settings_parse(req->json, &in, &err) < 0 ||
	    mail_settings_put(req->db, &a, req->now, version, &in, &out, &err) < 0)
		return reply_kf(resp, &err);
	return settings_reply(resp, 200, &out);
}

int api_mail_settings_test(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *out = NULL;
	if (mail_out_test(req->db, TEST_TIMEOUT_S, &out, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, out);
}

int api_mail_templates_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *items = NULL;
	if (mail_template_list_json(req->db, &items, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

/* :name and :lang naming a template; 404 otherwise. */
static int template_key(struct req *req, struct resp *resp, const char **name, const char **lang)
{
	*name = req_param(req, "name");
	*lang = req_param(req, "lang");
	if (!mail_template_known(*name, *lang))
		return reply_error(resp, 404, "not_found", "name",
		                   "no such mail template (names: ack, reply, resolved; languages: zh, en)"),
		       -1;
	return 0;
}

/*
 * The template version the client read: If-Match "v<n>" (n may be 0, the
 * built-in version), else the body's "version", else -1 (not checked).
 */
static int template_version(struct req *req, int64_t *version, struct kf_error *err)
{
	const char *h = req_header(req, "If-Match");
	*version = -1;
	if (!h) {
		int rc = json_get_int(req->json, "version", 0, 0, INT64_MAX, version, err);
		return rc < 0 ? rc : 0;
	}
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	size_t n = strlen(h);
	int64_t v = 0;
	int ok = n >= 4 && n <= 22 && h[0] == '"' && h[1] == 'v' && h[n - 1] == '"';
	for (size_t i = 2; ok && i < n - 1; i++) {
		ok = h[i] >= '0' && h[i] <= '9';
		v = v * 10 + (h[i] - '0');
	}
	if (!ok)
		return kf_fail(err, KF_ESTALE, "stale", "If-Match", "If-Match does not match this template");
	*version = v;
	return 0;
}

int api_mail_template_put(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "subject", "body", "version", NULL };
	static const char *const required[] = { "subject", "body", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct mail_template t;
	const char *name, *lang, *subject = NULL, *body = NULL;
	int64_t version = -1;
	if (template_key(req, resp, &name, &lang) < 0 || req_json(req, resp) < 0)
		return 0;
	int rc = json_only_keys(req->json, keys, &err);
	if (rc == 0)
		rc = json_require(req->json, required, &err);
	if (rc == 0)
		rc = json_get_text(req->json, "subject", 1, MAIL_TEMPLATE_SUBJECT_MAX, &subject, &err);
	if (rc >= 0)
		rc = json_get_text(req->json, "body", 1, MAIL_TEMPLATE_BODY_MAX, &body, &err);
	if (rc >= 0)
		rc = template_version(req, &version, &err);
	if (rc >= 0)
		rc = mail_template_put(req->db, &a, req->now, name, lang, subject, body, version, &t, &err);
	if (rc < 0)
		return reply_kf(resp, &err);
	json_t *out = mail_template_json(&t);
	mail_template_release(&t);
	return reply_json(resp, 200, out);
}

int api_mail_template_delete(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	struct mail_template t;
	const char *name, *lang;
	if (template_key(req, resp, &name, &lang) < 0)
		return 0;
	if (mail_template_reset(req->db, &a, req->now, name, lang, &err) < 0 ||
	    mail_template_get(req->db, name, lang, &t, &err) < 0)
		return reply_kf(resp, &err);
	json_t *out = mail_template_json(&t);
	mail_template_release(&t);
	return reply_json(resp, 200, out);
}

int api_mail_template_preview(struct req *req, struct resp *resp)
{
	static const char *const keys[] = { "ticket_id", "subject", "body", NULL };
	struct kf_error err = KF_ERROR_INIT;
	struct mail_rendered r = { 0 };
	const char *name, *lang, *subject = NULL, *body = NULL;
	int64_t ticket_id = 0;
	if (template_key(req, resp, &name, &lang) < 0)
		return 0;
	if (req->body_len > 0 && req_json(req, resp) < 0)
		return 0;
	int rc = req->json ? json_only_keys(req->json, keys, &err) : 0;
	if (rc == 0 && req->json)
		rc = json_get_int(req->json, "ticket_id", 0, 1, INT64_MAX, &ticket_id, &err);
	if (rc >= 0 && req->json)
		rc = json_get_text(req->json, "subject", 0, MAIL_TEMPLATE_SUBJECT_MAX, &subject, &err);
	if (rc >= 0 && req->json)
		rc = json_get_text(req->json, "body", 0, MAIL_TEMPLATE_BODY_MAX, &body, &err);
	if (rc >= 0)
		rc = mail_out_preview(req->db, name, lang, subject, body, ticket_id, &r, &err);
	if (rc < 0) {
		mail_rendered_release(&r);
		return reply_kf(resp, &err);
	}
	json_t *out = json_pack("{s:s,s:s,s:s}", "subject", r.subject, "text", r.text, "html", r.html);
	mail_rendered_release(&r);
	return reply_json(resp, 200, out);
}

int api_mail_retry(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *row = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (mail_out_retry(req->db, id, req->now, &row, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, row);
}
