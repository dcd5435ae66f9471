/*
 * router.h - match a method and a path against a route table.
 *
 * Patterns are literal segments and ":name" parameters:
 * "/api/v1/users/:id/tokens".  HEAD matches GET routes.  A path that
 * matches some pattern under another method gives ROUTER_BAD_METHOD and
 * the Allow list; no pattern at all gives ROUTER_NOT_FOUND.  The table is
 * scanned in order, so a literal route listed before a parameter route
 * with the same shape wins.
 */
#ifndef KF_ROUTER_H
#define KF_ROUTER_H

#include <stddef.h>

#include "base/limits.h"
#include "http/http.h"

enum { ROUTER_NOT_FOUND = -1, ROUTER_BAD_METHOD = -2 };

struct route_match {
	int nparams;
	const char *names[KF_MAX_PATH_PARAMS]; /* into the pattern, not NUL-terminated */
	size_t name_lens[KF_MAX_PATH_PARAMS];
	char *values[KF_MAX_PATH_PARAMS]; /* owned copies of the path segments */
	char allow[96]; /* "GET, POST" for ROUTER_BAD_METHOD */
};

/* Index of the matching route, or ROUTER_NOT_FOUND / ROUTER_BAD_METHOD. */
int router_match(const struct route *table, size_t n, const char *method, const char *path,
                 struct route_match *m);
/* Free the parameter values (NULL-safe for a zeroed match). */
void route_match_release(struct route_match *m);
/* Write the OpenAPI form of a pattern ("/users/{id}") into out. */
int router_openapi_path(const char *pattern, char *out, size_t outsz);

#endif
