/*
 * test_mail_settings.c - the pieces the e-mail channel stands on:
 * auth/secret.c (sealing passwords with the server key: round trip, a
 * fresh nonce each time, the wrong key, no key, a tampered box, the key
 * file made 0600 and read back), channels/mail_token.c (the token in an
 * address, made once per ticket, looked up) and channels/mail_settings.c
 * (validation, the version check, the relay password stored sealed and
 * never in the audit trail) over a temporary SQLite store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "auth/secret.h"
#include "channels/mail_settings.h"
#include "channels/mail_token.h"
#include "crm/privacy.h"
#include "store/db.h"
#include "base/banned.h"

static const struct actor tester = { "cli", 0, "test", NULL, NULL };

struct fixture {
	char dir[64];
	struct store *store;
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db_options opt = DB_OPTIONS_INIT;
	struct kf_error err = KF_ERROR_INIT;
	char url[128];
	*state = f;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kefu-test-mail-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	snprintf(url, sizeof(url), "sqlite:%s/kefu.db", f->dir);
	opt.create = 1;
	opt.migrate = 1;
	if (store_open(url, &opt, &f->store, &err) < 0)
		return -1;
	f->db = store_db(f->store, &err);
	unsigned char key[SECRET_KEY_BYTES];
	memset(key, 7, sizeof(key));
	secret_set_key(key);
	return f->db ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	store_close(f->store);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	secret_clear_key();
	return 0;
}

static void test_seal_round_trip(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	char *a = NULL, *b = NULL, *plain = NULL;
	assert_int_equal(secret_seal("邮箱密码 pw-1", &a, &err), 0);
	assert_int_equal(secret_seal("邮箱密码 pw-1", &b, &err), 0);
	assert_true(strncmp(a, "v1:", 3) == 0);
	assert_string_not_equal(a, b); /* a fresh nonce each time */
	assert_null(strstr(a, "pw-1"));
	assert_int_equal(secret_open(a, &plain, &err), 0);
	assert_string_equal(plain, "邮箱密码 pw-1");
	secret_wipe(plain);

	/* another key cannot open it */
	unsigned char other[SECRET_KEY_BYTES];
	memset(other, 9, sizeof(other));
	secret_set_key(other);
	assert_int_equal(secret_open(a, &plain, &err), KF_EINVAL);
	assert_string_equal(err.key, "secret_wrong_key");

	/* a tampered box is refused */
	unsigned char key[SECRET_KEY_BYTES];
	memset(key, 7, sizeof(key));
	secret_set_key(key);
	size_t n = strlen(b);
	b[n - 3] = b[n - 3] == 'A' ? 'B' : 'A';
	assert_int_equal(secret_open(b, &plain, &err), KF_EINVAL);
	assert_int_equal(secret_open("plain-text", &plain, &err), KF_EINVAL);
	assert_string_equal(err.key, "secret_corrupt");

	/* no key: nothing sealed */
	secret_clear_key();
	assert_false(secret_have_key());
	assert_int_equal(secret_seal("x", &plain, &err), KF_EINVAL);
	assert_string_equal(err.key, "secret_key_missing");
	free(a);
	free(b);
}

static void test_key_file(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	char path[128], *sealed = NULL, *plain = NULL;
	struct stat st;
	snprintf(path, sizeof(path), "%s/kefu.db.key", f->dir);
	secret_clear_key();
	assert_int_equal(secret_load_key_file(path, 0, &err), KF_EIO); /* missing, not made */
	assert_int_equal(secret_load_key_file(path, 1, &err), 0); /* made */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 65);
	assert_int_equal(secret_seal("s3cret", &sealed, &err), 0);
	secret_clear_key();
	assert_int_equal(secret_load_key_file(path, 1, &err), 0); /* exists: read, not replaced */
	assert_int_equal(secret_open(sealed, &plain, &err), 0);
	assert_string_equal(plain, "s3cret");
	secret_wipe(plain);
	free(sealed);

	FILE *bad = fopen(path, "w");
	assert_non_null(bad);
	fputs("not hex\n", bad);
	fclose(bad);
	assert_int_equal(secret_load_key_file(path, 0, &err), KF_EINVAL);
	assert_string_equal(err.field, "secret_key_file");
}

