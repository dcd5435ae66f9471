/*
 * stream.c - server-sent events: the hub and its clients (stream.h).
 */
#include "http/stream.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "events/outbox.h"
#include "http/event_view.h"
#include "http/http.h"
#include "store/db.h"

#define REPLAY_PAGE 200 /* events read per query while replaying */
#define TYPES_MAX 2048 /* bytes of a client's type names */

struct stream_client {
	struct stream_client *prev, *next; /* on hub.clients while following, under hub.lock */
	struct MHD_Connection *conn;
	int role;
	int mask;
	int all; /* every type */
	const char *types[EVENT_VIEW_MAX_TYPES + 1]; /* into tbuf */
	char tbuf[TYPES_MAX];
	int64_t cursor; /* the last seq in out (or skipped) */
	struct buf out; /* frames not yet handed to MHD */
	size_t off; /* bytes of out already handed over */
	uint64_t idle_since_ms; /* when out last got something */
	int following; /* on hub.clients */
	int suspended; /* waiting in stream_read for data */
	int ending; /* end the stream once out is sent */
};

static struct {
	pthread_mutex_t lock;
	struct stream_client clients; /* sentinel */
	struct store *store;
	pthread_t thread;
	int running;
	atomic_int stop;
	int64_t seq; /* the hub has read every event up to here */
	uint64_t heartbeat_ms;
	size_t cap; /* bytes waiting for one client before it must reconnect */
} hub = { .lock = PTHREAD_MUTEX_INITIALIZER, .clients = { .prev = &hub.clients, .next = &hub.clients } };

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void client_link(struct stream_client *c)
{
	c->next = &hub.clients;
	c->prev = hub.clients.prev;
	hub.clients.prev->next = c;
	hub.clients.prev = c;
	c->following = 1;
}

static void client_unlink(struct stream_client *c)
{
	if (!c->following)
		return;
	c->prev->next = c->next;
	c->next->prev = c->prev;
	c->following = 0;
}

/* Hand c's connection back to MHD when it waits for data (under hub.lock). */
static void client_wake(struct stream_client *c)
{
	if (c->suspended && (c->out.len > c->off || c->ending)) {
		c->suspended = 0;
		MHD_resume_connection(c->conn);
	}
}

/* The buffer is full: tell c to come back with Last-Event-ID, and end its stream. */
static void client_overflow(struct stream_client *c)
{
	buf_addf(&c->out, "event: reconnect\ndata: {\"reason\":\"slow\",\"last_event_id\":%lld}\n\n",
	         (long long)c->cursor);
	c->ending = 1;
	client_unlink(c);
	client_wake(c);
}

static int client_wants(const struct stream_client *c, const struct event *ev)
{
	if (ev->seq <= c->cursor || !event_view_allowed(c->role, ev))
		return 0;
	for (int i = 0; !c->all && c->types[i]; i++)
		if (strcmp(c->types[i], ev->type) == 0)
			return 1;
	return c->all;
}

/* Append ev's frame (data rendered in json) to c, or end c when its buffer is full. */
static void client_frame(struct stream_client *c, const struct event *ev, const char *json)
{
	if (c->out.len - c->off > hub.cap) {
		client_overflow(c);
		return;
	}
	buf_addf(&c->out, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)ev->seq, ev->type, json);
	c->cursor = ev->seq;
	c->idle_since_ms = mono_ms();
}

