/*
 * router.c - see router.h.  A linear scan over a table of a few dozen
 * routes costs well under a microsecond; a trie would buy nothing here.
 */
#include "http/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

/* Length of the segment starting at s (up to '/' or the end). */
static size_t seg_len(const char *s)
{
	const char *e = strchr(s, '/');
	return e ? (size_t)(e - s) : strlen(s);
}

/*
 * Compare one pattern with a path.  On a match, fill m's parameters and
 * return 1; otherwise release what was filled and return 0.
 */
/*
 * Match pat against path without allocating: parameter names and values
 * are left as pointers and lengths in m and vals/vlens.
 */
static int pattern_match(const char *pat, const char *path, struct route_match *m, const char **vals,
                         size_t *vlens)
{
	m->nparams = 0;
	while (*pat == '/' && *path == '/') {
		pat++;
		path++;
		size_t pl = seg_len(pat), sl = seg_len(path);
		if (*pat == ':') {
			if (sl == 0 || m->nparams == KF_MAX_PATH_PARAMS)
				return 0;
			m->names[m->nparams] = pat + 1;
			m->name_lens[m->nparams] = pl - 1;
			vals[m->nparams] = path;
			vlens[m->nparams++] = sl;
		} else if (pl != sl || memcmp(pat, path, pl) != 0) {
			return 0;
		}
		pat += pl;
		path += sl;
	}
	return *pat == '\0' && *path == '\0';
}

static int method_is(const char *route_method, const char *method)
{
	if (strcmp(route_method, method) == 0)
		return 1;
	return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

static void allow_add(struct route_match *m, const char *method)
{
	size_t len = strlen(m->allow);
	if (strstr(m->allow, method))
		return;
	snprintf(m->allow + len, sizeof(m->allow) - len, "%s%s", len ? ", " : "", method);
}

/*
 * First the routes of this method (the common case costs no allocation
 * but the parameter copies of the match); only when none matches, the
 * others, to tell 405 (with Allow) from 404.
 */
int router_match(const struct route *table, size_t n, const char *method, const char *path,
                 struct route_match *m)
{
	const char *vals[KF_MAX_PATH_PARAMS];
	size_t vlens[KF_MAX_PATH_PARAMS];
	int path_seen = 0;
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < n; i++) {
		if (!method_is(table[i].method, method) ||
		    !pattern_match(table[i].pattern, path, m, vals, vlens))
			continue;
		for (int p = 0; p < m->nparams; p++)
			m->values[p] = xstrndup(vals[p], vlens[p]);
		return (int)i;
	}
	for (size_t i = 0; i < n; i++) {
		if (method_is(table[i].method, method) ||
		    !pattern_match(table[i].pattern, path, m, vals, vlens))
			continue;
		path_seen = 1;
		allow_add(m, table[i].method);
	}
	m->nparams = 0;
	return path_seen ? ROUTER_BAD_METHOD : ROUTER_NOT_FOUND;
}

void route_match_release(struct route_match *m)
{
	for (int i = 0; i < m->nparams; i++) {
		free(m->values[i]);
		m->values[i] = NULL;
	}
	m->nparams = 0;
}

int router_openapi_path(const char *pattern, char *out, size_t outsz)
{
	size_t o = 0;
	int in_param = 0;
	for (const char *p = pattern; *p; p++) {
		const char *piece = NULL;
		char ch[2] = { *p, '\0' };
		if (*p == ':') {
			piece = "{";
			in_param = 1;
		} else if (*p == '/' && in_param) {
			piece = "}/";
			in_param = 0;
		} else {
			piece = ch;
		}
		size_t pl = strlen(piece);
		if (o + pl >= outsz)
			return -1;
		memcpy(out + o, piece, pl);
		o += pl;
	}
	if (in_param) {
		if (o + 1 >= outsz)
			return -1;
		out[o++] = '}';
	}
	out[o] = '\0';
	return 0;
}
