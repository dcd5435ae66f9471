/*
 * test_config.c - base/config.c: defaults < file < environment < flags,
 * the file syntax, and error messages that name the key and the place
 * (file:line, variable, flag).  Files live in a mkdtemp directory that
 * the group teardown removes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/config.h"
#include "base/limits.h"
#include "base/banned.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/kefu-test-config-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/kefu.conf", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

/* Replace the test file's contents with text. */
static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Load text as a config file over the defaults. */
static int load_text(const char *text, struct kf_config *c, struct kf_error *err)
{
	config_defaults(c);
	write_file(text);
	return config_load_file(c, path, err);
}

/* config_load_env takes char *const * like environ; the test's arrays are literals. */
static int load_env(struct kf_config *c, const char *const *envp, struct kf_error *err)
{
	return config_load_env(c, (char *const *)envp, err);
}

/* Assert err names key (as the field and in the message) and mentions where. */
static void assert_names(const struct kf_error *err, const char *key, const char *where)
{
	assert_int_equal(err->code, KF_EINVAL);
	assert_string_equal(err->field, key);
	assert_non_null(strstr(err->message, key));
	assert_non_null(strstr(err->message, where));
}

static void test_defaults(void **state)
{
	(void)state;
	struct kf_config c;
	config_defaults(&c);
	assert_string_equal(c.db, "kefu.db");
	assert_string_equal(c.addr, "127.0.0.1");
	assert_int_equal(c.port, 8080);
	assert_int_equal(c.workers, 0);
	assert_string_equal(c.web_dir, "");
	assert_int_equal(c.sync_full, 1);
	assert_int_equal(c.max_body, KF_MAX_BODY_BYTES);
	assert_int_equal(c.request_timeout, KF_REQUEST_TIMEOUT_S);
	assert_int_equal(c.login_max_per_account, 5);
	assert_string_equal(c.log_level, "info");
	assert_true(config_is_key("port"));
	assert_false(config_is_key("por"));
	assert_false(config_is_key("portx"));
	assert_false(config_is_key("config"));
}

static void test_precedence(void **state)
{
	(void)state;
	struct kf_config c;
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(load_text("port = 9000\nworkers = 3\ndb = file.db\nlog_level = debug\n", &c, &err), 0);
	assert_int_equal(c.port, 9000);
	assert_int_equal(c.workers, 3);
	assert_string_equal(c.db, "file.db");
	const char *const envp[] = { "HOME=/root", "KEFU_PORT=9100", "KEFU_LOG_LEVEL=warn",
		                     "PORT=1",     "kefu_port=2",    NULL };
	assert_int_equal(load_env(&c, envp, &err), 0);
	assert_int_equal(c.port, 9100);
	assert_string_equal(c.log_level, "warn");
	assert_int_equal(config_set(&c, "port", "9200", "flag", &err), 0);
	assert_int_equal(err.code, 0);
	assert_int_equal(c.port, 9200); /* flag beats environment */
	assert_string_equal(c.log_level, "warn"); /* environment beats file */
	assert_int_equal(c.workers, 3); /* file beats default */
	assert_string_equal(c.db, "file.db");
	assert_string_equal(c.addr, "127.0.0.1"); /* default stays */
}

static void test_file_syntax(void **state)
{
	(void)state;
	struct kf_config c;
	struct kf_error err = KF_ERROR_INIT;
	static const char text[] = "# kefu.conf\n"
	                           "\n"
	                           "   \t\n"
	                           "   # an indented comment\n"
	                           "  port   =   9001  \t\n"
	                           "db=\"/var/lib/kefu/kefu.db\"\n"
	                           "addr = \" 0.0.0.0 \"\n"
	                           "\tlog_level\t=\terror\r\n"
	                           "access_log = off\n"
	                           "sync_full = no\n"
	                           "secure_cookies = yes\n"
	                           "web_dir = a=b\n"
	                           "session_ttl = 60";
	assert_int_equal(load_text(text, &c, &err), 0);
	assert_int_equal(err.code, 0);
	assert_int_equal(c.port, 9001);
	assert_string_equal(c.db, "/var/lib/kefu/kefu.db");
	assert_string_equal(c.addr, " 0.0.0.0 ");
	assert_string_equal(c.log_level, "error");
	assert_int_equal(c.access_log, 0);
	assert_int_equal(c.sync_full, 0);
	assert_int_equal(c.secure_cookies, 1);
	assert_string_equal(c.web_dir, "a=b");
	assert_int_equal(c.session_ttl, 60);
	/* An empty file is fine. */
	assert_int_equal(load_text("", &c, &err), 0);
	assert_int_equal(c.port, 8080);
}

