/*
 * server.c - the HTTP server on libmicrohttpd (MHD): a thread pool with
 * poll, caps on the request, request ids, the access log, metrics,
 * static files, defences against connection floods and a graceful
 * shutdown.
 *
 * How one request flows.  MHD calls uri_start() as soon as the request
 * line is read; it allocates the per-request struct rctx (arrival time,
 * length of the raw target), which MHD hands to every later call.  The
 * access handler is then called
 *   1. once when the headers are in: target length (414), header bytes
 *      (431), Content-Length (413) and slow headers (408) are checked.  An
 *      error is answered at once, with Connection: close.  Otherwise we
 *      return MHD_YES without queuing: a response queued on this first
 *      call is an "early reply" and MHD closes the connection after it,
 *      which costs a new TCP connection per request (7x slower, see
 *      performance-notes.md).
 *   2. once per chunk of body: append it to a buffer capped at max_body.
 *      MHD refuses to queue a response in this state, so an overflow (413)
 *      or a body still arriving after request_timeout_s (408) is only
 *      noted; the rest of the body is discarded, and the answer goes out
 *      at the end.  A client that keeps sending long after that is cut
 *      off without an answer.
 *   3. once more with no data: fill struct req, serve a static file or
 *      call http_dispatch(), queue the response, count it, log it, and
 *      free what the request allocated.
 * MHD calls request_done() when the response has been sent (or the
 * connection died); the rctx is freed there, and the request stops
 * counting as in flight.
 *
 * Oversized headers.  MHD reads the request line and headers into a
 * per-connection pool of MHD_OPTION_CONNECTION_MEMORY_LIMIT bytes.  When
 * they do not fit, MHD answers by itself, without calling us: 414 when
 * the request line did not fit, 431 when a header line did not, with a
 * fixed HTML body and Connection: close (libmicrohttpd 0.9.75,
 * connection.c: the callers of try_grow_read_buffer()).  So the pool is
 * KF_MAX_URL_BYTES + KF_MAX_HEADER_BYTES + 16 KiB: a request over the
 * caps by up to several KiB still reaches our own check and gets the JSON
 * 414/431; only larger ones get MHD's HTML 431/414 - the same status.
 * (MHD zeroes the whole pool before every keep-alive request, so a
 * larger pool costs time on every request: 56 KiB instead of 32 KiB
 * measured ~4% more CPU per request.)  Headers that arrive slower than
 * request_timeout_s are only
 * caught once they are complete; a connection idle for IDLE_TIMEOUT_S
 * is closed by MHD.
 *
 * Connection floods (issue 12 item 1).  A client address may hold
 * max_conns_per_addr connections (MHD closes more at once), all together
 * max_connections (within the open-file limit).  A connection must
 * deliver its request head within header_timeout_s of its start (or, kept
 * alive, of its request line; MHD's own idle timeout resets on every byte,
 * so it cannot stop a client dripping a byte at a time): every connection
 * is registered (conn_notify) with that deadline, and the main thread
 * shuts down the sockets past it four times a second (watch_heads).  A
 * client that hung up is noticed at once because MHD polls with poll(),
 * not edge-triggered epoll (see start_daemon).
 *
 * Shutdown.  server_run blocks SIGTERM and SIGINT before MHD starts its
 * threads (they inherit the mask) and waits for them with sigtimedwait,
 * flushing the access log once a second meanwhile.  On a signal it sets
 * app->stopping (every response from then on says Connection: close),
 * stops accepting (gate_stop closes our listening socket), and waits until no request is in
 * flight - from the first access-handler call until request_done(), which
 * MHD calls only after the last byte of the response was handed to the
 * kernel - or 10 s pass; only then MHD_stop_daemon closes what is left
 * (idle keep-alive connections).  A handler running when the signal
 * arrives therefore finishes and its response is delivered.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "http/http.h"
#include "http/batch.h"
#include "http/cache.h"
#include "http/head.h"
#include "http/metrics.h"
#include "http/static.h"
#include "http/stream.h"
#include "store/db.h"

#define IDLE_TIMEOUT_S 60 /* MHD closes a connection idle this long */
#define DRAIN_MAX_MS 10000 /* shutdown waits this long for in-flight requests */
#define POOL_BYTES (KF_MAX_HEADER_BYTES + KF_MAX_URL_BYTES + 16384) /* see above */
#define RID_MAX 64 /* longest request id, client-chosen or ours */
#define LATE_CUTOFF_S 5 /* after a noted 408/413, drop a client this much later */
#define WATCH_TICK_MS 250 /* how often the main thread checks the head deadlines */
#define FD_RESERVE 128 /* open files kept for the database, the logs and web_dir */
#define MHD_LOG_PER_S 20 /* MHD messages logged per second at most (an attack makes many) */
#define DEFAULT_CT "application/json; charset=utf-8"

/* Per-request state, from the request line until MHD says it is done. */
struct rctx;

/* One request being answered: the handler's view plus what the log needs. */
struct exchange {
	struct req req;
	struct resp resp;
	struct rctx *ctx;
	const char *route; /* metrics label when not req.route: "static", "unmatched" */
	uint64_t db_us; /* database time of this request */
	char rid[RID_MAX + 1];
	char addr[INET6_ADDRSTRLEN];
};

/* Where a request is with the write batcher (batch.h). */
enum parked { PARK_NONE, PARK_WAITING, PARK_ANSWERED };

