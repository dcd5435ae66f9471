/*
 * http.h - what a route handler sees: the request, the response, the
 * route table entry.  server.c (libmicrohttpd) fills struct req, calls
 * http_dispatch() (dispatch.c: routing, authentication, permission, CSRF,
 * idempotency) and sends struct resp.  Handlers read in a fixed order:
 * parse, authorise, call the domain, render.
 */
#ifndef KF_HTTP_H
#define KF_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/limits.h"
#include "auth/principal.h"
#include "auth/user.h"

struct app;
struct db;
struct MHD_Connection;
struct stream_client;

struct req {
	const char *method; /* "GET", ... */
	const char *path; /* decoded path, no query string */
	const char *rid; /* request id (also X-Request-Id) */
	const char *addr; /* client address as text */
	const char *body; /* request body (NUL-terminated), may be NULL */
	size_t body_len;
	int64_t now; /* UTC seconds at arrival */
	int64_t now_ms; /* UTC ms at arrival */
	struct MHD_Connection *conn; /* for headers and query arguments */
	struct app *app;
	struct db *db; /* this thread's connection; NULL if the store is down */
	const struct route *route; /* matched route, NULL before routing */
	int nparams;
	const char *param_names[KF_MAX_PATH_PARAMS]; /* borrowed from the route pattern */
	size_t param_name_lens[KF_MAX_PATH_PARAMS];
	char *param_values[KF_MAX_PATH_PARAMS]; /* owned, percent-decoded */
	struct principal who;
	struct user user; /* the staff user behind who (PRINCIPAL_STAFF) */
	json_t *json; /* parsed body, owned; set by req_json() */
	int deferred; /* http_dispatch left the handler to the batcher: call http_run_deferred */
};

#define RESP_MAX_HEADERS 8

struct resp {
	int status; /* 0 = not set yet */
	json_t *json; /* body as JSON (owned), or NULL */
	struct buf body; /* raw body when json is NULL */
	const char *content_type; /* static string; NULL = application/json */
	int nheaders;
	char *header_names[RESP_MAX_HEADERS]; /* owned */
	char *header_values[RESP_MAX_HEADERS]; /* owned */
	int close; /* ask for Connection: close */
	/* server.c, static.c: a body sent without copying (embedded files) */
	const void *static_data; /* borrowed, lives as long as the process; NULL = json/body */
	size_t static_len; /* bytes at static_data */
	/* stream.c: a server-sent-events body read from this client (owned until server.c takes it) */
	struct stream_client *stream;
};

typedef int (*route_fn)(struct req *req, struct resp *resp);

enum route_flags {
	ROUTE_PUBLIC = 1 << 0, /* no authentication needed */
	ROUTE_NO_CSRF = 1 << 1, /* write allowed without the CSRF header (login) */
	ROUTE_CUSTOMER = 1 << 2, /* for portal (customer) sessions instead of staff */
	ROUTE_IDEMPOTENT = 1 << 3, /* POST honours Idempotency-Key */
	ROUTE_UPLOAD = 1 << 4, /* the body is a file: up to KF_MAX_UPLOAD_BYTES, not max_body */
	/*
	 * Run by the write batcher (batch.h), many requests per commit.  The
	 * handler must write only through req->db, and answer an error status
	 * whenever it wants its writes undone (they are, with its savepoint).
	 */
	ROUTE_BATCH = 1 << 5,
	/* A public GET whose 200 answers may be served from cache.h for a moment. */
	ROUTE_CACHED = 1 << 6,
	/* The body is one raw mail: up to KF_MAX_MAIL_BYTES (mail_settings.max_message_bytes is checked after). */
	ROUTE_MAIL = 1 << 9,
	/* A public route limited per client address (app->public_limit), before any cache: 429 above. */
	ROUTE_LIMITED = 1 << 7,
	/* Exists only on a server started with test_clock on (server_options); 404 otherwise. */
	ROUTE_TEST = 1 << 8,
};

struct route {
	const char *method; /* HTTP method */
	const char *pattern; /* "/api/v1/users/:id" */
	route_fn fn; /* handler */
	int perm; /* enum perm (auth/rbac.h); ignored for ROUTE_PUBLIC */
	unsigned flags; /* enum route_flags */
	const char *summary; /* one line, used by the OpenAPI check */
};

/* --- request accessors (server.c) --- */
/* A request header, case-insensitive; NULL if absent.  Borrowed. */
const char *req_header(struct req *req, const char *name);
/* A query-string argument; NULL if absent.  Borrowed. */
const char *req_query(struct req *req, const char *name);
/* A cookie value; NULL if absent.  Borrowed. */
const char *req_cookie(struct req *req, const char *name);
/* A path parameter (":id" -> "id"); NULL if absent.  Borrowed. */
const char *req_param(const struct req *req, const char *name);

/* --- request helpers (reply.c) --- */
/* Parse the body as a JSON object into req->json; on failure write 400/415/413 into resp. */
int req_json(struct req *req, struct resp *resp);
/* A path parameter as a positive id; on failure write 404 into resp. */
int req_param_id(struct req *req, struct resp *resp, const char *name, int64_t *out);
/* ?limit= (1..KF_MAX_PAGE_SIZE, default KF_DEFAULT_PAGE_SIZE) and ?cursor= (opaque). */
int req_page(struct req *req, struct resp *resp, int *limit, int64_t *after_id);
/* If-Match as a version number; KF_EPRECOND into resp when absent. */
int req_if_match(struct req *req, struct resp *resp, int64_t *version);

/* --- responses (reply.c) --- */
int reply_json(struct resp *resp, int status, json_t *body); /* steals body */
/* The one error shape {"error":{"code","message","field"}}. */
int reply_error(struct resp *resp, int status, const char *code, const char *field, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
/* Map a KF_E* code to its status (the one place this is decided). */
int reply_status_for(int code);
int reply_kf(struct resp *resp, const struct kf_error *err);
int reply_header(struct resp *resp, const char *name, const char *value);
/* ETag: "v<version>" */
int reply_etag(struct resp *resp, int64_t version);
/* {"items":[...],"next_cursor":...} with the cursor encoding req_page() reads. */
int reply_page(struct resp *resp, json_t *items, int limit, int64_t last_id);
void resp_release(struct resp *resp);
/* Serialise resp->json (compact) into resp->body; give the bytes and type. */
int resp_body(struct resp *resp, const char **data, size_t *len, const char **content_type);
/* Localise error messages: "zh" when Accept-Language prefers Chinese. */
void reply_localise(struct req *req, struct resp *resp);

/* --- dispatch (dispatch.c) --- */
/*
 * Route, authenticate, authorise, check CSRF, run the handler.  For a
 * ROUTE_BATCH route when the app has a batcher it stops before the handler
 * and sets req->deferred: the caller then has http_run_deferred run on a
 * batch writer.
 */
void http_dispatch(struct req *req, struct resp *resp);
/* The handler part of http_dispatch (idempotency included), for the batcher. */
void http_run_deferred(struct req *req, struct resp *resp);
/*
 * The body cap of a request, known from its headers: KF_MAX_UPLOAD_BYTES
 * for a ROUTE_UPLOAD route (if larger than dflt), else dflt.
 */
size_t http_body_cap(const char *method, const char *path, size_t dflt);

#endif
