/*
 * secret.c - sealing stored passwords with the server's key (secret.h).
 */
#include "auth/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"

#define SEAL_PREFIX "v1:"

static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char server_key[SECRET_KEY_BYTES];
static int have_key;

void secret_set_key(const unsigned char *key)
{
	pthread_mutex_lock(&key_lock);
	memcpy(server_key, key, SECRET_KEY_BYTES);
	have_key = 1;
	pthread_mutex_unlock(&key_lock);
}

void secret_clear_key(void)
{
	pthread_mutex_lock(&key_lock);
	sodium_memzero(server_key, sizeof(server_key));
	have_key = 0;
	pthread_mutex_unlock(&key_lock);
}

int secret_have_key(void)
{
	pthread_mutex_lock(&key_lock);
	int h = have_key;
	pthread_mutex_unlock(&key_lock);
	return h;
}

static int key_copy(unsigned char *out)
{
	pthread_mutex_lock(&key_lock);
	int h = have_key;
	if (h)
		memcpy(out, server_key, SECRET_KEY_BYTES);
	pthread_mutex_unlock(&key_lock);
	return h;
}

static int write_new_key(const char *path, struct kf_error *err)
{
	unsigned char key[SECRET_KEY_BYTES];
	char hex[2 * SECRET_KEY_BYTES + 2];
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex) - 1, key, sizeof(key));
	hex[2 * SECRET_KEY_BYTES] = '\n';
	hex[2 * SECRET_KEY_BYTES + 1] = '\0';
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		sodium_memzero(key, sizeof(key));
		return errno == EEXIST ? 1
		                       : kf_fail(err, KF_EIO, "secret_key_file", "secret_key_file", "%s: %s",
		                                 path, strerror(errno));
	}
	size_t len = strlen(hex);
	int ok = write(fd, hex, len) == (ssize_t)len && fsync(fd) == 0;
	close(fd);
	sodium_memzero(hex, sizeof(hex));
	if (!ok) {
		sodium_memzero(key, sizeof(key));
		unlink(path);
		return kf_fail(err, KF_EIO, "secret_key_file", "secret_key_file", "%s: cannot write the key",
		               path);
	}
	secret_set_key(key);
	sodium_memzero(key, sizeof(key));
	return 0;
}

int secret_load_key_file(const char *path, int create, struct kf_error *err)
{
	if (create) {
		int rc = write_new_key(path, err);
		if (rc <= 0)
			return rc; /* made (0) or failed (< 0); 1: it exists, read it */
	}
	FILE *f = fopen(path, "re");
	if (!f)
		return kf_fail(err, KF_EIO, "secret_key_file", "secret_key_file", "%s: %s", path,
		               strerror(errno));
	char text[256];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	unsigned char key[SECRET_KEY_BYTES];
	size_t got = 0;
	const char *end = NULL;
	int rc = sodium_hex2bin(key, sizeof(key), text, n, " \t\r\n", &got, &end);
	sodium_memzero(text, sizeof(text));
	if (rc != 0 || got != SECRET_KEY_BYTES || (end && *end)) {
		sodium_memzero(key, sizeof(key));
		return kf_fail(err, KF_EINVAL, "secret_key_file", "secret_key_file",
		               "%s: the key must be 64 hexadecimal digits", path);
	}
	secret_set_key(key);
	sodium_memzero(key, sizeof(key));
	return 0;
}

static int no_key(struct kf_error *err)
{
	return kf_fail(err, KF_EINVAL, "secret_key_missing", NULL,
	               "no secret key is configured (secret_key_file): stored passwords cannot be sealed");
}

int secret_seal(const char *plain, char **sealed, struct kf_error *err)
{
	unsigned char key[SECRET_KEY_BYTES];
	if (sodium_init() < 0 || !key_copy(key))
		return no_key(err);
	size_t plen = strlen(plain);
	size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plen;
	unsigned char *box = xmalloc(blen);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, plen, box, key);
	sodium_memzero(key, sizeof(key));
	size_t tlen = sodium_base64_ENCODED_LEN(blen, sodium_base64_VARIANT_ORIGINAL);
	char *out = xmalloc(sizeof(SEAL_PREFIX) - 1 + tlen);
	memcpy(out, SEAL_PREFIX, sizeof(SEAL_PREFIX) - 1);
	sodium_bin2base64(out + sizeof(SEAL_PREFIX) - 1, tlen, box, blen, sodium_base64_VARIANT_ORIGINAL);
	free(box);
	*sealed = out;
	return 0;
}

int secret_open(const char *sealed, char **plain, struct kf_error *err)
{
	unsigned char key[SECRET_KEY_BYTES];
	if (sodium_init() < 0 || !key_copy(key))
		return no_key(err);
	size_t slen = strlen(sealed);
	if (strncmp(sealed, SEAL_PREFIX, sizeof(SEAL_PREFIX) - 1) != 0) {
		sodium_memzero(key, sizeof(key));
		return kf_fail(err, KF_EINVAL, "secret_corrupt", NULL,
		               "a stored secret is not in a known form");
	}
	const char *b64 = sealed + sizeof(SEAL_PREFIX) - 1;
	size_t cap = slen;
	unsigned char *box = xmalloc(cap + 1);
	size_t blen = 0;
	int rc = sodium_base642bin(box, cap, b64, strlen(b64), NULL, &blen, NULL,
	                           sodium_base64_VARIANT_ORIGINAL);
	if (rc != 0 || blen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
		free(box);
		sodium_memzero(key, sizeof(key));
		return kf_fail(err, KF_EINVAL, "secret_corrupt", NULL,
		               "a stored secret is not in a known form");
	}
	size_t plen = blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	char *out = xmalloc(plen + 1);
	rc = crypto_secretbox_open_easy((unsigned char *)out, box + crypto_secretbox_NONCEBYTES,
	                                blen - crypto_secretbox_NONCEBYTES, box, key);
	sodium_memzero(key, sizeof(key));
	free(box);
	if (rc != 0) {
		free(out);
		return kf_fail(
		        err, KF_EINVAL, "secret_wrong_key", NULL,
		        "a stored secret cannot be opened with this server's key (was secret_key_file changed?)");
	}
	out[plen] = '\0';
	*plain = out;
	return 0;
}

void secret_wipe(char *plain)
{
	if (!plain)
		return;
	sodium_memzero(plain, strlen(plain));
	free(plain);
}