struct rctx {
	uint64_t t0_us; /* CLOCK_MONOTONIC when the request line was read */
	int64_t now_ms; /* wall clock then, UTC ms */
	size_t target_len; /* raw request target (path and query) length */
	int started; /* the access handler has been called */
	int fail_status; /* 408 or 413 found during the upload, answered at the end */
	struct buf body; /* the request body, capped at max_body */
	struct exchange x; /* the request being answered, once the body is in */
	struct batch_item item; /* x queued with the batcher */
	atomic_int parked; /* enum parked */
};

/* The errors the server itself answers, in the one JSON error shape. */
static const struct {
	int status; /* HTTP status */
	const char *code; /* error.code */
	const char *message; /* error.message */
} server_errors[] = {
	{ 400, "bad_request",
	  "the request is malformed: Content-Length given twice or together with Transfer-Encoding, or no Host" },
	{ 408, "timeout", "the request took too long to arrive" },
	{ 413, "too_large", "the request body is too large" },
	{ 414, "uri_too_long", "the request target is too long" },
	{ 431, "headers_too_large", "the request headers are too large" },
	{ 500, "internal", "internal error; the request id identifies it in the server log" },
	{ 503, "unavailable", "the service is unavailable; try again later" },
};

/*
 * Per-connection state (MHD_OPTION_NOTIFY_CONNECTION), from accept to
 * close: the socket and the time by which the request head (line and
 * headers) must be complete.  Every open connection is on the list
 * `conns`; the main thread (watch_heads) shuts down the socket of one past
 * its deadline, and MHD, seeing the socket end, closes the connection in
 * its own thread.  MHD notifies CLOSED before it closes the socket
 * (libmicrohttpd 0.9.75, daemon.c: MHD_cleanup_connections and the
 * cleanup path of internal_add_connection), and the entry leaves the list
 * then, under conns_lock; so the watcher, holding the lock, never touches a
 * descriptor that was closed or reused.
 */
struct cctx {
	int fd; /* the connection's socket */
	_Atomic int64_t deadline_us; /* CLOCK_MONOTONIC; 0 = a request is being read or answered */
	struct cctx *prev, *next; /* on conns, under conns_lock */
};

static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cctx conns = { .prev = &conns, .next = &conns }; /* sentinel of the open connections */

static _Thread_local uint64_t rid_state; /* xorshift64* state; 0 = not seeded */
static atomic_uint_fast64_t rid_seeds; /* makes every thread's seed distinct */
static atomic_long active; /* requests started and not yet completed */
static atomic_int closing; /* set during shutdown: no new request may start */

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int is_stopping(const struct app *app)
{
	return __atomic_load_n(&app->stopping, __ATOMIC_RELAXED);
}

static size_t max_body(const struct app *app)
{
	return app->opt.max_body ? app->opt.max_body : KF_MAX_BODY_BYTES;
}

static uint64_t timeout_us(const struct app *app)
{
	int s = app->opt.request_timeout_s > 0 ? app->opt.request_timeout_s : KF_REQUEST_TIMEOUT_S;
	return (uint64_t)s * 1000000u;
}

static int head_timeout_s(const struct app *app)
{
	return app->opt.header_timeout_s > 0 ? app->opt.header_timeout_s : KF_HEADER_TIMEOUT_S;
}

/* --- connections and their head deadlines --- */

static struct cctx *cctx_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* The head of the next request on conn must be complete by mono time `by` (0: no limit now). */
static void head_deadline(struct MHD_Connection *conn, uint64_t by)
{
	struct cctx *c = cctx_of(conn);
	if (c)
		atomic_store_explicit(&c->deadline_us, (int64_t)by, memory_order_relaxed);
}

/* The request line is in: the headers must follow within the head timeout. */
static void head_tighten(const struct app *app, struct MHD_Connection *conn)
{
	struct cctx *c = cctx_of(conn);
	int64_t by = (int64_t)(mono_us() + (uint64_t)head_timeout_s(app) * 1000000u);
	if (c && atomic_load_explicit(&c->deadline_us, memory_order_relaxed) > by)
		atomic_store_explicit(&c->deadline_us, by, memory_order_relaxed);
}

/* MHD_OPTION_NOTIFY_CONNECTION: a connection was accepted or is about to be closed. */
static void conn_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                        enum MHD_ConnectionNotificationCode code)
{
	const struct app *app = cls;
	struct cctx *c = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		        conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		c = xcalloc(1, sizeof(*c));
		c->fd = ci ? ci->connect_fd : -1;
		atomic_store(&c->deadline_us, (int64_t)(mono_us() + (uint64_t)head_timeout_s(app) * 1000000u));
		pthread_mutex_lock(&conns_lock);
		c->next = conns.next;
		c->prev = &conns;
		conns.next->prev = c;
		conns.next = c;
		pthread_mutex_unlock(&conns_lock);
		*socket_context = c;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && c) {
		pthread_mutex_lock(&conns_lock);
		c->prev->next = c->next;
		c->next->prev = c->prev;
		pthread_mutex_unlock(&conns_lock);
		free(c);
		*socket_context = NULL;
	}
}

/*
 * Shut down the socket of every connection past its head deadline (a
 * client dripping its request head, or sending none); how many.  A
 * connection whose head completed meanwhile (deadline 0) is left alone.
 */
static int watch_heads(uint64_t now)
{
	int n = 0;
	pthread_mutex_lock(&conns_lock);
	for (struct cctx *c = conns.next; c != &conns; c = c->next) {
		int64_t d = atomic_load_explicit(&c->deadline_us, memory_order_relaxed);
		if (d == 0 || (uint64_t)d > now || c->fd < 0)
			continue;
		if (atomic_compare_exchange_strong(&c->deadline_us, &d, 0) && shutdown(c->fd, SHUT_RDWR) == 0)
			n++;
	}
	pthread_mutex_unlock(&conns_lock);
	return n;
}

