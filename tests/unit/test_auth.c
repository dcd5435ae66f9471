/*
 * test_auth.c - auth/password.c (policy, argon2id, generated passwords,
 * tokens), auth/rbac.c (the permission table) and the pure part of
 * auth/throttle.c (how long a throttled sign-in waits), the token bucket
 * of auth/ratelimit.c and the session expiry of auth/session.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "auth/password.h"
#include "auth/ratelimit.h"
#include "auth/rbac.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "base/limits.h"
#include "base/banned.h"

/* --- password policy ------------------------------------------------------ */

static void test_policy_length(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(password_policy("123456789", &err), KF_EINVAL);
	assert_string_equal(err.key, "weak_password");
	assert_string_equal(err.field, "password");
	assert_non_null(strstr(err.message, "10"));
	struct kf_error ok = KF_ERROR_INIT;
	assert_int_equal(password_policy("1234567890", &ok), 0);
	assert_int_equal(ok.code, 0);
	struct kf_error e2 = KF_ERROR_INIT;
	assert_int_equal(password_policy("", &e2), KF_EINVAL);
	assert_int_equal(password_policy(NULL, &e2), KF_EINVAL);
	assert_string_equal(e2.key, "weak_password");
}

static void test_policy_counts_characters(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	/* Ten Chinese characters are 30 bytes and ten characters: accepted. */
	assert_int_equal(password_policy("客户服务中心密码安全", &err), 0);
	/* Nine are 27 bytes but only nine characters: refused. */
	assert_int_equal(password_policy("客户服务中心密码安", &err), KF_EINVAL);
	assert_string_equal(err.key, "weak_password");
	/* Mixed scripts: 5 + 5 characters. */
	struct kf_error e2 = KF_ERROR_INIT;
	assert_int_equal(password_policy("abcde客户服务中", &e2), 0);
	assert_int_equal(password_policy("abcd客户服务中", &e2), KF_EINVAL);
	/* Four-byte characters count once each. */
	struct kf_error e3 = KF_ERROR_INIT;
	assert_int_equal(password_policy("\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	                                 "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	                                 "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80",
	                                 &e3),
	                 KF_EINVAL);
}

static void test_policy_max_bytes(void **state)
{
	(void)state;
	char pw[KF_MAX_PASSWORD_BYTES + 2];
	struct kf_error err = KF_ERROR_INIT;
	memset(pw, 'p', KF_MAX_PASSWORD_BYTES);
	pw[KF_MAX_PASSWORD_BYTES] = '\0';
	assert_int_equal(password_policy(pw, &err), 0);
	pw[KF_MAX_PASSWORD_BYTES] = 'p';
	pw[KF_MAX_PASSWORD_BYTES + 1] = '\0';
	assert_int_equal(password_policy(pw, &err), KF_EINVAL);
	assert_string_equal(err.key, "too_long");
	assert_string_equal(err.field, "password");
	assert_non_null(strstr(err.message, "256"));
}

/* --- hashing -------------------------------------------------------------- */

static void test_hash_verify(void **state)
{
	(void)state;
	struct kf_error err = KF_ERROR_INIT;
	char h1[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX];
	assert_int_equal(crypto_setup(&err), 0);
	assert_int_equal(password_hash("correct horse 电池", h1, &err), 0);
	assert_int_equal(password_hash("correct horse 电池", h2, &err), 0);
	assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
	assert_int_equal(strncmp(h2, "$argon2id$", 10), 0);
	assert_true(strlen(h1) < PASSWORD_HASH_MAX);
	/* A fresh salt each time. */
	assert_string_not_equal(h1, h2);
	assert_int_equal(password_verify(h1, "correct horse 电池"), 0);
	assert_int_equal(password_verify(h2, "correct horse 电池"), 0);
	assert_int_equal(password_verify(h1, "correct horse 电"), KF_EAUTH);
	assert_int_equal(password_verify(h1, "Correct horse 电池"), KF_EAUTH);
	assert_int_equal(password_verify(h1, ""), KF_EAUTH);
	assert_int_equal(password_verify(h1, NULL), KF_EAUTH);
	assert_int_equal(password_verify(NULL, "x"), KF_EAUTH);
	assert_int_equal(password_verify("not a hash", "correct horse 电池"), KF_EAUTH);
	assert_int_equal(password_verify("", ""), KF_EAUTH);
}

