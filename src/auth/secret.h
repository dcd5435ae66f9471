/*
 * secret.h - small secrets sealed at rest with the server's key: the
 * passwords of IMAP mailboxes and of the outgoing mail relay.
 *
 * XSalsa20-Poly1305 (libsodium crypto_secretbox) with a random nonce per
 * seal; the stored text is "v1:" + base64(nonce || box).  The key is 32
 * bytes from a file (config secret_key_file: 64 hex digits, whitespace
 * around them ignored); a SQLite server without one uses DB.key beside the
 * database, made (mode 0600) on first use.  Without a key, sealing fails
 * with KF_EINVAL "secret_key_missing" and nothing is stored in clear.
 * The key is process-wide, set once at start.
 */
#ifndef KF_SECRET_H
#define KF_SECRET_H

#include "base/err.h"

#define SECRET_KEY_BYTES 32

/* Use key (SECRET_KEY_BYTES bytes) from now on. */
void secret_set_key(const unsigned char *key);
/* Forget the key (tests). */
void secret_clear_key(void);
/* Read the key from path; with create, a missing file is made with a new random key (mode 0600). */
int secret_load_key_file(const char *path, int create, struct kf_error *err);
/* Whether a key is set. */
int secret_have_key(void);
/* Seal plain (NUL-terminated) into *sealed (owned, free). */
int secret_seal(const char *plain, char **sealed, struct kf_error *err);
/* Open what secret_seal made into *plain (owned; wipe it after use with secret_wipe). */
int secret_open(const char *sealed, char **plain, struct kf_error *err);
/* Zero and free a plain secret (NULL is fine). */
void secret_wipe(char *plain);

#endif