static void test_bools(void **state)
{
	(void)state;
	static const struct {
		const char *text; /* value */
		int want; /* expected */
	} cases[] = { { "1", 1 }, { "true", 1 },  { "yes", 1 }, { "on", 1 },
		      { "0", 0 }, { "false", 0 }, { "no", 0 },  { "off", 0 } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kf_config c;
		struct kf_error err = KF_ERROR_INIT;
		config_defaults(&c);
		c.access_log = !cases[i].want;
		assert_int_equal(config_set(&c, "access_log", cases[i].text, "flag", &err), 0);
		assert_int_equal(c.access_log, cases[i].want);
	}
}

static void test_unknown_key_in_file(void **state)
{
	(void)state;
	struct kf_config c;
	struct kf_error err = KF_ERROR_INIT;
	char where[160];
	assert_int_equal(load_text("# first\nport = 1\nbogus_key = 7\nworkers = 9\n", &c, &err), KF_EINVAL);
	snprintf(where, sizeof(where), "%s:3", path);
	assert_string_equal(err.key, "unknown_key");
	assert_names(&err, "bogus_key", where);
	assert_int_equal(c.port, 1); /* lines before it were applied */
	assert_int_equal(c.workers, 0); /* lines after it were not */
}

static void test_syntax_error(void **state)
{
	(void)state;
	struct kf_config c;
	struct kf_error err = KF_ERROR_INIT;
	char where[160];
	assert_int_equal(load_text("port = 1\n\njust words\n", &c, &err), KF_EINVAL);
	snprintf(where, sizeof(where), "%s:3", path);
	assert_string_equal(err.key, "syntax");
	assert_non_null(strstr(err.message, where));
}

static void test_bad_values(void **state)
{
	(void)state;
	static const struct {
		const char *line; /* file contents */
		const char *key; /* the key the error must name */
	} cases[] = {
		{ "port = 80x\n", "port" },
		{ "port = \n", "port" },
		{ "port = 65536\n", "port" },
		{ "port = -1\n", "port" },
		{ "port = 99999999999999999999\n", "port" },
		{ "workers = 257\n", "workers" },
		{ "max_body = 1023\n", "max_body" },
		{ "login_window = 0\n", "login_window" },
		{ "sync_full = maybe\n", "sync_full" },
		{ "secure_cookies = TRUE\n", "secure_cookies" },
		{ "access_log = \n", "access_log" },
		{ "log_level = verbose\n", "log_level" },
		{ "log_level = INFO\n", "log_level" },
	};
	char where[160];
	snprintf(where, sizeof(where), "%s:1", path);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kf_config c;
		struct kf_error err = KF_ERROR_INIT;
		assert_int_equal(load_text(cases[i].line, &c, &err), KF_EINVAL);
		assert_names(&err, cases[i].key, where);
		/* The bad value was not stored. */
		struct kf_config d;
		config_defaults(&d);
		assert_memory_equal(&c, &d, sizeof(c));
	}
}

static void test_int_bounds(void **state)
{
	(void)state;
	struct kf_config c;
	struct kf_error err = KF_ERROR_INIT;
	config_defaults(&c);
	assert_int_equal(config_set(&c, "port", "0", "flag", &err), 0);
	assert_int_equal(c.port, 0);
	assert_int_equal(config_set(&c, "port", "65535", "flag", &err), 0);
	assert_int_equal(c.port, 65535);
	assert_int_equal(config_set(&c, "max_body", "67108864", "flag", &err), 0);
	assert_int_equal(c.max_body, 64 * 1024 * 1024);
	assert_int_equal(config_set(&c, "max_body", "67108865", "flag", &err), KF_EINVAL);
	assert_names(&err, "max_body", "flag");
	assert_int_equal(c.max_body, 64 * 1024 * 1024);
}

static void test_env(void **state)
{
	(void)state;
	struct kf_config c;
	struct kf_error err = KF_ERROR_INIT;
	config_defaults(&c);
	/* KEFU_CONFIG names the file; it is not a setting and must be skipped. */
	const char *const skip[] = { "KEFU_CONFIG=/etc/kefu/kefu.conf", "KEFU_config=x", NULL };
	assert_int_equal(load_env(&c, skip, &err), 0);
	assert_int_equal(err.code, 0);
	const char *const mixed[] = { "KEFU_login_window=120", "KEFU_Session_TTL=3600",
		                      "KEFU_DB=sqlite:/x.db", "KEFU_WEB_DIR=", NULL };
	assert_int_equal(load_env(&c, mixed, &err), 0);
	assert_int_equal(c.login_window, 120);
	assert_int_equal(c.session_ttl, 3600);
	assert_string_equal(c.db, "sqlite:/x.db");
	assert_string_equal(c.web_dir, "");
	assert_int_equal(load_env(&c, NULL, &err), 0);

	const char *const bad[] = { "KEFU_PORT=1", "KEFU_NOPE=1", "KEFU_WORKERS=2", NULL };
	assert_int_equal(load_env(&c, bad, &err), KF_EINVAL);
	assert_string_equal(err.key, "unknown_key");
	assert_names(&err, "NOPE", "KEFU_NOPE");
	struct kf_error e2 = KF_ERROR_INIT;
	const char *const badval[] = { "KEFU_REQUEST_TIMEOUT=soon", NULL };
	assert_int_equal(load_env(&c, badval, &e2), KF_EINVAL);
	assert_names(&e2, "request_timeout", "KEFU_REQUEST_TIMEOUT");
}

