/*
 * cmd_customer.c - kefu customer show|export|erase ID: one customer's
 * record from the command line, unmasked (whoever runs it can read the
 * database).  export and erase are audited as the OS user, like the API's
 * GET /customers/:id/export and POST /customers/:id/erase.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "crm/customer.h"
#include "crm/privacy.h"
#include "store/db.h"

struct customer_args {
	const char *out; /* --out FILE for export; NULL = stdout */
	int yes; /* --yes: erase really */
};

/* A positive decimal id; 0 when s is not one. */
static int64_t parse_id(const char *s)
{
	int64_t v = 0;
	if (!s || !*s || *s == '0' || strlen(s) > 18)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* Write j (indented, newline-terminated) to path, or stdout when path is NULL. */
static int write_json(json_t *j, const char *path, struct kf_error *err)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	if (!f)
		return kf_fail(err, KF_EIO, "io", "out", "cannot write %s", path);
	int rc = json_dumpf(j, f, JSON_INDENT(2) | JSON_SORT_KEYS) < 0 || fputc('\n', f) == EOF;
	if (path && fclose(f) != 0)
		rc = 1;
	if (rc)
		return kf_fail(err, KF_EIO, "io", "out", "cannot write %s", path ? path : "standard output");
	return 0;
}

static int customer_show(struct db *db, int64_t id, struct kf_error *err)
{
	json_t *j = NULL;
	int rc = customer_json(db, id, 0, &j, err);
	if (rc == 0)
		rc = write_json(j, NULL, err);
	json_decref(j);
	return rc;
}

static int customer_export(struct db *db, int64_t id, const char *path, struct kf_error *err)
{
	struct actor a = cli_actor();
	json_t *j = NULL;
	int rc = privacy_export(db, &a, cli_now(), id, &j, err);
	if (rc == 0)
		rc = write_json(j, path, err);
	if (rc == 0 && path)
		fprintf(stderr, "exported customer %lld to %s\n", (long long)id, path);
	json_decref(j);
	return rc;
}

static int customer_erase(struct db *db, int64_t id, struct kf_error *err)
{
	struct actor a = cli_actor();
	int rc = privacy_erase(db, &a, cli_now(), id, err);
	if (rc == 0)
		printf("erased customer %lld: personal data removed, the record and its history kept\n",
		       (long long)id);
	return rc;
}

static int customer_run(struct db *db, const char *verb, int64_t id, const struct customer_args *ca,
                        struct kf_error *err)
{
	if (strcmp(verb, "show") == 0)
		return customer_show(db, id, err);
	if (strcmp(verb, "export") == 0)
		return customer_export(db, id, ca->out, err);
	return customer_erase(db, id, err);
}

/* EXIT_OK when the arguments make sense, else EXIT_USAGE with a message. */
static int check_usage(const char **pos, int npos, const struct customer_args *ca, int64_t *id)
{
	static const char *const verbs[] = { "show", "export", "erase", NULL };
	int known = 0;
	for (const char *const *v = verbs; npos > 0 && *v; v++)
		known |= strcmp(pos[0], *v) == 0;
	if (!known) {
		fprintf(stderr, "kefu customer: which action? (show, export, erase)\n");
		return EXIT_USAGE;
	}
	*id = npos == 2 ? parse_id(pos[1]) : 0;
	if (!*id) {
		fprintf(stderr, "kefu customer %s: needs one customer id (a positive number)\n", pos[0]);
		return EXIT_USAGE;
	}
	if (strcmp(pos[0], "erase") == 0 && !ca->yes) {
		fprintf(stderr,
		        "kefu customer erase: this removes the customer's personal data for good;"
		        " add --yes to do it\n");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_customer(int argc, char **argv)
{
	struct customer_args ca = { NULL, 0 };
	const struct cli_flag flags[] = {
		{ "out", 1, &ca.out, NULL, "export: write the JSON to FILE instead of standard output" },
		{ "yes", 0, NULL, &ca.yes, "erase: confirm" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	const char *pos[2];
	int64_t id = 0;
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("customer"), flags, &cfg, pos, 2, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	rc = check_usage(pos, npos, &ca, &id);
	if (rc != EXIT_OK)
		return rc;
	o.sync_full = cfg.sync_full;
	o.migrate = 0;
	rc = store_open(cfg.db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	rc = db ? customer_run(db, pos[0], id, &ca, &err) : -1;
	store_close(st);
	return rc < 0 ? cli_fail(&err) : EXIT_OK;
}
