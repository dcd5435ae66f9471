/*
 * test_server.c - http/server.c, static.c, metrics.c and base/log.c
 * against a real server on loopback.
 *
 * Each test starts server_run() in a thread on port 0 (the port is read
 * from the "listening" line, caught by pointing stdout at a pipe), talks
 * to it over a raw socket so that every byte on the wire is under the
 * test's control, and stops it the way an operator does: SIGTERM.  main()
 * blocks SIGTERM and SIGINT before any thread exists, so the only thread
 * that ever takes them is the server's sigtimedwait().
 *
 * http_dispatch() is a stub defined here (the real one needs users and
 * sessions); the real reply.c builds the responses.  A SQLite store in a
 * temporary directory gives each worker its connection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/server.h"
#include "store/db.h"
#include "base/banned.h"

/* --- the stub dispatcher --- */

static int h_unused(struct req *req, struct resp *resp)
{
	(void)req;
	(void)resp;
	return 0;
}

/* Patterns the stub "matches", so metrics see real route strings. */
static const struct route stub_routes[] = {
	/* method   pattern          handler   perm flags summary */
	{ "GET", "/healthz", h_unused, 0, 0, "health" },
	{ "POST", "/api/echo", h_unused, 0, 0, "body length" },
	{ "GET", "/api/slow", h_unused, 0, 0, "sleeps" },
	{ "GET", "/api/db", h_unused, 0, 0, "has a db connection" },
	{ "GET", "/metrics", h_unused, 0, 0, "metrics" },
	{ "GET", "/api/items/:id", h_unused, 0, 0, "a path parameter" },
	{ "POST", "/api/deferred", h_unused, 0, 0, "run by the write batcher" },
};

static atomic_int deferred_ran; /* http_run_deferred calls */

static atomic_int slow_started; /* the /api/slow handler is running */

void http_dispatch(struct req *req, struct resp *resp)
{
	const char *p = req->path;
	if (strcmp(p, "/healthz") == 0) {
		req->route = &stub_routes[0];
		reply_json(resp, 200, json_pack("{s:s}", "status", "ok"));
	} else if (strcmp(p, "/api/echo") == 0) {
		req->route = &stub_routes[1];
		reply_json(resp, 200, json_pack("{s:I}", "len", (json_int_t)req->body_len));
	} else if (strcmp(p, "/api/slow") == 0) {
		req->route = &stub_routes[2];
		atomic_store(&slow_started, 1);
		const struct timespec t = { 1, 500 * 1000 * 1000 };
		nanosleep(&t, NULL);
		reply_json(resp, 200, json_pack("{s:b}", "slow", 1));
	} else if (strcmp(p, "/api/db") == 0) {
		req->route = &stub_routes[3];
		reply_json(resp, 200, json_pack("{s:b}", "db", req->db != NULL));
	} else if (strcmp(p, "/metrics") == 0) {
		req->route = &stub_routes[4];
		resp->content_type = METRICS_CONTENT_TYPE;
		metrics_render(&resp->body);
		resp->status = 200;
	} else if (strcmp(p, "/api/deferred") == 0) {
		req->route = &stub_routes[6];
		req->deferred = req->app->batch != NULL; /* as dispatch.c does for ROUTE_BATCH */
		if (!req->deferred)
			reply_json(resp, 200, json_pack("{s:b}", "batched", 0));
	} else if (strncmp(p, "/api/items/", 11) == 0) {
		req->route = &stub_routes[5];
		req->nparams = 1;
		req->param_names[0] = "id";
		req->param_name_lens[0] = 2;
		req->param_values[0] = xstrdup(p + 11);
		reply_json(resp, 200, json_pack("{s:s}", "id", req_param(req, "id")));
	} else {
		reply_error(resp, 404, "not_found", NULL, "no such resource");
	}
}

/* What a batch writer runs: on the writer's connection, inside a transaction. */
void http_run_deferred(struct req *req, struct resp *resp)
{
	atomic_fetch_add(&deferred_ran, 1);
	req->deferred = 0;
	reply_json(resp, 201,
	           json_pack("{s:b,s:b,s:I}", "batched", 1, "in_batch", req->db && db_in_batch(req->db),
	                     "len", (json_int_t)req->body_len));
}

/* --- a server in a thread --- */