/* --- generated passwords and tokens --------------------------------------- */

static void test_generate(void **state)
{
	(void)state;
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
	char a[17], b[17];
	memset(a, 'X', sizeof(a));
	password_generate(a);
	password_generate(b);
	assert_int_equal(strlen(a), 16);
	assert_int_equal(strlen(b), 16);
	for (int i = 0; i < 16; i++) {
		assert_non_null(strchr(alphabet, a[i]));
		assert_non_null(strchr(alphabet, b[i]));
	}
	/* No ambiguous characters (0/O, 1/l/I). */
	assert_null(strpbrk(a, "0O1lIio"));
	assert_string_not_equal(a, b);
	struct kf_error err = KF_ERROR_INIT;
	assert_int_equal(password_policy(a, &err), 0);
}

static int url_safe(const char *s)
{
	for (; *s; s++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *s))
			return 0;
	return 1;
}

static void test_token_random(void **state)
{
	(void)state;
	char a[TOKEN_TEXT_MAX], b[TOKEN_TEXT_MAX], c[TOKEN_TEXT_MAX];
	token_random("kfs_", a);
	token_random("kfs_", b);
	token_random("kft_", c);
	/* 32 bytes in unpadded URL-safe base64 are 43 characters. */
	assert_int_equal(strlen(a), 4 + 43);
	assert_int_equal(strlen(c), 4 + 43);
	assert_int_equal(strncmp(a, "kfs_", 4), 0);
	assert_int_equal(strncmp(c, "kft_", 4), 0);
	assert_true(url_safe(a + 4));
	assert_true(url_safe(c + 4));
	assert_string_not_equal(a, b);
	assert_string_not_equal(a + 4, c + 4);
}

static int is_hex64(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (; *s; s++)
		if (!strchr("0123456789abcdef", *s))
			return 0;
	return 1;
}

