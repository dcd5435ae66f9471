/*
 * openapi_merge.c - build tool: merge OpenAPI fragments into one document.
 *
 *   openapi_merge BASE.json [FRAGMENT.json ...] > openapi.json
 *
 * BASE gives openapi, info, servers, security and components; each
 * fragment adds "paths", "tags" and "components" members.  A path+method
 * defined twice, or a component defined twice differently, is an error:
 * each area of the API owns its fragment (docs/openapi/NN-area.json).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static int merge_object(json_t *into, json_t *from, const char *what, const char *file)
{
	const char *k;
	json_t *v;
	json_object_foreach(from, k, v)
	{
		json_t *old = json_object_get(into, k);
		if (old && !json_equal(old, v)) {
			fprintf(stderr, "openapi_merge: %s: %s %s is defined twice, differently\n", file,
			        what, k);
			return -1;
		}
		json_object_set(into, k, v);
	}
	return 0;
}

static int merge_paths(json_t *doc, json_t *paths, const char *file)
{
	json_t *into = json_object_get(doc, "paths");
	const char *path, *method;
	json_t *ops, *op;
	json_object_foreach(paths, path, ops)
	{
		json_t *have = json_object_get(into, path);
		if (!have) {
			json_object_set(into, path, ops);
			continue;
		}
		json_object_foreach(ops, method, op)
		{
			if (json_object_get(have, method)) {
				fprintf(stderr, "openapi_merge: %s: %s %s is defined twice\n", file, method,
				        path);
				return -1;
			}
			json_object_set(have, method, op);
		}
	}
	return 0;
}

static int merge_components(json_t *doc, json_t *comps, const char *file)
{
	json_t *into = json_object_get(doc, "components");
	const char *kind;
	json_t *members;
	json_object_foreach(comps, kind, members)
	{
		if (!json_object_get(into, kind))
			json_object_set_new(into, kind, json_object());
		if (merge_object(json_object_get(into, kind), members, kind, file) < 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	json_error_t je;
	if (argc < 2) {
		fprintf(stderr, "usage: openapi_merge BASE.json [FRAGMENT.json ...]\n");
		return 2;
	}
	json_t *doc = json_load_file(argv[1], JSON_PRESERVE_ORDER, &je);
	if (!doc) {
		fprintf(stderr, "openapi_merge: %s:%d: %s\n", argv[1], je.line, je.text);
		return 1;
	}
	if (!json_object_get(doc, "paths"))
		json_object_set_new(doc, "paths", json_object());
	if (!json_object_get(doc, "components"))
		json_object_set_new(doc, "components", json_object());
	if (!json_object_get(doc, "tags"))
		json_object_set_new(doc, "tags", json_array());
	for (int i = 2; i < argc; i++) {
		json_t *f = json_load_file(argv[i], JSON_PRESERVE_ORDER, &je);
		if (!f) {
			fprintf(stderr, "openapi_merge: %s:%d: %s\n", argv[i], je.line, je.text);
			return 1;
		}
		if (merge_paths(doc, json_object_get(f, "paths"), argv[i]) < 0 ||
		    merge_components(doc, json_object_get(f, "components"), argv[i]) < 0)
			return 1;
		if (json_is_array(json_object_get(f, "tags")))
			json_array_extend(json_object_get(doc, "tags"), json_object_get(f, "tags"));
		json_decref(f);
	}
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(doc);
	return 0;
}