struct srv {
	struct app app;
	struct kf_error err;
	pthread_t thread;
	int rc; /* server_run's result */
	int port;
	char dir[64]; /* temporary directory: database, web files */
};

static struct srv *running; /* started and not stopped: teardown stops it */

static void *srv_main(void *p)
{
	struct srv *s = p;
	s->rc = server_run(&s->app, &s->err);
	return NULL;
}

/* Read stdout's pipe until the "listening" line; return the port or -1. */
static int read_port(int fd)
{
	char line[4096];
	size_t n = 0;
	const char *mark = "kefu: listening on http://";
	while (n < sizeof(line) - 1) {
		ssize_t r = read(fd, line + n, sizeof(line) - 1 - n);
		if (r <= 0)
			return -1;
		n += (size_t)r;
		line[n] = '\0';
		const char *m = strstr(line, mark);
		const char *nl = m ? strchr(m, '\n') : NULL;
		if (nl) {
			const char *colon = memrchr(m, ':', (size_t)(nl - m));
			return colon ? (int)strtol(colon + 1, NULL, 10) : -1;
		}
	}
	return -1;
}

static void srv_open_store(struct srv *s)
{
	char url[128];
	struct db_options o = DB_OPTIONS_INIT;
	o.create = 1;
	o.sync_full = 0;
	snprintf(url, sizeof(url), "sqlite:%s/x.db", s->dir);
	int rc = store_open(url, &o, &s->app.store, &s->err);
	if (rc < 0)
		fail_msg("store_open: %s", s->err.message);
}

/* Start a server with the given options (port 0 on 127.0.0.1). */
static void srv_start(struct srv *s, const struct server_options *opt, int with_store)
{
	int fds[2];
	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/kefu-test-server-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	s->app.opt = *opt;
	if (with_store)
		srv_open_store(s);
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	assert_int_equal(pipe(fds), 0);
	dup2(fds[1], STDOUT_FILENO);
	close(fds[1]);
	assert_int_equal(pthread_create(&s->thread, NULL, srv_main, s), 0);
	running = s;
	s->port = read_port(fds[0]);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fds[0]);
	assert_true(s->port > 0);
}

static void rm_tree(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* SIGTERM, as an operator would; server_run must return 0. */
static void srv_stop(struct srv *s)
{
	kill(getpid(), SIGTERM);
	pthread_join(s->thread, NULL);
	running = NULL;
	assert_int_equal(s->rc, 0);
	store_close(s->app.store);
	rm_tree(s->dir);
}

/* After a failed assertion the server is still up: stop it so the next test gets the signal. */
static int teardown(void **state)
{
	(void)state;
	if (running) {
		kill(getpid(), SIGTERM);
		pthread_join(running->thread, NULL);
		store_close(running->app.store);
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", running->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", running->dir);
		running = NULL;
	}
	return 0;
}

static struct server_options opts_default(void)
{
	struct server_options o = { 0 };
	o.addr = "127.0.0.1";
	o.port = 0;
	o.workers = 2;
	o.max_body = 1024;
	o.request_timeout_s = 1;
	o.access_log = 1;
	return o;
}

/* --- a raw HTTP/1.1 client --- */

struct http_resp {
	int status;
	char head[65536]; /* status line and headers, NUL-terminated */
	char *body; /* owned */
	size_t body_len;
};

static int conn_open(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { 5, 0 };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return; /* the server may close early on refusals */
		p += w;
		n -= (size_t)w;
	}
}

static void send_str(int fd, const char *s)
{
	send_all(fd, s, strlen(s));
}

/* A header's value in r->head (case-insensitive name), copied into out; NULL if absent. */
static const char *header(const struct http_resp *r, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	for (const char *l = strstr(r->head, "\r\n"); l && l[2]; l = strstr(l + 2, "\r\n")) {
		const char *h = l + 2;
		if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
			const char *v = h + nl + 1;
			while (*v == ' ')
				v++;
			const char *e = strstr(v, "\r\n");
			snprintf(out, n, "%.*s", (int)(e ? e - v : (ptrdiff_t)strlen(v)), v);
			return out;
		}
	}
	return NULL;
}

