/*
 * server.h - the HTTP server: libmicrohttpd with a thread pool, limits on
 * body, headers, URL and time, request ids, the access log, /metrics
 * counters, static files, graceful shutdown.
 */
#ifndef KF_SERVER_H
#define KF_SERVER_H

#include <stddef.h>

#include "base/err.h"

struct batch;
struct ratelimit;
struct store;

struct server_options {
	const char *addr; /* listen address, e.g. "127.0.0.1" */
	int port; /* 0 = pick a free port */
	int workers; /* thread-pool size, >= 1 */
	int batch_writers; /* write batcher threads (batch.h); 0 = none */
	const char *web_dir; /* serve web/ from disk; NULL = embedded copy */
	size_t max_body; /* 413 above */
	int request_timeout_s; /* 408 when a request takes longer to arrive */
	int header_timeout_s; /* close a connection whose request head takes longer (0 = default) */
	int max_conns_per_addr; /* open connections per client address (0 = no limit) */
	int max_connections; /* open connections in all (0 = default) */
	int access_log; /* one structured line per request on stderr */
	int secure_cookies; /* add Secure to cookies (behind TLS) */
	int session_ttl_s; /* session idle timeout, sliding */
	int session_max_s; /* session lifetime from sign-in, not extended by use */
	int login_max_per_account; /* failed logins per account from one address before delays */
	int login_max_per_addr; /* failed logins per address (any account) before delays */
	int login_max_account_wide; /* failed logins per account (any address) before delays */
	int login_max_delay_s; /* longest sign-in delay */
	int login_window_s; /* the throttling window */
	int track_rate; /* public tracking lookups per minute per address (0 = no limit) */
	int track_burst; /* ... of which this many at once */
	int test_clock; /* tests may move the clock and run scheduler passes (POST /api/v1/test/...) */
	int stream_heartbeat_s; /* seconds between heartbeats on an idle event stream (0 = 15) */
	int stream_buffer_kib; /* bytes / 1024 waiting for one stream client before it must reconnect (0 = 256) */
};

struct app {
	struct store *store; /* shared store; each worker has its own connection */
	struct server_options opt;
	struct batch *batch; /* the write batcher (batch.h); NULL = run writes on the workers */
	struct ratelimit *public_limit; /* ROUTE_LIMITED routes per address (auth/ratelimit.h); NULL = none */
	volatile int stopping; /* set once shutdown has begun */
};

/*
 * Serve until SIGTERM or SIGINT, then stop accepting, let in-flight
 * requests finish (up to 10 s), and return 0.  Prints
 * "kefu: listening on http://ADDR:PORT/" on stdout (flushed) when ready.
 */
int server_run(struct app *app, struct kf_error *err);

#endif