static void test_token_hash(void **state)
{
	(void)state;
	char h1[TOKEN_HASH_HEX], h2[TOKEN_HASH_HEX], h3[TOKEN_HASH_HEX], e[TOKEN_HASH_HEX];
	token_hash_hex("kfs_abc", h1);
	token_hash_hex("kfs_abc", h2);
	token_hash_hex("kfs_abd", h3);
	assert_true(is_hex64(h1));
	assert_string_equal(h1, h2);
	assert_string_not_equal(h1, h3);
	/* BLAKE2b-256 of the empty string (RFC 7693 parameters, 32-byte output). */
	digest_hex("", 0, e);
	assert_string_equal(e, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
	digest_hex("kfs_abc", 7, h2);
	assert_string_equal(h1, h2);
}

/* --- rbac ----------------------------------------------------------------- */

static void test_rbac_table_complete(void **state)
{
	(void)state;
	size_t n = 0;
	const struct perm_info *t = rbac_table(&n);
	assert_non_null(t);
	for (int p = PERM_SELF; p < PERM_COUNT; p++) {
		int seen = 0;
		for (size_t i = 0; i < n; i++)
			seen += t[i].perm == (enum perm)p;
		if (seen != 1)
			fail_msg("permission %d appears %d times in rbac_table", p, seen);
	}
	for (size_t i = 0; i < n; i++) {
		assert_true(t[i].perm > PERM_NONE && t[i].perm < PERM_COUNT);
		assert_non_null(t[i].name);
		assert_non_null(t[i].about);
		assert_string_equal(perm_name(t[i].perm), t[i].name);
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(t[i].name, t[j].name);
		/* No permission is granted to "no role". */
		assert_int_equal(t[i].roles & 1u, 0);
	}
	assert_int_equal(n, PERM_COUNT - 1);
	assert_string_equal(perm_name(PERM_NONE), "none");
	assert_string_equal(perm_name(PERM_COUNT), "none");
}

static void test_rbac_roles(void **state)
{
	(void)state;
	assert_true(rbac_allows(ROLE_ADMIN, PERM_USER_WRITE));
	assert_true(rbac_allows(ROLE_ADMIN, PERM_USER_READ));
	assert_true(rbac_allows(ROLE_ADMIN, PERM_AUDIT_READ));
	assert_false(rbac_allows(ROLE_MANAGER, PERM_USER_WRITE));
	assert_true(rbac_allows(ROLE_MANAGER, PERM_USER_READ));
	assert_false(rbac_allows(ROLE_ANALYST, PERM_PII_READ));
	assert_false(rbac_allows(ROLE_ANALYST, PERM_USER_READ));
	assert_true(rbac_allows(ROLE_ANALYST, PERM_METRICS_READ));
	assert_true(rbac_allows(ROLE_AGENT, PERM_PII_READ));
	assert_false(rbac_allows(ROLE_AGENT, PERM_USER_READ));
	assert_false(rbac_allows(ROLE_AGENT, PERM_AUDIT_READ));
	assert_true(rbac_allows(ROLE_CRM, PERM_PII_READ));
	for (int r = ROLE_ADMIN; r < ROLE_COUNT; r++) {
		assert_true(rbac_allows((enum role)r, PERM_SELF));
		assert_false(rbac_allows((enum role)r, PERM_NONE));
		assert_false(rbac_allows((enum role)r, PERM_COUNT));
	}
	for (int p = PERM_NONE; p <= PERM_COUNT; p++) {
		assert_false(rbac_allows(ROLE_NONE, (enum perm)p));
		assert_false(rbac_allows(ROLE_COUNT, (enum perm)p));
		assert_false(rbac_allows((enum role) - 1, (enum perm)p));
	}
}

static void test_role_names(void **state)
{
	(void)state;
	static const char *const names[] = { "admin", "manager", "agent", "crm", "analyst" };
	for (int r = ROLE_ADMIN; r < ROLE_COUNT; r++) {
		assert_string_equal(role_name((enum role)r), names[r - ROLE_ADMIN]);
		assert_int_equal(role_parse(role_name((enum role)r)), r);
	}
	assert_int_equal(role_parse("root"), ROLE_NONE);
	assert_int_equal(role_parse("Admin"), ROLE_NONE);
	assert_int_equal(role_parse("none"), ROLE_NONE);
	assert_int_equal(role_parse(""), ROLE_NONE);
	assert_int_equal(role_parse(NULL), ROLE_NONE);
	assert_string_equal(role_name(ROLE_NONE), "none");
	assert_string_equal(role_name(ROLE_COUNT), "none");
	assert_string_equal(role_name((enum role) - 3), "none");
	/* The unknown role has no permission at all. */
	enum role none = role_parse("superuser");
	for (int p = PERM_NONE; p < PERM_COUNT; p++)
		assert_false(rbac_allows(none, (enum perm)p));
}

/* --- throttle_wait -------------------------------------------------------- */

static void test_throttle_wait(void **state)
{
	(void)state;
	static const struct {
		const char *what; /* the case, for the failure message */
		struct throttle_count account; /* failures for the login */
		struct throttle_count addr; /* failures for the address */
		int64_t now;
		struct throttle_limits lim; /* per_account, per_addr, window_s */
		int want; /* seconds to wait */
	} cases[] = {
		{ "nothing yet", { 0, 0 }, { 0, 0 }, 1000, { 5, 50, 900 }, 0 },
		{ "account under limit", { 4, 500 }, { 4, 500 }, 1000, { 5, 50, 900 }, 0 },
		{ "account at limit", { 5, 500 }, { 5, 500 }, 1000, { 5, 50, 900 }, 400 },
		{ "account over limit", { 9, 200 }, { 9, 200 }, 1000, { 5, 50, 900 }, 100 },
		{ "address at limit", { 1, 990 }, { 50, 300 }, 1000, { 5, 50, 900 }, 200 },
		{ "the longer of the two", { 5, 150 }, { 50, 400 }, 1000, { 5, 50, 900 }, 300 },
		{ "the longer of the two (other way)", { 5, 600 }, { 50, 400 }, 1000, { 5, 50, 900 }, 500 },
		{ "oldest just leaving: at least 1", { 5, 100 }, { 0, 0 }, 1000, { 5, 50, 900 }, 1 },
		{ "oldest already out: still at least 1", { 5, 50 }, { 0, 0 }, 1000, { 5, 50, 900 }, 1 },
		{ "one second left", { 5, 101 }, { 0, 0 }, 1000, { 5, 50, 900 }, 1 },
		{ "two seconds left", { 5, 102 }, { 0, 0 }, 1000, { 5, 50, 900 }, 2 },
		{ "limit 0 disables the account check", { 1000, 999 }, { 0, 0 }, 1000, { 0, 50, 900 }, 0 },
		{ "limit 0 disables the address check", { 0, 0 }, { 1000, 999 }, 1000, { 5, 0, 900 }, 0 },
		{ "both disabled", { 1000, 999 }, { 1000, 999 }, 1000, { 0, 0, 900 }, 0 },
		{ "limit 1", { 1, 1000 }, { 0, 0 }, 1000, { 1, 50, 60 }, 60 },
		{ "large times", { 5, 1700000000 }, { 0, 0 }, 1700000100, { 5, 50, 900 }, 800 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = throttle_wait(&cases[i].account, &cases[i].addr, cases[i].now, &cases[i].lim);
		if (got != cases[i].want)
			fail_msg("%s: waited %d, want %d", cases[i].what, got, cases[i].want);
	}
}

/* --- sign-in delays -------------------------------------------------------- */

static void test_throttle_delay(void **state)
{
	(void)state;
	assert_int_equal(throttle_delay_ms(4, 5, 300), 0);
	assert_int_equal(throttle_delay_ms(5, 5, 300), 1000);
	assert_int_equal(throttle_delay_ms(6, 5, 300), 2000);
	assert_int_equal(throttle_delay_ms(7, 5, 300), 4000);
	assert_int_equal(throttle_delay_ms(13, 5, 300), 256000);
	assert_int_equal(throttle_delay_ms(14, 5, 300), 300000); /* capped */
	assert_int_equal(throttle_delay_ms(100000, 5, 300), 300000); /* no overflow */
	assert_int_equal(throttle_delay_ms(3, 0, 300), 0); /* no threshold: no delay */
}

static void test_throttle_login_wait(void **state)
{
	(void)state;
	static const struct login_limits lim = { 5, 50, 100, 900, 300 };
	static const struct {
		const char *what; /* the case, for the failure message */
		struct login_seen seen; /* pair, addr, login tallies {failures, last_ms}; known */
		int64_t now_ms;
		int64_t want; /* ms to wait */
	} cases[] = {
		{ "nothing yet", { { 0, 0 }, { 0, 0 }, { 0, 0 }, 0 }, 10000, 0 },
		{ "4 failures: no delay", { { 4, 9000 }, { 4, 9000 }, { 4, 9000 }, 0 }, 9001, 0 },
		{ "5th failure: 1 s from it", { { 5, 9000 }, { 5, 9000 }, { 5, 9000 }, 0 }, 9400, 600 },
		{ "6th failure: 2 s", { { 6, 9000 }, { 6, 9000 }, { 6, 9000 }, 0 }, 9000, 2000 },
		{ "delay over", { { 6, 9000 }, { 6, 9000 }, { 6, 9000 }, 0 }, 11000, 0 },
		{ "the pair applies where known too", { { 5, 9000 }, { 5, 9000 }, { 5, 9000 }, 1 }, 9000, 1000 },
		{ "address spraying slows an unknown account", { { 0, 0 }, { 52, 9000 }, { 0, 0 }, 0 }, 9000, 4000 },
		{ "address spraying does not slow a known account",
		  { { 0, 0 }, { 52, 9000 }, { 0, 0 }, 1 },
		  9000,
		  0 },
		{ "many addresses on one account: slowed where unknown",
		  { { 1, 8000 }, { 1, 8000 }, { 100, 9000 }, 0 },
		  9000,
		  1000 },
		{ "many addresses on one account: not where the owner signs in",
		  { { 1, 8000 }, { 1, 8000 }, { 100000, 9000 }, 1 },
		  9000,
		  0 },
		{ "the longest of three", { { 6, 9000 }, { 53, 9000 }, { 101, 9000 }, 0 }, 9000, 8000 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = throttle_login_wait_ms(&cases[i].seen, cases[i].now_ms, &lim);
		if (got != cases[i].want)
			fail_msg("%s: waited %lld ms, want %lld", cases[i].what, (long long)got,
			         (long long)cases[i].want);
	}
}

/* --- token bucket ----------------------------------------------------------- */

static void test_bucket(void **state)
{
	(void)state;
	struct bucket b = { 3000, 0 }; /* full, burst 3 */
	for (int i = 0; i < 3; i++)
		assert_int_equal(bucket_take(&b, 60, 3, 0), 0);
	assert_int_equal(bucket_take(&b, 60, 3, 0), 1000); /* 60/min: one a second */
	assert_int_equal(bucket_take(&b, 60, 3, 400), 600);
	assert_int_equal(bucket_take(&b, 60, 3, 1000), 0);
	assert_int_equal(bucket_take(&b, 60, 3, 1000), 1000);
	/* a long pause refills to the burst, no more */
	for (int i = 0; i < 3; i++)
		assert_int_equal(bucket_take(&b, 60, 3, 3600000), 0);
	assert_true(bucket_take(&b, 60, 3, 3600000) > 0);
}

static void test_ratelimit_addresses(void **state)
{
	(void)state;
	struct ratelimit *rl = ratelimit_new(60, 2);
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", 1000), 0);
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", 1000), 0);
	assert_true(ratelimit_take(rl, "192.0.2.1", 1000) > 0);
	assert_int_equal(ratelimit_take(rl, "192.0.2.2", 1000), 0); /* another address */
	/* one IPv6 /64 is one client */
	assert_int_equal(ratelimit_take(rl, "2001:db8::1", 1000), 0);
	assert_int_equal(ratelimit_take(rl, "2001:db8::2", 1000), 0);
	assert_true(ratelimit_take(rl, "2001:db8::ffff", 1000) > 0);
	assert_int_equal(ratelimit_take(rl, "2001:db8:0:1::1", 1000), 0);
	ratelimit_free(rl);
	assert_null(ratelimit_new(0, 20)); /* 0 = no limit */
	assert_int_equal(ratelimit_take(NULL, "192.0.2.1", 1000), 0);
}

/* --- session expiry ------------------------------------------------------------ */

static void test_session_expiry(void **state)
{
	(void)state;
	static const struct session_limits lim = { 7200, 43200 };
	assert_int_equal(session_expiry(1000, 1000, &lim), 1000 + 7200); /* idle first */
	assert_int_equal(session_expiry(1000, 30000, &lim), 30000 + 7200);
	assert_int_equal(session_expiry(1000, 40000, &lim), 1000 + 43200); /* then the lifetime */
	assert_int_equal(session_expiry(1000, 99999, &lim), 1000 + 43200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_length),
		cmocka_unit_test(test_policy_counts_characters),
		cmocka_unit_test(test_policy_max_bytes),
		cmocka_unit_test(test_hash_verify),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_token_random),
		cmocka_unit_test(test_token_hash),
		cmocka_unit_test(test_rbac_table_complete),
		cmocka_unit_test(test_rbac_roles),
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_throttle_wait),
		cmocka_unit_test(test_throttle_delay),
		cmocka_unit_test(test_throttle_login_wait),
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_ratelimit_addresses),
		cmocka_unit_test(test_session_expiry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