/* Read one response (Content-Length bodies only); 0, or -1 on EOF/timeout. */
static int read_resp(int fd, struct http_resp *r, int head_request)
{
	size_t n = 0;
	char *end = NULL;
	char v[64];
	memset(r, 0, sizeof(*r));
	while (!end) {
		if (n == sizeof(r->head) - 1)
			return -1;
		ssize_t got = recv(fd, r->head + n, 1, 0); /* byte by byte: keep the next response */
		if (got <= 0)
			return -1;
		n += (size_t)got;
		r->head[n] = '\0';
		end = strstr(r->head, "\r\n\r\n");
	}
	end[2] = '\0';
	r->status = (int)strtol(r->head + 9, NULL, 10);
	size_t len = header(r, "Content-Length", v, sizeof(v)) ? strtoul(v, NULL, 10) : 0;
	if (head_request || r->status == 304)
		len = 0;
	r->body = xcalloc(1, len + 1);
	while (r->body_len < len) {
		ssize_t got = recv(fd, r->body + r->body_len, len - r->body_len, 0);
		if (got <= 0)
			return -1;
		r->body_len += (size_t)got;
	}
	return 0;
}

static void resp_free(struct http_resp *r)
{
	free(r->body);
	r->body = NULL;
}

/* One request on a new connection. */
static int roundtrip(int port, const char *request, struct http_resp *r)
{
	int fd = conn_open(port);
	send_str(fd, request);
	int rc = read_resp(fd, r, strncmp(request, "HEAD ", 5) == 0);
	close(fd);
	return rc;
}

/* After a response with Connection: close, the server closes the socket. */
static int peer_closed(int fd)
{
	char c;
	return recv(fd, &c, 1, 0) == 0;
}

/* --- tests --- */