/* ev rendered for mask, as compact JSON (owned); NULL when it cannot be. */
static char *render(struct db *db, const struct event *ev, int mask)
{
	struct kf_error err = KF_ERROR_INIT;
	json_t *j;
	if (event_view_json(db, ev, mask, &j, &err) < 0) {
		log_msg(LOG_LEVEL_WARN, "stream_render", "event %lld: %s", (long long)ev->seq, err.message);
		return NULL;
	}
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

/* --- replay, in the handler's thread --- */

struct replay {
	struct db *db;
	struct stream_client *c;
};

static int replay_one(const struct event *ev, void *arg, struct kf_error *err)
{
	struct replay *r = arg;
	(void)err;
	if (!client_wants(r->c, ev))
		return 0;
	char *s = render(r->db, ev, r->c->mask);
	if (s)
		client_frame(r->c, ev, s);
	free(s);
	return r->c->ending ? 1 : 0;
}

/* Everything after c->cursor up to the newest event, into c's buffer (until it is full). */
static int replay(struct db *db, struct stream_client *c, struct kf_error *err)
{
	struct replay r = { db, c };
	for (;;) {
		int64_t scanned;
		int rc = outbox_read(db, c->cursor, NULL, REPLAY_PAGE, replay_one, &r, &scanned, err);
		if (rc < 0)
			return rc;
		if (c->ending || scanned == c->cursor)
			return 0;
		c->cursor = scanned;
	}
}

static struct stream_client *client_new(const struct req *req, int64_t after, const char *const *types)
{
	struct stream_client *c = xcalloc(1, sizeof(*c));
	size_t used = 0;
	int n = 0;
	c->conn = req->conn;
	c->role = req->who.role;
	c->mask = !event_view_unmasked(req->who.role);
	c->all = !types;
	for (; types && types[n]; n++) {
		size_t len = strlen(types[n]) + 1; /* fits: the names came from a TYPES_MAX text */
		memcpy(c->tbuf + used, types[n], len);
		c->types[n] = c->tbuf + used;
		used += len;
	}
	c->types[n] = NULL;
	c->cursor = after;
	c->idle_since_ms = mono_ms();
	buf_adds(&c->out, "retry: 2000\n: kefu event stream\n\n");
	return c;
}

/* Join the hub: the tail of the replay, read under the lock, meets the hub's position. */
static int client_follow(struct db *db, struct stream_client *c, int64_t after, struct kf_error *err)
{
	int rc = 0;
	pthread_mutex_lock(&hub.lock);
	if (!hub.running || atomic_load(&hub.stop))
		rc = kf_fail(err, KF_EBUSY, "unavailable", NULL, "the event stream is not running");
	else if (after < 0)
		c->cursor = hub.seq;
	else if (!c->ending)
		rc = replay(db, c, err);
	if (rc >= 0 && !c->ending)
		client_link(c);
	pthread_mutex_unlock(&hub.lock);
	return rc;
}

int stream_open(struct req *req, struct resp *resp, int64_t after, const char *const *types)
{
	struct kf_error err = KF_ERROR_INIT;
	struct stream_client *c = client_new(req, after, types);
	/* The bulk of a replay runs unlocked (c is on no list yet), so it never holds up live delivery. */
	int rc = after >= 0 ? replay(req->db, c, &err) : 0;
	if (rc >= 0)
		rc = client_follow(req->db, c, after, &err);
	if (rc < 0) {
		stream_free(c);
		return reply_kf(resp, &err);
	}
	resp->status = 200;
	resp->content_type = "text/event-stream; charset=utf-8";
	resp->stream = c;
	reply_header(resp, "Cache-Control", "no-cache");
	return 0;
}

/* --- MHD's side --- */

ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_client *c = cls;
	ssize_t n = 0;
	(void)pos;
	pthread_mutex_lock(&hub.lock);
	if (c->out.len > c->off) {
		size_t k = c->out.len - c->off < max ? c->out.len - c->off : max;
		memcpy(buf, c->out.p + c->off, k);
		c->off += k;
		if (c->off == c->out.len) {
			buf_reset(&c->out);
			c->off = 0;
		}
		n = (ssize_t)k;
	} else if (c->ending) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		c->suspended = 1;
		MHD_suspend_connection(c->conn);
	}
	pthread_mutex_unlock(&hub.lock);
	return n;
}

void stream_free(void *cls)
{
	struct stream_client *c = cls;
	if (!c)
		return;
	pthread_mutex_lock(&hub.lock);
	client_unlink(c);
	pthread_mutex_unlock(&hub.lock);
	buf_release(&c->out);
	free(c);
}

