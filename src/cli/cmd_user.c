/*
 * cmd_user.c - kefu user add|list|passwd|disable|enable: staff accounts
 * from the command line, audited as the OS user.
 */
#include <stdio.h>
#include <string.h>

#include "auth/password.h"
#include "base/limits.h"
#include "auth/user.h"
#include "cli/cli.h"
#include "store/db.h"

struct user_args {
	const char *role;
	const char *display;
	int from_stdin;
};

/* A password from stdin (--password-stdin) or a generated one, printed once. */
static int get_password(const struct user_args *ua, char *pw, size_t n, int *generated)
{
	*generated = !ua->from_stdin;
	if (ua->from_stdin)
		return cli_read_line(pw, n);
	password_generate(pw);
	return 0;
}

static int user_add(struct db *db, const char *name, const struct user_args *ua, struct kf_error *err)
{
	char pw[KF_MAX_PASSWORD_BYTES + 2];
	int gen;
	struct user u;
	struct actor a = cli_actor();
	enum role role = role_parse(ua->role);
	if (role == ROLE_NONE)
		return kf_fail(err, KF_EINVAL, "invalid", "role",
		               "--role must be admin, manager, agent, crm or analyst");
	if (get_password(ua, pw, sizeof(pw), &gen) < 0)
		return kf_fail(err, KF_EINVAL, "required", "password", "no password on standard input");
	int rc = user_create(db, &a, cli_now(), name, ua->display, role, pw, &u, err);
	if (rc == 0)
		printf("created user %s (id %lld, role %s)\n", u.username, (long long)u.id, role_name(role));
	if (rc == 0 && gen)
		printf("password: %s\n", pw);
	return rc;
}

static int user_list_print(struct db *db, struct kf_error *err)
{
	json_t *items = NULL;
	int64_t after = 0, last = 0;
	size_t i;
	json_t *u;
	printf("%-6s %-24s %-8s %-8s %s\n", "ID", "USERNAME", "ROLE", "STATE", "NAME");
	do {
		int rc = user_list(db, after, 200, &items, &last, err);
		if (rc < 0)
			return rc;
		json_array_foreach(items, i, u)
		        printf("%-6lld %-24s %-8s %-8s %s\n",
		               (long long)json_integer_value(json_object_get(u, "id")),
		               json_string_value(json_object_get(u, "username")),
		               json_string_value(json_object_get(u, "role")),
		               json_is_true(json_object_get(u, "disabled")) ? "disabled" : "active",
		               json_string_value(json_object_get(u, "display_name")));
		i = json_array_size(items);
		json_decref(items);
		after = last;
	} while (i == 200);
	return 0;
}

static int user_passwd(struct db *db, const char *name, const struct user_args *ua, struct kf_error *err)
{
	char pw[KF_MAX_PASSWORD_BYTES + 2];
	int gen;
	struct user u;
	struct actor a = cli_actor();
	int rc = user_get_by_name(db, name, &u, err);
	if (rc == 0 && get_password(ua, pw, sizeof(pw), &gen) < 0)
		rc = kf_fail(err, KF_EINVAL, "required", "password", "no password on standard input");
	if (rc == 0)
		rc = user_set_password(db, &a, cli_now(), u.id, pw, 0, err);
	if (rc == 0)
		printf("password changed for %s; their sessions were ended and their API tokens revoked\n",
		       name);
	if (rc == 0 && gen)
		printf("password: %s\n", pw);
	return rc;
}

static int user_enable(struct db *db, const char *name, int disabled, struct kf_error *err)
{
	struct user u, out;
	struct user_patch p = USER_PATCH_INIT;
	struct actor a = cli_actor();
	p.disabled = disabled;
	int rc = user_get_by_name(db, name, &u, err);
	if (rc == 0)
		rc = user_update(db, &a, cli_now(), u.id, u.version, &p, &out, err);
	if (rc == 0)
		printf("%s is now %s\n", name, disabled ? "disabled" : "enabled");
	return rc;
}

static int user_run(struct db *db, const char **pos, int npos, const struct user_args *ua, struct kf_error *err)
{
	const char *verb = pos[0];
	if (strcmp(verb, "list") == 0 && npos == 1)
		return user_list_print(db, err);
	if (npos != 2)
		return kf_fail(err, KF_EINVAL, "usage", NULL, "kefu user %s needs one user name", verb);
	if (strcmp(verb, "add") == 0)
		return user_add(db, pos[1], ua, err);
	if (strcmp(verb, "passwd") == 0)
		return user_passwd(db, pos[1], ua, err);
	if (strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0)
		return user_enable(db, pos[1], strcmp(verb, "disable") == 0, err);
	return kf_fail(err, KF_EINVAL, "usage", NULL,
	               "unknown action '%s' (add, list, passwd, disable, enable)", verb);
}

int cmd_user(int argc, char **argv)
{
	struct user_args ua = { "agent", NULL, 0 };
	const struct cli_flag flags[] = {
		{ "role", 1, &ua.role, NULL, "role for add: admin, manager, agent, crm, analyst" },
		{ "display-name", 1, &ua.display, NULL, "the name people see" },
		{ "password-stdin", 0, NULL, &ua.from_stdin, "read the password from standard input" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct kf_config cfg;
	struct kf_error err = KF_ERROR_INIT;
	struct db_options o = DB_OPTIONS_INIT;
	struct store *st = NULL;
	const char *pos[2];
	int npos, rc = cli_parse(argc, argv, cli_cmd_find("user"), flags, &cfg, pos, 2, &npos);
	if (rc != EXIT_OK)
		return rc < 0 ? EXIT_OK : rc;
	if (npos == 0) {
		fprintf(stderr, "kefu user: which action? (add, list, passwd, disable, enable)\n");
		return EXIT_USAGE;
	}
	o.sync_full = cfg.sync_full;
	o.migrate = 0;
	rc = store_open(cfg.db, &o, &st, &err);
	struct db *db = rc == 0 ? store_db(st, &err) : NULL;
	rc = db ? user_run(db, pos, npos, &ua, &err) : -1;
	store_close(st);
	if (rc < 0)
		return err.key[0] && strcmp(err.key, "usage") == 0
		        ? (fprintf(stderr, "kefu: %s\n", err.message), EXIT_USAGE)
		        : cli_fail(&err);
	return EXIT_OK;
}