/* --- request ids --- */

static void rid_seed(void)
{
	uint64_t s = 0;
	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s))
		s = 0;
	s ^= (atomic_fetch_add(&rid_seeds, 1) + 1) * 0x9E3779B97F4A7C15u;
	s ^= mono_us();
	rid_state = s ? s : 1;
}

/* 16 lowercase hex digits from this thread's xorshift64* generator. */
static void rid_make(char out[RID_MAX + 1])
{
	static const char hex[] = "0123456789abcdef";
	if (!rid_state)
		rid_seed();
	uint64_t x = rid_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rid_state = x;
	x *= 0x2545F4914F6CDD1Du;
	for (int i = 15; i >= 0; i--, x >>= 4)
		out[i] = hex[x & 15];
	out[16] = '\0';
}

/* A client's X-Request-Id is kept if it is 1-64 of [A-Za-z0-9._-]. */
static int rid_valid(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++) {
		char c = s[n];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		        c == '.' || c == '_' || c == '-';
		if (!ok || n == RID_MAX)
			return 0;
	}
	return n > 0;
}

/* --- request accessors (http.h) --- */

const char *req_header(struct req *req, const char *name)
{
	if (!req || !req->conn)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *req_query(struct req *req, const char *name)
{
	if (!req || !req->conn)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_cookie(struct req *req, const char *name)
{
	if (!req || !req->conn)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const char *req_param(const struct req *req, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; req && i < req->nparams && i < KF_MAX_PATH_PARAMS; i++)
		if (req->param_name_lens[i] == n && req->param_names[i] &&
		    memcmp(req->param_names[i], name, n) == 0)
			return req->param_values[i];
	return NULL;
}

/* --- building and sending the answer --- */

static void addr_text(struct MHD_Connection *conn, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	out[0] = '\0';
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET) {
		struct sockaddr_in a;
		memcpy(&a, ci->client_addr, sizeof(a));
		inet_ntop(AF_INET, &a.sin_addr, out, (socklen_t)n);
	} else if (ci->client_addr->sa_family == AF_INET6) {
		struct sockaddr_in6 a;
		memcpy(&a, ci->client_addr, sizeof(a));
		inet_ntop(AF_INET6, &a.sin6_addr, out, (socklen_t)n);
	}
}

static void exchange_init(struct exchange *x, struct app *app, struct MHD_Connection *conn, struct rctx *ctx,
                          const char *url, const char *method)
{
	memset(x, 0, sizeof(*x));
	x->ctx = ctx;
	x->route = "unmatched";
	const char *rid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
	if (rid && rid_valid(rid))
		str_copy(x->rid, sizeof(x->rid), rid);
	else
		rid_make(x->rid);
	addr_text(conn, x->addr, sizeof(x->addr));
	x->req.method = method;
	x->req.path = url;
	x->req.rid = x->rid;
	x->req.addr = x->addr;
	x->req.body = ctx->body.p;
	x->req.body_len = ctx->body.len;
	x->req.now_ms = ctx->now_ms;
	x->req.now = ctx->now_ms / 1000;
	x->req.conn = conn;
	x->req.app = app;
}

static void exchange_release(struct exchange *x)
{
	resp_release(&x->resp);
	json_decref(x->req.json);
	x->req.json = NULL;
	for (int i = 0; i < KF_MAX_PATH_PARAMS; i++) {
		free(x->req.param_values[i]);
		x->req.param_values[i] = NULL;
	}
}

/* Fill resp with one of server_errors[]; the connection is closed after it. */
static void server_error(struct exchange *x, int status)
{
	size_t i = 0;
	while (i < sizeof(server_errors) / sizeof(server_errors[0]) - 1 && server_errors[i].status != status)
		i++;
	resp_release(&x->resp);
	x->resp.static_data = NULL;
	reply_error(&x->resp, server_errors[i].status, server_errors[i].code, NULL, "%s",
	            server_errors[i].message);
	reply_localise(&x->req, &x->resp);
	x->resp.close = status != 500 && status != 503;
}

/* The MHD response for resp; *len and *ctype describe the body.  NULL on failure. */
static struct MHD_Response *make_response(struct resp *resp, size_t *len, const char **ctype)
{
	if (resp->stream) {
		struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read,
		                                                           resp->stream, stream_free);
		*len = 0;
		*ctype = resp->content_type;
		if (r)
			resp->stream = NULL; /* MHD frees it with the response */
		return r;
	}
	if (resp->static_data) {
		*len = resp->static_len;
		*ctype = resp->content_type ? resp->content_type : DEFAULT_CT;
		return MHD_create_response_from_buffer(*len, (void *)resp->static_data, MHD_RESPMEM_PERSISTENT);
	}
	const char *data = NULL;
	if (resp_body(resp, &data, len, ctype) < 0)
		return NULL;
	if (*len > 0 && data == resp->body.p) {
		char *owned = buf_detach(&resp->body, NULL);
		struct MHD_Response *r = MHD_create_response_from_buffer(*len, owned, MHD_RESPMEM_MUST_FREE);
		if (!r)
			free(owned);
		return r;
	}
	return MHD_create_response_from_buffer(*len, (void *)data, MHD_RESPMEM_MUST_COPY);
}