static void test_token_address(void **state)
{
	(void)state;
	char tok[MAIL_TOKEN_MAX], addr[256];
	mail_token_address("support@shop.cn", "abcdefghjk23", addr, sizeof(addr));
	assert_string_equal(addr, "support+abcdefghjk23@shop.cn");
	assert_true(mail_token_from_address("support@shop.cn", "Support+ABCDEFGHJK23@SHOP.CN", tok));
	assert_string_equal(tok, "abcdefghjk23");
	assert_false(mail_token_from_address("support@shop.cn", "support@shop.cn", tok));
	assert_false(mail_token_from_address("support@shop.cn", "support+abcdefghjk2@shop.cn", tok)); /* short */
	assert_false(mail_token_from_address("support@shop.cn", "support+abcdefghjk234@shop.cn", tok)); /* long */
	assert_false(mail_token_from_address("support@shop.cn", "support+abcdefghjk23@other.cn", tok));
	assert_false(mail_token_from_address("support@shop.cn", "sales+abcdefghjk23@shop.cn", tok));
	assert_false(mail_token_from_address("support@shop.cn", "support+abcdefghjk1l@shop.cn", tok)); /* 1, l */
	assert_false(mail_token_from_address("support@shop.cn", "support-abcdefghjk23@shop.cn", tok));
	assert_false(mail_token_from_address("", "support+abcdefghjk23@shop.cn", tok));
	mail_token_address("nodomain", "abc", addr, sizeof(addr));
	assert_string_equal(addr, "nodomain");
}

static int64_t make_ticket(struct db *db)
{
	static struct db_sql q = DB_SQL(
	        "INSERT INTO tickets (type, subject, created_by_kind, created_at, updated_at) "
	        "VALUES ('inquiry', 'x', 'cli', 1, 1)");
	static struct db_sql q_id = DB_SQL("SELECT MAX(id) FROM tickets");
	struct kf_error err = KF_ERROR_INIT;
	int64_t id = 0;
	assert_true(db_exec(db, &q, DB_NOARGS, &err) >= 0);
	assert_int_equal(db_query_int(db, &q_id, DB_NOARGS, &id, &err), 0);
	return id;
}

static void test_token_store(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	char a[MAIL_TOKEN_MAX], b[MAIL_TOKEN_MAX], c[MAIL_TOKEN_MAX], addr[256], back[MAIL_TOKEN_MAX];
	int64_t t1 = make_ticket(f->db), t2 = make_ticket(f->db), found = 0;
	assert_int_equal(mail_token_get(f->db, t1, 10, a, &err), 0);
	assert_int_equal(strlen(a), MAIL_TOKEN_LEN);
	assert_int_equal(mail_token_get(f->db, t1, 20, b, &err), 0);
	assert_string_equal(a, b); /* made once */
	assert_int_equal(mail_token_get(f->db, t2, 30, c, &err), 0);
	assert_string_not_equal(a, c);
	assert_int_equal(mail_token_ticket(f->db, c, &found, &err), 0);
	assert_int_equal(found, t2);
	assert_int_equal(mail_token_ticket(f->db, "nosuchtoken2", &found, &err), KF_ENOTFOUND);
	/* what kefu puts in Reply-To is what it reads back */
	mail_token_address("help@kefu.test", a, addr, sizeof(addr));
	assert_true(mail_token_from_address("help@kefu.test", addr, back));
	assert_string_equal(back, a);
}

