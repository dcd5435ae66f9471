/*
 * api.h - the route handlers (api_*.c) and the route table (routes.c).
 * Each handler reads in a fixed order: parse, authorise (beyond the
 * route's permission), call the domain, render.  None holds SQL.
 */
#ifndef KF_API_H
#define KF_API_H

#include <stddef.h>

#include "auth/audit.h"
#include "http/http.h"

extern const struct route api_routes[];
extern const size_t api_routes_count;

/* The actor for audit rows: who is making this request, from where. */
struct actor api_actor(const struct req *req);

/* api_meta.c */
int api_healthz(struct req *req, struct resp *resp);
int api_metrics(struct req *req, struct resp *resp);
int api_openapi(struct req *req, struct resp *resp);
int api_version(struct req *req, struct resp *resp);

/* api_auth.c */
int api_login(struct req *req, struct resp *resp);
int api_logout(struct req *req, struct resp *resp);
int api_me(struct req *req, struct resp *resp);
int api_me_password(struct req *req, struct resp *resp);
int api_portal_login(struct req *req, struct resp *resp);
int api_portal_logout(struct req *req, struct resp *resp);
int api_portal_me(struct req *req, struct resp *resp);

/* api_users.c */
int api_users_list(struct req *req, struct resp *resp);
int api_users_create(struct req *req, struct resp *resp);
int api_users_get(struct req *req, struct resp *resp);
int api_users_update(struct req *req, struct resp *resp);
int api_users_password(struct req *req, struct resp *resp);

/* api_tokens.c */
int api_tokens_list(struct req *req, struct resp *resp);
int api_tokens_create(struct req *req, struct resp *resp);
int api_tokens_revoke(struct req *req, struct resp *resp);

/* api_events.c */
int api_events_list(struct req *req, struct resp *resp);
int api_events_stream(struct req *req, struct resp *resp);

/* api_audit.c */
int api_audit_list(struct req *req, struct resp *resp);

/* api_test.c: only on a server started with test_clock (ROUTE_TEST) */
int api_test_clock(struct req *req, struct resp *resp);
int api_test_tick(struct req *req, struct resp *resp);

#endif