static void add_headers(struct MHD_Response *r, const struct exchange *x, const char *ctype)
{
	const struct resp *resp = &x->resp;
	if (resp->status != 204 && resp->status != 304)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype ? ctype : DEFAULT_CT);
	for (int i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(r, resp->header_names[i], resp->header_values[i]);
	MHD_add_response_header(r, "X-Request-Id", x->rid);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff"); /* no type guessing, any answer */
	if (resp->close || is_stopping(x->req.app))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
}

static void account(const struct exchange *x, size_t bytes)
{
	const struct req *req = &x->req;
	uint64_t dur = mono_us() - x->ctx->t0_us;
	const char *route = req->route && req->route->pattern ? req->route->pattern : x->route;
	metrics_observe(route, req->method, x->resp.status, dur, x->db_us);
	if (!req->app->opt.access_log)
		return;
	struct log_access_entry e = {
		.ts_ms = x->ctx->now_ms + (int64_t)(dur / 1000),
		.rid = x->rid,
		.method = req->method,
		.path = req->path,
		.status = x->resp.status,
		.dur_us = dur,
		.bytes = bytes,
		.addr = x->addr,
		.user = req->who.kind != PRINCIPAL_NONE ? req->who.name : NULL,
		.db_us = x->db_us,
	};
	log_access(&e);
}

/* Queue x->resp on conn, count and log it, and free the exchange. */
static enum MHD_Result send_answer(struct MHD_Connection *conn, struct exchange *x)
{
	enum MHD_Result ret = MHD_NO;
	size_t len = 0;
	const char *ctype = NULL;
	if (x->resp.status < 100 || x->resp.status > 999) {
		log_msg(LOG_LEVEL_ERROR, "no_answer", "rid %s: %s %s: the handler set no status", x->rid,
		        x->req.method, x->req.path);
		server_error(x, 500);
	}
	struct MHD_Response *r = make_response(&x->resp, &len, &ctype);
	if (!r) {
		log_msg(LOG_LEVEL_ERROR, "response", "rid %s: cannot build the response", x->rid);
		goto out;
	}
	add_headers(r, x, ctype);
	if (x->resp.status < 400 && strcmp(x->req.method, "GET") != 0 && strcmp(x->req.method, "HEAD") != 0)
		cache_bump(); /* a write was committed: cached answers may be stale */
	ret = MHD_queue_response(conn, (unsigned)x->resp.status, r);
	MHD_destroy_response(r);
	account(x, len);
out:
	exchange_release(x);
	return ret;
}

/* --- the three kinds of access-handler call --- */

static int is_static(const char *method, const char *path)
{
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return 0;
	return strncmp(path, "/api/", 5) != 0 && strcmp(path, "/api") != 0 && strcmp(path, "/healthz") != 0 &&
	        strcmp(path, "/metrics") != 0;
}

/* /healthz answers (for itself) even when the database does not; /metrics needs it to check the caller. */
static int is_probe(const char *path)
{
	return strcmp(path, "/healthz") == 0;
}

static void handle_api(struct exchange *x)
{
	struct kf_error err = KF_ERROR_INIT;
	struct app *app = x->req.app;
	if (app->store) {
		x->req.db = store_db(app->store, &err);
		if (!x->req.db && !is_probe(x->req.path)) {
			log_msg(LOG_LEVEL_ERROR, "store_unavailable", "rid %s: %s", x->rid, err.message);
			server_error(x, 503);
			return;
		}
	}
	uint64_t db0 = db_thread_time_us();
	http_dispatch(&x->req, &x->resp);
	x->db_us = db_thread_time_us() - db0;
}

/* On a batch writer: the answer is final and durable; wake the connection. */
static void batch_answered(struct batch_item *it)
{
	struct rctx *ctx = (struct rctx *)(void *)((char *)it - offsetof(struct rctx, item));
	atomic_store(&ctx->parked, PARK_ANSWERED);
	MHD_resume_connection(ctx->x.req.conn);
}

/*
 * Hand x to the batcher and suspend the connection until it answers
 * (batch_answered).  Suspend comes first, so the answer can never arrive
 * before it; when the queue is full, answer 503 through the same path.
 */
static enum MHD_Result park(struct app *app, struct MHD_Connection *conn, struct rctx *ctx)
{
	ctx->item.req = &ctx->x.req;
	ctx->item.resp = &ctx->x.resp;
	ctx->item.done = batch_answered;
	atomic_store(&ctx->parked, PARK_WAITING);
	MHD_suspend_connection(conn);
	if (batch_submit(app->batch, &ctx->item) < 0) {
		reply_error(&ctx->x.resp, 503, "busy", NULL, "too many writes are waiting; try again shortly");
		reply_localise(&ctx->x.req, &ctx->x.resp);
		batch_answered(&ctx->item);
	}
	return MHD_YES;
}

static enum MHD_Result on_complete(struct app *app, struct MHD_Connection *conn, struct rctx *ctx,
                                   const char *url, const char *method)
{
	struct exchange *x = &ctx->x;
	int parked = atomic_load(&ctx->parked);
	if (parked == PARK_ANSWERED) {
		atomic_store(&ctx->parked, PARK_NONE);
		return send_answer(conn, x);
	}
	if (parked == PARK_WAITING)
		return MHD_YES; /* a spurious call while suspended; the batcher answers */
	exchange_init(x, app, conn, ctx, url, method);
	if (ctx->fail_status) {
		server_error(x, ctx->fail_status);
	} else if (is_static(method, url)) {
		x->route = "static";
		static_serve(app, &x->req, &x->resp);
	} else {
		handle_api(x);
		if (x->req.deferred)
			return park(app, conn, ctx);
	}
	return send_answer(conn, x);
}