static void test_dashes_and_case(void **state)
{
	(void)state;
	struct kf_config c;
	struct kf_error err = KF_ERROR_INIT;
	config_defaults(&c);
	/* '-' and '_' are alike and case does not matter (header: config_is_key, key_eq). */
	assert_true(config_is_key("login_window"));
	assert_true(config_is_key("LOGIN_WINDOW"));
	assert_true(config_is_key("login-window"));
	assert_true(config_is_key("Log-Level"));
	assert_int_equal(config_set(&c, "login-max-per-account", "7", "flag", &err), 0);
	assert_int_equal(c.login_max_per_account, 7);
	const char *const envp[] = { "KEFU_LOGIN-MAX-PER-ADDR=9", NULL };
	assert_int_equal(load_env(&c, envp, &err), 0);
	assert_int_equal(c.login_max_per_addr, 9);
}

static void test_long_values(void **state)
{
	(void)state;
	struct kf_config c;
	struct kf_error err = KF_ERROR_INIT;
	char v[CONFIG_STR_MAX + 1];
	config_defaults(&c);
	memset(v, 'a', CONFIG_STR_MAX - 1);
	v[CONFIG_STR_MAX - 1] = '\0';
	assert_int_equal(config_set(&c, "web_dir", v, "flag", &err), 0);
	assert_int_equal(strlen(c.web_dir), CONFIG_STR_MAX - 1);
	memset(v, 'b', CONFIG_STR_MAX);
	v[CONFIG_STR_MAX] = '\0';
	assert_int_equal(config_set(&c, "web_dir", v, "flag", &err), KF_EINVAL);
	assert_string_equal(err.key, "too_long");
	assert_names(&err, "web_dir", "flag");
	assert_int_equal(c.web_dir[0], 'a');
	struct kf_error e2 = KF_ERROR_INIT;
	assert_int_equal(config_set(&c, "log_level", "debugdebugdebugdebug", "flag", &e2), KF_EINVAL);
	assert_string_equal(e2.field, "log_level");
	assert_string_equal(c.log_level, "info");
}

/* A file line of n bytes before the newline: "web_dir = xxx...". */
static void line_of(char *out, size_t n)
{
	static const char head[] = "web_dir = ";
	memcpy(out, head, sizeof(head) - 1);
	memset(out + sizeof(head) - 1, 'x', n - (sizeof(head) - 1));
	out[n] = '\n';
	out[n + 1] = '\0';
}

static void test_line_too_long(void **state)
{
	(void)state;
	struct kf_config c;
	struct kf_error err = KF_ERROR_INIT;
	char text[KF_MAX_CONFIG_LINE + 64], where[160];
	line_of(text, KF_MAX_CONFIG_LINE);
	assert_int_equal(load_text(text, &c, &err), 0);
	assert_int_equal(strlen(c.web_dir), KF_MAX_CONFIG_LINE - 10);

	struct kf_error e2 = KF_ERROR_INIT;
	memcpy(text, "port = 1\n", 9);
	line_of(text + 9, KF_MAX_CONFIG_LINE + 1);
	assert_int_equal(load_text(text, &c, &e2), KF_EINVAL);
	assert_string_equal(e2.key, "too_long");
	snprintf(where, sizeof(where), "%s:2", path);
	assert_non_null(strstr(e2.message, where));
	assert_string_equal(c.web_dir, "");
}

static void test_missing_file(void **state)
{
	(void)state;
	struct kf_config c;
	struct kf_error err = KF_ERROR_INIT;
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/nope.conf", dir);
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, missing, &err), KF_EIO);
	assert_non_null(strstr(err.message, missing));
}

static void test_help(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	config_print_help(f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(text, "--port"));
	assert_non_null(strstr(text, "default: 8080"));
	assert_non_null(strstr(text, "--log_level"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_file_syntax),
		cmocka_unit_test(test_bools),
		cmocka_unit_test(test_unknown_key_in_file),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_int_bounds),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_dashes_and_case),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_help),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
