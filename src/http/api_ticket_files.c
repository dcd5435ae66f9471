/*
 * api_ticket_files.c - attachments: upload the raw file as the body,
 * list a ticket's attachments, download one (always as a download; server.c adds
 * nosniff to every answer, so a browser never renders an uploaded file as a page).
 */
#include <stdio.h>
#include <string.h>

#include "desk/attachment.h"
#include "desk/ticket.h"
#include "http/api.h"
#include "http/api_tickets.h"

int api_attachments_upload(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct actor a = api_actor(req);
	json_t *out = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (attachment_add(req->db, &a, req->now, id, req_query(req, "filename"),
	                   req_header(req, "Content-Type"), req->body ? req->body : "", req->body_len, &out,
	                   &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 201, out);
}

int api_attachments_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	struct ticket t;
	json_t *items = NULL;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	if (ticket_get(req->db, id, &t, &err) < 0 || attachment_list(req->db, id, &items, &err) < 0)
		return reply_kf(resp, &err);
	return reply_json(resp, 200, json_pack("{s:o}", "items", items));
}

/* attachment; filename="ascii"; filename*=UTF-8''percent-encoded (RFC 6266). */
static void disposition(const char *name, struct buf *b)
{
	buf_adds(b, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		buf_addch(b, *p < 0x80 ? (char)*p : '_');
	buf_adds(b, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			buf_addch(b, (char)*p);
		else
			buf_addf(b, "%%%02X", *p);
	}
}

int api_attachment_send(struct req *req, struct resp *resp, int64_t customer_id)
{
	struct kf_error err = KF_ERROR_INIT;
	struct attachment x;
	struct ticket t;
	struct buf cd = BUF_INIT;
	int64_t id;
	if (req_param_id(req, resp, "id", &id) < 0)
		return 0;
	int rc = attachment_get(req->db, id, &x, &resp->body, &err);
	if (rc == 0 && customer_id > 0) {
		rc = ticket_get(req->db, x.ticket_id, &t, &err);
		if (rc == 0 && t.customer_id != customer_id)
			rc = kf_fail(&err, KF_ENOTFOUND, "not_found", NULL, "no such attachment");
	}
	if (rc < 0) {
		buf_reset(&resp->body);
		return reply_kf(resp, &err);
	}
	disposition(x.filename, &cd);
	reply_header(resp, "Content-Disposition", buf_cstr(&cd));
	reply_header(resp, "Cache-Control", "private, no-store");
	buf_release(&cd);
	resp->content_type = x.content_type;
	resp->status = 200;
	return 0;
}

int api_attachments_get(struct req *req, struct resp *resp)
{
	return api_attachment_send(req, resp, 0);
}