/* --- the hub --- */

struct fanout {
	struct db *db;
};

static int fanout_one(const struct event *ev, void *arg, struct kf_error *err)
{
	struct fanout *f = arg;
	char *text[2] = { NULL, NULL }; /* [mask] */
	int tried[2] = { 0, 0 };
	(void)err;
	for (struct stream_client *c = hub.clients.next, *next; c != &hub.clients; c = next) {
		next = c->next;
		if (!client_wants(c, ev))
			continue;
		if (!tried[c->mask]) {
			text[c->mask] = render(f->db, ev, c->mask);
			tried[c->mask] = 1;
		}
		if (text[c->mask])
			client_frame(c, ev, text[c->mask]);
		else
			c->cursor = ev->seq; /* an event that cannot be rendered is skipped, not retried forever */
	}
	free(text[0]);
	free(text[1]);
	return 0;
}

/* Read what is new since hub.seq and hand it to the clients (under hub.lock). */
static void hub_fanout(struct db *db)
{
	struct kf_error err = KF_ERROR_INIT;
	struct fanout f = { db };
	for (;;) {
		int64_t scanned;
		if (outbox_read(db, hub.seq, NULL, REPLAY_PAGE, fanout_one, &f, &scanned, &err) < 0) {
			log_msg(LOG_LEVEL_WARN, "stream_read", "reading the events: %s", err.message);
			return;
		}
		if (scanned == hub.seq)
			return;
		hub.seq = scanned;
	}
}

/* Heartbeats to idle clients, and wake those with something to send (under hub.lock). */
static void hub_tend(void)
{
	uint64_t now = mono_ms();
	for (struct stream_client *c = hub.clients.next; c != &hub.clients; c = c->next) {
		if (c->out.len == c->off && now - c->idle_since_ms >= hub.heartbeat_ms) {
			buf_adds(&c->out, ": heartbeat\n\n");
			c->idle_since_ms = now;
		}
		client_wake(c);
	}
}

static void *hub_main(void *arg)
{
	struct kf_error err = KF_ERROR_INIT;
	struct db *db = store_db(hub.store, &err);
	uint64_t seen = 0;
	(void)arg;
	if (!db)
		log_msg(LOG_LEVEL_ERROR, "stream_hub", "no database connection: %s", err.message);
	while (db && !atomic_load(&hub.stop)) {
		seen = outbox_wait(seen, STREAM_POLL_MS);
		pthread_mutex_lock(&hub.lock);
		hub_fanout(db);
		hub_tend();
		pthread_mutex_unlock(&hub.lock);
	}
	return NULL;
}

int stream_start(struct store *store, int heartbeat_s, int buffer_kib, struct kf_error *err)
{
	struct db *db = store_db(store, err);
	int64_t last = 0;
	if (!db || outbox_last_seq(db, &last, err) < 0)
		return err->code ? err->code : KF_EIO;
	hub.store = store;
	hub.seq = last;
	hub.heartbeat_ms = (uint64_t)(heartbeat_s > 0 ? heartbeat_s : 15) * 1000u;
	hub.cap = (size_t)(buffer_kib > 0 ? buffer_kib : STREAM_BUF_KIB) * 1024u;
	atomic_store(&hub.stop, 0);
	if (pthread_create(&hub.thread, NULL, hub_main, NULL) != 0)
		return kf_fail(err, KF_EIO, "thread", NULL, "cannot start the event stream hub");
	hub.running = 1;
	return 0;
}

void stream_stop(void)
{
	if (!hub.running)
		return;
	pthread_mutex_lock(&hub.lock);
	atomic_store(&hub.stop, 1);
	while (hub.clients.next != &hub.clients) {
		struct stream_client *c = hub.clients.next;
		c->ending = 1;
		client_unlink(c);
		client_wake(c);
	}
	pthread_mutex_unlock(&hub.lock);
	pthread_join(hub.thread, NULL);
	hub.running = 0;
}