/* What check_headers counts over all header lines. */
struct head_facts {
	size_t bytes; /* "Key: value\r\n" summed */
	int content_length; /* Content-Length lines */
	int transfer_encoding; /* Transfer-Encoding lines */
	int host; /* Host lines */
};

static enum MHD_Result header_facts(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                    const char *value, size_t value_size)
{
	struct head_facts *f = cls;
	(void)kind;
	(void)value;
	f->bytes += key_size + value_size + 4;
	f->content_length += strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0;
	f->transfer_encoding += strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0;
	f->host += strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0;
	return MHD_YES;
}

/*
 * The status to refuse a request with as soon as its headers are in, or
 * 0.  A request that two servers could read two ways (request smuggling:
 * two Content-Lengths, or one with Transfer-Encoding) is 400, and so is
 * HTTP/1.1 without its required Host (RFC 9112 sections 6.3 and 3.2);
 * libmicrohttpd 0.9.75 would take the first Content-Length.
 */
static int check_headers(const struct app *app, struct MHD_Connection *conn, struct rctx *ctx,
                         const char *version)
{
	if (ctx->target_len > KF_MAX_URL_BYTES)
		return 414;
	struct head_facts f = { 0 };
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, header_facts, &f);
	if (f.bytes > KF_MAX_HEADER_BYTES)
		return 431;
	if (f.content_length > 1 || (f.content_length && f.transfer_encoding) || f.host > 1 ||
	    (!f.host && version && strcmp(version, MHD_HTTP_VERSION_1_1) == 0))
		return 400;
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl) {
		errno = 0;
		char *end = NULL;
		unsigned long long n = strtoull(cl, &end, 10);
		if (errno == ERANGE || n > ctx->body.max)
			return 413;
	}
	if (mono_us() - ctx->t0_us > timeout_us(app))
		return 408;
	return 0;
}

static enum MHD_Result on_first(struct app *app, struct MHD_Connection *conn, struct rctx *ctx,
                                const char *url, const char *method, const char *version)
{
	ctx->started = 1;
	head_deadline(conn, 0); /* the head is complete; the body has request_timeout_s */
	metrics_inflight(1);
	/*
	 * Count first, then look at closing; server_run sets closing, then
	 * waits for active to reach 0.  With both sequentially consistent,
	 * either server_run sees this request and waits for its answer, or
	 * this request sees closing and is dropped before anything runs.
	 */
	atomic_fetch_add(&active, 1);
	if (atomic_load(&closing))
		return MHD_NO;
	ctx->body.max = http_body_cap(method, url, max_body(app));
	int status = check_headers(app, conn, ctx, version);
	if (!status)
		return MHD_YES;
	exchange_init(&ctx->x, app, conn, ctx, url, method);
	server_error(&ctx->x, status);
	return send_answer(conn, &ctx->x);
}

/* A chunk of body: keep it, or note why the request will be refused. */
static enum MHD_Result on_data(struct app *app, struct rctx *ctx, const char *data, size_t *size)
{
	uint64_t elapsed = mono_us() - ctx->t0_us;
	if (ctx->fail_status && elapsed > timeout_us(app) + LATE_CUTOFF_S * 1000000u)
		return MHD_NO;
	if (!ctx->fail_status && elapsed > timeout_us(app))
		ctx->fail_status = 408;
	if (!ctx->fail_status && buf_add(&ctx->body, data, *size) < 0)
		ctx->fail_status = 413;
	if (ctx->fail_status)
		buf_release(&ctx->body);
	*size = 0;
	return MHD_YES;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                 const char *version, const char *data, size_t *size, void **con_cls)
{
	struct app *app = cls;
	struct rctx *ctx = *con_cls;
	if (!ctx)
		return MHD_NO; /* uri_start always runs first; be safe */
	if (!ctx->started)
		return on_first(app, conn, ctx, url, method, version);
	if (*size)
		return on_data(app, ctx, data, size);
	return on_complete(app, conn, ctx, url, method);
}

/* MHD_OPTION_URI_LOG_CALLBACK: the request line is in; its return value becomes *con_cls. */
static void *uri_start(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct rctx *ctx = xcalloc(1, sizeof(*ctx));
	head_tighten(cls, conn);
	ctx->t0_us = mono_us();
	ctx->now_ms = clock_now_ms();
	ctx->target_len = uri ? strlen(uri) : 0;
	return ctx;
}

/* MHD_OPTION_NOTIFY_COMPLETED: the response was sent, or the connection died. */
static void request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct rctx *ctx = *con_cls;
	const struct app *app = cls;
	(void)toe;
	/* Kept alive: the next request's line may come after an idle spell, then its headers promptly. */
	head_deadline(conn, mono_us() + (uint64_t)(IDLE_TIMEOUT_S + head_timeout_s(app)) * 1000000u);
	if (!ctx)
		return;
	if (ctx->started) {
		metrics_inflight(-1);
		atomic_fetch_sub(&active, 1);
	}
	if (atomic_load(&ctx->parked) != PARK_NONE)
		exchange_release(&ctx->x); /* answered, but the connection died before it was sent */
	buf_release(&ctx->body);
	free(ctx);
	*con_cls = NULL;
}

/* MHD's messages, at most MHD_LOG_PER_S a second: a flood of connections must not flood the log. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	static _Atomic int64_t second;
	static atomic_int count;
	int64_t now = (int64_t)(mono_us() / 1000000u);
	(void)cls;
	if (atomic_exchange(&second, now) != now)
		atomic_store(&count, 0);
	if (atomic_fetch_add(&count, 1) < MHD_LOG_PER_S)
		log_vmsg(LOG_LEVEL_WARN, "mhd", fmt, ap);
}

/* --- start, wait, stop --- */