static void test_keepalive_and_request_ids(void **state)
{
	struct srv s;
	struct http_resp r;
	char v[128], first[128];
	struct server_options o = opts_default();
	(void)state;
	srv_start(&s, &o, 1);
	int fd = conn_open(s.port);
	send_str(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(read_resp(fd, &r, 0), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"status\":\"ok\"}\n");
	assert_null(header(&r, "Connection", v, sizeof(v)));
	assert_non_null(header(&r, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "application/json; charset=utf-8");
	assert_non_null(header(&r, "X-Request-Id", first, sizeof(first)));
	assert_int_equal(strlen(first), 16);
	assert_int_equal(strspn(first, "0123456789abcdef"), 16);
	resp_free(&r);
	/* The same connection: a client id is echoed. */
	send_str(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: client.id-42_x\r\n\r\n");
	assert_int_equal(read_resp(fd, &r, 0), 0);
	assert_int_equal(r.status, 200);
	assert_null(header(&r, "Connection", v, sizeof(v)));
	assert_string_equal(header(&r, "X-Request-Id", v, sizeof(v)), "client.id-42_x");
	resp_free(&r);
	/* A bad client id is replaced by a fresh one. */
	send_str(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: no spaces/allowed\r\n\r\n");
	assert_int_equal(read_resp(fd, &r, 0), 0);
	assert_int_equal(strlen(header(&r, "X-Request-Id", v, sizeof(v))), 16);
	assert_string_not_equal(v, first);
	resp_free(&r);
	/* Pipelined: two requests in one write, two answers. */
	send_str(fd,
	         "GET /api/items/7 HTTP/1.1\r\nHost: x\r\n\r\n"
	         "POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
	assert_int_equal(read_resp(fd, &r, 0), 0);
	assert_string_equal(r.body, "{\"id\":\"7\"}\n");
	resp_free(&r);
	assert_int_equal(read_resp(fd, &r, 0), 0);
	assert_string_equal(r.body, "{\"len\":3}\n");
	resp_free(&r);
	close(fd);
	/* The store gave the worker a connection. */
	assert_int_equal(roundtrip(s.port, "GET /api/db HTTP/1.1\r\nHost: x\r\n\r\n", &r), 0);
	assert_string_equal(r.body, "{\"db\":true}\n");
	resp_free(&r);
	srv_stop(&s);
}

static void test_413_content_length(void **state)
{
	struct srv s;
	struct http_resp r;
	char v[64];
	struct server_options o = opts_default();
	(void)state;
	srv_start(&s, &o, 0);
	int fd = conn_open(s.port);
	send_str(fd, "POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n");
	assert_int_equal(read_resp(fd, &r, 0), 0);
	assert_int_equal(r.status, 413);
	assert_non_null(strstr(r.body, "\"code\":\"too_large\""));
	assert_non_null(strstr(r.body, "\"field\":null"));
	assert_string_equal(header(&r, "Connection", v, sizeof(v)), "close");
	assert_non_null(header(&r, "X-Request-Id", v, sizeof(v)));
	resp_free(&r);
	close(fd);
	/* Exactly the cap is fine. */
	char req[2048];
	int n = snprintf(req, sizeof(req),
	                 "POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n");
	memset(req + n, 'a', 1024);
	req[n + 1024] = '\0';
	assert_int_equal(roundtrip(s.port, req, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"len\":1024}\n");
	resp_free(&r);
	srv_stop(&s);
}

static void test_413_chunked(void **state)
{
	struct srv s;
	struct http_resp r;
	struct server_options o = opts_default();
	char chunk[700];
	(void)state;
	srv_start(&s, &o, 0);
	int fd = conn_open(s.port);
	send_str(fd, "POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
	memset(chunk, 'b', sizeof(chunk));
	for (int i = 0; i < 2; i++) {
		send_str(fd, "2bc\r\n");
		send_all(fd, chunk, sizeof(chunk));
		send_str(fd, "\r\n");
	}
	send_str(fd, "0\r\n\r\n");
	assert_int_equal(read_resp(fd, &r, 0), 0);
	assert_int_equal(r.status, 413);
	assert_non_null(strstr(r.body, "too_large"));
	resp_free(&r);
	close(fd);
	srv_stop(&s);
}

static void test_414_long_url(void **state)
{
	struct srv s;
	struct http_resp r;
	char v[64];
	struct server_options o = opts_default();
	(void)state;
	srv_start(&s, &o, 0);
	struct buf req = BUF_INIT;
	buf_adds(&req, "GET /api/");
	for (int i = 0; i < KF_MAX_URL_BYTES; i++)
		buf_addch(&req, 'a');
	buf_adds(&req, " HTTP/1.1\r\nHost: x\r\n\r\n");
	int fd = conn_open(s.port);
	send_all(fd, req.p, req.len);
	assert_int_equal(read_resp(fd, &r, 0), 0);
	assert_int_equal(r.status, 414);
	assert_non_null(strstr(r.body, "\"code\":\"uri_too_long\""));
	assert_string_equal(header(&r, "Connection", v, sizeof(v)), "close");
	assert_true(peer_closed(fd));
	resp_free(&r);
	close(fd);
	buf_release(&req);
	/* A query string counts too. */
	buf_adds(&req, "GET /healthz?q=");
	for (int i = 0; i < KF_MAX_URL_BYTES; i++)
		buf_addch(&req, 'q');
	buf_adds(&req, " HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(roundtrip(s.port, req.p, &r), 0);
	assert_int_equal(r.status, 414);
	resp_free(&r);
	buf_release(&req);
	srv_stop(&s);
}

/* Headers over KF_MAX_HEADER_BYTES: our JSON 431; far over: MHD's own 431. */
static void test_431_headers(void **state)
{
	struct srv s;
	struct http_resp r;
	struct server_options o = opts_default();
	(void)state;
	srv_start(&s, &o, 0);
	size_t sizes[] = { KF_MAX_HEADER_BYTES + 100, 4 * KF_MAX_HEADER_BYTES };
	for (size_t k = 0; k < 2; k++) {
		struct buf req = BUF_INIT;
		buf_adds(&req, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
		for (size_t i = 0; i * 1000 < sizes[k]; i++) {
			buf_addf(&req, "X-Filler-%zu: ", i);
			for (int j = 0; j < 1000; j++)
				buf_addch(&req, 'h');
			buf_adds(&req, "\r\n");
		}
		buf_adds(&req, "\r\n");
		assert_int_equal(roundtrip(s.port, req.p, &r), 0);
		assert_int_equal(r.status, 431);
		if (k == 0)
			assert_non_null(strstr(r.body, "\"code\":\"headers_too_large\""));
		resp_free(&r);
		buf_release(&req);
	}
	/* Just under the cap passes. */
	struct buf req = BUF_INIT;
	buf_adds(&req, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
	for (size_t j = 0; j < KF_MAX_HEADER_BYTES - 200; j++)
		buf_addch(&req, 'h');
	buf_adds(&req, "\r\n\r\n");
	assert_int_equal(roundtrip(s.port, req.p, &r), 0);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	buf_release(&req);
	srv_stop(&s);
}

static void test_408_slow_body(void **state)
{
	struct srv s;
	struct http_resp r;
	char v[64];
	struct server_options o = opts_default();
	const struct timespec wait = { 1, 500 * 1000 * 1000 };
	(void)state;
	srv_start(&s, &o, 0);
	int fd = conn_open(s.port);
	send_str(fd, "POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
	nanosleep(&wait, NULL);
	send_str(fd, "67890");
	assert_int_equal(read_resp(fd, &r, 0), 0);
	assert_int_equal(r.status, 408);
	assert_non_null(strstr(r.body, "\"code\":\"timeout\""));
	assert_string_equal(header(&r, "Connection", v, sizeof(v)), "close");
	resp_free(&r);
	close(fd);
	srv_stop(&s);
}

static void test_static_embedded(void **state)
{
	struct srv s;
	struct http_resp r;
	char v[128], etag[64], req[256];
	struct server_options o = opts_default();
	(void)state;
	srv_start(&s, &o, 0);
	assert_int_equal(roundtrip(s.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(header(&r, "Content-Type", v, sizeof(v)), "text/html; charset=utf-8");
	assert_string_equal(header(&r, "Cache-Control", v, sizeof(v)), "no-cache");
	assert_non_null(header(&r, "ETag", etag, sizeof(etag)));
	assert_int_equal(etag[0], '"');
	assert_true(r.body_len > 0);
	size_t index_len = r.body_len;
	resp_free(&r);
	snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: %s\r\n\r\n", etag);
	assert_int_equal(roundtrip(s.port, req, &r), 0);
	assert_int_equal(r.status, 304);
	assert_string_equal(header(&r, "ETag", v, sizeof(v)), etag);
	resp_free(&r);
	/* A client-side route falls back to a page; HEAD has no body. */
	assert_int_equal(roundtrip(s.port, "GET /tickets/42 HTTP/1.1\r\nHost: x\r\n\r\n", &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, index_len);
	resp_free(&r);
	assert_int_equal(roundtrip(s.port, "HEAD /index.html HTTP/1.1\r\nHost: x\r\n\r\n", &r), 0);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	/* Missing files with an extension, and anything climbing out, are 404 JSON. */
	const char *bad[] = { "/nosuch.js", "/%2e%2e/etc/passwd", "/a/../index.html", "/a\\b" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", bad[i]);
		assert_int_equal(roundtrip(s.port, req, &r), 0);
		assert_int_equal(r.status, 404);
		assert_non_null(strstr(r.body, "\"code\":\"not_found\""));
		resp_free(&r);
	}
	/* /api/ never falls back to the UI. */
	assert_int_equal(roundtrip(s.port, "GET /api/nothing HTTP/1.1\r\nHost: x\r\n\r\n", &r), 0);
	assert_int_equal(r.status, 404);
	resp_free(&r);
	srv_stop(&s);
}

static void write_file(const char *dir, const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_static_disk(void **state)
{
	struct srv s;
	struct http_resp r;
	char v[128], web[128], path[256], etag[64], req[256];
	struct server_options o = opts_default();
	(void)state;
	snprintf(web, sizeof(web), "/tmp/kefu-test-web-XXXXXX");
	assert_non_null(mkdtemp(web));
	snprintf(path, sizeof(path), "%s/portal", web);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/track", web);
	assert_int_equal(mkdir(path, 0700), 0);
	write_file(web, "index.html", "main page");
	write_file(web, "app.js", "console.log(1)");
	write_file(web, "portal/index.html", "portal page");
	write_file(web, "track/index.html", "tracking page");
	write_file("/tmp", "kefu-test-outside.txt", "secret");
	snprintf(path, sizeof(path), "%s/escape.txt", web);
	assert_int_equal(symlink("/tmp/kefu-test-outside.txt", path), 0);
	o.web_dir = web;
	srv_start(&s, &o, 0);
	struct {
		const char *path;
		int status;
		const char *body;
		const char *type;
	} cases[] = {
		{ "/", 200, "main page", "text/html; charset=utf-8" },
		{ "/app.js", 200, "console.log(1)", "text/javascript; charset=utf-8" },
		{ "/portal/", 200, "portal page", NULL },
		{ "/portal/tickets/9", 200, "portal page", NULL },
		{ "/portal", 200, "portal page", NULL },
		{ "/track/SF123456", 200, "tracking page", NULL },
		{ "/reports/weekly", 200, "main page", NULL },
		{ "/escape.txt", 404, NULL, NULL },
		{ "/missing.css", 404, NULL, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", cases[i].path);
		assert_int_equal(roundtrip(s.port, req, &r), 0);
		assert_int_equal(r.status, cases[i].status);
		if (cases[i].body)
			assert_string_equal(r.body, cases[i].body);
		if (cases[i].type)
			assert_string_equal(header(&r, "Content-Type", v, sizeof(v)), cases[i].type);
		resp_free(&r);
	}
	assert_int_equal(roundtrip(s.port, "GET /app.js HTTP/1.1\r\nHost: x\r\n\r\n", &r), 0);
	assert_string_equal(header(&r, "Cache-Control", v, sizeof(v)), "public, max-age=3600");
	header(&r, "ETag", etag, sizeof(etag));
	resp_free(&r);
	snprintf(req, sizeof(req), "GET /app.js HTTP/1.1\r\nHost: x\r\nIf-None-Match: W/%s\r\n\r\n", etag);
	assert_int_equal(roundtrip(s.port, req, &r), 0);
	assert_int_equal(r.status, 304);
	resp_free(&r);
	srv_stop(&s);
	rm_tree(web);
	unlink("/tmp/kefu-test-outside.txt");
}

static void test_metrics(void **state)
{
	struct srv s;
	struct http_resp r;
	struct buf m = BUF_INIT;
	struct server_options o = opts_default();
	(void)state;
	o.workers = 1; /* so the earlier requests are complete when /metrics runs */
	srv_start(&s, &o, 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(roundtrip(s.port, "GET /api/items/1 HTTP/1.1\r\nHost: x\r\n\r\n", &r), 0);
		resp_free(&r);
	}
	assert_int_equal(roundtrip(s.port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body,
	                       "kefu_http_requests_total{route=\"/api/items/:id\","
	                       "method=\"GET\",status=\"200\"}"));
	assert_non_null(strstr(r.body, "kefu_http_inflight_requests 1\n")); /* itself */
	resp_free(&r);
	srv_stop(&s);
	assert_int_equal(metrics_render(&m), 0);
	assert_non_null(strstr(m.p,
	                       "kefu_http_request_duration_seconds_bucket{route=\"/api/items/:id\","
	                       "method=\"GET\",le=\"+Inf\"}"));
	assert_non_null(strstr(m.p, "# TYPE kefu_http_request_duration_seconds histogram\n"));
	assert_non_null(strstr(m.p, "kefu_http_inflight_requests 0\n"));
	assert_non_null(strstr(m.p, "kefu_process_resident_memory_bytes "));
	assert_non_null(strstr(m.p, "kefu_db_time_seconds_total "));
	buf_release(&m);
}

/* Counting from several threads, and merging "static" literals by text. */
static void *observe_many(void *p)
{
	(void)p;
	for (int i = 0; i < 1000; i++)
		metrics_observe("/t/:x", "POST", 201, 700, 10);
	return NULL;
}

static void test_metrics_threads(void **state)
{
	pthread_t t[4];
	struct buf m = BUF_INIT;
	(void)state;
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, observe_many, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	char other_copy[] = "/t/:x";
	metrics_observe(other_copy, "POST", 201, 3000000, 0);
	metrics_observe("/t/:x", "BREW", 418, 1, 0);
	assert_int_equal(metrics_render(&m), 0);
	assert_non_null(strstr(m.p,
	                       "kefu_http_requests_total{route=\"/t/:x\",method=\"POST\","
	                       "status=\"201\"} 4001\n"));
	assert_non_null(strstr(m.p, "{route=\"/t/:x\",method=\"POST\",le=\"0.0005\"} 0\n"));
	assert_non_null(strstr(m.p, "{route=\"/t/:x\",method=\"POST\",le=\"0.001\"} 4000\n"));
	assert_non_null(strstr(m.p, "{route=\"/t/:x\",method=\"POST\",le=\"2.5\"} 4000\n"));
	assert_non_null(strstr(m.p, "{route=\"/t/:x\",method=\"POST\",le=\"+Inf\"} 4001\n"));
	assert_non_null(strstr(m.p,
	                       "kefu_http_request_duration_seconds_sum{route=\"/t/:x\","
	                       "method=\"POST\"} 5.800000\n"));
	assert_non_null(strstr(m.p, "method=\"OTHER\",status=\"418\"} 1\n"));
	buf_release(&m);
}

/* SIGTERM while a handler runs: its response is still delivered in full. */
static void test_shutdown_delivers_inflight(void **state)
{
	struct srv s;
	struct http_resp r;
	char v[64];
	struct server_options o = opts_default();
	const struct timespec tick = { 0, 5 * 1000 * 1000 };
	(void)state;
	srv_start(&s, &o, 1);
	atomic_store(&slow_started, 0);
	int fd = conn_open(s.port);
	send_str(fd, "GET /api/slow HTTP/1.1\r\nHost: x\r\n\r\n");
	while (!atomic_load(&slow_started))
		nanosleep(&tick, NULL);
	kill(getpid(), SIGTERM);
	assert_int_equal(read_resp(fd, &r, 0), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"slow\":true}\n");
	assert_string_equal(header(&r, "Connection", v, sizeof(v)), "close");
	resp_free(&r);
	close(fd);
	pthread_join(s.thread, NULL);
	running = NULL;
	assert_int_equal(s.rc, 0);
	store_close(s.app.store);
	rm_tree(s.dir);
	/* And nothing listens any more. */
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)s.port) };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_not_equal(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	close(c);
}

/* Batched requests: parked, run by a writer in a transaction, resumed and answered. */
static void test_deferred_batch(void **state)
{
	struct srv s;
	struct http_resp r;
	struct server_options o = opts_default();
	enum { N = 24 };
	int fds[N];
	(void)state;
	o.batch_writers = 2;
	atomic_store(&deferred_ran, 0);
	srv_start(&s, &o, 1);
	for (int i = 0; i < N; i++) {
		fds[i] = conn_open(s.port);
		send_str(fds[i], "POST /api/deferred HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
	}
	for (int i = 0; i < N; i++) {
		assert_int_equal(read_resp(fds[i], &r, 0), 0);
		assert_int_equal(r.status, 201);
		assert_string_equal(r.body, "{\"batched\":true,\"in_batch\":true,\"len\":3}\n");
		resp_free(&r);
		/* keep-alive after a resume: the same connection answers again */
		send_str(fds[i], "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
		assert_int_equal(read_resp(fds[i], &r, 0), 0);
		assert_int_equal(r.status, 200);
		resp_free(&r);
		close(fds[i]);
	}
	assert_int_equal(atomic_load(&deferred_ran), N);
	srv_stop(&s);

	/* Without writers the same route runs on the worker. */
	o.batch_writers = 0;
	srv_start(&s, &o, 1);
	assert_int_equal(
	        roundtrip(s.port, "POST /api/deferred HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", &r),
	        0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"batched\":false}\n");
	resp_free(&r);
	srv_stop(&s);
	assert_int_equal(atomic_load(&deferred_ran), N);
}

static void test_listen_errors(void **state)
{
	struct app app = { 0 };
	struct kf_error err = KF_ERROR_INIT;
	(void)state;
	app.opt = opts_default();
	app.opt.addr = "localhost"; /* literals only */
	assert_int_equal(server_run(&app, &err), KF_EINVAL);
	assert_string_equal(err.field, "addr");
	app.opt.addr = "::1";
	app.opt.port = 70000;
	assert_int_equal(server_run(&app, &err), KF_EINVAL);
	assert_string_equal(err.field, "port");
}

static void test_ipv6(void **state)
{
	struct srv s;
	struct server_options o = opts_default();
	(void)state;
	o.addr = "::1";
	srv_start(&s, &o, 0);
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)s.port) };
	inet_pton(AF_INET6, "::1", &a.sin6_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
		struct http_resp r;
		send_str(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
		assert_int_equal(read_resp(fd, &r, 0), 0);
		assert_int_equal(r.status, 200);
		resp_free(&r);
	}
	close(fd);
	srv_stop(&s);
}

static void test_accessors_without_connection(void **state)
{
	struct req req;
	char v[] = "42";
	(void)state;
	memset(&req, 0, sizeof(req));
	assert_null(req_header(&req, "Host"));
	assert_null(req_query(&req, "q"));
	assert_null(req_cookie(&req, "sid"));
	assert_null(req_header(NULL, "Host"));
	assert_null(req_param(&req, "id"));
	req.nparams = 1;
	req.param_names[0] = "id/rest"; /* patterns are not NUL-terminated at the name */
	req.param_name_lens[0] = 2;
	req.param_values[0] = v;
	assert_string_equal(req_param(&req, "id"), "42");
	assert_null(req_param(&req, "i"));
	assert_null(req_param(&req, "idx"));
}

/* Run fn with stderr pointing at a pipe; return what it wrote (owned). */
static char *capture_stderr(void (*fn)(void))
{
	int fds[2];
	char *out = xcalloc(1, 65536);
	size_t n = 0;
	assert_int_equal(pipe(fds), 0);
	int saved = dup(STDERR_FILENO);
	dup2(fds[1], STDERR_FILENO);
	close(fds[1]);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	ssize_t r;
	while (n < 65535 && (r = read(fds[0], out + n, 65535 - n)) > 0)
		n += (size_t)r;
	close(fds[0]);
	return out;
}

static void write_some_logs(void)
{
	struct log_access_entry e = {
		.ts_ms = 1795600800123,
		.rid = "abc",
		.method = "GET",
		.path = "/x\"y",
		.status = 200,
		.dur_us = 1234,
		.bytes = 15,
		.addr = "127.0.0.1",
		.user = NULL,
		.db_us = 5,
	};
	log_access(&e);
	e.user = "alice";
	e.dur_us = 7;
	log_access(&e);
	char long_path[2001];
	memset(long_path, 'p', 2000);
	long_path[2000] = '\0';
	e.path = long_path; /* cut at 1024 bytes */
	log_access(&e);
	log_flush_all();
	log_msg(LOG_LEVEL_WARN, "test_event", "value %d\tand \"quotes\"\n", 7);
	log_msg(LOG_LEVEL_DEBUG, "dropped", "below the level");
}

static void test_log_format(void **state)
{
	(void)state;
	char *out = capture_stderr(write_some_logs);
	assert_non_null(strstr(out,
	                       "{\"ts\":\"2026-11-25T10:00:00.123Z\",\"level\":\"info\",\"event\":\"access\","
	                       "\"rid\":\"abc\",\"method\":\"GET\",\"path\":\"/x\\\"y\",\"status\":200,"
	                       "\"dur_ms\":1.234,\"bytes\":15,\"addr\":\"127.0.0.1\",\"user\":null,"
	                       "\"db_ms\":0.005}\n"));
	assert_non_null(strstr(out,
	                       "\"dur_ms\":0.007,\"bytes\":15,\"addr\":\"127.0.0.1\","
	                       "\"user\":\"alice\""));
	assert_non_null(strstr(out,
	                       "\"level\":\"warn\",\"event\":\"test_event\","
	                       "\"msg\":\"value 7\\u0009and \\\"quotes\\\"\"}\n"));
	assert_null(strstr(out, "below the level"));
	char cut[1100];
	memset(cut, 'p', 1024);
	snprintf(cut + 1024, sizeof(cut) - 1024, "\",\"status\"");
	assert_non_null(strstr(out, cut));
	free(out);
}

int main(void)
{
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_accessors_without_connection, teardown),
		cmocka_unit_test_teardown(test_log_format, teardown),
		cmocka_unit_test_teardown(test_keepalive_and_request_ids, teardown),
		cmocka_unit_test_teardown(test_413_content_length, teardown),
		cmocka_unit_test_teardown(test_413_chunked, teardown),
		cmocka_unit_test_teardown(test_414_long_url, teardown),
		cmocka_unit_test_teardown(test_431_headers, teardown),
		cmocka_unit_test_teardown(test_408_slow_body, teardown),
		cmocka_unit_test_teardown(test_static_embedded, teardown),
		cmocka_unit_test_teardown(test_static_disk, teardown),
		cmocka_unit_test_teardown(test_metrics, teardown),
		cmocka_unit_test_teardown(test_metrics_threads, teardown),
		cmocka_unit_test_teardown(test_shutdown_delivers_inflight, teardown),
		cmocka_unit_test_teardown(test_deferred_batch, teardown),
		cmocka_unit_test_teardown(test_listen_errors, teardown),
		cmocka_unit_test_teardown(test_ipv6, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
