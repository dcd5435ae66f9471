/*
 * cmd_search.c - kefu search QUERY: full-text search across tickets,
 * messages, customers and orders in any mix of Chinese and English, the
 * same domain call (search_query) and the same input limits as
 * GET /api/v1/search.  One page, newest first.  The CLI is the
 * operator's: personal fields (phone, e-mail) match too.
 *
 * kefu search --reindex rebuilds every search document from the tables
 * (after an upgrade that changed how text becomes terms, as migration
 * 0017 did: single CJK characters, personal fields apart).
 */
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "cli/cli.h"
#include "store/db.h"
#include "store/search.h"

#define SEARCH_QUERY_MAX 256 /* bytes of QUERY, as the API */
#define SEARCH_DEFAULT_LIMIT 20 /* results without --limit */

struct search_args {
	const char *kind; /* --kind; NULL = every kind */
	const char *limit; /* --limit N */
	int json; /* --json */
	int reindex; /* --reindex */
};

/* A number in 1..KF_MAX_PAGE_SIZE; 0 when s is not one. */
static int parse_limit(const char *s)
{
	int v = 0;
	if (!s || !*s || strlen(s) > 3)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v <= KF_MAX_PAGE_SIZE ? v : 0;
}

static int kind_valid(const char *k)
{
	static const char *const kinds[] = { "ticket", "message", "customer", "order", NULL };
	for (const char *const *p = kinds; *p; p++)
		if (strcmp(k, *p) == 0)
			return 1;
	return 0;
}

/* EXIT_OK when the arguments make sense (and *limit set), else EXIT_USAGE with a message. */
static int check_usage(const char **pos, int npos, const struct search_args *sa, int *limit)
{
	*limit = sa->limit ? parse_limit(sa->limit) : SEARCH_DEFAULT_LIMIT;
	if (sa->reindex && npos == 0)
		return EXIT_OK;
	if (sa->reindex)
		fprintf(stderr, "kefu search: --reindex takes no query\n");
	else if (npos != 1 || !*pos[0])
		fprintf(stderr, "kefu search: needs the words to search for (one argument; quote it)\n");
	else if (strlen(pos[0]) > SEARCH_QUERY_MAX)
		fprintf(stderr, "kefu search: the query is longer than %d bytes\n", SEARCH_QUERY_MAX);
	else if (sa->kind && !kind_valid(sa->kind))
		fprintf(stderr, "kefu search: --kind must be ticket, message, customer or order\n");
	else if (!*limit)
		fprintf(stderr, "kefu search: --limit must be a number from 1 to %d\n", KF_MAX_PAGE_SIZE);
	else
		return EXIT_OK;
	return EXIT_USAGE;
}

static void print_hits(json_t *items)
{
	size_t i;
	json_t *h;
	printf("%-9s %-8s %-8s %s\n", "KIND", "ID", "OPENS", "TITLE");
	json_array_foreach(items, i, h)
	        printf("%-9s %-8lld %-8lld %s\n", json_string_value(json_object_get(h, "kind")),
	               (long long)json_integer_value(json_object_get(h, "ref_id")),
	               (long long)json_integer_value(json_object_get(h, "parent_id")),
	               json_string_value(json_object_get(h, "title")));
	printf("%zu results\n", json_array_size(items));
}

static int search_run(struct db *db, const char *q, const struct search_args *sa, int limit,
                      struct kf_error *err)
{
	json_t *items = NULL;
	int64_t last = 0;
	int rc = search_query(db, q, sa->kind, 0, limit, &items, &last, err);
	if (rc == 0 && sa->json) {
		json_t *wrap = json_pack("{s:O,s:I}", "items", items, "next_before", (json_int_t)last);
		json_dumpf(wrap, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
		json_decref(wrap);
	} else if (rc == 0) {
		print_hits(items);
	}
	json_decref(items);
	return rc;
}

/* Every document rebuilt in one transaction. */
static int reindex_run(struct db *db, struct kf_error *err)
{
	int64_t n[4] = { 0 };
	int rc = db_begin(db, err);
	if (rc < 0)
		return rc;
	rc = search_rebuild(db, n, err);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db, err);
	if (rc == 0)
		printf("reindexed %lld tickets, %lld messages, %lld customers, %lld orders\n",
		       (long long)n[0], (long long)n[1], (long long)n[2], (long long)n[3]);
	return rc;
}

int cmd_search(int argc, char **argv)
{
	struct search_args sa = { NULL, NULL, 0, 0 };
	const struct cli_flag flags[] = {
		{ "kind", 1, &sa.kind, NULL, "only ticket, message, customer or order" },
		{ "limit", 1, &sa.limit, NULL, "at most N results (1-200, default 20)" },
		{ "json", 0, NULL, &sa.json, "print JSON" },
		{ "reindex", 0, NULL, &sa.reindex, "rebuild every search document (no query)" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	const char *pos[1];
	int limit = 0;
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("search"), flags, &cfg, pos, 1, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	rc = check_usage(pos, npos, &sa, &limit);
	if (rc != EXIT_OK)
		return rc;
	o.sync_full = cfg.sync_full;
	o.migrate = 0;
	rc = store_open(cfg.db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	rc = !db ? -1 : sa.reindex ? reindex_run(db, &err) : search_run(db, pos[0], &sa, limit, &err);
	store_close(st);
	return rc < 0 ? cli_fail(&err) : EXIT_OK;
}
