/*
 * password.h - password hashing (argon2id through libsodium), policy and
 * generation, and the random tokens used for sessions and API tokens.
 */
#ifndef KF_PASSWORD_H
#define KF_PASSWORD_H

#include <stddef.h>

#include "base/err.h"

#define PASSWORD_HASH_MAX 128 /* bytes of an encoded argon2id hash, with NUL */
#define TOKEN_TEXT_MAX 64 /* bytes of a random token as text, with NUL */
#define TOKEN_HASH_HEX 65 /* BLAKE2b-256 as hex, with NUL */

/* Initialise libsodium once; safe to call from many threads. */
int crypto_setup(struct kf_error *err);
/* Refuse passwords shorter than KF_MIN_PASSWORD_CHARS characters or longer than the cap. */
int password_policy(const char *pw, struct kf_error *err);
/* Encode an argon2id hash of pw (libsodium's interactive limits) into out. */
int password_hash(const char *pw, char out[PASSWORD_HASH_MAX], struct kf_error *err);
/* 0 when pw matches hash, KF_EAUTH otherwise (constant time in libsodium). */
int password_verify(const char *hash, const char *pw);
/*
 * Verify pw against a fixed hash and ignore the result: what sign-in does
 * when the login names no account, so that an unknown login costs the same
 * time as a wrong password and timing does not tell which logins exist.
 */
void password_verify_dummy(const char *pw);
/* A random 16-character password from an unambiguous alphabet. */
void password_generate(char out[17]);
/* prefix + 32 random bytes in URL-safe base64 ("kfs_..." for sessions). */
void token_random(const char *prefix, char out[TOKEN_TEXT_MAX]);
/* BLAKE2b-256 of a token, hex: what the database stores. */
void token_hash_hex(const char *token, char out[TOKEN_HASH_HEX]);
/* BLAKE2b-256 of any bytes, hex. */
void digest_hex(const void *data, size_t len, char out[TOKEN_HASH_HEX]);

#endif
