/*
 * routes.c - the route table: every URL kefu answers under /api and the
 * operational endpoints, with the permission each needs.  The OpenAPI
 * test (tests/unit/test_openapi.c) fails when a route here is missing
 * from docs/openapi.json.
 */
#include "auth/rbac.h"
#include "http/api.h"
#include <string.h>

#include "http/router.h"
#include "base/limits.h"
#include "http/api_customers.h"
#include "http/api_events_admin.h"
#include "http/api_logistics.h"
#include "http/api_tickets.h"
#include "http/api_processes.h"
#include "http/api_sla.h"
#include "http/api_search.h"
#include "http/api_portal.h"
#include "http/api_reports.h"
#include "http/api_pricing.h"
#include "http/api_surveys.h"
#include "http/api_mail.h"
#include "http/api_mail_out.h"
#include "http/api_mailboxes.h"

#define PUB ROUTE_PUBLIC
#define IDEM ROUTE_IDEMPOTENT

const struct route api_routes[] = {
	/* method  pattern                         handler             permission         flags */
	{ "GET", "/healthz", api_healthz, PERM_NONE, PUB, "liveness and database check" },
	{ "GET", "/metrics", api_metrics, PERM_METRICS_READ, 0, "Prometheus metrics" },
	{ "GET", "/api/v1/openapi.json", api_openapi, PERM_NONE, PUB, "this API as OpenAPI 3" },
	{ "GET", "/api/v1/version", api_version, PERM_NONE, PUB, "server version" },
	{ "POST", "/api/v1/auth/login", api_login, PERM_NONE, PUB | ROUTE_NO_CSRF, "staff sign-in" },
	{ "POST", "/api/v1/auth/logout", api_logout, PERM_SELF, 0, "staff sign-out" },
	{ "GET", "/api/v1/me", api_me, PERM_SELF, 0, "the signed-in staff user" },
	{ "POST", "/api/v1/me/password", api_me_password, PERM_SELF, 0, "change one's own password" },
	{ "GET", "/api/v1/me/tokens", api_tokens_list, PERM_SELF, 0, "one's API tokens" },
	{ "POST", "/api/v1/me/tokens", api_tokens_create, PERM_SELF, IDEM, "create an API token" },
	{ "DELETE", "/api/v1/me/tokens/:id", api_tokens_revoke, PERM_SELF, 0, "revoke an API token" },
	{ "GET", "/api/v1/users", api_users_list, PERM_USER_READ, 0, "list staff users" },
	{ "POST", "/api/v1/users", api_users_create, PERM_USER_WRITE, IDEM, "create a staff user" },
	{ "GET", "/api/v1/users/:id", api_users_get, PERM_USER_READ, 0, "one staff user" },
	{ "PATCH", "/api/v1/users/:id", api_users_update, PERM_USER_WRITE, 0, "change a staff user" },
	{ "POST", "/api/v1/users/:id/password", api_users_password, PERM_USER_WRITE, 0,
	  "set a staff user's password" },
	{ "GET", "/api/v1/audit", api_audit_list, PERM_AUDIT_READ, 0, "the audit log" },
	{ "POST", "/api/v1/test/clock", api_test_clock, PERM_USER_WRITE, ROUTE_TEST,
	  "tests only: set or advance the server's clock" },
	{ "POST", "/api/v1/test/tick", api_test_tick, PERM_USER_WRITE, ROUTE_TEST,
	  "tests only: run one scheduler pass at the clock's now" },
	{ "GET", "/api/v1/events", api_events_list, PERM_SELF, 0, "the event stream as a cursor feed" },
	{ "GET", "/api/v1/stream", api_events_stream, PERM_SELF, 0, "the event stream as server-sent events" },
	{ "GET", "/api/v1/events/consumers", api_events_admin_consumers, PERM_EVENTS_MANAGE, 0,
	  "durable event consumers: cursor, lag, failures" },
	{ "GET", "/api/v1/events/dead", api_events_admin_dead, PERM_EVENTS_MANAGE, 0,
	  "events parked dead by a consumer" },
	{ "POST", "/api/v1/events/dead/:consumer/:seq/retry", api_events_admin_retry, PERM_EVENTS_MANAGE, 0,
	  "put a dead event back to be retried" },
	{ "POST", "/api/v1/portal/login", api_portal_login, PERM_NONE, PUB | ROUTE_NO_CSRF, "customer sign-in" },
	{ "POST", "/api/v1/portal/logout", api_portal_logout, PERM_NONE, ROUTE_CUSTOMER, "customer sign-out" },
	{ "GET", "/api/v1/portal/me", api_portal_me, PERM_NONE, ROUTE_CUSTOMER, "the signed-in customer" },
/* Each area of the API keeps its routes in its own list, included here. */
#include "http/routes_customers.inc"
#include "http/routes_logistics.inc"
#include "http/routes_tickets.inc"
#include "http/routes_processes.inc"
#include "http/routes_sla.inc"
#include "http/routes_search.inc"
#include "http/routes_portal.inc"
#include "http/routes_reports.inc"
#include "http/routes_pricing.inc"
#include "http/routes_surveys.inc"
#include "http/routes_mail.inc"
#include "http/routes_mail_out.inc"
#include "http/routes_mailboxes.inc"
};

const size_t api_routes_count = sizeof(api_routes) / sizeof(api_routes[0]);

/* The body cap of a request (see http.h); here so that the server needs the table, not dispatch.c. */
size_t http_body_cap(const char *method, const char *path, size_t dflt)
{
	struct route_match m;
	if (strcmp(method, "POST") != 0 && strcmp(method, "PUT") != 0)
		return dflt; /* only POST and PUT carry files */
	int i = router_match(api_routes, api_routes_count, method, path, &m);
	route_match_release(&m);
	if (i >= 0 && (api_routes[i].flags & ROUTE_UPLOAD) && dflt < KF_MAX_UPLOAD_BYTES)
		return KF_MAX_UPLOAD_BYTES;
	return dflt;
}
