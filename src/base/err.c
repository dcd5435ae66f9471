/*
 * err.c - filling struct kf_error; the default keys for each code.
 */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static const struct {
	int code; /* enum kf_code */
	const char *key; /* default machine key */
} code_keys[] = {
	{ KF_EINVAL, "invalid" },
	{ KF_ENOTFOUND, "not_found" },
	{ KF_ECONFLICT, "conflict" },
	{ KF_ESTALE, "stale" },
	{ KF_EPERM, "forbidden" },
	{ KF_EAUTH, "unauthenticated" },
	{ KF_EDB, "database" },
	{ KF_ETOOBIG, "too_large" },
	{ KF_ELIMIT, "rate_limited" },
	{ KF_EEXIST, "exists" },
	{ KF_EIO, "io" },
	{ KF_EBUSY, "busy" },
	{ KF_EPRECOND, "precondition_required" },
	{ KF_EUNSUPPORTED, "unsupported" },
	{ KF_EFOREIGN, "foreign_database" },
};

const char *kf_code_key(int code)
{
	for (size_t i = 0; i < sizeof(code_keys) / sizeof(code_keys[0]); i++)
		if (code_keys[i].code == code)
			return code_keys[i].key;
	return "error";
}

/* Cut a UTF-8 sequence that snprintf truncated at the end of s. */
static void utf8_trim(char *s)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0 || (unsigned char)s[i - 1] < 0xC0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
	if (n - (i - 1) < want)
		s[i - 1] = '\0';
}

int kf_fail(struct kf_error *err, int code, const char *key, const char *field, const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	snprintf(err->key, sizeof(err->key), "%s", key ? key : kf_code_key(code));
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	utf8_trim(err->field);
	utf8_trim(err->message);
	return code;
}

void kf_bug(const char *file, int line, const char *msg)
{
	fprintf(stderr, "kefu: BUG at %s:%d: %s\n", file, line, msg);
	abort();
}
