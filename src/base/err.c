/*
 * err.c - filling struct kf_error; the default keys for each code.
 */
#include "base/err.h"
#include "base/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void kf_utf8_trim(char *s)
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
	str_copy(err->key, sizeof(err->key), key ? key : kf_code_key(code));
	str_copy(err->field, sizeof(err->field), field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	kf_utf8_trim(err->field);
	kf_utf8_trim(err->message);
	err->ndetails = 0;
	return code;
}

static struct kf_error_detail *detail_add(struct kf_error *err, enum kf_detail_kind kind, const char *name)
{
	if (!err || err->ndetails >= KF_ERR_DETAILS_MAX)
		return NULL;
	struct kf_error_detail *d = &err->details[err->ndetails++];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	str_copy(d->name, sizeof(d->name), name);
	return d;
}

void kf_detail_str(struct kf_error *err, const char *name, const char *value)
{
	struct kf_error_detail *d = detail_add(err, KF_DETAIL_STR, name);
	if (!d)
		return;
	str_copy(d->value, sizeof(d->value), value ? value : "");
	kf_utf8_trim(d->value);
}

void kf_detail_int(struct kf_error *err, const char *name, long long value)
{
	struct kf_error_detail *d = detail_add(err, KF_DETAIL_INT, name);
	if (d)
		d->num = value;
}

void kf_detail_list(struct kf_error *err, const char *name, const char *csv)
{
	struct kf_error_detail *d = detail_add(err, KF_DETAIL_LIST, name);
	if (!d)
		return;
	str_copy(d->value, sizeof(d->value), csv ? csv : "");
	kf_utf8_trim(d->value);
}

const struct kf_error_detail *kf_detail_get(const struct kf_error *err, const char *name)
{
	for (int i = 0; err && i < err->ndetails; i++)
		if (strcmp(err->details[i].name, name) == 0)
			return &err->details[i];
	return NULL;
}

void kf_bug(const char *file, int line, const char *msg)
{
	fprintf(stderr, "kefu: BUG at %s:%d: %s\n", file, line, msg);
	abort();
}