struct listen_addr {
	struct sockaddr_storage sa; /* what to bind */
	int v6; /* sa is IPv6 */
	const char *text; /* the address as given */
};

static int listen_addr_parse(const struct server_options *opt, struct listen_addr *la, struct kf_error *err)
{
	memset(la, 0, sizeof(*la));
	la->text = opt->addr && *opt->addr ? opt->addr : "127.0.0.1";
	if (opt->port < 0 || opt->port > 65535)
		return kf_fail(err, KF_EINVAL, "invalid", "port", "port %d is out of range", opt->port);
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t)opt->port) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)opt->port) };
	if (inet_pton(AF_INET, la->text, &a4.sin_addr) == 1) {
		memcpy(&la->sa, &a4, sizeof(a4));
		return 0;
	}
	if (inet_pton(AF_INET6, la->text, &a6.sin6_addr) == 1) {
		memcpy(&la->sa, &a6, sizeof(a6));
		la->v6 = 1;
		return 0;
	}
	return kf_fail(err, KF_EINVAL, "invalid", "addr", "listen address %s is not an IPv4 or IPv6 literal",
	               la->text);
}

/*
 * How many connections may be open: max_connections, within the open-file
 * limit (raised towards its hard limit first) less FD_RESERVE.
 */
static unsigned conn_limit(const struct app *app)
{
	rlim_t want = (rlim_t)(app->opt.max_connections > 0 ? app->opt.max_connections : KF_MAX_CONNECTIONS);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return (unsigned)want;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want + FD_RESERVE) {
		rlim_t raised = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want + FD_RESERVE
		        ? want + FD_RESERVE
		        : rl.rlim_max;
		rl.rlim_cur = raised;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want + FD_RESERVE)
		want = rl.rlim_cur > FD_RESERVE + 16 ? rl.rlim_cur - FD_RESERVE : 16;
	return (unsigned)want;
}

/* --- the gate: our own accept and a check of the first request head --- */

/*
 * kefu owns the listening socket (MHD runs with MHD_USE_NO_LISTEN_SOCKET).
 * The gate thread accepts, and keeps each new connection until its first
 * request head is in, peeking at it (MSG_PEEK, so the bytes stay in the
 * socket for MHD).  head_check() decides: a valid head is handed to MHD
 * (MHD_add_connection), which reads it normally; a malformed one is
 * answered here in the JSON error shape with X-Request-Id and closed, so
 * libmicrohttpd's own HTML answers never reach a client on a first
 * request.  Later requests on a kept-alive connection are checked by MHD
 * itself (they do not pass the gate).  SO_RCVLOWAT is raised past what was
 * peeked, so poll() wakes only when more bytes arrive (or the peer hangs
 * up), not for the same bytes again.  A connection whose head is not in
 * within header_timeout_s, or beyond max_conns_per_addr waiting heads per
 * address, or beyond max_connections waiting in all, is closed.
 */
struct waiting {
	int fd;
	uint64_t deadline_us; /* CLOCK_MONOTONIC */
	size_t peeked; /* bytes seen so far */
	socklen_t alen;
	struct sockaddr_storage addr;
};

struct gate {
	int lfd; /* the listening socket */
	struct MHD_Daemon *d;
	const struct app *app;
	unsigned cap; /* waiting connections at most */
	unsigned per_addr; /* ... per address (0 = no limit) */
	unsigned n;
	struct waiting *w; /* [cap] */
	struct pollfd *pfd; /* [cap + 1] */
	char *peek; /* HEAD_MAX_BYTES + 1 */
	atomic_int stop;
	pthread_t thread;
};

static int same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)a)->sin_addr.s_addr ==
		        ((const struct sockaddr_in *)(const void *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)(const void *)a)->sin6_addr,
		              &((const struct sockaddr_in6 *)(const void *)b)->sin6_addr,
		              sizeof(struct in6_addr)) == 0;
	return 0;
}

static int gate_admits(const struct gate *g, const struct sockaddr_storage *addr)
{
	unsigned same = 0;
	if (g->n >= g->cap)
		return 0;
	for (unsigned i = 0; g->per_addr && i < g->n; i++)
		same += same_addr(&g->w[i].addr, addr);
	return !g->per_addr || same < g->per_addr;
}

