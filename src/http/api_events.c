/*
 * api_events.c - the faces of the event stream (events/outbox.h):
 * GET /api/v1/events, a cursor feed for integrations, and GET
 * /api/v1/stream, the same events as server-sent events (stream.c).  Both
 * filter and mask through event_view.h.
 */
#include <stdlib.h>
#include <string.h>

#include "events/outbox.h"
#include "http/api.h"
#include "http/event_view.h"
#include "http/stream.h"

#define TYPES_TEXT_MAX 2048 /* bytes of ?types= */

struct feed {
	struct db *db;
	int role;
	int mask;
	json_t *items;
};

static int feed_add(const struct event *ev, void *arg, struct kf_error *err)
{
	struct feed *f = arg;
	json_t *j;
	if (!event_view_allowed(f->role, ev))
		return 0;
	if (event_view_json(f->db, ev, f->mask, &j, err) < 0)
		return KF_EIO;
	json_array_append_new(f->items, j);
	return 0;
}

/* A non-negative integer from text (a query argument or a header) into *out; -1 with a 400 in resp. */
static int seq_parse(struct resp *resp, const char *name, const char *s, int64_t *out)
{
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v < 0) {
		reply_error(resp, 400, "invalid", name, "%s must be a non-negative integer", name);
		return -1;
	}
	*out = v;
	return 0;
}

/* ?name= as a non-negative integer; *out unchanged when absent. */
static int query_seq(struct req *req, struct resp *resp, const char *name, int64_t *out)
{
	const char *s = req_query(req, name);
	return s ? seq_parse(resp, name, s, out) : 0;
}

static int query_limit(struct req *req, struct resp *resp, int *limit)
{
	int64_t v = KF_DEFAULT_PAGE_SIZE;
	if (query_seq(req, resp, "limit", &v) < 0)
		return -1;
	if (v == 0 || v > KF_MAX_PAGE_SIZE) {
		reply_error(resp, 400, "invalid", "limit", "limit must be 1 to %d", KF_MAX_PAGE_SIZE);
		return -1;
	}
	*limit = (int)v;
	return 0;
}

int api_events_list(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	char buf[TYPES_TEXT_MAX];
	const char *types[EVENT_VIEW_MAX_TYPES + 1];
	int all, limit;
	int64_t after = 0, next;
	if (query_seq(req, resp, "after", &after) < 0 || query_limit(req, resp, &limit) < 0)
		return 0;
	if (event_view_types(req_query(req, "types"), buf, sizeof(buf), types, &all, &err) < 0)
		return reply_kf(resp, &err);
	struct feed f = { req->db, req->who.role, !event_view_unmasked(req->who.role), json_array() };
	if (outbox_read(req->db, after, all ? NULL : types, limit, feed_add, &f, &next, &err) < 0) {
		json_decref(f.items);
		return reply_kf(resp, &err);
	}
	return reply_json(resp, 200, json_pack("{s:o,s:I}", "items", f.items, "next", (json_int_t)next));
}

int api_events_stream(struct req *req, struct resp *resp)
{
	struct kf_error err = KF_ERROR_INIT;
	char buf[TYPES_TEXT_MAX];
	const char *types[EVENT_VIEW_MAX_TYPES + 1];
	int all;
	int64_t after = -1;
	const char *last = req_header(req, "Last-Event-ID");
	int rc = last && *last ? seq_parse(resp, "Last-Event-ID", last, &after)
	                       : query_seq(req, resp, "after", &after);
	if (rc < 0)
		return 0;
	if (event_view_types(req_query(req, "types"), buf, sizeof(buf), types, &all, &err) < 0)
		return reply_kf(resp, &err);
	return stream_open(req, resp, after, all ? NULL : types);
}
