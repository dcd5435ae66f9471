/*
 * password.c - see password.h.
 *
 * Passwords are verified once per login, never per request: sessions and
 * API tokens are random 256-bit values looked up by their hash, so an API
 * client pays a hash table probe, not an argon2id run (the peers measured
 * in reference/peers-measured.md pay ~200 ms of bcrypt per request).
 */
#include "auth/password.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"

static int sodium_ok = -1;
static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void sodium_setup(void)
{
	sodium_ok = sodium_init() >= 0;
}

int crypto_setup(struct kf_error *err)
{
	pthread_once(&sodium_once, sodium_setup);
	if (!sodium_ok)
		return kf_fail(err, KF_EIO, "crypto", NULL, "libsodium failed to initialise");
	return 0;
}

/* Count UTF-8 characters (bytes that are not continuation bytes). */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int password_policy(const char *pw, struct kf_error *err)
{
	if (!pw || utf8_chars(pw) < KF_MIN_PASSWORD_CHARS)
		return kf_fail(err, KF_EINVAL, "weak_password", "password",
		               "password must be at least %d characters", KF_MIN_PASSWORD_CHARS);
	if (strlen(pw) > KF_MAX_PASSWORD_BYTES)
		return kf_fail(err, KF_EINVAL, "too_long", "password", "password is longer than %d bytes",
		               KF_MAX_PASSWORD_BYTES);
	return 0;
}

int password_hash(const char *pw, char out[PASSWORD_HASH_MAX], struct kf_error *err)
{
	_Static_assert(PASSWORD_HASH_MAX >= crypto_pwhash_STRBYTES, "hash buffer too small");
	int rc = crypto_setup(err);
	if (rc < 0)
		return rc;
	if (crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                          crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return kf_fail(err, KF_EIO, "crypto", NULL, "out of memory while hashing a password");
	return 0;
}

int password_verify(const char *hash, const char *pw)
{
	if (crypto_setup(NULL) < 0 || !hash || !pw)
		return KF_EAUTH;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0 ? 0 : KF_EAUTH;
}

/* A hash of a fixed password, made once, for password_verify_dummy(). */
static char dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_setup(void)
{
	password_hash("kefu-timing-equaliser", dummy_hash, NULL);
}

void password_verify_dummy(const char *pw)
{
	pthread_once(&dummy_once, dummy_setup);
	password_verify(dummy_hash, pw);
}

void password_generate(char out[17])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
	crypto_setup(NULL);
	for (int i = 0; i < 16; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[16] = '\0';
}

void token_random(const char *prefix, char out[TOKEN_TEXT_MAX])
{
	unsigned char raw[32];
	char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	crypto_setup(NULL);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(out, TOKEN_TEXT_MAX, "%s%s", prefix, b64);
}

void digest_hex(const void *data, size_t len, char out[TOKEN_HASH_HEX])
{
	unsigned char h[32];
	crypto_setup(NULL);
	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	sodium_bin2hex(out, TOKEN_HASH_HEX, h, sizeof(h));
}

void token_hash_hex(const char *token, char out[TOKEN_HASH_HEX])
{
	digest_hex(token, strlen(token), out);
}