static void gate_accept(struct gate *g)
{
	for (;;) {
		struct waiting w = { .alen = sizeof(w.addr) };
		w.fd = accept4(g->lfd, (struct sockaddr *)&w.addr, &w.alen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (w.fd < 0)
			return;
		if (!gate_admits(g, &w.addr)) {
			close(w.fd);
			continue;
		}
		w.deadline_us = mono_us() + (uint64_t)head_timeout_s(g->app) * 1000000u;
		g->w[g->n++] = w;
	}
}

/* Remove entry i (its socket handed over or closed). */
static void gate_drop(struct gate *g, unsigned i)
{
	g->w[i] = g->w[--g->n];
}

/* Answer a malformed first head in the JSON error shape and close; the peeked bytes are read first (no RST). */
static void gate_refuse(struct waiting *w, int status, const char *message)
{
	size_t i = 0;
	char rid[RID_MAX + 1], body[512], out[1024];
	while (i < sizeof(server_errors) / sizeof(server_errors[0]) - 1 && server_errors[i].status != status)
		i++;
	const char *code = status == 505 ? "bad_request" : server_errors[i].code;
	const char *reason = status == 505 ? "HTTP Version Not Supported"
	                                   : MHD_get_reason_phrase_for((unsigned)status);
	rid_make(rid);
	int bn = snprintf(body, sizeof(body),
	                  "{\"error\":{\"code\":\"%s\",\"message\":\"%s\",\"field\":null}}", code, message);
	int on = snprintf(out, sizeof(out),
	                  "HTTP/1.1 %d %s\r\nContent-Type: " DEFAULT_CT "\r\nContent-Length: %d\r\n"
	                  "X-Request-Id: %s\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n%s",
	                  status, reason, bn, rid, body);
	char sink[4096];
	for (size_t left = w->peeked; left > 0;) {
		ssize_t r = recv(w->fd, sink, left < sizeof(sink) ? left : sizeof(sink), MSG_DONTWAIT);
		if (r <= 0)
			break;
		left -= (size_t)r;
	}
	if (on > 0 && (size_t)on < sizeof(out) &&
	    send(w->fd, out, (size_t)on, MSG_NOSIGNAL | MSG_DONTWAIT) == on)
		shutdown(w->fd, SHUT_WR);
	close(w->fd);
	log_msg(LOG_LEVEL_INFO, "bad_head", "rid %s: %d %s: %s", rid, status, code, message);
}

/* Poll said entry i is readable: peek, then wait, hand over or refuse.  1 when it left the list. */
static int gate_peek(struct gate *g, unsigned i)
{
	struct waiting *w = &g->w[i];
	struct head_result r;
	ssize_t n = recv(w->fd, g->peek, HEAD_MAX_BYTES + 1, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0 || (size_t)n == w->peeked) { /* gone, or hung up after part of a head */
		close(w->fd);
		gate_drop(g, i);
		return 1;
	}
	w->peeked = (size_t)n;
	int rc = head_check(g->peek, (size_t)n, &r);
	if (rc == 0) {
		int low = (int)n + 1;
		setsockopt(w->fd, SOL_SOCKET, SO_RCVLOWAT, &low, sizeof(low));
		return 0;
	}
	if (rc == 1) {
		int one = 1;
		setsockopt(w->fd, SOL_SOCKET, SO_RCVLOWAT, &one, sizeof(one));
		MHD_add_connection(g->d, w->fd, (const struct sockaddr *)&w->addr,
		                   w->alen); /* closes it on failure */
	} else {
		gate_refuse(w, rc, r.message);
	}
	gate_drop(g, i);
	return 1;
}

/* Close the connections past their head deadline. */
static void gate_expire(struct gate *g, uint64_t now)
{
	for (unsigned i = 0; i < g->n;) {
		if (g->w[i].deadline_us <= now) {
			close(g->w[i].fd);
			gate_drop(g, i);
		} else {
			i++;
		}
	}
}

static void gate_round(struct gate *g)
{
	unsigned n = g->n;
	g->pfd[0] = (struct pollfd){ .fd = g->lfd, .events = POLLIN };
	for (unsigned i = 0; i < n; i++)
		g->pfd[i + 1] = (struct pollfd){ .fd = g->w[i].fd, .events = POLLIN | POLLRDHUP };
	if (poll(g->pfd, n + 1, WATCH_TICK_MS) < 0)
		return;
	/* from the end, so that gate_drop (which moves the last entry) leaves the unvisited ones in place */
	for (unsigned i = n; i-- > 0;)
		if (g->pfd[i + 1].revents)
			gate_peek(g, i);
	gate_expire(g, mono_us());
	if (g->pfd[0].revents & POLLIN)
		gate_accept(g);
}

static void *gate_main(void *arg)
{
	struct gate *g = arg;
	while (!atomic_load(&g->stop))
		gate_round(g);
	return NULL;
}

/* Bind and listen on la; the port actually bound into *port.  -1 on failure. */
static int gate_listen(const struct listen_addr *la, unsigned *port)
{
	int one = 1;
	int fd = socket(la->v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	socklen_t len = la->v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	struct sockaddr_storage got;
	socklen_t glen = sizeof(got);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&la->sa, len) < 0 || listen(fd, SOMAXCONN) < 0 ||
	    getsockname(fd, (struct sockaddr *)&got, &glen) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)(void *)&got)->sin6_port
	                                        : ((struct sockaddr_in *)(void *)&got)->sin_port);
	return fd;
}

static int gate_start(struct gate *g, const struct app *app, int lfd, struct MHD_Daemon *d)
{
	memset(g, 0, sizeof(*g));
	g->lfd = lfd;
	g->d = d;
	g->app = app;
	g->cap = conn_limit(app);
	g->per_addr = app->opt.max_conns_per_addr > 0 ? (unsigned)app->opt.max_conns_per_addr : 0;
	g->w = xcalloc(g->cap, sizeof(*g->w));
	g->pfd = xcalloc((size_t)g->cap + 1, sizeof(*g->pfd));
	g->peek = xmalloc(HEAD_MAX_BYTES + 1);
	atomic_store(&g->stop, 0);
	return pthread_create(&g->thread, NULL, gate_main, g) == 0 ? 0 : -1;
}

/* Stop accepting: refuse what waits in the backlog, close the waiting heads. */
static void gate_stop(struct gate *g)
{
	atomic_store(&g->stop, 1);
	pthread_join(g->thread, NULL);
	shutdown(g->lfd, SHUT_RDWR);
	close(g->lfd);
	for (unsigned i = 0; i < g->n; i++)
		close(g->w[i].fd);
	free(g->w);
	free(g->pfd);
	free(g->peek);
}