static void test_settings(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = KF_ERROR_INIT;
	struct mail_settings s, after;
	assert_int_equal(mail_settings_get(f->db, &s, &err), 0);
	assert_string_equal(s.address, "");
	assert_int_equal(s.reopen_days, 14);
	assert_false(s.relay_password_set);

	struct mail_settings_input in = { 0 };
	in.present = MAIL_SET_ADDRESS | MAIL_SET_FROM_NAME | MAIL_SET_RELAY_HOST | MAIL_SET_RELAY_PORT |
	        MAIL_SET_RELAY_PASSWORD | MAIL_SET_REOPEN_DAYS;
	in.address = "support@shop.cn";
	in.from_name = "小店客服";
	in.relay_host = "smtp.shop.cn";
	in.relay_port = 465;
	in.relay_password = "relay-pw-42";
	in.reopen_days = 7;
	assert_int_equal(mail_settings_put(f->db, &tester, 100, s.version, &in, &after, &err), 0);
	assert_string_equal(after.address, "support@shop.cn");
	assert_string_equal(after.from_name, "小店客服");
	assert_int_equal(after.relay_port, 465);
	assert_int_equal(after.reopen_days, 7);
	assert_true(after.relay_password_set);
	assert_int_equal(after.version, s.version + 1);

	/* sealed in the row, opened for the SMTP client, never in the audit trail */
	static struct db_sql q_plain = DB_SQL(
	        "SELECT COUNT(*) FROM mail_settings WHERE relay_password_enc LIKE $1");
	static struct db_sql q_audit = DB_SQL("SELECT COUNT(*) FROM audit_log WHERE after_json LIKE $1");
	int64_t n = -1;
	assert_int_equal(db_query_int(f->db, &q_plain, DB_ARGS(db_text("%relay-pw%")), &n, &err), 0);
	assert_int_equal(n, 0);
	char *pw = NULL;
	assert_int_equal(mail_settings_relay_password(f->db, &pw, &err), 0);
	assert_string_equal(pw, "relay-pw-42");
	secret_wipe(pw);
	assert_int_equal(db_query_int(f->db, &q_audit, DB_ARGS(db_text("%relay-pw%")), &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(
	        db_query_int(f->db, &q_audit, DB_ARGS(db_text("%\"relay_password\":\"set\"%")), &n, &err), 0);
	assert_int_equal(n, 1);

	/* a stale version changes nothing */
	struct mail_settings_input late = { 0 };
	late.present = MAIL_SET_REOPEN_DAYS;
	late.reopen_days = 30;
	assert_int_equal(mail_settings_put(f->db, &tester, 200, s.version, &late, &after, &err), KF_ESTALE);
	assert_int_equal(mail_settings_get(f->db, &after, &err), 0);
	assert_int_equal(after.reopen_days, 7);

	/* bad values name their field and change nothing */
	struct {
		unsigned bit;
		const char *field;
	} cases[] = { { MAIL_SET_ADDRESS, "address" },
		      { MAIL_SET_RELAY_PORT, "relay_port" },
		      { MAIL_SET_RELAY_SECURITY, "relay_security" },
		      { MAIL_SET_REOPEN_DAYS, "reopen_days" },
		      { MAIL_SET_MAX_BYTES, "max_message_bytes" },
		      { MAIL_SET_RELAY_HOST, "relay_host" } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mail_settings_input b = { 0 };
		b.present = cases[i].bit;
		b.address = "not an address";
		b.relay_port = 70000;
		b.relay_security = "ssl3";
		b.reopen_days = -1;
		b.max_message_bytes = 10;
		b.relay_host = "smtp.shop.cn/evil";
		assert_int_equal(mail_settings_put(f->db, &tester, 300, after.version, &b, &s, &err),
		                 KF_EINVAL);
		assert_string_equal(err.field, cases[i].field);
	}
	assert_int_equal(mail_settings_get(f->db, &s, &err), 0);
	assert_int_equal(s.version, after.version);

	/* clearing the password */
	struct mail_settings_input clear = { 0 };
	clear.present = MAIL_SET_RELAY_PASSWORD;
	clear.relay_password = "";
	assert_int_equal(mail_settings_put(f->db, &tester, 400, s.version, &clear, &after, &err), 0);
	assert_false(after.relay_password_set);
	assert_int_equal(mail_settings_relay_password(f->db, &pw, &err), 0);
	assert_null(pw);

	/* without a key the password is refused, not stored in clear */
	secret_clear_key();
	struct mail_settings_input nokey = { 0 };
	nokey.present = MAIL_SET_RELAY_PASSWORD;
	nokey.relay_password = "x";
	assert_int_equal(mail_settings_put(f->db, &tester, 500, after.version, &nokey, &s, &err), KF_EINVAL);
	assert_string_equal(err.key, "secret_key_missing");
}

static void test_address_valid(void **state)
{
	(void)state;
	assert_true(mail_settings_address_valid("support@shop.cn"));
	assert_true(mail_settings_address_valid("a.b+c@sub.example.com"));
	assert_false(mail_settings_address_valid(""));
	assert_false(mail_settings_address_valid("support"));
	assert_false(mail_settings_address_valid("@shop.cn"));
	assert_false(mail_settings_address_valid("support@"));
	assert_false(mail_settings_address_valid("support@localhost"));
	assert_false(mail_settings_address_valid("sup port@shop.cn"));
	assert_false(mail_settings_address_valid("a@b@shop.cn"));
	assert_false(mail_settings_address_valid("<a@shop.cn>"));
	assert_false(mail_settings_address_valid("a@shop.cn."));
}

static void test_mask_emails_in(void **state)
{
	(void)state;
	char out[256];
	privacy_mask_emails_in("550 5.1.1 <erin.wang@customer.test>: Recipient address rejected", out,
	                       sizeof(out));
	assert_null(strstr(out, "erin.wang@"));
	assert_non_null(strstr(out, "550 5.1.1 <"));
	assert_non_null(strstr(out, ">: Recipient address rejected"));
	privacy_mask_emails_in("to a@x.cn, b@y.cn", out, sizeof(out));
	assert_null(strstr(out, "a@x.cn"));
	assert_null(strstr(out, "b@y.cn"));
	privacy_mask_emails_in("no address here", out, sizeof(out));
	assert_string_equal(out, "no address here");
	privacy_mask_emails_in(NULL, out, sizeof(out));
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seal_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_file, setup, teardown),
		cmocka_unit_test(test_token_address),
		cmocka_unit_test_setup_teardown(test_token_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
		cmocka_unit_test(test_address_valid),
		cmocka_unit_test(test_mask_emails_in),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