/*
 * The logger comes first so that MHD's own messages, even about later
 * options, go through log_msg; the pool size only when there is a pool
 * (MHD warns about a pool of 1).
 *
 * poll(), not epoll: with edge-triggered epoll libmicrohttpd 0.9.75 misses
 * the end of a connection whose client sent part of a request line and
 * hung up at once (the data and the FIN arrive as one edge), and holds
 * it until the idle timeout; 2,500 of them took the server offline
 * (issue 12 item 1).  poll() is level-triggered, so the end is always
 * seen.
 */
static struct MHD_Daemon *start_daemon(struct app *app)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
	        MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET;
	unsigned workers = app->opt.workers > 1 ? (unsigned)app->opt.workers : 0;
	unsigned per_addr = app->opt.max_conns_per_addr > 0 ? (unsigned)app->opt.max_conns_per_addr : 0;
	struct MHD_OptionItem opts[] = {
		{ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, IDLE_TIMEOUT_S, NULL },
		{ MHD_OPTION_CONNECTION_MEMORY_LIMIT, POOL_BYTES, NULL },
		{ MHD_OPTION_CONNECTION_LIMIT, conn_limit(app), NULL },
		{ MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_addr, NULL },
		{ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)conn_notify, app },
		{ MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_start, app },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)request_done, app },
		{ workers ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, workers, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	return MHD_start_daemon(flags, 0, NULL, NULL, on_access, app, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
}

static void announce(unsigned port, const struct listen_addr *la)
{
	const char *l = la->v6 ? "[" : "", *r = la->v6 ? "]" : "";
	printf("kefu: listening on http://%s%s%s:%u/\n", l, la->text, r, port);
	fflush(stdout);
	log_msg(LOG_LEVEL_INFO, "server_start", "listening on http://%s%s%s:%u/", l, la->text, r, port);
}

/*
 * Wait for SIGTERM or SIGINT (blocked by the caller); meanwhile cut off
 * connections past their head deadline every WATCH_TICK_MS and flush the
 * access log each second.
 */
static void wait_for_signal(const struct app *app, const sigset_t *sigs)
{
	const struct timespec tick = { 0, WATCH_TICK_MS * 1000000L };
	for (int n = 1;; n++) {
		int sig = sigtimedwait(sigs, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT)
			return;
		int cut = watch_heads(mono_us());
		if (cut > 0)
			log_msg(LOG_LEVEL_INFO, "head_timeout",
			        "closed %d connections whose request head did not arrive within %d s", cut,
			        head_timeout_s(app));
		if (n % (1000 / WATCH_TICK_MS) == 0)
			log_flush_all();
	}
}

/* Wait until no request is in flight, or DRAIN_MAX_MS. */
static void drain(void)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	for (int waited = 0; waited < DRAIN_MAX_MS && atomic_load(&active) > 0; waited += 10)
		nanosleep(&tick, NULL);
}

/*
 * Stop in three steps.  1: refuse new connections and answer what is in
 * flight with Connection: close.  2: once nothing is in flight, let no
 * new request start (closing); a request that started meanwhile is
 * waited for.  3: only then close the remaining, idle connections.  An
 * answer a handler produced is therefore always sent, and a request
 * dropped in step 2 ran no handler and changed nothing.
 */
static void shut_down(struct app *app, struct MHD_Daemon *d, struct gate *g)
{
	__atomic_store_n(&app->stopping, 1, __ATOMIC_SEQ_CST);
	log_msg(LOG_LEVEL_INFO, "server_stop", "stopping: %ld requests in flight", (long)atomic_load(&active));
	gate_stop(g); /* queued connections are refused, not left hanging */
	stream_stop(); /* event streams end: they would keep the drain waiting */
	drain();
	atomic_store(&closing, 1);
	drain();
	batch_stop(app->batch); /* answers whatever is still queued (only after a drain timeout) */
	app->batch = NULL;
	MHD_stop_daemon(d);
	log_msg(LOG_LEVEL_INFO, "server_stopped", "stopped");
}

int server_run(struct app *app, struct kf_error *err)
{
	struct listen_addr la;
	struct MHD_Daemon *d = NULL;
	struct gate g;
	unsigned port = 0;
	int lfd = -1;
	sigset_t sigs, old;
	int rc = listen_addr_parse(&app->opt, &la, err);
	if (rc < 0)
		return rc;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	signal(SIGPIPE, SIG_IGN);
	__atomic_store_n(&app->stopping, 0, __ATOMIC_RELAXED);
	atomic_store(&closing, 0);
	if (app->store && app->opt.batch_writers > 0) {
		rc = batch_start(app->store, app->opt.batch_writers, http_run_deferred, &app->batch, err);
		if (rc < 0)
			goto out;
	}
	if (app->store &&
	    stream_start(app->store, app->opt.stream_heartbeat_s, app->opt.stream_buffer_kib, err) < 0) {
		rc = err->code;
		batch_stop(app->batch);
		app->batch = NULL;
		goto out;
	}
	lfd = gate_listen(&la, &port);
	d = lfd >= 0 ? start_daemon(app) : NULL;
	if (!d || gate_start(&g, app, lfd, d) < 0) {
		rc = kf_fail(err, KF_EIO, "listen", "addr", "cannot listen on %s port %d", la.text,
		             app->opt.port);
		if (d)
			MHD_stop_daemon(d);
		if (lfd >= 0)
			close(lfd);
		batch_stop(app->batch);
		app->batch = NULL;
		stream_stop();
		goto out;
	}
	announce(port, &la);
	wait_for_signal(app, &sigs);
	shut_down(app, d, &g);
out:
	log_flush_all();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
